"""Where grading time goes: the grader times its stages, and writes them down when the benchmark asks.

With `LINREG_TIMINGS` naming a file, every grading process (the coordinator, its workers, plain
`nbgrader autograde`) appends one JSON line per timed stage: {"stage": ..., "seconds": ...}.
`python -m autograder.dev.bench` sets it and adds the lines up. Without it, timing costs nothing.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

VARIABLE = "LINREG_TIMINGS"


def record(stage: str, seconds: float) -> None:
    """Write down that `stage` took `seconds` (wall clock), if a file is named."""
    path = os.environ.get(VARIABLE)
    if path:
        with open(path, "a") as file:
            file.write(json.dumps({"stage": stage, "seconds": seconds}) + "\n")


@contextmanager
def timed(stage: str) -> Iterator[None]:
    """Time the block as `stage`."""
    start = time.perf_counter()
    try:
        yield
    finally:
        record(stage, time.perf_counter() - start)
