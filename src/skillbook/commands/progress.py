"""Build events in, what the person running the build sees out: a one-line progress bar on a
terminal, plain lines in a log, nothing with `-q`.

A build of hundreds of pages takes minutes; without a sign of life it looks stuck. The events are
stage messages ("validating content") and counts ("pages read", 120 of 300; "PDFs", 12 of 42).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TextIO

_WIDTH = 24  # characters of the bar itself
_MILESTONES = (0.25, 0.5, 0.75)  # when a log gets a line about a long count


@dataclass
class ProgressDisplay:
    stream: TextIO
    mode: str  # "bar" on a terminal, "lines" otherwise, "quiet" for -q
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    _said: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _drawn: bool = False

    @classmethod
    def on(cls, stream: TextIO, *, quiet: bool) -> ProgressDisplay:
        return cls(stream, "quiet" if quiet else "bar" if stream.isatty() else "lines")

    def message(self, text: str) -> None:
        """A stage of the build: its own line, above the bar."""
        if self.mode == "quiet":
            return
        with self._lock:
            self._clear()
            self.stream.write(f"skillbook: {text}...\n")
            self._draw()

    def count(self, what: str, done: int, total: int) -> None:
        """`done` of `total` (0: not known) of something: pages read, pages written, PDFs."""
        if self.mode == "quiet":
            return
        with self._lock:
            self.counts[what] = (done, total)
            if self.mode == "bar":
                self._clear()
                self._draw()
            else:
                self._log(what, done, total)

    def close(self) -> None:
        with self._lock:
            self._clear()

    def _log(self, what: str, done: int, total: int) -> None:
        if total and done >= total:
            if self._said.get(what) != 1.0:
                self._said[what] = 1.0
                self.stream.write(f"skillbook: {what}: {done} of {total}\n")
            return
        if total < 100:  # a short count is over before a line would help
            return
        reached = [m for m in _MILESTONES if done / total >= m]
        if reached and self._said.get(what, 0.0) < reached[-1]:
            self._said[what] = reached[-1]
            self.stream.write(f"skillbook: {what}: {done} of {total}\n")

    def _draw(self) -> None:
        if self.mode != "bar" or not self.counts:
            return
        known = [(d, t) for d, t in self.counts.values() if t]
        share = sum(min(d, t) for d, t in known) / max(1, sum(t for _, t in known))
        filled = round(share * _WIDTH)
        parts = " · ".join(f"{what} {done}/{total}" if total else f"{what} {done}"
                           for what, (done, total) in self.counts.items())
        self.stream.write(f"\r[{'#' * filled}{'-' * (_WIDTH - filled)}] {parts}\x1b[K")
        self.stream.flush()
        self._drawn = True

    def _clear(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self._drawn = False
