"""Is the source notebook's solution the reference, and does the solution notebook run as the book says?"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.assignment import BLANKS, SOURCE_NOTEBOOK, find_cell
from autograder.checks import reference
from autograder.submission.notebook import from_notebook

SOURCE = SOURCE_NOTEBOOK


def body(function_source: str) -> str:
    """The AST of a function's body without its docstring."""
    function = ast.parse(textwrap.dedent(function_source)).body[0]
    statements = function.body[1:] if isinstance(function.body[0], ast.Expr) and isinstance(function.body[0].value, ast.Constant) else function.body
    return "\n".join(ast.dump(statement) for statement in statements)


@pytest.mark.parametrize("name", BLANKS)
def test_solution_cell_is_the_reference(name: str) -> None:
    """Is each solution cell of the source notebook the reference's function, statement for statement?"""
    nb = nbformat.read(SOURCE, as_version=4)
    cell = find_cell(nb, name)
    code = re.sub(r"^\s*### (BEGIN|END) SOLUTION\s*$\n?", "", cell.source, flags=re.M)
    assert body(code) == body(inspect.getsource(getattr(reference, name)))


@pytest.fixture(scope="module")
def executed() -> nbformat.NotebookNode:
    nb = nbformat.read(SOURCE, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(SOURCE.parent)}}).execute()
    return nb


def test_solution_notebook_runs_and_learns(executed: nbformat.NotebookNode) -> None:
    """Does the solution notebook run top to bottom and learn w and b within 0.01 of the truth?"""
    trained = from_notebook(executed).trained
    assert trained is not None
    assert max(abs(a - b) for a, b in zip(trained["w"], reference.TRUE_W)) < 0.01
    assert abs(trained["b"][0] - reference.TRUE_B) < 0.01


def test_solution_notebook_matches_reference_run(executed: nbformat.NotebookNode) -> None:
    """Does the notebook's training print exactly what reference.run() computes (same seeds, same loop)?"""
    w, b, losses = reference.run()
    trained = from_notebook(executed).trained
    assert trained["w"] == w.reshape(-1).tolist() and trained["b"] == b.reshape(-1).tolist()
    train_cell = find_cell(executed, "train")
    printed = "".join(o.get("text", "") for o in train_cell.outputs)
    for epoch, loss in enumerate(losses, start=1):
        assert f"epoch {epoch}, loss {loss:f}" in printed


def test_solution_notebook_has_no_errors(executed: nbformat.NotebookNode) -> None:
    """Does no cell of the solution notebook write to stderr or raise?"""
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error"
            assert not (output.output_type == "stream" and output.name == "stderr"), output.text
