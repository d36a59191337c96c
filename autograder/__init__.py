"""The linear-regression assignment's grader: its stages in the order data flows through them (see the README)."""

import sys

# jsonschema (which nbformat imports) builds an IRI grammar with lark at import when rfc3987_syntax is
# installed (it comes with JupyterLab): 2.4 s in every grading process, for a format nbformat never
# checks. Left unimported, jsonschema goes without that one format checker.
sys.modules.setdefault("rfc3987_syntax", None)
