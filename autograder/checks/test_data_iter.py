"""Hidden checks of `data_iter(batch_size, features, labels)` (grade cell `test_data_iter`, 20 points)."""

from __future__ import annotations

from collections import Counter

import pytest
import torch

from autograder.checking.student import Student
from autograder.checking.verdicts import CheckFailed, expect, show


def numbered(n: int, d: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Features whose column 0 is the example's index, and labels 10·index + 0.5, so every batch can be traced."""
    features = torch.randn(n, d, generator=torch.Generator().manual_seed(n * 31 + d))
    features[:, 0] = torch.arange(n, dtype=torch.float32)
    return features, torch.arange(n, dtype=torch.float32) * 10 + 0.5


def batches(student: Student, n: int, d: int, batch_size: int, seed: int = 0) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """All batches of one epoch, after checking that each is a pair (X, y) of tensors."""
    features, labels = numbered(n, d)
    called = f"data_iter({batch_size}, features, labels), features 形状 ({n}, {d}), labels 形状 ({n},)"
    items = student.call("data_iter", [batch_size, features, labels], called, materialize=True, seed=seed)["value"]
    rows = sum(item[0].shape[0] for item in items if isinstance(item, tuple) and item and isinstance(item[0], torch.Tensor) and item[0].dim())
    expect(rows <= 2 * n, f"{called} 一个 epoch 给出了 {rows} 个样本, 而数据只有 {n} 个.\n"
                          "提示 (hint): 每个样本每个 epoch 只应出现一次.")
    for k, item in enumerate(items):
        pair = isinstance(item, tuple) and len(item) == 2 and all(isinstance(t, torch.Tensor) for t in item)
        expect(pair, f"{called} 的第 {k} 项 (item {k}) 应当是一对张量 (X, y), 得到 (got) {show(item)}.\n"
                     "提示 (hint): 用 `yield X_batch, y_batch`.")
        X, y = item
        expect(X.dim() == 2 and X.shape[1] == d and y.shape[:1] == X.shape[:1],
               f"{called} 的第 {k} 批: X 应为 (批量, {d}), y 应为 (批量,), 得到 X {tuple(X.shape)}, y {tuple(y.shape)}.")
    return items


def indices(items: list) -> list[int]:
    """The example indices in the order the batches visit them."""
    return [int(i) for X, _ in items for i in X[:, 0].tolist()]


@pytest.mark.points(2)
def test_yields_pairs_of_tensors(student: Student) -> None:
    """data_iter 产生 (yield) 一对对张量 (X, y)"""
    expect(len(batches(student, 1000, 2, 10)) > 0, "data_iter(10, features, labels) 没有产生任何批量 (no batch).")


@pytest.mark.points(3)
def test_batch_sizes(student: Student) -> None:
    """每批 batch_size 个样本, 最后一批可以更小 (n=103, batch_size=10: 10 批 10 个和 1 批 3 个)"""
    for n, batch_size in [(103, 10), (100, 25)]:
        sizes = [len(X) for X, _ in batches(student, n, 2, batch_size)]
        expected = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
        expect(sorted(sizes, reverse=True) == expected,
               f"data_iter({batch_size}, features, labels), n={n}: 期望批量大小 (expected batch sizes) {expected},\n"
               f"  得到 (got) {sizes}.\n"
               "提示 (hint): 用 range(0, n, batch_size) 分批, 最后一批取 min(i + batch_size, n) 为止, 不要丢掉它.")


@pytest.mark.points(3)
def test_every_example_appears(student: Student) -> None:
    """一个 epoch 里每个样本都出现 (包括 n 不是 batch_size 倍数时)"""
    seen = set(indices(batches(student, 103, 2, 10)))
    missing = sorted(set(range(103)) - seen)
    expect(not missing, f"data_iter(10, features, labels), n=103: 样本 {missing[:10]} 没有出现在任何批量中 "
                        f"(missing examples, {len(missing)} in all).\n"
                        "提示 (hint): 打乱 0..n-1 的全部下标后按顺序切分; 别丢掉最后不满的一批, 也别有放回地抽样 (sampling with replacement).")


@pytest.mark.points(2)
def test_no_example_repeated(student: Student) -> None:
    """一个 epoch 里每个样本只出现一次 (不放回, without replacement)"""
    order = indices(batches(student, 103, 2, 10))
    repeated = sorted(i for i, times in Counter(order).items() if times > 1)
    expect(not repeated, f"data_iter(10, features, labels), n=103: 样本 {repeated[:10]} 在一个 epoch 中出现了不止一次.\n"
                         "提示 (hint): 打乱一次下标 (random.shuffle 或 torch.randperm) 而不是每批随机抽取 (torch.randint).")


@pytest.mark.points(3)
def test_features_and_labels_stay_paired(student: Student) -> None:
    """每批的 X 和 y 仍然一一对应 (features and labels stay paired)"""
    for k, (X, y) in enumerate(batches(student, 103, 3, 10)):
        wrong = (y != X[:, 0] * 10 + 0.5).nonzero().reshape(-1).tolist()
        if wrong:
            row = wrong[0]
            raise CheckFailed(f"data_iter(10, features, labels) 的第 {k} 批: 第 {row} 行的标签 (label) {y[row].item()} "
                              f"不属于该行的样本 (expected {X[row, 0].item() * 10 + 0.5}).\n"
                              "提示 (hint): features 和 labels 要用同一组下标 (the same indices) 取出.")


@pytest.mark.points(3)
def test_order_is_random(student: Student) -> None:
    """样本以随机顺序读取 (shuffled)"""
    order = indices(batches(student, 103, 2, 10))
    expect(order != sorted(order), "data_iter(10, features, labels) 按原来的顺序 0, 1, 2, … 读取样本, 没有打乱 (not shuffled).\n"
                                   "提示 (hint): 用 random.shuffle(indices) 或 torch.randperm(n) 打乱下标.")


@pytest.mark.points(2)
def test_order_differs_between_epochs(student: Student) -> None:
    """两次调用 (两个 epoch) 的顺序不同"""
    first = indices(batches(student, 103, 2, 10, seed=1))
    second = indices(batches(student, 103, 2, 10, seed=2))
    expect(first != second, "两次调用 data_iter(10, features, labels) 得到了完全相同的样本顺序.\n"
                            "提示 (hint): 每次调用都应重新打乱; 不要在函数里固定随机种子 (random.seed / torch.manual_seed).")


@pytest.mark.points(2)
def test_uses_its_arguments(student: Student) -> None:
    """只使用传入的张量, 不用 notebook 里的全局变量 (n=37, 5 个特征, batch_size=4)"""
    items = batches(student, 37, 5, 4)
    features, _ = numbered(37, 5)
    for k, (X, _) in enumerate(items):
        rows = X[:, 0].long().clamp(0, 36)
        if not torch.equal(X, features[rows]):
            raise CheckFailed(f"data_iter(4, features, labels), features 形状 (37, 5): 第 {k} 批的 X 不是传入的 features 中的行.\n"
                              "提示 (hint): 函数应当只用参数 features、labels 和 batch_size, 而不是 notebook 里的全局变量.")
