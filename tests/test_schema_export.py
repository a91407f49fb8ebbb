"""Generated front matter in, agreement out: the exported JSON Schemas and the Cerberus validator accept
and reject the same documents (property-based, with hypothesis), and the CLI prints them."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from conftest import REPO, MakeProject
from skillbook.checking.schema import FIELD_KEYS, MAX_RATING_STEPS, SchemaSet, check_front_matter, load_schemas
from skillbook.commands.schema_export import INEXPRESSIBLE_RULES, KINDS, as_json_instance, export_json_schemas
from skillbook.errors import ConfigError
from skillbook.issues import Issue
from skillbook.reading.discover import Kind, discover
from skillbook.reading.document import read_document
from skillbook.reading.project import load_project
from skillbook.reading.yamlload import LoadedYaml

TODAY = dt.date(2026, 6, 1)  # the validator's "today", so a review "in the future" is deterministic
SCHEMAS = load_schemas(REPO / "schemas", today=TODAY)
EXPORTED = export_json_schemas(SCHEMAS)
JSON_VALIDATORS = {
    kind: Draft202012Validator(EXPORTED[kind.value], format_checker=Draft202012Validator.FORMAT_CHECKER)
    for kind in KINDS
}
EMOTIONS = sorted(SCHEMAS.vocabulary["emotions"])
SITUATIONS = sorted(SCHEMAS.vocabulary["situations"])
PROPERTY_SETTINGS = settings(max_examples=250, derandomize=True, deadline=None, database=None,
                             suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --- comparing the two validators ------------------------------------------------------------------

def is_inexpressible(issue: Issue) -> bool:
    """A check JSON Schema cannot make (documented in the exported `$comment`s)."""
    if issue.rule == "rating-scale":
        return "too many points" in issue.message  # "must be a whole number" is exported
    return issue.rule in INEXPRESSIBLE_RULES


def cerberus_issues(kind: Kind, document: dict[Any, Any]) -> list[Issue]:
    return check_front_matter(SCHEMAS, kind, "generated.md", LoadedYaml(copy.deepcopy(document)))[1]


def json_errors(kind: Kind, document: dict[Any, Any]) -> list[str]:
    instance = as_json_instance(document)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in JSON_VALIDATORS[kind].iter_errors(instance)]


def comments(schema: Any) -> str:
    """Every `$comment` of a schema, joined."""
    if isinstance(schema, dict):
        return " ".join([str(schema.get("$comment", "")), *(comments(v) for v in schema.values())])
    if isinstance(schema, list):
        return " ".join(comments(v) for v in schema)
    return ""


DOCUMENTED = {kind: comments(EXPORTED[kind.value]) for kind in KINDS}


def assert_alike(kind: Kind, document: dict[Any, Any]) -> bool:
    """Both accept, or both reject; a rejection only Cerberus can make must be documented as such."""
    issues = cerberus_issues(kind, document)
    expressible = [i for i in issues if not is_inexpressible(i)]
    errors = json_errors(kind, document)
    assert bool(expressible) == bool(errors), (
        f"{kind.value}: Cerberus {'rejects' if expressible else 'accepts'}, JSON Schema "
        f"{'rejects' if errors else 'accepts'}\ndocument: {document!r}\n"
        f"cerberus: {[f'{i.rule}: {i.message}' for i in issues]}\njson schema: {errors}"
    )
    for issue in issues:
        if is_inexpressible(issue):
            assert INEXPRESSIBLE_RULES[issue.rule] in DOCUMENTED[kind], issue
    return not issues


# --- valid documents ------------------------------------------------------------------------------

TEXT_ALPHABET = "abcdefghijklmnopqrstuvwxyz ABCDEFG0123456789,;:'()-éü"


@functools.cache  # strategies are built once: building them is most of hypothesis' cost here
def text(max_size: int, min_size: int = 1) -> st.SearchStrategy[str]:
    """Plain text without sentence breaks or newlines (so a summary stays one sentence). Kept short,
    for speed: the length limits are tried by the replacement values (`"a" * 121` and so on)."""
    return st.text(TEXT_ALPHABET, min_size=min_size, max_size=min(max_size, 12))


@functools.cache
def label(max_size: int) -> st.SearchStrategy[str]:
    return st.builds(lambda first, rest: first + rest, st.sampled_from("ABCxyz"), text(max_size - 1, 0))


slugs = st.lists(st.text("abcxyz0129", min_size=1, max_size=5), min_size=1, max_size=3).map("-".join)
semvers = st.builds(lambda a, b, c, pre: f"{a}.{b}.{c}{pre}", st.integers(0, 20), st.integers(0, 20),
                    st.integers(0, 20), st.sampled_from(["", "", "-rc.1", "-beta", "+build.5"]))
days = st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31))


@st.composite
def reviews(draw: st.DrawFn) -> dict[str, Any]:
    reviewed_on = draw(REVIEW_DAYS)
    return {"reviewed_by": draw(REVIEWERS), "reviewed_on": reviewed_on,
            "next_review": reviewed_on + dt.timedelta(days=draw(REVIEW_GAPS))}


REVIEW_DAYS = st.dates(dt.date(2020, 1, 1), TODAY)
REVIEWERS = st.lists(label(40), min_size=1, max_size=2)
REVIEW_GAPS = st.integers(1, 800)


def optional_keys(document: dict[str, Any], keys: st.SearchStrategy[list[str]],
                  strategies: dict[str, st.SearchStrategy[Any]], draw: st.DrawFn) -> dict[str, Any]:
    for key in draw(keys):
        document[key] = draw(strategies[key])
    return document


SOURCE_KEYS = {
    "authors": label(40), "year": st.integers(1800, 2100), "publisher": label(30), "edition": label(10),
    "url": slugs.map(lambda s: f"https://example.org/{s}"), "doi": slugs.map(lambda s: f"10.1000/{s}"),
    "isbn": st.sampled_from(["0306406152", "9780306406157", "123456789X"]),
}
SOURCE_KEY_SETS = st.lists(st.sampled_from(sorted(SOURCE_KEYS)), unique=True)
COMMON_KEYS = {
    "language": st.sampled_from(["en", "es", "fr-CA", "pt-BR", "zh-Hant-TW", "de"]),
    "review": reviews(),
    "sources": st.lists(st.builds(dict, title=label(60)), max_size=2),
}
COMMON_KEY_SETS = st.lists(st.sampled_from(sorted(COMMON_KEYS)), unique=True)
STATUSES = st.sampled_from(["draft", "published", "retired"])
AUTHORS = st.lists(label(30), min_size=1, max_size=3)


@st.composite
def common_fields(draw: st.DrawFn) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": draw(slugs), "title": draw(text(120)), "summary": draw(text(200)), "status": draw(STATUSES),
        "version": draw(semvers), "updated": draw(days), "authors": draw(AUTHORS),
    }
    optional_keys(document, COMMON_KEY_SETS, COMMON_KEYS, draw)
    for source in document.get("sources", []):
        optional_keys(source, SOURCE_KEY_SETS, SOURCE_KEYS, draw)
    return document


@st.composite
def modules(draw: st.DrawFn) -> dict[str, Any]:
    return {**draw(common_fields()), "order": draw(st.integers(1, 40))}


STEPS = st.lists(st.tuples(slugs, st.builds(
    lambda name, prompt, key: {"name": name, "prompt": prompt, **({"key": key} if key else {})},
    text(80), text(400), st.none() | st.text("ABCDEFGH", min_size=1, max_size=3))),
    min_size=1, max_size=4, unique_by=lambda pair: pair[0]).map(lambda pairs: [{"id": i, **s} for i, s in pairs])
TAGS = st.fixed_dictionaries({}, optional={"emotions": st.lists(st.sampled_from(EMOTIONS), max_size=3),
                                           "situations": st.lists(st.sampled_from(SITUATIONS), max_size=3)})
SKILL_KEYS = {"acronym": text(30), "worksheets": st.lists(slugs, max_size=3), "related": st.lists(slugs, max_size=3),
              "cautions": st.lists(text(400), max_size=2)}
SKILL_KEY_SETS = st.lists(st.sampled_from(sorted(SKILL_KEYS)), unique=True)


@st.composite
def skills(draw: st.DrawFn) -> dict[str, Any]:
    document = draw(common_fields())
    document.update({
        "module": draw(slugs), "steps": draw(STEPS), "when_to_use": draw(st.lists(text(200), min_size=1, max_size=3)),
        "tags": draw(TAGS), "level": draw(st.sampled_from(["foundation", "core", "advanced"])),
        "practice_minutes": draw(st.integers(1, 240)),
    })
    return optional_keys(document, SKILL_KEY_SETS, SKILL_KEYS, draw)


@st.composite
def rating_keys(draw: st.DrawFn) -> dict[str, Any]:
    low = draw(st.integers(-3, 5))
    high = low + draw(st.integers(1, MAX_RATING_STEPS - 1))
    keys: dict[str, Any] = {"min": low, "max": high}
    if draw(st.booleans()):
        points = draw(st.lists(st.integers(0, high - low), unique=True, max_size=3))
        keys["anchors"] = {low + point: draw(label(60)) for point in points}
    return keys


# an option has an id, a skill (whose id is then its id), or both; ids are unique in the field
OPTIONS = st.lists(st.tuples(slugs, label(40), st.sampled_from(["id", "skill", "both"])), min_size=2, max_size=4,
                   unique_by=lambda option: option[0]).map(lambda options: [
                       {"label": text, **({"id": ident} if how != "skill" else {}),
                        **({"skill": ident} if how != "id" else {})} for ident, text, how in options])
NUMBER_BOUNDS = st.builds(lambda low, width: {"min": low, "max": low + width},
                          st.integers(-400, 400).map(lambda n: n / 4) | st.integers(-100, 100), st.integers(1, 50))
FIELD_TYPES = st.sampled_from(sorted(FIELD_KEYS))
ROW_TYPES = st.sampled_from(["rating", "yes_no", "number", "text"])
COLUMNS = st.just("week") | st.lists(st.tuples(slugs, label(20)), min_size=1, max_size=7,
                                      unique_by=lambda column: column[0]).map(
    lambda columns: [{"id": ident, "label": text} for ident, text in columns])


@st.composite
def form_fields(draw: st.DrawFn, *, row: bool = False) -> dict[str, Any]:
    """A worksheet field (or, with row=True, a grid row) with the keys its type needs."""
    field_type = draw(ROW_TYPES if row else FIELD_TYPES)
    field: dict[str, Any] = {"label": draw(label(120 if row else 200)), "type": field_type}
    if not row:
        field["required"] = draw(st.booleans())
        if draw(st.booleans()):
            field["help"] = draw(text(300))
    if field_type == "rating":
        field.update(draw(rating_keys()))
    elif field_type == "number" and draw(st.booleans()):
        field.update(draw(NUMBER_BOUNDS))
    elif field_type in ("checklist", "choice"):
        field["options"] = draw(OPTIONS)
    elif field_type == "grid":
        field["columns"] = draw(COLUMNS)
        field["rows"] = draw(ROWS)
    return field


def unique_ids(fields: st.SearchStrategy[dict[str, Any]], max_size: int) -> st.SearchStrategy[list[dict[str, Any]]]:
    return st.lists(st.tuples(slugs, fields), min_size=1, max_size=max_size, unique_by=lambda pair: pair[0]).map(
        lambda pairs: [{"id": ident, **field} for ident, field in pairs])


ROWS = unique_ids(form_fields(row=True), max_size=3)
FIELDS = unique_ids(form_fields(), max_size=4)


@st.composite
def homework(draw: st.DrawFn) -> dict[str, Any]:
    document = draw(common_fields())
    document.update({
        "type": draw(st.sampled_from(["worksheet", "diary-card", "practice-log"])), "module": draw(slugs),
        "skills": draw(st.lists(slugs, max_size=3)),
        "frequency": draw(st.sampled_from(["once", "daily", "weekly", "as-needed"])),
        "estimated_minutes": draw(st.integers(1, 240)), "fields": draw(FIELDS),
    })
    return document


DOCUMENTS: dict[Kind, Callable[[], st.SearchStrategy[dict[str, Any]]]] = {
    Kind.MODULE: modules, Kind.SKILL: skills, Kind.HOMEWORK: homework,
}


# --- subtly invalid documents ---------------------------------------------------------------------

# Replacement values. Left out on purpose, because a YAML editor and skillbook read them differently
# (so no schema could agree): dates outside date fields (an editor sees `title: 2026-01-01` as text),
# date-like text in date fields, booleans and whole floats (5.0) in number fields, text keys that look
# like integers, and text ending in a newline (Python's `$` matches before it, JavaScript's does not).
VALUES: list[Any] = [
    None, "", " ", "x", "wise-mind", "Bad Slug", "bad_slug", "-a", "a--b", "1.0.0", "1.0", "v1.2.3",
    "1.0.0-rc.1", "01.0.0", "en", "pt-BR", "english", "e", "draft", "published", "retired", "publishd",
    "foundation", "core", "expert", "weekly", "as-needed", "worksheet", "diary-card", "rating", "grid",
    "checklist", "choice", "text", "number", "yes_no", "long_text", "anger", "angry", "conflict",
    "https://example.org/x", "http://example.org", "https://", "10.1000/xyz", "10.1/x", "9780306406157",
    "978030640615", "One sentence. Another one.", "two\nlines",
    *("a" * n for n in (3, 4, 20, 21, 30, 31, 60, 61, 80, 81, 120, 121, 200, 201, 300, 301, 400, 401)),
    0, 1, 2, 5, 10, 11, -1, 240, 241, 1799, 1800, 2100, 2101, 2.5, -0.5,
    [], ["x"], ["x", "y"], ["Bad Slug"], ["anger"], [1], [None], [""], ["a"] * 32,
    [{"name": "n", "prompt": "p"}], [{"id": "a", "label": "A", "type": "text"}],
    {}, {"label": "x"}, {"label": " "}, {"label": "x", "skill": "wise-mind"}, {"label": "x", "skill": "Bad"},
    {"x": 1}, {1: "one"}, {"emotions": ["anger"]}, {"reviewed_by": ["A"]},
]
NUMERIC_TYPES = {"integer", "float", "number"}
EXTRA_KEYS: list[Any] = ["extra", "titel", "Status", "min", "max", "anchors", "options", "rows", "columns",
                         "label", "id", "required", "help", "skill", "key", 3, 99]
TYPE_KEYS = {"min": 0, "max": 4, "anchors": {0: "none"},
             "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
             "rows": [{"id": "r", "label": "R", "type": "yes_no"}], "columns": "week"}


def slot_rules(fields: dict[str, Any], document: Any, path: tuple[Any, ...]) -> dict[str, Any] | None:
    """The Cerberus rule set of the value at `path` (None when the schema does not know it)."""
    rules: dict[str, Any] | None = {"type": "dict", "schema": fields}
    value = document
    for part in path:
        if rules is None:
            return None
        if isinstance(value, list):
            rules = rules.get("schema")
        elif isinstance(rules.get("schema"), dict):
            rules = rules["schema"].get(part)
        else:
            rules = rules.get("valuesrules")
        value = value[part]
    return rules


def values_for(rules: dict[str, Any] | None) -> st.SearchStrategy[Any]:
    declared = (rules or {}).get("type")
    names = {declared} if isinstance(declared, str) else set(declared or ())
    return _values(numeric=rules is not None and bool(names & NUMERIC_TYPES), day="day" in names)


@functools.cache
def _values(*, numeric: bool, day: bool) -> st.SearchStrategy[Any]:
    values = list(VALUES)
    if not numeric:
        values += [True, False]  # booleans: Cerberus counts them as integers, JSON Schema does not
    if day:
        values += [dt.date(2026, 1, 15), dt.date(2031, 1, 1), dt.date(2019, 5, 1), dt.datetime(2026, 1, 1, 9, 30)]
    return st.sampled_from(values)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        found.append((*prefix, key))
        found.extend(paths(child, (*prefix, key)))
    return found


def parent_of(document: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        document = document[part]
    return document


@st.composite
def mutated(draw: st.DrawFn, kind: Kind) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """A valid document, and a copy with one or two small changes (some of which keep it valid)."""
    original = draw(DOCUMENTS[kind]())
    document = copy.deepcopy(original)
    fields = SCHEMAS.field_meta[kind]
    done = []
    operations = ["replace", "replace", "replace", "delete", "delete", "add"]
    if kind is Kind.HOMEWORK:
        operations += ["retype", "retype", "type-key"]
    for _ in range(draw(st.integers(1, 2))):
        operation = draw(st.sampled_from(operations))
        everywhere = paths(document)
        form = [p for p in everywhere if p[-2:-1] in (("fields",), ("rows",)) and isinstance(p[-1], int)]
        if operation in ("retype", "type-key") and not form:
            operation = "add"
        if operation == "replace":
            path = draw(st.sampled_from(everywhere))
            value = draw(values_for(slot_rules(fields, document, path)))
            parent_of(document, path)[path[-1]] = copy.deepcopy(value)
        elif operation == "delete":
            path = draw(st.sampled_from(everywhere))
            del parent_of(document, path)[path[-1]]
        elif operation == "add":
            mappings = [()] + [p for p in everywhere if isinstance(parent_of(document, (*p, 0)), dict)]
            path = draw(st.sampled_from(mappings))
            target = parent_of(document, (*path, 0))
            key = draw(st.sampled_from(EXTRA_KEYS))
            target[key] = copy.deepcopy(draw(st.sampled_from(VALUES)))
            path = (*path, key)
        else:
            path = draw(st.sampled_from(form))
            target = parent_of(document, (*path, 0))
            if operation == "retype":
                target["type"] = draw(st.sampled_from(sorted(FIELD_KEYS)))
            else:
                key = draw(st.sampled_from(sorted(TYPE_KEYS)))
                if key in target and draw(st.booleans()):
                    del target[key]
                else:
                    target[key] = copy.deepcopy(TYPE_KEYS[key])
        done.append(f"{operation} {'/'.join(map(str, path))}")
    return original, document, done


# --- property tests -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.value)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_generated_documents_get_the_same_verdict(kind: Kind, data: st.DataObject) -> None:
    original, document, operations = data.draw(mutated(kind))
    # the generator's documents are valid for both, so each change decides the verdict
    assert cerberus_issues(kind, original) == []
    assert json_errors(kind, original) == []
    for operation in operations:
        event(operation.split()[0])
    accepted = assert_alike(kind, document)
    event("accepted by both" if accepted else "rejected")


# --- examples: each rule family, both directions --------------------------------------------------

def base(kind: Kind) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": "wise-mind", "title": "Wise mind", "summary": "Find the middle way.", "status": "published",
        "version": "1.0.0", "updated": dt.date(2026, 1, 15), "authors": ["A. Author"],
    }
    if kind is Kind.MODULE:
        document["order"] = 1
    elif kind is Kind.SKILL:
        document.update({"module": "mindfulness",
                         "steps": [{"id": "notice", "name": "Notice", "prompt": "What is here?"}],
                         "when_to_use": ["Now."], "tags": {"emotions": ["anger"]}, "level": "core",
                         "practice_minutes": 5})
    else:
        document.update({"type": "worksheet", "module": "mindfulness", "skills": [], "frequency": "daily",
                         "estimated_minutes": 5, "fields": [{"id": "f", "label": "F", "type": "text",
                                                             "required": True}]})
    return document


def with_changes(kind: Kind, **changes: Any) -> dict[str, Any]:
    document = base(kind)
    for key, value in changes.items():
        if value is ...:
            del document[key]
        else:
            document[key] = value
    return document


def field(**keys: Any) -> dict[str, Any]:
    return {"id": "f", "label": "F", "required": False, **keys}


A, B = {"id": "a", "label": "A"}, {"id": "b", "label": "B"}


REJECTED_BY_BOTH: list[tuple[str, Kind, dict[str, Any]]] = [
    ("missing title", Kind.MODULE, with_changes(Kind.MODULE, title=...)),
    ("order as text", Kind.MODULE, with_changes(Kind.MODULE, order="1")),
    ("order 0", Kind.MODULE, with_changes(Kind.MODULE, order=0)),
    ("bad slug", Kind.MODULE, with_changes(Kind.MODULE, id="Wise Mind")),
    ("version as number", Kind.MODULE, with_changes(Kind.MODULE, version=1.0)),
    ("bad semver", Kind.MODULE, with_changes(Kind.MODULE, version="1.0")),
    ("status outside enum", Kind.MODULE, with_changes(Kind.MODULE, status="done")),
    ("updated as text", Kind.MODULE, with_changes(Kind.MODULE, updated="soon")),
    ("updated with a time", Kind.MODULE, with_changes(Kind.MODULE, updated=dt.datetime(2026, 1, 1, 9, 0))),
    ("bad language", Kind.MODULE, with_changes(Kind.MODULE, language="english")),
    ("no authors", Kind.MODULE, with_changes(Kind.MODULE, authors=[])),
    ("empty title", Kind.MODULE, with_changes(Kind.MODULE, title="")),
    ("summary too long", Kind.MODULE, with_changes(Kind.MODULE, summary="a" * 201)),
    ("extra key", Kind.MODULE, with_changes(Kind.MODULE, colour="blue")),
    ("null title", Kind.MODULE, with_changes(Kind.MODULE, title=None)),
    ("source year", Kind.MODULE, with_changes(Kind.MODULE, sources=[{"title": "T", "year": 1799}])),
    ("source url", Kind.MODULE, with_changes(Kind.MODULE, sources=[{"title": "T", "url": "http://x.org"}])),
    ("review without reviewer", Kind.MODULE,
     with_changes(Kind.MODULE, review={"reviewed_on": dt.date(2026, 1, 1), "next_review": dt.date(2027, 1, 1)})),
    ("no steps", Kind.SKILL, with_changes(Kind.SKILL, steps=[])),
    ("step without prompt", Kind.SKILL, with_changes(Kind.SKILL, steps=[{"id": "notice", "name": "Notice"}])),
    ("step without id", Kind.SKILL, with_changes(Kind.SKILL, steps=[{"name": "Notice", "prompt": "What is here?"}])),
    ("emotion outside vocabulary", Kind.SKILL, with_changes(Kind.SKILL, tags={"emotions": ["angry"]})),
    ("level outside enum", Kind.SKILL, with_changes(Kind.SKILL, level="expert")),
    ("practice minutes too many", Kind.SKILL, with_changes(Kind.SKILL, practice_minutes=241)),
    ("worksheet id", Kind.SKILL, with_changes(Kind.SKILL, worksheets=["Not A Slug"])),
    ("rating without max", Kind.HOMEWORK, with_changes(Kind.HOMEWORK, fields=[field(type="rating", min=0)])),
    ("rating with a fractional bound", Kind.HOMEWORK,
     with_changes(Kind.HOMEWORK, fields=[field(type="rating", min=0.5, max=5)])),
    ("choice without options", Kind.HOMEWORK, with_changes(Kind.HOMEWORK, fields=[field(type="choice")])),
    ("checklist with one option", Kind.HOMEWORK,
     with_changes(Kind.HOMEWORK, fields=[field(type="checklist", options=[{"id": "only", "label": "Only"}])])),
    ("option without label", Kind.HOMEWORK,
     with_changes(Kind.HOMEWORK, fields=[field(type="choice", options=[{"skill": "wise-mind"}, B])])),
    ("option with unknown key", Kind.HOMEWORK,
     with_changes(Kind.HOMEWORK, fields=[field(type="choice", options=[{"id": "a", "label": "a", "colour": "red"},
                                                                        B])])),
    ("option without id", Kind.HOMEWORK, with_changes(Kind.HOMEWORK, fields=[field(type="choice",
                                                                                   options=["Home", B])])),
    ("option mapping without id", Kind.HOMEWORK, with_changes(Kind.HOMEWORK, fields=[field(
        type="choice", options=[{"label": "Home"}, B])])),
    ("grid without rows", Kind.HOMEWORK, with_changes(Kind.HOMEWORK, fields=[field(type="grid", columns="week")])),
    ("column without id", Kind.HOMEWORK, with_changes(Kind.HOMEWORK, fields=[field(
        type="grid", columns=["Mon"], rows=[{"id": "r", "label": "R", "type": "yes_no"}])])),
    ("unknown set of columns", Kind.HOMEWORK, with_changes(Kind.HOMEWORK, fields=[field(
        type="grid", columns="fortnight", rows=[{"id": "r", "label": "R", "type": "yes_no"}])])),
    ("text with options", Kind.HOMEWORK, with_changes(Kind.HOMEWORK, fields=[field(type="text", options=[A, B])])),
    ("yes_no row with anchors", Kind.HOMEWORK, with_changes(Kind.HOMEWORK, fields=[field(
        type="grid", columns="week", rows=[{"id": "r", "label": "R", "type": "yes_no", "anchors": {0: "no"}}])])),
    ("anchor key that is not a number", Kind.HOMEWORK,
     with_changes(Kind.HOMEWORK, fields=[field(type="rating", min=0, max=5, anchors={"low": "Low"})])),
    ("field type outside enum", Kind.HOMEWORK, with_changes(Kind.HOMEWORK, fields=[field(type="slider")])),
    ("field without required", Kind.HOMEWORK,
     with_changes(Kind.HOMEWORK, fields=[{"id": "f", "label": "F", "type": "text"}])),
]

ONLY_CERBERUS_REJECTS: list[tuple[str, Kind, dict[str, Any], str]] = [
    ("two sentences", Kind.MODULE, with_changes(Kind.MODULE, summary="One thing. Another thing."), "one-sentence"),
    ("review dates out of order", Kind.MODULE, with_changes(Kind.MODULE, review={
        "reviewed_by": ["A"], "reviewed_on": dt.date(2026, 1, 1), "next_review": dt.date(2025, 1, 1)}),
     "review-dates"),
    ("review in the future", Kind.MODULE, with_changes(Kind.MODULE, review={
        "reviewed_by": ["A"], "reviewed_on": dt.date(2026, 12, 1), "next_review": dt.date(2027, 12, 1)}),
     "review-in-future"),
    ("duplicate field ids", Kind.HOMEWORK,
     with_changes(Kind.HOMEWORK, fields=[field(type="text"), field(type="long_text")]), "duplicate-id"),
    ("duplicate option ids", Kind.HOMEWORK,
     with_changes(Kind.HOMEWORK, fields=[field(type="choice", options=[A, {"id": "a", "label": "Again"}])]),
     "duplicate-id"),
    ("duplicate step ids", Kind.SKILL, with_changes(Kind.SKILL, steps=[
        {"id": "notice", "name": "Notice", "prompt": "What is here?"},
        {"id": "notice", "name": "Notice again", "prompt": "And now?"}]), "duplicate-id"),
    ("duplicate column ids", Kind.HOMEWORK, with_changes(Kind.HOMEWORK, fields=[field(
        type="grid", columns=[{"id": "am", "label": "AM"}, {"id": "am", "label": "PM"}],
        rows=[{"id": "r", "label": "R", "type": "yes_no"}])]), "duplicate-id"),
    ("show_if on a later field", Kind.HOMEWORK, with_changes(Kind.HOMEWORK, fields=[
        {**field(type="text"), "show_if": {"field": "asked", "answer": True}},
        {**field(type="yes_no"), "id": "asked"}]), "show-if"),
    ("show_if answer that is no option", Kind.HOMEWORK, with_changes(Kind.HOMEWORK, fields=[
        field(type="choice", options=[A, B]),
        {**field(type="text"), "id": "why", "show_if": {"field": "f", "answer": "c"}}]), "show-if"),
    ("min above max", Kind.HOMEWORK, with_changes(Kind.HOMEWORK, fields=[field(type="number", min=5, max=1)]),
     "min-max"),
    ("rating too wide", Kind.HOMEWORK, with_changes(Kind.HOMEWORK, fields=[field(type="rating", min=0, max=20)]),
     "rating-scale"),
    ("anchor outside the scale", Kind.HOMEWORK,
     with_changes(Kind.HOMEWORK, fields=[field(type="rating", min=0, max=5, anchors={9: "Too high"})]),
     "rating-anchor"),
]


@pytest.mark.parametrize(("kind", "document"), [(k, d) for _, k, d in REJECTED_BY_BOTH],
                         ids=[name for name, _, _ in REJECTED_BY_BOTH])
def test_both_reject(kind: Kind, document: dict[str, Any]) -> None:
    assert cerberus_issues(kind, document)
    assert json_errors(kind, document)
    assert_alike(kind, document)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.value)
def test_both_accept_the_base_documents_and_defaults(kind: Kind) -> None:
    assert assert_alike(kind, base(kind))
    # Cerberus puts the default in place of null, so null is accepted where a default exists
    assert assert_alike(kind, with_changes(kind, language=None))


@pytest.mark.parametrize(("kind", "document", "rule"), [(k, d, r) for _, k, d, r in ONLY_CERBERUS_REJECTS],
                         ids=[name for name, *_ in ONLY_CERBERUS_REJECTS])
def test_inexpressible_rules_are_documented(kind: Kind, document: dict[str, Any], rule: str) -> None:
    issues = cerberus_issues(kind, document)
    assert [i.rule for i in issues] == [rule]
    assert json_errors(kind, document) == []
    assert INEXPRESSIBLE_RULES[rule] in comments(EXPORTED[kind.value])


def test_known_differences_between_yaml_readers() -> None:
    """Values the two sides cannot see alike; the generators keep away from them."""
    # an unquoted date where text is expected: skillbook gets a date, an editor sees text
    assert cerberus_issues(Kind.MODULE, with_changes(Kind.MODULE, title=dt.date(2026, 1, 1)))
    assert not json_errors(Kind.MODULE, with_changes(Kind.MODULE, title=dt.date(2026, 1, 1)))
    # JSON Schema never counts a boolean as a number (Cerberus' `integer` does: see the report)
    assert json_errors(Kind.MODULE, with_changes(Kind.MODULE, order=True))
    # JSON Schema counts 5.0 as an integer; skillbook does not
    assert cerberus_issues(Kind.MODULE, with_changes(Kind.MODULE, order=5.0))
    assert not json_errors(Kind.MODULE, with_changes(Kind.MODULE, order=5.0))


# --- the exported schemas themselves --------------------------------------------------------------

def test_one_valid_2020_12_schema_per_kind() -> None:
    assert sorted(EXPORTED) == ["homework", "module", "skill"]
    for kind, schema in EXPORTED.items():
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == f"urn:skillbook:front-matter:1:{kind}"
        assert schema["additionalProperties"] is False
        assert set(schema["properties"]) == set(SCHEMAS.field_meta[Kind(kind)])
    assert json.dumps(EXPORTED, sort_keys=True) == json.dumps(export_json_schemas(SCHEMAS), sort_keys=True)


def test_hints_and_examples_show_on_hover() -> None:
    identifier = EXPORTED["skill"]["properties"]["id"]
    assert "lowercase" in identifier["description"]
    assert identifier["examples"] == ["wise-mind"]
    assert EXPORTED["skill"]["properties"]["updated"]["examples"] == ["2026-11-25"]
    assert EXPORTED["skill"]["properties"]["updated"]["format"] == "date"
    emotions = EXPORTED["skill"]["properties"]["tags"]["properties"]["emotions"]["items"]
    assert emotions["enum"] == EMOTIONS


def test_every_shipped_content_file_validates_against_the_exported_schema() -> None:
    project = load_project(REPO)
    sources, _ = discover(project)
    checked = {kind: 0 for kind in KINDS}
    problems = []
    for source in sources:
        if source.kind is Kind.PAGE:
            continue
        document, _ = read_document(source)
        assert document is not None and document.meta is not None, source.rel
        errors = json_errors(source.kind, document.data)
        problems.extend(f"{source.rel}: {error}" for error in errors)
        checked[source.kind] += 1
    assert not problems, "\n".join(problems)
    assert all(checked.values()), checked


def test_an_untranslatable_rule_is_a_configuration_error(tmp_path: Path) -> None:
    schemas_dir = tmp_path / "schemas"
    schemas_dir.mkdir()
    for path in (REPO / "schemas").glob("*.yml"):
        (schemas_dir / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    module = (schemas_dir / "module.yml").read_text(encoding="utf-8")
    (schemas_dir / "module.yml").write_text(module + "  mood: {type: string, forbidden: [grumpy],"
                                            " dependencies: [order]}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"module\.yml: the rule `dependencies` at `mood`"):
        export_json_schemas(load_schemas(schemas_dir))


def test_exports_other_cerberus_rules_faithfully(tmp_path: Path) -> None:
    """Rules the shipped schemas do not use yet, translated the same way."""
    schemas_dir = tmp_path / "schemas"
    schemas_dir.mkdir()
    for path in (REPO / "schemas").glob("*.yml"):
        (schemas_dir / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    module = (schemas_dir / "module.yml").read_text(encoding="utf-8")
    (schemas_dir / "module.yml").write_text(module + (
        "  mood: {type: string, nullable: true, forbidden: [grumpy], regex: 'calm|sleepy'}\n"
        "  scores: {type: dict, keysrules: {type: string, regex: '[a-z]+'}, valuesrules: {type: float, min: 0}}\n"
    ), encoding="utf-8")
    schemas: SchemaSet = load_schemas(schemas_dir, today=TODAY)
    exported = export_json_schemas(schemas)
    validator = Draft202012Validator(exported["module"])
    for extra in ({"mood": None}, {"mood": "calm"}, {"mood": "sleepy"}, {"mood": "calmer"}, {"mood": "grumpy"},
                  {"mood": "xcalm"}, {"scores": {"abc": 1.5}}, {"scores": {"abc": -1}}, {"scores": {"Abc": 1}},
                  {"scores": {"ab1": 1}}, {"scores": {"abc": "x"}}):
        document = {**base(Kind.MODULE), **extra}
        cerberus_ok = schemas.validators[Kind.MODULE].validate(copy.deepcopy(document))
        assert cerberus_ok == validator.is_valid(as_json_instance(document)), extra


# --- the command ----------------------------------------------------------------------------------

def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-P", "-m", "skillbook", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_cli_prints_one_object_keyed_by_kind(make_project: MakeProject) -> None:
    root = make_project()
    result = run(root, "schema", "export")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert list(printed) == ["homework", "module", "skill"]
    assert result.stdout == json.dumps(printed, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert printed == json.loads(json.dumps(EXPORTED))


def test_cli_writes_a_file_and_a_single_kind(make_project: MakeProject) -> None:
    root = make_project()
    result = run(root, "schema", "export", "--output", "editor/front-matter.json")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert sorted(json.loads((root / "editor" / "front-matter.json").read_text(encoding="utf-8"))) == [
        "homework", "module", "skill"]
    result = run(root, "schema", "export", "--kind", "skill", "-o", "skill.schema.json")
    assert result.returncode == 0, result.stderr
    assert json.loads((root / "skill.schema.json").read_text(encoding="utf-8"))["$id"].endswith(":skill")


@pytest.mark.parametrize("broken", ["common.yml", "vocabulary.yml"])
def test_cli_exits_2_for_broken_schemas(make_project: MakeProject, broken: str) -> None:
    root = make_project()
    (root / "schemas" / broken).write_text("id: [unclosed\n", encoding="utf-8")
    result = run(root, "schema", "export")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"schemas/{broken}" in result.stderr
    assert result.stdout == ""
