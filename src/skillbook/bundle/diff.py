"""Two loaded bundles in, what changed between them out, and the SemVer level that change needs.

The levels are a table, `RULES`, from the point of view of an app that stores ids, saved answers
and step progress. Steps, options and columns are matched by their ids, so a changed id is a
removal and an addition:

- major: an item removed, retired or renamed (its id changed); a form field, grid row, option,
  column or step removed (or its id changed); a field's type changed, made required, or its range
  narrowed; a required form field added.
- minor: an item added or brought back; an optional form field, row, option, column or step added;
  a field made optional or its range widened; fields, steps or columns reordered; a `show_if`
  condition added, changed or removed; metadata that apps sort or filter by changed (module,
  level, order, type, frequency, minutes, tags, links between items, how many uses or cautions).
- patch: text edits only (titles, summaries, bodies, labels of fields, options, columns and steps,
  help, anchors, text messages, authors, review, sources, dates, item versions); options reordered.
- none: nothing an app can see changed (a different `created` date does not count).
"""
from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from skillbook.bundle.loader import Bundle, Entry, Homework
from skillbook.bundle.writer import NOT_CONTENT
from skillbook.reading.config import SEMVER
from skillbook.reading.models import Field as FormField

KINDS = ("module", "skill", "homework")


class Level(enum.IntEnum):
    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Level:
        return cls[text.upper()]


@dataclass(frozen=True)
class FieldChange:
    path: str  # e.g. `title`, `body`, `fields.urges.rows.urge-other`
    change: str  # e.g. `edited`, `added`, `removed`, `type changed from rating to text`
    level: Level


@dataclass(frozen=True)
class ItemChange:
    kind: str
    id: str
    change: str  # added | removed | retired | unretired | renamed | changed
    level: Level
    fields: tuple[FieldChange, ...] = ()
    old_id: str = ""  # for renamed


@dataclass(frozen=True)
class ItemVersion:
    """An item whose content changed while its own `version` did not grow enough: one `url|version`
    (of its Questionnaire, or of the item) would name two different contents."""

    kind: str
    id: str
    old_version: str
    new_version: str
    required: Level  # what its own changes need

    @property
    def suggested_version(self) -> str:
        return bumped(self.old_version, self.required)

    def to_text(self) -> str:
        grown = version_bump(self.old_version, self.new_version)
        now = (f"stays {self.new_version}" if grown is Level.NONE
               else f"goes from {self.old_version} to {self.new_version}")
        return (f"{self.kind} {self.id}: its content changed ({self.required.label}) but its version {now}; "
                f"give it version {self.suggested_version} (a {self.required.label} bump)")


@dataclass(frozen=True)
class BundleDiff:
    old_version: str
    new_version: str
    old_format: str
    new_format: str
    changes: tuple[ItemChange, ...] = field(default_factory=tuple)
    item_versions: tuple[ItemVersion, ...] = field(default_factory=tuple)  # items not bumped enough

    @property
    def required(self) -> Level:
        """The smallest version bump these changes need."""
        return max((c.level for c in self.changes), default=Level.NONE)

    @property
    def bump(self) -> Level | None:
        """How NEW's version differs from OLD's (None: NEW's version is lower)."""
        return version_bump(self.old_version, self.new_version)

    @property
    def sufficient(self) -> bool:
        """Whether NEW's version bump is at least the required level."""
        bump = self.bump
        return bump is not None and bump >= self.required and not self.item_versions

    @property
    def suggested_version(self) -> str:
        """OLD's version bumped by the required level."""
        return bumped(self.old_version, self.required)

    def to_json(self) -> dict[str, Any]:
        bump = self.bump
        return {
            "old": {"version": self.old_version, "formatVersion": self.old_format},
            "new": {"version": self.new_version, "formatVersion": self.new_format},
            "required": self.required.label,
            "bump": bump.label if bump is not None else "downgrade",
            "sufficient": self.sufficient,
            "suggestedVersion": self.suggested_version,
            "changes": [
                {"kind": c.kind, "id": c.id, "change": c.change, "level": c.level.label,
                 **({"oldId": c.old_id} if c.old_id else {}),
                 "fields": [{"path": f.path, "change": f.change, "level": f.level.label} for f in c.fields]}
                for c in self.changes
            ],
            "itemVersions": [
                {"kind": v.kind, "id": v.id, "oldVersion": v.old_version, "newVersion": v.new_version,
                 "required": v.required.label, "suggestedVersion": v.suggested_version}
                for v in self.item_versions
            ],
        }

    def to_text(self) -> str:
        lines = [f"bundle {self.old_version} -> {self.new_version}"
                 + (f" (format {self.old_format} -> {self.new_format})" if self.old_format != self.new_format else "")]
        if not self.changes:
            lines.append("no changes")
        for change in self.changes:
            what = f"renamed from `{change.old_id}`" if change.change == "renamed" else change.change
            lines.append(f"{change.kind} {change.id}: {what} ({change.level.label})")
            lines.extend(f"  {f.path}: {f.change} ({f.level.label})" for f in change.fields)
        bump = self.bump
        shown = {None: "a downgrade", Level.NONE: "unchanged", Level.PATCH: "a patch bump",
                 Level.MINOR: "a minor bump", Level.MAJOR: "a major bump"}[bump]
        lines.extend(v.to_text() for v in self.item_versions)
        if self.item_versions:
            verdict = f"refused: {len(self.item_versions)} item(s) changed without their own version bump"
        else:
            verdict = "ok" if self.sufficient else f"not enough; release it as {self.suggested_version}"
        lines.append(f"required: {self.required.label}; version {self.old_version} -> {self.new_version} "
                     f"({shown}): {verdict}")
        return "\n".join(lines) + "\n"


def bumped(version: str, level: Level) -> str:
    """`version` raised by `level` (unchanged for NONE)."""
    major, minor, patch = _core(version)
    if level is Level.MAJOR:
        return f"{major + 1}.0.0"
    if level is Level.MINOR:
        return f"{major}.{minor + 1}.0"
    if level is Level.PATCH:
        return f"{major}.{minor}.{patch + 1}"
    return version


def version_bump(old: str, new: str) -> Level | None:
    """major/minor/patch by the first SemVer number that grows; NONE when equal; None when lower."""
    old_core, new_core = _core(old), _core(new)
    if new_core == old_core:
        return Level.NONE
    if new_core < old_core:
        return None
    if new_core[0] > old_core[0]:
        return Level.MAJOR
    if new_core[1] > old_core[1]:
        return Level.MINOR
    return Level.PATCH


def _core(version: str) -> tuple[int, int, int]:
    match = SEMVER.match(version)
    if match is None:
        raise ValueError(f"not a SemVer version: {version!r}")
    return int(match.group(1)), int(match.group(2)), int(match.group(3))


def diff_bundles(old: Bundle, new: Bundle) -> BundleDiff:
    changes: list[ItemChange] = []
    versions: list[ItemVersion] = []
    for kind in KINDS:
        found = _diff_kind(kind, old.items(kind), new.items(kind))
        changes.extend(found)
        versions.extend(_item_versions(found, old.items(kind), new.items(kind)))
    return BundleDiff(old.version, new.version, old.format_version, new.format_version, tuple(changes),
                      tuple(versions))




def _item_versions(changes: Iterable[ItemChange], old: Mapping[str, Entry],
                   new: Mapping[str, Entry]) -> Iterable[ItemVersion]:
    """Items kept under the same id whose content changed by more than their own version grew."""
    for change in changes:
        if change.change in ("added", "removed", "renamed"):
            continue
        required = max((f.level for f in change.fields if f.path not in NOT_CONTENT), default=Level.NONE)
        if required is Level.NONE:
            continue
        before, after = old[change.id].version, new[change.id].version
        grown = version_bump(before, after)
        if grown is None or grown < required:
            yield ItemVersion(change.kind, change.id, before, after, required)


def _diff_kind(kind: str, old: Mapping[str, Entry], new: Mapping[str, Entry]) -> list[ItemChange]:
    removed = sorted(set(old) - set(new))
    added = sorted(set(new) - set(old))
    renamed: dict[str, str] = {}  # new id -> old id, when a removed and an added item share the title
    by_title: dict[str, list[str]] = {}
    for old_id in removed:
        by_title.setdefault(old[old_id].title.casefold(), []).append(old_id)
    for new_id in added:
        candidates = by_title.get(new[new_id].title.casefold())
        if candidates:
            renamed[new_id] = candidates.pop(0)
    changes = []
    for item_id in sorted(set(old) | set(new)):
        if item_id in renamed:
            fields = tuple(_compare(kind, old[renamed[item_id]], new[item_id]))
            changes.append(ItemChange(kind, item_id, "renamed", RULES["item renamed"], fields, old_id=renamed[item_id]))
        elif item_id in renamed.values():
            continue
        elif item_id not in new:
            changes.append(ItemChange(kind, item_id, "removed", RULES["item removed"]))
        elif item_id not in old:
            changes.append(ItemChange(kind, item_id, "added", RULES["item added"]))
        else:
            fields = tuple(_compare(kind, old[item_id], new[item_id]))
            if not fields:
                continue
            status = next((f for f in fields if f.path == "status"), None)
            change = status.change if status else "changed"
            changes.append(ItemChange(kind, item_id, change, max(f.level for f in fields), fields))
    return changes


# The classification: every kind of change the diff reports, and the level it needs. An id that
# changes is a removal plus an addition: answers and progress saved under the old id are lost.
RULES: dict[str, Level] = {
    "item added": Level.MINOR, "item removed": Level.MAJOR, "item renamed": Level.MAJOR,
    "item retired": Level.MAJOR, "item unretired": Level.MINOR,
    "text edited": Level.PATCH,  # titles, summaries, bodies, authors, review, sources, dates, versions
    "metadata changed": Level.MINOR,  # what apps sort or filter by: module, level, order, type, minutes...
    "entries added or removed": Level.MINOR, "entries edited": Level.PATCH,  # when_to_use, cautions
    "links added": Level.MINOR, "links removed": Level.MINOR, "links reordered": Level.PATCH,
    "step added": Level.MINOR, "step removed": Level.MAJOR, "step edited": Level.PATCH,
    "steps reordered": Level.MINOR,
    "field added": Level.MINOR, "required field added": Level.MAJOR, "field removed": Level.MAJOR,
    "field type changed": Level.MAJOR, "field now required": Level.MAJOR, "field now optional": Level.MINOR,
    "fields reordered": Level.MINOR, "label edited": Level.PATCH, "help edited": Level.PATCH,
    "anchors edited": Level.PATCH, "range narrowed": Level.MAJOR, "range widened": Level.MINOR,
    "option added": Level.MINOR, "option removed": Level.MAJOR, "option labels edited": Level.PATCH,
    "options reordered": Level.PATCH,
    "column added": Level.MINOR, "column removed": Level.MAJOR, "column labels edited": Level.PATCH,
    "columns reordered": Level.MINOR,
    "condition added": Level.MINOR, "condition removed": Level.MINOR, "condition changed": Level.MINOR,
}


def _change(path: str, rule: str, said: str) -> FieldChange:
    """A change at `path` of kind `rule` (a key of RULES), described to the reader as `said`."""
    return FieldChange(path, said, RULES[rule])


_IGNORED = frozenset({"kind", "id", "page", "pdf", "questionnaire", "body", "status", "fields", "tags", "contentHash",
                      "steps"})
_TEXT = frozenset({"title", "summary", "acronym", "authors", "review", "sources", "updated", "version", "language",
                   "text_message"})
_TEXT_LISTS = frozenset({"when_to_use", "cautions"})
_ID_LISTS = frozenset({"worksheets", "related", "skills"})


def _compare(kind: str, old: Entry, new: Entry) -> Iterable[FieldChange]:
    if old.status != new.status:
        if new.status == "retired":
            yield _change("status", "item retired", "retired")
        else:
            yield _change("status", "item unretired", "unretired")
    if old.body.myst != new.body.myst:
        yield _change("body", "text edited", "text edited")
    for key in sorted((set(old.data) | set(new.data)) - _IGNORED):
        before, after = old.data.get(key), new.data.get(key)
        if before == after:
            continue
        if key in _TEXT:
            yield _change(key, "text edited", "edited")
        elif key in _TEXT_LISTS:
            count_before, count_after = len(before or ()), len(after or ())
            if count_before == count_after:
                yield _change(key, "entries edited", "edited")
            else:
                yield _change(key, "entries added or removed", f"{count_before} -> {count_after} entries")
        elif key in _ID_LISTS:
            yield from _id_list(key, before or [], after or [])
        elif key in (set(old.data) & set(new.data)):
            yield _change(key, "metadata changed", f"{_show(before)} -> {_show(after)}")
        else:
            yield _change(key, "metadata changed", "added" if key in new.data else "removed")
    for tag in ("emotions", "situations"):
        before = (old.data.get("tags") or {}).get(tag, [])
        after = (new.data.get("tags") or {}).get(tag, [])
        if before != after:
            yield from _id_list(f"tags.{tag}", before, after)
    if "steps" in old.data or "steps" in new.data:
        yield from _matched("steps", old.data.get("steps") or [], new.data.get("steps") or [], "step")
    if isinstance(old, Homework) and isinstance(new, Homework):
        yield from _fields(old.fields, new.fields, "fields")


def _show(value: Any) -> str:
    return "none" if value is None else str(value)


def _id_list(path: str, before: list[str], after: list[str]) -> Iterable[FieldChange]:
    added = [v for v in after if v not in before]
    removed = [v for v in before if v not in after]
    if added:
        yield _change(path, "links added", "added " + ", ".join(added))
    if removed:
        yield _change(path, "links removed", "removed " + ", ".join(removed))
    if not added and not removed:
        yield _change(path, "links reordered", "reordered")


def _matched(path: str, before: list[dict[str, Any]], after: list[dict[str, Any]], noun: str) -> Iterable[FieldChange]:
    """Steps, options or columns, matched by id: removed, added, edited in place, reordered."""
    old_by_id = {entry["id"]: entry for entry in before}
    new_by_id = {entry["id"]: entry for entry in after}
    removed = [i for i in old_by_id if i not in new_by_id]
    added = [i for i in new_by_id if i not in old_by_id]
    if removed:
        yield _change(path, f"{noun} removed", "removed " + ", ".join(removed))
    if added:
        yield _change(path, f"{noun} added", "added " + ", ".join(added))
    edited = [i for i in new_by_id if i in old_by_id and old_by_id[i] != new_by_id[i]]
    if edited:
        rule = f"{noun} edited" if noun == "step" else f"{noun} labels edited"
        yield _change(path, rule, "edited " + ", ".join(edited))
    if [i for i in old_by_id if i in new_by_id] != [i for i in new_by_id if i in old_by_id]:
        yield _change(path, "steps reordered" if noun == "step" else f"{noun}s reordered", "reordered")


def _fields(old: tuple[FormField, ...], new: tuple[FormField, ...], prefix: str) -> Iterable[FieldChange]:
    old_by_id = {f.id: f for f in old}
    new_by_id = {f.id: f for f in new}
    for form_field in old:
        if form_field.id not in new_by_id:
            yield _change(f"{prefix}.{form_field.id}", "field removed", "removed")
    for form_field in new:
        if form_field.id not in old_by_id:
            if form_field.required:
                yield _change(f"{prefix}.{form_field.id}", "required field added", "added (required)")
            else:
                yield _change(f"{prefix}.{form_field.id}", "field added", "added")
    common_old = [f.id for f in old if f.id in new_by_id]
    common_new = [f.id for f in new if f.id in old_by_id]
    if common_old != common_new:
        yield _change(prefix, "fields reordered", "reordered")
    for field_id in common_new:
        yield from _field(old_by_id[field_id], new_by_id[field_id], f"{prefix}.{field_id}")


def _field(old: FormField, new: FormField, path: str) -> Iterable[FieldChange]:
    if old.type != new.type:
        yield _change(path, "field type changed", f"type changed from {old.type} to {new.type}")
        return
    if old.required != new.required:
        yield (_change(path, "field now required", "now required") if new.required
               else _change(path, "field now optional", "now optional"))
    for attribute in ("label", "help", "anchors"):
        if getattr(old, attribute) != getattr(new, attribute):
            yield _change(f"{path}.{attribute}", f"{attribute} edited", "edited")
    if (old.min, old.max) != (new.min, new.max):
        narrowed = _tighter(old.min, new.min, low=True) or _tighter(old.max, new.max, low=False)
        shown = f"{_bounds(old)} -> {_bounds(new)}"
        yield (_change(f"{path}.range", "range narrowed", f"narrowed {shown}") if narrowed
               else _change(f"{path}.range", "range widened", f"widened {shown}"))
    if old.options != new.options:
        yield from _matched(f"{path}.options", [{"id": o.id, "label": o.label} for o in old.options],
                            [{"id": o.id, "label": o.label} for o in new.options], "option")
    if old.columns != new.columns:
        yield from _matched(f"{path}.columns", [{"id": c.id, "label": c.label} for c in old.columns],
                            [{"id": c.id, "label": c.label} for c in new.columns], "column")
    for attribute in ("skill", "write_in"):  # what a row records
        before, after = getattr(old, attribute), getattr(new, attribute)
        if before != after:
            yield _change(f"{path}.{attribute}", "metadata changed",
                          f"{_show(before or None)} -> {_show(after or None)}")
    if old.show_if != new.show_if:
        rule = "condition added" if old.show_if is None else "condition removed" if new.show_if is None \
            else "condition changed"
        yield _change(f"{path}.show_if", rule, rule.split(" ", 1)[1])
    if old.rows or new.rows:
        yield from _fields(old.rows, new.rows, f"{path}.rows")


def _tighter(before: float | None, after: float | None, *, low: bool) -> bool:
    if after is None:
        return False
    if before is None:
        return True
    return after > before if low else after < before


def _bounds(form_field: FormField) -> str:
    def show(value: float | None) -> str:
        return "" if value is None else f"{value:g}"
    return f"[{show(form_field.min)}, {show(form_field.max)}]"
