"""A content source in, a Document out: its front matter (with positions) and its MyST body.

Markdown files carry front matter between `---` lines at the top. A notebook carries it in its
first cell, a Markdown cell that starts with the same `---` block (the MyST convention), so an
author edits it like any other text; its remaining Markdown cells are the body.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from skillbook.issues import Issue
from skillbook.reading.allowlist import CONTROL_CHARACTERS, control_character_problem, reserved_key
from skillbook.reading.discover import Kind, Source
from skillbook.reading.frontmatter import FENCE, FrontMatter, find_front_matter, split_lines, starts_like_front_matter
from skillbook.reading.placenames import KIND_NOUNS
from skillbook.reading.yamlload import LoadedYaml, load_yaml


@dataclass(frozen=True)
class LineMap:
    """A 1-based line of a body -> the line in its file: an offset, or a table (notebooks)."""

    offset: int = 0
    lines: tuple[int, ...] = ()

    def __call__(self, line: int) -> int:
        if not self.lines:
            return line + self.offset
        return self.lines[line - 1] if 0 < line <= len(self.lines) else self.lines[-1]


@dataclass
class Document:
    source: Source
    meta: LoadedYaml | None  # None: the file has no front matter
    body: str
    body_line: LineMap  # a 1-based line of `body` -> the line in the file
    front_matter_line: int = 1  # where the front matter block starts, for "missing field" messages

    @property
    def data(self) -> dict[str, Any]:
        if self.meta is not None and isinstance(self.meta.data, dict):
            return self.meta.data
        return {}


def read_document(source: Source) -> tuple[Document | None, list[Issue]]:
    """Read one file; a file that cannot be read at all yields no Document, only issues."""
    try:
        raw = source.path.read_bytes()
    except OSError as exc:
        return None, [Issue(source.rel, 1, 1, "unreadable", f"cannot read the file: {exc.strerror}",
                            "check the file's permissions")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Issue(source.rel, line, column, "encoding",
                            f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x} cannot be decoded)",
                            "save the file as UTF-8 in your editor")]
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return None, [Issue(source.rel, line, 1, "encoding", "the file contains a NUL byte",
                            "this looks like a binary file; save it as UTF-8 text")]
    controls = _control_characters(source, text)
    if controls:  # reported once; the rest of the file is read with them made visible
        text = CONTROL_CHARACTERS.sub("\ufffd", text)
    document, issues = _read_notebook(source, text) if source.is_notebook else _read_markdown(source, text)
    return document, [*controls, *issues]


def _control_characters(source: Source, text: str) -> list[Issue]:
    if CONTROL_CHARACTERS.search(text) is None:  # nearly every file: one search instead of one a line
        return []
    issues = []
    for number, line in enumerate(text.splitlines(), start=1):
        found = control_character_problem(line)
        if found:
            rule, message, hint, offset = found
            issues.append(Issue(source.rel, number, offset + 1, rule, message, hint))
    return issues


def _read_markdown(source: Source, text: str) -> tuple[Document | None, list[Issue]]:
    lines = split_lines(text)
    needs_meta = source.kind is not Kind.PAGE
    found = find_front_matter(lines)
    fence = _fence_problem(source, lines, found, 1)
    if fence is not None:
        return None, [fence]
    if found is None:
        issues = []
        if needs_meta:
            issues.append(Issue(source.rel, 1, 1, "front-matter-missing",
                                f"a {KIND_NOUNS[source.kind.value]} needs YAML front matter at the top",
                                "start the file with a line `---`, the fields, and another `---` "
                                "(`skillbook new` writes a template)"))
        return Document(source, None, "\n".join(lines), LineMap()), issues
    close = found.close
    meta = load_yaml("\n".join(lines[1:close]) + "\n", first_line=2)
    body = "\n".join(lines[close + 1:])
    offset = close + 1
    document = Document(source, meta, body, LineMap(offset), front_matter_line=1)
    return document, _meta_issues(source, meta, 2 if close > 1 else 1)


def _fence_problem(source: Source, lines: list[str], found: FrontMatter | None, first_line: int) -> Issue | None:
    """Front matter that readers could disagree about: a first line that starts with `---` but is
    not exactly `---`, a block that never closes, or one closed by anything but `---` or `...`."""
    if not starts_like_front_matter(lines):
        return None
    if found is not None and found.exact:
        return None
    if found is not None and found.opening_exact:
        written = lines[found.close]
        return Issue(source.rel, first_line + found.close, 1, "front-matter-fence",
                     f"the front matter ends at a line written `{_shown(written)}`, not exactly `---`",
                     "close the front matter with a line of exactly three dashes, `---`, starting in the first "
                     "column and with nothing after it")
    if found is None and lines[0].rstrip(" \t") == FENCE:
        return Issue(source.rel, first_line, 1, "front-matter-unclosed",
                     f"the front matter starting on line {first_line} is never closed",
                     "add a line `---` after the last field")
    return Issue(source.rel, first_line, 1, "front-matter-fence",
                 f"the first line is `{_shown(lines[0])}`: it starts like front matter but is not exactly `---`",
                 "front matter opens with a line of exactly three dashes, `---`, and nothing after them; "
                 "if the page has no front matter, start it with its text or a `#` heading instead")


def _shown(line: str) -> str:
    line = line.rstrip()
    return line if len(line) <= 40 else line[:37] + "..."


def _read_notebook(source: Source, text: str) -> tuple[Document | None, list[Issue]]:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [Issue(source.rel, exc.lineno, exc.colno, "notebook-invalid",
                            f"the notebook is not valid JSON: {exc.msg}",
                            "open and save it again in Jupyter, or fix the JSON by hand")]
    import nbformat  # only notebooks need it, and it takes a tenth of a second to import

    try:
        notebook = nbformat.reads(text, as_version=4)  # type: ignore[no-untyped-call]
        nbformat.validate(notebook)
    except Exception as exc:  # nbformat raises several unrelated types for a malformed notebook
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, [Issue(source.rel, 1, 1, "notebook-invalid", f"not a valid Jupyter notebook: {message}",
                            "open and save it again in Jupyter")]
    raw_lines = text.splitlines()
    cell_lines = _locate_cell_lines(raw_lines, [cell.source for cell in notebook.cells])
    issues: list[Issue] = [Issue(source.rel, _key_line(raw_lines, key), 1, *refused)
                           for key in notebook.metadata if (refused := reserved_key(key))]
    meta: LoadedYaml | None = None
    body_parts: list[str] = []
    body_map: list[int] = []
    front_matter_line = 1
    for index, cell in enumerate(notebook.cells):
        lines = cell.source.splitlines()
        where = cell_lines[index]
        first = where[0] if where else 1
        if cell.cell_type == "code":
            issues.append(Issue(source.rel, first, 1, "notebook-code-cell",
                                f"cell {index + 1} is a code cell; content is never executed",
                                "turn it into a Markdown cell, or remove it"))
            continue
        if cell.cell_type == "raw":
            issues.append(Issue(source.rel, first, 1, "notebook-raw-cell",
                                f"cell {index + 1} is a raw cell, which can carry raw HTML",
                                "turn it into a Markdown cell"))
            continue
        hidden = control_character_problem(cell.source)
        if hidden:  # written as a JSON escape such as \u001b
            line_index = cell.source[:hidden[3]].count("\n")
            issues.append(Issue(source.rel, where[line_index] if line_index < len(where) else first, 1, *hidden[:3]))
            cell.source = CONTROL_CHARACTERS.sub("\ufffd", cell.source)
            lines = cell.source.splitlines()
        if _left_open(cell.source):
            issues.append(Issue(source.rel, first, 1, "notebook-open-block",
                                f"cell {index + 1} ends inside a code block or directive that it never closes",
                                "close the block (its closing fence, e.g. ``` or :::) in the same cell: each cell "
                                "is read on its own when the page is built"))
        if cell.get("attachments"):
            issues.append(Issue(source.rel, first, 1, "notebook-attachment",
                                f"cell {index + 1} embeds a file (an attachment), which is never checked",
                                "save the picture in content/ and show it with ![description](file.png)"))
        issues.extend(Issue(source.rel, first, 1, *refused) for key in cell.metadata
                      if (refused := reserved_key(key)))
        if index == 0 and starts_like_front_matter(lines):
            found = find_front_matter(lines)
            fence = _fence_problem(source, lines, found, first)
            if fence is not None or found is None:
                issues.append(fence or Issue(source.rel, first, 1, "front-matter-unclosed",
                                             "the front matter in the first cell is never closed",
                                             "add a line `---` after the last field"))
                return None, issues
            close = found.close
            meta = load_yaml("\n".join(lines[1:close]) + "\n", map_line=_line_map(where[1:close], first))
            front_matter_line = first
            lines, where = lines[close + 1:], where[close + 1:]
        body_parts.extend([*lines, ""])
        body_map.extend([*where, where[-1] if where else first])
    if meta is None and source.kind is not Kind.PAGE:
        issues.append(Issue(source.rel, 1, 1, "front-matter-missing",
                            f"a {KIND_NOUNS[source.kind.value]} notebook needs front matter in its first cell",
                            "make the first cell a Markdown cell starting with `---`, the fields, `---`"))
    elif meta is not None:
        issues.extend(_meta_issues(source, meta, front_matter_line))

    line_map = LineMap(lines=tuple(body_map or [1]))
    return Document(source, meta, "\n".join(body_parts), line_map, front_matter_line), issues


_SENTINEL = "skillbook-end-of-cell-7f3a"


def _left_open(text: str) -> bool:
    """Whether something opened in a cell (a code fence, a directive) runs on past its end. MyST-NB
    reads each cell on its own and validate reads the cells joined: such a cell would hide the next
    cells from validate, inside a block that the build never sees."""
    if not any(mark in text for mark in ("```", "~~~", ":::", "<")):
        return False  # nothing else a blank line does not end
    tokens = _block_parser().parse(f"{text}\n\n{_SENTINEL}\n")
    return not any(t.type == "inline" and t.level == 1 and t.content == _SENTINEL for t in tokens)


@cache
def _block_parser() -> Any:
    """The shared parser reading blocks only: no inline rules, task items or link definitions, whose
    work can grow with the square of a cell (the caps that bound them run later, on the body)."""
    from skillbook.reading.myst import myst_markdown  # notebooks only: a Markdown page never needs it here

    md = myst_markdown()
    md.core.ruler.disable([rule for rule in md.core.ruler.get_active_rules() if rule not in ("normalize", "block")])
    md.block.ruler.disable("reference")
    return md


def _key_line(raw_lines: list[str], key: str) -> int:
    """The line of a notebook-level metadata key (nbformat writes the notebook's metadata after the cells)."""
    needle = json.dumps(key) + ":"
    return next((i + 1 for i in range(len(raw_lines) - 1, -1, -1) if needle in raw_lines[i]), 1)


def _line_map(lines: list[int], fallback: int) -> Callable[[int], int]:
    return lambda n: lines[n - 1] if 0 < n <= len(lines) else fallback


def _meta_issues(source: Source, meta: LoadedYaml, line: int) -> list[Issue]:
    issues = [Issue(source.rel, p.line, p.column, p.rule, p.message, p.hint) for p in meta.problems]
    if not meta.problems and not isinstance(meta.data, dict):
        shown = "empty" if meta.data is None else f"a {type(meta.data).__name__}"
        issues.append(Issue(source.rel, line, 1, "front-matter-not-mapping",
                            f"the front matter is {shown}, not a set of `field: value` lines",
                            "write one `field: value` per line, e.g. `id: observe`"))
    return issues


# How far past where the previous source line ended its successor is looked for, beyond its own
# length: nbformat puts it on the next line, after the indentation.
_NEARBY = 256


def _locate_cell_lines(raw_lines: list[str], sources: list[str]) -> list[list[int]]:
    """For every cell, the line in the .ipynb file of each of its source lines.

    nbformat writes a cell's keys in order with `"source"` last, and its source as a JSON list
    with one string per file line, so each line is found right after the previous one, on the next
    file line (a line ending in a newline) or the same one. A cell with no source gets the line of its
    `"source"` key. A line not found there (a writer that escapes it differently, a source written as
    one string) gets the line after the previous one, but never a line past the next cell's key: the
    search never reads on through the rest of the file, so any notebook is located in time linear in
    its size, and a cell that cannot be found does not lose the cells after it.
    """
    located: list[list[int]] = []
    text = "\n".join(raw_lines)  # one separator a line, so an offset in it tells its line
    starts = [0] * len(raw_lines)  # where each line begins in `text`
    for index in range(1, len(raw_lines)):
        starts[index] = starts[index - 1] + len(raw_lines[index - 1]) + 1
    keys = [index for index, line in enumerate(raw_lines) if '"source":' in line]
    next_key = 0  # into `keys`; like the cursor, it only moves forward
    last = max(len(raw_lines) - 1, 0)
    cursor = position = 0  # the file line, and the offset in `text`, where the next search starts
    for source in sources:
        while next_key < len(keys) and keys[next_key] < cursor:
            next_key += 1
        key = cursor = keys[next_key] if next_key < len(keys) else cursor
        position = max(position, starts[cursor] if starts else 0)
        # the next cell's key: this cell's lines are before it
        end = keys[next_key + 1] - 1 if next_key + 1 < len(keys) else last
        limit = starts[end + 1] if end + 1 < len(starts) else len(text)
        lines: list[int] = []
        for line in source.splitlines(keepends=True):
            # as nbformat writes it, and with every character outside ASCII escaped: the first found
            spellings = ((text.find(needle, position, min(position + len(needle) + _NEARBY, limit)), needle)
                         for needle in {json.dumps(line, ensure_ascii=False)[:-1], json.dumps(line)[:-1]})
            found, needle = min(((at, needle) for at, needle in spellings if at >= 0), default=(-1, ""))
            if found >= 0:
                while cursor < last and starts[cursor + 1] <= found:
                    cursor += 1
                position = found + len(needle)
            lines.append(cursor + 1)
            if line.endswith("\n"):
                cursor = max(cursor, min(cursor + 1, end))
                position = max(position, starts[cursor] if starts else 0)
        located.append(lines or [key + 1])
        cursor = min(cursor + 1, last)
        position = max(position, starts[cursor] if starts else 0)
    return located
