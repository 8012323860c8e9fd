"""Charts: cumulative net flow and costs and benefits per year (summary sheet), ROAS
by channel (channels sheet).

The two summary charts sit beside the headline results, so the results and the
charts are on the first screen and the summary prints on one page. Axes carry
the workbook's own number formats (the currency, ``x``), fonts are the cells'
Calibri, and colours follow the sheets: navy for the flow and the benefits,
orange for the costs.

**They follow a horizon changed in the workbook.** Their ranges cover years 0
to 10, and their category axis is a *date axis* over the summary's calendar
row, whose years past the horizon repeat the horizon's year (and are hidden
there): a date axis runs from the earliest to the latest category, one slot a
day-unit -- here a year number -- so it shows exactly years 0 to the horizon,
and the repeated last year holds only blank values, which draw nothing. Excel
and LibreOffice both draw date axes this way (LibreOffice checked: a horizon
changed from 3 to 5 and recalculated gives six columns a chart, see
``tests/test_looks.py``). Dynamic defined names (``OFFSET``/``INDEX`` over
``In_Horizon``) would do it in Excel only: LibreOffice drops a chart series whose
range is a formula (it reads only names that are plain ranges).
"""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference, Series
from openpyxl.chart.axis import ChartLines, DateAxis
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.chart.text import RichText
from openpyxl.chart.title import Title
from openpyxl.drawing.line import LineProperties
from openpyxl.drawing.text import (
    CharacterProperties,
    Font,
    Paragraph,
    ParagraphProperties,
    RegularTextRun,
)
from openpyxl.utils.cell import column_index_from_string
from openpyxl.worksheet.worksheet import Worksheet

from ..labels import Lang, label
from ..model import Scenario
from .layout import Layout
from .parts import YEARS

__all__ = ["add_charts"]

SUMMARY_CHART_SIZE = (9.6, 9.4)  # width, height in cm: four year columns, the results' rows
NAVY, ORANGE, GRID = "1F3864", "ED7D31", "D9D9D9"
TITLES: dict[str, tuple[str, str]] = {
    "flows": ("Coûts et bénéfices par an", "Costs and benefits per year"),
    "roas": ("ROAS par canal (revenu / dépenses)", "ROAS by channel (revenue / spend)"),
}


def _text(size: int, bold: bool = False) -> RichText:
    """Calibri text of ``size`` hundredths of a point, for titles, axes and legends."""
    font = CharacterProperties(latin=Font(typeface="Calibri"), sz=size, b=bold, solidFill="404040")
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=font), endParaRPr=font)])


def _title(text: str, size: int = 1100) -> Title:
    font = CharacterProperties(latin=Font(typeface="Calibri"), sz=size, b=True, solidFill=NAVY)
    run = RegularTextRun(rPr=font, t=text)
    paragraph = Paragraph(pPr=ParagraphProperties(defRPr=font), r=[run])
    title = Title()
    title.tx.rich.p = [paragraph]  # type: ignore[union-attr]
    title.overlay = False
    return title


def _gridlines(axis: object) -> None:
    lines = ChartLines()
    lines.spPr = GraphicalProperties(ln=LineProperties(solidFill=GRID))
    axis.majorGridlines = lines  # type: ignore[attr-defined]


def _style(chart: BarChart, title: str, money: str) -> None:
    """Title, axis formats, fonts and legend common to the charts."""
    chart.title = _title(title)
    chart.x_axis.title = None
    chart.y_axis.title = None
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.txPr = _text(900)
    chart.y_axis.txPr = _text(900)
    chart.y_axis.number_format = money
    chart.x_axis.tickLblPos = "low"  # under the plot, even below a negative flow
    chart.x_axis.majorGridlines = None
    _gridlines(chart.y_axis)
    if chart.legend is not None:
        chart.legend.position = "b"
        chart.legend.txPr = _text(900)
    chart.width, chart.height = SUMMARY_CHART_SIZE  # type: ignore[assignment]


def _years_axis() -> DateAxis:
    """A date axis whose unit is one year number (see the module docstring)."""
    axis = DateAxis(crossAx=100)
    axis.auto = False  # a date axis even though the years are plain numbers
    axis.baseTimeUnit = "days"
    axis.majorTimeUnit = "days"
    axis.majorUnit = 1
    axis.lblOffset = 100
    axis.number_format = "0"
    return axis


def _columns(layout: Layout, summary: Worksheet, rows: tuple[tuple[str, str], ...]) -> BarChart:
    """Columns of the summary rows ``rows`` ((key, colour)) over years 0 to 10 on the
    calendar years' date axis."""
    first = column_index_from_string(layout.summary_col(0))
    last = column_index_from_string(layout.summary_col(YEARS[-1]))
    chart = BarChart()
    chart.type = "col"
    chart.gapWidth = 60
    chart.x_axis = _years_axis()
    for key, colour in rows:
        row = layout.summary_row(key)
        series = Series(
            Reference(summary, min_col=first, max_col=last, min_row=row),
            title=label(key, layout.lang),
        )
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
        chart.series.append(series)
    calendar = layout.summary_row("calendar")
    chart.set_categories(Reference(summary, min_col=first, max_col=last, min_row=calendar))
    return chart


def add_charts(
    layout: Layout,
    sheets: dict[str, Worksheet],
    scenario: Scenario | None,
    formats: dict[str, str],
) -> None:
    """Add the three charts: the summary's follow the horizon in the workbook, the ROAS
    chart has a bar per channel of the scenario (every line of the template's table).

    ``formats`` are the workbook's number formats (see ``excel.styles.number_formats``).
    """
    lang: Lang = layout.lang
    summary = sheets["summary"]
    money = formats["eur_zero"]  # an axis shows "0 €", not the tables' dash

    cumulative = _columns(layout, summary, (("cumulative_flow", NAVY),))
    cumulative.legend = None  # one series, named by the title
    _style(cumulative, label("cumulative_flow", lang), money)
    summary.add_chart(cumulative, layout.summary_chart_anchors[0])

    bars = _columns(layout, summary, (("costs", ORANGE), ("benefits", NAVY)))
    _style(bars, TITLES["flows"][lang != "fr"], money)
    summary.add_chart(bars, layout.summary_chart_anchors[1])

    table = layout.channels
    count = len(scenario.channels) if scenario else table.capacity
    if count:
        roas = BarChart()
        roas.type = "bar"
        roas.gapWidth = 50
        end = table.first_row + count - 1
        channels = sheets["channels"]
        col = column_index_from_string(table.letter("roas"))
        roas.add_data(Reference(channels, min_col=col, min_row=table.first_row, max_row=end))
        name = column_index_from_string(table.letter("name"))
        roas.set_categories(Reference(channels, min_col=name, min_row=table.first_row, max_row=end))
        bar = roas.series[0]
        bar.tx = None
        bar.graphicalProperties.solidFill = NAVY
        bar.graphicalProperties.line.solidFill = NAVY
        if scenario is not None:  # the template's empty bars would all read #N/A
            bar.dLbls = DataLabelList()
            bar.dLbls.showVal = True
            for flag in ("showSerName", "showCatName", "showLegendKey", "showPercent"):
                setattr(bar.dLbls, flag, False)
            bar.dLbls.numFmt = formats["ratio"]
            bar.dLbls.txPr = _text(800)
        roas.legend = None
        _style(roas, TITLES["roas"][lang != "fr"], formats["ratio_axis"])
        roas.x_axis.scaling.orientation = "maxMin"  # the first channel on top, as in the table
        roas.y_axis.crosses = "max"  # ... and the values' axis below
        roas.y_axis.scaling.min = 0
        roas.width, roas.height = 15, min(9.5, max(6.5, 1.1 * count + 3))
        channels.add_chart(roas, layout.channel_chart_anchor)
