"""The validated project in, the Jupyter Book HTML site in a given folder out (Sphinx warnings as Issues).

Sphinx runs in-process with Jupyter Book's own configuration pipeline, so the result is what
`jupyter-book build .` produces, plus strictness: every warning is collected and fails the build.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from skillbook.checking.validate import ValidationResult
from skillbook.errors import BuildError
from skillbook.issues import Issue
from skillbook.reading.project import CONFIG_FILE, Project

_WARNING = re.compile(r"^(?:(?P<path>[^\n]*?):(?:(?P<line>\d+):)? )?(?P<level>WARNING|ERROR|CRITICAL|SEVERE): "
                      r"(?P<message>.*?)(?: \[(?P<type>[\w.-]+)\])?$")


@dataclass(frozen=True)
class SiteOutput:
    html_dir: Path
    pages: int


# what Sphinx numbers when `numfig` is on: captioned figures, tables and code, and references to them
_NUMBERED = re.compile(r"\{(numref|figure|table|list-table|csv-table)\}|:caption:|:numref:")


def render_site(
    project: Project,
    result: ValidationResult,
    html_dir: Path,
    *,
    cache_dir: Path,
    status: TextIO | None = None,
    pdfs: dict[str, str] | None = None,
    live_reload: bool = False,
    edition: str = "client",
    toc_path: Path | None = None,
    draft_docs: frozenset[str] = frozenset(),
    jobs: int = 1,
    changelog: dict[str, Any] | None = None,
    count: Callable[[str, int, int], None] | None = None,
) -> tuple[SiteOutput | None, list[Issue]]:
    """Build the site into `html_dir` (reusing `cache_dir` for incremental builds).

    Returns the output, or None with the warnings as issues when the build is not clean.
    """
    from jupyter_book.config import get_final_config
    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError
    from sphinx.util import console
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    from skillbook.site import extension

    console.nocolor()
    sphinx_config, _meta = get_final_config(
        user_yaml=project.root / CONFIG_FILE,
        # what `jupyter-book build .` passes for a book
        cli_config={"external_toc_path": (toc_path or project.toc_path).as_posix(), "latex_individualpages": False},
        sourcedir=project.root, validate=False,
    )
    if not any(document.source.is_notebook for document in result.documents):
        # MyST-NB reads a Markdown page with MyST's own parser (front matter that would make it a
        # notebook is refused); with no notebook to read, its imports, a second of every start, buy nothing
        sphinx_config["extensions"] = ["myst_parser" if name == "myst_nb" else name
                                       for name in sphinx_config["extensions"]]
        sphinx_config = {key: value for key, value in sphinx_config.items() if not key.startswith("nb_")}
    sphinx_config["skillbook_pdfs"] = dict(sorted((pdfs or {}).items()))
    sphinx_config["skillbook_live_reload"] = live_reload
    sphinx_config["skillbook_edition"] = edition
    sphinx_config["skillbook_draft_docs"] = sorted(draft_docs)
    sphinx_config["skillbook_changelog"] = changelog or {}
    if not any(_NUMBERED.search(d.body) for d in result.documents):
        # Sphinx numbers figures by walking every page's doctree after any change (6 s of a one-page
        # edit at 1,000 pages, most of a preview rebuild), of no use when nothing has a caption or
        # a numbered reference: the pages come out the same without it
        sphinx_config["skillbook_number_figures"] = False
    warnings = io.StringIO()
    doctrees = cache_dir / "doctrees"
    extension.prime(project, result, count)
    try:
        with patch_docutils(str(project.root)), docutils_namespace():
            app = Sphinx(
                srcdir=str(project.root), confdir=None, outdir=str(html_dir), doctreedir=str(doctrees),
                buildername="html", confoverrides=sphinx_config, status=status, warning=warnings,
                freshenv=False, warningiserror=False, parallel=jobs, keep_going=True,
            )
            app.build(force_all=False)
    except SphinxError as exc:
        _forget(doctrees)
        raise BuildError(f"the site build failed: {exc}") from None
    issues = parse_warnings(warnings.getvalue(), project)
    if issues:
        # Sphinx would consider the failed pages up to date next time; make it read them again.
        _forget(doctrees)
        return None, issues
    pages = sum(1 for _ in html_dir.rglob("*.html"))
    return SiteOutput(html_dir, pages), []


def _forget(doctrees: Path) -> None:
    (doctrees / "environment.pickle").unlink(missing_ok=True)


def parse_warnings(text: str, project: Project) -> list[Issue]:
    issues: list[Issue] = []
    for raw in text.splitlines():
        match = _WARNING.match(raw.strip())
        if match is None:
            if issues and raw.startswith((" ", "\t")):  # continuation of a multi-line warning
                last = issues[-1]
                issues[-1] = Issue(last.path, last.line, last.column, last.rule, f"{last.message} {raw.strip()}",
                                   last.hint)
            continue
        path = match.group("path") or ""
        rel = project.relative(Path(path)) if path and Path(path).is_absolute() else (path or "_config.yml")
        kind = match.group("type") or "sphinx"
        message, hint = match.group("message"), _hint_for(kind)
        if kind.startswith("skillbook."):  # our own checks: the rule as validate names it, and its hint
            kind = kind.removeprefix("skillbook.")
            rule = kind
            if message.endswith(")") and " (" in message:
                message, hint = message[:-1].rsplit(" (", 1)
        else:
            rule = f"sphinx-{kind}".replace(".", "-")
        issues.append(Issue(rel, int(match.group("line") or 1), 1, rule, message, hint))
    return issues


def _hint_for(kind: str) -> str:
    if kind.startswith("myst"):
        return "check the MyST syntax around this line"
    if kind.startswith("ref") or kind.startswith("toc"):
        return "check that the link or table-of-contents entry names an existing page"
    return "fix the page so the site builds without warnings"


def copy_tree(source: Path, target: Path, *, previous: Path | None = None) -> None:
    """Copy a built folder, keeping modification times (Sphinx's incremental checks rely on them).

    A file that is unchanged since `previous` (the last published copy: same size and time) is
    hard-linked from there instead of copied. Published files are never written to again, only
    replaced, so the link cannot change under the published site.
    """
    if target.exists():
        shutil.rmtree(target)

    def copy(src: str, dst: str) -> None:
        if previous is not None:
            relative = Path(src).relative_to(source)
            old = previous / relative
            try:
                new_stat, old_stat = os.stat(src), old.stat()
                if (new_stat.st_size, new_stat.st_mtime_ns) == (old_stat.st_size, old_stat.st_mtime_ns):
                    os.link(old, dst)
                    return
            except OSError:
                pass
        shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=copy)


def link_tree(source: Path, target: Path) -> None:
    """Hard-link a folder of files nobody writes to again (caches, staging), copying if links fail."""

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link)
