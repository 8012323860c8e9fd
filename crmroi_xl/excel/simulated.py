"""What the Sensitivity sheet's Monte Carlo cells hold: the engine's simulation, run at export.

An export of a scenario whose costs or counted benefits carry a range runs
:func:`~crmroi_xl.engine.montecarlo.simulate` (the scenario's runs, seed and
distribution; the results of ``compute`` passed in, not computed again) and
writes its figures as values in the cells the layout lists
(:meth:`~crmroi_xl.excel.sensitivity_layout.SensitivityLayout.slots`): a status
line naming the runs, the seed and the distribution and saying to re-export,
the statistics and probabilities, the NPV's histogram and its S-curve (the
NPV at cumulative probabilities 0, 1 ... 100 %, ``PERCENTILE.INC``'s
interpolation), and the legend of P(NPV > 0). They are the same numbers as
``crmroi simulate`` with the same seed. A scenario without a range, and the
template, get only a sentence.

>>> from crmroi_xl.excel.layout import Layout
>>> simulation_values(Layout("en"), None, None)
{('simulation', 'status'): 'Filled by an export (crmroi export): the template holds no simulation.'}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine.montecarlo import simulate
from ..scenario.labels import label
from .live import laid_out_runs, live
from .parts import Bilingual
from .sensitivity_layout import (
    CURVE_POINTS,
    HISTOGRAM_BINS,
    METRIC_COLUMNS,
    PROBABILITIES,
    STATISTICS,
)

if TYPE_CHECKING:
    from ..engine.results import Results
    from ..scenario.model import BenefitLine, CostLine, Scenario
    from .layout import Layout

__all__ = ["STATUS", "simulated", "simulation_values"]

#: The status line of the Monte Carlo block.
STATUS: dict[str, Bilingual] = {
    "setup": (
        "{runs} tirages, graine {seed}, loi {distribution} ; calculé à l'export : réexporter "
        "pour actualiser.",
        "{runs} runs, seed {seed}, {distribution} distribution; computed at export: re-export "
        "to refresh.",
    ),
    "no_range": (
        "Aucun coût ni bénéfice compté n'a de plage (bas / haut) : pas de simulation. "
        "Saisissez des plages puis réexportez.",
        "No cost or counted benefit has a range (low / high): no simulation. Type ranges, "
        "then re-export.",
    ),
    "template": (
        "Rempli par un export (crmroi export) : le modèle ne contient pas de simulation.",
        "Filled by an export (crmroi export): the template holds no simulation.",
    ),
}


def simulated(scenario: Scenario | None) -> bool:
    """Whether an export of ``scenario`` holds a simulation: a cost or a counted benefit
    has a range (the others move no metric)."""
    if scenario is None:
        return False
    lines: list[CostLine | BenefitLine] = [*scenario.costs]
    lines += [line for line in scenario.benefits if line.include_in_roi]
    return any(line.low != 1 or line.high != 1 for line in lines)


def _percent(value: float, lang: str) -> str:
    text = f"{value * 100:.1f}"
    return f"{text.replace('.', ',')}\u00a0%" if lang == "fr" else f"{text}%"


def simulation_values(
    layout: Layout, scenario: Scenario | None, results: Results | None
) -> dict[tuple[Any, ...], Any]:
    """What the Monte Carlo cells hold, by their ``where`` (see the layout's
    ``slots``): the engine's simulation of ``scenario``; only a status sentence in
    the template (``scenario`` None) and for a scenario without a range."""
    status = ("simulation", "status")
    if scenario is None:
        return {status: layout.text(STATUS["template"])}
    if not simulated(scenario):
        return {status: layout.text(STATUS["no_range"])}
    if results is not None and layout.simulation.live:  # the Simulation sheet's, at export
        sim = live(scenario, results, layout.simulation).simulation
    else:
        sim = simulate(scenario, runs=laid_out_runs(scenario), results=results)
    runs = f"{sim.runs:,}".replace(",", "\u00a0" if layout.lang == "fr" else ",")
    out: dict[tuple[Any, ...], Any] = {
        status: layout.text(STATUS["setup"]).format(
            runs=runs, seed=sim.seed, distribution=label(sim.distribution, layout.lang)
        ),
        ("simulation", "marker"): "P({} > 0) = {}".format(
            label("npv", layout.lang), _percent(sim.probability.npv_positive, layout.lang)
        ),
    }
    for metric in METRIC_COLUMNS:
        statistics = getattr(sim, metric)
        for key in STATISTICS:
            out[("simulation", metric, key)] = getattr(statistics, key)
    for key in PROBABILITIES:
        out[("simulation", key)] = getattr(sim.probability, key)
    edges, counts = sim.histogram(HISTOGRAM_BINS)
    for k, count in enumerate(counts):
        out[("simulation", "from", k)] = edges[k]
        out[("simulation", "to", k)] = edges[k + 1]
        out[("simulation", "middle", k)] = (edges[k] + edges[k + 1]) / 2
        out[("simulation", "runs", k)] = count
        out[("simulation", "share", k)] = count / sim.runs
    points = np.percentile(sim.npv_runs, np.linspace(0, 100, CURVE_POINTS))
    for k, value in enumerate(points):
        out[("simulation", "curve", k)] = float(value)
    return out
