"""nbgrader's Execute, with the student's kernel jailed and a kernel death survived.

Stock nbgrader starts the kernel inside the course folder as the grader's own user: one cell that
removes `../../../gradebook.db` wipes every grade, and a kernel killed by `os._exit` or a segfault
aborts the notebook, so every part scores 0. Here the kernel runs in a copy of the submission's
folder, in a jail (`jail.wrap`) that sees the course read-only and none of its secrets; if it dies,
the cells after it are left unexecuted and grading goes on, so the hidden checks still score the
parts the crash did not touch.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import DeadKernelError
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Bool, Int

from .. import settings, timing, words
from ..errors import GraderError, forget_new_submission
from ..isolation import jail, template
from ..settings import KernelLimits


class JailedKernelManager(AsyncKernelManager, KernelLimits):
    """Starts the kernel in a `jail.Jail` with no network: the grader talks to it through ZMQ ipc sockets,
    in a folder of its own that only the grader and this kernel share."""


    _channels: Path | None = None
    _jail: jail.Jail | None = None

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        # A short path: a Unix socket's path may not be longer than about 100 bytes.
        self._channels = Path(tempfile.mkdtemp(prefix="linreg-ipc-"))
        self.transport = "ipc"
        self.ip = str(self._channels / "k")
        self.connection_file = str(self._channels / "kernel.json")
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        root = Path(self.course_root or os.getcwd())
        self._jail = jail.Jail(hide=jail.course_secrets(root, config=self.config), memory_bytes=self.memory_bytes,
                               share=[self._channels], processes=self.max_processes, scratch_bytes=self.scratch_bytes)
        return self._jail.wrap(super().format_kernel_cmd(extra_arguments))

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        child = self._fork(str(kw.get("cwd") or os.getcwd()))
        if child is None:
            # ipykernel's start-up notices ("To connect another client...") would otherwise land on the grader's
            # stdout, in its JSON or its progress bar; what the student's cells print reaches the notebook anyway.
            kw.setdefault("stdout", subprocess.DEVNULL)
            kw.setdefault("stderr", subprocess.DEVNULL)
            await super()._async_launch_kernel(kernel_cmd, **kw)
            return
        # The provisioner signals and waits for the forked kernel as for a process of its own; no process
        # group to signal (the jail's three processes are one group: the kernel would get each signal twice).
        provisioner = self.provisioner
        provisioner.process, provisioner.pid, provisioner.pgid, provisioner.cwd = child, child.pid, None, kw.get("cwd")
        self._reconcile_connection_info(provisioner.connection_info)

    def _fork(self, cwd: str) -> template.Child | None:
        """The kernel forked from the warm template, or None (then it starts cold)."""
        warm = template.get()
        if warm is None:
            return None
        try:
            with open(os.devnull, "wb") as devnull:
                return warm.spawn("kernel", self._jail, cwd, devnull.fileno(), connection_file=self.connection_file)
        except OSError as error:
            template.note(str(error))
            return None

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if self._jail is not None:
            self._jail.close()
        if self._channels is not None and not restart:
            shutil.rmtree(self._channels, ignore_errors=True)


class SandboxedExecute(Execute):
    """Execute the notebook in a jailed kernel, in a throwaway copy of its folder."""

    max_output_bytes = Int(1 << 20, help="Output kept per cell; beyond it the cell's output is cut, not held in memory.").tag(config=True)
    raise_on_iopub_timeout = Bool(False, help="A flood of output that outlasts the IOPub timeout must not abort the notebook.").tag(config=True)
    prestart_checks = Bool(True, help="Start the hidden checks' process (with `CheckLimits`) while the kernel runs.").tag(config=True)
    timeout = Int(60, allow_none=True, help="The longest one cell may run by the clock: the solution notebook runs in about 5 s, "
                                           "no cell over 2 s; a student's may be slower, or never end.").tag(config=True)

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("kernel_manager_class", JailedKernelManager)
        super().__init__(**kwargs)

    def output(self, outs: list, msg: dict, display_id: Any, cell_index: int) -> Any:
        if msg.get("msg_type") != "error":
            used = self._output_bytes.get(cell_index, 0) + len(json.dumps(msg.get("content", {}), default=str))
            self._output_bytes[cell_index] = used
            if used > self.max_output_bytes:
                if cell_index not in self._cut:
                    self._cut.add(cell_index)
                    outs.append(new_output("stream", name="stdout", text=words.say("notebook.output_cut")))
                return None
        return super().output(outs, msg, display_id, cell_index)

    def preprocess(self, nb: Any, resources: Any = None, km: Any = None) -> tuple[Any, Any]:
        try:
            return self._execute(nb, resources, km)
        except GraderError as error:
            self.log.error("grader error, not the student's: %s", error)
            forget_new_submission(resources)
            raise

    def _execute(self, nb: Any, resources: Any, km: Any) -> tuple[Any, Any]:
        self._dead = False
        self._ran = False
        self._started = time.perf_counter()
        self._output_bytes: dict[int, int] = {}
        self._cut: set[int] = set()
        folder = resources.get("metadata", {}).get("path") or os.getcwd()
        if self.prestart_checks:
            # Imported only to grade (with torch): nbgrader loads the course's configuration for every command.
            from ..isolation import student_process

            limits = settings.check_limits(self.config)
            student_process.prestart(limits, Path(limits.course_root or os.getcwd()))
        with tempfile.TemporaryDirectory(prefix="linreg-kernel-") as work:
            shutil.copytree(folder, work, dirs_exist_ok=True)
            resources.setdefault("metadata", {})["path"] = work
            try:
                executed = super().preprocess(nb, resources, km)
                timing.record("cells", time.perf_counter() - self._started)
                return executed
            except Exception as error:
                if self._ran:
                    raise
                # No cell of the student's ran: the kernel (or its jail) could not start, which is the grader's failure.
                raise GraderError(f"the student's kernel could not start: {type(error).__name__}: {error}") from error
            finally:
                resources["metadata"]["path"] = folder

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        if self._dead or cell.cell_type != "code":
            return cell, resources
        if not self._ran:
            timing.record("kernel ready", time.perf_counter() - self._started)
            self._started = time.perf_counter()
        self._ran = True
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._dead = True
            self.log.warning("The kernel died in cell %d; the cells after it are not run", index)
            cell.outputs.append(new_output("error", ename="DeadKernelError", traceback=[], evalue=words.say("notebook.kernel_died")))
            return cell, resources
