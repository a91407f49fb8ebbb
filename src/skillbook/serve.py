"""A project in, a live preview out: serve the built site on 127.0.0.1, rebuild on save, reload the browser."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Callable
from typing import Any

from skillbook.errors import ContentError
from skillbook.issues import Issue
from skillbook.pipeline import build
from skillbook.project import Project

BUILD_ID_PATH = "/_skillbook/build-id"
_WATCHED = ("content", "schemas", "_config.yml", "_toc.yml")


class _PreviewHandler(http.server.SimpleHTTPRequestHandler):
    build_id: Callable[[], str]

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] == BUILD_ID_PATH:
            body = self.build_id().encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def snapshot(project: Project) -> dict[str, float]:
    """Modification times of everything a build reads."""
    times: dict[str, float] = {}
    for name in _WATCHED:
        path = project.root / name
        paths = path.rglob("*") if path.is_dir() else [path]
        for item in paths:
            if item.is_file():
                times[item.as_posix()] = item.stat().st_mtime
    return times


def serve(
    project: Project,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    interval: float = 0.5,
    on_ready: Callable[[str], None] = lambda url: None,
    on_problems: Callable[[tuple[Issue, ...]], None] = lambda issues: None,
    progress: Callable[[str], None] = lambda message: None,
    stop: threading.Event | None = None,
) -> None:
    """Serve `build/preview/site` and rebuild it whenever a watched file changes, until `stop` is set."""
    stop = stop or threading.Event()
    preview = project.build_dir / "preview"
    counter = {"id": 0}

    def rebuild() -> None:
        try:
            build(project, only=("site",), live_reload=True, output_dir=preview, progress=progress,
                  preview_drafts=True)
        except ContentError as exc:
            on_problems(exc.issues)
            return
        counter["id"] += 1
        progress("preview updated")

    rebuild()
    (preview / "site").mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_PreviewHandler, directory=str(preview / "site"))
    _PreviewHandler.build_id = staticmethod(lambda: str(counter["id"]))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    on_ready(f"http://{host}:{server.server_address[1]}/")
    seen = snapshot(project)
    try:
        while not stop.wait(interval):
            current = snapshot(project)
            if current != seen:
                time.sleep(interval)  # let the editor finish writing
                seen = snapshot(project)
                rebuild()
    finally:
        server.shutdown()
        server.server_close()
