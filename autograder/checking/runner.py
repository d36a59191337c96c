"""Run the hidden checks (pytest modules under `checks/`) on one submission and collect the results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .. import paths, timing, words
from ..checks import reference
from ..errors import GraderError
from ..isolation.student_process import StudentProcess
from ..settings import CheckLimits
from ..submission.notebook import Submission
from .results import CheckResult, PartResult
from .verdicts import CheckFailed

GRADER = pytest.StashKey["Grader"]()
FIGURE = "linreg-figure"
"""The name under which a check keeps a figure's data in its item's `user_properties` (the `figure` fixture)."""
PYTEST_OPTIONS = ["--assert=plain", "-W", "ignore", "-p", "no:cacheprovider", "-p", "no:terminal",
                  *(option for plugin in ("logging", "unraisableexception", "threadexception", "faulthandler", "doctest",
                                          "junitxml", "pastebin", "legacypath", "stepwise", "warnings")
                    for option in ("-p", f"no:{plugin}"))]
"""How the checks run: no report on a terminal, no cache; none of pytest's rewriting of asserts (a check says
what failed through `expect`), nor the plugins that would cost every submission time for nothing."""


class Grader:
    """The pytest plugin that hands the checks the student's process and collects each check's outcome."""

    def __init__(self, process: StudentProcess, trained: dict | None):
        self.process = process
        self.trained = trained
        self.parts: dict[str, PartResult] = {}
        self.grader_errors: list[str] = []
        """What went wrong in the grader's own code (a check that does not import, a bug): never a student's score."""

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.grader_errors.append(f"{report.nodeid or 'the checks'} could not be collected: {_last_line(report.longreprtext)}")

    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[GRADER] = self

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        report = yield
        if report.when == "teardown" and report.failed:
            self.grader_errors.append(f"{item.nodeid}: its teardown failed: {_last_line(report.longreprtext)}")
        if report.when == "call" or (report.when == "setup" and report.failed):
            grade_id = item.module.__name__.rsplit(".", 1)[-1]
            part = self.parts.setdefault(grade_id, PartResult(grade_id))
            marker = item.get_closest_marker("points")
            excinfo = call.excinfo
            if report.failed and (excinfo is None or not isinstance(excinfo.value, CheckFailed)):
                # Only a CheckFailed is the student's: anything else is the grader's own fault.
                what = f"{excinfo.type.__name__}: {excinfo.value}" if excinfo else "it did not run"
                self.grader_errors.append(f"{item.nodeid}: {what}"[:400])
            part.checks.append(CheckResult(
                name=item.name,
                description=words.check_description(grade_id, getattr(item, "originalname", item.name)),
                points=float(marker.args[0]) if marker else 0.0,
                passed=report.passed,
                message="" if report.passed else str(excinfo.value) if excinfo else "",
            ))
            for name, figure in item.user_properties:
                if name == FIGURE and figure not in part.figures:
                    part.figures.append(figure)
        return report


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no reason given"


def student_process(submission: Submission, limits: CheckLimits | None = None, course_root: Path | None = None) -> StudentProcess:
    """The student's process for a submission: its cells, beside the globals the notebook defines before them."""
    return StudentProcess(submission.cells, decoys=notebook_globals(), limits=limits or CheckLimits(), course_root=course_root)


def notebook_globals() -> dict[str, Any]:
    """The globals the notebook defines before training, so that code leaning on them runs (and is caught)."""
    reference.seed_everything(99)
    features, labels = reference.synthetic_data(reference.TRUE_W, reference.TRUE_B, reference.NUM_EXAMPLES)
    w, b = (value.detach() for value in reference.init_params(len(reference.TRUE_W)))
    return {"num_inputs": len(reference.TRUE_W), "num_examples": reference.NUM_EXAMPLES, "true_w": list(reference.TRUE_W),
            "true_b": reference.TRUE_B, "features": features, "labels": labels, "w": w, "b": b,
            "lr": reference.LR, "num_epochs": reference.NUM_EPOCHS, "batch_size": reference.BATCH_SIZE}


def run_checks(submission: Submission, limits: CheckLimits | None = None, parts: list[str] | None = None,
               course_root: Path | None = None, checks: Path = paths.CHECKS) -> dict[str, PartResult]:
    """Grade one submission: {grade_id: PartResult} for every module under checks/ (or just `parts`).

    `course_root` is the course folder being graded, which the student's process sees read-only;
    `checks` the folder of the check modules. Raises GraderError when the checks themselves failed (not the student): then nothing is a grade.
    """
    paths = [str(checks / f"{part}.py") for part in parts] if parts else [str(checks)]
    with student_process(submission, limits, course_root) as process:
        grader = Grader(process, submission.trained)
        with timing.timed("checks"):
            status = pytest.main([*paths, *PYTEST_OPTIONS], plugins=[grader])
    # 0: every check passed, 1: some failed; anything else (a collection error, an internal error, no checks) is the grader's.
    if status not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) and not grader.grader_errors:
        grader.grader_errors.append(f"pytest ended with {pytest.ExitCode(status).name}")
    if grader.grader_errors:
        raise GraderError("the hidden checks could not grade this submission: " + "; ".join(grader.grader_errors))
    return grader.parts
