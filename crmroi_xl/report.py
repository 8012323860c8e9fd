"""Readable on-screen report of results (French or English), built with rich.

Text the user typed (the scenario's name, KPI labels, channel names) is
printed as text, never read as rich markup: a name such as
``[link=https://example.com]Devis[/link]`` shows as typed.

>>> money(12171.3, "fr"), money(12171.3, "en")
('12\\u202f171\\u202f€', '€12,171')
>>> percent(3.0, "fr"), percent(0.2338, "en")
('300,0\\u202f%', '23.4%')
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Group
from rich.table import Table
from rich.text import Text

from .engine import Results
from .labels import Lang, label

__all__ = ["money", "percent", "render"]

NARROW_NBSP = "\u202f"  # French thousands separator and space before % and €


def _group(text: str, lang: Lang) -> str:
    return text.replace(",", NARROW_NBSP).replace(".", ",") if lang == "fr" else text


def money(value: float | None, lang: Lang = "fr", currency: str = "EUR") -> str:
    """An amount rounded to the unit, with the currency symbol where the language puts it."""
    if value is None:
        return "—"
    symbol = "€" if currency == "EUR" else currency
    digits = _group(f"{abs(value):,.0f}", lang)
    sign = "-" if round(value) < 0 else ""
    return f"{sign}{digits}{NARROW_NBSP}{symbol}" if lang == "fr" else f"{sign}{symbol}{digits}"


def percent(value: float | None, lang: Lang = "fr") -> str:
    """A fraction as a percentage with one decimal."""
    if value is None:
        return "—"
    text = _group(f"{value * 100:,.1f}", lang)
    return f"{text}{NARROW_NBSP}%" if lang == "fr" else f"{text}%"


def number(value: float | None, lang: Lang = "fr", decimals: int = 2) -> str:
    """A plain number with the language's decimal mark."""
    if value is None:
        return "—"
    return _group(f"{value:,.{decimals}f}", lang)


def render(results: Results, lang: Lang = "fr") -> Group:
    """The headline metrics, the yearly flows, the KPIs and the channels."""
    parts: list[Table] = [_headline(results, lang), _yearly(results, lang)]
    if results.kpis:
        parts.append(_kpis(results, lang))
    if results.channels:
        parts.append(_channels(results, lang))
    return Group(*parts)


def _headline(r: Results, lang: Lang) -> Table:
    table = Table(title=Text(f"{r.name} — {label('headline', lang)}"), show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    years, months = label("years_unit", lang), label("months_unit", lang)

    def in_years(value: float) -> str:
        return f"{number(value, lang)} {years}"

    rows = [
        ("roi", percent(r.roi, lang)),
        ("roi_pv", percent(r.roi_pv, lang)),
        ("npv", money(r.npv, lang, r.currency)),
        ("irr", percent(r.irr, lang)),
        ("payback", _or_dash(r.payback, in_years)),
        ("payback_months", _or_dash(r.payback_months, lambda v: f"{number(v, lang, 1)} {months}")),
        (
            "discounted_payback",
            _or_dash(r.discounted_payback, lambda v: f"{number(v, lang)} {years}"),
        ),
        ("roas", _or_dash(r.roas, lambda v: f"{number(v, lang)} x")),
        ("clv", money(r.clv, lang, r.currency)),
        ("cac", money(r.cac, lang, r.currency)),
        ("clv_cac_ratio", _or_dash(r.clv_cac_ratio, lambda v: f"{number(v, lang)} x")),
    ]
    for key, text in rows:
        why = r.reasons.get(key)
        table.add_row(label(key, lang), f"— ({label(why, lang)})" if why and text == "—" else text)
    return table


def _or_dash(value: float | None, fmt: Callable[[float], str]) -> str:
    return "—" if value is None else fmt(value)


def _yearly(r: Results, lang: Lang) -> Table:
    symbol = "€" if r.currency == "EUR" else r.currency
    table = Table(title=f"{label('yearly_flows', lang)} ({symbol})")
    table.add_column(label("year", lang))
    for year in r.calendar_years:
        table.add_column(str(year), justify="right")
    table.add_column(label("total", lang), justify="right", style="bold")
    rows = [
        ("costs", r.costs, True),
        ("benefits", r.benefits, True),
        ("net_flow", r.net_flow, True),
        ("cumulative_flow", r.cumulative_flow, False),
        ("present_values", r.present_values, True),
        ("cumulative_present_values", r.cumulative_present_values, False),
    ]
    if any(r.uncounted_benefits):
        rows.insert(2, ("uncounted_benefits", r.uncounted_benefits, True))
    for key, values, has_total in rows:
        total = number(sum(values), lang, 0) if has_total else ""
        table.add_row(label(key, lang), *(number(v, lang, 0) for v in values), total)
    return table


def _kpis(r: Results, lang: Lang) -> Table:
    table = Table(title=label("kpis", lang))
    for key in ("kpi", "before", "after", "change"):
        table.add_column(label(key, lang), justify="left" if key == "kpi" else "right")
    for k in r.kpis:
        fmt = _kpi_format(k.unit, lang, r.currency)
        change = percent(k.relative_change, lang) if k.relative_change is not None else "—"
        mark = {True: " ▲", False: " ▼", None: ""}[k.improved]
        name = Text(k.label or label(k.kind, lang))
        table.add_row(name, fmt(k.before), fmt(k.after), change + mark)
    return table


def _kpi_format(unit: str, lang: Lang, currency: str) -> Callable[[float], str]:
    if unit == "percent":
        return lambda v: percent(v, lang)
    if unit == "currency":
        return lambda v: money(v, lang, currency)
    return lambda v: f"{number(v, lang, 1)} {label(unit, lang)}"


def _channels(r: Results, lang: Lang) -> Table:
    table = Table(title=label("channels", lang))
    table.add_column(label("channel", lang))
    for key in ("spend", "attributed_revenue", "new_customers", "roas", "roi", "cac"):
        table.add_column(label(key, lang), justify="right")
    for c in r.channels:
        table.add_row(
            Text(c.name),
            money(c.spend, lang, r.currency),
            money(c.attributed_revenue, lang, r.currency),
            number(c.new_customers, lang, 0),
            _or_dash(c.roas, lambda v: f"{number(v, lang)} x"),
            percent(c.roi, lang),
            money(c.cac, lang, r.currency),
        )
    return table
