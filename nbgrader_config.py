"""nbgrader's configuration for this course: run nbgrader from this folder.

The autograde pipeline is nbgrader's own, with three changes: `SandboxedExecute` runs the student's
kernel in a jail and survives its death (instead of `Execute`), `HiddenChecks`, after it, scores the
grade cells with the hidden checks under `autograder/checks/`, and `NoteLeftOut` tells the student
what of their folder was left out (links, FIFOs, files too large: see `autograder/submission/intake.py`).
`generate_feedback` writes its pages with the template in `autograder/feedback/`.
Every limit is a trait of `autograder/settings.py`, with its default and help text there; set one here
to change it, for example `c.HiddenChecks.call_seconds = 10` or `c.BatchGrader.workers = 4`.
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
    from autograder import feedback
    from autograder.pipeline import HiddenChecks, NoteLeftOut, SandboxedExecute
    from autograder.submission import intake
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

# What a submission folder brings is hostile input: only its regular files, within the limits of
# c.Intake, are read or copied; the rest is left out of nbgrader's own copying too.
intake.configure(c)

# The students' feedback pages (generate_feedback): this course's template, which names the parts, embeds MathJax
# and keeps the score nbgrader reads out of the report (autograder/feedback/).
feedback.configure(c)
