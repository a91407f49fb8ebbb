"""A folder in, the Project out: its root (nearest folder with `_config.yml`), paths and settings."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
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

    @property
    def cache_dir(self) -> Path:
        """Where this project's caches live: outside the project, in the user's cache folder.

        Caches hold pickles (Sphinx's environment, validation results) that are loaded as they are,
        so they must never come from a place a contribution can write: a `build/.cache` committed
        with `git add -f` would run its author's code when it is unpickled."""
        root = self.root.resolve()
        key = hashlib.sha256(str(root).encode()).hexdigest()[:16]
        return cache_home(root) / f"{_SAFE.sub('-', root.name)[:40]}-{key}"

    def output_cache(self, out: Path) -> Path:
        """The cache of one output folder (`build/`, the clinician edition's, a preview's)."""
        key = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:12]
        return self.cache_dir / f"build-{key}"

    def relative(self, path: Path) -> str:
        """The POSIX path of `path` relative to the root, as shown in messages."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def cache_home(root: Path) -> Path:
    """`SKILLBOOK_CACHE_DIR`, else `$XDG_CACHE_HOME/skillbook`, else `~/.cache/skillbook`; never inside
    the project (a folder a contribution could fill), and private to this user."""
    explicit = os.environ.get("SKILLBOOK_CACHE_DIR")
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if explicit:
        home = Path(explicit).expanduser().resolve()
    elif xdg and Path(xdg).is_absolute():
        home = Path(xdg).resolve() / "skillbook"
    else:
        home = Path.home().resolve() / ".cache" / "skillbook"
    if home == root or root in home.parents:
        if explicit:
            raise ConfigError(f"SKILLBOOK_CACHE_DIR ({home}) is inside the project; caches must live where "
                              "a contribution cannot write: choose a folder outside it")
        home = _private_temp()
    try:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        home = _private_temp()
    return home


def _private_temp() -> Path:
    """A folder in the temporary directory that only this user can write (others could plant files)."""
    home = Path(tempfile.gettempdir()) / f"skillbook-cache-{os.getuid()}"
    home.mkdir(mode=0o700, exist_ok=True)
    status = home.lstat()
    if home.is_symlink() or status.st_uid != os.getuid() or status.st_mode & 0o022:
        raise ConfigError(f"the cache folder {home} belongs to someone else or others can write it; "
                          "set SKILLBOOK_CACHE_DIR to a folder of your own")
    return home


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
