"""Options side by side (issue 22): the model, each option's results, the comparison,
the Monte Carlo with common random numbers, the command line."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from pydantic import ValidationError

from crmroi_xl import compute, load_scenario
from crmroi_xl.batch.summary import SUMMARY_COLUMNS
from crmroi_xl.cli.main import main
from crmroi_xl.engine.options import compare, option_scenario, simulate_options
from crmroi_xl.errors import CrmRoiError, InputError
from crmroi_xl.finance import metrics
from crmroi_xl.io.flat import scenario_from_row
from crmroi_xl.io.flatwrite import row_from_scenario
from crmroi_xl.scenario.messages import error_items, format_errors
from crmroi_xl.scenario.model import USER_INPUT, Scenario

from .strategies import scenarios

TWO_VENDORS = Path("examples/two-vendors.yaml")

#: A small choice: a shared training, two vendors, the status quo.
CHOICE: dict[str, Any] = {
    "assumptions": {"name": "Choice", "horizon_years": 3, "discount_rate": 0.1},
    "costs": [{"label": "Training", "category": "training", "one_off": 1000, "high": 1.5}],
    "benefits": [{"label": "Time", "category": "time_saved", "amount_per_year": 5000, "low": 0.5}],
    "options": [
        {"name": "A", "costs": [{"label": "Lic A", "category": "licences", "one_off": 3000}]},
        {
            "name": "B",
            "cost_risk": 0.2,
            "adoption": [0.8],
            "costs": [
                {"label": "Lic B", "category": "licences", "one_off": 4000, "high": 1.4},
            ],
            "benefits": [
                {
                    "label": "Sales B",
                    "category": "cost_reduction",
                    "amount_per_year": 2000,
                    "low": 0.2,
                    "high": 1.5,
                }
            ],
        },
        {
            "name": "statu QUO",
            "costs": [{"label": "Old", "category": "licences", "amount_per_year": 800}],
        },
    ],
}


def _choice(**changes: Any) -> Scenario:
    data = copy.deepcopy(CHOICE) | changes
    return Scenario.model_validate(data, context=USER_INPUT)


# --- the model ---------------------------------------------------------------------------


def test_a_scenario_without_options_dumps_as_before() -> None:
    demo = load_scenario("crmroi_xl/scenario/demo.yaml")
    assert demo.options is None and demo.status_quo is None
    assert "options" not in demo.model_dump() and "status_quo" not in demo.model_dump()


def test_an_option_called_status_quo_is_the_baseline_and_status_quo_picks_one() -> None:
    assert _choice().baseline == "statu QUO"
    assert _choice(status_quo="a").baseline == "A"


@pytest.mark.parametrize(
    ("change", "where", "kind"),
    [
        ({"status_quo": "C"}, ("status_quo",), "status_quo_unknown"),
        ({"options": [{"name": "A"}]}, ("options",), "too_short"),
        ({"options": [{"name": f"O{i}"} for i in range(7)]}, ("options",), "too_long"),
        ({"options": [{"name": "A"}, {"name": " a "}]}, ("options", 1, "name"), "option_repeated"),
        (
            {"options": [{"name": "A", "adoption": [0.5] * 4}, {"name": "B"}]},
            ("options", 0, "adoption"),
            "too_many_years",
        ),
        (
            {"options": [{"name": "A", "horizon_years": 4}, {"name": "B"}]},
            ("options", 0, "horizon_years"),
            "extra_forbidden",
        ),
        (
            {
                "options": [
                    {"name": "A"},
                    {"name": "B", "costs": [{"label": "x", "category": "other", "start_year": 9}]},
                ]
            },
            ("options", 1, "costs", 0, "start_year"),
            "after_horizon",
        ),
    ],
)
def test_the_model_refuses_bad_options(
    change: dict[str, Any], where: tuple[Any, ...], kind: str
) -> None:
    with pytest.raises(ValidationError) as error:
        _choice(**change)
    assert (where, kind) in [(tuple(i["loc"]), i["type"]) for i in error_items(error.value)]
    for lang in ("fr", "en"):  # worded in both languages, naming the field
        text = format_errors(error.value, "two.yaml", lang)
        assert ".".join(map(str, where)).replace(".0", "[0]").split(".")[0] in text


def test_status_quo_messages_name_the_options() -> None:
    with pytest.raises(ValidationError) as error:
        _choice(status_quo="Vendor C")
    assert "status_quo: 'Vendor C' is not an option (options: A, B, statu QUO)" in (
        format_errors(error.value, "two.yaml", "en")
    )
    assert "« Vendor C » n'est pas une option" in format_errors(error.value, "two.yaml", "fr")


# --- each option's results ------------------------------------------------------------------


def _by_hand(data: dict[str, Any], name: str) -> Scenario:
    """The single scenario of option ``name`` built from the dict, as a user would."""
    option = next(o for o in data["options"] if o["name"] == name)
    baseline = data.get("status_quo") or next(
        (
            o["name"]
            for o in data["options"]
            if " ".join(o["name"].split()).casefold() in {"status quo", "statu quo"}
        ),
        None,
    )
    own_only = baseline is not None and name.casefold() == baseline.casefold()
    single = {k: v for k, v in data.items() if k not in ("options", "status_quo")}
    single["assumptions"] = dict(data["assumptions"])
    for key in ("adoption", "cost_risk", "benefit_risk"):
        if option.get(key) is not None:
            single["assumptions"][key] = option[key]
    if option.get("benefit_risk") is not None:  # the tornado's default range around it
        single["assumptions"].pop("benefit_risk_low", None)
        single["assumptions"].pop("benefit_risk_high", None)
    single["costs"] = ([] if own_only else list(data.get("costs", []))) + option.get("costs", [])
    single["benefits"] = ([] if own_only else list(data.get("benefits", []))) + option.get(
        "benefits", []
    )
    return Scenario.model_validate(single)


@given(scenarios(options=True).filter(lambda d: d.get("options")))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_each_option_is_compute_on_its_own_scenario(data: dict[str, Any]) -> None:
    """Every field of an option's results equals compute on the single scenario of the
    shared lines plus the option's (the status quo: its own), built independently."""
    scenario = Scenario.model_validate(data)
    data = scenario.model_dump(mode="json")  # the names as validated
    comparison = compare(scenario.model_copy(update={"assumptions": _few_runs(scenario)}))
    for option in comparison.options:
        by_hand = _by_hand(data, option.name)
        assert option.results == compute(
            by_hand.model_copy(update={"assumptions": _few_runs(by_hand)})
        )
        assert option.tco == option.results.total_costs
        assert option.tco_pv == option.results.pv_costs


def _few_runs(scenario: Scenario) -> Any:
    return scenario.assumptions.model_copy(update={"simulation_runs": 200})


def test_the_shared_lines_are_not_the_status_quos() -> None:
    scenario = _choice()
    assert [c.label for c in option_scenario(scenario, "A").costs] == ["Training", "Lic A"]
    assert [c.label for c in option_scenario(scenario, "statu quo").costs] == ["Old"]
    assert option_scenario(scenario, "B").assumptions.adoption == [0.8, 0.8, 0.8]
    with pytest.raises(InputError, match="'C' is not an option"):
        option_scenario(scenario, "C")


def test_incremental_metrics_are_the_metrics_of_the_difference() -> None:
    scenario = _choice()
    comparison = compare(scenario)
    base = comparison.option("statu quo").results.net_flow
    for option in comparison.options:
        if option.baseline:
            assert (option.incremental_npv, option.incremental_irr) == (None, None)
            continue
        difference = [a - b for a, b in zip(option.results.net_flow, base, strict=True)]
        assert option.incremental_npv == pytest.approx(metrics.npv(0.1, difference), rel=1e-12)
        assert option.incremental_npv == pytest.approx(
            option.results.npv - comparison.option("statu quo").results.npv, rel=1e-9
        )
        assert option.incremental_irr == pytest.approx(metrics.irr(difference), rel=1e-9)
        assert option.incremental_payback == pytest.approx(metrics.payback(difference))


def test_without_a_baseline_the_increment_is_the_option_itself() -> None:
    data = copy.deepcopy(CHOICE)
    data["options"][2]["name"] = "Vendor C"
    comparison = compare(Scenario.model_validate(data))
    assert comparison.baseline is None
    for option in comparison.options:
        assert option.incremental_npv == pytest.approx(option.results.npv, rel=1e-12)
        assert option.probability_beats_baseline == float(
            np.mean(
                simulate_options(
                    Scenario.model_validate(data), [o.results for o in comparison.options]
                ).npv[:, comparison.options.index(option)]
                > 0
            )
        )


def test_rank_by_npv_and_best() -> None:
    comparison = compare(_choice())
    npvs = {o.name: o.results.npv for o in comparison.options}
    assert comparison.best == max(npvs, key=lambda n: npvs[n])
    ranked = sorted(comparison.options, key=lambda o: o.rank)
    assert [o.results.npv for o in ranked] == sorted(npvs.values(), reverse=True)


# --- the Monte Carlo ----------------------------------------------------------------------


def test_probability_best_is_an_independent_count_over_the_same_draws() -> None:
    """Each run's NPV of each option, recomputed from its lines' present values and the
    run's multipliers (a line's flow is linear in its multiplier), gives the same
    winners; a shared line takes the same multiplier in every option."""
    scenario = _choice(assumptions={**CHOICE["assumptions"], "simulation_runs": 500})
    comparison = compare(scenario)
    results = [o.results for o in comparison.options]
    draws = simulate_options(scenario, results, keep_draws=True)
    assert draws.multipliers is not None
    npv = np.empty((500, len(results)))
    for k, r in enumerate(results):
        signed = [-line.present_value for line in r.cost_lines]
        signed += [line.present_value for line in r.benefit_lines if line.counted]
        npv[:, k] = draws.multipliers[:, list(draws.columns[k])] @ np.array(signed)
    np.testing.assert_allclose(npv, draws.npv, rtol=1e-9, atol=1e-6)
    winners = np.argmax(npv, axis=1)
    shares = [float(np.mean(winners == k)) for k in range(len(results))]
    assert [o.probability_best for o in comparison.options] == pytest.approx(shares)
    assert sum(o.probability_best or 0 for o in comparison.options) == pytest.approx(1.0)
    base = npv[:, 2]
    assert comparison.options[0].probability_beats_baseline == pytest.approx(
        float(np.mean(npv[:, 0] > base))
    )
    training = draws.keys.index(("shared", "cost", 0))  # shared by A and B, not the status quo
    assert draws.columns[0][0] == draws.columns[1][0] == training
    assert training not in draws.columns[2]
    assert 0 < comparison.options[0].probability_best < 1  # the case is really uncertain


def test_without_ranges_there_is_no_probability() -> None:
    data = copy.deepcopy(CHOICE)
    for line in [*data["costs"], *data["benefits"]]:
        line.pop("low", None), line.pop("high", None)
    data["options"][1]["costs"][0].pop("high")
    data["options"][1]["benefits"][0].pop("low"), data["options"][1]["benefits"][0].pop("high")
    comparison = compare(Scenario.model_validate(data))
    assert comparison.runs is None
    assert {o.probability_best for o in comparison.options} == {None}


# --- conflicts ----------------------------------------------------------------------------


def test_the_example_shows_an_npv_irr_conflict_and_says_to_trust_the_npv() -> None:
    comparison = compare(load_scenario(TWO_VENDORS))
    a, b = comparison.option("Vendor A"), comparison.option("Vendor B")
    assert b.results.npv > a.results.npv and (a.results.irr or 0) > (b.results.irr or 0)
    assert comparison.best == "Vendor B" and comparison.baseline == "Status quo"
    assert comparison.conflicts is not None and "Trust the NPV" in comparison.conflicts
    assert "NPV: Vendor B first, IRR: Vendor A first" in comparison.conflicts


def test_no_conflict_when_the_metrics_agree() -> None:
    data = copy.deepcopy(CHOICE)
    data["options"][1]["costs"][0]["one_off"] = 100  # B cheaper and better on every metric
    data["options"][1].pop("cost_risk")
    data["options"][1].pop("adoption")
    assert compare(Scenario.model_validate(data)).conflicts is None


# --- what takes one business case ---------------------------------------------------------


def test_compute_refuses_a_choice_with_a_clear_message() -> None:
    with pytest.raises(CrmRoiError, match=r"options: .*give --option NAME"):
        compute(_choice())


# --- the flat format ------------------------------------------------------------------------


def test_a_flat_row_carries_the_option_of_each_line() -> None:
    scenario = _choice()  # B has its own risk and adoption: no flat form
    with pytest.raises(CrmRoiError, match=r"option 'B': adoption, cost_risk have no flat form"):
        row_from_scenario(scenario)
    data = copy.deepcopy(CHOICE)
    for key in ("cost_risk", "adoption"):
        data["options"][1].pop(key)
    scenario = Scenario.model_validate(data)
    row = row_from_scenario(scenario)
    assert row["cost_1_label"] == "Training" and "cost_1_option" not in row
    assert (row["cost_2_label"], row["cost_2_option"]) == ("Lic A", "A")
    assert (row["benefit_2_label"], row["benefit_2_option"]) == ("Sales B", "B")
    assert scenario_from_row(row) == scenario
    assert compare(scenario_from_row(row)) == compare(scenario)


def test_a_flat_rows_problem_in_an_option_names_its_columns() -> None:
    row = {
        "name": "x",
        "cost_1_label": "T", "cost_1_category": "training", "cost_1_one_off": 1,
        "cost_2_label": "A", "cost_2_category": "licences", "cost_2_one_off": 1,
        "cost_2_option": "A",
        "cost_3_label": "B", "cost_3_category": "licences", "cost_3_one_off": -1,
        "cost_3_option": "B",
    }  # fmt: skip
    with pytest.raises(CrmRoiError) as error:
        scenario_from_row(row, source="s.csv: row 2")
    assert str(error.value) == "s.csv: row 2: cost_3_one_off: must be >= 0, got -1"
    row["cost_3_one_off"], row["cost_3_option"] = 1, "a"  # one option, twice
    with pytest.raises(CrmRoiError) as error:
        scenario_from_row(row, source="s.csv: row 2")
    assert str(error.value) == "s.csv: row 2: cost_N_option: at least 2 item(s), got 1"


def test_a_flat_row_keeps_the_order_of_the_options_or_says_why_not() -> None:
    data = copy.deepcopy(CHOICE)
    data["options"][0] = {
        "name": "A",
        "benefits": [{"label": "Gain A", "category": "cost_reduction", "amount_per_year": 10}],
    }
    data["options"][1] = {"name": "B", "costs": data["options"][1]["costs"]}
    with pytest.raises(CrmRoiError, match="option 'A' has no cost line but a later option has"):
        row_from_scenario(Scenario.model_validate(data))


# --- the command line ----------------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_compute_json_of_a_choice(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "compute", str(TWO_VENDORS), "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    comparison = compare(load_scenario(TWO_VENDORS))
    assert list(data)[:7] == ["roi", "roas", "npv", "irr", "payback", "clv", "cac"]
    assert data["npv"] == comparison.best_option.results.npv
    assert data["best"] == "Vendor B" and data["baseline"] == "Status quo"
    names = [o["name"] for o in data["options"]]
    assert names == ["Vendor A", "Vendor B", "Status quo"]
    for entry, option in zip(data["options"], comparison.options, strict=True):
        assert entry["npv"] == option.results.npv and entry["rank"] == option.rank
        assert entry["tco"] == option.tco and entry["baseline"] == option.baseline
        assert entry["incremental_npv"] == option.incremental_npv


def test_compute_prints_the_options_side_by_side_in_80_columns(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    for lang, words in (
        ("en", ["Total cost (TCO)", "Best option (NPV): Vendor B"]),
        ("fr", ["Coût total (TCO)", "Meilleure option (VAN) : Vendor B"]),
    ):
        code, out, _ = _run(capsys, "compute", str(TWO_VENDORS), "--lang", lang)
        assert code == 0
        assert all(word in out for word in words)
        assert max(len(line) for line in out.splitlines()) <= 80


def test_one_option_alone(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "compute", str(TWO_VENDORS), "--option", "vendor a", "--json")
    assert code == 0
    expected = compute(option_scenario(load_scenario(TWO_VENDORS), "Vendor A"))
    assert json.loads(out)["npv"] == expected.npv and "options" not in json.loads(out)
    code, _, err = _run(capsys, "compute", str(TWO_VENDORS), "--option", "Vendor Z")
    assert code == 1 and "'Vendor Z' is not an option" in err and "Traceback" not in err


def test_export_of_a_choice_writes_one_workbook_of_every_option(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = _run(capsys, "export", str(TWO_VENDORS), "-o", str(tmp_path / "x.xlsx"))
    assert code == 0, err
    read = load_scenario(tmp_path / "x.xlsx")
    assert [o.name for o in read.options or []] == ["Vendor A", "Vendor B", "Status quo"]
    assert compare(read) == compare(load_scenario(TWO_VENDORS))
    # --option: that option's business case alone, as before
    args = ("export", str(TWO_VENDORS), "--option", "Vendor A", "-o", str(tmp_path / "a.xlsx"))
    code, _, err = _run(capsys, *args)
    assert code == 0, err
    alone = load_scenario(tmp_path / "a.xlsx")
    assert alone.options is None and len(alone.costs) == 3


def test_a_batch_writes_one_workbook_of_every_option(tmp_path: Path) -> None:
    from crmroi_xl import batch_export

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / TWO_VENDORS.name).write_bytes(TWO_VENDORS.read_bytes())
    report = batch_export(folder, tmp_path / "out")
    (entry,) = report.entries
    assert entry.status == "ok", entry.error
    best = compare(load_scenario(TWO_VENDORS)).best_option.results
    assert entry.results["npv"] == best.npv
    read = load_scenario(tmp_path / "out" / str(entry.file))
    assert read.assumptions.name == "Two vendors, 60 seats"  # every option, the best shown
    assert compare(read) == compare(load_scenario(TWO_VENDORS))
    # one row per option in the summary, in input order
    comparison = compare(load_scenario(TWO_VENDORS))
    summary = tmp_path / "out" / "portfolio-summary.json"
    rows = json.loads(summary.read_text(encoding="utf-8"))
    assert [(r["name"], r["option"], r["baseline"], r["rank"]) for r in rows] == [
        ("Two vendors, 60 seats", o.name, o.baseline, o.rank) for o in comparison.options
    ]
    for row, option in zip(rows, comparison.options, strict=True):
        assert row["npv"] == option.results.npv and row["irr"] == option.results.irr
        assert row["tco"] == option.tco and row["incremental_npv"] == option.incremental_npv
        assert row["probability_best"] == option.probability_best
        assert row["file"] == entry.file and row["horizon_years"] == 5
    csv = (tmp_path / "out" / "portfolio-summary.csv").read_text(encoding="utf-8-sig")
    assert csv.splitlines()[0].startswith("source,name,option,baseline,rank,status,file,")
    assert len(csv.splitlines()) == 4
    book = openpyxl.load_workbook(tmp_path / "out" / "portfolio-summary.xlsx")
    table = [row for row in book.worksheets[0].iter_rows(values_only=True)]
    col = {title: i for i, title in enumerate(table[0])}
    assert [r[col["Option"]] for r in table[1:]] == [o.name for o in comparison.options]
    assert [r[col["Baseline"]] for r in table[1:]] == [
        "Yes" if o.baseline else None for o in comparison.options
    ]
    assert [r[col["NPV vs baseline"]] for r in table[1:]] == [
        "#N/A" if o.incremental_npv is None else pytest.approx(o.incremental_npv)
        for o in comparison.options
    ]
    # a batch without options keeps the summary's columns, one row a scenario
    (folder / TWO_VENDORS.name).unlink()
    (folder / "pme.yaml").write_bytes(Path("examples/pme-20-postes.yaml").read_bytes())
    batch_export(folder, tmp_path / "out")
    rows = json.loads(summary.read_text(encoding="utf-8"))
    assert list(rows[0]) == list(SUMMARY_COLUMNS) and len(rows) == 1


def test_a_mixed_batch_leaves_the_option_columns_blank_for_a_single_case(tmp_path: Path) -> None:
    from crmroi_xl import batch_export

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.yaml").write_bytes(Path("examples/pme-20-postes.yaml").read_bytes())
    (folder / "b.yaml").write_bytes(TWO_VENDORS.read_bytes())
    batch_export(folder, tmp_path / "out", lang="fr")
    rows = json.loads((tmp_path / "out" / "portfolio-summary.json").read_text(encoding="utf-8"))
    assert [r["option"] for r in rows] == [None, "Vendor A", "Vendor B", "Status quo"]
    assert (
        rows[0]["tco"] is None
        and rows[0]["npv"] == compute(load_scenario(Path("examples/pme-20-postes.yaml"))).npv
    )
    book = openpyxl.load_workbook(tmp_path / "out" / "portfolio-summary.xlsx")
    table = [row for row in book.worksheets[0].iter_rows(values_only=True)]
    col = {title: i for i, title in enumerate(table[0])}
    assert table[1][col["Coût total (TCO)"]] is None  # not #N/A: not an option
    assert table[2][col["Coût total (TCO)"]] == pytest.approx(
        compare(load_scenario(TWO_VENDORS)).options[0].tco
    )


def test_simulate_takes_one_option(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("simulate", str(TWO_VENDORS), "--runs", "200", "--json")
    code, out, _ = _run(capsys, *args, "--option", "Status quo")
    assert code == 0 and json.loads(out)["probability"]["npv_positive"] == 0.0
    code, _, err = _run(capsys, *args)
    assert code == 1 and "give --option NAME" in err


def _costs_first(costless: list[bool]) -> bool:
    """The options with cost lines come first (a flat row's order)."""
    return costless == sorted(costless)


#: What an option holds beyond its lines: no flat column.
BEYOND_LINES = {
    "Option.description",
    "Option.adoption",
    "Option.cost_risk",
    "Option.benefit_risk",
    "Scenario.status_quo",
}


@given(
    scenarios(leave=BEYOND_LINES, options=True).filter(
        lambda d: (
            bool(d.get("options"))
            and all(o.get("costs") or o.get("benefits") for o in d["options"])
            and _costs_first([not o.get("costs") for o in d["options"]])
        )
    )
)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_choice_round_trips_through_a_flat_row(data: dict[str, Any]) -> None:
    scenario = Scenario.model_validate(data)
    assert scenario_from_row(row_from_scenario(scenario)) == scenario
