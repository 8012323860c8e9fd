"""Targets and the runs in the workbook (issue 21): the target inputs on Assumptions, read
back; P(NPV >= target) and P(ROI >= target) live on the Simulation sheet (LibreOffice and
Gnumeric recalculate them as the engine counts them, after edits too); P(payback <=
target) written at export and flagged; the runs typed that differ from the sheet's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest

from crmroi_xl import export_workbook, load_scenario, simulate
from crmroi_xl.excel.layout import Layout
from crmroi_xl.excel.live import LIVE_CELLS, laid_out_runs, uncertain_lines
from crmroi_xl.excel.workbook import export_layout
from crmroi_xl.io.loader import DEMO_SCENARIO
from crmroi_xl.scenario.model import Scenario
from tests.spreadsheet import load_values, mismatches, recalculate, recalculate_gnumeric
from tests.test_live_simulation import EXAMPLE
from tests.test_live_simulation import edit as edit_amounts
from tests.test_live_simulation import edited as edited_amounts

TARGETS = {"payback_months": 26, "npv": 250_000, "roi": 0.3}


def with_targets(scenario: Scenario, **targets: Any) -> Scenario:
    data = scenario.model_dump()
    data["assumptions"]["targets"] = targets or None
    return Scenario.model_validate(data)


def target_cell(layout: Layout, field: str) -> str:
    return f"B{layout.simulation_input_row(field)}"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return with_targets(load_scenario(EXAMPLE), **TARGETS)


@pytest.fixture(scope="module")
def workbooks(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("targets")
    layout = export_layout(scenario, "en")
    out = {}
    for key in ("exported", "edited", "runs", "retargeted"):
        out[key] = export_workbook(scenario, folder / f"{key}.xlsx", lang="en")
    edit_amounts(out["edited"], layout)  # amounts, ranges, the rate; then the targets
    for key, cells in (
        ("edited", {"targets.npv": 100_000, "targets.roi": None}),
        ("runs", {"workbook_runs": 2_000}),
        ("retargeted", {"targets.payback_months": 30}),
    ):
        wb = openpyxl.load_workbook(out[key])
        for field, value in cells.items():
            wb[layout.sheet_name("assumptions")][target_cell(layout, field)] = value
        wb.save(out[key])
    return out


@pytest.fixture(scope="module")
def libreoffice(workbooks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return recalculate(list(workbooks.values()), tmp_path_factory.mktemp("lo"))


def shown(path: Path, layout: Layout) -> dict[str, Any]:
    """The Simulation sheet's flag and target results, the Sensitivity sheet's copies."""
    wb = load_values(path)
    sim, p = wb[layout.sheet_name("simulation")], layout.simulation
    out = {key: sim[p.cell(key)].value for key in ("npv_target", "roi_target")}
    out |= {key: sim[p.cell(key)].value for key in ("payback_target", "payback_horizon")}
    out["flag"] = sim[p.flag_cell].value or ""
    sens = wb[layout.sheet_name("sensitivity")]
    s = layout.sensitivity
    for key, row in (
        ("npv_target", "npv_positive"),
        ("roi_target", "roi_positive"),
        ("payback_target", "payback_within_horizon"),
    ):
        out[f"sensitivity_{key}"] = sens[f"E{s.probability_row(row)}"].value
    return out


def test_the_exported_chances_are_the_engines(
    scenario: Scenario, workbooks: dict[str, Path], libreoffice: dict[Path, Path]
) -> None:
    layout = export_layout(scenario, "en")
    chances = simulate(scenario, runs=1_000).probability
    got = shown(libreoffice[workbooks["exported"]], layout)
    assert got["flag"] == ""
    assert mismatches(workbooks["exported"], libreoffice[workbooks["exported"]]) == []
    for key in ("npv_target", "roi_target", "payback_target"):
        assert 0.05 < getattr(chances, key) < 0.95  # the targets sit inside the spread
        assert got[key] == got[f"sensitivity_{key}"] == getattr(chances, key)
    assert got["payback_horizon"] == chances.payback_within_horizon


def test_edited_amounts_and_targets_are_counted_live(
    scenario: Scenario, workbooks: dict[str, Path], libreoffice: dict[Path, Path]
) -> None:
    """NPV target 100 000, no ROI target, amounts, ranges and rate edited: the live
    chances are the engine's on the edited case; the payback's stay as exported, flagged."""
    layout = export_layout(scenario, "en")
    after = with_targets(edited_amounts(scenario), npv=100_000, payback_months=26)
    chances = simulate(after, runs=1_000).probability
    got = shown(libreoffice[workbooks["edited"]], layout)
    assert got["npv_target"] == got["sensitivity_npv_target"] == chances.npv_target
    assert got["roi_target"] in ("", None) and got["sensitivity_roi_target"] in ("", None)
    exported = simulate(scenario, runs=1_000).probability
    assert got["payback_target"] == exported.payback_target  # as exported ...
    assert got["flag"].startswith("Inputs changed since")  # ... and flagged


def test_gnumeric_counts_the_edited_targets_alike(
    scenario: Scenario, workbooks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    out = recalculate_gnumeric([workbooks["edited"]], tmp_path_factory.mktemp("gnumeric"))
    after = with_targets(edited_amounts(scenario), npv=100_000)
    got = shown(out[workbooks["edited"]], export_layout(scenario, "en"))
    assert got["npv_target"] == simulate(after, runs=1_000).probability.npv_target


def test_the_flag_says_re_export_for_other_runs_or_another_payback_target(
    scenario: Scenario, workbooks: dict[str, Path], libreoffice: dict[Path, Path]
) -> None:
    layout = export_layout(scenario, "en")
    runs = shown(libreoffice[workbooks["runs"]], layout)["flag"]
    assert "re-export to change the number of runs" in runs
    retargeted = shown(libreoffice[workbooks["retargeted"]], layout)["flag"]
    assert retargeted.startswith("Inputs changed since") and "payback" in retargeted
    assert load_scenario(workbooks["runs"]).assumptions.workbook_runs == 2_000


def test_the_targets_and_the_runs_are_read_back(scenario: Scenario, tmp_path: Path) -> None:
    data = scenario.model_dump()
    data["assumptions"]["workbook_runs"] = 400
    mine = Scenario.model_validate(data)
    back = load_scenario(export_workbook(mine, tmp_path / "t.xlsx"))
    assert back.assumptions.targets == mine.assumptions.targets
    assert back.assumptions.workbook_runs == 400
    assert back == mine
    plain = with_targets(scenario)
    assert load_scenario(export_workbook(plain, tmp_path / "p.xlsx")).assumptions.targets is None


def test_a_bad_target_typed_in_the_workbook_is_one_line_naming_its_cell(
    scenario: Scenario, tmp_path: Path
) -> None:
    layout = export_layout(scenario, "en")
    path = export_workbook(scenario, tmp_path / "bad.xlsx", lang="en")
    wb = openpyxl.load_workbook(path)
    ref = target_cell(layout, "targets.payback_months")
    wb[layout.sheet_name("assumptions")][ref] = 500
    wb.save(path)
    with pytest.raises(Exception, match=rf"Assumptions!{ref}.*120") as error:
        load_scenario(path)
    assert "Traceback" not in str(error.value)


def many_lines(runs: int, lines: int) -> Scenario:
    """The demo with ``lines`` uncertain lines (its ranged lines repeated, numbered) and
    ``workbook_runs = runs`` (benchmarks/bench_live_size.py measures these)."""
    data = load_scenario(DEMO_SCENARIO).model_dump(mode="json")
    ranged = {
        key: [x for x in data[key] if (x["low"], x["high"]) != (1, 1)]
        for key in ("costs", "benefits")
    }
    data["costs"], data["benefits"] = [], []
    for k in range(lines):  # a cost, a benefit, in turn (at most 200 of each)
        key = ("costs", "benefits")[k % 2]
        line = ranged[key][k // 2 % len(ranged[key])]
        data[key].append({**line, "label": f"{line['label']} {k + 1}"})
    data["assumptions"]["workbook_runs"] = runs
    return Scenario.model_validate(data)


def test_the_runs_laid_out_are_capped_and_the_engine_follows(tmp_path: Path) -> None:
    """5 000 runs of 40 uncertain lines would be 200 000 BETAINV cells (6.5 MB, 10 s in
    LibreOffice): the sheet lays out 1 500 runs (60 000 cells), says so, and every
    figure of the workbook and of compute --json is simulate(runs=1 500)'s."""
    scenario = many_lines(5_000, 40)
    assert uncertain_lines(scenario) == 40
    assert laid_out_runs(scenario) == 1_500
    assert LIVE_CELLS >= 1_500 * 40
    layout = export_layout(scenario, "en")
    assert (layout.simulation.runs, layout.simulation.slots) == (1_500, 40)
    path = export_workbook(scenario, tmp_path / "many.xlsx", lang="en")
    ws = openpyxl.load_workbook(path)[layout.sheet_name("simulation")]
    p = layout.simulation
    assert ws.max_row == p.run_row(1_500)
    assert ws[p.runs_asked_cell].value == 5_000 and ws[p.cell("runs")].value == 1_500
    cached = load_values(path)[layout.sheet_name("simulation")]
    note = cached[p.cap_note_cell].value
    assert note == (
        "Capped: runs × uncertain lines ≤ 60,000; the sheet holds 1500, as crmroi simulate "
        "--runs 1500 does."
    )
    sim = simulate(scenario, runs=1_500)
    assert cached[p.cell("p10")].value == pytest.approx(float(np.percentile(sim.npv_runs, 10)))
    assert [cached[f"B{p.run_row(r)}"].value for r in (1, 750, 1_500)] == [
        sim.npv_runs[r - 1] for r in (1, 750, 1_500)
    ]
    assert load_scenario(path).assumptions.workbook_runs == 5_000  # the input, not the cap
    # within the budget: as asked
    assert laid_out_runs(many_lines(5_000, 12)) == 5_000
    assert laid_out_runs(many_lines(1_000, 9)) == 1_000


@pytest.mark.slow
def test_libreoffice_recalculates_the_capped_sheet_as_the_engine(tmp_path: Path) -> None:
    scenario = many_lines(5_000, 40)
    layout = export_layout(scenario, "en")
    path = export_workbook(scenario, tmp_path / "many.xlsx", lang="en")
    out = recalculate([path], tmp_path)[path]
    ws = load_values(out)[layout.sheet_name("simulation")]
    p = layout.simulation
    sim = simulate(scenario, runs=1_500)
    npv = [ws[f"B{p.run_row(r)}"].value for r in range(1, 1_501)]
    assert npv == pytest.approx(sim.npv_runs.tolist(), rel=1e-9)
    assert ws[p.flag_cell].value in ("", None)  # capped is not changed: no flag
    assert "Capped" in ws[p.cap_note_cell].value
