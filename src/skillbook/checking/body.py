"""A Document's MyST body in, the problems in it out: anything the allowlist does not allow, paths, links, sections.

The body is parsed with the markdown-it configuration MyST uses, and each directive's text with
MyST's own directive parser, so what is checked is what Sphinx would run: the same arguments,
options (`:key: value` lines or a YAML block) and content. Directive contents, titles and text
options are Markdown to MyST, so they are checked by the same rules, as are included files. Every
parse of a page counts towards its caps (`skillbook.checking.limits`): a page over one is reported
there and not parsed further.
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

from skillbook.checking import limits
from skillbook.checking.limits import LIMITS, TALLY, Exceeded, Tally
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
    md = limits.bounded(myst_markdown())
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
    # every file included so far on this page -> the files and the elements it pulls in (repeats counted)
    expansions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    page: Path | None = None  # the page an included file is included into: its paths start there
    tally: Tally = field(default_factory=Tally)  # what the whole page used of its caps
    including: tuple[Path, ...] = ()  # the files being included around this one, the page first
    pulled: int = 0  # files this document's includes pull in, repeats and their own includes counted
    again: int = 0  # elements of the files it includes more than once: read once, built every time

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

    def exceeded(self, problem: Exceeded, first_line: int) -> None:
        """A cap reached in the text whose first line is body line `first_line`: the page is refused,
        and nothing more of it is parsed."""
        self.tally.exceeded = True
        self.report(first_line + problem.line, problem.rule, problem.message, problem.hint)


def check_body(document: Document, rules: BodyRules, required_sections: tuple[str, ...] = ()) -> list[Issue]:
    context = _Context(document, rules, [])
    headings = _walk(_parse(document.body, 1, context, whole=True), 0, context)
    if context.tally.exceeded:
        return context.issues  # the headings after the cap were never read: no section is missing for sure
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


def _parse(text: str, line: int, context: _Context, *, whole: bool = False) -> list[Token]:
    """The tokens of `text`, whose first line is body line `line`; none once the page is over a cap.
    `whole`: the text of a whole file (a body, an included file), whose link definitions are counted
    before markdown-it reads it."""
    if context.tally.exceeded:
        return []
    try:
        if whole:
            limits.scan_definitions(text, context.tally)
        return _parser().parse(text, {TALLY: context.tally})
    except Exceeded as problem:
        context.exceeded(problem, line)
        return []


def _walk(tokens: list[Token], offset: int, context: _Context) -> list[tuple[int, str, int]]:
    """Check tokens whose first line is body line `offset + 1`; returns the headings (level, text, line)."""
    headings: list[tuple[int, str, int]] = []
    line = offset + 1
    outside = depth = context.tally.depth  # the lists, quotes and directives around these tokens
    for index, token in enumerate(tokens):
        if token.map:
            line = offset + token.map[0] + 1
        if token.type in limits.OPENS:
            depth += 1
        elif token.type in limits.CLOSES:
            depth -= 1
        if token.type == "heading_open":
            headings.append((int(token.tag[1]), tokens[index + 1].content, line))
        elif token.type in ("html_block", "html_inline"):
            _raw_html(token.content, line, context)
        elif token.type in ("fence", "colon_fence"):
            context.tally.depth = depth  # a directive's content is parsed one level further in
            _fence(token, line, context)
            context.tally.depth = outside
        elif token.type == "substitution_block":
            _substitution(token.content, line, context)
        elif token.type == "inline" and token.children:
            _inline(token.children, line, context)
    return headings


def _markdown(text: str, line: int, context: _Context) -> None:
    """Text that MyST parses as Markdown (a title, a caption, a text option), starting on `line`."""
    if text.strip():
        _walk(_parse(text, line, context), line - 1, context)


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
        _content(body, body_line, line, context)
    if name.lower() == "include" and parsed.arguments:
        _checked_file(parsed.arguments[0], line, context)


def _content(body: str, body_line: int, line: int, context: _Context) -> None:
    """A directive's content (from body line `body_line`), one level deeper than the directive on `line`."""
    tally = context.tally
    if tally.depth + 1 > LIMITS["nesting"]:
        context.exceeded(limits.too_deep(0), line)
        return
    tally.depth += 1
    try:
        _walk(_parse(body, body_line, context), body_line - 1, context)
    finally:
        tally.depth -= 1


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
    """Check the Markdown an `{include}` (or a CSV table) pulls in, as if it were written here, and
    count it towards the page's included files: each file is checked once, but counted every time it
    is pulled in, with the files it pulls in itself (Sphinx expands every one of them)."""
    resolved, findings = targets.resolve(path, context.origin, "include")
    if findings or resolved is None or not resolved.is_file() or context.tally.exceeded:
        return
    chain = context.including or (context.document.source.path.resolve(),)  # the page's own: resolved when used
    if resolved in chain:
        context.exceeded(limits.include_cycle(0, path), line)
        return
    known = context.expansions.get(resolved)
    if known is not None:  # checked already; Sphinx expands it again all the same
        pulled, elements = known
        context.again += elements
    elif len(chain) > LIMITS["includes"]:
        pulled = LIMITS["includes"]  # a chain this long is over the cap whatever lies below it
    else:
        before = context.tally.elements
        pulled, again = _included(resolved, path, line, context, (*chain, resolved))
        context.expansions[resolved] = (pulled, context.tally.elements - before + again)
        context.again += again
    context.pulled += 1 + pulled
    if context.page is not None:
        return
    # the totals are the page's: reported on the page itself, at the include that goes over
    if context.pulled > LIMITS["includes"]:
        context.exceeded(limits.too_many_includes(0, context.pulled, path), line)
    elif context.tally.elements + context.again > LIMITS["elements"]:
        context.exceeded(limits.too_large(0), line)


def _included(resolved: Path, path: str, line: int, context: _Context, chain: tuple[Path, ...]) -> tuple[int, int]:
    """Check an included file (`chain`: the page and the files that include it, and itself); returns
    how many files it pulls in itself, and the elements of those it pulls in more than once."""
    root = context.content_dir.parent.resolve()
    rel = resolved.relative_to(root).as_posix()
    size = resolved.stat().st_size
    if size > context.rules.max_file_size:
        limit = context.rules.max_file_size
        context.issues.append(Issue(rel, 1, 1, "file-too-large",
                                    f"the included file is {size / 1e6:.2f} MB; content files may be at most "
                                    f"{limit / 1e6:g} MB (skillbook.max_file_size)", "split it into smaller files"))
        return 0, 0
    try:
        text = resolved.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        context.report(line, "missing-file", f"`{path}` cannot be read as UTF-8 text", "save the file as UTF-8")
        return 0, 0
    included = Document(Source(resolved, rel, SourceKind.PAGE), None, text, LineMap())
    # MyST resolves paths in an included file from the page it is included into, not from its own folder
    inner = _Context(included, context.rules, context.issues, context.expansions,
                     context.page or context.document.source.path, context.tally, chain)
    _walk(_parse(text, 1, inner, whole=True), 0, inner)
    return inner.pulled, inner.again
