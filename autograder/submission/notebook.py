"""Reading a student's notebook: which cells hold their code, and what their kernel recorded."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from ..assignment import BLANKS, NAME, STUDENT_CELLS, TRAINED, grade_id

PARAMS_MIME = "application/vnd.d2l.linreg-params+json"
"""The output type in which the test_training cell records the notebook's trained w and b."""
CHECKS_MIME = "application/vnd.d2l.linreg-checks+json"
"""The output type in which a graded cell keeps its check results as data, beside the report."""


class NotebookError(Exception):
    """The file is not a notebook of this assignment; `str()` is one line for the command line."""


@dataclass
class Submission:
    """The parts of a student's notebook that the hidden checks need."""

    cells: list[tuple[str, str]]
    """(grade_id, source) of the cells in STUDENT_CELLS, in notebook order."""
    trained: dict | None = None
    """{'w': [...], 'b': [...]} as the executed notebook recorded it, or None."""
    grade_ids: list[str] = field(default_factory=list)


def from_notebook(nb: Any) -> Submission:
    """The student's cells and recorded parameters of an nbformat notebook."""
    cells, trained, ids = [], None, []
    for cell in nb.cells:
        cell_id = grade_id(cell)
        ids.append(cell_id)
        if cell.cell_type == "code" and cell_id in STUDENT_CELLS:
            cells.append((cell_id, cell.source))
        if cell_id == TRAINED:
            trained = recorded_params(cell)
    return Submission(cells=cells, trained=trained, grade_ids=[i for i in ids if i])


def recorded_params(cell: Any) -> dict | None:
    """{'w': [...], 'b': [...]} as the cell's output recorded them, or None if absent or malformed."""
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if PARAMS_MIME in data:
            try:
                value = json.loads(data[PARAMS_MIME]) if isinstance(data[PARAMS_MIME], str) else data[PARAMS_MIME]
                w, b = [float(v) for v in value["w"][:10]], [float(v) for v in value["b"][:10]]
                return {"w": w, "b": b}
            except (TypeError, ValueError, KeyError):
                return None
    return None


def read_submission(path: str | Path) -> Submission:
    """Read and validate a notebook file of this assignment, or raise NotebookError."""
    path = Path(path)
    if not path.is_file():
        raise NotebookError(f"{path}: no such file")
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as error:
        raise NotebookError(f"{path}: not a Jupyter notebook ({type(error).__name__}: {str(error).splitlines()[0][:120]})") from None
    submission = from_notebook(nb)
    if not set(BLANKS) <= set(submission.grade_ids):
        raise NotebookError(f"{path}: not a notebook of the {NAME} assignment (its graded cells are missing)")
    return submission
