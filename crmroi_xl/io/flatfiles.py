r"""The flat format's files: a CSV file or the first worksheet of a workbook, read a row
at a time into :class:`~crmroi_xl.io.flat.FlatRow` (what a row means is
:mod:`crmroi_xl.io.flat`'s business).

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
>>> _ = path.write_text("name;cost_1_label;cost_1_one_off\nPME;CRM;1 500,5\n", encoding="utf-8")
>>> [(row.number, row.cells["cost_1_one_off"], row.decimal_comma) for row in read_rows(path)]
[(2, '1 500,5', True)]
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..errors import ScenarioError
from ..excel.arithmetic import FormulaRefused, describe, input_value
from ..excel.files import regular_size
from ..excel.parts import column_letter
from ..scenario.messages import echo

if TYPE_CHECKING:
    from ..excel.xlsx import Cell
from .flat import MAX_COLUMNS, MAX_FLAT_BYTES, FlatRow, Unreadable, check_columns

__all__ = ["iter_rows", "read_rows"]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _rows(
    header: Sequence[Any], records: Iterable[tuple[int, Sequence[Any]]], source: str, comma: bool
) -> Iterator[FlatRow]:
    names = [None if _blank(h) else str(h).strip().lower() for h in header]
    if not any(names):
        raise ScenarioError(f"{source}: row 1 must hold the column names (name, currency, ...)")
    check_columns([n for n in names if n], source)
    for number, values in records:
        if all(_blank(v) for v in values):
            continue
        cells: dict[str, Any] = {}
        problems = []
        for i, value in enumerate(values):
            name = names[i] if i < len(names) else None
            if name is not None:
                cells[name] = value
            elif not _blank(value):
                problems.append(
                    f"column {column_letter(i + 1)}: a value ({echo(value)}) under no column name"
                )
        yield FlatRow(number, cells, comma, tuple(problems))


def _first_line(handle: IO[str]) -> str:
    """The text up to the first line feed, read a block at a time."""
    first = ""
    while block := handle.read(1 << 16):
        first += block
        if "\n" in block:
            break
    return first.split("\n", 1)[0]


def _read_csv(path: Path) -> Iterator[FlatRow]:
    """The rows of a CSV file, read as they are asked for (the file is never whole in
    memory)."""
    regular_size(path, MAX_FLAT_BYTES)  # a FIFO or a device is never opened
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            delimiter = max(";,\t", key=_first_line(handle).count)  # names hold none of these
            handle.seek(0)
            records = _csv_records(handle, delimiter, str(path))
            header = next(records, None)
            if header is None:
                raise ScenarioError(f"{path}: empty file; row 1 must hold the column names")
            yield from _rows(header[1], records, str(path), comma=delimiter != ",")
    except UnicodeDecodeError as error:
        raise ScenarioError(
            f"{path}: not UTF-8 text ({error.reason}); in Excel, save as 'CSV UTF-8'"
        ) from None
    except OSError as error:
        raise ScenarioError(f"{path}: cannot be read ({error.strerror or error})") from None


def _csv_records(handle: IO[str], delimiter: str, source: str) -> Iterator[tuple[int, list[str]]]:
    """The records of a CSV text with their row numbers; a cell too big for the csv
    module (128 KiB) or a row wider than a worksheet is an error naming the row."""
    reader = csv.reader(handle, delimiter=delimiter)
    number = 0
    try:
        for number, values in enumerate(reader, start=1):
            if len(values) > MAX_COLUMNS:
                raise ScenarioError(
                    f"{source}: row {number}: {len(values)} columns, more than the "
                    f"{MAX_COLUMNS} of a worksheet"
                )
            yield number, values
    except csv.Error as error:  # the row being read is the one after the last given
        limit = csv.field_size_limit() // 1024
        why = f"a cell of more than {limit} KiB" if "field limit" in str(error) else error
        raise ScenarioError(f"{source}: row {number + 1}: {why}") from None


def _flat_value(cell: Cell, date1904: bool) -> Any:
    """A worksheet cell's value for the flat format (an :class:`Unreadable` when none)."""
    if cell.formula is not None:
        try:
            return input_value(cell.formula, None if cell.type == "empty" else cell.value)
        except FormulaRefused as refused:
            return Unreadable(describe(refused, "en", cell.origin))
    if cell.type == "date":
        from ..excel.xlsx import date_text

        shown = date_text(float(cell.value), date1904)  # type: ignore[arg-type]
        return Unreadable(f"found a date ({shown}); type the value as a number or text")
    if cell.type == "error":
        return Unreadable(f"found the error {cell.value}")
    return cell.value


def _xlsx_records(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """(row number, values) of the first worksheet, streamed; row 1 (the column names)
    first, even when blank. Past the last column name, a row's values stop at its
    first non-blank one (the one reported)."""
    from ..excel.xlsx import open_xlsx  # lxml: only for a workbook

    with open_xlsx(path) as book:
        if not book.worksheets:
            raise ScenarioError(
                f"{path}: no worksheet in the workbook; put the scenarios on its first "
                "worksheet, with the column names in row 1"
            )
        width = 0
        for number, cells in book.rows(book.worksheets[0].name):
            if width == 0 and number != 1:
                yield 1, []  # no column names: refused by _rows
            values: list[Any] = [None] * (width or cells[-1][0])
            for column, cell in cells:
                value = _flat_value(cell, book.date1904)
                if column <= len(values):
                    values[column - 1] = value
                elif not _blank(value):
                    values += [None] * (column - 1 - len(values)) + [value]
                    break
            width = width or len(values)
            yield number, values


def _read_xlsx(path: Path) -> Iterator[FlatRow]:
    """The first worksheet, through the safe reader (:mod:`crmroi_xl.excel.xlsx`: archive
    checks, streamed rows, ``<dimension>`` not trusted). A formula is taken when it
    is plain arithmetic, and its saved value agrees (:mod:`crmroi_xl.excel.arithmetic`)."""
    records = _xlsx_records(path)
    header = next(records, None)
    if header is None:
        raise ScenarioError(f"{path}: empty worksheet; row 1 must hold the column names")
    yield from _rows(header[1], records, str(path), comma=True)


def iter_rows(path: str | Path) -> Iterator[FlatRow]:
    """The non-blank rows of a flat ``.csv`` or ``.xlsx`` file (row 1: the column names),
    read as they are asked for: a batch keeps only the rows in flight in memory.

    CSV files are UTF-8 (Excel's "CSV UTF-8"), separated by commas, semicolons
    or tabs (found from row 1); in semicolon- and tab-separated files a comma is
    the decimal mark. Workbooks are read from their first worksheet. Unknown or
    repeated column names are an error for the whole file (raised by the first
    ``next``); a bad cell is an error for its row only (see :meth:`FlatRow.scenario`).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise ScenarioError(f"{path}: a flat file is .csv or .xlsx, got {path.suffix!r}")


def read_rows(path: str | Path) -> list[FlatRow]:
    """Every non-blank row of a flat file at once (see :func:`iter_rows`)."""
    return list(iter_rows(path))
