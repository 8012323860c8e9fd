"""What a currency looks like to a reader: its symbol, where it goes, its name.

The one place that knows currencies. The workbook's number formats, the sheets'
texts ("Amounts in US dollars") and the console report all ask it, so a
scenario in dollars never says euros anywhere.

Amounts are written as finance staff write them in each language: in French
the symbol follows the amount after a no-break space (``1 234 €``,
``1 234 $ US``, ``1 234 CHF``); in English a symbol precedes it (``€1,234``,
``$1,234``, ``£1,234``) and a letter code precedes it with a space
(``CHF 1,234``). A currency this module does not know shows its ISO code the
same way (``1 234 SEK`` / ``SEK 1,234``) and is named by its code.

>>> amount("1 234", "USD", "fr"), amount("1,234", "USD", "en")
('1 234\\xa0$\\xa0US', '$1,234')
>>> amount("1,234", "CHF", "en"), amount("1 234", "SEK", "fr")
('CHF\\xa01,234', '1 234\\xa0SEK')
>>> name("GBP", "fr"), name("GBP", "en"), name("SEK", "en")
('livres sterling', 'pounds sterling', 'SEK')
"""

from __future__ import annotations

from typing import NamedTuple

from .labels import Lang

__all__ = ["CURRENCIES", "Currency", "affixes", "amount", "name", "unit_symbol", "unit_symbols"]

NBSP = "\u00a0"


class Currency(NamedTuple):
    """How one currency is written."""

    unit: str  # the short symbol: a KPI's unit, the French suffix unless ``fr`` says
    en: str  # what precedes an English amount ("$"; a letter code takes a space)
    name_fr: str  # "Montants en ..."
    name_en: str  # "Amounts in ..."
    fr: str = ""  # what follows a French amount, when not the short symbol ("$ US")


#: The currencies written with their own symbol; any other ISO code shows as itself.
CURRENCIES: dict[str, Currency] = {
    "EUR": Currency("€", "€", "euros", "euros"),
    "USD": Currency("$", "$", "dollars US", "US dollars", fr=f"${NBSP}US"),
    "GBP": Currency("£", "£", "livres sterling", "pounds sterling"),
    "CHF": Currency("CHF", f"CHF{NBSP}", "francs suisses", "Swiss francs"),
    "CAD": Currency("$", "CA$", "dollars canadiens", "Canadian dollars", fr=f"${NBSP}CA"),
    "JPY": Currency("¥", "¥", "yens", "Japanese yen"),
}


def _known(code: str) -> Currency:
    return CURRENCIES.get(code) or Currency(code, f"{code}{NBSP}", code, code)


def affixes(code: str, lang: Lang, space: str = NBSP) -> tuple[str, str]:
    """What goes before and after an amount of ``code`` in ``lang`` (``space``: the
    no-break space to use, e.g. the console's narrow one).

    >>> affixes("EUR", "fr"), affixes("EUR", "en"), affixes("CHF", "en", " ")
    (('', '\\xa0€'), ('€', ''), ('CHF ', ''))
    """
    currency = _known(code)
    if lang == "fr":
        return "", space + (currency.fr or currency.unit).replace(NBSP, space)
    return currency.en.replace(NBSP, space), ""


def amount(digits: str, code: str, lang: Lang, space: str = NBSP) -> str:
    """``digits`` (an amount already written with its separators) in currency ``code``."""
    before, after = affixes(code, lang, space)
    return f"{before}{digits}{after}"


def name(code: str, lang: Lang) -> str:
    """The currency's name as a sentence uses it: "Montants en {name}", "Amounts in {name}"."""
    currency = _known(code)
    return currency.name_fr if lang == "fr" else currency.name_en


def unit_symbol(code: str) -> str | None:
    """The short symbol a KPI measured in money shows as its unit (``€``, ``$``, ``CHF``);
    None for a currency this module does not know (the unit is then named in words)."""
    currency = CURRENCIES.get(code)
    return None if currency is None else currency.unit


def unit_symbols() -> tuple[str, ...]:
    """Every known currency's short symbol (what a workbook may show as a money unit)."""
    return tuple(dict.fromkeys(c.unit for c in CURRENCIES.values()))
