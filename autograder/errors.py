"""The grader's own failures, which are never a student's grade."""


class GraderError(Exception):
    """Grading could not be done (a check module that does not import, a jail that cannot be set up, a lost
    worker, a bug in the grader): the submission is reported as not graded, and its earlier grade kept.
    `str()` is one line for the instructor."""
