"""P10, P50 and P90 marked on the Sensitivity sheet's Monte Carlo charts (issue 21).

* **On the S-curve** -- three points, one a percentile, in the columns of the marker of
  NPV = 0: the NPV read on the curve at 10, 50 and 90 % (``=H{row}``, the curve's own
  points, so the marks sit on the curve whatever fills it) and the probability.
* **On the histogram** -- a column beside the shares (``marked``): a bin's share when
  it holds P10, P50 or P90 (from <= P < to; the last bin includes its upper edge),
  else 0; the chart draws it over the bins in another colour.

Blank without a simulation (``#N/A``: the charts skip it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..parts import NA, Bilingual, CellValue, Formula, Text
from ..sensitivity_layout import HISTOGRAM_BINS, HISTOGRAM_COLUMNS
from ..sheet import Context
from ..simulated import simulation_values

if TYPE_CHECKING:
    from ..layout import Layout

__all__ = ["MARKS", "mark_formulas", "mark_texts"]

#: The percentiles marked, as cumulative probabilities (points of the S-curve).
MARKS = (0.1, 0.5, 0.9)
TEXTS: dict[str, Bilingual] = {
    "marks": ("P10 / P50 / P90", "P10 / P50 / P90"),
    "marked": ("Tranche des P10 / P50 / P90", "Bin of P10 / P50 / P90"),
}


def mark_texts(layout: Layout) -> Iterator[Text]:
    p = layout.sensitivity
    yield Text("sensitivity", p.marks_title_cell, layout.text(TEXTS["marks"]), "note")
    header = f"{p.marked_col}{p.histogram_header_row}"
    yield Text("sensitivity", header, layout.text(TEXTS["marked"]), "header_calc")
    y = p.curve_columns["marker_y"]
    for k, share in enumerate(MARKS):
        yield Text("sensitivity", f"{y}{p.mark_row(k)}", share, "timeline", "pct")


def _simulation(ctx: Context) -> dict[tuple[Any, ...], Any]:
    if "simulation_values" not in ctx.memo:
        ctx.memo["simulation_values"] = simulation_values(ctx.layout, ctx.scenario, ctx.base)
    values: dict[tuple[Any, ...], Any] = ctx.memo["simulation_values"]
    return values


def _mark(ctx: Context, k: int) -> CellValue:
    value = _simulation(ctx).get(("simulation", "curve", round(MARKS[k] * 100)))
    return NA if value is None else float(value)


def _marked(ctx: Context, b: int) -> CellValue:
    sim = _simulation(ctx)
    share = sim.get(("simulation", "share", b))
    if share is None:
        return NA
    low, high = sim[("simulation", "from", b)], sim[("simulation", "to", b)]
    last = b == HISTOGRAM_BINS - 1
    marks = [_mark(ctx, k) for k in range(len(MARKS))]
    held = any(
        isinstance(x, float) and low <= x and (x <= high if last else x < high) for x in marks
    )
    return float(share) if held else 0.0


def mark_formulas(layout: Layout) -> Iterator[Formula]:
    p = layout.sensitivity
    x, npv = p.curve_columns["marker_x"], p.curve_columns["npv"]
    cells = []
    for k, mark in enumerate(MARKS):
        point = f"{npv}{p.histogram_row(round(mark * 100))}"
        cells.append(f"${x}${p.mark_row(k)}")
        yield Formula(
            "sensitivity",
            f"{x}{p.mark_row(k)}",
            f"=IF(ISNUMBER({point}),{point},NA())",
            lambda ctx, k=k: _mark(ctx, k),
            style="timeline",
            fmt="eur",
        )
    col = HISTOGRAM_COLUMNS
    for b in range(HISTOGRAM_BINS):
        row = p.histogram_row(b)
        low, high, share = (f"{col[key]}{row}" for key in ("from", "to", "share"))
        below = "<=" if b == HISTOGRAM_BINS - 1 else "<"
        held = ",".join(f"AND({c}>={low},{c}{below}{high})" for c in cells)
        yield Formula(
            "sensitivity",
            f"{p.marked_col}{row}",
            f"=IF(ISNUMBER({share}),IF(OR({held}),{share},0),NA())",
            lambda ctx, b=b: _marked(ctx, b),
            fmt="pct1",
        )
