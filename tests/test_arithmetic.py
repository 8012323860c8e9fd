"""Formulas in input cells: plain arithmetic computed as a spreadsheet does, the rest refused."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmroi_xl.excel.arithmetic import FormulaRefused, describe, evaluate, input_value
from crmroi_xl.excel.package import save_workbook
from tests.spreadsheet import recalculate

#: Expected values from Excel's documented rules; the same formulas are
#: recalculated by LibreOffice below.
CASES = {
    "=12*50": 600,
    "=(4000+500)*2": 9000,
    "=1.5E3/(1-25%)": 2000,
    "=15%": 0.15,
    "=5%%": 0.0005,
    "=-2^2": 4,  # a sign binds tighter than ^
    "=2^-2": 0.25,
    "=2^3^2": 64,  # ^ from left to right
    "=-(2)^2": 4,
    "=10-2-3": 5,
    "=100/10/5": 2,
    "=--5": 5,
    "=+5": 5,
    "= 3 * 4 ": 12,
    "=.5+5.": 5.5,
    "=0.05*3": 0.15,
    "=2^0.5": math.sqrt(2),
}
ERRORS = {
    "=1/0": "#DIV/0!",
    "=1/(2-2)": "#DIV/0!",
    "=0^-1": "#DIV/0!",  # Excel's answer; LibreOffice's is #NUM!
    "=(-8)^(1/3)": "#NUM!",  # Excel's answer; LibreOffice gives -2 (see below)
    "=-8^(1/3)": "#NUM!",  # the sign first: (-8)^(1/3)
    "=10^400": "#NUM!",
    "=1E308*10": "#NUM!",
}
REFUSED = [
    "=SUM(1,2)",
    "=A1*2",
    "=$B$4",
    "=Costs!D7",
    "=In_Horizon",
    "=[1]Sheet1!A1",
    "='C:\\data\\[budget.xlsx]Sheet1'!A1",
    '=WEBSERVICE("http://example.com/rate")',
    "=1,5*2",
    '="5"',
    "=1=1",
    "=TRUE",
    "=5&5",
    "=1 2",
    "=(1",
    "=1)",
    "=",
    "=()",
    "=1E",
    "=" + "(" * 70 + "1" + ")" * 70,
    "=" + "1+" * 5000 + "1",
]


@pytest.mark.parametrize(("formula", "expected"), CASES.items())
def test_plain_arithmetic_is_computed_as_excel_does(formula: str, expected: float) -> None:
    assert evaluate(formula) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize(("formula", "error"), ERRORS.items())
def test_what_excel_shows_as_an_error_is_refused_with_that_error(formula: str, error: str) -> None:
    with pytest.raises(FormulaRefused) as raised:
        evaluate(formula)
    assert raised.value.reason == error


@pytest.mark.parametrize("formula", REFUSED)
def test_anything_but_numbers_and_operators_is_refused(formula: str) -> None:
    with pytest.raises(FormulaRefused) as raised:
        evaluate(formula)
    assert raised.value.reason == "not arithmetic"


@pytest.mark.slow
def test_libreoffice_computes_the_same(tmp_path: Path) -> None:
    """LibreOffice, recalculating, is the oracle: our value equals its value."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    # Excel refuses a negative number to a fractional power, LibreOffice takes odd
    # roots: a formula on which spreadsheets disagree is refused, not compared.
    formulas = [*CASES, *(f for f in ERRORS if "(1/3)" not in f)]
    for row, formula in enumerate(formulas, start=1):
        ws.cell(row, 1, formula)
    path = save_workbook(wb, tmp_path / "arithmetic.xlsx")
    computed = openpyxl.load_workbook(recalculate([path], tmp_path)[path], data_only=True).active
    assert computed is not None
    for row, formula in enumerate(formulas, start=1):
        spreadsheet = computed.cell(row, 1).value
        if formula in ERRORS:
            # an error too, not always the same: LibreOffice says #NUM! for 0^-1
            assert isinstance(spreadsheet, str) and spreadsheet.startswith("#"), formula
        else:
            assert spreadsheet == pytest.approx(evaluate(formula), rel=1e-14), formula


def test_the_saved_value_must_agree() -> None:
    assert input_value("=1+1", None) == 2  # never calculated: computed here
    assert input_value("=0.1+0.2-0.3", 0) == 0  # Excel's own rounding, within 1e-9: taken
    for saved in (999_999, "2", True, "#REF!"):
        with pytest.raises(FormulaRefused) as raised:
            input_value("=1+1", saved)
        assert (raised.value.reason, raised.value.computed, raised.value.saved) == (
            "disagrees",
            2,
            saved,
        )


def test_messages_in_both_languages_echo_a_short_formula() -> None:
    long = "=SUM(" + "A1," * 100 + "A2)"
    refused = FormulaRefused("not arithmetic", long)
    assert describe(refused, "fr") == (
        f"formule {long[:59]}… dans une cellule de saisie : seuls les nombres, + - * / ^ % et "
        "les parenthèses sont calculés ; saisissez la valeur"
    )
    disagrees = FormulaRefused("disagrees", "=1+1", 2.0, 999_999)
    assert describe(disagrees, "en", origin="D7") == (
        "formula =1+1 (typed in D7) makes 2 but the file holds 999999 for it: recalculate and "
        "save the workbook, or type the value"
    )


numbers = st.integers(0, 10_000).map(str) | st.decimals(0, 1000, places=2).map(str)


@st.composite
def sums_and_products(draw: st.DrawFn, depth: int = 0) -> str:
    """Expressions of numbers, + - * / and parentheses, as Python also reads them."""
    if depth > 3 or draw(st.booleans()):
        return draw(numbers)
    left = draw(sums_and_products(depth + 1))
    right = draw(sums_and_products(depth + 1))
    operator = draw(st.sampled_from("+-*/"))
    return f"({left}{operator}{right})" if draw(st.booleans()) else f"{left}{operator}{right}"


@given(sums_and_products())
def test_sums_and_products_agree_with_exact_arithmetic(expression: str) -> None:
    try:  # the oracle: Python's exact fractions, on text the test generated itself
        exact = eval(_fraction_text(expression), {"Fraction": Fraction})
    except ZeroDivisionError:
        with pytest.raises(FormulaRefused):
            evaluate("=" + expression)
        return
    assert evaluate("=" + expression) == pytest.approx(float(exact), rel=1e-12, abs=1e-12)


def _fraction_text(expression: str) -> str:
    """Each number of ``expression`` as an exact Fraction."""
    out, number = [], ""
    for char in expression + " ":
        if char.isdigit() or char == ".":
            number += char
            continue
        if number:
            out.append(f"Fraction('{number}')")
            number = ""
        out.append(char)
    return "".join(out).strip()
