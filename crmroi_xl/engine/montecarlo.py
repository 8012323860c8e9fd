r"""Monte Carlo over the line ranges: how the NPV, ROI and payback spread.

Each run draws every uncertain line's multiplier on its ``[low, high]``
range, from the scenario's ``assumptions.distribution`` (mode 1, the base
amount), at the uniforms of a seeded rank-1 lattice that the workbook's
Simulation sheet computes too (:mod:`crmroi_xl.engine.lattice`: one draw in
each of the ``runs`` strata of every line, as a Latin hypercube), through the
distribution's inverse:

* ``pert`` (default): :math:`low + (high - low)\,X` with
  :math:`X \sim Beta(\alpha, \beta)`,
  :math:`\alpha = 1 + \lambda (1 - low) / (high - low)`,
  :math:`\beta = 1 + \lambda (high - 1) / (high - low)`, :math:`\lambda = 4`;
  its mean is :math:`(low + 4 + high) / 6`;
* ``triangular``: low, mode 1, high; mean :math:`(low + 1 + high) / 3`;
* ``uniform`` on ``[low, high]``.

A line whose range is ``[1, 1]`` is fixed (no draw). Then every run is
evaluated at once by :func:`crmroi_xl.engine.yearly.evaluate` on the engine's
per-line flows -- no call to ``compute`` per run.

The summary of each metric: mean, sample standard deviation (Excel's
``STDEV.S``), and the percentiles 5, 10, 50, 90, 95 interpolated as Excel's
``PERCENTILE.INC`` does, over the runs where the metric is defined
(``undefined_share`` says how many are not: a payback never reached, an ROI
without costs). The lattice's generators, offsets and shifts come from numpy's
PCG64 seeded with ``seed``: the same scenario, runs and seed give the same
numbers, bit for bit; ``simulate(scenario, runs=assumptions.workbook_runs)`` is
the workbook's simulation, run by run.

>>> from crmroi_xl.scenario.model import Scenario
>>> s = Scenario.model_validate({
...     "assumptions": {"name": "Seeds", "horizon_years": 1, "discount_rate": 0},
...     "costs": [{"label": "CRM", "category": "licences", "one_off": 50_000}],
...     "benefits": [{"label": "Gains", "category": "cost_reduction",
...                   "amount_per_year": 200_000, "low": 0.1, "high": 1.2}],
... })
>>> sim = simulate(s, runs=20_000, seed=1)
>>> sim.distribution, sim.runs, round(sim.npv.mean, -3)  # exact: 200 000 x 5.3/6 - 50 000
('pert', 20000, 127000.0)
>>> sim.probability.npv_positive > 0.99
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from ..finance.rows import Array
from ..scenario.fieldinfo import bounds
from ..scenario.model import Assumptions, Scenario, Targets
from .compute import compute
from .lattice import Lattice
from .results import Results
from .sensitivity import LineTable

__all__ = [
    "MAX_RUNS",
    "MAX_SEED",
    "MIN_RUNS",
    "PERCENTILES",
    "Probability",
    "Simulation",
    "Statistics",
    "draw_multipliers",
    "lattice_lines",
    "simulate",
    "target_shares",
]

#: The percentiles the summary gives.
PERCENTILES = (5, 10, 50, 90, 95)
#: Bounds of ``runs`` and ``seed``: the scenario's own (model.py), read from the model.
MIN_RUNS, MAX_RUNS = (int(b or 0) for b in bounds(Assumptions, "simulation_runs"))
MAX_SEED = int(bounds(Assumptions, "simulation_seed")[1] or 0)
#: Multipliers held in memory at once (runs x lines) -- about 16 MB.
CHUNK_CELLS = 2_000_000


@dataclass(frozen=True)
class Statistics:
    """One metric over the runs where it is defined; None where no run defines it."""

    mean: float | None
    std: float | None
    p5: float | None
    p10: float | None
    p50: float | None
    p90: float | None
    p95: float | None
    undefined_share: float

    @classmethod
    def of(cls, values: Array) -> Statistics:
        """Mean, sample standard deviation, percentiles of the defined (non-NaN) values.

        >>> Statistics.of(np.array([1.0, 2.0, 3.0, 4.0, np.nan])).p50
        2.5
        """
        defined = values[~np.isnan(values)]
        share = (values.size - defined.size) / values.size if values.size else 1.0
        if not defined.size:
            return cls(None, None, None, None, None, None, None, share)
        p5, p10, p50, p90, p95 = (float(v) for v in np.percentile(defined, PERCENTILES))
        if defined.min() == defined.max():  # no spread: exactly, not rounding noise
            return cls(float(defined[0]), 0.0, p5, p10, p50, p90, p95, share)
        std = float(defined.std(ddof=1))
        return cls(float(defined.mean()), std, p5, p10, p50, p90, p95, share)


@dataclass(frozen=True)
class Probability:
    """Shares of the runs with a positive NPV, a positive ROI, a payback within the
    horizon; with ``assumptions.targets``, a payback within the target months
    (``payback_target``), an NPV and an ROI at least their targets (``npv_target``,
    ``roi_target``): None where no target is set (and left out of the JSON)."""

    npv_positive: float
    roi_positive: float
    payback_within_horizon: float
    payback_target: float | None = None
    npv_target: float | None = None
    roi_target: float | None = None

    @property
    def shown(self) -> dict[str, float]:
        """The probabilities given, by name (a target not set is left out).

        >>> Probability(0.9, 0.8, 0.7, npv_target=0.5).shown
        {'npv_positive': 0.9, 'roi_positive': 0.8, 'payback_within_horizon': 0.7, 'npv_target': 0.5}
        """
        return {k: v for k, v in vars(self).items() if v is not None}


def target_shares(
    targets: Targets | None, npv: Array, roi: Array, payback: Array
) -> dict[str, float]:
    r"""The shares of the runs that reach each target set: :math:`P(payback \le
    months / 12)` (payback in years, a run never paid back misses it),
    :math:`P(NPV \ge npv)`, :math:`P(ROI \ge roi)` (a run without costs misses it);
    what the workbook computes with ``COUNTIF(runs, ">="&target) / runs``.

    >>> from crmroi_xl.scenario.model import Targets
    >>> target_shares(Targets(payback_months=18, npv=0), np.array([-1.0, 0.0, 5.0, 9.0]),
    ...     np.zeros(4), np.array([np.nan, 2.0, 1.5, 0.5]))
    {'payback_target': 0.5, 'npv_target': 0.75}
    """
    if targets is None:
        return {}
    hits = {  # NaN (never paid back, no costs) compares False
        "payback_months": lambda t: payback * 12 <= t,
        "npv": lambda t: npv >= t,
        "roi": lambda t: roi >= t,
    }
    names = {"payback_months": "payback_target", "npv": "npv_target", "roi": "roi_target"}
    with np.errstate(invalid="ignore"):
        return {names[k]: float(np.mean(hits[k](t))) for k, t in targets.given.items()}


@dataclass(frozen=True)
class Simulation:
    """The outcome of :func:`simulate`: its summary, and each run's NPV, ROI and payback.

    ``npv_runs``, ``roi_runs`` and ``payback_runs`` hold one value per run, in
    draw order (NaN where undefined): the histogram and the S-curve come from
    them. :meth:`summary` is what ``crmroi simulate --json`` prints.
    """

    runs: int
    seed: int
    distribution: str
    npv: Statistics
    roi: Statistics
    payback: Statistics
    probability: Probability
    name: str
    currency: str
    horizon_years: int
    npv_runs: Array
    roi_runs: Array
    payback_runs: Array
    multipliers: Array | None = None  # runs x uncertain lines, when asked for
    targets: dict[str, float] = field(default_factory=dict)  # assumptions.targets set

    def summary(self) -> dict[str, Any]:
        """``runs``, ``seed``, ``distribution``, the statistics and the probabilities (JSON-ready)."""
        return {
            "runs": self.runs,
            "seed": self.seed,
            "distribution": self.distribution,
            "npv": vars(self.npv),
            "roi": vars(self.roi),
            "payback": vars(self.payback),
            "probability": self.probability.shown,
        }

    def quantile_case(self, key: str) -> dict[str, float | None]:
        """The ``p10`` (downside) or ``p90`` (upside) case: each metric at its own
        percentile on that side -- the NPV's and the ROI's 10th (90th) percentile, the
        payback's 90th (10th), a run never paid back counting as the longest (None when
        that percentile is never reached). None where no run defines the metric.

        >>> sim = Simulation(100, 0, "pert", *(Statistics.of(np.zeros(1)),) * 3,
        ...     Probability(1, 1, 1), "x", "EUR", 3, np.arange(11.0), np.arange(11.0) / 10,
        ...     np.array([1.0] * 8 + [np.nan] * 3))
        >>> sim.quantile_case("p10")
        {'npv': 1.0, 'roi': 0.1, 'payback': None}
        >>> sim.quantile_case("p90")
        {'npv': 9.0, 'roi': 0.9, 'payback': 1.0}
        """
        q = {"p10": 10, "p90": 90}[key]
        roi = self.roi_runs[~np.isnan(self.roi_runs)]
        payback = np.sort(np.where(np.isnan(self.payback_runs), np.inf, self.payback_runs))
        at = (payback.size - 1) * (100 - q) / 100  # PERCENTILE's place, from 0
        low, high = payback[math.floor(at)], payback[math.ceil(at)]
        value = low + (high - low) * (at - math.floor(at)) if math.isfinite(high) else math.inf
        return {
            "npv": float(np.percentile(self.npv_runs, q)),
            "roi": float(np.percentile(roi, q)) if roi.size else None,
            "payback": float(value) if math.isfinite(value) else None,
        }

    def histogram(self, bins: int = 12) -> tuple[list[float], list[int]]:
        """The NPV's histogram: ``bins + 1`` edges in euros and the runs in each bin.

        When the runs fall on both sides of 0, one edge is exactly 0 (no bin mixes
        losses and gains): the bins are ``(max - min) / (bins - 1)`` wide, the first
        edge a whole number of widths below 0. Runs that differ by rounding only (a
        line with a range whose amounts are zero) get numpy's bins for equal runs, one
        euro wide around them: numpy refuses to split a range narrower than the
        numbers' precision.

        >>> sim = Simulation(100, 0, "pert", *(Statistics.of(np.zeros(1)),) * 3,
        ...     Probability(1, 1, 1), "x", "EUR", 3, np.array([-3.0, 1.0, 5.0]),
        ...     np.zeros(3), np.zeros(3))
        >>> sim.histogram(bins=3)
        ([-4.0, 0.0, 4.0, 8.0], [1, 1, 1])
        """
        low, high = float(self.npv_runs.min()), float(self.npv_runs.max())
        edges = np.linspace(low, high, bins + 1)
        if not np.all(edges[:-1] < edges[1:]):
            low, high = low - 0.5, high + 0.5
        elif low < 0 < high and bins > 1:
            width = (high - low) / (bins - 1)
            first = -math.ceil(-low / width) * width
            fixed = first + width * np.arange(bins + 1)
            counts, _ = np.histogram(self.npv_runs, bins=fixed)
            return [float(e) for e in fixed], [int(c) for c in counts]
        counts, edges = np.histogram(self.npv_runs, bins=bins, range=(low, high))
        return [float(e) for e in edges], [int(c) for c in counts]


def _bounded(value: int, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise InputError(f"{name}: a whole number is needed, got {value!r}")
    if not low <= value <= high:
        raise InputError(f"{name}: must be from {low} to {high}, got {value}")
    return int(value)


def lattice_lines(scenario: Scenario, table: LineTable) -> list[int]:
    """The numbers of the table's uncertain lines in the scenario: a cost's place in
    ``scenario.costs``, a benefit's in ``scenario.benefits`` plus the number of costs
    (the lattice's column of each line)."""
    costs = len(scenario.costs)
    numbers = [
        i if side == "cost" else costs + i
        for side, i in zip(table.sides, table.indexes, strict=True)
    ]
    return [n for n, uncertain in zip(numbers, table.uncertain, strict=True) if uncertain]


def draw_multipliers(
    table: LineTable, distribution: str, lattice: Lattice, run_numbers: NDArray[np.int64]
) -> NDArray[np.float64]:
    """``len(run_numbers) x lines`` multipliers of the runs numbered (from 1)
    ``run_numbers``: the uncertain lines drawn at the lattice's uniforms (the
    lattice's columns are the uncertain lines in the table's order), the others 1.

    Each run's draws depend on its number only, so drawing in chunks gives the same
    numbers as drawing all at once.

    >>> from crmroi_xl.engine.sensitivity import LineTable
    >>> t = LineTable(np.zeros((1, 2)), np.zeros((1, 2)), np.array([0.9, 1.0]),
    ...               np.array([1.2, 1.0]), ("cost", "benefit"), ("a", "b"), (0, 0), 0.1)
    >>> m = draw_multipliers(t, "uniform", Lattice.of(4, [0], 0), np.arange(1, 5))
    >>> m.shape, bool(((m[:, 0] >= 0.9) & (m[:, 0] <= 1.2)).all()), m[:, 1].tolist()
    ((4, 2), True, [1.0, 1.0, 1.0, 1.0])
    """
    if distribution not in ("pert", "triangular", "uniform"):
        raise InputError(f"distribution: pert, triangular or uniform, got {distribution!r}")
    run_numbers = np.asarray(run_numbers)
    out = np.ones((run_numbers.size, table.low.size))
    lines = np.flatnonzero(table.uncertain)
    if not lines.size:
        return out
    out[:, lines] = lattice.multipliers(
        distribution, table.low[lines], table.high[lines], run_numbers
    )
    return out


def simulate(
    scenario: Scenario,
    runs: int | None = None,
    seed: int | None = None,
    *,
    results: Results | None = None,
    keep_multipliers: bool = False,
) -> Simulation:
    """Run the Monte Carlo simulation of a scenario over its line ranges.

    Parameters
    ----------
    scenario : Scenario
        The business case; its lines' ``low``/``high`` give the ranges.
    runs : int, optional
        Runs (100 to 1 000 000); ``assumptions.simulation_runs`` by default
        (``assumptions.workbook_runs`` gives the workbook's simulation, run by run).
    seed : int, optional
        Seed of the random numbers (0 to 2^32 - 1); ``assumptions.simulation_seed``
        by default.
    results : Results, optional, keyword-only
        ``compute(scenario)``, when the caller has it (the exporter): not computed again.
    keep_multipliers : bool, keyword-only
        Keep each run's multipliers of the uncertain lines (``multipliers``: the
        workbook's Simulation sheet shows them).

    Raises
    ------
    InputError
        When ``runs`` or ``seed`` is out of bounds (the message names it).
    """
    a = scenario.assumptions
    runs = _bounded(a.simulation_runs if runs is None else runs, "runs", MIN_RUNS, MAX_RUNS)
    seed = _bounded(a.simulation_seed if seed is None else seed, "seed", 0, MAX_SEED)
    results = compute(scenario) if results is None else results
    table = LineTable.of(
        scenario,
        [line.values for line in results.cost_lines],
        [line.values for line in results.benefit_lines],
    )
    lattice = Lattice.of(runs, lattice_lines(scenario, table), seed)
    npv, roi, payback = np.empty(runs), np.empty(runs), np.empty(runs)
    uncertain = np.flatnonzero(table.uncertain)
    kept = np.empty((runs, uncertain.size)) if keep_multipliers else None
    chunk = max(1, CHUNK_CELLS // max(1, table.low.size))
    for start in range(0, runs, chunk):
        stop = min(runs, start + chunk)
        numbers = np.arange(start + 1, stop + 1, dtype=np.int64)
        multipliers = draw_multipliers(table, a.distribution, lattice, numbers)
        if kept is not None:
            kept[start:stop] = multipliers[:, uncertain]
        out = table.evaluate(multipliers, with_irr=False)
        npv[start:stop], roi[start:stop], payback[start:stop] = out.npv, out.roi, out.payback
    return Simulation(
        runs=runs,
        seed=seed,
        distribution=a.distribution,
        npv=Statistics.of(npv),
        roi=Statistics.of(roi),
        payback=Statistics.of(payback),
        probability=Probability(
            npv_positive=float(np.mean(npv > 0)),
            roi_positive=float(np.mean(roi > 0)),
            payback_within_horizon=float(np.mean(~np.isnan(payback))),
            **target_shares(a.targets, npv, roi, payback),
        ),
        name=a.name,
        currency=a.currency,
        horizon_years=a.horizon_years,
        npv_runs=npv,
        roi_runs=roi,
        payback_runs=payback,
        multipliers=kept,
        targets={} if a.targets is None else a.targets.given,
    )
