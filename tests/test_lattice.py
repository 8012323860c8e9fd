"""The lattice draws (issue 21): stratified like a Latin hypercube, exact in a spreadsheet's
arithmetic, and statistically sound on a linear scenario."""

from __future__ import annotations

import math

import numpy as np
import pytest

from crmroi_xl import compute, simulate
from crmroi_xl.engine import montecarlo as mc
from crmroi_xl.engine.lattice import Lattice, inverse, largest_quotient
from crmroi_xl.engine.sensitivity import LineTable
from crmroi_xl.scenario.model import Scenario
from tests.test_simulate import LINES, exact, linear_scenario


def table_of(scenario: Scenario) -> LineTable:
    r = compute(scenario)
    return LineTable.of(
        scenario, [x.values for x in r.cost_lines], [x.values for x in r.benefit_lines]
    )


@pytest.mark.parametrize("runs", [100, 997, 1_000, 5_000])
def test_every_line_has_one_draw_in_each_stratum(runs: int) -> None:
    lattice = Lattice.of(runs, [0, 1, 2, 5, 9, 20], seed=3)
    u = lattice.uniforms(np.arange(1, runs + 1))
    for column in u.T:
        assert sorted((column * runs).astype(int).tolist()) == list(range(runs))
        assert ((column > 0) & (column < 1)).all()
    if runs >= 997:  # 100 runs: every unit's order divides 20, so lines 20 apart repeat
        assert len(set(lattice.generators)) == 6
    assert all(math.gcd(z, runs) == 1 for z in lattice.generators)


def test_the_uniforms_are_the_spreadsheets_formula_exactly() -> None:
    """(MOD(i*z+k, R) + s) / R in plain Python floats: the same bits as numpy's."""
    lattice = Lattice.of(1_000, [0, 1, 2], seed=8)
    u = lattice.uniforms(np.arange(1, 1_001))
    for i in (1, 17, 500, 1_000):
        for j in range(3):
            z, k, s = lattice.generators[j], lattice.offsets[j], lattice.shifts[j]
            assert u[i - 1, j] == ((i * z + k) % 1_000 + s) / 1_000
            assert s * 2**20 == int(s * 2**20)  # 20 binary digits: n + s is exact


def test_pairs_of_lines_are_not_drawn_in_step() -> None:
    """No two lines' lattice is degenerate (a generator a small multiple of another's)."""
    lattice = Lattice.of(1_000, range(8), seed=0)
    for a, za in enumerate(lattice.generators):
        for zb in lattice.generators[a + 1 :]:
            assert largest_quotient(zb * pow(za, -1, 1_000) % 1_000, 1_000) <= 50  # z = 2 z: 500
    u = lattice.uniforms(np.arange(1, 1_001))
    corr = np.corrcoef(u.T)
    assert np.abs(corr[np.triu_indices(8, 1)]).max() < 0.1


@pytest.mark.parametrize("distribution", ["pert", "triangular", "uniform"])
def test_the_inverse_is_scipys_quantile_function(distribution: str) -> None:
    u = np.linspace(0.001, 0.999, 999)
    low, high = np.full(999, 0.4), np.full(999, 1.7)
    law = exact(distribution, 0.4, 1.7)
    assert np.allclose(inverse(distribution, u, low, high), law.ppf(u), rtol=1e-12, atol=1e-12)


def test_mean_npv_within_two_standard_errors_of_the_analytic_pert_mean() -> None:
    scenario = linear_scenario("pert")
    table = table_of(scenario)
    signed = table.present_values() * np.where(np.array(table.sides) == "cost", -1.0, 1.0)
    mean = sum(pv * (lo + 4 + hi) / 6 for pv, (*_, lo, hi) in zip(signed, LINES, strict=True))
    std = math.sqrt(
        sum(
            pv**2 * ((lo + 4 + hi) / 6 - lo) * (hi - (lo + 4 + hi) / 6) / 7
            for pv, (*_, lo, hi) in zip(signed, LINES, strict=True)
        )
    )
    for seed in (0, 1, 2):
        sim = simulate(scenario, runs=scenario.assumptions.workbook_runs, seed=seed)
        assert sim.runs == 1_000
        assert sim.npv.mean is not None
        assert abs(sim.npv.mean - mean) <= 2 * std / math.sqrt(sim.runs)


def plain_monte_carlo(scenario: Scenario, runs: int, seed: int) -> float:
    """P(NPV > 0) from independent PERT draws (scipy), NPV linear in the multipliers."""
    table = table_of(scenario)
    signed = table.present_values() * np.where(np.array(table.sides) == "cost", -1.0, 1.0)
    rng = np.random.default_rng(seed)
    npv = np.zeros(runs)
    for pv, lo, hi in zip(signed, table.low, table.high, strict=True):
        m = exact("pert", lo, hi).rvs(size=runs, random_state=rng) if lo < hi else 1.0
        npv += pv * m
    return float(np.mean(npv > 0))


@pytest.mark.parametrize("shift", [0.0, 25_000.0, 55_000.0])
def test_probability_of_a_positive_npv_within_a_point_of_a_million_plain_runs(
    shift: float,
) -> None:
    lines = [*LINES]
    lines[0] = ("cost", {"one_off": 80_000 + shift}, 0.9, 1.6)
    scenario = linear_scenario("pert", lines)
    reference = plain_monte_carlo(scenario, 1_000_000, seed=5)
    assert 0.05 < reference < 0.999  # a probability worth measuring
    for seed in (0, 1):
        sim = simulate(scenario, runs=1_000, seed=seed)
        assert abs(sim.probability.npv_positive - reference) <= 0.01


def test_a_lines_draws_stay_when_another_line_loses_its_range() -> None:
    both = Lattice.of(1_000, [0, 4], seed=6)
    alone = Lattice.of(1_000, [4], seed=6)
    assert both.uniforms(np.arange(1, 1_001))[:, 1].tolist() == (
        alone.uniforms(np.arange(1, 1_001))[:, 0].tolist()
    )


def test_workbook_runs_are_a_bounded_setting_with_a_default() -> None:
    scenario = linear_scenario("pert")
    assert scenario.assumptions.workbook_runs == 1_000
    data = scenario.model_dump()
    for bad in (99, 5_001):
        data["assumptions"]["workbook_runs"] = bad
        with pytest.raises(ValueError, match="workbook_runs"):
            Scenario.model_validate(data)


def test_the_cli_default_keeps_ten_thousand_runs_of_the_same_rule() -> None:
    scenario = linear_scenario("triangular")
    sim = simulate(scenario)
    assert sim.runs == 10_000
    table = table_of(scenario)
    lattice = Lattice.of(10_000, mc.lattice_lines(scenario, table), 0)
    multipliers = mc.draw_multipliers(table, "triangular", lattice, np.array([1, 10_000]))
    out = table.evaluate(multipliers, with_irr=False)
    assert out.npv.tolist() == [sim.npv_runs[0], sim.npv_runs[-1]]
