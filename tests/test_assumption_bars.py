"""Issue 21, item 4: the tornado's bars of the discount rate, the adoption ramp-up and the
benefit risk. Each end equals ``compute`` of the scenario edited to it (the rate set,
every adoption share scaled and capped at 100 %, the benefit risk set): the source of
the expected values is the engine's full computation, not the bar's shortcut."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings

from crmroi_xl import compute, export_workbook, load_scenario, read_workbook
from crmroi_xl.engine.assumption_bars import ASSUMPTION_DRIVERS, assumption_range
from crmroi_xl.excel.sensitivity_layout import TORNADO_BARS
from crmroi_xl.excel.workbook import export_layout
from crmroi_xl.scenario.labels import label
from crmroi_xl.scenario.model import Scenario
from tests.spreadsheet import load_values, recalculate, recalculate_gnumeric
from tests.strategies import scenarios

from .examples import CASE_EXAMPLES


def _edited(scenario: Scenario, key: str, end: float) -> Scenario:
    data: dict[str, Any] = scenario.model_dump(mode="json")
    a = data["assumptions"]
    for field in ("discount_rate", "adoption", "benefit_risk"):
        a[f"{field}_low"] = a[f"{field}_high"] = None
    if key == "adoption":
        a["adoption"] = [min(1.0, share * end) for share in scenario.assumptions.adoption]
    else:
        a[key] = end
    return Scenario.model_validate(data)


def _check(scenario: Scenario) -> int:
    bars = [b for b in compute(scenario).sensitivity.tornado if b.side == "assumption"]
    for bar in bars:
        key = ("discount_rate", "adoption", "benefit_risk")[bar.index]
        assert (bar.low, bar.high) == assumption_range(scenario.assumptions, key)
        for end, npv in ((bar.low, bar.npv_low), (bar.high, bar.npv_high)):
            expected = compute(_edited(scenario, key, end)).npv
            assert npv == pytest.approx(expected, rel=1e-9, abs=1e-6), (key, end)
    return len(bars)


@pytest.mark.parametrize("path", CASE_EXAMPLES, ids=lambda p: p.stem)
def test_each_assumption_bar_is_compute_on_the_edited_scenario(path: Any) -> None:
    assert _check(load_scenario(path)) == 3


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios())
def test_generated_scenarios_assumption_bars_are_compute_on_edits(scenario: Any) -> None:
    _check(Scenario.model_validate(scenario))


def test_ranges_given_replace_the_defaults_and_sort_with_the_lines() -> None:
    data = load_scenario("examples/mid-size-risk-adjusted.yaml").model_dump(mode="json")
    a = data["assumptions"]
    a.update(discount_rate_low=0.0, discount_rate_high=0.3, adoption_low=0.5, adoption_high=2)
    scenario = Scenario.model_validate(data)
    tornado = compute(scenario).sensitivity.tornado
    rate = next(b for b in tornado if b.side == "assumption" and b.index == 0)
    assert (rate.low, rate.high) == (0.0, 0.3)
    assert _check(scenario) == 3
    swings = [abs(b.npv_high - b.npv_low) for b in tornado]
    assert swings == sorted(swings, reverse=True)
    assert {b.side for b in tornado} == {"cost", "benefit", "assumption"}


@pytest.mark.parametrize(
    ("field", "value"),
    [("discount_rate_low", 0.2), ("discount_rate_high", 0.05), ("benefit_risk_high", 0.0)],
)
def test_a_range_that_leaves_out_its_assumption_is_refused(field: str, value: float) -> None:
    data = {
        "assumptions": {"name": "x", "discount_rate": 0.1, "benefit_risk": 0.1, field: value},
        "costs": [{"label": "CRM", "category": "licences", "one_off": 1}],
    }
    with pytest.raises(ValueError, match=f"{field.rsplit('_', 1)[0]}_low and"):
        Scenario.model_validate(data)


def test_a_benefit_risk_of_100_percent_has_no_bar() -> None:
    data = {
        "assumptions": {"name": "x", "benefit_risk": 1},
        "costs": [{"label": "CRM", "category": "licences", "one_off": 1}],
        "benefits": [{"label": "G", "category": "cost_reduction", "amount_per_year": 5}],
    }
    assert _check(Scenario.model_validate(data)) == 2


@pytest.mark.slow
def test_the_workbooks_assumption_bars_follow_edits_in_libreoffice_and_gnumeric(
    tmp_path: Path,
) -> None:
    """The CFO's questions in the workbook: a 12 % discount rate typed in, a slower
    adoption (x 0.5) and a wider benefit risk (up to 40 %) as the ranges. After
    LibreOffice and Gnumeric recalculate, each assumption's bar equals ``compute`` on
    the scenario read back and edited to that end, and the sorted tornado lists the
    engine's bars in its order."""
    scenario = load_scenario("examples/mid-size-risk-adjusted.yaml")
    layout = export_layout(scenario, "fr")
    path = export_workbook(scenario, tmp_path / "mid.xlsx", lang="fr")
    wb = openpyxl.load_workbook(path)
    sheet = wb[layout.sheet_name("assumptions")]
    for field, value in (
        ("discount_rate", 0.12),
        ("adoption_low", 0.5),
        ("benefit_risk_high", 0.4),
    ):
        sheet[f"B{layout.assumption_row(field)}"] = value
    wb.save(path)
    edited = read_workbook(path)
    a = edited.assumptions
    assert (a.discount_rate, a.adoption_low, a.benefit_risk_high) == (0.12, 0.5, 0.4)
    engine = compute(edited).sensitivity.tornado
    p = layout.sensitivity
    for done in (
        recalculate([path], tmp_path),
        recalculate_gnumeric([path], tmp_path),
    ):
        values = load_values(done[path])[layout.sheet_name("sensitivity")]
        for k, key in enumerate(("discount_rate", "adoption", "benefit_risk")):
            low, high = (values[p.assumption_cell(end, k)].value for end in ("low", "high"))
            assert (low, high) == pytest.approx(assumption_range(a, key), rel=1e-12)  # type: ignore[arg-type]
            for end, column in ((low, "npv_low"), (high, "npv_high")):
                expected = compute(_edited(edited, key, end)).npv
                got = values[p.assumption_cell(column, k)].value
                assert got == pytest.approx(expected, rel=1e-9), (key, column)
        shown = [values[p.tornado_cell("label", k)].value for k in range(TORNADO_BARS)]
        words = [
            label(f"tornado_{ASSUMPTION_DRIVERS[b.index]}", "fr")
            if b.side == "assumption"
            else b.label
            for b in engine[:TORNADO_BARS]
        ]
        assert shown[: len(words)] == words


def test_a_zero_adoption_a_steady_line_and_a_zero_rate_keep_the_rule() -> None:
    """Year 1 at 0 % adoption stays 0 at any factor, a line without ramp-up and an
    intangible one do not move with the adoption, a rate of 0 has a low end of 0."""
    data = {
        "assumptions": {"name": "Edge", "horizon_years": 10, "benefit_risk": 0.3,
                        "adoption": [0, 0.5, 0.95], "discount_rate": 0, "adoption_high": 3},
        "costs": [{"label": "CRM", "category": "licences", "amount_per_year": 1000}],
        "benefits": [
            {"label": "Gains", "category": "cost_reduction", "amount_per_year": 5000},
            {"label": "Steady", "category": "cost_reduction", "amount_per_year": 700,
             "ramp_up": False},
            {"label": "Image", "category": "intangible", "amount_per_year": 700},
        ],
    }  # fmt: skip
    scenario = Scenario.model_validate(data)
    assert _check(scenario) == 3
    rate = next(
        b for b in compute(scenario).sensitivity.tornado if b.side == "assumption" and b.index == 0
    )
    assert (rate.low, rate.high) == (0.0, 0.03)
