"""A project's inputs in, the outcome of the last validation of exactly those inputs out, or nothing.

`skillbook validate` on a project nobody changed prints this record instead of checking again; it is
light on purpose (no parser, no schema library), so that answer costs one pass over the files' bytes."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from skillbook.issues import Issue, Severity
from skillbook.reading.fingerprint import input_digest
from skillbook.reading.project import Project

_RECORD = "last-run.json"


@dataclass(frozen=True)
class Verdict:
    """What a validation reports: its problems, how many content files it checked, the drafts left out."""

    issues: tuple[Issue, ...]
    files: int
    drafts: tuple[tuple[str, str], ...]  # (id, kind) of each draft

    @property
    def ok(self) -> bool:
        return not any(issue.is_error for issue in self.issues)


def run_key(project: Project, *, strict: bool, today: dt.date) -> str:
    return input_digest(project, ("validate", strict, today.isoformat()))


def recall(folder: Path, key: str) -> Verdict | None:
    """The verdict recorded under `key`, if the last run recorded was of exactly these inputs."""
    try:
        record = json.loads((folder / _RECORD).read_text(encoding="utf-8"))
        if record["key"] != key:
            return None
        issues = tuple(Issue(**{**i, "severity": Severity(i["severity"])}) for i in record["issues"])
        return Verdict(issues, int(record["files"]), tuple((str(d), str(k)) for d, k in record["drafts"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no record, or one written by another version: validate afresh


def remember(folder: Path, key: str, verdict: Verdict) -> None:
    record = {"key": key, "files": verdict.files, "drafts": verdict.drafts,
              "issues": [asdict(issue) for issue in verdict.issues]}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"{_RECORD}.partial-{os.getpid()}"
        partial.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        partial.replace(folder / _RECORD)
    except OSError:
        pass  # a record that cannot be written only makes the next run slower
