"""The options side by side on screen, and in ``compute --json``.

``crmroi compute FILE`` on a scenario with options prints one column per option
(readable at 80 columns: up to six options), the sentence on a ranking conflict,
then the best option's full report (:func:`crmroi_xl.cli.report.render`).

>>> TITLES["tco"]
('Coût total (TCO)', 'Total cost (TCO)')
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..engine.options import COMPARISON_KEYS, Comparison, OptionResults, conflict_sentence
from ..scenario.labels import Lang
from .report import money, number, percent, render

__all__ = ["OPTION_KEYS", "TITLES", "comparison_json", "render_comparison"]

#: The keys each option adds to its results in ``compute --json``, in this order.
OPTION_KEYS = ("name", "description", "baseline", "rank", *COMPARISON_KEYS)

#: The rows of the side-by-side table: (French, English).
TITLES: dict[str, tuple[str, str]] = {
    "tco": ("Coût total (TCO)", "Total cost (TCO)"),
    "tco_pv": ("TCO actualisé", "TCO, present value"),
    "total_benefits": ("Bénéfices totaux", "Total benefits"),
    "npv": ("VAN", "NPV"),
    "roi": ("ROI", "ROI"),
    "irr": ("TRI", "IRR"),
    "payback": ("Délai (ans)", "Payback (years)"),
    "incremental_npv": ("VAN vs référence", "NPV vs baseline"),
    "incremental_irr": ("TRI vs référence", "IRR vs baseline"),
    "incremental_payback": ("Délai vs référence", "Payback vs baseline"),
    "rank": ("Rang (VAN)", "Rank (NPV)"),
    "probability_best": ("P(meilleure)", "P(best)"),
    "probability_beats_baseline": ("P(bat la référence)", "P(beats baseline)"),
}

_WORDS = {
    "title": ("Options comparées", "Options side by side"),
    "baseline": ("référence", "baseline"),
    "no_change": (
        "Référence : aucun changement (flux nuls).",
        "Baseline: no change (all flows zero).",
    ),
    "best": ("Meilleure option (VAN) : {name}", "Best option (NPV): {name}"),
    "runs": (
        "Probabilités : une simulation Monte-Carlo de {runs} tirages, "
        "lignes partagées tirées ensemble.",
        "Probabilities: one Monte Carlo of {runs} runs, shared lines drawn together.",
    ),
}


def _word(key: str, lang: Lang) -> str:
    french, english = _WORDS[key]
    return french if lang == "fr" else english


def _value(option: OptionResults, key: str) -> float | None:
    if hasattr(option, key):
        value: float | None = getattr(option, key)
        return value
    found: float | None = getattr(option.results, key)
    return found


def render_comparison(comparison: Comparison, lang: Lang = "fr") -> Group:
    """The table of options, the conflict's sentence, then the best option's report."""
    best = comparison.best_option
    currency = best.results.currency
    shown: dict[str, Callable[[float], str]] = {
        "tco": lambda v: money(v, lang, currency),
        "tco_pv": lambda v: money(v, lang, currency),
        "total_benefits": lambda v: money(v, lang, currency),
        "npv": lambda v: money(v, lang, currency),
        "incremental_npv": lambda v: money(v, lang, currency),
        "roi": lambda v: percent(v, lang),
        "irr": lambda v: percent(v, lang),
        "incremental_irr": lambda v: percent(v, lang),
        "payback": lambda v: number(v, lang, 1),
        "incremental_payback": lambda v: number(v, lang, 1),
        "rank": lambda v: f"{v:.0f}",
        "probability_best": lambda v: percent(v, lang),
        "probability_beats_baseline": lambda v: percent(v, lang),
    }
    table = Table(title=Text(f"{best.results.name} — {_word('title', lang)}"))
    table.add_column("", style="bold", overflow="fold")
    for option in comparison.options:
        header = option.name + (f" ({_word('baseline', lang)})" if option.baseline else "")
        table.add_column(Text(header), justify="right", overflow="fold")
    for key, (french, english) in TITLES.items():
        if key.startswith("probability") and comparison.runs is None:
            continue
        cells = []
        for option in comparison.options:
            value = _value(option, key)
            cells.append("—" if value is None else shown[key](value))
        table.add_row(french if lang == "fr" else english, *cells)
    parts: list[RenderableType] = [table]
    if comparison.baseline is None:
        parts.append(Text(_word("no_change", lang)))
    if comparison.runs is not None:
        runs = number(comparison.runs, lang, 0)
        parts.append(Text(_word("runs", lang).format(runs=runs)))
    sentence = conflict_sentence(comparison.options, lang)
    if sentence:
        parts.append(Text(sentence))
    parts.append(Text(_word("best", lang).format(name=best.name), style="bold"))
    parts.append(render(best.results, lang))
    return Group(*parts)


def comparison_json(
    comparison: Comparison, results_json: Callable[[Any], dict[str, object]]
) -> dict[str, object]:
    """``compute --json`` of a choice: the best option's results at the top level (so a
    script reading ``npv`` gets a number), then ``options`` (input order: each option's
    :data:`OPTION_KEYS`, then its results as ``results_json`` gives them but the
    scenario's name), ``best``,
    ``baseline``, ``conflicts`` and ``simulation_runs``."""
    options = []
    for option in comparison.options:
        data: dict[str, object] = {key: getattr(option, key) for key in OPTION_KEYS}
        own = results_json(option.results)
        options.append(data | {key: own[key] for key in own if key not in data})
    return results_json(comparison.best_option.results) | {
        "options": options,
        "best": comparison.best,
        "baseline": comparison.baseline,
        "conflicts": comparison.conflicts,
        "simulation_runs": comparison.runs,
    }
