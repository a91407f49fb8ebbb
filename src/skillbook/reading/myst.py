"""Nothing in, a markdown-it parser that splits a body exactly as MyST does (our allowlisted syntax
extensions) out: the one configuration the body checks and the rich-text renderer share."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.rules_inline.text import _TerminatorChars
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


def myst_markdown() -> MarkdownIt:
    """A new parser each call: callers adjust their own (link checks, renderer rules) without touching others'."""
    md = create_md_parser(MdParserConfig(enable_extensions=set(MYST_EXTENSIONS)), RendererHTML)
    # MyST counts words for Sphinx's reading-time metadata; nothing here reads it, and on every
    # parse (nested directive bodies included) it cost a sixth of the parsing time
    md.disable("wordcount")
    md.inline.ruler.at("text", _plain_text)
    return md
