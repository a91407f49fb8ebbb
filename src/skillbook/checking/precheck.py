"""A front matter and its kind's Cerberus schema in, the normalized front matter out when it passes every
rule for certain, else None (then Cerberus checks it and words the problems).

Cerberus builds a child validator for every list, item and mapping of a document, twice (to normalize,
then to validate): on a large handbook that was a third of `skillbook validate`. Nearly every file is
valid, so this reads the same schema directly and answers the common case. It is conservative by
construction: any value it is not sure of (a rule it does not know, a null, a wrong type, a rule that
fails) sends the document to Cerberus, so it can only save time, never let a mistake through. The
custom rules (slug, vocabulary, unique ids ...) are Cerberus's own methods, run on a probe that only
notes whether they reported anything.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Mapping, Sized
from functools import cache
from typing import Any, Protocol

Rules = Mapping[str, Any]  # the rules of one field, as written in schemas/*.yml

# Rules evaluated here; `custom` rules come from the probe. Anything else in a schema turns the quick
# path off for that kind.
_BUILT_IN = frozenset({"type", "required", "nullable", "default", "meta", "schema", "empty", "minlength",
                       "maxlength", "allowed", "min", "max", "regex", "keysrules", "valuesrules"})
_NOT_CHECKS = frozenset({"type", "required", "nullable", "default", "meta", "schema", "keysrules", "valuesrules"})


class Probe(Protocol):
    """Runs one custom rule the way the Cerberus validator would; `failed` once any of them reported."""

    failed: bool

    def run(self, rule: str, constraint: Any, field: Any, value: Any) -> None: ...


class TypeDefinition(Protocol):
    included_types: tuple[type, ...]
    excluded_types: tuple[type, ...]


class _Doubt(Exception):
    """Something Cerberus may report: leave the document to it."""


class Precheck:
    """The quick path for one kind's schema."""

    def __init__(self, schema: Mapping[str, Rules], types: Mapping[str, TypeDefinition], custom: Iterable[str],
                 probe: Callable[[Any], Probe]) -> None:
        self.schema, self.types, self.probe = schema, types, probe
        self.enabled = _understood(schema, frozenset(custom), types)

    def __call__(self, document: Any) -> dict[str, Any] | None:
        if not self.enabled or not isinstance(document, dict):
            return None
        probe = self.probe(document)  # custom rules read the whole document only to word their hints
        try:
            normalized = self._mapping(document, self.schema, probe)
        except _Doubt:
            return None
        return normalized

    def _mapping(self, mapping: Mapping[Any, Any], schema: Mapping[str, Rules], probe: Probe) -> dict[Any, Any]:
        result = dict(mapping)
        for field, rules in schema.items():  # Cerberus fills defaults in, also for a value left empty
            if "default" in rules and (field not in result or (result[field] is None
                                       and not rules.get("nullable", False))):
                result[field] = copy.deepcopy(rules["default"])
        for field, value in result.items():
            known = schema.get(field)
            if known is None:
                raise _Doubt  # an unknown field
            result[field] = self._value(field, value, known, probe)
        if any(rules.get("required") is True and field not in result for field, rules in schema.items()):
            raise _Doubt
        return result

    def _value(self, field: Any, value: Any, rules: Rules, probe: Probe) -> Any:
        if value is None:
            raise _Doubt
        kinds = _kinds(rules)
        if kinds and not any(self._is(value, kind) for kind in kinds):
            raise _Doubt
        # containers first, as Cerberus normalizes the whole document before it checks it
        if isinstance(value, Mapping):
            if "valuesrules" in rules:
                value = {key: self._value(key, item, rules["valuesrules"], probe) for key, item in value.items()}
            for key in value if "keysrules" in rules else ():
                self._value(key, key, rules["keysrules"], probe)
            if "schema" in rules and "dict" in kinds:
                value = self._mapping(value, rules["schema"], probe)
        elif "schema" in rules and "list" in kinds and not isinstance(value, str):
            value = [self._item(index, item, rules["schema"], probe) for index, item in enumerate(value)]
        for rule, constraint in rules.items():
            if rule in _NOT_CHECKS:
                continue
            if rule in _CHECKS:
                if not _CHECKS[rule](constraint, value):
                    raise _Doubt
            else:
                probe.run(rule, constraint, field, value)
                if probe.failed:
                    raise _Doubt
        return value

    def _item(self, index: int, item: Any, rules: Rules, probe: Probe) -> Any:
        if item is None and "default" in rules and not rules.get("nullable", False):
            item = copy.deepcopy(rules["default"])
        return self._value(index, item, rules, probe)

    def _is(self, value: Any, kind: str) -> bool:
        found = self.types[kind]
        return isinstance(value, found.included_types) and not isinstance(value, found.excluded_types)


def _kinds(rules: Rules) -> tuple[str, ...]:
    kinds = rules.get("type") or ()
    return (kinds,) if isinstance(kinds, str) else tuple(kinds)


def _understood(schema: Any, custom: frozenset[str], types: Mapping[str, Any]) -> bool:
    """Whether every rule of the schema (and of its nested schemas) is one this module evaluates."""
    if not isinstance(schema, Mapping):
        return False
    return all(_rules_understood(rules, custom, types) for rules in schema.values())


def _rules_understood(rules: Any, custom: frozenset[str], types: Mapping[str, Any]) -> bool:
    if not isinstance(rules, Mapping) or not set(rules) <= _BUILT_IN | custom:
        return False
    kinds = _kinds(rules)
    if not all(isinstance(kind, str) and kind in types for kind in kinds):
        return False
    if any(rule in rules and not _rules_understood(rules[rule], custom, types)
           for rule in ("keysrules", "valuesrules")):
        return False
    if "schema" not in rules:
        return True
    # a dict's schema names its fields, a list's is the rules of every item: the type says which
    if "dict" in kinds and "list" not in kinds:
        return _understood(rules["schema"], custom, types)
    if "list" in kinds and "dict" not in kinds:
        return _rules_understood(rules["schema"], custom, types)
    return False


def _empty(allowed: bool, value: Any) -> bool:
    return allowed or not (isinstance(value, Sized) and len(value) == 0)


def _min_length(limit: int, value: Any) -> bool:
    return not (isinstance(value, Iterable) and isinstance(value, Sized) and len(value) < limit)


def _max_length(limit: int, value: Any) -> bool:
    return not (isinstance(value, Iterable) and isinstance(value, Sized) and len(value) > limit)


def _allowed(allowed: Any, value: Any) -> bool:
    if isinstance(value, Iterable) and not isinstance(value, str):
        return all(item in allowed for item in value)
    return value in allowed


def _min(limit: Any, value: Any) -> bool:
    try:
        return not value < limit
    except TypeError:  # Cerberus leaves values that cannot be compared to the type rule
        return True


def _max(limit: Any, value: Any) -> bool:
    try:
        return not value > limit
    except TypeError:
        return True


@cache
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern if pattern.endswith("$") else pattern + "$")  # as Cerberus anchors it


def _regex(pattern: str, value: Any) -> bool:
    return not isinstance(value, str) or _pattern(pattern).match(value) is not None


_CHECKS: dict[str, Callable[[Any, Any], bool]] = {
    "empty": _empty, "minlength": _min_length, "maxlength": _max_length, "allowed": _allowed,
    "min": _min, "max": _max, "regex": _regex,
}
