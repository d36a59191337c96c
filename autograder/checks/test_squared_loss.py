"""Hidden checks of `squared_loss(y_hat, y)` (grade cell `test_squared_loss`, 15 points)."""

from __future__ import annotations

import pytest
import torch

from autograder import words
from autograder.checking.student import Student
from autograder.checking.verdicts import expect, expect_values, same_values, show
from autograder.checks import reference


def inputs(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(7 * n)
    return torch.randn(n, 1, generator=generator), torch.randn(n, generator=generator)


def loss_of(student: Student, n: int, y_shape: tuple, **options) -> tuple[dict, torch.Tensor, str]:
    y_hat, y = inputs(n)
    y = y.reshape(y_shape)
    called = words.say("check.test_squared_loss.loss_of.called", n=n, y_shape=y_shape)
    return student.call("squared_loss", [y_hat, y], called, **options), reference.squared_loss(y_hat, y), called


@pytest.mark.points(4)
def test_per_example(student: Student) -> None:
    """Does squared_loss return each example's loss, neither summed nor averaged?"""
    answer, expected, called = loss_of(student, 6, (6, 1))
    got = answer["value"]
    expect(isinstance(got, torch.Tensor) and got.numel() == 6,
           words.failure(words.say("check.test_squared_loss.test_per_example.reduced", called=called, got=show(got)),
                         hint=words.say("check.test_squared_loss.test_per_example.reduced_hint")))


@pytest.mark.points(4)
def test_half_squared_error(student: Student) -> None:
    """Is each example's loss ½(ŷ − y)²?"""
    answer, expected, called = loss_of(student, 6, (6, 1))
    expect_values(answer["value"], expected, called, hint=words.say("check.test_squared_loss.test_half_squared_error.wrong_values_hint"))


@pytest.mark.points(4)
def test_no_broadcast(student: Student) -> None:
    """Does a y of shape (n,) keep the loss from broadcasting to (n, n)?"""
    answer, expected, called = loss_of(student, 5, (5,))
    got = answer["value"]
    expect(same_values(got, expected),
           words.failure(words.say("check.test_squared_loss.test_no_broadcast.broadcast", called=called), expected=show(expected), got=show(got),
                         hint=words.say("check.test_squared_loss.test_no_broadcast.broadcast_hint")))


@pytest.mark.points(3)
def test_gradient(student: Student) -> None:
    """Is the gradient with respect to y_hat the reference's?"""
    answer, _, called = loss_of(student, 6, (6,), requires_grad=[0], backward=True)
    y_hat, y = inputs(6)
    y_hat.requires_grad_(True)
    reference.squared_loss(y_hat, y).sum().backward()
    got = answer["grads"][0]
    expect(got is not None and torch.allclose(got, y_hat.grad, atol=1e-5),
           words.failure(words.say("check.test_squared_loss.test_gradient.wrong", called=called, expected=show(y_hat.grad), got=show(got)),
                         hint=words.say("check.test_squared_loss.test_gradient.wrong_hint")))
