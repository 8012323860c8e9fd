"""The portfolio's options: one summary row per option of a scenario that compares options.

A batch writes one workbook per scenario and one summary row per scenario
(:mod:`crmroi_xl.batch.summary`); a scenario that compares options gets a row per
option there instead (:func:`~crmroi_xl.batch.summary.per_option`), made of
:func:`option_rows`: the option, whether it is the baseline, its rank by NPV, its
headline results and the comparison's figures (:mod:`crmroi_xl.engine.options`).

>>> from crmroi_xl.engine.options import compare
>>> from crmroi_xl.scenario.model import Scenario
>>> s = Scenario.model_validate({
...     "assumptions": {"name": "Choice", "horizon_years": 2, "discount_rate": 0},
...     "options": [
...         {"name": "A", "costs": [{"label": "Licence", "category": "licences",
...                                  "one_off": 100}],
...          "benefits": [{"label": "Gain", "category": "cost_reduction",
...                        "amount_per_year": 80}]},
...         {"name": "B", "costs": [{"label": "Licence", "category": "licences",
...                                  "one_off": 50}]}],
... })
>>> [(r["option"], r["baseline"], r["rank"], r["npv"], r["tco"]) for r in option_rows(compare(s))]
[('A', False, 1, 60.0, 100.0), ('B', False, 2, -50.0, 50.0)]
"""

from __future__ import annotations

from typing import Any

from ..engine.options import COMPARISON_KEYS, Comparison
from ..excel.headline import HEADLINES

__all__ = ["option_rows"]


def option_rows(comparison: Comparison) -> list[dict[str, Any]]:
    """Each option's row of one scenario (without ``source`` and ``name``, which the
    batch entry gives)."""
    rows = []
    for option in comparison.options:
        row: dict[str, Any] = {
            "option": option.name,
            "baseline": option.baseline,
            "rank": option.rank,
        }
        row.update({h.key: h.evaluate(option.results)[0] for h in HEADLINES if h.shown})
        row.update({key: getattr(option, key) for key in COMPARISON_KEYS})
        rows.append(row)
    return rows
