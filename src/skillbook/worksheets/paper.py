"""The configuration's crisis services and published skills in, what every printed sheet carries out
(HTML for WeasyPrint): the crisis box, a skill's safety notes before its steps, wallet-sized cards.

Paper has no link to follow: every worksheet, packet and card sheet prints the configured
emergency numbers and services itself, with a line for the reader's own therapist or coaching line.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from skillbook.reading.config import ProjectConfig
from skillbook.reading.models import Skill
from skillbook.reading.textmessage import text_message
from skillbook.reading.wording import Words, words_for

CARDS_PER_SHEET = 8  # 85 x 54 mm, two across and four down on A4 or letter, with the crisis box below


def crisis_box(config: ProjectConfig, w: Words) -> str:
    """Who to call or text now, as configured in _config.yml (skillbook.crisis), and a blank line;
    `w`: the words of the sheet's language."""
    lines = [f'<section class="crisis-box" aria-label="{escape(w["paper.crisis_title"])}">',
             f'<p class="crisis-title"><strong>{escape(w["paper.crisis_title"])}.</strong> '
             f'{escape(config.crisis_intro or w["paper.crisis_intro"])}</p>', '<ul class="crisis-regions">']
    for region in config.crisis_regions:
        services = "; ".join(_service(w, s.name, s.phone, s.text, s.text_keyword) for s in region.services)
        emergency = f' {escape(w["paper.or"])} '.join(escape(n) for n in region.emergency)
        lines.append(f"<li><strong>{escape(region.name)}</strong>: {escape(w['paper.emergency'])} {emergency}"
                     + (f"; {services}" if services else "") + "</li>")
    lines.append("</ul>")
    lines.append(f'<p class="own-line">{escape(w["paper.own_line"])} <span class="blank"></span></p></section>')
    return "\n".join(lines)


def _service(w: Words, name: str, phone: str, text: str, keyword: str) -> str:
    parts = [escape(name)]
    if phone:
        parts.append(f"{escape(w['paper.call'])} {escape(phone)}")
    if text:
        word = f"{escape(keyword)} {escape(w['paper.to'])} " if keyword else ""
        parts.append(f"{escape(w['paper.text'])} {word}{escape(text)}")
    return ", ".join(parts)


def skill_reminder(skill: Skill, w: Words, *, with_steps: bool) -> str:
    """A skill on paper: its safety notes first (its own, then each step's), then (if asked) its steps.
    Without the steps (a sheet of several skills) the notes are the short form of the text message."""
    lines = [f'<section class="skill-reminder"><p class="reminder-title"><strong>{escape(skill.title)}</strong></p>']
    if skill.all_cautions and not with_steps:
        lines.append(f'<p class="reminder-cautions">{escape(text_message(skill).cautions)}</p>')
    elif skill.all_cautions:
        lines.append(f'<div class="reminder-cautions"><p><strong>{escape(w["paper.cautions"])}</strong></p><ul>')
        lines += [f"<li>{escape(c)}</li>" for c in skill.cautions]
        lines += [f"<li>{escape(s.name)}: {escape(s.caution)}</li>" for s in skill.steps if s.caution]
        lines.append("</ul></div>")
    if with_steps:
        lines.append('<ol class="reminder-steps">')
        lines += [f"<li>{escape(_step_label(s.key, s.name))}</li>" for s in skill.steps]
        lines.append("</ol>")
    lines.append("</section>")
    return "\n".join(lines)


def _step_label(key: str, name: str) -> str:
    return f"{key} – {name}" if key else name


def pocket_card(skill: Skill) -> str:
    """One wallet-sized card: the skill's cautions first, then its steps, in text-message form."""
    form = text_message(skill)
    steps = "".join(f"<li>{escape(_step_label(s.key, s.name))}</li>" for s in skill.steps)
    caution = f'<p class="card-caution"><strong>!</strong> {escape(form.cautions)}</p>' if form.cautions else ""
    return (f'<div class="pocket-card"><p class="card-title">{escape(skill.title)}</p>{caution}'
            f'<ol class="card-steps">{steps}</ol></div>')


def my_own_card(name: str, language: str) -> str:
    """A fillable card for the reader's own steps (form fields named `my-card:...`)."""
    w = words_for(language)
    rows = "".join(f'<li><input type="text" name="my-card:step-{n}" title="{escape(w["paper.own_step"])} {n}" '
                   'class="card-line"></li>' for n in range(1, 6))
    return (f'<div class="pocket-card own-card"><p class="card-title">{escape(w["paper.own_card"])}</p>'
            f'<p><input type="text" name="{escape(name)}:title" title="{escape(w["paper.own_title"])}" '
            'class="card-line">'
            f'</p><ol class="card-steps">{rows}</ol>'
            f'<p class="card-caution"><strong>!</strong> <input type="text" name="{escape(name)}:caution" '
            f'title="{escape(w["paper.own_caution"])}" class="card-line short"></p></div>')


def card_sheets(skills: Sequence[Skill], config: ProjectConfig, *, own_card: bool) -> list[str]:
    """The sheets of cards (HTML of each page's content), every sheet with the crisis box."""
    cards = [pocket_card(s) for s in skills]
    if own_card:
        cards.append(my_own_card("my-card", config.language))
    sheets = []
    for start in range(0, max(len(cards), 1), CARDS_PER_SHEET):
        chunk = "".join(cards[start:start + CARDS_PER_SHEET])
        box = crisis_box(config, words_for(config.language))
        sheets.append(f'<section class="card-sheet"><div class="cards">{chunk}</div>{box}</section>')
    return sheets
