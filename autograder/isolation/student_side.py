"""The process that runs a student's code while it is graded.

Started by `student_process.StudentProcess` as `python -I -c <this file>`; it is a script, not a module of the
`autograder` package, so that nothing of the grader (reference, checks) is loaded here. It reads
requests from the pipe the parent gave it and answers each with plain data: tensors, numbers,
strings, lists, tuples and dicts, which the parent loads with `torch.load(weights_only=True)`.
Every judgement happens in the parent: this process only reports what the student's code did.
"""

import builtins
import io
import linecache
import os
import random
import struct
import sys
import traceback
import types

import numpy as np
import torch

_HEADER = struct.Struct("<Q")


def _read_exact(fd: int, size: int) -> bytes:
    chunks, remaining = [], size
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def receive(fd: int):
    (size,) = _HEADER.unpack(_read_exact(fd, _HEADER.size))
    return torch.load(io.BytesIO(_read_exact(fd, size)), weights_only=True)


def send(fd: int, message) -> None:
    buffer = io.BytesIO()
    torch.save(message, buffer)
    payload = buffer.getvalue()
    os.write(fd, _HEADER.pack(len(payload)))
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view):]


def to_plain(value, depth: int = 0):
    """What a value is, as data the parent can load safely; objects become a description."""
    if depth > 6:
        return {"__object__": type(value).__name__, "repr": "(nested too deeply)"}
    if isinstance(value, torch.Tensor):
        return value.detach().as_subclass(torch.Tensor).clone().contiguous()
    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value) in (list, tuple):
        return type(value)(to_plain(v, depth + 1) for v in value)
    if type(value) is dict and all(type(k) is str for k in value):
        return {k: to_plain(v, depth + 1) for k, v in value.items()}
    try:
        text = repr(value)[:200]
    except BaseException:  # a student's __repr__ may raise anything
        text = "(repr failed)"
    return {"__object__": type(value).__name__, "repr": text}


def describe_error(error: BaseException) -> dict:
    """The exception's class and message, with the student's lines of its traceback."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith("<cell ")]
    where = [f"{f.filename[1:-1]}, line {f.lineno}: {(f.line or '').strip()}" for f in frames][-3:]
    if isinstance(error, SyntaxError) and error.filename and error.filename.startswith("<cell "):
        where = [f"{error.filename[1:-1]}, line {error.lineno}: {(error.text or '').strip()}"]
    try:
        message = str(error)[:500]
    except BaseException:
        message = "(message failed)"
    return {"type": type(error).__name__, "message": message, "where": where}


class _NoIPython:
    """Stands in for get_ipython(): magics in a student's cell do nothing here."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def _transform(source: str) -> str:
    """Turn IPython syntax (%magics, !shell) into plain Python calls on get_ipython()."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return source
    return TransformerManager().transform_cell(source)


class _Blocker:
    """Refuses imports of the grader's own package from the student's code."""

    def __init__(self, names):
        self.names = tuple(names)

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in self.names:
            raise ImportError(f"{fullname} is not available while your notebook is graded")
        return None


def load(namespace: dict, cells, decoys: dict, blocked) -> dict:
    """Run each of the student's cells in one namespace; a broken cell costs only itself."""
    sys.meta_path.insert(0, _Blocker(blocked))
    for name in list(sys.modules):
        if name.split(".")[0] in blocked:
            del sys.modules[name]
    namespace.update(decoys)
    namespace["get_ipython"] = _NoIPython
    errors = {}
    for name, source in cells:
        try:
            text = _transform(source)
            # Registered so that tracebacks can quote the student's line.
            linecache.cache[f"<cell {name}>"] = (len(text), None, text.splitlines(True), f"<cell {name}>")
            code = compile(text, f"<cell {name}>", "exec")
            exec(code, namespace)
        except BaseException as error:  # the student's code may raise anything, SystemExit included
            errors[name] = describe_error(error)
    functions = sorted(k for k, v in namespace.items() if isinstance(v, types.FunctionType))
    return {"errors": errors, "functions": functions}


_BUILTINS = builtins.__dict__.copy()
_KEPT: dict = {}
"""Values a probe keeps for later probes (`kept`), so that large inputs cross the pipe once."""


def run(namespace: dict, source: str, name: str, args, kwargs, seed: int):
    """Define a probe beside the student's functions and call it, seeded.

    The probe sees the real builtins and torch, and of the student's names only their functions:
    a student's variable called `sum` or `iter` must not change what the probe does.
    """
    scope = {"__builtins__": _BUILTINS, "torch": torch, "kept": _KEPT}
    scope.update((key, value) for key, value in namespace.items()
                 if isinstance(value, types.FunctionType) and key not in _BUILTINS and key != "torch")
    exec(compile(source, f"<probe {name}>", "exec"), scope)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return scope[name](*args, **kwargs)


def serve(fd_in: int, fd_out: int) -> None:
    namespace: dict = {"__name__": "__main__"}
    while True:
        try:
            request = receive(fd_in)
        except EOFError:
            return
        try:
            if request["op"] == "load":
                answer = {"ok": True, "value": load(namespace, request["cells"], request["decoys"], request["blocked"])}
            else:
                value = run(namespace, request["source"], request["name"], request["args"], request["kwargs"], request["seed"])
                answer = {"ok": True, "value": to_plain(value)}
        except BaseException as error:  # the student's code may raise anything
            answer = {"ok": False, "error": describe_error(error)}
        try:
            send(fd_out, answer)
        except Exception as error:  # an answer torch cannot save: say so rather than die
            send(fd_out, {"ok": False, "error": describe_error(error)})


def main() -> None:
    # The protocol keeps the pipes; the student's prints go to /dev/null so they cannot corrupt it.
    fd_in, fd_out = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    torch.set_num_threads(1)
    # The greeting: started, nothing of the student's run yet (the grader waits for it apart from any time limit).
    send(fd_out, {"ok": True, "value": "ready"})
    serve(fd_in, fd_out)


if __name__ == "__main__":
    main()
