"""The command line as a user runs it: real processes, exit codes, output formats, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MakeProject


def run(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    environment = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-P", "-m", "skillbook", *args], cwd=cwd, capture_output=True, text=True,
                          env=environment, timeout=120)


BROKEN_SKILL = """\
---
id: sample-skill
title: Sample skill
summary: A skill used by the tests.
status: publishd
version: 1.0
updated: 2026-01-15
authors: [Test Author]
module: test-module
level: core
practice_minutes: 5
steps:
  - name: Notice
when_to_use: [x]
tags: {emotions: [angry]}
---

<b>bold</b>

## Everyday example

## Common obstacles

## Practice
"""


def test_version() -> None:
    result = run(Path.cwd(), "--version")
    assert result.returncode == 0
    assert result.stdout.startswith("skillbook, version ")


def test_valid_project_exits_0_from_a_subfolder(make_project: MakeProject) -> None:
    root = make_project()
    result = run(root / "content" / "skills", "validate")
    assert (result.returncode, result.stdout) == (0, "")
    assert "no problems" in result.stderr


def test_all_problems_of_all_files_are_reported(make_project: MakeProject) -> None:
    root = make_project({
        "content/skills/test-module/sample-skill.md": BROKEN_SKILL,
        "content/homework/sample-worksheet.md": "---\nid: [unclosed\n---\n",
    })
    result = run(root, "validate")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    out = result.stdout
    skill = "content/skills/test-module/sample-skill.md"
    for expected in (f"{skill}:5:9: error[allowed]: `status`: `publishd` is not allowed",
                     f"{skill}:6:10: error[type]: `version` must be text, not `1.0`",
                     f"{skill}:13:5: error[required]: missing required field `prompt` in the 1st step",
                     f"{skill}:15:19: error[vocabulary]: the 1st emotion: `angry` is not one of the emotions; it is an "
                     "everyday word for `anger`",
                     f"{skill}:18:1: error[raw-html]",
                     "content/homework/sample-worksheet.md:2:1: error[yaml-syntax]: YAML syntax error: the `[` opened "
                     "in `id: [unclosed` is never closed"):
        assert expected in out, out
    assert "hint: did you mean `published`?" in out
    assert 'hint: put the value in quotes, e.g. version: "1.0"' in out
    assert "error(s)" in result.stderr


def test_json_and_github_formats(make_project: MakeProject) -> None:
    root = make_project({"content/skills/test-module/sample-skill.md": BROKEN_SKILL})
    as_json = run(root, "validate", "--format", "json")
    report = json.loads(as_json.stdout)
    assert as_json.returncode == 1 and report["ok"] is False and report["errors"] == len(report["issues"])
    assert {"path", "line", "column", "rule", "severity", "message", "hint"} <= set(report["issues"][0])
    github = run(root, "validate", env={"GITHUB_ACTIONS": "true"})
    assert github.returncode == 1
    assert github.stdout.startswith("::error file=content/skills/test-module/sample-skill.md,line=")
    assert "title=skillbook allowed::" in github.stdout


def test_overdue_review_is_a_warning_and_an_error_with_strict(make_project: MakeProject) -> None:
    from conftest import SKILL

    reviewed = SKILL.replace("module: test-module\n", "module: test-module\nreview:\n  reviewed_by: [A. Reviewer]\n"
                             "  reviewed_on: 2020-01-01\n  next_review: 2021-01-01\n")
    root = make_project({"content/skills/test-module/sample-skill.md": reviewed})
    lenient = run(root, "validate")
    assert lenient.returncode == 0 and "warning[review-overdue]" in lenient.stdout
    strict = run(root, "validate", "--strict")
    assert strict.returncode == 1 and "error[review-overdue]" in strict.stdout


def test_require_review_refuses_unreviewed_published_pages(make_project: MakeProject) -> None:
    from conftest import CONFIG

    root = make_project({"_config.yml": CONFIG.replace("skillbook:\n", "skillbook:\n  require_review: true\n")})
    result = run(root, "validate")
    assert result.returncode == 1
    assert result.stdout.count("error[review-required]") == 3  # module, skill and worksheet


def test_outside_a_project_is_a_usage_error(tmp_path: Path) -> None:
    result = run(tmp_path, "validate")
    assert result.returncode == 2
    assert "no _config.yml found" in result.stderr and "Traceback" not in result.stderr


def test_broken_config_is_a_configuration_error(make_project: MakeProject) -> None:
    root = make_project({"_config.yml": "title: x\nskillbook:\n  version: one\n"})
    result = run(root, "validate")
    assert result.returncode == 2
    assert "_config.yml:3:12: `one` is not a SemVer version" in result.stderr
    assert "(in _config.yml: skillbook.version)" in result.stderr


@pytest.mark.parametrize("setting, message", [
    ("base_url: http://example.org", "_config.yml:4:13: `http://example.org` must be an https:// address"),
    ("jurisdiction: [GB, gb]", "_config.yml:4:22: `gb` must be a two-letter country code (ISO 3166-1)"),
    ("jurisdiction: [UK]", "_config.yml:4:18: `UK` is not an ISO 3166-1 code: the United Kingdom's is GB"),
])
def test_form_identity_settings_are_checked(setting: str, message: str, make_project: MakeProject) -> None:
    root = make_project({"_config.yml": f"title: x\nskillbook:\n  version: 1.0.0\n  {setting}\n"})
    result = run(root, "validate")
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


def test_unknown_option_is_a_usage_error(make_project: MakeProject) -> None:
    result = run(make_project(), "validate", "--format", "xml")
    assert result.returncode == 2 and "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["skill", "worksheet"])
def test_new_then_toc_write_validates_unchanged(kind: str, make_project: MakeProject) -> None:
    root = make_project()
    created = run(root, "new", kind, "my-new-item", "--module", "test-module")
    assert created.returncode == 0, created.stderr
    folder = "content/skills/test-module" if kind == "skill" else "content/homework"
    path = root / folder / "my-new-item.md"
    before = path.read_text(encoding="utf-8")
    assert "status: draft" in before
    assert run(root, "toc", "--write").returncode == 0
    result = run(root, "validate", "--strict")
    assert (result.returncode, result.stdout) == (0, ""), result.stdout
    assert path.read_text(encoding="utf-8") == before
    # publishing it, then regenerating the toc, lists it
    path.write_text(before.replace("status: draft", "status: published"), encoding="utf-8")
    assert run(root, "validate").returncode == 1  # not yet listed in _toc.yml
    assert run(root, "toc", "--write").returncode == 0
    assert path.relative_to(root).with_suffix("").as_posix() in (root / "_toc.yml").read_text()
    final = run(root, "validate", "--strict")
    assert (final.returncode, final.stdout) == (0, ""), final.stdout


def test_new_refuses_bad_ids_unknown_modules_and_existing_files(make_project: MakeProject) -> None:
    root = make_project()
    assert run(root, "new", "skill", "Bad Id", "--module", "test-module").returncode == 2
    unknown = run(root, "new", "skill", "ok-id", "--module", "nope")
    assert unknown.returncode == 2 and "known modules: test-module" in unknown.stderr
    exists = run(root, "new", "skill", "sample-skill", "--module", "test-module")
    assert exists.returncode == 2 and "already exists" in exists.stderr


def test_toc_prints_modules_in_order_and_leaves_drafts_out(make_project: MakeProject) -> None:
    from conftest import MODULE

    second = MODULE.replace("test-module", "another").replace("order: 1", "order: 0".replace("0", "2"))
    root = make_project({
        "content/skills/another/index.md": second,
        "content/skills/another/draft-skill.md": None,
    })
    printed = run(root, "toc")
    assert printed.returncode == 0
    text = printed.stdout
    assert text.index("content/skills/test-module/index") < text.index("content/skills/another/index")
    assert "content/skills/test-module/sample-skill" in text
    assert "content/homework/sample-worksheet" in text


def test_a_named_pipe_among_the_content_is_reported_and_never_read(make_project: MakeProject) -> None:
    """Reading a pipe blocks until someone writes to it: validate names it instead, and build refuses."""
    import os

    root = make_project()
    os.mkfifo(root / "content" / "notes.md")
    for command in (["validate"], ["build", "--only", "bundle"]):
        result = run(root, *command)  # a read would hang until the timeout
        assert result.returncode == 1, result.stdout + result.stderr
        assert "content/notes.md:1:1: error[not-a-file]" in result.stdout
        assert "Traceback" not in result.stdout + result.stderr
