"""A homework item in, its FHIR R4 Questionnaire out (JSON, generated from the item's `fields`).

Mapping (also documented for app developers in content/app-developers.md):

- the body's plain text is a `display` item first (linkId `_instructions`); a field's `help` is a
  `display` child with the standard `help` item control (linkId `<field>._help`). Generated linkIds
  contain `_`, which item ids (slugs) never do, so they cannot clash with a field.
- text -> string, long_text -> text, number -> decimal (integer when its bounds are whole numbers;
  bounds through the `minValue` / `maxValue` extensions), yes_no -> boolean, date -> date, time -> time.
- identity: `url` is `<base_url>/fhir/Questionnaire/<id>` when `_config.yml` sets `skillbook.base_url`,
  else `urn:skillbook:<bundle_name>:questionnaire:<id>`; `publisher`, `copyright` and `jurisdiction`
  come from the configuration.
- codes belong to one form: every coded answer's system is `<url>#<field>` (`<url>#<field>.<row>` in a
  grid), so a code's display never changes from form to form.
- rating -> choice with one `answerOption` Coding per point (code the number, display the number and
  its anchor word, `ordinalValue` extension = the number).
- checklist -> choice with `repeats: true`; choice -> choice. Every option is a Coding whose code is
  the option's `id` (an option naming a skill without its own id: the skill's id).
- grid -> a `group` that repeats once per column (`repeats: true`, `questionnaire-maxOccurs` = the
  number of columns). Its first item, `<field>._column` (after `<field>._help` when there is help),
  is a required choice of the columns (which day or column this repetition is about), coded by the
  column ids: the days of a week in FHIR's own `days-of-week` code system (`mon` to `sun`), other
  columns in `<url>#<field>._column`. The rows follow as items `<field>.<row>`, typed as above.
- a write-in row (`write_in`) also has a `string` item `<field>.<row>._name` right after its grid:
  what the row is about, asked once for the whole card.
- `show_if` -> `enableWhen` on the earlier field's linkId: `answerBoolean` for a yes/no field, the
  option's Coding for a choice or checklist.
- generated texts (the column question, contact names and numbers) are in the form's language
  (`skillbook.reading.wording`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from skillbook.bundle.export import published_options
from skillbook.reading.models import Field, Homework, Option
from skillbook.reading.richtext import RichText
from skillbook.reading.wording import Words, words_for

COUNTRY_SYSTEM = "urn:iso:std:iso:3166"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
MAX_OCCURS = "http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
DAYS_OF_WEEK = "http://hl7.org/fhir/days-of-week"
STATUS = {"published": "active", "retired": "retired", "draft": "draft"}
_SIMPLE = {"text": "string", "long_text": "text", "yes_no": "boolean", "date": "date", "time": "time"}


@dataclass(frozen=True)
class Publication:
    """Who publishes a handbook's forms, and where: the identity every Questionnaire of it shares."""

    handbook: str  # the bundle name, for the URN when there is no base URL
    base_url: str = ""  # https, without a trailing slash
    publisher: str = ""
    copyright: str = ""
    jurisdiction: tuple[str, ...] = ()

    def canonical(self, homework_id: str) -> str:
        if self.base_url:
            return f"{self.base_url}/fhir/Questionnaire/{homework_id}"
        return f"urn:skillbook:{self.handbook}:questionnaire:{homework_id}"


def machine_name(item_id: str) -> str:
    """`weekly-diary-card` -> `WeeklyDiaryCard` (FHIR asks for a name usable as a code identifier)."""
    name = "".join(part[:1].upper() + part[1:] for part in item_id.split("-"))
    return name if name[:1].isalpha() else f"Q{name}"


def questionnaire(homework: Homework, body: RichText, *, publication: Publication, skills: frozenset[str],
                  crisis_lines: tuple[str, ...] = ()) -> dict[str, Any]:
    """`skills`: the skill ids in the bundle (an option naming any other skill becomes a plain option);
    `crisis_lines`: the crisis services as lines of text, for `contacts` fields that show them."""
    instructions = body.text or homework.summary
    url = publication.canonical(homework.id)
    form = _Form(url, skills, crisis_lines, words_for(homework.language), {f.id: f for f in homework.fields})
    items: list[dict[str, Any]] = [{"linkId": "_instructions", "type": "display", "text": instructions}]
    for field in homework.fields:
        items.append(_item(field, homework.id, form))
        # what a write-in row is about is asked once, not once per day: right after its grid
        items.extend({"linkId": f"{field.id}.{row.id}._name", "type": "string", "required": False,
                      "text": form.words.format("form.write_in", label=row.label)}
                     for row in field.rows if row.write_in)
    data: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": homework.id,
        "url": url,
        "version": homework.version,
        "name": machine_name(homework.id),
        "title": homework.title,
        "status": STATUS[homework.status],
        "date": homework.updated.isoformat(),
        "language": homework.language,
        "description": homework.summary,
        "subjectType": ["Patient"],
        "item": items,
    }
    if publication.publisher:
        data["publisher"] = publication.publisher
    if publication.copyright:
        data["copyright"] = publication.copyright
    if publication.jurisdiction:
        data["jurisdiction"] = [{"coding": [{"system": COUNTRY_SYSTEM, "code": c}]} for c in publication.jurisdiction]
    return data


@dataclass(frozen=True)
class _Form:
    url: str
    skills: frozenset[str]
    crisis_lines: tuple[str, ...]
    words: Words
    fields: Mapping[str, Field]  # the top-level fields by id, for `enableWhen`


def _item(field: Field, homework_id: str, form: _Form, *, parent: str = "") -> dict[str, Any]:
    link_id = f"{parent}.{field.id}" if parent else field.id
    item: dict[str, Any] = {"linkId": link_id, "text": field.label, "required": field.required,
                            "repeats": field.type in ("checklist", "grid")}
    children: list[dict[str, Any]] = []
    if field.show_if and field.show_if.field in form.fields:
        item["enableWhen"] = [_enable_when(field, form.fields[field.show_if.field], form.url)]
    if field.help:
        children.append({
            "linkId": f"{link_id}._help", "type": "display", "text": field.help,
            "extension": [{"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [
                {"system": ITEM_CONTROL_SYSTEM, "code": "help", "display": "Help-Button"}]}}],
        })
    if field.type in _SIMPLE:
        item["type"] = _SIMPLE[field.type]
    elif field.type == "number":
        whole = (field.min is not None or field.max is not None) and all(
            isinstance(b, int) for b in (field.min, field.max) if b is not None)
        item["type"] = "integer" if whole else "decimal"
        value_key = "valueInteger" if whole else "valueDecimal"
        extensions = [{"url": url, value_key: bound} for url, bound in ((MIN_VALUE, field.min), (MAX_VALUE, field.max))
                      if bound is not None]
        if extensions:
            item["extension"] = extensions
    elif field.type == "rating":
        item["type"] = "choice"
        item["answerOption"] = _rating_options(field, f"{form.url}#{link_id}")
    elif field.type in ("checklist", "choice"):
        item["type"] = "choice"
        item["answerOption"] = _options(published_options(field, form.skills), f"{form.url}#{link_id}")
    elif field.type == "contacts":
        # the handbook's crisis services to read first, then the rows the reader fills in: one
        # repeating group, so the services are shown once and not once per row
        item["type"] = "group"
        item["repeats"] = False
        if field.crisis_services:
            children.extend({"linkId": f"{link_id}._service-{n}", "type": "display", "text": line}
                            for n, line in enumerate(form.crisis_lines, start=1))
        contact = f"{link_id}.contact"
        children.append({"linkId": contact, "text": field.label, "type": "group", "required": False, "repeats": True,
                         "extension": [{"url": MAX_OCCURS, "valueInteger": field.blanks}],
                         "item": [{"linkId": f"{contact}.name", "text": form.words["form.name"],
                                   "type": "string", "required": False},
                                  {"linkId": f"{contact}.number", "text": form.words["form.number"],
                                   "type": "string", "required": False}]})
    elif field.type == "grid":
        item["type"] = "group"
        item["extension"] = [{"url": MAX_OCCURS, "valueInteger": len(field.columns)}]
        days = all(c.iso_weekday for c in field.columns)
        system = DAYS_OF_WEEK if days else f"{form.url}#{link_id}._column"
        children.append({"linkId": f"{link_id}._column", "text": form.words["form.day" if days else "form.column"],
                         "type": "choice", "required": True, "repeats": False,
                         "answerOption": [{"valueCoding": {"system": system, "code": c.id, "display": c.label}}
                                          for c in field.columns]})
        children.extend(_item(row, homework_id, form, parent=link_id) for row in field.rows)
    else:  # validation allows no other type
        raise ValueError(f"homework {homework_id}: field {field.id} has unknown type {field.type}")
    if children:
        item["item"] = children
    return item


def _rating_options(field: Field, system: str) -> list[dict[str, Any]]:
    low, high = int(field.min or 0), int(field.max if field.max is not None else 0)
    anchors = dict(field.anchors)
    return [{"valueCoding": {
        "system": system, "code": str(point),
        "display": f"{point} – {anchors[point]}" if point in anchors else str(point),
        "extension": [{"url": ORDINAL_VALUE, "valueDecimal": point}],
    }} for point in range(low, high + 1)]


def _options(options: tuple[Option, ...], system: str) -> list[dict[str, Any]]:
    return [{"valueCoding": {"system": system, "code": o.id, "display": o.label}} for o in options]


def _enable_when(field: Field, asked: Field, url: str) -> dict[str, Any]:
    assert field.show_if is not None
    answer = field.show_if.answer
    if isinstance(answer, bool):
        return {"question": asked.id, "operator": "=", "answerBoolean": answer}
    return {"question": asked.id, "operator": "=",
            "answerCoding": {"system": f"{url}#{asked.id}", "code": answer, "display": asked.option_label(answer)}}
