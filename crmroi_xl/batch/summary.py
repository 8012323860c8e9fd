"""The portfolio summary of a batch: what became of each scenario, one row each.

:func:`~crmroi_xl.batch.run.batch_export` records each scenario's outcome as a
:class:`BatchEntry` and writes them (:func:`~crmroi_xl.batch.run.write_summary`):

* ``portfolio-summary.xlsx``: the headline results as a sortable, filterable
  Excel table and a chart of the NPV (:mod:`crmroi_xl.batch.workbook`);
* ``portfolio-summary.csv``: the same rows for a spreadsheet, in the summary's
  language convention (:func:`summary_csv`): French Excel reads ``;`` and a
  decimal comma, English Excel ``,`` and a decimal point;
* ``portfolio-summary.json``: the same rows for scripts, whatever the language
  (:func:`summary_json`).

Text that comes from the input (names, file names, problems) reaches these
files printable: :func:`~crmroi_xl.scenario.messages.shown` escapes what a workbook
cannot store, so one odd name never costs the whole summary.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..excel.headline import HEADLINES
from ..io.flatwrite import csv_bytes
from ..scenario.labels import Lang
from .names import SUMMARY_NAME

__all__ = [
    "METRICS",
    "STATUS_LABELS",
    "SUMMARY_COLUMNS",
    "SUMMARY_NAME",
    "BatchEntry",
    "BatchReport",
    "Status",
    "summary_csv",
    "summary_json",
]

#: The results in the summary, with their number format: the workbooks' headline names.
METRICS: tuple[tuple[str, str], ...] = tuple((h.key, h.fmt) for h in HEADLINES if h.shown)

#: Columns of the summary: key (the CSV and JSON name) -> (French, English) header of the
#: workbook.
SUMMARY_COLUMNS: dict[str, tuple[str, str]] = {
    "source": ("Source", "Source"),
    "name": ("Scénario", "Scenario"),
    "status": ("Statut", "Status"),
    "file": ("Classeur", "Workbook"),
    **{h.key: h.title for h in HEADLINES if h.shown},
    "currency": ("Devise", "Currency"),
    "error": ("Problème", "Problem"),
}

Status = Literal["ok", "error", "cancelled"]

#: A status as the summary workbook shows it, (French, English).
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "ok": ("OK", "OK"),
    "error": ("ERREUR", "ERROR"),
    "cancelled": ("ANNULÉ", "CANCELLED"),
}


@dataclass(frozen=True)
class BatchEntry:
    """What became of one scenario of a batch: a row of the summary."""

    index: int
    place: str
    where: str
    name: str | None
    status: Status
    file: str | None = None  # file name in out_dir, when written
    error: str | None = None  # one line per problem
    results: Mapping[str, Any] = field(default_factory=dict)  # METRICS and currency

    def messages(self) -> list[str]:
        """The problems, one line each, prefixed with where they are."""
        return [f"{self.where}: {line}" for line in (self.error or "").splitlines()]


@dataclass(frozen=True)
class BatchReport:
    """The outcome of :func:`batch_export`: every entry in input order, and the summaries."""

    entries: list[BatchEntry]
    out_dir: Path
    summary_xlsx: Path
    summary_csv: Path
    #: Why the summary could not be written (then no file of an older run is left).
    summary_errors: tuple[str, ...] = ()
    summary_json: Path | None = None

    @property
    def ok(self) -> list[BatchEntry]:
        """Entries whose workbook was written."""
        return [e for e in self.entries if e.status == "ok"]

    @property
    def failed(self) -> list[BatchEntry]:
        """Entries that did not give a workbook (error or cancelled)."""
        return [e for e in self.entries if e.status != "ok"]

    def messages(self) -> list[str]:
        """Every problem, one line each, in input order."""
        return [line for entry in self.failed for line in entry.messages()]


_METRIC_KEYS = frozenset(key for key, _ in METRICS) | {"currency"}


def _row(entry: BatchEntry, error: str | None) -> list[Any]:
    return [
        entry.results.get(key)
        if key in _METRIC_KEYS
        else error
        if key == "error"
        else getattr(entry, {"source": "place"}.get(key, key))
        for key in SUMMARY_COLUMNS
    ]


def summary_csv(entries: Sequence[BatchEntry], lang: Lang) -> bytes:
    """The summary as CSV for a spreadsheet in ``lang``: French, separated by ``;`` with
    decimal commas; English, by ``,`` with decimal points. Column names are the keys
    of :data:`SUMMARY_COLUMNS`; a problem of several lines is one cell, ``; `` between.

    >>> entry = BatchEntry(0, "line 1", "b.jsonl: line 1", "Nord", "ok", "nord.xlsx",
    ...                    results={"roi": 0.25, "currency": "EUR"})
    >>> summary_csv([entry], "fr").decode("utf-8-sig").splitlines()[1][:29]
    'line 1;Nord;ok;nord.xlsx;0,25'
    """
    rows = (_row(e, "; ".join((e.error or "").splitlines()) or None) for e in entries)
    return csv_bytes(list(SUMMARY_COLUMNS), rows, guard_formulas=True, french=lang == "fr")


def summary_json(entries: Sequence[BatchEntry]) -> bytes:
    """The summary for scripts: a JSON list of one object per scenario, keyed as
    :data:`SUMMARY_COLUMNS`, numbers as numbers, ``null`` where there is none.

    >>> entry = BatchEntry(0, "line 1", "b.jsonl: line 1", None, "error", error="x: bad")
    >>> json.loads(summary_json([entry]))[0]["error"], json.loads(summary_json([entry]))[0]["roi"]
    ('x: bad', None)
    """
    keys = list(SUMMARY_COLUMNS)
    lines = [
        json.dumps(dict(zip(keys, _row(e, e.error), strict=True)), ensure_ascii=False)
        for e in entries
    ]
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8")
