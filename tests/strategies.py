"""Hypothesis strategies for scenarios, drawn from the scenario model itself.

One source for every property test that needs a scenario (the engine, the model, the
workbook checked by LibreOffice, the reader's round trip, the flat format, the Monte
Carlo, the fuzzing of files ...). Each field of each model class a scenario is made of
(:class:`~crmroi_xl.scenario.model.Scenario` and what it nests: ``Assumptions``,
``CostLine``, ``BenefitLine``, ``Kpi``, ``Channel``, ``CustomerEconomics``) is drawn
from what the model says of it: its kind and bounds
(:mod:`crmroi_xl.scenario.fieldinfo`), its choices, whether a file may leave it out
(the JSON Schema's ``required``) or give null, a list's length, a nested record. So a
field added to the model is fuzzed without a change here, and
``tests/test_strategies.py`` fails, naming it, when a field is never drawn.

Only what the model's types cannot say is written by hand:

* the rules between fields, read from the model's validators (:data:`RULES`): a tornado
  range holds its assumption, a line has one driver (:mod:`crmroi_xl.scenario.drivers`: its fields and no other
  driver's), ``seats_by_year`` replaces ``seats``, only an intangible benefit may be
  left out of the ROI, only a one-off is capitalised, with its depreciation period
  (and a depreciation period only then), years fall within the horizon (:data:`WITHIN_HORIZON`) and a
  list of numbers has a value a year at most, a KPI in percent is a fraction, a
  custom KPI has a label, a KPI-driven benefit finds its KPI in ``kpis`` exactly
  once, and a business case has a line;
* ranges that keep the numbers meaningful, narrower than the model's bounds:
  amounts up to :data:`AMOUNT_MAX`, and each factor of a driver's product (seats,
  price per seat ...) up to :data:`FACTOR_MAX`, so a line is about a million a
  year at most and LibreOffice's recalculation matches the engine to 1e-9
  relative; a number without bounds within ``±AMOUNT_MAX``; and :data:`SPANS`.

Values are readable: amounts to the cent, shares to four decimals, labels are text,
a currency is three capital letters. A drawn scenario is valid by construction;
:func:`scenarios` still filters out an invalid one (a rule of a new field not written
here yet) so the property tests keep working, and ``tests/test_strategies.py``
fails on the first one with the model's error.

>>> sorted(every_field())[:3]
['Assumptions.adoption', 'Assumptions.adoption_high', 'Assumptions.adoption_low']
>>> sorted(fields_drawn(Scenario, {"assumptions": {"name": "A", "horizon_years": 3}}))
['Assumptions.name', 'Scenario.assumptions']
"""

from __future__ import annotations

import enum
import functools
import types
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from crmroi_xl.scenario.drivers import BENEFIT_DRIVERS, COST_DRIVERS, Driver, kpi_drivers
from crmroi_xl.scenario.fieldinfo import bounds, kind
from crmroi_xl.scenario.model import (
    KPI_DEFAULTS,
    MAX_HORIZON,
    USER_INPUT,
    Assumptions,
    BenefitLine,
    CostLine,
    Kpi,
    KpiKind,
    Option,
    Scenario,
)
from crmroi_xl.scenario.schema import scenario_json_schema
from crmroi_xl.scenario.values import printable

#: The largest amount drawn (an amount per year, a one-off, a spend ...): as today's
#: hand-written strategies, so sums stay where the LibreOffice comparison holds to 1e-9.
AMOUNT_MAX = 1e6
#: The largest factor of a driver's product (seats and price per seat, hours and rate,
#: sales and deal value ...): a line's yearly amount stays about a million at most.
FACTOR_MAX = 1e3
#: Longest list of records drawn (cost lines, KPIs, channels ...): the model takes
#: hundreds, a test needs a few.
LIST_MAX = 5

#: An amount to the cent; a share (a fraction) to four decimals.
amounts = st.floats(min_value=0, max_value=AMOUNT_MAX, allow_nan=False).map(lambda x: round(x, 2))
shares = st.floats(min_value=0, max_value=1, allow_nan=False).map(lambda x: round(x, 4))
#: A line's range, for a test that sets one itself: low and high multipliers, a low of 0
#: included (the scenarios draw ``low`` and ``high`` from their bounds in the model).
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


_characters = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
#: A label: any text a workbook stores, around a letter or a digit (so the filter
#: seldom rejects: a text of invisible characters alone is not a label).
labels = st.builds(
    lambda before, middle, after: before + middle + after,
    st.text(_characters, max_size=20),
    st.characters(categories=("L", "Nd")),
    st.text(_characters, max_size=19),
).filter(_label)

#: Fields whose model bounds are wider than a test affords, with the range drawn.
SPANS: dict[str, tuple[int, int]] = {
    # an export runs the Monte Carlo: a million runs would take a second and a gigabyte
    "Assumptions.simulation_runs": (100, 2_000),
    # the workbook's runs: one row each on the Simulation sheet of every export
    "Assumptions.workbook_runs": (100, 300),
}

#: Fields an exported workbook does not hold, so a scenario read back from it has their
#: defaults: the Monte Carlo's settings (the export writes the simulation's results as
#: values, naming them in a sentence); its runs and targets are inputs, read back. The round trips through a workbook leave them out
#: (``scenarios(leave=NOT_IN_WORKBOOK)``); every other test draws them.
NOT_IN_WORKBOOK = frozenset(
    {
        "Assumptions.distribution",
        "Assumptions.simulation_runs",
        "Assumptions.simulation_seed",
    }
)

#: The options of a choice: :func:`unchecked_scenarios` draws them (every field is
#: fuzzed); :func:`scenarios` leaves them out unless asked (``options=True``): a single
#: business case is what most tests (workbooks, flat rows) are about.
OPTIONS = frozenset({"Scenario.options", "Scenario.status_quo"})

#: Year fields the model checks against the horizon (``Scenario._lines_fit``).
WITHIN_HORIZON = frozenset(
    {"CostLine.start_year", "CostLine.one_off_year", "BenefitLine.start_year"}
)


# --- what the model says of a field ------------------------------------------------------


@dataclass(frozen=True)
class _Shape:
    """A field's type, unwrapped: a nested record or a scalar, in a list or not, None or not."""

    scalar: Any  # the type without None, Annotated or list: bool, int, float, str, an enum ...
    many: bool  # a list
    nullable: bool  # None is a valid value
    max_items: int | None  # a list's longest length

    @property
    def record(self) -> type[BaseModel] | None:
        """The nested model class, if the field holds records."""
        is_model = isinstance(self.scalar, type) and issubclass(self.scalar, BaseModel)
        return self.scalar if is_model else None


@functools.cache
def _shape(model: type[BaseModel], name: str) -> _Shape:
    info = model.model_fields[name]
    annotation, many, nullable = info.annotation, False, False
    while True:
        origin = get_origin(annotation)
        if origin in (Union, types.UnionType):
            options = [a for a in get_args(annotation) if a is not type(None)]
            nullable = nullable or len(options) < len(get_args(annotation))
            annotation = options[0] if len(options) == 1 else annotation
            if len(options) != 1:
                break  # a union of several types: not drawn (the coverage test names it)
        elif origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin is list:
            annotation, many = get_args(annotation)[0], True
        else:
            break
    longest = [m.max_length for m in info.metadata if getattr(m, "max_length", None) is not None]
    return _Shape(annotation, many, nullable, longest[0] if longest and many else None)


def _drawable(shape: _Shape) -> bool:
    """Whether a value of this type can be drawn from the model alone."""
    scalar = shape.scalar
    if shape.record is not None or get_origin(scalar) is Literal:
        return True
    return isinstance(scalar, type) and issubclass(scalar, (bool, int, float, str, enum.Enum))


@functools.cache
def _required(model: type[BaseModel]) -> frozenset[str]:
    """What a file must give: the JSON Schema's ``required`` (a field the model fills
    when left out, such as a line's driver, is not)."""
    schema = _json_schema()
    return frozenset(schema["$defs"].get(model.__name__, schema).get("required", ()))


@functools.cache
def _json_schema() -> dict[str, Any]:
    return scenario_json_schema()


_NO_DEFAULT = object()


def _default(model: type[BaseModel], name: str) -> Any:
    info = model.model_fields[name]
    if info.is_required():
        return _NO_DEFAULT
    return info.get_default(call_default_factory=True)


def _choices(model: type[BaseModel], name: str) -> list[Any]:
    scalar = _shape(model, name).scalar
    if get_origin(scalar) is Literal:
        return list(get_args(scalar))
    return [member.value for member in scalar]


def _pattern(model: type[BaseModel], name: str) -> str | None:
    found = [m.pattern for m in model.model_fields[name].metadata if getattr(m, "pattern", None)]
    return found[0] if found else None


@functools.cache
def _factors() -> frozenset[str]:
    """Each amount multiplied by another in a driver's product (seats and price per
    seat, hours and hourly rate ...), as ``Model.field``, from the driver records."""
    out: set[str] = set()
    for model, drivers in ((CostLine, COST_DRIVERS), (BenefitLine, BENEFIT_DRIVERS)):
        for driver in drivers:
            factors = [f for f in driver.fields if kind(model, f) == "amount"]
            if len(factors) > 1:
                out.update(f"{model.__name__}.{f}" for f in factors)
    return frozenset(out)


def _rounded(low: float, high: float, digits: int) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False).map(lambda x: round(x, digits))


@functools.cache
def value(model: type[BaseModel], name: str) -> st.SearchStrategy[Any]:
    """One value of the field (an item, for a list), from its kind and bounds."""
    key = f"{model.__name__}.{name}"
    low, high = bounds(model, name)
    if key in SPANS:
        low, high = SPANS[key]
    what = kind(model, name)
    if what == "yesno":
        return st.booleans()
    if what == "choice":
        return st.sampled_from(_choices(model, name))
    if what == "text":
        pattern = _pattern(model, name)
        return labels if pattern is None else st.from_regex(pattern, fullmatch=True)
    if what == "integer":
        return st.integers(
            int(low if low is not None else 0), int(high if high is not None else 1000)
        )
    if what == "share":
        return shares
    if what == "amount":
        top = FACTOR_MAX if key in _factors() else AMOUNT_MAX
        top = top if high is None else min(top, high)
        return st.integers(0, int(top)) | _rounded(0, top, 2)
    low = -AMOUNT_MAX if low is None else low
    return _rounded(low, AMOUNT_MAX if high is None else high, 4)


# --- the records -------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What a record's fields depend on: the scenario's horizon, and the fields
    (``Model.field``) left at their defaults, never drawn."""

    horizon: int = MAX_HORIZON
    leave: frozenset[str] = frozenset()


@functools.cache
def _field(model: type[BaseModel], name: str, ctx: Context) -> st.SearchStrategy[Any]:
    """A value of the field, whatever its shape (a record, a list, None ...)."""
    shape = _shape(model, name)
    one = records(shape.record, ctx) if shape.record is not None else value(model, name)
    if shape.many:
        if shape.record is not None:  # records: a few
            longest = min(shape.max_items or LIST_MAX, LIST_MAX)
        else:  # numbers: one a year (adoption, seats by year)
            longest = min(shape.max_items or ctx.horizon, ctx.horizon)
        one = st.lists(one, max_size=longest)
    if shape.nullable:
        one = st.none() | one
    return one


def _generic(
    draw: st.DrawFn,
    model: type[BaseModel],
    ctx: Context,
    given: dict[str, Any],
    skip: Collection[str] = (),
) -> dict[str, Any]:
    """The fields of ``model`` from the model alone: ``given`` as given, every field a
    file must give (and every list of records, maybe empty), each other one half of the
    time; none of ``skip`` (a rule draws them) nor of ``ctx.leave``."""
    data: dict[str, Any] = {}
    for name in model.model_fields:
        if name in given:
            data[name] = given[name]
            continue
        shape = _shape(model, name)
        left = f"{model.__name__}.{name}" in ctx.leave or name in skip
        if left or not _drawable(shape):
            continue
        if name in _required(model) or (shape.many and shape.record) or draw(st.booleans()):
            data[name] = draw(_field(model, name, ctx))
    return data


#: How a record of one model class is drawn: ``(draw, ctx, given) -> the record``.
Rule = Callable[[st.DrawFn, Context, dict[str, Any]], dict[str, Any]]


@st.composite
def _records(
    draw: st.DrawFn, model: type[BaseModel], ctx: Context, given: tuple[tuple[str, Any], ...]
) -> dict[str, Any]:
    rule = RULES.get(model)
    if rule is None:
        return _generic(draw, model, ctx, dict(given))
    return rule(draw, ctx, dict(given))


@functools.cache
def _cached(model: type[BaseModel], ctx: Context) -> st.SearchStrategy[dict[str, Any]]:
    return _records(model, ctx, ())


def records(
    model: type[BaseModel], ctx: Context | None = None, **given: Any
) -> st.SearchStrategy[dict[str, Any]]:
    """One record of ``model`` as the dict a user would write, its rules kept;
    ``given`` fields as given (at a 10-year horizon unless ``ctx`` says otherwise)."""
    ctx = Context() if ctx is None else ctx
    return _records(model, ctx, tuple(given.items())) if given else _cached(model, ctx)


# --- the rules between fields, from the model's validators -------------------------------


def _within_horizon(
    draw: st.DrawFn, model: type[BaseModel], data: dict[str, Any], ctx: Context
) -> None:
    """The years the model checks against the horizon fall within it."""
    for key in WITHIN_HORIZON:
        owner, name = key.split(".")
        if owner == model.__name__ and data.get(name) is not None and data[name] > ctx.horizon:
            first = bounds(model, name)[0]
            data[name] = draw(st.integers(int(first or 0), ctx.horizon))


def _line(
    draw: st.DrawFn,
    model: type[BaseModel],
    drivers: tuple[Driver, ...],
    ctx: Context,
    given: dict[str, Any],
) -> dict[str, Any]:
    """A cost or benefit line with one driver: the driver's amounts always (a line
    without them is empty), its shares (a margin, the share realised: 100 % when blank)
    and yearly lists when drawn, no other driver's field; the driver named half of the
    time, and always when none of the fields that give it away is there. A driver none
    of whose defining fields may be drawn (``ctx.leave``) is not chosen."""
    name = model.__name__
    usable = [d for d in drivers if any(f"{name}.{f}" not in ctx.leave for f in d.defining)]
    driver = draw(st.sampled_from(usable))
    others = {f for d in drivers for f in d.fields} - set(driver.fields)
    data = _generic(draw, model, ctx, given, skip=others)
    for field in driver.fields:
        needed = not _shape(model, field).many and kind(model, field) == "amount"
        if needed and field not in data and f"{name}.{field}" not in ctx.leave:
            data[field] = draw(value(model, field))
    if "driver" in data or not any(data.get(f) not in (None, []) for f in driver.defining):
        data["driver"] = driver.key
    _within_horizon(draw, model, data, ctx)
    return data


def _cost_line(draw: st.DrawFn, ctx: Context, given: dict[str, Any]) -> dict[str, Any]:
    data = _line(draw, CostLine, COST_DRIVERS, ctx, given)
    if data.get("seats_by_year"):  # seats_by_year replaces seats
        data.pop("seats", None)
    if not data.get("one_off"):  # only a one-off may be capitalised
        data.pop("capitalised", None)
    if data.get("capitalised"):  # a capitalised one-off has its depreciation period
        if data.get("depreciation_years") is None:
            data["depreciation_years"] = draw(value(CostLine, "depreciation_years"))
    else:
        data.pop("depreciation_years", None)
    return data


def _benefit_line(draw: st.DrawFn, ctx: Context, given: dict[str, Any]) -> dict[str, Any]:
    data = _line(draw, BenefitLine, BENEFIT_DRIVERS, ctx, given)
    if data.get("include_in_roi") is False and data["category"] != "intangible":
        data["include_in_roi"] = True  # only an intangible benefit is left out of the ROI
    return data


def _kpi(draw: st.DrawFn, ctx: Context, given: dict[str, Any]) -> dict[str, Any]:
    """Before and after are fractions for a KPI in percent (its own unit, or the one
    given): any number otherwise. A rate (a kind in percent) keeps the percent unit.
    A custom KPI has a label."""
    data = _generic(draw, Kpi, ctx, given, skip=("before", "after"))
    if KPI_DEFAULTS[KpiKind(data["kind"])][0] == "percent" and "unit" in data:
        data["unit"] = "percent"
    percent = "percent" in (KPI_DEFAULTS[KpiKind(data["kind"])][0], data.get("unit"))
    for name in ("before", "after"):
        if name not in data:
            data[name] = draw(shares if percent else _field(Kpi, name, ctx))
    if data["kind"] == "custom" and not data.get("label"):
        data["label"] = draw(labels)
    return data


def _scenario(draw: st.DrawFn, ctx: Context, given: dict[str, Any]) -> dict[str, Any]:
    """At least one line; a KPI-driven benefit finds its KPI in ``kpis`` exactly once
    (a KPI of another kind may be repeated)."""
    data = _generic(draw, Scenario, ctx, given)
    if not data["costs"] and not data["benefits"]:
        data["costs"].append(draw(records(CostLine, ctx)))
    _options(draw, ctx, data)
    needs = kpi_drivers(BENEFIT_DRIVERS)
    benefits = [*data["benefits"], *(b for o in data.get("options") or [] for b in o["benefits"])]
    wanted = {
        needs[d.key]
        for line in benefits
        for d in BENEFIT_DRIVERS
        if d.key in needs
        and (line.get("driver") == d.key or any(line.get(f) is not None for f in d.defining))
    }
    for kpi_kind in sorted(wanted):
        kpis = [k for k in data["kpis"] if k["kind"] != kpi_kind]
        at = draw(st.integers(0, len(kpis)))
        data["kpis"] = [*kpis[:at], draw(records(Kpi, ctx, kind=kpi_kind)), *kpis[at:]]
    return data


def _options(draw: st.DrawFn, ctx: Context, data: dict[str, Any]) -> None:
    """2 to 6 options with names of their own; ``status_quo`` one of them, if given."""
    options = data.get("options")
    if options is not None:
        while len(options) < 2:
            options.append(draw(records(Option, ctx)))
        seen: set[str] = set()
        for number, option in enumerate(options, start=1):
            while " ".join(option["name"].split()).casefold() in seen:
                option["name"] = f"{option['name'][:190]} #{number}"
            seen.add(" ".join(option["name"].split()).casefold())
    if data.get("status_quo") is not None:
        if options is None:
            del data["status_quo"]
        else:
            data["status_quo"] = draw(st.sampled_from([o["name"] for o in options]))


#: The model classes drawn by a rule of their own (see the module docstring); every
#: other one from the model alone.
def _assumptions(draw: st.DrawFn, ctx: Context, given: dict[str, Any]) -> dict[str, Any]:
    data = _generic(draw, Assumptions, ctx, given)
    for key, default in (("discount_rate", 0.1), ("benefit_risk", 0.0)):
        value = data.get(key, default)  # a tornado range holds its assumption's value
        if data.get(f"{key}_low") is not None:
            data[f"{key}_low"] = min(data[f"{key}_low"], value)
        if data.get(f"{key}_high") is not None:
            data[f"{key}_high"] = max(data[f"{key}_high"], value)
    return data


RULES: dict[type[BaseModel], Rule] = {
    Assumptions: _assumptions,
    CostLine: _cost_line,
    BenefitLine: _benefit_line,
    Kpi: _kpi,
    Scenario: _scenario,
}


# --- scenarios ---------------------------------------------------------------------------


@st.composite
def unchecked_scenarios(draw: st.DrawFn, leave: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A scenario as the dict a user would write, not validated (see :func:`scenarios`).

    The horizon is drawn first, as the years and the yearly lists of every record
    depend on it (at its default, it is left out half of the time).
    """
    horizon = draw(value(Assumptions, "horizon_years"))
    ctx = Context(horizon, leave)
    assumptions = draw(records(Assumptions, ctx, horizon_years=horizon))
    if horizon == _default(Assumptions, "horizon_years") and draw(st.booleans()):
        del assumptions["horizon_years"]  # left out: the default
    return draw(records(Scenario, ctx, assumptions=assumptions))


def _valid(data: dict[str, Any]) -> bool:
    try:
        Scenario.model_validate(data, context=USER_INPUT)
    except ValidationError:
        return False
    return True


def scenarios(
    leave: frozenset[str] | set[str] = frozenset(), *, options: bool = False
) -> st.SearchStrategy[dict[str, Any]]:
    """A valid scenario as the dict a user would write, every field of the model drawn.

    ``leave``: fields (``"CostLine.start_year"``) left at their defaults; a driver
    whose defining fields are all left is not drawn. ``options``: a choice between
    options may be drawn (:data:`OPTIONS`; a single business case otherwise).
    """
    left = frozenset(leave) if options else frozenset(leave) | OPTIONS
    return unchecked_scenarios(left).filter(_valid)


def cost_lines(ctx: Context | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """A cost line (at a 10-year horizon unless ``ctx`` says otherwise)."""
    return records(CostLine, ctx)


def benefit_lines(ctx: Context | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """A benefit line; a KPI-driven one needs its KPI in the scenario."""
    return records(BenefitLine, ctx)


def kpis(ctx: Context | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """A KPI before and after; percentages are fractions."""
    return records(Kpi, ctx)


# --- which fields a scenario draws -------------------------------------------------------


def _classes(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    yield model
    for name in model.model_fields:
        nested = _shape(model, name).record
        if nested is not None:
            yield from _classes(nested)


def every_field(model: type[BaseModel] = Scenario) -> set[str]:
    """Every field (``Model.field``) of ``model`` and of the records it nests."""
    return {f"{m.__name__}.{name}" for m in _classes(model) for name in m.model_fields}


def fields_drawn(model: type[BaseModel], data: dict[str, Any]) -> set[str]:
    """The fields ``data`` gives a value other than the default, nested ones included:
    a field without a default when given at all, a list when not empty."""
    out: set[str] = set()
    for name, given in data.items():
        if name not in model.model_fields:
            continue
        default = _default(model, name)
        if default is _NO_DEFAULT or given != default:
            out.add(f"{model.__name__}.{name}")
        nested = _shape(model, name).record
        if nested is not None and given is not None:
            for item in given if isinstance(given, list) else [given]:
                out |= fields_drawn(nested, item)
    return out
