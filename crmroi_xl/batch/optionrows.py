"""The portfolio's options: one row per option of each scenario that compares options.

A batch writes one workbook per scenario and one summary row per scenario
(:mod:`crmroi_xl.batch.summary`, unchanged by options: a scenario that compares
options shows its best option there). When a batch holds such scenarios it also
writes ``portfolio-options.csv`` and ``portfolio-options.json``: one row per option
-- the scenario, the option, whether it is the baseline, its rank by NPV, its
headline results and the comparison's figures (:mod:`crmroi_xl.engine.options`).

>>> rows = [{"option": "A", "baseline": False, "rank": 1, "npv": 10.5}]
>>> entry = BatchEntry(0, "a.yaml", "in/a.yaml", "Choice", "ok", results={"options": rows})
>>> json.loads(options_json([entry]))[0]["option"], OPTION_KEYS[:5]
('A', ('source', 'name', 'option', 'baseline', 'rank'))
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..engine.options import COMPARISON_KEYS, Comparison
from ..excel.headline import HEADLINES
from ..io.flatwrite import csv_bytes
from ..scenario.labels import Lang
from .summary import CSV_DECIMALS, METRICS, BatchEntry

__all__ = ["OPTIONS_NAME", "OPTION_KEYS", "option_rows", "options_csv", "options_json"]

#: The files' name, beside ``portfolio-summary``.
OPTIONS_NAME = "portfolio-options"

#: The columns (CSV header, JSON keys), in order.
OPTION_KEYS: tuple[str, ...] = (
    "source",
    "name",
    "option",
    "baseline",
    "rank",
    *(key for key, _ in METRICS),
    *COMPARISON_KEYS,
)
_MONEY = {"tco", "tco_pv", "incremental_npv"}
_FORMATS = dict(METRICS)


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


def _rows(entries: Sequence[BatchEntry]) -> list[dict[str, Any]]:
    out = []
    for entry in entries:
        for row in entry.results.get("options") or []:
            full = {"source": entry.place, "name": entry.name, **row}
            out.append({key: full.get(key) for key in OPTION_KEYS})
    return out


def options_json(entries: Sequence[BatchEntry]) -> bytes:
    """The option rows for scripts: a JSON list of objects keyed by :data:`OPTION_KEYS`."""
    lines = [json.dumps(row, ensure_ascii=False) for row in _rows(entries)]
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8")


def _decimals(key: str) -> int | None:
    if key in _MONEY:
        return CSV_DECIMALS["eur"]
    if key in ("source", "name", "option", "baseline", "rank"):
        return None
    return CSV_DECIMALS.get(_FORMATS.get(key, ""), 6)


def options_csv(entries: Sequence[BatchEntry], lang: Lang) -> bytes:
    """The option rows as CSV in the summary's language convention (as
    :func:`~crmroi_xl.batch.summary.summary_csv`)."""
    rows = ([row[key] for key in OPTION_KEYS] for row in _rows(entries))
    decimals = [_decimals(key) for key in OPTION_KEYS]
    return csv_bytes(OPTION_KEYS, rows, guard_formulas=True, french=lang == "fr", decimals=decimals)
