"""A project in, the files under its `build/` folder that git tracks out (skillbook never reads them).

`build/` is output only: skillbook writes there and reads nothing from it (its caches live outside
the project). A file committed there anyway is reported, so that nobody mistakes it for a build.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from skillbook.issues import Issue, Severity
from skillbook.reading.project import Project


def tracked_outputs(project: Project) -> list[str]:
    """What git tracks under `build/`."""
    return tracked_files(project.root, "build")


def tracked_files(root: Path, folder: str) -> list[str]:
    """What git tracks under `folder` of the work tree at `root`: nothing when `root` is not a git
    work tree, or git is missing."""
    if not (root / ".git").exists():
        return []
    try:
        found = subprocess.run(
            # no hook, filter or monitor of the repository's own configuration runs for ls-files;
            # fsmonitor is the one setting that could start a program, so it is switched off
            ["git", "-c", "core.fsmonitor=false", "ls-files", "-z", "--", folder],
            cwd=root, capture_output=True, timeout=20, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if found.returncode != 0:
        return []
    return sorted(name.decode("utf-8", "replace") for name in found.stdout.split(b"\0") if name)


def tracked_output_issues(project: Project) -> list[Issue]:
    tracked = tracked_outputs(project)
    if not tracked:
        return []
    shown = ", ".join(tracked[:3]) + (f" and {len(tracked) - 3} more" if len(tracked) > 3 else "")
    return [Issue(tracked[0], 1, 1, "tracked-build-file",
                  f"git tracks files under build/ ({shown}); build/ is output only: skillbook never reads them",
                  "remove them from git with `git rm -r --cached build` and keep build/ in .gitignore",
                  Severity.WARNING)]
