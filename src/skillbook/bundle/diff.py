"""Two loaded bundles in, what changed between them out, and the SemVer level that change needs.

Levels, from the point of view of an app that stores ids and saved answers:

- major: an item removed, retired or renamed (its id changed); a form field or grid row removed,
  its type changed, made required, or its range narrowed; a required form field added; an option
  or grid column removed.
- minor: an item added or brought back; an optional form field, row, option or column added; a
  field made optional or its range widened; fields reordered; metadata that apps sort or filter
  by changed (module, level, order, type, frequency, minutes, tags, links between items, how many
  steps, uses or cautions there are).
- patch: text edits only (titles, summaries, bodies, labels, help, anchors, step wording, text
  messages, authors, review, sources, dates, item versions).
- none: nothing an app can see changed (a different `created` date does not count).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from skillbook.bundle.loader import Bundle, Entry, Homework
from skillbook.bundle.writer import NOT_CONTENT
from skillbook.config import SEMVER
from skillbook.models import Field as FormField

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
            changes.append(ItemChange(kind, item_id, "renamed", Level.MAJOR, fields, old_id=renamed[item_id]))
        elif item_id in renamed.values():
            continue
        elif item_id not in new:
            changes.append(ItemChange(kind, item_id, "removed", Level.MAJOR))
        elif item_id not in old:
            changes.append(ItemChange(kind, item_id, "added", Level.MINOR))
        else:
            fields = tuple(_compare(kind, old[item_id], new[item_id]))
            if not fields:
                continue
            status = next((f for f in fields if f.path == "status"), None)
            change = status.change if status else "changed"
            changes.append(ItemChange(kind, item_id, change, max(f.level for f in fields), fields))
    return changes


_IGNORED = frozenset({"kind", "id", "page", "pdf", "questionnaire", "body", "status", "fields", "tags", "contentHash"})
_TEXT = frozenset({"title", "summary", "acronym", "authors", "review", "sources", "updated", "version", "language",
                   "text_message"})
_TEXT_LISTS = frozenset({"when_to_use", "cautions", "steps"})
_ID_LISTS = frozenset({"worksheets", "related", "skills"})


def _compare(kind: str, old: Entry, new: Entry) -> Iterable[FieldChange]:
    if old.status != new.status:
        if new.status == "retired":
            yield FieldChange("status", "retired", Level.MAJOR)
        else:
            yield FieldChange("status", "unretired", Level.MINOR)
    if old.body.myst != new.body.myst:
        yield FieldChange("body", "text edited", Level.PATCH)
    for key in sorted((set(old.data) | set(new.data)) - _IGNORED):
        before, after = old.data.get(key), new.data.get(key)
        if before == after:
            continue
        if key in _TEXT:
            yield FieldChange(key, "edited", Level.PATCH)
        elif key in _TEXT_LISTS:
            count_before, count_after = len(before or ()), len(after or ())
            if count_before == count_after:
                yield FieldChange(key, "edited", Level.PATCH)
            else:
                yield FieldChange(key, f"{count_before} -> {count_after} entries", Level.MINOR)
        elif key in _ID_LISTS:
            yield from _id_list(key, before or [], after or [])
        elif key in (set(old.data) & set(new.data)):
            yield FieldChange(key, f"{_show(before)} -> {_show(after)}", Level.MINOR)
        else:
            yield FieldChange(key, "added" if key in new.data else "removed", Level.MINOR)
    for tag in ("emotions", "situations"):
        before = (old.data.get("tags") or {}).get(tag, [])
        after = (new.data.get("tags") or {}).get(tag, [])
        if before != after:
            yield from _id_list(f"tags.{tag}", before, after)
    if isinstance(old, Homework) and isinstance(new, Homework):
        yield from _fields(old.fields, new.fields, "fields")


def _show(value: Any) -> str:
    return "none" if value is None else str(value)


def _id_list(path: str, before: list[str], after: list[str]) -> Iterable[FieldChange]:
    added = [v for v in after if v not in before]
    removed = [v for v in before if v not in after]
    if added:
        yield FieldChange(path, "added " + ", ".join(added), Level.MINOR)
    if removed:
        yield FieldChange(path, "removed " + ", ".join(removed), Level.MINOR)
    if not added and not removed:
        yield FieldChange(path, "reordered", Level.PATCH)


def _fields(old: tuple[FormField, ...], new: tuple[FormField, ...], prefix: str) -> Iterable[FieldChange]:
    old_by_id = {f.id: f for f in old}
    new_by_id = {f.id: f for f in new}
    for form_field in old:
        if form_field.id not in new_by_id:
            yield FieldChange(f"{prefix}.{form_field.id}", "removed", Level.MAJOR)
    for form_field in new:
        if form_field.id not in old_by_id:
            if form_field.required:
                yield FieldChange(f"{prefix}.{form_field.id}", "added (required)", Level.MAJOR)
            else:
                yield FieldChange(f"{prefix}.{form_field.id}", "added", Level.MINOR)
    common_old = [f.id for f in old if f.id in new_by_id]
    common_new = [f.id for f in new if f.id in old_by_id]
    if common_old != common_new:
        yield FieldChange(prefix, "reordered", Level.MINOR)
    for field_id in common_new:
        yield from _field(old_by_id[field_id], new_by_id[field_id], f"{prefix}.{field_id}")


def _field(old: FormField, new: FormField, path: str) -> Iterable[FieldChange]:
    if old.type != new.type:
        yield FieldChange(path, f"type changed from {old.type} to {new.type}", Level.MAJOR)
        return
    if old.required != new.required:
        yield (FieldChange(path, "now required", Level.MAJOR) if new.required
               else FieldChange(path, "now optional", Level.MINOR))
    if old.label != new.label:
        yield FieldChange(f"{path}.label", "edited", Level.PATCH)
    if old.help != new.help:
        yield FieldChange(f"{path}.help", "edited", Level.PATCH)
    if (old.min, old.max) != (new.min, new.max):
        narrowed = _tighter(old.min, new.min, low=True) or _tighter(old.max, new.max, low=False)
        shown = f"{_bounds(old)} -> {_bounds(new)}"
        yield (FieldChange(f"{path}.range", f"narrowed {shown}", Level.MAJOR) if narrowed
               else FieldChange(f"{path}.range", f"widened {shown}", Level.MINOR))
    if old.anchors != new.anchors:
        yield FieldChange(f"{path}.anchors", "edited", Level.PATCH)
    yield from _options(old, new, path)
    if old.columns != new.columns:
        removed = [c for c in old.columns if c not in new.columns]
        added = [c for c in new.columns if c not in old.columns]
        if removed:
            yield FieldChange(f"{path}.columns", "removed " + ", ".join(removed), Level.MAJOR)
        if added:
            yield FieldChange(f"{path}.columns", "added " + ", ".join(added), Level.MINOR)
        if not removed and not added:
            yield FieldChange(f"{path}.columns", "reordered", Level.MINOR)
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


def _options(old: FormField, new: FormField, path: str) -> Iterable[FieldChange]:
    """Options are matched by what a saved answer stores: the skill, else the option id, else the label."""
    def key(option: Any) -> str:
        return f"skill:{option.skill}" if option.skill else f"id:{option.id}" if option.id else f"label:{option.label}"

    before = {key(o): o for o in old.options}
    after = {key(o): o for o in new.options}
    removed = [o.label for k, o in before.items() if k not in after]
    added = [o.label for k, o in after.items() if k not in before]
    if removed:
        yield FieldChange(f"{path}.options", "removed " + ", ".join(removed), Level.MAJOR)
    if added:
        yield FieldChange(f"{path}.options", "added " + ", ".join(added), Level.MINOR)
    if any(before[k].label != after[k].label for k in before.keys() & after.keys()):
        yield FieldChange(f"{path}.options", "labels edited", Level.PATCH)
    if [k for k in before if k in after] != [k for k in after if k in before]:
        yield FieldChange(f"{path}.options", "reordered", Level.PATCH)
