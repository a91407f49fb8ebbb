"""Worksheets rendered for real with WeasyPrint: fillable fields, landscape diary cards, packets, caching."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from conftest import HOMEWORK, MakeProject, copy_repository, write_project
from skillbook.checking.validate import validate
from skillbook.reading.project import load_project
from skillbook.reading.wording import words_for
from skillbook.worksheets.render import OWN_CARD, packet_name, paper_links, prune_cache, render_worksheets

pytestmark = pytest.mark.slow

DIARY_CARD = HOMEWORK.replace("id: sample-worksheet", "id: sample-diary").replace(
    "title: Sample worksheet", "title: Sample diary card").replace("type: worksheet", "type: diary-card").replace(
    """fields:
  - id: what
    label: What happened?
    type: long_text
    required: true
""", """fields:
  - {id: week, label: Week starting, type: date, required: true}
  - id: urges
    label: Urges
    type: grid
    required: true
    columns: week
    rows:
      - {id: harm, label: Urge to hurt myself, type: rating, min: 0, max: 5}
      - {id: use, label: Urge to use, type: rating, min: 0, max: 5}
  - id: actions
    label: Actions
    type: grid
    required: true
    columns: week
    rows:
      - {id: harmed, label: I hurt myself, type: yes_no}
      - {id: note, label: A word about the day, type: text}
  - {id: notes, label: Notes for my next session, type: long_text, required: false}
""")
EVERY_TYPE = HOMEWORK.replace("id: sample-worksheet", "id: every-type").replace(
    "title: Sample worksheet", "title: Every type worksheet").replace(
    """fields:
  - id: what
    label: What happened?
    type: long_text
    required: true
""", """fields:
  - {id: short, label: Short answer, type: text, required: true}
  - {id: long, label: Long answer, type: long_text, required: false}
  - {id: count, label: How many times, type: number, min: 0, max: 20, required: false}
  - {id: feeling, label: How strong, type: rating, min: 0, max: 5, anchors: {0: Calm, 5: Extreme}, required: true}
  - {id: used, label: Skills I used, type: checklist, required: false,
     options: [{label: Sample, skill: sample-skill}, {id: other, label: Other}]}
  - {id: pick, label: Pick one, type: choice, required: false,
     options: [{id: "yes", label: Yes please}, {id: "no", label: No thanks}, {id: maybe, label: Maybe}]}
  - {id: done, label: Did I practise, type: yes_no, required: true}
  - {id: day, label: Which day, type: date, required: false}
  - {id: hour, label: What time, type: time, required: false}
""")


def many_fields(count: int) -> str:
    lines = [f"  - {{id: question-{n}, label: Question number {n} about my week, type: long_text, required: false}}"
             for n in range(1, count + 1)]
    return HOMEWORK.replace("id: sample-worksheet", "id: long-form").replace(
        "title: Sample worksheet", "title: Long form").replace(
        "  - id: what\n    label: What happened?\n    type: long_text\n    required: true\n", "\n".join(lines) + "\n")


def render(root: Path, out: Path, cache: Path) -> tuple[dict[str, Path], int, int]:
    project = load_project(root)
    result = validate(project)
    assert result.ok, result.issues
    output, issues = render_worksheets(result.handbook, out, cache_dir=cache,
                                       config=dataclasses.replace(project.config, title="Tests"))
    assert issues == []
    return output.files, output.rendered, output.reused


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    root = write_project(tmp_path_factory.mktemp("ws") / "project", {
        "content/homework/sample-diary.md": DIARY_CARD.replace("status: published", "status: draft"),
        "content/homework/every-type.md": EVERY_TYPE.replace("status: published", "status: draft"),
    })
    for name in ("sample-diary", "every-type"):  # published, listed in the toc
        path = root / "content" / "homework" / f"{name}.md"
        path.write_text(path.read_text().replace("status: draft", "status: published"))
    toc = root / "_toc.yml"
    toc.write_text(toc.read_text() + "      - file: content/homework/sample-diary\n"
                   "      - file: content/homework/every-type\n")
    files, _, _ = render(root, root / "out", root / "cache")
    return root, files


def test_every_published_homework_has_a_pdf_with_fields_covering_its_declaration(
        rendered: tuple[Path, dict[str, Path]]) -> None:
    root, files = rendered
    handbook = validate(load_project(root)).handbook
    for homework in handbook.homework:
        pdf = files[homework.id]
        names = set(PdfReader(pdf).get_fields() or {})
        for field in homework.fields:
            assert any(n == f"{homework.id}:{field.id}" or n.startswith(f"{homework.id}:{field.id}:")
                       for n in names), (homework.id, field.id, sorted(names))


def test_form_controls_by_type(rendered: tuple[Path, dict[str, Path]]) -> None:
    _, files = rendered
    fields = PdfReader(files["every-type"]).get_fields() or {}
    kinds = {name.split(":", 2)[1]: field.get("/FT") for name, field in fields.items()}
    assert kinds["short"] == kinds["long"] == kinds["count"] == kinds["day"] == kinds["hour"] == "/Tx"
    assert kinds["feeling"] == kinds["pick"] == kinds["done"] == kinds["used"] == "/Btn"
    assert fields["every-type:long"].get("/Ff", 0) & (1 << 12)  # multi-line
    feeling = fields["every-type:feeling"]
    assert feeling.get("/_States_") and len([s for s in feeling["/_States_"] if s != "/Off"]) == 6  # 0..5
    assert {"every-type:used:sample-skill", "every-type:used:other"} <= set(fields)


def test_text_metadata_language_and_tags(rendered: tuple[Path, dict[str, Path]]) -> None:
    _, files = rendered
    reader = PdfReader(files["every-type"])
    text = "".join(page.extract_text() for page in reader.pages)
    for words in ("Every type worksheet", "Short answer", "How strong", "Calm", "Extreme", "Skills I used",
                  "Which day", "How to use this worksheet"):
        assert words in text, words
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Every type worksheet" and meta.author == "Test Author"
    assert meta.subject == "A worksheet used by the tests."
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    fonts = {str(f["/BaseFont"]) for page in reader.pages
             for f in (page["/Resources"].get("/Font") or {}).values()}
    assert any("DejaVu" in font for font in fonts), fonts


def test_diary_card_is_one_landscape_page(rendered: tuple[Path, dict[str, Path]]) -> None:
    _, files = rendered
    reader = PdfReader(files["sample-diary"])
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert box.width > box.height
    names = set(reader.get_fields() or {})
    for row in ("harm", "use"):
        for day in ("mon", "sun"):
            assert f"sample-diary:urges:{row}:{day}" in names


def test_a_packet_per_module(rendered: tuple[Path, dict[str, Path]]) -> None:
    _, files = rendered
    singles = sum(len(PdfReader(files[k]).pages) for k in ("sample-worksheet", "sample-diary", "every-type"))
    # no packet of every worksheet: it held every laid-out worksheet in memory at once
    assert not [k for k in files if k.endswith("-packet") and k != packet_name("test-module")]
    reader = PdfReader(files[packet_name("test-module")])
    assert len(reader.pages) == singles
    assert any(p.mediabox.width > p.mediabox.height for p in reader.pages)  # the diary card stays landscape
    names = set(reader.get_fields() or {})
    assert "sample-worksheet:what" in names and "every-type:short" in names


def test_two_renders_are_byte_identical_and_unchanged_ones_are_reused(
        rendered: tuple[Path, dict[str, Path]], tmp_path: Path) -> None:
    root, files = rendered
    copy = tmp_path / "copy"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("out", "cache"))
    again, rendered_count, _ = render(copy, copy / "out", copy / "cache")
    sheets = [k for k in files if not k.endswith("-packet")]  # worksheets and pocket-card sheets
    assert len(sheets) == 6 and rendered_count == len(files)  # the packets are counted too
    for key, path in files.items():
        assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(again[key].read_bytes()).digest(), key
    _, rendered_count, reused = render(copy, copy / "out2", copy / "cache")
    assert (rendered_count, reused) == (0, len(files))
    sample = copy / "content" / "homework" / "sample-worksheet.md"
    sample.write_text(sample.read_text().replace("Fill it in.", "Fill it in today."))
    _, rendered_count, reused = render(copy, copy / "out3", copy / "cache")
    # the worksheet and its module's packet
    assert (rendered_count, reused) == (2, len(files) - 2)


def test_a_forty_field_worksheet_spreads_over_several_legible_pages(make_project: MakeProject) -> None:
    root = make_project({"content/homework/long-form.md": many_fields(40).replace("status: published",
                                                                                  "status: draft")})
    path = root / "content" / "homework" / "long-form.md"
    path.write_text(path.read_text().replace("status: draft", "status: published"))
    (root / "_toc.yml").write_text((root / "_toc.yml").read_text() + "      - file: content/homework/long-form\n")
    files, _, _ = render(root, root / "out", root / "cache")
    reader = PdfReader(files["long-form"])
    assert len(reader.pages) >= 5
    text = "".join(page.extract_text() for page in reader.pages)
    assert all(f"Question number {n} about my week" in text for n in range(1, 41))
    assert len(PdfReader(files["long-form"]).get_fields() or {}) == 40
    assert re.search(r"page 1 of \d+", text)


def test_rendering_failure_names_the_worksheet(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    import weasyprint

    from skillbook.commands.cli import main

    def broken(self: object, **options: object) -> None:
        raise RuntimeError("simulated renderer crash")

    monkeypatch.setattr(weasyprint.HTML, "render", broken)
    root = make_project()
    with pytest.raises(SystemExit) as exit_info:
        main(["--project", str(root), "build", "--only", "worksheets"])
    out, err = capsys.readouterr()
    assert exit_info.value.code == 1
    assert "content/homework/sample-worksheet.md:1:1: error[worksheet-render]" in out
    assert "simulated renderer crash" in out and "Traceback" not in out + err
    assert not (root / "build" / "worksheets").exists()


def test_site_links_and_serves_the_pdfs(make_project: MakeProject, capsys: pytest.CaptureFixture[str]) -> None:
    from skillbook.commands.cli import main

    root = make_project()
    with pytest.raises(SystemExit) as exit_info:
        main(["--project", str(root), "build", "-q"])
    assert exit_info.value.code in (0, None), capsys.readouterr()
    site = root / "build" / "site"
    skill = (site / "content/skills/test-module/sample-skill.html").read_text()
    homework = (site / "content/homework/sample-worksheet.html").read_text()
    module = (site / "content/skills/test-module/index.html").read_text()
    assert 'href="../../../worksheets/sample-worksheet.pdf"' in skill
    assert 'href="../../worksheets/sample-worksheet.pdf"' in homework
    assert 'href="../../../worksheets/test-module-packet.pdf"' in module
    assert (site / "worksheets" / "sample-worksheet.pdf").read_bytes()[:5] == b"%PDF-"
    assert (root / "build" / "worksheets" / "sample-worksheet.pdf").read_bytes() == \
        (site / "worksheets" / "sample-worksheet.pdf").read_bytes()


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path], int]:
    """The shipped handbook's PDFs, rendered once for the tests below."""
    root = tmp_path_factory.mktemp("shipped") / "repo"
    copy_repository(root)
    files, rendered_count, _ = render(root, root / "out", root / "cache")
    return root, files, rendered_count


def test_shipped_worksheets(shipped: tuple[Path, dict[str, Path], int]) -> None:
    root, files, rendered_count = shipped
    handbook = validate(load_project(root)).handbook
    published = [h for h in handbook.homework if h.is_published]
    card_sheets = [k for k in files if k.endswith("-pocket-cards") or k == OWN_CARD]
    packets = [k for k in files if k.endswith("-packet")]
    assert rendered_count == len(published) + len(card_sheets) + len(packets) and len(published) >= 26
    # each module's packet is written as soon as its last worksheet is: every page of every one, in order
    for module in handbook.published_modules():
        if handbook.homework_of(module.id):
            pages = [p.extract_text()[:80] for h in handbook.homework_of(module.id)
                     for p in PdfReader(files[h.id]).pages]
            assert [p.extract_text()[:80] for p in PdfReader(files[packet_name(module.id)]).pages] == pages
    diary = PdfReader(files["weekly-diary-card"])
    assert len(diary.pages) <= 2 and all(p.mediabox.width > p.mediabox.height for p in diary.pages)
    for card in (h for h in published if h.type == "coaching-card"):  # one A5 sheet, front and back
        pages = PdfReader(files[card.id]).pages
        assert len(pages) <= 2 and all(round(p.mediabox.width) == 420 for p in pages), card.id
    for homework in published:
        text = PdfReader(files[homework.id]).pages[0].extract_text()
        assert homework.title in text, homework.id
        every_page = " ".join(p.extract_text() for p in PdfReader(files[homework.id]).pages)
        assert "(required)" not in every_page and "(date)" not in every_page and "(time)" not in every_page


def test_parts_share_the_work_without_splitting_a_packet(shipped: tuple[Path, dict[str, Path], int]) -> None:
    """A build renders the worksheets in several processes; together the parts make every PDF once."""
    root, files, _ = shipped
    project = load_project(root)
    handbook = validate(project).handbook
    config = dataclasses.replace(project.config, title="Tests")
    cache = root / "cache"
    stray = cache / ("0" * 64 + ".pdf")
    stray.write_bytes(b"%PDF-")
    outputs = []
    for part in range(2):
        output, issues = render_worksheets(handbook, root / "parts", cache_dir=cache, config=config, part=part, parts=2)
        assert issues == [] and output.rendered == 0  # the whole render filled the cache
        outputs.append(output)
    first, second = (set(output.files) for output in outputs)
    assert first and second and not first & second and first | second == set(files)
    for module in handbook.published_modules():
        if handbook.homework_of(module.id):
            together = {packet_name(module.id), *(h.id for h in handbook.homework_of(module.id))}
            assert together <= first or together <= second, module.id
    for key, path in files.items():
        assert (root / "parts" / path.name).read_bytes() == path.read_bytes(), key
    assert stray.exists()  # a part cannot know what the others use: the cache is pruned once all are done
    prune_cache(cache, outputs[0].cached | outputs[1].cached)
    assert not stray.exists() and len(list(cache.glob("*.pdf"))) == len(files)


def _runs(page: Any) -> list[tuple[str, float, float]]:
    """The text runs of a page with where they start (x, y in PDF points)."""
    runs: list[tuple[str, float, float]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            runs.append((text.strip(), float(tm[4]) * float(cm[0]) + float(cm[4]),
                         float(tm[5]) * float(cm[3]) + float(cm[5])))

    page.extract_text(visitor_text=visit)
    return runs


def _choice_widgets(page: Any) -> list[tuple[str, str, list[float]]]:
    """(field name, value, rectangle) of every check box and radio button on a page."""
    found = []
    for annotation in page.get("/Annots") or []:
        widget = annotation.get_object()
        if widget.get("/Subtype") != "/Widget":
            continue
        parent = widget.get("/Parent")
        field = parent.get_object() if parent else widget
        if field.get("/FT") != "/Btn":
            continue
        states = [str(k).lstrip("/") for k in (widget.get("/AP") or {}).get("/N", {}) if str(k) != "/Off"]
        value = states[0] if states else ""
        options = field.get("/Opt")  # radio groups name their states by position in /Opt
        if options is not None and value.isdigit():
            value = str(options[int(value)])
        found.append((str(field.get("/T")), value, [float(x) for x in widget["/Rect"]]))
    return found


def test_every_check_box_and_radio_sits_on_its_labels_line(shipped: tuple[Path, dict[str, Path], int]) -> None:
    """Measured in the PDFs: each choice, checklist and yes/no widget has its label's words on the same
    line, just to its right; and no PDF ends on a page that holds only the page footer."""
    root, files, _ = shipped
    handbook = validate(load_project(root)).handbook
    words = words_for(load_project(root).config.language)
    checked = 0
    for homework in (h for h in handbook.homework if h.is_published):
        labels: dict[tuple[str, str], str] = {}
        for field in homework.fields:
            if field.type in ("choice", "checklist"):
                for option in field.options:
                    name = f"{homework.id}:{field.id}" + (f":{option.id}" if field.type == "checklist" else "")
                    labels[(name, option.id if field.type == "choice" else "yes")] = option.label
            elif field.type == "yes_no":
                for value in ("yes", "no"):
                    labels[(f"{homework.id}:{field.id}", value)] = words[f"paper.{value}"]
        reader = PdfReader(files[homework.id])
        for page in reader.pages:
            runs = _runs(page)
            for name, value, (x0, y0, x1, y1) in _choice_widgets(page):
                label = labels.get((name, value)) or labels.get((name, "yes"))  # a check box: one state
                if label is None:
                    continue  # a rating point or a grid cell: a table, not a labelled choice
                middle = (y0 + y1) / 2
                beside = [r for r in runs if label.startswith(r[0][:12]) and abs(r[2] + 3 - middle) < 6
                          and 0 <= r[1] - x1 < 30]
                assert beside, (homework.id, name, label, (x0, y0, x1, y1))
                checked += 1
        last = reader.pages[-1].extract_text()
        body = [line for line in last.splitlines() if line.strip()
                and not re.search(r"· page \d+ of \d+$|^Version \d", line)]
        assert len(body) >= 3, (homework.id, "the last page holds only the footer")
    assert checked > 100


def test_every_sheet_carries_the_configured_crisis_contacts(shipped: tuple[Path, dict[str, Path], int]) -> None:
    """Every worksheet, packet and pocket-card sheet of the shipped handbook prints the crisis box of
    _config.yml (every region, its emergency number, each service) and a line for the reader's own
    therapist or coaching line; every page of a card sheet does."""
    root, files, _ = shipped
    config = load_project(root).config
    assert config.crisis_regions
    for key, path in files.items():
        pages = [" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages]
        text = " ".join(pages)
        for region in config.crisis_regions:
            assert region.name in text and region.emergency[0] in text, (key, region.name)
            for service in region.services:
                assert service.name in text, (key, service.name)
        assert "My therapist or coaching line" in text, key
        if key.endswith("-pocket-cards"):
            assert all("Crisis help" in page for page in pages), key


def test_every_pdf_field_says_which_question_it_answers(shipped: tuple[Path, dict[str, Path], int]) -> None:
    """A screen reader reads a field's tooltip: "Self-harm, Mon: Yes", never a bare "Y"."""
    _root, files, _count = shipped
    fields = PdfReader(files["weekly-diary-card"]).get_fields() or {}
    assert len(fields) > 400  # a yes/no pair is one field
    names = {key: str(field.get("/TU", "")) for key, field in fields.items()}
    assert all(len(name) > 3 for name in names.values()), [k for k, v in names.items() if len(v) <= 3][:5]
    assert any(name.endswith(", Mon: Yes") for name in names.values())


def test_each_yes_no_letter_follows_its_button(shipped: tuple[Path, dict[str, Path], int]) -> None:
    """A diary card's yes/no cells have no label around each button: the letter still sits just right of
    its own button, on its line, and the pair is one field."""
    root, files, _count = shipped
    words = words_for("en")
    diary = next(h for h in validate(load_project(root)).handbook.homework if h.id == "weekly-diary-card")
    grid = next(f for f in diary.fields if f.id == "skills-list")
    reader = PdfReader(files[diary.id])
    checked = 0
    for page in reader.pages:
        letters = [run for run in _runs(page) if run[0] in (words["paper.y"], words["paper.n"])]
        for name, value, (x0, y0, x1, y1) in _choice_widgets(page):
            if ":skills-list:" not in name:
                continue
            letter = words["paper.y"] if value == "yes" else words["paper.n"]
            middle = (y0 + y1) / 2
            assert [r for r in letters if r[0] == letter and 0 <= r[1] - x1 < 3 and abs(r[2] + 2 - middle) < 3], \
                (name, value, (x0, y0, x1, y1))
            checked += 1
    assert checked == 2 * len(grid.columns) * len(grid.rows) > 0  # yes and no, every day, every skill
    fields = reader.get_fields() or {}
    pair = fields["weekly-diary-card:skills-list:wise-mind:mon"]
    assert [str(option) for option in pair["/Opt"]] == ["yes", "no"]


def test_pocket_cards_sit_two_across_3mm_apart(shipped: tuple[Path, dict[str, Path], int]) -> None:
    """Wallet-sized cards (85 x 52 mm) two across and down the sheet, 3 mm apart both ways, as cut lines
    on paper need: measured where each card's title starts."""
    root, files, _count = shipped
    handbook = validate(load_project(root)).handbook
    module = next(m for m in handbook.published_modules() if len(handbook.skills_of(m.id)) >= 4)
    runs = _runs(PdfReader(files[f"{module.id}-pocket-cards"]).pages[0])
    starts = [next((x, y) for text, x, y in runs if text == skill.title) for skill in handbook.skills_of(module.id)[:4]]
    mm = 72 / 25.4
    (x1, y1), (x2, y2), (x3, y3), (x4, y4) = starts
    assert abs(x2 - x1 - 88 * mm) < 0.1 and abs(y2 - y1) < 0.1  # side by side: a card's width and the gap
    assert abs(x3 - x1) < 0.1 and abs(x4 - x2) < 0.1 and abs(y4 - y3) < 0.1
    assert abs(y1 - y3 - 55 * mm) < 0.1  # the next row: a card's height and the gap


def test_no_pdf_links_into_the_machine_that_built_it(shipped: tuple[Path, dict[str, Path], int]) -> None:
    """A worksheet's instructions link other pages of the handbook: without `base_url` those links are
    plain text on paper; WeasyPrint made them `file:` links into skillbook's own folder before."""
    root, files, _count = shipped
    linking = [h.id for h in validate(load_project(root)).handbook.homework if re.search(r"\]\([^)]*\.md", h.body)]
    assert len(linking) > 3  # the shipped worksheets do link other pages
    uris = []
    for path in files.values():
        for page in PdfReader(path).pages:
            for annotation in page.get("/Annots") or []:
                action = annotation.get_object().get("/A") or {}
                if "/URI" in action:
                    uris.append(str(action["/URI"]))
    assert all(uri.startswith(("https:", "mailto:", "tel:")) for uri in uris), sorted(set(uris))[:5]


def test_links_to_pages_become_published_addresses_or_text() -> None:
    body = ('<p>Use <a href="safety-plan.html" rel="noopener noreferrer">your <em>plan</em></a>, '
            '<a href="../skills/calm/tipp.html#steps">TIPP</a>, <a href="https://example.org">a site</a>, '
            '<a href="#below">below</a>.</p>')
    assert paper_links(body, "content/homework/log.html", "") == (
        '<p>Use your <em>plan</em>, TIPP, <a href="https://example.org">a site</a>, <a href="#below">below</a>.</p>')
    published = paper_links(body, "content/homework/log.html", "https://example.org/handbook")
    page = "https://example.org/handbook/content/homework/safety-plan.html"
    assert f'<a href="{page}">your <em>plan</em></a>' in published
    assert '<a href="https://example.org/handbook/content/skills/calm/tipp.html#steps">TIPP</a>' in published
