"""What the four sheets of lines share: headers, the timeline, line checks, widths.

Costs and benefits have year columns 0 to 10 after their inputs, under a
timeline (the year index, then the calendar year); KPIs and channels do not.
Every table ends with a line-check column (1 = a line to review) and may have
total rows below it.

A cost or benefit line's year cells show its amounts in the case the workbook
shows (``In_Case``): its base amount of the year, computed in the block of base
amounts under the table (:mod:`crmroi_xl.excel.sensitivity_layout`), times the
line's case factor (:func:`case_factor`). The base amounts stay whatever the
case, so the Sensitivity sheet reads each line's base present value there.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from ...engine.sensitivity import Side, case_multiplier
from ...scenario.fieldinfo import kind
from ..columns import LINE_MODELS, yearly_field
from ..cosmetics import fit, fit_header_row
from ..measure import TEXT_CAP
from ..parts import YEARS, Bilingual, CellValue, Column, Formula, Table, Text
from ..sheet import Context
from ..styles import BAD_FILL, rule

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ...engine.results import LineFlows
    from ..layout import Layout

__all__ = [
    "BASE_TITLE",
    "Computed",
    "Raw",
    "Total",
    "case_factor",
    "col",
    "fitted_columns",
    "fixed_texts",
    "go_live_share",
    "header_letters",
    "line_formulas",
    "membership",
    "row_check",
    "table_looks",
    "table_texts",
    "timeline",
    "total_rows_looks",
]

YEAR: Bilingual = ("Année", "Year")
TIMELINE: Bilingual = ("Échéancier (années)", "Timeline (years)")
BASE_TITLE: Bilingual = (
    "Montants du cas de base, avant le facteur du cas (lus par la feuille Sensibilité)",
    "Amounts of the base case, before the case factor (read by the Sensitivity sheet)",
)


def col(table: Table, key: str, row: int) -> str:
    """``$X12``: column fixed, row relative (the same formula on every line)."""
    return f"${table.letter(key)}{row}"


def table_texts(
    layout: Layout,
    table: Table,
    title: Bilingual,
    note: Bilingual,
    totals: tuple[Bilingual, ...] = (),
) -> Iterator[Text]:
    """A table sheet's title and note, column headers, timeline and total labels."""
    yield Text(table.sheet, layout.title_cell, layout.text(title), "title")
    yield Text(table.sheet, layout.note_cell, layout.money_text(note), "note")
    for column in table.columns:
        style = "header_calc" if column.computed else "header"
        yield Text(
            table.sheet,
            f"{table.letter(column.key)}{table.header_row}",
            layout.text(column.title),
            style,
        )
    if table.years_after:
        for column in table.year_totals:  # a line's total and present value, titled
            yield Text(
                table.sheet,
                f"{table.letter(column.key)}{table.header_row}",
                layout.text(column.title),
                "header_calc",
            )
        for t in YEARS:
            letter = table.letter(f"y{t}")
            yield Text(table.sheet, f"{letter}{table.timeline_row}", t, "timeline", "int")
            yield Text(
                table.sheet,
                f"{letter}{table.header_row}",
                f"{layout.text(YEAR)} {t}",
                "header_calc",
            )
        # the timeline's rows named on their left, clear of the note above (row 2)
        before = table.letter(table.years_after)
        for row, title in (
            (table.timeline_row, TIMELINE),
            (table.calendar_row, ("Année civile", "Calendar year")),
        ):
            yield Text(table.sheet, f"{before}{row}", layout.text(title), "timeline")
        row = layout.sensitivity.base_title_row(table.sheet)
        first_col = table.letter(table.columns[0].key)
        yield Text(table.sheet, f"{first_col}{row}", layout.text(BASE_TITLE), "subtitle")
    yield Text(
        table.sheet,
        f"{table.check_letter}{table.header_row}",
        layout.text(("Ligne à revoir (1)", "Line to check (1)")),
        "header_calc",
    )
    first = table.letter(table.columns[0].key)
    for i, text in enumerate(totals):
        row = layout.total_label_row(table, i)
        yield Text(table.sheet, f"{first}{row}", layout.text(text), "total_label")


def timeline(table: Table) -> Iterator[Formula]:
    """Calendar years above the year columns of a table."""
    for t in YEARS:
        letter = table.letter(f"y{t}")
        yield Formula(
            table.sheet,
            f"{letter}{table.calendar_row}",
            f'=IF(In_StartYear="","",In_StartYear+{letter}${table.timeline_row})',
            lambda ctx, t=t: ctx.scenario.assumptions.start_year + t,
            style="timeline",
            fmt="year",
        )


def go_live_share(y: str) -> str:
    """Year 1's share after the go-live month (``In_GoLiveMonth``, blank = 1): the
    months from go-live over 12; 1 in later years."""
    return f'IF(AND({y}=1,In_GoLiveMonth<>""),(MonthsPerYear+1-In_GoLiveMonth)/MonthsPerYear,1)'


def row_check(table: Table, i: int, values: tuple[str, str], incomplete: str) -> Formula:
    """The line-check cell: 1 when values are typed on a line without its key (label,
    KPI, channel name) or when the line is ``incomplete``, else 0."""
    r = table.row(i)
    key = col(table, table.columns[0].key, r)
    first, last = (col(table, v, r) for v in values)
    return Formula(
        table.sheet,
        f"{table.check_letter}{r}",
        f'=IF(AND({key}="",COUNT({first}:{last})>0),1,IF(AND({key}<>"",{incomplete}),1,0))',
        _zero,
        style="check",
        fmt="check",
    )


class Computed(NamedTuple):
    """A computed column of a table of lines: its expression and the engine's value."""

    expression: Callable[[Callable[[str], str], int], str]  # given the line's cells and index
    value: Callable[[Context, int], CellValue]  # of line i
    fmt: str = "eur"


def membership(side: Side) -> Computed:
    """Whether a line counts in the option shown (``In_Option``), in a workbook of
    options: a shared line (Option blank) unless the option shown is the baseline status
    quo; an option's own line in that option only."""

    def expression(c: Callable[[str], str], i: int) -> str:
        return f'IF({c("option")}="",1-Calc_OptionBaseline,IF({c("option")}=In_Option,1,0))'

    def value(ctx: Context, i: int) -> CellValue:
        assert ctx.book is not None
        members = ctx.book.members[0 if side == "cost" else 1]
        return 1 if members[i] else 0

    return Computed(expression, value, "int")


def case_factor(side: Side) -> Computed:
    """A line's multiplier in the case shown (``Calc_Case``: 1 pessimistic, 2 base,
    3 optimistic): a cost at its high when pessimistic and at its low when optimistic,
    a benefit the reverse; a blank low or high is 1 (100 %)."""

    def expression(c: Callable[[str], str], i: int) -> str:
        low, high = (f'IF({c(key)}="",1,{c(key)})' for key in ("low", "high"))
        worse, better = (high, low) if side == "cost" else (low, high)
        return f"CHOOSE(Calc_Case,{worse},1,{better})"

    def value(ctx: Context, i: int) -> CellValue:
        line = getattr(ctx.scenario, f"{side}s")[i]
        return case_multiplier(ctx.case, side, line.low, line.high)

    return Computed(expression, value, "pct")


class Raw(NamedTuple):
    """A workbook of options: a line's amounts before its option, the adoption and the
    risk (``before``: the formula, given the line's cells, index, year cell and year;
    ``value``: the engine's), and its base amount from them (``after``: given the
    line's cells, the year cell and the raw cell)."""

    before: Callable[[Callable[[str], str], int, str, int], str]
    after: Callable[[Callable[[str], str], str, str], str]
    value: Callable[[Context, int, int], CellValue]


class Total(NamedTuple):
    """A total row under the year columns: its formula over a year's column of lines
    (``span``), and the engine's yearly series it equals."""

    formula: Callable[[str], str]
    series: str  # an attribute of the results, e.g. "direct_costs"
    style: str = "total"


def line_formulas(
    layout: Layout,
    table: Table,
    *,
    computed: dict[str, Computed],
    year: Callable[[Callable[[str], str], int, str, int], str],
    check: tuple[tuple[str, str], str],
    totals: tuple[Total, ...],
    raw: Raw | None = None,
) -> Iterator[Formula]:
    """The formulas of a table of lines with year columns (costs, benefits).

    Each line has its ``computed`` columns (its ``case`` factor among them), its
    total and present value over the years, then one formula per year column: its
    base amount times its case factor. The base amount -- ``year(cell, y, t)``,
    where ``y`` is the year index above the column of year ``t`` -- is in the
    line's row of the base amounts under the table, with its own total and
    present value; all blank on a line without a label. Then its line check
    (``check``: the range of values that make a line, and when a labelled line
    is incomplete). Below the lines, the ``totals``, one formula per year column
    each, and their total and present value. A workbook of options has each line's
    ``raw`` amounts in a block under the base amounts, and the base amounts from them,
    times whether the line counts in the option shown.
    """
    factors = layout.ref("summary", layout.summary_span("discount_factors"))

    def over_years(row: int) -> tuple[str, str]:
        """The total and present value of a row's year columns."""
        span = f"${table.letter('y0')}{row}:${table.letter(f'y{YEARS[-1]}')}{row}"
        return f"SUM({span})", f"SUMPRODUCT({span},{factors})"

    section = table.sheet  # "costs": scenario.costs, results.cost_lines

    def has(ctx: Context, i: int) -> bool:
        return i < len(getattr(ctx.scenario, section))

    def line(ctx: Context, i: int, base: bool) -> LineFlows:
        results = ctx.base if base else ctx.results
        lines: list[LineFlows] = getattr(results, f"{section.removesuffix('s')}_lines")
        return lines[i]

    def flows(ctx: Context, i: int, t: int, base: bool = False) -> CellValue:
        return ctx.year(line(ctx, i, base).values, t) if has(ctx, i) else ""

    def line_total(ctx: Context, i: int, attribute: str, base: bool = False) -> CellValue:
        return float(getattr(line(ctx, i, base), attribute)) if has(ctx, i) else ""

    for i in range(table.capacity):

        def c(key: str, r: int = table.row(i)) -> str:
            return col(table, key, r)

        blank = f'{c(table.columns[0].key)}=""'
        for key, column in computed.items():
            yield Formula(
                table.sheet,
                table.cell(key, i),
                f'=IF({blank},"",{column.expression(c, i)})',
                lambda ctx, i=i, column=column: column.value(ctx, i) if has(ctx, i) else "",
                fmt=column.fmt,
            )
        base_row = layout.sensitivity.base_row(table.sheet, i)
        label = c(table.columns[0].key)
        yield Formula(
            table.sheet,
            f"{table.letter(table.columns[0].key)}{base_row}",
            f'=IF({blank},"",{label})',
            lambda ctx, i=i: line(ctx, i, True).label if has(ctx, i) else "",
            fmt="text",
        )
        for row, base in ((table.row(i), False), (base_row, True)):
            for key, text in zip(("total", "present_value"), over_years(row), strict=True):
                yield Formula(
                    table.sheet,
                    f"{table.letter(key)}{row}",
                    f'=IF({blank},"",{text})',
                    lambda ctx, i=i, key=key, base=base: line_total(ctx, i, key, base),
                )
        for t in YEARS:
            letter = table.letter(f"y{t}")
            y = f"{letter}${table.timeline_row}"
            yield Formula(
                table.sheet,
                table.year_cell(t, i),
                f'=IF({blank},"",{letter}{base_row}*{c("case")})',
                lambda ctx, i=i, t=t: flows(ctx, i, t),
            )
            amount = year(c, i, y, t)
            if layout.capacity.options and raw is not None:  # in the options it belongs to
                raw_cell = f"{letter}{layout.raw_row(table.sheet, i)}"
                yield Formula(
                    table.sheet,
                    raw_cell,
                    f'=IF({blank},"",{raw.before(c, i, y, t)})',
                    lambda ctx, i=i, t=t: raw.value(ctx, i, t) if has(ctx, i) else "",
                )
                amount = f"{raw.after(c, y, raw_cell)}*{c('member')}"
            yield Formula(
                table.sheet,
                f"{letter}{base_row}",
                f'=IF({blank},"",{amount})',
                lambda ctx, i=i, t=t: flows(ctx, i, t, True),
            )
        (first, last), incomplete = check
        yield row_check(table, i, (first, last), f'{c(incomplete)}=""')
    for t in YEARS:
        letter = table.letter(f"y{t}")
        span = f"{letter}${table.first_row}:{letter}${table.last_row}"
        for below, row_total in enumerate(totals):
            yield Formula(
                table.sheet,
                f"{letter}{layout.total_label_row(table, below)}",
                "=" + row_total.formula(span),
                lambda ctx, t=t, row_total=row_total: ctx.year(
                    getattr(ctx.results, row_total.series), t
                ),
                style=row_total.style,
            )
    for below, row_total in enumerate(totals):
        row = layout.total_label_row(table, below)
        for key, text in zip(("total", "present_value"), over_years(row), strict=True):
            yield Formula(
                table.sheet,
                f"{table.letter(key)}{row}",
                "=" + text,
                lambda ctx, key=key, series=row_total.series: _over_years(ctx, series, key),
                style=row_total.style,
            )


def _over_years(ctx: Context, series: str, key: str) -> CellValue:
    """The total or present value of one of the results' yearly series."""
    values: list[float] = getattr(ctx.results, series)
    if key == "total":
        return math.fsum(values)
    return math.fsum(v * f for v, f in zip(values, ctx.results.discount_factors, strict=True))


def _zero(ctx: Context) -> CellValue:
    return 0  # a scenario's lines are complete: the model validated them


def fitted_columns(table: Table) -> list[Column]:
    """The text inputs of a table, whose columns widen to the texts they hold."""
    return [c for c in table.columns if c.fmt == "text" and not c.computed]


def fixed_texts(
    layout: Layout, table: Table, column: Column, sheet_texts: Iterable[Text]
) -> list[str]:
    """What a fitted column shows whatever the scenario: its list's choices, and in
    the first column the labels below the table (totals, customer economics), among
    ``sheet_texts`` (the sheet's constant cells)."""
    listed = column.key != "option"  # the option names are the scenario's
    texts = layout.choices(column.choices) if column.choices and listed else []
    if column is table.columns[0]:
        letter = table.letter(column.key)
        texts += [
            str(t.value)
            for t in sheet_texts
            if t.sheet == table.sheet
            and isinstance(t.value, str)
            and t.style in ("label", "total_label")
            and t.ref[: len(letter)] == letter
            and t.ref[len(letter)].isdigit()
        ]
    return texts


def header_letters(table: Table) -> list[str]:
    """The columns whose header row a table sizes: its columns, the check, the line's
    total and present value, the years."""
    letters = [table.letter(c.key) for c in table.columns] + [table.check_letter]
    if table.years_after:
        letters += [table.letter(c.key) for c in table.year_totals]
        letters += [table.letter(f"y{t}") for t in YEARS]
    return letters


def table_looks(layout: Layout, table: Table, ws: Worksheet, sheet_texts: Iterable[Text]) -> None:
    """Widths, header height, panes, print titles and conditional formats of a table
    (``sheet_texts``: the sheet's constant cells, see :func:`fixed_texts`)."""
    from openpyxl.styles import Alignment

    sheet_texts = list(sheet_texts)
    for column in table.columns:
        ws.column_dimensions[table.letter(column.key)].width = column.width
    for column in fitted_columns(table):
        cells = ws[table.span(column.key).replace("$", "")]
        texts = [str(c.value) for (c,) in cells if c.value is not None]
        fixed = fixed_texts(layout, table, column, sheet_texts)
        fit(ws, table.letter(column.key), [*texts, *fixed], TEXT_CAP)
    model = LINE_MODELS[table.sheet]
    for column in table.columns:
        align = None
        yearly = yearly_field(column.key)  # seats_y1 ..: the line's seats_by_year
        field = column.key if yearly is None else yearly[0]
        if not column.computed and field != "option" and kind(model, field) == "yesno":
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
    fit_header_row(ws, table.header_row, header_letters(table))
    ws.freeze_panes = f"{table.letter(table.columns[1].key)}{table.first_row}"
    top = table.timeline_row if table.years_after else table.header_row
    ws.print_title_rows = f"{top}:{table.header_row}"  # on every printed page
    check = f"{table.check_letter}{table.first_row}:{table.check_letter}{table.last_row}"
    ws.conditional_formatting.add(
        check, rule(f"{table.check_letter}{table.first_row}=1", fill=BAD_FILL)
    )


def total_rows_looks(layout: Layout, table: Table, ws: Worksheet, below: int, indent: bool) -> None:
    """The ``below`` rows under a table's total: italic like their figures, "of which"
    rows indented; years past the horizon greyed out."""
    from openpyxl.styles import Alignment, Font

    first = table.letter(table.columns[0].key)
    for i in range(1, below + 1):
        cell = ws[f"{first}{layout.total_label_row(table, i)}"]
        cell.style = "subtotal"
        if indent:
            cell.alignment = Alignment(horizontal="left", indent=1)
    if table.years_after:
        y0, last = table.letter("y0"), table.letter(f"y{YEARS[-1]}")
        ws.conditional_formatting.add(
            f"{y0}{table.first_row}:{last}{layout.total_label_row(table, 2)}",
            rule(f"{y0}${table.timeline_row}>In_Horizon", font=Font(color="BFBFBF")),
        )
