"""The Checks sheet: reconciliations and input checks, the master check, points to review.

Each check gives a difference (reconciliations: within the tolerance) or a
number of problems (input checks: zero), whether it passed (1/0) and its
status; the master check (shown on the summary) passes when all do. Bounds
come from the scenario model, so the workbook checks what the model accepts.
Under it, points to review flag defaults that flatter the ROI (extra sales
counted at 100 % margin) and flows with several IRRs, without failing the
master check.

Under those, **the IRR search**: the spreadsheet's ``IRR`` is Newton's method
from a starting point, and a start left over from an edit can fail (``#N/A``)
or land on a "root" below -100 %. So the workbook locates the IRR itself, as
the engine does (:func:`crmroi_xl.finance.roots.grid_search`): the NPV's sign at each
rate of a grid from -100 % to 10^8 %, the bracket where it changes sign nearest
the 10 % guess, 30 halvings of it; the summary's IRR then tries Newton from
10 %, from that located point, then from the stored start, and takes the first
result above -100 %. More than one bracket means several IRRs: a point to review.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from ...engine.flows import MARGIN_VOLUMES
from ...finance.roots import BRACKET_GRID, SEARCH_STEPS, GridSearch, grid_search
from ...scenario.fieldinfo import bounds
from ...scenario.labels import label
from ...scenario.model import Assumptions
from ..blocks import REFUSED_LETTERS
from ..cosmetics import fit, fit_header_row, label_texts
from ..irrsearch import SearchPlaces, search_formulas
from ..layout import CHECK_COLUMNS, IRR_GRID_COLUMNS, IRR_STEP_COLUMNS, WARNINGS
from ..parts import YEARS, Bilingual, CellValue, Formula, Text
from ..sheet import Context, Sheet
from ..styles import BAD_FILL, rule
from .guards import guard_formulas, refused_formulas, refused_texts

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ..layout import Layout

__all__ = ["SHEET"]

TITLE: Bilingual = ("Contrôles", "Checks")
NOTE: Bilingual = (
    "1 = contrôle satisfait. Le contrôle général figure sur la synthèse.",
    "1 = check passed. The master check is shown on the summary.",
)
MASTER: Bilingual = ("Contrôle général", "Master check")
TO_REVIEW: Bilingual = (
    "Points à vérifier (hors contrôle général)",
    "Points to review (not in the master check)",
)
IRR_SEARCH: Bilingual = (
    "Recherche du TRI : signe de la VAN sur une grille de taux, puis 30 dichotomies "
    "de l'intervalle le plus proche de 10 %",
    "IRR search: the NPV's sign on a grid of rates, then 30 halvings of the bracket nearest 10%",
)
IRR_HEADERS: dict[str, Bilingual] = {
    "rate": ("Taux", "Rate"),
    "sign": ("VAN ≥ 0 (1/0)", "NPV ≥ 0 (1/0)"),
    "distance": (
        "Écart à 10 % si la VAN change de signe",
        "Distance to 10% if the NPV changes sign",
    ),
    "step": ("Dichotomie", "Halving"),
    "low": ("Bas", "Low"),
    "high": ("Haut", "High"),
    "middle": ("Milieu", "Middle"),
}


def _num(value: float | None) -> str:
    return str(int(value)) if value is not None and float(value).is_integer() else str(value)


def texts(layout: Layout) -> Iterator[Text]:
    yield Text("checks", layout.title_cell, layout.text(TITLE), "title")
    yield Text("checks", layout.note_cell, layout.text(NOTE), "note")
    for letter, title in CHECK_COLUMNS.values():
        yield Text("checks", f"{letter}{layout.check_header_row}", layout.text(title), "header")
    for key, title in layout.checks:
        yield Text("checks", layout.check_cell(key, "title"), layout.text(title))
    yield Text(
        "checks",
        f"{layout.check_col('title')}{layout.master_check_row}",
        layout.text(MASTER),
        "total_label",
    )
    yield Text(
        "checks",
        f"{layout.check_col('title')}{layout.warnings_title_row}",
        layout.text(TO_REVIEW),
        "subtitle",
    )
    for key, words in WARNINGS:
        yield Text("checks", layout.warning_cell(key, "title"), label(words, layout.lang))
    search = f"{layout.check_col('title')}{layout.irr_search_title_row}"
    yield Text("checks", search, layout.text(IRR_SEARCH), "subtitle")
    header_row = layout.irr_search_title_row + 1
    for key, letter in {**IRR_GRID_COLUMNS, **IRR_STEP_COLUMNS}.items():
        header = IRR_HEADERS.get(key, IRR_HEADERS["sign"])
        yield Text("checks", f"{letter}{header_row}", layout.text(header), "header_calc")
    for k, rate in enumerate(BRACKET_GRID):
        yield Text("checks", layout.irr_grid_cell("rate", k), float(rate), "calc", "factor")
    for k in range(SEARCH_STEPS):
        yield Text("checks", layout.irr_step_cell("step", k), k + 1, "calc", "int")
    yield from refused_texts(layout)


def _difference(ctx: Context, key: str) -> CellValue:
    r = ctx.results
    if key == "npv_reconcile":
        return abs(r.npv - math.fsum(r.present_values))
    if key == "cumulative_reconcile":
        return abs(r.cumulative_flow[-1] - r.net_benefit)
    return 0


def _ok(ctx: Context) -> CellValue:
    return label("ok", ctx.lang)  # the engine's scenario passes every check


def _one(ctx: Context) -> CellValue:
    return 1


def _warning(ctx: Context, key: str, column: str) -> CellValue:
    """The points to review: lines whose extra sales count at 100 % margin, lines whose
    KPI worsens (a negative benefit, shown as it is), the IRRs the grid finds."""
    if key == "irr_roots":
        count, allowed = _search(ctx).roots, 1
    else:
        count, allowed = len(getattr(ctx.results, dict(WARNINGS)[key])), 0
    if column == "value":
        return count
    passed = count <= allowed
    if column == "passed":
        return 1 if passed else 0
    return label("ok" if passed else "review", ctx.lang)


def _search(ctx: Context) -> GridSearch:
    """The engine's IRR search over the flows of the workbook's years (0 to 10)."""
    if "irr_search" not in ctx.memo:
        flows = [ctx.year(ctx.results.net_flow, t) for t in range(YEARS[-1] + 1)]
        ctx.memo["irr_search"] = grid_search(np.array(flows, dtype=float))
    found: GridSearch = ctx.memo["irr_search"]
    return found


def _irr_search(layout: Layout) -> Iterator[Formula]:
    """The cells of the IRR search (see the module docstring); the flows are the
    summary's net flow, years 0 to 10."""
    places = SearchPlaces(
        "checks", layout.irr_grid_cell, layout.irr_step_cell, layout.irr_grid_span
    )
    net = layout.ref("summary", layout.summary_span("net_flow", first=1))
    first = layout.ref("summary", layout.summary_cell("net_flow", 0))
    yield from search_formulas(places, first, net, _search)


def formulas(layout: Layout) -> Iterator[Formula]:
    def summary(key: str) -> str:
        return layout.ref("summary", layout.summary_span(key))

    def total(table_key: str, below: int) -> str:
        table = layout.table(table_key)
        return layout.ref(table_key, table.year_row(layout.total_label_row(table, below)))

    def flags(table_key: str) -> str:
        return layout.ref(table_key, layout.table(table_key).span("check"))

    # the cumulative flow of the horizon's last year (later years are blank)
    last_cumulative = f"INDEX({summary('cumulative_flow')},1,In_Horizon+1)"
    low_h, high_h = bounds(Assumptions, "horizon_years")
    low_r, high_r = bounds(Assumptions, "discount_rate")
    differences = {
        "costs_reconcile": f"=ABS(SUM({summary('costs')})-SUM({total('costs', 0)}))",
        "benefits_reconcile": f"=ABS(SUM({summary('benefits')})-SUM({total('benefits', 0)}))",
        "nature_split": (
            f"=ABS(SUM({total('costs', 1)})+SUM({total('costs', 2)})-SUM({total('costs', 0)}))"
        ),
        "npv_reconcile": f"=ABS(Out_NPV-SUM({summary('present_values')}))",
        "cumulative_reconcile": f"=IFERROR(ABS({last_cumulative}-Out_Net_Benefit),1)",
    }
    counts = {
        "name_given": '=IF(In_Name="",1,0)',
        "horizon_valid": (
            f"=IF(AND(ISNUMBER(In_Horizon),In_Horizon>={_num(low_h)},In_Horizon<={_num(high_h)},"
            "In_Horizon=INT(In_Horizon)),0,1)"
        ),
        "rate_valid": (
            f"=IF(AND(ISNUMBER(In_DiscountRate),In_DiscountRate>={_num(low_r)},"
            f"In_DiscountRate<={_num(high_r)}),0,1)"
        ),
        "cost_lines": f"=SUM({flags('costs')})",
        "benefit_lines": f"=SUM({flags('benefits')})",
        "kpi_lines": f"=SUM({flags('kpis')})",
        "channel_lines": f"=SUM({flags('channels')})",
        "customers_complete": '=IF((In_Margin="")=(In_Retention=""),0,1)',
    }
    if layout.capacity.options:  # blank with options named, or naming none of them
        named = f'SUMPRODUCT(({layout.ref("assumptions", layout.option_span("name"))}<>"")*1)'
        counts["option_shown"] = (
            f'=IF(In_Option="",IF({named}>0,1,0),'
            f"IF(ISNUMBER(MATCH(In_Option,{layout.ref('assumptions', layout.option_span('name'))},0)),0,1))"
        )
    guards = guard_formulas(layout)  # against a user's edits and refused inputs
    counts.update({key: text for key, (text, _) in guards.items()})
    for key, _ in layout.checks:
        value, passed = layout.check_cell(key, "value"), layout.check_cell(key, "passed")
        if key in differences:
            yield Formula(
                "checks", value, differences[key], lambda ctx, key=key: _difference(ctx, key)
            )
            test = f"=IF({value}<=Tolerance,1,0)"
        else:
            yield Formula("checks", value, counts[key], lambda ctx: 0, fmt="int")
            test = f"=IF({value}=0,1,0)"
        yield Formula("checks", passed, test, _one, style="check", fmt="int")
        said = guards[key][1] if key in guards else None  # what failed, where
        yield Formula(
            "checks",
            layout.check_cell(key, "status"),
            f"=IF({passed}=1,Lbl_OK,Lbl_Error{'' if said is None else '&' + said})",
            _ok,
            fmt="text",
        )
    benefits = layout.benefits

    def span(key: str) -> str:
        return layout.ref("benefits", benefits.span(key))

    volumes = "+".join(f'({span(v)}<>"")*({span(v)}>0)' for v in MARGIN_VOLUMES)
    margin = span("gross_margin")
    counts = {  # a volume given at a blank margin or 100 %; a negative base (a KPI worsens)
        "full_margin": f'=SUMPRODUCT((({volumes})>0)*((({margin}="")+({margin}=1))>0))',
        "kpi_worsens": f'=COUNTIF({span("base")},"<0")',
        "irr_roots": f"=COUNT({layout.irr_grid_span('distance', len(BRACKET_GRID) - 1)})",
    }
    allowed = {"irr_roots": 1}
    for key, _ in WARNINGS:
        value, passed = layout.warning_cell(key, "value"), layout.warning_cell(key, "passed")
        cells = {  # column: formula, style, format
            "value": (counts[key], "calc", "int"),
            "passed": (f"=IF({value}<={allowed.get(key, 0)},1,0)", "check", "int"),
            "status": (f"=IF({passed}=1,Lbl_OK,Lbl_Review)", "calc", "text"),
        }
        for column, (text, style, fmt) in cells.items():
            yield Formula(
                "checks",
                layout.warning_cell(key, column),
                text,
                lambda ctx, key=key, column=column: _warning(ctx, key, column),
                style=style,
                fmt=fmt,
            )
    first, last = (layout.check_cell(layout.checks[i][0], "passed") for i in (0, -1))
    passed = f"{layout.check_col('passed')}{layout.master_check_row}"
    master = f"=MIN({first}:{last})"
    if layout.capacity.options:  # not OK (rather than #N/A everywhere) without an option shown
        master = f"=IF({last}=0,0,MIN({first}:{last}))"
    yield Formula("checks", passed, master, _one, style="output", fmt="int")
    yield Formula(
        "checks",
        f"{layout.check_col('status')}{layout.master_check_row}",
        f"=IF({passed}=1,Lbl_OK,Lbl_Error)",
        _ok,
        style="output",
        fmt="text",
    )
    yield from _irr_search(layout)
    yield from refused_formulas(layout)


def looks(layout: Layout, ws: Worksheet, formats: dict[str, str]) -> None:
    from openpyxl.styles import Alignment, Font

    widths = {"title": 46, "value": 20, "passed": 11, "status": 10}
    for column, width in widths.items():
        ws.column_dimensions[layout.check_col(column)].width = width
    for letter, width in zip(REFUSED_LETTERS.values(), (60, 9, 40), strict=True):
        ws.column_dimensions[letter].width = width
    title = layout.check_col("title")
    fit(ws, title, label_texts(ws, title, ("label", "total_label")), 60)
    first = layout.check_row(layout.checks[0][0])
    master = layout.master_check_row
    ws.freeze_panes = f"{title}{first}"
    fit_header_row(ws, layout.check_header_row, [letter for letter, _ in CHECK_COLUMNS.values()])
    passed, status, value = (layout.check_col(c) for c in ("passed", "status", "value"))
    ws.conditional_formatting.add(
        f"{passed}{first}:{passed}{master}",
        # not the blank row above the master
        rule(f"AND(ISNUMBER({passed}{first}),{passed}{first}=0)", fill=BAD_FILL),
    )
    ws.conditional_formatting.add(
        f"{status}{first}:{status}{master}",
        rule(f"{status}{first}=Lbl_Error", font=Font(bold=True, color="9C0006"), fill=BAD_FILL),
    )
    review = f"{status}{layout.warnings_title_row + 1}:{status}{ws.max_row}"
    ws.conditional_formatting.add(
        review, rule(f"{review.split(':')[0]}=Lbl_Review", font=Font(bold=True, color="9C5700"))
    )
    # the IRR search is calculation, not a result: on the sheet, not on paper
    last = layout.warning_cell(WARNINGS[-1][0], "status")
    ws.print_area = f"A1:{last}"
    for row in range(first, ws.max_row + 1):
        for letter in (passed, status):
            ws[f"{letter}{row}"].alignment = Alignment(horizontal="center")
        if ws[f"{value}{row}"].number_format == formats["eur"]:
            ws[f"{value}{row}"].number_format = formats["eur_zero"]  # "0 €", like the counts


SHEET = Sheet("checks", "C00000", texts, formulas, looks)
