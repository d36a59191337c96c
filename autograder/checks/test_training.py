"""Hidden checks of training (grade cell `test_training`, 20 points): the student's four functions learn."""

from __future__ import annotations

import functools
from collections.abc import Callable

import pytest
import torch

from autograder import words
from autograder.checking import figures
from autograder.checking.student import Student
from autograder.checking.verdicts import CheckFailed, expect
from autograder.checks import reference

TOLERANCE = 0.02
"""How far a learned parameter may be from the truth after 3 epochs (a correct answer gets ~0.001)."""
SEED = 5
"""The seed of the training run, in the student's process and in the reference's run."""


@pytest.fixture(scope="module")
def truth() -> tuple[list[float], float]:
    """True parameters of the checks' own data, unlike the notebook's: an answer must learn them, not know them."""
    generator = torch.Generator().manual_seed(2027)
    w = (torch.rand(2, generator=generator) * 8 - 4).tolist()
    return w, float(torch.rand(1, generator=generator) * 10 - 5)


def training_data(truth: tuple[list[float], float]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The checks' own data and starting parameters: features, labels, w, b."""
    reference.seed_everything(123)
    features, labels = reference.synthetic_data(truth[0], truth[1], reference.NUM_EXAMPLES)
    w, b = (param.detach() for param in reference.init_params(len(truth[0])))
    return features, labels, w, b


@pytest.fixture(scope="module")
def learned(student: Student, truth: tuple[list[float], float]) -> dict:
    """w and b after the reference training loop ran with the student's functions on the checks' own data."""
    return student.train(*training_data(truth), reference.LR, reference.NUM_EPOCHS, reference.BATCH_SIZE, seed=SEED)


@functools.cache
def reference_losses(truth: tuple[tuple[float, ...], float]) -> tuple[float, ...]:
    """The mean loss per epoch of the same run with the reference's four functions, in the grader's process (once per process)."""
    features, labels, w, b = training_data((list(truth[0]), truth[1]))
    reference.seed_everything(SEED)  # as the student's process is seeded: the same batches, so a correct answer draws the same curve
    return tuple(reference.train(features, labels, w.clone().requires_grad_(True), b.clone().requires_grad_(True),
                                 reference.LR, reference.NUM_EPOCHS, reference.BATCH_SIZE))


def error(got, truth) -> float:
    got = torch.as_tensor(got, dtype=torch.float32).reshape(-1)
    truth = torch.as_tensor(truth, dtype=torch.float32).reshape(-1)
    return float((got - truth).abs().max()) if got.shape == truth.shape and torch.isfinite(got).all() else float("inf")


@pytest.mark.points(8)
def test_learns_w(student: Student, learned: dict, truth: tuple[list[float], float], figure: Callable[[dict], None]) -> None:
    """Is w close to the truth after 3 epochs of training with the student's four functions, on new data?"""
    sent = learned if isinstance(learned, dict) else {}  # the student's process's answer: checked and bounded by `figures`
    figure(figures.training(sent.get("losses"), list(reference_losses((tuple(truth[0]), truth[1]))), sent.get("w"), sent.get("b"),
                            truth[0], truth[1]))
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
