"""`skillbook publish ID`: the status and the table of contents in one step, or nothing changed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import SKILL, MakeProject
from skillbook.checking.validate import validate
from skillbook.reading.project import load_project

DRAFT = (SKILL.replace("id: sample-skill", "id: grounding").replace("title: Sample skill", "title: Grounding")
         .replace("status: published", "status: draft  # not finished yet").replace("worksheets: [sample-worksheet]\n",
                                                                                  ""))
PATH = "content/skills/test-module/grounding.md"


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-P", "-m", "skillbook", *args], cwd=root, capture_output=True, text=True,
                          timeout=300)


def test_publish_sets_the_status_and_lists_the_page(make_project: MakeProject) -> None:
    root = make_project({PATH: DRAFT.replace("\n", "\r\n")})
    before = run(root, "validate")
    assert before.returncode == 0 and "1 draft(s) not published: `grounding` (skill)" in before.stderr
    result = run(root, "publish", "grounding")
    assert result.returncode == 0, result.stdout + result.stderr
    assert ("published skill `grounding`: content/skills/test-module/grounding.md now says `status: published` "
            "(was draft); _toc.yml lists it") in result.stderr
    text = (root / PATH).read_bytes().decode()
    # only the status changed: the comment, the CRLF line ends and every other line are as written
    assert text == DRAFT.replace("\n", "\r\n").replace("status: draft  #", "status: published  #")
    assert "file: content/skills/test-module/grounding" in (root / "_toc.yml").read_text(encoding="utf-8")
    after = validate(load_project(root))
    assert after.ok and "grounding" in {s.id for s in after.handbook.skills if s.is_published}
    again = run(root, "publish", "grounding")
    assert again.returncode == 0 and "already published" in again.stderr


def test_publish_changes_nothing_when_the_page_is_not_ready(make_project: MakeProject) -> None:
    """A draft that links a draft worksheet cannot be published alone: the file stays as it was."""
    homework = (Path(__file__).parent / "fixtures/valid/all-field-types.md").read_text(encoding="utf-8")
    draft = DRAFT.replace("related: []\n", "related: []\nworksheets: [all-field-types]\n")
    root = make_project({PATH: draft, "content/homework/all-field-types.md": homework})
    toc = (root / "_toc.yml").read_text(encoding="utf-8")
    result = run(root, "publish", "grounding")
    assert result.returncode == 1
    assert "error[links-unpublished]: published skill points at draft worksheet `all-field-types`" in result.stdout
    assert "not published" in result.stderr and "nothing was changed" in result.stderr
    assert (root / PATH).read_text(encoding="utf-8") == draft and (root / "_toc.yml").read_text() == toc
    both = run(root, "publish", "grounding", "all-field-types")  # the skill and its worksheet together
    assert both.returncode == 0, both.stdout + both.stderr
    assert "published skill `grounding`" in both.stderr and "published worksheet `all-field-types`" in both.stderr
    assert validate(load_project(root)).ok


def test_publish_names_an_unknown_id(make_project: MakeProject) -> None:
    result = run(make_project(), "publish", "groundng")
    assert result.returncode == 2 and "no skill, worksheet or module has the id `groundng`" in result.stderr
    assert "Traceback" not in result.stderr


def test_build_says_which_drafts_it_left_out(make_project: MakeProject) -> None:
    root = make_project({PATH: DRAFT})
    result = run(root, "build", "--only", "bundle")
    assert result.returncode == 0, result.stderr
    assert "skillbook: 1 draft(s) left out: `grounding` (skill); publish one with `skillbook publish ID`" \
        in result.stderr
