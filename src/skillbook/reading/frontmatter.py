"""A page's text in, where its front matter is out: the one grammar every reader of a page uses.

It is markdown-it's (the `front_matter` rule of mdit-py-plugins, which MyST and MyST-NB parse pages
with): the page starts with three or more dashes; the block ends at the first later line of at least
as many dashes (indented by at most three columns, nothing but spaces after them) or at `...` in the
first column; a block that never ends is no front matter at all. Lines are split as markdown-it
splits them (`\\n`, `\\r\\n`, `\\r`), never at the other characters Python's `splitlines` breaks at.

skillbook accepts less than that grammar describes (exactly `---` to open and `---` or `...` to
close) and reports the rest, so that an author never writes a block that one reader takes as front
matter and another as text. The Sphinx side hands MyST a block it writes itself, in place of the
span found here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BLANKS = " \t"
FENCE = "---"
_END = "..."


def split_lines(text: str) -> list[str]:
    """The lines of `text` as markdown-it sees them (a final line break ends the last line, as
    `str.splitlines` has it: it does not start an empty one)."""
    lines = _LINE_BREAK.split(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines


@dataclass(frozen=True)
class FrontMatter:
    """Where a page's front matter is: its lines are `lines[1:close]`, the body starts at `close + 1`."""

    close: int  # index of the closing line
    opening_exact: bool  # the first line is exactly `---` (trailing blanks aside)
    closing_exact: bool  # the closing line is exactly `---` or `...` (trailing blanks aside)

    @property
    def exact(self) -> bool:
        return self.opening_exact and self.closing_exact


def starts_like_front_matter(lines: list[str]) -> bool:
    """The first line begins with `---`: a reader could take what follows for front matter."""
    return bool(lines) and lines[0].startswith(FENCE)


def find_front_matter(lines: list[str]) -> FrontMatter | None:
    """The front matter markdown-it finds in `lines`, or None when it finds none."""
    if not lines or not lines[0].startswith(FENCE):
        return None
    first = lines[0]
    markers = len(first) - len(first.lstrip("-"))
    for index in range(1, len(lines)):
        line = lines[index]
        text = line.lstrip(_BLANKS)
        indent = _columns(line[:len(line) - len(text)])
        if indent == 0 and text.startswith(_END) and not text[3:].strip(_BLANKS):
            return FrontMatter(index, _exact(first), True)
        if not text.startswith("-") or indent >= 4:  # four columns in is an indented code line
            continue
        dashes = len(text) - len(text.lstrip("-"))
        if dashes >= markers and not text[dashes:].strip(_BLANKS):
            return FrontMatter(index, _exact(first), indent == 0 and _exact(line))
    return None


def _exact(line: str) -> bool:
    return line.rstrip(_BLANKS) == FENCE


def _columns(blanks: str) -> int:
    """Columns of leading blanks, tabs to the next multiple of four (as markdown-it counts them)."""
    column = 0
    for char in blanks:
        column = column + 4 - column % 4 if char == "\t" else column + 1
    return column
