"""Where the live Monte Carlo is: the places of the Simulation sheet, composed by the
layout (:attr:`~crmroi_xl.excel.layout.Layout.simulation`).

The sheet holds, top to bottom:

* the settings and results (column A a title, column B its value): the runs, the
  distribution's code, the part of the NPV and of the totals no uncertain line
  moves, then the percentiles, the mean and the probabilities (``Out_NPV_P10``,
  ``Out_NPV_P50``, ``Out_NPV_P90``, ``Out_P_NPV_Positive``, ``Out_P_ROI_Positive``)
  and the ROI's P10 and P90 (the P10 and P90 cases, live); the chances of reaching
  the targets of ``assumptions.targets`` (``Out_P_NPV_Target``, ``Out_P_ROI_Target``:
  ``COUNTIF`` over the runs, live; ``Out_P_Payback_Target`` and the payback within
  the horizon: written at export, as a run's payback is not linear in the multipliers
  and its live form would break the size limits -- see docs/simulation.md -- and
  flagged when the inputs, the target or the runs changed since);
* one column per *slot* (from column D): an uncertain line at export, its place in
  the Sensitivity sheet's detail and its lattice numbers (generator, offset, shift:
  written at export), then what the line's current range and amounts give (low,
  high, width, PERT's alpha and beta, the mode's share, its signed present value,
  its total as a cost or a benefit);
* the runs, one a row: the run's number, its NPV and ROI, and each slot's multiplier.

A workbook kind has ``runs`` rows and ``slots`` columns (the capacity's ``runs`` and
``slots``, 0 without a simulation) and one distribution (the multipliers' formula
is its inverse only: a third of the text of one formula branching on all three): the
formulas are the same for every workbook of a kind, only the values written at
export change.

>>> places = SimulationLayout(runs=1_000, slots=4, cost_capacity=25)
>>> places.slot_col(0), places.run_row(1), places.runs_span("npv")
('D', 43, '$B$43:$B$1042')
>>> places.cell("p10"), places.param_span("spv")
('B13', '$D$35:$G$35')
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .parts import column_letter

__all__ = [
    "AT_EXPORT",
    "DISTRIBUTION_CODES",
    "PARAMS",
    "RESULTS",
    "SETTINGS",
    "SimulationLayout",
    "ValueSlot",
]

#: The settings (rows 4 to 8) and the results (rows 11 to 16), column B.
SETTINGS = ("runs", "distribution", "rest_npv", "rest_costs", "rest_benefits")
#: The distributions' codes (the settings' ``distribution``, for a reader of the sheet).
DISTRIBUTION_CODES = {"pert": 1, "triangular": 2, "uniform": 3}
RESULTS = (
    "p10",
    "p50",
    "p90",
    "mean",
    "npv_positive",
    "roi_positive",
    "roi_p10",
    "roi_p90",
    "npv_target",  # live: COUNTIF over the runs (blank without a target)
    "roi_target",
    "payback_target",  # written at export (a run's payback is not linear), flagged
    "payback_horizon",
)
#: The results the export writes as values: the payback's (see the module docstring).
AT_EXPORT = ("payback_target", "payback_horizon")
#: A slot's rows, from row 18: written at export (position, z, k, s) or computed.
PARAMS = (
    "position",
    "label",
    "low",
    "high",
    "width",
    "alpha",
    "beta",
    "mode",
    "spv",
    "cost_total",
    "benefit_total",
    "z",
    "k",
    "s",
)
_SETTINGS_ROW, _RESULTS_ROW = 4, 13
_PARAMS_ROW = _RESULTS_ROW + len(RESULTS) + 2
_RUNS_HEADER = _PARAMS_ROW + len(PARAMS) + 1
_RUN_COLUMNS = {"run": "A", "npv": "B", "roi": "C"}
_FIRST_SLOT = 4  # column D


class ValueSlot(NamedTuple):
    """A Simulation cell the export writes as a value: where, its format, what it holds."""

    ref: str
    fmt: str
    where: tuple[Any, ...]  # ("live", ...), see crmroi_xl.excel.live


class SimulationLayout:
    """The places of the Simulation sheet of a kind of workbook."""

    def __init__(self, runs: int, slots: int, cost_capacity: int, code: int = 1) -> None:
        self.runs, self.slots, self.cost_capacity = runs, slots, cost_capacity
        self.code = code  # the distribution's (DISTRIBUTION_CODES)
        self.distribution = {v: k for k, v in DISTRIBUTION_CODES.items()}.get(code, "pert")

    @property
    def live(self) -> bool:
        """Whether the sheet holds a simulation (a kind with runs and slots)."""
        return self.runs > 0 and self.slots > 0

    def row(self, key: str) -> int:
        """The row of a setting or a result."""
        if key in SETTINGS:
            return _SETTINGS_ROW + SETTINGS.index(key)
        return _RESULTS_ROW + RESULTS.index(key)

    def cell(self, key: str, absolute: bool = False) -> str:
        row = self.row(key)
        return f"$B${row}" if absolute else f"B{row}"

    #: The flag (row 3): a line given a range since the export, or inputs changed since
    #: (the Sensitivity sheet's Monte Carlo block, payback included, is as exported).
    flag_cell = "A3"
    #: The runs asked at export (``workbook_runs``: more than ``runs`` when capped), a
    #: value; beside it, a note when the runs were capped (a formula).
    runs_asked_cell = f"B{_RESULTS_ROW - 4}"
    cap_note_cell = f"C{_RESULTS_ROW - 4}"
    #: What the inputs gave at export (the base NPV plus the tornado's swings), a value.
    fingerprint_cell = f"B{_RESULTS_ROW - 3}"
    #: The payback target at export (blank: none), a value the flag compares.
    payback_target_cell = f"B{_RESULTS_ROW - 2}"
    results_title_row = _RESULTS_ROW - 1
    params_title_row = _PARAMS_ROW - 1
    runs_header_row = _RUNS_HEADER

    def param_row(self, key: str) -> int:
        return _PARAMS_ROW + PARAMS.index(key)

    def slot_col(self, j: int) -> str:
        return column_letter(_FIRST_SLOT + j)

    def param_cell(self, key: str, j: int) -> str:
        return f"{self.slot_col(j)}{self.param_row(key)}"

    def param_span(self, key: str) -> str:
        """A parameter's row over every slot, absolute."""
        row = self.param_row(key)
        return f"${self.slot_col(0)}${row}:${self.slot_col(self.slots - 1)}${row}"

    def run_row(self, r: int) -> int:
        """Run ``r`` (from 1)."""
        return _RUNS_HEADER + r

    def run_col(self, key: str) -> str:
        return _RUN_COLUMNS[key]

    def multipliers(self, r: int) -> str:
        """Run ``r``'s multipliers, every slot (relative)."""
        row = self.run_row(r)
        return f"{self.slot_col(0)}{row}:{self.slot_col(self.slots - 1)}{row}"

    def runs_span(self, key: str) -> str:
        col = _RUN_COLUMNS[key]
        return f"${col}${self.run_row(1)}:${col}${self.run_row(self.runs)}"

    def value_slots(self) -> list[ValueSlot]:
        """Every cell the export writes as a value, in order."""
        if not self.live:
            return []
        out = [ValueSlot(self.fingerprint_cell, "eur", ("live", "fingerprint"))]
        out.append(ValueSlot(self.runs_asked_cell, "int", ("live", "runs_asked")))
        out.append(ValueSlot(self.payback_target_cell, "num", ("live", "payback_months")))
        out += [ValueSlot(self.cell(key), "pct1", ("live", key)) for key in AT_EXPORT]
        for j in range(self.slots):
            for key in ("position", "z", "k", "s"):
                fmt = "num2" if key == "s" else "int"
                out.append(ValueSlot(self.param_cell(key, j), fmt, ("live", key, j)))
        return out

    @property
    def names(self) -> dict[str, tuple[str, str]]:
        """The results' defined names (a kind without a simulation has none)."""
        if not self.live:
            return {}
        keys = {
            "Out_NPV_P10": "p10",
            "Out_NPV_P50": "p50",
            "Out_NPV_P90": "p90",
            "Out_P_NPV_Positive": "npv_positive",
            "Out_P_ROI_Positive": "roi_positive",
            "Out_P_NPV_Target": "npv_target",
            "Out_P_ROI_Target": "roi_target",
            "Out_P_Payback_Target": "payback_target",
        }
        names = {name: ("simulation", self.cell(key, absolute=True)) for name, key in keys.items()}
        flag = self.flag_cell
        names["Calc_SimulationFlag"] = ("simulation", f"${flag[0]}${flag[1:]}")
        return names
