"""The grader's own failures, which are never a student's grade."""


class GraderError(Exception):
    """Grading could not be done (a check module that does not import, a jail that cannot be set up, a lost
    worker, a bug in the grader): the submission is reported as not graded, and its earlier grade kept.
    `str()` is one line for the instructor."""


def forget_new_submission(resources: dict) -> None:
    """After the grader's own failure in nbgrader's autograde: remove the submission nbgrader has just added
    for a student it had never graded, so that the gradebook keeps what it had (nothing), not a row of zeros.
    A student graded before keeps every grade: nbgrader writes grades only at the end of the pipeline."""
    from nbgrader.api import Gradebook, MissingEntry

    info = resources.get("nbgrader", {})
    if not info.get("db_url"):  # a batch worker: it has no gradebook
        return
    with Gradebook(info["db_url"]) as gradebook:
        try:
            submission = gradebook.find_submission(info["assignment"], info["student"])
        except MissingEntry:
            return
        grades = [grade for notebook in submission.notebooks for grade in notebook.grades]
        if all(grade.auto_score is None and grade.manual_score is None for grade in grades):
            gradebook.remove_submission(info["assignment"], info["student"])


class CourseError(Exception):
    """A course cannot be graded as asked (no such assignment, no gradebook, an nbgrader step failed);
    `str()` is one line for the command line."""
