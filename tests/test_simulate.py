"""Issue 12: line ranges, the vectorised evaluator, cases, tornado, break-even, Monte Carlo.

Oracles: :mod:`crmroi_xl.finance.metrics` for the evaluator (row by row), ``compute`` on
scenarios whose lines' money fields were scaled for every variant (cases,
tornado, break-even, simulated runs), and scipy.stats' exact distributions
for the simulation's statistics.
"""

from __future__ import annotations

import json
import math
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from scipy import stats

from crmroi_xl import compute, load_scenario, simulate
from crmroi_xl.cli.main import main
from crmroi_xl.engine import montecarlo as mc
from crmroi_xl.engine.lattice import Lattice
from crmroi_xl.engine.sensitivity import CASES, LineTable, case_multiplier
from crmroi_xl.errors import CrmRoiError, InputError, ScenarioError
from crmroi_xl.finance import metrics
from crmroi_xl.finance.rows import irr_rows, npv_rows, payback_rows, roi_rows
from crmroi_xl.io.loader import scenario_from_data
from crmroi_xl.scenario.model import Scenario
from tests.strategies import scenarios

from .examples import CASE_EXAMPLES

EXAMPLES = CASE_EXAMPLES  # a workbook each (no options)

#: The money fields of each driver: scaling them by m scales the line's flows by m.
MONEY = {
    "cost": {
        "amount": ("one_off", "amount_per_year"),
        "seats": ("one_off", "price_per_seat_month"),
        "hours": ("one_off", "hourly_rate"),
    },
    "benefit": {
        "amount": ("amount_per_year",),
        "sales": ("average_deal_value",),
        "hours": ("hourly_rate",),
        "win_rate": ("average_deal_value",),
        "conversion": ("average_deal_value",),
        "churn": ("margin_per_customer",),
    },
}


def scaled(scenario: Scenario, costs: list[float], benefits: list[float]) -> Scenario:
    """The scenario with each line's money fields multiplied by its factor (ranges dropped).

    The guard below checks that every flow of a line moved by exactly its
    factor: a driver whose money field this table forgot fails loudly.
    """
    data = scenario.model_dump()
    for side, lines, factors in (
        ("cost", data["costs"], costs),
        ("benefit", data["benefits"], benefits),
    ):
        for line, factor in zip(lines, factors, strict=True):
            for field in MONEY[side][line["driver"]]:
                line[field] *= factor
            line["low"] = line["high"] = 1.0
            if line.get("capitalised") and line["one_off"] == 0:  # nothing left to capitalise
                line["capitalised"], line["depreciation_years"] = False, None  # same flows
    edited = Scenario.model_validate(data)
    before, after = compute(scenario), compute(edited)
    pairs = [
        *zip(before.cost_lines, after.cost_lines, costs, strict=True),
        *zip(before.benefit_lines, after.benefit_lines, benefits, strict=True),
    ]
    for old, new, factor in pairs:
        assert new.values == pytest.approx([v * factor for v in old.values], rel=1e-12, abs=1e-9)
    return edited


def full_multipliers(scenario: Scenario, row: np.ndarray) -> tuple[list[float], list[float]]:
    """A row of the evaluator's multipliers (costs, counted benefits) as factors of every line."""
    costs = [float(m) for m in row[: len(scenario.costs)]]
    counted = iter(row[len(scenario.costs) :])
    benefits = [float(next(counted)) if b.include_in_roi else 1.0 for b in scenario.benefits]
    return costs, benefits


def full_row(scenario: Scenario, costs: list[float], benefits: list[float]) -> list[float]:
    """The evaluator's row (costs, then counted benefits) of per-line factors."""
    counted = [m for m, b in zip(benefits, scenario.benefits, strict=True) if b.include_in_roi]
    return [*costs, *counted]


def close(actual: float | None, expected: float | None, rel: float = 1e-9) -> bool:
    """Both undefined, or equal to ``rel`` (absolute 1e-6 near zero)."""
    if actual is None or expected is None:
        return actual is None and expected is None
    return math.isclose(actual, expected, rel_tol=rel, abs_tol=1e-6)


def nan_to_none(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def table_of(scenario: Scenario) -> LineTable:
    r = compute(scenario)
    return LineTable.of(
        scenario, [c.values for c in r.cost_lines], [b.values for b in r.benefit_lines]
    )


@st.composite
def ranged_scenarios(draw: st.DrawFn) -> Scenario:
    """A generated scenario whose lines carry random ranges (some [1, 1])."""
    data = draw(scenarios())
    for line in [*data["costs"], *data["benefits"]]:
        if draw(st.booleans()):
            line["low"] = draw(st.floats(0, 1).map(lambda x: round(x, 3)))
            line["high"] = draw(st.floats(1, 10).map(lambda x: round(x, 3)))
    return Scenario.model_validate(data)


# --- the scenario's ranges and simulation settings ---------------------------------------


def test_ranges_and_simulation_settings_default_to_no_uncertainty() -> None:
    s = load_scenario("examples/pme-20-postes.yaml")
    a = s.assumptions
    assert (a.distribution, a.simulation_runs, a.simulation_seed) == ("pert", 10_000, 0)
    data = s.model_dump()
    for line in [*data["costs"], *data["benefits"]]:
        del line["low"], line["high"]
    bare = Scenario.model_validate(data)
    assert {(line.low, line.high) for line in [*bare.costs, *bare.benefits]} == {(1.0, 1.0)}


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        (("costs", 0, "low"), 1.2, "case.yaml: costs[0].low: must be <= 1, got 1.2"),
        (("costs", 0, "low"), -0.1, "case.yaml: costs[0].low: must be >= 0, got -0.1"),
        (("costs", 0, "high"), 0.5, "case.yaml: costs[0].high: must be >= 1, got 0.5"),
        (("benefits", 0, "high"), 11, "case.yaml: benefits[0].high: must be <= 10, got 11"),
        (("benefits", 0, "low"), math.nan, "case.yaml: benefits[0].low:"),
        (("assumptions", "distribution"), "normal", "case.yaml: assumptions.distribution:"),
        (("assumptions", "simulation_runs"), 99, "assumptions.simulation_runs: must be >= 100"),
        (("assumptions", "simulation_runs"), 1_000_001, "simulation_runs: must be <= 1000000"),
        (("assumptions", "simulation_seed"), -1, "assumptions.simulation_seed: must be >= 0"),
    ],
)
def test_bad_ranges_and_settings_are_refused_with_the_field_named(
    where: tuple[Any, ...], value: object, message: str
) -> None:
    data: dict[str, Any] = {
        "assumptions": {"name": "Case"},
        "costs": [{"label": "CRM", "category": "licences", "one_off": 1000}],
        "benefits": [{"label": "Gains", "category": "cost_reduction", "amount_per_year": 900}],
    }
    target: Any = data
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    with pytest.raises(ValidationError) as caught:
        Scenario.model_validate(data)
    assert [e["loc"] for e in caught.value.errors()] == [where]
    with pytest.raises(ScenarioError) as refused:
        scenario_from_data(data, source="case.yaml")
    assert len(refused.value.message.splitlines()) == 1
    assert message in refused.value.message


@pytest.mark.parametrize(
    ("runs", "seed", "message"),
    [
        (99, 0, "runs: must be from 100 to 1000000, got 99"),
        (1_000_001, 0, "runs: must be from 100 to 1000000, got 1000001"),
        (100, -1, "seed: must be from 0 to 4294967295, got -1"),
        (100, 2**32, "seed: must be from 0 to 4294967295, got 4294967296"),
        (True, 0, "runs: a whole number is needed, got True"),
        (100, 1.5, "seed: a whole number is needed, got 1.5"),
    ],
)
def test_simulate_refuses_runs_and_seeds_out_of_bounds(runs: Any, seed: Any, message: str) -> None:
    with pytest.raises(InputError) as caught:
        simulate(load_scenario("examples/pme-20-postes.yaml"), runs=runs, seed=seed)
    assert caught.value.message == message


# --- the evaluator against metrics, row by row -----------------------------------------

flows = st.lists(
    st.integers(-1_000_000, 1_000_000).map(float) | st.sampled_from([0.0, -1.0, 1.0]),
    min_size=2,
    max_size=11,
)


def _or_nan(function: Any, *args: Any) -> float:
    try:
        return float(function(*args))
    except CrmRoiError:
        return math.nan


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(rows=st.lists(flows, min_size=1, max_size=6).filter(lambda r: len({len(x) for x in r}) == 1))
def test_the_evaluator_agrees_with_metrics_row_by_row(rows: list[list[float]]) -> None:
    array = np.array(rows)
    for rate in (0.0, 0.1):
        for row, value in zip(rows, npv_rows(rate, array), strict=True):
            scale = sum(abs(x) for x in row) or 1.0
            assert abs(value - metrics.npv(rate, row)) <= 1e-12 * scale
    for row, value in zip(rows, payback_rows(array), strict=True):
        expected = _or_nan(metrics.payback, row)
        assert value == expected or (math.isnan(value) and math.isnan(expected))
    for row, value in zip(rows, irr_rows(array), strict=True):
        expected = _or_nan(metrics.irr, row)
        if math.isnan(value) or math.isnan(expected):
            assert math.isnan(value) and math.isnan(expected), (row, value, expected)
        elif not math.isclose(value, expected, rel_tol=1e-9, abs_tol=1e-12):
            # a multiple root ([-1, 1, 1, -1] at 0 %): the NPV is flat, and within
            # sqrt(float precision) of it every rate is a root to rounding noise
            assert abs(value - expected) <= 1e-3, (row, value, expected)
            assert abs(metrics.npv(value, row)) <= 1e-12 * sum(abs(x) for x in row)


@settings(max_examples=200, deadline=None)
@given(
    benefits=st.lists(st.floats(0, 1e7), min_size=1, max_size=5),
    costs=st.lists(st.floats(0, 1e7), min_size=1, max_size=5),
)
def test_roi_rows_agrees_with_metrics_roi(benefits: list[float], costs: list[float]) -> None:
    (value,) = roi_rows(np.array([sum(benefits)]), np.array([sum(costs)]))
    expected = _or_nan(metrics.roi, sum(benefits), sum(costs))
    assert (math.isnan(value) and math.isnan(expected)) or math.isclose(value, expected)


def test_irr_rows_takes_the_bracketed_path_where_newton_fails() -> None:
    """Flows whose IRR Newton's method from 10 % misses, solved as metrics.irr solves them."""
    rows = [
        [-1_000.0, -10_000.0, 1.0],  # IRR near -100 % (metrics' own hard case)
        [-1.0, 1e6, 0.0],  # IRR of 99 999 900 %
        [-100.0, 230.0, -132.0],  # two IRRs: 10 % and 20 %
        [100.0, 100.0, 100.0],  # no sign change: none
    ]
    found = irr_rows(np.array(rows))
    for row, value in zip(rows, found, strict=True):
        expected = _or_nan(metrics.irr, row)
        assert (math.isnan(value) and math.isnan(expected)) or math.isclose(
            value, expected, rel_tol=1e-9
        )
    # by hand: 1 + r solves -1 000 x^2 - 10 000 x + 1 = 0
    assert found[0] == pytest.approx((math.sqrt(1e8 + 4_000) - 10_000) / 2_000 - 1, rel=1e-12)
    assert found[2] in (pytest.approx(0.1), pytest.approx(0.2))


def test_evaluate_refuses_a_multiplier_table_of_the_wrong_width() -> None:
    with pytest.raises(ValueError, match="3 columns for 1 cost and 1 benefit lines"):
        table = LineTable(
            np.ones((1, 2)),
            np.ones((1, 2)),
            np.ones(2),
            np.ones(2),
            ("cost", "benefit"),
            ("a", "b"),
            (0, 0),
            0.1,
        )
        table.evaluate(np.ones((4, 3)))


# --- cases, tornado and break-even equal compute on edited scenarios -------------------


def _check_sensitivity(scenario: Scenario) -> None:
    r = compute(scenario)
    s = r.sensitivity
    table = table_of(scenario)
    for case in CASES:  # the definition, written out
        costs = [
            {"pessimistic": c.high, "base": 1.0, "optimistic": c.low}[case] for c in scenario.costs
        ]
        benefits = [
            {"pessimistic": b.low, "base": 1.0, "optimistic": b.high}[case]
            for b in scenario.benefits
        ]
        assert table.case(case).tolist() == full_row(scenario, costs, benefits)
        expected = compute(scaled(scenario, costs, benefits))
        got = getattr(s.cases, case)
        for key in ("npv", "roi", "irr", "payback"):
            assert close(getattr(got, key), getattr(expected, key)), (case, key)
    assert s.cases.base.npv == pytest.approx(r.npv, rel=1e-12, abs=1e-6)

    uncertain = [i for i, flag in enumerate(table.uncertain) if flag]
    lines_bars = [bar for bar in s.tornado if bar.side != "assumption"]  # see test_assumption_bars
    assert len(lines_bars) == len(uncertain)
    assert len(s.tornado) - len(lines_bars) == 3 - (scenario.assumptions.benefit_risk == 1)
    swings = [abs(bar.npv_high - bar.npv_low) for bar in s.tornado]
    # sorted on (high - low) x |PV|, the same swing written exactly: here to the rounding
    # of NPVs of the scenario's size (a line of zero PV can swing by one ulp of the NPV)
    size = max(
        [1.0, abs(r.npv)] + [abs(v) for bar in s.tornado for v in (bar.npv_low, bar.npv_high)]
    )
    assert all(a >= b - 1e-12 * size for a, b in pairwise(swings))
    for bar in lines_bars:
        lines = scenario.costs if bar.side == "cost" else scenario.benefits
        line = lines[bar.index]
        assert (bar.label, bar.low, bar.high) == (line.label, line.low, line.high)
        for multiplier, npv in ((line.low, bar.npv_low), (line.high, bar.npv_high)):
            costs = [1.0] * len(scenario.costs)
            benefits = [1.0] * len(scenario.benefits)
            (costs if bar.side == "cost" else benefits)[bar.index] = multiplier
            assert close(npv, compute(scaled(scenario, costs, benefits)).npv)

    b = s.breakeven
    assert close(b.benefits_factor, r.pv_costs / r.pv_benefits if r.pv_benefits else None)
    assert close(b.costs_factor, r.pv_benefits / r.pv_costs if r.pv_costs else None)
    # a negative factor (the benefits' PV is negative: a KPI that worsens) cannot be
    # written in a line's amounts, which are never negative: checked above only
    if b.benefits_factor is not None and b.benefits_factor >= 0 and r.pv_costs:
        factors = [b.benefits_factor] * len(scenario.benefits)
        at_zero = compute(scaled(scenario, [1.0] * len(scenario.costs), factors)).npv
        assert abs(at_zero) <= 1e-9 * r.pv_costs
    if b.costs_factor is not None and b.costs_factor >= 0 and r.pv_benefits:
        factors = [b.costs_factor] * len(scenario.costs)
        at_zero = compute(scaled(scenario, factors, [1.0] * len(scenario.benefits))).npv
        assert abs(at_zero) <= 1e-9 * r.pv_benefits


def _check_case_results(scenario: Scenario) -> None:
    """compute(case=...) is compute on the scenario whose lines are scaled by their
    multipliers in that case; its sensitivity stays the base case's."""
    base = compute(scenario)
    for case in CASES:
        r = compute(scenario, case=case)
        costs = [case_multiplier(case, "cost", c.low, c.high) for c in scenario.costs]
        benefits = [case_multiplier(case, "benefit", b.low, b.high) for b in scenario.benefits]
        expected = compute(scaled(scenario, costs, benefits))
        for mine, theirs in (
            *zip(r.cost_lines, expected.cost_lines, strict=True),
            *zip(r.benefit_lines, expected.benefit_lines, strict=True),
        ):
            assert mine.values == pytest.approx(theirs.values, rel=1e-12, abs=1e-9)
        for key in ("npv", "roi", "irr", "payback", "total_costs", "pv_benefits"):
            assert close(getattr(r, key), getattr(expected, key)), (case, key)
        assert close(r.npv, getattr(base.sensitivity.cases, case).npv)
        assert r.sensitivity == base.sensitivity
    assert compute(scenario, case="base") == base


def test_compute_refuses_an_unknown_case() -> None:
    with pytest.raises(InputError, match="case: one of pessimistic, base, optimistic"):
        compute(load_scenario("examples/pme-20-postes.yaml"), case="worst")  # type: ignore[arg-type]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_cases_tornado_and_breakeven_of_the_examples_equal_compute(example: Path) -> None:
    scenario = load_scenario(example)
    assert compute(scenario).sensitivity.tornado  # every example has ranges
    _check_sensitivity(scenario)
    _check_case_results(scenario)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=ranged_scenarios())
def test_cases_tornado_and_breakeven_of_generated_scenarios_equal_compute(
    scenario: Scenario,
) -> None:
    _check_sensitivity(scenario)
    _check_case_results(scenario)


def test_the_examples_figures_by_hand() -> None:
    """The 20-seat SME: the sales line's bar is its PV x (low - 1) and x (high - 1)."""
    scenario = load_scenario("examples/pme-20-postes.yaml")
    r = compute(scenario)
    sales = r.benefit_lines[0]
    pv = sum(v * f for v, f in zip(sales.values, r.discount_factors, strict=True))
    (bar,) = [b for b in r.sensitivity.tornado if b.label == sales.label]
    assert (bar.low, bar.high) == (0.4, 1.3)
    assert bar.npv_low == pytest.approx(r.npv - 0.6 * pv, rel=1e-12)
    assert bar.npv_high == pytest.approx(r.npv + 0.3 * pv, rel=1e-12)
    assert r.sensitivity.tornado[0] == bar  # the largest swing


def test_intangibles_out_of_the_roi_and_lines_without_range_have_no_bar() -> None:
    scenario = Scenario.model_validate(
        {
            "assumptions": {"name": "X", "horizon_years": 2},
            "costs": [
                {"label": "Fixed", "category": "licences", "one_off": 100},
                {"label": "Ranged", "category": "training", "one_off": 50, "high": 2},
            ],
            "benefits": [
                {"label": "Image", "category": "intangible", "amount_per_year": 90, "low": 0.1},
                {"label": "Gains", "category": "cost_reduction", "amount_per_year": 80},
            ],
        }
    )
    s = compute(scenario).sensitivity
    bars = [(bar.label, bar.side, bar.index) for bar in s.tornado if bar.side != "assumption"]
    assert bars == [("Ranged", "cost", 1)]
    (ranged,) = [bar for bar in s.tornado if bar.label == "Ranged"]
    assert ranged.npv_high == pytest.approx(compute(scenario).npv - 50)


def test_without_any_range_the_three_cases_are_the_base_case() -> None:
    data = load_scenario("examples/pme-20-postes.yaml").model_dump()
    for line in [*data["costs"], *data["benefits"]]:
        line["low"] = line["high"] = 1.0
    r = compute(Scenario.model_validate(data))
    cases = r.sensitivity.cases
    assert cases.pessimistic == cases.base == cases.optimistic
    assert {bar.side for bar in r.sensitivity.tornado} == {"assumption"}  # no line's bar
    assert cases.base.npv == pytest.approx(r.npv, rel=1e-12)
    assert (cases.base.roi, cases.base.payback) == pytest.approx((r.roi, r.payback), rel=1e-12)
    assert cases.base.irr == pytest.approx(r.irr, rel=1e-10)


def test_breakeven_is_null_where_a_present_value_is_zero() -> None:
    scenario = Scenario.model_validate(
        {"assumptions": {"name": "X"}, "costs": [{"label": "C", "category": "other"}]}
    )
    b = compute(scenario).sensitivity.breakeven
    assert (b.benefits_factor, b.costs_factor) == (None, None)


# --- each simulated run equals compute on the same multipliers --------------------------


@pytest.mark.parametrize("distribution", ["pert", "triangular", "uniform"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_each_simulated_run_equals_compute(example: Path, distribution: str) -> None:
    data = load_scenario(example).model_dump()
    data["assumptions"]["distribution"] = distribution
    scenario = Scenario.model_validate(data)
    sim = simulate(scenario, runs=300, seed=11)
    table = table_of(scenario)
    lattice = Lattice.of(300, mc.lattice_lines(scenario, table), 11)
    multipliers = mc.draw_multipliers(table, distribution, lattice, np.arange(1, 301))
    low, high = table.low, table.high
    assert ((multipliers >= low) & (multipliers <= high)).all()
    assert (multipliers[:, ~table.uncertain] == 1.0).all()
    irr = table.evaluate(multipliers).irr
    assert irr is not None
    for run in (0, 1, 150, 299):
        expected = compute(scaled(scenario, *full_multipliers(scenario, multipliers[run])))
        assert close(sim.npv_runs[run], expected.npv)
        assert close(nan_to_none(sim.roi_runs[run]), expected.roi)
        assert close(nan_to_none(sim.payback_runs[run]), expected.payback)
        assert close(nan_to_none(irr[run]), expected.irr)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=ranged_scenarios(), seed=st.integers(0, 2**32 - 1))
def test_simulated_runs_of_generated_scenarios_equal_compute(scenario: Scenario, seed: int) -> None:
    sim = simulate(scenario, runs=100, seed=seed)
    table = table_of(scenario)
    multipliers = mc.draw_multipliers(
        table,
        scenario.assumptions.distribution,
        Lattice.of(100, mc.lattice_lines(scenario, table), seed),
        np.arange(1, 101),
    )
    for run in (0, 99):
        expected = compute(scaled(scenario, *full_multipliers(scenario, multipliers[run])))
        assert close(sim.npv_runs[run], expected.npv)
        assert close(nan_to_none(sim.roi_runs[run]), expected.roi)
        assert close(nan_to_none(sim.payback_runs[run]), expected.payback)


# --- statistics: NPV linear in the multipliers -----------------------------------------


def exact(distribution: str, low: float, high: float) -> Any:
    """scipy.stats' distribution of a multiplier on [low, high] with mode 1 (the oracle)."""
    width = high - low
    if distribution == "pert":
        alpha = 1 + 4 * (1 - low) / width
        beta = 1 + 4 * (high - 1) / width
        return stats.beta(alpha, beta, loc=low, scale=width)
    if distribution == "triangular":
        return stats.triang((1 - low) / width, loc=low, scale=width)
    return stats.uniform(loc=low, scale=width)


#: (side, money, low, high): NPV = sum of sign x PV x multiplier, PV from the engine
LINES = [
    ("cost", {"one_off": 80_000}, 0.9, 1.6),
    ("cost", {"amount_per_year": 20_000}, 1.0, 1.3),
    ("cost", {"seats": 30, "price_per_seat_month": 40}, 1.0, 1.0),
    ("benefit", {"amount_per_year": 60_000}, 0.3, 1.2),
    ("benefit", {"hours_saved_per_year": 900, "hourly_rate": 40}, 0.5, 1.5),
]


def linear_scenario(distribution: str, lines: list[Any] = LINES) -> Scenario:
    costs, benefits = [], []
    for i, (side, money, low, high) in enumerate(lines):
        line = {"label": f"L{i}", "low": low, "high": high, **money}
        if side == "cost":
            costs.append({**line, "category": "other"})
        else:
            benefits.append({**line, "category": "cost_reduction"})
    return Scenario.model_validate(
        {
            "assumptions": {
                "name": "Linear",
                "horizon_years": 4,
                "discount_rate": 0.08,
                "distribution": distribution,
            },
            "costs": costs,
            "benefits": benefits,
        }
    )


@pytest.mark.parametrize("distribution", ["pert", "triangular", "uniform"])
def test_mean_and_standard_deviation_match_the_exact_distribution(distribution: str) -> None:
    scenario = linear_scenario(distribution)
    table = table_of(scenario)
    signed_pv = table.present_values() * np.where(np.array(table.sides) == "cost", -1.0, 1.0)
    laws = [exact(distribution, lo, hi) if lo < hi else None for *_, lo, hi in LINES]
    mean = sum(pv * (law.mean() if law else 1.0) for pv, law in zip(signed_pv, laws, strict=True))
    std = math.sqrt(sum(pv**2 * law.var() for pv, law in zip(signed_pv, laws, strict=True) if law))
    runs = 200_000
    sim = simulate(scenario, runs=runs, seed=2026)
    assert sim.npv.mean is not None and sim.npv.std is not None
    assert abs(sim.npv.mean - mean) <= 4 * std / math.sqrt(runs)  # within 4 standard errors
    assert abs(sim.npv.std / std - 1) <= 0.03
    if distribution == "pert":  # the textbook PERT moments, as a second opinion on scipy's
        for law, (*_, lo, hi) in zip(laws, LINES, strict=True):
            if law:
                m = (lo + 4 + hi) / 6
                assert law.mean() == pytest.approx(m)
                assert law.var() == pytest.approx((m - lo) * (hi - m) / 7)


@pytest.mark.parametrize("distribution", ["pert", "triangular", "uniform"])
def test_percentiles_and_probabilities_match_the_exact_distribution(distribution: str) -> None:
    """One uncertain benefit: NPV = PV x m - costs, so its percentile q is PV x F^-1(q) - costs.

    Compared where it is exact: the distribution function at the simulated
    percentile is q within 4 binomial standard errors, sqrt(q (1 - q) / runs).
    """
    low, high = 0.2, 1.5
    lines = [
        ("cost", {"one_off": 100_000}, 1.0, 1.0),
        ("benefit", {"amount_per_year": 40_000}, low, high),
    ]
    scenario = linear_scenario(distribution, lines)
    r = compute(scenario)
    pv = r.pv_benefits
    law = exact(distribution, low, high)
    runs = 100_000
    sim = simulate(scenario, runs=runs, seed=7)
    for q in mc.PERCENTILES:
        simulated = getattr(sim.npv, f"p{q}")
        share = q / 100
        assert abs(law.cdf((simulated + r.pv_costs) / pv) - share) <= 4 * math.sqrt(
            share * (1 - share) / runs
        )
        roi = getattr(sim.roi, f"p{q}")  # ROI is monotonic in m too (totals, undiscounted)
        m = (roi + 1) * r.total_costs / r.total_benefits
        assert abs(law.cdf(m) - share) <= 4 * math.sqrt(share * (1 - share) / runs)
    positive = law.sf(r.pv_costs / pv)
    assert abs(sim.probability.npv_positive - positive) <= 4 * math.sqrt(
        positive * (1 - positive) / runs
    )
    reached = law.sf(r.total_costs / r.total_benefits)  # paid back iff the last cumulative >= 0
    assert abs(sim.probability.payback_within_horizon - reached) <= 4 * math.sqrt(
        reached * (1 - reached) / runs
    )
    assert sim.payback.undefined_share == pytest.approx(1 - sim.probability.payback_within_horizon)


def test_statistics_of_the_runs_by_hand() -> None:
    s = mc.Statistics.of(np.array([3.0, 1.0, np.nan, 2.0, 4.0]))
    assert (s.mean, s.p50, s.undefined_share) == (2.5, 2.5, 0.2)
    assert s.std == pytest.approx(math.sqrt(5 / 3))  # sample standard deviation
    assert s.p5 == pytest.approx(1.15)  # Excel: PERCENTILE.INC({1,2,3,4}, 0.05)
    assert mc.Statistics.of(np.array([np.nan])).mean is None


def test_a_scenario_without_ranges_has_no_spread() -> None:
    data = load_scenario("examples/pme-20-postes.yaml").model_dump()
    for line in [*data["costs"], *data["benefits"]]:
        line["low"] = line["high"] = 1.0
    scenario = Scenario.model_validate(data)
    sim = simulate(scenario, runs=100)
    npv = compute(scenario).npv
    assert sim.npv.std == 0.0
    assert sim.npv.mean == sim.npv.p5 == sim.npv.p95 == pytest.approx(npv, rel=1e-12)


# --- the same seed, the same bytes -----------------------------------------------------


def test_the_same_seed_prints_the_same_bytes_and_another_seed_does_not(
    capsys: pytest.CaptureFixture[str],
) -> None:
    outputs = []
    for seed in ("3", "3", "4"):
        code = main(["simulate", "examples/mid-size-risk-adjusted.yaml", "--seed", seed, "--json"])
        assert code == 0
        outputs.append(capsys.readouterr().out.encode())
    assert outputs[0] == outputs[1] != outputs[2]
    data = json.loads(outputs[0])
    assert list(data) == ["runs", "seed", "distribution", "npv", "roi", "payback", "probability"]
    assert (data["runs"], data["seed"], data["distribution"]) == (10_000, 3, "pert")
    for key in ("npv", "roi", "payback"):
        assert list(data[key]) == [
            "mean",
            "std",
            "p5",
            "p10",
            "p50",
            "p90",
            "p95",
            "undefined_share",
        ]
    assert list(data["probability"]) == ["npv_positive", "roi_positive", "payback_within_horizon"]


def test_drawing_in_chunks_gives_the_same_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load_scenario("examples/marketing-channels.json")
    whole = simulate(scenario, runs=1_000, seed=9)
    monkeypatch.setattr(mc, "CHUNK_CELLS", 70)  # chunks of 8 runs
    chunked = simulate(scenario, runs=1_000, seed=9)
    assert np.array_equal(whole.npv_runs, chunked.npv_runs)
    assert np.array_equal(whole.payback_runs, chunked.payback_runs, equal_nan=True)
    assert whole.summary() == chunked.summary()


def test_the_scenarios_runs_and_seed_are_the_defaults() -> None:
    data = load_scenario("examples/pme-20-postes.yaml").model_dump()
    data["assumptions"] |= {"simulation_runs": 500, "simulation_seed": 42}
    sim = simulate(Scenario.model_validate(data))
    assert (sim.runs, sim.seed) == (500, 42)
    again = simulate(load_scenario("examples/pme-20-postes.yaml"), runs=500, seed=42)
    assert sim.summary() == again.summary()
    edges, counts = sim.histogram(bins=10)
    assert len(edges) == 11 and sum(counts) == 500
    assert edges[0] == sim.npv_runs.min() and edges[-1] == sim.npv_runs.max()


def test_runs_equal_but_for_rounding_still_make_a_histogram() -> None:
    """A line with a range but no amount moves the NPV by rounding only: numpy refused to
    bin such runs, and ``crmroi simulate`` and ``crmroi export`` stopped on an internal
    error (found by the strategies drawing every field)."""
    scenario = Scenario.model_validate(
        {
            "assumptions": {"name": "x", "horizon_years": 7, "simulation_runs": 146},
            "costs": [{"label": "c", "category": "licences", "amount_per_year": 1.0}],
            "benefits": [
                {"label": "b", "category": "incremental_revenue", "low": 0.0, "amount_per_year": 0}
            ],
        }
    )
    sim = simulate(scenario)
    assert sim.npv_runs.max() - sim.npv_runs.min() < 1e-12  # equal but for rounding
    edges, counts = sim.histogram(bins=20)
    assert sum(counts) == 146 and all(a < b for a, b in pairwise(edges))
    assert edges[0] == pytest.approx(sim.npv_runs.min() - 0.5)
