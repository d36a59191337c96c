"""The assignment's facts, read from the source notebook's nbgrader metadata: the one true home of its
parts, their points, the blanks and the grade cells. Everything else, tests included, asks here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from . import paths

NAME = "linear_regression"
"""The assignment's name, as nbgrader knows it."""
NOTEBOOK = "linear_regression"
"""Its one notebook's name, without `.ipynb`."""
SOURCE_NOTEBOOK = paths.SOURCE / NAME / f"{NOTEBOOK}.ipynb"
RELEASE_NOTEBOOK = paths.RELEASE / NAME / f"{NOTEBOOK}.ipynb"
IMPORTS = "imports"
"""The locked cell whose imports the students' functions use: loaded with them wherever they are checked."""
TRAINED = "test_training"
"""The grade cell whose output records the w and b the student's notebook trained."""


@dataclass(frozen=True)
class Part:
    """One graded part: a grade cell, and the module of hidden checks named for it."""

    grade_id: str
    points: float


def grade_id(cell: Any) -> str | None:
    """The nbgrader grade_id of a cell (dict or nbformat node), or None."""
    return (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")


def find_cell(nb: Any, name: str) -> Any:
    """The cell of a notebook whose grade_id is `name`; KeyError if there is none."""
    for cell in nb["cells"]:
        if grade_id(cell) == name:
            return cell
    raise KeyError(f"no cell with grade_id {name!r}")


def _cells() -> list[dict]:
    return json.loads(SOURCE_NOTEBOOK.read_text(encoding="utf-8"))["cells"]


def _nbgrader(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader") or {}


PARTS: tuple[Part, ...] = tuple(Part(_nbgrader(c)["grade_id"], float(_nbgrader(c)["points"]))
                                for c in _cells() if c["cell_type"] == "code" and _nbgrader(c).get("grade"))
"""The graded parts, in notebook order."""
POINTS: dict[str, float] = {part.grade_id: part.points for part in PARTS}
"""Each part's points, by grade_id."""
BLANKS: tuple[str, ...] = tuple(_nbgrader(c)["grade_id"] for c in _cells()
                                if c["cell_type"] == "code" and _nbgrader(c).get("solution"))
"""The cells students fill in, in notebook order (each defines the function it is named for)."""
STUDENT_CELLS: tuple[str, ...] = (IMPORTS, *BLANKS)
"""The cells loaded into the student's process for the hidden checks."""
