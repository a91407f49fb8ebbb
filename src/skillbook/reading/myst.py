"""Nothing in, a markdown-it parser that splits a body exactly as MyST does (our allowlisted syntax
extensions) out: the one configuration the body checks and the rich-text renderer share."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.rules_inline.text import _TerminatorChars
from markdown_it.token import Token
from markdown_it.utils import EnvType
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from skillbook.reading.allowlist import MYST_EXTENSIONS

# The characters at which markdown-it's `text` rule stops, read from markdown-it itself, so that
# this rule stops exactly where it does.
_PLAIN_RUN = re.compile("[^" + "".join(re.escape(c) for c in sorted(_TerminatorChars)) + "]+")


def _plain_text(state: StateInline, silent: bool) -> bool:
    """markdown-it's `text` rule, one regular expression instead of a Python loop over every
    character (the loop was a third of the time spent parsing a body)."""
    found = _PLAIN_RUN.match(state.src, state.pos, state.posMax)
    if found is None:
        return False
    if not silent:
        state.pending += found.group()
    state.pos = found.end()
    return True


_LineMarks = tuple[list[int], list[int], list[int], list[int], list[int]]


def line_marks(src: str) -> _LineMarks:
    """Where each line of `src` begins and ends, where its text starts and how far it is indented (tabs
    to the next multiple of 4), plus markdown-it's closing entry: what `StateBlock` computes one
    character at a time (a tenth of the time spent parsing a body). A last line of only spaces is
    left out, as markdown-it does."""
    begins: list[int] = []
    ends: list[int] = []
    shifts: list[int] = []
    indents: list[int] = []
    lines = src.split("\n")
    start = 0
    for number, line in enumerate(lines):
        shift = len(line) - len(line.lstrip(" \t"))
        if number == len(lines) - 1 and shift == len(line):
            break
        indent = shift
        if "\t" in line[:shift]:
            indent = 0
            for character in line[:shift]:
                indent += 4 - indent % 4 if character == "\t" else 1
        begins.append(start)
        ends.append(start + len(line))
        shifts.append(shift)
        indents.append(indent)
        start += len(line) + 1
    length = len(src)
    return [*begins, length], [*ends, length], [*shifts, 0], [*indents, 0], [0] * (len(begins) + 1)


class _MarkedState(StateBlock):
    """markdown-it's block state, its line table made by `line_marks`."""

    def __init__(self, src: str, md: MarkdownIt, env: EnvType, tokens: list[Token]) -> None:
        super().__init__("", md, env, tokens)  # every other field as markdown-it sets it
        self.src = src
        self.bMarks, self.eMarks, self.tShift, self.sCount, self.bsCount = line_marks(src)
        self.lineMax = len(self.bMarks) - 1


def _parse_blocks(src: str, md: MarkdownIt, env: EnvType, tokens: list[Token]) -> list[Token] | None:
    """markdown-it's `ParserBlock.parse`, with the faster line table."""
    if not src:
        return None
    state = _MarkedState(src, md, env, tokens)
    md.block.tokenize(state, state.line, state.lineMax)
    return state.tokens


def myst_markdown() -> MarkdownIt:
    """A new parser each call: callers adjust their own (link checks, renderer rules) without touching others'."""
    md = create_md_parser(MdParserConfig(enable_extensions=set(MYST_EXTENSIONS)), RendererHTML)
    # MyST counts words for Sphinx's reading-time metadata; nothing here reads it, and on every
    # parse (nested directive bodies included) it cost a sixth of the parsing time
    md.disable("wordcount")
    md.inline.ruler.at("text", _plain_text)
    md.block.parse = _parse_blocks  # type: ignore[method-assign,assignment]
    return md
