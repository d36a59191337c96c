"""Words for the student: a failed check's message, and how values are described in it."""

from __future__ import annotations

from typing import Any

import torch


class CheckFailed(Exception):
    """A check found a mistake; `str()` is the whole message for the student."""


def expect(condition: bool, message: str) -> None:
    """Fail the check with `message` unless `condition` holds."""
    if not condition:
        raise CheckFailed(message)


def show(value: Any, limit: int = 6) -> str:
    """A short description of a value: a tensor's shape, dtype and first entries; anything else's type."""
    if isinstance(value, torch.Tensor):
        flat = value.detach().reshape(-1)[:limit].tolist()
        entries = ", ".join(f"{v:.4g}" if isinstance(v, float) else str(v) for v in flat)
        more = ", …" if value.numel() > limit else ""
        return f"tensor, 形状 (shape) {tuple(value.shape)}, {str(value.dtype).replace('torch.', '')}, 值 [{entries}{more}]"
    if isinstance(value, dict) and "__object__" in value:
        return _short(f"{value['__object__']} 对象 ({value['repr']})")
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__}, 长度 (length) {len(value)}"
    return _short(f"{type(value).__name__} {value!r}")


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + " …"


def first_difference(got: torch.Tensor, expected: torch.Tensor) -> str:
    """Where two tensors of one shape differ most, as 'row i: expected …, got …'."""
    gap = (got.detach().float() - expected.float()).abs().reshape(len(expected), -1).amax(dim=1)
    row = int(gap.argmax())
    return f"第 {row} 行 (row {row}): 期望 (expected) {expected[row].tolist()}, 得到 (got) {got[row].tolist()}"
