"""The table of contents and one page in, that page's contents list out (HTML, links relative to it).

The list is the handbook's `_toc.yml`: its parts, each module (or other chapter), and the pages of
the current chapter only, so a page's size does not grow with the handbook. Pages meant for
clinicians or developers are left out of the client edition's list (they are linked from the
footer instead).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from html import escape
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Entry:
    docname: str
    children: tuple[Entry, ...] = ()

    def contains(self, docname: str) -> bool:
        return docname in self._pages

    @cached_property
    def _pages(self) -> frozenset[str]:
        """This page and every page under it (asked once for each page of every build)."""
        return frozenset((self.docname,)).union(*(child._pages for child in self.children))


@dataclass(frozen=True)
class Part:
    caption: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Contents:
    root: str
    parts: tuple[Part, ...] = field(default_factory=tuple)

    def docnames(self) -> list[str]:
        found = [self.root]

        def walk(entries: Sequence[Entry]) -> None:
            for entry in entries:
                found.append(entry.docname)
                walk(entry.children)

        for part in self.parts:
            walk(part.entries)
        return found


def read_contents(toc_path: Path, keep: Callable[[str], bool] = lambda docname: True) -> Contents:
    """`_toc.yml` (Jupyter Book's `jb-book` format) as parts and entries; `keep` filters pages."""
    # libyaml's loader where PyYAML has it: a 1,000-page _toc.yml takes a third of a second in Python's
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data: dict[str, Any] = yaml.load(toc_path.read_text(encoding="utf-8"), Loader=loader) or {}
    root = _docname(str(data.get("root", "index")))

    def entries(items: Any) -> tuple[Entry, ...]:
        found = []
        for item in items or ():
            if not isinstance(item, dict) or "file" not in item:
                continue
            docname = _docname(str(item["file"]))
            if keep(docname):
                found.append(Entry(docname, entries(item.get("sections"))))
        return tuple(found)

    if "parts" in data:
        parts = tuple(Part(str(p.get("caption") or ""), entries(p.get("chapters"))) for p in data["parts"])
    else:
        parts = (Part("", entries(data.get("chapters"))),)
    return Contents(root, tuple(p for p in parts if p.entries))


def render_contents(contents: Contents, pagename: str, titles: dict[str, str],
                    uri: Callable[[str], str]) -> str:
    """The contents list as seen from `pagename`: `titles` are plain text, `uri` makes links relative."""
    lines = [_list([Entry(contents.root)], pagename, titles, uri)]
    for part in contents.parts:
        if part.caption:
            lines.append(f'<p class="sb-part">{escape(part.caption)}</p>')
        lines.append(_list(part.entries, pagename, titles, uri))
    return "\n".join(lines)


def _list(entries: Sequence[Entry], pagename: str, titles: dict[str, str], uri: Callable[[str], str]) -> str:
    items = []
    for entry in entries:
        current = ' aria-current="page"' if entry.docname == pagename else ""
        link = f'<a href="{escape(uri(entry.docname))}"{current}>{escape(titles.get(entry.docname, entry.docname))}</a>'
        inner = _list(entry.children, pagename, titles, uri) if entry.children and entry.contains(pagename) else ""
        items.append(f"<li>{link}{inner}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def _docname(value: str) -> str:
    value = value.strip().lstrip("/")
    for suffix in (".md", ".ipynb"):
        value = value.removesuffix(suffix)
    return value
