r"""Choosing between two options: the incremental flows, NPV and IRR of B over A.

Comparing a CRM option B with an option A (another vendor, or the status quo)
is the business case of the *difference*: what B brings in each period beyond
what A does. Its NPV says by how much B is worth more than A at the discount
rate; its IRR is the return on the extra money B needs. When options differ in
size or timing, NPV and IRR may rank them differently (the classic scale and
reinvestment effects): trust the NPV, whose discounting is the method's.

.. math::

    \Delta cf_t = cf^B_t - cf^A_t \qquad
    \Delta NPV = \sum_t \Delta cf_t \, (1 + rate)^{-t} = NPV^B - NPV^A

Both series start at period 0 (today); a series shorter than the other holds 0
in the periods it does not reach.

Examples
--------
Vendor A costs 50 000 today and returns 25 000 a year for 3 years; vendor B
costs 80 000 and returns 37 000 a year. B's 30 000 more today buys 12 000 a year:

>>> a, b = [-50_000, 25_000, 25_000, 25_000], [-80_000, 37_000, 37_000, 37_000]
>>> incremental_flows(a, b)
[-30000.0, 12000.0, 12000.0, 12000.0]
>>> round(incremental_npv(0.10, a, b), 2), round(incremental_irr(a, b), 6)
(-157.78, 0.09701)
"""

from __future__ import annotations

from itertools import zip_longest

from ..errors import InputError
from .metrics import Values, as_numbers, irr, npv

__all__ = ["incremental_flows", "incremental_irr", "incremental_npv"]


def incremental_flows(flows_a: Values, flows_b: Values) -> list[float]:
    """B's flows less A's, period by period (period 0 first); the shorter series
    counts 0 past its end.

    Parameters
    ----------
    flows_a, flows_b : iterable of float
        Net cash flows of option A (the baseline) and option B, in euros, period 0
        first.

    Returns
    -------
    list of float
        ``flows_b[t] - flows_a[t]`` for every period of the longer series.

    Raises
    ------
    InputError
        When either series holds no flow, or a value that is not a finite number
        (Excel: ``#VALUE!``).

    >>> incremental_flows([-100, 60], [-150, 80, 40])
    [-50.0, 20.0, 40.0]
    """
    a, b = as_numbers(flows_a, "flows_a"), as_numbers(flows_b, "flows_b")
    for name, flows in (("flows_a", a), ("flows_b", b)):
        if not flows:
            raise InputError(f"{name}: at least one cash flow is needed")
    return [fb - fa for fa, fb in zip_longest(a, b, fillvalue=0.0)]


def incremental_npv(rate: float, flows_a: Values, flows_b: Values) -> float:
    r"""Incremental NPV of choosing B over A: :math:`NPV(rate, cf^B - cf^A)`, period 0
    undiscounted (so it equals ``npv(rate, flows_b) - npv(rate, flows_a)``).

    Parameters
    ----------
    rate : float
        Discount rate per period, a fraction above -100 %.
    flows_a, flows_b : iterable of float
        Net cash flows of A (the baseline) and B, in euros, period 0 first.

    Returns
    -------
    float
        In euros: positive when B is worth more than A at ``rate``.

    Native Excel formula: the difference of the two options' NPVs,
    ``=(B0+NPV(rate, B1:B5))-(A0+NPV(rate, A1:A5))`` (Excel's ``NPV`` discounts its
    first value, hence period 0 outside it).

    >>> incremental_npv(0.0, [-100, 60, 60], [-150, 90, 90])
    10.0
    """
    return npv(rate, incremental_flows(flows_a, flows_b))


def incremental_irr(flows_a: Values, flows_b: Values, *, guess: float = 0.1) -> float:
    """Incremental IRR of choosing B over A: the rate at which both options are worth
    the same (:func:`~crmroi_xl.finance.metrics.irr` of ``flows_b - flows_a``).

    Parameters
    ----------
    flows_a, flows_b : iterable of float
        Net cash flows of A (the baseline) and B, in euros, period 0 first.
    guess : float, keyword-only
        Where the search starts (10 % by default), as for ``irr``.

    Returns
    -------
    float
        The rate per period, a fraction: B's extra money earns this return.

    Raises
    ------
    NoSolutionError
        When the difference never changes sign (one option is better at every
        rate) or has no root (Excel: ``#NUM!``).

    >>> round(incremental_irr([-100, 60, 60], [-150, 90, 90]), 6)
    0.130662
    """
    return irr(incremental_flows(flows_a, flows_b), guess=guess)
