""""What can I do right now?" in a real browser: two steps (how strong, then what is happening) with
JavaScript one step at a time and without it as plain anchors; by keyboard; offline; at the top band
crisis help comes before any skill; the answers are the chooser's ranking and every link resolves."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # conftest fails these tests and says how to install what they need
    expect = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from playwright.sync_api import Page

from .conftest import PHONE, NewPage, Site

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def chosen(handbook: Any) -> dict[str, list[str]]:
    """What the chooser ranks for each answer anchor (`high-anger`): the skills' page paths, best first."""
    from skillbook.checking.validate import validate
    from skillbook.site.chooser import choices

    project, _book = handbook
    result = validate(project)
    return {f"{c.band.id}-{c.term.id}": [f"/{s.docname}.html" for s in c.skills]
            for c in choices(result.handbook, result.terms, result.bands)}


def answer_links(page: Page, anchor: str) -> list[str]:
    """The links of one answer, in order (paths), read from the page as a reader meets them."""
    return [urlsplit(h).path for h in page.eval_on_selector_all(
        f"[id='{anchor}'] ~ ol.skillbook-ranked a", "links => links.map(a => a.href)")]


def first_link_after(page: Page, anchor: str) -> str:
    return str(page.evaluate("""(id) => {
      const all = [...document.querySelectorAll('article a[href]')];
      const heading = document.getElementById(id);
      const next = all.find(a => heading.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING);
      return next.textContent.trim();
    }""", anchor))


def test_without_javascript_the_two_steps_are_plain_links(new_page: NewPage, handbook: Any,
                                                          chosen: dict[str, list[str]], site: Site) -> None:
    project, _book = handbook
    crisis = f"/{project.config.crisis_page}.html"
    page = new_page(java_script_enabled=False, **PHONE)
    page.goto(project.config.finder_page + ".html")
    bands = page.locator(".skillbook-bands a")
    expect(bands).to_have_count(3)
    expect(bands.first).to_contain_text("7 to 10")  # the strongest first: who needs it most reads least
    expect(bands.first).to_be_in_viewport()
    bands.first.click()
    page.wait_for_url("**#band-high")
    expect(page.locator("#band-high")).to_be_in_viewport()
    # at the top band crisis help comes before the question and before any skill
    assert first_link_after(page, "band-high") == "Crisis help"
    page.locator("#band-high ~ .skillbook-step-two").get_by_role("link", name="Anger", exact=True).click()
    page.wait_for_url("**#high-anger")
    expect(page.locator("#high-anger")).to_be_in_viewport()
    assert first_link_after(page, "high-anger") == "Crisis help"  # also for a reader who lands on the answer
    crisis_link = page.locator("#high-anger ~ .skillbook-crisis-first a").first
    expect(crisis_link).to_be_in_viewport()
    assert urlsplit(crisis_link.evaluate("a => a.href")).path == crisis
    assert answer_links(page, "high-anger") == chosen["high-anger"] and 3 <= len(chosen["high-anger"]) <= 5
    # the lower bands lead with skills, except for words of danger
    page.goto(project.config.finder_page + ".html#low-anger")
    assert first_link_after(page, "low-anger") != "Crisis help"
    assert answer_links(page, "low-anger") == chosen["low-anger"]
    page.goto(project.config.finder_page + ".html#low-self-harm-urges")
    assert first_link_after(page, "low-self-harm-urges") == "Crisis help"
    # every link of the chooser lands on a page (and anchor) that exists
    links = page.eval_on_selector_all("article a[href]", "links => links.map(a => a.href)")
    assert len(links) > 3 * len(chosen)
    for link in set(links):
        url, fragment = urldefrag(link)
        assert url.startswith(site.url), f"the chooser links off the site: {link}"
        file = site.html / unquote(urlsplit(url).path).lstrip("/")
        assert file.is_file(), f"broken link: {link}"
        if fragment:
            assert f'id="{fragment}"' in file.read_text(encoding="utf-8"), f"missing anchor: {link}"


def test_with_javascript_one_step_at_a_time(new_page: NewPage, handbook: Any, chosen: dict[str, list[str]]) -> None:
    project, _book = handbook
    page = new_page(**PHONE)
    page.goto(project.config.finder_page + ".html")
    expect(page.locator(".skillbook-band").first).to_be_hidden()  # step one only
    expect(page.locator(".skillbook-bands a")).to_have_count(3)
    page.locator(".skillbook-bands a").first.click()
    page.wait_for_url("**#band-high")
    expect(page.locator(".skillbook-band:visible")).to_have_count(1)
    expect(page.locator(".skillbook-band:visible > .skillbook-crisis-first")).to_be_in_viewport()
    expect(page.locator(".skillbook-choice:visible")).to_have_count(0)  # step two: the question
    page.locator(".skillbook-band:visible .skillbook-jump").get_by_role("link", name="Anger", exact=True).click()
    page.wait_for_url("**#high-anger")
    expect(page.locator(".skillbook-choice:visible")).to_have_count(1)
    expect(page.locator(".skillbook-step-two:visible")).to_have_count(0)
    shown = page.locator(".skillbook-choice:visible")
    expect(shown.locator(".skillbook-crisis-first")).to_be_in_viewport()  # before the skills
    hrefs = [urlsplit(h).path for h in shown.locator("ol.skillbook-ranked a").evaluate_all("l => l.map(a => a.href)")]
    assert hrefs == chosen["high-anger"]
    assert page.evaluate("() => document.activeElement.id") == "high-anger"  # where a screen reader carries on
    expect(shown.get_by_role("link", name="Something else is happening")).to_be_visible()
    page.go_back()  # the browser's back button goes back one step
    page.wait_for_url("**#band-high")
    expect(page.locator(".skillbook-step-two:visible")).to_have_count(1)
    page.goto(project.config.finder_page + ".html#medium-sadness")  # a shared link opens on its answer
    expect(page.locator(".skillbook-choice:visible")).to_have_count(1)
    expect(page.locator("#medium-sadness")).to_be_in_viewport()
    page.locator(".skillbook-band:visible").get_by_role("link", name="Choose again").click()
    page.wait_for_url("**#how-strong")
    expect(page.locator(".skillbook-band:visible")).to_have_count(0)


def test_by_keyboard_crisis_help_is_the_first_stop_of_a_strong_answer(new_page: NewPage, handbook: Any,
                                                                      chosen: dict[str, list[str]]) -> None:
    project, _book = handbook
    page = new_page()
    page.goto(project.config.finder_page + ".html")

    def tab_to(text: str) -> None:
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.textContent.trim()") == text:
                return
        raise AssertionError(f"Tab never reached {text!r}")

    tab_to(page.locator(".skillbook-bands a").first.inner_text().strip())
    page.keyboard.press("Enter")
    page.wait_for_url("**#band-high")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'band-high'")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Crisis help"
    tab_to("Anger")
    page.keyboard.press("Enter")
    page.wait_for_url("**#high-anger")
    # the script moves focus to the answer's heading after the jump: wait for it on a busy machine
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'high-anger'")
    page.keyboard.press("Tab")  # from the answer's heading, where focus moved
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Crisis help"
    page.keyboard.press("Tab")
    if page.evaluate("() => document.activeElement.textContent.trim()") == "My safety plan":
        page.keyboard.press("Tab")  # the reader's own plan comes between crisis help and the skills
    assert page.evaluate("() => new URL(document.activeElement.href).pathname") == chosen["high-anger"][0]
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{chosen['high-anger'][0]}")


def test_offline_the_chooser_and_its_answers_open(new_page: NewPage, handbook: Any,
                                                  chosen: dict[str, list[str]]) -> None:
    project, _book = handbook
    page = new_page(**PHONE)
    page.goto(project.config.finder_page + ".html")
    page.wait_for_function("() => document.documentElement.dataset.offline === 'ready'", timeout=60_000)
    page.context.set_offline(True)
    page.goto(project.config.root_page + ".html")
    page.goto(project.config.finder_page + ".html#high-panic")
    expect(page.locator(".skillbook-choice:visible")).to_have_count(1)
    expect(page.locator(".skillbook-choice:visible .skillbook-crisis-first a").first).to_be_visible()
    page.locator(".skillbook-choice:visible ol.skillbook-ranked a").first.click()
    page.wait_for_url(f"**{chosen['high-panic'][0]}")
    expect(page.locator("article h1")).to_be_visible()
