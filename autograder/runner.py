"""Run the hidden checks (pytest modules under `checks/`) on one submission and collect the results."""

from __future__ import annotations

from pathlib import Path

import pytest

from .feedback import CheckFailed
from .notebook import Submission
from .results import CheckResult, PartResult
from .sandbox import Limits, Sandbox

CHECKS = Path(__file__).with_name("checks")
GRADER = pytest.StashKey["Grader"]()


class Grader:
    """The pytest plugin that hands the checks their sandbox and collects each check's outcome."""

    def __init__(self, sandbox: Sandbox, trained: dict | None):
        self.sandbox = sandbox
        self.trained = trained
        self.parts: dict[str, PartResult] = {}

    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[GRADER] = self

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        report = yield
        if report.when == "call" or (report.when == "setup" and report.failed):
            grade_id = item.module.__name__.rsplit(".", 1)[-1]
            part = self.parts.setdefault(grade_id, PartResult(grade_id))
            marker = item.get_closest_marker("points")
            part.checks.append(CheckResult(
                name=item.name,
                description=(item.function.__doc__ or item.name).strip().splitlines()[0],
                points=float(marker.args[0]) if marker else 0.0,
                passed=report.passed,
                message="" if report.passed else _message(call.excinfo),
            ))
        return report


def _message(excinfo: pytest.ExceptionInfo | None) -> str:
    if excinfo is None:
        return "检查没有运行 (the check did not run)."
    if isinstance(excinfo.value, CheckFailed):
        return str(excinfo.value)
    # Anything else is the grader's own fault, not the student's: say so.
    return f"评分程序出错 (grader error), 请把这条消息告诉老师: {excinfo.type.__name__}: {excinfo.value}"


def run_checks(submission: Submission, limits: Limits | None = None, parts: list[str] | None = None,
               course_root: Path | None = None) -> dict[str, PartResult]:
    """Grade one submission: {grade_id: PartResult} for every module under checks/ (or just `parts`).

    `course_root` is the course folder being graded, which the student's process sees read-only.
    """
    paths = [str(CHECKS / f"{part}.py") for part in parts] if parts else [str(CHECKS)]
    with submission.sandbox(limits, course_root) as sandbox:
        grader = Grader(sandbox, submission.trained)
        pytest.main([*paths, "-p", "no:cacheprovider", "-p", "no:terminal", "-W", "ignore"],
                    plugins=[grader])
    return grader.parts
