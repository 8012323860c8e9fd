"""The Benefits sheet: one line per benefit, its yearly amounts, counted and left out.

Years 1 to N hold the yearly amount of the line's driver
(:mod:`crmroi_xl.scenario.drivers`), grown each year, times the adoption share of the
year and (1 - benefit risk). Intangible benefits stay visible but are not
counted in the ROI unless the line says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ...engine.flows import benefit_base, benefit_flows
from ...scenario import drivers
from ..layout import KPI_LABELS
from ..parts import Bilingual, CellValue, Formula, Text
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

__all__ = ["SHEET"]

TITLE: Bilingual = ("Bénéfices du CRM", "CRM benefits")
NOTE: Bilingual = (
    "Montants en {money} par an, à partir de l'année 1 : montant, ou ventes × 12 × "
    "valeur × marge, ou heures × coût horaire ; × adoption × (1 − risque sur les "
    "bénéfices).",
    "Amounts in {money} a year from year 1: amount, or sales × 12 × value × margin, "
    "or hours × hourly rate; × adoption × (1 − benefit risk).",
)
TOTALS: tuple[Bilingual, ...] = (
    ("Total des bénéfices comptés", "Total counted benefits"),
    ("Bénéfices intangibles hors ROI", "Intangibles not in ROI"),
)


def texts(layout: Layout) -> Iterator[Text]:
    return table_texts(layout, layout.benefits, TITLE, NOTE, TOTALS)


def _with_kpis(layout: Layout, c: Callable[[str], str]) -> Callable[[str], str]:
    """A line's cells, and ``kpi:KIND``: the change of that KPI in the KPI table."""

    def cell(key: str) -> str:
        return layout.kpi_change(key.removeprefix("kpi:")) if key.startswith("kpi:") else c(key)

    return cell


def _kept(layout: Layout, c: Callable[[str], str], y: str, start: str) -> str:
    """The churn driver's customers kept in year ``y`` per customer saved a year
    (:func:`~crmroi_xl.scenario.drivers.kept_share`, from the churn after the CRM): 1 on
    another driver's line and with ``churn_mode`` yearly."""
    table = layout.kpis
    match = f"MATCH({KPI_LABELS['churn_rate']},{layout.ref('kpis', table.span('kind'))},0)"
    after = f"INDEX({layout.ref('kpis', table.span('after'))},{match})"
    n = f"({y}-{start}+1)"
    return (
        f'IF(OR({c("customers")}="",{c("churn_mode")}=Lbl_Yearly),1,'
        f"IF({after}=0,{n},(1-(1-{after})^{n})/{after}))"
    )


def _year(layout: Layout) -> Callable[[Callable[[str], str], int, str, int], str]:
    risk = layout.risk("benefit")

    def year(c: Callable[[str], str], i: int, y: str, t: int) -> str:
        start = f"MAX(1,{c('start_year')})"
        adoption = f"IF({c('ramp_up')}=Lbl_No,1,INDEX(Calc_Adoption,1,{y}))"
        return (
            f'IF(AND({y}>={start},{y}<=In_Horizon,OR({c("years")}="",{y}<{start}+{c("years")})),'
            f"{c('base')}*{_kept(layout, c, y, start)}*{go_live_share(y)}"
            f"*(1+{c('annual_growth')})^({y}-{start})*{adoption}*(1-{risk}),0)"
        )

    return year


def _raw(layout: Layout) -> Raw:
    """A workbook of options: a benefit's amounts before the adoption and the risk (the
    Comparison sheet applies each option's), and its base amount from them."""

    def before(c: Callable[[str], str], i: int, y: str, t: int) -> str:
        start = f"MAX(1,{c('start_year')})"
        return (
            f'IF(AND({y}>={start},{y}<=In_Horizon,OR({c("years")}="",{y}<{start}+{c("years")})),'
            f"{c('base')}*{_kept(layout, c, y, start)}*{go_live_share(y)}"
            f"*(1+{c('annual_growth')})^({y}-{start}),0)"
        )

    def after(c: Callable[[str], str], y: str, raw: str) -> str:
        adoption = f"IF({c('ramp_up')}=Lbl_No,1,INDEX(Calc_Adoption,1,MAX(1,{y})))"
        return f"{raw}*{adoption}*(1-Calc_BenefitRisk)"

    def value(ctx: Context, i: int, t: int) -> CellValue:
        if "raw_benefits" not in ctx.memo:
            a, kpis = ctx.scenario.assumptions, ctx.scenario.kpis_by_kind()
            ones = [1.0] * a.horizon_years
            ctx.memo["raw_benefits"] = [
                benefit_flows(line, ones, 0.0, kpis, a.go_live_share)
                for line in ctx.scenario.benefits
            ]
        return ctx.year(ctx.memo["raw_benefits"][i], t)

    return Raw(before, after, value)


def formulas(layout: Layout) -> Iterator[Formula]:
    table = layout.benefits
    counted = table.span("counted")
    yield from timeline(table)
    yield from line_formulas(
        layout,
        table,
        computed={
            "counted": Computed(
                lambda c, i: (
                    f'IF({c("include_in_roi")}="",IF({c("category")}=Lbl_Intangible,0,1),'
                    f"IF({c('include_in_roi')}=Lbl_Yes,1,0))"
                ),
                lambda ctx, i: 1 if ctx.results.benefit_lines[i].counted else 0,
                "int",
            ),
            "base": Computed(
                lambda c, i: drivers.base_formula(drivers.BENEFIT_DRIVERS, _with_kpis(layout, c)),
                lambda ctx, i: benefit_base(ctx.scenario.benefits[i], ctx.scenario.kpis_by_kind()),
            ),
            **({"member": membership("benefit")} if layout.capacity.options else {}),
            "case": case_factor("benefit"),
        },
        year=_year(layout),
        raw=_raw(layout),
        check=(("amount_per_year", "years"), "category"),
        totals=(
            Total(lambda span: f"SUMIF({counted},1,{span})", "benefits"),
            Total(lambda span: f"SUMIF({counted},0,{span})", "uncounted_benefits", "subtotal"),
        ),
    )


def looks(layout: Layout, ws: Worksheet, formats: dict[str, str]) -> None:
    table = layout.benefits
    table_looks(layout, table, ws, texts(layout))
    total_rows_looks(layout, table, ws, below=len(TOTALS) - 1, indent=False)


SHEET = Sheet("benefits", "BF8F00", texts, formulas, looks)
