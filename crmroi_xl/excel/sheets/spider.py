"""The spider on the Sensitivity sheet: the NPV at -20 %, -10 %, 0, +10 % and +20 % of each
of the five largest drivers of the tornado (issue 21), natively; a line chart shows it.

A driver is the tornado's row ``k`` (so the five follow its native sort). A line's NPV
is linear in its multiplier: ``NPV_base + c x (npv_high - npv_low) / (high - low)``
at a multiplier of 1 + c. An assumption moves by the same share of its value: the
discount rate to ``r x (1 + c)`` (the yearly net flows discounted at it), the
adoption factor to 1 + c (every share capped at 100 %) and the benefit risk to
``MIN(1, k x (1 + c))`` -- the rules of :mod:`crmroi_xl.engine.assumption_bars`,
through the base years under the detail. ``#N/A`` past the bars (the chart skips it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...engine.assumption_bars import ASSUMPTION_DRIVERS, npv_at
from ...engine.sensitivity import LineTable
from ...scenario.labels import label
from ..parts import NA, Bilingual, CellValue, Formula, Text
from ..sensitivity_layout import SPIDER_CHANGES, SPIDER_DRIVERS, SPIDER_LETTERS
from ..sheet import Context

if TYPE_CHECKING:
    from ..layout import Layout

__all__ = ["TITLE", "spider_formulas", "spider_texts"]

TITLE: Bilingual = (
    "Araignée : VAN à −20 % … +20 % des cinq plus grands facteurs du tornado",
    "Spider: NPV at −20% … +20% of the tornado's five largest drivers",
)
HEADER: Bilingual = ("Facteur (variation de sa valeur)", "Driver (change of its value)")


def spider_texts(layout: Layout) -> Iterator[Text]:
    p = layout.sensitivity
    yield Text("sensitivity", f"A{p.spider_title_row}", layout.text(TITLE), "subtitle")
    yield Text("sensitivity", f"A{p.spider_header_row}", layout.text(HEADER), "header")
    for letter, c in zip(SPIDER_LETTERS, SPIDER_CHANGES, strict=True):
        yield Text("sensitivity", f"{letter}{p.spider_header_row}", c, "header_calc", "pct")


def _table(ctx: Context) -> LineTable:
    if "spider_table" not in ctx.memo:
        costs = [line.values for line in ctx.base.cost_lines]
        benefits = [line.values for line in ctx.base.benefit_lines]
        ctx.memo["spider_table"] = LineTable.of(ctx.scenario, costs, benefits)
    table: LineTable = ctx.memo["spider_table"]
    return table


def _value(ctx: Context, k: int, j: int) -> CellValue:
    bars = ctx.results.sensitivity.tornado
    if k >= len(bars):
        return NA if j >= 0 else ""
    bar = bars[k]
    if j < 0:  # the label
        if bar.side == "assumption":
            return label(f"tornado_{ASSUMPTION_DRIVERS[bar.index]}", ctx.lang)
        return bar.label
    c = SPIDER_CHANGES[j]
    base = ctx.base.sensitivity.cases.base.npv
    if bar.side != "assumption":
        return base + c * (bar.npv_high - bar.npv_low) / (bar.high - bar.low)
    a = ctx.scenario.assumptions
    key = ASSUMPTION_DRIVERS[bar.index]
    value = {
        "discount_rate": a.discount_rate * (1 + c),
        "adoption": 1 + c,
        "benefit_risk": min(1.0, a.benefit_risk * (1 + c)),
    }[key]
    return npv_at(ctx.scenario, _table(ctx), key, value)


def spider_formulas(layout: Layout) -> Iterator[Formula]:
    p = layout.sensitivity
    npv_base = _absolute(p.cell("npv", "base"))
    pv_benefits = _absolute(p.cell("pv_benefits", "base"))
    factors = layout.ref("summary", layout.summary_span("discount_factors"))
    first, last = p.assumption_row(0), p.assumption_row(len(ASSUMPTION_DRIVERS) - 1)
    labels = f"$A${first}:$A${last}"
    assumption = _absolute(p.assumption_cell("side", 0))
    for k in range(SPIDER_DRIVERS):
        row = p.spider_row(k)
        tornado = {key: p.tornado_cell(key, k) for key in ("label", "side", "low", "high")}
        tornado |= {key: p.tornado_cell(key, k) for key in ("npv_low", "npv_high")}
        name = tornado["label"]
        yield Formula(
            "sensitivity",
            f"A{row}",
            f'=IF({name}="","",{name})',
            lambda ctx, k=k: _value(ctx, k, -1),
            fmt="text",
        )
        for j, letter in enumerate(SPIDER_LETTERS):
            c = f"{letter}${p.spider_header_row}"
            line = (
                f"{npv_base}+{c}*({tornado['npv_high']}-{tornado['npv_low']})"
                f"/({tornado['high']}-{tornado['low']})"
            )
            rate = f"SUMPRODUCT({p.years_span('net_flow')},{p.years_span(f'spider_factors_{j}')})"
            adoption = f"{npv_base}+SUMPRODUCT({p.years_span(f'spider_ramp_{j}')},{factors})"
            risk = (
                f"IF(In_BenefitRisk=1,NA(),{npv_base}+{pv_benefits}"
                f"*((1-MIN(1,In_BenefitRisk*(1+{c})))/(1-In_BenefitRisk)-1))"
            )
            which = f"MATCH({name},{labels},0)"
            text = (
                f'=IF({name}="",NA(),IF({tornado["side"]}={assumption},'
                f"CHOOSE({which},{rate},{adoption},{risk}),{line}))"
            )
            yield Formula(
                "sensitivity",
                f"{letter}{row}",
                text,
                lambda ctx, k=k, j=j: _value(ctx, k, j),
                fmt="eur",
            )


def _absolute(ref: str) -> str:
    """``C9`` -> ``$C$9``."""
    letters = ref.rstrip("0123456789")
    return f"${letters}${ref[len(letters) :]}"
