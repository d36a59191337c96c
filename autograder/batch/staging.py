"""A submission made ready for a worker: its notebooks sanitized by nbgrader's own steps, and its folder's files, by value."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nbgrader.converters import Autograde
from nbgrader.utils import find_all_files

from ..submission.intake import Screened
from . import jobs
from .setup import Setup


def stage(setup: Setup, student: str, folder: Path, screened: Screened) -> list[jobs.Job]:
    """The submission's notebooks sanitized by nbgrader's own steps, with the folder each would run in."""
    with _attributes(setup.coursedir, assignment_id=setup.assignment, student_id=student):
        converter = Autograde(coursedir=setup.coursedir, parent=setup.api)
        converter.exporter = converter.exporter_class(parent=converter, config=converter.config)
        converter._sanitizing = True
        converter._init_preprocessors()
        files = folder_files(setup, folder, screened)
        staged = []
        for notebook in setup.notebooks:
            path = folder / f"{notebook}.ipynb"
            if f"{notebook}.ipynb" not in screened.files:
                continue
            resources = converter.init_single_notebook_resources(str(path))
            sanitized, _ = converter.exporter.from_filename(str(path), resources=resources)
            staged.append(jobs.Job(student, setup.assignment, notebook, sanitized, dict(files), setup.worker_config, setup.steps,
                                   str(setup.root)))
            # A later notebook runs beside the earlier ones (nbgrader's folder has them autograded by then,
            # here sanitized: the same cells, without outputs).
            files[f"{notebook}.ipynb"] = sanitized.encode()
        return staged


def folder_files(setup: Setup, folder: Path, screened: Screened) -> dict[str, tuple[bytes, int]]:
    """The files nbgrader puts beside the notebook: the submission's own (regular files only), then the source's over them."""
    source = setup.source()
    files = {name: _read(folder / name) for name in screened.files if not name.endswith(".ipynb")}
    for path in find_all_files(str(source), setup.coursedir.ignore + ["*.ipynb"]):
        if os.path.relpath(path, source) not in setup.exclude_overwriting:
            files[os.path.relpath(path, source)] = _read(Path(path))
    return files


@contextmanager
def _attributes(target: object, **values: str) -> Iterator[None]:
    """Set attributes for a while, and set them back also when what ran raised (nbgrader's `temp_attrs` does not)."""
    saved = {name: getattr(target, name) for name in values}
    for name, value in values.items():
        setattr(target, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(target, name, value)


def _read(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), os.stat(path).st_mode & 0o777
