"""A MyST body in, rich text out for the bundle and the worksheets: MyST, sanitized HTML, plain text, sections.

The body is parsed with the markdown-it configuration MyST uses (our own parser instance, so the
validator's settings are untouched) and rendered without Sphinx. What Sphinx would add is handled
here where it matters for apps: admonition directives become `<aside class="admonition …">`, code
directives become code blocks, roles show their text, substitutions come from `_config.yml`,
headings get the anchors Sphinx gives them, and links to other pages point at their `.html`
(relative to the item's `page`). Other directives are not executed: the Markdown inside a container directive
(e.g. `{dropdown}`, `{topic}`) is kept in a `<div class="myst-directive directive-NAME">`; data
directives (`{math}`, `{mermaid}`, `{csv-table}` ...) show their source as preformatted text; what
needs Sphinx to exist at all (`{include}`, `{image}`, a `{figure}`'s picture, `{toctree}`) is
left out, and so is a `{clinician-note}` (callers remove notes first). Images show their alt text; the
files are not bundled.
Everything goes through nh3 last, so whatever the content holds, no script, event handler or
`javascript:` URL reaches an app.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from typing import Any, cast

import nh3
from docutils.nodes import make_id
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from skillbook.reading.editions import NOTE_DIRECTIVE
from skillbook.reading.myst import myst_markdown

ALLOWED_SCHEMES = frozenset({"https", "mailto", "tel"})
ALLOWED_TAGS = frozenset({
    "a", "abbr", "aside", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
})
_ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class"},
    "a": {"href", "title", "id"},
    "abbr": {"title"},
    "aside": {"id"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}
ADMONITIONS: dict[str, str] = {
    "admonition": "", "attention": "Attention", "caution": "Caution", "danger": "Danger", "error": "Error",
    "hint": "Hint", "important": "Important", "note": "Note", "seealso": "See also", "tip": "Tip",
    "warning": "Warning",
}
_CODE_DIRECTIVES = frozenset({"code", "code-block", "sourcecode"})
# Directives whose content is data, not Markdown: shown as preformatted text.
_LITERAL_DIRECTIVES = frozenset({"math", "literalinclude", "mermaid", "graphviz", "csv-table", "raw"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_OPTION = re.compile(r"^:([A-Za-z][\w-]*):(\s.*)?$")
_TASK_CHECKBOX = re.compile(r'^<input class="task-list-item-checkbox"( checked="checked")? disabled="disabled" '
                            r'type="checkbox">$')
_ROLE_WITH_TARGET = re.compile(r"^(.*?)\s*<[^<>]*>$", re.S)
_PAGE_SUFFIXES = (".md", ".ipynb")
_CONTEXT = "skillbook_bundle"


@dataclass(frozen=True)
class Section:
    """A part of the body under one top-level heading (the text before the first heading has no title)."""

    title: str | None
    level: int
    anchor: str | None
    html: str
    text: str


@dataclass(frozen=True)
class RichText:
    myst: str
    html: str
    text: str
    sections: tuple[Section, ...]


@dataclass
class _Context:
    """What rendering one body needs: where its page is, substitutions, and the anchors already used."""

    source_path: str  # e.g. content/skills/mindfulness/observe.md
    substitutions: Mapping[str, Any]
    crisis_words: str | None = None  # on paper: what follows a {crisis} reference (None: for apps)
    anchors: set[str] = field(default_factory=set)
    footnotes: dict[str, int] = field(default_factory=dict)

    @property
    def page_dir(self) -> str:
        return posixpath.dirname(self.source_path)


def render_body(myst: str, *, source_path: str, substitutions: Mapping[str, Any] | None = None,
                crisis_words: str | None = None) -> RichText:
    """The body in every form the bundle carries. `source_path` is the item's file relative to the
    project root; links to other pages are rewritten relative to its page (same folder, `.html`).
    A ``{crisis}`...` `` reference becomes a link apps resolve to their own crisis help
    (`<a class="skillbook-crisis-ref" href="#crisis">`), or on paper (`crisis_words`) the words that
    point at the crisis box printed on the sheet."""
    context = _Context(source_path, substitutions or {}, crisis_words)
    env: dict[str, Any] = {_CONTEXT: context}
    tokens = _md().parse(myst, env)
    _prepare(tokens, context)
    full = sanitize_html(_render(tokens, env))
    sections = []
    for title, level, anchor, part in _split(tokens):
        section_html = sanitize_html(_render(part, env))
        if title is None and not section_html.strip():
            continue
        sections.append(Section(title, level, anchor, section_html, html_to_text(section_html)))
    return RichText(myst, full, html_to_text(full), tuple(sections))


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS), clean_content_tags={"script", "style"}, attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=set(ALLOWED_SCHEMES), strip_comments=True, link_rel="noopener noreferrer",
        filter_style_properties={"text-align"}, url_relative=_relative_url,
    )


def _relative_url(url: str) -> str | None:
    """Relative links stay (they point into the site); `//host` and backslash tricks do not."""
    if url.startswith("//") or "\\" in url:
        return None
    return url


def sanitize_html(markup: str) -> str:
    """Only safe structure survives: the allowed tags, no scripts or styles (with their content), no
    event handlers, links only with https:, mailto:, tel: or relative targets."""
    return _cleaner().clean(markup).strip()


@cache
def _md() -> MarkdownIt:
    md = myst_markdown()
    plain_fence = cast(RendererHTML, md.renderer).rules["fence"]

    def fence(self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
        token = tokens[idx]
        name, argument = _directive_name(token.info)
        if name is None:
            if token.type == "colon_fence":
                return f"<pre><code>{html.escape(token.content)}</code></pre>\n"
            return str(plain_fence(tokens, idx, options, env))
        return _directive(name, argument, token.content, env)

    def nothing(self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
        return ""

    def raw_html(self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
        content = tokens[idx].content
        match = _TASK_CHECKBOX.match(content.strip())
        if match:
            return "☑" if match.group(1) else "☐"
        return content  # validation rejects raw HTML; should any arrive, nh3 cleans it

    def image(self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
        alt = self.renderInlineAsText(tokens[idx].children or [], options, env)
        return html.escape(alt) if alt else ""

    def role(self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
        token = tokens[idx]
        content = token.content
        match = _ROLE_WITH_TARGET.match(content)
        if match and match.group(1):
            content = match.group(1)
        name = re.sub(r"[^a-z0-9-]", "-", str(token.meta.get("name", "")).lower())
        if name == "crisis":
            words = env[_CONTEXT].crisis_words
            if words is None:
                return f'<a class="skillbook-crisis-ref" href="#crisis">{html.escape(content)}</a>'
            return f'<span class="skillbook-crisis-ref">{html.escape(content)}</span>{html.escape(words)}'
        return f'<span class="myst-role role-{name}">{html.escape(content)}</span>'

    def substitution(self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any,
                     env: dict[str, Any]) -> str:
        key = tokens[idx].content.strip()
        values = env[_CONTEXT].substitutions
        return html.escape(str(values[key])) if key in values else html.escape(f"{{{{ {key} }}}}")

    def footnote_ref(self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any,
                     env: dict[str, Any]) -> str:
        number, slug = _footnote(tokens[idx], env)
        return f'<sup class="footnote-ref"><a href="#fn-{slug}">[{number}]</a></sup>'

    def footnote_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any,
                      env: dict[str, Any]) -> str:
        number, slug = _footnote(tokens[idx], env)
        return f'<aside class="footnote" id="fn-{slug}"><sup>[{number}]</sup>\n'

    def footnote_close(self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any,
                       env: dict[str, Any]) -> str:
        return "</aside>\n"

    md.add_render_rule("fence", fence)
    md.add_render_rule("colon_fence", fence)
    for name in ("myst_target", "myst_line_comment", "myst_block_break", "front_matter"):
        md.add_render_rule(name, nothing)
    md.add_render_rule("html_inline", raw_html)
    md.add_render_rule("html_block", raw_html)
    md.add_render_rule("image", image)
    md.add_render_rule("myst_role", role)
    md.add_render_rule("substitution_inline", substitution)
    md.add_render_rule("substitution_block", substitution)
    md.add_render_rule("footnote_ref", footnote_ref)
    md.add_render_rule("footnote_reference_open", footnote_open)
    md.add_render_rule("footnote_reference_close", footnote_close)
    return md


def _footnote(token: Token, env: dict[str, Any]) -> tuple[int, str]:
    """A footnote's number and anchor, shared by its reference and its text."""
    label = str(token.meta.get("label", ""))
    number = env[_CONTEXT].footnotes.get(label, 0)
    return number, make_id(label) or str(number)


def _render(tokens: Sequence[Token], env: dict[str, Any]) -> str:
    md = _md()
    return str(md.renderer.render(list(tokens), md.options, env))


def _directive_name(info: str) -> tuple[str | None, str]:
    info = info.strip()
    if not info.startswith("{") or "}" not in info:
        return None, ""
    name, _, argument = info[1:].partition("}")
    return name.strip().lower(), argument.strip()


def _directive(name: str, argument: str, content: str, env: dict[str, Any]) -> str:
    if name == NOTE_DIRECTIVE:
        # bodies come here without their notes (`split_clinician_notes`); one that slipped through
        # is still never rendered for a client
        return ""
    lines = content.splitlines()
    options: dict[str, str] = {}
    while lines and (match := _OPTION.match(lines[0].strip())):
        options[match.group(1)] = (match.group(2) or "").strip()
        lines.pop(0)
    body = "\n".join(lines)
    if name in ADMONITIONS:
        title = argument if name == "admonition" else ADMONITIONS[name]
        if name != "admonition" and argument:
            body = argument + "\n" + body  # these directives take no argument: MyST reads it as content
        inner_tokens = _md().parse(body, env)
        _prepare(inner_tokens, env[_CONTEXT], anchors=False)
        inner = _render(inner_tokens, env)
        title_html = _md().renderInline(title, env) if title else ""
        heading = f'<p class="admonition-title">{title_html}</p>\n' if title_html else ""
        extra = re.sub(r"[^a-z0-9 -]", "", options.get("class", "").lower()).split()
        classes = " ".join(dict.fromkeys(["admonition", name, *extra]))
        return f'<aside class="{classes}">\n{heading}{inner}</aside>\n'
    if name in _CODE_DIRECTIVES:
        language = argument.split()[0] if argument else ""
        css = f' class="language-{html.escape(language)}"' if language else ""
        return f"<pre><code{css}>{html.escape(body if body.endswith(chr(10)) else body + chr(10))}</code></pre>\n"
    safe_name = re.sub(r"[^a-z0-9-]", "-", name)
    if not body.strip():
        return ""  # e.g. `{include}` or `{image}`: nothing to show without Sphinx
    if name in _LITERAL_DIRECTIVES:
        return f'<pre class="myst-directive directive-{safe_name}"><code>{html.escape(body)}</code></pre>\n'
    inner_tokens = _md().parse(body, env)
    _prepare(inner_tokens, env[_CONTEXT], anchors=False)
    return f'<div class="myst-directive directive-{safe_name}">\n{_render(inner_tokens, env)}</div>\n'


def _prepare(tokens: Sequence[Token], context: _Context, *, anchors: bool = True) -> None:
    """Give headings their anchors, number footnotes, point page links at the rendered pages."""
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and anchors:
            token.attrSet("id", _anchor(_inline_text(tokens[index + 1]), context))
        for child in token.children or ():
            if child.type == "link_open":
                child.attrSet("href", _page_link(str(child.attrGet("href") or ""), context))
            elif child.type == "footnote_ref":
                label = str(child.meta.get("label", ""))
                context.footnotes.setdefault(label, len(context.footnotes) + 1)


def _inline_text(token: Token) -> str:
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline", "myst_role"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


def _anchor(title: str, context: _Context) -> str:
    base = make_id(title) or "section"
    anchor, number = base, 0
    while anchor in context.anchors:
        number += 1
        anchor = f"{base}-{number}"
    context.anchors.add(anchor)
    return anchor


def _page_link(href: str, context: _Context) -> str:
    """`other.md#part` -> `other.html#part`, relative to this item's page; other links unchanged."""
    if not href or href.startswith("#") or _SCHEME.match(href):
        return href
    path, hash_mark, fragment = href.partition("#")
    if not path.endswith(_PAGE_SUFFIXES):
        return href
    stem = path.rsplit(".", 1)[0]
    if stem.startswith("/"):
        stem = posixpath.relpath(stem.lstrip("/"), context.page_dir or ".")
    return f"{stem}.html{hash_mark}{fragment}"


def _split(tokens: Sequence[Token]) -> list[tuple[str | None, int, str | None, list[Token]]]:
    """(title, level, anchor, tokens) per top-level heading; the text before the first heading first."""
    parts: list[tuple[str | None, int, str | None, list[Token]]] = [(None, 0, None, [])]
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open" and token.level == 0:
            title = _inline_text(tokens[index + 1])
            anchor = token.attrGet("id")
            parts.append((title, int(token.tag[1]), str(anchor) if anchor else None, []))
            index += 3  # heading_open, inline, heading_close
            continue
        parts[-1][3].append(token)
        index += 1
    return parts


_BLOCKS = frozenset({"p", "div", "aside", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "table",
                     "dl", "hr"})


@dataclass
class _List:
    tag: str  # ul or ol
    number: int  # the next item's number (ol)


class _TextWriter(HTMLParser):
    """Sanitized HTML in, readable plain text out: blank lines between blocks, `- ` and `1. ` list
    markers, table cells joined by ` | `, preformatted text kept as it is."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[_List] = []
        self.pre = 0
        self.cells = 0
        self.fresh_item = False

    def text(self) -> str:
        raw = "".join(self.out)
        lines = [line.rstrip() for line in raw.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")

    def _break(self, count: int) -> None:
        if not self.out:
            return
        tail = "".join(self.out[-3:])
        have = len(tail) - len(tail.rstrip("\n"))
        if have < count:
            self.out.append("\n" * (count - have))

    def _at_line_start(self) -> bool:
        return not self.out or "".join(self.out[-2:]).endswith("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("ul", "ol"):
            start = dict(attrs).get("start")
            self.lists.append(_List(tag, int(start) if start and start.isdigit() else 1))
            self._break(1 if len(self.lists) > 1 else 2)
        elif tag == "li":
            self._break(1)
            current = self.lists[-1] if self.lists else _List("ul", 1)
            marker = "- " if current.tag == "ul" else f"{current.number}. "
            if current.tag == "ol":
                current.number += 1
            self.out.append("  " * max(0, len(self.lists) - 1) + marker)
            self.fresh_item = True
        elif tag == "p" and self.lists:
            if not self.fresh_item:
                self._break(1)
                self.out.append("  " * len(self.lists))
        elif tag in _BLOCKS:
            self._break(2)
            if tag == "pre":
                self.pre += 1
        elif tag == "br":
            self.out.append("\n")
        elif tag in ("dt", "dd", "tr"):
            self._break(1)
            self.cells = 0
        elif tag in ("td", "th"):
            if self.cells:
                if self.out:
                    self.out[-1] = self.out[-1].rstrip(" ")
                self.out.append(" | ")
            self.cells += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self._break(1 if self.lists else 2)
        elif tag == "p" and self.lists:
            self.fresh_item = False
        elif tag in _BLOCKS:
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
            self._break(2)

    def handle_data(self, data: str) -> None:
        if self.pre:
            self.out.append(data)
            return
        text = re.sub(r"\s+", " ", data)
        if self._at_line_start() or (self.out and self.out[-1].endswith(" ")):
            text = text.lstrip(" ")
        if text:
            self.out.append(text)
            self.fresh_item = False


def html_to_text(markup: str) -> str:
    """The readable text of (sanitized) HTML, for search, notifications or text-to-speech."""
    writer = _TextWriter()
    writer.feed(markup)
    writer.close()
    return writer.text()
