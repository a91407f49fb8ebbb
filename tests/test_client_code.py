"""The companion's JavaScript: type-checked (tsc, strict checkJs), linted (ESLint) and unit-tested
(node --test), from the repository root with the packages pinned in package.json.

Without node_modules these fail rather than skip: the client code is checked on every run or the
run says how to set it up.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
COMPANION = "src/skillbook/site/theme/skillbook/static/companion"


def _run(*command: str) -> None:
    if shutil.which("node") is None or not (REPO / "node_modules" / ".bin").is_dir():
        pytest.fail("node or node_modules is missing: run ./scripts/setup")
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"


def test_client_code_type_checks() -> None:
    _run("node_modules/.bin/tsc", "-p", "tsconfig.json")


def test_client_code_lints() -> None:
    _run("node_modules/.bin/eslint", COMPANION, "tests/js")


def test_client_code_unit_tests_pass() -> None:
    _run("node", "--test", "tests/js/")
