"""Finding the IRR: the rate at which a series of cash flows' NPV is zero.

:func:`crmroi_xl.finance.metrics.irr` starts Newton's method from a guess; when it
fails (no convergence, or it leaves the domain above -100 %), it scans
:data:`BRACKET_GRID` outward from the guess for an interval where the NPV
changes sign and runs a safeguarded Newton inside it. A rate is a root only
when the NPV there is rounding noise (:func:`is_root`). Flows are weighted by
``(1 + rate)^-t`` with ``t`` in periods (or in years of 365 days from dates).

>>> import numpy as np
>>> flows, times = np.array([-100.0, 60.0, 60.0]), np.arange(3.0)
>>> round(newton(flows, times, 0.1), 6)
0.130662
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "BRACKET_GRID",
    "SEARCH_STEPS",
    "GridSearch",
    "bracketed",
    "grid_search",
    "is_root",
    "newton",
    "npv_and_slope",
    "npv_at",
    "safeguarded_newton",
]


def npv_and_slope(rate: float, flows: np.ndarray, times: np.ndarray) -> tuple[float, float]:
    """NPV at ``rate`` and its derivative with respect to the rate."""
    with np.errstate(over="ignore", invalid="ignore"):
        discounted = flows * np.exp(-times * math.log1p(rate))
        value = float(discounted.sum())
        slope = float(-(times * discounted).sum() / (1.0 + rate))
    return value, slope


#: Rates tried, in order of distance from the guess, when Newton's method fails.
#: It reaches -100 % + 1e-12: [-1 000, -10 000, 1] has its IRR at -99.990001 %.
BRACKET_GRID = np.array(
    [
        -1 + 1e-12,
        -1 + 1e-9,
        -1 + 1e-6,
        -0.99999,
        -0.9999,
        -0.999,
        -0.99,
        -0.95,
        -0.9,
        -0.8,
        -0.7,
        -0.6,
        -0.5,
        -0.4,
        -0.3,
        -0.2,
        -0.15,
        -0.1,
        -0.05,
        -0.02,
        0.0,
        0.02,
        0.05,
        0.1,
        0.15,
        0.2,
        0.3,
        0.4,
        0.5,
        0.75,
        1.0,
        1.5,
        2.0,
        3.0,
        5.0,
        10.0,
        20.0,
        50.0,
        100.0,
        1e3,
        1e4,
        1e6,
    ]
)


def is_root(rate: float, flows: np.ndarray, times: np.ndarray) -> bool:
    """|NPV| at ``rate`` is rounding noise.

    Noise is 1e-9 of the discounted flows' sizes (not of the raw flows: near
    -100 % the terms are huge), plus what a few float steps of the rate move
    the NPV by (near -100 %, ``1 + rate`` has few significant digits left).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        sizes = np.abs(flows * np.exp(-times * math.log1p(rate)))
        value, _ = npv_and_slope(rate, flows, times)
        steepness = float((times * sizes).sum()) / (1.0 + rate)
        noise = 1e-9 * float(sizes.sum()) + 4 * math.ulp(rate) * steepness
    return abs(value) <= noise


def newton(flows: np.ndarray, times: np.ndarray, rate: float) -> float | None:
    """Newton's method from ``rate``; None when it does not converge to a root."""
    for _ in range(50):
        value, slope = npv_and_slope(rate, flows, times)
        if not (math.isfinite(value) and math.isfinite(slope)) or slope == 0:
            return None
        step = value / slope
        new_rate = rate - step
        while new_rate <= -1:  # stay in the domain: halve the step
            step /= 2
            new_rate = rate - step
        if abs(new_rate - rate) <= 1e-12 * max(1.0, abs(rate)):
            return new_rate if is_root(new_rate, flows, times) else None
        rate = new_rate
    return None


def bracketed(flows: np.ndarray, times: np.ndarray, guess: float) -> float | None:
    """Root in the grid interval nearest the guess whose ends differ in sign.

    The NPV is evaluated lazily, interval by interval in order of distance from
    the guess, so a root near the guess costs a few evaluations, not the grid.
    """
    grid = [float(r) for r in BRACKET_GRID]
    known: dict[int, float] = {}

    def value_at(i: int) -> float:
        if i not in known:
            known[i] = npv_and_slope(grid[i], flows, times)[0]
        return known[i]

    def distance(i: int) -> float:
        return min(abs(grid[i] - guess), abs(grid[i + 1] - guess))

    for i in sorted(range(len(grid) - 1), key=distance):
        lo_v, hi_v = value_at(i), value_at(i + 1)
        sign_change = lo_v == 0 or (lo_v < 0) != (hi_v < 0)  # a product could underflow
        if math.isfinite(lo_v) and math.isfinite(hi_v) and sign_change:
            root = safeguarded_newton(flows, times, grid[i], grid[i + 1], lo_v)
            if is_root(root, flows, times):
                return root
    return None


def safeguarded_newton(
    flows: np.ndarray, times: np.ndarray, lo: float, hi: float, lo_value: float
) -> float:
    """Root of the NPV inside [lo, hi], where the NPV changes sign.

    Stops when Newton's step or the bracket is down to float resolution (near
    -100 % a bracket of relative width 1e-13 still leaves a visible NPV).
    """
    if lo_value == 0:
        return lo
    hi_value = math.nan  # not evaluated yet
    rate = (lo + hi) / 2
    for _ in range(200):
        value, slope = npv_and_slope(rate, flows, times)
        if value == 0:
            return rate
        if (value < 0) == (lo_value < 0):
            lo, lo_value = rate, value
        else:
            hi, hi_value = rate, value
        newton = rate - value / slope if slope else math.nan
        if abs(newton - rate) <= 4e-16 * max(1.0, abs(rate)):
            return rate  # Newton has converged
        rate = newton if lo < newton < hi else (lo + hi) / 2
        if rate in (lo, hi):  # the bracket is two adjacent floats
            return hi if abs(hi_value) < abs(lo_value) else lo
    return rate


#: Halvings of the bracket a spreadsheet makes before its ``IRR`` polishes the root:
#: 2^-30 of the widest bracket ([10^4, 10^6]) is within 0.002 of the root, from
#: where Newton's method converges to it.
SEARCH_STEPS = 30


@dataclass(frozen=True)
class GridSearch:
    """How a spreadsheet locates the IRR without a guess: the NPV's sign on
    :data:`BRACKET_GRID` (``True`` where the NPV is >= 0), the brackets where it changes,
    the one nearest the 10 % guess, and :data:`SEARCH_STEPS` halvings of it
    (``steps[k]`` = (low, high, middle, NPV >= 0 at the middle)).

    The workbook computes the same cells natively; ``roots`` > 1 means the flows have
    several IRRs (as far as the grid separates them).
    """

    signs: tuple[bool, ...]
    distances: tuple[float | None, ...]  # per bracket: distance to the guess if it changes
    chosen: int | None  # the bracket nearest the guess (the first on ties)
    steps: tuple[tuple[float, float, float, bool], ...]

    @property
    def roots(self) -> int:
        """Brackets of the grid in which the NPV changes sign."""
        return sum(d is not None for d in self.distances)

    @property
    def start(self) -> float | None:
        """The last middle of the halvings: where the spreadsheet's IRR starts."""
        return self.steps[-1][2] if self.steps else None


def npv_at(rate: float, flows: np.ndarray) -> float:
    """NPV of yearly ``flows`` (year 0 first) at ``rate``, as a spreadsheet computes
    ``C + NPV(rate, D:M)``: each flow divided by (1 + rate)^t.

    >>> npv_at(0.25, np.array([-100.0, 125.0]))
    0.0
    """
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        powers = (1.0 + rate) ** np.arange(len(flows), dtype=float)
        return float(flows[0] + (flows[1:] / powers[1:]).sum())


def grid_search(flows: np.ndarray, guess: float = 0.1) -> GridSearch:
    """The spreadsheet's search for the IRR of yearly ``flows`` (see :class:`GridSearch`).

    Flows with one IRR at 13.0662 %: one bracket, [10 %, 15 %], halved 30 times.

    >>> found = grid_search(np.array([-100.0, 60.0, 60.0]))
    >>> found.roots, found.chosen, round(found.start, 6)
    (1, 23, 0.130662)
    """
    grid = [float(r) for r in BRACKET_GRID]
    signs = tuple(npv_at(rate, flows) >= 0 for rate in grid)
    distances = tuple(
        min(abs(grid[k] - guess), abs(grid[k + 1] - guess)) if signs[k] != signs[k + 1] else None
        for k in range(len(grid) - 1)
    )
    found = [d for d in distances if d is not None]
    if not found:
        return GridSearch(signs, distances, None, ())
    chosen = distances.index(min(found))
    low, high, low_sign = grid[chosen], grid[chosen + 1], signs[chosen]
    steps = []
    for _ in range(SEARCH_STEPS):
        middle = (low + high) / 2
        sign = npv_at(middle, flows) >= 0
        steps.append((low, high, middle, sign))
        if sign == low_sign:
            low = middle
        else:
            high = middle
    return GridSearch(signs, distances, chosen, tuple(steps))
