"""`python -m autograder grade ASSIGNMENT`: autograde a whole course with parallel workers.

    submitted/ --intake--> --staging--> jobs.Job --worker--> jobs.Outcome --nbgrader Autograde + replay.ReplayStaged--> autograded/, gradebook

The coordinator (this module) screens each new or changed submission (`submission.intake`),
sanitizes it with nbgrader's own steps (`staging`) and hands it to a worker: a process of this
machine, or of a Dask cluster (`executors`). The worker executes it in the jailed kernel and runs the
hidden checks (`jobs`). The coordinator then runs nbgrader's `Autograde` on that submission, which
takes the worker's notebook in place of executing it again (`replay`): so the files, gradebook rows
and scores are the ones sequential `nbgrader autograde` writes, and the gradebook (SQLite or any
`db_url` nbgrader accepts) has a single writer. `resume` decides what a rerun may skip; `records` keeps how
each submission's last grading ended and how long it took, for the class report.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import SAWarning
from tqdm import tqdm

from .. import timing, words
from ..submission.intake import Screened
from . import executors, jobs, records
from .records import Record
from .replay import STAGING
from .resume import Resume
from .setup import Setup
from .staging import stage


@dataclass
class Report:
    """What a grading run did."""

    graded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    """Submissions that were not graded, with a one-line reason (the student's or the grader's)."""
    left_out: dict[str, dict[str, str]] = field(default_factory=dict)
    """Entries of submission folders that were neither read nor copied, with why, by student."""
    executed_here: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    workers: int = 0


def grade_course(root: Path, assignment: str, workers: int | None = None, force: bool = False, scheduler: str | None = None,
                 quiet: bool = False) -> Report:
    """Grade every new or changed submission of `assignment` (every one with `force`) in the course folder `root`.

    `workers` and `scheduler` default to the course's `c.BatchGrader` settings. A progress bar with the
    time left goes to stderr, unless `quiet`. Each submission is in the gradebook and the resume state as
    soon as it is graded, so an interrupted run loses nothing done.
    """
    # nbgrader adds a new student's submission in a way SQLAlchemy 2 warns about, harmlessly, once per student.
    warnings.filterwarnings("ignore", category=SAWarning, module="nbgrader")
    start = time.perf_counter()
    setup = Setup(root, assignment)
    resume = Resume(setup)
    workers = workers or setup.batch.workers or len(os.sched_getaffinity(0))
    scheduler = scheduler or setup.batch.scheduler or None
    STAGING.clear()
    state = resume.load()
    autograded = Path(setup.coursedir.root, setup.coursedir.autograded_directory)
    log = records.load(autograded, assignment)
    report = Report()
    pending: dict[str, tuple[Path, Screened, str]] = {}
    for student, folder in setup.submitted().items():
        screened = setup.screen(folder)
        if screened.left_out:
            report.left_out[student] = screened.left_out
        if screened.refused:
            report.failed[student] = words.say("batch.refused", why=screened.refused)
            state.pop(student, None)
            log[student] = Record(records.REFUSED, report.failed[student], finished=records.now())
            continue
        digest = resume.digest(folder, screened)
        if not force and state.get(student) == digest and resume.is_graded(student):
            report.unchanged.append(student)
        else:
            pending[student] = (folder, screened, digest)
    resume.save(state)
    records.save(autograded, assignment, log)
    bar = tqdm(total=len(pending), unit="submission", desc="grading", dynamic_ncols=True, smoothing=0.1, disable=quiet)
    if pending:
        with executors.executor(workers, scheduler, setup.batch) as executor:
            report.workers = executors.workers(executor, workers)
            for student, failure in _run(setup, pending, executor, 2 * report.workers):
                worker = sum(outcome.seconds for (whose, _), outcome in STAGING.outcomes.items() if whose == student)
                start_here = time.perf_counter()
                # The grader's own failure never reaches nbgrader: the gradebook keeps what it had for the student.
                with timing.timed("nbgrader autograde"):
                    reason = failure or setup.autograde(student)
                seconds = worker + time.perf_counter() - start_here
                if reason:
                    report.failed[student] = reason
                    state.pop(student, None)
                else:
                    report.graded.append(student)
                    state[student] = pending[student][2]
                log[student] = Record(records.FAILED if reason else records.GRADED, reason, round(seconds, 3), round(worker, 3), records.now())
                resume.save(state)
                records.save(autograded, assignment, log)
                bar.update(1)
    bar.close()
    report.executed_here = {f"{student}/{notebook}": why for (student, notebook), why in STAGING.executed_here.items()}
    report.seconds = time.perf_counter() - start
    return report


def graded_students(root: Path, assignment: str) -> list[str]:
    """The students whose submission of `assignment` the gradebook holds and whose autograded folder exists."""
    setup = Setup(root, assignment)
    resume = Resume(setup)
    return [student for student in setup.submitted() if resume.is_graded(student)]


def _run(setup: Setup, pending: dict[str, tuple[Path, Screened, str]], executor: Executor,
         window: int) -> Iterator[tuple[str, str]]:
    """Stage the submissions and run them on `executor`, at most `window` at a time; yield each student whose
    notebooks are all back (or could not be staged), ready for nbgrader, with '' or why the grader failed them."""
    queue = list(pending)
    running: dict[Future, str] = {}
    waiting: dict[str, int] = {}
    failed: dict[str, str] = {}
    while queue or running:
        while queue and len(running) < window:
            student = queue.pop(0)
            folder, screened, _ = pending[student]
            try:
                with timing.timed("staging"):
                    staged = stage(setup, student, folder, screened)
            except Exception:  # not a notebook nbgrader can read: nbgrader says why when it grades it
                staged = []
            try:
                futures = [executor.submit(jobs.run, job) for job in staged]
            except Exception as error:  # the pool is broken (a worker was killed)
                yield student, words.say("batch.grader_error", why=f"no worker could take it: {type(error).__name__}: {error}")
                continue
            if not futures:
                yield student, ""
                continue
            waiting[student] = len(futures)
            running |= dict.fromkeys(futures, student)
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            student = running.pop(future)
            try:
                outcome = future.result()
            except Exception as error:  # the worker itself died
                failed.setdefault(student, words.say("batch.grader_error", why=f"its worker was lost: {type(error).__name__}: {error}"))
            else:
                if outcome.executed is None:
                    failed.setdefault(student, words.say("batch.grader_error", why=outcome.error))
                STAGING.outcomes[(outcome.student, outcome.notebook)] = outcome
            waiting[student] -= 1
            if waiting[student] == 0:
                del waiting[student]
                yield student, failed.pop(student, "")
