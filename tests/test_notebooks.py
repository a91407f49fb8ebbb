"""Notebooks: front matter in the first Markdown cell, problems reported at .ipynb file lines."""

from __future__ import annotations

import nbformat

from conftest import SKILL, MakeProject
from skillbook.checking.validate import validate
from skillbook.reading.project import load_project


def _notebook(front_matter: str, *cells: nbformat.NotebookNode) -> str:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(front_matter), *cells]
    return nbformat.writes(notebook)


def _skill_parts() -> tuple[str, str]:
    front, body = SKILL.split("\n---\n", 1)
    return front + "\n---", body


def test_a_notebook_skill_validates(make_project: MakeProject) -> None:
    front, body = _skill_parts()
    text = _notebook(front.replace("status: published", "status: draft").replace("sample-skill", "nb-skill"),
                     nbformat.v4.new_markdown_cell(body))
    root = make_project({"content/skills/test-module/nb-skill.ipynb": text})
    result = validate(load_project(root))
    assert result.issues == ()
    assert {s.id for s in result.handbook.skills} == {"sample-skill", "nb-skill"}


def test_notebook_problems_point_at_lines_of_the_ipynb_file(make_project: MakeProject) -> None:
    front, body = _skill_parts()
    front = front.replace("status: published", "status: draft").replace("sample-skill", "nb-skill")
    front = front.replace("level: core", "level: expert")
    text = _notebook(front, nbformat.v4.new_markdown_cell(body + "\n<div>raw</div>\n"),
                     nbformat.v4.new_code_cell("import os"))
    root = make_project({"content/skills/test-module/nb-skill.ipynb": text})
    issues = validate(load_project(root)).issues
    file_lines = text.splitlines()
    by_rule = {i.rule: i for i in issues}
    assert set(by_rule) == {"allowed", "raw-html", "notebook-code-cell"}
    assert "level: expert" in file_lines[by_rule["allowed"].line - 1]
    assert "<div>raw</div>" in file_lines[by_rule["raw-html"].line - 1]
    assert "import os" in file_lines[by_rule["notebook-code-cell"].line - 1]


def test_a_notebook_without_front_matter_or_valid_json(make_project: MakeProject) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("Just text")]
    root = make_project({
        "content/skills/test-module/no-front.ipynb": nbformat.writes(notebook),
        "content/skills/test-module/broken.ipynb": '{\n "cells": [\n',
    })
    issues = {(i.path.rsplit("/", 1)[1], i.rule, i.line) for i in validate(load_project(root)).issues}
    assert ("no-front.ipynb", "front-matter-missing", 1) in issues
    assert ("broken.ipynb", "notebook-invalid", 3) in issues
