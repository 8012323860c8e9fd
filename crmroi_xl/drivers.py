"""Cost and benefit drivers: how a line's yearly amount is formed, declared once.

A driver is the rule that turns a line's inputs into its yearly base amount,
before timing, growth, adoption and risk: an amount per year, seats x price
per seat per month x 12, hours x hourly rate, extra sales x 12 x deal value x
margin. One record says everything about a driver:

* its input fields, as the Costs or Benefits sheet shows them (column titles,
  formats, widths); the first ``defines`` fields are the ones whose presence
  makes the scenario model infer the driver;
* ``base``: the engine's yearly base amount of a line;
* ``native``: the same as a term of the workbook's base-amount formula, given
  the cells of the line's fields. A line fills only its own driver's fields, so
  the workbook adds every driver's term.

The scenario model (which fields a driver allows, the inferred driver), the
engine and the workbook read these records; adding a driver means one record.

>>> COST["seats"].base({"seats": 20, "price_per_seat_month": 50})
12000
>>> COST["seats"].native(lambda field: field.upper())
'SEATS*PRICE_PER_SEAT_MONTH*MonthsPerYear'
>>> base_formula(BENEFIT_DRIVERS, lambda field: f"[{field}]")[:60]
'[amount_per_year]+[extra_sales_per_month]*MonthsPerYear*[ave'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .excel.parts import Column

__all__ = [
    "BENEFIT",
    "BENEFIT_DRIVERS",
    "COST",
    "COST_DRIVERS",
    "Driver",
    "base_formula",
]

Cell = Callable[[str], str]  # a field's cell on the line's row, e.g. "$F6"


def _get(line: Any, field: str) -> Any:
    return line[field] if isinstance(line, Mapping) else getattr(line, field)


@dataclass(frozen=True)
class Driver:
    """One way of forming a line's yearly base amount (see the module docstring)."""

    key: str
    columns: tuple[Column, ...]  # its input fields, in sheet order
    defines: int  # the first ``defines`` fields give the driver away
    base: Callable[[Any], float]
    native: Callable[[Cell], str]

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field only this driver uses."""
        return tuple(c.key for c in self.columns)

    @property
    def defining(self) -> tuple[str, ...]:
        """The fields whose presence selects this driver."""
        return self.fields[: self.defines]


_HOURLY_RATE = Column("hourly_rate", ("Coût horaire", "Hourly rate"), "eur2", 11)
_AMOUNT = Column("amount_per_year", ("Montant par an", "Amount per year"), "eur", 14)


def _amount(line: Any) -> float:
    return float(_get(line, "amount_per_year"))


COST_DRIVERS: tuple[Driver, ...] = (
    Driver("amount", (_AMOUNT,), 1, _amount, lambda c: c("amount_per_year")),
    Driver(
        "seats",
        (
            Column("seats", ("Postes", "Seats"), "int", 9, "amount"),
            Column(
                "price_per_seat_month", ("Prix / poste / mois", "Price / seat / month"), "eur2", 13
            ),
        ),
        2,
        lambda line: _get(line, "seats") * _get(line, "price_per_seat_month") * 12,
        lambda c: f"{c('seats')}*{c('price_per_seat_month')}*MonthsPerYear",
    ),
    Driver(
        "hours",
        (
            Column("hours_per_year", ("Heures par an", "Hours per year"), "int", 11, "amount"),
            _HOURLY_RATE,
        ),
        2,
        lambda line: _get(line, "hours_per_year") * _get(line, "hourly_rate"),
        lambda c: f"{c('hours_per_year')}*{c('hourly_rate')}",
    ),
)

BENEFIT_DRIVERS: tuple[Driver, ...] = (
    Driver("amount", (_AMOUNT,), 1, _amount, lambda c: c("amount_per_year")),
    Driver(
        "sales",
        (
            Column(
                "extra_sales_per_month", ("Ventes suppl. / mois", "Extra sales / month"), "num", 12
            ),
            Column(
                "average_deal_value",
                ("Valeur moyenne d'une vente", "Average deal value"),
                "eur2",
                14,
            ),
            Column(
                "gross_margin",
                (
                    "Marge brute (vide\u00a0=\u00a0100\u00a0%)",
                    "Gross margin (blank\u00a0=\u00a0100%)",
                ),
                "pct",
                13,
                "share",
            ),
        ),
        2,
        lambda line: (
            _get(line, "extra_sales_per_month")
            * 12
            * _get(line, "average_deal_value")
            * _get(line, "gross_margin")
        ),
        lambda c: (
            f"{c('extra_sales_per_month')}*MonthsPerYear*{c('average_deal_value')}"
            f'*IF({c("gross_margin")}="",1,{c("gross_margin")})'
        ),
    ),
    Driver(
        "hours",
        (
            Column(
                "hours_saved_per_year", ("Heures gagnées / an", "Hours saved / year"), "int", 12
            ),
            _HOURLY_RATE,
        ),
        2,
        lambda line: _get(line, "hours_saved_per_year") * _get(line, "hourly_rate"),
        lambda c: f"{c('hours_saved_per_year')}*{c('hourly_rate')}",
    ),
)

#: The drivers by key.
COST: dict[str, Driver] = {d.key: d for d in COST_DRIVERS}
BENEFIT: dict[str, Driver] = {d.key: d for d in BENEFIT_DRIVERS}


def base_formula(drivers: tuple[Driver, ...], cell: Cell) -> str:
    """The workbook's base-amount expression of a line: every driver's term added."""
    return "+".join(driver.native(cell) for driver in drivers)
