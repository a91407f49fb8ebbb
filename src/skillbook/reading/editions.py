"""A MyST body in, the client edition's body (clinician notes blanked out) and the notes themselves out.

Clinician notes are `{clinician-note}` directives: teaching points and discussion questions that
only the clinician edition shows. The client edition removes them from the source itself, before
any renderer sees it, so they cannot reach a page, the search index or the bundle by accident.
Removed lines become blank lines, so every other line keeps its number for error messages.

A note counts wherever MyST would run it: at the top of the body, in a list or a quote, or inside
another directive at any depth (an admonition, a dropdown, a tab, a card), whatever the fence
(backticks, tildes, colons, any length) or the case of its name. A directive's content is read the
ways MyST and its extensions may read it (as written, without its option lines, a card's
header, body and footer apart), and a note found by any of these readings is removed. A code block
is code (a note in it is an example), unless it never closes: then what follows may be Markdown to
MyST (a notebook's next cell), and is read as such too. Where the structure cannot be read safely
(nested too deep, too much to read, a table whose cells are Markdown, a directive content may not
use), the whole enclosing directive is removed from the client edition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from skillbook.reading import allowlist
from skillbook.reading.allowlist import Body

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

EDITIONS = ("client", "clinician")
NOTE_DIRECTIVE = "clinician-note"
# How deep directives are read inside each other; a note deeper than this takes its enclosing
# directive with it, so a hostile page cannot make the split recurse without end.
MAX_DEPTH = 20
# How much text the nested readings may parse, as a multiple of the body's size (plus a floor):
# each level re-reads its content, and a directive with options is read twice.
_WORK_FACTOR, _WORK_FLOOR = 40, 200_000

_FENCES = ("fence", "colon_fence")
# Directives whose content MyST shows as written: a note written in one is an example, not a note.
# The allowlist's other literal bodies (`{csv-table}`) are Markdown to MyST in parts markdown-it does
# not know (each CSV cell): a note in one takes the directive with it.
_CODE = frozenset({"code", "code-block", "sourcecode"})
# sphinx-design cards: the text before a `^^^` line is the header, after the last `+++` the footer,
# each parsed on its own.
_CARDS = frozenset({"card", "grid-item-card"})
_CARD_HEADER = re.compile(r"^\^{3,}\s*$")
_CARD_FOOTER = re.compile(r"^\+{3,}\s*$")
_YAML_OPTIONS_END = re.compile(r"^-{3,}")
# text on a directive's first line that could open a fence when MyST makes it the first content line
_FENCE_MARK = re.compile(r"`{3,}|~{3,}|:{3,}")


@dataclass(frozen=True)
class ClinicianNote:
    myst: str  # the note's content (MyST)
    line: int  # 1-based line of the directive in the body
    title: str = ""


@cache
def _parser() -> MarkdownIt:
    # imported here: only pages with a clinician note need a parser, and a no-op build needs none
    from skillbook.reading.myst import myst_markdown

    return myst_markdown()


class _Unreadable(Exception):
    """The nested readings would take more work than a body of this size may cost."""


@dataclass
class _Budget:
    characters: int  # what the readings may still parse

    def parse(self, text: str) -> list[Token]:
        self.characters -= len(text)
        if self.characters < 0:
            raise _Unreadable
        return _parser().parse(text)


@dataclass
class _Found:
    """What one text holds: the 0-based lines to blank, and the notes by their 0-based line."""

    blank: set[int]
    notes: dict[int, ClinicianNote]

    def add(self, other: _Found, offset: int) -> None:
        self.blank.update(line + offset for line in other.blank)
        for line, note in other.notes.items():
            self.notes.setdefault(line + offset, ClinicianNote(note.myst, line + offset + 1, note.title))


def _mentions_note(text: str) -> bool:
    return NOTE_DIRECTIVE in text.lower()


def split_clinician_notes(myst: str) -> tuple[str, tuple[ClinicianNote, ...]]:
    """The body without its clinician notes (same number of lines), and the notes in order."""
    if not _mentions_note(myst):
        return myst, ()
    budget = _Budget(_WORK_FACTOR * len(myst) + _WORK_FLOOR)
    found = _read((myst,), 0, budget)
    return _blanked(myst, found.blank), tuple(note for _line, note in sorted(found.notes.items()))


def _read(views: tuple[str, ...], depth: int, budget: _Budget) -> _Found:
    """The notes in `views` (readings of the same lines) and the lines they take up, with those of
    whatever cannot be read safely."""
    found = _Found(set(), {})
    for fence in _fences(views, budget):
        start, end, name, content = fence.start, fence.end, fence.name, fence.content
        if name == NOTE_DIRECTIVE:
            found.blank.update(range(start, end))
            myst = content
            if depth < MAX_DEPTH and _mentions_note(content):
                try:
                    inner = _read((content,), depth + 1, budget)
                except _Unreadable:
                    if depth:
                        raise
                else:  # a note in a note is a note of its own
                    found.add(_Found(set(), inner.notes), start + 1)
                    myst = _blanked(content, inner.blank)
            found.notes.setdefault(start, ClinicianNote(myst.rstrip("\n"), start + 1, fence.argument.strip()))
            continue
        if not _mentions_note(fence.argument + content):
            continue
        if depth >= MAX_DEPTH:  # too deep to follow: the client edition goes without all of it
            found.blank.update(range(start, end))
            continue
        if name is None or name in _CODE:
            if fence.closed:
                continue  # code: a note written in it is an example
            # A code block that never closes runs to the end of what holds it. Text that reaches MyST
            # in parts (a notebook's cells, joined here into one body) can end it sooner, and what
            # follows is Markdown there: read it as Markdown too.
            views = (content,)
        else:
            rule = allowlist.directive(name)
            if (rule is None or rule.body is Body.LITERAL or _mentions_note(fence.argument)
                    or (rule.argument is None and _FENCE_MARK.search(fence.argument))):
                # MyST reads this content in a way not followed here (or content may not use it at
                # all): the client edition goes without the whole directive
                found.blank.update(range(start, end))
                continue
            views = _views(name, content)
        try:
            found.add(_read(views, depth + 1, budget), start + 1)
        except _Unreadable:
            if depth:
                raise  # the outermost directive goes, whole
            found.blank.update(range(start, end))
    return found


@dataclass(frozen=True)
class _Fence:
    start: int  # its first line (0-based)
    end: int  # the line after it
    name: str | None  # the directive's name, lowercased; None for a plain code block
    argument: str
    content: str
    closed: bool  # False: no closing fence, it runs to the end of what holds it


def _fences(views: tuple[str, ...], budget: _Budget) -> list[_Fence]:
    """Every fenced block of `views` (readings of the same lines); a block that two readings agree on, once."""
    seen: dict[tuple[int, int, str, str], _Fence] = {}
    for text in views:
        for token in budget.parse(text):
            if token.type not in _FENCES or not token.map:
                continue
            name, argument = _name(token.info)
            start, end = token.map
            closed = end - start > 1 + token.content.count("\n")
            seen.setdefault((start, end, token.info, token.content),
                            _Fence(start, end, name, argument, token.content, closed))
    return list(seen.values())


def _name(info: str) -> tuple[str | None, str]:
    """A fence's directive name (lowercased) and argument, read generously: `{ Clinician-Note }`,
    `{clinician-note}x` or an unclosed `{clinician-note` count, since MyST would show any of them as code."""
    info = info.strip()
    if not info.startswith("{"):
        return None, ""
    name, _, argument = info[1:].partition("}")
    return name.strip().lower(), argument


def _views(name: str, content: str) -> tuple[str, ...]:
    """The readings of a directive's content, each with its lines where they are in `content`: as
    written; without the option lines MyST takes off first; for a card, its header, body and footer."""
    lines = content.split("\n")
    views = [content]
    options = _option_lines(content, lines)
    body = ["" if index < options else line for index, line in enumerate(lines)]
    if options:
        views.append("\n".join(body))
    if name in _CARDS:
        header = next((i for i in range(options, len(body)) if _CARD_HEADER.match(body[i])), None)
        footer = next((i for i in reversed(range(options, len(body))) if _CARD_FOOTER.match(body[i])), None)
        parts = [] if header is None else [(options, header)]
        if footer is not None:
            parts.append((footer + 1, len(body)))
        if parts:
            parts.append((options if header is None else header + 1, len(body) if footer is None else footer))
        for first, last in parts:
            views.append("\n".join(line if first <= index < last else "" for index, line in enumerate(body)))
    return tuple(dict.fromkeys(views))


def _option_lines(content: str, lines: list[str]) -> int:
    """How many leading lines of a directive's content MyST reads as options (a `---` YAML block, or
    lines starting with `:`), as myst_parser's `_parse_directive_options` does."""
    if content.startswith("---"):
        for index in range(1, len(lines)):
            if _YAML_OPTIONS_END.match(lines[index]):
                return index + 1
        return len(lines)
    count = 0
    while count < len(lines) and lines[count].lstrip().startswith(":"):
        count += 1
    return count


def _blanked(text: str, blank: set[int]) -> str:
    return "\n".join("" if index in blank else line for index, line in enumerate(text.split("\n")))
