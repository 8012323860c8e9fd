"""The workbook's looks: number formats, cell styles, colours, conditional formats.

Cell styles follow the FAST colour code: inputs yellow with a blue font,
calculations black, outputs green and bold, headers white on navy (inputs) or
slate (computed columns). Amounts show a dash for zero (an empty year reads at
a glance) and negatives in red; French formats follow French typography.

>>> number_formats("fr")["pct"], number_formats("en")["eur"]
('0.0"\\xa0"%', '"€"#,##0;[Red]-"€"#,##0;"–"')
>>> number_formats("fr", "USD")["eur"].split(";")[0], number_formats("en", "CHF")["eur_zero"]
('#,##0"\\xa0$\\xa0US"', '"CHF\\xa0"#,##0;-"CHF\\xa0"#,##0')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..scenario.currency import affixes
from ..scenario.labels import Lang
from .measure import NBSP, SIZE

if TYPE_CHECKING:  # openpyxl is imported where a workbook is built (not by the fast path)
    from openpyxl.formatting.rule import Rule
    from openpyxl.styles import Font, NamedStyle

__all__ = [
    "BAD_FILL",
    "FONT",
    "GREY",
    "NAVY",
    "SLATE",
    "font",
    "format_rule",
    "named_styles",
    "number_formats",
    "rule",
]

NAVY, SLATE, GREY = "1F3864", "44546A", "7F7F7F"
#: The fill of a line or check to review, as :func:`rule` takes it: a colour.
BAD_FILL = "FFC7CE"
FONT = "Calibri"  # every cell style names its font (no "unnamed font" fallback)


def number_formats(lang: Lang, currency: str = "EUR") -> dict[str, str]:
    """Excel number formats by format key, for a language and a currency.

    Amounts show a dash for zero (the finance convention: an empty year reads at a
    glance) and negatives in red. French formats follow French typography: a
    no-break space before ``%`` and the unit, ``an`` below two years and ``ans``
    from two on (``1,12 an``, ``2,50 ans``). The currency's symbol and its place
    come from :mod:`crmroi_xl.scenario.currency`.
    """
    before, after = (f'"{affix}"' if affix else "" for affix in affixes(currency, lang))
    money = f"{before}#,##0{after}"
    cents = f"{before}#,##0.00{after}"
    dash = '"–"'  # zero
    if lang == "fr":
        percent = f'0.0"{NBSP}"%'
        years = f'[<2]0.00"{NBSP}an";0.00"{NBSP}ans"'
        months = f'0.0"{NBSP}mois"'
        ratio = f'0.00"{NBSP}x"'
    else:
        percent, years, months, ratio = "0.0%", '0.00" years"', '0.0" months"', '0.00"x"'
    points = f'"+"0.0"{NBSP}pts";"−"0.0"{NBSP}pts";0.0"{NBSP}pt"'  # a change of percentages
    return {
        "eur": f"{money};[Red]-{money};{dash}",
        "eur2": f"{cents};[Red]-{cents};{dash}",
        "pct": percent,
        "pct1": percent,
        "points": points,
        "int": "#,##0",
        "num": "#,##0.0",
        "num2": "#,##0.00",
        "year": "0",
        "months": months,
        "years": years,
        "ratio": ratio,
        "factor": "0.0000",
        "text": "@",
        "check": '0;-0;"";@',  # a passed row check (0) shows nothing
        "eur_zero": f"{money};-{money}",  # zero shown as 0 (checks, chart axes)
        "ratio_axis": f'0.0"{NBSP}x"' if lang == "fr" else '0.0"x"',
    }


def font(size: float = SIZE, **kw: Any) -> Font:
    """Calibri of ``size`` points (body text by default)."""
    from openpyxl.styles import Font

    return Font(name=FONT, size=size, **kw)


def named_styles() -> list[NamedStyle]:
    """The cell styles, after the FAST colour code (see the module docstring)."""
    from openpyxl.styles import Alignment, Border, NamedStyle, PatternFill, Protection, Side

    thin = Side(style="thin", color="BFBFBF")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)

    def style(name: str, **kw: Any) -> NamedStyle:
        named = NamedStyle(name=name, **kw)
        if "protection" not in kw:
            named.protection = Protection(locked=True)
        return named

    header = Alignment(wrap_text=True, vertical="center", horizontal="center")
    return [
        style("title", font=font(14, bold=True, color=NAVY)),
        style("subtitle", font=font(11, bold=True, color=NAVY)),
        style("note", font=font(9, italic=True, color="595959")),
        style("label", font=font()),
        style(
            "header",
            font=font(bold=True, color="FFFFFF"),
            alignment=header,
            border=box,
            fill=PatternFill("solid", fgColor=NAVY),
        ),
        style(
            "header_calc",
            font=font(bold=True, color="FFFFFF"),
            alignment=header,
            border=box,
            fill=PatternFill("solid", fgColor=SLATE),
        ),
        style(
            "input",
            font=font(color="0000FF"),
            border=box,
            fill=PatternFill("solid", fgColor="FFF2CC"),
            protection=Protection(locked=False),
        ),
        style(  # an optional setting (the IRR's starting point): not a yellow input
            "advanced",
            font=font(italic=True, color=GREY),
            border=Border(*(Side(style="dotted", color="BFBFBF"),) * 4),
            protection=Protection(locked=False),
        ),
        style("calc", font=font()),
        style("total", font=font(bold=True), border=Border(top=Side(style="thin"))),
        style("subtotal", font=font(italic=True, color="404040")),
        style("total_label", font=font(bold=True)),
        style(
            "output",
            font=font(bold=True),
            border=box,
            fill=PatternFill("solid", fgColor="E2EFDA"),
        ),
        style("timeline", font=font(9, color=GREY), alignment=Alignment(horizontal="right")),
        style("check", font=font(9, color=GREY), alignment=Alignment(horizontal="center")),
        style("list", font=font()),
        style("hidden", font=font(color="FFFFFF")),
    ]


def rule(formula: str, **style: Any) -> Any:
    """A conditional format applied where ``formula`` is true (a ``fill`` given as a
    colour, such as :data:`BAD_FILL`, is a solid background of that colour)."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill

    if isinstance(style.get("fill"), str):
        style["fill"] = PatternFill("solid", bgColor=style["fill"])
    return FormulaRule(formula=[formula], **style)  # type: ignore[no-untyped-call]


def format_rule(formula: str, code: str, ident: int) -> Rule:
    """A conditional number format (Excel and LibreOffice apply it; others keep the cell's)."""
    from openpyxl.formatting.rule import Rule
    from openpyxl.styles.differential import DifferentialStyle
    from openpyxl.styles.numbers import NumberFormat

    dxf = DifferentialStyle(numFmt=NumberFormat(numFmtId=ident, formatCode=code))
    return Rule(type="expression", dxf=dxf, formula=[formula])
