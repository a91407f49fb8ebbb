"""Shared fixtures: `make_project` writes a small valid skillbook project and overlays test files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

CONFIG = """\
title: Test handbook
author: Tests
only_build_toc_files: true
exclude_patterns: [build, _build, ".*", "**/.*"]
sphinx:
  extra_extensions: [skillbook.sphinxext]
execute:
  execute_notebooks: "off"
skillbook:
  version: 1.0.0
  crisis:
    regions:
      - name: Testland
        emergency: "999"
        services:
          - {name: Test crisis line, phone: "0800 000 000", hours: 24/7}
  pages:
    root: content/index
    start: [content/crisis]
    end: []
"""

MODULE = """\
---
id: test-module
title: Test module
summary: A module used by the tests.
status: published
version: 1.0.0
updated: 2026-01-15
authors: [Test Author]
order: 1
---

What this module is about.
"""

SKILL = """\
---
id: sample-skill
title: Sample skill
summary: A skill used by the tests.
status: published
version: 1.0.0
updated: 2026-01-15
authors: [Test Author]
module: test-module
level: core
practice_minutes: 5
steps:
  - id: notice
    name: Notice
    prompt: Notice what is happening.
when_to_use:
  - When a test needs a skill.
tags:
  emotions: [anger]
  situations: [conflict]
worksheets: [sample-worksheet]
related: []
---

A short body.

## Everyday example

An example.

## Common obstacles

Obstacles.

## Practice

1. Practice.
"""

HOMEWORK = """\
---
id: sample-worksheet
title: Sample worksheet
summary: A worksheet used by the tests.
status: published
version: 1.0.0
updated: 2026-01-15
authors: [Test Author]
type: worksheet
module: test-module
skills: [sample-skill]
frequency: as-needed
estimated_minutes: 5
fields:
  - id: what
    label: What happened?
    type: long_text
    required: true
---

## How to use this worksheet

Fill it in.
"""

TOC = """\
format: jb-book
root: content/index
parts:
  - caption: Start here
    chapters:
      - file: content/crisis
  - caption: Skills
    chapters:
      - file: content/skills/test-module/index
        sections:
          - file: content/skills/test-module/sample-skill
  - caption: Worksheets
    chapters:
      - file: content/homework/sample-worksheet
"""

BASE_FILES: dict[str, str] = {
    "_config.yml": CONFIG,
    "_toc.yml": TOC,
    "content/index.md": "# Test handbook\n\nWelcome.\n",
    "content/crisis.md": "# Crisis help\n\n```{crisis-services}\n```\n",
    "content/skills/test-module/index.md": MODULE,
    "content/skills/test-module/sample-skill.md": SKILL,
    "content/homework/sample-worksheet.md": HOMEWORK,
}

MakeProject = Callable[..., Path]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run in parallel (pytest-xdist, `--dist loadgroup`) a file at a time, so that each module's
    shared build is made once; the browser tests are one group, sharing one built handbook."""
    for item in items:
        group = "browser" if item.get_closest_marker("browser") else item.nodeid.split("::", 1)[0]
        if group in _SPREAD:  # hundreds of independent cases: each kind of check may go anywhere
            group = item.nodeid.split("[", 1)[0]
        item.add_marker(pytest.mark.xdist_group(group))


_SPREAD = {"tests/test_hostile.py"}


def pytest_configure(config: pytest.Config) -> None:
    """Every project a test makes keeps its caches in one folder of this test run (inherited by the
    commands tests start), not in the user's cache folder."""
    if "SKILLBOOK_CACHE_DIR" not in os.environ:
        os.environ["SKILLBOOK_CACHE_DIR"] = tempfile.mkdtemp(prefix="skillbook-test-cache-")


# what a copy of the repository to build leaves out: outputs, caches, git, and node_modules (hundreds of
# MB of test tools: LHC-Forms, Lighthouse) that no build reads
NOT_COPIED = shutil.ignore_patterns("build", "_build", ".git", ".*cache*", "__pycache__", "node_modules", ".benchmarks",
                                    ".hypothesis", "*.egg-info")


def copy_repository(root: Path) -> Path:
    """The repository's project (content, configuration, schemas) at `root`, to build there."""
    shutil.copytree(REPO, root, ignore=NOT_COPIED)
    return root


def write_project(root: Path, files: dict[str, str | bytes | None] | None = None) -> Path:
    """The base project at `root` with `files` added, replaced (text/bytes) or removed (None)."""
    shutil.copytree(REPO / "schemas", root / "schemas")
    for rel, content in {**BASE_FILES, **(files or {})}.items():
        target = root / rel
        if content is None:
            target.unlink(missing_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(textwrap.dedent(content) if content.startswith("\n") else content, encoding="utf-8")
    return root


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """`make_project(files={path: text or bytes or None})`: the base project with files added,
    replaced (text/bytes) or removed (None). Schemas are the repository's own."""

    def make(files: dict[str, str | bytes | None] | None = None, *, name: str = "project") -> Path:
        return write_project(tmp_path / name, files)

    return make


def start_preview(root: Path, *options: str) -> tuple[subprocess.Popen[str], str]:
    """`skillbook serve --port 0 OPTIONS` in `root`, and the address it serves at once it is ready.
    The caller stops it (`terminate`, then `wait`)."""
    process = subprocess.Popen([sys.executable, "-P", "-m", "skillbook", "serve", "--port", "0", *options], cwd=root,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    for line in process.stderr:
        if "serving the preview at " in line:
            return process, line.split("serving the preview at ")[1].split()[0]
    process.wait(timeout=30)
    raise AssertionError("the preview did not start")
