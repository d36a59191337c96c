"""Hidden checks of speed (grade cell `test_vectorized`, 10 points): no Python loop over examples.

A loop over 10⁵ examples is hundreds of times slower than the reference; a vectorised answer in
any style is within a few times. The verdict uses the fastest of several runs after a warm-up,
a factor far wider than machine noise, and a floor in seconds; a 2 000-example call comes first,
so that a looping answer fails after a fraction of a second instead of running at full size.
"""

from __future__ import annotations

import time

import pytest
import torch

from autograder import reference
from autograder.feedback import expect
from autograder.student import Student

FACTOR = 50
"""How many times slower than the reference a vectorised answer may be."""
FLOOR = 0.05
"""Seconds under which any answer passes: at this size only a loop takes longer."""
N = 100_000
SMALL = 2_000


def linreg_inputs(n: int) -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(n)
    return [torch.randn(n, 2, generator=generator), torch.randn(2, 1, generator=generator), torch.randn(1, generator=generator)]


def loss_inputs(n: int) -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(n + 1)
    return [torch.randn(n, 1, generator=generator), torch.randn(n, generator=generator)]


def reference_seconds(fn, args: list, repeats: int = 5) -> float:
    fn(*args)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - start)
    return best


def check_speed(student: Student, name: str, make_inputs) -> None:
    limit = max(FACTOR * reference_seconds(getattr(reference, name), make_inputs(N)), FLOOR)
    small, _ = student.seconds(name, make_inputs(SMALL), f"{name}, {SMALL} 个样本")
    seconds = small
    if small <= limit:
        # Only the time is judged here: whether the values are right is the other parts' question.
        seconds, _ = student.seconds(name, make_inputs(N), f"{name}, {N} 个样本")
    size = N if small <= limit else SMALL
    expect(seconds <= limit,
           f"{name} 在 {size} 个样本上用了 {seconds:.3f} 秒, 超过了上限 {limit:.3f} 秒 "
           f"(参考答案在 {N} 个样本上的 {FACTOR} 倍, 至少 {FLOOR} 秒).\n"
           "提示 (hint): 不要用 Python 循环逐个样本计算; 用整个张量的运算 (矢量计算 vectorization), 例如 X @ w + b.")


@pytest.mark.points(5)
def test_linreg_is_vectorized(student: Student) -> None:
    """linreg 对 10⁵ 个样本用矢量计算 (vectorized), 速度与参考答案相当"""
    check_speed(student, "linreg", linreg_inputs)


@pytest.mark.points(5)
def test_squared_loss_is_vectorized(student: Student) -> None:
    """squared_loss 对 10⁵ 个样本用矢量计算 (vectorized), 速度与参考答案相当"""
    check_speed(student, "squared_loss", loss_inputs)
