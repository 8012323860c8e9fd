"""The Lists sheet: the validation lists, the KPIs' usual units and directions, and
the named constants the formulas use instead of literals (FAST: no constant buried
in a formula). Texts are in the workbook's language."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...scenario.labels import label
from ...scenario.model import KPI_DEFAULTS, KpiKind
from ..cosmetics import fit, fit_header_row
from ..layout import CONSTANT_COLUMNS, CONSTANTS, KPI_DEFAULT_COLUMNS, LIST_COLUMNS
from ..parts import Text
from ..sheet import Sheet

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ..layout import Layout

__all__ = ["SHEET"]


def texts(layout: Layout) -> Iterator[Text]:
    header = layout.lists_header_row
    for list_name, (col, title) in LIST_COLUMNS.items():
        yield Text("lists", f"{col}{header}", layout.text(title), "header")
        for i, value in enumerate(layout.choices(list_name)):
            yield Text("lists", layout.list_cell(list_name, i), value, "list")
    for col, title in KPI_DEFAULT_COLUMNS.values():
        yield Text("lists", f"{col}{header}", layout.text(title), "header")
    for kind in KpiKind:
        unit, higher = KPI_DEFAULTS[kind]
        yield Text("lists", layout.kpi_default_cell(kind, "unit"), layout.word(unit), "list")
        yield Text("lists", layout.kpi_default_cell(kind, "higher"), layout.yes_no(higher), "list")
    for col, title in CONSTANT_COLUMNS.values():
        yield Text("lists", f"{col}{header}", layout.text(title), "header")
    for name, constant in CONSTANTS:
        yield Text("lists", layout.constant_cell(name, "name"), name, "list")
        shown = constant if isinstance(constant, int | float) else label(constant, layout.lang)
        yield Text("lists", layout.constant_cell(name), shown, "list")


def looks(layout: Layout, ws: Worksheet, formats: dict[str, str]) -> None:
    header = layout.lists_header_row
    used = [c.column_letter for c in ws[header] if c.value is not None]
    for letter in used:
        ws.column_dimensions[letter].width = 10
        cells = ws[f"{letter}{header + 1}:{letter}{ws.max_row}"]
        fit(ws, letter, [str(c.value) for (c,) in cells if c.value], 40)
    fit_header_row(ws, header, used, 2)
    ws.freeze_panes = f"A{header + 1}"


SHEET = Sheet("lists", "7F7F7F", texts, looks=looks)
