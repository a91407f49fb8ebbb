"""The project in, `build/` out: validate everything, render each output into staging, swap in at the end.

Nothing under `build/` changes unless the whole build succeeds. Incremental state (Sphinx's
environment, the worksheet and bundle manifests, the validation results) lives outside the project,
in the user's cache folder (`Project.output_cache`): nothing a contribution commits is ever loaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from skillbook import __version__
from skillbook.errors import ConfigError, ContentError
from skillbook.issues import Issue
from skillbook.reading.fingerprint import input_digest
from skillbook.reading.project import Project

if TYPE_CHECKING:
    from skillbook.reading.models import Handbook

OUTPUTS = ("site", "worksheets", "bundle")
Progress = Callable[[str], None]
Count = Callable[[str, int, int], None]  # what, how many done, of how many (0: not known)


@dataclass
class BuildReport:
    outputs: dict[str, Path] = field(default_factory=dict)
    warnings: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    drafts: tuple[tuple[str, str], ...] = ()  # (id, kind) of each draft left out (the preview shows them)


def build(
    project: Project,
    *,
    only: tuple[str, ...] = OUTPUTS,
    strict: bool = False,
    progress: Progress = lambda message: None,
    count: Count = lambda what, done, total: None,
    sphinx_status: TextIO | None = None,
    live_reload: bool = False,
    output_dir: Path | None = None,
    edition: str = "client",
    preview_drafts: bool = False,
    previous_release: Path | None = None,
) -> BuildReport:
    """Build into `build/` (the clinician edition into `build/clinician/`, with its own cache).
    `previous_release`: the bundle folder of the previous release; the build refuses a release whose
    versions do not grow with its changes, and its changelog lists them."""
    out = output_dir or (project.build_dir if edition == "client" else project.build_dir / edition)
    _usable(project, out)
    cache = project.output_cache(out)
    inputs = _inputs(project, previous_release, only, strict, edition, live_reload, preview_drafts)
    unchanged = _unchanged(cache, inputs, out, only)
    if unchanged is not None:
        progress("nothing changed since the last build")
        return unchanged
    # imported once there is work to do: a no-op build starts in a fraction of the time
    from skillbook.checking.toc import generate_toc
    from skillbook.checking.validate import validate
    from skillbook.site.render import copy_tree, link_tree, render_site
    from skillbook.worksheets.render import planned_files, prune_cache

    progress("validating content")
    result = validate(project, strict=strict, cache_dir=cache / "validation")
    if not result.ok:
        raise ContentError(result.issues)
    report = BuildReport(warnings=list(result.warnings), drafts=() if preview_drafts else result.handbook.draft_names())
    changelog = _changelog(project, result.handbook, previous_release, progress)
    toc_path, drafts = None, frozenset[str]()
    if preview_drafts:  # the live preview shows drafts too, marked as such
        drafts = frozenset(result.handbook.draft_docnames())
        result = replace(result, handbook=result.handbook.with_drafts_shown())
        toc_path = cache / "preview-toc.yml"
        toc_path.parent.mkdir(parents=True, exist_ok=True)
        toc_path.write_text(generate_toc(project, result.handbook), encoding="utf-8")
    result = result.for_outputs()
    _clear_dead_builds(out)
    staging = out / f".staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        # PDFs and the bundle are made in other processes while Sphinx builds the site. They run at
        # a lower priority: the site comes first, then they have every core. Leaving the `with` waits
        # for them, so staging is never removed under their feet.
        # (Imported here: every command loads this module, only a build forks.)
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork")
        events = _Counts(context, count)
        parts = _worksheet_parts() if "worksheets" in only else 0
        with ProcessPoolExecutor(max_workers=parts + 1, mp_context=context, initializer=events.install) as pool:
            if parts:
                progress("rendering worksheets (WeasyPrint)")
            sheets = [pool.submit(_render_worksheets, result.handbook, staging / "worksheets", cache / "worksheets",
                                  project.config, part, parts) for part in range(parts)]
            bundle = None
            if "bundle" in only:
                progress("writing the app bundle")
                bundle = pool.submit(_write_bundle, project, result.handbook, staging / "bundle", cache / "bundle",
                                     edition, changelog)
            if "site" in only:
                progress("building the handbook site (Jupyter Book)")
                pdfs = {key: f"worksheets/{name}" for key, name in planned_files(result.handbook).items()} \
                    if sheets else {}
                site, issues = render_site(project, result, cache / "site" / "html", cache_dir=cache / "site",
                                           status=sphinx_status, pdfs=pdfs, live_reload=live_reload, count=count,
                                           edition=edition, toc_path=toc_path, draft_docs=drafts,
                                           changelog=changelog)
                if site is None:
                    raise ContentError(tuple(issues))
                copy_tree(site.html_dir, staging / "site", previous=out / "site")
                _drop_build_bookkeeping(staging / "site")
                report.notes.append(f"site: {site.pages} pages")
            if bundle is not None:
                report.notes.append(f"bundle: {bundle.result()} files")
                if "site" in only:
                    # a stable address apps can fetch: <site>/bundle/datapackage.json
                    link_tree(staging / "bundle", staging / "site" / "bundle")
            if sheets:
                outputs = [future.result() for future in sheets]
                issues = [issue for _output, found in outputs for issue in found]
                if issues:
                    raise ContentError(tuple(issues))
                prune_cache(cache / "worksheets", set().union(*(output.cached for output, _found in outputs)))
                files = sum(len(output.files) for output, _found in outputs)
                rendered = sum(output.rendered for output, _found in outputs)
                reused = sum(output.reused for output, _found in outputs)
                report.notes.append(f"worksheets: {files} PDFs ({rendered} rendered, {reused} unchanged)")
                if "site" in only:
                    link_tree(staging / "worksheets", staging / "site" / "worksheets")
        progress("publishing into " + _shown(project, out))
        report.outputs = _swap(staging, out)
    finally:
        events.close()
        shutil.rmtree(staging, ignore_errors=True)
    _remember(cache, inputs, report)
    return report


_LAST_BUILD = "last-build.pickle"


def _inputs(project: Project, previous: Path | None, *settings: object) -> str:
    """A digest of everything a build is made from: the project's files and our own (see
    `input_digest`), the previous release's manifest, the settings, the day (reviews fall due) and
    SOURCE_DATE_EPOCH (the bundle's date)."""
    import datetime as dt

    # the previous manifest holds the hash of every file of that release
    manifest = [previous / "datapackage.json"] if previous is not None else []
    return input_digest(project, (previous, settings, dt.date.today().isoformat(),
                                  os.environ.get("SOURCE_DATE_EPOCH")), manifest)


def _unchanged(cache: Path, inputs: str, out: Path, only: tuple[str, ...]) -> BuildReport | None:
    """The last build's report when it was made from exactly these inputs and its outputs are there."""
    try:
        with (cache / _LAST_BUILD).open("rb") as stream:
            stored_inputs, report = pickle.load(stream)  # our own file, written below
    except (OSError, EOFError, pickle.PickleError, ValueError, TypeError, AttributeError, ImportError):
        return None
    if stored_inputs != inputs or not all((out / name).is_dir() for name in only):
        return None
    assert isinstance(report, BuildReport)
    report.notes = ["nothing changed since the last build: every output is as it was"]
    return report


def _remember(cache: Path, inputs: str, report: BuildReport) -> None:
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f"{_LAST_BUILD}.partial"
    with partial.open("wb") as stream:
        pickle.dump((inputs, report), stream, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(cache / _LAST_BUILD)


class _Counts:
    """Counts made in the worker processes (PDFs, summed over the parts), passed to `count` in this
    one: workers put them on a queue they inherit when they fork, and a thread here reads them."""

    def __init__(self, context: Any, count: Count) -> None:
        self.queue = context.SimpleQueue()
        self.reader = threading.Thread(target=self._read, args=(count,), daemon=True)
        self.reader.start()

    def install(self) -> None:
        global _counts
        _counts = self
        os.nice(_BACKGROUND)

    def put(self, what: str, done: int, total: int, part: int = 0) -> None:
        self.queue.put((what, done, total, part))

    def close(self) -> None:
        self.queue.put(None)
        self.reader.join(timeout=10)

    def _read(self, count: Count) -> None:
        parts: dict[str, dict[int, tuple[int, int]]] = {}  # what -> part -> done, total
        while (event := self.queue.get()) is not None:
            what, done, total, part = event
            parts.setdefault(what, {})[part] = (done, total)
            count(what, sum(d for d, _t in parts[what].values()), sum(t for _d, t in parts[what].values()))


_counts: _Counts | None = None  # in a worker process: where its counts go
_BACKGROUND = 5  # niceness of the workers


def _worksheet_parts() -> int:
    """How many processes share the worksheets: one a core, up to four (Sphinx takes one of them
    first, at a higher priority)."""
    return max(1, min(len(os.sched_getaffinity(0)), 4))


def _render_worksheets(handbook: Handbook, target: Path, cache: Path, config: Any, part: int, parts: int) -> Any:
    from skillbook.worksheets.render import render_worksheets

    def count(what: str, done: int, total: int) -> None:
        if _counts is not None:
            _counts.put(what, done, total, part)

    return render_worksheets(handbook, target, cache_dir=cache, config=config, count=count, part=part, parts=parts)


def _usable(project: Project, out: Path) -> None:
    """`build/` must be a folder we can write to; say so in a sentence otherwise (exit 2)."""
    for folder in (out, *out.parents):
        if folder.exists() and not folder.is_dir():
            raise ConfigError(f"{_shown(project, folder).rstrip('/')} is a file, not a folder: skillbook writes "
                              "its outputs there; move the file away")
        if folder == project.root:
            break
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".write-test-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise ConfigError(f"cannot write to {_shown(project, out)}: {exc.strerror or exc}; check its permissions") \
            from None


def _clear_dead_builds(out: Path) -> None:
    """A build that was killed leaves its staging folder (and maybe an old output) behind: remove
    them when the process that made them is gone, so they never pile up."""
    for leftover in out.glob(".*-*"):
        kind, _, pid = leftover.name.rpartition("-")
        if not (kind == ".staging" or kind.startswith(".old-")) or not pid.isdigit() or _alive(int(pid)):
            continue
        if kind.startswith(".old-") and not (out / kind.removeprefix(".old-")).exists():
            leftover.rename(out / kind.removeprefix(".old-"))  # killed mid-swap: the old output is the good one
            continue
        shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own leftovers from an earlier build in this process (tests, the preview)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _changelog(project: Project, handbook: Handbook, previous: Path | None, progress: Progress) -> dict[str, Any]:
    """What changed since the previous release (the bundle's changelog.json and the site's page)."""
    if previous is None:
        from skillbook.bundle.export import changelog_json

        return changelog_json(project.config.version)
    from skillbook.bundle.changelog import release_changelog  # jsonschema and friends: only when needed

    progress(f"comparing with the previous release in {previous}")
    return release_changelog(project, handbook, previous)


def _write_bundle(project: Project, handbook: Handbook, target: Path, cache: Path, edition: str,
                  changelog: dict[str, Any]) -> int:
    """Write the bundle, or copy it from the cache when nothing it is made from changed."""
    from skillbook.bundle import source_date, write_bundle  # jsonschema and friends: only when needed
    from skillbook.bundle.export import RenderedBodies
    from skillbook.site.render import link_tree

    created = source_date(handbook)
    digest = hashlib.sha256(pickle.dumps((__version__, handbook, project.config, created.isoformat(), edition,
                                          json.dumps(changelog, sort_keys=True))))
    for schema in sorted((project.schemas_dir / "bundle").glob("*.json")):
        digest.update(schema.read_bytes())
    cached = cache / digest.hexdigest()
    if not cached.is_dir():
        # what the last bundle checked and rendered: after a one-page edit only that page's files
        # are rendered and checked again
        memo = cache.parent / "bundle-memo.pickle"
        try:
            with memo.open("rb") as stream:
                proven, earlier = pickle.load(stream)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
            proven, earlier = set(), {}  # none yet, or from another version of skillbook
        rendered = RenderedBodies(earlier=earlier)
        shutil.rmtree(cache, ignore_errors=True)  # one bundle is kept: the latest
        partial = cache / "partial"
        write_bundle(project, handbook, partial, created=created, edition=edition, changelog=changelog,
                     proven=proven, rendered=rendered)
        partial.rename(cached)
        written = memo.with_suffix(".partial")
        try:  # a memo that cannot be written only costs the next bundle time
            with written.open("wb") as stream:
                pickle.dump((proven, rendered.used), stream, protocol=pickle.HIGHEST_PROTOCOL)
            written.replace(memo)
        except OSError:
            pass
    link_tree(cached, target)
    return sum(1 for path in target.rglob("*") if path.is_file())


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
