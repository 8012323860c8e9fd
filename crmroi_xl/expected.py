"""The engine's value of every computed cell of a workbook.

Each :class:`~crmroi_xl.layout.Formula` carries a semantic key; this module
maps a key to its value from :func:`crmroi_xl.engine.compute`'s results, so the
exporter writes it as the cell's cached value and the tests compare it with
what a spreadsheet engine computes from the formula. A blank table line is
``""``, an undefined result ``"#N/A"``, as the formulas give.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from .engine import Results
from .labels import label
from .layout import Layout
from .model import Scenario

__all__ = ["NA", "CellValue", "expected_values"]

NA = "#N/A"
CellValue = float | str


def _or_na(value: float | None) -> CellValue:
    return NA if value is None else value


class _Values:
    """Engine values padded to the eleven year columns of the workbook."""

    def __init__(self, layout: Layout, scenario: Scenario, results: Results) -> None:
        self.layout, self.s, self.r = layout, scenario, results
        self.horizon = scenario.assumptions.horizon_years
        self.lang = layout.lang

    def year(self, values: list[float], t: int, after: float = 0.0) -> float:
        """Value of year ``t``; past the horizon the workbook computes ``after``."""
        return values[t] if t <= self.horizon else after

    def cost(self, part: str, *args: int) -> CellValue:
        i = args[0]
        r = self.r
        if part in ("total", "direct", "indirect"):
            series = {"total": r.costs, "direct": r.direct_costs, "indirect": r.indirect_costs}
            return self.year(series[part], i)
        if part == "check":
            return 0
        if i >= len(self.s.costs):
            return ""
        if part == "nature":
            return label(self.s.costs[i].nature, self.lang)
        if part == "base":
            from .engine import cost_base

            return cost_base(self.s.costs[i])
        return self.year(r.cost_lines[i].values, args[1])

    def benefit(self, part: str, *args: int) -> CellValue:
        i, r = args[0], self.r
        if part == "total":
            return self.year(r.benefits, i)
        if part == "uncounted":
            return self.year(r.uncounted_benefits, i)
        if part == "check":
            return 0
        if i >= len(self.s.benefits):
            return ""
        if part == "counted":
            return 1 if r.benefit_lines[i].counted else 0
        if part == "base":
            from .engine import benefit_base

            return benefit_base(self.s.benefits[i])
        return self.year(r.benefit_lines[i].values, args[1])

    def kpi(self, part: str, i: int) -> CellValue:
        if part == "check":
            return 0
        if i >= len(self.r.kpis):
            return ""
        k = self.r.kpis[i]
        if part == "change":
            return k.change
        if part == "relative_change":
            return _or_na(k.relative_change)
        if part == "higher_eff":
            return self.layout.yes_no(self.s.kpis[i].higher_is_better)
        return {True: "▲", False: "▼", None: "="}[k.improved]

    def channel(self, part: str, which: int | str) -> CellValue:
        channels = self.r.channels
        if part == "total":
            if which == "roas":
                return _or_na(self.r.roas)
            return math.fsum(getattr(c, str(which)) for c in channels)
        if part == "check":
            return 0
        assert isinstance(which, int)
        if which >= len(channels):
            return ""
        return _or_na(getattr(channels[which], part))

    def customers(self, part: str) -> CellValue:
        c, channels = self.s.customers, self.s.channels
        if part in ("spend", "new"):
            given = (
                None if c is None else (c.acquisition_spend if part == "spend" else c.new_customers)
            )
            if given is not None:
                return given
            if not channels:
                return NA
            field = "spend" if part == "spend" else "new_customers"
            return math.fsum(getattr(ch, field) for ch in channels)
        value = {"clv": self.r.clv, "cac": self.r.cac, "clv_cac": self.r.clv_cac_ratio}[part]
        return _or_na(value)

    def summary(self, key: str, t: int) -> CellValue:
        r, a = self.r, self.s.assumptions
        if key == "calendar":
            return a.start_year + t
        if key == "in_horizon":
            return 1 if t <= self.horizon else 0
        if key == "discount_factors":
            return 1 / (1 + a.discount_rate) ** t
        if key in ("cumulative_flow", "cumulative_present_values"):
            series = getattr(r, key)
            return self.year(series, t, after=series[-1])
        if key in ("payback_points", "discounted_payback_points"):
            cumulative = (
                r.cumulative_flow if key == "payback_points" else r.cumulative_present_values
            )
            flows = r.net_flow if key == "payback_points" else r.present_values
            if 0 < t <= self.horizon and cumulative[t - 1] < 0 <= cumulative[t]:
                return (t - 1) + (-cumulative[t - 1]) / flows[t]
            return ""
        return self.year(getattr(r, key), t)

    def headline(self, key: str) -> CellValue:
        if key == "check":
            return label("ok", self.lang)
        return _or_na(getattr(self.r, key))

    def check(self, key: str, column: str) -> CellValue:
        if column == "status":
            return label("ok", self.lang)
        if column == "passed":
            return 1
        if key == "npv_reconcile":
            return abs(self.r.npv - math.fsum(self.r.present_values))
        if key == "cumulative_reconcile":
            return abs(self.r.cumulative_flow[-1] - self.r.net_benefit)
        return 0

    def adoption(self, t: int) -> CellValue:
        adoption = self.s.assumptions.adoption
        return adoption[t - 1] if t <= len(adoption) else adoption[-1]

    def calendar(self, t: int) -> CellValue:
        return self.s.assumptions.start_year + t


def expected_values(
    layout: Layout, scenario: Scenario, results: Results
) -> dict[tuple[str, str], CellValue]:
    """``(sheet key, address) -> value`` for every formula cell of ``layout``."""
    values = _Values(layout, scenario, results)
    handlers: dict[str, Callable[..., CellValue]] = {
        "cost": values.cost,
        "benefit": values.benefit,
        "kpi": values.kpi,
        "channel": values.channel,
        "customers": values.customers,
        "summary": values.summary,
        "headline": values.headline,
        "check": values.check,
        "adoption": values.adoption,
        "calendar": values.calendar,
    }
    out: dict[tuple[str, str], CellValue] = {}
    for formula in layout.formulas():
        kind, *args = formula.key
        out[(formula.sheet, formula.ref)] = handlers[str(kind)](*args)
    return out
