"""Every sentence a student or an instructor reads, by name: the one place to review, keep consistent or translate them.

`say(name, **values)` fills one in; `failure(...)` puts a failed check's message together (what was called,
what was expected, what came back, a hint); `check_description(module, check)` is what a hidden check asks,
`part_name(grade_id)` how the feedback names a part.
The logic elsewhere never writes a sentence of its own.

The names, by who says them:

- `intake.*`, `process.*`, `answer.*`, `notebook.*`, `batch.*`: the submission's intake, the student's process,
  the graded notebook's notes and the batch grader's lines for the instructor;
- `failure.*`: the parts of a failed check's message that every check shares (`failure`);
- `value.*`: how a value the student's code returned is described in a message (`checking.verdicts`);
- `report.*`, `figure.*`: a part's report in the graded notebook (`checking.results`) and its figures (`checking.figures`);
- `feedback.part.<grade_id>`: how the feedback page's summary names each graded part (`part_name`, `autograder.feedback`);
- `class_report.*`: the class report for the instructor (`course.report`);
- `student.*` and `hint.*`: a call into the student's code that went wrong, and the hints for what usually causes it
  (`checking.student`);
- `check.<module>.<name>.<what>`: the hidden checks (`checks/<module>.py`), where <name> is a check or a helper its
  checks share; <what> is `description` (the check's question, one sentence: every check has one), `called` (how a
  call is shown), a failure (its first line, or a line or word of it), or a failure's hint `<failure>_hint` (also for
  a shared failure: `test_values.wrong_values_hint` goes with `failure.wrong_values`).

A sentence is filled in when it is said, never at import, so that another edition's catalogue can take its place.
"""

from __future__ import annotations

from collections.abc import Iterable

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
    # The class report for the instructor (`python -m autograder report`).
    "class_report.title": "Class report: {assignment}",
    "class_report.subtitle": "{graded} submissions graded, {not_graded} could not be graded. Read from {course} on {when}.",
    "class_report.totals": "Total scores",
    "class_report.totals_note": "Each graded submission's total, as the gradebook has it, out of {possible} points.",
    "class_report.parts": "Scores by part",
    "class_report.checks": "Hidden checks: pass rates",
    "class_report.checks_note": ("Of the students whose graded notebook recorded the check: a deleted grade cell records none, "
                                 "and the submissions that could not be graded are not counted."),
    "class_report.failures": "Most common failures",
    "class_report.failures_note": ("Failures of one kind (the same hint, or the same first line of the message) in one part, "
                                   "by how many students met them, with one student's message as the student reads it."),
    "class_report.no_failures": "No hidden check failed.",
    "class_report.not_graded": "Submissions that could not be graded",
    "class_report.none_not_graded": "Every submission in submitted/ was graded.",
    "class_report.times": "Grading time per submission",
    "class_report.times_missing": ("{count} of {graded} graded submissions have no recorded grading time: plain `nbgrader autograde` "
                                   "records none. `python -m autograder grade` records it, in {where}."),
    "class_report.scores": "Scores by student",
    "class_report.no_graded_notebook": ("nbgrader could not grade it (there is no readable graded notebook; "
                                        "the gradebook's row of zeros is not counted): {why}"),
    "class_report.see_the_log": "nbgrader's log says why",
    "class_report.last_grading_failed": "its last grading ({when}) failed, and the report counts the grade it had before: {why}",
    "class_report.not_in_gradebook": "in submitted/ but not in the gradebook: nbgrader autograde did not grade it (see its log), or it has not been graded yet",
    "class_report.reading": "report: reading {count} graded notebooks",
    "class_report.written": "report: {html}; the same numbers as CSV: {csv}",
    # A failed check's message (`failure`).
    "failure.expected": "期望 (expected) {value}",
    "failure.got": "得到 (got) {value}",
    "failure.hint": "提示 (hint): {hint}",
    "failure.wrong_values": "{called} 的值不对.",
    # Values in a message.
    "value.tensor": "tensor, 形状 (shape) {shape}, {dtype}, 值 [{entries}{more}]",
    "value.object": "{kind} 对象 ({repr})",
    "value.sequence": "{kind}, 长度 (length) {length}",
    "value.difference": "第 {row} 行 (row {row}): 期望 (expected) {expected}, 得到 (got) {got}",
    # A part's report.
    "report.heading": "隐藏检查 (hidden checks) {grade_id}: {score} / {possible} 分",
    # The figures under a part's report: the words inside a picture stay in English (a grading machine may have no
    # Chinese font); the caption below it is the page's text.
    "report.figure_alt": "图 (figure): {caption}",
    "figure.training.caption": ("用你的四个函数 (橙色) 和参考答案的函数 (蓝色虚线) 在同一组数据上运行同一个训练循环: "
                                "左边是每个 epoch 后的平均损失 (对数坐标 log scale), 右边是你的函数学到的 w 和 b 与真实值及其误差 (gap)."),
    "figure.training.yours": "your functions",
    "figure.training.reference": "reference",
    "figure.training.not_a_number": " ({count} not a number)",
    "figure.training.epoch": "epoch",
    "figure.training.loss": "mean loss (log scale)",
    "figure.training.loss_title": "training loss per epoch",
    "figure.training.true": "true",
    "figure.training.learned": "learned",
    "figure.training.missing": "none",
    "figure.training.params_title": "w and b after training",
    "figure.training.gap": "gap",
    "figure.training.extra": "(and more: w has {w} values, b {b})",
    "figure.visits.caption": ("data_iter(10, features, labels) 在 n={n} 个样本上的两次调用 (两个 epoch): 上图是每一批依次读到的样本编号 "
                              "(打乱时是一片散点, 没有打乱时是一条斜线), 下图是每个样本在一个 epoch 里出现的次数 "
                              "(红色: 没有出现 missed, 浅绿: 一次, 深蓝: 不止一次 repeated)."),
    "figure.visits.epoch": "epoch {epoch}",
    "figure.visits.position": "position in the epoch",
    "figure.visits.example": "example",
    "figure.visits.order_title": "examples in the order data_iter gave them (n={n}, batch_size=10)",
    "figure.visits.count_title": "times each example appeared: red = missed ({missed}), blue = repeated ({repeated})",
    # The feedback page's summary: a link to each graded part.
    "feedback.part.test_data_iter": "读取数据 data_iter",
    "feedback.part.test_linreg": "模型 linreg",
    "feedback.part.test_squared_loss": "损失函数 squared_loss",
    "feedback.part.test_sgd": "优化算法 sgd",
    "feedback.part.test_training": "训练 (training)",
    "feedback.part.test_vectorized": "矢量计算 (vectorization)",
    # A call into the student's code that went wrong, and what usually causes it.
    "student.cell_broken": "单元格 `{name}` 无法运行 (the cell raised {error_type}), 所以 {name} 没有被定义:",
    "student.call_failed": "调用 (called) {called} 时出错:",
    "student.training_called": "训练循环 (training loop: lr={lr}, num_epochs={num_epochs}, batch_size={batch_size})",
    "hint.fix_the_cell": "修正这个单元格, 然后从头运行整个 notebook 确认没有错误.",
    "hint.not_implemented": "这个函数还没有实现: 请删掉 `raise NotImplementedError()`, 在单元格里写出你的代码 (fill in the blank).",
    "hint.name_error": ("函数里用到了一个未定义的名字: 函数只应使用它的参数 (use the function's arguments, not notebook globals), "
                        "或在单元格中 import 需要的模块."),
    "hint.runtime_error": "检查各个张量的形状 (shape) 和 dtype; 原地修改 (in-place) 参数时, 更新不能被 autograd 记录 (torch.no_grad() 或 .data).",
    "hint.type_error": "检查函数的参数个数与顺序, 以及返回值的类型.",
    "hint.memory": "结果大得放不下: 检查形状 (shape), 例如 (n, 1) 减 (n,) 会广播 (broadcast) 成 (n, n); 先把 y 变成 y_hat 的形状.",
    "hint.training": "训练循环只调用你的四个函数: 先让 data_iter、linreg、squared_loss、sgd 各自的检查都通过, 出错的单元格和行号见上.",
    # The hidden checks of data_iter.
    "check.test_data_iter.batches.called": "data_iter({batch_size}, features, labels), features 形状 ({n}, {d}), labels 形状 ({n},)",
    "check.test_data_iter.batches.too_many": "{called} 一个 epoch 给出了 {rows} 个样本, 而数据只有 {n} 个.",
    "check.test_data_iter.batches.too_many_hint": "每个样本每个 epoch 只应出现一次.",
    "check.test_data_iter.batches.not_a_pair": "{called} 的第 {k} 项 (item {k}) 应当是一对张量 (X, y), 得到 (got) {got}.",
    "check.test_data_iter.batches.not_a_pair_hint": "用 `yield X_batch, y_batch`.",
    "check.test_data_iter.batches.bad_shapes": "{called} 的第 {k} 批: X 应为 (批量, {d}), y 应为 (批量,), 得到 X {x_shape}, y {y_shape}.",
    "check.test_data_iter.test_yields_pairs_of_tensors.description": "data_iter 产生 (yield) 一对对张量 (X, y)",
    "check.test_data_iter.test_yields_pairs_of_tensors.no_batch": "data_iter(10, features, labels) 没有产生任何批量 (no batch).",
    "check.test_data_iter.test_batch_sizes.description": "每批 batch_size 个样本, 最后一批可以更小 (n=103, batch_size=10: 10 批 10 个和 1 批 3 个)",
    "check.test_data_iter.test_batch_sizes.wrong": ("data_iter({batch_size}, features, labels), n={n}: 期望批量大小 (expected batch sizes) {expected},\n"
                                                    "  得到 (got) {sizes}."),
    "check.test_data_iter.test_batch_sizes.wrong_hint": "用 range(0, n, batch_size) 分批, 最后一批取 min(i + batch_size, n) 为止, 不要丢掉它.",
    "check.test_data_iter.test_every_example_appears.description": "一个 epoch 里每个样本都出现 (包括 n 不是 batch_size 倍数时)",
    "check.test_data_iter.test_every_example_appears.missing": ("data_iter(10, features, labels), n=103: 样本 {missing} 没有出现在任何批量中 "
                                                                "(missing examples, {count} in all)."),
    "check.test_data_iter.test_every_example_appears.missing_hint": ("打乱 0..n-1 的全部下标后按顺序切分; 别丢掉最后不满的一批, "
                                                                     "也别有放回地抽样 (sampling with replacement)."),
    "check.test_data_iter.test_no_example_repeated.description": "一个 epoch 里每个样本只出现一次 (不放回, without replacement)",
    "check.test_data_iter.test_no_example_repeated.repeated": "data_iter(10, features, labels), n=103: 样本 {repeated} 在一个 epoch 中出现了不止一次.",
    "check.test_data_iter.test_no_example_repeated.repeated_hint": "打乱一次下标 (random.shuffle 或 torch.randperm) 而不是每批随机抽取 (torch.randint).",
    "check.test_data_iter.test_features_and_labels_stay_paired.description": "每批的 X 和 y 仍然一一对应 (features and labels stay paired)",
    "check.test_data_iter.test_features_and_labels_stay_paired.unpaired": ("data_iter(10, features, labels) 的第 {k} 批: 第 {row} 行的标签 (label) {label} "
                                                                           "不属于该行的样本 (expected {expected})."),
    "check.test_data_iter.test_features_and_labels_stay_paired.unpaired_hint": "features 和 labels 要用同一组下标 (the same indices) 取出.",
    "check.test_data_iter.test_order_is_random.description": "样本以随机顺序读取 (shuffled)",
    "check.test_data_iter.test_order_is_random.in_order": "data_iter(10, features, labels) 按原来的顺序 0, 1, 2, … 读取样本, 没有打乱 (not shuffled).",
    "check.test_data_iter.test_order_is_random.in_order_hint": "用 random.shuffle(indices) 或 torch.randperm(n) 打乱下标.",
    "check.test_data_iter.test_order_differs_between_epochs.description": "两次调用 (两个 epoch) 的顺序不同",
    "check.test_data_iter.test_order_differs_between_epochs.same_order": "两次调用 data_iter(10, features, labels) 得到了完全相同的样本顺序.",
    "check.test_data_iter.test_order_differs_between_epochs.same_order_hint": ("每次调用都应重新打乱; "
                                                                               "不要在函数里固定随机种子 (random.seed / torch.manual_seed)."),
    "check.test_data_iter.test_uses_its_arguments.description": "只使用传入的张量, 不用 notebook 里的全局变量 (n=37, 5 个特征, batch_size=4)",
    "check.test_data_iter.test_uses_its_arguments.other_rows": ("data_iter(4, features, labels), features 形状 (37, 5): "
                                                                "第 {k} 批的 X 不是传入的 features 中的行."),
    "check.test_data_iter.test_uses_its_arguments.other_rows_hint": "函数应当只用参数 features、labels 和 batch_size, 而不是 notebook 里的全局变量.",
    # The hidden checks of linreg.
    "check.test_linreg.inputs.called": "linreg(X, w, b), X 形状 ({n}, {d}), w 形状 ({d}, 1), b 形状 (1,)",
    "check.test_linreg.check_gradient.called": "{called}, 然后 .sum().backward()",
    "check.test_linreg.check_gradient.wrong": "对 linreg(X, w, b).sum() 反向传播后, {name}.grad 应为 {expected}, 得到 (got) {got}.",
    "check.test_linreg.test_values.description": "linreg 的值等于 Xw + b (几种样本数与特征数)",
    "check.test_linreg.test_values.not_a_tensor": "{called} 应返回一个张量 (tensor), 得到 (got) {got}.",
    "check.test_linreg.test_values.wrong_values_hint": "ŷ = Xw + b, 用 torch.mm(X, w) + b 或 X @ w + b; 别忘了偏差 (bias) b.",
    "check.test_linreg.test_shape.description": "linreg 返回形状 (n, 1)",
    "check.test_linreg.test_shape.wrong": "{called} 应返回形状 ({n}, 1) 的张量, 得到 (got) {got}.",
    "check.test_linreg.test_shape.wrong_hint": "w 的形状是 (d, 1), 矩阵乘法 X @ w 就得到 (n, 1); 不要 squeeze 或 reshape 成 (n,).",
    "check.test_linreg.test_gradient_reaches_w.description": "梯度能传到 w (gradients reach w)",
    "check.test_linreg.test_gradient_reaches_w.wrong_hint": "直接用 torch 运算计算 Xw + b; 不要用 .detach()、.numpy() 或 .item(), 它们会切断梯度.",
    "check.test_linreg.test_gradient_reaches_b.description": "梯度能传到 b (gradients reach b)",
    "check.test_linreg.test_gradient_reaches_b.wrong_hint": "结果里要加上偏差 b (+ b), 梯度才能传到 b.",
    # The hidden checks of squared_loss.
    "check.test_squared_loss.loss_of.called": "squared_loss(y_hat, y), y_hat 形状 ({n}, 1), y 形状 {y_shape}",
    "check.test_squared_loss.test_per_example.description": "返回每个样本的损失, 不求和也不求平均 (not reduced)",
    "check.test_squared_loss.test_per_example.reduced": "{called} 应返回 6 个样本各自的损失 (形状 (6, 1)), 得到 (got) {got}.",
    "check.test_squared_loss.test_per_example.reduced_hint": "不要调用 .sum() 或 .mean(); 训练循环会自己求和.",
    "check.test_squared_loss.test_half_squared_error.description": "每个样本的损失等于 ½(ŷ − y)²",
    "check.test_squared_loss.test_half_squared_error.wrong_values_hint": "损失是 (y_hat - y) ** 2 / 2, 注意系数 ½.",
    "check.test_squared_loss.test_no_broadcast.description": "y 的形状为 (n,) 时不会广播成 (n, n)",
    "check.test_squared_loss.test_no_broadcast.broadcast": "{called}:",
    "check.test_squared_loss.test_no_broadcast.broadcast_hint": "(5, 1) 减 (5,) 会广播 (broadcast) 成 (5, 5); 先用 y.view(y_hat.shape) 把 y 变成 y_hat 的形状.",
    "check.test_squared_loss.test_gradient.description": "对 y_hat 的梯度与参考答案一致",
    "check.test_squared_loss.test_gradient.wrong": "对 {called} 的 .sum() 反向传播后, y_hat.grad 应为 {expected}, 得到 (got) {got}.",
    "check.test_squared_loss.test_gradient.wrong_hint": "½(ŷ − y)² 对 ŷ 的导数是 ŷ − y; 用 torch 运算计算, 不要切断梯度.",
    # The hidden checks of sgd.
    "check.test_sgd.check_update.wrong": "sgd([w, b], lr={lr}, batch_size={batch_size}) 之后 params[{k}] 应为 param − {lr}·grad/{batch_size}:",
    "check.test_sgd.check_update.unchanged_hint": "传入的张量根本没有改变: 先修正原地 (in place) 修改的问题 (见第一项检查).",
    "check.test_sgd.test_changes_the_given_tensors.description": "原地 (in place) 修改传入的那些张量本身",
    "check.test_sgd.test_changes_the_given_tensors.unchanged": "调用 sgd([w, b], lr=0.03, batch_size=10) 之后, 传入的张量 params[{k}] 没有改变.",
    "check.test_sgd.test_changes_the_given_tensors.unchanged_hint": (
        "`param = param - ...` 只是给局部变量重新赋值 (rebinds a local name);\n"
        "  要修改张量本身: `param.data -= ...`, 或在 `with torch.no_grad():` 中写 `param -= ...`."),
    "check.test_sgd.test_divides_by_batch_size.description": "更新量是 lr · grad / batch_size",
    "check.test_sgd.test_divides_by_batch_size.wrong_hint": "损失是对小批量求和的, 所以要除以 batch_size: param -= lr * param.grad / batch_size.",
    "check.test_sgd.test_every_parameter.description": "更新 params 中的每一个张量 (这里是 3 个不同形状的张量)",
    "check.test_sgd.test_every_parameter.not_updated": "sgd(params, lr=0.03, batch_size=10) 传入 3 个参数 (形状 {shapes}), 其中 params{unchanged} 没有被更新.",
    "check.test_sgd.test_every_parameter.not_updated_hint": "用 for param in params: 循环更新每一个参数.",
    "check.test_sgd.test_uses_its_arguments.description": "使用它自己的参数 lr 和 batch_size (lr=0.5, batch_size=4), 而不是全局变量",
    "check.test_sgd.test_uses_its_arguments.wrong_hint": "用函数的参数 lr 和 batch_size, 不要用 notebook 里的全局变量; 别忘了除以 batch_size.",
    "check.test_sgd.test_autograd_still_works.description": "更新后参数仍是需要梯度的叶子张量, 还能继续反向传播",
    "check.test_sgd.test_autograd_still_works.broken": ("sgd([w, b], lr=0.03, batch_size=10) 之后: requires_grad {requires_grad}, is_leaf {is_leaf}, "
                                                        "再次反向传播 (backward): {backward}."),
    "check.test_sgd.test_autograd_still_works.backward_fine": "正常",
    "check.test_sgd.test_autograd_still_works.broken_hint": "更新不应被 autograd 记录: 用 param.data, 或放在 `with torch.no_grad():` 里.",
    # The hidden checks of training.
    "check.test_training.test_learns_w.description": "用你的四个函数在新数据上训练 3 个 epoch 后, 学到的 w 接近真实值",
    "check.test_training.test_learns_w.far": ("用你的 data_iter、linreg、squared_loss、sgd 在另一组数据 (1000 个样本, 2 个特征) 上训练 3 个 epoch "
                                              "(lr=0.03, batch_size=10) 后, w 与真实值的最大误差为 {gap:.4g}, 容差 (tolerance) {tolerance}."),
    "check.test_training.test_learns_w.losses": "每个 epoch 的平均损失 (losses): {losses}",
    "check.test_training.test_learns_w.far_hint": "先让上面四个函数的检查全部通过; 损失不下降通常是 sgd 或 squared_loss 有问题.",
    "check.test_training.test_learns_b.description": "用你的四个函数在新数据上训练 3 个 epoch 后, 学到的 b 接近真实值",
    "check.test_training.test_learns_b.far": "用你的四个函数在另一组数据上训练 3 个 epoch 后, b 与真实值的最大误差为 {gap:.4g}, 容差 {tolerance}.",
    "check.test_training.test_learns_b.far_hint": "先让上面四个函数的检查都通过; b 学不到, 常见原因是 linreg 没有加上 b, 或 sgd 没有更新每一个参数.",
    "check.test_training.test_notebook_trained_parameters.description": "notebook 中训练得到的 w 和 b 接近真实值",
    "check.test_training.test_notebook_trained_parameters.not_found": "没有找到 notebook 训练得到的参数: test_training 单元格没有运行到最后.",
    "check.test_training.test_notebook_trained_parameters.not_found_hint": ("从头运行整个 notebook (Kernel → Restart Kernel and Run All Cells…), "
                                                                           "确认训练单元格没有报错."),
    "check.test_training.test_notebook_trained_parameters.far": ("notebook 训练得到 w = {w}, b = {b}; 与真实值 w = {true_w}, b = {true_b} "
                                                                 "的最大误差 w: {w_error:.4g}, b: {b_error:.4g}, 容差 {tolerance}."),
    "check.test_training.test_notebook_trained_parameters.far_hint": ("训练单元格用的是你的四个函数: 先让它们的检查都通过, "
                                                                      "再从头运行整个 notebook (Kernel → Restart Kernel and Run All Cells…)."),
    # The hidden checks of speed.
    "check.test_vectorized.check_vectorized.called": "{name}, {n} 个样本",
    "check.test_vectorized.check_vectorized.more_operations": (
        "{name} 处理 {small} 个样本时调用了 {small_count} 次张量运算 (torch functions and tensor methods), "
        "处理 {large} 个样本时调用了 {large_count} 次: 运算次数随样本数增长, 说明有一个逐个样本的 Python 循环 (a loop over the examples)."),
    "check.test_vectorized.check_vectorized.more_operations_hint": "不要逐个样本计算; 用整个张量的运算 (矢量计算 vectorization), 例如 {written}.",
    "check.test_vectorized.check_vectorized.slow": (
        "{name} 在 {n} 个样本上每次调用用了 {seconds:.4f} 秒 CPU 时间, 是书中的矢量写法 {written} ({yardstick:.6f} 秒) 的 {ratio:.0f} 倍, "
        "上限是 {factor} 倍 (在同一个进程里单线程轮流计时, 与机器忙不忙无关)."),
    "check.test_vectorized.check_vectorized.slow_hint": ("不要用 Python 循环逐个样本计算 (也不要遍历 .tolist() 或 numpy 数组); "
                                                         "用整个张量的运算 (矢量计算 vectorization), 例如 {written}."),
    "check.test_vectorized.test_linreg_is_vectorized.description": ("linreg 对整批样本用矢量计算 (vectorized): 运算次数不随样本数增长, "
                                                                    "10⁵ 个样本的用时与书中写法相当"),
    "check.test_vectorized.test_squared_loss_is_vectorized.description": ("squared_loss 对整批样本用矢量计算 (vectorized): 运算次数不随样本数增长, "
                                                                          "10⁵ 个样本的用时与书中写法相当"),
}


def say(key: str, /, **values: object) -> str:
    """The sentence called `key`, with `values` filled in."""
    return CATALOGUE[key].format(**values)


def failure(headline: str, /, *, expected: str | None = None, got: str | None = None, more: Iterable[str] = (),
            hint: str | None = None) -> str:
    """A failed check's message, from parts already in words: the `headline` (what was called, what is wrong), then
    what was `expected`, what it `got`, `more` lines, and the `hint`; a part not given (or empty) is left out.

    Each of `expected`, `got` and `more` is one indented line: a value that spans lines keeps its own line breaks.
    """
    lines = [headline]
    lines += ["  " + say("failure.expected", value=expected)] if expected is not None else []
    lines += ["  " + say("failure.got", value=got)] if got is not None else []
    lines += ["  " + line for line in more]
    lines += [say("failure.hint", hint=hint)] if hint else []
    return "\n".join(lines)


def check_description(module: str, check: str) -> str:
    """What the hidden check `check` of `checks/<module>.py` asks, for the student ("" if the catalogue has no words for it)."""
    return CATALOGUE.get(f"check.{module}.{check}.description", "")


def part_name(grade_id: str) -> str:
    """How the feedback names the part graded in the cell `grade_id` ("" if the catalogue has no name for it)."""
    return CATALOGUE.get(f"feedback.part.{grade_id}", "")
