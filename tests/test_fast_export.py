"""The fast exporter writes the workbook openpyxl writes, byte for byte, and writes it safely.

``export_workbook`` (crmroi_xl.skeleton: a skeleton saved once by openpyxl, a
scenario's cells filled in as strings) against ``export_workbook_openpyxl``
(the whole workbook built and saved by openpyxl, cell by cell): the same bytes
for the examples in French and English, for generated scenarios, for tables
longer than the default, for texts that XML or a spreadsheet would misread, in
several currencies. The LibreOffice oracle of test_writer.py then vouches for
both. Then: threads and processes exporting at once, and failed writes.
"""

from __future__ import annotations

import io
import multiprocessing
import re
import threading
import tomllib
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml.etree import Element, xmlfile  # type: ignore[import-untyped]
from openpyxl.worksheet._writer import WorksheetWriter

from crmroi_xl import load_scenario, read_workbook
from crmroi_xl.errors import CrmRoiError, InternalError
from crmroi_xl.excel import fast as fast_module
from crmroi_xl.excel.content import formulas
from crmroi_xl.excel.fast import (
    cache_info,
    cached_xml,
    clear_caches,
    escape,
    export_workbook,
    input_xml,
    workbook_bytes,
)
from crmroi_xl.excel.layout import Layout
from crmroi_xl.excel.package import OPENPYXL_RELEASES, check_openpyxl
from crmroi_xl.excel.parts import Capacity
from crmroi_xl.excel.workbook import export_layout, export_workbook_openpyxl
from crmroi_xl.scenario.model import Scenario
from tests.strategies import scenarios

from .examples import CASE_EXAMPLES

EXAMPLES = CASE_EXAMPLES  # a workbook each (no options)
XML_NS = "http://www.w3.org/XML/1998/namespace"


def reference_bytes(scenario: Scenario, folder: Path, lang: Any = None) -> bytes:
    """The workbook as openpyxl builds and saves it."""
    return export_workbook_openpyxl(scenario, folder / "reference.xlsx", lang=lang).read_bytes()


def first_difference(fast: bytes, slow: bytes) -> str:
    """Where two workbooks differ: the part and the text around it (for the message)."""
    a, b = zipfile.ZipFile(io.BytesIO(fast)), zipfile.ZipFile(io.BytesIO(slow))
    if a.namelist() != b.namelist():
        return f"parts {a.namelist()} != {b.namelist()}"
    for name in a.namelist():
        x, y = a.read(name), b.read(name)
        if x != y:
            at = next((i for i, (p, q) in enumerate(zip(x, y, strict=False)) if p != q), None)
            at = min(len(x), len(y)) if at is None else at
            return f"{name} at {at}: {x[at - 80 : at + 80]!r} != {y[at - 80 : at + 80]!r}"
    return "same parts, different zip"


def assert_same_workbook(scenario: Scenario, folder: Path, lang: Any = None) -> bytes:
    fast = export_workbook(scenario, folder / "fast.xlsx", lang=lang).read_bytes()
    slow = reference_bytes(scenario, folder, lang)
    assert fast == slow, first_difference(fast, slow)
    return fast


# --- the same bytes ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_examples_are_byte_identical_to_openpyxl(example: Path, lang: str, tmp_path: Path) -> None:
    assert_same_workbook(load_scenario(example), tmp_path, lang)


currencies = st.sampled_from(["EUR", "EUR", "USD", "CHF"])


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=scenarios(), lang=st.sampled_from([None, "fr", "en"]), currency=currencies)
def test_generated_scenarios_are_byte_identical_to_openpyxl(
    data: dict[str, Any], lang: Any, currency: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    data["assumptions"]["currency"] = currency
    scenario = Scenario.model_validate(data)
    assert_same_workbook(scenario, tmp_path_factory.mktemp("generated"), lang)


def _big(default: int) -> int:
    return default + 3


def test_tables_longer_than_the_default_are_byte_identical(tmp_path: Path) -> None:
    default = Capacity()
    scenario = Scenario.model_validate(
        {
            "assumptions": {"name": "Grand groupe", "horizon_years": 7},
            "costs": [
                {"label": f"Coût {i}", "category": "other", "one_off": 100 * i}
                for i in range(_big(default.costs))
            ],
            "benefits": [
                {"label": f"Gain {i}", "category": "cost_reduction", "amount_per_year": 50 * i}
                for i in range(_big(default.benefits))
            ],
            "kpis": [
                {"kind": "win_rate", "before": 0.1, "after": 0.1 + i / 100}
                for i in range(_big(default.kpis))
            ],
            "channels": [
                {"name": f"Canal {i}", "spend": 10 + i, "attributed_revenue": 30 * i}
                for i in range(_big(default.channels))
            ],
        }
    )
    fast = assert_same_workbook(scenario, tmp_path)
    wb = openpyxl.load_workbook(io.BytesIO(fast))
    layout = Layout("fr", Capacity.for_counts(28, 23, 18, 15))
    last = layout.costs.cell("label", 27)
    assert wb[layout.sheet_name("costs")][last].value == "Coût 27"


#: Texts XML escapes, a spreadsheet would read as formulas, or that widen their column.
AWKWARD = [
    'R&D <interne> "devis" l\'équipe',
    "  espaces autour  ",
    "\tTabulation, saut\nde ligne et retour\r chariot",
    "Équipe très motivée — çà et là, œuvre",
    "Emoji 🚀📈 et 中文 et العربية",
    "=SUM(A1:A3)",
    "+33 1 23 45 67 89",
    "-10 % de churn",
    "@mention",
    "#N/A",
    "]]> CDATA end, &amp; already escaped",
    "W" * 30 + " wide glyphs widen the column",
    "Un libellé très long " * 9,  # 189 characters: the column stops at its cap
]


def awkward_scenario(texts: list[str], lang: str = "fr") -> Scenario:
    return Scenario.model_validate(
        {
            "assumptions": {"name": texts[0], "language": lang, "horizon_years": 5},
            "costs": [
                {"label": text, "category": "support", "amount_per_year": 1000 + i}
                for i, text in enumerate(texts)
            ],
            "benefits": [
                {"label": text, "category": "productivity", "amount_per_year": 5000 + i}
                for i, text in enumerate(texts)
            ],
            "kpis": [
                {"kind": "custom", "label": text, "before": i, "after": i + 1}
                for i, text in enumerate(texts)
            ],
            "channels": [
                {"name": text, "spend": 100 + i, "attributed_revenue": 500}
                for i, text in enumerate(texts)
            ],
        }
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_awkward_texts_are_byte_identical_and_stay_text(lang: str, tmp_path: Path) -> None:
    scenario = awkward_scenario(AWKWARD, lang)
    fast = assert_same_workbook(scenario, tmp_path)
    wb = openpyxl.load_workbook(io.BytesIO(fast))
    layout = Layout(lang, Capacity())  # type: ignore[arg-type]
    for i, text in enumerate(AWKWARD):
        for table, key in (
            (layout.costs, "label"),
            (layout.benefits, "label"),
            (layout.kpis, "label"),
            (layout.channels, "name"),
        ):
            cell = wb[layout.sheet_name(table.sheet)][table.cell(key, i)]
            assert (cell.data_type, cell.value) == ("s", text)
    assert read_workbook(tmp_path / "fast.xlsx") == scenario


@pytest.mark.parametrize("text", AWKWARD)
def test_one_awkward_text_alone_is_byte_identical(text: str, tmp_path: Path) -> None:
    assert_same_workbook(awkward_scenario([text]), tmp_path)


# --- values written as openpyxl (lxml) writes them -----------------------------------------

xml_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]).filter(
        lambda c: c in "\t\n\r" or (c >= " " and c not in "\ufffe\uffff")
    )
)


def lxml_text(text: str, attrs: dict[str, str] | None = None) -> str:
    """How lxml writes ``<t>text</t>`` in an ASCII document, as openpyxl does."""
    out = io.BytesIO()
    with xmlfile(out) as xf:
        element = Element("t", attrs or {})
        element.text = text
        xf.write(element)
    return out.getvalue().decode("ascii")


@settings(max_examples=300)
@given(text=xml_text)
def test_escape_writes_what_lxml_writes(text: str) -> None:
    assert f"<t>{escape(text)}</t>" == lxml_text(text)


@settings(max_examples=200)
@given(text=xml_text.filter(bool))
def test_an_input_text_is_written_as_openpyxl_writes_it(text: str) -> None:
    space = {f"{{{XML_NS}}}space": "preserve"} if text != text.strip() else None
    assert input_xml(text) == f' t="inlineStr"><is>{lxml_text(text, space)}</is></c>'


@pytest.mark.parametrize(
    ("value", "xml"),
    [
        (None, ' t="n"></c>'),
        (0.1, ' t="n"><v>0.1</v></c>'),
        (1 / 3, ' t="n"><v>0.3333333333333333</v></c>'),
        (20.0, ' t="n"><v>20.0</v></c>'),
        (2026, ' t="n"><v>2026</v></c>'),
        (True, ' t="b"><v>1</v></c>'),
        ("", ' t="inlineStr"></c>'),
    ],
)
def test_input_values_are_written_as_openpyxl_writes_them(value: Any, xml: str) -> None:
    assert input_xml(value) == xml


def test_illegal_characters_are_refused_like_openpyxl() -> None:
    from openpyxl.utils.exceptions import IllegalCharacterError

    with pytest.raises(IllegalCharacterError):
        input_xml("bell \x07")
    with pytest.raises(ValueError, match="XML compatible"):
        escape("\ufffe")


@pytest.mark.parametrize(
    ("value", "xml"),
    [
        (0.1, ("", "0.1")),
        (3, ("", "3")),
        (True, (' t="b"', "1")),
        ("#DIV/0!", (' t="e"', "#DIV/0!")),
        ("", (' t="str"', "")),
        ("Oui & ▲", (' t="str"', "Oui &amp; &#9650;")),
        (None, ("", "")),
    ],
)
def test_cached_values_are_written_as_the_reference_writes_them(value: Any, xml: Any) -> None:
    assert cached_xml(value) == xml


# --- caches, threads and processes ------------------------------------------------------


def test_the_skeleton_is_built_once_per_kind_of_workbook(tmp_path: Path) -> None:
    clear_caches()
    data = load_scenario("examples/pme-20-postes.yaml").model_dump(mode="json")
    # the charts follow the horizon in the workbook: only a channel more changes them
    for name, horizon, channels in (("A", 3, 0), ("B", 6, 0), ("C", 3, 1)):
        data["assumptions"].update(name=name, horizon_years=horizon)
        data["channels"] = [{"name": "Ads", "spend": 100}] * channels
        export_workbook(Scenario.model_validate(data), tmp_path / f"{name}.xlsx")
    info = cache_info()
    assert (info["skeletons"].misses, info["skeletons"].currsize) == (1, 1)
    assert (info["packages"].misses, info["packages"].hits) == (2, 1)


def test_a_layout_with_two_formulas_in_one_cell_is_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The skeleton's invariant holds under ``python -O`` too: a project error, not an
    assert, names the defect."""

    def doubled(layout: Layout) -> list[Any]:
        return [*formulas(layout), formulas(layout)[0]]

    clear_caches()
    monkeypatch.setenv("CRMROI_CACHE_DIR", "off")  # built here, not read from the disk
    monkeypatch.setattr(fast_module, "formulas", doubled)
    scenario = load_scenario("examples/pme-20-postes.yaml")
    with pytest.raises(InternalError, match="two formula cells at one address") as raised:
        export_workbook(scenario, tmp_path / "x.xlsx")
    assert raised.value.reason == "internal" and raised.value.excel_error == "#VALUE!"
    monkeypatch.undo()
    clear_caches()  # no skeleton of the doubled layout left for the next tests
    assert read_workbook(export_workbook(scenario, tmp_path / "x.xlsx")) == scenario


def _varied(count: int) -> list[Scenario]:
    """Scenarios of other languages, currencies, horizons, channels and table sizes."""
    base = load_scenario("examples/marketing-channels.json").model_dump(mode="json")
    out = []
    for i in range(count):
        data = {**base, "assumptions": dict(base["assumptions"])}
        data["assumptions"].update(
            name=f"Scénario {i} & <co>",
            language=("fr", "en")[i % 2],
            currency=("EUR", "USD", "GBP")[i % 3],
            horizon_years=1 + i % 10,
            adoption=base["assumptions"]["adoption"][: 1 + i % 10],
        )
        data["channels"] = base["channels"][: i % (len(base["channels"]) + 1)]
        if i % 4 == 3:
            data["costs"] = base["costs"] * 12  # more lines than the default table
        out.append(Scenario.model_validate(data))
    return out


@pytest.mark.slow
def test_threads_exporting_at_once_write_the_reference_workbooks(tmp_path: Path) -> None:
    scenarios_ = _varied(12)
    expected = [reference_bytes(s, tmp_path) for s in scenarios_]
    clear_caches()  # the threads race to build the skeletons too
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def work(k: int) -> None:
        try:
            start.wait()
            for i in range(k, len(scenarios_), 6):
                path = export_workbook(scenarios_[i], tmp_path / f"t{i}.xlsx")
                results[i] = path.read_bytes()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [results[i] == expected[i] for i in range(len(scenarios_))] == [True] * len(scenarios_)


def _pool(jobs: int) -> ProcessPoolExecutor:
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method))


@pytest.mark.slow
def test_processes_exporting_at_once_write_the_reference_workbooks(tmp_path: Path) -> None:
    scenarios_ = _varied(8)
    expected = [reference_bytes(s, tmp_path) for s in scenarios_]
    with _pool(2) as pool:
        produced = list(pool.map(workbook_bytes, scenarios_))
    assert [p == e for p, e in zip(produced, expected, strict=True)] == [True] * len(expected)


def _export_many(path: str, scenario: Scenario, times: int) -> None:
    for _ in range(times):
        export_workbook(scenario, path)


@pytest.mark.slow
def test_writers_racing_on_one_file_leave_one_whole_workbook(tmp_path: Path) -> None:
    target = tmp_path / "shared.xlsx"
    first, second = _varied(2)
    with _pool(2) as pool:
        jobs = [pool.submit(_export_many, str(target), s, 15) for s in (first, second)]
        threads = [
            threading.Thread(target=_export_many, args=(str(target), s, 15))
            for s in (first, second)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for job in jobs:
            job.result()
    assert target.read_bytes() in (workbook_bytes(first), workbook_bytes(second))
    assert [p.name for p in tmp_path.iterdir()] == ["shared.xlsx"]  # no temporary file left


# --- failures leave the previous file alone ---------------------------------------------

EXPORTS: dict[str, Callable[..., Path]] = {
    "fast": export_workbook,
    "openpyxl": export_workbook_openpyxl,
}


def _fail(*args: object, **kwargs: object) -> None:
    raise OSError("disk full")


@pytest.mark.parametrize("export", EXPORTS.values(), ids=list(EXPORTS))
@pytest.mark.parametrize(
    "broken",
    ["zipfile.ZipFile.writestr", "os.replace", "os.chmod"],
    ids=["while zipping", "while renaming", "before renaming"],
)
def test_a_failed_export_leaves_the_existing_file_untouched(
    export: Callable[..., Path], broken: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = load_scenario("examples/pme-20-postes.yaml")
    export(scenario, tmp_path / "warm.xlsx")  # the skeleton is cached: the failure is in the write
    (tmp_path / "warm.xlsx").unlink()
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"previous work")
    monkeypatch.setattr(broken, _fail)
    with pytest.raises((CrmRoiError, OSError), match="disk full") as raised:
        export(scenario, target)
    if isinstance(raised.value, CrmRoiError):  # the fast path zips in memory, then writes
        assert raised.value.message == f"{target}: cannot be written (disk full)"
    assert target.read_bytes() == b"previous work"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]


def test_a_missing_folder_is_one_clear_error(tmp_path: Path) -> None:
    scenario = load_scenario("examples/pme-20-postes.yaml")
    with pytest.raises(CrmRoiError, match="cannot write in"):
        export_workbook(scenario, tmp_path / "missing" / "x.xlsx")


def test_the_openpyxl_pin_is_the_release_the_writer_accepts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pyproject.toml's openpyxl requirement is the one crmroi_xl/excel/package.py checks
    at import: every 3.1 release, nothing else."""
    project = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert OPENPYXL_RELEASES in project["dependencies"]
    for accepted in ("3.1.0", "3.1.5", openpyxl.__version__):
        check_openpyxl(accepted)
    for refused in ("3.0.10", "3.2.0", "4.0", "unknown"):
        with pytest.raises(ImportError, match=re.escape(f"pip install '{OPENPYXL_RELEASES}'")):
            check_openpyxl(refused)
    monkeypatch.setattr(WorksheetWriter, "write_row", lambda self, xf, row: None)
    with pytest.raises(ImportError, match=r"WorksheetWriter\.write_row changed"):
        check_openpyxl()


def test_every_part_is_deflated_at_the_chosen_level(tmp_path: Path) -> None:
    """Issue 25, item 2: the level is chosen (``DEFLATE_LEVEL``, measured by
    ``benchmarks/bench_deflate.py``), not zlib's default 6, by both writers."""
    import zlib

    from crmroi_xl.excel.workbook import export_workbook_openpyxl
    from crmroi_xl.excel.zipped import DEFLATE_LEVEL
    from crmroi_xl.io.loader import DEMO_SCENARIO

    assert DEFLATE_LEVEL == 1
    scenario = load_scenario(DEMO_SCENARIO)
    for path in (
        fast_module.export_workbook(scenario, tmp_path / "fast.xlsx"),
        export_workbook_openpyxl(scenario, tmp_path / "reference.xlsx"),
    ):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                compressor = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
                data = archive.read(info)
                assert info.compress_size == len(compressor.compress(data) + compressor.flush())


def test_the_simulation_runs_are_shared_formulas_read_back_cell_by_cell(tmp_path: Path) -> None:
    """The runs' formulas are written once per column (``<f t="shared">``); openpyxl
    reads each cell's formula back moved to its row: the layout's formula of that cell."""
    from crmroi_xl.io.loader import DEMO_SCENARIO

    scenario = load_scenario(DEMO_SCENARIO)
    path = export_workbook(scenario, tmp_path / "demo.xlsx")
    with zipfile.ZipFile(path) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/s")]
    followers = sum(xml.count(b'<f t="shared" si="') for xml in sheets)
    assert followers > 10_000  # some 14 000 run cells, a formula written once per column
    wb = openpyxl.load_workbook(path)
    layout = export_layout(scenario)
    cells = [f for f in formulas(layout) if f.sheet == "simulation"]
    ws = wb[layout.sheet_name("simulation")]
    assert len(cells) > 10_000
    assert [ws[f.ref].value for f in cells] == [f.native for f in cells]
