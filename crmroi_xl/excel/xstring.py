"""The escapes of text in an xlsx file (ECMA-376 Part 1, 22.9.2.19 ``ST_Xstring``).

A cell's text (a shared string, an inline string, a formula's text result) may
hold characters XML cannot carry, written ``_xHHHH_``: the character U+HHHH
(``_x0001_``, ``_x000D_``). To keep a text that merely *looks* like an escape,
the underscore that starts it is itself escaped as ``_x005F_``: Excel stores the
typed text ``_x0041_`` as ``_x005F_x0041_``, and uses ``_x005F_`` for nothing
else (Microsoft's notes on the standard, MS-OI29500 2.1.1747).

:func:`unescape` undoes the escapes exactly so: ``_xHHHH_`` is U+HHHH, and
``_x005F_`` is an underscore where an ``xHHHH_`` follows it (the rest of the
escaped sequence); elsewhere it is left as typed, and so is any ``x005F_``
without its leading underscore (``Tax005F_2024``). :func:`escape` is its inverse
for every text, what Excel writes: the underscore starting an ``_xHHHH_`` is
written ``_x005F_``. openpyxl writes text as it is and reads it back by
removing every ``x005F_``, so our writers escape (``crmroi_xl.excel.package``,
``crmroi_xl.excel.fast``) and our reader unescapes (``crmroi_xl.excel.xlsx``):
what Excel, LibreOffice or crmroi reads is what was typed.

>>> escape("_x0041_"), unescape("_x005F_x0041_"), unescape("_x0041_"), unescape("Tax005F_2024")
('_x005F_x0041_', '_x0041_', 'A', 'Tax005F_2024')

Standard library only.
"""

from __future__ import annotations

import re

__all__ = ["escape", "unescape"]

_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_REST = re.compile(r"x[0-9A-Fa-f]{4}_")  # what follows an escaped underscore
_LEAD = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")  # an underscore that starts an escape


def escape(text: str) -> str:
    """``text`` as a cell of an xlsx file stores it: each underscore starting an
    ``_xHHHH_`` written ``_x005F_``.

    >>> escape("Tax005F_2024"), escape("_x005F_x0041_")
    ('Tax005F_2024', '_x005F_x005F_x005F_x0041_')
    """
    if "_x" not in text:
        return text
    return _LEAD.sub("_x005F_", text)


def unescape(text: str) -> str:
    """The text a cell of an xlsx file stores as ``text``.

    >>> unescape("a_x000D__x000A_b"), unescape("_x005F_"), unescape("_x005f_x00e9_")
    ('a\\r\\nb', '_x005F_', '_x00e9_')
    """
    if "_x" not in text:
        return text

    def character(match: re.Match[str]) -> str:
        code = int(match.group(1), 16)
        if code == 0x5F:  # an escaped underscore, only as the start of an escape
            return "_" if _REST.match(text, match.end()) else match.group(0)
        return chr(code)

    return _ESCAPED.sub(character, text)
