"""The general assumptions of a business case: name, currency, horizon, discount rate,
risk adjustments, adoption ramp-up and the Monte Carlo's settings.

>>> a = Assumptions.model_validate({"name": "PME", "horizon_years": 4, "adoption": [0.5, 0.8]})
>>> a.adoption, a.discount_rate, a.currency
([0.5, 0.8, 0.8, 0.8], 0.1, 'EUR')
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from .base import MAX_HORIZON, Model
from .values import Label, Rate, Share, currency_code

__all__ = ["Assumptions"]


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
