"""The Guide sheet: how to fill the workbook, what each result means, the conventions.

One paragraph a row of the first column, wrapped to the page; the sheet
prints one page wide, at full size (on two pages).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..cosmetics import wrap_rows
from ..headline import HEADLINES
from ..parts import Text
from ..sheet import Sheet

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ..layout import Layout

__all__ = ["SHEET", "french_typography"]

#: Where the guide lists the headline results, each with its help text.
RESULTS = ("results", "", "")

#: (style, French, English); one entry a row of column A.
GUIDE: tuple[tuple[str, str, str], ...] = (
    ("title", "ROI du CRM — mode d'emploi", "CRM ROI — how to use this workbook"),
    (
        "note",
        "Ce classeur calcule ce que rapporte un CRM : coûts, bénéfices, VAN, TRI, "
        "délai de récupération, ROAS, CLV, CAC et indicateurs avant / après.",
        "This workbook computes what a CRM returns: costs, benefits, NPV, IRR, payback, "
        "ROAS, CLV, CAC and KPIs before / after.",
    ),
    ("subtitle", "Comment le remplir", "How to fill it in"),
    (
        "label",
        "1. Hypothèses : nom, horizon (1 à 10 ans), taux d'actualisation, année 0, "
        "ajustement du risque, montée en charge de l'adoption.",
        "1. Assumptions: name, horizon (1 to 10 years), discount rate, year 0, "
        "risk adjustment, adoption ramp-up.",
    ),
    (
        "label",
        "2. Coûts : une ligne par coût, direct ou indirect, ponctuel (année 0) et/ou "
        "récurrent (montant par an, ou postes × prix par mois × 12, ou heures × coût horaire).",
        "2. Costs: one line per cost, direct or indirect, one-off (year 0) and/or recurring "
        "(amount per year, or seats × price per month × 12, or hours × hourly rate).",
    ),
    (
        "label",
        "3. Bénéfices : une ligne par bénéfice (ventes supplémentaires × valeur × marge, "
        "temps gagné, réduction des coûts...). Les bénéfices intangibles restent visibles "
        "mais hors ROI, sauf si vous les incluez.",
        "3. Benefits: one line per benefit (extra sales × value × margin, time saved, "
        "cost reduction...). Intangible benefits stay visible but out of the ROI unless "
        "you include them.",
    ),
    (
        "label",
        "4. KPI : la valeur de référence avant le CRM et la valeur après.",
        "4. KPIs: the baseline before the CRM and the value after.",
    ),
    (
        "label",
        "5. Canaux : dépenses, revenu attribué et nouveaux clients par canal ; économie "
        "client pour la CLV et le CAC.",
        "5. Channels: spend, attributed revenue and new customers per channel; customer "
        "economics for the CLV and the CAC.",
    ),
    (
        "label",
        "6. Synthèse : les résultats et les graphiques. Contrôles : tout doit être à OK ; "
        "les points à vérifier signalent une hypothèse qui flatte le ROI (ventes comptées "
        "à 100 % de marge).",
        "6. Summary: the results and charts. Checks: everything must read OK; the points "
        "to review flag an assumption that flatters the ROI (sales counted at 100 % margin).",
    ),
    (
        "label",
        "7. Sensibilité : donnez à chaque ligne une plage (colonnes Bas et Haut, en % du "
        "montant ; vide = 100 %). Le choix du cas (Pessimiste, Base, Optimiste) en haut de la "
        "feuille Sensibilité change tout le classeur ; les trois cas, le seuil de rentabilité et "
        "le tornado suivent toute saisie ; la simulation de Monte Carlo est calculée à l'export.",
        "7. Sensitivity: give each line a range (Low and High columns, as % of the amount; "
        "blank = 100 %). The case chosen (Pessimistic, Base, Optimistic) at the top of the "
        "Sensitivity sheet changes the whole workbook; the three cases, the break-even and the "
        "tornado follow any input; the Monte Carlo simulation is computed at export.",
    ),
    (
        "label",
        "8. Modifier un tableau : ajoutez une ligne dans les lignes libres en fin de tableau "
        "(ou copiez une ligne entière) ; pour en retirer une, effacez ses saisies sans "
        "supprimer la ligne ; triez les lignes entières ; une colonne de notes peut être "
        "insérée. Contrôles signale une ligne sans formules ou déplacée, une valeur tapée sur "
        "un calcul et toute saisie que crmroi refuserait.",
        "8. Editing a table: add a line in the spare rows at its end (or copy a whole line); "
        "to remove one, clear its inputs without deleting the row; sort whole lines; a notes "
        "column may be inserted. Checks flags a line without its formulas or moved, a value "
        "typed over a calculation and any input crmroi would refuse.",
    ),
    ("subtitle", "Conventions", "Conventions"),
    (
        "label",
        "Cellules jaunes à chiffres bleus = saisies ; cellules blanches = calculs ; cellules "
        "vertes = résultats ; fond rose = ligne ou contrôle à revoir (feuilles protégées sans "
        "mot de passe). Montants en {money} hors taxes, positifs ; un tiret signifie zéro.",
        "Yellow cells with blue figures = inputs; white cells = calculations; green cells = "
        "results; pink = a line or a check to review (sheets protected without a password). "
        "Amounts in {money} excluding VAT, positive; a dash means zero.",
    ),
    (
        "label",
        "Taux en pourcentage : 10 % s'écrit 10 % ou 0,1. L'année 0 est aujourd'hui "
        "(non actualisée) ; les flux récurrents tombent en années 1 à N ; les années "
        "au-delà de l'horizon sont grisées et valent zéro (vides sur la synthèse).",
        "Rates in percent: 10% is typed 10% or 0.1. Year 0 is today (not discounted); "
        "recurring flows fall in years 1 to N; years past the horizon are greyed out and "
        "count zero (blank on the summary).",
    ),
    (
        "label",
        "Ajustement du risque (méthode TEI de Forrester) : bénéfices réduits et coûts "
        "augmentés des pourcentages choisis.",
        "Risk adjustment (Forrester TEI style): benefits reduced and costs increased by "
        "the chosen percentages.",
    ),
    (
        "label",
        "Vue financière (facultative) : mois de mise en service et taux d'impôt sur les "
        "Hypothèses, ponctuel immobilisé et durée d'amortissement sur les Coûts ; la Synthèse "
        "montre alors l'EBITDA, l'EBIT, l'impôt et les flux après impôt.",
        "Finance view (optional): go-live month and tax rate on the Assumptions, one-off "
        "capitalised and depreciation years on the Costs; the Summary then shows EBITDA, "
        "EBIT, tax and the after-tax flows.",
    ),
    (
        "label",
        "#N/A signale un résultat non défini (par exemple aucun canal, donc pas de ROAS, "
        "ou un délai de récupération jamais atteint sur l'horizon).",
        "#N/A marks a result that is not defined (for instance no channel, so no ROAS, "
        "or a payback never reached within the horizon).",
    ),
    ("subtitle", "Les résultats", "The results"),
    RESULTS,  # one line per headline result, from crmroi_xl.excel.headline
    ("subtitle", "Deux versions du classeur", "Two versions of the workbook"),
    (
        "label",
        "Classeur exporté : formules Excel natives, fonctionne sans Python dans Excel, "
        "LibreOffice et Google Sheets.",
        "Exported workbook: native Excel formulas; works without Python in Excel, "
        "LibreOffice and Google Sheets.",
    ),
    (
        "label",
        "Modèle (template) : les résultats appellent les fonctions CRM_ROI, CRM_NPV, "
        "CRM_IRR... de udfs.py ; il faut xlwings (classique sous Windows, Lite ou Server) "
        "avec udfs.py chargé, sinon les cellules affichent #NAME?.",
        "Template: the results call the CRM_ROI, CRM_NPV, CRM_IRR... functions of "
        "udfs.py; they need xlwings (classic on Windows, Lite or Server) with udfs.py "
        "loaded, otherwise the cells show #NAME?.",
    ),
)


def french_typography(text: str) -> str:
    """No-break spaces where French typography wants them: before ``: ; ! ? %``, so a
    wrapped paragraph never starts a line with the sign.

    >>> french_typography("Taux : 10 %") == "Taux\u00a0: 10\u00a0%"
    True
    """
    return re.sub(r" ([:;!?%])", "\u00a0\\1", text)


def texts(layout: Layout) -> Iterator[Text]:
    """The guide's cells, one paragraph a row."""
    row = 1
    for style, french, english in _paragraphs():
        if style == "subtitle":
            row += 1
        text = layout.money_text((french_typography(french), english))
        yield Text("guide", f"{layout.guide_col}{row}", text, style)
        row += 1


def _paragraphs() -> Iterator[tuple[str, str, str]]:
    for entry in GUIDE:
        if entry is not RESULTS:
            yield entry
            continue
        for h in HEADLINES:
            if h.shown:
                yield "label", f"{h.title[0]} : {h.help[0]}.", f"{h.title[1]}: {h.help[1]}."


def looks(layout: Layout, ws: Worksheet, formats: dict[str, str]) -> None:
    ws.column_dimensions[layout.guide_col].width = 118
    wrap_rows(ws, layout.guide_col)
    ws.sheet_view.showGridLines = False


SHEET = Sheet("guide", "7F7F7F", texts, looks=looks)
