"""A content language in, the words skillbook adds around the author's out: one table per language.

Every word the site, the worksheets, the cards and the bundle generate (labels, notes, form
texts, day and month names) comes from `WORDS`, keyed by the primary language subtag of the
content (`en-GB` reads `en`). A translation is one more table with the same keys; until a language
has one, its content is framed in English.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from skillbook.reading.models import Citation, Field

Phrase = str | tuple[str, ...]

EN: dict[str, Phrase] = {
    # levels, homework types and how often, as readers see them
    "level.foundation": "Foundation", "level.core": "Core", "level.advanced": "Advanced",
    "type.worksheet": "Worksheet", "type.diary-card": "Diary card", "type.practice-log": "Practice log",
    "type.safety-plan": "Safety plan", "type.coaching-card": "Coaching call card",
    "frequency.once": "Once", "frequency.daily": "Every day", "frequency.weekly": "Once a week",
    "frequency.as-needed": "Whenever it helps",
    "months": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December"),
    "columns.week": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    # the site: pocket-card links and the chooser
    "cards.module": "Print the {link}, to cut out and keep in a wallet or bag (PDF).",
    "cards.module_link": "pocket cards of {module}",
    "cards.every": "Print the {link}, to cut out and keep in a wallet or bag (PDF).",
    "cards.every_link": "pocket cards of every skill",
    "cards.own": " Or fill in {link} with your own steps (PDF).",
    "cards.own_alone": "Fill in {link} with your own steps (PDF).",
    "cards.own_link": "a blank card",
    "chooser.how_strong": "How strong is the feeling or urge right now?",
    "chooser.band": "{low} to {high}: {label}",
    "chooser.what_is_happening": "What are you feeling, or what is happening?",
    "chooser.emotions": "Feeling:", "chooser.situations": "Happening:",
    "chooser.first": "First, if you are in danger or thinking of ending your life:",
    "chooser.crisis": "Crisis help", "chooser.plan": "My safety plan",
    "chooser.minutes": "(about {minutes} minutes)",
    "chooser.something_else": "Something else is happening",
    "chooser.start_again": "Choose again",
    # paper: worksheets, packets and cards
    "paper.crisis_title": "Crisis help",
    "paper.crisis_intro": "If you are in danger or might hurt yourself, call your local emergency number now.",
    "paper.emergency": "emergency", "paper.or": "or", "paper.call": "call", "paper.text": "text", "paper.to": "to",
    "paper.own_line": "My therapist or coaching line:",
    "paper.cautions": "Safety first:",
    "paper.own_card": "My own card", "paper.own_title": "Name of my skill", "paper.own_step": "Step",
    "paper.own_caution": "What to be careful about",
    "paper.crisis_ref": " (see “Crisis help” on this sheet)",
    "paper.skills_practised": "The skills on this sheet",
    "paper.instructions": "How to use this worksheet",
    "paper.cards_of": "{title}: pocket cards", "paper.packet_of": "{title}: worksheets and logs",
    "paper.how_often": "How often: {frequency}",
    "paper.minutes": "About {minutes} minutes",
    "paper.skills": "Skills: {skills}",
    "paper.status": "Version {version}, updated {date}.",
    "paper.unreviewed": " Not yet clinically reviewed.",
    "paper.yes": "Yes", "paper.no": "No",
    "paper.tick_any": " (tick all that apply)", "paper.choose_one": " (choose one)",
    "paper.tick_if_yes": "Y for yes, N for no", "paper.a_word": "a word or two",
    "paper.y": "Y", "paper.n": "N", "paper.write_in": "write in which",
    "paper.scale": "Scale: {scale}.",
    "paper.if_yes": "If yes:", "paper.if_no": "If no:", "paper.if_answer": "If “{answer}”:",
    "paper.name": "Name", "paper.number": "Number",
    # how a field is answered, in words (site, screen readers, the bundle's text)
    "describe.rating": "a rating from {low} to {high}",
    "describe.anchor": "{point} = {word}",
    "describe.checklist": "tick any of: {options}", "describe.choice": "choose one of: {options}",
    "describe.days": "{first} to {last}",
    "describe.grid_shared": "a table for each of {days}, each entry {scale}: {rows}",
    "describe.grid": "a table for each of {days}: {rows}",
    "describe.range": "a number from {low} to {high}",
    "describe.text": "a short answer", "describe.long_text": "a few sentences", "describe.number": "a number",
    "describe.yes_no": "yes or no", "describe.date": "a date", "describe.time": "a time",
    "describe.contacts": "names and numbers",
    "describe.if_yes": "only if the answer to “{field}” is yes",
    "describe.if_no": "only if the answer to “{field}” is no",
    "describe.if_answer": "only if the answer to “{field}” is “{answer}”",
    # the site's summary cards, module pages and review footers
    "site.module": "Module", "site.acronym": "Acronym", "site.level": "Level", "site.practice_time": "Practice time",
    "site.about_minutes": "about {minutes} minutes", "site.when_to_use": "When to use it", "site.steps": "Steps",
    "site.pocket_card": "Pocket card", "site.pocket_card_note": " – the steps on one screen, to keep on your phone",
    "site.worksheets": "Worksheets", "site.related": "Related skills", "site.caution": "Caution: ",
    "site.feelings": "Feelings", "site.situations": "Situations",
    "site.type": "Type", "site.how_often": "How often", "site.time": "Time",
    "site.download": "Download the printable, fillable PDF of “{title}”",
    "site.practises": "Skills it practises", "site.form_asks": "What the form asks", "site.required": " (required)",
    "site.not_reviewed": "Not yet clinically reviewed. ",
    "site.not_reviewed_text": "No clinician has reviewed this page yet. Use it together with your treatment team, "
                              "and ask them about anything that does not fit you.",
    "site.reviewed": "Last clinically reviewed on {date} by {reviewers}. Next review due {due}.",
    "site.review_overdue": "Review overdue. ",
    "site.review_overdue_text": "Last clinically reviewed on {date} by {reviewers}. The next review was due on "
                                "{due} and has not happened yet, so parts of this page may be out of date. Use it "
                                "together with your treatment team.",
    "site.version": "Version {version} · updated {date}",
    "site.sources": "Adapted from {sources}.",
    "cite.edition": "{edition} edition", "cite.and": "; ",
    "site.draft": "Draft preview. ",
    "site.draft_text": "This page is a draft: it is not published and readers cannot see it.",
    "site.module_skills": "Skills in this module", "site.module_homework": "Worksheets and logs",
    "site.packet_link": "all worksheets and logs of {module}", "site.packet": "Print them all at once: {link} (PDF).",
    "site.for_clinicians": "For clinicians",
    # the clinician edition's review-status page
    "reviews.title": "Clinical review status",
    "reviews.intro": "Every published page, the most urgent first. Each page is reviewed by a clinician at least "
                     "every {years} years; a review counts as due when it falls within {days} days.",
    "reviews.overdue": "Overdue", "reviews.unreviewed": "Never clinically reviewed",
    "reviews.due": "Due soon", "reviews.current": "Current",
    "reviews.page": "Page", "reviews.kind": "Kind", "reviews.reviewed_on": "Last reviewed",
    "reviews.reviewed_by": "Reviewed by", "reviews.due_on": "Next review due",
    # a skill's pocket page: one phone screen
    "pocket.title": "{title}: pocket card", "pocket.caution": "Caution", "pocket.every_note": "Every safety note",
    "pocket.see_caution": "(see the caution above)", "pocket.how": "How to do each step",
    "pocket.as_text": "As a text message", "pocket.whole_skill": "The whole skill",
    "pocket.pdf": "Printable pocket cards (PDF)",
    # the site's page of changes since the previous release
    "changes.not_compared": "This is version {version}. It was not compared with an earlier release, so no changes "
                            "are listed.",
    "changes.compared": "Version {version}, compared with version {previous}: {level}.",
    "changes.nothing": "Nothing a reader or an app can see has changed.",
    "level_of_change.none": "no changes", "level_of_change.patch": "wording only",
    "level_of_change.minor": "additions", "level_of_change.major": "changes that apps must handle",
    "kind.module": "Module", "kind.skill": "Skill", "kind.homework": "Worksheet",
    "change.added": "added", "change.removed": "removed", "change.retired": "retired",
    "change.unretired": "brought back", "change.renamed": "renamed", "change.changed": "changed",
    # the bundle's FHIR forms and text messages
    "form.day": "Day", "form.column": "Column", "form.write_in": "{label}: which one?",
    "form.licensed": "Licensed under {title}", "form.licensed_named": "Licensed under {title} ({name}), {url}",
    "form.name": "Name", "form.number": "Number",
    "text.safety": "Safety: {cautions}",
    "text.part": "{name} ({part}/{parts}): {steps}",
}
WORDS: dict[str, Mapping[str, Phrase]] = {"en": EN}


@dataclass(frozen=True)
class Words:
    """The generated words of one content language."""

    language: str
    table: Mapping[str, Phrase]

    def __getitem__(self, key: str) -> str:
        value = self.table[key]
        if not isinstance(value, str):
            raise TypeError(f"wording `{key}` is a list; read it with .list()")
        return value

    def list(self, key: str) -> tuple[str, ...]:
        value = self.table[key]
        return (value,) if isinstance(value, str) else value

    def format(self, key: str, **values: object) -> str:
        return self[key].format(**values)

    def named(self, group: str, key: str) -> str:
        """A level, homework type or frequency in words (the key itself when the table has none)."""
        value = self.table.get(f"{group}.{key}")
        return value if isinstance(value, str) else key

    def long_date(self, day: dt.date) -> str:
        return f"{day.day} {self.list('months')[day.month - 1]} {day.year}"

    def citation(self, source: Citation) -> str:
        """A source as a reader would cite it: `Marsha M. Linehan, DBT Skills Training Manual, 2nd edition
        (Guilford Press, 2015), Chapter 10`."""
        published = ", ".join(p for p in (source.publisher, str(source.year or "")) if p)
        title = source.title + (", " + self.format("cite.edition", edition=source.edition) if source.edition else "")
        parts = [p for p in (source.authors, title + (f" ({published})" if published else ""), source.locator) if p]
        return ", ".join(parts)

    def describe_field(self, field: Field) -> str:
        """How a field is answered, in words: `a rating from 0 to 5 (0 = None, 5 = Very strong)`."""
        if field.type == "rating":
            text = self.format("describe.rating", low=f"{field.min:g}", high=f"{field.max:g}")
            if field.anchors:
                anchors = (self.format("describe.anchor", point=p, word=w) for p, w in field.anchors)
                text += " (" + ", ".join(anchors) + ")"
            return text
        if field.type in ("checklist", "choice"):
            return self.format(f"describe.{field.type}", options="; ".join(o.label for o in field.options))
        if field.type == "grid":
            labels = [c.label for c in field.columns]
            days = self.format("describe.days", first=labels[0], last=labels[-1]) if len(labels) > 1 else labels[0]
            scales = {self.describe_field(r) for r in field.rows}
            if len(scales) == 1:  # say the shared scale once, not once per row
                return self.format("describe.grid_shared", days=days, scale=scales.pop(),
                                   rows="; ".join(r.label for r in field.rows))
            rows = "; ".join(f"{r.label} ({self.describe_field(r)})" for r in field.rows)
            return self.format("describe.grid", days=days, rows=rows)
        if field.type == "number" and field.min is not None and field.max is not None:
            return self.format("describe.range", low=f"{field.min:g}", high=f"{field.max:g}")
        return self.named("describe", field.type)

    def condition(self, field: Field, asked: Field | None) -> str:
        """`show_if` in words, for the site: "only if the answer to “Did I act on it?” is yes"."""
        return self._show_if("describe", field, asked)

    def if_answer(self, field: Field, asked: Field | None) -> str:
        """`show_if` on paper, before the field's label: "If yes:"."""
        return self._show_if("paper", field, asked)

    def _show_if(self, surface: str, field: Field, asked: Field | None) -> str:
        if field.show_if is None or asked is None:
            return ""
        answer = field.show_if.answer
        if isinstance(answer, bool):
            return self.format(f"{surface}.if_yes" if answer else f"{surface}.if_no", field=asked.label)
        return self.format(f"{surface}.if_answer", field=asked.label, answer=asked.option_label(answer))


def words_for(language: str) -> Words:
    """The words of a content language such as `en-GB`; English until the language has its own."""
    primary = language.split("-")[0].lower()
    return Words(primary if primary in WORDS else "en", WORDS.get(primary, EN))
