"""A project in, every problem in its content out (never stopping at the first), plus the typed handbook."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from skillbook.body import check_body
from skillbook.crossref import Entry, check_cross_references
from skillbook.discover import Kind, Source, discover
from skillbook.document import Document, read_document
from skillbook.issues import Issue, Severity
from skillbook.models import Handbook, Homework, Module, Skill, build_item
from skillbook.project import CONFIG_FILE, Project
from skillbook.schema import check_front_matter, load_schemas
from skillbook.toc import check_toc


@dataclass(frozen=True)
class ValidationResult:
    handbook: Handbook
    documents: tuple[Document, ...]
    issues: tuple[Issue, ...]

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.is_error)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if not i.is_error)

    @property
    def ok(self) -> bool:
        return not self.errors


def validate(project: Project, *, strict: bool = False, today: dt.date | None = None) -> ValidationResult:
    today = today or dt.date.today()
    schemas = load_schemas(project.schemas_dir, today=today)
    sources, issues = discover(project)
    documents: list[Document] = []
    entries: list[Entry] = []
    broken: set[str] = set()
    unverified: set[tuple[Kind, str]] = set()
    for source in sources:
        document, read_issues = read_document(source)
        issues.extend(read_issues)
        if document is None:
            broken.add(source.docname)
            unverified.add(_identity(source))
            continue
        documents.append(document)
        issues.extend(check_body(document, project.content_dir, schemas.required_sections.get(source.kind, ())))
        if source.kind is Kind.PAGE:
            continue
        if document.meta is None or document.meta.problems or not isinstance(document.meta.data, dict):
            broken.add(source.docname)
            unverified.add(_identity(source))
            continue
        data, schema_issues = check_front_matter(schemas, source.kind, source.rel, document.meta)
        issues.extend(schema_issues)
        if schema_issues:
            broken.add(source.docname)
            unverified.add(_identity(source))
        else:
            entries.append(Entry(source.kind, data, document))
    issues.extend(check_cross_references(entries, today=today, require_review=project.config.require_review,
                                         unverified=unverified))
    handbook = _handbook(entries)
    items = [*handbook.modules, *handbook.skills, *handbook.homework]
    issues.extend(check_toc(
        project,
        published={i.docname for i in items if i.is_published},
        unpublished={i.docname for i in items if not i.is_published},
        pages={d.source.docname for d in documents if d.source.kind is Kind.PAGE},
        unknown=broken,
    ))
    pages = {d.source.docname for d in documents if d.source.kind is Kind.PAGE}
    if project.config.crisis_page not in pages:
        issues.append(Issue(CONFIG_FILE, 1, 1, "crisis-page-missing",
                            f"the crisis help page `{project.config.crisis_page}` does not exist",
                            "every page links to it: create it (with a {crisis-services} block) or set "
                            "skillbook.pages.crisis in _config.yml"))
    if strict:
        issues = [i.escalated() if i.severity is Severity.WARNING else i for i in issues]
    ordered = sorted(dict.fromkeys(issues), key=lambda i: (i.path, i.line, i.column))
    return ValidationResult(handbook, tuple(documents), tuple(ordered))


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
