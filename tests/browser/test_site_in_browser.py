"""The handbook in a real browser: search, crisis link on a phone, click-through to a worksheet PDF,
keyboard use, print, dark mode, console errors and axe-core (WCAG 2.2 A/AA)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # conftest fails these tests and says how to install what they need
    expect = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from playwright.sync_api import Page

from .conftest import AXE_TAGS, PHONE, SCHEMES, Crawl, NewPage, Site, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]


# ------------------------------------------------------------------------------------------ helpers


def rgb(css: str) -> tuple[float, float, float, float]:
    """`rgb(1, 2, 3)` / `rgba(1, 2, 3, 0.5)` / `color(srgb 0.1 0.2 0.3)` -> channels 0..255 and alpha."""
    if css.startswith("color(srgb"):
        values = [float(v) for v in re.findall(r"[\d.]+", css.split("/")[0])]
        alpha = float(css.split("/")[1].strip(" )")) if "/" in css else 1.0
        return values[0] * 255, values[1] * 255, values[2] * 255, alpha
    values = [float(v) for v in re.findall(r"[\d.]+", css)]
    return values[0], values[1], values[2], values[3] if len(values) > 3 else 1.0


def luminance(css: str) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b, _ = rgb(css)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def docname_of(handbook: Any, kind: str, item_id: str | None = None) -> str:
    _project, book = handbook
    items = {"module": book.modules, "skill": book.skills, "homework": book.homework}[kind]
    published = [i for i in items if i.is_published and (item_id is None or i.id == item_id)]
    assert published, (kind, item_id)
    return str(published[0].docname)


def page_types(handbook: Any) -> dict[str, str]:
    """One page of each kind a reader meets, by docname."""
    project, _book = handbook
    return {
        "home": project.config.root_page,
        "module": docname_of(handbook, "module", "interpersonal-effectiveness"),
        "skill": docname_of(handbook, "skill", "dear-man"),
        "homework": docname_of(handbook, "homework", "weekly-diary-card"),
        "find-a-skill": project.config.finder_page,
        "crisis": project.config.crisis_page,
        "glossary": "content/glossary",
    }


def assert_no_errors(page: Page) -> None:
    """Nothing went wrong in the page's context: no console error, uncaught exception or failed request."""
    assert page.context.skillbook_recorder.errors == []  # type: ignore[attr-defined]


def format_violations(violations: dict[str, list[dict[str, Any]]]) -> str:
    lines = []
    for path, found in violations.items():
        for v in found:
            lines.append(f"{path}: {v['id']} ({v['impact']}): {v['help']}")
            lines += [f"    {n['target']}: {n['summary']}  {n['html']}" for n in v["nodes"][:5]]
    return "\n".join(lines)


# -------------------------------------------------------------------------------------------- search


def search(page: Page, words: str) -> list[str]:
    """Search from the page's one search box; the result links (paths relative to the site), best first."""
    field = page.get_by_role("searchbox", name="Search")
    field.fill(words)
    field.press("Enter")
    page.wait_for_url(re.compile(r"/search\.html\?q="))
    expect(page.locator("#sb-results h2")).to_be_visible()
    return [urlsplit(unquote(h)).path.lstrip("/") for h in page.eval_on_selector_all(
        "#sb-results a.sb-result-title", "links => links.map(a => a.href)")]


def test_search_finds_a_skill_by_its_name(new_page: NewPage, handbook: Any) -> None:
    """"DEAR MAN" typed in the header's search box lists the DEAR MAN skill first; the result opens it."""
    skill = docname_of(handbook, "skill", "dear-man")
    page = new_page()
    page.goto(page_types(handbook)["home"] + ".html")
    results = search(page, "DEAR MAN")
    assert results and results[0] == f"{skill}.html", results[:5]
    assert axe_violations(page) == []
    page.locator("#sb-results a.sb-result-title").first.click()
    page.wait_for_url(f"**/{skill}.html")
    expect(page.locator("article h1")).to_have_text(re.compile(r"^\s*DEAR MAN"))
    assert_no_errors(page)


@pytest.mark.parametrize(("words", "tag"), [
    ("angry", ("emotions", "anger")), ("I'm so angry", ("emotions", "anger")),
    ("panicking", ("emotions", "anxiety")), ("can't sleep", ("situations", "sleep")),
    ("lonely", ("emotions", "loneliness")), ("overwhelmed", ("emotions", "overwhelm")),
])
def test_search_understands_everyday_words(new_page: NewPage, handbook: Any, words: str,
                                           tag: tuple[str, str]) -> None:
    """Everyday words find every skill with the tag they mean (the vocabulary's aliases)."""
    _project, book = handbook
    kind, word = tag
    tagged = {f"{s.docname}.html" for s in book.skills if s.is_published and word in getattr(s, kind)}
    assert tagged
    page = new_page()
    page.goto("search.html")
    results = search(page, words)
    assert tagged <= set(results), f"{words!r}: missing {sorted(tagged - set(results))}"
    assert_no_errors(page)


@pytest.mark.parametrize("words", ["want to hurt myself", "I want to die", "suicidal", "hopeless"])
def test_search_puts_crisis_help_first_for_words_of_danger(new_page: NewPage, handbook: Any, words: str) -> None:
    project, _book = handbook
    page = new_page(**PHONE)
    page.goto(project.config.root_page + ".html")
    results = search(page, words)
    assert results and results[0] == f"{project.config.crisis_page}.html", results[:3]
    expect(page.locator("#sb-results li").first).to_have_class(re.compile("sb-crisis-first"))
    assert_no_errors(page)


@pytest.mark.parametrize("size", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}],
                         ids=["phone", "desktop"])
def test_one_search_box_on_every_screen_size(new_page: NewPage, handbook: Any, size: dict[str, int]) -> None:
    page = new_page(viewport=size)
    for kind in ("home", "skill", "crisis"):
        page.goto(page_types(handbook)[kind] + ".html")
        expect(page.get_by_role("searchbox")).to_have_count(1)
        expect(page.get_by_role("searchbox")).to_be_visible()
        expect(page.get_by_role("search")).to_have_count(1)


# ------------------------------------------------------------------------------------ crisis on phone


@pytest.mark.parametrize("kind", ["home", "module", "skill", "homework", "find-a-skill", "crisis", "glossary"])
def test_crisis_link_is_visible_without_scrolling_on_a_phone(new_page: NewPage, handbook: Any, site: Site,
                                                             kind: str) -> None:
    """On a 390x844 phone the crisis link is on screen at load, not covered, a comfortable tap target,
    and tapping it opens the crisis page."""
    types = page_types(handbook)
    page = new_page(**PHONE)
    page.goto(types[kind] + ".html")
    link = page.locator(".skillbook-crisis-link")
    expect(link).to_have_count(1)
    expect(link).to_be_visible()
    expect(link).to_have_text(re.compile("crisis", re.I))
    assert page.evaluate("() => window.scrollY") == 0
    box = link.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= 390 and box["y"] + box["height"] <= 844, box
    assert box["height"] >= 44 and box["width"] >= 44, box  # WCAG 2.5.5 target size
    on_top = page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.closest('.skillbook-crisis-link') !== null",
                           [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
    assert on_top, "something covers the crisis link"
    link.tap()
    page.wait_for_url(f"{site.url}{types['crisis']}.html*")
    expect(page.locator("article h1")).to_contain_text("Crisis")
    expect(page.locator("article a[href^='tel:']").first).to_be_visible()
    assert_no_errors(page)


# ---------------------------------------------------------------------------------- click to the PDF


def test_home_to_module_to_skill_to_worksheet_pdf(new_page: NewPage, handbook: Any, site: Site) -> None:
    """From the site's front door, by clicking only: home, a module, a skill, its worksheet, the PDF."""
    _project, book = handbook
    skill = next(s for s in book.skills if s.id == "dear-man")
    module = next(m for m in book.modules if m.id == skill.module)
    homework = next(h for h in book.homework if h.id == skill.worksheets[0])
    page = new_page()
    page.goto("")  # index.html: the entry page forwards to the home page
    page.wait_for_url(f"{site.url}{page_types(handbook)['home']}.html")
    page.locator("article").get_by_role("link", name=module.title, exact=True).first.click()
    page.wait_for_url(f"**/{module.docname}.html")
    expect(page.locator("article h1")).to_contain_text(module.title)
    page.locator("article").get_by_role("link", name=skill.title, exact=True).first.click()
    page.wait_for_url(f"**/{skill.docname}.html")
    expect(page.locator("article h1")).to_contain_text(skill.title)
    card = page.locator(".skillbook-skill-card")
    direct_pdf = card.get_by_role("link", name="printable PDF").first.get_attribute("href")
    card.get_by_role("link", name=homework.title, exact=True).click()
    page.wait_for_url(f"**/{homework.docname}.html")
    expect(page.locator("article h1")).to_contain_text(homework.title)
    download = page.locator(".skillbook-homework-card").get_by_role("link", name=re.compile("Download the printable"))
    with page.expect_response(lambda r: urlsplit(r.url).path.endswith(".pdf")) as served:
        download.click()
    response = served.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf_url = response.url
    assert urlsplit(pdf_url).path == f"/worksheets/{homework.id}.pdf"
    data = page.context.request.get(pdf_url).body()  # the bytes the browser was served
    assert data.startswith(b"%PDF-") and int(response.headers["content-length"]) == len(data)
    assert data == (site.html / "worksheets" / f"{homework.id}.pdf").read_bytes()
    assert direct_pdf and direct_pdf.endswith(f"worksheets/{homework.id}.pdf")  # the card links the same PDF


# ------------------------------------------------------------------------------------------ keyboard


FOCUS = """() => {
  const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
  return {cls: e.className, text: e.textContent.trim(), visible: e.matches(':focus-visible'),
          outline: s.outlineStyle === 'none' ? 0 : parseFloat(s.outlineWidth), shadow: s.boxShadow,
          top: r.top, bottom: r.bottom, inMain: !!e.closest('#main')};
}"""


def assert_focus_indicator(focus: dict[str, Any]) -> None:
    assert focus["visible"], f"{focus['text']!r} does not match :focus-visible"
    shadow = focus["shadow"] not in ("", "none") and re.search(r"\b[1-9]\d*(\.\d+)?px", focus["shadow"])
    assert focus["outline"] > 0 or shadow, f"no visible focus indicator on {focus['text']!r}: {focus}"


def test_keyboard_reaches_the_crisis_link_first_then_skip_to_content(new_page: NewPage, handbook: Any,
                                                                    site: Site) -> None:
    """Tab 1: the crisis link, with a focus ring; Tab 2: "My safety plan" (the client's own); Tab 3:
    "Skip to main content", shown on focus; Enter jumps into the content; Enter on the crisis link
    opens the crisis page."""
    skill = page_types(handbook)["skill"]
    page = new_page()
    page.goto(skill + ".html")
    page.keyboard.press("Tab")
    focus = page.evaluate(FOCUS)
    assert "skillbook-crisis-link" in focus["cls"], focus
    assert_focus_indicator(focus)
    assert focus["top"] >= 0 and focus["bottom"] <= 720
    page.keyboard.press("Tab")
    focus = page.evaluate(FOCUS)
    assert "skillbook-plan-link" in focus["cls"], focus
    assert_focus_indicator(focus)
    if page.locator("[data-quick-exit]").count():  # a page about relationships: the quick exit comes next
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        assert focus["text"] == "Quick exit", focus
        assert_focus_indicator(focus)
    page.keyboard.press("Tab")
    focus = page.evaluate(FOCUS)
    assert focus["text"] == "Skip to main content", focus
    assert_focus_indicator(focus)
    page.wait_for_function("() => document.activeElement.getBoundingClientRect().top >= 0")  # it slides in
    page.keyboard.press("Enter")
    page.wait_for_url("**#main")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS)["inMain"], "after skipping, the next Tab stop is not in the main content"
    page.goto(skill + ".html")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site.url}{page_types(handbook)['crisis']}.html")
    assert_no_errors(page)


# --------------------------------------------------------------------------------------------- print


@pytest.mark.parametrize("kind", ["skill", "homework"])
def test_print_hides_navigation_and_keeps_the_content(new_page: NewPage, handbook: Any, kind: str) -> None:
    page = new_page()
    page.goto(page_types(handbook)[kind] + ".html")
    page.emulate_media(media="print")
    for chrome in (".sb-crisis", ".sb-skip", ".sb-header", ".sb-nav", ".sb-pager", ".sb-scheme", ".sb-offline"):
        for element in page.locator(chrome).all():
            expect(element, f"{chrome} is printed").to_be_hidden()
    article = page.locator("article")
    expect(article).to_be_visible()
    for content in (".skillbook-summary", ".skillbook-card", ".skillbook-review"):
        expect(article.locator(content).first).to_be_visible()
    expect(page.locator(".sb-print-crisis")).to_be_visible()
    title = page.evaluate("() => document.title.split(' – ')[0]")
    expect(page.get_by_role("heading", name=title, exact=True).first).to_be_visible()
    assert len(article.inner_text()) > 500


def test_a_skill_page_prints_on_two_pages_at_most_with_the_crisis_contacts(new_page: NewPage, handbook: Any) -> None:
    """Every published skill, printed on A4 by the browser: at most two pages, the crisis contacts of
    _config.yml on paper, and no navigation."""
    from io import BytesIO

    from pypdf import PdfReader

    project, book = handbook
    page = new_page()
    regions = project.config.crisis_regions
    for skill in (s for s in book.skills if s.is_published):
        page.goto(f"{skill.docname}.html")
        reader = PdfReader(BytesIO(page.pdf(format="A4", print_background=False)))
        text = " ".join(p.extract_text() for p in reader.pages)
        assert len(reader.pages) <= 2, (skill.id, len(reader.pages))
        assert all(r.name in text and r.emergency[0] in text for r in regions), skill.id
        assert "Skip to main content" not in text and "Contents" not in text.split(skill.title, 1)[0]


# ----------------------------------------------------------------------------------------- dark mode


COLOURS = """() => {
  const body = getComputedStyle(document.body), article = document.querySelector('article');
  const card = document.querySelector('.skillbook-card');
  return {scheme: document.documentElement.dataset.scheme || '', background: body.backgroundColor,
          text: getComputedStyle(article.querySelector('p')).color,
          link: getComputedStyle(article.querySelector('a')).color,
          card: card ? getComputedStyle(card).backgroundColor : null,
          cardText: card ? getComputedStyle(card.querySelector('li')).color : null,
          cardLink: card ? getComputedStyle(card.querySelector('a')).color : null};
}"""


def test_dark_mode_follows_the_system_and_the_colour_button(new_page: NewPage, handbook: Any) -> None:
    """The reader's dark system setting and the page's colour button both give a dark page whose text
    still reads (at least 4.5:1); the button's choice is kept on the next page."""
    skill = page_types(handbook)["skill"] + ".html"
    light_page = new_page(color_scheme="light")
    light_page.goto(skill)
    light = light_page.evaluate(COLOURS)
    dark_page = new_page(color_scheme="dark")
    dark_page.goto(skill)
    dark = dark_page.evaluate(COLOURS)
    assert luminance(light["background"]) > 0.8 and luminance(dark["background"]) < 0.05, (light, dark)
    for colours in (light, dark):
        assert contrast(colours["text"], colours["background"]) >= 4.5, colours
        assert contrast(colours["link"], colours["background"]) >= 4.5, colours
        assert contrast(colours["cardText"], colours["card"]) >= 4.5, colours
        assert contrast(colours["cardLink"], colours["card"]) >= 4.5, colours
    button = light_page.get_by_role("button", name=re.compile("^Colours"))
    for _ in range(3):
        if light_page.evaluate("() => document.documentElement.dataset.scheme") == "dark":
            break
        button.click()
    expect(button).to_have_text(re.compile("dark"))
    light_page.goto(page_types(handbook)["crisis"] + ".html")
    switched = light_page.evaluate(COLOURS)
    assert switched["scheme"] == "dark" and luminance(switched["background"]) < 0.05
    assert_no_errors(light_page)
    assert_no_errors(dark_page)


def test_reading_navigating_and_crisis_help_need_no_javascript(new_page: NewPage, handbook: Any, site: Site) -> None:
    """With JavaScript off: readable colours, the crisis link, the contents, and plain links all the way
    from the home page to a skill and its worksheet; the colour button (a script feature) is not shown."""
    _project, book = handbook
    page = new_page(java_script_enabled=False, **PHONE)
    page.goto(page_types(handbook)["skill"] + ".html")
    colours = page.evaluate(COLOURS)
    assert luminance(colours["background"]) > 0.8
    assert contrast(colours["text"], colours["background"]) >= 4.5, colours
    assert contrast(colours["cardLink"], colours["card"]) >= 4.5, colours
    expect(page.locator(".skillbook-crisis-link")).to_be_visible()
    expect(page.locator(".sb-scheme")).to_be_hidden()
    page.get_by_role("link", name="Contents").click()
    page.wait_for_url("**#contents")
    expect(page.get_by_role("navigation", name="Contents")).to_be_in_viewport()
    module = next(m for m in book.modules if m.id == "interpersonal-effectiveness")
    page.get_by_role("navigation", name="Contents").get_by_role("link", name=module.title, exact=True).click()
    page.wait_for_url(f"**/{module.docname}.html")
    skill = next(s for s in book.skills if s.id == "dear-man")
    page.locator("article").get_by_role("link", name=skill.title, exact=True).first.click()
    page.wait_for_url(f"**/{skill.docname}.html")
    page.locator(".skillbook-crisis-link").click()
    page.wait_for_url(f"**/{page_types(handbook)['crisis']}.html")
    expect(page.locator("article a[href^='tel:']").first).to_be_visible()


def test_landmarks_and_names_for_screen_readers(new_page: NewPage, handbook: Any) -> None:
    """One banner, main, contents navigation, search and footer; the crisis help region first; the
    current page marked in the contents; every page titled by its heading."""
    page = new_page()
    skill = page_types(handbook)["skill"]
    page.goto(skill + ".html")
    expect(page.get_by_role("banner")).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("contentinfo")).to_have_count(1)
    expect(page.get_by_role("search")).to_have_count(1)
    expect(page.get_by_role("navigation", name="Contents")).to_have_count(1)
    first = page.evaluate("() => document.body.firstElementChild.getAttribute('aria-label')")
    assert first == "Crisis help"
    current = page.get_by_role("navigation", name="Contents").locator("a[aria-current='page']")
    expect(current).to_have_count(1)
    heading = page.locator("article h1").inner_text().strip().rstrip("#").strip()
    assert page.title().startswith(heading)
    assert page.evaluate("() => document.documentElement.lang") == handbook[0].config.language


# --------------------------------------------------------------- the whole site: console, network, axe


def test_the_crawl_covers_every_page(crawl: Crawl, site: Site) -> None:
    pages = [r.path for r in crawl.pages]
    assert pages == site.pages() and len(pages) >= 60
    assert {"index.html", "search.html?q=want+to+hurt+myself", "content/crisis.html"} <= set(pages)
    for report in crawl.pages:
        if report.path != "index.html":  # the entry page is a bare redirect, without the theme
            assert report.theme == {"light": "light", "dark": "dark"}, report.path


def test_no_console_errors_on_any_page(crawl: Crawl) -> None:
    """No console error, uncaught exception or failed (4xx/5xx) request on any page, light or dark."""
    assert crawl.recorder.errors == []


def test_no_request_leaves_127_0_0_1(crawl: Crawl, new_page: NewPage) -> None:
    """The site works offline: every request of every page (and of a search) goes to 127.0.0.1."""
    page = new_page()
    page.goto("search.html?q=anger")
    expect(page.locator("#sb-results h2")).to_be_visible()
    requests = crawl.recorder.requests + page.context.skillbook_recorder.requests  # type: ignore[attr-defined]
    assert len(requests) > 2 * len(crawl.pages)
    assert any(urlsplit(u).path.endswith("skillbook-search.json") for u in requests)
    leaving = sorted({u for u in requests
                      if urlsplit(u).scheme not in ("data", "blob", "about") and urlsplit(u).hostname != "127.0.0.1"})
    assert leaving == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_axe_finds_no_wcag_violations_on_any_page(crawl: Crawl, scheme: str) -> None:
    """axe-core with the WCAG 2.0/2.1/2.2 A and AA tags: 0 violations on every page."""
    assert AXE_TAGS == ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
    found = {r.path: r.violations[scheme] for r in crawl.pages if r.violations[scheme]}
    assert not found, f"{sum(len(v) for v in found.values())} violations in {scheme} mode:\n" + \
        format_violations(found)
