"""Shared fixtures: every example and hostile submission graded once by real nbgrader, and once by the batch grader."""

from __future__ import annotations

import ast
import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import course, paths
from autograder.assignment import NAME as ASSIGNMENT
from autograder.course import PartScore
from autograder.dev.examples import EXAMPLES

from .corpus import CASES

# nbgrader runs `alembic` from this environment's bin/, also when pytest was started without activating it.
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])

FAST = """
# Shorter limits than a real course's, so that the endless loops of the hostile corpus cost less time; still many
# times what a correct answer needs, also when the suite shares two cores with other work (tighter ones cut the
# 200 000 printed lines of output-flood, or the fork-and-thread floods of tests/test_machine.py, short).
c.SandboxedExecute.timeout = 30
c.HiddenChecks.call_seconds = 8.0
c.HiddenChecks.part_seconds = 20.0
"""


SHARED = {"graded_course", "autograded", "batch_course", "batched", "checked"}
"""The session's graded courses: costly, so graded once, in one process, for every module that reads them."""


@functools.cache
def sharing(module: Path) -> frozenset[str]:
    """The functions of a test module that ask for one of the session's graded courses, directly or through a fixture
    of that module."""
    functions = {node.name: {arg.arg for arg in node.args.args} for node in ast.walk(ast.parse(module.read_text()))
                 if isinstance(node, ast.FunctionDef)}
    found: set[str] = set()
    while True:
        more = {name for name, args in functions.items() if args & (SHARED | found)} - found
        if not more:
            return frozenset(found)
        found |= more


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """With pytest-xdist (`-n auto`): each module's tests in one process (they share its fixtures), but every test that
    reads the session's graded courses in the same one, which grades them once. (pytest 9 ignores the test ids that
    `--dist loadgroup` rewrites, so the groups are made here.)"""
    from xdist.scheduler import LoadScopeScheduling

    class Groups(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module, _, test = nodeid.partition("::")
            return "graded courses" if test.split("[")[0] in sharing(config.rootpath / module) else module

    return Groups(config, log)


def run_cli(*args: str, cwd: Path = paths.ROOT) -> subprocess.CompletedProcess:
    """`python -m autograder ARGS`, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, capture_output=True, text=True,
                          env=course.environment())


@pytest.fixture(scope="session")
def submissions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every example and every hostile case, written as a notebook file named for it."""
    folder = tmp_path_factory.mktemp("submissions")
    written = {example.name: example.write(folder / f"{example.name}.ipynb") for example in EXAMPLES}
    written |= {case.name: case.write(folder / f"{case.name}.ipynb") for case in CASES}
    return written


@pytest.fixture(scope="session")
def graded_course(tmp_path_factory: pytest.TempPathFactory, submissions: dict[str, Path]) -> Path:
    """A course folder in which real `nbgrader autograde` and `generate_feedback` graded every submission, in one batch,
    each kernel and checks' process a cold interpreter."""
    root = course.released(tmp_path_factory.mktemp("course"), FAST)
    for name, path in submissions.items():
        course.submit(root, name, path)
    # The one notebook that is not JSON makes nbgrader exit non-zero at the end of the batch, by design.
    # Today's cold path (no warm template): the identity tests compare it with the batch grader's forked processes.
    done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT], cwd=root,
                          env=dict(course.environment(), LINREG_COLD_START="1"), capture_output=True, text=True)
    (root / "autograde.log").write_text(done.stdout + done.stderr)
    course.nbgrader(root, "generate_feedback", ASSIGNMENT)
    return root


@pytest.fixture(scope="session")
def autograded(graded_course: Path, submissions: dict[str, Path]) -> dict[str, dict[str, PartScore]]:
    return {name: course.scores(graded_course, name) for name in submissions}


@pytest.fixture(scope="session")
def batch_course(tmp_path_factory: pytest.TempPathFactory, submissions: dict[str, Path]) -> tuple[Path, subprocess.CompletedProcess]:
    """A second course with the same submissions, graded by `python -m autograder grade` (two workers), and that run."""
    root = course.released(tmp_path_factory.mktemp("batch"), FAST)
    for name, path in submissions.items():
        course.submit(root, name, path)
    return root, run_cli("grade", ASSIGNMENT, "--workers", "2", cwd=root)


@pytest.fixture(scope="session")
def batched(batch_course: tuple[Path, subprocess.CompletedProcess], submissions: dict[str, Path]) -> dict[str, dict[str, PartScore]]:
    root, _ = batch_course
    return {name: course.scores(root, name) for name in submissions if name != "not-json"}


@pytest.fixture(scope="session")
def checked(submissions: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, dict]]:
    """`python -m autograder check --json` on two of the examples, in one call (it runs the batch grader, tested on all)."""
    config = tmp_path_factory.mktemp("config") / "fast.py"
    config.write_text(FAST)
    notebooks = {name: submissions[name] for name in ("missing-half", "sgd-rebind")}
    done = run_cli("check", "--json", "--config", str(config), *map(str, notebooks.values()))
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    return {name: results[str(path)] for name, path in notebooks.items()}
