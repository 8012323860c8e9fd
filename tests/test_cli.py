"""The `crmroi` command: output, exit codes (0, 1 for bad input, 2 for usage), no traceback."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

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

    monkeypatch.setattr("crmroi_xl.cli.compute", broken)
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


# --- issue 14 item 9 and issue 10 item 7: text on screen ---------------------------------


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

    from crmroi_xl.report import render

    terminal = io.StringIO()
    console = Console(file=terminal, width=400, force_terminal=True, color_system="truecolor")
    console.print(render(compute(load_scenario(path)), "en"))
    assert "\x1b]8;" not in terminal.getvalue()  # no hidden hyperlink (OSC 8)
    plain = io.StringIO()
    Console(file=plain, width=400).print(render(compute(load_scenario(path)), "en"))
    assert plain.getvalue().count(name) == 3  # the title, the KPI and the channel


def test_no_cost_reason_is_said_in_the_report_language(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A French report said "(sum of costs is zero: the ratio is undefined)"."""
    path = _scenario_file(tmp_path, costs=[])
    code, out, _ = _run(capsys, "compute", str(path))
    assert code == 0
    assert "coûts nuls : ratio non défini" in out
    assert "aucun canal marketing" in out
    assert "sum of" not in out and "cash_flows" not in out
    code, out, _ = _run(capsys, "compute", str(path), "--lang", "en")
    assert "no costs: the ratio is undefined" in out and "no marketing channel" in out
