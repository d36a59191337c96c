"""Fixtures of the hidden checks.

Under the grader (`autograder.checking.runner`) the student's process and the notebook's trained
parameters come from its plugin; run by hand, `pytest autograder/checks --notebook=PATH.ipynb` loads a notebook.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from autograder.checking.runner import FIGURE, GRADER, student_process
from autograder.checking.student import Student
from autograder.isolation.student_process import StudentProcess


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("linreg", "linear-regression hidden checks")
    group.addoption("--notebook", help="the student's notebook to check, when run by hand")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "points(n): what the check is worth")


@pytest.fixture(scope="session")
def process(request: pytest.FixtureRequest) -> StudentProcess:
    grader = request.config.stash.get(GRADER, None)
    if grader is not None:
        yield grader.process
        return
    path = request.config.getoption("--notebook")
    if not path:
        pytest.exit("give the notebook to check: pytest autograder/checks --notebook=PATH.ipynb", returncode=4)
    from autograder.submission.notebook import read_submission

    with student_process(read_submission(path)) as process:
        yield process


@pytest.fixture(scope="session")
def trained(request: pytest.FixtureRequest) -> dict | None:
    """The w and b that the student's notebook trained, as its test_training cell recorded them."""
    grader = request.config.stash.get(GRADER, None)
    if grader is not None:
        return grader.trained
    from autograder.submission.notebook import read_submission

    return read_submission(request.config.getoption("--notebook")).trained


@pytest.fixture(scope="module")
def student(process: StudentProcess) -> Student:
    """The student's code, with a fresh time budget (and a live process) for each part."""
    process.begin_part()
    return Student(process)


@pytest.fixture(autouse=True)
def _fresh_check(process: StudentProcess) -> None:
    process.begin_check()


@pytest.fixture
def figure(request: pytest.FixtureRequest) -> Callable[[dict], None]:
    """Keep a figure's data (`checking.figures`) with this check: the grader draws it under the part's report."""
    return lambda data: request.node.user_properties.append((FIGURE, data))
