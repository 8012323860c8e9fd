r"""The one yearly model: yearly costs and benefits to net flow, present values and metrics.

This is the only place where a scenario's yearly flows become its net flow,
present values, NPV, ROI, payback and IRR -- for the base case (``compute``
evaluates one row), the sensitivity cases, the tornado and the break-even (a
row each) and the Monte Carlo (thousands of rows at once). The workbook's
yearly block shows the same cells (its cached values are this module's
output, through ``compute``), and its native formulas follow the same rules:

.. math::

    net_{r,t} = benefits_{r,t} - costs_{r,t} \qquad
    PV_{r,t} = net_{r,t} \, (1 + rate)^{-t} \qquad
    NPV_r = \sum_t PV_{r,t}

    ROI_r = \frac{\sum_t benefits_{r,t} - \sum_t costs_{r,t}}{\sum_t costs_{r,t}}

with year 0 undiscounted and every sum over the years exact, correctly rounded once
(:func:`~crmroi_xl.finance.rows.sum_rows`, as :func:`math.fsum`); payback (on the net flow, and on the present values
for the discounted payback) and IRR by the rules of
:mod:`crmroi_xl.finance.metrics`, applied to all rows together
(:mod:`crmroi_xl.finance.rows`). Where a metric is undefined the row holds
``NaN`` (``compute`` then asks the metric why).

>>> out = evaluate([[50_000.0, 0, 0, 0]], [[0.0, 25_000, 25_000, 25_000]], 0.10)
>>> round(float(out.npv[0]), 2), round(float(out.irr[0]), 6), float(out.roi[0])
(12171.3, 0.233752, 0.5)
>>> out.net_flow.tolist(), out.cumulative_flow[0, -1]
([[-50000.0, 25000.0, 25000.0, 25000.0]], np.float64(25000.0))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..finance.rows import Array, irr_rows, payback_rows, roi_rows, sum_rows

__all__ = ["Books", "Yearly", "books", "evaluate"]


@dataclass(frozen=True)
class Yearly:
    """The yearly rows and metrics of each evaluated row (a case, a variant, a run).

    Yearly arrays are ``rows x years`` (year 0 first; ``discount_factors`` is one
    row of years); the totals and metrics have one value a row, ``NaN`` where a
    metric is undefined; ``irr`` is None when not asked for.
    """

    costs: Array
    benefits: Array
    net_flow: Array
    cumulative_flow: Array
    discount_factors: Array
    present_values: Array
    cumulative_present_values: Array
    total_costs: Array
    total_benefits: Array
    pv_costs: Array
    pv_benefits: Array
    npv: Array
    roi: Array
    roi_pv: Array
    payback: Array
    discounted_payback: Array
    irr: Array | None


def evaluate(
    costs: ArrayLike, benefits: ArrayLike, rate: float, *, with_irr: bool = True
) -> Yearly:
    """Net flow, present values and metrics of each row of yearly ``costs`` and
    ``benefits`` (``rows x years``, in the scenario's currency) at the yearly
    discount ``rate`` (a fraction); ``with_irr``: also solve each row's IRR (the
    slowest part).

    The base case and a variant whose costs are 20 % higher, at 0 %:

    >>> out = evaluate([[100.0, 0, 0, 0], [120.0, 0, 0, 0]], [[0, 30.0, 40.0, 50.0]] * 2, 0.0)
    >>> np.round(out.payback, 10).tolist(), np.round(out.roi, 4).tolist()
    ([2.6, 3.0], [0.2, 0.0])
    """
    costs = np.atleast_2d(np.asarray(costs, dtype=np.float64))
    benefits = np.atleast_2d(np.asarray(benefits, dtype=np.float64))
    net = benefits - costs
    factors = 1.0 / (1.0 + rate) ** np.arange(net.shape[1])
    present = net * factors
    totals = sum_rows(costs), sum_rows(benefits)  # exact sums: no noise from the order
    pv = sum_rows(costs * factors), sum_rows(benefits * factors)
    return Yearly(
        costs=costs,
        benefits=benefits,
        net_flow=net,
        cumulative_flow=np.cumsum(net, axis=1),
        discount_factors=factors,
        present_values=present,
        cumulative_present_values=np.cumsum(present, axis=1),
        total_costs=totals[0],
        total_benefits=totals[1],
        pv_costs=pv[0],
        pv_benefits=pv[1],
        npv=sum_rows(present),
        roi=roi_rows(totals[1], totals[0]),
        roi_pv=roi_rows(pv[1], pv[0]),
        payback=payback_rows(net),
        discounted_payback=payback_rows(present),
        irr=irr_rows(net) if with_irr else None,
    )


@dataclass(frozen=True)
class Books:
    """The P&L impact and the after-tax view of each evaluated row (``rows x years``):
    ``ebitda`` (benefits - expensed costs), ``depreciation``, ``ebit``, ``tax``,
    ``net_income``, and ``after_tax``: the yearly model on the after-tax flows."""

    ebitda: Array
    depreciation: Array
    ebit: Array
    tax: Array
    net_income: Array
    after_tax: Yearly


def books(
    costs: ArrayLike,
    benefits: ArrayLike,
    capitalised: ArrayLike,
    depreciation: ArrayLike,
    tax_rate: float,
    rate: float,
    *,
    with_irr: bool = True,
) -> Books:
    r"""The P&L and the after-tax flows of rows of yearly ``costs`` and ``benefits`` (cash,
    as :func:`evaluate` takes them), of which ``capitalised`` (one-offs paid, cash) are
    expensed through their ``depreciation``, at the corporate ``tax_rate``:

    .. math::

        EBITDA_t = benefits_t - (costs_t - capitalised_t) \qquad
        EBIT_t = EBITDA_t - depreciation_t

        tax_t = tax\_rate \times EBIT_t \qquad
        after\_tax_t = benefits_t - costs_t - tax_t

    A negative EBIT gives a tax saving that year (the company is assumed profitable
    overall, as capital budgeting does). The after-tax flows go through the one
    yearly model as benefits net of tax (:func:`evaluate`): the after-tax ROI is the
    after-tax net benefit over the costs.

    A 30 000 set-up depreciated over 3 years, 20 000 of benefits a year, tax 25 %:
    EBIT 10 000 a year, tax 2 500, after-tax flow 17 500.

    >>> out = books([[30_000.0, 0, 0, 0]], [[0.0, 20_000, 20_000, 20_000]],
    ...             [[30_000.0, 0, 0, 0]], [[0.0, 10_000, 10_000, 10_000]], 0.25, 0.0)
    >>> out.tax.tolist(), out.after_tax.net_flow.tolist(), float(out.after_tax.npv[0])
    ([[0.0, 2500.0, 2500.0, 2500.0]], [[-30000.0, 17500.0, 17500.0, 17500.0]], 22500.0)
    """
    costs = np.atleast_2d(np.asarray(costs, dtype=np.float64))
    benefits = np.atleast_2d(np.asarray(benefits, dtype=np.float64))
    capitalised = np.atleast_2d(np.asarray(capitalised, dtype=np.float64))
    depreciation = np.atleast_2d(np.asarray(depreciation, dtype=np.float64))
    ebitda = benefits - (costs - capitalised)
    ebit = ebitda - depreciation
    tax = tax_rate * ebit
    return Books(
        ebitda=ebitda,
        depreciation=depreciation,
        ebit=ebit,
        tax=tax,
        net_income=ebit - tax,
        after_tax=evaluate(costs, benefits - tax, rate, with_irr=with_irr),
    )
