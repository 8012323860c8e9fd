"""What a workbook's input cells hold: a scenario's values, or the template's defaults.

Every input cell is listed once by the layout
(:attr:`~crmroi_xl.excel.layout.Layout.inputs`), with the scenario value it
holds; the writers fill them from :func:`input_values`, the reader reads them
back. A line fills only its driver's fields (the others stay blank), choices
are shown in the workbook's language, and zero one-offs and growth rates stay
blank, as a user would leave them. The language cell holds the workbook's
language (an export in English of a French scenario says ``en``), so a
re-read or a re-export keeps it.

>>> from crmroi_xl.excel.layout import Layout
>>> layout = Layout("en")
>>> values = dict(zip((cell.where for cell in layout.inputs), input_values(layout)))
>>> values[("assumptions", "currency")], values[("assumptions", "language")]
('EUR', 'en')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..engine.options import option_scenario
from ..scenario import drivers
from ..scenario.fieldinfo import bounds, kind
from ..scenario.model import Assumptions, CustomerEconomics, Targets
from .columns import LINE_MODELS
from .layout import InputCell, Layout
from .live import live_values
from .simulated import simulation_values

if TYPE_CHECKING:
    from ..engine.optionbook import OptionBook
    from ..engine.results import Results
    from ..engine.sensitivity import Case
    from ..scenario.model import Scenario

__all__ = ["input_bounds", "input_values", "irr_start"]

#: The fields of each line table that belong to a driver (blank unless the line's).
_DRIVERS = {"costs": drivers.COST, "benefits": drivers.BENEFIT}
#: Blank when zero: a one-off-only line has no amount per year, rather than a dash.
_BLANK_IF_ZERO = ("one_off", "annual_increase", "annual_growth", "amount_per_year")
#: Timing fields left at their default stay blank ("blank = 1", "blank = yes"...).
_BLANK_IF_DEFAULT: dict[str, Any] = {
    "one_off_year": 0,
    "start_year": 1,
    "ramp_up": True,
    "realisation": 1.0,
    "low": 1.0,  # no range: blank = 100 %
    "high": 1.0,
}
#: Assumptions the template leaves for the user (the rest show the model's defaults).
_NO_TEMPLATE_DEFAULT = ("name", "start_year")


def _line_value(sheet: str, key: str, line: Any, layout: Layout) -> Any:
    """The cell value of one input column for one line (None = blank)."""
    value = getattr(line, key)
    if key == "seats" and getattr(line, "seats_by_year", None):
        return None  # typed year by year: the Seats cell is blank (its validation says why)
    if key in _BLANK_IF_DEFAULT and value == _BLANK_IF_DEFAULT[key]:
        return None  # the column says what a blank means
    if kind(LINE_MODELS[sheet], key) == "choice":
        return layout.word(str(getattr(value, "value", value)))
    if isinstance(value, bool):
        return layout.yes_no(value)
    by_key = _DRIVERS.get(sheet)
    if by_key is not None and any(key in d.fields for d in by_key.values()):
        if key not in by_key[line.driver].fields:
            return None
        return None if value == 0 and key in _BLANK_IF_ZERO else value
    if value == 0 and key in _BLANK_IF_ZERO:
        return None
    return value


def _template(field: str, layout: Layout) -> Any:
    if field == "language":
        return layout.lang
    if field in _NO_TEMPLATE_DEFAULT:
        return None
    return Assumptions.model_fields[field].default


def _option_value(book: OptionBook, where: tuple[Any, ...], layout: Layout) -> Any:
    """An options block's cell: an option's field, or its adoption of a year."""
    _, k, key, *year = where
    options = book.scenario.options or []
    if k >= len(options):
        return None
    option = options[k]
    if year:  # its own ramp-up as the engine fills it (an empty one too), else blank
        if option.adoption is None:
            return None
        adoption = option_scenario(book.scenario, option.name).assumptions.adoption
        return adoption[min(year[0], len(adoption)) - 1]
    if key == "baseline":
        return layout.yes_no(True) if k == book.baseline else None
    return getattr(option, key)


def _comparison_start(book: OptionBook | None, key: str, k: int) -> float | None:
    """Where the Comparison sheet's IRR (or incremental IRR) of option ``k`` starts: the
    engine's, to 6 significant digits (None: the spreadsheet's 10 %)."""
    options = book.comparison.options if book and book.comparison else []
    if k >= len(options):
        return None
    option = options[k]
    irr = option.results.irr if key == "irr_start" else option.incremental_irr
    return None if irr is None else float(f"{irr:.6g}")


def input_values(
    layout: Layout,
    scenario: Scenario | None = None,
    results: Results | None = None,
    *,
    book: OptionBook | None = None,
) -> list[Any]:
    """The value of every input cell of ``layout`` (None = blank), in its order;
    without a scenario, the template's defaults. A workbook of options: ``book`` (the
    option shown), ``scenario`` its table of every option's lines."""
    values: list[Any] = []
    general = book.scenario if book is not None else scenario  # the assumptions typed
    simulated: dict[tuple[Any, ...], Any] | None = None
    live: dict[tuple[Any, ...], Any] | None = None
    for cell in layout.inputs:
        section, *rest = cell.where
        if section == "case":  # the workbook opens on the base case
            values.append(layout.word("case_base"))
        elif section == "simulation":  # the Monte Carlo results, run once
            if simulated is None:
                simulated = simulation_values(layout, scenario, results)
            values.append(simulated.get(cell.where))
        elif section == "live":  # the live simulation's slots, from the engine
            if live is None:
                live = live_values(layout, scenario, results)
            values.append(live.get(cell.where))
        elif section == "irr_guess":  # a start near the root, in each case (see the layout)
            values.append(irr_start(results, rest[0] if rest else "base"))
        elif section == "assumptions":
            field = rest[0]
            if field == "language" or general is None:
                values.append(_template(field, layout))
            else:
                values.append(getattr(general.assumptions, field))
        elif section == "targets":  # a target, blank when none
            targets = general.assumptions.targets if general else None
            values.append(None if targets is None else getattr(targets, rest[0]))
        elif section == "adoption":
            t = rest[0]
            if general is None:
                values.append(None)
            else:
                adoption = general.assumptions.adoption
                values.append(adoption[t - 1] if t <= len(adoption) else adoption[-1])
        elif section in ("irr_start", "incremental_irr_start"):  # the Comparison's IRRs
            values.append(_comparison_start(book, section, rest[0]))
        elif section in ("probability_best", "probability_beats_baseline"):
            shares = book.comparison.options if book and book.comparison else []
            values.append(getattr(shares[rest[0]], section) if rest[0] < len(shares) else None)
        elif section == "option":  # the option shown
            values.append(book.name if book is not None else None)
        elif section == "options":
            values.append(_option_value(book, cell.where, layout) if book is not None else None)
        elif section == "customers":
            customers = scenario.customers if scenario else None
            values.append(None if customers is None else getattr(customers, rest[0]))
        else:
            i, key, *year = rest
            lines = getattr(scenario, section) if scenario else []
            if i >= len(lines):
                values.append(None)
            elif key == "option":  # a workbook of options: the line's option, blank = shared
                owner = book.owners[section == "benefits"][i] if book is not None else None
                options = book.scenario.options or [] if book is not None else []
                values.append(None if owner is None else options[owner].name)
            elif year:  # a list of the line, one cell a year: seats_by_year
                items = getattr(lines[i], key)
                values.append(items[year[0] - 1] if year[0] <= len(items) else None)
            else:
                values.append(_line_value(section, key, lines[i], layout))
    return values


def irr_start(results: Results | None, case: Case = "base") -> float | None:
    """Where the spreadsheet's IRR starts in ``case``: the engine's IRR of the case, to 6
    significant digits (None: blank, the spreadsheet's own 10 %), so Excel and
    LibreOffice converge to the engine's root even far from 10 %."""
    if results is None:
        return None
    irr = results.irr if case == "base" else getattr(results.sensitivity.cases, case).irr
    return None if irr is None else float(f"{irr:.6g}")


def input_bounds(cell: InputCell) -> tuple[float | None, float | None]:
    """The model's bounds of an input cell's field (None, None for the IRR start)."""
    section = cell.where[0]
    if section == "assumptions":
        return bounds(Assumptions, cell.where[1])
    if section == "adoption":
        return bounds(Assumptions, "adoption")
    if section == "targets":
        return bounds(Targets, cell.where[1])
    if section == "customers":
        return bounds(CustomerEconomics, cell.where[1])
    if section == "options":  # an option's overrides: as the assumptions they replace
        return bounds(Assumptions, cell.where[2])
    if section in LINE_MODELS:
        return bounds(LINE_MODELS[section], cell.where[2])
    return None, None
