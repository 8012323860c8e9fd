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

__all__ = ["Yearly", "evaluate"]


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
