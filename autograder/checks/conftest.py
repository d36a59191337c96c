"""Fixtures of the hidden checks.

Under the grader (`autograder.runner`) the sandbox and the notebook's trained parameters come
from its plugin; run by hand, `pytest autograder/checks --notebook=PATH.ipynb` loads a notebook.
"""

from __future__ import annotations

import pytest

from autograder.runner import GRADER
from autograder.sandbox import Sandbox
from autograder.student import Student


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("linreg", "linear-regression hidden checks")
    group.addoption("--notebook", help="the student's notebook to check, when run by hand")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "points(n): what the check is worth")


@pytest.fixture(scope="session")
def sandbox(request: pytest.FixtureRequest) -> Sandbox:
    grader = request.config.stash.get(GRADER, None)
    if grader is not None:
        yield grader.sandbox
        return
    path = request.config.getoption("--notebook")
    if not path:
        pytest.exit("give the notebook to check: pytest autograder/checks --notebook=PATH.ipynb", returncode=4)
    from autograder.notebook import read_submission

    submission = read_submission(path)
    with submission.sandbox() as sandbox:
        yield sandbox


@pytest.fixture(scope="session")
def trained(request: pytest.FixtureRequest) -> dict | None:
    """The w and b that the student's notebook trained, as its test_training cell recorded them."""
    grader = request.config.stash.get(GRADER, None)
    if grader is not None:
        return grader.trained
    from autograder.notebook import read_submission

    return read_submission(request.config.getoption("--notebook")).trained


@pytest.fixture(scope="module")
def student(sandbox: Sandbox) -> Student:
    """The student's code, with a fresh time budget (and a live process) for each part."""
    sandbox.begin_part()
    return Student(sandbox)


@pytest.fixture(autouse=True)
def _fresh_check(sandbox: Sandbox) -> None:
    sandbox.begin_check()
