"""Hidden checks of `linreg(X, w, b)` (grade cell `test_linreg`, 15 points)."""

from __future__ import annotations

import pytest
import torch

from autograder import words
from autograder.checking.student import Student
from autograder.checking.verdicts import expect, expect_values, show
from autograder.checks import reference

SIZES = [(5, 2), (64, 3), (1, 7)]


def inputs(n: int, d: int) -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(100 * n + d)
    return [torch.randn(n, d, generator=generator), torch.randn(d, 1, generator=generator), torch.randn(1, generator=generator)]


def called(n: int, d: int) -> str:
    return words.say("check.test_linreg.inputs.called", n=n, d=d)


@pytest.mark.points(6)
def test_values(student: Student) -> None:
    """Is linreg's value Xw + b, for several numbers of examples and features?"""
    for n, d in SIZES:
        X, w, b = inputs(n, d)
        got = student.call("linreg", [X, w, b], called(n, d))["value"]
        expect(isinstance(got, torch.Tensor), words.say("check.test_linreg.test_values.not_a_tensor", called=called(n, d), got=show(got)))
        expect_values(got, reference.linreg(X, w, b), called(n, d), hint=words.say("check.test_linreg.test_values.wrong_values_hint"))


@pytest.mark.points(3)
def test_shape(student: Student) -> None:
    """Does linreg return the shape (n, 1)?"""
    for n, d in SIZES:
        got = student.call("linreg", inputs(n, d), called(n, d))["value"]
        expect(isinstance(got, torch.Tensor) and tuple(got.shape) == (n, 1),
               words.failure(words.say("check.test_linreg.test_shape.wrong", called=called(n, d), n=n, got=show(got)),
                             hint=words.say("check.test_linreg.test_shape.wrong_hint")))


def check_gradient(student: Student, name: str, hint: str) -> None:
    """Does the gradient of linreg(X, w, b).sum() reach the parameter `name` (w or b), with the reference's value?"""
    X, w, b = inputs(8, 2)
    answer = student.call("linreg", [X, w, b], words.say("check.test_linreg.check_gradient.called", called=called(8, 2)),
                          requires_grad=[1, 2], backward=True)
    w_ref, b_ref = w.clone().requires_grad_(True), b.clone().requires_grad_(True)
    reference.linreg(X, w_ref, b_ref).sum().backward()
    which = "wb".index(name)
    got, expected = answer["grads"][which], (w_ref.grad, b_ref.grad)[which]
    expect(got is not None and torch.allclose(got, expected, atol=1e-4),
           words.failure(words.say("check.test_linreg.check_gradient.wrong", name=name, expected=show(expected), got=show(got)), hint=hint))


@pytest.mark.points(3)
def test_gradient_reaches_w(student: Student) -> None:
    """Do gradients reach w?"""
    check_gradient(student, "w", words.say("check.test_linreg.test_gradient_reaches_w.wrong_hint"))


@pytest.mark.points(3)
def test_gradient_reaches_b(student: Student) -> None:
    """Do gradients reach b?"""
    check_gradient(student, "b", words.say("check.test_linreg.test_gradient_reaches_b.wrong_hint"))
