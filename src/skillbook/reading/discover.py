"""The project in, the list of content sources out: which file is a module, skill, homework item or page."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from skillbook.issues import Issue

if TYPE_CHECKING:
    from skillbook.reading.project import Project

SOURCE_SUFFIXES = (".md", ".ipynb")


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
        if any(part.startswith((".", "_")) for part in parts) or ".ipynb_checkpoints" in parts:
            continue
        rel = path.relative_to(project.root).as_posix()
        if path.is_symlink():
            target = path.resolve()
            if inside not in target.parents:
                issues.append(Issue(rel, 1, 1, "symlink-outside",
                                    f"`{rel}` is a link to `{_shown(path)}`, outside content/; it is not read",
                                    "replace the link with the file or folder itself"))
                continue
            if target.is_dir():
                continue  # a folder linked from elsewhere in content/ is read where it really is
        if path.suffix not in SOURCE_SUFFIXES or path.is_dir():
            continue
        if not path.is_file():  # a named pipe or a device would block whoever reads it
            issues.append(Issue(rel, 1, 1, "not-a-file", f"`{rel}` is not a regular file (a pipe, socket or device); "
                                "it is not read", "replace it with a text file, or remove it"))
            continue
        size = path.stat().st_size
        if size > project.config.max_file_size:
            limit = project.config.max_file_size
            issues.append(Issue(rel, 1, 1, "file-too-large",
                                f"the file is {size / 1e6:.2f} MB ({size:,} bytes); content files may be at most "
                                f"{limit / 1e6:g} MB (skillbook.max_file_size)",
                                "split it into several pages, or raise skillbook.max_file_size in _config.yml"))
            continue
        source = _classify(path, rel, parts)
        if source is None:
            issues.append(Issue(rel, 1, 1, "unexpected-location",
                                "content file is not where a module, skill or worksheet can live",
                                "skills go in content/skills/<module>/<id>.md, worksheets in "
                                "content/homework/<id>.md, other pages directly in content/"))
            continue
        sources.append(source)
    return sources, issues


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
