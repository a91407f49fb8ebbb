"""A project in, a live preview out: serve the built site on 127.0.0.1, rebuild on save, reload the browser.

The preview shows drafts and their worksheet PDFs. When a save breaks the content, the browser keeps
the last good page and shows the problems over it (file:line, message, hint), until the next save
fixes them: an author watching the browser never has to look at the terminal.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from skillbook.commands.report import shown
from skillbook.errors import ContentError
from skillbook.issues import Issue
from skillbook.pipeline import build
from skillbook.reading.project import Project

BUILD_ID_PATH = "/_skillbook/build-id"
STATUS_PATH = "/_skillbook/status"  # {"build": id, "problems": [...]}: what the browser shows
_WATCHED = ("content", "schemas", "_config.yml", "_toc.yml")


class _PreviewHandler(http.server.SimpleHTTPRequestHandler):
    state: Callable[[], dict[str, Any]]

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == BUILD_ID_PATH:
            self._send(str(self.state()["build"]).encode(), "text/plain")
            return
        if path == STATUS_PATH:
            self._send(json.dumps(self.state(), ensure_ascii=False).encode(), "application/json")
            return
        super().do_GET()

    def _send(self, body: bytes, media_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", f"{media_type}; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

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
    interval: float = 0.05,
    edition: str = "client",
    on_ready: Callable[[str], None] = lambda url: None,
    on_problems: Callable[[tuple[Issue, ...]], None] = lambda issues: None,
    progress: Callable[[str], None] = lambda message: None,
    stop: threading.Event | None = None,
) -> None:
    """Serve `build/preview/site` and rebuild it whenever a watched file changes, until `stop` is set."""
    stop = stop or threading.Event()
    preview = project.build_dir / ("preview" if edition == "client" else f"preview-{edition}")
    state: dict[str, Any] = {"build": 0, "problems": []}

    def rebuild() -> None:
        try:
            build(project, only=("site", "worksheets"), live_reload=True, output_dir=preview, progress=progress,
                  preview_drafts=True, edition=edition)
        except ContentError as exc:
            # the browser shows the problems over the last good page
            state["problems"] = [_shown(issue) for issue in exc.issues if issue.is_error]
            on_problems(exc.issues)
        else:
            state["problems"] = []
            progress("preview updated")
        state["build"] += 1

    seen = snapshot(project)  # before the first build: a save while it runs is built next
    rebuild()
    (preview / "site").mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_PreviewHandler, directory=str(preview / "site"))
    _PreviewHandler.state = staticmethod(lambda: state)
    server = http.server.ThreadingHTTPServer((host, port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    on_ready(f"http://{host}:{server.server_address[1]}/")
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


def _shown(issue: Issue) -> dict[str, Any]:
    return {"path": issue.path, "line": issue.line, "message": shown(issue.message), "hint": shown(issue.hint)}
