"""The columns of the four tables of lines: titles in French and English, formats, widths.

Each table's columns in sheet order: its inputs (a driver's fields come from
:mod:`crmroi_xl.scenario.drivers`), then its computed columns. Where a column falls is
the layout's business (:class:`~crmroi_xl.excel.layout.Layout` places the
tables); what it is, is declared here.

>>> [c.key for c in kpi_columns()][:3]
['kind', 'label', 'unit']
"""

from __future__ import annotations

from typing import Any

from ..scenario import drivers
from ..scenario.model import BenefitLine, Channel, CostLine, Kpi
from .parts import Column

__all__ = [
    "BOOKS",
    "BOOKS_COMPUTED",
    "CASE_FACTOR",
    "DURATION",
    "LINE_MODELS",
    "MEMBER",
    "OPTION",
    "RANGE",
    "START",
    "YEAR_TOTALS",
    "YES_NO",
    "benefit_columns",
    "channel_columns",
    "cost_columns",
    "kpi_columns",
    "unique",
    "with_options",
    "yearly_field",
]

YES_NO = "List_YesNo"


START = Column(
    "start_year",
    ("Début (année, vide\u00a0=\u00a01)", "Start (year, blank\u00a0=\u00a01)"),
    "int",
    11,
)
DURATION = Column(
    "years",
    ("Durée (ans, vide\u00a0=\u00a0horizon)", "Duration (years, blank\u00a0=\u00a0horizon)"),
    "int",
    13,
    "integer",
)
#: A line's uncertainty range (``low``, ``high``): multipliers of its amounts in every
#: year, shown as percentages of them (80 % = 0.8); blank = 100 %, no uncertainty.
RANGE = (
    Column(
        "low",
        (
            "Bas (% du montant, vide\u00a0=\u00a0100\u00a0%)",
            "Low (% of the amount, blank\u00a0=\u00a0100%)",
        ),
        "pct",
        11,
        "share",
    ),
    Column(
        "high",
        (
            "Haut (% du montant, vide\u00a0=\u00a0100\u00a0%)",
            "High (% of the amount, blank\u00a0=\u00a0100%)",
        ),
        "pct",
        11,
        "number",
    ),
)
#: A cost line's finance-view inputs: its recurring amount starting at go-live, its
#: one-off capitalised and depreciated over a number of years.
BOOKS = (
    Column(
        "from_go_live",
        (
            "Démarre à la mise en service (vide\u00a0=\u00a0licences, support)",
            "Starts at go-live (blank\u00a0=\u00a0licences, support)",
        ),
        "text",
        14,
        "yesno",
        YES_NO,
    ),
    Column(
        "capitalised",
        (
            "Ponctuel immobilisé (vide\u00a0=\u00a0non)",
            "One-off capitalised (blank\u00a0=\u00a0no)",
        ),
        "text",
        12,
        "yesno",
        YES_NO,
    ),
    Column(
        "depreciation_years",
        ("Amortissement (années)", "Depreciation (years)"),
        "int",
        12,
        "integer",
    ),
)
#: What the summary's P&L rows read of each cost line: its capitalised one-off as paid
#: (case included), the year it is paid, its yearly depreciation and its last year.
BOOKS_COMPUTED = (
    Column("capital", ("Montant immobilisé", "Amount capitalised"), "eur", 14, computed=True),
    Column("capital_year", ("Année de paiement", "Year paid"), "int", 10, computed=True),
    Column("depreciation", ("Dotation annuelle", "Yearly depreciation"), "eur", 14, computed=True),
    Column(
        "depreciation_end",
        ("Dernière année d'amortissement", "Last year depreciated"),
        "int",
        12,
        computed=True,
    ),
)
#: A cost line's seats typed year by year (``seats_by_year``), on the line's own row so
#: that sorting, deleting or moving a line moves its ramp with it. Keys ``seats_y1`` ..
#: ``seats_y10``; blank = the year before's (year 1: the line's "Seats").
SEATS_BY_YEAR = tuple(
    Column(
        f"seats_y{t}",
        (
            f"Postes année {t} (vide\u00a0=\u00a0année d'avant)",
            f"Seats year {t} (blank\u00a0=\u00a0year before)",
        ),
        "int",
        10,
        "integer",
    )
    for t in range(1, 11)
)


def yearly_field(key: str) -> tuple[str, int] | None:
    """The model's list field and year of a year-by-year input column, else None.

    >>> yearly_field("seats_y3"), yearly_field("seats")
    (('seats_by_year', 3), None)
    """
    if key.startswith("seats_y") and key[7:].isdigit():
        return "seats_by_year", int(key[7:])
    return None


#: The multiplier of the line's amounts in the case the workbook shows (``In_Case``).
CASE_FACTOR = Column(
    "case",
    ("Facteur du cas affiché", "Factor of the case shown"),
    "pct",
    11,
    computed=True,
)
#: A line's total over the years and its present value, before its year columns.
YEAR_TOTALS = (
    Column("total", ("Total", "Total"), "eur", 14, computed=True),
    Column("present_value", ("Valeur actuelle", "Present value"), "eur", 14, computed=True),
)


def cost_columns() -> tuple[Column, ...]:
    return (
        Column("label", ("Libellé", "Label"), "text", 38, "text"),
        Column("category", ("Catégorie", "Category"), "text", 30, "choice", "List_CostCategories"),
        Column(
            "nature",
            ("Nature (vide = selon catégorie)", "Nature (blank = by category)"),
            "text",
            14,
            "choice",
            "List_Natures",
        ),
        Column("one_off", ("Ponctuel", "One-off"), "eur", 14),
        Column(
            "one_off_year",
            ("Année du ponctuel (vide\u00a0=\u00a00)", "One-off year (blank\u00a0=\u00a00)"),
            "int",
            11,
        ),
        *(Column(*field) for driver in drivers.COST_DRIVERS for field in driver.columns),
        START,
        DURATION,
        Column("annual_increase", ("Hausse annuelle", "Yearly increase"), "pct", 11, "change"),
        Column(
            "increase_from_year",
            (
                "Hausse à partir de l'année (vide\u00a0=\u00a0début\u00a0+\u00a01)",
                "Increase from year (blank\u00a0=\u00a0start\u00a0+\u00a01)",
            ),
            "int",
            13,
        ),
        *RANGE,
        *BOOKS,
        *SEATS_BY_YEAR,
        Column("nature_eff", ("Nature retenue", "Nature used"), "text", 12, computed=True),
        Column("base", ("Montant annuel de base", "Yearly base amount"), "eur", 14, computed=True),
        *BOOKS_COMPUTED,
        CASE_FACTOR,
    )


#: A line's option in a workbook holding every option of a choice (blank = shared), and
#: whether the line counts in the option shown (``In_Option``).
OPTION = Column(
    "option",
    ("Option (vide\u00a0=\u00a0commune)", "Option (blank\u00a0=\u00a0shared)"),
    "text",
    18,
    "choice",
    "List_Options",
)
MEMBER = Column(
    "member",
    ("Dans l'option affichée (1/0)", "In the option shown (1/0)"),
    "int",
    10,
    computed=True,
)


def with_options(columns: tuple[Column, ...]) -> tuple[Column, ...]:
    """A table's columns in a workbook of options: the Option column after the label,
    whether the line counts in the option shown before its case factor.

    >>> [c.key for c in with_options(cost_columns())][:3], with_options(cost_columns())[-2].key
    (['label', 'option', 'category'], 'member')
    """
    first, *inputs, case = columns
    return (first, OPTION, *inputs, MEMBER, case)


def unique(columns: tuple[Column, ...]) -> tuple[Column, ...]:
    """Columns in order, each key once (two drivers may share a field, e.g. an hourly rate)."""
    first: dict[str, Column] = {}
    for column in columns:
        first.setdefault(column.key, column)
    return tuple(first.values())


def benefit_columns() -> tuple[Column, ...]:
    return unique(
        (
            Column("label", ("Libellé", "Label"), "text", 38, "text"),
            Column(
                "category",
                ("Catégorie", "Category"),
                "text",
                28,
                "choice",
                "List_BenefitCategories",
            ),
            *(Column(*field) for driver in drivers.BENEFIT_DRIVERS for field in driver.columns),
            Column("annual_growth", ("Croissance annuelle", "Yearly growth"), "pct", 11, "change"),
            START,
            DURATION,
            Column(
                "ramp_up",
                (
                    "Suit la montée en charge (vide\u00a0=\u00a0oui)",
                    "Follows the ramp-up (blank\u00a0=\u00a0yes)",
                ),
                "text",
                13,
                "yesno",
                YES_NO,
            ),
            Column(
                "include_in_roi",
                (
                    "Inclus dans le ROI (vide = oui sauf intangible)",
                    "In ROI (blank = yes unless intangible)",
                ),
                "text",
                16,
                "yesno",
                YES_NO,
            ),
            *RANGE,
            Column("counted", ("Compté (1/0)", "Counted (1/0)"), "int", 9, computed=True),
            Column(
                "base", ("Montant annuel de base", "Yearly base amount"), "eur", 14, computed=True
            ),
            CASE_FACTOR,
        )
    )


def kpi_columns() -> tuple[Column, ...]:
    return (
        Column("kind", ("Indicateur", "KPI"), "text", 34, "choice", "List_KpiKinds"),
        Column("label", ("Libellé (facultatif)", "Label (optional)"), "text", 30, "text"),
        Column(
            "unit",
            ("Unité (vide = usuelle)", "Unit (blank = usual)"),
            "text",
            12,
            "choice",
            "List_Units",
        ),
        Column("before", ("Avant le CRM", "Before the CRM"), "num2", 14, "number"),
        Column("after", ("Après le CRM", "After the CRM"), "num2", 14, "number"),
        Column(
            "higher_is_better",
            ("Plus haut = mieux (vide = usuel)", "Higher is better (blank = usual)"),
            "text",
            14,
            "yesno",
            YES_NO,
        ),
        Column("change", ("Évolution", "Change"), "num2", 12, computed=True),
        Column("relative_change", ("Évolution %", "Change %"), "pct1", 12, computed=True),
        Column("trend", ("Tendance", "Trend"), "text", 9, computed=True),
        Column("higher_eff", ("Sens retenu", "Direction used"), "text", 11, computed=True),
    )


def channel_columns() -> tuple[Column, ...]:
    return (
        Column("name", ("Canal", "Channel"), "text", 30, "text"),
        Column("spend", ("Dépenses / an", "Spend / year"), "eur", 14),
        Column(
            "attributed_revenue", ("Revenu attribué / an", "Attributed revenue / year"), "eur", 16
        ),
        Column("new_customers", ("Nouveaux clients / an", "New customers / year"), "int", 14),
        Column(
            "gross_margin",
            ("Marge brute (vide\u00a0=\u00a0100\u00a0%)", "Gross margin (blank\u00a0=\u00a0100%)"),
            "pct",
            13,
            "share",
        ),
        Column("roas", ("ROAS", "ROAS"), "ratio", 10, computed=True),
        Column("roi", ("ROI", "ROI"), "pct1", 10, computed=True),
        Column("cac", ("CAC", "CAC"), "eur", 11, computed=True),
    )


#: The model class of each table's lines.
LINE_MODELS: dict[str, Any] = {
    "costs": CostLine,
    "benefits": BenefitLine,
    "kpis": Kpi,
    "channels": Channel,
}
