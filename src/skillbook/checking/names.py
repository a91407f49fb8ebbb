"""The people lists of a front matter (`authors`, `review.reviewed_by`) in, warnings for a credential
split off its name out.

In YAML's flow lists a comma separates entries, so `authors: [Dana Reyes, LCSW]` is two authors,
"Dana Reyes" and "LCSW". Nothing is wrong as far as YAML knows; the page would credit a person
called LCSW.
"""

from __future__ import annotations

import re
from typing import Any

from skillbook.issues import Issue, Severity
from skillbook.reading.placenames import describe
from skillbook.reading.yamlload import LoadedYaml, PathKey

# Post-nominal letters clinicians put after their names (UK, Ireland, US, Canada, Australia, NZ).
CREDENTIALS = frozenset({
    "phd", "psyd", "dclinpsy", "dpsych", "md", "mbbs", "mbchb", "mrcpsych", "frcpsych", "rmn", "rn", "rnmh", "cpn",
    "lcsw", "licsw", "lmsw", "msw", "lpc", "lpcc", "lmhc", "lmft", "mft", "cadc", "bcba", "ma", "ms", "msc", "mphil",
    "bsc", "ba", "med", "dsw", "edd", "np", "pmhnp", "aprn", "ot", "otr", "cpsychol", "afbpss", "hcpc", "ukcp",
    "bacp", "mbacp", "accredited", "ncc", "rp", "rsw", "cpc", "mappsc", "maps", "fcclp", "dbt-lbc", "lbc",
})
_LIST_FIELDS: tuple[PathKey, ...] = (("authors",), ("review", "reviewed_by"))


def credential_warnings(rel: str, meta: LoadedYaml) -> list[Issue]:
    issues = []
    for path in _LIST_FIELDS:
        names = _value_at(meta.data, path)
        if not isinstance(names, list):
            continue
        for index, name in enumerate(names[1:], start=1):
            if isinstance(name, str) and _is_credential(name) and isinstance(names[index - 1], str):
                where = meta.position((*path, index))
                whole = f"{names[index - 1]}, {name}"
                issues.append(Issue(
                    rel, where.line, where.column, "credential-split",
                    f"{describe((*path, index), meta.data)}, `{name}`, looks like the credential of "
                    f"`{names[index - 1]}`, split off by the comma",
                    f'put the whole name in quotes: `{path[-1]}: ["{whole}"]`', Severity.WARNING))
    return issues


def _is_credential(text: str) -> bool:
    words = [w for w in re.split(r"[\s,]+", text.strip().casefold().replace(".", "")) if w]
    return bool(words) and all(w in CREDENTIALS for w in words)


def _value_at(data: Any, path: PathKey) -> Any:
    for part in path:
        data = data.get(part) if isinstance(data, dict) else None
    return data
