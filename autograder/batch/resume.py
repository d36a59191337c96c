"""What a rerun may skip: the digest of each submission as it was graded, kept in autograded/.

A submission is graded again when it is new, when its files changed, when its autograded folder or
gradebook entry is gone, and every submission once the grading itself changed (the package, its
checks and reference, the source folder, the configuration).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.utils import find_all_files

from .. import paths
from ..submission.intake import Screened
from .setup import Setup

STATE = "grade-state-{assignment}.json"
"""Kept in autograded/: the digest of each submission as it was graded, so that a rerun skips it."""


class Resume:
    """The resume state of one assignment, and what the gradebook holds of it."""

    def __init__(self, setup: Setup):
        self.setup = setup
        self.grading = grading_digest(setup)
        self.refresh()

    def digest(self, folder: Path, screened: Screened) -> str:
        """A fingerprint of the files nbgrader would read from a submission folder, and of what grades them."""
        sha = hashlib.sha256(self.grading.encode())
        for name in sorted(screened.files):
            sha.update(name.encode() + b"\0" + (folder / name).read_bytes() + b"\0")
        sha.update(repr(sorted(screened.left_out.items())).encode())
        return sha.hexdigest()

    def refresh(self) -> None:
        """Read again which students have a submission of the assignment in the gradebook."""
        with Gradebook(self.setup.coursedir.db_url, self.setup.coursedir.course_id) as gradebook:
            self.graded = {s.student_id for s in gradebook.find_assignment(self.setup.assignment).submissions}

    def is_graded(self, student: str) -> bool:
        """Has the student's submission an entry in the gradebook and an autograded folder?"""
        coursedir = self.setup.coursedir
        return student in self.graded and Path(coursedir.format_path(coursedir.autograded_directory, student, self.setup.assignment)).is_dir()

    def load(self) -> dict[str, str]:
        """The digest of each submission as it was last graded."""
        path = self._path()
        try:
            return json.loads(path.read_text()) if path.is_file() else {}
        except (OSError, ValueError):
            return {}

    def save(self, state: dict[str, str]) -> None:
        """Write the digests atomically: an interrupted run leaves the last complete state."""
        path = self._path()
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(state, indent=1, sort_keys=True))
        temporary.replace(path)

    def _path(self) -> Path:
        coursedir = self.setup.coursedir
        return Path(coursedir.root, coursedir.autograded_directory, STATE.format(assignment=self.setup.assignment))


def grading_digest(setup: Setup) -> str:
    """A fingerprint of the grading itself: the whole package (its checks and reference included), the
    source folder, a course's own checks folder if it names one, and the configuration."""
    sha = hashlib.sha256()
    checks = setup.config.HiddenChecks.get("checks_folder") or setup.config.CheckLimits.get("checks_folder")
    for folder in [setup.source(), paths.PACKAGE, *([Path(checks)] if checks else [])]:
        for name in sorted(find_all_files(str(folder), ["__pycache__", "*.pyc", ".ipynb_checkpoints"])):
            sha.update(os.path.relpath(name, folder).encode() + b"\0" + Path(name).read_bytes() + b"\0")
    sha.update(repr(sorted((section, repr(values)) for section, values in setup.config.items())).encode())
    return sha.hexdigest()
