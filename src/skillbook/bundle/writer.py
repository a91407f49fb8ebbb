"""The project and its validated handbook in, the bundle folder out: JSON files, schemas and manifest.

Bytes are deterministic: every file is `json.dumps(sort_keys=True, ensure_ascii=False, indent=2)`
plus a newline in UTF-8, lists have a stable order, and the only date that is not content is the
`created` argument. Every file is checked against its schema before anything is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any

from skillbook import __version__
from skillbook.bundle.errors import BundleError
from skillbook.bundle.export import (
    CHANGELOG,
    CRISIS,
    FORMAT_VERSION,
    RenderedBodies,
    changelog_json,
    clinician_notes,
    crisis_json,
    crisis_lines,
    homework_path,
    index_json,
    item_json,
    module_path,
    questionnaire_path,
    rich_text,
    select,
    skill_path,
)
from skillbook.bundle.fhir import Publication, questionnaire
from skillbook.bundle.schemas import (
    DATAPACKAGE_PROFILE,
    MANIFEST,
    SCHEMA_NAMES,
    SchemaSet,
    expected_schema_ref,
    mediatype_for,
    schema_name_for,
    schema_path,
)
from skillbook.checking.schema import load_schemas
from skillbook.errors import ConfigError
from skillbook.reading.config import ProjectConfig
from skillbook.reading.models import Handbook, Item
from skillbook.reading.project import Project
from skillbook.reading.richtext import RichText
from skillbook.reading.wording import words_for

SCHEMAS_FOLDER = "bundle"  # inside the project's schemas/
LICENSES: dict[str, tuple[str, str]] = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/"),
    "CC-BY-SA-4.0": ("Creative Commons Attribution-ShareAlike 4.0 International",
                     "https://creativecommons.org/licenses/by-sa/4.0/"),
    "CC-BY-NC-4.0": ("Creative Commons Attribution-NonCommercial 4.0 International",
                     "https://creativecommons.org/licenses/by-nc/4.0/"),
    "CC-BY-NC-SA-4.0": ("Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International",
                        "https://creativecommons.org/licenses/by-nc-sa/4.0/"),
    "CC-BY-ND-4.0": ("Creative Commons Attribution-NoDerivatives 4.0 International",
                     "https://creativecommons.org/licenses/by-nd/4.0/"),
    "CC-BY-NC-ND-4.0": ("Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International",
                        "https://creativecommons.org/licenses/by-nc-nd/4.0/"),
    "CC0-1.0": ("Creative Commons Zero v1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "MIT": ("MIT License", "https://opensource.org/license/mit"),
    "Apache-2.0": ("Apache License 2.0", "https://www.apache.org/licenses/LICENSE-2.0"),
}


def dumps(document: Any) -> bytes:
    """The one serialization of every bundle file."""
    return (json.dumps(document, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# an item's own version and date say that its content changed; they are not part of the content
NOT_CONTENT = ("contentHash", "version", "updated")


def content_hash(document: Mapping[str, Any]) -> str:
    """`sha256:…` of an item document without NOT_CONTENT, serialized as every bundle file is."""
    content = {k: v for k, v in document.items() if k not in NOT_CONTENT}
    return "sha256:" + hashlib.sha256(dumps(content)).hexdigest()


def rfc3339(moment: dt.datetime) -> str:
    """`2026-01-01T00:00:00Z`: UTC, whole seconds (a naive datetime is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def source_date(handbook: Handbook, environ: Mapping[str, str] | None = None) -> dt.datetime:
    """The bundle's `created`: `SOURCE_DATE_EPOCH` when set (reproducible builds), otherwise the
    latest `updated` date of the published or retired items, at midnight UTC, so that two builds
    of the same content are byte-identical even without it."""
    environ = os.environ if environ is None else environ
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise ConfigError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not {epoch!r}")
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    dates = [i.updated for i in (*handbook.modules, *handbook.skills, *handbook.homework) if i.is_public]
    day = max(dates, default=dt.date(1970, 1, 1))
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def read_schemas(project: Project) -> dict[str, dict[str, Any]]:
    """The bundle's JSON Schemas from the project's `schemas/bundle/`."""
    folder = project.schemas_dir / SCHEMAS_FOLDER
    documents: dict[str, dict[str, Any]] = {}
    problems = []
    for name in SCHEMA_NAMES:
        path = folder / f"{name}.schema.json"
        shown = project.relative(path)
        try:
            documents[name] = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            problems.append(f"{shown}: missing; copy the bundle schemas from the skillbook repository's "
                            "schemas/bundle/")
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(f"{shown}: cannot be read as JSON: {exc}")
    if problems:
        raise BundleError(problems)
    return documents


def bundle_documents(project: Project, handbook: Handbook, edition: str = "client",
                     rendered: RenderedBodies | None = None) -> dict[str, Any]:
    """Every bundle file but the manifest, as JSON documents by bundle path, in manifest order.
    The clinician edition adds each item's `clinician_notes`; the client edition has none.
    `rendered`: bodies an earlier bundle rendered, and where this one's are noted."""
    config = project.config
    selection = select(handbook)
    substitutions = config.substitutions
    schemas = load_schemas(project.schemas_dir)
    documents: dict[str, Any] = {
        "index.json": index_json(selection, content_version=config.version, language=config.language,
                                 terms=schemas.terms, bands=schemas.bands),
        CRISIS: crisis_json(config),
    }
    def item_document(item: Item, body: RichText) -> dict[str, Any]:
        document = item_json(item, body, selection)
        notes = clinician_notes(item, substitutions) if edition == "clinician" else []
        if notes:
            document["clinician_notes"] = notes
        document["contentHash"] = content_hash(document)
        return document

    for module in selection.modules:
        documents[module_path(module.id)] = item_document(module, rich_text(module, substitutions, rendered))
    for skill in selection.skills:
        documents[skill_path(skill.id)] = item_document(skill, rich_text(skill, substitutions, rendered))
    publication = Publication(handbook=config.bundle_name, base_url=config.base_url, publisher=config.publisher,
                              copyright=copyright_line(config), jurisdiction=config.jurisdiction)
    forms: dict[str, Any] = {}
    for homework in selection.homework:
        body = rich_text(homework, substitutions, rendered)
        documents[homework_path(homework.id)] = item_document(homework, body)
        forms[questionnaire_path(homework.id)] = questionnaire(homework, body, publication=publication,
                                                               skills=selection.skill_ids,
                                                               crisis_lines=crisis_lines(config))
    documents.update(forms)
    return documents


def write_bundle(project: Project, handbook: Handbook, out_dir: Path, *, created: dt.datetime,
                 edition: str = "client", changelog: Mapping[str, Any] | None = None,
                 proven: set[str] | None = None, rendered: RenderedBodies | None = None) -> list[Path]:
    """Write the bundle into `out_dir` (created if needed; it must be empty). Returns the files
    written, the manifest first. Raises BundleError when a schema is missing or a file would not
    match its schema (nothing is written then). `proven`: fingerprints of files an earlier bundle
    already checked against these same schemas (their check is not repeated); the fingerprint of
    every file checked now is added. `rendered`: item bodies an earlier bundle rendered; those of
    this bundle are noted in its `used`."""
    schema_documents = read_schemas(project)
    schemas = SchemaSet(schema_documents, origin=project.relative(project.schemas_dir / SCHEMAS_FOLDER))
    made = bundle_documents(project, handbook, edition, rendered)
    # the changelog right after the index and the crisis services, before the items
    documents = {"index.json": made.pop("index.json"), CRISIS: made.pop(CRISIS),
                 CHANGELOG: dict(changelog or changelog_json(project.config.version)), **made}
    for name in SCHEMA_NAMES:
        documents[schema_path(name)] = schema_documents[name]
    encoded = {path: dumps(document) for path, document in documents.items()}
    # the same bytes against the same schemas with the same checker: the same verdict. After a
    # one-page edit only the files that changed are checked again (at 1,000 pages, checking every
    # file was half of the bundle's time)
    checker = hashlib.sha256(repr((__version__, version("jsonschema"))).encode())
    for name in SCHEMA_NAMES:
        checker.update(encoded[schema_path(name)])
    problems: list[str] = []
    passed: set[str] = set()  # every file of this bundle: kept, they are what the next one is checked against
    for path, document in documents.items():
        kind = schema_name_for(path)
        if kind is None or kind == "meta":
            continue
        fingerprint = hashlib.sha256(checker.digest() + path.encode() + b"\x00" + encoded[path]).hexdigest()
        if proven is None or fingerprint not in proven:
            found = [f"{path}: {problem}" for problem in schemas.errors(kind, document)]
            problems.extend(found)
            if found:
                continue
        passed.add(fingerprint)
    if problems:
        raise BundleError(problems)
    if proven is not None:
        proven.clear()
        proven |= passed
    if out_dir.exists() and any(out_dir.iterdir()):
        raise BundleError(f"{out_dir}: not empty; the bundle is written into a new or empty folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    resources = []
    written = []
    for path, data in encoded.items():
        target = out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)
        # `type: json` keeps Data Package tools from guessing a file's kind from its keys (a skill's
        # `steps` would be read as a pipeline); the JSON Schema is `jsonSchema`, since `schema` means a
        # Table Schema in Data Package
        resource = {"name": _resource_name(path), "type": "json", "path": path, "mediatype": mediatype_for(path),
                    "bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest()}
        json_schema = expected_schema_ref(path)
        if json_schema is not None:
            resource["jsonSchema"] = json_schema
        resources.append(resource)
    manifest = {
        "$schema": DATAPACKAGE_PROFILE,
        "name": project.config.bundle_name,
        "title": project.config.title,
        "version": project.config.version,
        "formatVersion": FORMAT_VERSION,
        "created": rfc3339(created),
        "licenses": [_license(project.config.license)],
        "resources": resources,
    }
    manifest_problems = list(schemas.errors("datapackage", manifest))
    if manifest_problems:
        raise BundleError([f"{MANIFEST}: {problem}" for problem in manifest_problems])
    (out_dir / MANIFEST).write_bytes(dumps(manifest))
    return [out_dir / MANIFEST, *written]


def copyright_line(config: ProjectConfig) -> str:
    """`© 2026 Publisher. Licensed under Creative Commons Attribution 4.0 International (CC-BY-4.0),
    https://…`, from the book's `copyright`, the publisher and the licence."""
    holder = " ".join(part for part in (config.copyright, config.publisher) if part)
    title, url = LICENSES.get(config.license, (config.license, ""))
    words = words_for(config.language)
    licence = (words.format("form.licensed_named", title=title, name=config.license, url=url) if url
               else words.format("form.licensed", title=title))
    return (f"© {holder}. " if holder else "") + licence


def _resource_name(path: str) -> str:
    """`skills/observe.json` -> `skill.observe`; unique, since ids have no dots."""
    if path in ("index.json", CRISIS, CHANGELOG):
        return path.removesuffix(".json")
    folder, _, file = path.partition("/")
    stem = file.removesuffix(".json").removesuffix(".schema")
    kind = {"modules": "module", "skills": "skill", "homework": "homework", "fhir": "questionnaire",
            "schemas": "schema"}[folder]
    return f"{kind}.{stem.removeprefix('Questionnaire-')}"


def _license(name: str) -> dict[str, str]:
    if name in LICENSES:
        title, url = LICENSES[name]
        return {"name": name, "path": url, "title": title}
    return {"name": name}
