"""Set the project up in `.venv` and run a job: `python3 -m autograder.bootstrap demo|test [ARGS]`.

Standard library only, so that it runs before anything is installed. torch comes first, as the
CPU build 2.13.0, and only where the environment has no torch yet: asked for through the
project's dependencies instead, pip would pick a CUDA build of several GB on Linux.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

from .paths import ROOT

TORCH = "torch==2.13.0"
JOBS = {
    "demo": ["-m", "autograder", "demo"],
    # One pytest process per core (pytest-xdist); tests that share a graded course stay in one (tests/conftest.py).
    "test": ["-m", "pytest", "-n", "auto"],
}


def environment(bin_dir: Path) -> dict[str, str]:
    """os.environ with the environment's bin/ first on PATH: nbgrader runs `alembic` from there."""
    return dict(os.environ, PATH=os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")]))


def setup(venv_dir: Path) -> Path:
    """Create the environment if needed, install torch (CPU) if it has none, then the project; its python."""
    python = venv_dir / "bin" / "python"
    if not python.exists():
        print(f"creating {venv_dir}", flush=True)
        venv.create(venv_dir, with_pip=True)
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    env = environment(python.parent)
    if subprocess.run([str(python), "-c", "import torch"], capture_output=True, env=env).returncode != 0:
        print(f"installing {TORCH} (CPU build)", flush=True)
        subprocess.run([*pip, TORCH], check=True, env=env)
    print("installing the project and its dependencies", flush=True)
    subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True, env=env)
    return python


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in JOBS:
        print(f"usage: python3 -m autograder.bootstrap {{{'|'.join(JOBS)}}} [ARGS]", file=sys.stderr)
        return 2
    venv_dir = Path(os.environ.get("LINREG_VENV", ROOT / ".venv"))
    try:
        python = setup(venv_dir)
    except subprocess.CalledProcessError as error:
        print(f"error: setup failed: {' '.join(map(str, error.cmd[:6]))} … exited with {error.returncode}", file=sys.stderr)
        return 1
    job = [str(python), *JOBS[argv[0]], *argv[1:]]
    return subprocess.run(job, cwd=ROOT, env=environment(python.parent)).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
