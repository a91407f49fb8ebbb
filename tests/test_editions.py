"""Clinician notes: shown in the clinician edition, absent from every client output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SKILL, write_project
from skillbook.reading.editions import split_clinician_notes

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


@pytest.mark.slow
def test_client_outputs_never_contain_notes_and_the_clinician_edition_shows_them(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", {"content/skills/test-module/sample-skill.md": SKILL_WITH_NOTE})
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    for edition in ("client", "clinician"):
        result = subprocess.run([sys.executable, "-m", "skillbook", "build", "--edition", edition], cwd=root,
                                capture_output=True, text=True, env=env, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
    client, clinician = root / "build", root / "build" / "clinician"
    for path in client.rglob("*"):
        if path.is_file() and clinician not in path.parents and ".cache" not in path.parts:
            assert b"xylophonequail" not in path.read_bytes().lower(), path  # the search index is lowercased
    page = (clinician / "site/content/skills/test-module/sample-skill.html").read_text(encoding="utf-8")
    assert "For clinicians" in page and "Xylophonequail" in page
    assert "xylophonequail" in (clinician / "site" / "skillbook-search.json").read_text(encoding="utf-8")
    skill = json.loads((clinician / "bundle/skills/sample-skill.json").read_text(encoding="utf-8"))
    assert [n["audience"] for n in skill["clinician_notes"]] == ["clinician"]
    assert "Xylophonequail" in skill["clinician_notes"][0]["text"]
    assert "Xylophonequail" not in skill["body"]["myst"]
    client_skill = json.loads((client / "bundle/skills/sample-skill.json").read_text(encoding="utf-8"))
    assert "clinician_notes" not in client_skill
    from skillbook.bundle import load

    assert load(clinician / "bundle").skills  # hashes and schemas hold for the clinician bundle too


@pytest.mark.slow
def test_notes_in_notebooks_and_included_files_stay_out_of_the_client_site(tmp_path: Path) -> None:
    import nbformat

    front, body = SKILL.split("\n---\n", 1)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell(front.replace("sample-skill", "nb-skill").replace("Sample skill", "NB skill")
                                      + "\n---"),
        nbformat.v4.new_markdown_cell(body + NOTE.replace("Xylophonequail", "Quokkanotebook")),
    ]
    partial = NOTE.replace("Xylophonequail", "Quokkainclude")
    from conftest import TOC

    root = write_project(tmp_path / "project", {
        "content/skills/test-module/nb-skill.ipynb": nbformat.writes(notebook),
        "content/skills/test-module/_note.md": partial,
        "content/skills/test-module/sample-skill.md": SKILL.replace("A short body.",
                                                                    "A short body.\n\n```{include} _note.md\n```\n"),
        "_toc.yml": TOC.replace("          - file: content/skills/test-module/sample-skill\n",
                                "          - file: content/skills/test-module/sample-skill\n"
                                "          - file: content/skills/test-module/nb-skill\n"),
    })
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    for edition in ("client", "clinician"):
        result = subprocess.run([sys.executable, "-m", "skillbook", "build", "--edition", edition, "--only", "site"],
                                cwd=root, capture_output=True, text=True, env=env, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
    for path in (root / "build" / "site").rglob("*"):
        if path.is_file():
            data = path.read_bytes().lower()
            assert b"quokkanotebook" not in data and b"quokkainclude" not in data, path
    clinician = root / "build" / "clinician" / "site" / "content" / "skills" / "test-module"
    assert "Quokkanotebook" in (clinician / "nb-skill.html").read_text(encoding="utf-8")
    assert "Quokkainclude" in (clinician / "sample-skill.html").read_text(encoding="utf-8")
