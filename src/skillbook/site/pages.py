"""The site being written in, what skillbook's theme shows on each page out; at the end, the search
index, the service worker and the web app manifest.

The theme (`theme/skillbook/`) is a small one of our own: every page is readable, navigable and
has crisis help with no JavaScript, and loads nothing but one stylesheet and one deferred script.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.application import Sphinx

from skillbook.checking.reviews import DUE_SOON_DAYS, REVIEW_CYCLE_YEARS, STATE_ORDER, ReviewStatus, review_statuses
from skillbook.reading.models import Homework, Module, Skill, Step
from skillbook.reading.textmessage import text_message
from skillbook.reading.wording import Words, words_for
from skillbook.site import cards as sb
from skillbook.site import companion
from skillbook.site.chooser import safety_plan
from skillbook.site.navigation import Contents, read_contents, render_contents
from skillbook.site.offline import MANIFEST, write_offline
from skillbook.site.search import PageText, page_words, search_index
from skillbook.worksheets.paper import crisis_box
from skillbook.worksheets.render import cards_name

if TYPE_CHECKING:
    from skillbook.site.extension import SiteData

THEME = Path(__file__).parent / "theme"
SEARCH_INDEX = "skillbook-search.json"
SEARCH_PAGE = "search"
REVIEW_PAGE = "review-status"  # the clinician edition's list of pages by review status
_OUR_ASSETS = ("_static/skillbook.css", "_static/skillbook.js", "_static/skillbook-icon.svg",
               "_static/skillbook-icon-192.png", "_static/skillbook-icon-512.png")
EDITION_NAMES = {"client": "", "clinician": "Clinician edition"}


def contents(app: Sphinx, data: SiteData) -> Contents:
    """The contents list the client sees (or, in the clinician edition, every page)."""
    if data.contents is None:
        client = app.config.skillbook_edition == "client"
        data.contents = read_contents(Path(app.config.external_toc_path),
                                      keep=lambda d: not client or data.audiences.get(d, "client") == "client")
    return data.contents


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                 doctree: nodes.document | None, data: SiteData) -> None:
    """Fill in what `layout.html` prints: the contents, crisis link, print crisis box, footer."""
    config = data.project.config
    builder = app.builder
    titles = _titles(app, data)
    item = data.items.get(pagename)
    crisis = config.crisis_page
    context["skillbook_language"] = config.language
    context["skillbook_crisis_doc"] = crisis if crisis in app.env.found_docs else None
    context["skillbook_finder_doc"] = config.finder_page
    own = companion.own_pages(data.handbook)

    def link(docname: str) -> str:  # "My safety plan" in the contents too: the client's own plan
        return sb.relative_uri(pagename, own[docname]) if docname in own else builder.get_relative_uri(pagename,
                                                                                                       docname)

    context["skillbook_nav"] = render_contents(contents(app, data), pagename, titles, link)
    context["skillbook_page_kind"] = {Skill: "skill", Homework: "worksheet", Module: "module"}.get(
        type(item), "page") if item else ("pocket" if pagename.startswith("pocket/") else
                                          "fill" if pagename.startswith(f"{companion.FILL}/") or
                                          pagename == companion.ASSIGN else "page")
    plan = companion.safety_plan_page(data.handbook)
    context["skillbook_plan"] = sb.relative_uri(pagename, f"{plan}.html") if plan else None
    context["skillbook_plan_current"] = pagename == plan
    context["skillbook_quick_exit"] = config.quick_exit if companion.needs_quick_exit(
        pagename, item, config.crisis_page, data.quick_exit_terms) else None
    labels = words_for(config.language)
    context["skillbook_labels"] = {"plan": labels["chooser.plan"], "quick_exit": labels["companion.quick_exit"]}
    context["skillbook_companion"] = "assign-page.js" if pagename == companion.ASSIGN else (
        "main.js" if pagename.startswith(f"{companion.FILL}/") else None)
    context["skillbook_edition_name"] = EDITION_NAMES.get(app.config.skillbook_edition, "")
    context["skillbook_review_doc"] = REVIEW_PAGE if app.config.skillbook_edition == "clinician" else None
    context["skillbook_print_crisis"] = print_crisis_box(data)
    context["skillbook_footer"] = f"{config.title} · content licence {config.license}"
    context["skillbook_side_links"] = [(d, titles.get(d, d)) for d in sorted(data.audiences)
                                       if data.audiences[d] != "client" and d in app.env.found_docs
                                       and app.config.skillbook_edition == "client"]
    body = str(context.get("body", ""))
    context["skillbook_extra_css"] = [name for name, needed in _extra_css(app) if needed in body]
    context["skillbook_live_reload"] = app.config.skillbook_live_reload


def _extra_css(app: Sphinx) -> list[tuple[str, str]]:
    """Stylesheets of extensions that only some pages need, with the markup that needs them."""
    found = []
    for css, _attributes in app.registry.css_files:
        name = f"_static/{css}"
        if "sphinx-design" in name:
            found.append((name, 'class="sd-'))
    return found


def print_crisis_box(data: SiteData) -> str:
    """The configured crisis contacts, printed at the foot of every page (hidden on screen): the
    worksheets' own box, so that paper from the site and paper from a PDF say the same."""
    config = data.project.config
    if not config.crisis_regions:
        return ""
    return f'<div class="sb-print-crisis">{crisis_box(config, words_for(config.language))}</div>'


def generated_pages(app: Sphinx, data: SiteData) -> list[str]:
    """The pages this extension writes itself, with no source: search, the clinician edition's review
    status, a pocket card for every published skill."""
    names = [SEARCH_PAGE, *([REVIEW_PAGE] if app.config.skillbook_edition == "clinician" else [])]
    names += [pocket_page(s.id) for s in data.handbook.skills if s.is_published]
    names += [companion.INDEX, companion.fill_page(companion.OWN_CARD)]
    names += [companion.fill_page(h.id) for h in companion.published(data.handbook)]
    return names + ([companion.ASSIGN] if app.config.skillbook_edition == "clinician" else [])


def extra_pages(app: Sphinx, data: SiteData) -> Iterator[tuple[str, dict[str, Any], str]]:
    """`html-collect-pages`: the generated pages (Sphinx's own search and index are switched off)."""
    skills = {pocket_page(s.id): s for s in data.handbook.skills}
    words = words_for(data.project.config.language)
    for name in generated_pages(app, data):
        if name == SEARCH_PAGE:
            yield SEARCH_PAGE, {"title": "Search"}, "search.html"
        elif name == companion.INDEX or name.startswith(f"{companion.FILL}/") or name == companion.ASSIGN:
            yield companion_page(app, data, name)
        elif name == REVIEW_PAGE:
            yield REVIEW_PAGE, {"title": words["reviews.title"], "body": review_page_body(
                review_statuses(data.handbook, data.today), words,
                lambda docname: app.builder.get_relative_uri(REVIEW_PAGE, docname))}, "generated.html"
        else:
            if not data.pockets_stale and (Path(app.outdir) / f"{name}.html").is_file():
                continue  # what it shows is unchanged: writing the card again would give the same bytes
            skill = skills[name]
            pdf = app.config.skillbook_pdfs.get(cards_name(skill.module))
            yield name, {"title": words_for(skill.language).format("pocket.title", title=skill.title),
                         "body": pocket_body(skill, app.builder.get_relative_uri(name, skill.docname),
                                             sb.relative_uri(name, pdf) if pdf else None,
                                             _fills(name, skill, data))}, "pocket.html"


def _fills(name: str, skill: Skill, data: SiteData) -> tuple[tuple[str, str], ...]:
    """The fill pages of a skill's published worksheets, as (title, address from `name`)."""
    return tuple((item.title, sb.relative_uri(name, f"{companion.fill_page(h)}.html"))
                 for h in skill.worksheets if (item := data.by_id.get(("homework", h))))


def companion_page(app: Sphinx, data: SiteData, name: str) -> tuple[str, dict[str, Any], str]:
    """A fill page, the list of them, or the clinician edition's assignment page."""
    config = data.project.config
    words = words_for(config.language)
    item_id = name.removeprefix(f"{companion.FILL}/")
    item = companion.own_card(config.language) if item_id == companion.OWN_CARD else \
        data.by_id.get(("homework", item_id)) if name.startswith(f"{companion.FILL}/") else None
    assert item is None or isinstance(item, Homework)

    def uri(target: str) -> str:  # a site path (with its suffix) as seen from this page
        return sb.relative_uri(name, target)

    def page(docname: str) -> str:
        return app.builder.get_relative_uri(name, docname)

    forms = companion.catalogue(data.handbook, lambda form: uri(f"{companion.fill_page(form)}.html"))
    pdfs = app.config.skillbook_pdfs
    pdf = pdfs.get(item.id) if item else None
    links = companion.Links(about=page(item.docname) if item and item.docname else None,
                            pdf=uri(pdf) if pdf else None, index=uri(f"{companion.INDEX}.html"),
                            crisis=page(config.crisis_page))
    plan = companion.safety_plan_page(data.handbook)
    payload = companion.page_data(
        form=companion.form_data(item, frozenset(s.id for s in data.handbook.skills if s.is_published),
                                 data.publication) if item else None,
        config=config, words=words, links=links, forms=forms, plan=uri(f"{plan}.html") if plan else None)
    if item is not None:
        return name, {"title": item.title, "body": companion.fill_body(item, payload, words)}, "generated.html"
    if name == companion.ASSIGN:
        client = config.base_url + f"/{companion.INDEX}.html" if config.base_url else ""
        return name, {"title": words["companion.assign.title"],
                      "body": companion.assign_body(payload, words, client)}, "generated.html"
    return name, {"title": words["companion.home_title"], "body": companion.index_body(payload, words)}, \
        "generated.html"


def review_page_body(rows: list[ReviewStatus], words: Words, link: Callable[[str], str]) -> str:
    """The clinician edition's page of review status: every published page, the most urgent first."""
    lines = [f'<div class="skillbook-review-status"><h1>{escape(words["reviews.title"])}</h1>',
             f'<p>{escape(words.format("reviews.intro", years=REVIEW_CYCLE_YEARS, days=DUE_SOON_DAYS))}</p>']
    for state in STATE_ORDER:
        chosen = [r for r in rows if r.state is state]
        lines.append(f'<h2 id="{state.value}">{escape(words["reviews." + state.value])} ({len(chosen)})</h2>')
        if not chosen:
            continue
        head = "".join(f'<th scope="col">{escape(words[k])}</th>' for k in
                       ("reviews.page", "reviews.kind", "reviews.reviewed_on", "reviews.reviewed_by", "reviews.due_on"))
        lines.append(f"<table><thead><tr>{head}</tr></thead><tbody>")
        for row in chosen:
            cells = [f'<th scope="row"><a href="{escape(link(row.docname))}">{escape(row.title)}</a></th>',
                     f"<td>{escape(words.named('kind', row.kind))}</td>",
                     f"<td>{escape(words.long_date(row.reviewed_on)) if row.reviewed_on else '–'}</td>",
                     f"<td>{escape(', '.join(row.reviewed_by)) or '–'}</td>",
                     f"<td>{escape(words.long_date(row.next_review)) if row.next_review else '–'}</td>"]
            lines.append(f"<tr>{''.join(cells)}</tr>")
        lines.append("</tbody></table>")
    lines.append("</div>")
    return "\n".join(lines)


POCKET_TEXT = 420  # characters of step prompts and cautions a card shows in full on a phone


def pocket_page(skill_id: str) -> str:
    return f"pocket/{skill_id}"


def pocket_body(skill: Skill, page: str, pdf: str | None, fills: tuple[tuple[str, str], ...] = ()) -> str:
    """The card: title, the cautions (the skill's, then each step's), the steps, the text-message form."""
    form = text_message(skill)
    words = words_for(skill.language)
    lines = [f'<div class="skillbook-pocket"><h1>{escape(skill.title)}</h1>']
    if skill.all_cautions:  # the gist on the card, every note one tap away
        lines.append(f'<div class="admonition caution"><p class="admonition-title">{escape(words["pocket.caution"])}'
                     f"</p><p>{escape(form.cautions)}</p><details><summary>{escape(words['pocket.every_note'])}"
                     "</summary><ul>")
        lines += [f"<li>{escape(c)}</li>" for c in skill.cautions]
        lines += [f"<li>{escape(s.name)}: {escape(s.caution)}</li>" for s in skill.steps if s.caution]
        lines.append("</ul></details></div>")
    # a card fits one phone screen: with long steps it shows their names, the rest one tap away
    inline = sum(len(s.prompt) + len(s.caution) for s in skill.steps) <= POCKET_TEXT
    lines.append('<ol class="skillbook-steps">')
    for step in skill.steps:
        label = f"{step.key} – {step.name}" if step.key else step.name
        if inline:
            lines.append(f"<li><strong>{escape(label)}</strong>: {escape(step.prompt)}"
                         f"{_step_caution(step, words)}</li>")
        else:
            marker = (f' <span class="skillbook-step-caution">{escape(words["pocket.see_caution"])}</span>'
                      if step.caution else "")
            lines.append(f"<li><strong>{escape(label)}</strong>{marker}</li>")
    lines.append("</ol>")
    if not inline:
        lines.append(f'<details class="skillbook-how"><summary>{escape(words["pocket.how"])}</summary><ol>')
        lines += [f"<li><strong>{escape(step.name)}</strong>: {escape(step.prompt)}{_step_caution(step, words)}</li>"
                  for step in skill.steps]
        lines.append("</ol></details>")
    lines.append(f'<details class="skillbook-sms"><summary>{escape(words["pocket.as_text"])}</summary>')
    lines += [f"<p>{escape(m)}</p>" for m in (*form.steps, *([form.cautions] if form.cautions else []))]
    lines.append("</details>")
    links = [f'<a href="{escape(page)}">{escape(words["pocket.whole_skill"])}</a>']
    links += [f'<a href="{escape(href)}">{escape(words.format("pocket.fill", title=title))}</a>'
              for title, href in fills]
    if pdf:
        links.append(f'<a href="{escape(pdf)}">{escape(words["pocket.pdf"])}</a>')
    lines.append(f'<p class="skillbook-pocket-links">{" · ".join(links)}</p></div>')
    return "\n".join(lines)


def _step_caution(step: Step, words: Words) -> str:
    if not step.caution:
        return ""
    return (f'<br><span class="skillbook-step-caution"><strong>{escape(words["site.caution"])}</strong>'
            f"{escape(step.caution)}</span>")


def finish(app: Sphinx, data: SiteData) -> None:
    """`build-finished`: what earlier builds left goes, then the search index, then the offline
    files that cache everything."""
    site = Path(app.outdir)
    _prune(app, data, site)
    config = data.project.config
    titles = _titles(app, data)
    shown = [d for d in contents(app, data).docnames() if d in app.env.found_docs]
    words: dict[str, str] = getattr(app.env, "skillbook_words", {})
    pages = [PageText(d, titles.get(d, d), _headings(app, d), words.get(d, "")) for d in shown]
    plan = safety_plan(data.handbook)
    own = companion.own_pages(data.handbook)

    def url(docname: str) -> str:  # the safety plan: the client's own (search offers it in a crisis)
        return own.get(docname) or app.builder.get_target_uri(docname)

    index = search_index(pages, data.handbook, data.terms, url, config.crisis_page, plan.docname if plan else None)
    (site / SEARCH_INDEX).write_text(json.dumps(index, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
                                     encoding="utf-8")
    html = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if not {"_static", "_sources", "_images"} & set(p.relative_to(site).parts))
    crisis = app.builder.get_target_uri(config.crisis_page)
    first = [crisis, *_OUR_ASSETS]
    images = sorted(p.relative_to(site).as_posix() for p in (site / "_images").rglob("*") if p.is_file()) \
        if (site / "_images").is_dir() else []
    extra = sorted(name for name, _needed in _extra_css(app) if (site / name).is_file())
    # the companion's code after the pages: cached in the background, like the fill pages that need it
    rest = [p for p in html if p != crisis] + extra + images + list(companion.ASSETS) + [SEARCH_INDEX, MANIFEST]
    short = config.title if len(config.title) <= 12 else config.title.split()[0]
    start = app.builder.get_target_uri(app.config.root_doc)
    write_offline(site, first=first, rest=rest, title=config.title, short_title=short, language=config.language,
                  start=start, digests=Path(app.doctreedir) / "skillbook-offline.json")


def _prune(app: Sphinx, data: SiteData, site: Path) -> None:
    """Sphinx never removes a file it wrote once: a page that became a draft, a picture no page
    shows any more, another theme's assets. Only what this build wrote and uses stays published."""
    builder: Any = app.builder
    keep = {builder.get_target_uri(d) for d in app.env.found_docs} | {"index.html"}
    keep |= {f"{name}.html" for name in generated_pages(app, data)}
    keep |= {f"{builder.imagedir}/{name}" for name in builder.images.values()}
    keep |= {f"_downloads/{target}" for _docs, target in app.env.dlfiles.values()}
    keep |= set(_OUR_ASSETS) | set(companion.ASSETS) | {name for name, _needed in _extra_css(app)} | {"objects.inv"}
    for path in sorted(site.rglob("*"), reverse=True):  # files before the folders they are in
        relative = path.relative_to(site).as_posix()
        if path.is_file() and relative not in keep:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def remember_words(app: Sphinx, doctree: nodes.document) -> None:
    """`doctree-read`: the words of the page as readers see it (its card included), for search."""
    if not hasattr(app.env, "skillbook_words"):
        app.env.skillbook_words = {}  # type: ignore[attr-defined]
    app.env.skillbook_words[app.env.docname] = page_words(_shown_text(doctree))  # type: ignore[attr-defined]


def _shown_text(doctree: nodes.document) -> str:
    """The text of a page without docutils' messages (an "INFO: Duplicate implicit target" names the
    file's path on the machine that built it; readers never see them)."""
    if next(doctree.findall(nodes.system_message), None) is None:
        return doctree.astext()
    shown = doctree.deepcopy()
    for message in list(shown.findall(nodes.system_message)):
        message.parent.remove(message)
    return shown.astext()


def _titles(app: Sphinx, data: SiteData) -> dict[str, str]:
    if data.titles is None:
        data.titles = {docname: title.astext() for docname, title in app.env.titles.items()}
    return data.titles


def _headings(app: Sphinx, docname: str) -> tuple[str, ...]:
    toc = app.env.tocs.get(docname)
    if toc is None:
        return ()
    return tuple(ref.astext() for ref in toc.findall(nodes.reference))[1:]  # the first is the page title

