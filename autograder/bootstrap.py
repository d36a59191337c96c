"""Set the project up in `.venv` and run a job: `python3 -m autograder.bootstrap demo|test [ARGS]`.

Standard library only, so that it runs before anything is installed. torch comes first, as the
CPU build 2.13.0, and only where the environment has no torch yet: asked for through the
project's dependencies instead, pip would pick a CUDA build of several GB on Linux. For `test`,
Debian's Chromium and Chinese fonts for the browser test, with apt-get, where they are missing and
this runs as root. Each step is one line, `installing … (k/n)`; an installer's own output is shown
only when it fails.
"""

from __future__ import annotations

import os
import shutil
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


def run_step(step: int, steps: int, what: str, command: list[str], env: dict[str, str], quiet: bool = False) -> None:
    """One line for an install step (none if `quiet`); its output only if it fails (the last lines), then CalledProcessError."""
    if not quiet:
        print(f"{what} … ({step}/{steps})", flush=True)
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-25:]
        print("\n".join(f"    {line}" for line in tail), file=sys.stderr)
        raise subprocess.CalledProcessError(done.returncode, command)


def setup(venv_dir: Path, browser: bool = False) -> Path:
    """Create the environment if needed, install torch (CPU) if it has none, then the project; its python.

    With `browser`, also Debian's Chromium and Chinese fonts for the browser test, where apt-get may install them.
    """
    python = venv_dir / "bin" / "python"
    if not python.exists():
        print(f"creating {venv_dir}", flush=True)
        venv.create(venv_dir, with_pip=True)
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    env = environment(python.parent)
    need_torch = subprocess.run([str(python), "-c", "import torch"], capture_output=True, env=env).returncode != 0
    packages = system_packages() if browser else []
    steps, step = 1 + need_torch + bool(packages), 0
    if need_torch:
        step += 1
        run_step(step, steps, f"installing {TORCH} (CPU build)", [*pip, TORCH], env)
    step += 1
    run_step(step, steps, "installing the project and its dependencies", [*pip, "-e", f"{ROOT}[dev]"], env)
    if packages:
        step += 1
        install_system_packages(step, steps, packages)
    return python


BROWSER_PACKAGES = ("chromium", "fonts-noto-cjk")
"""Debian packages the browser test needs (the fonts: without them every Chinese character is a box in its screenshots)."""


def system_packages() -> list[str]:
    """The browser test's Debian packages that are missing and that apt-get may install here (as root), else []."""
    if os.environ.get("LINREG_NO_APT") or not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("apt-get"):
        return []
    missing = []
    for package in BROWSER_PACKAGES:
        known = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
        if "install ok installed" not in known.stdout:
            missing.append(package)
    return missing


def install_system_packages(step: int, steps: int, packages: list[str]) -> None:
    """apt-get install the packages; if that fails, one line says so and the browser test will skip."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    what = f"installing {' '.join(packages)} with apt-get, for the browser test"
    try:
        print(f"{what} … ({step}/{steps})", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], capture_output=True, env=env, check=False)  # a stale list: install says so
        run_step(step, steps, what, ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], env, quiet=True)
    except subprocess.CalledProcessError:
        print(f"could not install {' '.join(packages)} (see above): the browser test will be skipped", file=sys.stderr)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in JOBS:
        print(f"usage: python3 -m autograder.bootstrap {{{'|'.join(JOBS)}}} [ARGS]", file=sys.stderr)
        return 2
    venv_dir = Path(os.environ.get("LINREG_VENV", ROOT / ".venv"))
    try:
        python = setup(venv_dir, browser=argv[0] == "test")
    except subprocess.CalledProcessError as error:
        print(f"error: setup failed: {' '.join(map(str, error.cmd[:6]))} … exited with {error.returncode}", file=sys.stderr)
        return 1
    job = [str(python), *JOBS[argv[0]], *argv[1:]]
    return subprocess.run(job, cwd=ROOT, env=environment(python.parent)).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
