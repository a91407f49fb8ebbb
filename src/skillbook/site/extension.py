"""Sphinx extension: validated skillbook metadata in, the handbook's cards, lists, notices and JSON-LD out.

Listed in `_config.yml` under `sphinx: extra_extensions` (as `skillbook.sphinxext`, which loads this
module), so a plain `jupyter-book build .` renders the same pages as `skillbook build`. Everything
that knows about Sphinx lives in this package, `skillbook.site`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from skillbook import __version__
from skillbook.bundle.fhir import Publication
from skillbook.checking.reviews import ReviewState, review_state
from skillbook.checking.validate import ValidationResult, validate
from skillbook.reading import targets
from skillbook.reading.allowlist import MYST_EXTENSIONS
from skillbook.reading.discover import Kind, discover
from skillbook.reading.editions import split_clinician_notes
from skillbook.reading.fingerprint import code_digest
from skillbook.reading.frontmatter import find_front_matter, split_lines, starts_like_front_matter
from skillbook.reading.models import Handbook, Homework, Item, Module, Skill
from skillbook.reading.project import Project, load_project
from skillbook.reading.tracked import tracked_files
from skillbook.reading.vocabulary import DEFAULT_BANDS, Band, Term
from skillbook.reading.wording import words_for
from skillbook.reading.yamlload import load_yaml
from skillbook.site import cards as sb
from skillbook.site import companion, gate, pages
from skillbook.site.chooser import choices, safety_plan
from skillbook.site.jsonld import json_ld
from skillbook.site.navigation import Contents
from skillbook.site.right_now import chooser_nodes
from skillbook.site.rules import ContentRules
from skillbook.worksheets.render import HANDBOOK_CARDS, OWN_CARD, cards_name, packet_name

HERE = Path(__file__).parent
logger = logging.getLogger(__name__)

# Results the caller already has (skillbook build validates before Sphinx runs), keyed by project root.
_primed: dict[str, ValidationResult] = {}


def prime(project: Project, result: ValidationResult,
          count: Callable[[str, int, int], None] | None = None) -> None:
    """Hand a validation result to the next Sphinx run for `project`, so it is not computed twice,
    and where to report the pages it reads and writes (`skillbook build` shows them)."""
    global _count
    _primed[str(project.root.resolve())] = result
    _count = count


_count: Callable[[str, int, int], None] | None = None
_pages = {"read": 0, "to read": 0, "written": 0}


def _reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    _pages.update({"read": 0, "to read": len(docnames), "written": 0})
    if _count and docnames:
        _count("pages read", 0, len(docnames))


def _read_one(app: Sphinx, docname: str, source: list[str]) -> None:
    _pages["read"] += 1
    if _count:
        _count("pages read", _pages["read"], _pages["to read"])


def _written_one(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    _pages["written"] += 1
    if _count:
        _count("pages written", _pages["written"], 0)


@dataclass
class SiteData:
    project: Project
    handbook: Handbook
    vocabulary: dict[str, dict[str, str]]
    terms: dict[str, tuple[Term, ...]] = field(default_factory=dict)
    bands: tuple[Band, ...] = DEFAULT_BANDS
    items: dict[str, Item] = field(default_factory=dict)  # docname -> published item
    by_id: dict[tuple[str, str], Item] = field(default_factory=dict)  # (kind, id) -> published item
    audiences: dict[str, str] = field(default_factory=dict)  # docname -> client | clinician | developer
    today: dt.date = field(default_factory=dt.date.today)  # whether a review is overdue depends on it
    # filled in while pages are read and written
    contents: Contents | None = None
    titles: dict[str, str] | None = None
    pockets_stale: bool = True  # the pocket cards show something that changed since the last build

    @property
    def publication(self) -> Publication:
        """Who publishes the handbook's forms: the identity of its FHIR Questionnaires."""
        config = self.project.config
        return Publication(handbook=config.bundle_name, base_url=config.base_url)

    @property
    def quick_exit_terms(self) -> frozenset[str]:
        return frozenset(t.id for group in self.terms.values() for t in group if t.quick_exit)

    def docname(self, kind: str, item_id: str) -> str | None:
        item = self.by_id.get((kind, item_id))
        return item.docname if item else None


def _data(app: Sphinx) -> SiteData:
    data: SiteData = app.skillbook  # type: ignore[attr-defined]
    return data


def _numbering(app: Sphinx, config: Config) -> None:
    if not config.skillbook_number_figures:
        config.numfig = False


def _configure(app: Sphinx, config: Config) -> None:
    # The page title comes from `title:` in the front matter, not from a `#` heading in the body.
    config.myst_title_to_header = True
    # Strict builds see every warning; Jupyter Book would hide myst.domains ones.
    config.suppress_warnings = []
    config.show_warning_types = True  # `[skillbook.<rule>]`: skillbook build reports the rule
    # Content never executes code, whatever _config.yml or a notebook says (validate refuses both).
    notebooks = "nb_execution_mode" in config  # MyST-NB is loaded only when there are notebooks
    if notebooks:
        config.nb_execution_mode = "off"
    # Exactly the Markdown that `skillbook validate` parses: no raw-HTML extensions, no linkify.
    config.myst_enable_extensions = sorted(MYST_EXTENSIONS)
    config.myst_url_schemes = sorted(targets.LINK_SCHEMES)
    config.myst_substitutions = {key: str(value) for key, value in (config.myst_substitutions or {}).items()}
    # Nothing but the extension's own assets on every page: Jupyter Book adds every file of a
    # root `_static/` folder to every page, and _config.yml could list more.
    config.html_js_files = []
    config.html_css_files = []
    config.html_extra_path = []
    config.html_static_path = []
    config.source_suffix = {suffix: kind for suffix, kind in dict(config.source_suffix).items()
                            if suffix in (".md", ".ipynb")}
    # One reader of the tree: Sphinx reads exactly the pages `skillbook validate` checks (and of those
    # only the ones the contents list names), whatever _config.yml says.
    sources, _problems = discover(load_project(Path(app.srcdir)))
    config.include_patterns = [source.rel for source in sources]
    config.external_toc_exclude_missing = True
    # MyST settings a page or _config.yml could use to run code or rewrite links and headers
    config.myst_heading_slug_func = None
    config.myst_html_meta = {}
    # Sphinx follows symbolic links to folders when it looks for pages: a link to the project's own
    # root would send it round in circles, a link elsewhere would publish what is there.
    config.exclude_patterns = [*config.exclude_patterns, *gate.linked_folders(Path(app.srcdir))]
    # skillbook's own small theme (sphinx-book-theme sends 1.5 MB of icon script with every page)
    config.html_theme = "skillbook"
    config.html_theme_options = {}
    config.html_use_index = False
    # no build timestamps in pages: two builds of the same content are byte-identical
    config.html_last_updated_fmt = None
    # Sphinx copies sources verbatim into _sources/: that would publish clinician notes to clients.
    config.html_copy_source = False
    # a sized picture is not wrapped in a link to its file: an SVG opened as a document is a page of its own
    config.html_scaled_image_link = False
    # our reader for notebooks (front matter, editions); MyST-NB uses it instead of its default one
    if notebooks:
        config.nb_custom_formats = {**(config.nb_custom_formats or {}), ".ipynb": (
            "skillbook.site.extension.read_notebook", {"edition": config.skillbook_edition}, False)}


def _load(app: Sphinx) -> None:
    project = load_project(Path(app.srcdir))
    gate.install(app, project.content_dir)
    result = _primed.pop(str(project.root.resolve()), None) or validate(project)
    for issue in result.errors:
        logger.warning("%s:%s:%s: %s[%s]: %s (%s)", issue.path, issue.line, issue.column, issue.severity.value,
                       issue.rule, issue.message, issue.hint, type="skillbook", subtype=issue.rule)
    # the theme's search page and index replace Sphinx's (whose index is several times larger)
    app.builder.search = False  # type: ignore[attr-defined]
    data = SiteData(project, result.handbook, result.vocabulary, result.terms, result.bands)
    for document in result.documents:
        audience = document.data.get("audience") if document.source.kind is Kind.PAGE else None
        data.audiences[document.source.docname] = audience if isinstance(audience, str) else "client"
    for kind, items in (("module", result.handbook.modules), ("skill", result.handbook.skills),
                        ("homework", result.handbook.homework)):
        for item in items:
            if item.is_published:
                data.items[item.docname] = item
                data.by_id[(kind, item.id)] = item
    app.skillbook = data  # type: ignore[attr-defined]


def _settings_hash(app: Sphinx) -> str:
    """A digest of everything outside the page sources that pages are rendered from."""
    data = _data(app)
    config = data.project.config
    payload = json.dumps([__version__, repr(config), sorted(app.config.skillbook_pdfs.items()),
                          app.config.skillbook_changelog,
                          data.vocabulary, data.terms, data.bands, data.audiences,
                          sorted(d for d, item in data.items.items()
                                 if review_state(item, data.today) is ReviewState.OVERDUE)],
                         sort_keys=True, default=str)
    digest = hashlib.sha256(payload.encode())
    # how pages are read before Sphinx parses them (front matter, clinician notes, the allowlist)
    digest.update(code_digest("reading").encode())
    # the theme's templates and assets, and this extension's own code (it renders every page)
    for path in sorted([*pages.THEME.rglob("*"), *HERE.glob("*.py"), *HERE.glob("*.js")]):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
              removed: set[str]) -> list[str]:
    """Pages built from other pages' metadata are re-read whenever any page changed."""
    digest = _settings_hash(app)
    data = _data(app)
    # the metadata every aggregate page is made of (an item's repr leaves its body out): a page whose
    # body alone was edited, the commonest save while writing, re-reads that page and nothing else
    metadata = hashlib.sha256(repr(data.handbook).encode()).hexdigest()
    known = getattr(env, "skillbook_metadata", None)
    env.skillbook_metadata = metadata  # type: ignore[attr-defined]
    if getattr(env, "skillbook_settings", None) != digest:
        env.skillbook_settings = digest  # type: ignore[attr-defined]
        return sorted(env.found_docs)
    if added or removed or (changed and known != metadata):
        return sorted(getattr(env, "skillbook_aggregates", set()) & env.found_docs)
    data.pockets_stale = False  # nothing a pocket card shows has changed, unless a title did (`_updated`)
    return []


def _updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """`env-updated`: every page shows the contents, with the title of each page in it. Sphinx writes
    only the pages it read again, so when a title changed (a plain page's `#` heading, say), or the
    contents did, every page is written again, the pocket cards too."""
    toc = Path(app.config.external_toc_path)
    navigation = hashlib.sha256(json.dumps([
        toc.read_text(encoding="utf-8") if toc.is_file() else "",
        sorted((docname, title.astext()) for docname, title in env.titles.items()),
    ]).encode()).hexdigest()
    known = getattr(env, "skillbook_navigation", None)
    env.skillbook_navigation = navigation  # type: ignore[attr-defined]
    if known is None or known == navigation:
        return []
    _data(app).pockets_stale = True
    return sorted(env.found_docs)


def _mark_aggregate(env: BuildEnvironment) -> None:
    if not hasattr(env, "skillbook_aggregates"):
        env.skillbook_aggregates = set()  # type: ignore[attr-defined]
    env.skillbook_aggregates.add(env.docname)  # type: ignore[attr-defined]


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, "skillbook_aggregates", set()).discard(docname)
    getattr(env, "skillbook_words", {}).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    if not hasattr(env, "skillbook_aggregates"):
        env.skillbook_aggregates = set()  # type: ignore[attr-defined]
    env.skillbook_aggregates |= getattr(other, "skillbook_aggregates", set())  # type: ignore[attr-defined]
    if not hasattr(env, "skillbook_words"):
        env.skillbook_words = {}  # type: ignore[attr-defined]
    env.skillbook_words.update(getattr(other, "skillbook_words", {}))  # type: ignore[attr-defined]


def _prepare_source(app: Sphinx, docname: str, source: list[str]) -> None:
    """Hand MyST only the front matter it uses (the title, as literal text), at the same line numbers.

    Our metadata is rendered by this extension from the validated model; MyST would otherwise
    turn every field into docinfo, read its own settings from it (execution, `html_meta`,
    substitutions), and parse the title as Markdown.
    """
    if not gate.check_source(app.env, docname):
        source[0] = ""
        return
    source[0] = gate.without_control_characters(source[0], docname)
    if docname in app.env.found_docs and app.env.doc2path(docname).endswith(".ipynb"):
        gate.check_notebook(source[0], docname)
    if app.config.skillbook_edition == "client":
        source[0] = _without_clinician_notes(source[0])
    lines = split_lines(source[0])
    if not starts_like_front_matter(lines):
        return
    found = find_front_matter(lines)
    if found is None or not found.exact:
        gate.report("front-matter-fence", "the page's first line starts like front matter but the block is not "
                    "exactly `---` … `---`; it was not read", "open and close front matter with lines of exactly "
                    "`---`", (docname, 1))
    if found is None:  # no block markdown-it reads, but MyST's own top-matter reader would take one
        source[0] = "\n".join(["", *lines[1:]])
        return
    close = found.close
    gate.check_front_matter("\n".join(lines[1:close]), docname)
    item = _data(app).items.get(docname)
    title = item.title if item else _front_matter_title(lines[1:close])
    # MyST and MyST-NB read a block written here, never the page's own: the same lines, so every
    # line keeps its number
    kept = [f"title: {json.dumps(literal_markdown(title))}" if title else "{}"] + [""] * (close - 1)
    source[0] = "\n".join(["---", *kept[:close - 1], "---", *lines[close + 1:]])


def literal_markdown(text: str) -> str:
    """Text that MyST renders exactly as written: metadata is plain text, never markup."""
    flat = " ".join(text.split())
    return "".join("\\" + char if char in _ASCII_PUNCTUATION else char for char in flat)


_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _front_matter_title(lines: list[str]) -> str:
    loaded = load_yaml("\n".join(lines))
    title = loaded.data.get("title") if isinstance(loaded.data, dict) else None
    return title if isinstance(title, str) else ""


def _without_clinician_notes(text: str) -> str:
    """The client edition's source (Markdown; notebooks go through `read_notebook`): notes at any
    depth, in any spelling MyST accepts, blanked out (the split returns the text itself when there is none)."""
    return split_clinician_notes(text)[0]


def read_notebook(text: str, edition: str = "client") -> Any:
    """Notebooks as MyST-NB should see them (registered as its `.ipynb` reader).

    MyST-NB reads no front matter from a cell: the first cell's front matter becomes the page
    title heading, and the client edition drops clinician notes from every Markdown cell.
    """
    import nbformat

    notebook = nbformat.reads(text, as_version=4)  # type: ignore[no-untyped-call]
    # Only Markdown reaches the page: no code, no stored outputs, no raw cells, no embedded
    # attachments, and no notebook settings for MyST-NB (validate refuses all of them).
    notebook.metadata = nbformat.from_dict({})  # type: ignore[no-untyped-call]
    notebook.cells = [cell for cell in notebook.cells if cell.cell_type == "markdown"]
    for index, cell in enumerate(notebook.cells):
        cell.pop("attachments", None)
        cell.metadata = nbformat.from_dict({})  # type: ignore[no-untyped-call]
        if index == 0:
            cell.source = _title_for_front_matter(cell.source)
        if edition == "client":
            cell.source = _without_clinician_notes(cell.source)
    return notebook


def _title_for_front_matter(source: str) -> str:
    lines = split_lines(source)
    found = find_front_matter(lines)
    if found is None:
        return "\n".join(["", *lines[1:]]) if starts_like_front_matter(lines) else source
    close = found.close
    title = _front_matter_title(lines[1:close])
    heading = [f"# {literal_markdown(title)}"] if title.strip() else []
    return "\n".join([*heading, *lines[close + 1:]])


def _strip_included(app: Sphinx, relative_path: Path, parent_docname: str, content: list[str]) -> None:
    """Files pulled in by `{include}` get the same treatment as pages."""
    content[0] = gate.without_control_characters(content[0], app.env.docname)
    if app.config.skillbook_edition == "client":
        content[0] = _without_clinician_notes(content[0])


def _read(app: Sphinx, doctree: nodes.document) -> None:
    """`doctree-read`: the page's words for search, as readers see it (its card included).

    A page written from its own doctree gets its card when it is written (`_Cards`): Sphinx keeps
    every page's doctree in memory from reading until writing, and cards made nearly half of that.
    """
    docname = app.env.docname
    if isinstance(_data(app).items.get(docname), Module):
        _mark_aggregate(app.env)
    section, added = _decorate(app, doctree, docname)
    pages.remember_words(app, doctree)
    if section is not None and _cards_when_written(app):
        for node in added:
            section.remove(node)


def _cards_when_written(app: Sphinx) -> bool:
    """Whether this builder writes each page from that page's doctree (a single-page or LaTeX build
    joins them all into one: its pages keep the cards they were read with)."""
    return isinstance(app.builder, StandaloneHTMLBuilder) and not isinstance(app.builder, SingleFileHTMLBuilder)


class _Cards(SphinxPostTransform):
    """The card of a page being written (see `_read`), before anything resolves its links."""

    default_priority = 0

    def run(self, **kwargs: Any) -> None:
        if _cards_when_written(self.app):
            _decorate(self.app, self.document, self.env.docname)


def _decorate(app: Sphinx, doctree: nodes.document, docname: str) -> tuple[nodes.Element | None, list[nodes.Node]]:
    """Add the card, lists and review notice of an item page, from its validated metadata; returns
    the section they went into, and what went in."""
    data = _data(app)
    item = data.items.get(docname)
    if item is None:
        return None, []
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return None, []
    title_index = section.first_child_matching_class(nodes.title)
    position = 0 if title_index is None else title_index + 1
    top: list[nodes.Node] = [sb.summary(item)]
    bottom: list[nodes.Node] = []
    words = words_for(item.language)
    if docname in app.config.skillbook_draft_docs:
        top.insert(0, sb.paragraph(nodes.strong(text=words["site.draft"]), words["site.draft_text"],
                                   classes=["skillbook-draft-notice"]))
    if isinstance(item, Skill):
        module = data.by_id[("module", item.module)]
        assert isinstance(module, Module)
        top.append(sb.skill_card(
            item, docname, module, data.vocabulary, data.project.config.finder_page,
            [d for d in (data.docname("homework", h) for h in item.worksheets) if d],
            [d for d in (data.docname("skill", s) for s in item.related) if d],
            {doc: app.config.skillbook_pdfs[h] for h in item.worksheets
             if h in app.config.skillbook_pdfs and (doc := data.docname("homework", h))},
            {doc: f"{companion.fill_page(h)}.html" for h in item.worksheets if (doc := data.docname("homework", h))},
        ))
    elif isinstance(item, Homework):
        module = data.by_id[("module", item.module)]
        assert isinstance(module, Module)
        practiced = [d for d in (data.docname("skill", s) for s in item.skills) if d]
        top.append(sb.homework_card(item, docname, module, practiced, app.config.skillbook_pdfs.get(item.id),
                                    f"{companion.fill_page(item.id)}.html"))
    elif isinstance(item, Module):
        skills = data.handbook.skills_of(item.id)
        if skills:
            bottom.append(sb.heading(words["site.module_skills"]))
            bottom.append(sb.item_list(docname, skills))
            cards = app.config.skillbook_pdfs.get(cards_name(item.id))
            if cards:
                link = sb.url_link(sb.relative_uri(docname, cards),
                                   words.format("cards.module_link", module=item.title))
                bottom.append(sb.paragraph(*sb.worded(words["cards.module"], link=link),
                                           classes=["skillbook-download"]))
        homework = data.handbook.homework_of(item.id)
        if homework:
            bottom.append(sb.heading(words["site.module_homework"]))
            bottom.append(sb.item_list(docname, homework))
            packet = app.config.skillbook_pdfs.get(packet_name(item.id))
            if packet:
                link = sb.url_link(sb.relative_uri(docname, packet),
                                   words.format("site.packet_link", module=item.title))
                bottom.append(sb.paragraph(*sb.worded(words["site.packet"], link=link),
                                           classes=["skillbook-download"]))
    bottom.append(sb.review_footer(item, data.today))
    for offset, node in enumerate(top):
        section.insert(position + offset, node)
    for node in bottom:
        section += node
    return section, [*top, *bottom]


class ClinicianNote(SphinxDirective):
    """`{clinician-note}`: shown in the clinician edition only.

    The client edition removes notes from the source before MyST reads it; a note that still arrives
    here (a reading of the source the split did not foresee) renders nothing and fails the build.
    """

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True

    def run(self) -> list[nodes.Node]:
        if self.config.skillbook_edition != "clinician":
            gate.report("clinician-note", "a `{clinician-note}` reached the client edition and was left out",
                        "write clinician notes as a directive of their own (at any depth) in a page or an "
                        "{include}d Markdown file, never in text shown as it is", (self.env.docname, self.lineno))
            return []
        note = nodes.admonition(classes=["skillbook-clinician-note"])
        label = words_for(_data(self.env.app).project.config.language)["site.for_clinicians"]
        note += nodes.title(text=f"{label}{': ' + self.arguments[0] if self.arguments else ''}")
        note += self.parse_content_to_nodes()
        return [note]


class CrisisServices(SphinxDirective):
    """`{crisis-services}`: the crisis lines configured in `_config.yml` (skillbook.crisis)."""

    def run(self) -> list[nodes.Node]:
        config = _data(self.env.app).project.config
        own = sb.relative_uri(self.env.docname, f"{companion.fill_page(companion.OWN_CARD)}.html")
        result: list[nodes.Node] = [sb.skillbook_own_card(
            html=companion.own_card_placeholder(own, words_for(config.language)))]
        if config.crisis_intro:
            result.append(sb.paragraph(config.crisis_intro, classes=["skillbook-crisis-intro"]))
        if not config.crisis_regions:
            logger.warning("no crisis services are configured (skillbook.crisis.regions in _config.yml)",
                           location=self.get_location())
        for region in config.crisis_regions:
            block = nodes.container(classes=["skillbook-crisis-region"])
            block += sb.heading(region.name, 2, anchor=f"crisis-{_slug(region.name)}")
            if region.emergency:
                numbers: list[nodes.Node | str] = []
                for index, number in enumerate(region.emergency):
                    numbers += ([" or "] if index else []) + [sb.url_link(f"tel:{_dialled(number)}", number)]
                block += sb.paragraph(nodes.strong(text="Emergency: "), *numbers, classes=["skillbook-emergency"])
            services = []
            for service in region.services:
                parts: list[nodes.Node | str] = [nodes.strong(text=service.name)]
                if service.phone:
                    parts += [" – call ", sb.url_link(f"tel:{_dialled(service.phone)}", service.phone)]
                if service.text:
                    word = f"{service.text_keyword} to " if service.text_keyword else ""
                    parts += [" – text ", word, service.text]
                if service.hours:
                    parts.append(f" ({service.hours})")
                if service.url:
                    parts += [" – ", sb.url_link(service.url, "website")]
                if service.notes:
                    parts.append(f". {service.notes}")
                services.append(parts)
            if services:
                block += sb.bullet_list(services, classes=["skillbook-crisis-services"])
            result.append(block)
        return result


def _dialled(number: str) -> str:
    """`116 123` -> `116123`: what a tel: or sms: link dials."""
    return "".join(c for c in number if c.isdigit() or c == "+")


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class SkillFinder(SphinxDirective):
    """`{skill-finder}`: "What can I do right now?": how strong, then what is happening, then the 3 to 5
    skills that fit (see `skillbook.site.chooser`), crisis help and the safety plan first where they belong."""

    def run(self) -> list[nodes.Node]:
        _mark_aggregate(self.env)
        data = _data(self.env.app)
        plan = safety_plan(data.handbook)
        return chooser_nodes(self.env.docname, choices(data.handbook, data.terms, data.bands),
                             data.project.config.crisis_page, plan.docname if plan else None,
                             words_for(data.project.config.language))


class ModuleList(SphinxDirective):
    """`{module-list}`: the published modules in order, with their summaries."""

    def run(self) -> list[nodes.Node]:
        _mark_aggregate(self.env)
        data = _data(self.env.app)
        modules = data.handbook.published_modules()
        counts = {m.id: f"{len(data.handbook.skills_of(m.id))} skills" for m in modules}
        return [sb.item_list(self.env.docname, modules, counts)]


class PocketCards(SphinxDirective):
    """`{pocket-cards}`: links to the printable pocket cards of every skill and the blank card."""

    def run(self) -> list[nodes.Node]:
        pdfs = self.env.app.config.skillbook_pdfs
        words = words_for(_data(self.env.app).project.config.language)
        parts: list[nodes.Node | str] = []
        if HANDBOOK_CARDS in pdfs:
            every = sb.url_link(sb.relative_uri(self.env.docname, pdfs[HANDBOOK_CARDS]), words["cards.every_link"])
            parts += sb.worded(words["cards.every"], link=every)
        if OWN_CARD in pdfs:
            own = sb.url_link(sb.relative_uri(self.env.docname, pdfs[OWN_CARD]), words["cards.own_link"])
            parts += sb.worded(words["cards.own"] if parts else words["cards.own_alone"], link=own)
        return [sb.paragraph(*parts, classes=["skillbook-download"])] if parts else []


class Changelog(SphinxDirective):
    """`{changelog}`: what changed since the previous release (the bundle's changelog.json), item by item."""

    def run(self) -> list[nodes.Node]:
        data = _data(self.env.app)
        changelog = self.env.app.config.skillbook_changelog
        words = words_for(data.project.config.language)
        version = changelog.get("version", data.project.config.version)
        previous = changelog.get("previous")
        if not previous:
            return [sb.paragraph(words.format("changes.not_compared", version=version))]
        result: list[nodes.Node] = [sb.paragraph(words.format(
            "changes.compared", version=version, previous=previous["version"],
            level=words.named("level_of_change", changelog.get("required", "none"))))]
        if not changelog.get("changes"):
            result.append(sb.paragraph(words["changes.nothing"]))
            return result
        entries = []
        for change in changelog["changes"]:
            item = data.by_id.get((change["kind"], change["id"]))
            name: nodes.Node = sb.doc_link(self.env.docname, item.docname) if item else \
                nodes.literal(text=change["id"])
            head: list[nodes.Node | str] = [f"{words.named('kind', change['kind'])} ", name, ": ",
                                            words.named("change", change["change"]),
                                            f" ({words.named('level_of_change', change['level'])})"]
            details = [[nodes.literal(text=f["path"]),
                        f": {f['change']} ({words.named('level_of_change', f['level'])})"]
                       for f in change.get("fields") or ()]
            entry: list[nodes.Node | str] = [sb.paragraph(*head)]
            if details:
                entry.append(sb.bullet_list(details))
            entries.append(entry)
        result.append(sb.bullet_list(entries, classes=["skillbook-changes"]))
        return result


def crisis_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
                options: dict[str, Any] | None = None, content: list[str] | None = None,
                ) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    """``{crisis}`crisis help` ``: on the site, a link to the crisis help page."""
    env = inliner.document.settings.env
    link = sb.doc_link(env.docname, _data(env.app).project.config.crisis_page, text)
    link["classes"].append("skillbook-crisis-ref")
    return [link], []


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                  doctree: nodes.document | None) -> None:
    data = _data(app)
    pages.page_context(app, pagename, templatename, context, doctree, data)
    item = data.items.get(pagename)
    context["metatags"] = context.get("metatags", "") + json_ld(
        item, title=context.get("title", ""), language=data.project.config.language,
        site_title=data.project.config.title, page_url=pagename + ".html",
    )


_ENTRY_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
{csp}
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="0; url={root}">
<link rel="canonical" href="{root}">
<title>{title}</title>
</head>
<body>
<main>
<p><a href="{crisis}">Crisis help: get support now</a></p>
<p><a href="{root}">Open {title}</a></p>
</main>
</body>
</html>
"""


def _entry_page(app: Sphinx, exception: Exception | None) -> None:
    """The site's front door: an accessible redirect to the root page (not a bare meta tag)."""
    if exception is not None or app.builder.format != "html" or app.config.master_doc == "index":
        return
    from html import escape

    config = _data(app).project.config
    text = _ENTRY_PAGE.format(csp=(pages.THEME / "skillbook" / "csp.html").read_text(encoding="utf-8").strip(),
                              lang=escape(config.language), root=escape(app.config.master_doc + ".html"),
                              crisis=escape(config.crisis_page + ".html"), title=escape(config.title))
    (Path(app.outdir) / "index.html").write_text(text, encoding="utf-8")


def _plan_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """`doctree-resolved`: every link to the safety plan's page (the crisis page's, the chooser's, a
    worksheet list's) opens the client's own plan on the phone, or the form to make one."""
    if app.builder.format != "html":
        return
    for page, own in companion.own_pages(_data(app).handbook).items():
        if page == docname:
            continue
        target = app.builder.get_relative_uri(docname, page)
        for reference in doctree.findall(nodes.reference):
            uri = reference.get("refuri", "")
            if uri == target or uri.startswith(target + "#"):
                reference["refuri"] = sb.relative_uri(docname, own)


def _offline(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        pages.finish(app, _data(app))


def _refuse_committed_environment(app: Sphinx) -> None:
    """`jupyter-book build .` keeps Sphinx's pickled environment in the project (`_build/.doctrees`),
    and Sphinx unpickles it right after the extensions are set up: one committed to the repository
    would run its author's code. (`skillbook build` keeps it outside the project.)"""
    source, doctrees = Path(app.srcdir).resolve(), Path(app.doctreedir).resolve()
    if source not in doctrees.parents:
        return
    tracked = tracked_files(source, doctrees.relative_to(source).as_posix())
    if tracked:
        raise ExtensionError(f"{tracked[0]} is tracked by git: Sphinx would load it and run what it holds; "
                             f"remove {doctrees.relative_to(source).as_posix()} from the repository "
                             "(`git rm -r --cached`) and build again")


def setup(app: Sphinx) -> dict[str, Any]:
    _refuse_committed_environment(app)
    app.add_html_theme("skillbook", str(pages.THEME / "skillbook"))
    app.add_config_value("skillbook_live_reload", False, "html", [bool])
    app.add_config_value("skillbook_pdfs", {}, "env", [dict])  # homework id -> site path of its PDF
    app.add_config_value("skillbook_changelog", {}, "env", [dict])  # the bundle's changelog.json
    app.add_config_value("skillbook_edition", "client", "env", [str])  # client | clinician
    app.add_config_value("skillbook_draft_docs", [], "env", [list])  # drafts shown by `skillbook serve`
    app.add_config_value("skillbook_number_figures", True, "env", [bool])  # False: nothing to number
    app.add_directive("clinician-note", ClinicianNote)
    app.add_node(sb.skillbook_heading, html=(sb.visit_heading_html, sb.depart_heading_html),
                 latex=(sb.visit_heading_plain, sb.depart_heading_plain),
                 text=(sb.visit_heading_plain, sb.depart_heading_plain))
    app.add_node(sb.skillbook_own_card, html=(sb.visit_own_card_html, None),
                 latex=(sb.visit_own_card_plain, None), text=(sb.visit_own_card_plain, None))
    app.add_directive("crisis-services", CrisisServices)
    app.add_directive("skill-finder", SkillFinder)
    app.add_directive("module-list", ModuleList)
    app.add_directive("pocket-cards", PocketCards)
    app.add_directive("changelog", Changelog)
    app.add_directive("content-rules", ContentRules)
    app.add_role("crisis", crisis_role)
    app.connect("config-inited", _configure)
    app.connect("env-before-read-docs", _reading)
    app.connect("source-read", _read_one)
    app.connect("html-page-context", _written_one)
    app.connect("config-inited", _numbering, priority=900)  # after sphinx-jupyterbook-latex forces it on
    app.connect("builder-inited", _load)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-updated", _updated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("source-read", _prepare_source)
    app.connect("include-read", gate.check_included, priority=100)
    app.connect("include-read", _strip_included)
    app.connect("doctree-read", gate.sweep, priority=100)  # before Sphinx collects images and downloads
    app.connect("doctree-read", _read)
    app.add_post_transform(_Cards)
    app.connect("doctree-resolved", gate.drop_injected_markup, priority=900)  # after sphinx-thebe adds its own
    app.connect("doctree-resolved", _plan_links)
    app.connect("html-page-context", _page_context)
    app.connect("html-collect-pages", lambda app: pages.extra_pages(app, _data(app)))
    app.connect("build-finished", _entry_page, priority=400)  # before sphinx-external-toc writes its own
    app.connect("build-finished", _offline, priority=600)  # after the front door: it is cached too
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 1}
