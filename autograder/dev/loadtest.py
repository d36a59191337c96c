"""`python -m autograder.dev.loadtest [--workers N] [--busy K]`: are the speed verdicts right on a busy machine?

Grades `examples.SPEED_EXAMPLES` (loops over the examples in every style, and vectorised answers)
with the batch grader, N workers side by side while K busy processes run beside them (by default 4
workers and 2 busy processes: more than the cores of a 2-core machine), and prints how many verdicts
of the hidden speed checks (the score) and of the notebook's visible speed check were right, per
function. A script that prints figures; `tests/test_speed.py` asserts every verdict through `grade`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..assignment import NAME as ASSIGNMENT
from ..assignment import NOTEBOOK, find_cell
from ..course import commands, gradebook
from ..errors import CourseError
from .examples import LINREG_LOOPS, LOSS_LOOPS, SPEED_EXAMPLES, Example

FUNCTIONS = {"linreg": ("test_linreg_is_vectorized", LINREG_LOOPS), "squared_loss": ("test_squared_loss_is_vectorized", LOSS_LOOPS)}
"""Each timed function: the hidden check that judges it, and the loops written for it."""
BUSY = "import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass\n"


@dataclass
class Verdict:
    """Whether one function of one submission was found vectorised, and whether it is."""

    student: str
    function: str
    vectorized: bool
    """The truth: False for the loops of `examples`."""
    hidden: bool | None
    """The hidden check's verdict, from the gradebook's record of the checks; None if it did not run."""
    visible: bool | None
    """The visible check's verdict, from the graded notebook's output; None if it did not get that far."""
    score: float | None
    """The submission's score for test_vectorized (both functions), from the gradebook."""


def truth(example: Example) -> dict[str, bool]:
    return {function: example.answers[function] not in loops.values() for function, (_, loops) in FUNCTIONS.items()}


@contextmanager
def busy(count: int, seconds: float) -> Iterator[None]:
    """`count` processes that spin on a core each, for at most `seconds` (and none after the block)."""
    spinning = [subprocess.Popen([sys.executable, "-c", BUSY.format(seconds=seconds)]) for _ in range(count)]
    try:
        yield
        if any(process.poll() is not None for process in spinning):
            raise RuntimeError(f"a busy process ended before the work it was to slow down ({seconds:g} s)")
    finally:
        for process in spinning:
            process.kill()
            process.wait()


def grade(root: Path, workers: int, busy_processes: int, settings: str = "", seconds: float = 900) -> tuple[list[Verdict], subprocess.CompletedProcess]:
    """Grade the speed examples in a new course under `root` while the machine is kept busy; every verdict, and the run."""
    root = commands.released(root, settings)
    for example in SPEED_EXAMPLES:
        commands.submit(root, example.name, example.write(root / "notebooks" / f"{example.name}.ipynb"))
    with busy(busy_processes, seconds):
        done = subprocess.run([sys.executable, "-m", "autograder", "grade", ASSIGNMENT, "--workers", str(workers)],
                              cwd=root, env=commands.environment(), capture_output=True, text=True, timeout=seconds)
    verdicts = []
    for example in SPEED_EXAMPLES:
        try:
            scores = gradebook.scores(root, example.name)
        except CourseError:  # not graded: its verdicts are None
            scores = {}
        part = scores.get("test_vectorized")
        checks = {check["name"]: check["passed"] for check in part.checks} if part else {}
        shown = visible_output(root / "autograded" / example.name / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
        for function, vectorized in truth(example).items():
            seen = True if f"✓ {function} 是矢量化的" in shown else False if f"✗ {function} " in shown else None
            verdicts.append(Verdict(example.name, function, vectorized, checks.get(FUNCTIONS[function][0]), seen,
                                    part.score if part else None))
    return verdicts, done


def visible_output(path: Path) -> str:
    """What the test_vectorized cell of a graded notebook printed."""
    if not path.is_file():
        return ""
    cell = find_cell(json.loads(path.read_text()), "test_vectorized")
    return "".join("".join(output.get("text", "")) for output in cell.get("outputs", []) if output.get("output_type") == "stream")


def summary(verdicts: list[Verdict]) -> list[str]:
    """One line per function and kind of check: how many verdicts were right, and which were not."""
    lines = []
    for function in FUNCTIONS:
        mine = [v for v in verdicts if v.function == function]
        for kind in ("hidden", "visible"):
            wrong = [v.student for v in mine if getattr(v, kind) != v.vectorized]
            lines.append(f"{function:12} {kind:7} checks: {len(mine) - len(wrong)} of {len(mine)} right"
                         + (f"; wrong: {', '.join(wrong)}" if wrong else ""))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.loadtest", description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4, help="batch grader workers (default 4)")
    parser.add_argument("--busy", type=int, default=2, help="busy processes beside them (default 2)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="linreg-load-") as folder:
        start = time.perf_counter()
        verdicts, done = grade(Path(folder), args.workers, args.busy)
        print(f"{len(SPEED_EXAMPLES)} submissions, {args.workers} workers, {args.busy} busy processes, "
              f"graded in {time.perf_counter() - start:.0f} s (exit status {done.returncode})")
        print("\n".join(summary(verdicts)))
    return 0 if all(v.hidden == v.visible == v.vectorized for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
