"""Build a workbook with openpyxl from the layout: the UDF template and the reference export.

Both come from :class:`~crmroi_xl.excel.layout.Layout` and the sheet modules.
The export fills the inputs from a scenario, writes native formulas, and gives
every formula cell the engine's value as its cached value
(:mod:`crmroi_xl.excel.package`), so previewers, ``pandas.read_excel`` and
openpyxl ``data_only=True`` show the numbers before any recalculation.

:func:`export_workbook_openpyxl` builds and saves the whole export with
openpyxl cell by cell (~130 ms); :func:`crmroi_xl.excel.fast.export_workbook`
writes the same bytes from a skeleton saved once per kind of workbook, a few
milliseconds. Both are written atomically with fixed timestamps.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine.compute import compute
from ..engine.optionbook import book_results
from ..engine.results import Results
from ..scenario.labels import Lang
from ..scenario.model import Scenario
from ..scenario.options import MAX_OPTIONS
from .charts import add_charts
from .content import expected_values, formulas, texts
from .cosmetics import fold_unused, print_across, print_setup
from .inputs import input_bounds, input_values
from .layout import ASSUMPTION_CHOICES, InputCell, Layout, quote_sheet
from .live import laid_out_runs, slot_count, uncertain_lines
from .optionview import shown_book, table_scenario
from .parts import Bilingual, Capacity, CellValue, Mode, Table
from .sheets import sheets_of
from .sheets.costs import seats_rule
from .sheets.kpis import fraction_rule
from .simulation_layout import DISTRIBUTION_CODES
from .styles import FONT, named_styles, number_formats

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "build_workbook",
    "export_layout",
    "export_workbook_openpyxl",
    "write_template",
]

#: Data-validation messages by kind of input: (French, English).
MESSAGES: dict[str, tuple[str, str]] = {
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
    "multiplier": (
        "Pourcentage du montant entre {low} et {high} attendu.",
        "A percentage of the amount from {low} to {high} is expected.",
    ),
    "rate": (
        "Pourcentage entre {low} et {high} attendu.",
        "A percentage from {low} to {high} is expected.",
    ),
    "choice": ("Choisissez une valeur de la liste.", "Pick a value from the list."),
    "seats": (
        "Postes : nombre positif ou nul, vide si la ligne a ses postes année par année "
        "(ils remplacent celui-ci).",
        "Seats: a positive number or zero, blank on a line whose seats are typed year by "
        "year (they replace it).",
    ),
    "fraction": (
        "Un pourcentage s'écrit en fraction : 22\u00a0% ou 0,22, pas 22.",
        "A percentage is a fraction: 22% or 0.22, not 22.",
    ),
}


#: The page header of a workbook without a scenario, by mode: the template (``udf``) and
#: the blank workbook (``native``).
UNNAMED: dict[Mode, Bilingual] = {
    "udf": ("Modèle crmroi-xl (fonctions CRM_*)", "crmroi-xl template (CRM_* functions)"),
    "native": ("Classeur vierge crmroi-xl", "crmroi-xl blank workbook"),
}


#: The template Summary's note: its results need the ``CRM_*`` functions.
NEEDS_FUNCTIONS: Bilingual = (
    "Les résultats de ce modèle appellent les fonctions CRM_* (xlwings : "
    "pip install crmroi-xl, puis udfs.py, voir le README) ; sans elles ils affichent "
    "#NOM? : prenez alors workbook/crmroi-blank-{name}.xlsx, en formules natives.",
    "This template's results call the CRM_* functions (xlwings: pip install crmroi-xl, "
    "then udfs.py, see the README); without them they show #NAME?: use "
    "workbook/crmroi-blank-{name}.xlsx instead, in native formulas.",
)


def export_layout(scenario: Scenario, lang: Lang | None = None) -> Layout:
    """The layout of ``scenario``'s workbook: its language, tables big enough for its lines."""
    choice = bool(scenario.options)
    scenario = table_scenario(scenario)  # a choice: every option's lines
    capacity = Capacity.for_counts(
        len(scenario.costs), len(scenario.benefits), len(scenario.kpis), len(scenario.channels)
    )
    if choice:
        capacity = replace(capacity, options=MAX_OPTIONS)
    a = scenario.assumptions
    uncertain = uncertain_lines(scenario)
    if uncertain:  # the live simulation: its runs, a column per uncertain line
        slots = slot_count(uncertain)
        draws = DISTRIBUTION_CODES[a.distribution]
        runs = laid_out_runs(scenario)  # workbook_runs, within the cells' budget
        capacity = replace(capacity, runs=runs, slots=slots, draws=draws)
    return Layout(lang or a.language, capacity, a.currency)


def build_workbook(
    layout: Layout, scenario: Scenario | None = None, mode: Mode = "native"
) -> tuple[Workbook, dict[tuple[str, str], CellValue]]:
    """Build the workbook of ``layout``; with a scenario, its inputs and cached values
    (``(sheet title, address) -> value``)."""
    from openpyxl import Workbook

    lang = layout.lang
    formats = number_formats(lang, layout.currency)
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    for style in named_styles():
        wb.add_named_style(style)
    sheets: dict[str, Worksheet] = {
        sheet.key: wb.create_sheet(layout.sheet_name(sheet.key)) for sheet in sheets_of(layout)
    }
    for text in texts(layout):
        cell = sheets[text.sheet][text.ref]
        cell.value = text.value
        if isinstance(text.value, str):
            cell.data_type = "s"  # never read a label as a formula
        cell.style = text.style
        if text.fmt:
            cell.number_format = formats[text.fmt]
    for formula in formulas(layout):
        cell = sheets[formula.sheet][formula.ref]
        cell.value = formula.text(mode)
        cell.style = formula.style
        cell.number_format = formats[formula.fmt]
    book = shown_book(scenario) if scenario is not None else None
    header = scenario.assumptions.name if scenario else layout.text(UNNAMED[mode])
    results: Results | None = None
    if book is not None:  # a choice: every option's lines, the best one shown
        scenario, results = book.flat, book_results(book)
    elif scenario is not None:
        results = compute(scenario)
    typed = input_values(layout, scenario, results, book=book)
    for where, value in zip(layout.inputs, typed, strict=True):
        cell = sheets[where.sheet][where.ref]
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # text typed by a user stays text (no formula injection)
        cell.style = where.style
        cell.number_format = formats[where.fmt]
    for sheet in sheets_of(layout):
        ws = sheets[sheet.key]
        print_setup(ws, lang, one_page=sheet.one_page, header=header)
        sheet.looks(layout, ws, formats)
    for table in layout.tables:
        if table.years_after:  # every year, across pages, legible
            print_across(sheets[table.sheet], table, layout.sensitivity.printed_rows(table.sheet))
        if scenario is not None:  # the lines in use and a few blank ones, the rest folded
            fold_unused(sheets[table.sheet], table, len(getattr(scenario, table.sheet)))
    sheets["lists"].sheet_state = "hidden"  # choices and constants: not for reading or print
    _validations(layout, sheets)
    _names(layout, wb)
    options = len(book.scenario.options or []) if book is not None else 0
    add_charts(layout, sheets, scenario, formats, options)
    for sheet in sheets_of(layout):
        ws = sheets[sheet.key]
        ws.protection.sheet = True  # no password: protects formulas from slips
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        ws.sheet_properties.tabColor = sheet.tab
    wb.calculation.fullCalcOnLoad = True
    wb.properties.creator = "crmroi-xl"
    wb.properties.title = layout.text(("Résultats", "Results"))
    cached: dict[tuple[str, str], CellValue] = {}
    if scenario is not None and results is not None:
        values = expected_values(layout, scenario, results, book=book)
        cached = {(layout.sheet_name(sheet), ref): v for (sheet, ref), v in values.items()}
    return wb, cached


def _rule(
    layout: Layout, cell: InputCell, table: Table | None
) -> tuple[str, str | None, Any, Any] | None:
    """The validation of an input cell: (kind, list or formula, low, high), or None (free
    text). A KPI's values are at most 1 (100 %) on a line in percent (a rate always)."""
    if table is not None and table.sheet == "kpis" and cell.where[-1] in ("before", "after"):
        return ("fraction", fraction_rule(layout, str(cell.where[-1])), None, None)
    if table is not None and table.sheet == "costs" and cell.where[-1] == "seats":
        return ("seats", seats_rule(layout), None, None)
    if cell.kind is None:  # a spreadsheet-only input: the case shown has a list
        choices = ASSUMPTION_CHOICES.get(cell.where[0])
        return ("choice", choices, None, None) if choices else None
    if cell.kind == "text":
        return None
    if cell.kind in ("choice", "yesno"):
        key = cell.where[-1]
        column = next((c for c in table.columns if c.key == key), None) if table else None
        choices = column.choices if column else ASSUMPTION_CHOICES.get(key)
        return ("choice", choices, None, None) if choices else None
    low, high = input_bounds(cell)
    if cell.kind == "number":  # a change (-50 % to +100 %) or a range's high (1 to 10)
        if low is None or high is None:
            return None
        return ("change" if low < 0 else "multiplier", None, low, high)
    if cell.kind == "amount" and high is not None:  # a bounded rate (a tax rate, 0 to 60 %)
        return ("rate", None, low, high)
    return (cell.kind, None, low, high)


def _validations(layout: Layout, sheets: dict[str, Worksheet]) -> None:
    """Data validation on every input, from the model's types and bounds: lists,
    non-negative amounts, rates in [0, 1], whole numbers in range."""
    from openpyxl.worksheet.datavalidation import DataValidation

    fr = layout.lang == "fr"
    rules: dict[tuple[str, tuple[Any, ...]], DataValidation] = {}
    spans: dict[tuple[str, tuple[Any, ...]], list[str]] = {}
    tables = {table.sheet: table for table in layout.tables}
    done: set[tuple[str, str]] = set()
    for cell in layout.inputs:
        table = tables.get(cell.where[0])
        found = _rule(layout, cell, table)
        if found is None:
            continue
        ref = cell.ref
        if table is not None and len(cell.where) == 3:  # a whole column of a table at once
            column = cell.where[2]
            if (table.sheet, column) in done:
                continue
            done.add((table.sheet, column))
            ref = table.span(column).replace("$", "")
        key = (cell.sheet, found)
        if key not in rules:
            kind, choices, low, high = found
            message = MESSAGES[kind][0 if fr else 1]
            if kind in ("multiplier", "rate"):  # 1 to 10: 100 % to 1000 %; 0 to 60 %
                unit = "\u00a0%" if fr else "%"
                message = message.format(
                    low=f"{low * 100:.0f}{unit}", high=f"{high * 100:.0f}{unit}"
                )
            options: dict[str, Any] = {
                "allow_blank": True,
                "showErrorMessage": True,
                "error": message,
                "errorTitle": "crmroi-xl",
            }
            if kind == "choice":
                dv = DataValidation(type="list", formula1=choices, **options)
            elif kind in ("fraction", "seats"):  # a formula relative to the column's first cell
                dv = DataValidation(type="custom", formula1=choices, **options)
            elif kind == "amount":
                dv = DataValidation(
                    type="decimal", operator="greaterThanOrEqual", formula1=str(low), **options
                )
            else:
                dv = DataValidation(
                    type="whole" if kind == "integer" else "decimal",
                    operator="between",
                    formula1=str(low),
                    formula2=str(high),
                    **options,
                )
            sheets[cell.sheet].add_data_validation(dv)
            rules[key] = dv
            spans[key] = []
        spans[key].append(ref)
    for key, refs in spans.items():
        for ref in _merged(refs):
            rules[key].add(ref)


def _merged(refs: list[str]) -> list[str]:
    """Cells next to each other in a row or a column as one range.

    >>> _merged(["B7", "B14", "C14", "D14", "B22", "B23", "A1:A5"])
    ['B7', 'B14:D14', 'B22:B23', 'A1:A5']
    """
    from openpyxl.utils.cell import coordinate_to_tuple

    out: list[list[tuple[int, int]]] = []
    kept: list[str] = []
    for ref in refs:
        if ":" in ref:
            kept.append(ref)
            out.append([])
            continue
        row, col = coordinate_to_tuple(ref)
        last = out[-1] if out else []
        if last and len(last) >= 1:
            (r0, c0), (r1, c1) = last[0], last[-1]
            across = r0 == r1 == row and col == c1 + 1 and (len(last) == 1 or c0 != c1)
            down = c0 == c1 == col and row == r1 + 1 and (len(last) == 1 or r0 != r1)
            if across or down:
                last.append((row, col))
                kept[-1] = f"{kept[-1].split(':')[0]}:{ref}"
                continue
        out.append([(row, col)])
        kept.append(ref)
    return kept


def _names(layout: Layout, wb: Workbook) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    for name, (sheet, address) in layout.names.items():
        text = f"{quote_sheet(layout.sheet_name(sheet))}!{address}"
        wb.defined_names[name] = DefinedName(name, attr_text=text)


def export_workbook_openpyxl(
    scenario: Scenario, path: str | Path, *, lang: Lang | None = None
) -> Path:
    """:func:`~crmroi_xl.excel.fast.export_workbook` the slow way: the whole workbook
    built and saved by openpyxl cell by cell. The reference the fast path is tested
    against."""
    from .package import save_workbook  # openpyxl's writer: where a workbook is built

    wb, cached = build_workbook(export_layout(scenario, lang), scenario, mode="native")
    return save_workbook(wb, path, cached)


def write_template(
    path: str | Path, *, lang: Lang = "fr", native: bool = False, options: bool = False
) -> Path:
    """Write the empty template whose results call the ``CRM_*`` Excel functions; with
    ``native``, the blank workbook: the same, its results native formulas (an export of
    an empty scenario, for Excel, LibreOffice or Google Sheets without Python). With
    ``options``, the template of a choice: the Option column, the options block,
    ``In_Option`` (blank: no option, the lines as one business case) and the Comparison
    sheet."""
    from openpyxl.styles import Font

    from .package import save_workbook

    layout = Layout(lang, Capacity(options=MAX_OPTIONS) if options else Capacity())
    wb, _ = build_workbook(layout, None, mode="native" if native else "udf")
    if not native:  # where the results come from, and what to use without them
        note = wb[layout.sheet_name("summary")][layout.note_cell]
        note.value = layout.text(NEEDS_FUNCTIONS).format(
            name=f"options-{lang}" if options else lang
        )
        note.font = Font(name=FONT, size=note.font.sz, bold=True, color="9C0006")
    return save_workbook(wb, path)
