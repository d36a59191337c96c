"""What of a submission folder the grader reads: its regular files, within limits; nothing else.

A submission folder is hostile input. Submissions that come from git repositories, archives or LMS
downloads keep their links, and nbgrader copies a link to the instructor's solution notebook, or to a
file of the host's /etc, as a plain file into `autograded/` and `feedback/`; a FIFO would block it, a
device would never end. So only regular files inside the submission's own folder are ever read, copied
or sent to a worker. A link (to anything), a FIFO, device or socket, a file over `max_file_bytes`, or a
folder of over `max_files` files is left out, and named in one line on stderr and in the student's
feedback. A submission whose notebook itself is such an entry, or whose folder is, cannot be graded.

`configure(c)`, called from the course's `nbgrader_config.py`, makes plain `nbgrader autograde` do the
same: the entries left out become `CourseDirectory.ignore` patterns (an absolute path each, which
matches that entry only), so nbgrader never reads or copies them; a submission that cannot be graded
is left out of `nbgrader autograde` with `CourseDirectory.student_id_exclude`, and an error line says
which file and what to do. The batch grader screens with `screen` itself.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from .. import words
from ..settings import Intake


@dataclass
class Screened:
    """One submission folder, screened."""

    files: list[str] = field(default_factory=list)
    """The regular files to read, relative to the folder (nbgrader's ignored names left aside)."""
    left_out: dict[str, str] = field(default_factory=dict)
    """Entries left out, relative to the folder, with why (words for the student)."""
    refused: str = ""
    """Why the submission cannot be graded at all, or ''."""


def screen(folder: Path, notebooks: list[str], ignore: list[str] = (), limits: Intake | None = None) -> Screened:
    """Look at a submission folder without following any link; `notebooks` are the names nbgrader grades (no .ipynb)."""
    limits = limits or Intake()
    found = Screened()
    # The student's folder and the submission's: either may be a link to another student's, or to anywhere.
    for where in (folder.parent, folder):
        try:
            mode = os.lstat(where).st_mode
        except OSError:
            mode = 0
        if not stat.S_ISDIR(mode):
            found.refused = words.say("intake.not_a_folder", name=where.name)
            return found
    complete = _walk(folder, "", ignore, limits, found)
    if not complete:
        found.refused = words.say("intake.too_many_files", limit=limits.max_files)
        return found
    for name in notebooks:
        notebook = f"{name}.ipynb"
        if notebook in found.left_out:
            found.refused = f"{notebook}: {found.left_out[notebook]}"
    return found


def _walk(folder: Path, prefix: str, ignore: list[str], limits: Intake, found: Screened) -> bool:
    """Screen one folder into `found`; False if it holds more than `max_files` files (then nothing of it is kept)."""
    files, left_out = [], {}
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return False
    for entry in entries:
        name = prefix + entry.name
        if any(fnmatch.fnmatch(entry.name, pattern) for pattern in ignore):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISLNK(info.st_mode):
            left_out[name] = words.say("intake.link")
        elif stat.S_ISDIR(info.st_mode):
            inner = Screened()
            if _walk(Path(entry.path), name + "/", ignore, limits, inner):
                files += inner.files
                left_out |= inner.left_out
            else:
                left_out[name] = words.say("intake.too_many_files", limit=limits.max_files)
        elif not stat.S_ISREG(info.st_mode):
            left_out[name] = words.say("intake.special")
        elif info.st_size > limits.max_file_bytes:
            left_out[name] = words.say("intake.too_large", size=info.st_size / 2**20, limit=limits.max_file_bytes / 2**20)
        else:
            files.append(name)
        if len(files) > limits.max_files:
            return False
    found.files += files
    found.left_out |= left_out
    return True


def submissions(coursedir: CourseDirectory) -> dict[tuple[str, str], Path]:
    """Every submission folder of the course, by (student, assignment), links included (they are screened, not followed)."""
    root = Path(os.path.normpath(coursedir.format_path(coursedir.submitted_directory, ".", ".")))
    found = {}
    for student in sorted(_entries(root)):
        for assignment in sorted(_entries(root / student)):
            found[(student, assignment)] = root / student / assignment
    return found


def _entries(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:  # missing, not a folder, or a link to something unreadable
        return []


def configure(c: Config) -> None:
    """Make plain nbgrader leave out what `screen` leaves out (see the module's docstring). Call it from nbgrader_config.py.

    If it fails, nbgrader must not go on: traitlets would log the error and drop the whole configuration.
    """
    try:
        _configure(c)
    except Exception as error:
        raise SystemExit(f"error: the submissions could not be screened ({type(error).__name__}: {error}); nothing was graded") from None


def _configure(c: Config) -> None:
    from nbgrader.apps import AutogradeApp

    coursedir = CourseDirectory(config=c)
    limits = Intake(config=c)
    # Screened with lines for the instructor only under `nbgrader autograde` (its application is a singleton).
    app = getattr(AutogradeApp, "_instance", None)
    app = app if isinstance(app, AutogradeApp) else None
    grading = (app.extra_args[:1] or [app.config.CourseDirectory.get("assignment_id", "")])[0] if app else None
    students = app.config.CourseDirectory.get("student_id", "*") if app else "*"
    ignore = list(coursedir.ignore)
    excluded = [s for s in coursedir.student_id_exclude.split(",") if s]
    for (student, assignment), folder in submissions(coursedir).items():
        screened = screen(folder, _notebooks(coursedir, assignment), coursedir.ignore, limits)
        ignore += [glob.escape(str(folder / name)) for name in screened.left_out]
        if grading is None or assignment != grading or not fnmatch.fnmatchcase(student, students):
            continue
        if screened.refused:
            excluded.append(student)
            _tell(words.say("intake.refused_line", student=student, why=screened.refused))
            continue
        for name, why in screened.left_out.items():
            _tell(words.say("intake.left_out_line", student=student, name=name, why=why))
    c.CourseDirectory.ignore = list(dict.fromkeys(ignore))
    if excluded:
        c.CourseDirectory.student_id_exclude = ",".join(dict.fromkeys(excluded))


_told: set[str] = set()


def _tell(line: str) -> None:
    """One line on stderr, once: nbgrader may load the configuration file more than once."""
    if line not in _told:
        _told.add(line)
        print(line, file=sys.stderr)


def _notebooks(coursedir: CourseDirectory, assignment: str) -> list[str]:
    """The notebooks of an assignment, as its source folder has them."""
    source = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
    return sorted(path.stem for path in source.glob("*.ipynb"))
