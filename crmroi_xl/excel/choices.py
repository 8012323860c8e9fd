"""What a drop-down's text means: a label of a workbook list, in either language, to its code.

The workbook's drop-downs (``LISTS`` of :mod:`crmroi_xl.excel.layout`) show
labels (``Formation``, ``Gain de temps``, ``Oui``); the scenario holds codes
(``training``, ``time_saved``, true). One mapping serves every reader of such
text -- the workbook reader (:mod:`crmroi_xl.excel.reader`) and the flat
format (:mod:`crmroi_xl.io.flat`), so a label typed in a CSV reads as it does
in the workbook: a list's code or its label in French or English, ignoring
case and the spaces around it (accents count: ``Reduction des couts`` is not
``Réduction des coûts``); a money unit may also be its currency's symbol.

>>> choice_code(("licences", "training"), " FORMATION "), choice_code(("direct",), "Direct")
('training', 'direct')
>>> choice_code(("licences", "training"), "Formations") is None, yes_no("oui"), yes_no("No")
(True, True, False)
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from ..scenario.currency import unit_symbols
from ..scenario.labels import LABELS, label

__all__ = ["YES_NO", "accepted", "choice_code", "yes_no"]

#: The yes/no drop-down's labels in both languages, and what scripts and spreadsheets
#: write for them (``true``, ``vrai``, ``1`` ...), casefolded -> the answer.
YES_NO: dict[str, bool] = {
    **{label("yes", lang).casefold(): True for lang in ("fr", "en")},
    **dict.fromkeys(("true", "vrai", "1"), True),
    **{label("no", lang).casefold(): False for lang in ("fr", "en")},
    **dict.fromkeys(("false", "faux", "0"), False),
}


@cache
def accepted(choices: tuple[str, ...]) -> dict[str, str]:
    """Accepted text (a code, or its label in either language), casefolded -> code."""
    found: dict[str, str] = {}
    for code in choices:
        found[code.casefold()] = code
        symbols = unit_symbols() if code == "currency" else ()  # €, $, CHF ...
        for text in (*LABELS.get(code, (code, code)), *symbols):
            found.setdefault(text.casefold(), code)
    return found


def choice_code(choices: Sequence[str], text: str) -> str | None:
    """The code of ``choices`` that ``text`` names, or None when it names none."""
    return accepted(tuple(choices)).get(text.strip().casefold())


def yes_no(text: str) -> bool | None:
    """True for yes / oui / true / vrai / 1, False for no / non / false / faux / 0 (any case),
    None otherwise."""
    return YES_NO.get(text.strip().casefold())
