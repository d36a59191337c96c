"""Hidden checks of training (grade cell `test_training`, 20 points): the student's four functions learn."""

from __future__ import annotations

import pytest
import torch

from autograder import words
from autograder.checking.student import Student
from autograder.checking.verdicts import CheckFailed, expect
from autograder.checks import reference

TOLERANCE = 0.02
"""How far a learned parameter may be from the truth after 3 epochs (a correct answer gets ~0.001)."""


@pytest.fixture(scope="module")
def truth() -> tuple[list[float], float]:
    """True parameters of the checks' own data, unlike the notebook's: an answer must learn them, not know them."""
    generator = torch.Generator().manual_seed(2027)
    w = (torch.rand(2, generator=generator) * 8 - 4).tolist()
    return w, float(torch.rand(1, generator=generator) * 10 - 5)


@pytest.fixture(scope="module")
def learned(student: Student, truth: tuple[list[float], float]) -> dict:
    """w and b after the reference training loop ran with the student's functions on the checks' own data."""
    reference.seed_everything(123)
    features, labels = reference.synthetic_data(truth[0], truth[1], reference.NUM_EXAMPLES)
    w, b = (param.detach() for param in reference.init_params(len(truth[0])))
    return student.train(features, labels, w, b, reference.LR, reference.NUM_EPOCHS, reference.BATCH_SIZE, seed=5)


def error(got, truth) -> float:
    got = torch.as_tensor(got, dtype=torch.float32).reshape(-1)
    truth = torch.as_tensor(truth, dtype=torch.float32).reshape(-1)
    return float((got - truth).abs().max()) if got.shape == truth.shape and torch.isfinite(got).all() else float("inf")


@pytest.mark.points(8)
def test_learns_w(student: Student, learned: dict, truth: tuple[list[float], float]) -> None:
    """Is w close to the truth after 3 epochs of training with the student's four functions, on new data?"""
    gap = error(learned["w"], truth[0])
    expect(gap < TOLERANCE, words.failure(
        words.say("check.test_training.test_learns_w.far", gap=gap, tolerance=TOLERANCE),
        more=[words.say("check.test_training.test_learns_w.losses", losses=[round(v, 6) for v in learned["losses"][:5]])],
        hint=words.say("check.test_training.test_learns_w.far_hint")))


@pytest.mark.points(8)
def test_learns_b(student: Student, learned: dict, truth: tuple[list[float], float]) -> None:
    """Is b close to the truth after 3 epochs of training with the student's four functions, on new data?"""
    gap = error(learned["b"], [truth[1]])
    expect(gap < TOLERANCE, words.failure(words.say("check.test_training.test_learns_b.far", gap=gap, tolerance=TOLERANCE),
                                          hint=words.say("check.test_training.test_learns_b.far_hint")))


@pytest.mark.points(4)
def test_notebook_trained_parameters(trained: dict | None) -> None:
    """Are the w and b that the notebook trained close to the truth?"""
    if not trained:
        raise CheckFailed(words.failure(words.say("check.test_training.test_notebook_trained_parameters.not_found"),
                                        hint=words.say("check.test_training.test_notebook_trained_parameters.not_found_hint")))
    w_error, b_error = error(trained.get("w"), reference.TRUE_W), error(trained.get("b"), [reference.TRUE_B])
    expect(max(w_error, b_error) < TOLERANCE, words.failure(
        words.say("check.test_training.test_notebook_trained_parameters.far", w=trained.get("w"), b=trained.get("b"),
                  true_w=reference.TRUE_W, true_b=reference.TRUE_B, w_error=w_error, b_error=b_error, tolerance=TOLERANCE),
        hint=words.say("check.test_training.test_notebook_trained_parameters.far_hint")))
