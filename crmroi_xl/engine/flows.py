"""Each line's yearly amounts: the one place a cost or benefit line becomes flows.

One consistent rule per row along the years ``0 .. horizon``, the rule the
workbooks' formulas follow:

* cost line, year t: ``(one-off if t = one_off_year, plus the recurring
  amount) x (1 + cost_risk)``; the recurring amount is
  ``base_t x (1 + annual_increase)^max(0, t - increase_from_year + 1)`` from
  ``start_year`` for ``years`` years (to the horizon if empty), where
  ``base_t`` is the driver's amount of year t (:mod:`crmroi_xl.scenario.drivers`:
  ``amount_per_year``, ``seats_t x price_per_seat_month x 12``, ``hours_per_year
  x hourly_rate``) and ``increase_from_year`` is ``start_year + 1`` if empty;
* benefit line, from ``start_year`` for ``years`` years (to the horizon if
  empty), never in year 0:
  ``base x (1 + annual_growth)^(t - start_year) x adoption_t x (1 - benefit_risk)``,
  adoption left out when ``ramp_up`` is off, ``base`` the driver's amount
  (an amount, extra sales, hours saved x the share realised, or a KPI's change
  before/after the CRM turned into money);
* go-live (``assumptions.go_live_month``, m): in year 1, every benefit and the
  recurring amount of a cost line ``from_go_live`` count ``(13 - m) / 12`` of
  their year (a one-off never); month 1 changes nothing;
* a benefit's base may change with the year: the ``churn`` driver counts the
  customers kept from earlier years (:func:`~crmroi_xl.scenario.drivers.kept_share`);
* in a sensitivity case, every amount of a line times its multiplier in that
  case (:func:`~crmroi_xl.engine.sensitivity.case_multiplier`).

:func:`scenario_flows` gives every line's flows; :mod:`crmroi_xl.engine.yearly`
turns their sums into the net flow and the metrics.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..scenario import drivers
from ..scenario.model import BenefitLine, CostLine, Kpi, Scenario
from .results import LineFlows
from .sensitivity import Case, Side, case_multiplier

__all__ = [
    "MARGIN_VOLUMES",
    "Members",
    "ScenarioFlows",
    "benefit_base",
    "benefit_flows",
    "capital_flows",
    "column_sums",
    "cost_base",
    "cost_flows",
    "depreciation_flows",
    "scenario_flows",
]


#: Volumes a gross margin applies to (extra sales, opportunities, leads).
MARGIN_VOLUMES = ("extra_sales_per_month", "opportunities_per_year", "leads_per_year")


def cost_base(line: CostLine, t: int = 1) -> float:
    """Recurring amount of a cost line in year ``t`` before increase and risk (its
    driver's rule; seats may ramp up year by year).

    >>> from crmroi_xl.scenario.model import CostLine
    >>> cost_base(CostLine(label="CRM", category="licences", seats=20, price_per_seat_month=50))
    12000.0
    """
    return float(drivers.COST[line.driver].base(line, {}, t))


def benefit_base(line: BenefitLine, kpis: Mapping[str, Kpi] | None = None) -> float:
    """Yearly amount of a benefit line before growth, adoption and risk (its driver's
    rule; a KPI-driven driver reads the KPI of its kind in ``kpis``).

    The source method's case, 5 more sales a month at 1 000 EUR:

    >>> from crmroi_xl.scenario.model import BenefitLine
    >>> benefit_base(BenefitLine(label="Ventes", category="incremental_revenue",
    ...                          extra_sales_per_month=5, average_deal_value=1000))
    60000.0
    """
    return float(drivers.BENEFIT[line.driver].base(line, kpis or {}, 1))


def _last_year(start: int, years: int | None, horizon: int) -> int:
    return horizon if years is None else min(horizon, start + years - 1)


def cost_flows(line: CostLine, horizon: int, risk: float, go_live: float = 1.0) -> list[float]:
    """A cost line's amounts in years 0 .. horizon, risk-adjusted (the module's rule).

    A phase-2 module from year 3, with a one-off in year 2 and a price frozen for
    two years:

    >>> from crmroi_xl.scenario.model import CostLine
    >>> line = CostLine(label="Phase 2", category="licences", one_off=5_000, one_off_year=2,
    ...                 amount_per_year=1_000, start_year=3, annual_increase=0.1,
    ...                 increase_from_year=5)
    >>> [round(v, 2) for v in cost_flows(line, 5, 0.0)]
    [0.0, 0.0, 5000.0, 1000.0, 1000.0, 1100.0]

    Licences from a go-live in month 7 (``go_live`` = (13 - 7) / 12): half of year 1.

    >>> crm = CostLine(label="CRM", category="licences", amount_per_year=12_000, one_off=500)
    >>> cost_flows(crm, 2, 0.0, 0.5)
    [500.0, 6000.0, 12000.0]
    """
    start, last = line.start_year, _last_year(line.start_year, line.years, horizon)
    increase_from = line.increase_from_year or start + 1
    out = []
    for t in range(horizon + 1):
        one = line.one_off if t == line.one_off_year else 0.0
        recurring = 0.0
        if start <= t <= last:
            growth = (1 + line.annual_increase) ** max(0, t - increase_from + 1)
            recurring = cost_base(line, t) * growth
            if t == 1 and line.from_go_live:
                recurring *= go_live
        out.append((one + recurring) * (1 + risk))
    return out


def benefit_flows(
    line: BenefitLine,
    adoption: list[float],
    risk: float,
    kpis: Mapping[str, Kpi],
    go_live: float = 1.0,
) -> list[float]:
    """A benefit line's amounts in years 0 .. horizon, risk-adjusted (the module's rule).

    >>> from crmroi_xl.scenario.model import BenefitLine
    >>> legacy = BenefitLine(label="Legacy tools retired", category="cost_reduction",
    ...                      amount_per_year=10_000, start_year=2, ramp_up=False)
    >>> benefit_flows(legacy, [0.5, 0.8, 1.0], 0.0, {})
    [0.0, 0.0, 10000.0, 10000.0]
    >>> benefit_flows(legacy.model_copy(update={"start_year": 1}), [1.0, 1.0], 0.0, {}, 0.25)
    [0.0, 2500.0, 10000.0]
    """
    driver = drivers.BENEFIT[line.driver]
    horizon = len(adoption)
    start, last = line.start_year, _last_year(line.start_year, line.years, horizon)
    yearly = [
        float(driver.base(line, kpis, t))
        * (go_live if t == 1 else 1.0)
        * (1 + line.annual_growth) ** (t - start)
        * (share if line.ramp_up else 1.0)
        * (1 - risk)
        if start <= t <= last
        else 0.0
        for t, share in enumerate(adoption, start=1)
    ]
    return [0.0, *yearly]


def _line_flows(
    line: CostLine | BenefitLine,
    nature: str | None,
    counted: bool,
    values: list[float],
    factors: list[float],
) -> LineFlows:
    return LineFlows(
        label=line.label,
        category=line.category.value,
        nature=nature,
        counted=counted,
        values=values,
        total=math.fsum(values),
        present_value=math.fsum(v * f for v, f in zip(values, factors, strict=True)),
    )


def _in_case(
    case: Case, side: Side, lines: Sequence[CostLine | BenefitLine], values: list[list[float]]
) -> list[list[float]]:
    """Each line's yearly values times its multiplier in ``case`` (unchanged at base)."""
    if case == "base":
        return values
    return [
        [v * case_multiplier(case, side, line.low, line.high) for v in row]
        for line, row in zip(lines, values, strict=True)
    ]


def column_sums(rows: list[list[float]], width: int) -> list[float]:
    """Each year's exact sum over ``rows`` (``math.fsum``: no rounding in between).

    >>> column_sums([[0.1, 1.0], [0.2, 2.0]], 2)
    [0.30000000000000004, 3.0]
    """
    return [math.fsum(row[t] for row in rows) for t in range(width)]


@dataclass(frozen=True)
class ScenarioFlows:
    """Every line's flows in a case (``cost_lines``, ``benefit_lines``), and every
    line's base-case values (``base_costs``, ``base_benefits``: the sensitivity reads
    them), with the discount factors of years 0 .. horizon."""

    cost_lines: list[LineFlows]
    benefit_lines: list[LineFlows]
    base_costs: list[list[float]]
    base_benefits: list[list[float]]
    factors: list[float]

    def yearly(self, key: str) -> list[float]:
        """The year-by-year sum of the ``costs``, the counted ``benefits``, the
        ``uncounted`` benefits, the ``direct`` or the ``indirect`` costs."""
        lines = {
            "costs": self.cost_lines,
            "benefits": [b for b in self.benefit_lines if b.counted],
            "uncounted": [b for b in self.benefit_lines if not b.counted],
            "direct": [c for c in self.cost_lines if c.nature == "direct"],
            "indirect": [c for c in self.cost_lines if c.nature == "indirect"],
        }[key]
        return column_sums([line.values for line in lines], len(self.factors))


#: Which cost lines and which benefit lines count (None: all): a workbook holding every
#: option of a choice lays out all their lines and counts the selected option's.
Members = tuple[Sequence[bool], Sequence[bool]] | None


def _kept_rows(rows: list[list[float]], kept: Sequence[bool] | None) -> list[list[float]]:
    """``rows`` with the lines not ``kept`` zero in every year."""
    if kept is None:
        return rows
    return [row if keep else [0.0] * len(row) for row, keep in zip(rows, kept, strict=True)]


def scenario_flows(
    scenario: Scenario, case: Case = "base", members: Members = None
) -> ScenarioFlows:
    """Every line of ``scenario`` over years 0 .. horizon, in ``case``; with
    ``members``, the lines it leaves out are zero (they stay listed, in their place).

    >>> from crmroi_xl.scenario.model import Scenario
    >>> s = Scenario.model_validate({
    ...     "assumptions": {"name": "Seeds", "horizon_years": 1, "discount_rate": 0.1},
    ...     "costs": [{"label": "CRM", "category": "licences", "one_off": 50_000, "high": 1.2}],
    ... })
    >>> flows = scenario_flows(s, "pessimistic")
    >>> flows.cost_lines[0].values, flows.base_costs, flows.yearly("costs")
    ([60000.0, 0.0], [[50000.0, 0.0]], [60000.0, 0.0])
    """
    a = scenario.assumptions
    horizon, rate = a.horizon_years, a.discount_rate
    factors = [1 / (1 + rate) ** t for t in range(horizon + 1)]
    kpis = scenario.kpis_by_kind()
    go_live = a.go_live_share
    base_costs = [cost_flows(line, horizon, a.cost_risk, go_live) for line in scenario.costs]
    base_benefits = [
        benefit_flows(line, a.adoption, a.benefit_risk, kpis, go_live) for line in scenario.benefits
    ]
    if members is not None:
        base_costs = _kept_rows(base_costs, members[0])
        base_benefits = _kept_rows(base_benefits, members[1])
    costs = _in_case(case, "cost", scenario.costs, base_costs)
    benefits = _in_case(case, "benefit", scenario.benefits, base_benefits)
    return ScenarioFlows(
        cost_lines=[
            _line_flows(line, line.nature, True, values, factors)
            for line, values in zip(scenario.costs, costs, strict=True)
        ],
        benefit_lines=[
            _line_flows(line, None, line.include_in_roi, values, factors)
            for line, values in zip(scenario.benefits, benefits, strict=True)
        ],
        base_costs=base_costs,
        base_benefits=base_benefits,
        factors=factors,
    )


def depreciation_flows(line: CostLine, horizon: int, amount: float) -> list[float]:
    """A capitalised one-off's depreciation in years 0 .. horizon: straight line over
    ``depreciation_years`` from the year after it is paid (``amount``: the one-off as
    paid, risk and case included); years past the horizon are not counted.

    A set-up of 30 000 paid in year 0 over 3 years, on a 4-year horizon:

    >>> from crmroi_xl.scenario.model import CostLine
    >>> setup = CostLine(label="Set-up", category="implementation", one_off=30_000,
    ...                  capitalised=True, depreciation_years=3)
    >>> depreciation_flows(setup, 4, 30_000.0)
    [0.0, 10000.0, 10000.0, 10000.0, 0.0]
    """
    years = line.depreciation_years or 0
    if not line.capitalised or not years:
        return [0.0] * (horizon + 1)
    paid = line.one_off_year
    return [amount / years if paid < t <= paid + years else 0.0 for t in range(horizon + 1)]


def capital_flows(
    scenario: Scenario, case: Case = "base", members: Members = None
) -> tuple[list[float], list[float]]:
    """The capitalised one-offs as paid (cash, in their year) and their depreciation,
    year by year over every cost line of ``scenario`` in ``case`` (with ``members``:
    the cost lines it keeps).

    >>> from crmroi_xl.scenario.model import Scenario
    >>> s = Scenario.model_validate({
    ...     "assumptions": {"name": "Books", "horizon_years": 2, "cost_risk": 0.1},
    ...     "costs": [{"label": "Set-up", "category": "implementation", "one_off": 20_000,
    ...                "capitalised": True, "depreciation_years": 2}],
    ... })
    >>> capital_flows(s)
    ([22000.0, 0.0, 0.0], [0.0, 11000.0, 11000.0])
    """
    a = scenario.assumptions
    horizon = a.horizon_years
    paid, spread = [], []
    kept = [True] * len(scenario.costs) if members is None else members[0]
    for line, keep in zip(scenario.costs, kept, strict=True):
        if not line.capitalised or not keep:
            continue
        amount = (
            line.one_off * (1 + a.cost_risk) * case_multiplier(case, "cost", line.low, line.high)
        )
        paid.append([amount if t == line.one_off_year else 0.0 for t in range(horizon + 1)])
        spread.append(depreciation_flows(line, horizon, amount))
    return column_sums(paid, horizon + 1), column_sums(spread, horizon + 1)
