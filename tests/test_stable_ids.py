"""Stable ids for options, grid columns and steps; `show_if` conditions; generated words per language.

Ids are what apps store, so validate asks for them (with a proposal), `skillbook ids` proposes and
writes them, and every surface (paper, site, bundle, FHIR) uses them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BASE_FILES, HOMEWORK, REPO, SKILL, MakeProject
from skillbook.bundle.export import field_json
from skillbook.bundle.fhir import DAYS_OF_WEEK, Publication, questionnaire
from skillbook.checking.validate import validate
from skillbook.commands.ids import propose_ids
from skillbook.reading import wording
from skillbook.reading.project import load_project
from skillbook.reading.richtext import RichText
from skillbook.reading.wording import EN, WORDS, words_for

PLAIN = """\
---
id: plain-log
title: Plain log
# a comment the helper must keep
steps:
  - name: Notice it
    prompt: What is here?
  - {name: Name it, prompt: "What is it called?"}
fields:
  - id: where
    label: Where?
    type: choice
    options: [Home, 'Work', Home, "Yes"]
  - id: week
    label: Week
    type: grid
    columns: [Mon, Tue, Wed, Thu, Fri, Sat, Sun]
  - id: parts
    label: Parts
    type: grid
    columns:
      - Morning
      - Evening
  - id: used
    type: checklist
    options:
      - {label: Wise mind, skill: wise-mind}
      - {label: Something else}
---

Body stays.
"""


def test_the_helper_proposes_ids_and_writes_them_in_without_touching_anything_else() -> None:
    result = propose_ids(PLAIN)
    proposed = {(p.what, p.id) for p in result.proposals}
    assert proposed == {
        ("steps[0]", "notice"), ("steps[1]", "name"),
        ("fields.where.options[0]", "home"), ("fields.where.options[1]", "work"),
        ("fields.where.options[2]", "home-2"), ("fields.where.options[3]", "yes"),
        ("fields.week.columns", "week"),
        ("fields.parts.columns[0]", "morning"), ("fields.parts.columns[1]", "evening"),
        ("fields.used.options[1]", "something-else"),
    }
    text = result.text
    assert "# a comment the helper must keep" in text and text.endswith("Body stays.\n")
    assert "  - id: notice\n    name: Notice it\n" in text
    assert '{id: name, name: Name it, prompt: "What is it called?"}' in text
    assert "{id: work, label: 'Work'}" in text and '{id: "yes", label: "Yes"}' in text  # quoted: not a boolean
    assert "    columns: week\n" in text and "      - {id: morning, label: Morning}\n" in text
    assert "{label: Wise mind, skill: wise-mind}" in text  # a skill option's id is its skill: left alone
    assert propose_ids(text).proposals == ()  # nothing left to propose
    crlf = propose_ids(PLAIN.replace("\n", "\r\n")).text
    assert crlf == text.replace("\n", "\r\n")


def _with_fields(fields: str) -> str:
    """The base worksheet with `fields` (YAML lines, indented as under `fields:`) after its own."""
    return HOMEWORK.replace("    required: true\n---", "    required: true\n" + fields + "---")


def _failing_validation(make_project: MakeProject, capsys: pytest.CaptureFixture[str],
                        files: dict[str, str | bytes | None]) -> tuple[Path, str]:
    """A project with `files`, and what `skillbook validate` prints for it (it must fail)."""
    from skillbook.commands.cli import main

    root = make_project(files)
    with pytest.raises(SystemExit) as exit_info:
        main(["--project", str(root), "validate"])
    assert exit_info.value.code == 1
    return root, capsys.readouterr().out


def test_validate_asks_for_each_missing_id_with_a_proposal(make_project: MakeProject,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    skill = SKILL.replace("  - id: notice\n    name: Notice\n", "  - name: Notice\n")
    homework = _with_fields("  - id: where\n    label: Where?\n    type: choice\n    required: false\n"
                            "    options: [At home, {label: At work}]\n"
                            "  - id: days\n    label: Days\n    type: grid\n    required: false\n"
                            "    columns: [Mon, Tue]\n    rows: [{id: ok, label: OK, type: yes_no}]\n")
    root, out = _failing_validation(make_project, capsys, {"content/skills/test-module/sample-skill.md": skill,
                                                           "content/homework/sample-worksheet.md": homework})
    assert re.search(r"sample-skill.md:\d+:\d+: error\[required\]: missing required field `id` in the 1st step\n"
                     r"    hint: add `id: notice`", out), out
    assert "error[option-id]: the 1st option of field `where`: the option `At home` has no id" in out
    assert "hint: write it as `{id: at-home, label: At home}`" in out
    assert "error[option-id]: the 2nd option of field `where`: the option `At work` has no id" in out
    assert "error[column-id]: the 1st column of field `days`: the column `Mon` has no id" in out
    root_ids = subprocess.run([sys.executable, "-P", "-m", "skillbook", "ids", "--write"], cwd=root,
                              capture_output=True, text=True)
    assert root_ids.returncode == 0 and "wrote 5 id(s) into 2 file(s)" in root_ids.stderr, root_ids.stderr
    assert validate(load_project(root)).ok


def test_ids_must_be_unique_and_conditions_must_point_back(make_project: MakeProject,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    homework = _with_fields("  - id: where\n    label: Where?\n    type: choice\n    required: false\n"
                            "    options: [{id: home, label: Home}, {id: home, label: House}]\n"
                            "  - id: why\n    label: Why?\n    type: text\n    required: false\n"
                            "    show_if: {field: where, answer: work}\n"
                            "  - id: when\n    label: When?\n    type: text\n    required: false\n"
                            "    show_if: {field: later, answer: yes}\n"
                            "  - id: later\n    label: Later?\n    type: yes_no\n    required: false\n"
                            "  - id: how\n    label: How?\n    type: text\n    required: false\n"
                            "    show_if: {field: why, answer: yes}\n")
    _, out = _failing_validation(make_project, capsys, {"content/homework/sample-worksheet.md": homework})
    assert "error[duplicate-id]: `options` of field `where`: the 1st and the 2nd option both have the id `home`" in out
    assert "`work` is not an option of `where`" in out and "use the id of one of its options: `home`" in out
    assert "show_if names `later`, which is not an earlier field of this worksheet" in out
    assert "show_if names `why`, a text field" in out


DIARY = _with_fields("""  - id: acted
    label: Did I act on the urge?
    type: yes_no
    required: false
  - id: after
    label: What happened after?
    type: long_text
    required: false
    show_if: {field: acted, answer: yes}
  - id: mood
    label: Mood
    type: choice
    required: false
    options: [{id: low, label: Low}, {label: The sample skill, skill: sample-skill}]
  - id: then
    label: What did I do then?
    type: text
    required: false
    show_if: {field: mood, answer: low}
  - id: week
    label: This week
    type: grid
    required: false
    columns: week
    rows:
      - {id: slept, label: Slept well, type: yes_no}
      - {id: other, label: Another urge, type: rating, min: 0, max: 10, write_in: true}
      - {id: practised, label: The sample skill, type: yes_no, skill: sample-skill}
""")


@pytest.fixture()
def conditional(make_project: MakeProject) -> Path:
    return make_project({"content/homework/sample-worksheet.md": DIARY})


def test_every_surface_uses_the_ids(conditional: Path) -> None:
    result = validate(load_project(conditional))
    assert result.ok, result.issues
    log = next(h for h in result.handbook.homework if h.id == "sample-worksheet")
    by_id = {f.id: f for f in log.fields}
    week = field_json(by_id["week"], frozenset({"sample-skill"}))
    assert week["columns"][0] == {"id": "mon", "label": "Mon", "iso_weekday": 1}
    assert [c["id"] for c in week["columns"]] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert field_json(by_id["after"], frozenset())["show_if"] == {"field": "acted", "answer": True}
    mood = field_json(by_id["mood"], frozenset({"sample-skill"}))
    assert [o["id"] for o in mood["options"]] == ["low", "sample-skill"]

    form = questionnaire(log, RichText("", "", "", ()), publication=Publication(handbook="test"),
                         skills=frozenset({"sample-skill"}))
    items = {i["linkId"]: i for i in form["item"]}
    assert items["after"]["enableWhen"] == [{"question": "acted", "operator": "=", "answerBoolean": True}]
    assert items["then"]["enableWhen"][0]["answerCoding"]["code"] == "low"
    codes = [o["valueCoding"]["code"] for o in items["mood"]["answerOption"]]
    assert codes == ["low", "sample-skill"]
    rows = {r["id"]: r for r in week["rows"]}
    assert rows["other"]["write_in"] is True and rows["practised"]["skill"] == "sample-skill"
    ids = [i["linkId"] for i in form["item"]]
    assert ids[ids.index("week") + 1] == "week.other._name"  # what the write-in row is about: asked once
    assert items["week.other._name"] == {"linkId": "week.other._name", "type": "string", "required": False,
                                         "text": "Another urge: which one?"}
    column = items["week"]["item"][0]
    assert column["linkId"] == "week._column" and column["text"] == "Day"
    assert {o["valueCoding"]["system"] for o in column["answerOption"]} == {DAYS_OF_WEEK}

    from fhir.resources.R4B.questionnaire import Questionnaire

    Questionnaire.parse_obj(form)  # enableWhen and codings as FHIR R4B defines them


@pytest.mark.slow
def test_paper_says_if_yes_and_the_site_says_when(conditional: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from skillbook.worksheets.render import _worksheet_html

    project = load_project(conditional)
    result = validate(project)
    log = next(h for h in result.handbook.homework if h.id == "sample-worksheet")
    html = _worksheet_html(log, {s.id: s for s in result.handbook.skills}, project.config)
    assert '<span class="condition">If yes:</span> What happened after?' in html
    assert '<span class="condition">If “Low”:</span> What did I do then?' in html
    assert 'name="sample-worksheet:mood" value="low"' in html and 'name="sample-worksheet:week:slept:mon"' in html
    assert 'Another urge: <input type="text" class="write-in" name="sample-worksheet:week:other:name"' in html
    # a yes/no cell is marked yes or no, so a blank means "not filled in"
    assert html.count('name="sample-worksheet:week:slept:mon" value="yes"') == 1
    assert html.count('name="sample-worksheet:week:slept:mon" value="no"') == 1


def test_every_language_table_has_the_same_words() -> None:
    for language, table in WORDS.items():
        assert set(table) == set(EN), language
        for key, value in table.items():
            assert type(value) is type(EN[key]), (language, key)
            if isinstance(value, str):  # the same placeholders, so a translation cannot break a format
                assert set(re.findall(r"{(\w+)}", value)) == set(re.findall(r"{(\w+)}", str(EN[key]))), key
    assert words_for("en-GB").language == "en" and words_for("xx").language == "en"


def _marked(key: str, value: wording.Phrase) -> wording.Phrase:
    """A word of the table as `⟪key⟫`, keeping its placeholders, so it can be told from the author's."""
    if isinstance(value, tuple):
        return tuple(f"⟪{key}.{n}⟫" for n in range(len(value)))
    return " ".join([f"⟪{key}⟫", *(f"{{{name}}}" for name in re.findall(r"{(\w+)}", value))])


@pytest.mark.slow
def test_paper_and_forms_take_every_generated_word_from_the_table(conditional: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """In a language whose generated words are all marked, every word left is the author's."""
    from skillbook.bundle.writer import LICENSES, copyright_line
    from skillbook.worksheets.render import _worksheet_html

    monkeypatch.setitem(wording.WORDS, "xx", {k: _marked(k, v) for k, v in EN.items()})
    for path in (conditional / "content").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("status: published", "status: published\nlanguage: xx", 1), encoding="utf-8")
    config = conditional / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("skillbook:\n", "skillbook:\n  language: xx\n", 1),
                      encoding="utf-8")
    project = load_project(conditional)
    assert project.config.language == "xx"
    result = validate(project)
    assert result.ok, result.issues
    author = " ".join(p.read_text(encoding="utf-8") for p in conditional.rglob("*") if p.is_file()
                      and p.suffix in (".md", ".yml"))
    # licence titles are names (bundle.writer.LICENSES), not generated words
    names = [author, project.config.license, *(title for title, _ in LICENSES.values())]
    author_words = set(re.findall(r"[A-Za-z]+", " ".join(names)))
    skills = {s.id: s for s in result.handbook.skills}
    for homework in result.handbook.homework:
        html = _worksheet_html(homework, skills, project.config)
        html = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
        shown = re.findall(r'(?:title|aria-label|alt)="([^"]*)"', html) + re.findall(r">([^<]+)<", html)
        form = questionnaire(homework, RichText("", "", "", ()), skills=frozenset(skills),
                             publication=Publication(handbook="test", copyright=copyright_line(project.config)))
        shown += [str(v) for k, v in _strings(form) if k in ("text", "display", "copyright")]
        leftover = {w for text in shown for w in re.findall(r"[A-Za-z]+", re.sub(r"⟪[^⟫]*⟫", " ", text))
                    if w not in author_words and not re.search(rf"https://\S*{w}", text)}
        assert not leftover, (homework.id, " ".join(sorted(leftover)))
    # the site's cards and footers around the same items
    from docutils import nodes

    from skillbook.checking.schema import load_schemas
    from skillbook.site import cards as sb

    vocabulary = load_schemas(conditional / "schemas").vocabulary
    module = result.handbook.modules[0]
    site: list[nodes.Node] = []
    for homework in result.handbook.homework:
        site += [sb.homework_card(homework, homework.docname, module, [], "worksheets/x.pdf", "fill/x.html"),
                 sb.review_footer(homework)]
    for skill in result.handbook.skills:
        site += [sb.skill_card(skill, skill.docname, module, vocabulary, "content/find-a-skill", [], [], {}, {}),
                 sb.review_footer(skill)]
    shown = [node.astext() for node in site]
    # the pocket pages and the crisis box printed with every site page
    from skillbook.site.extension import SiteData
    from skillbook.site.pages import pocket_body, print_crisis_box

    pages = [pocket_body(skill, "skill.html", "cards.pdf") for skill in result.handbook.skills]
    pages.append(print_crisis_box(SiteData(project, result.handbook, {})))
    # the companion's pages: the fill page of every item and of the own card, and the list of them
    from skillbook.site import companion

    words = wording.words_for("xx")
    links = companion.Links(about="a.html", pdf="b.pdf", index="i.html", crisis="c.html")
    payload = companion.page_data(form=None, config=project.config, words=words, links=links, forms=[], plan=None)
    for item in (*result.handbook.homework, companion.own_card("xx")):
        pages.append(companion.fill_body(item, payload, words))
    pages.append(companion.index_body(payload, words))
    pages.append(companion.own_card_placeholder("own.html", words))
    # what pages show (a companion page's JSON block is data for its script, not text)
    shown += [text for html in pages for text in re.findall(r">([^<]+)<", re.sub(r"<script\b.*?</script>", "", html,
                                                                                   flags=re.S))]
    leftover = {w for text in shown for w in re.findall(r"[A-Za-z]+", re.sub(r"⟪[^⟫]*⟫", " ", text))
                if w not in author_words}
    assert not leftover, " ".join(sorted(leftover))


def _strings(value: object, key: str = "") -> list[tuple[str, object]]:
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _strings(v, k)]
    if isinstance(value, list):
        return [pair for v in value for pair in _strings(v, key)]
    return [(key, value)]


def test_the_shipped_handbook_has_every_id() -> None:
    result = subprocess.run([sys.executable, "-P", "-m", "skillbook", "ids"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == "", result.stdout
    assert "every option, column and step has an id" in result.stderr
    assert BASE_FILES  # the test projects are migrated too (conftest)


def test_a_condition_without_its_answer_is_one_mistake_with_one_message(make_project: MakeProject,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    homework = _with_fields("  - id: where\n    label: Where?\n    type: choice\n    required: false\n"
                            "    options: [{id: home, label: Home}, {id: work, label: Work}]\n"
                            "  - id: why\n    label: Why?\n    type: text\n    required: false\n"
                            "    show_if: {field: where}\n")
    _, out = _failing_validation(make_project, capsys, {"content/homework/sample-worksheet.md": homework})
    assert "missing required field `answer` in `show_if` of field `why`" in out
    assert "is not an option" not in out and out.count("error[") == 1, out


def test_the_helper_says_which_files_it_could_not_read_for_ids(make_project: MakeProject) -> None:
    """A notebook is not edited: the helper says so instead of claiming every id is there."""
    notebook = (Path(__file__).parent / "fixtures/valid/notebook-skill.ipynb").read_text(encoding="utf-8")
    assert '"  - id: notice\\n",\n' in notebook
    root = make_project({"content/skills/test-module/notebook-skill.ipynb":
                         notebook.replace('"  - id: notice\\n",\n', "")})
    result = subprocess.run([sys.executable, "-P", "-m", "skillbook", "ids"], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0
    assert "content/skills/test-module/notebook-skill.ipynb: skipped: only Markdown files are edited" in result.stderr
    assert "every option, column and step has an id" not in result.stderr
    assert "1 file(s) skipped" in result.stderr
