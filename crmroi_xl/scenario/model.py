"""The scenario: everything a CRM business case needs, validated.

A scenario is what a finance user fills in -- in a JSON or YAML file, or in the
workbook's input sheets -- and nothing else: the model only validates (types,
ranges, cross-field rules) and fills the defaults a user may leave out, so a
scenario read back from a workbook compares equal to the one written. Every
derived number comes from :mod:`crmroi_xl.engine.compute`.

Conventions: amounts are in the scenario's currency (euros by default) and
never negative; rates and shares are fractions (``0.1`` is 10 %); year 0 is
today (one-off costs), years 1 .. horizon carry the recurring flows.

>>> s = Scenario.model_validate({
...     "assumptions": {"name": "PME 20 postes", "start_year": 2026},
...     "costs": [{"label": "Licences", "category": "licences",
...                "seats": 20, "price_per_seat_month": 50}],
...     "benefits": [{"label": "Ventes en plus", "category": "incremental_revenue",
...                   "extra_sales_per_month": 5, "average_deal_value": 1000}],
... })
>>> s.costs[0].driver, s.costs[0].nature, s.benefits[0].driver
('seats', 'direct', 'sales')
>>> s.assumptions.adoption
[1.0, 1.0, 1.0]
"""

from __future__ import annotations

import functools
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    Field,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .assumptions import Assumptions, Targets
from .base import MAX_HORIZON, USER_INPUT, Model, fill, filled
from .drivers import BENEFIT_DRIVERS, COST_DRIVERS, Driver, kpi_drivers
from .options import MAX_OPTIONS, MIN_OPTIONS, OptionBase, baseline_name, option_problems
from .values import (
    Amount,
    Label,
    Measure,
    Rate,
    Share,
)

__all__ = [
    "GO_LIVE_CATEGORIES",
    "INDIRECT_CATEGORIES",
    "KPI_DEFAULTS",
    "USER_INPUT",
    "Assumptions",
    "BenefitCategory",
    "BenefitLine",
    "Channel",
    "CostCategory",
    "CostLine",
    "CustomerEconomics",
    "Kpi",
    "KpiKind",
    "Option",
    "Scenario",
    "Targets",
]

#: Uncertainty range of a line: multipliers of its amounts in every year, low for the
#: pessimistic side of a benefit (optimistic of a cost), high for the other; 1 = none.
Low = Annotated[
    float,
    Field(
        ge=0,
        le=1,
        allow_inf_nan=False,
        description="Low multiplier of the line's amounts in every year, a cost's one-off "
        "included (0 to 1; 0.8 = 20 % less); 1 = no downside.",
    ),
]
High = Annotated[
    float,
    Field(
        ge=1,
        le=10,
        allow_inf_nan=False,
        description="High multiplier of the line's amounts in every year, a cost's one-off "
        "included (1 to 10; 1.3 = 30 % more); 1 = no upside.",
    ),
]


if TYPE_CHECKING:
    CostDriverKey = str
    BenefitDriverKey = str
else:  # the drivers' keys, from their records (an enum in the JSON schema)
    CostDriverKey = Literal[tuple(d.key for d in COST_DRIVERS)]
    BenefitDriverKey = Literal[tuple(d.key for d in BENEFIT_DRIVERS)]


class CostCategory(StrEnum):
    """Cost categories of the source method (direct and indirect costs)."""

    LICENCES = "licences"
    IMPLEMENTATION = "implementation"
    TRAINING = "training"
    CUSTOMISATION = "customisation"
    SUPPORT = "support"
    INTERNAL_STAFF = "internal_staff"
    PRODUCTIVITY_LOSS = "productivity_loss"
    DATA_MIGRATION = "data_migration"
    INFRASTRUCTURE = "infrastructure"
    OTHER = "other"


#: Costs whose recurring amount starts with the CRM by default (``from_go_live``).
GO_LIVE_CATEGORIES = frozenset({CostCategory.LICENCES.value, CostCategory.SUPPORT.value})

#: Costs the source method counts as indirect; every other category is direct.
INDIRECT_CATEGORIES = frozenset(
    {CostCategory.INTERNAL_STAFF, CostCategory.PRODUCTIVITY_LOSS, CostCategory.DATA_MIGRATION}
)


class BenefitCategory(StrEnum):
    """Benefit categories of the source method; only intangibles are optional in ROI."""

    INCREMENTAL_REVENUE = "incremental_revenue"
    COST_REDUCTION = "cost_reduction"
    TIME_SAVED = "time_saved"
    RETENTION = "retention"
    MARKETING_WASTE = "marketing_waste"
    PRODUCTIVITY = "productivity"
    INTANGIBLE = "intangible"


class KpiKind(StrEnum):
    """The CRM KPIs of the source method; ``custom`` for any other."""

    LEAD_CONVERSION_RATE = "lead_conversion_rate"
    WIN_RATE = "win_rate"
    RETENTION_RATE = "retention_rate"
    CHURN_RATE = "churn_rate"
    CUSTOMER_LIFETIME = "customer_lifetime"
    RESPONSE_RATE = "response_rate"
    RESOLUTION_TIME = "resolution_time"
    SALES_CYCLE = "sales_cycle"
    AVERAGE_DEAL_VALUE = "average_deal_value"
    OPEN_OPPORTUNITIES = "open_opportunities"
    PIPELINE_VELOCITY = "pipeline_velocity"
    NPS = "nps"
    CSAT = "csat"
    ADMIN_TIME = "admin_time"
    REVENUE_PER_REP = "revenue_per_rep"
    CUSTOM = "custom"


Unit = Literal["percent", "days", "hours", "years", "currency", "count", "points"]

#: Unit and direction of each known KPI: (unit, higher is better).
KPI_DEFAULTS: dict[KpiKind, tuple[Unit, bool]] = {
    KpiKind.LEAD_CONVERSION_RATE: ("percent", True),
    KpiKind.WIN_RATE: ("percent", True),
    KpiKind.RETENTION_RATE: ("percent", True),
    KpiKind.CHURN_RATE: ("percent", False),
    KpiKind.CUSTOMER_LIFETIME: ("years", True),
    KpiKind.RESPONSE_RATE: ("percent", True),
    KpiKind.RESOLUTION_TIME: ("hours", False),
    KpiKind.SALES_CYCLE: ("days", False),
    KpiKind.AVERAGE_DEAL_VALUE: ("currency", True),
    KpiKind.OPEN_OPPORTUNITIES: ("count", True),
    KpiKind.PIPELINE_VELOCITY: ("currency", True),
    KpiKind.NPS: ("points", True),
    KpiKind.CSAT: ("percent", True),
    KpiKind.ADMIN_TIME: ("hours", False),
    KpiKind.REVENUE_PER_REP: ("currency", True),
    KpiKind.CUSTOM: ("count", True),
}

#: The KPIs that are percentages by nature (a rate, a share): their unit is always percent.
_PERCENT_KINDS = frozenset(kind for kind, (unit, _) in KPI_DEFAULTS.items() if unit == "percent")


class _Line(Model):
    """What every cost and benefit line ends with: when its yearly amounts run, and the
    range of its amounts (the cases, the tornado and the Monte Carlo read it).

    A line's class names its own fields' class after this one --
    ``class CostLine(_Line, _CostFields)`` -- since pydantic orders the fields from the
    last base to the first: the line's own fields, then these (the JSON Schema, the
    flat format's columns and a dump list them in that order).
    """

    start_year: int = Field(
        1,
        ge=1,
        le=MAX_HORIZON,
        description="First year of the yearly amount (a cost's recurring amount, a benefit).",
    )
    years: int | None = Field(
        None,
        ge=0,
        le=MAX_HORIZON,
        description="Years the yearly amount lasts from start_year; to the horizon if empty.",
    )
    low: Low = 1.0
    high: High = 1.0


class _CostFields(Model):
    """A cost line's own fields; :class:`CostLine` adds what every line has."""

    label: Label = Field(description="What the cost is, as the user words it.")
    category: CostCategory = Field(description="Cost category.")
    nature: Literal["direct", "indirect"] = Field(
        description="Direct or indirect cost; by default from the category."
    )
    one_off: Amount = Field(0.0, description="One-off amount (in year 0 unless one_off_year).")
    one_off_year: int = Field(
        0, ge=0, le=MAX_HORIZON, description="Year the one-off amount falls in (0 = today)."
    )
    driver: CostDriverKey = Field(description="How the recurring yearly amount is formed.")
    amount_per_year: Amount = Field(0.0, description="Recurring amount per year (driver amount).")
    seats: Amount = Field(0.0, description="Number of seats (driver seats).")
    price_per_seat_month: Amount = Field(0.0, description="Price per seat per month.")
    seats_by_year: list[Amount] = Field(
        default_factory=list,
        max_length=MAX_HORIZON,
        description="Seats in years 1, 2, ... instead of seats (driver seats); "
        "the last value carries over to later years.",
    )
    hours_per_year: Amount = Field(0.0, description="Hours per year (driver hours).")
    hourly_rate: Amount = Field(0.0, description="Loaded cost of one hour (driver hours).")
    annual_increase: Rate = Field(
        0.0,
        ge=-0.5,
        le=1,
        description="Yearly change of the recurring amount, compounded from increase_from_year.",
    )
    increase_from_year: int | None = Field(
        None,
        ge=1,
        le=MAX_HORIZON + 1,
        description="First year the yearly increase applies (after a lock-in period); "
        "start_year + 1 if empty.",
    )
    capitalised: bool = Field(
        False,
        description="The one-off is capitalised: cash when paid, an expense only through "
        "its depreciation (straight line over depreciation_years from the next year).",
    )
    depreciation_years: int | None = Field(
        None, ge=1, le=10, description="Years a capitalised one-off is depreciated over (1-10)."
    )
    from_go_live: bool = Field(
        description="The recurring amount starts with the CRM: year 1 counts from the "
        "go-live month; by default yes for licences and support."
    )


class CostLine(_Line, _CostFields):
    """One cost: a one-off amount and/or a recurring amount per year.

    The recurring amount comes from one driver (:mod:`crmroi_xl.scenario.drivers`):
    ``amount`` (an amount per year), ``seats`` (seats x price per seat per
    month x 12, seats possibly ramping up year by year) or ``hours`` (hours
    per year x hourly rate). The driver is inferred from the fields given when
    left out. The one-off falls in ``one_off_year`` (0: today); the recurring
    amount runs from ``start_year`` for ``years`` years (or to the horizon),
    increased each year from ``increase_from_year``.
    """

    model_config = filled("nature", "driver", "from_go_live")

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if isinstance(data, dict):
            category = data.get("category")
            data = fill(data, "from_go_live", str(category) in GO_LIVE_CATEGORIES)
            try:
                indirect = CostCategory(str(category)) in INDIRECT_CATEGORIES
            except ValueError:
                indirect = False  # the field's own validation reports the bad category
            data = fill(data, "nature", "indirect" if indirect else "direct")
            data = fill(data, "driver", _infer_driver(data, COST_DRIVERS))
        return data

    @model_validator(mode="after")
    def _one_driver(self) -> CostLine:
        _check_driver_fields(self, COST_DRIVERS)
        if self.seats_by_year and self.seats:
            raise PydanticCustomError(
                "seats_twice", "seats_by_year replaces seats: give one of them"
            )
        if self.capitalised and not self.one_off:
            raise PydanticCustomError(
                "capitalised_recurring",
                "only a one-off amount can be capitalised: this line has none",
            )
        if self.capitalised and self.depreciation_years is None:
            raise PydanticCustomError(
                "depreciation_missing", "a capitalised one-off needs depreciation_years (1-10)"
            )
        if self.depreciation_years is not None and not self.capitalised:
            raise PydanticCustomError(
                "depreciation_unused", "depreciation_years applies to a capitalised line only"
            )
        return self


class _BenefitFields(Model):
    """A benefit line's own fields; :class:`BenefitLine` adds what every line has."""

    label: Label = Field(description="What the benefit is, as the user words it.")
    category: BenefitCategory = Field(description="Benefit category.")
    driver: BenefitDriverKey = Field(description="How the yearly amount is formed.")
    amount_per_year: Amount = Field(0.0, description="Amount per year (driver amount).")
    extra_sales_per_month: Amount = Field(0.0, description="Extra sales per month (driver sales).")
    average_deal_value: Amount = Field(0.0, description="Average value of a sale (driver sales).")
    gross_margin: Share = Field(
        1.0, description="Share of the extra revenue counted as benefit (driver sales)."
    )
    hours_saved_per_year: Amount = Field(0.0, description="Hours saved per year (driver hours).")
    hourly_rate: Amount = Field(0.0, description="Loaded cost of one hour (driver hours).")
    realisation: Share = Field(
        1.0, description="Share of the saved hours that becomes value (driver hours)."
    )
    opportunities_per_year: Amount = Field(
        0.0, description="Opportunities worked per year (driver win_rate, KPI win_rate)."
    )
    leads_per_year: Amount = Field(
        0.0, description="Leads per year (driver conversion, KPI lead_conversion_rate)."
    )
    customers: Amount = Field(0.0, description="Customers (driver churn, KPI churn_rate).")
    margin_per_customer: Amount = Field(
        0.0, description="Gross margin per customer per year (driver churn)."
    )
    churn_mode: Literal["cumulative", "yearly"] = Field(
        "cumulative",
        description="Driver churn: 'cumulative' counts the customers kept in earlier years "
        "still there (they churn at the new rate), 'yearly' one year's saved customers only.",
    )
    annual_growth: Rate = Field(
        0.0, ge=-0.5, le=1, description="Yearly change of the amount from the line's second year."
    )
    ramp_up: bool = Field(
        True, description="Whether the adoption ramp-up applies (no: full value from the start)."
    )
    include_in_roi: bool = Field(
        description="Counted in ROI, NPV and payback; intangible benefits are not by default."
    )


class BenefitLine(_Line, _BenefitFields):
    """One benefit per year, from ``start_year`` for ``years`` years, from one driver.

    Drivers (:mod:`crmroi_xl.scenario.drivers`): ``amount`` (an amount per year);
    ``sales`` (extra sales per month x 12 x average deal value x gross margin
    -- the source method's "5 more sales a month at 1 000 EUR"); ``hours``
    (hours saved per year x hourly rate x the share realised); and three driven
    by a KPI measured before and after the CRM: ``win_rate`` (opportunities x
    the win rate's rise x deal value x margin), ``conversion`` (leads x the
    conversion rate's rise x deal value x margin) and ``churn`` (customers x
    the churn's fall x margin per customer). The adoption ramp-up applies
    unless ``ramp_up`` is off. Intangible benefits stay visible and are left
    out of the ROI unless ``include_in_roi`` is set.
    """

    model_config = filled("driver", "include_in_roi")

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = fill(data, "include_in_roi", data.get("category") != "intangible")
            data = fill(data, "driver", _infer_driver(data, BENEFIT_DRIVERS))
        return data

    @model_validator(mode="after")
    def _one_driver(self) -> BenefitLine:
        _check_driver_fields(self, BENEFIT_DRIVERS)
        if not self.include_in_roi and self.category != BenefitCategory.INTANGIBLE:
            raise PydanticCustomError(
                "intangible_only", "only intangible benefits can be left out of the ROI"
            )
        return self


def _infer_driver(data: dict[str, Any], drivers: tuple[Driver, ...]) -> str:
    """The driver whose defining fields are given; ``amount`` when none or several are.

    A field several drivers share (a deal value) gives none of them away when a
    field of one driver alone (opportunities per year) is given too.
    """
    given = [d for d in drivers if any(data.get(f) not in (None, []) for f in d.defining)]
    if len(given) > 1:
        own = {
            d.key: {f for f in d.defining if all(f not in o.fields for o in drivers if o is not d)}
            for d in given
        }
        given = [d for d in given if any(data.get(f) not in (None, []) for f in own[d.key])]
    return given[0].key if len(given) == 1 else "amount"


@functools.cache
def _defaults(model: type[BaseModel]) -> dict[str, Any]:
    """Every field's default, once per model: pydantic inspects a default factory's
    signature at each call, which cost a batch a third of its validation. Read only."""
    return {
        name: info.get_default(call_default_factory=True)
        for name, info in model.model_fields.items()
    }


def _check_driver_fields(line: BaseModel, drivers: tuple[Driver, ...]) -> None:
    """A line's fields belong to its driver (nothing silently ignored)."""
    driver = getattr(line, "driver")  # noqa: B009 - shared by cost and benefit lines
    own = {f for d in drivers if d.key == driver for f in d.fields}
    defaults = _defaults(type(line))

    def given(field: str) -> bool:
        return field not in own and getattr(line, field) != defaults[field]

    stray = [(field, d.key) for d in drivers for field in d.defining if given(field)]
    if stray:
        stray = list(dict.fromkeys(stray))  # a field may select several drivers
        listed = ", ".join(f"{field} (driver '{other}')" for field, other in stray)
        raise PydanticCustomError(
            "driver_mixed",
            "the driver is '{driver}' but {given} is given; "
            "a line has one driver: split it into two lines",
            {"driver": driver, "given": listed, "stray": tuple(stray)},
        )
    for field in dict.fromkeys(f for d in drivers for f in d.fields):
        if given(field):  # a detail of other drivers, e.g. the margin of the driver 'sales'
            users = ", ".join(f"'{d.key}'" for d in drivers if field in d.fields)
            raise PydanticCustomError(
                "driver_field_only",
                "{field} applies to the driver(s) {drivers} only",
                {"field": field, "drivers": users},
            )


class Kpi(Model):
    """A KPI measured before the CRM (baseline) and after.

    A KPI that is a percentage by nature (``win_rate``, ``lead_conversion_rate``,
    ``churn_rate``, ``retention_rate``, ``response_rate``, ``csat``) is in percent, as a
    fraction (22 % is 0.22), whatever its ``unit`` says: another unit given for it is
    refused rather than silently replaced, because a win rate "in points" or "counted"
    is a slip a finance user wants to hear about -- ``win_rate`` 22 -> 26 typed with
    ``unit: count`` would otherwise count a benefit 100 times too large. For the same
    reason its values above 1 are refused with the hint "22 % is 0.22" even when the
    unit is also wrong, so both mistakes are reported at once. Other KPIs take the unit
    given (a sales cycle in hours rather than days, a custom KPI in percent).
    """

    model_config = filled("unit", "higher_is_better")

    kind: KpiKind = Field(description="Which KPI; 'custom' for one of your own.")
    label: Label | None = Field(None, description="Label; the KPI's standard name if empty.")
    unit: Unit = Field(
        description="Unit; by default the KPI's usual unit (always percent for a rate)."
    )
    before: Measure = Field(description="Baseline value before the CRM (percent as a fraction).")
    after: Measure = Field(description="Value after the CRM, same unit.")
    higher_is_better: bool = Field(description="Direction; by default the KPI's usual one.")

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if isinstance(data, dict):
            try:
                unit, higher = KPI_DEFAULTS[KpiKind(str(data.get("kind")))]
            except ValueError:
                return data  # the field's own validation reports the bad kind
            data = fill(data, "unit", unit)
            data = fill(data, "higher_is_better", higher)
        return data

    @field_validator("unit")
    @classmethod
    def _percent_unit(cls, value: str, info: ValidationInfo) -> str:
        """A rate's unit is percent: ``win_rate`` in ``count`` or ``points`` is refused."""
        kind = info.data.get("kind")
        if kind in _PERCENT_KINDS and value != "percent":
            raise PydanticCustomError(
                "kpi_unit",
                "{kpi} is a percentage: its unit is percent",
                {"kpi": str(kind)},
            )
        return value

    @field_validator("before", "after")
    @classmethod
    def _fraction(cls, value: float, info: ValidationInfo) -> float:
        """A percentage is a fraction: 22 typed for 22 % is refused with the hint, for a
        KPI in percent and for a rate whatever its unit says."""
        percent = info.data.get("unit") == "percent" or info.data.get("kind") in _PERCENT_KINDS
        if percent and value > 1:
            raise PydanticCustomError(
                "percent_as_number",
                "percentages are fractions: {value} % is {value} / 100",
                {"value": value},
            )
        return value

    @model_validator(mode="after")
    def _custom_has_label(self) -> Kpi:
        if self.kind == KpiKind.CUSTOM and not self.label:
            raise PydanticCustomError("custom_kpi_label", "a custom KPI needs a label")
        return self


class Channel(Model):
    """A marketing channel over one year: spend, attributed revenue, new customers."""

    name: Label = Field(description="Channel, e.g. Google Ads, LinkedIn, e-mailing.")
    spend: Amount = Field(description="Spend per year.")
    attributed_revenue: Amount = Field(0.0, description="Revenue attributed per year.")
    new_customers: Amount = Field(0.0, description="New customers attributed per year.")
    gross_margin: Share = Field(1.0, description="Share of the revenue that is margin, for ROI.")


class CustomerEconomics(Model):
    """What one customer is worth and what winning one costs."""

    margin_per_customer: Amount = Field(description="Gross margin per customer per year.")
    retention_rate: Share = Field(description="Share of customers kept from a year to the next.")
    acquisition_spend: Amount | None = Field(
        None, description="Sales and marketing spend per year; channel total if empty."
    )
    new_customers: Amount | None = Field(
        None, description="New customers per year; channel total if empty."
    )
    clv_years: int | None = Field(
        None, ge=1, le=50, description="Years counted in the CLV; whole lifetime if empty."
    )


class Option(OptionBase[CostLine, BenefitLine]):
    """One option of a choice (a vendor, the status quo): its own cost and benefit lines,
    and the assumptions it overrides (:mod:`crmroi_xl.scenario.options`)."""


Problems = list[tuple[tuple[int | str, ...], str, dict[str, Any]]]


class Scenario(Model):
    """A whole CRM business case; with ``options``, a choice between 2 to 6 of them."""

    assumptions: Assumptions
    costs: list[CostLine] = Field(default_factory=list, max_length=200)
    benefits: list[BenefitLine] = Field(default_factory=list, max_length=200)
    kpis: list[Kpi] = Field(default_factory=list, max_length=100)
    channels: list[Channel] = Field(default_factory=list, max_length=100)
    customers: CustomerEconomics | None = None
    options: list[Option] | None = Field(
        None,
        min_length=MIN_OPTIONS,
        max_length=MAX_OPTIONS,
        description="The options compared (2-6); the scenario's lines are shared by all "
        "but the status quo. Leave out for a single business case.",
    )
    status_quo: Label | None = Field(
        None, description="The option measured against (the baseline); 'no change' if empty."
    )

    @model_serializer(mode="wrap")
    def _without_options(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """A scenario without options dumps as before the options existed (no new keys)."""
        data: dict[str, Any] = handler(self)
        for key in ("options", "status_quo"):
            if data.get(key) is None:
                data.pop(key, None)
        return data

    @model_validator(mode="after")
    def _not_empty(self, info: ValidationInfo) -> Scenario:
        """A business case typed by a user has at least one cost or one benefit line
        (validated with :data:`USER_INPUT` as context)."""
        if info.context and info.context.get("user_input") and self.is_empty:
            raise PydanticCustomError(
                "empty_case", "an empty business case: no cost and no benefit"
            )
        return self

    @property
    def is_empty(self) -> bool:
        """No cost and no benefit (in no option): nothing to compute a return on."""
        own = any(o.costs or o.benefits for o in self.options or [])
        return not self.costs and not self.benefits and not own

    @property
    def baseline(self) -> str | None:
        """The name of the option the others are measured against, None for "no change"
        (:func:`~crmroi_xl.scenario.options.baseline_name`)."""
        return baseline_name([o.name for o in self.options or []], self.status_quo)

    @model_validator(mode="after")
    def _lines_fit(self) -> Scenario:
        """Lines start within the horizon; a KPI-driven benefit has its KPI, once; the
        options' names are unique and ``status_quo`` names one of them.

        Each problem is a ``(location, type, context)`` in the error's context
        (``problems``): :func:`crmroi_xl.scenario.messages.error_items` makes them one error
        each, at its own field, worded in the report's language.
        """
        problems = self._line_problems(self.costs, self.benefits, ())
        options = self.options or []
        for i, option in enumerate(options):
            problems += self._line_problems(option.costs, option.benefits, ("options", i))
        if options or self.status_quo is not None:
            names, ramps = [o.name for o in options], [o.adoption for o in options]
            horizon = self.assumptions.horizon_years
            problems += option_problems(names, ramps, self.status_quo, horizon)
        if problems:
            english = "; ".join(f"{'.'.join(map(str, w))}: {t}" for w, t, _ in problems)
            raise PydanticCustomError(
                "scenario_problems", "{summary}", {"summary": english, "problems": problems}
            )
        return self

    def _line_problems(
        self, costs: list[CostLine], benefits: list[BenefitLine], at: tuple[int | str, ...]
    ) -> Problems:
        """The problems of a list of lines (the scenario's, or an option's ``at``)."""
        horizon = self.assumptions.horizon_years
        problems: Problems = []
        timed: list[tuple[tuple[int | str, ...], int]] = []  # (location, year)
        for i, cost in enumerate(costs):
            timed += [((*at, "costs", i, "start_year"), cost.start_year)]
            timed += [((*at, "costs", i, "one_off_year"), cost.one_off_year)]
            if len(cost.seats_by_year) > horizon:
                count = len(cost.seats_by_year)
                where: tuple[int | str, ...] = (*at, "costs", i, "seats_by_year")
                problems.append((where, "too_many_years", {"count": count, "horizon": horizon}))
        timed += [
            ((*at, "benefits", i, "start_year"), b.start_year) for i, b in enumerate(benefits)
        ]
        for where, year in timed:
            if year > horizon:
                problems.append((where, "after_horizon", {"year": year, "horizon": horizon}))
        kinds = [k.kind.value for k in self.kpis]
        needs = kpi_drivers(BENEFIT_DRIVERS)
        for i, line in enumerate(benefits):
            kind = needs.get(line.driver)
            context: dict[str, Any] = {"label": line.label, "driver": line.driver, "kpi": kind}
            if kind is None:
                continue
            if kind not in kinds:
                problems.append(((*at, "benefits", i, "driver"), "kpi_missing", context))
            elif kinds.count(kind) > 1:
                context["count"] = kinds.count(kind)
                problems.append(((*at, "benefits", i, "driver"), "kpi_repeated", context))
        return problems

    def kpis_by_kind(self) -> dict[str, Kpi]:
        """The KPIs by kind (the first of each kind)."""
        out: dict[str, Kpi] = {}
        for kpi in self.kpis:
            out.setdefault(kpi.kind.value, kpi)
        return out

    @property
    def name(self) -> str:
        """The scenario's name (from the assumptions)."""
        return self.assumptions.name
