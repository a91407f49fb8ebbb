"""`skillbook serve` in a real browser: a bad save shows its problems over the last good page, with
file:line, message and hint; the fix takes them away and shows the new page; drafts have PDFs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from conftest import SKILL, start_preview, write_project

from .conftest import TIMEOUT_MS

if TYPE_CHECKING:
    from playwright.sync_api import Browser

SKILL_PATH = "content/skills/test-module/sample-skill.md"
DRAFT_SHEET = "content/homework/draft-sheet.md"


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    draft_sheet = (Path(__file__).resolve().parents[1] / "fixtures/valid/all-field-types.md").read_text(
        encoding="utf-8").replace("id: all-field-types", "id: draft-sheet")
    root = write_project(tmp_path / "project", {DRAFT_SHEET: draft_sheet})
    process, url = start_preview(root)
    try:
        yield root, url
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_bad_save_shows_a_banner_and_the_fix_takes_it_away(browser: Browser, preview: tuple[Path, str]) -> None:
    from playwright.sync_api import expect

    root, url = preview
    context = browser.new_context(base_url=url)
    context.set_default_timeout(TIMEOUT_MS * 3)
    page = context.new_page()
    page.goto("content/skills/test-module/sample-skill.html")
    banner = page.locator(".sb-preview-problems")
    expect(page.get_by_text("A short body.")).to_be_visible()
    expect(banner).to_have_count(0)

    skill = root / SKILL_PATH
    skill.write_text(SKILL.replace("status: published", "status: publishd"), encoding="utf-8")
    expect(banner).to_be_visible()
    expect(banner).to_have_attribute("role", "alert")
    expect(banner).to_contain_text(f"{SKILL_PATH}:5")
    expect(banner).to_contain_text("`publishd` is not allowed")
    expect(banner).to_contain_text("Hint: did you mean `published`?")
    expect(page.get_by_text("A short body.")).to_be_visible()  # the last good page stays under it

    skill.write_text(SKILL.replace("A short body.", "Fixed and edited."), encoding="utf-8")
    expect(page.get_by_text("Fixed and edited.")).to_be_visible()
    expect(banner).to_have_count(0)
    context.close()


def test_the_preview_has_worksheet_pdfs_drafts_included(preview: tuple[Path, str]) -> None:
    import urllib.request

    _root, url = preview
    page = urllib.request.urlopen(url + "content/homework/draft-sheet.html", timeout=30).read().decode()
    assert "Draft preview." in page and "worksheets/draft-sheet.pdf" in page
    pdf: Any = urllib.request.urlopen(url + "worksheets/draft-sheet.pdf", timeout=30)
    assert pdf.read(5) == b"%PDF-"


def test_the_clinician_edition_can_be_previewed(tmp_path: Path) -> None:
    import urllib.request

    note = "\n```{clinician-note}\nAsk about Xylophonequail moments.\n```\n"
    root = write_project(tmp_path / "project", {SKILL_PATH: SKILL.replace("A short body.", "A short body.\n" + note)})
    process, url = start_preview(root, "--edition", "clinician")
    try:
        page = urllib.request.urlopen(url + "content/skills/test-module/sample-skill.html", timeout=30).read()
        assert b"Xylophonequail" in page and b"Clinician edition" in page
        assert b"Clinical review status" in urllib.request.urlopen(url + "review-status.html", timeout=30).read()
        assert not (root / "build" / "preview").exists()  # the client preview is left alone
    finally:
        process.terminate()
        process.wait(timeout=30)
