"""Validated front-matter data in, typed content objects out: what every renderer reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from skillbook.reading.discover import Kind
from skillbook.reading.document import Document
from skillbook.reading.vocabulary import COLUMN_SETS, DEFAULT_INTENSITY
from skillbook.reading.wording import words_for


@dataclass(frozen=True)
class Review:
    reviewed_by: tuple[str, ...]
    reviewed_on: dt.date
    next_review: dt.date


@dataclass(frozen=True)
class Citation:
    title: str
    authors: str = ""
    year: int | None = None
    publisher: str = ""
    edition: str = ""
    url: str = ""
    doi: str = ""
    isbn: str = ""
    locator: str = ""  # the chapter or handout the item is adapted from


@dataclass(frozen=True)
class Item:
    """What every module, skill and homework item has."""

    id: str
    title: str
    summary: str
    status: str
    version: str
    updated: dt.date
    language: str
    authors: tuple[str, ...]
    review: Review | None
    sources: tuple[Citation, ...]
    source_path: str  # relative to the project root
    docname: str  # the page name in the book, e.g. content/skills/mindfulness/observe
    body: str = field(repr=False)

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def is_public(self) -> bool:
        """Published or retired: present in the bundle (retired so apps can remove it)."""
        return self.status != "draft"


@dataclass(frozen=True)
class Module(Item):
    order: int = 0


LEVEL_RANK = {"foundation": 0, "core": 1, "advanced": 2}  # teaching order of skill levels

@dataclass(frozen=True)
class Step:
    id: str  # unique in the skill: what apps record progress against
    name: str
    prompt: str
    key: str = ""
    caution: str = ""  # a safety note for this step, shown with it everywhere


@dataclass(frozen=True)
class TextMessage:
    """A skill as text messages of at most 160 characters: its steps (one or two), its cautions."""

    steps: tuple[str, ...]
    cautions: str = ""


@dataclass(frozen=True)
class Skill(Item):
    module: str = ""
    acronym: str = ""
    steps: tuple[Step, ...] = ()
    when_to_use: tuple[str, ...] = ()
    emotions: tuple[str, ...] = ()
    situations: tuple[str, ...] = ()
    level: str = "core"
    practice_minutes: int = 0
    worksheets: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    intensity: tuple[str, ...] = DEFAULT_INTENSITY
    text_message: TextMessage | None = None  # written by the author; see `skillbook.reading.textmessage`
    order: int | None = None  # where the skill comes in its module's teaching order

    @property
    def teaching_order(self) -> tuple[int, int, str, str]:
        """How a module lists its skills: the author's `order`, then level, then title."""
        return (self.order if self.order is not None else 1000, LEVEL_RANK.get(self.level, 9),
                self.title.casefold(), self.id)

    @property
    def all_cautions(self) -> tuple[str, ...]:
        """Every safety note of the skill: its own, then each step's."""
        return (*self.cautions, *(s.caution for s in self.steps if s.caution))


@dataclass(frozen=True)
class Option:
    id: str  # unique in its field: what a saved answer stores (the skill's id when the author gave none)
    label: str
    skill: str = ""


@dataclass(frozen=True)
class Column:
    id: str  # unique in its grid
    label: str
    iso_weekday: int | None = None  # 1 (Monday) to 7 when the column is a day of the week


@dataclass(frozen=True)
class Condition:
    """Ask a field only when an earlier field has this answer (`show_if`)."""

    field: str
    answer: str | bool  # yes/no fields: True or False; choice and checklist: an option id


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    type: str
    required: bool = False
    help: str = ""
    min: float | None = None
    max: float | None = None
    anchors: tuple[tuple[int, str], ...] = ()
    options: tuple[Option, ...] = ()
    columns: tuple[Column, ...] = ()
    rows: tuple[Field, ...] = ()
    blanks: int = 0  # contacts: empty rows to write in
    crisis_services: bool = False  # contacts: the configured crisis services come first
    show_if: Condition | None = None
    skill: str = ""  # a grid row that records one skill
    write_in: bool = False  # a grid row the reader names (another urge, emotion or action)
    start_here: bool = False  # the client's own copy on the phone opens here (a safety plan's first step)

    def option_label(self, option_id: str) -> str:
        """The label of one of the field's options (the id itself when there is no such option)."""
        return next((o.label for o in self.options if o.id == option_id), option_id)


@dataclass(frozen=True)
class Homework(Item):
    type: str = "worksheet"
    module: str = ""
    skills: tuple[str, ...] = ()
    frequency: str = "as-needed"
    estimated_minutes: int = 0
    fields: tuple[Field, ...] = ()


T = TypeVar("T", bound=Item)


@dataclass(frozen=True)
class Handbook:
    """Every item of the project, drafts included; renderers filter with `published_*`."""

    modules: tuple[Module, ...]
    skills: tuple[Skill, ...]
    homework: tuple[Homework, ...]

    def published_modules(self) -> list[Module]:
        return sorted((m for m in self.modules if m.is_published), key=lambda m: (m.order, m.id))

    def skills_of(self, module_id: str) -> list[Skill]:
        return sorted((s for s in self.skills if s.is_published and s.module == module_id),
                      key=lambda s: s.teaching_order)

    def homework_of(self, module_id: str) -> list[Homework]:
        return sorted((h for h in self.homework if h.is_published and h.module == module_id),
                      key=lambda h: (h.title.casefold(), h.id))

    def with_drafts_shown(self) -> Handbook:
        """The handbook as a live preview shows it: drafts listed and rendered like published pages."""
        def show(items: tuple[T, ...]) -> tuple[T, ...]:
            return tuple(replace(i, status="published") if i.status == "draft" else i for i in items)

        return Handbook(show(self.modules), show(self.skills), show(self.homework))

    def drafts(self) -> tuple[Item, ...]:
        return tuple(i for i in (*self.modules, *self.skills, *self.homework) if i.status == "draft")

    def draft_names(self) -> tuple[tuple[str, str], ...]:
        """(id, kind) of every draft, for messages that name them."""
        return tuple((i.id, kind) for kind, items in ((Kind.MODULE, self.modules), (Kind.SKILL, self.skills),
                                                       (Kind.HOMEWORK, self.homework))
                     for i in items if i.status == "draft")

    def draft_docnames(self) -> set[str]:
        return {i.docname for i in self.drafts()}

    def by_id(self, kind: Kind) -> dict[str, Item]:
        items: tuple[Item, ...] = {Kind.MODULE: self.modules, Kind.SKILL: self.skills,
                                   Kind.HOMEWORK: self.homework}[kind]
        return {item.id: item for item in items}


def build_item(kind: Kind, data: dict[str, Any], document: Document) -> Item:
    """A typed item from front matter that passed schema validation (defaults applied)."""
    common: dict[str, Any] = {
        "id": data["id"], "title": data["title"], "summary": data["summary"], "status": data["status"],
        "version": data["version"], "updated": data["updated"], "language": data.get("language", "en"),
        "authors": tuple(data["authors"]), "review": _review(data.get("review")),
        "sources": tuple(Citation(**c) for c in data.get("sources") or ()),
        "source_path": document.source.rel, "docname": document.source.docname, "body": document.body,
    }
    if kind is Kind.MODULE:
        return Module(**common, order=data["order"])
    if kind is Kind.SKILL:
        tags = data.get("tags") or {}
        message = data.get("text_message")
        return Skill(
            **common, module=data["module"], acronym=data.get("acronym", ""),
            steps=tuple(Step(id=s["id"], name=s["name"], prompt=s["prompt"], key=s.get("key", ""),
                             caution=s.get("caution", "")) for s in data["steps"]),
            when_to_use=tuple(data["when_to_use"]), emotions=tuple(tags.get("emotions") or ()),
            situations=tuple(tags.get("situations") or ()), level=data["level"],
            practice_minutes=data["practice_minutes"], worksheets=tuple(data.get("worksheets") or ()),
            related=tuple(data.get("related") or ()), cautions=tuple(data.get("cautions") or ()),
            intensity=tuple(data.get("intensity") or DEFAULT_INTENSITY),
            text_message=TextMessage(tuple(message.get("steps") or ()), message.get("cautions", ""))
            if message else None,
            order=data.get("order"),
        )
    return Homework(
        **common, type=data["type"], module=data["module"], skills=tuple(data["skills"]),
        frequency=data["frequency"], estimated_minutes=data["estimated_minutes"],
        fields=tuple(_field(f, common["language"]) for f in data["fields"]),
    )


def _review(data: dict[str, Any] | None) -> Review | None:
    if not data:
        return None
    return Review(tuple(data["reviewed_by"]), data["reviewed_on"], data["next_review"])


def _field(data: dict[str, Any], language: str) -> Field:
    options = tuple(Option(id=o.get("id") or o["skill"], label=o["label"], skill=o.get("skill", ""))
                    for o in data.get("options") or ())
    condition = data.get("show_if")
    return Field(
        id=data["id"], label=data["label"], type=data["type"], required=bool(data.get("required")),
        help=data.get("help", ""), min=data.get("min"), max=data.get("max"),
        anchors=tuple(sorted((data.get("anchors") or {}).items())), options=options,
        columns=columns_of(data.get("columns"), language),
        rows=tuple(_field({**r, "required": False}, language) for r in data.get("rows") or ()),
        blanks=int(data.get("blanks") or (3 if data["type"] == "contacts" else 0)),
        crisis_services=bool(data.get("crisis_services")),
        show_if=Condition(condition["field"], condition["answer"]) if condition else None,
        skill=data.get("skill", ""), write_in=bool(data.get("write_in")),
        start_here=bool(data.get("start_here")),
    )


def columns_of(written: str | list[dict[str, str]] | None, language: str) -> tuple[Column, ...]:
    """A grid's columns: a named set (`week`, labelled in the content language) or the author's list."""
    week = COLUMN_SETS["week"]
    if isinstance(written, str):
        labels = words_for(language).list(f"columns.{written}")
        return tuple(Column(i, label, week.index(i) + 1 if i in week else None)
                     for i, label in zip(COLUMN_SETS[written], labels, strict=True))
    return tuple(Column(c["id"], c["label"], week.index(c["id"]) + 1 if c["id"] in week else None)
                 for c in written or ())
