"""Does the students' self-check (`pytest` next to the released notebook) tell them the right things?

The self-check ships in release/linear_regression/ (conftest.py, pytest.ini, test_linear_regression.py).
Each test copies the release to a temporary folder, puts a notebook there (an example from
`autograder.examples`), and runs pytest in that folder as a student would.
"""

from __future__ import annotations

import inspect
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder import course, paths
from autograder.assignment import BLANKS, RELEASE_NOTEBOOK
from autograder.checks import reference
from autograder.dev.examples import Example, by_name, solution

RELEASE_DIR = RELEASE_NOTEBOOK.parent
NOTEBOOK = RELEASE_NOTEBOOK.name
SHIPPED = ("conftest.py", "pytest.ini", "test_linear_regression.py", "visible_checks.py")


@dataclass
class Run:
    returncode: int
    output: str
    outcomes: dict[str, str]  # test name -> "passed" / "failed" / "error" / "skipped"
    messages: dict[str, str]  # test name -> failure message

    def failed(self) -> set[str]:
        return {name for name, outcome in self.outcomes.items() if outcome != "passed"}

    def passed(self) -> set[str]:
        return {name for name, outcome in self.outcomes.items() if outcome == "passed"}


def run_selfcheck(cwd: Path, *args: str) -> Run:
    """`python -m pytest ARGS` in `cwd`, as a student runs it; the outcome of each test from a JUnit report."""
    report = cwd.parent / f"{cwd.name}-report.xml"
    done = subprocess.run([sys.executable, "-m", "pytest", *args, f"--junitxml={report}"], cwd=cwd,
                          capture_output=True, text=True, env=course.environment(), timeout=120)
    outcomes, messages = {}, {}
    if report.is_file():
        for case in ET.parse(report).getroot().iter("testcase"):
            name = case.get("name")
            outcomes[name] = "passed"
            for tag in ("failure", "error", "skipped"):
                element = case.find(tag)
                if element is not None:
                    outcomes[name] = tag if tag != "failure" else "failed"
                    messages[name] = element.text or element.get("message", "")
        report.unlink()
    return Run(done.returncode, done.stdout + done.stderr, outcomes, messages)


def release_with(folder: Path, example: Example | None) -> Path:
    """A copy of the release in `folder`, with the example's notebook over the release notebook."""
    shutil.copytree(RELEASE_DIR, folder)
    if example is not None:
        example.write(folder / NOTEBOOK)
    return folder


@pytest.fixture(scope="module")
def all_tests(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The names of every test of the self-check, from a run on the solution."""
    run = run_selfcheck(release_with(tmp_path_factory.mktemp("names") / "release", by_name("solution")))
    return set(run.outcomes)


def test_solution_passes_every_check(tmp_path: Path) -> None:
    """With the solution pasted into the release notebook, does `pytest` in that folder pass, leaving the folder as it was?"""
    folder = release_with(tmp_path / "linear_regression", by_name("solution"))
    before = sorted(p.name for p in folder.iterdir())
    run = run_selfcheck(folder)
    assert run.returncode == 0, run.output
    assert run.outcomes and run.failed() == set(), run.output
    assert re.search(r"=+ \d+ passed in [\d.]+s", run.output), run.output
    assert f"notebook: {folder / NOTEBOOK}" in run.output
    assert sorted(p.name for p in folder.iterdir()) == before, "the self-check left files (.pytest_cache, __pycache__) behind"


def test_blank_release_gives_one_line_per_blank(tmp_path: Path, all_tests: set[str]) -> None:
    """With the blanks untouched, does every test fail with the one-line NotImplementedError message of its blank, and no traceback?"""
    run = run_selfcheck(release_with(tmp_path / "linear_regression", None))
    assert run.returncode == 1, run.output
    assert run.failed() == all_tests
    for name in BLANKS:
        line = f"{name} 还没有实现 (NotImplementedError): 请完成 notebook 中的 {name} 单元格 (fill in the blank)"
        assert line in run.output
        for test, message in run.messages.items():
            if test.startswith(f"test_{name}_"):
                assert message.strip() == line, (test, message)
    assert run.messages["test_training_learns"].strip().startswith("data_iter 还没有实现")
    for noise in ["Traceback", "During handling", "site-packages", "torch/", "raise NotImplementedError", "conftest.py:"]:
        assert noise not in run.output, noise


@pytest.mark.parametrize(("example", "failing"), [
    ("no-shuffle", {"test_data_iter_shuffles"}),
    ("missing-bias", {"test_linreg_values", "test_linreg_gradients", "test_training_learns"}),
    ("loss-not-reshaped", {"test_squared_loss_no_broadcast", "test_squared_loss_gradients", "test_squared_loss_vectorized",
                           "test_training_learns"}),
    ("sgd-rebind", {"test_sgd_updates_in_place", "test_sgd_divides_by_batch_size", "test_sgd_every_parameter",
                    "test_training_learns"}),
    ("linreg-loop", {"test_linreg_vectorized"}),
])
def test_typical_mistake_fails_in_its_own_test(tmp_path: Path, all_tests: set[str], example: str, failing: set[str]) -> None:
    """Does each typical mistake fail exactly the tests about it, and pass all the others?"""
    run = run_selfcheck(release_with(tmp_path / "linear_regression", by_name(example)))
    assert run.returncode == 1, run.output
    assert run.failed() == failing, run.output
    assert run.passed() == all_tests - failing
    for test in failing:
        assert "期望" in run.messages[test] and "实际" in run.messages[test] and "提示 (hint)" in run.messages[test], run.messages[test]


SYNTAX_ERROR_SGD = '''def sgd(params, lr, batch_size):
    for param in params
        param.data -= lr * param.grad / batch_size
'''


def test_syntax_error_in_one_cell_spares_the_others(tmp_path: Path, all_tests: set[str]) -> None:
    """With a SyntaxError in the sgd cell, do the sgd tests name the cell and the error, and the other functions still pass?"""
    example = Example("sgd-syntax-error", solution(sgd=SYNTAX_ERROR_SGD))
    run = run_selfcheck(release_with(tmp_path / "linear_regression", example))
    needs_sgd = {name for name in all_tests if name.startswith("test_sgd_")} | {"test_training_learns"}
    assert len(needs_sgd) >= 4
    assert run.failed() == needs_sgd, run.output
    for test in needs_sgd:
        message = run.messages[test]
        assert "sgd 单元格 (cell)" in message and "SyntaxError" in message and "第 2 行 (line 2)" in message, message
    assert {name for name in all_tests if name.startswith(("test_data_iter_", "test_linreg_", "test_squared_loss_"))} <= run.passed()
    assert "Traceback" not in run.output


def test_notebook_option_from_another_folder(tmp_path: Path) -> None:
    """Does `--notebook PATH` check a notebook kept elsewhere, run both from another folder and from the self-check's folder?"""
    release = release_with(tmp_path / "linear_regression", None)  # its own notebook is the blank one
    elsewhere = tmp_path / "my work"
    notebook = by_name("solution").write(elsewhere / "mine.ipynb")
    run = run_selfcheck(elsewhere, str(release), "--notebook", "mine.ipynb")
    assert run.returncode == 0 and run.outcomes and not run.failed(), run.output
    assert f"notebook: {notebook}" in run.output
    run = run_selfcheck(release, f"--notebook=../{elsewhere.name}/mine.ipynb")
    assert run.returncode == 0 and run.outcomes and not run.failed(), run.output


def test_missing_notebook_is_a_usage_error(tmp_path: Path) -> None:
    """Without a notebook next to it, or with a wrong --notebook, does the self-check say so in one line (exit status 4)?"""
    folder = tmp_path / "linear_regression"
    folder.mkdir()
    for name in SHIPPED:
        shutil.copy(RELEASE_DIR / name, folder / name)
    run = run_selfcheck(folder)
    assert run.returncode == 4 and "没有找到 notebook (.ipynb)" in run.output, run.output
    run = run_selfcheck(folder, "--notebook=nothere.ipynb")
    assert run.returncode == 4 and "--notebook nothere.ipynb: 找不到这个文件 (file not found)" in run.output, run.output


def hidden_lines() -> set[str]:
    """The non-trivial lines (over 20 characters, stripped) of the hidden checks and of the reference's function bodies."""
    lines = set()
    for path in paths.CHECKS.rglob("*.py"):
        lines |= {line.strip() for line in path.read_text().splitlines()}
    for _, function in inspect.getmembers(reference, inspect.isfunction):
        if function.__module__ == reference.__name__:
            body = inspect.getsource(function).split('"""')[-1]
            lines |= {line.strip() for line in body.splitlines()}
    return {line for line in lines if len(line) > 20}


def test_shipped_files_hold_nothing_hidden() -> None:
    """Do the self-check files shipped with the release import nothing of the grader and hold no line of the hidden checks or the reference?"""
    lines = hidden_lines()
    assert len(lines) > 50
    for name in SHIPPED:
        text = (RELEASE_DIR / name).read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+autograder", text, re.MULTILINE), name
        assert "autograder" not in text, name
        for line in lines:
            assert line not in text, f"{name} holds a line of the hidden checks or the reference: {line}"


def validate(tmp_path: Path, example: Example | None) -> str:
    """`nbgrader validate` on a copy of the release notebook (with the example's answers), outside any course folder."""
    folder = release_with(tmp_path / "linear_regression", example)
    done = subprocess.run([sys.executable, "-m", "nbgrader", "validate", str(folder / NOTEBOOK)], cwd=tmp_path,
                          capture_output=True, text=True, env=course.environment(), timeout=300)
    return done.stdout + done.stderr


def test_nbgrader_validate_passes_the_solution(tmp_path: Path) -> None:
    """Does `nbgrader validate` (the Validate button) accept the release notebook completed with the solution?"""
    output = validate(tmp_path, by_name("solution"))
    assert "Success! Your notebook passes all the tests." in output, output


def test_nbgrader_validate_reports_the_blanks(tmp_path: Path) -> None:
    """Does `nbgrader validate` on the untouched release report the failing cells with their NotImplementedError?"""
    output = validate(tmp_path, None)
    assert "VALIDATION FAILED" in output, output
    assert "NotImplementedError" in output, output
    assert "Success!" not in output
