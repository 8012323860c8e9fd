"""One yearly model: every result that turns yearly flows into metrics goes through it.

``crmroi_xl.engine.yearly.evaluate`` is the only place where yearly costs and
benefits become net flow, present values, NPV, ROI, payback and IRR. Replace it
by a deliberately wrong model and ``compute``, the cases, the tornado, the
break-even, ``simulate`` and the workbook's cached yearly cells all change
together, and still agree with one another: they cannot drift apart.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmroi_xl import compute, load_scenario, simulate
from crmroi_xl.engine import yearly
from crmroi_xl.excel.content import expected_values
from crmroi_xl.excel.workbook import export_layout
from crmroi_xl.finance.rows import sum_rows

PME = Path("examples/pme-20-postes.yaml")
REAL = yearly.evaluate


def _taxed(costs: Any, benefits: Any, rate: float, *, with_irr: bool = True) -> yearly.Yearly:
    """A wrong yearly model on purpose: a 25 % tax on every year's benefits."""
    return REAL(costs, np.asarray(benefits, dtype=float) * 0.75, rate, with_irr=with_irr)


def test_the_yearly_model_matches_the_metrics_by_hand() -> None:
    """The source method's worked case, checked against the textbook rules (NPV with
    year 0 undiscounted, ROI on totals, payback interpolated inside the year)."""
    out = yearly.evaluate([[16_800.0, 24_400.0]], [[0.0, 49_000.0]], 0.10)
    assert out.net_flow.tolist() == [[-16_800.0, 24_600.0]]
    assert out.npv[0] == pytest.approx(-16_800 + 24_600 / 1.1, rel=1e-15)
    assert out.roi[0] == pytest.approx((49_000 - 41_200) / 41_200, rel=1e-15)
    assert out.payback[0] == pytest.approx(16_800 / 24_600, rel=1e-15)
    assert out.irr is not None and out.irr[0] == pytest.approx(24_600 / 16_800 - 1, rel=1e-12)
    assert out.discounted_payback[0] == pytest.approx(16_800 / (24_600 / 1.1), rel=1e-15)


def test_a_wrong_yearly_model_changes_every_result_together(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scenario = load_scenario(PME)
    before = compute(scenario)
    simulated_before = simulate(scenario, runs=2_000, seed=1)
    monkeypatch.setattr(yearly, "evaluate", _taxed)
    after = compute(scenario)
    simulated = simulate(scenario, runs=2_000, seed=1)

    # compute's own headline moved ...
    assert after.npv < before.npv
    assert after.net_flow != before.net_flow
    taxed = [0.75 * b - c for b, c in zip(before.benefits, before.costs, strict=True)]
    assert after.net_flow == pytest.approx(taxed, rel=1e-12)
    # ... and so did the cases, the tornado and the break-even, still agreeing with it
    cases = after.sensitivity.cases
    assert cases.base.npv == pytest.approx(after.npv, rel=1e-12)
    assert cases.base.npv < before.sensitivity.cases.base.npv
    for case in ("pessimistic", "optimistic"):
        shown = compute(scenario, case=case)
        assert getattr(cases, case).npv == pytest.approx(shown.npv, rel=1e-12)
        assert getattr(cases, case).npv < getattr(before.sensitivity.cases, case).npv
    bar, old = after.sensitivity.tornado[0], before.sensitivity.tornado[0]
    assert (bar.npv_low, bar.npv_high) != (old.npv_low, old.npv_high)
    assert after.sensitivity.breakeven != before.sensitivity.breakeven
    # the Monte Carlo: every run through the same model
    assert simulated.npv.mean < simulated_before.npv.mean
    assert np.all(simulated.npv_runs < simulated_before.npv_runs)
    # the workbook's cached yearly cells are the same output
    layout = export_layout(scenario, "en")
    cached = expected_values(layout, scenario, after)
    cell = layout.summary_cell("net_flow", 1)
    assert cached[("summary", cell)] == pytest.approx(after.net_flow[1], rel=1e-12)
    assert cached[("summary", layout.headline_cell("npv"))] == after.npv


# --- issue 24 item 5: totals without noise from the order of the sum ----------------------


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(
            st.floats(-1e12, 1e12, allow_nan=False) | st.sampled_from([0.1, 0.2, 0.3, 1e-17]),
            min_size=11,
            max_size=11,
        ),
        min_size=1,
        max_size=20,
    )
)
def test_every_yearly_sum_is_the_correctly_rounded_one(table: list[list[float]]) -> None:
    """Costs added left to right gave 477 115.430 400 000 07 for 477 115.4304: every total
    of the yearly model is now what ``math.fsum`` gives, for one row or thousands."""
    values = np.array(table)
    assert sum_rows(values).tolist() == [math.fsum(row) for row in table]
    rows = np.abs(values)
    out = yearly.evaluate(rows, rows[::-1], 0.1)
    factors = out.discount_factors.tolist()
    for r, row in enumerate(rows.tolist()):
        assert out.total_costs[r] == math.fsum(row)
        assert out.pv_costs[r] == math.fsum(v * f for v, f in zip(row, factors, strict=True))
        assert out.npv[r] == math.fsum(out.present_values[r].tolist())


def test_a_summary_total_is_exact() -> None:
    examples = Path(__file__).resolve().parent.parent / "examples"
    results = compute(load_scenario(examples / "marketing-channels.json"))
    assert results.total_benefits == 477115.4304  # was 477115.43040000007
    assert results.net_benefit == 202315.4304


def test_a_tiny_flow_before_the_crossing_does_not_overflow_the_payback() -> None:
    """The payback divides in every run, crossing or not: 1e300 / 1e-300 overflowed
    (a RuntimeWarning, an error under the tests) in a year that is not the crossing."""
    from crmroi_xl.finance.rows import payback_rows

    rows = np.array([[-1.0, 2.0, 0.0], [-1e300, 1e-300, 2e300]])  # the first crosses in year 1
    assert payback_rows(rows).tolist() == [0.5, 1.5]
