"""Targets (issue 21): ``assumptions.targets`` gives P(payback <= months), P(NPV >= npv)
and P(ROI >= roi) from the simulation, in ``simulate``, ``compute --json``, the reports,
the flat format and the workbook."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from crmroi_xl import compute, simulate
from crmroi_xl.cli.main import main
from crmroi_xl.errors import ScenarioError
from crmroi_xl.io.flat import scenario_from_row
from crmroi_xl.io.flatwrite import row_from_scenario
from crmroi_xl.io.loader import DEMO_SCENARIO, load_scenario, scenario_from_data
from crmroi_xl.scenario.model import Scenario

TARGETS = {"payback_months": 9, "npv": 100_000, "roi": 1.5}


def demo_data(**targets: Any) -> dict[str, Any]:
    data = load_scenario(DEMO_SCENARIO).model_dump(mode="json")
    if targets:
        data["assumptions"]["targets"] = targets
    return data


def with_targets(**targets: Any) -> Scenario:
    return scenario_from_data(demo_data(**targets))


def counted(scenario: Scenario, runs: int) -> dict[str, float]:
    """The shares counted run by run in plain Python, from the simulation's runs."""
    sim = simulate(scenario, runs=runs)
    t = scenario.assumptions.targets
    assert t is not None
    out = {}
    if t.payback_months is not None:
        hits = [not math.isnan(p) and p * 12 <= t.payback_months for p in sim.payback_runs]
        out["payback_target"] = sum(hits) / runs
    if t.npv is not None:
        out["npv_target"] = sum(v >= t.npv for v in sim.npv_runs.tolist()) / runs
    if t.roi is not None:
        hits = [not math.isnan(v) and v >= t.roi for v in sim.roi_runs.tolist()]
        out["roi_target"] = sum(hits) / runs
    return out


def test_the_simulation_gives_the_chance_of_each_target() -> None:
    scenario = with_targets(**TARGETS)
    sim = simulate(scenario, runs=2_000)
    shares = counted(scenario, 2_000)
    assert set(shares) == {"payback_target", "npv_target", "roi_target"}
    for key, share in shares.items():
        assert getattr(sim.probability, key) == share
        assert 0.05 < share < 0.95  # the demo's targets sit inside the spread
    summary = sim.summary()["probability"]
    assert {k: summary[k] for k in shares} == shares
    # a target nobody misses, one nobody reaches
    easy = simulate(with_targets(npv=-1e9, payback_months=120), runs=500).probability
    hard = simulate(with_targets(npv=1e12, roi=99), runs=500).probability
    assert (easy.npv_target, easy.payback_target) == (1.0, 1.0)
    assert (hard.npv_target, hard.roi_target, hard.payback_target) == (0.0, 0.0, None)


def test_without_targets_the_keys_are_todays() -> None:
    sim = simulate(with_targets(), runs=500)
    assert list(sim.summary()["probability"]) == [
        "npv_positive",
        "roi_positive",
        "payback_within_horizon",
    ]
    empty = simulate(with_targets(npv=None), runs=500)  # an empty targets record: none
    assert list(empty.summary()["probability"]) == list(sim.summary()["probability"])


def test_compute_json_and_the_report_carry_the_targets(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "targets.json"
    path.write_text(json.dumps(demo_data(**TARGETS)), encoding="utf-8")
    assert main(["compute", str(path), "--json", "--lang", "en"]) == 0
    data = json.loads(capsys.readouterr().out)
    scenario = load_scenario(path)
    expected = counted(scenario, scenario.assumptions.workbook_runs)
    targets = data["sensitivity"]["targets"]
    assert {k: v["probability"] for k, v in targets.items()} == expected
    assert targets["npv_target"]["target"] == 100_000
    assert targets["npv_target"]["label"] == "NPV of at least €100,000"
    assert targets["payback_target"]["label"] == "Payback within 9 months"
    assert targets["roi_target"]["runs"] == 1_000
    assert main(["compute", str(path), "--lang", "fr"]) == 0
    out = capsys.readouterr().out
    assert "Récupération en 9 mois au plus" in out and "VAN d'au moins 100" in out
    share = f"{expected['npv_target'] * 100:.1f}".replace(".", ",")
    assert share in out
    assert main(["simulate", str(path), "--lang", "en", "--runs", "2000"]) == 0
    out = capsys.readouterr().out
    assert "ROI of at least 150.0%" in out


def test_compute_json_without_targets_has_no_targets_key(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["compute", str(DEMO_SCENARIO), "--json"]) == 0
    assert "targets" not in json.loads(capsys.readouterr().out)["sensitivity"]


@pytest.mark.parametrize(
    ("targets", "lang", "said"),
    [
        ({"payback_months": 200}, "en", "assumptions.targets.payback_months: must be <= 120"),
        ({"roi": -2}, "fr", "assumptions.targets.roi: doit être >= -1"),
        ({"npv": "beaucoup"}, "fr", "assumptions.targets.npv: doit être un nombre"),
        ({"irr": 0.1}, "en", "assumptions.targets.irr: unknown field"),
    ],
)
def test_bad_targets_are_one_line_in_the_scenarios_language(
    targets: dict[str, Any], lang: str, said: str
) -> None:
    data = demo_data(**targets)
    data["assumptions"]["language"] = lang
    with pytest.raises(ScenarioError, match=said):
        scenario_from_data(data)


def test_the_flat_format_carries_the_targets() -> None:
    scenario = with_targets(payback_months=18, npv=-5_000)
    row = row_from_scenario(scenario)
    assert (row["targets_payback_months"], row["targets_npv"]) == (18, -5_000)
    assert "targets_roi" not in row
    assert scenario_from_row(row) == scenario
    row["targets_roi"] = "-300 %"
    with pytest.raises(ScenarioError, match=r"^s.csv: row 2: targets_roi: must be >= -1"):
        scenario_from_row({**row, "language": "en"}, source="s.csv: row 2")
    plain = row_from_scenario(with_targets())
    assert not [k for k in plain if k.startswith("targets_")]
    assert compute(scenario_from_row(plain)).npv == compute(with_targets()).npv
