"""`schemas/vocabulary.yml` in, the content model's words out: tag terms, intensity bands, slugs, column sets.

What every stage shares about the controlled vocabulary; the Cerberus checks themselves live in
`skillbook.checking.schema`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skillbook.errors import ConfigError
from skillbook.reading.yamlload import load_yaml

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Named sets of grid columns: their ids (FHIR's days-of-week codes, ISO 8601 order, Monday first);
# the labels come from the content language's words (wording.WEEKDAYS)
COLUMN_SETS: dict[str, tuple[str, ...]] = {"week": ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}

@dataclass(frozen=True)
class Band:
    """How strong a feeling or urge is, in one of three bands of the 0 to 10 scale."""

    id: str
    label: str
    low: int
    high: int


DEFAULT_BANDS = (Band("low", "A little", 0, 3), Band("medium", "Quite strong", 4, 6),
                 Band("high", "So strong it is hard to think", 7, 10))
DEFAULT_INTENSITY = ("low", "medium")  # what a skill without `intensity` suits


@dataclass(frozen=True)
class Term:
    """A tag word: its id, the label readers see, the everyday words they use for it."""

    id: str
    label: str
    aliases: tuple[str, ...] = ()
    crisis_first: bool = False  # wherever it leads to skills, crisis help and the safety plan come first
    quick_exit: bool = False  # pages about it (abuse, relationships) have a quick exit: someone may be watching


def read_schema_file(path: Path) -> dict[str, Any]:
    try:
        loaded = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read schema {path.name}: {exc}") from None
    if loaded.problems:
        p = loaded.problems[0]
        raise ConfigError(f"schemas/{path.name}:{p.line}:{p.column}: {p.message}")
    if not isinstance(loaded.data, dict):
        raise ConfigError(f"schemas/{path.name}: must be a mapping")
    return loaded.data


def read_vocabulary(path: Path) -> tuple[dict[str, tuple[Term, ...]], tuple[Band, ...]]:
    data = read_schema_file(path)
    bands = _read_bands(data.get("intensity"))
    vocabulary: dict[str, tuple[Term, ...]] = {}
    aliases_seen: dict[str, str] = {}
    for name in ("emotions", "situations"):
        entries = data.get(name)
        if not isinstance(entries, list):
            raise ConfigError(f"schemas/vocabulary.yml: `{name}` must be a list (in vocabulary.yml: {name})")
        words: list[Term] = []
        for index, entry in enumerate(entries):
            where = f"(in vocabulary.yml: {name}[{index}])"
            if not (isinstance(entry, dict) and isinstance(entry.get("id"), str) and SLUG.fullmatch(entry["id"])
                    and isinstance(entry.get("label"), str)):
                raise ConfigError(f"schemas/vocabulary.yml: each entry needs a slug `id` and a `label` {where}")
            unknown = set(entry) - {"id", "label", "aliases", "crisis_first", "quick_exit"}
            aliases = entry.get("aliases") or []
            if unknown or not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases) \
                    or not isinstance(entry.get("crisis_first", False), bool) \
                    or not isinstance(entry.get("quick_exit", False), bool):
                raise ConfigError(f"schemas/vocabulary.yml: an entry has `id`, `label`, `aliases` (a list of words) "
                                  f"`crisis_first` and `quick_exit` (true or false) only {where}")
            for alias in aliases:
                other = aliases_seen.setdefault(alias.casefold(), entry["id"])
                if other != entry["id"]:
                    raise ConfigError(f"schemas/vocabulary.yml: the alias `{alias}` belongs to both `{other}` and "
                                      f"`{entry['id']}`; give it to one of them {where}")
            words.append(Term(entry["id"], entry["label"], tuple(aliases), bool(entry.get("crisis_first", False)),
                              bool(entry.get("quick_exit", False))))
        vocabulary[name] = tuple(words)
    return vocabulary, bands


def _read_bands(entries: Any) -> tuple[Band, ...]:
    """The intensity bands: `low`, `medium` and `high`, each a part of the 0 to 10 scale, in order."""
    if entries is None:
        return DEFAULT_BANDS
    where = "(in vocabulary.yml: intensity)"
    try:
        bands = tuple(Band(str(e["id"]), str(e["label"]), int(e["min"]), int(e["max"])) for e in entries)
    except (TypeError, KeyError, ValueError):
        raise ConfigError(f"schemas/vocabulary.yml: each intensity band needs `id`, `label`, `min` and `max` "
                          f"{where}") from None
    if [b.id for b in bands] != [b.id for b in DEFAULT_BANDS] or bands[0].low != 0 or bands[-1].high != 10 or \
            any(a.high + 1 != b.low for a, b in itertools.pairwise(bands)):
        raise ConfigError("schemas/vocabulary.yml: the intensity bands are low, medium and high, in that order, "
                          f"and together cover 0 to 10 without gaps {where}")
    return bands
