"""The Monte Carlo that lives in the workbook (issue 21): the Simulation sheet, recalculated
by LibreOffice and Gnumeric, equals ``simulate(scenario, runs=workbook_runs)`` run by run,
on the export and after a user edits amounts, ranges and the discount rate."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from crmroi_xl import export_workbook, load_scenario, simulate
from crmroi_xl.excel.layout import Layout
from crmroi_xl.excel.workbook import export_layout
from crmroi_xl.scenario.model import Scenario
from tests.spreadsheet import load_values, recalculate, recalculate_gnumeric

EXAMPLE = "examples/mid-size-risk-adjusted.yaml"
#: The lines the user edits: a cost's amount, a cost's range, a benefit that loses its range.
AMOUNT, RANGE, NO_RANGE = 1, 3, 2
PLAIN = 6  # the refresher training: no range at export


def edited(scenario: Scenario) -> Scenario:
    """The scenario a user makes in the workbook: a dearer implementation, a wider range
    for the customisation, no range on the legacy tools retired, a 12 % discount rate."""
    data = scenario.model_dump()
    data["assumptions"]["discount_rate"] = 0.12
    data["costs"][AMOUNT]["one_off"] = 400_000
    data["costs"][RANGE] |= {"low": 0.5, "high": 2.5}
    data["benefits"][NO_RANGE] |= {"low": 1.0, "high": 1.0}
    return Scenario.model_validate(data)


def edit(path: Path, layout: Layout) -> None:
    wb = openpyxl.load_workbook(path)
    costs, benefits = wb[layout.sheet_name("costs")], wb[layout.sheet_name("benefits")]
    wb[layout.sheet_name("assumptions")][f"B{layout.assumption_row('discount_rate')}"] = 0.12
    costs[layout.costs.cell("one_off", AMOUNT)] = 400_000
    costs[layout.costs.cell("low", RANGE)] = 0.5
    costs[layout.costs.cell("high", RANGE)] = 2.5
    benefits[layout.benefits.cell("low", NO_RANGE)] = None
    benefits[layout.benefits.cell("high", NO_RANGE)] = None
    wb.save(path)


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("live")
    scenario = load_scenario(EXAMPLE)
    layout = export_layout(scenario, "en")
    exported = export_workbook(scenario, folder / "exported.xlsx", lang="en")
    changed = export_workbook(scenario, folder / "edited.xlsx", lang="en")
    edit(changed, layout)
    ranged = export_workbook(scenario, folder / "ranged.xlsx", lang="en")
    wb = openpyxl.load_workbook(ranged)
    wb[layout.sheet_name("costs")][layout.costs.cell("high", PLAIN)] = 1.3
    wb.save(ranged)
    return {"exported": exported, "edited": changed, "ranged": ranged}


def flag(path: Path, layout: Layout) -> str:
    value = load_values(path)[layout.sheet_name("simulation")][layout.simulation.flag_cell].value
    return value or ""


def test_the_flag_says_when_the_export_no_longer_tells_everything(
    workbooks: dict[str, Path], libreoffice: dict[Path, Path]
) -> None:
    """Blank as exported; inputs changed: the Sensitivity sheet's block (payback) is as
    exported; a line given a range since: it is not drawn, re-export."""
    layout = export_layout(load_scenario(EXAMPLE), "en")
    assert flag(libreoffice[workbooks["exported"]], layout) == ""
    assert flag(libreoffice[workbooks["edited"]], layout).startswith("Inputs changed since")
    assert "re-export" in flag(libreoffice[workbooks["ranged"]], layout).lower()


def runs_of(path: Path, layout: Layout) -> tuple[list[float], dict[str, float]]:
    wb = load_values(path)
    ws = wb[layout.sheet_name("simulation")]
    p = layout.simulation
    npv = [ws[f"B{p.run_row(r)}"].value for r in range(1, p.runs + 1)]
    names = {}
    for name, (_, ref) in p.names.items():
        names[name] = ws[ref.replace("$", "")].value
    for key in ("roi_p10", "roi_p90"):
        names[key] = ws[p.cell(key)].value
    return npv, names


def check(path: Path, layout: Layout, scenario: Scenario) -> None:
    sim = simulate(scenario, runs=scenario.assumptions.workbook_runs)
    npv, names = runs_of(path, layout)
    assert len(npv) == sim.runs == 1_000
    scale = float(np.abs(sim.npv_runs).max())
    for got, want in zip(npv, sim.npv_runs, strict=True):
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9 * scale)
    for name, q in (("Out_NPV_P10", 10), ("Out_NPV_P50", 50), ("Out_NPV_P90", 90)):
        assert names[name] == pytest.approx(float(np.percentile(sim.npv_runs, q)), rel=1e-9)
    assert names["Out_P_NPV_Positive"] == sim.probability.npv_positive
    assert names["Out_P_ROI_Positive"] == sim.probability.roi_positive
    for key in ("p10", "p90"):  # the P10 and P90 cases' ROI, live
        assert names[f"roi_{key}"] == pytest.approx(sim.quantile_case(key)["roi"], rel=1e-9)


@pytest.fixture(scope="module")
def libreoffice(workbooks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return recalculate(list(workbooks.values()), tmp_path_factory.mktemp("lo"))


def test_the_exported_simulation_is_simulate_run_by_run_in_libreoffice(
    workbooks: dict[str, Path], libreoffice: dict[Path, Path]
) -> None:
    scenario = load_scenario(EXAMPLE)
    check(libreoffice[workbooks["exported"]], export_layout(scenario, "en"), scenario)


def test_after_editing_amounts_ranges_and_the_rate_it_is_simulate_of_the_edited_case(
    workbooks: dict[str, Path], libreoffice: dict[Path, Path]
) -> None:
    scenario = load_scenario(EXAMPLE)
    layout = export_layout(scenario, "en")
    after = edited(scenario)
    check(libreoffice[workbooks["edited"]], layout, after)
    before = simulate(scenario, runs=1_000)
    _, names = runs_of(libreoffice[workbooks["edited"]], layout)
    assert names["Out_NPV_P50"] < float(np.median(before.npv_runs)) - 200_000  # it moved


def test_gnumeric_computes_the_edited_simulation_alike(
    workbooks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("gnumeric")
    out = recalculate_gnumeric([workbooks["edited"]], folder)
    scenario = load_scenario(EXAMPLE)
    check(out[workbooks["edited"]], export_layout(scenario, "en"), edited(scenario))


def test_a_scenario_without_a_range_has_no_live_simulation(tmp_path: Path) -> None:
    data = load_scenario(EXAMPLE).model_dump()
    for line in [*data["costs"], *data["benefits"]]:
        line["low"] = line["high"] = 1.0
    plain = Scenario.model_validate(data)
    layout = export_layout(plain, "en")
    assert not layout.simulation.live and layout.simulation.names == {}
    path = export_workbook(plain, tmp_path / "plain.xlsx", lang="en")
    ws = openpyxl.load_workbook(path)[layout.sheet_name("simulation")]
    assert "no simulation" in ws["A2"].value
    assert ws.max_row == 2


def test_compute_json_and_the_report_carry_the_p10_and_p90_cases(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each case is each metric's own percentile of simulate(runs=workbook_runs): the
    workbook's Out_NPV_P10 and Out_NPV_P90 as exported."""
    import json

    from crmroi_xl.cli.main import main

    scenario = load_scenario(EXAMPLE)
    sim = simulate(scenario, runs=1_000)
    assert main(["compute", EXAMPLE, "--json"]) == 0
    cases = json.loads(capsys.readouterr().out)["sensitivity"]["cases"]
    assert list(cases) == ["pessimistic", "base", "optimistic", "p10", "p90"]
    roi = sim.roi_runs[~np.isnan(sim.roi_runs)]
    for key, q in (("p10", 10), ("p90", 90)):
        assert cases[key]["npv"] == float(np.percentile(sim.npv_runs, q))
        assert cases[key]["roi"] == float(np.percentile(roi, q))
        assert "percentile" in cases[key]["means"]
    paid = np.sort(sim.payback_runs[~np.isnan(sim.payback_runs)])
    assert np.isnan(sim.payback_runs).mean() < 0.1  # so the downside's payback is defined
    assert cases["p10"]["payback"] == pytest.approx(
        np.percentile(np.concatenate([paid, np.full(np.isnan(sim.payback_runs).sum(), np.inf)]), 90)
    )
    assert cases["pessimistic"]["npv"] < cases["p10"]["npv"] < cases["base"]["npv"]
    assert main(["compute", EXAMPLE]) == 0
    report = capsys.readouterr().out
    assert "P10 (9 chances in 10 of better)" in report and "all lines at their low" in report


def test_without_a_range_compute_json_keeps_todays_cases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from crmroi_xl.cli.main import main

    data = load_scenario(EXAMPLE).model_dump(mode="json")
    for line in [*data["costs"], *data["benefits"]]:
        line["low"] = line["high"] = 1.0
    path = tmp_path / "plain.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["compute", str(path), "--json"]) == 0
    cases = json.loads(capsys.readouterr().out)["sensitivity"]["cases"]
    assert list(cases) == ["pessimistic", "base", "optimistic"]


def test_the_histogram_has_an_edge_at_zero_when_runs_lose_and_gain() -> None:
    """No bin mixes losses and gains: it read P(NPV <= 0) wrong (issue 21)."""
    sim = simulate(edited(load_scenario(EXAMPLE)), runs=1_000)
    assert sim.npv_runs.min() < 0 < sim.npv_runs.max()
    edges, counts = sim.histogram(20)
    assert 0.0 in edges and len(edges) == 21 and sum(counts) == 1_000
    assert edges[0] <= sim.npv_runs.min() and edges[-1] >= sim.npv_runs.max()
    below = sum(c for c, right in zip(counts, edges[1:], strict=True) if right <= 0)
    assert below == int((sim.npv_runs < 0).sum())


def test_the_runs_are_not_printed(tmp_path: Path) -> None:
    scenario = load_scenario(EXAMPLE)
    layout = export_layout(scenario, "en")
    path = export_workbook(scenario, tmp_path / "p.xlsx", lang="en")
    ws = openpyxl.load_workbook(path)[layout.sheet_name("simulation")]
    area = str(ws.print_area)
    last = int(area.rsplit("$", 1)[1])
    assert last < layout.simulation.runs_header_row
