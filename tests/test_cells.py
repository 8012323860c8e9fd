"""The argument and error rules of ``crmroi_xl.finance.cells`` (see its module docstring)."""

from __future__ import annotations

import datetime as dt
import inspect
import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmroi_xl.errors import (
    CalcError,
    CrmRoiError,
    DivisionByZeroError,
    InputError,
    NoSolutionError,
    ScenarioError,
)
from crmroi_xl.finance import cells
from crmroi_xl.finance.cells import (
    dated_series,
    excel_error,
    excel_result,
    is_blank,
    number,
    numbers,
    optional_number,
    series,
    total,
)

#: Office.js error cells, as xlwings Lite / Server pass them with the raw converter.
OFFICEJS = {
    "#DIV/0!": {"type": "Error", "basicValue": "#DIV/0!", "errorType": "Div0"},
    "#N/A": {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"},
    "#NAME?": {"type": "Error", "basicValue": "#NAME?", "errorType": "Name"},
    "#NULL!": {"type": "Error", "basicValue": "#NULL!", "errorType": "Null"},
    "#NUM!": {"type": "Error", "basicValue": "#NUM!", "errorType": "Num"},
    "#REF!": {"type": "Error", "basicValue": "#REF!", "errorType": "Ref"},
    "#VALUE!": {"type": "Error", "basicValue": "#VALUE!", "errorType": "Value"},
}
#: COM error codes, as classic xlwings passes error cells (xlwings' _xlwindows.cell_errors).
COM = {
    "#DIV/0!": -2146826281,
    "#N/A": -2146826246,
    "#NAME?": -2146826259,
    "#NULL!": -2146826288,
    "#NUM!": -2146826252,
    "#REF!": -2146826265,
    "#VALUE!": -2146826273,
}


class JsNull:
    """Stand-in for Pyodide's ``JsNull`` (xlwings Lite's empty cell); matched by name."""


def check(error: pytest.ExceptionInfo[InputError], code: str) -> None:
    assert error.value.excel_error == code


# --- shapes and blanks of summed arguments -------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (200_000, [200_000.0]),
        (0.5, [0.5]),
        ([[200_000]], [200_000.0]),
        ([[1], [2], [3]], [1.0, 2.0, 3.0]),  # column
        ([[1, 2, 3]], [1.0, 2.0, 3.0]),  # row
        ([[1, 2], [3, 4]], [1.0, 2.0, 3.0, 4.0]),  # 2-D, reading order
        ([[1, ""], ["", 4], [None, ""]], [1.0, 4.0]),  # blanks skipped
        (((1.0, None), (None, 4.0)), [1.0, 4.0]),  # classic xlwings: tuples, None blanks
        ([1, [2, [3]]], [1.0, 2.0, 3.0]),  # nested Python lists
        ([[1, JsNull()]], [1.0]),  # xlwings Lite's empty cell
        ([[Decimal("1234.56")]], [1234.56]),  # currency-formatted cell through COM
        ([[{"type": "FormattedNumber", "basicValue": 7, "numberFormat": "0"}]], [7.0]),
        ([[dt.date(2025, 1, 1)]], [45658.0]),  # a date is its serial number
    ],
)
def test_numbers_shapes(value: object, expected: list[float]) -> None:
    assert numbers(value, "costs") == expected


def test_numbers_orientation_does_not_matter() -> None:
    parts = [30_000, 12_000.5, 8_000]
    column = [[p] for p in parts]
    row = [parts]
    block = [[30_000, ""], ["", 12_000.5], [8_000, None]]
    assert (
        numbers(column, "c")
        == numbers(row, "c")
        == numbers(block, "c")
        == [
            30_000.0,
            12_000.5,
            8_000.0,
        ]
    )


def test_total_is_exact_sum() -> None:
    # fsum: adding 1e16 + 1 - 1e16 in floats gives 0, the exact sum is 1.
    assert total([[1e16], [1], [-1e16]], "x") == 1.0
    assert total([[30_000, 12_000], ["", 8_000]], "costs") == 50_000.0


@pytest.mark.parametrize("value", ["", None, [[""]], [["", None], [None, ""]], [[JsNull()]]])
def test_all_blank_required_argument_is_value_error(value: object) -> None:
    with pytest.raises(InputError, match=r"^costs is empty; a value is needed$") as error:
        numbers(value, "costs")
    check(error, "#VALUE!")


# --- text, booleans, non-finite --------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("abc", "the text 'abc'"),
        ("1 000", "the text '1 000'"),  # a number typed as text is still text
        ("12%", "the text '12%'"),
        (" ", "the text ' '"),
        (True, "TRUE"),
        (False, "FALSE"),
        (math.nan, "nan"),
        (math.inf, "inf"),
        ({"type": "Entity", "text": "ACME"}, "'Entity'"),
        (object(), "a number is needed"),
    ],
)
def test_text_and_other_non_numbers_are_value_errors(cell: object, message: str) -> None:
    with pytest.raises(InputError, match=message) as error:
        numbers([[1], [cell]], "benefits")
    check(error, "#VALUE!")
    assert "benefits (value 2 of the range)" in str(error.value)


def test_single_cell_message_names_the_argument_only() -> None:
    with pytest.raises(InputError, match=r"^costs is the text 'x'; a number is needed$"):
        numbers("x", "costs")


# --- error values propagate ------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(OFFICEJS))
def test_officejs_error_cells_propagate(code: str) -> None:
    with pytest.raises(InputError, match=f"is the error {code}") as error:
        numbers([[1], [OFFICEJS[code]], [2]], "costs")
    check(error, code)


@pytest.mark.parametrize("code", sorted(COM))
def test_com_error_codes_propagate(code: str) -> None:
    with pytest.raises(InputError) as error:
        numbers(((1.0,), (COM[code],)), "costs")
    check(error, code)


@pytest.mark.parametrize("code", sorted(OFFICEJS))
def test_error_text_propagates(code: str) -> None:
    """Classic xlwings passes another UDF's error as text such as "#N/A"."""
    with pytest.raises(InputError) as error:
        numbers([[code]], "costs")
    check(error, code)


@pytest.mark.parametrize(
    "cell",
    [
        {"type": "Error", "basicValue": "#SPILL!", "errorType": "Spill"},
        {"type": "Error", "errorType": "Busy"},
        "#SPILL!",
        "#CALC!",
    ],
)
def test_errors_a_function_cannot_return_become_value(cell: object) -> None:
    with pytest.raises(InputError) as error:
        numbers([[cell]], "costs")
    check(error, "#VALUE!")


def test_officejs_error_without_basic_value_uses_error_type() -> None:
    with pytest.raises(InputError) as error:
        numbers([[{"type": "Error", "errorType": "Ref"}]], "costs")
    check(error, "#REF!")


@pytest.mark.parametrize(
    "value",
    [
        [["abc"], [OFFICEJS["#N/A"]]],  # text first, error later
        [[OFFICEJS["#N/A"]], ["abc"]],
    ],
)
def test_error_value_wins_over_text(value: object) -> None:
    with pytest.raises(InputError) as error:
        numbers(value, "costs")
    check(error, "#N/A")


def test_first_error_in_reading_order_wins() -> None:
    with pytest.raises(InputError) as error:
        numbers([[1, OFFICEJS["#REF!"]], [OFFICEJS["#N/A"], 2]], "costs")
    check(error, "#REF!")


# --- cash-flow series ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ([[-100], [30], [40], [50]], [-100.0, 30.0, 40.0, 50.0]),
        ([[-100, 30, 40, 50]], [-100.0, 30.0, 40.0, 50.0]),
        ([[-100], [30], [""], [""], [None]], [-100.0, 30.0]),  # range larger than the data
        ([[-100], [""], [40]], [-100.0, 0.0, 40.0]),  # a year without flow
        ([[""], [-100], [40]], [0.0, -100.0, 40.0]),  # leading blank: period 0 is 0
        ([[-100, 30], [40, 50], ["", ""]], [-100.0, 30.0, 40.0, 50.0]),  # 2-D, row by row
        (-100, [-100.0]),
    ],
)
def test_series(value: object, expected: list[float]) -> None:
    assert series(value) == expected


def test_series_empty_is_value_error() -> None:
    with pytest.raises(InputError, match="cash_flows is empty") as error:
        series([["", None, JsNull()]])
    check(error, "#VALUE!")


def test_series_error_propagates_even_among_trailing_blanks() -> None:
    with pytest.raises(InputError) as error:
        series([[-100], [50], [""], [OFFICEJS["#DIV/0!"]], [""]])
    check(error, "#DIV/0!")


@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=False, allow_infinity=False, width=32),
            st.integers(-(10**9), 10**9),
            st.sampled_from(["", None]),
        ),
        max_size=40,
    )
)
def test_blank_rules_hold_for_any_column(column: list[object]) -> None:
    values = [float(c) for c in column if c not in ("", None)]  # type: ignore[arg-type]
    excel_column = [[c] for c in column]
    if not values:
        with pytest.raises(InputError):
            numbers(excel_column, "x")
        with pytest.raises(InputError):
            series(excel_column)
        return
    assert numbers(excel_column, "x") == values
    last = max(i for i, c in enumerate(column) if c not in ("", None))
    expected = [0.0 if c in ("", None) else float(c) for c in column[: last + 1]]  # type: ignore[arg-type]
    assert series(excel_column) == expected
    assert series([column]) == expected  # the same as a row


# --- dates -----------------------------------------------------------------------------

D0, D1, D2 = 45658, 45689, 46023  # 2025-01-01, 2025-02-01, 2026-01-01


def test_dated_series_drops_blank_pairs() -> None:
    flows = [[-100], [""], [10], [100], [""], [""]]
    dates = [[D0], [""], [D1], [D2], [None], [""]]
    assert dated_series(flows, dates) == ([-100.0, 10.0, 100.0], [D0, D1, D2])


def test_dated_series_ranges_of_different_sizes_line_up_by_data() -> None:
    assert dated_series([[-100], [110]], [[D0], [D2], [""], [""]]) == (
        [-100.0, 110.0],
        [float(D0), float(D2)],
    )


@pytest.mark.parametrize(
    ("flows", "dates", "match"),
    [
        ([[-100], [110]], [[D0], [""]], r"cash_flows \(value 2 of the range\) is 110; its date"),
        ([[-100], [""]], [[D0], [D2]], r"dates \(value 2 of the range\) is a date; its cash flow"),
        ([[-100], [110]], [[D0]], "its date"),  # fewer dates than flows
        ([[-100], [110]], [[""], [""]], "its date"),  # a dates range left empty
    ],
)
def test_dated_series_unpaired_is_value_error(flows: object, dates: object, match: str) -> None:
    with pytest.raises(InputError, match=match) as error:
        dated_series(flows, dates)
    check(error, "#VALUE!")


def test_dated_series_accepts_date_objects_and_com_datetimes() -> None:
    utc_labelled = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # as pywin32 labels COM dates
    flows, serials = dated_series(
        [[-100], [10], [100]], [[dt.date(2025, 1, 1)], [dt.datetime(2025, 2, 1)], [utc_labelled]]
    )
    assert serials == [D0, D1, D2]
    assert flows == [-100.0, 10.0, 100.0]


@pytest.mark.parametrize(
    ("dates", "code", "match"),
    [
        ([[D0], ["2026-01-01"]], "#VALUE!", "the text '2026-01-01'"),
        ([[D0], [-1]], "#VALUE!", "not a valid date"),
        ([[D0], [OFFICEJS["#N/A"]]], "#N/A", "is the error #N/A"),
    ],
)
def test_bad_dates(dates: object, code: str, match: str) -> None:
    with pytest.raises(InputError, match=match) as error:
        dated_series([[-100], [110]], dates)
    check(error, code)


def test_dated_series_all_blank_is_value_error() -> None:
    with pytest.raises(InputError, match="cash_flows is empty") as error:
        dated_series([[""], [""]], [[""], [""]])
    check(error, "#VALUE!")


# --- single values ---------------------------------------------------------------------


@pytest.mark.parametrize("value", [0.1, [[0.1]], [0.1], ((0.1,),)])
def test_number_accepts_one_cell(value: object) -> None:
    assert number(value, "rate") == 0.1


@pytest.mark.parametrize(
    ("value", "code", "match"),
    [
        ([[0.1, 0.2]], "#VALUE!", "rate needs one value, got a range of 2 cells"),
        ("", "#VALUE!", "rate is empty"),
        ([[None]], "#VALUE!", "rate is empty"),
        ("10 %", "#VALUE!", "the text '10 %'"),
        (True, "#VALUE!", "TRUE"),
        (OFFICEJS["#NUM!"], "#NUM!", "the error #NUM!"),
        (COM["#N/A"], "#N/A", "the error #N/A"),
    ],
)
def test_number_rejects(value: object, code: str, match: str) -> None:
    with pytest.raises(InputError, match=match) as error:
        number(value, "rate")
    check(error, code)


@pytest.mark.parametrize("value", [None, "", [[""]], [[None]], [[JsNull()]], JsNull()])
def test_optional_number_blank_gives_default(value: object) -> None:
    assert optional_number(value, "guess", 0.1) == 0.1
    assert optional_number(value, "rate") is None


def test_optional_number_given() -> None:
    assert optional_number([[0.25]], "guess", 0.1) == 0.25
    assert optional_number(0, "rate") == 0.0  # 0 is a value, not a blank


def test_optional_number_error_propagates_instead_of_default() -> None:
    with pytest.raises(InputError) as error:
        optional_number([[OFFICEJS["#N/A"]]], "rate")
    check(error, "#N/A")


@pytest.mark.parametrize(
    ("value", "blank"),
    [(None, True), ("", True), ([[""]], True), ([None], True), (0, False), ([["", ""]], False)],
)
def test_is_blank(value: object, blank: bool) -> None:
    assert is_blank(value) is blank


# --- results ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (DivisionByZeroError("x"), "#DIV/0!"),
        (NoSolutionError("x", excel_error="#N/A"), "#N/A"),
        (NoSolutionError("x"), "#NUM!"),
        (CalcError("x"), "#NUM!"),
        (InputError("x"), "#VALUE!"),
        (InputError("x", excel_error="#REF!"), "#REF!"),
        (ScenarioError("x"), "#VALUE!"),
        (CrmRoiError("x", excel_error="#SPILL!"), "#VALUE!"),  # not returnable
        (ZeroDivisionError("x"), "#VALUE!"),
        (RuntimeError("x"), "#VALUE!"),
    ],
)
def test_excel_error(error: BaseException, code: str) -> None:
    assert excel_error(error) == code


def _body(kind: str) -> float:
    """The body of an example Excel function."""
    if kind == "div0":
        raise DivisionByZeroError("sum of costs is zero")
    if kind == "bug":
        raise KeyError("a bug")
    if kind == "nan":
        return math.nan
    if kind == "inf":
        return math.inf
    if kind == "int":
        return 3
    return 0.25


WRAPPED = excel_result(_body)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("ok", 0.25), ("int", 3.0), ("div0", "#DIV/0!"), ("bug", "#VALUE!"), ("nan", "#NUM!")],
)
def test_excel_result(kind: str, expected: object) -> None:
    result = WRAPPED(kind)
    assert result == expected
    assert type(result) is type(expected)


def test_excel_result_inf_is_num() -> None:
    assert WRAPPED("inf") == "#NUM!"


def test_excel_result_logs_unexpected_errors(caplog: pytest.LogCaptureFixture) -> None:
    assert WRAPPED("bug") == "#VALUE!"
    assert "KeyError" in caplog.text
    assert "_body failed unexpectedly" in caplog.text


def test_excel_result_keeps_what_xlwings_reads() -> None:
    assert WRAPPED.__name__ == "_body"
    assert WRAPPED.__doc__ == "The body of an example Excel function."
    assert list(inspect.signature(WRAPPED).parameters) == ["kind"]


def test_all_lists_the_public_functions() -> None:
    public = {
        name
        for name, obj in vars(cells).items()
        if inspect.isfunction(obj) and obj.__module__ == cells.__name__ and name[0] != "_"
    }
    assert public <= set(cells.__all__)
    assert all(hasattr(cells, name) for name in cells.__all__)


def test_cleaning_a_10000_row_range() -> None:
    column = [[-1_000_000]] + [[1_000.0]] * 9_998 + [[""]]
    assert series(column) == [-1_000_000.0] + [1_000.0] * 9_998
    assert total(column, "x") == -1_000_000 + 9_998_000
