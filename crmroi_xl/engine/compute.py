"""From a scenario to its results: yearly flows, headline metrics, KPIs, channels.

Each yearly figure is computed the way the workbooks compute it, one
consistent rule per row along the years ``0 .. horizon``:

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
* net flow = counted benefits - costs; discount factor ``1 / (1 + rate)^t``.

``compute(scenario, case="pessimistic")`` (or ``"optimistic"``) gives the results
of one of the sensitivity cases: every line's amounts times its multiplier in
that case (:func:`~crmroi_xl.engine.sensitivity.case_multiplier`: a cost at its
``high`` and a benefit at its ``low`` when pessimistic), as a workbook whose
case selector ``In_Case`` shows that case computes them. Its ``sensitivity``
stays relative to the base case.

A metric the scenario cannot define (no channel, so no ROAS; flows that never
pay back) is ``None`` and :attr:`Results.undefined` says why.

>>> from crmroi_xl.scenario.model import Scenario
>>> s = Scenario.model_validate({
...     "assumptions": {"name": "Seeds", "horizon_years": 1, "discount_rate": 0},
...     "costs": [{"label": "CRM", "category": "licences", "one_off": 50_000}],
...     "benefits": [{"label": "Gains", "category": "cost_reduction",
...                   "amount_per_year": 200_000}],
... })
>>> r = compute(s)
>>> r.roi, r.net_flow, r.payback
(3.0, [-50000.0, 200000.0], 0.25)
>>> r.undefined["roas"], r.reasons["roas"]
('no marketing channel', 'no_channel')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from ..errors import CrmRoiError, InputError
from ..finance import kpis as kpi_functions
from ..finance import metrics
from ..scenario import drivers
from ..scenario.model import BenefitLine, Channel, CostLine, Kpi, Scenario
from .sensitivity import CASES, Case, LineTable, Sensitivity, Side, analyse, case_multiplier

__all__ = [
    "JSON_FIRST",
    "MARGIN_VOLUMES",
    "ChannelResult",
    "KpiResult",
    "LineFlows",
    "Results",
    "benefit_base",
    "benefit_flows",
    "compute",
    "cost_base",
    "cost_flows",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LineFlows(_Frozen):
    """One cost or benefit line over the years 0 .. horizon, risk-adjusted: its
    amounts, their total and their present value at the discount rate."""

    label: str
    category: str
    nature: str | None
    counted: bool
    values: list[float]
    total: float
    present_value: float


class KpiResult(_Frozen):
    """A KPI before and after the CRM."""

    kind: str
    label: str | None
    unit: str
    before: float
    after: float
    change: float
    relative_change: float | None
    improved: bool | None


class ChannelResult(_Frozen):
    """A marketing channel's return."""

    name: str
    spend: float
    attributed_revenue: float
    new_customers: float
    roas: float | None
    roi: float | None
    cac: float | None


#: The keys ``crmroi compute --json`` prints first, in this order: the headline metrics
#: under the names scripts rely on (public interface: renaming one breaks them).
JSON_FIRST = ("roi", "roas", "npv", "irr", "payback", "clv", "cac")


class Results(_Frozen):
    """Everything the engine derives from a scenario. Rates are fractions."""

    name: str
    currency: str
    discount_rate: float
    years: list[int]
    calendar_years: list[int]
    cost_lines: list[LineFlows]
    benefit_lines: list[LineFlows]
    costs: list[float]
    direct_costs: list[float]
    indirect_costs: list[float]
    benefits: list[float]
    uncounted_benefits: list[float]
    net_flow: list[float]
    cumulative_flow: list[float]
    discount_factors: list[float]
    present_values: list[float]
    cumulative_present_values: list[float]
    total_costs: float
    total_benefits: float
    net_benefit: float
    pv_costs: float
    pv_benefits: float
    roi: float | None
    roi_pv: float | None
    roas: float | None
    npv: float
    irr: float | None
    payback: float | None
    payback_months: float | None
    discounted_payback: float | None
    clv: float | None
    cac: float | None
    clv_cac_ratio: float | None
    kpis: list[KpiResult]
    channels: list[ChannelResult]
    undefined: dict[str, str]
    #: Why each undefined metric is undefined, as a code the same in every language
    #: (``no_channel``, ``zero_costs`` ...; :mod:`crmroi_xl.scenario.labels` words it).
    reasons: dict[str, str]
    #: Benefit lines whose extra sales count as revenue at 100 % margin (no gross
    #: margin given): a default that flatters the ROI, flagged for review.
    full_margin_revenue: list[str] = []
    kpi_worsens: list[str] = []  # lines whose KPI worsens: a negative benefit
    sensitivity: Sensitivity

    def headline(self) -> dict[str, float | None]:
        """The headline metrics under their public names, in ``compute --json``'s order
        (:data:`JSON_FIRST`)."""
        return {key: getattr(self, key) for key in JSON_FIRST}


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


def cost_flows(line: CostLine, horizon: int, risk: float) -> list[float]:
    """A cost line's amounts in years 0 .. horizon, risk-adjusted (the rule above).

    A phase-2 module from year 3, with a one-off in year 2 and a price frozen for
    two years:

    >>> from crmroi_xl.scenario.model import CostLine
    >>> line = CostLine(label="Phase 2", category="licences", one_off=5_000, one_off_year=2,
    ...                 amount_per_year=1_000, start_year=3, annual_increase=0.1,
    ...                 increase_from_year=5)
    >>> [round(v, 2) for v in cost_flows(line, 5, 0.0)]
    [0.0, 0.0, 5000.0, 1000.0, 1000.0, 1100.0]
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
        out.append((one + recurring) * (1 + risk))
    return out


def benefit_flows(
    line: BenefitLine, adoption: list[float], risk: float, kpis: Mapping[str, Kpi]
) -> list[float]:
    """A benefit line's amounts in years 0 .. horizon, risk-adjusted (the rule above).

    >>> from crmroi_xl.scenario.model import BenefitLine
    >>> legacy = BenefitLine(label="Legacy tools retired", category="cost_reduction",
    ...                      amount_per_year=10_000, start_year=2, ramp_up=False)
    >>> benefit_flows(legacy, [0.5, 0.8, 1.0], 0.0, {})
    [0.0, 0.0, 10000.0, 10000.0]
    """
    base = benefit_base(line, kpis)
    horizon = len(adoption)
    start, last = line.start_year, _last_year(line.start_year, line.years, horizon)
    yearly = [
        base
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


def _column_sums(rows: list[list[float]], width: int) -> list[float]:
    return [math.fsum(row[t] for row in rows) for t in range(width)]


class _Undefined(dict[str, str]):
    """Why metrics are undefined: key -> message, and key -> reason code in ``reasons``."""

    def __init__(self) -> None:
        super().__init__()
        self.reasons: dict[str, str] = {}

    def note(self, key: str, message: str, reason: str) -> None:
        self[key] = message
        self.reasons[key] = reason


def _attempt(undefined: _Undefined, key: str, function: Callable[[], float]) -> float | None:
    """The metric's value, or None with the reason recorded under ``key``."""
    try:
        return function()
    except CrmRoiError as error:
        undefined.note(key, error.message, error.reason)
        return None


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


def compute(scenario: Scenario, *, case: Case = "base") -> Results:
    """Compute every result of a scenario (see the module docstring for the rules);
    ``case``: the results of the pessimistic or optimistic case instead of the base."""
    if case not in CASES:
        raise InputError(f"case: one of {', '.join(CASES)}, got {case!r}")
    a = scenario.assumptions
    horizon, rate = a.horizon_years, a.discount_rate
    width = horizon + 1
    undefined = _Undefined()

    factors = [1 / (1 + rate) ** t for t in range(width)]
    kpis = scenario.kpis_by_kind()
    base_costs = [cost_flows(line, horizon, a.cost_risk) for line in scenario.costs]
    base_benefits = [
        benefit_flows(line, a.adoption, a.benefit_risk, kpis) for line in scenario.benefits
    ]
    cost_lines = [
        _line_flows(line, line.nature, True, values, factors)
        for line, values in zip(
            scenario.costs, _in_case(case, "cost", scenario.costs, base_costs), strict=True
        )
    ]
    benefit_lines = [
        _line_flows(line, None, line.include_in_roi, values, factors)
        for line, values in zip(
            scenario.benefits,
            _in_case(case, "benefit", scenario.benefits, base_benefits),
            strict=True,
        )
    ]
    costs = _column_sums([line.values for line in cost_lines], width)
    benefits = _column_sums([line.values for line in benefit_lines if line.counted], width)
    uncounted = _column_sums([line.values for line in benefit_lines if not line.counted], width)
    net = [b - c for b, c in zip(benefits, costs, strict=True)]
    present = [flow * factor for flow, factor in zip(net, factors, strict=True)]
    total_costs, total_benefits = math.fsum(costs), math.fsum(benefits)
    pv_costs = math.fsum(c * f for c, f in zip(costs, factors, strict=True))
    pv_benefits = math.fsum(b * f for b, f in zip(benefits, factors, strict=True))

    payback = _attempt(undefined, "payback", lambda: metrics.payback(net))
    # on the present-value row, as the workbook does (same numbers, bit for bit)
    discounted_payback = _attempt(undefined, "discounted_payback", lambda: metrics.payback(present))
    roas, cac, channels = _marketing(scenario, undefined)
    clv = _clv(scenario, undefined)
    clv_cac = None
    if clv is not None and cac is not None:
        clv_cac = _attempt(
            undefined, "clv_cac_ratio", lambda: kpi_functions.clv_cac_ratio(clv, cac)
        )
    elif "clv_cac_ratio" not in undefined:
        undefined.note("clv_cac_ratio", "needs both CLV and CAC", "needs_clv_cac")

    full_margin = [
        line.label
        for line in scenario.benefits
        if line.gross_margin == 1 and any(getattr(line, f) > 0 for f in MARGIN_VOLUMES)
    ]
    kpi_driven = drivers.kpi_drivers(drivers.BENEFIT_DRIVERS)
    worsening = [
        line.label
        for line in scenario.benefits
        if line.driver in kpi_driven and benefit_base(line, kpis) < 0
    ]
    return Results(
        full_margin_revenue=full_margin,
        kpi_worsens=worsening,
        name=a.name,
        currency=a.currency,
        discount_rate=rate,
        years=list(range(width)),
        calendar_years=[a.start_year + t for t in range(width)],
        cost_lines=cost_lines,
        benefit_lines=benefit_lines,
        costs=costs,
        direct_costs=_column_sums([c.values for c in cost_lines if c.nature == "direct"], width),
        indirect_costs=_column_sums(
            [c.values for c in cost_lines if c.nature == "indirect"], width
        ),
        benefits=benefits,
        uncounted_benefits=uncounted,
        net_flow=net,
        cumulative_flow=_running_sum(net),
        discount_factors=factors,
        present_values=present,
        cumulative_present_values=_running_sum(present),
        total_costs=total_costs,
        total_benefits=total_benefits,
        net_benefit=total_benefits - total_costs,
        pv_costs=pv_costs,
        pv_benefits=pv_benefits,
        roi=_attempt(undefined, "roi", lambda: metrics.roi(total_benefits, total_costs)),
        roi_pv=_attempt(undefined, "roi_pv", lambda: metrics.roi(pv_benefits, pv_costs)),
        roas=roas,
        npv=metrics.npv(rate, net),
        irr=_attempt(undefined, "irr", lambda: metrics.irr(net)),
        payback=payback,
        payback_months=None if payback is None else payback * 12,
        discounted_payback=discounted_payback,
        clv=clv,
        cac=cac,
        clv_cac_ratio=clv_cac,
        kpis=[_kpi(k) for k in scenario.kpis],
        channels=channels,
        undefined=dict(undefined),
        reasons=undefined.reasons,
        sensitivity=analyse(LineTable.of(scenario, base_costs, base_benefits)),
    )


def _running_sum(values: list[float]) -> list[float]:
    total, out = 0.0, []
    for value in values:
        total += value
        out.append(total)
    return out


def _marketing(
    scenario: Scenario, undefined: _Undefined
) -> tuple[float | None, float | None, list[ChannelResult]]:
    channels = [_channel(c) for c in scenario.channels]
    spend = [c.spend for c in scenario.channels]
    if scenario.channels:
        revenue = [c.attributed_revenue for c in scenario.channels]
        roas = _attempt(undefined, "roas", lambda: metrics.roas(revenue, spend))
    else:
        roas = None
        undefined.note("roas", "no marketing channel", "no_channel")

    customers = scenario.customers
    acquisition = customers.acquisition_spend if customers else None
    new = customers.new_customers if customers else None
    if acquisition is None and scenario.channels:
        acquisition = math.fsum(spend)
    if new is None and scenario.channels:
        new = math.fsum(c.new_customers for c in scenario.channels)
    if acquisition is None or new is None:
        cac = None
        undefined.note("cac", "no acquisition spend and new customers given", "no_acquisition")
    else:
        cac = _attempt(undefined, "cac", lambda: metrics.cac(acquisition, new))
    return roas, cac, channels


def _channel(c: Channel) -> ChannelResult:
    why = _Undefined()  # a channel's undefined ratios are simply null
    return ChannelResult(
        name=c.name,
        spend=c.spend,
        attributed_revenue=c.attributed_revenue,
        new_customers=c.new_customers,
        roas=_attempt(why, "roas", lambda: metrics.roas(c.attributed_revenue, c.spend)),
        roi=_attempt(
            why, "roi", lambda: metrics.roi(c.attributed_revenue * c.gross_margin, c.spend)
        ),
        cac=_attempt(why, "cac", lambda: metrics.cac(c.spend, c.new_customers)),
    )


def _clv(scenario: Scenario, undefined: _Undefined) -> float | None:
    customers = scenario.customers
    if customers is None:
        undefined.note("clv", "no customer economics given", "no_customers")
        return None
    return _attempt(
        undefined,
        "clv",
        lambda: metrics.clv(
            customers.margin_per_customer,
            customers.retention_rate,
            scenario.assumptions.discount_rate,
            customers.clv_years,
        ),
    )


def _kpi(kpi: Kpi) -> KpiResult:
    change = kpi.after - kpi.before
    try:
        relative: float | None = kpi_functions.change(kpi.before, kpi.after)
    except CrmRoiError:
        relative = None
    improved = None if change == 0 else (change > 0) == kpi.higher_is_better
    return KpiResult(
        kind=kpi.kind.value,
        label=kpi.label,
        unit=kpi.unit,
        before=kpi.before,
        after=kpi.after,
        change=change,
        relative_change=relative,
        improved=improved,
    )
