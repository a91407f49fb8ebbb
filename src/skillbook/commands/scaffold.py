"""A kind, an id and a module in, a new content file out that validates as written (as a draft)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from skillbook.errors import ConfigError
from skillbook.reading.project import Project
from skillbook.reading.vocabulary import SLUG

_SKILL = """\
---
id: {id}
title: {title}
summary: One plain sentence saying what this skill helps with.
status: draft
version: 0.1.0
updated: {today}
language: en
authors: [Your Name]
module: {module}
level: core
practice_minutes: 5
steps:
  - id: first-step
    name: First step
    prompt: What to do first, in one short sentence.
  - id: second-step
    name: Second step
    prompt: What to do next.
when_to_use:
  - A moment when this skill helps, in the reader's words.
tags:
  emotions: []
  situations: []
worksheets: []
related: []
# cautions: [A safety note, e.g. for physical techniques.]
# sources: [{{title: ..., authors: ..., year: 2015, publisher: ...}}]
---

Say what the skill is and why it helps, in plain words (about a grade-8 reading level).
Write in your own words; cite published sources under `sources:` instead of copying them.

## Everyday example

Describe an ordinary moment where someone uses the skill, step by step.

## Common obstacles

Name what often gets in the way, and what to try instead.

## Practice

1. A short practice of a few minutes.
2. What to notice afterwards.
"""

_WORKSHEET = """\
---
id: {id}
title: {title}
summary: One plain sentence saying what this worksheet is for.
status: draft
version: 0.1.0
updated: {today}
language: en
authors: [Your Name]
type: worksheet
module: {module}
skills: []
frequency: as-needed
estimated_minutes: 10
fields:
  - id: situation
    label: What happened?
    type: long_text
    required: true
  - id: intensity
    label: How strong was the feeling?
    type: rating
    min: 0
    max: 5
    anchors: {{0: Not at all, 5: As strong as it gets}}
    required: false
  - id: next-time
    label: What will I try next time?
    type: text
    required: false
---

## How to use this worksheet

Say when to fill this in, how long it takes, and what to bring to the next session.
"""

TEMPLATES = {"skill": _SKILL, "worksheet": _WORKSHEET}


def new_item(project: Project, kind: str, item_id: str, module: str, *, today: dt.date | None = None) -> Path:
    """Write the template; refuses to overwrite and to name a module that does not exist."""
    if kind not in TEMPLATES:
        raise ConfigError(f"cannot create a `{kind}`; choose one of: {', '.join(TEMPLATES)}")
    if not SLUG.fullmatch(item_id):
        raise ConfigError(f"`{item_id}` is not a valid id: use lowercase letters, digits and hyphens, "
                          "e.g. `check-the-facts`")
    module_index = project.skills_dir / module / "index.md"
    if not SLUG.fullmatch(module) or not module_index.is_file():
        known = sorted(p.parent.name for p in project.skills_dir.glob("*/index.md"))
        raise ConfigError(f"module `{module}` does not exist (no {project.relative(module_index)}); "
                          f"known modules: {', '.join(known) or 'none'}")
    if kind == "skill":
        target = project.skills_dir / module / f"{item_id}.md"
    else:
        target = project.homework_dir / f"{item_id}.md"
    if target.exists():
        raise ConfigError(f"{project.relative(target)} already exists; choose another id")
    target.parent.mkdir(parents=True, exist_ok=True)
    title = item_id.replace("-", " ").capitalize()
    text = TEMPLATES[kind].format(id=item_id, title=title, module=module,
                                  today=(today or dt.date.today()).isoformat())
    target.write_text(text, encoding="utf-8")
    return target
