"""Pocket cards in a real browser: every published skill has one, linked from its page, and on a phone
its cautions come first and its cautions and steps fit one screen without sideways scrolling."""

from __future__ import annotations

from typing import Any

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # conftest fails these tests and says how to install what they need
    expect = None  # type: ignore[assignment]

from .conftest import PHONE, NewPage

pytestmark = [pytest.mark.browser, pytest.mark.slow]


MEASURE = """() => {
  const card = document.querySelector('.skillbook-pocket');
  const steps = card.querySelector('ol.skillbook-steps');
  const caution = card.querySelector('.admonition.caution');
  return {
    title: card.querySelector('h1').textContent.replace('¶', '').trim(),
    steps: steps.querySelectorAll(':scope > li').length,
    stepsTop: steps.getBoundingClientRect().top,
    bottom: Math.max(steps.getBoundingClientRect().bottom, caution ? caution.getBoundingClientRect().bottom : 0),
    cautionBottom: caution ? caution.getBoundingClientRect().bottom : null,
    sideways: document.documentElement.scrollWidth > document.documentElement.clientWidth,
    text: card.querySelector('.skillbook-sms') !== null,
  };
}"""


def test_every_pocket_card_is_linked_cautions_first_and_fits_one_phone_screen(new_page: NewPage, handbook: Any) -> None:
    _project, book = handbook
    page = new_page(**PHONE)
    skills = [s for s in book.skills if s.is_published]
    assert skills
    too_tall = []
    for skill in skills:
        page.goto(f"{skill.docname}.html")
        page.get_by_role("link", name="Pocket card").first.click()
        page.wait_for_url(f"**/pocket/{skill.id}.html")
        card = page.evaluate(MEASURE)
        assert card["title"] == skill.title
        assert card["steps"] == len(skill.steps), skill.id
        assert card["text"], f"{skill.id}: no text-message form on the card"
        assert not card["sideways"], f"{skill.id}: the card scrolls sideways on a phone"
        if skill.all_cautions:
            assert card["cautionBottom"] is not None, f"{skill.id}: its cautions are not on the card"
            assert card["cautionBottom"] <= card["stepsTop"], f"{skill.id}: the steps come before the cautions"
        if card["bottom"] > PHONE["viewport"]["height"]:  # type: ignore[index]
            too_tall.append(f"{skill.id} ends at {card['bottom']:.0f} px")
    assert not too_tall, "cards taller than one phone screen: " + "; ".join(too_tall)
