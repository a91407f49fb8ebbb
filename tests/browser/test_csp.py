"""The site's Content-Security-Policy in a real browser: pages in, no violation and the site's own scripts
running out (the inline colour script by its hash, skillbook.js, search, the service worker).

A tampered hash is the control: the same listener must then see the inline script refused.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from .conftest import NewPage, Site

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Before any of the page's own code: every violation the browser reports is kept, and the reader's
# colour choice is stored, so that the inline script (allowed by its hash) has something to apply.
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
try { localStorage.setItem('skillbook-scheme', 'dark'); } catch (e) {}
"""


def pages(handbook: Any) -> dict[str, str]:
    project, book = handbook
    skill = next(s for s in book.skills if s.is_published)
    return {
        "home": f"{project.config.root_page}.html",
        "skill": f"{skill.docname}.html",
        "search": "search.html?q=angry",
        "chooser": f"{project.config.finder_page}.html",
    }


def watched(new_page: NewPage) -> Page:
    page = new_page()
    page.context.add_init_script(WATCH)
    return page


def violations(page: Page) -> list[str]:
    found: list[str] = page.evaluate("() => window.__violations")
    return found


@pytest.mark.parametrize("kind", ["home", "skill", "search", "chooser"])
def test_pages_run_their_own_scripts_without_a_violation(kind: str, new_page: NewPage, handbook: Any) -> None:
    from playwright.sync_api import expect

    page = watched(new_page)
    page.goto(pages(handbook)[kind])
    # the inline script ran (allowed by its hash): the stored colour choice is applied before paint
    assert page.evaluate("() => document.documentElement.dataset.scheme") == "dark"
    # skillbook.js ran: it shows the colour switch, which is hidden without scripts
    expect(page.locator(".sb-scheme")).to_be_visible()
    if kind == "search":  # results are fetched (connect-src) and written by script
        expect(page.locator("#sb-results h2").first).to_be_visible()
    if kind == "home":  # the service worker is registered and takes over (worker-src)
        script = page.evaluate("() => navigator.serviceWorker.ready.then(r => r.active.scriptURL)")
        assert script.endswith("/sw.js"), script
    page.wait_for_load_state("networkidle")
    assert violations(page) == []
    assert page.context.skillbook_recorder.errors == []  # type: ignore[attr-defined]


def test_a_script_the_policy_does_not_name_is_refused(new_page: NewPage, handbook: Any, site: Site) -> None:
    """The control: the same page with one character of the hash changed. The listener sees the inline
    script refused, and the colour choice is not applied."""
    address = pages(handbook)["home"]
    html = (site.html / address).read_text(encoding="utf-8")
    tampered = re.sub(r"'sha256-(.)", lambda m: "'sha256-" + ("A" if m.group(1) != "A" else "B"), html, count=1)
    assert tampered != html
    page = watched(new_page)
    page.route(site.url + address, lambda route: route.fulfill(body=tampered, content_type="text/html"))
    page.goto(address)
    page.wait_for_load_state("networkidle")
    assert any(v.startswith("script-src") for v in violations(page)), violations(page)
    assert page.evaluate("() => document.documentElement.dataset.scheme") is None
