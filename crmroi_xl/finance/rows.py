r"""The yearly metrics over many rows at once: NPV, ROI, payback and IRR as numpy arrays.

Each function follows the rule of its scalar twin in :mod:`crmroi_xl.finance.metrics`
(``npv``'s period 0 undiscounted, ``payback``'s linear interpolation, ``irr``'s
Newton from 10 % then its bracketed search), for every row of a ``rows x
years`` array together, and gives ``NaN`` where the metric is undefined
instead of raising. :mod:`crmroi_xl.engine.yearly` (the one yearly model) calls
them for one row or many: about a microsecond a row
(``benchmarks/bench_simulate.py``).

>>> import numpy as np
>>> flows = np.array([[-50_000.0, 25_000, 25_000, 25_000], [-50_000.0, 20_000, 20_000, 20_000]])
>>> np.round(npv_rows(0.10, flows), 2).tolist(), np.round(irr_rows(flows), 6).tolist()
([12171.3, -262.96], [0.233752, 0.09701])
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from ..errors import CrmRoiError
from . import metrics, roots

__all__ = [
    "GUESS",
    "Array",
    "irr_rows",
    "npv_rows",
    "payback_rows",
    "roi_rows",
    "sum_rows",
]

Array = NDArray[np.float64]

#: Excel's and :func:`crmroi_xl.finance.metrics.irr`'s starting rate.
GUESS = 0.1
#: The grid metrics.irr scans when Newton's method fails (roots.BRACKET_GRID), and
#: its intervals in the order it tries them (nearest the guess first).
_GRID = roots.BRACKET_GRID
_ORDER = np.array(
    sorted(
        range(len(_GRID) - 1),
        key=lambda i: min(abs(_GRID[i] - GUESS), abs(_GRID[i + 1] - GUESS)),
    )
)


def sum_rows(values: Array) -> Array:
    """Each row's sum, correctly rounded: what :func:`math.fsum` gives, for many rows at once.

    A total carries no noise from the order its terms were added in: 0.1 + 0.2 +
    0.3 is 0.6, where adding left to right gives 0.6000000000000001 (and a CRM's
    yearly benefits 477 115.430 400 000 07 for 477 115.4304). The rows are added together with compensated sums
    (Ogita, Rump and Oishi's *Sum2*: as if in twice the precision, then rounded
    once), so a row costs nanoseconds; the rare row whose compensated total might
    still round the other way (what adding the errors lost reaches the rounding
    boundary) is added again with :func:`math.fsum`.

    >>> sum_rows(np.array([[0.1, 0.2, 0.3], [1e16, 1.0, -1e16]])).tolist()
    [0.6, 1.0]
    >>> np.array([[0.1, 0.2, 0.3], [1e16, 1.0, -1e16]]).sum(axis=1).tolist()
    [0.6000000000000001, 0.0]
    """
    values = np.atleast_2d(np.asarray(values, dtype=np.float64))
    rows = values.shape[0]
    high, low, lost = np.zeros(rows), np.zeros(rows), np.zeros(rows)
    with np.errstate(invalid="ignore", over="ignore"):
        for column in values.T:
            high, error = _two_sum(high, column)  # high + error is exactly the old high + column
            low, slip = _two_sum(low, error)  # the errors' sum, and what rounding it lost
            lost += np.abs(slip)
        total, residual = _two_sum(high, low)  # exact sum = total + residual ± what was lost
        bound = 2 * lost  # |what was lost|, with room for the rounding of ``lost``
        size = np.abs(total)
        up = np.spacing(size)
        gap = np.minimum(up, np.where(size > 0, size - np.nextafter(size, 0), up))  # next float
        finite = np.isfinite(total) & np.isfinite(bound)
        # Nothing lost: total is high + low rounded once, ties to even, as fsum rounds.
        doubtful = finite & (bound > 0) & ~(np.abs(residual) + bound < gap / 2)
    for row in np.flatnonzero(doubtful):
        total[row] = math.fsum(values[row])
    total[~finite] = values[~finite].sum(axis=1)  # inf, -inf or NaN as numpy adds them
    return total


def _two_sum(a: Array, b: Array) -> tuple[Array, Array]:
    """``a + b`` rounded, and its rounding error exactly (Knuth's TwoSum)."""
    total = a + b
    step = total - a
    return total, (a - (total - step)) + (b - step)


def npv_rows(rate: float, flows: Array) -> Array:
    r"""NPV of each row, the first column being period 0 (undiscounted); the present
    values are added exactly (:func:`sum_rows`).

    .. math:: NPV_r = \sum_t cf_{r,t} (1 + rate)^{-t}

    >>> np.round(npv_rows(0.10, np.array([[-50_000.0, 25_000, 25_000, 25_000]])), 2).tolist()
    [12171.3]
    """
    flows = np.atleast_2d(flows)
    factors = 1.0 / (1.0 + rate) ** np.arange(flows.shape[1])
    return sum_rows(flows * factors)


def roi_rows(total_benefits: Array, total_costs: Array) -> Array:
    """ROI of each row, (benefits - costs) / costs; NaN where the costs are zero (or it overflows).

    >>> roi_rows(np.array([200_000.0, 1.0]), np.array([50_000.0, 0.0])).tolist()
    [3.0, nan]
    """
    total_benefits, total_costs = np.asarray(total_benefits), np.asarray(total_costs)
    with np.errstate(all="ignore"):
        ratio = (total_benefits - total_costs) / total_costs
    return np.where(np.isfinite(ratio), ratio, np.nan)


def payback_rows(flows: Array) -> Array:
    r"""Payback of each row: :func:`crmroi_xl.finance.metrics.payback`'s rule, NaN where never reached.

    With :math:`C_k` the cumulative flow and :math:`k` the first period where
    :math:`C_{k-1} < 0 \le C_k` (:math:`C_{-1} = 0`), the payback is
    :math:`(k - 1) + (-C_{k-1}) / cf_k`; 0 when the cumulative flow is never
    negative.

    >>> payback_rows(np.array([[-100.0, 30, 40, 50], [0, -100, 60, 60], [5, 1, 1, 1],
    ...                        [-100, 10, 10, 10]])).round(4).tolist()
    [2.6, 2.6667, 0.0, nan]
    """
    flows = np.atleast_2d(flows)
    # year by year over a years x runs copy: numpy reduces a short last axis (a few
    # years) row by row, some six times slower than adding whole year columns; the
    # sums are the same, in the same order, bit for bit
    columns = np.ascontiguousarray(flows.T)
    result = np.full(flows.shape[0], np.nan)
    pending = np.ones(flows.shape[0], dtype=bool)  # no crossing found yet
    negative = np.zeros(flows.shape[0], dtype=bool)  # the cumulative flow went below 0
    previous = np.zeros(flows.shape[0])
    # np.where divides in every run, crossing or not: a tiny flow elsewhere may overflow
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for t, flow in enumerate(columns):
            cumulative = previous + flow
            crossing = pending & (previous < 0) & (cumulative >= 0)
            if crossing.any():
                result = np.where(crossing, (t - 1) + (-previous / flow), result)
                pending &= ~crossing
            negative |= cumulative < 0
            previous = cumulative
    return np.where(pending & ~negative, 0.0, result)


def _npv_and_slope(rates: Array, flows: Array) -> tuple[Array, Array, Array]:
    """NPV of each row at its rate, the derivative, and the discounted flows' sizes.

    Called under ``np.errstate(all="ignore")``: near -100 % or at huge rates
    the terms overflow or underflow, which the callers test for.
    """
    times = np.arange(flows.shape[1])
    discounted = flows * np.exp(-times * np.log1p(rates)[:, None])
    value = discounted.sum(axis=1)
    slope = -(times * discounted).sum(axis=1) / (1.0 + rates)
    return value, slope, np.abs(discounted)


def _is_root(rates: Array, flows: Array) -> NDArray[np.bool_]:
    """|NPV| is rounding noise at each row's rate (metrics.irr's test, row by row)."""
    times = np.arange(flows.shape[1])
    value, _, sizes = _npv_and_slope(rates, flows)
    steepness = (times * sizes).sum(axis=1) / (1.0 + rates)
    noise = 1e-9 * sizes.sum(axis=1) + 4 * np.spacing(np.abs(rates)) * steepness
    return np.asarray(np.abs(value) <= noise)


def irr_rows(flows: Array) -> Array:
    """IRR of each row, as :func:`crmroi_xl.finance.metrics.irr` finds it; NaN where there is none.

    Newton's method from 10 % runs on every row at once (50 steps at most,
    halving a step that would cross -100 %). Rows where it fails get
    metrics.irr's fallback, also across rows: the grid interval nearest the
    guess where the NPV changes sign, refined by Newton safeguarded with
    bisection. A row whose refined rate is still not a root (a second
    interval would be needed: never seen on a CRM case) is solved by
    :func:`crmroi_xl.finance.metrics.irr` itself.

    >>> irr_rows(np.array([[-100.0, 39, 59, 55, 20], [100.0, 200, 0, 0, 0]])).round(5).tolist()
    [0.28095, nan]
    """
    flows = np.atleast_2d(np.asarray(flows, dtype=float))
    with np.errstate(all="ignore"):
        return _solve(flows)


def _solve(flows: Array) -> Array:
    result = np.full(flows.shape[0], np.nan)
    solvable = (flows > 0).any(axis=1) & (flows < 0).any(axis=1)
    rows = np.flatnonzero(solvable)
    found = _newton(flows[rows])
    result[rows] = found
    failed = rows[np.isnan(found)]
    if failed.size:
        rescued, unsure = _bracketed(flows[failed])
        result[failed] = rescued
        for row in failed[unsure]:
            try:
                result[row] = metrics.irr(flows[row].tolist())
            except CrmRoiError:
                result[row] = np.nan
    return result


def _newton(flows: Array) -> Array:
    """metrics.irr's Newton steps from the guess on every row; NaN where they fail.

    Lean on purpose (a few rows cost as much as thousands: numpy's per-call
    overhead): a row whose NPV or slope is not finite, or whose slope is 0,
    gets a non-finite step and leaves, as metrics.irr gives up on it.
    """
    result = np.full(flows.shape[0], np.nan)
    active = np.arange(flows.shape[0])
    rate = np.full(flows.shape[0], GUESS)
    backwards = -np.arange(flows.shape[1], dtype=float)
    sums = np.stack([np.ones(flows.shape[1]), backwards], axis=1)  # value and t-weighted sum
    for _ in range(50):
        value, weighted = (flows * np.exp(np.multiply.outer(np.log1p(rate), backwards)) @ sums).T
        slope = weighted / (1.0 + rate)
        step = value / slope
        if not (usable := np.isfinite(step + slope)).all():
            active, rate, step, flows = active[usable], rate[usable], step[usable], flows[usable]
        new_rate = rate - step
        while (outside := new_rate <= -1).any():  # stay in the domain: halve the step
            step = np.where(outside, step / 2, step)
            new_rate = rate - step
        done = np.abs(new_rate - rate) <= 1e-12 * np.maximum(1.0, np.abs(rate))
        if done.any():
            roots = new_rate[done]
            result[active[done]] = np.where(_is_root(roots, flows[done]), roots, np.nan)
            active, new_rate, flows = active[~done], new_rate[~done], flows[~done]
        if not active.size:
            break
        rate = new_rate
    return result


def _bracketed(flows: Array) -> tuple[Array, NDArray[np.bool_]]:
    """The root in the first grid interval (nearest the guess) where the NPV changes sign.

    Also says which rows had such an interval whose refined rate is not a root:
    metrics.irr would go on to the next interval.
    """
    n = flows.shape[0]
    values = np.stack([_npv_and_slope(np.full(n, r), flows)[0] for r in _GRID], axis=1)
    lo_v, hi_v = values[:, _ORDER], values[:, _ORDER + 1]
    change = np.isfinite(lo_v) & np.isfinite(hi_v) & ((lo_v == 0) | ((lo_v < 0) != (hi_v < 0)))
    has = change.any(axis=1)
    first = _ORDER[change.argmax(axis=1)]
    result, unsure = np.full(n, np.nan), np.zeros(n, dtype=bool)
    rows = np.flatnonzero(has)
    if rows.size:
        roots = _safeguarded_newton(
            flows[rows], _GRID[first[rows]], _GRID[first[rows] + 1], values[rows, first[rows]]
        )
        good = _is_root(roots, flows[rows])
        result[rows[good]] = roots[good]
        unsure[rows[~good]] = True
    return result, unsure


def _safeguarded_newton(flows: Array, lo: Array, hi: Array, lo_value: Array) -> Array:
    """metrics.irr's bracket refinement, row by row in lockstep (see its docstring)."""
    lo, hi, lo_value = lo.copy(), hi.copy(), lo_value.copy()
    hi_value = np.full(lo.shape, np.nan)
    result = np.where(lo_value == 0, lo, np.nan)
    active = np.flatnonzero(lo_value != 0)
    rate = (lo + hi) / 2
    for _ in range(200):
        if not active.size:
            break
        value, slope, _ = _npv_and_slope(rate[active], flows[active])
        exact = value == 0
        result[active[exact]] = rate[active[exact]]
        same_side = (value < 0) == (lo_value[active] < 0)
        a_lo, a_hi = active[same_side & ~exact], active[~same_side & ~exact]
        lo[a_lo], lo_value[a_lo] = rate[a_lo], value[same_side & ~exact]
        hi[a_hi], hi_value[a_hi] = rate[a_hi], value[~same_side & ~exact]
        newton = np.where(slope != 0, rate[active] - value / slope, np.nan)
        current = rate[active]
        converged = ~exact & (np.abs(newton - current) <= 4e-16 * np.maximum(1.0, np.abs(current)))
        result[active[converged]] = current[converged]
        inside = (lo[active] < newton) & (newton < hi[active])
        rate[active] = np.where(inside, newton, (lo[active] + hi[active]) / 2)
        stuck = ~exact & ~converged & ((rate[active] == lo[active]) | (rate[active] == hi[active]))
        s = active[stuck]
        result[s] = np.where(np.abs(hi_value[s]) < np.abs(lo_value[s]), hi[s], lo[s])
        active = active[~(exact | converged | stuck)]
    result[active] = rate[active]
    return result
