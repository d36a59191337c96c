"""The work a batch worker does for the batch grader: execute one sanitized notebook and run its hidden checks.

A `Job` carries everything by value (the notebook as nbgrader sanitized it, the files of the folder it
runs in, the course's configuration), so that a worker needs no access to the course: a process of
this machine or a Dask worker elsewhere. `run` applies the first steps of the course's own autograde
pipeline (`SandboxedExecute`, `HiddenChecks`) exactly as nbgrader would, and hands the notebook back
for the coordinator to finish with nbgrader (`replay.ReplayStaged`).
"""

from __future__ import annotations

import copy
import logging
import os
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.utils import setenv
from traitlets.config import Config

from ..errors import GraderError

_QUIET = logging.getLogger("autograder.batch.worker")
"""Where the steps' log goes in a worker: nowhere (what matters comes back in the Outcome, or in the graded notebook)."""
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


@dataclass
class Job:
    """One notebook of one submission, ready to execute."""

    student: str
    assignment: str
    notebook: str
    """The notebook's name, without `.ipynb`."""
    sanitized: str
    """The notebook as nbgrader's sanitizing steps left it (JSON)."""
    files: dict[str, tuple[bytes, int]]
    """The other files of the folder nbgrader runs it in, by relative path: (content, permission bits)."""
    config: Config
    steps: list[type] = field(default_factory=list)
    """The autograde preprocessors to apply, in order: the course's, up to its hidden checks."""
    course_root: str = ""


@dataclass
class Outcome:
    """What a worker hands back: the executed and checked notebook, or why there is none."""

    student: str
    notebook: str
    sanitized: str
    executed: str | None
    seconds: float
    error: str = ""
    """Why there is no executed notebook: one line, the grader's own failure."""


def run(job: Job) -> Outcome:
    """Apply `job.steps` to the sanitized notebook in a folder laid out as nbgrader's autograded one."""
    start = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="linreg-batch-") as folder:
            for relative, (data, mode) in job.files.items():
                path = Path(folder, relative)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                path.chmod(mode)
            Path(folder, f"{job.notebook}.ipynb").write_text(job.sanitized, encoding="utf-8")
            nb = nbformat.reads(job.sanitized, as_version=4)
            resources = {"metadata": {"path": folder, "name": job.notebook},
                         "nbgrader": {"student": job.student, "assignment": job.assignment, "notebook": job.notebook}}
            # On a Dask worker of another machine the course folder does not exist: there is nothing of it to hide.
            config = _local(job.config, job.course_root if Path(job.course_root or "/nonexistent").is_dir() else folder)
            # The same variable nbgrader sets around its autograde pass: a notebook may look at it.
            with setenv(NBGRADER_EXECUTION="autograde"):
                for step in job.steps:
                    nb, resources = step(config=config, log=_QUIET)(nb, resources)
            executed = nbformat.writes(nb)
    except Exception as error:  # the steps handle whatever the student's code does: this is the grader's own failure
        why = str(error) if isinstance(error, GraderError) else f"{type(error).__name__}: {error}"
        return Outcome(job.student, job.notebook, job.sanitized, None, time.perf_counter() - start, why.splitlines()[0][:400])
    return Outcome(job.student, job.notebook, job.sanitized, executed, time.perf_counter() - start)


def _local(config: Config, course_root: str) -> Config:
    """The course's configuration, where the course folder to hide from the student is the one nbgrader would
    take (its current folder, the course's root) unless the course names one."""
    config = copy.deepcopy(config)
    for section in ("HiddenChecks", "JailedKernelManager"):
        if not config[section].get("course_root"):
            config[section].course_root = course_root
    return config


def worker_ready(inline: bool = False) -> None:
    """Ready a worker: its warm template starting at once, what a job needs imported, the kernels' chatter silenced.

    Library notices written to the terminal would scroll the progress bar away; the worker's own errors
    travel back in its `Outcome`. A worker `inline` in the coordinator keeps the coordinator's terminal
    and signals: its steps log to nowhere instead (see `run`).
    """
    from .. import pipeline  # noqa: F401
    from ..isolation import template

    template.get()
    if inline:
        return
    # Ctrl-C is the coordinator's to handle: it stops the run, and these processes with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
