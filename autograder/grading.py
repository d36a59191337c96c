"""The two grading jobs: `check` (notebooks outside the course) and `demo` (the main job)."""

from __future__ import annotations

import os
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import course
from .course import ASSIGNMENT, PartScore
from .examples import EXAMPLES
from .notebook import read_submission


def check_notebooks(paths: list[Path], settings: str = "", workers: int | None = None) -> dict[Path, dict[str, PartScore] | str]:
    """Grade notebooks in throwaway courses with real nbgrader: the same pipeline, so the same scores.

    The notebooks are shared among `workers` courses (default: one per core), graded side by side.
    A notebook nbgrader could not grade gets a one-line reason instead of its scores; the others are kept.
    """
    workers = max(1, min(workers or os.cpu_count() or 1, len(paths)))
    shares = [paths[i::workers] for i in range(workers)]
    with ThreadPoolExecutor(workers) as pool:
        results = pool.map(lambda share: _check_in_new_course(share, settings), shares)
    return {path: merged[path] for merged in list(results) for path in merged}


def _check_in_new_course(paths: list[Path], settings: str) -> dict[Path, dict[str, PartScore] | str]:
    with tempfile.TemporaryDirectory(prefix="linreg-check-") as folder:
        root = course.new_course(Path(folder), settings)
        course.nbgrader(root, "generate_assignment", ASSIGNMENT, "--force")
        students = {path: f"check-{i}-{re.sub(r'[^A-Za-z0-9_-]', '-', path.stem)}" for i, path in enumerate(paths)}
        for path, student in students.items():
            course.submit(root, student, path)
        course.nbgrader(root, "autograde", ASSIGNMENT, "--force", check=False)
        return {path: _scores_or_reason(root, student) for path, student in students.items()}


def _scores_or_reason(root: Path, student: str) -> dict[str, PartScore] | str:
    if not (root / "autograded" / student / ASSIGNMENT).is_dir():
        return "nbgrader could not grade it (its log has the traceback)"
    try:
        return course.scores(root, student)
    except course.CourseError as error:
        return str(error)


def demo(root: Path) -> tuple[dict[str, dict[str, PartScore]], dict | None]:
    """Release the assignment, autograde the example submissions, write feedback and grades.csv."""
    course.nbgrader(root, "generate_assignment", ASSIGNMENT, "--force")
    students = {}
    with tempfile.TemporaryDirectory() as folder:
        for example in EXAMPLES:
            student = f"example-{example.name}"
            course.submit(root, student, example.write(Path(folder) / f"{student}.ipynb"))
            students[student] = example
    course.nbgrader(root, "autograde", ASSIGNMENT, "--force")
    course.nbgrader(root, "generate_feedback", ASSIGNMENT, "--force")
    course.nbgrader(root, "export", "--to", str(root / "grades.csv"))
    rows = {student: course.scores(root, student) for student in students}
    solution = root / "autograded" / "example-solution" / ASSIGNMENT / f"{course.NOTEBOOK}.ipynb"
    return rows, read_submission(solution).trained if solution.is_file() else None
