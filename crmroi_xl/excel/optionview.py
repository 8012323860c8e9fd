"""What a workbook of options shows: every option's lines, the best option selected.

A scenario with ``options`` exports as one workbook holding them all
(:mod:`crmroi_xl.engine.optionbook` lays their lines out in one table); it opens on
the best option by NPV (:func:`~crmroi_xl.engine.options.compare`), and its
``In_Option`` switches it natively.

>>> from crmroi_xl.scenario.model import Scenario
>>> s = Scenario.model_validate({"assumptions": {"name": "x"},
...     "options": [{"name": "A", "costs": [{"label": "a", "category": "other",
...                                          "one_off": 1}]},
...                 {"name": "B"}]})
>>> shown_book(s).name, len(table_scenario(s).costs), shown_book(table_scenario(s))
('B', 1, None)
"""

from __future__ import annotations

from dataclasses import replace

from ..engine.optionbook import OptionBook, option_book
from ..engine.options import Comparison, compare
from ..scenario.model import Scenario

__all__ = ["shown_book", "table_scenario"]


def shown_book(
    scenario: Scenario, name: str | None = None, comparison: Comparison | None = None
) -> OptionBook | None:
    """The book of a scenario with options, showing option ``name`` (default: the best
    by NPV), with its comparison (``comparison``: ``compare(scenario)`` when known);
    None for a single business case."""
    if not scenario.options:
        return None
    comparison = compare(scenario) if comparison is None else comparison
    book = option_book(scenario, comparison.best if name is None else name)
    return replace(book, comparison=comparison)


def table_scenario(scenario: Scenario) -> Scenario:
    """The scenario whose lines a workbook's tables hold: every option's, in table
    order, for a scenario with options (whichever option is shown)."""
    if not scenario.options:
        return scenario
    return option_book(scenario, scenario.options[0].name).flat
