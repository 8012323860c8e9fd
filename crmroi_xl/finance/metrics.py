"""Financial metrics of a CRM business case: ROI, ROAS, NPV, IRR, payback, CLV, CAC.

Pure functions (standard library and numpy only). Conventions, fixed by the
design contract:

* cash flows are per period and the first value is period 0 (today,
  undiscounted) -- unlike Excel's own ``NPV``, which discounts its first value;
* rates are fractions (``0.1`` is 10 %), results are fractions too
  (an ROI of ``3.0`` is 300 %);
* arguments that the definition sums accept a number or any iterable of
  numbers;
* every failure raises a :class:`~crmroi_xl.errors.CrmRoiError` carrying the
  Excel error value a spreadsheet would show (``#DIV/0!``, ``#NUM!``,
  ``#N/A``, ``#VALUE!``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from numbers import Real
from typing import TypeAlias

import numpy as np

from ..errors import CalcError, DivisionByZeroError, InputError, NoSolutionError
from .roots import bracketed, newton, npv_and_slope

__all__ = [
    "EXCEL_EPOCH",
    "DateLike",
    "Values",
    "as_number",
    "as_numbers",
    "bcr",
    "cac",
    "clv",
    "irr",
    "npv",
    "payback",
    "ratio",
    "roas",
    "roi",
    "sum_of",
    "to_serial",
]

Values: TypeAlias = float | Iterable[float]
DateLike: TypeAlias = dt.date | dt.datetime | float

#: Day 0 of Excel's 1900 date system as Python counts it (serial 1 = 1900-01-01,
#: shifted by Excel's phantom 1900-02-29).
EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def as_number(value: object, name: str) -> float:
    """Return ``value`` as a finite float, or raise an InputError naming ``name``.

    >>> as_number(3, "costs")
    3.0
    >>> as_number("abc", "costs")
    Traceback (most recent call last):
    crmroi_xl.errors.InputError: costs: a number is needed, got 'abc'
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InputError(f"{name}: a number is needed, got {value!r}")
    try:
        number = float(value)
    except OverflowError:  # an int beyond the float range
        number = math.inf
    if not math.isfinite(number):
        raise InputError(f"{name}: a finite number is needed, got {value!r}")
    return number


def as_numbers(values: Values, name: str) -> list[float]:
    """Flatten a number or an iterable (nested or numpy) into a list of floats.

    >>> as_numbers([[1, 2], [3]], "benefits")
    [1.0, 2.0, 3.0]
    """
    if isinstance(values, (str, bytes)):
        raise InputError(f"{name}: a number or a list of numbers is needed, got {values!r}")
    if isinstance(values, np.ndarray):
        if values.dtype.kind in "iuf":  # numeric array: checked all at once
            numbers = values.astype(float).ravel()
            if np.isfinite(numbers).all():
                return numbers.tolist()
        values = values.ravel().tolist()
    if not isinstance(values, Iterable):
        return [as_number(values, name)]
    flat: list[float] = []
    for item in values:
        if type(item) is float and math.isfinite(item):  # the common case, kept fast
            flat.append(item)
        elif isinstance(item, Iterable) and not isinstance(item, (str, bytes)):
            flat.extend(as_numbers(item, name))
        else:
            flat.append(as_number(item, name))
    return flat


def _finite(value: float, what: str) -> float:
    """``value`` if finite; else the CalcError (``#NUM!``) Excel shows on overflow."""
    if not math.isfinite(value):
        raise CalcError(f"{what}: the result is too large to represent", excel_error="#NUM!")
    return value


def sum_of(values: Values, name: str) -> float:
    """The sum of ``values`` (a number or numbers), named ``name`` in errors.

    >>> sum_of([12_000, 8_000], "costs")
    20000.0
    """
    try:
        return math.fsum(as_numbers(values, name))
    except OverflowError:  # fsum raises instead of returning inf
        raise CalcError(f"{name}: the sum is too large to represent", excel_error="#NUM!") from None


def ratio(numerator: float, denominator: float, what: str, reason: str | None = None) -> float:
    """``numerator / denominator``; a zero ``what`` raises DivisionByZeroError (#DIV/0!),
    with ``reason`` as its reason code.

    >>> ratio(3.0, 4.0, "sum of costs")
    0.75
    """
    if denominator == 0:
        raise DivisionByZeroError(f"{what} is zero: the ratio is undefined", reason=reason)
    return _finite(numerator / denominator, what)


def roi(benefits: Values, costs: Values) -> float:
    r"""Return on investment: net benefit per unit of cost.

    Parameters
    ----------
    benefits : float or iterable of float
        Benefits in currency units (euros), summed.
    costs : float or iterable of float
        Costs in currency units (euros), summed; must not sum to zero.

    Returns
    -------
    float
        The ROI as a fraction (``3.0`` is 300 %).

    Raises
    ------
    DivisionByZeroError
        When the costs sum to zero (Excel: ``#DIV/0!``).

    Notes
    -----
    .. math:: ROI = \frac{\sum benefits - \sum costs}{\sum costs}

    Native Excel formula written by the exporter:
    ``=(SUM(benefits)-SUM(costs))/SUM(costs)``.

    Examples
    --------
    The seeds' worked case: 200 000 EUR of benefits for 50 000 EUR of costs.

    >>> roi(200_000, 50_000)
    3.0
    >>> roi([60_000, 60_000], [30_000, 12_000, 12_000])
    1.2222222222222223
    """
    total_costs = sum_of(costs, "costs")
    return ratio(
        sum_of(benefits, "benefits") - total_costs, total_costs, "sum of costs", "zero_costs"
    )


def bcr(benefits: Values, costs: Values) -> float:
    r"""Benefit-cost ratio: benefits per unit of cost (the profitability index).

    Parameters
    ----------
    benefits : float or iterable of float
        Benefits in currency units (euros), summed; present values for the
        usual discounted ratio.
    costs : float or iterable of float
        Costs in currency units (euros), summed the same way; must not sum to zero.

    Returns
    -------
    float
        The ratio (``1.5`` is 1.50 € of benefit per euro of cost); above 1 the
        case pays, and ``bcr = roi + 1`` on the same figures.

    Raises
    ------
    DivisionByZeroError
        When the costs sum to zero (Excel: ``#DIV/0!``).

    Notes
    -----
    .. math:: BCR = \frac{\sum benefits}{\sum costs}

    Native Excel formula written by the exporter, on present values:
    ``=IF(Out_PV_Costs=0,NA(),Out_PV_Benefits/Out_PV_Costs)``.

    Examples
    --------
    The seeds' worked case: 200 000 EUR of benefits for 50 000 EUR of costs.

    >>> bcr(200_000, 50_000)
    4.0
    >>> round(bcr([173_449.4, 0], [67_281.4]), 4)  # the SME example's present values
    2.578
    """
    return ratio(sum_of(benefits, "benefits"), sum_of(costs, "costs"), "sum of costs", "zero_costs")


def roas(revenue: Values, ad_spend: Values) -> float:
    r"""Return on advertising spend: revenue earned per unit of ad spend.

    Parameters
    ----------
    revenue : float or iterable of float
        Revenue attributed to the campaigns, in euros, summed.
    ad_spend : float or iterable of float
        Advertising spend in euros, summed; must not sum to zero.

    Returns
    -------
    float
        Revenue per euro spent (``4.0`` reads "4 EUR per euro", or 400 %).

    Notes
    -----
    .. math:: ROAS = \frac{\sum revenue}{\sum ad\_spend}

    Native Excel formula: ``=SUM(revenue)/SUM(ad_spend)``.

    Examples
    --------
    A LinkedIn campaign: 5 000 EUR spent, 20 000 EUR of attributed revenue.

    >>> roas(20_000, 5_000)
    4.0
    """
    return ratio(
        sum_of(revenue, "revenue"), sum_of(ad_spend, "ad_spend"), "sum of ad_spend", "zero_spend"
    )


def cac(acquisition_spend: Values, new_customers: Values) -> float:
    r"""Customer acquisition cost: spend per new customer.

    Parameters
    ----------
    acquisition_spend : float or iterable of float
        Sales and marketing spend to acquire customers, in euros, summed.
    new_customers : float or iterable of float
        New customers won over the same period, summed; must not be zero.

    Returns
    -------
    float
        Euros per new customer.

    Notes
    -----
    .. math:: CAC = \frac{\sum acquisition\_spend}{\sum new\_customers}

    Native Excel formula: ``=SUM(spend)/SUM(new_customers)``.

    Examples
    --------
    12 000 EUR of campaigns bring 40 new customers.

    >>> cac(12_000, 40)
    300.0
    """
    return ratio(
        sum_of(acquisition_spend, "acquisition_spend"),
        sum_of(new_customers, "new_customers"),
        "sum of new_customers",
        "zero_customers",
    )


def _check_rate(rate: float, name: str = "rate") -> float:
    rate = as_number(rate, name)
    if rate <= -1:
        raise InputError(f"{name} must be greater than -100 %, got {rate!r}", excel_error="#NUM!")
    return rate


def to_serial(value: DateLike, name: str = "dates") -> float:
    """Return a date as an Excel serial number (1900 date system).

    >>> to_serial(dt.date(2025, 1, 1))
    45658.0
    >>> to_serial(45658)
    45658.0
    """
    if isinstance(value, dt.datetime):
        return (value - EXCEL_EPOCH).total_seconds() / 86_400
    if isinstance(value, dt.date):
        return float((value - EXCEL_EPOCH.date()).days)
    return as_number(value, name)


def _times(cash_flows: list[float], dates: Iterable[DateLike] | None) -> np.ndarray:
    """Period of each flow: 0, 1, 2 ... or, with dates, years of 365 days since the first.

    As in Excel's ``XNPV``/``XIRR``, dates are truncated to whole days: a time
    of day (a datetime, or a fractional serial) is ignored.
    """
    if dates is None:
        return np.arange(len(cash_flows), dtype=float)
    serials = [math.floor(to_serial(d)) for d in dates]
    if len(serials) != len(cash_flows):
        raise InputError(
            f"dates: {len(serials)} dates for {len(cash_flows)} cash flows; "
            "one date per cash flow is needed",
            excel_error="#NUM!",
        )
    if any(s < serials[0] for s in serials):
        raise InputError("dates: no date may precede the first one", excel_error="#NUM!")
    return (np.asarray(serials) - serials[0]) / 365.0


def _flows(cash_flows: Values) -> list[float]:
    flows = as_numbers(cash_flows, "cash_flows")
    if not flows:
        raise InputError("cash_flows: at least one cash flow is needed")
    return flows


def npv(rate: float, cash_flows: Values, dates: Iterable[DateLike] | None = None) -> float:
    r"""Net present value, the first flow being period 0 (undiscounted).

    Parameters
    ----------
    rate : float
        Discount rate per period as a fraction (``0.1`` for 10 %); above -1.
    cash_flows : iterable of float
        Net flows in euros, period 0 first (investments negative).
    dates : iterable of date, datetime or Excel serial number, optional
        One date per flow. With dates the result follows Excel's ``XNPV``:
        each flow is discounted over ``(date - first date) / 365`` years.

    Returns
    -------
    float
        The present value in euros.

    Warnings
    --------
    Excel's ``NPV`` discounts its *first* value one period; this one does not
    (period 0 is today), so ``npv(r, cf) == cf[0] + NPV(r, cf[1:])``.

    Notes
    -----
    .. math:: NPV = \sum_{t=0}^{n} \frac{cf_t}{(1 + rate)^{t}}

    Native Excel formula: ``=first_flow+NPV(rate, later_flows)``, or
    ``=XNPV(rate, flows, dates)`` with dates.

    Examples
    --------
    A CRM costing 50 000 EUR today that returns 25 000 EUR a year for 3 years,
    at 10 %:

    >>> round(npv(0.10, [-50_000, 25_000, 25_000, 25_000]), 2)
    12171.3
    """
    rate = _check_rate(rate)
    flows = _flows(cash_flows)
    times = _times(flows, dates)
    value, _ = npv_and_slope(rate, np.asarray(flows), times)
    return _finite(value, f"rate {rate!r}")


def irr(
    cash_flows: Values, dates: Iterable[DateLike] | None = None, *, guess: float = 0.1
) -> float:
    r"""Internal rate of return: the rate at which the NPV is zero.

    Parameters
    ----------
    cash_flows : iterable of float
        Net flows in euros, period 0 first; at least one positive and one
        negative flow.
    dates : iterable of date, datetime or Excel serial number, optional
        One date per flow; with dates the result follows Excel's ``XIRR``
        (an annual rate over 365-day years).
    guess : float, keyword-only
        Where the search starts (Excel's *guess*, 10 % by default). When the
        flows have several IRRs the one Newton's method reaches from the guess
        is returned, as in Excel; when Newton fails, the root nearest the guess.

    Returns
    -------
    float
        The rate per period as a fraction.

    Raises
    ------
    NoSolutionError
        When the flows never change sign, or no rate gives a zero NPV
        (Excel: ``#NUM!``).

    Notes
    -----
    Solves :math:`\sum_t cf_t (1 + r)^{-t} = 0` by Newton's method from the
    guess; if that fails, scans a grid of rates from -100 % + 1e-12 to 10^8 %
    for a sign change and refines the bracket nearest the guess with
    safeguarded Newton (bisection when a step leaves the bracket). This
    converges in cases where Excel's ``IRR`` needs a guess, and costs about
    half a millisecond for 1 000 periods (numpy-financial solves a polynomial:
    over a second; see ``benchmarks/bench_metrics.py``).

    Native Excel formula: ``=IRR(flows)`` or ``=XIRR(flows, dates)``.

    Examples
    --------
    >>> round(irr([-50_000, 25_000, 25_000, 25_000]), 6)
    0.233752
    >>> round(irr([-100, 39, 59, 55, 20]), 5)  # numpy-financial's doc example
    0.28095
    """
    flows = np.asarray(_flows(cash_flows))
    times = _times(flows.tolist(), dates)
    if not (flows > 0).any() or not (flows < 0).any():
        raise NoSolutionError(
            "cash_flows: an IRR needs at least one positive and one negative flow",
            excel_error="#NUM!",
            reason="irr_one_sign",
        )
    guess = _check_rate(guess, "guess")
    found = newton(flows, times, guess)
    if found is None:
        found = bracketed(flows, times, guess)
    if found is None:
        raise NoSolutionError(
            "cash_flows: no rate makes the NPV zero", excel_error="#NUM!", reason="irr_no_root"
        )
    return found


def payback(cash_flows: Values, rate: float | None = None) -> float:
    r"""Payback period: periods until the cumulative flow first reaches zero.

    Parameters
    ----------
    cash_flows : iterable of float
        Net flows in euros, period 0 first.
    rate : float, optional
        Discount rate per period. Given, the flows are discounted first
        (discounted payback).

    Returns
    -------
    float
        Periods (years for yearly flows), interpolated linearly inside the
        first period in which the cumulative flow goes from negative to zero
        or above; ``0.0`` when the cumulative flow is never negative.

    Raises
    ------
    NoSolutionError
        When the cumulative flow goes negative and never gets back to zero
        within the flows given (Excel: ``#N/A``).

    Notes
    -----
    With :math:`C_k = \sum_{t \le k} cf_t` and :math:`k` the first period with
    :math:`C_{k-1} < 0 \le C_k`:

    .. math:: payback = (k - 1) + \frac{-C_{k-1}}{cf_k}

    A period-0 flow of zero (no set-up fee, costs from period 1) is not a
    payback at 0: ``[0, -100, 60, 60]`` pays back at 2.67, as the Excel row
    below says.

    Native Excel: a cumulative-flow row and, per year column,
    ``=IF(AND(prev_cum<0, cum>=0), prev_year - prev_cum/flow, "")``; the result
    is the ``MIN`` of that row.

    Examples
    --------
    The design contract's case:

    >>> round(payback([-100, 30, 40, 50]), 10)
    2.6

    Discounted at 10 %, the same flows never pay back; a fifth year does:

    >>> round(payback([-100, 30, 40, 50, 60], rate=0.1), 4)
    3.0513
    """
    flows = _flows(cash_flows)
    if rate is not None:
        rate = _check_rate(rate)
        try:  # (1 + rate) ** -t underflows to 0 for a huge rate, overflows near -100 %
            flows = [cf * (1.0 + rate) ** -t for t, cf in enumerate(flows)]
        except OverflowError:
            raise CalcError(
                f"rate: discounting at {rate!r} overflows", excel_error="#NUM!"
            ) from None
    cumulative = 0.0
    went_negative = False
    for period, flow in enumerate(flows):
        previous = cumulative
        cumulative = previous + flow
        if cumulative < 0:
            went_negative = True
        elif previous < 0:  # back from below zero: the payback is in this period
            return (period - 1) + (-previous / flow)
    if not went_negative:
        return 0.0
    raise NoSolutionError(
        "cash_flows: the cumulative flow never reaches zero within the periods given",
        excel_error="#N/A",
        reason="never_paid_back",
    )


def clv(
    margin: Values,
    retention_rate: float,
    discount_rate: float = 0.0,
    periods: int | None = None,
) -> float:
    r"""Customer lifetime value: discounted margin of a customer over its life.

    Parameters
    ----------
    margin : float or iterable of float
        Gross margin per customer per period, in euros (summed if several).
    retention_rate : float
        Share of customers kept from one period to the next, in [0, 1].
    discount_rate : float, default 0
        Discount rate per period (above -1).
    periods : int, optional
        Number of periods counted; without it, the customer's whole
        (geometric) life.

    Returns
    -------
    float
        The CLV in euros.

    Raises
    ------
    DivisionByZeroError
        Without periods, when ``1 + discount_rate - retention_rate`` is zero.
    NoSolutionError
        Without periods, when the series diverges (retention above
        ``1 + discount_rate``; Excel: ``#NUM!``).

    Notes
    -----
    .. math:: CLV = \sum_{t=1}^{T} \frac{m\, r^{t-1}}{(1+d)^t}
              = m \frac{1 - \left(\frac{r}{1+d}\right)^T}{1 + d - r},
              \qquad CLV_{T=\infty} = \frac{m}{1 + d - r}

    Native Excel formula: ``=m*(1-(r/(1+d))^T)/(1+d-r)``, or ``=m/(1+d-r)``.

    Examples
    --------
    A customer brings 1 200 EUR of margin a year, 80 % are kept each year,
    at 10 %:

    >>> round(clv(1_200, 0.8, 0.1), 2)
    4000.0
    >>> round(clv(1_200, 0.8, 0.1, periods=3), 2)
    2461.31
    """
    m = sum_of(margin, "margin")
    r = as_number(retention_rate, "retention_rate")
    if not 0 <= r <= 1:
        raise InputError(
            f"retention_rate must be between 0 and 100 %, got {r!r}", excel_error="#NUM!"
        )
    d = _check_rate(discount_rate, "discount_rate")
    denominator = 1.0 + d - r
    if periods is None:
        if denominator == 0:
            raise DivisionByZeroError(
                "1 + discount_rate - retention_rate is zero: the CLV is infinite",
                reason="clv_infinite",
            )
        if denominator < 0:
            raise NoSolutionError(
                "retention_rate above 1 + discount_rate: the CLV diverges",
                excel_error="#NUM!",
                reason="clv_infinite",
            )
        return m / denominator
    count = as_number(periods, "periods")
    if count < 0 or count != int(count):
        raise InputError(
            f"periods must be a whole number of periods, got {periods!r}", excel_error="#NUM!"
        )
    if denominator == 0:  # r = 1 + d: every term is m / (1 + d)
        return _finite(m * count / (1.0 + d), "periods")
    try:  # r / (1 + d) above 1 (a negative discount rate) can overflow
        value = m * (1.0 - (r / (1.0 + d)) ** count) / denominator
    except OverflowError:
        value = math.inf
    return _finite(value, "periods")
