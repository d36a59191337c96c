"""Benchmark: `python -m autograder.dev.bench [-k K] [--workers N]`, a script that prints figures (not a test).

Makes K submissions (correct, mistaken and blank ones, from `examples`) and grades the very same
notebooks, one after another in one run, in four copies of one course:

  (a) stock nbgrader: `nbgrader autograde` with nbgrader's own `Execute` and no hidden checks (what an
      instructor has without this package: the visible checks score the notebook, unjailed);
  (b) this course's pipeline, sequential: `nbgrader autograde` with the course's configuration;
  (c) the batch grader, `python -m autograder grade`, with 1 worker and with N.

For each it prints submissions per minute, CPU seconds per submission (every process of the run,
the students' included), and the peak memory of all of them together; then the ratio of (c) to (a),
whether (b) and (c) gave the same scores, and where the time of (c) went, stage by stage, as the
grader's own timings (`autograder.timing`) add up.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import psutil
from nbgrader.api import Gradebook
from nbgrader.preprocessors import SaveAutoGrades

from .. import settings, timing
from ..assignment import NAME
from ..course import commands
from .examples import EXAMPLES

MIX = ["solution", "missing-bias", "style-matmul", "loss-not-reshaped", "blank", "no-shuffle", "sgd-rebind", "style-list"]

STOCK = """
# (a) stock nbgrader: its own Execute and nothing of this package's steps.
from nbgrader.preprocessors import Execute
c.Autograde.autograde_preprocessors = [Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
                                       AssignLatePenalties, CheckCellMetadata]
"""
TIMED = """
# The gradebook's writes timed apart from the rest of nbgrader's work.
from autograder.dev.bench import TimedSaveAutoGrades
c.Autograde.autograde_preprocessors = [TimedSaveAutoGrades if step is SaveAutoGrades else step
                                       for step in c.Autograde.autograde_preprocessors]
"""
STAGES = {
    "template start": "the warm template's imports, once per grading process",
    "template fork": "forking a jail from it (kernel or student process)",
    "kernel ready": "from starting the kernel to its first reply",
    "cells": "the notebook's cells, in the kernel",
    "checks' process ready": "the student's process for the hidden checks: fork, greeting, the student's cells loaded",
    "checks": "the hidden checks themselves",
    "figures import": "importing matplotlib to draw the reports' figures, once per grading process",
    "figures": "drawing the reports' figures (PNG, matplotlib's Agg canvas), in the grader's process",
    "staging": "the coordinator: screening and sanitizing a submission for its worker",
    "nbgrader autograde": "the coordinator: nbgrader's Autograde on the worker's notebook, less the gradebook",
    "gradebook": "nbgrader's SaveAutoGrades: writing the scores",
}


class TimedSaveAutoGrades(SaveAutoGrades):
    """nbgrader's SaveAutoGrades, timed."""

    def preprocess(self, nb, resources):  # noqa: ANN001, ANN201 - nbgrader's signature
        with timing.timed("gradebook"):
            return super().preprocess(nb, resources)


@dataclass
class Run:
    seconds: float
    cpu: float
    memory: int


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.dev.bench", description=__doc__.splitlines()[0])
    parser.add_argument("-k", type=int, default=16, help="submissions to grade (default 16)")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)), help="workers of the last batch run (default: one per core)")
    args = parser.parse_args(argv)
    examples = {example.name: example for example in EXAMPLES}
    k, cores = args.k, len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory(prefix="linreg-bench-") as folder:
        notebooks = []
        for i, name in zip(range(k), itertools.cycle(MIX)):
            notebooks.append((f"student-{i:04d}-{name}", examples[name].write(Path(folder, "notebooks", f"{i}.ipynb"))))
        runs = {
            "(a) stock nbgrader, sequential": (STOCK, [sys.executable, "-m", "nbgrader", "autograde", NAME]),
            "(b) this course, nbgrader autograde": (TIMED, [sys.executable, "-m", "nbgrader", "autograde", NAME]),
            "(c) batch grader, 1 worker": (TIMED, [sys.executable, "-m", "autograder", "grade", NAME, "--workers", "1"]),
            f"(c) batch grader, {args.workers} workers": (TIMED, [sys.executable, "-m", "autograder", "grade", NAME, "--workers", str(args.workers)]),
        }
        print(f"{k} submissions ({', '.join(MIX[:k])}{', ...' if k > len(MIX) else ''}), {cores} cores", flush=True)
        results, scores, stages = {}, {}, {}
        for label, (settings_text, command) in runs.items():
            root = commands.new_course(Path(folder, str(len(results))), settings_text)
            commands.nbgrader(root, "generate_assignment", NAME)
            for student, notebook in notebooks:
                commands.submit(root, student, notebook)
            log = Path(folder, f"timings-{len(results)}.jsonl")
            results[label] = measure(command, root, log)
            scores[label] = gradebook_scores(root)
            stages[label] = added_up(log)
            run = results[label]
            print(f"{label:40} {60 * k / run.seconds:6.1f} per minute, {run.seconds / k:5.2f} s and {run.cpu / k:5.2f} CPU-s per submission, "
                  f"peak memory {run.memory / 2**30:.2f} GiB", flush=True)
        stock, best = results["(a) stock nbgrader, sequential"], results[f"(c) batch grader, {args.workers} workers"]
        same = len({json.dumps(sorted(scores[label].items())) for label in list(runs)[1:]}) == 1
        print(f"throughput (c) with {args.workers} workers / (a): {stock.seconds / best.seconds:.2f}x; "
              f"scores of (b) and (c) identical: {'yes' if same else 'NO'}")
        label = f"(c) batch grader, {args.workers} workers"
        print(f"where the time of {label} went (wall seconds per submission, added up over its processes; {args.workers} run side by side):")
        totals = {stage: total for stage, (total, _) in stages[label].items()}
        # Stages timed inside others count apart: the checks less their process's start, nbgrader less the gradebook.
        totals["checks"] = totals.get("checks", 0.0) - totals.get("checks' process ready", 0.0)
        totals["nbgrader autograde"] = totals.get("nbgrader autograde", 0.0) - totals.get("gradebook", 0.0)
        for stage, what in STAGES.items():
            if stage in stages[label]:
                print(f"  {stage:22} {totals[stage] / k:6.3f} s  ({stages[label][stage][1]} times)  {what}")
    return 0 if same else 1


def measure(command: list[str], root: Path, log: Path) -> Run:
    """Wall seconds of `command` run in `root`, the CPU seconds of all its processes, and the peak of their summed memory (RSS)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    env = dict(commands.environment(), **{timing.VARIABLE: str(log)})
    process = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        parent = psutil.Process(process.pid)
        while not done.wait(0.1):
            try:
                peak = max(peak, sum(_rss(p) for p in [parent, *parent.children(recursive=True)]))
            except psutil.Error:
                pass

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if code not in (0,):
        raise SystemExit(f"error: {' '.join(command[1:4])} exited with {code} in {root}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(seconds, cpu, peak)


def added_up(log: Path) -> dict[str, tuple[float, int]]:
    """Each stage's seconds, added up, and how many times it was timed."""
    totals: dict[str, list] = defaultdict(lambda: [0.0, 0])
    if log.is_file():
        for line in log.read_text().splitlines():
            entry = json.loads(line)
            totals[entry["stage"]][0] += entry["seconds"]
            totals[entry["stage"]][1] += 1
    return {stage: (total, count) for stage, (total, count) in totals.items()}


def _rss(process: psutil.Process) -> int:
    try:
        return process.memory_info().rss
    except psutil.Error:
        return 0


def gradebook_scores(root: Path) -> dict[str, float]:
    with Gradebook(settings.db_url(root)) as gradebook:
        return {f"{submission.student_id}/{grade.name}": grade.score
                for submission in gradebook.find_assignment(NAME).submissions
                for notebook in submission.notebooks for grade in notebook.grades}


if __name__ == "__main__":
    sys.exit(main())
