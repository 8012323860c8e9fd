"""The Costs sheet: one line per cost, its yearly amounts, totals by nature.

Year 0 holds the one-off amount; years 1 to N the recurring amount of the
line's driver (:mod:`crmroi_xl.scenario.drivers`), increased each year, for the line's
duration; every amount times (1 + cost risk). One formula per row along the
years, the year index taken from the timeline above the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ...engine.flows import cost_base, cost_flows
from ...engine.sensitivity import case_multiplier
from ...scenario import drivers
from ...scenario.labels import label
from ..formulas import number
from ..parts import YEARS, Bilingual, CellValue, Formula, Text
from ..sheet import Context, Sheet
from .tables import (
    Computed,
    Raw,
    Total,
    case_factor,
    go_live_share,
    line_formulas,
    membership,
    table_looks,
    table_texts,
    timeline,
    total_rows_looks,
)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ..layout import Layout

__all__ = ["SHEET", "seats_rule"]

TITLE: Bilingual = ("Coûts du CRM", "CRM costs")
NOTE: Bilingual = (
    "Montants en {money} hors taxes, positifs. Année 0 = ponctuel ; années 1 à N = "
    "récurrent : montant par an, ou postes × prix × 12, ou heures × coût horaire ; "
    "chaque année × (1 + risque sur les coûts).",
    "Amounts in {money} excluding VAT, positive. Year 0 = one-off; years 1 to N = "
    "recurring: amount per year, or seats × price × 12, or hours × hourly rate; "
    "every year × (1 + cost risk).",
)
TOTALS: tuple[Bilingual, ...] = (
    ("Total des coûts", "Total costs"),
    ("dont coûts directs", "of which direct"),
    ("dont coûts indirects", "of which indirect"),
)


SEATS_USED: Bilingual = ("Postes retenus chaque année", "Seats used each year")


def texts(layout: Layout) -> Iterator[Text]:
    table = layout.costs
    yield from table_texts(layout, table, TITLE, NOTE, TOTALS)
    label_col = table.letter("label")
    yield Text(
        "costs", f"{label_col}{layout.seats_used_title_row}", layout.text(SEATS_USED), "subtitle"
    )


def seats_rule(layout: Layout) -> str:
    """The data validation of the Seats column, relative to its first cell: seats, a
    positive number, refused on a line whose seats are typed year by year (they would be
    ignored: the ramp replaces them)."""
    table = layout.costs
    seats = table.cell("seats", 0)
    ramp = f"{table.cell('seats_y1', 0)}:{table.cell(f'seats_y{YEARS[-1]}', 0)}"  # its row
    return f"AND(ISNUMBER({seats}),{seats}>=0,COUNT({ramp})=0)"


def _per_year(layout: Layout, i: int, t: int, c: Callable[[str], str]) -> Callable[[str], str]:
    """The cells of line ``i`` in year ``t``: its seats are those the ramp uses that year."""

    def cell(key: str) -> str:
        if key == "seats":
            return f"${layout.costs.letter(f'y{t}')}${layout.seats_row(i)}"
        return c(key)

    return cell


def formulas(layout: Layout) -> Iterator[Formula]:
    table = layout.costs
    nature = table.span("nature_eff")
    yield from timeline(table)

    def before_risk(c: Callable[[str], str], i: int, y: str, t: int) -> str:
        start = f"MAX(1,{c('start_year')})"
        increase_from = f'IF({c("increase_from_year")}="",{start}+1,{c("increase_from_year")})'
        base = drivers.base_formula(drivers.COST_DRIVERS, _per_year(layout, i, t, c))
        return (
            f"(IF({y}={number(c('one_off_year'))},{c('one_off')},0)"
            f'+IF(AND({y}>={start},{y}<=In_Horizon,OR({c("years")}="",{y}<{start}+{c("years")})),'
            f"({base})*(1+{c('annual_increase')})^MAX(0,{y}-{increase_from}+1)"
            f"*IF({_from_go_live(c)},{go_live_share(y)},1),0))"
        )

    def year(c: Callable[[str], str], i: int, y: str, t: int) -> str:
        return f"{before_risk(c, i, y, t)}*(1+{layout.risk('cost')})"

    yield from line_formulas(
        layout,
        table,
        computed={
            "nature_eff": Computed(
                lambda c, i: (
                    f'IF({c("nature")}<>"",{c("nature")},IF(COUNTIF(List_IndirectCategories,'
                    f"{c('category')})>0,Lbl_Indirect,Lbl_Direct))"
                ),
                lambda ctx, i: label(ctx.scenario.costs[i].nature, ctx.lang),
                "text",
            ),
            "base": Computed(
                lambda c, i: drivers.base_formula(drivers.COST_DRIVERS, _per_year(layout, i, 1, c)),
                lambda ctx, i: cost_base(ctx.scenario.costs[i], 1),
            ),
            **({"member": membership("cost")} if layout.capacity.options else {}),
            "case": case_factor("cost"),
            **_books(layout),
        },
        year=year,
        raw=Raw(before_risk, lambda c, y, raw: f"{raw}*(1+Calc_CostRisk)", _raw),
        check=(("one_off", "increase_from_year"), "category"),
        totals=(
            Total(lambda span: f"SUM({span})", "costs"),
            Total(lambda span: f"SUMIF({nature},Lbl_Direct,{span})", "direct_costs", "subtotal"),
            Total(
                lambda span: f"SUMIF({nature},Lbl_Indirect,{span})", "indirect_costs", "subtotal"
            ),
        ),
    )
    yield from _seats(layout)


def _raw(ctx: Context, i: int, t: int) -> CellValue:
    """A cost line's amount in year ``t`` before the risk (a workbook of options)."""
    if "raw_costs" not in ctx.memo:
        a = ctx.scenario.assumptions
        ctx.memo["raw_costs"] = [
            cost_flows(line, a.horizon_years, 0.0, a.go_live_share) for line in ctx.scenario.costs
        ]
    return ctx.year(ctx.memo["raw_costs"][i], t)


def _from_go_live(c: Callable[[str], str]) -> str:
    """Whether a line's recurring amount starts at go-live: as typed, else by category
    (licences and support)."""
    typed, category = c("from_go_live"), c("category")
    return f'IF({typed}="",OR({category}=Lbl_Licences,{category}=Lbl_Support),{typed}=Lbl_Yes)'


def _capital(ctx: Context, i: int) -> float:
    line, risk = ctx.scenario.costs[i], ctx.scenario.assumptions.cost_risk
    if not line.capitalised or (ctx.book is not None and not ctx.book.members[0][i]):
        return 0
    return line.one_off * (1 + risk) * case_multiplier(ctx.case, "cost", line.low, line.high)


def _depreciation(ctx: Context, i: int) -> float:
    line = ctx.scenario.costs[i]
    return _capital(ctx, i) / line.depreciation_years if line.depreciation_years else 0


def _books(layout: Layout) -> dict[str, Computed]:
    """The computed columns the summary's P&L rows read (see
    :data:`~crmroi_xl.excel.columns.BOOKS_COMPUTED`); in a workbook of options, a line
    counts only in the option shown."""
    options, risk = layout.capacity.options, layout.risk("cost")

    def capital(c: Callable[[str], str], i: int) -> str:
        times = f"*{c('member')}" if options else ""
        return f"IF({c('capitalised')}=Lbl_Yes,{c('one_off')}*(1+{risk})*{c('case')}{times},0)"

    return {"capital": Computed(capital, _capital), **_BOOKS}


_BOOKS: dict[str, Computed] = {
    "capital_year": Computed(
        lambda c, i: number(c("one_off_year")),
        lambda ctx, i: ctx.scenario.costs[i].one_off_year,
        "int",
    ),
    "depreciation": Computed(
        lambda c, i: (
            f'IF(OR({c("capitalised")}<>Lbl_Yes,{c("depreciation_years")}=""),0,'
            f"{c('capital')}/{c('depreciation_years')})"
        ),
        _depreciation,
    ),
    "depreciation_end": Computed(
        lambda c, i: f"{c('capital_year')}+{number(c('depreciation_years'))}",
        lambda ctx, i: (
            ctx.scenario.costs[i].one_off_year + (ctx.scenario.costs[i].depreciation_years or 0)
        ),
        "int",
    ),
}


def _seats_used(ctx: Context, i: int, t: int) -> CellValue:
    """Seats cost line ``i`` uses in year ``t`` (year 0: its seats; then the ramp's
    value of the year, the last carrying over)."""
    if i >= len(ctx.scenario.costs):
        return ""
    line = ctx.scenario.costs[i]
    ramp = line.seats_by_year
    if t == 0 or not ramp:
        return line.seats
    return ramp[min(t, len(ramp)) - 1]


def _seats(layout: Layout) -> Iterator[Formula]:
    """The seats each line uses each year: its label again, then year 0 its seats, each
    year after the seats typed on its row for that year, else the year before's."""
    table = layout.costs
    label_col = table.letter("label")
    for i in range(table.capacity):
        key = f"${label_col}{table.row(i)}"
        yield Formula(
            "costs",
            f"{label_col}{layout.seats_row(i)}",
            f'=IF({key}="","",{key})',
            lambda ctx, i=i: ctx.scenario.costs[i].label if i < len(ctx.scenario.costs) else "",
            fmt="text",
        )
        for t in YEARS:
            used = layout.seats_cell(i, t)
            if t == 0:
                seats = number(f"${table.letter('seats')}{table.row(i)}")
                text = f'=IF({key}="","",{seats})'
            else:
                typed = f"${table.letter(f'seats_y{t}')}{table.row(i)}"  # on the line's row
                previous = layout.seats_cell(i, t - 1)
                text = f'=IF({key}="","",IF({typed}<>"",{typed},{previous}))'
            yield Formula(
                "costs", used, text, lambda ctx, i=i, t=t: _seats_used(ctx, i, t), fmt="int"
            )


def looks(layout: Layout, ws: Worksheet, formats: dict[str, str]) -> None:
    table = layout.costs
    table_looks(layout, table, ws, texts(layout))
    total_rows_looks(layout, table, ws, below=len(TOTALS) - 1, indent=True)


SHEET = Sheet("costs", "BF8F00", texts, formulas, looks)
