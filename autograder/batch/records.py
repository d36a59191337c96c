"""What the batch grader keeps of each submission's last grading, for the class report: how it ended, why, how long it took.

Kept in autograded/ beside the resume state (`grade-log-<assignment>.json`), one record per student,
written as each submission is done (atomically, like the resume state): nbgrader's gradebook keeps
scores, not how long grading took or why a submission was not graded. Plain `nbgrader autograde`
writes none of it.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

RECORDS = "grade-log-{assignment}.json"
"""Kept in autograded/: the last grading of each submission."""

GRADED, FAILED, REFUSED = "graded", "failed", "refused"
"""How a grading ended: graded (in the gradebook), failed (nbgrader or the grader could not grade it), refused (by the intake)."""


@dataclass
class Record:
    """The last grading of one submission."""

    outcome: str
    """GRADED, FAILED or REFUSED."""
    reason: str = ""
    """Why it was not graded (one line), or ''."""
    seconds: float | None = None
    """Wall-clock time its grading took: the worker's execution and hidden checks, and nbgrader's autograde in the coordinator."""
    worker_seconds: float | None = None
    """Of which the worker's part (executing the notebook and the hidden checks)."""
    finished: str = ""
    """When it was done (UTC, ISO 8601)."""


def path(autograded: Path, assignment: str) -> Path:
    """Where the records of `assignment` are kept, in the course's autograded folder."""
    return Path(autograded) / RECORDS.format(assignment=assignment)


def load(autograded: Path, assignment: str) -> dict[str, Record]:
    """The records as last saved; those that are not well formed are left out (the file is the course's, not trusted blindly)."""
    try:
        data = json.loads(path(autograded, assignment).read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {student: record for student, value in data.items() if (record := _record(value)) is not None}


def save(autograded: Path, assignment: str, records: dict[str, Record]) -> None:
    """Write the records atomically: an interrupted run leaves the last complete file."""
    target = path(autograded, assignment)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps({student: asdict(record) for student, record in records.items()}, indent=1, sort_keys=True,
                                    ensure_ascii=False))
    temporary.replace(target)


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _record(value: object) -> Record | None:
    if not isinstance(value, dict) or value.get("outcome") not in (GRADED, FAILED, REFUSED):
        return None
    seconds, worker = value.get("seconds"), value.get("worker_seconds")
    if not all(s is None or (isinstance(s, int | float) and not isinstance(s, bool) and 0 <= s < 1e7) for s in (seconds, worker)):
        return None
    reason, finished = value.get("reason", ""), value.get("finished", "")
    if not isinstance(reason, str) or not isinstance(finished, str):
        return None
    return Record(value["outcome"], reason[:1000], seconds, worker, finished[:40])
