"""JupyterLab in headless Chromium, for tests/test_browser.py: the server, the browser, and a student's moves on the page.

The browser is Debian's `chromium` (Playwright for Python drives it through `executable_path`; no
`playwright install`, which downloads browsers). JupyterLab is this environment's, with nbgrader's lab
extension, on a free loopback port with a token, and Jupyter folders of its own, so the machine's own
settings and extensions play no part.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

CHROMIUM_ARGS = [  # without the last four, Chromium dials Google's hosts at every start
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
RUN_MS = 180_000
"""How long a Run All or a Validate may take: the solved notebook runs in about 10 s alone, more on a busy machine."""


def find_chromium() -> str | None:
    """Debian's Chromium (or the browser named by $CHROMIUM), or None."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    """A running JupyterLab: its base URL, token, the folder it serves, and its process."""

    url: str
    token: str
    root: Path
    process: subprocess.Popen

    def notebook_url(self, name: str) -> str:
        return f"{self.url}lab/tree/{name}?token={self.token}&reset"


def start_lab(base: Path, served: Path) -> Lab:
    """JupyterLab serving `served`, with its home, config, data and runtime folders under `base`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON", "PYTHON"))}
    env.update(HOME=str(base / "home"), JUPYTER_CONFIG_DIR=str(base / "config"), JUPYTER_DATA_DIR=str(base / "data"),
               JUPYTER_RUNTIME_DIR=str(base / "runtime"), IPYTHONDIR=str(base / "ipython"),
               # This environment's etc/jupyter (nbgrader's server extensions) and share/jupyter (the kernel, the
               # lab extension) stay on the path: they are the project's, not the machine's.
               JUPYTER_PREFER_ENV_PATH="1",
               PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    (base / "home").mkdir(parents=True)
    labconfig = base / "config" / "labconfig"
    labconfig.mkdir(parents=True)
    # No "Would you like to get notified about official Jupyter news?" over the notebook.
    (labconfig / "page_config.json").write_text('{"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": true}}')
    port, token = free_port(), secrets.token_hex(16)
    log = open(base / "jupyterlab.log", "wb")  # noqa: SIM115 (the server writes it for its whole life)
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={served}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        + (["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
        cwd=served,  # nbgrader's Validate reads nbgrader_config.py from here: a student's folder has none
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    lab = Lab(f"http://127.0.0.1:{port}/", token, served, process)
    deadline = time.monotonic() + 90
    while True:
        if process.poll() is not None or time.monotonic() > deadline:
            stop_lab(lab)
            raise RuntimeError(f"JupyterLab did not start:\n{(base / 'jupyterlab.log').read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{lab.url}api/status?token={token}", timeout=2) as answer:
                if answer.status == 200:
                    return lab
        except OSError:
            time.sleep(0.3)


def stop_lab(lab: Lab) -> None:
    """Stop the server and its kernels: they share one process group (start_new_session), stopped by its id."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(lab.process.pid, sig)
            lab.process.wait(wait)
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue
        time.sleep(0.5)  # kernels exit just after the server: what is left of the group goes with the SIGKILL


# ------------------------------------------------------------------------------------- a student's moves

def open_notebook(page, lab: Lab, name: str) -> None:
    page.goto(lab.notebook_url(name))
    page.locator(".jp-NotebookPanel .validate-button").wait_for(timeout=90_000)  # nbgrader's lab extension
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for()
    wait_idle(page, started=True)  # the kernel starting up


def menu_item(page, top: str, command: str):
    """Open a menu of the menu bar; the entry with that JupyterLab command id."""
    page.locator(".lm-MenuBar-item", has_text=top).first.click()
    return page.locator(f'.lm-Menu li[data-command="{command}"]')


def status(page) -> str:
    return page.locator(".jp-NotebookPanel .jp-Notebook-ExecutionIndicator").first.get_attribute("data-status") or ""


def wait_idle(page, started: bool = False, timeout: int = RUN_MS) -> None:
    """Wait until the kernel has been busy (unless `started`) and then idle for a second."""
    begin = time.monotonic()
    seen_busy, idle_since = started, None
    while time.monotonic() < begin + timeout / 1000:
        if status(page) != "idle":
            seen_busy, idle_since = True, None
        elif seen_busy or time.monotonic() > begin + 5:  # a short busy spell may be missed
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= 1.0:
                return
        page.wait_for_timeout(200)
    raise AssertionError(f"kernel still {status(page)!r} after {timeout / 1000:.0f} s")


def scroller(page):
    return page.locator(".jp-NotebookPanel .jp-WindowedPanel-outer").first


# textContent, not innerText: a cell just scrolled into view is not laid out yet (content-visibility: auto).
CELLS_JS = """els => els.map(c => ({
    index: +c.dataset.windowedListIndex,
    input: Array.from(c.querySelectorAll('.jp-InputArea-editor .cm-line')).map(l => l.textContent).join('\\n')
           || (c.querySelector('.jp-RenderedMarkdown') || {textContent: ''}).textContent,
    output: Array.from(c.querySelectorAll('.jp-OutputArea-output')).map(o => o.textContent).join('\\n'),
    errors: c.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').length,
    images: c.querySelectorAll('.jp-OutputArea-output img').length,
}))"""


def all_cells(page) -> dict[int, dict]:
    """Every cell's input, output text, error and image counts. JupyterLab 4 renders only the cells in view,
    so this scrolls through the notebook from the top and collects them as they appear."""
    cells, box = {}, scroller(page)
    box.evaluate("el => el.scrollTop = 0")
    while True:
        page.wait_for_timeout(150)
        for cell in page.locator(".jp-NotebookPanel .jp-Cell").evaluate_all(CELLS_JS):
            cells[cell["index"]] = cell
        if box.evaluate("el => { const b = el.scrollTop; el.scrollTop += el.clientHeight * 0.8; return el.scrollTop === b; }"):
            return cells


def find_cell(page, text: str):
    """The cell whose text contains `text`, scrolled into view."""
    box = scroller(page)
    box.evaluate("el => el.scrollTop = 0")
    cell = page.locator(".jp-NotebookPanel .jp-Cell", has_text=text)
    while cell.count() == 0:
        if box.evaluate("el => { const b = el.scrollTop; el.scrollTop += el.clientHeight * 0.6; return el.scrollTop === b; }"):
            raise AssertionError(f"no cell contains {text!r}")
        page.wait_for_timeout(100)
    cell.first.scroll_into_view_if_needed()
    return cell.first


def editor_text(cell) -> str:
    return "\n".join(line.rstrip() for line in cell.locator(".cm-content .cm-line").all_text_contents()).strip()


def type_into_cell(page, cell, code: str, paste: bool = False) -> None:
    """Replace the cell's text by `code`, typed key by key as a student would, or pasted in one go.

    Typing, CodeMirror indents each new line itself, so after Enter, Shift+Home selects the indentation it
    inserted and the typed line, with its own spaces, replaces it.
    """
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    if paste:
        page.keyboard.insert_text(code.rstrip("\n"))
        page.keyboard.press("Escape")
        return
    for k, line in enumerate(code.rstrip("\n").split("\n")):
        if k:
            page.keyboard.press("Enter")
            page.keyboard.press("Shift+Home")
            if not line:
                page.keyboard.press("Delete")
                continue
        page.keyboard.type(line)
    page.keyboard.press("Escape")  # back to command mode


def validate(page):
    """nbgrader's Validate button: it saves the notebook, validates it on the server, shows "Validation Results"."""
    page.locator(".jp-NotebookPanel jp-button.validate-button").click()
    dialog = page.locator(".jp-Dialog", has_text="Validation Results")
    dialog.wait_for(timeout=RUN_MS)
    return dialog
