"""Nothing in a contribution runs (issue 27): one reader of the tree, one front-matter grammar, no
state trusted from the tree, and commands that never import from the working directory."""

from __future__ import annotations

import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CONFIG, REPO, SKILL, write_project
from skillbook.checking.validate import validate
from skillbook.reading.frontmatter import find_front_matter, split_lines
from skillbook.reading.myst import myst_markdown
from skillbook.reading.project import load_project

CANARY = "SKILLBOOK-CANARY-tree"


# ------------------------------------------------------------------ one front-matter grammar

_PIECES = ["---", "----", "-----", "---x", "--- # c", "---\t", "  ---", "   ----", "    ---", "\t---", "...",
           " ...", "...x", "title: a", "", "  - b", "```", "- item", "--", "-- -", "---  "]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=8), st.sampled_from(["\n", "\r\n", "\r"]))
def test_front_matter_is_found_exactly_where_markdown_it_finds_it(lines: list[str], newline: str) -> None:
    text = newline.join(lines) + newline
    token = next((t for t in myst_markdown().parse(text) if t.type == "front_matter"), None)
    found = find_front_matter(split_lines(text))
    if token is None:
        assert found is None, (text, found)
    else:
        assert found is not None and token.map is not None, text
        assert found.close + 1 == token.map[1], (text, found, token.map)


def test_only_exact_fences_are_exact() -> None:
    assert find_front_matter(["---", "a: b", "---"]).exact  # type: ignore[union-attr]
    assert find_front_matter(["---  ", "a: b", "...", "x"]).exact  # type: ignore[union-attr]
    for opening, closing in (("----", "----"), ("---x", "---"), ("---", "  ---"), ("---", "-----")):
        found = find_front_matter([opening, "a: b", closing])
        assert found is not None and not found.exact, (opening, closing)


# ------------------------------------------------------------------- one reader of the tree

_EXTRA = {
    "content/glossary.md": "# Glossary\n\nWords.\n",  # a page the contents list does not name
    "content/_partial.md": "Included text.\n",
    "content/_partial-page.md": "---\ntitle: Partial\n---\n\n# Not a page\n",
    "content/_drafts/old.md": "# An old draft\n",
    "content/.hidden.md": "# Hidden\n",
    "content/.ipynb_checkpoints/index-checkpoint.md": "# Checkpoint\n",
    "content/notes.txt": "A download.\n",
}


def _variants() -> list[dict[str, object]]:
    """Every setting of `_config.yml` that decides which files a Jupyter Book reads."""
    return [{"only_build_toc_files": only, "exclude_patterns": patterns}
            for only in (True, False) for patterns in ([], ["build", "_build"], ["**/.*", "content/_*"])]


@pytest.mark.slow
@pytest.mark.parametrize("variant", _variants(), ids=lambda v: f"toc-only-{v['only_build_toc_files']}-"
                         f"{len(v['exclude_patterns'])}")  # type: ignore[index,arg-type]
def test_sphinx_reads_exactly_the_pages_validate_checks(variant: dict[str, object], tmp_path: Path) -> None:
    config = yaml.safe_load(CONFIG)
    config.update(variant)
    root = write_project(tmp_path / "project", {**_EXTRA, "_config.yml": yaml.safe_dump(config)})
    project = load_project(root)
    result = validate(project)
    assert result.ok, result.issues
    read: list[str] = []

    from skillbook.site.render import render_site

    def record(app: object, docname: str, source: list[str]) -> None:
        read.append(docname)

    from sphinx.application import Sphinx

    original = Sphinx.__init__

    def connected(self: Sphinx, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        self.connect("source-read", record)

    Sphinx.__init__ = connected  # type: ignore[method-assign]
    try:
        site, issues = render_site(project, result, tmp_path / "html", cache_dir=tmp_path / "cache")
    finally:
        Sphinx.__init__ = original  # type: ignore[method-assign]
    assert site is not None, issues
    checked = {document.source.docname for document in result.documents}
    toc = set(re.findall(r"(?:file|root): (\S+)", (root / "_toc.yml").read_text(encoding="utf-8")))
    assert set(read) == checked & toc, (sorted(read), sorted(checked))
    assert "content/glossary" in checked and "content/glossary" not in read  # not in the contents list


def test_files_of_other_types_are_refused_and_hidden_ones_never_read(make_project) -> None:  # type: ignore[no-untyped-def]
    root = make_project({**_EXTRA, "content/tool.py": "print(1)\n", "content/skills/test-module/x.js": "",
                         "content/page.htm": "<p>", "content/Photo 1.png": b"\x89PNG\r\n\x1a\n"})
    result = validate(load_project(root))
    refused = {(issue.path, issue.rule) for issue in result.issues if issue.is_error}
    assert refused == {("content/tool.py", "file-type"), ("content/skills/test-module/x.js", "file-type"),
                       ("content/page.htm", "file-type"), ("content/Photo 1.png", "file-name")}, refused
    assert {d.source.rel for d in result.documents} == {
        "content/index.md", "content/crisis.md", "content/glossary.md", "content/skills/test-module/index.md",
        "content/skills/test-module/sample-skill.md", "content/homework/sample-worksheet.md"}


# ------------------------------------------------------------------ no state trusted from the tree


class _Payload:
    """Unpickling this runs code: it writes the canary."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, ...]:
        return (os.system, (f"echo {CANARY} > {self.path}",))


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=root, check=True,
                   capture_output=True)


@pytest.mark.slow
def test_committed_caches_are_never_loaded(tmp_path: Path) -> None:
    broken = "---\nid: sample-skill\ntitle: Broken\n---\n"  # a real error the forged records say is not there
    root = write_project(tmp_path / "project", {"content/skills/test-module/sample-skill.md": broken})
    canary = tmp_path / "canary-ran"
    forged = pickle.dumps(_Payload(canary))
    cache = root / "build" / ".cache"
    for name in ("validation/validation.pickle", "last-build.pickle", "bundle-memo.pickle",
                 "site/doctrees/environment.pickle", "site/doctrees/content/index.doctree"):
        (cache / name).parent.mkdir(parents=True, exist_ok=True)
        (cache / name).write_bytes(forged)
    (cache / "validation" / "last-run.json").write_text('{"key": "x", "files": 1, "drafts": [], "issues": []}')
    (root / "build" / "site").mkdir()
    (root / "build" / "site" / "index.html").write_text("<p>forged</p>")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "add", "-f", "build")
    _git(root, "commit", "-q", "-m", "contribution")
    for command in (["validate"], ["build"]):
        done = subprocess.run([sys.executable, "-P", "-m", "skillbook", *command], cwd=root, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 1, done.stdout + done.stderr
        assert "required field" in done.stdout or "missing" in done.stdout, done.stdout
        assert "tracked-build-file" in done.stdout, done.stdout
        assert not canary.exists(), f"a committed cache was unpickled by `skillbook {command[0]}`"
    # fixed, it builds, and still nothing from build/ was loaded
    (root / "content/skills/test-module/sample-skill.md").write_text(SKILL, encoding="utf-8")
    done = subprocess.run([sys.executable, "-P", "-m", "skillbook", "build", "--only", "site"], cwd=root,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not canary.exists()
    assert "forged" not in (root / "build" / "site" / "index.html").read_text(encoding="utf-8")
    assert not load_project(root).cache_dir.is_relative_to(root)


def test_a_cache_folder_inside_the_project_is_refused(make_project, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    root = make_project()
    monkeypatch.setenv("SKILLBOOK_CACHE_DIR", str(root / "build" / ".cache"))
    done = subprocess.run([sys.executable, "-P", "-m", "skillbook", "validate"], cwd=root, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and "inside the project" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


# ----------------------------------------------------- nothing imported from the working directory

_SHADOWS = ("yaml", "sphinx", "click", "docutils", "cerberus", "markdown_it", "skillbook", "weasyprint", "pytest")


def _readme_commands() -> tuple[str, str]:
    blocks = re.findall(r"```sh\n(.*?)\n```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)
    install_and_build, test = blocks[0].strip(), blocks[1].strip()
    return install_and_build.split("&&", 1)[1].strip(), test


def _shadowed(root: Path, canary: Path) -> None:
    for name in _SHADOWS:
        (root / f"{name}.py").write_text(f"open({str(canary)!r}, 'w').write('ran {name}')\n", encoding="utf-8")


def test_the_readme_commands_are_the_ones_ci_runs() -> None:
    build, test = _readme_commands()
    assert build == "python3 -P -m skillbook build" and test == "python3 -P -m pytest"
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == test


@pytest.mark.slow
def test_the_readme_commands_never_import_from_the_working_directory(tmp_path: Path) -> None:
    build, test = _readme_commands()
    canary = tmp_path / "canary-ran"
    root = write_project(tmp_path / "project")
    _shadowed(root, canary)
    command = [sys.executable if word == "python3" else word for word in build.split()]
    done = subprocess.run([*command, "--only", "bundle"], cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not canary.exists(), canary.read_text() if canary.exists() else ""
    # the test command, in a checkout with a test that imports yaml and a yaml.py beside it
    suite = tmp_path / "suite"
    (suite / "tests").mkdir(parents=True)
    importing = "import yaml\n\n\ndef test_one():\n    assert yaml.safe_load('a: 1')\n"
    (suite / "tests" / "test_one.py").write_text(importing)
    shutil.copy(REPO / "pyproject.toml", suite / "pyproject.toml")
    _shadowed(suite, canary)
    command = [sys.executable if word == "python3" else word for word in test.split()]
    done = subprocess.run([*command, "-q", "-p", "no:cacheprovider", "-o", "addopts=", "tests"], cwd=suite,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not canary.exists(), canary.read_text() if canary.exists() else ""


@pytest.mark.slow
def test_a_committed_sphinx_environment_stops_a_plain_jupyter_book_build(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project")
    canary = tmp_path / "canary-ran"
    environment = root / "_build" / ".doctrees" / "environment.pickle"
    environment.parent.mkdir(parents=True)
    environment.write_bytes(pickle.dumps(_Payload(canary)))
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "add", "-f", "_build")
    _git(root, "commit", "-q", "-m", "contribution")
    jupyter_book = shutil.which("jupyter-book") or str(Path(sys.executable).parent / "jupyter-book")
    done = subprocess.run([jupyter_book, "build", "."], cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and "is tracked by git" in done.stdout + done.stderr, done.stdout + done.stderr
    assert not canary.exists(), "Sphinx unpickled a committed environment"


def test_page_level_settings_never_reach_myst_or_myst_nb() -> None:
    """The second wall: whatever a page's own block says, MyST keeps the build's settings, a Markdown
    page is never read as a notebook, and a notebook is never executed."""
    import myst_nb.sphinx_ as nb_sphinx
    import myst_parser.parsers.sphinx_ as myst_sphinx
    from myst_nb.core.config import NbParserConfig
    from myst_parser.config.main import MdParserConfig

    from skillbook.site import gate

    gate._hold_settings()
    warnings: list[str] = []
    config = MdParserConfig()
    page = {"myst": {"heading_slug_func": "os.system", "html_meta": {"http-equiv=refresh": "0; url=x"},
                     "url_schemes": {"tel": {"url": "https://evil.example/{{path}}"}}}}
    for module in (myst_sphinx, nb_sphinx):
        kept = module.merge_file_level(config, page, lambda kind, message: warnings.append(message))
        assert kept is config and kept.heading_slug_func is None and not kept.html_meta
    assert warnings
    assert nb_sphinx.create_nb_reader("content/page.md", config, NbParserConfig(), "---\njupytext: {}\n---\n") is None
    seen: list[str] = []
    guarded = gate._never_executed(lambda notebook, source, nb_config, *rest: seen.append(nb_config.execution_mode))
    guarded(None, "content/x.ipynb", NbParserConfig(execution_mode="force"))
    assert seen == ["off"]
