"""The instructor's side: nbgrader's own commands on a course folder, the grades read back, the score table, `check`."""

from .commands import environment, nbgrader, new_course, released, submit
from .gradebook import PartScore, course_scores, scores
from .table import table

__all__ = ["PartScore", "course_scores", "environment", "nbgrader", "new_course", "released", "scores", "submit", "table"]
