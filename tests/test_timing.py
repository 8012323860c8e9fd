"""The business case as finance builds it: timing per line, ramps, KPI-driven benefits,
totals and present values -- each rule against a hand-worked case, and the defaults
against the rules the engine had before they existed."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from crmroi_xl import batch_export, compute, export_workbook, load_scenario, read_workbook
from crmroi_xl.errors import ScenarioError
from crmroi_xl.excel.content import expected_values
from crmroi_xl.excel.workbook import export_layout
from crmroi_xl.io.flatwrite import write_scenarios
from crmroi_xl.io.loader import scenario_from_data
from crmroi_xl.scenario.labels import Lang
from crmroi_xl.scenario.model import Scenario
from tests.spreadsheet import after_edits, mismatches, recalculate, same
from tests.strategies import NOT_IN_WORKBOOK, scenarios

# --- the defaults are today's rules -------------------------------------------------------


def _old_cost_flows(line: dict[str, Any], horizon: int, risk: float) -> list[float]:
    """The cost rule before line timing existed: one-off in year 0, the recurring
    amount from year 1 for ``years`` years, increased from year 2."""
    base = (
        line.get("amount_per_year", 0)
        + line.get("seats", 0) * line.get("price_per_seat_month", 0) * 12
        + line.get("hours_per_year", 0) * line.get("hourly_rate", 0)
    )
    lasts = horizon if line.get("years") is None else line["years"]
    recurring = [
        base * (1 + line.get("annual_increase", 0)) ** (t - 1) if t <= lasts else 0.0
        for t in range(1, horizon + 1)
    ]
    return [amount * (1 + risk) for amount in [line.get("one_off", 0), *recurring]]


def _old_benefit_flows(line: dict[str, Any], adoption: list[float], risk: float) -> list[float]:
    """The benefit rule before line timing existed: from year 1 to the horizon, grown
    from year 2, times the adoption share."""
    base = (
        line.get("amount_per_year", 0)
        + line.get("extra_sales_per_month", 0)
        * 12
        * line.get("average_deal_value", 0)
        * line.get("gross_margin", 1)
        + line.get("hours_saved_per_year", 0) * line.get("hourly_rate", 0)
    )
    return [
        0.0,
        *(
            base * (1 + line.get("annual_growth", 0)) ** (t - 1) * share * (1 - risk)
            for t, share in enumerate(adoption, start=1)
        ),
    ]


#: The fields that came with line timing, seat ramps and KPI-driven benefits (the last
#: through their volumes: a driver none of whose fields is drawn is never chosen).
NEW_FIELDS = frozenset(
    {
        "CostLine.start_year",
        "CostLine.one_off_year",
        "CostLine.increase_from_year",
        "CostLine.seats_by_year",
        "BenefitLine.start_year",
        "BenefitLine.years",
        "BenefitLine.ramp_up",
        "BenefitLine.realisation",
        "BenefitLine.opportunities_per_year",
        "BenefitLine.leads_per_year",
        "BenefitLine.customers",
        "Assumptions.go_live_month",  # the finance view's (issue 23): a shorter year 1
    }
)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(data=scenarios(leave=NEW_FIELDS))
def test_without_the_new_fields_the_numbers_are_todays_exactly(data: dict[str, Any]) -> None:
    scenario = Scenario.model_validate(data)
    a = scenario.assumptions
    results = compute(scenario)
    for line, flows in zip(data["costs"], results.cost_lines, strict=True):
        assert flows.values == _old_cost_flows(line, a.horizon_years, a.cost_risk)
    for line, flows in zip(data["benefits"], results.benefit_lines, strict=True):
        assert flows.values == _old_benefit_flows(line, a.adoption, a.benefit_risk)


# --- each rule, by hand ---------------------------------------------------------------------


def case(**parts: Any) -> Scenario:
    data: dict[str, Any] = {
        "assumptions": {"name": "B2B", "horizon_years": 5, "discount_rate": 0.1}
        | parts.pop("assumptions", {}),
        **parts,
    }
    return scenario_from_data(data)


def cost(**fields: Any) -> list[float]:
    line = {"label": "c", "category": "licences"} | fields
    return compute(case(costs=[line])).cost_lines[0].values


def benefit(**fields: Any) -> list[float]:
    kpis = fields.pop("kpis", [])
    adoption = fields.pop("adoption", [])
    line = {"label": "b", "category": "cost_reduction"} | fields
    scenario = case(benefits=[line], kpis=kpis, assumptions={"adoption": adoption})
    return compute(scenario).benefit_lines[0].values


def test_a_cost_line_that_starts_after_year_1() -> None:
    # a phase-2 module: 12 000 a year from year 3, for two years
    assert cost(amount_per_year=12_000, start_year=3, years=2) == [0, 0, 0, 12_000, 12_000, 0]


def test_a_one_off_outside_year_0_and_with_the_recurring_amount() -> None:
    assert cost(one_off=8_000, one_off_year=2, amount_per_year=1_000) == [
        0,
        1_000,
        9_000,
        1_000,
        1_000,
        1_000,
    ]


def test_seats_that_ramp_up_and_carry_over() -> None:
    # 100 seats in year 1, 150 from year 2, at 40 a month: 48 000 then 72 000
    flows = cost(seats_by_year=[100, 150], price_per_seat_month=40)
    assert flows == [0, 48_000, 72_000, 72_000, 72_000, 72_000]


def test_a_price_increase_after_a_lock_in() -> None:
    # +10 % a year from year 4: years 1-3 at 1 000, then 1 100, 1 210
    flows = cost(amount_per_year=1_000, annual_increase=0.1, increase_from_year=4)
    assert [round(v, 6) for v in flows] == [0, 1_000, 1_000, 1_000, 1_100, 1_210]
    # by default the increase starts in the line's second year
    late = cost(amount_per_year=1_000, annual_increase=0.1, start_year=3)
    assert [round(v, 6) for v in late] == [0, 0, 0, 1_000, 1_100, 1_210]


def test_cost_risk_applies_to_every_year_of_a_timed_line() -> None:
    line = {"label": "c", "category": "other", "one_off": 100, "one_off_year": 1}
    scenario = case(costs=[line | {"amount_per_year": 10, "start_year": 2}])
    scenario = scenario.model_copy(
        update={"assumptions": scenario.assumptions.model_copy(update={"cost_risk": 0.1})}
    )
    values = compute(scenario).cost_lines[0].values
    assert [round(v, 9) for v in values] == [0, 110, 11, 11, 11, 11]


def test_a_benefit_that_starts_with_the_integration_and_grows_from_its_second_year() -> None:
    flows = benefit(amount_per_year=10_000, start_year=3, annual_growth=0.1, years=2)
    assert [round(v, 6) for v in flows] == [0, 0, 0, 10_000, 11_000, 0]


def test_adoption_follows_calendar_years_and_ramp_up_can_be_off() -> None:
    adoption = [0.5, 0.8, 1.0]
    ramped = benefit(amount_per_year=10_000, start_year=2, adoption=adoption)
    assert ramped == [0, 0, 8_000, 10_000, 10_000, 10_000]  # year 2's share is 0.8
    legacy = benefit(amount_per_year=10_000, adoption=adoption, ramp_up=False)
    assert legacy == [0, 10_000, 10_000, 10_000, 10_000, 10_000]  # retired on day one


def test_time_saved_partly_realised() -> None:
    flows = benefit(hours_saved_per_year=1_000, hourly_rate=40, realisation=0.5)
    assert flows == [0, 20_000, 20_000, 20_000, 20_000, 20_000]


KPI = {"before": 0.22, "after": 0.26}


def test_more_deals_won_from_the_win_rate() -> None:
    # 400 opportunities x 4 points more won x 8 000 x 50 % margin = 64 000
    flows = benefit(
        opportunities_per_year=400,
        average_deal_value=8_000,
        gross_margin=0.5,
        kpis=[{"kind": "win_rate"} | KPI],
    )
    assert [round(v, 6) for v in flows] == [0] + [64_000] * 5


def test_more_leads_converted() -> None:
    # 2 000 leads x (12 % - 10 %) x 5 000 x 40 % = 80 000
    flows = benefit(
        leads_per_year=2_000,
        average_deal_value=5_000,
        gross_margin=0.4,
        kpis=[{"kind": "lead_conversion_rate", "before": 0.10, "after": 0.12}],
    )
    assert [round(v, 6) for v in flows] == [0] + [80_000] * 5


def test_fewer_customers_lost() -> None:
    # 1 200 customers x (15 % - 12 %) churn x 900 margin = 32 400 a year's saved customers
    kpis = [{"kind": "churn_rate", "before": 0.15, "after": 0.12}]
    flows = benefit(customers=1_200, margin_per_customer=900, churn_mode="yearly", kpis=kpis)
    assert [round(v, 6) for v in flows] == [0] + [32_400] * 5
    # cumulative (the default since issue 23): those kept earlier stay, churning at 12 %
    flows = benefit(customers=1_200, margin_per_customer=900, kpis=kpis)
    assert [round(v, 6) for v in flows[:4]] == [0, 32_400, 32_400 * 1.88, 32_400 * 2.6544]


def test_a_kpi_that_worsens_gives_a_negative_benefit_never_clipped() -> None:
    flows = benefit(
        customers=1_000,
        margin_per_customer=500,
        churn_mode="yearly",
        kpis=[{"kind": "churn_rate", "before": 0.10, "after": 0.12}],
    )
    assert [round(v, 6) for v in flows] == [0] + [-10_000] * 5


def test_a_kpi_driven_line_without_its_kpi_is_refused_naming_line_and_kpi() -> None:
    with pytest.raises(ScenarioError) as raised:
        benefit(opportunities_per_year=400, average_deal_value=8_000, label="More deals")
    assert "benefits[0].driver: 'win_rate' (More deals) needs the KPI 'win_rate'" in str(
        raised.value
    )
    with pytest.raises(ScenarioError, match="needs the KPI 'win_rate' once; it is given 2 times"):
        benefit(
            opportunities_per_year=400,
            average_deal_value=8_000,
            kpis=[{"kind": "win_rate"} | KPI] * 2,
        )


def test_the_driver_is_inferred_from_a_field_only_it_has() -> None:
    scenario = case(
        benefits=[
            {
                "label": "Deals",
                "category": "incremental_revenue",
                "opportunities_per_year": 10,
                "average_deal_value": 1,
            },
            {
                "label": "Sales",
                "category": "incremental_revenue",
                "extra_sales_per_month": 1,
                "average_deal_value": 1,
            },
        ],
        kpis=[{"kind": "win_rate"} | KPI],
    )
    assert [b.driver for b in scenario.benefits] == ["win_rate", "sales"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"amount_per_year": 1, "start_year": 6},
            "costs[0].start_year: year 6 is after the 5-year",
        ),
        ({"one_off": 1, "one_off_year": 7}, "costs[0].one_off_year: year 7 is after the 5-year"),
        ({"seats_by_year": [1] * 6, "price_per_seat_month": 1}, "6 values for a 5-year horizon"),
        ({"seats": 3, "seats_by_year": [1], "price_per_seat_month": 1}, "seats_by_year replaces"),
        ({"amount_per_year": 1, "seats_by_year": [4]}, "the driver is 'amount' but seats_by_year"),
    ],
)
def test_timing_that_does_not_fit_is_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError, match=message.replace("[", r"\[").replace("]", r"\]")):
        cost(**fields)


def test_each_line_has_its_total_and_present_value() -> None:
    scenario = case(
        costs=[{"label": "c", "category": "other", "one_off": 1_000, "amount_per_year": 100}],
        benefits=[{"label": "b", "category": "cost_reduction", "amount_per_year": 500}],
    )
    results = compute(scenario)
    for line in (*results.cost_lines, *results.benefit_lines):
        assert line.total == math.fsum(line.values)
        assert line.present_value == pytest.approx(
            sum(v / 1.1**t for t, v in enumerate(line.values)), rel=1e-12
        )
    assert results.cost_lines[0].total == 1_500
    assert math.fsum(c.present_value for c in results.cost_lines) == pytest.approx(
        results.pv_costs, rel=1e-12
    )


# --- the workbook: native formulas, LibreOffice, read back, a user's edits -----------------

B2B = "examples/b2b-150-seats.yaml"
LANGS: tuple[Lang, ...] = ("fr", "en")


def _in(scenario: Scenario, lang: str) -> Scenario:
    return scenario.model_copy(
        update={"assumptions": scenario.assumptions.model_copy(update={"language": lang})}
    )


@pytest.fixture(scope="module")
def b2b(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """b2b-150-seats.yaml (phases, seats by year, KPI-driven benefits) in both languages."""
    folder = tmp_path_factory.mktemp("b2b")
    scenario = load_scenario(B2B)
    return {lang: export_workbook(scenario, folder / f"{lang}.xlsx", lang=lang) for lang in LANGS}


@pytest.fixture(scope="module")
def edited_b2b(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """b2b-150-seats.yaml edited in the workbook as a user would: phase 2 a year earlier,
    140 seats in year 2 (carried over), the win rate rising more."""
    scenario = load_scenario(B2B)
    path = export_workbook(scenario, tmp_path_factory.mktemp("edited") / "case.xlsx", lang="fr")
    layout = export_layout(scenario, "fr")
    wb = openpyxl.load_workbook(path)
    costs, kpis = wb[layout.sheet_name("costs")], wb[layout.sheet_name("kpis")]
    costs[layout.costs.cell("start_year", _phase2(scenario))] = 2
    costs[layout.costs.cell("seats_y2", 0)] = 140
    kpis[layout.kpis.cell("after", _win(scenario))] = 0.28
    wb.save(path)
    return path


def _phase2(scenario: Scenario) -> int:
    return next(i for i, c in enumerate(scenario.costs) if c.start_year == 3)


def _win(scenario: Scenario) -> int:
    return next(i for i, k in enumerate(scenario.kpis) if k.kind == "win_rate")


@pytest.fixture(scope="module")
def recalculated(
    b2b: dict[str, Path], edited_b2b: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[Path, Path]:
    """The workbooks above, recalculated by one LibreOffice call."""
    return recalculate([*b2b.values(), edited_b2b], tmp_path_factory.mktemp("libreoffice"))


def _check_timed(path: Path, recalculated: Path, scenario: Scenario, lang: str) -> None:
    """Every formula cell is the engine's; the file, and LibreOffice's save of it, read
    back to the scenario."""
    assert mismatches(path, recalculated) == [], (path.name, lang)
    assert read_workbook(path) == _in(scenario, lang)
    assert read_workbook(recalculated) == _in(scenario, lang)  # saved by LibreOffice


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_a_timed_example_matches_libreoffice_and_reads_back(
    b2b: dict[str, Path], recalculated: dict[Path, Path], lang: str
) -> None:
    _check_timed(b2b[lang], recalculated[b2b[lang]], load_scenario(B2B), lang)


@pytest.mark.slow
@settings(
    max_examples=1,  # one soffice call of eight workbooks; each run draws new scenarios
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: soffice is slow
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batch=st.lists(scenarios(leave=NOT_IN_WORKBOOK), min_size=4, max_size=4))
def test_timed_workbooks_match_libreoffice_and_read_back(
    batch: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("timed")
    cases = [Scenario.model_validate(data) for data in batch]
    paths = {
        (i, lang): export_workbook(scenario, folder / f"s{i}-{lang}.xlsx", lang=lang)
        for i, scenario in enumerate(cases)
        for lang in LANGS
    }
    recalculated = recalculate(list(paths.values()), folder)
    for (i, lang), path in paths.items():
        _check_timed(path, recalculated[path], cases[i], lang)


@pytest.mark.slow
def test_a_user_edits_timing_seats_and_a_kpi_and_libreoffice_agrees(
    edited_b2b: Path, recalculated: dict[Path, Path]
) -> None:
    scenario = load_scenario(B2B)
    layout = export_layout(scenario, "fr")
    edited = read_workbook(edited_b2b)
    assert edited.costs[_phase2(scenario)].start_year == 2
    assert edited.costs[0].seats_by_year == [100, 140]
    assert edited.kpis[_win(scenario)].after == 0.28
    expected = after_edits(layout, expected_values(layout, edited, compute(edited)))
    computed = openpyxl.load_workbook(recalculated[edited_b2b], data_only=True)
    wrong = [
        (sheet, ref, value, computed[layout.sheet_name(sheet)][ref].value)
        for (sheet, ref), value in expected.items()
        if not same(computed[layout.sheet_name(sheet)][ref].value, value)
    ]
    assert wrong == []
    assert compute(edited).npv > compute(scenario).npv  # more deals, earlier phase 2 benefits


def test_a_batch_of_timed_scenarios_from_json_lines_and_a_flat_csv(tmp_path: Path) -> None:
    scenario = load_scenario(B2B)
    renamed = scenario.model_copy(
        update={"assumptions": scenario.assumptions.model_copy(update={"name": "Other"})}
    )
    lines = [s.model_dump_json() for s in (scenario, renamed)]
    (tmp_path / "batch.jsonl").write_text("\n".join(lines), encoding="utf-8")
    write_scenarios([scenario, renamed], tmp_path / "batch.csv")
    header = (tmp_path / "batch.csv").read_text("utf-8-sig").splitlines()[0].split(",")
    assert {
        "cost_1_seats_by_year_2",
        "cost_3_one_off_year",
        "benefit_2_opportunities_per_year",
    } <= set(header)
    for source in ("batch.jsonl", "batch.csv"):
        report = batch_export(tmp_path / source, tmp_path / source.replace(".", "-"))
        assert [e.status for e in report.entries] == ["ok", "ok"]
        for entry in report.entries:
            assert entry.results["npv"] == pytest.approx(compute(scenario).npv, rel=1e-12)


def test_timing_problems_are_one_line_each_in_the_reports_language() -> None:
    """Each cross-field problem gets its own line at its own field, in French for a
    French case -- not one English sentence at the scenario's root."""
    with pytest.raises(ScenarioError) as raised:
        case(
            assumptions={"language": "fr", "horizon_years": 3},
            costs=[
                {"label": "c", "category": "licences", "price_per_seat_month": 1,
                 "start_year": 5, "seats_by_year": [1, 2, 3, 4]},
                {"label": "d", "category": "licences", "price_per_seat_month": 1,
                 "seats": 3, "seats_by_year": [1]},
            ],
            benefits=[{"label": "Ventes", "category": "incremental_revenue",
                       "driver": "win_rate", "opportunities_per_year": 10,
                       "average_deal_value": 100}],
        )  # fmt: skip
    assert str(raised.value).splitlines() == [
        "scenario: costs[1]: seats_by_year remplace seats : donnez l'un ou l'autre",
    ]
    with pytest.raises(ScenarioError) as raised:
        case(
            assumptions={"language": "fr", "horizon_years": 3},
            costs=[{"label": "c", "category": "licences", "price_per_seat_month": 1,
                    "start_year": 5, "seats_by_year": [1, 2, 3, 4]}],
            benefits=[{"label": "Ventes", "category": "incremental_revenue",
                       "driver": "win_rate", "opportunities_per_year": 10,
                       "average_deal_value": 100}],
        )  # fmt: skip
    assert str(raised.value).splitlines() == [
        "scenario: costs[0].seats_by_year: 4 valeurs pour un horizon de 3 ans",
        "scenario: costs[0].start_year: l'année 5 est après l'horizon de 3 ans",
        "scenario: benefits[0].driver: 'win_rate' (Ventes) a besoin de l'indicateur "
        "'win_rate' (ses valeurs avant et après) dans kpis",
    ]
