"""The handbook with no signal: after one visit every page opens offline (crisis help first), the cache
follows each new build, it works from a sub-path, and the handbook can be added to a home screen."""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import expect
except ImportError:  # conftest fails these tests and says how to install what they need
    expect = None  # type: ignore[assignment]
    PlaywrightTimeoutError = TimeoutError  # type: ignore[assignment,misc]

from .conftest import EPOCH, REPO, TIMEOUT_MS, NewPage, Site

pytestmark = [pytest.mark.browser, pytest.mark.slow]
READY = "() => document.documentElement.dataset.offline === 'ready'"


def wait_until_ready_offline(page: Any) -> None:
    page.wait_for_function(READY, timeout=60_000)
    expect(page.locator(".sb-offline")).to_contain_text("offline")


def wait_until_only_the_new_cache_is_left(page: Any, old: str) -> None:
    """Polled in the page: `wait_for_function` does not wait for a promise, and the cache API has
    only promises."""
    page.evaluate("""async (old) => {
        for (const end = Date.now() + 60000; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
            const keys = await caches.keys();
            if (keys.length === 1 && keys[0] !== old) return;
        }
        throw new Error("after a minute the caches are still " + (await caches.keys()).join(", "));
    }""", old)


def test_every_page_opens_offline_after_one_visit(new_page: NewPage, handbook: Any, site: Site) -> None:
    project, book = handbook
    page = new_page()
    page.goto(f"{book.skills[0].docname}.html")
    wait_until_ready_offline(page)
    page.context.set_offline(True)
    page.goto(f"{project.config.crisis_page}.html")
    expect(page.locator("article h1")).to_contain_text("Crisis")
    expect(page.locator("article a[href^='tel:']").first).to_be_visible()
    others = [project.config.root_page, project.config.finder_page,
              *(i.docname for i in (*book.modules, *book.skills, *book.homework) if i.is_published),
              *(f"pocket/{s.id}" for s in book.skills if s.is_published)]
    for docname in others:
        page.goto(f"{docname}.html")
        expect(page.locator("article h1")).to_be_visible()
        expect(page.locator(".skillbook-crisis-link")).to_be_visible()
    page.goto("search.html?q=angry")
    expect(page.locator("#sb-results a.sb-result-title").first).to_be_visible()
    page.goto("")  # the front door
    expect(page.locator("article h1")).to_be_visible()


@pytest.fixture
def small_site(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A small handbook built with `skillbook build`, served from 127.0.0.1 under /handbook/ and with
    the caching headers of a GitHub Pages project site: (project root, URL of the site)."""
    sys.path.insert(0, str(REPO / "tests"))
    from conftest import write_project  # the suite's own base project

    root = write_project(tmp_path / "project")
    build(root)
    served = tmp_path / "served"
    served.mkdir()
    (served / "handbook").symlink_to(root / "build" / "site")
    handler = functools.partial(_Quiet, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield root, f"http://127.0.0.1:{server.server_port}/handbook/"
    finally:
        server.shutdown()
        server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    """Files as GitHub Pages serves them: the browser may keep each for ten minutes."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def build(root: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    result = subprocess.run([sys.executable, "-P", "-m", "skillbook", "build", "--only", "site"], cwd=root,
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def test_offline_from_a_sub_path_and_the_cache_follows_a_rebuild(browser: Any, small_site: tuple[Path, str]) -> None:
    """Served from /handbook/, visited once, rebuilt with a changed page: the next visits online bring
    the new build in (not the browser's cached copies of the old one) and drop the old cache, and
    with no signal every page is the new one."""
    root, url = small_site
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    skill = url + "content/skills/test-module/sample-skill.html"
    page.goto(skill)
    wait_until_ready_offline(page)
    scope = page.evaluate("() => navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == url
    first_cache = page.evaluate("() => caches.keys()")

    path = root / "content/skills/test-module/sample-skill.md"
    path.write_text(path.read_text(encoding="utf-8").replace("A short body.", "A rebuilt body."), encoding="utf-8")
    build(root)
    # a visit online asks for the new build (the page's script does this on each load; the browser
    # decides when the request goes out, so the test asks once and waits), and the new worker
    # replaces the old cache
    page.evaluate("() => navigator.serviceWorker.getRegistration().then(r => r.update())")
    wait_until_only_the_new_cache_is_left(page, first_cache[0])
    page.goto(skill)
    expect(page.locator("article")).to_contain_text("A rebuilt body.")
    wait_until_ready_offline(page)

    context.set_offline(True)
    page.goto(url + "content/crisis.html")
    expect(page.locator("article")).to_contain_text("Test crisis line")
    page.goto(url + "content/index.html")
    expect(page.locator("article h1")).to_be_visible()
    page.goto(skill)
    expect(page.locator("article")).to_contain_text("A rebuilt body.")
    context.close()


def test_the_handbook_can_be_added_to_a_home_screen(new_page: NewPage, site: Site) -> None:
    """A web app manifest with a name, a start page that exists, standalone display and the icon
    sizes phones ask for; every page links it."""
    page = new_page()
    page.goto("content/index.html")
    href = page.locator("link[rel='manifest']").get_attribute("href")
    assert href
    manifest_url = page.evaluate("(h) => new URL(h, location.href).href", href)
    manifest = json.loads(page.context.request.get(manifest_url).text())
    assert manifest["name"] and manifest["short_name"] and manifest["display"] == "standalone"
    assert (site.html / manifest["start_url"]).is_file()
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert (site.html / icon["src"]).is_file(), icon
