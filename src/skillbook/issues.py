"""Validation problems as data: one frozen Issue per problem, saying where it is and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Issue:
    """One problem in one file. `path` is relative to the project root, POSIX style; lines are 1-based."""

    path: str
    line: int
    column: int
    rule: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def escalated(self) -> Issue:
        """The same problem as an error (what `--strict` does to warnings)."""
        return Issue(self.path, self.line, self.column, self.rule, self.message, self.hint)


def count_errors(issues: list[Issue] | tuple[Issue, ...]) -> int:
    return sum(1 for issue in issues if issue.is_error)
