"""Hidden checks of speed (grade cell `test_vectorized`, 10 points): no Python loop over examples.

The verdict must not depend on how busy the grading machine is, so it rests on two measures that
load does not change:

1. How many torch functions and tensor methods one call makes, at two sizes (100 and 1 000
   examples). A vectorised answer makes the same few at any size; a loop over the examples
   (a list of per-row results, `map`, writes into a preallocated tensor) makes more for every
   example, whatever the clock says.
2. For a loop that counting cannot see (over `.tolist()`, or over numpy values), the CPU time per
   call at 10⁵ examples, beside the book's own function on the same inputs, in the same process,
   single-threaded, in turns: a loop is hundreds of times slower, a vectorised answer in any style
   within a few times, and other work on the machine slows neither (`autograder.clock`).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch

from autograder import words
from autograder.checking.student import Student
from autograder.checking.verdicts import expect
from autograder.checks import reference

FACTOR = 50
"""How many times the book's CPU time per call a vectorised answer may take."""
SIZES = (100, 1_000)
"""The two sizes at which the operations of one call are counted."""
N = 100_000
"""The size at which a call is timed."""


def linreg_inputs(n: int) -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(n)
    return [torch.randn(n, 2, generator=generator), torch.randn(2, 1, generator=generator), torch.randn(1, generator=generator)]


def loss_inputs(n: int) -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(n + 1)
    return [torch.randn(n, 1, generator=generator), torch.randn(n, generator=generator)]


def check_vectorized(student: Student, name: str, make_inputs: Callable[[int], list], book: Callable, written: str) -> None:
    def called(n: int) -> str:
        return words.say("check.test_vectorized.check_vectorized.called", name=name, n=n)

    small, large = SIZES
    counts = [student.operations(name, make_inputs(n), called(n)) for n in SIZES]
    # A loop over the examples makes at least one call for every ten of them.
    expect(counts[1] - counts[0] < (large - small) // 10, words.failure(
        words.say("check.test_vectorized.check_vectorized.more_operations", name=name, small=small, small_count=counts[0],
                  large=large, large_count=counts[1]),
        hint=words.say("check.test_vectorized.check_vectorized.more_operations_hint", written=written)))
    # Only the time is judged here: whether the values are right is the other parts' question.
    seconds, yardstick = student.seconds_per_call(name, make_inputs(N), called(N), book)
    ratio = seconds / max(yardstick, 1e-9)
    expect(ratio <= FACTOR, words.failure(
        words.say("check.test_vectorized.check_vectorized.slow", name=name, n=N, seconds=seconds, written=written, yardstick=yardstick,
                  ratio=ratio, factor=FACTOR),
        hint=words.say("check.test_vectorized.check_vectorized.slow_hint", written=written)))


@pytest.mark.points(5)
def test_linreg_is_vectorized(student: Student) -> None:
    """Is linreg vectorised: as many operations at any size, and at 10⁵ examples about as fast as the book's?"""
    check_vectorized(student, "linreg", linreg_inputs, reference.linreg, "torch.mm(X, w) + b")


@pytest.mark.points(5)
def test_squared_loss_is_vectorized(student: Student) -> None:
    """Is squared_loss vectorised: as many operations at any size, and at 10⁵ examples about as fast as the book's?"""
    check_vectorized(student, "squared_loss", loss_inputs, reference.squared_loss, "(y_hat - y.view(y_hat.size())) ** 2 / 2")
