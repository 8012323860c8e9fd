"""The engine against hand-worked cases (each expected value worked by hand below)."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy_financial as npf
import pytest
from hypothesis import given, settings

from crmroi_xl import compute, load_scenario
from crmroi_xl.scenario.model import Scenario
from tests.strategies import scenarios


def _run(**sections: Any) -> Any:
    assumptions = {"name": "Case", "discount_rate": 0.1, "start_year": 2026}
    assumptions |= sections.pop("assumptions", {})
    return compute(Scenario.model_validate({"assumptions": assumptions, **sections}))


def test_seeds_case_200k_benefits_on_50k_costs_is_300_percent() -> None:
    # Source method (seeds/002): ((200 000 - 50 000) / 50 000) x 100 = 300 %.
    r = _run(
        assumptions={"horizon_years": 1},
        costs=[{"label": "CRM", "category": "licences", "one_off": 50_000}],
        benefits=[{"label": "Gains", "category": "cost_reduction", "amount_per_year": 200_000}],
    )
    assert r.roi == 3.0
    assert r.total_costs == 50_000 and r.total_benefits == 200_000 and r.net_benefit == 150_000


def test_seeds_five_more_sales_a_month_at_1000_eur_is_60000_a_year() -> None:
    # Source method (seeds/000): 5 sales x 12 months x 1 000 EUR = 60 000 EUR a year.
    r = _run(
        benefits=[
            {
                "label": "Ventes",
                "category": "incremental_revenue",
                "extra_sales_per_month": 5,
                "average_deal_value": 1000,
            }
        ]
    )
    assert r.benefits == [0.0, 60_000.0, 60_000.0, 60_000.0]


def test_cost_drivers_increase_years_and_risk_by_hand() -> None:
    r = _run(
        assumptions={"horizon_years": 3, "cost_risk": 0.1},
        costs=[
            # 20 seats x 50 EUR x 12 = 12 000; +5 % a year: 12 000, 12 600, 13 230
            {
                "label": "Licences",
                "category": "licences",
                "seats": 20,
                "price_per_seat_month": 50,
                "annual_increase": 0.05,
            },
            # 100 h x 40 EUR = 4 000 in years 1 and 2 only, plus 2 500 one-off
            {
                "label": "Staff",
                "category": "internal_staff",
                "hours_per_year": 100,
                "hourly_rate": 40,
                "years": 2,
                "one_off": 2500,
            },
        ],
    )
    licences, staff = (line.values for line in r.cost_lines)
    assert licences == pytest.approx([0, 13_200, 13_860, 14_553])  # x 1.1 risk
    assert staff == pytest.approx([2_750, 4_400, 4_400, 0])
    assert r.costs == pytest.approx([2_750, 17_600, 18_260, 14_553])


def test_benefits_adoption_growth_and_risk_by_hand() -> None:
    r = _run(
        assumptions={"horizon_years": 3, "benefit_risk": 0.2, "adoption": [0.5, 1.0]},
        benefits=[
            # 300 h x 50 EUR = 15 000, +10 % a year, x adoption, x 0.8
            {
                "label": "Time",
                "category": "time_saved",
                "hours_saved_per_year": 300,
                "hourly_rate": 50,
                "annual_growth": 0.1,
            },
            # 2 x 12 x 500 x 40 % = 4 800, not counted (intangible, not included)
            {"label": "Brand", "category": "intangible", "amount_per_year": 4800},
        ],
    )
    assert r.benefits == pytest.approx([0, 6_000, 13_200, 14_520])
    assert r.uncounted_benefits == pytest.approx([0, 1_920, 3_840, 3_840])
    assert [line.counted for line in r.benefit_lines] == [True, False]


def test_intangible_benefit_counted_when_the_user_includes_it() -> None:
    r = _run(
        benefits=[
            {
                "label": "NPS",
                "category": "intangible",
                "amount_per_year": 1000,
                "include_in_roi": True,
            }
        ]
    )
    assert r.benefits == [0, 1000, 1000, 1000] and r.uncounted_benefits == [0, 0, 0, 0]


def test_yearly_flows_present_values_and_headline_metrics() -> None:
    # -50 000 today, +25 000 in each of 3 years, at 10 %.
    r = _run(
        costs=[{"label": "CRM", "category": "implementation", "one_off": 50_000}],
        benefits=[{"label": "Gains", "category": "cost_reduction", "amount_per_year": 25_000}],
    )
    assert r.net_flow == [-50_000, 25_000, 25_000, 25_000]
    assert r.cumulative_flow == [-50_000, -25_000, 0, 25_000]
    assert r.discount_factors == pytest.approx([1, 1 / 1.1, 1 / 1.21, 1 / 1.331])
    assert r.npv == pytest.approx(npf.npv(0.1, r.net_flow))  # numpy-financial: 12 171.30
    assert r.npv == pytest.approx(12_171.30, abs=0.005)
    assert r.irr == pytest.approx(npf.irr(r.net_flow), rel=1e-10)
    assert r.payback == 2.0 and r.payback_months == 24.0
    # discounted: -50 000 + 22 727.27 + 20 661.16 = -6 611.57, then 18 782.87 in year 3
    assert r.discounted_payback == pytest.approx(2 + 6_611.570248 / 18_782.870022)
    assert r.roi == 0.5
    assert r.pv_benefits == pytest.approx(62_171.30, abs=0.005)
    assert r.roi_pv == pytest.approx(12_171.30 / 50_000, rel=1e-6)
    assert sum(r.present_values) == pytest.approx(r.npv)
    assert r.calendar_years == [2026, 2027, 2028, 2029]


def test_undefined_metrics_are_none_with_a_reason() -> None:
    r = _run(costs=[{"label": "CRM", "category": "licences", "amount_per_year": 10}])
    assert (r.roas, r.clv, r.cac, r.irr, r.payback, r.discounted_payback) == (None,) * 6
    assert r.roi == -1.0
    assert r.undefined["roas"] == "no marketing channel"
    assert r.undefined["clv"] == "no customer economics given"
    assert "positive and one negative" in r.undefined["irr"]
    assert "never reaches zero" in r.undefined["payback"]


def test_no_cost_at_all_leaves_roi_undefined_not_infinite() -> None:
    r = _run(benefits=[{"label": "Gains", "category": "cost_reduction", "amount_per_year": 1}])
    assert r.roi is None and r.undefined["roi"].startswith("sum of costs is zero")
    assert r.payback == 0.0  # nothing to recover


def test_channels_by_hand() -> None:
    r = _run(
        channels=[
            # ROAS 20 000 / 5 000 = 4; ROI (20 000 x 0.5 - 5 000) / 5 000 = 1; CAC 5 000 / 25
            {
                "name": "LinkedIn",
                "spend": 5000,
                "attributed_revenue": 20_000,
                "new_customers": 25,
                "gross_margin": 0.5,
            },
            {"name": "Salon", "spend": 3000, "attributed_revenue": 0, "new_customers": 0},
        ],
        customers={"margin_per_customer": 1200, "retention_rate": 0.8},
    )
    linkedin, salon = r.channels
    assert (linkedin.roas, linkedin.roi, linkedin.cac) == (4.0, 1.0, 200.0)
    assert (salon.roas, salon.roi, salon.cac) == (0.0, -1.0, None)
    assert r.roas == 20_000 / 8_000
    assert r.cac == 8_000 / 25  # channel totals when the customer economics give none
    assert r.clv == pytest.approx(1200 / (1 + 0.1 - 0.8))  # 4 000
    assert r.clv_cac_ratio == pytest.approx(4_000 / 320)


def test_customer_economics_override_channel_totals_for_cac() -> None:
    r = _run(
        channels=[{"name": "Ads", "spend": 5000, "new_customers": 25}],
        customers={
            "margin_per_customer": 100,
            "retention_rate": 0.5,
            "acquisition_spend": 9000,
            "new_customers": 30,
            "clv_years": 2,
        },
    )
    assert r.cac == 300.0
    assert r.clv == pytest.approx(100 / 1.1 + 100 * 0.5 / 1.21)


def test_kpi_changes_and_direction() -> None:
    r = _run(
        kpis=[
            {"kind": "win_rate", "before": 0.2, "after": 0.25},
            {"kind": "sales_cycle", "before": 45, "after": 38},
            {"kind": "churn_rate", "before": 0.1, "after": 0.12},
            {"kind": "nps", "before": 0, "after": 12},
            {"kind": "csat", "before": 0.8, "after": 0.8},
        ]
    )
    win, cycle, churn, nps, csat = r.kpis
    assert win.change == pytest.approx(0.05) and win.relative_change == pytest.approx(0.25)
    assert win.improved is True and cycle.improved is True and churn.improved is False
    assert nps.relative_change is None and nps.change == 12
    assert csat.improved is None


@pytest.mark.parametrize(
    "path",
    [
        "examples/pme-20-postes.yaml",
        "examples/mid-size-risk-adjusted.yaml",
        "examples/marketing-channels.json",
    ],
)
def test_examples_compute_consistently(path: str) -> None:
    r = compute(load_scenario(path))
    assert r.npv == pytest.approx(npf.npv(r.discount_rate, r.net_flow), rel=1e-12)
    if r.irr is not None:
        assert npf.npv(r.irr, r.net_flow) == pytest.approx(0, abs=1e-6 * r.total_costs)
    assert r.cumulative_flow[-1] == pytest.approx(r.net_benefit)


def test_sme_example_by_hand() -> None:
    r = compute(load_scenario("examples/pme-20-postes.yaml"))
    # year 0: 8 000 + 6 300 + 2 500; year 1: 12 000 + 120 x 45 + 7 000; then licences +3 %
    assert r.costs == pytest.approx([16_800, 24_400, 12_360 + 5_400, 12_730.8 + 5_400])
    # (60 000 + 600 x 35 + 4 000) = 85 000 x adoption 60 %, 90 %, 100 %
    assert r.benefits == pytest.approx([0, 51_000, 76_500, 85_000])
    assert r.roi == pytest.approx(212_500 / 77_090.8 - 1)
    assert r.clv == pytest.approx(1200 / (1.1 - 0.86)) and r.cac == 250


@settings(max_examples=80, deadline=None)
@given(scenarios())
def test_engine_invariants(data: dict[str, Any]) -> None:
    scenario = Scenario.model_validate(data)
    r = compute(scenario)
    width = scenario.assumptions.horizon_years + 1
    assert len(r.costs) == len(r.benefits) == len(r.net_flow) == width
    for b, c, n in zip(r.benefits, r.costs, r.net_flow, strict=True):
        assert n == pytest.approx(b - c, abs=1e-6)
    assert r.npv == pytest.approx(math.fsum(r.present_values), abs=1e-6 * (1 + r.total_costs))
    if r.roi is not None:  # the sign of ROI is the sign of the net benefit
        assert (r.roi > 0) == (r.net_benefit > 0) or abs(r.net_benefit) < 1e-6
    cumulative = r.cumulative_flow
    recovers = any(a < 0 <= b for a, b in itertools.pairwise(cumulative))
    assert (r.payback is not None) == (min(cumulative) >= 0 or recovers)
    assert set(r.headline()) == {"roi", "roas", "npv", "irr", "payback", "clv", "cac"}
    for key, value in r.headline().items():
        assert (value is None) == (key in r.undefined)


@settings(max_examples=40, deadline=None)
@given(scenarios())
def test_more_cost_risk_never_raises_the_npv(data: dict[str, Any]) -> None:
    scenario = Scenario.model_validate(data)
    base = compute(scenario)
    data["assumptions"]["cost_risk"] = min(1.0, scenario.assumptions.cost_risk + 0.1)
    riskier = compute(Scenario.model_validate(data))
    assert riskier.npv <= base.npv + 1e-6


@pytest.mark.parametrize(
    "path",
    [
        "examples/pme-20-postes.yaml",
        "examples/mid-size-risk-adjusted.yaml",
        "examples/marketing-channels.json",
    ],
)
def test_the_base_case_of_the_sensitivity_is_the_headline(path: str) -> None:
    """The vectorised evaluator's base case agrees with compute to 1e-10 (issue 12)."""
    r = compute(load_scenario(path))
    base = r.sensitivity.cases.base
    assert base.npv == pytest.approx(r.npv, rel=1e-10)
    for key in ("roi", "irr", "payback"):
        assert getattr(base, key) == pytest.approx(getattr(r, key), rel=1e-10), key
    assert r.sensitivity.cases.pessimistic.npv < r.npv < r.sensitivity.cases.optimistic.npv
    assert list(r.model_dump())[-1] == "sensitivity"
