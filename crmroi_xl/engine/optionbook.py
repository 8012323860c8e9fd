"""Every option of a choice in one table of lines: what a workbook of a choice shows.

A workbook holding every option (:mod:`crmroi_xl.excel`) lays out the shared lines
first, then each option's own lines in option order; each line says which option it
belongs to (``owners``: the option's index, None for a shared line). The option
shown counts its **members**: a shared line unless the option is the baseline status
quo, and its own lines; the other lines stay listed, their amounts zero. The
selected option's assumptions (its ``adoption``, ``cost_risk``, ``benefit_risk``)
are those of the whole table (``flat``).

So ``compute(book.flat, members=book.members)`` gives, line by line in table order,
what the workbook shows, and in total the option's own results: those of
:func:`~crmroi_xl.engine.options.option_scenario`.

>>> from crmroi_xl.scenario.model import Scenario
>>> s = Scenario.model_validate({
...     "assumptions": {"name": "Choice", "horizon_years": 2, "discount_rate": 0},
...     "costs": [{"label": "Training", "category": "training", "one_off": 10}],
...     "options": [
...         {"name": "A", "costs": [{"label": "Licence", "category": "licences",
...                                  "one_off": 100}]},
...         {"name": "Status quo", "costs": [{"label": "Old tool", "category": "licences",
...                                            "amount_per_year": 20}]}],
... })
>>> book = option_book(s, "A")
>>> [c.label for c in book.flat.costs], book.owners[0], book.members[0]
(['Training', 'Licence', 'Old tool'], (None, 0, 1), (True, True, False))
>>> book_results(book).costs, book_results(option_book(s, "status quo")).costs
([110.0, 0.0, 0.0], [0.0, 20.0, 20.0])
"""

from __future__ import annotations

from dataclasses import dataclass

from ..scenario.model import Scenario
from .compute import compute
from .options import Comparison, option_scenario
from .results import Results
from .sensitivity import Case

__all__ = ["OptionBook", "book_results", "option_book"]


@dataclass(frozen=True)
class OptionBook:
    """A choice laid out in one table of lines, showing the option ``selected``."""

    scenario: Scenario  # the choice, with its options
    flat: Scenario  # every line in table order, the selected option's assumptions
    owners: tuple[tuple[int | None, ...], tuple[int | None, ...]]  # costs, benefits
    selected: int  # the option shown, its index
    comparison: Comparison | None = None  # compare(scenario), when known

    @property
    def name(self) -> str:
        """The name of the option shown."""
        return (self.scenario.options or [])[self.selected].name

    @property
    def baseline(self) -> int | None:
        """The baseline option's index (None: "no change")."""
        names = [o.name for o in self.scenario.options or []]
        base = self.scenario.baseline
        return names.index(base) if base is not None else None

    def member(self, owner: int | None, selected: int | None = None) -> bool:
        """Whether a line of ``owner`` counts in option ``selected`` (default: shown)."""
        k = self.selected if selected is None else selected
        return k != self.baseline if owner is None else owner == k

    @property
    def members(self) -> tuple[tuple[bool, ...], tuple[bool, ...]]:
        """Which cost lines and which benefit lines the option shown counts."""
        costs, benefits = self.owners
        return tuple(map(self.member, costs)), tuple(map(self.member, benefits))


def option_book(scenario: Scenario, name: str) -> OptionBook:
    """The lines of every option of ``scenario`` in table order, showing option ``name``."""
    options = scenario.options or []
    assumptions = option_scenario(scenario, name).assumptions  # refuses an unknown name
    selected = [o.name.casefold() for o in options].index(name.casefold())
    costs = [*scenario.costs, *(line for o in options for line in o.costs)]
    benefits = [*scenario.benefits, *(line for o in options for line in o.benefits)]
    owners_costs = (None,) * len(scenario.costs) + tuple(
        k for k, o in enumerate(options) for _ in o.costs
    )
    owners_benefits = (None,) * len(scenario.benefits) + tuple(
        k for k, o in enumerate(options) for _ in o.benefits
    )
    flat = scenario.model_copy(
        update={
            "assumptions": assumptions,
            "costs": costs,
            "benefits": benefits,
            "options": None,
            "status_quo": None,
        }
    )
    return OptionBook(scenario, flat, (owners_costs, owners_benefits), selected)


def book_results(book: OptionBook, case: Case = "base") -> Results:
    """What the workbook of ``book`` shows, line by line in table order, in ``case``."""
    return compute(book.flat, case=case, members=book.members)
