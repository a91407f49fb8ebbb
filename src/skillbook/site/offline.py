"""A built site in, its offline support out: the service worker and the web app manifest.

The service worker caches the crisis help page and the assets every page needs as soon as it is
installed, then every other page in the background; worksheets and the app bundle are kept when
they are first fetched. Its cache is named after a digest of everything it caches, so a new build
replaces the old cache whole, and two builds of the same content write the same bytes. All paths
are relative to the site's root, so it works when the site is served from a sub-path.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

from skillbook.reading.inline_json import inline_json

SERVICE_WORKER = "sw.js"
MANIFEST = "manifest.webmanifest"
_WORKER = Path(__file__).with_name("service-worker.js")  # the worker: reads its data from `SKILLBOOK`


def write_offline(site: Path, *, first: list[str], rest: list[str], title: str, short_title: str,
                  language: str, start: str, digests: Path | None = None) -> None:
    """`first`: cached at install, the crisis page first; `rest`: cached in the background.
    `digests`: where to keep each file's digest between builds, so unchanged files are not read again."""
    manifest = {
        "name": title, "short_name": short_title, "lang": language, "start_url": start, "scope": "./",
        "display": "standalone", "background_color": "#ffffff", "theme_color": "#2f6f8f",
        "icons": [
            {"src": "_static/skillbook-icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": "_static/skillbook-icon-512.png", "sizes": "512x512", "type": "image/png"},
            {"src": "_static/skillbook-icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    }
    (site / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                 encoding="utf-8")
    version = hashlib.sha256()
    known = _known_digests(digests)
    current: dict[str, list[int | str]] = {}
    for path in [*first, *rest]:
        stat = (site / path).stat()
        entry = known.get(path)
        # Sphinx leaves a page it did not write again as it was: same size, same time
        if entry is None or entry[:2] != [stat.st_size, stat.st_mtime_ns]:
            entry = [stat.st_size, stat.st_mtime_ns, hashlib.sha256((site / path).read_bytes()).hexdigest()]
        current[path] = entry
        version.update(f"{path}\0{entry[2]}\0".encode())
    if digests is not None:
        with contextlib.suppress(OSError):  # without it only the next build is slower
            digests.write_text(json.dumps(current), encoding="utf-8")
    (site / SERVICE_WORKER).write_text(service_worker(version.hexdigest()[:16], first, rest), encoding="utf-8")


def service_worker(version: str, first: list[str], rest: list[str]) -> str:
    """sw.js: one statement of data, serialized (page paths and names are data, whatever they
    contain), then the worker's code as it is written."""
    data = inline_json({"version": version, "first": first, "rest": rest})
    return f'"use strict";\nconst SKILLBOOK = {data};\n{_WORKER.read_text(encoding="utf-8")}'


def _known_digests(digests: Path | None) -> dict[str, list[int | str]]:
    try:
        known = json.loads(digests.read_text(encoding="utf-8")) if digests is not None else {}
    except (OSError, ValueError):
        return {}
    return known if isinstance(known, dict) else {}
