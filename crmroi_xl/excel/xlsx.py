"""Read cells out of an xlsx file: safely, and only what is asked for.

This module knows the xlsx format, nothing about crmroi's workbooks. Given a
path, :func:`open_xlsx` checks the file before any XML is parsed, then reads
the sheet list and the workbook's defined names; :meth:`Xlsx.cells` reads the
cells of one sheet within a top-left area, :meth:`Xlsx.rows` streams the rows
of a sheet. Each cell comes back as a :class:`Cell`: its value, the type of that
value, and for a formula its text (the value is then the one the spreadsheet
saved for it, if any).

Before anything is parsed, the file passes the checks of
:mod:`crmroi_xl.excel.archive` (a regular file, a sane zip, no bomb, no DOCTYPE),
so a hostile file is refused with the same words whatever reads it.

What is read, and how:

* XML is parsed by lxml without entity resolution, DTD or network, and
  without ``huge_tree``;
* sheets not asked for are never parsed; of the stylesheet, only the cell
  formats' number formats are read (to tell a date from a number), and only
  when a number cell with a format is read;
* a part the checks kept in memory (at most 256 kB) is parsed whole, in C,
  which is fastest; a larger one is streamed and left as soon as what is
  needed is read: a sheet down to the last row asked for (a sheet of 150 000
  rows, or one cell at ``XFD1048576``, costs nothing beyond the area asked
  for; ``<dimension>`` is never trusted), the shared strings up to the last
  one used, the stylesheet up to the last cell format used and at most
  :data:`MAX_STYLE_ELEMENTS` elements of it;
* text (shared, inline, a formula's result) comes back with the file format's
  ``_xHHHH_`` escapes undone as the standard says (:mod:`crmroi_xl.excel.xstring`).

>>> import io, zipfile, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "tiny.xlsx"
>>> with zipfile.ZipFile(path, "w") as archive:
...     archive.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/'
...         'spreadsheetml/2006/main"><sheets><sheet name="Data" sheetId="1" r:id="rId1" '
...         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
...         '</sheets></workbook>')
...     archive.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.'
...         'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
...         'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
...         'Target="worksheets/sheet1.xml"/></Relationships>')
...     archive.writestr("xl/worksheets/sheet1.xml", '<worksheet xmlns="http://schemas.'
...         'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
...         '<c r="A1" t="inlineStr"><is><t>seats</t></is></c><c r="B1"><f>12*50</f><v>600</v></c>'
...         '</row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>')
>>> with open_xlsx(path) as book:
...     [sheet.name for sheet in book.worksheets], book.cells("Data", rows=10, columns=5)
(['Data'], {'A1': Cell(value='seats', type='inline string', formula=None, origin=None), \
'B1': Cell(value=600, type='number', formula='=12*50', origin=None)})
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, Literal, NamedTuple

from lxml import etree  # type: ignore[import-untyped]

from ..errors import WorkbookError
from .archive import DAMAGE, damaged, open_archive
from .xstring import unescape

__all__ = [
    "MAX_STYLE_ELEMENTS",
    "Cell",
    "CellType",
    "Sheet",
    "Xlsx",
    "as_datetime",
    "column_index",
    "date_text",
    "open_xlsx",
    "parse_area",
]

#: Elements of the stylesheet read at most to find the number format of a cell:
#: far above what Excel can write (64 000 cell formats), far below a bomb.
MAX_STYLE_ELEMENTS = 400_000

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_ROW, _C, _V, _F, _IS, _T, _R = (_MAIN + tag for tag in ("row", "c", "v", "f", "is", "t", "r"))
_MAX_ROW, _MAX_COLUMN = 1_048_576, 16_384
_AREA = re.compile(
    r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Z]{1,3})\$?([0-9]{1,7}))?$"
)

#: The type of what a cell holds; for a formula, the type of the value saved for it.
CellType = Literal[
    "number",  # value: int or float
    "date",  # a number formatted as a date or time (or an ISO date); value: its serial number
    "shared string",  # value: str
    "inline string",  # value: str
    "formula string",  # the text result of a formula; value: str
    "boolean",  # value: bool
    "error",  # value: the error, e.g. "#DIV/0!"
    "empty",  # a formula with no saved value; value: None
]


class Cell(NamedTuple):
    """One cell as the file stores it.

    ``formula`` is the formula's text with its ``=`` (``"=12*50"``), or None.
    For a cell filled from a shared or array formula typed elsewhere,
    ``formula`` is the text typed there and ``origin`` its address.
    """

    value: int | float | str | bool | None
    type: CellType
    formula: str | None = None
    origin: str | None = None


@dataclass(frozen=True)
class Sheet:
    """A sheet of the workbook, in workbook order: its name, its part, its kind."""

    name: str
    part: str | None  # e.g. "xl/worksheets/sheet1.xml"; None when the file lacks it
    kind: str  # "worksheet", "chartsheet", ...


# --- addresses ---------------------------------------------------------------------------

_COLUMNS: dict[str, int] = {}


def column_index(letters: str) -> int:
    """The 1-based index of a column's letters.

    >>> column_index("A"), column_index("K"), column_index("XFD")
    (1, 11, 16384)
    """
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for letter in letters.upper():
            index = index * 26 + ord(letter) - 64
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = index
    return index


def parse_area(text: str) -> tuple[str, int, int, int, int] | None:
    """The sheet, first column, first row, last column and last row of a defined
    name's text such as ``'Coûts'!$A$6:$X$30``; None for anything else.

    >>> parse_area("'Coûts'!$A$6:$X$30"), parse_area("Costs!$B$4")
    (('Coûts', 1, 6, 24, 30), ('Costs', 2, 4, 2, 4))
    >>> parse_area("Costs!$A$1,Costs!$B$2") is None
    True
    """
    match = _AREA.match(text.strip())
    if match is None:
        return None
    quoted, plain, first_col, first_row, last_col, last_row = match.groups()
    sheet = quoted.replace("''", "'") if quoted is not None else plain
    col1, row1 = column_index(first_col), int(first_row)
    col2 = column_index(last_col) if last_col else col1
    row2 = int(last_row) if last_row else row1
    return sheet, min(col1, col2), min(row1, row2), max(col1, col2), max(row1, row2)


def as_datetime(serial: float, date1904: bool = False) -> datetime:
    """The date and time of an Excel serial number (the 1900 system unless ``date1904``).

    >>> as_datetime(45292), as_datetime(45292.5, False).isoformat(" ", "minutes")
    (datetime.datetime(2024, 1, 1, 0, 0), '2024-01-01 12:00')
    """
    if date1904:
        epoch = datetime(1904, 1, 1)
    else:  # Excel counts a 29 February 1900 that never was
        epoch = datetime(1899, 12, 31) if serial < 60 else datetime(1899, 12, 30)
    return epoch + timedelta(days=serial)


def date_text(serial: float, date1904: bool = False) -> str:
    """A date cell's value as a person reads it: the date, its time if any.

    >>> date_text(45292), date_text(45292.75), date_text(0.5)
    ('2024-01-01', '2024-01-01 18:00', '12:00')
    """
    try:
        moment = as_datetime(serial, date1904)
    except OverflowError:  # past year 9999: no date at all
        return repr(serial)
    if serial < 1:
        return f"{moment:%H:%M}"
    return f"{moment:%Y-%m-%d %H:%M}" if moment.hour or moment.minute else f"{moment:%Y-%m-%d}"


# --- number formats --------------------------------------------------------------------

#: Built-in number formats that show dates or times (ECMA-376 18.8.30, East Asian ones included).
_DATE_FORMAT_IDS = frozenset(
    [*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59), *range(71, 82)]
)
_NOT_DATE_PARTS = re.compile(r'"[^"]*"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]|\\.|_.|\*.')
_DATE_LETTER = re.compile(r"[dmhysDMHYS]")


def _is_date_format(format_id: int, custom: dict[int, str]) -> bool:
    """Whether a number format shows a date or a time (as openpyxl and Excel decide).

    >>> _is_date_format(14, {}), _is_date_format(164, {164: 'dd/mm/yyyy'})
    (True, True)
    >>> _is_date_format(165, {165: '#,##0" days"'}), _is_date_format(166, {166: '[Red]0.0'})
    (False, False)
    """
    code = custom.get(format_id)
    if code is None:
        return format_id in _DATE_FORMAT_IDS
    first = _NOT_DATE_PARTS.sub("", code.split(";")[0])
    return _DATE_LETTER.search(first) is not None


_XML_DAMAGE = (*DAMAGE, etree.LxmlError)


def _damaged(path: Path, part: str | None = None) -> Any:
    """Errors of a damaged part, XML ones included, as one line (see archive.damaged)."""
    return damaged(path, part, _XML_DAMAGE)


#: How every part is parsed: no entity resolution, DTD or network; no huge_tree.
_SAFE = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def _parser() -> Any:
    """An lxml parser for a whole part (one per parse: lxml parsers are not thread-safe)."""
    return etree.XMLParser(**_SAFE)


def _events(source: IO[bytes], tag: str | None = None) -> Any:
    """An lxml iterparse over ``source``, end events."""
    return etree.iterparse(source, events=("end",), tag=tag, **_SAFE)


def _forget(element: Any) -> None:
    """Free an element read from an iterparse, and the siblings read before it."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


@contextmanager
def open_xlsx(path: str | Path) -> Iterator[Xlsx]:
    """Check the file at ``path`` (:func:`crmroi_xl.excel.archive.open_archive`) and open it
    as an :class:`Xlsx`, closed when the block ends.

    Raises
    ------
    WorkbookError
        One line naming the file: not a regular file, too big, not an xlsx
        archive, a bomb, a damaged part.
    """
    with open_archive(path) as (archive, kept):
        book = Xlsx(Path(path), archive, kept)
        try:
            yield book
        finally:
            book.close()


class Xlsx:
    """An xlsx file checked and opened by :func:`open_xlsx`.

    ``sheets`` lists every sheet in workbook order, ``worksheets`` the
    worksheets among them; ``names`` maps each workbook-level defined name to
    its text (``"'Coûts'!$A$6:$X$30"``); ``date1904`` tells the date system.
    """

    def __init__(self, path: Path, archive: zipfile.ZipFile, kept: dict[str, bytes]) -> None:
        self.path, self._archive, self._kept = path, archive, kept
        self._parsed: dict[str, Any] = {}  # a kept part's parsed root, by part
        self.sheets: tuple[Sheet, ...] = ()
        self.names: dict[str, str] = {}
        self.date1904 = False
        with _damaged(path, "xl/_rels/workbook.xml.rels"):
            by_id, by_kind = self._relationships("xl/_rels/workbook.xml.rels", "xl")
        with _damaged(path, "xl/workbook.xml"):
            self._read_workbook(by_id)
        self._strings = _Lazy(self, by_kind.get("sharedStrings", "xl/sharedStrings.xml"), _strings)
        self._formats = _Lazy(self, by_kind.get("styles", "xl/styles.xml"), _date_formats)
        self._date_styles: dict[str, bool] = {}

    @property
    def worksheets(self) -> tuple[Sheet, ...]:
        return tuple(sheet for sheet in self.sheets if sheet.kind == "worksheet")

    def close(self) -> None:
        """Close the parts left half read (the archive is closed by :func:`open_xlsx`)."""
        self._strings.close()
        self._formats.close()
        self._parsed.clear()

    # --- the workbook part -------------------------------------------------------------
    def _has(self, part: str) -> bool:
        return part in self._archive.NameToInfo

    def _elements(self, part: str, tag: str | None = None) -> Iterator[Any]:
        """The elements of a part (those named ``tag``, or all) in document order. A
        part the checks kept (at most SCAN_CHUNK bytes) is parsed whole, in C; a
        larger one is streamed, each element freed once the next is asked for."""
        kept = self._kept.get(part)
        if kept is not None:  # parsed once, however many times it is read
            root = self._parsed.get(part)
            if root is None:
                root = self._parsed[part] = etree.fromstring(kept, _parser())
            yield from root.iter(tag)
            return
        with self._archive.open(part) as stream:
            for _, element in _events(stream, tag):
                yield element
                _forget(element)

    def _relationships(
        self, part: str, folder: str
    ) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
        """By relationship id: (target part, kind); by kind (the last word of the type
        URI, e.g. ``worksheet``, ``styles``): the first target part."""
        by_id: dict[str, tuple[str, str]] = {}
        by_kind: dict[str, str] = {}
        if not self._has(part):
            return by_id, by_kind
        for element in self._elements(part, _PACKAGE_RELS):
            if element.get("TargetMode") != "External":
                target = element.get("Target") or ""
                joined = target if target.startswith("/") else f"/{folder}/{target}"
                resolved = posixpath.normpath(joined).lstrip("/")
                kind = (element.get("Type") or "").rsplit("/", 1)[-1]
                by_id[element.get("Id") or ""] = (resolved, kind)
                by_kind.setdefault(kind, resolved)
        return by_id, by_kind

    def _read_workbook(self, by_id: dict[str, tuple[str, str]]) -> None:
        sheets = []
        for element in self._elements("xl/workbook.xml"):
            tag = element.tag
            if tag == f"{_MAIN}sheet":
                part, kind = by_id.get(element.get(_RELATIONSHIP) or "", (None, "unknown"))
                sheets.append(Sheet(element.get("name") or "", part, kind))
            elif tag == f"{_MAIN}definedName" and element.get("localSheetId") is None:
                self.names[element.get("name") or ""] = element.text or ""
            elif tag == f"{_MAIN}workbookPr":
                self.date1904 = element.get("date1904", "").lower() in ("1", "true")
        self.sheets = tuple(sheets)

    def sheet(self, name: str) -> Sheet:
        """The sheet of that name."""
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        raise WorkbookError(f"{self.path}: no sheet named {name!r}")

    # --- cells --------------------------------------------------------------------------
    def cells(self, sheet: str, *, rows: int, columns: int) -> dict[str, Cell]:
        """The non-empty cells of ``sheet`` within ``A1`` to row ``rows``, column
        ``columns``, by address (``"D7"``). The sheet is read no further than
        row ``rows``."""
        out: dict[str, Cell] = {}
        for _, found in self._stream(self.sheet(sheet), rows, columns):
            for address, _, cell in found:
                out[address] = cell
        return out

    def rows(self, sheet: str) -> Iterator[tuple[int, list[tuple[int, Cell]]]]:
        """Stream the rows of ``sheet`` that hold a cell: (row number, [(column
        index, cell) ...]), in file order."""
        for number, found in self._stream(self.sheet(sheet), _MAX_ROW, _MAX_COLUMN):
            yield number, [(column, cell) for _, column, cell in found]

    def _stream(
        self, sheet: Sheet, max_row: int, max_column: int
    ) -> Iterator[tuple[int, list[tuple[str, int, Cell]]]]:
        if sheet.part is None or not self._has(sheet.part):
            raise WorkbookError(f"{self.path}: sheet {sheet.name!r} has no part in the archive")
        formulas = _Formulas()
        rows = self._elements(sheet.part, _ROW)
        with _damaged(self.path, sheet.part), closing(rows):  # type: ignore[type-var]
            number = 0
            for row in rows:
                spelled = row.get("r")
                number = int(spelled) if spelled else number + 1
                if number > max_row:
                    break
                if number < 1:
                    raise ValueError(f"row number {number}")
                found = []
                column = 0
                for element in row.iterchildren(_C):
                    address = element.get("r")
                    if address:
                        column = _column(address)
                    else:
                        column += 1
                        address = _address(column, number)
                    if column > max_column:
                        break  # cells come in column order (Excel opens no other file)
                    cell = self._cell(element, formulas, column, number)
                    if cell is not None:
                        found.append((address, column, cell))
                if found:
                    yield number, found

    def _is_date_style(self, style: str) -> bool:
        known = self._date_styles.get(style)
        if known is None:
            known = self._date_styles[style] = bool(self._formats.get(int(style)))
        return known

    def _cell(self, element: Any, formulas: _Formulas, column: int, row: int) -> Cell | None:
        kind = element.get("t") or "n"
        text = formula = inline = None
        for child in element:
            tag = child.tag
            if tag == _V:
                text = child.text
            elif tag == _F:
                formula = child
            elif tag == _IS:
                inline = child
        origin = None
        typed: str | None = None
        if formula is not None:
            if formula.get("ref") is not None:  # a shared or array formula typed here
                formulas.remember(formula)
            typed, origin = formulas.text_of(formula)
        elif formulas.arrays:
            typed, origin = formulas.array_at(column, row)
        if kind == "inlineStr":
            if inline is None:
                return None if typed is None else Cell(None, "empty", typed, origin)
            return Cell(unescape(_rich_text(inline)), "inline string", typed, origin)
        if text is None:
            return None if typed is None else Cell(None, "empty", typed, origin)
        if kind == "n":
            number = _number(text)
            style = element.get("s")
            if style and style != "0" and self._is_date_style(style):
                return Cell(number, "date", typed, origin)
            return Cell(number, "number", typed, origin)
        if kind == "s":
            return Cell(self._strings.get(int(text)), "shared string", typed, origin)
        if kind == "str":
            return Cell(unescape(text), "formula string", typed, origin)
        if kind == "b":
            return Cell(text.strip() in ("1", "true"), "boolean", typed, origin)
        if kind == "e":
            return Cell(text, "error", typed, origin)
        if kind == "d":  # an ISO 8601 date (strict files, some generators)
            return Cell(_serial(datetime.fromisoformat(text.strip())), "date", typed, origin)
        raise ValueError(f"cell type {kind[:20]!r}")


def _column(address: str) -> int:
    """The column index of a cell's address (``"D7"`` -> 4), checked."""
    letters = address.rstrip("0123456789")
    column = _COLUMNS.get(letters)
    if column is None:
        digits = address[len(letters) :]
        if not (0 < len(letters) <= 3 and letters.isalpha() and letters.isascii()):
            raise ValueError(f"cell address {address[:20]!r}")
        if not (digits.isdigit() and digits.isascii()):
            raise ValueError(f"cell address {address[:20]!r}")
        column = column_index(letters)
        if column > _MAX_COLUMN:
            raise ValueError(f"cell address {address[:20]!r}")
    return column


def _address(column: int, row: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def _serial(moment: datetime) -> float:
    """The Excel serial number (1900 system) of a date and time."""
    days = (moment.replace(tzinfo=None) - datetime(1899, 12, 30)) / timedelta(days=1)
    return days - 1 if days < 61 else days  # Excel counts a 29 February 1900


def _number(text: str) -> int | float:
    """A ``<v>`` number as openpyxl reads it: an int unless it has a point or exponent."""
    text = text.strip()
    if "." in text or "E" in text or "e" in text:
        value = float(text)
        if value - value != 0:  # inf or nan: no spreadsheet writes them
            raise ValueError(f"number {text[:20]!r}")
        return value
    return int(text)


def _rich_text(element: Any) -> str:
    """The text of an ``<is>`` or ``<si>`` element: its ``<t>``, or its runs' (not the
    phonetic guides')."""
    parts = []
    for child in element:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            parts.extend(t.text or "" for t in child if t.tag == _T)
    return "".join(parts)


class _Formulas:
    """Shared and array formulas of a sheet, so a cell filled from one is known as a formula."""

    def __init__(self) -> None:
        self.shared: dict[str, tuple[str, str]] = {}  # si -> (text, master address)
        self.arrays: list[tuple[int, int, int, int, str, str]] = []

    def remember(self, formula: Any) -> None:
        master = formula.getparent().get("r") or "?"
        text = "=" + (formula.text or "")
        if formula.get("t") == "shared" and formula.get("si") is not None:
            self.shared.setdefault(formula.get("si"), (text, master))
        elif formula.get("t") == "array":
            area = parse_area(f"x!{formula.get('ref')}")
            if area is not None:
                self.arrays.append((*area[1:], text, master))

    def text_of(self, formula: Any) -> tuple[str, str | None]:
        if formula.get("t") == "shared" and not formula.text:
            text, master = self.shared.get(formula.get("si") or "", ("=", "?"))
            return text, master
        return "=" + (formula.text or ""), None

    def array_at(self, column: int, row: int) -> tuple[str | None, str | None]:
        for col1, row1, col2, row2, text, master in self.arrays:
            if col1 <= column <= col2 and row1 <= row <= row2:
                return text, master
        return None, None


class _Lazy:
    """A part read only as far as needed: ``get(i)`` parses it up to item ``i``."""

    def __init__(self, book: Xlsx, part: str, reader: Callable[[Xlsx, str], Iterator[Any]]) -> None:
        self.book, self.part, self.reader = book, part, reader
        self.items: list[Any] = []
        self._source: Iterator[Any] | None = None
        self._done = not book._has(part)

    def get(self, index: int) -> Any:
        if index >= len(self.items) and not self._done:
            with _damaged(self.book.path, self.part):
                if self._source is None:
                    self._source = self.reader(self.book, self.part)
                for item in self._source:
                    self.items.append(item)
                    if index < len(self.items):
                        break
                else:
                    self._done = True
        if not 0 <= index < len(self.items):
            raise ValueError(f"{self.part} has no item {index}")
        return self.items[index]

    def close(self) -> None:
        if self._source is not None:
            self._source.close()  # type: ignore[attr-defined]


def _strings(book: Xlsx, part: str) -> Iterator[str]:
    """The shared strings, in order (their ``_xHHHH_`` escapes undone: :mod:`.xstring`)."""
    for element in book._elements(part, f"{_MAIN}si"):
        yield unescape(_rich_text(element))


def _date_formats(book: Xlsx, part: str) -> Iterator[bool]:
    """For each cell format (``cellXfs/xf``) in order: whether it shows a date.

    At most MAX_STYLE_ELEMENTS elements are read (each freed once read).
    """
    custom: dict[int, str] = {}
    cell_formats = f"{_MAIN}cellXfs"
    for seen, element in enumerate(book._elements(part)):
        if seen >= MAX_STYLE_ELEMENTS:
            raise WorkbookError(
                f"{book.path}: part {part} holds more than {MAX_STYLE_ELEMENTS} elements "
                "before the cell formats needed: not a stylesheet a spreadsheet writes"
            )
        tag = element.tag
        if tag == f"{_MAIN}numFmt":
            custom[int(element.get("numFmtId") or -1)] = element.get("formatCode") or ""
        elif tag == f"{_MAIN}xf":
            parent = element.getparent()
            if parent is not None and parent.tag == cell_formats:
                yield _is_date_format(int(element.get("numFmtId") or 0), custom)
