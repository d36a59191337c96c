"""Hidden checks of `sgd(params, lr, batch_size)` (grade cell `test_sgd`, 20 points)."""

from __future__ import annotations

import pytest
import torch

from autograder import words
from autograder.checking.student import Student
from autograder.checking.verdicts import CheckFailed, expect, show

SHAPES = [(2, 1), (1,), (3, 4)]


def params_and_grads(count: int) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    generator = torch.Generator().manual_seed(11)
    values = [torch.randn(shape, generator=generator) for shape in SHAPES[:count]]
    grads = [torch.randn(shape, generator=generator) for shape in SHAPES[:count]]
    return values, grads


def step(student: Student, count: int, lr: float, batch_size: int) -> tuple[dict, list, list]:
    values, grads = params_and_grads(count)
    expected = [v - lr * g / batch_size for v, g in zip(values, grads)]
    return student.sgd_step(values, grads, lr, batch_size), values, expected


def left_unchanged(student: Student, count: int) -> list[int]:
    """The indices of the `count` given tensors that one step (lr=0.03, batch_size=10) left exactly as they were."""
    answer, before, _ = step(student, count, 0.03, 10)
    return [k for k, (got, old) in enumerate(zip(answer["values"], before)) if torch.equal(got, old)]


def mismatch(after: list, expected: list) -> int | None:
    """The index of the first parameter whose value is not the expected one."""
    for k, (got, want) in enumerate(zip(after, expected)):
        if not torch.allclose(got, want, atol=1e-6):
            return k
    return None


def check_update(student: Student, lr: float, batch_size: int, hint: str) -> None:
    """Is every parameter param − lr·grad/batch_size after one step of sgd([w, b], lr, batch_size)?"""
    answer, before, expected = step(student, 2, lr, batch_size)
    after = answer["values"]
    k = mismatch(after, expected)
    if k is None:
        return
    if all(torch.equal(got, old) for got, old in zip(after, before)):
        hint = words.say("check.test_sgd.check_update.unchanged_hint")  # nothing changed: the cause is not the formula
    raise CheckFailed(words.failure(words.say("check.test_sgd.check_update.wrong", lr=lr, batch_size=batch_size, k=k),
                                    expected=show(expected[k]), got=show(after[k]), hint=hint))


@pytest.mark.points(5)
def test_changes_the_given_tensors(student: Student) -> None:
    """Does sgd change the very tensors it is given (in place)?"""
    left = left_unchanged(student, 2)
    expect(not left, words.failure(words.say("check.test_sgd.test_changes_the_given_tensors.unchanged", k=left[0] if left else 0),
                                   hint=words.say("check.test_sgd.test_changes_the_given_tensors.unchanged_hint")))


@pytest.mark.points(5)
def test_divides_by_batch_size(student: Student) -> None:
    """Is the update lr · grad / batch_size?"""
    check_update(student, 0.03, 10, words.say("check.test_sgd.test_divides_by_batch_size.wrong_hint"))


@pytest.mark.points(3)
def test_every_parameter(student: Student) -> None:
    """Does sgd update every tensor of params (here 3 of different shapes)?"""
    left = left_unchanged(student, 3)
    expect(not left, words.failure(words.say("check.test_sgd.test_every_parameter.not_updated", shapes=SHAPES, unchanged=left),
                                   hint=words.say("check.test_sgd.test_every_parameter.not_updated_hint")))


@pytest.mark.points(3)
def test_uses_its_arguments(student: Student) -> None:
    """Does sgd use its own arguments lr and batch_size (lr=0.5, batch_size=4), not the notebook's globals?"""
    check_update(student, 0.5, 4, words.say("check.test_sgd.test_uses_its_arguments.wrong_hint"))


@pytest.mark.points(4)
def test_autograd_still_works(student: Student) -> None:
    """Are the parameters still leaves that require gradients after the update, so that backward still works?"""
    answer, _, _ = step(student, 2, 0.03, 10)
    ok = all(answer["requires_grad"]) and all(answer["is_leaf"]) and answer["backward_error"] is None
    backward = answer["backward_error"] or words.say("check.test_sgd.test_autograd_still_works.backward_fine")
    expect(ok, words.failure(words.say("check.test_sgd.test_autograd_still_works.broken", requires_grad=answer["requires_grad"],
                                       is_leaf=answer["is_leaf"], backward=backward),
                             hint=words.say("check.test_sgd.test_autograd_still_works.broken_hint")))
