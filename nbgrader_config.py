"""nbgrader's configuration for this course: run nbgrader from this folder.

The autograde pipeline is nbgrader's own, with three changes: `SandboxedExecute` runs the student's
kernel in a jail and survives its death (instead of `Execute`), `HiddenChecks`, after it, scores the
grade cells with the hidden checks under `autograder/checks/`, and `NoteLeftOut` tells the student
what of their folder was left out (links, FIFOs, files too large: see `autograder/intake.py`).
"""

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

try:
    from autograder import intake
    from autograder.execute import SandboxedExecute
    from autograder.intake import NoteLeftOut
    from autograder.preprocessor import HiddenChecks
except Exception as error:
    # traitlets would log the error and go on with nbgrader's stock pipeline: students' code unjailed and unchecked.
    raise SystemExit(f"error: this course's grader cannot be loaded ({type(error).__name__}: {error}); nothing was graded") from None

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = "d2l-linear-regression"

c.Autograde.autograde_preprocessors = [
    SandboxedExecute,
    HiddenChecks,
    NoteLeftOut,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]

# The solution notebook runs in about 5 s, no cell over 2 s; a student's may be slower, or never end.
c.SandboxedExecute.timeout = 60
c.JailedKernelManager.memory_bytes = 8 << 30
c.HiddenChecks.call_seconds = 20.0
c.HiddenChecks.part_seconds = 60.0
c.HiddenChecks.memory_bytes = 4 << 30

# What a submission folder brings is hostile input: only its regular files, within these limits, are read or copied.
c.Intake.max_file_bytes = 20 << 20
c.Intake.max_files = 500
intake.configure(c)
