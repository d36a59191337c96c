"""Is the grading machine out of the student's reach, and is a grader failure never a grade?

One course, in a folder whose path holds a space and Chinese characters, with students whose ids hold
a space, a quote, Chinese characters and a leading dash. Each submission is the solution with one
thing done to the machine: a connection to a service on the host's loopback (TCP and UDP), a dump of
the environment (the grader's holds a secret), a fork loop and a thread flood (bounded: at most a
few hundred), links, a FIFO, a file too large and a folder of too many files beside the notebook, a
notebook that is a link to the instructor's. The course is graded by plain `nbgrader autograde` and
by the batch grader; the network case also on a Dask cluster and through `check`. Then the grader
is broken on purpose (a check module that does not import, a student's process that cannot start,
a worker that dies): the submission is reported as not graded, and its earlier grade kept.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from autograder import course, paths
from autograder.assignment import NAME as ASSIGNMENT
from autograder.assignment import NOTEBOOK
from autograder.dev.examples import Example, by_name
from autograder.errors import CourseError

from .conftest import FAST, run_cli
from .corpus import FULL, PARTS, after

SECRET = "linreg-test-secret-do-not-show"
"""A value kept in the grader's environment, like a database password: no graded notebook may hold it."""
MAX_FILE = 20 << 20


class Listener:
    """A TCP and a UDP service on the host's loopback, standing for the course's own (a Dask scheduler, PostgreSQL)."""

    def __init__(self) -> None:
        self.tcp = socket.create_server(("127.0.0.1", 0))
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.reached: list[str] = []
        self._threads = [threading.Thread(target=self._accept, daemon=True), threading.Thread(target=self._receive, daemon=True)]
        for thread in self._threads:
            thread.start()

    def ports(self) -> tuple[int, int]:
        return self.tcp.getsockname()[1], self.udp.getsockname()[1]

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.tcp.accept()
            except OSError:
                return
            self.reached.append("tcp")
            connection.sendall(b"the reference solution")
            connection.close()

    def _receive(self) -> None:
        while True:
            try:
                self.udp.recvfrom(100)
            except OSError:
                return
            self.reached.append("udp")

    def close(self) -> None:
        self.tcp.close()
        self.udp.close()


def network_attack(tcp: int, udp: int) -> str:
    return f"""import socket
for kind, port in [("tcp", {tcp}), ("udp", {udp})]:
    try:
        if kind == "tcp":
            reply = socket.create_connection(("127.0.0.1", port), timeout=3).recv(100)
            result = f"reached {{reply!r}}"
        else:
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.sendto(b"hello", ("127.0.0.1", port))
            result = "sent"
    except OSError as error:
        result = f"unreachable ({{error}})"
    print(f"network {{kind}}: {{result}}")
"""


ENVIRONMENT = """import os
print("environment:", dict(os.environ))
for pid in ("1", "self"):
    try:
        print("proc environ", pid, open(f"/proc/{pid}/environ").read().replace(chr(0), " "))
    except OSError as error:
        print("proc environ", pid, error)
"""

# Bounded, and cleaned up by the student's code itself (each child ends after 3 s and is waited for), so that
# the test asks one question: does the jail's limit stop the loop?
FORKS = """import os, time
started = 0
try:
    for _ in range(300):
        if os.fork() == 0:
            time.sleep(3)
            os._exit(0)
        started += 1
except OSError as error:
    print(f"forks: {started} started, then {type(error).__name__}")
else:
    print(f"forks: all {started} started")
for _ in range(started):
    os.wait()
"""

THREADS = """import threading, time
threads = []
try:
    for _ in range(300):
        threads.append(threading.Thread(target=time.sleep, args=(3,), daemon=True))
        threads[-1].start()
except RuntimeError as error:
    threads.pop()
    print(f"threads: {len(threads)} started, then {error}")
else:
    print(f"threads: all {len(threads)} started")
for thread in threads:
    thread.join()
"""

STUDENTS = {
    "学生-张三": "network",
    "O'Brien": "environment",
    "-dash": "forks",
    "李 四": "threads",
    "with space": "files",
    "linked": "linked notebook",
}


def folder_of(root: Path, student: str) -> Path:
    return root / "submitted" / student / ASSIGNMENT


def lay_out(root: Path, tcp: int, udp: int) -> None:
    """Submit every student's notebook, and the files beside it."""
    answers = {"network": after("linreg", network_attack(tcp, udp)), "environment": after("linreg", ENVIRONMENT),
               "forks": after("data_iter", FORKS), "threads": after("data_iter", THREADS)}
    for student, attack in STUDENTS.items():
        if attack == "linked notebook":
            folder_of(root, student).mkdir(parents=True)
            (folder_of(root, student) / f"{NOTEBOOK}.ipynb").symlink_to(root / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
            continue
        notebook = Example(student, answers.get(attack) or by_name("solution").answers).write(root / "notebooks" / f"{attack}.ipynb")
        course.submit(root, student, notebook)
    files = folder_of(root, "with space")
    (files / "solution.ipynb.txt").symlink_to(root / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
    (files / "hostname").symlink_to("/etc/hostname")
    os.mkfifo(files / "pipe")
    (files / "big.bin").write_bytes(b"\0" * (MAX_FILE + (1 << 20)))
    (files / "many").mkdir()
    for i in range(501):
        (files / "many" / f"{i}.txt").write_text("x")
    (files / "notes.txt").write_text("my own notes")


LEFT_OUT = {"solution.ipynb.txt", "hostname", "pipe", "big.bin", "many"}


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    served = Listener()
    yield served
    served.close()


@pytest.fixture(scope="module")
def secret_environment() -> Iterator[dict[str, str]]:
    """The grader's environment, with a secret in it."""
    yield dict(course.environment(), LINREG_DB_PASSWORD=SECRET)


def new_course(parent: Path, listener: Listener) -> Path:
    root = course.released(parent / "Linear Regression 2026 课程", FAST)
    lay_out(root, *listener.ports())
    return root


@pytest.fixture(scope="module")
def sequential(tmp_path_factory: pytest.TempPathFactory, listener: Listener, secret_environment: dict) -> tuple[Path, subprocess.CompletedProcess]:
    """The course graded by plain `nbgrader autograde`, then `generate_feedback`."""
    root = new_course(tmp_path_factory.mktemp("sequential"), listener)
    done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT], cwd=root, env=secret_environment,
                          capture_output=True, text=True)
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_feedback", ASSIGNMENT], cwd=root, env=secret_environment,
                   capture_output=True, text=True, check=True)
    return root, done


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory, listener: Listener, secret_environment: dict) -> tuple[Path, subprocess.CompletedProcess]:
    """The course graded by `python -m autograder grade`, then `generate_feedback`."""
    root = new_course(tmp_path_factory.mktemp("batch"), listener)
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", ASSIGNMENT, "--workers", "2"], cwd=root,
                          env=secret_environment, capture_output=True, text=True)
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_feedback", ASSIGNMENT], cwd=root, env=secret_environment,
                   capture_output=True, text=True, check=True)
    return root, done


GRADERS = ["sequential", "batch"]


def graded(request: pytest.FixtureRequest, name: str) -> tuple[Path, subprocess.CompletedProcess]:
    return request.getfixturevalue(name)


def output(root: Path, student: str) -> str:
    """Everything the student's graded notebook shows."""
    path = root / "autograded" / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    return "\n".join(json.dumps(cell.get("outputs", []), ensure_ascii=False) for cell in json.loads(path.read_text())["cells"])


@pytest.mark.parametrize("grader", GRADERS)
def test_every_student_graded_in_full(request: pytest.FixtureRequest, grader: str) -> None:
    """Does every submission (but the linked notebook) get full marks, its attack costing nothing and gaining nothing?"""
    root, _ = graded(request, grader)
    for student, attack in STUDENTS.items():
        if attack != "linked notebook":
            assert {part: score.score for part, score in course.scores(root, student).items()} == FULL, student
    assert list(FULL) == PARTS


@pytest.mark.parametrize("grader", GRADERS)
def test_no_network(request: pytest.FixtureRequest, grader: str, listener: Listener) -> None:
    """Does a graded notebook reach no TCP or UDP service on the host's loopback?"""
    root, _ = graded(request, grader)
    shown = output(root, "学生-张三")
    assert "network tcp: unreachable" in shown and "network udp: unreachable" in shown, shown[-2000:]
    assert listener.reached == []


@pytest.mark.parametrize("grader", GRADERS)
def test_clean_environment(request: pytest.FixtureRequest, grader: str) -> None:
    """Does the student's kernel start with a fixed, minimal environment, nothing of the grader's?"""
    root, _ = graded(request, grader)
    shown = output(root, "O'Brien")
    assert "environment:" in shown and "'HOME': '/tmp/home'" in shown and SECRET not in shown, shown[-2000:]
    for name in ("LINREG_DB_PASSWORD", "VIRTUAL_ENV", "PYTEST_CURRENT_TEST", "JPY_PARENT_PID"):
        assert f"'{name}'" not in shown, name


@pytest.mark.parametrize("grader", GRADERS)
def test_processes_are_limited(request: pytest.FixtureRequest, grader: str) -> None:
    """Does a fork loop, or a thread flood, stop at the jail's limit (256 processes and threads) and cost only itself?"""
    root, _ = graded(request, grader)
    forks = output(root, "-dash")
    threads = output(root, "李 四")
    assert "forks: " in forks and "forks: all" not in forks and "BlockingIOError" in forks, forks[-2000:]
    assert "threads: " in threads and "threads: all" not in threads, threads[-2000:]


@pytest.mark.parametrize("grader", GRADERS)
def test_links_and_special_files_are_left_out(request: pytest.FixtureRequest, grader: str) -> None:
    """Are links, a FIFO, a file too large and a folder of too many files neither copied nor read, and named for the student?"""
    root, done = graded(request, grader)
    for place in ("autograded", "feedback"):
        folder = root / place / "with space" / ASSIGNMENT
        assert folder.is_dir(), place
        names = {p.name for p in folder.iterdir()}
        assert names & LEFT_OUT == set(), (place, names)
        assert "notes.txt" in names, place
    shown = output(root, "with space")
    feedback = (root / "feedback" / "with space" / ASSIGNMENT / f"{NOTEBOOK}.html").read_text()
    for name in LEFT_OUT:
        assert f"{name}: " in shown and name in feedback, name
        assert any(name in line and "with space" in line for line in done.stderr.splitlines()), name
    assert "这是一个链接 (a link), 未评分也未复制" in shown
    assert "BEGIN SOLUTION" not in feedback and "BEGIN SOLUTION" not in shown


@pytest.mark.parametrize("grader", GRADERS)
def test_linked_notebook_is_not_graded(request: pytest.FixtureRequest, grader: str) -> None:
    """Is a notebook that is a link to the instructor's refused with one line, and nothing of it graded or copied?"""
    root, done = graded(request, grader)
    lines = [line for line in done.stderr.splitlines() if line.startswith("error: linked: ")]
    assert len(lines) == 1 and "链接 (a link)" in lines[0], done.stderr[-3000:]
    assert not (root / "autograded" / "linked").exists() and not (root / "feedback" / "linked").exists()
    with pytest.raises(CourseError):
        course.scores(root, "linked")


def test_batch_exit_status(batch: tuple) -> None:
    """Does the batch grader exit 1 because one submission could not be graded, with a line each for what it left out?"""
    _, done = batch
    assert done.returncode == 1, done.stderr[-3000:]
    assert "graded 5 in " in done.stdout and "failed 1" in done.stdout


def test_score_table_lines_up_chinese_names(batch: tuple) -> None:
    """Do the score table's columns line up, by width on screen, for Chinese names?"""
    _, done = batch
    import wcwidth

    rows = [line for line in done.stdout.splitlines() if "/ 20" in line]
    assert len(rows) == 5 and any("学生-张三" in row for row in rows)
    assert len({wcwidth.wcswidth(line) for line in rows}) == 1, rows


def test_dask_worker_cannot_be_reached(tmp_path: Path, listener: Listener) -> None:
    """On a Dask cluster listening on the grading machine's loopback, can a graded notebook reach the scheduler?"""
    distributed = pytest.importorskip("distributed")
    root = course.released(tmp_path / "dask course", FAST)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        port = int(cluster.scheduler_address.rsplit(":", 1)[1])
        attack = after("linreg", network_attack(port, listener.ports()[1]))
        course.submit(root, "dask-student", Example("dask", attack).write(tmp_path / "dask.ipynb"))
        done = run_cli("grade", ASSIGNMENT, "--scheduler", cluster.scheduler_address, cwd=root)
    assert done.returncode == 0, done.stderr[-2000:]
    shown = output(root, "dask-student")
    assert "network tcp: unreachable" in shown and "reached" not in shown


def test_check_has_no_network(tmp_path: Path, listener: Listener) -> None:
    """Does `python -m autograder check` run the notebook without network too?"""
    notebook = Example("check", after("linreg", network_attack(*listener.ports()))).write(tmp_path / "mine.ipynb")
    done = run_cli("check", "--json", str(notebook))
    assert done.returncode == 0, done.stderr[-2000:]
    assert listener.reached == []


# The grader broken on purpose: a check module that does not import, a process that cannot start, a lost worker.

BROKEN_CHECKS = "c.HiddenChecks.checks_folder = {folder!r}\n"
NO_START = "c.HiddenChecks.start_seconds = 0.001\n"
LOST_WORKER = """
import lost_worker
c.Autograde.autograde_preprocessors = [lost_worker.LoseTheWorker, *c.Autograde.autograde_preprocessors]
"""
LOSE_THE_WORKER = '''import os
from nbgrader.preprocessors import NbGraderPreprocessor


class LoseTheWorker(NbGraderPreprocessor):
    """The worker process dies, as one killed by the machine would."""

    def preprocess(self, nb, resources):
        os._exit(1)
'''


@pytest.fixture(scope="module")
def graded_one(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course whose one student is graded, with a score other than 0 in every part but training."""
    folder = tmp_path_factory.mktemp("graded-one")
    root = course.released(folder / "course", FAST)
    course.submit(root, "student", by_name("missing-bias").write(folder / "missing-bias.ipynb"))
    done = run_cli("grade", ASSIGNMENT, cwd=root)
    assert done.returncode == 0, done.stderr[-2000:]
    return root


@pytest.fixture
def graded_once(graded_one: Path, tmp_path: Path) -> Path:
    """A copy of that course, for one test to break."""
    return Path(shutil.copytree(graded_one, tmp_path / "course", symlinks=True))


def broken_checks(root: Path) -> str:
    folder = root / "broken checks"
    shutil.copytree(paths.CHECKS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "test_linreg.py").write_text("import a_module_that_does_not_exist\n" + (folder / "test_linreg.py").read_text())
    return BROKEN_CHECKS.format(folder=str(folder))


def break_grader(root: Path, how: str) -> None:
    settings = {"checks": broken_checks(root), "start": NO_START, "worker": LOST_WORKER}[how]
    if how == "worker":
        (root / "lost_worker.py").write_text(LOSE_THE_WORKER)
    with open(root / "nbgrader_config.py", "a") as config:
        config.write("\n" + settings)


def scores_of(root: Path) -> dict[str, float]:
    return {part: score.score for part, score in course.scores(root, "student").items()}


@pytest.mark.parametrize("how", ["checks", "start", "worker"])
def test_batch_grader_failure_is_not_a_grade(graded_once: Path, how: str) -> None:
    """With the grader broken, is the submission reported as not graded (exit 1, a grader-error line), its grade kept, and graded by the next run?"""
    before = scores_of(graded_once)
    original = (graded_once / "nbgrader_config.py").read_text()
    break_grader(graded_once, how)
    done = run_cli("grade", ASSIGNMENT, "--force", cwd=graded_once)
    assert done.returncode == 1, done.stderr[-2000:]
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: student: ")]
    assert len(errors) == 1 and "grader error, not the student's" in errors[0], done.stderr[-2000:]
    assert scores_of(graded_once) == before
    (graded_once / "nbgrader_config.py").write_text(original)
    again = run_cli("grade", ASSIGNMENT, cwd=graded_once)
    assert again.returncode == 0 and "graded 1 in " in again.stdout, again.stdout + again.stderr[-2000:]
    assert scores_of(graded_once) == before


@pytest.mark.parametrize("how", ["checks", "start"])
def test_nbgrader_failure_is_not_a_grade(graded_once: Path, tmp_path: Path, how: str) -> None:
    """Through plain `nbgrader autograde`: does the grader's failure keep a graded student's grade, and add no row of zeros for a new one?"""
    before = scores_of(graded_once)
    break_grader(graded_once, how)
    course.submit(graded_once, "newcomer", by_name("solution").write(tmp_path / "solution.ipynb"))
    done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--force"], cwd=graded_once,
                          env=course.environment(), capture_output=True, text=True)
    assert done.returncode != 0
    assert "grader error, not the student's" in done.stderr, done.stderr[-3000:]
    assert scores_of(graded_once) == before
    with pytest.raises(CourseError):
        course.scores(graded_once, "newcomer")
