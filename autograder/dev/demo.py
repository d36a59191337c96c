"""`python -m autograder demo`, the main job: release the assignment, autograde the example submissions
with the batch grader, write feedback and grades.csv, in the repository (a course folder)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..assignment import NAME, NOTEBOOK
from ..batch.coordinator import grade_course
from ..course import commands
from ..course.gradebook import PartScore, course_scores
from ..errors import CourseError
from ..submission.notebook import read_submission
from .examples import EXAMPLES


def demo(root: Path) -> tuple[dict[str, dict[str, PartScore]], dict | None]:
    """Every example's scores, and the w and b the solution notebook trained."""
    commands.nbgrader(root, "generate_assignment", NAME, "--force")
    students = []
    with tempfile.TemporaryDirectory() as folder:
        for example in EXAMPLES:
            student = f"example-{example.name}"
            commands.submit(root, student, example.write(Path(folder) / f"{student}.ipynb"))
            students.append(student)
    report = grade_course(root, NAME, force=True)
    if report.failed:
        raise CourseError(f"the examples {', '.join(report.failed)} could not be graded: {next(iter(report.failed.values()))}")
    commands.nbgrader(root, "generate_feedback", NAME, "--force")
    commands.nbgrader(root, "export", "--to", str(root / "grades.csv"))
    solution = root / "autograded" / "example-solution" / NAME / f"{NOTEBOOK}.ipynb"
    return course_scores(root, students), read_submission(solution).trained if solution.is_file() else None
