"""A place in the front matter (a key path such as `fields[1].options[2]`) in, the author's words for it out.

Authors do not count from zero and do not think in brackets: they think "the 3rd option of the
field `tried`". Lists are named by what they hold (the table below), items by their id where they
have one, otherwise by their position in words.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # a type only: the YAML library is not needed to name a place
    from skillbook.reading.yamlload import PathKey

# What one item of each list of the content model is called.
ITEM_NOUNS = {
    "fields": "field", "rows": "row", "options": "option", "columns": "column", "steps": "step",
    "cautions": "caution", "sources": "source", "worksheets": "worksheet", "skills": "skill",
    "related": "related skill", "authors": "author", "reviewed_by": "reviewer", "emotions": "emotion",
    "situations": "situation", "aliases": "word",
}
# Mappings that only group lists: `tags.emotions[3]` is "the 4th emotion".
_GROUPING = frozenset({"tags"})
# The kinds of item, as authors name them.
KIND_NOUNS = {"module": "module", "skill": "skill", "homework": "worksheet", "page": "page"}
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def ordinal(number: int) -> str:
    """1 -> `1st`, 2 -> `2nd`, 11 -> `11th`: positions as authors count them."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def describe(path: PathKey, data: Any = None) -> str:
    """`("fields", 1, "options", 2, "id")` -> "`id` of the 3rd option of field `tried`"."""
    phrases: list[str] = []  # outermost first
    keys: list[str] = []  # mapping keys not yet said
    node = data
    for part in path:
        if isinstance(part, int):
            container = keys.pop() if keys else ""
            if keys and set(keys) - _GROUPING:
                phrases.append("`" + ".".join(keys) + "`")
            keys.clear()
            item = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            ident = item.get("id") or item.get("skill") if isinstance(item, dict) else None
            noun = ITEM_NOUNS.get(container)
            if noun is None:  # a list with no name for its items: `the 2nd entry of `when_to_use``
                phrases.append(f"the {ordinal(part + 1)} entry of `{container}`")
            else:
                phrases.append(f"{noun} `{ident}`" if isinstance(ident, str) and _ID.match(ident)
                               else f"the {ordinal(part + 1)} {noun}")
            node = item
        else:
            keys.append(str(part))
            node = node.get(part) if isinstance(node, dict) else None
    if keys:
        phrases.append("`" + ".".join(keys) + "`")
    return " of ".join(reversed(phrases)) if phrases else "the front matter"


def list_item(path: PathKey) -> bool:
    """Whether the place is one item of a list (so that "the 2nd worksheet" names it whole)."""
    return bool(path) and isinstance(path[-1], int)
