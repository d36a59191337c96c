"""Do the example submissions get exactly their scores, through nbgrader, the batch grader and `check`?"""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder import assignment
from autograder.dev.examples import EXAMPLES

PARTS = [part.grade_id for part in assignment.PARTS]
FULL = tuple(assignment.POINTS[part] for part in PARTS)

# Per part, in the order of PARTS. A mistake loses points in its own part, and in training where it
# stops the model from learning; every correct style gets full marks.
EXPECTED = {
    "solution": FULL,
    "blank": (0, 0, 0, 0, 0, 0),
    "no-shuffle": (15, 15, 15, 20, 20, 10),
    "drop-last": (14, 15, 15, 20, 20, 10),
    "with-replacement": (15, 15, 15, 20, 20, 10),
    "missing-bias": (20, 6, 15, 20, 0, 10),
    "missing-half": (20, 15, 4, 20, 20, 10),
    "loss-not-reshaped": (20, 15, 8, 20, 0, 5),
    "loss-mean": (20, 15, 0, 20, 0, 10),
    "sgd-no-batch-division": (20, 15, 15, 12, 20, 10),
    "sgd-rebind": (20, 15, 15, 4, 0, 10),
    "linreg-loop": (20, 15, 15, 20, 20, 5),
    "style-matmul": FULL,
    "style-at": FULL,
    "style-randperm": FULL,
    "style-list": FULL,
    "style-no-grad": FULL,
}


def test_every_example_has_an_expectation() -> None:
    """Is every example submission's score asserted?"""
    assert sorted(EXPECTED) == sorted(example.name for example in EXAMPLES)


def test_mistakes_lose_points_and_styles_do_not() -> None:
    """Does every mistake cost points, and every correct style get 100?"""
    for name, scores in EXPECTED.items():
        if name.startswith("style-") or name == "solution":
            assert scores == FULL, name
        else:
            assert sum(scores) < 100, name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_autograde_scores(name: str, autograded: dict) -> None:
    """Does real `nbgrader autograde` give the example exactly its expected score in every part?"""
    got = tuple(autograded[name][part].score for part in PARTS)
    assert got == EXPECTED[name], f"{name}: {dict(zip(PARTS, got))}"
    assert all(autograded[name][part].max_score == points for part, points in zip(PARTS, FULL))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_batch_grader_gives_the_same_scores(name: str, batched: dict) -> None:
    """Does `python -m autograder grade` give the same numbers as nbgrader?"""
    got = tuple(batched[name][part].score for part in PARTS)
    assert got == EXPECTED[name], f"{name}: {dict(zip(PARTS, got))}"


@pytest.mark.parametrize("name", ["missing-half", "sgd-rebind"])
def test_check_command_gives_the_same_scores(name: str, checked: dict) -> None:
    """Does `python -m autograder check` give the same numbers as nbgrader?"""
    got = tuple(checked[name][part]["score"] for part in PARTS)
    assert got == EXPECTED[name], f"{name}: {dict(zip(PARTS, got))}"


def test_failed_checks_explain_themselves(autograded: dict) -> None:
    """Does each failed check of a mistake carry a message with what was called and a hint?"""
    failed = [check for part in autograded["sgd-rebind"].values() for check in part.checks if not check["passed"]]
    assert failed
    for check in failed:
        assert "提示 (hint)" in check["message"], check
    rebind = next(check for check in failed if check["name"] == "test_changes_the_given_tensors")
    assert "sgd([w, b], lr=0.03, batch_size=10)" in rebind["message"]
    assert "param.data -=" in rebind["message"]


def test_blank_release_points_at_the_blanks(autograded: dict) -> None:
    """Does the untouched release get messages that say to fill in the blank?"""
    checks = [check for part in autograded["blank"].values() for check in part.checks]
    of_functions = [check for check in checks if check["name"] != "test_notebook_trained_parameters"]
    assert of_functions and all("NotImplementedError" in check["message"] for check in of_functions)
    assert all("请删掉 `raise NotImplementedError()`" in check["message"] for check in of_functions)
    trained = next(check for check in checks if check["name"] == "test_notebook_trained_parameters")
    assert "Kernel → Restart Kernel and Run All Cells…" in trained["message"]


def test_feedback_shows_checks_but_hides_their_code(graded_course: Path) -> None:
    """Does the feedback HTML show the per-check messages and the score, and nothing of the hidden checks' code?"""
    html = (graded_course / "feedback" / "loss-not-reshaped" / "linear_regression" / "linear_regression.html").read_text()
    assert "y 的形状为 (n,) 时不会广播成 (n, n)" in html
    assert "y.view(y_hat.shape)" in html
    assert "8 / 15" in html
    for secret in ["autograder", "def test_", "manual_seed(7", "probes", "BEGIN HIDDEN", "reference.squared_loss"]:
        assert secret not in html, secret
