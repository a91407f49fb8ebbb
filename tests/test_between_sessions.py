"""Skills away from the therapist: "What can I do right now?", crisis help on every surface (site,
paper, app bundle), cautions before steps and with their step, pocket cards, the text-message form,
safety plans and coaching-call cards."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from pypdf import PdfReader

from conftest import HOMEWORK, REPO, SKILL, TOC, MakeProject, write_project
from skillbook.bundle import load
from skillbook.checking.validate import validate
from skillbook.reading.project import load_project
from skillbook.reading.textmessage import LIMIT, cautions_form, steps_form, text_message
from skillbook.reading.vocabulary import DEFAULT_BANDS, Term
from skillbook.reading.wording import words_for
from skillbook.site.chooser import choices, rank

EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}
HIGH, MEDIUM, LOW = DEFAULT_BANDS[2], DEFAULT_BANDS[1], DEFAULT_BANDS[0]


def skill(skill_id: str, *, intensity: str = "", emotions: str = "[anger]", minutes: int = 5, level: str = "core",
          extra: str = "") -> str:
    text = SKILL.replace("id: sample-skill", f"id: {skill_id}").replace("title: Sample skill", f"title: {skill_id}") \
        .replace("emotions: [anger]", f"emotions: {emotions}").replace("practice_minutes: 5",
                                                                       f"practice_minutes: {minutes}") \
        .replace("level: core", f"level: {level}").replace("worksheets: [sample-worksheet]", "worksheets: []")
    if intensity:
        text = text.replace("related: []\n", f"related: []\nintensity: {intensity}\n")
    return text.replace("related: []\n", "related: []\n" + extra)


def toc_with(*skills: str) -> str:
    sections = "".join(f"          - file: content/skills/test-module/{s}\n" for s in skills)
    return TOC.replace("          - file: content/skills/test-module/sample-skill\n",
                       "          - file: content/skills/test-module/sample-skill\n" + sections)


# ------------------------------------------------------------------------------- what can I do right now


def test_the_ranking_comes_from_metadata(make_project: MakeProject) -> None:
    files: dict[str, str | bytes | None] = {
        "content/skills/test-module/cold.md": skill("cold", intensity="[high, medium]", minutes=2),
        "content/skills/test-module/walk.md": skill("walk", intensity="[high]", minutes=10),
        "content/skills/test-module/plan.md": skill("plan", intensity="[low]", level="foundation"),
        "content/skills/test-module/name-it.md": skill("name-it", intensity="[medium, high]", level="foundation"),
        "content/skills/test-module/calm.md": skill("calm", intensity="[high]", emotions="[fear]"),
    }
    root = make_project({**files, "_toc.yml": toc_with("cold", "walk", "plan", "name-it", "calm")})
    result = validate(load_project(root))
    assert result.ok, result.issues
    anger = Term("anger", "Anger")
    # at the top band: quick skills first among those whose best fit is the top band
    assert [s.id for s in rank(result.handbook, HIGH, "emotions", anger).skills] == ["cold", "walk", "name-it"]
    # at the middle band: best fit first (name-it lists medium first; cold and the default list it
    # second), then by level and title
    assert [s.id for s in rank(result.handbook, MEDIUM, "emotions", anger).skills] == ["name-it", "cold",
                                                                                        "sample-skill"]
    # too few with the tag: skills that suit the band fill up to three
    fear = rank(result.handbook, HIGH, "emotions", Term("fear", "Fear"))
    assert fear.skills[0].id == "calm" and len(fear.skills) == 3
    assert fear.crisis_first and not rank(result.handbook, LOW, "emotions", anger).crisis_first
    assert rank(result.handbook, LOW, "situations", Term("crisis", "Crisis", crisis_first=True)).crisis_first
    for choice in choices(result.handbook, result.terms, result.bands):
        assert 1 <= len(choice.skills) <= 5


# ---------------------------------------------------------------------------------- text-message form


def test_the_text_message_form_is_made_from_the_steps_where_they_fit() -> None:
    words = words_for("en")
    assert steps_form("STOP", [("S", "Stop"), ("T", "Take a step back")], words) == \
        ("STOP: S Stop; T Take a step back.",)
    long_steps = [("", "A step with a long name " + str(n)) for n in range(8)]
    first, second = steps_form("Skill", long_steps, words)  # type: ignore[misc]
    assert len(first) <= LIMIT and len(second) <= LIMIT and "(1/2)" in first and "(2/2)" in second
    assert steps_form("Skill", [("", "x" * 200)], words) is None
    assert cautions_form([], words) == "" and cautions_form(["Short."], words) == "Safety: Short."
    assert cautions_form(["x" * 170], words) is None


def test_validate_asks_for_the_text_message_where_it_does_not_fit(make_project: MakeProject,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from skillbook.commands.cli import main

    long_caution = "cautions:\n  - " + "A long caution about the body and health, with detail. " * 4 + "\n"
    root = make_project({"content/skills/test-module/sample-skill.md": SKILL.replace("related: []\n",
                                                                                    "related: []\n" + long_caution)})
    with pytest.raises(SystemExit) as exit_info:
        main(["--project", str(root), "validate"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 1
    assert re.search(r"sample-skill\.md:\d+:1: error\[text-message\]: the cautions are too long for one text "
                     r"message of 160 characters", out), out
    fixed = SKILL.replace("related: []\n", "related: []\n" + long_caution +
                          "text_message:\n  cautions: Check your health first.\n")
    root = make_project({"content/skills/test-module/sample-skill.md": fixed}, name="fixed")
    assert validate(load_project(root)).ok


# ----------------------------------------------------------- cautions first, and with their own step


CAREFUL = SKILL.replace("related: []\n", "related: []\ncautions:\n  - Stop if you feel faint.\n") \
    .replace("  - id: notice\n    name: Notice\n    prompt: Notice what is happening.",
             "  - id: notice\n    name: Notice\n    prompt: Notice what is happening.\n"
             "  - id: cold\n    name: Cool down\n    prompt: Cool your face with cold water.\n"
             "    caution: Heart condition? Ask a doctor before cold water.")


@pytest.fixture(scope="module")
def careful_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_project(tmp_path_factory.mktemp("careful") / "project",
                         {"content/skills/test-module/sample-skill.md": CAREFUL})
    result = subprocess.run([sys.executable, "-P", "-m", "skillbook", "build"], cwd=root, capture_output=True,
                            text=True, env={**os.environ, **EPOCH}, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "build"


def test_cautions_come_before_the_steps_on_the_page_the_pdf_the_pocket_card_and_in_the_bundle(
        careful_build: Path) -> None:
    def in_order(text: str, label: str) -> None:
        text = " ".join(text.split())
        caution, step = text.index("Stop if you feel faint"), text.index("Cool down")
        assert caution < step, label
        # the step's own caution comes with it (a summary of every caution may also open the card)
        assert text.index("Heart condition? Ask a doctor", step) < step + 120, label

    site = careful_build / "site"
    page = (site / "content/skills/test-module/sample-skill.html").read_text(encoding="utf-8")
    in_order(re.sub(r"<[^>]+>", " ", page[page.index("skillbook-skill-card"):]), "page")
    pocket = (site / "pocket/sample-skill.html").read_text(encoding="utf-8")
    in_order(re.sub(r"<[^>]+>", " ", pocket[pocket.index("<article"):]), "pocket card")
    sheet = " ".join(p.extract_text() for p in PdfReader(careful_build / "worksheets/sample-worksheet.pdf").pages)
    in_order(sheet, "worksheet")
    cards = " ".join(p.extract_text() for p in PdfReader(careful_build / "worksheets/test-module-pocket-cards.pdf")
                     .pages)
    assert cards.index("Safety:") < cards.index("Cool down"), "pocket-card PDF"
    data = json.loads((careful_build / "bundle/skills/sample-skill.json").read_text(encoding="utf-8"))
    keys = list(data)
    assert keys.index("cautions") < keys.index("steps")  # an app reading the file in order meets them first
    assert data["steps"][1] == {"id": "cold", "name": "Cool down", "prompt": "Cool your face with cold water.",
                                "caution": "Heart condition? Ask a doctor before cold water."}
    assert data["text_message"]["cautions"].startswith("Safety: Stop if you feel faint.")


# --------------------------------------------------------------------------- crisis help on every surface


def test_the_bundle_carries_the_crisis_services(careful_build: Path) -> None:
    bundle = load(careful_build / "bundle")  # every file verified against its schema and hash
    assert bundle.crisis == {"intro": "", "page": "content/crisis.html", "regions": [
        {"name": "Testland", "emergency": ["999"], "services": [
            {"name": "Test crisis line", "phone": "0800 000 000", "hours": "24/7"}]}]}
    manifest = json.loads((careful_build / "bundle/datapackage.json").read_text(encoding="utf-8"))
    (resource,) = [r for r in manifest["resources"] if r["path"] == "crisis.json"]
    assert resource["jsonSchema"] == "schemas/crisis.schema.json" and resource["name"] == "crisis"
    assert json.loads((careful_build / "bundle/index.json").read_text(encoding="utf-8"))["crisis"] == "crisis.json"


def test_a_crisis_reference_renders_for_each_surface(make_project: MakeProject) -> None:
    from skillbook.reading.richtext import render_body

    app = render_body("Get {crisis}`crisis help` now.", source_path="content/x.md")
    assert re.search(r'<a class="skillbook-crisis-ref" href="#crisis"[^>]*>crisis help</a>', app.html)
    assert "crisis help" in app.text
    paper = render_body("Get {crisis}`crisis help` now.", source_path="content/x.md", crisis_words=" (see below)")
    assert "crisis help (see below)" in paper.text


def test_no_shipped_text_points_at_one_surfaces_layout() -> None:
    """The same words reach a web page, paper, an app and a text message."""
    layout = re.compile(r"top of (every|the) page|on this page|\bthis page\b|\bclick (here|on|the)\b|"
                        r"\bscroll (down|up)\b|sidebar|link at the top|menu above|button below", re.I)
    project = load_project(REPO)
    result = validate(project)
    for document in result.documents:
        audience = document.data.get("audience", "client")
        if audience != "client":
            continue  # the authoring guide and the developers' pages describe the site itself
        text = document.source.path.read_text(encoding="utf-8")
        found = layout.search(text)
        assert found is None, f"{document.source.rel}: `{found.group()}`" if found else ""


# ----------------------------------------------------------------------------------------- pocket cards


def test_the_shipped_pocket_cards_cover_every_published_skill(tmp_path: Path) -> None:
    from skillbook.worksheets.render import HANDBOOK_CARDS, render_worksheets

    root = write_project(tmp_path / "unused")  # the fixture's schemas folder, unused: the repository is read
    project = load_project(REPO)
    result = validate(project)
    output, issues = render_worksheets(result.handbook, tmp_path / "out", cache_dir=tmp_path / "cache",
                                       config=project.config)
    assert issues == [] and root.is_dir()
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(output.files[HANDBOOK_CARDS]).pages)
    published = [s for s in result.handbook.skills if s.is_published]
    missing = [s.id for s in published if s.title not in text]
    assert not missing, missing
    own = PdfReader(output.files["my-own-card"])
    assert {"my-card:title", "my-card:caution"} <= set(own.get_fields() or {})  # a card to fill in


def test_every_published_skill_has_a_text_message_form_within_the_limits() -> None:
    result = validate(load_project(REPO))
    for skill_item in (s for s in result.handbook.skills if s.is_published):
        form = text_message(skill_item)
        assert 1 <= len(form.steps) <= 2 and all(0 < len(m) <= LIMIT for m in form.steps), skill_item.id
        assert len(form.cautions) <= LIMIT, skill_item.id
        assert bool(form.cautions) == bool(skill_item.all_cautions), skill_item.id


# -------------------------------------------------------------------------- safety plans and coaching


SAFETY_PLAN = HOMEWORK.replace("id: sample-worksheet", "id: my-safety-plan") \
    .replace("title: Sample worksheet", "title: My safety plan").replace("type: worksheet", "type: safety-plan") \
    .replace("frequency: as-needed", "frequency: once").replace(
        "  - id: what\n    label: What happened?\n    type: long_text\n    required: true\n",
        "  - id: signs\n    label: My warning signs\n    type: long_text\n    required: true\n"
        "  - id: people\n    label: People I can ask for help\n    type: contacts\n    blanks: 3\n"
        "    required: false\n"
        "  - id: professionals\n    label: Professionals and crisis lines\n    type: contacts\n"
        "    crisis_services: true\n    blanks: 2\n    required: false\n")
COACHING = HOMEWORK.replace("id: sample-worksheet", "id: call-card").replace("title: Sample worksheet",
                                                                             "title: Coaching call card") \
    .replace("type: worksheet", "type: coaching-card")


@pytest.fixture(scope="module")
def plan_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    toc = TOC.replace("      - file: content/homework/sample-worksheet\n",
                      "      - file: content/homework/sample-worksheet\n      - file: content/homework/my-safety-plan\n"
                      "      - file: content/homework/call-card\n")
    root = write_project(tmp_path_factory.mktemp("plan") / "project", {
        "content/homework/my-safety-plan.md": SAFETY_PLAN, "content/homework/call-card.md": COACHING,
        "content/find-a-skill.md": "# What can I do right now?\n\n```{skill-finder}\n```\n", "_toc.yml": toc.replace(
            "      - file: content/crisis\n", "      - file: content/crisis\n      - file: content/find-a-skill\n"),
        "_config.yml": __import__("conftest").CONFIG.replace("start: [content/crisis]",
                                                             "start: [content/crisis, content/find-a-skill]")})
    result = subprocess.run([sys.executable, "-P", "-m", "skillbook", "build"], cwd=root, capture_output=True,
                            text=True, env={**os.environ, **EPOCH}, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "build"


def test_a_safety_plan_prints_the_crisis_services_and_rows_to_fill_in(plan_build: Path) -> None:
    reader = PdfReader(plan_build / "worksheets/my-safety-plan.pdf")
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Test crisis line (Testland)" in text and "0800 000 000" in text
    names = set(reader.get_fields() or {})
    assert {f"my-safety-plan:people:{n}:name" for n in (1, 2, 3)} <= names
    assert {"my-safety-plan:professionals:2:number"} <= names
    form = json.loads((plan_build / "bundle/fhir/Questionnaire-my-safety-plan.json").read_text(encoding="utf-8"))
    Questionnaire.model_validate(form)  # an independent FHIR model reads it
    professionals = next(i for i in form["item"] if i["linkId"] == "professionals")
    assert professionals["type"] == "group" and professionals["repeats"] is False
    services = [i for i in professionals["item"] if i["type"] == "display"]
    assert [i["text"] for i in services] == ["Testland: emergency 999", "Test crisis line (Testland): 0800 000 000"]
    (rows,) = [i for i in professionals["item"] if i["type"] == "group"]
    assert rows["linkId"] == "professionals.contact" and rows["repeats"] is True
    assert rows["extension"][0]["valueInteger"] == 2
    assert [i["linkId"] for i in rows["item"]] == ["professionals.contact.name", "professionals.contact.number"]
    data = json.loads((plan_build / "bundle/homework/my-safety-plan.json").read_text(encoding="utf-8"))
    assert data["type"] == "safety-plan"
    people = next(f for f in data["fields"] if f["id"] == "people")
    assert (people["blanks"], people["crisis_services"]) == (3, False)


def test_the_safety_plan_comes_first_at_the_top_band_and_the_coaching_card_is_half_a_sheet(plan_build: Path) -> None:
    chooser = (plan_build / "site/content/find-a-skill.html").read_text(encoding="utf-8")
    top = chooser[chooser.index('id="band-high"'):chooser.index('id="band-medium"')]
    assert top.index("My safety plan") < top.index("skillbook-ranked") and "my-safety-plan.html" in top
    card = PdfReader(plan_build / "worksheets/call-card.pdf").pages[0]
    width, height = float(card.mediabox.width), float(card.mediabox.height)
    assert (round(width), round(height)) == (420, 595)  # A5, to keep by the phone
    search: dict[str, Any] = json.loads((plan_build / "site/skillbook-search.json").read_text(encoding="utf-8"))
    assert search["plan"]["u"] == "fill/my-safety-plan.html"  # the client's own plan, or the form to make one
