"""The Simulation sheet: the Monte Carlo, live -- every probability follows the workbook.

For each run :math:`i` and each uncertain line (a *slot*), the sheet computes the
lattice's uniform :math:`u = (\\mathrm{MOD}(i z + k, R) + s) / R` (the numbers
:mod:`crmroi_xl.engine.lattice` draws from the seed, written at export), then the
line's multiplier from its *current* low and high in the Sensitivity sheet's detail:
``low + width * BETAINV(u, alpha, beta)`` for PERT, the closed-form inverse for the
triangular and uniform distributions. A run's NPV is the NPV no uncertain line
moves plus ``SUMPRODUCT`` of its multipliers and the lines' signed present values;
its ROI likewise from the lines' totals (both are linear in the multipliers).
``PERCENTILE``, ``AVERAGE`` and ``COUNTIF`` give the results. Edit an amount, a
range, the discount rate or the horizon: the detail's present values and ranges
change, and so does every run. Only functions Excel, LibreOffice and Gnumeric
compute alike, one multiplier a cell (Gnumeric does not evaluate ``BETAINV``
element-wise inside ``SUMPRODUCT``).

The cached values are the engine's (:mod:`crmroi_xl.excel.live`):
``simulate(scenario, runs=workbook_runs)`` run by run. A line given a range after
the export has no slot: the Checks sheet says to re-export (its range is not drawn).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from ..live import LIVE_CELLS, Live, live
from ..parts import Bilingual, CellValue, Formula, Text
from ..sheet import Sheet
from ..simulation_layout import AT_EXPORT, PARAMS, RESULTS
from ..styles import BAD_FILL, rule
from ..vectored import Block, block_xml

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ..layout import Layout
    from ..sheet import Context

__all__ = ["SHEET"]

TEXTS: dict[str, Bilingual] = {
    "title": ("Simulation de Monte-Carlo (recalculée en direct)", "Monte Carlo simulation (live)"),
    "note": (
        "Chaque tirage recalcule le multiplicateur de chaque ligne incertaine à partir de ses "
        "bas / haut actuels : modifiez un montant, une plage ou le taux, tout suit.",
        "Each run recomputes each uncertain line's multiplier from its current low / high: "
        "edit an amount, a range or the rate and everything follows.",
    ),
    "none": (
        "Aucun coût ni bénéfice compté n'a de plage (bas / haut) à l'export : pas de "
        "simulation. Saisissez des plages puis réexportez.",
        "No cost or counted benefit had a range (low / high) at export: no simulation. "
        "Type ranges, then re-export.",
    ),
    "new_range": (
        "Une ligne a reçu une plage depuis l'export : elle n'est pas tirée ici. Réexportez.",
        "A line was given a range since the export: it is not drawn here. Re-export.",
    ),
    "changed": (
        "Données modifiées depuis l'export : cette feuille suit, sauf les probabilités de délai "
        "(calculées à l'export) ; le bloc Monte-Carlo de la feuille Sensibilité (délai de "
        "récupération, histogramme) est celui de l'export. Réexportez pour les actualiser.",
        "Inputs changed since the export: this sheet follows, except the payback probabilities "
        "(computed at export); the Sensitivity sheet's Monte Carlo block (payback, histogram) "
        "is as exported. Re-export to refresh them.",
    ),
    "runs_differ": (
        "Le nombre de tirages saisi (Hypothèses) n'est pas celui de cette feuille : réexportez "
        "pour changer le nombre de tirages.",
        "The runs typed on Assumptions are not this sheet's: re-export to change the number "
        "of runs.",
    ),
    "runs_asked": ("Tirages demandés à l'export", "Runs asked at export"),
    "capped": (
        "Plafonnés : tirages × lignes incertaines ≤ {cells} ; la feuille en tient {runs}, "
        "comme crmroi simulate --runs {runs}.",
        "Capped: runs × uncertain lines ≤ {cells}; the sheet holds {runs}, as crmroi "
        "simulate --runs {runs} does.",
    ),
    "payback_target_at_export": (
        "Objectif de délai à l'export (mois)",
        "Payback target at export (months)",
    ),
    "fingerprint": ("Empreinte des données à l'export", "Inputs' fingerprint at export"),
    "runs": ("Tirages", "Runs"),
    "distribution": ("Loi (1 PERT, 2 triangulaire, 3 uniforme)", "Distribution (1 PERT, 2 "
                     "triangular, 3 uniform)"),
    "rest_npv": ("VAN hors lignes incertaines", "NPV of the lines without a range"),
    "rest_costs": ("Coûts totaux hors lignes incertaines", "Total costs of the lines without a range"),
    "rest_benefits": (
        "Bénéfices totaux hors lignes incertaines",
        "Total benefits of the lines without a range",
    ),
    "results": ("Résultats", "Results"),
    "p10": ("VAN P10 (9 chances sur 10 de faire mieux)", "NPV P10 (9 chances in 10 of better)"),
    "p50": ("VAN P50 (médiane)", "NPV P50 (median)"),
    "p90": ("VAN P90 (1 chance sur 10 de faire mieux)", "NPV P90 (1 chance in 10 of better)"),
    "mean": ("VAN moyenne", "Mean NPV"),
    "npv_positive": ("Probabilité VAN > 0", "Probability NPV > 0"),
    "roi_positive": ("Probabilité ROI > 0", "Probability ROI > 0"),
    "roi_p10": ("ROI P10 (9 chances sur 10 de faire mieux)", "ROI P10 (9 chances in 10 of better)"),
    "roi_p90": ("ROI P90 (1 chance sur 10 de faire mieux)", "ROI P90 (1 chance in 10 of better)"),
    "npv_target": ("Probabilité VAN ≥ objectif", "Probability NPV ≥ target"),
    "roi_target": ("Probabilité ROI ≥ objectif", "Probability ROI ≥ target"),
    "payback_target": (
        "Probabilité délai ≤ objectif (calculée à l'export)",
        "Probability payback ≤ target (computed at export)",
    ),
    "payback_horizon": (
        "Probabilité de récupération sur l'horizon (calculée à l'export)",
        "Probability of payback within the horizon (computed at export)",
    ),
    "slots": ("Lignes incertaines (une colonne chacune)", "Uncertain lines (one column each)"),
    "position": ("N° dans le détail", "Row of the detail"),
    "label": ("Ligne", "Line"),
    "low": ("Bas", "Low"),
    "high": ("Haut", "High"),
    "width": ("Largeur", "Width"),
    "alpha": ("Alpha (PERT)", "Alpha (PERT)"),
    "beta": ("Bêta (PERT)", "Beta (PERT)"),
    "mode": ("Place du mode", "Mode's place"),
    "spv": ("Valeur actuelle signée", "Signed present value"),
    "cost_total": ("Total (coût)", "Total (cost)"),
    "benefit_total": ("Total (bénéfice)", "Total (benefit)"),
    "z": ("Générateur z", "Generator z"),
    "k": ("Décalage k", "Offset k"),
    "s": ("Translation s", "Shift s"),
    "run": ("Tirage", "Run"),
    "npv": ("VAN", "NPV"),
    "roi": ("ROI", "ROI"),
}  # fmt: skip

_FORMATS = {
    "rest_npv": "eur",
    "rest_costs": "eur",
    "rest_benefits": "eur",
    "p10": "eur",
    "p50": "eur",
    "p90": "eur",
    "mean": "eur",
    "npv_positive": "pct1",
    "roi_positive": "pct1",
    "roi_p10": "pct1",
    "roi_p90": "pct1",
    "npv_target": "pct1",
    "roi_target": "pct1",
    "label": "text",
    "low": "pct",
    "high": "pct",
    "width": "pct",
    "alpha": "num2",
    "beta": "num2",
    "mode": "pct",
    "spv": "eur",
    "cost_total": "eur",
    "benefit_total": "eur",
}
_PERCENTILES = {"p10": 0.1, "p50": 0.5, "p90": 0.9}


def texts(layout: Layout) -> Iterator[Text]:
    p = layout.simulation
    yield Text("simulation", layout.title_cell, layout.text(TEXTS["title"]), "title")
    if not p.live:
        yield Text("simulation", layout.note_cell, layout.text(TEXTS["none"]), "note")
        return
    yield Text("simulation", layout.note_cell, layout.text(TEXTS["note"]), "note")
    for key in ("runs", "distribution", "rest_npv", "rest_costs", "rest_benefits"):
        yield Text("simulation", f"A{p.row(key)}", layout.text(TEXTS[key]))
    yield Text("simulation", p.cell("runs"), p.runs, "calc", "int")
    yield Text("simulation", p.cell("distribution"), p.code, "calc", "int")
    ref = f"A{int(p.fingerprint_cell[1:])}"
    yield Text("simulation", ref, layout.text(TEXTS["fingerprint"]))
    ref = f"A{int(p.runs_asked_cell[1:])}"
    yield Text("simulation", ref, layout.text(TEXTS["runs_asked"]))
    ref = f"A{int(p.payback_target_cell[1:])}"
    yield Text("simulation", ref, layout.text(TEXTS["payback_target_at_export"]))
    yield Text("simulation", f"A{p.results_title_row}", layout.text(TEXTS["results"]), "subtitle")
    for key in RESULTS:
        yield Text("simulation", f"A{p.row(key)}", layout.text(TEXTS[key]))
    yield Text("simulation", f"A{p.params_title_row}", layout.text(TEXTS["slots"]), "subtitle")
    for key in PARAMS:
        yield Text("simulation", f"A{p.param_row(key)}", layout.text(TEXTS[key]))
    for key in ("run", "npv", "roi"):
        ref = f"{p.run_col(key)}{p.runs_header_row}"
        yield Text("simulation", ref, layout.text(TEXTS[key]), "header_calc")
    for r in range(1, p.runs + 1):
        yield Text("simulation", f"A{p.run_row(r)}", r, "calc", "int")


def _engine(ctx: Context) -> Live:
    if "live" not in ctx.memo:
        ctx.memo["live"] = live(ctx.scenario, ctx.base, ctx.layout.simulation)
    found: Live = ctx.memo["live"]
    return found


def _result(ctx: Context, key: str) -> CellValue:
    engine = _engine(ctx)
    sim = engine.simulation
    if key in _PERCENTILES:
        return float(np.percentile(sim.npv_runs, 100 * _PERCENTILES[key]))
    if key == "mean":
        return float(np.mean(sim.npv_runs))
    if key == "npv_positive":
        return sim.probability.npv_positive
    if key == "roi_positive":
        return sim.probability.roi_positive
    if key in ("npv_target", "roi_target"):
        value = getattr(sim.probability, key)
        return "" if value is None else value
    if key in ("roi_p10", "roi_p90"):
        value = sim.quantile_case(key[-3:])["roi"]
        return "#NUM!" if value is None else value
    return engine.rest[key]


def _param(ctx: Context, key: str, j: int) -> CellValue:
    value = _engine(ctx).param(key, j)
    return value if isinstance(value, str) else float(value)


def _run_values(ctx: Context) -> np.ndarray[Any, np.dtype[np.float64]]:
    """The runs' cells row by row: the NPV, the ROI (NaN: blank) and each slot's
    multiplier (1 in a slot without a line), in one array."""
    engine, slots = _engine(ctx), ctx.layout.simulation.slots
    sim = engine.simulation
    rows = np.ones((sim.runs, 2 + slots))
    rows[:, 0], rows[:, 1] = sim.npv_runs, sim.roi_runs
    rows[:, 2 : 2 + engine.multipliers.shape[1]] = engine.multipliers
    return rows.ravel()


def _run_texts(ctx: Context) -> tuple[list[str], list[str]]:
    """:func:`_run_values` as the workbook caches them: the multipliers' texts come
    from each line's table of texts (one per shape), the NPV's and ROI's are new."""
    engine, slots = _engine(ctx), ctx.layout.simulation.slots
    sim, lines = engine.simulation, engine.multipliers.shape[1]
    texts = np.empty((sim.runs, 2 + slots), dtype=object)
    texts[:, 2 : 2 + lines] = engine.multiplier_texts()
    texts[:, 2 + lines :] = "1.0"  # the slots without a line
    npv_kinds, texts[:, 0] = block_xml(sim.npv_runs)
    roi_kinds, texts[:, 1] = block_xml(sim.roi_runs)
    if not any(npv_kinds) and not any(roi_kinds):  # no blank ROI: every cell a number
        return [""] * texts.size, texts.ravel().tolist()
    kinds = np.full(texts.shape, "", dtype=object)
    kinds[:, 0], kinds[:, 1] = npv_kinds, roi_kinds
    return kinds.ravel().tolist(), texts.ravel().tolist()


#: The runs' cells: one numpy pass gives them all (the fast exporter writes them at once).
_RUNS = Block("simulation.runs", _run_values, _run_texts)


def formulas(layout: Layout) -> Iterator[Formula]:
    p = layout.simulation
    if not p.live:
        return
    s = layout.sensitivity
    base = {
        key: layout.ref(
            "sensitivity", "${}${}".format(s.cell(key, "base")[0], s.cell(key, "base")[1:])
        )
        for key in ("npv", "total_costs", "total_benefits")
    }
    rests = {
        "rest_npv": f"={base['npv']}-SUM({p.param_span('spv')})",
        "rest_costs": f"={base['total_costs']}-SUM({p.param_span('cost_total')})",
        "rest_benefits": f"={base['total_benefits']}-SUM({p.param_span('benefit_total')})",
    }
    for key, text in rests.items():
        yield Formula("simulation", p.cell(key), text, _value(_result, key), fmt=_FORMATS[key])
    npv, roi, runs = p.runs_span("npv"), p.runs_span("roi"), p.cell("runs", absolute=True)
    results = {
        **{k: f"=PERCENTILE({npv},{q})" for k, q in _PERCENTILES.items()},
        "mean": f"=AVERAGE({npv})",
        "npv_positive": f'=COUNTIF({npv},">0")/{runs}',
        "roi_positive": f'=COUNTIF({roi},">0")/{runs}',
        "roi_p10": f"=PERCENTILE({roi},0.1)",
        "roi_p90": f"=PERCENTILE({roi},0.9)",
        "npv_target": f'=IF(In_TargetNpv="","",COUNTIF({npv},">="&In_TargetNpv)/{runs})',
        "roi_target": f'=IF(In_TargetRoi="","",COUNTIF({roi},">="&In_TargetRoi)/{runs})',
    }
    for key, text in results.items():
        yield Formula("simulation", p.cell(key), text, _value(_result, key), fmt=_FORMATS[key])
    for j in range(p.slots):
        yield from _slot(layout, j)
    yield from _runs(layout)
    drawn = layout.ref("sensitivity", s.detail_span("npv_low"))
    swings = layout.ref("sensitivity", s.detail_span("swing"))
    at_export = f"${p.fingerprint_cell[0]}${p.fingerprint_cell[1:]}"
    target_at_export = f"${p.payback_target_cell[0]}${p.payback_target_cell[1:]}"
    new_range, runs_differ, changed = (
        layout.text(TEXTS[k]).replace('"', '""') for k in ("new_range", "runs_differ", "changed")
    )
    moved = f"ABS({base['npv']}+SUM({swings})-{at_export})>1E-9*MAX(1,ABS({at_export}))"
    retargeted = f'In_TargetPayback&""<>{target_at_export}&""'  # as text: blank = blank
    asked = f"${p.runs_asked_cell[0]}${p.runs_asked_cell[1:]}"
    flag = (
        f'=IF(COUNT({drawn})>SUMPRODUCT(({p.param_span("width")}<>0)*1),"{new_range}",'
        f'IF(AND(In_WorkbookRuns<>"",In_WorkbookRuns<>{asked}),"{runs_differ}",'
        f'IF(OR({moved},{retargeted}),"{changed}","")))'
    )
    yield Formula("simulation", p.flag_cell, flag, lambda ctx: "", fmt="text")
    pieces = _capped(layout).split("{runs}")  # the runs laid out, from their cell
    capped = f'"&{runs}&"'.join(piece.replace('"', '""') for piece in pieces)
    yield Formula(
        "simulation",
        p.cap_note_cell,
        f'=IF({asked}>{runs},"{capped}","")',
        _cap_note,
        fmt="text",
    )


def _capped(layout: Layout) -> str:
    """The note of capped runs, ``{runs}`` left for the runs laid out."""
    cells = f"{LIVE_CELLS:,}".replace(",", "\u00a0" if layout.lang == "fr" else ",")
    return layout.text(TEXTS["capped"]).replace("{cells}", cells)


def _cap_note(ctx: Context) -> CellValue:
    p, asked = ctx.layout.simulation, ctx.scenario.assumptions.workbook_runs
    return _capped(ctx.layout).replace("{runs}", str(p.runs)) if asked > p.runs else ""


def _value(function: Any, *args: Any) -> Any:
    return lambda ctx: function(ctx, *args)


def _slot(layout: Layout, j: int) -> Iterator[Formula]:
    """Slot ``j``'s column: what the line's current range and amounts give."""
    p, s = layout.simulation, layout.sensitivity
    col = p.slot_col(j)

    def at(key: str) -> str:
        return f"{col}${p.param_row(key)}"

    def detail(key: str) -> str:
        return f"INDEX({layout.ref('sensitivity', s.detail_span(key))},{at('position')})"

    off = f'OR({at("position")}="",{at("label")}="")'
    counted = f"{detail('counted')}=1"
    is_cost = f"{at('position')}<={p.cost_capacity}"
    width = at("width")
    cells = {
        "label": f'=IF({at("position")}="","",{detail("label")})',
        "low": f"=IF({off},1,IF({counted},{detail('low')},1))",
        "high": f"=IF({off},1,IF({counted},{detail('high')},1))",
        "width": f"={at('high')}-{at('low')}",
        "alpha": f"=IF({width}=0,1,1+4*(1-{at('low')})/{width})",
        "beta": f"=IF({width}=0,1,1+4*({at('high')}-1)/{width})",
        "mode": f"=IF({width}=0,0,(1-{at('low')})/{width})",
        "spv": f"=IF({width}=0,0,IF({is_cost},-1,1)*{detail('present_value')})",
        "cost_total": f"=IF({width}=0,0,IF({is_cost},{detail('total')},0))",
        "benefit_total": f"=IF({width}=0,0,IF({is_cost},0,{detail('total')}))",
    }
    for key, text in cells.items():
        yield Formula(
            "simulation",
            f"{col}{p.param_row(key)}",
            text,
            _value(_param, key, j),
            fmt=_FORMATS[key],
        )


def _runs(layout: Layout) -> Iterator[Formula]:
    """The runs' rows: each formula written once with a mark for its row, then each row
    replaces the mark (14 000 cells: their texts are the kind's, built fast)."""
    p = layout.simulation
    runs = p.cell("runs", absolute=True)
    rests = {k: p.cell(k, absolute=True) for k in ("rest_npv", "rest_costs", "rest_benefits")}
    mark = "\x00"  # the row, in the texts below
    here = f"{p.slot_col(0)}{mark}:{p.slot_col(p.slots - 1)}{mark}"
    costs = f"({rests['rest_costs']}+SUMPRODUCT({here},{p.param_span('cost_total')}))"
    gains = f"({rests['rest_benefits']}+SUMPRODUCT({here},{p.param_span('benefit_total')}))"
    npv = f"={rests['rest_npv']}+SUMPRODUCT({here},{p.param_span('spv')})"
    roi = f'=IF({costs}=0,"",({gains}-{costs})/{costs})'
    slots = []
    for j in range(p.slots):
        col = p.slot_col(j)

        def at(key: str, col: str = col) -> str:
            return f"{col}${p.param_row(key)}"

        u = f"(MOD($A{mark}*{at('z')}+{at('k')},{runs})+{at('s')})/{runs}"
        mode = at("mode")
        triangular = f"IF({u}<{mode},SQRT({u}*{mode}),1-SQRT((1-{u})*(1-{mode})))"
        quantile = {
            "pert": f"BETAINV({u},{at('alpha')},{at('beta')})",
            "triangular": triangular,
        }.get(p.distribution, u)
        slots.append((col, f"=IF({at('width')}=0,1,{at('low')}+{at('width')}*{quantile})"))
    index = iter(range(p.runs * (2 + p.slots)))  # each cell's place in _RUNS, in order
    for r in range(1, p.runs + 1):
        row = str(p.run_row(r))
        yield Formula("simulation", f"B{row}", npv.replace(mark, row), _RUNS.cell(next(index)))
        yield Formula(
            "simulation",
            f"C{row}",
            roi.replace(mark, row),
            _RUNS.cell(next(index)),
            fmt="pct1",
        )
        for col, text in slots:
            yield Formula(
                "simulation",
                f"{col}{row}",
                text.replace(mark, row),
                _RUNS.cell(next(index)),
                fmt="num2",
            )


def looks(layout: Layout, ws: Worksheet, formats: dict[str, str]) -> None:
    from openpyxl.styles import Font

    p = layout.simulation
    if p.live:
        flag = p.flag_cell
        bad = Font(bold=True, color="9C0006")
        ws.conditional_formatting.add(flag, rule(f'{flag}<>""', font=bad, fill=BAD_FILL))
        for key in AT_EXPORT:  # the payback's probabilities, written at export
            ref = p.cell(key)
            ws.conditional_formatting.add(
                ref, rule(f'${flag[0]}${flag[1:]}<>""', font=bad, fill=BAD_FILL)
            )
    ws.column_dimensions["A"].width = 44
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 10
    if p.live:
        ws.freeze_panes = f"D{p.runs_header_row + 1}"
        # on paper: the flag, the settings and the results, not the runs that give them
        ws.print_area = f"A1:C{p.row(RESULTS[-1])}"


SHEET = Sheet("simulation", "7F7F7F", texts, formulas, looks)
