"""An item id in, the item published out: `status: published` written into its front matter and the
table of contents regenerated, or nothing changed and every reason why.

Publishing by hand takes two edits that must agree (the status and `_toc.yml`); a forgotten one
was the commonest reason a finished page did not appear. `skillbook publish ID` makes both, and
only if the handbook is still free of errors afterwards: otherwise the file is put back as it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from skillbook.checking.toc import write_toc
from skillbook.checking.validate import validate
from skillbook.errors import ConfigError, ContentError
from skillbook.reading.frontmatter import find_front_matter
from skillbook.reading.models import Handbook, Item
from skillbook.reading.placenames import KIND_NOUNS
from skillbook.reading.project import Project

_STATUS = re.compile(r"^(?P<key>status:\s*)(?P<quote>[\"']?)(?P<value>draft|retired)(?P=quote)"
                     r"(?P<rest>\s*(#.*)?)$")


@dataclass(frozen=True)
class Published:
    kind: str  # skill, worksheet or module
    id: str
    path: str  # relative to the project root
    was: str  # the status before: draft, retired, or published (nothing to do)
    toc: Path | None  # the table of contents written (None: it was published already)


def publish(project: Project, item_ids: Sequence[str]) -> list[Published]:
    """Publish the items together (a skill and the draft worksheet it links go in one step)."""
    result = validate(project)
    found = [_find(result.handbook, item_id) for item_id in dict.fromkeys(item_ids)]
    for item, _kind in found:
        if item.status != "published" and item.source_path.endswith(".ipynb"):
            raise ConfigError(f"{item.source_path} is a notebook: set `status: published` in its first cell, then "
                              "run `skillbook toc --write`")
    originals: dict[Path, bytes] = {}
    for item, _kind in found:
        if item.status != "published":
            path = project.root / item.source_path
            originals[path] = path.read_bytes()
            path.write_bytes(_with_status(originals[path].decode("utf-8"), item.source_path).encode("utf-8"))
    if not originals:
        return [Published(KIND_NOUNS[kind], item.id, item.source_path, "published", None) for item, kind in found]
    after = validate(project)
    # the table of contents is about to be written: its complaints are the ones publishing fixes
    blocking = tuple(i for i in after.errors if not i.rule.startswith("toc-"))
    if blocking:
        for path, original in originals.items():
            path.write_bytes(original)
        raise ContentError(blocking)
    toc = write_toc(project, after.handbook)
    return [Published(KIND_NOUNS[kind], item.id, item.source_path, item.status,
                      toc if item.status != "published" else None) for item, kind in found]


def _find(handbook: Handbook, item_id: str) -> tuple[Item, str]:
    found: list[tuple[Item, str]] = [
        (item, kind) for kind, items in (("skill", handbook.skills), ("homework", handbook.homework),
                                         ("module", handbook.modules))
        for item in items if item.id == item_id]
    if not found:
        raise ConfigError(f"no skill, worksheet or module has the id `{item_id}` (or its front matter has errors: "
                          "run `skillbook validate`)")
    if len(found) > 1:
        where = ", ".join(f"{KIND_NOUNS[k]} {i.source_path}" for i, k in found)
        raise ConfigError(f"the id `{item_id}` names more than one item ({where}); edit `status:` by hand")
    return found[0]


def _with_status(text: str, rel: str) -> str:
    """The file with its front matter's `status:` line set to published; every other byte as it was."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    found = find_front_matter(lines)
    close = found.close if found is not None else 0
    for index in range(1, close):
        match = _STATUS.match(lines[index])
        if match:
            lines[index] = f"{match['key']}{match['quote']}published{match['quote']}{match['rest']}"
            return newline.join(lines)
    raise ConfigError(f"{rel}: no `status: draft` line at the top level of the front matter to change")
