"""A batch that scales (issue 13, items 2 and 3; issue 10 items 9 and 13; issue 9): the
same bytes whatever runs the work, the input streamed, file names in linear time, a
summary that prints as it shows."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from crmroi_xl import export_workbook, load_scenario
from crmroi_xl.batch import run as batch_module
from crmroi_xl.batch.inputs import READERS, BatchInput, open_batch, read_batch
from crmroi_xl.batch.names import FileNames, file_names
from crmroi_xl.batch.run import batch_export
from crmroi_xl.batch.workbook import HEADER_FILL, HEADER_FONT
from crmroi_xl.errors import ScenarioError
from crmroi_xl.excel.measure import text_need
from crmroi_xl.io.flatwrite import row_from_scenario, write_rows
from crmroi_xl.io.loader import DEMO_SCENARIO
from crmroi_xl.scenario.model import Scenario

from .examples import CASE_EXAMPLES
from .spreadsheet import page_scales, pdf_pages, print_pdf, scale_reference

EXAMPLES = CASE_EXAMPLES  # a workbook each (no options)


def scenarios(count: int) -> list[dict[str, Any]]:
    """``count`` scenarios from the examples (both languages, several currencies), with
    repeated names and one that fails."""
    out = []
    for i in range(count):
        data = load_scenario(EXAMPLES[i % len(EXAMPLES)]).model_dump(mode="json")
        data["assumptions"]["name"] = f"Agence {i % 7}"
        out.append(data)
    out[3]["assumptions"]["discount_rate"] = 3
    return out


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def jsonl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scale") / "batch.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in scenarios(40)), encoding="utf-8")
    return path


@pytest.mark.slow
def test_every_way_to_run_a_batch_writes_the_same_bytes(jsonl: Path, tmp_path: Path) -> None:
    """Workers writing their own files, threads, one process: the same workbooks and the
    same summaries; each workbook is the one ``export_workbook`` writes alone."""
    alone = batch_export(jsonl, tmp_path / "one")
    batch_export(jsonl, tmp_path / "two", jobs=2)
    with ThreadPoolExecutor(3) as pool:
        batch_export(jsonl, tmp_path / "threads", executor=pool)
    first = snapshot(tmp_path / "one")
    assert snapshot(tmp_path / "two") == first
    assert snapshot(tmp_path / "threads") == first
    assert [e.status for e in alone.entries].count("error") == 1
    for entry, data in zip(alone.entries, scenarios(40), strict=True):
        if entry.file is not None:
            single = export_workbook(Scenario.model_validate(data), tmp_path / "single.xlsx")
            assert first[entry.file] == single.read_bytes(), entry.file
    assert {"portfolio-summary.xlsx", "portfolio-summary.csv", "portfolio-summary.json"} <= set(
        first
    )


@pytest.mark.slow
def test_the_input_is_read_as_the_work_proceeds(
    jsonl: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scenarios are validated once each, and only a window of them is in flight."""
    validated: list[int] = []
    done = [0]
    ahead: list[int] = []
    validate = BatchInput.validate

    def counting(self: BatchInput, record: Any, lang: Any = None) -> Any:
        validated.append(record.index)
        ahead.append(len(validated) - done[0])
        return validate(self, record, lang)

    def progress(finished: int, total: int) -> None:
        done[0] = finished

    monkeypatch.setattr(BatchInput, "validate", counting)
    monkeypatch.setattr(batch_module, "MAX_CHUNK", 2)
    report = batch_export(jsonl, tmp_path / "out", jobs=2, progress=progress)
    assert validated == list(range(40))  # once each, in input order
    assert max(ahead) <= 2 * 2 * 2 + 2  # two chunks a worker, and the one being filled
    assert len(report.entries) == 40


def test_a_json_lines_file_is_cut_as_before(tmp_path: Path) -> None:
    """CRLF, blank lines, a BOM: the same line numbers as reading the text whole."""
    demo = json.dumps(load_scenario(DEMO_SCENARIO).model_dump(mode="json"))
    path = tmp_path / "batch.jsonl"
    path.write_bytes(("\ufeff" + demo + "\r\n\r\n  \r\n" + demo + "\r\n{oops").encode())
    items = read_batch(path)
    assert [(i.place, i.error is None) for i in items] == [
        ("line 1", True),
        ("line 4", True),
        ("line 5", False),
    ]


def test_a_file_not_utf8_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    demo = json.dumps(load_scenario(DEMO_SCENARIO).model_dump(mode="json"))
    for name in ("batch.jsonl", "batch.csv"):
        path = tmp_path / name
        path.write_bytes((demo + "\n").encode() * 3 + b"caf\xe9\n")
        with pytest.raises(ScenarioError, match="not UTF-8 text"):
            batch_export(path, tmp_path / "out")
        assert not (tmp_path / "out").exists()


def test_one_table_from_suffix_to_reader() -> None:
    assert sorted(READERS) == [".csv", ".json", ".jsonl", ".xlsx", ".yaml", ".yml"]
    assert READERS[".json"] is READERS[".yaml"] is READERS[".yml"]
    assert READERS[".csv"] is READERS[".xlsx"]


def test_an_unknown_suffix_lists_the_table(tmp_path: Path) -> None:
    (tmp_path / "batch.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ScenarioError) as refused:
        open_batch(tmp_path / "batch.txt")
    assert refused.value.message.endswith(
        "unsupported batch file '.txt'; use .json, .jsonl, .csv, .xlsx, .yaml, .yml "
        "or a folder of scenario files"
    )


def test_file_names_keep_a_counter_per_name() -> None:
    """20 000 equal names cost what 20 000 different ones do: no search from -2 up."""
    names = file_names(["PME"] * 5000)
    assert names[:3] == ["pme.xlsx", "pme-2.xlsx", "pme-3.xlsx"] and names[-1] == "pme-5000.xlsx"
    given = FileNames()
    assert [given.add(n) for n in ["A", "A-2", "A", "A"]] == [
        "a.xlsx",
        "a-2.xlsx",
        "a-3.xlsx",
        "a-4.xlsx",
    ]
    probes = [0]

    class Counting(set[str]):
        def __contains__(self, item: object) -> bool:
            probes[0] += 1
            return super().__contains__(item)

    counted = FileNames()
    counted._used = Counting(counted._used)  # the test looks inside
    for _ in range(2000):
        counted.add("PME")
    assert probes[0] < 3 * 2000


def test_a_worker_never_writes_over_the_input(tmp_path: Path) -> None:
    """The workers write the workbooks: they too refuse to replace the batch's input."""
    valid = [d for i, d in enumerate(scenarios(7)) if i != 3]
    rows = [row_from_scenario(Scenario.model_validate(d)) for d in valid]
    rows[4]["name"] = "Scenarios"
    source = write_rows(rows, tmp_path / "scenarios.xlsx")
    before = source.read_bytes()
    report = batch_export(source, tmp_path, jobs=2)
    assert source.read_bytes() == before
    assert [e.status for e in report.entries] == ["ok"] * 4 + ["error", "ok"]
    assert report.entries[4].error is not None
    assert report.entries[4].error.endswith(
        "is the batch's input: the workbook of this "
        "scenario would replace it; rename the scenario "
        "or choose another --out-dir"
    )


@pytest.mark.slow
def test_the_summary_prints_legibly_with_its_header(tmp_path: Path) -> None:
    """Issue 10 item 9: 9 pages for 3 rows, the chart split over two, a header row
    invisible in LibreOffice. Issue 24 item 3: one page wide, it printed at 35 %. Now the
    table prints at 60 % or more across pages, each with the header row and the scenario's
    name, the chart on one page."""
    source = tmp_path / "batch.json"
    source.write_text(json.dumps(scenarios(4)[:3]), encoding="utf-8")
    report = batch_export(source, tmp_path / "out", lang="en")
    ws = openpyxl.load_workbook(report.summary_xlsx)["Portfolio"]
    for cell in ws[1]:
        assert cell.fill.fill_type == "solid"
        assert cell.fill.fgColor.rgb == f"00{HEADER_FILL.fgColor.rgb[-6:]}"
        assert cell.font.b and cell.font.color.rgb == f"00{HEADER_FONT.color.rgb[-6:]}"
    assert ws.print_title_rows == "$1:$1" and ws.print_title_cols == "$B:$B"  # the name
    assert ws.page_setup.orientation == "landscape"
    widths = {key: ws.column_dimensions[key].width for key in "AD"}
    files = [e.file for e in report.entries if e.file]
    assert widths["D"] >= round(text_need(files), 1)  # the Workbook column: names whole
    reference = scale_reference(tmp_path)
    pdfs = print_pdf([report.summary_xlsx, reference], tmp_path)
    pages = pdf_pages(pdfs[report.summary_xlsx])
    assert "Workbook" in pages[0] and files[0] in pages[0]
    names = [e.name for e in report.entries if e.name]
    assert all(names[0] in page for page in pages[:-1])  # the table's pages, then the chart
    assert "NPV by scenario" in pages[-1] and "NPV by scenario" not in "".join(pages[:-1])
    scales = page_scales(pdfs[report.summary_xlsx], pdfs[reference])
    assert min(scales[:-1]) >= 0.6, scales
