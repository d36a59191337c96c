"""Hidden checks of `linreg(X, w, b)` (grade cell `test_linreg`, 15 points)."""

from __future__ import annotations

import pytest
import torch

from autograder.checking.student import Student
from autograder.checking.verdicts import expect, first_difference, show
from autograder.checks import reference

SIZES = [(5, 2), (64, 3), (1, 7)]


def inputs(n: int, d: int) -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(100 * n + d)
    return [torch.randn(n, d, generator=generator), torch.randn(d, 1, generator=generator), torch.randn(1, generator=generator)]


def called(n: int, d: int) -> str:
    return f"linreg(X, w, b), X 形状 ({n}, {d}), w 形状 ({d}, 1), b 形状 (1,)"


@pytest.mark.points(6)
def test_values(student: Student) -> None:
    """linreg 的值等于 Xw + b (几种样本数与特征数)"""
    for n, d in SIZES:
        X, w, b = inputs(n, d)
        got = student.call("linreg", [X, w, b], called(n, d))["value"]
        expected = reference.linreg(X, w, b)
        expect(isinstance(got, torch.Tensor), f"{called(n, d)} 应返回一个张量 (tensor), 得到 (got) {show(got)}.")
        expect(got.numel() == n and torch.allclose(got.reshape(n, 1).float(), expected, atol=1e-5),
               f"{called(n, d)} 的值不对.\n  期望 (expected) {show(expected)}\n  得到 (got) {show(got)}\n"
               + (f"  {first_difference(got.reshape(n, 1), expected)}\n" if got.numel() == n else "")
               + "提示 (hint): ŷ = Xw + b, 用 torch.mm(X, w) + b 或 X @ w + b; 别忘了偏差 (bias) b.")


@pytest.mark.points(3)
def test_shape(student: Student) -> None:
    """linreg 返回形状 (n, 1)"""
    for n, d in SIZES:
        got = student.call("linreg", inputs(n, d), called(n, d))["value"]
        expect(isinstance(got, torch.Tensor) and tuple(got.shape) == (n, 1),
               f"{called(n, d)} 应返回形状 ({n}, 1) 的张量, 得到 (got) {show(got)}.\n"
               "提示 (hint): w 的形状是 (d, 1), 矩阵乘法 X @ w 就得到 (n, 1); 不要 squeeze 或 reshape 成 (n,).")


def gradients(student: Student) -> tuple[list, list]:
    X, w, b = inputs(8, 2)
    answer = student.call("linreg", [X, w, b], called(8, 2) + ", 然后 .sum().backward()", requires_grad=[1, 2], backward=True)
    w_ref, b_ref = w.clone().requires_grad_(True), b.clone().requires_grad_(True)
    reference.linreg(X, w_ref, b_ref).sum().backward()
    return answer["grads"], [w_ref.grad, b_ref.grad]


@pytest.mark.points(3)
def test_gradient_reaches_w(student: Student) -> None:
    """梯度能传到 w (gradients reach w)"""
    (w_grad, _), (expected, _) = gradients(student)
    expect(w_grad is not None and torch.allclose(w_grad, expected, atol=1e-4),
           f"对 linreg(X, w, b).sum() 反向传播后, w.grad 应为 {show(expected)}, 得到 (got) {show(w_grad)}.\n"
           "提示 (hint): 直接用 torch 运算计算 Xw + b; 不要用 .detach()、.numpy() 或 .item(), 它们会切断梯度.")


@pytest.mark.points(3)
def test_gradient_reaches_b(student: Student) -> None:
    """梯度能传到 b (gradients reach b)"""
    (_, b_grad), (_, expected) = gradients(student)
    expect(b_grad is not None and torch.allclose(b_grad, expected, atol=1e-4),
           f"对 linreg(X, w, b).sum() 反向传播后, b.grad 应为 {show(expected)}, 得到 (got) {show(b_grad)}.\n"
           "提示 (hint): 结果里要加上偏差 b (+ b), 梯度才能传到 b.")
