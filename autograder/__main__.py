"""Command line: `python -m autograder demo` (the main job), `grade ASSIGNMENT` (a whole course), `report ASSIGNMENT`
(the class report) and `check PATH.ipynb`."""

from __future__ import annotations

import time

STARTED = time.monotonic()
"""When this command started, its imports included: `check` says how long it took."""

import argparse  # noqa: E402 - after STARTED, which counts them
import json  # noqa: E402
import sys  # noqa: E402
from dataclasses import asdict  # noqa: E402
from pathlib import Path  # noqa: E402

from . import paths, words  # noqa: E402
from .errors import CourseError  # noqa: E402
from .submission.notebook import NotebookError, read_submission  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="grade notebooks with the same checks and scores as nbgrader autograde")
    check.add_argument("notebooks", nargs="+", type=Path, metavar="PATH.ipynb")
    check.add_argument("--json", action="store_true", help="print the results as JSON")
    check.add_argument("--config", type=Path, metavar="FILE",
                       help="nbgrader configuration added to the course's own (for example shorter time limits)")
    check.add_argument("--workers", type=_positive, metavar="N", help="notebooks graded side by side (default: one per core)")
    commands.add_parser("demo", help="release the assignment, autograde the example submissions, feedback, grades.csv")
    grade = commands.add_parser("grade", help="autograde every new or changed submission of the course in this folder, in parallel")
    grade.add_argument("assignment")
    grade.add_argument("--workers", type=_positive, metavar="N",
                       help="submissions graded side by side (default: c.BatchGrader.workers, or one per core)")
    grade.add_argument("--force", action="store_true", help="grade every submission again, changed or not")
    grade.add_argument("--scheduler", metavar="ADDRESS",
                       help="run the workers on the Dask cluster of this scheduler (tcp://host:8786; default: c.BatchGrader.scheduler)")
    report = commands.add_parser("report", help="the class report of the course in this folder: one HTML page and a CSV of its numbers")
    report.add_argument("assignment")
    report.add_argument("--output", type=Path, metavar="FOLDER", help="where to write them (default: reports/ in the course folder)")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return run_check(args.notebooks, args.json, args.config, args.workers)
        if args.command == "grade":
            return run_grade(args.assignment, args.workers, args.force, args.scheduler)
        if args.command == "report":
            return run_report(args.assignment, args.output)
        return run_demo()
    except (NotebookError, CourseError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def run_check(paths: list[Path], as_json: bool, config: Path | None, workers: int | None) -> int:
    for path in paths:
        read_submission(path)
    if config is not None and not config.is_file():
        raise NotebookError(f"{config}: no such configuration file")
    if len(paths) == 1 or workers == 1:
        from .isolation import template

        template.get()  # this process grades alone: its template imports torch while nbgrader is imported here
    from .course.check import check_notebooks
    from .course.table import table
    results = check_notebooks(paths, config.read_text() if config else "", workers)
    graded = {path: parts for path, parts in results.items() if not isinstance(parts, str)}
    if as_json:
        print(json.dumps({str(path): {part: asdict(score) for part, score in parts.items()} for path, parts in graded.items()},
                         ensure_ascii=False, indent=1))
    else:
        for path, parts in graded.items():
            print(f"{path}")
            print(table({path.name: parts}))
            for score in parts.values():
                for check in score.checks:
                    if not check["passed"]:
                        print(f"  ✗ {score.grade_id} [{check['points']:g} 分] {check['description']}")
                        print("      " + check["message"].replace("\n", "\n      "))
    for path, reason in results.items():
        if isinstance(reason, str):
            print(f"error: {path}: {reason}", file=sys.stderr)
    # The time goes beside the JSON, not into it: what --json prints stays the results alone.
    print(f"checked {len(results)} notebook{'s' if len(results) != 1 else ''} in {time.monotonic() - STARTED:.1f} s",
          file=sys.stderr if as_json else sys.stdout)
    return 0 if len(graded) == len(results) else 1


def run_grade(assignment: str, workers: int | None, force: bool, scheduler: str | None) -> int:
    """Grade the course in the current folder; 1 if nbgrader could not grade some submission."""
    from .batch.coordinator import grade_course, graded_students
    from .course.gradebook import course_scores
    from .course.table import table

    try:
        report = grade_course(Path.cwd(), assignment, workers, force, scheduler)
    except KeyboardInterrupt:
        print("\ninterrupted: what was graded is kept (gradebook, autograded/); run the command again to grade the rest",
              file=sys.stderr)
        return 130
    students = [student for student in graded_students(Path.cwd(), assignment) if student not in report.failed]
    graded = course_scores(Path.cwd(), students, assignment=assignment)
    if graded:
        print(table(graded))
    done = len(report.graded)
    speed = f" in {report.seconds:.1f} s ({report.seconds / done:.2f} s per submission, {report.workers} workers)" if done else ""
    print(f"graded {done}{speed}; unchanged since they were graded {len(report.unchanged)}; failed {len(report.failed)}")
    for where, why in report.executed_here.items():
        print(f"note: {where} was executed by the coordinator: {why}", file=sys.stderr)
    for student, entries in report.left_out.items():
        for name, why in entries.items():
            print(words.say("intake.left_out_line", student=student, name=name, why=why), file=sys.stderr)
    for student, reason in report.failed.items():
        print(f"error: {student}: {reason}", file=sys.stderr)
    return 1 if report.failed else 0


def run_report(assignment: str, output: Path | None) -> int:
    """Write the class report of the course in the current folder, and say where."""
    from .course.report import write_report

    html, csv = write_report(Path.cwd(), assignment, output)
    print(words.say("class_report.written", html=html, csv=csv))
    return 0


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def run_demo() -> int:
    from .course.table import table
    from .dev.demo import demo

    rows, learned = demo(paths.ROOT)
    print(table(rows))
    if learned:
        print(f"solution notebook learned w = {learned['w']}, b = {learned['b']} (true w = [2, -3.4], b = 4.2)")
    print(f"gradebook: {paths.ROOT / 'gradebook.db'}; grades: {paths.ROOT / 'grades.csv'}; feedback: {paths.ROOT / 'feedback'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
