"""The old home of `HiddenChecks`, kept so that a course's `nbgrader_config.py` written for it still loads,
with its settings: it lives in `autograder.pipeline` now."""

from .pipeline.hidden_checks import HiddenChecks

__all__ = ["HiddenChecks"]
