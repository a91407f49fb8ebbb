"""A Document's MyST body in, the problems in it out: anything the allowlist does not allow, paths, links, sections.

The body is parsed with the markdown-it configuration MyST uses, and each directive's text with
MyST's own directive parser, so what is checked is what Sphinx would run: the same arguments,
options (`:key: value` lines or a YAML block) and content. Directive contents, titles and text
options are Markdown to MyST, so they are checked by the same rules, as are included files.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, ClassVar

from docutils.parsers.rst import Directive as DocutilsDirective
from docutils.parsers.rst import directives as docutils_directives
from docutils.parsers.rst.states import MarkupError
from markdown_it import MarkdownIt
from markdown_it.token import Token
from myst_parser.parsers.directives import parse_directive_text

from skillbook.issues import Issue
from skillbook.reading import allowlist, targets
from skillbook.reading.allowlist import Body, Kind, Value
from skillbook.reading.config import DEFAULT_MAX_FILE_SIZE
from skillbook.reading.discover import Kind as SourceKind
from skillbook.reading.discover import Source
from skillbook.reading.document import Document, LineMap
from skillbook.reading.myst import myst_markdown

# markdown-it's task-list plugin emits this checkbox as an html_inline token; it is not author HTML
_TASK_CHECKBOX = ('<input class="task-list-item-checkbox" disabled="disabled" type="checkbox">',
                  '<input class="task-list-item-checkbox" checked="checked" disabled="disabled" type="checkbox">')


@cache
def _parser() -> MarkdownIt:
    md = myst_markdown()
    md.validateLink = lambda url: True  # type: ignore[method-assign] # see every link, also those markdown-it drops
    return md


class _AnyOption(dict[str, Any]):
    """An option spec that accepts every option as text, so each one can be checked against the table."""

    def __missing__(self, key: str) -> Any:
        return docutils_directives.unchanged

    def __bool__(self) -> bool:
        return True


@cache
def parsing_class(name: str) -> type[DocutilsDirective]:
    """A stand-in for an allowed directive that makes MyST split its text exactly as for the real one."""
    rule = allowlist.DIRECTIVES[name]
    takes_argument = rule.argument is not None

    class Parsed(DocutilsDirective):  # type: ignore[misc]
        required_arguments = 1 if takes_argument and rule.required else 0
        optional_arguments = 1 if takes_argument and not rule.required else 0
        final_argument_whitespace = rule.argument_whitespace
        has_content = rule.body is not Body.NONE
        option_spec: ClassVar[dict[str, Any]] = _AnyOption()

    return Parsed


@dataclass(frozen=True)
class BodyRules:
    """What the body check needs from the project besides the file itself."""

    content_dir: Path
    substitutions: frozenset[str] = frozenset()  # names defined under parse.myst_substitutions
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # also for files pulled in by {include}


@dataclass
class _Context:
    document: Document
    rules: BodyRules
    issues: list[Issue]
    visited: set[Path] = field(default_factory=set)
    page: Path | None = None  # the page an included file is included into: its paths start there

    @property
    def content_dir(self) -> Path:
        return self.rules.content_dir

    @cached_property
    def origin(self) -> targets.Origin:
        return targets.Origin(self.page or self.document.source.path, self.content_dir)

    def report(self, body_line: int, rule: str, message: str, hint: str) -> None:
        line = self.document.body_line(max(1, body_line))
        self.issues.append(Issue(self.document.source.rel, line, 1, rule, message, hint))

    def report_findings(self, body_line: int, findings: list[targets.Finding]) -> None:
        for finding in findings:
            self.report(body_line, finding.rule, finding.message, finding.hint)


def check_body(document: Document, rules: BodyRules, required_sections: tuple[str, ...] = ()) -> list[Issue]:
    context = _Context(document, rules, [])
    headings = _walk(_parser().parse(document.body), 0, context)
    if document.source.kind is not SourceKind.PAGE:
        for level, text, line in headings:
            if level == 1:
                context.report(line, "extra-title", f"`# {text}` adds a second page title",
                               "the title comes from `title:`; use `##` for sections")
        found = {_normal(text) for level, text, _ in headings if level == 2}
        for section in required_sections:
            if _normal(section) in found:
                continue
            near = _near_miss(section, headings)
            if near:  # `## Practise` or `### Practice` for `## Practice`: the author meant this heading
                level, text, line = near
                context.report(line, "missing-section", f"`{'#' * level} {text}` on line "
                               f"{document.body_line(line)}: the section must be `## {section}`",
                               f"change the heading to `## {section}`")
                continue
            last = max(1, document.body.count("\n") + 1)
            context.report(last, "missing-section", f"the body has no `## {section}` section",
                           f"add a section starting with the line `## {section}`")
    return context.issues


def _near_miss(section: str, headings: list[tuple[int, str, int]]) -> tuple[int, str, int] | None:
    """A heading that is the required section at another level, or spelt a little differently."""
    wanted = _normal(section)
    for heading in headings:
        text = _normal(heading[1])
        if text == wanted or difflib.SequenceMatcher(None, text, wanted).ratio() >= 0.8:
            return heading
    return None


def _normal(heading: str) -> str:
    return heading.strip().rstrip(":.").casefold()


def _walk(tokens: list[Token], offset: int, context: _Context) -> list[tuple[int, str, int]]:
    """Check tokens whose first line is body line `offset + 1`; returns the headings (level, text, line)."""
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
            _fence(token, line, context)
        elif token.type == "substitution_block":
            _substitution(token.content, line, context)
        elif token.type == "inline" and token.children:
            _inline(token.children, line, context)
    return headings


def _markdown(text: str, line: int, context: _Context) -> None:
    """Text that MyST parses as Markdown (a title, a caption, a text option), starting on `line`."""
    if text.strip():
        _walk(_parser().parse(text), line - 1, context)


def _raw_html(content: str, line: int, context: _Context) -> None:
    if content.lstrip().startswith("<!--"):
        context.report(line, "raw-html", "HTML comments are raw HTML", "use a MyST comment: a line starting with `%`")
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
            if child.content in _TASK_CHECKBOX:
                continue
            if not (reported_html and child.content.startswith("</")):  # one report per element
                _raw_html(child.content, line, context)
            reported_html = True
        elif child.type == "link_open":
            context.report_findings(line, targets.check_link(str(child.attrs.get("href", "")), context.origin))
        elif child.type == "image":
            source = str(child.attrs.get("src", ""))
            context.report_findings(line, targets.check_path(source, context.origin, targets.IMAGE_SUFFIXES, "image"))
            _inline(child.children or [], line, context)  # the description is Markdown too
        elif child.type == "myst_role":
            _role(str(child.meta.get("name", "")), child.content, line, context)
        elif child.type == "substitution_inline":
            _substitution(child.content, line, context)


def _substitution(expression: str, line: int, context: _Context) -> None:
    problem = allowlist.substitution_problem(expression, context.rules.substitutions)
    if problem:
        context.report(line, *problem)


def _role(name: str, text: str, line: int, context: _Context) -> None:
    found = allowlist.role(name)
    if found is None:
        context.report(line, *allowlist.unknown_role(name))
        return
    kind, _purpose = found
    target = text.rsplit("<", 1)[1].rstrip(">").strip() if text.rstrip().endswith(">") and "<" in text else text
    _value(kind, target, f"the `{{{name}}}` role", line, context)


def _value(kind: Kind, value: str, what: str, line: int, context: _Context) -> None:
    """Check one argument, option or role value by its kind."""
    if kind.value is Value.PATH:
        context.report_findings(line, targets.check_path(value, context.origin, kind.suffixes, what))
    elif kind.value is Value.LINK:
        context.report_findings(line, targets.check_link(value, context.origin, what))
    elif kind.value is Value.PAGE:
        context.report_findings(line, targets.check_page(value, context.origin, what))
    elif kind.value is Value.REFERENCE:
        context.report_findings(line, targets.check_reference(value, context.origin, what))
    elif kind.value is Value.TEXT:
        _markdown(value, line, context)
    elif kind.value is not Value.CODE:
        context.report_findings(line, allowlist.value_findings(kind, value, what))


def _fence(token: Token, line: int, context: _Context) -> None:
    info = token.info.strip()
    if not info.startswith("{") or "}" not in info:
        return  # a plain code block
    written, _, first_line = info[1:].partition("}")
    name = written.strip()
    rule = allowlist.directive(name)
    if rule is None:
        context.report(line, *allowlist.unknown_directive(name))
        return
    try:
        parsed = parse_directive_text(parsing_class(name.lower()), first_line.strip(), token.content, line=line)
    except MarkupError as exc:
        context.report(line, "directive-syntax", f"`{{{name}}}`: {exc}", "check the directive's first line")
        return
    shown = f"`{{{name}}}`"
    if parsed.arguments and rule.argument is not None:
        _argument(name, rule, " ".join(parsed.arguments), line, context)
    elif rule.argument is not None and rule.required:
        context.report(line, "directive-syntax", f"{shown} needs {rule.argument.describe()} after its name",
                       f"write e.g. ```{{{name}}} ...")
    content_lines = token.content.splitlines()
    for option, value in parsed.options.items():
        option_line = line + 1 + _option_offset(content_lines, option)
        kind = rule.options.get(option)
        if kind is None:
            context.report(option_line, *allowlist.unknown_option(name, option, rule))
            continue
        _value(kind, str(value or ""), f"{shown} option `:{option}:`", option_line, context)
        if option == "file" and name.lower() == "csv-table":
            _checked_file(str(value or ""), option_line, context)
    body = "\n".join(parsed.body)
    # without an argument, text after the name is the first line of the content (MyST's rule)
    body_line = line if rule.argument is None and first_line.strip() else line + 1 + parsed.body_offset
    if rule.body is Body.NONE and body.strip():
        context.report(body_line, "directive-content", f"{shown} takes no content", "remove the lines inside it")
    elif rule.body is Body.MARKDOWN or name.lower() == "csv-table":  # CSV cells are Markdown to MyST too
        _walk(_parser().parse(body), body_line - 1, context)
    if name.lower() == "include" and parsed.arguments:
        _checked_file(parsed.arguments[0], line, context)


def _argument(name: str, rule: allowlist.Directive, argument: str, line: int, context: _Context) -> None:
    assert rule.argument is not None
    _value(rule.argument, argument, f"`{{{name}}}`", line, context)


def _option_offset(lines: list[str], option: str) -> int:
    """The line of `option` within the directive's content (`:option:` or a YAML block's `option:`)."""
    for index, text in enumerate(lines):
        stripped = text.strip().removeprefix(":")
        if stripped.startswith(f"{option}:"):
            return index
    return 0


def _checked_file(path: str, line: int, context: _Context) -> None:
    """Check the Markdown an `{include}` (or a CSV table) pulls in, as if it were written here."""
    resolved, findings = targets.resolve(path, context.origin, "include")
    if findings or resolved is None or not resolved.is_file() or resolved in context.visited:
        return
    context.visited.add(resolved)
    root = context.content_dir.parent.resolve()
    rel = resolved.relative_to(root).as_posix()
    size = resolved.stat().st_size
    if size > context.rules.max_file_size:
        limit = context.rules.max_file_size
        context.issues.append(Issue(rel, 1, 1, "file-too-large",
                                    f"the included file is {size / 1e6:.2f} MB; content files may be at most "
                                    f"{limit / 1e6:g} MB (skillbook.max_file_size)", "split it into smaller files"))
        return
    try:
        text = resolved.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        context.report(line, "missing-file", f"`{path}` cannot be read as UTF-8 text", "save the file as UTF-8")
        return
    included = Document(Source(resolved, rel, SourceKind.PAGE), None, text, LineMap())
    # MyST resolves paths in an included file from the page it is included into, not from its own folder
    inner = _Context(included, context.rules, context.issues, context.visited,
                     context.page or context.document.source.path)
    _walk(_parser().parse(text), 0, inner)
