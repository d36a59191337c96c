"""Driving real nbgrader on a course folder, and reading the grades back.

Every step runs `python -m nbgrader` as a subprocess in the course folder, as an instructor
would, with this environment's `bin/` on PATH (nbgrader runs `alembic` from there).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import wcwidth
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps.baseapp import NbGrader
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from .notebook import CHECKS_MIME

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "linear_regression"
NOTEBOOK = "linear_regression"


class CourseError(Exception):
    """An nbgrader step failed; `str()` is one line for the command line."""


def environment() -> dict[str, str]:
    """os.environ with this interpreter's bin/ first on PATH, activated or not."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def nbgrader(root: Path, *args: str) -> str:
    """Run `nbgrader ARGS` in the course folder `root`; its log, or CourseError with the first error line."""
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=environment(),
                          capture_output=True, text=True)
    log = done.stdout + done.stderr
    if done.returncode != 0:
        errors = [line for line in log.splitlines() if "ERROR" in line or "Error" in line] or log.splitlines()[-1:]
        raise CourseError(f"nbgrader {args[0]} failed: {errors[0].strip() if errors else 'exit ' + str(done.returncode)}")
    return log


def load_config(root: Path) -> Config:
    """The nbgrader configuration that `nbgrader` started in `root` would use (Jupyter's paths, then the course's file)."""
    with contextlib.chdir(root):
        app = NbGrader()
        app.load_config_file()
    config = Config(app.config)
    config.CourseDirectory.root = str(Path(root).resolve())
    return config


def db_url(root: Path) -> str:
    """The gradebook of the course in `root`: its configured `db_url`, by default `gradebook.db` there (SQLite)."""
    return CourseDirectory(config=load_config(root)).db_url


def new_course(folder: Path, settings: str = "") -> Path:
    """A course folder with this repository's configuration and source, for grading outside it.

    `settings` are lines of nbgrader configuration added after the repository's own.
    """
    folder.mkdir(parents=True, exist_ok=True)
    config = (ROOT / "nbgrader_config.py").read_text()
    (folder / "nbgrader_config.py").write_text(config + ("\n" + settings + "\n" if settings else ""))
    shutil.copytree(ROOT / "source", folder / "source", dirs_exist_ok=True)
    return folder


def submit(root: Path, student: str, notebook: Path) -> Path:
    """Put a notebook where nbgrader expects the student's submission."""
    target = root / "submitted" / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(notebook, target)
    return target


@dataclass
class PartScore:
    grade_id: str
    score: float
    max_score: float
    checks: list[dict]
    """The check results as the graded notebook recorded them (name, description, points, passed, message)."""


def scores(root: Path, student: str, url: str | None = None, assignment: str = ASSIGNMENT) -> dict[str, PartScore]:
    """The autograded score of each grade cell of one student's submission, from the gradebook (`url`, by
    default the course's), with the checks its autograded notebook recorded."""
    with Gradebook(url or db_url(root)) as gradebook:
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
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        for output in cell.get("outputs", []):
            if CHECKS_MIME in output.get("data", {}):
                found[grade_id] = output["data"][CHECKS_MIME]["checks"]
    return found


def table(rows: dict[str, dict[str, PartScore]]) -> str:
    """A per-student, per-part score table; names line up by their width on screen (学生-张三 is 10 columns)."""
    parts = sorted({part for row in rows.values() for part in row}, key=_part_order)
    width = max([len("student"), *map(_width, rows)])
    header = f"{'student':<{width}}  " + "  ".join(f"{p.removeprefix('test_'):>12}" for p in parts) + "   total"
    lines = [header, "-" * len(header)]
    for student, row in rows.items():
        cells = "  ".join(f"{row[p].score:>6g} / {row[p].max_score:<3g}" if p in row else f"{'-':>12}" for p in parts)
        total = sum(score.score for score in row.values())
        lines.append(student + " " * (width - _width(student)) + f"  {cells}  {total:>6g}")
    return "\n".join(lines)


def _width(text: str) -> int:
    """Columns `text` takes on a terminal (a Chinese character takes two); a character without width counts one."""
    width = wcwidth.wcswidth(text)
    return width if width >= 0 else len(text)


_ORDER = ["test_data_iter", "test_linreg", "test_squared_loss", "test_sgd", "test_training", "test_vectorized"]


def _part_order(part: str) -> tuple[int, str]:
    return (_ORDER.index(part) if part in _ORDER else len(_ORDER), part)
