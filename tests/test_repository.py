"""The repository itself: shipped content validates, schemas load, README and CI agree."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO
from skillbook.checking.schema import load_schemas
from skillbook.checking.toc import generate_toc
from skillbook.checking.validate import validate
from skillbook.reading.project import load_project


def test_shipped_content_validates_strictly() -> None:
    result = subprocess.run([sys.executable, "-P", "-m", "skillbook", "validate", "--strict"], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout


def test_every_schema_file_loads() -> None:
    schemas = load_schemas(REPO / "schemas")
    assert set(schemas.validators) == set(schemas.field_meta)
    assert schemas.vocabulary["emotions"] and schemas.vocabulary["situations"]
    for path in (REPO / "schemas").glob("*.yml"):
        assert path.stem in {"common", "module", "skill", "homework", "page", "vocabulary"}, path


def test_shipped_toc_is_the_generated_one() -> None:
    project = load_project(REPO)
    result = validate(project)
    assert (REPO / "_toc.yml").read_text(encoding="utf-8") == generate_toc(project, result.handbook)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, flags=re.S)
    install, tests = blocks[0].strip(), blocks[1].strip()
    assert install.startswith("./scripts/setup") and "skillbook build" in install
    setup = (REPO / "scripts" / "setup").read_text(encoding="utf-8")
    assert "pip install" in setup and "npm ci" in setup and "chromium" in setup
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci[-1].strip() == tests and "./scripts/setup" in ci
