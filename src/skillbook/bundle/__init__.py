"""A validated handbook in, the JSON bundle for app developers out (and back in: load, verify, diff).

    write_bundle(project, handbook, out_dir, created=...)  # build/bundle/: JSON, FHIR, schemas, manifest
    load(path) -> Bundle                                    # verified: sizes, SHA-256, schemas, ids
    diff_bundles(old, new) -> BundleDiff                    # what changed, and the SemVer level it needs

The library never imports click; `skillbook bundle diff` in `skillbook.commands.cli` wraps `diff_bundles`.
"""

from __future__ import annotations

from skillbook.bundle.diff import BundleDiff, FieldChange, ItemChange, Level, diff_bundles, version_bump
from skillbook.bundle.errors import BundleError
from skillbook.bundle.export import FORMAT_VERSION
from skillbook.bundle.loader import Bundle, load
from skillbook.bundle.writer import source_date, write_bundle
from skillbook.reading.richtext import html_to_text, render_body, sanitize_html

__all__ = [
    "FORMAT_VERSION",
    "Bundle",
    "BundleDiff",
    "BundleError",
    "FieldChange",
    "ItemChange",
    "Level",
    "diff_bundles",
    "html_to_text",
    "load",
    "render_body",
    "sanitize_html",
    "source_date",
    "version_bump",
    "write_bundle",
]
