"""nbgrader's configuration for this course: run nbgrader from this folder.

The autograde pipeline is nbgrader's own, with two changes: `SandboxedExecute` runs the student's
kernel in a jail and survives its death (instead of `Execute`), and `HiddenChecks`, after it,
scores the grade cells with the hidden checks under `autograder/checks/`.
"""

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

from autograder.execute import SandboxedExecute
from autograder.preprocessor import HiddenChecks

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = "d2l-linear-regression"

c.Autograde.autograde_preprocessors = [
    SandboxedExecute,
    HiddenChecks,
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
