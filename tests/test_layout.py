"""The package is laid out like its pipeline: one sub-package per stage, imports only going downward."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "skillbook"

# Each stage and its place in the pipeline: a module may import its own stage or a lower one, never a
# stage beside it or above it. The shared modules are what every stage speaks: problems and errors.
LAYERS: dict[str, int] = {
    "skillbook": 0, "skillbook.issues": 0, "skillbook.errors": 0,
    "skillbook.reading": 1,
    "skillbook.checking": 2,
    "skillbook.bundle": 3, "skillbook.worksheets": 3,
    "skillbook.site": 4,
    "skillbook.pipeline": 5,
    "skillbook.commands": 6,
    # the names outsiders load, each above the one stage it hands over to: `python -m skillbook`,
    # and `extra_extensions: [skillbook.sphinxext]` in a handbook's _config.yml
    "skillbook.__main__": 7, "skillbook.sphinxext": 5,
}
SHARED = 0
STAGES = ("reading", "checking", "bundle", "worksheets", "site", "commands")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _stage(module: str) -> str:
    """The entry of LAYERS a module belongs to: the longest one that is it or contains it."""
    owners = [name for name in LAYERS if module == name or module.startswith(name + ".")]
    return max(owners, key=len)


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every skillbook module the file imports, wherever the import is (functions and TYPE_CHECKING included)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "skillbook"]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "skillbook":
            # `from skillbook.site import cards` imports the module skillbook.site.cards
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                where = PACKAGE.parent / Path(*candidate.split("."))
                is_module = where.with_suffix(".py").exists() or where.is_dir()
                found.append((node.lineno, candidate if is_module else node.module))
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_belongs_to_a_stage() -> None:
    strays = [str(p.relative_to(PACKAGE)) for p in MODULES if _stage(_module_name(p)) == "skillbook"
              and _module_name(p) != "skillbook"]
    assert strays == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_only_go_downward(path: Path) -> None:
    here = _stage(_module_name(path))
    wrong = []
    for line, target in _imports(path):
        there = _stage(target)
        if there == here or (LAYERS[here] == SHARED and LAYERS[there] == SHARED):
            continue
        if LAYERS[there] >= LAYERS[here]:
            wrong.append(f"line {line}: {here} imports {target} ({there}, not below it)")
    assert wrong == []


def test_the_rule_sees_an_upward_import(tmp_path: Path) -> None:
    """The walk above must catch imports hidden in functions, or it could pass on any package."""
    module = tmp_path / "x.py"
    module.write_text("def f():\n    from skillbook.commands.cli import main\n    return main\n", encoding="utf-8")
    assert [_stage(t) for _, t in _imports(module)] == ["skillbook.commands"]
    assert LAYERS["skillbook.commands"] > LAYERS["skillbook.reading"]


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_says_what_goes_in_and_what_comes_out(stage: str) -> None:
    doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8"))) or ""
    first = doc.splitlines()[0] if doc else ""
    assert " in, " in first and " out" in first, first
