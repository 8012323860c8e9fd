"""What the engine gives the live Monte Carlo of the Simulation sheet, and the values
the export writes there.

The Simulation sheet recalculates :func:`~crmroi_xl.engine.montecarlo.simulate` with
``runs = assumptions.workbook_runs`` run by run (see
:mod:`crmroi_xl.excel.sheets.simulation`); this module gives the same numbers from
the engine: each uncertain line's slot (its place in the Sensitivity sheet's
detail, its lattice numbers), its multipliers, and each run's NPV and ROI, the
cached values of the sheet's formulas. A slot the kind holds beyond the scenario's
uncertain lines is empty (multiplier 1).

>>> from crmroi_xl.excel.layout import Layout
>>> live_values(Layout("en"), None, None)
{}
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..engine.lattice import Lattice, inverse_table
from ..engine.montecarlo import Simulation, lattice_lines, simulate
from ..engine.sensitivity import LineTable
from ..finance.rows import Array

if TYPE_CHECKING:
    from ..engine.results import Results
    from ..scenario.model import BenefitLine, CostLine, Scenario
    from .layout import Layout
    from .simulation_layout import SimulationLayout

__all__ = [
    "LIVE_CELLS",
    "SLOT_STEP",
    "Live",
    "laid_out_runs",
    "live",
    "live_values",
    "multiplier_texts",
    "slot_count",
    "uncertain_lines",
]

#: Slots come in steps of this many, so that a few kinds cover most scenarios.
SLOT_STEP = 4
#: The most multiplier cells (runs x slots) a workbook lays out: 5 000 runs of 12 slots
#: (1.6 MB, LibreOffice 5 s), 1 500 runs of 40; more would make files of tens of MB
#: that take a minute to recalculate (benchmarks/bench_live_size.py, docs/simulation.md).
LIVE_CELLS = 60_000
#: Capped runs are a multiple of this (a few kinds, round numbers).
RUNS_STEP = 50


def uncertain_lines(scenario: Scenario) -> int:
    """The costs and counted benefits with a range: the lines the simulation draws."""
    lines: list[CostLine | BenefitLine] = [*scenario.costs]
    lines += [line for line in scenario.benefits if line.include_in_roi]
    return sum(1 for line in lines if line.low != 1 or line.high != 1)


def slot_count(uncertain: int) -> int:
    """The slots of a workbook with ``uncertain`` uncertain lines: the next multiple of 4.

    >>> slot_count(0), slot_count(1), slot_count(8), slot_count(9)
    (0, 4, 8, 12)
    """
    return -(-uncertain // SLOT_STEP) * SLOT_STEP


def laid_out_runs(scenario: Scenario) -> int:
    """The runs the workbook of ``scenario`` lays out: ``workbook_runs``, capped so
    that runs x slots stays within :data:`LIVE_CELLS` (a multiple of 50, at least 100:
    400 lines give 400 slots, 150 runs); the engine's figures of the workbook are
    ``simulate(scenario, runs=laid_out_runs(scenario))``.

    >>> from crmroi_xl.scenario.model import Scenario
    >>> line = {"label": "x", "category": "licences", "one_off": 1, "low": 0.9, "high": 2}
    >>> many = Scenario.model_validate({"assumptions": {"name": "x", "workbook_runs": 5000},
    ...                                 "costs": [line] * 40})
    >>> laid_out_runs(many), slot_count(uncertain_lines(many))
    (1500, 40)
    """
    runs = scenario.assumptions.workbook_runs
    slots = slot_count(uncertain_lines(scenario))
    if not slots or runs * slots <= LIVE_CELLS:
        return runs
    return max(100, LIVE_CELLS // slots // RUNS_STEP * RUNS_STEP)


@dataclass(frozen=True)
class Live:
    """The engine's live simulation of one scenario, slot by slot."""

    simulation: Simulation
    positions: list[int]  # each slot's row in the detail, from 1
    labels: list[str]
    low: Array
    high: Array
    signed_pv: Array
    cost_total: Array
    benefit_total: Array
    lattice: Lattice
    multipliers: Array  # runs x uncertain lines
    rest: dict[str, float]
    fingerprint: float  # the base NPV plus the tornado's swings: what the flag compares

    def multiplier_texts(self) -> NDArray[np.object_]:
        """``runs x lines`` texts of the multipliers (``repr``, as the workbook caches
        them): each line's :func:`multiplier_texts` read at the lattice's strata."""
        lat, sim = self.lattice, self.simulation
        i = np.arange(1, lat.runs + 1, dtype=np.int64)[:, None]
        strata = np.mod(i * np.array(lat.generators) + np.array(lat.offsets), lat.runs)
        out = np.empty(strata.shape, dtype=object)
        for j, shift in enumerate(lat.shifts):
            texts = multiplier_texts(
                sim.distribution, float(self.low[j]), float(self.high[j]), shift, lat.runs
            )
            out[:, j] = texts[strata[:, j]]
        return out

    @cached_property
    def rows(self) -> list[list[float]]:
        """The multipliers as Python numbers, run by run (what each cell caches)."""
        rows: list[list[float]] = self.multipliers.tolist()
        return rows

    @cached_property
    def runs(self) -> dict[str, list[float | str]]:
        """Each run's NPV and ROI as Python numbers (``""``: an ROI without costs)."""
        sim = self.simulation
        roi = [("" if math.isnan(v) else v) for v in sim.roi_runs.tolist()]
        return {"npv": sim.npv_runs.tolist(), "roi": roi}

    def param(self, key: str, j: int) -> Any:
        """Slot ``j``'s ``key`` row (an empty slot: blank, or what its formulas give)."""
        if j >= len(self.positions):
            return {"label": "", "low": 1.0, "high": 1.0, "alpha": 1.0, "beta": 1.0}.get(
                key, 0.0 if key not in ("position", "z", "k", "s") else None
            )
        low, high = float(self.low[j]), float(self.high[j])
        width = high - low
        values = {
            "position": self.positions[j],
            "label": self.labels[j],
            "low": low,
            "high": high,
            "width": width,
            "alpha": 1 + 4 * (1 - low) / width,
            "beta": 1 + 4 * (high - 1) / width,
            "mode": (1 - low) / width,
            "spv": float(self.signed_pv[j]),
            "cost_total": float(self.cost_total[j]),
            "benefit_total": float(self.benefit_total[j]),
            "z": self.lattice.generators[j],
            "k": self.lattice.offsets[j],
            "s": self.lattice.shifts[j],
        }
        return values[key]


@lru_cache(maxsize=64)
def multiplier_texts(
    distribution: str, low: float, high: float, shift: float, runs: int
) -> NDArray[np.object_]:
    """The ``repr`` of each of a line's :func:`~crmroi_xl.engine.lattice.inverse_table`
    values (a float's shortest repr costs about a microsecond: done once per shape).

    >>> multiplier_texts("uniform", 0.5, 1.5, 0.5, 4).tolist()
    ['0.625', '0.875', '1.125', '1.375']
    """
    table = inverse_table(distribution, low, high, shift, runs)
    texts = np.array(repr(table.tolist())[1:-1].split(", "), dtype=object)
    texts.flags.writeable = False
    return texts


#: The last scenario's live simulation, by its results (the input cells and the formula
#: cells of one export ask for it in turn).
_LAST: list[tuple[Results, SimulationLayout, Live]] = []


def live(scenario: Scenario, results: Results, places: SimulationLayout) -> Live:
    """The engine's numbers of the Simulation sheet of ``places`` for ``scenario``
    (``results``: its ``compute``)."""
    for done, where, found in _LAST:
        if done is results and where is places:
            return found
    table = LineTable.of(
        scenario,
        [line.values for line in results.cost_lines],
        [line.values for line in results.benefit_lines],
    )
    simulation = simulate(scenario, runs=places.runs, results=results, keep_multipliers=True)
    assert simulation.multipliers is not None
    lattice = Lattice.of(places.runs, lattice_lines(scenario, table), simulation.seed)
    uncertain = np.flatnonzero(table.uncertain)
    sides = [table.sides[i] for i in uncertain]
    indexes = [table.indexes[i] for i in uncertain]
    lines = [
        (results.cost_lines if side == "cost" else results.benefit_lines)[i]
        for side, i in zip(sides, indexes, strict=True)
    ]
    pairs = list(zip(sides, lines, strict=True))
    signed = np.array([(-1.0 if s == "cost" else 1.0) * x.present_value for s, x in pairs])
    costs = np.array([x.total if s == "cost" else 0.0 for s, x in pairs])
    gains = np.array([x.total if s != "cost" else 0.0 for s, x in pairs])
    base = results.sensitivity.cases.base.npv
    widths = table.high[uncertain] - table.low[uncertain]
    swings = [float(w) * abs(x.present_value) for w, x in zip(widths, lines, strict=True)]
    totals = {
        side: math.fsum(x.total for x in getattr(results, f"{side}_lines") if x.counted)
        for side in ("cost", "benefit")
    }
    found = Live(
        simulation=simulation,
        positions=[
            1 + i if s == "cost" else 1 + places.cost_capacity + i
            for s, i in zip(sides, indexes, strict=True)
        ],
        labels=[x.label for x in lines],
        low=table.low[uncertain],
        high=table.high[uncertain],
        signed_pv=signed,
        cost_total=costs,
        benefit_total=gains,
        lattice=lattice,
        multipliers=simulation.multipliers,
        rest={
            "rest_npv": base - math.fsum(signed),
            "rest_costs": totals["cost"] - math.fsum(costs),
            "rest_benefits": totals["benefit"] - math.fsum(gains),
        },
        fingerprint=math.nan,
    )
    object.__setattr__(found, "fingerprint", base + math.fsum(swings))
    _LAST[:] = [(results, places, found)]
    return found


def live_values(
    layout: Layout, scenario: Scenario | None, results: Results | None
) -> dict[tuple[Any, ...], Any]:
    """What the export writes in the Simulation sheet's value cells, by their ``where``:
    each slot's place and lattice numbers."""
    places = layout.simulation
    if scenario is None or results is None or not places.live:
        return {}
    engine = live(scenario, results, places)
    targets = scenario.assumptions.targets
    chances = engine.simulation.probability
    out: dict[tuple[Any, ...], Any] = {
        ("live", "fingerprint"): engine.fingerprint,
        ("live", "runs_asked"): scenario.assumptions.workbook_runs,
        ("live", "payback_months"): None if targets is None else targets.payback_months,
        ("live", "payback_target"): chances.payback_target,
        ("live", "payback_horizon"): chances.payback_within_horizon,
    }
    for j in range(places.slots):
        for key in ("position", "z", "k", "s"):
            out[("live", key, j)] = engine.param(key, j)
    return out
