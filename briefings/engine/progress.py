"""Progress on a terminal: pages done out of all pages, one line on stderr rewritten in place."""

from __future__ import annotations

import sys
import time

EVERY = 0.1
"""Seconds between redraws."""


class Progress:
    """Counts pages done and shows the count while standard output is a terminal; silent otherwise."""

    def __init__(self, total: int, what: str = "pages", shown: bool | None = None, stream=None) -> None:
        self.total, self.what, self.done = total, what, 0
        self.stream = stream or sys.stderr
        self.shown = sys.stdout.isatty() if shown is None else shown
        self.last = 0.0
        self.width = 0

    def add(self, n: int = 1) -> None:
        """Count n more pages done; redraw at most every EVERY seconds, and at the end."""
        self.done += n
        now = time.monotonic()
        if self.shown and (now - self.last >= EVERY or self.done >= self.total):
            self.last = now
            text = f"{self.what}: {self.done}/{self.total}"
            self.stream.write("\r" + text.ljust(self.width))
            self.stream.flush()
            self.width = len(text)

    def close(self) -> None:
        """Erase the line, so that the summary after it starts clean."""
        if self.shown and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0
