"""Write workbooks from the layout: the UDF template and the standalone export.

Both are built by openpyxl from :class:`~crmroi_xl.layout.Layout`. The export
fills the inputs from a scenario, writes native formulas, and gives every
formula cell the engine's value as its cached value (openpyxl writes none), so
previewers, ``pandas.read_excel`` and openpyxl ``data_only=True`` show the
numbers before any recalculation. Files are written atomically (a temporary
file in the same folder, then a rename) with fixed timestamps, so the same
scenario gives the same bytes.

:func:`export_workbook_openpyxl` builds and saves the whole export with
openpyxl (~130 ms); :func:`export_workbook` writes the same bytes from a
skeleton openpyxl saved once per kind of workbook (:mod:`crmroi_xl.skeleton`,
a few milliseconds, close to the cost of zipping the XML). The helpers that
size columns and rows from their texts (``_fit_width``, ``_header_fit``,
``_page_scale``, :func:`fitted_columns`, :func:`fixed_texts`) are shared by
both paths, so they cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import openpyxl.worksheet._writer as sheet_writer
from openpyxl import Workbook
from openpyxl.cell._writer import _set_attributes  # type: ignore[attr-defined]
from openpyxl.formatting.rule import FormulaRule, Rule
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.styles.numbers import NumberFormat
from openpyxl.utils import column_index_from_string, get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import Element, SubElement

from .charts import add_charts
from .engine import Results, compute
from .expected import CellValue, expected_values
from .files import atomic_path, write_atomic
from .labels import Lang, label
from .layout import (
    ADOPTION_ROW,
    ASSUMPTIONS,
    CUSTOMERS,
    HEADLINE,
    IRR_GUESS_ROW,
    SHEETS,
    SUMMARY_FIRST_YEAR_COLUMN,
    SUMMARY_ROWS,
    SUMMARY_T_ROW,
    YEARS,
    Capacity,
    Column,
    Layout,
    Mode,
    Table,
)
from .model import BENEFIT_DRIVER_FIELDS, COST_DRIVER_FIELDS, Scenario

__all__ = [
    "build_workbook",
    "export_layout",
    "export_workbook",
    "export_workbook_openpyxl",
    "save_workbook",
    "write_package",
    "write_template",
]

#: Document timestamp of every workbook written (same input, same bytes).
FIXED_TIME = dt.datetime(2020, 1, 1)
NBSP = "\u00a0"  # no-break space (French typography)
EXCEL_ERRORS = frozenset({"#N/A", "#DIV/0!", "#NUM!", "#VALUE!", "#REF!", "#NAME?", "#NULL!"})


def number_formats(lang: Lang, currency: str = "EUR") -> dict[str, str]:
    """Excel number formats by format key, for a language and a currency.

    Amounts show a dash for zero (the finance convention: an empty year reads at a
    glance) and negatives in red. French formats follow French typography: a
    no-break space before ``%`` and the unit, ``an`` below two years and ``ans``
    from two on (``1,12 an``, ``2,50 ans``).
    """
    symbol = "€" if currency == "EUR" else currency
    money = f'#,##0 "{symbol}"' if lang == "fr" else f'"{symbol}"#,##0'
    cents = f'#,##0.00 "{symbol}"' if lang == "fr" else f'"{symbol}"#,##0.00'
    dash = '"–"'  # zero
    if lang == "fr":
        percent = f'0.0"{NBSP}"%'
        years = f'[<2]0.00"{NBSP}an";0.00"{NBSP}ans"'
        months = f'0.0"{NBSP}mois"'
        ratio = f'0.00"{NBSP}x"'
    else:
        percent, years, months, ratio = "0.0%", '0.00" years"', '0.0" months"', '0.00"x"'
    return {
        "eur": f"{money};[Red]-{money};{dash}",
        "eur2": f"{cents};[Red]-{cents};{dash}",
        "pct": percent,
        "pct1": percent,
        "int": "#,##0",
        "num": "#,##0.0",
        "num2": "#,##0.00",
        "year": "0",
        "months": months,
        "years": years,
        "ratio": ratio,
        "factor": "0.0000",
        "text": "@",
        "check": '0;-0;"";@',  # a passed row check (0) shows nothing
        "eur_zero": f"{money};-{money}",  # zero shown as 0 (checks, chart axes)
        "ratio_axis": f'0.0"{NBSP}x"' if lang == "fr" else '0.0"x"',
    }


_THIN = Side(style="thin", color="BFBFBF")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_NAVY, _SLATE, _GREY = "1F3864", "44546A", "7F7F7F"
_BAD_FILL = PatternFill("solid", bgColor="FFC7CE")  # conditional: a line or check to review
FONT = "Calibri"  # every cell style names its font (no "unnamed font" fallback)
SIZE = 10  # body text; titles and notes differ


def _font(size: float = SIZE, **kw: Any) -> Font:
    return Font(name=FONT, size=size, **kw)


def _styles() -> list[NamedStyle]:
    """The cell styles, after the FAST colour code: inputs yellow with a blue font,
    calculations black, outputs green and bold, headers white on navy (inputs) or
    slate (computed columns)."""

    def style(name: str, **kw: Any) -> NamedStyle:
        named = NamedStyle(name=name, **kw)
        if "protection" not in kw:
            named.protection = Protection(locked=True)
        return named

    header = Alignment(wrap_text=True, vertical="center", horizontal="center")
    return [
        style("title", font=_font(14, bold=True, color=_NAVY)),
        style("subtitle", font=_font(11, bold=True, color=_NAVY)),
        style("note", font=_font(9, italic=True, color="595959")),
        style("label", font=_font()),
        style(
            "header",
            font=_font(bold=True, color="FFFFFF"),
            alignment=header,
            border=_BOX,
            fill=PatternFill("solid", fgColor=_NAVY),
        ),
        style(
            "header_calc",
            font=_font(bold=True, color="FFFFFF"),
            alignment=header,
            border=_BOX,
            fill=PatternFill("solid", fgColor=_SLATE),
        ),
        style(
            "input",
            font=_font(color="0000FF"),
            border=_BOX,
            fill=PatternFill("solid", fgColor="FFF2CC"),
            protection=Protection(locked=False),
        ),
        style("calc", font=_font()),
        style("total", font=_font(bold=True), border=Border(top=Side(style="thin"))),
        style("subtotal", font=_font(italic=True, color="404040")),
        style("total_label", font=_font(bold=True)),
        style(
            "output",
            font=_font(bold=True),
            border=_BOX,
            fill=PatternFill("solid", fgColor="E2EFDA"),
        ),
        style("timeline", font=_font(9, color=_GREY), alignment=Alignment(horizontal="right")),
        style("check", font=_font(9, color=_GREY), alignment=Alignment(horizontal="center")),
        style("list", font=_font()),
        style("hidden", font=_font(color="FFFFFF")),
    ]


#: Minimum column widths (characters) of the sheets without tables; a column is
#: widened to its longest label (see :func:`_fit`).
WIDTHS: dict[str, dict[str, float]] = {
    "guide": {"A": 118},
    "summary": {
        "A": 34,
        "B": 15,
        **{get_column_letter(SUMMARY_FIRST_YEAR_COLUMN + t): 12.5 for t in YEARS},
    },
    "assumptions": {"A": 44, **{get_column_letter(1 + t): 11 for t in YEARS[1:]}},
    "checks": {"A": 46, "B": 20, "C": 11, "D": 10},
    "lists": {},
}
#: Sheet tab colours: inputs amber, the summary green, checks red, the rest grey.
TAB_COLOURS = {
    "guide": _GREY,
    "summary": "70AD47",
    "assumptions": "BF8F00",
    "costs": "BF8F00",
    "benefits": "BF8F00",
    "kpis": "BF8F00",
    "channels": "BF8F00",
    "checks": "C00000",
    "lists": _GREY,
}


def build_workbook(
    layout: Layout, scenario: Scenario | None = None, mode: Mode = "native"
) -> tuple[Workbook, dict[tuple[str, str], CellValue]]:
    """Build the workbook of ``layout``; with a scenario, its inputs and cached values."""
    lang = layout.lang
    currency = scenario.assumptions.currency if scenario else "EUR"
    formats = number_formats(lang, currency)
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    for style in _styles():
        wb.add_named_style(style)
    sheets: dict[str, Worksheet] = {key: wb.create_sheet(layout.sheet_name(key)) for key in SHEETS}

    for text in layout.texts():
        cell = sheets[text.sheet][text.ref]
        cell.value = text.value
        if isinstance(text.value, str):
            cell.data_type = "s"  # never read a label as a formula
        cell.style = text.style
        if text.fmt:
            cell.number_format = formats[text.fmt]
    for formula in layout.formulas():
        cell = sheets[formula.sheet][formula.ref]
        cell.value = formula.text(mode)
        cell.style = formula.style
        cell.number_format = formats[formula.fmt]
    results = compute(scenario) if scenario is not None else None
    for (sheet, ref), value, fmt in _inputs(layout, scenario, results):
        cell = sheets[sheet][ref]
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # text typed by a user stays text (no formula injection)
        cell.style = "input"
        cell.number_format = formats[fmt]
    _cosmetics(layout, sheets, formats)
    _validations(layout, sheets)
    _names(layout, wb)
    add_charts(layout, sheets, scenario, formats)
    for key, ws in sheets.items():
        ws.protection.sheet = True  # no password: protects formulas from slips
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        ws.sheet_properties.tabColor = TAB_COLOURS[key]
    wb.calculation.fullCalcOnLoad = True
    wb.properties.creator = "crmroi-xl"
    wb.properties.title = label("headline", lang)
    cached: dict[tuple[str, str], CellValue] = {}
    if scenario is not None and results is not None:
        values = expected_values(layout, scenario, results)
        cached = {(layout.sheet_name(sheet), ref): v for (sheet, ref), v in values.items()}
    return wb, cached


#: The driver fields of cost and benefit lines (blank unless the line's driver uses them).
_DRIVERS = {"costs": COST_DRIVER_FIELDS, "benefits": BENEFIT_DRIVER_FIELDS}
_DRIVER_FIELDS = {sheet: {f for fs in d.values() for f in fs} for sheet, d in _DRIVERS.items()}
_BLANK_IF_ZERO = ("one_off", "annual_increase", "annual_growth")
_TEMPLATE_DEFAULTS: dict[str, Any] = {
    "currency": "EUR",
    "horizon_years": 3,
    "discount_rate": 0.1,
    "benefit_risk": 0,
    "cost_risk": 0,
}


def _line_value(table: Table, column: Column, line: Any, layout: Layout) -> Any:
    """The cell value of one input column for one line (None = blank)."""
    value = getattr(line, column.key)
    if column.key in ("category", "nature", "kind", "unit"):
        return label(str(getattr(value, "value", value)), layout.lang)
    if isinstance(value, bool):
        return layout.yes_no(value)
    fields = _DRIVER_FIELDS.get(table.sheet)
    if fields is not None and column.key in fields:
        return value if column.key in _DRIVERS[table.sheet][line.driver] else None
    if table.sheet == "benefits" and column.key == "gross_margin":
        return value if line.driver == "sales" else None
    if value == 0 and column.key in _BLANK_IF_ZERO:
        return None
    return value


def _input_cells(layout: Layout) -> list[tuple[tuple[str, str], str]]:
    """Every input cell, ``((sheet key, address), number-format key)``, in the order
    of :func:`_input_values`."""
    cells = [(("assumptions", f"B{IRR_GUESS_ROW}"), "pct")]
    cells += [(("assumptions", f"B{row}"), fmt) for _, _, row, _, fmt, _ in ASSUMPTIONS]
    cells += [(("assumptions", f"{chr(ord('A') + t)}{ADOPTION_ROW}"), "pct") for t in YEARS[1:]]
    for table in (layout.costs, layout.benefits, layout.kpis, layout.channels):
        for i in range(table.capacity):
            cells += [((table.sheet, table.cell(c.key, i)), c.fmt) for c in table.inputs]
    first = layout.customers_first_row
    cells += [(("channels", f"B{first + i}"), fmt) for i, (_, _, _, fmt) in enumerate(CUSTOMERS)]
    return cells


def _input_values(layout: Layout, scenario: Scenario | None, results: Results | None) -> list[Any]:
    """The value of every input cell (None = blank), in the order of :func:`_input_cells`;
    without a scenario, the template's defaults."""
    a = scenario.assumptions if scenario else None
    irr = results.irr if results else None
    values: list[Any] = [None if irr is None else float(f"{irr:.6g}")]  # a start near the root
    if a is not None:
        values += [getattr(a, field) for field, *_ in ASSUMPTIONS]
        adoption = a.adoption
        values += [adoption[t - 1] if t <= len(adoption) else adoption[-1] for t in YEARS[1:]]
    else:
        defaults = {**_TEMPLATE_DEFAULTS, "language": layout.lang}
        values += [defaults.get(field) for field, *_ in ASSUMPTIONS]
        values += [None] * (len(YEARS) - 1)
    tables = (
        (layout.costs, scenario.costs if scenario else []),
        (layout.benefits, scenario.benefits if scenario else []),
        (layout.kpis, scenario.kpis if scenario else []),
        (layout.channels, scenario.channels if scenario else []),
    )
    for table, lines in tables:
        filled = lines[: table.capacity]
        for line in filled:
            values += [_line_value(table, column, line, layout) for column in table.inputs]
        values += [None] * (len(table.inputs) * (table.capacity - len(filled)))
    customers = scenario.customers if scenario else None
    values += [None if customers is None else getattr(customers, f) for f, *_ in CUSTOMERS]
    return values


def _inputs(
    layout: Layout, scenario: Scenario | None, results: Results | None
) -> Iterator[tuple[tuple[str, str], Any, str]]:
    """Every input cell: its value (None = blank) and number-format key."""
    cells, values = _input_cells(layout), _input_values(layout, scenario, results)
    for (where, fmt), value in zip(cells, values, strict=True):
        yield where, value, fmt


def _rule(formula: str, **style: Any) -> Any:
    """A conditional format applied where ``formula`` is true."""
    return FormulaRule(formula=[formula], **style)  # type: ignore[no-untyped-call]


def _format_rule(formula: str, code: str, ident: int) -> Rule:
    """A conditional number format (Excel and LibreOffice apply it; others keep the cell's)."""
    dxf = DifferentialStyle(numFmt=NumberFormat(numFmtId=ident, formatCode=code))
    return Rule(type="expression", dxf=dxf, formula=[formula])


# --- measuring text (column widths and row heights are set, never left to chance) -------

#: Advance widths of Calibri characters, in widths of "0" (Excel's column unit),
#: measured on Carlito (Calibri's metric twin); other characters count 1.
_CHAR_WIDTHS = {
    **dict.fromkeys(" il'jI.,", 0.47),
    **dict.fromkeys(":;!()[]-ftJ", 0.6),
    **dict.fromkeys('rsz/\\"', 0.77),
    **dict.fromkeys("cgkvxyFLSZ|", 0.88),
    **dict.fromkeys("AV", 1.13),
    **dict.fromkeys("DGHNOQU", 1.26),
    **dict.fromkeys("mw%", 1.47),
    **dict.fromkeys("MWœŒ", 1.72),
}


@lru_cache(maxsize=4096)
def _text_width(text: str, size: float = SIZE, bold: bool = False) -> float:
    """Estimated width of ``text`` in Excel column units (Calibri 11 "0" widths)."""
    plain = unicodedata.normalize("NFD", text.replace(NBSP, " "))
    units = sum(_CHAR_WIDTHS.get(c, 1.0) for c in plain if not unicodedata.combining(c))
    return units * size / 11 * (1.03 if bold else 1.0)


def _lines(text: str, width: float, size: float = SIZE, bold: bool = False) -> int:
    """Lines ``text`` takes once wrapped in a column ``width`` characters wide."""
    usable = max(width - 0.7, 1.0)
    space = _text_width(" ", size, bold)
    lines, current = 1, 0.0
    for word in text.replace(NBSP, "\x00").split(" "):
        w = _text_width(word.replace("\x00", " "), size, bold)
        if current and current + space + w > usable:
            lines, current = lines + 1, 0.0
        current = w if not current else current + space + w
        while current > usable:  # a word longer than the line breaks anywhere
            lines, current = lines + 1, current - usable
    return lines


def _height(lines: int, size: float = SIZE) -> float:
    """Row height (points) for ``lines`` lines of text of ``size`` points."""
    return round(lines * size * 1.32 + 3, 1)


def _style_font(cell: Any) -> tuple[float, bool]:
    font = cell.font
    return float(font.sz or 11), bool(font.b)


def _text_need(texts: Iterable[str]) -> float:
    """Width a column needs to show the longest of ``texts`` (0 for none)."""
    return max((_text_width(t) + 1.8 for t in texts if t), default=0.0)


def _fit_width(current: float | None, need: float, cap: float) -> float:
    """A column ``current`` wide, widened to ``need`` (up to ``cap`` characters)."""
    current = current or 8.43
    return round(min(max(current, need), max(current, cap)), 1)


def _fit(ws: Worksheet, col: str, texts: Iterable[str], cap: float) -> None:
    """Widen column ``col`` to its longest text (up to ``cap`` characters)."""
    width = ws.column_dimensions[col].width
    ws.column_dimensions[col].width = _fit_width(width, _text_need(texts), cap)


def _label_texts(ws: Worksheet, col: str, styles: tuple[str, ...]) -> list[str]:
    return [
        str(c.value)
        for (c,) in ws.iter_rows(min_col=ws[f"{col}1"].column, max_col=ws[f"{col}1"].column)
        if isinstance(c.value, str) and c.style in styles
    ]


def _fit_header_row(ws: Worksheet, row: int, letters: list[str], max_lines: int = 4) -> None:
    """Widen columns so a header's longest word fits, then size the row to the tallest."""
    tallest = 1
    for col in letters:
        cell = ws[f"{col}{row}"]
        if not isinstance(cell.value, str):
            continue
        size, bold = _style_font(cell)
        width, lines = _header_fit(
            cell.value, ws.column_dimensions[col].width, size, bold, max_lines
        )
        ws.column_dimensions[col].width = width
        tallest = max(tallest, lines)
    ws.row_dimensions[row].height = _height(tallest)


def _header_fit(
    text: str, width: float | None, size: float, bold: bool, max_lines: int
) -> tuple[float, int]:
    """The width a header needs (its longest word fits, at most ``max_lines`` lines)
    starting from ``width``, and its lines at that width."""
    width = width or 8.43
    longest = max(_text_width(w, size, bold) for w in text.replace(NBSP, "_").split())
    width = max(width, round(longest + 1.2, 1))
    while _lines(text, width, size, bold) > max_lines:
        width += 1
    return width, _lines(text, width, size, bold)


def _wrap_rows(ws: Worksheet, col: str) -> None:
    """Wrap the text of column ``col`` and give each row the height its text needs."""
    width = ws.column_dimensions[col].width or 8.43
    index = ws[f"{col}1"].column
    for (cell,) in ws.iter_rows(min_col=index, max_col=index):
        if not isinstance(cell.value, str):
            continue
        size, bold = _style_font(cell)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        lines = _lines(cell.value, width, size, bold)
        gap = 6 if cell.style in ("title", "subtitle") else 2
        ws.row_dimensions[cell.row].height = _height(lines, size) + gap


MARGIN = 0.4  # inches, left and right
A4_LANDSCAPE_PX = 29.7 / 2.54 * 96  # paper width at 96 dpi


def _print_setup(key: str, ws: Worksheet, lang: Lang) -> None:
    """A4 landscape, one page wide (the summary and the guide on one page), margins
    that use the paper, gridlines off, sheet name and page number in the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if key in ("summary", "guide") else 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.gridLines = False
    ws.page_margins = PageMargins(
        left=MARGIN, right=MARGIN, top=0.6, bottom=0.75, header=0.3, footer=0.3
    )
    footer = ws.oddFooter
    assert footer is not None
    footer.left.text = "&A"  # the sheet's name
    footer.right.text = "Page &P sur &N" if lang == "fr" else "Page &P of &N"
    for part in (footer.left, footer.right):
        part.size, part.color = 8, _GREY


def _px(width: float | None) -> int:
    """Pixels of a column ``width`` characters wide (Calibri 11)."""
    return int((width or 8.43) * 7 + 5)


def _pages(table: Table) -> tuple[list[str], list[str]]:
    """The columns of the two printed pages of a table with year columns."""
    base = column_index_from_string(table.letter("y0")) - 1
    first = [get_column_letter(i) for i in range(1, base + 1)]
    second = ["A"] + [table.letter(f"y{t}") for t in YEARS] + [table.check_letter]
    return first, second


def _page_scale(pages: Iterable[Iterable[float | None]]) -> int:
    """The print scale (%) that fits the widest page (column widths) on A4 landscape."""
    widest = max(sum(_px(width) for width in page) for page in pages)
    printable = A4_LANDSCAPE_PX - 2 * MARGIN * 96
    return min(100, int(printable / widest * 100 * 0.96))


def _two_pages(table: Table, ws: Worksheet) -> None:
    """Print a table with year columns on two pages: its lines, then its yearly schedule.

    Fit to one page wide, 26 columns would print at about 40 % (unreadable); the
    break falls before "Year 0", the label column and the timeline repeat on both
    pages, and one fixed scale (Excel ignores manual breaks under "fit to page")
    makes the wider of the two pages fit.
    """
    pages = _pages(table)
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
    ws.page_setup.scale = _page_scale(
        [[ws.column_dimensions[c].width for c in page] for page in pages]
    )
    ws.col_breaks.append(Break(id=len(pages[0])))
    ws.print_title_cols = "A:A"
    ws.print_title_rows = f"{table.header_row - 2}:{table.header_row}"


def _cosmetics(layout: Layout, sheets: dict[str, Worksheet], formats: dict[str, str]) -> None:
    """Column widths, row heights, frozen panes, print set-up, conditional formats.

    Widths start from the layout's and grow to the text they hold (labels, list
    choices, the longest word of a header), so nothing is cut off in Excel or
    LibreOffice; header rows get the height their wrapped titles need.
    """
    for key, widths in WIDTHS.items():
        for col, width in widths.items():
            sheets[key].column_dimensions[col].width = width
    label_styles = ("label", "total_label")
    _wrap_rows(sheets["guide"], "A")
    sheets["guide"].sheet_view.showGridLines = False
    _summary(layout, sheets["summary"])
    for key in ("summary", "assumptions", "checks"):
        _fit(sheets[key], "A", _label_texts(sheets[key], "A", label_styles), 60)
    assumptions = sheets["assumptions"]
    assumptions.freeze_panes = "A4"
    _fit_header_row(assumptions, ADOPTION_ROW - 1, [get_column_letter(1 + t) for t in YEARS[1:]])
    for table in (layout.costs, layout.benefits, layout.kpis, layout.channels):
        _table(layout, table, sheets[table.sheet])
    _kpis(layout, sheets["kpis"], formats)
    checks = sheets["checks"]
    checks.freeze_panes = "A5"
    _fit_header_row(checks, 4, list("ABCD"))
    master = layout.master_check_row
    checks.conditional_formatting.add(
        f"C5:C{master}",
        _rule("AND(ISNUMBER(C5),C5=0)", fill=_BAD_FILL),  # not the blank row above the master
    )
    checks.conditional_formatting.add(
        f"D5:D{master}",
        _rule("D5=Lbl_Error", font=Font(bold=True, color="9C0006"), fill=_BAD_FILL),
    )
    for row in range(5, master + 1):
        for col in "CD":
            checks[f"{col}{row}"].alignment = Alignment(horizontal="center")
        if checks[f"B{row}"].number_format == formats["eur"]:
            checks[f"B{row}"].number_format = formats["eur_zero"]  # "0 €", like the counts
    lists = sheets["lists"]
    used = [get_column_letter(c.column) for c in lists[1] if c.value is not None]
    for letter in used:
        lists.column_dimensions[letter].width = 10
        values = [str(c.value) for (c,) in lists[f"{letter}2:{letter}{lists.max_row}"] if c.value]
        _fit(lists, letter, values, 40)
    _fit_header_row(lists, 1, used, 2)
    lists.freeze_panes = "A2"
    for key, ws in sheets.items():
        _print_setup(key, ws, layout.lang)
    for table in (layout.costs, layout.benefits):
        _two_pages(table, sheets[table.sheet])


#: Widest a text column of a table grows to fit its texts (characters).
TEXT_CAP = 56


def fitted_columns(table: Table) -> list[Column]:
    """The text inputs of a table, whose columns widen to the texts they hold."""
    return [c for c in table.columns if c.fmt == "text" and not c.computed]


def fixed_texts(layout: Layout, table: Table, column: Column) -> list[str]:
    """What a fitted column shows whatever the scenario: its list's choices, and in
    column A the labels of the total rows and of the customer economics."""
    texts = layout.choices(column.choices) if column.choices else []
    if table.letter(column.key) == "A":
        texts += [
            t.value
            for t in layout.texts()
            if t.sheet == table.sheet
            and isinstance(t.value, str)
            and t.style in ("label", "total_label")
            and t.ref[0] == "A"
            and t.ref[1].isdigit()
        ]
    return texts


def header_letters(table: Table) -> list[str]:
    """The columns whose header row a table sizes: its columns, the check, the years."""
    letters = [table.letter(c.key) for c in table.columns] + [table.check_letter]
    if table.years_after:
        letters += [table.letter(f"y{t}") for t in YEARS]
    return letters


def _table(layout: Layout, table: Table, ws: Worksheet) -> None:
    """Widths, header height, panes, print titles and conditional formats of a table."""
    for column in table.columns:
        ws.column_dimensions[table.letter(column.key)].width = column.width
    for column in fitted_columns(table):
        col = table.letter(column.key)
        cells = ws[table.span(column.key).replace("$", "")]
        texts = [str(c.value) for (c,) in cells if c.value is not None]
        _fit(ws, col, [*texts, *fixed_texts(layout, table, column)], TEXT_CAP)
    for column in table.columns:
        align = None
        if column.kind == "yesno" and not column.computed:
            align = Alignment(horizontal="center")  # Yes / No, apart from the figures
        elif column.computed and column.fmt == "text" and column.key not in ("trend", "higher_eff"):
            align = Alignment(horizontal="left", indent=1)  # apart from the inputs
        if align is not None:
            for (cell,) in ws[table.span(column.key).replace("$", "")]:
                cell.alignment = align
    ws.column_dimensions[table.check_letter].width = 10
    if table.years_after:
        for t in YEARS:
            ws.column_dimensions[table.letter(f"y{t}")].width = 12.5
    _fit_header_row(ws, table.header_row, header_letters(table))
    ws.freeze_panes = f"B{table.first_row}"
    ws.print_title_rows = f"{table.header_row}:{table.header_row}"
    check = f"{table.check_letter}{table.first_row}:{table.check_letter}{table.last_row}"
    ws.conditional_formatting.add(
        check, _rule(f"{table.check_letter}{table.first_row}=1", fill=_BAD_FILL)
    )
    below = {"costs": 2, "benefits": 1}.get(table.sheet, 0)  # rows under the total
    for row in range(table.total_row + 1, table.total_row + 1 + below):
        cell = ws[f"A{row}"]  # italic like their figures; "of which" rows indented
        cell.style = "subtotal"
        if table.sheet == "costs":
            cell.alignment = Alignment(horizontal="left", indent=1)
    if table.years_after:
        first, last = table.letter("y0"), table.letter(f"y{YEARS[-1]}")
        ws.conditional_formatting.add(
            f"{first}{table.first_row}:{last}{table.total_row + 2}",
            _rule(f"{first}${table.header_row - 2}>In_Horizon", font=Font(color="BFBFBF")),
        )


def _kpis(layout: Layout, ws: Worksheet, formats: dict[str, str]) -> None:
    """KPI values in their unit (percentages as %, amounts in euros) and coloured trends."""
    table = layout.kpis
    first, last = table.first_row, table.last_row
    unit, kind = f"${table.letter('unit')}{first}", f"${table.letter('kind')}{first}"
    usual = f'IFERROR(VLOOKUP({kind},Tbl_KpiDefaults,2,FALSE),"")'
    values = " ".join(
        f"{table.letter(k)}{first}:{table.letter(k)}{last}" for k in ("before", "after", "change")
    )
    for ident, (unit_key, fmt) in enumerate((("percent", "pct"), ("currency", "eur")), 300):
        shown = label(unit_key, layout.lang)
        test = f'OR({unit}="{shown}",AND({unit}="",{usual}="{shown}"))'
        ws.conditional_formatting.add(values, _format_rule(test, formats[fmt], ident))
    trend = f"{table.letter('trend')}{first}:{table.letter('trend')}{last}"
    for mark, colour in (("▲", "548235"), ("▼", "C00000")):
        ws.conditional_formatting.add(
            trend, _rule(f'${table.letter("trend")}{first}="{mark}"', font=Font(color=colour))
        )
    for col in ("trend", "higher_eff"):
        for row in range(first, last + 1):
            ws[f"{table.letter(col)}{row}"].alignment = Alignment(horizontal="center")


def _summary(layout: Layout, ws: Worksheet) -> None:
    """The summary: a one-page dashboard (results, charts beside them, yearly flows)."""
    ws.freeze_panes = "B4"
    ws.sheet_view.showGridLines = False
    for _, row, *_ in HEADLINE:
        ws.row_dimensions[row].height = 15  # the charts beside the results span these rows
        ws[f"C{row}"].alignment = Alignment(horizontal="left", indent=1)  # the help text
    check_row = next(row for name, row, *_ in HEADLINE if name == "Out_Check")
    ws[f"B{check_row}"].alignment = Alignment(horizontal="right")
    ws.conditional_formatting.add(
        f"B{check_row}",
        _rule(f"B{check_row}=Lbl_Error", font=Font(bold=True, color="9C0006"), fill=_BAD_FILL),
    )
    years = [layout.summary_col(t) for t in YEARS]
    rows = {key: row for key, (row, _, _) in SUMMARY_ROWS.items()}
    line = Side(style="thin", color=_NAVY)
    for key, row in rows.items():
        cells = [ws[f"{col}{row}"] for col in ["A", "B", *years]]
        for cell in cells:
            if key == "calendar":  # the column headings of the yearly table
                cell.font = _font(bold=True, color=_NAVY)
                cell.border = Border(bottom=line)
            elif key in ("net_flow", "cumulative_flow", "cumulative_present_values"):
                cell.font = _font(bold=True)
                if key == "net_flow":
                    cell.border = Border(top=Side(style="thin"))
            elif key in ("direct_costs", "indirect_costs", "uncounted_benefits"):
                cell.font = _font(italic=True, color="404040")
    ws[f"A{rows['calendar']}"].alignment = Alignment(horizontal="left")
    top, bottom = min(rows.values()) + 1, max(rows.values())
    ws.conditional_formatting.add(
        f"{years[0]}{top}:{years[-1]}{bottom}",
        _rule(f"{years[0]}${SUMMARY_T_ROW}>In_Horizon", font=Font(color="BFBFBF")),
    )


def _validations(layout: Layout, sheets: dict[str, Worksheet]) -> None:
    """Data validation on every input: lists, non-negative amounts, rates in [0, 1]."""
    fr = layout.lang == "fr"
    messages = {
        "amount": ("Montant positif ou nul attendu.", "A positive amount or zero is expected."),
        "share": (
            "Pourcentage entre 0 et 100 % attendu.",
            "A percentage from 0 to 100% is expected.",
        ),
        "change": (
            "Évolution entre -50 % et +100 % attendue.",
            "A change from -50% to +100% is expected.",
        ),
        "integer": ("Nombre entier attendu.", "A whole number is expected."),
        "choice": ("Choisissez une valeur de la liste.", "Pick a value from the list."),
    }
    rules: dict[tuple[str, str], DataValidation] = {}

    def rule(
        sheet: str, kind: str, choices: str | None = None, low: Any = None, high: Any = None
    ) -> DataValidation:
        key = (sheet, f"{kind}:{choices}:{low}:{high}")
        if key not in rules:
            message = messages["choice" if kind == "yesno" else kind]
            kw: dict[str, Any] = {
                "allow_blank": True,
                "showErrorMessage": True,
                "error": message[0 if fr else 1],
                "errorTitle": "crmroi-xl",
            }
            if kind in ("choice", "yesno"):
                dv = DataValidation(type="list", formula1=f"={choices}", **kw)
            elif kind == "integer":
                dv = DataValidation(
                    type="whole", operator="between", formula1=str(low), formula2=str(high), **kw
                )
            elif kind == "amount":
                dv = DataValidation(
                    type="decimal", operator="greaterThanOrEqual", formula1="0", **kw
                )
            else:
                dv = DataValidation(
                    type="decimal", operator="between", formula1=str(low), formula2=str(high), **kw
                )
            sheets[sheet].add_data_validation(dv)
            rules[key] = dv
        return rules[key]

    for table in (layout.costs, layout.benefits, layout.kpis, layout.channels):
        for column in table.inputs:
            if column.kind in ("text", "number"):
                continue
            low, high = {"share": (0, 1), "change": (-0.5, 1), "integer": (0, 10)}.get(
                column.kind, (None, None)
            )
            dv = rule(table.sheet, column.kind, column.choices, low, high)
            dv.add(table.span(column.key).replace("$", ""))
    ranges = {
        "horizon_years": ("integer", None, 1, 10),
        "discount_rate": ("share", None, 0, 1),
        "start_year": ("integer", None, 1990, 2100),
        "language": ("choice", "List_Languages", None, None),
        "benefit_risk": ("share", None, 0, 1),
        "cost_risk": ("share", None, 0, 1),
    }
    for field, _, row, *_ in ASSUMPTIONS:
        if field in ranges:
            kind, choices, low, high = ranges[field]
            rule("assumptions", kind, choices, low, high).add(f"B{row}")
    rule("assumptions", "share", None, 0, 1).add(f"B{ADOPTION_ROW}:K{ADOPTION_ROW}")
    first = layout.customers_first_row
    rule("channels", "amount").add(f"B{first}")
    rule("channels", "share", None, 0, 1).add(f"B{first + 1}")
    rule("channels", "amount").add(f"B{first + 2}:B{first + 3}")
    rule("channels", "integer", None, 1, 50).add(f"B{first + 4}")


def _names(layout: Layout, wb: Workbook) -> None:
    for name, (sheet, address) in layout.names.items():
        text = f"{quote_sheetname(layout.sheet_name(sheet))}!{address}"
        wb.defined_names[name] = DefinedName(name, attr_text=text)
    assert {n for n, *_ in HEADLINE} <= set(layout.names)


# --- saving ----------------------------------------------------------------------


class _FixedTimeZip(ZipFile):
    """A zip archive whose entries all carry the same timestamp (reproducible bytes)."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            info = ZipInfo(zinfo_or_arcname, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        # openpyxl streams worksheets through temporary files: no file time either
        self.writestr(str(arcname or filename), Path(filename).read_bytes())


def _write_cached(xf: Any, cell: Any, styled: Any, value: CellValue) -> None:
    """Write a formula cell with its cached value ``<v>`` (and its type)."""
    formula, attrs = _set_attributes(cell, styled)
    if isinstance(value, bool):
        attrs["t"], text = "b", str(int(value))
    elif isinstance(value, float):
        text = repr(value)
    elif isinstance(value, int):
        text = str(value)
    elif value in EXCEL_ERRORS:
        attrs["t"], text = "e", value
    else:
        attrs["t"], text = "str", value
    element = Element("c", attrs)
    SubElement(element, "f").text = formula[1:]
    SubElement(element, "v").text = text
    xf.write(element)


def _write_number(xf: Any, cell: Any, styled: Any) -> None:
    """Write a float with ``repr`` (openpyxl's 16 significant digits may round it)."""
    _, attrs = _set_attributes(cell, styled)
    element = Element("c", attrs)
    SubElement(element, "v").text = repr(cell.value)
    xf.write(element)


#: openpyxl's cell writer is swapped while a workbook is saved: one save at a time.
_SAVE_LOCK = threading.RLock()


@contextmanager
def _cached_values(cached: dict[tuple[str, str], CellValue]) -> Iterator[None]:
    """While a workbook is saved, give each formula cell its cached value (and each
    float all its digits). Holds :data:`_SAVE_LOCK`: the swap is process-wide."""
    by_sheet: dict[str, dict[str, CellValue]] = {}
    for (sheet, ref), value in cached.items():
        by_sheet.setdefault(sheet, {})[ref] = value

    def write_cell(xf: Any, worksheet: Worksheet, cell: Any, styled: Any = None) -> None:
        if cell.data_type == "f":
            value = by_sheet.get(worksheet.title, {}).get(cell.coordinate)
            if value is not None:
                _write_cached(xf, cell, styled, value)
                return
        elif cell.data_type == "n" and type(cell.value) is float:
            _write_number(xf, cell, styled)  # every digit: a re-read gives the same float
            return
        original(xf, worksheet, cell, styled)

    with _SAVE_LOCK:
        original = sheet_writer.write_cell  # type: ignore[attr-defined]
        sheet_writer.write_cell = write_cell  # type: ignore[attr-defined]
        try:
            yield
        finally:
            sheet_writer.write_cell = original  # type: ignore[attr-defined]


def write_package(
    wb: Workbook, archive: Any, cached: dict[tuple[str, str], CellValue] | None = None
) -> None:
    """Write ``wb`` into ``archive`` with openpyxl: fixed document times, the cached
    values of the formula cells, floats with all their digits.

    ``archive`` is a :class:`zipfile.ZipFile`, or anything with its ``writestr``,
    ``write`` and ``namelist`` (the fast path collects the parts in memory).
    """
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    with _cached_values(cached or {}):
        ExcelWriter(wb, archive).write_data()


def save_workbook(
    wb: Workbook, path: str | Path, cached: dict[tuple[str, str], CellValue] | None = None
) -> Path:
    """Save atomically with fixed timestamps; a failure leaves no file and no change."""
    path = Path(path)
    with atomic_path(path) as temporary, _FixedTimeZip(temporary, "w", ZIP_DEFLATED) as archive:
        write_package(wb, archive, cached)
    return path


def export_layout(scenario: Scenario, lang: Lang | None = None) -> Layout:
    """The layout of ``scenario``'s workbook: its language, tables big enough for its lines."""
    capacity = Capacity.for_counts(
        len(scenario.costs), len(scenario.benefits), len(scenario.kpis), len(scenario.channels)
    )
    return Layout(lang or scenario.assumptions.language, capacity)


def export_workbook(scenario: Scenario, path: str | Path, *, lang: Lang | None = None) -> Path:
    """Write a standalone workbook of ``scenario`` with native formulas only.

    The result opens in Excel, LibreOffice and Google Sheets without Python,
    and shows the engine's numbers before any recalculation. It is the workbook
    :func:`export_workbook_openpyxl` writes, byte for byte, at a fraction of the
    cost: see :mod:`crmroi_xl.skeleton`.
    """
    from .skeleton import workbook_bytes  # the fast path builds on this module

    content = workbook_bytes(scenario, lang=lang)
    return write_atomic(path, content)


def export_workbook_openpyxl(
    scenario: Scenario, path: str | Path, *, lang: Lang | None = None
) -> Path:
    """:func:`export_workbook` the slow way: the whole workbook built and saved by
    openpyxl cell by cell. The reference the fast path is tested against."""
    wb, cached = build_workbook(export_layout(scenario, lang), scenario, mode="native")
    return save_workbook(wb, path, cached)


def write_template(path: str | Path, *, lang: Lang = "fr") -> Path:
    """Write the empty template whose results call the ``CRM_*`` Excel functions."""
    wb, _ = build_workbook(Layout(lang), None, mode="udf")
    return save_workbook(wb, path)
