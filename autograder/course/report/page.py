"""The class report as one self-contained HTML page: inline style, figures as embedded PNG data, nothing to fetch.

All text is escaped (student ids and check messages are the students' own); the page's
Content-Security-Policy also forbids any script and any fetch, so even a mistake here could run nothing.
Each number is marked with the key of its CSV row (`data-key`, `data-measure`), so the two can be compared.
"""

from __future__ import annotations

import html

from ... import words
from . import figures
from .rows import number, percent
from .stats import Numbers, Summary

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", sans-serif; margin: 2em auto; max-width: 1100px;
       color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: .2em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
p.note { color: #555; } table { border-collapse: collapse; margin: .5em 0; }
th, td { border-bottom: 1px solid #eee; padding: .25em .6em; text-align: right; vertical-align: top; }
th { background: #f5f5f5; } td.text, th.text { text-align: left; }
pre { white-space: pre-wrap; margin: 0; font-size: .85em; max-width: 60em; }
.bar { display: inline-block; height: .8em; background: #3b6ea8; } .barbox { display: inline-block; width: 5em; background: #eee; text-align: left; }
table.wide { width: 100%; table-layout: fixed; } td.kind { width: 34%; } td.example { width: 46%; }
table.wide th:nth-child(1) { width: 2em; } table.wide th:nth-child(2) { width: 9em; } table.wide th:nth-child(3) { width: 5em; }
table.checks td:nth-child(3) { min-width: 16em; }
div.checks { color: #666; font-size: .85em; margin-top: .3em; } td.rate { white-space: nowrap; }
img { max-width: 100%; } details { margin: .5em 0; } summary { cursor: pointer; color: #3b6ea8; }
"""

SHOWN = 10
"""The most common failures shown at once; the others are a click away."""
POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def page(numbers: Numbers, course: str, when: str, records: str) -> str:
    """The whole page; `course` is the course folder shown, `when` when it was read, `records` where grading times are kept."""
    say = words.say
    body = [f"<h1>{_text(say('class_report.title', assignment=numbers.assignment))}</h1>",
            _note(say("class_report.subtitle", graded=numbers.total.count, not_graded=len(numbers.not_graded), course=course, when=when)),
            *_totals(numbers), *_parts(numbers), *_checks(numbers), *_failures(numbers), *_not_graded(numbers),
            *_times(numbers, records), *_scores(numbers)]
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{POLICY}\">"
            f"<title>{_text(say('class_report.title', assignment=numbers.assignment))}</title><style>{STYLE}</style></head>\n"
            "<body>\n" + "\n".join(body) + "\n</body></html>\n")


def _totals(numbers: Numbers) -> list[str]:
    found = [f"<h2>{_text(words.say('class_report.totals'))}</h2>",
             f"<p class='note'>{_text(words.say('class_report.totals_note', possible=number(numbers.possible)))}</p>",
             _summary_table([("total", "", numbers.total, {"possible": number(numbers.possible)})], first=None)]
    if numbers.totals:
        found.append(_image(figures.score_histogram(numbers.totals, numbers.possible, f"total ({number(numbers.possible)} points)"),
                            "histogram of total scores"))
    return found


def _parts(numbers: Numbers) -> list[str]:
    rows = [("part", part.part, part.scores, {"points": number(part.points), "full_marks": number(part.full),
                                             "zero": number(part.zero), "checks_recorded": number(part.recorded)})
            for part in numbers.parts]
    found = [f"<h2>{_text(words.say('class_report.parts'))}</h2>", _summary_table(rows, first="part")]
    if numbers.totals:
        found.append(_image(figures.part_histograms(numbers.part_scores, {p.part: p.points for p in numbers.parts}),
                            "histograms of the scores of each part"))
    return found


def _summary_table(rows: list[tuple[str, str, Summary, dict[str, str]]], first: str | None) -> str:
    extra = list(rows[0][3]) if rows else []
    head = ([first] if first else []) + ["students", "mean", "median", "min", "max", *extra]
    lines = [_head(head, text=(0,) if first else ())]
    for section, part, values, more in rows:
        cells = [_cell("students", number(values.count)), _cell("mean", number(values.mean)), _cell("median", number(values.median)),
                 _cell("min", number(values.minimum)), _cell("max", number(values.maximum)), *(_cell(m, v) for m, v in more.items())]
        label = [f"<td class='text'>{_text(part)}</td>"] if first else []
        lines.append(_row((section, part, "", ""), label + cells))
    return "<table>" + "".join(lines) + "</table>"


def _checks(numbers: Numbers) -> list[str]:
    lines = [_head(["part", "check", "what it asks", "points", "met", "passed", "pass rate"], text=(0, 1, 2))]
    for check in numbers.checks:
        rate = percent(check.passed, check.met)
        bar = (f"<span class='barbox'><span class='bar' style='width:{100 * check.passed / check.met:.1f}%'></span></span> "
               if check.met else "")
        lines.append(_row(("check", check.part, check.name, ""), [
            f"<td class='text'>{_text(check.part)}</td>", f"<td class='text'>{_text(check.name)}</td>",
            f"<td class='text'>{_text(check.description)}</td>", _cell("points", number(check.points)),
            _cell("met", number(check.met)), _cell("passed", number(check.passed)),
            f"<td class='rate'>{bar}<span data-measure='pass_rate_percent'>{_text(rate)}</span>{' %' if rate else ''}</td>"]))
    return [f"<h2>{_text(words.say('class_report.checks'))}</h2>",
            _note(words.say("class_report.checks_note")), "<table class='checks'>" + "".join(lines) + "</table>"]


def _failures(numbers: Numbers) -> list[str]:
    found = [f"<h2>{_text(words.say('class_report.failures'))}</h2>", f"<p class='note'>{_text(words.say('class_report.failures_note'))}</p>"]
    if not numbers.failures:
        return [*found, f"<p>{_text(words.say('class_report.no_failures'))}</p>"]
    head = _head(["#", "part", "students", "what went wrong (in the checks)", "for example"], text=(1, 3, 4))
    lines = [_row(("failure", failure.part, f"#{rank}", ""), [
        f"<td>{rank}</td>", f"<td class='text'>{_text(failure.part)}</td>", _cell("students", number(len(failure.students))),
        f"<td class='text kind'><span data-measure='kind'>{_text(failure.kind)}</span>"
        f"<div class='checks' data-measure='checks'>{_text('; '.join(failure.checks))}</div></td>",
        f"<td class='text example'><span data-measure='example_student'>{_text(failure.example_student)}</span>:"
        f"<pre data-measure='example'>{_text(failure.example)}</pre></td>"]) for rank, failure in enumerate(numbers.failures, 1)]
    found.append(f"<table class='wide'>{head}{''.join(lines[:SHOWN])}</table>")
    if lines[SHOWN:]:
        found.append(f"<details><summary>{len(lines) - SHOWN} more</summary><table class='wide'>{head}{''.join(lines[SHOWN:])}</table></details>")
    return found


def _not_graded(numbers: Numbers) -> list[str]:
    found = [f"<h2>{_text(words.say('class_report.not_graded'))}</h2>"]
    if not numbers.not_graded:
        return [*found, f"<p>{_text(words.say('class_report.none_not_graded'))}</p>"]
    lines = [_head(["student", "why"], text=(0, 1))]
    lines += [_row(("not_graded", "", "", entry.student), [f"<td class='text'>{_text(entry.student)}</td>", _cell("why", entry.why, "text")])
              for entry in numbers.not_graded]
    return [*found, "<table>" + "".join(lines) + "</table>"]


def _times(numbers: Numbers, records: str) -> list[str]:
    found = [f"<h2>{_text(words.say('class_report.times'))}</h2>"]
    if numbers.untimed:
        found.append(_note(words.say("class_report.times_missing", count=len(numbers.untimed), graded=numbers.total.count, where=records)))
    values = numbers.time
    found.append("<table>" + _head(["submissions", "mean", "median", "min", "max", "untimed"]) + _row(("time", "", "", ""), [
        _cell("submissions", number(values.count)), _cell("mean", number(values.mean)), _cell("median", number(values.median)),
        _cell("min", number(values.minimum)), _cell("max", number(values.maximum)), _cell("untimed", number(len(numbers.untimed)))]) + "</table>")
    if numbers.times:
        found.append(_image(figures.time_histogram(list(numbers.times.values())), "histogram of grading times"))
        lines = [_head(["student", "seconds"], text=(0,))]
        lines += [_row(("time", "", "", student), [f"<td class='text'>{_text(student)}</td>", _cell("seconds", number(seconds))])
                  for student, seconds in sorted(numbers.times.items(), key=lambda item: -item[1])]
        found.append(f"<details><summary>{len(numbers.times)} submissions, slowest first</summary><table>{''.join(lines)}</table></details>")
    return found


def _scores(numbers: Numbers) -> list[str]:
    parts = list(numbers.part_scores)
    lines = [_head(["student", *parts, "total"], text=(0,))]
    for index, student in enumerate(numbers.students):
        cells = [f"<td class='text'>{_text(student)}</td>"]
        cells += [f"<td data-key='{_attribute(_key(('score', part, '', student)))}' data-measure='score'>"
                  f"{number(numbers.part_scores[part][index])}</td>" for part in parts]
        cells.append(f"<td data-key='{_attribute(_key(('score', '', '', student)))}' data-measure='total'>{number(numbers.totals[index])}</td>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    return [f"<h2>{_text(words.say('class_report.scores'))}</h2>",
            f"<details><summary>{len(numbers.students)} students</summary><table>{''.join(lines)}</table></details>"]


def _note(text: str) -> str:
    return f"<p class='note'>{_text(text)}</p>"


def _image(figure, alt: str) -> str:
    return f"<p><img alt='{_attribute(alt)}' src='{figures.png(figure)}'></p>"


def _head(names: list[str], text: tuple[int, ...] = ()) -> str:
    """A header row; the columns numbered in `text` hold text (left-aligned), the others numbers."""
    return "<tr>" + "".join(f"<th class='text'>{_text(n)}</th>" if i in text else f"<th>{_text(n)}</th>" for i, n in enumerate(names)) + "</tr>"


def _row(key: tuple[str, str, str, str], cells: list[str]) -> str:
    return f"<tr data-key='{_attribute(_key(key))}'>" + "".join(cells) + "</tr>"


def _cell(measure: str, value: str, css: str = "") -> str:
    kind = f" class='{css}'" if css else ""
    return f"<td{kind} data-measure='{_attribute(measure)}'>{_text(value)}</td>"


def _key(key: tuple[str, str, str, str]) -> str:
    """A CSV row's key as the page marks it: section, part, check and student, joined by U+241F (no one types it)."""
    return "\u241f".join(key)


def _text(text: str) -> str:
    return html.escape(str(text), quote=True)


def _attribute(text: str) -> str:
    return html.escape(str(text), quote=True)
