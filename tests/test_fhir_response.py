"""Hand-made QuestionnaireResponses for the shipped Questionnaires in, the checker's verdicts out: valid
entries pass `check_response` and the FHIR R4B and R5 models, and each kind of mistake is reported."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from conftest import REPO
from fhir_response import check_response, validate_models
from skillbook.bundle.writer import bundle_documents
from skillbook.checking.validate import validate
from skillbook.reading.project import load_project

Questionnaires = dict[str, dict[str, Any]]


@pytest.fixture(scope="session")
def questionnaires() -> Questionnaires:
    """The shipped handbook's Questionnaires by homework id, made in-process as the bundle makes them."""
    project = load_project(REPO)
    result = validate(project)
    assert result.ok, [str(i) for i in result.errors]
    documents = bundle_documents(project, result.handbook)
    return {d["id"]: d for path, d in documents.items() if path.startswith("fhir/")}


# ------------------------------------------------------------------------------------------ building


def _items(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        yield item
        yield from _items(item.get("item", []))


def option(questionnaire: dict[str, Any], link_id: str, code: str) -> dict[str, Any]:
    """The item's answerOption Coding for `code`, as a companion copies it (display included)."""
    item = next(i for i in _items(questionnaire["item"]) if i["linkId"] == link_id)
    coding = next(o["valueCoding"] for o in item["answerOption"] if o["valueCoding"]["code"] == code)
    return {k: coding[k] for k in ("system", "code", "display")}


def value(questionnaire: dict[str, Any], link_id: str, given: Any) -> dict[str, Any]:
    """An answer: a bool is yes/no, an int a rating's point, a str a code of a choice or a text."""
    item = next(i for i in _items(questionnaire["item"]) if i["linkId"] == link_id)
    if item["type"] == "choice":
        return {"valueCoding": option(questionnaire, link_id, str(given))}
    key = {"boolean": "valueBoolean", "date": "valueDate", "time": "valueTime", "integer": "valueInteger",
           "decimal": "valueDecimal"}.get(item["type"], "valueString")
    return {key: given}


def answer(questionnaire: dict[str, Any], link_id: str, *given: Any) -> dict[str, Any]:
    return {"linkId": link_id, "answer": [value(questionnaire, link_id, g) for g in given]}


def day(questionnaire: dict[str, Any], grid: str, column: str, **rows: Any) -> dict[str, Any]:
    """One repetition of a grid group: its day, then the rows answered (keyword: row id, `_` for `-`)."""
    cells = [answer(questionnaire, f"{grid}.{row.replace('_', '-')}", given) for row, given in rows.items()]
    return {"linkId": grid, "item": [answer(questionnaire, f"{grid}._column", column), *cells]}


def response(questionnaire: dict[str, Any], items: list[dict[str, Any]], status: str = "completed") -> dict[str, Any]:
    return {"resourceType": "QuestionnaireResponse", "status": status, "authored": "2026-03-08T20:15:00+00:00",
            "questionnaire": f"{questionnaire['url']}|{questionnaire['version']}", "item": items}


def diary_week(q: dict[str, Any]) -> dict[str, Any]:
    """Three days of a diary card: ratings, yes/no, a write-in urge with its name, text."""
    return response(q, [
        answer(q, "week-starting", "2026-03-02"),
        day(q, "urges", "mon", urge_self_harm=2, suicidal_thoughts=0, urge_other=4),
        day(q, "urges", "tue", urge_self_harm=6, urge_substances=3),
        day(q, "urges", "thu", urge_self_harm=0, urge_quit_therapy=10, urge_other=1),
        answer(q, "urges.urge-other._name", "Urge to shout at people"),
        day(q, "emotions", "mon", sadness=7, anger=2, joy=1),
        day(q, "emotions", "thu", sadness=3, joy=5),
        day(q, "actions", "mon", self_harm=False, used_substances=True, substances_what="Two glasses of wine"),
        day(q, "actions", "tue", self_harm=False, used_substances=False, skipped_therapy_task=True),
        day(q, "skills", "mon", skills_mindfulness=3, skills_distress_tolerance=7),
        day(q, "skills-list", "mon", wise_mind=True, tipp=True, self_soothe=False),
        day(q, "skills-list", "thu", opposite_action=True),
        answer(q, "notes", "Tuesday was hard after the phone call."),
    ])


def safety_plan(q: dict[str, Any]) -> dict[str, Any]:
    """A safety plan with two people to ask and one professional (contacts: repeating groups in groups)."""
    return response(q, [
        answer(q, "warning-signs", "I stop answering messages.\nI stay in bed all day."),
        answer(q, "crisis-skills", "tipp", "self-soothe"),
        answer(q, "on-my-own", "Cold water on my face, then a walk round the block."),
        {"linkId": "people-to-ask", "item": [
            {"linkId": "people-to-ask.contact", "item": [answer(q, "people-to-ask.contact.name", "Sam"),
                                                         answer(q, "people-to-ask.contact.number", "07700 900123")]},
            {"linkId": "people-to-ask.contact", "item": [answer(q, "people-to-ask.contact.name", "Aunt Jo")]},
        ]},
        {"linkId": "professionals", "item": [
            {"linkId": "professionals.contact", "item": [answer(q, "professionals.contact.name", "Dr Patel"),
                                                         answer(q, "professionals.contact.number", "020 7946 0000")]},
        ]},
        answer(q, "reasons-for-living", "My cat, Biscuit."),
        answer(q, "first-step", "Text Sam"),
        answer(q, "reviewed", "2026-03-01"),
    ])


def coaching_card(q: dict[str, Any]) -> dict[str, Any]:
    return response(q, [
        answer(q, "what-happened", "An argument with my sister"),
        answer(q, "how-strong", 8),
        answer(q, "urge", "To drink"),
        answer(q, "tried", "stop", "wise-mind"),
        answer(q, "need", "use-skill"),
        answer(q, "ask", "Help me pick one skill for tonight"),
    ])


def opposite_action(q: dict[str, Any]) -> dict[str, Any]:
    """Both kinds of enableWhen met: the emotion is `other` (coded), and did-it is yes (boolean)."""
    return response(q, [
        answer(q, "emotion", "other"),
        answer(q, "emotion-other", "Boredom"),
        answer(q, "intensity-before", 7),
        answer(q, "urge", "Stay in bed"),
        answer(q, "fits-facts", False),
        answer(q, "effective", False),
        answer(q, "opposite", "Get up, shower, go outside."),
        answer(q, "did-it", True),
        answer(q, "intensity-after", 4),
    ])


VALID: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "weekly-diary-card": diary_week, "safety-plan": safety_plan, "coaching-call-card": coaching_card,
    "opposite-action-worksheet": opposite_action,
}


# --------------------------------------------------------------------------------------------- valid


@pytest.mark.parametrize("homework", VALID)
def test_a_valid_entry_passes_the_checker_and_the_fhir_models(questionnaires: Questionnaires, homework: str) -> None:
    made = VALID[homework](questionnaires[homework])
    assert check_response(questionnaires[homework], made) == []
    validate_models(made)


def test_an_entry_in_progress_may_leave_required_items_out(questionnaires: Questionnaires) -> None:
    q = questionnaires["safety-plan"]
    started = response(q, [answer(q, "warning-signs", "I stop eating")], status="in-progress")
    assert check_response(q, started) == []
    finished = {**started, "status": "completed"}
    assert check_response(q, finished) == [
        "response: required item 'on-my-own' is not answered in a completed response",
        "response: required item 'first-step' is not answered in a completed response"]


def test_a_coding_without_display_is_valid(questionnaires: Questionnaires) -> None:
    q = questionnaires["coaching-call-card"]
    made = coaching_card(q)
    del made["item"][1]["answer"][0]["valueCoding"]["display"]
    assert check_response(q, made) == []


# ------------------------------------------------------------------------------------------ problems


def _set(path: list[Any], new: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation: the value at `path` (keys and indexes from the response) becomes `new`."""
    def mutate(made: dict[str, Any]) -> None:
        target = made
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = new(target[path[-1]]) if callable(new) else new
    return mutate


def _insert(path: list[Any], index: int, new: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], None]:
    """A mutation: `new(questionnaire-free response)` is inserted into the list at `path`."""
    def mutate(made: dict[str, Any]) -> None:
        target: Any = made
        for step in path:
            target = target[step]
        target.insert(index, new(made))
    return mutate


DIARY = "urn:skillbook:dbt-skills-handbook:questionnaire:weekly-diary-card"
OPPOSITE = "urn:skillbook:dbt-skills-handbook:questionnaire:opposite-action-worksheet"
CARD = "urn:skillbook:dbt-skills-handbook:questionnaire:coaching-call-card"
DAYS = "http://hl7.org/fhir/days-of-week"

# (homework, what is done to its valid entry, the one problem reported)
PROBLEMS: dict[str, tuple[str, Callable[[dict[str, Any]], None], str]] = {
    "wrong questionnaire version": (
        "weekly-diary-card", _set(["questionnaire"], f"{DIARY}|1.0.0"),
        f"response: questionnaire is '{DIARY}|1.0.0', not '{DIARY}|2.0.0'"),
    "not a response": (
        "coaching-call-card", _set(["resourceType"], "Questionnaire"),
        "response: resourceType is 'Questionnaire', not 'QuestionnaireResponse'"),
    "unknown status": (
        "coaching-call-card", _set(["status"], "done"),
        "response: status 'done' is not one of in-progress, completed, amended, entered-in-error, stopped"),
    "unknown linkId": (
        "weekly-diary-card", _insert(["item", 1, "item"], 2, lambda _: {"linkId": "urges.urge-to-fly",
                                                                          "answer": [{"valueBoolean": True}]}),
        "urges: linkId 'urges.urge-to-fly' is not an item of the Questionnaire here"),
    "a grid row outside its grid": (
        "weekly-diary-card", _insert(["item"], 1, lambda m: m["item"][1]["item"][1]),
        "response: linkId 'urges.urge-self-harm' is not an item of the Questionnaire here"),
    "items out of order": (
        "coaching-call-card", _set(["item"], lambda items: [items[1], items[0], *items[2:]]),
        "response: 'what-happened' comes after 'how-strong', not in the Questionnaire's order "
        "(repetitions of a group must follow each other)"),
    "code not in answerOptions": (
        "weekly-diary-card", _set(["item", 1, "item", 1, "answer", 0, "valueCoding"],
                                  {"system": f"{DIARY}#urges.urge-self-harm", "code": "11"}),
        f"urges > urges.urge-self-harm: {DIARY}#urges.urge-self-harm|11 is not one of the item's answerOptions"),
    "code of another item's system": (
        "weekly-diary-card", _set(["item", 1, "item", 1, "answer", 0, "valueCoding", "system"],
                                  f"{DIARY}#urges.suicidal-thoughts"),
        f"urges > urges.urge-self-harm: {DIARY}#urges.suicidal-thoughts|2 is not one of the item's answerOptions"),
    "display not the answerOption's": (
        "coaching-call-card", _set(["item", 1, "answer", 0, "valueCoding", "display"], "8 – Very strong"),
        "how-strong: display '8 – Very strong' is not the answerOption's '8' (give it exactly, or leave it out)"),
    "a number for a rating": (
        "coaching-call-card", _set(["item", 1, "answer", 0], {"valueInteger": 8}),
        "how-strong: valueInteger for a choice item whose answerOptions are valueCoding"),
    "a string for yes/no": (
        "weekly-diary-card", _set(["item", 7, "item", 1, "answer", 0], {"valueString": "no"}),
        "actions > actions.self-harm: valueString for a boolean item, which takes valueBoolean"),
    "a date not YYYY-MM-DD": (
        "weekly-diary-card", _set(["item", 0, "answer", 0], {"valueDate": "02/03/2026"}),
        "week-starting: valueDate '02/03/2026' is not a valid date (dates YYYY-MM-DD, times hh:mm:ss, "
        "strings not empty)"),
    "two values in one answer": (
        "coaching-call-card", _set(["item", 0, "answer", 0], {"valueString": "x", "valueBoolean": True}),
        "what-happened: an answer has exactly one value[x], not ['valueString', 'valueBoolean']"),
    "two answers to a non-repeating item": (
        "coaching-call-card", _set(["item", 1, "answer"], lambda a: [*a, {"valueCoding": {
            "system": f"{CARD}#how-strong", "code": "3", "display": "3"}}]),
        "how-strong: 2 answers to a question that does not repeat"),
    "a question twice": (
        "coaching-call-card", _insert(["item"], 1, lambda m: copy.deepcopy(m["item"][0])),
        "what-happened: appears 2 times; a question appears once (if it repeats, with several answers)"),
    "the same option twice": (
        "coaching-call-card", _set(["item", 3, "answer"], lambda a: [a[0], a[0]]),
        "tried answer 2: the same answer twice"),
    "same day twice in a grid": (
        "weekly-diary-card", _set(["item", 2, "item", 0, "answer", 0, "valueCoding"],
                                  {"system": DAYS, "code": "mon", "display": "Mon"}),
        "urges[2]: column 'mon' again (repetition 1 is about it already)"),
    "a grid day without its column": (
        "weekly-diary-card", _set(["item", 5, "item"], lambda cells: cells[1:]),
        "emotions: a grid repetition answers 'emotions._column' (which column it is about)"),
    "a non-repeating group twice": (
        "safety-plan", _insert(["item"], 4, lambda m: copy.deepcopy(m["item"][3])),
        "people-to-ask: appears 2 times but the group does not repeat"),
    "too many contacts": (
        "safety-plan", _set(["item", 3, "item"], lambda rows: [*rows, *copy.deepcopy(rows)]),
        "people-to-ask > people-to-ask.contact: appears 4 times, more than its maxOccurs 3"),
    "an answer on a group": (
        "safety-plan", _set(["item", 4], lambda group: {**group, "answer": [{"valueString": "Dr Patel"}]}),
        "professionals: a group has no answer of its own (its questions go under item)"),
    "a question's items not under its answer": (
        "safety-plan", _set(["item", 6], lambda item: {**item, "item": [{"linkId": "first-step._help"}]}),
        "first-step: a question's nested items go under answer[].item, not item"),
    "answer items under a question without children": (
        "coaching-call-card", _set(["item", 2, "answer", 0], lambda a: {**a, "item": [{"linkId": "after"}]}),
        "urge: answer[].item, but the Questionnaire has no items under this question"),
    "an answer to a display item": (
        "coaching-call-card", _insert(["item"], 0, lambda _: {"linkId": "_instructions",
                                                              "answer": [{"valueString": "read"}]}),
        "_instructions: a display item carries no answer and no items"),
    "answer under a disabled boolean enableWhen": (
        "opposite-action-worksheet", _insert(["item"], 9, lambda _: {"linkId": "what-stopped-me",
                                                                     "answer": [{"valueString": "Tired"}]}),
        "what-stopped-me: answered although its enableWhen is not met by the response"),
    "answer under a disabled coded enableWhen": (
        "opposite-action-worksheet", _set(["item", 0, "answer", 0, "valueCoding"],
                                          {"system": f"{OPPOSITE}#emotion", "code": "fear"}),
        "emotion-other: answered although its enableWhen is not met by the response"),
}


@pytest.mark.parametrize("kind", PROBLEMS)
def test_each_kind_of_problem_is_reported(questionnaires: Questionnaires, kind: str) -> None:
    homework, mutate, expected = PROBLEMS[kind]
    q = questionnaires[homework]
    made = VALID[homework](q)
    mutate(made)
    assert check_response(q, made) == [expected]


def test_eight_days_in_a_seven_day_grid(questionnaires: Questionnaires) -> None:
    """Eight days in a seven-day grid: too many repetitions, and the eighth repeats a day."""
    q = questionnaires["weekly-diary-card"]
    week = [day(q, "urges", d, urge_self_harm=1) for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun", "mon")]
    made = response(q, [answer(q, "week-starting", "2026-03-02"), *week])
    assert check_response(q, made) == ["urges: appears 8 times, more than its maxOccurs 7",
                                       "urges[8]: column 'mon' again (repetition 1 is about it already)"]


def test_bounds_of_a_whole_number_are_checked(questionnaires: Questionnaires) -> None:
    q = questionnaires["mindfulness-practice-log"]
    minutes = next(i for i in q["item"] if i["linkId"] == "minutes")
    assert minutes["type"] == "integer"
    made = response(q, [{"linkId": "minutes", "answer": [{"valueInteger": 121}]}], status="in-progress")
    assert check_response(q, made) == ["minutes: 121 is outside the item's bounds 0 to 120"]
    made["item"][0]["answer"][0] = {"valueInteger": 120}
    assert check_response(q, made) == []


def test_validate_models_names_the_fhir_version_and_the_field(questionnaires: Questionnaires) -> None:
    q = questionnaires["coaching-call-card"]
    made = coaching_card(q)
    made["item"][0]["answer"][0] = {"valueString": ""}
    with pytest.raises(AssertionError, match=r"(?s)not a valid FHIR R4B QuestionnaireResponse.*item\.0\.answer\.0"):
        validate_models(made)
    made = coaching_card(q)
    made["item"][3]["answer"][0] = {"valueCoding": "stop"}  # a Coding is an object
    with pytest.raises(AssertionError, match=r"(?s)not a valid FHIR R4B QuestionnaireResponse.*item\.3\.answer\.0"):
        validate_models(made)
