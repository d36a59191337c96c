"""The class report's numbers as rows: the CSV, and the keys by which the page marks the same numbers.

Every number the page shows is one row (section, part, check, student, measure, value), with the value
written as the page writes it (`number`), so that the two can be compared cell by cell.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple

from .stats import Numbers, Summary

COLUMNS = ("section", "part", "check", "student", "measure", "value")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
"""How a spreadsheet formula may begin: a cell of the CSV that begins so is the students' text, and gets a ' first."""


class Row(NamedTuple):
    section: str
    part: str
    check: str
    student: str
    measure: str
    value: str


def number(value: float | int | None) -> str:
    """A number as the page and the CSV both write it: at most two decimals, none for a whole number, '' for none."""
    if value is None:
        return ""
    return f"{round(float(value), 2):g}" if abs(value) < 1e15 else f"{value:.3g}"


def percent(passed: int, met: int) -> str:
    return number(100 * passed / met) if met else ""


def rows(numbers: Numbers) -> list[Row]:
    """Every number of the report, in the page's order."""
    found = [*_summary("total", "", numbers.total), Row("total", "", "", "", "possible", number(numbers.possible))]
    for part in numbers.parts:
        found += [Row("part", part.part, "", "", "points", number(part.points)), *_summary("part", part.part, part.scores),
                  Row("part", part.part, "", "", "full_marks", number(part.full)), Row("part", part.part, "", "", "zero", number(part.zero)),
                  Row("part", part.part, "", "", "checks_recorded", number(part.recorded))]
    for check in numbers.checks:
        found += [Row("check", check.part, check.name, "", measure, value) for measure, value in
                  (("points", number(check.points)), ("met", number(check.met)), ("passed", number(check.passed)),
                   ("pass_rate_percent", percent(check.passed, check.met)))]
    for rank, failure in enumerate(numbers.failures, 1):
        key = ("failure", failure.part, f"#{rank}", "")
        found += [Row(*key, "students", number(len(failure.students))), Row(*key, "kind", failure.kind),
                  Row(*key, "checks", "; ".join(failure.checks)), Row(*key, "example_student", failure.example_student),
                  Row(*key, "example", failure.example)]
    found += [Row("not_graded", "", "", entry.student, "why", entry.why) for entry in numbers.not_graded]
    found += [*_summary("time", "", numbers.time), Row("time", "", "", "", "untimed", number(len(numbers.untimed)))]
    found += [Row("time", "", "", student, "seconds", number(seconds))
              for student, seconds in sorted(numbers.times.items(), key=lambda item: -item[1])]
    for index, student in enumerate(numbers.students):
        found += [Row("score", part, "", student, "score", number(numbers.part_scores[part][index])) for part in numbers.part_scores]
        found.append(Row("score", "", "", student, "total", number(numbers.totals[index])))
    return found


def write_csv(path: Path, found: list[Row]) -> None:
    """The rows as CSV (UTF-8 with a byte-order mark, which spreadsheets need to read Chinese text right)."""
    with open(path, "w", newline="", encoding="utf-8-sig") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        writer.writerows([_safe(text) for text in row] for row in found)


def _safe(text: str) -> str:
    """The students' text as a spreadsheet shows it, never as a formula it runs (numbers never begin so)."""
    return "'" + text if text.startswith(_FORMULA) else text


def _summary(section: str, part: str, values: Summary) -> list[Row]:
    return [Row(section, part, "", "", "students" if section != "time" else "submissions", number(values.count)),
            Row(section, part, "", "", "mean", number(values.mean)), Row(section, part, "", "", "median", number(values.median)),
            Row(section, part, "", "", "min", number(values.minimum)), Row(section, part, "", "", "max", number(values.maximum))]
