"""Typed handbook items in, the bundle's JSON documents out: index, modules, skills, homework.

Field names are the content model's (DESIGN.md), so the bundle is the public form of the front
matter. Item-level keys are always present (`null` or `[]` when the author left them out); nested
objects (steps, citations, form fields, options) carry only the keys that apply. Drafts never
appear, not even as a reference: a retired item's links to drafts are dropped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib.metadata import version
from typing import Any

from skillbook.reading.config import ProjectConfig
from skillbook.reading.editions import split_clinician_notes
from skillbook.reading.fingerprint import code_digest
from skillbook.reading.models import Citation, Field, Handbook, Homework, Item, Module, Option, Skill
from skillbook.reading.richtext import RichText, render_body
from skillbook.reading.textmessage import text_message
from skillbook.reading.vocabulary import Band, Term
from skillbook.reading.wording import words_for

FORMAT_VERSION = "2.1.0"
CRISIS = "crisis.json"  # the crisis services, at the bundle's root
CHANGELOG = "changelog.json"  # what changed since the previous release (skillbook.bundle.changelog)
FORMAT_MAJOR = int(FORMAT_VERSION.split(".")[0])


@dataclass(frozen=True)
class Selection:
    """The items that go into the bundle, in bundle order: public items whose module is public."""

    modules: tuple[Module, ...]
    skills_by_module: dict[str, tuple[Skill, ...]]
    homework_by_module: dict[str, tuple[Homework, ...]]

    @cached_property  # asked for every item and every reference in it
    def skills(self) -> tuple[Skill, ...]:
        return tuple(s for m in self.modules for s in self.skills_by_module[m.id])

    @cached_property
    def homework(self) -> tuple[Homework, ...]:
        return tuple(h for m in self.modules for h in self.homework_by_module[m.id])

    @cached_property
    def skill_ids(self) -> frozenset[str]:
        return frozenset(s.id for s in self.skills)

    @cached_property
    def homework_ids(self) -> frozenset[str]:
        return frozenset(h.id for h in self.homework)


def select(handbook: Handbook) -> Selection:
    """Published and retired items (drafts left out), modules by `order`, skills in teaching order,
    homework by title: the order of the handbook's own pages, retired items included."""
    modules = tuple(sorted((m for m in handbook.modules if m.is_public), key=lambda m: (m.order, m.id)))
    skills = {m.id: tuple(sorted((s for s in handbook.skills if s.is_public and s.module == m.id),
                                 key=lambda s: s.teaching_order))
              for m in modules}
    homework = {m.id: tuple(sorted((h for h in handbook.homework if h.is_public and h.module == m.id),
                                   key=lambda h: (h.title.casefold(), h.id)))
                for m in modules}
    return Selection(modules, skills, homework)


def module_path(module_id: str) -> str:
    return f"modules/{module_id}.json"


def skill_path(skill_id: str) -> str:
    return f"skills/{skill_id}.json"


def homework_path(homework_id: str) -> str:
    return f"homework/{homework_id}.json"


def questionnaire_path(homework_id: str) -> str:
    return f"fhir/Questionnaire-{homework_id}.json"


def page_of(item: Item) -> str | None:
    """The item's page in the site, relative to the site root (retired items have none)."""
    return f"{item.docname}.html" if item.is_published else None


@dataclass
class RenderedBodies:
    """Item bodies rendered by an earlier bundle and those this one used, by `_rich_text_key`: after
    a one-page edit only that page's body is rendered again."""

    earlier: dict[str, RichText] = field(default_factory=dict)
    used: dict[str, RichText] = field(default_factory=dict)


def rich_text(item: Item, substitutions: Mapping[str, Any], rendered: RenderedBodies | None = None) -> RichText:
    """The body as clients see it: clinician notes are never part of it, in either edition."""
    if rendered is None:
        return _client_body(item, substitutions)
    key = _rich_text_key(item.body, item.source_path, substitutions)
    found = rendered.used.get(key) or rendered.earlier.get(key) or _client_body(item, substitutions)
    rendered.used[key] = found
    return found


def _client_body(item: Item, substitutions: Mapping[str, Any]) -> RichText:
    body, _ = split_clinician_notes(item.body)
    return render_body(body, source_path=item.source_path, substitutions=substitutions)


def _rich_text_key(body: str, source_path: str, substitutions: Mapping[str, Any]) -> str:
    """Everything a rendered body depends on: the body, its page, the substitutions, and the code and
    libraries that render it."""
    settings = json.dumps(substitutions, sort_keys=True, default=repr)
    return hashlib.sha256("\x00".join((_renderer(), source_path, settings, body)).encode()).hexdigest()


@cache
def _renderer() -> str:
    """What renders a body: the reading stage's code (the renderer, the MyST configuration, the
    clinician-note split) and the libraries it uses."""
    return "|".join((code_digest("reading"), *(version(name) for name in ("markdown-it-py", "mdit-py-plugins", "nh3"))))


def clinician_notes(item: Item, substitutions: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The clinician edition's notes of an item, marked for their audience."""
    notes = []
    for note in split_clinician_notes(item.body)[1]:
        text = render_body(note.myst, source_path=item.source_path, substitutions=substitutions)
        notes.append({"audience": "clinician", **({"title": note.title} if note.title else {}),
                      "myst": note.myst, "html": text.html, "text": text.text})
    return notes


def index_json(selection: Selection, *, content_version: str, language: str,
               terms: Mapping[str, tuple[Term, ...]], bands: tuple[Band, ...]) -> dict[str, Any]:
    return {
        "formatVersion": FORMAT_VERSION,
        "version": content_version,
        "language": language,
        "crisis": CRISIS,
        "changelog": CHANGELOG,
        "modules": [
            {
                "id": m.id, "title": m.title, "summary": m.summary, "status": m.status, "order": m.order,
                "path": module_path(m.id),
                "skills": [s.id for s in selection.skills_by_module[m.id]],
                "homework": [h.id for h in selection.homework_by_module[m.id]],
            }
            for m in selection.modules
        ],
        "vocabulary": {
            **{kind: [{"id": t.id, "label": t.label, "aliases": list(t.aliases), "crisis_first": t.crisis_first}
                      for t in words] for kind, words in sorted(terms.items())},
            "intensity": [{"id": b.id, "label": b.label, "min": b.low, "max": b.high} for b in bands],
        },
    }


def changelog_json(version: str, compared: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The changelog document: this release, the one it was compared with and what changed
    (`compared`: `BundleDiff.to_json()`); `previous` is null when no previous release was given."""
    if compared is None:
        return {"version": version, "previous": None, "required": "none", "changes": []}
    return {"version": version, "previous": compared["old"], "required": compared["required"],
            "changes": compared["changes"]}


def crisis_lines(config: ProjectConfig) -> tuple[str, ...]:
    """The crisis services as lines of plain text (`Samaritans (United Kingdom): 116 123`)."""
    words = words_for(config.language)
    lines = []
    for region in config.crisis_regions:
        if region.emergency:
            lines.append(f"{region.name}: {words['paper.emergency']} "
                         + f" {words['paper.or']} ".join(region.emergency))
        for service in region.services:
            numbers = " / ".join(n for n in (service.phone, service.text) if n)
            lines.append(f"{service.name} ({region.name})" + (f": {numbers}" if numbers else ""))
    return tuple(lines)


def crisis_json(config: ProjectConfig) -> dict[str, Any]:
    """The configured crisis services, for apps to show before anything else (and on every worksheet)."""
    return {
        "intro": config.crisis_intro,
        "page": f"{config.crisis_page}.html",
        "regions": [{"name": r.name, "emergency": list(r.emergency), "services": [
            {k: v for k, v in (("name", s.name), ("phone", s.phone), ("text", s.text), ("text_keyword", s.text_keyword),
                               ("url", s.url), ("hours", s.hours), ("notes", s.notes)) if v}
            for s in r.services]} for r in config.crisis_regions],
    }


def item_json(item: Item, body: RichText, selection: Selection) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item.id, "title": item.title, "summary": item.summary, "status": item.status,
        "version": item.version, "updated": item.updated.isoformat(), "language": item.language,
        "authors": list(item.authors),
        "review": None if item.review is None else {
            "reviewed_by": list(item.review.reviewed_by), "reviewed_on": item.review.reviewed_on.isoformat(),
            "next_review": item.review.next_review.isoformat(),
        },
        "sources": [_citation(c) for c in item.sources],
        "page": page_of(item),
        "body": body_json(body),
    }
    if isinstance(item, Module):
        data.update(kind="module", order=item.order)
    elif isinstance(item, Skill):
        data.update(
            kind="skill", module=item.module, acronym=item.acronym or None,
            steps=[{"id": s.id, **({"key": s.key} if s.key else {}), "name": s.name,
                    "prompt": s.prompt, **({"caution": s.caution} if s.caution else {})} for s in item.steps],
            when_to_use=list(item.when_to_use),
            tags={"emotions": list(item.emotions), "situations": list(item.situations)},
            level=item.level, practice_minutes=item.practice_minutes,
            worksheets=[h for h in item.worksheets if h in selection.homework_ids],
            related=[s for s in item.related if s in selection.skill_ids],
            cautions=list(item.cautions),
            intensity=list(item.intensity), order=item.order,
            text_message={"steps": list((form := text_message(item)).steps), "cautions": form.cautions},
        )
    elif isinstance(item, Homework):
        data.update(
            kind="homework", type=item.type, module=item.module,
            skills=[s for s in item.skills if s in selection.skill_ids],
            frequency=item.frequency, estimated_minutes=item.estimated_minutes,
            fields=[field_json(f, selection.skill_ids) for f in item.fields],
            pdf=f"worksheets/{item.id}.pdf" if item.is_published else None,
            questionnaire=questionnaire_path(item.id),
        )
    return data


def body_json(body: RichText) -> dict[str, Any]:
    return {
        "myst": body.myst, "html": body.html, "text": body.text,
        "sections": [{"title": s.title, "level": s.level, "anchor": s.anchor, "html": s.html, "text": s.text}
                     for s in body.sections],
    }


def _citation(citation: Citation) -> dict[str, Any]:
    data: dict[str, Any] = {"title": citation.title}
    for key in ("authors", "publisher", "edition", "locator", "url", "doi", "isbn"):
        value = getattr(citation, key)
        if value:
            data[key] = value
    if citation.year is not None:
        data["year"] = citation.year
    return data


def field_json(field: Field, skills: frozenset[str], *, row: bool = False) -> dict[str, Any]:
    """A form field as in the content model, with every id filled in: options and columns are always
    objects with an `id` (a `columns: week` is written out as its seven days); rows have no `required`."""
    data: dict[str, Any] = {"id": field.id, "label": field.label, "type": field.type}
    if not row:
        data["required"] = field.required
    if field.help:
        data["help"] = field.help
    if field.min is not None:
        data["min"] = field.min
    if field.max is not None:
        data["max"] = field.max
    if field.anchors:
        data["anchors"] = {str(point): label for point, label in field.anchors}
    if field.options:
        data["options"] = [_option(o, skills) for o in published_options(field, skills)]
    if field.columns:
        data["columns"] = [{"id": c.id, "label": c.label, **({"iso_weekday": c.iso_weekday} if c.iso_weekday else {})}
                           for c in field.columns]
    if field.rows:
        data["rows"] = [field_json(r, skills, row=True) for r in field.rows]
    if field.type == "contacts":
        data["blanks"] = field.blanks
        data["crisis_services"] = field.crisis_services
    if field.show_if:
        data["show_if"] = {"field": field.show_if.field, "answer": field.show_if.answer}
    if field.skill and field.skill in skills:
        data["skill"] = field.skill
    if field.write_in:
        data["write_in"] = True
    if field.start_here:
        data["start_here"] = True
    return data


def published_options(field: Field, skills: frozenset[str]) -> tuple[Option, ...]:
    """The options a bundle shows: all but those known only by the id of a skill not in the bundle
    (a draft's id never appears; such options occur only on retired forms)."""
    return tuple(o for o in field.options if not (o.skill and o.skill not in skills and o.id == o.skill))


def _option(option: Option, skills: frozenset[str]) -> dict[str, Any]:
    data = {"id": option.id, "label": option.label}
    if option.skill and option.skill in skills:
        data["skill"] = option.skill
    return data
