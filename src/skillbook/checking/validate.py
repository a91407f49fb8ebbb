"""A project in, every problem in its content out (never stopping at the first), plus the typed handbook."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import multiprocessing
import os
import pickle
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from skillbook import __version__
from skillbook.checking.body import BodyRules, check_body
from skillbook.checking.crossref import Entry, check_cross_references
from skillbook.checking.names import credential_warnings
from skillbook.checking.schema import SchemaSet, check_front_matter, load_schemas
from skillbook.checking.toc import check_toc
from skillbook.checking.verdict import Verdict, remember, run_key
from skillbook.issues import Issue, Severity
from skillbook.reading import allowlist
from skillbook.reading.discover import SOURCE_SUFFIXES, Kind, Source, discover
from skillbook.reading.document import Document, read_document
from skillbook.reading.fingerprint import code_digest
from skillbook.reading.models import Handbook, Homework, Module, Skill, build_item
from skillbook.reading.project import CONFIG_FILE, Project
from skillbook.reading.textmessage import text_problems
from skillbook.reading.tracked import tracked_output_issues
from skillbook.reading.vocabulary import DEFAULT_BANDS, Band, Term


@dataclass(frozen=True)
class ValidationResult:
    handbook: Handbook
    documents: tuple[Document, ...]
    issues: tuple[Issue, ...]
    vocabulary: dict[str, dict[str, str]] = field(default_factory=dict)  # tag kind -> id -> label
    terms: dict[str, tuple[Term, ...]] = field(default_factory=dict)  # tag kind -> words with their aliases
    bands: tuple[Band, ...] = DEFAULT_BANDS  # how strong a feeling or urge is, weakest first

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.is_error)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if not i.is_error)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def verdict(self) -> Verdict:
        return Verdict(self.issues, len(self.documents), self.handbook.draft_names())

    def for_outputs(self) -> ValidationResult:
        """The result without what only validation reads: where every YAML value was written, and an
        item's raw front matter (the handbook holds it typed). A build lets go of them before Sphinx
        (which keeps every page's doctree in memory until it writes the pages) and the worker
        processes (which would inherit them) start: about 30 MB at 1,000 pages."""
        return replace(self, documents=tuple(_for_outputs(d) for d in self.documents))


def _for_outputs(document: Document) -> Document:
    if document.meta is None:
        return document
    if document.source.kind is not Kind.PAGE:
        return replace(document, meta=None)
    return replace(document, meta=replace(document.meta, values={}, keys={}))  # a page's audience stays


def validate(project: Project, *, strict: bool = False, today: dt.date | None = None,
             cache_dir: Path | None = None) -> ValidationResult:
    """Every problem of the project. With `cache_dir`, files unchanged since the last run (the same
    bytes, the same schemas, the same set of files) are not checked again: `skillbook validate`
    and `skillbook build` share that cache."""
    with _without_cycle_collection():
        return _validate(project, strict=strict, today=today or dt.date.today(), cache_dir=cache_dir)


def _validate(project: Project, *, strict: bool, today: dt.date, cache_dir: Path | None) -> ValidationResult:
    key = run_key(project, strict=strict, today=today) if cache_dir else ""
    schemas = load_schemas(project.schemas_dir, today=today)
    sources, issues = discover(project)
    # files discover reports exist but are not read: the table of contents may still name them
    unread = {issue.path.rsplit(".", 1)[0] for issue in issues if issue.path.endswith(SOURCE_SUFFIXES)}
    documents: list[Document] = []
    entries: list[Entry] = []
    broken: set[str] = set()
    unverified: set[tuple[Kind, str]] = set()
    cache = _FileCache.load(cache_dir, project, sources, today) if cache_dir else None
    known = cache.known(sources) if cache else {}
    rules = BodyRules(project.content_dir, frozenset(project.config.substitutions), project.config.max_file_size)
    unknown = [s for s in sources if s.rel not in known]
    if unknown:
        schemas.validators.build_all()
    fresh = _check_files(unknown, schemas, rules)
    if cache and fresh:  # nothing new: the file on disk already holds every entry
        cache.save(fresh)
    for checked in sorted([*known.values(), *(c for c, _ in fresh)], key=lambda c: c.source.rel):
        issues.extend(checked.issues)
        if checked.document is not None:
            documents.append(checked.document)
        if checked.data is not None and checked.document is not None:
            entries.append(Entry(checked.source.kind, checked.data, checked.document))
        elif checked.source.kind is not Kind.PAGE:
            broken.add(checked.source.docname)
            unverified.add(_identity(checked.source))
            if checked.links is not None and checked.document is not None:
                entries.append(Entry(checked.source.kind, checked.links, checked.document, partial=True))
    issues.extend(check_cross_references(entries, today=today, require_review=project.config.require_review,
                                         unverified=unverified))
    handbook = _handbook([e for e in entries if not e.partial])
    items = [*handbook.modules, *handbook.skills, *handbook.homework]
    # a file left out of the handbook because its id is taken exists all the same
    broken |= {e.document.source.docname for e in entries} - {i.docname for i in items}
    broken |= unread
    pages = {d.source.docname for d in documents if d.source.kind is Kind.PAGE}
    issues.extend(check_toc(
        project,
        published={i.docname for i in items if i.is_published},
        unpublished={i.docname for i in items if not i.is_published},
        pages=pages,
        unknown=broken,
    ))
    issues.extend(tracked_output_issues(project))
    if project.config.crisis_page not in pages:
        issues.append(Issue(CONFIG_FILE, 1, 1, "crisis-page-missing",
                            f"the crisis help page `{project.config.crisis_page}` does not exist",
                            "every page links to it: create it (with a {crisis-services} block) or set "
                            "skillbook.pages.crisis in _config.yml"))
    if strict:
        issues = [i.escalated() if i.severity is Severity.WARNING else i for i in issues]
    ordered = sorted(dict.fromkeys(issues), key=lambda i: (i.path, i.line, i.column))
    result = ValidationResult(handbook, tuple(documents), tuple(ordered), schemas.vocabulary, schemas.terms,
                              schemas.bands)
    # recorded only if no file changed while this run read them
    if cache_dir and run_key(project, strict=strict, today=today) == key:
        remember(cache_dir, key, result.verdict)
    return result


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Validation makes millions of short-lived objects (tokens, YAML nodes, the typed handbook) and
    almost no reference cycles, while the results of every file checked so far stay alive: Python's
    cycle collector kept walking them all (a seventh of a cold run at 1,000 pages, a tenth of a
    preview rebuild). It runs again afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class _Checked:
    """What one file contributes: its document, its own problems, and its data if the schema passed."""

    source: Source
    document: Document | None
    issues: list[Issue]
    data: dict[str, Any] | None
    links: dict[str, Any] | None = None  # the sound part of a faulty front matter, to check its links


# Set before the worker processes fork, so the schemas are inherited instead of pickled.
_shared: tuple[SchemaSet, BodyRules] | None = None
_PARALLEL_FROM = 200  # below this many files a second process costs more than it saves

# A file's result, and the same result pickled when a worker process sent it: the cache stores those
# bytes as they are instead of pickling every result a second time.
_Fresh = tuple["_Checked", bytes | None]


def _check_files(sources: list[Source], schemas: SchemaSet, rules: BodyRules) -> list[_Fresh]:
    """Check every file on its own. On several cores, large projects are shared between this process
    and worker processes: the workers take chunks from the front, this process from the back (its own
    results need no pickling), until they meet."""
    global _shared
    workers = min(os.cpu_count() or 1, 4) - 1
    if len(sources) < _PARALLEL_FROM or workers < 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [(_check_file(source, schemas, rules), None) for source in sources]
    # small chunks, so that both sides finish together (a worker may hold two it has not begun)
    size = max(1, len(sources) // ((workers + 1) * 32))
    chunks = [sources[start:start + size] for start in range(0, len(sources), size)]
    _shared = (schemas, rules)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            sent = [pool.submit(_check_shared, chunk) for chunk in chunks]
            here: dict[int, list[_Fresh]] = {}
            for index in range(len(chunks) - 1, -1, -1):
                if not sent[index].cancel():  # a worker has it already: every chunk before it too
                    break
                here[index] = [(_check_file(source, schemas, rules), None) for source in chunks[index]]
            results: list[_Fresh] = []
            for index, future in enumerate(sent):
                # our own workers' results
                results += here[index] if index in here else [(pickle.loads(blob), blob) for blob in future.result()]
            return results
    finally:
        _shared = None


class _FileCache:
    """Per-file results of earlier runs, valid while the schemas, the date and the file list stay the same.
    Each result is kept pickled (with the fingerprint of the file's bytes) and read only when used."""

    def __init__(self, path: Path, key: str, entries: dict[str, tuple[tuple[int, str], bytes]]) -> None:
        self.path, self.key, self.entries = path, key, entries

    @classmethod
    def load(cls, folder: Path, project: Project, sources: list[Source], today: dt.date) -> _FileCache:
        digest = hashlib.sha256(f"{__version__}|{today.isoformat()}".encode())
        digest.update(code_digest("reading", "checking").encode())  # a changed check re-checks everything
        for schema in sorted(project.schemas_dir.glob("*.yml")):
            digest.update(schema.read_bytes())
        digest.update("\n".join(s.rel for s in sources).encode())  # links and includes depend on the file list
        digest.update("\n".join([*project.config.substitutions, str(project.config.max_file_size)]).encode())
        key = digest.hexdigest()
        path = folder / "validation.pickle"
        entries: dict[str, tuple[tuple[int, str], bytes]] = {}
        try:
            with path.open("rb") as stream:
                stored_key, stored = pickle.load(stream)  # our own cache file, written below
            if stored_key == key:
                entries = stored
        except (OSError, EOFError, pickle.PickleError, ValueError, TypeError, AttributeError, ImportError):
            pass
        return cls(path, key, entries)

    @staticmethod
    def fingerprint(source: Source) -> tuple[int, str]:
        # the bytes, not the modification time: a checkout or a copy that keeps the content is a hit
        data = source.path.read_bytes()
        return len(data), hashlib.blake2b(data, digest_size=16).hexdigest()

    def known(self, sources: list[Source]) -> dict[str, _Checked]:
        found = {}
        for source in sources:
            entry = self.entries.get(source.rel)
            if entry and entry[0] == self.fingerprint(source):
                try:
                    found[source.rel] = pickle.loads(entry[1])
                except (EOFError, pickle.PickleError, ValueError, TypeError, AttributeError, ImportError):
                    continue  # written by other code: checked afresh
        return found

    def save(self, fresh: list[_Fresh]) -> None:
        for checked, blob in fresh:
            # an {include} makes the result depend on another file's content: check it every time
            if checked.document is None or "{include}" not in checked.document.body:
                pickled = blob or pickle.dumps(checked, protocol=pickle.HIGHEST_PROTOCOL)
                self.entries[checked.source.rel] = (self.fingerprint(checked.source), pickled)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(f".partial-{os.getpid()}")
            with partial.open("wb") as stream:
                pickle.dump((self.key, self.entries), stream, protocol=pickle.HIGHEST_PROTOCOL)
            partial.replace(self.path)
        except OSError:
            pass  # a cache that cannot be written only makes the next run slower


def _check_shared(sources: list[Source]) -> list[bytes]:
    assert _shared is not None
    return [pickle.dumps(_check_file(source, *_shared), protocol=pickle.HIGHEST_PROTOCOL) for source in sources]


def _check_file(source: Source, schemas: SchemaSet, rules: BodyRules) -> _Checked:
    document, issues = read_document(source)
    if document is None:
        return _Checked(source, None, issues, None)
    issues.extend(check_body(document, rules, schemas.required_sections.get(source.kind, ())))
    meta = document.meta
    if meta is None or not isinstance(meta.data, dict):
        return _Checked(source, document, issues, None)
    # after a YAML problem, what the rest of the front matter allows is still checked, so that one
    # run reports every mistake; the data is then only used to check links, never to build
    reserved = []
    for key in meta.data:
        refused = allowlist.reserved_key(key) if isinstance(key, str) else None
        if refused:
            where = meta.key_position((key,))
            issues.append(Issue(source.rel, where.line, where.column, *refused))
            reserved.append(key)
    if reserved:  # reported once, in their own words, not again as unknown fields
        meta = replace(meta, data={k: v for k, v in meta.data.items() if k not in reserved})
    data, schema_issues, faulty = check_front_matter(schemas, source.kind, source.rel, meta)
    issues.extend(schema_issues)
    issues.extend(credential_warnings(source.rel, meta))
    faulty |= {str(p.path[0]) for p in meta.problems if p.path} | meta.set_aside
    if source.kind is Kind.SKILL and not faulty & _TEXT_MESSAGE_INPUTS and not meta.problems:
        for problem in text_problems(data["title"], data.get("acronym", ""), data["steps"],
                                     data.get("cautions") or [], data.get("text_message"),
                                     data.get("language", "en")):
            where = meta.key_position(problem.path)
            issues.append(Issue(source.rel, where.line, where.column, "text-message", problem.message, problem.hint))
    if source.kind is Kind.PAGE:
        return _Checked(source, document, issues, None)
    if schema_issues or reserved or meta.problems:
        links = {k: v for k, v in data.items() if k not in faulty}
        usable = all(isinstance(links.get(k), str) for k in ("id", "status"))
        return _Checked(source, document, issues, None, links if usable else None)
    return _Checked(source, document, issues, data)


_TEXT_MESSAGE_INPUTS = frozenset({"title", "acronym", "steps", "cautions", "text_message", "language"})


def _identity(source: Source) -> tuple[Kind, str]:
    """The id a file is meant to have, for items whose front matter could not be checked."""
    return source.kind, (source.module_folder or "") if source.kind is Kind.MODULE else source.stem


def _handbook(entries: list[Entry]) -> Handbook:
    modules: list[Module] = []
    skills: list[Skill] = []
    homework: list[Homework] = []
    seen: set[tuple[Kind, str]] = set()
    for entry in entries:
        if (entry.kind, entry.id) in seen:  # a duplicate id was reported; keep the first
            continue
        seen.add((entry.kind, entry.id))
        item = build_item(entry.kind, entry.data, entry.document)
        if isinstance(item, Module):
            modules.append(item)
        elif isinstance(item, Skill):
            skills.append(item)
        elif isinstance(item, Homework):
            homework.append(item)
    return Handbook(tuple(modules), tuple(skills), tuple(homework))
