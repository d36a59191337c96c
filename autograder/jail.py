"""Run a student's process where it cannot see the grader or touch the course.

`wrap(command, ...)` prefixes a command so that it starts in its own mount and PID namespaces
(Linux `unshare`, as root or through a user namespace) where every file system is read-only but
its working folder and a private /tmp, the grader's package, the gradebook and everyone's work are
replaced by empty mounts, and its address space is limited. The namespace dies with the process; nothing changes outside it. Where namespaces are not
available (not Linux, or forbidden by the container), `available()` is False and the command runs
as it is: the README's security model says what that leaves open.
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

_SCRIPT = """
set -e
# Every file system read-only: the course, the grader's environment, the rest of the machine.
mount -o remount,bind,ro /
for dir in $JAIL_MOUNTS; do mount -o remount,bind,ro "$dir" 2>/dev/null || true; done
# Its folder stays writable for the set-up below (entered again, so that the shell works on the new mount).
mount --bind "$PWD" "$PWD"
mount -o remount,bind,rw "$PWD"
cd "$PWD"
# The course folders are covered whole; the Python environment, if it lies in one, is put back on top.
n=0
for dir in $JAIL_REVEAL; do n=$((n + 1)); mkdir ".jail-reveal-$n"; mount --bind "$dir" ".jail-reveal-$n"; done
for dir in $JAIL_HIDE_DIRS; do mount -t tmpfs -o size=64k,mode=0555 jail "$dir"; done
# (A file the grader removed meanwhile needs no hiding.)
for file in $JAIL_HIDE_FILES; do mount --bind /dev/null "$file" 2>/dev/null || [ ! -e "$file" ]; done
n=0
for dir in $JAIL_REVEAL; do
  n=$((n + 1)); mkdir -p "$dir"; mount --no-mtab --move ".jail-reveal-$n" "$dir"; rmdir ".jail-reveal-$n"
  mount -o remount,bind,ro "$dir"
done
# Scratch space of its own, gone with the process; the files it must keep (a kernel's connection file) come along.
# Folders there that it needs (a virtual environment under /tmp) are carried over, read-only.
for file in $JAIL_KEEP; do cp "$file" ".jail-keep-${file##*/}"; done
n=0
for dir in $JAIL_SHOW; do n=$((n + 1)); mkdir ".jail-show-$n"; mount --bind "$dir" ".jail-show-$n"; done
for dir in /tmp /var/tmp /dev/shm; do [ -d "$dir" ] && mount -t tmpfs -o size=512m jail "$dir"; done
n=0
for dir in $JAIL_SHOW; do n=$((n + 1)); mkdir -p "$dir"; mount --no-mtab --move ".jail-show-$n" "$dir"; rmdir ".jail-show-$n"; done
for file in $JAIL_KEEP; do mkdir -p "${file%/*}"; mv ".jail-keep-${file##*/}" "$file"; done
# It works in a copy of its folder inside the private /tmp (size-limited memory); the folder itself,
# on the host's disk, is out of its reach under the new /tmp.
host=$PWD
mkdir /tmp/work
cp -a . /tmp/work/
cd /tmp/work
mount -o remount,bind,ro "$host" 2>/dev/null || true
# Writable homes for IPython and matplotlib (its font cache copied, not rebuilt at every start).
export IPYTHONDIR=/tmp/ipython MPLCONFIGDIR=/tmp/matplotlib
cp -r "${HOME:-/nonexistent}/.cache/matplotlib" "$MPLCONFIGDIR" 2>/dev/null || mkdir -p "$MPLCONFIGDIR"
# Not exec: this shell stays the namespace's init (PID 1), which ignores signals from inside it, so
# that the student's process is an ordinary one and dies at once of whatever it sends itself.
# Its parent is then PID 1, which ipykernel would take for its parent's death: no parent polling
# (the kernel dies with the jail anyway).
unset JPY_PARENT_PID
"$@"
"""
_VIRTUAL = {"proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "tmpfs", "mqueue", "debugfs", "tracefs",
            "securityfs", "pstore", "bpf", "hugetlbfs", "fusectl", "configfs", "binfmt_misc", "autofs", "nsfs"}


@functools.cache
def available() -> bool:
    """Can this machine start a process in private namespaces and lay out the jail's mounts there?"""
    if any(shutil.which(tool) is None for tool in ("unshare", "prlimit", "setpriv")):
        return False
    with tempfile.TemporaryDirectory() as folder:
        return subprocess.run(_jail([], []) + ["true"], capture_output=True, cwd=folder).returncode == 0


@functools.cache
def _warn_unjailed() -> None:
    logging.getLogger(__name__).warning(
        "Linux namespaces (unshare) are not available here: students' code runs unjailed, "
        "with time and memory limits only (see the README's security model)")


def _disk_mounts() -> list[str]:
    """The mount points of real file systems other than /, to make read-only too."""
    try:
        lines = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return []
    mounts = [line.split()[1] for line in lines if len(line.split()) > 2 and line.split()[2] not in _VIRTUAL]
    return [m for m in dict.fromkeys(mounts) if m != "/" and " " not in m and "\\" not in m]


def _python_under_scratch() -> list[str]:
    """This Python's installation folders that lie in /tmp, /var/tmp or /dev/shm, which the jail replaces."""
    scratch = ("/tmp/", "/var/tmp/", "/dev/shm/")
    folders = {str(Path(p).resolve()) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    return sorted(p for p in folders if p.startswith(scratch) and " " not in p)


def _jail(hidden: list[Path], network_options: list[str], keep: list[Path] = ()) -> list[str]:
    python = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    reveal = sorted(str(p) for p in python if any(h in p.parents for h in hidden if h.is_dir()) and " " not in str(p))
    variables = [
        "JAIL_KEEP=" + " ".join(str(p) for p in keep),
        "JAIL_REVEAL=" + " ".join(reveal),
        "JAIL_SHOW=" + " ".join(_python_under_scratch()),
        "JAIL_MOUNTS=" + " ".join(_disk_mounts()),
        "JAIL_HIDE_DIRS=" + " ".join(str(p) for p in hidden if p.is_dir()),
        "JAIL_HIDE_FILES=" + " ".join(str(p) for p in hidden if p.is_file()),
    ]
    # A PID namespace of its own: the student's code cannot name, let alone signal, the grader's processes.
    # unshare stays as the parent (--fork): it passes on SIGINT (a kernel interrupt) and takes the child with it.
    unshare = ["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private",
               "--pid", "--fork", "--kill-child", "--mount-proc", *network_options, "--"]
    # Killed with the grader if it dies first (SIGKILL, a crash): no jail outlives the process that started it.
    return ["env", *variables, "setpriv", "--pdeathsig", "KILL", "--", *unshare, "sh", "-c", _SCRIPT, "jail"]


def wrap(command: list[str], hide: Iterable[Path] = (), memory_bytes: int | None = None, network: bool = True,
         keep: Iterable[Path] = ()) -> list[str]:
    """`command`, jailed where namespaces are available, and limited to `memory_bytes` of address space.

    It runs in the folder it is started in, the only one it may write to besides a private /tmp.
    `network=False` also gives it a network namespace of its own, with no way out (a kernel needs
    loopback to talk to nbgrader; the hidden checks' worker talks through pipes and needs none).
    `keep` are files in /tmp that the command needs in its private /tmp. Paths must not contain spaces.
    """
    if memory_bytes:
        command = ["prlimit", f"--as={memory_bytes}", "--", *command]
    if not available():
        _warn_unjailed()
        return command
    hidden = list(dict.fromkeys(Path(p).resolve() for p in hide if Path(p).exists()))
    # A folder inside another hidden one is covered with it (and its mount point is gone once that one is covered).
    hidden = [h for h in hidden if not any(other in h.parents for other in hidden)]
    return [*_jail(hidden, [] if network else ["--net"], [Path(p) for p in keep]), *command]


def course_secrets(*course_roots: Path) -> list[Path]:
    """What a student's process must not see: each course folder (this repository's included), whole, so that
    also what the grader writes there later is covered, and nbgrader's exchange. The Python environment that
    runs the student's code stays visible even where it lies inside a course folder (`wrap` puts it back)."""
    package = Path(__file__).resolve().parent
    return [package, package.parent, Path("/srv/nbgrader/exchange"), *(Path(r).resolve() for r in course_roots)]
