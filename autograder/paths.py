"""The repository's paths: where each stage's files live. Everything else asks here.

The jail's list of what to hide and the grading digest that decides what to regrade are computed
from these, so that moving a file can never open a hole or skip a regrade.
"""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
"""The grader's package: the hidden checks and the reference live here, never shown to students."""
ROOT = PACKAGE.parent
"""The repository, which is also a course folder (`python -m autograder demo` grades there)."""
SOURCE = ROOT / "source"
"""The instructor's notebooks (nbgrader's source format)."""
RELEASE = ROOT / "release"
"""What students get, as `nbgrader generate_assignment` makes it."""
CHECKS = PACKAGE / "checks"
"""The hidden checks: one pytest module per grade cell, and the reference beside them."""
CONFIG = ROOT / "nbgrader_config.py"
"""The course's nbgrader configuration."""
STUDENT_SIDE = PACKAGE / "isolation" / "student_side.py"
"""The script the student's process runs (sent on its command line: the package is hidden from the jail)."""
