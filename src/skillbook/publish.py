"""An item id in, the item published out: `status: published` written into its front matter and the
table of contents regenerated, or nothing changed and every reason why.

Publishing by hand takes two edits that must agree (the status and `_toc.yml`); a forgotten one
was the commonest reason a finished page did not appear. `skillbook publish ID` makes both, and
only if the handbook is still free of errors afterwards: otherwise the file is put back as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from skillbook.errors import ConfigError, ContentError
from skillbook.models import Handbook, Item
from skillbook.placenames import KIND_NOUNS
from skillbook.project import Project
from skillbook.toc import write_toc
from skillbook.validate import validate

_STATUS = re.compile(r"^(?P<key>status:\s*)(?P<quote>[\"']?)(?P<value>draft|retired)(?P=quote)"
                     r"(?P<rest>\s*(#.*)?)$")


@dataclass(frozen=True)
class Published:
    kind: str  # skill, worksheet or module
    id: str
    path: str  # relative to the project root
    was: str  # the status before: draft, retired, or published (nothing to do)
    toc: Path | None  # the table of contents written, if it was


def publish(project: Project, item_id: str) -> Published:
    result = validate(project)
    item, kind = _find(result.handbook, item_id, project)
    path = project.root / item.source_path
    if item.status == "published":
        return Published(KIND_NOUNS[kind], item.id, item.source_path, "published", None)
    if path.suffix == ".ipynb":
        raise ConfigError(f"{item.source_path} is a notebook: set `status: published` in its first cell, then run "
                          "`skillbook toc --write`")
    original = path.read_bytes()
    text = original.decode("utf-8")
    edited = _with_status(text, item.source_path)
    path.write_bytes(edited.encode("utf-8"))
    after = validate(project)
    # the table of contents is about to be written: its complaints are the ones publishing fixes
    blocking = tuple(i for i in after.errors if not i.rule.startswith("toc-"))
    if blocking:
        path.write_bytes(original)
        raise ContentError(blocking)
    return Published(KIND_NOUNS[kind], item.id, item.source_path, item.status, write_toc(project, after.handbook))


def _find(handbook: Handbook, item_id: str, project: Project) -> tuple[Item, str]:
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
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), len(lines))
    for index in range(1, close):
        match = _STATUS.match(lines[index])
        if match:
            lines[index] = f"{match['key']}{match['quote']}published{match['quote']}{match['rest']}"
            return newline.join(lines)
    raise ConfigError(f"{rel}: no `status: draft` line at the top level of the front matter to change")
