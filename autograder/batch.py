"""`python -m autograder grade ASSIGNMENT`: autograde a whole course with parallel workers.

    submitted/ --stage--> jobs.Job --worker--> jobs.Outcome --nbgrader Autograde + replay.ReplayStaged--> autograded/, gradebook

The coordinator (this module) sanitizes each new or changed submission with nbgrader's own steps and
hands it to a worker: a process of this machine, or of a Dask cluster (`--scheduler`). The worker
executes it in the jailed kernel and runs the hidden checks. The coordinator then runs nbgrader's
`Autograde` on that submission, which takes the worker's notebook in place of executing it again:
so the files, gradebook rows and scores are the ones sequential `nbgrader autograde` writes, and the
gradebook (SQLite or any `db_url` nbgrader accepts) has a single writer.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import socket
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.converters import Autograde
from nbgrader.coursedir import CourseDirectory
from nbgrader.utils import find_all_files
from sqlalchemy.exc import SAWarning
from tqdm import tqdm
from traitlets.utils.importstring import import_item

from . import course, intake, jobs, words
from .course import CourseError, PartScore
from .errors import GraderError
from .replay import STAGING, ReplayStaged, split

_EXCEPTION = re.compile(r"\s*[\w.]+(Error|Exception|Exit)(: |$)")

STATE = "grade-state-{assignment}.json"
"""Kept in autograded/: the digest of each submission as it was graded, so that a rerun skips it."""


@dataclass
class Report:
    """What a grading run did."""

    graded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    """Submissions that were not graded, with a one-line reason (the student's or the grader's)."""
    left_out: dict[str, dict[str, str]] = field(default_factory=dict)
    """Entries of submission folders that were neither read nor copied, with why, by student."""
    scores: dict[str, dict[str, PartScore]] = field(default_factory=dict)
    """Every graded submission of the assignment, from the gradebook, after the run."""
    executed_here: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    workers: int = 0


class Grading:
    """One assignment of a course folder as nbgrader sees it: its configuration, folders and gradebook."""

    def __init__(self, root: Path, assignment: str):
        self.root = Path(root).resolve()
        self.assignment = assignment
        self.config = course.load_config(self.root)
        intake.configure(self.config)
        self.coursedir = CourseDirectory(config=self.config)
        if not Path(self.coursedir.format_path(self.coursedir.source_directory, ".", assignment)).is_dir():
            raise CourseError(f"no assignment {assignment!r} in {self.root / self.coursedir.source_directory}: "
                              "run this from the course folder (where nbgrader_config.py is)")
        url = self.coursedir.db_url
        if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
            raise CourseError(f"no gradebook at {url.removeprefix('sqlite:///')}: run `nbgrader generate_assignment {assignment}` first")
        autograde = Autograde(coursedir=self.coursedir, config=self.config)
        self.create_student = autograde.create_student
        self.steps, rest = split([import_item(step) if isinstance(step, str) else step for step in autograde.autograde_preprocessors])
        replaying = copy.deepcopy(self.config)
        replaying.Autograde.autograde_preprocessors = [ReplayStaged, *rest]
        replaying.ReplayStaged.steps = self.steps
        self.api = NbGraderAPI(coursedir=CourseDirectory(config=replaying), config=replaying)
        # What a worker needs of the configuration: not the gradebook's address (a password, maybe).
        self.worker_config = copy.deepcopy(self.config)
        self.worker_config.pop("CourseDirectory", None)
        with Gradebook(url, self.coursedir.course_id) as gradebook:
            try:
                self.notebooks = [nb.name for nb in gradebook.find_assignment(assignment).notebooks]
            except MissingEntry:
                raise CourseError(f"no assignment {assignment!r} in the gradebook of {self.root}: "
                                  f"run `nbgrader generate_assignment {assignment}` there first") from None
        self.intake = intake.Intake(config=self.config)
        self.setup = self._setup_digest()
        self.refresh()

    def submitted(self) -> dict[str, Path]:
        """Every student's submission folder, by student id, less the students nbgrader is told to leave out."""
        pattern = Path(self.coursedir.format_path(self.coursedir.submitted_directory, self.coursedir.student_id or "*", self.assignment))
        excluded = {s.strip() for s in self.coursedir.student_id_exclude.split(",") if s.strip()}
        return {path.parent.name: path for path in sorted(pattern.parent.parent.glob(f"{pattern.parent.name}/{pattern.name}"))
                if path.is_dir() and path.parent.name not in excluded}

    def screen(self, folder: Path) -> intake.Screened:
        """What of a submission folder may be read (regular files only, within limits), and what is left out."""
        return intake.screen(folder, self.notebooks, self.coursedir.ignore, self.intake)

    def digest(self, folder: Path, screened: intake.Screened) -> str:
        """A fingerprint of the files nbgrader would read from a submission folder, and of what grades them."""
        sha = hashlib.sha256(self.setup.encode())
        for name in sorted(screened.files):
            sha.update(name.encode() + b"\0" + (folder / name).read_bytes() + b"\0")
        sha.update(repr(sorted(screened.left_out.items())).encode())
        return sha.hexdigest()

    def _setup_digest(self) -> str:
        """A fingerprint of the grading itself: configuration, source folder, and this package (checks, reference)."""
        sha = hashlib.sha256()
        checks = self.config.HiddenChecks.get("checks_folder")
        folders = [Path(self.coursedir.format_path(self.coursedir.source_directory, ".", self.assignment)), Path(__file__).parent,
                   *([Path(checks)] if checks else [])]
        for folder in folders:
            _add_files(sha, folder, ["__pycache__", "*.pyc", ".ipynb_checkpoints"])
        sha.update(repr(sorted((section, repr(values)) for section, values in self.config.items())).encode())
        return sha.hexdigest()

    def refresh(self) -> None:
        """Read again which students have a submission of the assignment in the gradebook."""
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gradebook:
            self.graded = {s.student_id for s in gradebook.find_assignment(self.assignment).submissions}

    def is_graded(self, student: str) -> bool:
        """Has the student's submission an entry in the gradebook and an autograded folder?"""
        folder = Path(self.coursedir.format_path(self.coursedir.autograded_directory, student, self.assignment))
        return student in self.graded and folder.is_dir()

    def stage(self, student: str, folder: Path, screened: intake.Screened) -> list[jobs.Job]:
        """The submission's notebooks sanitized by nbgrader's own steps, with the folder each would run in."""
        with _attributes(self.coursedir, assignment_id=self.assignment, student_id=student):
            converter = Autograde(coursedir=self.coursedir, parent=self.api)
            converter.exporter = converter.exporter_class(parent=converter, config=converter.config)
            converter._sanitizing = True
            converter._init_preprocessors()
            files = self._folder_files(folder, screened)
            staged = []
            for notebook in self.notebooks:
                path = folder / f"{notebook}.ipynb"
                if not path.is_file():
                    continue
                resources = converter.init_single_notebook_resources(str(path))
                sanitized, _ = converter.exporter.from_filename(str(path), resources=resources)
                staged.append(jobs.Job(student, self.assignment, notebook, sanitized, dict(files), self.worker_config, self.steps, str(self.root)))
                # A later notebook runs beside the earlier ones (nbgrader's folder has them autograded by then,
                # here sanitized: the same cells, without outputs).
                files[f"{notebook}.ipynb"] = sanitized.encode()
            return staged

    def _folder_files(self, folder: Path, screened: intake.Screened) -> dict[str, tuple[bytes, int]]:
        """The files nbgrader puts beside the notebook: the submission's own (regular files only), then the source's over them."""
        ignore = self.coursedir.ignore + ["*.ipynb"]
        source = Path(self.coursedir.format_path(self.coursedir.source_directory, ".", self.assignment))
        excluded = set(Autograde(coursedir=self.coursedir, config=self.config).exclude_overwriting.get(self.assignment, []))
        files = {name: _read(str(folder / name)) for name in screened.files if not name.endswith(".ipynb")}
        files |= {os.path.relpath(f, source): _read(f) for f in find_all_files(str(source), ignore) if os.path.relpath(f, source) not in excluded}
        return files

    def autograde(self, student: str) -> str:
        """nbgrader's Autograde of one submission (replaying what its worker did); '' or why it failed."""
        result = self.api.autograde(self.assignment, student, force=True, create=self.create_student)
        if result["success"]:
            return ""
        error = (result.get("error") or "").strip()
        if "KeyboardInterrupt" in error:  # nbgrader's log capture catches everything, an interrupt too
            raise KeyboardInterrupt
        # The cause is the last exception line of the traceback nbgrader logged; its own [ERROR] lines only say where.
        log = (result.get("log") or "").splitlines()
        causes = [line.strip() for line in log if _EXCEPTION.match(line) and "NbGraderException" not in line]
        errors = [line.removeprefix("[ERROR] ") for line in log if line.startswith("[ERROR]")]
        cause = (causes[-1] if causes else errors[0] if errors else "nbgrader could not grade it")[:300]
        grader, _, why = cause.partition(f"{GraderError.__module__}.{GraderError.__name__}: ")
        return words.say("batch.grader_error", why=why) if why and not grader else cause

    def state(self) -> dict[str, str]:
        """The digest of each submission as it was last graded."""
        path = self._state_path()
        try:
            return json.loads(path.read_text()) if path.is_file() else {}
        except (OSError, ValueError):
            return {}

    def save_state(self, state: dict[str, str]) -> None:
        """Write the digests atomically: an interrupted run leaves the last complete state."""
        path = self._state_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(state, indent=1, sort_keys=True))
        temporary.replace(path)

    def _state_path(self) -> Path:
        return Path(self.coursedir.root, self.coursedir.autograded_directory, STATE.format(assignment=self.assignment))


@contextmanager
def _attributes(target: object, **values: str) -> Iterator[None]:
    """Set attributes for a while, and set them back also when what ran raised (nbgrader's `temp_attrs` does not)."""
    saved = {name: getattr(target, name) for name in values}
    for name, value in values.items():
        setattr(target, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(target, name, value)


def _read(path: str) -> tuple[bytes, int]:
    return Path(path).read_bytes(), os.stat(path).st_mode & 0o777


def _add_files(sha: hashlib._Hash, folder: Path, ignore: list[str]) -> None:
    for name in sorted(find_all_files(str(folder), ignore)):
        sha.update(os.path.relpath(name, folder).encode() + b"\0" + Path(name).read_bytes() + b"\0")


@contextmanager
def _executor(workers: int, scheduler: str | None) -> Iterator[Executor]:
    """Worker processes of this machine, or the workers of the Dask cluster at `scheduler`."""
    if scheduler:
        from distributed import Client

        try:
            _knock(scheduler)
            client = Client(scheduler, timeout="30s")
        except (OSError, TimeoutError, ValueError) as error:
            raise CourseError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
        with client:
            yield client.get_executor(pure=False)
        return
    # spawn: the workers import what they need afresh, rather than fork a process that runs threads.
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=jobs.worker_ready)
    try:
        yield pool
    except BaseException:
        # Interrupted, or failed: what is queued is dropped, what runs is not waited for.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _workers(executor: Executor, asked: int | None) -> int:
    client = getattr(executor, "_client", None)
    if client is not None:
        return max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info().get("workers", {}).values()))
    return asked


def _knock(address: str) -> None:
    """Fail at once on a TCP scheduler address where nothing listens, rather than after Dask's connect timeout."""
    if address.startswith("tcp://"):
        host, _, port = address.removeprefix("tcp://").rpartition(":")
        socket.create_connection((host.strip("[]"), int(port)), timeout=10).close()


def grade_course(root: Path, assignment: str, workers: int | None = None, force: bool = False, scheduler: str | None = None,
                 quiet: bool = False) -> Report:
    """Grade every new or changed submission of `assignment` (every one with `force`) in the course folder `root`.

    A progress bar with the time left goes to stderr, unless `quiet`. Each submission is in the
    gradebook and the resume state as soon as it is graded, so an interrupted run loses nothing done.
    """
    # nbgrader adds a new student's submission in a way SQLAlchemy 2 warns about, harmlessly, once per student.
    warnings.filterwarnings("ignore", category=SAWarning, module="nbgrader")
    start = time.perf_counter()
    grading = Grading(root, assignment)
    STAGING.clear()
    state = grading.state()
    report = Report()
    pending: dict[str, tuple[Path, intake.Screened, str]] = {}
    for student, folder in grading.submitted().items():
        screened = grading.screen(folder)
        if screened.left_out:
            report.left_out[student] = screened.left_out
        if screened.refused:
            report.failed[student] = words.say("batch.refused", why=screened.refused)
            state.pop(student, None)
            continue
        digest = grading.digest(folder, screened)
        if not force and state.get(student) == digest and grading.is_graded(student):
            report.unchanged.append(student)
        else:
            pending[student] = (folder, screened, digest)
    grading.save_state(state)
    bar = tqdm(total=len(pending), unit="submission", desc="grading", dynamic_ncols=True, smoothing=0.1, disable=quiet)
    if pending:
        with _executor(max(1, workers or len(os.sched_getaffinity(0))), scheduler) as executor:
            report.workers = _workers(executor, workers or len(os.sched_getaffinity(0)))
            for student, failure in _run(grading, pending, executor, 2 * report.workers):
                # The grader's own failure never reaches nbgrader: the gradebook keeps what it had for the student.
                reason = failure or grading.autograde(student)
                if reason:
                    report.failed[student] = reason
                    state.pop(student, None)
                else:
                    report.graded.append(student)
                    state[student] = pending[student][2]
                grading.save_state(state)
                bar.update(1)
    bar.close()
    grading.refresh()
    report.executed_here = {f"{student}/{notebook}": why for (student, notebook), why in STAGING.executed_here.items()}
    report.scores = {student: course.scores(grading.root, student, grading.coursedir.db_url, assignment)
                     for student in grading.submitted() if student not in report.failed and grading.is_graded(student)}
    report.seconds = time.perf_counter() - start
    return report


def _run(grading: Grading, pending: dict[str, tuple[Path, intake.Screened, str]], executor: Executor,
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
                staged = grading.stage(student, folder, screened)
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
