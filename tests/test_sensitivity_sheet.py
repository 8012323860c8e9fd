"""Issue 12 in the workbook: the ranges, the case selector, the Sensitivity sheet.

The case selector ``In_Case`` is set with openpyxl and LibreOffice recalculates:
every formula cell must then equal the engine's value for that case
(``compute(scenario, case=...)``) -- the lines' amounts, the totals, the summary,
the checks -- and the Sensitivity sheet stays relative to the base case. After
an amount or a range is edited in the workbook, the tornado equals ``compute``
of the edited scenario (read back from the workbook). The Monte Carlo block
holds ``simulate``'s figures.
"""

from __future__ import annotations

import math
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from crmroi_xl import compute, export_workbook, load_scenario, read_workbook, simulate
from crmroi_xl.engine.assumption_bars import ASSUMPTION_DRIVERS
from crmroi_xl.engine.sensitivity import CASES
from crmroi_xl.excel.content import expected_values
from crmroi_xl.excel.layout import Layout
from crmroi_xl.excel.sensitivity_layout import (
    CURVE_POINTS,
    HISTOGRAM_BINS,
    METRIC_COLUMNS,
    PROBABILITIES,
    STATISTICS,
)
from crmroi_xl.excel.workbook import export_layout, write_template
from crmroi_xl.scenario.labels import label
from crmroi_xl.scenario.model import Scenario
from tests.spreadsheet import after_edits, recalculate, same
from tests.strategies import scenarios

from .examples import CASE_EXAMPLES

EXAMPLES = CASE_EXAMPLES  # a workbook each (no options)
#: A low of 0 on both sides: the pessimistic case zeroes a benefit, the optimistic a cost.
ZEROES = {
    "assumptions": {"name": "Zeroes", "horizon_years": 4, "discount_rate": 0.08},
    "costs": [
        {"label": "Licences", "category": "licences", "amount_per_year": 10_000, "high": 1.2},
        {"label": "Consulting", "category": "implementation", "one_off": 30_000, "low": 0},
        {"label": "Twin A", "category": "training", "one_off": 2_000, "low": 0.5, "high": 2},
        {"label": "Twin B", "category": "training", "one_off": 2_000, "low": 0.5, "high": 2},
    ],
    "benefits": [
        {"label": "Sales", "category": "incremental_revenue", "amount_per_year": 40_000,
         "low": 0, "high": 1.5},
        {"label": "Image", "category": "intangible", "amount_per_year": 5_000, "low": 0.2},
        {"label": "Time", "category": "time_saved", "amount_per_year": 6_000},
    ],
}  # fmt: skip


def _wrong(layout: Layout, path: Path, expected: dict[tuple[str, str], Any]) -> list[Any]:
    """The formula cells of a recalculated workbook that differ from ``expected``."""
    computed = openpyxl.load_workbook(path, data_only=True)
    return [
        (sheet, ref, value, computed[layout.sheet_name(sheet)][ref].value)
        for (sheet, ref), value in expected.items()
        if not same(computed[layout.sheet_name(sheet)][ref].value, value)
    ]


def _switched(path: Path, layout: Layout, case: str | None) -> Path:
    """A copy of a workbook whose case selector shows ``case`` (None: left blank)."""
    wb = openpyxl.load_workbook(path)
    text = None if case is None else layout.word(f"case_{case}")
    wb[layout.sheet_name("sensitivity")][layout.sensitivity.case_cell] = text
    out = path.with_name(f"{path.stem}-{case or 'blank'}.xlsx")
    wb.save(out)
    return out


Switched = dict[Path, tuple[Scenario, Layout, str]]


@pytest.fixture(scope="module")
def switched(tmp_path_factory: pytest.TempPathFactory) -> Switched:
    """Pessimistic, optimistic, and a blank selector (= base), in French and English,
    on the examples and on a scenario whose lows of 0 zero a line in a case."""
    folder = tmp_path_factory.mktemp("switched")
    scenarios = [(load_scenario(e), "fr" if i % 2 == 0 else "en") for i, e in enumerate(EXAMPLES)]
    scenarios.append((Scenario.model_validate(ZEROES), "fr"))
    switched: Switched = {}
    for n, (scenario, lang) in enumerate(scenarios):
        layout = export_layout(scenario, lang)  # type: ignore[arg-type]
        path = export_workbook(scenario, folder / f"s{n}-{lang}.xlsx", lang=lang)  # type: ignore[arg-type]
        for case in ("pessimistic", "optimistic", None):
            switched[_switched(path, layout, case)] = (scenario, layout, case or "base")
    return switched


@pytest.fixture(scope="module")
def zeroes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``ZEROES`` in English, switched to the pessimistic case."""
    scenario = Scenario.model_validate(ZEROES)
    layout = export_layout(scenario, "en")
    path = export_workbook(scenario, tmp_path_factory.mktemp("zeroes") / "z.xlsx", lang="en")
    return _switched(path, layout, "pessimistic")


#: The training line of pme-20-postes.yaml, whose range the user edits.
PLAIN = 2


@pytest.fixture(scope="module")
def edited_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pme-20-postes.yaml as a user edits it in the workbook: the time saved worth three
    times as much, and the training's range from 100 % to 120 % now 70 % to 300 %."""
    scenario = load_scenario("examples/pme-20-postes.yaml")
    layout = export_layout(scenario, "fr")
    path = export_workbook(scenario, tmp_path_factory.mktemp("edited") / "pme.xlsx", lang="fr")
    wb = openpyxl.load_workbook(path)
    costs, benefits = wb[layout.sheet_name("costs")], wb[layout.sheet_name("benefits")]
    rate = benefits[layout.benefits.cell("hourly_rate", _time_saved(scenario))]
    rate.value = rate.value * 3
    costs[layout.costs.cell("low", PLAIN)] = 0.7
    costs[layout.costs.cell("high", PLAIN)] = 3
    wb.save(path)
    return path


def _time_saved(scenario: Scenario) -> int:
    return next(i for i, b in enumerate(scenario.benefits) if b.driver == "hours")


@pytest.fixture(scope="module")
def recalculated(
    switched: Switched,
    zeroes: Path,
    edited_workbook: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[Path, Path]:
    """Every workbook the tests below check, recalculated by one LibreOffice call."""
    paths = [*switched, zeroes, edited_workbook]
    return recalculate(paths, tmp_path_factory.mktemp("libreoffice"))


@pytest.mark.slow
def test_the_workbook_switched_to_each_case_is_the_engines_case(
    switched: Switched, recalculated: dict[Path, Path]
) -> None:
    for path, (scenario, layout, case) in switched.items():
        expected = expected_values(layout, scenario, compute(scenario), case=case)  # type: ignore[arg-type]
        assert _wrong(layout, recalculated[path], expected) == [], (path.name, case)
        # the headline results are the engine's case, and the summary says which
        values = openpyxl.load_workbook(recalculated[path], data_only=True)
        summary = values[layout.sheet_name("summary")]
        engine = getattr(compute(scenario).sensitivity.cases, case)
        assert math.isclose(summary[layout.headline_cell("npv")].value, engine.npv, rel_tol=1e-9)
        roi = summary[layout.headline_cell("roi")].value
        assert roi == "#N/A" if engine.roi is None else math.isclose(roi, engine.roi, rel_tol=1e-9)
        assert summary[layout.title_cell].value.endswith(layout.word(f"case_{case}"))
        shown = compute(scenario, case=case)  # type: ignore[arg-type]
        flows = [summary[layout.summary_cell("net_flow", t)].value for t in range(len(shown.years))]
        assert flows == pytest.approx(shown.net_flow, rel=1e-9, abs=1e-6)
        # the case shown is a spreadsheet setting: the scenario read back is unchanged
        language = scenario.assumptions.model_copy(update={"language": layout.lang})
        assert read_workbook(path) == scenario.model_copy(update={"assumptions": language})


@pytest.mark.slow
@settings(
    max_examples=1,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: soffice is slow
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batch=st.lists(scenarios(), min_size=3, max_size=3))
def test_generated_scenarios_switched_to_each_case_match_libreoffice(
    batch: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("cases")
    switched: dict[Path, tuple[Scenario, Layout, str]] = {}
    for n, data in enumerate(batch):
        scenario = Scenario.model_validate(data)
        layout = export_layout(scenario)
        path = export_workbook(scenario, folder / f"g{n}.xlsx")
        for case in ("pessimistic", "optimistic"):
            switched[_switched(path, layout, case)] = (scenario, layout, case)
    recalculated = recalculate(list(switched), folder)
    for path, (scenario, layout, case) in switched.items():
        expected = expected_values(layout, scenario, compute(scenario), case=case)  # type: ignore[arg-type]
        assert _wrong(layout, recalculated[path], expected) == [], (path.name, case)


@pytest.mark.slow
def test_a_low_of_zero_keeps_the_tornado_and_the_cases(
    zeroes: Path, recalculated: dict[Path, Path]
) -> None:
    """In the pessimistic case the Sales line's amounts are 0, yet the tornado (relative
    to base) still reads its base present value: the base amounts under the table."""
    scenario = Scenario.model_validate(ZEROES)
    layout = export_layout(scenario, "en")
    values = openpyxl.load_workbook(recalculated[zeroes], data_only=True)
    benefits = values[layout.sheet_name("benefits")]
    assert [benefits[layout.benefits.year_cell(t, 0)].value for t in range(5)] == [0] * 5
    assert benefits[layout.benefits.cell("case", 0)].value == 0
    sheet = values[layout.sheet_name("sensitivity")]
    bars = compute(scenario).sensitivity.tornado
    p = layout.sensitivity
    assert [sheet[p.tornado_cell("label", k)].value for k in range(len(bars))] == [
        bar.label  # an assumption's in the workbook's language
        if bar.side != "assumption"
        else label(f"tornado_{ASSUMPTION_DRIVERS[bar.index]}", "en")
        for bar in bars
    ]
    for k, bar in enumerate(bars):
        for key in ("npv_low", "npv_high"):
            assert same(sheet[p.tornado_cell(key, k)].value, getattr(bar, key)), (k, key)
    # identical lines tie and keep the scenario's order, here as in the engine
    assert [b.label for b in bars if b.label.startswith("Twin")] == ["Twin A", "Twin B"]
    for case in CASES:
        engine = getattr(compute(scenario).sensitivity.cases, case)
        assert same(sheet[p.cell("npv", case)].value, engine.npv)


@pytest.mark.slow
def test_editing_an_amount_and_a_range_moves_the_tornado_as_the_engine(
    edited_workbook: Path, recalculated: dict[Path, Path]
) -> None:
    """A user raises a benefit's amount and gives a cost a range in the workbook; after
    LibreOffice recalculates, every cell -- the tornado's bars and order among them --
    equals compute on the scenario read back from the edited workbook."""
    scenario = load_scenario("examples/pme-20-postes.yaml")
    layout = export_layout(scenario, "fr")
    edited = read_workbook(edited_workbook)
    assert (edited.costs[PLAIN].low, edited.costs[PLAIN].high) == (0.7, 3)
    expected = after_edits(layout, expected_values(layout, edited, compute(edited)))
    assert _wrong(layout, recalculated[edited_workbook], expected) == []
    bars = compute(edited).sensitivity.tornado
    before = compute(scenario).sensitivity.tornado

    def swing(bars: list[Any], label: str) -> float:
        bar = next(b for b in bars if b.label == label)
        return float(bar.npv_high - bar.npv_low)

    label = edited.benefits[_time_saved(scenario)].label  # its present value, so its bar, x3
    assert swing(bars, label) == pytest.approx(3 * swing(before, label), rel=1e-9)
    training = edited.costs[PLAIN].label  # a wider range: a longer bar, higher in the order
    assert abs(swing(bars, training)) > abs(swing(before, training))
    assert [b.label for b in bars].index(training) < [b.label for b in before].index(training)


def test_ranges_are_inputs_beside_each_line_and_read_back(tmp_path: Path) -> None:
    scenario = load_scenario("examples/marketing-channels.json")
    layout = export_layout(scenario, "en")
    path = export_workbook(scenario, tmp_path / "m.xlsx", lang="en")
    wb = openpyxl.load_workbook(path)
    for sheet, lines in (("costs", scenario.costs), ("benefits", scenario.benefits)):
        table, ws = layout.table(sheet), wb[layout.sheet_name(sheet)]
        for i, line in enumerate(lines):
            for key in ("low", "high"):
                cell = ws[table.cell(key, i)]
                assert cell.style == "input"
                assert cell.value == (None if getattr(line, key) == 1 else getattr(line, key))
        ranges = {
            str(dv.sqref): (dv.formula1, dv.formula2)
            for dv in ws.data_validations.dataValidation
            if table.span("low").replace("$", "") in str(dv.sqref)
            or table.span("high").replace("$", "") in str(dv.sqref)
        }
        assert sorted(ranges.values()) == [("0", "1"), ("1", "10")]
    in_english = scenario.assumptions.model_copy(update={"language": "en"})
    assert read_workbook(path) == scenario.model_copy(update={"assumptions": in_english})


def test_the_case_selector_is_a_list_of_the_three_cases_opening_on_base(tmp_path: Path) -> None:
    for lang, words in (("fr", ["Pessimiste", "Base", "Optimiste"]), ("en", None)):
        layout = Layout(lang)  # type: ignore[arg-type]
        path = export_workbook(
            load_scenario("examples/pme-20-postes.yaml"), tmp_path / f"{lang}.xlsx", lang=lang
        )  # type: ignore[arg-type]
        wb = openpyxl.load_workbook(path)
        ws = wb[layout.sheet_name("sensitivity")]
        assert ws[layout.sensitivity.case_cell].value == layout.word("case_base")
        assert ws[layout.sensitivity.case_cell].style == "input"
        (validation,) = [
            dv for dv in ws.data_validations.dataValidation
            if layout.sensitivity.case_cell in str(dv.sqref)
        ]  # fmt: skip
        assert (validation.type, validation.formula1) == ("list", "List_Cases")  # no "=" in a file
        assert layout.choices("List_Cases") == (words or ["Pessimistic", "Base", "Optimistic"])
        assert {"In_Case", "Calc_Case", "List_Cases"} <= set(wb.defined_names)


def _simulation_cells(path: Path, layout: Layout) -> dict[str, Any]:
    ws = openpyxl.load_workbook(path)[layout.sheet_name("sensitivity")]
    p = layout.sensitivity
    return {
        "status": ws[p.mc_status_cell].value,
        "statistics": {
            (metric, key): ws[f"{col}{p.statistic_row(key)}"].value
            for metric, col in METRIC_COLUMNS.items()
            for key in STATISTICS
        },
        "probabilities": {key: ws[f"B{p.probability_row(key)}"].value for key in PROBABILITIES},
        "runs": [ws[f"D{p.histogram_row(k)}"].value for k in range(HISTOGRAM_BINS)],
        "curve": [ws[f"H{p.histogram_row(k)}"].value for k in range(CURVE_POINTS)],
        "marker": ws[p.marker_title_cell].value,
    }


def _charts(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(name.startswith("xl/charts/chart") for name in archive.namelist())


def test_the_monte_carlo_block_holds_simulates_figures(tmp_path: Path) -> None:
    scenario = load_scenario("examples/mid-size-risk-adjusted.yaml")
    layout = export_layout(scenario, "fr")
    path = export_workbook(scenario, tmp_path / "mc.xlsx", lang="fr")
    cells = _simulation_cells(path, layout)
    sim = simulate(scenario, runs=scenario.assumptions.workbook_runs)  # the Simulation sheet's
    assert cells["status"].startswith("1\u00a0000 tirages, graine 0, loi PERT")
    assert "réexporter pour actualiser" in cells["status"]
    for (metric, key), value in cells["statistics"].items():
        assert value == getattr(getattr(sim, metric), key), (metric, key)
    assert cells["probabilities"] == sim.probability.shown
    assert cells["runs"] == sim.histogram(HISTOGRAM_BINS)[1] and sum(cells["runs"]) == sim.runs
    assert cells["curve"][0] == sim.npv_runs.min() and cells["curve"][-1] == sim.npv_runs.max()
    assert cells["curve"][CURVE_POINTS // 2] == pytest.approx(float(np.median(sim.npv_runs)))
    share = f"{sim.probability.npv_positive * 100:.1f}".replace(".", ",")
    assert cells["marker"] == f"P(VAN > 0) = {share}\u00a0%"
    formulas = {
        c.coordinate
        for row in openpyxl.load_workbook(path)[layout.sheet_name("sensitivity")].iter_rows()
        for c in row
        if c.data_type == "f"
    }
    assert layout.sensitivity.mc_status_cell not in formulas  # values, not formulas


def test_without_a_range_a_sentence_replaces_the_monte_carlo_charts(tmp_path: Path) -> None:
    ranged = load_scenario("examples/pme-20-postes.yaml")
    data = ranged.model_dump()
    for line in [*data["costs"], *data["benefits"]]:
        line["low"] = line["high"] = 1.0
    plain = Scenario.model_validate(data)
    layout = export_layout(plain, "en")
    with_ranges = export_workbook(ranged, tmp_path / "ranged.xlsx", lang="en")
    without = export_workbook(plain, tmp_path / "plain.xlsx", lang="en")
    cells = _simulation_cells(without, layout)
    assert cells["status"].startswith("No cost or counted benefit has a range")
    assert set(cells["statistics"].values()) == {None} and cells["marker"] is None
    assert _charts(with_ranges) - _charts(without) == 2  # the histogram and the S-curve
    template = write_template(tmp_path / "t.xlsx", lang="en")
    status = _simulation_cells(template, Layout("en"))["status"]
    assert status.startswith("Filled by an export")
