"""可见检查 (visible checks) 的辅助函数: notebook 里的检查单元格和自检 (pytest) 都调用它们。

矢量化检查 `check_vectorized` 与评分时的隐藏检查用同样的办法判断, 所以在空闲的笔记本电脑上和在很忙的
服务器 (JupyterHub) 上结论相同:

1. 数一数函数调用了多少次张量运算 (torch 的函数和张量的方法): 矢量化的实现不管有多少个样本, 都只调用
   那么几次; 逐个样本的 Python 循环每多一个样本就要多调用几次。
2. 在 10^5 个样本上, 用 CPU 时间 (time.process_time, 而不是墙上时间) 比较你的函数和书中的矢量写法:
   单线程, 轮流计时 (书中写法、你的函数、书中写法、你的函数……), 每一方取最短的一轮。机器上别的程序
   不会让任何一方的 CPU 时间变长。遍历 .tolist() 或 numpy 数组的循环要慢几百倍; 上限是 50 倍。
"""

import time

import torch
from torch.overrides import TorchFunctionMode

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
    failures = []
    for name, fn in functions.items():
        try:
            check_one(fn, name)
        except AssertionError as error:
            print(f"✗ {name} 没有通过矢量化检查 (原因见下面的错误信息)")
            failures.append(str(error))
    if failures:
        raise AssertionError("\n".join(failures))


def check_one(fn, name):
    """fn 是矢量化的 name (linreg 或 squared_loss) 吗? 每通过一步打印一行; 没通过时报错 (AssertionError) 并说明原因。"""
    book, written = BOOK[name]
    small, large = SIZES
    args = inputs(name, small)
    try:
        result = fn(*args)
    except NotImplementedError:
        raise NotImplementedError(f"{name} 还没有实现: 请先完成上面的 {name} 单元格 (fill in the cell above)") from None
    # 先在小输入上看结果的大小: 形状错了 (例如 (n, 1) 减 (n,) 被广播成 (n, n)), 10^5 个样本就要 40 GB 内存。
    if isinstance(result, torch.Tensor) and result.numel() > small:
        shapes = ", ".join(str(tuple(a.shape)) for a in args)
        raise AssertionError(
            f"调用 {name} (输入的形状 {shapes}): 期望每个样本一个结果, 最多 {small} 个元素, "
            f"实际返回了形状 {tuple(result.shape)} 的张量, 有 {result.numel()} 个元素; 在 {N} 个样本上它会有 {N}² 个元素, "
            f"内存放不下, 所以没有计时。提示 (hint): {SHAPE_HINTS[name]}")

    counts = [count_operations(fn, inputs(name, n)) for n in SIZES]
    print(f"{name}: {small} 个样本调用了 {counts[0]} 次张量运算, {large} 个样本调用了 {counts[1]} 次")
    # 逐个样本的循环, 每十个样本至少多调用一次。
    assert counts[1] - counts[0] < (large - small) // 10, (
        f"分别在 {small} 个和 {large} 个样本上调用 {name}: 期望调用张量运算的次数不随样本数增长, "
        f"实际分别调用了 {counts[0]} 次和 {counts[1]} 次, 说明有一个逐个样本的 Python 循环。"
        f"提示 (hint): 用整个张量的运算 (矢量计算 vectorization), 例如 {written}")
    print(f"✓ {name} 调用张量运算的次数不随样本数增长")

    seconds, book_seconds = cpu_seconds_per_call([fn, book], inputs(name, N))
    ratio = seconds / max(book_seconds, 1e-9)
    print(f"{name}: 每次调用 {seconds:.6f} 秒 CPU 时间; {written}: {book_seconds:.6f} 秒; {ratio:.1f} 倍 (上限 {FACTOR} 倍)")
    assert ratio <= FACTOR, (
        f"在 {N} 个样本上调用 {name}: 期望每次调用的 CPU 时间不超过书中写法 {written} 的 {FACTOR} 倍, "
        f"实际用了 {seconds:.4f} 秒, 是它 ({book_seconds:.6f} 秒) 的 {ratio:.0f} 倍。"
        "提示 (hint): 不要用 Python 循环逐个样本计算, 也不要遍历 .tolist() 或 numpy 数组; "
        f"用整个张量的运算, 例如 {written}")
    print(f"✓ {name} 是矢量化的")
