"""Long builds show progress: a bar on a terminal (pages read and written, PDFs), plain lines in a
log, nothing with -q."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_project
from skillbook.commands.progress import ProgressDisplay


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_one_line_that_redraws() -> None:
    stream = _Terminal()
    display = ProgressDisplay.on(stream, quiet=False)
    display.message("validating content")
    display.count("PDFs", 0, 4)
    display.count("PDFs", 2, 4)
    display.count("pages read", 10, 10)
    display.close()
    text = stream.getvalue()
    assert text.startswith("skillbook: validating content...\n")
    assert "\r[############------------] PDFs 2/4" in text  # half of the bar
    assert "[#####################---] PDFs 2/4 · pages read 10/10" in text  # 12 of 14 things done
    assert text.endswith("\r\x1b[K")  # the bar is cleared when the build ends


def test_a_log_gets_plain_lines_and_quiet_gets_nothing() -> None:
    log = io.StringIO()
    display = ProgressDisplay.on(log, quiet=False)
    for done in range(0, 301):
        display.count("pages read", done, 300)
    display.count("PDFs", 5, 5)
    assert log.getvalue().splitlines() == [
        "skillbook: pages read: 75 of 300", "skillbook: pages read: 150 of 300", "skillbook: pages read: 225 of 300",
        "skillbook: pages read: 300 of 300", "skillbook: PDFs: 5 of 5"]
    assert "\r" not in log.getvalue()
    silent = io.StringIO()
    quiet = ProgressDisplay.on(silent, quiet=True)
    quiet.message("validating content")
    quiet.count("PDFs", 1, 2)
    assert silent.getvalue() == ""


@pytest.mark.slow
def test_a_build_on_a_terminal_shows_pages_and_pdfs(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project")
    main, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-P", "-m", "skillbook", "build"], cwd=root, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=secondary)
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the build closed its end
            break
        if not chunk:
            break
        shown += chunk
    assert process.wait(timeout=600) == 0
    text = shown.decode()
    assert "PDFs 5/5" in text and "pages read 5/5" in text and "pages written " in text
    assert "\r[########################]" in text and "built build/site/" in text
    quiet = subprocess.run([sys.executable, "-P", "-m", "skillbook", "build", "-q"], cwd=root, capture_output=True,
                           text=True, timeout=600)
    assert quiet.returncode == 0 and quiet.stderr == ""
