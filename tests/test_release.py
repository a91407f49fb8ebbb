"""Releases an app can follow: `build --previous` refuses versions that do not grow with the content,
writes changelog.json and the site's "What changed" page; the app-developer page's update snippets
(Python and JavaScript) fetch only what changed, run for real against a local server."""

from __future__ import annotations

import hashlib
import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, SKILL, write_project
from skillbook.bundle import FORMAT_VERSION, load

pytestmark = pytest.mark.slow

SAMPLE = "content/skills/test-module/sample-skill.md"
DOCS = REPO / "content/app-developers.md"


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-P", "-m", "skillbook", *args], cwd=root, capture_output=True, text=True,
                          timeout=600)


def digest(folder: Path) -> str:
    """The outputs of a build (its cache may change: a refused build still validated)."""
    found = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and ".cache" not in p.parts):
        found.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return found.hexdigest()


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Release 1.0.0 of the test project, then 1.0.1 with one step reworded (and the refusal between)."""
    root = write_project(tmp_path_factory.mktemp("release") / "project", {
        "content/changes.md": (REPO / "content/changes.md").read_text(encoding="utf-8").replace(
            "[For app developers](app-developers.md)", "For app developers")})
    config = root / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("    end: []", "    end: [content/changes]"),
                      encoding="utf-8")
    assert run(root, "toc", "--write").returncode == 0
    first = run(root, "build", "-q")
    assert first.returncode == 0, first.stderr
    store = tmp_path_factory.mktemp("releases")
    shutil.copytree(root / "build/bundle", store / "1.0.0")
    (root / SAMPLE).write_text(SKILL.replace("Notice what is happening.", "Notice, gently, what is happening."),
                               encoding="utf-8")
    before = digest(root / "build")
    refused = run(root, "build", "-q", "--previous", str(store / "1.0.0"))
    assert digest(root / "build") == before  # nothing of the last good build is lost
    (store / "refused.txt").write_text(f"{refused.returncode}\n{refused.stderr}", encoding="utf-8")
    (root / SAMPLE).write_text(SKILL.replace("Notice what is happening.", "Notice, gently, what is happening.")
                               .replace("version: 1.0.0", "version: 1.0.1"), encoding="utf-8")
    config.write_text(re.sub(r"(?m)^(  version: )1\.0\.0", r"\g<1>1.0.1", config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    second = run(root, "build", "-q", "--previous", str(store / "1.0.0"))
    assert second.returncode == 0, second.stderr
    shutil.copytree(root / "build/bundle", store / "1.0.1")
    return {"root": root, "store": store}


def test_a_release_whose_item_did_not_bump_is_refused(releases: dict[str, Path]) -> None:
    code, message = (releases["store"] / "refused.txt").read_text(encoding="utf-8").split("\n", 1)
    assert code == "1" and "Traceback" not in message
    assert "skill sample-skill: its content changed (patch) but its version stays 1.0.0; give it version 1.0.1" \
        in message
    assert "build/ left unchanged" in message


def test_the_changelog_lists_the_changes_in_the_bundle_and_on_the_site(releases: dict[str, Path]) -> None:
    first = load(releases["store"] / "1.0.0")
    assert first.changelog == {"version": "1.0.0", "previous": None, "required": "none", "changes": []}
    second = load(releases["store"] / "1.0.1")  # verified: hashes and schemas, changelog.json included
    assert second.changelog["previous"] == {"version": "1.0.0", "formatVersion": FORMAT_VERSION}
    assert second.changelog["required"] == "patch"
    change = next(c for c in second.changelog["changes"] if c["id"] == "sample-skill")
    assert change["kind"] == "skill" and change["change"] == "changed"
    assert {"path": "steps", "change": "edited notice", "level": "patch"} in change["fields"]
    index = json.loads((releases["store"] / "1.0.1/index.json").read_text(encoding="utf-8"))
    assert index["changelog"] == "changelog.json"
    page = (releases["root"] / "build/site/content/changes.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Version 1.0.1, compared with version 1.0.0: wording only." in text
    assert "Skill Sample skill : changed (wording only)" in text and "steps : edited notice (wording only)" in text
    assert 'href="skills/test-module/sample-skill.html"' in page


class _Server(http.server.ThreadingHTTPServer):
    folder: Path
    requests: list[str]


class _Handler(http.server.BaseHTTPRequestHandler):
    """A static server with ETags, as GitHub Pages and most CDNs answer: `site/bundle/...` -> the folder."""

    server: _Server

    def do_GET(self) -> None:
        path = self.path.split("?")[0].removeprefix("/site/bundle/")
        self.server.requests.append(path)
        target = self.server.folder / path
        if not target.is_file():
            self.send_error(404)
            return
        data = target.read_bytes()
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture()
def server(releases: dict[str, Path]) -> Iterator[_Server]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.folder, httpd.requests = releases["store"] / "1.0.0", []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()


def snippet(language: str, marker: str) -> str:
    blocks = re.findall(rf"```{language}\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    return next(block for block in blocks if marker in block)


def changed_between(old: Path, new: Path) -> set[str]:
    def hashes(folder: Path) -> dict[str, str]:
        manifest = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        return {r["path"]: r["hash"] for r in manifest["resources"]}

    before, after = hashes(old), hashes(new)
    return {path for path, value in after.items() if before.get(path) != value}


def test_the_python_update_snippet_fetches_only_what_changed(server: _Server, releases: dict[str, Path]) -> None:
    namespace: dict[str, Any] = {}
    exec(compile(snippet("python", "def update_bundle"), str(DOCS), "exec"), namespace)
    update, site = namespace["update_bundle"], f"http://127.0.0.1:{server.server_port}/site/"
    store: dict[str, Any] = {}
    first = update(site, store)
    manifest = json.loads((server.folder / "datapackage.json").read_text(encoding="utf-8"))
    assert set(first["changed"]) == {r["path"] for r in manifest["resources"]} and store["version"] == "1.0.0"
    assert update(site, store) == {"changed": [], "removed": []}  # 304: only the manifest was asked for
    assert server.requests[-1] == "datapackage.json"
    server.folder, server.requests = releases["store"] / "1.0.1", []
    second = update(site, store)
    expected = changed_between(releases["store"] / "1.0.0", releases["store"] / "1.0.1")
    assert {"skills/sample-skill.json", "changelog.json"} <= expected
    assert set(second["changed"]) == expected and second["removed"] == []
    assert set(server.requests) == {"datapackage.json", *expected}  # nothing else was downloaded
    assert json.loads(store["files"]["changelog.json"]["bytes"])["previous"]["version"] == "1.0.0"
    assert store["version"] == "1.0.1"


def test_the_javascript_update_snippet_fetches_only_what_changed(server: _Server, releases: dict[str, Path],
                                                                tmp_path: Path) -> None:
    (tmp_path / "update.mjs").write_text(snippet("javascript", "export async function updateBundle"),
                                         encoding="utf-8")
    (tmp_path / "run.mjs").write_text("""
import { updateBundle, readJson } from "./update.mjs";
const store = { etag: null, version: null, files: new Map() };
const site = process.argv[2];
const first = await updateBundle(site, store);
const again = await updateBundle(site, store);
await fetch(site + "switch");
const second = await updateBundle(site, store);
console.log(JSON.stringify({ first, again, second, version: store.version,
                             previous: readJson(store, "changelog.json").previous }));
""", encoding="utf-8")
    old, new = releases["store"] / "1.0.0", releases["store"] / "1.0.1"

    class Switching(_Handler):
        def do_GET(self) -> None:
            if self.path == "/site/switch":
                self.server.folder, self.server.requests = new, []
                self.send_response(204)
                self.end_headers()
                return
            super().do_GET()

    server.RequestHandlerClass = Switching
    result = subprocess.run(["node", str(tmp_path / "run.mjs"), f"http://127.0.0.1:{server.server_port}/site/"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    manifest = json.loads((old / "datapackage.json").read_text(encoding="utf-8"))
    assert set(report["first"]["changed"]) == {r["path"] for r in manifest["resources"]}
    assert report["again"] == {"changed": [], "removed": []}
    expected = changed_between(old, new)
    assert set(report["second"]["changed"]) == expected
    assert set(server.requests) == {"datapackage.json", *expected}
    assert report["version"] == "1.0.1" and report["previous"]["version"] == "1.0.0"
