"""Schema files (`schemas/*.yml`) in, one reusable front-matter checker per kind out.

The checker runs Cerberus with our custom rules and turns each Cerberus error into an Issue
with the line of the offending value, the field path, and a hint taken from the schema's `meta`.
A schema's `regex` rules run on RE2 (no backtracking, see `precheck.schema_pattern`): one it cannot
run is a configuration error, reported when the schemas are read.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cerberus import TypeDefinition, Validator, errors
from cerberus.schema import DefinitionSchema

from skillbook.checking.limits import LIMITS
from skillbook.checking.precheck import PatternError, Precheck, schema_pattern
from skillbook.errors import ConfigError
from skillbook.issues import Issue
from skillbook.reading.config import LANGUAGE_TAG, SEMVER
from skillbook.reading.discover import Kind
from skillbook.reading.placenames import ITEM_NOUNS, describe, ordinal
from skillbook.reading.vocabulary import COLUMN_SETS, DEFAULT_BANDS, SLUG, Band, Term, read_schema_file, read_vocabulary
from skillbook.reading.yamlload import LoadedYaml, PathKey

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_ABBREVIATIONS = ("e.g.", "i.e.", "Dr.", "Mr.", "Ms.", "Mrs.", "etc.", "vs.", "St.")
_SEP = "\x1f"  # separates rule, message, hint and sub-path inside a custom Cerberus error

# What each homework field type needs and allows, beyond id, label, type, required and help.
FIELD_KEYS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "text": (frozenset(), frozenset()),
    "long_text": (frozenset(), frozenset()),
    "date": (frozenset(), frozenset()),
    "time": (frozenset(), frozenset()),
    "yes_no": (frozenset(), frozenset()),
    "number": (frozenset(), frozenset({"min", "max"})),
    "rating": (frozenset({"min", "max"}), frozenset({"min", "max", "anchors"})),
    "checklist": (frozenset({"options"}), frozenset({"options"})),
    "choice": (frozenset({"options"}), frozenset({"options"})),
    "grid": (frozenset({"rows", "columns"}), frozenset({"rows", "columns"})),
    "contacts": (frozenset(), frozenset({"blanks", "crisis_services"})),
}
_FIELD_EXAMPLES = {
    "min": "min: 0", "max": "max: 5", "options": "options: [First option, Second option]",
    "rows": "rows: [{id: sadness, label: Sadness, type: rating, min: 0, max: 5}]",
    "columns": "columns: week",
}
MAX_RATING_STEPS = 11  # a rating prints as one row of boxes; 0-10 is the widest that stays legible
_OPTION_KEYS = frozenset({"label", "skill", "id"})
_COLUMN_KEYS = frozenset({"id", "label"})
IDS_COMMAND = "`skillbook ids` proposes one for every option, column and step that has none"


_LINKING_WORDS = frozenset({"a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "by", "with", "for",
                            "from", "your", "my", "their", "is", "be", "it"})


def proposed_id(label: str) -> str:
    """An id made from a label (`Stay mindful` -> `stay-mindful`; long labels give their first words):
    only ever proposed to the author, never assumed."""
    words = re.sub(r"[^a-z0-9]+", "-", re.sub(r"['’]", "", label.casefold())).strip("-").split("-")
    kept: list[str] = []
    for word in words:
        if kept and (len(kept) == 4 or len("-".join([*kept, word])) > 24):
            break
        kept.append(word)
    while len(kept) > 1 and kept[-1] in _LINKING_WORDS:
        kept.pop()
    return "-".join(w for w in kept if w) or "item"


def _custom(rule: str, message: str, hint: str = "", subpath: PathKey = ()) -> str:
    return _SEP.join([rule, message, hint, "/".join(str(p) for p in subpath)])


def _decode_custom(text: str) -> tuple[str, str, str, tuple[str, ...]]:
    rule, message, hint, subpath = text.split(_SEP)
    return rule, message, hint, tuple(p for p in subpath.split("/") if p)


class ContentRules:
    """The rules our content model adds to Cerberus, as `_validate_<rule>` methods that report with
    `self._error`. Cerberus runs them in `ContentValidator`; the quick path runs them on a `_Probe`."""

    _config: dict[str, Any]  # the validator's settings: vocabulary=, aliases=, today=
    root_document: Any
    _error: Callable[..., None]

    def _validate_slug(self, constraint: bool, field: str, value: Any) -> None:
        """{'type': 'boolean'}"""
        if constraint and isinstance(value, str) and not SLUG.fullmatch(value):
            self._error(field, _custom("slug", f"`{value}` is not a valid id",
                                       "use lowercase letters, digits and single hyphens, "
                                       f"e.g. `{proposed_id(value)}`"))

    def _validate_semver(self, constraint: bool, field: str, value: Any) -> None:
        """{'type': 'boolean'}"""
        if constraint and isinstance(value, str) and not SEMVER.fullmatch(value):
            self._error(field, _custom("semver", f"`{value}` is not a SemVer version",
                                       "write MAJOR.MINOR.PATCH, e.g. 1.0.0"))

    def _validate_language_tag(self, constraint: bool, field: str, value: Any) -> None:
        """{'type': 'boolean'}"""
        if constraint and isinstance(value, str) and not LANGUAGE_TAG.fullmatch(value):
            self._error(field, _custom("language-tag", f"`{value}` is not a BCP 47 language tag",
                                       "use a tag such as en, es, de or pt-BR"))

    def _validate_one_sentence(self, constraint: bool, field: str, value: Any) -> None:
        """{'type': 'boolean'}"""
        if not constraint or not isinstance(value, str):
            return
        parts = _SENTENCE_BREAK.split(value.strip())
        real_breaks = [p for p in parts[:-1] if not p.endswith(_ABBREVIATIONS)]
        if "\n" in value.strip() or real_breaks:
            self._error(field, _custom("one-sentence", "the summary should be one sentence",
                                       "keep one sentence here; the body has room for more"))

    def _validate_vocabulary(self, constraint: str, field: str, value: Any) -> None:
        """{'type': 'string'}"""
        words: set[str] = self._config["vocabulary"].get(constraint, set())
        if isinstance(value, str) and value not in words:
            tags = self.root_document.get("tags") if isinstance(self.root_document, dict) else None
            listed = {k: set(v) for k, v in tags.items() if isinstance(v, list) and all(
                isinstance(w, str) for w in v)} if isinstance(tags, dict) else {}
            message, hint = vocabulary_hint(value, constraint, self._config["vocabulary"],
                                            self._config.get("aliases") or {}, listed)
            self._error(field, _custom("vocabulary", message, hint))

    def _validate_ordered_dates(self, constraint: bool, field: str, value: Any) -> None:
        """{'type': 'boolean'}"""
        if not constraint or not isinstance(value, dict):
            return
        reviewed, due = value.get("reviewed_on"), value.get("next_review")
        today = self._config.get("today") or dt.date.today()
        if isinstance(reviewed, dt.date) and reviewed > today:
            self._error(field, _custom("review-in-future", f"reviewed_on {reviewed} is in the future",
                                       "record a review only after it took place", ("reviewed_on",)))
        if isinstance(reviewed, dt.date) and isinstance(due, dt.date) and due <= reviewed:
            self._error(field, _custom("review-dates", f"next_review {due} is not after reviewed_on {reviewed}",
                                       "set next_review to a later date, e.g. a year after the review",
                                       ("next_review",)))

    def _validate_unique_ids(self, constraint: bool, field: str, value: Any) -> None:
        """{'type': 'boolean'}"""
        if not constraint or not isinstance(value, list):
            return
        noun = ITEM_NOUNS.get(field, "item")
        seen: dict[str, int] = {}
        for index, item in enumerate(value):
            ident = item.get("id") or item.get("skill") if isinstance(item, dict) else None
            if not isinstance(ident, str):
                continue
            if ident in seen:
                key = "id" if "id" in item else "skill"
                self._error(field, _custom("duplicate-id",
                                           f"the {ordinal(seen[ident] + 1)} and the {ordinal(index + 1)} {noun} "
                                           f"both have the id `{ident}`",
                                           f"give every {noun} its own id", (index, key)))
            else:
                seen[ident] = index

    def _validate_field_conditions(self, constraint: bool, field: str, value: Any) -> None:
        """{'type': 'boolean'}"""
        if not constraint or not isinstance(value, list):
            return
        earlier: dict[str, dict[str, Any]] = {}
        starts: list[int] = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                continue
            condition = item.get("show_if")
            if isinstance(condition, dict) and isinstance(condition.get("field"), str):
                problem = _condition_problem(condition, earlier)
                if problem:
                    self._error(field, _custom("show-if", problem[0], problem[1], (index, "show_if", problem[2])))
            if isinstance(item.get("id"), str):
                earlier.setdefault(item["id"], item)
            if item.get("start_here") is True:
                starts.append(index)
        for index in starts[1:]:  # the client's own copy opens at one place
            self._error(field, _custom("start-here", f"the {ordinal(starts[0] + 1)} and the {ordinal(index + 1)} "
                                       "field both have `start_here`",
                                       "keep `start_here: true` on the one field the client's own copy opens at",
                                       (index, "start_here")))

    def _validate_columns(self, constraint: bool, field: str, value: Any) -> None:
        """{'type': 'boolean'}"""
        if not constraint:
            return
        if isinstance(value, str):
            if value not in COLUMN_SETS:
                self._error(field, _custom("columns", f"`{value}` is not a set of columns",
                                           "write `columns: week` for the days of a week, or a list of "
                                           "`{id: ..., label: ...}`"))
            return
        if not isinstance(value, list):
            return
        for index, column in enumerate(value):
            if isinstance(column, str):
                self._error(field, _custom("column-id", f"the column `{column}` has no id",
                                           f"write it as `{{id: {proposed_id(column)}, label: {column}}}`; "
                                           + IDS_COMMAND, (index,)))
            elif not isinstance(column, dict) or set(map(str, column)) - _COLUMN_KEYS or not all(
                    isinstance(column.get(k), str) and column[k].strip() for k in _COLUMN_KEYS):
                self._error(field, _custom("column", "a column is `{id: ..., label: ...}`",
                                           "write e.g. `{id: morning, label: Morning}`", (index,)))
            elif not SLUG.fullmatch(column["id"]):
                self._error(field, _custom("column", f"the column id `{column['id']}` is not an id",
                                           f"use lowercase letters, digits and hyphens, e.g. "
                                           f"`{proposed_id(column['id'])}`", (index, "id")))
            elif len(column["label"]) > 20:
                self._error(field, _custom("column", "a column label has at most 20 characters",
                                           "shorten it", (index, "label")))
        self._validate_unique_ids(True, "columns", value)

    def _validate_option(self, constraint: bool, field: str, value: Any) -> None:
        """{'type': 'boolean'}"""
        if not constraint:
            return
        if isinstance(value, str):
            self._error(field, _custom("option-id", f"the option `{value}` has no id",
                                       f"write it as `{{id: {proposed_id(value)}, label: {value}}}`; "
                                       + IDS_COMMAND))
            return
        if not isinstance(value, dict):
            return
        unknown = sorted(set(map(str, value)) - _OPTION_KEYS)
        if unknown:
            self._error(field, _custom("option", f"unknown option key(s): {', '.join(unknown)}",
                                       "an option is {id: ..., label: ...}, or {label: ..., skill: <skill-id>}"))
        if not isinstance(value.get("label"), str) or not value["label"].strip():
            self._error(field, _custom("option", "an option needs a `label`",
                                       "write {id: used-wise-mind, label: Used wise mind}"))
        for key in ("skill", "id"):
            if isinstance(value.get(key), bool | int | float):
                written = {True: "yes", False: "no"}.get(value[key], value[key]) \
                    if isinstance(value[key], bool) else value[key]
                self._error(field, _custom("option", f"option `{key}` is read as {_describe(value[key])}, "
                                           "not as an id", f'put it in quotes: `{key}: "{written}"`', (key,)))
            elif key in value and not (isinstance(value[key], str) and SLUG.fullmatch(value[key])):
                self._error(field, _custom("option", f"option `{key}` must be an id like `wise-mind`",
                                           "use the id of an existing skill" if key == "skill"
                                           else "use lowercase letters, digits and hyphens", (key,)))
        if "id" not in value and "skill" not in value and isinstance(value.get("label"), str):
            self._error(field, _custom("option-id", f"the option `{value['label']}` has no id",
                                       f"add `id: {proposed_id(value['label'])}`; " + IDS_COMMAND))

    def _validate_homework_field(self, constraint: bool, field: str, value: Any) -> None:
        """{'type': 'boolean'}"""
        if not constraint or not isinstance(value, dict) or not isinstance(value.get("type"), str) \
                or value["type"] not in FIELD_KEYS:
            return
        kind = value["type"]
        needed, allowed = FIELD_KEYS[kind]
        for key in sorted(needed - set(value)):
            self._error(field, _custom("field-type-keys", f"a `{kind}` field needs `{key}`",
                                       f"add `{_FIELD_EXAMPLES[key]}`"))
        for key in sorted({"min", "max", "anchors", "options", "rows", "columns", "blanks", "crisis_services"}
                          & set(value) - allowed):
            self._error(field, _custom("field-type-keys", f"`{key}` does not apply to a `{kind}` field",
                                       f"remove `{key}`, or change the type", (key,)))
        low, high = value.get("min"), value.get("max")
        numbers = isinstance(low, int | float) and isinstance(high, int | float)
        if numbers and not low < high:  # type: ignore[operator]
            self._error(field, _custom("min-max", f"min ({low}) must be less than max ({high})",
                                       "swap them, e.g. min: 0 and max: 5", ("max",)))
        if kind == "rating":
            self._check_rating(field, value, low, high)

    def _check_rating(self, field: str, value: dict[str, Any], low: Any, high: Any) -> None:
        for key, bound in (("min", low), ("max", high)):
            if bound is not None and not isinstance(bound, int):
                self._error(field, _custom("rating-scale", f"a rating's `{key}` must be a whole number",
                                           "use whole numbers such as 0 and 5", (key,)))
        if not (isinstance(low, int) and isinstance(high, int) and low < high):
            return
        if high - low + 1 > MAX_RATING_STEPS:
            self._error(field, _custom("rating-scale", f"a rating from {low} to {high} has too many points",
                                       f"use at most {MAX_RATING_STEPS} points, e.g. 0 to 10", ("max",)))
        anchors = value.get("anchors")
        if isinstance(anchors, dict):
            for point in anchors:
                if isinstance(point, int) and not low <= point <= high:
                    self._error(field, _custom("rating-anchor", f"anchor {point} is outside {low}-{high}",
                                               f"anchor only points between {low} and {high}",
                                               ("anchors", point)))


class ContentValidator(ContentRules, Validator):  # type: ignore[misc]
    """Cerberus with the rules our content model needs. Needs `vocabulary=` (a dict of sets)."""

    types_mapping = Validator.types_mapping.copy()
    types_mapping["day"] = TypeDefinition("day", (dt.date,), (dt.datetime,))
    # YAML `true` is not a number of minutes (Python's bool is an int subclass)
    types_mapping["integer"] = TypeDefinition("integer", (int,), (bool,))
    types_mapping["float"] = TypeDefinition("float", (float, int), (bool,))

    def _validate_regex(self, pattern: str, field: str, value: Any) -> None:
        """{'type': 'string'}"""
        # Cerberus's own rule, on the engine that cannot backtrack (and the quick path's compiled pattern)
        if not isinstance(value, str):
            return
        try:
            compiled = schema_pattern(pattern)
        except PatternError as exc:  # a rule the check at loading cannot reach (inside `anyof` ...)
            raise ConfigError(f"schemas: the `regex` rule `{pattern}` cannot be used: {exc}") from None
        if compiled.match(value) is None:
            self._error(field, errors.REGEX_MISMATCH)


CUSTOM_RULES = frozenset(name.removeprefix("_validate_") for name in vars(ContentRules)
                         if name.startswith("_validate_"))


class _Probe(ContentRules):
    """Runs the custom rules outside Cerberus and only notes whether one of them reported a problem."""

    def __init__(self, config: dict[str, Any], document: Any) -> None:
        self._config, self.root_document, self.failed = config, document, False

    def _error(self, *_args: Any) -> None:
        self.failed = True

    def run(self, rule: str, constraint: Any, field: Any, value: Any) -> None:
        getattr(self, f"_validate_{rule}")(constraint, field, value)


class _CheckedSchema(DefinitionSchema):  # type: ignore[misc]
    """A schema Cerberus already checked when the validator was built.

    Cerberus re-checks and re-expands the whole schema on every copy and every item it sets while
    normalizing a document; that was most of the cost of validating a large handbook.
    """

    def validate(self, schema: Any = None) -> None:
        pass

    def copy(self) -> _CheckedSchema:
        # Cerberus copies the schema for every document it normalizes; a copy made through
        # __init__ builds a schema validator and expands every rule again
        duplicate: _CheckedSchema = object.__new__(type(self))
        duplicate.validator, duplicate.schema = self.validator, self.schema.copy()
        return duplicate

    def __setitem__(self, key: Any, value: Any) -> None:
        self.schema[key] = value  # Cerberus only sets rules it read from this schema, expanded already


_OTHER_KIND = {"emotions": "situations", "situations": "emotions"}


def vocabulary_hint(value: str, kind: str, vocabulary: dict[str, set[str]],
                    aliases: dict[str, tuple[str, str]], listed: dict[str, set[str]] | None = None
                    ) -> tuple[str, str]:
    """Why a tag is refused and what to write: the word it is an everyday name for, the other tag
    kind it belongs to, the near misses, then every allowed word, the closest first."""
    noun = ITEM_NOUNS.get(kind, kind)
    words = vocabulary.get(kind, set())
    folded = value.casefold().strip()
    # a long list is easier to read with the likeliest words first; a short one reads best in order
    closest = sorted(words, key=lambda w: (-difflib.SequenceMatcher(None, folded, w).ratio(), w)) \
        if len(words) > 5 else sorted(words)
    allowed = f"the {kind} are: {', '.join(closest)}" if kind in _OTHER_KIND else f"use one of: {', '.join(closest)}"
    alias = aliases.get(folded)
    if alias and alias[0] == kind:
        return (f"`{value}` is not one of the {kind}; it is an everyday word for `{alias[1]}`",
                f"write `{alias[1]}`")
    other = _OTHER_KIND.get(kind)
    if other and (folded in vocabulary.get(other, set()) or (alias and alias[0] == other)):
        ident = folded if folded in vocabulary.get(other, set()) else alias[1] if alias else folded
        near = _near_words(folded, words, aliases, kind)
        also = f", or use the {noun} {' or '.join(f'`{w}`' for w in near)}" if near else ""
        named = f" (`{ident}`)" if ident != folded else ""
        article = "an" if noun[0] in "aeiou" else "a"
        message = f"`{value}` is a {ITEM_NOUNS[other]}{named}, not {article} {noun}"
        if ident in (listed or {}).get(other, set()):
            return message, f"remove it here: `{ident}` is already in `tags.{other}`" + also
        return message, f"move it to `tags.{other}`" + (f" as `{ident}`" if named else "") + also
    near = _near_words(folded, words, aliases, kind)
    guess = f"did you mean {' or '.join(f'`{w}`' for w in near)}? " if near else ""
    return f"`{value}` is not one of the allowed {kind}", guess + allowed


def _near_words(folded: str, words: set[str], aliases: dict[str, tuple[str, str]], kind: str) -> list[str]:
    """Allowed words that are a likely slip for `folded`: a close spelling of the word or of one of its
    everyday names (`stressed` for anxiety, when `stress` was written)."""
    spelled = difflib.get_close_matches(folded, sorted(words), n=2, cutoff=0.75)
    named = [ident for alias, (k, ident) in sorted(aliases.items()) if k == kind and len(folded) >= 4
             and (alias.startswith(folded) or folded.startswith(alias))]
    return list(dict.fromkeys([*spelled, *named]))[:2]


class Validators(Mapping[Kind, "ContentValidator"]):
    """One Cerberus validator per kind, built when first needed: checking a schema costs a fifth of a
    second, and a run whose every file is cached checks nothing."""

    def __init__(self, field_meta: dict[Kind, dict[str, Any]], settings: dict[str, Any]) -> None:
        self._fields, self._settings = field_meta, settings
        self._built: dict[Kind, ContentValidator] = {}
        self._prechecks: dict[Kind, Precheck] = {}

    def __getitem__(self, kind: Kind) -> ContentValidator:
        if kind not in self._built:
            try:
                validator = ContentValidator(self._fields[kind], **self._settings)
            except Exception as exc:  # Cerberus raises SchemaError and others for a malformed schema
                raise ConfigError(f"schemas/{kind.value}.yml: invalid schema: {exc}") from None
            validator._schema = _CheckedSchema(validator, validator.schema.schema)
            self._built[kind] = validator
            config = validator._config
            self._prechecks[kind] = Precheck(self._fields[kind], validator.types_mapping, CUSTOM_RULES,
                                             lambda document: _Probe(config, document))
        return self._built[kind]

    def precheck(self, kind: Kind) -> Precheck:
        """The quick path for documents of this kind (see `skillbook.checking.precheck`)."""
        self[kind]
        return self._prechecks[kind]

    def __iter__(self) -> Iterator[Kind]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def build_all(self) -> None:
        """Build every validator now (before worker processes fork, and so that a broken schema is
        reported at once)."""
        for kind in self._fields:
            self[kind]


@dataclass(frozen=True)
class SchemaSet:
    """The validators for every kind, built once, plus what the other checks need from schemas/."""

    validators: Validators
    field_meta: dict[Kind, dict[str, Any]]
    required_sections: dict[Kind, tuple[str, ...]]
    vocabulary: dict[str, dict[str, str]]  # emotions/situations: id -> label
    terms: dict[str, tuple[Term, ...]] = field(default_factory=dict)  # emotions/situations, in order
    bands: tuple[Band, ...] = DEFAULT_BANDS  # the intensity bands, weakest first


def load_schemas(schemas_dir: Path, *, today: dt.date | None = None) -> SchemaSet:
    """Read schemas/*.yml; a broken schema file is a configuration error (exit 2). The same files
    on the same day give the same validators: a preview rebuilding on every save reads them once."""
    files = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(schemas_dir.glob("*.yml")))
    return _load_schemas(schemas_dir, files, today)


@functools.lru_cache(maxsize=4)
def _load_schemas(schemas_dir: Path, files: tuple[tuple[str, int, int], ...], today: dt.date | None) -> SchemaSet:
    common = read_schema_file(schemas_dir / "common.yml")
    _check_patterns(common, "common.yml")
    terms, bands = read_vocabulary(schemas_dir / "vocabulary.yml")
    vocabulary = {name: {t.id: t.label for t in words} for name, words in terms.items()}
    vocabulary_sets = {name: set(words) for name, words in vocabulary.items()}
    vocabulary_sets["intensity"] = {band.id for band in bands}
    aliases = {a.casefold(): (kind, t.id) for kind, words in terms.items() for t in words
               for a in (*t.aliases, t.label)}
    field_meta: dict[Kind, dict[str, Any]] = {}
    sections: dict[Kind, tuple[str, ...]] = {}
    for kind in (Kind.MODULE, Kind.SKILL, Kind.HOMEWORK):
        data = read_schema_file(schemas_dir / f"{kind.value}.yml")
        _check_patterns(data.get("fields") or {}, f"{kind.value}.yml")
        field_meta[kind] = {**common, **(data.get("fields") or {})}
        sections[kind] = tuple((data.get("body") or {}).get("required_sections") or ())
    field_meta[Kind.PAGE] = read_schema_file(schemas_dir / "page.yml").get("fields") or {}
    _check_patterns(field_meta[Kind.PAGE], "page.yml")
    validators = Validators(field_meta, {"vocabulary": vocabulary_sets, "aliases": aliases, "today": today})
    return SchemaSet(validators, field_meta, sections, vocabulary, terms, bands)


def _check_patterns(fields: Any, file: str, path: tuple[str, ...] = ()) -> None:
    """Compile every `regex` rule of one schema file's fields now, so that a pattern RE2 cannot run
    stops the command at once, naming the file and the field."""
    if not isinstance(fields, Mapping):
        return
    for name, rules in fields.items():
        _check_rules(rules, file, (*path, str(name)))


def _check_rules(rules: Any, file: str, path: tuple[str, ...]) -> None:
    if not isinstance(rules, Mapping):
        return
    pattern = rules.get("regex")
    if isinstance(pattern, str):
        try:
            schema_pattern(pattern)
        except PatternError as exc:
            raise ConfigError(f"schemas/{file}: the `regex` rule of `{'.'.join(path)}` cannot be used: {exc} "
                              "(patterns run on RE2, which has no backreferences or lookaround; write the rule "
                              "without them)") from None
    for key in ("keysrules", "valuesrules"):
        _check_rules(rules.get(key), file, path)
    kinds = rules.get("type")
    if "list" in ((kinds,) if isinstance(kinds, str) else tuple(kinds or ())):
        _check_rules(rules.get("schema"), file, path)  # the rules of every item
    else:
        _check_patterns(rules.get("schema"), file, path)  # the fields of a mapping


def check_front_matter(
    schemas: SchemaSet, kind: Kind, rel: str, meta: LoadedYaml
) -> tuple[dict[str, Any], list[Issue], frozenset[str]]:
    """Validate one document's front matter: the normalized data, its issues (one per mistake), and
    the top-level fields with a problem. Values the YAML loader already reported (an impossible date,
    a line set aside after a syntax error) are not reported a second time."""
    data, issues, faulty = _check_schema(schemas, kind, rel, meta)
    too_large = _worksheet_size(rel, meta) if kind is Kind.HOMEWORK else None
    if too_large is None:
        return data, issues, faulty
    return data, [*issues, too_large], faulty | {"fields"}


def _check_schema(
    schemas: SchemaSet, kind: Kind, rel: str, meta: LoadedYaml
) -> tuple[dict[str, Any], list[Issue], frozenset[str]]:
    quick = schemas.validators.precheck(kind)(meta.data)
    if quick is not None:
        return quick, [], frozenset()
    validator = schemas.validators[kind]
    try:
        valid = validator.validate(meta.data)
    except TypeError:
        # Cerberus's normalization fails on a mapping where its schema expects a list of items
        # (`skills: {id: x}`); checked without it, that value is reported as the wrong type
        valid = validator.validate(meta.data, normalize=False)
    if valid:
        return dict(validator.document), [], frozenset()
    leaves = [e for e in _leaves(validator._errors) if not _already_reported(tuple(e.document_path), e, meta)]
    leaves, renamed = _typos_for_missing_fields(leaves)
    issues = [_translate(error, rel, meta, schemas.field_meta[kind], renamed.get(tuple(error.document_path)))
              for error in leaves]
    faulty = frozenset(str(e.document_path[0]) for e in _leaves(validator._errors) if e.document_path)
    normalized = validator.document if isinstance(validator.document, dict) else meta.data
    return dict(normalized), issues, faulty


def _worksheet_size(rel: str, meta: LoadedYaml) -> Issue | None:
    """A worksheet's paper form draws a box for every grid cell, option and rating point, and WeasyPrint
    takes time and memory for each: their total is capped (the lists' own caps multiply)."""
    fields = meta.data.get("fields") if isinstance(meta.data, dict) else None
    if not isinstance(fields, list):
        return None
    boxes = sum(_boxes(field) for field in fields)
    cap = LIMITS["worksheet-boxes"]
    if boxes <= cap:
        return None
    where = meta.key_position(("fields",))
    return Issue(rel, where.line, where.column, "worksheet-too-large",
                 f"the worksheet has {boxes} boxes to fill in (grid cells, options and rating points); "
                 f"a worksheet may have at most {cap}", "split it into several worksheets")


def _boxes(field: Any) -> int:
    if not isinstance(field, dict):
        return 0
    kind, rows, columns, options = field.get("type"), field.get("rows"), field.get("columns"), field.get("options")
    if kind == "grid" and isinstance(rows, list):
        width = len(COLUMN_SETS.get(columns, ())) if isinstance(columns, str) else \
            len(columns) if isinstance(columns, list) else 1
        return len(rows) * max(width, 1)
    if kind in ("choice", "checklist") and isinstance(options, list):
        return len(options)
    low, high = field.get("min"), field.get("max")
    if kind == "rating" and isinstance(low, int) and isinstance(high, int):
        return max(1, min(high - low + 1, MAX_RATING_STEPS))  # a wider scale is refused by its own rule
    return 1


def _already_reported(path: PathKey, error: Any, meta: LoadedYaml) -> bool:
    if any(p.path is not None and path[:len(p.path)] == p.path for p in meta.problems):
        return True
    return error.code == errors.REQUIRED_FIELD.code and str(path[-1]) in meta.set_aside


def _typos_for_missing_fields(leaves: list[Any]) -> tuple[list[Any], dict[PathKey, str]]:
    """`sumary:` is one mistake, not an unknown field plus a missing `summary`: the unknown key that
    is a near miss of a missing required key takes the place of both."""
    missing = {tuple(e.document_path) for e in leaves if e.code == errors.REQUIRED_FIELD.code}
    renamed: dict[PathKey, str] = {}
    for error in leaves:
        path = tuple(error.document_path)
        if error.code != errors.UNKNOWN_FIELD.code:
            continue
        wanted = [str(m[-1]) for m in missing if m[:-1] == path[:-1]]
        close = difflib.get_close_matches(str(path[-1]), wanted, n=1, cutoff=0.6)
        if close:
            renamed[path] = close[0]
            missing.discard((*path[:-1], close[0]))
    kept = [e for e in leaves if e.code != errors.REQUIRED_FIELD.code or tuple(e.document_path) in missing]
    return kept, renamed


def _leaves(error_list: Any) -> list[Any]:
    found = []
    for error in error_list:
        if error.is_group_error:
            found.extend(_leaves(error.child_errors))
        else:
            found.append(error)
    return found


def _schema_for(path: PathKey, fields: dict[str, Any]) -> dict[str, Any]:
    """The schema rule set that applies at `path` (list indexes skipped)."""
    rules: dict[str, Any] = {"schema": fields}
    for part in path:
        if isinstance(part, int):
            rules = rules.get("schema") or {}
            continue
        mapping = rules.get("schema") or {}
        found = mapping.get(part)
        rules = found if isinstance(found, dict) else {}
    return rules


def _translate(error: Any, rel: str, meta: LoadedYaml, fields: dict[str, Any], meant: str | None = None) -> Issue:
    path: PathKey = tuple(error.document_path)
    name = describe(path, meta.data)
    rules = _schema_for(path, fields)
    hint = (rules.get("meta") or {}).get("hint", "")
    example = (rules.get("meta") or {}).get("example", "")
    value = error.value
    code = error.code
    if code == errors.CUSTOM.code:
        rule, message, custom_hint, subpath = _decode_custom(str(error.info[0]))
        extra: PathKey = tuple(int(p) if p.isdigit() else p for p in subpath)
        where = meta.position((*path, *extra))
        # a duplicate id names its items by position: naming them by the id they share would not say which
        place = describe(path if rule == "duplicate-id" else (*path, *extra), meta.data)
        return Issue(rel, where.line, where.column, rule, f"{place}: {message}", custom_hint)
    where = meta.position(path)
    if code == errors.REQUIRED_FIELD.code:
        rule, message = "required", f"missing required field `{path[-1]}`"
        if path[:-1]:
            message += f" in {describe(path[:-1], meta.data)}"
        hint = f"add `{example}`" if example else f"add `{path[-1]}: ...`"
        named = _value_at(meta.data, path[:-1])
        if path[-1] == "id" and isinstance(named, dict) and isinstance(named.get("name"), str):
            hint = f"add `id: {proposed_id(named['name'])}`; {IDS_COMMAND}"
    elif code == errors.UNKNOWN_FIELD.code:
        where = meta.key_position(path)
        siblings = _schema_for(path[:-1], fields).get("schema") or {}
        place = f" in {describe(path[:-1], meta.data)}" if path[:-1] else ""
        close = [meant] if meant else difflib.get_close_matches(str(path[-1]), [str(s) for s in siblings], n=1)
        rule, message = "unknown-field", f"unknown field `{path[-1]}`{place}"
        if meant:
            message = f"`{path[-1]}` is not a field{place}: did you mean `{meant}`?"
            hint = f"rename it to `{meant}`"
        else:
            hint = f"did you mean `{close[0]}`?" if close else (
                "remove it; allowed here: " + ", ".join(sorted(map(str, siblings))) if siblings else "remove it")
    elif code == errors.BAD_TYPE.code:
        expected = error.constraint if isinstance(error.constraint, str) else " or ".join(error.constraint)
        rule, message = "type", f"{name} must be {_type_words(expected)}, not {_describe(value)}"
        if expected == "string" and isinstance(value, int | float) and not isinstance(value, bool):
            written = f'- "{value}"' if isinstance(path[-1], int) else f'{path[-1]}: "{value}"'
            hint = f"put the value in quotes, e.g. {written}"
        elif expected == "day" and isinstance(value, str) and _real_date(value):
            message = f"{name} is in quotes, so it is read as text, not as the date {value.strip()}"
            hint = f"remove the quotes: `{path[-1]}: {value.strip()}`"
        elif expected == "day" and isinstance(value, str):
            hint = "write the date as YYYY-MM-DD without quotes, e.g. 2026-11-01"
        elif expected == "list" and isinstance(value, str | int | float) and not isinstance(path[-1], int):
            item = f'"{value}"' if re.search(r"[,:#\[\]{}]", str(value)) else str(value)
            hint = f"write a list, even of one: `{path[-1]}: [{item}]`"
        elif expected == "dict" and isinstance(path[-1], int):
            keys = ", ".join(f"{k}: ..." for k, r in (rules.get("schema") or {}).items() if r.get("required"))
            hint = f"write each item as a mapping, e.g. `- {{{keys}}}`" if keys else "write each item as a mapping"
        elif not hint:
            hint = f"e.g. `{example}`" if example else f"change it to {_type_words(expected)}"
    elif code == errors.NOT_NULLABLE.code:
        rule, message = "empty-value", f"{name} has no value"
        hint = f"give it a value (e.g. `{example}`) or remove the line" if example else "give it a value"
    elif code == errors.UNALLOWED_VALUE.code:
        allowed = sorted((str(a) for a in error.constraint),
                         key=lambda a: -difflib.SequenceMatcher(None, str(value), a).ratio())
        close = difflib.get_close_matches(str(value), allowed, n=1)
        rule, message = "allowed", f"{name}: `{value}` is not allowed"
        hint = (f"did you mean `{close[0]}`? " if close else "") + "use one of: " + ", ".join(allowed)
    elif code == errors.EMPTY_NOT_ALLOWED.code:
        rule, message = "empty-value", f"{name} must not be empty"
        hint = hint or (f"e.g. `{example}`" if example else "write a value")
    elif code in (errors.MIN_LENGTH.code, errors.MAX_LENGTH.code):
        rule = "length"
        limit = error.constraint
        size = len(value) if hasattr(value, "__len__") else 0
        unit = "characters" if isinstance(value, str) else "items"
        word = "needs at least" if code == errors.MIN_LENGTH.code else "may have at most"
        message = f"{name} has {size} {unit}; it {word} {limit}"
        if code == errors.MAX_LENGTH.code and unit == "items":
            # the schema's hint says what one item is; too many of them is another matter
            hint = "remove some; a longer list is better split between several skills or worksheets"
        else:
            hint = hint or ("shorten it" if code == errors.MAX_LENGTH.code else f"add more (e.g. `{example}`)")
    elif code in (errors.MIN_VALUE.code, errors.MAX_VALUE.code):
        rule = "range"
        word = "minimum" if code == errors.MIN_VALUE.code else "maximum"
        message = f"{name} is {value}; the {word} is {error.constraint}"
        if not hint:
            hint = f"use a value of {'at least' if word == 'minimum' else 'at most'} {error.constraint}"
    elif code == errors.REGEX_MISMATCH.code:
        rule, message = "format", f"{name}: `{value}` is not in the expected format"
    else:
        rule = str(error.rule or "schema")
        message = f"{name}: {errors.BasicErrorHandler.messages.get(code, 'invalid value')}".format(
            constraint=error.constraint, value=value, field=name
        )
    return Issue(rel, where.line, where.column, rule, message, hint)


def _real_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text.strip())
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()))


_CONDITION_TYPES = ("yes_no", "choice", "checklist")


def _condition_problem(condition: dict[str, Any], earlier: dict[str, dict[str, Any]]) -> tuple[str, str, str] | None:
    """What is wrong with a `show_if` (message, hint, the key at fault), given the fields before it."""
    target, answer = condition["field"], condition.get("answer")
    if not isinstance(answer, bool | str):
        return None  # a missing or mistyped answer: the schema says so, once
    asked = earlier.get(target)
    if asked is None:
        names = ", ".join(f"`{f}`" for f, data in earlier.items() if data.get("type") in _CONDITION_TYPES)
        return (f"show_if names `{target}`, which is not an earlier field of this worksheet",
                "name a yes/no, choice or checklist field above this one" + (f": {names}" if names else ""), "field")
    if asked.get("type") not in _CONDITION_TYPES:
        return (f"show_if names `{target}`, a {asked.get('type')} field",
                "a condition can only follow a yes/no, choice or checklist field", "field")
    if asked["type"] == "yes_no":
        if not isinstance(answer, bool):
            return (f"`{target}` is a yes/no field; `{answer}` is not yes or no", "write `answer: yes` or `answer: no`",
                    "answer")
        return None
    ids = [i for o in asked.get("options") or () if isinstance(o, dict)
           and isinstance(i := o.get("id") or o.get("skill"), str) and SLUG.fullmatch(i)]
    if answer not in ids:
        return (f"`{answer}` is not an option of `{target}`",
                "use the id of one of its options: " + ", ".join(f"`{i}`" for i in ids), "answer")
    return None


def _value_at(data: Any, path: PathKey) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _type_words(expected: str) -> str:
    return {
        "string": "text", "integer": "a whole number", "float": "a number", "boolean": "true or false",
        "list": "a list", "dict": "a mapping of `key: value` lines", "day": "a date (YYYY-MM-DD)",
        "integer or float": "a number", "string or dict": "a text or a mapping",
    }.get(expected, expected)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, dt.datetime):
        return f"a date with a time (`{value.isoformat()}`)"
    if isinstance(value, int | float | str):
        return f"`{value}`"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
