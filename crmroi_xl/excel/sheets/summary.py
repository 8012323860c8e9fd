"""The Summary sheet: the headline results beside their charts, then the yearly flows.

The headline results are :data:`crmroi_xl.excel.headline.HEADLINES`, one row each
under a header row, with its help text; the yearly block links the cost and
benefit totals, then derives the net flow, its cumulative sum, the discount
factors, the present values and the payback points (where a cumulative flow
turns non-negative, interpolated within the year). Years past the horizon are
blank (their year index, and the calendar row's repeat of the horizon's year,
are hidden by a conditional number format: the charts' date axis then ends at
the horizon, see :mod:`crmroi_xl.excel.charts`). The
sheet prints on one page.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...scenario.labels import label
from ..cosmetics import fit, label_texts
from ..headline import BY_KEY, HEADLINES, Headline
from ..layout import ASSUMPTIONS, SUMMARY_ROWS
from ..parts import NA, YEARS, Bilingual, CellValue, Formula, Text
from ..sheet import Context, Sheet
from ..styles import BAD_FILL, NAVY, font, format_rule, rule
from . import aftertax

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ..layout import Layout

__all__ = ["SHEET"]

TITLE: Bilingual = ("Synthèse du ROI du CRM", "CRM ROI summary")
#: After the title, the scenario's name (``In_Name``).
NAME_SHOWN = " \u2014 "
#: After the title, the case the workbook shows (``In_Case``, chosen on the Sensitivity
#: sheet): a summary printed in the pessimistic case says so.
CASE_SHOWN: Bilingual = (" — cas\u00a0: ", " — case: ")
NOTE: Bilingual = (
    "Résultats calculés à partir des feuilles de saisie ; #N/A = non défini "
    "(par exemple pas de canal marketing, donc pas de ROAS).",
    "Results computed from the input sheets; #N/A = not defined "
    "(for instance no marketing channel, so no ROAS).",
)
#: Summary rows that link a total row of the costs or benefits sheet (sheet, row under it).
LINKS: dict[str, tuple[str, int]] = {
    "costs": ("costs", 0),
    "direct_costs": ("costs", 1),
    "indirect_costs": ("costs", 2),
    "benefits": ("benefits", 0),
    "uncounted_benefits": ("benefits", 1),
}
#: The headline block's header row, over its label, value and help columns.
HEADER: dict[str, Bilingual] = {
    "label": ("Résultat", "Result"),
    "value": ("Valeur", "Value"),
    "help": ("Ce que c'est", "What it is"),
}
#: Headline results whose help says "risk-adjusted" only when a risk is set: the risk's
#: input and what the help says without one (a formula, so an edit of the risk shows).
RISK_HELP: dict[str, tuple[str, Bilingual]] = {
    "total_costs": ("cost_risk", ("sans risque sur les coûts", "no cost risk set")),
}
#: Payback points: (its row, the cumulative row it watches, the flow row it divides by).
POINTS = {
    "payback_points": ("cumulative_flow", "net_flow"),
    "discounted_payback_points": ("cumulative_present_values", "present_values"),
}


#: The yearly rows in bold: the net flows and their cumulative sums, before and after tax.
BOLD_ROWS = ("net_flow", "cumulative_flow", "cumulative_present_values", "after_tax_cumulative")

#: The yearly rows with a total and a present value over the years, after them.
TOTALLED: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        ("costs", "direct_costs", "indirect_costs", "benefits", "uncounted_benefits", "net_flow"),
        ("total", "present_value"),
    ),
    "present_values": ("total",),  # the NPV
}
YEAR_TOTALS_TITLES: dict[str, Bilingual] = {
    "total": ("Total", "Total"),
    "present_value": ("Valeur actuelle", "Present value"),
}


def texts(layout: Layout) -> Iterator[Text]:
    yield Text("summary", layout.note_cell, layout.text(NOTE), "note")
    for column, title in HEADER.items():
        ref = f"{layout.headline_col(column)}{layout.headline_header_row}"
        yield Text("summary", ref, layout.text(title), "header")
    for h in HEADLINES:
        yield Text("summary", layout.headline_cell(h.key, "label"), layout.text(h.title))
        if h.key not in RISK_HELP:
            yield Text("summary", layout.headline_cell(h.key, "help"), layout.text(h.help), "note")
    label_col = layout.headline_col("label")
    yield Text(
        "summary",
        f"{label_col}{layout.summary_t_row - 1}",
        layout.text(("Flux annuels", "Yearly flows")),
        "subtitle",
    )
    for key, (title, _) in SUMMARY_ROWS.items():
        yield Text("summary", f"{label_col}{layout.summary_row(key)}", layout.text(title))
    for t in YEARS:
        yield Text("summary", layout.summary_cell("t", t), t, "timeline", "int")
    for key, title in YEAR_TOTALS_TITLES.items():
        ref = f"{layout.summary_total_col(key)}{layout.summary_row('calendar')}"
        yield Text("summary", ref, layout.text(title), "label")


def _yearly(ctx: Context, key: str, t: int) -> CellValue:
    r, a = ctx.results, ctx.scenario.assumptions
    if key == "calendar":
        return a.start_year + min(t, ctx.horizon)
    if t > ctx.horizon:
        return ""
    if key == "discount_factors":
        return 1 / (1 + a.discount_rate) ** t
    if key in POINTS:
        cumulative_key, flow_key = POINTS[key]
        cumulative: list[float] = getattr(r, cumulative_key)
        flows: list[float] = getattr(r, flow_key)
        if 0 < t <= ctx.horizon and cumulative[t - 1] < 0 <= cumulative[t]:
            return (t - 1) + (-cumulative[t - 1]) / flows[t]
        return ""
    values: list[float] = getattr(r, key)
    return values[t]


def _over_years(ctx: Context, row: str, key: str) -> CellValue:
    """A yearly row's total, or present value, over the horizon."""
    values: list[float] = getattr(ctx.results, row)
    if key == "total":
        return math.fsum(values)
    return math.fsum(v * f for v, f in zip(values, ctx.results.discount_factors, strict=True))


def _headline(h: Headline, ctx: Context) -> CellValue:
    if h.key == "check":
        return label("ok", ctx.lang)  # the engine's scenario passes every check
    value, _ = h.evaluate(ctx.results)
    return NA if value is None else value


def title_parts(layout: Layout) -> list[str]:
    """The Summary's title, part by part (formula text).

    The title, the scenario's name (``In_Name``) when there is one, then the case shown
    (``In_Case``); a part to add (an option's name) goes before the case.
    """
    return [
        f'"{layout.text(TITLE)}"',
        f'IF(In_Name="","","{NAME_SHOWN}"&In_Name)',
        f'"{layout.text(CASE_SHOWN)}"&INDEX(List_Cases,Calc_Case)',
    ]


def title_formula(layout: Layout) -> str:
    """The Summary's title as a native formula (it follows an edit of the name or case).

    >>> from crmroi_xl.excel.layout import Layout
    >>> title_formula(Layout("en"))
    '="CRM ROI summary"&IF(In_Name="",""," — "&In_Name)&" — case: "&INDEX(List_Cases,Calc_Case)'
    """
    return "=" + "&".join(title_parts(layout))


def title_value(layout: Layout, name: str, case: str) -> str:
    """What :func:`title_formula` shows for a scenario's ``name`` and ``case``.

    >>> from crmroi_xl.excel.layout import Layout
    >>> title_value(Layout("fr"), "Éditeur A", "pessimistic")
    'Synthèse du ROI du CRM — Éditeur A — cas\xa0: Pessimiste'
    """
    named = NAME_SHOWN + name if name else ""
    return layout.text(TITLE) + named + layout.text(CASE_SHOWN) + layout.word(f"case_{case}")


def formulas(layout: Layout) -> Iterator[Formula]:
    def at(key: str, t: int) -> str:
        return layout.summary_cell(key, t)

    yield Formula(
        "summary",
        layout.title_cell,
        title_formula(layout),
        lambda ctx: title_value(ctx.layout, ctx.scenario.assumptions.name, ctx.case),
        style="title",
        fmt="text",
    )
    first = layout.summary_col(0)
    for t in YEARS:
        col, t_cell = layout.summary_col(t), f"{layout.summary_col(t)}${layout.summary_t_row}"
        texts: dict[str, str] = {
            "net_flow": f"{at('benefits', t)}-{at('costs', t)}",
            "cumulative_flow": f"SUM(${first}{layout.summary_row('net_flow')}:{at('net_flow', t)})",
            "discount_factors": f"1/(1+In_DiscountRate)^{t_cell}",
            "present_values": f"{at('net_flow', t)}*{at('discount_factors', t)}",
            "cumulative_present_values": (
                f"SUM(${first}{layout.summary_row('present_values')}:{at('present_values', t)})"
            ),
        }
        for key, (sheet, below) in LINKS.items():
            table = layout.table(sheet)
            row = layout.total_label_row(table, below)
            texts[key] = layout.ref(sheet, f"{table.letter(f'y{t}')}{row}")
        if t > 0:
            prev = layout.summary_col(t - 1)
            for key, (cumulative, flow) in POINTS.items():
                before, now = f"{prev}{layout.summary_row(cumulative)}", at(cumulative, t)
                texts[key] = (
                    f"IF(AND({before}<0,{now}>=0),{prev}${layout.summary_t_row}"
                    f'+(-{before})/{at(flow, t)},"")'
                )
        # blank past the horizon; the calendar row keeps the horizon's year there, for the
        # charts' date axis (hidden by its number format, see looks)
        formulas = {
            "calendar": f'=IF(In_StartYear="",0,In_StartYear)+MIN({t_cell},In_Horizon)',
            **{key: f'=IF({t_cell}>In_Horizon,"",{text})' for key, text in texts.items()},
        }
        for key, text in formulas.items():
            yield Formula(
                "summary",
                f"{col}{layout.summary_row(key)}",
                text,
                lambda ctx, key=key, t=t: _yearly(ctx, key, t),
                style="timeline" if key == "calendar" else "calc",
                fmt=SUMMARY_ROWS[key][1],
            )
    yield from aftertax.formulas(layout)
    factors = layout.summary_span("discount_factors")
    for series, keys in TOTALLED.items():
        span = layout.summary_span(series)
        for key in keys:
            text = f"=SUM({span})" if key == "total" else f"=SUMPRODUCT({span},{factors})"
            yield Formula(
                "summary",
                f"{layout.summary_total_col(key)}{layout.summary_row(series)}",
                text,
                lambda ctx, series=series, key=key: _over_years(ctx, series, key),
                fmt="eur",
            )
    names = {a.field: a.name for a in ASSUMPTIONS}
    if layout.capacity.options:  # the option shown's risks
        names |= {"cost_risk": layout.risk("cost"), "benefit_risk": layout.risk("benefit")}
    for key, (risk, without) in RISK_HELP.items():
        help_, none = layout.text(BY_KEY[key].help), layout.text(without)
        yield Formula(
            "summary",
            layout.headline_cell(key, "help"),
            f'=IF({names[risk]}=0,"{none}","{help_}")',
            lambda ctx, risk=risk, help_=help_, none=none: (
                help_ if getattr(ctx.scenario.assumptions, risk) else none
            ),
            style="note",
            fmt="text",
        )
    for h in HEADLINES:
        yield Formula(
            "summary",
            layout.headline_cell(h.key),
            h.native(layout),
            lambda ctx, h=h: _headline(h, ctx),
            style="output",
            fmt=h.fmt,
            udf=None if h.udf is None else h.udf(layout),
        )


def looks(layout: Layout, ws: Worksheet, formats: dict[str, str]) -> None:
    """A one-page dashboard: results, the charts beside them, the yearly flows."""
    from openpyxl.styles import Alignment, Border, Font, Side

    label_col, value_col = layout.headline_col("label"), layout.headline_col("value")
    years = [layout.summary_col(t) for t in YEARS]
    totals = [layout.summary_total_col(key) for key in YEAR_TOTALS_TITLES]
    ws.column_dimensions[label_col].width = 34
    ws.column_dimensions[value_col].width = 15
    for letter in years + totals:
        ws.column_dimensions[letter].width = 12.5
    ws.freeze_panes = layout.headline_cell(HEADLINES[0].key)
    ws.sheet_view.showGridLines = False
    ws.row_dimensions[layout.headline_header_row].height = 15
    for h in HEADLINES:
        ws.row_dimensions[layout.headline_row(h.key)].height = 15  # the charts span these rows
        ws[layout.headline_cell(h.key, "help")].alignment = Alignment(horizontal="left", indent=1)
    check = layout.headline_cell("check")
    ws[check].alignment = Alignment(horizontal="right")
    ws.conditional_formatting.add(
        check, rule(f"{check}=Lbl_Error", font=Font(bold=True, color="9C0006"), fill=BAD_FILL)
    )
    line = Side(style="thin", color=NAVY)
    for key in SUMMARY_ROWS:
        row = layout.summary_row(key)
        for cell in (ws[f"{letter}{row}"] for letter in [label_col, value_col, *years, *totals]):
            if key == "calendar":  # the column headings of the yearly table
                cell.font = font(bold=True, color=NAVY)
                cell.border = Border(bottom=line)
            elif key in (*BOLD_ROWS, "after_tax_flow"):
                cell.font = font(bold=True)
                if key in ("net_flow", "after_tax_flow"):
                    cell.border = Border(top=Side(style="thin"))
            elif key == "capitalised":  # the P&L and after-tax rows start here
                cell.border = Border(top=Side(style="thin"))
            elif key in ("direct_costs", "indirect_costs", "uncounted_benefits"):
                cell.font = font(italic=True, color="404040")
    ws[f"{label_col}{layout.summary_row('calendar')}"].alignment = Alignment(horizontal="left")
    top = layout.summary_row(list(SUMMARY_ROWS)[1])
    bottom = layout.summary_row(list(SUMMARY_ROWS)[-1])
    past = f"{years[0]}${layout.summary_t_row}>In_Horizon"
    calendar = layout.summary_row("calendar")
    ws.conditional_formatting.add(  # past the horizon: the year index, and the horizon's
        # calendar year repeated for the charts, not shown
        f"{years[0]}{layout.summary_t_row}:{years[-1]}{calendar}",
        format_rule(past, ";;;", 310),
    )
    ws.conditional_formatting.add(
        f"{years[0]}{top}:{years[-1]}{bottom}", rule(past, font=Font(color="BFBFBF"))
    )
    fit(ws, label_col, label_texts(ws, label_col, ("label", "total_label")), 60)


SHEET = Sheet("summary", "70AD47", texts, formulas, looks, one_page=True)
