"""Small functions that run inside the student's process and report what the student's code did.

`StudentProcess.run` sends each probe's source to the student's process, which defines it next to the student's
functions; so a probe imports what it needs itself, finds the student's functions in
`globals()`, and returns plain data (tensors, numbers, lists, dicts). Probes judge nothing:
the checks compare what they return with the reference, in the grader's process.
"""


def call(fn_name, args, requires_grad=(), backward=False, materialize=False, limit=100_000):
    """Call the student's `fn_name(*args)`; report its value, the gradients and the arguments after."""
    import itertools

    import torch

    if not callable(globals().get(fn_name)):
        raise NameError(f"name '{fn_name}' is not defined")
    args = [a.clone() if isinstance(a, torch.Tensor) else a for a in args]
    for i in requires_grad:
        args[i].requires_grad_(True)
    value = globals()[fn_name](*args)
    kind = type(value).__name__
    if materialize:
        items = list(itertools.islice(iter(value), limit + 1))
        value = [tuple(item) if isinstance(item, (tuple, list)) else item for item in items]
    if backward:
        value.sum().backward()
    grads = [args[i].grad for i in requires_grad]
    return {"value": value, "kind": kind, "grads": grads, "args_after": args}


def sgd_step(values, grads, lr, batch_size):
    """Run the student's sgd once on fresh leaf tensors; report what happened to those very tensors."""

    if not callable(globals().get("sgd")):
        raise NameError("name 'sgd' is not defined")
    params = [v.clone().requires_grad_(True) for v in values]
    for param, grad in zip(params, grads):
        param.grad = grad.clone()
    given = list(params)
    returned = sgd(given, lr, batch_size)  # noqa: F821 - the student's, found in this probe's globals
    try:
        sum(p.sum() for p in params).backward()
        backward_error = None
    except Exception as error:
        backward_error = f"{type(error).__name__}: {error}"
    return {
        "values": [p.detach().clone() for p in params],
        "requires_grad": [p.requires_grad for p in params],
        "is_leaf": [p.is_leaf for p in params],
        "returned_type": type(returned).__name__,
        "backward_error": backward_error,
    }


def train_with_student_functions(features, labels, w, b, lr, num_epochs, batch_size):
    """The reference training loop (sent along as `train`), run with the student's four functions."""
    w.requires_grad_(True)
    b.requires_grad_(True)
    losses = train(features, labels, w, b, lr, num_epochs, batch_size)  # noqa: F821 - sent as a helper
    return {"w": w.detach(), "b": b.detach(), "losses": losses}


def operations(fn_name, args):
    """Call `fn_name(*args)` once and count the torch functions and tensor methods it calls.

    A vectorised function calls the same few whatever the number of examples; a Python loop over
    the examples calls more for every example it visits. Nested calls (inside torch's own Python
    code) are not counted: a mode is switched off while it handles a call.
    """
    import torch
    from torch.overrides import TorchFunctionMode

    if not callable(globals().get(fn_name)):
        raise NameError(f"name '{fn_name}' is not defined")

    class Counting(TorchFunctionMode):
        calls = 0

        def __torch_function__(self, func, types, args=(), kwargs=None):
            Counting.calls += 1
            return func(*args, **(kwargs or {}))

    function = globals()[fn_name]
    with torch.no_grad(), Counting():
        function(*args)
    return Counting.calls


def keep(key, value):
    """Keep `value` in the student's process under `key`, for `repeat`: large inputs then cross the pipe once."""
    kept[key] = value  # noqa: F821 - the student's process gives every probe its `kept`


def repeat(fn_name, key, times):
    """Call `fn_name(*kept[key])` `times` times, for the grader to time from outside; a checksum of the last value.

    With `times` 0 it calls nothing: what the grader then measures is the cost of the request itself.
    """
    import torch

    if not callable(globals().get(fn_name)):
        raise NameError(f"name '{fn_name}' is not defined")
    function, args = globals()[fn_name], kept[key]  # noqa: F821
    value = None
    with torch.no_grad():
        for _ in range(times):
            value = function(*args)
    return {} if value is None else {"shape": list(value.shape), "sum": float(value.sum())}
