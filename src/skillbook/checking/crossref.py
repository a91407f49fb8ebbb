"""Schema-valid documents in, the problems between them out: identity, references, status, review."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterator, Set
from dataclasses import dataclass
from typing import Any

from skillbook.checking.reviews import next_due, review_block
from skillbook.issues import Issue, Severity
from skillbook.reading.discover import Kind
from skillbook.reading.document import Document
from skillbook.reading.placenames import KIND_NOUNS, describe, list_item
from skillbook.reading.yamlload import PathKey


@dataclass(frozen=True)
class Entry:
    """One document whose front matter passed its schema (or, `partial`, the parts of it that did)."""

    kind: Kind
    data: dict[str, Any]
    document: Document
    partial: bool = False  # its front matter has problems: `data` holds only the sound fields

    @property
    def noun(self) -> str:
        return KIND_NOUNS[self.kind.value]

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def status(self) -> str:
        return str(self.data["status"])

    def issue(self, path: PathKey, rule: str, message: str, hint: str,
              severity: Severity = Severity.ERROR) -> Issue:
        assert self.document.meta is not None
        where = self.document.meta.position(path)
        return Issue(self.document.source.rel, where.line, where.column, rule, message, hint, severity)


# (kind of the referring item, field path pattern, kind referred to)
_REFERENCES: tuple[tuple[Kind, str, Kind], ...] = (
    (Kind.SKILL, "module", Kind.MODULE),
    (Kind.SKILL, "worksheets", Kind.HOMEWORK),
    (Kind.SKILL, "related", Kind.SKILL),
    (Kind.HOMEWORK, "module", Kind.MODULE),
    (Kind.HOMEWORK, "skills", Kind.SKILL),
    (Kind.HOMEWORK, "options", Kind.SKILL),
    (Kind.HOMEWORK, "rows", Kind.SKILL),
)


def check_cross_references(
    entries: list[Entry], *, today: dt.date, require_review: bool, unverified: Set[tuple[Kind, str]] = frozenset()
) -> list[Issue]:
    """`unverified`: (kind, id) of items whose own front matter is broken; references to them are
    not reported again, since the author is already told what is wrong with the item itself."""
    issues: list[Issue] = []
    index: dict[Kind, dict[str, Entry]] = {Kind.MODULE: {}, Kind.SKILL: {}, Kind.HOMEWORK: {}}
    for entry in entries:
        issues.extend(_identity(entry))
        known = index[entry.kind].get(entry.id)
        if known is not None:
            issues.append(entry.issue(("id",), "duplicate-id",
                                      f"{entry.noun} id `{entry.id}` is already used by "
                                      f"{known.document.source.rel}",
                                      "ids must be unique; rename one file and its id"))
            continue
        index[entry.kind][entry.id] = entry
    for entry in entries:
        for path, target_kind, target_id in _references_of(entry):
            target = index[target_kind].get(target_id)
            if target is None and (target_kind, target_id) in unverified:
                continue
            if target is None:
                close = difflib.get_close_matches(target_id, sorted(index[target_kind]), n=1)
                hint = f"did you mean `{close[0]}`?" if close else (
                    "create it (skillbook new) or remove the reference")
                noun = KIND_NOUNS[target_kind.value]
                place = describe(path, entry.data)
                message = (f"{place}, `{target_id}`, does not exist" if list_item(path) and noun in place
                           else f"{place} names {noun} `{target_id}`, which does not exist")
                issues.append(entry.issue(path, "unknown-reference", message, hint))
            elif target is entry and target_kind is entry.kind:
                issues.append(entry.issue(path, "self-reference", f"{describe(path, entry.data)} names the "
                                          f"{entry.noun} itself", "remove it"))
            elif entry.status == "published" and target.status != "published":
                issues.append(entry.issue(path, "links-unpublished",
                                          f"published {entry.noun} points at {target.status} "
                                          f"{KIND_NOUNS[target_kind.value]} `{target_id}`",
                                          f"publish `{target_id}` first (skillbook publish {target_id}), "
                                          "or remove the reference"))
            else:
                issues.extend(_one_sided(entry, path, target))
        if not (entry.partial and "review" not in entry.data and "review" in (entry.document.meta.data
                                                                              if entry.document.meta else {})):
            issues.extend(_review_issues(entry, today, require_review))
    return issues


# a skill's `worksheets` and a worksheet's `skills` say the same thing from both ends
_BOTH_WAYS = {(Kind.SKILL, "worksheets"): "skills", (Kind.HOMEWORK, "skills"): "worksheets"}


def _one_sided(entry: Entry, path: PathKey, target: Entry) -> list[Issue]:
    back = _BOTH_WAYS.get((entry.kind, str(path[0])))
    if back is None or len(path) != 2 or target.partial:
        return []
    if entry.status != "published" and target.status == "published":
        return []  # the published end cannot list a draft back until the draft is published
    if "retired" in (entry.status, target.status):
        return []  # a retired item keeps its links as they were when it left the handbook
    listed = target.data.get(back)
    if isinstance(listed, list) and entry.id in listed:
        return []
    return [entry.issue(path, "one-sided-link",
                        f"{entry.noun} `{entry.id}` lists {target.noun} `{target.id}`, which does not list it back",
                        f"add `{entry.id}` to `{back}:` in {target.document.source.rel}, or remove it here",
                        Severity.WARNING)]


def _identity(entry: Entry) -> list[Issue]:
    source = entry.document.source
    expected = source.module_folder if entry.kind is Kind.MODULE else source.stem
    issues = []
    if entry.id != expected:
        where, thing = ("its folder name", "folder") if entry.kind is Kind.MODULE else ("the file name", "file")
        issues.append(entry.issue(("id",), "id-filename", f"id `{entry.id}` does not match {where} `{expected}`",
                                  f"set `id: {expected}` or rename the {thing}"))
    if entry.kind is Kind.SKILL and "module" in entry.data and entry.data["module"] != source.module_folder:
        issues.append(entry.issue(("module",), "module-folder",
                                  f"module `{entry.data.get('module')}` does not match the folder "
                                  f"`{source.module_folder}` the skill is in",
                                  f"set `module: {source.module_folder}` or move the file"))
    return issues


def _references_of(entry: Entry) -> Iterator[tuple[PathKey, Kind, str]]:
    for kind, name, target_kind in _REFERENCES:
        if kind is not entry.kind:
            continue
        if name in ("options", "rows"):  # options of a field, rows of a grid, that name a skill
            for f_index, field in enumerate(entry.data.get("fields") or ()):
                for o_index, option in enumerate(field.get(name) or ()):
                    if isinstance(option, dict) and option.get("skill"):
                        yield ("fields", f_index, name, o_index, "skill"), Kind.SKILL, option["skill"]
            continue
        value = entry.data.get(name)
        if isinstance(value, str):
            yield (name,), target_kind, value
        elif isinstance(value, list):
            for position, item in enumerate(value):
                yield (name, position), target_kind, str(item)


def _review_issues(entry: Entry, today: dt.date, require_review: bool) -> list[Issue]:
    review = entry.data.get("review")
    if entry.status != "published":
        return []
    if not review:
        if require_review:
            return [entry.issue(("status",), "review-required",
                                f"published {entry.noun} has no clinical review record",
                                "this project sets require_review: true: keep it a draft until a clinician has "
                                f"reviewed it, then add `{review_block(today)}`")]
        return []
    due = review.get("next_review")
    if isinstance(due, dt.date) and due < today:
        return [entry.issue(("review", "next_review"), "review-overdue",
                            f"the clinical review was due on {due.isoformat()}",
                            f"have the page reviewed, then set `reviewed_on: {today.isoformat()}` and "
                            f"`next_review: {next_due(today).isoformat()}` (`skillbook review` lists every page due)",
                            Severity.WARNING)]
    return []
