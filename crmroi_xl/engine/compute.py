"""From a scenario to its results: yearly flows, headline metrics, KPIs, channels.

Each line's yearly amounts come from :mod:`crmroi_xl.engine.flows` (the rule the
workbooks follow), their year-by-year sums go through the one yearly model
(:func:`crmroi_xl.engine.yearly.evaluate`: net flow, present values, NPV, ROI,
payback, IRR), and this module adds what depends on the scenario alone: the
customer economics, the channels, the KPIs, the points to review and the
sensitivity.

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
from collections.abc import Callable

from ..errors import CrmRoiError, InputError
from ..finance import kpis as kpi_functions
from ..finance import metrics
from ..scenario import drivers
from ..scenario.model import Channel, Kpi, Scenario
from . import yearly
from .assumption_bars import assumption_bars
from .flows import MARGIN_VOLUMES, Members, benefit_base, capital_flows, scenario_flows
from .results import AfterTax, ChannelResult, KpiResult, Pnl, Results
from .sensitivity import CASES, Case, LineTable, Sensitivity, analyse

__all__ = ["compute"]


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


def _defined(
    undefined: _Undefined, key: str, value: float, why: Callable[[], float]
) -> float | None:
    """The yearly model's ``value`` of a metric, or None where it is NaN, with the reason
    the metric itself gives (``why`` calls it: only to say why, never for the number)."""
    if not math.isnan(value):
        return float(value)
    try:
        why()
    except CrmRoiError as error:
        undefined.note(key, error.message, error.reason)
    else:  # the metric would define it: never seen, but say so rather than hide it
        undefined.note(key, "not defined by the yearly model", "undefined")
    return None


def compute(scenario: Scenario, *, case: Case = "base", members: Members = None) -> Results:
    """Compute every result of a scenario (see the module docstring for the rules);
    ``case``: the results of the pessimistic or optimistic case instead of the base;
    ``members``: which cost and benefit lines count (the others stay listed, zero: a
    workbook holding every option of a choice shows the selected one's this way)."""
    if case not in CASES:
        raise InputError(f"case: one of {', '.join(CASES)}, got {case!r}")
    if scenario.options:
        names = ", ".join(o.name for o in scenario.options)
        raise InputError(
            f"options: the scenario compares options ({names}); `crmroi compute` shows them "
            "side by side (crmroi_xl.engine.options.compare); workbooks and simulations take "
            "one option at a time: give --option NAME"
        )
    a = scenario.assumptions
    undefined = _Undefined()
    flows = scenario_flows(scenario, case, members)
    kept = members[1] if members is not None else [True] * len(scenario.benefits)
    costs, benefits = flows.yearly("costs"), flows.yearly("benefits")
    row = yearly.evaluate([costs], [benefits], a.discount_rate)
    net = row.net_flow[0].tolist()
    present = row.present_values[0].tolist()
    total_costs, total_benefits = float(row.total_costs[0]), float(row.total_benefits[0])
    pv_costs, pv_benefits = float(row.pv_costs[0]), float(row.pv_benefits[0])
    irr = math.nan if row.irr is None else row.irr[0]
    payback = _defined(undefined, "payback", row.payback[0], lambda: metrics.payback(net))
    discounted_payback = _defined(
        undefined, "discounted_payback", row.discounted_payback[0], lambda: metrics.payback(present)
    )
    roas, cac, channels = _marketing(scenario, undefined)
    clv = _clv(scenario, undefined)
    clv_cac = None
    if clv is not None and cac is not None:
        clv_cac = _attempt(
            undefined, "clv_cac_ratio", lambda: kpi_functions.clv_cac_ratio(clv, cac)
        )
    elif "clv_cac_ratio" not in undefined:
        undefined.note("clv_cac_ratio", "needs both CLV and CAC", "needs_clv_cac")

    kpis = scenario.kpis_by_kind()
    full_margin = [
        line.label
        for line, keep in zip(scenario.benefits, kept, strict=True)
        if keep and line.gross_margin == 1 and any(getattr(line, f) > 0 for f in MARGIN_VOLUMES)
    ]
    kpi_driven = drivers.kpi_drivers(drivers.BENEFIT_DRIVERS)
    worsening = [
        line.label
        for line, keep in zip(scenario.benefits, kept, strict=True)
        if keep and line.driver in kpi_driven and benefit_base(line, kpis) < 0
    ]
    return Results(
        full_margin_revenue=full_margin,
        kpi_worsens=worsening,
        name=a.name,
        currency=a.currency,
        discount_rate=a.discount_rate,
        years=list(range(len(net))),
        calendar_years=[a.start_year + t for t in range(len(net))],
        cost_lines=flows.cost_lines,
        benefit_lines=flows.benefit_lines,
        costs=costs,
        direct_costs=flows.yearly("direct"),
        indirect_costs=flows.yearly("indirect"),
        benefits=benefits,
        uncounted_benefits=flows.yearly("uncounted"),
        net_flow=net,
        cumulative_flow=row.cumulative_flow[0].tolist(),
        discount_factors=row.discount_factors.tolist(),
        present_values=present,
        cumulative_present_values=row.cumulative_present_values[0].tolist(),
        total_costs=total_costs,
        total_benefits=total_benefits,
        net_benefit=math.fsum([*benefits, *(-c for c in costs)]),  # one rounding, not two
        pv_costs=pv_costs,
        pv_benefits=pv_benefits,
        roi=_defined(
            undefined, "roi", row.roi[0], lambda: metrics.roi(total_benefits, total_costs)
        ),
        roi_pv=_defined(
            undefined, "roi_pv", row.roi_pv[0], lambda: metrics.roi(pv_benefits, pv_costs)
        ),
        roas=roas,
        npv=float(row.npv[0]),
        irr=_defined(undefined, "irr", irr, lambda: metrics.irr(net)),
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
        sensitivity=_sensitivity(scenario, flows.base_costs, flows.base_benefits),
        **_finance(scenario, case, costs, benefits, payback, members),
    )


def _sensitivity(
    scenario: Scenario, costs: list[list[float]], benefits: list[list[float]]
) -> Sensitivity:
    """Cases, tornado (the lines' and the assumptions' bars) and break-even at base."""
    table = LineTable.of(scenario, costs, benefits)
    return analyse(table, assumption_bars(scenario, table))


def _finance(
    scenario: Scenario,
    case: Case,
    costs: list[float],
    benefits: list[float],
    payback: float | None,
    members: Members = None,
) -> dict[str, object]:
    """The finance view's results: the P&L and the after-tax flows when a tax rate is
    set, the payback counted from the go-live month (see :mod:`crmroi_xl.engine.yearly`)."""
    a = scenario.assumptions
    out: dict[str, object] = {"go_live_month": a.go_live_month}
    if payback is not None:  # go-live at the start of month m: m - 1 months into year 1
        out["payback_from_go_live_months"] = max(0.0, payback * 12 - (a.go_live_month - 1))
    if a.tax_rate is None:
        return out
    paid, spread = capital_flows(scenario, case, members)
    view = yearly.books([costs], [benefits], [paid], [spread], a.tax_rate, a.discount_rate)
    after = view.after_tax
    net, why = after.net_flow[0].tolist(), _Undefined()  # reasons: the pre-tax ones say it
    after_payback = _defined(why, "payback", after.payback[0], lambda: metrics.payback(net))
    irr = math.nan if after.irr is None else after.irr[0]
    out["after_tax"] = AfterTax(
        tax=view.tax[0].tolist(),
        net_flow=net,
        cumulative_flow=after.cumulative_flow[0].tolist(),
        present_values=after.present_values[0].tolist(),
        npv=float(after.npv[0]),
        irr=_defined(why, "irr", irr, lambda: metrics.irr(net)),
        roi=_defined(
            why,
            "roi",
            after.roi[0],
            lambda: metrics.roi(after.total_benefits[0], after.total_costs[0]),
        ),
        payback=after_payback,
        payback_months=None if after_payback is None else after_payback * 12,
    )
    out["pnl"] = Pnl(
        ebitda_impact=view.ebitda[0].tolist(),
        depreciation=view.depreciation[0].tolist(),
        ebit_impact=view.ebit[0].tolist(),
        tax=view.tax[0].tolist(),
        net_income_impact=view.net_income[0].tolist(),
    )
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
