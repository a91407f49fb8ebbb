"""JSON Schema documents in, validators out: which schema each bundle file answers to, and checking it.

The schemas live in the repository's `schemas/bundle/` and travel inside every bundle under
`schemas/`. Their `$id`s are URNs, `urn:skillbook:bundle:<format major>:<name>`, so a schema is
found by name (not by where it was downloaded from) and a format major version has one set.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]
from jsonschema.exceptions import SchemaError, ValidationError  # type: ignore[import-untyped, unused-ignore]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from skillbook.bundle.errors import BundleError
from skillbook.bundle.export import CHANGELOG, CRISIS, FORMAT_MAJOR

META_SCHEMA = "https://json-schema.org/draft/2020-12/schema"
DATAPACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
SCHEMA_NAMES = ("changelog", "common", "crisis", "datapackage", "homework", "index", "module", "questionnaire",
                "skill")
MANIFEST = "datapackage.json"
_ITEM_PATHS = (
    (re.compile(r"^modules/[a-z0-9]+(-[a-z0-9]+)*\.json$"), "module"),
    (re.compile(r"^skills/[a-z0-9]+(-[a-z0-9]+)*\.json$"), "skill"),
    (re.compile(r"^homework/[a-z0-9]+(-[a-z0-9]+)*\.json$"), "homework"),
    (re.compile(r"^fhir/Questionnaire-[a-z0-9]+(-[a-z0-9]+)*\.json$"), "questionnaire"),
)


def schema_id(name: str, major: int = FORMAT_MAJOR) -> str:
    return f"urn:skillbook:bundle:{major}:{name}"


def schema_path(name: str) -> str:
    """Where schema `name` sits inside a bundle."""
    return f"schemas/{name}.schema.json"


def schema_name_for(path: str) -> str | None:
    """The schema a bundle file must validate against, by its path (None: not a file a bundle has).
    Schema files themselves answer to the meta-schema: their name is returned as `meta`."""
    if path == "index.json":
        return "index"
    if path == CRISIS:
        return "crisis"
    if path == CHANGELOG:
        return "changelog"
    if path == MANIFEST:
        return "datapackage"
    for pattern, name in _ITEM_PATHS:
        if pattern.match(path):
            return name
    if path in {schema_path(name) for name in SCHEMA_NAMES}:
        return "meta"
    return None


def expected_schema_ref(path: str) -> str | None:
    """The `jsonSchema` a manifest resource with this path must carry: the bundle path of its JSON
    Schema; None for the schema files themselves (they name their meta-schema in `$schema`) and for
    files a bundle does not have."""
    name = schema_name_for(path)
    if name is None or name == "meta":
        return None
    return schema_path(name)


def mediatype_for(path: str) -> str:
    if path.startswith("fhir/"):
        return "application/fhir+json"
    if path.startswith("schemas/"):
        return "application/schema+json"
    return "application/json"


class SchemaSet:
    """Validators for every bundle file type, built from the schema documents of one format version."""

    def __init__(self, documents: Mapping[str, Mapping[str, Any]], *, origin: str = "schemas") -> None:
        problems = []
        for name in SCHEMA_NAMES:
            document = documents.get(name)
            if document is None:
                problems.append(f"{origin}/{name}.schema.json: missing")
                continue
            if document.get("$id") != schema_id(name):
                problems.append(f"{origin}/{name}.schema.json: `$id` is {document.get('$id')!r}, "
                                f"expected {schema_id(name)!r}")
            problem = _schema_problem(json.dumps(document, sort_keys=True))
            if problem:
                problems.append(f"{origin}/{name}.schema.json: not a valid JSON Schema 2020-12: {problem}")
        if problems:
            raise BundleError(problems)
        resources = [(schema_id(name), Resource.from_contents(dict(documents[name]), default_specification=DRAFT202012))
                     for name in SCHEMA_NAMES]
        self.registry: Registry[Any] = Registry().with_resources(resources)
        self.validators = {name: Draft202012Validator(dict(documents[name]), registry=self.registry)
                           for name in SCHEMA_NAMES}

    def errors(self, name: str, instance: Any) -> Iterator[str]:
        """Readable problems of `instance` against schema `name`: `at /fields/0/type: ... `."""
        found: list[ValidationError] = sorted(self.validators[name].iter_errors(instance),
                                              key=lambda e: [str(p) for p in e.absolute_path])
        for error in found:
            where = "/" + "/".join(str(p) for p in error.absolute_path)
            yield f"at {where}: {_message(error)}"


@cache
def _schema_problem(text: str) -> str | None:
    """Checking a schema against the meta-schema is slow; the same schema is checked once per process."""
    try:
        Draft202012Validator.check_schema(json.loads(text))
    except SchemaError as exc:
        return str(exc.message)
    return None


def _message(error: ValidationError) -> str:
    """The most specific message: for `oneOf`/`anyOf` failures, the best matching branch's."""
    if error.context:
        best = min(error.context, key=lambda e: (-len(e.absolute_path), len(e.message)))
        return str(best.message)
    return str(error.message)
