"""Every setting of the grader: each limit a trait, with its default and help text, here and nowhere else.

An instructor changes them in `nbgrader_config.py`, like every other setting of the course. The
classes that use them inherit them (`HiddenChecks` has `CheckLimits`' traits, `JailedKernelManager`
`KernelLimits`'), so `c.HiddenChecks.call_seconds = 10` and `c.CheckLimits.call_seconds = 10` both
work, and a configuration written for the old module paths keeps its settings.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from nbgrader.apps.baseapp import NbGrader
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default.exchange import Exchange
from traitlets import Float, Int, Unicode
from traitlets.config import Config, Configurable


class ProcessLimits(Configurable):
    """What one jailed student process may take, and see."""

    course_root = Unicode("", help="The course folder, whole out of the student process's sight; default: the current folder.").tag(config=True)
    max_processes = Int(256, help="The most processes and threads a student process may have at once "
                                  "(a pids cgroup, or RLIMIT_NPROC for an unprivileged grader).").tag(config=True)
    scratch_bytes = Int(512 << 20, help="The size of a student process's private /tmp, where it works on a copy of its folder.").tag(config=True)


class KernelLimits(ProcessLimits):
    """What the student's kernel may take."""

    memory_bytes = Int(8 << 30, help="The address-space limit of the student's kernel.").tag(config=True)


class CheckLimits(ProcessLimits):
    """What the process that runs the student's code for the hidden checks may take, and for how long.

    Times are CPU seconds of the student's processes, so that a busy machine does not make a correct
    answer run out of time; by the clock a call or a part may last `wall_factor` times as long.
    """

    call_seconds = Float(20.0, help="The most CPU time one call into the student's code may use.").tag(config=True)
    part_seconds = Float(60.0, help="The most CPU time the checks of one grade cell may use in all.").tag(config=True)
    wall_factor = Float(3.0, help="How many times its CPU limit a call or a part may last by the clock "
                                  "(code that sleeps uses no CPU; on a busy machine CPU time accrues slower than the clock).").tag(config=True)
    start_seconds = Float(120.0, help="How long the student's process may take to start, before any of the student's code runs "
                                      "(the grader's cost, not the student's).").tag(config=True)
    memory_bytes = Int(4 << 30, help="The address-space limit of the process that runs the student's code.").tag(config=True)
    max_answer_bytes = Int(64 << 20, help="The largest answer the student's process may send.").tag(config=True)
    max_elements = Int(4_000_000, help="The most elements a tensor in an answer may have.").tag(config=True)
    max_text = Int(20_000, help="The longest string an answer may hold.").tag(config=True)
    max_items = Int(200_000, help="The most items a list or tuple in an answer may have.").tag(config=True)


class Intake(Configurable):
    """What a submission folder may hold (see `autograder.submission.intake`)."""

    max_file_bytes = Int(20 << 20, help="Files of a submission larger than this are left out; a notebook larger than this is not graded.").tag(config=True)
    max_files = Int(500, help="A folder of a submission with more files than this is left out (the submission's own folder: not graded).").tag(config=True)


class BatchGrader(Configurable):
    """`python -m autograder grade`: the command line's options win over these."""

    workers = Int(0, help="Submissions graded side by side; 0: one per core (on a Dask cluster: its threads).").tag(config=True)
    scheduler = Unicode("", help="A Dask scheduler's address (tcp://host:8786): run the workers on its cluster.").tag(config=True)
    connect_seconds = Float(30.0, help="How long to wait for the Dask scheduler to accept the client.").tag(config=True)
    knock_seconds = Float(10.0, help="How long to wait for the Dask scheduler's port to answer at all.").tag(config=True)


def check_limits(config: Config) -> CheckLimits:
    """The hidden checks' limits as `config` sets them, for `CheckLimits` or, as older configurations do, for `HiddenChecks`."""
    limits = CheckLimits(config=config)
    for name in limits.trait_names(config=True):
        if name in config.get("HiddenChecks", {}):
            setattr(limits, name, config.HiddenChecks[name])
    return limits


def load_config(root: Path) -> Config:
    """The nbgrader configuration that `nbgrader` started in `root` would use (Jupyter's paths, then the course's file)."""
    with contextlib.chdir(root):
        app = NbGrader()
        app.load_config_file()
    config = Config(app.config)
    config.CourseDirectory.root = str(Path(root).resolve())
    return config


def db_url(root: Path) -> str:
    """The gradebook of the course in `root`: its configured `db_url`, by default `gradebook.db` there (SQLite)."""
    return CourseDirectory(config=load_config(root)).db_url


def exchange(config: Config) -> Path:
    """nbgrader's exchange folder, as the course configures it (or nbgrader's default)."""
    # Read, not instantiated: an Exchange checks (and complains about) its folder when it is made.
    return Path(config.get("Exchange", {}).get("root") or Exchange.class_traits()["root"].default_value)
