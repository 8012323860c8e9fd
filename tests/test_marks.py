"""Issue 21, item 5: charts that tell the truth. P10, P50 and P90 are marked on the
S-curve and the histogram (recalculated by LibreOffice: the simulation's own
percentiles), the S-curve's helper points do not print, and the tornado's technical
"Row of the detail" column is gone."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from crmroi_xl import export_workbook, load_scenario, simulate
from crmroi_xl.excel.sensitivity_layout import HISTOGRAM_BINS
from crmroi_xl.excel.sheets.marks import MARKS
from crmroi_xl.excel.workbook import export_layout
from tests.spreadsheet import recalculate


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("marks")
    scenario = load_scenario("examples/mid-size-risk-adjusted.yaml")
    return export_workbook(scenario, folder / "mid.xlsx", lang="en")


@pytest.mark.slow
def test_p10_p50_p90_are_marked_on_the_curve_and_the_histogram(exported: Path) -> None:
    scenario = load_scenario("examples/mid-size-risk-adjusted.yaml")
    layout = export_layout(scenario, "en")
    p = layout.sensitivity
    sim = simulate(scenario, runs=scenario.assumptions.workbook_runs)
    expected = np.percentile(sim.npv_runs, [100 * m for m in MARKS])  # numpy, linear
    done = recalculate([exported], exported.parent)[exported]
    ws = openpyxl.load_workbook(done, data_only=True)[layout.sheet_name("sensitivity")]
    x, y = p.curve_columns["marker_x"], p.curve_columns["marker_y"]
    marks = [ws[f"{x}{p.mark_row(k)}"].value for k in range(3)]
    assert marks == pytest.approx(expected.tolist(), rel=1e-12)
    assert [ws[f"{y}{p.mark_row(k)}"].value for k in range(3)] == list(MARKS)
    edges, counts = sim.histogram(HISTOGRAM_BINS)
    for b in range(HISTOGRAM_BINS):
        held = any(edges[b] <= m <= edges[b + 1] for m in expected)
        share = counts[b] / sim.runs
        assert ws[f"{p.marked_col}{p.histogram_row(b)}"].value == pytest.approx(
            share if held else 0.0
        ), b


def test_the_curves_helper_rows_do_not_print_and_its_chart_still_plots_them(
    exported: Path,
) -> None:
    layout = export_layout(load_scenario("examples/mid-size-risk-adjusted.yaml"), "en")
    p = layout.sensitivity
    ws = openpyxl.load_workbook(exported)[layout.sheet_name("sensitivity")]
    first, last = p.hidden_curve_rows
    assert last == p.histogram_row(100) and first == p.histogram_row(HISTOGRAM_BINS)
    assert all(ws.row_dimensions[r].hidden for r in range(first, last + 1))
    assert not any(ws.row_dimensions[p.histogram_row(b)].hidden for b in range(HISTOGRAM_BINS))
    with zipfile.ZipFile(exported) as archive:
        charts = [
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/chart")
        ]
    (curve,) = [c for c in charts if "scatterChart" in c]
    assert '<plotVisOnly val="0"/>' in curve
    assert curve.count("<ser>") == 3  # the curve, NPV = 0, the three percentiles


def test_the_tornado_has_no_row_of_the_detail_column(exported: Path) -> None:
    layout = export_layout(load_scenario("examples/mid-size-risk-adjusted.yaml"), "en")
    ws = openpyxl.load_workbook(exported)[layout.sheet_name("sensitivity")]
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert not {"Row of the detail", "N° dans le détail"} & texts
    header = layout.sensitivity.tornado_header_row
    assert ws[f"K{header}"].value is None  # the helper column held K
