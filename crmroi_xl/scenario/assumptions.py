"""The general assumptions of a business case: name, currency, horizon, discount rate,
risk adjustments, adoption ramp-up, the Monte Carlo's settings and the finance view
(corporate tax rate, go-live month).

>>> a = Assumptions.model_validate({"name": "PME", "horizon_years": 4, "adoption": [0.5, 0.8]})
>>> a.adoption, a.discount_rate, a.currency, a.tax_rate, a.go_live_month
([0.5, 0.8, 0.8, 0.8], 0.1, 'EUR', None, 1)
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .base import MAX_HORIZON, Model
from .values import Label, Measure, Rate, Share, currency_code

__all__ = ["Assumptions", "Targets"]


class Targets(Model):
    """What the business case should reach: the simulation gives the chance of each,
    P(payback <= ``payback_months``), P(NPV >= ``npv``), P(ROI >= ``roi``); a target
    left out gives no probability.

    >>> Targets.model_validate({"payback_months": 18, "npv": "50 000"})
    Targets(payback_months=18.0, npv=50000.0, roi=None)
    """

    payback_months: float | None = Field(
        None,
        ge=0,
        le=12 * MAX_HORIZON,
        description="Target payback in months (0-120): the simulation gives the chance of a "
        "payback within it; empty = none.",
    )
    npv: Measure | None = Field(
        None,
        description="Target NPV in the scenario's currency: the simulation gives the chance "
        "of an NPV at least this; empty = none.",
    )
    roi: Rate | None = Field(
        None,
        ge=-1,
        le=100,
        description="Target ROI (0.5 = 50 %): the simulation gives the chance of an ROI at "
        "least this; empty = none.",
    )

    @property
    def given(self) -> dict[str, float]:
        """The targets set, by key (in the order payback_months, npv, roi).

        >>> Targets(npv=0, roi=0.2).given
        {'npv': 0.0, 'roi': 0.2}
        """
        return {k: v for k, v in vars(self).items() if v is not None}


class Assumptions(Model):
    """General assumptions of the business case."""

    name: Label = Field(description="Name of the scenario, e.g. the company or the project.")
    currency: Annotated[str, BeforeValidator(currency_code)] = Field(
        "EUR", pattern=r"^[A-Z]{3}$", description="ISO 4217 currency code of every amount."
    )
    horizon_years: int = Field(3, ge=1, le=MAX_HORIZON, description="Years after year 0 (1-10).")
    discount_rate: Rate = Field(
        0.10, ge=0, le=1, description="Yearly discount rate (cost of capital), 0.1 = 10 %."
    )
    start_year: int = Field(
        default_factory=lambda: dt.date.today().year,
        ge=1990,
        le=2100,
        description="Calendar year of year 0 (the investment year).",
    )
    language: Literal["fr", "en"] = Field("fr", description="Language of the workbooks.")
    benefit_risk: Share = Field(
        0.0, description="Risk adjustment: every benefit is reduced by this share (TEI style)."
    )
    cost_risk: Share = Field(
        0.0, description="Risk adjustment: every cost is increased by this share (TEI style)."
    )
    adoption: list[Share] = Field(
        default_factory=list,
        validate_default=True,
        max_length=MAX_HORIZON,
        description="Adoption ramp-up: share of the benefits reached in years 1, 2, ...; "
        "the last value carries over to later years, 100 % when empty.",
    )

    @field_validator("adoption")
    @classmethod
    def _full_adoption(cls, adoption: list[float], info: ValidationInfo) -> list[float]:
        """Give one adoption share per year of the horizon."""
        horizon = info.data.get("horizon_years")
        if horizon is None:  # the horizon itself is invalid and reported
            return adoption
        if len(adoption) > horizon:
            raise PydanticCustomError(
                "too_many_years",
                "{count} values for a {horizon}-year horizon",
                {"count": len(adoption), "horizon": horizon},
            )
        last = adoption[-1] if adoption else 1.0
        return adoption + [last] * (horizon - len(adoption))

    distribution: Literal["pert", "triangular", "uniform"] = Field(
        "pert",
        description="Distribution of each line's multiplier on [low, high] in the Monte Carlo "
        "simulation: pert (lambda 4, mode 1), triangular (mode 1) or uniform.",
    )
    simulation_runs: int = Field(
        10_000, ge=100, le=1_000_000, description="Runs of the Monte Carlo simulation."
    )
    simulation_seed: int = Field(
        0,
        ge=0,
        le=2**32 - 1,
        description="Seed of the simulation's random numbers: the same seed, the same results.",
    )
    workbook_runs: int = Field(
        1_000,
        ge=100,
        le=5_000,
        description="Runs of the simulation the workbook holds and recalculates live "
        "(the same draws as crmroi simulate --runs with this number).",
    )
    targets: Targets | None = Field(
        None,
        description="Targets of the payback (months), the NPV and the ROI: the simulation "
        "gives the chance of reaching each (the workbook's too, live for the NPV and the "
        "ROI).",
    )

    @field_validator("targets")
    @classmethod
    def _no_empty_targets(cls, targets: Targets | None) -> Targets | None:
        """Targets all blank are no targets (as a blank row, or blank cells, give)."""
        return targets if targets is not None and targets.given else None

    tax_rate: Rate | None = Field(
        None,
        ge=0,
        le=0.6,
        description="Corporate income tax rate on the project's taxable result (0-0.6, "
        "0.25 = 25 %); empty = pre-tax results only. A negative taxable result is a tax "
        "saving that year (the company is assumed profitable overall).",
    )
    go_live_month: int = Field(
        1,
        ge=1,
        le=12,
        description="Month of year 1 the CRM goes live (1-12): year 1's benefits and the "
        "recurring costs that start with it (from_go_live) count (13 - month) / 12.",
    )

    # the tornado's bars of the assumptions (blank: the default range, see
    # crmroi_xl.engine.drivers): the NPV at each end, everything else at base
    discount_rate_low: Rate | None = Field(
        None,
        ge=0,
        le=1,
        description="Tornado: the low discount rate (blank = rate - 3 points, "
        "at least 0); at most the discount rate.",
    )
    discount_rate_high: Rate | None = Field(
        None,
        ge=0,
        le=1,
        description="Tornado: the high discount rate (blank = rate + 3 "
        "points, at most 100 %); at least the discount rate.",
    )
    adoption_low: Share | None = Field(
        None,
        description="Tornado: factor on every year's adoption share at the slow end "
        "(0-1; blank = 0.8).",
    )
    adoption_high: float | None = Field(
        None,
        ge=1,
        le=10,
        allow_inf_nan=False,
        description="Tornado: factor on every year's "
        "adoption share at the fast end, each share at most 100 % (1-10; blank = 1.1).",
    )
    benefit_risk_low: Share | None = Field(
        None,
        description="Tornado: the low benefit risk (blank = benefit_risk - 10 points, "
        "at least 0); at most benefit_risk.",
    )
    benefit_risk_high: Share | None = Field(
        None,
        description="Tornado: the high benefit risk (blank = benefit_risk + 10 points, "
        "at most 100 %); at least benefit_risk.",
    )

    @model_validator(mode="after")
    def _ranges_around(self) -> Assumptions:
        """A tornado range holds the assumption's own value."""
        for key in ("discount_rate", "benefit_risk"):
            value = getattr(self, key)
            low, high = getattr(self, f"{key}_low"), getattr(self, f"{key}_high")
            if (low is not None and low > value) or (high is not None and high < value):
                raise PydanticCustomError(
                    "range_around",
                    "{field}_low and {field}_high must hold {field} ({value})",
                    {"field": key, "value": value},
                )
        return self

    @property
    def go_live_share(self) -> float:
        """The share of year 1 after go-live: ``(13 - go_live_month) / 12``.

        >>> Assumptions(name="x", go_live_month=7).go_live_share
        0.5
        """
        return (13 - self.go_live_month) / 12
