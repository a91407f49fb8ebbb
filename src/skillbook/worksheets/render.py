"""Published homework in, printable and fillable PDFs out: one per item, one packet per module, one for all.

Each worksheet is generated from its structured `fields` as accessible HTML (real labels, print CSS)
and rendered by WeasyPrint with PDF form fields and tags. Rendering happens in this process with
one font configuration and one parsed stylesheet; a PDF whose HTML did not change is copied from
the cache instead of being rendered again. The work can be split into parts for several processes:
a module's worksheets and its packet always stay in one part.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import posixpath
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape, unescape
from pathlib import Path
from typing import Any

from skillbook import __version__
from skillbook.issues import Issue
from skillbook.reading.config import CONFIG_FILE, ProjectConfig
from skillbook.reading.editions import split_clinician_notes
from skillbook.reading.models import Field, Handbook, Homework, Skill
from skillbook.reading.richtext import render_body
from skillbook.reading.targets import scheme_of
from skillbook.reading.wording import Words, words_for
from skillbook.worksheets.paper import card_sheets, crisis_box, skill_reminder

LONG_GRID = 12  # rows; a grid longer than this starts a new landscape page
HANDBOOK_CARDS = "handbook-pocket-cards"
OWN_CARD = "my-own-card"
ASSETS = Path(__file__).parent  # the stylesheet and fonts/ (relative URLs in the CSS resolve here)
STYLESHEET = ASSETS / "worksheet.css"


@dataclass
class WorksheetOutput:
    files: dict[str, Path] = field(default_factory=dict)  # key (homework id, or packet name) -> PDF
    rendered: int = 0
    reused: int = 0
    cached: set[str] = field(default_factory=set)  # the cache entries this output is made of


@dataclass(frozen=True)
class _Job:
    key: str  # homework id or packet name
    html: str
    digest: str
    source: str  # the file to blame if rendering fails


def packet_name(module_id: str) -> str:
    return f"{module_id}-packet"


def cards_name(module_id: str) -> str:
    return f"{module_id}-pocket-cards"


def planned_files(handbook: Handbook) -> dict[str, str]:
    """The PDFs a render will produce (key -> file name), known before rendering starts."""
    modules = handbook.published_modules()
    files = {h.id: f"{h.id}.pdf" for m in modules for h in handbook.homework_of(m.id)}
    files.update({packet_name(m.id): f"{packet_name(m.id)}.pdf" for m in modules if handbook.homework_of(m.id)})
    files.update({cards_name(m.id): f"{cards_name(m.id)}.pdf" for m in modules if handbook.skills_of(m.id)})
    if any(handbook.skills_of(m.id) for m in modules):
        files[HANDBOOK_CARDS] = f"{HANDBOOK_CARDS}.pdf"
    files[OWN_CARD] = f"{OWN_CARD}.pdf"
    return files


def render_worksheets(
    handbook: Handbook,
    out_dir: Path,
    *,
    cache_dir: Path,
    config: ProjectConfig,
    progress: Callable[[str], None] = lambda message: None,
    count: Callable[[str, int, int], None] = lambda what, done, total: None,
    part: int = 0,
    parts: int = 1,
) -> tuple[WorksheetOutput, list[Issue]]:
    """Write `<id>.pdf`, `<module>-packet.pdf`, the pocket-card sheets
    `<module>-pocket-cards.pdf` and `handbook-pocket-cards.pdf`, and `my-own-card.pdf` into `out_dir`.
    Every one of them prints the crisis services of `config`.
    With `parts` > 1, only share `part` of them, and the cache is left for `prune_cache` to tidy
    once every part is done."""
    modules = handbook.published_modules()
    homework = [h for m in modules for h in handbook.homework_of(m.id)]
    skills = {s.id: s for s in handbook.skills if s.is_published}
    paper = config.paper_size
    words = words_for(config.language)
    css = STYLESHEET.read_text(encoding="utf-8").replace("@page { size: A4", f"@page {{ size: {paper}")
    jobs = [_job(h, _worksheet_html(h, skills, config), css) for h in homework]
    for module in modules:
        if handbook.skills_of(module.id):
            title = words.format("paper.cards_of", title=module.title)
            jobs.append(_Job(cards_name(module.id), *_cards(title, handbook.skills_of(module.id), config, css),
                             module.source_path))
    all_skills = [s for m in modules for s in handbook.skills_of(m.id)]
    if all_skills:
        title = words.format("paper.cards_of", title=config.title)
        jobs.append(_Job(HANDBOOK_CARDS, *_cards(title, all_skills, config, css, own_card=True), CONFIG_FILE))
    jobs.append(_Job(OWN_CARD, *_cards(words["paper.own_card"], [], config, css, own_card=True), CONFIG_FILE))
    packets: dict[str, tuple[str, list[str]]] = {  # name -> title, the worksheets in it
        packet_name(m.id): (words.format("paper.packet_of", title=m.title), [h.id for h in handbook.homework_of(m.id)])
        for m in modules if handbook.homework_of(m.id)
    }
    if parts > 1:
        jobs, packets = _share(jobs, packets, part, parts)
    out_dir.mkdir(parents=True, exist_ok=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    output = WorksheetOutput()
    by_key = {job.key: job for job in jobs}
    dated = {h.id: h for h in homework}
    packet_digests = {name: _digest(css, name, title, *(by_key[k].digest for k in keys))
                      for name, (title, keys) in packets.items()}
    needed = {job.key for job in jobs if not (cache_dir / f"{job.digest}.pdf").is_file()}
    for name, (_title, keys) in packets.items():
        if not (cache_dir / f"{packet_digests[name]}.pdf").is_file():
            needed.update(keys)
    # a laid-out worksheet holds megabytes: each is kept only until its module's packet is written
    packet_of = {key: name for name, (_title, keys) in packets.items() for key in keys}
    waiting = {name: set(keys) for name, (_title, keys) in packets.items()}
    documents: dict[str, Any] = {}
    issues: list[Issue] = []
    total = len(jobs) + len(packets)
    done = 0
    count("PDFs", 0, total)
    render = _renderer(css) if needed else None
    for job in jobs:
        cached = cache_dir / f"{job.digest}.pdf"
        if render is not None and job.key in needed:
            progress(f"rendering worksheet {job.key}")
            try:
                documents[job.key] = render(job.html)
            except Exception as exc:  # WeasyPrint raises many unrelated types
                issues.append(Issue(job.source, 1, 1, "worksheet-render",
                                    f"the worksheet could not be rendered: {type(exc).__name__}: {exc}",
                                    "check the fields for unusual content; report it if it persists"))
                continue
        if job.key in documents and not cached.is_file():
            _write(documents[job.key], cached)
            output.rendered += 1
        else:
            output.reused += 1
        target = out_dir / f"{job.key}.pdf"
        _publish(cached, target)
        output.files[job.key] = target
        done += 1
        count("PDFs", done, total)
        if job.key not in packet_of:
            documents.pop(job.key, None)
            continue
        name = packet_of[job.key]
        waiting[name].discard(job.key)
        if waiting[name] or issues:  # after a failure the build stops: no packet is worth writing
            continue
        title, keys = packets[name]
        cached = cache_dir / f"{packet_digests[name]}.pdf"
        if not cached.is_file():
            progress(f"assembling {name}")
            first = documents[keys[0]]
            packet = first.copy([page for key in keys for page in documents[key].pages])
            packet.metadata.title = title
            packet.metadata.created = packet.metadata.modified = max(dated[k].updated for k in keys).isoformat()
            _write(packet, cached)
            output.rendered += 1
        else:
            output.reused += 1
        for key in keys:
            documents.pop(key, None)
        target = out_dir / f"{name}.pdf"
        _publish(cached, target)
        output.files[name] = target
        done += 1
        count("PDFs", done, total)
    output.cached = {job.digest for job in jobs} | set(packet_digests.values())
    if parts == 1 and not issues:
        prune_cache(cache_dir, output.cached)
    return output, issues


def _share(jobs: list[_Job], packets: dict[str, tuple[str, list[str]]], part: int,
           parts: int) -> tuple[list[_Job], dict[str, tuple[str, list[str]]]]:
    """The jobs and packets of one part. Parts are balanced by the length of their HTML (longest
    first, each to the lightest part); a packet and its worksheets are one piece of work."""
    packet_of = {key: name for name, (_title, keys) in packets.items() for key in keys}
    pieces: dict[str, list[_Job]] = {}
    for job in jobs:
        pieces.setdefault(packet_of.get(job.key, job.key), []).append(job)
    loads = [0] * parts
    mine: set[str] = set()
    for name, members in sorted(pieces.items(), key=lambda piece: -sum(len(job.html) for job in piece[1])):
        lightest = loads.index(min(loads))
        loads[lightest] += sum(len(job.html) for job in members)
        if lightest == part:
            mine.add(name)
    return ([job for job in jobs if packet_of.get(job.key, job.key) in mine],
            {name: packet for name, packet in packets.items() if name in mine})


def _renderer(css: str) -> Callable[[str], Any]:
    """HTML in, a laid-out WeasyPrint document out: one font configuration and one parsed stylesheet
    for every sheet of the run."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    stylesheet = CSS(string=css, font_config=fonts, base_url=str(ASSETS))

    def render(markup: str) -> Any:
        return HTML(string=markup, base_url=str(ASSETS)).render(stylesheets=[stylesheet], font_config=fonts,
                                                                pdf_forms=True, pdf_tags=True)

    return render


_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)


def paper_links(html: str, page: str, base_url: str) -> str:
    """Links of a body as a PDF needs them: a link to another page of the handbook (relative to `page`,
    the item's page in the site) becomes the published page's address when `skillbook.base_url` says
    where that is, and plain text otherwise; WeasyPrint would resolve it against skillbook's own
    folder on the building machine (a `file:` link that opens nothing, and names that folder)."""

    def rewrite(link: re.Match[str]) -> str:
        href, text = unescape(link.group(1)), link.group(2)
        if href.startswith("#") or scheme_of(href):
            return link.group(0)  # an address, or a place on this sheet
        if not base_url:
            return text
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), href))
        return f'<a href="{escape(base_url + "/" + target)}">{text}</a>'

    return _LINK.sub(rewrite, html)


def _publish(cached: Path, target: Path) -> None:
    """Cached PDFs are never rewritten (a new one gets a new name), so a hard link is a safe copy."""
    try:
        os.link(cached, target)
    except OSError:
        shutil.copyfile(cached, target)


def _write(document: Any, target: Path) -> None:
    partial = target.with_suffix(f".{os.getpid()}.partial")
    # No `pdf_identifier`: without one WeasyPrint writes no /ID (optional in PDF 1.7) and the bytes
    # are still reproducible; with one, pydyf serializes and compresses every object a second time
    # to hash it, a fifth of the time spent writing.
    document.write_pdf(partial, pdf_forms=True, pdf_tags=True, finisher=_name_radio_buttons_once)
    partial.replace(target)


def _name_radio_buttons_once(document: Any, pdf: Any) -> None:
    """WeasyPrint names every radio button widget like its group; in PDF only the group has a name,
    otherwise readers see `name.name` fields. Drop the duplicate names from the widgets."""
    fields = pdf.catalog.get("AcroForm", {}).get("Fields", [])
    for reference in fields:
        group = pdf.objects[int(bytes(reference).split()[0])]
        for kid in group.get("Kids", []) if hasattr(group, "get") else []:
            widget = pdf.objects[int(bytes(kid).split()[0])]
            widget.pop("T", None)
            widget.pop("TU", None)


def prune_cache(cache_dir: Path, keep: set[str]) -> None:
    """Remove the cached PDFs no output is made of any more."""
    for path in cache_dir.glob("*.pdf"):
        if path.stem not in keep:
            path.unlink()


def _digest(*parts: str) -> str:
    # the installed version, without importing WeasyPrint (slow) when everything is cached
    renderer = importlib.metadata.version("weasyprint")
    return hashlib.sha256("\x00".join([__version__, renderer, *parts]).encode()).hexdigest()


def _job(homework: Homework, markup: str, css: str) -> _Job:
    return _Job(homework.id, markup, _digest(css, markup), homework.source_path)


def _cards(title: str, skills: list[Skill], config: ProjectConfig, css: str,
           own_card: bool = False) -> tuple[str, str]:
    """The HTML of a sheet of wallet-sized cards, and its digest."""
    sheets = "\n".join(card_sheets(skills, config, own_card=own_card))
    markup = f"""<!DOCTYPE html>
<html lang="{escape(config.language)}">
<head>
<meta charset="utf-8">
<title>{escape(title)}</title>
<meta name="author" content="{escape(config.author)}">
<meta name="generator" content="skillbook {escape(__version__)}">
</head>
<body class="cards-page">
<h1 class="cards-heading">{escape(title)}</h1>
{sheets}
</body>
</html>
"""
    return markup, _digest(css, markup)


def _worksheet_html(homework: Homework, published: dict[str, Skill], config: ProjectConfig) -> str:
    language, site_title = config.language, config.title
    words = words_for(homework.language)
    landscape = homework.type == "diary-card" or any(f.type == "grid" for f in homework.fields)
    page = {"coaching-card": "card", "diary-card": "landscape"}.get(homework.type,
                                                                   "landscape" if landscape else "portrait")
    practised = [published[s] for s in homework.skills if s in published]
    skills = ", ".join(s.title for s in practised)
    # each skill of the sheet: its safety notes before its steps (the steps only on a full portrait
    # page with room for them; a card or a landscape grid keeps the safety notes alone)
    with_steps = len(practised) <= 2 and page == "portrait"
    reminders = "\n".join(skill_reminder(s, words, with_steps=with_steps)
                          for s in practised if s.all_cautions or with_steps)
    facts = [
        escape(words.named("type", homework.type)),
        escape(words.format("paper.how_often", frequency=words.named("frequency", homework.frequency).lower())),
        escape(words.format("paper.minutes", minutes=homework.estimated_minutes)),
    ]
    if skills:
        facts.append(escape(words.format("paper.skills", skills=skills)))
    by_id = {f.id: f for f in homework.fields}
    fields = "\n".join(_field_html(homework.id, f, config, words, by_id.get(f.show_if.field) if f.show_if else None)
                       for f in homework.fields)
    created = homework.updated.isoformat()
    instructions = paper_links(render_body(split_clinician_notes(homework.body)[0], source_path=homework.source_path,
                                           crisis_words=words["paper.crisis_ref"]).html,
                               f"{homework.docname}.html", config.base_url)
    status = escape(words.format("paper.status", version=homework.version, date=words.long_date(homework.updated))
                    + ("" if homework.review else words["paper.unreviewed"]))
    # The fields are not in a <form>: inside one, WeasyPrint looks up each field's label among all
    # the form's labels (a diary card took seconds), and names a radio button by its label ("Y").
    # Outside, each field's tooltip is its title, which says which question it answers.
    return f"""<!DOCTYPE html>
<html lang="{escape(homework.language or language)}">
<head>
<meta charset="utf-8">
<title>{escape(homework.title)}</title>
<meta name="description" content="{escape(homework.summary)}">
<meta name="author" content="{escape(", ".join(homework.authors))}">
<meta name="keywords" content="{escape(", ".join(["DBT", homework.type, *homework.skills]))}">
<meta name="generator" content="skillbook {escape(__version__)}">
<meta name="dcterms.created" content="{created}">
<meta name="dcterms.modified" content="{created}">
</head>
<body class="{page}">
<header>
<p class="site">{escape(site_title)}</p>
<h1>{escape(homework.title)}</h1>
<p class="summary">{escape(homework.summary)}</p>
<p class="facts">{" · ".join(facts)}<span class="landscape-only"> · {status}</span></p>
</header>
<section class="instructions" aria-label="{escape(words["paper.instructions"])}">
{instructions}
</section>
{_reminders_section(reminders, words)}
<div class="worksheet">
{fields}
</div>
{crisis_box(config, words)}
<footer><p>{status}</p></footer>
</body>
</html>
"""


def _reminders_section(reminders: str, words: Words) -> str:
    if not reminders:
        return ""
    return f'<section class="reminders" aria-label="{escape(words["paper.skills_practised"])}">{reminders}</section>'


def _name(homework_id: str, *parts: str) -> str:
    # PDF field names may not contain periods; colons keep worksheet fields apart in packets
    return ":".join([homework_id, *parts])


def _field_html(homework_id: str, item: Field, config: ProjectConfig, words: Words, asked: Field | None) -> str:
    name = _name(homework_id, item.id)
    help_text = f'<p class="help" id="{name}-help">{escape(item.help)}</p>' if item.help else ""
    condition = words.if_answer(item, asked)
    label = (f'<span class="condition">{escape(condition)}</span> ' if condition else "") + escape(item.label)
    if item.type in ("text", "date", "time", "number"):
        hint = f" ({words.describe_field(item)})" if item.type == "number" else ""
        size = " short" if item.type != "text" else ""
        control = f'<input class="line{size}" type="text" id="{name}" name="{name}" title="{escape(item.label)}">'
        return (f'<div class="field short-answer">\n<label for="{name}">{label}{escape(hint)}</label>'
                f"{help_text}\n{control}\n</div>")
    if item.type == "long_text":
        return (f'<div class="field long-answer">\n<label for="{name}">{label}</label>{help_text}\n'
                f'<textarea class="box" id="{name}" name="{name}" title="{escape(item.label)}"></textarea>\n</div>')
    if item.type == "yes_no":
        both = "".join(_choice("radio", name, f"{name}:{value}", value, words[f"paper.{value}"])
                       for value in ("yes", "no"))
        return _fieldset(label, help_text, f'<div class="choices inline">{both}</div>')
    if item.type in ("choice", "checklist"):
        kind = "radio" if item.type == "choice" else "checkbox"
        choices = []
        for option in item.options:
            value = option.id
            field_name = name if kind == "radio" else _name(homework_id, item.id, value)
            choices.append(_choice(kind, field_name, f"{name}:{value}", value, option.label))
        note = words["paper.tick_any"] if kind == "checkbox" else words["paper.choose_one"]
        many = " many" if len(item.options) > 5 else ""  # in columns, so a long list stays short
        return _fieldset(label + escape(note), help_text,
                         f'<div class="choices{many}">{"".join(choices)}</div>')
    if item.type == "rating":
        return _fieldset(label, help_text, _rating(name, item))
    if item.type == "grid":
        # a long grid (a row per skill) starts a page of its own on a landscape card
        long_grid = " long-grid" if len(item.rows) > LONG_GRID else ""
        return _fieldset(label, "", _grid(homework_id, item, words), classes="grid-field" + long_grid)
    if item.type == "contacts":
        return _fieldset(label, help_text, _contacts(name, item, config, words), classes="contacts-field")
    raise ValueError(f"unknown field type {item.type}")  # validation makes this unreachable


def _fieldset(legend: str, help_text: str, inner: str, classes: str = "") -> str:
    return f'<fieldset class="field {classes}">\n<legend>{legend}</legend>{help_text}\n{inner}\n</fieldset>'


def _choice(kind: str, name: str, element_id: str, value: str, text: str) -> str:
    return (f'<label class="choice" for="{escape(element_id)}"><input type="{kind}" id="{escape(element_id)}" '
            f'name="{escape(name)}" value="{escape(value)}" title="{escape(text)}"> {escape(text)}</label>')


def _rating(name: str, item: Field) -> str:
    low, high = int(item.min or 0), int(item.max or 0)
    anchors = dict(item.anchors)
    cells = []
    for point in range(low, high + 1):
        word = anchors.get(point, "")
        title = f"{point} {word}".strip()
        # most points have no words: an empty block would change nothing on paper, only add a box
        anchor = f'<span class="anchor">{escape(word)}</span>' if word else ""
        cells.append(f'<td><label for="{name}:{point}"><span class="point">{point}</span>'
                     f'<input type="radio" id="{name}:{point}" name="{name}" value="{point}" title="{escape(title)}">'
                     f'{anchor}</label></td>')
    return f'<table class="rating" role="presentation"><tr>{"".join(cells)}</tr></table>'


def _grid(homework_id: str, item: Field, words: Words) -> str:
    head = "".join(f'<th scope="col">{escape(c.label)}</th>' for c in item.columns)
    scales = {_row_scale(row, words) for row in item.rows}
    shared = scales.pop() if len(scales) == 1 else None
    rows = []
    for row in item.rows:
        scale = "" if shared is not None else _row_scale(row, words)
        cells = []
        for column in item.columns:
            cell_name = _name(homework_id, item.id, row.id, column.id)
            title = escape(f"{row.label}, {column.label}")
            if row.type == "yes_no":  # yes and no both marked, so a blank means "not filled in"
                # each letter follows its button, with no <label> around them: a diary card has hundreds
                # of these cells, and the wrappers took a third of its rendering time (in the PDF the
                # tooltip, not a label, says what a button answers)
                control = "".join(
                    f'<input type="radio" name="{cell_name}" value="{value}" '
                    f'title="{title}: {escape(words[f"paper.{value}"])}">{escape(words[f"paper.{mark}"])}'
                    for value, mark in (("yes", "y"), ("no", "n")))
                cells.append(f'<td class="yn">{control}</td>')
            else:
                cells.append(f'<td><input type="text" name="{cell_name}" title="{title}" class="cell"></td>')
        note = f' <span class="scale">({escape(scale)})</span>' if scale else ""
        written = (f': <input type="text" class="write-in" name="{_name(homework_id, item.id, row.id, "name")}" '
                   f'title="{escape(row.label)}: {escape(words["paper.write_in"])}">') if row.write_in else ""
        rows.append(f'<tr><th scope="row">{escape(row.label)}{written}{note}</th>{"".join(cells)}</tr>')
    said = " ".join(part for part in (item.help, words.format("paper.scale", scale=shared) if shared else "") if part)
    caption = f"<caption>{escape(said)}</caption>" if said else ""
    return (f'<table class="grid">{caption}<thead><tr><td class="corner"></td>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _contacts(name: str, item: Field, config: ProjectConfig, words: Words) -> str:
    """Names and numbers: the configured crisis services first (if asked), then rows to fill in."""
    rows = []
    if item.crisis_services:
        for region in config.crisis_regions:
            for service in region.services:
                numbers = " / ".join(n for n in (service.phone, service.text) if n)
                rows.append(f"<tr><td>{escape(service.name)} ({escape(region.name)})</td>"
                            f"<td>{escape(numbers)}</td></tr>")
            if region.emergency:
                emergency = " or ".join(region.emergency)
                rows.append(f"<tr><td>{escape(words['paper.crisis_title'])}: {escape(words['paper.emergency'])} "
                            f"({escape(region.name)})</td><td>{escape(emergency)}</td></tr>")
    for row in range(1, item.blanks + 1):
        rows.append(f'<tr><td><input type="text" class="cell" name="{name}:{row}:name" '
                    f'title="{escape(item.label)}, {escape(words["paper.name"])} {row}"></td>'
                    f'<td><input type="text" class="cell" name="{name}:{row}:number" '
                    f'title="{escape(item.label)}, {escape(words["paper.number"])} {row}"></td></tr>')
    return (f'<table class="contacts"><thead><tr><th scope="col">{escape(words["paper.name"])}</th>'
            f'<th scope="col">{escape(words["paper.number"])}</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _row_scale(row: Field, words: Words) -> str:
    if row.type == "yes_no":
        return words["paper.tick_if_yes"]
    if row.type in ("rating", "number"):
        return words.describe_field(row)
    return words["paper.a_word"]


