"""Options in the flat format: an ``option`` column on each cost and benefit line.

A flat row is one scenario; its lines are numbered columns (``cost_3_label`` ...).
A line's ``option`` cell (``cost_3_option``) names the option it belongs to; blank,
the line is shared by every option but the status quo. The options are the names
found, in the order they first appear (costs first, then benefits; any case, the
first spelling kept); an option called "Status quo" (or "Statu quo") is the
baseline (:mod:`crmroi_xl.scenario.options`). What an option has beyond its lines
(a description, its own adoption or risk, a ``status_quo`` naming another) has no
column: such a scenario stays a YAML or JSON file.

>>> data = {"costs": [{"label": "T"}, {"label": "A", "option": "Vendor A"}],
...         "benefits": [{"label": "B", "option": "vendor a"}]}
>>> numbers = {"costs": [1, 4], "benefits": [2]}
>>> where = split_options(data, numbers)
>>> data["costs"], data["options"][0]["name"], len(data["options"][0]["benefits"])
([{'label': 'T'}], 'Vendor A', 1)
>>> numbers["costs"], where[("options", 0, "costs", 0)], where[("options", 0, "benefits", 0)]
([1], 4, 2)
"""

from __future__ import annotations

from typing import Any

from pydantic import Field
from pydantic.fields import FieldInfo

from ..errors import InputError
from ..scenario.model import BenefitLine, CostLine, Scenario
from ..scenario.values import Label

__all__ = ["LINE_KEYS", "OPTION_COLUMN", "OPTION_INFO", "flat_lines", "split_options"]

#: The line sections that take the column, and its name.
LINE_KEYS = ("costs", "benefits")
OPTION_COLUMN = "option"
#: The column's type and description, as a model field's (the column reference reads it).
OPTION_INFO = FieldInfo.from_annotated_attribute(
    Label | None,  # type: ignore[arg-type]
    Field(
        None,
        description="The option the line belongs to (its name); blank: shared by every "
        "option but the status quo.",
    ),
)

Place = tuple[str, int, str, int]


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def split_options(data: dict[str, Any], numbers: dict[str, list[int]]) -> dict[Place, int]:
    """Move the lines whose ``option`` is given from ``data``'s costs and benefits into
    ``data["options"]`` (``numbers``: each section's line numbers, updated to the
    shared lines); give each moved line's flat number by its place in the options."""
    options: dict[str, dict[str, Any]] = {}
    where: dict[Place, int] = {}
    for key in LINE_KEYS:
        if key not in data:
            continue
        kept, kept_numbers = [], []
        for line, number in zip(data[key], numbers[key], strict=True):
            name = line.pop(OPTION_COLUMN, None)
            if not isinstance(name, str):
                kept.append(line)
                kept_numbers.append(number)
                continue
            option = options.setdefault(_fold(name), {"name": name, "costs": [], "benefits": []})
            where[("options", list(options).index(_fold(name)), key, len(option[key]))] = number
            option[key].append(line)
        data[key], numbers[key] = kept, kept_numbers
    if options:
        data["options"] = list(options.values())
    return where


def flat_lines(scenario: Scenario, key: str) -> list[tuple[CostLine | BenefitLine, str | None]]:
    """The lines of section ``key`` a flat row holds, each with its option's name (None:
    shared); refused, naming the scenario, when an option has more than lines or when
    reading the row back would give the options in another order."""
    options = scenario.options or []
    costs_first = [o for o in options if o.costs] + [o for o in options if not o.costs]
    if costs_first != options:  # read back, the options come in the order of their lines
        early = next(o for o, c in zip(options, costs_first, strict=True) if o is not c)
        raise InputError(
            f"{scenario.name}: option {early.name!r} has no cost line but a later option "
            "has: a flat row lists the options in the order of their lines, costs first; "
            "put it after them, or write the scenario as a YAML or JSON file"
        )
    lines: list[tuple[CostLine | BenefitLine, str | None]] = []
    lines += [(line, None) for line in getattr(scenario, key)]
    for option in scenario.options or []:
        extra = [
            field
            for field in ("description", "adoption", "cost_risk", "benefit_risk")
            if getattr(option, field) is not None
        ]
        if not option.costs and not option.benefits:
            extra.append("no line")
        if scenario.status_quo is not None:
            extra.append("status_quo")
        if extra:
            raise InputError(
                f"{scenario.name}: option {option.name!r}: {', '.join(extra)} have no flat "
                "form (a line's option column only); write the scenario as a YAML or JSON file"
            )
        lines += [(line, option.name) for line in getattr(option, key)]
    return lines
