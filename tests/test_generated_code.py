"""Generated code is written from data: sw.js and inline JSON hold whatever a page is called as data.

A page path or title containing a placeholder of the old template (`__REST__`), `</script>`, a line
separator, a quote, a backslash or a template-literal opener cannot change the code around it: sw.js
still parses (`node --check`), its data is exactly what was given, and JSON-LD cannot end its element.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import CONFIG, SKILL, TOC, write_project
from skillbook.reading.inline_json import inline_json, script_safe

NASTY = ["__REST__", "__FIRST__", "__VERSION__", "</script><script>alert(1)</script>", "<!--", "]]>",
         "line\u2028separator", "para\u2029separator", 'a "quoted" name', "back\\slash\\", "${alert(1)}",
         "`tick`", "a & b", "' + alert(1) + '", "*/ alert(1) /*", "\n", "\x00", "ünïcödé ✓"]
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")


def node(script: str, *args: str) -> str:
    assert NODE is not None
    result = subprocess.run([NODE, "-e", script, *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_inline_json_escapes_what_could_end_a_script_or_a_line() -> None:
    data = {"text": NASTY, "nested": {"<": ">", "&": "\u2028\u2029"}}
    text = inline_json(data)
    for character in "<>&\u2028\u2029":
        assert character not in text
    assert json.loads(text) == data
    assert "ünïcödé ✓" in text  # readable, not \u-escaped
    assert script_safe('{"a": "</script>"}') == '{"a": "\\u003c/script\\u003e"}'
    assert script_safe("plain") == "plain"
    assert json.loads(inline_json(data, indent=2)) == data


@needs_node
def test_inline_json_is_the_same_data_to_javascript() -> None:
    text = inline_json({"text": NASTY})
    found = node("process.stdout.write(JSON.stringify(eval('(' + process.argv[1] + ')')))", text)
    assert json.loads(found) == {"text": NASTY}


def _worker_data(worker: str) -> Any:
    """The data statement sw.js opens with, as JSON."""
    lines = worker.split("\n")
    assert lines[0] == '"use strict";'
    match = re.fullmatch(r"const SKILLBOOK = (.*);", lines[1])
    assert match, lines[1]
    return json.loads(match.group(1))


@needs_node
def test_the_service_worker_holds_any_page_name_as_data(tmp_path: Path) -> None:
    from skillbook.site.offline import _WORKER, SERVICE_WORKER, write_offline

    site = tmp_path / "site"
    names = [f"content/{index}-{name.replace('/', '-')}.html" for index, name in enumerate(NASTY) if name != "\x00"]
    names += ["content/crisis-__REST__.html", "content/page-__FIRST__/page.html"]
    for name in names:
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text("<p>page</p>", encoding="utf-8")
    first, rest = names[:2], names[2:]
    write_offline(site, first=first, rest=rest, title="Title </script> __REST__ \u2028", short_title="T",
                  language="en", start=first[0])
    worker = (site / SERVICE_WORKER).read_text(encoding="utf-8")
    data = _worker_data(worker)
    assert data["first"] == first and data["rest"] == rest and re.fullmatch("[0-9a-f]{16}", data["version"])
    # the worker's code follows the data as it is written, untouched
    assert worker.split("\n", 2)[2] == _WORKER.read_text(encoding="utf-8")
    assert "__REST__" not in _WORKER.read_text(encoding="utf-8") and "SKILLBOOK.rest" in worker
    assert subprocess.run([NODE or "node", "--check", str(site / SERVICE_WORKER)], capture_output=True,
                          timeout=60).returncode == 0
    # run it with a stub worker scope: what the code sees is the data given
    seen = json.loads(node("""
        const vm = require("vm");
        const fs = require("fs");
        const listeners = {};
        const scope = {self: {addEventListener: (type) => { listeners[type] = true; }, location: {origin: "x"}},
                       caches: {}, URL, Request: function () {}, Response: {}, fetch: () => null};
        vm.createContext(scope);
        const code = fs.readFileSync(process.argv[1], "utf8");
        const seen = "\\n;({first: FIRST, rest: REST, cache: CACHE, pages: [...PAGES]})";
        const result = vm.runInContext(code + seen, scope);
        process.stdout.write(JSON.stringify({...result, listeners: Object.keys(listeners).sort()}));
    """, str(site / SERVICE_WORKER)))
    assert seen["first"] == first and seen["rest"] == rest
    assert seen["cache"] == "skillbook-" + data["version"]
    assert sorted(seen["pages"]) == sorted(set(names))
    assert seen["listeners"] == ["activate", "fetch", "install", "message"]
    manifest = json.loads((site / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["name"] == "Title </script> __REST__ \u2028"


def _ld_scripts(page: str) -> list[str]:
    return re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.S)


def test_json_ld_cannot_close_its_script_element(tmp_path: Path) -> None:
    from skillbook.checking.validate import validate
    from skillbook.reading.project import load_project
    from skillbook.site.jsonld import json_ld

    title = "Sample </script><script>alert(1)</script> & ${x} \\ \" skill"
    root = write_project(tmp_path / "project", {
        "content/skills/test-module/sample-skill.md": SKILL
        .replace("title: Sample skill", f"title: {json.dumps(title)}")
        .replace("authors: [Test Author]", 'authors: ["Test </script> Author", "A\u2028B"]'),
    })
    result = validate(load_project(root))
    assert not result.errors, result.errors
    skill = result.handbook.skills[0]
    for item in (skill, None):
        markup = json_ld(item, title="<b>Page</b> </script>", language="en", site_title="Site </script> \u2029",
                         page_url="x.html")
        assert markup.count("</script>") == 1 and markup.count("<script") == 1
        (text,) = _ld_scripts(markup)
        for character in "<>&\u2028\u2029":
            assert character not in text
        data = json.loads(text)
        assert data["isPartOf"]["name"] == "Site </script> \u2029"
        if item is not None:
            assert data["name"] == title
            assert [a["name"] for a in data["author"]] == list(skill.authors)
            assert "Test </script> Author" in skill.authors


@pytest.mark.slow
@needs_node
def test_a_crisis_page_named_like_a_placeholder_is_still_offline(tmp_path: Path) -> None:
    """The case that broke sw.js: the crisis page at `content/crisis-__REST__.md`, another page named
    with `__FIRST__`."""
    import os

    from skillbook.commands.cli import main

    root = write_project(tmp_path / "project", {
        "_config.yml": CONFIG.replace("start: [content/crisis]",
                                      "crisis: content/crisis-__REST__\n    start: [content/crisis-__REST__]"),
        "content/crisis.md": None,
        "content/crisis-__REST__.md": "# Crisis help\n\n```{crisis-services}\n```\n",
        "content/page-__FIRST__.md": "# A page called __FIRST__\n\nText.\n",
        "_toc.yml": TOC.replace("      - file: content/crisis\n",
                                "      - file: content/crisis-__REST__\n      - file: content/page-__FIRST__\n"),
    })
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")
    with pytest.raises(SystemExit) as exit_info:
        main(["--project", str(root), "build", "--only", "site", "-q"])
    assert exit_info.value.code in (0, None)
    worker = root / "build" / "site" / "sw.js"
    assert subprocess.run([NODE or "node", "--check", str(worker)], capture_output=True, timeout=60).returncode == 0
    data = _worker_data(worker.read_text(encoding="utf-8"))
    assert data["first"][0] == "content/crisis-__REST__.html"
    assert "content/page-__FIRST__.html" in data["rest"]
