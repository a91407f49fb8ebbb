"""Problems with a bundle in, one error out: which file, and what is wrong with it (all of them at once)."""

from __future__ import annotations

from collections.abc import Iterable

from skillbook.errors import SkillbookError


class BundleError(SkillbookError):
    """A bundle cannot be written or read: a missing or extra file, a wrong hash or size, a file that
    does not match its schema. `problems` has one line per problem, each starting with the file."""

    exit_code = 1

    def __init__(self, problems: Iterable[str] | str) -> None:
        self.problems = (problems,) if isinstance(problems, str) else tuple(problems)
        if len(self.problems) == 1:
            message = self.problems[0]
        else:
            message = f"{len(self.problems)} problems in the bundle:\n" + "\n".join(
                f"  {p}" for p in self.problems)
        super().__init__(message)
