"""Hidden checks of training (grade cell `test_training`, 20 points): the student's four functions learn."""

from __future__ import annotations

import pytest
import torch

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
    """用你的四个函数在新数据上训练 3 个 epoch 后, 学到的 w 接近真实值"""
    gap = error(learned["w"], truth[0])
    expect(gap < TOLERANCE,
           f"用你的 data_iter、linreg、squared_loss、sgd 在另一组数据 (1000 个样本, 2 个特征) 上训练 3 个 epoch "
           f"(lr=0.03, batch_size=10) 后, w 与真实值的最大误差为 {gap:.4g}, 容差 (tolerance) {TOLERANCE}.\n"
           f"  每个 epoch 的平均损失 (losses): {[round(v, 6) for v in learned['losses'][:5]]}\n"
           "提示 (hint): 先让上面四个函数的检查全部通过; 损失不下降通常是 sgd 或 squared_loss 有问题.")


@pytest.mark.points(8)
def test_learns_b(student: Student, learned: dict, truth: tuple[list[float], float]) -> None:
    """用你的四个函数在新数据上训练 3 个 epoch 后, 学到的 b 接近真实值"""
    gap = error(learned["b"], [truth[1]])
    expect(gap < TOLERANCE,
           f"用你的四个函数在另一组数据上训练 3 个 epoch 后, b 与真实值的最大误差为 {gap:.4g}, 容差 {TOLERANCE}.\n"
           "提示 (hint): 先让上面四个函数的检查都通过; b 学不到, 常见原因是 linreg 没有加上 b, 或 sgd 没有更新每一个参数.")


@pytest.mark.points(4)
def test_notebook_trained_parameters(trained: dict | None) -> None:
    """notebook 中训练得到的 w 和 b 接近真实值"""
    if not trained:
        raise CheckFailed("没有找到 notebook 训练得到的参数: test_training 单元格没有运行到最后.\n"
                          "提示 (hint): 从头运行整个 notebook (Restart & Run All), 确认训练单元格没有报错.")
    w_error, b_error = error(trained.get("w"), reference.TRUE_W), error(trained.get("b"), [reference.TRUE_B])
    expect(max(w_error, b_error) < TOLERANCE,
           f"notebook 训练得到 w = {trained.get('w')}, b = {trained.get('b')}; 与真实值 w = {reference.TRUE_W}, "
           f"b = {reference.TRUE_B} 的最大误差 w: {w_error:.4g}, b: {b_error:.4g}, 容差 {TOLERANCE}.\n"
           "提示 (hint): 训练单元格用的是你的四个函数: 先让它们的检查都通过, 再从头运行整个 notebook (Restart & Run All).")
