"""可见检查 (visible checks): notebook 里每个检查单元格调用这里的一个函数, 自检 (pytest) 也用到它们。

每个检查用几个可以在纸上手算的小例子调用你的函数, 每通过一项打印一行 ✓; 没通过时报错, 错误信息写明
调用了什么、期望得到什么、实际得到了什么, 以及一条提示 (hint)。检查单元格只有几行, 所以 Validate 和
notebook 显示的是这句说明, 而不是一页检查代码。这里的函数带有 `__tracebackhide__ = True`: Jupyter 和
pytest 显示错误时跳过它们自己的代码。这些检查不是评分用的隐藏检查 (hidden checks), 评分时的检查更多。

矢量化检查 `check_vectorized` 与评分时的隐藏检查用同样的办法判断, 所以在空闲的笔记本电脑上和在很忙的
服务器 (JupyterHub) 上结论相同:

1. 数一数函数调用了多少次张量运算 (torch 的函数和张量的方法): 矢量化的实现不管有多少个样本, 都只调用
   那么几次; 逐个样本的 Python 循环每多一个样本就要多调用几次。
2. 在 10^5 个样本上, 用 CPU 时间 (time.process_time, 而不是墙上时间) 比较你的函数和书中的矢量写法:
   单线程, 轮流计时 (书中写法、你的函数、书中写法、你的函数……), 每一方取最短的一轮。机器上别的程序
   不会让任何一方的 CPU 时间变长。遍历 .tolist() 或 numpy 数组的循环要慢几百倍; 上限是 50 倍。
"""

import time
import unicodedata

import torch
from torch.overrides import TorchFunctionMode

RESTART = "Kernel → Restart Kernel and Run All Cells…"
"""JupyterLab 4 里从头运行整个 notebook 的菜单项。"""
TOLERANCE = 0.02
"""训练 3 个迭代周期后, 学到的 w、b 与真实值最多相差多少 (评分时的隐藏检查用同样的容差)。"""


# ---------------------------------------------------------------------------------------------
# 共用的小工具
# ---------------------------------------------------------------------------------------------


WIDTH = 80
"""Jupyter 显示检查的说明时每行最多这么宽 (一个汉字算两个字符): Validate 的对话框不自动换行, 太长的行会被截掉。"""


def wrapped(text, width=WIDTH):
    """把 text 折成每行不超过 width 宽的几行 (尽量在空格和标点处断开), 续行缩进 4 格。"""
    lines = []
    for paragraph in text.split("\n"):
        line, cut = "", 0
        for char in paragraph:
            line += char
            if char in " ,;:)。,;:、)":
                cut = len(line)
            if columns(line) > width:
                cut = cut if cut > 4 else len(line) - 1
                lines.append(line[:cut].rstrip())
                line, cut = "    " + line[cut:].lstrip(), 0
        lines.append(line)
    return "\n".join(lines)


def columns(text):
    """text 在等宽字体里占几列: 汉字和全角标点占两列。"""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def explained(error):
    """让 Jupyter 只显示这个错误的说明 (折成几行), 不显示调用栈 (traceback): 说明里已经写明了一切。

    IPython 显示错误时, 如果错误有 `_render_traceback_()`, 就用它给出的几行; 错误的类型不变
    (AssertionError、NotImplementedError), notebook 和 nbgrader 记录的也是这个类型。
    """
    error._render_traceback_ = lambda: wrapped(f"{type(error).__name__}: {error}").split("\n")
    return error


def failure(message):
    """一项检查没通过时的 AssertionError, Jupyter 只显示它的说明。"""
    return explained(AssertionError(message))


def ok(text):
    """一项检查通过了: 打印一行 ✓。"""
    print(f"✓ {text}")


def fail(called, expected, got, hint=None):
    """一项检查没通过: 报错 (AssertionError), 写明调用了什么、期望什么、实际得到什么, 以及提示。"""
    __tracebackhide__ = True
    message = f"{called}\n  期望 (expected): {expected}\n  实际 (got): {got}"
    raise failure(message + (f"\n  提示 (hint): {hint}" if hint else ""))


def expect(condition, called, expected, got, hint=None):
    """condition 不成立时, 像 fail 一样报错。"""
    __tracebackhide__ = True
    if not condition:
        fail(called, expected, got() if callable(got) else got, hint)


def shown(value):
    """值的简短写法: 小张量写出数值 (保留 4 位小数), 大张量只写形状, 不是张量时写出类型。"""
    if not isinstance(value, torch.Tensor):
        return f"{value!r} ({type(value).__name__}, 不是张量 tensor)" if value is not None else "None"
    if value.numel() > 12:
        return f"形状 {tuple(value.shape)} 的张量"
    return str(value.detach().double().mul(1e4).round().div(1e4).tolist())


def shape_of(value):
    return tuple(value.shape) if isinstance(value, torch.Tensor) else f"{type(value).__name__} (不是张量 tensor)"


def close(got, want):
    """got 是与 want 形状相同、数值相等 (误差 1e-5 以内) 的张量吗?"""
    return (isinstance(got, torch.Tensor) and tuple(got.shape) == tuple(want.shape)
            and torch.allclose(got.detach().double(), want.double(), atol=1e-5, rtol=1e-5))


def call(name, fn, *args, **kwargs):
    """调用你的函数 fn; 还是 raise NotImplementedError() 时, 只说一句 "还没有实现", 不显示调用栈。"""
    __tracebackhide__ = True
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise explained(NotImplementedError(f"{name} 还没有实现: 请先完成上面的 {name} 单元格 (fill in the cell above)")) from None


# ---------------------------------------------------------------------------------------------
# data_iter
# ---------------------------------------------------------------------------------------------


def batches_of(data_iter, batch_size, features, labels):
    """data_iter(batch_size, features, labels) 给出的全部小批量 (X, y), 检查过每一个都是两个张量。"""
    __tracebackhide__ = True
    called = f"data_iter({batch_size}, features {tuple(features.shape)}, labels {tuple(labels.shape)})"
    result = call("data_iter", data_iter, batch_size, features, labels)
    expect(result is not None and hasattr(result, "__iter__"), called, "一个生成器 (函数体里用 yield) 或可迭代对象",
           lambda: shown(result), "用 yield 逐个给出 (X, y), 或者返回一个列表")
    batches = call("data_iter", list, result)
    for item in batches:
        expect(isinstance(item, (tuple, list)) and len(item) == 2 and all(isinstance(t, torch.Tensor) for t in item),
               called, "每次给出一对张量 (X, y)", lambda: repr(item)[:120], "yield X, y")
    return called, batches


def check_data_iter(data_iter):
    """data_iter 的可见检查: 5 个样本、batch_size=2, 以及 100 个样本、batch_size=7。"""
    __tracebackhide__ = True
    # 第 i 个样本的特征是 [2i, 2i+1], 标签是 10i: 从一行特征就能认出它是哪个样本、标签应是多少。
    called, batches = batches_of(data_iter, 2, torch.arange(10.).reshape(5, 2), torch.arange(5.) * 10)
    sizes = [len(y) for X, y in batches]
    expect(sizes == [2, 2, 1], called, "3 个小批量, 大小为 [2, 2, 1]",
           f"{len(sizes)} 个小批量, 大小为 {sizes[:10]}{' ...' if len(sizes) > 10 else ''}",
           "是不是用了全局变量 features、labels、batch_size, 而不是传进来的参数?" if sum(sizes) != 5 else
           "每次取 batch_size 个下标, 最后一批取剩下的")
    for X, y in batches:
        expect(tuple(X.shape) == (len(y), 2) and tuple(y.shape) == (len(y),), called, "X 形状 (k, 2), y 形状 (k,)",
               f"X {tuple(X.shape)}, y {tuple(y.shape)}", "X 取 features 的行, y 取 labels 的同一些元素")
    ok("5 个样本、batch_size=2: 小批量大小为 [2, 2, 1], 形状正确")
    rows = sorted(int(r) for X, y in batches for r in X[:, 0] / 2)
    expect(rows == [0, 1, 2, 3, 4], called, "每个样本恰好出现一次, 样本下标 [0, 1, 2, 3, 4]", rows,
           "先打乱全部下标, 再一段一段地取, 不要有放回地随机抽样")
    ok("每个样本恰好出现一次")
    for X, y in batches:
        expect(torch.equal(y, X[:, 0] / 2 * 10), called, f"X = {X.tolist()} 对应的标签 {(X[:, 0] / 2 * 10).tolist()}",
               y.tolist(), "特征和标签要用同一组下标来取")
    ok("特征和标签保持配对")

    called, batches = batches_of(data_iter, 7, torch.arange(100.).reshape(100, 1), torch.arange(100.))
    sizes = [len(y) for X, y in batches]
    expect(sizes == [7] * 14 + [2], called, "14 个大小为 7 的小批量和 1 个大小为 2 的小批量", sizes)
    order = torch.cat([y for X, y in batches]).tolist()
    expect(sorted(order) == list(range(100)), called, "恰好给出每个样本一次", f"{len(order)} 个样本, 其中 {len(set(order))} 个不同")
    ok("100 个样本、batch_size=7: 最后一个小批量大小为 2")
    expect(order != list(range(100)), called, "随机打乱的顺序", "按 0, 1, ..., 99 的原始顺序给出",
           "用 random.shuffle 打乱下标, 或者用 torch.randperm(n)")
    ok("样本顺序被随机打乱")


# ---------------------------------------------------------------------------------------------
# linreg
# ---------------------------------------------------------------------------------------------


def check_linreg(linreg):
    """linreg 的可见检查: 两个手算的例子, 以及梯度能传回 w 和 b。"""
    __tracebackhide__ = True
    X = torch.tensor([[1., 2.], [3., 4.]])
    w = torch.tensor([[1.], [-1.]], requires_grad=True)
    b = torch.tensor([0.5], requires_grad=True)
    called = "linreg(X = [[1., 2.], [3., 4.]], w = [[1.], [-1.]], b = [0.5])"
    y_hat = call("linreg", linreg, X, w, b)
    # 手算: 1*1 + 2*(-1) + 0.5 = -0.5, 3*1 + 4*(-1) + 0.5 = -0.5
    expect(shape_of(y_hat) == (2, 1), called, "形状 (2, 1)", lambda: shape_of(y_hat),
           "用矩阵乘法 torch.mm(X, w): (2, 2) 乘 (2, 1) 得到 (2, 1)")
    without_b = close(y_hat, torch.tensor([[-1.], [-1.]]))
    expect(close(y_hat, torch.tensor([[-0.5], [-0.5]])), called, "[[-0.5], [-0.5]]", lambda: shown(y_hat),
           "结果正好是 Xw, 少了偏差 b: 预测是 Xw + b" if without_b else "预测是 Xw + b (矩阵乘法再加上 b)")
    ok("linreg([[1., 2.], [3., 4.]], [[1.], [-1.]], [0.5]) = [[-0.5], [-0.5]]")

    called = "linreg(X = 单位矩阵 (3, 3), w = [[1.], [2.], [3.]], b = [10.])"
    y_eye = call("linreg", linreg, torch.eye(3), torch.tensor([[1.], [2.], [3.]]), torch.tensor([10.]))
    expect(close(y_eye, torch.tensor([[11.], [12.], [13.]])), called, "[[11.], [12.], [13.]] (X 为单位矩阵时, 预测就是 w 加上 b)",
           lambda: shown(y_eye), "不要假定特征个数 d 是 2: 用 torch.mm(X, w)")
    ok("linreg(单位矩阵, [[1.], [2.], [3.]], [10.]) = [[11.], [12.], [13.]] (d = 3 也可以)")

    # 手算: 对预测之和求梯度, w 的梯度是 X 每列之和 [[4.], [6.]], b 的梯度是样本个数 [2.]
    y_hat.sum().backward()
    expect(close(w.grad, torch.tensor([[4.], [6.]])) and close(b.grad, torch.tensor([2.])),
           "linreg(X = [[1., 2.], [3., 4.]], w, b).sum().backward()", "w.grad = [[4.], [6.]] (X 每列之和), b.grad = [2.] (样本个数)",
           lambda: f"w.grad = {shown(w.grad)}, b.grad = {shown(b.grad)}",
           "w 和 b 都要参与计算; 不要用 .data / .detach() / .numpy() 切断自动求梯度")
    ok("梯度能传回 w 和 b")


# ---------------------------------------------------------------------------------------------
# squared_loss
# ---------------------------------------------------------------------------------------------


def check_squared_loss(squared_loss):
    """squared_loss 的可见检查: y 形状为 (3,) 和 (3, 1) 时的手算例子。"""
    __tracebackhide__ = True
    y_hat = torch.tensor([[1.], [2.], [4.]])
    y = torch.tensor([1., 4., 1.])
    called = "squared_loss(y_hat = [[1.], [2.], [4.]] (3, 1), y = [1., 4., 1.] (3,))"
    loss = call("squared_loss", squared_loss, y_hat, y)
    expect(shape_of(loss) == (3, 1), called, "形状 (3, 1), 每个样本一个损失", lambda: shape_of(loss),
           "先把 y 变形成 y_hat 的形状 (y.view(y_hat.size())) 再相减: (3, 1) 减 (3,) 会广播 (broadcast) 成 (3, 3)"
           if shape_of(loss) == (3, 3) else "不要求和或求平均, 也不要改变 y_hat 的形状")
    ok("y 的形状为 (3,) 时, 结果形状为 (3, 1) 而不是 (3, 3)")
    # 手算: (1-1)²/2 = 0, (2-4)²/2 = 2, (4-1)²/2 = 4.5
    expect(close(loss, torch.tensor([[0.], [2.], [4.5]])), called, "[[0.], [2.], [4.5]]", lambda: shown(loss),
           "每个样本的损失是 (y_hat - y) ** 2 / 2")
    ok("squared_loss([[1.], [2.], [4.]], [1., 4., 1.]) = [[0.], [2.], [4.5]]")
    called = "squared_loss(y_hat = [[1.], [2.], [4.]] (3, 1), y = [[1.], [4.], [1.]] (3, 1))"
    loss = call("squared_loss", squared_loss, y_hat, y.reshape(3, 1))
    expect(close(loss, torch.tensor([[0.], [2.], [4.5]])), called, "[[0.], [2.], [4.5]]", lambda: shown(loss),
           "y 已经是 (n, 1) 时也要能用: y.view(y_hat.size()) 两种形状都适用")
    ok("y 的形状为 (3, 1) 时结果相同")


# ---------------------------------------------------------------------------------------------
# sgd
# ---------------------------------------------------------------------------------------------


def check_sgd(sgd):
    """sgd 的可见检查: 手算一步更新, 原地修改, 更新不被自动求梯度记录。"""
    __tracebackhide__ = True
    w = torch.tensor([[1.], [2.]], requires_grad=True)
    b = torch.tensor([0.], requires_grad=True)
    w.grad, b.grad = torch.tensor([[2.], [4.]]), torch.tensor([1.])
    params = [w, b]
    called = "sgd([w, b], lr=0.5, batch_size=2), w = [[1.], [2.]], w.grad = [[2.], [4.]], b = [0.], b.grad = [1.]"
    try:
        call("sgd", sgd, params, lr=0.5, batch_size=2)
    except RuntimeError as error:
        fail(called, "原地更新 w 和 b", f"{type(error).__name__}: {error}",
             "用 param.data 更新, 或者把更新放进 with torch.no_grad() 块里")
    # 手算: w = [[1.], [2.]] - 0.5 * [[2.], [4.]] / 2 = [[0.5], [1.]], b = [0.] - 0.5 * [1.] / 2 = [-0.25]
    expect(params[0] is w and params[1] is b, called, "params 列表里仍是原来的 w、b", "列表里的元素被换成了别的张量",
           "原地修改这些张量本身 (param.data -= ...), 不要替换列表的元素")
    expect(close(w, torch.tensor([[0.5], [1.]])), called, "w 变为 [[0.5], [1.]]", lambda: f"w = {shown(w)}",
           "param = param - ... 只是让局部变量指向新张量, 外面的 w 不变: 用 param.data -= ...; 别忘了除以 batch_size")
    ok("w 被原地更新为 [[0.5], [1.]]")
    expect(close(b, torch.tensor([-0.25])), called, "b 变为 [-0.25]", lambda: f"b = {shown(b)}", "params 里的每个参数都要更新")
    ok("b 被原地更新为 [-0.25]")
    expect(w.requires_grad and b.requires_grad and w.grad_fn is None and b.grad_fn is None, called,
           "w、b 仍是需要梯度的叶子张量 (requires_grad=True, grad_fn 为 None)",
           lambda: f"w.requires_grad = {w.requires_grad}, w.grad_fn = {w.grad_fn}; b.requires_grad = {b.requires_grad}, b.grad_fn = {b.grad_fn}",
           "更新不能被自动求梯度记录: 用 param.data, 或者放进 with torch.no_grad() 块里")
    ok("更新没有被自动求梯度记录, w、b 仍然需要梯度")


# ---------------------------------------------------------------------------------------------
# 训练
# ---------------------------------------------------------------------------------------------


def check_training_finished(epoch_losses, num_epochs, data_iter, linreg, squared_loss, sgd):
    """训练单元格跑完了 num_epochs 个迭代周期吗? 没跑完时, 找出是哪个函数让训练出错。"""
    __tracebackhide__ = True
    if len(epoch_losses) == num_epochs:
        ok(f"训练跑完了 {num_epochs} 个迭代周期")
        return
    called = "训练 (上面的训练单元格)"
    expected = f"{num_epochs} 个迭代周期的损失"
    got = f"{len(epoch_losses)} 个"
    cause = training_failure(data_iter, linreg, squared_loss, sgd)
    fail(called, expected, got, f"{cause}; 改好之后从头运行整个 notebook ({RESTART})")


def training_failure(data_iter, linreg, squared_loss, sgd):
    """用 4 个样本走一遍训练的一步 (与训练单元格相同的调用), 说出第一个出错的地方。"""
    functions = {"data_iter": (data_iter, 3), "linreg": (linreg, 3), "squared_loss": (squared_loss, 2), "sgd": (sgd, 3)}
    missing = []
    for name, (fn, arity) in functions.items():
        try:
            result = fn(*[None] * arity)
            if name == "data_iter":
                next(iter(result))
        except NotImplementedError:
            missing.append(name)
        except Exception:
            pass  # 用 None 调用出别的错很正常: 下面用真的输入再试
    if missing:
        return f"{'、'.join(missing)} 还没有实现: 请先完成 {'、'.join(missing)} 单元格 (fill in the blank)"
    X, y = torch.tensor([[1., 2.], [3., 4.], [5., 6.], [7., 8.]]), torch.tensor([1., 2., 3., 4.])
    w, b = torch.zeros(2, 1, requires_grad=True), torch.zeros(1, requires_grad=True)
    step, culprit = "用 data_iter 取小批量时", "data_iter"
    try:
        for X_batch, y_batch in data_iter(2, X, y):
            step, culprit = "用 linreg 算预测时", "linreg"
            y_hat = linreg(X_batch, w, b)
            step, culprit = "用 squared_loss 算损失时", "squared_loss"
            loss = squared_loss(y_hat, y_batch).sum()
            step, culprit = "对损失之和求梯度 (backward) 时", "linreg 和 squared_loss"
            loss.backward()
            for name, param in (("w", w), ("b", b)):
                if param.grad is None:
                    return (f"训练单元格里 l.backward() 之后 {name}.grad 是 None, 所以 sgd 无法更新 {name}: "
                            f"损失与 {name} 无关, linreg 的结果没有用到 {name}"
                            + (" (是不是少了 + b?)" if name == "b" else "") + "; 先让上面 linreg 的检查通过")
            step, culprit = "用 sgd 更新 w 和 b 时", "sgd"
            sgd([w, b], 0.03, 2)
            w.grad = b.grad = None
    except Exception as error:
        return f"训练时{step}出错: {type(error).__name__}: {error}; 先让上面 {culprit} 的检查通过"
    return ("四个函数在 4 个样本上能走完训练的每一步; 请看训练单元格 (epoch ... 那个单元格) 的错误信息, "
            "或者它是不是还没有运行")


def check_learned(w, b, true_w, true_b):
    """训练学到的 w、b 与真实值相差不到 TOLERANCE 吗?"""
    __tracebackhide__ = True
    learned_w, learned_b = w.detach().reshape(-1), b.detach().reshape(-1)
    err_w = (torch.tensor(true_w) - learned_w).abs()
    err_b = (torch.tensor([true_b]) - learned_b).abs()
    print("|true_w - w| =", err_w.tolist())
    print("|true_b - b| =", err_b.tolist())
    hint = "训练用的是你的四个函数: 先让上面它们的检查都通过; 都通过时, 检查 squared_loss 是否把 y 变形成了 y_hat 的形状"
    expect(err_w.max().item() < TOLERANCE, "训练 3 个迭代周期后", f"w 与 true_w = {true_w} 的误差小于 {TOLERANCE}",
           f"w = {learned_w.tolist()}, 误差 {err_w.tolist()}", hint)
    ok(f"学到的 w 与真实权重 true_w 的误差小于 {TOLERANCE}")
    expect(err_b.max().item() < TOLERANCE, "训练 3 个迭代周期后", f"b 与 true_b = {true_b} 的误差小于 {TOLERANCE}",
           f"b = {learned_b.tolist()}, 误差 {err_b.tolist()}", hint)
    ok(f"学到的 b 与真实偏差 true_b 的误差小于 {TOLERANCE}")


# ---------------------------------------------------------------------------------------------
# 矢量化
# ---------------------------------------------------------------------------------------------

FACTOR = 50
"""矢量化的实现每次调用的 CPU 时间, 最多是书中写法的多少倍。"""
SIZES = (100, 1000)
"""在这两种样本数上数运算次数。"""
N = 100_000
"""在这个样本数上计时。"""

BOOK = {
    "linreg": (lambda X, w, b: torch.mm(X, w) + b, "torch.mm(X, w) + b"),
    "squared_loss": (lambda y_hat, y: (y_hat - y.view(y_hat.size())) ** 2 / 2, "(y_hat - y.view(y_hat.size())) ** 2 / 2"),
}
"""书中的矢量写法, 以及它的写法 (用来显示)。"""
SHAPE_HINTS = {
    "linreg": "X 形状 (n, d), w 形状 (d, 1), 结果应为 (n, 1): 用矩阵乘法 torch.mm(X, w), 再加上 b",
    "squared_loss": "先把 y 变形成 y_hat 的形状 (y.view(y_hat.size())) 再相减: (n, 1) 减 (n,) 会广播 (broadcast) 成 (n, n)",
}
"""结果的元素比样本还多时, 各个函数最常见的原因。"""


def inputs(name, n):
    """n 个样本的输入: linreg 得到 X (n, 2)、w (2, 1)、b (1,); squared_loss 得到 y_hat (n, 1)、y (n,)。"""
    if name == "linreg":
        return torch.linspace(-1, 1, 2 * n).reshape(n, 2), torch.tensor([[2.0], [-3.4]]), torch.tensor([4.2])
    return torch.linspace(-1, 1, n).reshape(n, 1), torch.linspace(0, 1, n)


class _Counting(TorchFunctionMode):
    """数一数调用了多少次 torch 的函数和张量的方法 (嵌套在 torch 内部的调用不算)。"""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.calls += 1
        return func(*args, **(kwargs or {}))


def count_operations(fn, args):
    """调用一次 fn(*args), 返回它调用张量运算的次数。"""
    with torch.no_grad(), _Counting() as counting:
        fn(*args)
    return counting.calls


@torch.no_grad()
def cpu_seconds_per_call(fns, args, rounds=3, budget=0.01):
    """fns 中每个函数在 args 上每次调用的 CPU 时间 (秒): 单线程, 轮流计时, 每个函数取最短的一轮。

    每一轮里每个函数连续调用若干次, 凑够大约 budget 秒, 这样计时本身的误差就很小。
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        times = []
        for fn in fns:
            start = time.process_time()
            fn(*args)  # 第一次调用也是预热 (warm-up)
            times.append(max(1, min(200, int(budget / max(time.process_time() - start, 1e-6)))))
        best = [float("inf")] * len(fns)
        for _ in range(rounds):
            for k, fn in enumerate(fns):
                start = time.process_time()
                for _ in range(times[k]):
                    fn(*args)
                best[k] = min(best[k], (time.process_time() - start) / times[k])
    finally:
        torch.set_num_threads(threads)
    return best


def check_vectorized(**functions):
    """你的函数是矢量化的吗? 例如 check_vectorized(linreg=linreg, squared_loss=squared_loss)。

    逐个检查, 每通过一步打印一行 ✓; 有没通过的, 最后一起报错 (AssertionError) 并说明原因。
    """
    __tracebackhide__ = True
    failures = []
    for name, fn in functions.items():
        try:
            check_one(fn, name)
        except AssertionError as error:
            print(f"✗ {name} 没有通过矢量化检查 (原因见下面的错误信息)")
            failures.append(str(error))
    if failures:
        raise failure("\n".join(failures))


def check_one(fn, name):
    """fn 是矢量化的 name (linreg 或 squared_loss) 吗? 每通过一步打印一行; 没通过时报错 (AssertionError) 并说明原因。"""
    __tracebackhide__ = True
    book, written = BOOK[name]
    small, large = SIZES
    args = inputs(name, small)
    try:
        result = fn(*args)
    except NotImplementedError:
        raise explained(NotImplementedError(f"{name} 还没有实现: 请先完成上面的 {name} 单元格 (fill in the cell above)")) from None
    # 先在小输入上看结果的大小: 形状错了 (例如 (n, 1) 减 (n,) 被广播成 (n, n)), 10^5 个样本就要 40 GB 内存。
    if isinstance(result, torch.Tensor) and result.numel() > small:
        shapes = ", ".join(str(tuple(a.shape)) for a in args)
        raise failure(
            f"调用 {name} (输入的形状 {shapes}): 期望每个样本一个结果, 最多 {small} 个元素, "
            f"实际返回了形状 {tuple(result.shape)} 的张量, 有 {result.numel()} 个元素; 在 {N} 个样本上它会有 {N}² 个元素, "
            f"内存放不下, 所以没有计时。提示 (hint): {SHAPE_HINTS[name]}")

    counts = [count_operations(fn, inputs(name, n)) for n in SIZES]
    print(f"{name}: {small} 个样本调用了 {counts[0]} 次张量运算, {large} 个样本调用了 {counts[1]} 次")
    # 逐个样本的循环, 每十个样本至少多调用一次。
    if counts[1] - counts[0] >= (large - small) // 10:
        raise failure(
            f"分别在 {small} 个和 {large} 个样本上调用 {name}: 期望调用张量运算的次数不随样本数增长, "
            f"实际分别调用了 {counts[0]} 次和 {counts[1]} 次, 说明有一个逐个样本的 Python 循环。"
            f"提示 (hint): 用整个张量的运算 (矢量计算 vectorization), 例如 {written}")
    print(f"✓ {name} 调用张量运算的次数不随样本数增长")

    seconds, book_seconds = cpu_seconds_per_call([fn, book], inputs(name, N))
    ratio = seconds / max(book_seconds, 1e-9)
    print(f"{name}: 每次调用 {seconds:.6f} 秒 CPU 时间; {written}: {book_seconds:.6f} 秒; {ratio:.1f} 倍 (上限 {FACTOR} 倍)")
    if ratio > FACTOR:
        raise failure(
            f"在 {N} 个样本上调用 {name}: 期望每次调用的 CPU 时间不超过书中写法 {written} 的 {FACTOR} 倍, "
            f"实际用了 {seconds:.4f} 秒, 是它 ({book_seconds:.6f} 秒) 的 {ratio:.0f} 倍。"
            "提示 (hint): 不要用 Python 循环逐个样本计算, 也不要遍历 .tolist() 或 numpy 数组; "
            f"用整个张量的运算, 例如 {written}")
    print(f"✓ {name} 是矢量化的")
