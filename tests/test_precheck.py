"""The quick path of the front-matter check agrees with Cerberus: whatever it accepts, Cerberus accepts
with the same normalized document, on every shipped and fixture file and on random mistakes made in them."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, REPO
from skillbook.checking.precheck import Precheck
from skillbook.checking.schema import SchemaSet, load_schemas
from skillbook.reading.discover import Kind, discover
from skillbook.reading.document import read_document
from skillbook.reading.project import load_project
from skillbook.reading.yamlload import load_yaml

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def schemas() -> SchemaSet:
    return load_schemas(REPO / "schemas", today=TODAY)


def _documents() -> list[tuple[Kind, Any]]:
    """The front matter of every shipped content file, as the reader loads it."""
    project = load_project(REPO)
    sources, _ = discover(project)
    found = []
    for source in sources:
        document, _ = read_document(source)
        if document is not None and document.meta is not None:
            found.append((source.kind, document.meta.data))
    return found


SHIPPED = _documents()


def _fixtures() -> list[tuple[Kind, Any]]:
    """Every fixture file's front matter, read as each kind: invalid and hostile ones included."""
    found = []
    for path in sorted(FIXTURES.rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if not text.startswith("---"):
            continue
        front = text.split("\n---", 1)[0].removeprefix("---\n")
        data = load_yaml(front + "\n").data
        if not isinstance(data, dict):  # the front-matter check only ever sees mappings
            continue
        found += [(kind, data) for kind in (Kind.MODULE, Kind.SKILL, Kind.HOMEWORK, Kind.PAGE)]
    return found


def _agrees(schemas: SchemaSet, kind: Kind, data: Any) -> bool:
    """True when the quick path answered (it must then agree); False when it left the document to Cerberus."""
    quick = schemas.validators.precheck(kind)(copy.deepcopy(data))
    validator = schemas.validators[kind]
    try:
        valid = validator.validate(copy.deepcopy(data))
    except TypeError:  # Cerberus cannot normalize a mapping given for a list: never valid
        valid = False
    if quick is None:
        return False
    assert valid, f"the quick path accepted what Cerberus refuses: {validator.errors}"
    assert quick == dict(validator.document)
    return True


def test_every_shipped_file_takes_the_quick_path_and_agrees(schemas: SchemaSet) -> None:
    assert len(SHIPPED) > 60
    assert all(_agrees(schemas, kind, data) for kind, data in SHIPPED)


def test_fixtures_agree_whichever_path_they_take(schemas: SchemaSet) -> None:
    answered = [_agrees(schemas, kind, data) for kind, data in _fixtures()]
    assert len(answered) > 100
    assert any(answered) and not all(answered)  # both paths are exercised


_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 300), st.floats(allow_nan=False), st.text(max_size=250),
    st.sampled_from(["", "draft", "en", "1.0.0", "wise-mind", "Not A Slug", "anger", "conflict", "week", "rating",
                     "yes_no", "grid", "mon"]),
    st.dates(), st.datetimes(), st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.sampled_from(["id", "label", "type", "skill", "min", "max"]), st.text(max_size=8), max_size=3),
)


def _places(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a document (keys of mappings, indexes of lists)."""
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _places(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _places(value, (*path, index))
    return found


@st.composite
def _mistakes(draw: st.DrawFn) -> tuple[Kind, Any]:
    kind, data = draw(st.sampled_from(SHIPPED))
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        place = draw(st.sampled_from(_places(data)))
        if not place:
            continue
        parent = data
        for step in place[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "delete":
            del parent[place[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "id", "label", "module", "anchors", "show_if", "options"]))] = \
                draw(_VALUES)
        elif action == "add" and isinstance(parent, list):
            parent.append(draw(_VALUES))
        else:
            parent[place[-1]] = draw(_VALUES)
        data = copy.deepcopy(data)  # no value shared between two places
    return kind, data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mistakes())
def test_random_mistakes_never_pass_the_quick_path_alone(schemas: SchemaSet, case: tuple[Kind, Any]) -> None:
    _agrees(schemas, *case)


def test_a_rule_the_quick_path_does_not_know_turns_it_off(schemas: SchemaSet) -> None:
    validator = schemas.validators[Kind.MODULE]
    fields = {"id": {"type": "string", "required": True, "forbidden": ["x"]}}
    quick = Precheck(fields, validator.types_mapping, (), lambda document: None)  # type: ignore[arg-type,return-value]
    assert not quick.enabled and quick({"id": "x"}) is None


def test_the_default_of_an_empty_value_is_filled_in_as_cerberus_does(schemas: SchemaSet, tmp_path: Path) -> None:
    kind, data = next((k, d) for k, d in SHIPPED if k is Kind.SKILL)
    data = {**copy.deepcopy(data), "language": None}
    data.pop("related", None)
    quick = schemas.validators.precheck(kind)(data)
    assert quick is not None and quick["language"] == "en" and quick["related"] == []
    assert _agrees(schemas, kind, data)


def test_containers_no_yaml_document_holds_are_left_to_cerberus(schemas: SchemaSet) -> None:
    kind, data = next((k, d) for k, d in SHIPPED if k is Kind.SKILL)
    for odd in ({**data, "related": tuple(data.get("related", []))},
                {**data, "tags": _FrozenMapping(data["tags"])}):
        assert schemas.validators.precheck(kind)(copy.deepcopy(odd)) is None


class _FrozenMapping(Mapping[str, Any]):
    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)
