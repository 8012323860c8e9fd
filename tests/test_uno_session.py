"""The UNO harness itself: each edit does in LibreOffice what a user's does."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from crmroi_xl.excel.package import save_workbook
from tests.spreadsheet import load_values
from tests.uno_session import UnoError, UnoSession

pytestmark = pytest.mark.slow  # LibreOffice


def _grid(folder: Path) -> Path:
    """Sheet "S": labels in A1:A4, numbers in B1:B4, C = B doubled, C5 their total."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for row, (name, number) in enumerate([("d", 4), ("b", 2), ("a", 1), ("c", 3)], start=1):
        ws[f"A{row}"], ws[f"B{row}"], ws[f"C{row}"] = name, number, f"=B{row}*2"
    ws["C5"] = "=SUM(C1:C4)"
    return save_workbook(wb, folder / "grid.xlsx", {})


def _column(path: Path, letter: str, rows: int = 5) -> list[object]:
    ws = load_values(path)["S"]
    return [ws[f"{letter}{r}"].value for r in range(1, rows + 1)]


def test_each_edit(uno: UnoSession, tmp_path: Path) -> None:
    grid = _grid(tmp_path)
    out = tmp_path / "out.xlsx"

    uno.edit(grid, [{"op": "sort", "sheet": "S", "range": "A1:C4", "key": "A"}], out)
    assert _column(out, "A") == ["a", "b", "c", "d", None]
    assert _column(out, "C") == [2, 4, 6, 8, 20]  # each row's formula moved with it

    uno.edit(
        grid, [{"op": "sort", "sheet": "S", "range": "A1:C4", "key": "B", "descending": True}], out
    )
    assert _column(out, "B") == [4, 3, 2, 1, None]

    uno.edit(grid, [{"op": "delete_rows", "sheet": "S", "row": 2}], out)
    assert _column(out, "C", 4) == [8, 2, 6, 16]  # the total shrank with its range

    uno.edit(grid, [{"op": "insert_rows", "sheet": "S", "row": 2, "count": 2}], out)
    assert _column(out, "A", 7) == ["d", None, None, "b", "a", "c", None]
    assert load_values(out)["S"]["C7"].value == 20

    uno.edit(grid, [{"op": "insert_columns", "sheet": "S", "column": "B"}], out)
    assert _column(out, "D") == [8, 4, 2, 6, 20]

    uno.edit(grid, [{"op": "delete_columns", "sheet": "S", "column": "A"}], out)
    assert _column(out, "A") == [4, 2, 1, 3, None]

    uno.edit(grid, [{"op": "move_rows", "sheet": "S", "first": 1, "last": 1, "before": 4}], out)
    assert _column(out, "A") == ["b", "a", "d", "c", None]
    assert _column(out, "C") == [4, 2, 8, 6, 20]  # moved inside the total's range

    uno.edit(grid, [{"op": "move", "sheet": "S", "source": "A1:C1", "target": "A7"}], out)
    assert _column(out, "C", 7) == [None, 4, 2, 6, 12, None, 8]  # the total lost the line

    uno.edit(grid, [{"op": "copy", "sheet": "S", "source": "A1:C1", "target": "A7"}], out)
    assert _column(out, "C", 7) == [8, 4, 2, 6, 20, None, 8]

    edits = [
        {"op": "set", "sheet": "S", "cell": "B1", "value": 10},
        {"op": "set", "sheet": "S", "cell": "A1", "value": "z"},
        {"op": "set", "sheet": "S", "cell": "C2", "formula": "=B2+B3"},
        {"op": "clear", "sheet": "S", "range": "C3:C4"},
    ]
    assert uno.edit(grid, edits, out).invalid == {}
    assert _column(out, "C") == [20, 3, None, None, 23]
    assert load_values(out)["S"]["A1"].value == "z"


def test_a_protected_sheet_refuses_structural_edits_until_unprotected(
    uno: UnoSession, tmp_path: Path
) -> None:
    wb = openpyxl.load_workbook(_grid(tmp_path))
    wb["S"].protection.sheet = True
    grid = save_workbook(wb, tmp_path / "protected.xlsx", {})
    out = tmp_path / "out.xlsx"
    with pytest.raises(UnoError, match=r"edit 0 \(insert_rows on 'S'\)"):
        uno.edit(grid, [{"op": "insert_rows", "sheet": "S", "row": 2}], out)
    edits = [{"op": "unprotect", "sheet": "S"}, {"op": "insert_rows", "sheet": "S", "row": 2}]
    uno.edit(grid, edits, out)
    assert _column(out, "B", 3) == [4, None, 2]


def test_bad_edits_are_refused_in_one_line(uno: UnoSession, tmp_path: Path) -> None:
    grid, out = _grid(tmp_path), tmp_path / "out.xlsx"
    with pytest.raises(UnoError, match="no sheet 'T'"):
        uno.edit(grid, [{"op": "clear", "sheet": "T", "cell": "A1"}], out)
    with pytest.raises(UnoError, match="unknown edit 'paint'"):
        uno.edit(grid, [{"op": "paint", "sheet": "S"}], out)
    with pytest.raises(UnoError, match="sort key E outside A1:C4"):
        uno.edit(grid, [{"op": "sort", "sheet": "S", "range": "A1:C4", "key": "E"}], out)
    uno.edit(grid, [], out)  # the session goes on
    assert _column(out, "C") == [8, 4, 2, 6, 20]


def test_values_their_validation_refuses_are_reported(uno: UnoSession, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(_grid(tmp_path))
    rule = DataValidation(type="whole", operator="between", formula1="1", formula2="10")
    rule.add("B1:B4")
    wb["S"].add_data_validation(rule)
    grid = save_workbook(wb, tmp_path / "validated.xlsx", {})
    edits = [
        {"op": "set", "sheet": "S", "cell": "B2", "value": 12},
        {"op": "set", "sheet": "S", "cell": "B3", "value": 10},
        {"op": "set", "sheet": "S", "cell": "B4", "value": 2.5},
    ]
    edited = uno.edit(grid, edits, tmp_path / "out.xlsx")
    assert edited.invalid == {"S": ["B2", "B4"]}
    assert _column(edited.path, "B", 4) == [4, 12, 10, 2.5]


def test_what_defined_names_show(uno: UnoSession, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(_grid(tmp_path))
    ws = wb["S"]
    ws["D1"], ws["D2"] = "=1/0", '=IF(B1>3,"big","small")'
    for name, ref in [("Total", "$C$5"), ("Ratio", "$D$1"), ("Size", "$D$2"), ("Empty", "$E$1")]:
        wb.defined_names[name] = DefinedName(name, attr_text=f"S!{ref}")
    grid = save_workbook(wb, tmp_path / "named.xlsx", {})
    edits = [{"op": "delete_rows", "sheet": "S", "row": 3}]
    names = ["Total", "Ratio", "Size", "Empty", "Missing"]
    edited = uno.edit(grid, edits, tmp_path / "out.xlsx", names)
    assert edited.names == {
        "Total": 18,  # the total moved up a row, its name with it
        "Ratio": "#DIV/0!",
        "Size": "big",
        "Empty": None,
        "Missing": "#NAME?",
    }
