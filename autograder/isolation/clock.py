"""How much CPU time a student's processes spent: a measure that other work on the machine does not inflate.

Wall-clock time depends on how busy the grading machine is: on a shared server a vectorised answer
may take ten times longer than on an idle laptop, and a Python loop may look fast next to a reference
that was itself slowed down. The CPU time the kernel accounts to the student's processes does not
grow with load. It is read from outside, by the grader (Linux's per-process CPU clocks), so the
student's code cannot change it; where those clocks are not available, the wall clock stands in.
"""

from __future__ import annotations

import functools
import os
import time

import psutil

Reading = dict[int, float]
"""CPU seconds of each process of a tree, by pid; pid 0 holds the wall clock where CPU clocks are not available."""


def _cpu_clock(pid: int) -> int:
    # Linux's clock id for a process's CPU time: MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED) (see clock_getcpuclockid(3)).
    return ((~pid) << 3) | 2


@functools.cache
def available() -> bool:
    """Can this process read other processes' CPU clocks?"""
    try:
        time.clock_gettime(_cpu_clock(os.getpid()))
    except (OSError, OverflowError, AttributeError):
        return False
    return True


def cpu_seconds(pid: int) -> Reading:
    """The CPU seconds used so far by process `pid` and every process under it (the student's jail, whole)."""
    if not available():
        return {0: time.perf_counter()}
    pids = _tree(pid)
    reading = {}
    for each in pids:
        try:
            reading[each] = time.clock_gettime(_cpu_clock(each))
        except OSError:  # it ended meanwhile
            pass
    return reading


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants, from the kernel's lists of each task's children (a walk of the tree, not of /proc)."""
    found, queue = [], [pid]
    while queue:
        each = queue.pop()
        found.append(each)
        try:
            tasks = os.listdir(f"/proc/{each}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                queue += [int(child) for child in open(f"/proc/{each}/task/{task}/children").read().split()]
            except OSError:
                if each == pid:  # no children lists (an older kernel): psutil walks all of /proc instead
                    try:
                        return [pid, *(child.pid for child in psutil.Process(pid).children(recursive=True))]
                    except psutil.Error:
                        return [pid]
    return found


def elapsed(before: Reading, after: Reading) -> float:
    """CPU seconds between two readings of one tree: a process that ended meanwhile adds nothing, a new one all it used."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())
