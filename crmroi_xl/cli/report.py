"""Readable on-screen report of results (French or English), built with rich.

Text the user typed (the scenario's name, KPI labels, channel names, line
labels) is printed as text, never read as rich markup: a name such as
``[link=https://example.com]Devis[/link]`` shows as typed.

>>> money(12171.3, "fr"), money(12171.3, "en")
('12\\u202f171\\u202f€', '€12,171')
>>> money(-595793, "en", "USD"), money(595793, "fr", "CHF")
('-$595,793', '595\\u202f793\\u202fCHF')
>>> percent(3.0, "fr"), percent(0.2338, "en")
('300,0\\u202f%', '23.4%')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group, JustifyMethod, RenderableType
from rich.table import Table
from rich.text import Text

from ..engine.assumption_bars import ASSUMPTION_DRIVERS
from ..engine.results import Results
from ..engine.sensitivity import CASES
from ..errors import CrmRoiError
from ..excel.headline import AFTER_TAX, HEADLINES, Headline
from ..scenario.currency import amount, name
from ..scenario.labels import Lang, label

if TYPE_CHECKING:
    from ..engine.montecarlo import Simulation

__all__ = [
    "console",
    "money",
    "number",
    "percent",
    "render",
    "render_simulation",
    "target_chances",
]

NARROW_NBSP = "\u202f"  # French thousands separator and space before % and €


def console() -> Console:
    """The console a report prints to: its texts are data, never rich markup, and are
    not highlighted (the same output, a third faster to print)."""
    return Console(markup=False, highlight=False)


def _group(text: str, lang: Lang) -> str:
    return text.replace(",", NARROW_NBSP).replace(".", ",") if lang == "fr" else text


def money(value: float | None, lang: Lang = "fr", currency: str = "EUR") -> str:
    """An amount rounded to the unit, with the currency's symbol where the language puts
    it (:mod:`crmroi_xl.scenario.currency`)."""
    if value is None:
        return "—"
    digits = _group(f"{abs(value):,.0f}", lang)
    sign = "-" if round(value) < 0 else ""
    return sign + amount(digits, currency, lang, NARROW_NBSP if lang == "fr" else "\u00a0")


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


def render(
    results: Results,
    lang: Lang = "fr",
    quantiles: dict[str, dict[str, Any]] | None = None,
    targets: dict[str, dict[str, Any]] | None = None,
) -> Group:
    """The headline metrics, the points to review, the yearly flows, the KPIs and the
    channels; readable at 80 columns (any pipe) whatever the horizon. ``quantiles``: the
    simulation's P10 and P90 cases, shown under the three cases; ``targets``: the
    chances of reaching the targets (:func:`target_chances`), under them."""
    parts: list[RenderableType] = [_headline(results, lang)]
    if results.full_margin_revenue or results.kpi_worsens:
        parts.append(_review(results, lang))
    parts.append(_yearly(results, lang))
    if results.kpis:
        parts.append(_kpis(results, lang))
    if results.channels:
        parts.append(_channels(results, lang))
    parts += _sensitivity(results, lang, quantiles or {})
    if targets:
        runs = next(iter(targets.values()))["runs"]
        chances = Table(
            title=label("targets", lang).format(number(runs, lang, 0)), show_header=False
        )
        chances.add_column(no_wrap=True)
        chances.add_column(justify="right", no_wrap=True)
        for chance in targets.values():
            chances.add_row(str(chance["label"]), percent(chance["probability"], lang))
        parts.append(chances)
    return Group(*parts)


def _headline(r: Results, lang: Lang) -> Table:
    """The headline results (:data:`crmroi_xl.excel.headline.HEADLINES`); an undefined one shows
    a dash, and why in a column of its own (titles and values never wrap)."""
    table = Table(title=Text(f"{r.name} — {label('headline', lang)}"), show_header=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    years, months = label("years_unit", lang), label("months_unit", lang)
    shown: dict[str, Callable[[float], str]] = {
        "pct1": lambda v: percent(v, lang),
        "eur": lambda v: money(v, lang, r.currency),
        "years": lambda v: f"{number(v, lang)} {years}",
        "months": lambda v: f"{number(v, lang, 1)} {months}",
        "ratio": lambda v: f"{number(v, lang)} x",
    }
    rows = []
    for h in HEADLINES:
        if not h.shown:
            continue
        value, _ = h.evaluate(r)
        title = h.title[0] if lang == "fr" else h.title[1]
        why = label(_reason(h, r), lang) if value is None else ""
        rows.append((title, "—" if value is None else shown[h.fmt](value), why))
    rows += _finance_rows(r, lang, shown)
    if any(why for *_, why in rows):
        table.add_column(style="dim", overflow="fold")
    for row in rows:
        table.add_row(*(row if len(table.columns) == 3 else row[:2]))
    return table


def _finance_rows(
    r: Results, lang: Lang, shown: dict[str, Callable[[float], str]]
) -> list[tuple[str, str, str]]:
    """The finance view's lines: the after-tax NPV, IRR and payback beside the pre-tax
    headlines when a tax rate is set; the payback from go-live after month 1."""
    rows = []
    if r.after_tax is not None:
        for h in AFTER_TAX:
            value, _ = h.evaluate(r)
            title = h.title[0] if lang == "fr" else h.title[1]
            rows.append((title, "—" if value is None else shown[h.fmt](value), ""))
    if r.go_live_month > 1:
        months = r.payback_from_go_live_months
        rows.append(
            (
                label("payback_from_go_live", lang),
                "—" if months is None else shown["months"](months),
                "",
            )
        )
    return rows


def _reason(h: Headline, r: Results) -> str:
    """Why a headline result is undefined, as a reason code the labels word in each
    language (never the engine's English message)."""
    if h.key in r.reasons:
        return r.reasons[h.key]
    if h.value is not None:
        try:
            h.value(r)
        except CrmRoiError as error:
            return error.reason
    return "not_defined"


def _review(r: Results, lang: Lang) -> Text:
    """Defaults that flatter the ROI, as the Checks sheet flags them."""
    colon = "\u00a0:" if lang == "fr" else ":"
    blocks = [
        f"⚠ {label(key, lang)}{colon}" + "".join(f"\n  - {line}" for line in lines)
        for key, lines in (
            ("full_margin_revenue", r.full_margin_revenue),
            ("kpi_worsens", r.kpi_worsens),
        )
        if lines
    ]
    return Text("\n".join(blocks), style="yellow")


def _or_dash(value: float | None, fmt: Callable[[float], str]) -> str:
    return "—" if value is None else fmt(value)


def _years_table(
    r: Results, lang: Lang, title: str, rows: list[tuple[str, list[str], str]]
) -> Table:
    """One row a year (then the total): a horizon of any length stays as wide; each
    column as wide as its widest figure, so no figure is ever cut."""
    table = Table(title=title)
    years = [str(year) for year in r.calendar_years]
    _figures(table, label("year", lang), [*years, label("total", lang)], justify="left")
    for key, values, total in rows:
        _figures(table, label(key, lang), [*values, total])
    for t, year in enumerate(years):
        table.add_row(year, *(values[t] for _, values, _ in rows))
    table.add_row(label("total", lang), *(total for *_, total in rows), style="bold")
    return table


def _yearly(r: Results, lang: Lang) -> Group:
    """The yearly flows, then their present values: years as rows, flows as columns."""

    def amounts(values: list[float], total: bool = True) -> tuple[list[str], str]:
        shown = [number(v, lang, 0) for v in values]
        return shown, number(math.fsum(values), lang, 0) if total else ""

    flows = [
        ("costs", *amounts(r.costs)),
        ("benefits", *amounts(r.benefits)),
        ("net_flow", *amounts(r.net_flow)),
        ("cumulative_flow", *amounts(r.cumulative_flow, total=False)),
    ]
    if any(r.uncounted_benefits):
        flows.insert(2, ("uncounted_benefits", *amounts(r.uncounted_benefits)))
    present = [
        ("discount_factor", [number(f, lang, 4) for f in r.discount_factors], ""),
        ("present_values", *amounts(r.present_values)),
        ("cumulative_present_values", *amounts(r.cumulative_present_values, total=False)),
    ]
    unit = name(r.currency, lang)
    rate = percent(r.discount_rate, lang)
    return Group(
        _years_table(r, lang, f"{label('yearly_flows', lang)} ({unit})", flows),
        _years_table(r, lang, f"{label('present_values_at', lang)} {rate} ({unit})", present),
    )


def _kpis(r: Results, lang: Lang) -> Table:
    rows = []
    for k in r.kpis:
        fmt = _kpi_format(k.unit, lang, r.currency)
        if k.unit == "percent":  # a change of percentages is in points: +1.5 pts
            sign = "+" if k.change > 0 else ""
            change = f"{sign}{number(k.change * 100, lang, 1)} {label('points_unit', lang)}"
        else:
            change = percent(k.relative_change, lang) if k.relative_change is not None else "—"
        mark = {True: " ▲", False: " ▼", None: ""}[k.improved]
        rows.append((k.label or label(k.kind, lang), fmt(k.before), fmt(k.after), change + mark))
    headers = [label(key, lang) for key in ("kpi", "before", "after", "change")]
    return _labelled(label("kpis", lang), headers, rows)


def _kpi_format(unit: str, lang: Lang, currency: str) -> Callable[[float], str]:
    if unit == "percent":
        return lambda v: percent(v, lang)
    if unit == "currency":
        return lambda v: money(v, lang, currency)
    return lambda v: f"{number(v, lang, 1)} {label(unit, lang)}"


def _channels(r: Results, lang: Lang) -> Table:
    rows = [
        (
            c.name,
            number(c.spend, lang, 0),
            number(c.attributed_revenue, lang, 0),
            number(c.new_customers, lang, 0),
            _or_dash(c.roas, lambda v: f"{number(v, lang)} x"),
            percent(c.roi, lang),
            _or_dash(c.cac, lambda v: number(v, lang, 0)),
        )
        for c in r.channels
    ]
    keys = ("channel", "spend", "attributed_revenue", "new_customers", "roas", "roi")
    headers = [*(label(key, lang) for key in keys), "CAC"]
    title = f"{label('channels', lang)} ({name(r.currency, lang)})"  # amounts in the title's unit
    return _labelled(title, headers, rows)


NARROW = 80  # columns of a pipe or a small terminal, the width the report is made for


def _labelled(title: str, headers: list[str], rows: Sequence[tuple[str, ...]]) -> Table:
    """A table of a label and figures: each figure column as wide as its widest figure
    (never cut); labels wrap within their column, with a rule between rows when they
    would not fit on 80 columns, so a wrapped label never reads as a row of its own."""
    table = Table(title=title)
    table.add_column(headers[0], overflow="fold")  # takes what the figures leave
    for i, header in enumerate(headers[1:], 1):
        _figures(table, header, [row[i] for row in rows])
    longest = max(len(row[0]) for row in rows)
    figures = sum(column.width or 0 for column in table.columns[1:])
    table.show_lines = longest + figures + 3 * len(headers) + 1 > NARROW  # padding, borders
    for label_text, *values in rows:
        table.add_row(Text(label_text), *values)  # a KPI label, a channel: text, not markup
    return table


def _figures(table: Table, header: str, texts: list[str], justify: JustifyMethod = "right") -> None:
    """A column of figures exactly as wide as its widest figure (or the longest word of
    its header, which wraps): a narrow screen wraps the labels, never cuts a figure."""
    width = max(len(text) for text in [*texts, *header.split()])
    table.add_column(header, justify=justify, width=width, no_wrap=False)


# --- sensitivity (the lines' ranges): cases, tornado, break-even; the Monte Carlo ---------

#: Bars of the tornado the console shows (the largest swings).
TORNADO_BARS = 5
#: Widest bar of the tornado and of the histogram, in characters (80 columns in all).
BAR_WIDTH = 24


def _bar(value: float, largest: float, width: int = BAR_WIDTH) -> str:
    """A bar of ``width x value / largest`` full blocks (at least one for a non-zero value)."""
    if largest <= 0 or value <= 0:
        return ""
    return "█" * max(1, round(width * value / largest))


def _sensitivity(
    r: Results, lang: Lang, quantiles: dict[str, dict[str, Any]]
) -> list[RenderableType]:
    """The three cases (and the P10 / P90 cases), the largest tornado bars and the
    break-even factors."""
    s = r.sensitivity
    parts: list[RenderableType] = []
    if any(bar.side != "assumption" for bar in s.tornado):
        cases = Table(title=label("sensitivity_cases", lang))
        cases.add_column(label("sensitivity_case", lang))
        for key in ("npv", "roi", "irr", "payback"):
            cases.add_column(label(key, lang), justify="right")
        for case in CASES:
            c = getattr(s.cases, case)
            payback = _or_dash(
                c.payback, lambda v: f"{number(v, lang)} {label('years_unit', lang)}"
            )
            cases.add_row(
                label(f"case_{case}", lang),
                money(c.npv, lang, r.currency),
                percent(c.roi, lang),
                percent(c.irr, lang),
                payback,
            )
        for q in quantiles.values():
            cases.add_row(
                str(q["label"]),
                money(q["npv"], lang, r.currency),
                percent(q["roi"], lang),
                "—",
                _or_dash(q["payback"], lambda v: f"{number(v, lang)} {label('years_unit', lang)}"),
            )
        parts.append(cases)
    else:
        parts.append(Text(label("sensitivity_no_range", lang)))
    if s.tornado:  # the assumptions' bars even without a line's range
        parts.append(_tornado(r, lang))
    for key, factor in (
        ("breakeven_benefits", s.breakeven.benefits_factor),
        ("breakeven_costs", s.breakeven.costs_factor),
    ):
        if factor is not None:
            parts.append(Text(label(key, lang).format(percent(factor, lang))))
    return parts


def _tornado(r: Results, lang: Lang) -> Table:
    bars = r.sensitivity.tornado[:TORNADO_BARS]
    table = Table(title=label("sensitivity_tornado", lang))
    table.add_column(label("sensitivity_line", lang), ratio=1, overflow="fold")
    table.add_column(label("sensitivity_range", lang), justify="right", no_wrap=True)
    table.add_column(label("sensitivity_npv_low", lang), justify="right", no_wrap=True)
    table.add_column(label("sensitivity_npv_high", lang), justify="right", no_wrap=True)
    table.add_column(label("sensitivity_swing", lang), no_wrap=True)
    largest = max(abs(bar.npv_high - bar.npv_low) for bar in bars) or 1.0
    for bar in bars:
        swing = abs(bar.npv_high - bar.npv_low)
        words = bar.label  # an assumption's in the report's language
        if bar.side == "assumption":
            words = label(f"tornado_{ASSUMPTION_DRIVERS[bar.index]}", lang)
        table.add_row(
            Text(words),
            _range(bar.low, bar.high, bar.side == "assumption" and bar.index != 1, lang),
            money(bar.npv_low, lang, r.currency),
            money(bar.npv_high, lang, r.currency),
            _bar(swing, largest, width=10),
        )
    return table


def _range(low: float, high: float, rates: bool, lang: Lang) -> str:
    """A bar's range: multipliers as numbers, a rate or a risk in percent."""
    if rates:
        return f"{percent(low, lang)}–{percent(high, lang)}"
    return f"{number(low, lang)}–{number(high, lang)}"


def render_simulation(sim: Simulation, lang: Lang = "fr") -> Group:
    """The Monte Carlo summary: percentile table, probabilities and an NPV histogram."""
    setup = label("simulation_setup", lang).format(
        number(sim.runs, lang, 0), sim.seed, label(sim.distribution, lang)
    )
    title = Text(f"{sim.name} — {label('simulation', lang)}")
    table = Table(title=title, caption=setup)
    table.add_column(label("simulation_statistic", lang))
    for key in ("npv", "roi", "payback"):
        table.add_column(label(key, lang), justify="right")
    years = label("years_unit", lang)
    formats: list[Callable[[float | None], str]] = [
        lambda v: money(v, lang, sim.currency),
        lambda v: percent(v, lang),
        lambda v: "—" if v is None else f"{number(v, lang)} {years}",
    ]
    stats = (sim.npv, sim.roi, sim.payback)
    for key in ("mean", "std", "p5", "p10", "p50", "p90", "p95"):
        values = (fmt(getattr(stat, key)) for fmt, stat in zip(formats, stats, strict=True))
        table.add_row(label(f"simulation_{key}", lang), *values)
    table.add_row(
        label("simulation_undefined_share", lang),
        *(percent(stat.undefined_share, lang) for stat in stats),
    )
    chances = Table(title=label("simulation_probability", lang), show_header=False)
    chances.add_column()
    chances.add_column(justify="right")
    targets = target_chances(sim, lang)
    for key, value in sim.probability.shown.items():
        shown = str(targets[key]["label"]) if key in targets else label(key, lang)
        chances.add_row(shown, percent(value, lang))
    return Group(table, chances, _histogram(sim, lang))


def target_chances(sim: Simulation, lang: Lang = "fr") -> dict[str, dict[str, Any]]:
    """Each target set (``assumptions.targets``) with the share of ``sim``'s runs that
    reach it, labelled: ``{"npv_target": {"target": 50000.0, "probability": 0.9,
    "label": "NPV of at least €50,000"}}`` (payback in months, ROI a fraction).

    >>> from crmroi_xl.engine.montecarlo import Probability, Simulation
    >>> sim = Simulation(100, 0, "pert", *(None,) * 3, Probability(1, 1, 1, roi_target=0.25),
    ...     "x", "EUR", 3, *(None,) * 3, targets={"roi": 0.5})  # type: ignore[arg-type]
    >>> target_chances(sim, "en")
    {'roi_target': {'target': 0.5, 'probability': 0.25, 'label': 'ROI of at least 50.0%'}}
    """
    shown: dict[str, Callable[[float], str]] = {
        "payback_months": lambda v: number(v, lang, 0 if float(v).is_integer() else 1),
        "npv": lambda v: money(v, lang, sim.currency),
        "roi": lambda v: percent(v, lang),
    }
    out: dict[str, dict[str, Any]] = {}
    for key, target in sim.targets.items():
        name = f"{key.removesuffix('_months')}_target"
        out[name] = {
            "target": target,
            "probability": getattr(sim.probability, name),
            "label": label(name, lang).format(shown[key](target)),
        }
    return out


def _histogram(sim: Simulation, lang: Lang) -> Table:
    """One row per NPV bin: its range, a bar, the share of runs (red below zero)."""
    edges, counts = sim.histogram()
    table = Table(title=label("simulation_histogram", lang), box=None, show_header=False)
    for justify in ("right", "left", "left", "right"):
        table.add_column(justify=justify, no_wrap=True)
    largest = max(counts)
    for low, high, count in zip(edges, edges[1:], counts, strict=False):
        style = "red" if high <= 0 else "green" if low >= 0 else "yellow"
        table.add_row(
            money(low, lang, sim.currency),
            f"→ {money(high, lang, sim.currency)}",
            Text(_bar(count, largest), style=style),
            percent(count / sim.runs, lang),
        )
    return table
