"""Bounded work: every cap (skillbook.checking.limits, the `maxlength`s of schemas/) lets a page just
under it through and refuses one just over it at the line at fault; includes are counted with their
repeats and cycles refused; schema regexes run on RE2; the notebook line locator is linear. The caps
stay at least five times above what the shipped handbook uses.

The time bounds here are sanity bounds against a quadratic or exponential algorithm (what took minutes
or hours before), not benchmarks."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import HOMEWORK, REPO, SKILL, MakeProject
from skillbook.checking import limits
from skillbook.checking.limits import LIMITS
from skillbook.checking.precheck import schema_pattern
from skillbook.checking.schema import load_schemas
from skillbook.checking.validate import validate
from skillbook.errors import ConfigError
from skillbook.issues import Issue
from skillbook.reading.discover import Kind
from skillbook.reading.document import _locate_cell_lines
from skillbook.reading.project import load_project

PAGE = "content/hostile.md"
HEAD = "# Hostile page\n\n"  # the body starts on line 3
CAP_RULES = frozenset({"too-many-link-definitions", "link-definition-paragraph", "too-many-emphasis-marks",
                       "brackets-too-deep", "too-many-list-items", "nesting-too-deep", "too-many-includes",
                       "include-cycle", "page-too-large", "worksheet-too-large", "length"})
Check = Callable[..., list[Issue]]


@pytest.fixture
def check(make_project: MakeProject) -> Check:
    """`check({path: text})`: the cap problems validate reports for the base project with these files."""

    made = iter(range(1000))

    def run(files: dict[str, str | None], *, rules: frozenset[str] = CAP_RULES) -> list[Issue]:
        root = make_project(files, name=f"project-{next(made)}")
        return [i for i in validate(load_project(root)).issues if i.rule in rules]

    return run


def page(check: Check, body: str, **files: str) -> list[Issue]:
    return check({PAGE: HEAD + body, **{f"content/{name}": text for name, text in files.items()}})


def at(issues: list[Issue], rule: str) -> list[tuple[str, int]]:
    return [(i.path, i.line) for i in issues if i.rule == rule]


# ------------------------------------------------------------------------------------ the body caps


def test_link_definitions_up_to_the_cap(check: Check) -> None:
    cap = LIMITS["link-definitions"]
    groups = ["".join(f"[d{g}-{i}]: https://example.org/{g}/{i}\n" for i in range(10)) for g in range(cap // 10)]
    assert page(check, "\n".join(groups)) == []
    issues = page(check, "\n".join(groups) + "\n[last]: https://example.org/last\n")
    # the 101st definition: 100 lines of definitions and 9 blank lines after the two heading lines
    assert at(issues, "too-many-link-definitions") == [(PAGE, 3 + cap + cap // 10)]


def test_a_link_definition_must_end_its_paragraph(check: Check) -> None:
    most = LIMITS["definition-paragraph"]
    assert page(check, "[a]: https://example.org\n" + "text\n" * most) == []
    issues = page(check, "Before.\n\n[a]: https://example.org\n" + "text\n" * (most + 1))
    assert at(issues, "link-definition-paragraph") == [(PAGE, 5)]
    assert f"{most + 1} lines" in issues[0].message and "empty line" in issues[0].hint


def test_a_long_run_of_definitions_is_refused_before_the_parser_reads_it(check: Check) -> None:
    started = time.monotonic()
    issues = page(check, "".join(f"[d{i}]: https://example.org/{i}\n" for i in range(20_000)))
    assert at(issues, "link-definition-paragraph") == [(PAGE, 3)]
    assert time.monotonic() - started < 20  # markdown-it alone took hours


@pytest.mark.parametrize("mark", ["*", "_"])
def test_emphasis_marks_per_line(check: Check, mark: str) -> None:
    cap = LIMITS["emphasis-marks"]
    assert page(check, "a" + mark * cap + "a\n") == []
    issues = page(check, "Fine.\n\nAlso fine.\n" + "a" + mark * (cap + 1) + "a\n")
    assert at(issues, "too-many-emphasis-marks") == [(PAGE, 6)]
    assert f"{cap + 1} `*` and `_`" in issues[0].message


def test_emphasis_marks_are_counted_in_text_only(check: Check) -> None:
    """A code block is never read for emphasis: a line of stars there costs nothing."""
    assert page(check, "```\n" + "*_" * 5000 + "\n```\n") == []


def test_emphasis_marks_inside_a_directive_are_reported_at_their_line(check: Check) -> None:
    issues = page(check, ":::{note}\nFirst.\n\n" + "a *" * 500 + "\n:::\n")
    assert at(issues, "too-many-emphasis-marks") == [(PAGE, 6)]


def test_bracket_nesting_per_line(check: Check) -> None:
    cap = LIMITS["bracket-nesting"]
    assert page(check, "[" * cap + "a" + "]" * cap + "\n" + "[a] " * 500 + "\n" + "\\[" * 500 + "\n") == []
    issues = page(check, "[" * (cap + 1) + "\n")
    assert at(issues, "brackets-too-deep") == [(PAGE, 3)]


def test_list_items_per_page(check: Check) -> None:
    cap = LIMITS["list-items"]
    assert page(check, "- [ ] item\n" * cap) == []
    issues = page(check, "- [ ] item\n" * (cap + 1))
    assert at(issues, "too-many-list-items") == [(PAGE, 3 + cap)]


def test_list_items_are_counted_over_the_whole_page(check: Check) -> None:
    half = LIMITS["list-items"] // 2 + 1
    issues = page(check, "- item\n" * half + "\n:::{note}\nItems.\n\n" + "1. item\n" * half + ":::\n")
    # the item that went over the cap, inside the note
    assert at(issues, "too-many-list-items") == [(PAGE, 3 + half + 4 + (LIMITS["list-items"] - half))]


def test_nesting_of_quotes_lists_and_directives(check: Check) -> None:
    cap = LIMITS["nesting"]
    assert page(check, "> " * cap + "deep enough\n") == []
    assert at(page(check, "> " * (cap + 1) + "too deep\n"), "nesting-too-deep") == [(PAGE, 3)]
    # five quotes in five nested notes: ten levels
    notes = [":" * (8 - i) + "{note}\nLevel.\n" for i in range(5)]
    body = "".join(notes) + "> > > > > quoted\n" + "".join(":" * (4 + i) + "\n" for i in range(5))
    assert page(check, body) == []
    assert at(page(check, body.replace("> > > > > quoted", "> > > > > > quoted")), "nesting-too-deep") == [(PAGE, 13)]


def test_nested_directives_stop_at_the_cap(check: Check) -> None:
    levels = 400
    opening = [":" * (levels + 3 - i) + f"{{note}}\nLevel {i}" for i in range(levels)]
    closing = [":" * (levels + 3 - i) for i in reversed(range(levels))]
    issues = page(check, "\n".join([*opening, *closing]) + "\n")  # no RecursionError
    # the 11th directive: its content would be the 11th level
    assert at(issues, "nesting-too-deep") == [(PAGE, 3 + 2 * LIMITS["nesting"])]


def test_lists_nested_deeper_than_the_reader_goes_are_refused(check: Check) -> None:
    assert page(check, "".join("  " * i + "- x\n" for i in range(8))) == []
    issues = page(check, "".join("  " * i + "- x\n" for i in range(600)))
    assert at(issues, "nesting-too-deep") == [(PAGE, 12)]
    assert "skips what is inside" in issues[0].message


def test_elements_per_page(check: Check) -> None:
    """A paragraph of k lines is 2k + 2 elements (its text and line breaks, opened and closed), the
    heading 4: Sphinx keeps a node for each."""
    cap = LIMITS["elements"]
    lines = (cap - 6) // 2
    assert page(check, "a\n" * lines) == []
    issues = page(check, "a\n" * (lines + 1))
    assert at(issues, "page-too-large") == [(PAGE, 3)]
    assert "split it into several pages" in issues[0].hint


# ------------------------------------------------------------------------------------------ includes


def include(name: str) -> str:
    return f"```{{include}} {name}\n```\n\n"


def test_includes_are_counted_every_time(check: Check) -> None:
    cap = LIMITS["includes"]
    assert page(check, include("_part.md") * cap, **{"_part.md": "A part.\n"}) == []
    issues = page(check, include("_part.md") * (cap + 1), **{"_part.md": "A part.\n"})
    assert at(issues, "too-many-includes") == [(PAGE, 3 + 3 * cap)]


def test_an_include_bomb_is_refused_at_the_page(check: Check) -> None:
    """Each level includes the next twice: 2**21 - 2 expansions for Sphinx, 21 files for validate."""
    files = {f"_bomb-{level}.md": f"Level {level}\n\n" + include(f"_bomb-{level + 1}.md") * 2 for level in range(20)}
    files["_bomb-20.md"] = "The bottom.\n"
    started = time.monotonic()
    issues = page(check, "Intro.\n\n" + include("_bomb-0.md"), **files)
    assert time.monotonic() - started < 20
    assert at(issues, "too-many-includes") == [(PAGE, 5)]
    assert str(2**21 - 1) in issues[0].message


def test_the_elements_of_a_file_count_every_time_it_is_included(check: Check) -> None:
    part = "a\n" * 1000  # 2 002 elements, read once
    assert page(check, include("_part.md") * 12, **{"_part.md": part}) == []
    issues = page(check, include("_part.md") * 13, **{"_part.md": part})
    assert at(issues, "page-too-large") == [(PAGE, 3 + 3 * 12)]


def test_a_file_included_twice_is_checked_once_and_counted_twice(check: Check) -> None:
    issues = check({PAGE: HEAD + include("_part.md") * 2, "content/_part.md": "<b>raw</b>\n"},
                   rules=frozenset({"raw-html", *CAP_RULES}))
    assert at(issues, "raw-html") == [("content/_part.md", 1)]


@pytest.mark.parametrize("files, where", [
    ({"_self.md": "Self.\n\n" + include("_self.md")}, ("content/_self.md", 3)),
    ({"_a.md": "A.\n\n" + include("_b.md"), "_b.md": "B.\n\n" + include("_a.md")}, ("content/_b.md", 3)),
], ids=["itself", "through-another"])
def test_an_include_cycle_is_refused(check: Check, files: dict[str, str], where: tuple[str, int]) -> None:
    first = next(iter(files))
    issues = page(check, include(first), **files)
    assert at(issues, "include-cycle") == [where]


def test_a_page_that_includes_itself(check: Check) -> None:
    assert at(page(check, include("hostile.md")), "include-cycle") == [(PAGE, 3)]


def test_a_long_chain_of_includes_stops_at_the_cap(check: Check) -> None:
    files = {f"_chain-{i}.md": f"Link {i}\n\n" + include(f"_chain-{i + 1}.md") for i in range(300)}
    files["_chain-300.md"] = "The end.\n"
    issues = page(check, include("_chain-0.md"), **files)  # no RecursionError
    assert at(issues, "too-many-includes") == [(PAGE, 3)]


# ----------------------------------------------------------------------------------- front matter


def homework(fields: str) -> str:
    head, _, rest = HOMEWORK.partition("fields:\n")
    return head + "fields:\n" + fields + "---" + rest.partition("\n---")[2]


def skill_with_steps(count: int) -> str:
    steps = "".join(f"  - {{id: s{i}, name: Step {i}, prompt: Do step {i}.}}\n" for i in range(count))
    head, _, rest = SKILL.partition("steps:\n")
    return head + "steps:\n" + steps + "when_to_use:" + rest.partition("when_to_use:")[2]


WORKSHEET = "content/homework/sample-worksheet.md"
SAMPLE_SKILL = "content/skills/test-module/sample-skill.md"


def grid(rows: int, columns: str = "week") -> str:
    return ("  - id: grid\n    label: Each day\n    type: grid\n    required: false\n"
            f"    columns: {columns}\n    rows:\n"
            + "".join(f"      - {{id: r{i}, label: Row {i}, type: yes_no}}\n" for i in range(rows)))


def choice(options: int) -> str:
    return ("  - id: pick\n    label: Pick one\n    type: choice\n    required: false\n    options:\n"
            + "".join(f"      - {{id: o{i}, label: Option {i}}}\n" for i in range(options)))


def text_fields(count: int) -> str:
    return "".join(f"  - {{id: f{i}, label: Field {i}, type: text, required: false}}\n" for i in range(count))


@pytest.mark.parametrize("path, make, cap, line, words", [
    (WORKSHEET, lambda n: homework(grid(n)), 250, 20, "`rows` of field `grid` has 251 items; it may have at most 250"),
    (WORKSHEET, lambda n: homework(choice(n)), 100, 19, "`options` of field `pick` has 101 items; it may have at most"),
    (WORKSHEET, lambda n: homework(text_fields(n)), 100, 14, "`fields` has 101 items; it may have at most 100"),
    (SAMPLE_SKILL, skill_with_steps, 50, 12, "`steps` has 51 items; it may have at most 50"),
], ids=["grid-rows", "options", "fields", "steps"])
def test_front_matter_lists_up_to_their_maxlength(check: Check, path: str, make: Callable[[int], str], cap: int,
                                                  line: int, words: str) -> None:
    assert check({path: make(cap)}) == []
    issues = check({path: make(cap + 1)})
    length = [i for i in issues if i.rule == "length"]
    assert [(i.path, i.line) for i in length] == [(path, line + 1)]  # a list is reported at its first item
    assert words in length[0].message and "split" in length[0].hint


def test_a_worksheet_has_at_most_so_many_boxes(check: Check) -> None:
    cap = LIMITS["worksheet-boxes"]
    columns = "[" + ", ".join(f"{{id: c{i}, label: Day {i + 1}}}" for i in range(25)) + "]"
    assert check({WORKSHEET: homework(grid(cap // 25, columns))}) == []  # 100 rows of 25 columns
    issues = check({WORKSHEET: homework(grid(cap // 25, columns) + choice(2))})
    assert at(issues, "worksheet-too-large") == [(WORKSHEET, 14)]  # the `fields:` line
    assert f"{cap + 2} boxes" in issues[0].message and f"at most {cap}" in issues[0].message


# ------------------------------------------------------------------------------------------ regexes


def evil_schemas(tmp_path: Path, pattern: str) -> Path:
    folder = tmp_path / "schemas"
    folder.mkdir()
    for path in (REPO / "schemas").glob("*.yml"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    common = yaml.safe_load((folder / "common.yml").read_text(encoding="utf-8"))
    common["sources"]["schema"]["schema"]["url"]["regex"] = pattern
    (folder / "common.yml").write_text(yaml.safe_dump(common, sort_keys=False), encoding="utf-8")
    return folder


def test_a_backtracking_pattern_answers_at_once(make_project: MakeProject) -> None:
    source = "sources:\n  - {title: A book, url: " + "a" * 60 + "b}\n"
    root = make_project({SAMPLE_SKILL: SKILL.replace("related: []\n", "related: []\n" + source)})
    common = (root / "schemas" / "common.yml").read_text(encoding="utf-8")
    (root / "schemas" / "common.yml").write_text(common.replace("regex: '^https://\\S+$'", "regex: '^(a+)+$'"),
                                                 encoding="utf-8")
    started = time.monotonic()
    issues = [i for i in validate(load_project(root)).issues if i.rule == "format"]
    assert time.monotonic() - started < 20  # Python's engine: 2**60 steps
    assert [(i.path, i.line) for i in issues] == [(SAMPLE_SKILL, 24)]
    assert schema_pattern("^(a+)+$").match("a" * 100_000 + "b") is None


@pytest.mark.parametrize("pattern, reason", [
    (r"^(a)\1$", "invalid escape sequence"),
    (r"^(?=https)\S+$", "invalid perl operator"),
    (r"^https://\S+\Z", "invalid escape sequence"),
])
def test_a_pattern_re2_cannot_run_is_a_configuration_error(tmp_path: Path, pattern: str, reason: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_schemas(evil_schemas(tmp_path, pattern))
    assert str(error.value).startswith("schemas/common.yml: the `regex` rule of `sources.url` cannot be used")
    assert reason in str(error.value) and "backreferences or lookaround" in str(error.value)


def test_cerberus_and_the_quick_path_share_one_compiled_pattern() -> None:
    """Compiled once for the run; Cerberus's own rule is replaced (the quick path sends a value that
    fails a pattern on to Cerberus, so both must be RE2 for the test above to end)."""
    assert schema_pattern(r"^https://\S+$") is schema_pattern(r"^https://\S+$")
    validator = load_schemas(REPO / "schemas").validators[Kind.SKILL]
    assert type(validator)._validate_regex.__module__ == "skillbook.checking.schema"


# ------------------------------------------------------------------------------------ notebook lines


def _located(text: str) -> list[list[int]]:
    notebook = nbformat.reads(text, as_version=4)
    return _locate_cell_lines(text.splitlines(), [cell.source for cell in notebook.cells])


LINE = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x0b\x0c\x1c\x1d\x1e"
                                      "\x85\u2028\u2029"), max_size=12)


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(LINE, max_size=6), max_size=6))
def test_each_source_line_is_located_on_the_file_line_that_holds_it(cells: list[list[str]]) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("\n".join(lines)) for lines in cells]
    text = nbformat.writes(notebook)
    file_lines = text.splitlines()
    for cell, where in zip(notebook.cells, _located(text), strict=True):
        lines = cell.source.splitlines(keepends=True)
        if not lines:
            assert '"source": []' in file_lines[where[0] - 1]
            continue
        for line, number in zip(lines, where, strict=True):
            assert json.dumps(line, ensure_ascii=False)[:-1] in file_lines[number - 1]


def test_a_large_notebook_is_located_in_linear_time() -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("\n".join(f"Line {i} of cell {c}." for i in range(400)))
                      for c in range(120)]
    text = nbformat.writes(notebook)
    assert len(text) > 1_000_000
    started = time.monotonic()
    located = _located(text)
    assert time.monotonic() - started < 5
    assert "Line 399 of cell 119." in text.splitlines()[located[-1][-1] - 1]


def test_lines_that_cannot_be_found_cost_no_search_of_the_rest_of_the_file() -> None:
    """One string of 60 000 lines (nbformat accepts it), then cells written a line each: the old search
    read the rest of the file for each line of the string; the cells after it keep their lines."""
    one_string = nbformat.v4.new_markdown_cell("a\n" * 60_000 + "b\n")  # its last line is in every later cell
    rest = [nbformat.v4.new_markdown_cell("\n".join(["b"] * 300)) for _ in range(50)]
    plain = json.loads(nbformat.writes(nbformat.v4.new_notebook(cells=[one_string, *rest])))
    plain["cells"][0]["source"] = one_string.source  # a string, not a list
    text = json.dumps(plain, indent=1)
    assert len(text) < 1_000_000
    started = time.monotonic()
    located = _located(text)
    assert time.monotonic() - started < 5
    file_lines = text.splitlines()
    keys = [number for number, line in enumerate(file_lines, start=1) if '"source":' in line]
    assert [where[0] for where in located[1:]] == [key + 1 for key in keys[1:]]  # each cell where it starts
    assert all(file_lines[number - 1].strip().startswith('"b') for where in located[1:] for number in where)


# ----------------------------------------------------------------------------- generous, measured


def test_the_shipped_handbook_stays_five_times_under_every_body_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, cap in LIMITS.items():
        if name != "nesting":  # a depth: the shipped pages go two levels deep, five times that is the cap
            monkeypatch.setitem(LIMITS, name, cap // 5)
    issues = validate(load_project(REPO)).issues
    assert [i for i in issues if i.rule in CAP_RULES] == []


def _list_caps(rules: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], int]]:
    """Every list of the schema with a maxlength: (path, cap)."""
    found: list[tuple[tuple[str, ...], int]] = []
    if not isinstance(rules, dict):
        return found
    for name, rule in rules.items():
        if not isinstance(rule, dict):
            continue
        if "list" in str(rule.get("type")) and isinstance(rule.get("maxlength"), int):
            found.append(((*path, name), rule["maxlength"]))
        nested = rule.get("schema")
        if isinstance(nested, dict) and isinstance(nested.get("schema"), dict):  # a list of mappings
            found += _list_caps(nested["schema"], (*path, name, "*"))
        elif isinstance(nested, dict) and "type" not in nested:
            found += _list_caps(nested, (*path, name))
    return found


def _values(data: Any, path: tuple[str, ...]) -> list[Any]:
    if not path:
        return [data]
    head, rest = path[0], path[1:]
    if head == "*":
        return [v for item in data for v in _values(item, rest)] if isinstance(data, list) else []
    return _values(data.get(head), rest) if isinstance(data, dict) else []


# caps that are a fact of the format, not room for growth: a month of days, two text messages
_FORMAT_CAPS = {("fields", "*", "columns"), ("text_message", "steps")}


def test_the_shipped_handbook_stays_five_times_under_every_list_cap() -> None:
    schemas = load_schemas(REPO / "schemas")
    project = load_project(REPO)
    documents = [copy.deepcopy(d.meta.data) for d in validate(project).documents
                 if d.meta is not None and isinstance(d.meta.data, dict)]
    checked = 0
    for kind, fields in schemas.field_meta.items():
        for path, cap in _list_caps(fields):
            if path in _FORMAT_CAPS:
                continue
            used = max((len(v) for d in documents for v in _values(d, path) if isinstance(v, list)), default=0)
            assert used * 5 <= cap, f"{kind.value}: {'.'.join(path)} uses {used}, capped at {cap}"
            checked += 1
    assert checked >= 10
    assert limits.LIMITS is LIMITS
