"""The class report's numbers, computed from what `collect` read: score distributions, pass rates, common failures, times.

Only submissions that were graded count; those that could not be graded are listed apart.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from ... import words
from .collect import Course, NotGraded


@dataclass
class Summary:
    """A list of numbers, summed up (all None for an empty list)."""

    count: int
    mean: float | None
    median: float | None
    minimum: float | None
    maximum: float | None


@dataclass
class PartStats:
    """One grade cell across the class."""

    part: str
    points: float
    scores: Summary
    full: int
    """Students with full marks in it."""
    zero: int
    """Students with 0 in it."""
    recorded: int
    """Students whose graded notebook recorded its checks (a deleted or broken grade cell records none)."""


@dataclass
class CheckStats:
    """One hidden check across the class."""

    part: str
    name: str
    description: str
    points: float
    met: int = 0
    """Students whose graded notebook recorded this check."""
    passed: int = 0

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.met if self.met else None


@dataclass
class Failure:
    """One kind of failure (the same hint, or the same first line) in one part, and the students who met it."""

    part: str
    kind: str
    """What went wrong, as the first student's message says it (its hint, or its first line)."""
    students: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    """The checks in which it was met, by description."""
    example_student: str = ""
    example_check: str = ""
    example: str = ""
    """One student's message, whole."""


@dataclass
class Numbers:
    """Everything the page and the CSV show."""

    assignment: str
    possible: float
    total: Summary
    students: list[str]
    """The graded students, in the order of `totals` and `part_scores`."""
    totals: list[float]
    """Every graded submission's total, for the histogram."""
    part_scores: dict[str, list[float]]
    parts: list[PartStats]
    checks: list[CheckStats]
    failures: list[Failure]
    not_graded: list[NotGraded]
    times: dict[str, float]
    """Grading time of each graded submission whose grading was recorded, by student."""
    untimed: list[str]
    """Graded submissions whose grading time was not recorded (graded by plain `nbgrader autograde`)."""
    time: Summary
    """Of the recorded grading times."""


def summary(values: list[float]) -> Summary:
    if not values:
        return Summary(0, None, None, None, None)
    return Summary(len(values), statistics.fmean(values), statistics.median(values), min(values), max(values))


def numbers(course: Course) -> Numbers:
    """The report's numbers for a course as read."""
    part_scores = {part: [student.parts.get(part, 0.0) for student in course.graded] for part, _ in course.parts}
    parts = [PartStats(part, points, summary(part_scores[part]), sum(score >= points for score in part_scores[part]),
                       sum(score == 0 for score in part_scores[part]), sum(part in student.checks for student in course.graded))
             for part, points in course.parts]
    checks: dict[tuple[str, str], CheckStats] = {}
    failures: dict[tuple[str, str], Failure] = {}
    for student in course.graded:
        for part, _ in course.parts:
            for check in student.checks.get(part, []):
                stats = checks.setdefault((part, check.name), CheckStats(part, check.name, check.description, check.points))
                stats.met += 1
                stats.passed += check.passed
                if check.passed:
                    continue
                what = kind(check.message)
                failure = failures.setdefault((part, _NUMBERS.sub("#", what)), Failure(part, what))
                if student.student not in failure.students:
                    failure.students.append(student.student)
                if stats.description not in failure.checks:
                    failure.checks.append(stats.description)
                if not failure.example:
                    failure.example_student, failure.example_check, failure.example = student.student, stats.description, check.message
    order = [part for part, _ in course.parts]
    common = sorted(failures.values(), key=lambda f: (-len(f.students), order.index(f.part), _NUMBERS.sub("#", f.kind)))
    totals = [student.total for student in course.graded]
    times = {s.student: s.seconds for s in course.graded if s.seconds is not None}
    return Numbers(course.assignment, sum(points for _, points in course.parts), summary(totals),
                   [student.student for student in course.graded], totals, part_scores, parts, list(checks.values()), common,
                   course.not_graded, times, [s.student for s in course.graded if s.seconds is None], summary(list(times.values())))


_NUMBERS = re.compile(r"\d+(\.\d+)?")
"""What differs between two messages of one kind: the numbers in them."""
_ERROR = re.compile(r"^\s+([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning))\b", re.MULTILINE)


def kind(message: str) -> str:
    """What a failed check's message says went wrong: its hint (every failure of the checks' catalogue has one),
    without the word "hint", with the exception's name if a call raised; or else its first line. Failures whose
    kinds differ only in their numbers are of one kind."""
    prefix = words.say("failure.hint", hint="").strip()  # how the catalogue begins a hint
    lines = message.strip().splitlines()
    hints = [line for line in lines if line.startswith(prefix)]
    error = _ERROR.search(message)
    text = hints[0].removeprefix(prefix).strip() if hints else (lines or [""])[0]
    return ((f"{error.group(1)}: " if error else "") + text)[:300]
