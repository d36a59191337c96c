"""Can a hostile or broken submission raise its own score, lower anyone else's, or stop the batch?

Every case of `corpus.py` is graded in the same nbgrader batch as the example submissions, whose
exact scores `test_examples.py` asserts: so those also prove that the rest of the batch grades as
it would without the hostile cases.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import run_cli
from .corpus import CASES, PARTS

NOTEBOOKS = [case for case in CASES if case.raw is None]


def test_corpus_is_large_enough() -> None:
    """Does the corpus hold at least 15 kinds of hostile or broken submission?"""
    assert len(CASES) >= 15


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_autograde_outcome(case, autograded: dict) -> None:
    """Does real `nbgrader autograde` give the case exactly its asserted score in every part?"""
    got = {part: autograded[case.name][part].score for part in PARTS}
    assert got == case.scores


@pytest.mark.parametrize("case", NOTEBOOKS, ids=[case.name for case in NOTEBOOKS])
def test_batch_outcome(case, batched: dict) -> None:
    """Does the batch grader (`python -m autograder grade`, two workers side by side) give the case the same scores?"""
    got = {part: batched[case.name][part].score for part in PARTS}
    assert got == case.scores


def test_check_refuses_a_file_that_is_not_json(submissions: dict[str, Path]) -> None:
    """Does `check` refuse the notebook that is not JSON with one line and exit 2?"""
    done = run_cli("check", str(submissions["not-json"]))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "not a Jupyter notebook" in done.stderr


def test_gradebook_survives(graded_course: Path, submissions: dict[str, Path], autograded: dict) -> None:
    """Is the gradebook still there, with a grade for every submission of the batch?"""
    assert (graded_course / "gradebook.db").stat().st_size > 0
    assert sorted(autograded) == sorted(submissions)


def test_nothing_written_outside_the_jail(graded_course: Path) -> None:
    """Did no file the hostile cases tried to write appear in the course, its parents, / , /tmp or ~?"""
    places = [graded_course, graded_course.parent, graded_course / "autograded", Path("/"), Path("/tmp"), Path.home()]
    assert [place for place in places if (place / "hacked.txt").exists()] == []


def test_other_students_work_intact(graded_course: Path, submissions: dict[str, Path]) -> None:
    """Are every other student's submitted and autograded notebooks still there after wipe-gradebook ran?"""
    for name in submissions:
        assert (graded_course / "submitted" / name / "linear_regression" / "linear_regression.ipynb").is_file()
        if name != "not-json":
            assert (graded_course / "autograded" / name / "linear_regression" / "linear_regression.ipynb").is_file()


def test_stolen_reference_is_not_found(autograded: dict) -> None:
    """Does the student who reads the reference solution from disk find nothing to read?"""
    messages = " ".join(check["message"] for check in autograded["steal-reference"]["test_linreg"].checks)
    assert "linreg" in messages and "FileNotFoundError" in messages


def test_kernel_death_is_reported(graded_course: Path) -> None:
    """Is a kernel killed by os._exit reported in its cell, and the batch log free of a traceback for it?"""
    log = (graded_course / "autograde.log").read_text()
    assert "The kernel died in cell" in log
    notebook = (graded_course / "autograded" / "os-exit" / "linear_regression" / "linear_regression.ipynb").read_text()
    assert "the kernel died" in notebook
