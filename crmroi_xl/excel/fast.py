"""The fast exporter: openpyxl builds each kind of workbook once, a scenario fills it in.

An exported workbook is some 3 000 cells, styles, a theme, validations, names
and charts, and nearly all of it is the same for every scenario of one
language, table size and currency. Building and saving it with openpyxl cell
by cell costs some 25 times what zipping its XML costs, so the exporter does
that once per kind of workbook and keeps the result in memory:

1. **The skeleton** -- per (language, table capacities, currency) --
   :func:`~crmroi_xl.excel.workbook.build_workbook` builds the workbook of a stand-in
   scenario; every place a scenario changes is then overwritten with a marker
   (each input cell, each formula cell's cached value, the widths of the
   columns that widen to their texts, the header rows' heights) and the
   workbook is saved by
   :func:`~crmroi_xl.excel.package.write_package`, the reference path's own writer.
   Each worksheet's XML is cut at the markers into static text and *slots*.
2. **The package** -- per skeleton, number of marketing channels (the ROAS
   chart has a bar per channel; the summary charts follow the horizon in the
   workbook itself) and whether the scenario has a simulation (the Monte
   Carlo charts of the sensitivity sheet) -- the charts, drawings, their relationships and the
   content types, written by openpyxl from
   :func:`~crmroi_xl.excel.charts.add_charts` on empty sheets of the same names
   (a few milliseconds), and the order of the parts in the zip.
3. **Per scenario** only the slots are rendered -- an input as openpyxl
   writes it (inline strings escaped the same way, ``xml:space="preserve"``
   where openpyxl sets it, floats with ``repr``), a cached value as
   :func:`~crmroi_xl.excel.package.write_package` writes it, a width with the same
   measuring functions the reference path calls -- each worksheet is one
   ``str.join``, and the parts are zipped with the same fixed timestamps.

The result is the workbook :func:`~crmroi_xl.excel.workbook.export_workbook_openpyxl`
writes, byte for byte (``tests/test_fast_export.py`` checks it on the
examples and on generated scenarios). Both caches are bounded
(:func:`functools.lru_cache`) and hold only immutable values, so threads share
them safely; a process pool fills one per worker.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from operator import itemgetter
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED

from ..engine import diskcache
from ..engine.compute import compute
from ..engine.optionbook import OptionBook, book_results
from ..engine.options import Comparison
from ..engine.results import Results
from ..errors import InternalError
from ..scenario.labels import Lang
from ..scenario.model import Scenario
from .content import formulas, texts
from .cosmetics import header_text, style_font, unused_lines
from .files import write_atomic
from .inputs import input_values
from .layout import Layout
from .measure import TEXT_CAP, fit_width, header_fit, height, text_need
from .optionview import shown_book, table_scenario
from .parts import Capacity, CellValue, Formula, Table
from .sheet import Context
from .sheets.tables import fitted_columns, fixed_texts, header_letters
from .simulated import simulated
from .styles import number_formats
from .vectored import Vectored
from .workbook import export_layout
from .xstring import escape as xstring
from .zipped import FixedTimeZip, cached_type

__all__ = [
    "Kind",
    "Skeleton",
    "cache_info",
    "cached_xml",
    "clear_caches",
    "escape",
    "export_workbook",
    "input_xml",
    "prepare",
    "skeleton",
    "workbook_bytes",
    "workbook_kind",
]

# Markers: private-use characters around a slot's index (inputs, cached values),
# and numbers no real width or height reaches.
_INPUT = "\ue000{}\ue001"
_CACHED = "\ue002{}\ue003"
_HEADER = "\ue004"  # the scenario's name in each sheet's page header
# (a million slots apart: a workbook of a big kind, its live simulation included, has
# well over the 100 000 slots six digits would allow)
_WIDTH, _HEIGHT, _ROW = 9_000_000, 8_000_000, 7_000_000
_SLOT = re.compile(
    r'(?P<input><c r="[A-Z]+[0-9]+"(?: s="[0-9]+")?) t="inlineStr"><is><t>'
    r"&#57344;(?P<i>[0-9]+)&#57345;</t></is></c>"
    r'|(?P<cell><c r="[A-Z]+[0-9]+"(?: s="[0-9]+")?) t="str">(?P<formula><f(?: [^>]*)?(?:/>|>[^<]*</f>))<v>'
    r"&#57346;(?P<j>[0-9]+)&#57347;</v></c>"
    r'|(?P<dim> width="| ht=")(?P<n>[98][0-9]{6})"'
    r"|(?P<drawing><drawing [^>]*/>)"
    r"|(?P<header>&#57348;)"
    r'|(?P<row> ht="7(?P<k>[0-9]{6})" customHeight="1")'
)
#: A table row's attributes when folded (:func:`~crmroi_xl.excel.cosmetics.fold_unused`).
_FOLDED = ' hidden="1" outlineLevel="1"'

#: What openpyxl refuses in a cell's text (``openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE``:
#: the fast path does not import openpyxl).
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

#: Characters XML 1.0 cannot hold: lxml refuses them, so does the fast path.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# --- rendering a value as openpyxl writes it ------------------------------------------


def escape(text: str) -> str:
    """``text`` as lxml writes it in an element of an ASCII document: ``& < >`` as
    entities, a carriage return and every non-ASCII character as a character
    reference (quotes stay as they are in element text)."""
    if _NOT_XML.search(text) is not None:
        raise ValueError(f"All strings must be XML compatible: {text!r}")
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if text.isascii():
        return text
    return text.encode("ascii", "xmlcharrefreplace").decode("ascii")


_BLANK = ' t="n"></c>'


def _number(value: float) -> str:
    """A number as openpyxl's ``safe_string`` writes it (16 significant digits, nothing
    for NaN or infinity).

    >>> _number(True), _number(3), _number(12.345678901234567), _number(float("nan"))
    ('1', '3', '12.34567890123457', '')
    """
    return "" if math.isnan(value) or math.isinf(value) else f"{value:.16g}"


def input_xml(value: Any) -> str:
    """The end of an input cell's ``<c r=... s=...`` element, as openpyxl writes the
    value ``build_workbook`` puts there (text always as an inline string)."""
    if value is None:
        return _BLANK
    if isinstance(value, str):
        value = value[:32767]  # openpyxl's check_string
        if _ILLEGAL.search(value):
            from openpyxl.utils.exceptions import IllegalCharacterError

            raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
        if value == "":
            return ' t="inlineStr"></c>'
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f' t="inlineStr"><is><t{space}>{escape(xstring(value))}</t></is></c>'
    if isinstance(value, bool):
        return f' t="b"><v>{_number(value)}</v></c>'
    if type(value) is float:
        return f' t="n"><v>{value!r}</v></c>'  # as write_package: every digit
    if isinstance(value, (int, float)):
        return f' t="n"><v>{_number(value)}</v></c>'
    raise TypeError(f"cannot write {value!r} in a cell")


def cached_xml(value: CellValue | None) -> tuple[str, str]:
    """The type attribute and the ``<v>`` text of a formula cell's cached value, as
    :func:`crmroi_xl.excel.package.write_package` writes them."""
    if value is None:
        return "", ""
    kind, text = cached_type(value)
    return ("" if kind is None else f' t="{kind}"'), (escape(text) if kind == "str" else text)


@lru_cache(maxsize=1024)
def _cached_text(value: str) -> tuple[str, str]:
    """:func:`cached_xml` of a text (a few labels: blank, ``#N/A``, Yes, ▲ ...)."""
    return cached_xml(value)


# --- the skeleton --------------------------------------------------------------------


@dataclass(frozen=True)
class _Fitted:
    """A column that widens to its texts, less the scenario's texts: what the
    reference path's table looks and header fit start from."""

    letter: str
    slot: int  # where its width goes
    current: float  # the layout's width
    need: float  # what its fixed texts need
    inputs: tuple[int, ...]  # its input cells (indices of the input slots)
    header: tuple[str, float, bool] | None  # header text, font size, bold


@dataclass(frozen=True)
class _TableGeometry:
    """Column widths and header height of a table sheet."""

    fitted: tuple[_Fitted, ...]
    tallest: int  # lines of the tallest header among the other columns
    height_slot: int

    def render(self, inputs: Sequence[Any], out: list[str]) -> None:
        """Write this table's widths and header height in ``out``."""
        tallest = self.tallest
        for column in self.fitted:
            texts = [str(inputs[i]) for i in column.inputs if inputs[i] is not None]
            width = fit_width(column.current, max(column.need, text_need(texts)), TEXT_CAP)
            if column.header is not None:
                text, size, bold = column.header
                width, lines = header_fit(text, width, size, bold, 4)
                tallest = max(tallest, lines)
            out[column.slot] = _number(width)
        out[self.height_slot] = _number(height(tallest))


@dataclass(frozen=True)
class _Sheet:
    """A worksheet's XML: static text around the slots (``len(statics) == len(slots) + 1``)."""

    statics: tuple[str, ...]
    slots: tuple[int, ...]

    def render(self, values: Sequence[str]) -> bytes:
        parts: list[str] = [""] * (2 * len(self.statics) - 1)
        parts[0::2] = self.statics
        if len(self.slots) > 1:
            parts[1::2] = itemgetter(*self.slots)(values)
        elif self.slots:
            parts[1] = values[self.slots[0]]
        return "".join(parts).encode("ascii")


@dataclass(frozen=True)
class Skeleton:
    """A kind of workbook, saved once, with the slots a scenario fills."""

    layout: Layout
    parts: dict[str, bytes]  # every part but the worksheets, as the skeleton saved them
    sheets: dict[str, _Sheet]  # worksheet part name -> template
    inputs: int  # input slots: 0 .. inputs - 1
    formulas: int  # then a type attribute and a value per formula cell
    geometry: tuple[_TableGeometry, ...]
    folds: tuple[tuple[str, Table, int], ...]  # (sheet, table, its rows' first slot)
    drawing: int  # the channels sheet's <drawing> (there only when it has a chart)
    drawing_xml: str
    headers: tuple[int, ...]  # each sheet's page header (the scenario's name)
    size: int  # slots in all
    scalars: tuple[int, ...] = ()  # the formula cells valued one by one
    blocks: tuple[tuple[str, int, int], ...] = ()  # (block key, first formula, cells)

    def values(
        self,
        scenario: Scenario,
        drawing: bool,
        results: Results | None = None,
        book: OptionBook | None = None,
    ) -> list[str]:
        """Every slot's text for ``scenario`` (``results``: its computed results, if known;
        a workbook of options: its ``book``, ``scenario`` its table of lines)."""
        if results is None:
            results = book_results(book) if book is not None else compute(scenario)
        inputs = input_values(self.layout, scenario, results, book=book)
        if len(inputs) != self.inputs:
            raise AssertionError("the scenario does not fit the skeleton's layout")
        out = [_BLANK if value is None else input_xml(value) for value in inputs]
        out += [""] * (self.size - len(out))
        cells = formulas(self.layout)
        context = Context(self.layout, scenario, results, book=book)
        types, texts = self.inputs, self.inputs + self.formulas
        for j in self.scalars:
            value = cells[j].value(context)
            if type(value) is float:  # most of them
                out[texts + j] = repr(value)
            else:
                kind, text = _cached_text(value) if type(value) is str else cached_xml(value)
                out[types + j], out[texts + j] = kind, text
        for _, first, count in self.blocks:
            block = cells[first].value
            assert isinstance(block, Vectored)
            kinds, numbers = block.block.xml(context)
            if len(numbers) != count:
                raise AssertionError(
                    f"block {block.block.key}: {len(numbers)} values, {count} cells"
                )
            out[types + first : types + first + count] = kinds
            out[texts + first : texts + first + count] = numbers
        for table in self.geometry:
            table.render(inputs, out)
        for key, lines, first in self.folds:
            folded = unused_lines(lines, len(getattr(scenario, key)))
            for i in folded:
                out[first + i] = _FOLDED
        out[self.drawing] = self.drawing_xml if drawing else ""
        header = escape(header_text(scenario.assumptions.name))
        for slot in self.headers:
            out[slot] = header
        return out


class _Parts:
    """What openpyxl's ExcelWriter writes, kept in order in memory (no zip)."""

    def __init__(self) -> None:
        self.parts: dict[str, bytes] = {}

    def writestr(self, name: str, data: str | bytes) -> None:
        self.parts[name] = data.encode("utf-8") if isinstance(data, str) else data

    def write(self, filename: str, arcname: str) -> None:
        with open(filename, "rb") as handle:
            self.parts[arcname] = handle.read()

    def namelist(self) -> list[str]:
        return list(self.parts)


def _stand_in(currency: str, channels: int = 1, ranged: bool = False, options: int = 0) -> Scenario:
    """A scenario of ``channels`` channels, in ``currency``; ``ranged``: a cost with a
    range (so a simulation); ``options``: a choice between that many options."""
    costs = [{"label": "c", "category": "other", "high": 2}] if ranged else []
    choice = {"options": [{"name": f"o{k}"} for k in range(options)]} if options else {}
    return Scenario.model_validate(
        {
            "assumptions": {"name": "skeleton", "currency": currency},
            "costs": costs,
            "channels": [{"name": f"c{i}", "spend": 1} for i in range(channels)],
            **choice,
        }
    )


def _sheet_part(layout: Layout, key: str) -> str:
    """The zip part of a sheet (openpyxl numbers them in workbook order)."""
    return f"xl/worksheets/sheet{layout.sheet_keys.index(key) + 1}.xml"


@lru_cache(maxsize=16)
def skeleton(lang: Lang, capacity: Capacity, currency: str) -> Skeleton:
    """The skeleton of the workbooks of one language, table size and currency."""
    from .package import write_package  # openpyxl: only where a kind is built
    from .workbook import build_workbook

    layout = Layout(lang, capacity, currency)
    stand_in = _stand_in(currency, options=2 if capacity.options else 0)
    wb, _ = build_workbook(layout, stand_in, mode="native")
    sheets = {key: wb[layout.sheet_name(key)] for key in layout.sheet_keys}

    positions = [(cell.sheet, cell.ref) for cell in layout.inputs]
    if len(set(positions)) != len(positions):
        raise InternalError("the layout places two input cells at one address")
    for i, (sheet, ref) in enumerate(positions):
        cell = sheets[sheet][ref]
        cell.value = _INPUT.format(i)
        cell.data_type = "s"
    cells = formulas(layout)
    cached: dict[tuple[str, str], CellValue] = {
        (layout.sheet_name(f.sheet), f.ref): _CACHED.format(j) for j, f in enumerate(cells)
    }
    if len(cached) != len(cells):
        raise InternalError("the layout places two formula cells at one address")
    size = len(positions) + 2 * len(cells)
    sheet_texts = list(texts(layout))

    geometry = []
    folds: list[tuple[str, Table, int]] = []
    markers: dict[int, int] = {}  # marker -> slot
    for table in layout.tables:
        ws = sheets[table.sheet]
        fitted = {table.letter(c.key): c for c in fitted_columns(table)}
        tallest = 1
        for letter in header_letters(table):
            header = ws[f"{letter}{table.header_row}"]
            if letter not in fitted and isinstance(header.value, str):
                size_, bold = style_font(header)
                width = ws.column_dimensions[letter].width
                tallest = max(tallest, header_fit(header.value, width, size_, bold, 4)[1])
        columns = []
        for letter, column in fitted.items():
            header = ws[f"{letter}{table.header_row}"]
            title = (header.value, *style_font(header)) if isinstance(header.value, str) else None
            column_cells = {table.cell(column.key, i) for i in range(table.capacity)}
            inputs = tuple(
                i
                for i, (s, ref) in enumerate(positions)
                if s == table.sheet and ref in column_cells
            )
            need = text_need(fixed_texts(layout, table, column, sheet_texts))
            columns.append(_Fitted(letter, size, column.width, need, inputs, title))
            markers[_WIDTH + size] = size
            ws.column_dimensions[letter].width = _WIDTH + size
            size += 1
        height_slot = size
        markers[_HEIGHT + size] = size
        ws.row_dimensions[table.header_row].height = _HEIGHT + size
        size += 1
        geometry.append(_TableGeometry(tuple(columns), tallest, height_slot))
        folds.append((table.sheet, table, size))  # its rows' attributes
        for row in range(table.first_row, table.last_row + 1):
            dimension = ws.row_dimensions[row]
            dimension.hidden, dimension.outlineLevel = False, 0
            markers[_ROW + size] = size
            dimension.ht = _ROW + size
            size += 1
    drawing = size
    size += 1
    headers = tuple(range(size, size + len(sheets)))
    size += len(sheets)
    for ws in sheets.values():
        if ws.oddHeader is None:
            raise InternalError(f"{ws.title}: openpyxl gave the sheet no header")
        ws.oddHeader.center.text = _HEADER
    free_headers = list(headers)

    collected = _Parts()
    write_package(wb, collected, cached)
    parts, templates, drawing_xml = {}, {}, ""
    for name, data in collected.parts.items():
        if not (name.startswith("xl/worksheets/sheet") and name.endswith(".xml")):
            parts[name] = data
            continue
        statics: list[str] = []
        slots: list[int] = []
        text, start = data.decode("ascii"), 0
        for m in _SLOT.finditer(text):
            if m["input"]:
                statics.append(text[start : m.start()] + m["input"])
                slots.append(int(m["i"]))
                start = m.end()
            elif m["cell"]:
                j = int(m["j"])
                statics.append(text[start : m.start()] + m["cell"])
                slots.append(len(positions) + j)
                statics.append(">" + m["formula"] + "<v>")
                slots.append(len(positions) + len(cells) + j)
                start = m.end() - len("</v></c>")
            elif m["dim"]:
                statics.append(text[start : m.start()] + m["dim"])
                slots.append(markers.pop(int(m["n"])))
                start = m.end() - 1
            elif m["row"]:
                statics.append(text[start : m.start()])
                slots.append(markers.pop(_ROW + int(m["k"])))
                start = m.end()
            elif m["header"]:
                statics.append(text[start : m.start()])
                slots.append(free_headers.pop(0))
                start = m.end()
            elif name == _sheet_part(layout, "channels"):
                statics.append(text[start : m.start()])
                slots.append(drawing)
                drawing_xml = m["drawing"]
                start = m.end()
        statics.append(text[start:])
        templates[name] = _Sheet(tuple(statics), tuple(slots))
    if markers or free_headers or not drawing_xml:
        raise AssertionError("a marker was not found in the skeleton's XML")
    if sorted(s for t in templates.values() for s in t.slots) != list(range(size)):
        raise AssertionError("each slot must appear once in the skeleton's XML")
    scalars, blocks = _blocks(cells)
    return Skeleton(
        layout,
        parts,
        templates,
        len(positions),
        len(cells),
        tuple(geometry),
        tuple(folds),
        drawing,
        drawing_xml,
        headers,
        size,
        scalars,
        blocks,
    )


def _blocks(
    cells: Sequence[Formula],
) -> tuple[tuple[int, ...], tuple[tuple[str, int, int], ...]]:
    """The formula cells valued one by one, and the runs of cells that are one
    :class:`~crmroi_xl.excel.vectored.Block`'s cells 0, 1, 2 ... in a row, rendered
    at once (a block's cells must all be in that run: :meth:`Skeleton.values` checks
    the count); the cells of a block not starting at 0 are valued one by one."""
    scalars: list[int] = []
    blocks: list[tuple[str, int, int]] = []
    j = 0
    while j < len(cells):
        value = cells[j].value
        if isinstance(value, Vectored) and value.index == 0:
            end = j + 1
            while end < len(cells):
                other = cells[end].value
                if not (isinstance(other, Vectored) and other.block is value.block):
                    break
                if other.index != end - j:
                    break
                end += 1
            blocks.append((value.block.key, j, end - j))
            j = end
        else:
            scalars.append(j)
            j += 1
    return tuple(scalars), tuple(blocks)


# --- the package: parts in order, charts -------------------------------------------

#: Parts that depend on the charts (the number of channels).
_CHART_PARTS = ("xl/charts/", "xl/drawings/", "xl/worksheets/_rels/", "[Content_Types].xml")


@dataclass(frozen=True)
class _Package:
    """The parts of a workbook in zip order: bytes, or a worksheet template."""

    skeleton: Skeleton
    entries: tuple[tuple[str, bytes | _Sheet], ...]
    drawing: bool  # the channels sheet has its chart


@lru_cache(maxsize=256)
def _package(
    lang: Lang,
    capacity: Capacity,
    currency: str,
    channels: int,
    simulation: bool,
    options: int = 0,
) -> _Package:
    """The package of a kind: from the disk cache (:mod:`crmroi_xl.engine.diskcache`)
    when it holds it, else built (:func:`_build_package`) and stored there."""
    kind = (lang, capacity, currency, channels, simulation, options)
    found = diskcache.load(kind)
    if isinstance(found, _Package):
        return found
    built = _build_package(*kind)
    diskcache.store(kind, built)
    return built


def _build_package(
    lang: Lang,
    capacity: Capacity,
    currency: str,
    channels: int,
    simulation: bool,
    options: int = 0,
) -> _Package:
    """The skeleton's parts with the charts of ``channels`` channels, of ``options``
    options and, with a ``simulation``, the Monte Carlo charts: openpyxl writes the
    same charts on empty sheets of the same names."""
    from openpyxl import Workbook

    from .charts import add_charts
    from .package import write_package

    base = skeleton(lang, capacity, currency)
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    sheets = {key: wb.create_sheet(base.layout.sheet_name(key)) for key in base.layout.sheet_keys}
    formats = number_formats(lang, currency)
    stand_in = _stand_in(currency, channels, simulation, options)
    add_charts(base.layout, sheets, stand_in, formats, options)
    collected = _Parts()
    write_package(wb, collected)
    entries: list[tuple[str, bytes | _Sheet]] = []
    for name, data in collected.parts.items():
        if name in base.sheets:
            entries.append((name, base.sheets[name]))
        elif name.startswith(_CHART_PARTS):
            entries.append((name, data))
        else:
            entries.append((name, base.parts[name]))
    expected = {n for n in base.parts if not n.startswith(_CHART_PARTS)} | set(base.sheets)
    if not expected <= {name for name, _ in entries}:
        raise AssertionError("the charts' workbook lacks parts of the skeleton")
    rels = (
        _sheet_part(base.layout, "channels").replace("worksheets/", "worksheets/_rels/") + ".rels"
    )
    return _Package(base, tuple(entries), rels in collected.parts)


def workbook_bytes(
    scenario: Scenario,
    *,
    lang: Lang | None = None,
    results: Results | None = None,
    shown: str | None = None,
    comparison: Comparison | None = None,
) -> bytes:
    """The bytes of ``scenario``'s standalone workbook (what ``export_workbook`` writes).

    ``results``, when the caller already computed them, saves computing twice. A
    scenario with options: one workbook holds them all, showing option ``shown``
    (default: the best by NPV); ``comparison``, its ``compare`` when the caller has it
    (a batch does), saves comparing twice -- a Monte Carlo of every option.
    """
    layout = export_layout(scenario, lang)
    kind = (layout.lang, layout.capacity, layout.currency)
    book = shown_book(scenario, shown, comparison)  # a choice: every option's, one shown
    options = len(scenario.options or [])
    if book is not None:
        scenario, results = book.flat, None
    package = _package(*kind, len(scenario.channels), simulated(scenario), options)
    values = package.skeleton.values(scenario, package.drawing, results, book)
    buffer = BytesIO()
    with FixedTimeZip(buffer, "w", ZIP_DEFLATED) as archive:
        for name, content in package.entries:
            if isinstance(content, _Sheet):
                content = content.render(values)
            archive.writestr(name, content)
    return buffer.getvalue()


#: What a workbook's caches are keyed by: language, table capacities, currency, channels,
#: whether it holds a simulation, its options (the Comparison chart's lines).
Kind = tuple[Lang, Capacity, str, int, bool, int]


def workbook_kind(scenario: Scenario, lang: Lang | None = None) -> Kind:
    """The kind of ``scenario``'s workbook: what :func:`prepare` builds for it."""
    layout = export_layout(scenario, lang)
    channels, simulation = len(scenario.channels), simulated(table_scenario(scenario))
    options = len(scenario.options or [])
    return layout.lang, layout.capacity, layout.currency, channels, simulation, options


def prepare(kinds: Iterable[Kind]) -> None:
    """Build the skeletons and packages of ``kinds`` now: before a process pool forks
    (its workers inherit them) or in each worker as it starts, rather than on each
    worker's first export."""
    for kind in kinds:
        _package(*kind)


def export_workbook(scenario: Scenario, path: str | Path, *, lang: Lang | None = None) -> Path:
    """Write a standalone workbook of ``scenario`` with native formulas only.

    The result opens in Excel, LibreOffice and Google Sheets without Python,
    and shows the engine's numbers before any recalculation. It is the workbook
    :func:`~crmroi_xl.excel.workbook.export_workbook_openpyxl` writes, byte for
    byte, at a fraction of the cost.
    """
    return write_atomic(path, workbook_bytes(scenario, lang=lang))


def cache_info() -> dict[str, Any]:
    """Hits and misses of the skeleton and package caches."""
    return {"skeletons": skeleton.cache_info(), "packages": _package.cache_info()}


def clear_caches() -> None:
    """Forget every skeleton and package held in memory (the next export reads them from
    the disk cache or builds them again; :func:`crmroi_xl.engine.diskcache.clear` empties
    the disk cache)."""
    _package.cache_clear()
    skeleton.cache_clear()
