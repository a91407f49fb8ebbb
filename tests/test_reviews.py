"""Review governance: `skillbook review` in every format, the overdue notice on the page, the
clinician edition's review-status page, and the `review:` block the errors show."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CONFIG, HOMEWORK, MODULE, SKILL, MakeProject, write_project
from skillbook.checking.reviews import ReviewState, next_due, review_statuses
from skillbook.checking.validate import validate
from skillbook.reading.project import load_project

TODAY = dt.date.today()


def _reviewed(text: str, reviewed_on: dt.date, next_review: dt.date, after: str = "related: []\n") -> str:
    return text.replace(after, f"{after}review:\n  reviewed_by: ['Dr A. Reviewer, DClinPsy']\n"
                                f"  reviewed_on: {reviewed_on.isoformat()}\n  next_review: {next_review.isoformat()}\n",
                        1)


@pytest.fixture
def governed(make_project: MakeProject) -> Path:
    """A module reviewed long ago (overdue), a skill due in a month, a worksheet never reviewed."""
    long_ago = TODAY - dt.timedelta(days=4 * 365)
    return make_project({
        "content/skills/test-module/index.md": _reviewed(MODULE, long_ago, TODAY - dt.timedelta(days=30),
                                                         after="order: 1\n"),
        "content/skills/test-module/sample-skill.md": _reviewed(SKILL, TODAY - dt.timedelta(days=1000),
                                                                TODAY + dt.timedelta(days=30)),
        "content/homework/sample-worksheet.md": HOMEWORK,
    })


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-P", "-m", "skillbook", "review", *args], cwd=root, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=120)


def test_the_review_list_puts_the_most_urgent_first(governed: Path) -> None:
    result = validate(load_project(governed))
    rows = review_statuses(result.handbook, TODAY)
    assert [(r.id, r.state) for r in rows] == [("test-module", ReviewState.OVERDUE),
                                               ("sample-worksheet", ReviewState.UNREVIEWED),
                                               ("sample-skill", ReviewState.DUE)]
    assert [r.state for r in review_statuses(result.handbook, TODAY, within=10)][-1] is ReviewState.CURRENT


def test_review_as_text(governed: Path) -> None:
    result = run(governed)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.index("overdue (1)") < out.index("never clinically reviewed (1)") < out.index("due within 90 days (1)")
    assert "  module    Test module: was due " in out and "(30 days ago)" in out
    assert "  worksheet Sample worksheet: no review recorded  content/homework/sample-worksheet.md" in out
    assert "  skill     Sample skill: due " in out and "(in 30 days)" in out
    assert "3 published item(s): 1 overdue, 1 never reviewed, 1 due within 90 days, 0 current" in result.stderr
    assert run(governed, "--strict").returncode == 1  # an overdue review fails a strict run
    assert "due within 10 days (0)" in run(governed, "--within", "10").stdout


def test_review_as_json(governed: Path) -> None:
    result = run(governed, "--format", "json")
    assert result.returncode == 0 and result.stderr == ""
    report = json.loads(result.stdout)
    assert report["counts"] == {"overdue": 1, "unreviewed": 1, "due": 1, "current": 0}
    first = report["items"][0]
    assert first["kind"] == "module" and first["state"] == "overdue" and first["days_left"] == -30
    assert first["reviewed_by"] == ["Dr A. Reviewer, DClinPsy"] and first["path"].endswith("index.md")
    assert report["items"][1]["reviewed_on"] is None


def test_review_as_github_annotations(governed: Path) -> None:
    out = run(governed, "--format", "github").stdout.splitlines()
    assert out[0].startswith("::warning file=content/skills/test-module/index.md,line=")
    assert "title=skillbook review overdue::Test module: was due" in out[0]
    assert out[1].startswith("::notice file=content/homework/sample-worksheet.md,line=5,")
    assert len(out) == 3 and "GITHUB_ACTIONS" not in out[2]
    lines = (governed / "content/skills/test-module/index.md").read_text(encoding="utf-8").splitlines()
    line = int(out[0].split("line=")[1].split(",")[0])
    assert lines[line - 1].strip().startswith("next_review:")  # the annotation points at the due date


def test_an_overdue_page_says_so_where_its_review_date_is_shown(governed: Path) -> None:
    from skillbook.site.cards import review_footer

    handbook = validate(load_project(governed)).handbook
    module = handbook.modules[0]
    overdue = review_footer(module, TODAY).astext()
    assert "Review overdue." in overdue and "has not happened yet" in overdue and "Next review due" not in overdue
    before = review_footer(module, TODAY - dt.timedelta(days=60)).astext()  # the same page before its due date
    assert "Review overdue." not in before and "Next review due" in before


def test_require_review_errors_show_the_block_to_add(make_project: MakeProject) -> None:
    root = make_project({"_config.yml": CONFIG.replace("skillbook:\n", "skillbook:\n  require_review: true\n")})
    result = subprocess.run([sys.executable, "-P", "-m", "skillbook", "validate"], cwd=root, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1
    block = (f"`review: {{reviewed_by: [Name and credential], reviewed_on: {TODAY.isoformat()}, "
             f"next_review: {next_due(TODAY).isoformat()}}}`")
    assert block in result.stdout, result.stdout


@pytest.mark.slow
def test_the_clinician_edition_has_a_review_status_page(tmp_path: Path) -> None:
    long_ago = TODAY - dt.timedelta(days=4 * 365)
    root = write_project(tmp_path / "project", {
        "content/skills/test-module/sample-skill.md": _reviewed(SKILL, long_ago, TODAY - dt.timedelta(days=3))})
    for edition in ("clinician", "client"):
        built = subprocess.run([sys.executable, "-P", "-m", "skillbook", "build", "--edition", edition,
                                "--only", "site"], cwd=root, capture_output=True, text=True, timeout=600)
        assert built.returncode == 0, built.stdout + built.stderr
    page = (root / "build/clinician/site/review-status.html").read_text(encoding="utf-8")
    assert "Clinical review status" in page and "Overdue (1)" in page and "Never clinically reviewed (2)" in page
    assert 'href="content/skills/test-module/sample-skill.html">Sample skill</a>' in page
    assert 'href="../review-status.html">Review status</a>' in (root / "build/clinician/site/content/index.html"
                                                                ).read_text(encoding="utf-8")
    assert not (root / "build/site/review-status.html").exists()  # clients do not get the governance page
    skill = (root / "build/site/content/skills/test-module/sample-skill.html").read_text(encoding="utf-8")
    assert "Review overdue." in skill
