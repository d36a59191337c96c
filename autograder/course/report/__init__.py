"""`python -m autograder report ASSIGNMENT`: the class report for the instructor, one HTML page and a CSV of the same numbers.

    gradebook + autograded/<student>/<assignment>/*.ipynb (check results as data) + the batch grader's records
        --collect--> Course --stats--> Numbers --page--> report.html, --rows--> report.csv

Nothing of a notebook is executed: the graded notebooks are read as JSON, and their text escaped.
"""

from __future__ import annotations

import time
from pathlib import Path

from ... import words
from ...errors import CourseError
from ..progress import Progress
from .collect import collect
from .page import page
from .rows import rows, write_csv
from .stats import numbers

__all__ = ["write_report"]


def write_report(root: Path, assignment: str, output: Path | None = None, quiet: bool = False) -> tuple[Path, Path]:
    """Write `<assignment>-report.html` and `.csv` into `output` (default: `reports/` of the course in `root`); their paths.

    One line of progress on stderr while the graded notebooks are read, unless `quiet`. CourseError if `root` is not a
    course folder with that assignment and its gradebook.
    """
    root = Path(root).resolve()
    bar: list[Progress] = []

    def progress(total: int):
        bar.append(Progress(words.say("class_report.reading", count=total), total))
        return bar[0].step

    course = collect(root, assignment, None if quiet else progress)
    if bar:
        bar[0].finish()
    found = numbers(course)
    output = Path(output) if output else root / "reports"
    html_path, csv_path = output / f"{assignment}-report.html", output / f"{assignment}-report.csv"
    text = page(found, str(root), time.strftime("%Y-%m-%d %H:%M %Z"), course.records)
    try:
        output.mkdir(parents=True, exist_ok=True)
        html_path.write_text(text, encoding="utf-8")
        write_csv(csv_path, rows(found))
    except OSError as error:
        raise CourseError(f"cannot write the report into {output}: {error.strerror or error}") from None
    return html_path, csv_path
