"""The reference solution of the linear-regression lesson, as the book writes it.

The blanks of the notebook (`data_iter`, `linreg`, `squared_loss`, `sgd`) must stay
identical to the functions here: `tests/test_reference.py` compares them.
"""

import random

import numpy as np
import torch

SEED = 0
TRUE_W = [2, -3.4]
TRUE_B = 4.2
NUM_EXAMPLES = 1000
LR = 0.03
NUM_EPOCHS = 3
BATCH_SIZE = 10


def seed_everything(seed: int = SEED) -> None:
    """Seed torch, random and numpy, so that every run prints the same numbers."""
    torch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed)


def synthetic_data(w: list[float], b: float, num_examples: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Features X (num_examples, len(w)) ~ N(0, 1) and labels y = Xw + b + N(0, 0.01²) of shape (num_examples,)."""
    features = torch.randn(num_examples, len(w), dtype=torch.float32)
    labels = sum(w[j] * features[:, j] for j in range(len(w))) + b
    labels += torch.tensor(np.random.normal(0, 0.01, size=labels.size()), dtype=torch.float32)
    return features, labels


def data_iter(batch_size, features, labels):
    """Yield (X, y) mini-batches: X (batch_size, d), y (batch_size,), every example once, in random order.

    The last batch is smaller when batch_size does not divide the number of examples.
    """
    num_examples = len(features)
    indices = list(range(num_examples))
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        j = torch.LongTensor(indices[i: min(i + batch_size, num_examples)])
        yield features.index_select(0, j), labels.index_select(0, j)


def linreg(X, w, b):
    """Predictions Xw + b of shape (n, 1), for X (n, d), w (d, 1) and b (1,)."""
    return torch.mm(X, w) + b


def squared_loss(y_hat, y):
    """Per-example loss ½(ŷ − y)², shape of y_hat, not reduced; y of shape (n,) or (n, 1)."""
    return (y_hat - y.view(y_hat.size())) ** 2 / 2


def sgd(params, lr, batch_size):
    """Update every tensor of params in place: param -= lr * param.grad / batch_size."""
    for param in params:
        param.data -= lr * param.grad / batch_size


def init_params(num_inputs: int) -> tuple[torch.Tensor, torch.Tensor]:
    """w ~ N(0, 0.01²) of shape (num_inputs, 1) and b = 0 of shape (1,), both requiring gradients."""
    w = torch.tensor(np.random.normal(0, 0.01, (num_inputs, 1)), dtype=torch.float32, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float32, requires_grad=True)
    return w, b


def train(features, labels, w, b, lr, num_epochs, batch_size):
    """Mini-batch SGD on (w, b) in place; returns the mean training loss after each epoch."""
    net, loss = linreg, squared_loss
    epoch_losses = []
    for _ in range(num_epochs):
        for X, y in data_iter(batch_size, features, labels):
            l = loss(net(X, w, b), y).sum()
            l.backward()
            sgd([w, b], lr, batch_size)
            # Set to None rather than zeroed, so the loop works whether sgd zeroed them or not.
            w.grad, b.grad = None, None
        with torch.no_grad():
            epoch_losses.append(loss(net(features, w, b), labels).mean().item())
    return epoch_losses


def run(seed: int = SEED) -> tuple[torch.Tensor, torch.Tensor, list[float]]:
    """The whole from-scratch part of the notebook: data, parameters, training; returns w, b, losses."""
    seed_everything(seed)
    features, labels = synthetic_data(TRUE_W, TRUE_B, NUM_EXAMPLES)
    # The notebook re-seeds here, so its visible checks cannot shift the training's random numbers.
    seed_everything(seed)
    w, b = init_params(len(TRUE_W))
    losses = train(features, labels, w, b, LR, NUM_EPOCHS, BATCH_SIZE)
    return w, b, losses
