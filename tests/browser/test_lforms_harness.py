"""The shipped diary card and safety plan with hand-made responses in LHC-Forms (npm lforms, offline):
every answer given is held by the form, shown in its inputs, and exported back unchanged."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fhir_response import check_response
from skillbook.bundle.writer import bundle_documents
from test_fhir_response import diary_week, safety_plan

from .conftest import PHONE, NewPage, Site
from .lforms import answers_by_link_id, show_in_lforms

pytestmark = [pytest.mark.browser, pytest.mark.slow]
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@pytest.fixture(scope="module")
def questionnaires(handbook: Any) -> dict[str, dict[str, Any]]:
    """The built handbook's Questionnaires by homework id, as its bundle has them."""
    project, book = handbook
    return {d["id"]: d for path, d in bundle_documents(project, book).items() if path.startswith("fhir/")}


def as_shown(value: Any) -> str:
    """How LHC-Forms shows an answer: a Coding's display, Yes/No, a date as MM/DD/YYYY (its only format)."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        return str(value["display"])
    date = _DATE.fullmatch(value)
    return f"{date[2]}/{date[3]}/{date[1]}" if date else str(value)


def shows_everything(page: Any, site: Site, questionnaire: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    """Render, then assert what holds for any response: nothing dropped, every answer read back and shown
    as given, what LHC-Forms exports a valid response itself, no error and no request off the site."""
    assert check_response(questionnaire, response) == []
    held = show_in_lforms(page, questionnaire, response, base_url=site.url)
    assert held["errors"] == []
    assert held["dropped"] == {}
    assert held["answers"] == answers_by_link_id(response["item"])
    assert held["shown"] == {link_id: [as_shown(v) for v in values]
                             for link_id, values in answers_by_link_id(response["item"], codes=False).items()}
    assert check_response(questionnaire, held["response"]) == []
    recorder = page.context.skillbook_recorder
    assert recorder.errors == []
    assert all(url.startswith(site.url) for url in recorder.requests), recorder.requests
    return held


def test_lhc_forms_shows_a_diary_card_week(new_page: NewPage, site: Site,
                                           questionnaires: dict[str, dict[str, Any]]) -> None:
    q = questionnaires["weekly-diary-card"]
    held = shows_everything(new_page(**PHONE), site, q, diary_week(q))
    shown = held["shown"]
    # each day is its own repetition of the grid's group, in the order given
    days = [(e["linkId"], e["item"][0]["answer"][0]["valueCoding"]["code"]) for e in held["response"]["item"]
            if e["linkId"] in ("urges", "emotions", "actions", "skills", "skills-list")]
    assert days == [("urges", "mon"), ("urges", "tue"), ("urges", "thu"), ("emotions", "mon"), ("emotions", "thu"),
                    ("actions", "mon"), ("actions", "tue"), ("skills", "mon"), ("skills-list", "mon"),
                    ("skills-list", "thu")]
    assert shown["urges._column"] == ["Mon", "Tue", "Thu"]
    assert shown["urges.urge-self-harm"] == ["2", "6", "0 – Not at all"]  # a rating: its point's display
    assert shown["actions.used-substances"] == ["Yes", "No"]
    assert shown["urges.urge-other._name"] == ["Urge to shout at people"]
    assert shown["week-starting"] == ["03/02/2026"]


def test_lhc_forms_shows_a_safety_plan_with_contacts(new_page: NewPage, site: Site,
                                                     questionnaires: dict[str, dict[str, Any]]) -> None:
    q = questionnaires["safety-plan"]
    held = shows_everything(new_page(), site, q, safety_plan(q))
    shown = held["shown"]
    assert shown["crisis-skills"] == ["TIPP", "Self-soothe"]
    assert shown["people-to-ask.contact.name"] == ["Sam", "Aunt Jo"]
    assert shown["people-to-ask.contact.number"] == ["07700 900123"]
    assert shown["professionals.contact.name"] == ["Dr Patel"]
    assert shown["warning-signs"] == ["I stop answering messages.\nI stay in bed all day."]
    people = next(e for e in held["response"]["item"] if e["linkId"] == "people-to-ask")
    assert [c["linkId"] for c in people["item"]] == ["people-to-ask.contact"] * 2
