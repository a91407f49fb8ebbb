"""Content objects in, the words readers see out: shared by the site, the worksheets and the bundle."""

from __future__ import annotations

import datetime as dt

from skillbook.models import Field

LEVEL_WORDS = {"foundation": "Foundation", "core": "Core", "advanced": "Advanced"}
HOMEWORK_TYPES = {"worksheet": "Worksheet", "diary-card": "Diary card", "practice-log": "Practice log"}
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
