"""The students' feedback pages: nbgrader's `generate_feedback`, with this course's template.

`configure(c)`, called from `nbgrader_config.py`, points nbconvert's HTMLExporter at the template under
`templates/linreg_feedback/`, which extends nbgrader's own feedback template: the summary names each part,
a grade cell shows its report without nbgrader's bare score value (`Out[n]: 8`; the score is in the cell's
heading), long lines wrap, and the formulas are typeset by a copy of MathJax embedded in the page (the
`django-static-mathjax` package's `tex-svg-full.js`, with every TeX extension), so they render where the page cannot reach a CDN: opened
from a file, or on a network without access to the internet.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path
from typing import Any

from .. import words

TEMPLATES = Path(__file__).resolve().parent / "templates"
"""Where the template `linreg_feedback` lives."""
TEMPLATE = "linreg_feedback"
MATHJAX_CONFIG = {"tex": {"inlineMath": [["$", "$"], ["\\(", "\\)"]], "displayMath": [["$$", "$$"], ["\\[", "\\]"]],
                          "processEscapes": True, "processEnvironments": True},
                  "svg": {"fontCache": "global"}, "options": {"ignoreHtmlClass": "tex2jax_ignore|linreg-hidden-checks"}}
"""As nbconvert's own MathJax settings: `$…$` and `$$…$$` in the notebook's text; never inside a check report."""


def configure(c: Any) -> None:
    """Make `nbgrader generate_feedback` use this course's template (a traitlets Config `c`, from nbgrader_config.py)."""
    import nbgrader

    nbgrader_templates = Path(nbgrader.__file__).resolve().parent / "server_extensions" / "formgrader" / "templates"
    c.HTMLExporter.template_name = TEMPLATE
    # A file name of its own, so that its `extends 'index.html.j2'` finds nbgrader's, next in the search path.
    c.HTMLExporter.template_file = f"{TEMPLATE}.html.j2"
    # nbgrader adds its own folder only when none is configured: both, ours first.
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES), str(nbgrader_templates)]
    c.HTMLExporter.filters = {"linreg_mathjax": "autograder.feedback.mathjax", "linreg_part": "autograder.feedback.part_name"}


def part_name(grade_id: str) -> str:
    """How the summary names the part graded in the cell `grade_id` (its grade id, if the catalogue has no name for it)."""
    return words.part_name(grade_id) or grade_id


def mathjax(_: Any = None) -> str:
    """The MathJax of the page: its settings and the whole script, inline (about 2 MB), or nbconvert's CDN link if it is missing."""
    script = _mathjax_script()
    if script is None:
        return ('<script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/3.2.2/es5/tex-svg-full.js" id="MathJax-script" async></script>'
                f"<script>window.MathJax = {json.dumps(MATHJAX_CONFIG)};</script>")
    return f"<script>window.MathJax = {json.dumps(MATHJAX_CONFIG)};</script>\n<script>{script}</script>"


@functools.cache
def _mathjax_script() -> str | None:
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations)), "static", "mathjax", "es5", "tex-svg-full.js")
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    return text.replace("</script", "<\\/script")  # it could not end the inline script early
