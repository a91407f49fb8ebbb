"""The project in, the list of content sources out: which file is a module, skill, homework item or page."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from skillbook.issues import Issue
from skillbook.project import Project

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
    """Every MyST Markdown file and notebook under `content/`, classified by where it lives."""
    sources: list[Source] = []
    issues: list[Issue] = []
    content = project.content_dir
    if not content.is_dir():
        issues.append(Issue("content", 1, 1, "no-content", "the project has no content/ folder",
                            "create content/skills/<module>/index.md (see `skillbook new --help`)"))
        return sources, issues
    for path in sorted(content.rglob("*")):
        if path.suffix not in SOURCE_SUFFIXES or not path.is_file():
            continue
        parts = path.relative_to(content).parts
        if any(part.startswith((".", "_")) for part in parts) or ".ipynb_checkpoints" in parts:
            continue
        rel = project.relative(path)
        source = _classify(path, rel, parts)
        if source is None:
            issues.append(Issue(rel, 1, 1, "unexpected-location",
                                "content file is not where a module, skill or homework item can live",
                                "skills go in content/skills/<module>/<id>.md, homework in "
                                "content/homework/<id>.md, other pages directly in content/"))
            continue
        sources.append(source)
    return sources, issues


def _classify(path: Path, rel: str, parts: tuple[str, ...]) -> Source | None:
    if len(parts) == 1:
        return Source(path, rel, Kind.PAGE)
    if parts[0] == "skills" and len(parts) == 3:
        kind = Kind.MODULE if path.stem == "index" else Kind.SKILL
        return Source(path, rel, kind, module_folder=parts[1])
    if parts[0] == "homework" and len(parts) == 2:
        return Source(path, rel, Kind.HOMEWORK)
    return None
