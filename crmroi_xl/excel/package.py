"""The xlsx package: openpyxl's writer with cached values, zipped with fixed times.

openpyxl writes formulas without the value a spreadsheet would compute (it
computes nothing), and floats with 16 significant digits. An exported
workbook must show the engine's numbers before any recalculation (previewers,
``pandas.read_excel``, openpyxl ``data_only=True``) and read back to the same
floats, so :func:`write_package` writes each formula cell with its cached
value and every float with ``repr``.

It does so through subclasses of openpyxl's workbook and worksheet writers,
used for this one save -- nothing of openpyxl is patched, so saves in several
threads do not interfere. The subclasses override two methods of openpyxl 3.1,
the release ``pyproject.toml`` pins; the release and the methods' shape are
checked when this module is imported (:func:`check_openpyxl`): another openpyxl
fails loudly here, never silently in a workbook (the byte-identity tests of the
fast exporter are the second net). This module is the only one that knows
openpyxl's writer internals.

Text is written as Excel writes it: an underscore starting something that looks
like an escape of the file format (``_x0041_``) is itself escaped (``_x005F_``),
so Excel, LibreOffice and our reader show the text typed, not ``A``
(:mod:`crmroi_xl.excel.xstring`; openpyxl writes text as it is).

Every part is zipped with the same timestamp: the same workbook, the same
bytes. ``[Content_Types].xml`` is the zip's first entry, where Excel puts it
(openpyxl writes it last): tools that tell a file's type from its first entries
(libmagic's ``file``, for one) and readers that stream a package look for it
there.

The zip with fixed times and the cached values' text are
:mod:`crmroi_xl.excel.zipped` (the fast exporter uses them without openpyxl).
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED

import openpyxl
from openpyxl.cell._writer import write_cell
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.workbook import Workbook
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import Element, SubElement, whitespace

from .files import atomic_path
from .parts import CellValue
from .shared import share
from .xstring import escape
from .zipped import FIXED_TIME, FixedTimeZip, cached_type

__all__ = [
    "OPENPYXL_RELEASES",
    "check_openpyxl",
    "save_workbook",
    "write_package",
]

#: The openpyxl releases this module's overrides are known to work with, as pip writes
#: them: ``pyproject.toml`` pins exactly this (a test holds them together). openpyxl
#: 3.1.0 to 3.1.5 write the same workbooks; 3.0.10 has the same method shapes but fails
#: on the first export, and earlier releases do not import with numpy 2.
OPENPYXL_RELEASES = "openpyxl>=3.1,<3.2"
_RELEASE = (3, 1)


def check_openpyxl(version: str = openpyxl.__version__) -> None:
    """Refuse an openpyxl outside :data:`OPENPYXL_RELEASES`, or whose writer no longer has
    the shape this module overrides (run at import).

    >>> check_openpyxl("3.0.10")
    Traceback (most recent call last):
    ...
    ImportError: crmroi-xl cannot write workbooks with openpyxl 3.0.10: it needs openpyxl 3.1 (pip install 'openpyxl>=3.1,<3.2')
    """
    wanted = f"it needs openpyxl 3.1 (pip install '{OPENPYXL_RELEASES}')"
    release = re.match(r"(\d+)\.(\d+)", version)
    if release is None or (int(release[1]), int(release[2])) != _RELEASE:
        raise ImportError(f"crmroi-xl cannot write workbooks with openpyxl {version}: {wanted}")
    shapes: dict[str, tuple[Any, list[str]]] = {
        "WorksheetWriter.write_row": (WorksheetWriter.write_row, ["self", "xf", "row", "row_idx"]),
        "ExcelWriter.write_worksheet": (ExcelWriter.write_worksheet, ["self", "ws"]),
    }
    for name, (method, params) in shapes.items():
        if list(inspect.signature(method).parameters) != params:
            raise ImportError(
                f"crmroi-xl cannot write workbooks with openpyxl {version}: {name} changed; "
                f"{wanted}"
            )


check_openpyxl()


def _attributes(cell: Any, styled: bool) -> dict[str, str]:
    attrs = {"r": cell.coordinate}
    if styled:
        attrs["s"] = f"{cell.style_id}"
    return attrs


class _SheetWriter(WorksheetWriter):
    """openpyxl's worksheet writer, writing cached values and floats with every digit."""

    def __init__(self, ws: Any, cached: dict[str, CellValue]) -> None:
        super().__init__(ws)
        self.cached = cached

    def write_row(self, xf: Any, row: Any, row_idx: int) -> None:
        attrs = {"r": f"{row_idx}"}
        attrs.update(self.ws.row_dimensions.get(row_idx, {}))  # type: ignore[union-attr]
        with xf.element("row", attrs):
            for cell in row:
                if cell._comment is not None:
                    self.ws._comments.append(CommentRecord.from_cell(cell))  # type: ignore[union-attr]
                if cell._value is None and not cell.has_style and not cell._comment:
                    continue
                self._cell(xf, cell)

    def _cell(self, xf: Any, cell: Any) -> None:
        value = self.cached.get(cell.coordinate) if cell.data_type == "f" else None
        if value is not None:
            kind, text = cached_type(value)
            element = Element("c", _attributes(cell, cell.has_style))
            if kind is not None:
                element.set("t", kind)
            SubElement(element, "f").text = cell.value[1:]
            SubElement(element, "v").text = text
            xf.write(element)
        elif cell.data_type == "n" and type(cell.value) is float:
            element = Element("c", {**_attributes(cell, cell.has_style), "t": "n"})
            SubElement(element, "v").text = repr(cell.value)  # a re-read gives the same float
            xf.write(element)
        elif cell.data_type == "s" and type(cell.value) is str and escape(cell.value) != cell.value:
            element = Element("c", {**_attributes(cell, cell.has_style), "t": "inlineStr"})
            node: Any = SubElement(SubElement(element, "is"), "t")
            node.text = escape(cell.value)  # as write_cell writes text, escaped as Excel does
            whitespace(node)
            xf.write(element)
        else:
            write_cell(xf, self.ws, cell, cell.has_style)


class _Writer(ExcelWriter):
    """openpyxl's workbook writer, using :class:`_SheetWriter` for the worksheets."""

    def __init__(self, wb: Workbook, archive: Any, cached: dict[tuple[str, str], CellValue]):
        super().__init__(wb, archive)
        self.cached: dict[str, dict[str, CellValue]] = {}
        for (sheet, ref), value in cached.items():
            self.cached.setdefault(sheet, {})[ref] = value

    def write_worksheet(self, ws: Any) -> None:
        from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing

        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _SheetWriter(ws, self.cached.get(ws.title, {}))
        writer.write()
        ws._rels = writer._rels  # type: ignore[attr-defined]
        self._archive.write(writer.out, ws.path[1:])  # type: ignore[attr-defined]
        self.manifest.append(ws)
        writer.cleanup()


#: The part that says every other part's content type.
_CONTENT_TYPES = "[Content_Types].xml"


class _Parts:
    """The parts openpyxl writes, held in memory in the order it writes them."""

    def __init__(self) -> None:
        self.parts: dict[str, str | bytes] = {}

    def writestr(self, name: str, data: str | bytes) -> None:
        self.parts[name] = data

    def write(self, filename: str, arcname: str) -> None:
        self.parts[arcname] = Path(filename).read_bytes()

    def namelist(self) -> list[str]:
        return list(self.parts)


def write_package(
    wb: Workbook, archive: Any, cached: dict[tuple[str, str], CellValue] | None = None
) -> None:
    """Write ``wb`` into ``archive``: ``[Content_Types].xml`` first, fixed document times,
    the cached values of the formula cells (``(sheet title, address) -> value``), floats
    with all their digits.

    ``archive`` is a :class:`zipfile.ZipFile`, or anything with its ``writestr``,
    ``write`` and ``namelist`` (the fast exporter collects the parts in memory).
    """
    if wb.write_only:
        raise ValueError("a write-only workbook cannot be written with cached values")
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    written = _Parts()
    _Writer(wb, written, cached or {}).write_data()
    archive.writestr(_CONTENT_TYPES, written.parts.pop(_CONTENT_TYPES))
    for name, data in written.parts.items():
        if name.startswith("xl/worksheets/sheet"):  # the Simulation sheet's runs
            text = data.decode("utf-8") if isinstance(data, bytes) else data
            data = share(text).encode("utf-8")
        archive.writestr(name, data)


def save_workbook(
    wb: Workbook, path: str | Path, cached: dict[tuple[str, str], CellValue] | None = None
) -> Path:
    """Save atomically with fixed timestamps; a failure leaves no file and no change."""
    path = Path(path)
    with atomic_path(path) as temporary, FixedTimeZip(temporary, "w", ZIP_DEFLATED) as archive:
        write_package(wb, archive, cached)
    return path
