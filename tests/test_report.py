"""Does `python -m autograder report` give the instructor the gradebook's numbers, safely, on one self-contained page?

It reads the course `graded_course` (every example and hostile case, graded by real `nbgrader autograde`) without
grading anything again; a copy of it gets hostile check results written into its graded notebooks. One small
course graded by the batch grader shows the grading times it records.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import statistics
from html.parser import HTMLParser
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder import course, settings
from autograder.assignment import NAME as ASSIGNMENT
from autograder.assignment import NOTEBOOK, PARTS
from autograder.course.progress import Progress
from autograder.dev.examples import EXAMPLES
from autograder.submission.notebook import CHECKS_MIME

from .conftest import FAST, run_cli

GRADED = f"{NOTEBOOK}.ipynb"


def build(root: Path, output: Path):
    """Run the report on the course in `root`, writing into `output`; the run, the CSV's rows and the page's marked numbers."""
    done = run_cli("report", ASSIGNMENT, "--output", str(output), cwd=root)
    assert done.returncode == 0, done.stderr
    text = (output / f"{ASSIGNMENT}-report.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    page = (output / f"{ASSIGNMENT}-report.html").read_text(encoding="utf-8")
    return done, rows, page


def csv_values(rows: list[dict]) -> dict[tuple[str, ...], str]:
    """The CSV by (section, part, check, student, measure), the students' text as written (the formula guard taken off)."""
    found = {}
    for row in rows:
        key = tuple(_unguard(row[c]) for c in ("section", "part", "check", "student", "measure"))
        assert key not in found, key
        found[key] = _unguard(row["value"])
    return found


def _unguard(text: str) -> str:
    return text[1:] if text[:2] in {"'" + c for c in "=+-@\t\r"} else text


class Marked(HTMLParser):
    """The page's numbers, by the key its rows and cells carry (data-key, data-measure), as a reader sees them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: dict[tuple[str, ...], str] = {}
        self.keys: list[str] = []
        self.open: list[tuple[tuple[str, ...], list[str], str]] = []
        self.tags: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        self.sources += [value for name, value in attrs.items() if name in ("src", "href")]
        if tag == "tr":
            self.keys.append(attrs.get("data-key", ""))
        if "data-measure" in attrs:
            key = attrs.get("data-key") or self.keys[-1]
            self.open.append((tuple(key.split("\u241f")) + (attrs["data-measure"],), [], tag))

    def handle_endtag(self, tag):
        if self.open and self.open[-1][2] == tag:
            key, text, _ = self.open.pop()
            assert key not in self.values, key
            self.values[key] = "".join(text)
        if tag == "tr":
            self.keys.pop()

    def handle_data(self, data):
        for _, text, _ in self.open:
            text.append(data)


def marked(page: str) -> Marked:
    parser = Marked()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def report(graded_course: Path, tmp_path_factory: pytest.TempPathFactory):
    return build(graded_course, tmp_path_factory.mktemp("report"))


def gradebook_scores(root: Path) -> dict[str, tuple[float, dict[str, float]]]:
    """Each graded submission's total and part scores, read with nbgrader's own Gradebook API: those that have a graded notebook."""
    with Gradebook(settings.db_url(root)) as gradebook:
        return {s.student_id: (s.score, {g.name: g.score for nb in s.notebooks for g in nb.grades})
                for s in gradebook.find_assignment(ASSIGNMENT).submissions
                if (root / "autograded" / s.student_id / ASSIGNMENT / GRADED).is_file()}


def close(text: str, value: float) -> bool:
    """A number as the report writes it (two decimals at most) against the exact one."""
    return math.isclose(float(text), value, abs_tol=0.006)


def test_numbers_are_the_gradebooks(report, graded_course: Path) -> None:
    """Are the totals and every part's count, mean, median, extremes and full marks those of the gradebook?"""
    done, rows, _ = report
    values = csv_values(rows)
    scores = gradebook_scores(graded_course)
    totals = sorted(total for total, _ in scores.values())
    assert values[("total", "", "", "", "students")] == str(len(scores))
    assert close(values[("total", "", "", "", "mean")], sum(totals) / len(totals))
    assert close(values[("total", "", "", "", "max")], totals[-1]) and close(values[("total", "", "", "", "min")], totals[0])
    for part in PARTS:
        got = [parts[part.grade_id] for _, parts in scores.values()]
        key = ("part", part.grade_id, "", "")
        assert values[(*key, "students")] == str(len(got))
        assert close(values[(*key, "mean")], sum(got) / len(got)), part
        assert close(values[(*key, "median")], statistics.median(got)), part
        assert values[(*key, "full_marks")] == str(sum(score == part.points for score in got))
        assert values[(*key, "points")] == f"{part.points:g}"
    per_student = {(r["student"], r["part"]): float(r["value"]) for r in rows if r["section"] == "score" and r["part"]}
    assert per_student == {(student, part): score for student, (_, parts) in scores.items() for part, score in parts.items()}
    with Gradebook(settings.db_url(graded_course)) as gradebook:
        rows_in_gradebook = len(gradebook.find_assignment(ASSIGNMENT).submissions)
    lines = done.stderr.strip().splitlines()
    assert lines == [f"report: reading {rows_in_gradebook} graded notebooks … {rows_in_gradebook}/{rows_in_gradebook}"], done.stderr
    print(f"\n{len(scores)} graded; total mean {values[('total', '', '', '', 'mean')]}; report written as: {done.stdout.strip()}")


def test_pass_rates_add_up_to_the_gradebooks_scores(report, graded_course: Path) -> None:
    """For each part, do its checks' points times their passes add up to the gradebook's points of the students whose
    notebook recorded them, and is every check met by each of those students?"""
    _, rows, _ = report
    values = csv_values(rows)
    scores = gradebook_scores(graded_course)
    for part in PARTS:
        recorded = [student for student in scores if part.grade_id in _recorded(graded_course / "autograded" / student / ASSIGNMENT / GRADED)]
        assert values[("part", part.grade_id, "", "", "checks_recorded")] == str(len(recorded))
        checks = {r["check"] for r in rows if r["section"] == "check" and r["part"] == part.grade_id}
        assert checks, part
        earned = 0.0
        for check in checks:
            key = ("check", part.grade_id, check, "")
            met, passed, points = (float(values[(*key, m)]) for m in ("met", "passed", "points"))
            assert met == len(recorded), (part, check)
            assert close(values[(*key, "pass_rate_percent")], 100 * passed / met)
            earned += points * passed
        assert close(str(earned), sum(scores[student][1][part.grade_id] for student in recorded)), part


def _recorded(path: Path) -> set[str]:
    nb = json.loads(path.read_text())
    return {cell["metadata"]["nbgrader"]["grade_id"] for cell in nb["cells"] if cell["metadata"].get("nbgrader", {}).get("grade")
            and any(CHECKS_MIME in output.get("data", {}) for output in cell.get("outputs", []))}


def test_what_could_not_be_graded_and_the_missing_times(report, graded_course: Path) -> None:
    """Is every submission without a graded notebook listed with a reason, and does the page say that plain nbgrader
    recorded no grading time?"""
    _, rows, page = report
    submitted = {p.name for p in (graded_course / "submitted").iterdir()}
    without = {s for s in submitted if not (graded_course / "autograded" / s / ASSIGNMENT / GRADED).is_file()}
    listed = {r["student"]: r["value"] for r in rows if r["section"] == "not_graded"}
    assert without == {"not-json"} and set(listed) == without
    assert "could not grade it" in listed["not-json"]
    values = csv_values(rows)
    assert values[("time", "", "", "", "untimed")] == values[("total", "", "", "", "students")]
    assert values[("time", "", "", "", "submissions")] == "0"
    assert "plain `nbgrader autograde` records none" in page
    failures = [r for r in rows if r["section"] == "failure" and r["measure"] == "students"]
    print(f"\n{len(failures)} kinds of failure; the most common: "
          + "; ".join(f"{r['part']} {values[('failure', r['part'], r['check'], '', 'kind')][:60]!r}: {r['value']}" for r in failures[:3]))


def test_csv_rows_are_the_pages_numbers(report) -> None:
    """Is every row of the CSV a number or text the page shows, under the same key, and the other way round?"""
    _, rows, page = report
    assert marked(page).values == csv_values(rows)


def test_the_page_needs_nothing_else(report) -> None:
    """Is the page one file: every image embedded PNG data, no script, no link or fetch, a policy that forbids them?"""
    _, _, page = report
    parser = marked(page)
    assert "script" not in parser.tags and "link" not in parser.tags
    assert parser.sources and all(source.startswith("data:image/png;base64,") for source in parser.sources)
    assert "default-src 'none'" in page and "http" not in page.replace("http-equiv", "")


HOSTILE = "<script>alert('x')</script>\"'><img src=x onerror=alert(1)>"


def test_hostile_check_results_are_shown_as_text(graded_course: Path, tmp_path: Path) -> None:
    """With check results in graded notebooks that carry markup, a formula and values of the wrong types, is the
    markup shown as text, the formula kept from running in a spreadsheet, and the rest left out without a crash?"""
    root = tmp_path / "course"
    shutil.copytree(graded_course, root, symlinks=True, ignore=shutil.ignore_patterns("feedback", "reports"))
    for student in ("missing-bias", "solution"):
        path = root / "autograded" / student / ASSIGNMENT / GRADED
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            for output in cell.get("outputs", []):
                record = output.get("data", {}).get(CHECKS_MIME)
                if record is None:
                    continue
                if student == "solution":  # of the wrong types throughout
                    output["data"][CHECKS_MIME] = {"checks": [{"name": 1, "points": "10", "passed": "yes"}, "x"]}
                for check in record["checks"]:
                    if not check["passed"]:
                        check["message"] = HOSTILE + "\n提示 (hint): =HYPERLINK(\"http://evil\")"
                        check["description"] = HOSTILE
        path.write_text(json.dumps(nb))
    _, rows, page = build(root, tmp_path / "out")
    parser = marked(page)
    assert "script" not in parser.tags and parser.tags.count("img") == len(parser.sources)
    assert "<script>" not in page and "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
    assert html_escaped(HOSTILE) in page
    shown = [value for key, value in parser.values.items() if key[-1] == "example" and HOSTILE in value]
    assert shown, "the hostile message is shown, as text"
    kinds = [r["value"] for r in rows if r["measure"] == "kind" and "HYPERLINK" in r["value"]]
    assert kinds and all(kind.startswith("'=") for kind in kinds), kinds
    assert not any(value.startswith("=") for row in rows for value in row.values())
    values = csv_values(rows)
    assert values[("part", "test_linreg", "", "", "checks_recorded")] == str(int(values[("total", "", "", "", "students")]) - 1)


def html_escaped(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def test_a_bad_course_folder_gets_one_line(tmp_path: Path) -> None:
    """Outside a course folder, for an assignment the course does not have, or with a gradebook that is not one:
    one error line, exit status 2, and nothing written?"""
    root = course.new_course(tmp_path / "course")
    course.nbgrader(root, "generate_assignment", ASSIGNMENT)
    broken = course.new_course(tmp_path / "broken")
    (broken / "source" / ASSIGNMENT).mkdir(parents=True, exist_ok=True)
    (broken / "gradebook.db").write_text("not a database")
    (tmp_path / "elsewhere").mkdir()
    for cwd, assignment, said in ((tmp_path / "elsewhere", ASSIGNMENT, "no nbgrader_config.py"),
                                  (root, "no_such_assignment", "no assignment 'no_such_assignment'"),
                                  (broken, ASSIGNMENT, "gradebook")):
        done = run_cli("report", assignment, cwd=cwd)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: ") and said in lines[0], done.stderr
        assert done.stdout == "" and not (cwd / "reports").exists()
        print(f"\n{lines[0]}")


def test_the_batch_grader_records_grading_times(tmp_path: Path) -> None:
    """After `python -m autograder grade`, does the report show each submission's grading time, and list a refused one?"""
    root = course.new_course(tmp_path / "course", FAST)
    course.nbgrader(root, "generate_assignment", ASSIGNMENT)
    examples = {example.name: example for example in EXAMPLES}
    for name in ("solution", "missing-bias"):
        course.submit(root, name, examples[name].write(tmp_path / f"{name}.ipynb"))
    linked = root / "submitted" / "linked" / ASSIGNMENT
    linked.mkdir(parents=True)
    (linked / GRADED).symlink_to(root / "source" / ASSIGNMENT / GRADED)
    graded = run_cli("grade", ASSIGNMENT, "--workers", "1", cwd=root)
    assert graded.returncode == 1 and "error: linked: not graded" in graded.stderr, graded.stderr[-2000:]
    _, rows, page = build(root, root / "reports")
    values = csv_values(rows)
    times = {r["student"]: float(r["value"]) for r in rows if r["section"] == "time" and r["measure"] == "seconds"}
    assert set(times) == {"solution", "missing-bias"} and all(seconds > 0 for seconds in times.values())
    assert values[("time", "", "", "", "untimed")] == "0" and "plain `nbgrader autograde` records none" not in page
    assert re.search("link", values[("not_graded", "", "", "linked", "why")])
    print(f"\ngrading times recorded: {times}")


def test_progress_is_one_line_on_a_terminal() -> None:
    """On a terminal, is the progress one line redrawn in place, ending with a newline; elsewhere only its last state?"""
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, tty in ((Terminal(), True), (io.StringIO(), False)):
        progress = Progress("report: reading 3 graded notebooks", 3, stream, every=0)
        for _ in range(3):
            progress.step()
        progress.finish()
        text = stream.getvalue()
        assert text.endswith("report: reading 3 graded notebooks … 3/3\n") and text.count("\n") == 1
        assert (text.count("\r") == 4) if tty else ("\r" not in text)
