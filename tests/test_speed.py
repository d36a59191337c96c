"""Is the speed verdict the same on a busy grading machine as on an idle one?

The speed examples (loops over the examples in five styles, for `linreg` and for `squared_loss`,
and vectorised answers in several styles) are graded by the batch grader with more workers than
the machine has cores and busy processes beside them; every verdict of the hidden checks (the
score) and of the notebook's visible check must be right.
"""

from __future__ import annotations

import os

import pytest

from autograder.dev import loadtest

# Oversubscribed three times over, a part may last several times its CPU time: the clock's backstop keeps the
# course's own factor (3), and the CPU limits are the ones many runs proved right under this load.
LIMITS = """
c.SandboxedExecute.timeout = 15
c.HiddenChecks.call_seconds = 8.0
c.HiddenChecks.part_seconds = 20.0
"""


@pytest.fixture(scope="module")
def under_load(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[loadtest.Verdict], object]:
    cores = len(os.sched_getaffinity(0))
    return loadtest.grade(tmp_path_factory.mktemp("load"), workers=2 * cores, busy_processes=cores, settings=LIMITS)


def test_graded_under_load(under_load: tuple) -> None:
    """Did the batch grader grade every speed example while the machine was oversubscribed?"""
    _, done = under_load
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.parametrize("kind", ["hidden", "visible"])
def test_every_verdict_is_right(under_load: tuple, kind: str) -> None:
    """Does every loop lose its speed check, and every vectorised answer keep it, in the hidden checks and the visible one?"""
    verdicts, _ = under_load
    assert len(verdicts) == 2 * len(loadtest.SPEED_EXAMPLES)
    wrong = [(v.student, v.function, getattr(v, kind)) for v in verdicts if getattr(v, kind) != v.vectorized]
    assert wrong == [], "\n".join(loadtest.summary(verdicts))


def test_each_loop_costs_its_points(under_load: tuple) -> None:
    """Does each looping function cost exactly its 5 points of test_vectorized, and a vectorised submission keep all 10?"""
    verdicts, _ = under_load
    for verdict in verdicts:
        loops = sum(not v.vectorized for v in verdicts if v.student == verdict.student)
        assert verdict.score == 10 - 5 * loops, verdict
