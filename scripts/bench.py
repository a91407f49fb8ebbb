#!/usr/bin/env python3
"""Benchmark: a synthetic handbook of N pages in, a timing table out.

For each size it times `skillbook build` against a bare `jupyter-book build` of the same pages
(same Markdown, same _toc.yml, no skillbook extension) in one run: a clean full build, a no-op
rebuild, and a rebuild after editing one page; plus `skillbook validate` and the peak memory of
each build. Usage: python scripts/bench.py [--pages 100 300] [--keep DIR]

With --preview it measures instead how long `skillbook serve` takes from saving a page of the
shipped handbook to serving it changed (save-to-page latency).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORDS = ("notice", "breathe", "pause", "feeling", "body", "urge", "choose", "step", "slowly", "kind",
         "steady", "moment", "plan", "gentle", "clear", "practice", "skill", "calm", "wave", "name",
         "describe", "accept", "balance", "effective", "truth", "value", "action", "small", "ask")
EMOTIONS = ["anger", "anxiety", "fear", "sadness", "shame", "guilt", "loneliness", "overwhelm"]
SITUATIONS = ["conflict", "crisis", "urges", "rumination", "panic", "sleep", "work-or-school", "decisions"]


@dataclass
class Timing:
    seconds: float
    peak_mb: float
    ok: bool


def sentence(rng: random.Random, n: int = 12) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int = 5) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def common(item_id: str, title: str, rng: random.Random) -> str:
    return (f"id: {item_id}\ntitle: {title}\nsummary: {sentence(rng, 10)}\nstatus: published\nversion: 1.0.0\n"
            "updated: 2026-01-15\nlanguage: en\nauthors: [Benchmark Author]\n")


def generate(root: Path, pages: int, seed: int = 7) -> None:
    """Write a handbook of about `pages` pages: modules, skills (about 70 %) and homework."""
    rng = random.Random(seed)
    shutil.copytree(REPO / "schemas", root / "schemas")
    modules = max(1, pages // 25)
    homework_count = max(1, pages // 5)
    skill_count = max(1, pages - modules - homework_count - 2)
    content = root / "content"
    (content / "homework").mkdir(parents=True)
    (content / "index.md").write_text("# Benchmark handbook\n\n" + paragraph(rng) + "\n", encoding="utf-8")
    (content / "crisis.md").write_text("# Crisis help\n\n```{crisis-services}\n```\n", encoding="utf-8")
    for m in range(modules):
        folder = content / "skills" / f"module-{m}"
        folder.mkdir(parents=True)
        (folder / "index.md").write_text(f"---\n{common(f'module-{m}', f'Module {m}', rng)}order: {m + 1}\n---\n\n"
                                         f"{paragraph(rng)}\n", encoding="utf-8")
    for h in range(homework_count):
        module = h % modules
        (content / "homework" / f"log-{h}.md").write_text(
            f"---\n{common(f'log-{h}', f'Log {h}', rng)}type: practice-log\nmodule: module-{module}\nskills: []\n"
            "frequency: daily\nestimated_minutes: 5\nfields:\n"
            "  - {id: what, label: What did I practise?, type: long_text, required: true}\n"
            "  - {id: how, label: How did it go?, type: rating, min: 0, max: 5, required: false}\n"
            f"---\n\n## How to use this worksheet\n\n{paragraph(rng)}\n", encoding="utf-8")
    for s in range(skill_count):
        module = s % modules
        body = "\n\n".join([paragraph(rng), "## How it works", paragraph(rng), "## Everyday example", paragraph(rng),
                            "## Common obstacles", paragraph(rng), "## Practice", "1. " + sentence(rng)])
        (content / "skills" / f"module-{module}" / f"skill-{s}.md").write_text(
            f"---\n{common(f'skill-{s}', f'Skill {s}', rng)}module: module-{module}\nlevel: core\n"
            f"practice_minutes: 5\nsteps:\n  - {{name: First, prompt: {sentence(rng, 8)}}}\n"
            f"  - {{name: Second, prompt: {sentence(rng, 8)}}}\nwhen_to_use: [{sentence(rng, 6)}]\n"
            f"tags: {{emotions: [{rng.choice(EMOTIONS)}], situations: [{rng.choice(SITUATIONS)}]}}\n"
            f"worksheets: [log-{s % homework_count}]\nrelated: []\n---\n\n{body}\n", encoding="utf-8")
    config = (REPO / "_config.yml").read_text(encoding="utf-8")
    config = re.sub(r"(?m)^    start: .*$", "    start: [content/crisis]", config)
    config = re.sub(r"(?m)^    end: .*$", "    end: []", config)
    (root / "_config.yml").write_text(config, encoding="utf-8")
    run([sys.executable, "-m", "skillbook", "toc", "--write"], root)


def bare_copy(source: Path, target: Path) -> None:
    """The same pages for plain Jupyter Book: no skillbook extension, same parsing settings."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("build", "_build"))
    config = (target / "_config.yml").read_text(encoding="utf-8")
    config = config.replace("extra_extensions: [skillbook.sphinxext]", "config:\n    myst_title_to_header: true")
    (target / "_config.yml").write_text(config, encoding="utf-8")
    (target / "content" / "crisis.md").write_text("# Crisis help\n\nPlain page.\n", encoding="utf-8")


def run(command: list[str], cwd: Path) -> Timing:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = process.stderr.read().decode()[-2000:] if process.stderr else ""
        print(f"  ! {' '.join(command)} failed in {cwd}:\n{error}", file=sys.stderr)
    return Timing(elapsed, usage.ru_maxrss / 1024, process.returncode == 0)


def edit_one_page(root: Path) -> None:
    page = root / "content" / "skills" / "module-0" / "skill-0.md"
    page.write_text(page.read_text(encoding="utf-8").replace("## Practice", "Edited.\n\n## Practice"),
                    encoding="utf-8")


def bench(pages: int, workdir: Path) -> list[tuple[str, Timing, Timing | None]]:
    ours, bare = workdir / f"skillbook-{pages}", workdir / f"bare-{pages}"
    generate(ours, pages)
    bare_copy(ours, bare)
    jupyter_book = shutil.which("jupyter-book") or str(Path(sys.executable).parent / "jupyter-book")
    sb = [sys.executable, "-m", "skillbook", "build", "-q"]
    jb = [jupyter_book, "build", ".", "-q"]
    rows = [("validate", run([sys.executable, "-m", "skillbook", "validate"], ours), None)]
    worksheets = run([sys.executable, "-m", "skillbook", "build", "-q", "--only", "worksheets"], ours)
    count = len(list((ours / "content" / "homework").glob("*.md")))
    rows.append((f"PDFs ({count})", worksheets, None))
    shutil.rmtree(ours / "build")
    # alternate the two so that neither always runs on a warmer machine
    rows.append(("full build", run(sb, ours), run(jb, bare)))
    rows.append(("no-op build", run(sb, ours), run(jb, bare)))
    edit_one_page(ours)
    edit_one_page(bare)
    rows.append(("one-page edit", run(sb, ours), run(jb, bare)))
    return rows


def preview_latency(workdir: Path, saves: int = 7) -> list[float]:
    """Save-to-page latency of `skillbook serve` on a copy of the shipped handbook: seconds from
    writing a skill page to the preview serving the new text, once per save."""
    import json
    import urllib.request

    root = workdir / "preview-shipped"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns("build", "_build", ".git", ".*cache*",
                                                              "__pycache__", "node_modules", "tests"))
    process = subprocess.Popen([sys.executable, "-m", "skillbook", "serve", "--port", "0"], cwd=root,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url = ""
        for line in process.stderr:  # type: ignore[union-attr]
            if "serving the preview at " in line:
                url = line.split("serving the preview at ")[1].split()[0]
                break

        def status() -> dict[str, object]:
            with urllib.request.urlopen(url + "_skillbook/status", timeout=10) as response:
                return json.loads(response.read())  # type: ignore[no-any-return]

        page = root / "content" / "skills" / "distress-tolerance" / "stop.md"
        original = page.read_text(encoding="utf-8")
        address = url + "content/skills/distress-tolerance/stop.html"
        times = []
        for n in range(saves):
            before = status()["build"]
            marker = f"Saved edit number {n}."
            start = time.perf_counter()
            page.write_text(original.replace("STOP puts a short pause before you act.",
                                             f"STOP puts a short pause before you act. {marker}"), encoding="utf-8")
            while status()["build"] == before:
                time.sleep(0.01)
            with urllib.request.urlopen(address, timeout=10) as response:
                served = response.read().decode()
            times.append(time.perf_counter() - start)
            if marker not in served:
                print(f"  ! the preview did not show edit {n}", file=sys.stderr)
            time.sleep(0.5)
        return times
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[100, 300])
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temporary one)")
    parser.add_argument("--preview", action="store_true",
                        help="measure save-to-page latency of `skillbook serve` on the shipped handbook instead")
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="skillbook-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.preview:
        try:
            import statistics

            times = preview_latency(workdir)
            print(f"preview save-to-page on the shipped handbook, {len(times)} saves: median "
                  f"{statistics.median(times):.2f}s, slowest {max(times):.2f}s, fastest {min(times):.2f}s")
        finally:
            if args.keep is None:
                shutil.rmtree(workdir, ignore_errors=True)
        return
    print(f"{'pages':>6}  {'step':<14} {'skillbook':>10} {'jupyter-book':>13} {'ratio':>6} {'peak MB':>8} {'JB MB':>7}")
    try:
        for pages in args.pages:
            for step, ours, theirs in bench(pages, workdir):
                ratio = f"{ours.seconds / theirs.seconds:6.2f}" if theirs else "     -"
                if step.startswith("PDFs"):
                    count = int(step[6:-1])
                    ratio = f"{ours.seconds / count * 1000:4.0f}ms"  # per worksheet, packets included
                jb_time = f"{theirs.seconds:12.2f}s" if theirs else f"{'-':>13}"
                jb_mb = f"{theirs.peak_mb:7.0f}" if theirs else f"{'-':>7}"
                flag = "" if ours.ok and (theirs is None or theirs.ok) else "  (failed)"
                ours_text = f"{ours.seconds:9.2f}s"
                print(f"{pages:>6}  {step:<14} {ours_text} {jb_time} {ratio} {ours.peak_mb:8.0f} {jb_mb}{flag}",
                      flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
