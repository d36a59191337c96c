"""Is the committed release what nbgrader makes from the source, with nothing of the answers in it?"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from autograder import course, paths
from autograder.assignment import BLANKS, NAME, RELEASE_NOTEBOOK, find_cell
from autograder.checks import reference

SOURCE = paths.SOURCE / NAME
RELEASE = RELEASE_NOTEBOOK


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def test_release_is_a_fresh_generation(tmp_path: Path) -> None:
    """Does `nbgrader generate_assignment` on source/ give exactly the committed release?"""
    root = course.new_course(tmp_path / "course")
    course.nbgrader(root, "generate_assignment", NAME)
    fresh = root / "release" / NAME
    committed = paths.RELEASE / NAME
    assert sorted(p.name for p in fresh.iterdir()) == sorted(p.name for p in committed.iterdir())
    for path in fresh.iterdir():
        assert path.read_bytes() == (committed / path.name).read_bytes(), f"release/{NAME}/{path.name} is stale"


def test_source_folder_holds_only_the_notebook_and_the_self_check() -> None:
    """Is there nothing next to the source notebook but the students' self-check and the visible checks' helper, which nbgrader copies into the release?"""
    ignored = {".ipynb_checkpoints", "__pycache__"}  # nbgrader does not copy these
    assert sorted(p.name for p in SOURCE.iterdir() if p.name not in ignored) == [
        "conftest.py", "linear_regression.ipynb", "pytest.ini", "test_linear_regression.py", "visible_checks.py"]


def test_release_has_no_outputs() -> None:
    """Are all outputs and execution counts cleared in the release?"""
    for cell in cells(RELEASE):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


def test_release_has_no_solution_or_hidden_code() -> None:
    """Does the release hold none of the solution's lines, no hidden tests and no import of the grader?"""
    text = "\n".join("".join(cell["source"]) for cell in cells(RELEASE))
    for marker in ["BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN", "END HIDDEN", "import autograder", "from autograder"]:
        assert marker not in text
    solution_lines = {line.strip() for name in BLANKS for line in course_lines(name)}
    for line in solution_lines:
        assert line not in text, f"solution line in the release: {line}"


def course_lines(name: str) -> list[str]:
    """The body lines of a reference function, without its def, docstring and trivial lines."""
    import inspect

    body = inspect.getsource(getattr(reference, name)).split('"""')[-1]
    return [line for line in body.splitlines() if len(line.strip()) > 12]


@pytest.mark.parametrize("name", BLANKS)
def test_every_blank_raises_not_implemented(name: str) -> None:
    """Does each blank of the release, run as it is, raise NotImplementedError when called?"""
    nb = nbformat.read(RELEASE, as_version=4)
    blank = find_cell(nb, name)
    assert "raise NotImplementedError()" in blank.source
    namespace: dict = {}
    exec("import torch, random\n" + blank.source, namespace)
    with pytest.raises(NotImplementedError):
        result = namespace[name](*[None] * len(re.search(r"def \w+\((.*)\)", blank.source).group(1).split(",")))
        list(result)  # a generator raises only when it is read
