"""The bundle of the shipped handbook, written by the library from a copy of the repository: valid, complete, stable."""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from jsonschema import Draft202012Validator

from conftest import REPO, SKILL, copy_repository
from skillbook.bundle import diff_bundles, load, source_date, write_bundle
from skillbook.bundle.diff import Level
from skillbook.bundle.schemas import SCHEMA_NAMES
from skillbook.checking.validate import validate
from skillbook.reading.project import load_project
from test_bundle import fhir_problems, registry, tree

pytestmark = pytest.mark.slow

DRAFT = SKILL.replace("id: sample-skill", "id: zz-unfinished").replace("title: Sample skill", "title: Zebraquokka") \
    .replace("status: published", "status: draft").replace("module: test-module", "module: mindfulness") \
    .replace("worksheets: [sample-worksheet]", "worksheets: []")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("shipped") / "repo"
    copy_repository(root)
    (root / "content/skills/mindfulness/zz-unfinished.md").write_text(DRAFT, encoding="utf-8")  # a draft to leave out
    project = load_project(root)
    result = validate(project)  # not strict: whether every book page is in _toc.yml is not the bundle's business
    assert result.ok, [str(i) for i in result.errors]
    created = source_date(result.handbook, {"SOURCE_DATE_EPOCH": "1767225600"})
    out = root / "build-a" / "bundle"
    write_bundle(project, result.handbook, out, created=created)
    again = root / "build-b" / "bundle"
    write_bundle(project, result.handbook, again, created=created)
    return {"root": root, "bundle": out, "again": again, "handbook": result.handbook}


def test_shipped_bundle_loads_with_every_hash_verified(shipped: dict[str, Any]) -> None:
    bundle = load(shipped["bundle"])
    handbook = shipped["handbook"]
    assert bundle.name == "dbt-skills-handbook" and bundle.version == "1.0.0"
    assert bundle.created.isoformat() == "2026-01-01T00:00:00+00:00"
    assert set(bundle.skills) == {s.id for s in handbook.skills if s.is_public}
    assert len(bundle.skills) == 43 and len(bundle.homework) == len(bundle.questionnaires) == 29
    assert [m.id for m in bundle.index] == ["mindfulness", "distress-tolerance", "emotion-regulation",
                                            "interpersonal-effectiveness", "walking-the-middle-path"]
    # index, crisis services, changelog, modules, skills, homework, their questionnaires, the schemas
    assert len(bundle.resources) == 1 + 1 + 1 + 5 + 43 + 29 + 29 + len(SCHEMA_NAMES)
    assert bundle.crisis["regions"] and all(r["emergency"] for r in bundle.crisis["regions"])
    assert diff_bundles(bundle, load(shipped["again"])).required is Level.NONE


def test_shipped_bundle_files_are_valid_against_their_schemas(shipped: dict[str, Any]) -> None:
    folder = shipped["bundle"]
    manifest = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    schemas = registry()
    for resource in manifest["resources"]:
        if resource["path"].startswith("schemas/"):
            continue
        schema = json.loads((folder / resource["jsonSchema"]).read_text(encoding="utf-8"))
        document = json.loads((folder / resource["path"]).read_text(encoding="utf-8"))
        errors = [e.message for e in Draft202012Validator(schema, registry=schemas).iter_errors(document)]
        assert not errors, (resource["path"], errors[:3])


def test_shipped_questionnaires_are_valid_fhir(shipped: dict[str, Any]) -> None:
    for path in sorted((shipped["bundle"] / "fhir").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        Questionnaire.model_validate(data)
        seen: set[str] = set()
        assert not [p for item in data["item"] for p in fhir_problems(item, seen)], path.name
    card = json.loads((shipped["bundle"] / "fhir/Questionnaire-weekly-diary-card.json").read_text(encoding="utf-8"))
    groups = [i for i in card["item"] if i["type"] == "group"]
    assert [g["linkId"] for g in groups] == ["urges", "emotions", "actions", "skills", "skills-list"]
    for group in groups:
        assert group["repeats"] is True and group["extension"][0]["valueInteger"] == 7
        assert group["item"][1]["linkId"] == f"{group['linkId']}._column"
    skills_used = next(g for g in groups if g["linkId"] == "skills")["item"][2]
    assert skills_used["answerOption"][7]["valueCoding"]["display"] == "7 – Used skills easily and they helped a lot"


def test_shipped_bundle_is_deterministic_and_has_no_draft(shipped: dict[str, Any]) -> None:
    first, second = tree(shipped["bundle"]), tree(shipped["again"])
    assert first == second
    for rel, data in first.items():
        assert b"Zebraquokka" not in data and b"zz-unfinished" not in data, rel


def test_shipped_links_point_at_pages_that_exist(shipped: dict[str, Any]) -> None:
    """Relative links in the HTML resolve, from the item's page, to a page the handbook has."""
    root = shipped["root"]
    checked = 0
    for path in sorted((shipped["bundle"]).glob("*/*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        if "body" not in document or not document["page"]:
            continue
        for href in re.findall(r'href="([^"#]+)(?:#[^"]*)?"', document["body"]["html"]):
            if href.startswith(("https:", "mailto:", "tel:")):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(document["page"]), href))
            assert target.endswith(".html") and (root / target.removesuffix(".html")).with_suffix(".md").is_file(), (
                path.name, href)
            checked += 1
    assert checked > 50


def test_every_shipped_skill_has_its_text_message_form_in_the_bundle(shipped: dict[str, Any]) -> None:
    """For coaching by text and reminders: the steps in one or two messages, the cautions in one, each at
    most 160 characters, read from the published files."""
    for path in sorted((shipped["bundle"] / "skills").glob("*.json")):
        skill = json.loads(path.read_text(encoding="utf-8"))
        if skill["status"] != "published":
            continue
        steps, cautions = skill["text_message"]["steps"], skill["text_message"]["cautions"]
        assert 1 <= len(steps) <= 2 and all(0 < len(m) <= 160 for m in steps), path.name
        assert len(cautions) <= 160 and bool(cautions) == bool(
            skill["cautions"] or any(s.get("caution") for s in skill["steps"])), path.name


# --- what outside tools make of it: the reference Data Package implementation, Ajv in strict mode --------------


def frictionless_report(manifest: Any) -> dict[str, Any]:
    """`frictionless validate --json` on a manifest, as an app developer would run it."""
    result = subprocess.run([sys.executable, "-m", "frictionless", "validate", "--json", manifest.name],
                            cwd=manifest.parent, capture_output=True, text=True, timeout=300)
    assert result.stdout.strip(), result.stderr
    return dict(json.loads(result.stdout))


def test_the_manifest_validates_with_the_reference_data_package_tool(shipped: dict[str, Any],
                                                                     tmp_path: Path) -> None:
    report = frictionless_report(shipped["bundle"] / "datapackage.json")
    problems = [(task["name"], error["message"]) for task in report["tasks"] for error in task["errors"]]
    assert report["valid"], problems[:5]
    assert len(report["tasks"]) == len(json.loads((shipped["bundle"] / "datapackage.json").read_text())["resources"])
    damaged = tmp_path / "bundle"
    shutil.copytree(shipped["bundle"], damaged)
    skill = next((damaged / "skills").glob("*.json"))
    skill.write_text(skill.read_text(encoding="utf-8").replace('"', "'", 1) + " ", encoding="utf-8")
    report = frictionless_report(damaged / "datapackage.json")  # the tool checks sizes and hashes too
    assert not report["valid"]
    assert {error["type"] for task in report["tasks"] for error in task["errors"]} & {"hash-count", "byte-count"}


def test_every_bundle_schema_compiles_in_ajv_strict_mode(shipped: dict[str, Any]) -> None:
    """tests/js/compile_schemas.mjs: Ajv 2020-12 with `strict: true` and ajv-formats (npm, installed by
    scripts/setup), every schema of the bundle added, then compiled."""
    script = REPO / "tests" / "js" / "compile_schemas.mjs"
    assert (REPO / "node_modules" / "ajv").is_dir(), "Ajv is missing: run ./scripts/setup (npm ci)"
    result = subprocess.run(["node", str(script), str(shipped["bundle"] / "schemas")], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    loose = shipped["root"] / "loose"
    loose.mkdir()
    (loose / "loose.schema.json").write_text(json.dumps({
        "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "urn:test:loose", "pattern": "^a"}))
    result = subprocess.run(["node", str(script), str(loose)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "strict mode" in result.stdout  # the check can fail
