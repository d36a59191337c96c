"""The class report's figures: histograms drawn with matplotlib's Agg renderer, as PNG data to embed in the page.

No pyplot: a `Figure` of its own draws without a window or global state. Labels are grade ids and
numbers, never a student's text; mathtext is off, so that a `$` in a name is only a character.
"""

from __future__ import annotations

import base64
import io
import math

import matplotlib
from matplotlib.figure import Figure

BLUE, GREY = "#3b6ea8", "#8a8a8a"


def png(figure: Figure) -> str:
    """The figure as a `data:` URL of a PNG, for an <img> that needs nothing but the page."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def score_histogram(scores: list[float], possible: float, title: str, axes=None, width: float = 7.0) -> Figure | None:
    """How many students got each score, in bins of about a tenth of `possible`, in whole points."""
    figure = None
    if axes is None:
        figure = Figure(figsize=(width, 2.8))
        figure.subplots_adjust(left=0.08, right=0.98, bottom=0.17, top=0.9)
        axes = figure.subplots()
    step = float(max(1, round(possible / 10)))
    edges = [i * step for i in range(math.ceil(possible / step) + 1)] if possible > 0 else [0.0, 1.0]
    if edges[-1] < possible:
        edges.append(possible)
    edges[-1] += 1e-9  # full marks fall in the last bin
    with matplotlib.rc_context({"text.parse_math": False}):
        axes.hist(scores, bins=edges, color=BLUE, edgecolor="white")
        axes.set_title(title, fontsize=10)
        axes.set_xlim(0, max(possible, 1))
        axes.set_xlabel("points", fontsize=8)
        axes.set_ylabel("students", fontsize=8)
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.tick_params(labelsize=8)
    return figure


def part_histograms(part_scores: dict[str, list[float]], points: dict[str, float]) -> Figure:
    """One histogram per part, side by side, three to a row."""
    columns = 3
    rows = max(1, math.ceil(len(part_scores) / columns))
    figure = Figure(figsize=(10, 2.6 * rows))
    # Margins by hand: the constrained layout would draw every figure twice, the slowest part of the report.
    figure.subplots_adjust(left=0.06, right=0.98, bottom=0.5 / (2.6 * rows), top=1 - 0.35 / (2.6 * rows), wspace=0.28, hspace=0.55)
    grid = figure.subplots(rows, columns, squeeze=False)
    for axes, (part, scores) in zip(grid.flat, part_scores.items(), strict=False):
        score_histogram(scores, points[part], f"{part} ({points[part]:g} points)", axes)
    for axes in list(grid.flat)[len(part_scores):]:
        axes.set_visible(False)
    return figure


def time_histogram(seconds: list[float]) -> Figure:
    """How many submissions took each grading time."""
    figure = Figure(figsize=(7.0, 2.8))
    figure.subplots_adjust(left=0.08, right=0.98, bottom=0.17, top=0.95)
    axes = figure.subplots()
    with matplotlib.rc_context({"text.parse_math": False}):
        axes.hist(seconds, bins=min(20, max(5, len(seconds) // 2)), color=GREY, edgecolor="white")
        axes.set_xlabel("seconds of grading per submission", fontsize=8)
        axes.set_ylabel("submissions", fontsize=8)
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.tick_params(labelsize=8)
    return figure
