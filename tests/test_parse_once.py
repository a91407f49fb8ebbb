"""Each body is parsed once per validation run, and the checks share that parse (a guard against a
second check quietly parsing every page again)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from conftest import REPO
from skillbook.checking.validate import validate
from skillbook.reading.project import load_project


def test_validation_parses_each_body_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import markdown_it.main

    calls: Counter[str] = Counter()
    parse = markdown_it.main.MarkdownIt.parse

    def counting(self: Any, src: str, env: Any = None) -> Any:
        calls[src] += 1
        return parse(self, src, env)

    monkeypatch.setattr(markdown_it.main.MarkdownIt, "parse", counting)
    result = validate(load_project(REPO))  # no cache: every file is checked
    bodies = [d.body for d in result.documents if d.body.strip()]
    assert len(bodies) > 80
    twice = [d.source.rel for d in result.documents if d.body.strip() and calls[d.body] != 1]
    assert not twice, twice
