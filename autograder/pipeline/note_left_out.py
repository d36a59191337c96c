"""The nbgrader step that tells the student what of their folder was left out (`submission.intake`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbformat.v4 import new_output
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor

from .. import words
from ..settings import Intake
from ..submission.intake import screen


class NoteLeftOut(NbGraderPreprocessor):
    """Tell the student, in the graded notebook (and so in the feedback), what of their folder was left out."""

    def preprocess(self, nb: Any, resources: dict) -> tuple[Any, dict]:
        coursedir = CourseDirectory(config=self.config)
        info = resources["nbgrader"]
        folder = Path(coursedir.format_path(coursedir.submitted_directory, info["student"], info["assignment"]))
        screened = screen(folder, [info["notebook"]], coursedir.ignore, Intake(config=self.config))
        first = next((cell for cell in nb.cells if cell.cell_type == "code"), None)
        if screened.left_out and first is not None:
            entries = "\n".join(f"  {name}: {why}" for name, why in sorted(screened.left_out.items()))
            first.outputs.insert(0, new_output("stream", name="stdout", text=words.say("intake.note", entries=entries)))
            for name, why in screened.left_out.items():
                self.log.warning("%s: %s: %s", info["student"], name, why)
        return nb, resources
