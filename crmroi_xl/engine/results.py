"""What the engine gives: the results of a scenario, its lines, KPIs and channels.

Every number is in the scenario's currency; rates and shares are fractions;
yearly lists run over years 0 .. horizon. A metric the scenario cannot define
is None, and :attr:`Results.undefined` says why (:attr:`Results.reasons` as a
code the same in every language).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .sensitivity import Sensitivity

__all__ = [
    "FINANCE_KEYS",
    "JSON_FIRST",
    "AfterTax",
    "ChannelResult",
    "KpiResult",
    "LineFlows",
    "Pnl",
    "Results",
]

#: The keys ``crmroi compute --json`` prints first, in this order: the headline
#: metrics every script may rely on.
JSON_FIRST = ("roi", "roas", "npv", "irr", "payback", "clv", "cac")


#: The finance view's keys: in the results (and ``compute --json``) only when the
#: scenario asks for them (a tax rate; a go-live month after the first).
FINANCE_KEYS = ("after_tax", "pnl", "payback_from_go_live_months")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AfterTax(_Frozen):
    """The after-tax view (a tax rate is set): yearly tax and after-tax flows, and the
    headline metrics on them."""

    tax: list[float]
    net_flow: list[float]
    cumulative_flow: list[float]
    present_values: list[float]
    npv: float
    irr: float | None
    roi: float | None
    payback: float | None
    payback_months: float | None


class Pnl(_Frozen):
    """The project's impact on the income statement, year by year (a tax rate is set):
    EBITDA (benefits - expensed costs), depreciation, EBIT, tax, net income."""

    ebitda_impact: list[float]
    depreciation: list[float]
    ebit_impact: list[float]
    tax: list[float]
    net_income_impact: list[float]


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
    #: The finance view (:data:`FINANCE_KEYS`): None when the scenario does not ask.
    after_tax: AfterTax | None = None
    pnl: Pnl | None = None
    payback_from_go_live_months: float | None = None
    go_live_month: int = Field(1, exclude=True)  # not dumped: says whether to show it
    sensitivity: Sensitivity

    def shown_finance_keys(self) -> list[str]:
        """The finance keys ``compute --json`` prints: the after-tax view and the P&L when
        a tax rate is set, the payback from go-live when go-live is after month 1."""
        keys = ["after_tax", "pnl"] if self.after_tax is not None else []
        return keys + (["payback_from_go_live_months"] if self.go_live_month > 1 else [])

    def headline(self) -> dict[str, float | None]:
        """The headline metrics under their contract names, in ``compute --json``'s order."""
        return {key: getattr(self, key) for key in JSON_FIRST}
