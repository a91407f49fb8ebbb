"""The caches `validate` and `build` keep: content-keyed, never trusted when stale or unreadable."""

from __future__ import annotations

import json
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO, SKILL, MakeProject
from skillbook.checking import validate as validation
from skillbook.checking.validate import validate
from skillbook.pipeline import build
from skillbook.reading import fingerprint
from skillbook.reading.project import load_project
from test_cli import run


def _messages(root: Path, cache: Path) -> list[str]:
    return sorted(f"{i.path}:{i.line}: {i.message}" for i in validate(load_project(root), cache_dir=cache).issues)


def test_a_warm_validation_reports_what_a_cold_one_does_and_sees_every_edit(make_project: MakeProject,
                                                                          tmp_path: Path) -> None:
    root = make_project({"content/skills/test-module/sample-skill.md": None})
    skill = root / "content/skills/test-module/index.md"
    cache = tmp_path / "cache"
    cold = _messages(root, cache)
    assert (cache / "validation.pickle").is_file()
    assert _messages(root, cache) == cold == _messages(root, tmp_path / "elsewhere")
    # same size, new content: the cache is keyed by the bytes, not the size or the time
    text = skill.read_text(encoding="utf-8")
    skill.write_text(text.replace("version: 1.0.0", "version: 1.0.x"), encoding="utf-8")
    warm = _messages(root, cache)
    assert any("version" in m for m in warm) and warm != cold
    assert warm == _messages(root, tmp_path / "fresh")


def test_files_checked_in_worker_processes_give_what_one_process_gives_and_fill_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Large projects are checked by worker processes, which send their results pickled; the cache keeps
    those bytes, so a later run reads the same results back."""
    root = tmp_path / "handbook"
    for name in ("content", "schemas"):
        shutil.copytree(REPO / name, root / name)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(REPO / name, root / name)
    page = next((root / "content" / "skills").rglob("stop.md"))
    page.write_text(page.read_text(encoding="utf-8").replace("level: ", "level: sometimes-", 1), encoding="utf-8")
    project = load_project(root)
    monkeypatch.setattr(validation, "_PARALLEL_FROM", 10**6)
    alone = validate(project, cache_dir=tmp_path / "one-process")
    monkeypatch.setattr(validation, "_PARALLEL_FROM", 1)
    shared = validate(project, cache_dir=tmp_path / "workers")
    assert any(issue.rule == "allowed" and issue.path.endswith("stop.md") for issue in alone.issues)
    assert shared.issues == alone.issues and shared.handbook == alone.handbook
    assert [d.meta.values if d.meta else None for d in shared.documents] == \
        [d.meta.values if d.meta else None for d in alone.documents]
    monkeypatch.setattr(validation, "_check_files",
                        lambda sources, *_: pytest.fail(f"checked again: {sources}") if sources else [])
    assert validate(project, cache_dir=tmp_path / "workers").issues == alone.issues


# the last is what a cache written before the package was laid out in stages holds: a class at its old path
@pytest.mark.parametrize("stored", [b"not a pickle", pickle.dumps(("key", {"x": 1}))[:-3],
                                    b"\x80\x02X\x01\x00\x00\x00kq\x00cskillbook.validate\nValidationResult\nq\x01"
                                    b"\x86q\x02."], ids=["junk", "truncated", "moved-class"])
def test_an_unreadable_or_foreign_cache_is_ignored(stored: bytes, make_project: MakeProject, tmp_path: Path) -> None:
    """A truncated file, junk, or a cache naming a module an upgrade removed: checked afresh, no traceback."""
    root = make_project()
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "validation.pickle").write_bytes(stored)
    assert _messages(root, cache) == _messages(root, tmp_path / "clean")


def test_changed_checking_code_re_checks_every_file(make_project: MakeProject, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project()
    cache = tmp_path / "cache"
    project = load_project(root)
    validate(project, cache_dir=cache)
    key = pickle.loads((cache / "validation.pickle").read_bytes())[0]
    package = tmp_path / "package"  # skillbook's stages, one check of which is then changed
    for stage in ("reading", "checking"):
        shutil.copytree(fingerprint.PACKAGE / stage, package / stage)
    (package / "checking" / "newer_check.py").write_text("RULE = 2\n", encoding="utf-8")
    monkeypatch.setattr(fingerprint, "PACKAGE", package)
    fingerprint.code_digest.cache_clear()
    validate(project, cache_dir=cache)
    fingerprint.code_digest.cache_clear()
    assert pickle.loads((cache / "validation.pickle").read_bytes())[0] != key


@pytest.mark.slow
def test_a_build_with_nothing_changed_writes_nothing_and_an_edit_builds_again(make_project: MakeProject) -> None:
    root = make_project()
    project = load_project(root)
    first = build(project, only=("site", "bundle"))
    index = root / "build" / "site" / "index.html"
    written = index.stat().st_mtime_ns
    again = build(load_project(root), only=("site", "bundle"))
    assert again.notes == ["nothing changed since the last build: every output is as it was"]
    assert index.stat().st_mtime_ns == written and again.outputs == first.outputs
    skill = root / "content/skills/test-module/sample-skill.md"
    skill.write_text(skill.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    edited = build(load_project(root), only=("site", "bundle"))
    assert edited.notes != again.notes
    assert "One more line." in (root / "build/site/content/skills/test-module/sample-skill.html").read_text(
        encoding="utf-8")


def _cli(root: Path, *args: str) -> tuple[int, str, str]:
    done = run(root, "validate", *args)
    return done.returncode, done.stdout, done.stderr


def test_validate_answers_from_its_record_only_while_every_input_is_the_same(make_project: MakeProject) -> None:
    """The second `skillbook validate` of an unchanged project prints the recorded verdict, word for word;
    any change to content, schemas, configuration, table of contents or flags checks afresh."""
    root = make_project({"content/skills/test-module/second.md": SECOND_SKILL})
    record = load_project(root).output_cache(root / "build") / "validation/last-run.json"
    first = _cli(root)
    assert first[0] == 0 and "draft(s) not published: `second` (skill)" in first[2] and record.is_file()
    assert "warning[" in first[1]
    assert _cli(root) == first
    # --strict is an input too: the warning recorded by the plain run is an error now
    strict = _cli(root, "--strict")
    assert strict[0] == 1 and strict[1] == first[1].replace("warning[", "error[")
    assert _cli(root, "--strict") == strict and _cli(root) == first
    # the record is what answers: a problem written into it is printed (and sets the exit status)
    stored = json.loads(record.read_text(encoding="utf-8"))
    stored["issues"] = [{"path": "content/index.md", "line": 3, "column": 1, "rule": "planted",
                         "message": "from the record", "hint": "", "severity": "error"}]
    record.write_text(json.dumps(stored), encoding="utf-8")
    planted = _cli(root)
    assert planted[0] == 1 and "content/index.md:3:1: error[planted]: from the record" in planted[1]
    # every kind of input counts, a file no page names yet included
    changes: list[Callable[[], object]] = [
        lambda: (root / "content/skills/test-module/notes.txt").write_text("x", encoding="utf-8"),
        lambda: _append(root / "_toc.yml", "\n"),
        lambda: _append(root / "_config.yml", "\n# a comment\n"),
        lambda: _append(next((root / "schemas").glob("*.yml")), "\n"),
    ]
    for change in changes:
        record.write_text(json.dumps(stored), encoding="utf-8")
        change()
        assert _cli(root) == first


def test_a_run_during_which_a_file_changed_records_no_verdict(make_project: MakeProject, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The inputs are fingerprinted before and after the run: the record never pairs old inputs with new results."""
    root = make_project()
    keys = iter(["before", "after"])
    monkeypatch.setattr(validation, "run_key", lambda *args, **kwargs: next(keys))
    validate(load_project(root), cache_dir=tmp_path)
    assert (tmp_path / "validation.pickle").is_file() and not (tmp_path / "last-run.json").exists()


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


# a draft (named in the summary line) whose author list splits a credential off (a warning)
SECOND_SKILL = SKILL.replace("id: sample-skill", "id: second").replace("status: published", "status: draft") \
    .replace("authors: [Test Author]", "authors: [Test Author, PhD]").replace("worksheets: [sample-worksheet]\n", "")


def test_the_offline_copy_is_versioned_by_content_reading_only_the_files_a_build_wrote(tmp_path: Path) -> None:
    """The service worker's cache is named after every file it caches; a file Sphinx did not write again
    (same size, same time) is not read again, a rewritten one is, even at the same size."""
    import os
    import re

    from skillbook.site.offline import SERVICE_WORKER, write_offline

    site, digests = tmp_path / "site", tmp_path / "digests.json"
    site.mkdir()
    for name in ("crisis.html", "page.html"):
        (site / name).write_text(f"<p>{name}</p>", encoding="utf-8")

    def version() -> str:
        write_offline(site, first=["crisis.html"], rest=["page.html"], title="T", short_title="T", language="en",
                      start="page.html", digests=digests)
        found = re.search(r'"([0-9a-f]{16})"', (site / SERVICE_WORKER).read_text(encoding="utf-8"))
        assert found
        return found.group(1)

    first = version()
    assert version() == first
    page = site / "page.html"
    page.write_text("<p>PAGE.html</p>", encoding="utf-8")  # same size, new bytes
    os.utime(page, ns=(page.stat().st_atime_ns, page.stat().st_mtime_ns + 1_000_000))
    second = version()
    assert second != first
    stored = json.loads(digests.read_text(encoding="utf-8"))
    stored["page.html"][2] = "0" * 64  # a file whose size and time did not change is taken from the record
    digests.write_text(json.dumps(stored), encoding="utf-8")
    assert version() != second
    digests.write_text("not json", encoding="utf-8")
    assert version() == second  # an unreadable record: every file is read
