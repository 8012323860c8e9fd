"""The UDF-backed template: committed as generated, calling only built-ins and CRM_*,
and its CRM_* formulas computing what the native formulas compute."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import FORMULAE, range_boundaries
from xlwings import server

import udfs
from crmroi_xl import load_scenario
from crmroi_xl.excel.content import formulas
from crmroi_xl.excel.fast import export_workbook
from crmroi_xl.excel.layout import Layout
from crmroi_xl.excel.workbook import export_layout, write_template
from tests.excel import call
from tests.spreadsheet import formula_cells, recalculate, same

TEMPLATES = {
    "fr": Path("workbook/crmroi-template-fr.xlsx"),
    "en": Path("workbook/crmroi-template-en.xlsx"),
}
UDF_NAMES = {f["name"] for f in server.custom_functions_meta(udfs)["functions"]}
FUNCTION = re.compile(r"([A-Z][A-Z0-9_.]*)\(")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_committed_template_is_what_crmroi_template_writes(lang: str, tmp_path: Path) -> None:
    fresh = write_template(tmp_path / "t.xlsx", lang=lang)  # type: ignore[arg-type]
    identical = TEMPLATES[lang].read_bytes() == fresh.read_bytes()  # no byte diff: too slow
    assert identical, f"regenerate with: crmroi template --lang {lang} -o {TEMPLATES[lang]}"


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


@pytest.mark.parametrize("example", sorted(Path("examples").iterdir()), ids=lambda p: p.name)
def test_every_udf_cell_computes_what_its_native_twin_computes(
    example: Path, tmp_path: Path
) -> None:
    """Every formula of the template that calls a CRM_* function, on an example's
    inputs, gives what the export's native formula gives after LibreOffice
    recalculates it -- numbers and errors alike. The CRM_* calls go through
    xlwings' call path with the arguments LibreOffice computes; the rest of the
    formula (its guards) is computed by LibreOffice too."""
    scenario = load_scenario(example)
    layout = export_layout(scenario, "en")
    native = export_workbook(scenario, tmp_path / "native.xlsx", lang="en")
    twins = [f for f in formulas(layout) if f.udf is not None and "CRM_" in f.udf]
    names = {
        name: next(iter(d.destinations))
        for name, d in openpyxl.load_workbook(native).defined_names.items()
    }
    # 1. the arguments that are expressions, computed by LibreOffice beside the cells
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
    scratch.save(tmp_path / "scratch.xlsx")
    recalculated = recalculate([native, tmp_path / "scratch.xlsx"], tmp_path)
    computed = openpyxl.load_workbook(recalculated[native], data_only=True)
    arguments = openpyxl.load_workbook(recalculated[tmp_path / "scratch.xlsx"], data_only=True)
    # 2. each CRM_* call through xlwings, its result put back in the formula
    replaced = openpyxl.load_workbook(native)
    for twin in twins:
        sheet, text = layout.sheet_name(twin.sheet), twin.udf or ""
        for start, end, name, args in reversed(_crm_calls(text)):
            values = []
            for arg in args:
                if arg in names:
                    values.append(_values(computed, *names[arg]))
                elif REFERENCE.fullmatch(arg):
                    values.append(_values(computed, sheet, arg))
                else:
                    values.append(_values(arguments, sheet, where[(sheet, arg)]))
            result = call(name.lower(), *values)
            if isinstance(result, dict):
                literal = ERRORS[result["errorType"]][1]
            else:
                assert isinstance(result, int | float), (twin.ref, result)
                literal = repr(float(result))
            text = text[:start] + literal + text[end:]
        replaced[sheet][twin.ref] = text
    replaced.save(tmp_path / "replaced.xlsx")
    final = openpyxl.load_workbook(
        recalculate([tmp_path / "replaced.xlsx"], tmp_path / "second")[tmp_path / "replaced.xlsx"],
        data_only=True,
    )
    kinds = set()
    for twin in twins:
        sheet = layout.sheet_name(twin.sheet)
        ours, theirs = final[sheet][twin.ref].value, computed[sheet][twin.ref].value
        assert same(ours, theirs), (sheet, twin.ref, twin.udf, ours, theirs)
        kinds.add(
            "error" if isinstance(theirs, str) and theirs.startswith("#") else type(theirs).__name__
        )
    assert len(twins) >= 60 and "float" in kinds
