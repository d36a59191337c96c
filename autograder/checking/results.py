"""Check results as plain data, and how they are shown to a student."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from .. import words


@dataclass
class CheckResult:
    """The outcome of one hidden check."""

    name: str
    """The check's function name, e.g. `test_every_example_once`."""
    description: str
    """What the check asks, in one sentence for the student."""
    points: float
    """What the check is worth."""
    passed: bool
    message: str = ""
    """Why it failed: what was called, what was expected, what came back, and a hint."""

    @property
    def score(self) -> float:
        return self.points if self.passed else 0.0


@dataclass
class PartResult:
    """The checks of one graded part (one grade cell, one module under `autograder/checks/`)."""

    grade_id: str
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(check.score for check in self.checks)

    @property
    def possible(self) -> float:
        return sum(check.points for check in self.checks)

    def to_text(self) -> str:
        lines = [self._heading()]
        for check in self.checks:
            mark = "✓" if check.passed else "✗"
            lines.append(f"{mark} [{_number(check.score)}/{_number(check.points)}] {check.description}")
            if not check.passed:
                lines.extend("    " + line for line in check.message.splitlines())
        return "\n".join(lines)

    def to_html(self) -> str:
        rows = []
        for check in self.checks:
            mark = "✓" if check.passed else "✗"
            color = "#2e7d32" if check.passed else "#c62828"
            message = "" if check.passed else f"<pre style='white-space:pre-wrap;margin:0'>{html.escape(check.message)}</pre>"
            rows.append(
                f"<tr><td style='color:{color}'>{mark}</td><td>{_number(check.score)}/{_number(check.points)}</td>"
                f"<td style='text-align:left'>{html.escape(check.description)}{message}</td></tr>"
            )
        return (
            f"<div class='linreg-hidden-checks'><b>{html.escape(self._heading())}</b>"
            f"<table>{''.join(rows)}</table></div>"
        )

    def _heading(self) -> str:
        return words.say("report.heading", grade_id=self.grade_id, score=_number(self.score), possible=_number(self.possible))


def _number(value: float) -> str:
    return f"{value:g}"
