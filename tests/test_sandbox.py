"""Does a broken or hostile answer cost only the parts it breaks? (checks run directly, without nbgrader)"""

from __future__ import annotations

import inspect

import pytest

from autograder.assignment import BLANKS, IMPORTS, POINTS
from autograder.checking.runner import run_checks
from autograder.checks import reference
from autograder.settings import CheckLimits
from autograder.submission.notebook import Submission

IMPORTS_SOURCE = "import random\nimport numpy as np\nimport torch\n%matplotlib inline\n"
TRAINED = {"w": list(reference.TRUE_W), "b": [reference.TRUE_B]}
"""What a notebook that trained well records; worth the 4 points of test_training not earned by the functions."""
LIMITS = CheckLimits(call_seconds=3.0, part_seconds=8.0)
FULL = dict(POINTS)


def grade(**answers: str) -> dict[str, float]:
    """Scores of the reference answers with some blanks replaced."""
    sources = {name: inspect.getsource(getattr(reference, name)) for name in BLANKS} | answers
    cells = [(IMPORTS, IMPORTS_SOURCE), *((name, sources[name]) for name in BLANKS)]
    return {part: result.score for part, result in run_checks(Submission(cells, TRAINED), LIMITS).items()}


def test_reference_gets_full_marks() -> None:
    """Do the reference's functions score every point?"""
    assert grade() == FULL


def test_points_match_the_grade_cells() -> None:
    """Are the checks of each part worth exactly the points of its grade cell?"""
    cells = [(IMPORTS, IMPORTS_SOURCE), *((n, inspect.getsource(getattr(reference, n))) for n in BLANKS)]
    assert {part: result.possible for part, result in run_checks(Submission(cells, TRAINED), LIMITS).items()} == FULL


def test_prints_do_not_cost_points() -> None:
    """Does a correct answer that prints to stdout and stderr keep full marks?"""
    noisy = inspect.getsource(reference.linreg).replace('    return', '    print("debug", X.shape)\n'
                                                          '    import sys; print("warn", file=sys.stderr)\n    return')
    assert grade(linreg=noisy) == FULL


def test_syntax_error_costs_only_its_parts() -> None:
    """Does a syntax error in the sgd cell cost sgd and training only?"""
    assert grade(sgd="def sgd(params, lr, batch_size):\n    for p in params\n") == FULL | {"test_sgd": 0, "test_training": 4}


def test_crash_costs_only_its_parts() -> None:
    """Does an sgd that kills its process (os._exit) cost sgd and training, not the parts graded after it?"""
    crash = "def sgd(params, lr, batch_size):\n    import os\n    os._exit(3)\n"
    assert grade(sgd=crash) == FULL | {"test_sgd": 0, "test_training": 4}


def test_endless_loop_costs_only_its_parts() -> None:
    """Does a linreg that never returns cost linreg, training and its speed check, within the time limits?"""
    endless = "def linreg(X, w, b):\n    while True:\n        pass\n"
    assert grade(linreg=endless) == FULL | {"test_linreg": 0, "test_training": 4, "test_vectorized": 5}


def test_student_cannot_import_the_reference() -> None:
    """Is `import autograder` refused inside the student's process?"""
    cheat = "from autograder.reference import linreg\n"
    assert grade(linreg=cheat)["test_linreg"] == 0


@pytest.mark.parametrize("patch", [
    "import torch\ntorch.allclose = lambda *a, **k: True\ntorch.equal = lambda *a, **k: True\n",
    "import builtins\nbuiltins.print = lambda *a, **k: None\nbuiltins.isinstance = lambda *a: True\n",
])
def test_monkeypatching_does_not_pass_a_wrong_answer(patch: str) -> None:
    """Can a student who patches torch or builtins in their cell turn a wrong linreg into a pass?"""
    wrong = patch + "def linreg(X, w, b):\n    return torch.mm(X, w)\n"
    assert grade(linreg=wrong)["test_linreg"] < 15
