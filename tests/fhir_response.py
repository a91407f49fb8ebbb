"""A FHIR R4 Questionnaire and a QuestionnaireResponse in, the ways the response breaks it out (readable lines).

`check_response(questionnaire, response)` checks what the FHIR models cannot: that the response answers
*this* Questionnaire (version, linkIds, nesting, order, repetitions, answer types, answerOption codes,
bounds, grid columns, enableWhen, required items of a completed response). `validate_models(response)`
checks what they can: that the response parses as a QuestionnaireResponse of FHIR R4B and of R5.

Written for the Questionnaires skillbook generates (src/skillbook/bundle/fhir.py), but nothing in it
is specific to them except the grid rule: a group with a `<group>._column` child is a grid, and each of
its repetitions names a different column.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
MAX_OCCURS = "http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs"
STATUSES = ("in-progress", "completed", "amended", "entered-in-error", "stopped")
# the answer value[x] each item type takes (choice and open-choice: the kind of their answerOptions)
VALUE_KEYS = {
    "boolean": "valueBoolean", "decimal": "valueDecimal", "integer": "valueInteger", "date": "valueDate",
    "dateTime": "valueDateTime", "time": "valueTime", "string": "valueString", "text": "valueString",
    "url": "valueUri", "attachment": "valueAttachment", "reference": "valueReference", "quantity": "valueQuantity",
}
# full dates and times only: what a form's date and time pickers give (FHIR also allows a bare year)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{2}:\d{2}:\d{2}(\.\d+)?")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")

Item = Mapping[str, Any]


def check_response(questionnaire: Mapping[str, Any], response: Mapping[str, Any]) -> list[str]:
    """Every way `response` does not fit `questionnaire`, one readable line each; [] when it fits."""
    problems: list[str] = []
    if response.get("resourceType") != "QuestionnaireResponse":
        problems.append(f"response: resourceType is {response.get('resourceType')!r}, not 'QuestionnaireResponse'")
    expected = f"{questionnaire.get('url')}|{questionnaire.get('version')}"
    if response.get("questionnaire") != expected:
        problems.append(f"response: questionnaire is {response.get('questionnaire')!r}, not {expected!r}")
    if response.get("status") not in STATUSES:
        problems.append(f"response: status {response.get('status')!r} is not one of {', '.join(STATUSES)}")
    items = response.get("item", [])
    if not isinstance(items, list):
        return [*problems, "response: item is not a list"]
    _Checker(problems, completed=response.get("status") == "completed").level(
        questionnaire.get("item", []), items, "", (items,))
    return problems


def validate_models(response: Mapping[str, Any]) -> None:
    """Parse `response` with fhir.resources as a FHIR R4B and as a FHIR R5 QuestionnaireResponse;
    AssertionError naming the version and pydantic's errors when either refuses it."""
    from fhir.resources.questionnaireresponse import QuestionnaireResponse as R5
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as R4B
    from pydantic import ValidationError

    for version, model in (("R4B", R4B), ("R5", R5)):
        try:
            model.model_validate(dict(response))
        except ValidationError as exc:
            raise AssertionError(f"not a valid FHIR {version} QuestionnaireResponse: {exc}") from None


class _Checker:
    def __init__(self, problems: list[str], *, completed: bool) -> None:
        self.problems = problems
        self.completed = completed  # a completed response answers every enabled required item

    def problem(self, where: str, text: str) -> None:
        self.problems.append(f"{where or 'response'}: {text}")

    def level(self, asked: Sequence[Item], given: Sequence[Any], where: str,
              scopes: tuple[Sequence[Any], ...]) -> None:
        """The response items `given` against the Questionnaire items `asked` at one nesting level.
        `scopes`: the response's item lists from the top down to this one, for enableWhen."""
        by_id = {item["linkId"]: (n, item) for n, item in enumerate(asked)}
        seen: dict[str, int] = {}
        last = -1
        for entry in given:
            if not isinstance(entry, Mapping) or not isinstance(entry.get("linkId"), str):
                self.problem(where, f"an item without a linkId: {entry!r:.80}")
                continue
            link_id = entry["linkId"]
            if link_id not in by_id:
                self.problem(where, f"linkId {link_id!r} is not an item of the Questionnaire here")
                continue
            index, item = by_id[link_id]
            if index < last:
                self.problem(where, f"{link_id!r} comes after {asked[last]['linkId']!r}, not in the "
                                    "Questionnaire's order (repetitions of a group must follow each other)")
            last = max(last, index)
            seen[link_id] = seen.get(link_id, 0) + 1
            self.entry(item, entry, _at(where, link_id, seen[link_id]), scopes)
        for link_id, count in seen.items():
            self.occurrences(by_id[link_id][1], count, _at(where, link_id))
        if self.completed:
            answered = {e["linkId"] for e in given if isinstance(e, Mapping) and (e.get("answer") or e.get("item"))}
            for item in asked:
                # a grid's column is checked (with its own message) whatever the status: grid_columns
                if item.get("required") and item["linkId"] not in answered and item.get("type") != "display" \
                        and not item["linkId"].endswith("._column") and self.enabled(item, scopes):
                    self.problem(where, f"required item {item['linkId']!r} is not answered in a completed response")
        self.grid_columns(asked, given, where)

    def occurrences(self, item: Item, count: int, where: str) -> None:
        if count == 1:
            return
        if item.get("type") != "group":
            self.problem(where, f"appears {count} times; a question appears once (if it repeats, with several answers)")
        elif not item.get("repeats"):
            self.problem(where, f"appears {count} times but the group does not repeat")
        else:
            most = _extension(item, MAX_OCCURS)
            if most is not None and count > most:
                self.problem(where, f"appears {count} times, more than its maxOccurs {most}")

    def entry(self, item: Item, entry: Mapping[str, Any], where: str, scopes: tuple[Sequence[Any], ...]) -> None:
        kind = item.get("type")
        if item.get("enableWhen") and not self.enabled(item, scopes):
            self.problem(where, "answered although its enableWhen is not met by the response")
        if kind == "display":
            if "answer" in entry or "item" in entry:
                self.problem(where, "a display item carries no answer and no items")
            return
        if kind == "group":
            if "answer" in entry:
                self.problem(where, "a group has no answer of its own (its questions go under item)")
            children = entry.get("item", [])
            if not isinstance(children, list) or not children:
                self.problem(where, "a group in a response holds at least one item")
                return
            self.level(item.get("item", []), children, where, (*scopes, children))
            return
        if "item" in entry:
            self.problem(where, "a question's nested items go under answer[].item, not item")
        answers = entry.get("answer", [])
        if not isinstance(answers, list):
            self.problem(where, "answer is not a list")
            return
        if len(answers) > 1 and not item.get("repeats"):
            self.problem(where, f"{len(answers)} answers to a question that does not repeat")
        values = []
        for n, answer in enumerate(answers, start=1):
            at = f"{where} answer {n}" if len(answers) > 1 else where
            value = self.answer(item, answer, at)
            if value is not None:
                if value in values:
                    self.problem(at, "the same answer twice")
                values.append(value)
            nested = answer.get("item") if isinstance(answer, Mapping) else None
            if nested is None:
                continue
            if not item.get("item"):
                self.problem(at, "answer[].item, but the Questionnaire has no items under this question")
            elif isinstance(nested, list):
                self.level(item["item"], nested, at, (*scopes, nested))

    def answer(self, item: Item, answer: Any, where: str) -> Any:
        """Check one answer; its value in comparable form (a Coding as (system, code)), or None."""
        if not isinstance(answer, Mapping):
            self.problem(where, f"an answer is an object, not {answer!r:.60}")
            return None
        keys = [k for k in answer if k.startswith("value")]
        if len(keys) != 1:
            self.problem(where, f"an answer has exactly one value[x], not {keys or 'none'}")
            return None
        key, value = keys[0], answer[keys[0]]
        kind = item.get("type")
        options = item.get("answerOption", [])
        if kind in ("choice", "open-choice") and options:
            allowed = {_value(option) for option in options if isinstance(option, Mapping)}
            wanted = {k for option in options for k in option if k.startswith("value")}
            if kind == "open-choice" and key == "valueString":
                return self.typed(item, "valueString", value, where)
            if key not in wanted:
                self.problem(where, f"{key} for a {kind} item whose answerOptions are {', '.join(sorted(wanted))}")
                return None
            got = (key, _comparable(value))
            if got not in allowed:
                shown = f"{value.get('system')}|{value.get('code')}" if isinstance(value, Mapping) else repr(value)
                self.problem(where, f"{shown} is not one of the item's answerOptions")
            elif isinstance(value, Mapping) and "display" in value:
                # FHIR identifies a Coding by system and code, but LHC-Forms also matches the display
                # when there is one, and silently drops the answer when it differs
                option = next(o[key] for o in options if isinstance(o, Mapping) and _value(o) == got)
                if isinstance(option, Mapping) and "display" in option and option["display"] != value["display"]:
                    self.problem(where, f"display {value['display']!r} is not the answerOption's "
                                        f"{option['display']!r} (give it exactly, or leave it out)")
            return got
        if kind in ("choice", "open-choice"):  # answerValueSet: codes this checker cannot list
            return (key, _comparable(value)) if key == "valueCoding" else self.typed(item, key, value, where)
        expected = VALUE_KEYS.get(str(kind))
        if expected is None:
            self.problem(where, f"item type {kind!r} is unknown to this checker")
            return None
        if key != expected:
            self.problem(where, f"{key} for a {kind} item, which takes {expected}")
            return None
        return self.typed(item, key, value, where)

    def typed(self, item: Item, key: str, value: Any, where: str) -> Any:
        """Check the JSON form of one value (and an integer or decimal's bounds); the value, or None."""
        bad = None
        if key == "valueBoolean":
            bad = not isinstance(value, bool)
        elif key in ("valueInteger", "valueDecimal"):
            number = isinstance(value, int | float) and not isinstance(value, bool)
            bad = not number or (key == "valueInteger" and not isinstance(value, int)) or not math.isfinite(value)
            if not bad:
                low, high = _extension(item, MIN_VALUE), _extension(item, MAX_VALUE)
                if (low is not None and value < low) or (high is not None and value > high):
                    self.problem(where, f"{value} is outside the item's bounds {low} to {high}")
        elif key == "valueDate":
            bad = not (isinstance(value, str) and _DATE.fullmatch(value) and _parses(dt.date.fromisoformat, value))
        elif key == "valueTime":
            bad = not (isinstance(value, str) and _TIME.fullmatch(value) and _parses(dt.time.fromisoformat, value))
        elif key == "valueDateTime":
            bad = not (isinstance(value, str) and _DATE_TIME.fullmatch(value)
                       and _parses(dt.datetime.fromisoformat, value))
        elif key in ("valueString", "valueUri"):
            bad = not (isinstance(value, str) and value.strip())
            length = item.get("maxLength")
            if not bad and isinstance(length, int) and len(value) > length:
                self.problem(where, f"{len(value)} characters, more than the item's maxLength {length}")
        if bad:
            self.problem(where, f"{key} {value!r} is not a valid {key.removeprefix('value').lower()} "
                                "(dates YYYY-MM-DD, times hh:mm:ss, strings not empty)")
            return None
        return (key, _comparable(value))

    def grid_columns(self, asked: Sequence[Item], given: Sequence[Any], where: str) -> None:
        """Each repetition of a grid group says which column (day) it is about, and no column twice."""
        for item in asked:
            column = f"{item['linkId']}._column"
            if item.get("type") != "group" or not any(c.get("linkId") == column for c in item.get("item", [])):
                continue
            seen: dict[Any, int] = {}
            repetitions = [e for e in given if isinstance(e, Mapping) and e.get("linkId") == item["linkId"]]
            for n, repetition in enumerate(repetitions, start=1):
                at = _at(where, item["linkId"], n)
                answers = [a for c in repetition.get("item", []) if isinstance(c, Mapping) and c.get("linkId") == column
                           for a in c.get("answer", []) if isinstance(a, Mapping)]
                if not answers:
                    self.problem(at, f"a grid repetition answers {column!r} (which column it is about)")
                    continue
                code = _comparable(answers[0].get("valueCoding"))
                if code in seen:
                    self.problem(at, f"column {code[1] if isinstance(code, tuple) else code!r} again "
                                     f"(repetition {seen[code]} is about it already)")
                seen.setdefault(code, n)

    def enabled(self, item: Item, scopes: tuple[Sequence[Any], ...]) -> bool:
        conditions = item.get("enableWhen") or []
        if not conditions:
            return True
        results = [self.condition(c, scopes) for c in conditions]
        return any(results) if item.get("enableBehavior") == "any" else all(results)

    def condition(self, condition: Mapping[str, Any], scopes: tuple[Sequence[Any], ...]) -> bool:
        answers = _answers_in_scope(condition.get("question", ""), scopes)
        operator = condition.get("operator")
        if operator == "exists":
            return bool(answers) == bool(condition.get("answerBoolean"))
        keys = [k for k in condition if k.startswith("answer")]
        if operator not in ("=", "!=") or len(keys) != 1:
            self.problem("Questionnaire", f"enableWhen {dict(condition)} is beyond this checker ('=', '!=', 'exists')")
            return True
        wanted = ("value" + keys[0].removeprefix("answer"), _comparable(condition[keys[0]]))
        given = [(k, _comparable(v)) for a in answers for k, v in a.items() if k.startswith("value")]
        return (wanted in given) if operator == "=" else bool(given) and wanted not in given


def _at(where: str, link_id: str, repetition: int = 0) -> str:
    here = f"{link_id}[{repetition}]" if repetition > 1 else link_id
    return f"{where} > {here}" if where else here


def _extension(item: Item, url: str) -> Any:
    for extension in item.get("extension", []):
        if extension.get("url") == url:
            return next((v for k, v in extension.items() if k.startswith("value")), None)
    return None


def _comparable(value: Any) -> Any:
    """A Coding by its system and code (display may differ); other values as they are."""
    if isinstance(value, Mapping):
        if "code" in value:
            return (value.get("system"), value.get("code"))
        return tuple(sorted((k, repr(v)) for k, v in value.items()))
    return value


def _value(option: Mapping[str, Any]) -> tuple[str, Any]:
    key = next((k for k in option if k.startswith("value")), "")
    return key, _comparable(option.get(key))


def _parses(parse: Any, text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


def _walk(entries: Sequence[Any]) -> Iterator[Mapping[str, Any]]:
    """Every response item in `entries` and under them (through item and answer[].item)."""
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        yield entry
        yield from _walk(entry.get("item", []) if isinstance(entry.get("item"), list) else [])
        for answer in entry.get("answer", []) if isinstance(entry.get("answer"), list) else []:
            if isinstance(answer, Mapping) and isinstance(answer.get("item"), list):
                yield from _walk(answer["item"])


def _answers_in_scope(link_id: str, scopes: tuple[Sequence[Any], ...]) -> list[Mapping[str, Any]]:
    """The answers to `link_id` nearest the asking item: in its own group repetition first, then
    further out (FHIR's rule for a question that repeats with its group)."""
    for scope in reversed(scopes):
        found = [e for e in _walk(scope) if e.get("linkId") == link_id]
        if found:
            return [a for e in found for a in e.get("answer", []) if isinstance(a, Mapping)]
    return []
