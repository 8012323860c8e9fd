"""The Channels sheet: each marketing channel's return, then the customer economics.

Per channel and for all of them (the total row): ROAS = revenue / spend,
ROI = (revenue × margin − spend) / spend, CAC = spend / new customers. Below
the table, the customer economics give the
CLV (a customer's margin, weighted by retention and discounted) and the CAC of
all acquisition spend, and their ratio.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...errors import CrmRoiError
from ...finance import metrics
from ..formulas import guarded, unless_blank
from ..layout import CUSTOMER_RESULTS, CUSTOMERS
from ..parts import NA, Bilingual, CellValue, Formula, Text
from ..sheet import Context, Sheet
from .tables import col, row_check, table_looks, table_texts

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ..layout import Layout

__all__ = ["SHEET"]

TITLE: Bilingual = (
    "Canaux marketing et économie client",
    "Marketing channels and customer economics",
)
NOTE: Bilingual = (
    "Montants en {money} par an. ROAS = revenu / dépenses ; ROI = (revenu × marge − "
    "dépenses) / dépenses ; CAC = dépenses / nouveaux clients.",
    "Amounts in {money} a year. ROAS = revenue / spend; ROI = (revenue × margin − "
    "spend) / spend; CAC = spend / new customers.",
)
TOTALS: tuple[Bilingual, ...] = (("Total des canaux", "All channels"),)
#: What the total row says without any channel (its ROAS, ROI and CAC blank), rather
#: than three #N/A (``Out_ROAS`` is still #N/A then).
NO_CHANNEL: Bilingual = ("Aucun canal marketing", "No marketing channel")
CUSTOMER_TITLES: dict[str, Bilingual] = {
    "spend": ("Dépenses d'acquisition retenues", "Acquisition spend used"),
    "new": ("Nouveaux clients retenus", "New customers used"),
    "clv": ("Valeur vie client (CLV)", "Customer lifetime value (CLV)"),
    "cac": ("Coût d'acquisition client (CAC)", "Customer acquisition cost (CAC)"),
    "clv_cac": ("Ratio CLV / CAC", "CLV:CAC ratio"),
}


def texts(layout: Layout) -> Iterator[Text]:
    total = _total_label(layout)  # a formula: it says when there is no channel
    yield from (
        t for t in table_texts(layout, layout.channels, TITLE, NOTE, TOTALS) if t.ref != total
    )
    label_col = layout.channels.letter("name")
    yield Text(
        "channels",
        f"{label_col}{layout.customers_first_row - 1}",
        layout.text(("Économie client", "Customer economics")),
        "subtitle",
    )
    for field, _, title, _ in CUSTOMERS:
        yield Text("channels", f"{label_col}{layout.customer_row(field)}", layout.text(title))
    for key in CUSTOMER_RESULTS:
        row = layout.customer_result_row(key)
        yield Text("channels", f"{label_col}{row}", layout.text(CUSTOMER_TITLES[key]))


def _total_label(layout: Layout) -> str:
    table = layout.channels
    return f"{table.letter('name')}{table.total_row}"


def _or_na(value: float | None) -> CellValue:
    return NA if value is None else value


def _channel(ctx: Context, i: int, part: str) -> CellValue:
    channels = ctx.results.channels
    return _or_na(getattr(channels[i], part)) if i < len(channels) else ""


def _all_channels(ctx: Context, part: str) -> CellValue:
    """The total row's ROI (margin on revenue, blank margin = 100 %) or CAC."""
    channels = ctx.scenario.channels
    spend = [c.spend for c in channels]
    try:
        if part == "roi":
            return metrics.roi([c.attributed_revenue * c.gross_margin for c in channels], spend)
        return metrics.cac(spend, [c.new_customers for c in channels])
    except CrmRoiError:
        return NA  # no spend, or no new customer


def _customers(ctx: Context, part: str) -> CellValue:
    c, channels = ctx.scenario.customers, ctx.scenario.channels
    if part in ("spend", "new"):
        given = None if c is None else (c.acquisition_spend if part == "spend" else c.new_customers)
        if given is not None:
            return given
        if not channels:
            return NA
        field = "spend" if part == "spend" else "new_customers"
        return math.fsum(getattr(ch, field) for ch in channels)
    r = ctx.results
    return _or_na({"clv": r.clv, "cac": r.cac, "clv_cac": r.clv_cac_ratio}[part])


def formulas(layout: Layout) -> Iterator[Formula]:
    table = layout.channels
    for i in range(table.capacity):
        r = table.row(i)

        def c(key: str, r: int = r) -> str:
            return col(table, key, r)

        name, spend, revenue = c("name"), c("spend"), c("attributed_revenue")
        new = c("new_customers")
        margin = f'IF({c("gross_margin")}="",1,{c("gross_margin")})'

        def per_spend(expression: str, name: str = name, spend: str = spend) -> str:
            return "=" + unless_blank(name, guarded(spend, expression))

        yield Formula(
            "channels",
            table.cell("roas", i),
            per_spend(f"{revenue}/{spend}"),
            lambda ctx, i=i: _channel(ctx, i, "roas"),
            fmt="ratio",
            udf=per_spend(f"CRM_ROAS({revenue},{spend})"),
        )
        yield Formula(
            "channels",
            table.cell("roi", i),
            per_spend(f"({revenue}*{margin}-{spend})/{spend}"),
            lambda ctx, i=i: _channel(ctx, i, "roi"),
            fmt="pct1",
            udf=per_spend(f"CRM_ROI({revenue}*{margin},{spend})"),
        )
        yield Formula(
            "channels",
            table.cell("cac", i),
            "=" + unless_blank(name, guarded(new, f"{spend}/{new}")),
            lambda ctx, i=i: _channel(ctx, i, "cac"),
            udf="=" + unless_blank(name, guarded(new, f"CRM_CAC({spend},{new})")),
        )
        yield row_check(table, i, ("spend", "gross_margin"), f'{spend}=""')
    total = table.total_row
    for key in ("spend", "attributed_revenue", "new_customers"):
        yield Formula(
            "channels",
            f"{table.letter(key)}{total}",
            f"=SUM({table.span(key)})",
            lambda ctx, key=key: math.fsum(getattr(c, key) for c in ctx.results.channels),
            style="total",
            fmt="int" if key == "new_customers" else "eur",
        )
    spend, revenue = (f"{table.letter(k)}{total}" for k in ("spend", "attributed_revenue"))

    def unless_none(expression: str) -> str:
        """``expression``, or blank when no channel is named."""
        return f'=IF(COUNTA({table.span("name")})=0,"",{expression})'

    none, title = layout.text(NO_CHANNEL), layout.text(TOTALS[0])
    yield Formula(
        "channels",
        _total_label(layout),
        f'=IF(COUNTA({table.span("name")})=0,"{none}","{title}")',
        lambda ctx: title if ctx.scenario.channels else none,
        style="total_label",
        fmt="text",
    )
    yield Formula(
        "channels",
        f"{table.letter('roas')}{total}",
        unless_none(guarded(spend, f"{revenue}/{spend}")),
        lambda ctx: _or_na(ctx.results.roas) if ctx.scenario.channels else "",
        style="total",
        fmt="ratio",
        udf=unless_none(
            guarded(spend, f"CRM_ROAS({table.span('attributed_revenue')},{table.span('spend')})")
        ),
    )
    revenue_span, margin_span = table.span("attributed_revenue"), table.span("gross_margin")
    margin = f'SUMPRODUCT({revenue_span}*({margin_span}+({margin_span}="")))'  # blank = 100 %
    new = f"{table.letter('new_customers')}{total}"
    totals = {  # key: native formula, UDF formula, format
        "roi": (
            unless_none(guarded(spend, f"({margin}-{spend})/{spend}")),
            unless_none(guarded(spend, f"CRM_ROI({margin},{spend})")),
            "pct1",
        ),
        "cac": (
            unless_none(guarded(new, f"{spend}/{new}")),
            unless_none(guarded(new, f"CRM_CAC({spend},{new})")),
            "eur",
        ),
    }
    for key, (native, udf, fmt) in totals.items():
        yield Formula(
            "channels",
            f"{table.letter(key)}{total}",
            native,
            lambda ctx, key=key: _all_channels(ctx, key) if ctx.scenario.channels else "",
            style="total",
            fmt=fmt,
            udf=udf,
        )
    yield from _customer_formulas(layout)


def _customer_formulas(layout: Layout) -> Iterator[Formula]:
    table = layout.channels
    no_channel = f"COUNTA({table.span('name')})=0"
    total = table.total_row
    spend, new, clv, cac, ratio = (layout.customer_result_cell(k) for k in CUSTOMER_RESULTS)
    yield Formula(
        "channels",
        spend,
        f'=IF(In_AcqSpend="",IF({no_channel},NA(),{table.letter("spend")}{total}),In_AcqSpend)',
        lambda ctx: _customers(ctx, "spend"),
    )
    yield Formula(
        "channels",
        new,
        f'=IF(In_NewCustomers="",IF({no_channel},NA(),{table.letter("new_customers")}{total}),'
        "In_NewCustomers)",
        lambda ctx: _customers(ctx, "new"),
        fmt="int",
    )
    denominator = "(1+In_DiscountRate-In_Retention)"
    missing = 'OR(In_Margin="",In_Retention="")'
    perpetual = f"IF({denominator}<=0,NA(),In_Margin/{denominator})"
    over_years = guarded(
        denominator,
        f"In_Margin*(1-(In_Retention/(1+In_DiscountRate))^In_ClvYears)/{denominator}",
        when_zero="In_Margin*In_ClvYears/(1+In_DiscountRate)",
    )
    yield Formula(
        "channels",
        clv,
        f'=IF({missing},NA(),IF(In_ClvYears="",{perpetual},{over_years}))',
        lambda ctx: _customers(ctx, "clv"),
        style="output",
        udf=f"=IF({missing},NA(),IFERROR(CRM_CLV(In_Margin,In_Retention,In_DiscountRate,"
        f"In_ClvYears),NA()))",
    )
    yield Formula(
        "channels",
        cac,
        "=" + guarded(new, f"{spend}/{new}"),
        lambda ctx: _customers(ctx, "cac"),
        style="output",
        udf="=" + guarded(new, f"CRM_CAC({spend},{new})"),
    )
    either_error = f"OR(ISERROR({clv}),ISERROR({cac}))"
    yield Formula(
        "channels",
        ratio,
        f"=IF({either_error},NA(),{guarded(cac, f'{clv}/{cac}')})",
        lambda ctx: _customers(ctx, "clv_cac"),
        style="output",
        fmt="ratio",
        udf=f"=IF({either_error},NA(),{guarded(cac, f'CRM_CLV_CAC({clv},{cac})')})",
    )


def looks(layout: Layout, ws: Worksheet, formats: dict[str, str]) -> None:
    table_looks(layout, layout.channels, ws, texts(layout))


SHEET = Sheet("channels", "BF8F00", texts, formulas, looks)
