"""Command-line arguments in, exit status out: a thin click wrapper around the library.

Exit status: 0 ok, 1 content errors, 2 usage or configuration errors. Bad input never shows a
traceback; an unexpected internal failure prints one line (set SKILLBOOK_DEBUG=1 for details).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from skillbook import __version__
from skillbook.checking.reviews import DUE_SOON_DAYS, ReviewState, review_statuses
from skillbook.commands.progress import ProgressDisplay
from skillbook.commands.report import (
    FORMATS,
    drafts_note,
    format_issues,
    format_reviews,
    review_summary,
    shown,
    summary_line,
)
from skillbook.errors import ConfigError, ContentError, ReleaseError, SkillbookError
from skillbook.issues import Issue
from skillbook.pipeline import OUTPUTS, build
from skillbook.reading.editions import EDITIONS
from skillbook.reading.project import Project, load_project

if TYPE_CHECKING:
    from skillbook.checking.verdict import Verdict

INTERNAL_ERROR = 3


def _default_format() -> str:
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


format_option = click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default=None,
    help="How to print problems (default: text; github when GITHUB_ACTIONS is set).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="skillbook")
@click.option("--project", "-C", "project_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Project folder (default: the nearest folder with _config.yml).")
@click.pass_context
def cli(ctx: click.Context, project_dir: Path | None) -> None:
    """Author DBT skills once; publish a handbook site, worksheets and app bundles."""
    ctx.obj = project_dir or Path.cwd()


def _project(ctx: click.Context) -> Project:
    return load_project(Path(ctx.obj))


def _report(verdict: Verdict, fmt: str | None) -> None:
    fmt = fmt or _default_format()
    click.echo(format_issues(verdict.issues, fmt), nl=False)
    if fmt != "json":
        click.echo(summary_line(verdict.issues, verdict.files), err=True)
        if verdict.drafts:
            click.echo(drafts_note(verdict.drafts, "not published"), err=True)


@cli.command("validate")
@click.option("--strict", is_flag=True, help="Treat warnings (e.g. an overdue review) as errors.")
@format_option
@click.pass_context
def validate_command(ctx: click.Context, strict: bool, fmt: str | None) -> None:
    """Check every content file; print all problems with file and line."""
    from skillbook.checking.verdict import recall, run_key

    project = _project(ctx)
    # the cache `skillbook build` keeps: a file unchanged since either ran is not checked again,
    # and when no input changed at all the last run's verdict is printed as it was
    cache = project.output_cache(project.build_dir) / "validation"
    verdict = recall(cache, run_key(project, strict=strict, today=dt.date.today()))
    if verdict is None:
        from skillbook.checking.validate import validate  # the parsers and schemas: only when needed

        verdict = validate(project, strict=strict, cache_dir=cache).verdict
    _report(verdict, fmt)
    ctx.exit(0 if verdict.ok else 1)


@cli.command("build")
@click.option("--only", type=click.Choice(OUTPUTS), multiple=True,
              help="Build only this output (repeatable); default: everything.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--edition", type=click.Choice(EDITIONS), default="client", show_default=True,
              help="clinician: also show clinician notes, built into build/clinician/.")
@click.option("--previous", "previous", type=click.Path(path_type=Path), default=None,
              help="The previous release's bundle folder: refuse a release whose versions do not grow with its "
                   "changes, and list the changes in changelog.json and on the site.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but problems.")
@click.option("--verbose", "-v", is_flag=True,
              help="Show Jupyter Book's own page-by-page lines instead of skillbook's progress bar.")
@format_option
@click.pass_context
def build_command(ctx: click.Context, only: tuple[str, ...], strict: bool, edition: str, previous: Path | None,
                  quiet: bool, verbose: bool, fmt: str | None) -> None:
    """Validate, then build the site, worksheets and bundle into build/ (all or nothing)."""
    project = _project(ctx)
    # a bar on a terminal (pages read and written, PDFs), plain lines in a log, nothing with -q;
    # --verbose shows Jupyter Book's own page-by-page lines instead
    display = ProgressDisplay.on(sys.stderr, quiet=quiet or verbose)
    try:
        report = build(project, only=only or OUTPUTS, strict=strict, edition=edition, previous_release=previous,
                       progress=display.message if not verbose else _say, count=display.count,
                       sphinx_status=sys.stderr if verbose else None)
    except ContentError as exc:
        display.close()
        chosen = fmt or _default_format()
        click.echo(format_issues(exc.issues, chosen), nl=False)
        if chosen != "json":
            click.echo(summary_line(exc.issues, 0).split(" (")[0] + "; build/ left unchanged", err=True)
        ctx.exit(1)
    except ReleaseError as exc:
        display.close()
        click.echo(f"skillbook: {exc}", err=True)
        click.echo("skillbook: build/ left unchanged", err=True)
        ctx.exit(1)
    display.close()
    if report.warnings:
        click.echo(format_issues(report.warnings, fmt or _default_format()), nl=False)
    if not quiet:
        for note in report.notes:
            click.echo(f"skillbook: {note}", err=True)
        if report.drafts:
            click.echo(f"skillbook: {drafts_note(report.drafts, 'left out')}", err=True)
        for path in sorted(report.outputs.values()):
            click.echo(f"built {project.relative(path)}/", err=True)


def _say(message: str) -> None:
    click.echo(f"skillbook: {message}...", err=True)


@cli.command("serve")
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--edition", type=click.Choice(EDITIONS), default="client", show_default=True,
              help="clinician: preview the clinician edition (clinician notes, review status).")
@click.pass_context
def serve_command(ctx: click.Context, port: int, edition: str) -> None:
    """Preview the site while you write: rebuild on save, reload the browser."""
    from skillbook.commands.serve import serve

    project = _project(ctx)

    def ready(url: str) -> None:
        click.echo(f"skillbook: serving the preview at {url} (Ctrl+C to stop)", err=True)

    def problems(issues: tuple[Issue, ...]) -> None:
        click.echo(format_issues(issues, "text"), nl=False)
        click.echo("skillbook: the preview shows these problems over the last good build", err=True)

    try:
        serve(project, port=port, edition=edition, on_ready=ready, on_problems=problems,
              progress=lambda message: click.echo(f"skillbook: {message}", err=True))
    except OSError as exc:
        raise ConfigError(f"cannot serve on port {port}: {exc.strerror}") from None
    except KeyboardInterrupt:
        click.echo("skillbook: preview stopped", err=True)


@cli.command("toc")
@click.option("--write", is_flag=True, help="Write _toc.yml instead of printing it.")
@click.pass_context
def toc_command(ctx: click.Context, write: bool) -> None:
    """Generate _toc.yml from module order and skill metadata (drafts left out)."""
    from skillbook.checking.toc import generate_toc, write_toc
    from skillbook.checking.validate import validate

    project = _project(ctx)
    result = validate(project)
    blocking = [i for i in result.errors if not i.rule.startswith("toc-")]
    if blocking:
        _report(replace(result.verdict, issues=tuple(blocking)), None)
        click.echo("not writing _toc.yml until the content errors above are fixed", err=True)
        ctx.exit(1)
    if write:
        path = write_toc(project, result.handbook)
        click.echo(f"wrote {project.relative(path)}", err=True)
    else:
        click.echo(generate_toc(project, result.handbook), nl=False)


@cli.command("review")
@click.option("--within", type=click.IntRange(0, 3650), default=DUE_SOON_DAYS, show_default=True, metavar="DAYS",
              help="Count a review as due soon when it falls within this many days.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when a review is overdue.")
@format_option
@click.pass_context
def review_command(ctx: click.Context, within: int, strict: bool, fmt: str | None) -> None:
    """List published pages by clinical review: overdue, never reviewed, due soon, current."""
    from skillbook.checking.validate import validate

    result = validate(_project(ctx))
    today = dt.date.today()
    lines = {}  # where an annotation points: the due date, or `status:` when there is no review
    for document in result.documents:
        meta = document.meta
        if meta is not None and isinstance(meta.data, dict):
            key = ("review", "next_review") if meta.data.get("review") else ("status",)
            lines[document.source.rel] = meta.key_position(key).line
    rows = review_statuses(result.handbook, today, within, lines)
    chosen = fmt or _default_format()
    click.echo(format_reviews(rows, chosen, today, within), nl=False)
    if chosen != "json":
        click.echo(review_summary(rows, within), err=True)
    if result.errors:
        click.echo(f"skillbook: {len(result.errors)} content error(s) left some items out; run skillbook validate",
                   err=True)
    overdue = any(r.state is ReviewState.OVERDUE for r in rows)
    ctx.exit(1 if result.errors or (strict and overdue) else 0)


@cli.command("publish")
@click.argument("item_ids", metavar="ID...", nargs=-1, required=True)
@click.pass_context
def publish_command(ctx: click.Context, item_ids: tuple[str, ...]) -> None:
    """Publish drafts: set `status: published` and update _toc.yml, in one step (nothing changes when
    the handbook would then have errors)."""
    from skillbook.commands.publish import publish

    project = _project(ctx)
    try:
        published = publish(project, item_ids)
    except ContentError as exc:
        click.echo(format_issues(exc.issues, _default_format()), nl=False)
        click.echo("skillbook: not published: the handbook would have the errors above; nothing was changed",
                   err=True)
        ctx.exit(1)
    for done in published:
        if done.toc is None:
            click.echo(f"{done.kind} `{done.id}` is already published ({done.path})", err=True)
        else:
            click.echo(f"published {done.kind} `{done.id}`: {done.path} now says `status: published` "
                       f"(was {done.was}); {project.relative(done.toc)} lists it", err=True)


@cli.command("new")
@click.argument("kind", type=click.Choice(["skill", "worksheet"]))
@click.argument("item_id", metavar="ID")
@click.option("--module", "-m", required=True, help="The module the new item belongs to.")
@click.pass_context
def new_command(ctx: click.Context, kind: str, item_id: str, module: str) -> None:
    """Create a skill or worksheet from a template (as a draft that validates)."""
    from skillbook.commands.scaffold import new_item

    project = _project(ctx)
    path = new_item(project, kind, item_id, module)
    click.echo(f"created {project.relative(path)} (status: draft; once it is written and reviewed: "
               f"skillbook publish {item_id})")


@cli.command("ids")
@click.option("--write", is_flag=True, help="Write the proposed ids into the files.")
@click.pass_context
def ids_command(ctx: click.Context, write: bool) -> None:
    """Propose ids for options, grid columns and steps that have none (apps store answers and
    progress by these ids). Prints the proposals; --write writes them in, changing nothing else."""
    from skillbook.commands.ids import propose_ids_in
    from skillbook.reading.discover import Kind, discover

    project = _project(ctx)
    sources, _ = discover(project)
    changed = proposed = skipped = 0
    for source in sources:
        if source.kind not in (Kind.SKILL, Kind.HOMEWORK):
            continue
        result = propose_ids_in(source.path)
        if result.problem:
            click.echo(f"{source.rel}: skipped: {result.problem}", err=True)
            skipped += 1
        for proposal in result.proposals:
            click.echo(f"{source.rel}:{proposal.line}: {proposal.what} `{proposal.label}` -> id `{proposal.id}`")
        if result.proposals and write:
            source.path.write_text(result.text, encoding="utf-8", newline="")
            changed += 1
        proposed += len(result.proposals)
    if write:
        click.echo(f"skillbook: wrote {proposed} id(s) into {changed} file(s); check them, since apps keep them "
                   "for good", err=True)
    elif proposed:
        click.echo(f"skillbook: {proposed} id(s) proposed; `skillbook ids --write` writes them in", err=True)
    elif skipped:
        click.echo(f"skillbook: no id to propose in the files read; {skipped} file(s) skipped "
                   "(`skillbook validate` checks them)", err=True)
    else:
        click.echo("skillbook: every option, column and step has an id", err=True)


@cli.group("bundle")
def bundle_group() -> None:
    """Work with app bundles (build/bundle/, also at <site>/bundle/)."""


@bundle_group.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="How to print the changes.")
@click.option("--fail-on", type=click.Choice(["major", "minor", "patch"]), default=None,
              help="Also exit 1 when the changes need at least this level.")
@click.pass_context
def bundle_diff_command(ctx: click.Context, old: Path, new: Path, fmt: str, fail_on: str | None) -> None:
    """What changed from bundle OLD to NEW (folders or datapackage.json files), and whether NEW's
    version bump is big enough. Exit 0 fine, 1 bump too small (or --fail-on reached), 2 unreadable input."""
    import json

    from skillbook.bundle import BundleError, Level, diff_bundles, load

    bundles = []
    for label, path in (("OLD", old), ("NEW", new)):
        try:
            bundles.append(load(path))
        except BundleError as exc:
            click.echo(f"skillbook: error: {label} bundle {path}: {exc}", err=True)
            ctx.exit(2)
    result = diff_bundles(bundles[0], bundles[1])
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False, sort_keys=True))
    else:
        click.echo(result.to_text(), nl=False)
    failed = not result.sufficient or (fail_on is not None and result.required >= Level.parse(fail_on))
    ctx.exit(1 if failed else 0)


@cli.group("schema")
def schema_group() -> None:
    """The front-matter schemas, for editors and other tools."""


@schema_group.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of printing.")
@click.option("--kind", type=click.Choice(["module", "skill", "homework"]), default=None,
              help="Only this kind's schema: a JSON Schema an editor can use as it is.")
@click.pass_context
def schema_export_command(ctx: click.Context, output: Path | None, kind: str | None) -> None:
    """Print the JSON Schema (2020-12) of the front matter of each kind, as one JSON object keyed by
    kind (module, skill, homework), generated from schemas/*.yml."""
    import json

    from skillbook.checking.schema import load_schemas
    from skillbook.commands.schema_export import export_json_schemas

    exported = export_json_schemas(load_schemas(_project(ctx).schemas_dir))
    text = json.dumps(exported[kind] if kind else exported, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote {output}", err=True)


def main(argv: list[str] | None = None) -> NoReturn:
    try:
        code = cli.main(args=argv, prog_name="skillbook", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        code = 1
    except ContentError as exc:
        click.echo(format_issues(exc.issues, _default_format()), nl=False)
        click.echo(summary_line(exc.issues, 0), err=True)
        code = exc.exit_code
    except SkillbookError as exc:
        click.echo(f"skillbook: error: {shown(str(exc))}", err=True)
        code = exc.exit_code
    except KeyboardInterrupt:
        code = 130
    except Exception as exc:  # a bug: one clear line, never a traceback for the user
        if os.environ.get("SKILLBOOK_DEBUG"):
            raise
        click.echo(f"skillbook: internal error: {type(exc).__name__}: {shown(str(exc))} "
                   "(please report it; SKILLBOOK_DEBUG=1 shows the traceback)", err=True)
        code = INTERNAL_ERROR
    sys.exit(code if isinstance(code, int) else 0)


