"""The `crmroi` command: output, exit codes (0, 1 for bad input, 2 for usage), no traceback."""

from __future__ import annotations

import io
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
from crmroi_xl.cli.main import app, main
from crmroi_xl.engine.options import compare

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
    loaded = load_scenario(example)
    if loaded.options:  # the top-level keys describe the best option
        expected = compare(loaded).best_option.results
        assert [o["name"] for o in data["options"]] == [o.name for o in loaded.options]
        assert data["best"] == compare(loaded).best
    else:
        expected = compute(loaded)
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
    bad.write_text("assumptions: {name: X, discount_rate: 1.5}\n", encoding="utf-8")
    code, out, err = _run(capsys, "compute", str(bad))
    assert (code, out) == (1, "")
    assert err == f"crmroi: error: {bad}: assumptions.discount_rate: must be <= 1, got 1.5\n"


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
    from crmroi_xl.io.loader import DEMO_SCENARIO

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

    monkeypatch.setattr("crmroi_xl.engine.compute.compute", broken)
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
    assert list(s["cases"]) == ["pessimistic", "base", "optimistic", "p10", "p90"]  # issue 21
    for key in ("pessimistic", "base", "optimistic"):
        assert list(s["cases"][key]) == ["npv", "roi", "irr", "payback"]
    for key in ("p10", "p90"):
        assert list(s["cases"][key]) == ["npv", "roi", "payback", "label", "means"]
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


# --- issue 14 items 8 and 9, issue 10 items 6 and 7 ------------------------------------


TOO_LARGE = "doit être au plus 1e+15 en valeur absolue (ce qu'un tableur garde à l'unité près)"


def _scenario_file(tmp_path: Path, name: str = "s.json", **changes: object) -> Path:
    data: dict[str, object] = {
        "assumptions": {"name": "Devis", "language": "fr"},
        "costs": [{"label": "CRM", "category": "licences", "one_off": 1000}],
        "benefits": [{"label": "Gains", "category": "cost_reduction", "amount_per_year": 900}],
    }
    data.update(changes)
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    import crmroi_xl

    assert _run(capsys, "--version") == (0, f"crmroi {crmroi_xl.__version__}\n", "")


@pytest.mark.parametrize("args", [["--help"], ["compute", "--help"], ["batch", "--help"]])
def test_help_shows_no_type_beside_the_flags(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    """``--help`` showed ``<bool>`` next to ``--help`` and ``--json``."""
    code, out, _ = _run(capsys, *args)
    assert code == 0 and "--help" in out
    assert "<bool>" not in out


def test_batch_help_says_the_workers_are_capped(capsys: pytest.CaptureFixture[str]) -> None:
    out = " ".join(_run(capsys, "batch", "--help")[1].split())
    assert "never more than the processors available nor than the scenarios" in out
    from crmroi_xl.batch.run import MAX_ROWS  # the default --help shows is the batch's own

    assert "--max-rows" in out and f"[default: {MAX_ROWS}]" in out


@pytest.mark.parametrize(
    "name", ["[link=https://evil.example]Devis[/link]", "[/]", "[bold red]Devis", "a [b] c"]
)
def test_user_text_is_printed_as_typed_never_as_markup(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    """A scenario name printed a hidden hyperlink; ``[/]`` crashed with MarkupError."""
    kpi = {"kind": "custom", "label": name, "before": 1, "after": 2}
    channel = {"name": name, "spend": 100, "attributed_revenue": 300}
    path = _scenario_file(
        tmp_path,
        assumptions={"name": name, "language": "en"},
        kpis=[kpi],
        channels=[channel],
    )
    code, out, err = _run(capsys, "compute", str(path))
    assert (code, err) == (0, "")
    assert f"{name} — Results" in out  # the title, as typed
    from rich.console import Console

    from crmroi_xl.cli.report import render

    terminal = io.StringIO()
    console = Console(file=terminal, width=400, force_terminal=True, color_system="truecolor")
    console.print(render(compute(load_scenario(path)), "en"))
    assert "\x1b]8;" not in terminal.getvalue()  # no hidden hyperlink (OSC 8)
    plain = io.StringIO()
    Console(file=plain, width=400).print(render(compute(load_scenario(path)), "en"))
    assert plain.getvalue().count(name) == 3  # the title, the KPI and the channel


def test_no_cost_reason_is_said_in_the_report_language(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A French report said "(sum of costs is zero: the ratio is undefined)"."""
    monkeypatch.setenv("COLUMNS", "200")  # the reasons unwrapped
    path = _scenario_file(tmp_path, costs=[])
    code, out, _ = _run(capsys, "compute", str(path))
    assert code == 0
    assert "coûts nuls : ratio non défini" in out
    assert "aucun canal marketing" in out
    assert "sum of" not in out and "cash_flows" not in out
    code, out, _ = _run(capsys, "compute", str(path), "--lang", "en")
    assert "no costs: the ratio is undefined" in out and "no marketing channel" in out


def test_an_empty_business_case_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """It exited 0 with a payback of "0,00 ans"."""
    path = _scenario_file(tmp_path, costs=[], benefits=[])
    code, out, err = _run(capsys, "compute", str(path))
    assert (code, out) == (1, "")
    assert err == (
        f"crmroi: error: {path}: cas vide : aucun coût et aucun bénéfice ; "
        "ajoutez au moins une ligne à costs ou à benefits\n"
    )


@pytest.mark.parametrize(
    ("changes", "lines"),
    [
        (
            {"kpis": [{"kind": "custom", "label": "k", "before": 1e308, "after": -1e308}]},
            [
                f"kpis[0].before: {TOO_LARGE}, trouvé 1e+308",
                f"kpis[0].after: {TOO_LARGE}, trouvé -1e+308",
            ],
        ),
        (
            {"costs": [{"label": "c", "category": "licences", "one_off": 1e308}] * 2},
            [
                f"costs[0].one_off: {TOO_LARGE}, trouvé 1e+308",
                f"costs[1].one_off: {TOO_LARGE}, trouvé 1e+308",
            ],
        ),
    ],
)
def test_numbers_beyond_what_a_spreadsheet_holds_are_refused_naming_the_field(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    changes: dict[str, object],
    lines: list[str],
) -> None:
    """``-inf`` was written into the workbook and ``-Infinity`` printed as JSON; amounts of
    1e308 gave ``internal error: OverflowError``."""
    path = _scenario_file(tmp_path, **changes)
    for command in (["compute", "--json"], ["export", "-o", str(tmp_path / "x.xlsx")]):
        code, out, err = _run(capsys, command[0], str(path), *command[1:])
        assert (code, out) == (1, "")
        assert err.splitlines() == [f"crmroi: error: {path}: {line}" for line in lines]
    assert not (tmp_path / "x.xlsx").exists()


def test_the_largest_numbers_allowed_give_finite_results_everywhere(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    big = 1e15
    path = _scenario_file(
        tmp_path,
        costs=[
            {
                "label": "c",
                "category": "licences",
                "one_off": big,
                "seats": big,
                "price_per_seat_month": big,
                "annual_increase": 1,
            }
        ]
        * 200,
        benefits=[{"label": "b", "category": "cost_reduction", "amount_per_year": big}],
        kpis=[
            {"kind": "custom", "label": "k", "before": 1e-300, "after": big},
            {"kind": "nps", "before": -big, "after": big},
        ],
        channels=[
            {"name": "c", "spend": 1e-300, "attributed_revenue": big, "new_customers": 1e-300}
        ],
        customers={"margin_per_customer": big, "retention_rate": 1, "clv_years": 50},
    )
    path.write_text(
        path.read_text().replace('"name": "Devis"', '"name": "Devis", "horizon_years": 10')
    )
    code, out, err = _run(capsys, "compute", str(path), "--json")
    assert (code, err) == (0, "")
    assert "Infinity" not in out and "NaN" not in out
    json.loads(out, parse_constant=lambda name: pytest.fail(f"{name} in the JSON"))
    code, _, err = _run(capsys, "export", str(path), "-o", str(tmp_path / "big.xlsx"))
    assert (code, err) == (0, "")
    import zipfile

    with zipfile.ZipFile(tmp_path / "big.xlsx") as archive:
        for name in archive.namelist():
            text = archive.read(name)
            assert b"<v>inf" not in text and b"<v>-inf" not in text and b"<v>nan" not in text
