"""The checks' view of a student's code: every call that goes wrong becomes a message for the student."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from ..checks import reference
from ..isolation import probes
from ..isolation.student_process import StudentError, StudentException, StudentProcess
from .verdicts import CheckFailed

_TRAINING_HINT = ("训练循环只调用你的四个函数: 先让 data_iter、linreg、squared_loss、sgd 各自的检查都通过, "
                  "出错的单元格和行号见上.")
_MEMORY_HINT = "结果大得放不下: 检查形状 (shape), 例如 (n, 1) 减 (n,) 会广播 (broadcast) 成 (n, n); 先把 y 变成 y_hat 的形状."

_HINTS = {
    "NotImplementedError": "这个函数还没有实现: 请删掉 `raise NotImplementedError()`, 在单元格里写出你的代码 (fill in the blank).",
    "NameError": "函数里用到了一个未定义的名字: 函数只应使用它的参数 (use the function's arguments, not notebook globals), 或在单元格中 import 需要的模块.",
    "RuntimeError": "检查各个张量的形状 (shape) 和 dtype; 原地修改 (in-place) 参数时, 更新不能被 autograd 记录 (torch.no_grad() 或 .data).",
    "TypeError": "检查函数的参数个数与顺序, 以及返回值的类型.",
}


class Student:
    """Calls into the student's functions, through their process, phrased for feedback: the one wrapper for student calls."""

    def __init__(self, process: StudentProcess):
        self.process = process

    def call(self, fn_name: str, args: list, called: str, **options: Any) -> dict:
        """`probes.call` on `fn_name`; `called` is how the call is shown to the student, e.g. 'linreg(X, w, b)'."""
        return self._run(fn_name, called, probes.call, fn_name, args, **options)

    def sgd_step(self, values: list[torch.Tensor], grads: list[torch.Tensor], lr: float, batch_size: int) -> dict:
        called = f"sgd(params, lr={lr}, batch_size={batch_size})"
        return self._run("sgd", called, probes.sgd_step, values, grads, lr, batch_size)

    def train(self, features: torch.Tensor, labels: torch.Tensor, w: torch.Tensor, b: torch.Tensor,
              lr: float, num_epochs: int, batch_size: int, seed: int) -> dict:
        """The reference training loop run with the student's four functions."""
        called = f"训练循环 (training loop: lr={lr}, num_epochs={num_epochs}, batch_size={batch_size})"
        return self._run(None, called, probes.train_with_student_functions, features, labels, w, b,
                         lr, num_epochs, batch_size, seed=seed, helpers=(reference.train,), hint=_TRAINING_HINT)

    def operations(self, fn_name: str, args: list, called: str) -> int:
        """How many torch functions and tensor methods one call of the student's `fn_name(*args)` makes."""
        return self._run(fn_name, called, probes.operations, fn_name, args)

    def seconds_per_call(self, fn_name: str, args: list, called: str, yardstick: Callable,
                         rounds: int = 3, budget: float = 0.01) -> tuple[float, float]:
        """CPU seconds per call of the student's `fn_name(*args)` and of `yardstick(*args)`, the book's function.

        Both run in the student's process, single-threaded, on the same arguments, in turns (yardstick,
        student, yardstick, student, ...), each timed from outside by the CPU time the process used
        (`clock`): so what else the machine does slows neither, and what it does to one it does to the
        other. The cost of a request that calls nothing is taken off; each request repeats its call
        until the calls outweigh that cost (at least `budget` seconds, and three times the cost). The
        least of `rounds` turns counts, for each.
        """
        name = f"yardstick_{fn_name}"
        self._run(fn_name, called, probes.keep, "timed", args)

        def measure(each: str, times: int) -> float:
            return self._timed(fn_name, called, probes.repeat, each, "timed", times, helpers=((name, yardstick),))[1]

        for each in (name, fn_name):
            measure(each, 1)  # a warm-up: the first call allocates
        overhead = min(measure(name, 0) for _ in range(rounds))
        enough = max(budget, 3 * overhead)
        times = {}
        for each in (name, fn_name):
            times[each] = 1
            while times[each] < 10_000 and measure(each, times[each]) - overhead < enough:
                times[each] *= 4
        best = dict.fromkeys(times, float("inf"))
        for _ in range(rounds):
            overhead = min(overhead, measure(name, 0))
            for each in times:
                best[each] = min(best[each], measure(each, times[each]))
        student, book = ((best[each] - overhead) / times[each] for each in (fn_name, name))
        return max(student, 0.0), max(book, 1e-9)

    def _run(self, fn_name: str | None, called: str, probe: Any, *args: Any, **options: Any) -> Any:
        return self._timed(fn_name, called, probe, *args, **options)[0]

    def _timed(self, fn_name: str | None, called: str, probe: Any, *args: Any, hint: str | None = None,
               **options: Any) -> tuple[Any, float]:
        """`StudentProcess.timed`, with whatever goes wrong explained to the student as a failed check."""
        try:
            return self.process.timed(probe, *args, **options)
        except StudentError as error:
            raise CheckFailed(self._explain(fn_name, called, error, hint)) from None

    def _explain(self, fn_name: str | None, called: str, error: StudentError, hint: str | None = None) -> str:
        broken = self.process.load_errors.get(fn_name) if fn_name else None
        if broken is not None and fn_name not in self.process.functions:
            return (f"单元格 `{fn_name}` 无法运行 (the cell raised {broken.type}), 所以 {fn_name} 没有被定义:\n"
                    f"  {broken}\n提示 (hint): 修正这个单元格, 然后从头运行整个 notebook 确认没有错误.")
        message = f"调用 (called) {called} 时出错:\n  {error}"
        if isinstance(error, StudentException) and error.type == "NotImplementedError":
            hint = _HINTS["NotImplementedError"]  # a blank left as it is: say so, whatever the call
        elif hint is None and isinstance(error, StudentException):
            hint = _MEMORY_HINT if "allocate" in error.message else _HINTS.get(error.type)
        return message + (f"\n提示 (hint): {hint}" if hint else "")


def _calls(budget: float, seconds: float, most: int = 200) -> int:
    """How many calls of `seconds` each fill `budget` (at least one)."""
    return max(1, min(most, int(budget / max(seconds, 1e-6))))
