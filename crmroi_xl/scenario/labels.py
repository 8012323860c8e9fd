"""French and English labels: one place for every word a user reads.

French is the default language (the source method is French).

>>> label("licences", "fr"), label("licences", "en")
('Licences et abonnements', 'Licences and subscriptions')
"""

from __future__ import annotations

from typing import Literal

__all__ = ["LABELS", "Lang", "label"]

Lang = Literal["fr", "en"]

#: key -> (French, English)
LABELS: dict[str, tuple[str, str]] = {
    # cost categories
    "licences": ("Licences et abonnements", "Licences and subscriptions"),
    "implementation": ("Mise en œuvre et intégration", "Implementation and integration"),
    "training": ("Formation", "Training"),
    "customisation": ("Personnalisation", "Customisation"),
    "support": ("Support et maintenance", "Support and maintenance"),
    "internal_staff": ("Temps du personnel interne", "Internal staff time"),
    "productivity_loss": ("Perte de productivité (démarrage)", "Productivity loss (ramp-up)"),
    "data_migration": ("Migration des données", "Data migration"),
    "infrastructure": ("Matériel et infrastructure", "Hardware and infrastructure"),
    "other": ("Autre", "Other"),
    # cost nature and drivers
    "direct": ("Direct", "Direct"),
    "indirect": ("Indirect", "Indirect"),
    # benefit categories
    "incremental_revenue": ("Revenus supplémentaires", "Incremental revenue"),
    "cost_reduction": ("Réduction des coûts", "Cost reduction"),
    "time_saved": ("Gain de temps", "Time saved"),
    "retention": ("Meilleure rétention", "Retention uplift"),
    "marketing_waste": ("Gaspillage marketing évité", "Marketing waste avoided"),
    "productivity": ("Productivité", "Productivity"),
    "intangible": ("Bénéfice intangible", "Intangible benefit"),
    # KPIs
    "lead_conversion_rate": ("Taux de conversion des leads", "Lead conversion rate"),
    "win_rate": ("Taux de réussite des opportunités", "Win rate"),
    "retention_rate": ("Taux de rétention client", "Customer retention rate"),
    "churn_rate": ("Taux d'attrition (churn)", "Churn rate"),
    "customer_lifetime": ("Durée de vie moyenne du client", "Average customer lifetime"),
    "response_rate": ("Taux de réponse", "Response rate"),
    "resolution_time": ("Durée moyenne de résolution", "Average resolution time"),
    "sales_cycle": ("Durée du cycle de vente", "Sales cycle length"),
    "average_deal_value": ("Valeur moyenne des transactions", "Average deal value"),
    "open_opportunities": ("Opportunités en cours", "Open opportunities"),
    "pipeline_velocity": ("Vélocité du pipeline", "Pipeline velocity"),
    "nps": ("Net Promoter Score (NPS)", "Net Promoter Score (NPS)"),
    "csat": ("Satisfaction client (CSAT)", "Customer satisfaction (CSAT)"),
    "admin_time": ("Temps administratif par commercial", "Admin time per rep"),
    "revenue_per_rep": ("Revenu moyen par commercial", "Revenue per rep"),
    "custom": ("Indicateur personnalisé", "Custom KPI"),
    # units
    "percent": ("%", "%"),
    "days": ("jours", "days"),
    "hours": ("heures", "hours"),
    "years": ("ans", "years"),
    "currency": ("devise", "currency"),  # a workbook shows its currency's symbol
    "count": ("nombre", "count"),
    "points": ("points", "points"),
    # headline metrics
    "roi": ("ROI", "ROI"),
    "roi_pv": ("ROI actualisé", "ROI on present values"),
    "roas": ("ROAS", "ROAS"),
    "npv": ("VAN", "NPV"),
    "irr": ("TRI", "IRR"),
    "payback": ("Délai de récupération", "Payback"),
    "payback_months": ("Délai de récupération (mois)", "Payback (months)"),
    "discounted_payback": ("Délai de récupération actualisé", "Discounted payback"),
    "clv": ("Valeur vie client (CLV)", "Customer lifetime value (CLV)"),
    "cac": ("Coût d'acquisition client (CAC)", "Customer acquisition cost (CAC)"),
    "clv_cac_ratio": ("Ratio CLV / CAC", "CLV:CAC ratio"),
    # answers and statuses in the workbooks
    "cumulative": ("Cumulés", "Cumulative"),
    "yearly": ("Sur l'année", "One year"),
    "yes": ("Oui", "Yes"),
    "no": ("Non", "No"),
    "ok": ("OK", "OK"),
    "error": ("ERREUR", "ERROR"),
    "review": ("À VÉRIFIER", "REVIEW"),
    "full_margin_revenue": (
        "Revenus comptés à 100 % de marge (ventes sans marge brute)",
        "Revenue counted at 100 % margin (extra sales with no gross margin)",
    ),
    "kpi_worsens": (
        "Bénéfice négatif : l'indicateur dont il dépend se dégrade",
        "Negative benefit: the KPI it depends on worsens",
    ),
    "irr_roots": (
        "Plusieurs TRI : la VAN change de signe plus d'une fois (se fier à la VAN)",
        "Several IRRs: the NPV changes sign more than once (rely on the NPV)",
    ),
    # yearly rows
    "year": ("Année", "Year"),
    "costs": ("Coûts", "Costs"),
    "benefits": ("Bénéfices", "Benefits"),
    "uncounted_benefits": ("Bénéfices intangibles hors ROI", "Intangibles not in ROI"),
    "net_flow": ("Flux net", "Net flow"),
    "cumulative_flow": ("Flux net cumulé", "Cumulative net flow"),
    "present_values": ("Valeur actuelle", "Present value"),
    "discount_factor": ("Facteur d'actualisation", "Discount factor"),
    "present_values_at": ("Valeurs actualisées à", "Present values at"),
    "points_unit": ("pts", "pts"),
    "cumulative_present_values": ("Valeur actuelle cumulée", "Cumulative present value"),
    "total": ("Total", "Total"),
    # KPI and channel tables
    "kpi": ("Indicateur", "KPI"),
    "before": ("Avant", "Before"),
    "after": ("Après", "After"),
    "change": ("Évolution", "Change"),
    "channel": ("Canal", "Channel"),
    "spend": ("Dépenses", "Spend"),
    "attributed_revenue": ("Revenu attribué", "Attributed revenue"),
    "new_customers": ("Nouveaux clients", "New customers"),
    "headline": ("Résultats", "Results"),
    "yearly_flows": ("Flux annuels", "Yearly flows"),
    "channels": ("Canaux marketing", "Marketing channels"),
    "kpis": ("Indicateurs avant / après", "KPIs before / after"),
    "not_defined": ("non défini", "not defined"),
    "years_unit": ("ans", "years"),
    "payback_from_go_live": (
        "Délai depuis la mise en service",
        "Payback from go-live",
    ),
    "months_unit": ("mois", "months"),
    # why a metric is not defined: the reason codes of the engine (Results.reasons)
    "no_channel": ("aucun canal marketing", "no marketing channel"),
    "no_customers": ("économie client non renseignée", "no customer economics given"),
    "no_acquisition": (
        "dépenses d'acquisition ou nouveaux clients non renseignés",
        "no acquisition spend and new customers given",
    ),
    "needs_clv_cac": ("nécessite la CLV et le CAC", "needs both CLV and CAC"),
    "zero_costs": ("coûts nuls : ratio non défini", "no costs: the ratio is undefined"),
    "zero_spend": (
        "dépenses marketing nulles : ratio non défini",
        "no ad spend: the ratio is undefined",
    ),
    "zero_customers": (
        "aucun nouveau client : coût par client non défini",
        "no new customer: the cost per customer is undefined",
    ),
    "zero_cac": ("CAC nul : ratio non défini", "a CAC of zero: the ratio is undefined"),
    "zero_denominator": ("division par zéro", "division by zero"),
    "irr_one_sign": (
        "il faut au moins un flux positif et un flux négatif",
        "needs at least one positive and one negative flow",
    ),
    "irr_no_root": ("aucun taux n'annule la VAN", "no rate makes the NPV zero"),
    "no_solution": ("pas de solution", "no solution"),
    "never_paid_back": ("jamais atteint sur l'horizon", "never reached within the horizon"),
    "clv_infinite": (
        "infinie : la rétention dépasse l'actualisation",
        "infinite: retention outweighs discounting",
    ),
    "too_large": ("trop grand pour être représenté", "too large to represent"),
    "invalid": ("entrée non valable", "invalid input"),
    # sensitivity (how sure are we): cases, tornado, break-even, Monte Carlo
    "case_pessimistic": ("Pessimiste", "Pessimistic"),
    "case_base": ("Base", "Base"),
    "case_optimistic": ("Optimiste", "Optimistic"),
    "cost": ("Coût", "Cost"),
    "benefit": ("Bénéfice", "Benefit"),
    "assumption": ("Hypothèse", "Assumption"),
    "tornado_discount_rate": ("Taux d'actualisation", "Discount rate"),
    "tornado_adoption": ("Rythme d'adoption (montée en charge)", "Adoption ramp-up"),
    "tornado_benefit_risk": ("Risque sur les bénéfices", "Benefit risk"),
    "sensitivity_cases": (
        "Cas : toutes les lignes au bas / au haut, base, et P10 / P90 de la simulation",
        "Cases: all lines at their low / high, base, and the simulation's P10 / P90",
    ),
    "case_p10": ("P10 (9 chances sur 10 de faire mieux)", "P10 (9 chances in 10 of better)"),
    "case_p90": ("P90 (1 chance sur 10 de faire mieux)", "P90 (1 chance in 10 of better)"),
    "case_p10_means": (
        "Le 10e centile de chaque résultat dans la simulation (délai : le 90e) : un risque "
        "à la baisse qu'on peut citer, 1 chance sur 10 de faire moins bien.",
        "Each result's 10th percentile in the simulation (payback: its 90th): a downside "
        "to quote, 1 chance in 10 of doing worse.",
    ),
    "case_p90_means": (
        "Le 90e centile de chaque résultat dans la simulation (délai : le 10e) : 1 chance "
        "sur 10 de faire mieux.",
        "Each result's 90th percentile in the simulation (payback: its 10th): 1 chance in 10 "
        "of doing better.",
    ),
    "sensitivity_case": ("Cas", "Case"),
    "sensitivity_tornado": ("Ce qui pèse le plus sur la VAN", "What moves the NPV most"),
    "sensitivity_line": ("Ligne", "Line"),
    "sensitivity_range": ("Plage", "Range"),
    "sensitivity_npv_low": ("VAN au bas", "NPV at low"),
    "sensitivity_npv_high": ("VAN au haut", "NPV at high"),
    "sensitivity_swing": ("Écart", "Swing"),
    "sensitivity_no_range": (
        "Aucune ligne n'a de plage (low / high) : les trois cas sont le cas de base.",
        "No line has a range (low / high): the three cases are the base case.",
    ),
    "breakeven_benefits": (
        "VAN nulle avec les bénéfices à {} de la base",
        "NPV is zero with the benefits at {} of base",
    ),
    "breakeven_costs": (
        "VAN nulle avec les coûts à {} de la base",
        "NPV is zero with the costs at {} of base",
    ),
    "simulation": ("Simulation de Monte Carlo", "Monte Carlo simulation"),
    "simulation_setup": ("{} tirages, graine {}, loi {}", "{} runs, seed {}, {} distribution"),
    "pert": ("PERT", "PERT"),
    "triangular": ("triangulaire", "triangular"),
    "uniform": ("uniforme", "uniform"),
    "simulation_statistic": ("Statistique", "Statistic"),
    "simulation_mean": ("Moyenne", "Mean"),
    "simulation_std": ("Écart-type", "Std deviation"),
    "simulation_p5": ("P5", "P5"),
    "simulation_p10": ("P10", "P10"),
    "simulation_p50": ("P50 (médiane)", "P50 (median)"),
    "simulation_p90": ("P90", "P90"),
    "simulation_p95": ("P95", "P95"),
    "simulation_undefined_share": ("Tirages sans valeur", "Runs without a value"),
    "simulation_probability": ("Probabilités", "Probabilities"),
    "npv_positive": ("VAN > 0", "NPV > 0"),
    "roi_positive": ("ROI > 0", "ROI > 0"),
    "payback_within_horizon": ("Récupération sur l'horizon", "Payback within the horizon"),
    "payback_target": ("Récupération en {} mois au plus", "Payback within {} months"),
    "npv_target": ("VAN d'au moins {}", "NPV of at least {}"),
    "roi_target": ("ROI d'au moins {}", "ROI of at least {}"),
    "targets": (
        "Chances d'atteindre les objectifs ({} tirages)",
        "Chances of reaching the targets ({} runs)",
    ),
    "targets_means": (
        "Part des tirages de la simulation du classeur qui atteignent l'objectif.",
        "Share of the workbook simulation's runs that reach the target.",
    ),
    "simulation_histogram": ("Répartition de la VAN (tirages)", "NPV distribution (runs)"),
    # where a scenario is in a batch's input (the portfolio summary's Source column)
    "place_row": ("ligne {}", "row {}"),
    "place_line": ("ligne {}", "line {}"),
    "place_index": ("indice {}", "index {}"),
}


def label(key: str, lang: Lang = "fr") -> str:
    """The label of ``key`` in ``lang``; the key itself when it has none."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "fr" else pair[1]
