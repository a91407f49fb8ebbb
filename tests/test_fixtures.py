"""The fixture folders: every valid case validates; every invalid case fails as its table row says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import FIXTURES, MakeProject
from skillbook.commands.cli import main

CASES: list[dict[str, Any]] = yaml.safe_load((FIXTURES / "invalid" / "cases.yml").read_text(encoding="utf-8"))
VALID: list[dict[str, Any]] = yaml.safe_load((FIXTURES / "valid" / "cases.yml").read_text(encoding="utf-8"))


def _files(case: dict[str, Any], folder: Path) -> dict[str, str | bytes | None]:
    files: dict[str, str | bytes | None] = {}
    for target, fixture in (case.get("files") or {}).items():
        files[target] = None if fixture is None else (folder / fixture).read_bytes()
    return files


def _run(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(["--project", str(root), "validate", *args])
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def test_there_are_at_least_30_distinct_invalid_cases() -> None:
    assert len({case["case"] for case in CASES}) == len(CASES) >= 30
    assert len({case["rule"] for case in CASES}) >= 25


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_invalid_case(case: dict[str, Any], make_project: MakeProject, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(_files(case, FIXTURES / "invalid"))
    args = ("--strict",) if case.get("strict") else ()
    code, out, err = _run(capsys, root, *args)
    assert code == 1, out + err
    assert "Traceback" not in out + err
    expected = f"{case['path']}:{case['line']}:"
    lines = out.splitlines()
    matching = [i for i, line in enumerate(lines) if line.startswith(expected) and f"[{case['rule']}]" in line]
    assert matching, f"expected `{expected} ...[{case['rule']}]` in:\n{out}"
    first = matching[0]
    assert case["mentions"] in lines[first], lines[first]
    assert lines[first + 1].strip().startswith("hint: ") and len(lines[first + 1].strip()) > 10
    assert case.get("hint", "") in lines[first + 1], lines[first + 1]
    # a problem in the case's files never shows up as a problem elsewhere
    touched = {case["path"], *(case.get("files") or {})}
    assert {line.split(":", 1)[0] for line in lines if not line.startswith(" ")} <= touched, out


@pytest.mark.parametrize("case", VALID, ids=[c["case"] for c in VALID])
def test_valid_case(case: dict[str, Any], make_project: MakeProject, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(_files(case, FIXTURES / "valid"))
    code, out, err = _run(capsys, root, "--strict")
    assert (code, out) == (0, ""), out + err
