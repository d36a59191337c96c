"""Hostile and broken submissions, built in code from the release and the reference solution.

Each case is the reference solution with one thing a hostile or careless student might do, and the
score it must get in every part: nothing it does may raise its own score, lower anyone else's, or
stop the batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder import assignment
from autograder.checks import reference
from autograder.dev.examples import Example, solution

PARTS = [part.grade_id for part in assignment.PARTS]
FULL = dict(assignment.POINTS)
"""Full marks in every part, as the source notebook's metadata gives them."""


def after(name: str, code: str) -> dict[str, str]:
    """The solution, with `code` run at the end of the cell that defines `name`."""
    answers = solution()
    answers[name] += "\n" + code
    return answers


def inside(name: str, code: str) -> dict[str, str]:
    """The solution, with `code` run first thing whenever the function `name` is called."""
    answers = solution()
    text = answers[name]
    end_of_docstring = text.index('"""', text.index('"""') + 3) + len('"""\n')
    answers[name] = text[:end_of_docstring] + "".join("    " + line + "\n" for line in code.splitlines()) + text[end_of_docstring:]
    return answers


def cell_of(nb: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    return assignment.find_cell(nb, grade_id)


@dataclass
class Case:
    """A hostile or broken submission and the score it must get in each part (None: not a notebook)."""

    name: str
    answers: dict[str, str]
    scores: dict[str, float] | None
    edit: Callable[[nbformat.NotebookNode], None] | None = None
    """A change to the notebook beyond the answers (cells edited, deleted, metadata changed)."""
    raw: str | None = None
    """The file's whole text instead of a notebook."""

    def write(self, path: Path) -> Path:
        if self.raw is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(self.raw)
            return path
        example = Example(self.name, self.answers)
        nb = example.notebook()
        if self.edit:
            self.edit(nb)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
        return path


def _edit_test_cell(nb: nbformat.NotebookNode) -> None:
    cell_of(nb, "test_sgd").source = "print('all good')\n20"


def _empty_test_cell(nb: nbformat.NotebookNode) -> None:
    cell_of(nb, "test_linreg").source = ""


def _delete_test_cell(nb: nbformat.NotebookNode) -> None:
    nb.cells.remove(cell_of(nb, "test_squared_loss"))


def _raise_points(nb: nbformat.NotebookNode) -> None:
    cell_of(nb, "test_data_iter").metadata.nbgrader["points"] = 1000


WIPE_GRADEBOOK = """import glob, os
for path in glob.glob('../../../gradebook.db') + glob.glob('../../../*/*/*/*.ipynb'):
    try:
        os.remove(path)
    except OSError:
        pass
"""

WRITE_OUTSIDE = """import os
for path in ['../../../hacked.txt', '../../hacked.txt', '/hacked.txt', '/tmp/hacked.txt', os.path.expanduser('~/hacked.txt')]:
    try:
        with open(path, 'w') as f:
            f.write('hacked')
    except OSError:
        pass
"""

STEAL_REFERENCE = f"""# Where the grader lives on the instructor's machine, as a student might guess it.
exec(open({str(Path(reference.__file__).resolve())!r}).read())
"""

SEGFAULT = "import ctypes\nctypes.string_at(0)\n"
KILL_PARENT = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"
KILL_ALL = "import os, signal\nos.kill(-1, signal.SIGKILL)\nos.kill(0, signal.SIGKILL)\n"
FLOOD = "for i in range(200_000):\n    print('flood', i)\n"
GLOBALS = "true_w = [0.0, 0.0]\ntrue_b = 0.0\nfeatures = torch.zeros(1000, 2)\nlabels = torch.zeros(1000)\n"
PATCH = """import torch
torch.allclose = lambda *a, **k: True
torch.equal = lambda *a, **k: True
torch.Tensor.__eq__ = lambda self, other: torch.ones_like(self, dtype=torch.bool)
"""
FORGED_REPLY = """if len(X) == 100000:
    import io, os, struct, time
    buffer = io.BytesIO()
    torch.save({"ok": True, "value": {"shape": [100000, 1], "sum": 0.0}}, buffer)
    os.write(4, struct.pack("<Q", len(buffer.getvalue())) + buffer.getvalue())
    time.sleep(10**6)"""
SHADOW = "sum = 0\niter = None\nzip = None\n"
PRINTS = "print('debug: batch', batch_size)\nimport sys\nprint('warning: debugging', file=sys.stderr)\n"

CASES = [
    Case("wipe-gradebook", after("data_iter", WIPE_GRADEBOOK), FULL),
    Case("write-outside", after("linreg", WRITE_OUTSIDE), FULL),
    Case("steal-reference", {"linreg": STEAL_REFERENCE} | {k: v for k, v in solution().items() if k != "linreg"},
         FULL | {"test_linreg": 0, "test_training": 0, "test_vectorized": 5}),
    Case("os-exit", inside("sgd", "import os\nos._exit(1)"), FULL | {"test_sgd": 0, "test_training": 0}),
    Case("segfault", inside("linreg", SEGFAULT), FULL | {"test_linreg": 0, "test_training": 0, "test_vectorized": 5}),
    Case("system-exit", inside("squared_loss", "raise SystemExit(0)"),
         FULL | {"test_squared_loss": 0, "test_training": 0, "test_vectorized": 5}),
    Case("memory-64gib", inside("linreg", "torch.ones(64 << 30, dtype=torch.uint8)"),
         FULL | {"test_linreg": 0, "test_training": 0, "test_vectorized": 5}),
    Case("endless-loop", inside("data_iter", "while True:\n    pass"), FULL | {"test_data_iter": 0, "test_training": 0}),
    # The parent it can name is the jail's init, which ignores it: the attack does nothing.
    Case("kill-parent", inside("sgd", KILL_PARENT), FULL),
    # Every process it may signal is inside its own jail: it kills itself only.
    Case("kill-all", inside("sgd", KILL_ALL), FULL | {"test_sgd": 0, "test_training": 0}),
    Case("output-flood", after("linreg", FLOOD), FULL),
    Case("redefine-globals", after("sgd", GLOBALS), FULL | {"test_training": 16}),
    Case("debug-prints", inside("data_iter", PRINTS), FULL),
    # Names of builtins reused for the student's own variables must not break the checks.
    Case("shadow-builtins", after("sgd", SHADOW), FULL),
    # A fake answer written straight to the grader's pipe, then silence: the timed call does not count, the grader goes on.
    Case("forged-reply", inside("linreg", FORGED_REPLY), FULL | {"test_vectorized": 5}),
    Case("monkeypatch", {**solution(), "linreg": PATCH + solution()["linreg"].replace("torch.mm(X, w) + b", "torch.mm(X, w)")},
         FULL | {"test_linreg": 6, "test_training": 0}),
    Case("syntax-error", {**solution(), "squared_loss": "def squared_loss(y_hat, y):\n    return (y_hat - y.view(y_hat.size()) ** 2 / 2\n"},
         FULL | {"test_squared_loss": 0, "test_training": 0, "test_vectorized": 5}),
    Case("renamed-function", {**solution(), "linreg": solution()["linreg"].replace("def linreg(", "def linear_regression(")},
         FULL | {"test_linreg": 0, "test_training": 0, "test_vectorized": 5}),
    Case("edited-test-cell", solution(), FULL, edit=_edit_test_cell),
    Case("emptied-test-cell", solution(), FULL, edit=_empty_test_cell),
    # nbgrader cannot restore a deleted grade cell: that part scores 0, as nbgrader intends.
    Case("deleted-test-cell", solution(), FULL | {"test_squared_loss": 0}, edit=_delete_test_cell),
    Case("changed-points", solution(), FULL, edit=_raise_points),
    # Not a notebook: nbgrader records 0 in every part and goes on with the batch; `check` refuses it.
    Case("not-json", {}, dict.fromkeys(FULL, 0), raw="{ this is not a notebook"),
]
