r"""The Summary's P&L and after-tax rows, below the yearly flows (blank without a tax rate).

Each year ``t`` (see :func:`crmroi_xl.engine.yearly.books`):

.. math::

    EBITDA_t = benefits_t - (costs_t - capitalised_t) \qquad
    EBIT_t = EBITDA_t - depreciation_t \qquad
    tax_t = rate \times EBIT_t

    net\ income_t = EBIT_t - tax_t \qquad after\ tax_t = net_t - tax_t

The capitalised one-offs (as paid) and their straight-line depreciation are the
Costs sheet's per-line columns (``capital``, ``capital_year``, ``depreciation``,
``depreciation_end``) summed by year with ``SUMIFS``. The after-tax headlines
(``Out_NPV_After_Tax``, ``Out_IRR_After_Tax``, ``Out_Payback_After_Tax``) are
records of :mod:`crmroi_xl.excel.headline` over these rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...engine.flows import capital_flows
from ..layout import SUMMARY_ROWS
from ..parts import YEARS, CellValue, Formula
from ..sheet import Context

if TYPE_CHECKING:
    from ..layout import Layout

__all__ = ["ROWS", "formulas"]

#: The rows this module computes, in the summary's order.
ROWS = (
    "capitalised",
    "ebitda_impact",
    "depreciation",
    "ebit_impact",
    "tax",
    "net_income_impact",
    "after_tax_flow",
    "after_tax_cumulative",
    "after_tax_pv",
    "after_tax_points",
)
#: Where the engine keeps each row's values: (results attribute, its field).
_SOURCES = {
    "ebitda_impact": ("pnl", "ebitda_impact"),
    "depreciation": ("pnl", "depreciation"),
    "ebit_impact": ("pnl", "ebit_impact"),
    "tax": ("pnl", "tax"),
    "net_income_impact": ("pnl", "net_income_impact"),
    "after_tax_flow": ("after_tax", "net_flow"),
    "after_tax_cumulative": ("after_tax", "cumulative_flow"),
    "after_tax_pv": ("after_tax", "present_values"),
}


def _value(ctx: Context, key: str, t: int) -> CellValue:
    r = ctx.results
    if t > ctx.horizon or r.after_tax is None or r.pnl is None:
        return ""
    if key == "after_tax_points":
        cumulative, flows = r.after_tax.cumulative_flow, r.after_tax.net_flow
        if t > 0 and cumulative[t - 1] < 0 <= cumulative[t]:
            return (t - 1) + (-cumulative[t - 1]) / flows[t]
        return ""
    owner, field = _SOURCES[key]
    values: list[float] = getattr(getattr(r, owner), field)
    return values[t]


def _capitalised(ctx: Context, t: int) -> CellValue:
    """The capitalised one-offs paid in year ``t``, as the engine summed them."""
    if t > ctx.horizon or ctx.results.after_tax is None:
        return ""
    return capital_flows(ctx.scenario, ctx.case)[0][t]


def formulas(layout: Layout) -> Iterator[Formula]:
    """The P&L and after-tax rows of every year (see the module docstring)."""
    costs = layout.costs

    def column(key: str) -> str:
        return layout.ref("costs", costs.span(key))

    first = layout.summary_col(0)
    for t in YEARS:
        col, t_cell = layout.summary_col(t), f"{layout.summary_col(t)}${layout.summary_t_row}"

        def at(key: str, t: int = t) -> str:
            return layout.summary_cell(key, t)

        texts = {
            "capitalised": f"SUMIFS({column('capital')},{column('capital_year')},{t_cell})",
            "ebitda_impact": f"{at('benefits')}-({at('costs')}-{at('capitalised')})",
            "depreciation": (
                f'SUMIFS({column("depreciation")},{column("capital_year")},"<"&{t_cell},'
                f'{column("depreciation_end")},">="&{t_cell})'
            ),
            "ebit_impact": f"{at('ebitda_impact')}-{at('depreciation')}",
            "tax": f"In_TaxRate*{at('ebit_impact')}",
            "net_income_impact": f"{at('ebit_impact')}-{at('tax')}",
            "after_tax_flow": f"{at('benefits')}-{at('tax')}-{at('costs')}",
            "after_tax_cumulative": (
                f"SUM(${first}{layout.summary_row('after_tax_flow')}:{at('after_tax_flow')})"
            ),
            "after_tax_pv": f"{at('after_tax_flow')}*{at('discount_factors')}",
        }
        if t > 0:
            prev = layout.summary_col(t - 1)
            before = f"{prev}{layout.summary_row('after_tax_cumulative')}"
            now = at("after_tax_cumulative")
            texts["after_tax_points"] = (
                f"IF(AND({before}<0,{now}>=0),{prev}${layout.summary_t_row}"
                f'+(-{before})/{at("after_tax_flow")},"")'
            )
        for key, text in texts.items():
            yield Formula(
                "summary",
                f"{col}{layout.summary_row(key)}",
                f'=IF(OR({t_cell}>In_Horizon,In_TaxRate=""),"",{text})',
                (lambda ctx, t=t: _capitalised(ctx, t))
                if key == "capitalised"
                else (lambda ctx, key=key, t=t: _value(ctx, key, t)),
                style="calc",
                fmt=SUMMARY_ROWS[key][1],
            )
