"""A bundle folder (or its datapackage.json) in, a verified, typed Bundle out.

`load` trusts nothing: every resource's size and SHA-256 must match the manifest, no file may be
missing or unlisted, every file must match the schema its path calls for (the bundle's own schemas,
whose hashes were just checked and whose `$id`s must be this format's), and the files must agree
with each other (ids, index, questionnaires). All problems are reported together.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from skillbook.bundle.errors import BundleError
from skillbook.bundle.export import CHANGELOG, CRISIS, FORMAT_MAJOR
from skillbook.bundle.schemas import MANIFEST, SCHEMA_NAMES, SchemaSet, expected_schema_ref, schema_name_for
from skillbook.bundle.writer import content_hash
from skillbook.reading.models import Column, Condition, Option
from skillbook.reading.models import Field as FormField
from skillbook.reading.richtext import RichText as Body
from skillbook.reading.richtext import Section

_HASH = re.compile(r"^sha256:([0-9a-f]{64})$")


@dataclass(frozen=True)
class Resource:
    name: str
    path: str
    mediatype: str
    bytes: int
    hash: str
    json_schema: str | None = None  # the bundle path of the file's JSON Schema; none for schema files


@dataclass(frozen=True)
class License:
    name: str
    path: str = ""
    title: str = ""


@dataclass(frozen=True)
class Entry:
    """What every item of the bundle has; `data` is the item's whole JSON document."""

    kind: str
    id: str
    title: str
    summary: str
    status: str
    version: str
    updated: dt.date
    language: str
    page: str | None
    body: Body
    data: Mapping[str, Any]

    @property
    def is_retired(self) -> bool:
        return self.status == "retired"


@dataclass(frozen=True)
class Module(Entry):
    order: int = 0


@dataclass(frozen=True)
class Step:
    id: str
    name: str
    prompt: str
    key: str = ""
    caution: str = ""


@dataclass(frozen=True)
class Skill(Entry):
    module: str = ""
    level: str = ""
    acronym: str | None = None
    steps: tuple[Step, ...] = ()
    when_to_use: tuple[str, ...] = ()
    emotions: tuple[str, ...] = ()
    situations: tuple[str, ...] = ()
    practice_minutes: int = 0
    worksheets: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    intensity: tuple[str, ...] = ()
    text_message: tuple[str, ...] = ()  # the steps' messages
    text_message_cautions: str = ""


@dataclass(frozen=True)
class Homework(Entry):
    type: str = ""
    module: str = ""
    skills: tuple[str, ...] = ()
    frequency: str = ""
    estimated_minutes: int = 0
    fields: tuple[FormField, ...] = ()
    pdf: str | None = None
    questionnaire: str = ""


@dataclass(frozen=True)
class IndexModule:
    id: str
    title: str
    summary: str
    status: str
    order: int
    skills: tuple[str, ...]
    homework: tuple[str, ...]


@dataclass(frozen=True)
class Bundle:
    path: Path  # the bundle folder
    name: str
    title: str
    version: str  # the content release
    format_version: str
    created: dt.datetime
    licenses: tuple[License, ...]
    resources: tuple[Resource, ...]
    index: tuple[IndexModule, ...]
    vocabulary: Mapping[str, Mapping[str, str]]
    modules: Mapping[str, Module]
    skills: Mapping[str, Skill]
    homework: Mapping[str, Homework]
    questionnaires: Mapping[str, Mapping[str, Any]]  # FHIR JSON by homework id
    crisis: Mapping[str, Any]  # crisis.json: the crisis services by region
    changelog: Mapping[str, Any]  # changelog.json: what changed since the previous release ({} while building)

    def items(self, kind: str) -> Mapping[str, Entry]:
        return {"module": self.modules, "skill": self.skills, "homework": self.homework}[kind]


def load(path: Path | str) -> Bundle:
    """Read and verify a bundle; raises BundleError naming every file that is wrong and how."""
    folder = Path(path)
    manifest_path = folder if folder.name == MANIFEST and not folder.is_dir() else folder / MANIFEST
    folder = manifest_path.parent
    if not manifest_path.is_file():
        raise BundleError(f"{manifest_path}: not found; give a bundle folder or its {MANIFEST}")
    manifest = _json(manifest_path, MANIFEST)
    resources = _resources(manifest)
    problems: list[str] = []
    raw: dict[str, bytes] = {}
    listed: set[str] = set()
    names = [r.name for r in resources]
    problems.extend(f"{MANIFEST}: resource name `{n}` is used twice" for n in sorted({n for n in names
                                                                                      if names.count(n) > 1}))
    for resource in resources:
        if resource.path in listed:
            problems.append(f"{MANIFEST}: `{resource.path}` is listed twice")
            continue
        listed.add(resource.path)
        problems.extend(_check_resource(folder, resource, raw))
    for extra in sorted(_files(folder) - listed - {MANIFEST}):
        problems.append(f"{extra}: not listed in {MANIFEST} (an unexpected file)")
    if problems:
        raise BundleError(problems)
    documents: dict[str, Any] = {}
    for path, data in raw.items():
        try:
            documents[path] = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(f"{path}: not UTF-8 JSON: {exc}")
    if problems:
        raise BundleError(problems)
    schemas = SchemaSet({name: documents[f"schemas/{name}.schema.json"] for name in SCHEMA_NAMES
                         if f"schemas/{name}.schema.json" in documents}, origin=f"{folder.name}/schemas")
    problems.extend(f"{MANIFEST}: {p}" for p in schemas.errors("datapackage", manifest))
    _check_format(manifest, problems)
    for path, document in documents.items():
        name = schema_name_for(path)
        if name and name != "meta":
            problems.extend(f"{path}: {p}" for p in schemas.errors(name, document))
    if problems:
        raise BundleError(problems)
    for path, document in documents.items():
        is_item = schema_name_for(path) in ("module", "skill", "homework")
        if is_item and document["contentHash"] != content_hash(document):
            problems.append(f"{path}: contentHash does not match the item's content")
    if CHANGELOG not in documents:
        problems.append(f"{CHANGELOG}: missing (not listed in {MANIFEST})")
    if problems:
        raise BundleError(problems)
    return _bundle(folder, manifest, resources, documents)


def bundle_of(documents: Mapping[str, Any], *, name: str, title: str, version: str, format_version: str) -> Bundle:
    """A bundle from its documents in memory (bundle path -> JSON), as a build is about to write it:
    for comparing a build with a released bundle before anything is written."""
    manifest = {"name": name, "title": title, "version": version, "formatVersion": format_version,
                "created": "1970-01-01T00:00:00Z", "licenses": []}
    return _bundle(Path("."), manifest, [], documents)


def _json(path: Path, shown: str) -> Any:
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(f"{shown}: cannot be read as UTF-8 JSON: {exc}") from None


def _resources(manifest: Any) -> list[Resource]:
    """The manifest's resources, checked just enough to find the files (the schema checks the rest)."""
    if not isinstance(manifest, dict) or not isinstance(manifest.get("resources"), list):
        raise BundleError(f"{MANIFEST}: no `resources` list; is this a skillbook bundle?")
    result = []
    problems = []
    for index, entry in enumerate(manifest["resources"]):
        keys = ("name", "path", "mediatype", "bytes", "hash")
        if not isinstance(entry, dict) or not all(k in entry for k in keys) or not isinstance(entry["path"], str) \
                or not isinstance(entry["bytes"], int) or not isinstance(entry["hash"], str):
            problems.append(f"{MANIFEST}: resources[{index}] needs name, path, mediatype, bytes and hash")
            continue
        result.append(Resource(entry["name"], entry["path"], entry["mediatype"], entry["bytes"], entry["hash"],
                               json_schema=entry.get("jsonSchema")))
    if problems:
        raise BundleError(problems)
    return result


def _check_resource(folder: Path, resource: Resource, raw: dict[str, bytes]) -> list[str]:
    path = resource.path
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or "\\" in path or not path:
        return [f"{MANIFEST}: resource path `{path}` must be relative and stay inside the bundle"]
    expected = expected_schema_ref(path)
    problems = []
    if schema_name_for(path) is None:
        problems.append(f"{path}: not a file a skillbook bundle has")
    elif resource.json_schema != expected:
        problems.append(f"{path}: the manifest gives jsonSchema `{resource.json_schema}`, expected `{expected}`")
    target = folder / path
    if not target.is_file():
        return [*problems, f"{path}: missing (listed in {MANIFEST})"]
    try:
        data = target.read_bytes()
    except OSError as exc:
        return [*problems, f"{path}: cannot be read: {exc.strerror}"]
    if len(data) != resource.bytes:
        problems.append(f"{path}: {len(data)} bytes, the manifest says {resource.bytes}")
    match = _HASH.match(resource.hash)
    if match is None:
        problems.append(f"{path}: hash `{resource.hash}` is not `sha256:<64 hex digits>`")
    elif hashlib.sha256(data).hexdigest() != match.group(1):
        problems.append(f"{path}: SHA-256 does not match the manifest (the file was changed or damaged)")
    raw[path] = data
    return problems


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _check_format(manifest: Mapping[str, Any], problems: list[str]) -> None:
    version = str(manifest.get("formatVersion", ""))
    major = version.split(".")[0]
    if major.isdigit() and int(major) != FORMAT_MAJOR:
        problems.append(f"{MANIFEST}: formatVersion {version} is not supported by this loader "
                        f"(it reads {FORMAT_MAJOR}.x)")


def _bundle(folder: Path, manifest: Mapping[str, Any], resources: list[Resource],
            documents: Mapping[str, Any]) -> Bundle:
    modules: dict[str, Module] = {}
    skills: dict[str, Skill] = {}
    homework: dict[str, Homework] = {}
    questionnaires: dict[str, Mapping[str, Any]] = {}
    problems: list[str] = []
    for path, document in documents.items():
        name = schema_name_for(path)
        stem = PurePosixPath(path).stem
        if name == "questionnaire":
            expected_id = stem.removeprefix("Questionnaire-")
            if document["id"] != expected_id:
                problems.append(f"{path}: id `{document['id']}` does not match the file name")
            questionnaires[expected_id] = document
        elif name in ("module", "skill", "homework"):
            if document["id"] != stem:
                problems.append(f"{path}: id `{document['id']}` does not match the file name")
            if name == "module":
                modules[stem] = _module(document)
            elif name == "skill":
                skills[stem] = _skill(document)
            else:
                homework[stem] = _homework(document)
    index_doc = documents.get("index.json")
    if index_doc is None:
        raise BundleError(f"index.json: missing (not listed in {MANIFEST})")
    if CRISIS not in documents:
        raise BundleError(f"{CRISIS}: missing (not listed in {MANIFEST}): the bundle has no crisis services")
    index = tuple(IndexModule(m["id"], m["title"], m["summary"], m["status"], m["order"], tuple(m["skills"]),
                              tuple(m["homework"])) for m in index_doc["modules"])
    _check_consistency(index, modules, skills, homework, questionnaires, problems)
    if problems:
        raise BundleError(problems)
    return Bundle(
        path=folder, name=manifest["name"], title=manifest["title"], version=manifest["version"],
        format_version=manifest["formatVersion"],
        created=dt.datetime.strptime(manifest["created"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC),
        licenses=tuple(License(lic["name"], lic.get("path", ""), lic.get("title", "")) for lic in manifest["licenses"]),
        resources=tuple(resources), index=index,
        vocabulary={kind: {w["id"]: w["label"] for w in words} for kind, words in index_doc["vocabulary"].items()
                    if kind != "intensity"},
        modules=modules, skills=skills, homework=homework, questionnaires=questionnaires,
        crisis=documents[CRISIS], changelog=documents.get(CHANGELOG) or {},
    )


def _check_consistency(index: tuple[IndexModule, ...], modules: Mapping[str, Module], skills: Mapping[str, Skill],
                       homework: Mapping[str, Homework], questionnaires: Mapping[str, Any],
                       problems: list[str]) -> None:
    listed = {"module": [m.id for m in index], "skill": [s for m in index for s in m.skills],
              "homework": [h for m in index for h in m.homework]}
    files = {"module": modules, "skill": skills, "homework": homework}
    folders = {"module": "modules", "skill": "skills", "homework": "homework"}
    for kind, ids in listed.items():
        for item_id in sorted(set(ids) - set(files[kind])):
            problems.append(f"index.json: lists {kind} `{item_id}`, but {folders[kind]}/{item_id}.json is missing")
        for item_id in sorted(set(files[kind]) - set(ids)):
            problems.append(f"{folders[kind]}/{item_id}.json: not listed in index.json")
    for module in index:
        for skill_id in module.skills:
            if skill_id in skills and skills[skill_id].module != module.id:
                problems.append(f"skills/{skill_id}.json: module is `{skills[skill_id].module}`, index.json lists "
                                f"it under `{module.id}`")
        for homework_id in module.homework:
            if homework_id in homework and homework[homework_id].module != module.id:
                problems.append(f"homework/{homework_id}.json: module is `{homework[homework_id].module}`, "
                                f"index.json lists it under `{module.id}`")
    for homework_id in sorted(set(homework) - set(questionnaires)):
        problems.append(f"fhir/Questionnaire-{homework_id}.json: missing for homework `{homework_id}`")
    for homework_id in sorted(set(questionnaires) - set(homework)):
        problems.append(f"fhir/Questionnaire-{homework_id}.json: no homework `{homework_id}` in the bundle")


def _common(document: Mapping[str, Any]) -> dict[str, Any]:
    body = document["body"]
    return {
        "kind": document["kind"], "id": document["id"], "title": document["title"], "summary": document["summary"],
        "status": document["status"], "version": document["version"],
        "updated": dt.date.fromisoformat(document["updated"]), "language": document["language"],
        "page": document["page"], "data": document,
        "body": Body(body["myst"], body["html"], body["text"], tuple(
            Section(s["title"], s["level"], s["anchor"], s["html"], s["text"]) for s in body["sections"])),
    }


def _module(document: Mapping[str, Any]) -> Module:
    return Module(**_common(document), order=document["order"])


def _skill(document: Mapping[str, Any]) -> Skill:
    return Skill(
        **_common(document), module=document["module"], level=document["level"], acronym=document["acronym"],
        steps=tuple(Step(s["id"], s["name"], s["prompt"], s.get("key", ""), s.get("caution", ""))
                    for s in document["steps"]),
        when_to_use=tuple(document["when_to_use"]), emotions=tuple(document["tags"]["emotions"]),
        situations=tuple(document["tags"]["situations"]), practice_minutes=document["practice_minutes"],
        worksheets=tuple(document["worksheets"]), related=tuple(document["related"]),
        cautions=tuple(document["cautions"]), intensity=tuple(document["intensity"]),
        text_message=tuple(document["text_message"]["steps"]),
        text_message_cautions=document["text_message"]["cautions"],
    )


def _homework(document: Mapping[str, Any]) -> Homework:
    return Homework(
        **_common(document), type=document["type"], module=document["module"], skills=tuple(document["skills"]),
        frequency=document["frequency"], estimated_minutes=document["estimated_minutes"],
        fields=tuple(_field(f) for f in document["fields"]), pdf=document["pdf"],
        questionnaire=document["questionnaire"],
    )


def _field(data: Mapping[str, Any]) -> FormField:
    return FormField(
        id=data["id"], label=data["label"], type=data["type"], required=bool(data.get("required", False)),
        help=data.get("help", ""), min=data.get("min"), max=data.get("max"),
        anchors=tuple(sorted((int(k), v) for k, v in (data.get("anchors") or {}).items())),
        options=tuple(Option(o["id"], o["label"], o.get("skill", "")) for o in data.get("options") or ()),
        columns=tuple(Column(c["id"], c["label"], c.get("iso_weekday")) for c in data.get("columns") or ()),
        rows=tuple(_field(r) for r in data.get("rows") or ()),
        blanks=int(data.get("blanks", 0)), crisis_services=bool(data.get("crisis_services", False)),
        show_if=Condition(data["show_if"]["field"], data["show_if"]["answer"]) if data.get("show_if") else None,
        skill=data.get("skill", ""), write_in=bool(data.get("write_in", False)),
    )
