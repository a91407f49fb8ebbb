"""The hostile corpus (tests/fixtures/hostile/cases*.yml): content written to attack the build.

Each case is checked three ways:
- `skillbook validate` refuses it (exit code, `file:line`, rule) or accepts it as plain text;
- `skillbook build` refuses it too and writes nothing;
- the Sphinx side alone (the extension, with validate's findings withheld) refuses every case the
  allowlist refuses, and no output file of any build carries a secret from outside `content/`, a
  script, an event handler, a `javascript:` address, a redirect, a frame or a remote resource;
- no code of the case ran: every command runs with a canary environment variable and a canary file
  path set (code in the corpus writes the one to the other), and neither the file nor the value may
  appear anywhere; each command finishes within 60 s, and the process stays under 1 GB.
"""

from __future__ import annotations

import dataclasses
import html
import json
import os
import re
import resource
import shutil
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import FIXTURES, TOC, write_project
from skillbook.commands.cli import main

HOSTILE = FIXTURES / "hostile"
# one file a category of attack (cases.yml: the first corpus), read in order
CASES: list[dict[str, Any]] = [case for path in sorted(HOSTILE.glob("cases*.yml"))
                               for case in yaml.safe_load(path.read_text(encoding="utf-8"))]
SECRET = "SKILLBOOK-SECRET-MARKER"
# What code in the corpus does if it ever runs: it reads the canary variable and writes it into the
# file the other variable names (and into whatever it can reach of the output).
CANARY = "SKILLBOOK-CANARY-7d1f3a"
CANARY_VARIABLE, CANARY_FILE_VARIABLE = "SKILLBOOK_CANARY", "SKILLBOOK_CANARY_FILE"
SECONDS, MEMORY = 60, 1 << 30
ADDRESS_SPACE = 8 << 30  # virtual memory of this test process: threads and libraries reserve far more than they use
OUTSIDE = ("secret.md", "secret.txt", "secret.csv", "secret.png", "secret.html")
# what the Sphinx side checks: the allowlist; the other categories are validate's (and the config's)
SPHINX_CATEGORIES = {"paths", "urls", "markup", "execution", "tree", "files"}
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def build_case(root: Path, case: dict[str, Any], rename: dict[str, str] | None = None) -> None:
    """Write the case's files (optionally under other names), symlinks, and pages into `_toc.yml`."""
    rename = rename or {}
    for target, fixture in (case.get("files") or {}).items():
        path = root / rename.get(target, target)
        if fixture is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes((HOSTILE / fixture).read_bytes())
    for link, target in (case.get("symlinks") or {}).items():
        path = root / rename.get(link, link)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        path.symlink_to(target.replace("{outside}", str(root.parent / "outside")))


def with_toc(root: Path, pages: list[str]) -> None:
    """List extra pages in `_toc.yml` (skills and homework under the test module, others as chapters)."""
    toc = yaml.safe_load(TOC) if not (root / "_toc.yml").is_file() else \
        yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    for page in pages:
        if page.startswith("content/skills/test-module/") and not page.endswith("/index"):
            toc["parts"][1]["chapters"][0].setdefault("sections", []).append({"file": page})
        elif page.startswith("content/homework/"):
            toc["parts"][2]["chapters"].append({"file": page})
        elif page != "content/skills/test-module/index":
            toc["parts"][0]["chapters"].append({"file": page})
    (root / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")


def hostile_project(base: Path, case: dict[str, Any], name: str = "project",
                    rename: dict[str, str] | None = None) -> Path:
    outside = base / "outside"
    outside.mkdir(parents=True, exist_ok=True)
    for secret in OUTSIDE:
        (outside / secret).write_text(f"{SECRET} {secret}\n", encoding="utf-8")
    root = write_project(base / name)
    (root / "secret.txt").write_text(f"{SECRET} in the project root\n", encoding="utf-8")
    build_case(root, case, rename)
    with_toc(root, [rename.get(p, p) for p in case.get("toc") or []] if rename else case.get("toc") or [])
    return root


@pytest.fixture(scope="module", autouse=True)
def canary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The canary every command of this module runs with (module-wide, for the shared builds too)."""
    written = tmp_path_factory.mktemp("canary") / "canary-ran"
    # A case that still found a way to grow without bound fails here with MemoryError instead of
    # taking the whole machine (and every other test) with it; the real bound is checked in `run`.
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, hard))
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(CANARY_VARIABLE, CANARY)
            patch.setenv(CANARY_FILE_VARIABLE, str(written))
            yield written
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.fixture(autouse=True)
def nothing_ran(canary: Path) -> Iterator[None]:
    """After every test: proof that no code of the corpus used the canary."""
    yield
    assert not canary.exists(), "code from the hostile corpus ran"


def run(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    started = time.monotonic()
    with pytest.raises(SystemExit) as exit_info:
        main(["--project", str(root), *args])
    seconds = time.monotonic() - started
    out, err = capsys.readouterr()
    assert seconds < SECONDS, f"`skillbook {' '.join(args)}` took {seconds:.0f} s"
    # the peak of this whole process: every command it ran stayed under it
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 < MEMORY, "a command took over 1 GB"
    assert CANARY not in out + err, "code from the hostile corpus ran"
    return int(exit_info.value.code or 0), out, err


def test_the_corpus_covers_every_category_with_several_cases() -> None:
    assert len({c["case"] for c in CASES}) == len(CASES) >= 60
    per_category: dict[str, int] = {}
    for case in CASES:
        per_category[case["category"]] = per_category.get(case["category"], 0) + 1
    assert set(per_category) >= {"paths", "urls", "metadata", "execution", "frontmatter", "config", "edges",
                                 "markup"}
    assert min(per_category.values()) >= 5, per_category


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_validate_and_build_refuse_it(case: dict[str, Any], tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest) -> None:
    root = hostile_project(tmp_path, case)
    expected = case["validate"]
    code, out, err = run(capsys, root, "validate")
    assert code == expected["exit"], out + err
    assert "Traceback" not in out + err
    assert not _CONTROL.search(out + err), "a control character from content reached the terminal"
    if expected["exit"] == 1:
        where = f"{expected['path']}:{expected['line']}:"
        lines = out.splitlines()
        found = [i for i, line in enumerate(lines) if line.startswith(where) and f"[{expected['rule']}]" in line]
        assert found, f"expected `{where} ...[{expected['rule']}]` in:\n{out}"
        if expected.get("mentions"):
            assert any(expected["mentions"] in lines[i] for i in found), out
    elif expected["exit"] == 2:
        assert expected.get("mentions", "") in err and "_config.yml" in err, err
    if expected["exit"] != 0:
        code, out, err = run(capsys, root, "build")
        assert code == expected["exit"], out + err
        assert not (root / "build" / "site").exists()
    elif case.get("build") == "clean":  # accepted: a file nothing reads, or text shown as text
        code, out, err = run(capsys, root, "build", "--only", "site")
        assert code == 0, out + err
        assert_no_hostile_output(request.getfixturevalue("theme_markup"), root / "build")
        if case.get("absent"):
            assert not any(case["absent"].encode() in path.read_bytes()
                           for path in (root / "build").rglob("*") if path.is_file()), case["absent"]


# ------------------------------------------------------------------------------- the Sphinx side


def sphinx_batches() -> list[list[dict[str, Any]]]:
    """Cases the Sphinx side must refuse, in as few projects as their files allow."""
    batches: list[tuple[dict[str, bytes], list[dict[str, Any]]]] = []
    for case in CASES:
        if case["category"] not in SPHINX_CATEGORIES or case.get("build") != "refused":
            continue
        files = {target: (HOSTILE / f).read_bytes() for target, f in (case.get("files") or {}).items() if f}
        shared = {t: b for t, b in files.items() if t not in _renamed(case)}
        for used, members in batches:
            if all(used.get(t, b) == b for t, b in shared.items()) and len(members) < 40:
                used.update(shared)
                members.append(case)
                break
        else:
            batches.append((dict(shared), [case]))
    return [members for _used, members in batches]


def _renamed(case: dict[str, Any]) -> dict[str, str]:
    """The case's own page gets a name of its own, so many cases share one project."""
    slug = re.sub(r"[^a-z0-9]+", "-", case["case"].lower())
    return {target: target.replace("hostile.", f"hostile-{slug}.") for target in (case.get("files") or {})
            if re.fullmatch(r"content/hostile\.(md|ipynb)", target)}


def sphinx_only_build(root: Path) -> tuple[list[Any], Path]:
    """Build the site with the Sphinx extension alone: validate's findings are not handed on."""
    from skillbook.checking.validate import validate
    from skillbook.reading.project import load_project
    from skillbook.site.render import render_site

    project = load_project(root)
    blind = dataclasses.replace(validate(project), issues=())
    out = root / "_sphinx_only"
    _site, issues = render_site(project, blind, out / "html", cache_dir=out / "cache")
    return issues, out / "html"


BATCHES = sphinx_batches()


@pytest.mark.slow
@pytest.mark.parametrize("batch", BATCHES, ids=[f"batch-{i}" for i in range(len(BATCHES))])
def test_the_sphinx_side_refuses_what_the_allowlist_refuses_without_validate(
        batch: list[dict[str, Any]], tmp_path: Path, theme_markup: set[str]) -> None:
    root = hostile_project(tmp_path, {"case": "base"})
    pages = []
    for case in batch:
        build_case(root, case, _renamed(case))
        pages += [_renamed(case).get(p + ".md", _renamed(case).get(p + ".ipynb", p + ".x")).rsplit(".", 1)[0]
                  for p in case.get("toc") or []]
    with_toc(root, pages)
    issues, site = sphinx_only_build(root)
    refused_files = {issue.path for issue in issues}
    let_through = []
    for case in batch:
        renamed = _renamed(case)
        own = {renamed.get(p, p) for p in [*(case.get("files") or {}), *(case.get("symlinks") or {})]}
        if not own & refused_files and case.get("sphinx") != "inert":
            let_through.append(case["case"])
    assert not let_through, f"the Sphinx side let these through: {let_through}"
    assert_no_hostile_output(theme_markup, site)


# ----------------------------------------------------------------------- what no output may hold


class _Markup(HTMLParser):
    """Every element and attribute of a page, to look for what must never be there."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.scripts: list[tuple[str, str]] = []  # (type, text) of every inline script
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("iframe", "object", "embed", "frame", "base", "form"):
            self.found.append(f"<{tag}>")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.found.append("a refresh redirect")
        for name, value in attrs:
            text = (value or "").strip()
            if name.startswith("on"):
                self.found.append(f"an event handler {name}={text}")
            if name in ("href", "src", "action", "formaction", "data", "poster", "srcset", "xlink:href") and \
                    re.match(r"\s*(javascript|vbscript|data):", text, re.I):
                self.found.append(f"{name}={text[:40]}")
            if name in ("src", "srcset", "poster", "data") and re.match(r"\s*(https?:)?//", text):
                self.found.append(f"a remote resource {text[:60]}")
        if tag == "script":
            self._script = values.get("type") or "text/javascript"
            if values.get("src") and re.match(r"\s*(https?:)?//", values["src"] or ""):
                self.found.append(f"a remote script {values['src']}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self.scripts.append((self._script, data))


@pytest.fixture(scope="session")
def theme_markup(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """What the theme itself puts on pages (a search form, its own handlers): a clean build's findings."""
    root = write_project(tmp_path_factory.mktemp("clean") / "project")
    _issues, site = sphinx_only_build(root)
    found: set[str] = set()
    for page in site.rglob("*.html"):
        markup = _Markup()
        markup.feed(page.read_text(encoding="utf-8"))
        found |= set(markup.found)
    return found


def assert_no_hostile_output(theme: set[str], *folders: Path) -> None:
    for folder in folders:
        for path in folder.rglob("*"):
            if not path.is_file() or "_static" in path.relative_to(folder).parts:
                continue  # the theme's own assets are the same in every build
            data = path.read_bytes()
            assert SECRET.encode() not in data, f"a secret from outside content/ reached {path}"
            assert CANARY.encode() not in data, f"code from the hostile corpus ran and wrote into {path}"
            if path.suffix == ".html":
                markup = _Markup()
                markup.feed(data.decode("utf-8"))
                added = [f for f in markup.found if f not in theme]
                assert not added, (path, added)
                for kind, script in markup.scripts:
                    # data (JSON-LD; a companion page's form): it must not be able to end the element
                    if kind in ("application/ld+json", "application/json"):
                        assert "<" not in script and ">" not in script, (path, script[:200])
                    else:  # the theme's own code: no payload of the corpus ever lands in it
                        assert "alert(" not in script, (path, script[:200])
            if path.suffix == ".svg":
                assert b"<script" not in data.lower() and b"onload" not in data.lower(), path
            if path.suffix == ".pdf":
                assert_harmless_pdf(path)


def assert_harmless_pdf(path: Path) -> None:
    """A worksheet PDF: no secret in its text, no script or action that runs or opens anything."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    assert SECRET not in text, path
    raw = path.read_bytes()
    for action in (b"/JavaScript", b"/JS ", b"/Launch", b"/SubmitForm", b"/ImportData"):
        assert action not in raw, (path, action)
    for link in re.findall(rb"/URI\s*\(([^)]*)\)", raw):
        assert not re.match(rb"\s*(javascript|data|vbscript|file):", link, re.I), (path, link)


def page_text(path: Path) -> str:
    """A page's text as a reader sees it (markup removed, entities decoded), with pictures' descriptions."""
    page = path.read_text(encoding="utf-8")
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page, flags=re.S)
    descriptions = " ".join(re.findall(r'\salt="([^"]*)"', page))
    return html.unescape(re.sub(r"<[^>]+>", "", text) + " " + descriptions)


LITERAL = [c for c in CASES if c.get("build") == "literal"]


@pytest.fixture(scope="module")
def literal_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One real `skillbook build` of every case whose markup-like text must be shown as written."""
    base = tmp_path_factory.mktemp("literal")
    root = hostile_project(base, {"case": "base"})
    pages: list[str] = []
    config = None
    for case in LITERAL:
        renamed = _renamed(case)
        if "_config.yml" in (case.get("files") or {}):
            config = case
            continue
        build_case(root, case, renamed)
        pages += [renamed.get(p + ".md", p + ".md").removesuffix(".md") for p in case.get("toc") or []]
    if config:
        build_case(root, config)
    with_toc(root, pages)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")
    with pytest.raises(SystemExit) as exit_info:
        main(["--project", str(root), "build", "-q"])
    assert exit_info.value.code in (0, None)
    yield root / "build"
    shutil.rmtree(base, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.parametrize("case", LITERAL, ids=[c["case"] for c in LITERAL])
def test_markup_in_metadata_is_shown_as_written(case: dict[str, Any], literal_build: Path,
                                                theme_markup: set[str]) -> None:
    shown = case["validate"]["mentions"]
    pages = [literal_build / "site" / (p + ".html") for p in (_renamed(case).get(t + ".md", t + ".md")
                                                                 .removesuffix(".md") for t in case.get("toc") or [])]
    pages = pages or [literal_build / "site" / "content" / "crisis.html", literal_build / "site" /
                      "content" / "skills" / "test-module" / "index.html"]
    assert any(shown in page_text(p) for p in pages if p.is_file()), (case["case"], shown)
    for target in case.get("files") or {}:
        kind, _, stem = target.removesuffix(".md").rpartition("/")
        if kind == "content/homework":  # on paper and in the app data, as written too
            from pypdf import PdfReader

            reader = PdfReader(literal_build / "worksheets" / f"{stem}.pdf")
            paper = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
            assert " ".join(shown.split()) in paper, (case["case"], paper[:300])
        if kind in ("content/homework", "content/skills/test-module") and stem != "index":
            folder = "homework" if kind == "content/homework" else "skills"
            data = (literal_build / "bundle" / folder / f"{stem}.json").read_text(encoding="utf-8")
            assert json.dumps(shown, ensure_ascii=False)[1:-1] in data, (case["case"], shown)
    assert_no_hostile_output(theme_markup, literal_build / "site", literal_build / "bundle",
                             literal_build / "worksheets")
