"""Cosmetics shared by the sheets: widths fitted to texts, header heights, printing.

Widths start from the layout's and grow to the text the column holds (labels,
list choices, the longest word of a header), so nothing is cut off in Excel or
LibreOffice; header rows get the height their wrapped titles need. Every sheet
prints on A4 landscape with the scenario's name in its header, its name and page
number in the footer, at 60 % or more: one page wide (the Summary on one page),
or, for the wide ones (Costs, Benefits, Sensitivity, the portfolio summary), at
:data:`PRINT_SCALE` across pages with their label column on each (an exported
3-year case prints on 17 pages; the Lists sheet is hidden and does not print; the
seats used each year, the base amounts under the Costs and Benefits tables and the
Sensitivity sheet's detail are calculations and do not print either). The
measuring itself is :mod:`crmroi_xl.excel.measure`, shared with the fast exporter.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..errors import InternalError
from ..scenario.labels import Lang
from .measure import MARGIN, fit_width, header_fit, height, lines, text_need
from .parts import YEARS, Table
from .styles import GREY

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "PRINT_SCALE",
    "SPARE_ROWS",
    "fit",
    "fit_header_row",
    "fold_unused",
    "header_text",
    "label_texts",
    "print_across",
    "print_area",
    "print_scaled",
    "print_setup",
    "style_font",
    "unused_lines",
    "wrap_rows",
]


def style_font(cell: Any) -> tuple[float, bool]:
    """A cell's font size and boldness."""
    font = cell.font
    return float(font.sz or 11), bool(font.b)


def fit(ws: Worksheet, col: str, texts: Iterable[str], cap: float) -> None:
    """Widen column ``col`` to its longest text (up to ``cap`` characters)."""
    width = ws.column_dimensions[col].width
    ws.column_dimensions[col].width = fit_width(width, text_need(texts), cap)


def label_texts(ws: Worksheet, col: str, styles: tuple[str, ...]) -> list[str]:
    """The texts of column ``col`` in one of ``styles``."""
    return [
        str(c.value)
        for (c,) in ws.iter_rows(min_col=ws[f"{col}1"].column, max_col=ws[f"{col}1"].column)
        if isinstance(c.value, str) and c.style in styles
    ]


def fit_header_row(ws: Worksheet, row: int, letters: list[str], max_lines: int = 4) -> None:
    """Widen columns so a header's longest word fits, then size the row to the tallest."""
    tallest = 1
    for col in letters:
        cell = ws[f"{col}{row}"]
        if not isinstance(cell.value, str):
            continue
        size, bold = style_font(cell)
        width, count = header_fit(
            cell.value, ws.column_dimensions[col].width, size, bold, max_lines
        )
        ws.column_dimensions[col].width = width
        tallest = max(tallest, count)
    ws.row_dimensions[row].height = height(tallest)


def wrap_rows(ws: Worksheet, col: str) -> None:
    """Wrap the text of column ``col`` and give each row the height its text needs."""
    from openpyxl.styles import Alignment

    width = ws.column_dimensions[col].width or 8.43
    index = ws[f"{col}1"].column
    for (cell,) in ws.iter_rows(min_col=index, max_col=index):
        if not isinstance(cell.value, str):
            continue
        size, bold = style_font(cell)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        count = lines(cell.value, width, size, bold)
        gap = 6 if cell.style in ("title", "subtitle") else 2
        ws.row_dimensions[cell.row].height = height(count, size) + gap


#: Blank lines an export shows under a table's lines in use; the rest are folded (hidden
#: in a row group a "+" opens), so neither the screen nor the paper shows 25 empty rows.
SPARE_ROWS = 3
#: The scale of a sheet printed across pages (Costs, Benefits): body text at 6.5 pt.
PRINT_SCALE = 65
#: The longest scenario name a page header shows whole (Excel refuses a header over 255
#: characters; an ``&`` is written twice).
HEADER_NAME = 100


def header_text(name: str) -> str:
    r"""A page header's text for ``name``: on one line, its ``&`` doubled (a header's codes
    start with ``&``), cut to :data:`HEADER_NAME` characters.

    >>> header_text("Vendor A & B\tnew\r\nquote")
    'Vendor A && B new quote'
    >>> len(header_text("x" * 300))
    100
    """
    name = " ".join(name.split())
    if len(name) > HEADER_NAME:
        name = name[: HEADER_NAME - 1] + "\u2026"
    return name.replace("&", "&&")


def print_setup(ws: Worksheet, lang: Lang, *, one_page: bool, header: str | None = None) -> None:
    """A4 landscape, one page wide (``one_page``: one page in all), margins that use the
    paper, gridlines off, sheet name and page number in the footer; ``header``: the
    scenario's name in the middle of every page's header (written as
    :func:`header_text` gives it), so two printed cases never look alike."""
    from openpyxl.worksheet.page import PageMargins
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.gridLines = False
    ws.page_margins = PageMargins(
        left=MARGIN, right=MARGIN, top=0.6, bottom=0.75, header=0.3, footer=0.3
    )
    footer = ws.oddFooter
    if footer is None:
        raise InternalError(f"{ws.title}: openpyxl gave the sheet no footer")
    footer.left.text = "&A"  # the sheet's name
    footer.right.text = "Page &P sur &N" if lang == "fr" else "Page &P of &N"
    for part in (footer.left, footer.right):
        part.size, part.color = 8, GREY
    if header is not None:
        if ws.oddHeader is None:
            raise InternalError(f"{ws.title}: openpyxl gave the sheet no header")
        middle = ws.oddHeader.center
        middle.text, middle.size, middle.color = header_text(header), 8, GREY


def print_area(table: Table, last_row: int) -> str:
    """The printed range of a sheet with year columns: from A1 to year 10 on its
    ``last_row``, every year whatever the horizon (a horizon changed in the workbook
    prints in full; years past it are zeros, the line-check column after them is summed
    on the Checks sheet).

    >>> from crmroi_xl.excel.parts import Column
    >>> table = Table("costs", 5, 25, (Column("label", ("", ""), "text"),), years_after="label")
    >>> print_area(table, 33)
    '$A$1:$L$33'
    """
    return f"$A$1:${table.letter(f'y{YEARS[-1]}')}${last_row}"


def print_scaled(ws: Worksheet, *, titles: str | None = None, after: int | None = None) -> None:
    """Print ``ws`` at :data:`PRINT_SCALE` across as many pages as it needs, rather than
    shrunk to one page wide: ``titles``, a column letter printed on every page; ``after``,
    the index of the column a page ends with."""
    from openpyxl.worksheet.pagebreak import Break
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
    ws.page_setup.scale = PRINT_SCALE
    ws.page_setup.fitToWidth = ws.page_setup.fitToHeight = None
    if titles is not None:
        ws.print_title_cols = f"{titles}:{titles}"
    if after is not None:
        ws.col_breaks.append(Break(id=after))


def print_across(ws: Worksheet, table: Table, last_row: int) -> None:
    """Print a table with year columns at :data:`PRINT_SCALE` across pages: its label
    column on every page, a page break before the line totals (the inputs, then the
    years), every year (:func:`print_area`) down to ``last_row``."""
    from openpyxl.utils.cell import column_index_from_string

    ws.print_area = print_area(table, last_row)
    label = table.letter(table.columns[0].key)
    last_input = column_index_from_string(table.letter(table.years_after or label))
    print_scaled(ws, titles=label, after=last_input)


def unused_lines(table: Table, used: int) -> range:
    """The lines of ``table`` an export folds when ``used`` of them hold a line.

    >>> from crmroi_xl.excel.parts import Column
    >>> table = Table("costs", 5, 25, (Column("label", ("", ""), "text"),))
    >>> unused_lines(table, 6), unused_lines(table, 24)
    (range(9, 25), range(25, 25))
    """
    return range(min(used + SPARE_ROWS, table.capacity), table.capacity)


def fold_unused(ws: Worksheet, table: Table, used: int) -> None:
    """Fold the lines of ``table`` past the ``used`` ones and :data:`SPARE_ROWS` blank
    ones: hidden rows of an outline group (level 1), opened by the "+" in the margin
    (Data › Group and Outline › Show Details in LibreOffice). Hidden rows do not print;
    their cells are still read and summed."""
    ws.sheet_format.outlineLevelRow = 1
    folded = unused_lines(table, used)
    for i in folded:
        row = ws.row_dimensions[table.row(i)]
        row.hidden, row.outlineLevel = True, 1
