"""The caches `validate` and `build` keep: content-keyed, never trusted when stale or unreadable."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from conftest import MakeProject
from skillbook.checking import validate as validation
from skillbook.checking.validate import validate
from skillbook.pipeline import build
from skillbook.reading.project import load_project


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
    changed = tmp_path / "newer_check.py"
    changed.write_text("RULE = 2\n", encoding="utf-8")
    monkeypatch.setattr(validation, "_VALIDATION_CODE", [*validation._VALIDATION_CODE, changed])
    validate(project, cache_dir=cache)
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
