"""`python -m autograder check PATH.ipynb`: grade notebooks kept outside any course, with the course's pipeline."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from ..assignment import NAME
from ..batch.coordinator import grade_course
from ..isolation import template
from . import commands
from .gradebook import PartScore, scores


def check_notebooks(notebooks: list[Path], settings: str = "", workers: int | None = None) -> dict[Path, dict[str, PartScore] | str]:
    """Grade notebooks in a throwaway course with the batch grader: nbgrader's pipeline, so the same scores.

    A notebook that could not be graded gets a one-line reason instead of its scores; the others are kept.
    """
    workers = min(workers or os.cpu_count() or 1, len(notebooks))
    if workers == 1:
        template.get()  # the one worker is this process: its template imports while the course is laid out
    with tempfile.TemporaryDirectory(prefix="linreg-check-") as folder:
        root = Path(folder, "course")
        commands.released(root, settings)
        students = {path: f"check-{i}-{re.sub(r'[^A-Za-z0-9_-]', '-', path.stem)}" for i, path in enumerate(notebooks)}
        for path, student in students.items():
            commands.submit(root, student, path)
        report = grade_course(root, NAME, workers=workers, quiet=True)
        return {path: scores(root, student) if student in report.graded else report.failed.get(student, "it could not be graded")
                for path, student in students.items()}
