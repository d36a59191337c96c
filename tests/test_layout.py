"""Does the package's tree follow the data flow, with each fact in one place?

The README's flow, source → release → submission → execution → hidden checks → gradebook, is the
order of the package's stages; a module may use its own stage and those before it, never one after.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from traitlets.config import PyFileConfigLoader

from autograder import assignment, paths, settings, words
from autograder.batch import resume
from autograder.isolation import jail

STAGES = [
    {"paths", "assignment", "settings", "words", "errors", "timing", "bootstrap"},
    {"submission"},
    {"isolation"},
    {"checking", "checks"},
    {"pipeline", "execute", "preprocessor", "feedback"},  # execute and preprocessor: the old paths of the pipeline's steps
    {"batch"},
    {"course"},
    {"dev", "bench"},  # bench: the benchmark by its short name, `python -m autograder.bench`
    {"__main__"},
]
"""The package's stages, in the order data flows through them."""


def stage(module: str) -> int:
    top = module.removeprefix("autograder.").split(".")[0]
    return next(i for i, names in enumerate(STAGES) if top in names)


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(paths.PACKAGE.rglob("*.py")):
        parts = path.relative_to(paths.ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(module: str, path: Path) -> set[str]:
    """The modules of the package that `module` imports."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("autograder")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            if base.startswith("autograder"):
                found |= {f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules() else base for alias in node.names}
    return found


def test_every_module_has_a_stage() -> None:
    """Does every module of the package lie in one of the stages?"""
    for module in modules():
        if module != "autograder":
            stage(module)


@pytest.mark.parametrize("module", [m for m in modules() if m != "autograder"])
def test_no_module_imports_a_later_stage(module: str) -> None:
    """Does the module import only from its own stage and the ones before it?"""
    later = sorted(name for name in imports(module, modules()[module]) if name != "autograder" and stage(name) > stage(module))
    assert later == [], f"{module} (stage {stage(module)}) imports from later stages: {later}"


def test_one_word_for_the_students_process() -> None:
    """Is the student's jailed process never called a "worker" (the batch grader's word) or a "sandbox"?"""
    for module, path in modules().items():
        text = path.read_text()
        assert not re.search(r"\b[Ss]andbox(es)?\b", text), module
        if not module.startswith("autograder.batch") and module != "autograder.dev.bench":
            assert "worker.py" not in text, module


def test_facts_come_from_the_source_notebook() -> None:
    """Are the parts, points and blanks those of the source notebook's nbgrader metadata, and does each part have its checks?"""
    cells = json.loads(assignment.SOURCE_NOTEBOOK.read_text())["cells"]
    graded = [(c["metadata"]["nbgrader"]["grade_id"], c["metadata"]["nbgrader"]["points"]) for c in cells
              if c["metadata"].get("nbgrader", {}).get("grade")]
    assert [(p.grade_id, p.points) for p in assignment.PARTS] == graded
    assert assignment.BLANKS == ("data_iter", "linreg", "squared_loss", "sgd")
    assert sorted(p.stem for p in paths.CHECKS.glob("test_*.py")) == sorted(assignment.POINTS)


def test_self_check_loads_the_same_cells() -> None:
    """Does the students' self-check (which cannot import the grader) load the same cells as the hidden checks?"""
    tree = ast.parse((assignment.SOURCE_NOTEBOOK.parent / "conftest.py").read_text())
    cells = next(node.value for node in tree.body if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "CELLS")
    assert tuple(ast.literal_eval(cells)) == assignment.STUDENT_CELLS


def test_the_jail_hides_the_package_the_source_and_the_course(tmp_path: Path) -> None:
    """Computed from `paths`: can a jailed process read the reference, a check, the source notebook or a course's gradebook?"""
    if not jail.available():
        pytest.skip("Linux namespaces are not available here")
    course = tmp_path / "a course"
    course.mkdir()
    (course / "gradebook.db").write_text("grades")
    secrets = [paths.CHECKS / "reference.py", paths.CHECKS / "test_linreg.py", assignment.SOURCE_NOTEBOOK, course / "gradebook.db"]
    assert all(secret.is_file() for secret in secrets)
    where = jail.Jail(hide=jail.course_secrets(course))
    script = "import sys\nfor path in sys.argv[1:]:\n    try:\n        open(path).read(); print('read', path)\n    except OSError:\n        pass\n"
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(where.wrap(["python3", "-c", script, *map(str, secrets)]), cwd=folder, capture_output=True, text=True)
    where.close()
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""


def test_a_changed_check_changes_the_grading_digest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Does a change to any check module (wherever the package lies) change the digest that decides what to regrade?"""
    copy = tmp_path / "autograder"
    shutil.copytree(paths.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(paths, "PACKAGE", copy)

    class Setup:  # what the digest reads of a course: its source folder and configuration
        config = settings.load_config(paths.ROOT)

        def source(self) -> Path:
            return paths.SOURCE / assignment.NAME

    before = resume.grading_digest(Setup())
    for module in sorted((copy / "checks").glob("*.py")):
        module.write_text(module.read_text() + "\n# changed\n")
        assert resume.grading_digest(Setup()) != before, module.name
        before = resume.grading_digest(Setup())


def test_every_sentence_is_in_the_catalogue() -> None:
    """Is every `words.say(...)` of the package a sentence of the catalogue, every hidden check described there
    (`words.check_description`, by the check's module and name), every part named (`words.part_name`), and every
    sentence of the catalogue used?"""
    used = set()
    for path in modules().values():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "say" and node.args:
                if isinstance(node.args[0], ast.Constant):
                    used.add(node.args[0].value)
    for path in sorted(paths.CHECKS.glob("test_*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                assert words.check_description(path.stem, node.name), f"{path.stem}.{node.name} has no description"
                used.add(f"check.{path.stem}.{node.name}.description")
    for part in assignment.PARTS:
        assert words.part_name(part.grade_id), f"{part.grade_id} has no name for the feedback"
        used.add(f"feedback.part.{part.grade_id}")
    assert used - set(words.CATALOGUE) == set()
    assert set(words.CATALOGUE) - used == set()


OLD_CONFIG = """
from autograder.execute import SandboxedExecute
from autograder.preprocessor import HiddenChecks
c = get_config()
c.Autograde.autograde_preprocessors = [SandboxedExecute, HiddenChecks]
c.SandboxedExecute.timeout = 33
c.JailedKernelManager.memory_bytes = 3 << 30
c.HiddenChecks.call_seconds = 7.0
c.HiddenChecks.part_seconds = 21.0
"""


def test_an_old_configuration_still_loads(tmp_path: Path) -> None:
    """Does an nbgrader_config.py written for the old module paths still load, with its settings?"""
    from autograder.pipeline import HiddenChecks, JailedKernelManager, SandboxedExecute

    (tmp_path / "nbgrader_config.py").write_text(OLD_CONFIG)
    config = PyFileConfigLoader("nbgrader_config.py", path=str(tmp_path)).load_config()
    assert config.Autograde.autograde_preprocessors == [SandboxedExecute, HiddenChecks]
    assert SandboxedExecute(config=config).timeout == 33
    assert JailedKernelManager(config=config).memory_bytes == 3 << 30
    assert HiddenChecks(config=config).call_seconds == 7.0
    limits = settings.check_limits(config)
    assert (limits.call_seconds, limits.part_seconds) == (7.0, 21.0)
