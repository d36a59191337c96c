"""The score table: a row per student, a column per part, aligned as a terminal shows it."""

from __future__ import annotations

import wcwidth

from ..assignment import PARTS
from .gradebook import PartScore


def table(rows: dict[str, dict[str, PartScore]]) -> str:
    """A per-student, per-part score table; names line up by their width on screen (学生-张三 is 10 columns)."""
    order = [part.grade_id for part in PARTS]
    parts = sorted({part for row in rows.values() for part in row}, key=lambda part: (order.index(part) if part in order else len(order), part))
    width = max([len("student"), *map(_width, rows)])
    header = f"{'student':<{width}}  " + "  ".join(f"{p.removeprefix('test_'):>12}" for p in parts) + "   total"
    lines = [header, "-" * len(header)]
    for student, row in rows.items():
        cells = "  ".join(f"{row[p].score:>6g} / {row[p].max_score:<3g}" if p in row else f"{'-':>12}" for p in parts)
        total = sum(score.score for score in row.values())
        lines.append(student + " " * (width - _width(student)) + f"  {cells}  {total:>6g}")
    return "\n".join(lines)


def _width(text: str) -> int:
    """Columns `text` takes on a terminal (a Chinese character takes two); a character without width counts one."""
    width = wcwidth.wcswidth(text)
    return width if width >= 0 else len(text)
