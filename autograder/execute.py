"""The old home of `SandboxedExecute` and `JailedKernelManager`, kept so that a course's `nbgrader_config.py`
written for it still loads, with its settings: they live in `autograder.pipeline` now."""

from .pipeline.execute import JailedKernelManager, SandboxedExecute

__all__ = ["SandboxedExecute", "JailedKernelManager"]
