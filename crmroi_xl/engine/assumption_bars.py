r"""The tornado's bars of three assumptions: the discount rate, the adoption ramp-up and
the benefit risk, each alone at the low then the high end of its range, every line at
base.

The ranges (blank fields take the defaults, bounded to what the model accepts):

=================  =========================================  =========================
driver             fields                                     default
=================  =========================================  =========================
discount rate      ``discount_rate_low`` / ``_high``          rate - 3 / + 3 points
adoption ramp-up   ``adoption_low`` / ``adoption_high``       x 0.8 / x 1.1 every year
benefit risk       ``benefit_risk_low`` / ``_high``           risk - 10 / + 10 points
=================  =========================================  =========================

Each end is what ``compute`` gives on the scenario edited to it (the tests check it),
by the formulas the workbook's Sensitivity sheet writes natively:

* **discount rate** :math:`r'`: :math:`NPV = \sum_t net_t (1 + r')^{-t}`, the base
  yearly net flows (counted benefits less costs) discounted at :math:`r'`;
* **adoption** factor :math:`f`: year *t*'s share :math:`a_t` becomes
  :math:`\min(1, f a_t)`, and only the benefits that ramp up (``ramp_up``, counted)
  follow it: :math:`NPV = NPV_{base} + \sum_t R_t (\min(1, f a_t) / a_t - 1) DF_t`,
  :math:`R_t` their base total of year *t* (a share of 0 stays 0);
* **benefit risk** :math:`k'`: every benefit is :math:`\times (1 - k')` instead of
  :math:`(1 - k)`: :math:`NPV = NPV_{base} + PV_{benefits} ((1 - k') / (1 - k) - 1)`;
  no bar at a risk of 100 % (no benefit is left to scale).

Sorted with the lines' bars on their swing ``|npv_high - npv_low|``, after the lines on
ties (:func:`crmroi_xl.engine.sensitivity.analyse`).

>>> from crmroi_xl.scenario.model import Scenario
>>> s = Scenario.model_validate({
...     "assumptions": {"name": "Seeds", "horizon_years": 2, "discount_rate": 0.1,
...                     "adoption": [0.5, 1.0], "benefit_risk": 0.2},
...     "costs": [{"label": "CRM", "category": "licences", "one_off": 100_000}],
...     "benefits": [{"label": "Gains", "category": "cost_reduction",
...                   "amount_per_year": 100_000}],
... })
>>> from crmroi_xl.engine.sensitivity import LineTable
>>> table = LineTable.of(s, [[100_000.0, 0.0, 0.0]], [[0.0, 40_000.0, 80_000.0]])
>>> [(b.label, b.low, round(b.high, 4), round(b.npv_low, 2), round(b.npv_high, 2))
...  for b in assumption_bars(s, table)]  # doctest: +NORMALIZE_WHITESPACE
[("Taux d'actualisation", 0.07, 0.13, 7258.28, -1950.04),
 ("Rythme d'adoption (montée en charge)", 0.8, 1.1, -18016.53, 6115.7),
 ('Risque sur les bénéfices', 0.1, 0.3, 15289.26, -10330.58)]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..finance.rows import Array, npv_rows
from ..scenario.assumptions import Assumptions
from ..scenario.labels import Lang, label
from ..scenario.model import Scenario
from .sensitivity import LineTable, TornadoBar

__all__ = [
    "ADOPTION_RANGE",
    "ASSUMPTION_DRIVERS",
    "POINTS",
    "AssumptionDriver",
    "assumption_bars",
    "assumption_range",
    "npv_at",
]

AssumptionDriver = Literal["discount_rate", "adoption", "benefit_risk"]
#: The assumptions with a bar, in the order of the workbook's detail (and of ties).
ASSUMPTION_DRIVERS: tuple[AssumptionDriver, ...] = ("discount_rate", "adoption", "benefit_risk")
#: The default half-width of the discount rate's and the benefit risk's ranges.
POINTS = {"discount_rate": 0.03, "benefit_risk": 0.10}
#: The default factors on the adoption shares.
ADOPTION_RANGE = (0.8, 1.1)


def assumption_range(a: Assumptions, key: AssumptionDriver) -> tuple[float, float]:
    """The low and high end of an assumption's range (its fields, else the default).

    >>> a = Assumptions(name="x", discount_rate=0.02, benefit_risk=0.95, adoption_high=1.5)
    >>> assumption_range(a, "discount_rate"), assumption_range(a, "benefit_risk")
    ((0.0, 0.05), (0.85, 1.0))
    >>> assumption_range(a, "adoption")
    (0.8, 1.5)
    """
    low, high = getattr(a, f"{key}_low"), getattr(a, f"{key}_high")
    if key == "adoption":
        return (
            ADOPTION_RANGE[0] if low is None else low,
            ADOPTION_RANGE[1] if high is None else high,
        )
    value: float = getattr(a, key)
    return (
        max(0.0, value - POINTS[key]) if low is None else low,
        min(1.0, value + POINTS[key]) if high is None else high,
    )


def npv_at(scenario: Scenario, table: LineTable, key: AssumptionDriver, value: float) -> float:
    """The NPV with the assumption ``key`` at ``value`` (a rate, an adoption factor, a
    risk), every line at base, by the module's formulas (the caller skips a benefit
    risk of 100 %).

    >>> from crmroi_xl.scenario.model import Scenario
    >>> s = Scenario.model_validate({"assumptions": {"name": "x", "horizon_years": 1,
    ...     "discount_rate": 0.1}, "costs": [{"label": "C", "category": "licences",
    ...     "one_off": 100}], "benefits": [{"label": "B", "category": "cost_reduction",
    ...     "amount_per_year": 121}]})
    >>> t = LineTable.of(s, [[100.0, 0.0]], [[0.0, 121.0]])
    >>> round(npv_at(s, t, "discount_rate", 0.21), 6), round(npv_at(s, t, "benefit_risk", 0.5), 6)
    (0.0, -45.0)
    """
    return _Base.of(scenario, table).at(key, value)


@dataclass(frozen=True)
class _Base:
    """What every end reads, derived once: the base NPV, the counted benefits' PV, the
    yearly net flows, the ramp-up benefits, the adoption shares and discount factors."""

    npv: float
    pv_benefits: float
    net: Array
    ramp: Array
    shares: Array
    factors: Array
    rate: float
    risk: float

    @classmethod
    def of(cls, scenario: Scenario, table: LineTable) -> _Base:
        a = scenario.assumptions
        split = table.cost_flows.shape[0]
        pv = table.present_values()
        ramps = [k for k, i in enumerate(table.indexes[split:]) if scenario.benefits[i].ramp_up]
        return cls(
            npv=math.fsum(pv[split:]) - math.fsum(pv[:split]),
            pv_benefits=math.fsum(pv[split:]),
            net=table.benefit_flows.sum(axis=0) - table.cost_flows.sum(axis=0),
            ramp=table.benefit_flows[ramps].sum(axis=0),
            shares=np.array([1.0, *a.adoption]),
            factors=np.power(
                1.0 + a.discount_rate, -np.arange(table.cost_flows.shape[1], dtype=np.float64)
            ),
            rate=a.discount_rate,
            risk=a.benefit_risk,
        )

    def at(self, key: AssumptionDriver, value: float) -> float:
        if key == "discount_rate":
            return float(npv_rows(value, self.net[None, :])[0])
        if key == "adoption":
            scaled = np.minimum(1.0, self.shares * value)
            with np.errstate(all="ignore"):
                change = np.where(self.shares == 0, 0.0, self.ramp * (scaled / self.shares - 1.0))
            return self.npv + math.fsum(change * self.factors)
        return self.npv + self.pv_benefits * ((1 - value) / (1 - self.risk) - 1)


def assumption_bars(
    scenario: Scenario, table: LineTable, lang: Lang | None = None
) -> list[TornadoBar]:
    """The three assumptions' bars (see the module docstring), labelled in ``lang``
    (default the scenario's language); ``index`` is the place in ``ASSUMPTION_DRIVERS``."""
    a = scenario.assumptions
    words: Lang = lang or a.language
    base = _Base.of(scenario, table)
    bars = []
    for index, key in enumerate(ASSUMPTION_DRIVERS):
        if key == "benefit_risk" and a.benefit_risk == 1:
            continue
        low, high = assumption_range(a, key)
        bars.append(
            TornadoBar(
                label=label(f"tornado_{key}", words),
                side="assumption",
                npv_low=base.at(key, low),
                npv_high=base.at(key, high),
                low=low,
                high=high,
                index=index,
            )
        )
    return bars
