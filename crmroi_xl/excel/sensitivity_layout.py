"""Where the "how sure are we" parts of a workbook are (what the lines' ranges give):
the places the layout composes in (:attr:`~crmroi_xl.excel.layout.Layout.sensitivity`).

* **The base amounts** -- a block under the Costs table and one under the
  Benefits table: each line's yearly amounts at the base case, whatever case
  the workbook shows (the table's year cells are these times the line's case
  factor), with their total and present value. The tornado and the cases read
  the lines' base present values here, so no division by a case factor (0 when
  a ``low`` of 0 is selected) is ever needed.
* **The Sensitivity sheet** -- the case selector ``In_Case``, the table of the
  three cases, the break-even factors, the tornado (its largest bars sorted,
  with a chart), the Monte Carlo results written at export (statistics,
  probabilities, histogram and S-curve, with their charts), then the detail:
  one row per line of the Costs and Benefits tables, where the tornado's
  swings and ranks and the cases' multipliers are computed.

Row numbers are written here only; the sheet module
(:mod:`crmroi_xl.excel.sheets.sensitivity`) says what the cells hold.

>>> from crmroi_xl.excel.layout import Layout
>>> places = Layout("en").sensitivity
>>> places.case_cell, places.cell("npv", "base"), places.tornado_cell("npv_low", 0)
('B5', 'C9', 'E28')
>>> places.detail_row("benefits", 0) - places.detail_row("costs", 0)
25
"""

from __future__ import annotations

from typing import Any, ClassVar, NamedTuple, Protocol

from ..engine.assumption_bars import ASSUMPTION_DRIVERS
from ..engine.sensitivity import CASES
from .parts import YEARS, Table

__all__ = [
    "ASSUMPTION_YEARS",
    "CASE_COLUMNS",
    "CASE_ROWS",
    "CURVE_POINTS",
    "DETAIL_COLUMNS",
    "HISTOGRAM_BINS",
    "HISTOGRAM_COLUMNS",
    "METRIC_COLUMNS",
    "PROBABILITIES",
    "SPIDER_CHANGES",
    "SPIDER_DRIVERS",
    "SPIDER_LETTERS",
    "STATISTICS",
    "TORNADO_BARS",
    "TORNADO_COLUMNS",
    "YEAR_LETTERS",
    "SensitivityLayout",
    "Slot",
    "TablePlaces",
]

#: The rows of the cases table, in order, and its columns: each case, then the case shown.
CASE_ROWS = (
    "npv",
    "roi",
    "bcr",
    "pv_costs",
    "pv_benefits",
    "total_costs",
    "total_benefits",
    "irr",
    "payback",
)
CASE_COLUMNS = dict(zip((*CASES, "shown"), "BCDE", strict=True))
#: The tornado's sorted table: its largest bars, one a row; its columns.
TORNADO_BARS = 10
TORNADO_COLUMNS = dict(
    zip(
        ("label", "side", "low", "high", "npv_low", "npv_high", "swing", "delta_low",
         "delta_high", "rank"),
        "ABCDEFGHIJ",
        strict=True,
    )
)  # fmt: skip
#: The detail, one row per line of the Costs then the Benefits table; its columns.
DETAIL_COLUMNS = dict(
    zip(
        ("label", "side", "counted", "low", "high", "pessimistic", "optimistic", "total",
         "present_value", "npv_low", "npv_high", "swing", "rank"),
        "ABCDEFGHIJKLM",
        strict=True,
    )
)  # fmt: skip
#: The base years under the detail that the assumptions' bars read (one a row, years
#: 0 to 10 in ``YEAR_LETTERS``): counted flows, the ramp-up benefits, the adoption
#: shares and their change at each end, the discount factors at each end of the rate.
ASSUMPTION_YEARS = (
    "t",
    "costs",
    "benefits",
    "net_flow",
    "ramp_up",
    "adoption",
    "ramp_change_low",
    "ramp_change_high",
    "factors_low",
    "factors_high",
    # the spider's changes of the rate and of the adoption (SPIDER_CHANGES, in order)
    *(f"spider_factors_{j}" for j in range(5)),
    *(f"spider_ramp_{j}" for j in range(5)),
)
#: The spider: NPV at -20 % ... +20 % of each of the five largest drivers (tornado order).
SPIDER_CHANGES = (-0.2, -0.1, 0.0, 0.1, 0.2)
SPIDER_DRIVERS = 5
SPIDER_LETTERS = "BCDEF"
YEAR_LETTERS = "BCDEFGHIJKL"[: len(YEARS)]
#: The Monte Carlo statistics (rows) of each metric (columns), then the probabilities.
STATISTICS = ("mean", "std", "p5", "p10", "p50", "p90", "p95", "undefined_share")
METRIC_COLUMNS = {"npv": "B", "roi": "C", "payback": "D"}
PROBABILITIES = ("npv_positive", "roi_positive", "payback_within_horizon")
#: The histogram of the simulated NPV: its bins, one a row, and its columns; the
#: S-curve's points (cumulative probability 0, 1 ... 100 %) beside it.
HISTOGRAM_BINS = 20
HISTOGRAM_COLUMNS = dict(zip(("from", "to", "middle", "runs", "share"), "ABCDE", strict=True))
CURVE_POINTS = 101  # 0, 1 ... 100 %: the tails are drawn, not straight lines (issue 21)
_CURVE = {"probability": "G", "npv": "H", "marker_x": "J", "marker_y": "K"}

# The sheet's rows, top to bottom (title and note in rows 1 and 2).
_SELECTOR = 5  # under its subtitle
_CASES_HEADER = _SELECTOR + 3
_BREAKEVEN_TITLE = _CASES_HEADER + len(CASE_ROWS) + 4  # after the rows, a note, the IRR start
_TORNADO_TITLE = _BREAKEVEN_TITLE + 4
_TORNADO_HEADER = _TORNADO_TITLE + 2  # after its note
_MC_TITLE = _TORNADO_HEADER + TORNADO_BARS + 2
_MC_HEADER = _MC_TITLE + 4  # after the status line and the note
_PROBABILITY_TITLE = _MC_HEADER + len(STATISTICS) + 2
_HISTOGRAM_HEADER = _PROBABILITY_TITLE + len(PROBABILITIES) + 2
_DETAIL_TITLE = _HISTOGRAM_HEADER + max(HISTOGRAM_BINS, CURVE_POINTS) + 3


class Slot(NamedTuple):
    """A Monte Carlo cell written at export: where, its number format, what it holds."""

    ref: str
    fmt: str
    where: tuple[Any, ...]  # ("simulation", ...), see crmroi_xl.excel.inputs


_CHARTS = "M"  # the Sensitivity sheet's charts start in this column


class TablePlaces(Protocol):
    """What these places ask of the workbook's layout (which composes them:
    :class:`~crmroi_xl.excel.layout.Layout` is one)."""

    @property
    def costs(self) -> Table: ...
    @property
    def benefits(self) -> Table: ...
    def seats_row(self, i: int) -> int: ...
    def total_label_row(self, table: Table, i: int) -> int: ...


class SensitivityLayout:
    """The places of the base amounts and of the Sensitivity sheet in one layout."""

    def __init__(self, layout: TablePlaces) -> None:
        self.layout = layout

    # --- the base amounts, under the Costs and Benefits tables -------------------------
    def base_title_row(self, sheet: str) -> int:
        """The subtitle of the base amounts: under the seats the costs use each year,
        two rows under the benefits' totals."""
        layout = self.layout
        if sheet == "costs":
            return layout.seats_row(layout.costs.capacity - 1) + 2
        return layout.total_label_row(layout.benefits, 3)

    def base_row(self, sheet: str, i: int) -> int:
        """Line ``i``'s base amounts (in the table's own total and year columns)."""
        return self.base_title_row(sheet) + 1 + i

    def printed_rows(self, sheet: str) -> int:
        """The last row the Costs or Benefits sheet prints: its lines and totals (not the
        seats each year uses, nor the base amounts: calculations)."""
        layout = self.layout
        return layout.total_label_row(layout.costs if sheet == "costs" else layout.benefits, 2)

    # --- the case selector and the cases -----------------------------------------------
    selector_title_row = _SELECTOR - 1
    selector_row = _SELECTOR
    case_cell = f"B{_SELECTOR}"  # In_Case
    case_index_cell = f"C{_SELECTOR}"  # Calc_Case: 1, 2, 3
    selector_note_cell = f"D{_SELECTOR}"
    cases_title_row = _CASES_HEADER - 1
    cases_header_row = _CASES_HEADER

    def case_row(self, key: str) -> int:
        return _CASES_HEADER + 1 + CASE_ROWS.index(key)

    def cell(self, key: str, case: str) -> str:
        """The cases table's ``key`` row (``npv`` ...) in a case's column (or ``shown``)."""
        return f"{CASE_COLUMNS[case]}{self.case_row(key)}"

    cases_note_row = _CASES_HEADER + len(CASE_ROWS) + 1
    #: An advanced setting under the cases: where the spreadsheet's IRR starts in the
    #: pessimistic and optimistic cases (the export writes the engine's IRR of the case;
    #: the base case's is In_IrrGuess, on the Assumptions sheet).
    irr_start_row = _CASES_HEADER + len(CASE_ROWS) + 2

    def irr_start_cell(self, case: str) -> str:
        return f"{CASE_COLUMNS[case]}{self.irr_start_row}"

    # --- the break-even -------------------------------------------------------------------
    breakeven_title_row = _BREAKEVEN_TITLE

    def breakeven_row(self, key: str) -> int:
        """``benefits_factor`` or ``costs_factor``: its value in column B."""
        return _BREAKEVEN_TITLE + 1 + ("benefits_factor", "costs_factor").index(key)

    # --- the tornado ----------------------------------------------------------------------
    tornado_title_row = _TORNADO_TITLE
    tornado_note_row = _TORNADO_TITLE + 1
    tornado_header_row = _TORNADO_HEADER
    #: The charts' column (the tables are on its left: a page break goes before it).
    charts_col = _CHARTS
    tornado_chart_anchor = f"{_CHARTS}{_TORNADO_TITLE}"

    def tornado_cell(self, key: str, k: int) -> str:
        """The ``k``-th largest bar's (from 0) ``key`` column."""
        return f"{TORNADO_COLUMNS[key]}{_TORNADO_HEADER + 1 + k}"

    def tornado_span(self, key: str) -> tuple[int, int, int]:
        """(column index, first row, last row) of a column of the sorted bars."""
        index = list(TORNADO_COLUMNS).index(key) + 1
        return index, _TORNADO_HEADER + 1, _TORNADO_HEADER + TORNADO_BARS

    # --- the detail, one row per line ----------------------------------------------------
    detail_title_row = _DETAIL_TITLE
    #: What the sheet prints: down to the Monte Carlo results, charts included (not the detail).
    print_area = f"$A$1:$T${_DETAIL_TITLE - 1}"
    detail_header_row = _DETAIL_TITLE + 1

    def detail_row(self, sheet: str, i: int) -> int:
        """Line ``i`` of the Costs (``sheet`` = ``costs``) or Benefits table."""
        first = self.detail_header_row + 1
        return first + i + (self.layout.costs.capacity if sheet == "benefits" else 0)

    def detail_cell(self, key: str, sheet: str, i: int) -> str:
        return f"{DETAIL_COLUMNS[key]}{self.detail_row(sheet, i)}"

    def assumption_row(self, k: int) -> int:
        """The detail's row of the ``k``-th assumption with a bar (ASSUMPTION_DRIVERS),
        under the lines' rows."""
        capacity = self.layout.costs.capacity + self.layout.benefits.capacity
        return self.detail_header_row + 1 + capacity + k

    def assumption_cell(self, key: str, k: int) -> str:
        return f"{DETAIL_COLUMNS[key]}{self.assumption_row(k)}"

    def bars_span(self, key: str) -> str:
        """Absolute address of a detail column over every bar: the lines', then the
        assumptions' (the tornado's sort and look-ups; ``detail_span``: the lines only)."""
        col = DETAIL_COLUMNS[key]
        first = self.detail_row("costs", 0)
        return f"${col}${first}:${col}${self.assumption_row(len(ASSUMPTION_DRIVERS) - 1)}"

    # --- the base years the assumptions' bars read, under the detail ----------------------
    @property
    def years_title_row(self) -> int:
        return self.assumption_row(len(ASSUMPTION_DRIVERS) - 1) + 2

    def years_row(self, key: str) -> int:
        """A row of the base years (``ASSUMPTION_YEARS``), years 0 to 10 from column B."""
        return self.years_title_row + 1 + ASSUMPTION_YEARS.index(key)

    def years_span(self, key: str) -> str:
        row = self.years_row(key)
        return f"$B${row}:${YEAR_LETTERS[-1]}${row}"

    # --- the spider, under the base years (its chart beside the detail) ----------------
    @property
    def spider_title_row(self) -> int:
        return self.years_row(ASSUMPTION_YEARS[-1]) + 2

    @property
    def spider_header_row(self) -> int:
        return self.spider_title_row + 1

    def spider_row(self, k: int) -> int:
        """The ``k``-th largest driver's NPVs (its label in column A)."""
        return self.spider_header_row + 1 + k

    @property
    def spider_chart_anchor(self) -> str:
        return f"{_CHARTS}{self.detail_title_row}"

    def detail_span(self, key: str, sheet: str | None = None) -> str:
        """Absolute address of a detail column: the cost rows, the benefit rows, or both."""
        sheets = (sheet, sheet) if sheet else ("costs", "benefits")
        capacity = {"costs": self.layout.costs.capacity, "benefits": self.layout.benefits.capacity}
        first, last = self.detail_row(sheets[0], 0), self.detail_row(sheets[1], 0)
        last += capacity[sheets[1]] - 1
        col = DETAIL_COLUMNS[key]
        return f"${col}${first}:${col}${last}"

    # --- the Monte Carlo results ---------------------------------------------------------
    mc_title_row = _MC_TITLE
    mc_status_cell = f"A{_MC_TITLE + 1}"
    mc_note_row = _MC_TITLE + 2
    mc_header_row = _MC_HEADER
    probability_title_row = _PROBABILITY_TITLE
    histogram_header_row = _HISTOGRAM_HEADER
    curve_columns = _CURVE
    marker_note_cell = f"{_CURVE['marker_x']}{_HISTOGRAM_HEADER}"
    marker_title_cell = f"{_CURVE['marker_x']}{_HISTOGRAM_HEADER + 3}"  # under its two points
    #: P10, P50 and P90 on the S-curve: their title, then one row each (x, y) under the
    #: marker of NPV = 0; the histogram's bins that hold them, in column ``marked``.
    marks_title_cell = f"{_CURVE['marker_x']}{_HISTOGRAM_HEADER + 5}"
    marked_col = "F"

    def mark_row(self, k: int) -> int:
        """The ``k``-th mark (P10, P50, P90) beside the S-curve."""
        return _HISTOGRAM_HEADER + 6 + k

    #: The S-curve's points past the histogram's rows: hidden, so not printed (the
    #: curve plots hidden cells too).
    hidden_curve_rows = (_HISTOGRAM_HEADER + 1 + HISTOGRAM_BINS, _HISTOGRAM_HEADER + CURVE_POINTS)
    histogram_chart_anchor = f"{_CHARTS}{_MC_TITLE + 2}"  # under the tornado's chart
    curve_chart_anchor = f"{_CHARTS}{_HISTOGRAM_HEADER + 2}"

    def statistic_row(self, key: str) -> int:
        return _MC_HEADER + 1 + STATISTICS.index(key)

    def probability_row(self, key: str) -> int:
        return _PROBABILITY_TITLE + 1 + PROBABILITIES.index(key)

    def histogram_row(self, k: int) -> int:
        return _HISTOGRAM_HEADER + 1 + k

    def slots(self) -> list[Slot]:
        """Every Monte Carlo cell the export writes as a value, in order."""
        out = [Slot(self.mc_status_cell, "text", ("simulation", "status"))]
        for key in STATISTICS:
            for metric, col in METRIC_COLUMNS.items():
                fmt = "pct1" if key == "undefined_share" else _METRIC_FORMATS[metric]
                ref = f"{col}{self.statistic_row(key)}"
                out.append(Slot(ref, fmt, ("simulation", metric, key)))
        for key in PROBABILITIES:
            out.append(Slot(f"B{self.probability_row(key)}", "pct1", ("simulation", key)))
        for k in range(HISTOGRAM_BINS):
            for key, col in HISTOGRAM_COLUMNS.items():
                fmt = {"runs": "int", "share": "pct1"}.get(key, "eur")
                out.append(Slot(f"{col}{self.histogram_row(k)}", fmt, ("simulation", key, k)))
        for k in range(CURVE_POINTS):
            ref = f"{_CURVE['npv']}{self.histogram_row(k)}"
            out.append(Slot(ref, "eur", ("simulation", "curve", k)))
        out.append(Slot(self.marker_title_cell, "text", ("simulation", "marker")))
        return out

    #: ``In_Case`` (the case shown), ``Calc_Case`` (its number: 1, 2, 3), the IRR's starts.
    names: ClassVar[dict[str, tuple[str, str]]] = {
        "In_Case": ("sensitivity", f"$B${_SELECTOR}"),
        "Calc_Case": ("sensitivity", f"$C${_SELECTOR}"),
        **{
            name: ("sensitivity", f"${CASE_COLUMNS[case]}${_CASES_HEADER + len(CASE_ROWS) + 2}")
            for name, case in (
                ("In_IrrGuessPessimistic", "pessimistic"),
                ("In_IrrGuessOptimistic", "optimistic"),
            )
        },
    }


_METRIC_FORMATS = {"npv": "eur", "roi": "pct1", "payback": "years"}
