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
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import DeadKernelError
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Bool, Int, Unicode

from . import jail
from .preprocessor import HiddenChecks


class JailedKernelManager(AsyncKernelManager):
    """Starts the kernel through `jail.wrap`."""

    memory_bytes = Int(8 << 30, help="The address-space limit of the student's kernel.").tag(config=True)
    course_root = Unicode("", help="The course folder, read-only for the kernel; default: the current folder.").tag(config=True)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        root = Path(self.course_root or os.getcwd())
        return jail.wrap(super().format_kernel_cmd(extra_arguments), hide=jail.course_secrets(root), memory_bytes=self.memory_bytes,
                         keep=[Path(self.connection_file)] if self.connection_file.startswith(("/tmp/", "/var/tmp/")) else [])

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        # ipykernel's start-up notices ("To connect another client...") would otherwise land on the grader's
        # stdout, in its JSON or its progress bar; what the student's cells print reaches the notebook anyway.
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        await super()._async_launch_kernel(kernel_cmd, **kw)


class SandboxedExecute(Execute):
    """Execute the notebook in a jailed kernel, in a throwaway copy of its folder."""

    max_output_bytes = Int(1 << 20, help="Output kept per cell; beyond it the cell's output is cut, not held in memory.").tag(config=True)
    raise_on_iopub_timeout = Bool(False, help="A flood of output that outlasts the IOPub timeout must not abort the notebook.").tag(config=True)
    prestart_checks = Bool(True, help="Start the hidden checks' process (HiddenChecks' limits) while the kernel runs.").tag(config=True)

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
                    outs.append(new_output("stream", name="stdout", text="\n[输出过多, 其余部分已截断 (output truncated)]\n"))
                return None
        return super().output(outs, msg, display_id, cell_index)

    def preprocess(self, nb: Any, resources: Any = None, km: Any = None) -> tuple[Any, Any]:
        self._dead = False
        self._output_bytes: dict[int, int] = {}
        self._cut: set[int] = set()
        folder = resources.get("metadata", {}).get("path") or os.getcwd()
        if self.prestart_checks:
            HiddenChecks(parent=self).prestart()
        with tempfile.TemporaryDirectory(prefix="linreg-kernel-") as work:
            shutil.copytree(folder, work, dirs_exist_ok=True)
            resources.setdefault("metadata", {})["path"] = work
            try:
                return super().preprocess(nb, resources, km)
            finally:
                resources["metadata"]["path"] = folder

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        if self._dead or cell.cell_type != "code":
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._dead = True
            self.log.warning("The kernel died in cell %d; the cells after it are not run", index)
            cell.outputs.append(new_output("error", ename="DeadKernelError", traceback=[],
                                           evalue="内核在运行这个单元格时崩溃 (the kernel died); 之后的单元格没有运行"))
            return cell, resources
