"""Every sentence a student or an instructor reads, by name: the one place to review, keep consistent or translate them.

`say(name, **values)` fills one in. The logic elsewhere never writes a sentence of its own.
"""

from __future__ import annotations

CATALOGUE: dict[str, str] = {
    # What of a submission folder is left out (intake).
    "intake.link": "这是一个链接 (a link), 未评分也未复制 (not graded, not copied)",
    "intake.special": "这不是普通文件 (a FIFO, device or socket), 未评分也未复制 (not graded, not copied)",
    "intake.too_large": "文件太大 ({size:.1f} MiB, 上限 {limit:.1f} MiB: too large), 未评分也未复制 (not graded, not copied)",
    "intake.too_many_files": "文件夹里的文件太多 (over {limit} files), 未评分也未复制 (not graded, not copied)",
    "intake.not_a_folder": "{name} 不是一个普通的文件夹 (a link, or not a folder)",
    "intake.left_out_line": "warning: {student}: {name}: {why}",
    "intake.refused_line": ("error: {student}: not graded: {why}; replace it with the student's own regular file "
                            "(or remove it) and grade again"),
    "intake.note": "注意 (note): 你提交的文件夹里有这些内容没有被评分, 也没有被复制:\n{entries}\n",
    # The batch grader's lines for the instructor.
    "batch.refused": "not graded: {why}; replace it with the student's own regular file (or remove it) and grade again",
    "batch.grader_error": "grader error, not the student's (not graded; its earlier grade is kept; the next run grades it again): {why}",
}


def say(key: str, /, **values: object) -> str:
    """The sentence called `key`, with `values` filled in."""
    return CATALOGUE[key].format(**values)
