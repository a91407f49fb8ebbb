"""The handbook's pages and tag words in, the search index the site's search page reads out (JSON).

The index is small enough for a phone (a few kilobytes per page): titles, summaries and the words
each page is found by, plus every emotion and situation word with the everyday words readers use
for it ("angry", "can't sleep", "want to hurt myself") and the skills it leads to. Words marked
`crisis_first` put crisis help and the safety plan before any skill.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from skillbook.reading.models import Handbook, Homework, Item, Module, Skill
from skillbook.reading.vocabulary import Term
from skillbook.reading.wording import words_for

KIND_WORDS = {Skill: "Skill", Homework: "Worksheet", Module: "Module"}


@dataclass(frozen=True)
class PageText:
    """What a page is found by: its title, its section headings and the words of its text."""

    docname: str
    title: str
    headings: tuple[str, ...] = ()
    words: str = ""


_WORD = re.compile(r"[a-z0-9]+")
_SHARED = 0.3  # a word of the text in more than this share of the pages is left out of the index
_COMMON = frozenset({
    "the", "and", "for", "are", "but", "not", "you", "your", "yours", "with", "this", "that", "these", "those",
    "from", "have", "has", "had", "was", "were", "will", "would", "can", "could", "should", "what", "when",
    "where", "which", "who", "how", "why", "them", "they", "their", "there", "then", "than", "into", "onto",
    "also", "just", "only", "very", "more", "most", "some", "any", "all", "each", "one", "two", "use", "used",
    "using", "like",
})


def page_words(text: str) -> str:
    """The distinct words of a page's text, for search (lower case, in the order they first appear)."""
    seen = dict.fromkeys(w for w in _WORD.findall(text.lower().replace("\u2019", "").replace("'", ""))
                         if len(w) > 2 and w not in _COMMON)
    return " ".join(seen)


def search_index(pages: Sequence[PageText], handbook: Handbook, terms: dict[str, tuple[Term, ...]],
                 url: Callable[[str], str], crisis_doc: str, plan_doc: str | None) -> dict[str, Any]:
    """`pages`: the pages readers may find, in contents order; `url` gives a page's site path."""
    items: dict[str, Item] = {i.docname: i for i in (*handbook.modules, *handbook.skills, *handbook.homework)
                              if i.is_published}
    titles = {p.docname: p.title for p in pages}
    position = {p.docname: n for n, p in enumerate(pages)}
    # a word of the text that most pages share tells none of them apart: it only makes the index
    # heavier on a phone (the pages' titles, headings and metadata are kept whole)
    frequency = Counter(w for p in pages for w in set(p.words.split()))
    common = {w for w, n in frequency.items() if n > max(10, len(pages) * _SHARED)}
    entries = []
    for page in pages:
        text = " ".join(w for w in page.words.split() if w not in common)
        item = items.get(page.docname)
        entries.append({"u": url(page.docname), "t": page.title, "s": item.summary if item else "",
                        "k": KIND_WORDS.get(type(item), "") if item else "",
                        "w": " ".join([*_words(item, handbook), *page.headings, text])})
    words = []
    for kind, attribute in (("emotions", "emotions"), ("situations", "situations")):
        for term in terms.get(kind, ()):
            tagged = [s for s in handbook.skills if s.is_published and term.id in getattr(s, attribute)
                      and s.docname in position]
            if not tagged and not term.crisis_first:
                continue
            ranked = sorted(tagged, key=lambda s: (s.level != "foundation", s.practice_minutes, position[s.docname]))
            words.append({"label": term.label, "terms": [term.label, term.id.replace("-", " "), *term.aliases],
                          "crisis": term.crisis_first, "pages": [position[s.docname] for s in ranked]})
    return {
        "crisis": {"u": url(crisis_doc), "t": titles.get(crisis_doc, "Crisis help"), "k": "", "s": ""},
        "plan": {"u": url(plan_doc), "t": titles.get(plan_doc, "Safety plan"), "k": "Worksheet", "s": ""}
        if plan_doc else None,
        "pages": entries,
        "words": words,
    }


def _words(item: Item | None, handbook: Handbook) -> list[str]:
    if isinstance(item, Skill):
        modules = {m.id: m.title for m in handbook.modules}
        return [item.acronym, *item.when_to_use, *(f"{s.key} {s.name}" for s in item.steps),
                modules.get(item.module, "")]
    if isinstance(item, Homework):
        skills = {s.id: s.title for s in handbook.skills}
        return [words_for(item.language).named("type", item.type), *(skills.get(s, s) for s in item.skills),
                *(f.label for f in item.fields)]
    if isinstance(item, Module):
        return [s.title for s in handbook.skills_of(item.id)]
    return []
