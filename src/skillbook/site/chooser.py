"""The handbook, its tag words and intensity bands in, "What can I do right now?" out: for how strong a
feeling or urge is and what the reader feels or what is happening, the 3 to 5 skills that fit best.

The ranking comes from the skills' own metadata, nothing else:
1. skills tagged with the word that suit the band (`intensity`), best fit first (the order of a
   skill's `intensity` list); at the top band quicker skills first (`practice_minutes`); then
   foundation before core before advanced; then by title;
2. fewer than three? skills that suit the band without the tag fill the list up to three, then
   skills with the tag that suit other bands;
3. at most five.
At the top band, and for words marked `crisis_first` (thoughts of suicide, a crisis, hopelessness),
crisis help and the reader's safety plan come before any skill. A skill without `intensity`
suits the `low` and `medium` bands.
"""

from __future__ import annotations

from dataclasses import dataclass

from skillbook.reading.models import LEVEL_RANK, Handbook, Homework, Skill
from skillbook.reading.vocabulary import Band, Term

MOST = 5
FEWEST = 3
TOP = "high"


@dataclass(frozen=True)
class Choice:
    """One answer: a band and a word, and what to try, best first."""

    band: Band
    kind: str  # emotions | situations
    term: Term
    crisis_first: bool
    skills: tuple[Skill, ...]


def rank(handbook: Handbook, band: Band, kind: str, term: Term) -> Choice:
    published = [s for s in handbook.skills if s.is_published]
    suits = [s for s in published if band.id in s.intensity]

    def order(skill: Skill) -> tuple[int, int, int, str, str]:
        quick = skill.practice_minutes if band.id == TOP else 0
        return (skill.intensity.index(band.id), quick, LEVEL_RANK.get(skill.level, 9), skill.title.casefold(), skill.id)

    tagged = [s for s in published if term.id in getattr(s, kind)]
    chosen = sorted((s for s in tagged if s in suits), key=order)[:MOST]
    if len(chosen) < FEWEST:
        chosen += [s for s in sorted(suits, key=order) if s not in chosen][:FEWEST - len(chosen)]
    if len(chosen) < FEWEST:
        others = sorted((s for s in tagged if s not in chosen), key=lambda s: (LEVEL_RANK.get(s.level, 9), s.title))
        chosen += others[:FEWEST - len(chosen)]
    return Choice(band, kind, term, band.id == TOP or term.crisis_first, tuple(chosen))


def choices(handbook: Handbook, terms: dict[str, tuple[Term, ...]], bands: tuple[Band, ...]) -> list[Choice]:
    """Every band (strongest first) and every word some published skill is tagged with (or that
    leads to crisis help), in the vocabulary's order."""
    published = [s for s in handbook.skills if s.is_published]
    found = []
    for band in sorted(bands, key=lambda b: -b.high):
        for kind in ("emotions", "situations"):
            for term in terms.get(kind, ()):
                if term.crisis_first or any(term.id in getattr(s, kind) for s in published):
                    found.append(rank(handbook, band, kind, term))
    return found


def safety_plan(handbook: Handbook) -> Homework | None:
    """The reader's own safety plan: the published worksheet of type `safety-plan`."""
    return next((h for h in handbook.homework if h.is_published and h.type == "safety-plan"), None)
