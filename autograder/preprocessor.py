"""The nbgrader preprocessor that scores the grade cells with the hidden checks.

It runs after nbgrader's `Execute`, in nbgrader's own process: the student's kernel is done by
then, so nothing the student's cells patched can reach the comparison with the reference. The
student's functions run once more, in a separate process (`sandbox.Sandbox`), and each grade
cell's outputs are replaced by the check report and its score, the value nbgrader reads as
partial credit. Configured in `nbgrader_config.py`.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade
from traitlets import Float, Int, Unicode

from . import sandbox
from .errors import GraderError, forget_new_submission
from .notebook import CHECKS_MIME, from_notebook, grade_id
from .results import PartResult
from .runner import CHECKS, run_checks
from .sandbox import Limits


class HiddenChecks(NbGraderPreprocessor):
    """Score every grade cell that has a module of hidden checks under `autograder/checks/`."""

    call_seconds = Float(20.0, help="The most CPU time one call into the student's code may use.").tag(config=True)
    part_seconds = Float(60.0, help="The most CPU time the checks of one grade cell may use in all.").tag(config=True)
    wall_factor = Float(3.0, help="How many times its CPU limit a call or a part may last by the clock "
                                  "(code that sleeps uses no CPU; on a busy machine CPU time accrues slower than the clock).").tag(config=True)
    start_seconds = Float(120.0, help="How long the student's process may take to start, before any of the student's code runs.").tag(config=True)
    memory_bytes = Int(4 << 30, help="The address-space limit of the process that runs the student's code.").tag(config=True)
    max_processes = Int(256, help="The most processes and threads the process that runs the student's code may have at once.").tag(config=True)
    course_root = Unicode("", help="The course folder, read-only for the student's process; default: the current folder.").tag(config=True)
    checks_folder = Unicode("", help="The folder of the hidden checks (one pytest module per grade cell); default: autograder/checks.").tag(config=True)

    def limits(self) -> Limits:
        return Limits(call_seconds=self.call_seconds, part_seconds=self.part_seconds, memory_bytes=self.memory_bytes,
                      wall_factor=self.wall_factor, start_seconds=self.start_seconds,
                      max_processes=self.max_processes)

    def prestart(self) -> None:
        """Start the student's process for these checks ahead of time (while the kernel runs)."""
        sandbox.prestart(self.limits(), Path(self.course_root or os.getcwd()))

    def preprocess(self, nb: Any, resources: dict) -> tuple[Any, dict]:
        try:
            return self._score(nb), resources
        except GraderError as error:
            self.log.error("grader error, not the student's: %s", error)
            forget_new_submission(resources)
            raise

    def _score(self, nb: Any) -> Any:
        """Every grade cell's outputs replaced by its checks' report and score; never one left to the kernel's output."""
        parts = run_checks(from_notebook(nb), self.limits(), course_root=Path(self.course_root or os.getcwd()),
                           checks=Path(self.checks_folder) if self.checks_folder else CHECKS)
        for cell in nb.cells:
            if cell.cell_type != "code" or not is_grade(cell):
                continue
            part = parts.get(grade_id(cell) or "")
            if part is None:
                raise GraderError(f"no hidden checks for the grade cell {grade_id(cell)!r} (autograder/checks/{grade_id(cell)}.py)")
            expected = float(cell.metadata.nbgrader["points"])
            if part.possible != expected:
                raise GraderError(f"checks/{part.grade_id}.py is worth {part.possible:g} points, its grade cell {expected:g}")
            cell.outputs = student_outputs(cell.outputs) + report_outputs(part)
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
            text = f"可见检查 (visible checks) 出错: {output.ename}: {output.evalue}\n"
            kept.append(new_output("stream", name="stdout", text=text))
        elif output.output_type == "display_data" and CHECKS_MIME not in output.data:
            kept.append(output)
    return kept


def report_outputs(part: PartResult) -> list:
    report = new_output("display_data", data={"text/plain": part.to_text(), "text/html": part.to_html(), CHECKS_MIME: asdict(part)})
    score = new_output("execute_result", data={"text/plain": f"{part.score:g}"}, execution_count=None)
    return [report, score]
