"""The Sensitivity sheet: how sure are we of the results, given each line's range.

Four parts, top to bottom, then the detail they are computed from:

* **The case shown** -- ``In_Case``, a drop-down of the three cases in the
  workbook's language (the export opens on Base). Every line's year cells are
  its base amount times its case factor (:func:`~crmroi_xl.excel.sheets.tables.case_factor`),
  so the totals, the summary, every result and every chart follow it natively.
* **The three cases** -- NPV, ROI, benefit-cost ratio, present values and
  totals of each case side by side, as formulas: they are linear in the lines'
  multipliers, so each follows from the lines' base present values and totals
  (``SUMPRODUCT`` of the multipliers of the case with them). IRR and payback are
  not linear: the column of the case shown links the summary's, and the sheet
  says to select a case to see them.
* **Break-even** -- PV costs / PV benefits and its inverse, at base.
* **Tornado** -- each line with a range alone at its low and at its high:
  ``npv_low = NPV_base + sign x (low - 1) x PV_line`` (sign -1 for a cost,
  +1 for a counted benefit), sorted by the swing ``(high - low) x |PV_line|``,
  largest first, with the scenario's order on ties -- natively: each line's
  rank counts the larger swings and the equal ones on earlier rows
  (``SUMPRODUCT`` over the detail), and the ten largest are fetched by
  ``MATCH``/``INDEX``; a bar chart shows them. Relative to the base case
  whatever case is shown, since it reads the base amounts. No What-If table.
  The discount rate, the adoption ramp-up and the benefit risk have bars too,
  ranked with the lines' (:mod:`~crmroi_xl.excel.sheets.assumption_bars`).
* **Monte Carlo** -- the engine's :func:`~crmroi_xl.engine.montecarlo.simulate` run at
  export, written as values (cells of the layout's inputs not read back, like
  the IRR start; :mod:`crmroi_xl.excel.simulated` says what they hold):
  statistics, probabilities, a histogram and an S-curve of the NPV with
  P(NPV > 0) marked, labelled with the runs, the seed, the distribution and
  "re-export to refresh". A scenario without a range gets a sentence instead;
  the template says an export fills it. This module writes their titles.

The detail has one row per line of the Costs then the Benefits table: its
range (blank = 100 %), its multiplier in each case, its base total and present
value (from the base amounts under its table), its tornado values, swing and rank.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ...engine.assumption_bars import ASSUMPTION_DRIVERS
from ...engine.sensitivity import CASES, Case, Side, TornadoBar, case_multiplier
from ...errors import InternalError
from ...scenario.labels import label
from ..cosmetics import fit, label_texts, print_scaled
from ..headline import BY_KEY
from ..parts import NA, Bilingual, CellValue, Formula, Text
from ..sensitivity_layout import (
    CASE_COLUMNS,
    CASE_ROWS,
    CURVE_POINTS,
    DETAIL_COLUMNS,
    HISTOGRAM_COLUMNS,
    METRIC_COLUMNS,
    PROBABILITIES,
    STATISTICS,
    TORNADO_BARS,
    TORNADO_COLUMNS,
)
from ..sheet import Context, Sheet
from ..styles import rule
from .assumption_bars import assumption_formulas, assumption_texts, rank_formula
from .marks import mark_formulas, mark_texts
from .spider import spider_formulas, spider_texts
from .targets import target_formulas, target_looks, target_texts

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ...engine.results import LineFlows
    from ..layout import Layout

__all__ = ["SHEET"]

TITLE: Bilingual = (
    "Sensibilité : jusqu'où être sûr du résultat ?",
    "Sensitivity: how sure are we?",
)
NOTE: Bilingual = (
    "Les plages (bas / haut, en % du montant) se saisissent sur les feuilles Coûts et "
    "Bénéfices. Les cas, le seuil de rentabilité et le tornado sont des formules : ils "
    "suivent toute saisie. La simulation de Monte Carlo est calculée à l'export.",
    "Ranges (low / high, as % of the amount) are typed on the Costs and Benefits sheets. "
    "The cases, the break-even and the tornado are formulas: they follow any input. "
    "The Monte Carlo simulation is computed at export.",
)
SELECTOR: dict[str, Bilingual] = {
    "title": ("Cas affiché dans tout le classeur", "Case shown throughout the workbook"),
    "label": ("Cas (liste)", "Case (list)"),
    "note": (
        "Pessimiste : chaque bénéfice à son bas, chaque coût à son haut ; optimiste : "
        "l'inverse ; base : 100 %. Toutes les feuilles, la synthèse et les graphiques suivent.",
        "Pessimistic: every benefit at its low, every cost at its high; optimistic: the "
        "reverse; base: 100%. Every sheet, the summary and the charts follow.",
    ),
}
#: The option shown, under the case, in a workbook of options (``In_Option``).
OPTION_SELECTOR: dict[str, Bilingual] = {
    "label": ("Option affichée (liste)", "Option shown (list)"),
    "note": (
        "Les options et leurs lignes : feuille Hypothèses et colonne Option des coûts et "
        "bénéfices. Toutes les feuilles suivent ; la feuille Comparaison les met côte à côte.",
        "The options and their lines: the Assumptions sheet and the Option column of the "
        "costs and benefits. Every sheet follows; the Comparison sheet sets them side by side.",
    ),
}
CASES_TITLE: Bilingual = ("Les trois cas", "The three cases")
CASES_HEADER: dict[str, Bilingual] = {
    "label": ("Résultat", "Result"),
    "shown": ("Cas affiché (synthèse)", "Case shown (summary)"),
}
CASES_NOTE: Bilingual = (
    "Le TRI et le délai de récupération d'un cas ne se déduisent pas des autres : "
    "choisissez le cas ci-dessus, la colonne « Cas affiché » et la synthèse les donnent.",
    "A case's IRR and payback do not follow from the others: select the case above; "
    "the \u201cCase shown\u201d column and the summary give them.",
)
IRR_START: Bilingual = (
    "Avancé, facultatif : départ du TRI du cas (vide = 10 %)",
    "Advanced, optional: IRR start of the case (blank = 10%)",
)
BREAKEVEN: dict[str, Bilingual] = {
    "title": ("Seuil de rentabilité (cas de base)", "Break-even (base case)"),
    "benefits_factor": (
        "Bénéfices : part qui annule la VAN",
        "Benefits: share that brings the NPV to zero",
    ),
    "costs_factor": (
        "Coûts : facteur qui annule la VAN",
        "Costs: factor that brings the NPV to zero",
    ),
    "benefits_note": (
        "coûts actualisés / bénéfices actualisés : sous cette part des bénéfices, la VAN est "
        "négative",
        "PV of costs / PV of benefits: below this share of the benefits, the NPV is negative",
    ),
    "costs_note": (
        "bénéfices actualisés / coûts actualisés : au-delà de ce multiple des coûts, la VAN est "
        "négative",
        "PV of benefits / PV of costs: beyond this multiple of the costs, the NPV is negative",
    ),
}
TORNADO: dict[str, Bilingual] = {
    "title": ("Tornado : ce qui pèse le plus sur la VAN", "Tornado: what moves the NPV most"),
    "note": (
        "Chaque ligne ayant une plage, seule à son bas puis à son haut, les autres au cas de "
        "base, et le taux d'actualisation, l'adoption et le risque sur les bénéfices (plages "
        "sur la feuille Hypothèses) ; les 10 plus grands écarts d'abord (tout dans le détail "
        "plus bas).",
        "Each line with a range, alone at its low then at its high, the others at base, and "
        "the discount rate, the adoption and the benefit risk (ranges on the Assumptions "
        "sheet); the 10 largest swings first (all in the detail below).",
    ),
    "rank": ("Rang", "Rank"),
    "label": ("Ligne", "Line"),
    "side": ("Coût ou bénéfice", "Cost or benefit"),
    "low": ("Bas", "Low"),
    "high": ("Haut", "High"),
    "npv_low": ("VAN au bas", "NPV at low"),
    "npv_high": ("VAN au haut", "NPV at high"),
    "swing": ("Écart", "Swing"),
    "delta_low": ("Au bas − VAN de base", "At low − base NPV"),
    "delta_high": ("Au haut − VAN de base", "At high − base NPV"),
}
MONTE_CARLO: dict[str, Bilingual] = {
    "title": ("Simulation de Monte Carlo", "Monte Carlo simulation"),
    "note": (
        "Valeurs calculées par crmroi à l'export, pas des formules : réexporter pour "
        "actualiser après un changement des saisies.",
        "Values computed by crmroi at export, not formulas: re-export to refresh after "
        "changing the inputs.",
    ),
    "statistic": ("Statistique", "Statistic"),
    "payback": ("Délai de récupération", "Payback"),
    "from": ("De", "From"),
    "to": ("À", "To"),
    "middle": ("Centre", "Middle"),
    "runs": ("Tirages", "Runs"),
    "share": ("Part", "Share"),
    "probability": ("Probabilité cumulée", "Cumulative probability"),
    "npv": ("VAN", "NPV"),
    "roi": ("ROI", "ROI"),
    "marker": ("Repère (VAN = 0)", "Marker (NPV = 0)"),
}
DETAIL: dict[str, Bilingual] = {
    "title": (
        "Détail par ligne : plages, multiplicateurs des cas, tornado (calculs)",
        "Detail by line: ranges, case multipliers, tornado (calculations)",
    ),
    "label": ("Ligne", "Line"),
    "side": ("Coût ou bénéfice", "Cost or benefit"),
    "counted": ("Compté (1/0)", "Counted (1/0)"),
    "low": ("Bas", "Low"),
    "high": ("Haut", "High"),
    "pessimistic": ("Multiplicateur pessimiste", "Pessimistic multiplier"),
    "optimistic": ("Multiplicateur optimiste", "Optimistic multiplier"),
    "total": ("Total de base", "Base total"),
    "present_value": ("Valeur actuelle de base", "Base present value"),
    "npv_low": ("VAN au bas", "NPV at low"),
    "npv_high": ("VAN au haut", "NPV at high"),
    "swing": ("Écart", "Swing"),
    "rank": ("Rang", "Rank"),
}
_SIDES: tuple[tuple[str, Side], ...] = (("costs", "cost"), ("benefits", "benefit"))


# --- texts ---------------------------------------------------------------------------------


def texts(layout: Layout) -> Iterator[Text]:
    p = layout.sensitivity

    def text(ref: str, pair: Bilingual, style: str = "label") -> Text:
        return Text("sensitivity", ref, layout.text(pair), style)

    yield text(layout.title_cell, TITLE, "title")
    yield text(layout.note_cell, NOTE, "note")
    yield text(f"A{p.selector_title_row}", SELECTOR["title"], "subtitle")
    yield text(f"A{p.selector_row}", SELECTOR["label"])
    yield text(p.selector_note_cell, SELECTOR["note"], "note")
    if layout.capacity.options:
        yield text(f"A{layout.option_selector_row}", OPTION_SELECTOR["label"])
        yield text(f"D{layout.option_selector_row}", OPTION_SELECTOR["note"], "note")
    yield text(f"A{p.cases_title_row}", CASES_TITLE, "subtitle")
    yield text(f"A{p.cases_header_row}", CASES_HEADER["label"], "header")
    for case in CASES:
        ref = f"{CASE_COLUMNS[case]}{p.cases_header_row}"
        yield Text("sensitivity", ref, layout.word(f"case_{case}"), "header")
    yield text(f"{CASE_COLUMNS['shown']}{p.cases_header_row}", CASES_HEADER["shown"], "header_calc")
    for key in CASE_ROWS:
        yield text(f"A{p.case_row(key)}", BY_KEY[key].title)
    yield text(f"A{p.cases_note_row}", CASES_NOTE, "note")
    yield text(f"A{p.irr_start_row}", IRR_START, "note")
    yield text(f"A{p.breakeven_title_row}", BREAKEVEN["title"], "subtitle")
    for key in ("benefits_factor", "costs_factor"):
        yield text(f"A{p.breakeven_row(key)}", BREAKEVEN[key])
        yield text(f"C{p.breakeven_row(key)}", BREAKEVEN[key.replace("factor", "note")], "note")
    yield text(f"A{p.tornado_title_row}", TORNADO["title"], "subtitle")
    yield text(f"A{p.tornado_note_row}", TORNADO["note"], "note")
    for key, col in TORNADO_COLUMNS.items():
        style = "header" if key == "label" else "header_calc"
        yield text(f"{col}{p.tornado_header_row}", TORNADO[key], style)
    for k in range(TORNADO_BARS):
        yield Text("sensitivity", p.tornado_cell("rank", k), k + 1, "timeline", "int")
    yield from _monte_carlo_texts(layout)
    yield from target_texts(layout)  # the chances of the targets, beside the probabilities
    yield text(f"A{p.detail_title_row}", DETAIL["title"], "subtitle")
    for key, col in DETAIL_COLUMNS.items():
        yield text(f"{col}{p.detail_header_row}", DETAIL[key], "header_calc")
    yield from assumption_texts(layout)
    yield from mark_texts(layout)
    yield from spider_texts(layout)


def _monte_carlo_texts(layout: Layout) -> Iterator[Text]:
    p = layout.sensitivity
    curve = p.curve_columns

    def text(ref: str, pair: Bilingual, style: str = "label") -> Text:
        return Text("sensitivity", ref, layout.text(pair), style)

    yield text(f"A{p.mc_title_row}", MONTE_CARLO["title"], "subtitle")
    yield text(f"A{p.mc_note_row}", MONTE_CARLO["note"], "note")
    yield text(f"A{p.mc_header_row}", MONTE_CARLO["statistic"], "header")
    for metric, col in METRIC_COLUMNS.items():
        yield text(f"{col}{p.mc_header_row}", MONTE_CARLO[metric], "header_calc")
    for key in STATISTICS:
        yield Text(
            "sensitivity", f"A{p.statistic_row(key)}", label(f"simulation_{key}", layout.lang)
        )
    yield Text(
        "sensitivity",
        f"A{p.probability_title_row}",
        label("simulation_probability", layout.lang),
        "subtitle",
    )
    for key in PROBABILITIES:
        yield Text("sensitivity", f"A{p.probability_row(key)}", label(key, layout.lang))
    for key, col in HISTOGRAM_COLUMNS.items():
        yield text(f"{col}{p.histogram_header_row}", MONTE_CARLO[key], "header_calc")
    for key in ("probability", "npv"):
        yield text(f"{curve[key]}{p.histogram_header_row}", MONTE_CARLO[key], "header_calc")
    yield text(p.marker_note_cell, MONTE_CARLO["marker"], "note")
    for k in range(CURVE_POINTS):
        share = k / (CURVE_POINTS - 1)
        ref = f"{curve['probability']}{p.histogram_row(k)}"
        yield Text("sensitivity", ref, share, "calc", "pct")
    for k in range(2):  # the marker: a vertical line at NPV = 0, from 0 to 100 %
        row = p.histogram_row(k)
        yield Text("sensitivity", f"{curve['marker_x']}{row}", 0, "timeline", "int")
        yield Text("sensitivity", f"{curve['marker_y']}{row}", k, "timeline", "pct")


# --- formulas ------------------------------------------------------------------------------


def _line(ctx: Context, sheet: str, i: int) -> LineFlows | None:
    lines: list[LineFlows] = getattr(ctx.base, f"{sheet.removesuffix('s')}_lines")
    return lines[i] if i < len(lines) else None


def _bar(ctx: Context, side: Side, i: int) -> tuple[int, TornadoBar] | None:
    """The tornado bar of a line and its rank (from 0), or None when it has none."""
    if "bars" not in ctx.memo:  # asked by every cell of the detail
        bars = ctx.results.sensitivity.tornado
        ctx.memo["bars"] = {(bar.side, bar.index): (k, bar) for k, bar in enumerate(bars)}
    found: tuple[int, TornadoBar] | None = ctx.memo["bars"].get((side, i))
    return found


def _detail_value(ctx: Context, key: str, sheet: str, side: Side, i: int) -> CellValue:
    line = _line(ctx, sheet, i)
    if line is None:
        return ""
    model = getattr(ctx.scenario, sheet)[i]
    found = _bar(ctx, side, i)
    values: dict[str, Any] = {
        "label": line.label,
        "side": label(side, ctx.lang),
        "counted": 1 if line.counted else 0,
        "low": model.low,
        "high": model.high,
        "pessimistic": case_multiplier("pessimistic", side, model.low, model.high),
        "optimistic": case_multiplier("optimistic", side, model.low, model.high),
        "total": line.total,
        "present_value": line.present_value,
    }
    if key in values:
        return float(values[key]) if not isinstance(values[key], str) else values[key]
    if found is None:
        return ""
    rank, bar = found
    return {
        "npv_low": bar.npv_low,
        "npv_high": bar.npv_high,
        "swing": (bar.high - bar.low) * abs(line.present_value),
        "rank": rank + 1,
    }[key]


def _detail(layout: Layout) -> Iterator[Formula]:
    for sheet, side in _SIDES:
        for i in range(layout.table(sheet).capacity):
            yield from _detail_line(layout, sheet, side, i)


def _detail_line(layout: Layout, sheet: str, side: Side, i: int) -> Iterator[Formula]:
    """The detail's row of line ``i`` of the Costs (``sheet``) or Benefits table."""
    p, table = layout.sensitivity, layout.table(sheet)
    row = p.detail_row(sheet, i)

    def linked(key: str, table_row: int = table.row(i)) -> str:
        """A cell of the line on its sheet (its base row: the base amounts' totals)."""
        return layout.ref(sheet, f"${table.letter(key)}${table_row}")

    def here(key: str) -> str:
        return f"{DETAIL_COLUMNS[key]}{row}"

    base_row = p.base_row(sheet, i)
    label_ref = linked(table.columns[0].key)
    blank = f'{label_ref}=""'
    low, high = (f'IF({linked(k)}="",1,{linked(k)})' for k in ("low", "high"))
    worse, better = (here("high"), here("low")) if side == "cost" else (here("low"), here("high"))
    sign = "-" if side == "cost" else "+"
    npv_base = _absolute(p.cell("npv", "base"))
    uncertain = f"AND({here('counted')}=1,OR({here('low')}<>1,{here('high')}<>1))"
    swing = here("swing")
    cells = {
        "label": (f'=IF({blank},"",{label_ref})', "text"),
        "side": (f'=IF({blank},"",Lbl_{side.capitalize()})', "text"),
        "counted": (f'=IF({blank},"",{1 if side == "cost" else linked("counted")})', "int"),
        "low": (f'=IF({blank},"",{low})', "pct"),
        "high": (f'=IF({blank},"",{high})', "pct"),
        "pessimistic": (f'=IF({blank},"",{worse})', "pct"),
        "optimistic": (f'=IF({blank},"",{better})', "pct"),
        "total": (f'=IF({blank},"",{linked("total", base_row)})', "eur"),
        "present_value": (f'=IF({blank},"",{linked("present_value", base_row)})', "eur"),
        **{
            f"npv_{end}": (
                f'=IF({uncertain},{npv_base}{sign}({here(end)}-1)*{here("present_value")},"")',
                "eur",
            )
            for end in ("low", "high")
        },
        "swing": (
            f'=IF({here("npv_low")}="","",({here("high")}-{here("low")})'
            f"*ABS({here('present_value')}))",
            "eur",
        ),
        # larger swings, and equal ones on earlier rows (the scenario's order on ties)
        "rank": (rank_formula(swing, p.bars_span("swing")), "int"),
    }
    for key, (text, fmt) in cells.items():
        yield Formula(
            "sensitivity",
            here(key),
            text,
            lambda ctx, key=key: _detail_value(ctx, key, sheet, side, i),
            fmt=fmt,
        )


def _absolute(ref: str) -> str:
    """``C9`` -> ``$C$9``."""
    letters = ref.rstrip("0123456789")
    return f"${letters}${ref[len(letters) :]}"


def _case_value(ctx: Context, key: str, case: Case) -> CellValue:
    """The cases table's ``key`` in ``case``, from the base lines and their multipliers."""
    engine = getattr(ctx.base.sensitivity.cases, case)
    if key in ("npv", "roi"):
        value = getattr(engine, key)
        return NA if value is None else value
    sums: dict[str, float] = {}
    for part in ("costs", "benefits"):
        side: Side = "cost" if part == "costs" else "benefit"
        models = getattr(ctx.scenario, part)
        lines: list[LineFlows] = getattr(ctx.base, f"{side}_lines")
        for attribute, prefix in (("present_value", "pv"), ("total", "total")):
            sums[f"{prefix}_{part}"] = math.fsum(
                case_multiplier(case, side, m.low, m.high) * getattr(line, attribute)
                for m, line in zip(models, lines, strict=True)
                if line.counted
            )
    if key == "bcr":
        return NA if sums["pv_costs"] == 0 else sums["pv_benefits"] / sums["pv_costs"]
    return sums[key]


def _shown_value(ctx: Context, key: str) -> CellValue:
    value, _ = BY_KEY[key].evaluate(ctx.results)
    return NA if value is None else value


def _cases(layout: Layout) -> Iterator[Formula]:
    p = layout.sensitivity

    def span(key: str, sheet: str) -> str:
        return p.detail_span(key, sheet)

    sums = {  # row: (the lines' part, the detail's column summed)
        "pv_costs": ("costs", "present_value"),
        "pv_benefits": ("benefits", "present_value"),
        "total_costs": ("costs", "total"),
        "total_benefits": ("benefits", "total"),
    }
    for case in CASES:

        def at(key: str, case: str = case) -> str:
            return p.cell(key, case)

        for key, (part, column) in sums.items():
            # the multipliers of the case (none at base), the counted flags of benefits
            weights = [span(case, part)] if case != "base" else []
            if part == "benefits":
                weights.append(span("counted", part))
            spans = ",".join([*weights, span(column, part)])
            text = f"=SUMPRODUCT({spans})" if weights else f"=SUM({spans})"
            yield Formula(
                "sensitivity",
                at(key),
                text,
                lambda ctx, key=key, case=case: _case_value(ctx, key, case),
            )
        roi_guard = f"IF({at('total_costs')}=0,NA(),"
        bcr_guard = f"IF({at('pv_costs')}=0,NA(),"
        for key, native, udf, fmt in (
            ("npv", f"={at('pv_benefits')}-{at('pv_costs')}", None, "eur"),
            (
                "roi",
                f"={roi_guard}({at('total_benefits')}-{at('total_costs')})/{at('total_costs')})",
                f"={roi_guard}CRM_ROI({at('total_benefits')},{at('total_costs')}))",
                "pct1",
            ),
            (
                "bcr",
                f"={bcr_guard}{at('pv_benefits')}/{at('pv_costs')})",
                f"={bcr_guard}CRM_BCR({at('pv_benefits')},{at('pv_costs')}))",
                "ratio",
            ),
        ):
            yield Formula(
                "sensitivity",
                at(key),
                native,
                lambda ctx, key=key, case=case: _case_value(ctx, key, case),
                style="output" if case == "base" else "calc",
                fmt=fmt,
                udf=udf,
            )
    for key in CASE_ROWS:  # the case shown: the summary's results
        yield Formula(
            "sensitivity",
            p.cell(key, "shown"),
            f"={BY_KEY[key].name}",
            lambda ctx, key=key: _shown_value(ctx, key),
            fmt=BY_KEY[key].fmt,
        )
    benefits, costs = p.cell("pv_benefits", "base"), p.cell("pv_costs", "base")
    for key, above, below in (
        ("benefits_factor", costs, benefits),
        ("costs_factor", benefits, costs),
    ):
        yield Formula(
            "sensitivity",
            f"B{p.breakeven_row(key)}",
            f"=IF({below}=0,NA(),{above}/{below})",
            lambda ctx, key=key: _breakeven(ctx, key),
            style="output",
            fmt="pct1",
        )


def _breakeven(ctx: Context, key: str) -> CellValue:
    value = getattr(ctx.base.sensitivity.breakeven, key)
    return NA if value is None else value


def _tornado_value(ctx: Context, key: str, k: int) -> CellValue:
    """The ``k``-th largest bar's ``key`` (blank past the bars)."""
    bars = ctx.results.sensitivity.tornado
    if k >= len(bars):
        return ""
    bar = bars[k]
    base = ctx.base.sensitivity.cases.base.npv
    if bar.side == "assumption":
        assumption: dict[str, CellValue] = {
            "label": label(f"tornado_{ASSUMPTION_DRIVERS[bar.index]}", ctx.lang),
            "side": label("assumption", ctx.lang),
            "low": bar.low,
            "high": bar.high,
            "npv_low": bar.npv_low,
            "npv_high": bar.npv_high,
            "swing": abs(bar.npv_high - bar.npv_low),
            "delta_low": bar.npv_low - base,
            "delta_high": bar.npv_high - base,
        }
        return assumption[key]
    sheet = "costs" if bar.side == "cost" else "benefits"
    line = _line(ctx, sheet, bar.index)
    if line is None:
        raise InternalError(f"the tornado's bar {bar.label!r} has no line on the {sheet} sheet")
    values: dict[str, CellValue] = {
        "label": bar.label,
        "side": label(bar.side, ctx.lang),
        "low": bar.low,
        "high": bar.high,
        "npv_low": bar.npv_low,
        "npv_high": bar.npv_high,
        "swing": (bar.high - bar.low) * abs(line.present_value),
        "delta_low": bar.npv_low - base,
        "delta_high": bar.npv_high - base,
    }
    return values[key]


def _tornado(layout: Layout) -> Iterator[Formula]:
    """The ten largest bars: each row finds its rank among the bars' (``MATCH``) and
    fetches each column there (``INDEX``); blank past the bars. No helper column."""
    p = layout.sensitivity
    ranks = p.bars_span("rank")
    npv_base = _absolute(p.cell("npv", "base"))
    formats = {"label": "text", "side": "text", "low": "pct", "high": "pct"}
    for k in range(TORNADO_BARS):
        rank = p.tornado_cell("rank", k)
        past = f"{rank}>COUNT({ranks})"
        texts = {
            **{
                key: f'=IF({past},"",INDEX({p.bars_span(key)},MATCH({rank},{ranks},0)))'
                for key in ("label", "side", "low", "high", "npv_low", "npv_high", "swing")
            },
            "delta_low": f'=IF({past},"",{p.tornado_cell("npv_low", k)}-{npv_base})',
            "delta_high": f'=IF({past},"",{p.tornado_cell("npv_high", k)}-{npv_base})',
        }
        for key, text in texts.items():
            yield Formula(
                "sensitivity",
                p.tornado_cell(key, k),
                text,
                lambda ctx, key=key, k=k: _tornado_value(ctx, key, k),
                fmt=formats.get(key, "eur"),
            )


def formulas(layout: Layout) -> Iterator[Formula]:
    p = layout.sensitivity
    yield Formula(
        "sensitivity",
        p.case_index_cell,
        '=IF(In_Case="",2,MATCH(In_Case,List_Cases,0))',
        lambda ctx: CASES.index(ctx.case) + 1,
        style="hidden",  # a helper of the formulas, not for reading
        fmt="int",
    )
    yield from _cases(layout)
    yield from _tornado(layout)
    yield from _detail(layout)
    yield from target_formulas(layout)
    yield from assumption_formulas(layout)
    yield from mark_formulas(layout)
    yield from spider_formulas(layout)


# --- looks ---------------------------------------------------------------------------------


def looks(layout: Layout, ws: Worksheet, formats: dict[str, str]) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils.cell import column_index_from_string
    from openpyxl.worksheet.pagebreak import Break

    p = layout.sensitivity
    ws.sheet_view.showGridLines = False
    ws.column_dimensions["A"].width = 34
    for letter in "BCDEFGHIJKLMNOPQRST":
        ws.column_dimensions[letter].width = 13
    fit(ws, "A", label_texts(ws, "A", ("label",)), 60)
    for row in (p.cases_header_row, p.tornado_header_row, p.mc_header_row, p.detail_header_row):
        ws.row_dimensions[row].height = 30
    ws.row_dimensions[p.histogram_header_row].height = 30
    for ref in (p.selector_note_cell,):
        ws[ref].alignment = Alignment(horizontal="left", vertical="center")
    if layout.capacity.options:
        ws[f"D{layout.option_selector_row}"].alignment = Alignment(
            horizontal="left", vertical="center"
        )
    for k in range(TORNADO_BARS):  # a label longer than the column wraps, never cut
        ws[p.tornado_cell("label", k)].alignment = Alignment(wrap_text=True, vertical="center")
    header = p.cases_header_row
    for case in CASES:  # the column of the case shown, in bold
        col = CASE_COLUMNS[case]
        area = f"{col}{header + 1}:{col}{p.case_row(CASE_ROWS[-1])}"
        ws.conditional_formatting.add(area, rule(f"{col}${header}=In_Case", font=Font(bold=True)))
    first, last = p.hidden_curve_rows  # the S-curve's points: chart data, not printed
    for row in range(first, last + 1):
        ws.row_dimensions[row].hidden = True
    ws.freeze_panes = f"A{p.selector_row + (2 if layout.capacity.options else 1)}"
    ws.print_area = p.print_area
    print_scaled(ws, after=column_index_from_string(p.charts_col) - 1)  # tables, then charts
    # the Monte Carlo's table and charts on pages of their own, under the tornado's chart
    ws.row_breaks.append(Break(id=p.mc_title_row + 1))
    target_looks(layout, ws)


SHEET = Sheet("sensitivity", "70AD47", texts, formulas, looks)
