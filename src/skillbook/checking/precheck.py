"""A front matter and its kind's Cerberus schema in, the normalized front matter out when it passes every
rule for certain, else None (then Cerberus checks it and words the problems).

Cerberus builds a child validator for every list, item and mapping of a document, twice (to normalize,
then to validate): on a large handbook that was a third of `skillbook validate`. Nearly every file is
valid, so this reads the same schema directly and answers the common case. It is conservative by
construction: any value it is not sure of (a rule it does not know, a null, a wrong type, a rule that
fails) sends the document to Cerberus, so it can only save time, never let a mistake through. The
custom rules (slug, vocabulary, unique ids ...) are Cerberus's own methods, run on a probe that only
notes whether they reported anything. A schema's `regex` rules run here and in Cerberus on the same
compiled pattern (`schema_pattern`).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sized
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol, cast

import re2  # type: ignore[import-untyped]

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


@dataclass(frozen=True)
class _Plan:
    types: tuple[tuple[tuple[type, ...], tuple[type, ...]], ...]  # (included, excluded) of each type allowed
    values: Rules | None  # valuesrules
    keys: Rules | None  # keysrules
    fields: Mapping[str, Rules] | None  # the schema of a dict
    items: Rules | None  # the schema of each item of a list
    checks: tuple[tuple[Callable[[Any, Any], bool], Any], ...]
    custom: tuple[tuple[str, Any], ...]


# What front matter is made of (datetimes are dates); anything else (None included) goes to Cerberus.
_YAML_TYPES = (str, bool, int, float, dt.date, dict, list)


class _Doubt(Exception):
    """Something Cerberus may report: leave the document to it."""


class Precheck:
    """The quick path for one kind's schema."""

    def __init__(self, schema: Mapping[str, Rules], types: Mapping[str, TypeDefinition], custom: Iterable[str],
                 probe: Callable[[Any], Probe]) -> None:
        self.schema, self.types, self.probe = schema, types, probe
        self.enabled = _understood(schema, frozenset(custom), types)
        self._plans: dict[int, _Plan] = {}  # by the id of a rules mapping of the schema (they live as long)

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
        if not isinstance(value, _YAML_TYPES):
            raise _Doubt  # a null, or something no YAML document holds
        plan = self._plans.get(id(rules)) or self._plan(rules)
        if plan.types and not any(isinstance(value, included) and not isinstance(value, excluded)
                                  for included, excluded in plan.types):
            raise _Doubt
        # containers first, as Cerberus normalizes the whole document before it checks it (YAML gives
        # plain dicts and lists; asking the abstract Mapping was a third of the time)
        if isinstance(value, dict):
            if plan.values is not None:
                value = {key: self._value(key, item, plan.values, probe) for key, item in value.items()}
            if plan.keys is not None:
                for key in value:
                    self._value(key, key, plan.keys, probe)
            if plan.fields is not None:
                value = self._mapping(value, plan.fields, probe)
        elif plan.items is not None and isinstance(value, list):
            value = [self._item(index, item, plan.items, probe) for index, item in enumerate(value)]
        for check, constraint in plan.checks:
            if not check(constraint, value):
                raise _Doubt
        for rule, constraint in plan.custom:
            probe.run(rule, constraint, field, value)
            if probe.failed:
                raise _Doubt
        return value

    def _plan(self, rules: Rules) -> _Plan:
        """What `_value` does with a value under these rules, worked out once."""
        kinds = _kinds(rules)
        plan = _Plan(
            types=tuple((self.types[k].included_types, self.types[k].excluded_types) for k in kinds),
            values=rules.get("valuesrules"), keys=rules.get("keysrules"),
            fields=rules.get("schema") if "dict" in kinds else None,
            items=rules.get("schema") if "list" in kinds else None,
            checks=tuple((_CHECKS[rule], constraint) for rule, constraint in rules.items() if rule in _CHECKS),
            custom=tuple((rule, constraint) for rule, constraint in rules.items()
                         if rule not in _NOT_CHECKS and rule not in _CHECKS),
        )
        self._plans[id(rules)] = plan
        return plan

    def _item(self, index: int, item: Any, rules: Rules, probe: Probe) -> Any:
        if item is None and "default" in rules and not rules.get("nullable", False):
            item = copy.deepcopy(rules["default"])
        return self._value(index, item, rules, probe)


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


class Pattern(Protocol):
    """A compiled `regex` rule: `match` anchors at the start of the text, as Python's does."""

    def match(self, text: str) -> object | None: ...


class PatternError(ValueError):
    """A `regex` rule the engine cannot run; the message is the engine's reason."""


_RE2 = re2.Options()
_RE2.log_errors = False  # the reason is reported once, as a configuration error, not on stderr


@cache
def schema_pattern(pattern: str) -> Pattern:
    """A `regex` rule of schemas/*.yml, compiled once and anchored at the end as Cerberus anchors it.

    The schemas are files a contribution can change, and Python's engine backtracks: a pattern such as
    `^(a+)+$` takes hours on a value of forty characters. RE2 matches in time linear in the value, and
    refuses what needs backtracking (backreferences, lookaround): `PatternError`. Its `$` is the end of
    the value, never a place before a final newline, and its `\\d`, `\\s` and `\\w` are ASCII only."""
    try:
        return cast(Pattern, re2.compile(pattern if pattern.endswith("$") else pattern + "$", _RE2))
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "not a pattern"
        raise PatternError(reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)) from None


def _regex(pattern: str, value: Any) -> bool:
    try:
        return not isinstance(value, str) or schema_pattern(pattern).match(value) is not None
    except PatternError:
        return False  # Cerberus says why


_CHECKS: dict[str, Callable[[Any, Any], bool]] = {
    "empty": _empty, "minlength": _min_length, "maxlength": _max_length, "allowed": _allowed,
    "min": _min, "max": _max, "regex": _regex,
}
