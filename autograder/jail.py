"""Run a student's process where it cannot see the grader or touch the course.

`wrap(command, ...)` prefixes a command so that it starts in its own mount and PID namespaces
(Linux `unshare`, as root or through a user namespace) with the course folder read-only, the
grader's package, other students' work and the gradebook replaced by empty mounts, and an
address-space limit. The namespace dies with the process; nothing changes outside it. Where namespaces are not
available (not Linux, or forbidden by the container), `available()` is False and the command runs
as it is: the README's security model says what that leaves open.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

_SCRIPT = """
set -e
for dir in $JAIL_READONLY; do mount --bind "$dir" "$dir"; mount -o remount,bind,ro "$dir"; done
for dir in $JAIL_HIDE_DIRS; do mount -t tmpfs -o size=64k,mode=0555 jail "$dir"; done
for file in $JAIL_HIDE_FILES; do mount --bind /dev/null "$file"; done
exec "$@"
"""


@functools.cache
def available() -> bool:
    """Can this machine start a process in a private mount namespace and mount in it?"""
    if shutil.which("unshare") is None or shutil.which("prlimit") is None:
        return False
    probe = [*_unshare(), "sh", "-c", "mount -t tmpfs jail /mnt"]
    return subprocess.run(probe, capture_output=True).returncode == 0


def _unshare(network: bool = True) -> list[str]:
    # A PID namespace of its own: the student's code cannot name, let alone signal, the grader's processes.
    # unshare stays as the parent (--fork): it passes on SIGINT (a kernel interrupt) and takes the child with it.
    return ["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private",
            "--pid", "--fork", "--kill-child", "--mount-proc", *([] if network else ["--net"]), "--"]


def wrap(command: list[str], readonly: Iterable[Path] = (), hide: Iterable[Path] = (), memory_bytes: int | None = None,
         network: bool = True) -> list[str]:
    """`command`, jailed where namespaces are available, and limited to `memory_bytes` of address space.

    `network=False` also gives it a network namespace of its own, with no way out (a kernel needs
    loopback to talk to nbgrader; the hidden checks' worker talks through pipes and needs none).
    """
    if memory_bytes:
        command = ["prlimit", f"--as={memory_bytes}", "--", *command]
    if not available():
        return command
    hidden = [Path(p).resolve() for p in hide if Path(p).exists()]
    # Passed as variables (paths without spaces), so that the script itself stays a constant.
    variables = [
        "JAIL_READONLY=" + " ".join(str(Path(p).resolve()) for p in readonly if Path(p).is_dir()),
        "JAIL_HIDE_DIRS=" + " ".join(str(p) for p in hidden if p.is_dir()),
        "JAIL_HIDE_FILES=" + " ".join(str(p) for p in hidden if p.is_file()),
    ]
    return ["env", *variables, *_unshare(network), "sh", "-c", _SCRIPT, "jail", *command]


def course_secrets(*course_roots: Path) -> list[Path]:
    """What a student's process must not see: the grader's package, and in each course folder
    (this repository's included) the gradebook, the source with its solutions, and everyone's work."""
    names = ["gradebook.db", "gradebook.db-journal", "submitted", "autograded", "feedback", "source", ".git"]
    package = Path(__file__).resolve().parent
    return [package, *(Path(root) / name for root in {package.parent, *map(Path, course_roots)} for name in names)]
