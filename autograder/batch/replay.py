"""The coordinator's stand-in for the steps a grading worker has done already (execution, hidden checks).

The batch grader finishes every submission with nbgrader's own `Autograde`, in the coordinator's
process, with the course's pipeline in which the steps up to the hidden checks are replaced by
`ReplayStaged`. It hands back the notebook a worker executed and checked, provided the worker
started from exactly the notebook nbgrader has just sanitized; otherwise it applies those steps
here, as plain nbgrader would. So every file, gradebook row and score is nbgrader's own, and only
the coordinator writes the gradebook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import nbformat
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import List

from ..errors import GraderError, forget_new_submission
from ..pipeline.hidden_checks import HiddenChecks
from .jobs import Outcome


@dataclass
class Staging:
    """The workers' outcomes waiting for nbgrader, and what became of them, by (student, notebook)."""

    outcomes: dict[tuple[str, str], Outcome] = field(default_factory=dict)
    executed_here: dict[tuple[str, str], str] = field(default_factory=dict)
    """Notebooks the coordinator had to execute itself, with the reason."""

    def clear(self) -> None:
        """Forget a previous run's leftovers, so that they are never replayed in another."""
        self.outcomes.clear()
        self.executed_here.clear()


STAGING = Staging()


def split(preprocessors: list[type]) -> tuple[list[type], list[type]]:
    """The course's autograde pipeline cut after its last execution or hidden-checks step: (the workers' part, the rest)."""
    heavy = [i for i, step in enumerate(preprocessors) if issubclass(step, (Execute, HiddenChecks))]
    cut = heavy[-1] + 1 if heavy else 0
    return list(preprocessors[:cut]), list(preprocessors[cut:])


class ReplayStaged(NbGraderPreprocessor):
    """The notebook as a worker executed and checked it, or those steps done here where the worker's copy differs."""

    steps = List(help="The preprocessors it stands in for, in order.").tag(config=True)

    def preprocess(self, nb: Any, resources: dict) -> tuple[Any, dict]:
        key = (resources["nbgrader"]["student"], resources["nbgrader"]["notebook"])
        outcome = STAGING.outcomes.pop(key, None)
        if outcome is None or outcome.executed is None:
            # The coordinator hands nbgrader only what its workers graded: this is the grader's own failure.
            forget_new_submission(resources)
            raise GraderError(f"{key[1]} of {key[0]}: no worker graded it" + (f" ({outcome.error})" if outcome else ""))
        if nbformat.reads(outcome.sanitized, as_version=4) == nb:
            return nbformat.reads(outcome.executed, as_version=4), resources
        reason = "nbgrader sanitized it differently from the copy the worker ran"
        self.log.warning("%s of %s: executed by the coordinator, because %s", key[1], key[0], reason)
        STAGING.executed_here[key] = reason
        for step in self.steps:
            nb, resources = step(parent=self)(nb, resources)
        return nb, resources
