"""The course's nbgrader steps, in the order `nbgrader_config.py` runs them in its autograde pipeline:

1. `SandboxedExecute` (in place of nbgrader's `Execute`): the notebook in a jailed kernel;
2. `HiddenChecks`: every grade cell scored by its hidden checks;
3. `NoteLeftOut`: the student told what of their folder was left out.
"""

from .execute import JailedKernelManager, SandboxedExecute
from .hidden_checks import HiddenChecks
from .note_left_out import NoteLeftOut

__all__ = ["SandboxedExecute", "JailedKernelManager", "HiddenChecks", "NoteLeftOut"]
