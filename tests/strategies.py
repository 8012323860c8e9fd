"""Hypothesis strategies for scenarios, shared by the engine, workbook and round-trip tests."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from crmroi_xl.scenario.model import KPI_DEFAULTS, BenefitCategory, CostCategory, KpiKind
from crmroi_xl.scenario.values import printable

amounts = st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda x: round(x, 2))
shares = st.floats(min_value=0, max_value=1, allow_nan=False).map(lambda x: round(x, 4))
#: A line's range: low and high multipliers (blank = 1), a low of 0 included.
lows = st.sampled_from([0.0, 0.3, 0.5, 0.8, 0.95, 1.0]) | st.floats(0, 1).map(lambda x: round(x, 3))
highs = st.sampled_from([1.0, 1.05, 1.2, 1.5, 2.0, 10.0]) | st.floats(1, 10).map(
    lambda x: round(x, 3)
)


def _label(text: str) -> bool:
    """Whether the model takes ``text`` as a label (a Hangul filler alone, say, is blank)."""
    try:
        printable(text)
    except PydanticCustomError:
        return False
    return any(c.isalnum() for c in text)


labels = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(_label)


@st.composite
def cost_lines(draw: st.DrawFn) -> dict[str, Any]:
    line: dict[str, Any] = {
        "label": draw(labels),
        "category": draw(st.sampled_from(list(CostCategory))).value,
        "one_off": draw(amounts),
    }
    driver = draw(st.sampled_from(["amount", "seats", "hours"]))
    if driver == "amount":
        line["amount_per_year"] = draw(amounts)
    elif driver == "seats":
        line["seats"] = draw(st.integers(0, 500))
        line["price_per_seat_month"] = draw(amounts.map(lambda x: round(x / 1000, 2)))
    else:
        line["hours_per_year"] = draw(st.integers(0, 20_000))
        line["hourly_rate"] = draw(st.integers(0, 200))
    line["annual_increase"] = draw(st.sampled_from([0, 0.02, 0.05, -0.1]))
    line["years"] = draw(st.none() | st.integers(0, 10))
    _ranged(draw, line)
    return line


def _ranged(draw: st.DrawFn, line: dict[str, Any]) -> None:
    """Give ``line`` a range half of the time (low, high or both)."""
    if draw(st.booleans()):
        line["low"], line["high"] = draw(lows), draw(highs)


@st.composite
def benefit_lines(draw: st.DrawFn) -> dict[str, Any]:
    category = draw(st.sampled_from(list(BenefitCategory))).value
    line: dict[str, Any] = {"label": draw(labels), "category": category}
    driver = draw(st.sampled_from(["amount", "sales", "hours"]))
    if driver == "amount":
        line["amount_per_year"] = draw(amounts)
    elif driver == "sales":
        line["extra_sales_per_month"] = draw(st.integers(0, 200))
        line["average_deal_value"] = draw(amounts.map(lambda x: round(x / 100, 2)))
        line["gross_margin"] = draw(shares)
    else:
        line["hours_saved_per_year"] = draw(st.integers(0, 20_000))
        line["hourly_rate"] = draw(st.integers(0, 200))
    line["annual_growth"] = draw(st.sampled_from([0, 0.03, 0.1, -0.05]))
    if category == "intangible":
        line["include_in_roi"] = draw(st.booleans())
    _ranged(draw, line)
    return line


@st.composite
def kpis(draw: st.DrawFn) -> dict[str, Any]:
    """A KPI before and after; percentages are fractions."""
    kind = draw(st.sampled_from([k for k in KpiKind if k != "custom"]))
    values = shares if KPI_DEFAULTS[kind][0] == "percent" else amounts
    return {"kind": kind.value, "before": draw(values), "after": draw(values)}


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A valid scenario as the dict a user would write."""
    horizon = draw(st.integers(1, 10))
    data: dict[str, Any] = {
        "assumptions": {
            "name": draw(labels),
            "horizon_years": horizon,
            "discount_rate": draw(st.sampled_from([0, 0.05, 0.08, 0.1, 0.125, 0.2])),
            "start_year": draw(st.integers(2000, 2040)),
            "language": draw(st.sampled_from(["fr", "en"])),
            "benefit_risk": draw(st.sampled_from([0, 0.1, 0.15, 0.25])),
            "cost_risk": draw(st.sampled_from([0, 0.05, 0.1, 0.2])),
            "adoption": draw(st.lists(shares, max_size=horizon)),
        },
        "costs": draw(st.lists(cost_lines(), min_size=0, max_size=6)),
        "benefits": draw(st.lists(benefit_lines(), min_size=0, max_size=6)),
        "kpis": draw(st.lists(kpis(), max_size=5)),
        "channels": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "name": labels,
                        "spend": amounts,
                        "attributed_revenue": amounts,
                        "new_customers": st.integers(0, 5000),
                        "gross_margin": shares,
                    }
                ),
                max_size=5,
            )
        ),
    }
    if not data["costs"] and not data["benefits"]:  # an empty business case is refused
        data["costs"].append(draw(cost_lines()))
    if draw(st.booleans()):
        data["customers"] = {
            "margin_per_customer": draw(amounts),
            "retention_rate": draw(st.floats(0, 0.95).map(lambda x: round(x, 3))),
            "clv_years": draw(st.none() | st.integers(1, 20)),
        }
    return data


@st.composite
def timed_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A valid scenario using line timing, seat ramps and KPI-driven benefits."""
    data = draw(scenarios())
    horizon = data["assumptions"]["horizon_years"]
    years = st.integers(1, horizon)
    for line in data["costs"]:
        line["start_year"] = draw(years)
        line["one_off_year"] = draw(st.integers(0, horizon))
        if draw(st.booleans()):
            line["increase_from_year"] = draw(st.integers(1, horizon + 1))
        if "seats" in line and draw(st.booleans()):
            line["seats_by_year"] = draw(
                st.lists(st.integers(0, 500), min_size=1, max_size=horizon)
            )
            del line["seats"]
    for line in data["benefits"]:
        line["start_year"] = draw(years)
        line["years"] = draw(st.none() | st.integers(0, horizon))
        line["ramp_up"] = draw(st.booleans())
        if "hours_saved_per_year" in line:
            line["realisation"] = draw(shares)
    kinds = {"win_rate": "opportunities_per_year", "lead_conversion_rate": "leads_per_year"}
    data["kpis"] = [k for k in data["kpis"] if k["kind"] not in (*kinds, "churn_rate")]
    for kind in draw(st.lists(st.sampled_from([*kinds, "churn_rate"]), unique=True)):
        before, after = draw(shares), draw(shares)
        data["kpis"].append({"kind": kind, "before": before, "after": after})
        line = {
            "label": draw(labels),
            "category": "incremental_revenue" if kind in kinds else "retention",
            "start_year": draw(years),
            "ramp_up": draw(st.booleans()),
        }
        if kind in kinds:
            line[kinds[kind]] = draw(st.integers(1, 5_000))
            line["average_deal_value"] = draw(amounts.map(lambda x: round(x / 100, 2)))
            line["gross_margin"] = draw(shares)
        else:
            line["customers"] = draw(st.integers(1, 5_000))
            line["margin_per_customer"] = draw(amounts.map(lambda x: round(x / 100, 2)))
        data["benefits"].append(line)
    return data
