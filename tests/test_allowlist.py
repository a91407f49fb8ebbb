"""The allowlist table against the real directives and roles Sphinx would run, and its unit rules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docutils.languages import get_language
from docutils.parsers.rst import directives, roles
from docutils.utils import new_document

from skillbook.reading import allowlist, targets
from skillbook.reading.allowlist import Body
from skillbook.reading.targets import Origin, check_link, check_path, svg_problem

OURS = {name for name, rule in allowlist.DIRECTIVES.items() if rule.provider == "skillbook"}


@pytest.fixture(scope="module")
def sphinx_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real Jupyter Book Sphinx application for a small project (nothing is built)."""
    from jupyter_book.config import get_final_config
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    from conftest import write_project

    root = write_project(tmp_path_factory.mktemp("allowlist") / "project")
    config, _ = get_final_config(user_yaml=root / "_config.yml", cli_config={
        "external_toc_path": (root / "_toc.yml").as_posix(), "latex_individualpages": False}, sourcedir=root,
        validate=False)
    with patch_docutils(str(root)), docutils_namespace():
        app = Sphinx(str(root), None, str(root / "_out"), str(root / "_doctrees"), "html", confoverrides=config,
                     status=None, warning=None, freshenv=True)
        yield app


def real_directive(app: Any, name: str) -> Any:
    from sphinx.util.docutils import sphinx_domains

    document = new_document("test")
    with sphinx_domains(app.env):
        found, _messages = directives.directive(name, get_language("en"), document)
    return found


def real_role(app: Any, name: str) -> Any:
    from sphinx.util.docutils import sphinx_domains

    document = new_document("test")
    with sphinx_domains(app.env):
        found, _messages = roles.role(name, get_language("en"), 1, document.reporter)
    return found


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(allowlist.DIRECTIVES))
def test_each_allowed_directive_matches_the_real_one(sphinx_app: Any, name: str) -> None:
    rule = allowlist.DIRECTIVES[name]
    real = real_directive(sphinx_app, name)
    assert real is not None, f"{name} is allowed but Sphinx has no such directive"
    if name in OURS:
        return
    # MyST adds these to every include directive when it runs one
    known = set(real.option_spec or {}) | ({"heading-offset", "relative-images", "relative-docs"}
                                           if name == "include" else set())
    assert set(rule.options) <= known, set(rule.options) - known
    takes_argument = bool(real.required_arguments or real.optional_arguments)
    assert (rule.argument is not None) == takes_argument, name
    if rule.argument is not None:
        assert rule.required == bool(real.required_arguments), name
        assert rule.argument_whitespace == bool(real.final_argument_whitespace), name
    if rule.body is Body.NONE and name != "include":
        assert not real.has_content, name


@pytest.mark.slow
def test_the_raw_directive_and_every_allowed_role_exist(sphinx_app: Any) -> None:
    assert real_directive(sphinx_app, "raw") is not None  # `{eval-rst}` and `{code-cell}` are MyST's own fences
    for name in allowlist.ROLES:
        if name != "crisis":
            assert real_role(sphinx_app, name) is not None, name


def test_names_match_in_any_case_and_unknown_ones_get_near_matches() -> None:
    assert allowlist.directive("NOTE") is allowlist.directive("note") is not None
    rule, message, hint = allowlist.unknown_directive("dropdwn")
    assert rule == "unknown-directive" and "{dropdwn}" in message and "`dropdown`" in hint
    assert allowlist.unknown_directive("RAW")[0] == "raw-directive"
    assert allowlist.unknown_role("raw-html")[0] == "raw-directive"
    assert allowlist.unknown_role("py:func")[0] == "unknown-role"
    assert "did you mean `target`" in allowlist.unknown_option("image", "targe", allowlist.DIRECTIVES["image"])[2]


@pytest.mark.parametrize(("kind", "value", "fits"), [
    (allowlist.NUMBER, "3", True), (allowlist.NUMBER, "three", False),
    (allowlist.ALIGN, "center", True), (allowlist.ALIGN, "evil", False),
    (allowlist.CLASSES, "tip big-one", True), (allowlist.CLASSES, "x\" onclick=\"y", False),
])
def test_option_values_by_kind(kind: allowlist.Kind, value: str, fits: bool) -> None:
    assert (allowlist.value_problem(kind, value) is None) == fits


@pytest.fixture
def origin(tmp_path: Path) -> Origin:
    content = tmp_path / "project" / "content"
    (content / "sub").mkdir(parents=True)
    (content / "page.md").write_text("# Page\n", encoding="utf-8")
    (content / "notes.txt").write_text("notes\n", encoding="utf-8")
    (content / "fake.png").write_text("<html><script>alert(1)</script></html>", encoding="utf-8")
    (content / "real.png").write_bytes((Path(__file__).parent / "fixtures" / "valid" / "pic.png").read_bytes())
    (content / "page.html").write_text("<p>x</p>", encoding="utf-8")
    (tmp_path / "project" / "secret.txt").write_text("SECRET", encoding="utf-8")
    (content / "sub" / "link.txt").symlink_to(tmp_path / "project" / "secret.txt")
    return Origin(content / "sub" / "here.md", content)


@pytest.mark.parametrize(("href", "rule"), [
    ("https://example.org/x", None), ("mailto:a@example.org", None), ("tel:+441234", None), ("#part", None),
    ("../page.md", None), ("../page.md#x", None), ("/content/page.md", None), ("../notes.txt", None),
    ("http://example.org", "insecure-link"), ("javascript:alert(1)", "unsafe-link"),
    ("JaVaScRiPt:alert(1)", "unsafe-link"), (" \tjava\nscript:alert(1)", "unsafe-link"),
    ("\x01javascript:alert(1)", "unsafe-link"), ("data:text/html,<script>", "unsafe-link"),
    ("vbscript:x", "unsafe-link"), ("file:///etc/passwd", "unsafe-link"), ("//evil.example/x", "unsafe-link"),
    ("\\\\evil.example\\x", "unsafe-link"), ("ftp://example.org", "unsafe-link"),
    ("../missing.md", "broken-link"), ("../page.html", "file-type"), ("link.txt", "path-outside-content"),
    ("../../secret.txt", "path-outside-content"), ("/secret.txt", "path-outside-content"),
    ("../../../../../../etc/passwd", "path-outside-content"),
])
def test_the_link_rule(origin: Origin, href: str, rule: str | None) -> None:
    findings = check_link(href, origin)
    assert [f.rule for f in findings][:1] == ([rule] if rule else []), findings


@pytest.mark.parametrize(("name", "rule"), [
    ("practice-section", None), ("../page", None), ("/content/page", None), ("https://evil.example", "unsafe-link"),
    ("//evil.example/x", "unsafe-link"), ("../../secret", "path-outside-content"), ("../nothing", "broken-link"),
])
def test_references_are_labels_or_pages_inside_content(origin: Origin, name: str, rule: str | None) -> None:
    findings = targets.check_reference(name, origin, "the `{doc}` role")
    assert [f.rule for f in findings][:1] == ([rule] if rule else []), findings


@pytest.mark.parametrize(("path", "rule"), [
    ("../real.png", None), ("../fake.png", "file-type"), ("../page.html", "file-type"),
    ("https://tracker.example/p.png", "remote-file"), ("//tracker.example/p.png", "remote-file"),
    ("../none.png", "missing-file"), ("link.txt", "path-outside-content"), ("", "missing-path"),
])
def test_the_path_rule(origin: Origin, path: str, rule: str | None) -> None:
    findings = check_path(path, origin, targets.IMAGE_SUFFIXES, "image")
    assert [f.rule for f in findings][:1] == ([rule] if rule else []), findings


@pytest.mark.parametrize(("svg", "safe"), [
    (b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4" fill="url(#g)"/></svg>', True),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', False),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', False),
    (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
     b'<use x:href="https://evil.example/a.svg#x"/></svg>', False),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>', False),
    (b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>', False),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://evil.example/x)"/></svg>', False),
    (b"not xml", False),
])
def test_svg_pictures_only_without_scripts_handlers_or_links(svg: bytes, safe: bool) -> None:
    assert (svg_problem(svg) is None) == safe


def test_reserved_front_matter_keys() -> None:
    assert allowlist.reserved_key("kernelspec")[0] == "execution-setting"  # type: ignore[index]
    assert allowlist.reserved_key("nb_execution_mode")[0] == "execution-setting"  # type: ignore[index]
    assert allowlist.reserved_key("html_meta")[0] == "myst-setting"  # type: ignore[index]
    assert allowlist.reserved_key("myst_url_schemes")[0] == "myst-setting"  # type: ignore[index]
    assert allowlist.reserved_key("title") is None

