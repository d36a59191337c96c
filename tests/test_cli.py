"""Does `python -m autograder` refuse bad input with one clear line and a non-zero exit?"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat

from .conftest import run_cli


def refused(done) -> str:
    assert done.returncode == 2, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    return lines[0]


def test_missing_file(tmp_path: Path) -> None:
    """Is a missing notebook refused?"""
    assert "no such file" in refused(run_cli("check", str(tmp_path / "nope.ipynb")))


def test_not_a_notebook(tmp_path: Path) -> None:
    """Is a file that is not a notebook refused?"""
    path = tmp_path / "essay.ipynb"
    path.write_text("this is not json")
    assert "not a Jupyter notebook" in refused(run_cli("check", str(path)))


def test_notebook_of_another_assignment(tmp_path: Path) -> None:
    """Is a notebook of another assignment refused?"""
    path = tmp_path / "other.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")])
    nbformat.write(nb, path)
    assert "not a notebook of the linear_regression assignment" in refused(run_cli("check", str(path)))


def test_check_prints_a_table(submissions: dict[str, Path], checked: dict) -> None:
    """Does `check` without --json print a per-part table with the failed checks' messages?"""
    done = run_cli("check", str(submissions["missing-half"]))
    assert done.returncode == 0, done.stderr
    assert "squared_loss" in done.stdout and "4 / 15" in done.stdout
    assert "提示 (hint)" in done.stdout
    assert re.search(r"^checked 1 notebook in \d+\.\d s$", done.stdout, re.M), done.stdout[-300:]
    assert json.dumps(checked["missing-half"]["test_squared_loss"]["score"]) == "4.0"


def test_missing_config_file(tmp_path: Path, submissions: dict[str, Path]) -> None:
    """Is a `--config` file that does not exist refused before anything is graded?"""
    line = refused(run_cli("check", "--config", str(tmp_path / "nope.py"), str(submissions["solution"])))
    assert "no such configuration file" in line


def test_one_bad_notebook_stops_the_whole_check(tmp_path: Path, submissions: dict[str, Path]) -> None:
    """With one good and one missing notebook, is the check refused before grading either?"""
    done = run_cli("check", str(submissions["solution"]), str(tmp_path / "missing.ipynb"))
    assert "missing.ipynb: no such file" in refused(done)
    assert done.stdout == ""
