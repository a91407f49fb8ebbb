"""The shipped handbook itself: enough skills and homework, the required shapes, plain language."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from conftest import REPO
from skillbook.checking.validate import validate
from skillbook.reading.editions import split_clinician_notes
from skillbook.reading.models import Handbook, Homework
from skillbook.reading.project import load_project
from skillbook.reading.richtext import render_body

CORE_MODULES = ("mindfulness", "distress-tolerance", "emotion-regulation", "interpersonal-effectiveness")


@pytest.fixture(scope="module")
def handbook() -> Handbook:
    result = validate(load_project(REPO), strict=True)
    assert result.ok, result.issues
    return result.handbook


def test_counts_do_not_shrink(handbook: Handbook) -> None:
    modules = {m.id for m in handbook.modules if m.is_published}
    assert set(CORE_MODULES) <= modules
    skills = [s for s in handbook.skills if s.is_published]
    assert len(skills) >= 32
    per_module = Counter(s.module for s in skills)
    assert all(per_module[m] >= 6 for m in CORE_MODULES), per_module
    homework = [h for h in handbook.homework if h.is_published]
    assert len(homework) >= 14
    assert {h.module for h in homework} >= set(CORE_MODULES)


def test_most_skills_link_a_worksheet_or_log(handbook: Handbook) -> None:
    skills = [s for s in handbook.skills if s.is_published]
    assert sum(1 for s in skills if s.worksheets) / len(skills) >= 0.6


def test_skill_bodies_are_300_to_700_words_in_plain_language(handbook: Handbook) -> None:
    for skill in (s for s in handbook.skills if s.is_published):
        client_body, _ = split_clinician_notes(skill.body)  # what clients read
        text = render_body(client_body, source_path=skill.source_path).text
        words = re.findall(r"[A-Za-z’']+", text)
        assert 300 <= len(words) <= 700, (skill.id, len(words))
        assert reading_grade(text) <= 9.0, (skill.id, reading_grade(text))


def test_clinician_notes_on_at_least_ten_skills(handbook: Handbook) -> None:
    assert sum(1 for s in handbook.skills if s.is_published and split_clinician_notes(s.body)[1]) >= 10


def test_physical_techniques_carry_cautions(handbook: Handbook) -> None:
    tipp = next(s for s in handbook.skills if s.id == "tipp")
    cautions = " ".join(tipp.cautions).lower()
    assert "cold" in cautions and "exercise" in cautions and "doctor" in cautions


def test_weekly_diary_card_shape(handbook: Handbook) -> None:
    card: Homework = next(h for h in handbook.homework if h.type == "diary-card" and h.frequency == "daily")
    grids = {f.id: f for f in card.fields if f.type == "grid"}
    assert all(len(g.columns) == 7 for g in grids.values())
    scales = {(r.type, r.min, r.max) for g in grids.values() for r in g.rows}
    assert ("rating", 0, 10) in scales and ("rating", 0, 7) in scales and ("yes_no", None, None) in scales
    labels = " ".join(f.label.lower() for f in card.fields)
    assert "urge" in labels and "emotion" in labels and "skill" in labels and "action" in labels
    assert any(f.type == "long_text" for f in card.fields)


def test_book_pages_exist() -> None:
    for page in ("index", "how-to-use", "crisis", "glossary", "authoring", "find-a-skill"):
        assert (REPO / "content" / f"{page}.md").is_file(), page


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade level with a simple syllable count: a guard, not a precise measure."""
    sentences = max(1, len(re.findall(r"[.!?]+(\s|$)", text)))
    words = re.findall(r"[A-Za-z]+", text)
    syllables = sum(_syllables(w) for w in words)
    return 0.39 * len(words) / sentences + 11.8 * syllables / max(1, len(words)) - 15.59


def _syllables(word: str) -> int:
    word = word.lower()
    groups = re.findall(r"[aeiouy]+", word)
    count = len(groups) - (1 if word.endswith("e") and not word.endswith(("le", "ee")) and len(groups) > 1 else 0)
    return max(1, count)
