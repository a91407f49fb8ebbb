"""The ranked choices of `skillbook.site.chooser` in, the "What can I do right now?" page out (docutils nodes).

Two steps, both plain links to anchors on the page, so it works with no JavaScript, offline, by
keyboard and with a screen reader: how strong is it (the three bands, strongest first), then what
is happening; each answer lists 3 to 5 skills, with crisis help and the safety plan first where
they belong.
"""

from __future__ import annotations

from docutils import nodes

from skillbook.reading.vocabulary import Band
from skillbook.reading.wording import Words
from skillbook.site import cards as sb
from skillbook.site import companion
from skillbook.site.chooser import Choice


def anchor(band: Band, term_id: str = "") -> str:
    return f"band-{band.id}" if not term_id else f"{band.id}-{term_id}"


def band_words(band: Band, words: Words) -> str:
    return words["chooser.band"].format(low=band.low, high=band.high, label=band.label)


def chooser_nodes(docname: str, choices: list[Choice], crisis_doc: str, plan_doc: str | None,
                  words: Words) -> list[nodes.Node]:
    """Step one (the bands), then one block per band with step two (what is happening) and one
    block per answer. Every answer that needs crisis help first carries it itself, since a reader
    who follows a link lands on the answer, not on the band above it."""
    bands: list[Band] = list(dict.fromkeys(c.band for c in choices))
    step_one = nodes.container(classes=["skillbook-step-one"])
    step_one += sb.heading(words["chooser.how_strong"], 2, anchor="how-strong")
    step_one += sb.bullet_list([[sb.url_link(f"#{anchor(b)}", band_words(b, words))] for b in bands],
                               classes=["skillbook-bands"])
    chooser = nodes.container(classes=["skillbook-chooser"])
    chooser += step_one
    for band in bands:
        here = [c for c in choices if c.band == band]
        block = nodes.container(classes=["skillbook-band"])
        block += sb.heading(band_words(band, words), 2, anchor=anchor(band))
        if band.id == "high":
            block += _crisis_first(docname, crisis_doc, plan_doc, words)
        step_two = nodes.container(classes=["skillbook-step-two"])
        step_two += sb.paragraph(words["chooser.what_is_happening"], classes=["skillbook-question"])
        for kind in ("emotions", "situations"):
            terms = [c for c in here if c.kind == kind]
            if not terms:
                continue
            step_two += sb.paragraph(nodes.strong(text=words[f"chooser.{kind}"]), classes=["skillbook-kind"])
            step_two += sb.bullet_list([[sb.url_link(f"#{anchor(band, c.term.id)}", c.term.label)] for c in terms],
                                       classes=["skillbook-jump"])
        block += step_two
        for choice in here:
            answer = nodes.container(classes=["skillbook-choice"])
            answer += sb.heading(f"{choice.term.label} ({band.low} to {band.high})", 3,
                                 anchor=anchor(band, choice.term.id))
            if choice.crisis_first:
                answer += _crisis_first(docname, crisis_doc, plan_doc, words)
            entries = []
            for skill in choice.skills:
                entries.append([sb.doc_link(docname, skill.docname), " ",
                                nodes.emphasis(text=words["chooser.minutes"].format(minutes=skill.practice_minutes))])
            answer += sb.bullet_list(entries, classes=["skillbook-ranked"], enumerated=True)
            answer += sb.paragraph(sb.url_link(f"#{anchor(band)}", words["chooser.something_else"]),
                                   classes=["skillbook-else"])
            block += answer
        block += sb.paragraph(sb.url_link("#how-strong", words["chooser.start_again"]), classes=["skillbook-again"])
        chooser += block
    return [chooser]


def _crisis_first(docname: str, crisis_doc: str, plan_doc: str | None, words: Words) -> list[nodes.Node]:
    parts: list[nodes.Node | str] = [nodes.strong(text=words["chooser.first"] + " "),
                                     sb.doc_link(docname, crisis_doc, words["chooser.crisis"])]
    if plan_doc:
        parts += [" · ", sb.doc_link(docname, plan_doc, words["chooser.plan"])]
    # then the client's own "at 7 or more I will…" card, when they have made one on this phone
    own = sb.relative_uri(docname, f"{companion.fill_page(companion.OWN_CARD)}.html")
    return [sb.paragraph(*parts, classes=["skillbook-crisis-first"]),
            sb.skillbook_own_card(html=companion.own_card_placeholder(own, words))]
