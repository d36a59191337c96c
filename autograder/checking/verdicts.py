"""Verdicts for the student: a failed check, and how values are described in its message (the words are in `autograder.words`)."""

from __future__ import annotations

from typing import Any

import torch

from .. import words


class CheckFailed(Exception):
    """A check found a mistake; `str()` is the whole message for the student."""


def expect(condition: bool, message: str) -> None:
    """Fail the check with `message` unless `condition` holds."""
    if not condition:
        raise CheckFailed(message)


def same_values(got: Any, expected: torch.Tensor, atol: float = 1e-5) -> bool:
    """Is `got` a tensor with the values of `expected`, in its shape or any other of as many entries?"""
    return (isinstance(got, torch.Tensor) and got.numel() == expected.numel()
            and torch.allclose(got.reshape(expected.shape).float(), expected, atol=atol))


def expect_values(got: Any, expected: torch.Tensor, called: str, hint: str) -> None:
    """Fail unless `got`, what `called` returned, has the reference's values `expected`: the message shows both,
    and the row where they differ most when they can be compared row by row."""
    comparable = isinstance(got, torch.Tensor) and got.numel() == expected.numel()
    expect(same_values(got, expected), words.failure(
        words.say("failure.wrong_values", called=called), expected=show(expected), got=show(got),
        more=[first_difference(got.reshape(expected.shape), expected)] if comparable else [], hint=hint))


def show(value: Any, limit: int = 6) -> str:
    """A short description of a value: a tensor's shape, dtype and first entries; anything else's type."""
    if isinstance(value, torch.Tensor):
        flat = value.detach().reshape(-1)[:limit].tolist()
        entries = ", ".join(f"{v:.4g}" if isinstance(v, float) else str(v) for v in flat)
        more = ", …" if value.numel() > limit else ""
        return words.say("value.tensor", shape=tuple(value.shape), dtype=str(value.dtype).replace("torch.", ""), entries=entries, more=more)
    if isinstance(value, dict) and "__object__" in value:
        return _short(words.say("value.object", kind=value["__object__"], repr=value["repr"]))
    if isinstance(value, (list, tuple)):
        return words.say("value.sequence", kind=type(value).__name__, length=len(value))
    return _short(f"{type(value).__name__} {value!r}")


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + " …"


def first_difference(got: torch.Tensor, expected: torch.Tensor) -> str:
    """Where two tensors of one shape differ most, as 'row i: expected …, got …'."""
    gap = (got.detach().float() - expected.float()).abs().reshape(len(expected), -1).amax(dim=1)
    row = int(gap.argmax())
    return words.say("value.difference", row=row, expected=expected[row].tolist(), got=got[row].tolist())
