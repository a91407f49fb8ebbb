#!/usr/bin/env python3
"""A built site in, its page speed and weight out: Lighthouse 12 (mobile) on the pages readers need first.

The site is served with gzip from 127.0.0.1 and measured with Lighthouse's mobile defaults
(simulated slow 4G, a 4x slower CPU) in Debian's Chromium: performance score, first contentful
paint, and the bytes a first visit transfers. The next page's weight is measured separately in
Chromium: a first visit, then a click to a second page, counting the bytes that second page
transfers over the network (with the browser's cache, before the service worker has taken over,
and once the handbook is cached for offline use).

Usage: python3 scripts/lighthouse.py [--site build/site] [--json out.json] [--markdown]
Needs `npm ci` (lighthouse@12.2.3 from package.json) and /usr/bin/chromium (or SKILLBOOK_CHROMIUM).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("SKILLBOOK_CHROMIUM", "/usr/bin/chromium")
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run "
                "--disable-background-networking --disable-component-update --disable-sync")
COMPRESSED = (".html", ".css", ".js", ".json", ".webmanifest", ".svg", ".txt")
TARGETS = {"performance": 95, "fcp_s": 1.5, "first_visit_kb": 150, "next_page_kb": 30}


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzip-compressed for clients that ask for it (as any real web server does)."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path.split("?", 1)[0]))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix not in COMPRESSED or "gzip" not in self.headers.get("Accept-Encoding", "") or \
                not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        import io

        return io.BytesIO(body)


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


def lighthouse(url: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run([str(LIGHTHOUSE), url, "--quiet", f"--chrome-path={CHROMIUM}",
                        f"--chrome-flags={CHROME_FLAGS}", "--only-categories=performance",
                        "--output=json", f"--output-path={report}"], check=True, timeout=300,
                       env={**os.environ, "CHROME_PATH": CHROMIUM})
        data = json.loads(report.read_text(encoding="utf-8"))
    audits = data["audits"]
    return {
        "performance": round(data["categories"]["performance"]["score"] * 100),
        "fcp_s": round(audits["first-contentful-paint"]["numericValue"] / 1000, 2),
        "lcp_s": round(audits["largest-contentful-paint"]["numericValue"] / 1000, 2),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "first_visit_kb": round(audits["total-byte-weight"]["numericValue"] / 1024, 1),
    }


def _count(transferred: list[float], event: dict[str, Any]) -> None:
    transferred.append(event["encodedDataLength"])


def next_page(base: str, first: str, second: str, offline: bool) -> dict[str, float]:
    """KB the second page transfers: with the browser cache only, and (for a site with a service
    worker) once cached for offline use."""
    from playwright.sync_api import sync_playwright

    weights: dict[str, float] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS.split()[1:])
        for mode in ("http_cache", "offline_ready") if offline else ("http_cache",):
            context = browser.new_context(service_workers="allow" if mode == "offline_ready" else "block")
            page = context.new_page()
            page.goto(base + first)
            if mode == "offline_ready":
                page.wait_for_function("() => document.documentElement.dataset.offline === 'ready'",
                                       timeout=60_000)
            session = context.new_cdp_session(page)
            session.send("Network.enable")
            transferred: list[float] = []
            session.on("Network.loadingFinished", functools.partial(_count, transferred))
            page.goto(base + second)
            page.wait_for_load_state("networkidle")
            weights[f"next_page_kb_{mode}"] = round(sum(transferred) / 1024, 1)
            context.close()
        browser.close()
    return weights


def offline_copy(site: Path) -> dict[str, float]:
    """What the service worker fetches in the background after a first visit: files and gzip KB."""
    worker = (site / "sw.js").read_text(encoding="utf-8")
    data = json.loads(worker.split("const SKILLBOOK = ", 1)[1].split(";\n", 1)[0])  # the worker's one line of data
    paths = [*data["first"], *data["rest"]]
    total = sum(len(gzip.compress((site / p).read_bytes(), mtime=0)) for p in paths)
    return {"offline_files": len(paths), "offline_kb": round(total / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=REPO / "build" / "site")
    parser.add_argument("--json", type=Path, default=None, help="Also write the figures here.")
    parser.add_argument("--markdown", action="store_true", help="Print a Markdown table (for the performance page).")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit(f"Lighthouse is not installed: run `npm ci` in {REPO}")
    sys.path.insert(0, str(REPO / "src"))
    from skillbook.reading.project import load_project

    config = load_project(REPO).config
    pages = {"home": config.root_page, "skill": "content/skills/distress-tolerance/tipp",
             "finder": config.finder_page, "crisis": config.crisis_page, "pocket card": "pocket/tipp"}
    server, base = serve(args.site)
    try:
        results = {name: lighthouse(f"{base}{doc}.html") for name, doc in pages.items()}
        weights = next_page(base, f"{pages['home']}.html", f"{pages['skill']}.html",
                            offline=(args.site / "sw.js").is_file())
    finally:
        server.shutdown()
    copy = offline_copy(args.site) if (args.site / "sw.js").is_file() else {}
    figures = {"pages": results, **weights, **copy, "targets": TARGETS}
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if args.markdown:
        print("| page | performance | first contentful paint | largest contentful paint | first visit |")
        print("| --- | --- | --- | --- | --- |")
        for name, r in results.items():
            print(f"| {name} | {r['performance']} | {r['fcp_s']} s | {r['lcp_s']} s | {r['first_visit_kb']} KB |")
        offline = weights.get("next_page_kb_offline_ready")
        print(f"\nNext page (home, then a skill page): {weights['next_page_kb_http_cache']} KB with the browser's "
              "cache" + (f", {offline} KB once the handbook is ready offline." if offline is not None else "."))
        if copy:
            print(f"The offline copy, fetched in the background after the first page has loaded: "
                  f"{copy['offline_files']} files, {copy['offline_kb']} KB compressed.")
    else:
        print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
