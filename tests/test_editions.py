"""Clinician notes: shown in the clinician edition, absent from every client output, at any depth.

A note nested in another directive (an admonition, a dropdown, a tab, three deep, in any fence and any
spelling of its name), in an `{include}`d partial or in a notebook cell reaches no client surface: not
the page, the search index, the bundle, the FHIR Questionnaire or the PDF. The slow tests share one
project and one build of each edition.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import HOMEWORK, MODULE, SKILL, TOC, write_project
from skillbook.reading.editions import MAX_DEPTH, split_clinician_notes

NOTE = "\n```{clinician-note}\n**Teaching points**\n\n- Ask about Xylophonequail moments.\n```\n"
SKILL_WITH_NOTE = SKILL.replace("1. Practice.\n", "1. Practice.\n" + NOTE)


def test_split_keeps_line_numbers() -> None:
    body = "Intro\n" + NOTE + "\nAfter the note\n"
    client, notes = split_clinician_notes(body)
    assert client.count("\n") == body.count("\n")
    assert client.split("\n").index("After the note") == body.split("\n").index("After the note")
    assert "Xylophonequail" not in client
    assert [n.myst for n in notes] == ["**Teaching points**\n\n- Ask about Xylophonequail moments."]
    assert split_clinician_notes("No notes here")[0] == "No notes here"


# (body, the note's title, its first and last line): every way a note can sit inside another directive
NESTED = {
    "admonition": ("Intro\n\n````{admonition} Box\n:class: tip\n\nText\n\n```{clinician-note} Why\nSECRET\n```\n"
                   "\nAfter\n````\nEnd\n", "Why", 8, 10),
    "dropdown colon fence": ("::::{dropdown} Open\nText\n\n:::{Clinician-Note}\nSECRET\n:::\n::::\n", "", 4, 6),
    "tab-set and tab-item": ("::::::{tab-set}\n:::::{tab-item} One\nText\n\n```   {clinician-note}   Spaced  \n"
                             "SECRET\n```\n:::::\n::::::\n", "Spaced", 5, 7),
    "four and more backticks, three deep": ("`````{tip}\n````{topic} Deeper\n```{CLINICIAN-NOTE}\nSECRET\n```\n"
                                            "````\n`````\n", "", 3, 5),
    "tildes in a list item": ("- item\n\n  ~~~{clinician-note}\n  SECRET\n  ~~~\n", "", 3, 5),
    "in a quote, in a note": ("> ```{note}\n> ~~~{clinician-note}\n> SECRET\n> ~~~\n> ```\n", "", 2, 4),
    # sphinx-design parses a card's header, body and footer apart: here the note is in the footer
    "a card's footer": ("::::{card} Title\nHeader\n^^^\n````text\n+++\n```{clinician-note}\nSECRET\n```\n::::\n",
                        "", 6, 8),
    "figure legend": ("````{figure} picture.png\nCaption\n\n```{clinician-note}\nSECRET\n```\n````\n", "", 4, 6),
    # MyST reads a backtick-fenced directive's leading `:` lines as options; markdown-it sees a note
    "colon fence where options go": ("````{admonition} Box\n:::{clinician-note}\nSECRET\n:::\n````\n", "", 2, 4),
}


@pytest.mark.parametrize("name", NESTED)
def test_notes_nested_in_directives_are_split_out(name: str) -> None:
    body, title, first, last = NESTED[name]
    client, notes = split_clinician_notes(body)
    lines = body.split("\n")
    assert client.split("\n") == ["" if first <= number <= last else line
                                  for number, line in enumerate(lines, 1)]  # only the note goes
    assert [(n.myst.strip(), n.title, n.line) for n in notes] == [("SECRET", title, first)]


def test_a_note_shown_as_code_stays_and_a_note_in_a_note_is_its_own() -> None:
    example = "````{code-block} markdown\n```{clinician-note}\nWritten like this.\n```\n````\n"
    assert split_clinician_notes(example) == (example, ())
    plain = "````markdown\n```{clinician-note}\nWritten like this.\n```\n````\n"
    assert split_clinician_notes(plain) == (plain, ())
    body = "````{clinician-note} Outer\nOuter text\n```{clinician-note} Inner\nInner text\n```\n````\n"
    client, notes = split_clinician_notes(body)
    assert not client.strip()
    assert [(n.myst.strip(), n.title, n.line) for n in notes] == [("Outer text", "Outer", 1),
                                                                  ("Inner text", "Inner", 3)]


def test_a_code_block_that_never_closes_is_read_as_markdown_too() -> None:
    """A notebook's body is its cells joined: a code block left open in one cell runs over the next
    cells here, but MyST-NB parses each cell on its own, and a note in the next cell is a note."""
    cells = ["Text\n\n````text\nan open code block", "```{clinician-note}\nSECRET\n```"]
    client, notes = split_clinician_notes("\n\n".join(cells) + "\n")
    assert "SECRET" not in client and [n.myst for n in notes] == ["SECRET"]
    assert "an open code block" in client


@pytest.mark.parametrize("body", [
    # a CSV cell is Markdown to MyST, parsed on its own
    '```{csv-table}\n"```{clinician-note}\nSECRET\n```"\n```\n',
    # a directive without an argument: MyST makes its first line the first line of its content
    ":::{note} ```\n```\n```{clinician-note}\nSECRET\n```\n:::\n",
    # a directive content may not use: refused anyway, and never read as Markdown here
    "````{eval-rst}\n.. clinician-note::\n\n   SECRET\n````\n",
], ids=["csv cell", "first line of the content", "refused directive"])
def test_directives_read_otherwise_go_whole_when_they_hold_a_note(body: str) -> None:
    client, _notes = split_clinician_notes(body)
    assert not client.strip() and client.count("\n") == body.count("\n")


def test_nesting_deeper_than_the_limit_takes_the_enclosing_directive() -> None:
    def nested(depth: int) -> str:
        opening = "".join("`" * (depth + 3 - i) + "{note}\n" for i in range(depth))
        closing = "".join("`" * (4 + i) + "\n" for i in range(depth))
        return opening + "```{clinician-note}\nSECRET\n```\n" + closing

    client, notes = split_clinician_notes(nested(MAX_DEPTH))
    assert "SECRET" not in client and [n.myst for n in notes] == ["SECRET"]
    assert client.count("{note}") == MAX_DEPTH
    client, notes = split_clinician_notes(nested(MAX_DEPTH + 5))
    assert "SECRET" not in client and client.count("{note}") == MAX_DEPTH  # the 21st and below go whole
    # options on every level: each level is read twice, without the work doubling
    many = "".join(":" * (60 - i) + "{note}\n:class: x\n" for i in range(MAX_DEPTH)) + \
        "```{clinician-note}\nSECRET\n```\n" + "".join(":" * (41 + i) + "\n" for i in range(MAX_DEPTH))
    client, notes = split_clinician_notes(many)
    assert "SECRET" not in client and len(notes) == 1


def test_the_rich_text_renderer_never_shows_a_note() -> None:
    from skillbook.reading.richtext import render_body

    rendered = render_body("Text\n\n:::{tip}\n```{clinician-note}\nSECRET\n```\n:::\n", source_path="content/x.md")
    assert "SECRET" not in rendered.html and "SECRET" not in rendered.text


def test_a_notebook_cell_loses_its_nested_notes_in_the_client_edition() -> None:
    import nbformat

    from skillbook.site.extension import read_notebook

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("---\ntitle: A page\n---\nText"),
                      nbformat.v4.new_markdown_cell("::::{dropdown} More\nText\n\n:::{clinician-note}\nSECRET\n"
                                                    ":::\n::::\n")]
    client = read_notebook(nbformat.writes(notebook), "client")
    assert "SECRET" not in "".join(cell.source for cell in client.cells)
    clinician = read_notebook(nbformat.writes(notebook), "clinician")
    assert "SECRET" in "".join(cell.source for cell in clinician.cells)


def test_a_page_is_never_shown_inside_another_as_text() -> None:
    from skillbook.reading.allowlist import DIRECTIVES

    argument = DIRECTIVES["literalinclude"].argument
    assert argument is not None
    assert not {".md", ".ipynb", ".myst", ".rst"} & set(argument.suffixes)
    assert "{include}" in DIRECTIVES["literalinclude"].purpose


# ---------------------------------------------------------------------------------- the built editions

# every nesting, with a marker word of its own (the search index is lowercased: markers are checked so)
SKILL_NOTES = """
````{admonition} For the group
Some text for readers.

```{clinician-note} Admonition title
Quokka-admonition teaching point.
```
````

::::{dropdown} More
Read on.

:::{Clinician-Note}
Quokka-dropdown teaching point.
:::
::::

::::{tab-set}
:::{tab-item} First
Read this.

```   {clinician-note}   Spaced title
Quokka-tab teaching point.
```
:::
::::

`````{tip}
````{topic} Deeper
```{CLINICIAN-NOTE}
Quokka-deep teaching point.
```
````
`````

````{code-block} markdown
```{clinician-note}
Wombat-example: how a note is written, shown as code.
```
````

```{include} ../../_partial.md
```
"""
PARTIAL = "Shared words for several pages.\n\n:::{note}\n```{clinician-note}\nQuokka-partial point.\n```\n:::\n"
HOMEWORK_NOTES = """
::::{important}
Take your time.

:::{clinician-note}
Quokka-worksheet teaching point.
:::
::::

```{include} ../_partial.md
```
"""
NOTEBOOK_NOTE = """
````{admonition} Notebook box
Text.

```{clinician-note}
Quokka-notebook teaching point.
```
````
"""
MARKERS = ("admonition", "dropdown", "tab", "deep", "partial", "worksheet", "notebook")
SKILL_MARKERS = ("Quokka-admonition", "Quokka-dropdown", "Quokka-tab", "Quokka-deep")


def skillbook(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The `skillbook` command as CI runs it: `-P`, so nothing is imported from the project folder."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    return subprocess.run([sys.executable, "-P", "-m", "skillbook", *args], cwd=cwd, capture_output=True,
                          text=True, env=env, timeout=600)


def editions_project(root: Path) -> Path:
    import nbformat

    front, body = SKILL.split("\n---\n", 1)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell(front.replace("sample-skill", "nb-skill").replace("Sample skill", "NB skill")
                                      + "\n---"),
        nbformat.v4.new_markdown_cell(body + NOTE.replace("Xylophonequail", "Quokkanotebook")),
        nbformat.v4.new_markdown_cell(NOTEBOOK_NOTE),
        # a code block in a cell of its own (one left open is refused: `notebook-open-block`), then a note
        nbformat.v4.new_markdown_cell("````text\nan example code block\n````"),
        nbformat.v4.new_markdown_cell("```{clinician-note}\nQuokka-cell teaching point.\n```"),
    ]
    return write_project(root, {
        "content/skills/test-module/sample-skill.md": SKILL_WITH_NOTE.replace("A short body.\n",
                                                                              "A short body.\n" + SKILL_NOTES),
        "content/homework/sample-worksheet.md": HOMEWORK.replace("Fill it in.\n", "Fill it in.\n" + HOMEWORK_NOTES),
        "content/_partial.md": PARTIAL,
        "content/skills/test-module/_note.md": NOTE.replace("Xylophonequail", "Quokkainclude"),
        "content/skills/test-module/nb-skill.ipynb": nbformat.writes(notebook),
        "content/skills/test-module/index.md": MODULE + "\n```{include} _note.md\n```\n",
        "_toc.yml": TOC.replace("          - file: content/skills/test-module/sample-skill\n",
                                "          - file: content/skills/test-module/sample-skill\n"
                                "          - file: content/skills/test-module/nb-skill\n"),
    })


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One project with every kind of note, built in both editions: its `build/` folder."""
    root = editions_project(tmp_path_factory.mktemp("editions") / "project")
    for edition in ("client", "clinician"):
        result = skillbook("build", "--edition", edition, cwd=root)
        assert result.returncode == 0, result.stdout + result.stderr
    yield root / "build"


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() or "" for page in PdfReader(path).pages)


def client_files(build: Path) -> Iterator[Path]:
    clinician = build / "clinician"
    for path in sorted(build.rglob("*")):
        if path.is_file() and clinician not in path.parents and ".cache" not in path.parts:
            yield path


@pytest.mark.slow
def test_no_client_output_holds_a_note(editions: Path) -> None:
    checked = 0
    for path in client_files(editions):
        data = path.read_bytes().lower()
        assert b"quokka" not in data and b"xylophonequail" not in data, path
        if path.suffix == ".pdf":  # its text is compressed: read as a reader would
            text = pdf_text(path).lower()
            assert "quokka" not in text and "xylophonequail" not in text, path
            checked += 1
    assert checked >= 2  # the worksheet and the pocket cards at least


@pytest.mark.slow
def test_each_client_surface_was_built_without_the_notes(editions: Path) -> None:
    site = editions / "site" / "content"
    page = (site / "skills/test-module/sample-skill.html").read_text(encoding="utf-8")
    assert "Some text for readers" in page and "Read this." in page and "Shared words" in page
    assert "Wombat-example" in page  # a note written as code is an example, shown as code
    assert "Take your time" in (site / "homework/sample-worksheet.html").read_text(encoding="utf-8")
    assert "Quokka" not in (site / "skills/test-module/nb-skill.html").read_text(encoding="utf-8")
    bundle = editions / "bundle"
    for name in ("skills/sample-skill.json", "skills/nb-skill.json", "homework/sample-worksheet.json",
                 "fhir/Questionnaire-sample-worksheet.json"):
        document = (bundle / name).read_text(encoding="utf-8")
        assert "Quokka" not in document and "clinician_notes" not in document, name
    questionnaire = json.loads((bundle / "fhir/Questionnaire-sample-worksheet.json").read_text(encoding="utf-8"))
    assert "Take your time" in json.dumps(questionnaire)  # the instructions are there, without the note
    paper = pdf_text(editions / "worksheets" / "sample-worksheet.pdf")
    assert "Take your time" in paper and "Quokka" not in paper


@pytest.mark.slow
def test_the_clinician_edition_has_every_note(editions: Path) -> None:
    clinician = editions / "clinician"
    site = clinician / "site" / "content"
    page = (site / "skills/test-module/sample-skill.html").read_text(encoding="utf-8")
    assert "For clinicians" in page
    for marker in (*SKILL_MARKERS, "Quokka-partial", "Xylophonequail"):
        assert marker in page, marker
    assert "Quokkainclude" in (site / "skills/test-module/index.html").read_text(encoding="utf-8")
    notebook_page = (site / "skills/test-module/nb-skill.html").read_text(encoding="utf-8")
    for marker in ("Quokkanotebook", "Quokka-notebook", "Quokka-cell"):
        assert marker in notebook_page, marker
    assert "Quokka-worksheet" in (site / "homework/sample-worksheet.html").read_text(encoding="utf-8")
    assert "xylophonequail" in (clinician / "site" / "skillbook-search.json").read_text(encoding="utf-8")

    skill = json.loads((clinician / "bundle/skills/sample-skill.json").read_text(encoding="utf-8"))
    notes = skill["clinician_notes"]
    assert {n["audience"] for n in notes} == {"clinician"}
    for marker in (*SKILL_MARKERS, "Xylophonequail"):
        assert sum(marker in n["text"] for n in notes) == 1, marker
    assert {"Admonition title", "Spaced title"} <= {n.get("title") for n in notes}
    assert "Quokka" not in skill["body"]["myst"] and "Xylophonequail" not in skill["body"]["myst"]
    assert "Wombat-example" in skill["body"]["myst"]
    nb_skill = json.loads((clinician / "bundle/skills/nb-skill.json").read_text(encoding="utf-8"))
    for marker in ("Quokka-notebook", "Quokka-cell"):
        assert any(marker in n["text"] for n in nb_skill["clinician_notes"]), marker
    homework = json.loads((clinician / "bundle/homework/sample-worksheet.json").read_text(encoding="utf-8"))
    assert any("Quokka-worksheet" in n["text"] for n in homework["clinician_notes"])
    from skillbook.bundle import load

    assert load(clinician / "bundle").skills  # hashes and schemas hold for the clinician bundle too


# ----------------------------------------------------------------------------- the Sphinx side alone

SLICED = """\
Words before.

````text
```{clinician-note}
Quokka-sliced point: MyST reads this as a note once the include starts after `text`.
```
````
"""


@pytest.mark.slow
def test_the_sphinx_side_refuses_a_page_shown_as_text_and_never_renders_a_note(tmp_path: Path) -> None:
    """Without validate's findings: `{literalinclude}` of a page is refused by the gate, and a note
    the split could not see (an include that starts in the middle of a code block) renders nothing and
    fails the client build."""
    from skillbook.checking.validate import validate
    from skillbook.reading.project import load_project
    from skillbook.site.render import render_site

    root = write_project(tmp_path / "project", {
        "content/skills/test-module/sample-skill.md": SKILL_WITH_NOTE.replace("Xylophonequail", "Quokka-page"),
        "content/shown.md": "# Shown\n\n```{literalinclude} skills/test-module/sample-skill.md\n```\n",
        "content/_sliced.md": SLICED,
        "content/sliced.md": "# Sliced\n\n```{include} _sliced.md\n:start-after: ````text\n```\n",
        "_toc.yml": TOC.replace("      - file: content/crisis\n", "      - file: content/crisis\n"
                                "      - file: content/shown\n      - file: content/sliced\n"),
    })
    project = load_project(root)
    result = validate(project)
    assert [(i.path, i.rule) for i in result.errors] == [("content/shown.md", "file-type")]
    blind = dataclasses.replace(result, issues=())
    _site, issues = render_site(project, blind, tmp_path / "html", cache_dir=tmp_path / "cache")
    found = {(issue.path, issue.rule) for issue in issues}
    assert ("content/shown.md", "file-type") in found, issues
    assert ("content/sliced.md", "clinician-note") in found, issues
    for path in (tmp_path / "html").rglob("*"):
        if path.is_file():
            assert b"quokka" not in path.read_bytes().lower(), path
