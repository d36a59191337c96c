"""One line of progress on stderr for long work: updated in place on a terminal, only its last state otherwise.

`Progress("report: reading 16 graded notebooks", 16)` shows `report: reading 16 graded notebooks … 3/16`
and rewrites that line as it goes; a log file or a pipe gets the final line alone, not one per step.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """A count of `total` steps of work described by `what`."""

    def __init__(self, what: str, total: int, stream: TextIO | None = None, every: float = 0.1):
        self.what, self.total, self.done = what, total, 0
        self.stream = stream or sys.stderr
        self.live = _is_terminal(self.stream)
        self.every, self._shown = every, 0.0

    def step(self, count: int = 1) -> None:
        """`count` more steps done; the line is redrawn at most every `every` seconds."""
        self.done += count
        if self.live and (time.monotonic() - self._shown >= self.every or self.done >= self.total):
            self._shown = time.monotonic()
            self.stream.write(f"\r\033[K{self.line()}")
            self.stream.flush()

    def finish(self, note: str = "") -> None:
        """The final line, on a terminal and off it, with `note` after it."""
        self.stream.write(("\r\033[K" if self.live else "") + self.line() + (f"; {note}" if note else "") + "\n")
        self.stream.flush()

    def line(self) -> str:
        return f"{self.what} … {self.done}/{self.total}"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
