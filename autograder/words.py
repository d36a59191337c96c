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
    # The student's process (the hidden checks' calls into the student's code).
    "process.part_timeout": "这一部分的检查用完了时间 ({seconds:g} 秒 CPU 时间, part time limit): 你的代码太慢或陷入了死循环",
    "process.call_timeout": "你的代码超时 (timed out): 可能是死循环 (endless loop), 或者运行太慢",
    "process.not_loaded": "无法载入你的代码单元 (cells could not be loaded): {error}",
    "process.killed": "运行你代码的进程被信号 {signal} 终止 (killed by signal {signal}: 例如段错误 segfault 或内存用尽)",
    "process.exited": "运行你代码的进程以状态 {status} 退出 (exited: 例如调用了 os._exit 或崩溃)",
    "process.stopped_answering": "运行你代码的进程停止了响应 (stopped answering)",
    "answer.too_deep": "你的代码返回的结果嵌套太深 (nested too deeply)",
    "answer.bad_tensor": "你的代码返回的张量不合要求 (形状 {shape}): 过大, 或不是普通的连续张量",
    "answer.long_text": "你的代码返回的字符串过长 ({length} 个字符)",
    "answer.many_items": "你的代码返回的结果项数过多 ({length})",
    "answer.too_large": "你的代码返回的结果过大 ({size} 字节)",
    # Notes in the graded notebook.
    "notebook.visible_check_error": "可见检查 (visible checks) 出错: {name}: {value}\n",
    "notebook.output_cut": "\n[输出过多, 其余部分已截断 (output truncated)]\n",
    "notebook.kernel_died": "内核在运行这个单元格时崩溃 (the kernel died); 之后的单元格没有运行",
    # The batch grader's lines for the instructor.
    "batch.refused": "not graded: {why}; replace it with the student's own regular file (or remove it) and grade again",
    "batch.grader_error": "grader error, not the student's (not graded; its earlier grade is kept; the next run grades it again): {why}",
}


def say(key: str, /, **values: object) -> str:
    """The sentence called `key`, with `values` filled in."""
    return CATALOGUE[key].format(**values)
