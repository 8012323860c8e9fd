r"""Options side by side: each option's business case, the choice, and how sure it is.

A scenario with ``options`` (:mod:`crmroi_xl.scenario.options`) is a choice. Each
option's business case is the single scenario made of the shared lines plus the
option's own (the status quo: its own lines only), with the assumptions it overrides
(:func:`option_scenario`); its results are ``compute``'s on that scenario -- the one
yearly model, nothing computed twice. On top of them, per option:

* ``tco`` and ``tco_pv``: its total cost of ownership over the horizon, undiscounted
  and at present value (every cost line, shared ones included, risk-adjusted);
* against the baseline (the status quo, or "no change": every flow zero), on the
  difference of the yearly net flows :math:`\Delta cf_t = cf^{option}_t - cf^{base}_t`
  (:mod:`crmroi_xl.finance.compare`): ``incremental_npv`` (= the difference of the
  NPVs), ``incremental_irr`` (the return on the extra money) and
  ``incremental_payback``; None for the baseline itself;
* ``rank`` by NPV (1 = the highest; equal NPVs share a rank), and ``conflicts``: a
  plain sentence when the IRR or the payback orders two options differently from
  the NPV. Trust the NPV: the IRR ignores the scale of the investment and assumes
  the flows are reinvested at the IRR itself, the payback ignores every flow after
  it; the NPV values every flow at the discount rate, as the method does;
* with ranges, one Monte Carlo (:func:`simulate_options`) in which a shared line
  takes the same draw in every option (common random numbers, so the comparison
  is not blurred by noise the options share): ``probability_best`` (the share of
  the runs in which the option has the highest NPV; they sum to 1) and
  ``probability_beats_baseline`` (its NPV above the baseline's).

>>> from crmroi_xl.scenario.model import Scenario
>>> s = Scenario.model_validate({
...     "assumptions": {"name": "Choice", "horizon_years": 2, "discount_rate": 0},
...     "costs": [{"label": "Training", "category": "training", "one_off": 10}],
...     "options": [
...         {"name": "A", "costs": [{"label": "Licence", "category": "licences",
...                                  "one_off": 100}],
...          "benefits": [{"label": "Gain", "category": "cost_reduction",
...                        "amount_per_year": 80}]},
...         {"name": "Status quo", "costs": [{"label": "Old tool", "category": "licences",
...                                            "amount_per_year": 20}]}],
... })
>>> c = compare(s)
>>> c.baseline, c.best, [o.results.npv for o in c.options]
('Status quo', 'A', [50.0, -40.0])
>>> a = c.options[0]
>>> a.tco, a.incremental_npv, a.results.costs, a.rank
(110.0, 90.0, [110.0, 0.0, 0.0], 1)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict

from ..errors import CrmRoiError, InputError
from ..finance import compare as incremental
from ..finance import metrics
from ..scenario.assumptions import Assumptions
from ..scenario.model import Option, Scenario
from .compute import compute
from .lattice import Lattice
from .montecarlo import draw_multipliers
from .results import Results
from .sensitivity import LineTable

__all__ = [
    "COMPARISON_KEYS",
    "Comparison",
    "OptionDraws",
    "OptionResults",
    "best_option_scenario",
    "compare",
    "conflict_sentence",
    "option_scenario",
    "simulate_options",
]

Lang = Literal["fr", "en"]

#: Multipliers held in memory at once (runs x lines), as the Monte Carlo does.
CHUNK_CELLS = 2_000_000


class OptionResults(BaseModel):
    """One option's results: ``compute``'s on its business case, and the comparison's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    description: str | None
    baseline: bool
    results: Results
    tco: float
    tco_pv: float
    incremental_npv: float | None
    incremental_irr: float | None
    incremental_payback: float | None
    rank: int
    probability_best: float | None
    probability_beats_baseline: float | None


#: What the comparison adds to an option's results, in the order the outputs list them
#: (``compute --json``'s options, the batch's option rows).
COMPARISON_KEYS: tuple[str, ...] = (
    "tco",
    "tco_pv",
    "incremental_npv",
    "incremental_irr",
    "incremental_payback",
    "probability_best",
    "probability_beats_baseline",
)


class Comparison(BaseModel):
    """The options of a scenario side by side, in input order; ``best``: the first with
    rank 1; ``baseline``: the option measured against (None: "no change")."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    options: list[OptionResults]
    best: str
    baseline: str | None
    #: The sentence when the NPV, the IRR and the payback order the options differently,
    #: in the scenario's language (:func:`conflict_sentence` words it in the other).
    conflicts: str | None
    #: The Monte Carlo's runs (None without any range, so without probabilities).
    runs: int | None

    def option(self, name: str) -> OptionResults:
        """The option called ``name`` (any case)."""
        for found in self.options:
            if found.name.casefold() == name.casefold():
                return found
        names = ", ".join(o.name for o in self.options)
        raise InputError(f"option: {name!r} is not an option of the scenario (options: {names})")

    @property
    def best_option(self) -> OptionResults:
        """The best option (rank 1, the first in input order among equals)."""
        return self.option(self.best)


def _find(scenario: Scenario, name: str) -> Option:
    for option in scenario.options or []:
        if option.name.casefold() == name.casefold():
            return option
    names = ", ".join(o.name for o in scenario.options or []) or "none"
    raise InputError(f"option: {name!r} is not an option of the scenario (options: {names})")


def option_scenario(scenario: Scenario, name: str) -> Scenario:
    """The single business case of option ``name``: the shared lines and the option's
    own (the baseline status quo: its own only), the option's overrides of
    ``adoption``, ``cost_risk`` and ``benefit_risk`` (an option's own benefit risk has
    the tornado's default range around it, not ``benefit_risk_low`` / ``_high``); every
    other part as the scenario's.

    >>> from crmroi_xl.scenario.model import Scenario
    >>> s = Scenario.model_validate({"assumptions": {"name": "x", "horizon_years": 3},
    ...     "costs": [{"label": "Shared", "category": "training", "one_off": 1}],
    ...     "options": [{"name": "A", "adoption": [0.5],
    ...                  "costs": [{"label": "Own", "category": "licences", "one_off": 2}]},
    ...                 {"name": "B"}]})
    >>> a = option_scenario(s, "a")
    >>> [c.label for c in a.costs], a.assumptions.adoption, a.options
    (['Shared', 'Own'], [0.5, 0.5, 0.5], None)
    """
    option = _find(scenario, name)
    status_quo = scenario.baseline is not None and option.name == scenario.baseline
    overrides = {
        key: getattr(option, key)
        for key in ("adoption", "cost_risk", "benefit_risk")
        if getattr(option, key) is not None
    }
    if "benefit_risk" in overrides:  # the tornado's range is then the default, around it
        overrides |= {"benefit_risk_low": None, "benefit_risk_high": None}
    assumptions = scenario.assumptions
    if overrides:  # validated again: the adoption ramp-up is filled to the horizon
        assumptions = Assumptions.model_validate(assumptions.model_dump() | overrides)
    shared_costs = [] if status_quo else scenario.costs
    shared_benefits = [] if status_quo else scenario.benefits
    return scenario.model_copy(
        update={
            "assumptions": assumptions,
            "costs": [*shared_costs, *option.costs],
            "benefits": [*shared_benefits, *option.benefits],
            "options": None,
            "status_quo": None,
        }
    )


def best_option_scenario(scenario: Scenario, comparison: Comparison | None = None) -> Scenario:
    """The best option's business case (:func:`compare`), named after the scenario and
    the option, so that what shows it says which option it is: the row a batch's
    summary gives a scenario with options (``comparison``: ``compare(scenario)``,
    when the caller has it).

    >>> from crmroi_xl.scenario.model import Scenario
    >>> s = Scenario.model_validate({"assumptions": {"name": "Choice", "language": "en"},
    ...     "options": [{"name": "A", "costs": [{"label": "x", "category": "other",
    ...                                          "one_off": 1}]},
    ...                 {"name": "B"}]})
    >>> best_option_scenario(s).assumptions.name
    'Choice — B (best of 2 options by NPV)'
    """
    comparison = compare(scenario) if comparison is None else comparison
    single = option_scenario(scenario, comparison.best)
    words = {"fr": "meilleure de {n} options par la VAN", "en": "best of {n} options by NPV"}
    note = words[scenario.assumptions.language].format(n=len(comparison.options))
    name = f"{scenario.assumptions.name} — {comparison.best} ({note})"
    if len(name) > 200:  # a label's longest
        name = f"{scenario.assumptions.name[:100]} — {comparison.best[:60]} ({note})"
    assumptions = single.assumptions.model_copy(update={"name": name})
    return single.model_copy(update={"assumptions": assumptions})


def _maybe(function: Callable[[], float]) -> float | None:
    try:
        return function()
    except CrmRoiError:
        return None


def _incremental(
    rate: float, base: list[float], results: Results
) -> tuple[float, float | None, float | None]:
    """NPV, IRR and payback of the option's net flow less the baseline's (None where
    the difference has no IRR or never pays back)."""
    flows = results.net_flow
    difference = incremental.incremental_flows(base, flows)
    return (
        incremental.incremental_npv(rate, base, flows),
        _maybe(lambda: incremental.incremental_irr(base, flows)),
        _maybe(lambda: metrics.payback(difference)),
    )


def _order(values: Sequence[float | None], *, higher: bool) -> list[tuple[int, int]]:
    """The pairs ``(i, j)`` of options both defined where ``i`` is strictly better."""
    pairs = []
    for i, a in enumerate(values):
        for j, b in enumerate(values):
            if a is not None and b is not None and (a > b if higher else a < b):
                pairs.append((i, j))
    return pairs


#: The conflict's sentence, each metric's "first" and names, in French and English.
_WORDS: dict[str, tuple[str, str, dict[str, str]]] = {
    "fr": (
        "La VAN, le TRI et le délai de récupération ne classent pas les options de la même "
        "façon ({firsts}). Fiez-vous à la VAN : elle compte chaque flux au taux "
        "d'actualisation, quand le TRI ignore la taille de l'investissement et suppose "
        "les flux réinvestis à son propre taux, et que le délai ignore tout ce qui suit.",
        "{metric} : {name} en tête",
        {"npv": "VAN", "irr": "TRI", "payback": "délai"},
    ),
    "en": (
        "NPV, IRR and payback do not rank the options alike ({firsts}). Trust the NPV: "
        "it values every flow at the discount rate, while the IRR ignores the size of "
        "the investment and assumes flows reinvested at its own rate, and the payback "
        "ignores every flow after it.",
        "{metric}: {name} first",
        {"npv": "NPV", "irr": "IRR", "payback": "payback"},
    ),
}


def conflict_sentence(options: Sequence[OptionResults], lang: Lang = "en") -> str | None:
    """The sentence saying the NPV, the IRR and the payback order two options differently
    (None when they agree on every pair both define), naming who each puts first.

    >>> from types import SimpleNamespace as R
    >>> a = R(name="A", results=R(npv=10.0, irr=0.30, payback=1.5))
    >>> b = R(name="B", results=R(npv=20.0, irr=0.20, payback=1.5))
    >>> conflict_sentence([a, b], "en")[:74]
    'NPV, IRR and payback do not rank the options alike (NPV: B first, IRR: A f'
    """
    metric_values: dict[str, tuple[list[float | None], bool]] = {
        "npv": ([o.results.npv for o in options], True),
        "irr": ([o.results.irr for o in options], True),
        "payback": ([o.results.payback for o in options], False),
    }
    npv_pairs = set(_order(metric_values["npv"][0], higher=True))
    clash = False
    for key in ("irr", "payback"):
        values, higher = metric_values[key]
        clash = clash or any((j, i) in npv_pairs for i, j in _order(values, higher=higher))
    if not clash:
        return None
    sentence, first, names = _WORDS[lang]
    firsts = []
    for key, (values, higher) in metric_values.items():
        defined = [(v, i) for i, v in enumerate(values) if v is not None]
        if defined:
            value = (max if higher else min)(v for v, _ in defined)
            leader = next(options[i].name for v, i in defined if v == value)
            firsts.append(first.format(metric=names[key], name=leader))
    return sentence.format(firsts=", ".join(firsts))


@dataclass(frozen=True)
class OptionDraws:
    """One Monte Carlo over every option's lines, a shared line drawn once a run.

    ``keys``: the union's lines (``("shared", side, index)`` or ``(option, side,
    index)``, costs first); ``columns[k]``: the union's column of each of option k's
    lines, in its :class:`~crmroi_xl.engine.sensitivity.LineTable` order; ``npv``:
    ``runs x options``; ``multipliers``: ``runs x lines``, kept only when asked.
    """

    keys: tuple[tuple[str | int, str, int], ...]
    columns: tuple[tuple[int, ...], ...]
    npv: NDArray[np.float64]
    multipliers: NDArray[np.float64] | None


def _tables(scenario: Scenario, results: Sequence[Results]) -> list[LineTable]:
    return [
        LineTable.of(
            option_scenario(scenario, option.name),
            [line.values for line in r.cost_lines],
            [line.values for line in r.benefit_lines],
        )
        for option, r in zip(scenario.options or [], results, strict=True)
    ]


def simulate_options(
    scenario: Scenario,
    results: Sequence[Results],
    *,
    runs: int | None = None,
    seed: int | None = None,
    keep_draws: bool = False,
) -> OptionDraws:
    """Every option's NPV in each run of one Monte Carlo (``results``: ``compute`` of
    each option's scenario, in input order). The union of the options' lines is drawn
    once a run by the Monte Carlo's sampler
    (:func:`~crmroi_xl.engine.montecarlo.draw_multipliers`, the scenario's
    distribution, runs and seed by default); each option then takes its lines' columns,
    so a shared line has the same multiplier in every option."""
    a = scenario.assumptions
    runs = a.simulation_runs if runs is None else runs
    seed = a.simulation_seed if seed is None else seed
    tables = _tables(scenario, results)
    shared = {"cost": len(scenario.costs), "benefit": len(scenario.benefits)}
    keys: dict[tuple[str | int, str, int], tuple[float, float]] = {}
    columns_by_side: list[list[tuple[str | int, str, int]]] = []
    for k, (option, table) in enumerate(zip(scenario.options or [], tables, strict=True)):
        own_only = option.name == scenario.baseline
        mine: list[tuple[str | int, str, int]] = []
        for c, (side, index) in enumerate(zip(table.sides, table.indexes, strict=True)):
            count = 0 if own_only else shared[side]
            key: tuple[str | int, str, int] = (
                ("shared", side, index) if index < count else (k, side, index - count)
            )
            keys.setdefault(key, (float(table.low[c]), float(table.high[c])))
            mine.append(key)
        columns_by_side.append(mine)
    order = sorted(keys, key=lambda key: key[1] != "cost")  # costs first, stable
    place = {key: i for i, key in enumerate(order)}
    costs = sum(1 for key in order if key[1] == "cost")
    union = LineTable(
        cost_flows=np.zeros((costs, a.horizon_years + 1)),
        benefit_flows=np.zeros((len(order) - costs, a.horizon_years + 1)),
        low=np.array([keys[key][0] for key in order]),
        high=np.array([keys[key][1] for key in order]),
        sides=tuple("cost" if key[1] == "cost" else "benefit" for key in order),
        labels=tuple(str(key) for key in order),
        indexes=tuple(range(len(order))),
        rate=a.discount_rate,
    )
    columns = tuple(tuple(place[key] for key in mine) for mine in columns_by_side)
    # the union's uncertain lines numbered by their place in it: one lattice column each
    lattice = Lattice.of(runs, np.flatnonzero(union.uncertain).tolist(), seed)
    npv = np.empty((runs, len(tables)))
    kept = np.empty((runs, len(order))) if keep_draws else None
    chunk = max(1, CHUNK_CELLS // max(1, len(order)))
    for start in range(0, runs, chunk):
        stop = min(runs, start + chunk)
        draws = draw_multipliers(union, a.distribution, lattice, np.arange(start + 1, stop + 1))
        if kept is not None:
            kept[start:stop] = draws
        for k, table in enumerate(tables):
            npv[start:stop, k] = table.evaluate(draws[:, list(columns[k])], with_irr=False).npv
    return OptionDraws(tuple(order), columns, npv, kept)


def compare(scenario: Scenario) -> Comparison:
    """Every option's results and the comparison (see the module docstring).

    Raises
    ------
    InputError
        When the scenario has no options.
    """
    options = scenario.options
    if not options:
        raise InputError("options: the scenario has no options to compare")
    results = [compute(option_scenario(scenario, o.name)) for o in options]
    baseline = scenario.baseline
    base = next((r for o, r in zip(options, results, strict=True) if o.name == baseline), None)
    base_flow = base.net_flow if base is not None else [0.0] * len(results[0].net_flow)
    rate = scenario.assumptions.discount_rate
    npvs = [r.npv for r in results]
    lines = [*scenario.costs, *scenario.benefits]
    lines += [line for o in options for line in (*o.costs, *o.benefits)]
    uncertain = any(line.low != 1.0 or line.high != 1.0 for line in lines)
    best_share: list[float | None] = [None] * len(options)
    beats: list[float | None] = [None] * len(options)
    runs = None
    if uncertain:
        draws = simulate_options(scenario, results)
        runs = draws.npv.shape[0]
        winners = np.argmax(draws.npv, axis=1)
        best_share = [float(np.mean(winners == k)) for k in range(len(options))]
        base_runs = (
            draws.npv[:, [o.name for o in options].index(baseline)]
            if baseline is not None
            else np.zeros(runs)
        )
        beats = [
            None if o.name == baseline else float(np.mean(draws.npv[:, k] > base_runs))
            for k, o in enumerate(options)
        ]
    out = []
    for k, (option, r) in enumerate(zip(options, results, strict=True)):
        is_base = option.name == baseline
        npv, irr, payback = (None, None, None) if is_base else _incremental(rate, base_flow, r)
        out.append(
            OptionResults(
                name=option.name,
                description=option.description,
                baseline=is_base,
                results=r,
                tco=r.total_costs,
                tco_pv=r.pv_costs,
                incremental_npv=npv,
                incremental_irr=irr,
                incremental_payback=payback,
                rank=1 + sum(1 for other in npvs if other > r.npv),
                probability_best=best_share[k],
                probability_beats_baseline=beats[k],
            )
        )
    best = next(o.name for o in out if o.rank == 1)
    return Comparison(
        options=out,
        best=best,
        baseline=baseline,
        conflicts=conflict_sentence(out, scenario.assumptions.language),
        runs=runs,
    )
