"""Every cell of a workbook, from the sheet modules: texts, formulas, engine values.

>>> from crmroi_xl.excel.layout import Layout
>>> cells = formulas(Layout("en"))
>>> len(cells) > 900, cells[0].sheet
(True, 'summary')
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from ..engine.compute import compute
from .layout import Layout
from .parts import Capacity, CellValue, Formula, Text
from .sheet import Context
from .sheets import sheets_of

if TYPE_CHECKING:
    from ..engine.optionbook import OptionBook
    from ..engine.results import Results
    from ..engine.sensitivity import Case
    from ..scenario.model import Scenario

__all__ = ["expected_values", "formulas", "texts"]


def texts(layout: Layout) -> Iterator[Text]:
    """Every constant cell (titles, headings, column titles, timeline, lists)."""
    for sheet in sheets_of(layout):
        yield from sheet.texts(layout)


@lru_cache(maxsize=64)
def _formulas(lang: str, capacity: Capacity) -> tuple[Formula, ...]:
    layout = Layout(lang, capacity)  # type: ignore[arg-type]
    return tuple(formula for sheet in sheets_of(layout) for formula in sheet.formulas(layout))


def formulas(layout: Layout) -> tuple[Formula, ...]:
    """Every computed cell of ``layout``, sheet by sheet (listed once per kind of layout)."""
    return _formulas(layout.lang, layout.capacity)


def expected_values(
    layout: Layout,
    scenario: Scenario,
    results: Results,
    *,
    case: Case = "base",
    book: OptionBook | None = None,
) -> dict[tuple[str, str], CellValue]:
    """``(sheet key, address) -> value`` the engine gives every formula cell of ``layout``:
    what the exporter writes as cached values and what the tests compare with a
    spreadsheet's own calculation. A blank table line is ``""``, an undefined
    result ``"#N/A"``, as the formulas give. ``results`` are the base case's; with
    ``case``, the values when the workbook's ``In_Case`` shows that case. A workbook
    of options: ``book`` (its option shown), ``scenario`` its table of lines."""
    if case == "base":
        shown = results
    else:
        shown = compute(scenario, case=case, members=book.members if book else None)
    context = Context(layout, scenario, shown, results, case, book)
    return {(f.sheet, f.ref): f.value(context) for f in formulas(layout)}
