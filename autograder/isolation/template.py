"""The grader's side of the warm template (`template_side.py`): kernels and student processes forked, not started cold.

A cold interpreter that imports torch, numpy, matplotlib and IPython costs about 1.8 s of CPU, and
every submission used to start two of them (its kernel, and the process that runs its code for the
hidden checks). Each grading process (`nbgrader autograde`, a batch worker, a Dask worker) now keeps
one template that has imported all of it once, and forks each kernel and each student process from
it; the child enters the same jail as a cold one (`jail.Jail`: the same namespaces, mounts, limits,
clean environment and no network) while it is still single-threaded. Where fork-and-unshare is not
available, or the template cannot start, `get()` is None and the cold path is used, with a note.
"""

from __future__ import annotations

import atexit
import functools
import json
import logging
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

from .. import paths, timing
from . import jail

_BOOTSTRAP = "import sys; exec(compile(sys.stdin.buffer.read(), 'template', 'exec'))"
_SOURCE = Path(__file__).with_name("template_side.py")
_log = logging.getLogger(__name__)


class Child:
    """A forked jail, looking enough like `subprocess.Popen` for the grader and jupyter_client's provisioner."""

    stdin: IO[bytes] | None = None
    stdout: IO[bytes] | None = None
    stderr = None

    def __init__(self, pid: int, pidfd: int, status_fd: int):
        self.pid, self._pidfd, self._status_fd, self.returncode = pid, pidfd, status_fd, None
        self.args = ["<forked from the warm template>"]

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self._status_fd], [], [], 0)[0]:
            self._collect()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not select.select([self._status_fd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(self.args, timeout)
            self._collect()
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            signal.pidfd_send_signal(self._pidfd, sig)  # by pidfd: never a recycled pid

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def _collect(self) -> None:
        data = os.read(self._status_fd, 4)
        # EOF without a status: the template died, and took its children with it.
        self.returncode = os.waitstatus_to_exitcode(struct.unpack("<i", data)[0]) if len(data) == 4 else -signal.SIGKILL
        os.close(self._status_fd)
        os.close(self._pidfd)


class Template:
    """One template process, and the requests that fork it. `spawn` raises OSError if the template is gone (or never
    got ready): the caller then starts that process cold, and `get()` starts a new template for the next one."""

    def __init__(self) -> None:
        """Start the template; it imports in the background, and the first `spawn` waits for it."""
        self._lock = threading.Lock()
        self._started = time.perf_counter()
        self.ready: dict | None = None
        self.home = tempfile.mkdtemp(prefix="linreg-template-")
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        # Its environment is all a child could ever read of it (/proc/self/environ keeps the first one): the
        # students' own, with no thread pools that would start at import (OpenBLAS's, which would forbid unshare).
        environment = jail.environment(self.home) | {"OPENBLAS_NUM_THREADS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        # The source comes on stdin: the command line, which every child shows in /proc/self/cmdline, stays short.
        self.process = subprocess.Popen([sys.executable, "-E", "-s", "-c", _BOOTSTRAP, str(theirs.fileno())],
                                        pass_fds=[theirs.fileno()], env=environment, cwd="/", stdin=subprocess.PIPE,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        theirs.close()
        self.process.stdin.write(_SOURCE.read_bytes())
        self.process.stdin.close()
        self._socket = ours

    def _wait_ready(self) -> None:
        if self.ready is None:
            ready = self._socket.recv(1 << 16)
            if not ready:
                raise OSError("the warm template ended during its imports")
            self.ready = json.loads(ready)
            timing.record("template start", time.perf_counter() - self._started)

    def spawn(self, kind: str, where: jail.Jail, cwd: str, log: int, connection_file: str = "",
              requests: int | None = None, answers: int | None = None) -> Child:
        """Fork a kernel (on `connection_file`) or a student process (on the pipe ends `requests` and `answers`) in `where`.

        `log` receives what the jail's set-up writes to stderr (the student's process sends its own to /dev/null)."""
        variables, cgroup, nproc = where.layout()
        request = {"kind": kind, "cwd": cwd, "variables": variables, "script": jail.SCRIPT, "cgroup": cgroup, "nproc": nproc,
                   "environment": jail.environment(), "memory_bytes": where.memory_bytes, "connection_file": connection_file,
                   "source": paths.STUDENT_SIDE.read_text() if kind == "student" else ""}
        names, fds = ["log"], [log]
        if kind == "student":
            names, fds = [*names, "requests", "answers"], [*fds, requests, answers]
        request["fd_names"] = names
        with self._lock:
            self._wait_ready()
        with self._lock, timing.timed("template fork"):
            socket.send_fds(self._socket, [json.dumps(request).encode()], fds)
            data, passed, _, _ = socket.recv_fds(self._socket, 1 << 16, 2)
        if not data:
            raise OSError("the warm template has ended")
        answer = json.loads(data)
        if not answer["ok"]:
            raise OSError(answer["error"])
        return Child(answer["pid"], *passed)

    def close(self) -> None:
        """End the template: it kills its children and exits when its socket closes."""
        self._socket.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.home, ignore_errors=True)


_TEMPLATE: list[Template] = []
_PID: list[int] = []


@functools.cache
def note(reason: str) -> None:
    """Say once why there is no warm template (the cold path is taken)."""
    _log.warning("no warm template (%s): each kernel and student process starts a cold interpreter", reason)


def get() -> Template | None:
    """This process's template, started the first time it is asked for; None where none can be made (with a note)."""
    if _PID and _PID[0] != os.getpid():  # a forked copy of a grading process: the template is its parent's
        _TEMPLATE.clear()
    if _TEMPLATE and _TEMPLATE[0].process.poll() is None:
        return _TEMPLATE[0]
    _TEMPLATE.clear()
    if os.environ.get("LINREG_COLD_START"):
        return None
    if not jail.available() or not hasattr(os, "pidfd_open") or not hasattr(socket, "send_fds"):
        note("fork-and-unshare is not available here")
        return None
    try:
        template = Template()
    except OSError as error:
        note(str(error))
        return None
    _TEMPLATE[:], _PID[:] = [template], [os.getpid()]
    return template


@atexit.register
def _close() -> None:
    if _TEMPLATE and _PID and _PID[0] == os.getpid():
        _TEMPLATE.pop().close()
