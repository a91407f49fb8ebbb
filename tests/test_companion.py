"""The shipped handbook built once; its companion pages out: one fill page per published homework item,
made from the same fields as its PDF and its FHIR Questionnaire, with the stable hooks, the quick exit
and the safety plan where every "My safety plan" link leads. (The pages in a browser: tests/browser.)"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from conftest import REPO, MakeProject, copy_repository

EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}
COMPANION = REPO / "src" / "skillbook" / "site" / "theme" / "skillbook" / "static" / "companion"
BLOCK = re.compile(r'<script type="application/json" id="sb-companion">(.*?)</script>', re.S)
HOOKS = ('data-export="text"', 'data-export="pdf"', 'data-export="fhir"', 'data-export="backup"',
         'data-import="backup"', "data-passcode", "data-delete-all", "data-quick-exit")


def skillbook(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **EPOCH}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-P", "-m", "skillbook", *args], cwd=root, capture_output=True, text=True,
                          env=env, timeout=600)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_repository(tmp_path_factory.mktemp("companion") / "repo")
    result = skillbook(root, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "build"


def page_data(built: Path, name: str) -> dict[str, Any]:
    found = BLOCK.search((built / "site" / "fill" / f"{name}.html").read_text(encoding="utf-8"))
    assert found, name
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def published_homework(built: Path) -> list[str]:
    found = [json.loads(p.read_text(encoding="utf-8")) for p in (built / "bundle" / "homework").glob("*.json")]
    return sorted(h["id"] for h in found if h["status"] == "published")


def test_a_fill_page_for_every_published_homework_item_and_the_list_of_them(built: Path) -> None:
    ids = published_homework(built)
    assert len(ids) >= 25
    pages = sorted(p.stem for p in (built / "site" / "fill").glob("*.html"))
    assert pages == sorted([*ids, "index", "my-own-card"])
    listing = (built / "site" / "fill" / "index.html").read_text(encoding="utf-8")
    assert all(f'fill/{i}.html"' in listing for i in ids)


def test_the_phone_form_the_pdf_and_the_questionnaire_have_the_same_fields(built: Path) -> None:
    """One source: every field, grid row and option of every item reaches all three surfaces, by id."""
    for item in published_homework(built):
        bundle = json.loads((built / "bundle" / "homework" / f"{item}.json").read_text(encoding="utf-8"))
        form = page_data(built, item)["form"]
        assert form["fields"] == bundle["fields"], item
        assert form["version"] == bundle["version"]
        questionnaire = json.loads((built / "bundle" / "fhir" / f"Questionnaire-{item}.json")
                                   .read_text(encoding="utf-8"))
        assert form["questionnaire"] == questionnaire["url"]
        links = _link_ids(questionnaire["item"])
        codes = {link: {o["valueCoding"]["code"] for o in i.get("answerOption", [])} for link, i in links.items()}
        pdf = PdfReader(built / "worksheets" / f"{item}.pdf").get_fields() or {}
        names = set(pdf)
        values = {name: set(f.get("/_States_", ())) for name, f in pdf.items()}
        for field in form["fields"]:
            where = f"{item}:{field['id']}"
            assert field["id"] in links, where
            if field["type"] in ("choice", "checklist"):
                assert codes[field["id"]] == {o["id"] for o in field["options"]}, where
                if field["type"] == "checklist":  # a box per option, named by its id
                    assert {f"{where}:{o['id']}" for o in field["options"]} <= names, where
                else:  # one radio group, a button per option (PDF numbers its states)
                    assert len(values[where] - {"/Off"}) == len(field["options"]), where
            elif field["type"] == "grid":
                for row in field["rows"]:
                    assert f"{field['id']}.{row['id']}" in links, (where, row["id"])
                    for column in field["columns"]:
                        assert f"{where}:{row['id']}:{column['id']}" in names, (where, row["id"], column["id"])
            elif field["type"] == "contacts":
                assert any(n.startswith(where) for n in names), where
            else:
                assert any(n == where or n.startswith(where + ":") for n in names), where


def _link_ids(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for item in items:
        found[item["linkId"]] = item
        found.update(_link_ids(item.get("item", [])))
    return found


def test_every_field_type_is_drawn_exported_and_printed() -> None:
    """A field type the content model allows but the phone form, its FHIR export or its text summary
    does not know would reach one surface and not the others."""
    schema = yaml.safe_load((REPO / "schemas" / "homework.yml").read_text(encoding="utf-8"))
    allowed = set(schema["fields"]["fields"]["schema"]["schema"]["type"]["allowed"])
    drawn = set(re.findall(r'case "([a-z_]+)":', (COMPANION / "form.js").read_text(encoding="utf-8")))
    assert drawn == allowed
    exported = (COMPANION / "fhir.js").read_text(encoding="utf-8")
    assert all(f'"{t}"' in exported for t in allowed - {"long_text", "text"}), "fhir.js misses a type"
    from skillbook.worksheets import render

    printed = (Path(render.__file__)).read_text(encoding="utf-8")
    assert all(f'"{t}"' in printed for t in allowed), "the worksheet renderer misses a type"


def test_hooks_on_every_fill_page(built: Path) -> None:
    for page in (built / "site" / "fill").glob("*.html"):
        if page.stem == "index":
            continue
        html = page.read_text(encoding="utf-8")
        hooks = [h for h in HOOKS if not (page.stem == "my-own-card" and h == 'data-export="fhir"')]
        assert all(hook in html for hook in hooks), page.name
        data = page_data(built, page.stem)
        assert ("data-reminder" in html) == (data["form"]["frequency"] in ("daily", "weekly")), page.name
        assert ('data-send="sms"' in html) == (data["form"]["type"] == "coaching-card"), page.name
        assert '<script type="module" src="../_static/companion/main.js"></script>' in html
        assert "<noscript>" in html  # without scripts: what to do instead (print the PDF)


def test_the_page_carries_data_never_code(built: Path) -> None:
    """The form travels as JSON in a block the browser never runs; text from the content cannot end it."""
    for page in (built / "site" / "fill").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        blocks = BLOCK.findall(html)
        assert len(blocks) == 1 and "<" not in blocks[0], page.name
        # the colour switch (allowed by its hash), skillbook.js, main.js, the form's data, the page's JSON-LD
        assert sorted(re.findall(r"<script\b[^>]*>", html)) == sorted([
            "<script>", '<script src="../_static/skillbook.js" defer data-root="../">',
            '<script type="module" src="../_static/companion/main.js">', '<script type="application/ld+json">',
            '<script type="application/json" id="sb-companion">']), page.name


def test_every_my_safety_plan_link_opens_the_clients_own_plan(built: Path) -> None:
    site = built / "site"
    plan_page = "homework/safety-plan.html"
    for page in site.rglob("*.html"):
        relative = page.relative_to(site).as_posix()
        if relative.startswith("_") or relative == f"content/{plan_page}" or relative.startswith("fill/"):
            continue
        html = page.read_text(encoding="utf-8")
        links = re.findall(r'<a [^>]*href="([^"]*)"[^>]*>([^<]*)</a>', html)
        for href, text in links:
            assert not href.split("#")[0].endswith(plan_page), (relative, href, text)
            if text.strip() == "My safety plan":
                assert href.split("#")[0].endswith("fill/safety-plan.html"), (relative, href)
        assert 'class="skillbook-plan-link"' in html or relative == "index.html", relative
    search = json.loads((site / "skillbook-search.json").read_text(encoding="utf-8"))
    assert search["plan"]["u"] == "fill/safety-plan.html"
    assert 'data-own-card' in (site / "content" / "crisis.html").read_text(encoding="utf-8")
    finder = (site / "content" / "find-a-skill.html").read_text(encoding="utf-8")
    top = finder[finder.index('id="band-high"'):finder.index('id="band-medium"')]
    assert top.index("data-own-card") < top.index("skillbook-ranked")


def test_quick_exit_where_someone_may_be_watching(built: Path) -> None:
    site = built / "site"

    def has_exit(path: str) -> bool:
        return "data-quick-exit" in (site / path).read_text(encoding="utf-8")

    assert has_exit("fill/safety-plan.html") and has_exit("content/crisis.html")
    assert has_exit("content/skills/interpersonal-effectiveness/dear-man.html")  # tagged "conflict"
    assert not has_exit("content/skills/mindfulness/observe.html")
    html = (site / "fill" / "safety-plan.html").read_text(encoding="utf-8")
    assert 'href="https://www.google.com/" rel="noreferrer"' in html


def test_the_offline_copy_holds_every_fill_page_and_the_companion(built: Path) -> None:
    worker = (built / "site" / "sw.js").read_text(encoding="utf-8")
    data = json.loads(worker.split("const SKILLBOOK = ", 1)[1].split(";\n", 1)[0])
    cached = set(data["first"]) | set(data["rest"])
    assert {f"fill/{p.name}" for p in (built / "site" / "fill").glob("*.html")} <= cached
    assert {f"_static/companion/{p.name}" for p in COMPANION.iterdir()} <= cached
    assert all((built / "site" / p).is_file() for p in cached)


def test_two_fields_cannot_both_start_the_clients_copy(make_project: MakeProject) -> None:
    from conftest import HOMEWORK

    text = HOMEWORK.replace("    required: true\n", "    required: true\n    start_here: true\n"
                            "  - id: then\n    label: And then?\n    type: text\n    required: false\n"
                            "    start_here: true\n")
    assert text.count("start_here") == 2
    root = make_project({"content/homework/sample-worksheet.md": text})
    result = skillbook(root, "validate")
    assert result.returncode == 1
    assert "both have `start_here`" in result.stdout and "sample-worksheet.md:" in result.stdout


def test_the_quick_exit_address_must_be_https(make_project: MakeProject) -> None:
    from conftest import CONFIG

    root = make_project({"_config.yml": CONFIG.replace("skillbook:\n", "skillbook:\n  quick_exit: http://example.org\n",
                                                       1)})
    result = skillbook(root, "validate")
    assert result.returncode == 2
    assert "quick_exit" in result.stderr + result.stdout and "https" in result.stderr + result.stdout
