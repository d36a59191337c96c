"""The warm template: a process that has imported what a kernel and the student's process need, and forks them.

Started by `template.Template` as `python -E -s -c <bootstrap>`, with this file's source on stdin; it is a
script, not a module of the `autograder` package, so that nothing of the grader is in its memory (every
child could read it). It imports torch (with torch.nn, torch.optim, torch.utils.data), numpy, matplotlib
with the inline backend, IPython and ipykernel, and runs nothing else: no event loop, no thread, no ZMQ
context, no torch operation (so that no OpenMP pool exists to break after fork). Then `gc.freeze()`,
so that its children share its pages, and it serves requests on a SOCK_SEQPACKET socket: one JSON
datagram each, file descriptors alongside (SCM_RIGHTS).

    grader -> template   {"kind": "kernel"|"student", ...}      fds: [log] + [requests, answers] for a student
    template -> grader   {"ok": true, "pid": C1}                fds: [pidfd, status]: 4 bytes, the wait status

Each child is a chain of three processes (pids as the grader sees them):

    template --fork--> C1: enters the cgroup, unshare(USER | NS | NET), the jail's mount script, unshare(PID)
               --fork--> C2, PID 1 of the new namespace: mounts /proc, passes on the grader's signals, reaps, exits with C3
                 --fork--> C3, PID 2: limits, clean environment, fresh random state and __main__ -> the kernel or the student's process

To the student's code C3 is a fresh process: reseeded from the OS, its own `__main__`, the fixed
environment, nothing of the template but imported modules.
"""

import ctypes
import gc
import importlib
import json
import os
import selectors
import signal
import socket
import struct
import subprocess
import sys

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x00020000, 0x10000000, 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 2, 4, 8, 0x4000, 1 << 18
PR_SET_PDEATHSIG = 1
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)

PRELOAD = [
    "numpy", "numpy.random", "torch", "torch.nn", "torch.optim", "torch.utils.data", "matplotlib", "matplotlib.pyplot",
    # An optimizer's first construction imports torch._dynamo (2 s of CPU): once here, not in every kernel.
    "torch._dynamo",
    "matplotlib_inline.backend_inline", "IPython", "ipykernel", "ipykernel.kernelapp", "ipykernel.ipkernel", "zmq", "tornado",
    "tornado.ioloop", "tornado.platform.asyncio", "tornado.queues", "tornado.locks", "tornado.gen",
    # What a kernel still imports while it starts, and what the child set-up uses: imported here, once.
    "ipykernel.debugger", "debugpy.server.api", "IPython.core.debugger", "IPython.core.completerlib",
    "IPython.extensions.storemagic", "IPython.core.magics.pylab", "IPython.core.oinspect", "IPython.core.logger",
    "IPython.utils.wildcard", "IPython.core.inputtransformer2", "sqlite3", "pdb", "faulthandler", "mimetypes",
    "random", "resource", "secrets", "tempfile", "atexit", "types", "traceback", "linecache",
]

_libc = ctypes.CDLL(None, use_errno=True)
IMPORT_ENV = {}
"""Variables the imports set (debugpy sets one): a cold process has them too."""
_HANDLERS = {}
"""The signal handlers as the imports left them, before this process changed any."""


def _check(result, what):
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _unshare(flags):
    _check(_libc.unshare(flags), "unshare")


def _mount(source, target, fstype, flags):
    def encode(text):
        return text.encode() if text is not None else None

    _check(_libc.mount(encode(source), encode(target), encode(fstype), ctypes.c_ulong(flags), None), f"mount {target}")


def _pdeathsig(parent):
    """Die with `parent`; if it is already gone, now."""
    _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl")
    if os.getppid() != parent:
        os._exit(1)


def _threads():
    return len(os.listdir("/proc/self/task"))


def _exit_like(status):
    """Leave with the wait status of a child that ended with `status` (never by the template's own exit code path)."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [sig])
        os.kill(os.getpid(), sig)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


def _outer(request, fds, template):
    """C1, still in the grader's namespaces: lay the jail out, then fork its init."""
    os.setsid()
    _pdeathsig(template)
    if request.get("cgroup"):  # before the user namespace: the cgroup's files belong to the host's user
        with open(os.path.join(request["cgroup"], "cgroup.procs"), "w") as procs:
            procs.write(str(os.getpid()))
    if _threads() != 1:
        raise RuntimeError(f"{_threads()} threads before unshare: a user namespace needs a single-threaded process")
    uid, gid = os.getuid(), os.getgid()
    _unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET)
    for name, text in (("setgroups", "deny"), ("uid_map", f"0 {uid} 1"), ("gid_map", f"0 {gid} 1")):
        with open(f"/proc/self/{name}", "w") as file:
            file.write(text)
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _pdeathsig(template)  # new credentials clear it
    # The jail's own mount script: its mounts, made by a child in this mount namespace, are this namespace's.
    subprocess.run(["sh", "-c", request["script"], "jail"], cwd=request["cwd"], env=request["variables"],
                   stdin=subprocess.DEVNULL, check=True)
    os.chdir("/tmp/work")  # the old folder is the host's, under the new mounts
    _unshare(CLONE_NEWPID)
    status_r, status_w = os.pipe()
    signal.pthread_sigmask(signal.SIG_BLOCK, FORWARDED)  # until the handlers below know the init's pid
    init = os.fork()
    if init == 0:
        os.close(status_r)
        _init(request, fds, os.getppid(), status_w)
    os.close(status_w)
    for sig in FORWARDED:  # the grader's signals (an interrupt), on to the init, which passes them on
        signal.signal(sig, lambda number, _frame: os.kill(init, number))
    signal.pthread_sigmask(signal.SIG_UNBLOCK, FORWARDED)
    _, status = os.waitpid(init, 0)
    report = os.read(status_r, 4)
    _exit_like(struct.unpack("<i", report)[0] if len(report) == 4 else status)


def _init(request, fds, outer, status_w):
    """C2, PID 1 of the new PID namespace: passes on the signals that come from outside it (the grader's),
    ignores those sent from inside, reaps every orphan, and leaves when the student's process ends."""
    _pdeathsig(outer)
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    waited = {signal.SIGCHLD, *FORWARDED}
    signal.pthread_sigmask(signal.SIG_BLOCK, waited)  # before the fork: no signal is lost
    student = os.fork()
    if student == 0:
        os.close(status_w)
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        _student(request, fds)
    while True:
        info = signal.sigwaitinfo(waited)
        if info.si_signo != signal.SIGCHLD:
            if info.si_pid == 0:  # sent from outside this namespace
                os.kill(student, info.si_signo)
            continue
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            if pid == student:
                os.write(status_w, struct.pack("<i", status))
                os._exit(0)  # the namespace's other processes die with its init


def _student(request, fds):
    """C3, PID 2: a fresh process to the student's code, then the kernel or the student's process."""
    import random
    import resource
    import tempfile
    import types

    import matplotlib
    import numpy
    import torch

    _pdeathsig(1)
    for sig, handler in _HANDLERS.items():
        signal.signal(sig, handler)
    if request.get("memory_bytes"):
        resource.setrlimit(resource.RLIMIT_AS, (request["memory_bytes"], request["memory_bytes"]))
    if request.get("nproc"):  # an unprivileged grader without a pids cgroup: counted in this user namespace
        resource.setrlimit(resource.RLIMIT_NPROC, (request["nproc"], request["nproc"]))
    os.environ.clear()
    os.environ.update(IMPORT_ENV)
    os.environ.update(request["environment"])
    os.chdir("/tmp/work")
    tempfile.tempdir = None
    # A fresh random state, from the OS, as at a fresh import (random reseeds itself after a fork; numpy and torch do not).
    random.seed()
    numpy.random.seed()
    torch.manual_seed(int.from_bytes(os.urandom(8), "little"))
    torch.set_num_threads(1)
    # matplotlib cached the template's config and cache folders at import: forget them.
    for name in ("get_configdir", "get_cachedir"):
        setattr(matplotlib, name, matplotlib._logged_cached(name.upper() + "=%s")(getattr(matplotlib, name).__wrapped__))
    main = types.ModuleType("__main__")
    main.__builtins__ = __builtins__
    sys.modules["__main__"] = main
    devnull = os.open(os.devnull, os.O_RDWR)
    if sys.path and sys.path[0] == "":
        del sys.path[0]  # a kernel gets it back from IPython, as `python -m ipykernel_launcher` does; `python -I` has none
    if request["kind"] == "kernel":
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        _close_all_but_standard(devnull, fds)
        sys.argv = [sys.executable, "-f", request["connection_file"]]
        # What a cold kernel's first `import matplotlib` reads from the variable ipykernel sets.
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
        matplotlib.rcParams["backend"] = os.environ["MPLBACKEND"]
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        app.initialize(["-f", request["connection_file"]])
        app.start()
    else:
        os.dup2(fds["requests"], 0)
        os.dup2(fds["answers"], 1)
        os.dup2(devnull, 2)
        _close_all_but_standard(devnull, fds)
        sys.argv = ["-c"]
        main.__dict__["__name__"] = "__main__"
        exec(compile(request["source"], "<student process>", "exec"), main.__dict__)
    import atexit

    atexit._run_exitfuncs()
    os._exit(0)


def _close_all_but_standard(devnull, fds):
    """Leave the student's code only 0, 1 and 2, as a cold process has: the passed ends (the jail's log, the pipes)
    are dup'ed there already, and an fd left open would take a number a cold process gives to something else."""
    for fd in {devnull, *fds.values()} - {0, 1, 2}:
        os.close(fd)


def _child(request, fds, template):
    """Whatever happens in a child, it never returns into the template's loop."""
    try:
        _outer(request, fds, template)
    except SystemExit as error:
        os._exit(error.code if isinstance(error.code, int) else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
        os._exit(127)
    os._exit(0)


def serve(fd):
    control = socket.socket(fileno=fd)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.close(devnull)
    before = dict(os.environ)
    for name in PRELOAD:
        importlib.import_module(name)
    IMPORT_ENV.update({key: value for key, value in os.environ.items() if before.get(key) != value})
    _HANDLERS.update({sig: signal.getsignal(sig) for sig in FORWARDED})
    gc.collect()
    gc.freeze()
    control.send(json.dumps({"ready": True, "threads": _threads(), "modules": len(sys.modules)}).encode())
    me = os.getpid()
    selector = selectors.DefaultSelector()
    selector.register(control, selectors.EVENT_READ, None)
    children = {}
    while True:
        for key, _ in selector.select():
            if key.data is not None:  # a child ended: reap it, tell the grader
                pid, status_w = key.data
                selector.unregister(key.fd)
                _, status = os.waitpid(pid, 0)
                os.write(status_w, struct.pack("<i", status))
                os.close(status_w)
                os.close(key.fd)
                del children[key.fd]
                continue
            try:
                data, passed, _, _ = socket.recv_fds(control, 1 << 22, 8)
            except ConnectionResetError:
                data = b""
            if not data:  # the grader is gone: so are its jails
                for pid, _ in children.values():
                    os.kill(pid, signal.SIGKILL)
                for pid, _ in children.values():
                    os.waitpid(pid, 0)
                os._exit(0)
            request = json.loads(data)
            fds = dict(zip(request.pop("fd_names", []), passed))
            if _threads() != 1:
                control.send(json.dumps({"ok": False, "error": f"the template has {_threads()} threads"}).encode())
                for passed_fd in passed:
                    os.close(passed_fd)
                continue
            status_r, status_w = os.pipe()
            pid = os.fork()
            if pid == 0:
                # Close what is the template's (its socket, selector, the other children's fds) before anything else.
                selector.close()
                control.close()
                os.close(status_r)
                low = 3
                for kept in [*sorted(set(fds.values())), 1 << 20]:
                    os.closerange(low, kept)
                    low = kept + 1
                os.dup2(fds["log"], 2)
                _child(request, fds, me)
            pidfd = os.pidfd_open(pid)
            for passed_fd in passed:
                os.close(passed_fd)
            socket.send_fds(control, [json.dumps({"ok": True, "pid": pid}).encode()], [pidfd, status_r])
            os.close(status_r)
            children[pidfd] = (pid, status_w)
            selector.register(pidfd, selectors.EVENT_READ, (pid, status_w))


if __name__ == "__main__":
    serve(int(sys.argv[1]))
