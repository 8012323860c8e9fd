"""The Comparison sheet of a workbook of options: every option side by side, natively.

One column an option (the options block's order). Each option's yearly costs and
benefits are summed from the lines' amounts before any option
(:meth:`~crmroi_xl.excel.layout.Layout.raw_row`): a line counts in option ``o`` when
its Option cell names ``o``, or when it is shared and ``o`` is not the baseline;
costs times ``1 + cost risk`` of ``o``, counted benefits times the adoption of ``o``
(lines that follow the ramp-up) and ``1 - benefit risk`` of ``o``, at the base case.
Then, per option, its TCO (undiscounted and at present value), total benefits,
NPV, ROI, IRR, payback, the incremental NPV, IRR and payback on the difference of
its net flows and the baseline's (blank for the baseline itself), its rank by NPV
(``RANK``), and the Monte Carlo's shares written at export as values. So every
figure follows an edit of an amount, an Option cell or an option's settings.

The IRRs are the Summary's (:func:`~crmroi_xl.excel.headline.irr_chain`): Newton
from 10 %, then from the point the sheet's own search locates (one search an option
for its IRR, one for its incremental IRR, under the yearly blocks:
:mod:`crmroi_xl.excel.irrsearch`), then from the engine's IRR written at export; so
they stay true when an edit moves them far from it. The template's headline cells
call ``CRM_NPV``, ``CRM_IRR``, ``CRM_PAYBACK`` and ``CRM_INCREMENTAL_NPV``/``_IRR``
(against the baseline's net flow, right of the discount factors).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from ...engine.options import Comparison, OptionResults, compare
from ...finance.roots import BRACKET_GRID, SEARCH_STEPS, GridSearch, grid_search
from ..comparison_layout import METRICS, SEARCH_BLOCKS, SEARCHES, SETTINGS, YEARLY
from ..cosmetics import fit, label_texts
from ..headline import irr_chain
from ..irrsearch import SearchPlaces, search_formulas
from ..parts import NA, YEARS, Bilingual, CellValue, Formula, Text
from ..sheet import Context, Sheet

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ..layout import Layout

__all__ = ["SHEET"]

TITLE: Bilingual = ("Comparaison des options", "Options compared")
NOTE: Bilingual = (
    "Cas de base, une colonne par option, en formules sur les lignes des coûts et des "
    "bénéfices (colonne Option) : tout suit une saisie. Les probabilités sont celles de "
    "la simulation de Monte-Carlo calculée à l'export (valeurs).",
    "Base case, one column an option, as formulas over the cost and benefit lines (their "
    "Option column): everything follows an edit. The probabilities are those of the Monte "
    "Carlo simulation computed at export (values).",
)
TITLES: dict[str, Bilingual] = {
    "header": ("Option", "Option"),
    "baseline": ("Référence (1 = oui)", "Baseline (1 = yes)"),
    "tco": ("Coût total de possession (TCO)", "Total cost of ownership (TCO)"),
    "tco_pv": ("TCO en valeur actuelle", "TCO at present value"),
    "total_benefits": ("Bénéfices totaux", "Total benefits"),
    "npv": ("VAN", "NPV"),
    "roi": ("ROI", "ROI"),
    "irr": ("TRI", "IRR"),
    "payback": ("Délai de récupération (années)", "Payback (years)"),
    "incremental_npv": ("VAN incrémentale vs référence", "Incremental NPV vs baseline"),
    "incremental_irr": ("TRI incrémental vs référence", "Incremental IRR vs baseline"),
    "incremental_payback": (
        "Délai incrémental vs référence (années)",
        "Incremental payback vs baseline (years)",
    ),
    "rank": ("Rang par la VAN", "Rank by NPV"),
    "probability_best": (
        "Probabilité d'être la meilleure (calculée à l'export)",
        "Probability of being the best (computed at export)",
    ),
    "probability_beats_baseline": (
        "Probabilité de battre la référence (calculée à l'export)",
        "Probability of beating the baseline (computed at export)",
    ),
    "settings": ("Ce que prend chaque option", "What each option takes"),
    "cost_risk": ("Risque sur les coûts", "Cost risk"),
    "benefit_risk": ("Risque sur les bénéfices", "Benefit risk"),
    "irr_start": ("Avancé : départ du TRI (export)", "Advanced: IRR start (export)"),
    "incremental_irr_start": (
        "Avancé : départ du TRI incrémental (export)",
        "Advanced: incremental IRR start (export)",
    ),
    "costs": ("Coûts par année", "Costs by year"),
    "benefits": ("Bénéfices comptés par année", "Counted benefits by year"),
    "net": (
        "Flux net par année (à droite : facteur d'actualisation, flux net de la référence)",
        "Net flow by year (on the right: discount factor, the baseline's net flow)",
    ),
    "baseline_net": ("Référence", "Baseline"),
    "cumulative": ("Flux net cumulé", "Cumulative net flow"),
    "points": ("Point de récupération (année)", "Payback point (year)"),
    "difference": ("Flux net moins celui de la référence", "Net flow less the baseline's"),
    "difference_cumulative": ("Différence cumulée", "Cumulative difference"),
    "difference_points": ("Point de récupération incrémental", "Incremental payback point"),
    "chart": (
        "Flux net cumulé, pour le graphique (#N/A : rien à tracer)",
        "Cumulative net flow, for the chart (#N/A: nothing to draw)",
    ),
}
_SEARCHED: dict[str, Bilingual] = {
    "irr": ("TRI", "IRR"),
    "incremental_irr": ("TRI incrémental", "Incremental IRR"),
}
_SEARCH_TITLES: dict[str, Bilingual] = {
    "sign": ("VAN ≥ 0 (1/0) à chaque taux", "NPV ≥ 0 (1/0) at each rate"),
    "distance": (
        "écart à 10 % si la VAN change de signe",
        "distance to 10% if the NPV changes sign",
    ),
    "low": ("dichotomies : bas", "halvings: low"),
    "high": ("dichotomies : haut", "halvings: high"),
    "middle": (
        "dichotomies : milieu (le dernier : le point trouvé)",
        "halvings: middle (the last: the point located)",
    ),
    "step_sign": ("dichotomies : VAN ≥ 0 au milieu (1/0)", "halvings: NPV ≥ 0 at the middle (1/0)"),
}
_FORMATS = {
    "baseline": "int",
    "roi": "pct1",
    "irr": "pct1",
    "payback": "years",
    "incremental_irr": "pct1",
    "incremental_payback": "years",
    "rank": "int",
    "cost_risk": "pct",
    "benefit_risk": "pct",
    "points": "num2",
    "difference_points": "num2",
}


def texts(layout: Layout) -> Iterator[Text]:
    if not layout.capacity.options:
        return
    p = layout.comparison

    def text(ref: str, key: str, style: str = "label") -> Text:
        return Text("comparison", ref, layout.text(TITLES[key]), style)

    yield Text("comparison", layout.title_cell, layout.text(TITLE), "title")
    yield Text("comparison", layout.note_cell, layout.text(NOTE), "note")
    yield text(f"A{p.header_row}", "header", "header")
    for key in METRICS:
        yield text(f"A{p.row(key)}", key)
    yield text(f"A{p.settings_title_row}", "settings", "subtitle")
    for key in SETTINGS:
        if key.startswith("adoption_"):
            year = key.removeprefix("adoption_")
            ref = f"A{p.row(key)}"
            word = layout.text(("Adoption année", "Adoption year"))
            yield Text("comparison", ref, f"{word} {year}")
        else:
            yield text(f"A{p.row(key)}", key)
    row = p.block_title_row("net")
    yield text(f"{p.baseline_cell(0)[0]}{row}", "baseline_net", "header")
    for block in YEARLY:
        yield text(f"A{p.block_title_row(block)}", block, "subtitle")
        for t in YEARS:
            yield Text("comparison", f"A{p.year_row(block, t)}", t, "timeline", "int")
    for search in SEARCHES:
        for block in SEARCH_BLOCKS:
            words = (
                f"{_SEARCHED[search][i]} : {_SEARCH_TITLES[block][i]}"
                if i == 0
                else f"{_SEARCHED[search][i]} search: {_SEARCH_TITLES[block][i]}"
                for i in (0, 1)
            )
            title = layout.text(tuple(words))  # type: ignore[arg-type]
            yield Text("comparison", f"A{p.search_title_row(search, block)}", title, "subtitle")
            grid = block in ("sign", "distance")
            for i in range(len(BRACKET_GRID) if grid else SEARCH_STEPS):
                ref = p.search_cell(search, block, -1, i)
                if grid:
                    yield Text("comparison", ref, float(BRACKET_GRID[i]), "calc", "factor")
                else:
                    yield Text("comparison", ref, i + 1, "timeline", "int")


# --- the engine's values -------------------------------------------------------------------


def _comparison(ctx: Context) -> Comparison:
    if "comparison" not in ctx.memo:
        assert ctx.book is not None
        ctx.memo["comparison"] = ctx.book.comparison or compare(ctx.book.scenario)
    found: Comparison = ctx.memo["comparison"]
    return found


def _option(ctx: Context, k: int) -> OptionResults | None:
    options = _comparison(ctx).options
    return options[k] if k < len(options) else None


def _defined(value: float | None) -> CellValue:
    return NA if value is None else value


def _metric(ctx: Context, key: str, k: int) -> CellValue:
    option = _option(ctx, k)
    if option is None:
        return ""
    r = option.results
    values: dict[str, Any] = {
        "baseline": 1 if option.baseline else 0,
        "tco": option.tco,
        "tco_pv": option.tco_pv,
        "total_benefits": r.total_benefits,
        "npv": r.npv,
        "roi": _defined(r.roi),
        "irr": _defined(r.irr),
        "payback": _defined(r.payback),
        "rank": option.rank,
    }
    if key in values:
        found: CellValue = values[key]
        return found
    if option.baseline:
        return ""  # no increment over itself
    return _defined(getattr(option, key))


def _setting(ctx: Context, key: str, k: int) -> CellValue:
    option = _option(ctx, k)
    if option is None:
        return ""
    assert ctx.book is not None
    from ...engine.options import option_scenario

    a = option_scenario(ctx.book.scenario, option.name).assumptions
    if key.startswith("adoption_"):
        t = int(key.removeprefix("adoption_"))
        return a.adoption[min(t, len(a.adoption)) - 1]
    value: float = getattr(a, key)
    return value


def _base_net(ctx: Context) -> list[float]:
    comparison = _comparison(ctx)
    base = next((o for o in comparison.options if o.baseline), None)
    if base is None:
        return [0.0] * len(comparison.options[0].results.net_flow)
    return base.results.net_flow


def _yearly(ctx: Context, block: str, k: int, t: int) -> CellValue:
    option = _option(ctx, k)
    if option is None or t > ctx.horizon:
        return NA if block == "chart" else ""
    r = option.results
    if block in ("costs", "benefits"):
        return (r.costs if block == "costs" else r.benefits)[t]
    if block == "net":
        return r.net_flow[t]
    if block in ("cumulative", "chart"):
        return r.cumulative_flow[t]
    difference = [a - b for a, b in zip(r.net_flow, _base_net(ctx), strict=True)]
    cumulative = [sum(difference[: s + 1]) for s in range(len(difference))]
    if block == "difference":
        return difference[t]
    if block == "difference_cumulative":
        return cumulative[t]
    flows, totals = (
        (r.net_flow, r.cumulative_flow) if block == "points" else (difference, cumulative)
    )
    if t > 0 and totals[t - 1] < 0 <= totals[t]:
        return (t - 1) + (-totals[t - 1]) / flows[t]
    return ""


# --- the formulas --------------------------------------------------------------------------


def _irr(flows: str, located: str, start: str) -> str:
    """The IRR of ``flows`` as the Summary's (:func:`~crmroi_xl.excel.headline.irr_chain`):
    Newton from 10 %, from the point this sheet's search ``located``, from the start
    written at export (the engine's); #N/A without a change of sign."""
    stored = f'IF({start}="",IrrDefaultGuess,{start})'
    chain = irr_chain(flows, located, stored)
    return f'IF(OR(COUNTIF({flows},">0")=0,COUNTIF({flows},"<0")=0),NA(),{chain})'


def _search(ctx: Context, search: str, k: int) -> GridSearch | None:
    """The engine's IRR search of option ``k``'s net flows (or their difference with the
    baseline's), years 0 to 10 (zero past the horizon); None for an empty slot."""
    key = f"comparison_search_{search}_{k}"
    if key not in ctx.memo:
        option = _option(ctx, k)
        if option is None:
            ctx.memo[key] = None
        else:
            block = SEARCHES[search]
            flows = [_yearly(ctx, block, k, t) for t in YEARS]
            numbers = [v if isinstance(v, float | int) else 0.0 for v in flows]
            ctx.memo[key] = grid_search(np.array(numbers, dtype=float))
    found: GridSearch | None = ctx.memo[key]
    return found


def _places(layout: Layout, search: str, k: int) -> SearchPlaces:
    """Where option ``k``'s search lies on the sheet."""
    p = layout.comparison

    def grid(column: str, i: int) -> str:
        if column == "rate":
            return f"$A${p.search_cell(search, 'sign', -1, i)[1:]}"
        return p.search_cell(search, column, k, i)

    def step(column: str, i: int) -> str:
        block = {"sign": "step_sign", "step": "low"}.get(column, column)
        return p.search_cell(search, block, -1 if column == "step" else k, i)

    def span(column: str, count: int) -> str:
        first, last = grid(column, 0), grid(column, count - 1)
        if column == "rate":
            return f"{first}:{last}"
        return f"${first[0]}${first[1:]}:${last[0]}${last[1:]}"

    return SearchPlaces("comparison", grid, step, span)


def _payback(cumulative: str, points: str) -> str:
    return f"IF(MIN({cumulative})>=0,0,IF(COUNT({points})=0,NA(),MIN({points})))"


def _option_formulas(layout: Layout, k: int) -> Iterator[Formula]:
    """Option slot ``k``'s column: its name, settings, yearly blocks and headline rows."""
    p = layout.comparison
    base = f"${p.baseline_index_cell[0]}${p.baseline_index_cell[1:]}"

    def span(sheet: str, key: str) -> str:
        return layout.ref(sheet, layout.table(sheet).span(key))

    def raw(sheet: str, t: int) -> str:
        table = layout.table(sheet)
        col = table.letter(f"y{t}")
        first, last = layout.raw_row(sheet, 0), layout.raw_row(sheet, table.capacity - 1)
        return layout.ref(sheet, f"${col}${first}:${col}${last}")

    row_k = k + 1
    name = f"{p.col(k)}${p.header_row}"
    option = f"INDEX({layout.ref('assumptions', layout.option_span('name'))},{row_k})"
    yield Formula(
        "comparison",
        f"{p.col(k)}{p.header_row}",
        f'=IF({option}="","",{option})',
        lambda ctx, k=k: o.name if (o := _option(ctx, k)) else "",
        style="header_calc",
        fmt="text",
    )

    def blank(text: str) -> str:
        return f'=IF({name}="","",{text})'

    def at(key: str) -> str:
        return f"{p.col(k)}${p.row(key)}"

    def cells(block: str, first: int = 0) -> str:
        return p.year_span(block, k, first)

    overrides = {
        "cost_risk": "In_CostRisk",
        "benefit_risk": "In_BenefitRisk",
    }
    for key in SETTINGS:
        if key in ("irr_start", "incremental_irr_start"):
            continue  # written at export
        own = f"INDEX({layout.ref('assumptions', layout.option_span(key))},{row_k})"
        if key in overrides:
            general = overrides[key]
        else:
            t = int(key.removeprefix("adoption_"))
            typed = layout.ref("assumptions", f"${layout.adoption_col(t)}${layout.adoption_row}")
            general = f'IF({typed}="",1,{typed})'
        yield Formula(
            "comparison",
            p.cell(key, k),
            blank(f'IF({own}="",{general},{own})'),
            lambda ctx, key=key, k=k: _setting(ctx, key, k),
            fmt="pct",
        )
    baseline = f"INDEX({layout.ref('assumptions', layout.option_span('baseline'))},{row_k})"
    yield Formula(
        "comparison",
        p.cell("baseline", k),
        blank(f"IF({baseline}=Lbl_Yes,1,0)"),
        lambda ctx, k=k: _metric(ctx, "baseline", k),
        fmt="int",
    )

    def member(sheet: str) -> str:
        """1 for the lines that count in this option, 0 for the others (an array)."""
        options = span(sheet, "option")
        return f'(({options}={name})+({options}="")*(1-{at("baseline")}))'

    ramp = span("benefits", "ramp_up")
    for t in YEARS:
        adoption = "1" if t == 0 else at(f"adoption_{t}")
        texts = {
            "costs": f"(1+{at('cost_risk')})*SUMPRODUCT({member('costs')},{raw('costs', t)})",
            "benefits": (
                f"(1-{at('benefit_risk')})*SUMPRODUCT({member('benefits')}"
                f"*({span('benefits', 'counted')}=1)"
                f"*(({ramp}=Lbl_No)+({ramp}<>Lbl_No)*{adoption}),{raw('benefits', t)})"
            ),
            "net": f"{p.year_cell('benefits', k, t)}-{p.year_cell('costs', k, t)}",
            "cumulative": f"SUM({p.col(k)}${p.year_row('net', 0)}:{p.year_cell('net', k, t)})",
            "difference": (
                f"{p.year_cell('net', k, t)}-IF({base}=0,0,INDEX({p.across('net', t)},1,{base}))"
            ),
            "difference_cumulative": (
                f"SUM({p.col(k)}${p.year_row('difference', 0)}:{p.year_cell('difference', k, t)})"
            ),
        }
        if t > 0:
            for block, (total, flow) in {
                "points": ("cumulative", "net"),
                "difference_points": ("difference_cumulative", "difference"),
            }.items():
                before, now = p.year_cell(total, k, t - 1), p.year_cell(total, k, t)
                texts[block] = (
                    f'IF(AND({before}<0,{now}>=0),{t - 1}+(-{before})/{p.year_cell(flow, k, t)},"")'
                )
        yield Formula(
            "comparison",
            p.year_cell("chart", k, t),
            f'=IF(OR({name}="",{t}>In_Horizon),NA(),{p.year_cell("cumulative", k, t)})',
            lambda ctx, k=k, t=t: _yearly(ctx, "chart", k, t),
        )
        for block, text in texts.items():
            yield Formula(
                "comparison",
                p.year_cell(block, k, t),
                blank(f'IF({t}>In_Horizon,"",{text})'),
                lambda ctx, block=block, k=k, t=t: _yearly(ctx, block, k, t),
                fmt=_FORMATS.get(block, "eur"),
            )
    for search, block in SEARCHES.items():
        yield from search_formulas(
            _places(layout, search, k),
            p.year_cell(block, k, 0),
            cells(block, 1),
            partial(_search, search=search, k=k),
            lambda text: f'IF({name}="","",{text})',
        )
    located = _places(layout, "incremental_irr", k).located
    factors = p.discount_span
    metrics = {
        "tco": f"SUM({cells('costs')})",
        "tco_pv": f"SUMPRODUCT({cells('costs')},{factors})",
        "total_benefits": f"SUM({cells('benefits')})",
        "npv": f"SUMPRODUCT({cells('net')},{factors})",
        "roi": f"IF({at('tco')}=0,NA(),({at('total_benefits')}-{at('tco')})/{at('tco')})",
        "irr": _irr(cells("net"), _places(layout, "irr", k).located, at("irr_start")),
        "payback": _payback(cells("cumulative"), cells("points", 1)),
        "incremental_npv": (
            f'IF({at("baseline")}=1,"",{at("npv")}-IF({base}=0,0,INDEX({p.span("npv")},1,{base})))'
        ),
        "incremental_irr": (
            f'IF({at("baseline")}=1,"",'
            f"{_irr(cells('difference'), located, at('incremental_irr_start'))})"
        ),
        "incremental_payback": (
            f'IF({at("baseline")}=1,"",'
            f"{_payback(cells('difference_cumulative'), cells('difference_points', 1))})"
        ),
        "rank": f"RANK({at('npv')},{p.span('npv')})",
    }
    net, baseline = cells("net"), p.baseline_span
    udfs = {  # the template's: the CRM_* functions where they exist
        "npv": f"CRM_NPV(In_DiscountRate,{net})",
        "irr": f'IF(OR(COUNTIF({net},">0")=0,COUNTIF({net},"<0")=0),NA(),CRM_IRR({net}))',
        "payback": f"CRM_PAYBACK({net})",
        "incremental_npv": (
            f'IF({at("baseline")}=1,"",CRM_INCREMENTAL_NPV(In_DiscountRate,{baseline},{net}))'
        ),
        "incremental_irr": (
            f'IF({at("baseline")}=1,"",IF(OR(COUNTIF({cells("difference")},">0")=0,'
            f'COUNTIF({cells("difference")},"<0")=0),NA(),CRM_INCREMENTAL_IRR({baseline},{net})))'
        ),
    }
    for key, text in metrics.items():
        yield Formula(
            "comparison",
            p.cell(key, k),
            blank(text),
            lambda ctx, key=key, k=k: _metric(ctx, key, k),
            fmt=_FORMATS.get(key, "eur"),
            udf=blank(udfs[key]) if key in udfs else None,
        )


def formulas(layout: Layout) -> Iterator[Formula]:
    if not layout.capacity.options:
        return
    p = layout.comparison
    yield Formula(
        "comparison",
        p.baseline_index_cell,
        f"=IFERROR(MATCH(Lbl_Yes,{layout.ref('assumptions', layout.option_span('baseline'))},0),0)",
        lambda ctx: 0 if ctx.book is None or ctx.book.baseline is None else ctx.book.baseline + 1,
        style="hidden",
        fmt="int",
    )
    for k in range(layout.capacity.options):
        yield from _option_formulas(layout, k)
    base = f"${p.baseline_index_cell[0]}${p.baseline_index_cell[1:]}"
    for t in YEARS:
        yield Formula(
            "comparison",
            p.baseline_cell(t),
            f'=IF({t}>In_Horizon,"",IF({base}=0,0,INDEX({p.across("net", t)},1,{base})))',
            lambda ctx, t=t: "" if t > ctx.horizon else _base_net(ctx)[t],
        )
        yield Formula(
            "comparison",
            p.discount_cell(t),
            f'=IF({t}>In_Horizon,"",1/(1+In_DiscountRate)^{t})',
            lambda ctx, t=t: "" if t > ctx.horizon else ctx.results.discount_factors[t],
            fmt="factor",
        )


def looks(layout: Layout, ws: Worksheet, formats: dict[str, str]) -> None:
    from openpyxl.styles import Alignment
    from openpyxl.utils import column_index_from_string, get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    if not layout.capacity.options:
        return
    p = layout.comparison
    ws.sheet_view.showGridLines = False
    ws.column_dimensions["A"].width = 44
    for k in range(layout.capacity.options + 1):
        ws.column_dimensions[p.col(k)].width = 16
    fit(ws, "A", label_texts(ws, "A", ("label",)), 60)
    for k in range(layout.capacity.options):
        ws[f"{p.col(k)}{p.header_row}"].alignment = Alignment(horizontal="center", wrap_text=True)
    ws.freeze_panes = f"B{p.header_row + 1}"
    # printed: the table (headline rows and what each option takes) on one landscape
    # page, the chart on the next (a column break between them); the yearly blocks
    # and the IRR searches are not (one range: Gnumeric reads no union of ranges)
    chart = column_index_from_string(p.chart_anchor.rstrip("0123456789"))
    last = max(p.row(SETTINGS[-1]), p.header_row + 18)
    ws.print_area = f"A1:{get_column_letter(chart + 10)}{last}"
    ws.col_breaks.append(Break(id=chart - 1))
    if ws.sheet_properties.pageSetUpPr is not None:  # a page each, at one scale
        ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = 80


SHEET = Sheet("comparison", "70AD47", texts, formulas, looks)
