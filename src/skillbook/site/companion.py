"""Published homework items in, the companion's pages out: a fill-in page per item (`fill/<id>.html`),
the client's own card (`fill/my-own-card.html`), the list of them (`fill/index.html`) and, in the
clinician edition, the page that makes an assignment link (`assign.html`).

Each page is static HTML that says what it is and works as a page with no JavaScript (it links
the printable PDF); the form itself is drawn in the browser from one JSON block the page carries:
the item's `fields` exactly as the bundle writes them (`skillbook.bundle.export.field_json`), the
canonical URL of its FHIR Questionnaire, the crisis services and the words of the page's language.
So the PDF, the Questionnaire and the phone form are made from the same fields, and what a client
types is never part of any page: it lives in the browser's storage (`_static/companion/`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from skillbook.bundle.export import crisis_json, field_json
from skillbook.bundle.fhir import Publication
from skillbook.reading.config import ProjectConfig
from skillbook.reading.inline_json import inline_json
from skillbook.reading.models import Field, Handbook, Homework, Item, Skill
from skillbook.reading.wording import Words, words_for
from skillbook.site.chooser import safety_plan

FILL = "fill"
INDEX = f"{FILL}/index"
ASSIGN = "assign"
OWN_CARD = "my-own-card"
OWN_CARD_VERSION = "1.0.0"  # of the card's fields below: entries record it like any item's version
OWN_CARD_UPDATED = dt.date(2026, 12, 8)
# every file of the companion (its modules, style and backup schema), cached for offline use with the pages
_CODE = Path(__file__).parent / "theme" / "skillbook" / "static" / "companion"
ASSETS = tuple(f"_static/companion/{p.name}" for p in sorted(_CODE.iterdir()) if p.is_file())
# the words the browser needs: every key that starts with one of these (skillbook.reading.wording)
WORD_PREFIXES = ("companion.", "paper.yes", "paper.no", "frequency.", "type.", "form.")


def fill_page(item_id: str) -> str:
    return f"{FILL}/{item_id}"


@dataclass(frozen=True)
class Links:
    """Where a fill page's neighbours are, relative to it."""

    about: str | None  # the item's page in the handbook
    pdf: str | None  # its printable PDF
    index: str  # the list of every form
    crisis: str  # the crisis page


def published(handbook: Handbook) -> list[Homework]:
    """The items that get a fill page: every published homework item, by title."""
    return sorted((h for h in handbook.homework if h.is_published), key=lambda h: (h.title.casefold(), h.id))


def safety_plan_page(handbook: Handbook) -> str | None:
    """Where every "My safety plan" link goes: the client's own plan when there is one on the phone,
    the form to make one when there is none (one page does both)."""
    plan = safety_plan(handbook)
    return fill_page(plan.id) if plan else None


def own_pages(handbook: Handbook) -> dict[str, str]:
    """The handbook's pages whose every link opens the client's own copy instead (the safety plan's
    page -> `fill/<id>.html`): for links in pages, the contents and search alike."""
    plan = safety_plan(handbook)
    return {plan.docname: f"{fill_page(plan.id)}.html"} if plan else {}


def needs_quick_exit(pagename: str, item: Item | None, crisis_page: str, terms: frozenset[str]) -> bool:
    """A quick exit on every companion page, the crisis page, and the pages of skills tagged with a
    word marked `quick_exit` in the vocabulary (conflict, relationships): someone may be watching."""
    if pagename.startswith(f"{FILL}/") or pagename == crisis_page:
        return True
    return isinstance(item, Skill) and bool(terms & set(item.situations + item.emotions))


def own_card_placeholder(href: str, words: Words) -> str:
    """Where a page shows the client's own card, if they made one (filled in by `glance.js`)."""
    return (f'<div class="sb-own-card" data-own-card hidden data-href="{escape(href)}" '
            f'data-title="{escape(words["companion.own.open"])}" data-at="{escape(words["companion.own.at"])}" '
            f'data-then="{escape(words["companion.own.then"])}:" '
            f'data-locked="{escape(words["companion.own.locked"])}"></div>')


def own_card(language: str) -> Homework:
    """The client's own card ("at 7 or more I will…"), a form of the companion's own: the plan a client
    makes with their therapist, shown first at the chooser's top band and on the crisis page."""
    words = words_for(language)
    text = ("step-1", "step-2", "step-3")
    fields = (
        Field(id="name", label=words["companion.own.name"], type="text"),
        Field(id="from", label=words["companion.own.from"], type="rating", min=0, max=10,
              anchors=((0, words["companion.own.calm"]), (10, words["companion.own.strongest"]))),
        *(Field(id=f, label=words.format("companion.own.step", n=n), type="text", required=n == 1)
          for n, f in enumerate(text, start=1)),
        Field(id="then", label=words["companion.own.then"], type="text", help=words["companion.own.then_help"]),
        Field(id="caution", label=words["paper.own_caution"], type="text"),
    )
    return Homework(id=OWN_CARD, title=words["paper.own_card"], summary=words["companion.own.summary"],
                    status="published", version=OWN_CARD_VERSION, updated=OWN_CARD_UPDATED, language=language,
                    authors=(), review=None, sources=(), source_path="", docname="", body="", type="own-card",
                    frequency="as-needed", fields=fields)


def form_data(homework: Homework, skills: frozenset[str], publication: Publication) -> dict[str, Any]:
    """What the browser draws the form from: the bundle's own field format, and the Questionnaire's
    canonical URL (an exported QuestionnaireResponse names it, with the item's version)."""
    return {
        "id": homework.id, "title": homework.title, "type": homework.type, "frequency": homework.frequency,
        "version": homework.version, "language": homework.language,
        "questionnaire": publication.canonical(homework.id),
        "fields": [field_json(f, skills) for f in homework.fields],
    }


def catalogue(handbook: Handbook, link: Callable[[str], str]) -> list[dict[str, Any]]:
    """Every fill page, for the list page and assignment links: id, title, type, frequency, address,
    and for a diary card the ids and labels of its grid rows (the rows a therapist can choose)."""
    return [{"id": h.id, "title": h.title, "type": h.type, "frequency": h.frequency, "href": link(h.id),
             "rows": [{"id": r.id, "label": r.label, "grid": f.label, "write_in": r.write_in}
                      for f in h.fields if f.type == "grid" for r in f.rows]}
            for h in published(handbook)]


def words_json(words: Words) -> dict[str, str]:
    chosen = {key: value for key, value in sorted(words.table.items())
              if isinstance(value, str) and key.startswith(WORD_PREFIXES)}
    chosen["companion.days"] = ",".join(words.list("columns.week"))  # Monday first, for the coach's hours
    return chosen


def page_data(*, form: Mapping[str, Any] | None, config: ProjectConfig, words: Words, links: Links,
              forms: list[dict[str, Any]], plan: str | None) -> dict[str, Any]:
    """The one JSON block a companion page carries (data: read with JSON.parse, never run)."""
    return {
        "form": form, "forms": forms, "handbook": config.bundle_name, "crisis": crisis_json(config),
        "words": words_json(words), "quickExit": config.quick_exit, "plan": plan,
        "links": {"about": links.about, "pdf": links.pdf, "index": links.index, "crisis": links.crisis},
    }


def fill_body(homework: Homework, data: Mapping[str, Any], words: Words) -> str:
    """A fill page: what it is, what stays on the phone, the form (drawn by the script), the ways to
    send or keep an entry, and the controls for everything stored, each marked with its stable hook."""
    links = data["links"]
    about = [f'<a href="{escape(links["about"])}">{escape(words["companion.about"])}</a>'] if links["about"] else []
    if links["pdf"]:
        about.append(f'<a href="{escape(links["pdf"])}">{escape(words["companion.pdf"])}</a>')
    about.append(f'<a href="{escape(links["index"])}">{escape(words["companion.all_forms"])}</a>')
    parts = [
        f'<div class="sb-fill" data-fill="{escape(homework.id)}" data-type="{escape(homework.type)}">',
        f"<h1>{escape(homework.title)}</h1>",
        f'<p class="sb-fill-summary">{escape(homework.summary)}</p>',
        f'<p class="sb-fill-links">{" · ".join(about)}</p>',
        _no_script(words, links["pdf"]),
        _from_a_file(words, links["pdf"]),
        f'<p class="sb-fill-private">{escape(words["companion.private"])}</p>',
        '<div class="sb-fill-status" role="status" aria-live="polite"></div>',
        '<div class="sb-fill-lock" hidden></div>',
        '<section class="sb-fill-plan" hidden></section>',
        '<section class="sb-fill-entries" hidden></section>',
        # the coaching call outside the coach's hours: their "if no one answers" plan and the crisis lines first
        '<div class="sb-fill-coach-when" aria-live="polite"></div>' if homework.type == "coaching-card" else "",
        '<form class="sb-fill-form" hidden novalidate></form>',
        _send_section(homework, words),
        _remind_section(homework, words),
        _coach_section(homework, words),
        _data_section(words),
        _data_block(data),
        "</div>",
    ]
    return "\n".join(p for p in parts if p)


def index_body(data: Mapping[str, Any], words: Words) -> str:
    """The list of every form: what the therapist assigned first (drawn by the script), then all of
    them as plain links; and the controls for everything stored."""
    items = "".join(f'<li><a href="{escape(f["href"])}">{escape(f["title"])}</a> '
                    f'<span class="sb-fill-kind">{escape(words.named("type", f["type"]))}</span></li>'
                    for f in data["forms"])
    return "\n".join([
        '<div class="sb-fill sb-fill-home" data-fill="">',
        f"<h1>{escape(words['companion.home_title'])}</h1>",
        f'<p class="sb-fill-summary">{escape(words["companion.home_intro"])}</p>',
        _no_script(words, None),
        _from_a_file(words, None),
        f'<p class="sb-fill-private">{escape(words["companion.private"])}</p>',
        '<div class="sb-fill-status" role="status" aria-live="polite"></div>',
        '<div class="sb-fill-lock" hidden></div>',
        '<section class="sb-fill-assigned" hidden></section>',
        f'<h2 id="all-forms">{escape(words["companion.all_forms"])}</h2>',
        f'<ul class="sb-fill-list">{items}</ul>',
        _data_section(words),
        _data_block(data),
        "</div>",
    ])


def assign_body(data: Mapping[str, Any], words: Words, client_fill: str) -> str:
    """The clinician edition's page that makes an assignment link (drawn by `assign-page.js`): no
    account, no server; what is chosen travels in the link's fragment, which no browser sends."""
    return "\n".join([
        f'<div class="sb-assign" data-client="{escape(client_fill)}">',
        f"<h1>{escape(words['companion.assign.title'])}</h1>",
        f"<p>{escape(words['companion.assign.intro'])}</p>",
        _no_script(words, None),
        '<form class="sb-assign-form" hidden novalidate></form>',
        _data_block(data),
        "</div>",
    ])


def _no_script(words: Words, pdf: str | None) -> str:
    text = escape(words["companion.no_script"])
    if pdf:
        text += f' <a href="{escape(pdf)}">{escape(words["companion.pdf"])}</a>'
    return f'<noscript><p class="sb-fill-noscript">{text}</p></noscript>'


def _from_a_file(words: Words, pdf: str | None) -> str:
    """Shown by skillbook.js when the page was opened as a file: browsers refuse modules there."""
    text = escape(words["companion.from_file"])
    if pdf:
        text += f' <a href="{escape(pdf)}">{escape(words["companion.pdf"])}</a>'
    return f'<p class="sb-fill-file" hidden>{text}</p>'


def _button(hook: str, text: str, *, kind: str = "button") -> str:
    return f'<button type="{kind}" {hook}>{escape(text)}</button>'


def _send_section(homework: Homework, words: Words) -> str:
    buttons = [
        _button('data-export="text"', words["companion.send.text"]),
        _button('data-export="pdf"', words["companion.send.pdf"]),
        # the own card is the companion's own form: no Questionnaire in the bundle to answer
        *([] if homework.type == "own-card" else [_button('data-export="fhir"', words["companion.send.fhir"])]),
    ]
    return "\n".join([
        '<section class="sb-fill-send" hidden aria-labelledby="sb-send">',
        f'<h2 id="sb-send">{escape(words["companion.send.title"])}</h2>',
        f'<p>{escape(words["companion.send.intro"])}</p>',
        '<div class="sb-fill-buttons">', *buttons, "</div>",
        '<div class="sb-fill-text" hidden></div>',
        "</section>",
    ])


def _remind_section(homework: Homework, words: Words) -> str:
    if homework.frequency not in ("daily", "weekly"):
        return ""
    return "\n".join([
        '<section class="sb-fill-remind" hidden aria-labelledby="sb-remind">',
        f'<h2 id="sb-remind">{escape(words["companion.remind.title"])}</h2>',
        f'<p>{escape(words["companion.remind.intro"])}</p>',
        '<div class="sb-fill-row">',
        f'<label for="sb-remind-time">{escape(words["companion.remind.time"])}</label>',
        '<input id="sb-remind-time" type="time" value="19:00" required>',
        "</div>",
        *([] if homework.frequency == "daily" else [_weekday_choice(words)]),
        _button("data-reminder", words["companion.remind.download"]),
        f'<p class="sb-fill-note">{escape(words["companion.remind.apps"])}</p>',
        "</section>",
    ])


def _weekday_choice(words: Words) -> str:
    days = words.list("columns.week")
    options = "".join(f'<option value="{n}">{escape(day)}</option>' for n, day in enumerate(days, start=1))
    return (f'<div class="sb-fill-row"><label for="sb-remind-day">{escape(words["companion.remind.day"])}</label>'
            f'<select id="sb-remind-day">{options}</select></div>')


def _coach_section(homework: Homework, words: Words) -> str:
    if homework.type != "coaching-card":
        return ""
    return "\n".join([
        '<section class="sb-fill-coach" hidden aria-labelledby="sb-coach">',
        f'<h2 id="sb-coach">{escape(words["companion.coach.title"])}</h2>',
        '<p class="sb-fill-message" aria-live="polite"></p>',
        '<div class="sb-fill-buttons">',
        f'<a class="sb-button" data-send="sms" href="sms:">{escape(words["companion.coach.sms"])}</a>',
        _button('data-send="share"', words["companion.coach.share"]),
        "</div>",
        '<details class="sb-fill-coach-details">',
        f'<summary>{escape(words["companion.coach.details"])}</summary>',
        '<div class="sb-fill-coach-form"></div>',
        "</details>",
        "</section>",
    ])


def _data_section(words: Words) -> str:
    """Everything stored on this phone: passcode, backup, restore, delete; the same on every page."""
    return "\n".join([
        '<section class="sb-fill-data" hidden aria-labelledby="sb-data">',
        f'<h2 id="sb-data">{escape(words["companion.data.title"])}</h2>',
        f'<p>{escape(words["companion.data.intro"])}</p>',
        '<p class="sb-fill-persist"></p>',
        '<div class="sb-fill-buttons">',
        _button("data-passcode", words["companion.passcode.set"]),
        _button('data-export="backup"', words["companion.backup.save"]),
        f'<label class="sb-button sb-file">{escape(words["companion.backup.restore"])}'
        f'<input type="file" accept=".json,application/json" data-import="backup"></label>',
        _button("data-delete-all", words["companion.delete.button"]),
        "</div>",
        '<div class="sb-fill-dialog" hidden></div>',
        "</section>",
    ])


def _data_block(data: Mapping[str, Any]) -> str:
    # data, not code: JSON with `<`, `>` and `&` escaped, in a block the browser never runs
    return f'<script type="application/json" id="sb-companion">{inline_json(dict(data))}</script>'
