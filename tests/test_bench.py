"""The benchmark's handbooks: the shipped pages copied under new ids, valid as they stand, so that
every figure it reports is of a build that succeeds on real content."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

from skillbook.checking.validate import validate
from skillbook.reading.project import load_project

REPO = Path(__file__).resolve().parent.parent


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench", REPO / "scripts" / "bench.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench"] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_a_grown_handbook_is_the_shipped_pages_under_new_ids_and_checks_clean(tmp_path: Path) -> None:
    bench = _bench()
    root = tmp_path / "grown"
    bench.copy_shipped(root)
    shipped = sorted((root / "content").rglob("*.md"))
    pages = bench.grow(root, 2 * len(shipped))
    assert pages >= 2 * len(shipped) and pages == len(list((root / "content").rglob("*.md")))
    result = validate(load_project(root))
    assert result.ok, [f"{i.path}:{i.line}: {i.message}" for i in result.errors[:5]]
    published = [i for i in (*result.handbook.skills, *result.handbook.homework) if i.is_published]
    assert len({i.id for i in published}) == len(published) > len(shipped)
    # a copy keeps its original's text: only the ids, the links to copied files and the title change
    stop = (root / "content/skills/distress-tolerance/stop.md").read_text(encoding="utf-8")
    copy = (root / "content/skills/distress-tolerance-2/stop-2.md").read_text(encoding="utf-8")
    assert re.sub(r"-2\b", "", copy).replace("title: STOP 2", "title: STOP") == stop
