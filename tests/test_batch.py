"""Batch generation: hundreds of scenarios with broken ones, every input kind, executors,
file names, the portfolio summary, idempotent re-runs and interruptions."""

from __future__ import annotations

import copy
import csv
import doctest
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from zipfile import ZipFile

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmroi_xl import compute, export_workbook, load_scenario
from crmroi_xl.batch.run import (
    METRICS,
    SUMMARY_COLUMNS,
    BatchReport,
    batch_export,
    file_names,
    read_batch,
    slugify,
)
from crmroi_xl.batch.summary import CSV_DECIMALS
from crmroi_xl.cli.main import main
from crmroi_xl.errors import CrmRoiError, InputError, ScenarioError
from crmroi_xl.excel.headline import HEADLINES
from crmroi_xl.excel.package import save_workbook
from crmroi_xl.excel.styles import number_formats
from crmroi_xl.io.flatwrite import row_from_scenario, write_rows, write_scenarios
from crmroi_xl.scenario.model import Scenario

from .examples import CASE_EXAMPLES
from .spreadsheet import recalculate, same

#: The examples, the French ones first: the first valid scenario sets the summary's language.
EXAMPLES = sorted(CASE_EXAMPLES, key=lambda p: (p.name.startswith("b2b"), p.name))
#: The batch's scenarios are made from these four (their languages set the expected
#: messages row by row); the finance view's example is checked in test_finance_view.py.
BATCH_EXAMPLES = [p for p in EXAMPLES if p.name != "after-tax-go-live.yaml"]
TEMPLATES = [load_scenario(path).model_dump(mode="json") for path in BATCH_EXAMPLES]
NAMES = [
    "Agence Île-de-France",
    "PME 20 postes",
    "Société Générale / Nord",
    "CON",
    "Région Sud-Est (pilote)",
    "Ñandú & Cie",
    "Portfolio summary",
    "Продажи",
]
BIG = 200
OUT_NAMES = [h.name for h in HEADLINES if h.shown]


def good(i: int) -> dict[str, Any]:
    """The i-th valid scenario: an example with its own name, rate and seats."""
    data = copy.deepcopy(TEMPLATES[i % len(TEMPLATES)])
    name = NAMES[i % len(NAMES)]
    data["assumptions"]["name"] = name if i % 3 == 0 else f"{name} {i // 3}"
    data["assumptions"]["discount_rate"] = [0.05, 0.08, 0.1, 0.12][i % 4]
    line = data["costs"][0]
    if line.get("seats_by_year"):  # a ramp: its first year
        line["seats_by_year"] = [5 + i, *line["seats_by_year"][1:]]
    else:
        line["seats"] = 5 + i
    return data


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(target: dict[str, Any]) -> None:
        if value is None:
            del target[key]
        else:
            target[key] = value

    return change


#: How entries break: (change to the data, change to the flat row, JSON message, flat message).
BREAKS: list[tuple[Callable[[dict[str, Any]], None], Callable[[dict[str, Any]], None], str, str]]
BREAKS = [
    (
        lambda d: d["costs"][0].update(seats=-3),
        _set("cost_1_seats", -3),
        "costs[0].seats: must be >= 0, got -3",
        "cost_1_seats: must be >= 0, got -3",
    ),
    (
        lambda d: d["assumptions"].update(horizon_years=12, adoption=[]),
        lambda r: r.update({"horizon_years": 12}),
        "assumptions.horizon_years: must be <= 10, got 12",
        "horizon_years: must be <= 10, got 12",
    ),
    (
        lambda d: d["assumptions"].pop("name"),
        _set("name", None),
        "assumptions.name: required, missing",
        "name: required, missing",
    ),
    (
        lambda d: d["costs"][1].update(category="licence"),
        _set("cost_2_category", "licence"),
        "costs[1].category: must be one of licences, ",
        "cost_2_category: must be one of licences, ",
    ),
    (
        lambda d: d["assumptions"].update(discount_rate="abc"),
        _set("discount_rate", "abc"),
        "assumptions.discount_rate: must be a number",
        "discount_rate: must be a number",
    ),
]


#: The same problems in French: a scenario's problems are worded in its language.
FRENCH = {
    "must be >= 0, got -3": "doit être >= 0, trouvé -3",
    "must be <= 10, got 12": "doit être <= 10, trouvé 12",
    "required, missing": "obligatoire, manquant",
    "must be one of licences, ": "doit être l'une des valeurs licences, ",
    "must be a number": "doit être un nombre",
}


def expected_error(i: int, kind: str) -> str:
    """The start of the i-th entry's problem as read from an input of that kind."""
    broken = broken_kind(i)
    assert broken is not None
    _, _, nested, flat = BREAKS[broken]
    message = nested if kind.startswith("json") else flat
    if good(i)["assumptions"]["language"] == "fr":
        for english, french in FRENCH.items():
            message = message.replace(english, french)
    return message


def broken_kind(i: int) -> int | None:
    """Which break the i-th entry has (one entry in four), None for a good one."""
    return (i // 4) % len(BREAKS) if i % 4 == 2 else None


def entry_data(i: int) -> dict[str, Any]:
    data = good(i)
    kind = broken_kind(i)
    if kind is not None:
        BREAKS[kind][0](data)
    return data


def entry_row(i: int) -> dict[str, Any]:
    row = row_from_scenario(Scenario.model_validate(good(i)))
    kind = broken_kind(i)
    if kind is not None:
        BREAKS[kind][1](row)
    return row


def entry_name(i: int) -> str | None:
    return None if broken_kind(i) == 2 else good(i)["assumptions"]["name"]


def write_inputs(folder: Path, count: int) -> dict[str, Path]:
    """The same batch as JSON, JSON Lines, CSV and xlsx."""
    data = [entry_data(i) for i in range(count)]
    rows = [entry_row(i) for i in range(count)]
    json_path = folder / "batch.json"
    json_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    jsonl = folder / "batch.jsonl"
    jsonl.write_text("".join(json.dumps(d) + "\n" for d in data), encoding="utf-8")
    return {
        "json": json_path,
        "jsonl": jsonl,
        "csv": write_rows(rows, folder / "batch.csv"),
        "xlsx": write_rows(rows, folder / "batch.xlsx"),
    }


def _place(kind: str, i: int) -> str:
    return {"json": f"index {i}", "jsonl": f"line {i + 1}"}.get(kind, f"row {i + 2}")


_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_RID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def defined_values(path: Path, names: list[str]) -> dict[str, Any]:
    """The cached values of workbook-level names, read straight from the xlsx XML (fast)."""
    with ZipFile(path) as archive:
        book = ET.fromstring(archive.read("xl/workbook.xml"))
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {rel.get("Id"): str(rel.get("Target")) for rel in rels}
        sheets = {
            sheet.get("name"): "xl/" + targets[sheet.get(_RID)].removeprefix("/xl/")
            for sheet in book.iterfind("m:sheets/m:sheet", _NS)
        }
        parsed: dict[str, ET.Element] = {}
        out: dict[str, Any] = {}
        for defined in book.iterfind("m:definedNames/m:definedName", _NS):
            name = defined.get("name")
            if name not in names or defined.text is None:
                continue
            sheet, ref = defined.text.rsplit("!", 1)
            sheet = sheet.strip("'").replace("''", "'")
            if sheet not in parsed:
                parsed[sheet] = ET.fromstring(archive.read(sheets[sheet]))
            cell = parsed[sheet].find(f".//m:c[@r='{ref.replace('$', '')}']", _NS)
            assert cell is not None, (name, ref)
            value = cell.findtext("m:v", namespaces=_NS)
            out[name] = value if cell.get("t") in ("e", "str") else float(str(value))
    return out


def expected_out(scenario: Scenario) -> dict[str, Any]:
    results = compute(scenario)
    values = {}
    for h in HEADLINES:
        if h.name in OUT_NAMES:
            value = h.evaluate(results)[0]
            values[h.name] = "#N/A" if value is None else value
    return values


def no_temporary_files(folder: Path) -> bool:
    return not [p for p in folder.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".")]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --- a few hundred scenarios, with broken ones ------------------------------------------


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_inputs(tmp_path_factory.mktemp("inputs"), BIG)


@pytest.fixture(scope="module")
def big(inputs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> BatchReport:
    """The CSV batch, exported with two worker processes."""
    seen: list[tuple[int, int]] = []
    report = batch_export(
        inputs["csv"],
        tmp_path_factory.mktemp("big") / "out",
        jobs=2,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen[-1] == (BIG, BIG) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    return report


@pytest.mark.slow
def test_every_input_kind_reads_the_same_batch(inputs: dict[str, Path]) -> None:
    expected = [Scenario.model_validate(good(i)) for i in range(BIG)]
    for kind, path in inputs.items():
        items = read_batch(path)
        assert len(items) == BIG, kind
        for i, item in enumerate(items):
            assert (item.index, item.place) == (i, _place(kind, i))
            assert item.where == f"{path.name}: {_place(kind, i)}"
            broken = broken_kind(i)
            if broken is None:
                assert item.scenario == expected[i] and item.error is None, (kind, i)
            else:
                message = expected_error(i, kind)
                assert item.scenario is None and item.error is not None, (kind, i)
                assert item.error.startswith(message), (kind, i, item.error)
            assert item.name == entry_name(i)


@pytest.mark.slow
def test_a_big_batch_writes_every_good_scenario_and_reports_the_broken(big: BatchReport) -> None:
    assert len(big.entries) == BIG
    failed = [i for i in range(BIG) if broken_kind(i) is not None]
    assert [e.index for e in big.failed] == failed and len(failed) == 50
    names = file_names([entry_name(i) for i in range(BIG)])
    for i, entry in enumerate(big.entries):
        assert (entry.index, entry.place) == (i, f"row {i + 2}")
        if i in failed:
            assert (entry.status, entry.file) == ("error", None)
            assert entry.error is not None
            assert entry.error.startswith(expected_error(i, "csv"))
        else:
            assert (entry.status, entry.file, entry.error) == ("ok", names[i], None)
    message = "batch.csv: row 4: cost_1_seats: doit être >= 0, trouvé -3"  # a French one
    assert big.messages()[0] == message
    files = sorted(p.name for p in big.out_dir.iterdir())
    assert files == sorted(
        [
            *(n for n in names if n and big.entries[names.index(n)].status == "ok"),
            "portfolio-summary.csv",
            "portfolio-summary.json",
            "portfolio-summary.xlsx",
        ]
    )
    assert no_temporary_files(big.out_dir)


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "jobs"), [("json", 1), ("jsonl", 2), ("xlsx", 2)])
def test_big_batches_from_the_other_inputs_end_to_end(
    inputs: dict[str, Path], tmp_path: Path, kind: str, jobs: int
) -> None:
    """The same few hundred scenarios, with their broken ones, from JSON, JSON Lines, xlsx."""
    report = batch_export(inputs[kind], tmp_path / "out", jobs=jobs)
    failed = [i for i in range(BIG) if broken_kind(i) is not None]
    assert [e.index for e in report.failed] == failed
    for entry in report.entries:
        assert entry.place == _place(kind, entry.index)
        broken = broken_kind(entry.index)
        if broken is not None:
            assert entry.error is not None
            assert entry.error.startswith(expected_error(entry.index, kind))
            continue
        assert entry.file is not None
        scenario = Scenario.model_validate(good(entry.index))
        assert defined_values(report.out_dir / entry.file, OUT_NAMES) == expected_out(scenario)
    assert no_temporary_files(report.out_dir)


@pytest.mark.slow
def test_the_big_batch_workbooks_hold_the_engine_results(big: BatchReport) -> None:
    for entry in big.ok:
        scenario = Scenario.model_validate(good(entry.index))
        assert entry.file is not None
        values = defined_values(big.out_dir / entry.file, OUT_NAMES)
        assert values == expected_out(scenario), entry.file
        results = compute(scenario)
        assert dict(entry.results) == {
            "horizon_years": scenario.assumptions.horizon_years,
            "discount_rate": scenario.assumptions.discount_rate,
            **{h.key: h.evaluate(results)[0] for h in HEADLINES if h.shown},
            "currency": "EUR",
        }


@pytest.mark.slow
def test_a_batch_workbook_is_exactly_the_exported_one(big: BatchReport, tmp_path: Path) -> None:
    for entry in big.ok[:3]:
        assert entry.file is not None
        alone = export_workbook(Scenario.model_validate(good(entry.index)), tmp_path / "x.xlsx")
        assert (big.out_dir / entry.file).read_bytes() == alone.read_bytes()


@pytest.mark.slow
def test_the_summary_json_has_one_row_per_scenario(big: BatchReport) -> None:
    """The machine-readable summary: the same keys and numbers whatever the language."""
    assert big.summary_json is not None
    rows = json.loads(big.summary_json.read_text(encoding="utf-8"))
    assert list(rows[0]) == list(SUMMARY_COLUMNS)
    assert len(rows) == BIG
    for entry, row in zip(big.entries, rows, strict=True):
        assert row["source"] == entry.place and row["status"] == entry.status
        assert row["name"] == entry.name and row["file"] == entry.file
        for key, _ in METRICS:
            assert row[key] == entry.results.get(key)
    broken = rows[2]
    assert broken["status"] == "error" and broken["file"] is None and broken["npv"] is None
    assert broken["error"] == "cost_1_seats: doit être >= 0, trouvé -3"  # a French scenario


@pytest.mark.slow
def test_the_french_summary_csv_opens_in_french_excel(big: BatchReport) -> None:
    """Issue 10 item 13: French Excel reads ``;`` and decimal commas (a comma-separated
    file opened as one column); the BOM makes it read the accents as UTF-8."""
    raw = big.summary_csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert list(rows[0]) == list(SUMMARY_COLUMNS) and len(rows) == BIG
    for entry, row in zip(big.entries, rows, strict=True):
        assert row["source"] == entry.place and row["status"] == entry.status
        for key, fmt in METRICS:  # money to the cent, ratios to six decimals (issue 24)
            value = entry.results.get(key)
            places = CSV_DECIMALS.get(fmt, 6)
            expected = "" if value is None else f"{value:.{places}f}".replace(".", ",")
            assert row[key] == expected.replace("-0,00", "0,00"), key
    assert rows[2]["error"] == "cost_1_seats: doit être >= 0, trouvé -3"


@pytest.mark.slow
def test_the_summary_workbook_is_a_sortable_table_with_a_chart(big: BatchReport) -> None:
    wb = openpyxl.load_workbook(big.summary_xlsx)
    ws = wb["Portefeuille"]  # the first valid scenario (marketing-channels.json) is in French
    table = ws.tables["Portfolio"]
    last = openpyxl.utils.get_column_letter(len(SUMMARY_COLUMNS))
    assert table.ref == f"A1:{last}{BIG + 1}"
    assert table.tableStyleInfo is not None and table.tableStyleInfo.showRowStripes
    headers = [cell.value for cell in ws[1]]
    assert headers == [fr for fr, _ in SUMMARY_COLUMNS.values()]
    assert ws.freeze_panes == "C2"
    col = {key: i + 1 for i, key in enumerate(SUMMARY_COLUMNS)}
    first = big.entries[0]
    assert ws.cell(2, col["name"]).value == first.name
    assert ws.cell(2, col["status"]).value == "OK"
    assert ws.cell(2, col["npv"]).value == first.results["npv"]
    formats = number_formats("fr", "EUR")
    assert ws.cell(2, col["npv"]).number_format == formats["eur"]
    assert ws.cell(2, col["roi"]).number_format == formats["pct1"]
    assert ws.cell(2, col["payback_months"]).number_format == formats["months"]
    link = ws.cell(2, col["file"]).hyperlink
    assert link is not None and link.target == first.file
    assert ws.cell(2, col["roas"]).value == first.results["roas"]  # a channel example
    pme = next(e for e in big.ok if e.results["roas"] is None)
    cell = ws.cell(pme.index + 2, col["roas"])
    assert (cell.value, cell.data_type) == ("#N/A", "e")
    assert ws.cell(4, col["status"]).value == "ERREUR"
    assert ws.cell(4, col["error"]).value == "cost_1_seats: doit être >= 0, trouvé -3"
    assert ws.cell(4, col["npv"]).value is None
    (chart,) = wb["Graphique VAN"]._charts  # type: ignore[union-attr]
    assert chart.type == "bar"
    refs = chart.series[0].val.numRef.f
    assert refs == f"'Portefeuille'!${openpyxl.utils.get_column_letter(col['npv'])}$2:$" + (
        f"{openpyxl.utils.get_column_letter(col['npv'])}${BIG + 1}"
    )


@pytest.mark.slow
def test_libreoffice_opens_the_summary(big: BatchReport, tmp_path: Path) -> None:
    recalculated = recalculate([big.summary_xlsx], tmp_path)[big.summary_xlsx]
    ours = openpyxl.load_workbook(big.summary_xlsx, data_only=True)["Portefeuille"]
    theirs = openpyxl.load_workbook(recalculated, data_only=True)["Portefeuille"]
    assert theirs.max_row == BIG + 1
    for r in (1, 2, 4, BIG + 1):
        mine, lo = [c.value for c in ours[r]], [c.value for c in theirs[r]]
        assert all(same(a, b) for a, b in zip(mine, lo, strict=True)), (mine, lo)


# --- each input kind end to end, each way to run -------------------------------------------


def test_cli_batch_reports_failures_exits_1_and_reruns_to_the_same_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data: list[Any] = [good(i) for i in range(4)] + [5, entry_data(6), good(24)]
    source = tmp_path / "batch.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["batch", str(source), "--out-dir", str(out)]) == 1
    stdout, stderr = capsys.readouterr()
    assert stdout == (
        f"5 workbooks written, 2 failed; summary: {out / 'portfolio-summary.xlsx'} "
        "and portfolio-summary.csv, portfolio-summary.json\n"
    )
    assert stderr.splitlines() == [
        "crmroi: error: batch.json: index 4: a scenario is a mapping with an "
        "'assumptions' section, got 5",
        "crmroi: error: batch.json: index 5: assumptions.horizon_years: doit être <= 10, trouvé 12",
    ]
    first = snapshot(out)
    assert sorted(first) == [
        "agence-ile-de-france-2.xlsx",  # good(24) has good(0)'s name
        "agence-ile-de-france.xlsx",
        "con-scenario.xlsx",
        "pme-20-postes-0.xlsx",
        "portfolio-summary.csv",
        "portfolio-summary.json",
        "portfolio-summary.xlsx",
        "societe-generale-nord-0.xlsx",
    ]
    assert main(["batch", str(source), "--out-dir", str(out)]) == 1
    capsys.readouterr()
    assert snapshot(out) == first
    assert no_temporary_files(out)


def _jsonl(folder: Path) -> Path:
    path = folder / "batch.jsonl"
    lines = [json.dumps(good(i)) for i in range(4)]
    lines.insert(2, '{"assumptions": {"name": "oops"')
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def jsonl_alone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BatchReport]:
    """A small JSON Lines batch and its export in this process, one scenario at a time."""
    folder = tmp_path_factory.mktemp("jsonl")
    source = _jsonl(folder)
    return source, batch_export(source, folder / "alone")


def test_dask_local_cluster_executor(jsonl_alone: tuple[Path, BatchReport], tmp_path: Path) -> None:
    import distributed  # a test dependency: missing, it fails rather than skips

    source, alone = jsonl_alone
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        report = batch_export(source, tmp_path / "dask", executor=client.get_executor())
    assert [(e.place, e.status) for e in report.entries] == [
        ("line 1", "ok"),
        ("line 2", "ok"),
        ("line 3", "error"),
        ("line 4", "ok"),
        ("line 5", "ok"),
    ]
    assert report.entries[2].error is not None
    assert report.entries[2].error.startswith("invalid JSON at column")
    # two exports at a time in one process give the same bytes as one after the other
    assert snapshot(tmp_path / "dask") == snapshot(alone.out_dir)


def test_threads_give_the_same_bytes(jsonl_alone: tuple[Path, BatchReport], tmp_path: Path) -> None:
    source, alone = jsonl_alone
    with ThreadPoolExecutor(max_workers=3) as pool:
        batch_export(source, tmp_path / "threads", executor=pool)
    assert snapshot(tmp_path / "threads") == snapshot(alone.out_dir)


def test_an_xlsx_sheet_with_formulas_and_bad_cells(tmp_path: Path) -> None:
    rows = [entry_row(i) for i in (0, 1, 2, 3)]
    rows[3]["discount_rate"] = "9 %"
    source = write_rows(rows, tmp_path / "scenarios.xlsx")
    wb = openpyxl.load_workbook(source)
    column = openpyxl.utils.get_column_letter(list(rows[0]).index("discount_rate") + 1)
    wb.active[f"{column}3"] = "=SUM(0.04,0.04)"  # type: ignore[index]  # a function: refused
    save_workbook(wb, source)
    report = batch_export(source, tmp_path / "out", lang="en")
    assert [(e.place, e.status) for e in report.entries] == [
        ("row 2", "ok"),
        ("row 3", "error"),
        ("row 4", "error"),
        ("row 5", "ok"),
    ]
    assert report.messages() == [
        "scenarios.xlsx: row 3: discount_rate: formula =SUM(0.04,0.04) in an input cell: only "
        "numbers, + - * / ^ % and parentheses are computed; type the value",
        "scenarios.xlsx: row 4: cost_1_seats: must be >= 0, got -3",
    ]
    assert report.entries[3].file == "con-scenario.xlsx"
    assert report.entries[2].file is None
    scenario = Scenario.model_validate(good(3))
    scenario.assumptions.discount_rate = 0.09
    values = defined_values(tmp_path / "out" / "con-scenario.xlsx", OUT_NAMES)
    assert values == expected_out(scenario)
    summary = openpyxl.load_workbook(report.summary_xlsx)
    assert summary.sheetnames == ["Portfolio", "NPV chart"]  # lang="en"


def test_a_folder_of_scenario_files_and_filled_workbooks(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    for name in ("mid-size-risk-adjusted.yaml", "pme-20-postes.yaml"):
        shutil.copy(Path("examples") / name, folder / name)
    filled = Scenario.model_validate(good(0))
    export_workbook(filled, folder / "filled.xlsx")
    (folder / "broken.yaml").write_text(
        "assumptions: {name: Cassé, discount_rate: 1.5}\n", encoding="utf-8"
    )
    (folder / "README.md").write_text("not a scenario\n", encoding="utf-8")
    (folder / "~$filled.xlsx").write_bytes(b"Excel's lock file")
    with pytest.raises(CrmRoiError, match="must not be the input folder"):
        batch_export(folder, folder)
    out = folder / "portfolio"  # inside the input folder: sub-folders are not read
    report = batch_export(folder, out)
    assert [(e.place, e.status, e.file) for e in report.entries] == [
        ("broken.yaml", "error", None),
        ("filled.xlsx", "ok", "agence-ile-de-france.xlsx"),
        ("mid-size-risk-adjusted.yaml", "ok", "mid-size-150-seats-risk-adjusted.xlsx"),
        ("pme-20-postes.yaml", "ok", "pme-20-postes.xlsx"),
    ]
    assert report.messages() == [
        "cases/broken.yaml: assumptions.discount_rate: must be <= 1, got 1.5"
    ]
    assert report.entries[0].name == "Cassé"
    again = read_batch(folder)  # the written workbooks are not read back
    assert [item.place for item in again] == [e.place for e in report.entries]


def test_an_interrupted_batch_still_writes_its_summary(tmp_path: Path) -> None:
    source = tmp_path / "batch.json"
    source.write_text(json.dumps([good(i) for i in range(4)]), encoding="utf-8")

    def interrupt(done: int, total: int) -> None:
        if done == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batch_export(source, tmp_path / "out", progress=interrupt)
    rows = json.loads((tmp_path / "out" / "portfolio-summary.json").read_text("utf-8"))
    assert [row["status"] for row in rows] == ["ok", "cancelled", "cancelled", "cancelled"]
    assert rows[1]["error"] == "not done: the batch was interrupted"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "agence-ile-de-france.xlsx",
        "portfolio-summary.csv",
        "portfolio-summary.json",
        "portfolio-summary.xlsx",
    ]
    assert no_temporary_files(tmp_path / "out")


# --- refusals -----------------------------------------------------------------------------


def test_an_unreadable_input_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "scenarios.csv"
    source.write_text("name,start_year,seats\nA,2026,3\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["batch", str(source), "--out-dir", str(out)]) == 1
    assert capsys.readouterr().err == (
        f"crmroi: error: {source}: unknown column: seats; the columns are listed in docs/batch.md\n"
    )
    assert not out.exists()


def test_a_yaml_list_is_a_batch_too(tmp_path: Path) -> None:
    source = tmp_path / "batch.yaml"
    source.write_text(
        "- assumptions: {name: Nord, start_year: 2026}\n"
        "  costs: [{label: CRM, category: licences, one_off: 1}]\n"
        "- assumptions: {name: Sud, cost_risk: -1}\n",
        encoding="utf-8",
    )
    items = read_batch(source)
    assert [(i.place, i.name, i.error) for i in items] == [
        ("index 0", "Nord", None),
        ("index 1", "Sud", "assumptions.cost_risk: must be >= 0, got -1"),
    ]
    assert items[0].scenario is not None and items[0].scenario.assumptions.start_year == 2026


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("[]", "batch.json", "no scenario found"),
        ('{"assumptions": {"name": "A"}}', "batch.json", "a batch is a list of scenarios"),
        ("[1,", "batch.json", "invalid JSON at line 1"),
        ("x", "batch.txt", "unsupported batch file '.txt'"),
    ],
)
def test_inputs_that_are_not_a_batch(tmp_path: Path, content: str, name: str, message: str) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(ScenarioError, match=re.escape(message)):
        batch_export(tmp_path / name, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_jobs_and_executor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(InputError, match="at least 1 worker, got 0"):
        batch_export(tmp_path, tmp_path / "out", jobs=0)
    with ThreadPoolExecutor() as pool, pytest.raises(InputError, match="not both"):
        batch_export(tmp_path, tmp_path / "out", jobs=2, executor=pool)
    assert main(["batch", str(tmp_path), "--out-dir", str(tmp_path / "o"), "--jobs", "0"]) == 2
    assert main(["batch", str(tmp_path)]) == 2  # --out-dir is required
    with pytest.raises(CrmRoiError, match="not a folder"):
        (tmp_path / "file").write_text("", encoding="utf-8")
        batch_export(tmp_path, tmp_path / "file")


# --- file names ------------------------------------------------------------------------------

_UNSAFE = set('<>:"/\\|?*') | {chr(c) for c in range(32)}
_RESERVED = {"con", "prn", "aux", "nul", *(f"{d}{i}" for d in ("com", "lpt") for i in range(10))}


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_name_gives_a_safe_file_name(name: str) -> None:
    stem = slugify(name)
    assert stem and len(stem) <= 60
    assert not set(stem) & _UNSAFE and not stem.startswith(("-", ".")) and not stem.endswith("-")
    assert stem == stem.lower() and stem not in _RESERVED
    assert slugify(stem) == stem  # stable


@given(st.lists(st.none() | st.sampled_from(["PME", "pme", "P.M.E", "PME-2", "Portfolio summary"])))
def test_file_names_are_unique_and_follow_input_order(names: list[str | None]) -> None:
    out = file_names(names)
    given_names = [n for n in out if n is not None]
    assert len(set(given_names)) == len(given_names)
    assert "portfolio-summary.xlsx" not in given_names
    assert [n is None for n in out] == [n is None for n in names]
    assert file_names(names) == out


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("PME 20 postes", "pme-20-postes"),
        ("  Île-de-France / Nord  ", "ile-de-france-nord"),
        ("C:\\temp\\..\\x", "c-temp-x"),
        ("lpt1", "lpt1-scenario"),
        ("Aux", "aux-scenario"),
        ("???", "scenario"),
        ("Œuvre æ ß", "oeuvre-ae-ss"),
        ("x" * 80, "x" * 60),
        ("word " * 20, "-".join(["word"] * 12)),
    ],
)
def test_slugify(name: str, stem: str) -> None:
    assert slugify(name) == stem


# --- the documentation runs --------------------------------------------------------------------

DOC = Path("docs/batch.md").resolve()


def _console_commands() -> Iterator[str]:
    for block in re.findall(r"```console\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL):
        for line in block.splitlines():
            if line.startswith("$ crmroi "):
                yield line[2:]


def test_the_docs_examples_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "examples").mkdir()  # a workbook each: the examples without options
    for example in CASE_EXAMPLES:
        shutil.copy(example, tmp_path / "examples" / example.name)
    monkeypatch.chdir(tmp_path)
    failures, tried = doctest.testfile(
        str(DOC.resolve()), module_relative=False, optionflags=doctest.ELLIPSIS
    )
    assert tried >= 5 and failures == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["examples"]  # nothing left behind
    examples = sorted((tmp_path / "examples").iterdir())
    write_scenarios([load_scenario(p) for p in examples], tmp_path / "scenarios.csv")
    commands = list(_console_commands())
    assert len(commands) == 2
    for command in commands:
        assert main(shlex.split(command)[1:]) == 0, command
        assert f"{len(examples)} workbooks written, 0 failed" in capsys.readouterr().out
    summary = openpyxl.load_workbook(tmp_path / "portfolio" / "portfolio-summary.xlsx")
    assert summary.sheetnames == ["Portfolio", "NPV chart"]


def test_the_docs_list_every_summary_column() -> None:
    """The columns of their own are listed; the headline results are listed once, in
    docs/results.md (generated from their records), whose order the summary follows."""
    text = DOC.read_text(encoding="utf-8")
    metrics = [key for key, _ in METRICS]
    assert metrics == [h.key for h in HEADLINES if h.shown]
    for key, (fr, en) in SUMMARY_COLUMNS.items():
        if key not in metrics:
            assert f"| `{key}` | {fr if fr == en else f'{fr} / {en}'} |" in text, key
    assert "[results.md](results.md)" in text


# --- interruptions and inputs in the output folder -------------------------------------------


def _interruptible(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    """``crmroi ARGS`` in a process that Ctrl-C (SIGINT) reaches, even when the tests
    themselves run where SIGINT is ignored (a background job)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from crmroi_xl.cli.main import main; sys.exit(main())",
            *args,
        ],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _wait_for_files(folder: Path, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if folder.is_dir() and len(list(folder.glob("*.xlsx"))) >= count:
            return
        time.sleep(0.05)
    raise AssertionError("the batch did not start writing")


@pytest.fixture(scope="module")
def long_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("long")
    lines = [json.dumps(good(i) | {"assumptions": {"name": f"S{i}"}}) for i in range(3000)]
    (folder / "batch.jsonl").write_text("\n".join(lines), encoding="utf-8")
    return folder


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="SIGINT to a child process")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_exits_130_and_leaves_a_summary_and_no_temporary_file(
    long_batch: Path, jobs: str
) -> None:
    out = long_batch / f"out-{jobs}"
    process = _interruptible(
        ["batch", "batch.jsonl", "--out-dir", out.name, "--jobs", jobs], long_batch
    )
    _wait_for_files(out, 5, process)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert (process.returncode, stdout, stderr) == (130, "", "crmroi: interrupted\n")
    assert no_temporary_files(out)
    rows = json.loads((out / "portfolio-summary.json").read_text("utf-8"))
    statuses = [row["status"] for row in rows]
    # the rows done before Ctrl-C are ok (which ones depends on the workers), the rest
    # are cancelled, and the files on disk are exactly the rows said to be ok
    assert len(rows) == 3000 and "ok" in statuses and statuses[-1] == "cancelled"
    assert set(statuses) == {"ok", "cancelled"}
    written = {row["file"] for row in rows if row["status"] == "ok"}
    assert written == {p.name for p in out.glob("*.xlsx")} - {"portfolio-summary.xlsx"}


#: ``crmroi`` whose workers stop half-way through writing their first workbook, for
#: good: the state a ``kill -9`` of the batch meets, reached without a race. The
#: workers fork (the patch is inherited; the default on Linux before Python 3.14).
PAUSED_WORKERS = """
import multiprocessing, sys, time
multiprocessing.set_start_method("fork")
from crmroi_xl.batch import run
from crmroi_xl.excel.files import atomic_path
def half_written(path, content):
    with atomic_path(path) as temporary:
        temporary.write_bytes(content[: len(content) // 2])
        time.sleep(600)
run.write_atomic = half_written
from crmroi_xl.cli.main import main
sys.exit(main())
"""


def _temporary_files(folder: Path) -> list[Path]:
    return list(folder.glob(".*.tmp")) if folder.is_dir() else []


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="Linux /proc")
def test_killing_a_batch_stops_its_workers(tmp_path: Path) -> None:
    """``kill -9`` of a batch whose two workers are each half-way through a workbook: the
    workers exit, their temporary files stay, and the next batch in that folder removes
    them and writes every workbook."""
    lines = [json.dumps(good(i) | {"assumptions": {"name": f"S{i}"}}) for i in range(10)]
    (tmp_path / "batch.jsonl").write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    args = ["batch", "batch.jsonl", "--out-dir", "out", "--jobs", "2"]
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSED_WORKERS, *args],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(_temporary_files(out)) < 2 and process.poll() is None:
            assert time.monotonic() < deadline, "the workers did not start writing"
            time.sleep(0.05)
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        assert len(children) == 2
    finally:
        process.kill()
        process.communicate()

    def running(pid: str) -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return False
        return state != "Z"  # a zombie has exited

    deadline = time.monotonic() + 10
    while any(running(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in children if running(pid)]
    assert len(_temporary_files(out)) == 2  # what the killed workers left half-written
    again = subprocess.run(
        [sys.executable, "-m", "crmroi_xl.cli.main", "batch", "batch.jsonl", "--out-dir", "out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert no_temporary_files(out)
    assert len([p for p in out.glob("*.xlsx") if p.stem != "portfolio-summary"]) == 10


def test_a_batch_never_writes_over_its_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "scenarios.xlsx"
    rows = [
        row_from_scenario(Scenario.model_validate(good(0))),
        row_from_scenario(
            Scenario.model_validate(good(1) | {"assumptions": {"name": "Scenarios"}})
        ),
    ]
    write_rows(rows, source)
    before = source.read_bytes()
    assert main(["batch", str(source), "--out-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == (
        f"crmroi: error: scenarios.xlsx: row 3: {source}: is the batch's input: the workbook "
        "of this scenario would replace it; rename the scenario or choose another --out-dir"
    )
    assert source.read_bytes() == before
    assert (tmp_path / "agence-ile-de-france.xlsx").is_file()


def test_a_batch_whose_summary_would_replace_its_input_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "portfolio-summary.csv"
    write_rows([row_from_scenario(Scenario.model_validate(good(0)))], source)
    before = source.read_bytes()
    assert main(["batch", str(source), "--out-dir", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        f"crmroi: error: {source}: is the batch's input: the summary would replace it; "
        "choose another --out-dir\n"
    )
    assert source.read_bytes() == before and list(tmp_path.iterdir()) == [source]


@pytest.mark.skipif(os.name != "posix", reason="SIGINT to this process")
def test_ctrl_c_during_a_batch_is_a_flag_the_loop_checks() -> None:
    """A KeyboardInterrupt raised inside concurrent.futures' wait() leaves a future's lock
    held and the shutdown hangs (seen under load); the batch turns the first Ctrl-C into
    a flag checked between tasks, and a second one interrupts at once."""
    from crmroi_xl.batch.run import interrupt_between_tasks

    before = signal.signal(signal.SIGINT, signal.default_int_handler)  # even in a background job
    with interrupt_between_tasks() as interrupted:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        assert interrupted.is_set()  # no KeyboardInterrupt raised here
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Python's again
    signal.signal(signal.SIGINT, before)
