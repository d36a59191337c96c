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
    small, large = SIZES
    counts = [student.operations(name, make_inputs(n), f"{name}, {n} 个样本") for n in SIZES]
    # A loop over the examples makes at least one call for every ten of them.
    expect(counts[1] - counts[0] < (large - small) // 10,
           f"{name} 处理 {small} 个样本时调用了 {counts[0]} 次张量运算 (torch functions and tensor methods), "
           f"处理 {large} 个样本时调用了 {counts[1]} 次: 运算次数随样本数增长, 说明有一个逐个样本的 Python 循环 (a loop over the examples).\n"
           f"提示 (hint): 不要逐个样本计算; 用整个张量的运算 (矢量计算 vectorization), 例如 {written}.")
    # Only the time is judged here: whether the values are right is the other parts' question.
    seconds, yardstick = student.seconds_per_call(name, make_inputs(N), f"{name}, {N} 个样本", book)
    ratio = seconds / max(yardstick, 1e-9)
    expect(ratio <= FACTOR,
           f"{name} 在 {N} 个样本上每次调用用了 {seconds:.4f} 秒 CPU 时间, 是书中的矢量写法 {written} "
           f"({yardstick:.6f} 秒) 的 {ratio:.0f} 倍, 上限是 {FACTOR} 倍 (在同一个进程里单线程轮流计时, 与机器忙不忙无关).\n"
           "提示 (hint): 不要用 Python 循环逐个样本计算 (也不要遍历 .tolist() 或 numpy 数组); "
           f"用整个张量的运算 (矢量计算 vectorization), 例如 {written}.")


@pytest.mark.points(5)
def test_linreg_is_vectorized(student: Student) -> None:
    """linreg 对整批样本用矢量计算 (vectorized): 运算次数不随样本数增长, 10⁵ 个样本的用时与书中写法相当"""
    check_vectorized(student, "linreg", linreg_inputs, reference.linreg, "torch.mm(X, w) + b")


@pytest.mark.points(5)
def test_squared_loss_is_vectorized(student: Student) -> None:
    """squared_loss 对整批样本用矢量计算 (vectorized): 运算次数不随样本数增长, 10⁵ 个样本的用时与书中写法相当"""
    check_vectorized(student, "squared_loss", loss_inputs, reference.squared_loss, "(y_hat - y.view(y_hat.size())) ** 2 / 2")
