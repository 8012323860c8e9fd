"""The portfolio summary workbook: one row per scenario of a batch (per option of a
scenario that compares options), and a chart of the NPV.

openpyxl builds the frame once per summary -- the header row with its own
fill and font (LibreOffice does not draw a table style's header), the Excel
table over every row, the column widths, the page setup (landscape at 65 % across
pages, the header row and the names printed on every page), and the chart sheet, printed on
one page. The body rows, thousands in a big batch, are written as XML
directly, the way openpyxl would write them (:func:`~crmroi_xl.excel.fast.input_xml`),
so a row costs microseconds instead of openpyxl's cell objects; the styles
they use are registered in the frame first, so their numbers are openpyxl's.

>>> from crmroi_xl.batch.summary import BatchEntry
>>> entry = BatchEntry(0, "line 1", "b.jsonl: line 1", "Nord", "ok", "nord.xlsx",
...                    results={"npv": 1500.0, "roi": None, "currency": "EUR"})
>>> summary_bytes([entry], "en")[:2]
b'PK'
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from io import BytesIO
from pathlib import Path
from typing import IO, Any
from zipfile import ZIP_DEFLATED, ZipInfo

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import InternalError
from ..excel.cosmetics import print_scaled, print_setup
from ..excel.fast import escape, input_xml
from ..excel.files import atomic_path
from ..excel.measure import fit_width, header_fit, height, text_need
from ..excel.package import write_package
from ..excel.styles import FONT, NAVY, number_formats
from ..excel.zipped import FIXED_TIME, FixedTimeZip
from ..scenario.labels import Lang, label
from .summary import (
    BASIS,
    COMPARISON_FORMATS,
    METRICS,
    STATUS_LABELS,
    BatchEntry,
    per_option,
    shown_place,
    summary_columns,
)

__all__ = [
    "HEADER_FILL",
    "HEADER_FONT",
    "save_summary_workbook",
    "summary_bytes",
    "write_summary_workbook",
]

#: The header row's look, given explicitly (not left to the table style).
HEADER_FILL = PatternFill("solid", fgColor=NAVY)
HEADER_FONT = Font(name=FONT, bold=True, color="FFFFFF")

_SHEET = "xl/worksheets/sheet1.xml"
_RELS = "xl/worksheets/_rels/sheet1.xml.rels"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HYPERLINK = f"{_R}/hyperlink"
_FORMATS = {**dict((*BASIS, *METRICS)), **COMPARISON_FORMATS}
#: Widths of the columns that do not fit their texts, and the cap of those that do.
_WIDTHS = {"status": 12.0, "error": 70.0}
_CAPS = {"source": 40.0, "name": 48.0, "file": 48.0, "option": 30.0}
_SMALL = {"baseline": 11.0, "rank": 9.0}
_METRIC_WIDTH = 15.0


class _Looks:
    """Style ids of the body's looks, registered in the frame's workbook as they appear."""

    def __init__(self, wb: Workbook, lang: Lang) -> None:
        self.scratch = wb.create_sheet("scratch")
        self.lang = lang
        self.ids: dict[tuple[str, str], str] = {}

    def id(self, kind: str, detail: str = "") -> str:
        """The ``s`` attribute of a cell of this look (``kind``: a number format key and
        ``detail`` its currency, or ``link``, or ``wrap``)."""
        found = self.ids.get((kind, detail))
        if found is None:
            cell = self.scratch.cell(len(self.ids) + 1, 1)
            if kind == "link":
                cell.style = "Hyperlink"
            elif kind == "wrap":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.number_format = number_formats(self.lang, detail)[kind]
            found = self.ids[(kind, detail)] = f' s="{cell.style_id}"'
        return found


def _frame(
    lang: Lang, rows: int, columns: dict[str, tuple[str, str]]
) -> tuple[Workbook, Worksheet]:
    """The summary of ``rows`` rows without its body: header, table, looks, chart."""
    keys = list(columns)
    wb = Workbook()
    ws = wb.active
    if ws is None:
        raise InternalError("a new openpyxl workbook has no sheet")
    fr = lang == "fr"
    ws.title = "Portefeuille" if fr else "Portfolio"
    last = get_column_letter(len(keys))
    ref = f"A1:{last}{max(2, rows + 1)}"
    titles = [columns[key][0 if fr else 1] for key in keys]
    table = Table(  # columns named here: openpyxl would make a cell of every row to name them
        displayName="Portfolio",
        ref=ref,
        autoFilter=AutoFilter(ref=ref),
        tableColumns=[TableColumn(id=i, name=t) for i, t in enumerate(titles, start=1)],
    )
    ws.append(titles)
    for cell in ws[1]:
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = "C2"
    print_setup(ws, lang, one_page=False)
    # legible, across pages, each naming its scenarios
    print_scaled(ws, titles=get_column_letter(keys.index("name") + 1))
    ws.print_title_rows = "1:1"

    sheet = wb.create_sheet("Graphique VAN" if fr else "NPV chart")
    chart = BarChart()
    chart.type = "bar"
    chart.title = "VAN par scénario" if fr else "NPV by scenario"
    npv = keys.index("npv") + 1
    end = rows + 1
    chart.add_data(Reference(ws, min_col=npv, min_row=1, max_row=end), titles_from_data=True)
    names = keys.index("option" if "option" in keys else "name") + 1  # an option: its name
    chart.set_categories(Reference(ws, min_col=names, min_row=2, max_row=end))
    chart.legend = None
    chart.x_axis.scaling.orientation = "maxMin"  # the first scenario on top, as in the table
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.title = label("npv", lang)
    chart.width = 24
    chart.height = max(8.0, min(0.5 * rows, 120.0))
    sheet.add_chart(chart, "A1")
    print_setup(sheet, lang, one_page=True)  # the chart on one page, never split
    wb.properties.creator = "crmroi-xl"
    wb.properties.title = ws.title
    return wb, ws


def _texts(entry: BatchEntry, fr: bool) -> dict[str, str | None]:
    baseline = entry.results.get("baseline")
    return {
        "option": entry.results.get("option"),
        "baseline": ("Oui" if fr else "Yes") if baseline else None,
        "source": shown_place(entry.place, "fr" if fr else "en"),
        "name": entry.name,
        "status": STATUS_LABELS[entry.status][0 if fr else 1],
        "file": entry.file,
        "currency": entry.results.get("currency"),
        "error": entry.error,
    }


def _register(entries: Sequence[BatchEntry], looks: _Looks) -> None:
    """Register every look the body uses before the frame is saved (its styles part)."""
    looks.id("link")
    looks.id("wrap")
    currencies = {str(e.results.get("currency") or "EUR") for e in entries if e.status == "ok"}
    for currency in sorted(currencies):
        for fmt in dict.fromkeys(_FORMATS.values()):
            looks.id(fmt, currency)


def _rows(
    entries: Sequence[BatchEntry], lang: Lang, looks: _Looks, keys: list[str]
) -> Iterator[str]:
    """The body rows' XML, a row at a time."""
    fr = lang == "fr"
    letters = [get_column_letter(c) for c in range(1, len(keys) + 1)]
    for r, entry in enumerate(entries, start=2):
        cells = [f'<row r="{r}">']
        texts = _texts(entry, fr)
        currency = str(entry.results.get("currency") or "EUR")
        for letter, key in zip(letters, keys, strict=True):
            ref = f"{letter}{r}"
            if key == "rank":
                if entry.results.get(key) is not None:
                    cells.append(f'<c r="{ref}"{input_xml(entry.results[key])}')
                continue
            if key in _FORMATS:
                if entry.status != "ok" or (key in COMPARISON_FORMATS and not texts["option"]):
                    continue
                value: Any = entry.results.get(key)
                style = looks.id(_FORMATS[key], currency)
                if value is None:  # as the workbooks show it
                    cells.append(f'<c r="{ref}"{style} t="e"><v>#N/A</v></c>')
                elif type(value) is float:  # most of them: as input_xml writes it
                    cells.append(f'<c r="{ref}"{style} t="n"><v>{value!r}</v></c>')
                else:
                    cells.append(f'<c r="{ref}"{style}{input_xml(value)}')
                continue
            text = texts[key]
            style = ""
            if key == "file" and entry.file:
                style = looks.id("link")
            elif key == "error":
                style = looks.id("wrap")
            if text is not None:
                cells.append(f'<c r="{ref}"{style}{input_xml(text)}')  # text stays text
            elif style:
                cells.append(f'<c r="{ref}"{style} t="n"></c>')
        cells.append("</row>")
        yield "".join(cells)


def _widths(
    ws: Worksheet, entries: Sequence[BatchEntry], lang: Lang, columns: dict[str, tuple[str, str]]
) -> None:
    """Every column as wide as its texts need (up to a cap), the header row as tall as
    its wrapped titles."""
    fr = lang == "fr"
    tallest = 1
    for c, key in enumerate(columns, start=1):
        title = columns[key][0 if fr else 1]
        width = _WIDTHS.get(key, _SMALL.get(key, _METRIC_WIDTH))
        if key in _CAPS:
            texts = [t for e in entries if (t := _texts(e, fr)[key])]
            width = fit_width(10.0, text_need(texts), _CAPS[key])
        width, lines = header_fit(title, width, 11, True, 3)
        tallest = max(tallest, lines)
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.row_dimensions[1].height = height(tallest, 11)


def _parts(wb: Workbook) -> dict[str, bytes]:
    """The parts openpyxl writes for ``wb``, in order."""
    parts: dict[str, bytes] = {}

    class Collect:
        def writestr(self, name: str, data: str | bytes) -> None:
            parts[name] = data.encode("utf-8") if isinstance(data, str) else data

        def write(self, filename: str, arcname: str) -> None:
            with open(filename, "rb") as handle:
                parts[arcname] = handle.read()

        def namelist(self) -> list[str]:
            return list(parts)

    write_package(wb, Collect())
    return parts


def write_summary_workbook(entries: Sequence[BatchEntry], lang: Lang, target: IO[bytes]) -> None:
    """Write ``portfolio-summary.xlsx`` for ``entries`` into ``target``, headers in
    ``lang``; its rows go to the zip a block at a time (memory stays flat)."""
    entries = per_option(entries)
    columns = summary_columns(entries)
    keys = list(columns)
    wb, ws = _frame(lang, len(entries), columns)
    looks = _Looks(wb, lang)
    _register(entries, looks)
    wb.remove(looks.scratch)  # its looks stay registered
    _widths(ws, entries, lang, columns)
    parts = _parts(wb)
    frame = parts[_SHEET].decode("ascii")
    last = get_column_letter(len(keys))
    dimension = f'<dimension ref="A1:{last}1"/>'
    if frame.count(dimension) != 1 or frame.count("</sheetData>") != 1:
        raise AssertionError("the summary frame's sheet is not as expected")
    head, tail = frame.replace(dimension, f'<dimension ref="A1:{last}{len(entries) + 1}"/>').split(
        "</sheetData>"
    )
    file_letter = get_column_letter(keys.index("file") + 1)
    linked = [(r, e.file) for r, e in enumerate(entries, start=2) if e.file]
    hyperlinks = "".join(
        f'<hyperlink ref="{file_letter}{r}" r:id="rIdL{i}"/>'
        for i, (r, _) in enumerate(linked, start=1)
    )
    if linked:
        tail = f'<hyperlinks xmlns:r="{_R}">{hyperlinks}</hyperlinks>{tail}'
    targets = "".join(
        f'<Relationship Id="rIdL{i}" Target="{_attribute(file)}" '
        f'TargetMode="External" Type="{_HYPERLINK}"/>'
        for i, (_, file) in enumerate(linked, start=1)
    )
    rels = parts[_RELS].decode("ascii")
    parts[_RELS] = rels.replace("</Relationships>", f"{targets}</Relationships>").encode("ascii")
    with FixedTimeZip(target, "w", ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name != _SHEET:
                archive.writestr(name, data)
                continue
            info = ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with archive.open(info, "w") as sheet:
                sheet.write(head.encode("ascii"))
                rows = _rows(entries, lang, looks, keys)
                while block := "".join(itertools.islice(rows, 256)):
                    sheet.write(block.encode("ascii"))
                sheet.write(f"</sheetData>{tail}".encode("ascii"))


def summary_bytes(entries: Sequence[BatchEntry], lang: Lang) -> bytes:
    """The bytes of ``portfolio-summary.xlsx`` for ``entries`` (see
    :func:`write_summary_workbook`)."""
    buffer = BytesIO()
    write_summary_workbook(entries, lang, buffer)
    return buffer.getvalue()


def save_summary_workbook(entries: Sequence[BatchEntry], lang: Lang, path: Path) -> Path:
    """Write ``portfolio-summary.xlsx`` at ``path``, atomically."""
    with atomic_path(path) as temporary, temporary.open("wb") as handle:
        write_summary_workbook(entries, lang, handle)
    return path


def _attribute(text: str | None) -> str:
    return escape(text or "").replace('"', "&quot;")
