"""The two jobs built on the batch grader: `check` (notebooks outside the course) and `demo` (the main job)."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from . import course
from .batch import grade_course
from .course import ASSIGNMENT, PartScore
from .examples import EXAMPLES
from .notebook import read_submission


def check_notebooks(paths: list[Path], settings: str = "", workers: int | None = None) -> dict[Path, dict[str, PartScore] | str]:
    """Grade notebooks in a throwaway course with the batch grader: nbgrader's pipeline, so the same scores.

    A notebook nbgrader could not grade gets a one-line reason instead of its scores; the others are kept.
    """
    with tempfile.TemporaryDirectory(prefix="linreg-check-") as folder:
        root = course.new_course(Path(folder), settings)
        course.nbgrader(root, "generate_assignment", ASSIGNMENT, "--force")
        students = {path: f"check-{i}-{re.sub(r'[^A-Za-z0-9_-]', '-', path.stem)}" for i, path in enumerate(paths)}
        for path, student in students.items():
            course.submit(root, student, path)
        report = grade_course(root, ASSIGNMENT, workers=min(workers or os.cpu_count() or 1, len(paths)), quiet=True)
        return {path: report.scores.get(student) or report.failed.get(student, "nbgrader could not grade it")
                for path, student in students.items()}


def demo(root: Path) -> tuple[dict[str, dict[str, PartScore]], dict | None]:
    """Release the assignment, autograde the example submissions (batch grader), write feedback and grades.csv."""
    course.nbgrader(root, "generate_assignment", ASSIGNMENT, "--force")
    students = {}
    with tempfile.TemporaryDirectory() as folder:
        for example in EXAMPLES:
            student = f"example-{example.name}"
            course.submit(root, student, example.write(Path(folder) / f"{student}.ipynb"))
            students[student] = example
    report = grade_course(root, ASSIGNMENT, force=True)
    if report.failed:
        raise course.CourseError(f"nbgrader could not grade {', '.join(report.failed)}: {next(iter(report.failed.values()))}")
    course.nbgrader(root, "generate_feedback", ASSIGNMENT, "--force")
    course.nbgrader(root, "export", "--to", str(root / "grades.csv"))
    rows = {student: report.scores[student] for student in students}
    solution = root / "autograded" / "example-solution" / ASSIGNMENT / f"{course.NOTEBOOK}.ipynb"
    return rows, read_submission(solution).trained if solution.is_file() else None
