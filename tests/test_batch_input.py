"""Batches with hostile or odd input (issue 14, items 4, 7, 12, 13; issue 9 build item 6).

Names a workbook cannot store, file names that are not UTF-8, names of 4-byte
letters, thousands of workers asked for, a full disk in the middle of a batch,
more rows than a batch should hold: each ends as that row's failure or as one
clear refusal, never as an ``internal error`` that loses the report.
"""

from __future__ import annotations

import csv
import errno
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from crmroi_xl.batch import run as batch_module
from crmroi_xl.batch.run import MAX_STEM_BYTES, batch_export, read_batch, slugify
from crmroi_xl.cli.main import main
from crmroi_xl.errors import ScenarioError


def scenario(name: str, **assumptions: Any) -> dict[str, Any]:
    return {
        "assumptions": {"name": name, "language": "en", **assumptions},
        "costs": [{"label": "CRM", "category": "licences", "one_off": 1000}],
        "benefits": [{"label": "Gains", "category": "cost_reduction", "amount_per_year": 900}],
    }


def summary_rows(out: Path) -> list[dict[str, str]]:
    text = (out / "portfolio-summary.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(text.splitlines()))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- item 4: one unstorable name costs only its row ---------------------------------------


def test_names_a_workbook_cannot_store_are_their_rows_failures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``\\u0001``, ``\\uffff`` or ``\\ud800`` in a name ended in ``internal error:
    IllegalCharacterError``, with no summary, and an old summary left as if current."""
    names = ["Bon", "A\u0001B", "A\uffffB", "A\ud800B"]
    source = tmp_path / "batch.json"
    source.write_text(json.dumps([scenario(n) for n in names]), encoding="utf-8")  # \ud800 escaped
    out = tmp_path / "out"
    out.mkdir()
    (out / "portfolio-summary.csv").write_text("stale\n", encoding="utf-8")
    code, stdout, stderr = run(capsys, "batch", str(source), "--out-dir", str(out))
    assert code == 1
    assert "internal error" not in stderr
    assert stderr.splitlines() == [
        "crmroi: error: batch.json: index 1: assumptions.name: "
        "character U+0001 cannot be stored in a workbook",
        "crmroi: error: batch.json: index 2: assumptions.name: "
        "character U+FFFF cannot be stored in a workbook",
        "crmroi: error: batch.json: index 3: assumptions.name: "
        "holds a character that cannot be stored (a lone UTF-16 surrogate)",
    ]
    assert stdout.startswith("1 workbooks written, 3 failed; summary: ")
    rows = summary_rows(out)
    assert [(r["source"], r["name"], r["status"]) for r in rows] == [
        ("index 0", "Bon", "ok"),
        ("index 1", "A\\x01B", "error"),
        ("index 2", "A\\uffffB", "error"),
        ("index 3", "A\\ud800B", "error"),
    ]
    sheet = openpyxl.load_workbook(out / "portfolio-summary.xlsx").worksheets[0]
    assert [sheet.cell(r, 2).value for r in range(2, 6)] == [r["name"] for r in rows]


def test_file_names_that_are_not_utf8_or_hold_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """In folder mode a Latin-1 or control-character file name broke the summary; and
    printed raw, an escape sequence in a file name would drive the terminal."""
    folder = tmp_path / "in"
    folder.mkdir()
    latin1 = os.fsdecode(b"caf\xe9.yaml")  # a name written on a Latin-1 system
    for i, name in enumerate([latin1, "a\x01b.yaml", "x\x1b]8;;evil.example\x07.yaml"]):
        text = json.dumps(scenario(f"Cas {i}"))
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "z\x1b[31m.yaml").write_text("assumptions: {name: Z}\n", encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, stderr = run(capsys, "batch", str(folder), "--out-dir", str(out))
    assert code == 1
    assert "\x1b" not in stdout + stderr
    assert stderr == (
        "crmroi: error: in/z\\x1b[31m.yaml: an empty business case: no cost and no benefit; "
        "add at least one line to costs or benefits\n"
    )
    rows = summary_rows(out)
    assert [(r["source"], r["status"], r["file"]) for r in rows] == [
        ("a\\x01b.yaml", "ok", "cas-1.xlsx"),
        ("caf\\xe9.yaml", "ok", "cas-0.xlsx"),
        ("x\\x1b]8;;evil.example\\x07.yaml", "ok", "cas-2.xlsx"),
        ("z\\x1b[31m.yaml", "error", ""),
    ]
    openpyxl.load_workbook(out / "portfolio-summary.xlsx")  # a valid workbook


def test_a_long_name_of_4_byte_letters_gives_a_file_name_the_disk_takes(
    tmp_path: Path,
) -> None:
    """60 CJK letters of 4 bytes each made a name too long (``File name too long``)."""
    name = "\U00020000" * 60
    assert len(slugify(name).encode("utf-8")) <= MAX_STEM_BYTES
    source = tmp_path / "batch.json"
    source.write_text(json.dumps([scenario(name), scenario(name)]), encoding="utf-8")
    report = batch_export(source, tmp_path / "out")
    assert [e.status for e in report.entries] == ["ok", "ok"]
    stems = [Path(str(e.file)).stem for e in report.entries]
    assert stems == ["\U00020000" * 30, "\U00020000" * 30 + "-2"]


# --- item 7: workers ------------------------------------------------------------------------


def test_workers_are_capped_at_the_processors_and_the_scenarios(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--jobs 1000`` started 1 001 processes for 3 scenarios."""
    started: list[int] = []

    class Recording(ThreadPoolExecutor):
        def __init__(self, workers: int, **_: Any) -> None:
            started.append(workers)
            super().__init__(workers)

    monkeypatch.setattr(batch_module, "ProcessPoolExecutor", Recording)
    monkeypatch.setattr(batch_module.os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    source = tmp_path / "batch.json"
    source.write_text(json.dumps([scenario(f"S{i}") for i in range(3)]), encoding="utf-8")
    report = batch_export(source, tmp_path / "out", jobs=1000)
    assert [e.status for e in report.entries] == ["ok"] * 3
    assert started == [2]  # two processors
    monkeypatch.setattr(batch_module.os, "sched_getaffinity", lambda _: set(range(64)))
    batch_export(source, tmp_path / "again", jobs=1000)
    assert started == [2, 3]  # three scenarios


# --- item 12: a full disk -----------------------------------------------------------------


def test_a_full_disk_still_tells_which_rows_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """23 of 50 written, then the summary failed too and nobody could tell which rows."""
    source = tmp_path / "batch.jsonl"
    source.write_text(
        "".join(json.dumps(scenario(f"S{i}")) + "\n" for i in range(5)), encoding="utf-8"
    )
    out = tmp_path / "out"
    out.mkdir()
    for name in ("portfolio-summary.csv", "portfolio-summary.json", "portfolio-summary.xlsx"):
        (out / name).write_text("an older run\n", encoding="utf-8")
    replace = os.replace
    room = [2]  # two files fit, then the disk is full

    def full(src: Any, dst: Any) -> None:
        if room[0] <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        room[0] -= 1
        replace(src, dst)

    monkeypatch.setattr("crmroi_xl.excel.files.os.replace", full)
    code, stdout, stderr = run(capsys, "batch", str(source), "--out-dir", str(out))
    assert code == 1
    full_disk = os.strerror(errno.ENOSPC)
    assert stdout.splitlines() == [
        "2 workbooks written, 3 failed; the summary could not be written:",
        "batch.jsonl: line 1: ok: s0.xlsx",
        "batch.jsonl: line 2: ok: s1.xlsx",
        "batch.jsonl: line 3: error",
        "batch.jsonl: line 4: error",
        "batch.jsonl: line 5: error",
    ]
    assert stderr.splitlines() == [
        *(
            f"crmroi: error: batch.jsonl: line {i + 1}: {out / f's{i}.xlsx'}: "
            f"cannot be written ({full_disk})"
            for i in range(2, 5)
        ),
        *(
            f"crmroi: error: {out / f'portfolio-summary.{suffix}'}: cannot be written ({full_disk})"
            for suffix in ("csv", "json", "xlsx")
        ),
    ]
    # no summary of an older run is left to pass for this one's, nor a temporary file
    assert sorted(p.name for p in out.iterdir()) == ["s0.xlsx", "s1.xlsx"]


def test_the_csv_summary_is_written_when_only_the_workbook_does_not_fit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "batch.json"
    source.write_text(json.dumps([scenario("A"), scenario("B")]), encoding="utf-8")
    replace = os.replace

    def full_for_the_summary_workbook(src: Any, dst: Any) -> None:
        if str(dst).endswith("portfolio-summary.xlsx"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        replace(src, dst)

    monkeypatch.setattr("crmroi_xl.excel.files.os.replace", full_for_the_summary_workbook)
    report = batch_export(source, tmp_path / "out")
    assert [e.status for e in report.entries] == ["ok", "ok"]
    assert report.summary_errors == (
        f"{tmp_path / 'out' / 'portfolio-summary.xlsx'}: cannot be written "
        f"({os.strerror(errno.ENOSPC)})",
    )
    assert [r["name"] for r in summary_rows(tmp_path / "out")] == ["A", "B"]


# --- item 13: a row limit -------------------------------------------------------------------


def test_a_batch_over_the_row_limit_is_refused_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 200 000-row CSV meant 9 GB of workbooks with no warning."""
    source = tmp_path / "batch.json"
    source.write_text(json.dumps([scenario(f"S{i}") for i in range(4)]), encoding="utf-8")
    out = tmp_path / "out"
    code, _, stderr = run(capsys, "batch", str(source), "--out-dir", str(out), "--max-rows", "3")
    assert code == 1
    assert stderr == (
        f"crmroi: error: {source}: 4 scenarios, more than the 3 a batch may hold; "
        "give a higher limit (--max-rows N, max_rows=N) or split the batch\n"
    )
    assert not out.exists()
    code, stdout, _ = run(capsys, "batch", str(source), "--out-dir", str(out), "--max-rows", "0")
    assert code == 0 and stdout.startswith("4 workbooks written, 0 failed")


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".csv", "folder"])
def test_the_default_limit_is_ten_thousand_rows(tmp_path: Path, suffix: str) -> None:
    count = 10_001
    source = tmp_path / f"batch{suffix}"
    if suffix == ".json":
        source.write_text("[" + ",".join(["{}"] * count) + "]", encoding="utf-8")
    elif suffix == ".jsonl":
        source.write_text("{}\n" * count, encoding="utf-8")
    elif suffix == ".csv":
        source.write_text("name\n" + "x\n" * count, encoding="utf-8")
    else:
        source.mkdir()
        for i in range(count):
            (source / f"{i}.json").touch()
    with pytest.raises(ScenarioError, match="more than the 10000 a batch may hold"):
        read_batch(source)


# --- issue 9, build item 6: one reader, line and column everywhere -------------------------


def test_a_batch_yaml_error_gives_line_and_column(tmp_path: Path) -> None:
    source = tmp_path / "batch.yaml"
    source.write_text("- assumptions: {name: A}\n- assumptions: [oops\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        read_batch(source)
    assert caught.value.message.startswith(f"{source}: invalid YAML at line 3, column 1: ")


def test_a_json_lines_entry_with_a_key_given_twice_fails_alone(tmp_path: Path) -> None:
    source = tmp_path / "batch.jsonl"
    good = json.dumps(scenario("Bon"))
    twice = '{"assumptions": {"name": "A"}, "assumptions": {"name": "B"}}'
    source.write_text(f"{good}\n{twice}\n", encoding="utf-8")
    items = read_batch(source)
    assert [(i.place, i.error) for i in items] == [
        ("line 1", None),
        ("line 2", "invalid JSON at column 32: duplicate key 'assumptions'"),
    ]


def test_a_batch_speaks_the_language_asked(tmp_path: Path) -> None:
    source = tmp_path / "batch.json"
    source.write_text(json.dumps([scenario("A", horizon_years=12)]), encoding="utf-8")
    (item,) = read_batch(source, lang="fr")
    assert item.error == "assumptions.horizon_years: doit être <= 10, trouvé 12"


# --- issue 20 item 5: a thousands dot where the comma is the decimal mark -----------------


def test_a_thousands_dot_in_a_semicolon_csv_is_that_rows_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """German Excel writes 1 234 as ``1.234`` in a ``;`` file: it was read as 1.234."""
    source = tmp_path / "s.csv"
    source.write_text(
        "name;benefit_1_label;benefit_1_category;benefit_1_amount_per_year\n"
        "Mille;Gain;cost_reduction;1.234\n"
        "Virgule;Gain;cost_reduction;1 234,5\n",
        encoding="utf-8",
    )
    code, stdout, stderr = run(capsys, "batch", str(source), "--out-dir", str(tmp_path / "out"))
    assert code == 1 and stdout.startswith("1 workbooks written, 1 failed")
    assert stderr.splitlines() == [
        "crmroi: error: s.csv: row 2: benefit_1_amount_per_year: '1.234' is ambiguous with "
        "decimal commas (a dot separates thousands in German, Italian, Spanish or Dutch "
        "Excel): write 1234 for a whole number, 1,234 for decimals"
    ]
    rows = json.loads((tmp_path / "out" / "portfolio-summary.json").read_text(encoding="utf-8"))
    assert [(r["name"], r["status"]) for r in rows] == [("Mille", "error"), ("Virgule", "ok")]


# --- issue 24 item 5: the summary says on what basis, without float noise ----------------

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_the_summary_shows_horizon_and_rate_rounded_csv_and_exact_json(tmp_path: Path) -> None:
    """A 5-year case topped a list of 3-year ones with nothing to show it; the CSV read
    ``477115,43040000007`` and the JSON ``477115.43040000007`` (the yearly benefits
    added left to right): the exact sum is 477 115.4304."""
    import math
    import re

    from crmroi_xl import compute, load_scenario
    from crmroi_xl.io.flatwrite import write_scenarios

    scenarios = [
        load_scenario(EXAMPLES / n) for n in ("marketing-channels.json", "b2b-150-seats.yaml")
    ]
    source = write_scenarios(scenarios, tmp_path / "s.csv")
    report = batch_export(source, tmp_path / "out", lang="fr")
    assert not report.failed

    text = report.summary_csv.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(text.splitlines(), delimiter=";"))
    assert list(rows[0])[:6] == [
        "source",
        "name",
        "status",
        "file",
        "horizon_years",
        "discount_rate",
    ]
    assert [(r["horizon_years"], r["discount_rate"]) for r in rows] == [
        ("4", "0,120000"),
        ("5", "0,090000"),
    ]
    assert rows[0]["total_benefits"] == "477115,43" and rows[0]["roi"] == "0,736228"
    for row in rows:
        for key in ("npv", "total_costs", "total_benefits", "net_benefit", "pv_costs", "clv"):
            assert re.fullmatch(r"(-?\d+,\d\d)?", row[key]), (key, row[key])
        for key in ("roi", "roi_pv", "irr", "bcr", "payback", "discount_rate"):
            assert re.fullmatch(r"-?\d+,\d{6}", row[key]), (key, row[key])

    assert report.summary_json is not None
    data = json.loads(report.summary_json.read_text(encoding="utf-8"))
    assert [(r["horizon_years"], r["discount_rate"]) for r in data] == [(4, 0.12), (5, 0.09)]
    for row, scenario in zip(data, scenarios, strict=True):
        results = compute(scenario)
        factors = results.discount_factors
        assert row["total_costs"] == math.fsum(results.costs)
        assert row["total_benefits"] == math.fsum(results.benefits)
        assert row["net_benefit"] == math.fsum([*results.benefits, *(-c for c in results.costs)])
        assert row["pv_costs"] == math.fsum(
            c * f for c, f in zip(results.costs, factors, strict=True)
        )
        assert row["pv_benefits"] == math.fsum(
            b * f for b, f in zip(results.benefits, factors, strict=True)
        )
        assert row["npv"] == math.fsum(results.present_values)
    assert data[0]["total_benefits"] == 477115.4304

    for lang, titles, place in [
        ("fr", ["Horizon (années)", "Taux d'actualisation annuel"], "ligne 2"),
        ("en", ["Horizon (years)", "Yearly discount rate"], "row 2"),
    ]:
        out = batch_export(source, tmp_path / lang, lang=lang).summary_xlsx
        sheet = openpyxl.load_workbook(out).worksheets[0]
        assert [sheet.cell(1, c).value for c in (5, 6)] == titles
        assert sheet.cell(2, 1).value == place
        assert [sheet.cell(r, 5).value for r in (2, 3)] == [4, 5]
        assert [sheet.cell(r, 6).value for r in (2, 3)] == [0.12, 0.09]
        assert "%" in sheet.cell(2, 6).number_format
