"""Hidden checks of `data_iter(batch_size, features, labels)` (grade cell `test_data_iter`, 20 points)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest
import torch

from autograder import words
from autograder.checking import figures
from autograder.checking.student import Student
from autograder.checking.verdicts import CheckFailed, expect, show


def numbered(n: int, d: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Features whose column 0 is the example's index, and labels 10·index + 0.5, so every batch can be traced."""
    features = torch.randn(n, d, generator=torch.Generator().manual_seed(n * 31 + d))
    features[:, 0] = torch.arange(n, dtype=torch.float32)
    return features, torch.arange(n, dtype=torch.float32) * 10 + 0.5


def batches(student: Student, n: int, d: int, batch_size: int, seed: int = 0) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """All batches of one epoch, after checking that each is a pair (X, y) of tensors."""
    features, labels = numbered(n, d)
    called = words.say("check.test_data_iter.batches.called", batch_size=batch_size, n=n, d=d)
    items = student.call("data_iter", [batch_size, features, labels], called, materialize=True, seed=seed)["value"]
    rows = sum(item[0].shape[0] for item in items if isinstance(item, tuple) and item and isinstance(item[0], torch.Tensor) and item[0].dim())
    expect(rows <= 2 * n, words.failure(words.say("check.test_data_iter.batches.too_many", called=called, rows=rows, n=n),
                                        hint=words.say("check.test_data_iter.batches.too_many_hint")))
    for k, item in enumerate(items):
        pair = isinstance(item, tuple) and len(item) == 2 and all(isinstance(t, torch.Tensor) for t in item)
        expect(pair, words.failure(words.say("check.test_data_iter.batches.not_a_pair", called=called, k=k, got=show(item)),
                                   hint=words.say("check.test_data_iter.batches.not_a_pair_hint")))
        X, y = item
        expect(X.dim() == 2 and X.shape[1] == d and y.shape[:1] == X.shape[:1],
               words.say("check.test_data_iter.batches.bad_shapes", called=called, k=k, d=d, x_shape=tuple(X.shape), y_shape=tuple(y.shape)))
    return items


def indices(items: list) -> list[int]:
    """The example indices in the order the batches visit them."""
    return [int(i) for X, _ in items for i in X[:, 0].tolist()]


def show_visits(student: Student, figure: Callable[[dict], None]) -> None:
    """Keep, for a failed check, the figure of the examples that two epochs visited (n=103, batch_size=10):
    two more calls, made only when a check has failed; none if data_iter does not give batches."""
    try:
        orders = [indices(batches(student, 103, 2, 10, seed=seed)) for seed in (1, 2)]
    except (CheckFailed, ValueError, OverflowError):
        return
    figure(figures.visits(103, orders))


@pytest.mark.points(2)
def test_yields_pairs_of_tensors(student: Student) -> None:
    """Does data_iter yield pairs (X, y) of tensors?"""
    expect(len(batches(student, 1000, 2, 10)) > 0, words.say("check.test_data_iter.test_yields_pairs_of_tensors.no_batch"))


@pytest.mark.points(3)
def test_batch_sizes(student: Student) -> None:
    """Are the batches batch_size examples each, but for a smaller last one?"""
    for n, batch_size in [(103, 10), (100, 25)]:
        sizes = [len(X) for X, _ in batches(student, n, 2, batch_size)]
        expected = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
        expect(sorted(sizes, reverse=True) == expected, words.failure(
            words.say("check.test_data_iter.test_batch_sizes.wrong", batch_size=batch_size, n=n, expected=expected, sizes=sizes),
            hint=words.say("check.test_data_iter.test_batch_sizes.wrong_hint")))


@pytest.mark.points(3)
def test_every_example_appears(student: Student, figure: Callable[[dict], None]) -> None:
    """Does every example appear in an epoch, also when batch_size does not divide their number?"""
    seen = set(indices(batches(student, 103, 2, 10)))
    missing = sorted(set(range(103)) - seen)
    if missing:
        show_visits(student, figure)
    expect(not missing, words.failure(
        words.say("check.test_data_iter.test_every_example_appears.missing", missing=missing[:10], count=len(missing)),
        hint=words.say("check.test_data_iter.test_every_example_appears.missing_hint")))


@pytest.mark.points(2)
def test_no_example_repeated(student: Student, figure: Callable[[dict], None]) -> None:
    """Does every example appear only once in an epoch (without replacement)?"""
    order = indices(batches(student, 103, 2, 10))
    repeated = sorted(i for i, times in Counter(order).items() if times > 1)
    if repeated:
        show_visits(student, figure)
    expect(not repeated, words.failure(words.say("check.test_data_iter.test_no_example_repeated.repeated", repeated=repeated[:10]),
                                       hint=words.say("check.test_data_iter.test_no_example_repeated.repeated_hint")))


@pytest.mark.points(3)
def test_features_and_labels_stay_paired(student: Student) -> None:
    """Does every batch keep each example's features beside its own label?"""
    for k, (X, y) in enumerate(batches(student, 103, 3, 10)):
        wrong = (y != X[:, 0] * 10 + 0.5).nonzero().reshape(-1).tolist()
        if wrong:
            row = wrong[0]
            raise CheckFailed(words.failure(
                words.say("check.test_data_iter.test_features_and_labels_stay_paired.unpaired",
                          k=k, row=row, label=y[row].item(), expected=X[row, 0].item() * 10 + 0.5),
                hint=words.say("check.test_data_iter.test_features_and_labels_stay_paired.unpaired_hint")))


@pytest.mark.points(3)
def test_order_is_random(student: Student, figure: Callable[[dict], None]) -> None:
    """Are the examples read in a random order (shuffled)?"""
    order = indices(batches(student, 103, 2, 10))
    if order == sorted(order):
        show_visits(student, figure)
    expect(order != sorted(order), words.failure(words.say("check.test_data_iter.test_order_is_random.in_order"),
                                                 hint=words.say("check.test_data_iter.test_order_is_random.in_order_hint")))


@pytest.mark.points(2)
def test_order_differs_between_epochs(student: Student, figure: Callable[[dict], None]) -> None:
    """Do two calls (two epochs) read the examples in different orders?"""
    first = indices(batches(student, 103, 2, 10, seed=1))
    second = indices(batches(student, 103, 2, 10, seed=2))
    if first == second:
        figure(figures.visits(103, [first, second]))  # the very epochs of the picture: no call more
    expect(first != second, words.failure(words.say("check.test_data_iter.test_order_differs_between_epochs.same_order"),
                                          hint=words.say("check.test_data_iter.test_order_differs_between_epochs.same_order_hint")))


@pytest.mark.points(2)
def test_uses_its_arguments(student: Student) -> None:
    """Does data_iter use only the tensors it is given, not the notebook's globals (n=37, 5 features, batch_size=4)?"""
    items = batches(student, 37, 5, 4)
    features, _ = numbered(37, 5)
    for k, (X, _) in enumerate(items):
        rows = X[:, 0].long().clamp(0, 36)
        if not torch.equal(X, features[rows]):
            raise CheckFailed(words.failure(words.say("check.test_data_iter.test_uses_its_arguments.other_rows", k=k),
                                            hint=words.say("check.test_data_iter.test_uses_its_arguments.other_rows_hint")))
