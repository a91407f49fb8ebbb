"""The project in, `build/` out: validate everything, render each output into staging, swap in at the end.

Nothing under `build/` changes unless the whole build succeeds. Incremental state (Sphinx's
environment, the worksheet and bundle manifests) lives in `build/.cache/`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from skillbook.errors import ContentError
from skillbook.issues import Issue
from skillbook.project import Project
from skillbook.site import copy_tree, render_site
from skillbook.validate import validate
from skillbook.worksheets import render_worksheets

OUTPUTS = ("site", "worksheets", "bundle")
Progress = Callable[[str], None]


@dataclass
class BuildReport:
    outputs: dict[str, Path] = field(default_factory=dict)
    warnings: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def build(
    project: Project,
    *,
    only: tuple[str, ...] = OUTPUTS,
    strict: bool = False,
    progress: Progress = lambda message: None,
    sphinx_status: TextIO | None = None,
    live_reload: bool = False,
    output_dir: Path | None = None,
) -> BuildReport:
    out = output_dir or project.build_dir
    cache = out / ".cache"
    progress("validating content")
    result = validate(project, strict=strict)
    if not result.ok:
        raise ContentError(result.issues)
    report = BuildReport(warnings=list(result.warnings))
    staging = out / f".staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        pdfs: dict[str, str] = {}
        if "worksheets" in only:
            progress("rendering worksheets (WeasyPrint)")
            sheets, issues = render_worksheets(
                result.handbook, staging / "worksheets", cache_dir=cache / "worksheets",
                language=project.config.language, site_title=project.config.title,
                paper=project.config.paper_size, progress=progress,
            )
            if issues:
                raise ContentError(tuple(issues))
            pdfs = {key: f"worksheets/{path.name}" for key, path in sheets.files.items()}
            report.notes.append(f"worksheets: {len(sheets.files)} PDFs ({sheets.rendered} rendered, "
                                f"{sheets.reused} unchanged)")
        if "site" in only:
            progress("building the handbook site (Jupyter Book)")
            work = cache / "site" / "html"
            site, issues = render_site(project, result, work, cache_dir=cache / "site", status=sphinx_status,
                                       pdfs=pdfs, live_reload=live_reload)
            if site is None:
                raise ContentError(tuple(issues))
            copy_tree(work, staging / "site")
            _drop_build_bookkeeping(staging / "site")
            if pdfs:
                shutil.copytree(staging / "worksheets", staging / "site" / "worksheets")
            report.notes.append(f"site: {site.pages} pages")
        progress("publishing into " + _shown(project, out))
        report.outputs = _swap(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report


def _drop_build_bookkeeping(site: Path) -> None:
    """Sphinx's `.buildinfo` records the build configuration, not content: it has no place online."""
    (site / ".buildinfo").unlink(missing_ok=True)


def _swap(staging: Path, out: Path) -> dict[str, Path]:
    """Move each finished output from staging into `out`, replacing the old one."""
    outputs: dict[str, Path] = {}
    for produced in sorted(staging.iterdir()):
        target = out / produced.name
        old = out / f".old-{produced.name}-{os.getpid()}"
        if target.exists():
            target.rename(old)
        produced.rename(target)
        shutil.rmtree(old, ignore_errors=True)
        outputs[produced.name] = target
    return outputs


def _shown(project: Project, path: Path) -> str:
    return project.relative(path) + "/"
