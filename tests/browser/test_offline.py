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
    from playwright.sync_api import expect
except ImportError:  # conftest fails these tests and says how to install what they need
    expect = None  # type: ignore[assignment]

from .conftest import EPOCH, REPO, TIMEOUT_MS, NewPage, Site

pytestmark = [pytest.mark.browser, pytest.mark.slow]
READY = "() => document.documentElement.dataset.offline === 'ready'"


def wait_until_ready_offline(page: Any) -> None:
    page.wait_for_function(READY, timeout=60_000)
    expect(page.locator(".sb-offline")).to_contain_text("offline")


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
              *(i.docname for i in (*book.modules, *book.skills, *book.homework) if i.is_published)]
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
    """A small handbook built with `skillbook build`, served from 127.0.0.1 under /handbook/ (as a
    GitHub Pages project site is): (project root, URL of the site)."""
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
    def log_message(self, format: str, *args: Any) -> None:
        pass


def build(root: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    result = subprocess.run([sys.executable, "-m", "skillbook", "build", "--only", "site"], cwd=root,
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def test_offline_from_a_sub_path_and_the_cache_follows_a_rebuild(browser: Any, small_site: tuple[Path, str]) -> None:
    root, url = small_site
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    skill = url + "content/skills/test-module/sample-skill.html"
    page.goto(skill)
    wait_until_ready_offline(page)
    scope = page.evaluate("() => navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == url
    context.set_offline(True)
    page.goto(url + "content/crisis.html")
    expect(page.locator("article")).to_contain_text("Test crisis line")
    context.set_offline(False)

    path = root / "content/skills/test-module/sample-skill.md"
    path.write_text(path.read_text(encoding="utf-8").replace("A short body.", "A rebuilt body."), encoding="utf-8")
    build(root)
    for _attempt in range(20):  # the browser finds the new worker, which replaces the old cache
        page.goto(skill)
        if "A rebuilt body." in page.locator("article").inner_text():
            break
        page.wait_for_timeout(500)
    expect(page.locator("article")).to_contain_text("A rebuilt body.")
    page.wait_for_function("() => caches.keys().then(keys => keys.length === 1)")
    context.set_offline(True)
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
