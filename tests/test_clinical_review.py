"""The shipped handbook as a clinician checks it: complete enough, safe where it must be, one spelling,
one distress scale, skills in teaching order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from skillbook.checking.toc import generate_toc
from skillbook.checking.validate import validate
from skillbook.reading.models import Field, Handbook, Homework, Skill
from skillbook.reading.project import load_project
from skillbook.reading.wording import EN

SPELLING = yaml.safe_load((Path(__file__).parent / "spelling.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def handbook() -> Handbook:
    result = validate(load_project(REPO))
    assert result.ok, result.issues
    return result.handbook


def published_skills(handbook: Handbook) -> dict[str, Skill]:
    return {s.id: s for s in handbook.skills if s.is_published}


def published_homework(handbook: Handbook) -> dict[str, Homework]:
    return {h.id: h for h in handbook.homework if h.is_published}


def test_at_least_40_skills_and_26_worksheets_every_skill_with_a_worksheet(handbook: Handbook) -> None:
    skills, homework = published_skills(handbook), published_homework(handbook)
    assert len(skills) >= 40 and len(homework) >= 26
    for skill in skills.values():
        assert [w for w in skill.worksheets if w in homework], f"{skill.id} links no published worksheet"
    for required in ("half-smile-and-willing-hands", "mindfulness-of-current-thoughts",
                     "ending-destructive-relationships", "self-validation", "skills-breakdown-point"):
        assert required in skills, required


def test_the_core_homework_is_there(handbook: Handbook) -> None:
    homework = published_homework(handbook)
    chain = homework["behaviour-chain-analysis"]
    assert {"links", "vulnerabilities"} <= {f.id for f in chain.fields}
    assert any("missing" in f.id or "missing" in f.label.casefold() for f in chain.fields), "missing links"
    plan = homework["safety-plan"]
    assert plan.type == "safety-plan"
    labels = " ".join(f.label.casefold() for f in plan.fields)
    for part in ("warning signs", "on my own", "take my mind off", "ask for help", "safer", "reasons for living"):
        assert part in labels, part
    assert any(f.type == "contacts" and f.crisis_services for f in plan.fields), "crisis lines from the configuration"
    assert homework["coaching-call-card"].type == "coaching-card"
    assert "weekly-practice-plan" in homework


def _rows(card: Homework, grid: str) -> dict[str, Field]:
    return {r.id: r for r in next(f for f in card.fields if f.id == grid).rows}


def test_the_diary_card_is_a_full_dbt_card(handbook: Handbook) -> None:
    card = published_homework(handbook)["weekly-diary-card"]
    urges = _rows(card, "urges")
    assert {"suicidal-thoughts", "urge-to-die", "urge-self-harm"} <= set(urges)
    assert any(r.write_in for r in urges.values()), "a write-in row for another urge"
    actions = _rows(card, "actions")
    assert any(r.write_in for r in actions.values()) and any(r.write_in for r in _rows(card, "emotions").values())
    assert [r for r in actions.values() if r.type == "yes_no"], "yes/no actions"
    per_skill = _rows(card, "skills-list")
    skills = published_skills(handbook)
    assert {r.skill for r in per_skill.values()} == set(skills), "a row for every published skill"
    assert all(r.type == "yes_no" for r in per_skill.values())


CAUTIONS = {  # skill: words its safety notes must contain
    "dear-man": ("hurt you", "domestic-abuse"),
    "fast": ("violent", "domestic-abuse"),
    "how-strongly-to-ask": ("threatened", "domestic-abuse"),
    "behaviour-change": ("suicide", "self-harm"),
    "tipp": ("beta blockers", "heart"),
}


@pytest.mark.parametrize("skill_id", sorted(CAUTIONS))
def test_client_cautions_on_the_skills_that_need_them(handbook: Handbook, skill_id: str) -> None:
    cautions = " ".join(published_skills(handbook)[skill_id].all_cautions).casefold()
    for words in CAUTIONS[skill_id]:
        assert words in cautions, (skill_id, words)


def test_how_strongly_to_ask_has_ten_factors(handbook: Handbook) -> None:
    skill = published_skills(handbook)["how-strongly-to-ask"]
    factors = re.findall(r"(?m)^\d+\. \*\*([^*]+)\*\*", skill.body.split("## Practice")[0])
    assert len(factors) == 10, factors


EMOTIONS = ("fear", "anger", "sadness", "shame", "guilt", "jealousy", "envy", "disgust", "love")


@pytest.mark.parametrize("skill_id", ["check-the-facts", "opposite-action"])
def test_emotion_by_emotion_tables(handbook: Handbook, skill_id: str) -> None:
    """A table row for each of the nine emotions: when it fits the facts, or what its opposite action is."""
    rows = [line.casefold() for line in published_skills(handbook)[skill_id].body.splitlines()
            if line.startswith("|") and not line.startswith("| ---")]
    for emotion in EMOTIONS:
        assert any(re.match(rf"\|\s*\**{emotion}", row) for row in rows), (skill_id, emotion)


def _shipped_texts() -> dict[str, str]:
    texts = {str(p.relative_to(REPO)): p.read_text(encoding="utf-8") for p in (REPO / "content").rglob("*.md")}
    texts["_config.yml"] = (REPO / "_config.yml").read_text(encoding="utf-8")
    texts["generated words"] = " ".join(v if isinstance(v, str) else " ".join(v) for v in EN.values())
    return texts


def test_one_spelling_variety_recorded_in_the_configuration(handbook: Handbook) -> None:
    assert load_project(REPO).config.language == SPELLING["variety"] == "en-GB"
    assert {i.language for i in (*handbook.modules, *handbook.skills, *handbook.homework)} == {"en-GB"}
    found = []
    for name, text in _shipped_texts().items():
        for allowed in SPELLING["except"]:
            text = text.replace(allowed, "")
        for us, british in SPELLING["words"].items():
            for match in re.finditer(rf"\b{us}\b", text, flags=re.IGNORECASE):
                found.append(f"{name}:{text.count(chr(10), 0, match.start()) + 1}: {match.group()} -> {british}")
    assert not found, "\n".join(found)


STRENGTH = re.compile(r"strong|distress(?! tolerance)|intensity|peak|grip")


def test_one_distress_scale(handbook: Handbook) -> None:
    """Every rating of how strong a feeling, urge or distress is: 0 to 10, with the same words."""
    seen = 0
    for homework in published_homework(handbook).values():
        for field in homework.fields:
            grid_of_strengths = field.type == "grid" and field.id in ("urges", "emotions")
            for rating in (field, *field.rows):
                if rating.type != "rating":
                    continue
                if not (grid_of_strengths or STRENGTH.search(rating.label.casefold())):
                    continue
                anchors = dict(rating.anchors)
                assert (rating.min, rating.max) == (0, 10), (homework.id, rating.id)
                assert anchors.get(5, "").startswith("Quite strong"), (homework.id, rating.id, anchors)
                assert re.fullmatch(r"As strong(ly)? as it gets", anchors.get(10, "")), (homework.id, rating.id)
                assert anchors.get(0) in ("Not at all", "Calm"), (homework.id, rating.id, anchors)
                seen += 1
    assert seen >= 20


TEACHING_ORDER = {
    "mindfulness": ["wise-mind", "observe", "describe", "participate", "nonjudgmental-stance", "one-mindfully",
                    "effectiveness"],
    "distress-tolerance": ["stop", "pros-and-cons", "tipp", "accepts", "self-soothe", "improve", "radical-acceptance",
                           "turning-the-mind", "willingness"],
    "emotion-regulation": ["what-emotions-do", "naming-emotions", "check-the-facts", "opposite-action",
                           "problem-solving"],
    "interpersonal-effectiveness": ["clarifying-goals", "dear-man", "give", "fast", "how-strongly-to-ask"],
    "walking-the-middle-path": ["dialectics", "validation", "self-validation", "behaviour-change"],
}


def test_modules_list_their_skills_in_teaching_order_in_the_sidebar(handbook: Handbook) -> None:
    toc = yaml.safe_load(generate_toc(load_project(REPO), handbook))
    assert toc == yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))  # the shipped toc is current
    for module, expected in TEACHING_ORDER.items():
        listed = [s.id for s in handbook.skills_of(module)]
        assert [s for s in listed if s in expected] == expected, (module, listed)
        chapter = next(c for part in toc["parts"] for c in part["chapters"]
                       if c["file"] == f"content/skills/{module}/index")
        files = [s["file"].rsplit("/", 1)[-1] for s in chapter["sections"] if "/skills/" in s["file"]]
        assert files == listed


CHECKED_SOURCES = yaml.safe_load((Path(__file__).parent / "sources.yml").read_text(encoding="utf-8"))
HANDOUT = re.compile(r"^(General|Mindfulness|Interpersonal Effectiveness|Emotion Regulation|Distress Tolerance) "
                     r"(Handout \d+[a-z]?|Handouts \d+[a-z]?–\d+[a-z]?)$")


def test_skills_cite_only_handout_numbers_that_were_checked(handbook: Handbook) -> None:
    """A handout number is a claim about someone else's book: only checked ones are cited."""
    cited = {s.id: c.locator for s in published_skills(handbook).values() for c in s.sources if c.locator}
    assert cited == {k: v["locator"] for k, v in CHECKED_SOURCES.items()}
    assert all(HANDOUT.match(locator) for locator in cited.values()), cited
    for skill in published_skills(handbook).values():
        located = [c for c in skill.sources if c.locator]
        assert all(c.title == "DBT Skills Training Handouts and Worksheets" and c.year == 2015 for c in located)


def test_the_site_says_what_a_page_is_adapted_from(handbook: Handbook) -> None:
    from skillbook.site.cards import review_footer

    footer = review_footer(published_skills(handbook)["stop"]).astext()
    assert ("Adapted from Marsha M. Linehan, DBT Skills Training Manual, 2nd edition (Guilford Press, 2015); "
            "Marsha M. Linehan, DBT Skills Training Handouts and Worksheets, 2nd edition (Guilford Press, 2015), "
            "Distress Tolerance Handout 4.") in footer
