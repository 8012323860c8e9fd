"""Charts: cumulative cash flow with the payback point and costs and benefits per
year (summary sheet), ROAS by channel (channels sheet).

The two summary charts sit beside the headline results, so the results and the
charts are on the first screen and the summary prints on one page. Axes carry
the workbook's own number formats (euros, ``x``), fonts are the cells' Calibri,
and colours follow the sheets: navy for the flow and the benefits, orange for
the costs, red for the payback point.
"""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.chart.axis import ChartLines, NumericAxis
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.marker import Marker
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
from openpyxl.utils.cell import column_index_from_string, coordinate_to_tuple
from openpyxl.worksheet.worksheet import Worksheet

from ..headline import BY_KEY
from ..labels import Lang, label
from ..model import Scenario
from .layout import Layout
from .parts import YEARS

__all__ = ["add_charts"]

SUMMARY_CHART_SIZE = (9.6, 9.4)  # width, height in cm: four year columns, the results' rows
NAVY, ORANGE, RED, GRID = "1F3864", "ED7D31", "C00000", "D9D9D9"
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


def _style(chart: ScatterChart | BarChart, title: str, x_title: str | None, money: str) -> None:
    """Title, axis titles and formats, fonts and legend common to the charts."""
    chart.title = _title(title)
    chart.x_axis.title = x_title
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


def add_charts(
    layout: Layout,
    sheets: dict[str, Worksheet],
    scenario: Scenario | None,
    formats: dict[str, str],
) -> None:
    """Add the three charts; an export plots its horizon, the template all ten years.

    ``formats`` are the workbook's number formats (see ``excel.styles.number_formats``).
    """
    lang: Lang = layout.lang
    summary = sheets["summary"]
    horizon = scenario.assumptions.horizon_years if scenario else YEARS[-1]
    first = column_index_from_string(layout.summary_col(0))
    last = first + horizon
    years_title = label("year", lang)
    money = formats["eur_zero"]  # an axis shows "0 €", not the tables' dash

    cumulative = ScatterChart()
    cumulative.style = 13
    cumulative.scatterStyle = "lineMarker"
    xs = Reference(summary, min_col=first, max_col=last, min_row=layout.summary_t_row)
    row = layout.summary_row("cumulative_flow")
    flow = Series(
        Reference(summary, min_col=first, max_col=last, min_row=row),
        xs,
        title=label("cumulative_flow", lang),
    )
    flow.marker = Marker(symbol="circle", size=6)
    flow.smooth = False  # straight segments: the flow changes at year ends
    flow.graphicalProperties.line.solidFill = NAVY
    flow.graphicalProperties.line.width = 28575  # 2.25 pt
    flow.marker.graphicalProperties = GraphicalProperties(solidFill=NAVY)
    flow.marker.graphicalProperties.line.solidFill = NAVY
    zero_row, zero_col = coordinate_to_tuple(layout.payback_zero_cell)
    payback_row, payback_col = coordinate_to_tuple(layout.headline_cell("payback"))
    point = Series(  # the payback point: x = the payback, y = the zero beside it
        Reference(summary, min_col=zero_col, min_row=zero_row),
        Reference(summary, min_col=payback_col, min_row=payback_row),
        title=layout.text(BY_KEY["payback"].title),
    )
    point.marker = Marker(symbol="diamond", size=11)
    point.marker.graphicalProperties = GraphicalProperties(solidFill=RED)
    point.marker.graphicalProperties.line.solidFill = RED
    point.graphicalProperties.line.noFill = True
    point.smooth = False
    cumulative.series.extend([flow, point])
    _style(cumulative, label("cumulative_flow", lang), years_title, money)
    cumulative.x_axis.scaling.min = 0
    cumulative.x_axis.scaling.max = horizon
    assert isinstance(cumulative.x_axis, NumericAxis)
    cumulative.x_axis.majorUnit = 1
    cumulative.x_axis.number_format = "0"
    summary.add_chart(cumulative, layout.summary_chart_anchors[0])

    bars = BarChart()
    bars.type = "col"
    bars.gapWidth = 60
    for key, colour in (("costs", ORANGE), ("benefits", NAVY)):
        row = layout.summary_row(key)
        series = Series(
            Reference(summary, min_col=first, max_col=last, min_row=row), title=label(key, lang)
        )
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
        bars.series.append(series)
    calendar = layout.summary_row("calendar")
    bars.set_categories(Reference(summary, min_col=first, max_col=last, min_row=calendar))
    _style(bars, TITLES["flows"][lang != "fr"], None, money)
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
        _style(roas, TITLES["roas"][lang != "fr"], None, formats["ratio_axis"])
        roas.x_axis.scaling.orientation = "maxMin"  # the first channel on top, as in the table
        roas.y_axis.crosses = "max"  # ... and the values' axis below
        roas.y_axis.scaling.min = 0
        roas.width, roas.height = 15, min(9.5, max(6.5, 1.1 * count + 3))
        channels.add_chart(roas, layout.channel_chart_anchor)
