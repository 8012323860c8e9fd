"""Charts: cumulative net flow and costs and benefits per year (summary sheet), the
tornado and the Monte Carlo histogram and S-curve (sensitivity sheet), ROAS by channel
(channels sheet).

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

**The tornado** plots the ten largest bars of the sensitivity sheet's sorted
table: each line's NPV at its low and at its high, less the base NPV, as two
overlapping series of horizontal bars around zero (the largest on top); it
follows any input, like the table. **The histogram and the S-curve** plot the
Monte Carlo results written at export; a scenario without a range has no
simulation, hence neither chart (the sheet says so in a sentence).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..scenario.labels import Lang, label
from ..scenario.model import Scenario
from .layout import Layout, quote_sheet
from .parts import YEARS
from .sensitivity_layout import (
    CURVE_POINTS,
    HISTOGRAM_BINS,
    HISTOGRAM_COLUMNS,
    SPIDER_DRIVERS,
    SPIDER_LETTERS,
)
from .simulated import simulated

if TYPE_CHECKING:
    from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart
    from openpyxl.chart.axis import DateAxis
    from openpyxl.chart.text import RichText
    from openpyxl.chart.title import Title
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["add_charts"]

SUMMARY_CHART_SIZE = (9.6, 9.4)  # width, height in cm: four year columns, the results' rows
NAVY, ORANGE, GRID = "1F3864", "ED7D31", "D9D9D9"
TITLES: dict[str, tuple[str, str]] = {
    "flows": ("Coûts et bénéfices par an", "Costs and benefits per year"),
    "roas": ("ROAS par canal (revenu / dépenses)", "ROAS by channel (revenue / spend)"),
    "tornado": (
        "Tornado : écart de VAN par rapport au cas de base",
        "Tornado: NPV change from the base case",
    ),
    "low": ("Au bas de sa plage", "At the low end"),
    "high": ("Au haut de sa plage", "At the high end"),
    "marked": ("Tranche des P10 / P50 / P90", "Bin of P10 / P50 / P90"),
    "histogram": (
        "Répartition de la VAN simulée (part des tirages)",
        "Simulated NPV (share of runs)",
    ),
    "curve": ("VAN simulée : probabilité cumulée", "Simulated NPV: cumulative probability"),
    "share": ("Part des tirages", "Share of runs"),
    "spider": (
        "VAN à −20 % … +20 % des cinq plus grands facteurs",
        "NPV at −20% … +20% of the five largest drivers",
    ),
}
SPIDER_COLOURS = (NAVY, ORANGE, "70AD47", "7F7F7F", "4472C4")


def _text(size: int, bold: bool = False) -> RichText:
    """Calibri text of ``size`` hundredths of a point, for titles, axes and legends."""
    from openpyxl.chart.text import RichText
    from openpyxl.drawing.text import CharacterProperties, Font, Paragraph, ParagraphProperties

    font = CharacterProperties(latin=Font(typeface="Calibri"), sz=size, b=bold, solidFill="404040")
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=font), endParaRPr=font)])


def _title(text: str, size: int = 1100) -> Title:
    from openpyxl.chart.title import Title
    from openpyxl.drawing.text import (
        CharacterProperties,
        Font,
        Paragraph,
        ParagraphProperties,
        RegularTextRun,
    )

    font = CharacterProperties(latin=Font(typeface="Calibri"), sz=size, b=True, solidFill=NAVY)
    run = RegularTextRun(rPr=font, t=text)
    paragraph = Paragraph(pPr=ParagraphProperties(defRPr=font), r=[run])
    title = Title()
    title.tx.rich.p = [paragraph]  # type: ignore[union-attr]
    title.overlay = False
    return title


def _gridlines(axis: object) -> None:
    from openpyxl.chart.axis import ChartLines
    from openpyxl.chart.shapes import GraphicalProperties
    from openpyxl.drawing.line import LineProperties

    lines = ChartLines()
    lines.spPr = GraphicalProperties(ln=LineProperties(solidFill=GRID))
    axis.majorGridlines = lines  # type: ignore[attr-defined]


def _style(chart: BarChart | ScatterChart | LineChart, title: str, money: str) -> None:
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
    from openpyxl.chart.axis import DateAxis

    axis = DateAxis(crossAx=100)
    axis.axPos = "b"  # a column chart's years run along the bottom (openpyxl says "l")
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
    from openpyxl.chart import BarChart, Reference, Series
    from openpyxl.utils.cell import column_index_from_string

    first = column_index_from_string(layout.summary_col(0))
    last = column_index_from_string(layout.summary_col(YEARS[-1]))
    chart = BarChart()
    chart.type = "col"
    chart.gapWidth = 60
    chart.x_axis = _years_axis()
    chart.y_axis.crossAx = chart.x_axis.axId  # the values cross the years' axis, not the default 10
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
    options: int = 0,
) -> None:
    """Add the three charts: the summary's follow the horizon in the workbook, the ROAS
    chart has a bar per channel of the scenario (every line of the template's table).

    ``formats`` are the workbook's number formats (see ``excel.styles.number_formats``);
    ``options`` a choice's options (a line each on the Comparison chart; 0: every slot).
    """
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.utils.cell import column_index_from_string

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

    _sensitivity_charts(layout, sheets["sensitivity"], simulated(scenario), formats)
    if layout.capacity.options:
        _comparison_chart(layout, sheets["comparison"], money, options)

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


def _spider(layout: Layout, sheet: Worksheet, words: dict[str, str], money: str) -> None:
    """NPV at -20 % ... +20 % of the tornado's five largest drivers, a line each."""
    from openpyxl.chart import LineChart, Reference, Series
    from openpyxl.chart.data_source import StrRef
    from openpyxl.chart.series import SeriesLabel
    from openpyxl.chart.shapes import GraphicalProperties
    from openpyxl.utils.cell import column_index_from_string

    p = layout.sensitivity
    chart = LineChart()
    first = column_index_from_string(SPIDER_LETTERS[0])
    last = column_index_from_string(SPIDER_LETTERS[-1])
    name = quote_sheet(layout.sheet_name("sensitivity"))
    for k, colour in zip(range(SPIDER_DRIVERS), SPIDER_COLOURS, strict=True):
        row = p.spider_row(k)
        series = Series(Reference(sheet, min_col=first, max_col=last, min_row=row))
        series.tx = SeriesLabel(strRef=StrRef(f"{name}!$A${row}"))
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 22225  # 1.75 pt
        series.marker.symbol = "circle"
        series.marker.graphicalProperties = GraphicalProperties(solidFill=colour)
        series.marker.graphicalProperties.line.solidFill = colour
        series.smooth = False
        chart.series.append(series)
    header = p.spider_header_row
    chart.set_categories(Reference(sheet, min_col=first, max_col=last, min_row=header))
    _style(chart, words["spider"], money)
    chart.x_axis.number_format = "+0%;-0%;0%"
    chart.width, chart.height = 16, 9
    sheet.add_chart(chart, p.spider_chart_anchor)


def _series(values: Reference, title: str, colour: str) -> Any:
    """A bar series of one colour (openpyxl's ``Series`` is a factory, not a type)."""
    from openpyxl.chart import Series

    series = Series(values, title=title)
    series.graphicalProperties.solidFill = colour
    series.graphicalProperties.line.solidFill = colour
    return series


#: The options' lines on the Comparison sheet's chart, in the options' order.
OPTION_COLOURS = (NAVY, ORANGE, "70AD47", "7F7F7F", "FFC000", "5B9BD5")


def _comparison_chart(layout: Layout, sheet: Worksheet, money: str, options: int) -> None:
    """The cumulative net flow of each option over the years: a line for each of the
    ``options`` options (the template's: every slot, its name blank until typed; the
    years past the horizon are #N/A: not drawn), so no blank entry in the legend."""
    from openpyxl.chart import Reference, ScatterChart, Series
    from openpyxl.chart.data_source import StrRef
    from openpyxl.chart.series import SeriesLabel
    from openpyxl.utils.cell import column_index_from_string

    p = layout.comparison
    chart = ScatterChart()
    chart.scatterStyle = "line"
    first, last = p.year_row("chart", 0), p.year_row("chart", YEARS[-1])
    years = Reference(sheet, min_col=1, min_row=first, max_row=last)
    name = quote_sheet(layout.sheet_name("comparison"))
    for k in range(options or layout.capacity.options):
        col = column_index_from_string(p.col(k))
        line = Series(Reference(sheet, min_col=col, min_row=first, max_row=last), years)
        line.tx = SeriesLabel(strRef=StrRef(f"{name}!${p.col(k)}${p.header_row}"))
        colour = OPTION_COLOURS[k % len(OPTION_COLOURS)]
        line.graphicalProperties.line.solidFill = colour
        line.graphicalProperties.line.width = 28575  # 2.25 pt
        line.marker.symbol = "none"
        line.smooth = False
        chart.series.append(line)
    _style(chart, label("cumulative_flow", layout.lang), money)
    chart.x_axis.number_format = "0"
    chart.x_axis.majorUnit = 1  # type: ignore[union-attr]
    chart.x_axis.majorGridlines = None
    chart.width, chart.height = 18, 9
    sheet.add_chart(chart, p.chart_anchor)


def _sensitivity_charts(
    layout: Layout, sheet: Worksheet, simulation: bool, formats: dict[str, str]
) -> None:
    """The tornado; the histogram and the S-curve of the NPV when there is a simulation."""
    from openpyxl.chart import BarChart, Reference, ScatterChart, Series
    from openpyxl.chart.data_source import StrRef
    from openpyxl.chart.series import SeriesLabel
    from openpyxl.chart.shapes import GraphicalProperties
    from openpyxl.utils.cell import column_index_from_string

    lang: Lang = layout.lang
    words = {key: pair[lang != "fr"] for key, pair in TITLES.items()}
    p = layout.sensitivity
    money = formats["eur_zero"]

    tornado = BarChart()
    tornado.type = "bar"
    tornado.grouping = "clustered"
    tornado.overlap = 100  # the low and the high of a line on one bar, either side of 0
    tornado.gapWidth = 40
    for key, colour in (("delta_low", ORANGE), ("delta_high", NAVY)):
        col, first, last = p.tornado_span(key)
        values = Reference(sheet, min_col=col, min_row=first, max_row=last)
        tornado.series.append(_series(values, words[key.removeprefix("delta_")], colour))
    col, first, last = p.tornado_span("label")
    tornado.set_categories(Reference(sheet, min_col=col, min_row=first, max_row=last))
    _style(tornado, words["tornado"], money)
    tornado.x_axis.scaling.orientation = "maxMin"  # the largest swing on top, as in the table
    tornado.y_axis.crosses = "max"  # ... and the values' axis below
    tornado.x_axis.tickLblSkip = 1  # every line's label, in a smaller type
    tornado.x_axis.txPr = _text(750)
    tornado.width, tornado.height = 16, 8.3  # down to the Monte Carlo histogram
    sheet.add_chart(tornado, p.tornado_chart_anchor)
    _spider(layout, sheet, words, money)
    if not simulation:
        return

    first_row = p.histogram_row(0)
    histogram = BarChart()
    histogram.type = "col"
    histogram.gapWidth = 15
    col = column_index_from_string(HISTOGRAM_COLUMNS["share"])
    share = Reference(sheet, min_col=col, min_row=first_row, max_row=first_row + HISTOGRAM_BINS - 1)
    histogram.series.append(_series(share, words["share"], NAVY))
    col = column_index_from_string(p.marked_col)  # the bins of P10, P50, P90, over them
    marked = Reference(
        sheet, min_col=col, min_row=first_row, max_row=first_row + HISTOGRAM_BINS - 1
    )
    histogram.series.append(_series(marked, words["marked"], ORANGE))
    histogram.overlap = 100
    middle = column_index_from_string(HISTOGRAM_COLUMNS["middle"])
    histogram.set_categories(
        Reference(sheet, min_col=middle, min_row=first_row, max_row=first_row + HISTOGRAM_BINS - 1)
    )
    _style(histogram, words["histogram"], formats["pct"])
    histogram.x_axis.number_format = money
    histogram.x_axis.txPr = _text(800)
    histogram.width, histogram.height = 16, 8.5
    sheet.add_chart(histogram, p.histogram_chart_anchor)

    curve = ScatterChart()
    curve.scatterStyle = "line"
    last_row = first_row + CURVE_POINTS - 1
    columns = {key: column_index_from_string(letter) for key, letter in p.curve_columns.items()}
    npv = Reference(sheet, min_col=columns["npv"], min_row=first_row, max_row=last_row)
    shares = Reference(sheet, min_col=columns["probability"], min_row=first_row, max_row=last_row)
    line = Series(shares, npv, title=words["curve"])
    line.graphicalProperties.line.solidFill = NAVY
    line.graphicalProperties.line.width = 28575  # 2.25 pt
    line.marker.symbol = "none"
    line.smooth = False
    marker = Series(
        Reference(sheet, min_col=columns["marker_y"], min_row=first_row, max_row=first_row + 1),
        Reference(sheet, min_col=columns["marker_x"], min_row=first_row, max_row=first_row + 1),
    )
    name = quote_sheet(layout.sheet_name("sensitivity"))
    title = p.marker_title_cell
    letters = title.rstrip("0123456789")
    marker.tx = SeriesLabel(strRef=StrRef(f"{name}!${letters}${title[len(letters) :]}"))
    marker.graphicalProperties.line.solidFill = ORANGE
    marker.graphicalProperties.line.dashStyle = "dash"
    marker.marker.symbol = "none"
    marker.smooth = False
    marks = Series(
        Reference(sheet, min_col=columns["marker_y"], min_row=p.mark_row(0), max_row=p.mark_row(2)),
        Reference(sheet, min_col=columns["marker_x"], min_row=p.mark_row(0), max_row=p.mark_row(2)),
    )
    title = p.marks_title_cell
    letters = title.rstrip("0123456789")
    marks.tx = SeriesLabel(strRef=StrRef(f"{name}!${letters}${title[len(letters) :]}"))
    marks.graphicalProperties.line.noFill = True  # points only
    marks.marker.symbol = "diamond"
    marks.marker.size = 9
    marks.marker.graphicalProperties = GraphicalProperties(solidFill=ORANGE)
    marks.marker.graphicalProperties.line.solidFill = ORANGE
    marks.smooth = False
    curve.series += [line, marker, marks]
    curve.visible_cells_only = False  # the curve's points past the histogram are hidden rows
    _style(curve, words["curve"], formats["pct"])
    curve.x_axis.number_format = money
    curve.x_axis.majorGridlines = None
    curve.y_axis.scaling.min, curve.y_axis.scaling.max = 0, 1
    curve.width, curve.height = 16, 8.5
    sheet.add_chart(curve, p.curve_chart_anchor)
