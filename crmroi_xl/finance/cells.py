r"""Excel arguments in, Excel results out: the rules every ``CRM_`` function follows.

The Excel functions of ``udfs.py`` receive their arguments exactly as Excel
sends them (xlwings' ``"raw"`` converter: one cell's value, or a list of rows)
and clean them here, so that the same rules hold in classic xlwings, xlwings
Lite and xlwings Server, and a 10 000-row range costs a few milliseconds
instead of the half second xlwings' default conversion takes. This module is
pure: it imports neither xlwings nor anything outside the standard library and
:mod:`crmroi_xl`.

Rules
-----
Shapes
    An argument is a number or a range: a single cell, a row, a column or a
    2-D block. Cells are read in reading order, row by row.

Summed arguments (``benefits``, ``costs``, ``leads`` ...; :func:`numbers`, :func:`total`)
    Blank cells (``""`` from Office.js, ``None`` from classic xlwings) are
    skipped, as Excel's ``SUM`` does.

Cash-flow series (``cash_flows`` of NPV, IRR, PAYBACK; :func:`series`)
    Trailing blanks are dropped, so a range may be larger than the data.
    Blanks before the last value count as 0: a period without flow still
    takes its place in time. (Excel's own ``NPV`` *skips* blanks, which moves
    every later flow one period earlier; ours does not.)

Cash flows with dates (:func:`dated_series`)
    A flow and its date are read side by side; a pair where both are blank is
    dropped, a flow without a date or a date without a flow is ``#VALUE!``.
    Dates are Excel serial numbers (45658 is 2025-01-01) or date / datetime
    objects; a negative serial is ``#VALUE!``.

Single values (``rate``, ``retention_rate`` ...; :func:`number`, :func:`optional_number`)
    One cell or one number; a range of several cells is ``#VALUE!``. An
    optional argument left out *or* given an empty cell takes its default.

Text and booleans
    Text where a number is needed is ``#VALUE!``, even a number typed as text
    (``"1 000"``, ``"12%"``): Excel shows such cells left-aligned, and guessing
    their meaning would hide a data-entry problem. ``TRUE`` / ``FALSE`` are
    ``#VALUE!`` too. A date counts as its serial number, as in Excel. A text
    that spells an Excel error (``"#N/A"``) counts as that error: it is how
    classic xlwings passes on another function's error.

Error values
    An error in an input propagates, as in Excel: Office.js sends
    ``{"type": "Error", "basicValue": "#DIV/0!", ...}``, classic xlwings (COM)
    sends the error's integer code (``-2146826281`` for ``#DIV/0!``; so an
    integer equal to one of those seven codes is read as that error).
    Arguments are checked left to right; within one argument the first error
    value in reading order is reported, even after text. Errors a custom
    function cannot return (``#SPILL!``, ``#CALC!``, ``#BUSY!`` ...) become
    ``#VALUE!``.

Empty arguments
    A required argument with no value at all (every cell blank) is
    ``#VALUE!`` with a message naming it: an empty cost range is a missing
    input, not a cost of zero.

Results (:func:`excel_result`)
    Every :class:`~crmroi_xl.errors.CrmRoiError` becomes its ``excel_error``
    string (``"#DIV/0!"``, ``"#NUM!"``, ``"#N/A"``, ``"#VALUE!"``), any other
    exception becomes ``"#VALUE!"``, a non-finite result ``"#NUM!"``: a cell
    never shows a traceback and no exception leaves the function. xlwings
    Lite and Server turn those strings into true Excel errors; classic
    xlwings cannot return an error value and shows them as text (see
    ``docs/excel-functions.md``).

Examples
--------
>>> numbers([[1200], [""], [800]], "costs")
[1200.0, 800.0]
>>> series([[-100, "", 50, 60, "", ""]], "cash_flows")
[-100.0, 0.0, 50.0, 60.0]
>>> numbers([[1], [{"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}]], "costs")
Traceback (most recent call last):
crmroi_xl.errors.InputError: costs (value 2 of the range) is the error #N/A
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
from collections.abc import Callable
from decimal import Decimal
from itertools import chain
from numbers import Real
from typing import Any, ParamSpec, TypeAlias, overload

from ..errors import EXCEL_ERRORS, CrmRoiError, InputError
from .metrics import to_serial

__all__ = [
    "CellResult",
    "Raw",
    "dated_series",
    "excel_error",
    "excel_result",
    "is_blank",
    "number",
    "numbers",
    "optional_number",
    "series",
    "total",
]

logger = logging.getLogger(__name__)

#: An argument as xlwings' ``"raw"`` converter hands it over: one cell's value
#: (number, text, ``""`` / ``None`` for blank, an error) or a list of rows.
Raw: TypeAlias = Any

#: What an Excel function returns: a float, or an Excel error code such as
#: ``"#DIV/0!"``. Typed ``Any`` on purpose: xlwings reads a UDF's return
#: annotation as its converter, and it has none for a ``float | str`` union.
CellResult: TypeAlias = Any

#: The error values a custom function can return in every integration.

#: Office.js ``errorType`` of an error cell -> the error value.
_OFFICEJS_ERRORS = {
    "Div0": "#DIV/0!",
    "NotAvailable": "#N/A",
    "Name": "#NAME?",
    "Null": "#NULL!",
    "Num": "#NUM!",
    "Ref": "#REF!",
    "Value": "#VALUE!",
}

#: COM (classic xlwings on Windows) integer code of an error cell -> the error
#: value; the table xlwings itself uses in ``_xlwindows.cell_errors``.
_COM_ERRORS = {
    -2146826281: "#DIV/0!",
    -2146826246: "#N/A",
    -2146826259: "#NAME?",
    -2146826288: "#NULL!",
    -2146826252: "#NUM!",
    -2146826265: "#REF!",
    -2146826273: "#VALUE!",
}

#: Newer Excel errors a custom function cannot return as such: they become #VALUE!.
_OTHER_ERRORS = frozenset(
    {
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#EXTERNAL!",
        "#PYTHON!",
    }
)

_COM_CODES = frozenset(_COM_ERRORS)
_PLAIN = frozenset({float, int})
_NESTED = frozenset({list, tuple})
_VALUE = "#VALUE!"
_P = ParamSpec("_P")


def is_blank(value: object) -> bool:
    """Whether ``value`` is an empty cell: ``None``, ``""``, or a 1x1 range holding one.

    Pyodide's ``JsNull`` (what xlwings Lite may pass for an empty cell) counts
    as blank too.

    >>> is_blank(""), is_blank([[None]]), is_blank(0), is_blank([["", ""]])
    (True, True, False, False)
    """
    if isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
        if isinstance(value, (list, tuple)) and len(value) == 1:
            value = value[0]
    return value is None or value == "" or type(value).__name__ == "JsNull"


def _flatten(value: object) -> list[Any]:
    """The cells of a number or a range (list of rows, a row, nested), in reading order."""
    if not isinstance(value, (list, tuple)):
        return [value]
    if _NESTED.issuperset(map(type, value)):
        cells = list(chain.from_iterable(value))  # the usual list of rows: C speed
    else:
        cells = [cell for row in value for cell in _flatten(row)]
    if _NESTED.isdisjoint(map(type, cells)):
        return cells
    return [leaf for cell in cells for leaf in _flatten(cell)]


def _error_value(cell: object) -> str | None:
    """The Excel error ``cell`` holds (``"#N/A"`` ...), or None if it holds none."""
    if isinstance(cell, dict):
        if cell.get("type") != "Error":
            return None
        basic = cell.get("basicValue")
        if basic in EXCEL_ERRORS:
            return str(basic)
        return _OFFICEJS_ERRORS.get(str(cell.get("errorType")), _VALUE)
    if type(cell) is int:
        return _COM_ERRORS.get(cell)
    if isinstance(cell, str) and cell.startswith("#"):
        code = cell.strip().upper()
        if code in EXCEL_ERRORS:
            return code
        if code in _OTHER_ERRORS:
            return _VALUE
    return None


def _subject(name: str, position: int | None) -> str:
    return name if position is None else f"{name} (value {position} of the range)"


def _cell_number(cell: object, name: str, position: int | None) -> float | None:
    """A cell as a float, or None if blank; raises InputError for anything else.

    The fast cases (float, int) are tested by the callers before calling this.
    """
    subject = _subject(name, position)
    code = _error_value(cell)
    if code is not None:
        raise InputError(f"{subject} is the error {code}", excel_error=code)
    if cell is None or cell == "" or type(cell).__name__ == "JsNull":
        return None
    if isinstance(cell, dict):  # an Office.js rich value: FormattedNumber, entity ...
        if "basicValue" in cell and not isinstance(cell["basicValue"], dict):
            return _cell_number(cell["basicValue"], name, position)
        raise InputError(f"{subject} is a {cell.get('type')!r} value; a number is needed")
    if isinstance(cell, bool):
        raise InputError(f"{subject} is {str(cell).upper()}; a number is needed")
    if isinstance(cell, str):
        raise InputError(f"{subject} is the text {cell!r}; a number is needed")
    if isinstance(cell, (dt.date, dt.datetime)):  # a date is its serial number, as in Excel
        return _serial(cell, name)
    if isinstance(cell, (Real, Decimal)):  # Decimal: a currency-formatted cell through COM
        number = float(cell)
        if not math.isfinite(number):
            raise InputError(f"{subject} is {cell!r}; a finite number is needed")
        return number
    raise InputError(f"{subject} is {cell!r}; a number is needed")


def _serial(cell: dt.date, name: str) -> float:
    if isinstance(cell, dt.datetime) and cell.tzinfo is not None:
        # Through COM, pywin32 labels Excel's local wall-clock time as UTC.
        cell = cell.replace(tzinfo=None)
    return to_serial(cell, name)


def _cells(value: object, name: str) -> list[float | None]:
    """Every cell of ``value`` as a float or None (blank), errors and text rejected.

    Within the argument an error value is reported before text, the first one
    in reading order.
    """
    flat = _flatten(value)
    if (
        _PLAIN.issuperset(map(type, flat))
        and _COM_CODES.isdisjoint(flat)
        and math.isfinite(math.fsum(flat))
    ):  # only numbers (the common case): no per-cell Python code
        return list(map(float, flat))
    out: list[float | None] = []
    append = out.append
    text_problem: InputError | None = None
    single = len(flat) == 1
    for index, cell in enumerate(flat):
        kind = type(cell)
        if kind is float:
            if cell - cell == 0.0:  # finite: inf - inf and nan - nan are nan
                append(cell)
                continue
        elif kind is int and cell not in _COM_ERRORS:
            append(float(cell))
            continue
        elif cell == "" or cell is None:
            append(None)
            continue
        try:
            append(_cell_number(cell, name, None if single else index + 1))
        except InputError as problem:
            if problem.excel_error != _VALUE:
                raise
            if text_problem is None:
                text_problem = problem
            append(None)
    if text_problem is not None:
        raise text_problem
    return out


def _empty(name: str) -> InputError:
    return InputError(f"{name} is empty; a value is needed")


def numbers(value: Raw, name: str) -> list[float]:
    """The numbers of a summed argument: blanks skipped, at least one number.

    Parameters
    ----------
    value : number, cell value or list of rows
        The argument as Excel sends it.
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    list of float
        The numbers in reading order.

    Raises
    ------
    InputError
        Text, booleans or an all-blank argument (``#VALUE!``); an error value
        in a cell (that error).

    Examples
    --------
    >>> numbers(200_000, "benefits")
    [200000.0]
    >>> numbers([[30_000, 12_000], ["", 8_000]], "costs")
    [30000.0, 12000.0, 8000.0]
    >>> numbers([["1 000"]], "costs")
    Traceback (most recent call last):
    crmroi_xl.errors.InputError: costs is the text '1 000'; a number is needed
    >>> numbers([[""], [None]], "costs")
    Traceback (most recent call last):
    crmroi_xl.errors.InputError: costs is empty; a value is needed
    """
    found = [cell for cell in _cells(value, name) if cell is not None]
    if not found:
        raise _empty(name)
    return found


def total(value: Raw, name: str) -> float:
    """The sum of a summed argument: :func:`numbers`, added exactly (``math.fsum``).

    The metric functions sum with ``math.fsum`` too, so passing them this total
    or the list of numbers gives the same result; the total spares them
    checking 10 000 values one by one.

    >>> total([[30_000, 12_000], ["", 8_000]], "costs")
    50000.0
    """
    return math.fsum(numbers(value, name))


def series(value: Raw, name: str = "cash_flows") -> list[float]:
    """A cash-flow series: trailing blanks dropped, blanks before the last value as 0.

    Examples
    --------
    A row of five yearly flows typed into a ten-column range, year 2 empty:

    >>> series([[-50_000, 25_000, None, 25_000, 25_000, "", "", "", "", ""]])
    [-50000.0, 25000.0, 0.0, 25000.0, 25000.0]
    >>> series([["", ""]])
    Traceback (most recent call last):
    crmroi_xl.errors.InputError: cash_flows is empty; a value is needed
    """
    cells = _cells(value, name)
    while cells and cells[-1] is None:
        cells.pop()
    if not cells:
        raise _empty(name)
    return [0.0 if cell is None else cell for cell in cells]


def _dates(value: Raw, name: str) -> list[float | None]:
    dates = _cells(value, name)  # dates arrive as serials or date objects
    for index, serial in enumerate(dates):
        if serial is not None and serial < 0:
            raise InputError(
                f"{name} (value {index + 1} of the range) is {serial:g}, not a valid date "
                "(a serial number from 0, or a date)"
            )
    return dates


def dated_series(
    cash_flows: Raw,
    dates: Raw,
    flows_name: str = "cash_flows",
    dates_name: str = "dates",
) -> tuple[list[float], list[float]]:
    """Cash flows and their dates (as Excel serials), read side by side.

    A pair where both are blank is dropped; a flow without a date or a date
    without a flow is ``#VALUE!``. The two ranges may have different sizes as
    long as their data lines up.

    Examples
    --------
    >>> dated_series([[-100], [""], [110], [""]], [[45658], [""], [46023], [""]])
    ([-100.0, 110.0], [45658.0, 46023.0])
    >>> dated_series([[-100], [110]], [[45658], [""]])
    Traceback (most recent call last):
    crmroi_xl.errors.InputError: cash_flows (value 2 of the range) is 110; its date (dates) is blank
    """
    flows = _cells(cash_flows, flows_name)
    days = _dates(dates, dates_name)
    size = max(len(flows), len(days))
    flows += [None] * (size - len(flows))
    days += [None] * (size - len(days))
    kept_flows: list[float] = []
    kept_days: list[float] = []
    for index, (flow, day) in enumerate(zip(flows, days, strict=True)):
        if flow is None and day is None:
            continue
        if day is None:
            raise InputError(
                f"{flows_name} (value {index + 1} of the range) is {flow:g}; "
                f"its date ({dates_name}) is blank"
            )
        if flow is None:
            raise InputError(
                f"{dates_name} (value {index + 1} of the range) is a date; "
                f"its cash flow ({flows_name}) is blank"
            )
        kept_flows.append(flow)
        kept_days.append(day)
    if not kept_flows:
        raise _empty(flows_name)
    return kept_flows, kept_days


def number(value: Raw, name: str) -> float:
    """A required single value: one cell or one number.

    Examples
    --------
    >>> number([[0.1]], "rate")
    0.1
    >>> number([[0.1, 0.2]], "rate")
    Traceback (most recent call last):
    crmroi_xl.errors.InputError: rate needs one value, got a range of 2 cells
    >>> number("", "rate")
    Traceback (most recent call last):
    crmroi_xl.errors.InputError: rate is empty; a value is needed
    """
    cells = _flatten(value)
    if len(cells) != 1:
        raise InputError(f"{name} needs one value, got a range of {len(cells)} cells")
    result = _cells(cells, name)[0]
    if result is None:
        raise _empty(name)
    return result


@overload
def optional_number(value: Raw, name: str, default: float) -> float: ...
@overload
def optional_number(value: Raw, name: str, default: None = None) -> float | None: ...
def optional_number(value: Raw, name: str, default: float | None = None) -> float | None:
    """An optional single value: ``default`` when left out or given an empty cell.

    Examples
    --------
    >>> optional_number(None, "guess", 0.1), optional_number([[""]], "guess", 0.1)
    (0.1, 0.1)
    >>> optional_number(0.2, "guess", 0.1)
    0.2
    """
    if is_blank(value):
        return default
    return number(value, name)


def excel_error(error: BaseException) -> str:
    """The Excel error value a cell shows for ``error``.

    >>> from crmroi_xl.errors import DivisionByZeroError
    >>> excel_error(DivisionByZeroError("sum of costs is zero"))
    '#DIV/0!'
    >>> excel_error(KeyError("anything else"))
    '#VALUE!'
    """
    if isinstance(error, CrmRoiError) and error.excel_error in EXCEL_ERRORS:
        return error.excel_error
    return _VALUE


def excel_result(func: Callable[_P, float]) -> Callable[_P, CellResult]:
    """Wrap an Excel function's body so it returns a number or an Excel error, never raises.

    A :class:`~crmroi_xl.errors.CrmRoiError` becomes its ``excel_error``,
    anything else ``"#VALUE!"`` (logged with its traceback for whoever runs
    the Python side), a NaN or infinite result ``"#NUM!"``. Put it innermost,
    right above ``def``: the ``@xw.func`` and ``@xw.arg`` decorators read the
    signature and docstring it carries over.

    Examples
    --------
    >>> @excel_result
    ... def ratio(a: float, b: float) -> float:
    ...     return a / b
    >>> ratio(1, 4), ratio(1, 0)
    (0.25, '#VALUE!')
    """

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> CellResult:
        try:
            result = float(func(*args, **kwargs))
        except CrmRoiError as error:
            logger.debug("%s: %s", func.__name__, error)
            return excel_error(error)
        except Exception:
            logger.exception("%s failed unexpectedly; the cell shows #VALUE!", func.__name__)
            return _VALUE
        return result if math.isfinite(result) else "#NUM!"

    return wrapper
