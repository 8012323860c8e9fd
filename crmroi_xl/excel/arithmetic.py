"""Formulas typed in an input cell: plain arithmetic is computed, anything else refused.

The rule, for a filled workbook and a flat sheet alike (README, "Limits and
safety"): a formula made only of numbers, ``+ - * / ^ %`` and parentheses
(``=12*50``, ``=(4000+500)*2``, ``=15%``) is computed here, with Excel's
rules, and the value the spreadsheet saved for it, when there is one, must
agree; any other formula -- a function, a reference to a cell or a name, a
link to another file -- is refused: its saved value could come from anywhere
(another workbook, a web service) and would silently change the scenario.

Excel's rules: numbers are written with a ``.`` (``=1,5*2`` is not a formula
Excel stores), ``1E3`` is a number; a sign binds tighter than ``%``, which
binds tighter than ``^``, then ``* /``, then ``+ -``; ``^`` is read from
left to right (``=-2^2`` is 4 and ``=2^3^2`` is 64, in Excel and LibreOffice
alike). Dividing by zero is ``#DIV/0!``; ``0^0``, a negative number to a
fractional power and an overflow are ``#NUM!``. The result is rounded to 15
significant digits, Excel's precision: ``=0.05*3`` is 0.15, as Excel shows it
(binary arithmetic alone gives 0.15000000000000002).

>>> evaluate("=12*50"), evaluate("=(4000+500)*2"), evaluate("=15%"), evaluate("=-2^2")
(600.0, 9000.0, 0.15, 4.0)
>>> evaluate("=SUM(A1:A3)")
Traceback (most recent call last):
crmroi_xl.excel.arithmetic.FormulaRefused: not arithmetic
>>> input_value("=1+1", 999_999)
Traceback (most recent call last):
crmroi_xl.excel.arithmetic.FormulaRefused: disagrees
>>> describe(FormulaRefused("not arithmetic", "=WEBSERVICE(\\"http://x\\")"), "en")
'formula =WEBSERVICE("http://x") in an input cell: only numbers, + - * / ^ % and parentheses are computed; type the value'
"""

from __future__ import annotations

import math
import re
from typing import Literal

__all__ = ["MAX_FORMULA_LENGTH", "FormulaRefused", "describe", "evaluate", "input_value"]

#: Excel's own limit on a formula's length.
MAX_FORMULA_LENGTH = 8192
MAX_DEPTH = 64  # nested parentheses or signs (Excel nests functions 64 deep)
SHOWN = 60  # characters of a formula echoed in a message

Reason = Literal["not arithmetic", "#DIV/0!", "#NUM!", "disagrees"]

_TOKEN = re.compile(
    r"\s*(?:([0-9]+\.?[0-9]*(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?)|(.))"
)


class FormulaRefused(ValueError):
    """A formula whose value is not taken: ``reason`` says why, ``formula`` is its text."""

    def __init__(
        self,
        reason: Reason,
        formula: str = "",
        computed: float | None = None,
        saved: object = None,
    ) -> None:
        super().__init__(reason)
        self.reason, self.formula, self.computed, self.saved = reason, formula, computed, saved


def _tokens(formula: str) -> list[float | str]:
    text = formula[1:] if formula.startswith("=") else formula
    if len(text) > MAX_FORMULA_LENGTH or not text.strip():
        raise FormulaRefused("not arithmetic", formula)
    out: list[float | str] = []
    for number, other in _TOKEN.findall(text.rstrip()):
        if number:
            out.append(float(number))
        elif other in "+-*/^%()":
            out.append(other)
        else:
            raise FormulaRefused("not arithmetic", formula)
    return out


class _Parser:
    """Recursive descent over the tokens, lowest precedence first."""

    def __init__(self, tokens: list[float | str], formula: str) -> None:
        self.tokens, self.formula, self.at, self.depth = tokens, formula, 0, 0

    def peek(self) -> float | str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> float | str | None:
        token = self.peek()
        self.at += 1
        return token

    def refuse(self) -> FormulaRefused:
        return FormulaRefused("not arithmetic", self.formula)

    def whole(self) -> float:
        value = self.sum()
        if self.peek() is not None:
            raise self.refuse()
        return value

    def sum(self) -> float:
        value = self.product()
        while self.peek() in ("+", "-"):
            operator = self.take()
            right = self.product()
            value = value + right if operator == "+" else value - right
        return value

    def product(self) -> float:
        value = self.power()
        while self.peek() in ("*", "/"):
            if self.take() == "*":
                value = value * self.power()
            else:
                divisor = self.power()
                if divisor == 0:
                    raise FormulaRefused("#DIV/0!", self.formula)
                value = value / divisor
        return value

    def power(self) -> float:
        value = self.percent()
        while self.peek() == "^":
            self.take()
            value = _power(value, self.percent(), self.formula)
        return value

    def percent(self) -> float:
        value = self.signed()
        while self.peek() == "%":
            self.take()
            value = value / 100
        return value

    def signed(self) -> float:
        token = self.peek()
        if token in ("+", "-"):
            self.take()
            self.nest()
            value = self.signed()
            self.depth -= 1
            return -value if token == "-" else value
        return self.atom()

    def atom(self) -> float:
        token = self.take()
        if isinstance(token, float):
            return token
        if token == "(":
            self.nest()
            value = self.sum()
            self.depth -= 1
            if self.take() == ")":
                return value
        raise self.refuse()

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.refuse()


def _power(base: float, exponent: float, formula: str) -> float:
    if base == 0 and exponent == 0:
        raise FormulaRefused("#NUM!", formula)
    if base == 0 and exponent < 0:
        raise FormulaRefused("#DIV/0!", formula)
    try:
        return math.pow(base, exponent)
    except (OverflowError, ValueError):  # too large; a negative base, fractional power
        raise FormulaRefused("#NUM!", formula) from None


def evaluate(formula: str) -> float:
    """The value of a plain-arithmetic formula (with or without its ``=``), as Excel
    computes it.

    Raises
    ------
    FormulaRefused
        ``"not arithmetic"`` for anything but numbers, ``+ - * / ^ %`` and
        parentheses; ``"#DIV/0!"`` or ``"#NUM!"`` when Excel would show that error.

    >>> evaluate("=2^3^2"), evaluate("= 1.5E3 / (1 - 25%)"), evaluate("=2^-1"), evaluate("=0.05*3")
    (64.0, 2000.0, 0.5, 0.15)
    >>> evaluate("=1/(2-2)")
    Traceback (most recent call last):
    crmroi_xl.excel.arithmetic.FormulaRefused: #DIV/0!
    """
    value = float(f"{_Parser(_tokens(formula), formula).whole():.15g}")
    if not math.isfinite(value):  # also what rounds past the largest double
        raise FormulaRefused("#NUM!", formula)
    return value


def input_value(formula: str, saved: object) -> float:
    """The value an input cell's formula stands for, by the rule of this module.

    ``saved`` is the value the spreadsheet saved for the formula (None when
    it saved none, e.g. a file written by a script). When there is one, it
    must agree with :func:`evaluate` (to 1e-9, relative) and is the value
    taken, as the spreadsheet shows it.

    >>> input_value("=4000*2+500", None), input_value("=0.1+0.2", 0.3)
    (8500.0, 0.3)
    """
    computed = evaluate(formula)
    if saved is None:
        return computed
    if (
        isinstance(saved, bool)
        or not isinstance(saved, int | float)
        or not math.isclose(computed, saved, rel_tol=1e-9, abs_tol=1e-9)
    ):
        raise FormulaRefused("disagrees", formula, computed, saved)
    return float(saved)


_WORDS = {
    "not arithmetic": (
        "formule {f} dans une cellule de saisie : seuls les nombres, + - * / ^ % et les "
        "parenthèses sont calculés ; saisissez la valeur",
        "formula {f} in an input cell: only numbers, + - * / ^ % and parentheses are "
        "computed; type the value",
    ),
    "#DIV/0!": ("la formule {f} donne #DIV/0!", "formula {f} gives #DIV/0!"),
    "#NUM!": ("la formule {f} donne #NUM!", "formula {f} gives #NUM!"),
    "disagrees": (
        "la formule {f} vaut {c} mais le fichier enregistre {s} : recalculez et enregistrez "
        "le classeur, ou saisissez la valeur",
        "formula {f} makes {c} but the file holds {s} for it: recalculate and save the "
        "workbook, or type the value",
    ),
}


def describe(refused: FormulaRefused, lang: str = "en", origin: str | None = None) -> str:
    """What is wrong, in French or English; ``origin`` is the cell a shared or array
    formula was typed in (the formula shown is the one typed there)."""
    formula = refused.formula
    if len(formula) > SHOWN:
        formula = formula[: SHOWN - 1] + "…"
    if origin:
        formula += f" ({'saisie en' if lang == 'fr' else 'typed in'} {origin})"
    french, english = _WORDS[refused.reason]
    return (french if lang == "fr" else english).format(
        f=formula, c=_shown(refused.computed), s=_shown(refused.saved)
    )


def _shown(value: object) -> str:
    """A number as a person reads it (``2``, ``0.15``), anything else as its repr, cut short."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value)
    return repr(value)[:SHOWN]
