"""Nothing in, a markdown-it parser that splits a body exactly as MyST does (our allowlisted syntax
extensions) out: the one configuration the body checks and the rich-text renderer share."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from skillbook.reading.allowlist import MYST_EXTENSIONS


def myst_markdown() -> MarkdownIt:
    """A new parser each call: callers adjust their own (link checks, renderer rules) without touching others'."""
    md = create_md_parser(MdParserConfig(enable_extensions=set(MYST_EXTENSIONS)), RendererHTML)
    # MyST counts words for Sphinx's reading-time metadata; nothing here reads it, and on every
    # parse (nested directive bodies included) it cost a sixth of the parsing time
    md.disable("wordcount")
    return md
