"""Charts: cumulative cash flow with the payback point and costs and benefits per
year (summary sheet), ROAS by channel (channels sheet)."""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.chart.marker import Marker
from openpyxl.worksheet.worksheet import Worksheet

from .labels import label
from .layout import SUMMARY_FIRST_YEAR_COLUMN, SUMMARY_ROWS, SUMMARY_T_ROW, YEARS, Layout
from .model import Scenario

__all__ = ["PAYBACK_ZERO_CELL", "add_charts"]

#: A zero the payback marker stands on (the cumulative flow is 0 at the payback point):
#: cell N8 of the summary (column, row).
PAYBACK_ZERO_CELL = (14, 8)


def _axes(chart: ScatterChart | BarChart, x_title: str, y_title: str) -> None:
    chart.x_axis.title = x_title
    chart.y_axis.title = y_title
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if chart.legend is not None:
        chart.legend.position = "b"
    chart.height, chart.width = 8.5, 17


def add_charts(layout: Layout, sheets: dict[str, Worksheet], scenario: Scenario | None) -> None:
    """Add the three charts; an export plots its horizon, the template all ten years."""
    lang = layout.lang
    summary = sheets["summary"]
    horizon = scenario.assumptions.horizon_years if scenario else YEARS[-1]
    first = SUMMARY_FIRST_YEAR_COLUMN
    last = first + horizon
    years_title = label("year", lang)
    money_title = (
        "€"
        if scenario is None or scenario.assumptions.currency == "EUR"
        else (scenario.assumptions.currency)
    )

    cumulative = ScatterChart()
    cumulative.title = label("cumulative_flow", lang)
    cumulative.style = 13
    cumulative.scatterStyle = "lineMarker"
    xs = Reference(summary, min_col=first, max_col=last, min_row=SUMMARY_T_ROW)
    row = SUMMARY_ROWS["cumulative_flow"][0]
    flow = Series(
        Reference(summary, min_col=first, max_col=last, min_row=row),
        xs,
        title=label("cumulative_flow", lang),
    )
    flow.marker = Marker(symbol="circle", size=6)
    flow.smooth = False  # straight segments: the flow changes at year ends
    flow.graphicalProperties.line.solidFill = "1F3864"
    flow.marker.graphicalProperties.solidFill = "1F3864"
    point = Series(
        Reference(summary, min_col=PAYBACK_ZERO_CELL[0], min_row=PAYBACK_ZERO_CELL[1]),
        Reference(summary, min_col=2, min_row=8),
        title=label("payback", lang),
    )
    point.marker = Marker(symbol="diamond", size=12)
    point.marker.graphicalProperties.solidFill = "C00000"
    point.marker.graphicalProperties.line.solidFill = "C00000"
    point.graphicalProperties.line.noFill = True
    cumulative.series.extend([flow, point])
    _axes(cumulative, years_title, money_title)
    summary.add_chart(cumulative, "A40")

    bars = BarChart()
    bars.type = "col"
    bars.title = f"{label('costs', lang)} / {label('benefits', lang)}"
    for key in ("costs", "benefits"):
        row = SUMMARY_ROWS[key][0]
        series = Series(
            Reference(summary, min_col=first, max_col=last, min_row=row), title=label(key, lang)
        )
        bars.series.append(series)
    calendar = SUMMARY_ROWS["calendar"][0]
    bars.set_categories(Reference(summary, min_col=first, max_col=last, min_row=calendar))
    _axes(bars, years_title, money_title)
    summary.add_chart(bars, "E40")

    table = layout.channels
    count = len(scenario.channels) if scenario else table.capacity
    if count:
        roas = BarChart()
        roas.type = "bar"
        roas.title = f"ROAS — {label('channels', lang)}"
        end = table.first_row + count - 1
        channels = sheets["channels"]
        col = ord(table.letter("roas")) - ord("A") + 1
        roas.add_data(Reference(channels, min_col=col, min_row=table.first_row, max_row=end))
        roas.set_categories(Reference(channels, min_col=1, min_row=table.first_row, max_row=end))
        roas.series[0].tx = None
        roas.legend = None
        roas.x_axis.delete = False
        roas.y_axis.delete = False
        roas.y_axis.title = "x"
        roas.height, roas.width = 8.5, 17
        channels.add_chart(roas, f"{chr(ord(table.check_letter) + 2)}{table.header_row}")
