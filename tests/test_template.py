"""The UDF-backed template: committed as generated, calling only built-ins and CRM_*,
and its CRM_* formulas computing what the native formulas compute."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import FORMULAE, range_boundaries
from xlwings import server

import udfs
from crmroi_xl import load_scenario
from crmroi_xl.engine.compute import compute
from crmroi_xl.excel.content import formulas
from crmroi_xl.excel.fast import export_workbook
from crmroi_xl.excel.headline import HEADLINES
from crmroi_xl.excel.inputs import input_values
from crmroi_xl.excel.layout import Layout
from crmroi_xl.excel.parts import Capacity, Formula
from crmroi_xl.excel.workbook import export_layout, write_template
from crmroi_xl.scenario.options import MAX_OPTIONS
from tests.excel import call
from tests.spreadsheet import formula_cells, recalculate, same

from .examples import CASE_EXAMPLES, OPTION_EXAMPLES

TEMPLATES = {
    "fr": Path("workbook/crmroi-template-fr.xlsx"),
    "en": Path("workbook/crmroi-template-en.xlsx"),
}
BLANKS = {
    "fr": Path("workbook/crmroi-blank-fr.xlsx"),
    "en": Path("workbook/crmroi-blank-en.xlsx"),
}
OPTION_TEMPLATES = {
    (lang, native): Path(f"workbook/crmroi-{'blank' if native else 'template'}-options-{lang}.xlsx")
    for lang in ("fr", "en")
    for native in (False, True)
}
UDF_NAMES = {f["name"] for f in server.custom_functions_meta(udfs)["functions"]}
FUNCTION = re.compile(r"([A-Z][A-Z0-9_.]*)\(")
EXAMPLES = [*CASE_EXAMPLES, *OPTION_EXAMPLES]  # a workbook each (options: their Comparison)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_committed_template_is_what_crmroi_template_writes(lang: str, tmp_path: Path) -> None:
    fresh = write_template(tmp_path / "t.xlsx", lang=lang)  # type: ignore[arg-type]
    identical = TEMPLATES[lang].read_bytes() == fresh.read_bytes()  # no byte diff: too slow
    assert identical, f"regenerate with: crmroi template --lang {lang} -o {TEMPLATES[lang]}"


@pytest.mark.parametrize(("lang", "native"), list(OPTION_TEMPLATES))
def test_committed_options_templates_are_what_crmroi_template_options_writes(
    lang: str, native: bool, tmp_path: Path
) -> None:
    fresh = write_template(tmp_path / "o.xlsx", lang=lang, native=native, options=True)  # type: ignore[arg-type]
    committed = OPTION_TEMPLATES[(lang, native)]
    flag = " --native" if native else ""
    assert committed.read_bytes() == fresh.read_bytes(), (
        f"regenerate with: crmroi template --options{flag} --lang {lang} -o {committed}"
    )


def test_the_options_template_has_the_comparison_through_crm_functions() -> None:
    used = {
        name
        for sheet, _, f in formula_cells(OPTION_TEMPLATES[("en", False)])
        if sheet == "Comparison"
        for name in FUNCTION.findall(f)
    }
    assert (
        {
            "CRM_NPV",
            "CRM_IRR",
            "CRM_PAYBACK",
            "CRM_INCREMENTAL_NPV",
            "CRM_INCREMENTAL_IRR",
        }
        <= used
        <= FORMULAE | UDF_NAMES
    )
    wb = openpyxl.load_workbook(OPTION_TEMPLATES[("en", False)])
    assert "In_Option" in wb.defined_names and "Tbl_Options" in wb.defined_names
    note = wb["Summary"][Layout("en").note_cell].value
    assert "workbook/crmroi-blank-options-en.xlsx" in str(note)


@pytest.mark.slow
def test_the_options_blank_with_no_option_is_todays_single_case(tmp_path: Path) -> None:
    """The options template left as one business case (``In_Option`` blank, no option
    named, every line shared) computes exactly what today's blank workbook computes
    with the same lines: its checks pass, its headline results are the engine's."""
    scenario = load_scenario("examples/b2b-150-seats.yaml")
    results = compute(scenario)
    filled = {}
    for options in (False, True):
        layout = Layout("en", Capacity(options=MAX_OPTIONS) if options else Capacity())
        path = write_template(tmp_path / f"{options}.xlsx", lang="en", native=True, options=options)
        wb = openpyxl.load_workbook(path)
        for cell, value in zip(layout.inputs, input_values(layout, scenario, results), strict=True):
            if cell.where[0] not in ("irr_guess", "simulation", "live"):
                wb[layout.sheet_name(cell.sheet)][cell.ref] = value
        wb.save(path)
        filled[options] = (layout, path)
    done = recalculate([path for _, path in filled.values()], tmp_path / "lo")
    shown = {}
    for options, (layout, path) in filled.items():
        wb = openpyxl.load_workbook(done[path], data_only=True)
        shown[options] = {
            h.name: wb[layout.sheet_name("summary")][f"B{layout.headline_row(h.key)}"].value
            for h in HEADLINES
        }
        checks = wb[layout.sheet_name("checks")]
        assert checks[f"{layout.check_col('passed')}{layout.master_check_row}"].value == 1
    assert shown[True] == shown[False]
    assert same(shown[True]["Out_NPV"], results.npv)
    assert same(shown[True]["Out_IRR"], results.irr)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_committed_blank_workbook_is_what_crmroi_template_native_writes(
    lang: str, tmp_path: Path
) -> None:
    fresh = write_template(tmp_path / "b.xlsx", lang=lang, native=True)  # type: ignore[arg-type]
    identical = BLANKS[lang].read_bytes() == fresh.read_bytes()
    assert identical, f"regenerate with: crmroi template --native --lang {lang} -o {BLANKS[lang]}"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_blank_workbook_is_the_template_in_native_formulas(lang: str, tmp_path: Path) -> None:
    """Issue 24 item 7: without Python, the templates showed #NAME? in their results. The
    blank workbook has the template's inputs and only Excel's own functions."""
    blank = write_template(tmp_path / "b.xlsx", lang=lang, native=True)  # type: ignore[arg-type]
    template = write_template(tmp_path / "t.xlsx", lang=lang)  # type: ignore[arg-type]
    used = set().union(*(set(FUNCTION.findall(f)) for _, _, f in formula_cells(blank)))
    assert used <= FORMULAE and not any(name.startswith("CRM_") for name in used)
    layout = Layout(lang)  # type: ignore[arg-type]
    a, b = openpyxl.load_workbook(blank), openpyxl.load_workbook(template)
    for cell in layout.inputs:
        name = layout.sheet_name(cell.sheet)
        assert a[name][cell.ref].value == b[name][cell.ref].value, (name, cell.ref)
    note = b[layout.sheet_name("summary")][layout.note_cell].value
    assert "CRM_*" in note and f"workbook/crmroi-blank-{lang}.xlsx" in note
    assert "CRM_*" not in str(a[layout.sheet_name("summary")][layout.note_cell].value)


@pytest.mark.slow
def test_the_blank_workbook_computes_without_python(tmp_path: Path) -> None:
    """Recalculated by LibreOffice (no CRM_* function there), its results are numbers and
    its checks pass but the one that asks for the scenario's name; the template's results
    show #NAME?."""
    layout = Layout("en")
    blank = write_template(tmp_path / "blank.xlsx", lang="en", native=True)
    template = write_template(tmp_path / "template.xlsx", lang="en")
    done = recalculate([blank, template], tmp_path)
    values, failed = {}, {}
    for key, path in (("blank", blank), ("template", template)):
        wb = openpyxl.load_workbook(done[path], data_only=True)
        checks = wb[layout.sheet_name("checks")].iter_rows(values_only=True)
        failed[key] = [row[0] for row in checks if "ERROR" in row]
        values[key] = {
            name: wb[layout.sheet_name(sheet)][address.replace("$", "")].value
            for name, (sheet, address) in layout.names.items()
            if name in ("Out_NPV", "Out_ROI", "Out_IRR", "Out_Check", "Out_Total_Costs")
        }
    assert values["blank"]["Out_NPV"] == 0 and values["blank"]["Out_Total_Costs"] == 0
    assert failed["blank"] == ["Scenario name given", "Master check"]
    assert values["template"]["Out_NPV"] == "#NAME?"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_template_calls_only_excel_built_ins_and_registered_udfs(lang: str) -> None:
    used = set().union(*(set(FUNCTION.findall(f)) for _, _, f in formula_cells(TEMPLATES[lang])))
    assert used - FORMULAE <= UDF_NAMES
    assert {
        "CRM_ROI",
        "CRM_NPV",
        "CRM_IRR",
        "CRM_PAYBACK",
        "CRM_CLV",
        "CRM_CAC",
        "CRM_ROAS",
    } <= used


def test_template_inputs_are_empty_but_for_the_defaults() -> None:
    wb = openpyxl.load_workbook(TEMPLATES["en"])
    layout = Layout("en")
    assumptions = wb[layout.sheet_name("assumptions")]
    assert assumptions["B4"].value is None  # the scenario name is the user's
    assert (assumptions["B5"].value, assumptions["B6"].value, assumptions["B7"].value) == (
        "EUR",
        3,
        0.1,
    )
    costs = wb[layout.sheet_name("costs")]
    assert all(costs[layout.costs.cell("label", i)].value is None for i in range(25))


# --- the CRM_* formulas against the native ones ---------------------------------------


def _crm_calls(formula: str) -> list[tuple[int, int, str, list[str]]]:
    """Every ``CRM_*(...)`` call of a formula: (start, end, name, argument texts)."""
    calls = []
    for match in re.finditer(r"CRM_[A-Z_]+\(", formula):
        depth, args, current, end = 0, [], "", len(formula)
        for i in range(match.end(), len(formula)):
            char = formula[i]
            if char == "(":
                depth += 1
            elif char == ")":
                if depth == 0:
                    end = i + 1
                    break
                depth -= 1
            if char == "," and depth == 0:
                args.append(current)
                current = ""
            else:
                current += char
        calls.append((match.start(), end, match.group()[:-1], [*args, current]))
    return calls


REFERENCE = re.compile(r"\$?[A-Z]{1,3}\$?\d+(:\$?[A-Z]{1,3}\$?\d+)?")
#: An Excel error as xlwings' call path returns it, and a formula that gives it.
ERRORS = {
    "Div0": ("#DIV/0!", "(1/0)"),
    "NotAvailable": ("#N/A", "NA()"),
    "Num": ("#NUM!", "SQRT(-1)"),
    "Value": ("#VALUE!", 'VALUE("x")'),
}


def _values(book: Any, sheet: str, address: str) -> list[list[Any]]:
    """A range's values as Excel sends them: a 2-D list, empty cells as ""."""
    min_col, min_row, max_col, max_row = range_boundaries(address.replace("$", ""))
    ws = book[sheet]
    return [
        ["" if (v := ws.cell(r, c).value) is None else v for c in range(min_col, max_col + 1)]
        for r in range(min_row, max_row + 1)
    ]


@dataclass
class Twins:
    """An example's export and its CRM_* twins, on their way through LibreOffice."""

    layout: Layout
    native: Path
    twins: list[Formula]
    names: dict[str, tuple[str, str]]  # defined name: (sheet, address)
    scratch: Path  # the export with the CRM_* arguments that are expressions beside the cells
    where: dict[tuple[str, str], str]  # (sheet, argument): the cell computing it in scratch
    replaced: Path = Path()  # the UDF formulas with each CRM_* call replaced by its result


def _twins(example: Path, folder: Path) -> Twins:
    """Export ``example``; put the CRM_* arguments that are expressions beside the cells,
    for LibreOffice to compute."""
    folder.mkdir()
    scenario = load_scenario(example)
    layout = export_layout(scenario, "en")
    native = export_workbook(scenario, folder / "native.xlsx", lang="en")
    twins = [f for f in formulas(layout) if f.udf is not None and "CRM_" in f.udf]
    names = {
        name: next(iter(d.destinations))
        for name, d in openpyxl.load_workbook(native).defined_names.items()
    }
    scratch = openpyxl.load_workbook(native)
    where: dict[tuple[str, str], str] = {}
    for n, (twin, (_, _, _, args)) in enumerate(
        (t, call_) for t in twins for call_ in _crm_calls(t.udf or "")
    ):
        sheet = layout.sheet_name(twin.sheet)
        for k, arg in enumerate(args):
            if arg not in names and not REFERENCE.fullmatch(arg):
                cell = f"ZZ{n * 8 + k + 1}"
                scratch[sheet][cell] = f"={arg}"
                where[(sheet, arg)] = cell
    scratch.save(folder / "scratch.xlsx")
    return Twins(layout, native, twins, names, folder / "scratch.xlsx", where)


def _replace_calls(twins: Twins, computed: Any, arguments: Any) -> Path:
    """Each CRM_* call through xlwings, with the arguments LibreOffice computed, its
    result put back in the formula."""
    replaced = openpyxl.load_workbook(twins.native)
    for twin in twins.twins:
        sheet, text = twins.layout.sheet_name(twin.sheet), twin.udf or ""
        for start, end, name, args in reversed(_crm_calls(text)):
            values = []
            for arg in args:
                if arg in twins.names:
                    values.append(_values(computed, *twins.names[arg]))
                elif REFERENCE.fullmatch(arg):
                    values.append(_values(computed, sheet, arg))
                else:
                    values.append(_values(arguments, sheet, twins.where[(sheet, arg)]))
            result = call(name.lower(), *values)
            if isinstance(result, dict):
                literal = ERRORS[result["errorType"]][1]
            else:
                assert isinstance(result, int | float), (twins.native, twin.ref, result)
                literal = repr(float(result))
            text = text[:start] + literal + text[end:]
        replaced[sheet][twin.ref] = text
    out = twins.native.with_name("replaced.xlsx")
    replaced.save(out)
    return out


@pytest.fixture(scope="module")
def twin_values(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Twins, Any, Any]]:
    """For each example: its twins, the export's values and the replaced formulas' values,
    both computed by LibreOffice (two soffice calls for all the examples)."""
    folder = tmp_path_factory.mktemp("twins")
    prepared = {e.name: _twins(e, folder / e.stem) for e in EXAMPLES}
    first = recalculate([p for t in prepared.values() for p in (t.native, t.scratch)], folder)
    computed = {}
    for name, twins in prepared.items():
        computed[name] = openpyxl.load_workbook(first[twins.native], data_only=True)
        arguments = openpyxl.load_workbook(first[twins.scratch], data_only=True)
        twins.replaced = _replace_calls(twins, computed[name], arguments)
    second = recalculate([t.replaced for t in prepared.values()], folder / "second")
    return {
        name: (
            twins,
            computed[name],
            openpyxl.load_workbook(second[twins.replaced], data_only=True),
        )
        for name, twins in prepared.items()
    }


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_udf_cell_computes_what_its_native_twin_computes(
    example: Path, twin_values: dict[str, tuple[Twins, Any, Any]]
) -> None:
    """Every formula of the template that calls a CRM_* function, on an example's
    inputs, gives what the export's native formula gives after LibreOffice
    recalculates it -- numbers and errors alike. The CRM_* calls go through
    xlwings' call path with the arguments LibreOffice computes; the rest of the
    formula (its guards) is computed by LibreOffice too."""
    twins, computed, final = twin_values[example.name]
    kinds = set()
    for twin in twins.twins:
        sheet = twins.layout.sheet_name(twin.sheet)
        ours, theirs = final[sheet][twin.ref].value, computed[sheet][twin.ref].value
        assert same(ours, theirs), (sheet, twin.ref, twin.udf, ours, theirs)
        kinds.add(
            "error" if isinstance(theirs, str) and theirs.startswith("#") else type(theirs).__name__
        )
    assert len(twins.twins) >= 60 and "float" in kinds
