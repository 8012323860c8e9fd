"""How sure are we: the pessimistic, base and optimistic cases, the tornado, the break-even.

Every cost and benefit line may carry a range, ``low`` and ``high``
(multipliers of its amounts in every year, one-off included; both 1 by
default). From the engine's per-line flows this module derives, with the one
yearly model (:mod:`crmroi_xl.engine.yearly`):

* **cases** -- *pessimistic*: every benefit at its ``low``, every cost at its
  ``high``; *optimistic*: the reverse; *base*: every multiplier 1. Each with
  its NPV, ROI, IRR and payback (None where undefined).
* **tornado** -- one bar per line that counts in the NPV and has a range
  (not [1, 1]): ``npv_low`` with that line alone at its ``low`` and everything
  else at base, ``npv_high`` likewise at its ``high``; largest
  ``|npv_high - npv_low|`` first (ties keep the scenario's order, costs
  first). Since the NPV is linear in each line's multiplier,
  ``npv_low = npv_base + sign x (low - 1) x PV(line)`` with sign -1 for a
  cost and +1 for a benefit: a spreadsheet computes it from the line's
  present value. The bars are sorted on that swing written exactly,
  ``(high - low) x |PV(line)|``, rather than on the difference of two
  evaluated NPVs, whose last bits depend on where the line sits in the sums:
  two identical lines then tie and keep their order, here and in the
  workbook's Sensitivity sheet, which sorts on the same product.
* **break-even** -- ``benefits_factor`` = PV costs / PV benefits, the factor on
  all counted benefits that brings the NPV to 0; ``costs_factor`` = PV
  benefits / PV costs, the factor on all costs that does; None where the
  denominator is 0.

Intangible benefits left out of the ROI are left out here too: they move no
metric, so they have no bar.

>>> from crmroi_xl.scenario.model import Scenario
>>> s = Scenario.model_validate({
...     "assumptions": {"name": "Seeds", "horizon_years": 1, "discount_rate": 0},
...     "costs": [{"label": "CRM", "category": "licences", "one_off": 50_000,
...                "high": 1.2}],
...     "benefits": [{"label": "Gains", "category": "cost_reduction",
...                   "amount_per_year": 200_000, "low": 0.5}],
... })
>>> table = LineTable.of(s, [[50_000.0, 0.0]], [[0.0, 200_000.0]])
>>> result = analyse(table)
>>> result.cases.pessimistic.npv, result.cases.base.roi, result.breakeven.benefits_factor
(40000.0, 3.0, 0.25)
>>> [(bar.label, bar.npv_low, bar.npv_high) for bar in result.tornado]
[('Gains', 50000.0, 150000.0), ('CRM', 150000.0, 140000.0)]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from ..finance.rows import Array, irr_rows, npv_rows
from ..scenario.model import BenefitLine, CostLine, Scenario
from . import yearly

__all__ = [
    "CASES",
    "BarSide",
    "Breakeven",
    "Case",
    "CaseResult",
    "Cases",
    "LineTable",
    "Sensitivity",
    "Side",
    "TornadoBar",
    "analyse",
    "case_multiplier",
]

Case = Literal["pessimistic", "base", "optimistic"]
Side = Literal["cost", "benefit"]
#: What a tornado bar moves: a cost line, a benefit line or an assumption
#: (:mod:`crmroi_xl.engine.assumption_bars`).
BarSide = Literal["cost", "benefit", "assumption"]

#: The three cases, in the order the reports and the workbook list them.
CASES: tuple[Case, ...] = ("pessimistic", "base", "optimistic")


def case_multiplier(case: Case, side: Side, low: float, high: float) -> float:
    """A line's multiplier in a case: the side that hurts in the pessimistic case.

    >>> case_multiplier("pessimistic", "cost", 0.9, 1.3), case_multiplier("pessimistic", "benefit", 0.6, 1.2)
    (1.3, 0.6)
    >>> case_multiplier("optimistic", "cost", 0.9, 1.3), case_multiplier("base", "cost", 0.9, 1.3)
    (0.9, 1.0)
    """
    if case == "base":
        return 1.0
    hurts = (case == "pessimistic") == (side == "cost")
    return high if hurts else low


@dataclass(frozen=True)
class LineTable:
    """The lines that count in the NPV, costs first: their yearly flows and ranges.

    ``cost_flows`` and ``benefit_flows`` are ``lines x years`` (risk-adjusted,
    year 0 first: the engine's ``LineFlows.values``); ``low``, ``high``,
    ``sides``, ``labels`` and ``indexes`` (the line's place in
    ``scenario.costs`` or ``scenario.benefits``) have one entry per line, costs
    then counted benefits.
    """

    cost_flows: Array
    benefit_flows: Array
    low: Array
    high: Array
    sides: tuple[Side, ...]
    labels: tuple[str, ...]
    indexes: tuple[int, ...]
    rate: float

    @classmethod
    def of(
        cls,
        scenario: Scenario,
        cost_values: Sequence[Sequence[float]],
        benefit_values: Sequence[Sequence[float]],
    ) -> LineTable:
        """The table of a scenario from its lines' yearly values (``compute``'s ``values``)."""
        width = scenario.assumptions.horizon_years + 1
        counted = [i for i, line in enumerate(scenario.benefits) if line.include_in_roi]
        lines: list[CostLine | BenefitLine] = [*scenario.costs]
        lines += [scenario.benefits[i] for i in counted]
        cost: Side = "cost"
        benefit: Side = "benefit"
        sides = (cost,) * len(scenario.costs) + (benefit,) * len(counted)
        return cls(
            cost_flows=np.array(cost_values, dtype=np.float64).reshape(len(scenario.costs), width),
            benefit_flows=np.array([benefit_values[i] for i in counted], dtype=np.float64).reshape(
                len(counted), width
            ),
            low=np.array([line.low for line in lines], dtype=np.float64),
            high=np.array([line.high for line in lines], dtype=np.float64),
            sides=sides,
            labels=tuple(line.label for line in lines),
            indexes=(*range(len(scenario.costs)), *counted),
            rate=scenario.assumptions.discount_rate,
        )

    @property
    def uncertain(self) -> np.ndarray:
        """Whether each line has a range (is not [1, 1])."""
        return np.asarray((self.low != 1.0) | (self.high != 1.0))

    def present_values(self) -> Array:
        """Each line's present value at base, in euros (positive for costs and benefits)."""
        return np.concatenate(
            [npv_rows(self.rate, self.cost_flows), npv_rows(self.rate, self.benefit_flows)]
        )

    def case(self, case: Case) -> Array:
        """Every line's multiplier in ``case``."""
        if case == "base":
            return np.ones(self.low.size)
        costs = np.array([side == "cost" for side in self.sides], dtype=bool)
        hurt = case == "pessimistic"
        return np.where(costs == hurt, self.high, self.low)

    def evaluate(self, multipliers: Array, *, with_irr: bool = True) -> yearly.Yearly:
        r"""Flows and metrics of each row of ``multipliers`` (one a line, costs first):
        since every line's flow is linear in its multiplier, a row's yearly costs and
        benefits are one matrix product, :math:`costs_{r,t} = \sum_i m_{r,i} c_{i,t}`;
        the one yearly model (:func:`crmroi_xl.engine.yearly.evaluate`) does the rest."""
        multipliers = np.atleast_2d(np.asarray(multipliers, dtype=float))
        split = self.cost_flows.shape[0]
        if multipliers.shape[1] != split + self.benefit_flows.shape[0]:
            raise ValueError(
                f"multipliers: {multipliers.shape[1]} columns for "
                f"{split} cost and {self.benefit_flows.shape[0]} benefit lines"
            )
        costs = multipliers[:, :split] @ self.cost_flows
        benefits = multipliers[:, split:] @ self.benefit_flows
        return yearly.evaluate(costs, benefits, self.rate, with_irr=with_irr)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CaseResult(_Frozen):
    """The headline metrics of one case; None where undefined."""

    npv: float
    roi: float | None
    irr: float | None
    payback: float | None


class Cases(_Frozen):
    """The pessimistic, base and optimistic cases."""

    pessimistic: CaseResult
    base: CaseResult
    optimistic: CaseResult


class TornadoBar(_Frozen):
    """One line's (or assumption's) swing of the NPV between its low and its high end."""

    label: str
    side: BarSide
    npv_low: float
    npv_high: float
    low: float
    high: float
    index: int  # the line's place in scenario.costs or .benefits (an assumption's in
    # ASSUMPTION_DRIVERS), from 0


class Breakeven(_Frozen):
    """The factors on all counted benefits, or on all costs, that bring the NPV to 0."""

    benefits_factor: float | None
    costs_factor: float | None


class Sensitivity(_Frozen):
    """Cases, tornado (largest swing first) and break-even of a scenario."""

    cases: Cases
    tornado: list[TornadoBar]
    breakeven: Breakeven


def _number(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def analyse(table: LineTable, assumptions: Sequence[TornadoBar] = ()) -> Sensitivity:
    """Cases, tornado and break-even of the lines in ``table`` (see the module docstring);
    the ``assumptions``' bars (:func:`~crmroi_xl.engine.assumption_bars.assumption_bars`)
    join the tornado, sorted on their swing ``|npv_high - npv_low|``, after the lines on ties.

    One evaluation of 3 + 2 x (lines with a range) variants: the three cases,
    then each uncertain line alone at its low and at its high; the IRR is
    solved for the cases only (once when no line has a range).
    """
    lines = np.flatnonzero(table.uncertain)
    rows = np.ones((3 + 2 * lines.size, table.low.size))
    rows[:3] = np.stack([table.case(case) for case in CASES])
    bars = np.arange(lines.size)
    rows[3 + 2 * bars, lines] = table.low[lines]
    rows[4 + 2 * bars, lines] = table.high[lines]
    out = table.evaluate(rows, with_irr=False)
    irr = irr_rows(out.net_flow[:3] if lines.size else out.net_flow[1:2])
    cases = {
        case: CaseResult(
            npv=float(out.npv[k]),
            roi=_number(out.roi[k]),
            irr=_number(irr[k if lines.size else 0]),
            payback=_number(out.payback[k]),
        )
        for k, case in enumerate(CASES)
    }
    pv_costs, pv_benefits = float(out.pv_costs[1]), float(out.pv_benefits[1])
    tornado = [
        TornadoBar(
            label=table.labels[i],
            side=table.sides[i],
            npv_low=float(low),
            npv_high=float(high),
            low=float(table.low[i]),
            high=float(table.high[i]),
            index=table.indexes[i],
        )
        for i, (low, high) in zip(lines, out.npv[3:].reshape(-1, 2), strict=True)
    ]
    line_swings = (table.high - table.low) * np.abs(table.present_values())
    swings = [float(line_swings[i]) for i in lines]
    tornado += assumptions
    swings += [abs(bar.npv_high - bar.npv_low) for bar in assumptions]
    order = sorted(range(len(tornado)), key=lambda k: -swings[k])
    return Sensitivity(
        cases=Cases(**cases),
        tornado=[tornado[k] for k in order],
        breakeven=Breakeven(
            benefits_factor=pv_costs / pv_benefits if pv_benefits else None,
            costs_factor=pv_benefits / pv_costs if pv_costs else None,
        ),
    )
