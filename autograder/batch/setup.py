"""One assignment of a course folder as nbgrader sees it: its configuration, its submissions, its pipeline cut in two.

The batch grader runs the course's own autograde pipeline: its steps up to the hidden checks on the
workers (`steps`), the rest in nbgrader's `Autograde` in the coordinator, with `replay.ReplayStaged`
standing in for what the workers did (`api`).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.converters import Autograde
from nbgrader.coursedir import CourseDirectory
from traitlets.utils.importstring import import_item

from .. import settings, words
from ..errors import CourseError, GraderError
from ..submission import intake
from .replay import ReplayStaged, split

_EXCEPTION = re.compile(r"\s*[\w.]+(Error|Exception|Exit)(: |$)")


class Setup:
    """One assignment of a course folder: configuration, gradebook, the pipeline cut between workers and coordinator."""

    def __init__(self, root: Path, assignment: str):
        self.root = Path(root).resolve()
        self.assignment = assignment
        self.config = settings.load_config(self.root)
        # nbgrader's own copying in the coordinator leaves out what the intake leaves out, whatever the course's file says.
        intake.configure(self.config)
        self.coursedir = CourseDirectory(config=self.config)
        if not Path(self.coursedir.format_path(self.coursedir.source_directory, ".", assignment)).is_dir():
            raise CourseError(f"no assignment {assignment!r} in {self.root / self.coursedir.source_directory}: "
                              "run this from the course folder (where nbgrader_config.py is)")
        url = self.coursedir.db_url
        if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
            raise CourseError(f"no gradebook at {url.removeprefix('sqlite:///')}: run `nbgrader generate_assignment {assignment}` first")
        autograde = Autograde(coursedir=self.coursedir, config=self.config)
        self.create_student = autograde.create_student
        self.exclude_overwriting = set(autograde.exclude_overwriting.get(assignment, []))
        self.steps, rest = split([import_item(step) if isinstance(step, str) else step for step in autograde.autograde_preprocessors])
        replaying = copy.deepcopy(self.config)
        replaying.Autograde.autograde_preprocessors = [ReplayStaged, *rest]
        replaying.ReplayStaged.steps = self.steps
        self.api = NbGraderAPI(coursedir=CourseDirectory(config=replaying), config=replaying)
        # What a worker needs of the configuration: not the gradebook's address (a password, maybe).
        self.worker_config = copy.deepcopy(self.config)
        self.worker_config.pop("CourseDirectory", None)
        self.intake = settings.Intake(config=self.config)
        self.batch = settings.BatchGrader(config=self.config)
        with Gradebook(url, self.coursedir.course_id) as gradebook:
            try:
                self.notebooks = [nb.name for nb in gradebook.find_assignment(assignment).notebooks]
            except MissingEntry:
                raise CourseError(f"no assignment {assignment!r} in the gradebook of {self.root}: "
                                  f"run `nbgrader generate_assignment {assignment}` there first") from None

    def source(self) -> Path:
        """The assignment's source folder."""
        return Path(self.coursedir.format_path(self.coursedir.source_directory, ".", self.assignment))

    def submitted(self) -> dict[str, Path]:
        """Every student's submission folder, by student id, less the students nbgrader is told to leave out."""
        pattern = Path(self.coursedir.format_path(self.coursedir.submitted_directory, self.coursedir.student_id or "*", self.assignment))
        excluded = {s.strip() for s in self.coursedir.student_id_exclude.split(",") if s.strip()}
        return {path.parent.name: path for path in sorted(pattern.parent.parent.glob(f"{pattern.parent.name}/{pattern.name}"))
                if path.is_dir() and path.parent.name not in excluded}

    def screen(self, folder: Path) -> intake.Screened:
        """What of a submission folder may be read (regular files only, within limits), and what is left out."""
        return intake.screen(folder, self.notebooks, self.coursedir.ignore, self.intake)

    def autograde(self, student: str) -> str:
        """nbgrader's Autograde of one submission (replaying what its worker did); '' or why it failed."""
        result = self.api.autograde(self.assignment, student, force=True, create=self.create_student)
        if result["success"]:
            return ""
        error = (result.get("error") or "").strip()
        if "KeyboardInterrupt" in error:  # nbgrader's log capture catches everything, an interrupt too
            raise KeyboardInterrupt
        # The cause is the last exception line of the traceback nbgrader logged; its own [ERROR] lines only say where.
        log = (result.get("log") or "").splitlines()
        causes = [line.strip() for line in log if _EXCEPTION.match(line) and "NbGraderException" not in line]
        errors = [line.removeprefix("[ERROR] ") for line in log if line.startswith("[ERROR]")]
        cause = (causes[-1] if causes else errors[0] if errors else "nbgrader could not grade it")[:300]
        grader, _, why = cause.partition(f"{GraderError.__module__}.{GraderError.__name__}: ")
        return words.say("batch.grader_error", why=why) if why and not grader else cause
