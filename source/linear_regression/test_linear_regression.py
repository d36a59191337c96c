"""自检 (self-check): 用几个可以在纸上手算的小例子检查你写的四个函数。

在 notebook 所在的文件夹里运行:

    pytest                        # 检查这个文件夹里的 notebook
    pytest --notebook=路径.ipynb   # 检查别处的 notebook (要写等号 =)
    pytest -k sgd                 # 只运行名字里有 sgd 的检查

每个检查只关心一件事; 没通过时, 信息会写明调用了什么、期望得到什么、实际得到了什么, 以及一条提示 (hint)。
评分时还有更多的检查, 所以请按 notebook 里写的约定 (contract) 实现, 而不只是让这里通过。
"""

import random

import pytest
import torch
from visible_checks import check_one


def expect(ok, message):
    """检查没通过时, 只显示这一段说明, 不显示调用栈 (traceback)。"""
    if not ok:
        pytest.fail(message, pytrace=False)


def shape_of(value):
    shape = getattr(value, "shape", None)
    return tuple(shape) if shape is not None else f"{type(value).__name__} (不是张量 tensor)"


def values_of(value, digits=4):
    if not isinstance(value, torch.Tensor):
        return repr(value)
    if value.numel() > 12:
        return f"形状 {tuple(value.shape)} 的张量"
    rounded = value.detach().double().mul(10**digits).round().div(10**digits)
    return str(rounded.tolist())


def close(got, want, tol=1e-5):
    return isinstance(got, torch.Tensor) and tuple(got.shape) == tuple(want.shape) and torch.allclose(
        got.detach().double(), want.double(), atol=tol, rtol=tol
    )


def seed(value):
    torch.manual_seed(value)
    random.seed(value)
    try:
        import numpy

        numpy.random.seed(value)
    except ImportError:
        pass


# ---------------------------------------------------------------------------------------------
# data_iter
# ---------------------------------------------------------------------------------------------


def numbered(n, d=2):
    """n 个样本: 第 i 个样本的特征是 [i, 0.5 i, ...] (共 d 列), 标签是 100 + i, 一眼就能认出是哪个样本。"""
    column = torch.arange(n, dtype=torch.float32)
    features = torch.stack([column * (0.5**j) for j in range(d)], dim=1)
    return features, 100 + column


def batches_of(data_iter, batch_size, features, labels):
    """list(data_iter(...)), 并确认每个元素都是 (X, y) 两个张量。"""
    call = f"data_iter({batch_size}, features {tuple(features.shape)}, labels {tuple(labels.shape)})"
    batches = list(data_iter(batch_size, features, labels))  # 生成器 (generator) 在这里读到底
    for k, item in enumerate(batches):
        ok = isinstance(item, (tuple, list)) and len(item) == 2 and all(isinstance(t, torch.Tensor) for t in item)
        expect(ok, f"{call} 的第 {k + 1} 个元素应当是一对张量 (X, y), 实际得到 {type(item).__name__}: {item!r:.120}。"
                   "提示 (hint): 用 yield X, y 给出一个小批量 (mini-batch)")
        X, y = item
        expect(X.dim() == 2 and y.dim() == 1,
               f"{call} 的第 {k + 1} 个小批量: 期望 X 形状 (k, {features.shape[1]}), y 形状 (k,), "
               f"实际得到 X {shape_of(X)}, y {shape_of(y)}。提示 (hint): 按行取出特征和标签, 不要改变它们的形状")
    return call, batches


def sample_ids(batches):
    """每个小批量里的样本编号 (标签 - 100)。"""
    return [int(v) - 100 for _, y in batches for v in y.reshape(-1).tolist()]


def test_data_iter_batch_sizes(function):
    data_iter = function("data_iter")
    for n, batch_size, sizes in [(7, 3, [3, 3, 1]), (8, 4, [4, 4]), (3, 5, [3]), (1, 1, [1])]:
        features, labels = numbered(n)
        call, batches = batches_of(data_iter, batch_size, features, labels)
        got = [len(y) for _, y in batches]
        hint = "最后一个小批量可以小于 batch_size, 但不能丢掉, 也不能有空的小批量"
        if sum(got) < n:
            hint = f"一共只给出了 {sum(got)} 个样本, 少于 {n} 个: 最后一个较小的小批量是不是被丢掉了?"
        elif sum(got) > n:
            hint = f"一共给出了 {sum(got)} 个样本, 多于 {n} 个: 是不是用了 notebook 里的全局变量, 而不是传进来的参数?"
        expect(got == sizes, f"{call}: 期望小批量大小 (batch sizes) 依次为 {sizes}, 实际得到 {got[:20]}。提示 (hint): {hint}")
        for X, y in batches:
            expect(tuple(X.shape) == (len(y), 2) and tuple(y.shape) == (len(y),),
                   f"{call}: 每个小批量的 X 形状应为 (k, 2), y 形状应为 (k,), 实际得到 X {shape_of(X)}, y {shape_of(y)}。"
                   "提示 (hint): 按行取出特征 features[j] 和标签 labels[j], 不要改变它们的形状")


def test_data_iter_every_example_once(function):
    data_iter = function("data_iter")
    n = 23
    features, labels = numbered(n)
    call, batches = batches_of(data_iter, 4, features, labels)
    got = sorted(sample_ids(batches))
    missing = sorted(set(range(n)) - set(got))
    repeated = sorted({i for i in got if got.count(i) > 1})
    expect(got == list(range(n)),
           f"{call}: 期望 23 个样本 (编号 0 到 22) 各出现恰好一次, 实际缺少 {missing}, 重复 {repeated}, "
           f"共 {len(got)} 个。提示 (hint): 先打乱下标列表 (indices), 再一段一段地取, 不要有放回地随机抽样")


def test_data_iter_keeps_pairs(function):
    data_iter = function("data_iter")
    features, labels = numbered(12)
    call, batches = batches_of(data_iter, 5, features, labels)
    for X, y in batches:
        expect(tuple(X.shape) == (len(y), 2), f"{call}: X 的形状应为 (k, 2), 实际得到 {shape_of(X)}")
        rows_ok = torch.equal(X[:, 1], X[:, 0] * 0.5)
        pairs_ok = torch.equal(y, X[:, 0] + 100)
        expect(rows_ok and pairs_ok,
               f"{call}: 样本 i 的特征是 [i, i/2], 标签是 100 + i; 一个小批量里 X = {X.tolist()}, "
               f"对应的标签应为 {(X[:, 0] + 100).tolist()}, 实际得到 y = {y.tolist()}。"
               "提示 (hint): 特征和标签要用同一组下标 (indices) 取出, 才能保持配对 (pairs)")


def test_data_iter_shuffles(function):
    data_iter = function("data_iter")
    seed(7)
    features, labels = numbered(40)
    call, first = batches_of(data_iter, 8, features, labels)
    _, second = batches_of(data_iter, 8, features, labels)
    order1, order2 = sample_ids(first), sample_ids(second)
    expect(order1 != list(range(40)),
           f"{call}: 期望随机打乱的顺序 (shuffled), 实际得到原来的顺序 {order1[:8]} ... (0, 1, 2, ..., 39)。"
           "提示 (hint): 每次调用都把下标 (indices) 重新打乱一次, 例如用 random.shuffle 或 torch.randperm")
    expect(order1 != order2,
           f"{call} 调用两次: 期望每次调用 (每个 epoch) 都重新打乱, 实际两次的样本顺序完全相同: {order1[:10]} ...。"
           "提示 (hint): 在 data_iter 函数体里打乱, 而不是只在函数外面打乱一次")


def test_data_iter_uses_its_arguments(function, notebook, monkeypatch):
    data_iter = function("data_iter")
    features, labels = numbered(5, d=3)
    # 先在 notebook 里放上同名的全局变量 (别的数据), 再去掉它们: 只用参数的实现两次结果一样。
    decoys = {"features": torch.zeros(60, 4), "labels": torch.zeros(60), "batch_size": 20,
              "num_examples": 60, "num_inputs": 4, "n": 60}
    for name, value in decoys.items():
        monkeypatch.setitem(notebook.namespace, name, value)
    call, with_decoys = batches_of(data_iter, 2, features, labels)
    monkeypatch.undo()
    _, alone = batches_of(data_iter, 2, features, labels)
    sizes = [len(y) for _, y in with_decoys]
    shapes = [tuple(X.shape) for X, _ in with_decoys]
    ok = (sizes == [len(y) for _, y in alone] and all(s[1:] == (3,) for s in shapes)
          and set(sample_ids(with_decoys)) <= set(range(5)))
    expect(ok, f"{call} (5 个样本, 每个 3 个特征, 样本编号 0 到 4), notebook 里另有全局变量 features (60, 4)、labels (60,)、"
               f"batch_size = 20 时: 期望结果与没有这些全局变量时一样 (小批量大小 {[len(y) for _, y in alone]}), "
               f"实际得到小批量大小 {sizes[:20]}, X 形状 {shapes[:3]}, 样本编号 {sorted(set(sample_ids(with_decoys)))[:10]}。"
               "提示 (hint): 函数体里只能用参数 batch_size、features、labels, 不要用 notebook 里的全局变量 (global variables)")


def test_data_iter_leaves_inputs_alone(function):
    data_iter = function("data_iter")
    features, labels = numbered(9)
    features_before, labels_before = features.clone(), labels.clone()
    call, _ = batches_of(data_iter, 4, features, labels)
    expect(torch.equal(features, features_before) and torch.equal(labels, labels_before),
           f"{call}: 期望传进来的 features、labels 保持不变, 实际调用之后 labels = {values_of(labels)}。"
           "提示 (hint): 打乱的是下标 (indices), 而不是数据本身")


# ---------------------------------------------------------------------------------------------
# linreg
# ---------------------------------------------------------------------------------------------


def test_linreg_values(function):
    linreg = function("linreg")
    cases = [
        # 手算: [1, 0]·[3, -1] + 2 = 5, [0, 1]·[3, -1] + 2 = 1, [2, 3]·[3, -1] + 2 = 5
        ([[1., 0.], [0., 1.], [2., 3.]], [[3.], [-1.]], [2.], [[5.], [1.], [5.]]),
        # d = 1: 0.5 x - 1
        ([[1.], [2.], [3.], [4.]], [[0.5]], [-1.], [[-0.5], [0.], [0.5], [1.]]),
        # d = 3, 一个样本: 1 - 2 + 3 + 10 = 12
        ([[1., 1., 1.]], [[1.], [-2.], [3.]], [10.], [[12.]]),
    ]
    for X, w, b, want in cases:
        X, w, b, want = (torch.tensor(v) for v in (X, w, b, want))
        got = linreg(X, w, b)
        hint = "预测是 Xw + b: 矩阵乘法 (torch.mm 或 @) 之后加上偏差 b"
        if close(got, want - b):
            hint = "结果正好少了偏差 b: 别忘了加上 + b"
        expect(close(got, want), f"linreg(X={X.tolist()}, w={w.tolist()}, b={b.tolist()}): 期望 {want.tolist()} "
                                 f"(形状 {tuple(want.shape)}), 实际得到 {values_of(got)} (形状 {shape_of(got)})。提示 (hint): {hint}")


def test_linreg_shape(function):
    linreg = function("linreg")
    seed(3)
    for n, d in [(5, 4), (1, 3), (6, 1), (50, 2)]:
        X, w, b = torch.randn(n, d), torch.randn(d, 1), torch.randn(1)
        got = linreg(X, w, b)
        ok = isinstance(got, torch.Tensor) and tuple(got.shape) == (n, 1)
        expect(ok,
               f"linreg(X 形状 ({n}, {d}), w 形状 ({d}, 1), b 形状 (1,)): 期望形状 (shape) ({n}, 1), 实际得到 {shape_of(got)}。"
               "提示 (hint): 矩阵乘法 (n, d) × (d, 1) 得到 (n, 1); 不要 reshape 成一维, 也不要求和")


def test_linreg_gradients(function):
    linreg = function("linreg")
    X = torch.tensor([[1., 2.], [3., -1.]])
    w = torch.tensor([[0.5], [1.]], requires_grad=True)
    b = torch.tensor([0.], requires_grad=True)
    call = "linreg([[1., 2.], [3., -1.]], w=[[0.5], [1.]], b=[0.]), w 和 b 都 requires_grad=True"
    y_hat = linreg(X, w, b)
    expect(isinstance(y_hat, torch.Tensor) and y_hat.requires_grad,
           f"{call}: 期望结果需要梯度 (requires_grad=True), 实际 requires_grad={getattr(y_hat, 'requires_grad', None)}。"
           "提示 (hint): 不要用 .data、.detach()、.numpy() "
           "或 torch.no_grad(), 它们会切断自动求梯度 (autograd)")
    y_hat.sum().backward()
    # 手算: 预测之和对 w 的梯度是 X 每列之和 [[4.], [1.]], 对 b 的梯度是样本个数 [2.]
    expect(w.grad is not None and b.grad is not None,
           f"{call}, 对结果求和后 backward(): 期望 w.grad = [[4.], [1.]], b.grad = [2.], 实际 w.grad = "
           f"{values_of(w.grad)}, b.grad = {values_of(b.grad)}。提示 (hint): 结果要由 w 和 b 计算出来, 梯度才能传回它们")
    expect(close(w.grad, torch.tensor([[4.], [1.]])) and close(b.grad, torch.tensor([2.])),
           f"{call}, 对结果求和后 backward(): 期望 w.grad = [[4.], [1.]] (X 每列之和), b.grad = [2.] (样本个数), "
           f"实际 w.grad = {values_of(w.grad)}, b.grad = {values_of(b.grad)}。提示 (hint): 预测是 Xw + b, w 和 b 都要参与计算")


def vectorized(fn, name):
    """notebook 里的矢量化检查 (visible_checks.py, 与评分时的隐藏检查同样的办法), 没通过时只显示说明。"""
    try:
        check_one(fn, name)
    except AssertionError as error:
        pytest.fail(str(error), pytrace=False)


def test_linreg_vectorized(function):
    vectorized(function("linreg"), "linreg")


# ---------------------------------------------------------------------------------------------
# squared_loss
# ---------------------------------------------------------------------------------------------


def test_squared_loss_values(function):
    squared_loss = function("squared_loss")
    y_hat = torch.tensor([[5.], [0.], [1.], [-2.]])
    y = torch.tensor([[2.], [1.], [1.], [0.]])
    # 手算: (5-2)²/2 = 4.5, (0-1)²/2 = 0.5, (1-1)²/2 = 0, (-2-0)²/2 = 2
    want = torch.tensor([[4.5], [0.5], [0.], [2.]])
    got = squared_loss(y_hat, y)
    hint = "逐样本计算 ½(ŷ − y)²"
    if close(got, 2 * want):
        hint = "结果正好是期望的 2 倍: 别忘了乘以 1/2"
    expect(close(got, want), f"squared_loss(y_hat={y_hat.tolist()}, y={y.tolist()}): 期望 {want.tolist()}, "
                             f"实际得到 {values_of(got)} (形状 {shape_of(got)})。提示 (hint): {hint}")


def test_squared_loss_not_reduced(function):
    squared_loss = function("squared_loss")
    y_hat = torch.tensor([[1.], [2.], [3.], [4.], [5.]])
    y = torch.tensor([[1.], [1.], [1.], [1.], [1.]])
    got = squared_loss(y_hat, y)
    want = torch.tensor([[0.], [0.5], [2.], [4.5], [8.]])
    expect(isinstance(got, torch.Tensor) and tuple(got.shape) == (5, 1),
           f"squared_loss(y_hat 形状 (5, 1), y 形状 (5, 1)): 期望每个样本各自的损失, 形状 (5, 1) 的 {want.tolist()}, "
           f"实际得到形状 {shape_of(got)}: {values_of(got)}。提示 (hint): 不要求和 (sum) 或求平均 (mean), 训练循环会自己求和")


def test_squared_loss_no_broadcast(function):
    squared_loss = function("squared_loss")
    y_hat = torch.tensor([[3.], [-1.], [2.]])
    y = torch.tensor([1., 1., 2.])  # 形状 (3,), 和 notebook 里的 labels 一样
    # 手算: (3-1)²/2 = 2, (-1-1)²/2 = 2, (2-2)²/2 = 0
    want = torch.tensor([[2.], [2.], [0.]])
    got = squared_loss(y_hat, y)
    hint = "先把 y 变形成 y_hat 的形状, 例如 y.view(y_hat.size()) 或 y.reshape(y_hat.shape), 再相减"
    if tuple(shape_of(got)) == (3, 3):
        hint = "(3, 1) 减 (3,) 被广播 (broadcasting) 成了 (3, 3), 算的是所有预测与所有标签两两之差。" + hint
    expect(close(got, want),
           f"squared_loss(y_hat={y_hat.tolist()} 形状 (3, 1), y={y.tolist()} 形状 (3,)): 期望形状 (3, 1) 的 {want.tolist()}, "
           f"实际得到形状 {shape_of(got)}: {values_of(got)}。提示 (hint): {hint}")


def test_squared_loss_gradients(function):
    squared_loss = function("squared_loss")
    y_hat = torch.tensor([[4.], [1.]], requires_grad=True)
    y = torch.tensor([1., 3.])
    got = squared_loss(y_hat, y)
    expect(isinstance(got, torch.Tensor) and got.requires_grad,
           "squared_loss([[4.], [1.]] (requires_grad=True), [1., 3.]): 期望结果需要梯度 (requires_grad=True), 实际不需要。"
           "提示 (hint): 不要用 .data、.detach()、.item() 或 .numpy()")
    got.sum().backward()
    # 手算: ½(ŷ - y)² 对 ŷ 的导数是 ŷ - y: [[3.], [-2.]]
    expect(close(y_hat.grad, torch.tensor([[3.], [-2.]])),
           f"squared_loss([[4.], [1.]], [1., 3.]).sum() 对 y_hat 的梯度: 期望 ŷ - y = [[3.], [-2.]], "
           f"实际得到 {values_of(y_hat.grad)}。提示 (hint): 损失是 ½(ŷ − y)², 先把 y 变形成 y_hat 的形状再相减")


def test_squared_loss_vectorized(function):
    vectorized(function("squared_loss"), "squared_loss")


# ---------------------------------------------------------------------------------------------
# sgd
# ---------------------------------------------------------------------------------------------


def parameter(values, grad):
    p = torch.tensor(values, requires_grad=True)
    p.grad = torch.tensor(grad)
    return p


def test_sgd_updates_in_place(function):
    sgd = function("sgd")
    w = parameter([[1.], [2.]], [[2.], [-2.]])
    b = parameter([1.], [4.])
    params = [w, b]
    sgd(params, 0.5, 1)
    call = "sgd([w, b], lr=0.5, batch_size=1), w = [[1.], [2.]], w.grad = [[2.], [-2.]], b = [1.], b.grad = [4.]"
    expect(params[0] is w and params[1] is b,
           f"{call}: 期望 params 列表里还是原来的 w 和 b, 实际它们被换成了别的张量。"
           "提示 (hint): 原地 (in place) 修改每个张量本身, 不要替换列表元素")
    # 手算: w = [[1 - 0.5·2], [2 - 0.5·(-2)]] = [[0.], [3.]], b = 1 - 0.5·4 = -1
    unchanged = torch.equal(w.detach(), torch.tensor([[1.], [2.]])) and torch.equal(b.detach(), torch.tensor([1.]))
    hint = "对每个参数原地计算 param ← param − lr · param.grad / batch_size"
    if unchanged:
        hint = ("w 和 b 完全没变: param = param - ... 只是让局部变量指向一个新张量, 外面的 w、b 不受影响; "
                "要修改张量本身, 例如对 param.data 做 -= (或在 torch.no_grad() 块里对 param 做 -=)")
    expect(close(w, torch.tensor([[0.], [3.]])) and close(b, torch.tensor([-1.])),
           f"{call}: 期望调用之后 w = [[0.], [3.]], b = [-1.], 实际 w = {values_of(w)}, b = {values_of(b)}。提示 (hint): {hint}")


def test_sgd_divides_by_batch_size(function):
    sgd = function("sgd")
    for lr, batch_size in [(0.25, 4), (0.5, 2)]:
        p = parameter([6.], [8.])
        want = 6 - lr * 8 / batch_size
        sgd([p], lr, batch_size)
        call = f"sgd([p], lr={lr}, batch_size={batch_size}), p = [6.], p.grad = [8.]"
        hint = "更新量是 lr · param.grad / batch_size"
        if close(p, torch.tensor([6 - lr * 8])):
            hint = "结果是 6 - lr·grad: 别忘了除以 batch_size (损失是对小批量求和的)"
        elif close(p, torch.tensor([6.])):
            hint = "p 没有变: 要原地 (in place) 修改传进来的张量"
        expect(close(p, torch.tensor([want])),
               f"{call}: 期望 p 变为 6 - {lr} × 8 / {batch_size} = [{want}], 实际 p = {values_of(p)}。提示 (hint): {hint}")


def test_sgd_every_parameter(function):
    sgd = function("sgd")
    params = [parameter([[1., 1.], [1., 1.]], [[1., 2.], [3., 4.]]),
              parameter([1., 1., 1.], [5., 6., 7.]),
              parameter([1.], [8.])]
    # 手算: 每个参数变为 1 - 梯度
    wants = [torch.tensor([[0., -1.], [-2., -3.]]), torch.tensor([-4., -5., -6.]), torch.tensor([-7.])]
    sgd(params, 1.0, 1)
    for k, (p, want) in enumerate(zip(params, wants)):
        expect(close(p, want),
               "sgd([p1, p2, p3], lr=1.0, batch_size=1), 三个参数的形状是 (2, 2)、(3,)、(1,), 元素全是 1, "
               f"梯度依次是 1, 2, ..., 8: 期望第 {k + 1} 个参数变为 {want.tolist()}, 实际得到 {values_of(p)}。"
               "提示 (hint): 用 for param in params 更新列表里的每一个张量, 不要只更新其中几个, 也不要写死 w、b")


def test_sgd_keeps_parameters_trainable(function):
    sgd = function("sgd")
    w = parameter([[2.], [-1.]], [[1.], [1.]])
    sgd([w], 0.1, 1)
    call = "sgd([w], lr=0.1, batch_size=1)"
    expect(w.requires_grad and w.is_leaf,
           f"{call} 之后: 期望 w 仍是需要梯度的叶子张量 (leaf tensor, requires_grad=True), 实际 requires_grad={w.requires_grad}, "
           f"is_leaf={w.is_leaf}。提示 (hint): 通过 param.data 更新, 或者在 torch.no_grad() 块里更新, 这样更新不会被自动求梯度 (autograd) 记录")
    w.grad = None
    (w * w).sum().backward()
    expect(w.grad is not None and close(w.grad, 2 * w.detach()),
           f"{call} 之后, (w * w).sum().backward(): 期望 w.grad = 2w = {values_of(2 * w.detach())}, "
           f"实际得到 {values_of(w.grad)}。提示 (hint): 更新参数后, 下一次 backward() 仍然要能求出梯度")


# ---------------------------------------------------------------------------------------------
# 把四个函数放在一起训练
# ---------------------------------------------------------------------------------------------


def test_training_learns(function):
    data_iter, linreg, squared_loss, sgd = (function(name) for name in ("data_iter", "linreg", "squared_loss", "sgd"))
    seed(2024)
    true_w, true_b = torch.tensor([[2.], [-3.4]]), 4.2
    features = torch.randn(1000, 2)
    labels = (features @ true_w).reshape(-1) + true_b + 0.01 * torch.randn(1000)
    w = (0.01 * torch.randn(2, 1)).requires_grad_(True)
    b = torch.zeros(1, requires_grad=True)
    for _ in range(3):  # 3 个迭代周期 (epoch), lr = 0.03, batch_size = 10
        for X_batch, y_batch in data_iter(10, features, labels):
            squared_loss(linreg(X_batch, w, b), y_batch).sum().backward()
            expect(w.grad is not None and b.grad is not None,
                   "训练时 squared_loss(linreg(X, w, b), y).sum().backward() 之后: 期望 w.grad 和 b.grad 都有梯度, "
                   f"实际 w.grad = {values_of(w.grad)}, b.grad = {values_of(b.grad)}。提示 (hint): linreg 的结果要由 w 和 b 计算出来 (Xw + b)")
            sgd([w, b], 0.03, 10)
            w.grad = None
            b.grad = None
    learned_w, learned_b = w.detach().reshape(-1), b.detach().reshape(-1)
    error = max((learned_w - true_w.reshape(-1)).abs().max().item(), (learned_b - true_b).abs().max().item())
    expect(error < 0.02,
           f"用你的 data_iter、linreg、squared_loss、sgd 在 1000 个样本 (y = Xw + b + 噪声, 真实 w = [2, -3.4], b = 4.2) 上"
           f"训练 3 个迭代周期 (epoch, lr=0.03, batch_size=10): 期望学到的参数与真实值相差不到 0.02, "
           f"实际学到 w = {values_of(learned_w)}, b = {values_of(learned_b)} (最大误差 {error:.4g})。"
           "提示 (hint): 先让上面每个函数自己的检查都通过; 它们都通过时, 检查 squared_loss 是否把 y 变形成了 y_hat 的形状")
