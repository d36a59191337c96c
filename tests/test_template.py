"""Is a process forked from the warm template, to the student's code, a fresh process in the same jail?

The hostile corpus, the machine's safety tests and the identity test grade on this path (the
sequential nbgrader run of the identity test takes the cold path, so that the two are compared).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from autograder import paths
from autograder.checking.runner import student_process
from autograder.isolation import jail, template
from autograder.settings import CheckLimits
from autograder.submission.notebook import Submission

PROBE = '''
import os, random, socket, sys
import numpy as np
import torch

# Drawn when the cell runs, as a student's cell would: the probes themselves run seeded, on purpose.
DRAWN = [random.random(), float(np.random.rand()), float(torch.rand(1))]

def fingerprint():
    try:
        socket.create_connection(("127.0.0.1", 22), timeout=1)
        network = "reached"
    except OSError as error:
        network = type(error).__name__
    main = sorted(name for name in globals() if not name.startswith("_"))
    processes = [entry for entry in os.listdir("/proc") if entry.isdigit()]
    return {"random": DRAWN, "processes": len(processes),
            "environment": sorted(os.environ), "main": main, "network": network, "threads": torch.get_num_threads(),
            "autograder": [name for name in sys.modules if name.startswith("autograder")], "cwd": os.getcwd()}
'''


def ask_fingerprint():
    """Sent into the student's process as a probe: there, the cell above has defined `fingerprint`."""
    return fingerprint()  # noqa: F821


def probe() -> dict:
    with student_process(Submission([("probe", PROBE)]), CheckLimits()) as process:
        return process.run(ask_fingerprint)


@pytest.fixture(scope="module")
def forked() -> list[dict]:
    if template.get() is None:
        pytest.skip("no warm template here (fork-and-unshare is not available)")
    return [probe(), probe()]


def test_the_children_are_forked(forked: list[dict]) -> None:
    """Are the student's processes forks of this process's template (ready in a fraction of a second)?"""
    warm = template.get()
    assert warm is not None and warm.ready and warm.ready["threads"] == 1


def test_fresh_random_state(forked: list[dict]) -> None:
    """Do two children get different random numbers from random, numpy and torch (seeded from the OS, not the template)?"""
    first, second = forked
    for a, b in zip(first["random"], second["random"]):
        assert a != b


def test_a_fresh_process(forked: list[dict]) -> None:
    """Does each child see only its own few processes (a PID namespace), work in its copy of its folder, find only its
    own cell's names, run one torch thread in the clean environment without network, with nothing of the grader imported?"""
    for child in forked:
        assert child["processes"] <= 4 and child["cwd"] == "/tmp/work"
        assert child["main"] == forked[0]["main"] and "fingerprint" in child["main"] and child["threads"] == 1 and child["autograder"] == []
        # Beside the clean environment, only what the imports themselves set (debugpy, torch's inductor), as in a cold one.
        assert set(child["environment"]) <= set(jail.environment()) | {"PYDEVD_USE_FRAME_EVAL", "PWD", "OPENBLAS_NUM_THREADS",
                                                                        "TORCHINDUCTOR_CACHE_DIR"}
        assert child["network"] != "reached"


def test_the_cold_path_is_the_same_jail(forked: list[dict]) -> None:
    """Without a template (LINREG_COLD_START), is the student's process jailed the same way, by a cold interpreter,
    with the same names in the student's namespace?"""
    code = "import json\nfrom tests.test_template import probe\nprint(json.dumps(probe()))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=paths.ROOT,
                          env=dict(os.environ, LINREG_COLD_START="1"))
    assert done.returncode == 0, done.stderr[-2000:]
    child = json.loads(done.stdout.splitlines()[-1])
    assert child["processes"] <= 4 and child["cwd"] == "/tmp/work" and child["network"] != "reached"
    assert child["main"] == forked[0]["main"] and child["autograder"] == []
