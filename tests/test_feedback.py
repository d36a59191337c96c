"""The reports' figures and the feedback pages, on the course that real nbgrader graded (the session's `graded_course`)."""

from __future__ import annotations

import base64
import json
import math
import time
from pathlib import Path

import pytest
import torch

from autograder import assignment, feedback, words
from autograder.checking import figures
from autograder.checking.results import PartResult
from autograder.submission.notebook import CHECKS_MIME

PNG = b"\x89PNG\r\n\x1a\n"


def report(root: Path, student: str, part: str) -> dict:
    """The report output (its mime bundle) that the hidden checks wrote into a grade cell of the graded notebook."""
    nb = json.loads((root / "autograded" / student / assignment.NAME / f"{assignment.NOTEBOOK}.ipynb").read_text())
    cell = assignment.find_cell(nb, part)
    data = next(output["data"] for output in cell["outputs"] if CHECKS_MIME in output.get("data", {}))
    # A text of the notebook's file may be a list of lines (nbformat's multiline strings).
    return {mime: "".join(value) if isinstance(value, list) else value for mime, value in data.items()}


def images(html: str) -> list[bytes]:
    """The PNGs embedded in a report's HTML."""
    found = []
    for piece in html.split("data:image/png;base64,")[1:]:
        found.append(base64.b64decode(piece.split("'", 1)[0]))
    return found


def page(root: Path, student: str) -> str:
    return (root / "feedback" / student / assignment.NAME / f"{assignment.NOTEBOOK}.html").read_text()


def test_training_report_shows_the_loss_and_the_parameters(graded_course: Path) -> None:
    """A squared_loss that averages learns too slowly: its report holds the figure's data, the reference's run beside it, and the PNG."""
    data = report(graded_course, "loss-mean", "test_training")
    [figure] = data[CHECKS_MIME]["figures"]
    assert figure["kind"] == "training"
    assert len(figure["losses"]) == len(figure["reference_losses"]) == 3
    assert all(isinstance(value, float) and value > 0 for value in figure["losses"] + figure["reference_losses"])
    assert figure["losses"][-1] > 100 * figure["reference_losses"][-1]  # it learns, but far slower than the book's
    assert len(figure["w"]) == len(figure["true_w"]) == 2 and len(figure["b"]) == len(figure["true_b"]) == 1
    assert max(abs(w - t) for w, t in zip(figure["w"], figure["true_w"])) > 0.02  # as far as the check that failed says
    [png] = images(data["text/html"])
    assert png.startswith(PNG) and len(png) > 5_000
    assert words.say("figure.training.caption") in data["text/plain"]


def test_a_correct_answer_draws_the_reference_curve(graded_course: Path) -> None:
    """With the reference's functions, the student's run is the reference's: the same batches, the same losses."""
    [figure] = report(graded_course, "solution", "test_training")[CHECKS_MIME]["figures"]
    assert figure["losses"] == pytest.approx(figure["reference_losses"], rel=1e-4)
    assert figure["w"] == pytest.approx(figure["true_w"], abs=0.02)
    assert not report(graded_course, "solution", "test_data_iter")[CHECKS_MIME]["figures"]  # no picture when data_iter passes


@pytest.mark.parametrize("student", ["no-shuffle", "drop-last", "with-replacement"])
def test_a_wrong_data_iter_shows_the_examples_it_visited(graded_course: Path, student: str) -> None:
    """Does a failed data_iter check show, as a picture, which examples two epochs visited (n=103, batch_size=10)?"""
    data = report(graded_course, student, "test_data_iter")
    [figure] = data[CHECKS_MIME]["figures"]
    assert figure["kind"] == "visits" and figure["n"] == 103 and len(figure["orders"]) == 2
    first, second = figure["orders"]
    if student == "no-shuffle":
        assert first == second == list(range(103))
    elif student == "drop-last":
        for order in (first, second):  # the last, smaller batch of the shuffled order is dropped: 3 examples never seen
            assert len(order) == len(set(order)) == 100
    else:
        assert len(first) == 103 and len(set(first)) < 103  # drawn with replacement: some twice, some never
    [png] = images(data["text/html"])
    assert png.startswith(PNG)
    assert words.say("figure.visits.caption", n=103) in page(graded_course, student)


def test_feedback_page_holds_the_figures(graded_course: Path) -> None:
    """Are the very PNGs of the graded notebook's reports in the student's feedback page?"""
    html = page(graded_course, "loss-mean")
    for part in ("test_training",):
        encoded = report(graded_course, "loss-mean", part)["text/html"].split("data:image/png;base64,")[1].split("'")[0]
        assert encoded in html


@pytest.mark.parametrize("student", ["loss-mean", "no-shuffle", "solution"])
def test_feedback_page_names_the_parts_and_embeds_its_mathjax(graded_course: Path, student: str) -> None:
    """The summary links name each part; no grade cell ends in nbgrader's bare score value; formulas need no CDN;
    and nothing of the hidden checks' code is on the page."""
    html = page(graded_course, student)
    assert "Test cell" not in html
    for part in assignment.PARTS:
        assert f'href="#{part.grade_id}">{words.part_name(part.grade_id)}</a>' in html
    for cell in html.split('<div class="cell border-box-sizing')[1:]:
        if "Grade cell:" in cell:
            assert "Out[" not in cell and "output_execute_result" not in cell
    assert "cdnjs" not in html and "mathjax/2.7" not in html
    assert "window.MathJax = " in html and feedback.mathjax()[-2000:] in html  # the whole script, inline
    assert "$$\\hat{y} = x_1 w_1 + x_2 w_2 + b.$$" in html  # the lesson's formulas, left for it to typeset
    for secret in ["autograder", "def test_", "probes", "reference.train", "BEGIN HIDDEN", "manual_seed(2027"]:
        assert secret not in html, secret


HOSTILE = [
    ["nan", float("inf"), -1e300, None, "1e3", [1], 1e-40] + [0.5] * 100,  # a forged answer: anything, and too long
    torch.tensor([float("nan"), 2.0]),
    {"not": "a list"},
    "0.1",
    [],
]


@pytest.mark.parametrize("losses", HOSTILE, ids=["mixed", "tensor", "dict", "string", "empty"])
def test_figures_take_only_bounded_numbers(losses: object) -> None:
    """Whatever the student's process sends, the figure's data is a few finite numbers or None, and it draws."""
    figure = figures.training(losses, [0.01, 1e-4, 5e-5], torch.full((500, 1), float("inf")), "b", [2.0, -3.4], 4.2)
    assert len(figure["losses"]) <= figures.MOST_EPOCHS and len(figure["w"]) <= figures.MOST_PARAMS and figure["b"] == []
    assert all(value is None or (isinstance(value, float) and math.isfinite(value)) for value in figure["losses"] + figure["w"])
    json.dumps(figure, allow_nan=False)
    assert figures.render(figure).startswith(PNG)
    visits = figures.visits(103, [[float("nan"), 1e30, -5, 3.5, 7, "x"] * 100, list(range(103))])
    assert visits["orders"][0][:6] == [-1, -1, -1, -1, 7, -1] and len(visits["orders"][0]) == 206
    assert figures.render(visits).startswith(PNG)


def test_a_figure_that_cannot_be_drawn_costs_only_itself() -> None:
    """A figure that fails to draw is left out of the report; the report and its other figures stay."""
    from autograder.pipeline.hidden_checks import report_outputs

    part = PartResult("test_training", figures=[{"kind": "no such figure"}, figures.visits(10, [list(range(10))])])
    shown, score = report_outputs(part)
    assert len(images(shown.data["text/html"])) == 1 and score.data["text/plain"] == "0"


def test_drawing_costs(capsys: pytest.CaptureFixture) -> None:
    """How long drawing each figure takes, once matplotlib is imported (printed, not asserted)."""
    training = figures.training([0.03, 2e-4, 5e-5], [0.03, 2e-4, 5e-5], [2.0, -3.4], [4.2], [2.0, -3.4], 4.2)
    visits = figures.visits(103, [list(range(103)), list(range(103))[::-1]])
    figures.render(training)
    for name, figure in [("training", training), ("visits", visits)]:
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(5):
            figures.render(figure)
        with capsys.disabled():
            print(f"\n{name} figure: {(time.process_time() - cpu) / 5 * 1000:.0f} ms CPU, {(time.perf_counter() - wall) / 5 * 1000:.0f} ms wall each")
