"""The tornado's bars of the assumptions on the Sensitivity sheet, natively
(:mod:`crmroi_xl.engine.assumption_bars` gives the rule and the engine's values).

Three rows under the lines' rows of the detail -- the discount rate, the adoption
ramp-up, the benefit risk -- with their range (the inputs ``In_DiscountRateLow`` ...
on the Assumptions sheet, blank = the default), their NPV at each end, swing and
rank: the tornado sorts them with the lines' bars (ties: the lines first). Under
them, the base years they read, years 0 to 10 (calculations, not printed):

* the counted costs and benefits of the base amounts (under the Costs and Benefits
  tables) and their net flow; the NPV at another rate ``r`` is
  ``SUMPRODUCT(net flow, 1/(1+r)^t)``;
* the counted benefits that ramp up (``Ramp-up`` not "no"), the adoption shares
  ``Calc_Adoption`` and the change of those benefits when every share is scaled
  by the factor ``f`` and capped at 100 %: ``IF(a=0,0,R*(MIN(1,a*f)/a-1))``; the
  NPV adds their present value;
* the benefit risk ``k'`` scales the present value of the counted benefits by
  ``(1-k')/(1-k)`` (no bar at ``k`` = 100 %).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...engine.assumption_bars import (
    ADOPTION_RANGE,
    ASSUMPTION_DRIVERS,
    POINTS,
    AssumptionDriver,
    assumption_range,
)
from ...engine.sensitivity import TornadoBar
from ...scenario.labels import label
from ..parts import CellValue, Formula, Text
from ..sensitivity_layout import SPIDER_CHANGES, YEAR_LETTERS
from ..sheet import Context

if TYPE_CHECKING:
    from ..layout import Layout

__all__ = ["assumption_formulas", "assumption_texts", "bar_of", "rank_formula"]

#: The defined names of each assumption: its value, its low and high inputs.
NAMES: dict[AssumptionDriver, tuple[str, str, str]] = {
    "discount_rate": ("In_DiscountRate", "In_DiscountRateLow", "In_DiscountRateHigh"),
    "adoption": ("", "In_AdoptionLow", "In_AdoptionHigh"),
    "benefit_risk": ("In_BenefitRisk", "In_BenefitRiskLow", "In_BenefitRiskHigh"),
}
YEARS_TITLE = (
    "Années de base lues par les barres des hypothèses (calculs)",
    "Base years the assumptions' bars read (calculations)",
)
YEAR_ROWS = {
    "t": ("Année (t)", "Year (t)"),
    "costs": ("Coûts comptés", "Counted costs"),
    "benefits": ("Bénéfices comptés", "Counted benefits"),
    "net_flow": ("Flux net", "Net flow"),
    "ramp_up": ("Bénéfices comptés en montée en charge", "Counted benefits that ramp up"),
    "adoption": ("Part d'adoption", "Adoption share"),
    "ramp_change_low": ("Écart de ces bénéfices, adoption au bas", "Their change, adoption low"),
    "ramp_change_high": (
        "Écart de ces bénéfices, adoption au haut",
        "Their change, adoption high",
    ),
    "factors_low": ("Facteur d'actualisation au taux bas", "Discount factor at the low rate"),
    "factors_high": ("Facteur d'actualisation au taux haut", "Discount factor at the high rate"),
    **{
        f"spider_factors_{j}": (
            f"Araignée : facteur d'actualisation, taux {c:+.0%}",
            f"Spider: discount factor, rate {c:+.0%}",
        )
        for j, c in enumerate(SPIDER_CHANGES)
    },
    **{
        f"spider_ramp_{j}": (
            f"Araignée : écart des bénéfices, adoption {c:+.0%}",
            f"Spider: change of those benefits, adoption {c:+.0%}",
        )
        for j, c in enumerate(SPIDER_CHANGES)
    },
}


def rank_formula(swing: str, swings: str) -> str:
    """A bar's rank: 1 + the larger swings and the equal ones on earlier rows."""
    before = f"({swings}>{swing})+({swings}={swing})*(ROW({swings})<ROW({swing}))"
    return f'=IF({swing}="","",1+SUMPRODUCT(({swings}<>"")*({before})))'


def bar_of(ctx: Context, k: int) -> tuple[int, TornadoBar] | None:
    """The ``k``-th assumption's bar and its rank (from 0), or None when it has none."""
    for rank, bar in enumerate(ctx.results.sensitivity.tornado):
        if bar.side == "assumption" and bar.index == k:
            return rank, bar
    return None


def assumption_texts(layout: Layout) -> Iterator[Text]:
    p = layout.sensitivity
    for k, key in enumerate(ASSUMPTION_DRIVERS):
        words = label(f"tornado_{key}", layout.lang)
        yield Text("sensitivity", p.assumption_cell("label", k), words, "calc")
        side = label("assumption", layout.lang)
        yield Text("sensitivity", p.assumption_cell("side", k), side, "calc")
    yield Text("sensitivity", f"A{p.years_title_row}", layout.text(YEARS_TITLE), "subtitle")
    for row, pair in YEAR_ROWS.items():
        yield Text("sensitivity", f"A{p.years_row(row)}", layout.text(pair))
    for t, letter in enumerate(YEAR_LETTERS):
        yield Text("sensitivity", f"{letter}{p.years_row('t')}", t, "timeline", "int")


def _end(key: AssumptionDriver, end: str) -> str:
    """The native low (``end`` = "low") or high end of an assumption's range."""
    value, low, high = NAMES[key]
    given = low if end == "low" else high
    if key == "adoption":
        default = repr(ADOPTION_RANGE[0 if end == "low" else 1])
    elif end == "low":
        default = f"MAX(0,{value}-{POINTS[key]!r})"
    else:
        default = f"MIN(1,{value}+{POINTS[key]!r})"
    return f'=IF({given}="",{default},{given})'


def _detail_value(ctx: Context, column: str, k: int) -> CellValue:
    key = ASSUMPTION_DRIVERS[k]
    if column in ("low", "high"):
        return assumption_range(ctx.scenario.assumptions, key)[column == "high"]
    found = bar_of(ctx, k)
    if found is None:
        return ""
    rank, bar = found
    return {
        "npv_low": bar.npv_low,
        "npv_high": bar.npv_high,
        "swing": abs(bar.npv_high - bar.npv_low),
        "rank": rank + 1,
    }[column]


def _years_values(ctx: Context) -> dict[str, list[float]]:
    """The engine's base years (see the module docstring), years 0 to 10."""
    if "assumption_years" in ctx.memo:
        values: dict[str, list[float]] = ctx.memo["assumption_years"]
        return values
    a, base = ctx.scenario.assumptions, ctx.base
    years = range(len(YEAR_LETTERS))

    def total(lines: list[list[float]]) -> list[float]:
        return [sum(ctx.year(v, t) for v in lines) for t in years]

    costs = total([line.values for line in base.cost_lines])
    benefits = total([line.values for line in base.benefit_lines if line.counted])
    steady = [  # the counted benefits that do not ramp up, which the workbook subtracts
        line.values
        for line, model in zip(base.benefit_lines, ctx.scenario.benefits, strict=True)
        if line.counted and not model.ramp_up
    ]
    ramp = [benefits[t] - sum(ctx.year(v, t) for v in steady) for t in years]
    shares = [1.0] + [a.adoption[min(t, len(a.adoption)) - 1] for t in years if t]
    out = {
        "costs": costs,
        "benefits": benefits,
        "net_flow": [b - c for b, c in zip(benefits, costs, strict=True)],
        "ramp_up": ramp,
        "adoption": shares,
    }
    for end, factor in zip(("low", "high"), assumption_range(a, "adoption"), strict=True):
        out[f"ramp_change_{end}"] = [
            0.0 if s == 0 else r * (min(1.0, s * factor) / s - 1)
            for r, s in zip(ramp, shares, strict=True)
        ]
    for end, rate in zip(("low", "high"), assumption_range(a, "discount_rate"), strict=True):
        out[f"factors_{end}"] = [1 / (1 + rate) ** t for t in years]
    for j, c in enumerate(SPIDER_CHANGES):
        rate = a.discount_rate * (1 + c)
        out[f"spider_factors_{j}"] = [1 / (1 + rate) ** t for t in years]
        out[f"spider_ramp_{j}"] = [
            0.0 if s == 0 else r * (min(1.0, s * (1 + c)) / s - 1)
            for r, s in zip(ramp, shares, strict=True)
        ]
    ctx.memo["assumption_years"] = out
    return out


def assumption_formulas(layout: Layout) -> Iterator[Formula]:
    p = layout.sensitivity
    npv_base = _absolute(p.cell("npv", "base"))
    pv_benefits = _absolute(p.cell("pv_benefits", "base"))
    factors = layout.ref("summary", layout.summary_span("discount_factors"))
    for k, key in enumerate(ASSUMPTION_DRIVERS):

        def here(column: str, k: int = k) -> str:
            return p.assumption_cell(column, k)

        ends = {}
        for end in ("low", "high"):
            if key == "discount_rate":
                ends[end] = (
                    f"=SUMPRODUCT({p.years_span('net_flow')},{p.years_span(f'factors_{end}')})"
                )
            elif key == "adoption":
                ends[end] = (
                    f"={npv_base}+SUMPRODUCT({p.years_span(f'ramp_change_{end}')},{factors})"
                )
            else:
                ends[end] = (
                    f'=IF(In_BenefitRisk=1,"",{npv_base}+{pv_benefits}'
                    f"*((1-{here(end)})/(1-In_BenefitRisk)-1))"
                )
        cells = {
            "low": (_end(key, "low"), "pct"),
            "high": (_end(key, "high"), "pct"),
            "npv_low": (ends["low"], "eur"),
            "npv_high": (ends["high"], "eur"),
            "swing": (
                f'=IF({here("npv_low")}="","",ABS({here("npv_high")}-{here("npv_low")}))',
                "eur",
            ),
            "rank": (rank_formula(here("swing"), p.bars_span("swing")), "int"),
        }
        for column, (text, fmt) in cells.items():
            yield Formula(
                "sensitivity",
                here(column),
                text,
                lambda ctx, column=column, k=k: _detail_value(ctx, column, k),
                fmt=fmt,
            )
    yield from _years(layout)


def _years(layout: Layout) -> Iterator[Formula]:
    p = layout.sensitivity
    benefits = layout.benefits
    adoption = p.assumption_cell("low", 1), p.assumption_cell("high", 1)
    rates = p.assumption_cell("low", 0), p.assumption_cell("high", 0)
    counted = layout.ref("benefits", benefits.span("counted"))
    ramp = layout.ref("benefits", benefits.span("ramp_up"))
    for t, letter in enumerate(YEAR_LETTERS):

        def at(key: str, letter: str = letter) -> str:
            return f"{letter}{p.years_row(key)}"

        def base(table_sheet: str, t: int = t) -> str:
            table = layout.table(table_sheet)
            col = table.letter(f"y{t}")
            first = p.base_row(table_sheet, 0)
            last = p.base_row(table_sheet, table.capacity - 1)
            return layout.ref(table_sheet, f"${col}${first}:${col}${last}")

        cells = {
            "costs": f"=SUM({base('costs')})",
            "benefits": f"=SUMIF({counted},1,{base('benefits')})",
            "net_flow": f"={at('benefits')}-{at('costs')}",
            "ramp_up": (
                f"={at('benefits')}-SUMPRODUCT(({counted}=1)*({ramp}=Lbl_No),{base('benefits')})"
            ),
            "adoption": "=1" if t == 0 else f"=INDEX(Calc_Adoption,1,{t})",
            **{
                f"ramp_change_{end}": (
                    f"=IF({at('adoption')}=0,0,{at('ramp_up')}"
                    f"*(MIN(1,{at('adoption')}*{_absolute(f)})/{at('adoption')}-1))"
                )
                for end, f in zip(("low", "high"), adoption, strict=True)
            },
            **{
                f"factors_{end}": f"=1/(1+{_absolute(r)})^{at('t')}"
                for end, r in zip(("low", "high"), rates, strict=True)
            },
            **{
                f"spider_factors_{j}": f"=1/(1+In_DiscountRate*(1+{c!r}))^{at('t')}"
                for j, c in enumerate(SPIDER_CHANGES)
            },
            **{
                f"spider_ramp_{j}": (
                    f"=IF({at('adoption')}=0,0,{at('ramp_up')}"
                    f"*(MIN(1,{at('adoption')}*(1+{c!r}))/{at('adoption')}-1))"
                )
                for j, c in enumerate(SPIDER_CHANGES)
            },
        }
        for key, text in cells.items():
            yield Formula(
                "sensitivity",
                at(key),
                text,
                lambda ctx, key=key, t=t: _years_values(ctx)[key][t],
                fmt="pct"
                if key == "adoption"
                else "factor"
                if key.startswith("factors")
                else "eur",
            )


def _absolute(ref: str) -> str:
    """``C9`` -> ``$C$9``."""
    letters = ref.rstrip("0123456789")
    return f"${letters}${ref[len(letters) :]}"
