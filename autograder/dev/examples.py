"""Example submissions, built from the release notebook and the reference solution.

Each example fills the release's blanks with an answer: the reference's own function, a
different correct style, or a typical mistake written as a small change to the reference, so
that when the lesson changes the examples follow it (a change that no longer applies fails).
`tests/test_examples.py` asserts the score of each, part by part.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..assignment import BLANKS, RELEASE_NOTEBOOK, grade_id
from ..checks import reference


def source(name: str) -> str:
    """The reference's function `name`, as a student would paste it into the blank."""
    return inspect.getsource(getattr(reference, name))


def mutate(name: str, old: str, new: str) -> str:
    """The reference's function `name` with `old` replaced by `new` (which must be there)."""
    text = source(name)
    if old not in text:
        raise ValueError(f"reference.{name} no longer contains {old!r}: update this example")
    return text.replace(old, new)


@dataclass
class Example:
    """A submission: the answers it puts into the blanks (the rest stays the release's)."""

    name: str
    answers: dict[str, str] = field(default_factory=dict)
    description: str = ""

    def notebook(self, release: Path = RELEASE_NOTEBOOK) -> nbformat.NotebookNode:
        nb = nbformat.read(release, as_version=4)
        for cell in nb.cells:
            if grade_id(cell) in self.answers:
                cell.source = self.answers[grade_id(cell)]
        return nb

    def write(self, path: Path, release: Path = RELEASE_NOTEBOOK) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(self.notebook(release), path)
        return path


def solution(**changes: str) -> dict[str, str]:
    """The reference answers for all four blanks, with some replaced."""
    return {name: source(name) for name in BLANKS} | changes


LOOP_LINREG = '''def linreg(X, w, b):
    y_hat = torch.zeros(len(X), 1)
    for i in range(len(X)):
        y_hat[i, 0] = (X[i] * w[:, 0]).sum() + b[0]
    return y_hat
'''

RANDPERM_DATA_ITER = '''def data_iter(batch_size, features, labels):
    order = torch.randperm(len(features))
    for start in range(0, len(features), batch_size):
        batch = order[start:start + batch_size]
        yield features[batch], labels[batch]
'''

LIST_DATA_ITER = '''def data_iter(batch_size, features, labels):
    indices = list(range(len(features)))
    random.shuffle(indices)
    batches = []
    for i in range(0, len(indices), batch_size):
        j = torch.tensor(indices[i:i + batch_size])
        batches.append((features[j], labels[j]))
    return batches
'''

NO_GRAD_SGD = '''def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()
'''

REBIND_SGD = '''def sgd(params, lr, batch_size):
    for param in params:
        param = param - lr * param.grad / batch_size
'''


EXAMPLES = [
    Example("solution", solution(), "the reference solution"),
    Example("blank", {}, "the release, untouched"),
    # Typical mistakes: each should lose points in its own part (and in training where it breaks it).
    Example("no-shuffle", solution(data_iter=mutate("data_iter", "    random.shuffle(indices)\n", "")),
            "data_iter reads the examples in their original order"),
    Example("drop-last", solution(data_iter=mutate("data_iter", "range(0, num_examples, batch_size)",
                                                   "range(0, num_examples - batch_size + 1, batch_size)")),
            "data_iter drops the last partial batch"),
    Example("with-replacement", solution(data_iter=mutate(
        "data_iter", "    random.shuffle(indices)\n",
        "    indices = [random.randrange(num_examples) for _ in indices]\n")),
        "data_iter samples examples with replacement"),
    Example("missing-bias", solution(linreg=mutate("linreg", "torch.mm(X, w) + b", "torch.mm(X, w)")),
            "linreg forgets the bias"),
    Example("missing-half", solution(squared_loss=mutate("squared_loss", " ** 2 / 2", " ** 2")),
            "squared_loss without the factor ½"),
    Example("loss-not-reshaped", solution(squared_loss=mutate("squared_loss", "y.view(y_hat.size())", "y")),
            "squared_loss does not reshape y, so (n, 1) − (n,) broadcasts to (n, n)"),
    Example("loss-mean", solution(squared_loss=mutate("squared_loss", "return (y_hat - y.view(y_hat.size())) ** 2 / 2",
                                                      "return ((y_hat - y.view(y_hat.size())) ** 2 / 2).mean()")),
            "squared_loss reduces the loss to its mean"),
    Example("sgd-no-batch-division", solution(sgd=mutate("sgd", " / batch_size", "")),
            "sgd does not divide by the batch size"),
    Example("sgd-rebind", solution(sgd=REBIND_SGD), "sgd rebinds a local name instead of updating the tensors"),
    Example("linreg-loop", solution(linreg=LOOP_LINREG), "linreg loops over the examples in Python"),
    # Correct answers in other styles: each must get full marks.
    Example("style-matmul", solution(linreg=mutate("linreg", "torch.mm(X, w) + b", "torch.matmul(X, w) + b")),
            "linreg with torch.matmul"),
    Example("style-at", solution(linreg=mutate("linreg", "torch.mm(X, w) + b", "X @ w + b")), "linreg with @"),
    Example("style-randperm", solution(data_iter=RANDPERM_DATA_ITER), "data_iter with torch.randperm and fancy indexing"),
    Example("style-list", solution(data_iter=LIST_DATA_ITER), "data_iter returns a list of batches"),
    Example("style-no-grad", solution(sgd=NO_GRAD_SGD), "sgd under torch.no_grad(), zeroing the gradients"),
]


# Loops over the examples, in every style that students write, and vectorised answers in other styles:
# the speed check must tell them apart however busy the grading machine is (tests/test_speed.py).
LINREG_LOOPS = {
    "list": '''def linreg(X, w, b):
    rows = []
    for i in range(len(X)):
        rows.append(X[i] @ w + b)
    return torch.stack(rows)
''',
    "tolist": '''def linreg(X, w, b):
    weights, bias = w.reshape(-1).tolist(), b.item()
    return torch.tensor([[sum(x * v for x, v in zip(row, weights)) + bias] for row in X.tolist()])
''',
    "numpy": '''def linreg(X, w, b):
    X_np, w_np, b_np = X.detach().numpy(), w.detach().numpy(), b.detach().numpy()
    y_hat = np.empty((len(X_np), 1), dtype=np.float32)
    for i in range(len(X_np)):
        y_hat[i] = X_np[i] @ w_np + b_np
    return torch.from_numpy(y_hat)
''',
    "map": '''def linreg(X, w, b):
    return torch.stack(list(map(lambda x: x @ w + b, X)))
''',
    "preallocated": '''def linreg(X, w, b):
    y_hat = torch.zeros(len(X), 1)
    for i in range(len(X)):
        y_hat[i] = X[i] @ w + b
    return y_hat
''',
}

LOSS_LOOPS = {
    "list": '''def squared_loss(y_hat, y):
    losses = []
    for i in range(len(y_hat)):
        losses.append((y_hat[i] - y[i]) ** 2 / 2)
    return torch.stack(losses)
''',
    "tolist": '''def squared_loss(y_hat, y):
    pairs = zip(y_hat.reshape(-1).tolist(), y.reshape(-1).tolist())
    return torch.tensor([[(a - b) ** 2 / 2] for a, b in pairs])
''',
    "numpy": '''def squared_loss(y_hat, y):
    a, b = y_hat.detach().numpy(), y.detach().numpy().reshape(-1)
    loss = np.empty_like(a)
    for i in range(len(a)):
        loss[i] = (a[i] - b[i]) ** 2 / 2
    return torch.from_numpy(loss)
''',
    "map": '''def squared_loss(y_hat, y):
    return torch.stack(list(map(lambda pair: (pair[0] - pair[1]) ** 2 / 2, zip(y_hat, y.view(y_hat.size())))))
''',
    "preallocated": '''def squared_loss(y_hat, y):
    loss = torch.empty_like(y_hat)
    for i in range(len(y_hat)):
        loss[i] = (y_hat[i] - y[i]) ** 2 / 2
    return loss
''',
}

SPEED_EXAMPLES = [
    *(Example(f"linreg-loop-{style}", solution(linreg=code), f"linreg loops over the examples ({style})")
      for style, code in LINREG_LOOPS.items()),
    *(Example(f"loss-loop-{style}", solution(squared_loss=code), f"squared_loss loops over the examples ({style})")
      for style, code in LOSS_LOOPS.items()),
    Example("solution", solution(), "the reference solution"),
    Example("vectorized-styles", solution(linreg="def linreg(X, w, b):\n    return (X * w.T).sum(1, keepdim=True) + b\n",
                                          squared_loss="def squared_loss(y_hat, y):\n    return 0.5 * (y_hat - y.reshape(y_hat.shape)) ** 2\n"),
            "linreg by elementwise product and sum, squared_loss with reshape and 0.5 *"),
    Example("vectorized-at-square", solution(linreg=mutate("linreg", "torch.mm(X, w) + b", "X @ w + b"),
                                             squared_loss="def squared_loss(y_hat, y):\n    return torch.square(y_hat - y.reshape(-1, 1)) / 2\n"),
            "linreg with @, squared_loss with torch.square"),
]
"""Submissions whose only question is speed: every loop must lose its speed check, every vectorised style keep it."""


def by_name(name: str) -> Example:
    return next(example for example in EXAMPLES if example.name == name)
