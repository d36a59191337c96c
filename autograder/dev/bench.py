"""Benchmark: `python -m autograder.bench [-k K] [--workers N]` (a script that prints figures, not a test).

Makes K submissions (correct, mistaken and blank ones, from `examples`), and grades them in two
copies of one course, in one run: (a) with plain sequential `nbgrader autograde`, (b) with the batch
grader (`python -m autograder grade`). Prints seconds per submission of each, their ratio, the peak
memory of each (all processes of the run together) and whether the gradebooks hold the same scores.
First, the cost of grading one submission: executing the solution notebook in the jailed kernel,
alone and followed by the hidden checks (the two alternate, the fastest of each counts).
"""

from __future__ import annotations

import argparse
import copy
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
from nbgrader.api import Gradebook

from .. import settings
from ..assignment import NAME as ASSIGNMENT
from ..batch import jobs
from ..batch.setup import Setup
from ..batch.staging import stage
from ..course import commands as course
from ..pipeline import HiddenChecks
from .examples import EXAMPLES

MIX = ["solution", "missing-bias", "style-matmul", "loss-not-reshaped", "blank", "no-shuffle", "sgd-rebind", "style-list"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.dev.bench", description=__doc__.splitlines()[0])
    parser.add_argument("-k", type=int, default=16, help="submissions to grade (default 16)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="batch grader workers (default: one per core)")
    args = parser.parse_args(argv)
    examples = {example.name: example for example in EXAMPLES}
    with tempfile.TemporaryDirectory(prefix="linreg-bench-") as folder:
        sequential = course.new_course(Path(folder, "sequential"))
        course.nbgrader(sequential, "generate_assignment", ASSIGNMENT)
        for i, name in zip(range(args.k), itertools.cycle(MIX)):
            course.submit(sequential, f"student-{i:04d}-{name}", examples[name].write(Path(folder, f"{i}.ipynb")))
        batch = Path(folder, "batch")
        shutil.copytree(sequential, batch)
        alone, graded = grading_cost(sequential, f"student-0000-{MIX[0]}")
        print(f"one submission: executing {alone:.2f} s, executing + hidden checks {graded:.2f} s: {graded / alone:.2f}x", flush=True)
        print(f"{args.k} submissions ({', '.join(MIX[:args.k])}, ...), {os.cpu_count()} cores", flush=True)
        a_seconds, a_memory = measure([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT], sequential)
        print(f"(a) sequential nbgrader autograde: {a_seconds / args.k:6.2f} s per submission, peak memory {a_memory / 2**30:.2f} GiB", flush=True)
        b_seconds, b_memory = measure([sys.executable, "-m", "autograder", "grade", ASSIGNMENT, "--workers", str(args.workers)], batch)
        print(f"(b) batch grader, {args.workers} workers:      {b_seconds / args.k:6.2f} s per submission, peak memory {b_memory / 2**30:.2f} GiB")
        same = gradebook_scores(sequential) == gradebook_scores(batch)
        print(f"throughput (b) / (a): {a_seconds / b_seconds:.2f}x; scores identical: {'yes' if same else 'NO'}")
    return 0 if same else 1


def grading_cost(root: Path, student: str, rounds: int = 3) -> tuple[float, float]:
    """Seconds to execute one submission's notebook with no checks, and to execute it and run the hidden checks."""
    setup = Setup(root, ASSIGNMENT)
    folder = setup.submitted()[student]
    job = stage(setup, student, folder, setup.screen(folder))[0]
    alone = copy.deepcopy(job)
    alone.steps = [step for step in job.steps if not issubclass(step, HiddenChecks)]
    alone.config.SandboxedExecute.prestart_checks = False
    times: dict[str, list[float]] = {"alone": [], "graded": []}
    for _ in range(rounds):
        for name, each in (("alone", alone), ("graded", job)):
            outcome = jobs.run(each)
            if outcome.executed is None:
                raise SystemExit(f"error: the {name} run failed: {outcome.error.strip().splitlines()[-1]}")
            times[name].append(outcome.seconds)
    return min(times["alone"]), min(times["graded"])


def measure(command: list[str], root: Path) -> tuple[float, int]:
    """Wall-clock seconds of `command` run in `root`, and the peak of the summed memory (RSS) of its process tree."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=root, env=course.environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        parent = psutil.Process(process.pid)
        while not done.wait(0.1):
            try:
                tree = [parent, *parent.children(recursive=True)]
                peak = max(peak, sum(_rss(p) for p in tree))
            except psutil.Error:
                pass

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if code not in (0,):
        raise SystemExit(f"error: {' '.join(command[1:4])} exited with {code} in {root}")
    return seconds, peak


def _rss(process: psutil.Process) -> int:
    try:
        return process.memory_info().rss
    except psutil.Error:
        return 0


def gradebook_scores(root: Path) -> dict[tuple[str, str], float]:
    with Gradebook(settings.db_url(root)) as gradebook:
        return {(submission.student_id, grade.name): grade.score
                for submission in gradebook.find_assignment(ASSIGNMENT).submissions
                for notebook in submission.notebooks for grade in notebook.grades}


if __name__ == "__main__":
    sys.exit(main())
