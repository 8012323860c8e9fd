"""What an input cell of a workbook expects, in words: the reader's messages about a
typed value, and the Checks sheet's (one wording, two places; no lxml, so the fast
exporter can value the checks without the reader).

>>> MESSAGES["amount"]
('montant attendu', 'an amount expected')
"""

from __future__ import annotations

__all__ = ["MESSAGES"]

#: The words for what a cell expects or what it holds, by key: (French, English).
MESSAGES: dict[str, tuple[str, str]] = {
    "amount": ("montant attendu", "an amount expected"),
    "number": ("nombre attendu", "a number expected"),
    "share": ("pourcentage attendu (10 % ou 0,1)", "a percentage expected (10% or 0.1)"),
    "integer": ("nombre entier attendu", "a whole number expected"),
    "text": ("texte attendu", "text expected"),
    "choice": ("valeur de la liste attendue", "a value from the list expected"),
    "yesno": ("Oui ou Non attendu", "Yes or No expected"),
    "found": ("trouvé", "got"),
    "date": ("une date", "a date"),
    "error": ("l'erreur", "the error"),
    "required": ("obligatoire, vide", "required, empty"),
    "orphan": (
        "valeur saisie sur une ligne sans libellé",
        "value typed on a line without a label",
    ),
}
