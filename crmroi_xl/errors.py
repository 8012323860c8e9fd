"""The one exception family of crmroi-xl.

Every error the toolkit raises on purpose derives from :class:`CrmRoiError`
and carries the Excel error value a spreadsheet would show for the same case,
so the Excel functions can turn any of them into a cell error::

    CrmRoiError                  base class; .excel_error, e.g. "#VALUE!"
    ├── InputError               bad input: text where a number is needed,
    │                            missing value, wrong shape       (#VALUE!)
    ├── CalcError                the inputs are valid but the metric is not
    │   ├── DivisionByZeroError  a denominator sums to zero       (#DIV/0!)
    │   └── NoSolutionError      IRR without root, payback never
    │                            reached                   (#NUM! or #N/A)
    ├── ScenarioError            a scenario file cannot be read or is invalid
    │   │                        (the message names the file and the field)
    │   └── WorkbookError        a workbook cannot be read back (the message
    │                            names the file, sheet and cell)
    └── InternalError            a defect of crmroi-xl itself: one of its own
                                 invariants does not hold         (#VALUE!)
"""

from __future__ import annotations

__all__ = [
    "EXCEL_ERRORS",
    "CalcError",
    "CrmRoiError",
    "DivisionByZeroError",
    "InputError",
    "InternalError",
    "NoSolutionError",
    "ScenarioError",
    "WorkbookError",
]


#: The error values a spreadsheet cell can hold (what ``.excel_error`` takes).
EXCEL_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"})


class CrmRoiError(Exception):
    """Base class of every error crmroi-xl raises on purpose.

    ``reason`` is a short code saying why, the same in every language
    (``zero_costs``, ``never_paid_back`` ...): reports word it in the user's
    language (:mod:`crmroi_xl.scenario.labels`), never by matching the English message.

    >>> DivisionByZeroError("sum of costs is zero", reason="zero_costs").reason
    'zero_costs'
    >>> NoSolutionError("no root").reason
    'no_solution'
    """

    default_excel_error = "#VALUE!"
    default_reason = "invalid"

    def __init__(
        self, message: str, *, excel_error: str | None = None, reason: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.excel_error = excel_error or self.default_excel_error
        self.reason = reason or self.default_reason


class InputError(CrmRoiError, ValueError):
    """An argument is not what the metric needs (Excel shows ``#VALUE!``)."""


class CalcError(CrmRoiError):
    """The inputs are valid but the metric has no finite value."""

    default_excel_error = "#NUM!"
    default_reason = "too_large"


class DivisionByZeroError(CalcError, ZeroDivisionError):
    """A denominator is zero (Excel shows ``#DIV/0!``)."""

    default_excel_error = "#DIV/0!"
    default_reason = "zero_denominator"


class NoSolutionError(CalcError):
    """No solution exists: IRR without sign change, payback never reached."""

    default_reason = "no_solution"


class ScenarioError(CrmRoiError):
    """A scenario file cannot be loaded or does not validate."""


class WorkbookError(ScenarioError):
    """A workbook cannot be read back: not a sane xlsx, or bad inputs in its cells."""


class InternalError(CrmRoiError):
    """A defect of crmroi-xl: an invariant of its own code does not hold (``#VALUE!``).

    Raised where a plain ``assert`` would vanish under ``python -O``; the message says
    which invariant, for a bug report.

    >>> InternalError("two inputs in one cell").reason
    'internal'
    """

    default_reason = "internal"
