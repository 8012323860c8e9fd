"""Scenario validation: defaults filled, constraints in types, errors that name the field."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from pydantic import ValidationError

from crmroi_xl.model import BenefitLine, CostLine, Kpi, Scenario
from tests.strategies import scenarios


def _scenario(**sections: Any) -> dict[str, Any]:
    return {"assumptions": {"name": "Test"}, **sections}


def _errors(data: dict[str, Any]) -> list[tuple[str, tuple[Any, ...]]]:
    with pytest.raises(ValidationError) as caught:
        Scenario.model_validate(data)
    return [(e["type"], e["loc"]) for e in caught.value.errors()]


def test_defaults_of_the_assumptions() -> None:
    a = Scenario.model_validate(_scenario()).assumptions
    assert (a.currency, a.horizon_years, a.discount_rate, a.language) == ("EUR", 3, 0.10, "fr")
    assert (a.benefit_risk, a.cost_risk, a.adoption) == (0.0, 0.0, [1.0, 1.0, 1.0])


def test_adoption_carries_its_last_value_over_the_horizon() -> None:
    data = _scenario()
    data["assumptions"] |= {"horizon_years": 5, "adoption": [0.4, 0.8]}
    assert Scenario.model_validate(data).assumptions.adoption == [0.4, 0.8, 0.8, 0.8, 0.8]


def test_adoption_longer_than_the_horizon_is_refused() -> None:
    data = _scenario()
    data["assumptions"] |= {"horizon_years": 2, "adoption": [0.5, 0.8, 1.0]}
    assert _errors(data) == [("value_error", ("assumptions", "adoption"))]


@pytest.mark.parametrize(
    ("fields", "driver"),
    [
        ({"amount_per_year": 1200}, "amount"),
        ({"seats": 20, "price_per_seat_month": 50}, "seats"),
        ({"hours_per_year": 100, "hourly_rate": 40}, "hours"),
        ({"one_off": 8000}, "amount"),
    ],
)
def test_cost_driver_is_inferred_from_the_fields_given(
    fields: dict[str, float], driver: str
) -> None:
    assert CostLine(label="x", category="licences", **fields).driver == driver  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("category", "nature"),
    [
        ("licences", "direct"),
        ("training", "direct"),
        ("internal_staff", "indirect"),
        ("productivity_loss", "indirect"),
        ("data_migration", "indirect"),
    ],
)
def test_cost_nature_defaults_from_the_category(category: str, nature: str) -> None:
    assert CostLine(label="x", category=category).nature == nature  # type: ignore[arg-type]


def test_explicit_nature_wins_over_the_category() -> None:
    line = CostLine(label="x", category="licences", nature="indirect")  # type: ignore[arg-type]
    assert line.nature == "indirect"


def test_fields_of_another_driver_are_refused_not_ignored() -> None:
    data = _scenario(
        costs=[
            {
                "label": "x",
                "category": "licences",
                "driver": "amount",
                "amount_per_year": 10,
                "seats": 5,
            }
        ]
    )
    with pytest.raises(ValidationError, match=r"seats \(driver 'seats'\)"):
        Scenario.model_validate(data)


def test_benefit_defaults() -> None:
    sales = BenefitLine(
        label="x", category="incremental_revenue", extra_sales_per_month=5, average_deal_value=1000
    )  # type: ignore[arg-type]
    assert (sales.driver, sales.gross_margin, sales.include_in_roi) == ("sales", 1.0, True)
    intangible = BenefitLine(label="x", category="intangible")  # type: ignore[arg-type]
    assert intangible.include_in_roi is False


def test_only_intangible_benefits_can_be_left_out_of_roi() -> None:
    data = _scenario(
        benefits=[
            {
                "label": "x",
                "category": "cost_reduction",
                "amount_per_year": 5,
                "include_in_roi": False,
            }
        ]
    )
    assert _errors(data) == [("value_error", ("benefits", 0))]


def test_gross_margin_only_with_the_sales_driver() -> None:
    data = _scenario(
        benefits=[
            {"label": "x", "category": "cost_reduction", "amount_per_year": 5, "gross_margin": 0.4}
        ]
    )
    assert _errors(data) == [("value_error", ("benefits", 0))]


def test_kpi_unit_and_direction_default_from_the_kind() -> None:
    churn = Kpi(kind="churn_rate", before=0.2, after=0.15)  # type: ignore[arg-type]
    assert (churn.unit, churn.higher_is_better) == ("percent", False)
    cycle = Kpi(kind="sales_cycle", before=45, after=38)  # type: ignore[arg-type]
    assert (cycle.unit, cycle.higher_is_better) == ("days", False)


def test_custom_kpi_needs_a_label() -> None:
    assert _errors(_scenario(kpis=[{"kind": "custom", "before": 1, "after": 2}])) == [
        ("value_error", ("kpis", 0))
    ]


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ({"horizon_years": 0}, ("greater_than_equal", ("assumptions", "horizon_years"))),
        ({"horizon_years": 11}, ("less_than_equal", ("assumptions", "horizon_years"))),
        ({"discount_rate": 1.5}, ("less_than_equal", ("assumptions", "discount_rate"))),
        ({"benefit_risk": -0.1}, ("greater_than_equal", ("assumptions", "benefit_risk"))),
        ({"currency": "euro"}, ("string_pattern_mismatch", ("assumptions", "currency"))),
        ({"language": "de"}, ("literal_error", ("assumptions", "language"))),
        ({"colour": "red"}, ("extra_forbidden", ("assumptions", "colour"))),
        ({"name": ""}, ("string_too_short", ("assumptions", "name"))),
    ],
)
def test_assumption_errors_name_the_field(
    patch: dict[str, Any], expected: tuple[str, tuple[Any, ...]]
) -> None:
    data = _scenario()
    data["assumptions"] |= patch
    assert _errors(data) == [expected]


def test_line_errors_name_the_line_and_field() -> None:
    data = _scenario(
        costs=[
            {"label": "ok", "category": "licences", "one_off": 1},
            {"label": "bad", "category": "licences", "seats": -3},
        ],
        channels=[{"name": "Ads", "spend": float("nan")}],
    )
    assert _errors(data) == [
        ("greater_than_equal", ("costs", 1, "seats")),
        ("finite_number", ("channels", 0, "spend")),
    ]


def test_the_json_schema_documents_every_field() -> None:
    schema = Scenario.model_json_schema()
    for definition in schema["$defs"].values():
        for name, field in definition.get("properties", {}).items():
            assert field.get("description"), f"{definition['title']}.{name} has no description"


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_a_validated_scenario_validates_again_unchanged(data: dict[str, Any]) -> None:
    scenario = Scenario.model_validate(data)
    assert Scenario.model_validate(scenario.model_dump()) == scenario
    assert Scenario.model_validate_json(scenario.model_dump_json()) == scenario
