"""The chances of reaching the targets on the Sensitivity sheet: three reference cells
beside its Monte Carlo probabilities, and the red flag on the payback probabilities.

The Simulation sheet computes P(NPV >= target) and P(ROI >= target) live
(``Out_P_NPV_Target``, ``Out_P_ROI_Target``: ``COUNTIF`` over its runs) and writes
P(payback <= target) at export (``Out_P_Payback_Target``); the Sensitivity sheet shows
them in columns D and E of its probability rows (blank without a target). Its
probabilities computed at export (the payback's: within the horizon, within the
target) turn red, as the Simulation sheet's flag does, when the inputs, the payback
target or the runs changed since the export (``Calc_SimulationFlag``).

>>> from crmroi_xl.excel.layout import Layout
>>> list(target_texts(Layout("en")))
[]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..parts import Bilingual, CellValue, Formula, Text
from ..styles import BAD_FILL, rule

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ..layout import Layout
    from ..sheet import Context

__all__ = ["FLAG_NAME", "target_formulas", "target_looks", "target_texts"]

#: The Simulation sheet's flag cell's name (a conditional format names no other sheet).
FLAG_NAME = "Calc_SimulationFlag"
#: Each target's probability row on the Sensitivity sheet (its label in D, its value in E).
_ROWS = {
    "npv_target": ("npv_positive", "Out_P_NPV_Target"),
    "roi_target": ("roi_positive", "Out_P_ROI_Target"),
    "payback_target": ("payback_within_horizon", "Out_P_Payback_Target"),
}
_LABEL, _VALUE = "D", "E"
TITLES: dict[str, Bilingual] = {
    "npv_target": ("VAN ≥ objectif", "NPV ≥ target"),
    "roi_target": ("ROI ≥ objectif", "ROI ≥ target"),
    "payback_target": ("Délai ≤ objectif (à l'export)", "Payback ≤ target (at export)"),
}


def _cell(layout: Layout, key: str, col: str) -> str:
    return f"{col}{layout.sensitivity.probability_row(_ROWS[key][0])}"


def target_texts(layout: Layout) -> Iterator[Text]:
    """The targets' titles (a workbook with a live simulation only)."""
    if not layout.simulation.live:
        return
    for key, title in TITLES.items():
        yield Text("sensitivity", _cell(layout, key, _LABEL), layout.text(title))


def _chance(ctx: Context, key: str) -> CellValue:
    from ..live import live

    value = getattr(live(ctx.scenario, ctx.base, ctx.layout.simulation).simulation.probability, key)
    return "" if value is None else value


def target_formulas(layout: Layout) -> Iterator[Formula]:
    """Each target's chance: a reference to the Simulation sheet's (blank: no target)."""
    if not layout.simulation.live:
        return
    for key, (_, name) in _ROWS.items():
        yield Formula(
            "sensitivity",
            _cell(layout, key, _VALUE),
            f'=IF({name}="","",{name})',  # a blank value cell: blank, not 0
            lambda ctx, key=key: _chance(ctx, key),
            fmt="pct1",
        )


def target_looks(layout: Layout, ws: Worksheet) -> None:
    """The payback's probabilities computed at export turn red when the flag is raised."""
    from openpyxl.styles import Font

    if not layout.simulation.live:
        return
    p = layout.sensitivity
    cells = (
        f"B{p.probability_row('payback_within_horizon')}",
        _cell(layout, "payback_target", _VALUE),
    )
    bad = Font(bold=True, color="9C0006")
    for ref in cells:
        ws.conditional_formatting.add(ref, rule(f'{FLAG_NAME}<>""', font=bad, fill=BAD_FILL))
