"""`diff_bundles` and `skillbook bundle diff`: what changed between two releases and the SemVer level it needs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import CONFIG, HOMEWORK, SKILL
from skillbook.bundle import FORMAT_VERSION, Level, diff_bundles, load, version_bump
from test_bundle import build

EXTRA_SKILL = SKILL.replace("id: sample-skill", "id: extra-skill") \
    .replace("title: Sample skill", "title: Extra skill").replace("worksheets: [sample-worksheet]", "worksheets: []")
MOOD_LOG = HOMEWORK.replace("id: sample-worksheet", "id: mood-log") \
    .replace("title: Sample worksheet", "title: Mood log").replace("    required: true\n---", """\
    required: true
  - id: mood
    label: Mood
    type: rating
    required: false
    min: 0
    max: 5
    anchors: {0: Low, 5: High}
  - id: where
    label: Where were you?
    type: choice
    required: false
    options: [{id: home, label: Home}, {id: work, label: Work}, {label: Somewhere calm, id: calm}]
  - id: note
    label: Anything else?
    type: text
    required: false
  - id: week
    label: This week
    type: grid
    required: false
    columns: [{id: mon, label: Mon}, {id: tue, label: Tue}, {id: wed, label: Wed}]
    rows:
      - {id: urge, label: Urge, type: rating, min: 0, max: 5}
      - {id: slept, label: Slept well, type: yes_no}
---""")
RETIRED_LOG = HOMEWORK.replace("id: sample-worksheet", "id: old-log") \
    .replace("title: Sample worksheet", "title: Old log").replace("status: published", "status: retired")
BASE: dict[str, str | bytes | None] = {
    "content/skills/test-module/extra-skill.md": EXTRA_SKILL,
    "content/homework/mood-log.md": MOOD_LOG,
    "content/homework/old-log.md": RETIRED_LOG,
}
MOOD = "content/homework/mood-log.md"
EXTRA = "content/skills/test-module/extra-skill.md"
SAMPLE = "content/skills/test-module/sample-skill.md"
MODULE = "content/skills/test-module/index.md"


def edit(path: str, old: str, new: str) -> Callable[[dict[str, str | bytes | None]], None]:
    def apply(files: dict[str, str | bytes | None]) -> None:
        text = files[path]
        assert isinstance(text, str) and old in text, (path, old)
        files[path] = text.replace(old, new, 1)
    return apply


def put(path: str, content: str | None) -> Callable[[dict[str, str | bytes | None]], None]:
    def apply(files: dict[str, str | bytes | None]) -> None:
        files[path] = content
    return apply


def base_files() -> dict[str, str | bytes | None]:
    from conftest import BASE_FILES

    return {**BASE_FILES, **BASE}


CASES: list[tuple[str, Callable[[dict[str, str | bytes | None]], None], Level, str]] = [
    # (what changed, how, the level it needs, a change line the diff must report)
    ("nothing", lambda files: None, Level.NONE, ""),
    ("a new draft only", put("content/skills/test-module/draft.md", SKILL.replace("id: sample-skill", "id: draft")
                             .replace("status: published", "status: draft").replace("worksheets: [sample-worksheet]",
                                                                                    "worksheets: []")),
     Level.NONE, ""),
    ("body text edited", edit(SAMPLE, "A short body.", "A shorter body."), Level.PATCH, "body: text edited"),
    ("title edited", edit(EXTRA, "title: Extra skill", "title: Extra skills"), Level.PATCH, "title: edited"),
    ("summary edited", edit(MODULE, "A module used by the tests.", "A module the tests use."), Level.PATCH,
     "summary: edited"),
    ("step wording edited", edit(SAMPLE, "Notice what is happening.", "Notice what happens."), Level.PATCH,
     "steps: edited notice"),
    ("step renamed, same id", edit(SAMPLE, "name: Notice", "name: Notice it"), Level.PATCH, "steps: edited notice"),
    ("option relabelled, same id", edit(MOOD, "{id: home, label: Home}", "{id: home, label: At home}"), Level.PATCH,
     "fields.where.options: edited home"),
    ("column relabelled, same id", edit(MOOD, "{id: wed, label: Wed}", "{id: wed, label: Wednesday}"), Level.PATCH,
     "fields.week.columns: edited wed"),
    ("review recorded", edit(EXTRA, "related: []", "related: []\nreview: {reviewed_by: [Dr. R], "
                                                   "reviewed_on: 2026-01-10, next_review: 2099-01-01}"),
     Level.PATCH, "review: edited"),
    ("form label edited", edit(MOOD, "label: Mood\n", "label: Your mood\n"), Level.PATCH, "fields.mood.label: edited"),
    ("form help added", edit(MOOD, "label: Mood\n", "label: Mood\n    help: Pick the closest number.\n"),
     Level.PATCH, "fields.mood.help: edited"),
    ("rating anchors edited", edit(MOOD, "{0: Low, 5: High}", "{0: Very low, 5: Very high}"), Level.PATCH,
     "fields.mood.anchors: edited"),
    ("coded option relabelled", edit(MOOD, "label: Somewhere calm, id: calm", "label: A calm place, id: calm"),
     Level.PATCH, "fields.where.options: edited calm"),
    ("skill added", put("content/skills/test-module/new-skill.md",
                        EXTRA_SKILL.replace("id: extra-skill", "id: new-skill")
                        .replace("title: Extra skill", "title: New skill")), Level.MINOR, "skill new-skill: added"),
    ("homework added", put("content/homework/new-log.md",
                           RETIRED_LOG.replace("id: old-log", "id: new-log").replace("title: Old log", "title: New log")
                           .replace("status: retired", "status: published")),
     Level.MINOR, "homework new-log: added"),
    ("retired homework brought back", edit("content/homework/old-log.md", "status: retired", "status: published"),
     Level.MINOR, "homework old-log: unretired"),
    ("optional form field added", edit(MOOD, "  - id: note\n", "  - id: extra\n    label: Extra\n    type: text\n"
                                                               "    required: false\n  - id: note\n"),
     Level.MINOR, "fields.extra: added (minor)"),
    ("option added", edit(MOOD, "{id: work, label: Work},", "{id: work, label: Work}, {id: outside, label: Outside},"),
     Level.MINOR, "fields.where.options: added outside"),
    ("step added", edit(SAMPLE, "    prompt: Notice what is happening.\n",
                        "    prompt: Notice what is happening.\n  - id: breathe\n    name: Breathe\n"
                        "    prompt: Breathe out slowly.\n"), Level.MINOR, "steps: added breathe"),
    ("condition added", edit(MOOD, "    label: Anything else?\n", "    label: Anything else?\n"
                             "    show_if: {field: where, answer: work}\n"), Level.MINOR,
     "fields.note.show_if: added"),
    ("field made optional", edit("content/homework/sample-worksheet.md", "    required: true\n---",
                                 "    required: false\n---"), Level.MINOR, "fields.what: now optional"),
    ("rating range widened", edit(MOOD, "min: 0\n    max: 5\n    anchors", "min: 0\n    max: 7\n    anchors"),
     Level.MINOR, "fields.mood.range: widened [0, 5] -> [0, 7]"),
    ("grid row added", edit(MOOD, "      - {id: slept",
                            "      - {id: calm, label: Calm, type: yes_no}\n      - {id: slept"), Level.MINOR,
     "fields.week.rows.calm: added"),
    ("grid column added", edit(MOOD, "{id: wed, label: Wed}]", "{id: wed, label: Wed}, {id: thu, label: Thu}]"),
     Level.MINOR, "fields.week.columns: added thu"),
    ("fields reordered", lambda files: _reorder(files), Level.MINOR, "fields: reordered"),
    ("tag added", edit(EXTRA, "emotions: [anger]", "emotions: [anger, fear]"), Level.MINOR,
     "tags.emotions: added fear"),
    ("level changed", edit(EXTRA, "level: core", "level: advanced"), Level.MINOR, "level: core -> advanced"),
    ("practice time changed", edit(EXTRA, "practice_minutes: 5", "practice_minutes: 10"), Level.MINOR,
     "practice_minutes: 5 -> 10"),
    ("related skill added", edit(EXTRA, "related: []", "related: [sample-skill]"), Level.MINOR,
     "related: added sample-skill"),
    ("module order changed", edit(MODULE, "order: 1", "order: 2"), Level.MINOR, "order: 1 -> 2"),
    ("skill retired", edit(EXTRA, "status: published", "status: retired"), Level.MAJOR,
     "skill extra-skill: retired (major)"),
    ("skill removed", put(EXTRA, None), Level.MAJOR, "skill extra-skill: removed"),
    ("skill renamed", lambda files: _rename(files), Level.MAJOR, "skill extra-skill-2: renamed from `extra-skill`"),
    ("form field removed", edit(MOOD, "  - id: note\n    label: Anything else?\n    type: text\n    required: false\n",
                                ""), Level.MAJOR, "fields.note: removed"),
    ("form field type changed", edit(MOOD, "label: Anything else?\n    type: text", "label: Anything else?\n"
                                                                                  "    type: long_text"),
     Level.MAJOR, "fields.note: type changed from text to long_text"),
    ("required form field added", edit(MOOD, "  - id: note\n", "  - id: extra\n    label: Extra\n    type: text\n"
                                                               "    required: true\n  - id: note\n"),
     Level.MAJOR, "fields.extra: added (required)"),
    ("field made required", edit(MOOD, "label: Anything else?\n    type: text\n    required: false",
                                 "label: Anything else?\n    type: text\n    required: true"),
     Level.MAJOR, "fields.note: now required"),
    ("option removed", edit(MOOD, "{id: work, label: Work}, ", ""), Level.MAJOR, "fields.where.options: removed work"),
    ("option id changed", edit(MOOD, "{id: home,", "{id: house,"), Level.MAJOR,
     "fields.where.options: removed home"),
    ("step removed", edit(EXTRA, "  - id: notice\n    name: Notice\n    prompt: Notice what is happening.\n",
                          "  - id: observe\n    name: Notice\n    prompt: Notice what is happening.\n"), Level.MAJOR,
     "steps: removed notice"),
    ("rating range narrowed", edit(MOOD, "max: 5\n    anchors: {0: Low, 5: High}",
                                   "max: 4\n    anchors: {0: Low, 4: High}"), Level.MAJOR,
     "fields.mood.range: narrowed [0, 5] -> [0, 4]"),
    ("grid row removed", edit(MOOD, "      - {id: slept, label: Slept well, type: yes_no}\n", ""), Level.MAJOR,
     "fields.week.rows.slept: removed"),
    ("grid row type changed", edit(MOOD, "{id: slept, label: Slept well, type: yes_no}",
                                   "{id: slept, label: Slept well, type: text}"), Level.MAJOR,
     "fields.week.rows.slept: type changed from yes_no to text"),
    ("grid column removed", edit(MOOD, ", {id: wed, label: Wed}]", "]"), Level.MAJOR,
     "fields.week.columns: removed wed"),
]


def _reorder(files: dict[str, str | bytes | None]) -> None:
    note = "  - id: note\n    label: Anything else?\n    type: text\n    required: false\n"
    edit(MOOD, note, "")(files)
    edit(MOOD, "  - id: mood\n", note + "  - id: mood\n")(files)


def _rename(files: dict[str, str | bytes | None]) -> None:
    text = files[EXTRA]
    assert isinstance(text, str)
    files[EXTRA] = None
    files["content/skills/test-module/extra-skill-2.md"] = text.replace("id: extra-skill", "id: extra-skill-2")


@pytest.fixture(scope="module")
def old_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("old") / "project", BASE)


@pytest.mark.parametrize("what, change, level, reported", CASES, ids=[c[0] for c in CASES])
def test_diff_classification(what: str, change: Callable[[dict[str, str | bytes | None]], None], level: Level,
                             reported: str, old_bundle: Path, tmp_path: Path) -> None:
    files = base_files()
    change(files)
    new = build(tmp_path / "project", files)
    result = diff_bundles(load(old_bundle), load(new))
    assert result.required is level, result.to_text()
    assert reported in result.to_text(), result.to_text()
    assert diff_bundles(load(new), load(new)).required is Level.NONE


@pytest.mark.parametrize("old, new, bump", [
    ("1.0.0", "1.0.0", Level.NONE), ("1.0.0", "1.0.1", Level.PATCH), ("1.0.9", "1.1.0", Level.MINOR),
    ("1.4.2", "2.0.0", Level.MAJOR), ("1.0.0-rc.1", "1.0.0", Level.NONE), ("1.2.0", "1.1.9", None),
    ("0.9.0", "0.10.0", Level.MINOR), ("1.0.0", "1.0.1+build.5", Level.PATCH),
])
def test_version_bump_levels(old: str, new: str, bump: Level | None) -> None:
    assert version_bump(old, new) is bump


# --- the command line --------------------------------------------------------------------------------------------


def skillbook(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    return subprocess.run([sys.executable, "-P", "-m", "skillbook", *args], capture_output=True, text=True, env=env,
                          timeout=120)


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory, old_bundle: Path) -> dict[str, Path]:
    """The old bundle, and the same content with a form field removed released as 1.1.0 and as 2.0.0."""
    folder = tmp_path_factory.mktemp("releases")
    files = base_files()
    edit(MOOD, "  - id: note\n    label: Anything else?\n    type: text\n    required: false\n", "")(files)
    unbumped = dict(files)
    edit(MOOD, "\nversion: 1.0.0\n", "\nversion: 2.0.0\n")(files)  # the form's own version follows its change
    result = {"old": old_bundle}
    for version in ("1.1.0", "2.0.0"):
        result[version] = build(folder / version, {**files, "_config.yml": CONFIG.replace("version: 1.0.0",
                                                                                          f"version: {version}")})
    result["unbumped"] = build(folder / "unbumped", {**unbumped, "_config.yml": CONFIG.replace("version: 1.0.0",
                                                                                               "version: 2.0.0")})
    patched = base_files()
    edit(SAMPLE, "A short body.", "A shorter body.")(patched)
    edit(SAMPLE, "\nversion: 1.0.0\n", "\nversion: 1.0.1\n")(patched)
    result["1.0.1"] = build(folder / "1.0.1", {**patched, "_config.yml": CONFIG.replace("version: 1.0.0",
                                                                                        "version: 1.0.1")})
    return result


def test_an_item_changed_without_its_own_version_bump_is_refused(releases: dict[str, Path]) -> None:
    """The release is bumped enough, but the form itself keeps version 1.0.0 with a field removed: its
    Questionnaire `url|1.0.0` would name two forms. The refusal names the item and the bump it needs."""
    result = skillbook("bundle", "diff", str(releases["old"]), str(releases["unbumped"]))
    assert result.returncode == 1, result.stdout + result.stderr
    assert ("homework mood-log: its content changed (major) but its version stays 1.0.0; give it version 2.0.0 "
            "(a major bump)") in result.stdout
    assert "refused: 1 item(s) changed without their own version bump" in result.stdout
    data = json.loads(skillbook("bundle", "diff", "--format", "json", str(releases["old"]),
                                str(releases["unbumped"])).stdout)
    assert data["sufficient"] is False
    assert data["itemVersions"] == [{"kind": "homework", "id": "mood-log", "oldVersion": "1.0.0", "newVersion": "1.0.0",
                                     "required": "major", "suggestedVersion": "2.0.0"}]
    too_small = diff_bundles(load(releases["old"]), load(releases["1.0.1"]))  # a body edit with a patch bump
    assert not too_small.item_versions and too_small.sufficient


def test_cli_fails_when_the_version_bump_is_too_small(releases: dict[str, Path]) -> None:
    result = skillbook("bundle", "diff", str(releases["old"]), str(releases["1.1.0"]))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "homework mood-log: changed (major)" in result.stdout
    assert "  fields.note: removed (major)" in result.stdout
    assert "required: major; version 1.0.0 -> 1.1.0 (a minor bump): not enough; release it as 2.0.0" in result.stdout


def test_cli_passes_when_the_bump_is_enough_and_fail_on_still_applies(releases: dict[str, Path]) -> None:
    ok = skillbook("bundle", "diff", str(releases["old"] / "datapackage.json"), str(releases["2.0.0"]))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "(a major bump): ok" in ok.stdout
    strict = skillbook("bundle", "diff", str(releases["old"]), str(releases["2.0.0"]), "--fail-on", "major")
    assert strict.returncode == 1
    patch = skillbook("bundle", "diff", str(releases["old"]), str(releases["1.0.1"]), "--fail-on", "minor")
    assert patch.returncode == 0 and "body: text edited (patch)" in patch.stdout


def test_cli_json_output(releases: dict[str, Path]) -> None:
    result = skillbook("bundle", "diff", "--format", "json", str(releases["old"]), str(releases["1.1.0"]))
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert (data["required"], data["bump"], data["sufficient"], data["suggestedVersion"]) == (
        "major", "minor", False, "2.0.0")
    assert data["old"] == {"version": "1.0.0", "formatVersion": FORMAT_VERSION}
    (change,) = data["changes"]
    assert (change["kind"], change["id"], change["change"], change["level"]) == ("homework", "mood-log", "changed",
                                                                                 "major")
    assert {"path": "fields.note", "change": "removed", "level": "major"} in change["fields"]


def test_cli_unreadable_input_exits_2_without_traceback(releases: dict[str, Path], tmp_path: Path) -> None:
    missing = skillbook("bundle", "diff", str(tmp_path / "nope"), str(releases["old"]))
    assert missing.returncode == 2 and "OLD bundle" in missing.stderr
    assert "datapackage.json: not found" in missing.stderr
    damaged = tmp_path / "damaged"
    shutil.copytree(releases["old"], damaged)
    (damaged / "index.json").write_text("{}", encoding="utf-8")
    result = skillbook("bundle", "diff", str(releases["old"]), str(damaged))
    assert result.returncode == 2 and "NEW bundle" in result.stderr and "index.json: " in result.stderr
    for output in (missing, result):
        assert "Traceback" not in output.stdout + output.stderr
    usage = skillbook("bundle", "diff", str(releases["old"]))
    assert usage.returncode == 2 and "Traceback" not in usage.stderr
