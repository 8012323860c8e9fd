"""Numbers as people type them: one rule for every way a scenario comes in.

A scenario file (JSON, YAML) and a flat row (CSV, xlsx) accept the same
spellings of a number, read by :func:`parse_number`:

* spaces between thousands (plain, no-break or narrow no-break): ``12 000``;
* a trailing ``%``: ``10 %`` is ``0.1``;
* a decimal comma only where the file says the comma is not a separator:
  in semicolon- or tab-separated CSV files and in workbooks
  (``decimal_comma=True``); in JSON, YAML and comma-separated files ``1,5``
  is ambiguous (one and a half, or fifteen?) and stays text, so it is refused;
* where the comma is the decimal mark, a dot followed by three digits
  (``1.234``, :func:`ambiguous_dot`) is ambiguous too: German, Italian, Spanish
  and Dutch Excel write one thousand two hundred and thirty-four so, a script
  one point two three four. It stays text, and the flat reader refuses it saying
  how to write it (``1234`` or ``1 234``; ``1,234``). A dot that cannot group
  thousands (``1.5``, ``0.234``, ``1.2345``) is a decimal point.

Standard library only: the model, the flat format and the readers share it.
:data:`NUMBER_TEXT` says the same to a JSON Schema (``crmroi schema``), so an
editor accepts ``12 000`` where the scenario takes a number.

>>> parse_number("12 000"), parse_number("10 %"), parse_number("1 000,5", decimal_comma=True)
(12000, 0.1, 1000.5)
>>> parse_number("1,5"), parse_number("dix")
('1,5', 'dix')
>>> import re
>>> [bool(re.match(NUMBER_TEXT, t)) for t in ("12 000", "10 %", "-0.5", "1e3", "1,5", "dix")]
[True, True, True, True, False, False]
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

__all__ = ["NUMBER_TEXT", "Ambiguous", "ambiguous_dot", "parse_number"]

#: A number typed as text in a scenario file, as a regular expression that both Python and
#: ECMA-262 (the JSON Schema's dialect, which editors use) read: a sign, digits (spaces
#: between them), a decimal point, an exponent, a trailing ``%``. Decimal commas are left
#: out, as :func:`parse_number` leaves them out of JSON and YAML files.
_SPACES_RE = r"[ \u00a0\u202f]*"  # the spaces parse_number takes out, anywhere
_DIGITS_RE = r"\d[\d \u00a0\u202f]*"
NUMBER_TEXT = (
    rf"^\s*[+-]?{_SPACES_RE}({_DIGITS_RE}(\.[\d \u00a0\u202f]*)?|\.{_SPACES_RE}{_DIGITS_RE})"
    rf"([eE]{_SPACES_RE}[+-]?{_SPACES_RE}{_DIGITS_RE})?{_SPACES_RE}%?\s*$"
)

_SPACES = str.maketrans("", "", " \u00a0\u202f")
_LONGEST = 100  # characters: no number a person types is longer
_THOUSANDS_DOT = re.compile(r"[+-]?[1-9]\d{0,2}\.\d{3}")  # 1.234: a thousand, or one point


class Ambiguous(str):
    """The text of a number whose dot may group thousands or mark decimals (``1.234``
    where the comma is the decimal mark): what :func:`parse_number` gives for it, so a
    reader refuses it saying how to write it."""


def ambiguous_dot(text: str) -> bool:
    """True when ``text``, in a file whose decimal mark is the comma, may hold a
    thousands dot as well as a decimal point: one dot after one to three digits (not a
    leading zero) and before exactly three (``1.234``, ``-12.345``, ``1.234 %``).

    >>> [ambiguous_dot(t) for t in ("1.234", "12.345 %", "1.5", "0.234", "1.2345", "1234")]
    [True, True, False, False, False, False]
    """
    compact = text.strip().translate(_SPACES).removesuffix("%")
    return _THOUSANDS_DOT.fullmatch(compact) is not None


def parse_number(text: str, *, decimal_comma: bool = False) -> int | float | str:
    """``text`` as an int or a float; the text itself when it is not a number.

    Whole numbers without a decimal mark, exponent or ``%`` stay ``int`` (so an
    integer field such as ``horizon_years`` takes ``"5"``); infinities and NaN
    stay text (they are refused as numbers downstream).

    >>> parse_number("3"), parse_number("12.5 %"), parse_number("1e3")
    (3, 0.125, 1000.0)
    >>> parse_number("inf"), parse_number("1e999"), parse_number("1,5", decimal_comma=True)
    ('inf', '1e999', 1.5)
    >>> parse_number("1.234", decimal_comma=True), parse_number("1.234")
    ('1.234', 1.234)
    """
    compact = text.strip().translate(_SPACES)
    if len(compact) > _LONGEST:
        return text
    if decimal_comma and ambiguous_dot(compact):
        return Ambiguous(text)
    percent = compact.endswith("%")
    if percent:
        compact = compact[:-1]
    if decimal_comma and compact.count(",") == 1 and "." not in compact:
        compact = compact.replace(",", ".")
    try:
        value = Decimal(compact)
    except InvalidOperation:
        return text
    if not value.is_finite():
        return text
    if percent:
        value /= 100
    integral = not percent and not any(c in compact for c in ".eE")
    if integral:
        return int(value)
    number = float(value)
    return number if math.isfinite(number) else text  # 1e999: too large for a float
