"""Shared fixtures: every example and hostile submission graded once by real nbgrader, and once by the batch grader."""

from __future__ import annotations

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
# Shorter limits than a real course's, so that the endless loops of the hostile corpus cost less time.
c.SandboxedExecute.timeout = 15
c.HiddenChecks.call_seconds = 8.0
c.HiddenChecks.part_seconds = 20.0
"""


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
    """A course folder in which real `nbgrader autograde` and `generate_feedback` graded every submission, in one batch."""
    root = course.new_course(tmp_path_factory.mktemp("course"), FAST)
    course.nbgrader(root, "generate_assignment", ASSIGNMENT)
    for name, path in submissions.items():
        course.submit(root, name, path)
    # The one notebook that is not JSON makes nbgrader exit non-zero at the end of the batch, by design.
    done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT], cwd=root, env=course.environment(),
                          capture_output=True, text=True)
    (root / "autograde.log").write_text(done.stdout + done.stderr)
    course.nbgrader(root, "generate_feedback", ASSIGNMENT)
    return root


@pytest.fixture(scope="session")
def autograded(graded_course: Path, submissions: dict[str, Path]) -> dict[str, dict[str, PartScore]]:
    return {name: course.scores(graded_course, name) for name in submissions}


@pytest.fixture(scope="session")
def batch_course(tmp_path_factory: pytest.TempPathFactory, submissions: dict[str, Path]) -> tuple[Path, subprocess.CompletedProcess]:
    """A second course with the same submissions, graded by `python -m autograder grade` (two workers), and that run."""
    root = course.new_course(tmp_path_factory.mktemp("batch"), FAST)
    course.nbgrader(root, "generate_assignment", ASSIGNMENT)
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
