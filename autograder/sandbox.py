"""The grader's side of the student's process: start it, send it work, survive whatever it does.

Every call into student code goes through `Sandbox.run`, which returns the value or raises a
`StudentError` (the code raised, ran out of time, or took its process down). A crash or a timeout
ends the process: the rest of that check fails at once with the same reason, the next check
starts a fresh process, and a part whose time budget is spent fails its remaining checks at once.
So a crash costs only the checks that meet it, and an endless loop at most one budget per part.
"""

from __future__ import annotations

import atexit
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
from typing import Any

import torch

from . import clock, jail

WORKER = Path(__file__).with_name("worker.py")
_HEADER = struct.Struct("<Q")
_MAX_ANSWER = 64 << 20
_MAX_ELEMENTS = 4_000_000
_MAX_TEXT = 20_000
_MAX_ITEMS = 200_000


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
class Limits:
    """How much one part of the grading may cost."""

    call_seconds: float = 20.0
    """The longest one call into student code may run."""
    part_seconds: float = 60.0
    """The longest all calls of one part may run together."""
    memory_bytes: int = 4 << 30
    """The address space of the student's process."""


@dataclass
class Sandbox:
    """One student's code, loaded in a separate process that is restarted after a crash."""

    cells: list[tuple[str, str]]
    """(grade_id, source) of the student's cells, run in order at start."""
    decoys: dict[str, Any] = field(default_factory=dict)
    """Notebook globals defined before the cells, so that code which leans on them still runs."""
    limits: Limits = field(default_factory=Limits)
    blocked: tuple[str, ...] = ("autograder",)
    """Packages the student's code may not import."""
    course_root: Path | None = None
    """The course folder being graded: read-only for the student's process, its secrets hidden."""
    load_errors: dict[str, StudentException] = field(default_factory=dict)
    functions: list[str] = field(default_factory=list)
    _process: subprocess.Popen | None = None
    _failure: StudentError | None = None
    _part_deadline: float = float("inf")
    _tmp: tempfile.TemporaryDirectory | None = None

    def begin_part(self) -> None:
        """Give the next part a full time budget."""
        self._failure = None
        self._part_deadline = time.monotonic() + self.limits.part_seconds

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
        if time.monotonic() >= self._part_deadline:
            raise StudentTimeout(f"这一部分的检查用完了时间 ({self.limits.part_seconds:g} 秒, part time limit): 你的代码太慢或陷入了死循环")
        if self._process is None:
            self._start()
        source = "\n\n".join(map(_source, (*helpers, probe)))
        request = {"op": "run", "source": source, "name": probe.__name__,
                   "args": list(args), "kwargs": kwargs, "seed": seed}
        before = clock.cpu_seconds(self._process.pid)
        answer = self._ask(request)
        seconds = clock.elapsed(before, clock.cpu_seconds(self._process.pid))
        if not answer["ok"]:
            raise StudentException(answer["error"])
        return answer["value"], seconds

    def close(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            for stream in (self._process.stdin, self._process.stdout):
                stream.close()
            self._process = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def _start(self) -> None:
        command = _command(self.limits.memory_bytes, self.course_root)
        spare = _take_spare(command)
        if spare is not None:
            self._process, self._tmp = spare
        else:
            self._tmp = tempfile.TemporaryDirectory(prefix="linreg-student-")
            self._process = _spawn(command, self._tmp.name)
        answer = self._ask({"op": "load", "cells": self.cells, "decoys": self.decoys, "blocked": list(self.blocked)})
        if not answer["ok"]:
            raise StudentCrash(f"无法载入你的代码单元 (cells could not be loaded): {answer['error']['message']}")
        self.load_errors = {name: StudentException(error) for name, error in answer["value"]["errors"].items()}
        self.functions = answer["value"]["functions"]

    def _ask(self, request: dict) -> dict:
        deadline = time.monotonic() + max(min(self.limits.call_seconds, self._part_deadline - time.monotonic()), 0.0)
        try:
            _send(self._process.stdin, request, deadline)
            answer = _receive(self._process.stdout, deadline)
            _check_answer(answer)
            return answer
        except StudentError as error:
            self._fail(error)
        except Exception:  # a dead process, or an answer forged by the student's code: either way, no answer
            self._fail(StudentCrash(_crash_reason(self._process)))

    def _fail(self, error: StudentError) -> None:
        self.close()
        self._failure = error
        raise error


Helper = Callable | tuple[str, Callable]


def _source(helper: Helper) -> str:
    """The source of a function to define in the student's process, renamed where a name is given."""
    if isinstance(helper, tuple):
        name, function = helper
        return inspect.getsource(function).replace(f"def {function.__name__}(", f"def {name}(", 1)
    return inspect.getsource(helper)


def _command(memory_bytes: int, course_root: Path | None) -> list[str]:
    """The jailed command line of the student's process."""
    # The worker's source goes on the command line: its folder is hidden from the jail.
    return jail.wrap([sys.executable, "-I", "-c", WORKER.read_text()], hide=jail.course_secrets(*([course_root] if course_root else [])),
                     memory_bytes=memory_bytes, network=False)


def _spawn(command: list[str], folder: str) -> subprocess.Popen:
    """Start the student's process in `folder`, talking through its stdin and stdout."""
    # A session of its own, so that kill(0, ...) from the student's code cannot reach the grader's process group.
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            cwd=folder, start_new_session=True)


_SPARE: list[tuple[tuple[str, ...], subprocess.Popen, tempfile.TemporaryDirectory]] = []
"""At most one process started ahead of time: (its command, the process, its folder)."""


def prestart(limits: Limits, course_root: Path | None = None) -> None:
    """Start the process for the next Sandbox with these limits now, so that it has imported torch when it is needed.

    The student's kernel runs meanwhile: the checks that follow it then do not wait for a second torch import.
    """
    command = tuple(_command(limits.memory_bytes, course_root))
    if _SPARE and _SPARE[0][0] == command:
        return
    _drop_spare()
    folder = tempfile.TemporaryDirectory(prefix="linreg-student-")
    _SPARE.append((command, _spawn(list(command), folder.name), folder))


def _take_spare(command: list[str]) -> tuple[subprocess.Popen, tempfile.TemporaryDirectory] | None:
    """The spare process, if it was started for this very command and is alive; any other spare is dropped."""
    if _SPARE and _SPARE[0][0] == tuple(command) and _SPARE[0][1].poll() is None:
        _, process, folder = _SPARE.pop()
        return process, folder
    _drop_spare()
    return None


@atexit.register
def _drop_spare() -> None:
    while _SPARE:
        _, process, folder = _SPARE.pop()
        process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            stream.close()
        folder.cleanup()


def _crash_reason(process: subprocess.Popen | None) -> str:
    code = process.poll() if process is not None else None
    if code is None and process is not None:
        try:
            code = process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            code = None
    if code is not None and code < 0:
        return f"运行你代码的进程被信号 {-code} 终止 (killed by signal {-code}: 例如段错误 segfault 或内存用尽)"
    if code is not None:
        return f"运行你代码的进程以状态 {code} 退出 (exited: 例如调用了 os._exit 或崩溃)"
    return "运行你代码的进程停止了响应 (stopped answering)"


def _wait(selector: selectors.BaseSelector, deadline: float) -> None:
    """Block until the pipe is ready, or raise StudentTimeout at the deadline."""
    left = deadline - time.monotonic()
    if left <= 0 or not selector.select(left):
        raise StudentTimeout("你的代码超时 (timed out): 可能是死循环 (endless loop), 或者运行太慢")


def _send(stream, message: Any, deadline: float) -> None:
    """Write a request, giving up at the deadline: a process that stops reading must not block the grader."""
    buffer = io.BytesIO()
    torch.save(message, buffer)
    data = memoryview(_HEADER.pack(len(buffer.getvalue())) + buffer.getvalue())
    fd = stream.fileno()
    os.set_blocking(fd, False)
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_WRITE)
        while data:
            _wait(selector, deadline)
            try:
                data = data[os.write(fd, data):]
            except BlockingIOError:
                continue


def _check_answer(value: Any, depth: int = 0) -> None:
    """Refuse an answer the grader could choke on: it may have been forged by the student's code."""
    if depth > 8:
        raise StudentCrash("你的代码返回的结果嵌套太深 (nested too deeply)")
    if isinstance(value, torch.Tensor):
        if type(value) is not torch.Tensor or value.layout != torch.strided or not value.is_contiguous() or value.numel() > _MAX_ELEMENTS:
            raise StudentCrash(f"你的代码返回的张量不合要求 (形状 {tuple(value.shape)}): 过大, 或不是普通的连续张量")
    elif isinstance(value, str):
        if len(value) > _MAX_TEXT:
            raise StudentCrash(f"你的代码返回的字符串过长 ({len(value)} 个字符)")
    elif isinstance(value, dict):
        for item in value.values():
            _check_answer(item, depth + 1)
    elif isinstance(value, (list, tuple)):
        if len(value) > _MAX_ITEMS:
            raise StudentCrash(f"你的代码返回的结果项数过多 ({len(value)})")
        for item in value:
            _check_answer(item, depth + 1)


def _receive(stream, deadline: float) -> dict:
    fd = stream.fileno()
    header = _read(fd, _HEADER.size, deadline)
    (size,) = _HEADER.unpack(header)
    if size > _MAX_ANSWER:
        raise StudentCrash(f"你的代码返回的结果过大 ({size} 字节)")
    payload = _read(fd, size, deadline)
    return torch.load(io.BytesIO(payload), weights_only=True)


def _read(fd: int, size: int, deadline: float) -> bytes:
    chunks, remaining = [], size
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while remaining:
            _wait(selector, deadline)
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            remaining -= len(chunk)
    return b"".join(chunks)
