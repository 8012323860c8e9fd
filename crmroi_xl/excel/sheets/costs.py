"""The Costs sheet: one line per cost, its yearly amounts, totals by nature.

Year 0 holds the one-off amount; years 1 to N the recurring amount of the
line's driver (:mod:`crmroi_xl.drivers`), increased each year, for the line's
duration; every amount times (1 + cost risk). One formula per row along the
years, the year index taken from the timeline above the table.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from openpyxl.worksheet.worksheet import Worksheet

from ... import drivers
from ...engine import cost_base
from ...labels import label
from ..parts import Bilingual, Formula, Sheet, Text
from .tables import (
    Computed,
    Total,
    line_formulas,
    table_looks,
    table_texts,
    timeline,
    total_rows_looks,
)

if TYPE_CHECKING:
    from ..layout import Layout

__all__ = ["SHEET"]

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


def texts(layout: Layout) -> Iterator[Text]:
    return table_texts(layout, layout.costs, TITLE, NOTE, TOTALS)


def formulas(layout: Layout) -> Iterator[Formula]:
    table = layout.costs
    nature = table.span("nature_eff")
    yield from timeline(table)
    yield from line_formulas(
        layout,
        table,
        computed={
            "nature_eff": Computed(
                lambda c: (
                    f'IF({c("nature")}<>"",{c("nature")},IF(COUNTIF(List_IndirectCategories,'
                    f"{c('category')})>0,Lbl_Indirect,Lbl_Direct))"
                ),
                lambda ctx, i: label(ctx.scenario.costs[i].nature, ctx.lang),
                "text",
            ),
            "base": Computed(
                lambda c: drivers.base_formula(drivers.COST_DRIVERS, c),
                lambda ctx, i: cost_base(ctx.scenario.costs[i]),
            ),
        },
        year=lambda c, y: (
            f'IF({y}=0,{c("one_off")},IF(AND({y}<=In_Horizon,OR({c("years")}="",'
            f"{y}<={c('years')})),{c('base')}*(1+{c('annual_increase')})^({y}-1),0))"
            "*(1+In_CostRisk)"
        ),
        check=(("one_off", "years"), "category"),
        totals=(
            Total(lambda span: f"SUM({span})", "costs"),
            Total(lambda span: f"SUMIF({nature},Lbl_Direct,{span})", "direct_costs", "subtotal"),
            Total(
                lambda span: f"SUMIF({nature},Lbl_Indirect,{span})", "indirect_costs", "subtotal"
            ),
        ),
    )


def looks(layout: Layout, ws: Worksheet, formats: dict[str, str]) -> None:
    table = layout.costs
    table_looks(layout, table, ws, texts(layout))
    total_rows_looks(layout, table, ws, below=len(TOTALS) - 1, indent=True)


SHEET = Sheet("costs", "BF8F00", texts, formulas, looks)
