"""Options side by side: the vendors (and the status quo) a business case chooses between.

A scenario may list 2 to 6 ``options``. Each has a unique ``name``, an optional
``description``, its own ``costs`` and ``benefits`` lines (the same fields as the
scenario's lines) and may override three assumptions that really differ between
vendors: ``adoption``, ``cost_risk`` and ``benefit_risk`` (the horizon, the discount
rate and the rest stay common). The scenario's own lines are **shared** by every
option but the status quo: an option's business case is the shared lines plus its
own (:func:`crmroi_xl.engine.options.option_scenario` builds it).

The **baseline** the options are measured against is the option ``status_quo`` names;
without it, an option called "status quo" (or "statu quo", any case): what doing
nothing costs (the old tool's licence, its upkeep, the manual work it keeps), so
none of the shared lines apply to it. Without either, the baseline is "no change"
(every flow zero).

The option model is generic in its line types so that this module needs nothing of
:mod:`crmroi_xl.scenario.model` (which imports it): the model names
``Option = OptionBase[CostLine, BenefitLine]``.

>>> baseline_name(["Vendor A", "Statu quo"], None)
'Statu quo'
>>> baseline_name(["Vendor A", "Vendor B"], "vendor a"), baseline_name(["A", "B"], None)
('Vendor A', None)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from .base import MAX_HORIZON, Model
from .values import Label, Share

__all__ = [
    "MAX_OPTIONS",
    "MIN_OPTIONS",
    "STATUS_QUO_NAMES",
    "OptionBase",
    "baseline_name",
    "option_problems",
]

#: How many options a scenario compares.
MIN_OPTIONS, MAX_OPTIONS = 2, 6
#: Option names that mean "doing nothing" when ``status_quo`` is not given (any case).
STATUS_QUO_NAMES = frozenset({"status quo", "statu quo"})

C = TypeVar("C", bound=BaseModel)
B = TypeVar("B", bound=BaseModel)

Problem = tuple[tuple[int | str, ...], str, dict[str, Any]]


class OptionBase(Model, Generic[C, B]):
    """One option: its name, its own lines and the assumptions it overrides."""

    name: Label = Field(description="Name of the option (unique), e.g. the vendor.")
    description: Label | None = Field(None, description="What the option is, in a few words.")
    costs: list[C] = Field(
        default_factory=list,
        max_length=200,
        description="This option's own cost lines (beside the scenario's shared ones).",
    )
    benefits: list[B] = Field(
        default_factory=list,
        max_length=200,
        description="This option's own benefit lines (beside the scenario's shared ones).",
    )
    adoption: list[Share] | None = Field(
        None,
        max_length=MAX_HORIZON,
        description="This option's adoption ramp-up (share of the benefits reached in years "
        "1, 2, ...; the last value carries over); the scenario's when empty.",
    )
    cost_risk: Share | None = Field(
        None, description="This option's cost risk adjustment; the scenario's when empty."
    )
    benefit_risk: Share | None = Field(
        None, description="This option's benefit risk adjustment; the scenario's when empty."
    )


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def baseline_name(names: Sequence[str], status_quo: str | None) -> str | None:
    """The baseline option's name as written in the options: the one ``status_quo``
    names (any case), else one called "status quo" / "statu quo", else None."""
    wanted = {_key(status_quo)} if status_quo is not None else STATUS_QUO_NAMES
    return next((name for name in names if _key(name) in wanted), None)


def option_problems(
    names: Sequence[str],
    adoption: Sequence[list[float] | None],
    status_quo: str | None,
    horizon: int,
) -> list[Problem]:
    """What is wrong across the options: a name given twice, a ``status_quo`` naming no
    option, an adoption ramp-up longer than the horizon (``(location, type, context)``
    each, as :class:`~crmroi_xl.scenario.model.Scenario` reports its cross-field problems).

    >>> option_problems(["A", "a"], [None, [0.5] * 4], "C", 3)  # doctest: +NORMALIZE_WHITESPACE
    [(('options', 1, 'name'), 'option_repeated', {'name': 'a'}),
     (('options', 1, 'adoption'), 'too_many_years', {'count': 4, 'horizon': 3}),
     (('status_quo',), 'status_quo_unknown', {'name': 'C', 'names': 'A, a'})]
    """
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, (name, ramp) in enumerate(zip(names, adoption, strict=True)):
        if _key(name) in seen:
            problems.append((("options", i, "name"), "option_repeated", {"name": name}))
        seen.add(_key(name))
        if ramp is not None and len(ramp) > horizon:
            context: dict[str, Any] = {"count": len(ramp), "horizon": horizon}
            problems.append((("options", i, "adoption"), "too_many_years", context))
    if status_quo is not None and baseline_name(names, status_quo) is None:
        context = {"name": status_quo, "names": ", ".join(names)}
        problems.append((("status_quo",), "status_quo_unknown", context))
    return problems
