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
    "site.fill": "Fill in “{title}” on this phone (kept on the phone, sent only if you choose)",
    "site.fill_short": "fill in on this phone", "pocket.fill": "Fill in “{title}” on this phone",
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
    # the companion: forms filled on the phone, kept on it, sent only when the client chooses
    "companion.quick_exit": "Quick exit",
    "companion.about": "About this form", "companion.pdf": "Printable PDF", "companion.all_forms": "All my forms",
    "companion.no_script": "Filling this in on your phone needs JavaScript, which is switched off. You can print "
                           "the form and fill it in on paper:",
    "companion.private": "What you write here stays on this phone. Nothing is sent anywhere unless you send it.",
    "companion.unavailable": "This browser does not let the handbook keep anything here (a private window does "
                             "this in some browsers). Open the handbook in a normal window to fill it in, or print "
                             "the form.",
    "companion.own.locked": "Your own card is locked with your passcode: open it.",
    "companion.from_file": "This page was opened as a file, and browsers do not let a file keep what you write. "
                           "Open the handbook from its web address (or with skillbook serve) to fill it in here, or "
                           "print the form:",
    "companion.home_title": "My forms", "companion.home_intro": "Your worksheets, diary card and safety plan, "
                                                                "to fill in on this phone.",
    "companion.assigned": "This week's homework", "companion.assigned_by": "Set up by {name}",
    "companion.entries": "What I have filled in", "companion.entries_none": "Nothing filled in yet.",
    "companion.new_entry": "Start a new one", "companion.open_entry": "Open",
    "companion.delete_entry": "Delete this one", "companion.delete_entry_confirm": "Delete this entry from this phone?",
    "companion.saved": "Saved on this phone.",
    "companion.saved_at": "Saved on this phone at {time}.",
    "companion.not_saved": "Could not save on this phone: {reason}",
    "companion.editing": "Filling in: {date}",
    "companion.gone": "(no longer on this form)", "companion.gone_field": "An answer to a question no longer on "
                                                                       "this form",
    "companion.older_version": "Made with an earlier version of this form ({version}).",
    "companion.yes": "Yes", "companion.no": "No", "companion.unanswered": "Not answered",
    "companion.write_in_name": "What is it?",
    "companion.contact_name": "Name", "companion.contact_number": "Phone number",
    "companion.call": "Call {name}", "companion.text": "Text {name}",
    "companion.required": "(needed)",
    # the diary card, one day at a time
    "companion.day.today": "Today", "companion.day.previous": "Day before", "companion.day.next": "Day after",
    "companion.week": "Week starting {date}",
    "companion.week.view": "The whole week", "companion.week.day": "Fill in {day}",
    "companion.more_rows": "More rows ({count})",
    # sending and keeping
    "companion.send.title": "Send or keep", "companion.send.intro": "Only you can send this. Choose how:",
    "companion.send.text": "Send as a text message", "companion.send.pdf": "Print or save as PDF",
    "companion.send.fhir": "Download for a clinic system (FHIR)", "companion.send.copy": "Copy the text",
    "companion.send.copied": "Copied.", "companion.send.share": "Share…", "companion.send.sms": "Open in Messages",
    # the safety plan and the client's own card, as the client reads them
    "companion.plan.edit": "Change my plan",
    "companion.plan.none": "You have not made a safety plan on this phone yet. It takes about half an hour, on a "
                           "calmer day. Start below.",
    "companion.plan.emergency": "Emergency: {number}",
    "companion.own.name": "Name of my card", "companion.own.from": "I use this card when it is at or above",
    "companion.own.calm": "Calm", "companion.own.strongest": "As strong as it gets",
    "companion.own.step": "What I will do: step {n}", "companion.own.then": "If it is still as strong after "
                                                                          "20 minutes, I will contact",
    "companion.own.then_help": "A person or service, and their number.",
    "companion.own.summary": "The plan you make with your therapist for when it gets strong: what you will do, in "
                             "order, and who you will contact.",
    "companion.own.at": "At {level} or more:", "companion.own.open": "My own card",
    # the coaching call
    "companion.coach.title": "Message to my coach", "companion.coach.sms": "Send by text message",
    "companion.coach.share": "Share…", "companion.coach.details": "My coach's details (kept on this phone)",
    "companion.coach.name": "Coach's name", "companion.coach.number": "Coach's number",
    "companion.coach.from": "Can be reached from", "companion.coach.to": "until",
    "companion.coach.days": "On these days", "companion.coach.fallback": "If no one answers, I will",
    "companion.coach.save": "Keep these details",
    "companion.coach.invalid": "Add your coach's name, and a phone number of digits (spaces, brackets, dashes and "
                               "a + are fine).",
    "companion.coach.outside": "It is outside your coach's hours ({hours}). Your plan:",
    "companion.coach.no_coach": "Add your coach's number below to send this to them.",
    # the message, part by part, keyed by the coaching card's field ids (a field without one: its bare answer)
    "companion.message.how-strong": "At {value}", "companion.message.urge": "Urge: {value}",
    "companion.message.tried": "Tried {value}", "companion.message.need": "Need: {value}",
    "companion.date_line": "Date: {date}",
    # reminders
    "companion.remind.title": "Remind me", "companion.remind.intro": "Add a reminder to your phone's calendar. "
                                                                     "Nothing is sent anywhere: you download a "
                                                                     "file and open it.",
    "companion.remind.time": "At", "companion.remind.day": "On", "companion.remind.download": "Add to my calendar",
    "companion.remind.alarm": "Time for {title}",
    "companion.remind.apps": "The reminder sounds in Apple Calendar (iPhone) and in Outlook. Google Calendar "
                             "imports the event but uses its own default notification, so check it after adding.",
    # everything stored on this phone
    "companion.data.title": "What is kept on this phone",
    "companion.data.intro": "Your answers are kept in this browser on this phone only. A browser can forget them: "
                            "if you clear its data, or, on an iPhone, when the handbook has not been opened for 7 "
                            "days and is not on your home screen. To keep them, add the handbook to your home "
                            "screen, and save a backup now and then.",
    "companion.persist.yes": "This browser has agreed to keep your answers until you delete them.",
    "companion.persist.no": "This browser may clear your answers when the phone runs short of space. Add the "
                            "handbook to your home screen, and save a backup.",
    "companion.passcode.set": "Set a passcode", "companion.passcode.change": "Remove the passcode",
    "companion.passcode.enter": "Unlock", "companion.passcode.label": "Passcode",
    "companion.passcode.again": "The same passcode again",
    "companion.passcode.warning": "With a passcode, what you write is locked on this phone. If you forget the "
                                  "passcode, nobody can open your answers, not even you: you would have to delete "
                                  "everything and start again.",
    "companion.passcode.locked": "Your answers are locked. Enter your passcode to open them.",
    "companion.passcode.wrong": "That passcode does not open them. Try again.",
    "companion.passcode.mismatch": "The two passcodes are not the same.",
    "companion.passcode.short": "Use at least 4 characters.",
    "companion.passcode.done": "Passcode set. Your answers are locked on this phone.",
    "companion.passcode.removed": "Passcode removed.",
    "companion.passcode.lock": "Lock now", "companion.passcode.forgot": "Forgot it? Delete everything and start again.",
    "companion.backup.save": "Save a backup file", "companion.backup.restore": "Restore from a backup file",
    "companion.backup.unprotected": "The backup file is not locked with your passcode: keep it somewhere private.",
    "companion.backup.found": "This backup holds {count} entries: {added} new, {same} already here, {conflicts} "
                              "different from what is here.",
    "companion.backup.restore_new": "Add the new ones", "companion.backup.replace": "Also replace the different ones "
                                                                                   "with the backup's",
    "companion.backup.restored": "Restored {count} entries.", "companion.backup.nothing": "Nothing to restore.",
    "companion.backup.too_big": "This file is too big to be a backup from this handbook. Nothing was changed.",
    "companion.backup.not_json": "This file is not a backup: it could not be read. Nothing was changed.",
    "companion.backup.not_backup": "This file is not a backup from this handbook. Nothing was changed.",
    "companion.backup.newer": "This backup was made by a newer version of the handbook. Update the page and try "
                              "again. Nothing was changed.",
    "companion.backup.other_handbook": "This backup is from a different handbook. Nothing was changed.",
    "companion.backup.damaged": "This backup is damaged, so none of it was restored. Nothing was changed.",
    "companion.delete.button": "Delete everything on this phone",
    "companion.delete.confirm": "Delete every answer, your plan, your settings and your passcode from this phone? "
                                "This cannot be undone.",
    "companion.delete.yes": "Delete everything", "companion.cancel": "Cancel",
    "companion.delete.done": "Everything has been deleted from this phone.",
    # assignment links from the therapist
    "companion.assign.title": "Make an assignment link",
    "companion.assign.intro": "Choose this week's homework, the diary card rows your client tracks and your "
                              "coaching details. The link carries all of it after the # sign, which browsers never "
                              "send to any server; nothing is stored anywhere but on your client's phone.",
    "companion.assign.forms": "This week's worksheets", "companion.assign.rows": "Diary card rows to track",
    "companion.assign.name_row": "Name for “{label}”", "companion.assign.coach": "Coaching contact",
    "companion.assign.from": "Your name, as the client knows you", "companion.assign.make": "Make the link",
    "companion.assign.link": "The link to send", "companion.assign.copy": "Copy the link",
    "companion.assign.client_address": "Address of the client handbook",
    "companion.assign.offer": "{name} has set up your companion. This will set:",
    "companion.assign.offer_anon": "This link sets up your companion. It will set:",
    "companion.assign.forms_set": "Homework: {forms}", "companion.assign.rows_set": "Diary card rows: {rows}",
    "companion.assign.coach_set": "Coach: {name}, {number}", "companion.assign.accept": "Set it up",
    "companion.assign.done": "Set up.",
    "companion.assign.damaged": "This assignment link is damaged or incomplete. Nothing was set.",
    "companion.assign.unknown": "This assignment link names forms or rows this handbook does not have. Nothing "
                                "was set.",
    "companion.assign.newer": "This assignment link was made by a newer version of the handbook. Nothing was set.",
    "companion.assign.too_big": "This assignment link is too long. Nothing was set.",
    "companion.assign.invalid": "This cannot go into a link: check that the coach's number is a phone number "
                                "and that the names are not empty or longer than 200 characters.",
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
