"""Figures for a part's report: plain data the checks collected, drawn as PNGs in the grader's process.

The checks describe a figure as a small dict of numbers (`training`, `visits`), kept in the part's results
beside the checks (JSON, like the rest); `render` draws it with matplotlib's Agg canvas, without pyplot, so
nothing global of matplotlib is touched. What the student's process sent is hostile data: every number is
checked and bounded here, before it is kept or drawn, and a list is cut to a few entries.
"""

from __future__ import annotations

import base64
import io
import math
import sys
from typing import Any

from .. import timing, words

MOST_EPOCHS = 20
MOST_PARAMS = 10
MOST_EXAMPLES = 1000
LOSS_RANGE = (1e-12, 1e12)
"""What a loss can be on the plot's log scale; a value outside is drawn at the edge, and named as it is in the legend."""


def training(losses: Any, reference_losses: list[float], w: Any, b: Any, true_w: list[float], true_b: float) -> dict:
    """The training part's figure: the mean loss after each epoch with the student's functions and with the
    reference's, and the w and b they learned, beside the true ones."""
    return {"kind": "training", "losses": _numbers(losses, MOST_EPOCHS), "reference_losses": _numbers(reference_losses, MOST_EPOCHS),
            "w": _numbers(w, MOST_PARAMS), "b": _numbers(b, MOST_PARAMS),
            "true_w": _numbers(true_w, MOST_PARAMS), "true_b": _numbers([true_b], 1)}


def visits(n: int, orders: list[list[int]]) -> dict:
    """data_iter's figure: the examples (0..n-1) that each epoch visited, in its order; an index outside is -1."""
    n = max(1, min(int(n), MOST_EXAMPLES))
    kept = []
    for order in orders[:4]:
        kept.append([i if 0 <= i < n else -1 for i in (_index(value) for value in list(order)[:2 * n])])
    return {"kind": "visits", "n": n, "orders": kept}


def _numbers(values: Any, most: int) -> list[float | None]:
    """At most `most` floats from a tensor, list or number; None for anything that is not a finite number."""
    if hasattr(values, "detach") and hasattr(values, "reshape"):
        try:
            values = values.detach().reshape(-1)[:most].tolist()
        except Exception:
            return []
    if isinstance(values, (int, float)):
        values = [values]
    if not isinstance(values, (list, tuple)):
        return []
    kept: list[float | None] = []
    for value in values[:most]:
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            number = math.nan
        kept.append(number if math.isfinite(number) else None)
    return kept


def _index(value: Any) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return -1
    return int(number) if math.isfinite(number) and number == int(number) else -1


def png_base64(figure: dict) -> str:
    """`render(figure)`, base64-encoded for a data: URL; timed as the stage 'figures' (matplotlib's import apart, once a process)."""
    if "matplotlib.backends.backend_agg" not in sys.modules:
        with timing.timed("figures import"):
            import matplotlib.backends.backend_agg  # noqa: F401 - imported here to be timed apart
    with timing.timed("figures"):
        return base64.b64encode(render(figure)).decode("ascii")


def render(figure: dict) -> bytes:
    """The PNG of a figure's data."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # Fixed margins, not a layout engine: laying out twice would double the cost of drawing.
    drawn = Figure(figsize=(7.6, 2.8), dpi=90)
    FigureCanvasAgg(drawn)
    if figure.get("kind") == "training":
        _draw_training(drawn, figure)
    elif figure.get("kind") == "visits":
        _draw_visits(drawn, figure)
    else:
        raise ValueError(f"no such figure: {figure.get('kind')!r}")
    # Drawn once, and the canvas's pixels encoded by Pillow (matplotlib's own dependency): `savefig` would draw it
    # all over again. No date or version in the file: the same data gives the same bytes in every grading process.
    from PIL import Image

    drawn.canvas.draw()
    out = io.BytesIO()
    Image.frombuffer("RGBA", drawn.canvas.get_width_height(), drawn.canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB").save(
        out, format="png", compress_level=6)
    return out.getvalue()


def _draw_training(drawn: Any, figure: dict) -> None:
    """The loss per epoch on a log scale, left; the learned and true parameters as a table, right (text costs less than a second plot)."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    loss_axes = drawn.add_axes((0.09, 0.17, 0.5, 0.72))
    low, high = LOSS_RANGE
    # The student's curve under the reference's, which is dashed: where they coincide, both stay visible.
    for key, label, style in [("losses", words.say("figure.training.yours"), dict(color="#e65100", marker="o", linewidth=3, markersize=8)),
                              ("reference_losses", words.say("figure.training.reference"),
                               dict(color="#1565c0", linestyle="--", marker="s", linewidth=1.5, markersize=4))]:
        values = figure.get(key) or []
        epochs = [k + 1 for k, value in enumerate(values) if value is not None]
        shown = [min(max(value, low), high) for value in values if value is not None]
        bad = len(values) - len(shown)
        text = label + (words.say("figure.training.not_a_number", count=bad) if bad else "")
        loss_axes.plot(epochs, shown, label=text, **style)
    loss_axes.set_yscale("log")
    loss_axes.yaxis.set_major_locator(LogLocator(numticks=5))
    loss_axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0e}"))  # plain text: no mathtext to parse
    loss_axes.yaxis.set_minor_locator(NullLocator())  # no minor ticks: each costs time to lay out and says little here
    loss_axes.set_xlabel(words.say("figure.training.epoch"), fontsize=9)
    loss_axes.set_ylabel(words.say("figure.training.loss"), fontsize=9)
    count = max(len(figure.get("losses") or []), len(figure.get("reference_losses") or []), 1)
    loss_axes.set_xticks(range(1, count + 1))
    loss_axes.set_xlim(0.7, count + 0.3)
    loss_axes.tick_params(labelsize=8)
    loss_axes.grid(True, alpha=0.3)
    loss_axes.legend(fontsize=8)
    loss_axes.set_title(words.say("figure.training.loss_title"), fontsize=10, y=1.0, pad=4)

    true_w, true_b = figure.get("true_w") or [], figure.get("true_b") or []
    w, b = figure.get("w") or [], figure.get("b") or []
    rows = [(f"w[{k}]", true_w[k], w[k] if k < len(w) else None) for k in range(len(true_w))]
    rows += [("b", true_b[0] if true_b else None, b[0] if b else None)]
    lines = [words.say("figure.training.params_title"), "",
             f"{'':6}{words.say('figure.training.true'):>9}{words.say('figure.training.learned'):>10}{words.say('figure.training.gap'):>10}"]
    for name, true, learned in rows:
        gap = abs(learned - true) if learned is not None and true is not None else None
        lines.append(f"{name:6}{_short(true):>9}{_short(learned):>10}{_short(gap, 2):>10}")
    if len(w) > len(true_w) or len(b) > 1:
        lines.append(words.say("figure.training.extra", w=len(w), b=len(b)))
    drawn.text(0.62, 0.86, "\n".join(lines), family="monospace", fontsize=8.5, va="top", ha="left")


def _short(value: float | None, digits: int = 4) -> str:
    return words.say("figure.training.missing") if value is None else f"{value:.{digits}g}"


def _draw_visits(drawn: Any, figure: dict) -> None:
    from matplotlib.colors import ListedColormap

    n, orders = figure["n"], figure["orders"]
    drawn.subplots_adjust(left=0.08, right=0.98, bottom=0.13, top=0.92, hspace=0.75)
    order_axes, count_axes = drawn.subplots(2, 1, height_ratios=[2.2, 1])
    colors = ["#1565c0", "#e65100", "#2e7d32", "#6a1b9a"]
    for k, order in enumerate(orders):
        # Each epoch's dots smaller than the one's before: where two epochs visit alike, both stay visible.
        order_axes.scatter(range(len(order)), order, s=max(16 - 9 * k, 4), color=colors[k % len(colors)],
                           label=words.say("figure.visits.epoch", epoch=k + 1))
    order_axes.set_xlim(-1, max([n] + [len(order) for order in orders]))
    order_axes.set_ylim(-2, n + 1)
    order_axes.set_xlabel(words.say("figure.visits.position"), fontsize=8)
    order_axes.set_ylabel(words.say("figure.visits.example"), fontsize=8)
    order_axes.legend(fontsize=7, loc="upper left", markerscale=1.5, framealpha=0.95)
    order_axes.set_title(words.say("figure.visits.order_title", n=n), fontsize=10, y=1.0, pad=4)
    order_axes.tick_params(labelsize=7)

    counts = [[0] * n for _ in orders]
    for row, order in zip(counts, orders):
        for i in order:
            if i >= 0:
                row[i] += 1
    shown = [[min(count, 2) for count in row] for row in counts]
    palette = ListedColormap(["#c62828", "#a5d6a7", "#283593"])
    count_axes.imshow(shown, aspect="auto", cmap=palette, vmin=0, vmax=2, interpolation="nearest", extent=(-0.5, n - 0.5, len(orders) + 0.5, 0.5))
    count_axes.set_yticks(range(1, len(orders) + 1), [words.say("figure.visits.epoch", epoch=k + 1) for k in range(len(orders))], fontsize=7)
    count_axes.set_xlabel(words.say("figure.visits.example"), fontsize=8)
    count_axes.tick_params(labelsize=7)
    missed = sum(row.count(0) for row in counts)
    repeated = sum(sum(1 for count in row if count > 1) for row in counts)
    count_axes.set_title(words.say("figure.visits.count_title", missed=missed, repeated=repeated), fontsize=9, y=1.0, pad=4)
