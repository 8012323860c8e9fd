"""The KPIs sheet: each KPI before and after the CRM, its change and its trend.

Values are shown in their unit (percentages as %, amounts in the currency,
by conditional number formats); the change of a percentage is in points
(5 % to 9 % is +4.0 pts, the value 4); the trend is ▲ for an improvement, ▼ for
a deterioration, given the KPI's direction (its usual one unless the line says).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..formulas import guarded, unless_blank
from ..parts import NA, Bilingual, CellValue, Formula, Text
from ..sheet import Context, Sheet
from ..styles import format_rule, rule
from .tables import col, row_check, table_looks, table_texts

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ..layout import Layout

__all__ = ["SHEET", "fraction_rule"]

TITLE: Bilingual = ("Indicateurs clés avant / après le CRM", "KPIs before / after the CRM")
NOTE: Bilingual = (
    "Pourcentages en % (5 % = 0,05). ▲ amélioration, ▼ dégradation.",
    "Percentages in % (5% = 0.05). ▲ improvement, ▼ deterioration.",
)
TRENDS = {True: "▲", False: "▼", None: "="}
POINTS = 100  # percentage points per fraction: the constant PointsPerFraction


def texts(layout: Layout) -> Iterator[Text]:
    return table_texts(layout, layout.kpis, TITLE, NOTE)


def _kpi(ctx: Context, i: int, part: str) -> CellValue:
    if i >= len(ctx.results.kpis):
        return ""
    k = ctx.results.kpis[i]
    if part == "change":  # a percentage's in points
        return k.change * POINTS if k.unit == "percent" else k.change
    if part == "relative_change":
        return NA if k.relative_change is None else k.relative_change
    if part == "higher_eff":
        return ctx.layout.yes_no(ctx.scenario.kpis[i].higher_is_better)
    return TRENDS[k.improved]


def _usual(kind: str) -> str:
    """The usual unit of the KPI ``kind`` (its label), "" for an unknown kind."""
    return f'IFERROR(VLOOKUP({kind},Tbl_KpiDefaults,2,FALSE),"")'


def _percent(unit: str, kind: str) -> str:
    """True where a KPI line is in percent, as the model reads it: its unit says so, or
    it is a rate (its kind's usual unit is percent), whatever its unit says."""
    return f"OR({unit}=Lbl_Percent,{_usual(kind)}=Lbl_Percent)"


def _wrong_unit(unit: str, kind: str) -> str:
    """True where a rate is given another unit than percent (the model refuses it)."""
    return f'AND({unit}<>"",{unit}<>Lbl_Percent,{_usual(kind)}=Lbl_Percent)'


def fraction_rule(layout: Layout, key: str) -> str:
    """The data validation of the KPI column ``key`` (before, after), relative to its first
    cell: a value in percent is a fraction, at most 1 (22 % is typed 22 % or 0.22)."""
    table = layout.kpis
    r = table.first_row
    value = f"{table.letter(key)}{r}"
    return f"OR({value}<=1,NOT({_percent(col(table, 'unit', r), col(table, 'kind', r))}))"


def formulas(layout: Layout) -> Iterator[Formula]:
    table = layout.kpis
    for i in range(table.capacity):
        r = table.row(i)

        def c(key: str, r: int = r) -> str:
            return col(table, key, r)

        kind, before, after = c("kind"), c("before"), c("after")
        points = f"IF({_percent(c('unit'), kind)},PointsPerFraction,1)"
        yield Formula(
            "kpis",
            table.cell("change", i),
            "=" + unless_blank(kind, f"({after}-{before})*{points}"),
            lambda ctx, i=i: _kpi(ctx, i, "change"),
            fmt="num2",
        )
        yield Formula(
            "kpis",
            table.cell("relative_change", i),
            "=" + unless_blank(kind, guarded(before, f"({after}-{before})/ABS({before})")),
            lambda ctx, i=i: _kpi(ctx, i, "relative_change"),
            fmt="pct1",
            udf="=" + unless_blank(kind, guarded(before, f"CRM_CHANGE({before},{after})")),
        )
        given = c("higher_is_better")
        usual = f"VLOOKUP({kind},Tbl_KpiDefaults,3,FALSE)"
        yield Formula(
            "kpis",
            table.cell("higher_eff", i),
            "=" + unless_blank(kind, f'IF({given}<>"",{given},{usual})'),
            lambda ctx, i=i: _kpi(ctx, i, "higher_eff"),
            fmt="text",
        )
        yield Formula(
            "kpis",
            table.cell("trend", i),
            "="
            + unless_blank(
                kind,
                f'IF({after}={before},"{TRENDS[None]}",'
                f"IF(({after}>{before})=({c('higher_eff')}=Lbl_Yes),"
                f'"{TRENDS[True]}","{TRENDS[False]}"))',
            ),
            lambda ctx, i=i: _kpi(ctx, i, "trend"),
            fmt="text",
        )
        unit, kind = c("unit"), c("kind")
        incomplete = (  # a value missing, a rate in another unit, or 22 typed for 22 %
            f'OR({before}="",{after}="",{_wrong_unit(unit, kind)},'
            f"AND({_percent(unit, kind)},OR({before}>1,{after}>1)))"
        )
        yield row_check(table, i, ("before", "after"), incomplete)


def looks(layout: Layout, ws: Worksheet, formats: dict[str, str]) -> None:
    """KPI values in their unit (percentages as %, amounts in the currency) and coloured trends."""
    from openpyxl.styles import Alignment, Font

    table = layout.kpis
    table_looks(layout, table, ws, texts(layout))
    first, last = table.first_row, table.last_row
    unit, kind = f"${table.letter('unit')}{first}", f"${table.letter('kind')}{first}"
    usual = _usual(kind)

    def span(*keys: str) -> str:
        return " ".join(f"{table.letter(k)}{first}:{table.letter(k)}{last}" for k in keys)

    rules = (
        (span("before", "after"), "percent", "pct"),
        (span("change"), "percent", "points"),
        (span("before", "after", "change"), "currency", "eur"),
    )
    for ident, (cells, unit_key, fmt) in enumerate(rules, 300):
        shown = layout.word(unit_key)
        test = (  # a rate is in percent whatever its unit says, as the model reads it
            f'OR({unit}="{shown}",{usual}="{shown}")'
            if unit_key == "percent"
            else f'OR({unit}="{shown}",AND({unit}="",{usual}="{shown}"))'
        )
        ws.conditional_formatting.add(cells, format_rule(test, formats[fmt], ident))
    trend = f"{table.letter('trend')}{first}:{table.letter('trend')}{last}"
    for mark, colour in ((TRENDS[True], "548235"), (TRENDS[False], "C00000")):
        ws.conditional_formatting.add(
            trend, rule(f'${table.letter("trend")}{first}="{mark}"', font=Font(color=colour))
        )
    for key in ("trend", "higher_eff"):
        for row in range(first, last + 1):
            ws[f"{table.letter(key)}{row}"].alignment = Alignment(horizontal="center")


SHEET = Sheet("kpis", "BF8F00", texts, formulas, looks)
