"""The student's flow in a real browser: JupyterLab with nbgrader's lab extension, in headless Chromium.

1. the release as it is: Run All stops at the first visible check, which says `data_iter 还没有实现`;
2. the reference's four answers typed into the blanks: every visible check prints its ✓ lines, training
   prints its losses and shows the plots, and nbgrader's Validate button says the notebook passes;
3. one blank wrong (linreg without `+ b`): Validate names that cell, in a few lines, and the training check
   names the real cause;
4. that student's feedback HTML, made here by nbgrader: each part's score and per-check report, no hidden code.

One JupyterLab server and one browser serve the whole module. Screenshots of each step are kept under
`$LINREG_ARTEFACTS/browser/` (default `artefacts/browser/` in the repository, git-ignored); the folder and the
module's time are printed at the end. Without Chromium (`apt-get install chromium`; see the README) or
Playwright for Python, the module is skipped with one line saying so.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from pathlib import Path

import nbformat
import pytest

from autograder import course, paths
from autograder.assignment import BLANKS, NAME, NOTEBOOK, RELEASE_NOTEBOOK
from autograder.checks import reference
from autograder.dev.examples import by_name, solution

from . import browser as lab_page
from .conftest import FAST

WRONG = "missing-bias"
"""The example with one blank wrong: linreg returns Xw, without + b."""
ARTEFACTS = Path(os.environ.get("LINREG_ARTEFACTS", paths.ROOT / "artefacts")) / "browser"


def report(request: pytest.FixtureRequest, line: str) -> None:
    """A line in pytest's own output, shown with or without -s (output capture is suspended for it)."""
    with request.config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
        request.config.pluginmanager.get_plugin("terminalreporter").write_line(line)


def why_no_browser() -> str | None:
    """Why the browser test cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser test skipped: Playwright for Python is not installed (pip install -e '.[dev]')"
    if lab_page.find_chromium() is None:
        return "browser test skipped: no Chromium (apt-get install chromium, or set CHROMIUM=/path/to/chrome)"
    return None


if why_no_browser():
    pytest.skip(why_no_browser(), allow_module_level=True)  # one line for the module, not one per test


@pytest.fixture(scope="module")
def chromium(request: pytest.FixtureRequest) -> str:
    started = time.monotonic()
    yield lab_page.find_chromium()
    report(request, f"browser test: {time.monotonic() - started:.1f} s; screenshots in {ARTEFACTS}")


@pytest.fixture(scope="module", autouse=True)  # autouse: started with the module, graded while the browser works
def feedback_course(tmp_path_factory: pytest.TempPathFactory, chromium: str):
    """A function giving a course in which nbgrader graded the `missing-bias` example and wrote its feedback: a course
    of that one submission, graded in a thread while the browser does the other steps (not the session's shared
    graded course, which, with the suite in two processes, is graded in the other one)."""
    root = course.released(tmp_path_factory.mktemp("feedback") / "course", FAST)
    notebook = by_name(WRONG).write(tmp_path_factory.mktemp("notebook") / f"{WRONG}.ipynb")
    failure: list[BaseException] = []

    def grade() -> None:
        try:
            course.submit(root, WRONG, notebook)
            course.nbgrader(root, "autograde", NAME)
            course.nbgrader(root, "generate_feedback", NAME)
        except BaseException as error:  # noqa: BLE001 (raised again in the test that needs it)
            failure.append(error)

    job = threading.Thread(target=grade, daemon=True)
    job.start()

    def done(_: pytest.FixtureRequest) -> Path:
        job.join()
        if failure:
            raise failure[0]
        return root

    return done


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, chromium: str):
    """JupyterLab serving a copy of release/linear_regression/."""
    base = tmp_path_factory.mktemp("lab")
    served = base / NAME
    shutil.copytree(RELEASE_NOTEBOOK.parent, served, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    server = lab_page.start_lab(base, served)
    yield server
    lab_page.stop_lab(server)


@pytest.fixture(scope="module")
def browser(chromium: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=chromium, headless=True, args=lab_page.CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    yield opened
    context.close()


@pytest.fixture
def shot(request: pytest.FixtureRequest):
    """shot(page, "name") keeps a screenshot under ARTEFACTS/<test name>/, numbered in the order taken."""
    folder = ARTEFACTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    taken: list[Path] = []

    def take(page, name: str, full_page: bool = False, locator=None) -> None:
        path = folder / f"{len(taken) + 1:02d}-{name}.png"
        (locator or page).screenshot(path=str(path), **({} if locator else {"full_page": full_page}))
        taken.append(path)

    return take


def squeeze(text: str) -> str:
    """text without its white space: the checks' sentences are folded into lines of the dialog's width."""
    return re.sub(r"\s+", "", text)


def check_cells(cells: dict[int, dict]) -> dict[str, dict]:
    """The visible check cells, by the function of visible_checks.py that each one calls."""
    found = {}
    for cell in cells.values():
        for line in cell["input"].splitlines():
            if line.startswith("check_"):
                found[line.split("(")[0]] = cell
    return found


def test_release_run_all_stops_at_data_iter(lab, page, shot) -> None:
    """Run All on the release: is the first check's one sentence, not a traceback into torch, what the student sees?"""
    lab_page.open_notebook(page, lab, f"{NOTEBOOK}.ipynb")
    lab_page.menu_item(page, "Run", "runmenu:run-all").click()
    lab_page.wait_idle(page)
    check = lab_page.find_cell(page, "check_data_iter(data_iter)")
    out = check.locator(".jp-OutputArea").text_content()
    print("first visible check's output:\n" + out)
    assert "NotImplementedError: data_iter 还没有实现" in out
    assert "site-packages" not in out and "torch/" not in out and "visible_checks.py:" not in out, out
    assert len(out.strip().splitlines()) < 12, out
    check.locator(".jp-OutputArea").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    shot(page, "release-run-all")


def test_solution_typed_in_runs_and_validates(lab, page, shot) -> None:
    """The reference's answers typed into the four blanks: does every check print ✓, training run and plot, Validate pass?"""
    (lab.root / "typed.ipynb").write_bytes(RELEASE_NOTEBOOK.read_bytes())
    lab_page.open_notebook(page, lab, "typed.ipynb")
    answers = solution()
    assert set(answers) == set(BLANKS)
    started = time.monotonic()
    for name in BLANKS:  # sgd typed key by key, the others pasted
        cell = lab_page.find_cell(page, f"def {name}(")
        lab_page.type_into_cell(page, cell, answers[name], paste=name != "sgd")
        assert lab_page.editor_text(cell) == answers[name].strip(), f"typed {name} differs:\n{lab_page.editor_text(cell)}"
    print(f"put in the four answers in {time.monotonic() - started:.1f} s")
    shot(page, "typed-sgd")

    # The notebook tells the student to run it all from the Kernel menu: is that entry's name JupyterLab's own?
    label = lab_page.menu_item(page, "Kernel", "runmenu:restart-and-run-all").locator(".lm-Menu-itemLabel").inner_text()
    title = "".join(nbformat.read(RELEASE_NOTEBOOK, as_version=4).cells[0].source)
    assert f"Kernel → {label}" in title, f"the notebook does not name JupyterLab's menu entry {label!r}"
    page.keyboard.press("Escape")
    lab_page.menu_item(page, "Run", "runmenu:run-all").click()  # the kernel is fresh: no need to restart it
    lab_page.wait_idle(page)
    cells = lab_page.all_cells(page)
    errors = {i: c["output"][-300:] for i, c in cells.items() if c["errors"]}
    assert not errors, f"cells with errors: {errors}"
    checks = check_cells(cells)
    assert set(checks) == {"check_data_iter", "check_linreg", "check_squared_loss", "check_sgd", "check_training_finished",
                           "check_learned", "check_vectorized"}, sorted(checks)
    for name, cell in checks.items():
        assert cell["output"].count("✓") >= 2 and "✗" not in cell["output"], (name, cell["output"])
    outputs = "\n".join(c["output"] for c in cells.values())
    assert all(f"epoch {k}, loss" in outputs for k in (1, 2, 3))
    assert "✓ linreg 是矢量化的" in outputs and "✓ squared_loss 是矢量化的" in outputs
    assert sum(c["images"] for c in cells.values()) >= 2  # the scatter plot and the loss curve
    lab_page.find_cell(page, "check_data_iter(data_iter)").locator(".jp-OutputArea").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    shot(page, "solution-data-iter-check")
    lab_page.find_cell(page, "plt.semilogy").locator(".jp-OutputArea img").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    shot(page, "solution-training")

    started = time.monotonic()
    dialog = lab_page.validate(page)
    print(f"Validate took {time.monotonic() - started:.1f} s")
    message = dialog.locator("#validation-message")
    assert message.inner_text().strip() == "Success! Your notebook passes all the tests."
    assert message.evaluate("el => el.classList.contains('validation-success')")
    shot(page, "validate-success")
    dialog.locator(".jp-mod-accept").click()


def test_validate_names_the_wrong_blank(lab, page, shot) -> None:
    """linreg without + b: does Validate name the linreg check, a few lines of it, and the training check the cause?"""
    by_name(WRONG).write(lab.root / f"{WRONG}.ipynb")
    lab_page.open_notebook(page, lab, f"{WRONG}.ipynb")
    started = time.monotonic()
    dialog = lab_page.validate(page)
    print(f"Validate took {time.monotonic() - started:.1f} s")
    message = dialog.locator("#validation-message")
    assert message.evaluate("el => el.classList.contains('validation-failed')")
    text = message.inner_text()
    print(f"Validate dialog ({len(text)} characters):\n{text}")
    failed = message.locator("> div.jp-RenderedText > pre").all_inner_texts()  # a cell's source, its error, …
    sources, errors = failed[0::2], [squeeze(error) for error in failed[1::2]]
    assert text.count("The following cell failed:") == len(sources) >= 1
    for source in sources:
        assert len(source.strip().splitlines()) <= 10, f"a check cell of {len(source.splitlines())} lines:\n{source}"
    linreg = [error for source, error in zip(sources, errors) if "check_linreg(linreg)" in source]
    assert len(linreg) == 1, sources
    assert all(squeeze(part) in linreg[0] for part in ("期望 (expected): [[-0.5], [-0.5]]", "实际 (got): [[-1.0], [-1.0]]",
                                                       "少了偏差 b")), linreg[0]
    assert not any("check_data_iter" in s or "check_squared_loss" in s or "check_sgd" in s for s in sources), sources
    training = [error for source, error in zip(sources, errors) if "check_training_finished" in source]
    assert training and squeeze("b.grad 是 None") in training[0] and squeeze("少了 + b") in training[0], training
    assert "请先完成" not in training[0]  # all four blanks are filled: not "fill them in"
    cut = message.locator("pre").evaluate_all("els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)")
    assert not cut, f"cut off on the right in the dialog: {cut}"
    body = dialog.locator(".jp-Dialog-body")
    height, shown = body.evaluate("el => [el.scrollHeight, el.clientHeight]")
    print(f"dialog: {height} px of content in {shown} px")
    shot(page, "validate-failure", locator=dialog.locator(".jp-Dialog-content"))
    message.locator("pre").last.scroll_into_view_if_needed()  # the training check's error, at the bottom
    shot(page, "validate-failure-training", locator=dialog.locator(".jp-Dialog-content"))
    dialog.locator(".jp-mod-accept").click()


def hidden_lines() -> set[str]:
    """Lines (over 20 characters) of the hidden checks and of the reference's function bodies that the student's notebook does not hold."""
    lines = set()
    for path in paths.CHECKS.rglob("*.py"):
        lines |= {line.strip() for line in path.read_text().splitlines()}
    for name in BLANKS:
        lines |= {line.strip() for line in solution()[name].split('"""')[-1].splitlines()}
    shown = "\n".join([cell.source for cell in nbformat.read(RELEASE_NOTEBOOK, as_version=4).cells]
                      + list(by_name(WRONG).answers.values()))
    return {line for line in lines if len(line) > 20 and line not in shown}


def test_feedback_shows_scores_and_checks(request, feedback_course, page, shot) -> None:
    """The feedback HTML nbgrader wrote for linreg without + b: every part's score and check report, no hidden code?"""
    root = feedback_course(request)
    html = root / "feedback" / WRONG / NAME / f"{NOTEBOOK}.html"
    scores = course.scores(root, WRONG)
    assert set(scores) == {f"test_{name}" for name in (*BLANKS, "training", "vectorized")}
    assert scores["test_linreg"].score < scores["test_linreg"].max_score
    page.goto(html.as_uri(), wait_until="domcontentloaded")  # MathJax comes from a CDN, not reachable here
    text = page.locator("body").inner_text()
    for part in scores.values():
        assert f"{part.score:.1f} / {part.max_score:.1f}" in text, part.grade_id  # nbgrader's score of the cell
        checks = page.locator(".linreg-hidden-checks", has_text=f"{part.grade_id}: {part.score:g} / {part.max_score:g}")
        assert checks.count() == 1 and checks.is_visible(), part.grade_id
        for check in part.checks:
            row = checks.locator("tr", has_text=check["description"])
            assert row.count() == 1 and row.is_visible(), (part.grade_id, check["description"])
            if not check["passed"]:
                assert check["message"].splitlines()[0] in row.inner_text()
    total, possible = sum(p.score for p in scores.values()), sum(p.max_score for p in scores.values())
    assert f"Score: {total:.1f} / {possible:.1f}" in text
    leaked = [line for line in hidden_lines() if line in text]
    assert not leaked and "BEGIN SOLUTION" not in text and "reference." not in text, leaked[:5]
    assert reference.__name__ not in page.content()
    shot(page, "feedback-top")
    page.locator(".linreg-hidden-checks", has_text="test_linreg").scroll_into_view_if_needed()
    shot(page, "feedback-linreg")
    shot(page, "feedback-full", full_page=True)
