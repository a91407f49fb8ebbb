"""The app bundle: schemas, manifest hashes, loader checks, FHIR Questionnaires, drafts, sanitizing, determinism."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from conftest import CONFIG, FIXTURES, HOMEWORK, REPO, SKILL, write_project
from skillbook.bundle import (
    FORMAT_VERSION,
    BundleError,
    load,
    render_body,
    sanitize_html,
    source_date,
    write_bundle,
)
from skillbook.bundle.export import select
from skillbook.bundle.fhir import DAYS_OF_WEEK
from skillbook.bundle.writer import dumps
from skillbook.checking.toc import generate_toc
from skillbook.checking.validate import validate
from skillbook.errors import ConfigError
from skillbook.reading.project import Project, load_project

CREATED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 1)
SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "bundle"
SCHEMAS = REPO / "schemas" / "bundle"
DRAFT_MARKERS = (b"Zebraquokka", b"secret-draft")

COLD_WATER = SKILL.replace("id: sample-skill", "id: cold-water").replace("title: Sample skill", "title: Cold water") \
    .replace("worksheets: [sample-worksheet]", "acronym: TIP\nworksheets: [sample-worksheet, all-field-types]\n"
             "cautions:\n  - Check with a doctor first if you have a heart condition.\n"
             "review:\n  reviewed_by: [Dr. Test Reviewer]\n  reviewed_on: 2026-01-10\n  next_review: 2099-01-10\n"
             "sources:\n  - {title: A manual, authors: A. Author, year: 2015, url: 'https://example.org/manual'}") \
    .replace("related: []", "related: [sample-skill]") \
    .replace("  - id: notice\n    name: Notice\n    prompt: Notice what is happening.",
             "  - id: temperature\n    key: T\n    name: Temperature\n    prompt: Cool your face down.\n"
             "  - id: exercise\n    key: I\n    name: Intense exercise\n    prompt: Move hard for a short while.") \
    .replace("A short body.", "A short body with a [link to the sample](sample-skill.md#practice), "
                              "[the worksheet](/content/homework/sample-worksheet.md) and "
                              "[a site](https://example.org).\n\n"
                              "```{warning}\nCold water can slow your **heart**.\n```\n\n"
                              "```{code-block} text\nnot markdown\n```\n\n"
                              "- [ ] a task\n- [x] done\n\n| a | b |\n|--:|---|\n| 1 | 2 |")
DRAFT_SKILL = SKILL.replace("id: sample-skill", "id: secret-draft") \
    .replace("title: Sample skill", "title: Zebraquokka draft").replace("status: published", "status: draft") \
    .replace("A short body.", "Zebraquokka body text.").replace("worksheets: [sample-worksheet]", "worksheets: []")
RETIRED_SKILL = SKILL.replace("id: sample-skill", "id: old-skill").replace("title: Sample skill", "title: Old skill") \
    .replace("status: published", "status: retired").replace("related: []", "related: [secret-draft, sample-skill]") \
    .replace("worksheets: [sample-worksheet]", "worksheets: [old-log]")
RETIRED_HOMEWORK = HOMEWORK.replace("id: sample-worksheet", "id: old-log").replace("status: published",
                                                                                   "status: retired") \
    .replace("title: Sample worksheet", "title: Old log").replace("skills: [sample-skill]",
                                                                   "skills: [secret-draft, sample-skill]") \
    .replace("    required: true\n---", "    required: true\n  - id: which\n    label: Which skill?\n"
             "    type: choice\n    required: false\n    options:\n      - {label: The draft, skill: secret-draft}\n"
             "      - {label: The sample, skill: sample-skill}\n---")
ALL_FIELD_TYPES = (FIXTURES / "valid" / "all-field-types.md").read_text(encoding="utf-8") \
    .replace("status: draft", "status: published") \
    .replace("  - id: distress\n", "  - id: weight\n    label: Weight in kg\n    type: number\n    required: false\n"
             "    min: 0.5\n  - id: count\n    label: How many times?\n    type: number\n    required: false\n"
             "  - id: distress\n")
DIARY_CARD = (FIXTURES / "valid" / "diary-card.md").read_text(encoding="utf-8")
SNAPSHOT_CARD = """\
---
id: snapshot-card
title: Snapshot diary card
summary: A small diary card whose bundle output is kept as a reviewed snapshot.
status: published
version: 1.2.0
updated: 2026-01-20
authors: [Test Author]
type: diary-card
module: test-module
skills: [sample-skill]
frequency: daily
estimated_minutes: 3
fields:
  - id: week-of
    label: Week starting
    type: date
    required: true
  - id: days
    label: Each day
    type: grid
    required: true
    help: One column a day.
    columns: [{id: mon, label: Mon}, {id: tue, label: Tue}]
    rows:
      - {id: mood, label: Mood, type: rating, min: 1, max: 3, anchors: {1: Low, 3: High}}
      - {id: skill-used, label: Used a skill, type: yes_no}
      - {id: hours, label: Hours slept, type: number, min: 0, max: 24}
  - id: which
    label: Which skills helped?
    type: checklist
    required: false
    options:
      - {label: The sample skill, skill: sample-skill}
      - {id: something-else, label: Something else}
---

## How to use this card

Fill in **one column** a day. See the [sample skill](../skills/test-module/sample-skill.md).
"""
RICH_FILES: dict[str, str | bytes | None] = {
    "content/skills/test-module/cold-water.md": COLD_WATER,
    "content/skills/test-module/secret-draft.md": DRAFT_SKILL,
    "content/skills/test-module/old-skill.md": RETIRED_SKILL,
    "content/homework/old-log.md": RETIRED_HOMEWORK,
    "content/homework/all-field-types.md": ALL_FIELD_TYPES,
    "content/homework/diary-card.md": DIARY_CARD,
}


def valid_project(root: Path, files: dict[str, str | bytes | None]) -> Project:
    """A project with `files`, its `_toc.yml` regenerated, that validates without problems."""
    write_project(root, files)
    project = load_project(root)
    (root / "_toc.yml").write_text(generate_toc(project, validate(project, today=TODAY).handbook), encoding="utf-8")
    result = validate(project, today=TODAY)
    # the fixtures point worksheets at the base project's sample skill without editing it: the bundle
    # exports each end's own list, so a one-way link is a warning for authors, not a bundle concern
    problems = [i for i in result.issues if i.rule != "one-sided-link"]
    assert result.ok and not problems, [str(i) for i in problems]
    return project


def build(root: Path, files: dict[str, str | bytes | None], out: Path | None = None,
          created: dt.datetime = CREATED) -> Path:
    project = valid_project(root, files)
    target = out or root / "bundle"
    write_bundle(project, validate(project, today=TODAY).handbook, target, created=created)
    return target


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("bundle") / "project", RICH_FILES)


def documents(folder: Path) -> Iterator[tuple[str, Any]]:
    for path in sorted(folder.rglob("*.json")):
        yield path.relative_to(folder).as_posix(), json.loads(path.read_text(encoding="utf-8"))


def registry() -> Registry[Any]:
    resources = []
    for path in sorted(SCHEMAS.glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


def rehash(folder: Path, rel: str, data: bytes) -> None:
    """Replace a file and fix its size and hash in the manifest, as a careless tool would."""
    (folder / rel).write_bytes(data)
    manifest = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for resource in manifest["resources"]:
        if resource["path"] == rel:
            resource["bytes"] = len(data)
            resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    (folder / "datapackage.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def copy(bundle: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(bundle, target)
    return target


# --- the schemas -------------------------------------------------------------------------------------------------


def test_repository_schemas_are_json_schema_2020_12_with_urn_ids() -> None:
    names = sorted(p.name for p in SCHEMAS.glob("*.schema.json"))
    assert names == [f"{n}.schema.json" for n in
                     ("changelog", "common", "crisis", "datapackage", "homework", "index", "module", "questionnaire",
                      "skill")]
    for path in SCHEMAS.glob("*.schema.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == f"urn:skillbook:bundle:{FORMAT_VERSION.split('.')[0]}:{path.name.split('.')[0]}"


def test_every_bundle_file_is_valid_against_the_schema_its_manifest_names(bundle: Path) -> None:
    manifest = json.loads((bundle / "datapackage.json").read_text(encoding="utf-8"))
    schemas = registry()
    validators = {p.relative_to(bundle).as_posix(): Draft202012Validator(
        json.loads(p.read_text(encoding="utf-8")), registry=schemas) for p in (bundle / "schemas").glob("*.json")}
    checked = 0
    for resource in manifest["resources"]:
        document = json.loads((bundle / resource["path"]).read_text(encoding="utf-8"))
        assert resource["type"] == "json"
        if resource["path"].startswith("schemas/"):
            assert "jsonSchema" not in resource  # a schema names its meta-schema itself
            assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
            Draft202012Validator.check_schema(document)
        else:
            errors = [e.message for e in validators[resource["jsonSchema"]].iter_errors(document)]
            assert not errors, (resource["path"], errors)
        checked += 1
    assert not list(validators["schemas/datapackage.schema.json"].iter_errors(manifest))
    assert checked == len(list(bundle.rglob("*.json"))) - 1


def test_bundle_schemas_are_the_repository_schemas_byte_for_byte(bundle: Path) -> None:
    for path in SCHEMAS.glob("*.schema.json"):
        assert (bundle / "schemas" / path.name).read_bytes() == path.read_bytes(), path.name


def test_schemas_reject_what_the_format_does_not_allow(bundle: Path) -> None:
    validators = {p.name.split(".")[0]: Draft202012Validator(json.loads(p.read_text(encoding="utf-8")),
                                                             registry=registry()) for p in SCHEMAS.glob("*.json")}
    skill = json.loads((bundle / "skills/cold-water.json").read_text(encoding="utf-8"))
    assert validators["skill"].is_valid(skill)
    for broken in ({**skill, "status": "draft"}, {**skill, "surprise": 1}, {**skill, "id": "Not A Slug"},
                   {**skill, "steps": []}, {**skill, "page": None}, {**skill, "page": "../../etc/passwd.html"},
                   {**skill, "kind": "module"}, {k: v for k, v in skill.items() if k != "body"}):
        assert not validators["skill"].is_valid(broken), broken
    homework = json.loads((bundle / "homework/all-field-types.json").read_text(encoding="utf-8"))
    grid = next(f for f in homework["fields"] if f["type"] == "grid")
    assert not validators["homework"].is_valid({**homework, "fields": [{k: v for k, v in grid.items()
                                                                         if k != "rows"}]})


# --- the manifest and the loader ---------------------------------------------------------------------------------


def test_manifest_describes_every_file_with_size_hash_mediatype_and_schema(bundle: Path) -> None:
    manifest = json.loads((bundle / "datapackage.json").read_text(encoding="utf-8"))
    assert manifest["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert (manifest["name"], manifest["title"], manifest["version"]) == ("skillbook-handbook", "Test handbook",
                                                                          "1.0.0")
    assert manifest["formatVersion"] == FORMAT_VERSION == "2.1.0"
    assert manifest["created"] == "2026-01-01T00:00:00Z"
    assert manifest["licenses"] == [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                                     "title": "Creative Commons Attribution 4.0 International"}]
    files = {p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()} - {"datapackage.json"}
    assert {r["path"] for r in manifest["resources"]} == files
    names = [r["name"] for r in manifest["resources"]]
    assert len(set(names)) == len(names) and all(re.fullmatch(r"[a-z0-9._-]+", n) for n in names)
    for resource in manifest["resources"]:
        data = (bundle / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        expected = {"fhir": "application/fhir+json", "schemas": "application/schema+json"}
        assert resource["mediatype"] == expected.get(resource["path"].split("/")[0], "application/json")
    order = [r["path"].split("/")[0] for r in manifest["resources"]]
    assert order == sorted(order, key=["index.json", "crisis.json", "changelog.json", "modules", "skills",
                                       "homework", "fhir", "schemas"].index)


def test_load_verifies_every_hash_and_returns_typed_objects(bundle: Path) -> None:
    loaded = load(bundle)
    assert (loaded.name, loaded.version, loaded.format_version) == ("skillbook-handbook", "1.0.0", FORMAT_VERSION)
    assert loaded.crisis["regions"][0]["name"] == "Testland" and loaded.crisis["page"] == "content/crisis.html"
    assert loaded.created == CREATED and loaded.licenses[0].name == "CC-BY-4.0"
    assert len(loaded.resources) == len(list(bundle.rglob("*.json"))) - 1
    assert set(loaded.skills) == {"cold-water", "sample-skill", "old-skill"}
    assert set(loaded.homework) == set(loaded.questionnaires) == {"sample-worksheet", "all-field-types",
                                                                   "diary-card", "old-log"}
    cold = loaded.skills["cold-water"]
    assert cold.acronym == "TIP" and [s.key for s in cold.steps] == ["T", "I"]
    assert cold.updated == dt.date(2026, 1, 15) and cold.page == "content/skills/test-module/cold-water.html"
    assert cold.data["review"] == {"reviewed_by": ["Dr. Test Reviewer"], "reviewed_on": "2026-01-10",
                                   "next_review": "2099-01-10"}
    grid = next(f for f in loaded.homework["all-field-types"].fields if f.type == "grid")
    assert [r.id for r in grid.rows] == ["urge", "used-skill", "hours", "note"] and len(grid.columns) == 7
    assert loaded.index[0].id == "test-module" and loaded.vocabulary["emotions"]["anger"] == "Anger"
    assert load(bundle / "datapackage.json") == loaded


@pytest.mark.parametrize("damage, message", [
    (lambda b: (b / "skills/cold-water.json").write_bytes((b / "skills/cold-water.json").read_bytes()
                                                          .replace(b"Cool your face", b"Cool your fate")),
     "skills/cold-water.json: SHA-256 does not match the manifest"),
    (lambda b: (b / "index.json").write_bytes((b / "index.json").read_bytes() + b" "),
     "index.json: SHA-256 does not match"),
    (lambda b: (b / "homework/diary-card.json").unlink(), "homework/diary-card.json: missing"),
    (lambda b: (b / "skills/extra.json").write_text("{}", encoding="utf-8"),
     "skills/extra.json: not listed in datapackage.json"),
    (lambda b: (b / "schemas/skill.schema.json").write_bytes(b"{}\n"),
     "schemas/skill.schema.json: 3 bytes, the manifest says"),
    (lambda b: rehash(b, "skills/cold-water.json", b'{"id": "cold-water"}\n'),
     "skills/cold-water.json: at /: 'kind' is a required property"),
    (lambda b: rehash(b, "schemas/skill.schema.json", json.dumps({"$id": "urn:evil:skill"}).encode()),
     "`$id` is 'urn:evil:skill', expected 'urn:skillbook:bundle:2:skill'"),
    (lambda b: rehash(b, "fhir/Questionnaire-diary-card.json", (b / "fhir/Questionnaire-diary-card.json")
                      .read_bytes().replace(b'"status": "active"', b'"status": "finished"')),
     "fhir/Questionnaire-diary-card.json: at /status: 'finished' is not one of"),
    (lambda b: (b / "datapackage.json").write_bytes(b"[]"), "datapackage.json: no `resources` list"),
    (lambda b: (b / "datapackage.json").write_text("{not json", encoding="utf-8"),
     "datapackage.json: cannot be read as UTF-8 JSON"),
])
def test_damaged_bundles_are_refused_naming_the_file(bundle: Path, tmp_path: Path, damage: Any,
                                                     message: str) -> None:
    folder = copy(bundle, tmp_path)
    damage(folder)
    with pytest.raises(BundleError) as error:
        load(folder)
    assert message in str(error.value), str(error.value)
    assert error.value.exit_code == 1


def test_manifest_that_lies_about_schemas_or_paths_is_refused(bundle: Path, tmp_path: Path) -> None:
    folder = copy(bundle, tmp_path)
    manifest = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    manifest["resources"][0]["jsonSchema"] = "schemas/skill.schema.json"
    manifest["resources"][1]["path"] = "../outside.json"
    manifest["formatVersion"] = "3.0.0"
    (folder / "datapackage.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BundleError) as error:
        load(folder)
    text = str(error.value)
    assert "index.json: the manifest gives jsonSchema `schemas/skill.schema.json`" in text
    assert "resource path `../outside.json` must be relative and stay inside the bundle" in text


def test_unsupported_format_major_is_refused(bundle: Path, tmp_path: Path) -> None:
    folder = copy(bundle, tmp_path)
    manifest = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    manifest["formatVersion"] = "3.0.0"
    (folder / "datapackage.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BundleError, match=r"formatVersion 3\.0\.0 is not supported by this loader \(it reads 2\.x\)"):
        load(folder)


def test_missing_bundle_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match=r"datapackage\.json: not found"):
        load(tmp_path)


# --- what goes in: drafts, retired items, order ------------------------------------------------------------------


def test_no_draft_anywhere_in_the_bundle(bundle: Path) -> None:
    for path in bundle.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for marker in DRAFT_MARKERS:
                assert marker not in data, (marker, path)


def test_retired_items_are_kept_with_status_retired_and_no_page(bundle: Path) -> None:
    skill = json.loads((bundle / "skills/old-skill.json").read_text(encoding="utf-8"))
    assert (skill["status"], skill["page"]) == ("retired", None)
    assert skill["related"] == ["sample-skill"] and skill["worksheets"] == ["old-log"]  # the draft link is dropped
    homework = json.loads((bundle / "homework/old-log.json").read_text(encoding="utf-8"))
    assert (homework["status"], homework["page"], homework["pdf"]) == ("retired", None, None)
    assert homework["skills"] == ["sample-skill"]
    # the option known only by the draft's id is left out: a draft's id never reaches the bundle
    assert homework["fields"][1]["options"] == [{"id": "sample-skill", "label": "The sample", "skill": "sample-skill"}]
    form = json.loads((bundle / "fhir/Questionnaire-old-log.json").read_text(encoding="utf-8"))
    assert form["status"] == "retired"
    index = json.loads((bundle / "index.json").read_text(encoding="utf-8"))
    assert "old-skill" in index["modules"][0]["skills"] and "old-log" in index["modules"][0]["homework"]


def test_index_lists_modules_in_order_with_skills_by_level_then_title(bundle: Path) -> None:
    index = json.loads((bundle / "index.json").read_text(encoding="utf-8"))
    assert index["formatVersion"] == FORMAT_VERSION and index["version"] == "1.0.0" and index["language"] == "en"
    assert index["crisis"] == "crisis.json"
    (module,) = index["modules"]
    assert module == {
        "id": "test-module", "title": "Test module", "summary": "A module used by the tests.", "status": "published",
        "order": 1, "path": "modules/test-module.json", "skills": ["cold-water", "old-skill", "sample-skill"],
        "homework": ["diary-card", "all-field-types", "old-log", "sample-worksheet"],
    }


def test_every_front_matter_field_is_in_the_item_file(bundle: Path) -> None:
    skill = json.loads((bundle / "skills/cold-water.json").read_text(encoding="utf-8"))
    assert set(skill) == {
        "kind", "id", "title", "summary", "status", "version", "updated", "language", "authors", "review", "sources",
        "module", "acronym", "steps", "when_to_use", "tags", "level", "practice_minutes", "worksheets", "related",
        "cautions", "page", "body", "intensity", "text_message", "contentHash", "order"}
    assert skill["order"] is None  # no teaching order given
    assert skill["intensity"] == ["low", "medium"]  # the documented default
    # the letters spell the acronym, which names the message
    assert skill["text_message"] == {"steps": ["TIP: T Temperature; I Intense exercise."],
                                     "cautions": "Safety: Check with a doctor first if you have a heart condition."}
    assert skill["tags"] == {"emotions": ["anger"], "situations": ["conflict"]}
    assert skill["sources"] == [{"title": "A manual", "authors": "A. Author", "year": 2015,
                                 "url": "https://example.org/manual"}]
    homework = json.loads((bundle / "homework/all-field-types.json").read_text(encoding="utf-8"))
    assert homework["pdf"] == "worksheets/all-field-types.pdf"
    assert homework["questionnaire"] == "fhir/Questionnaire-all-field-types.json"
    distress = next(f for f in homework["fields"] if f["id"] == "distress")
    assert distress == {"id": "distress", "label": "Distress", "type": "rating", "required": True, "min": 0,
                        "max": 10, "anchors": {"0": "Calm", "5": "Upset", "10": "Worst ever"}}
    module = json.loads((bundle / "modules/test-module.json").read_text(encoding="utf-8"))
    assert module["kind"] == "module" and module["order"] == 1
    assert module["page"] == "content/skills/test-module/index.html"


# --- rich text ---------------------------------------------------------------------------------------------------


def test_body_as_myst_html_text_and_sections(bundle: Path) -> None:
    body = json.loads((bundle / "skills/cold-water.json").read_text(encoding="utf-8"))["body"]
    assert body["myst"].strip() == COLD_WATER.split("---\n", 2)[2].strip()
    html = body["html"]
    assert 'href="sample-skill.html#practice"' in html  # relative to the item's page, like the site
    assert 'href="../../homework/sample-worksheet.html"' in html
    assert 'href="https://example.org"' in html
    assert '<aside class="admonition warning">' in html and "<strong>heart</strong>" in html
    assert '<pre><code class="language-text">not markdown' in html
    assert "☐ a task" in html and "☑ done" in html and "<input" not in html
    assert '<h2 id="everyday-example">Everyday example</h2>' in html
    assert [(s["title"], s["level"], s["anchor"]) for s in body["sections"]] == [
        (None, 0, None), ("Everyday example", 2, "everyday-example"), ("Common obstacles", 2, "common-obstacles"),
        ("Practice", 2, "practice")]
    assert body["sections"][3]["html"] == "<ol>\n<li>Practice.</li>\n</ol>"
    assert body["sections"][3]["text"] == "1. Practice."
    text = body["text"]
    assert "A short body with a link to the sample, the worksheet and a site." in text
    assert "Warning\n\nCold water can slow your heart." in text and "- ☐ a task\n- ☑ done" in text
    assert "a | b\n1 | 2" in text and "<" not in text


@pytest.mark.parametrize("hostile", [
    '<script>alert(1)</script>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="//evil.example/x">x</a>',
    '<img src="x" onerror="alert(1)">',
    '<p onclick="alert(1)" onmouseover="alert(1)">x</p>',
    '<svg onload="alert(1)"><circle/></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<form action="https://evil.example"><input name="q"></form>',
    '<style>body{display:none}</style>',
    '<div style="position:fixed;top:0">x</div>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<a href="http://insecure.example">x</a>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<!-- <script>alert(1)</script> -->',
])
def test_sanitizer_removes_hostile_html(hostile: str) -> None:
    clean = sanitize_html(f"<p>before</p>{hostile}<p>after</p>")
    lowered = clean.lower()
    for bad in ("<script", "javascript:", "vbscript:", "data:", "onerror", "onclick", "onload", "onmouseover",
                "<iframe", "<form", "<input", "<style", "style=\"position", "<object", "<embed", "<svg", "<img",
                "http:", "//evil", "<meta", "<!--"):
        assert bad not in lowered, (bad, clean)
    assert clean.startswith("<p>before</p>") and clean.endswith("<p>after</p>")


def test_sanitizer_keeps_safe_links_and_structure() -> None:
    html = ('<h2 id="x">T</h2><p><a href="https://e.org" title="t">a</a> <a href="mailto:a@b.org">m</a> '
            '<a href="tel:+441234">t</a> <a href="../other.html#part">r</a> <a href="#top">f</a></p>'
            '<table><tr><td style="text-align:right;color:red">1</td></tr></table>')
    clean = sanitize_html(html)
    for kept in ('<h2 id="x">', 'href="https://e.org"', 'href="mailto:a@b.org"', 'href="tel:+441234"',
                 'href="../other.html#part"', 'href="#top"', 'style="text-align:right"'):
        assert kept in clean, kept
    assert "color" not in clean


def test_hostile_markdown_is_rendered_harmless() -> None:
    body = render_body('[x](javascript:alert(1)) <b onclick="alert(1)">bold</b>\n\n<script>alert(1)</script>\n\n'
                       '[y](data:text/html,hi) ![alt](javascript:alert(1))\n',
                       source_path="content/homework/x.md")
    assert "onclick" not in body.html and "<script" not in body.html and "<img" not in body.html
    assert "href=" not in body.html  # markdown-it leaves such links as plain text
    assert "<b>bold</b>" in body.html and "[x](javascript:alert(1))" in body.text


def test_directives_roles_and_substitutions_without_sphinx() -> None:
    body = render_body("Hi {term}`wise mind` and {{ name }}.\n\n:::{admonition} Try this\n:class: tip\nBreathe.\n:::"
                       "\n\n```{figure} pic.png\nA *caption*\n```\n\n```{math}\na^2 + b^2\n```\n\n"
                       "```{include} x.md\n```\n\n% a comment\n\n(target)=\n## Done\n",
                       source_path="content/x.md", substitutions={"name": "Sam <3"})
    assert '<span class="myst-role role-term">wise mind</span>' in body.html and "Sam &lt;3" in body.html
    assert '<aside class="admonition tip">' in body.html and '<p class="admonition-title">Try this</p>' in body.html
    assert '<div class="myst-directive directive-figure">\n<p>A <em>caption</em></p>\n</div>' in body.html
    assert '<pre class="myst-directive directive-math"><code>a^2 + b^2' in body.html
    assert "include" not in body.html and "x.md" not in body.html
    assert "a comment" not in body.html and "(target)=" not in body.html
    assert body.sections[-1].title == "Done"


# --- FHIR --------------------------------------------------------------------------------------------------------


def fhir_problems(item: dict[str, Any], seen: set[str]) -> list[str]:
    """FHIR R4 Questionnaire invariants the pydantic models do not check (que-1, que-2, que-5, que-6)."""
    problems = []
    if item["linkId"] in seen:
        problems.append(f"que-2: duplicate linkId {item['linkId']}")
    seen.add(item["linkId"])
    children = item.get("item", [])
    if item["type"] == "group" and not children:
        problems.append(f"que-1: group {item['linkId']} has no items")
    if item["type"] == "display" and (children or "required" in item or "repeats" in item):
        problems.append(f"que-1/que-6: display {item['linkId']} has items, required or repeats")
    if "answerOption" in item and item["type"] not in ("choice", "open-choice"):
        problems.append(f"que-5: {item['linkId']} has answerOption but is {item['type']}")
    if item["type"] == "choice" and not item.get("answerOption"):
        problems.append(f"{item['linkId']}: a choice without options")
    for child in children:
        problems.extend(fhir_problems(child, seen))
    return problems


def test_questionnaires_are_valid_fhir_r4b_resources(bundle: Path) -> None:
    forms = sorted((bundle / "fhir").glob("Questionnaire-*.json"))
    assert len(forms) == 4
    for path in forms:
        data = json.loads(path.read_text(encoding="utf-8"))
        resource = Questionnaire.model_validate(data)
        assert resource.id == path.stem.removeprefix("Questionnaire-")
        assert json.loads(resource.model_dump_json(exclude_none=True)) == data  # nothing was dropped or renamed
        seen: set[str] = set()
        assert not [p for item in data["item"] for p in fhir_problems(item, seen)], path.name


def test_questionnaire_maps_every_field_type(bundle: Path) -> None:
    form = json.loads((bundle / "fhir/Questionnaire-all-field-types.json").read_text(encoding="utf-8"))
    assert (form["url"], form["name"], form["status"], form["version"], form["date"], form["language"]) == (
        "urn:skillbook:skillbook-handbook:questionnaire:all-field-types", "AllFieldTypes", "active", "1.0.0",
        "2026-01-15", "en")  # no base_url set: the documented URN, with the handbook's bundle name
    assert form["description"] == "A worksheet with every field type, e.g. ratings and grids."
    items = {i["linkId"]: i for i in form["item"]}
    assert form["item"][0] == {"linkId": "_instructions", "type": "display",
                               "text": "How to use this log\n\nFill in one line a day."}
    assert {k: items["situation"][k] for k in ("type", "required", "repeats")} == {
        "type": "string", "required": True, "repeats": False}
    assert items["situation"]["item"][0]["linkId"] == "situation._help"
    assert items["situation"]["item"][0]["text"] == "A few words are enough."
    assert items["details"]["type"] == "text"
    assert items["hours-slept"]["type"] == "integer" and items["hours-slept"]["extension"] == [
        {"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": 0},
        {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": 24}]
    assert items["weight"]["type"] == "decimal" and items["weight"]["extension"] == [
        {"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueDecimal": 0.5}]
    assert items["count"]["type"] == "decimal" and "extension" not in items["count"]
    distress = items["distress"]
    assert distress["type"] == "choice" and len(distress["answerOption"]) == 11
    assert [o["valueCoding"]["display"] for o in distress["answerOption"]][:2] == ["0 – Calm", "1"]
    assert distress["answerOption"][10]["valueCoding"]["display"] == "10 – Worst ever"
    assert distress["answerOption"][5]["valueCoding"]["extension"][0]["valueDecimal"] == 5
    checklist = items["skills-used"]
    assert checklist["type"] == "choice" and checklist["repeats"] is True
    system = form["url"] + "#skills-used"  # codes belong to this form's field
    assert [o["valueCoding"] for o in checklist["answerOption"]] == [
        {"system": system, "code": "sample-skill", "display": "The sample skill"},
        {"system": system, "code": "something-else", "display": "Something else"},
        {"system": system, "code": "deep-breathing", "display": "Deep breathing"}]
    assert {o["valueCoding"]["system"] for o in distress["answerOption"]} == {form["url"] + "#distress"}
    outcome = items["outcome"]
    assert outcome["repeats"] is False
    assert [o["valueCoding"]["code"] for o in outcome["answerOption"]] == ["better", "about-the-same", "worse"]
    assert [items[k]["type"] for k in ("acted", "day", "at")] == ["boolean", "date", "time"]


def test_forms_take_their_identity_from_the_configuration(tmp_path: Path) -> None:
    """base_url, publisher, copyright and jurisdiction from _config.yml; no code of one form shares a
    system with another's, so a code's display never changes between forms; R4B accepts the result."""
    config = "copyright: \"2026\"\n" + CONFIG.replace(
        "skillbook:\n", "skillbook:\n  base_url: https://example.org/handbook/\n  publisher: Example Clinic\n"
        "  jurisdiction: [GB, IE]\n", 1)
    assert config != CONFIG
    out = build(tmp_path / "p", {**RICH_FILES, "_config.yml": config})
    forms = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / "fhir").glob("*.json"))]
    assert len(forms) >= 2
    systems: dict[str, str] = {}
    for form in forms:
        assert form["url"] == f"https://example.org/handbook/fhir/Questionnaire/{form['id']}"
        assert form["publisher"] == "Example Clinic"
        assert form["copyright"].startswith("© 2026 Example Clinic. Licensed under Creative Commons Attribution 4.0")
        assert form["jurisdiction"] == [{"coding": [{"system": "urn:iso:std:iso:3166", "code": c}]}
                                        for c in ("GB", "IE")]
        Questionnaire.model_validate(form)
        for coding in codings(form["item"]):
            if coding["system"] == DAYS_OF_WEEK:  # FHIR's own code system for the days of a week
                assert coding["code"] in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
                continue
            assert coding["system"].startswith(form["url"] + "#"), coding
            assert systems.setdefault(coding["system"], form["id"]) == form["id"]


def codings(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        for option in item.get("answerOption", ()):
            if "valueCoding" in option:
                yield option["valueCoding"]
        yield from codings(item.get("item", []))


def test_diary_card_grid_is_a_group_repeating_once_per_day(bundle: Path) -> None:
    form = json.loads((bundle / "fhir/Questionnaire-diary-card.json").read_text(encoding="utf-8"))
    week = next(i for i in form["item"] if i["linkId"] == "week")
    assert (week["type"], week["repeats"], week["required"]) == ("group", True, True)
    assert week["extension"] == [{"url": "http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs",
                                  "valueInteger": 7}]
    day, *rows = week["item"]
    assert (day["linkId"], day["type"], day["required"], day["text"]) == ("week._column", "choice", True, "Day")
    assert [(o["valueCoding"]["system"], o["valueCoding"]["code"], o["valueCoding"]["display"])
            for o in day["answerOption"]] == [(DAYS_OF_WEEK, code, code.title()) for code in
                                              ("mon", "tue", "wed", "thu", "fri", "sat", "sun")]
    assert [(r["linkId"], r["type"]) for r in rows] == [
        ("week.sadness", "choice"), ("week.urge-to-quit", "choice"), ("week.used-skills", "boolean"),
        ("week.medication", "integer"), ("week.notes", "string")]
    assert rows[3]["extension"] == [{"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": 0}]
    assert rows[0]["answerOption"][5]["valueCoding"]["display"] == "5 – Extreme"


# --- determinism -------------------------------------------------------------------------------------------------


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_writes_in_different_folders_are_byte_identical(bundle: Path, tmp_path: Path) -> None:
    other = build(tmp_path / "elsewhere" / "p", RICH_FILES)
    assert tree(other) == tree(bundle)
    for data in tree(bundle).values():
        assert data.endswith(b"\n") and not data.endswith(b"\n\n") and b"\r" not in data
        text = data.decode("utf-8")
        assert json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False, indent=2) + "\n" == text


def test_created_is_utc_rfc3339_whatever_the_time_zone(tmp_path: Path) -> None:
    project = valid_project(tmp_path / "p", {})
    handbook = validate(project, today=TODAY).handbook
    plus_two = dt.timezone(dt.timedelta(hours=2))
    for index, moment in enumerate((dt.datetime(2026, 1, 1, 2, 0, 0, 999, tzinfo=plus_two),
                                    dt.datetime(2026, 1, 1, 0, 0, 0))):
        out = tmp_path / f"b{index}"
        write_bundle(project, handbook, out, created=moment)
        assert json.loads((out / "datapackage.json").read_text(encoding="utf-8"))["created"] == "2026-01-01T00:00:00Z"
    assert tree(tmp_path / "b0") == tree(tmp_path / "b1")


def test_source_date_from_the_environment_or_the_content(tmp_path: Path) -> None:
    project = valid_project(tmp_path / "p", RICH_FILES)
    handbook = validate(project, today=TODAY).handbook
    assert source_date(handbook, {"SOURCE_DATE_EPOCH": "1767225600"}) == CREATED
    assert source_date(handbook, {}) == dt.datetime(2026, 1, 15, tzinfo=dt.UTC)  # latest `updated`, drafts aside
    with pytest.raises(ConfigError, match="SOURCE_DATE_EPOCH"):
        source_date(handbook, {"SOURCE_DATE_EPOCH": "yesterday"})


def test_selection_follows_the_handbook_order(tmp_path: Path) -> None:
    project = valid_project(tmp_path / "p", RICH_FILES)
    selection = select(validate(project, today=TODAY).handbook)
    assert [s.id for s in selection.skills] == ["cold-water", "old-skill", "sample-skill"]
    assert "secret-draft" not in selection.skill_ids


def test_write_refuses_a_folder_that_is_not_empty_and_missing_schemas(tmp_path: Path) -> None:
    project = valid_project(tmp_path / "p", {})
    handbook = validate(project, today=TODAY).handbook
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.json").write_text("{}", encoding="utf-8")
    with pytest.raises(BundleError, match="not empty"):
        write_bundle(project, handbook, out, created=CREATED)
    shutil.rmtree(project.schemas_dir / "bundle")
    with pytest.raises(BundleError, match=r"schemas/bundle/common\.schema\.json: missing"):
        write_bundle(project, handbook, tmp_path / "new", created=CREATED)
    assert not (tmp_path / "new").exists()


# --- the regression snapshot -------------------------------------------------------------------------------------


def test_small_bundle_matches_the_reviewed_snapshot(tmp_path: Path) -> None:
    """tests/snapshots/bundle/: the bundle of the base test project plus a small diary card, reviewed by hand.
    Schemas are compared with the repository's by another test and left out here. After an intended
    change, run with SKILLBOOK_UPDATE_SNAPSHOTS=1 and review the diff."""
    out = build(tmp_path / "p", {"content/homework/snapshot-card.md": SNAPSHOT_CARD})
    produced = {k: v for k, v in tree(out).items() if not k.startswith("schemas/")}
    if os.environ.get("SKILLBOOK_UPDATE_SNAPSHOTS"):
        shutil.rmtree(SNAPSHOT, ignore_errors=True)
        for rel, data in produced.items():
            (SNAPSHOT / rel).parent.mkdir(parents=True, exist_ok=True)
            (SNAPSHOT / rel).write_bytes(data)
    assert produced == tree(SNAPSHOT)


# --- content hashes ----------------------------------------------------------------------------------------------


def test_an_items_content_hash_follows_its_content_not_its_version_or_date(bundle: Path, tmp_path: Path) -> None:
    before = json.loads((bundle / "skills/sample-skill.json").read_text(encoding="utf-8"))
    redated = {**RICH_FILES, "content/skills/test-module/sample-skill.md": SKILL.replace(
        "\nversion: 1.0.0\n", "\nversion: 1.0.1\n").replace("updated: 2026-01-15", "updated: 2026-01-16")}
    assert redated["content/skills/test-module/sample-skill.md"] != SKILL
    same = json.loads((build(tmp_path / "a", redated) / "skills/sample-skill.json").read_text(encoding="utf-8"))
    assert (same["version"], same["updated"]) != (before["version"], before["updated"])
    assert same["contentHash"] == before["contentHash"]
    edited = {**RICH_FILES, "content/skills/test-module/sample-skill.md": SKILL.replace(
        "Notice what is happening.", "Notice what happens.")}
    changed = json.loads((build(tmp_path / "b", edited) / "skills/sample-skill.json").read_text(encoding="utf-8"))
    assert changed["contentHash"] != before["contentHash"]


def test_a_content_hash_that_does_not_match_is_refused(bundle: Path, tmp_path: Path) -> None:
    folder = copy(bundle, tmp_path)
    document = json.loads((folder / "skills/sample-skill.json").read_text(encoding="utf-8"))
    document["title"] = "Another title"  # edited by hand, manifest fixed, content hash left as it was
    rehash(folder, "skills/sample-skill.json", dumps(document))
    with pytest.raises(BundleError, match=r"skills/sample-skill\.json: contentHash does not match"):
        load(folder)


def test_a_file_an_earlier_bundle_checked_is_not_checked_again_but_a_changed_one_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from skillbook.bundle.schemas import SchemaSet

    project = valid_project(tmp_path / "project", {})
    handbook = validate(project, today=TODAY).handbook
    proven: set[str] = set()
    write_bundle(project, handbook, tmp_path / "first", created=CREATED, proven=proven)
    assert proven
    checked: list[str] = []
    original = SchemaSet.errors

    def counted(self: SchemaSet, name: str, instance: Any) -> Iterator[str]:
        checked.append(name)
        return original(self, name, instance)

    monkeypatch.setattr(SchemaSet, "errors", counted)
    write_bundle(project, handbook, tmp_path / "again", created=CREATED, proven=proven)
    assert checked == ["datapackage"]  # the manifest alone, checked as it is written
    assert [p.read_bytes() for p in sorted((tmp_path / "first").rglob("*.json"))] == \
        [p.read_bytes() for p in sorted((tmp_path / "again").rglob("*.json"))]
    # one skill's summary changed: its file, and the index that lists it, are checked again
    skill = replace(handbook.skills[0], summary="A changed summary.")
    edited = replace(handbook, skills=(skill, *handbook.skills[1:]))
    write_bundle(project, edited, tmp_path / "edited", created=CREATED, proven=proven)
    assert "skill" in checked and len(checked) - 1 < len(proven) // 2
    # a file that does not match its schema is refused even when everything else was checked before
    broken = replace(handbook, skills=(replace(skill, version="not-semver"), *handbook.skills[1:]))
    with pytest.raises(BundleError):
        write_bundle(project, broken, tmp_path / "broken", created=CREATED, proven=proven)


def test_a_body_an_earlier_bundle_rendered_is_not_rendered_again_but_a_changed_one_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from skillbook.bundle import export
    from skillbook.bundle.export import RenderedBodies

    project = valid_project(tmp_path / "project", {})
    handbook = validate(project, today=TODAY).handbook
    write_bundle(project, handbook, tmp_path / "plain", created=CREATED)
    rendered = RenderedBodies()
    write_bundle(project, handbook, tmp_path / "first", created=CREATED, rendered=rendered)
    items = len(handbook.modules) + len(handbook.skills) + len(handbook.homework)
    assert len(rendered.used) == items
    bodies: list[str] = []
    original = export.render_body

    def counted(body: str, **options: Any) -> Any:
        bodies.append(body)
        return original(body, **options)

    monkeypatch.setattr(export, "render_body", counted)
    again = RenderedBodies(earlier=rendered.used)
    write_bundle(project, handbook, tmp_path / "again", created=CREATED, rendered=again)
    assert bodies == [] and again.used == rendered.used
    for folder in ("first", "again"):  # the same bytes as a bundle made without any memo
        assert [p.read_bytes() for p in sorted((tmp_path / "plain").rglob("*.json"))] == \
            [p.read_bytes() for p in sorted((tmp_path / folder).rglob("*.json"))]
    # one skill's body changed: it alone is rendered again, and the old body is not kept
    skill = replace(handbook.skills[0], body=handbook.skills[0].body + "\nOne more line.\n")
    edited = replace(handbook, skills=(skill, *handbook.skills[1:]))
    after = RenderedBodies(earlier=again.used)
    write_bundle(project, edited, tmp_path / "edited", created=CREATED, rendered=after)
    assert bodies == [skill.body] and len(after.used) == items
    assert "One more line." in (tmp_path / "edited" / "skills" / f"{skill.id}.json").read_text()
    # the same body under other substitutions is another rendering
    other = replace(project, config=replace(project.config, substitutions={"clinic": "Elsewhere"}))
    write_bundle(other, handbook, tmp_path / "other", created=CREATED, rendered=RenderedBodies(earlier=again.used))
    assert len(bodies) == 1 + items
