"""Does `python -m autograder grade` grade a course exactly as sequential `nbgrader autograde` does, and resume?

`graded_course` (real nbgrader, one notebook after another) and `batch_course` (the batch grader,
two workers) grade the same examples and hostile cases; their gradebooks and autograded notebooks
must agree in everything but what differs between two runs of the same notebook.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder import course, settings
from autograder.assignment import NAME as ASSIGNMENT
from autograder.dev.examples import EXAMPLES

from .conftest import FAST, run_cli
from .test_examples import EXPECTED, PARTS

SMALL = ("solution", "blank", "missing-bias")


def gradebook(root: Path) -> dict:
    """Everything the gradebook holds about the submissions, less database ids."""
    with Gradebook(settings.db_url(root)) as gb:
        return {submission.student_id: {
            "timestamp": submission.timestamp, "late": submission.total_seconds_late,
            "notebooks": {notebook.name: {
                "grades": {g.name: (g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade, g.max_score) for g in notebook.grades},
                "comments": {c.name: (c.auto_comment, c.manual_comment) for c in notebook.comments},
                "flagged": notebook.flagged,
            } for notebook in submission.notebooks},
        } for submission in gb.find_assignment(ASSIGNMENT).submissions}


def shown(path: Path) -> dict:
    """An autograded notebook, less what two runs of one notebook may differ in: when each cell ran, how its
    output was split into stream messages (and stdout interleaved with stderr), the numbers it printed (timings,
    losses) and its own plots of them, measured times in reports, and
    the execution count of the cell in which the kernel died. (The verdicts of the speed checks, visible and
    hidden, rest on what load does not change, so they must agree too.)"""
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        cell["metadata"].pop("execution", None)
        # Each stream whole: how stdout and stderr were cut into messages, and interleaved, is a race in the kernel.
        merged, streams = [], {}
        for output in cell.get("outputs", []):
            if output["output_type"] == "stream":
                streams.setdefault(output["name"], []).append("".join(output["text"]))
            else:
                merged.append(output)
        merged += [{"output_type": "stream", "name": name, "text": "".join(texts)} for name, texts in sorted(streams.items())]
        for output in merged:
            if output["output_type"] == "stream":  # what the notebook prints: timings and speed-ups among it
                output["text"] = re.sub(r"\d+", "<n>", "".join(output["text"]))
            elif "image/png" in output.get("data", {}):  # the notebook's own plot of those numbers (the losses)
                output["data"]["image/png"] = "<png>"
        if "DeadKernelError" in json.dumps(merged):  # an error output, or its text in a grade cell
            cell["execution_count"] = None  # whether the count got out before the kernel died is a race
        if "outputs" in cell:
            cell["outputs"] = _without_times(merged)
    return nb


def _without_times(value):
    if isinstance(value, str):
        return re.sub(r"\d+\.\d+(e[-+]?\d+)?", "<n>", value)
    if isinstance(value, list):
        return [_without_times(item) for item in value]
    if isinstance(value, dict):
        return {key: _without_times(item) for key, item in value.items()}
    return value


def test_same_gradebook_as_nbgrader(graded_course: Path, batch_course: tuple) -> None:
    """Does the batch grader write the same gradebook rows as sequential nbgrader autograde?"""
    sequential, batch = gradebook(graded_course), gradebook(batch_course[0])
    assert sorted(batch) == sorted(sequential)
    for student in sequential:
        assert batch[student] == sequential[student], student


def test_same_autograded_notebooks(graded_course: Path, batch_course: tuple) -> None:
    """Are the autograded folders the same files, and the notebooks the same cells, outputs and scores?"""
    root = batch_course[0]
    folders = sorted(p.relative_to(graded_course) for p in (graded_course / "autograded").glob(f"*/{ASSIGNMENT}"))
    assert folders and folders == sorted(p.relative_to(root) for p in (root / "autograded").glob(f"*/{ASSIGNMENT}"))
    for folder in folders:
        names = sorted(p.name for p in (graded_course / folder).iterdir())
        assert names == sorted(p.name for p in (root / folder).iterdir()), folder
        for name in names:
            if name.endswith(".ipynb"):
                assert shown(root / folder / name) == shown(graded_course / folder / name), folder / name


def test_workers_did_the_work_and_the_summary_says_so(batch_course: tuple, submissions: dict[str, Path]) -> None:
    """Did every notebook come back from a worker (none executed again by the coordinator), with a progress bar,
    a table of every submission, a summary, and one error line for the notebook that is not JSON?"""
    root, done = batch_course
    assert done.returncode == 1, done.stderr[-2000:]
    assert "executed by the coordinator" not in done.stderr
    assert "grading: 100%" in done.stderr and "submission" in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and errors[0].startswith("error: not-json: ") and "NotJSONError" in errors[0], done.stderr[-2000:]
    rows = {line.split()[0] for line in done.stdout.splitlines()[2:] if line and not line.startswith("graded ")}
    assert rows == set(submissions) - {"not-json"}
    assert f"graded {len(submissions) - 1} in " in done.stdout and "failed 1" in done.stdout


@pytest.fixture(scope="module")
def small_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = course.released(tmp_path_factory.mktemp("small"), FAST)
    folder = tmp_path_factory.mktemp("small-submissions")
    examples = {example.name: example for example in EXAMPLES}
    for name in SMALL:
        course.submit(root, name, examples[name].write(folder / f"{name}.ipynb"))
    return root


def scores_of(root: Path, student: str, url: str | None = None) -> tuple[float, ...]:
    scores = course.scores(root, student, url)
    return tuple(scores[part].score for part in PARTS)


def test_dask_cluster(small_course: Path) -> None:
    """On a local Dask cluster of two worker processes, does `--scheduler` give nbgrader's scores?"""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        done = run_cli("grade", ASSIGNMENT, "--scheduler", cluster.scheduler_address, cwd=small_course)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "graded 3 in " in done.stdout and "2 workers" in done.stdout
    for name in SMALL:
        assert scores_of(small_course, name) == EXPECTED[name], name


def test_rerun_grades_only_what_changed(small_course: Path, submissions: dict[str, Path]) -> None:
    """Does a rerun skip what is graded, grade a changed submission, and `--force` grade them all?"""
    again = run_cli("grade", ASSIGNMENT, cwd=small_course)
    assert again.returncode == 0 and "graded 0; unchanged since they were graded 3" in again.stdout, again.stdout
    shutil.copy(submissions["solution"], small_course / "submitted" / "blank" / ASSIGNMENT / "linear_regression.ipynb")
    changed = run_cli("grade", ASSIGNMENT, cwd=small_course)
    assert changed.returncode == 0 and "graded 1 in " in changed.stdout and "unchanged since they were graded 2" in changed.stdout
    assert scores_of(small_course, "blank") == EXPECTED["solution"]
    forced = run_cli("grade", ASSIGNMENT, "--force", cwd=small_course)
    assert forced.returncode == 0 and "graded 3 in " in forced.stdout, forced.stderr[-2000:]


def test_postgres_gradebook(tmp_path: Path) -> None:
    """With a PostgreSQL `db_url`, does the batch grader write the grades there (and none to a SQLite file)?"""
    pgserver = pytest.importorskip("pgserver", reason="PostgreSQL for tests comes from the pgserver wheel (Python < 3.13)")
    base = Path(subprocess.check_output(["mktemp", "-d", "/tmp/pgXXXX"], text=True).strip())  # short: a socket path
    server = pgserver.get_server(str(base / "data"), cleanup_mode="delete")
    try:
        url = server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
        # Not a cached release: its gradebook is this server's.
        root = course.new_course(tmp_path / "course", FAST + f"\nc.CourseDirectory.db_url = {url!r}\n")
        course.nbgrader(root, "generate_assignment", ASSIGNMENT)
        examples = {example.name: example for example in EXAMPLES}
        for name in ("solution", "missing-bias"):
            course.submit(root, name, examples[name].write(tmp_path / f"{name}.ipynb"))
        done = run_cli("grade", ASSIGNMENT, cwd=root)
        assert done.returncode == 0, done.stderr[-2000:]
        assert not (root / "gradebook.db").exists()
        for name in ("solution", "missing-bias"):
            assert scores_of(root, name, url) == EXPECTED[name], name
    finally:
        server.cleanup()
        shutil.rmtree(base, ignore_errors=True)


def test_refuses_an_unknown_assignment(small_course: Path) -> None:
    """Is an assignment the course does not have refused with one line, before anything is graded?"""
    done = run_cli("grade", "no_such_assignment", cwd=small_course)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "no_such_assignment" in done.stderr, done.stderr


def test_refuses_an_unreachable_scheduler(small_course: Path) -> None:
    """Is a Dask scheduler that does not answer refused with one line, and the gradebook left as it was?"""
    before = gradebook(small_course)
    shutil.copy(small_course / "submitted" / "solution" / ASSIGNMENT / "linear_regression.ipynb",
                small_course / "submitted" / "missing-bias" / ASSIGNMENT / "linear_regression.ipynb")
    done = run_cli("grade", ASSIGNMENT, "--scheduler", "tcp://127.0.0.1:9", cwd=small_course)
    assert done.returncode == 2 and "cannot reach the Dask scheduler" in done.stderr, done.stderr[-2000:]
    assert gradebook(small_course) == before
