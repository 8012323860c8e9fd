r"""On the books: straight-line depreciation and the after-tax flow of a period.

A capitalised cost (a CRM implementation) is cash when paid and an expense only
through its depreciation; the tax saved on that expense (the depreciation tax
shield) is part of the project's after-tax return.

.. math::

    D_y = \frac{amount}{years} \quad (1 \le y \le years;\ 0 \text{ otherwise})

    after\_tax = flow \, (1 - T) + T \, D

where ``flow`` is the period's pre-tax operating flow (benefits - expensed costs,
the change in EBITDA), ``T`` the corporate tax rate and ``D`` the period's
depreciation: the textbook operating cash flow, EBITDA (1 - T) + T D. A negative
taxable result is a tax saving (the company is assumed profitable overall).

Examples
--------
A 36 000 set-up depreciated over 3 years, then a year of 30 800 of flow at 25 %:

>>> [depreciation(36_000, 3, y) for y in (0, 1, 3, 4)]
[0.0, 12000.0, 12000.0, 0.0]
>>> after_tax(30_800, 0.25, 12_000)
26100.0
"""

from __future__ import annotations

import math

from ..errors import CalcError, InputError
from .metrics import Values, as_numbers

__all__ = ["after_tax", "depreciation"]


def _whole(value: float, name: str, least: int) -> int:
    if not math.isfinite(value) or value != int(value) or value < least:
        raise CalcError(f"{name}: a whole number from {least}, got {value!r}", excel_error="#NUM!")
    return int(value)


def depreciation(amount: float, years: float, year: float) -> float:
    """Straight-line depreciation of ``amount`` over ``years`` (a whole number >= 1) in
    ``year`` counted from the payment (1 = the year after it, the first depreciated;
    0 and years after the last give 0).

    >>> depreciation(100_000, 5, 2)
    20000.0
    >>> depreciation(100_000, 0, 1)
    Traceback (most recent call last):
    crmroi_xl.errors.CalcError: years: a whole number from 1, got 0
    """
    n = _whole(years, "years", 1)
    y = _whole(year, "year", 0)
    amount = float(amount)
    if not math.isfinite(amount):
        raise InputError(f"amount: a number, got {amount!r}")
    return amount / n if 1 <= y <= n else 0.0


def after_tax(flows: Values, tax_rate: float, depreciation: Values = 0.0) -> float:
    """The after-tax flow of pre-tax operating ``flows`` (summed) with ``depreciation``
    (summed) at ``tax_rate`` (a fraction from 0 to 1): flows - tax_rate x (flows -
    depreciation). Out of their ranges, ``years``, ``year`` and ``tax_rate`` raise a
    :class:`~crmroi_xl.errors.CalcError` (``#NUM!`` in Excel).

    The depreciation tax shield alone: a 20 000 expense saves 6 000 at 30 %.

    >>> after_tax(0, 0.30, 20_000)
    6000.0
    >>> after_tax([10_000, 5_000], 0.25)
    11250.0
    """
    rate = float(tax_rate)
    if not 0 <= rate <= 1:
        raise CalcError(f"tax_rate: a fraction from 0 to 1, got {rate!r}", excel_error="#NUM!")
    flow = math.fsum(as_numbers(flows, "flows"))
    spread = math.fsum(as_numbers(depreciation, "depreciation"))
    return flow - rate * (flow - spread)
