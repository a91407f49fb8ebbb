"""The exception tree: what can stop a command, and the exit status the CLI maps it to."""

from __future__ import annotations

from skillbook.issues import Issue


class SkillbookError(Exception):
    """Base of every error skillbook raises on purpose; never shown as a traceback."""

    exit_code = 2


class ConfigError(SkillbookError):
    """The project itself is unusable: no `_config.yml`, a broken config, a bad command-line value.

    Messages end with where the problem is, e.g. `... (in _config.yml: skillbook.crisis)`.
    """

    exit_code = 2


class ContentError(SkillbookError):
    """The content has errors; carries every problem found, not only the first."""

    exit_code = 1

    def __init__(self, issues: tuple[Issue, ...]) -> None:
        self.issues = issues
        super().__init__(f"{sum(1 for i in issues if i.is_error)} content error(s)")


class BuildError(SkillbookError):
    """A renderer failed on valid content; the message names the source file."""

    exit_code = 1


class ReleaseError(SkillbookError):
    """A release that would reach apps silently: its content changed more than its versions say.
    The message names each item and the version it needs."""

    exit_code = 1
