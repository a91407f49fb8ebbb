"""A page's Markdown in, the work it asks of the parser bounded out: the caps every body must keep
(link definitions, emphasis marks, bracket nesting, list items, nesting depth, included files; and the
boxes of a worksheet, which the schema check counts) and the markdown-it hooks that stop a parse the
moment a page goes over one.

Some of markdown-it's rules take time that grows with the square of what a page holds: a link
definition reads on to the end of its paragraph, every `*` and `_` is a text piece joined to the next
one by copying, every task item looks back over its whole list. MyST's parser in the Sphinx build
runs the same rules, so a page that passes these caps is bounded there too; a page over one is refused
by validate, and `skillbook build` never hands it to Sphinx. The caps sit far above what a real page
needs (each comment gives the largest the shipped handbook uses), so an author only meets them with
generated or hostile text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# The caps, one place for all of them (the front-matter lists have theirs as `maxlength` in schemas/).
LIMITS: dict[str, int] = {
    "link-definitions": 100,  # `[name]: address` lines on a page (shipped: 0)
    "definition-paragraph": 100,  # lines a link definition's paragraph runs on after it (shipped: 0)
    "emphasis-marks": 200,  # `*` and `_` on one line of text (shipped: 28)
    "bracket-nesting": 20,  # `[` open at once on one line (shipped: 2)
    "list-items": 500,  # list items on a page, task items included (shipped: 22)
    "nesting": 10,  # lists, quotes and directives inside each other (shipped: 2)
    "includes": 50,  # files a page pulls in, counted every time they are pulled in (shipped: 1)
    # markdown-it tokens of a page, text pieces and included files' included: Sphinx keeps a node of
    # about 1.5 KB for each and spends some 50 µs on it (shipped: 1 625, authoring.md)
    "elements": 25_000,
    # boxes a worksheet's paper form draws: grid cells, options, rating points (shipped: 478, the
    # weekly diary card); WeasyPrint takes about 5 ms and 60 KB a box
    "worksheet-boxes": 2500,
}

TALLY = "skillbook_tally"  # the key of a parse's env that holds the page's Tally


@dataclass
class Tally:
    """What one page has used so far, over every text of it that is parsed: its body, directive
    contents, titles and options, and the files it includes (each parsed once, however often included)."""

    link_definitions: int = 0
    list_items: int = 0
    elements: int = 0
    depth: int = 0  # the lists, quotes and directives around the text being parsed
    exceeded: bool = False  # a cap was reported: nothing more of the page is parsed


class Exceeded(Exception):
    """A cap reached: `line` is 0-based in the text being parsed."""

    def __init__(self, line: int, rule: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.rule, self.message, self.hint = line, rule, message, hint


def too_deep(line: int, *, dropped: bool = False) -> Exceeded:
    """Nested over the cap, or (`dropped`) so deep that markdown-it stops reading the text inside."""
    cap = LIMITS["nesting"]
    where = "so deep here that the Markdown reader skips what is inside" if dropped else f"more than {cap} deep here"
    return Exceeded(line, "nesting-too-deep", f"lists, `>` quotes and directives are nested {where}",
                    "flatten it: a list or quote inside a directive inside another rarely needs more than "
                    "two or three levels")


def too_many_includes(line: int, total: int, target: str) -> Exceeded:
    cap = LIMITS["includes"]
    return Exceeded(line, "too-many-includes",
                    f"with `{target}`, the page pulls in {total} files (every `{{include}}` counts, also inside "
                    f"included files and each time a file is included again); at most {cap}",
                    "include each file once, and let included files include few others")


def too_large(line: int) -> Exceeded:
    return Exceeded(line, "page-too-large",
                    f"the page holds more than {LIMITS['elements']} pieces of Markdown (lines of text, links, bold "
                    "and italic, list items, directives ...): more than a page can be built from in good time",
                    "split it into several pages")


def include_cycle(line: int, target: str) -> Exceeded:
    return Exceeded(line, "include-cycle", f"`{target}` includes itself (directly or through other files)",
                    "remove the `{include}` that leads back to a file already being included")


# ------------------------------------------------------------------------------ before the parse

# A line where markdown-it's `reference` rule reads on to the end of the paragraph: after quote and
# list markers it starts with `[`, and its first `]` is followed by `:` (a definition), or it has no
# `]` at all (a label going on over lines). The two branches of the label cannot match the same
# character, so this never backtracks.
_DEFINITION = re.compile(r"^[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?\[(?:[^\]\\\n]|\\.)*(?:\]:|$)", re.M)
# where a paragraph certainly ends: a blank line (also inside quotes) or a code fence or directive
_BREAK = re.compile(r"[ \t>]*(?:(?:`{3,}|~{3,}|:{3,}).*)?")


def scan_definitions(text: str, tally: Tally) -> None:
    """Count the link definitions of a whole file's text before markdown-it reads it.

    Each definition makes markdown-it read the rest of its paragraph again, so both their number and
    the length of the paragraph after them are capped; this runs before the parse, which it keeps
    from doing that work at all. A line inside a code block that looks like a definition is counted
    too: the caps leave room for that."""
    if "[" not in text or _DEFINITION.search(text) is None:  # nearly every page
        return
    lines = text.split("\n")
    ends = [len(lines)] * (len(lines) + 1)  # ends[i]: the first line at or after i that ends a paragraph
    for index in range(len(lines) - 1, -1, -1):
        ends[index] = index if _BREAK.fullmatch(lines[index]) else ends[index + 1]
    for index, line in enumerate(lines):
        if not _DEFINITION.match(line):
            continue
        tally.link_definitions += 1
        if tally.link_definitions > LIMITS["link-definitions"]:
            raise Exceeded(index, "too-many-link-definitions",
                           f"the page has more than {LIMITS['link-definitions']} link definitions "
                           "(`[name]: address` lines)",
                           "write the address in the link itself, `[text](address)`, or split the page")
        following = ends[index + 1] - index - 1
        if following > LIMITS["definition-paragraph"]:
            raise Exceeded(index, "link-definition-paragraph",
                           f"this link definition is followed by {following} lines without a blank line; at most "
                           f"{LIMITS['definition-paragraph']}",
                           "put an empty line after the link definitions")


# ------------------------------------------------------------------- between blocks and inline text

# what makes a level of nesting (a directive makes one too: its content is parsed one level further in)
OPENS = frozenset({"blockquote_open", "bullet_list_open", "ordered_list_open"})
CLOSES = frozenset({"blockquote_close", "bullet_list_close", "ordered_list_close"})
_BRACKETS = re.compile(r"\\.|[\[\]]")


def bounded(md: MarkdownIt) -> MarkdownIt:
    """`md` with the caps checked once its blocks are read and before any inline rule runs (the
    costly ones are inline, and the task-list rule after them). Only a parse whose env carries a
    Tally is checked; others are left as they are."""
    md.core.ruler.after("block", "skillbook_limits", _check_blocks)
    md.core.ruler.push("skillbook_elements", _count)  # once every rule has made its tokens
    return md


def _check_blocks(state: StateCore) -> None:
    tally = state.env.get(TALLY)
    if not isinstance(tally, Tally):
        return
    # markdown-it drops the content of a block opened at this level (MyST too): say so rather than lose it
    deepest = state.md.options["maxNesting"] - 1
    depth = tally.depth
    line = 0
    # the fewest elements the inline rules can make: a block, and a line break for each line after the
    # first of its text (a line of a code span spanning lines makes none, and no page has thousands)
    elements = tally.elements
    for token in state.tokens:
        if token.map:
            line = token.map[0]
        if token.type in OPENS:
            depth += 1
        elif token.type in CLOSES:
            depth -= 1
        elements += 1 + (token.content.count("\n") + 1 if token.type == "inline" else 0)
        if elements > LIMITS["elements"]:
            raise too_large(line)
        if depth > LIMITS["nesting"]:
            raise too_deep(line)
        if token.nesting == 1 and token.level >= deepest:
            raise too_deep(line, dropped=True)
        if token.type == "list_item_open":
            tally.list_items += 1
            if tally.list_items > LIMITS["list-items"]:
                raise Exceeded(line, "too-many-list-items",
                               f"the page has more than {LIMITS['list-items']} list items",
                               "split the page, or write the items as paragraphs or a table")
        elif token.type == "inline":
            _check_text(token, line)


def _count(state: StateCore) -> None:
    tally = state.env.get(TALLY)
    if not isinstance(tally, Tally):
        return
    line = 0
    for token in state.tokens:
        line = token.map[0] if token.map else line
        tally.elements += 1 + len(token.children or ())
        if tally.elements > LIMITS["elements"]:
            raise too_large(line)


def _check_text(token: Token, first: int) -> None:
    """The inline text of one block, a line at a time: what the emphasis and link rules will work through."""
    content = token.content
    marks, brackets = LIMITS["emphasis-marks"], LIMITS["bracket-nesting"]
    # whole-block counts first: a line can only be over a cap if its block is
    if content.count("*") + content.count("_") > marks:
        for offset, line in enumerate(content.split("\n")):
            found = line.count("*") + line.count("_")
            if found > marks:
                raise Exceeded(first + offset, "too-many-emphasis-marks",
                               f"this line has {found} `*` and `_` characters; a line of text may have at most {marks}",
                               "bold and italics need only a few; show such text in a code block (```)")
    if content.count("[") > brackets:
        for offset, line in enumerate(content.split("\n")):
            if _nesting(line) > brackets:
                raise Exceeded(first + offset, "brackets-too-deep",
                               f"this line opens more than {brackets} `[` brackets inside each other",
                               "close each `[` with `]`, or write `\\[` for a bracket that is only text")


def _nesting(line: str) -> int:
    """How many unescaped `[` are open at once at most along `line`."""
    depth = deepest = 0
    for found in _BRACKETS.finditer(line):
        mark = found.group()
        if mark == "[":
            depth += 1
            deepest = max(deepest, depth)
        elif mark == "]" and depth:
            depth -= 1
    return deepest
