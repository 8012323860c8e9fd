"""The workbook layout: ONE description shared by the template, the exporter and the reader.

Every sheet, input cell, table column, label (French and English), number
format and computed cell is described here, and nowhere else. A computed cell
carries two formulas -- ``native`` (functions Excel, LibreOffice and Google
Sheets all compute; used by the standalone exporter) and ``udf`` (the Excel
functions of ``udfs.py``; used by the template) -- and a semantic ``key`` from
which :mod:`crmroi_xl.expected` derives the engine's value of that cell.

Modelling rules (FAST standard): inputs on their own sheets in input style;
one formula per row along the years; no constants in formulas (the
timeline row and the named constants of the lists sheet); a checks sheet with
one master check shown on the summary.

The year columns are always years 0 to 10 (the longest horizon); years past
the scenario's horizon compute to 0, so a user can change the horizon in the
workbook itself.

>>> layout = Layout("fr")
>>> layout.sheet_name("costs"), layout.costs.cell("seats", 0), layout.costs.year_cell(2, 0)
('Coûts', 'F6', 'P6')
>>> layout.names["Out_ROI"]
('summary', '$B$4')
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from openpyxl.utils import get_column_letter, quote_sheetname

from .labels import Lang, label
from .model import INDIRECT_CATEGORIES, BenefitCategory, CostCategory, KpiKind

__all__ = [
    "SHEETS",
    "YEARS",
    "Capacity",
    "Column",
    "Formula",
    "Layout",
    "Table",
    "Text",
]

YEARS = tuple(range(11))  # year columns: 0 (today) to 10 (the longest horizon)
Mode = Literal["native", "udf"]
Bilingual = tuple[str, str]  # (French, English)

#: Sheet keys in workbook order, with their French and English names.
SHEETS: dict[str, Bilingual] = {
    "guide": ("Guide", "Guide"),
    "summary": ("Synthèse", "Summary"),
    "assumptions": ("Hypothèses", "Assumptions"),
    "costs": ("Coûts", "Costs"),
    "benefits": ("Bénéfices", "Benefits"),
    "kpis": ("KPI", "KPIs"),
    "channels": ("Canaux", "Channels"),
    "checks": ("Contrôles", "Checks"),
    "lists": ("Listes", "Lists"),
}


def _t(pair: Bilingual, lang: Lang) -> str:
    return pair[0] if lang == "fr" else pair[1]


@dataclass(frozen=True)
class Column:
    """A table column: an input (a model field) or a computed column."""

    key: str
    title: Bilingual
    fmt: str  # number-format key (see writer.NUMBER_FORMATS)
    width: float = 14
    kind: str = "amount"  # input kind: text, choice, amount, share, change, integer, yesno
    choices: str | None = None  # defined name of the validation list
    computed: bool = False


@dataclass(frozen=True)
class Table:
    """A table of lines (costs, benefits, KPIs, channels) at a fixed place of a sheet."""

    sheet: str
    header_row: int
    capacity: int
    columns: tuple[Column, ...]
    years_after: str | None = None  # key of the column the year columns follow

    @cached_property
    def _letters(self) -> dict[str, str]:
        letters = {c.key: get_column_letter(i + 1) for i, c in enumerate(self.columns)}
        if self.years_after is not None:
            start = list(letters).index(self.years_after) + 2
            for t in YEARS:
                letters[f"y{t}"] = get_column_letter(start + t)
            letters["check"] = get_column_letter(start + len(YEARS))
        return letters

    @property
    def first_row(self) -> int:
        return self.header_row + 1

    @property
    def last_row(self) -> int:
        return self.header_row + self.capacity

    @property
    def total_row(self) -> int:
        return self.last_row + 1

    def letter(self, key: str) -> str:
        """Column letter of a column key (``y0`` .. ``y10`` for the years)."""
        return self._letters[key]

    def row(self, index: int) -> int:
        return self.first_row + index

    def cell(self, key: str, index: int) -> str:
        """Address of line ``index`` (0-based) in column ``key``."""
        return f"{self.letter(key)}{self.row(index)}"

    def year_cell(self, t: int, index: int) -> str:
        return self.cell(f"y{t}", index)

    def span(self, key: str) -> str:
        """Absolute address of the whole column ``key`` over the table's lines."""
        col = self.letter(key)
        return f"${col}${self.first_row}:${col}${self.last_row}"

    @property
    def inputs(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.computed)

    @property
    def check_letter(self) -> str:
        return self._letters.get("check") or get_column_letter(len(self.columns) + 1)


@dataclass(frozen=True)
class Formula:
    """A computed cell: its two formulas and the key of its engine value."""

    sheet: str
    ref: str
    native: str
    key: tuple[object, ...]
    style: str = "calc"
    fmt: str = "eur"
    udf: str | None = None  # defaults to the native formula

    def text(self, mode: Mode) -> str:
        return self.udf if mode == "udf" and self.udf is not None else self.native


@dataclass(frozen=True)
class Text:
    """A constant cell: a label, a heading, a year index."""

    sheet: str
    ref: str
    value: str | float
    style: str = "label"
    fmt: str | None = None


@dataclass(frozen=True)
class Capacity:
    """Lines each table holds (a scenario with more lines gets a bigger table)."""

    costs: int = 25
    benefits: int = 20
    kpis: int = 15
    channels: int = 12

    @classmethod
    def for_counts(cls, costs: int, benefits: int, kpis: int, channels: int) -> Capacity:
        default = cls()
        return cls(
            max(default.costs, costs),
            max(default.benefits, benefits),
            max(default.kpis, kpis),
            max(default.channels, channels),
        )


# --- the assumptions sheet: one input per row, column B -----------------------------

#: (model field, defined name, row, title, number-format key, input kind)
ASSUMPTIONS: tuple[tuple[str, str, int, Bilingual, str, str], ...] = (
    ("name", "In_Name", 4, ("Nom du scénario", "Scenario name"), "text", "text"),
    ("currency", "In_Currency", 5, ("Devise (code ISO)", "Currency (ISO code)"), "text", "text"),
    ("horizon_years", "In_Horizon", 6, ("Horizon (années)", "Horizon (years)"), "int", "integer"),
    (
        "discount_rate",
        "In_DiscountRate",
        7,
        ("Taux d'actualisation annuel", "Yearly discount rate"),
        "pct",
        "share",
    ),
    (
        "start_year",
        "In_StartYear",
        8,
        ("Année 0 (investissement)", "Year 0 (investment)"),
        "year",
        "integer",
    ),
    ("language", "In_Language", 9, ("Langue (fr / en)", "Language (fr / en)"), "text", "choice"),
    (
        "benefit_risk",
        "In_BenefitRisk",
        10,
        ("Ajustement du risque : bénéfices réduits de", "Risk adjustment: benefits reduced by"),
        "pct",
        "share",
    ),
    (
        "cost_risk",
        "In_CostRisk",
        11,
        ("Ajustement du risque : coûts augmentés de", "Risk adjustment: costs increased by"),
        "pct",
        "share",
    ),
)
#: A spreadsheet-only input: where the spreadsheet's IRR (Newton's method) starts.
#: The exporter fills in the engine's IRR so Excel and LibreOffice converge where
#: their default start (10 %) fails; it is not part of the scenario.
IRR_GUESS_ROW = 12
IRR_GUESS_TITLE: Bilingual = (
    "Point de départ du calcul du TRI (facultatif)",
    "Starting point of the IRR calculation (optional)",
)
ADOPTION_ROW = 14  # inputs, years 1..10 in columns B..K
ADOPTION_CALC_ROW = 15  # effective share: blank = 100 %

# --- tables ----------------------------------------------------------------------------

YES_NO = "List_YesNo"


def _cost_columns() -> tuple[Column, ...]:
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
        Column("one_off", ("Ponctuel (année\u00a00)", "One-off (year\u00a00)"), "eur", 14),
        Column("amount_per_year", ("Montant par an", "Amount per year"), "eur", 14),
        Column("seats", ("Postes", "Seats"), "int", 9, "amount"),
        Column("price_per_seat_month", ("Prix / poste / mois", "Price / seat / month"), "eur2", 13),
        Column("hours_per_year", ("Heures par an", "Hours per year"), "int", 11, "amount"),
        Column("hourly_rate", ("Coût horaire", "Hourly rate"), "eur2", 11),
        Column("annual_increase", ("Hausse annuelle", "Yearly increase"), "pct", 11, "change"),
        Column(
            "years",
            (
                "Durée (ans, vide\u00a0=\u00a0horizon)",
                "Duration (years, blank\u00a0=\u00a0horizon)",
            ),
            "int",
            13,
            "integer",
        ),
        Column("nature_eff", ("Nature retenue", "Nature used"), "text", 12, computed=True),
        Column("base", ("Montant annuel de base", "Yearly base amount"), "eur", 14, computed=True),
    )


def _benefit_columns() -> tuple[Column, ...]:
    return (
        Column("label", ("Libellé", "Label"), "text", 38, "text"),
        Column(
            "category", ("Catégorie", "Category"), "text", 28, "choice", "List_BenefitCategories"
        ),
        Column("amount_per_year", ("Montant par an", "Amount per year"), "eur", 14),
        Column("extra_sales_per_month", ("Ventes suppl. / mois", "Extra sales / month"), "num", 12),
        Column(
            "average_deal_value", ("Valeur moyenne d'une vente", "Average deal value"), "eur2", 14
        ),
        Column(
            "gross_margin",
            ("Marge brute (vide\u00a0=\u00a0100\u00a0%)", "Gross margin (blank\u00a0=\u00a0100%)"),
            "pct",
            13,
            "share",
        ),
        Column("hours_saved_per_year", ("Heures gagnées / an", "Hours saved / year"), "int", 12),
        Column("hourly_rate", ("Coût horaire", "Hourly rate"), "eur2", 11),
        Column("annual_growth", ("Croissance annuelle", "Yearly growth"), "pct", 11, "change"),
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
        Column("counted", ("Compté (1/0)", "Counted (1/0)"), "int", 9, computed=True),
        Column("base", ("Montant annuel de base", "Yearly base amount"), "eur", 14, computed=True),
    )


def _kpi_columns() -> tuple[Column, ...]:
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


def _channel_columns() -> tuple[Column, ...]:
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


#: Customer economics, below the channels table: (field, defined name, title, format).
CUSTOMERS: tuple[tuple[str, str, Bilingual, str], ...] = (
    (
        "margin_per_customer",
        "In_Margin",
        ("Marge par client et par an", "Margin per customer per year"),
        "eur",
    ),
    (
        "retention_rate",
        "In_Retention",
        ("Taux de rétention annuel", "Yearly retention rate"),
        "pct",
    ),
    (
        "acquisition_spend",
        "In_AcqSpend",
        (
            "Dépenses d'acquisition / an (vide = total des canaux)",
            "Acquisition spend / year (blank = channel total)",
        ),
        "eur",
    ),
    (
        "new_customers",
        "In_NewCustomers",
        (
            "Nouveaux clients / an (vide = total des canaux)",
            "New customers / year (blank = channel total)",
        ),
        "int",
    ),
    (
        "clv_years",
        "In_ClvYears",
        (
            "Années comptées dans la CLV (vide = toute la vie)",
            "Years counted in the CLV (blank = whole lifetime)",
        ),
        "int",
    ),
)

#: Headline results on the summary sheet: (defined name, row, result key, format).
HEADLINE: tuple[tuple[str, int, str, str], ...] = (
    ("Out_ROI", 4, "roi", "pct1"),
    ("Out_ROI_PV", 5, "roi_pv", "pct1"),
    ("Out_NPV", 6, "npv", "eur"),
    ("Out_IRR", 7, "irr", "pct1"),
    ("Out_Payback", 8, "payback", "years"),
    ("Out_Payback_Months", 9, "payback_months", "months"),
    ("Out_Discounted_Payback", 10, "discounted_payback", "years"),
    ("Out_ROAS", 11, "roas", "ratio"),
    ("Out_CLV", 12, "clv", "eur"),
    ("Out_CAC", 13, "cac", "eur"),
    ("Out_CLV_CAC", 14, "clv_cac_ratio", "ratio"),
    ("Out_Total_Costs", 15, "total_costs", "eur"),
    ("Out_Total_Benefits", 16, "total_benefits", "eur"),
    ("Out_Net_Benefit", 17, "net_benefit", "eur"),
    ("Out_PV_Costs", 18, "pv_costs", "eur"),
    ("Out_PV_Benefits", 19, "pv_benefits", "eur"),
    ("Out_Check", 20, "check", "text"),
)
HEADLINE_EXTRA: dict[str, Bilingual] = {
    "total_costs": ("Total des coûts", "Total costs"),
    "total_benefits": ("Total des bénéfices comptés", "Total counted benefits"),
    "net_benefit": ("Bénéfice net", "Net benefit"),
    "pv_costs": ("Coûts actualisés", "Present value of costs"),
    "pv_benefits": ("Bénéfices actualisés", "Present value of benefits"),
    "check": ("Contrôle général", "Master check"),
}

#: Yearly rows of the summary sheet: key -> (row, title, format).
SUMMARY_T_ROW = 23
SUMMARY_ROWS: dict[str, tuple[int, Bilingual, str]] = {
    "t": (23, ("Année (t)", "Year (t)"), "int"),
    "calendar": (24, ("Année civile", "Calendar year"), "year"),
    "in_horizon": (25, ("Dans l'horizon (1/0)", "Within the horizon (1/0)"), "int"),
    "costs": (26, ("Coûts", "Costs"), "eur"),
    "direct_costs": (27, ("  dont coûts directs", "  of which direct costs"), "eur"),
    "indirect_costs": (28, ("  dont coûts indirects", "  of which indirect costs"), "eur"),
    "benefits": (29, ("Bénéfices comptés", "Counted benefits"), "eur"),
    "uncounted_benefits": (30, ("Bénéfices intangibles hors ROI", "Intangibles not in ROI"), "eur"),
    "net_flow": (31, ("Flux net", "Net flow"), "eur"),
    "cumulative_flow": (32, ("Flux net cumulé", "Cumulative net flow"), "eur"),
    "discount_factors": (33, ("Facteur d'actualisation", "Discount factor"), "factor"),
    "present_values": (34, ("Valeur actuelle", "Present value"), "eur"),
    "cumulative_present_values": (
        35,
        ("Valeur actuelle cumulée", "Cumulative present value"),
        "eur",
    ),
    "payback_points": (36, ("Point de récupération (années)", "Payback point (years)"), "years"),
    "discounted_payback_points": (
        37,
        ("Point de récupération actualisé", "Discounted payback point"),
        "years",
    ),
}
SUMMARY_FIRST_YEAR_COLUMN = 3  # C


@dataclass
class Layout:
    """The layout of one workbook language and table size."""

    lang: Lang = "fr"
    capacity: Capacity = field(default_factory=Capacity)

    # --- places -------------------------------------------------------------------
    def sheet_name(self, key: str) -> str:
        return _t(SHEETS[key], self.lang)

    def ref(self, sheet: str, address: str) -> str:
        """A reference to ``address`` on ``sheet`` from another sheet."""
        return f"{quote_sheetname(self.sheet_name(sheet))}!{address}"

    @cached_property
    def costs(self) -> Table:
        return Table("costs", 5, self.capacity.costs, _cost_columns(), years_after="base")

    @cached_property
    def benefits(self) -> Table:
        return Table("benefits", 5, self.capacity.benefits, _benefit_columns(), years_after="base")

    @cached_property
    def kpis(self) -> Table:
        return Table("kpis", 4, self.capacity.kpis, _kpi_columns())

    @cached_property
    def channels(self) -> Table:
        return Table("channels", 4, self.capacity.channels, _channel_columns())

    @property
    def customers_first_row(self) -> int:
        return self.channels.total_row + 3

    @property
    def customers_calc_row(self) -> int:
        return self.customers_first_row + len(CUSTOMERS) + 1

    def summary_col(self, t: int) -> str:
        return get_column_letter(SUMMARY_FIRST_YEAR_COLUMN + t)

    def summary_cell(self, row_key: str, t: int) -> str:
        return f"{self.summary_col(t)}{SUMMARY_ROWS[row_key][0]}"

    def summary_span(self, row_key: str, first: int = 0, last: int = YEARS[-1]) -> str:
        row = SUMMARY_ROWS[row_key][0]
        return f"${self.summary_col(first)}${row}:${self.summary_col(last)}${row}"

    @cached_property
    def names(self) -> dict[str, tuple[str, str]]:
        """Workbook-level defined names: name -> (sheet key, absolute address)."""
        names: dict[str, tuple[str, str]] = {}
        for _, name, row, *_ in ASSUMPTIONS:
            names[name] = ("assumptions", f"$B${row}")
        names["In_IrrGuess"] = ("assumptions", f"$B${IRR_GUESS_ROW}")
        names["In_Adoption"] = ("assumptions", f"$B${ADOPTION_ROW}:$K${ADOPTION_ROW}")
        names["Calc_Adoption"] = ("assumptions", f"$B${ADOPTION_CALC_ROW}:$K${ADOPTION_CALC_ROW}")
        for i, (_, name, *_) in enumerate(CUSTOMERS):
            names[name] = ("channels", f"$B${self.customers_first_row + i}")
        for name, row, *_ in HEADLINE:
            names[name] = ("summary", f"$B${row}")
        for list_name, (col, length) in LIST_COLUMNS.items():
            names[list_name] = ("lists", f"${col}$2:${col}${1 + length}")
        names["Tbl_KpiDefaults"] = ("lists", f"$F$2:$H${1 + len(KpiKind)}")
        for i, (name, _) in enumerate(CONSTANTS):
            names[name] = ("lists", f"$L${2 + i}")
        for table in (self.costs, self.benefits, self.kpis, self.channels):
            last = get_column_letter(len(table.columns))
            if table.years_after:
                last = table.letter(f"y{YEARS[-1]}")
            names[f"Tbl_{table.sheet.capitalize()}"] = (
                table.sheet,
                f"$A${table.first_row}:${last}${table.last_row}",
            )
        return names

    # --- what a user reads ------------------------------------------------------------
    def choices(self, list_name: str) -> list[str]:
        """The values of a validation list in this language."""
        return [label(key, self.lang) for key in LISTS[list_name]]

    def yes_no(self, value: bool) -> str:
        return label("yes" if value else "no", self.lang)

    # --- every cell ---------------------------------------------------------------------
    def texts(self) -> Iterator[Text]:
        """Every constant cell (titles, headings, column titles, timeline, lists)."""
        from .guide import guide_texts  # the long prose lives in its own module

        yield from guide_texts(self.lang)
        yield from self._assumption_texts()
        for table in (self.costs, self.benefits, self.kpis, self.channels):
            yield from self._table_texts(table)
        yield from self._customer_texts()
        yield from self._summary_texts()
        yield from self._check_texts()
        yield from self._list_texts()

    def formulas(self) -> Iterator[Formula]:
        """Every computed cell, with its native and UDF formulas."""
        from .formulas import all_formulas

        yield from all_formulas(self)

    # (texts) -----------------------------------------------------------------------
    def _title(self, sheet: str, title: Bilingual, note: Bilingual) -> Iterator[Text]:
        yield Text(sheet, "A1", _t(title, self.lang), "title")
        yield Text(sheet, "A2", _t(note, self.lang), "note")

    def _assumption_texts(self) -> Iterator[Text]:
        yield from self._title(
            "assumptions",
            ("Hypothèses générales", "General assumptions"),
            (
                "Saisissez les cellules jaunes. Taux en\u00a0% (10\u00a0% = 0,1).",
                "Fill in the yellow cells. Rates in % (10% = 0.1).",
            ),
        )
        for _, _, row, title, _, _ in ASSUMPTIONS:
            yield Text("assumptions", f"A{row}", _t(title, self.lang))
        yield Text("assumptions", f"A{IRR_GUESS_ROW}", _t(IRR_GUESS_TITLE, self.lang))
        yield Text(
            "assumptions",
            f"A{ADOPTION_ROW - 1}",
            _t(("Montée en charge (adoption)", "Adoption ramp-up"), self.lang),
            "subtitle",
        )
        for t in YEARS[1:]:
            yield Text(
                "assumptions",
                f"{get_column_letter(1 + t)}{ADOPTION_ROW - 1}",
                f"{_t(('Année', 'Year'), self.lang)} {t}",
                "header",
            )
        yield Text(
            "assumptions",
            f"A{ADOPTION_ROW}",
            _t(("Part des bénéfices atteinte", "Share of the benefits reached"), self.lang),
        )
        yield Text(
            "assumptions",
            f"A{ADOPTION_CALC_ROW}",
            _t(("Part retenue (vide = 100 %)", "Share used (blank = 100%)"), self.lang),
        )

    def _table_texts(self, table: Table) -> Iterator[Text]:
        titles: dict[str, tuple[Bilingual, Bilingual]] = {
            "costs": (
                ("Coûts du CRM", "CRM costs"),
                (
                    "Montants en euros hors taxes, positifs. Année 0 = ponctuel ; années 1 à N = "
                    "récurrent : montant par an, ou postes × prix × 12, ou heures × coût horaire.",
                    "Amounts in euros excluding VAT, positive. Year 0 = one-off; years 1 to N = "
                    "recurring: amount per year, or seats × price × 12, or hours × hourly rate.",
                ),
            ),
            "benefits": (
                ("Bénéfices du CRM", "CRM benefits"),
                (
                    "Montants en euros par an, à partir de l'année 1 : montant, ou ventes × 12 × "
                    "valeur × marge, ou heures × coût horaire ; × adoption × (1 − risque).",
                    "Amounts in euros a year from year 1: amount, or sales × 12 × value × margin, "
                    "or hours × hourly rate; × adoption × (1 − risk).",
                ),
            ),
            "kpis": (
                ("Indicateurs clés avant / après le CRM", "KPIs before / after the CRM"),
                (
                    "Pourcentages en % (5 % = 0,05). ▲ amélioration, ▼ dégradation.",
                    "Percentages in % (5% = 0.05). ▲ improvement, ▼ deterioration.",
                ),
            ),
            "channels": (
                (
                    "Canaux marketing et économie client",
                    "Marketing channels and customer economics",
                ),
                (
                    "Montants en euros par an. ROAS = revenu / dépenses ; ROI = (revenu × marge − "
                    "dépenses) / dépenses ; CAC = dépenses / nouveaux clients.",
                    "Amounts in euros a year. ROAS = revenue / spend; ROI = (revenue × margin − "
                    "spend) / spend; CAC = spend / new customers.",
                ),
            ),
        }
        title, note = titles[table.sheet]
        yield from self._title(table.sheet, title, note)
        for column in table.columns:
            style = "header_calc" if column.computed else "header"
            yield Text(
                table.sheet,
                f"{table.letter(column.key)}{table.header_row}",
                _t(column.title, self.lang),
                style,
            )
        if table.years_after:
            for t in YEARS:
                col = table.letter(f"y{t}")
                yield Text(table.sheet, f"{col}{table.header_row - 2}", t, "timeline", "int")
                yield Text(
                    table.sheet,
                    f"{col}{table.header_row}",
                    f"{_t(('Année', 'Year'), self.lang)} {t}",
                    "header_calc",
                )
            yield Text(
                table.sheet,
                f"{table.letter(f'y{YEARS[0]}')}{table.header_row - 3}",
                _t(("Échéancier (années)", "Timeline (years)"), self.lang),
                "note",
            )
        yield Text(
            table.sheet,
            f"{table.check_letter}{table.header_row}",
            _t(("Ligne à revoir (1)", "Line to check (1)"), self.lang),
            "header_calc",
        )
        totals: dict[str, list[Bilingual]] = {
            "costs": [
                ("Total des coûts", "Total costs"),
                ("dont coûts directs", "of which direct"),
                ("dont coûts indirects", "of which indirect"),
            ],
            "benefits": [
                ("Total des bénéfices comptés", "Total counted benefits"),
                ("Bénéfices intangibles hors ROI", "Intangibles not in ROI"),
            ],
            "channels": [("Total des canaux", "All channels")],
            "kpis": [],
        }
        for i, text in enumerate(totals[table.sheet]):
            yield Text(table.sheet, f"A{table.total_row + i}", _t(text, self.lang), "total_label")

    def _customer_texts(self) -> Iterator[Text]:
        first = self.customers_first_row
        yield Text(
            "channels",
            f"A{first - 1}",
            _t(("Économie client", "Customer economics"), self.lang),
            "subtitle",
        )
        for i, (_, _, title, _) in enumerate(CUSTOMERS):
            yield Text("channels", f"A{first + i}", _t(title, self.lang))
        for i, title in enumerate(CUSTOMER_CALC_TITLES):
            yield Text("channels", f"A{self.customers_calc_row + i}", _t(title, self.lang))

    def _summary_texts(self) -> Iterator[Text]:
        yield from self._title(
            "summary",
            ("Synthèse du ROI du CRM", "CRM ROI summary"),
            (
                "Résultats calculés à partir des feuilles de saisie ; #N/A = non défini "
                "(par exemple pas de canal marketing, donc pas de ROAS).",
                "Results computed from the input sheets; #N/A = not defined "
                "(for instance no marketing channel, so no ROAS).",
            ),
        )
        for _, row, key, _ in HEADLINE:
            title = HEADLINE_EXTRA.get(key)
            text = _t(title, self.lang) if title else label(key, self.lang)
            yield Text("summary", f"A{row}", text, "label")
            yield Text("summary", f"C{row}", _t(HEADLINE_HELP[key], self.lang), "note")
        yield Text(
            "summary",
            f"A{SUMMARY_T_ROW - 1}",
            _t(("Flux annuels", "Yearly flows"), self.lang),
            "subtitle",
        )
        for row, title, _ in SUMMARY_ROWS.values():
            yield Text("summary", f"A{row}", _t(title, self.lang), "label")
        for t in YEARS:
            yield Text("summary", self.summary_cell("t", t), t, "timeline", "int")
        yield Text("summary", "N8", 0, "hidden", "int")  # charts.PAYBACK_ZERO_CELL

    def _check_texts(self) -> Iterator[Text]:
        yield from self._title(
            "checks",
            ("Contrôles", "Checks"),
            (
                "1 = contrôle satisfait. Le contrôle général figure sur la synthèse.",
                "1 = check passed. The master check is shown on the summary.",
            ),
        )
        for column, title in zip("ABCD", CHECK_HEADERS, strict=True):
            yield Text("checks", f"{column}4", _t(title, self.lang), "header")
        for i, (_, title) in enumerate(CHECKS):
            yield Text("checks", f"A{5 + i}", _t(title, self.lang))
        yield Text(
            "checks",
            f"A{self.master_check_row}",
            _t(("Contrôle général", "Master check"), self.lang),
            "total_label",
        )

    @property
    def master_check_row(self) -> int:
        return 5 + len(CHECKS) + 1

    def _list_texts(self) -> Iterator[Text]:
        yield Text(
            "lists", "A1", _t(("Catégories de coûts", "Cost categories"), self.lang), "header"
        )
        for list_name, (col, _) in LIST_COLUMNS.items():
            yield Text("lists", f"{col}1", _t(LIST_TITLES[list_name], self.lang), "header")
            for i, value in enumerate(self.choices(list_name)):
                yield Text("lists", f"{col}{2 + i}", value, "list")
        yield Text("lists", "G1", _t(("Unité usuelle", "Usual unit"), self.lang), "header")
        yield Text(
            "lists", "H1", _t(("Plus haut = mieux", "Higher is better"), self.lang), "header"
        )
        from .model import KPI_DEFAULTS

        for i, kind in enumerate(KpiKind):
            unit, higher = KPI_DEFAULTS[kind]
            yield Text("lists", f"G{2 + i}", label(unit, self.lang), "list")
            yield Text("lists", f"H{2 + i}", self.yes_no(higher), "list")
        yield Text("lists", "K1", _t(("Constante", "Constant"), self.lang), "header")
        yield Text("lists", "L1", _t(("Valeur", "Value"), self.lang), "header")
        for i, (name, constant) in enumerate(CONSTANTS):
            yield Text("lists", f"K{2 + i}", name, "list")
            shown: str | float = (
                constant if isinstance(constant, (int, float)) else label(constant, self.lang)
            )
            yield Text("lists", f"L{2 + i}", shown, "list")


CUSTOMER_CALC_TITLES: tuple[Bilingual, ...] = (
    ("Dépenses d'acquisition retenues", "Acquisition spend used"),
    ("Nouveaux clients retenus", "New customers used"),
    ("Valeur vie client (CLV)", "Customer lifetime value (CLV)"),
    ("Coût d'acquisition client (CAC)", "Customer acquisition cost (CAC)"),
    ("Ratio CLV / CAC", "CLV:CAC ratio"),
)

HEADLINE_HELP: dict[str, Bilingual] = {
    "roi": (
        "(bénéfices − coûts) / coûts, sur l'horizon",
        "(benefits − costs) / costs over the horizon",
    ),
    "roi_pv": ("même calcul sur les valeurs actualisées", "the same on present values"),
    "npv": (
        "flux de l'année 0 + VAN des années 1 à N",
        "year-0 flow + NPV of years 1 to N",
    ),
    "irr": ("taux qui annule la VAN", "rate at which the NPV is zero"),
    "payback": ("années jusqu'au flux cumulé nul", "years until the cumulative flow reaches 0"),
    "payback_months": ("le même, en mois", "the same in months"),
    "discounted_payback": ("sur les flux actualisés", "on discounted flows"),
    "roas": ("revenu attribué / dépenses marketing", "attributed revenue / marketing spend"),
    "clv": (
        "marge actualisée d'un client sur sa vie",
        "discounted margin of a customer over its life",
    ),
    "cac": ("dépenses d'acquisition / nouveaux clients", "acquisition spend / new customers"),
    "clv_cac_ratio": ("3 ou plus est sain", "3 or more is healthy"),
    "total_costs": ("avec l'ajustement du risque", "risk-adjusted"),
    "total_benefits": ("hors intangibles non inclus", "excluding intangibles left out"),
    "net_benefit": ("bénéfices − coûts", "benefits − costs"),
    "pv_costs": ("au taux d'actualisation", "at the discount rate"),
    "pv_benefits": ("au taux d'actualisation", "at the discount rate"),
    "check": ("voir la feuille Contrôles", "see the Checks sheet"),
}

CHECK_HEADERS: tuple[Bilingual, ...] = (
    ("Contrôle", "Check"),
    ("Écart ou nombre d'anomalies", "Difference or number of problems"),
    ("Satisfait (1/0)", "Passed (1/0)"),
    ("Statut", "Status"),
)

#: (check key, title). Keys name the formulas in :mod:`crmroi_xl.formulas`.
CHECKS: tuple[tuple[str, Bilingual], ...] = (
    ("costs_reconcile", ("Coûts : synthèse = feuille des coûts", "Costs: summary = costs sheet")),
    (
        "benefits_reconcile",
        ("Bénéfices : synthèse = feuille des bénéfices", "Benefits: summary = benefits sheet"),
    ),
    ("nature_split", ("Coûts directs + indirects = total", "Direct + indirect costs = total")),
    ("npv_reconcile", ("VAN = somme des valeurs actuelles", "NPV = sum of present values")),
    (
        "cumulative_reconcile",
        ("Flux cumulé final = bénéfice net", "Final cumulative flow = net benefit"),
    ),
    ("name_given", ("Nom du scénario renseigné", "Scenario name given")),
    ("horizon_valid", ("Horizon entier de 1 à 10 ans", "Horizon a whole number from 1 to 10")),
    ("rate_valid", ("Taux d'actualisation entre 0 et 100 %", "Discount rate between 0 and 100%")),
    ("cost_lines", ("Lignes de coûts complètes", "Cost lines complete")),
    ("benefit_lines", ("Lignes de bénéfices complètes", "Benefit lines complete")),
    ("kpi_lines", ("Lignes d'indicateurs complètes", "KPI lines complete")),
    ("channel_lines", ("Lignes de canaux complètes", "Channel lines complete")),
    (
        "customers_complete",
        (
            "Économie client : marge et rétention ensemble",
            "Customer economics: margin and retention together",
        ),
    ),
)

#: Validation lists: name -> label keys (translated), in the lists sheet.
LISTS: dict[str, tuple[str, ...]] = {
    "List_CostCategories": tuple(c.value for c in CostCategory),
    "List_IndirectCategories": tuple(c.value for c in CostCategory if c in INDIRECT_CATEGORIES),
    "List_Natures": ("direct", "indirect"),
    "List_BenefitCategories": tuple(c.value for c in BenefitCategory),
    "List_YesNo": ("yes", "no"),
    "List_KpiKinds": tuple(k.value for k in KpiKind),
    "List_Units": ("percent", "days", "hours", "years", "currency", "count", "points"),
    "List_Languages": ("fr", "en"),
}
LIST_COLUMNS: dict[str, tuple[str, int]] = {
    "List_CostCategories": ("A", len(LISTS["List_CostCategories"])),
    "List_IndirectCategories": ("B", len(LISTS["List_IndirectCategories"])),
    "List_Natures": ("C", 2),
    "List_BenefitCategories": ("D", len(LISTS["List_BenefitCategories"])),
    "List_YesNo": ("E", 2),
    "List_KpiKinds": ("F", len(LISTS["List_KpiKinds"])),
    "List_Units": ("I", len(LISTS["List_Units"])),
    "List_Languages": ("J", 2),
}
LIST_TITLES: dict[str, Bilingual] = {
    "List_CostCategories": ("Catégories de coûts", "Cost categories"),
    "List_IndirectCategories": ("Coûts indirects par défaut", "Indirect by default"),
    "List_Natures": ("Natures", "Natures"),
    "List_BenefitCategories": ("Catégories de bénéfices", "Benefit categories"),
    "List_YesNo": ("Oui / non", "Yes / no"),
    "List_KpiKinds": ("Indicateurs", "KPIs"),
    "List_Units": ("Unités", "Units"),
    "List_Languages": ("Langues", "Languages"),
}
#: Named constants used by the formulas instead of literals (name, value or label key).
CONSTANTS: tuple[tuple[str, float | str], ...] = (
    ("MonthsPerYear", 12),
    ("Tolerance", 0.005),
    ("IrrDefaultGuess", 0.1),
    ("Lbl_Direct", "direct"),
    ("Lbl_Indirect", "indirect"),
    ("Lbl_Yes", "yes"),
    ("Lbl_No", "no"),
    ("Lbl_Intangible", "intangible"),
    ("Lbl_OK", "ok"),
    ("Lbl_Error", "error"),
)
