"""Issues (and review statuses) in, text out: `path:line:col: severity[rule]: message` lines, GitHub
annotations or JSON."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence

from skillbook.checking.reviews import STATE_ORDER, ReviewState, ReviewStatus, counts
from skillbook.issues import Issue
from skillbook.reading.allowlist import CONTROL_CHARACTERS, escaped
from skillbook.reading.placenames import KIND_NOUNS

FORMATS = ("text", "github", "json")


def format_issues(issues: Sequence[Issue], fmt: str) -> str:
    if fmt == "json":
        return format_json(issues)
    if fmt == "github":
        return "".join(_github(issue) + "\n" for issue in issues)
    return "".join(_text(issue) for issue in issues)


def shown(text: str) -> str:
    """Text from content, safe to print: control characters become visible escapes (`\\x1b`)."""
    return _UNPRINTABLE.sub(lambda m: escaped(m.group()), text)


_UNPRINTABLE = re.compile(f"{CONTROL_CHARACTERS.pattern}|[\r\u2028\u2029]")


def _text(issue: Issue) -> str:
    line = (f"{shown(issue.path)}:{issue.line}:{issue.column}: {issue.severity.value}[{issue.rule}]: "
            f"{shown(issue.message)}\n")
    if issue.hint:
        line += f"    hint: {shown(issue.hint)}\n"
    return line


def _github(issue: Issue) -> str:
    # https://docs.github.com/actions/reference/workflow-commands-for-github-actions
    level = "error" if issue.is_error else "warning"
    props = ",".join([
        f"file={_escape_property(shown(issue.path))}", f"line={issue.line}", f"col={issue.column}",
        f"title={_escape_property('skillbook ' + issue.rule)}",
    ])
    message = shown(issue.message) + (f" (hint: {shown(issue.hint)})" if issue.hint else "")
    return f"::{level} {props}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_json(issues: Sequence[Issue]) -> str:
    rows = [
        {"path": shown(i.path), "line": i.line, "column": i.column, "rule": i.rule, "severity": i.severity.value,
         "message": shown(i.message), "hint": shown(i.hint)}
        for i in issues
    ]
    errors = sum(1 for i in issues if i.is_error)
    summary = {"ok": errors == 0, "errors": errors, "warnings": len(issues) - errors, "issues": rows}
    return json.dumps(summary, indent=2, ensure_ascii=False) + "\n"


def summary_line(issues: Sequence[Issue], files: int) -> str:
    errors = sum(1 for i in issues if i.is_error)
    warnings = len(issues) - errors
    affected = len({i.path for i in issues})
    if not issues:
        return f"ok: {files} content file(s) checked, no problems"
    return (f"{errors} error(s), {warnings} warning(s) in {affected} file(s) "
            f"({files} content file(s) checked)")


_STATE_HEADINGS = {ReviewState.OVERDUE: "overdue", ReviewState.UNREVIEWED: "never clinically reviewed",
                   ReviewState.DUE: "due within {within} days", ReviewState.CURRENT: "current"}


def format_reviews(rows: Sequence[ReviewStatus], fmt: str, today: dt.date, within: int) -> str:
    """`skillbook review`: every published item by review state, the most urgent first."""
    if fmt == "json":
        return json.dumps({
            "today": today.isoformat(), "within_days": within,
            "counts": {state.value: n for state, n in counts(rows).items()},
            "items": [{"kind": r.kind, "id": r.id, "title": r.title, "path": r.path, "line": r.line,
                       "state": r.state.value, "reviewed_on": _iso(r.reviewed_on), "next_review": _iso(r.next_review),
                       "reviewed_by": list(r.reviewed_by), "days_left": r.days_left} for r in rows],
        }, indent=2, ensure_ascii=False) + "\n"
    if fmt == "github":
        return "".join(_github_review(r) + "\n" for r in rows if r.state is not ReviewState.CURRENT)
    out = []
    for state in STATE_ORDER:
        chosen = [r for r in rows if r.state is state]
        out.append(f"{_STATE_HEADINGS[state].format(within=within)} ({len(chosen)})\n")
        for r in chosen:
            out.append(f"  {KIND_NOUNS[r.kind]:<9} {shown(r.title)}: {_when(r)}  {shown(r.path)}\n")
    return "".join(out)


def review_summary(rows: Sequence[ReviewStatus], within: int) -> str:
    n = counts(rows)
    return (f"{len(rows)} published item(s): {n[ReviewState.OVERDUE]} overdue, {n[ReviewState.UNREVIEWED]} never "
            f"reviewed, {n[ReviewState.DUE]} due within {within} days, {n[ReviewState.CURRENT]} current")


def _when(row: ReviewStatus) -> str:
    if row.next_review is None or row.days_left is None:
        return "no review recorded"
    if row.days_left < 0:
        return f"was due {row.next_review.isoformat()} ({-row.days_left} days ago)"
    return f"due {row.next_review.isoformat()} (in {row.days_left} days), last reviewed {_iso(row.reviewed_on)}"


def _github_review(row: ReviewStatus) -> str:
    level = "warning" if row.state is ReviewState.OVERDUE else "notice"
    props = ",".join([f"file={_escape_property(shown(row.path))}", f"line={row.line}",
                      f"title={_escape_property('skillbook review ' + row.state.value)}"])
    return f"::{level} {props}::{_escape_data(shown(row.title) + ': ' + _when(row))}"


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def drafts_note(drafts: Sequence[tuple[str, str]], verb: str) -> str:
    """`2 drafts left out: `grounding` (skill), `sleep-log` (worksheet); publish one with ...`.
    `drafts`: (id, kind) pairs."""
    named = ", ".join(f"`{item_id}` ({KIND_NOUNS[kind]})" for item_id, kind in drafts)
    return f"{len(drafts)} draft(s) {verb}: {named}; publish one with `skillbook publish ID`"
