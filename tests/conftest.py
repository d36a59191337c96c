"""Shared fixtures: real nbgrader runs on the example submissions, made once per test session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import course
from autograder.course import ASSIGNMENT, PartScore
from autograder.examples import EXAMPLES

# nbgrader runs `alembic` from this environment's bin/, also when pytest was started without activating it.
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


def run_cli(*args: str, cwd: Path = course.ROOT) -> subprocess.CompletedProcess:
    """`python -m autograder ARGS`, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, capture_output=True, text=True,
                          env=course.environment())


@pytest.fixture(scope="session")
def example_notebooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every example submission written as a notebook file."""
    folder = tmp_path_factory.mktemp("examples")
    return {example.name: example.write(folder / f"{example.name}.ipynb") for example in EXAMPLES}


@pytest.fixture(scope="session")
def graded_course(tmp_path_factory: pytest.TempPathFactory, example_notebooks: dict[str, Path]) -> Path:
    """A course folder in which real `nbgrader autograde` and `generate_feedback` graded every example."""
    root = course.new_course(tmp_path_factory.mktemp("course"))
    course.nbgrader(root, "generate_assignment", ASSIGNMENT)
    for name, path in example_notebooks.items():
        course.submit(root, name, path)
    course.nbgrader(root, "autograde", ASSIGNMENT)
    course.nbgrader(root, "generate_feedback", ASSIGNMENT)
    return root


@pytest.fixture(scope="session")
def autograded(graded_course: Path, example_notebooks: dict[str, Path]) -> dict[str, dict[str, PartScore]]:
    return {name: course.scores(graded_course, name) for name in example_notebooks}


@pytest.fixture(scope="session")
def checked(example_notebooks: dict[str, Path]) -> dict[str, dict[str, dict]]:
    """`python -m autograder check --json` on every example, in one call."""
    done = run_cli("check", "--json", *map(str, example_notebooks.values()))
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    return {name: results[str(path)] for name, path in example_notebooks.items()}
