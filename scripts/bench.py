#!/usr/bin/env python3
"""Benchmark: handbooks made of the shipped pages in, a timing table out.

Every figure is measured on real content: the shipped handbook itself, and larger handbooks made
by copying its modules whole (module page, skills and worksheets) under new ids until there are
about N content pages. For each size it runs, side by side with plain `jupyter-book build` of the
same pages (same Markdown, same `_toc.yml`, no skillbook extension) in one run:

- `skillbook validate`, cold (no cache) and warm (the cache `skillbook build` shares);
- a clean full build, a no-op rebuild and a rebuild after editing one page's text;
- the worksheet PDFs alone (per worksheet, packets included);
- the save-to-page latency of `skillbook serve` (a page saved, until the preview serves it);
- the peak memory of each command;
- with the shipped handbook, the Lighthouse figures of its site (`scripts/lighthouse.py`: mobile
  performance, first paint, first-visit and next-page weight, the offline copy).

Usage: python3 scripts/bench.py [--sizes shipped 300 1000] [--keep DIR] [--saves 5] [--no-lighthouse]
       python3 scripts/bench.py --preview      (save-to-page latency on the shipped handbook only)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHIPPED = ("content", "schemas", "_config.yml", "_toc.yml")
EDITED = "content/skills/distress-tolerance/stop.md"
EDIT_FROM = "STOP puts a short pause before you act."


@dataclass
class Timing:
    seconds: float
    peak_mb: float
    ok: bool


def copy_shipped(root: Path) -> None:
    root.mkdir(parents=True)
    for name in SHIPPED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy2(source, root / name)


def grow(root: Path, pages: int) -> int:
    """Copy the whole shipped handbook (modules, skills, worksheets) under new ids (`stop-2`, ...) until
    it has at least `pages` content files; returns how many it has. Whole copies only: a copy cut
    short would link to skills and worksheets it does not have."""
    content = root / "content"
    items = _items(content)
    ids = sorted({item_id for item_id, _ in items}, key=len, reverse=True)
    modules = sorted(p.name for p in (content / "skills").iterdir() if p.is_dir())
    names = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])")
    files = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ids)) + r")\.md")
    folders = re.compile(r"(?<=/)(" + "|".join(map(re.escape, modules)) + r")(?=/)")
    count = len(list(content.rglob("*.md")))
    copy = 2
    while count < pages:
        for item_id, path in items:
            relative = path.relative_to(content)
            if relative.parts[0] == "skills":
                target = content / "skills" / f"{relative.parts[1]}-{copy}" / relative.name
                if relative.name != "index.md":
                    target = target.with_name(f"{item_id}-{copy}.md")
            else:
                target = content / "homework" / f"{item_id}-{copy}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            text = _renamed(path.read_text(encoding="utf-8"), names, files, folders, copy)
            if path.name == "index.md":  # the copied module comes after every module before it
                shift = len(modules) * (copy - 1)
                order = re.search(r"(?m)^order: (\d+)$", text)
                if order:
                    text = f"{text[:order.start(1)]}{int(order.group(1)) + shift}{text[order.end(1):]}"
            target.write_text(text, encoding="utf-8")
            count += 1
        copy += 1
    subprocess.run([sys.executable, "-P", "-m", "skillbook", "toc", "--write"], cwd=root, check=True,
                   capture_output=True)
    return len(list(content.rglob("*.md")))


def _items(content: Path) -> list[tuple[str, Path]]:
    """Modules, skills and worksheets in module order: a module's page first, then its skills."""
    found = []
    for module in sorted((content / "skills").iterdir()):
        pages = sorted(module.glob("*.md"), key=lambda p: p.name != "index.md")
        found += [(_id(p), p) for p in pages]
    found += [(_id(p), p) for p in sorted((content / "homework").glob("*.md"))]
    return found


def _id(path: Path) -> str:
    match = re.search(r"(?m)^id: (\S+)$", path.read_text(encoding="utf-8"))
    assert match, path
    return match.group(1)


# front-matter keys whose values name items (an option's or a row's `skill:` is renamed wherever it is)
_NAMING_KEYS = re.compile(r"^(id|module|related|worksheets|skills):")


def _renamed(text: str, names: re.Pattern[str], files: re.Pattern[str], folders: re.Pattern[str],
             copy: int) -> str:
    """The page as copy number `copy`: the ids it names get `-copy` (so a copy links its own copies),
    its links point at the copied files, its title gets the number; its text stays as written."""
    _, front, body = text.split("---\n", 2)
    lines = []
    for line in front.split("\n"):
        if _NAMING_KEYS.match(line):
            line = names.sub(lambda m: f"{m.group(1)}-{copy}", line)
        line = re.sub(r"(skill: )([\w-]+)", lambda m: f"{m.group(1)}{m.group(2)}-{copy}"
                      if names.fullmatch(m.group(2)) else m.group(0), line)
        lines.append(line)
    front = "\n".join(lines)
    front = re.sub(r"(?m)^title: (.*)$", lambda m: f"title: {m.group(1)} {copy}", front, count=1)
    body = files.sub(lambda m: f"{m.group(1)}-{copy}.md", body)
    body = folders.sub(lambda m: f"{m.group(1)}-{copy}", body)
    return f"---\n{front}---\n{body}"


def bare_copy(source: Path, target: Path) -> None:
    """The same pages for plain Jupyter Book: no skillbook extension, the same parsing settings. Its
    pages keep skillbook's few directives (crisis services, the finder), which it reports as unknown."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("build", "_build"))
    config = (target / "_config.yml").read_text(encoding="utf-8")
    config = config.replace("extra_extensions: [skillbook.sphinxext]", "config:\n    myst_title_to_header: true")
    (target / "_config.yml").write_text(config, encoding="utf-8")


def run(command: list[str], cwd: Path) -> Timing:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    # stderr goes to a file, not a pipe: a large handbook's warnings fill a pipe nobody reads until
    # the end, and the command then waits for ever
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            errors.seek(0)
            print(f"  ! {' '.join(command)} failed in {cwd}:\n{errors.read().decode()[-2000:]}", file=sys.stderr)
    return Timing(elapsed, usage.ru_maxrss / 1024, code == 0)


def edit(root: Path, marker: str) -> None:
    page = root / EDITED
    page.write_text(page.read_text(encoding="utf-8").replace(EDIT_FROM, f"{EDIT_FROM} {marker}", 1),
                    encoding="utf-8")


def preview_latency(root: Path, saves: int) -> list[float]:
    """Seconds from saving a skill page to `skillbook serve` serving it changed, once per save."""
    process = subprocess.Popen([sys.executable, "-P", "-m", "skillbook", "serve", "--port", "0"], cwd=root,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url = ""
        for line in process.stderr:  # type: ignore[union-attr]
            if "serving the preview at " in line:
                url = line.split("serving the preview at ")[1].split()[0]
                break
        # the rest of its output is read (and dropped) as it comes: a full pipe would stop the preview
        threading.Thread(target=process.stderr.read, daemon=True).start()  # type: ignore[union-attr]

        def status() -> dict[str, object]:
            with urllib.request.urlopen(url + "_skillbook/status", timeout=30) as response:
                return json.loads(response.read())  # type: ignore[no-any-return]

        page = root / EDITED
        original = page.read_text(encoding="utf-8")
        address = url + EDITED.removesuffix(".md") + ".html"
        times = []
        for n in range(saves):
            before = status()["build"]
            marker = f"Saved edit number {n}."
            start = time.perf_counter()
            page.write_text(original.replace(EDIT_FROM, f"{EDIT_FROM} {marker}", 1), encoding="utf-8")
            deadline = start + 600
            while status()["build"] == before and time.perf_counter() < deadline:
                time.sleep(0.01)
            with urllib.request.urlopen(address, timeout=30) as response:
                served = response.read().decode()
            times.append(time.perf_counter() - start)
            if marker not in served:
                print(f"  ! the preview did not show edit {n}", file=sys.stderr)
            time.sleep(0.5)
        page.write_text(original, encoding="utf-8")
        return times
    finally:
        process.terminate()
        process.wait(timeout=30)


Row = tuple[str, Timing, "Timing | None", str]


def bench(size: str, workdir: Path, saves: int) -> tuple[int, list[Row]]:
    ours, bare = workdir / f"skillbook-{size}", workdir / f"bare-{size}"
    # skillbook keeps its caches outside the project: this size's own folder, so that "cold" and
    # "clean" mean no cache at all
    caches = workdir / f"caches-{size}"
    os.environ["SKILLBOOK_CACHE_DIR"] = str(caches)
    copy_shipped(ours)
    pages = grow(ours, int(size)) if size != "shipped" else len(list((ours / "content").rglob("*.md")))
    bare_copy(ours, bare)
    jupyter_book = shutil.which("jupyter-book") or str(Path(sys.executable).parent / "jupyter-book")
    sb = [sys.executable, "-P", "-m", "skillbook", "build", "-q"]
    jb = [jupyter_book, "build", ".", "-q"]
    validate = [sys.executable, "-P", "-m", "skillbook", "validate"]
    rows: list[Row] = [("validate, cold", run(validate, ours), None, "")]
    rows.append(("validate, warm", run(validate, ours), None, ""))
    worksheets = run([*sb, "--only", "worksheets"], ours)
    count = len(list((ours / "build" / "worksheets").glob("*.pdf")))
    rows.append((f"PDFs ({count})", worksheets, None, f"{worksheets.seconds / max(count, 1) * 1000:.0f} ms each"))
    shutil.rmtree(ours / "build")
    shutil.rmtree(caches)
    # alternate the two so that neither always runs on a warmer machine
    full = (run(sb, ours), run(jb, bare))
    rows.append(("full build", *full, f"{full[0].seconds / pages * 1000:.0f} ms a page"))
    rows.append(("no-op build", run(sb, ours), run(jb, bare), ""))
    edit(ours, "Edited once.")
    edit(bare, "Edited once.")
    rows.append(("one-page edit", run(sb, ours), run(jb, bare), ""))
    if saves:
        times = preview_latency(ours, saves)
        latency = Timing(statistics.median(times), 0, True)
        rows.append(("preview save-to-page", latency, None,
                     f"median of {len(times)}; {min(times):.2f}–{max(times):.2f} s"))
    return pages, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["shipped", "300", "1000"],
                        help="`shipped`, or a number of content pages")
    parser.add_argument("--saves", type=int, default=5, help="preview saves to time per size (0: none)")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temporary one)")
    parser.add_argument("--no-lighthouse", action="store_true",
                        help="leave out the Lighthouse figures of the shipped handbook's site")
    parser.add_argument("--preview", action="store_true",
                        help="only the save-to-page latency of `skillbook serve` on the shipped handbook")
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="skillbook-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        if args.preview:
            root = workdir / "preview-shipped"
            copy_shipped(root)
            times = preview_latency(root, max(args.saves, 1))
            print(f"preview save-to-page on the shipped handbook, {len(times)} saves: median "
                  f"{statistics.median(times):.2f}s, slowest {max(times):.2f}s, fastest {min(times):.2f}s")
            return
        print("| pages | step | skillbook | Jupyter Book | ratio | skillbook MB | Jupyter Book MB | note |")
        print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |")
        for size in args.sizes:
            pages, rows = bench(size, workdir, args.saves)
            for step, ours, theirs, note in rows:
                ratio = f"{ours.seconds / theirs.seconds:.2f}" if theirs else ""
                flag = "" if ours.ok and (theirs is None or theirs.ok) else " (failed)"
                print(f"| {pages} | {step} | {ours.seconds:.2f} | {f'{theirs.seconds:.2f}' if theirs else ''} | "
                      f"{ratio} | {f'{ours.peak_mb:.0f}' if ours.peak_mb else ''} | "
                      f"{f'{theirs.peak_mb:.0f}' if theirs else ''} | {note}{flag} |", flush=True)
        site = workdir / "skillbook-shipped" / "build" / "site"
        if "shipped" in args.sizes and not args.no_lighthouse:
            print("\nLighthouse 12 (mobile) on the shipped handbook's site, as built above:\n", flush=True)
            subprocess.run([sys.executable, str(REPO / "scripts" / "lighthouse.py"), "--site", str(site),
                            "--markdown"], check=False, timeout=1800)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
