"""Issues in, text out: the `path:line:col: severity[rule]: message` lines, GitHub annotations or JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from skillbook.allowlist import CONTROL_CHARACTERS, escaped
from skillbook.issues import Issue

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
