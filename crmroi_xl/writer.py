"""Write workbooks from the layout: the UDF template and the standalone export.

Both are built by openpyxl from :class:`~crmroi_xl.layout.Layout`. The export
fills the inputs from a scenario, writes native formulas, and gives every
formula cell the engine's value as its cached value (openpyxl writes none), so
previewers, ``pandas.read_excel`` and openpyxl ``data_only=True`` show the
numbers before any recalculation. Files are written atomically (a temporary
file in the same folder, then a rename) with fixed timestamps, so the same
scenario gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import openpyxl.worksheet._writer as sheet_writer
from openpyxl import Workbook
from openpyxl.cell._writer import _set_attributes  # type: ignore[attr-defined]
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils import quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import Element, SubElement

from .charts import add_charts
from .engine import Results, compute
from .errors import CrmRoiError
from .expected import CellValue, expected_values
from .labels import Lang, label
from .layout import (
    ADOPTION_ROW,
    ASSUMPTIONS,
    CUSTOMERS,
    HEADLINE,
    IRR_GUESS_ROW,
    SHEETS,
    SUMMARY_FIRST_YEAR_COLUMN,
    YEARS,
    Capacity,
    Column,
    Layout,
    Mode,
    Table,
)
from .model import BENEFIT_DRIVER_FIELDS, COST_DRIVER_FIELDS, Scenario

__all__ = ["build_workbook", "export_workbook", "save_workbook", "write_template"]

#: Document timestamp of every workbook written (same input, same bytes).
FIXED_TIME = dt.datetime(2020, 1, 1)
EXCEL_ERRORS = frozenset({"#N/A", "#DIV/0!", "#NUM!", "#VALUE!", "#REF!", "#NAME?", "#NULL!"})


def number_formats(lang: Lang, currency: str = "EUR") -> dict[str, str]:
    """Excel number formats by format key, for a language and a currency."""
    symbol = "€" if currency == "EUR" else currency
    money = f'#,##0 "{symbol}"' if lang == "fr" else f'"{symbol}"#,##0'
    cents = f'#,##0.00 "{symbol}"' if lang == "fr" else f'"{symbol}"#,##0.00'
    years, months = ("ans", "mois") if lang == "fr" else ("years", "months")
    return {
        "eur": f"{money};[Red]-{money}",
        "eur2": f"{cents};[Red]-{cents}",
        "pct": "0.0%",
        "pct1": "0.0%",
        "int": "#,##0",
        "num": "#,##0.0",
        "num2": "#,##0.00",
        "year": "0",
        "months": f'0.0 "{months}"',
        "years": f'0.00 "{years}"',
        "ratio": '0.00 "x"',
        "factor": "0.0000",
        "text": "@",
        "check": '0;-0;"";@',  # a passed row check (0) shows nothing
    }


_THIN = Side(style="thin", color="BFBFBF")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_NAVY, _SLATE = "1F3864", "44546A"


def _styles() -> list[NamedStyle]:
    def style(name: str, **kw: Any) -> NamedStyle:
        named = NamedStyle(name=name, **kw)
        if "protection" not in kw:
            named.protection = Protection(locked=True)
        return named

    wrap = Alignment(wrap_text=True, vertical="center")
    return [
        style("title", font=Font(bold=True, size=14, color=_NAVY)),
        style("subtitle", font=Font(bold=True, size=11, color=_NAVY)),
        style("note", font=Font(italic=True, size=9, color="595959")),
        style("label", font=Font(size=10)),
        style(
            "header",
            font=Font(bold=True, color="FFFFFF"),
            alignment=wrap,
            border=_BOX,
            fill=PatternFill("solid", fgColor=_NAVY),
        ),
        style(
            "header_calc",
            font=Font(bold=True, color="FFFFFF"),
            alignment=wrap,
            border=_BOX,
            fill=PatternFill("solid", fgColor=_SLATE),
        ),
        style(
            "input",
            font=Font(color="0000FF"),
            border=_BOX,
            fill=PatternFill("solid", fgColor="FFF2CC"),
            protection=Protection(locked=False),
        ),
        style("calc", font=Font(size=10)),
        style("total", font=Font(bold=True), border=Border(top=Side(style="thin"))),
        style("subtotal", font=Font(italic=True, size=10)),
        style("total_label", font=Font(bold=True)),
        style(
            "output", font=Font(bold=True), border=_BOX, fill=PatternFill("solid", fgColor="E2EFDA")
        ),
        style(
            "timeline", font=Font(size=9, color="7F7F7F"), alignment=Alignment(horizontal="right")
        ),
        style("check", font=Font(size=9, color="7F7F7F")),
        style("list", font=Font(size=10)),
        style("hidden", font=Font(color="FFFFFF")),
    ]


WIDTHS: dict[str, dict[str, float]] = {
    "guide": {"A": 130},
    "summary": {"A": 40, "B": 18, "C": 14},
    "assumptions": {"A": 46, "B": 14},
    "checks": {"A": 52, "B": 22, "C": 14, "D": 12},
    "lists": {c: 30 for c in "ABCDEFGHIJKL"},
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
    _cosmetics(layout, sheets)
    _validations(layout, sheets)
    _names(layout, wb)
    add_charts(layout, sheets, scenario)
    for key, ws in sheets.items():
        ws.protection.sheet = True  # no password: protects formulas from slips
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        ws.sheet_properties.tabColor = {"summary": "70AD47", "checks": "C00000"}.get(key, _NAVY)
    wb.calculation.fullCalcOnLoad = True
    wb.properties.creator = "crmroi-xl"
    wb.properties.title = label("headline", lang)
    cached: dict[tuple[str, str], CellValue] = {}
    if scenario is not None and results is not None:
        values = expected_values(layout, scenario, results)
        cached = {(layout.sheet_name(sheet), ref): v for (sheet, ref), v in values.items()}
    return wb, cached


def _driver_fields(drivers: dict[str, tuple[str, ...]], driver: str) -> tuple[str, ...]:
    return drivers[driver]


def _line_value(table: Table, column: Column, line: Any, layout: Layout) -> Any:
    """The cell value of one input column for one line (None = blank)."""
    value = getattr(line, column.key)
    if column.key in ("category", "nature", "kind", "unit"):
        return label(str(getattr(value, "value", value)), layout.lang)
    if isinstance(value, bool):
        return layout.yes_no(value)
    drivers = {"costs": COST_DRIVER_FIELDS, "benefits": BENEFIT_DRIVER_FIELDS}.get(table.sheet)
    if drivers is not None and column.key in {f for fs in drivers.values() for f in fs}:
        return value if column.key in drivers[line.driver] else None
    if table.sheet == "benefits" and column.key == "gross_margin":
        return value if line.driver == "sales" else None
    if value == 0 and column.key in ("one_off", "annual_increase", "annual_growth"):
        return None
    return value


def _inputs(
    layout: Layout, scenario: Scenario | None, results: Results | None
) -> Iterator[tuple[tuple[str, str], Any, str]]:
    """Every input cell: its value (None = blank) and number-format key."""
    a = scenario.assumptions if scenario else None
    irr = results.irr if results else None
    guess = None if irr is None else float(f"{irr:.6g}")  # a start close to the root
    yield ("assumptions", f"B{IRR_GUESS_ROW}"), guess, "pct"
    for field, _, row, _, fmt, _ in ASSUMPTIONS:
        if a is not None:
            value: Any = getattr(a, field)
        else:
            value = {
                "currency": "EUR",
                "horizon_years": 3,
                "discount_rate": 0.1,
                "language": layout.lang,
                "benefit_risk": 0,
                "cost_risk": 0,
            }.get(field)
        yield ("assumptions", f"B{row}"), value, fmt
    for t in YEARS[1:]:
        share = None
        if a is not None:
            share = a.adoption[t - 1] if t <= len(a.adoption) else a.adoption[-1]
        yield ("assumptions", f"{chr(ord('A') + t)}{ADOPTION_ROW}"), share, "pct"
    tables = (
        (layout.costs, scenario.costs if scenario else []),
        (layout.benefits, scenario.benefits if scenario else []),
        (layout.kpis, scenario.kpis if scenario else []),
        (layout.channels, scenario.channels if scenario else []),
    )
    for table, lines in tables:
        for i in range(table.capacity):
            line = lines[i] if i < len(lines) else None
            for column in table.inputs:
                value = None if line is None else _line_value(table, column, line, layout)
                yield (table.sheet, table.cell(column.key, i)), value, column.fmt
    customers = scenario.customers if scenario else None
    for i, (field, _, _, fmt) in enumerate(CUSTOMERS):
        value = None if customers is None else getattr(customers, field)
        yield ("channels", f"B{layout.customers_first_row + i}"), value, fmt


def _rule(formula: str, **style: Any) -> Any:
    """A conditional format applied where ``formula`` is true."""
    return FormulaRule(formula=[formula], **style)  # type: ignore[no-untyped-call]


def _cosmetics(layout: Layout, sheets: dict[str, Worksheet]) -> None:
    """Column widths, frozen panes, print set-up, conditional formats."""
    for key, widths in WIDTHS.items():
        for col, width in widths.items():
            sheets[key].column_dimensions[col].width = width
    for t in YEARS:
        sheets["summary"].column_dimensions[layout.summary_col(t)].width = 14
    sheets["summary"].freeze_panes = "B4"
    sheets["assumptions"].freeze_panes = "A4"
    sheets["checks"].freeze_panes = "A5"
    for table in (layout.costs, layout.benefits, layout.kpis, layout.channels):
        ws = sheets[table.sheet]
        for column in table.columns:
            ws.column_dimensions[table.letter(column.key)].width = column.width
        ws.row_dimensions[table.header_row].height = 45
        ws.freeze_panes = f"B{table.first_row}"
        ws.print_title_rows = f"{table.header_row}:{table.header_row}"
        check = f"{table.check_letter}{table.first_row}:{table.check_letter}{table.last_row}"
        ws.conditional_formatting.add(
            check,
            _rule(
                f"{table.check_letter}{table.first_row}=1",
                fill=PatternFill("solid", bgColor="FFC7CE"),
            ),
        )
        if table.years_after:
            first, last = table.letter("y0"), table.letter(f"y{YEARS[-1]}")
            ws.conditional_formatting.add(
                f"{first}{table.first_row}:{last}{table.total_row + 2}",
                _rule(
                    f"{first}${table.header_row - 2}>In_Horizon",
                    font=Font(color="BFBFBF"),
                ),
            )
            for t in YEARS:
                ws.column_dimensions[table.letter(f"y{t}")].width = 14
    first_year = layout.summary_col(0)
    last_year = layout.summary_col(YEARS[-1])
    sheets["summary"].conditional_formatting.add(
        f"{first_year}24:{last_year}37",
        _rule(f"{first_year}$23>In_Horizon", font=Font(color="BFBFBF")),
    )
    checks = f"C5:C{layout.master_check_row}"
    sheets["checks"].conditional_formatting.add(
        checks, _rule("C5=0", fill=PatternFill("solid", bgColor="FFC7CE"))
    )
    for ws in sheets.values():
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.gridLines = False
    guide = sheets["guide"]
    for row in guide.iter_rows(min_col=1, max_col=1):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    assert SUMMARY_FIRST_YEAR_COLUMN == 3


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


@contextmanager
def _cached_values(cached: dict[tuple[str, str], CellValue]) -> Iterator[None]:
    """While a workbook is saved, give each formula cell its cached value."""
    by_sheet: dict[str, dict[str, CellValue]] = {}
    for (sheet, ref), value in cached.items():
        by_sheet.setdefault(sheet, {})[ref] = value
    original = sheet_writer.write_cell  # type: ignore[attr-defined]

    def write_cell(xf: Any, worksheet: Worksheet, cell: Any, styled: Any = None) -> None:
        value = by_sheet.get(worksheet.title, {}).get(cell.coordinate)
        if value is None or cell.data_type != "f":
            original(xf, worksheet, cell, styled)
        else:
            _write_cached(xf, cell, styled, value)

    sheet_writer.write_cell = write_cell  # type: ignore[attr-defined]
    try:
        yield
    finally:
        sheet_writer.write_cell = original  # type: ignore[attr-defined]


def save_workbook(
    wb: Workbook, path: str | Path, cached: dict[tuple[str, str], CellValue] | None = None
) -> Path:
    """Save atomically with fixed timestamps; a failure leaves no file and no change."""
    path = Path(path)
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    try:
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
    except OSError as error:
        raise CrmRoiError(f"{path}: cannot write in {path.parent} ({error.strerror})") from None
    os.close(handle)
    try:
        with _cached_values(cached or {}), _FixedTimeZip(temporary, "w", ZIP_DEFLATED) as archive:
            ExcelWriter(wb, archive).write_data()
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def export_workbook(scenario: Scenario, path: str | Path, *, lang: Lang | None = None) -> Path:
    """Write a standalone workbook of ``scenario`` with native formulas only.

    The result opens in Excel, LibreOffice and Google Sheets without Python,
    and shows the engine's numbers before any recalculation.
    """
    capacity = Capacity.for_counts(
        len(scenario.costs), len(scenario.benefits), len(scenario.kpis), len(scenario.channels)
    )
    layout = Layout(lang or scenario.assumptions.language, capacity)
    wb, cached = build_workbook(layout, scenario, mode="native")
    return save_workbook(wb, path, cached)


def write_template(path: str | Path, *, lang: Lang = "fr") -> Path:
    """Write the empty template whose results call the ``CRM_*`` Excel functions."""
    wb, _ = build_workbook(Layout(lang), None, mode="udf")
    return save_workbook(wb, path)
