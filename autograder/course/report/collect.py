"""What the class report is made of, read from the course: the gradebook's scores, each graded notebook's check
results, the batch grader's records (time, failures) and the submissions that could not be graded.

A graded notebook is the student's file: it is read as JSON (never executed), from regular files only,
and every check result in it is checked for its types and cut to a bounded length before it is used.
Only grade cells are read, whose outputs the hidden checks wrote (nbgrader restores their source).
"""

from __future__ import annotations

import json
import math
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbgrader.api import Gradebook
from sqlalchemy.exc import SQLAlchemyError

from ... import words
from ...assignment import PARTS
from ...batch import records
from ...batch.setup import Setup
from ...errors import CourseError
from ...submission.notebook import CHECKS_MIME

MAX_NOTEBOOK_BYTES = 64 << 20
"""A graded notebook larger than this is not read (nbgrader keeps at most 1 MiB of output per cell)."""
MAX_TEXT = 4000
"""The most characters of a check's description or message kept."""


@dataclass
class CheckSeen:
    """One hidden check as a student's graded notebook recorded it."""

    name: str
    description: str
    points: float
    passed: bool
    message: str


@dataclass
class Graded:
    """One student's graded submission."""

    student: str
    total: float
    """The gradebook's score of the submission."""
    parts: dict[str, float]
    """The gradebook's score of each grade cell."""
    checks: dict[str, list[CheckSeen]]
    """The check results each grade cell's outputs recorded (a part without a record is absent)."""
    seconds: float | None
    """How long its last grading took, if the batch grader recorded it."""


@dataclass
class NotGraded:
    """A submission that could not be graded, and why (one line)."""

    student: str
    why: str


@dataclass
class Course:
    """Everything the report shows, as read."""

    assignment: str
    parts: list[tuple[str, float]]
    """Each grade cell and its points, as the gradebook has them, in the notebook's order."""
    graded: list[Graded] = field(default_factory=list)
    not_graded: list[NotGraded] = field(default_factory=list)
    records: str = ""
    """Where the batch grader keeps its records of this assignment (grading times), relative to the course folder."""


def collect(root: Path, assignment: str, progress: Callable[[int], Any] | None = None) -> Course:
    """Read the course in `root`: CourseError if it is not a course folder with `assignment` and its gradebook.

    `progress(total)` is called once with the number of graded notebooks to read, and returns a callable
    called after each one.
    """
    if not (Path(root) / "nbgrader_config.py").is_file():
        raise CourseError(f"no nbgrader_config.py in {root}: run this from the course folder")
    try:
        setup = Setup(root, assignment)
    except SQLAlchemyError as error:
        raise CourseError(f"cannot read the gradebook of {root}: {_first_line(error)}") from None
    coursedir = setup.coursedir
    autograded = Path(coursedir.root, coursedir.autograded_directory)
    log = records.load(autograded, assignment)
    cells, scored = _gradebook(setup)
    order = [part.grade_id for part in PARTS]
    parts = sorted(cells.items(), key=lambda item: (order.index(item[0]) if item[0] in order else len(order), item[0]))
    course = Course(assignment, parts, records=os.path.relpath(records.path(autograded, assignment), setup.root))
    step = progress(len(scored)) if progress else None
    not_graded: dict[str, str] = {}
    for student, (total, grades, notebooks) in sorted(scored.items()):
        folder = Path(coursedir.format_path(coursedir.autograded_directory, student, assignment))
        checks: dict[str, list[CheckSeen]] = {}
        readable = True
        for notebook in notebooks:
            recorded = read_checks(folder / f"{notebook}.ipynb", set(cells))
            if recorded is None:
                readable = False
            else:
                checks |= recorded
        if step:
            step()
        record = log.get(student)
        if not readable:  # nbgrader kept a row of zeros for a notebook it could not read (not JSON, say)
            why = record.reason if record and record.outcome == records.FAILED and record.reason else ""
            not_graded[student] = words.say("class_report.no_graded_notebook", why=why or words.say("class_report.see_the_log"))
            continue
        seconds = record.seconds if record and record.outcome == records.GRADED else None
        course.graded.append(Graded(student, total, grades, checks, seconds))
        if record and record.outcome == records.FAILED:  # its last grading failed: the gradebook keeps the grade before it
            not_graded[student] = words.say("class_report.last_grading_failed", why=record.reason, when=record.finished)
    for student, folder in setup.submitted().items():
        screened = setup.screen(folder)
        if screened.refused:
            not_graded[student] = words.say("batch.refused", why=screened.refused)
        elif student not in scored:
            record = log.get(student)
            why = record.reason if record and record.outcome != records.GRADED and record.reason else ""
            not_graded[student] = why or words.say("class_report.not_in_gradebook")
    course.not_graded = [NotGraded(student, why) for student, why in sorted(not_graded.items())]
    return course


def _gradebook(setup: Setup) -> tuple[dict[str, float], dict[str, tuple[float, dict[str, float], list[str]]]]:
    """The assignment's grade cells with their points, and each submission's total, part scores and notebooks."""
    try:
        with Gradebook(setup.coursedir.db_url, setup.coursedir.course_id) as gradebook:
            found = gradebook.find_assignment(setup.assignment)
            cells = {cell.name: float(cell.max_score) for notebook in found.notebooks for cell in notebook.grade_cells}
            scored = {submission.student_id: (float(submission.score),
                                              {grade.name: float(grade.score) for nb in submission.notebooks for grade in nb.grades},
                                              [nb.name for nb in submission.notebooks])
                      for submission in found.submissions}
    except SQLAlchemyError as error:
        raise CourseError(f"cannot read the gradebook of {setup.root}: {_first_line(error)}") from None
    return cells, scored


def read_checks(path: Path, grade_cells: set[str]) -> dict[str, list[CheckSeen]] | None:
    """The check results recorded in the grade cells of a graded notebook, by grade cell; None if it cannot be read."""
    nb = _read_json(path)
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None
    found: dict[str, list[CheckSeen]] = {}
    for cell in nb["cells"]:
        info = _get(_get(cell, "metadata"), "nbgrader")
        name = _get(info, "grade_id")
        if _get(cell, "cell_type") != "code" or _get(info, "grade") is not True or name not in grade_cells or name in found:
            continue
        outputs = _get(cell, "outputs")
        for output in outputs if isinstance(outputs, list) else []:
            checks = _checks(_get(_get(_get(output, "data"), CHECKS_MIME), "checks"))
            if checks is not None:
                found[name] = checks
    return found


def _read_json(path: Path) -> Any:
    """The JSON in a regular file (never through a link) of bounded size, or None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_NOTEBOOK_BYTES:
            return None
        data = file.read(MAX_NOTEBOOK_BYTES + 1)
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return None


def _first_line(error: Exception) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:200]


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


def _checks(value: Any) -> list[CheckSeen] | None:
    """Check results as the hidden checks write them (`checking.results.PartResult`), those of the wrong shape left out;
    None if none is left."""
    if not isinstance(value, list):
        return None
    found = []
    for item in value:
        name, description, points, passed, message = (_get(item, key) for key in ("name", "description", "points", "passed", "message"))
        if not (isinstance(name, str) and isinstance(description, str) and isinstance(passed, bool)
                and isinstance(message, str | None) and isinstance(points, int | float) and not isinstance(points, bool)
                and math.isfinite(points) and 0 <= points <= 1e6):
            continue
        found.append(CheckSeen(name[:200], description[:MAX_TEXT], float(points), passed, (message or "")[:MAX_TEXT]))
    return found or None
