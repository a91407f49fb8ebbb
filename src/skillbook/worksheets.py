"""Published homework in, printable and fillable PDFs out: one per item, one packet per module, one for all.

Each worksheet is generated from its structured `fields` as accessible HTML (real labels, print CSS)
and rendered by WeasyPrint with PDF form fields and tags. Rendering happens in this process with
one font configuration and one parsed stylesheet; a PDF whose HTML did not change is copied from
the cache instead of being rendered again.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from skillbook import __version__
from skillbook.editions import split_clinician_notes
from skillbook.issues import Issue
from skillbook.models import Field, Handbook, Homework
from skillbook.richtext import render_body
from skillbook.wording import FREQUENCY_WORDS, HOMEWORK_TYPES, describe_field, long_date

HANDBOOK_PACKET = "handbook-packet"
ASSETS = Path(__file__).parent  # the stylesheet and fonts/ (relative URLs in the CSS resolve here)
STYLESHEET = ASSETS / "worksheet.css"


@dataclass
class WorksheetOutput:
    files: dict[str, Path] = field(default_factory=dict)  # key (homework id, or packet name) -> PDF
    rendered: int = 0
    reused: int = 0


@dataclass(frozen=True)
class _Job:
    key: str  # homework id or packet name
    html: str
    digest: str
    source: str  # the file to blame if rendering fails


def packet_name(module_id: str) -> str:
    return f"{module_id}-packet"


def planned_files(handbook: Handbook) -> dict[str, str]:
    """The PDFs a render will produce (key -> file name), known before rendering starts."""
    modules = handbook.published_modules()
    files = {h.id: f"{h.id}.pdf" for m in modules for h in handbook.homework_of(m.id)}
    files.update({packet_name(m.id): f"{packet_name(m.id)}.pdf" for m in modules if handbook.homework_of(m.id)})
    if files:
        files[HANDBOOK_PACKET] = f"{HANDBOOK_PACKET}.pdf"
    return files


def render_worksheets(
    handbook: Handbook,
    out_dir: Path,
    *,
    cache_dir: Path,
    language: str,
    site_title: str,
    paper: str = "A4",
    progress: Callable[[str], None] = lambda message: None,
) -> tuple[WorksheetOutput, list[Issue]]:
    """Write `<id>.pdf`, `<module>-packet.pdf` and `handbook-packet.pdf` into `out_dir`."""
    modules = handbook.published_modules()
    homework = [h for m in modules for h in handbook.homework_of(m.id)]
    skill_titles = {s.id: s.title for s in handbook.skills}
    css = STYLESHEET.read_text(encoding="utf-8").replace("@page { size: A4", f"@page {{ size: {paper}")
    jobs = [_job(h, _worksheet_html(h, skill_titles, language, site_title), css) for h in homework]
    packets: list[tuple[str, str, list[str]]] = [
        (packet_name(m.id), f"{m.title}: worksheets and logs", [h.id for h in handbook.homework_of(m.id)])
        for m in modules if handbook.homework_of(m.id)
    ]
    if homework:
        packets.append((HANDBOOK_PACKET, f"{site_title}: all worksheets and logs", [h.id for h in homework]))
    out_dir.mkdir(parents=True, exist_ok=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    output = WorksheetOutput()
    by_key = {job.key: job for job in jobs}
    dated = {h.id: h for h in homework}
    packet_digests = {name: _digest(css, name, title, *(by_key[k].digest for k in keys))
                      for name, title, keys in packets}
    needed = {job.key for job in jobs if not (cache_dir / f"{job.digest}.pdf").is_file()}
    for name, _title, keys in packets:
        if not (cache_dir / f"{packet_digests[name]}.pdf").is_file():
            needed.update(keys)
    documents: dict[str, Any] = {}
    issues: list[Issue] = []
    if needed:
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()
        stylesheet = CSS(string=css, font_config=fonts, base_url=str(ASSETS))
        for job in jobs:
            if job.key not in needed:
                continue
            progress(f"rendering worksheet {job.key}")
            try:
                page = HTML(string=job.html, base_url=str(ASSETS))
                documents[job.key] = page.render(stylesheets=[stylesheet], font_config=fonts, pdf_forms=True,
                                                 pdf_tags=True)
            except Exception as exc:  # WeasyPrint raises many unrelated types
                issues.append(Issue(job.source, 1, 1, "worksheet-render",
                                    f"the worksheet could not be rendered: {type(exc).__name__}: {exc}",
                                    "check the fields for unusual content; report it if it persists"))
        if issues:
            return output, issues
    for job in jobs:
        cached = cache_dir / f"{job.digest}.pdf"
        if job.key in documents and not cached.is_file():
            _write(documents[job.key], cached)
            output.rendered += 1
        else:
            output.reused += 1
        target = out_dir / f"{job.key}.pdf"
        _publish(cached, target)
        output.files[job.key] = target
    for name, title, keys in packets:
        cached = cache_dir / f"{packet_digests[name]}.pdf"
        if not cached.is_file():
            progress(f"assembling {name}")
            first = documents[keys[0]]
            packet = first.copy([page for key in keys for page in documents[key].pages])
            packet.metadata.title = title
            packet.metadata.created = packet.metadata.modified = max(dated[k].updated for k in keys).isoformat()
            _write(packet, cached)
        target = out_dir / f"{name}.pdf"
        _publish(cached, target)
        output.files[name] = target
    _prune(cache_dir, {job.digest for job in jobs} | set(packet_digests.values()))
    return output, issues


def _publish(cached: Path, target: Path) -> None:
    """Cached PDFs are never rewritten (a new one gets a new name), so a hard link is a safe copy."""
    try:
        os.link(cached, target)
    except OSError:
        shutil.copyfile(cached, target)


def _write(document: Any, target: Path) -> None:
    partial = target.with_suffix(".partial")
    # a fixed identifier keeps the bytes reproducible (the default one is random)
    identifier = hashlib.sha256(target.name.encode()).hexdigest()[:32].encode()
    document.write_pdf(partial, pdf_identifier=identifier, pdf_forms=True, pdf_tags=True,
                       finisher=_name_radio_buttons_once)
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


def _prune(cache_dir: Path, keep: set[str]) -> None:
    for path in cache_dir.glob("*.pdf"):
        if path.stem not in keep:
            path.unlink()


def _digest(*parts: str) -> str:
    # the installed version, without importing WeasyPrint (slow) when everything is cached
    renderer = importlib.metadata.version("weasyprint")
    return hashlib.sha256("\x00".join([__version__, renderer, *parts]).encode()).hexdigest()


def _job(homework: Homework, markup: str, css: str) -> _Job:
    return _Job(homework.id, markup, _digest(css, markup), homework.source_path)


def _worksheet_html(homework: Homework, skill_titles: dict[str, str], language: str, site_title: str) -> str:
    landscape = homework.type == "diary-card" or any(f.type == "grid" for f in homework.fields)
    skills = ", ".join(skill_titles.get(s, s) for s in homework.skills)
    facts = [
        f"{escape(HOMEWORK_TYPES.get(homework.type, homework.type))}",
        f"How often: {escape(FREQUENCY_WORDS.get(homework.frequency, homework.frequency).lower())}",
        f"About {homework.estimated_minutes} minutes",
    ]
    if skills:
        facts.append(f"Skills: {escape(skills)}")
    fields = "\n".join(_field_html(homework.id, f) for f in homework.fields)
    created = homework.updated.isoformat()
    status = f"Version {escape(homework.version)}, updated {long_date(homework.updated)}." + (
        "" if homework.review else " Not yet clinically reviewed.")
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
<body class="{'landscape' if landscape else 'portrait'}">
<header>
<p class="site">{escape(site_title)}</p>
<h1>{escape(homework.title)}</h1>
<p class="summary">{escape(homework.summary)}</p>
<p class="facts">{" · ".join(facts)}<span class="landscape-only"> · {status}</span></p>
</header>
<section class="instructions" aria-label="How to use this worksheet">
{render_body(split_clinician_notes(homework.body)[0], source_path=homework.source_path).html}
</section>
<form class="worksheet">
{fields}
</form>
<footer><p>{status}</p></footer>
</body>
</html>
"""


def _name(homework_id: str, *parts: str) -> str:
    # PDF field names may not contain periods; colons keep worksheet fields apart in packets
    return ":".join([homework_id, *parts])


def _field_html(homework_id: str, item: Field) -> str:
    name = _name(homework_id, item.id)
    required = ' <span class="required">(required)</span>' if item.required else ""
    help_text = f'<p class="help" id="{name}-help">{escape(item.help)}</p>' if item.help else ""
    label = escape(item.label)
    if item.type in ("text", "date", "time", "number"):
        hint = {"date": " (date)", "time": " (time)"}.get(item.type, "")
        if item.type == "number":
            hint = f" ({describe_field(item)})"
        size = " short" if item.type != "text" else ""
        control = f'<input class="line{size}" type="text" id="{name}" name="{name}" title="{label}">'
        return (f'<div class="field short-answer">\n<label for="{name}">{label}{escape(hint)}{required}</label>'
                f"{help_text}\n{control}\n</div>")
    if item.type == "long_text":
        return (f'<div class="field long-answer">\n<label for="{name}">{label}{required}</label>{help_text}\n'
                f'<textarea class="box" id="{name}" name="{name}" title="{label}"></textarea>\n</div>')
    if item.type == "yes_no":
        both = "".join(_choice("radio", name, f"{name}:{value}", value, word) for value, word in
                       (("yes", "Yes"), ("no", "No")))
        return _fieldset(label + required, help_text, f'<div class="choices inline">{both}</div>')
    if item.type in ("choice", "checklist"):
        kind = "radio" if item.type == "choice" else "checkbox"
        choices = []
        for index, option in enumerate(item.options, start=1):
            value = option.skill or option.id or str(index)
            field_name = name if kind == "radio" else _name(homework_id, item.id, value)
            choices.append(_choice(kind, field_name, f"{name}:{value}", value, option.label))
        note = " (tick all that apply)" if kind == "checkbox" else " (choose one)"
        return _fieldset(label + escape(note) + required, help_text, f'<div class="choices">{"".join(choices)}</div>')
    if item.type == "rating":
        return _fieldset(label + required, help_text, _rating(name, item))
    if item.type == "grid":
        return _fieldset(label + required, "", _grid(homework_id, item), classes="grid-field")
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
        cells.append(f'<td><label for="{name}:{point}"><span class="point">{point}</span>'
                     f'<input type="radio" id="{name}:{point}" name="{name}" value="{point}" title="{escape(title)}">'
                     f'<span class="anchor">{escape(word)}</span></label></td>')
    return f'<table class="rating" role="presentation"><tr>{"".join(cells)}</tr></table>'


def _grid(homework_id: str, item: Field) -> str:
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in item.columns)
    scales = {_row_scale(row) for row in item.rows}
    shared = scales.pop() if len(scales) == 1 else None
    rows = []
    for row in item.rows:
        scale = "" if shared is not None else _row_scale(row)
        cells = []
        for column in item.columns:
            cell_name = _name(homework_id, item.id, row.id, _slug(column))
            title = escape(f"{row.label}, {column}")
            if row.type == "yes_no":
                control = f'<input type="checkbox" name="{cell_name}" value="yes" title="{title}">'
            else:
                control = f'<input type="text" name="{cell_name}" title="{title}" class="cell">'
            cells.append(f"<td>{control}</td>")
        note = f' <span class="scale">({escape(scale)})</span>' if scale else ""
        rows.append(f'<tr><th scope="row">{escape(row.label)}{note}</th>{"".join(cells)}</tr>')
    words = " ".join(part for part in (item.help, f"Scale: {shared}." if shared else "") if part)
    caption = f"<caption>{escape(words)}</caption>" if words else ""
    return (f'<table class="grid">{caption}<thead><tr><td class="corner"></td>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _row_scale(row: Field) -> str:
    if row.type == "yes_no":
        return "tick the day if yes"
    if row.type in ("rating", "number"):
        return describe_field(row)
    return "a word or two"


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


