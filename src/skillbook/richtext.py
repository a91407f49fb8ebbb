"""A MyST body in, sanitized HTML and plain text out (for worksheets and the app bundle).

Plain markdown-it rendering, then nh3: no scripts, no event handlers, no `javascript:` URLs.
Directives are not executed here; their content shows as preformatted text.
"""

from __future__ import annotations

import html
import re
from functools import cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

ALLOWED_SCHEMES = {"https", "mailto", "tel"}
_TAGS = {"p", "br", "strong", "em", "b", "i", "code", "pre", "ul", "ol", "li", "a", "h2", "h3", "h4", "h5", "h6",
         "blockquote", "hr", "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd", "span", "div", "del"}


@cache
def _parser() -> MarkdownIt:
    return create_md_parser(MdParserConfig(enable_extensions={"colon_fence", "deflist", "tasklist"}), RendererHTML)


def sanitize(markup: str) -> str:
    """Keep safe structure only; links keep https/mailto/tel or relative targets."""
    return nh3.clean(markup, tags=_TAGS, attributes={"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan"},
                                                     "ol": {"start"}},
                     url_schemes=ALLOWED_SCHEMES, link_rel="noopener noreferrer", strip_comments=True)


def to_html(myst: str) -> str:
    return sanitize(_parser().render(myst)).strip()


def to_text(myst: str) -> str:
    """Readable plain text: tags dropped, entities decoded, blank lines kept between blocks."""
    markup = re.sub(r"</(p|h\d|li|pre|blockquote|tr|dt|dd)>", "\n", to_html(myst))
    text = html.unescape(re.sub(r"<[^>]+>", "", markup))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.splitlines())).strip()
