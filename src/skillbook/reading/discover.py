"""The project in, the list of content sources out: which file is a module, skill, homework item or page.

This is the one reader of the tree: `skillbook validate` checks exactly the pages it returns, and the
Sphinx side reads exactly those (`include_patterns`), so no file can be read by one and skipped by
the other. Every other file under `content/` must be a partial (a `_name.md` file pulled in by
`{include}`, checked where it is included), a picture or a download of an allowed type (checked
where a page uses it), or it is reported.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from skillbook.issues import Issue
from skillbook.reading.targets import DOWNLOAD_SUFFIXES, IMAGE_SUFFIXES, PAGE_SUFFIXES

if TYPE_CHECKING:
    from skillbook.reading.project import Project

SOURCE_SUFFIXES = PAGE_SUFFIXES
# what else may live in content/: the pictures and downloads pages show or offer
ASSET_SUFFIXES = tuple(sorted(set(IMAGE_SUFFIXES) | set(DOWNLOAD_SUFFIXES)))
# A name every reader (Sphinx's patterns, URLs, the offline copy, shells) takes as written.
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")
_NAME_HINT = "rename it with letters, digits, `-`, `_` and `.` only (no spaces, brackets or accents)"


class Kind(StrEnum):
    MODULE = "module"
    SKILL = "skill"
    HOMEWORK = "homework"
    PAGE = "page"  # any other book page: home, crisis help, glossary... (no schema)


@dataclass(frozen=True)
class Source:
    path: Path
    rel: str  # POSIX path relative to the project root, e.g. content/skills/mindfulness/observe.md
    kind: Kind
    module_folder: str | None = None  # for modules and skills: the folder under content/skills/

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def docname(self) -> str:
        """The Jupyter Book / Sphinx name: the relative path without its suffix."""
        return self.rel.rsplit(".", 1)[0]

    @property
    def is_notebook(self) -> bool:
        return self.path.suffix == ".ipynb"


def discover(project: Project) -> tuple[list[Source], list[Issue]]:
    """Every MyST Markdown file and notebook under `content/`, classified by where it lives.

    Symlinks are never followed out of `content/`: a linked file or folder that leads outside is
    reported, not read. Files larger than `skillbook.max_file_size` are reported, not read."""
    sources: list[Source] = []
    issues: list[Issue] = []
    content = project.content_dir
    if not content.is_dir():
        issues.append(Issue("content", 1, 1, "no-content", "the project has no content/ folder",
                            "create content/skills/<module>/index.md (see `skillbook new --help`)"))
        return sources, issues
    inside = content.resolve()
    for path in _walk(content):
        parts = path.relative_to(content).parts
        if any(part.startswith(".") for part in parts):
            continue  # hidden files and folders (editors', Jupyter's, the system's): nothing reads or publishes them
        rel = path.relative_to(project.root).as_posix()
        if path.is_symlink():
            try:
                target = path.resolve()
            except (OSError, RuntimeError):  # a loop of links
                issues.append(Issue(rel, 1, 1, "symlink-broken", f"`{rel}` is a link that leads round in a loop; "
                                    "it is not read", "replace the link with the file itself"))
                continue
            if inside not in target.parents:
                issues.append(Issue(rel, 1, 1, "symlink-outside",
                                    f"`{rel}` is a link to `{_shown(path)}`, outside content/; it is not read",
                                    "replace the link with the file or folder itself"))
                continue
            if target.is_dir():
                continue  # a folder linked from elsewhere in content/ is read where it really is
        elif path.is_dir():
            continue
        problem = _refused(path, rel, parts)
        if problem is not None:
            issues.append(problem)
            continue
        if not path.is_file():  # a named pipe or a device would block whoever reads it
            issues.append(Issue(rel, 1, 1, "not-a-file", f"`{rel}` is not a regular file (a pipe, socket or device); "
                                "it is not read", "replace it with a text file, or remove it"))
            continue
        size = path.stat().st_size
        if size > project.config.max_file_size:  # pictures and downloads too: each is copied into the site
            limit = project.config.max_file_size
            issues.append(Issue(rel, 1, 1, "file-too-large",
                                f"the file is {size / 1e6:.2f} MB ({size:,} bytes); content files may be at most "
                                f"{limit / 1e6:g} MB (skillbook.max_file_size)",
                                "split it into several pages (or make the picture or download smaller), or raise "
                                "skillbook.max_file_size in _config.yml"))
            continue
        if path.suffix not in SOURCE_SUFFIXES or parts[-1].startswith("_") or any(
                part.startswith("_") for part in parts[:-1]):
            continue  # a picture, a download or a partial: checked where a page uses it
        source = _classify(path, rel, parts)
        if source is None:
            issues.append(Issue(rel, 1, 1, "unexpected-location",
                                "content file is not where a module, skill or worksheet can live",
                                "skills go in content/skills/<module>/<id>.md, worksheets in "
                                "content/homework/<id>.md, other pages directly in content/"))
            continue
        sources.append(source)
    return sources, issues


def _refused(path: Path, rel: str, parts: tuple[str, ...]) -> Issue | None:
    """Why a file may not be in content/ at all: its name or its type."""
    for part in parts:
        if not _NAME.fullmatch(part):
            shown = part.encode("ascii", "backslashreplace").decode()
            return Issue(rel.encode("ascii", "backslashreplace").decode(), 1, 1, "file-name",
                         f"the name `{shown}` has characters content file names may not use", _NAME_HINT)
    suffix = path.suffix.lower()
    if suffix not in (*SOURCE_SUFFIXES, *ASSET_SUFFIXES) or path.suffix != suffix:
        kinds = ", ".join(s.lstrip(".") for s in (*SOURCE_SUFFIXES, *ASSET_SUFFIXES))
        return Issue(rel, 1, 1, "file-type",
                     f"`{path.name}` is not a kind of file content/ may hold (only {kinds}, in lower case)",
                     "move it out of content/: code, web pages and other files are never part of the handbook")
    if suffix == ".ipynb" and any(part.startswith("_") for part in parts):
        return Issue(rel, 1, 1, "file-type", "only Markdown files can be partials (names starting with `_` "
                     "are pulled in by `{include}`); a notebook there would never be published",
                     "rename the notebook without the `_`, or make it a Markdown file")
    return None


def _walk(folder: Path) -> list[Path]:
    """Every entry under `folder`, sorted, without descending into linked folders."""
    found: list[Path] = []
    for current, folders, files in os.walk(folder, followlinks=False):
        base = Path(current)
        folders.sort()
        found.extend(base / name for name in (*folders, *files) if (base / name).is_symlink() or name in files)
    return sorted(found)


def _shown(link: Path) -> str:
    try:
        return os.readlink(link)
    except OSError:
        return "an unreadable place"


def _classify(path: Path, rel: str, parts: tuple[str, ...]) -> Source | None:
    if len(parts) == 1:
        return Source(path, rel, Kind.PAGE)
    if parts[0] == "skills" and len(parts) == 3:
        kind = Kind.MODULE if path.stem == "index" else Kind.SKILL
        return Source(path, rel, kind, module_folder=parts[1])
    if parts[0] == "homework" and len(parts) == 2:
        return Source(path, rel, Kind.HOMEWORK)
    return None
