"""自检 (self-check) 的准备工作: 读取你的 notebook, 取出你写的四个函数。

在 notebook 所在的文件夹里运行 `pytest`, 或者 `pytest --notebook=路径/linear_regression.ipynb`
(要写等号 `=`: 不写的话, 文件夹外面的路径会被 pytest 当成要收集的测试路径, 它就不认识 --notebook 这个选项)。
这里只运行 notebook 中的 imports 单元格和四个要填的空 (data_iter、linreg、squared_loss、sgd),
每个单元格单独运行、放进同一个命名空间 (namespace); 一个单元格出错不影响其他单元格。
"""

import contextlib
import glob
import inspect
import io
import json
import linecache
import os
import sys
import traceback
import warnings
from pathlib import Path

import pytest

# 不写 __pycache__: 这个文件夹里除了 notebook 和自检文件之外不留别的东西。
sys.dont_write_bytecode = True
# 画图只在内存里进行, 不打开窗口。
os.environ["MPLBACKEND"] = "Agg"

HERE = Path(__file__).resolve().parent
CELLS = ("imports", "data_iter", "linreg", "squared_loss", "sgd")
PREFERRED = "linear_regression.ipynb"


def _remove_own_bytecode():
    """pytest 在运行这个文件之前已经为它写了 __pycache__/conftest.*.pyc; 删掉它, 空文件夹也删掉。"""
    cache = HERE / "__pycache__"
    for pyc in glob.glob(str(cache / "conftest.*.pyc")):
        with contextlib.suppress(OSError):
            os.remove(pyc)
    with contextlib.suppress(OSError):
        cache.rmdir()


_remove_own_bytecode()


def pytest_addoption(parser):
    parser.addoption(
        "--notebook",
        metavar="PATH",
        help=(
            "要检查的 notebook (the notebook to check); 默认是 conftest.py 所在文件夹里唯一的 .ipynb 文件, "
            f"有多个时用 {PREFERRED}"
        ),
    )


def _default_notebook():
    found = sorted(Path(p) for p in glob.glob(str(HERE / "*.ipynb")))
    if not found:
        raise pytest.UsageError(
            f"在 {HERE} 里没有找到 notebook (.ipynb): 请把自检文件和你的 notebook 放在同一个文件夹里, "
            "或者用 pytest --notebook=路径/linear_regression.ipynb 指定它"
        )
    if len(found) == 1:
        return found[0]
    preferred = HERE / PREFERRED
    if preferred in found:
        return preferred
    names = ", ".join(p.name for p in found)
    raise pytest.UsageError(
        f"{HERE} 里有好几个 notebook ({names}), 不知道检查哪一个: 请用 pytest --notebook=文件名.ipynb 指定"
    )


def _notebook_path(config):
    value = config.getoption("--notebook")
    if not value:
        return _default_notebook()
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = Path(config.invocation_params.dir) / path
    if path.is_dir():
        raise pytest.UsageError(f"--notebook {value}: 这是一个文件夹, 请给出 .ipynb 文件的路径")
    if not path.is_file():
        raise pytest.UsageError(f"--notebook {value}: 找不到这个文件 (file not found)")
    return path.resolve()


def _read_cells(path):
    """notebook 的代码单元格 (code cells): {grade_id: 源代码}。"""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = nb["cells"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        raise pytest.UsageError(f"{path} 不是可以读取的 notebook (.ipynb): {error}") from None
    sources = {}
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        grade_id = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id")
        text = cell.get("source", "")
        text = "".join(text) if isinstance(text, list) else str(text)
        if grade_id in CELLS and grade_id not in sources:
            sources[grade_id] = text
    # 单元格的 nbgrader 元数据 (metadata) 丢了的话 (例如把代码复制进了新的 notebook), 按内容找。
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        text = cell.get("source", "")
        text = "".join(text) if isinstance(text, list) else str(text)
        for name in CELLS[1:]:
            if name not in sources and f"def {name}(" in text:
                sources[name] = text
        if "imports" not in sources and "import torch" in text:
            sources["imports"] = text
    return sources


def pytest_configure(config):
    if config.getoption("help", False) or config.getoption("version", False):
        config._linreg_notebook = (None, {})
        return
    path = _notebook_path(config)
    config._linreg_notebook = (path, _read_cells(path))


def pytest_report_header(config):
    path, _ = config._linreg_notebook
    return f"notebook: {path}"


class _SilentShell:
    """代替 get_ipython() 的返回值: 魔法命令 (%matplotlib inline、!pip ...) 在这里什么也不做。"""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def _plain_python(text):
    """把 IPython 语法 (%魔法命令、!shell 命令) 变成普通 Python。"""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return "".join(
            line if not line.lstrip().startswith(("%", "!")) else "\n"
            for line in text.splitlines(keepends=True)
        )
    try:
        return TransformerManager().transform_cell(text)
    except Exception:
        return text  # 交给 compile 报出语法错误


class CellError:
    """一个单元格运行时的错误: 错误类型、信息、出错的行号和那一行代码。"""

    def __init__(self, cell, error, text):
        self.cell = cell
        self.kind = type(error).__name__
        self.message = str(error)
        self.lineno = None
        if isinstance(error, SyntaxError):
            self.message = error.msg
            self.lineno = error.lineno
        else:
            for frame in traceback.extract_tb(error.__traceback__):
                if frame.filename == _cell_filename(cell):
                    self.lineno = frame.lineno
        lines = text.splitlines()
        self.line = lines[self.lineno - 1].strip() if self.lineno and 0 < self.lineno <= len(lines) else ""

    def where(self):
        if not self.lineno:
            return ""
        return f", 第 {self.lineno} 行 (line {self.lineno})" + (f": {self.line}" if self.line else "")

    def __str__(self):
        return f"{self.kind}: {self.message}{self.where()}"


def _cell_filename(cell):
    return f"<notebook 单元格 {cell}>"


class Notebook:
    """运行过的单元格: namespace 是它们共同的命名空间, errors 是每个出错单元格的 CellError。"""

    def __init__(self, path, sources):
        self.path = path
        self.sources = sources
        self.namespace = {"__name__": "__notebook__", "get_ipython": _SilentShell}
        self.errors = {}
        self.output = io.StringIO()  # 单元格打印的内容放在这里, 不出现在检查结果里

    def run(self):
        for cell in CELLS:
            if cell not in self.sources:
                continue
            text = _plain_python(self.sources[cell])
            # 让出错信息能显示出错的那一行代码
            linecache.cache[_cell_filename(cell)] = (len(text), None, text.splitlines(keepends=True), _cell_filename(cell))
            try:
                code = compile(text, _cell_filename(cell), "exec")
                with contextlib.redirect_stdout(self.output), contextlib.redirect_stderr(self.output):
                    exec(code, self.namespace)
            except (Exception, SystemExit) as error:
                self.errors[cell] = CellError(cell, error, text)
        return self


class StudentFunction:
    """你写的函数。调用它时, NotImplementedError 和其他错误都变成一段简短的说明, 而不是一长串调用栈。"""

    MAX_ITEMS = 10_000

    def __init__(self, name, raw):
        self.name = name
        self.raw = raw

    def __call__(self, *args, **kwargs):
        try:
            result = self.raw(*args, **kwargs)
            if hasattr(result, "__next__"):  # 生成器 (generator): 读到底, 里面的错误也在这里报告
                items = []
                for item in result:
                    items.append(item)
                    if len(items) > self.MAX_ITEMS:
                        pytest.fail(
                            f"调用 {self.name}({describe(args, kwargs, self.raw)}) 给出了超过 {self.MAX_ITEMS} 个元素, "
                            "好像停不下来了 (endless generator): 检查循环的结束条件",
                            pytrace=False,
                        )
                result = items
        except NotImplementedError:
            failure = not_implemented(self.name)
        except (Exception, SystemExit) as error:
            failure = call_error(self.name, describe(args, kwargs, self.raw), error)
        else:
            return result
        # 在 except 之外报告, 这样输出里没有 "During handling of the above exception" 和调用栈。
        pytest.fail(failure, pytrace=False)


def not_implemented(name):
    return f"{name} 还没有实现 (NotImplementedError): 请完成 notebook 中的 {name} 单元格 (fill in the blank)"


def call_error(name, arguments, error):
    where = ""
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.startswith("<notebook 单元格 "):
            cell = frame.filename[len("<notebook 单元格 "):-1]
            where = f" 出错的位置: {cell} 单元格第 {frame.lineno} 行 (line {frame.lineno})"
            if frame.line:
                where += f": {frame.line.strip()}"
            where += "。"
    text = f"调用 {name}({arguments}) 时出错 (exception) —— {type(error).__name__}: {str(error).rstrip('。.')}。{where}"
    if isinstance(error, NameError):
        text += (" 提示 (hint): 自检只运行 imports 单元格和四个函数的单元格; 函数体里只能用它的参数和 imports 单元格"
                 "导入的模块 (torch、random、np), 不要用 notebook 里别处定义的全局变量 (global variables)。")
    elif "leaf Variable" in str(error) or "in-place operation" in str(error):
        text += " 提示 (hint): 对需要梯度的叶子张量 (leaf tensor) 原地更新时, 通过 param.data 更新, 或者在 torch.no_grad() 块里更新。"
    return text


def describe(args, kwargs=None, fn=None):
    """调用参数的简短描述, 带上参数名: 小张量写出数值, 大张量只写形状。"""
    kwargs = kwargs or {}
    try:
        named = inspect.signature(fn).bind(*args, **kwargs).arguments.items()
    except (TypeError, ValueError):
        named = [(None, a) for a in args] + list(kwargs.items())
    return ", ".join(_short(v) if k is None else f"{k}={_short(v)}" for k, v in named)


def _short(value):
    shape = getattr(value, "shape", None)
    if shape is not None and hasattr(value, "tolist"):
        if value.numel() <= 6:
            return str(value.detach().double().mul(1e4).round().div(1e4).tolist())
        return f"张量 (tensor) 形状 {tuple(shape)}"
    if isinstance(value, (list, tuple)) and len(value) > 0 and all(hasattr(v, "shape") for v in value):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    return repr(value)


@pytest.fixture(scope="session", name="notebook")
def notebook_fixture(pytestconfig):
    """你的 notebook: 运行过的单元格的命名空间 (namespace) 和每个单元格的错误 (errors); 只运行一次。"""
    path, sources = pytestconfig._linreg_notebook
    nb = Notebook(path, sources).run()
    if "imports" in nb.errors:
        warnings.warn(f"imports 单元格运行出错: {nb.errors['imports']}", stacklevel=1)
    return nb


@pytest.fixture(scope="session", name="function")
def function_fixture(notebook):
    """function(name): 你在 notebook 中写的函数 name; 找不到或者它的单元格出错时, 检查失败并说明原因。"""

    warned = set()  # 已经提醒过的单元格

    def get(name):
        error = notebook.errors.get(name)
        found = notebook.namespace.get(name)
        if not callable(found):
            if error is not None:
                pytest.fail(
                    f"notebook 中的 {name} 单元格 (cell) 运行出错, 所以无法检查 {name} —— {error}。"
                    "提示 (hint): 在 Jupyter 里运行这个单元格, 改到它不再报错, 保存 notebook 后再运行 pytest。",
                    pytrace=False,
                )
            if name not in notebook.sources:
                pytest.fail(
                    f"在 {notebook.path.name} 里没有找到 {name} 单元格 (cell): 请使用课程发布的 notebook, "
                    "并且不要删除或改名要填空的单元格",
                    pytrace=False,
                )
            pytest.fail(
                f"{name} 单元格里没有定义函数 {name} (function not found): 请保留 def {name}(...) 这一行, "
                "函数名和参数都不要改",
                pytrace=False,
            )
        if error is not None and name not in warned:
            warned.add(name)
            warnings.warn(
                f"{name} 单元格定义了 {name}, 但之后的代码出错了 ({error}); 自检只使用函数 {name} 本身",
                stacklevel=1,
            )
        return StudentFunction(name, found)

    return get
