"""The nbgrader preprocessor that scores the grade cells with the hidden checks.

It runs after nbgrader's `Execute`, in nbgrader's own process: the student's kernel is done by
then, so nothing the student's cells patched can reach the comparison with the reference. The
student's functions run once more, in a separate, jailed process (`isolation.student_process`), and each grade
cell's outputs are replaced by the check report and its score, the value nbgrader reads as
partial credit. Configured in `nbgrader_config.py`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade
from traitlets import Unicode

from .. import paths, words
from ..assignment import grade_id
from ..errors import GraderError, forget_new_submission
from ..settings import CheckLimits
from ..submission.notebook import CHECKS_MIME, from_notebook


class HiddenChecks(NbGraderPreprocessor, CheckLimits):
    """Score every grade cell with its module of hidden checks under `autograder/checks/` (its limits: `CheckLimits`)."""

    checks_folder = Unicode("", help="The folder of the hidden checks (one pytest module per grade cell); default: autograder/checks.").tag(config=True)


    def preprocess(self, nb: Any, resources: dict) -> tuple[Any, dict]:
        try:
            return self._score(nb), resources
        except GraderError as error:
            self.log.error("grader error, not the student's: %s", error)
            forget_new_submission(resources)
            raise

    def _score(self, nb: Any) -> Any:
        """Every grade cell's outputs replaced by its checks' report and score; never one left to the kernel's output."""
        # Imported only to grade: nbgrader loads the course's configuration, and so this module, for every command.
        from ..checking.runner import run_checks

        parts = run_checks(from_notebook(nb), self, course_root=Path(self.course_root or os.getcwd()),
                           checks=Path(self.checks_folder) if self.checks_folder else paths.CHECKS)
        for cell in nb.cells:
            if cell.cell_type != "code" or not is_grade(cell):
                continue
            part = parts.get(grade_id(cell) or "")
            if part is None:
                raise GraderError(f"no hidden checks for the grade cell {grade_id(cell)!r} (autograder/checks/{grade_id(cell)}.py)")
            expected = float(cell.metadata.nbgrader["points"])
            if part.possible != expected:
                raise GraderError(f"checks/{part.grade_id}.py is worth {part.possible:g} points, its grade cell {expected:g}")
            cell.outputs = student_outputs(cell.outputs) + report_outputs(part, self.log)
            self.log.info("%s: %g / %g", part.grade_id, part.score, part.possible)
        return nb


def student_outputs(outputs: list) -> list:
    """What the student's kernel showed in the cell, less anything nbgrader would read as a score.

    stderr and errors would score the cell 0, and an execute_result would be read as the score:
    the visible checks' errors are kept as text, so the student still sees them.
    """
    kept = []
    for output in outputs:
        if output.output_type == "stream" and output.name == "stdout":
            kept.append(output)
        elif output.output_type == "error":
            text = words.say("notebook.visible_check_error", name=output.ename, value=output.evalue)
            kept.append(new_output("stream", name="stdout", text=text))
        elif output.output_type == "display_data" and CHECKS_MIME not in output.data:
            kept.append(output)
    return kept


def report_outputs(part: Any, log: logging.Logger | None = None) -> list:
    """The part's report (text, HTML with its figures as PNGs, and the results as data), then its score, which nbgrader reads."""
    report = new_output("display_data", data={"text/plain": part.to_text(), "text/html": part.to_html(images(part, log)),
                                              CHECKS_MIME: asdict(part)})
    score = new_output("execute_result", data={"text/plain": f"{part.score:g}"}, execution_count=None)
    return [report, score]


def images(part: Any, log: logging.Logger | None = None) -> list[str | None]:
    """The PNGs (base64) of the part's figures, in order; None for one that cannot be drawn, never a grader error."""
    from ..checking import figures

    drawn: list[str | None] = []
    for figure in part.figures:
        try:
            drawn.append(figures.png_base64(figure))
        except Exception as error:  # a figure is an aid to the student, not a grade: the report goes on without it
            (log or logging.getLogger(__name__)).warning("%s: its figure could not be drawn: %s: %s", part.grade_id, type(error).__name__, error)
            drawn.append(None)
    return drawn
