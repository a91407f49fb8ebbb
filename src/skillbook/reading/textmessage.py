"""A skill in, its text-message form out: the steps in one or two messages of at most 160 characters,
the cautions in one. Many clients prefer texting to calls; coaching-by-text and reminder features
send these as they are.

The form is made from the steps (`STOP: S Stop; T Take a step back; ...`) and the cautions when
they fit; where they do not, the author writes `text_message` in the skill's front matter, and
`skillbook validate` says so (and checks the lengths).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from skillbook.reading.models import Skill, TextMessage
from skillbook.reading.wording import Words, words_for

LIMIT = 160  # characters in one text message
MESSAGES = 2  # at most this many for the steps


@dataclass(frozen=True)
class TextProblem:
    path: tuple[str, ...]  # where in the front matter
    message: str
    hint: str


def _one_message(name: str, steps: Sequence[tuple[str, str]]) -> str:
    return f"{name}: " + "; ".join(f"{key} {label}".strip() for key, label in steps) + "."


def steps_form(name: str, steps: Sequence[tuple[str, str]], words: Words) -> tuple[str, ...] | None:
    """`steps`: (key, name) of each step; one or two messages, or None when they do not fit."""
    parts = [f"{key} {label}".strip() for key, label in steps]
    single = _one_message(name, steps)
    if len(single) <= LIMIT:
        return (single,)
    for cut in range(len(parts) - 1, 0, -1):
        first = words.format("text.part", name=name, part=1, parts=2, steps="; ".join(parts[:cut]) + ";")
        second = words.format("text.part", name=name, part=2, parts=2, steps="; ".join(parts[cut:]) + ".")
        if len(first) <= LIMIT and len(second) <= LIMIT:
            return first, second
    return None


def cautions_form(cautions: Sequence[str], words: Words) -> str | None:
    """All cautions in one message; "" when there are none, None when they do not fit."""
    if not cautions:
        return ""
    message = words.format("text.safety", cautions=" ".join(c.strip() for c in cautions))
    return message if len(message) <= LIMIT else None


def text_message(skill: Skill) -> TextMessage:
    """The skill's text-message form: the author's where written, made from the skill otherwise.
    Validation guarantees that one of the two exists for a published skill."""
    written = skill.text_message or TextMessage(())
    words = words_for(skill.language)
    steps = written.steps or steps_form(skill.acronym or skill.title, [(s.key, s.name) for s in skill.steps],
                                        words) or ()
    cautions = written.cautions or cautions_form(skill.all_cautions, words) or ""
    return TextMessage(tuple(steps), cautions)


def text_problems(title: str, acronym: str, steps: Sequence[dict[str, str]], cautions: Sequence[str],
                  written: dict[str, object] | None, language: str) -> list[TextProblem]:
    """Why a skill (front-matter values) has no text-message form within the limits."""
    words = words_for(language)
    problems = []
    written = written or {}
    if not written.get("steps"):
        parts = [(s.get("key", ""), s.get("name", "")) for s in steps]
        if steps_form(acronym or title, parts, words) is None:
            needed = len(_one_message(acronym or title, parts))
            problems.append(TextProblem(
                ("steps",), f"the steps are too long for {MESSAGES} text messages of {LIMIT} characters "
                            f"(they take {needed})",
                "add `text_message:` with `steps:`, one or two messages of at most 160 characters "
                "saying the steps in short form"))
    every = [*cautions, *(s["caution"] for s in steps if s.get("caution"))]
    if every and not written.get("cautions") and cautions_form(every, words) is None:
        problems.append(TextProblem(
            ("cautions",) if cautions else ("steps",),
            f"the cautions are too long for one text message of {LIMIT} characters",
            "add `cautions:` under `text_message:`: one message of at most 160 characters with the gist of "
            "every caution"))
    return problems
