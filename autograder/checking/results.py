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
    figures: list[dict] = field(default_factory=list)
    """Figures the checks described, as data (`checking.figures`): drawn under the report, each once."""

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
        lines += [words.say("report.figure_alt", caption=caption_of(figure)) for figure in self.figures]
        return "\n".join(lines)

    def to_html(self, images: list[str | None] | None = None) -> str:
        """The report as HTML; `images` are the PNGs of `figures` (base64, in order; None for one not drawn), under the checks."""
        rows = []
        for check in self.checks:
            mark = "✓" if check.passed else "✗"
            color = "#2e7d32" if check.passed else "#c62828"
            message = "" if check.passed else (
                "<pre style='white-space:pre-wrap;overflow-wrap:anywhere;margin:0.2em 0 0.4em 0;padding:0.4em;"
                f"background:#fbe9e7;border:none'>{html.escape(check.message)}</pre>")
            rows.append(
                f"<tr style='vertical-align:top'><td style='color:{color};padding:0.15em 0.5em;text-align:center'>{mark}</td>"
                f"<td style='padding:0.15em 0.8em 0.15em 0.2em;white-space:nowrap;text-align:right'>{_number(check.score)}/{_number(check.points)}</td>"
                f"<td style='padding:0.15em 0.2em;text-align:left'>{html.escape(check.description)}{message}</td></tr>"
            )
        figures = "".join(
            f"<figure style='margin:0.6em 0'><img src='data:image/png;base64,{image}' alt='{html.escape(caption)}' "
            f"style='max-width:100%;height:auto'><figcaption style='font-size:90%;color:#555'>{html.escape(caption)}</figcaption></figure>"
            for image, caption in zip(images or [], map(caption_of, self.figures)) if image)
        return (
            f"<div class='linreg-hidden-checks'><b>{html.escape(self._heading())}</b>"
            f"<table style='border-collapse:collapse;margin:0.3em 0;width:100%'>{''.join(rows)}</table>{figures}</div>"
        )

    def _heading(self) -> str:
        return words.say("report.heading", grade_id=self.grade_id, score=_number(self.score), possible=_number(self.possible))


def caption_of(figure: dict) -> str:
    """What a figure shows, in words for the student."""
    if figure.get("kind") == "visits":
        return words.say("figure.visits.caption", n=figure.get("n"))
    return words.say("figure.training.caption")


def _number(value: float) -> str:
    return f"{value:g}"
