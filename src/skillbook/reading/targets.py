"""A path or URL written in content in, the problems with it out: the link rule and the path rule.

Both `skillbook validate` (on the Markdown source) and the Sphinx extension (on the directive
arguments, options and document nodes Sphinx is about to use) call these functions, so they can
never disagree about what content may point at. Paths are resolved after symlinks and must stay
inside `content/`; URLs are `https:`, `mailto:`, `tel:` or internal; nothing remote is loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from urllib.parse import unquote

# what a file may hold is decided in one place (the link rule's schemes are also a PDF's)
from skillbook.reading.safefiles import LINK_SCHEMES as LINK_SCHEMES
from skillbook.reading.safefiles import file_problem
from skillbook.reading.safefiles import svg_problem as svg_problem

PAGE_SUFFIXES = (".md", ".ipynb")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")
DOWNLOAD_SUFFIXES = (".pdf", ".txt", ".csv", ".png", ".jpg", ".jpeg")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
# What a browser strips from a URL before reading its scheme (WHATWG URL parsing): leading and
# trailing C0 controls and spaces, and every tab and newline inside.
_URL_NOISE = re.compile(r"[\t\n\r]")
_LEADING_NOISE = "".join(chr(c) for c in range(0x21))


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
        hint = "use one of: " + ", ".join(suffixes)
        if suffix in PAGE_SUFFIXES:  # a page shown inside another, as its source text
            hint = f"a page cannot be shown inside another as text; use {{include}} for Markdown ({hint})"
        return [Finding("file-type", f"{what} `{_shown(path)}` is not a file type content may use here", hint)]
    problem = content_problem(resolved)
    if problem:
        hint = _CONTENT_HINTS.get(suffix, "replace the file")
        return [Finding("file-type", f"{what} `{_shown(path)}` {problem}", hint)]
    return []


_CONTENT_HINTS = {
    ".svg": "export a PNG instead, or a plain SVG: shapes, text and gradients only, without scripts, links, "
            "style sheets that load files or editor data (e.g. Inkscape's \"Optimized SVG\")",
    ".pdf": "print the document to a new PDF: no scripts, actions, attachments, forms that send, or links "
            "other than https:, mailto: and tel:",
    ".txt": "save the file as UTF-8 text", ".csv": "save the file as UTF-8 CSV",
}


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
    """Why a file's bytes are not safe to publish as its type (None: they are); see reading.safefiles."""
    stat = path.stat()
    return _content_problem(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=512)
def _content_problem(path: str, mtime: int, size: int) -> str | None:
    # keyed by modification time and size: validate and the Sphinx side of one build check each file once
    return file_problem(Path(path))


def _shown(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."
