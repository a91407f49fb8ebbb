"""A therapist's first skill, with the usual mistakes: one run reports every one of them, once each,
at the line at fault, in the author's words."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, MakeProject
from skillbook.commands.cli import main

# (line, rule, words of the message, words of the hint): everything `many-mistakes.md` gets wrong
EVERY_MISTAKE = [
    (4, "unknown-field", "`sumary` is not a field: did you mean `summary`?", "rename it to `summary`"),
    (7, "invalid-date", "`2026-13-01` is not a real date", "YYYY-MM-DD"),
    (8, "credential-split", "the 2nd author, `LCSW`, looks like the credential of `Dana Reyes`",
     '["Dana Reyes, LCSW"]'),
    (15, "yaml-syntax", "`prompt: Notice what is happening.` is indented 2 spaces",
     "add 2 spaces in front of `prompt`"),
    (19, "vocabulary", "the 2nd emotion: `stress` is a situation (`everyday-stress`), not an emotion",
     "move it to `tags.situations`"),
    (19, "vocabulary", "the 3rd emotion: `conflict` is a situation, not an emotion", "already in `tags.situations`"),
    (21, "one-sided-link", "lists worksheet `sample-worksheet`, which does not list it back", "add `many-mistakes`"),
    (21, "unknown-reference", "the 2nd worksheet, `thought-log`, does not exist", "create it"),
    (24, "type", "`review.reviewed_by` must be a list, not `Dr Sam Lee`", "`reviewed_by: [Dr Sam Lee]`"),
    (25, "type", "`review.reviewed_on` is in quotes", "remove the quotes: `reviewed_on: 2026-01-10`"),
    (39, "missing-section", "`## Practise` on line 39: the section must be `## Practice`", "`## Practice`"),
]


def test_one_run_reports_every_mistake_once(make_project: MakeProject, capsys: pytest.CaptureFixture[str]) -> None:
    path = "content/skills/test-module/many-mistakes.md"
    root = make_project({path: (FIXTURES / "invalid" / "many-mistakes.md").read_text(encoding="utf-8")})
    with pytest.raises(SystemExit) as exit_info:
        main(["--project", str(root), "validate"])
    assert exit_info.value.code == 1
    lines = capsys.readouterr().out.splitlines()
    reported = [(int(line.split(":")[1]), line, lines[i + 1]) for i, line in enumerate(lines) if line.startswith(path)]
    assert len(reported) == len(EVERY_MISTAKE), "\n".join(line for _, line, _ in reported)
    for (line, rule, message, hint), (at, text, hint_line) in zip(EVERY_MISTAKE, reported, strict=True):
        assert at == line and f"[{rule}]" in text and message in text, text
        assert hint in hint_line, hint_line
    assert all(not line.startswith("content/") or line.startswith(path) for line in lines)
    assert not any("fields[" in line or "[0]" in line for line in lines)  # positions in words, counted from one
