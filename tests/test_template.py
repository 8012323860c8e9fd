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
from crmroi_xl.layout import Layout
from crmroi_xl.writer import build_workbook, export_workbook, save_workbook, write_template
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


def _call(args: list[str], book: Any, names: dict[str, tuple[str, str]], sheet: str) -> Any:
    """Arguments as Excel would send them: 2-D lists of the referenced cells' values."""
    out = []
    for arg in args:
        if arg in names:
            target_sheet, address = names[arg]
        elif re.fullmatch(r"\$?[A-Z]+\$?\d+(:\$?[A-Z]+\$?\d+)?", arg):
            target_sheet, address = sheet, arg
        else:
            return None  # an expression: not evaluated here
        min_col, min_row, max_col, max_row = range_boundaries(address.replace("$", ""))
        ws = book[target_sheet]
        out.append(
            [
                [
                    "" if (v := ws.cell(r, c).value) is None else v
                    for c in range(min_col, max_col + 1)
                ]
                for r in range(min_row, max_row + 1)
            ]
        )
    return out


def _crm_call(formula: str) -> tuple[str, list[str]] | None:
    start = formula.find("CRM_")
    if start < 0:
        return None
    name_end = formula.index("(", start)
    depth, args, current = 0, [], ""
    for char in formula[name_end + 1 :]:
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
        if char == "," and depth == 0:
            args.append(current)
            current = ""
        else:
            current += char
    return formula[start:name_end], [*args, current]


@pytest.mark.parametrize("example", sorted(Path("examples").iterdir()), ids=lambda p: p.name)
def test_udf_formulas_compute_what_the_native_formulas_compute(
    example: Path, tmp_path: Path
) -> None:
    scenario = load_scenario(example)
    native = export_workbook(scenario, tmp_path / "native.xlsx", lang="en")
    wb, _ = build_workbook(Layout("en"), scenario, mode="udf")
    udf_path = save_workbook(wb, tmp_path / "udf.xlsx")
    book = openpyxl.load_workbook(recalculate([native], tmp_path)[native], data_only=True)
    names = {
        name: next(iter(d.destinations))
        for name, d in openpyxl.load_workbook(native).defined_names.items()
    }
    checked = 0
    for sheet, ref, formula in formula_cells(udf_path):
        found = _crm_call(formula)
        expected = book[sheet][ref].value
        if found is None or not isinstance(expected, (int, float)):
            continue
        args = _call(found[1], book, names, sheet)
        if args is None:
            continue
        result = call(found[0].lower(), *args)
        assert same(result, expected), (sheet, ref, formula, result, expected)
        checked += 1
    assert checked >= 8
