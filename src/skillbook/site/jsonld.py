"""A page's item in, its schema.org JSON-LD `<script>` out (HowTo for skills, LearningResource otherwise)."""

from __future__ import annotations

from typing import Any

from skillbook.reading.inline_json import inline_json
from skillbook.reading.models import Homework, Item, Module, Skill


def json_ld(item: Item | None, *, title: str, language: str, site_title: str, page_url: str) -> str:
    data: dict[str, Any]
    if item is None:
        data = {"@context": "https://schema.org", "@type": "WebPage", "name": _plain(title),
                "inLanguage": language, "isPartOf": {"@type": "WebSite", "name": site_title}}
    else:
        data = {
            "@context": "https://schema.org",
            "name": item.title,
            "description": item.summary,
            "inLanguage": item.language,
            "version": item.version,
            "dateModified": item.updated.isoformat(),
            "author": [{"@type": "Person" if " " in a else "Organization", "name": a} for a in item.authors],
            "isPartOf": {"@type": "WebSite", "name": site_title},
            "identifier": item.id,
        }
        if item.review is not None:
            data["lastReviewed"] = item.review.reviewed_on.isoformat()
            data["reviewedBy"] = [{"@type": "Person", "name": n} for n in item.review.reviewed_by]
        if item.sources:
            data["citation"] = [_citation(c.title, c.authors, c.year, c.publisher) for c in item.sources]
        if isinstance(item, Skill):
            data["@type"] = "HowTo"
            data["totalTime"] = f"PT{item.practice_minutes}M"
            data["step"] = [{"@type": "HowToStep", "position": n, "name": s.name, "text": s.prompt}
                            for n, s in enumerate(item.steps, start=1)]
            data["keywords"] = [*item.emotions, *item.situations]
        elif isinstance(item, Homework):
            data["@type"] = "LearningResource"
            data["learningResourceType"] = item.type.replace("-", " ")
            data["timeRequired"] = f"PT{item.estimated_minutes}M"
        elif isinstance(item, Module):
            data["@type"] = "LearningResource"
            data["learningResourceType"] = "module"
            data["position"] = item.order
    # nothing in the data can close the script element or open markup inside it
    return f'\n<script type="application/ld+json">{inline_json(data)}</script>\n'


def _citation(title: str, authors: str, year: int | None, publisher: str) -> dict[str, Any]:
    citation: dict[str, Any] = {"@type": "Book", "name": title}
    if authors:
        citation["author"] = authors
    if year:
        citation["datePublished"] = str(year)
    if publisher:
        citation["publisher"] = publisher
    return citation


def _plain(title: str) -> str:
    """The page title Sphinx hands templates is HTML: its text, as a reader sees it."""
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", title))
