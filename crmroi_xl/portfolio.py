"""The portfolio summary of a batch: one row per scenario, as an Excel table and as CSV.

:func:`~crmroi_xl.batch.batch_export` records what became of each scenario
(:class:`BatchEntry`) and writes them with :func:`write_summary`:

* ``portfolio-summary.xlsx``: the headline results as a sortable, filterable
  Excel table, and a chart of the NPV by scenario;
* ``portfolio-summary.csv``: the same rows for scripts.

Text that comes from the input (names, file names, problems) reaches these
files printable: :func:`~crmroi_xl.messages.shown` escapes what a workbook
cannot store, so one odd name never costs the whole summary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from .errors import CrmRoiError
from .excel.package import save_workbook
from .excel.styles import number_formats
from .files import write_atomic
from .flatwrite import csv_bytes
from .headline import HEADLINES
from .labels import Lang, label

__all__ = [
    "METRICS",
    "SUMMARY_COLUMNS",
    "SUMMARY_NAME",
    "BatchEntry",
    "BatchReport",
    "Status",
    "build_summary",
    "write_summary",
]

#: File name (without suffix) of the portfolio summary, .xlsx and .csv.
SUMMARY_NAME = "portfolio-summary"

#: The results in the summary, with their number format: the workbooks' headline names.
METRICS: tuple[tuple[str, str], ...] = tuple((h.key, h.fmt) for h in HEADLINES if h.shown)

#: Columns of the summary: key (the CSV header) -> (French, English) header of the workbook.
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
_STATUS_LABELS: dict[str, tuple[str, str]] = {
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
    #: Why the summary could not be written (then neither file of an older run is left).
    summary_errors: tuple[str, ...] = ()

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


def build_summary(entries: Sequence[BatchEntry], lang: Lang) -> Workbook:
    """The portfolio summary workbook: an Excel table and a chart of the NPV."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    fr = lang == "fr"
    ws.title = "Portefeuille" if fr else "Portfolio"
    keys = list(SUMMARY_COLUMNS)
    ws.append([SUMMARY_COLUMNS[key][0 if fr else 1] for key in keys])
    fmts = dict(METRICS)
    for r, entry in enumerate(entries, start=2):
        currency = str(entry.results.get("currency") or "EUR")
        formats = number_formats(lang, currency)
        for c, key in enumerate(keys, start=1):
            cell = ws.cell(r, c)
            if key in fmts:
                if entry.status == "ok":
                    value = entry.results.get(key)
                    cell.value = "#N/A" if value is None else value  # as the workbooks show it
                    cell.number_format = formats[fmts[key]]
                continue
            text = {
                "source": entry.place,
                "name": entry.name,
                "status": _STATUS_LABELS[entry.status][0 if fr else 1],
                "file": entry.file,
                "currency": entry.results.get("currency"),
                "error": entry.error,
            }[key]
            if text is not None:
                cell.value = text
                cell.data_type = "s"  # a name starting with "=" stays text
            if key == "file" and entry.file:
                cell.hyperlink = entry.file
                cell.style = "Hyperlink"
            if key == "error":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    last = get_column_letter(len(keys))
    table = Table(displayName="Portfolio", ref=f"A1:{last}{max(2, len(entries) + 1)}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = "C2"
    for c, key in enumerate(keys, start=1):
        width = {"source": 14, "name": 32, "file": 30, "error": 70, "status": 12}.get(key, 15)
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.row_dimensions[1].height = 30
    for cell in ws[1]:
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.font = Font(bold=True, color="FFFFFF")

    sheet = wb.create_sheet("Graphique VAN" if fr else "NPV chart")
    chart = BarChart()
    chart.type = "bar"
    chart.title = "VAN par scénario" if fr else "NPV by scenario"
    npv = keys.index("npv") + 1
    end = len(entries) + 1
    chart.add_data(Reference(ws, min_col=npv, min_row=1, max_row=end), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=keys.index("name") + 1, min_row=2, max_row=end))
    chart.legend = None
    chart.x_axis.scaling.orientation = "maxMin"  # the first scenario on top, as in the table
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.title = label("npv", lang)
    chart.width = 24
    chart.height = max(8.0, min(0.5 * len(entries), 120.0))
    sheet.add_chart(chart, "A1")
    wb.properties.creator = "crmroi-xl"
    wb.properties.title = ws.title
    return wb


def _summary_rows(entries: Sequence[BatchEntry]) -> Iterator[list[Any]]:
    for entry in entries:
        row: list[Any] = []
        for key in SUMMARY_COLUMNS:
            if key in dict(METRICS) or key == "currency":
                row.append(entry.results.get(key))
            elif key == "error":
                row.append("; ".join((entry.error or "").splitlines()) or None)
            else:
                row.append(
                    {
                        "source": entry.place,
                        "name": entry.name,
                        "status": entry.status,
                        "file": entry.file,
                    }[key]
                )
        yield row


def write_summary(entries: Sequence[BatchEntry], out_dir: Path, lang: Lang) -> tuple[Path, Path]:
    """Write the portfolio summary, ``.csv`` then ``.xlsx``, each atomically.

    Each is attempted even when the other fails (the small CSV first: on a disk
    nearly full it is the one most likely to fit). One that cannot be written
    is removed if an older one of that name is there, so no stale summary
    passes for this run's; then :class:`~crmroi_xl.errors.CrmRoiError` says
    which could not be written and why.
    """
    csv_path, xlsx = out_dir / f"{SUMMARY_NAME}.csv", out_dir / f"{SUMMARY_NAME}.xlsx"
    problems = []
    writers: list[tuple[Path, Callable[[], object]]] = [
        (
            csv_path,
            lambda: write_atomic(
                csv_path,
                csv_bytes(list(SUMMARY_COLUMNS), _summary_rows(entries), guard_formulas=True),
            ),
        ),
        (xlsx, lambda: save_workbook(build_summary(entries, lang), xlsx)),
    ]
    for path, write in writers:
        try:
            write()
        except (CrmRoiError, OSError) as error:
            problems.append(error.message if isinstance(error, CrmRoiError) else str(error))
            with suppress(OSError):
                path.unlink(missing_ok=True)  # an older summary would pass for this run's
    if problems:
        raise CrmRoiError("\n".join(problems))
    return xlsx, csv_path
