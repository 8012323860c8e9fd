"""The scenario files of ``examples/``: all of them, and those of a single business case.

An example that compares options (``examples/two-vendors.yaml``) exports as a
workbook of options, a kind of its own: ``tests/test_option_workbook.py`` checks it
(and ``tests/test_strict.py`` takes every example); the other workbook tests take
:data:`CASE_EXAMPLES`.
"""

from __future__ import annotations

from pathlib import Path

from crmroi_xl import load_scenario

__all__ = ["CASE_EXAMPLES", "EXAMPLES", "OPTION_EXAMPLES"]

#: Every example, sorted by name.
EXAMPLES = sorted(Path("examples").iterdir())
#: The examples that compare options.
OPTION_EXAMPLES = [p for p in EXAMPLES if load_scenario(p).options]
#: The examples of a single business case (a workbook each).
CASE_EXAMPLES = [p for p in EXAMPLES if p not in OPTION_EXAMPLES]
