"""The handbook and a date in, the clinical review status of every published item out.

After the NHS's "page last reviewed / next review due" pattern: every published page records who
reviewed it, when, and when it is next due (the NHS reviews health content every three years). A
page is unreviewed, overdue, due within the coming days, or current. `skillbook review` lists them;
the clinician edition has a page of them; an overdue page says so where its review date is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from skillbook.reading.models import Handbook, Item

REVIEW_CYCLE_YEARS = 3
DUE_SOON_DAYS = 90  # what "due soon" means unless asked otherwise


class ReviewState(StrEnum):
    UNREVIEWED = "unreviewed"
    OVERDUE = "overdue"
    DUE = "due"
    CURRENT = "current"


STATE_ORDER = (ReviewState.OVERDUE, ReviewState.UNREVIEWED, ReviewState.DUE, ReviewState.CURRENT)


@dataclass(frozen=True)
class ReviewStatus:
    kind: str  # module, skill or homework (as in the bundle)
    id: str
    title: str
    path: str
    docname: str
    state: ReviewState
    reviewed_on: dt.date | None
    next_review: dt.date | None
    reviewed_by: tuple[str, ...]
    days_left: int | None  # until the next review; negative once overdue
    line: int = 1  # of the review (or, unreviewed, of `status`) in the file


def review_state(item: Item, today: dt.date, within: int = DUE_SOON_DAYS) -> ReviewState:
    if item.review is None:
        return ReviewState.UNREVIEWED
    if item.review.next_review < today:
        return ReviewState.OVERDUE
    if (item.review.next_review - today).days <= within:
        return ReviewState.DUE
    return ReviewState.CURRENT


def review_statuses(handbook: Handbook, today: dt.date, within: int = DUE_SOON_DAYS,
                    lines: Mapping[str, int] | None = None) -> list[ReviewStatus]:
    """Every published item, the most urgent first (overdue, unreviewed, due soon, current), then by
    due date and title. `lines`: source path -> the line to point at."""
    rows = []
    for kind, items in (("module", handbook.modules), ("skill", handbook.skills), ("homework", handbook.homework)):
        for item in items:
            if not item.is_published:
                continue
            review = item.review
            rows.append(ReviewStatus(
                kind, item.id, item.title, item.source_path, item.docname,
                review_state(item, today, within), review.reviewed_on if review else None,
                review.next_review if review else None, review.reviewed_by if review else (),
                (review.next_review - today).days if review else None, (lines or {}).get(item.source_path, 1)))
    return sorted(rows, key=lambda r: (STATE_ORDER.index(r.state), r.next_review or dt.date.max, r.title))


def review_block(today: dt.date) -> str:
    """The `review:` block to add once a clinician has reviewed a page, as one line of YAML."""
    return (f"review: {{reviewed_by: [Name and credential], reviewed_on: {today.isoformat()}, "
            f"next_review: {next_due(today).isoformat()}}}")


def next_due(reviewed_on: dt.date) -> dt.date:
    try:
        return reviewed_on.replace(year=reviewed_on.year + REVIEW_CYCLE_YEARS)
    except ValueError:  # 29 February
        return reviewed_on.replace(year=reviewed_on.year + REVIEW_CYCLE_YEARS, day=28)


def counts(rows: Sequence[ReviewStatus]) -> dict[ReviewState, int]:
    return {state: sum(1 for r in rows if r.state is state) for state in STATE_ORDER}
