"""The grader's side of the student's process: start it, send it work, survive whatever it does.

The student's process runs `student_side.py` in a jail, with the student's cells loaded; it answers
requests over a pipe with plain data. Every call into student code goes through `StudentProcess.run`, which returns the value or raises a
`StudentError` (the code raised, ran out of time, or took its process down). A crash or a timeout
ends the process: the rest of that check fails at once with the same reason, the next check
starts a fresh process, and a part whose time budget is spent fails its remaining checks at once.
So a crash costs only the checks that meet it, and an endless loop at most one budget per part.
"""

from __future__ import annotations

import atexit
import functools
import inspect
import io
import os
import selectors
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import torch

from .. import paths, timing, words
from ..errors import GraderError
from ..settings import CheckLimits
from . import clock, jail, template

_HEADER = struct.Struct("<Q")


class StudentError(Exception):
    """The student's code did not give an answer; `str()` is a sentence for the student."""


class StudentException(StudentError):
    """The student's code raised an exception."""

    def __init__(self, error: dict):
        self.type = str(error["type"])[:80]
        self.message = str(error["message"])[:500]
        self.where = [str(line)[:200] for line in error.get("where", [])[-3:]]
        where = f" ({self.where[-1]})" if self.where else ""
        super().__init__(f"{self.type}: {self.message}{where}")


class StudentTimeout(StudentError):
    """The student's code ran past its time limit."""


class StudentCrash(StudentError):
    """The student's process died or answered with something that is not an answer."""


@dataclass
class StudentProcess:
    """One student's code, loaded in a separate, jailed process that is restarted after a crash."""

    cells: list[tuple[str, str]]
    """(grade_id, source) of the student's cells, run in order at start."""
    decoys: dict[str, Any] = field(default_factory=dict)
    """Notebook globals defined before the cells, so that code which leans on them still runs."""
    limits: CheckLimits = field(default_factory=CheckLimits)
    blocked: tuple[str, ...] = ("autograder",)
    """Packages the student's code may not import."""
    course_root: Path | None = None
    """The course folder being graded: read-only for the student's process, its secrets hidden."""
    load_errors: dict[str, StudentException] = field(default_factory=dict)
    functions: list[str] = field(default_factory=list)
    _process: subprocess.Popen | None = None
    _failure: StudentError | None = None
    _part_used: float = 0.0
    """CPU seconds the calls of this part have used."""
    _part_deadline: float = float("inf")
    """When this part must end by the clock."""
    _tmp: tempfile.TemporaryDirectory | None = None

    def begin_part(self) -> None:
        """Give the next part a full time budget."""
        self._failure = None
        self._part_used = 0.0
        self._part_deadline = time.monotonic() + self.limits.part_seconds * self.limits.wall_factor

    def begin_check(self) -> None:
        """Let the next check start a fresh process if the last one crashed or timed out."""
        self._failure = None

    def run(self, probe: Callable, *args: Any, seed: int = 0, helpers: tuple[Helper, ...] = (), **kwargs: Any) -> Any:
        """Call `probe(*args, **kwargs)` inside the student's process, where it sees their functions.

        `helpers` are functions defined there first (by their source), for the probe to call; a
        (name, function) pair defines the function under that name, beside the student's own.
        """
        return self.timed(probe, *args, seed=seed, helpers=helpers, **kwargs)[0]

    def timed(self, probe: Callable, *args: Any, seed: int = 0, helpers: tuple[Helper, ...] = (), **kwargs: Any) -> tuple[Any, float]:
        """`run`, and the CPU seconds the student's processes spent on it (`clock.cpu_seconds`)."""
        if self._failure is not None:
            raise self._failure
        if self._part_used >= self.limits.part_seconds or time.monotonic() >= self._part_deadline:
            raise StudentTimeout(words.say("process.part_timeout", seconds=self.limits.part_seconds))
        if self._process is None:
            self._start()
        source = "\n\n".join(map(_source, (*helpers, probe)))
        request = {"op": "run", "source": source, "name": probe.__name__,
                   "args": list(args), "kwargs": kwargs, "seed": seed}
        answer, seconds = self._ask(request)
        if not answer["ok"]:
            raise StudentException(answer["error"])
        return answer["value"], seconds

    def close(self) -> None:
        if self._process is not None:
            _end(self._process)
            self._process = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> StudentProcess:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def _start(self) -> None:
        with timing.timed("checks' process ready"):
            self._load()

    def _load(self) -> None:
        spare = _take_spare(_spare_key(self.limits, self.course_root))
        if spare is not None:
            self._process, self._tmp = spare
        else:
            self._tmp = tempfile.TemporaryDirectory(prefix="linreg-student-")
            self._process = _spawn(_jail(self.limits, self.course_root), self._tmp.name)
        _greeted(self._process, self.limits.start_seconds)
        answer, _ = self._ask({"op": "load", "cells": self.cells, "decoys": self.decoys, "blocked": list(self.blocked)})
        if not answer["ok"]:
            raise StudentCrash(words.say("process.not_loaded", error=answer["error"]["message"]))
        self.load_errors = {name: StudentException(error) for name, error in answer["value"]["errors"].items()}
        self.functions = answer["value"]["functions"]

    def _ask(self, request: dict) -> tuple[dict, float]:
        """Send a request and wait for its answer within the call's and the part's budgets; the answer and its CPU seconds."""
        budget = _Budget(self._process.pid, min(self.limits.call_seconds, self.limits.part_seconds - self._part_used),
                         self.limits.wall_factor, self._part_deadline)
        try:
            _send(self._process.stdin, request, budget)
            answer = _receive(self._process.stdout, budget, self.limits)
            _check_answer(answer, self.limits)
            return answer, budget.finish()
        except StudentError as error:
            self._fail(error)
        except Exception:  # a dead process, or an answer forged by the student's code: either way, no answer
            self._fail(StudentCrash(_crash_reason(self._process)))
        finally:
            self._part_used += budget.used()

    def _fail(self, error: StudentError) -> None:
        self.close()
        self._failure = error
        raise error


Helper = Callable | tuple[str, Callable]


@functools.cache
def _source(helper: Helper) -> str:
    """The source of a function to define in the student's process, renamed where a name is given."""
    if isinstance(helper, tuple):
        name, function = helper
        return inspect.getsource(function).replace(f"def {function.__name__}(", f"def {name}(", 1)
    return inspect.getsource(helper)


def _jail(limits: CheckLimits, course_root: Path | None) -> jail.Jail:
    """The jail of the student's process."""
    return jail.Jail(hide=jail.course_secrets(*([course_root] if course_root else [])), memory_bytes=limits.memory_bytes,
                     processes=limits.max_processes, scratch_bytes=limits.scratch_bytes)


def _fork(where: jail.Jail, folder: str, log: IO[bytes]) -> template.Child | None:
    """The student's process forked from the warm template, or None (then it starts cold)."""
    warm = template.get()
    if warm is None:
        return None
    requests_r, requests_w = os.pipe()
    answers_r, answers_w = os.pipe()
    try:
        process = warm.spawn("student", where, folder, log.fileno(), requests=requests_r, answers=answers_w)
    except OSError as error:
        template.note(str(error))
        os.close(requests_w)
        os.close(answers_r)
        return None
    finally:
        os.close(requests_r)
        os.close(answers_w)
    process.stdin, process.stdout = os.fdopen(requests_w, "wb"), os.fdopen(answers_r, "rb")
    return process


def _spawn(where: jail.Jail, folder: str) -> subprocess.Popen | template.Child:
    """Start the student's process in `folder`, in its jail, talking through its stdin and stdout: forked from
    the warm template, or a cold `python -I` where there is none.

    Its stderr goes to a file of the grader's, which says why a jail could not be set up; the process
    sends its own stderr (and the student's) to /dev/null once it has started.
    """
    log = tempfile.TemporaryFile()
    process = _fork(where, folder, log)
    if process is None:
        # This script goes on the command line: its folder is hidden from the jail.
        command = where.wrap([sys.executable, "-I", "-c", paths.STUDENT_SIDE.read_text()])
        # A session of its own, so that kill(0, ...) from the student's code cannot reach the grader's process group.
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                                   cwd=folder, start_new_session=True)
    process.start_log, process.jail = log, where
    return process


_SPARE: list[tuple[tuple, subprocess.Popen, tempfile.TemporaryDirectory]] = []
"""At most one process started ahead of time: (what its jail is made of, the process, its folder)."""


def _spare_key(limits: CheckLimits, course_root: Path | None) -> tuple:
    return limits.memory_bytes, limits.max_processes, limits.scratch_bytes, str(course_root)


def prestart(limits: CheckLimits, course_root: Path | None = None) -> None:
    """Start the process for the next StudentProcess with these limits now, so that it has imported torch when it is needed.

    The student's kernel runs meanwhile: the checks that follow it then do not wait for a second torch import.
    """
    if template.get() is not None:  # a forked process is ready in a tenth of a second: nothing to start ahead
        return
    key = _spare_key(limits, course_root)
    if _SPARE and _SPARE[0][0] == key:
        return
    _drop_spare()
    folder = tempfile.TemporaryDirectory(prefix="linreg-student-")
    _SPARE.append((key, _spawn(_jail(limits, course_root), folder.name), folder))


def _take_spare(key: tuple) -> tuple[subprocess.Popen, tempfile.TemporaryDirectory] | None:
    """The spare process, if it was started for a jail of this kind and is alive; any other spare is dropped."""
    if _SPARE and _SPARE[0][0] == key and _SPARE[0][1].poll() is None:
        _, process, folder = _SPARE.pop()
        return process, folder
    _drop_spare()
    return None


@atexit.register
def _drop_spare() -> None:
    while _SPARE:
        _, process, folder = _SPARE.pop()
        _end(process)
        folder.cleanup()


def _end(process: subprocess.Popen) -> None:
    """Kill the student's process (its jail dies with it) and close what the grader kept of it."""
    process.kill()
    process.wait()
    for stream in (process.stdin, process.stdout, getattr(process, "start_log", None)):
        if stream is not None:
            stream.close()
    if getattr(process, "jail", None) is not None:
        process.jail.close()


def _crash_reason(process: subprocess.Popen | None) -> str:
    code = process.poll() if process is not None else None
    if code is None and process is not None:
        try:
            code = process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            code = None
    # A cold process runs under the jail's shell, which reports its death by a signal as 128 + the signal; a forked one
    # is waited for directly. Both are told the same way.
    if code is not None and 128 < code < 128 + 65:
        code = 128 - code
    if code is not None and code < 0:
        return words.say("process.killed", signal=-code)
    if code is not None:
        return words.say("process.exited", status=code)
    return words.say("process.stopped_answering")


class _Budget:
    """How long one call may still run: `cpu` CPU seconds of the student's processes, and `wall_factor`
    times that by the clock (but never past `deadline`, the part's end by the clock)."""

    LOOK = 0.25
    """How often the CPU time is read while a call runs (reading it walks the student's process tree)."""

    def __init__(self, pid: int, cpu: float, wall_factor: float, deadline: float = float("inf")):
        self.pid, self.cpu = pid, max(cpu, 0.0)
        self.start = clock.cpu_seconds(pid)
        self.deadline = min(time.monotonic() + self.cpu * wall_factor, deadline)
        self._used = 0.0
        self._looked = time.monotonic()

    def used(self) -> float:
        """CPU seconds used since the call began, as of the last look."""
        return self._used

    def finish(self) -> float:
        """CPU seconds the call used, read now that it is over."""
        self._used = clock.elapsed(self.start, clock.cpu_seconds(self.pid))
        return self._used

    def wait(self, selector: selectors.BaseSelector) -> None:
        """Block until the pipe is ready, or raise StudentTimeout when either budget is spent."""
        while True:
            now = time.monotonic()
            if now - self._looked >= self.LOOK:
                self._looked = now
                self._used = clock.elapsed(self.start, clock.cpu_seconds(self.pid))
            if now >= self.deadline or self._used >= self.cpu:
                raise StudentTimeout(words.say("process.call_timeout"))
            if selector.select(min(self.deadline - now, self.LOOK)):
                return


def _greeted(process: subprocess.Popen, seconds: float) -> None:
    """Wait for the student's process to say it has started (before any student code runs): if it does not,
    the jail or the process itself could not be set up, which is the grader's failure, not the student's."""
    try:
        hello = _receive(process.stdout, _Budget(process.pid, seconds, 1.0), CheckLimits())
    except (StudentError, EOFError, OSError, RuntimeError, ValueError) as error:
        raise GraderError(f"the student's process did not start ({_crash_reason(process)}, {type(error).__name__})"
                          f"{_last_line(process)}") from None
    if hello != {"ok": True, "value": "ready"}:
        raise GraderError("the student's process did not start: it sent something other than its greeting")


def _last_line(process: subprocess.Popen) -> str:
    """The last line the process wrote to stderr before it started, as ': line', or ''."""
    log = getattr(process, "start_log", None)
    if log is None:
        return ""
    log.seek(0)
    lines = [line for line in log.read().decode(errors="replace").splitlines() if line.strip()]
    return f": {lines[-1].strip()[:300]}" if lines else ""


def _send(stream, message: Any, budget: _Budget) -> None:
    """Write a request within the budget: a process that stops reading must not block the grader."""
    buffer = io.BytesIO()
    torch.save(message, buffer)
    data = memoryview(_HEADER.pack(len(buffer.getvalue())) + buffer.getvalue())
    fd = stream.fileno()
    os.set_blocking(fd, False)
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_WRITE)
        while data:
            budget.wait(selector)
            try:
                data = data[os.write(fd, data):]
            except BlockingIOError:
                continue


def _check_answer(value: Any, limits: CheckLimits, depth: int = 0) -> None:
    """Refuse an answer the grader could choke on: it may have been forged by the student's code."""
    if depth > 8:
        raise StudentCrash(words.say("answer.too_deep"))
    if isinstance(value, torch.Tensor):
        if (type(value) is not torch.Tensor or value.layout != torch.strided or not value.is_contiguous()
                or value.numel() > limits.max_elements):
            raise StudentCrash(words.say("answer.bad_tensor", shape=tuple(value.shape)))
    elif isinstance(value, str):
        if len(value) > limits.max_text:
            raise StudentCrash(words.say("answer.long_text", length=len(value)))
    elif isinstance(value, dict):
        for item in value.values():
            _check_answer(item, limits, depth + 1)
    elif isinstance(value, (list, tuple)):
        if len(value) > limits.max_items:
            raise StudentCrash(words.say("answer.many_items", length=len(value)))
        for item in value:
            _check_answer(item, limits, depth + 1)


def _receive(stream, budget: _Budget, limits: CheckLimits) -> dict:
    fd = stream.fileno()
    header = _read(fd, _HEADER.size, budget)
    (size,) = _HEADER.unpack(header)
    if size > limits.max_answer_bytes:
        raise StudentCrash(words.say("answer.too_large", size=size))
    payload = _read(fd, size, budget)
    return torch.load(io.BytesIO(payload), weights_only=True)


def _read(fd: int, size: int, budget: _Budget) -> bytes:
    chunks, remaining = [], size
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while remaining:
            budget.wait(selector)
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            remaining -= len(chunk)
    return b"".join(chunks)
