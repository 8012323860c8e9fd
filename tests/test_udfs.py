"""The Excel functions of ``udfs.py``, called through xlwings' own Office.js call path.

``xlwings.server.custom_functions_call`` is what xlwings Lite and xlwings
Server run when Excel calculates a ``CRM_`` formula: arguments arrive as 2-D
lists (an empty cell as ``""``, an error cell as an ``{"type": "Error", ...}``
dict) and an error result goes back as ``{"type": "Error", "errorType": ...}``.
``custom_functions_meta`` is the function list Excel registers. conftest.py
switches xlwings to that mode before it is imported.

Expected values name their source: the metric modules' doctests (which cite
the seed articles and numpy-financial), numpy-financial, or Microsoft's own
XNPV / XIRR documentation examples.
"""

from __future__ import annotations

import asyncio
import inspect
import math
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy_financial as npf
import openpyxl.utils
import pytest
from xlwings import server

import udfs
from crmroi_xl.finance import books, compare, kpis, metrics
from tests.excel import call

ROOT = Path(__file__).resolve().parents[1]

#: The Python function behind every Excel function (same arguments, same order).
PYTHON: dict[str, Callable[..., float]] = {
    "crm_roi": metrics.roi,
    "crm_bcr": metrics.bcr,
    "crm_roas": metrics.roas,
    "crm_npv": metrics.npv,
    "crm_irr": metrics.irr,
    "crm_incremental_npv": compare.incremental_npv,
    "crm_incremental_irr": compare.incremental_irr,
    "crm_payback": metrics.payback,
    "crm_clv": metrics.clv,
    "crm_cac": metrics.cac,
    "crm_conversion_rate": kpis.lead_conversion_rate,
    "crm_win_rate": kpis.win_rate,
    "crm_retention_rate": kpis.retention_rate,
    "crm_churn_rate": kpis.churn_rate,
    "crm_lifetime": kpis.customer_lifetime,
    "crm_clv_cac": kpis.clv_cac_ratio,
    "crm_response_rate": kpis.response_rate,
    "crm_resolution_time": kpis.average_resolution_time,
    "crm_sales_cycle": kpis.sales_cycle_length,
    "crm_deal_value": kpis.average_deal_value,
    "crm_pipeline_velocity": kpis.pipeline_velocity,
    "crm_nps": kpis.nps,
    "crm_csat": kpis.csat,
    "crm_change": kpis.change,
    "crm_depreciation": books.depreciation,
    "crm_after_tax": books.after_tax,
}

OPTIONAL = {
    ("CRM_NPV", "dates"),
    ("CRM_IRR", "dates"),
    ("CRM_IRR", "guess"),
    ("CRM_INCREMENTAL_IRR", "guess"),
    ("CRM_PAYBACK", "rate"),
    ("CRM_CLV", "discount_rate"),
    ("CRM_CLV", "periods"),
    ("CRM_AFTER_TAX", "depreciation"),
}


# --- calling through xlwings -----------------------------------------------------------


def error(kind: str) -> dict[str, str]:
    """An Excel error as xlwings sends it back to Excel (``Div0``, ``Num`` ...)."""
    return {"type": "Error", "errorType": kind}


#: Error cells as Office.js sends them in an argument.
XL_ERROR = {
    "#DIV/0!": {"type": "Error", "basicValue": "#DIV/0!", "errorType": "Div0"},
    "#N/A": {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"},
    "#NUM!": {"type": "Error", "basicValue": "#NUM!", "errorType": "Num"},
    "#REF!": {"type": "Error", "basicValue": "#REF!", "errorType": "Ref"},
}
KIND = {
    "#DIV/0!": "Div0",
    "#N/A": "NotAvailable",
    "#NUM!": "Num",
    "#REF!": "Ref",
    "#VALUE!": "Value",
}


# --- argument specs: one worked example per function -----------------------------------


@dataclass(frozen=True)
class Summed:
    """A summed argument, given as its parts."""

    parts: tuple[float, ...]

    def python(self) -> list[float]:
        return list(self.parts)

    def cell(self) -> list[list[float]]:
        return [[math.fsum(self.parts)]]

    def column(self) -> list[list[Any]]:
        return [[p] for p in self.parts] + [[""]]

    def row(self) -> list[list[Any]]:
        return [[*self.parts, ""]]

    def block(self) -> list[list[Any]]:
        """Two columns, the parts on a diagonal with blanks around them."""
        rows: list[list[Any]] = []
        for i, part in enumerate(self.parts):
            rows.append([part, ""] if i % 2 == 0 else ["", part])
        return [*rows, ["", None]]


@dataclass(frozen=True)
class One:
    """A single-value argument."""

    value: float

    def python(self) -> float:
        return self.value

    def cell(self) -> list[list[float]]:
        return [[self.value]]

    column = row = block = cell


@dataclass(frozen=True)
class Flows:
    """A cash-flow series, period 0 first."""

    flows: tuple[float, ...]

    def python(self) -> list[float]:
        return list(self.flows)

    def cell(self) -> list[list[Any]]:
        return self.column()

    def column(self) -> list[list[Any]]:
        return [[f] for f in self.flows] + [[""], [None]]  # a range larger than the data

    def row(self) -> list[list[Any]]:
        return [[*self.flows, "", ""]]

    def block(self) -> list[list[Any]]:
        """Row by row, two flows per row, trailing blanks."""
        cells: list[Any] = [*self.flows, "", "", ""]
        cells += [""] * (len(cells) % 2)
        return [cells[i : i + 2] for i in range(0, len(cells), 2)]


def S(*parts: float) -> Summed:
    return Summed(parts)


def F(*flows: float) -> Flows:
    return Flows(flows)


#: name -> (arguments, expected value, source of the expected value)
EXAMPLES: dict[str, tuple[tuple[Any, ...], float, str]] = {
    "crm_roi": ((S(120_000, 80_000), S(30_000, 12_000, 8_000)), 3.0, "seeds: 200k for 50k"),
    "crm_bcr": ((S(120_000, 80_000), S(30_000, 12_000, 8_000)), 4.0, "seeds: 200k for 50k"),
    "crm_roas": ((S(12_000, 8_000), S(3_000, 2_000)), 4.0, "metrics.roas doctest"),
    "crm_npv": (
        (One(0.1), F(-50_000, 25_000, 25_000, 25_000)),
        12_171.30,
        "numpy-financial npv (t=0 first); =-50000+NPV(10%,25000,25000,25000)",
    ),
    "crm_irr": ((F(-50_000, 25_000, 25_000, 25_000),), 0.233752, "numpy-financial irr"),
    "crm_incremental_npv": (
        (One(0.1), F(-50_000, 25_000, 25_000, 25_000), F(-80_000, 37_000, 37_000, 37_000)),
        -157.7761,
        "by hand: -30000 + 12000 x (1/1.1 + 1/1.1^2 + 1/1.1^3)",
    ),
    "crm_incremental_irr": (
        (F(-50_000, 25_000, 25_000, 25_000), F(-80_000, 37_000, 37_000, 37_000)),
        0.0970102,
        "numpy-financial irr of the difference [-30000, 12000, 12000, 12000]",
    ),
    "crm_payback": ((F(-100, 30, 40, 50),), 2.6, "design contract"),
    "crm_clv": ((S(700, 500), One(0.8), One(0.1)), 4_000.0, "1200 / (1 + 0.1 - 0.8)"),
    "crm_cac": ((S(8_000, 4_000), S(25, 15)), 300.0, "metrics.cac doctest"),
    "crm_conversion_rate": ((S(20, 25), S(250, 350)), 0.075, "kpis doctest: 45 / 600"),
    "crm_win_rate": ((S(10, 20), S(50, 70)), 0.25, "kpis doctest: 30 / 120"),
    "crm_retention_rate": (
        (S(500, 450), S(100, 50), S(600, 400)),
        0.8,
        "kpis doctest: (950 - 150) / 1000",
    ),
    "crm_churn_rate": ((S(120, 80), S(600, 400)), 0.2, "kpis doctest: 200 / 1000"),
    "crm_lifetime": ((One(0.2),), 5.0, "kpis doctest: 1 / 0.2"),
    "crm_clv_cac": ((One(4_000), One(300)), 4_000 / 300, "kpis doctest: 4000 / 300"),
    "crm_response_rate": ((S(900, 940), S(1_000, 1_000)), 0.92, "kpis doctest: 1840 / 2000"),
    "crm_resolution_time": ((S(1_600, 2_000), S(700, 800)), 2.4, "kpis doctest: 3600 / 1500"),
    "crm_sales_cycle": ((S(1_200, 1_500), S(25, 35)), 45.0, "kpis doctest: 2700 / 60"),
    "crm_deal_value": ((S(25_000, 35_000), S(20, 40)), 1_000.0, "kpis doctest: 60000 / 60"),
    "crm_pipeline_velocity": (
        (One(120), One(0.25), One(1_000), One(45)),
        666.6667,
        "kpis doctest: 120 * 0.25 * 1000 / 45",
    ),
    "crm_nps": ((S(300, 220), S(100, 30), S(400, 600)), 39.0, "kpis doctest: 100 * 390 / 1000"),
    "crm_csat": ((S(210, 200), S(250, 250)), 0.82, "kpis doctest: 410 / 500"),
    "crm_change": ((One(200), One(250)), 0.25, "kpis doctest: 200 -> 250 leads"),
    "crm_depreciation": (
        (One(36_000), One(3), One(2)),
        12_000.0,
        "straight line by hand: 36000 / 3 in each of years 1 to 3",
    ),
    "crm_after_tax": (
        (S(20_000, 10_800), One(0.25), S(12_000)),
        26_100.0,
        "by hand: 30800 - 25% x (30800 - 12000) = 30800 - 4700 (examples/after-tax-go-live year 1)",
    ),
}

SHAPES = ["cell", "column", "row", "block"]


def test_every_function_has_an_example() -> None:
    assert set(EXAMPLES) == set(PYTHON) == set(udfs.__all__)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_same_value_as_python(name: str, shape: str) -> None:
    args, expected, _source = EXAMPLES[name]
    python_value = PYTHON[name](*(arg.python() for arg in args))
    excel_value = call(name, *(getattr(arg, shape)() for arg in args))
    assert excel_value == pytest.approx(python_value, rel=1e-12, abs=0)
    assert excel_value == pytest.approx(expected, rel=1e-6)


def test_npv_and_irr_agree_with_numpy_financial() -> None:
    flows = [-50_000, 25_000, 25_000, 25_000]
    column = [[f] for f in flows]
    assert call("crm_npv", [[0.1]], column) == pytest.approx(npf.npv(0.1, flows), rel=1e-12)
    assert call("crm_irr", column) == pytest.approx(npf.irr(flows), rel=1e-9)
    assert call("crm_npv", [[call("crm_irr", column)]], column) == pytest.approx(0, abs=1e-6)


def test_npv_counts_an_empty_year_where_excel_npv_would_shift() -> None:
    # -100 today, nothing in year 1, 121 in year 2, at 10 %: 121 / 1.21 - 100 = 0.
    # Excel's =-100+NPV(10%, B2:C2) with B2 empty skips it and discounts 121 one year only.
    assert call("crm_npv", [[0.1]], [[-100, "", 121]]) == pytest.approx(0, abs=1e-9)


def test_clv_with_periods() -> None:
    # metrics.clv doctest: 1 200 EUR a year, 80 % kept, 10 %, 3 years.
    assert call("crm_clv", [[1_200]], [[0.8]], [[0.1]], [[3]]) == pytest.approx(2_461.31, abs=0.01)


def test_irr_guess_picks_the_root() -> None:
    # -100, 230, -132 has two IRRs, 10 % and 20 %.
    flows = [[-100, 230, -132]]
    assert call("crm_irr", flows, [[""]], [[0.05]]) == pytest.approx(0.1, abs=1e-9)
    assert call("crm_irr", flows, [[""]], [[0.25]]) == pytest.approx(0.2, abs=1e-9)


# --- optional arguments: left out, empty cell, null --------------------------------------


@pytest.mark.parametrize(
    ("name", "required", "expected"),
    [
        ("crm_npv", ([[0.1]], [[-50_000, 25_000, 25_000, 25_000]]), 12_171.2998),
        ("crm_irr", ([[-50_000, 25_000, 25_000, 25_000]],), 0.2337519),
        ("crm_payback", ([[-100], [30], [40], [50]],), 2.6),
        ("crm_clv", ([[1_200]], [[0.8]]), 6_000.0),  # 1200 / (1 - 0.8), no discount
    ],
)
@pytest.mark.parametrize("omitted", ["left out", "empty cell", "null"])
def test_optional_arguments(
    name: str, required: tuple[Any, ...], expected: float, omitted: str
) -> None:
    optional_count = {"crm_npv": 1, "crm_irr": 2, "crm_payback": 1, "crm_clv": 2}[name]
    extra: list[Any] = {
        "left out": [],
        "empty cell": [[[""]]] * optional_count,
        "null": [None] * optional_count,
    }[omitted]
    assert call(name, *required, *extra) == pytest.approx(expected, rel=1e-6)


def test_optional_arguments_given() -> None:
    # Discounted payback, metrics.payback doctest: 3.0513.
    assert call("crm_payback", [[-100, 30, 40, 50, 60]], [[0.1]]) == pytest.approx(3.0513, abs=1e-4)
    assert call("crm_clv", [[1_200]], [[0.8]], [[""]], [[3]]) == pytest.approx(
        metrics.clv(1_200, 0.8, 0.0, 3)
    )


# --- dates -------------------------------------------------------------------------------

# Microsoft's XNPV and XIRR examples: flows and dates, 9 % -> 2 086.65, XIRR 37.34 %.
MS_FLOWS = [[-10_000], [2_750], [4_250], [3_250], [2_750]]
MS_DATES = [[39_448], [39_508], [39_751], [39_859], [39_904]]  # 2008-01-01 ... 2009-04-01


def test_npv_with_dates_is_xnpv() -> None:
    assert call("crm_npv", [[0.09]], MS_FLOWS, MS_DATES) == pytest.approx(2_086.65, abs=0.005)


def test_irr_with_dates_is_xirr() -> None:
    assert call("crm_irr", MS_FLOWS, MS_DATES) == pytest.approx(0.373362535, abs=1e-8)


def test_dates_with_blank_pairs_and_larger_ranges() -> None:
    flows = [[-10_000], [""], [2_750], [4_250], [3_250], [2_750], [""], [""]]
    dates = [[39_448], [""], [39_508], [39_751], [39_859], [39_904], [""], [""], [""]]
    assert call("crm_npv", [[0.09]], flows, dates) == pytest.approx(2_086.65, abs=0.005)
    assert call("crm_irr", flows, dates) == pytest.approx(0.373362535, abs=1e-8)


def test_dates_as_formatted_numbers() -> None:
    dates = [
        [{"type": "FormattedNumber", "basicValue": d, "numberFormat": "m/d/yyyy"}]
        for [d] in MS_DATES
    ]
    assert call("crm_npv", [[0.09]], MS_FLOWS, dates) == pytest.approx(2_086.65, abs=0.005)


@pytest.mark.parametrize(
    ("dates", "kind"),
    [
        ([[39_448], [39_508], [""], [39_859], [39_904]], "Value"),  # a flow without date
        ([[39_448], [39_508], [39_751], [39_859], [39_904], [39_950]], "Value"),  # a date too many
        ([[39_448], [39_508], ["30/10/2008"], [39_859], [39_904]], "Value"),  # a date as text
        ([[39_448], [39_508], [XL_ERROR["#N/A"]], [39_859], [39_904]], "NotAvailable"),
        ([[39_448], [39_000], [39_751], [39_859], [39_904]], "Num"),  # before the first date
    ],
)
def test_bad_dates(dates: list[list[Any]], kind: str) -> None:
    assert call("crm_npv", [[0.09]], MS_FLOWS, dates) == error(kind)
    assert call("crm_irr", MS_FLOWS, dates) == error(kind)


# --- Excel errors --------------------------------------------------------------------------

DIV0 = {
    "crm_roi": ([[1]], [[0]]),
    "crm_bcr": ([[1]], [[5], [-5]]),
    "crm_roas": ([[1]], [[5], [-5]]),
    "crm_clv": ([[1_200]], [[1]], [[0]]),  # 1 + 0 - 1 = 0: infinite lifetime
    "crm_cac": ([[1]], [[0]]),
    "crm_conversion_rate": ([[1]], [[0]]),
    "crm_win_rate": ([[1]], [[0]]),
    "crm_retention_rate": ([[1]], [[1]], [[0]]),
    "crm_churn_rate": ([[1]], [[0]]),
    "crm_lifetime": ([[0]],),
    "crm_clv_cac": ([[1]], [[0]]),
    "crm_response_rate": ([[1]], [[0]]),
    "crm_resolution_time": ([[1]], [[0]]),
    "crm_sales_cycle": ([[1]], [[0]]),
    "crm_deal_value": ([[1]], [[0]]),
    "crm_pipeline_velocity": ([[1]], [[1]], [[1]], [[0]]),
    "crm_nps": ([[1]], [[1]], [[0]]),
    "crm_csat": ([[1]], [[0]]),
    "crm_change": ([[0]], [[1]]),
}


@pytest.mark.parametrize("name", sorted(DIV0))
def test_division_by_zero(name: str) -> None:
    assert call(name, *DIV0[name]) == error("Div0")


@pytest.mark.parametrize(
    ("name", "args", "kind"),
    [
        ("crm_irr", ([[100], [30], [40]],), "Num"),  # no sign change
        ("crm_irr", ([[-100], [-30]],), "Num"),
        # B better than A at every rate: the difference never changes sign
        ("crm_incremental_irr", ([[-100], [50], [60]], [[-90], [60], [70]]), "Num"),
        ("crm_incremental_npv", ([[-1]], [[-100], [110]], [[-50], [60]]), "Num"),  # -100 %
        ("crm_payback", ([[-100], [30], [40]],), "NotAvailable"),  # never paid back
        ("crm_payback", ([[-100, 30, 40, 50]], [[0.1]]), "NotAvailable"),  # discounted: never
        ("crm_npv", ([[-1]], [[-100], [110]]), "Num"),  # rate at -100 %
        ("crm_clv", ([[1_200]], [[1]], [[-0.1]]), "Num"),  # retention above 1 + rate: diverges
        ("crm_clv", ([[1_200]], [[1.2]]), "Num"),  # retention above 100 %
        ("crm_clv", ([[1_200]], [[0.8]], [[0.1]], [[2.5]]), "Num"),  # not a whole number
        ("crm_lifetime", ([[-0.2]],), "Num"),
        ("crm_depreciation", ([[36_000]], [[0]], [[1]]), "Num"),  # no period
        ("crm_depreciation", ([[36_000]], [[2.5]], [[1]]), "Num"),  # not a whole number
        ("crm_depreciation", ([[36_000]], [[3]], [[-1]]), "Num"),
        ("crm_after_tax", ([[30_800]], [[1.25]]), "Num"),  # a tax rate above 100 %
    ],
)
def test_no_solution(name: str, args: tuple[Any, ...], kind: str) -> None:
    assert call(name, *args) == error(kind)


def _replace_first(name: str, cell: Any) -> list[Any]:
    """The worked example's arguments as columns, the first argument's first cell replaced."""
    args, _expected, _source = EXAMPLES[name]
    excel = [arg.column() for arg in args]
    excel[0] = [[cell], *excel[0][1:]]
    return excel


@pytest.mark.parametrize("name", sorted(EXAMPLES))
@pytest.mark.parametrize("text", ["abc", "1 000", True])
def test_text_where_a_number_is_needed(name: str, text: Any) -> None:
    assert call(name, *_replace_first(name, text)) == error("Value")


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_empty_required_argument(name: str) -> None:
    args, _expected, _source = EXAMPLES[name]
    excel = [arg.cell() for arg in args]
    single_blank = [excel_arg if i else [[""]] for i, excel_arg in enumerate(excel)]
    assert call(name, *single_blank) == error("Value")
    blank_range = [excel_arg if i else [[""], [""], [None]] for i, excel_arg in enumerate(excel)]
    assert call(name, *blank_range) == error("Value")


@pytest.mark.parametrize("name", sorted(EXAMPLES))
@pytest.mark.parametrize("code", sorted(XL_ERROR))
def test_error_values_propagate(name: str, code: str) -> None:
    assert call(name, *_replace_first(name, XL_ERROR[code])) == error(KIND[code])


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_error_in_the_last_argument_propagates(name: str) -> None:
    args, _expected, _source = EXAMPLES[name]
    excel = [arg.column() for arg in args]
    excel[-1] = [*excel[-1][:-1], [XL_ERROR["#REF!"]]]
    assert call(name, *excel) == error("Ref")


def test_error_in_an_optional_argument_propagates_instead_of_the_default() -> None:
    flows = [[-50_000, 25_000, 25_000, 25_000]]
    assert call("crm_irr", flows, [[""]], [[XL_ERROR["#N/A"]]]) == error("NotAvailable")
    assert call("crm_payback", flows, [[XL_ERROR["#DIV/0!"]]]) == error("Div0")


def test_arguments_are_checked_left_to_right() -> None:
    assert call("crm_irr", [["abc"], [10]], [[""]], [[XL_ERROR["#N/A"]]]) == error("Value")
    assert call("crm_npv", [[XL_ERROR["#NUM!"]]], [["abc"]]) == error("Num")


def test_a_single_value_argument_given_a_range() -> None:
    assert call("crm_npv", [[0.1, 0.2]], [[-100], [110]]) == error("Value")


def test_no_exception_leaves_the_call_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> float:
        raise RuntimeError("a bug in the metric")

    monkeypatch.setattr(metrics, "roi", broken)
    assert call("crm_roi", [[1]], [[1]]) == error("Value")
    assert call("crm_roas", [[{"type": "Entity", "text": "ACME"}]], [[1]]) == error("Value")


# --- classic xlwings shapes (called directly: the same function objects) ------------------


def test_classic_xlwings_shapes() -> None:
    """COM gives tuples of tuples, None for blanks, error codes as ints, Decimal currency."""
    from decimal import Decimal

    assert udfs.crm_roi(((120_000.0,), (None,), (Decimal("80000"),)), 50_000.0) == 3.0
    assert udfs.crm_roi(((1.0,), (-2146826246,)), 1.0) == "#N/A"
    assert udfs.crm_roi("#DIV/0!", 1.0) == "#DIV/0!"  # another classic UDF's error text
    assert udfs.crm_npv(0.1, ((-100.0, None, 121.0, None),)) == pytest.approx(0.0, abs=1e-9)


# --- registration metadata -------------------------------------------------------------------


@pytest.fixture(scope="module")
def meta() -> dict[str, Any]:
    result: dict[str, Any] = server.custom_functions_meta(udfs)
    return result


@pytest.fixture(scope="module")
def functions(meta: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in meta["functions"]}


def test_names(functions: dict[str, dict[str, Any]]) -> None:
    assert set(functions) == {name.upper() for name in PYTHON}
    for name, function in functions.items():
        assert re.fullmatch(r"CRM_[A-Z_]+", name)
        assert function["id"] == name  # no namespace


def test_no_name_collides_with_an_excel_builtin(functions: dict[str, dict[str, Any]]) -> None:
    builtins = {f.upper() for f in openpyxl.utils.FORMULAE}
    assert {"NPV", "IRR", "XNPV"} <= builtins  # the list is the real one
    assert not set(functions) & builtins


def test_required_metric_names_are_recognisable(functions: dict[str, dict[str, Any]]) -> None:
    for metric in ["ROI", "ROAS", "PAYBACK", "NPV", "IRR", "CLV", "CAC"]:
        assert f"CRM_{metric}" in functions


def test_every_function_has_a_one_sentence_description(
    functions: dict[str, dict[str, Any]],
) -> None:
    for name, function in functions.items():
        description = function["description"]
        assert not description.startswith("Python function"), name
        assert "\n" not in description and description.endswith("."), name
        assert 30 <= len(description) <= 255, name  # 255: Excel's limit for classic UDFs


def test_npv_help_says_period_zero(functions: dict[str, dict[str, Any]]) -> None:
    npv = functions["CRM_NPV"]
    assert "period 0" in npv["description"] and "Excel's NPV" in npv["description"]
    cash_flows = next(p for p in npv["parameters"] if p["name"] == "cash_flows")
    assert "Excel's NPV skips blanks" in cash_flows["description"]


def test_every_parameter_has_a_real_description(functions: dict[str, dict[str, Any]]) -> None:
    units = re.compile(r"euros|fraction|count|days|hours|date|period|unit|number")
    for name, function in functions.items():
        for parameter in function["parameters"]:
            description = parameter["description"]
            assert not description.startswith("Positional argument"), (name, parameter)
            assert 20 <= len(description) <= 255, (name, parameter)
            assert units.search(description), (name, parameter)  # says its unit


def test_parameters_follow_the_python_functions(functions: dict[str, dict[str, Any]]) -> None:
    for name, python in PYTHON.items():
        excel = [p["name"] for p in functions[name.upper()]["parameters"]]
        assert excel == list(inspect.signature(python).parameters), name


def test_optional_parameters_are_flagged(functions: dict[str, dict[str, Any]]) -> None:
    flagged = {
        (name, p["name"])
        for name, function in functions.items()
        for p in function["parameters"]
        if p.get("optional")
    }
    assert flagged == OPTIONAL


def test_all_lists_the_excel_functions() -> None:
    registered = {name for name, obj in vars(udfs).items() if hasattr(obj, "__xlfunc__")}
    assert registered == set(udfs.__all__)
    assert udfs.__all__ == sorted(udfs.__all__)


# --- large ranges and plain Python --------------------------------------------------------------


def test_a_10000_row_range() -> None:
    flows = [[-1_000_000.0]] + [[1_000.0]] * 9_999
    start = time.perf_counter()
    npv = call("crm_npv", [[0.01]], flows)
    roi = call("crm_roi", flows, [[5]] * 10_000)
    elapsed = time.perf_counter() - start
    assert npv == pytest.approx(metrics.npv(0.01, [f for [f] in flows]), rel=1e-12)
    assert roi == pytest.approx((8_999_000 - 50_000) / 50_000)
    print(f"two 10 000-row calls through the call path: {elapsed * 1000:.1f} ms")


def test_plain_python_without_xlwings_server_mode() -> None:
    """On Linux/macOS without XLWINGS_ON_SERVER the decorators do nothing."""
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_ON_SERVER"}
    code = (
        "import udfs; "
        "assert not hasattr(udfs.crm_roi, '__xlfunc__'); "
        "print(udfs.crm_roi(200000, 50000), udfs.crm_payback([-100, 30, 40, 50]), "
        "udfs.crm_cac(1, 0))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["3.0", "2.6", "#DIV/0!"]


# --- the worked examples of docs/excel-functions.md -------------------------------------------

DOC = ROOT / "docs" / "excel-functions.md"
EXAMPLE_ROW = re.compile(r"^\| `=(CRM_[A-Z_]+)\((.*)\)` \| ([^|]+) \|", re.MULTILINE)


def _split_arguments(text: str) -> list[str]:
    """Split Excel arguments at the commas outside array constants and quotes."""
    parts, depth, quoted, current = [], 0, False, ""
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == "{" and not quoted:
            depth += 1
        elif char == "}" and not quoted:
            depth -= 1
        elif char == "," and depth == 0 and not quoted:
            parts.append(current.strip())
            current = ""
            continue
        current += char
    return [*parts, current.strip()]


def _excel_value(text: str) -> Any:
    """One constant of an English Excel formula: 10%, 2.5, "text"."""
    if text.startswith('"'):
        return text.strip('"')
    if text.endswith("%"):
        return float(text[:-1]) / 100
    return float(text)


def _excel_argument(text: str) -> Any:
    """An argument as Office.js sends it: a 2-D list, or None when left out."""
    if not text:
        return None
    if text.startswith("{"):
        return [[_excel_value(c.strip()) for c in row.split(",")] for row in text[1:-1].split(";")]
    return [[_excel_value(text)]]


def _doc_examples() -> list[tuple[str, str, str]]:
    return EXAMPLE_ROW.findall(DOC.read_text(encoding="utf-8"))


def test_the_doc_has_an_example_for_every_function() -> None:
    assert {name for name, _args, _result in _doc_examples()} == {n.upper() for n in PYTHON}


@pytest.mark.parametrize(("name", "arguments", "result"), _doc_examples())
def test_doc_example(name: str, arguments: str, result: str) -> None:
    value = call(name.lower(), *(_excel_argument(a) for a in _split_arguments(arguments)))
    result = result.strip()
    if result.startswith("#"):
        assert value == error(KIND[result])
        return
    decimals = len(result.partition(".")[2])
    assert value == pytest.approx(float(result), abs=0.5 * 10**-decimals), (name, value)


# --- issue 24 item 8: xlwings Lite -------------------------------------------------------------

#: What the command line needs and the Excel functions must not: xlwings Lite installs
#: requirements.txt, and a workbook that lists only numpy and xlwings has none of these.
HEAVY = ("pydantic", "pydantic_core", "yaml", "openpyxl", "lxml", "typer", "rich", "defusedxml")

_BLOCKER = """
import importlib.abc, sys

class _Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {heavy!r}:
            raise ImportError(f"{{name}} is not installed (as in xlwings Lite with numpy only)")
        return None

sys.meta_path.insert(0, _Absent())
"""


def test_the_excel_functions_need_only_numpy_and_xlwings(tmp_path: Path) -> None:
    """docs/excel-functions.md's light xlwings Lite recipe: ``import udfs`` and a call
    through xlwings' Office.js path work with pydantic, PyYAML, openpyxl, lxml, typer and
    rich unimportable (a sitecustomize on PYTHONPATH refuses them)."""
    (tmp_path / "sitecustomize.py").write_text(_BLOCKER.format(heavy=HEAVY), encoding="utf-8")
    code = (
        "import asyncio, sys\n"
        "for name in HEAVY:\n"
        "    try:\n"
        "        __import__(name)\n"
        "    except ImportError:\n"
        "        pass\n"
        "    else:\n"
        "        raise SystemExit(f'{name} should be unimportable')\n"
        "import xlwings\n"
        "from xlwings import server\n"
        "import udfs\n"
        "data = {'func_name': 'crm_npv', 'args': [[[0.1]], [[-50000], [25000], [25000], "
        "[25000]]], 'version': xlwings.__version__, 'client': 'Office.js', 'runtime': '1.4', "
        "'caller_address': 'Sheet1!A1', 'culture_info_name': 'en-US', 'date_format': 'm/d/yyyy'}\n"
        "print(round(asyncio.run(server.custom_functions_call(data, udfs))[0][0], 2))\n"
        "print(sorted(m for m in sys.modules if m.partition('.')[0] in HEAVY))\n"
    ).replace("HEAVY", repr(HEAVY))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
        "XLWINGS_ON_SERVER": "true",
        "XLWINGS_LICENSE_KEY": "noncommercial",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["12171.3", "[]"]


def test_below_custom_functions_runtime_1_4_an_error_comes_back_as_text() -> None:
    """What docs/excel-functions.md says of xlwings Lite and Server in an Excel without
    CustomFunctionsRuntime 1.4 (Office 2021, LTSC): xlwings returns the error's text,
    as classic xlwings does (xlwings/pro/_xlofficejs.py, ``errorstr_to_errortype``)."""
    data = {
        "func_name": "crm_roi",
        "args": [[[200_000]], [[0]]],
        "version": "0",
        "client": "Office.js",
        "caller_address": "Sheet1!A1",
        "culture_info_name": "en-US",
        "date_format": "m/d/yyyy",
    }
    for runtime, expected in [("1.3", "#DIV/0!"), ("1.4", error("Div0"))]:
        result = asyncio.run(server.custom_functions_call({**data, "runtime": runtime}, udfs))
        assert result == [[expected]], runtime
    text = DOC.read_text(encoding="utf-8")
    assert "CustomFunctionsRuntime 1.4" in text and "as text" in text
