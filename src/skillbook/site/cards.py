"""Validated content objects in, docutils nodes out: the skill card, homework preview, lists and notices.

Links to other pages are `pending_xref` nodes without explicit titles, so Sphinx fills in each
target's current title when it writes the page (they never go stale in incremental builds).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from docutils import nodes
from sphinx import addnodes

from skillbook.checking.reviews import ReviewState, review_state
from skillbook.reading.models import Field, Homework, Item, Module, Skill
from skillbook.reading.wording import Words, words_for


class skillbook_heading(nodes.Element):
    """A real HTML heading (`<h2>`, `<h3>`) that does not become a page section."""


def visit_heading_html(self: object, node: skillbook_heading) -> None:
    ids = " ".join(node["ids"])
    anchor = f' id="{ids}"' if ids else ""
    self.body.append(f'<h{node["level"]}{anchor} class="skillbook-heading">')  # type: ignore[attr-defined]


def depart_heading_html(self: object, node: skillbook_heading) -> None:
    self.body.append(f'</h{node["level"]}>\n')  # type: ignore[attr-defined]


def visit_heading_plain(self: object, node: skillbook_heading) -> None:
    """Other builders (text, LaTeX...) render the heading's text as a plain paragraph."""


def depart_heading_plain(self: object, node: skillbook_heading) -> None:
    pass


class skillbook_own_card(nodes.Element):
    """Where the client's own card shows, if they made one on this phone (`companion/glance.js`):
    an empty, hidden element whose attributes carry the link and the words around it."""


def visit_own_card_html(self: object, node: skillbook_own_card) -> None:
    self.body.append(node["html"])  # type: ignore[attr-defined]
    raise nodes.SkipNode


def visit_own_card_plain(self: object, node: skillbook_own_card) -> None:
    raise nodes.SkipNode


def heading(text: str, level: int = 2, anchor: str = "") -> skillbook_heading:
    node = skillbook_heading("", nodes.Text(text), level=level)
    if anchor:
        node["ids"].append(anchor)
    return node


def doc_link(refdoc: str, target: str, text: str = "") -> addnodes.pending_xref:
    """A link to another page; without `text`, Sphinx uses the target's title when writing."""
    ref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget="/" + target,
                                refexplicit=bool(text), refwarn=True, refdoc=refdoc)
    ref += nodes.inline(text=text or target, classes=["doc"])
    return ref


def url_link(uri: str, text: str) -> nodes.reference:
    return nodes.reference("", text, refuri=uri, internal=False)


def relative_uri(from_doc: str, target_path: str) -> str:
    """A site-relative path (e.g. `worksheets/x.pdf`) as seen from the page of `from_doc`."""
    return "../" * from_doc.count("/") + target_path


def worded(template: str, **nodes_by_name: nodes.Node) -> list[nodes.Node | str]:
    """A sentence of the wording table with `{name}` places filled by nodes (links), in order."""
    parts: list[nodes.Node | str] = []
    for piece in re.split(r"(\{\w+\})", template):
        name = piece[1:-1] if piece.startswith("{") and piece.endswith("}") else ""
        parts.append(nodes_by_name.get(name, piece))
    return [p for p in parts if p != ""]


def paragraph(*children: nodes.Node | str, classes: Sequence[str] = ()) -> nodes.paragraph:
    node = nodes.paragraph(classes=list(classes))
    for child in children:
        node += nodes.Text(child) if isinstance(child, str) else child
    return node


def bullet_list(items: Iterable[nodes.Node | Sequence[nodes.Node | str] | str],
                classes: Sequence[str] = (), enumerated: bool = False) -> nodes.Element:
    listing: nodes.Element = nodes.enumerated_list(classes=list(classes)) if enumerated else \
        nodes.bullet_list(classes=list(classes))
    for item in items:
        list_item = nodes.list_item()
        if isinstance(item, str):
            list_item += paragraph(item)
        elif isinstance(item, nodes.Node):
            list_item += item
        else:
            list_item += paragraph(*item)
        listing += list_item
    return listing


def summary(item: Item) -> nodes.paragraph:
    return paragraph(item.summary, classes=["skillbook-summary"])


def facts(pairs: Sequence[tuple[str, nodes.Node | str]]) -> nodes.field_list:
    field_list = nodes.field_list(classes=["skillbook-facts"])
    for name, value in pairs:
        field = nodes.field()
        field += nodes.field_name(text=name)
        body = nodes.field_body()
        body += paragraph(value)
        field += body
        field_list += field
    return field_list


def skill_card(skill: Skill, docname: str, module: Module, vocabulary: dict[str, dict[str, str]],
               finder_doc: str, worksheet_docs: Sequence[str], related_docs: Sequence[str],
               homework_pdf: dict[str, str], homework_fill: dict[str, str]) -> nodes.container:
    words = words_for(skill.language)
    card = nodes.container(classes=["skillbook-card", "skillbook-skill-card"])
    pairs: list[tuple[str, nodes.Node | str]] = [(words["site.module"], doc_link(docname, module.docname))]
    if skill.acronym:
        pairs.append((words["site.acronym"], skill.acronym))
    pairs += [(words["site.level"], words.named("level", skill.level)),
              (words["site.practice_time"], words.format("site.about_minutes", minutes=skill.practice_minutes))]
    card += facts(pairs)
    card += heading(words["site.when_to_use"])
    card += bullet_list(skill.when_to_use)
    # safety first: a reader (or an app showing steps one by one) meets the cautions before the steps
    if skill.cautions:
        caution = nodes.caution()
        caution += bullet_list(skill.cautions)
        card += caution
    card += heading(words["site.steps"])
    card += steps_list(skill)
    card += paragraph(url_link(relative_uri(docname, f"pocket/{skill.id}.html"), words["site.pocket_card"]),
                      words["site.pocket_card_note"], classes=["skillbook-pocket-link"])
    tags = _tag_links(skill, vocabulary, docname, finder_doc)
    if tags:
        card += paragraph(*tags, classes=["skillbook-tags"])
    links = nodes.container(classes=["skillbook-links"])  # on paper these links lead nowhere: not printed
    if worksheet_docs:
        links += heading(words["site.worksheets"])
        links += bullet_list([_homework_entry(docname, h, homework_pdf, homework_fill, words)
                              for h in worksheet_docs])
    if related_docs:
        links += heading(words["site.related"])
        links += bullet_list([[doc_link(docname, r)] for r in related_docs])
    if links.children:
        card += links
    return card


def steps_list(skill: Skill) -> nodes.Element:
    """The numbered steps, each with its own caution (if it has one) right below it."""
    words = words_for(skill.language)
    items = []
    for step in skill.steps:
        label = f"{step.key} – {step.name}" if step.key else step.name
        item = nodes.list_item()
        item += paragraph(nodes.strong(text=label), ": ", step.prompt)
        if step.caution:
            item += paragraph(nodes.strong(text=words["site.caution"]), step.caution,
                              classes=["skillbook-step-caution"])
        items.append(item)
    listing = nodes.enumerated_list(classes=["skillbook-steps"])
    for item in items:
        listing += item
    return listing


def _tag_links(skill: Skill, vocabulary: dict[str, dict[str, str]], docname: str,
               finder_doc: str) -> list[nodes.Node | str]:
    parts: list[nodes.Node | str] = []
    said = words_for(skill.language)
    for group, words, label in (("emotion", skill.emotions, said["site.feelings"]),
                                ("situation", skill.situations, said["site.situations"])):
        if not words:
            continue
        if parts:
            parts.append(" · ")
        parts.append(nodes.strong(text=f"{label}: "))
        names = vocabulary["emotions" if group == "emotion" else "situations"]
        for index, word in enumerate(words):
            if index:
                parts.append(", ")
            # to the chooser's answer for this word at the strength the skill suits best
            target = f"{finder_doc}.html#{skill.intensity[0]}-{word}"
            parts.append(url_link(relative_uri(docname, target), names.get(word, word)))
    return parts


def _homework_entry(docname: str, homework_doc: str, homework_pdf: dict[str, str],
                    homework_fill: dict[str, str], words: Words) -> list[nodes.Node | str]:
    entry: list[nodes.Node | str] = [doc_link(docname, homework_doc)]
    extra: list[nodes.Node | str] = []
    fill = homework_fill.get(homework_doc)
    if fill:
        extra.append(url_link(relative_uri(docname, fill), words["site.fill_short"]))
    pdf = homework_pdf.get(homework_doc)
    if pdf:
        extra.append(url_link(relative_uri(docname, pdf), "printable PDF"))
    if extra:
        entry += [" (", *[part for n, link in enumerate(extra) for part in ([", "] if n else []) + [link]], ")"]
    return entry


def homework_card(homework: Homework, docname: str, module: Module, skill_docs: Sequence[str],
                  pdf: str | None, fill: str | None) -> nodes.container:
    words = words_for(homework.language)
    card = nodes.container(classes=["skillbook-card", "skillbook-homework-card"])
    card += facts([
        (words["site.type"], words.named("type", homework.type)),
        (words["site.how_often"], words.named("frequency", homework.frequency)),
        (words["site.time"], words.format("site.about_minutes", minutes=homework.estimated_minutes)),
        (words["site.module"], doc_link(docname, module.docname)),
    ])
    if fill:  # on the phone first: kept there, sent when the client chooses
        link = url_link(relative_uri(docname, fill), words.format("site.fill", title=homework.title))
        card += paragraph(link, classes=["skillbook-download", "skillbook-fill"])
    if pdf:
        link = url_link(relative_uri(docname, pdf), words.format("site.download", title=homework.title))
        card += paragraph(link, classes=["skillbook-download"])
    if skill_docs:
        card += heading(words["site.practises"])
        card += bullet_list([[doc_link(docname, d)] for d in skill_docs])
    card += heading(words["site.form_asks"])
    by_id = {f.id: f for f in homework.fields}
    card += bullet_list([_field_preview(f, words, by_id.get(f.show_if.field) if f.show_if else None)
                         for f in homework.fields], classes=["skillbook-form-preview"])
    return card


def _field_preview(field: Field, words: Words, asked: Field | None) -> list[nodes.Node | str]:
    parts: list[nodes.Node | str] = [nodes.strong(text=field.label), " – ", words.describe_field(field)]
    if field.show_if:
        parts.append(f", {words.condition(field, asked)}")
    if field.required:
        parts.append(words["site.required"])
    return parts


def item_list(refdoc: str, items: Sequence[Item], extra: dict[str, str] | None = None) -> nodes.Element:
    entries = []
    for item in items:
        note = (extra or {}).get(item.id)
        entry: list[nodes.Node | str] = [doc_link(refdoc, item.docname), f": {item.summary}"]
        if note:
            entry.append(f" ({note})")
        entries.append(entry)
    return bullet_list(entries, classes=["skillbook-item-list"])


def review_footer(item: Item, today: dt.date | None = None) -> nodes.container:
    """Who reviewed the page and when it is next due (an overdue review says so), its version, and
    what it is adapted from."""
    words = words_for(item.language)
    footer = nodes.container(classes=["skillbook-review"])
    if item.review is None:
        notice = nodes.container(classes=["skillbook-not-reviewed"])
        notice += paragraph(nodes.strong(text=words["site.not_reviewed"]), words["site.not_reviewed_text"])
        footer += notice
    elif review_state(item, today or dt.date.today()) is ReviewState.OVERDUE:
        review = item.review
        notice = nodes.container(classes=["skillbook-not-reviewed", "skillbook-review-overdue"])
        notice += paragraph(nodes.strong(text=words["site.review_overdue"]),
                            words.format("site.review_overdue_text", date=words.long_date(review.reviewed_on),
                                         reviewers=", ".join(review.reviewed_by),
                                         due=words.long_date(review.next_review)))
        footer += notice
    else:
        review = item.review
        footer += paragraph(words.format("site.reviewed", date=words.long_date(review.reviewed_on),
                                         reviewers=", ".join(review.reviewed_by),
                                         due=words.long_date(review.next_review)))
    footer += paragraph(words.format("site.version", version=item.version, date=words.long_date(item.updated)),
                        classes=["skillbook-version"])
    if item.sources:
        footer += paragraph(words.format("site.sources", sources=words["cite.and"].join(
            words.citation(s) for s in item.sources)), classes=["skillbook-sources"])
    return footer
