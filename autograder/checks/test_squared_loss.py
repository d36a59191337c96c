"""Hidden checks of `squared_loss(y_hat, y)` (grade cell `test_squared_loss`, 15 points)."""

from __future__ import annotations

import pytest
import torch

from autograder.checking.student import Student
from autograder.checking.verdicts import expect, first_difference, show
from autograder.checks import reference


def inputs(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(7 * n)
    return torch.randn(n, 1, generator=generator), torch.randn(n, generator=generator)


def loss_of(student: Student, n: int, y_shape: tuple, **options) -> tuple[dict, torch.Tensor, str]:
    y_hat, y = inputs(n)
    y = y.reshape(y_shape)
    called = f"squared_loss(y_hat, y), y_hat 形状 ({n}, 1), y 形状 {y_shape}"
    return student.call("squared_loss", [y_hat, y], called, **options), reference.squared_loss(y_hat, y), called


@pytest.mark.points(4)
def test_per_example(student: Student) -> None:
    """返回每个样本的损失, 不求和也不求平均 (not reduced)"""
    answer, expected, called = loss_of(student, 6, (6, 1))
    got = answer["value"]
    expect(isinstance(got, torch.Tensor) and got.numel() == 6,
           f"{called} 应返回 6 个样本各自的损失 (形状 (6, 1)), 得到 (got) {show(got)}.\n"
           "提示 (hint): 不要调用 .sum() 或 .mean(); 训练循环会自己求和.")


@pytest.mark.points(4)
def test_half_squared_error(student: Student) -> None:
    """每个样本的损失等于 ½(ŷ − y)²"""
    answer, expected, called = loss_of(student, 6, (6, 1))
    got = answer["value"]
    ok = isinstance(got, torch.Tensor) and got.numel() == 6 and torch.allclose(got.reshape(6, 1).float(), expected, atol=1e-5)
    expect(ok, f"{called} 的值不对.\n  期望 (expected) {show(expected)}\n  得到 (got) {show(got)}\n"
               + (f"  {first_difference(got.reshape(6, 1), expected)}\n" if isinstance(got, torch.Tensor) and got.numel() == 6 else "")
               + "提示 (hint): 损失是 (y_hat - y) ** 2 / 2, 注意系数 ½.")


@pytest.mark.points(4)
def test_no_broadcast(student: Student) -> None:
    """y 的形状为 (n,) 时不会广播成 (n, n)"""
    answer, expected, called = loss_of(student, 5, (5,))
    got = answer["value"]
    ok = isinstance(got, torch.Tensor) and got.numel() == 5 and torch.allclose(got.reshape(5, 1).float(), expected, atol=1e-5)
    expect(ok, f"{called}:\n  期望 (expected) {show(expected)}\n  得到 (got) {show(got)}\n"
               "提示 (hint): (5, 1) 减 (5,) 会广播 (broadcast) 成 (5, 5); 先用 y.view(y_hat.shape) 把 y 变成 y_hat 的形状.")


@pytest.mark.points(3)
def test_gradient(student: Student) -> None:
    """对 y_hat 的梯度与参考答案一致"""
    answer, _, called = loss_of(student, 6, (6,), requires_grad=[0], backward=True)
    y_hat, y = inputs(6)
    y_hat.requires_grad_(True)
    reference.squared_loss(y_hat, y).sum().backward()
    got = answer["grads"][0]
    expect(got is not None and torch.allclose(got, y_hat.grad, atol=1e-5),
           f"对 {called} 的 .sum() 反向传播后, y_hat.grad 应为 {show(y_hat.grad)}, 得到 (got) {show(got)}.\n"
           "提示 (hint): ½(ŷ − y)² 对 ŷ 的导数是 ŷ − y; 用 torch 运算计算, 不要切断梯度.")
