"""Driving real nbgrader on a course folder, as an instructor would.

Every step runs `python -m nbgrader` as a subprocess in the course folder, with this environment's
`bin/` on PATH (nbgrader runs `alembic` from there, also when this Python was started unactivated).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .. import paths
from ..assignment import NAME, NOTEBOOK
from ..errors import CourseError


def environment() -> dict[str, str]:
    """os.environ with this interpreter's bin/ first on PATH, activated or not."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


NBGRADER = [sys.executable, "-c", "import autograder, runpy; runpy.run_module('nbgrader', run_name='__main__', alter_sys=True)"]
"""`python -m nbgrader`, started through this package, which spares every such process 2.4 s of imports (see `autograder/__init__.py`)."""


def nbgrader(root: Path, *args: str) -> str:
    """Run `nbgrader ARGS` in the course folder `root`; its log, or CourseError with the first error line."""
    done = subprocess.run([*NBGRADER, *args], cwd=root, env=environment(), capture_output=True, text=True)
    log = done.stdout + done.stderr
    if done.returncode != 0:
        errors = [line for line in log.splitlines() if "ERROR" in line or "Error" in line] or log.splitlines()[-1:]
        raise CourseError(f"nbgrader {args[0]} failed: {errors[0].strip() if errors else 'exit ' + str(done.returncode)}")
    return log


def new_course(folder: Path, settings: str = "") -> Path:
    """A course folder with this repository's configuration and source, for grading outside it.

    `settings` are lines of nbgrader configuration added after the repository's own.
    """
    folder.mkdir(parents=True, exist_ok=True)
    config = paths.CONFIG.read_text()
    (folder / "nbgrader_config.py").write_text(config + ("\n" + settings + "\n" if settings else ""))
    shutil.copytree(paths.SOURCE, folder / "source", dirs_exist_ok=True)
    return folder


def submit(root: Path, student: str, notebook: Path) -> Path:
    """Put a notebook where nbgrader expects the student's submission."""
    target = root / "submitted" / student / NAME / f"{NOTEBOOK}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(notebook, target)
    return target


def released(folder: Path, settings: str = "") -> Path:
    """A course folder at `folder` as `new_course` then `nbgrader generate_assignment` leave it, copied from the one
    made once for these settings (`cached_release`)."""
    shutil.copytree(cached_release(settings), folder, symlinks=True, dirs_exist_ok=True)
    return folder


def cached_release(settings: str = "") -> Path:
    """A course folder with the assignment released and in its gradebook, made once for these settings and this
    repository's configuration and source, and kept in the user's own cache (`nbgrader generate_assignment`
    takes seconds: it creates the gradebook)."""
    sha = hashlib.sha256(settings.encode() + paths.CONFIG.read_bytes() + importlib.metadata.version("nbgrader").encode())
    for path in sorted((paths.SOURCE / NAME).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            sha.update(str(path.relative_to(paths.SOURCE)).encode() + path.read_bytes())
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "linreg-autograder"
    cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    course = cache / f"check-{sha.hexdigest()[:16]}"
    if not (course / "gradebook.db").is_file():
        made = Path(tempfile.mkdtemp(prefix="check-", dir=cache))
        new_course(made, settings)
        nbgrader(made, "generate_assignment", NAME, "--force")
        try:
            made.rename(course)  # whole or not at all, also when two checks make it at once
        except OSError:
            shutil.rmtree(made, ignore_errors=True)
    return course
