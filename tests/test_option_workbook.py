"""A workbook holding every option of a choice (issue 22): one export, ``In_Option``
switching it natively, checked by LibreOffice against the engine for every option."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from crmroi_xl import load_scenario, read_workbook
from crmroi_xl.engine.compute import compute
from crmroi_xl.engine.montecarlo import simulate
from crmroi_xl.engine.optionbook import book_results, option_book
from crmroi_xl.engine.options import compare, option_scenario, simulate_options
from crmroi_xl.errors import WorkbookError
from crmroi_xl.excel.content import expected_values
from crmroi_xl.excel.fast import export_workbook
from crmroi_xl.excel.headline import HEADLINES
from crmroi_xl.excel.workbook import export_layout, export_workbook_openpyxl
from crmroi_xl.scenario.model import Scenario
from tests.spreadsheet import (
    after_edits,
    formula_cells,
    load_values,
    mismatches,
    pdf_pages,
    print_pdf,
    recalculate,
    recalculate_gnumeric,
    same,
)
from tests.strategies import NOT_IN_WORKBOOK, scenarios
from tests.test_reader import in_language

from .examples import OPTION_EXAMPLES

TWO_VENDORS = Path("examples/two-vendors.yaml")


def _expected(scenario: Scenario, name: str, lang: str) -> dict[tuple[str, str], Any]:
    """The engine's value of every formula cell when the workbook shows option ``name``,
    by sheet title."""
    layout = export_layout(scenario, lang)  # type: ignore[arg-type]
    book = option_book(scenario, name)
    values = expected_values(layout, book.flat, book_results(book), book=book)
    return {(layout.sheet_name(s), ref): v for (s, ref), v in after_edits(layout, values).items()}


def _switched(path: Path, name: str, target: Path) -> Path:
    """A copy of the workbook ``path`` showing option ``name`` (``In_Option`` typed)."""
    wb = openpyxl.load_workbook(path)
    ((sheet, address),) = wb.defined_names["In_Option"].destinations
    wb[sheet][address.replace("$", "")].value = name
    wb.save(target)
    return target


def _differences(
    path: Path,
    recalculated: Path,
    expected: dict[tuple[str, str], Any],
    engine: str = "LibreOffice",
) -> list[str]:
    computed = load_values(recalculated)
    out = []
    for sheet, ref, formula in formula_cells(path):
        if (sheet, ref) not in expected:
            continue
        mine, theirs = expected[(sheet, ref)], computed[sheet][ref].value
        if not same(mine, theirs):
            out.append(f"{sheet}!{ref}: engine {mine!r}, {engine} {theirs!r} ({formula})")
    return out


def test_the_options_example_is_one_workbook_byte_identical_to_openpyxl(tmp_path: Path) -> None:
    for example in OPTION_EXAMPLES:
        scenario = load_scenario(example)
        for lang in ("fr", "en"):
            fast = export_workbook(scenario, tmp_path / f"fast-{lang}.xlsx", lang=lang)
            slow = export_workbook_openpyxl(scenario, tmp_path / f"slow-{lang}.xlsx", lang=lang)
            assert fast.read_bytes() == slow.read_bytes()


def test_the_workbook_opens_on_the_best_option_with_its_lines_and_options(tmp_path: Path) -> None:
    scenario = load_scenario(TWO_VENDORS)
    path = export_workbook(scenario, tmp_path / "choice.xlsx", lang="en")
    wb = openpyxl.load_workbook(path)
    names = wb.defined_names
    ((sheet, address),) = names["In_Option"].destinations
    assert wb[sheet][address.replace("$", "")].value == compare(scenario).best == "Vendor B"
    costs = wb["Costs"]
    assert costs["B5"].value == "Option (blank\u00a0=\u00a0shared)"
    owners = [costs[f"B{r}"].value for r in range(6, 6 + 8)]
    a, b, sq = "Vendor A", "Vendor B", "Status quo"
    assert owners == [None, a, a, b, b, b, sq, sq]
    ((sheet, address),) = names["List_Options"].destinations
    listed = [c.value for (c,) in wb[sheet][address.replace("$", "")]]
    assert listed == ["Vendor A", "Vendor B", "Status quo", None, None, None]
    # cached headline results: the best option's, as compare() gives them
    best = compare(scenario).best_option.results
    values = openpyxl.load_workbook(path, data_only=True)
    ((sheet, address),) = values.defined_names["Out_NPV"].destinations
    assert math.isclose(values[sheet][address.replace("$", "")].value, best.npv, rel_tol=1e-12)


def test_a_scenario_without_options_has_no_option_column_nor_selector(tmp_path: Path) -> None:
    path = export_workbook(load_scenario("examples/b2b-150-seats.yaml"), tmp_path / "one.xlsx")
    wb = openpyxl.load_workbook(path)
    assert "In_Option" not in wb.defined_names and "List_Options" not in wb.defined_names
    assert "Option" not in str(wb.worksheets[4]["B5"].value)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_option_shown_equals_the_engine_in_libreoffice(tmp_path: Path, lang: str) -> None:
    """``In_Option`` set to each option: every formula cell of the recalculated workbook
    equals the engine's value for that option, and the headline results are
    ``compare()``'s for that option."""
    scenario = load_scenario(TWO_VENDORS)
    comparison = compare(scenario)
    path = export_workbook(scenario, tmp_path / f"choice-{lang}.xlsx", lang=lang)
    names = [o.name for o in comparison.options]
    switched = {n: _switched(path, n, tmp_path / f"{lang}-{k}.xlsx") for k, n in enumerate(names)}
    recalculated = recalculate([*switched.values()], tmp_path / "lo")
    for option in comparison.options:
        copy = switched[option.name]
        expected = _expected(scenario, option.name, lang)
        assert _differences(path, recalculated[copy], expected) == [], option.name
        wb = openpyxl.load_workbook(recalculated[copy], data_only=True)
        for h in HEADLINES:
            value = h.evaluate(option.results)[0]
            if h.name == "Out_Check":
                value = "OK"  # every check passes
            ((sheet, address),) = wb.defined_names[h.name].destinations
            shown = wb[sheet][address.replace("$", "")].value
            assert same(shown, "#N/A" if value is None else value), (option.name, h.name)


def _differing(a: Any, b: Any, path: str = "") -> list[str]:
    """Where two dumps differ (paths, the first few)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in a for d in _differing(a[k], b.get(k), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in _differing(x, y, f"{path}[{i}]")
        ]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def _same_choice(read: Scenario, scenario: Scenario) -> None:
    """Every option's results (and the comparison's) of ``read`` are ``scenario``'s."""
    differences = _differing(compare(read).model_dump(), compare(scenario).model_dump())
    assert differences == [], (differences[:5], read.options, scenario.options)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_export_then_read_gives_every_option_back(tmp_path: Path, lang: str) -> None:
    scenario = load_scenario(TWO_VENDORS)
    path = export_workbook(scenario, tmp_path / "x.xlsx", lang=lang)  # type: ignore[arg-type]
    read = read_workbook(path)
    assert read.options is not None
    assert [(o.name, o.description) for o in read.options] == [
        (o.name, o.description) for o in scenario.options or []
    ]
    assert [len(o.costs) for o in read.options] == [2, 3, 2] and len(read.costs) == 1
    assert read.baseline == "Status quo" and read.options[1].cost_risk == 0.05
    _same_choice(read, in_language(scenario, lang))
    # what a user types: a line moved to another option, a status quo named so
    wb = openpyxl.load_workbook(path)
    costs = wb[export_layout(scenario, lang).sheet_name("costs")]  # type: ignore[arg-type]
    costs["B8"] = "Vendor B"  # Vendor A's implementation, now B's
    wb.save(tmp_path / "moved.xlsx")
    moved = read_workbook(tmp_path / "moved.xlsx")
    assert moved.options[1].costs[0].label == "Vendor A implementation"  # in table order
    assert len(moved.options[0].costs) == 1


def test_an_option_column_naming_no_option_is_one_clear_line(tmp_path: Path) -> None:
    path = export_workbook(load_scenario(TWO_VENDORS), tmp_path / "x.xlsx", lang="en")
    wb = openpyxl.load_workbook(path)
    wb["Costs"]["B7"] = "Vendor Z"
    wb.save(tmp_path / "z.xlsx")
    with pytest.raises(WorkbookError) as error:
        read_workbook(tmp_path / "z.xlsx")
    (line,) = str(error.value).splitlines()
    assert "Costs!B7" in line and "'Vendor Z' is not in the options block" in line
    assert "Vendor A, Vendor B, Status quo" in line


def test_a_second_option_marked_as_the_baseline_is_one_clear_line(tmp_path: Path) -> None:
    """The scenario has one status quo: two baselines are refused (the reader used to
    take the first, while the workbook showed the second as a baseline too)."""
    scenario = load_scenario(TWO_VENDORS)
    path = export_workbook(scenario, tmp_path / "x.xlsx", lang="fr")
    layout = export_layout(scenario, "fr")
    wb = openpyxl.load_workbook(path)
    vendor_a = f"{layout.option_col('baseline')}{layout.option_row(0)}"
    wb["Hypothèses"][vendor_a] = "Oui"  # the status quo's row says Oui already
    wb.save(tmp_path / "two.xlsx")
    with pytest.raises(WorkbookError) as error:
        read_workbook(tmp_path / "two.xlsx")
    (line,) = str(error.value).splitlines()
    assert "Hypothèses!C" in line and "plus d'une option marquée comme référence" in line


@pytest.mark.slow
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(
    data=scenarios(leave=NOT_IN_WORKBOOK, options=True).filter(lambda d: bool(d.get("options"))),
    lang=st.sampled_from(["fr", "en"]),
)
def test_round_trip_of_generated_choices(
    data: dict[str, Any], lang: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    scenario = Scenario.model_validate(data)
    folder = tmp_path_factory.mktemp("choice")
    path = export_workbook(scenario, folder / "x.xlsx", lang=lang)  # type: ignore[arg-type]
    _same_choice(read_workbook(path), in_language(scenario, lang))


def test_an_option_with_an_empty_adoption_reads_back_as_the_engine_fills_it(
    tmp_path: Path,
) -> None:
    """``adoption: []`` is not "the scenario's" (a blank row): the engine's filled ramp-up
    is written, so the option read back computes alike (found by hypothesis)."""
    line = {"label": "Gain", "category": "cost_reduction", "amount_per_year": 100}
    scenario = Scenario.model_validate(
        {
            "assumptions": {"name": "x", "horizon_years": 3, "adoption": [0.5, 0.8]},
            "options": [{"name": "A", "adoption": [], "benefits": [line]}, {"name": "B"}],
        }
    )
    read = read_workbook(export_workbook(scenario, tmp_path / "x.xlsx"))
    _same_choice(read, in_language(scenario, "fr"))


@pytest.mark.slow
def test_the_workbook_of_options_matches_gnumeric(tmp_path: Path) -> None:
    scenario = load_scenario(TWO_VENDORS)
    paths = [
        export_workbook(scenario, tmp_path / f"choice-{lang}.xlsx", lang=lang)  # type: ignore[arg-type]
        for lang in ("fr", "en")
    ]
    switched = _switched(paths[1], "Vendor A", tmp_path / "vendor-a.xlsx")
    recalculated = recalculate_gnumeric([*paths, switched], tmp_path)
    for path in paths:
        assert mismatches(path, recalculated[path], "Gnumeric") == []
    expected = _expected(scenario, "Vendor A", "en")
    assert _differences(paths[1], recalculated[switched], expected, "Gnumeric") == []


@pytest.mark.slow
def test_after_edits_the_workbook_still_equals_the_engine(tmp_path: Path) -> None:
    """A line's amount edited: every formula cell of the recalculated workbook equals the
    engine on the scenario read back from the edited file (the option shown). A line
    then moved to another option (its Option cell): the Summary and the Comparison
    sheet still equal the engine (the lines' rows keep the table's order, which the
    scenario read back lays out anew: option by option)."""
    scenario = load_scenario(TWO_VENDORS)
    path = export_workbook(scenario, tmp_path / "choice.xlsx", lang="en")
    layout = export_layout(scenario, "en")
    wb = openpyxl.load_workbook(path)
    wb["Costs"][layout.costs.cell("one_off", 2)] = 40_000  # Vendor A's implementation
    wb.save(tmp_path / "amount.xlsx")
    wb["Costs"][layout.costs.cell("option", 5)] = "Vendor A"  # the migration: now A's
    wb.save(tmp_path / "moved.xlsx")
    edited = [tmp_path / "amount.xlsx", tmp_path / "moved.xlsx"]
    recalculated = recalculate(edited, tmp_path / "lo")
    read = read_workbook(edited[0])
    expected = _expected(read, "Vendor B", "en")
    assert _differences(path, recalculated[edited[0]], expected) == []
    moved = read_workbook(edited[1])
    assert [len(o.costs) for o in moved.options or []] == [3, 2, 2]
    expected = {
        key: value
        for key, value in _expected(moved, "Vendor B", "en").items()
        if key[0] in ("Summary", "Comparison")
    }
    assert _differences(path, recalculated[edited[1]], expected) == []
    values = openpyxl.load_workbook(recalculated[edited[1]], data_only=True)["Comparison"]
    npvs = [values[layout.comparison.cell("npv", k)].value for k in range(3)]
    assert npvs == pytest.approx([o.results.npv for o in compare(moved).options], rel=1e-9)


def test_the_live_simulation_of_the_option_shown_is_the_options_monte_carlo() -> None:
    """The Simulation sheet draws each uncertain line of the table in its place (the
    workbook of options lays out every option's lines): for the option shown, run by
    run, the NPVs of the options' one Monte Carlo (common random numbers: a shared line
    has the same draw in every option)."""
    scenario = load_scenario(TWO_VENDORS)
    runs = scenario.assumptions.workbook_runs
    options = scenario.options or []
    results = [compute(option_scenario(scenario, o.name)) for o in options]
    draws = simulate_options(scenario, results, runs=runs)
    for k, option in enumerate(options):
        book = option_book(scenario, option.name)
        live = simulate(book.flat, runs=runs, results=book_results(book))
        assert live.npv_runs.tolist() == draws.npv[:, k].tolist(), option.name


def test_a_bad_value_on_an_options_line_names_its_cell(tmp_path: Path) -> None:
    """The model checks an option's lines where the scenario has them (options[k].costs[j]);
    the message names the cell of the table the line is on."""
    scenario = load_scenario(TWO_VENDORS)
    path = export_workbook(scenario, tmp_path / "x.xlsx", lang="en")
    layout = export_layout(scenario, "en")
    wb = openpyxl.load_workbook(path)
    cell = layout.costs.cell("one_off", 4)  # Vendor B's implementation
    wb["Costs"][cell] = -5  # the sheet's validation would refuse it; a paste does not
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(WorkbookError) as error:
        read_workbook(tmp_path / "bad.xlsx")
    (line,) = str(error.value).splitlines()
    assert f"Costs!{cell}:" in line and "Traceback" not in line


@pytest.mark.slow
def test_the_comparisons_irrs_stay_true_after_edits_that_move_them_far(tmp_path: Path) -> None:
    """The Comparison's IRR and incremental IRR are the Summary's (Newton from 10 %, from
    the point the sheet's own search locates, from the start written at export): after
    edits that move them far from the export's start, LibreOffice and Gnumeric show the
    engine's IRRs of the scenario read back (the benefits' hourly rate 50 -> 10 puts
    Vendor A's IRR at about -36 %, where Newton from 10 % or the stale start fails)."""
    scenario = load_scenario(TWO_VENDORS)
    path = export_workbook(scenario, tmp_path / "choice.xlsx", lang="en")
    layout = export_layout(scenario, "en")
    edits = {
        "benefits": ("Benefits", layout.benefits.cell("hourly_rate", 0), 10),
        "vendor_a": ("Costs", layout.costs.cell("one_off", 2), 125_000),  # implementation x5
    }
    edited = []
    for name, (sheet, cell, value) in edits.items():
        wb = openpyxl.load_workbook(path)
        wb[sheet][cell] = value
        wb.save(tmp_path / f"{name}.xlsx")
        edited.append(tmp_path / f"{name}.xlsx")
    recalculated = [recalculate(edited, tmp_path / "lo"), recalculate_gnumeric(edited, tmp_path)]
    for copy in edited:
        options = compare(read_workbook(copy)).options
        assert options[0].results.irr is not None
        for by in recalculated:
            values = load_values(by[copy])["Comparison"]
            for k, option in enumerate(options):
                for key, engine in (
                    ("irr", option.results.irr),
                    ("incremental_irr", option.incremental_irr),
                ):
                    shown = values[layout.comparison.cell(key, k)].value
                    if option.baseline and key == "incremental_irr":
                        assert shown in (None, ""), (copy.name, option.name)
                    else:
                        expected = "#N/A" if engine is None else engine
                        assert same(shown, expected), (copy.name, option.name, key, shown)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_option_shown_is_one_check_line_and_a_reader_warning(tmp_path: Path, lang: str) -> None:
    """``In_Option`` cleared: the workbook shows the shared lines only (numbers, the
    single case of those lines, not #N/A); typed as no option: #N/A. Either way the
    Checks sheet says so on its own line, the master check is not OK, and the reader
    warns naming the cell."""
    scenario = load_scenario(TWO_VENDORS)
    path = export_workbook(scenario, tmp_path / "x.xlsx", lang=lang)  # type: ignore[arg-type]
    layout = export_layout(scenario, lang)  # type: ignore[arg-type]
    edited = {"": tmp_path / "blank.xlsx", "Vendor Z": tmp_path / "z.xlsx"}
    for typed, target in edited.items():
        _switched(path, typed or None, target)  # type: ignore[arg-type]
    recalculated = recalculate([*edited.values()], tmp_path / "lo")
    shared = scenario.model_copy(update={"options": None, "status_quo": None})
    where = f"{layout.sheet_name('sensitivity')}!B{layout.option_selector_row}"
    error = "ERREUR" if lang == "fr" else "ERROR"
    for typed, target in edited.items():
        wb = openpyxl.load_workbook(recalculated[target], data_only=True)
        checks = wb[layout.sheet_name("checks")]
        title = checks[layout.check_cell("option_shown", "title")].value
        assert "In_Option" in title
        assert checks[layout.check_cell("option_shown", "passed")].value == 0
        assert checks[layout.check_cell("option_shown", "status")].value == error
        assert checks[f"{layout.check_col('passed')}{layout.master_check_row}"].value == 0
        ((sheet, address),) = wb.defined_names["Out_NPV"].destinations
        npv = wb[sheet][address.replace("$", "")].value
        if typed:
            assert npv == "#N/A"
        else:
            assert same(npv, compute(shared).npv)
        warnings: list[str] = []
        read = read_workbook(target, warnings=warnings)
        assert read.options is not None and len(read.options) == 3
        (line,) = warnings
        assert where in line and "Vendor A, Vendor B, Status quo" in line
        assert ("Vendor Z" in line) == bool(typed)


def _comparison_chart_series(path: Path) -> int:
    """The series of the chart of the cumulative net flows (the Comparison's)."""
    with zipfile.ZipFile(path) as archive:
        charts = [archive.read(n).decode() for n in archive.namelist() if "charts/chart" in n]
    (found,) = [c for c in charts if "'Comparison'!$B$" in c or "Comparison!$B$" in c]
    return found.count("<ser>")


def test_the_comparison_chart_has_a_line_an_option_and_no_blank_legend(tmp_path: Path) -> None:
    """Three options: three lines on the chart (no legend entry for the empty slots),
    in both exporters alike; the printed areas are the table and the chart."""
    scenario = load_scenario(TWO_VENDORS)
    path = export_workbook(scenario, tmp_path / "x.xlsx", lang="en")
    assert _comparison_chart_series(path) == 3
    slow = export_workbook_openpyxl(scenario, tmp_path / "y.xlsx", lang="en")
    assert slow.read_bytes() == path.read_bytes()
    two = scenario.model_copy(update={"options": (scenario.options or [])[:2], "status_quo": None})
    assert _comparison_chart_series(export_workbook(two, tmp_path / "two.xlsx")) == 2
    layout = export_layout(scenario, "en")
    sheet = openpyxl.load_workbook(path)["Comparison"]
    last = layout.comparison.row("adoption_10")
    assert sheet.print_area == f"'Comparison'!$A$1:$T${last}"
    assert [b.id for b in sheet.col_breaks.brk] == [9]  # the chart from column J


@pytest.mark.slow
def test_the_comparison_prints_its_table_on_one_page_and_its_chart_on_another(
    tmp_path: Path,
) -> None:
    scenario = load_scenario(TWO_VENDORS)
    path = export_workbook(scenario, tmp_path / "x.xlsx", lang="en")
    pages = [p for p in pdf_pages(print_pdf([path], tmp_path)[path]) if "Comparison" in p[-300:]]
    assert len(pages) == 2
    table, chart = pages
    assert "Options compared" in table and "Rank by NPV" in table
    assert "Adoption year 10" in table and "Cumulative net flow" not in table
    assert "Cumulative net flow" in chart and "Vendor A" in chart and "Status quo" in chart
    assert not any("Net flow less the baseline" in p or "halvings" in p for p in pages)
