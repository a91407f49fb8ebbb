"""A path or URL written in content in, the problems with it out: the link rule and the path rule.

Both `skillbook validate` (on the Markdown source) and the Sphinx extension (on the directive
arguments, options and document nodes Sphinx is about to use) call these functions, so they can
never disagree about what content may point at. Paths are resolved after symlinks and must stay
inside `content/`; URLs are `https:`, `mailto:`, `tel:` or internal; nothing remote is loaded.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from urllib.parse import unquote

LINK_SCHEMES = frozenset({"https", "mailto", "tel"})
PAGE_SUFFIXES = (".md", ".ipynb")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")
DOWNLOAD_SUFFIXES = (".pdf", ".txt", ".csv", ".png", ".jpg", ".jpeg")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
# What a browser strips from a URL before reading its scheme (WHATWG URL parsing): leading and
# trailing C0 controls and spaces, and every tab and newline inside.
_URL_NOISE = re.compile(r"[\t\n\r]")
_LEADING_NOISE = "".join(chr(c) for c in range(0x21))
# The first bytes of each raster type: a `.png` that is really HTML is refused.
_MAGIC: dict[str, tuple[bytes, ...]] = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".pdf": (b"%PDF-",),
}
_SVG_ELEMENTS = frozenset({
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "title",
    "desc", "defs", "lineargradient", "radialgradient", "stop", "clippath", "mask", "symbol", "use", "metadata",
})


@dataclass(frozen=True)
class Finding:
    """One problem with one target: the rule, what is wrong, and how to fix it."""

    rule: str
    message: str
    hint: str


@dataclass(frozen=True)
class Origin:
    """Where a target is written: relative paths start from `file`'s folder, `/x` from the project root."""

    file: Path
    content_dir: Path

    @property
    def root(self) -> Path:
        return self.content_dir.parent

    @cached_property
    def real_content_dir(self) -> Path:
        """`content/` after symlinks, resolved once for all the targets written in one file."""
        return self.content_dir.resolve()


def normalized_url(url: str) -> str:
    return _URL_NOISE.sub("", url.strip(_LEADING_NOISE))


def scheme_of(url: str) -> str | None:
    match = _SCHEME.match(normalized_url(url))
    return match.group(1).lower() if match else None


def is_remote(url: str) -> bool:
    """A URL with a scheme, or one that starts with `//` (another host, the page's scheme)."""
    cleaned = normalized_url(url).replace("\\", "/")
    return scheme_of(cleaned) is not None or cleaned.startswith("//")


def check_link(href: str, origin: Origin, what: str = "link") -> list[Finding]:
    """The link rule: `https:`, `mailto:`, `tel:`, a fragment, a page or a permitted download."""
    cleaned = normalized_url(href)
    scheme = scheme_of(cleaned) or scheme_of(unquote(cleaned))  # `java%09script:` is decoded somewhere
    if scheme is None:
        if cleaned.replace("\\", "/").startswith("//"):
            return [Finding("unsafe-link", f"{what} `{_shown(href)}` points at another site without saying how",
                            "write the full https:// address")]
        return check_internal_link(cleaned, origin, what)
    if scheme in LINK_SCHEMES:
        return []
    if scheme == "http":
        return [Finding("insecure-link", f"{what} `{_shown(href)}` uses plain http",
                        "use the https:// address of the page")]
    return [Finding("unsafe-link", f"{what} with `{scheme}:` is not allowed: `{_shown(href)}`",
                    "link to an https:// page, a mailto: or tel: address, or another page of the handbook")]


def check_internal_link(href: str, origin: Origin, what: str = "link") -> list[Finding]:
    target = unquote(href.split("#", 1)[0].split("?", 1)[0])  # MyST decodes %2E%2E/ into ../
    if not target:
        return []  # a fragment of this page
    if target.endswith(PAGE_SUFFIXES):
        return check_page(target, origin, what)
    return check_path(target, origin, DOWNLOAD_SUFFIXES, what)


def check_page(name: str, origin: Origin, what: str) -> list[Finding]:
    """Another page by its name (`../skills/x`, `/content/crisis`): inside content/, existing."""
    target = name.split("#", 1)[0].strip()
    if is_remote(target):
        return [Finding("unsafe-link", f"{what} `{_shown(name)}` is an address, not a page",
                        "name a page of the handbook by its path without .md")]
    for suffix in ("", *PAGE_SUFFIXES):
        resolved, findings = resolve(target + suffix, origin, what)
        if findings:
            return findings
        assert resolved is not None
        if resolved.is_file() and resolved.suffix in PAGE_SUFFIXES:
            return []
    return [Finding("broken-link", f"{what} `{_shown(name)}` names no page of the handbook",
                    "check the file name; paths are relative to this file")]


def check_reference(name: str, origin: Origin, what: str) -> list[Finding]:
    """A label, a glossary term, or (written as a path) a page: never an address, never outside content/."""
    target = name.strip()
    if is_remote(target):
        return [Finding("unsafe-link", f"{what} `{_shown(name)}` is an address, not a label or page",
                        "name a label, a glossary term or a page of the handbook")]
    if "/" in target or target.startswith("."):
        return check_page(target, origin, what)
    return []


def check_path(path: str, origin: Origin, suffixes: tuple[str, ...], what: str) -> list[Finding]:
    """A file the content uses (included, shown or offered for download): inside content/, existing,
    of a permitted type, and really of that type."""
    if not path.strip():
        return [Finding("missing-path", f"{what} has no path", "give the path of a file in content/")]
    if is_remote(path):
        return [Finding("remote-file", f"{what} points outside the handbook: `{_shown(path)}`",
                        "copy the file into content/ and use a relative path; the site must work offline "
                        "and never send readers' requests to other sites")]
    resolved, findings = resolve(path, origin, what)
    if findings:
        return findings
    assert resolved is not None
    if not resolved.exists():
        return [Finding("missing-file", f"{what} `{_shown(path)}` does not exist",
                        "check the path; it is relative to this file")]
    suffix = resolved.suffix.lower()
    if not resolved.is_file() or suffix not in suffixes:
        return [Finding("file-type", f"{what} `{_shown(path)}` is not a file type content may use here",
                        "use one of: " + ", ".join(suffixes))]
    problem = content_problem(resolved)
    if problem:
        hint = _CONTENT_HINTS.get(suffix, "replace the file")
        return [Finding("file-type", f"{what} `{_shown(path)}` {problem}", hint)]
    return []


_CONTENT_HINTS = {".svg": "export a PNG instead, or an SVG without scripts, event handlers or links"}


def resolve(path: str, origin: Origin, what: str) -> tuple[Path | None, list[Finding]]:
    """The file `path` names, after symlinks; a finding when it is outside `content/`."""
    cleaned = path.strip()
    base = origin.root if cleaned.startswith("/") else origin.file.parent
    try:
        resolved = (base / cleaned.lstrip("/")).resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL byte
        return None, [Finding("missing-file", f"{what} `{_shown(path)}` cannot be resolved", "check the path")]
    content = origin.real_content_dir
    if resolved != content and content not in resolved.parents:
        return None, [Finding("path-outside-content", f"{what} `{_shown(path)}` leaves the content folder",
                              "only files inside content/ may be included, shown or downloaded")]
    return resolved, []


def content_problem(path: Path) -> str | None:
    """Why a file's bytes do not match its type (None: they do)."""
    stat = path.stat()
    return _content_problem(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=512)
def _content_problem(path: str, mtime: int, size: int) -> str | None:
    suffix = Path(path).suffix.lower()
    try:
        with Path(path).open("rb") as stream:
            head = stream.read() if suffix == ".svg" else stream.read(16)
    except OSError:
        return "cannot be read"
    if suffix == ".svg":
        return svg_problem(head)
    magic = _MAGIC.get(suffix)
    if magic and not head.startswith(magic):
        return f"is not really a {suffix[1:].upper()} file"
    if suffix == ".webp" and head[8:12] != b"WEBP":
        return "is not really a WEBP file"
    return None


def svg_problem(data: bytes) -> str | None:
    """Why an SVG is not safe to publish: scripts, handlers, links, foreign content, entities."""
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        return "declares a DOCTYPE or entities"
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return "is not a well-formed SVG"
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""
        if name not in _SVG_ELEMENTS:
            return f"contains a `<{name}>` element"
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                return f"has an event handler (`{local}`)"
            if local == "href" and not value.strip().startswith("#"):
                return "links to another document"
            if "url(" in value.lower() and not re.fullmatch(r"\s*url\(\s*#[^)]*\)\s*", value):
                return "loads a resource through url()"
            if "javascript:" in normalized_url(value).lower():
                return "contains a javascript: address"
    return None


def _shown(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."
