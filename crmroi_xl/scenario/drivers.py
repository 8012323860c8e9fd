"""Cost and benefit drivers: how a line's yearly amount is formed, declared once.

A driver is the rule that turns a line's inputs into its yearly base amount,
before timing, growth, adoption and risk: an amount per year, seats x price
per seat per month x 12, hours x hourly rate x realisation, extra sales x 12 x
deal value x margin, or a KPI's change before/after the CRM turned into money
(more deals won, more leads converted, fewer customers lost). One record says
everything about a driver:

* its input fields, as the Costs or Benefits sheet shows them (column titles,
  formats, widths); the first ``defines`` fields are the ones whose presence
  makes the scenario model infer the driver;
* ``kpi``: the KPI whose before and after values it reads, if any;
* ``base``: the engine's base amount of a line in year ``t`` (seats may ramp
  up), given the scenario's KPIs by kind;
* ``native``: the same as a term of the workbook's base-amount formula, given
  the cells of the line's fields. A line fills only its own driver's fields, so
  the workbook adds every driver's term.

The scenario model (which fields a driver allows, the inferred driver), the
engine and the workbook read these records; adding a driver means one record.

>>> COST["seats"].base({"seats": 20, "price_per_seat_month": 50, "seats_by_year": []}, {}, 1)
12000.0
>>> ramp = {"seats": 0, "price_per_seat_month": 50, "seats_by_year": [100, 150]}
>>> [COST["seats"].base(ramp, {}, t) for t in (1, 2, 3)]  # the last value carries over
[60000.0, 90000.0, 90000.0]
>>> win = {"opportunities_per_year": 400, "average_deal_value": 8_000, "gross_margin": 0.5}
>>> round(BENEFIT["win_rate"].base(win, {"win_rate": {"before": 0.22, "after": 0.26}}, 1), 2)
64000.0
>>> COST["seats"].native(lambda field: field.upper())
'SEATS*PRICE_PER_SEAT_MONTH*MonthsPerYear'
>>> base_formula(BENEFIT_DRIVERS, lambda field: f"[{field}]")[:60]
'[amount_per_year]+[extra_sales_per_month]*MonthsPerYear*[ave'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

__all__ = [
    "BENEFIT",
    "BENEFIT_DRIVERS",
    "COST",
    "COST_DRIVERS",
    "Driver",
    "Input",
    "base_formula",
    "kept_share",
    "kpi_drivers",
]

Cell = Callable[[str], str]  # a field's cell on the line's row, e.g. "$F6"


def _get(line: Any, field: str) -> Any:
    return line[field] if isinstance(line, Mapping) else getattr(line, field)


class Input(NamedTuple):
    """A driver's input field as the Costs or Benefits sheet shows it: the model's field
    name, its column title (French, English), number format, width and input kind."""

    key: str
    title: tuple[str, str]
    fmt: str
    width: float = 14
    kind: str = "amount"
    choices: str | None = None  # the validation list of a choice


Kpis = Mapping[str, Any]  # the scenario's KPIs by kind (each with before and after)
Base = Callable[[Any, Kpis, int], float]  # (line, KPIs, year t >= 1) -> base amount


@dataclass(frozen=True)
class Driver:
    """One way of forming a line's yearly base amount (see the module docstring)."""

    key: str
    columns: tuple[Input, ...]  # its input fields, in sheet order (the sheets' columns)
    defines: int  # the first ``defines`` fields give the driver away
    base: Base
    native: Callable[[Cell], str]
    kpi: str | None = None  # the KPI kind whose change it turns into money
    per_year: tuple[str, ...] = ()  # its list fields, one value a year (not sheet columns)

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field this driver uses (some are shared with other drivers)."""
        return tuple(c.key for c in self.columns) + self.per_year

    @property
    def defining(self) -> tuple[str, ...]:
        """The fields whose presence selects this driver."""
        return tuple(c.key for c in self.columns)[: self.defines] + self.per_year


_HOURLY_RATE = Input("hourly_rate", ("Coût horaire", "Hourly rate"), "eur2", 11)
_AMOUNT = Input("amount_per_year", ("Montant par an", "Amount per year"), "eur", 14)
_DEAL = Input(
    "average_deal_value", ("Valeur moyenne d'une vente", "Average deal value"), "eur2", 14
)
_MARGIN = Input(
    "gross_margin",
    ("Marge brute (vide\u00a0=\u00a0100\u00a0%)", "Gross margin (blank\u00a0=\u00a0100%)"),
    "pct",
    13,
)


def _amount(line: Any, kpis: Kpis, t: int) -> float:
    return float(_get(line, "amount_per_year"))


def _seats(line: Any, t: int) -> float:
    """Seats in year ``t``: the ramp's value (the last carries over), else the seats."""
    ramp = _get(line, "seats_by_year")
    return float(ramp[min(t, len(ramp)) - 1] if ramp else _get(line, "seats"))


def _change(kpis: Kpis, kind: str, *, fall: bool = False) -> float:
    """after - before of the KPI of ``kind`` (before - after with ``fall``: a churn that
    falls is the gain)."""
    before, after = _get(kpis[kind], "before"), _get(kpis[kind], "after")
    return float(before - after if fall else after - before)


def kept_share(churn_after: float, years: int) -> float:
    r"""Customers kept in a churn line's year ``years`` (1 = its first), per customer
    saved a year: each year's saved customers then churn at the new rate ``a``.

    .. math::

        S_n = \sum_{k=1}^{n} (1 - a)^{n-k} = \frac{1 - (1 - a)^n}{a}
        \quad (S_n = n \text{ when } a = 0)

    The closed form is the one the workbook's formula writes. With a churn of
    10 % after the CRM: 1, 1.9, 2.71 ...

    >>> [round(kept_share(0.10, n), 10) for n in (1, 2, 3)]
    [1.0, 1.9, 2.71]
    """
    if churn_after == 0:
        return float(years)
    return (1 - (1 - churn_after) ** years) / churn_after


def _churn(line: Any, kpis: Kpis, t: int) -> float:
    """The churn driver's amount of year ``t``: customers x the churn's fall x margin,
    times the customers still kept (:func:`kept_share`) when cumulative (the default)."""
    saved = _get(line, "customers") * -_change(kpis, "churn_rate")
    amount = float(saved * _get(line, "margin_per_customer"))
    if _opt(line, "churn_mode", "cumulative") == "yearly":
        return amount
    n = max(1, t - int(_opt(line, "start_year", 1)) + 1)
    return amount * kept_share(float(_get(kpis["churn_rate"], "after")), n)


def _opt(line: Any, field: str, default: Any) -> Any:
    """A field that a mapping may leave out (the model always has it)."""
    if isinstance(line, Mapping):
        return line.get(field, default)
    return getattr(line, field)


def _when(c: Cell, field: str, term: str) -> str:
    """A KPI-driven term only on a line that gives its volume: another line's driver
    reads no KPI (it may be missing from the KPI table)."""
    return f'IF({c(field)}="",0,{term})'


def _margin(c: Cell) -> str:
    return f'IF({c("gross_margin")}="",1,{c("gross_margin")})'


COST_DRIVERS: tuple[Driver, ...] = (
    Driver("amount", (_AMOUNT,), 1, _amount, lambda c: c("amount_per_year")),
    Driver(
        "seats",
        (
            Input("seats", ("Postes", "Seats"), "int", 9, "amount"),
            Input(
                "price_per_seat_month", ("Prix / poste / mois", "Price / seat / month"), "eur2", 13
            ),
        ),
        2,
        lambda line, kpis, t: _seats(line, t) * _get(line, "price_per_seat_month") * 12,
        lambda c: f"{c('seats')}*{c('price_per_seat_month')}*MonthsPerYear",
        per_year=("seats_by_year",),
    ),
    Driver(
        "hours",
        (
            Input("hours_per_year", ("Heures par an", "Hours per year"), "int", 11, "amount"),
            _HOURLY_RATE,
        ),
        2,
        lambda line, kpis, t: _get(line, "hours_per_year") * _get(line, "hourly_rate"),
        lambda c: f"{c('hours_per_year')}*{c('hourly_rate')}",
    ),
)

BENEFIT_DRIVERS: tuple[Driver, ...] = (
    Driver("amount", (_AMOUNT,), 1, _amount, lambda c: c("amount_per_year")),
    Driver(
        "sales",
        (
            Input(
                "extra_sales_per_month", ("Ventes suppl. / mois", "Extra sales / month"), "num", 12
            ),
            _DEAL,
            _MARGIN,
        ),
        2,
        lambda line, kpis, t: (
            _get(line, "extra_sales_per_month")
            * 12
            * _get(line, "average_deal_value")
            * _get(line, "gross_margin")
        ),
        lambda c: (
            f"{c('extra_sales_per_month')}*MonthsPerYear*{c('average_deal_value')}*{_margin(c)}"
        ),
    ),
    Driver(
        "hours",
        (
            Input("hours_saved_per_year", ("Heures gagnées / an", "Hours saved / year"), "int", 12),
            _HOURLY_RATE,
            Input(
                "realisation",
                (
                    "Part réalisée (vide\u00a0=\u00a0100\u00a0%)",
                    "Realised (blank\u00a0=\u00a0100%)",
                ),
                "pct",
                12,
            ),
        ),
        2,
        lambda line, kpis, t: (
            _get(line, "hours_saved_per_year")
            * _get(line, "hourly_rate")
            * _get(line, "realisation")
        ),
        lambda c: (
            f"{c('hours_saved_per_year')}*{c('hourly_rate')}"
            f'*IF({c("realisation")}="",1,{c("realisation")})'
        ),
    ),
    Driver(
        "win_rate",
        (
            Input(
                "opportunities_per_year", ("Opportunités / an", "Opportunities / year"), "int", 13
            ),
            _DEAL,
            _MARGIN,
        ),
        1,
        lambda line, kpis, t: (
            _get(line, "opportunities_per_year")
            * _change(kpis, "win_rate")
            * _get(line, "average_deal_value")
            * _get(line, "gross_margin")
        ),
        lambda c: _when(
            c,
            "opportunities_per_year",
            f"{c('opportunities_per_year')}*{c('kpi:win_rate')}"
            f"*{c('average_deal_value')}*{_margin(c)}",
        ),
        kpi="win_rate",
    ),
    Driver(
        "conversion",
        (Input("leads_per_year", ("Leads / an", "Leads / year"), "int", 11), _DEAL, _MARGIN),
        1,
        lambda line, kpis, t: (
            _get(line, "leads_per_year")
            * _change(kpis, "lead_conversion_rate")
            * _get(line, "average_deal_value")
            * _get(line, "gross_margin")
        ),
        lambda c: _when(
            c,
            "leads_per_year",
            f"{c('leads_per_year')}*{c('kpi:lead_conversion_rate')}"
            f"*{c('average_deal_value')}*{_margin(c)}",
        ),
        kpi="lead_conversion_rate",
    ),
    Driver(
        "churn",
        (
            Input("customers", ("Clients", "Customers"), "int", 10),
            Input(
                "margin_per_customer",
                ("Marge par client / an", "Margin per customer / year"),
                "eur",
                13,
            ),
            Input(
                "churn_mode",
                (
                    "Clients gardés (vide\u00a0=\u00a0cumulés)",
                    "Customers kept (blank\u00a0=\u00a0cumulative)",
                ),
                "text",
                14,
                "choice",
                "List_ChurnModes",
            ),
        ),
        1,
        _churn,
        lambda c: _when(  # the churn's fall
            c, "customers", f"{c('customers')}*(-{c('kpi:churn_rate')})*{c('margin_per_customer')}"
        ),
        kpi="churn_rate",
    ),
)

#: The drivers by key.
COST: dict[str, Driver] = {d.key: d for d in COST_DRIVERS}
BENEFIT: dict[str, Driver] = {d.key: d for d in BENEFIT_DRIVERS}


def base_formula(drivers: tuple[Driver, ...], cell: Cell) -> str:
    """The workbook's base-amount expression of a line: every driver's term added
    (``cell("kpi:KIND")`` is the change of that KPI, after - before)."""
    return "+".join(driver.native(cell) for driver in drivers)


def kpi_drivers(drivers: tuple[Driver, ...]) -> dict[str, str]:
    """Driver key -> the KPI kind it reads, for the KPI-driven drivers."""
    return {d.key: d.kpi for d in drivers if d.kpi is not None}
