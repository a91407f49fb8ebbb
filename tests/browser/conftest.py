"""The shipped handbook, built fresh and served from 127.0.0.1, driven by Debian's Chromium through Playwright.

Requirements: Playwright for Python (no downloaded browsers: Chromium is the system's), a Chromium
executable (`/usr/bin/chromium`, or `SKILLBOOK_CHROMIUM`), and axe-core from npm, all installed by
`./scripts/setup`. Without them the tests fail and say so; they never skip.

The whole site is crawled once per session (`crawl`): every HTML page is loaded, scanned with axe-core
in light and in dark mode, and every console message and network request is recorded. The tests
then assert on that record, and drive the interactive parts in their own browser contexts.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from conftest import copy_repository

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("SKILLBOOK_CHROMIUM", "/usr/bin/chromium"))
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
# what Debian's chromium needs to run as root in a container, and nothing that phones home
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
    # the site must work offline: any host but 127.0.0.1 fails to resolve at once (and is recorded)
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCHEMES = ("light", "dark")
EPOCH = "1767225600"
# the screen most phones in use today offer a page (CSS pixels), the browser's own bars excluded
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
TIMEOUT_MS = 20_000


@functools.cache
def missing_requirement() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed"
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (Debian's chromium package, or set SKILLBOOK_CHROMIUM)"
    if not AXE.is_file():
        return f"axe-core is not installed ({AXE.relative_to(REPO)} is missing)"
    return None


@pytest.fixture(scope="session", autouse=True)
def _requirements() -> None:
    """The browser tests never skip: without what they need they fail, saying how to get it."""
    reason = missing_requirement()
    if reason is not None:
        pytest.fail(f"the browser tests cannot run: {reason}. Run ./scripts/setup (the README's first command) "
                    "once, then the tests again.", pytrace=False)


# ---------------------------------------------------------------------------------------------- site


@dataclass(frozen=True)
class Site:
    root: Path  # the copied project
    html: Path  # its build/site
    url: str  # where it is served, ending in "/"

    def pages(self) -> list[str]:
        """Every HTML page of the site (not the theme's assets), as paths relative to the site; the
        search page with a search, so its results are scanned too."""
        found = sorted(p.relative_to(self.html).as_posix() for p in self.html.rglob("*.html")
                       if not {"_static", "_sources"} & set(p.relative_to(self.html).parts))
        return [f"{p}?q=want+to+hurt+myself" if p == "search.html" else p for p in found]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh build of the shipped handbook (never a stale build/ of the working tree)."""
    root = tmp_path_factory.mktemp("browser") / "repo"
    copy_repository(root)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    env.pop("GITHUB_ACTIONS", None)
    result = subprocess.run([sys.executable, "-P", "-m", "skillbook", "build"], cwd=root, capture_output=True,
                            text=True, env=env, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert (root / "build" / "site" / "index.html").is_file()
    return root


@pytest.fixture(scope="session")
def site(built_site: Path) -> Iterator[Site]:
    html = built_site / "build" / "site"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(html)))
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield Site(built_site, html, f"http://127.0.0.1:{server.server_port}/")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def handbook(built_site: Path) -> Any:
    """The validated content model of the built project (what the pages are expected to show)."""
    from skillbook.checking.validate import validate
    from skillbook.reading.project import load_project

    project = load_project(built_site)
    return project, validate(project).handbook


# ------------------------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Recorder:
    """Everything a browser context did: requests, console errors, uncaught errors, failed responses."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    where: str = ""  # the page being visited, for the messages

    def watch(self, context: BrowserContext) -> None:
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("page", self.watch_page)
        for page in context.pages:
            self.watch_page(page)

    def watch_page(self, page: Page) -> None:
        def error(text: str) -> None:
            self.errors.append(f"{self.where or page.url}: {text}")

        page.on("console", lambda message: error(f"console.{message.type}: {message.text}")
                if message.type in ("error", "assert") else None)
        page.on("pageerror", lambda exception: error(f"uncaught {exception}"))
        page.on("response", lambda response: error(f"HTTP {response.status} for {response.url}")
                if response.status >= 400 else None)
        page.on("websocket", lambda socket: self.requests.append(socket.url))


NewPage = Callable[..., "Page"]


@pytest.fixture
def new_page(browser: Browser, site: Site) -> Iterator[NewPage]:
    """`new_page(**context_options)`: a page in a fresh context (own storage), relative URLs on the site."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> Page:
        context = browser.new_context(base_url=site.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        recorder = Recorder()
        recorder.watch(context)
        context.skillbook_recorder = recorder  # type: ignore[attr-defined]
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


# --------------------------------------------------------------------------------------------- crawl

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160),
                              summary: (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 300)})),
  }));
}"""
# no CSS transition still running (colours are measured after the theme's switch, not half-way)
SETTLED = """() => document.getAnimations().every(a => a.playState !== 'running'
    || a.effect?.getComputedTiming().iterations === Infinity)"""
_REFRESH = re.compile(r'<meta http-equiv="refresh" content="\d+;\s*url=([^"]+)"', re.I)


@dataclass
class PageReport:
    path: str
    theme: dict[str, str] = field(default_factory=dict)  # scheme -> data-theme seen while scanning
    violations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # scheme -> axe violations


@dataclass
class Crawl:
    pages: list[PageReport]
    recorder: Recorder


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG A/AA violations on the page as it is now (axe is injected once per document)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # as code of the test: the pages' policy refuses inline scripts
    violations: list[dict[str, Any]] = page.evaluate(AXE_RUN, AXE_TAGS)
    return violations


def settle(page: Page) -> None:
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.wait_for_function(SETTLED)


@pytest.fixture(scope="session")
def crawl(browser: Browser, site: Site) -> Iterator[Crawl]:
    """Every HTML page loaded once and scanned by axe-core in light mode, then (the reader's system
    switching to dark, the theme following it) in dark mode; console and network recorded throughout."""
    context = browser.new_context(base_url=site.url, color_scheme="light", reduced_motion="reduce",
                                  service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    recorder = Recorder()
    recorder.watch(context)
    page = context.new_page()
    reports = []
    try:
        for path in site.pages():
            recorder.where = path
            report = PageReport(path)
            page.emulate_media(color_scheme="light")
            refresh = _REFRESH.search((site.html / path.split("?")[0]).read_text(encoding="utf-8"))
            if refresh:
                # a redirect page (the site's front door): keep it on screen while it is scanned
                target = site.url + refresh.group(1)
                page.route(target, lambda route: route.abort("aborted"))
                with page.expect_event("requestfailed"):
                    page.goto(path)
            else:
                page.goto(path)
            assert page.url.split("?")[0] == site.url + path.split("?")[0], f"{path} did not stay on screen"
            if path.startswith("search.html"):
                page.wait_for_selector("#sb-results h2")  # the results are written by script
            if path.startswith("fill/"):
                page.wait_for_selector(".sb-fill[data-ready]")  # the form is drawn by script: scanned drawn
            for scheme in SCHEMES:
                page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
                settle(page)
                report.theme[scheme] = page.evaluate(SCHEME_SHOWN)
                report.violations[scheme] = axe_violations(page)
            if refresh:
                page.unroute(target)
            reports.append(report)
        yield Crawl(reports, recorder)
    finally:
        context.close()


# which colours the page shows: dark when its background is dark
SCHEME_SHOWN = """() => {
  const c = getComputedStyle(document.body).backgroundColor.match(/[\\d.]+/g).map(Number);
  return (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) < 128 ? 'dark' : 'light';
}"""
