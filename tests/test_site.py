"""The handbook site, built for real with Jupyter Book: cards, crisis link, drafts, strictness, atomicity."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CONFIG, HOMEWORK, SKILL, TOC, copy_repository, start_preview, write_project
from skillbook.reading.project import load_project

pytestmark = pytest.mark.slow

REVIEWED_SKILL = SKILL.replace("id: sample-skill", "id: cold-water") \
    .replace("title: Sample skill", "title: Cold water") \
    .replace("worksheets: [sample-worksheet]", "worksheets: [sample-worksheet]\nrelated: [sample-skill]\n"
             "cautions:\n  - Check with a doctor first if you have a heart condition.\n"
             "review:\n  reviewed_by: [Dr. Test Reviewer]\n  reviewed_on: 2026-01-10\n  next_review: 2099-01-10") \
    .replace("related: []\n", "").replace("emotions: [anger]", "emotions: [anger, fear]") \
    .replace("  - id: notice\n    name: Notice\n    prompt: Notice what is happening.",
             "  - id: temperature\n    key: T\n    name: Temperature\n    prompt: Cool your face down.\n"
             "  - id: exercise\n    key: I\n    name: Intense exercise\n    prompt: Move hard for a short while.")
DRAFT_SKILL = SKILL.replace("id: sample-skill", "id: secret-draft").replace("title: Sample skill",
                                                                            "title: Zebraquokka draft") \
    .replace("status: published", "status: draft").replace("A short body.", "Zebraquokka body text.")
RETIRED_HOMEWORK = HOMEWORK.replace("id: sample-worksheet", "id: old-log").replace("status: published",
                                                                                   "status: retired") \
    .replace("title: Sample worksheet", "title: Platypuslemur log")
FINDER = "# Find a skill\n\n```{skill-finder}\n```\n"
SITE_TOC = TOC.replace("      - file: content/crisis\n",
                       "      - file: content/crisis\n      - file: content/find-a-skill\n") \
    .replace("          - file: content/skills/test-module/sample-skill\n",
             "          - file: content/skills/test-module/cold-water\n"
             "          - file: content/skills/test-module/sample-skill\n")
SITE_FILES: dict[str, str | bytes | None] = {
    "_config.yml": CONFIG.replace("start: [content/crisis]", "start: [content/crisis, content/find-a-skill]"),
    "_toc.yml": SITE_TOC,
    "content/find-a-skill.md": FINDER,
    "content/skills/test-module/cold-water.md": REVIEWED_SKILL,
    "content/skills/test-module/secret-draft.md": DRAFT_SKILL,
    "content/homework/old-log.md": RETIRED_HOMEWORK,
}
EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}


def skillbook(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **EPOCH}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-P", "-m", "skillbook", *args], cwd=root, capture_output=True, text=True,
                          env=env, timeout=600)


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_project(tmp_path_factory.mktemp("site") / "project", SITE_FILES)
    result = skillbook(root, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "build" / "site"


def page(site: Path, docname: str) -> str:
    return (site / f"{docname}.html").read_text(encoding="utf-8")


def article(site: Path, docname: str) -> str:
    html = page(site, docname)
    return html[html.index("<article"):html.index("</article>")]


def test_skill_page_has_the_card_from_its_metadata(site: Path) -> None:
    html = page(site, "content/skills/test-module/cold-water")
    assert '<p class="skillbook-summary">A skill used by the tests.</p>' in html
    steps = re.search(r'<ol class="[^"]*skillbook-steps">(.*?)</ol>', html, re.S)
    assert steps and steps.group(1).index("T – Temperature") < steps.group(1).index("I – Intense exercise")
    assert "When to use a test needs a skill" not in html and "When a test needs a skill." in html
    assert "about 5 minutes" in html
    assert "Check with a doctor first if you have a heart condition." in html
    assert 'href="../../homework/sample-worksheet.html"' in html
    assert 'href="sample-skill.html"' in html and 'href="index.html"' in html  # related skill, module
    assert 'find-a-skill.html#low-fear"' in html  # the chooser's answer where the skill fits best


def test_cards_are_made_as_pages_are_written_and_search_finds_their_words(site: Path) -> None:
    # Sphinx holds every read doctree in memory until it writes the pages: the cards are not in them
    cache = load_project(site.parent.parent).output_cache(site.parent)
    doctree = cache / "site/doctrees/content/skills/test-module/cold-water.doctree"
    assert b"skillbook-card" not in doctree.read_bytes()
    assert "skillbook-skill-card" in page(site, "content/skills/test-module/cold-water")
    index = json.loads((site / "skillbook-search.json").read_text(encoding="utf-8"))
    words = next(p["w"] for p in index["pages"] if p["u"] == "content/skills/test-module/cold-water.html")
    assert "heart" in words.split()  # from the card's caution, which nothing else on the page says


def test_review_information_at_the_foot_of_each_item(site: Path) -> None:
    reviewed = page(site, "content/skills/test-module/cold-water")
    assert "Last clinically reviewed on 10 January 2026 by Dr. Test Reviewer. Next review due 10 January 2099." \
        in reviewed
    assert "Not yet clinically reviewed" not in reviewed
    for docname in ("content/skills/test-module/sample-skill", "content/homework/sample-worksheet",
                    "content/skills/test-module/index"):
        html = page(site, docname)
        assert "Not yet clinically reviewed." in html
        assert html.index("Not yet clinically reviewed.") > html.index("skillbook-summary")


def test_homework_and_module_pages(site: Path) -> None:
    homework = page(site, "content/homework/sample-worksheet")
    assert "What the form asks" in homework and "<strong>What happened?</strong> – a few sentences (required)" \
        in homework
    assert "Whenever it helps" in homework
    module = article(site, "content/skills/test-module/index")
    listed = re.findall(r'href="(cold-water|sample-skill)\.html"', module)
    assert listed[:2] == ["cold-water", "sample-skill"]  # module order: level, then title
    assert "Worksheets and logs" in module


def test_what_can_i_do_right_now_asks_how_strong_then_what_is_happening(site: Path) -> None:
    html = article(site, "content/find-a-skill")
    bands = [html.index(f'id="band-{b}"') for b in ("high", "medium", "low")]
    assert bands == sorted(bands)  # strongest first
    assert all(f'href="#band-{b}"' in html for b in ("high", "medium", "low"))
    high = html[bands[0]:bands[1]]
    assert high.index("Crisis help") < high.index('id="high-anger"')  # crisis help first at the top band
    anger = html[html.index('id="low-anger"'):]
    anger = anger[:anger.index("</ol>")]
    assert "cold-water.html" in anger and "sample-skill.html" in anger
    fear = html[html.index('id="low-fear"'):]
    assert "cold-water.html" in fear[:fear.index("</ol>")]


def test_crisis_link_first_on_every_page_and_services_from_config(site: Path) -> None:
    pages = sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)
    assert len(pages) >= 8
    for path in pages:
        html = path.read_text(encoding="utf-8")
        body = html[html.index("<body"):]
        first_link = re.search(r'<a [^>]*href="([^"]+)"', body)
        assert first_link, path
        if path == site / "content" / "crisis.html":
            assert first_link.group(1) == "#"
            continue
        assert (path.parent / first_link.group(1)).resolve() == (site / "content" / "crisis.html").resolve(), path
    crisis = page(site, "content/crisis")
    assert "Testland" in crisis and 'href="tel:0800000000"' in crisis and 'href="tel:999"' in crisis


def test_json_ld_describes_each_item(site: Path) -> None:
    html = page(site, "content/skills/test-module/cold-water")
    (raw,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(raw)
    assert data["@type"] == "HowTo" and data["name"] == "Cold water"
    assert [s["name"] for s in data["step"]] == ["Temperature", "Intense exercise"]
    assert data["reviewedBy"] == [{"@type": "Person", "name": "Dr. Test Reviewer"}]
    homework = page(site, "content/homework/sample-worksheet")
    assert '"@type": "LearningResource"' in homework


def test_drafts_appear_in_no_output_and_retired_items_only_in_the_app_bundle(site: Path) -> None:
    for path in site.parent.rglob("*"):
        if not path.is_file() or ".cache" in path.parts:
            continue
        data = path.read_bytes()
        for marker in (b"Zebraquokka", b"secret-draft"):
            assert marker not in data, (marker, path)
        if "bundle" not in path.relative_to(site.parent).parts:
            for marker in (b"Platypuslemur", b"old-log"):
                assert marker not in data, (marker, path)
    # the bundle keeps a retired item, marked so that apps can remove it
    retired = json.loads((site / "bundle" / "homework" / "old-log.json").read_text(encoding="utf-8"))
    assert retired["status"] == "retired"


def test_no_build_timestamps_and_identical_builds_in_two_folders(site: Path, tmp_path: Path) -> None:
    other = write_project(tmp_path / "elsewhere" / "copy", SITE_FILES)
    assert skillbook(other, "build").returncode == 0
    assert tree_digest(site) == tree_digest(other / "build" / "site")
    assert tree_digest(site.parent / "worksheets") == tree_digest(other / "build" / "worksheets")
    assert "Last updated on" not in page(site, "content/skills/test-module/sample-skill")


def test_failing_builds_leave_build_untouched(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project")
    assert skillbook(root, "build", "--only", "site").returncode == 0
    before = tree_digest(root / "build" / "site")
    skill = root / "content/skills/test-module/sample-skill.md"
    good = skill.read_text(encoding="utf-8")
    # a content error: caught by validation before anything is rendered
    skill.write_text(good.replace("level: core", "level: expert"), encoding="utf-8")
    failed = skillbook(root, "build")
    assert failed.returncode == 1 and "sample-skill.md:10:8: error[allowed]" in failed.stdout
    assert "Traceback" not in failed.stdout + failed.stderr
    assert tree_digest(root / "build" / "site") == before
    # a problem only Sphinx sees: the build stops with file and line, build/ is unchanged
    skill.write_text(good.replace("A short body.", "A short body, see {ref}`no-such-label`."), encoding="utf-8")
    failed = skillbook(root, "build")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert re.search(r"content/skills/test-module/sample-skill\.md:\d+:1: error\[sphinx", failed.stdout)
    assert "no-such-label" in failed.stdout
    assert tree_digest(root / "build" / "site") == before
    assert not [p for p in (root / "build").iterdir() if p.name.startswith((".staging", ".old"))]
    # fixed again: the next build succeeds and reports nothing stale
    skill.write_text(good.replace("A short body.", "A changed body."), encoding="utf-8")
    fixed = skillbook(root, "build")
    assert fixed.returncode == 0, fixed.stdout
    assert "A changed body." in page(root / "build" / "site", "content/skills/test-module/sample-skill")


def test_incremental_build_refreshes_pages_built_from_other_pages(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", SITE_FILES)
    assert skillbook(root, "build", "--only", "site").returncode == 0
    skill = root / "content/skills/test-module/sample-skill.md"
    skill.write_text(skill.read_text(encoding="utf-8").replace("emotions: [anger]", "emotions: [anger, joy]"),
                     encoding="utf-8")
    assert skillbook(root, "build", "--only", "site").returncode == 0
    finder = page(root / "build" / "site", "content/find-a-skill")
    joy = finder[finder.index('id="low-joy"'):]
    assert "sample-skill.html" in joy[:joy.index("</ol>")]


def test_incremental_builds_write_what_changed_and_equal_a_clean_build(tmp_path: Path) -> None:
    """A body edit leaves the pocket cards as they were (same file, not written again); a changed page
    title reaches the contents of every page, the pocket cards too. Either way the site is the one a
    clean build of the same content makes in another folder, byte for byte."""
    root = write_project(tmp_path / "project", SITE_FILES)
    assert skillbook(root, "build", "--only", "site").returncode == 0
    site = root / "build" / "site"
    card = site / "pocket" / "sample-skill.html"
    written = card.stat().st_mtime_ns
    skill = root / "content/skills/test-module/sample-skill.md"
    skill.write_text(skill.read_text(encoding="utf-8").replace("A short body.", "A longer body."), encoding="utf-8")
    assert skillbook(root, "build", "--only", "site").returncode == 0
    assert "A longer body." in page(site, "content/skills/test-module/sample-skill")
    assert card.stat().st_mtime_ns == written
    finder = root / "content" / "find-a-skill.md"
    finder.write_text(FINDER.replace("# Find a skill", "# Pick a skill now"), encoding="utf-8")
    assert skillbook(root, "build", "--only", "site").returncode == 0
    for docname in ("content/skills/test-module/cold-water", "content/crisis", "pocket/sample-skill"):
        assert "Pick a skill now" in page(site, docname), docname
    clean = tmp_path / "elsewhere"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("build"))
    assert skillbook(clean, "build", "--only", "site").returncode == 0
    assert tree_digest(clean / "build" / "site") == tree_digest(site)


NUMBERED_TABLE = """

```{table} Steps at a glance
:name: steps-at-a-glance

| step | what |
| --- | --- |
| Notice | what is happening |
```

{numref}`steps-at-a-glance` sums the steps up.
"""


def test_numbered_tables_keep_their_numbers_once_a_page_has_one(tmp_path: Path) -> None:
    """Figure numbering is left off while no page has a caption or numbered reference (it walks
    every page on each rebuild); the first table with a title turns it on, in the same build."""
    root = write_project(tmp_path / "project", SITE_FILES)
    assert skillbook(root, "build", "--only", "site").returncode == 0
    skill = root / "content/skills/test-module/sample-skill.md"
    skill.write_text(skill.read_text(encoding="utf-8") + NUMBERED_TABLE, encoding="utf-8")
    built = skillbook(root, "build", "--only", "site")
    assert built.returncode == 0, built.stdout + built.stderr
    html = article(root / "build" / "site", "content/skills/test-module/sample-skill")
    assert "Table 1" in html and "Steps at a glance" in html


def test_plain_jupyter_book_build_renders_the_same_pages(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", SITE_FILES)
    jupyter_book = shutil.which("jupyter-book") or str(Path(sys.executable).parent / "jupyter-book")
    result = subprocess.run([jupyter_book, "build", ".", "-W", "-n", "--keep-going"], cwd=root,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    html = (root / "_build/html/content/skills/test-module/cold-water.html").read_text(encoding="utf-8")
    assert "skillbook-steps" in html and "skillbook-crisis-link" in html


def test_a_latex_build_keeps_every_card(tmp_path: Path) -> None:
    # LaTeX joins every page into one document: the cards go in as the pages are read
    root = write_project(tmp_path / "project", SITE_FILES)
    jupyter_book = shutil.which("jupyter-book") or str(Path(sys.executable).parent / "jupyter-book")
    result = subprocess.run([jupyter_book, "build", ".", "--builder", "latex"], cwd=root,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    latex = "".join(path.read_text(encoding="utf-8") for path in (root / "_build/latex").glob("*.tex"))
    assert "Check with a doctor first if you have a heart condition." in latex  # cold-water's card
    assert "When a test needs a skill." in latex  # sample-skill's


def test_shipped_handbook_builds(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    copy_repository(root)
    result = skillbook(root, "build", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    site = root / "build" / "site"
    assert (site / "index.html").is_file()
    for docname in ("content/skills/interpersonal-effectiveness/dear-man", "content/homework/weekly-diary-card",
                    "content/skills/mindfulness/index", "content/find-a-skill", "content/crisis"):
        assert "skillbook-crisis-link" in page(site, docname), docname


def test_serve_rebuilds_on_save_and_tells_the_browser(tmp_path: Path) -> None:
    import urllib.request

    root = write_project(tmp_path / "project", {"content/skills/test-module/secret-draft.md": DRAFT_SKILL})
    process, url = start_preview(root)
    try:
        assert url.startswith("http://127.0.0.1:")

        def fetch(path: str) -> str:
            with urllib.request.urlopen(url + path, timeout=10) as response:
                return response.read().decode()

        skill_page = "content/skills/test-module/sample-skill.html"
        assert "data-live-reload" in fetch(skill_page)
        draft = fetch("content/skills/test-module/secret-draft.html")  # authors preview their drafts
        assert "Draft preview." in draft and "Zebraquokka draft" in draft
        assert "Draft preview." not in fetch(skill_page)
        first_id = fetch("_skillbook/build-id")
        skill = root / "content/skills/test-module/sample-skill.md"
        skill.write_text(skill.read_text(encoding="utf-8").replace("A short body.", "Edited while serving."),
                         encoding="utf-8")
        import time

        deadline = time.monotonic() + 120
        while fetch("_skillbook/build-id") == first_id and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "Edited while serving." in fetch(skill_page)
        assert not (root / "build" / "site").exists()  # the preview never touches the published build
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_plain_jupyter_book_drops_raw_html_loudly(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", {"content/index.md": "# Home\n\n<script>alert(1)</script>\n"})
    jupyter_book = shutil.which("jupyter-book") or str(Path(sys.executable).parent / "jupyter-book")
    result = subprocess.run([jupyter_book, "build", "."], cwd=root, capture_output=True, text=True, timeout=600)
    assert "raw html is not allowed in content and was removed" in result.stdout + result.stderr
    assert "alert(1)" not in (root / "_build/html/content/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("moment", ["staging", "staging/bundle"], ids=["as-it-starts-writing", "mid-build"])
def test_a_killed_build_keeps_the_last_good_outputs_and_the_next_build_clears_what_it_left(
        tmp_path: Path, moment: str) -> None:
    """Killed (SIGKILL) as soon as its staging folder exists, or once it has written the bundle there
    while Sphinx is still building the site: the last good outputs stay, and the next build clears
    what the dead one left and publishes the change."""
    import signal
    import time

    root = write_project(tmp_path / "project")
    assert skillbook(root, "build").returncode == 0
    before = {name: tree_digest(root / "build" / name) for name in ("site", "worksheets", "bundle")}
    (root / "content/skills/test-module/sample-skill.md").write_text(
        SKILL.replace("A short body.", "A changed body."), encoding="utf-8")
    env = {**os.environ, **EPOCH}
    process = subprocess.Popen([sys.executable, "-P", "-m", "skillbook", "build"], cwd=root, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    checkpoint = moment.replace("staging", f".staging-{process.pid}")
    try:
        deadline = time.monotonic() + 60
        while not (root / "build" / checkpoint).exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the build finished before it could be killed"
    assert (root / "build" / f".staging-{process.pid}").is_dir()  # what the dead build left
    assert {name: tree_digest(root / "build" / name) for name in before} == before
    again = skillbook(root, "build")
    assert again.returncode == 0, again.stdout + again.stderr
    assert not [p.name for p in (root / "build").iterdir() if p.name.startswith((".staging", ".old"))]
    assert "A changed body." in page(root / "build" / "site", "content/skills/test-module/sample-skill")


def test_a_build_folder_that_is_a_file_is_a_configuration_error(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project")
    (root / "build").write_text("not a folder", encoding="utf-8")
    result = skillbook(root, "build")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "build is a file, not a folder" in result.stderr and "internal error" not in result.stderr
    assert (root / "build").read_text(encoding="utf-8") == "not a folder"
