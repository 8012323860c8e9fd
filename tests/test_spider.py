"""Issue 21, item 4: the spider. After LibreOffice recalculates, each of the five largest
drivers' NPV at -20 % ... +20 % of its value equals ``compute`` on the scenario edited
to it: a line's money fields scaled, the discount rate or the benefit risk set, the
adoption shares scaled (capped at 100 %)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from crmroi_xl import compute, export_workbook, load_scenario
from crmroi_xl.engine.assumption_bars import ASSUMPTION_DRIVERS
from crmroi_xl.excel.sensitivity_layout import SPIDER_CHANGES, SPIDER_DRIVERS, SPIDER_LETTERS
from crmroi_xl.excel.workbook import export_layout
from tests.spreadsheet import load_values, recalculate
from tests.test_assumption_bars import _edited
from tests.test_simulate import scaled


@pytest.mark.slow
def test_the_spider_is_compute_on_edited_scenarios(tmp_path: Path) -> None:
    scenario = load_scenario("examples/pme-20-postes.yaml")
    layout = export_layout(scenario, "fr")
    path = export_workbook(scenario, tmp_path / "pme.xlsx", lang="fr")
    done = recalculate([path], tmp_path)[path]
    ws = load_values(done)[layout.sheet_name("sensitivity")]
    p = layout.sensitivity
    bars = compute(scenario).sensitivity.tornado[:SPIDER_DRIVERS]
    assert {bar.side for bar in bars} >= {"benefit", "assumption"}
    a = scenario.assumptions
    for k, bar in enumerate(bars):
        for letter, c in zip(SPIDER_LETTERS, SPIDER_CHANGES, strict=True):
            if bar.side == "assumption":
                key = ASSUMPTION_DRIVERS[bar.index]
                value = {
                    "discount_rate": a.discount_rate * (1 + c),
                    "adoption": 1 + c,
                    "benefit_risk": min(1.0, a.benefit_risk * (1 + c)),
                }[key]
                expected = compute(_edited(scenario, key, value)).npv
            else:
                costs = [1.0] * len(scenario.costs)
                benefits = [1.0] * len(scenario.benefits)
                (costs if bar.side == "cost" else benefits)[bar.index] = 1 + c
                expected = compute(scaled(scenario, costs, benefits)).npv
            got = ws[f"{letter}{p.spider_row(k)}"].value
            assert got == pytest.approx(expected, rel=1e-9), (bar.label, c)


def test_the_spider_is_a_line_chart_of_five_drivers(tmp_path: Path) -> None:
    scenario = load_scenario("examples/pme-20-postes.yaml")
    path = export_workbook(scenario, tmp_path / "pme.xlsx", lang="en")
    with zipfile.ZipFile(path) as archive:
        charts = [
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/")
        ]
    (spider,) = [c for c in charts if "<lineChart>" in c]
    assert spider.count("<ser>") == SPIDER_DRIVERS
