"""Scenario validation: defaults filled, constraints in types, errors that name the field."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from pydantic import ValidationError

from crmroi_xl.scenario.model import USER_INPUT, BenefitLine, CostLine, Kpi, Scenario
from crmroi_xl.scenario.values import MAX_AMOUNT
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
    assert _errors(data) == [("too_many_years", ("assumptions", "adoption"))]


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
    assert _errors(data) == [("intangible_only", ("benefits", 0))]


def test_gross_margin_only_with_the_sales_driver() -> None:
    data = _scenario(
        benefits=[
            {"label": "x", "category": "cost_reduction", "amount_per_year": 5, "gross_margin": 0.4}
        ]
    )
    assert _errors(data) == [("driver_field_only", ("benefits", 0))]


def test_kpi_unit_and_direction_default_from_the_kind() -> None:
    churn = Kpi(kind="churn_rate", before=0.2, after=0.15)  # type: ignore[arg-type]
    assert (churn.unit, churn.higher_is_better) == ("percent", False)
    cycle = Kpi(kind="sales_cycle", before=45, after=38)  # type: ignore[arg-type]
    assert (cycle.unit, cycle.higher_is_better) == ("days", False)


def test_custom_kpi_needs_a_label() -> None:
    assert _errors(_scenario(kpis=[{"kind": "custom", "before": 1, "after": 2}])) == [
        ("custom_kpi_label", ("kpis", 0))
    ]


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ({"horizon_years": 0}, ("greater_than_equal", ("assumptions", "horizon_years"))),
        ({"horizon_years": 11}, ("less_than_equal", ("assumptions", "horizon_years"))),
        ({"discount_rate": 1.5}, ("less_than_equal", ("assumptions", "discount_rate"))),
        ({"benefit_risk": -0.1}, ("greater_than_equal", ("assumptions", "benefit_risk"))),
        ({"currency": "euro"}, ("currency_code", ("assumptions", "currency"))),
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


# --- issue 14 (bad input, second round) and issue 10 (messages) ---------------------


@pytest.mark.parametrize(
    ("section", "line", "field"),
    [
        ("assumptions", None, "horizon_years"),
        ("assumptions", None, "discount_rate"),
        ("assumptions", None, "start_year"),
        ("costs", 0, "one_off"),
        ("costs", 0, "years"),
        ("kpis", 0, "before"),
        ("channels", 0, "spend"),
    ],
)
def test_a_yes_no_is_never_a_number(section: str, line: int | None, field: str) -> None:
    """``horizon_years: true`` used to read as 1: a boolean is refused wherever a
    number is expected, naming the field."""
    data = _scenario(
        costs=[{"label": "CRM", "category": "licences", "one_off": 10}],
        kpis=[{"kind": "nps", "before": 10, "after": 20}],
        channels=[{"name": "Ads", "spend": 10}],
    )
    target = data[section] if line is None else data[section][line]
    target[field] = True
    loc = (section, field) if line is None else (section, line, field)
    assert _errors(data) == [("bool_not_number", loc)]


def test_adoption_items_are_numbers_not_yes_no() -> None:
    data = _scenario()
    data["assumptions"]["adoption"] = [0.5, False]
    assert _errors(data) == [("bool_not_number", ("assumptions", "adoption", 1))]


@pytest.mark.parametrize(
    ("typed", "value"),
    [("12 000", 12000.0), ("10%", 0.1), ("10 %", 0.1), ("1\u202f500.5", 1500.5), ("3", 3.0)],
)
def test_numbers_in_text_are_read_as_the_flat_format_reads_them(typed: str, value: float) -> None:
    """YAML and JSON take ``10%`` and ``"12 000"`` as the CSV format does."""
    line = CostLine.model_validate(
        {"label": "CRM", "category": "licences", "amount_per_year": typed}
    )
    assert line.amount_per_year == value
    assert (
        Scenario.model_validate(
            _scenario(**{"assumptions": {"name": "T", "horizon_years": "5"}})
        ).assumptions.horizon_years
        == 5
    )


def test_a_decimal_comma_in_text_is_ambiguous_and_refused() -> None:
    data = _scenario(costs=[{"label": "CRM", "category": "licences", "one_off": "1,5"}])
    assert _errors(data) == [("float_parsing", ("costs", 0, "one_off"))]


@pytest.mark.parametrize("kind", ["win_rate", "lead_conversion_rate", "churn_rate", "csat"])
def test_a_percent_kpi_above_one_is_refused(kind: str) -> None:
    """``win_rate before: 22`` was shown as 2 200 %."""
    data = _scenario(kpis=[{"kind": kind, "before": 22, "after": 0.26}])
    assert _errors(data) == [("percent_as_number", ("kpis", 0, "before"))]
    data = _scenario(kpis=[{"kind": kind, "before": 0.22, "after": 0.26}])
    assert Scenario.model_validate(data).kpis[0].before == 0.22


@pytest.mark.parametrize("unit", ["count", "points", "days", "currency"])
def test_a_percent_kpi_is_in_percent_whatever_the_unit_says(unit: str) -> None:
    """``win_rate`` 22 -> 26 typed with ``unit: count`` skipped the "22 % is 0.22" check and
    counted a benefit 100 times too large: the unit is refused and the hint given."""
    data = _scenario(kpis=[{"kind": "win_rate", "unit": unit, "before": 22, "after": 26}])
    assert _errors(data) == [
        ("kpi_unit", ("kpis", 0, "unit")),
        ("percent_as_number", ("kpis", 0, "before")),
        ("percent_as_number", ("kpis", 0, "after")),
    ]
    data = _scenario(kpis=[{"kind": "churn_rate", "unit": unit, "before": 0.2, "after": 0.1}])
    assert _errors(data) == [("kpi_unit", ("kpis", 0, "unit"))]


def test_a_percent_kpi_accepts_its_unit_given_and_other_kinds_any_unit() -> None:
    data = _scenario(
        kpis=[
            {"kind": "win_rate", "unit": "percent", "before": 0.22, "after": 0.26},
            {"kind": "custom", "label": "Quota", "unit": "percent", "before": 0.5, "after": 0.6},
            {"kind": "custom", "label": "Calls", "unit": "count", "before": 50, "after": 60},
            {"kind": "sales_cycle", "unit": "hours", "before": 400, "after": 300},
        ]
    )
    kpis = Scenario.model_validate(data).kpis
    assert [k.unit for k in kpis] == ["percent", "percent", "count", "hours"]


def test_kpis_in_other_units_may_exceed_one() -> None:
    data = _scenario(kpis=[{"kind": "sales_cycle", "before": 45, "after": 38}])
    assert Scenario.model_validate(data).kpis[0].after == 38


@pytest.mark.parametrize(
    "name", ["\u200b", "\u200b\u200c\u2060", " \u00a0\ufeff", "\u3164", "\u0301"]
)
def test_a_name_of_invisible_characters_is_refused_like_an_empty_one(name: str) -> None:
    data = _scenario()
    data["assumptions"]["name"] = name
    assert _errors(data) == [("label_blank", ("assumptions", "name"))]


@pytest.mark.parametrize(
    ("character", "kind"),
    [("\u0001", "label_character"), ("\uffff", "label_character"), ("\ud800", "string_unicode")],
)
def test_a_character_a_workbook_cannot_store_is_refused(character: str, kind: str) -> None:
    data = _scenario()
    data["assumptions"]["name"] = f"A{character}B"
    assert _errors(data) == [(kind, ("assumptions", "name"))]


@pytest.mark.parametrize("field", ["one_off", "seats", "hourly_rate"])
def test_amounts_are_bounded_to_what_a_spreadsheet_holds(field: str) -> None:
    """Amounts of 1e308 overflowed the sums (``OverflowError ... fsum``)."""
    data = _scenario(costs=[{"label": "CRM", "category": "licences", field: 1e308}])
    assert _errors(data) == [("too_large", ("costs", 0, field))]
    data = _scenario(costs=[{"label": "CRM", "category": "licences", field: MAX_AMOUNT}])
    assert getattr(Scenario.model_validate(data).costs[0], field) == MAX_AMOUNT


def test_kpi_values_are_bounded_both_ways() -> None:
    data = _scenario(kpis=[{"kind": "custom", "label": "k", "before": 1e308, "after": -1e308}])
    assert _errors(data) == [
        ("too_large", ("kpis", 0, "before")),
        ("too_large", ("kpis", 0, "after")),
    ]


def test_an_empty_business_case_typed_by_a_user_is_refused() -> None:
    """No cost and no benefit used to give a payback of 0 years."""
    with pytest.raises(ValidationError) as caught:
        Scenario.model_validate(_scenario(), context=USER_INPUT)
    assert [(e["type"], e["loc"]) for e in caught.value.errors()] == [("empty_case", ())]
    benefit = {"label": "b", "category": "cost_reduction", "amount_per_year": 1}
    assert Scenario.model_validate(_scenario(benefits=[benefit]), context=USER_INPUT).benefits
    assert Scenario.model_validate(_scenario()).is_empty  # code may build one for itself
