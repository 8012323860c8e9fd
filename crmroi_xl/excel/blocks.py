"""The blocks the layout places, row by row: the assumptions' inputs, the customer
economics, the summary's yearly rows, the checks and the points to review, the
IRR search's columns, the lists and the named constants. What each row is, is
declared here; :class:`~crmroi_xl.excel.layout.Layout` turns them into addresses.

>>> ASSUMPTIONS[2].name, FIRST_ASSUMPTION_ROW
('In_Horizon', 4)
"""

from __future__ import annotations

from typing import NamedTuple

from ..scenario.drivers import BENEFIT_DRIVERS, kpi_drivers
from ..scenario.model import INDIRECT_CATEGORIES, BenefitCategory, CostCategory, KpiKind
from .parts import Bilingual

__all__ = [
    "ASSUMPTIONS",
    "ASSUMPTION_CHOICES",
    "CHECKS",
    "CHECK_COLUMNS",
    "CHECK_HEADER_ROW",
    "CONSTANTS",
    "CONSTANT_COLUMNS",
    "CUSTOMERS",
    "CUSTOMER_RESULTS",
    "FIRST_ASSUMPTION_ROW",
    "FIRST_HEADLINE_ROW",
    "HEADLINE_COLUMNS",
    "IRR_GRID_COLUMNS",
    "IRR_STEP_COLUMNS",
    "KPI_DEFAULT_COLUMNS",
    "KPI_LABELS",
    "LISTS",
    "LIST_COLUMNS",
    "OPTION_CHECK",
    "REFUSED_COLUMNS",
    "REFUSED_LETTERS",
    "SIMULATION_INPUTS",
    "SUMMARY_FIRST_YEAR_COLUMN",
    "SUMMARY_ROWS",
    "WARNINGS",
    "Assumption",
]


class Assumption(NamedTuple):
    """One input row of the assumptions sheet."""

    field: str  # of :class:`~crmroi_xl.scenario.model.Assumptions`
    name: str  # its defined name
    title: Bilingual
    fmt: str


#: The assumptions sheet: one input a row, from row 4, in column B.
ASSUMPTIONS: tuple[Assumption, ...] = (
    Assumption("name", "In_Name", ("Nom du scénario", "Scenario name"), "text"),
    Assumption("currency", "In_Currency", ("Devise (code ISO)", "Currency (ISO code)"), "text"),
    Assumption("horizon_years", "In_Horizon", ("Horizon (années)", "Horizon (years)"), "int"),
    Assumption(
        "discount_rate",
        "In_DiscountRate",
        ("Taux d'actualisation annuel", "Yearly discount rate"),
        "pct",
    ),
    Assumption(
        "start_year", "In_StartYear", ("Année 0 (investissement)", "Year 0 (investment)"), "year"
    ),
    Assumption("language", "In_Language", ("Langue (fr / en)", "Language (fr / en)"), "text"),
    Assumption(
        "benefit_risk",
        "In_BenefitRisk",
        ("Ajustement du risque : bénéfices réduits de", "Risk adjustment: benefits reduced by"),
        "pct",
    ),
    Assumption(
        "cost_risk",
        "In_CostRisk",
        ("Ajustement du risque : coûts augmentés de", "Risk adjustment: costs increased by"),
        "pct",
    ),
    Assumption(
        "go_live_month",
        "In_GoLiveMonth",
        ("Mois de mise en service (année 1, 1 à 12)", "Go-live month (year 1, 1 to 12)"),
        "int",
    ),
    Assumption(
        "tax_rate",
        "In_TaxRate",
        (
            "Taux d'impôt sur les sociétés (vide = avant impôt)",
            "Corporate tax rate (blank = pre-tax only)",
        ),
        "pct",
    ),
    # the tornado's ranges of the assumptions (blank = the default, see
    # crmroi_xl.engine.assumption_bars)
    Assumption(
        "discount_rate_low",
        "In_DiscountRateLow",
        (
            "Tornado : taux d'actualisation bas (vide = taux − 3 pts)",
            "Tornado: low discount rate (blank = rate − 3 pts)",
        ),
        "pct",
    ),
    Assumption(
        "discount_rate_high",
        "In_DiscountRateHigh",
        (
            "Tornado : taux d'actualisation haut (vide = taux + 3 pts)",
            "Tornado: high discount rate (blank = rate + 3 pts)",
        ),
        "pct",
    ),
    Assumption(
        "adoption_low",
        "In_AdoptionLow",
        (
            "Tornado : adoption lente, facteur (vide = 80 %)",
            "Tornado: slow adoption, factor (blank = 80%)",
        ),
        "pct",
    ),
    Assumption(
        "adoption_high",
        "In_AdoptionHigh",
        (
            "Tornado : adoption rapide, facteur (vide = 110 %, parts ≤ 100 %)",
            "Tornado: fast adoption, factor (blank = 110%, shares ≤ 100%)",
        ),
        "pct",
    ),
    Assumption(
        "benefit_risk_low",
        "In_BenefitRiskLow",
        (
            "Tornado : risque sur les bénéfices bas (vide = risque − 10 pts)",
            "Tornado: low benefit risk (blank = risk − 10 pts)",
        ),
        "pct",
    ),
    Assumption(
        "benefit_risk_high",
        "In_BenefitRiskHigh",
        (
            "Tornado : risque sur les bénéfices haut (vide = risque + 10 pts)",
            "Tornado: high benefit risk (blank = risk + 10 pts)",
        ),
        "pct",
    ),
)
FIRST_ASSUMPTION_ROW = 4
#: The simulation's inputs, below the adoption ramp-up: the runs the workbook holds
#: (``workbook_runs``: re-export to change it, the Simulation sheet has one row a run)
#: and the targets (``targets.FIELD``), blank = none.
SIMULATION_INPUTS: tuple[Assumption, ...] = (
    Assumption(
        "workbook_runs",
        "In_WorkbookRuns",
        (
            "Tirages de la simulation du classeur (100 à 5 000 ; réexporter pour changer)",
            "Runs of the workbook's simulation (100 to 5,000; re-export to change)",
        ),
        "int",
    ),
    Assumption(
        "targets.payback_months",
        "In_TargetPayback",
        (
            "Objectif : délai de récupération en mois au plus (vide = aucun)",
            "Target: payback within months (blank = none)",
        ),
        "num",
    ),
    Assumption(
        "targets.npv",
        "In_TargetNpv",
        ("Objectif : VAN d'au moins (vide = aucun)", "Target: NPV of at least (blank = none)"),
        "eur",
    ),
    Assumption(
        "targets.roi",
        "In_TargetRoi",
        ("Objectif : ROI d'au moins (vide = aucun)", "Target: ROI of at least (blank = none)"),
        "pct",
    ),
)
#: Choice lists of the assumptions that have one, and of the spreadsheet-only inputs.
ASSUMPTION_CHOICES = {
    "language": "List_Languages",
    "case": "List_Cases",
    "option": "List_Options",  # the option shown, in a workbook of options
    "baseline": "List_YesNo",  # an option is the baseline
}

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
#: The customer economics computed below the inputs, in order.
CUSTOMER_RESULTS: tuple[str, ...] = ("spend", "new", "clv", "cac", "clv_cac")

#: Yearly rows of the summary sheet: key -> (title, format), from the year-index row down.
SUMMARY_ROWS: dict[str, tuple[Bilingual, str]] = {
    "t": (("Année (t)", "Year (t)"), "int"),
    "calendar": (("Année civile", "Calendar year"), "year"),
    "costs": (("Coûts", "Costs"), "eur"),
    "direct_costs": (("  dont coûts directs", "  of which direct costs"), "eur"),
    "indirect_costs": (("  dont coûts indirects", "  of which indirect costs"), "eur"),
    "benefits": (("Bénéfices comptés", "Counted benefits"), "eur"),
    "uncounted_benefits": (("Bénéfices intangibles hors ROI", "Intangibles not in ROI"), "eur"),
    "net_flow": (("Flux net", "Net flow"), "eur"),
    "cumulative_flow": (("Flux net cumulé", "Cumulative net flow"), "eur"),
    "discount_factors": (("Facteur d'actualisation", "Discount factor"), "factor"),
    "present_values": (("Valeur actuelle", "Present value"), "eur"),
    "cumulative_present_values": (("Valeur actuelle cumulée", "Cumulative present value"), "eur"),
    "payback_points": (("Point de récupération (années)", "Payback point (years)"), "years"),
    "discounted_payback_points": (
        ("Point de récupération actualisé", "Discounted payback point"),
        "years",
    ),
    # the P&L and the after-tax flows (blank without a tax rate): see sheets/aftertax.py
    "capitalised": (("Ponctuels immobilisés (payés)", "Capitalised one-offs (paid)"), "eur"),
    "ebitda_impact": (("Impact sur l'EBE (EBITDA)", "EBITDA impact"), "eur"),
    "depreciation": (("Amortissements", "Depreciation"), "eur"),
    "ebit_impact": (("Impact sur le résultat d'exploitation", "EBIT impact"), "eur"),
    "tax": (("Impôt sur les sociétés", "Corporate tax"), "eur"),
    "net_income_impact": (("Impact sur le résultat net", "Net income impact"), "eur"),
    "after_tax_flow": (("Flux net après impôt", "After-tax net flow"), "eur"),
    "after_tax_cumulative": (("Flux après impôt cumulé", "Cumulative after-tax flow"), "eur"),
    "after_tax_pv": (("Valeur actuelle après impôt", "After-tax present value"), "eur"),
    "after_tax_points": (
        ("Point de récupération après impôt", "After-tax payback point"),
        "years",
    ),
}
FIRST_HEADLINE_ROW = 4  # under the headline block's header row
#: The headline block's columns: the result's title, its value, its help text.
HEADLINE_COLUMNS = {"label": "A", "value": "B", "help": "C"}
SUMMARY_FIRST_YEAR_COLUMN = 3  # C: the yearly block's year 0

#: (check key, title); the checks sheet has one a row, in this order.
#: A workbook of options checks, after the others, that ``In_Option`` names an option.
OPTION_CHECK: tuple[str, Bilingual] = (
    "option_shown",
    (
        "Option affichée (In_Option) : une option du bloc des options (vide : aucune option)",
        "Option shown (In_Option): an option of the options block (blank: no options)",
    ),
)
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
    # the guards against a user's edits and refused inputs (crmroi_xl/excel/sheets/guards.py)
    (
        "inputs_in_place",
        (
            "Entrées à leur place (noms définis intacts, adoption sur 10 années)",
            "Inputs in place (defined names intact, adoption over 10 years)",
        ),
    ),
    (
        "cost_rows",
        (
            "Coûts : chaque ligne a ses formules, une fois (ligne insérée, déplacée ?)",
            "Costs: every line has its formulas, once (a row inserted or moved?)",
        ),
    ),
    (
        "benefit_rows",
        (
            "Bénéfices : chaque ligne a ses formules, une fois (ligne insérée, déplacée ?)",
            "Benefits: every line has its formulas, once (a row inserted or moved?)",
        ),
    ),
    (
        "kpi_rows",
        (
            "KPI : chaque ligne a ses formules (ligne insérée ?)",
            "KPIs: every line has its formulas (a row inserted?)",
        ),
    ),
    (
        "channel_rows",
        (
            "Canaux : chaque ligne a ses formules (ligne insérée ?)",
            "Channels: every line has its formulas (a row inserted?)",
        ),
    ),
    (
        "computed_intact",
        (
            "Montants calculés des coûts et bénéfices intacts (aucune valeur saisie par-dessus)",
            "Computed amounts of costs and benefits intact (none typed over)",
        ),
    ),
    (
        "inputs_accepted",
        (
            "Entrées acceptées par crmroi (bornes du modèle, années dans l'horizon)",
            "Inputs crmroi accepts (the model's bounds, years within the horizon)",
        ),
    ),
)
#: Points to review, under the master check (they do not fail it): (key, label key).
WARNINGS: tuple[tuple[str, str], ...] = (
    ("full_margin", "full_margin_revenue"),
    ("kpi_worsens", "kpi_worsens"),
    ("irr_roots", "irr_roots"),
)
#: The IRR search under the points to review: the NPV's sign on a grid of rates (its
#: columns), then the halvings of the bracket nearest the 10 % guess (theirs).
IRR_GRID_COLUMNS = {"rate": "A", "sign": "B", "distance": "C"}
IRR_STEP_COLUMNS = {"step": "E", "low": "F", "high": "G", "middle": "H", "sign": "I"}
#: The checks sheet's columns: the check, its value, passed (1/0), its status.
CHECK_COLUMNS: dict[str, tuple[str, Bilingual]] = {
    "title": ("A", ("Contrôle", "Check")),
    "value": ("B", ("Écart ou nombre d'anomalies", "Difference or number of problems")),
    "passed": ("C", ("Satisfait (1/0)", "Passed (1/0)")),
    "status": ("D", ("Statut", "Status")),
}
CHECK_HEADER_ROW = 4
#: Right of the checks, from their header row: each kind of input crmroi refuses (what
#: it says, how many, what the status says from there down).
REFUSED_COLUMNS: dict[str, Bilingual] = {
    "what": ("Saisie que crmroi refuse", "Input crmroi refuses"),
    "count": ("Nombre", "Count"),
    "said": ("Message (de là vers le bas)", "Message (from here down)"),
}
REFUSED_LETTERS = {"what": "K", "count": "L", "said": "M"}

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
    "List_Cases": ("case_pessimistic", "case_base", "case_optimistic"),
    "List_ChurnModes": ("cumulative", "yearly"),
}
#: The lists sheet: each list's column, and the title of its header.
LIST_COLUMNS: dict[str, tuple[str, Bilingual]] = {
    "List_CostCategories": ("A", ("Catégories de coûts", "Cost categories")),
    "List_IndirectCategories": ("B", ("Coûts indirects par défaut", "Indirect by default")),
    "List_Natures": ("C", ("Natures", "Natures")),
    "List_BenefitCategories": ("D", ("Catégories de bénéfices", "Benefit categories")),
    "List_YesNo": ("E", ("Oui / non", "Yes / no")),
    "List_KpiKinds": ("F", ("Indicateurs", "KPIs")),
    "List_Units": ("I", ("Unités", "Units")),
    "List_Languages": ("J", ("Langues", "Languages")),
    "List_Cases": ("M", ("Cas", "Cases")),
    "List_ChurnModes": ("N", ("Clients gardés (attrition)", "Customers kept (churn)")),
}
#: The KPI defaults beside the KPI list (its kind in column F): unit, higher is better.
KPI_DEFAULT_COLUMNS: dict[str, tuple[str, Bilingual]] = {
    "unit": ("G", ("Unité usuelle", "Usual unit")),
    "higher": ("H", ("Plus haut = mieux", "Higher is better")),
}
CONSTANT_COLUMNS: dict[str, tuple[str, Bilingual]] = {
    "name": ("K", ("Constante", "Constant")),
    "value": ("L", ("Valeur", "Value")),
}
#: Named constants used by the formulas instead of literals (name, value or label key).
#: The KPIs benefit drivers read, and the named constant holding each one's label.
KPI_LABELS: dict[str, str] = {
    kind: "Lbl_Kpi_" + "".join(part.title() for part in kind.split("_"))
    for kind in kpi_drivers(BENEFIT_DRIVERS).values()
}
CONSTANTS: tuple[tuple[str, float | str], ...] = (
    ("MonthsPerYear", 12),
    ("Tolerance", 0.005),
    ("IrrDefaultGuess", 0.1),
    ("PointsPerFraction", 100),
    ("Lbl_Percent", "percent"),
    ("Lbl_Direct", "direct"),
    ("Lbl_Indirect", "indirect"),
    ("Lbl_Yes", "yes"),
    ("Lbl_No", "no"),
    ("Lbl_Intangible", "intangible"),
    ("Lbl_Yearly", "yearly"),
    ("Lbl_Licences", "licences"),
    ("Lbl_Support", "support"),
    ("Lbl_OK", "ok"),
    ("Lbl_Error", "error"),
    ("Lbl_Review", "review"),
    ("Lbl_Cost", "cost"),
    ("Lbl_Benefit", "benefit"),
    *((name, kind) for kind, name in KPI_LABELS.items()),
)
