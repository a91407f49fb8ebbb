"""A project and a run's settings in, one digest of every file the run reads out (content, schemas,
configuration, table of contents and skillbook's own code): equal digests mean equal results."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from skillbook import __version__
from skillbook.reading.project import CONFIG_FILE, Project

PACKAGE = Path(__file__).resolve().parent.parent


def input_digest(project: Project, settings: object, extra_files: Iterable[Path] = ()) -> str:
    """`settings`: everything else the run depends on (flags, the day), as something with a stable repr."""
    digest = hashlib.sha256(repr((__version__, settings)).encode())
    files = [(project.root / CONFIG_FILE, False), (project.toc_path, False)]
    for folder in (project.content_dir, project.schemas_dir, PACKAGE):
        files += sorted(_files_under(folder))
    files += ((path, False) for path in extra_files)
    for path, link in files:
        digest.update(str(path).encode() + b"\x00")
        try:
            # the bytes, not modification times: a checkout or a copy that keeps the content is a hit;
            # a link counts by where it points (never read through: it may lead out of the project,
            # and the content checks refuse what does)
            digest.update(os.readlink(path).encode() if link else path.read_bytes())
        except OSError:
            digest.update(b"\x00missing")
        digest.update(b"\x00")
    return digest.hexdigest()


@cache
def code_digest(*stages: str) -> str:
    """A digest of skillbook's version and the code of these stages (sub-packages): results made by
    them are stale once it changes (an upgrade, or a working copy)."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(p for stage in stages for p in (PACKAGE / stage).glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _files_under(folder: Path) -> Iterator[tuple[Path, bool]]:
    """Each file and symbolic link, with whether it is a link. Only regular files are read: a pipe
    would block. scandir's entries know their type without a stat."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.is_symlink():
            yield Path(entry.path), True
        elif entry.is_dir():
            if entry.name != "__pycache__":
                yield from _files_under(Path(entry.path))
        elif entry.is_file():
            yield Path(entry.path), False
