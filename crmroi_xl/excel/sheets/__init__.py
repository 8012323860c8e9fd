"""The sheets of a workbook, one module each, in workbook order.

Each module declares a :class:`~crmroi_xl.excel.sheet.Sheet`: its constant
cells (titles, headers, labels), its computed cells (native and UDF formulas
with the engine's value of each) and its looks (widths, conditional formats,
printing). Places come from :class:`~crmroi_xl.excel.layout.Layout`. To add a
sheet: its module here, its line in :data:`SHEETS`, its name and places in the
layout.
"""

from __future__ import annotations

from ..layout import Layout
from ..sheet import Sheet
from . import (
    assumptions,
    benefits,
    channels,
    checks,
    comparison,
    costs,
    guide,
    kpis,
    lists,
    sensitivity,
    simulation,
    summary,
)

__all__ = ["SHEETS", "sheets_of"]

#: Every sheet, in workbook order.
SHEETS: tuple[Sheet, ...] = (
    guide.SHEET,
    summary.SHEET,
    sensitivity.SHEET,
    assumptions.SHEET,
    costs.SHEET,
    benefits.SHEET,
    kpis.SHEET,
    channels.SHEET,
    checks.SHEET,
    simulation.SHEET,
    lists.SHEET,
    comparison.SHEET,  # a workbook of options only, after the summary (see sheets_of)
)


def sheets_of(layout: Layout) -> tuple[Sheet, ...]:
    """The sheets of ``layout``'s workbook, in its order (``Layout.sheet_keys``)."""
    by_key = {sheet.key: sheet for sheet in SHEETS}
    return tuple(by_key[key] for key in layout.sheet_keys)
