"""A built site in, its offline support out: the service worker and the web app manifest.

The service worker caches the crisis help page and the assets every page needs as soon as it is
installed, then every other page in the background; worksheets and the app bundle are kept when
they are first fetched. Its cache is named after a digest of everything it caches, so a new build
replaces the old cache whole, and two builds of the same content write the same bytes. All paths
are relative to the site's root, so it works when the site is served from a sub-path.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

SERVICE_WORKER = "sw.js"
MANIFEST = "manifest.webmanifest"
_WORKER = Path(__file__).with_name("service-worker.js")  # the worker, with __VERSION__, __FIRST__, __REST__


def write_offline(site: Path, *, first: list[str], rest: list[str], title: str, short_title: str,
                  language: str, start: str) -> None:
    """`first`: cached at install, the crisis page first; `rest`: cached in the background."""
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
    for path in [*first, *rest]:
        version.update(path.encode() + b"\0" + (site / path).read_bytes() + b"\0")
    worker = (_WORKER.read_text(encoding="utf-8").replace("__VERSION__", json.dumps(version.hexdigest()[:16]))
              .replace("__FIRST__", json.dumps(first)).replace("__REST__", json.dumps(rest)))
    (site / SERVICE_WORKER).write_text(worker, encoding="utf-8")
