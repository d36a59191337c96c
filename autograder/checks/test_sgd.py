"""Hidden checks of `sgd(params, lr, batch_size)` (grade cell `test_sgd`, 20 points)."""

from __future__ import annotations

import pytest
import torch

from autograder.checking.student import Student
from autograder.checking.verdicts import expect, show

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


def unchanged_hint(after: list, before: list) -> str:
    """When the given tensors did not change at all, the cause is not the formula: say so."""
    if all(torch.equal(got, old) for got, old in zip(after, before)):
        return "提示 (hint): 传入的张量根本没有改变: 先修正原地 (in place) 修改的问题 (见第一项检查)."
    return ""


def mismatch(after: list, expected: list) -> int | None:
    """The index of the first parameter whose value is not the expected one."""
    for k, (got, want) in enumerate(zip(after, expected)):
        if not torch.allclose(got, want, atol=1e-6):
            return k
    return None


@pytest.mark.points(5)
def test_changes_the_given_tensors(student: Student) -> None:
    """原地 (in place) 修改传入的那些张量本身"""
    answer, before, _ = step(student, 2, 0.03, 10)
    unchanged = [k for k, (got, old) in enumerate(zip(answer["values"], before)) if torch.equal(got, old)]
    expect(not unchanged, f"调用 sgd([w, b], lr=0.03, batch_size=10) 之后, 传入的张量 params[{unchanged[0] if unchanged else 0}] 没有改变.\n"
                          "提示 (hint): `param = param - ...` 只是给局部变量重新赋值 (rebinds a local name);\n"
                          "  要修改张量本身: `param.data -= ...`, 或在 `with torch.no_grad():` 中写 `param -= ...`.")


@pytest.mark.points(5)
def test_divides_by_batch_size(student: Student) -> None:
    """更新量是 lr · grad / batch_size"""
    answer, before, expected = step(student, 2, 0.03, 10)
    k = mismatch(answer["values"], expected)
    expect(k is None, f"sgd([w, b], lr=0.03, batch_size=10) 之后 params[{k}] 应为 param − 0.03·grad/10:\n"
                      f"  期望 (expected) {show(expected[k] if k is not None else None)}\n  得到 (got) {show(answer['values'][k] if k is not None else None)}\n"
                      + (unchanged_hint(answer["values"], before)
                         or "提示 (hint): 损失是对小批量求和的, 所以要除以 batch_size: param -= lr * param.grad / batch_size."))


@pytest.mark.points(3)
def test_every_parameter(student: Student) -> None:
    """更新 params 中的每一个张量 (这里是 3 个不同形状的张量)"""
    answer, before, _ = step(student, 3, 0.03, 10)
    unchanged = [k for k, (got, old) in enumerate(zip(answer["values"], before)) if torch.equal(got, old)]
    expect(not unchanged, f"sgd(params, lr=0.03, batch_size=10) 传入 3 个参数 (形状 {SHAPES}), 其中 params{unchanged} 没有被更新.\n"
                          "提示 (hint): 用 for param in params: 循环更新每一个参数.")


@pytest.mark.points(3)
def test_uses_its_arguments(student: Student) -> None:
    """使用它自己的参数 lr 和 batch_size (lr=0.5, batch_size=4), 而不是全局变量"""
    answer, before, expected = step(student, 2, 0.5, 4)
    k = mismatch(answer["values"], expected)
    expect(k is None, f"sgd([w, b], lr=0.5, batch_size=4) 之后 params[{k}] 应为 param − 0.5·grad/4:\n"
                      f"  期望 (expected) {show(expected[k] if k is not None else None)}\n  得到 (got) {show(answer['values'][k] if k is not None else None)}\n"
                      + (unchanged_hint(answer["values"], before)
                         or "提示 (hint): 用函数的参数 lr 和 batch_size, 不要用 notebook 里的全局变量; 别忘了除以 batch_size."))


@pytest.mark.points(4)
def test_autograd_still_works(student: Student) -> None:
    """更新后参数仍是需要梯度的叶子张量, 还能继续反向传播"""
    answer, _, _ = step(student, 2, 0.03, 10)
    ok = all(answer["requires_grad"]) and all(answer["is_leaf"]) and answer["backward_error"] is None
    expect(ok, f"sgd([w, b], lr=0.03, batch_size=10) 之后: requires_grad {answer['requires_grad']}, is_leaf {answer['is_leaf']},"
               f" 再次反向传播 (backward): {answer['backward_error'] or '正常'}.\n"
               "提示 (hint): 更新不应被 autograd 记录: 用 param.data, 或放在 `with torch.no_grad():` 里.")
