"""Front-matter YAML: safe loading, positions, and the problems PyYAML alone would hide or crash on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from skillbook.reading.yamlload import Position, load_yaml


def test_python_tags_are_reported_and_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = (
        f"a: !!python/object/apply:os.system ['touch {marker}']\n"
        f"b: !!python/object/new:subprocess.check_output [['touch', '{marker}']]\n"
        "c: !!python/name:os.system\n"
        "d: !custom {x: 1}\n"
    )
    loaded = load_yaml(text)
    assert not marker.exists()
    assert [(p.line, p.rule) for p in loaded.problems] == [
        (1, "yaml-unsafe-tag"), (2, "yaml-unsafe-tag"), (3, "yaml-unsafe-tag"), (4, "yaml-unsafe-tag")
    ]
    assert "!!python/object/apply:os.system" in loaded.problems[0].message
    assert loaded.data == {"a": None, "b": None, "c": None, "d": None}


def test_positions_of_keys_values_and_items_are_file_lines() -> None:
    loaded = load_yaml("id: x\nsteps:\n  - name: A\n    prompt: B\n", first_line=2)
    assert loaded.values[("steps", 0, "prompt")] == Position(5, 13)
    assert loaded.keys[("steps",)] == Position(3, 1)
    # a missing key is reported where its mapping is
    assert loaded.position(("steps", 0, "key")) == Position(4, 5)


def test_duplicate_keys_impossible_dates_and_plain_values() -> None:
    loaded = load_yaml("updated: 2026-02-30\nid: a\nid: b\nok: 2026-02-28\n")
    assert [(p.line, p.rule) for p in loaded.problems] == [(1, "invalid-date"), (3, "yaml-duplicate-key")]
    assert "first defined on line 2" in loaded.problems[1].message
    assert loaded.data["ok"] == dt.date(2026, 2, 28)
    assert loaded.data["id"] == "a"


def test_syntax_errors_have_a_line_and_a_hint() -> None:
    loaded = load_yaml("title: ok\nsummary: Breathe: then act\n", first_line=2)
    (problem,) = loaded.problems
    assert (problem.line, problem.rule) == (3, "yaml-syntax")
    assert "quotes" in problem.hint


def test_alias_bombs_are_cut_short() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 9):
        lines.append(f"{chr(97 + n)}: &{chr(97 + n)} [*{chr(96 + n)}, *{chr(96 + n)}, *{chr(96 + n)}, "
                     f"*{chr(96 + n)}, *{chr(96 + n)}, *{chr(96 + n)}, *{chr(96 + n)}, *{chr(96 + n)}, "
                     f"*{chr(96 + n)}, *{chr(96 + n)}]")
    loaded = load_yaml("\n".join(lines) + "\n")
    assert [p.rule for p in loaded.problems] == ["yaml-too-large"]
