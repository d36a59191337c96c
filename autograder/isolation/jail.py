"""Run a student's process where it cannot see the grader, touch the course, reach the network or flood the machine.

`Jail(...).wrap(command)` prefixes a command so that it starts in its own user, mount, PID and network
namespaces (Linux `unshare`, as root or through a user namespace), where:

- every file system is read-only but its working folder (a copy, in a private size-limited /tmp) and
  the folders it shares with the grader (`share`: a kernel's connection file and ZMQ ipc sockets);
- the grader's package, the gradebook and everyone's work are replaced by empty mounts (`hide`);
- there is no network at all: not even the host's loopback, where the course's own services listen;
- the environment is a fixed, minimal one (`environment`), never the grader's variables;
- its address space is limited, and its processes and threads are counted in a pids cgroup of its
  own (or, for an unprivileged grader, by RLIMIT_NPROC), so that a fork loop costs only itself.

The namespaces die with the process; nothing changes outside them. Where namespaces are not available
(not Linux, or forbidden by the container), `available()` is False and the command runs with only the
clean environment and the limits: the README's security model says what that leaves open.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from traitlets.config import Config

from .. import paths, settings
from ..settings import ProcessLimits

SCRIPT = """
set -e
# Lists of paths come one per line: a path may hold spaces, quotes or any character but a newline.
IFS='
'
set -f
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
# (Empty and read-only: the size of the cover only has to hold nothing.)
for dir in $JAIL_HIDE_DIRS; do mount -t tmpfs -o size=64k,mode=0555 jail "$dir"; done
# (A file the grader removed meanwhile needs no hiding.)
for file in $JAIL_HIDE_FILES; do mount --bind /dev/null "$file" 2>/dev/null || [ ! -e "$file" ]; done
n=0
for dir in $JAIL_REVEAL; do
  n=$((n + 1)); mkdir -p "$dir"; mount --no-mtab --move ".jail-reveal-$n" "$dir"; rmdir ".jail-reveal-$n"
  mount -o remount,bind,ro "$dir"
done
# Scratch space of its own, gone with the process. Folders there that it needs come along: a virtual
# environment under /tmp (read-only), and the folders it shares with the grader (writable).
n=0
for dir in $JAIL_SHOW $JAIL_SHARE; do n=$((n + 1)); mkdir ".jail-show-$n"; mount --bind "$dir" ".jail-show-$n"; done
for dir in /tmp /var/tmp /dev/shm; do [ -d "$dir" ] && mount -t tmpfs -o "size=$JAIL_SCRATCH" jail "$dir"; done
n=0
for dir in $JAIL_SHOW $JAIL_SHARE; do n=$((n + 1)); mkdir -p "$dir"; mount --no-mtab --move ".jail-show-$n" "$dir"; rmdir ".jail-show-$n"; done
for dir in $JAIL_SHOW; do mount -o remount,bind,ro "$dir"; done
for dir in $JAIL_SHARE; do mount -o remount,bind,rw "$dir"; done
# It works in a copy of its folder inside the private /tmp (size-limited memory); the folder itself,
# on the host's disk, is out of its reach under the new /tmp.
host=$PWD
mkdir /tmp/work /tmp/home
cp -a . /tmp/work/
cd /tmp/work
mount -o remount,bind,ro "$host" 2>/dev/null || true
# Writable homes for IPython and matplotlib (its font cache copied, not rebuilt at every start).
cp -r "$JAIL_MPL_CACHE" /tmp/matplotlib 2>/dev/null || mkdir -p /tmp/matplotlib
# Without a command, only the mounts: a process forked from the warm template goes on from here.
[ $# -eq 0 ] && exit 0
# Not exec: this shell stays the namespace's init (PID 1), which ignores signals from inside it, so
# that the student's process is an ordinary one and dies at once of whatever it sends itself.
# Its environment is the fixed one, nothing of the grader's (nor the JAIL_ variables above).
env -i $JAIL_ENV "$@"
"""
_VIRTUAL = {"proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "tmpfs", "mqueue", "debugfs", "tracefs",
            "securityfs", "pstore", "bpf", "hugetlbfs", "fusectl", "configfs", "binfmt_misc", "autofs", "nsfs"}
_PIDS_ROOTS = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"))
"""Where a pids cgroup may be made: cgroup v1's pids hierarchy, or the cgroup v2 root."""
_GROUP = "linreg-{pid}-{n}"
_counter = itertools.count()
_log = logging.getLogger(__name__)


class JailError(Exception):
    """A jail cannot be laid out for these paths; `str()` is one line for the instructor."""


def environment(home: str = "/tmp/home") -> dict[str, str]:
    """The whole environment of a student's process: what Python, torch, matplotlib and IPython need.

    Nothing of the grader's: a database password or an API token kept in its variables stays its own.
    """
    return {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": home,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TMPDIR": "/tmp",
        "IPYTHONDIR": f"{home}/.ipython",
        "MPLCONFIGDIR": "/tmp/matplotlib" if home == "/tmp/home" else f"{home}/.matplotlib",
    }


@functools.cache
def available() -> bool:
    """Can this machine start a process in private namespaces and lay out the jail's mounts there?"""
    if any(shutil.which(tool) is None for tool in ("unshare", "prlimit", "setpriv")):
        return False
    with tempfile.TemporaryDirectory() as folder:
        return subprocess.run(Jail()._jailed(["true"]), capture_output=True, cwd=folder).returncode == 0


@functools.cache
def _warn(message: str) -> None:
    _log.warning(message)


@dataclass
class Jail:
    """Where one student process runs, and how much it may take; `close()` once it has ended."""

    hide: Iterable[Path] = ()
    """Files and folders it must not see: covered by empty mounts."""
    memory_bytes: int | None = None
    """Its address-space limit."""
    share: Iterable[Path] = ()
    """Folders it shares with the grader, writable, at the same path (a kernel's connection file and sockets)."""
    processes: int = ProcessLimits.max_processes.default_value
    """The most processes and threads it may have at once (a pids cgroup, or RLIMIT_NPROC)."""
    scratch_bytes: int = ProcessLimits.scratch_bytes.default_value
    """The size of its private /tmp."""
    _group: Path | None = field(default=None, init=False, repr=False)
    _home: str | None = field(default=None, init=False, repr=False)

    def wrap(self, command: list[str]) -> list[str]:
        """`command`, started in the jail: jailed where namespaces are available, limited everywhere."""
        limits = ["prlimit", f"--as={self.memory_bytes}"] if self.memory_bytes else ["prlimit"]
        join = self._join_group()
        if not join and os.geteuid() != 0:
            limits.append(f"--nproc={self.processes}")  # counted in its own user namespace, so only its own processes
        command = [*limits, "--", *command] if len(limits) > 1 else command
        if not available():
            _warn("Linux namespaces (unshare) are not available here: students' code runs unjailed, "
                  "with a clean environment and time and memory limits only (see the README's security model)")
            self._home = self._home or tempfile.mkdtemp(prefix="linreg-home-")
            return ["env", "-i", *_assignments(environment(self._home)), *join, *command]
        return self._jailed(command, join)

    def close(self) -> None:
        """Remove its pids cgroup (its processes have ended: the PID namespace dies with its init)."""
        if self._group is not None:
            _remove_group(self._group)
            self._group = None
        if self._home is not None:
            shutil.rmtree(self._home, ignore_errors=True)
            self._home = None

    def layout(self) -> tuple[dict[str, str], str, int]:
        """For a process forked from the warm template, which lays the jail out itself: the mount script's
        variables, its pids cgroup ('' where none can be made), and its RLIMIT_NPROC (0: none)."""
        self._join_group()
        nproc = self.processes if self._group is None and os.geteuid() != 0 else 0
        return self._variables(), str(self._group or ""), nproc

    def _jailed(self, command: list[str], join: list[str] = ()) -> list[str]:
        return ["env", "-i", *_assignments(self._variables()), *join, *_unshare(), "sh", "-c", SCRIPT, "jail", *command]

    def _variables(self) -> dict[str, str]:
        hidden = [h for h in dict.fromkeys(Path(p).resolve() for p in self.hide) if h.exists()]
        # A folder inside another hidden one is covered with it (and its mount point is gone once that one is covered).
        hidden = [h for h in hidden if not any(other in h.parents for other in hidden)]
        python = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
        reveal = sorted(p for p in python if any(h in p.parents for h in hidden if h.is_dir()))
        return {
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "JAIL_REVEAL": _lines(reveal),
            "JAIL_SHOW": _lines(_python_under_scratch()),
            "JAIL_SHARE": _lines(Path(p) for p in self.share),
            "JAIL_MOUNTS": _lines(_disk_mounts()),
            "JAIL_HIDE_DIRS": _lines(h for h in hidden if h.is_dir()),
            "JAIL_HIDE_FILES": _lines(h for h in hidden if h.is_file()),
            "JAIL_MPL_CACHE": str(_matplotlib_cache()),
            "JAIL_SCRATCH": str(self.scratch_bytes),
            "JAIL_ENV": _lines(_assignments(environment())),
        }

    def _join_group(self) -> list[str]:
        """The prefix that puts the command in a pids cgroup of its own, limited to `processes` (none where it cannot be made)."""
        if self._group is None:
            self._group = _new_group(self.processes)
        if self._group is None:
            if os.geteuid() == 0:
                _warn("no pids cgroup can be made here: the processes of students' code are not limited")
            return []
        # The shell enters the cgroup, then becomes the jail: everything the student's code starts is counted there.
        return ["sh", "-c", 'echo $$ > "$0" && exec "$@"', str(self._group / "cgroup.procs")]


def _assignments(variables: dict[str, str]) -> list[str]:
    return [f"{key}={value}" for key, value in variables.items()]


def _lines(paths: Iterable[Path | str]) -> str:
    paths = [str(p) for p in paths]
    if any("\n" in p for p in paths):
        raise JailError(f"a path holds a newline, which the jail cannot lay out: {next(p for p in paths if chr(10) in p)!r}")
    return "\n".join(paths)


def _unshare() -> list[str]:
    # A PID namespace of its own: the student's code cannot name, let alone signal, the grader's processes.
    # unshare stays as the parent (--fork): it passes on SIGINT (a kernel interrupt) and takes the child with it.
    # Killed with the grader if it dies first (SIGKILL, a crash): no jail outlives the process that started it.
    return ["setpriv", "--pdeathsig", "KILL", "--", "unshare", "--user", "--map-root-user", "--mount", "--propagation", "private",
            "--pid", "--fork", "--kill-child", "--mount-proc", "--net", "--"]


def _disk_mounts() -> list[str]:
    """The mount points of real file systems other than /, to make read-only too."""
    try:
        lines = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return []
    fields = [line.split(" ") for line in lines]
    mounts = [_unescape(f[1]) for f in fields if len(f) > 2 and f[2] not in _VIRTUAL]
    return [m for m in dict.fromkeys(mounts) if m != "/" and "\n" not in m]


def _unescape(field: str) -> str:
    """A path as /proc/self/mounts writes it (space, tab, newline and backslash in octal), as it is."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def _python_under_scratch() -> list[str]:
    """This Python's installation folders that lie in /tmp, /var/tmp or /dev/shm, which the jail replaces."""
    scratch = ("/tmp/", "/var/tmp/", "/dev/shm/")
    folders = {str(Path(p).resolve()) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    return sorted(p for p in folders if p.startswith(scratch))


def _matplotlib_cache() -> Path:
    """matplotlib's cache folder of the grader's user (its font list), as matplotlib finds it."""
    if os.environ.get("MPLCONFIGDIR"):
        return Path(os.environ["MPLCONFIGDIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "matplotlib"


def _pids_root() -> Path | None:
    """A cgroup folder under which this process may make pids cgroups, or None."""
    for root in _PIDS_ROOTS:
        v1 = root.name == "pids" and (root / "tasks").exists()
        if v1 or "pids" in _read(root / "cgroup.subtree_control").split():
            if os.access(root, os.W_OK):
                return root
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _new_group(processes: int) -> Path | None:
    root = _pids_root()
    if root is None:
        return None
    _sweep(root)
    group = root / _GROUP.format(pid=os.getpid(), n=next(_counter))
    try:
        group.mkdir()
        (group / "pids.max").write_text(str(processes))
    except OSError:
        with contextlib.suppress(OSError):
            group.rmdir()
        return None
    return group


@functools.cache
def _sweep(root: Path) -> None:
    """Remove the cgroups that graders which have ended left behind (once per grader)."""
    for group in root.glob(_GROUP.format(pid="*", n="*")):
        pid = group.name.split("-")[1]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            _remove_group(group)


def _remove_group(group: Path) -> None:
    # Its last processes may still be exiting for a moment after the jail's init has gone.
    for _ in range(100):
        try:
            group.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.02)
    _log.warning("could not remove the pids cgroup %s: processes are left in it", group)


def course_secrets(*course_roots: Path, config: Config | None = None) -> list[Path]:
    """What a student's process must not see: the grader's package and this repository, each course folder,
    whole, so that also what the grader writes there later is covered, and nbgrader's exchange (as `config`
    sets it). The Python environment that runs the student's code stays visible even where it lies inside
    one of them (`Jail` puts it back)."""
    return [paths.PACKAGE, paths.ROOT, settings.exchange(config or Config()), *(Path(r).resolve() for r in course_roots)]
