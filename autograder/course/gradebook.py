"""Reading the grades back: each part's score from the gradebook, with the checks its graded notebook recorded."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from .. import settings
from ..assignment import NAME, grade_id
from ..errors import CourseError
from ..submission.notebook import CHECKS_MIME


@dataclass
class PartScore:
    grade_id: str
    score: float
    max_score: float
    checks: list[dict]
    """The check results as the graded notebook recorded them (name, description, points, passed, message)."""


def scores(root: Path, student: str, url: str | None = None, assignment: str = NAME) -> dict[str, PartScore]:
    """The autograded score of each grade cell of one student's submission, from the gradebook (`url`, by
    default the course's), with the checks its autograded notebook recorded."""
    with Gradebook(url or settings.db_url(root)) as gradebook:
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            raise CourseError(f"no graded submission of {assignment} for student {student!r}") from None
        found = {}
        for notebook in submission.notebooks:
            checks = recorded_checks(root / "autograded" / student / assignment / f"{notebook.name}.ipynb")
            found |= {grade.name: PartScore(grade.name, float(grade.score), float(grade.max_score), checks.get(grade.name, []))
                      for grade in notebook.grades}
        return found


def recorded_checks(path: Path) -> dict[str, list[dict]]:
    if not path.is_file():
        return {}
    nb = json.loads(path.read_text())
    found = {}
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            if CHECKS_MIME in output.get("data", {}):
                found[grade_id(cell)] = output["data"][CHECKS_MIME]["checks"]
    return found


def course_scores(root: Path, students: list[str], url: str | None = None, assignment: str = NAME) -> dict[str, dict[str, PartScore]]:
    """`scores` of several students, from one reading of the course's configuration."""
    url = url or settings.db_url(root)
    return {student: scores(root, student, url, assignment) for student in students}
