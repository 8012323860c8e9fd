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

A scenario that compares options (``options:``) is one workbook but a row per option
(:func:`per_option`): the summary then gains the columns of :data:`OPTION_COLUMNS`
-- the option, whether it is the baseline, its rank by NPV -- and the comparison's
figures (TCO, incremental NPV, IRR and payback against the baseline, the
probabilities). A batch without options keeps exactly today's columns.

Text that comes from the input (names, file names, problems) reaches these
files printable: :func:`~crmroi_xl.scenario.messages.shown` escapes what a workbook
cannot store, so one odd name never costs the whole summary.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from ..engine.options import COMPARISON_KEYS
from ..excel.headline import HEADLINES
from ..excel.layout import ASSUMPTIONS
from ..io.flatwrite import csv_bytes
from ..scenario.labels import Lang, label
from .names import SUMMARY_NAME

__all__ = [
    "BASIS",
    "COMPARISON_FORMATS",
    "CSV_DECIMALS",
    "METRICS",
    "OPTION_COLUMNS",
    "STATUS_LABELS",
    "SUMMARY_COLUMNS",
    "SUMMARY_KEYS",
    "SUMMARY_NAME",
    "BatchEntry",
    "BatchReport",
    "Status",
    "per_option",
    "shown_place",
    "summary_columns",
    "summary_csv",
    "summary_json",
]

#: The results in the summary, with their number format: the workbooks' headline names.
METRICS: tuple[tuple[str, str], ...] = tuple((h.key, h.fmt) for h in HEADLINES if h.shown)

#: What the results rest on, before them: a 7-year case beside 5-year ones, or one
#: discounted at 12 % beside 8 %, shows it. Keyed and titled as the assumptions sheet.
_BASIS_FIELDS = ("horizon_years", "discount_rate")
BASIS: tuple[tuple[str, str], ...] = tuple(
    (a.field, a.fmt) for key in _BASIS_FIELDS for a in ASSUMPTIONS if a.field == key
)

#: Decimals of a number in the CSV, by number format: money to the cent, years and
#: months to the day or so, ratios (ROI, IRR, rates) to six decimals -- not the float
#: noise of a full ``repr`` (``838499,9999999999``). The JSON keeps every digit.
CSV_DECIMALS: dict[str, int] = {"eur": 2, "int": 0}
_RATIO_DECIMALS = 6

#: Columns of the summary: key (the CSV and JSON name) -> (French, English) header of the
#: workbook.
SUMMARY_COLUMNS: dict[str, tuple[str, str]] = {
    "source": ("Source", "Source"),
    "name": ("Scénario", "Scenario"),
    "status": ("Statut", "Status"),
    "file": ("Classeur", "Workbook"),
    **{a.field: a.title for key in _BASIS_FIELDS for a in ASSUMPTIONS if a.field == key},
    **{h.key: h.title for h in HEADLINES if h.shown},
    "currency": ("Devise", "Currency"),
    "error": ("Problème", "Problem"),
}

#: The keys of :data:`SUMMARY_COLUMNS` in order: the CSV's header, the JSON's keys.
SUMMARY_KEYS: list[str] = list(SUMMARY_COLUMNS)

#: The comparison's figures of an option, with their number format.
COMPARISON_FORMATS: dict[str, str] = {
    "tco": "eur",
    "tco_pv": "eur",
    "incremental_npv": "eur",
    "incremental_irr": "pct1",
    "incremental_payback": "years",
    "probability_best": "pct1",
    "probability_beats_baseline": "pct1",
}
if tuple(COMPARISON_FORMATS) != COMPARISON_KEYS:  # one list of the comparison's keys
    raise ImportError("the summary's comparison columns differ from the engine's keys")

#: The columns a batch with options adds: after the scenario's name, which option,
#: whether it is the baseline and its rank; after the results, the comparison's.
OPTION_COLUMNS: dict[str, tuple[str, str]] = {
    "option": ("Option", "Option"),
    "baseline": ("Référence", "Baseline"),
    "rank": ("Rang (VAN)", "Rank (NPV)"),
    "tco": ("Coût total (TCO)", "Total cost (TCO)"),
    "tco_pv": ("TCO actualisé", "TCO, present value"),
    "incremental_npv": ("VAN vs référence", "NPV vs baseline"),
    "incremental_irr": ("TRI vs référence", "IRR vs baseline"),
    "incremental_payback": ("Délai vs référence (années)", "Payback vs baseline (years)"),
    "probability_best": ("P(meilleure)", "P(best)"),
    "probability_beats_baseline": ("P(bat la référence)", "P(beats the baseline)"),
}


def summary_columns(entries: Sequence[BatchEntry]) -> dict[str, tuple[str, str]]:
    """The summary's columns for ``entries`` (rows as :func:`per_option` gives them):
    :data:`SUMMARY_COLUMNS`, and those of :data:`OPTION_COLUMNS` when a row is an
    option's.

    >>> list(summary_columns([])) == SUMMARY_KEYS
    True
    >>> row = BatchEntry(0, "a.yaml", "in/a.yaml", "Choice", "ok", results={"option": "A"})
    >>> list(summary_columns([row]))[:6]
    ['source', 'name', 'option', 'baseline', 'rank', 'status']
    """
    if not any("option" in entry.results for entry in entries):
        return SUMMARY_COLUMNS
    keys = list(SUMMARY_COLUMNS)
    at = keys.index("currency")
    keys[at:at] = COMPARISON_KEYS
    keys[2:2] = ("option", "baseline", "rank")
    return {key: SUMMARY_COLUMNS.get(key) or OPTION_COLUMNS[key] for key in keys}


def per_option(entries: Sequence[BatchEntry]) -> list[BatchEntry]:
    """The summary's rows: an entry each, but a row per option of a scenario that
    compares options (its ``results["options"]``, input order), each with that
    option's results beside the scenario's basis and currency.

    >>> rows = [{"option": "A", "rank": 2, "npv": 5.0}, {"option": "B", "rank": 1, "npv": 9.0}]
    >>> entry = BatchEntry(0, "a.yaml", "in/a.yaml", "Choice", "ok", "a.xlsx",
    ...                    results={"npv": 9.0, "currency": "EUR", "options": rows})
    >>> [(e.name, e.file, e.results["option"], e.results["npv"]) for e in per_option([entry])]
    [('Choice', 'a.xlsx', 'A', 5.0), ('Choice', 'a.xlsx', 'B', 9.0)]
    """
    out: list[BatchEntry] = []
    for entry in entries:
        options = entry.results.get("options")
        if not options:
            out.append(entry)
            continue
        shared = {key: entry.results.get(key) for key, _ in BASIS}
        shared["currency"] = entry.results.get("currency")
        out.extend(replace(entry, results={**shared, **row}) for row in options)
    return out


Status = Literal["ok", "error", "cancelled"]

#: A status as the summary workbook shows it, (French, English).
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "ok": ("OK", "OK"),
    "error": ("ERREUR", "ERROR"),
    "cancelled": ("ANNULÉ", "CANCELLED"),
}


_PLACE = re.compile(r"(row|line|index) ([0-9]+)")


def shown_place(place: str, lang: Lang) -> str:
    """Where a scenario is in the input, in ``lang`` (a file name stays as it is): the
    summary workbook's Source column. The CSV and JSON keep ``row 2`` for scripts.

    >>> shown_place("row 2", "fr"), shown_place("line 4", "fr"), shown_place("row 2.yaml", "fr")
    ('ligne 2', 'ligne 4', 'row 2.yaml')
    """
    found = _PLACE.fullmatch(place)
    return label(f"place_{found[1]}", lang).format(found[2]) if found else place


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
    results: Mapping[str, Any] = field(default_factory=dict)  # BASIS, METRICS and currency

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


_FORMATS = {**dict((*BASIS, *METRICS)), **COMPARISON_FORMATS}
_METRIC_KEYS = frozenset(_FORMATS) | {"currency", "option", "baseline", "rank"}


def _decimals(keys: Sequence[str]) -> list[int | None]:
    """Decimals of each column in the CSV (None: as it is)."""
    return [
        CSV_DECIMALS.get(_FORMATS[key], _RATIO_DECIMALS) if key in _FORMATS else None
        for key in keys
    ]


def _row(entry: BatchEntry, error: str | None, keys: Sequence[str]) -> list[Any]:
    return [
        entry.results.get(key)
        if key in _METRIC_KEYS
        else error
        if key == "error"
        else getattr(entry, {"source": "place"}.get(key, key))
        for key in keys
    ]


def summary_csv(entries: Sequence[BatchEntry], lang: Lang) -> bytes:
    """The summary as CSV for a spreadsheet in ``lang``: French, separated by ``;`` with
    decimal commas; English, by ``,`` with decimal points. Column names are the keys
    of :data:`SUMMARY_COLUMNS`; a problem of several lines is one cell, ``; `` between;
    numbers rounded as :data:`CSV_DECIMALS` says (money to the cent, ratios to six
    decimals).

    >>> entry = BatchEntry(0, "line 1", "b.jsonl: line 1", "Nord", "ok", "nord.xlsx",
    ...                    results={"horizon_years": 5, "discount_rate": 0.08,
    ...                             "roi": 0.4179178113581131, "npv": 838499.9999999999})
    >>> row = summary_csv([entry], "fr").decode("utf-8-sig").splitlines()[1]
    >>> row[:44], row.split(";")[SUMMARY_KEYS.index("npv")]
    ('line 1;Nord;ok;nord.xlsx;5;0,080000;0,417918', '838500,00')
    """
    entries = per_option(entries)
    keys = list(summary_columns(entries))
    rows = (_row(e, "; ".join((e.error or "").splitlines()) or None, keys) for e in entries)
    return csv_bytes(keys, rows, guard_formulas=True, french=lang == "fr", decimals=_decimals(keys))


def summary_json(entries: Sequence[BatchEntry]) -> bytes:
    """The summary for scripts: a JSON list of one object per scenario, keyed as
    :data:`SUMMARY_COLUMNS`, numbers as numbers, ``null`` where there is none.

    >>> entry = BatchEntry(0, "line 1", "b.jsonl: line 1", None, "error", error="x: bad")
    >>> json.loads(summary_json([entry]))[0]["error"], json.loads(summary_json([entry]))[0]["roi"]
    ('x: bad', None)
    """
    entries = per_option(entries)
    keys = list(summary_columns(entries))
    lines = [
        json.dumps(dict(zip(keys, _row(e, e.error, keys), strict=True)), ensure_ascii=False)
        for e in entries
    ]
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8")
