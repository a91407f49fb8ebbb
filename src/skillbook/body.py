"""A Document's MyST body in, the problems in it out: raw HTML, unsafe directives, paths, links, sections.

The body is parsed with the same markdown-it configuration MyST uses, so what we check is what
Sphinx would render. Directive bodies are parsed again, so nothing hides inside a `{note}`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from skillbook.discover import Kind
from skillbook.document import Document, LineMap
from skillbook.issues import Issue

MYST_EXTENSIONS = frozenset({"colon_fence", "deflist", "fieldlist", "substitution", "tasklist"})
_FORBIDDEN_DIRECTIVES = {
    "raw": ("raw-directive", "`{raw}` passes markup straight into the output",
            "write the content in MyST Markdown instead"),
    "eval-rst": ("raw-directive", "`{eval-rst}` can smuggle in raw markup and directives",
                 "write the content in MyST Markdown instead"),
    "code-cell": ("executable-code", "`{code-cell}` is executable code; content never runs code",
                  "use a plain ``` code block if you need to show code"),
    "raw-cell": ("raw-directive", "`{raw-cell}` passes markup straight into the output",
                 "write the content in MyST Markdown instead"),
}
_PATH_DIRECTIVES = {"include", "literalinclude", "image", "figure"}
# Directives whose content is code or data, not Markdown to look inside.
_LITERAL_DIRECTIVES = {"code", "code-block", "sourcecode", "math", "literalinclude", "mermaid", "graphviz"}
_OPTION = re.compile(r"^:([A-Za-z][\w-]*):\s*(.*)$")
# markdown-it's task-list plugin emits this checkbox as an html_inline token; it is not author HTML
_TASK_CHECKBOX = re.compile(r'^<input class="task-list-item-checkbox"( checked="checked")? disabled="disabled" '
                            r'type="checkbox">$')
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_SAFE_SCHEMES = {"https", "mailto", "tel", "project", "inv"}
_DANGEROUS_SCHEMES = {"javascript", "data", "vbscript", "file"}


@cache
def _parser() -> MarkdownIt:
    md = create_md_parser(MdParserConfig(enable_extensions=set(MYST_EXTENSIONS)), RendererHTML)
    md.validateLink = lambda url: True  # type: ignore[method-assign] # see every link, including the ones markdown-it would drop
    return md


@dataclass
class _Context:
    document: Document
    content_dir: Path
    issues: list[Issue]
    visited: set[Path] = field(default_factory=set)

    def report(self, body_line: int, rule: str, message: str, hint: str) -> None:
        line = self.document.body_line(body_line)
        self.issues.append(Issue(self.document.source.rel, line, 1, rule, message, hint))


def check_body(document: Document, content_dir: Path, required_sections: tuple[str, ...] = ()) -> list[Issue]:
    context = _Context(document, content_dir, [])
    headings = _walk(_parser().parse(document.body), 0, context)
    if document.source.kind is not Kind.PAGE:
        for level, text, line in headings:
            if level == 1:
                context.report(line, "extra-title", f"`# {text}` adds a second page title",
                               "the title comes from `title:`; use `##` for sections")
        found = {_normal(text) for level, text, _ in headings if level == 2}
        for section in required_sections:
            if _normal(section) not in found:
                last = max(1, document.body.count("\n") + 1)
                context.report(last, "missing-section", f"the body has no `## {section}` section",
                               f"add a section starting with the line `## {section}`")
    return context.issues


def _normal(heading: str) -> str:
    return heading.strip().rstrip(":.").casefold()


def _walk(tokens: list[Token], offset: int, context: _Context) -> list[tuple[int, str, int]]:
    """Check tokens; returns the headings found as (level, text, body line)."""
    headings: list[tuple[int, str, int]] = []
    line = offset + 1
    for index, token in enumerate(tokens):
        if token.map:
            line = offset + token.map[0] + 1
        if token.type == "heading_open":
            headings.append((int(token.tag[1]), tokens[index + 1].content, line))
        elif token.type in ("html_block", "html_inline"):
            _raw_html(token.content, line, context)
        elif token.type in ("fence", "colon_fence"):
            _directive(token, line, context)
        elif token.type == "inline" and token.children:
            _inline(token.children, line, context)
    return headings


def _raw_html(content: str, line: int, context: _Context) -> None:
    if content.lstrip().startswith("<!--"):
        context.report(line, "raw-html", "HTML comments are raw HTML",
                       "use a MyST comment: a line starting with `%`")
        return
    tag = content.strip().splitlines()[0][:60] if content.strip() else content
    context.report(line, "raw-html", f"raw HTML is not allowed: `{tag}`",
                   "use MyST Markdown (e.g. **bold**, lists, or a directive such as {note})")


def _inline(children: list[Token], line: int, context: _Context) -> None:
    reported_html = False
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "html_inline":
            if _TASK_CHECKBOX.match(child.content):
                continue
            if not (reported_html and child.content.startswith("</")):  # one report per element
                _raw_html(child.content, line, context)
            reported_html = True
        elif child.type == "link_open":
            _link(str(child.attrs.get("href", "")), line, context)
        elif child.type == "image":
            _local_path(str(child.attrs.get("src", "")), "image", line, context)
        elif child.type == "myst_role":
            name = str(child.meta.get("name", ""))
            if name.startswith("raw"):
                context.report(line, "raw-directive", f"the `{{{name}}}` role passes raw markup through",
                               "write the text in MyST Markdown instead")


def _directive(token: Token, line: int, context: _Context) -> None:
    info = token.info.strip()
    if not info.startswith("{") or "}" not in info:
        return
    written, _, argument = info[1:].partition("}")
    name, argument = written.strip().lower(), argument.strip()  # docutils matches directive names in any case
    if name in _FORBIDDEN_DIRECTIVES:
        rule, message, hint = _FORBIDDEN_DIRECTIVES[name]
        context.report(line, rule, message.replace(f"{{{name}}}", f"{{{written.strip()}}}"), hint)
        return
    for option, value in _options(token.content):
        if _SCHEME.match(value) or option in ("target", "link"):
            _link(value, line, context)
    if name in _PATH_DIRECTIVES:
        _local_path(argument, f"{{{name}}}", line, context)
        if name == "include":
            _included(argument, line, context)
    elif argument:  # e.g. an admonition title or a note's first line: rendered as Markdown
        _walk(_parser().parse(argument), line - 1, context)
    if name not in _LITERAL_DIRECTIVES:
        _walk(_parser().parse(token.content), line, context)


def _options(content: str) -> list[tuple[str, str]]:
    """A directive's `:name: value` options (the lines at the top of its content)."""
    found = []
    for text in content.splitlines():
        match = _OPTION.match(text.strip())
        if match is None:
            break
        found.append((match.group(1), match.group(2).strip()))
    return found


def _included(path: str, line: int, context: _Context) -> None:
    """Check the Markdown an `{include}` pulls in, as if it were written here (files named `_*` included)."""
    resolved = _resolve(path, context)
    if resolved is None or not resolved.is_file() or resolved in context.visited:
        return
    context.visited.add(resolved)
    from skillbook.discover import Source

    try:
        text = resolved.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        context.report(line, "missing-file", f"{{include}} `{path}` cannot be read as UTF-8 text",
                       "save the included file as UTF-8")
        return
    rel = context.document.source.rel.rsplit("/", 1)[0] + "/" + path if not path.startswith("/") else path[1:]
    root = context.content_dir.parent.resolve()
    rel = resolved.relative_to(root).as_posix() if root in resolved.parents else rel
    included = Document(Source(resolved, rel, Kind.PAGE), None, text, LineMap())
    inner = _Context(included, context.content_dir, context.issues, context.visited)
    _walk(_parser().parse(text), 0, inner)


def _link(href: str, line: int, context: _Context) -> None:
    match = _SCHEME.match(href)
    if match is None:
        _internal_link(href, line, context)
        return
    scheme = match.group(1).lower()
    if scheme in _SAFE_SCHEMES:
        return
    if scheme == "http":
        context.report(line, "insecure-link", f"`{href}` uses plain http",
                       "use the https:// address of the page")
    elif scheme in _DANGEROUS_SCHEMES:
        context.report(line, "unsafe-link", f"`{scheme}:` links are not allowed: `{href[:60]}`",
                       "link to an https:// page or to another page of the handbook")
    else:
        context.report(line, "unsafe-link", f"links with `{scheme}:` are not allowed",
                       "use https:, mailto:, tel: or a link to another page of the handbook")


def _internal_link(href: str, line: int, context: _Context) -> None:
    target = href.split("#", 1)[0].split("?", 1)[0]
    if not target:
        return
    if not target.endswith((".md", ".ipynb")):
        _local_path(target, "link", line, context)
        return
    resolved = _resolve(target, context)
    if resolved is None:
        _outside(href, "link", line, context)
    elif not resolved.is_file():
        context.report(line, "broken-link", f"the link target `{href}` does not exist",
                       "check the file name; links are relative to this file")


def _local_path(path: str, what: str, line: int, context: _Context) -> None:
    if not path:
        context.report(line, "missing-path", f"{what} has no path", "give the path of a file in content/")
        return
    if _SCHEME.match(path):
        context.report(line, "remote-file", f"{what} points outside the handbook: `{path[:60]}`",
                       "copy the file into content/ and use a relative path; the site works offline")
        return
    resolved = _resolve(path, context)
    if resolved is None:
        _outside(path, what, line, context)
    elif not resolved.exists():
        context.report(line, "missing-file", f"{what} `{path}` does not exist",
                       "check the path; it is relative to this file")


def _outside(path: str, what: str, line: int, context: _Context) -> None:
    context.report(line, "path-outside-content", f"{what} `{path}` leaves the content folder",
                   "only files inside content/ may be included or shown")


def _resolve(path: str, context: _Context) -> Path | None:
    """The file `path` names, or None when it is outside the content folder."""
    root = context.content_dir.parent
    base = root if path.startswith("/") else context.document.source.path.parent
    resolved = (base / path.lstrip("/")).resolve()
    content = context.content_dir.resolve()
    if resolved != content and content not in resolved.parents:
        return None
    return resolved


