"""A MyST body in, the client edition's body (clinician notes blanked out) and the notes themselves out.

Clinician notes are `{clinician-note}` directives: teaching points and discussion questions that
only the clinician edition shows. The client edition removes them from the source itself, before
any renderer sees it, so they cannot reach a page, the search index or the bundle by accident.
Removed lines become blank lines, so every other line keeps its number for error messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

EDITIONS = ("client", "clinician")
NOTE_DIRECTIVE = "clinician-note"


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


def split_clinician_notes(myst: str) -> tuple[str, tuple[ClinicianNote, ...]]:
    """The body without its clinician notes (same number of lines), and the notes in order."""
    if NOTE_DIRECTIVE not in myst:
        return myst, ()
    lines = myst.split("\n")
    notes = []
    for token in _parser().parse(myst):
        if token.type not in ("fence", "colon_fence") or not token.map:
            continue
        name, _, argument = token.info.strip().removeprefix("{").partition("}")
        if name.strip().lower() != NOTE_DIRECTIVE:
            continue
        start, end = token.map
        notes.append(ClinicianNote(token.content.rstrip("\n"), start + 1, argument.strip()))
        for index in range(start, min(end, len(lines))):
            lines[index] = ""
    return "\n".join(lines), tuple(notes)
