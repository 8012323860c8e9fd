"""The `crmroi` command: output, exit codes (0, 1 for bad input, 2 for usage), no traceback."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from crmroi_xl import compute, load_scenario
from crmroi_xl.cli import app, main

EXAMPLES = sorted(Path("examples").iterdir())
HEADLINE = ["roi", "roas", "npv", "irr", "payback", "clv", "cac"]


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_compute_json_prints_the_engine_results(
    capsys: pytest.CaptureFixture[str], example: Path
) -> None:
    code, out, err = _run(capsys, "compute", str(example), "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert list(data)[:7] == HEADLINE
    expected = compute(load_scenario(example))
    for key in HEADLINE:
        assert data[key] == getattr(expected, key)


def test_compute_json_has_null_where_the_scenario_cannot_define_a_metric(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = _run(capsys, "compute", "examples/pme-20-postes.yaml", "--json")
    data = json.loads(out)
    assert data["roas"] is None and data["undefined"]["roas"] == "no marketing channel"
    assert data["roi"] == pytest.approx(1.756, abs=5e-4)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", ["VAN", "106 167 €", "175,6 %", "aucun canal marketing"]),
        ("en", ["NPV", "€106,167", "175.6%", "no marketing channel"]),
    ],
)
def test_compute_prints_a_readable_report(
    capsys: pytest.CaptureFixture[str], lang: str, expected: list[str]
) -> None:
    code, out, _ = _run(capsys, "compute", "examples/pme-20-postes.yaml", "--lang", lang)
    assert code == 0
    text = out.replace("\u202f", " ")
    for piece in expected:
        assert piece in text


def test_schema_is_the_scenario_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "schema")
    schema = json.loads(out)
    assert code == 0 and schema["title"] == "Scenario"
    assert {"assumptions", "costs", "benefits", "kpis", "channels", "customers"} <= set(
        schema["properties"]
    )


def test_bad_scenario_is_one_clear_line_and_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("assumptions: {name: X, discount_rate: 2}\n", encoding="utf-8")
    code, out, err = _run(capsys, "compute", str(bad))
    assert (code, out) == (1, "")
    assert err == f"crmroi: error: {bad}: assumptions.discount_rate: must be <= 1, got 2\n"


def test_missing_file_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "compute", "nowhere.json")
    assert code == 1 and err == "crmroi: error: nowhere.json: no such file\n"


@pytest.mark.parametrize(
    "args",
    [
        ["compute"],
        ["compute", "x.yaml", "--bogus"],
        ["frobnicate"],
        ["compute", "x.yaml", "--lang", "de"],
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, out, err = _run(capsys, *args)
    assert code == 2 and out == ""
    assert "Usage" in err and "Traceback" not in err


def test_every_command_is_documented_in_the_readme() -> None:
    readme = Path("README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        assert re.search(rf"crmroi {command.name}\b", readme), command.name


def test_the_installed_console_script_runs() -> None:
    """`crmroi` as installed by pip (in CI the package is always installed)."""
    executable = shutil.which("crmroi") or str(Path(sys.executable).with_name("crmroi"))
    if not Path(executable).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("the crmroi console script is not installed")
        pytest.skip("crmroi is not installed in this environment")
    done = subprocess.run(
        [executable, "compute", "examples/marketing-channels.json", "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["roas"] == pytest.approx(806_000 / 210_000)
    failed = subprocess.run(
        [executable, "compute", "missing.yaml"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert failed.returncode == 1 and "Traceback" not in failed.stderr


def test_the_packaged_demo_is_the_sme_example() -> None:
    from crmroi_xl.loader import DEMO_SCENARIO

    assert DEMO_SCENARIO.read_text(encoding="utf-8") == Path(
        "examples/pme-20-postes.yaml"
    ).read_text(encoding="utf-8")


def test_demo_writes_the_workbook_and_prints_the_results(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = _run(capsys, "demo", "-o", str(tmp_path / "demo.xlsx"), "--lang", "en")
    assert code == 0 and (tmp_path / "demo.xlsx").stat().st_size > 20_000
    assert "€106,167" in out


def test_export_refuses_a_name_that_is_not_xlsx(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = _run(
        capsys, "export", "examples/pme-20-postes.yaml", "-o", str(tmp_path / "x.xls")
    )
    assert code == 1 and err.endswith("the workbook must end in .xlsx\n")
    assert list(tmp_path.iterdir()) == []


def test_writing_into_a_folder_that_does_not_exist_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "out.xlsx"
    code, out, err = _run(capsys, "export", "examples/pme-20-postes.yaml", "-o", str(target))
    assert (code, out) == (1, "")
    assert err.startswith("crmroi: error: ") and "missing" in err and err.count("\n") == 1


def test_writing_over_a_folder_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "taken.xlsx").mkdir()
    code, _, err = _run(
        capsys, "export", "examples/pme-20-postes.yaml", "-o", str(tmp_path / "taken.xlsx")
    )
    assert code == 1 and err.startswith("crmroi: error: ") and err.count("\n") == 1
    assert [p.name for p in tmp_path.iterdir()] == ["taken.xlsx"]  # no temporary file left


def test_an_unexpected_error_is_one_line_unless_debugging(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("crmroi_xl.engine.compute", broken)
    code, _, err = _run(capsys, "compute", "examples/pme-20-postes.yaml")
    assert code == 1
    assert err == "crmroi: internal error: RuntimeError: boom (set CRMROI_DEBUG=1 to see where)\n"
    monkeypatch.setenv("CRMROI_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        main(["compute", "examples/pme-20-postes.yaml"])


def test_export_refuses_to_write_over_its_own_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    workbook = tmp_path / "filled.xlsx"
    assert main(["export", "examples/pme-20-postes.yaml", "-o", str(workbook)]) == 0
    before = workbook.read_bytes()
    capsys.readouterr()
    code, out, err = _run(
        capsys, "export", str(workbook), "-o", str(tmp_path / "." / "filled.xlsx")
    )
    assert (code, out) == (1, "")
    assert err == (
        f"crmroi: error: {tmp_path / '.' / 'filled.xlsx'}: is the input workbook: writing there "
        "would replace it; give -o another file name\n"
    )
    assert workbook.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["filled.xlsx"]


def test_an_export_in_another_language_stays_in_that_language(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The language cell holds the workbook's language, not the scenario file's: a French
    scenario exported in English reads back in English and re-exports in English."""
    english = tmp_path / "x.xlsx"
    code, _, _ = _run(
        capsys, "export", "examples/pme-20-postes.yaml", "-o", str(english), "--lang", "en"
    )
    assert code == 0
    code, out, _ = _run(capsys, "read", str(english), "--json")
    assert code == 0 and json.loads(out)["scenario"]["assumptions"]["language"] == "en"
    code, out, _ = _run(capsys, "read", str(english))
    assert code == 0 and "Results" in out and "Résultats" not in out
    again = tmp_path / "y.xlsx"
    assert main(["export", str(english), "-o", str(again)]) == 0
    assert openpyxl.load_workbook(again).sheetnames[:2] == ["Guide", "Summary"]


# --- sensitivity and simulate (issue 12) ------------------------------------------------


@pytest.fixture
def report_at_80_columns(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., str]:
    """Run a command on an 80-column terminal; its report holds ``expected`` and fits."""
    monkeypatch.setenv("COLUMNS", "80")

    def report(expected: list[str], *args: str) -> str:
        code, out, err = _run(capsys, *args)
        assert (code, err) == (0, "")
        for piece in expected:
            assert piece in out.replace("\u202f", " ")
        assert max(len(line) for line in out.splitlines()) <= 80
        return out

    return report


def test_compute_json_has_the_sensitivity_after_the_headline(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = _run(capsys, "compute", "examples/mid-size-risk-adjusted.yaml", "--json")
    data = json.loads(out)
    assert list(data)[:7] == HEADLINE  # then the rest, sensitivity among it
    s = data["sensitivity"]
    assert list(s) == ["cases", "tornado", "breakeven"]
    assert list(s["cases"]) == ["pessimistic", "base", "optimistic"]
    for case in s["cases"].values():
        assert list(case) == ["npv", "roi", "irr", "payback"]
    assert s["cases"]["base"]["npv"] == pytest.approx(data["npv"], rel=1e-12)
    assert s["cases"]["pessimistic"]["npv"] < data["npv"] < s["cases"]["optimistic"]["npv"]
    bar = s["tornado"][0]
    assert {"label", "side", "npv_low", "npv_high"} <= set(bar)
    assert bar["label"].startswith("More deals won") and bar["side"] == "benefit"
    assert set(s["breakeven"]) == {"benefits_factor", "costs_factor"}
    assert s["breakeven"]["benefits_factor"] == pytest.approx(
        data["pv_costs"] / data["pv_benefits"]
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", ["Pessimiste", "Optimiste", "Ce qui pèse le plus", "VAN nulle avec les bénéfices"]),
        ("en", ["Pessimistic", "Optimistic", "What moves the NPV most", "NPV is zero with"]),
    ],
)
def test_compute_report_shows_the_cases_and_five_tornado_bars(
    report_at_80_columns: Callable[..., str], lang: str, expected: list[str]
) -> None:
    out = report_at_80_columns(
        expected, "compute", "examples/mid-size-risk-adjusted.yaml", "--lang", lang
    )
    tornado = out.split(expected[2], 1)[1]
    assert tornado.count("█") > 0
    bars = [line for line in tornado.splitlines() if "█" in line]
    assert len(bars) == 5  # the five largest of the example's 11 ranged lines
    assert "Training (150 users" not in tornado  # a small swing, left out


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "fr",
            ["Simulation de Monte Carlo", "10 000 tirages, graine 0, loi PERT", "P50 (médiane)"],
        ),
        ("en", ["Monte Carlo", "10,000 runs, seed 0, PERT distribution", "P50 (median)"]),
    ],
)
def test_simulate_prints_the_percentile_table_and_a_histogram(
    report_at_80_columns: Callable[..., str], lang: str, expected: list[str]
) -> None:
    out = report_at_80_columns(expected, "simulate", "examples/pme-20-postes.yaml", "--lang", lang)
    histogram = [line for line in out.splitlines() if "→" in line]
    assert len(histogram) == 12 and all("█" in line for line in histogram)


def test_simulate_json_is_the_python_summary(capsys: pytest.CaptureFixture[str]) -> None:
    from crmroi_xl import simulate

    code, out, _ = _run(
        capsys,
        "simulate",
        "examples/marketing-channels.json",
        "--runs",
        "2000",
        "--seed",
        "5",
        "--json",
    )
    assert code == 0
    expected = simulate(load_scenario("examples/marketing-channels.json"), runs=2000, seed=5)
    assert json.loads(out) == expected.summary()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--runs", "5"], "runs: must be from 100 to 1000000, got 5"),
        (["--runs", "2000000"], "runs: must be from 100 to 1000000, got 2000000"),
        (["--seed", "-1"], "seed: must be from 0 to 4294967295, got -1"),
    ],
)
def test_simulate_runs_and_seed_out_of_bounds_are_one_line_and_exit_1(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = _run(capsys, "simulate", "examples/pme-20-postes.yaml", *args)
    assert (code, out, err) == (1, "", f"crmroi: error: {message}\n")


def test_simulate_runs_that_are_not_a_number_are_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _run(capsys, "simulate", "examples/pme-20-postes.yaml", "--runs", "many")
    assert (code, out) == (2, "")
    assert "--runs" in err and "Traceback" not in err


def test_simulate_a_bad_range_is_one_line_naming_the_file_and_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "assumptions: {name: X}\ncosts: [{label: CRM, category: licences, one_off: 10, low: 2}]\n",
        encoding="utf-8",
    )
    code, out, err = _run(capsys, "simulate", str(bad))
    assert (code, out) == (1, "")
    assert err == f"crmroi: error: {bad}: costs[0].low: must be <= 1, got 2\n"
