"""A folder in, the Project out: its root (nearest folder with `_config.yml`), paths and settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from skillbook.errors import ConfigError
from skillbook.reading.config import CONFIG_FILE, ProjectConfig, load_config

__all__ = ["CONFIG_FILE", "TOC_FILE", "Project", "find_root", "load_project"]

TOC_FILE = "_toc.yml"


@dataclass(frozen=True)
class Project:
    root: Path
    config: ProjectConfig

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def skills_dir(self) -> Path:
        return self.content_dir / "skills"

    @property
    def homework_dir(self) -> Path:
        return self.content_dir / "homework"

    @property
    def schemas_dir(self) -> Path:
        return self.root / "schemas"

    @property
    def toc_path(self) -> Path:
        return self.root / TOC_FILE

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    def relative(self, path: Path) -> str:
        """The POSIX path of `path` relative to the root, as shown in messages."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds `_config.yml`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise ConfigError(
        f"no {CONFIG_FILE} found in {start} or any folder above it; "
        "run skillbook inside a skillbook project (or pass --project DIR)"
    )


def load_project(start: Path) -> Project:
    root = find_root(start)
    return Project(root=root, config=load_config(root / CONFIG_FILE))
