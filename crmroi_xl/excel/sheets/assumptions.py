"""The Assumptions sheet: the general assumptions, one a row, and the adoption ramp-up.

Below the assumptions, a spreadsheet-only input: where the spreadsheet's IRR
starts its search (the export fills in the engine's IRR; see the layout). The
adoption row holds the share of the benefits reached in years 1 to 10; the
row under it is the share used (blank = 100 %).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..cosmetics import fit, fit_header_row, label_texts
from ..layout import ASSUMPTIONS, SIMULATION_INPUTS
from ..parts import YEARS, Bilingual, CellValue, Formula, Text
from ..sheet import Context, Sheet

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ..layout import Layout

__all__ = ["SHEET"]

TITLE: Bilingual = ("Hypothèses générales", "General assumptions")
#: A spreadsheet-only setting below the assumptions: where the spreadsheet's IRR
#: (Newton's method) starts. The exporter fills in the engine's IRR so Excel and
#: LibreOffice converge where their default start (10 %) fails; not part of the
#: scenario, and shown as an advanced setting, not as one of the yellow inputs.
IRR_GUESS_TITLE: Bilingual = (
    "Avancé, facultatif : point de départ du calcul du TRI",
    "Advanced, optional: starting point of the IRR calculation",
)
IRR_GUESS_NOTE: Bilingual = (
    "Rempli par l'export ; à laisser tel quel (vide = 10 %).",
    "Filled in by the export; leave it as it is (blank = 10%).",
)
#: Below the adoption ramp-up: the runs of the Simulation sheet and the targets.
SIMULATION_TITLE: Bilingual = (
    "Simulation de Monte-Carlo : tirages et objectifs",
    "Monte Carlo simulation: runs and targets",
)
NOTE: Bilingual = (
    "Saisissez les cellules jaunes. Taux en\u00a0% (10\u00a0% = 0,1).",
    "Fill in the yellow cells. Rates in % (10% = 0.1).",
)


def texts(layout: Layout) -> Iterator[Text]:
    def _label(row: int) -> str:
        return f"{layout.assumption_label_col}{row}"

    yield Text("assumptions", layout.title_cell, layout.text(TITLE), "title")
    yield Text("assumptions", layout.note_cell, layout.text(NOTE), "note")
    for a in ASSUMPTIONS:
        yield Text("assumptions", _label(layout.assumption_row(a.field)), layout.text(a.title))
    yield Text("assumptions", _label(layout.irr_guess_row), layout.text(IRR_GUESS_TITLE), "note")
    yield Text(
        "assumptions",
        f"{layout.adoption_col(2)}{layout.irr_guess_row}",
        layout.text(IRR_GUESS_NOTE),
        "note",
    )
    header = layout.adoption_row - 1
    yield Text(
        "assumptions",
        _label(header),
        layout.text(("Montée en charge (adoption)", "Adoption ramp-up")),
        "subtitle",
    )
    for t in YEARS[1:]:
        yield Text(
            "assumptions",
            f"{layout.adoption_col(t)}{header}",
            f"{layout.text(('Année', 'Year'))} {t}",
            "header",
        )
    yield Text(
        "assumptions",
        _label(layout.adoption_row),
        layout.text(("Part des bénéfices atteinte", "Share of the benefits reached")),
    )
    yield Text(
        "assumptions",
        _label(layout.adoption_calc_row),
        layout.text(
            ("Part retenue (vide = 100 %)", "Share used (blank = 100%)")
            if not layout.capacity.options
            else (
                "Part retenue : celle de l'option affichée, sinon ci-dessus (vide = 100 %)",
                "Share used: the option shown's, else the above (blank = 100%)",
            )
        ),
    )
    yield Text(
        "assumptions",
        _label(layout.simulation_inputs_title_row),
        layout.text(SIMULATION_TITLE),
        "subtitle",
    )
    for a in SIMULATION_INPUTS:
        yield Text(
            "assumptions", _label(layout.simulation_input_row(a.field)), layout.text(a.title)
        )
    if layout.capacity.options:
        yield from _option_texts(layout)


OPTIONS_TITLE: Bilingual = (
    "Options comparées (les lignes de coûts et de bénéfices disent la leur ; vide = commune)",
    "Options compared (each cost and benefit line names its own; blank = shared)",
)
OPTION_HEADERS: dict[str, Bilingual] = {
    "name": ("Option", "Option"),
    "description": ("Description", "Description"),
    "baseline": ("Référence (statu quo)", "Baseline (status quo)"),
    "cost_risk": (
        "Risque coûts (vide\u00a0=\u00a0général)",
        "Cost risk (blank\u00a0=\u00a0general)",
    ),
    "benefit_risk": (
        "Risque bénéfices (vide\u00a0=\u00a0général)",
        "Benefit risk (blank\u00a0=\u00a0general)",
    ),
}
OPTION_CALC_TITLES: dict[str, Bilingual] = {
    "row": ("Option affichée (rang dans la liste)", "Option shown (place in the list)"),
    "baseline": ("Option affichée = référence (1/0)", "Option shown is the baseline (1/0)"),
    "cost_risk": ("Risque sur les coûts retenu", "Cost risk used"),
    "benefit_risk": ("Risque sur les bénéfices retenu", "Benefit risk used"),
}


def _option_texts(layout: Layout) -> Iterator[Text]:
    header = layout.options_header_row
    yield Text("assumptions", f"A{header - 1}", layout.text(OPTIONS_TITLE), "subtitle")
    for key, title in OPTION_HEADERS.items():
        yield Text("assumptions", f"{layout.option_col(key)}{header}", layout.text(title), "header")
    for t in YEARS[1:]:
        ref = f"{layout.option_col(f'adoption_{t}')}{header}"
        yield Text(
            "assumptions", ref, f"{layout.text(('Adoption an', 'Adoption yr'))} {t}", "header"
        )
    for key, title in OPTION_CALC_TITLES.items():
        yield Text("assumptions", f"A{layout.option_calc_row(key)}", layout.text(title))


def _option_formulas(layout: Layout) -> Iterator[Formula]:
    row = "Calc_OptionRow"
    yield Formula(
        "assumptions",
        f"B{layout.option_calc_row('row')}",
        f'=IF(In_Option="",0,MATCH(In_Option,{layout.option_span("name")},0))',
        lambda ctx: ctx.book.selected + 1 if ctx.book else 0,
        fmt="int",
    )
    yield Formula(
        "assumptions",
        f"B{layout.option_calc_row('baseline')}",
        f"=IF({row}=0,0,IF(INDEX({layout.option_span('baseline')},{row})=Lbl_Yes,1,0))",
        lambda ctx: 1 if ctx.book and ctx.book.selected == ctx.book.baseline else 0,
        fmt="int",
    )
    for key, general in (("cost_risk", "In_CostRisk"), ("benefit_risk", "In_BenefitRisk")):
        own = f"INDEX({layout.option_span(key)},{row})"
        yield Formula(
            "assumptions",
            f"B{layout.option_calc_row(key)}",
            f'=IF({row}=0,{general},IF({own}="",{general},{own}))',
            lambda ctx, key=key: getattr(ctx.scenario.assumptions, key),
            fmt="pct",
        )


def _adoption(ctx: Context, t: int) -> CellValue:
    adoption = ctx.scenario.assumptions.adoption
    return adoption[t - 1] if t <= len(adoption) else adoption[-1]


def formulas(layout: Layout) -> Iterator[Formula]:
    for t in YEARS[1:]:
        typed = f"{layout.adoption_col(t)}{layout.adoption_row}"
        share = f'IF({typed}="",1,{typed})'
        if layout.capacity.options:  # the option shown's, when it has its own
            own = f"INDEX({layout.option_span(f'adoption_{t}')},Calc_OptionRow)"
            share = f'IF(Calc_OptionRow=0,{share},IF({own}<>"",{own},{share}))'
        yield Formula(
            "assumptions",
            f"{layout.adoption_col(t)}{layout.adoption_calc_row}",
            f"={share}",
            lambda ctx, t=t: _adoption(ctx, t),
            fmt="pct",
        )
    if layout.capacity.options:
        yield from _option_formulas(layout)


def looks(layout: Layout, ws: Worksheet, formats: dict[str, str]) -> None:
    label_col = layout.assumption_label_col
    ws.column_dimensions[label_col].width = 44
    for t in YEARS[1:]:
        ws.column_dimensions[layout.adoption_col(t)].width = 11
    fit(ws, label_col, label_texts(ws, label_col, ("label", "total_label")), 60)
    ws.freeze_panes = f"{label_col}{layout.assumption_row(ASSUMPTIONS[0].field)}"
    fit_header_row(ws, layout.adoption_row - 1, [layout.adoption_col(t) for t in YEARS[1:]])
    if layout.capacity.options:
        keys = [*OPTION_HEADERS, *(f"adoption_{t}" for t in YEARS[1:])]
        fit_header_row(ws, layout.options_header_row, [layout.option_col(k) for k in keys])


SHEET = Sheet("assumptions", "BF8F00", texts, formulas, looks)
