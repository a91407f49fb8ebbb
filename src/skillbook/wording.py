"""Content objects in, the words readers see out: shared by the site, the worksheets and the bundle."""

from __future__ import annotations

import datetime as dt

from skillbook.models import Field

LEVEL_WORDS = {"foundation": "Foundation", "core": "Core", "advanced": "Advanced"}
HOMEWORK_TYPES = {"worksheet": "Worksheet", "diary-card": "Diary card", "practice-log": "Practice log",
                  "safety-plan": "Safety plan", "coaching-card": "Coaching call card"}
CARDS = {
    "module": "Print the {link}, to cut out and keep in a wallet or bag (PDF).",
    "module_link": "pocket cards of {module}",
    "every": "Print the {link}, to cut out and keep in a wallet or bag (PDF).",
    "every_link": "pocket cards of every skill",
    "own": " Or fill in {link} with your own steps (PDF).",
    "own_alone": "Fill in {link} with your own steps (PDF).",
    "own_link": "a blank card",
}
CHOOSER = {
    "how_strong": "How strong is the feeling or urge right now?",
    "band": "{low} to {high}: {label}",
    "what_is_happening": "What are you feeling, or what is happening?",
    "emotions": "Feeling:", "situations": "Happening:",
    "first": "First, if you are in danger or thinking of ending your life:",
    "crisis": "Crisis help", "plan": "My safety plan",
    "minutes": "(about {minutes} minutes)",
    "something_else": "Something else is happening",
    "start_again": "Choose again",
}
PAPER = {
    "crisis_title": "Crisis help",
    "crisis_intro": "If you are in danger or might hurt yourself, call your local emergency number now.",
    "emergency": "emergency", "or": "or", "call": "call", "text": "text", "to": "to",
    "own_line": "My therapist or coaching line:",
    "cautions": "Safety first:",
    "own_card": "My own card", "own_title": "Name of my skill", "own_step": "Step",
    "own_caution": "What to be careful about",
    "crisis_ref": " (see “Crisis help” on this sheet)",
    "skills_practised": "The skills on this sheet",
    "if_answer": "If {answer}:", "if_at_least": "If {value} or more:",
    "name": "Name", "number": "Number",
}
# the words the bundle's FHIR forms add around the author's, by content language (primary subtag)
FORM_WORDS = {"en": {"day": "Day", "name": "Name", "number": "Number"}}
FREQUENCY_WORDS = {"once": "Once", "daily": "Every day", "weekly": "Once a week", "as-needed": "Whenever it helps"}


def long_date(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def describe_field(field: Field) -> str:
    if field.type == "rating":
        text = f"a rating from {field.min:g} to {field.max:g}"
        if field.anchors:
            text += " (" + ", ".join(f"{point} = {word}" for point, word in field.anchors) + ")"
        return text
    if field.type in ("checklist", "choice"):
        verb = "tick any of" if field.type == "checklist" else "choose one of"
        return f"{verb}: " + "; ".join(o.label for o in field.options)
    if field.type == "grid":
        days = f"{field.columns[0]} to {field.columns[-1]}" if len(field.columns) > 1 else field.columns[0]
        scales = {describe_field(r) for r in field.rows}
        if len(scales) == 1:  # say the shared scale once, not once per row
            return f"a table for each of {days}, each entry {scales.pop()}: " + "; ".join(r.label for r in field.rows)
        rows = "; ".join(f"{r.label} ({describe_field(r)})" for r in field.rows)
        return f"a table for each of {days}: {rows}"
    if field.type == "number" and field.min is not None and field.max is not None:
        return f"a number from {field.min:g} to {field.max:g}"
    return {"text": "a short answer", "long_text": "a few sentences", "number": "a number",
            "yes_no": "yes or no", "date": "a date", "time": "a time"}.get(field.type, field.type)


def form_words(language: str) -> dict[str, str]:
    """FORM_WORDS for a content language such as `en-GB`; English until the language has its own."""
    return FORM_WORDS.get(language.split("-")[0].lower(), FORM_WORDS["en"])
