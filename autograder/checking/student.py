"""The checks' view of a student's code: every call that goes wrong becomes a message for the student."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from .. import words
from ..checks import reference
from ..isolation import probes
from ..isolation.student_process import StudentError, StudentException, StudentProcess
from .verdicts import CheckFailed


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
        called = words.say("student.training_called", lr=lr, num_epochs=num_epochs, batch_size=batch_size)
        return self._run(None, called, probes.train_with_student_functions, features, labels, w, b,
                         lr, num_epochs, batch_size, seed=seed, helpers=(reference.train,), hint=words.say("hint.training"))

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
            return words.failure(words.say("student.cell_broken", name=fn_name, error_type=broken.type), more=[str(broken)],
                                 hint=words.say("hint.fix_the_cell"))
        if isinstance(error, StudentException) and error.type == "NotImplementedError":
            hint = words.say("hint.not_implemented")  # a blank left as it is: say so, whatever the call
        elif hint is None and isinstance(error, StudentException):
            hint = words.say("hint.memory") if "allocate" in error.message else _hint_for(error.type)
        return words.failure(words.say("student.call_failed", called=called), more=[str(error)], hint=hint)


def _hint_for(error_type: str) -> str | None:
    """What usually causes an exception of `error_type` in these four functions."""
    hints = {"NameError": words.say("hint.name_error"), "RuntimeError": words.say("hint.runtime_error"), "TypeError": words.say("hint.type_error")}
    return hints.get(error_type)


def _calls(budget: float, seconds: float, most: int = 200) -> int:
    """How many calls of `seconds` each fill `budget` (at least one)."""
    return max(1, min(most, int(budget / max(seconds, 1e-6))))
