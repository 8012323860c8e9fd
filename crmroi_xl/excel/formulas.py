"""Small builders of native formula text, written so that Excel, LibreOffice and
Gnumeric compute them alike.

Each returns the text of an expression (no leading ``=``), so they nest:

>>> number("$G7")
'IF(ISNUMBER($G7),$G7,0)'
>>> guarded("B4", "(B5-B4)/B4")
'IF(B4=0,NA(),(B5-B4)/B4)'
>>> unless_blank("$A7", guarded("$C7", "$B7/$C7"))
'IF($A7="","",IF($C7=0,NA(),$B7/$C7))'

Why not the shorter forms: ``N(x)`` of a blank cell is 0 in Excel and LibreOffice
but ``#NUM!`` in Gnumeric; ``ISNUMBER(range)`` inside ``SUMPRODUCT`` is evaluated
element-wise by Excel and LibreOffice but not by Gnumeric, where a comparison such
as ``(range<>"")`` is.
"""

from __future__ import annotations

__all__ = ["guarded", "number", "unless_blank"]


def number(ref: str) -> str:
    """``ref`` as a number, 0 when it is blank or text: ``N(ref)`` portably.

    >>> number("In_Start")
    'IF(ISNUMBER(In_Start),In_Start,0)'
    """
    return f"IF(ISNUMBER({ref}),{ref},0)"


def guarded(denominator: str, expression: str, *, when_zero: str = "NA()") -> str:
    """``expression``, or ``when_zero`` (``#N/A`` by default) where ``denominator`` is 0.

    >>> guarded("Out_Total_Costs", "Out_Total_Benefits/Out_Total_Costs", when_zero='""')
    'IF(Out_Total_Costs=0,"",Out_Total_Benefits/Out_Total_Costs)'
    """
    return f"IF({denominator}=0,{when_zero},{expression})"


def unless_blank(ref: str, expression: str) -> str:
    """``expression``, or an empty text where ``ref`` is blank: a table's row shows
    nothing until its key cell (a channel's name, a KPI's kind) is filled.

    >>> unless_blank("$B5", "($E5-$D5)/ABS($D5)")
    'IF($B5="","",($E5-$D5)/ABS($D5))'
    """
    return f'IF({ref}="","",{expression})'
