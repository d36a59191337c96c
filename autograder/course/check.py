"""`python -m autograder check PATH.ipynb`: grade notebooks kept outside any course, with the course's pipeline."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from .. import paths
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
        shutil.copytree(released_course(settings), root, symlinks=True)
        students = {path: f"check-{i}-{re.sub(r'[^A-Za-z0-9_-]', '-', path.stem)}" for i, path in enumerate(notebooks)}
        for path, student in students.items():
            commands.submit(root, student, path)
        report = grade_course(root, NAME, workers=workers, quiet=True)
        return {path: scores(root, student) if student in report.graded else report.failed.get(student, "it could not be graded")
                for path, student in students.items()}


def released_course(settings: str) -> Path:
    """A course folder with the assignment released and in its gradebook, made once for these settings and this
    repository's configuration and source, and kept in the user's own cache (`nbgrader generate_assignment`
    takes seconds: it creates the gradebook)."""
    sha = hashlib.sha256(settings.encode() + paths.CONFIG.read_bytes())
    for path in sorted((paths.SOURCE / NAME).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            sha.update(str(path.relative_to(paths.SOURCE)).encode() + path.read_bytes())
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "linreg-autograder"
    cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    course = cache / f"check-{sha.hexdigest()[:16]}"
    if not (course / "gradebook.db").is_file():
        made = Path(tempfile.mkdtemp(prefix="check-", dir=cache))
        commands.new_course(made, settings)
        commands.nbgrader(made, "generate_assignment", NAME, "--force")
        try:
            made.rename(course)  # whole or not at all, also when two checks make it at once
        except OSError:
            shutil.rmtree(made, ignore_errors=True)
    return course
