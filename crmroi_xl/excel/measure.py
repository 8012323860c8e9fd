"""Measuring text: column widths and row heights are set, never left to chance.

Excel and LibreOffice size nothing themselves when a workbook is written by a
program, so every column is widened to the longest text it holds, every header
row is given the height its wrapped titles need. Both writers (openpyxl and the fast path) call
these functions, so they cannot drift apart.

>>> text_width("0000000000", 11)
10.0
>>> lines("Montant annuel de base", 14), height(2)
(2, 29.4)
>>> header_fit("Durée (ans, vide\\u00a0=\\u00a0horizon)", 13, 10, True, 4)
(13.3, 2)
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

__all__ = [
    "MARGIN",
    "NBSP",
    "SIZE",
    "TEXT_CAP",
    "fit_width",
    "header_fit",
    "height",
    "lines",
    "text_need",
    "text_width",
]

NBSP = "\u00a0"  # no-break space (French typography)
SIZE = 10  # body text; titles and notes differ
TEXT_CAP = 56  # widest a text column of a table grows to fit its texts (characters)
MARGIN = 0.4  # inches, left and right

#: Advance widths of Calibri characters, in widths of "0" (Excel's column unit),
#: measured on Carlito (Calibri's metric twin); other characters count 1.
_CHAR_WIDTHS = {
    **dict.fromkeys(" il'jI.,", 0.47),
    **dict.fromkeys(":;!()[]-ftJ", 0.6),
    **dict.fromkeys('rsz/\\"', 0.77),
    **dict.fromkeys("cgkvxyFLSZ|", 0.88),
    **dict.fromkeys("AV", 1.13),
    **dict.fromkeys("DGHNOQU", 1.26),
    **dict.fromkeys("mw%", 1.47),
    **dict.fromkeys("MWœŒ", 1.72),
}


@lru_cache(maxsize=4096)
def text_width(text: str, size: float = SIZE, bold: bool = False) -> float:
    """Estimated width of ``text`` in Excel column units (Calibri 11 "0" widths)."""
    plain = unicodedata.normalize("NFD", text.replace(NBSP, " "))
    units = sum(_CHAR_WIDTHS.get(c, 1.0) for c in plain if not unicodedata.combining(c))
    return units * size / 11 * (1.03 if bold else 1.0)


def lines(text: str, width: float, size: float = SIZE, bold: bool = False) -> int:
    """Lines ``text`` takes once wrapped in a column ``width`` characters wide."""
    usable = max(width - 0.7, 1.0)
    space = text_width(" ", size, bold)
    count, current = 1, 0.0
    for word in text.replace(NBSP, "\x00").split(" "):
        w = text_width(word.replace("\x00", " "), size, bold)
        if current and current + space + w > usable:
            count, current = count + 1, 0.0
        current = w if not current else current + space + w
        while current > usable:  # a word longer than the line breaks anywhere
            count, current = count + 1, current - usable
    return count


def height(count: int, size: float = SIZE) -> float:
    """Row height (points) for ``count`` lines of text of ``size`` points."""
    return round(count * size * 1.32 + 3, 1)


def text_need(texts: Iterable[str]) -> float:
    """Width a column needs to show the longest of ``texts`` (0 for none)."""
    return max((text_width(t) + 1.8 for t in texts if t), default=0.0)


def fit_width(current: float | None, need: float, cap: float) -> float:
    """A column ``current`` wide, widened to ``need`` (up to ``cap`` characters)."""
    current = current or 8.43
    return round(min(max(current, need), max(current, cap)), 1)


def header_fit(
    text: str, width: float | None, size: float, bold: bool, max_lines: int
) -> tuple[float, int]:
    """The width a header needs (its longest word fits, at most ``max_lines`` lines)
    starting from ``width``, and its lines at that width."""
    width = width or 8.43
    longest = max(text_width(w, size, bold) for w in text.replace(NBSP, "_").split())
    width = max(width, round(longest + 1.2, 1))
    while lines(text, width, size, bold) > max_lines:
        width += 1
    return width, lines(text, width, size, bold)
