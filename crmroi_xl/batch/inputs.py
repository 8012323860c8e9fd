"""Reading a batch: one table from input suffix to reader, scenarios read as needed.

A batch is a ``.json`` (or ``.yaml``) list of scenarios, a ``.jsonl`` file
(one JSON scenario a line), a flat ``.csv`` or ``.xlsx`` sheet (one scenario
a row, :mod:`crmroi_xl.io.flat`), or a folder of scenario files. Each is read by
a :class:`BatchReader`, found by the input's suffix in :data:`READERS` (a
folder by :data:`FOLDER`); a new input format is one reader and one entry
there.

Reading is in two passes, so that memory does not grow with the batch:

1. :func:`open_batch` checks the whole input and counts its scenarios, keeping
   none of them: a file that cannot be read at all (not UTF-8, unknown
   columns, a broken CSV quote, more scenarios than ``max_rows``) is refused
   before anything is written, and the batch knows its total;
2. :meth:`BatchInput.records` then reads the scenarios again, one at a time,
   as the batch asks for them, and :meth:`BatchInput.validate` turns each into
   a :class:`BatchItem`: a validated scenario, or the reason it is not.

JSON Lines, CSV and xlsx inputs are streamed; a JSON or YAML list is parsed
whole (a parser of one document needs all of it), and each entry is let go
once read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ScenarioError, WorkbookError
from ..excel.files import regular_size
from ..io.documents import load_document, parse_document
from ..io.flat import FlatRow
from ..io.flatfiles import iter_rows
from ..io.loader import MAX_SCENARIO_BYTES, SUFFIXES, load_scenario, scenario_from_data
from ..scenario.labels import Lang
from ..scenario.messages import echo, shown
from ..scenario.model import Scenario

__all__ = [
    "FOLDER",
    "MAX_BATCH_BYTES",
    "MAX_ROWS",
    "READERS",
    "BatchInput",
    "BatchItem",
    "BatchReader",
    "Record",
    "open_batch",
    "read_batch",
]

#: A batch file larger than this is refused before reading.
MAX_BATCH_BYTES = 100 * 1024 * 1024

#: Scenarios a batch may hold unless told otherwise (``max_rows=``, ``--max-rows``):
#: 10 000 workbooks take about 450 MB.
MAX_ROWS = 10_000


@dataclass(frozen=True)
class BatchItem:
    """One scenario of a batch as read: validated, or the reason it is not."""

    index: int  # position in the batch, from 0
    place: str  # where in the input: "row 12", "index 3", "line 4", "pme.yaml"
    where: str  # the prefix of its messages: "scenarios.csv: row 12"
    name: str | None  # the scenario's name, when one can be read even from a bad entry
    scenario: Scenario | None = None
    error: str | None = None  # one line per problem, without the ``where`` prefix


@dataclass(frozen=True)
class Record:
    """One scenario of a batch as read, not yet validated: its place and what its
    reader needs (parsed data, a line, a flat row, a file)."""

    index: int
    place: str
    where: str
    content: Any


@dataclass(frozen=True)
class BatchReader:
    """How one kind of batch input is read.

    ``scan(path, max_rows)`` checks the whole input and gives (scenarios, state);
    ``records(path, state)`` gives them one at a time; ``validate(record, lang)``
    gives the item; ``name(record)`` its name unvalidated, when cheap to read.
    """

    scan: Callable[[Path, int | None], tuple[int, Any]]
    records: Callable[[Path, Any], Iterator[Record]]
    validate: Callable[[Record, Lang | None], BatchItem]
    name: Callable[[Record], str | None]


def _strip(message: str, where: str) -> str:
    prefix = f"{where}: "
    return "\n".join(line.removeprefix(prefix) for line in message.splitlines())


def _raw_name(data: Any) -> str | None:
    """The name in data that does not validate, printable (to keep file names stable)."""
    assumptions = data.get("assumptions") if isinstance(data, dict) else None
    name = assumptions.get("name") if isinstance(assumptions, dict) else None
    return shown(name) if isinstance(name, str) and name.strip() else None


def _from_data(record: Record, data: Any, lang: Lang | None) -> BatchItem:
    index, place, where = record.index, record.place, record.where
    try:
        scenario = scenario_from_data(data, source=where, lang=lang)
    except ScenarioError as error:
        return BatchItem(index, place, where, _raw_name(data), error=_strip(error.message, where))
    return BatchItem(index, place, where, scenario.name, scenario)


def _too_many(source: Path, count: str, max_rows: int) -> ScenarioError:
    return ScenarioError(
        f"{source}: {count} scenarios, more than the {max_rows} a batch may hold; "
        "give a higher limit (--max-rows N, max_rows=N) or split the batch"
    )


# --- a JSON or YAML list ------------------------------------------------------------------


def _scan_list(path: Path, max_rows: int | None) -> tuple[int, list[Any]]:
    data = load_document(path, MAX_BATCH_BYTES, SUFFIXES[path.suffix.lower()])
    if not isinstance(data, list):
        raise ScenarioError(
            f"{path}: a batch is a list of scenarios, got {echo(data)}; "
            "for one scenario use `crmroi export`"
        )
    if max_rows is not None and len(data) > max_rows:
        raise _too_many(path, str(len(data)), max_rows)
    return len(data), data


def _list_records(path: Path, data: list[Any]) -> Iterator[Record]:
    for i in range(len(data)):
        entry, data[i] = data[i], None  # let the parsed entry go once read
        yield Record(i, f"index {i}", f"{path.name}: index {i}", entry)


LIST = BatchReader(
    _scan_list,
    _list_records,
    lambda record, lang: _from_data(record, record.content, lang),
    lambda record: _raw_name(record.content),
)


# --- JSON Lines -------------------------------------------------------------------------


def _lines(path: Path) -> Iterator[str]:
    """The lines of a UTF-8 text file as :meth:`str.splitlines` cuts them, read a block
    at a time."""
    regular_size(path, MAX_BATCH_BYTES)  # a FIFO or a device is never opened
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rest = ""
            while block := handle.read(1 << 20):
                lines = (rest + block).splitlines(keepends=True)
                last = lines[-1]
                ended = last != last.splitlines()[0] and not last.endswith("\r")
                rest = "" if ended else lines.pop()  # a "\r" may be half of "\r\n"
                for line in lines:
                    yield line.splitlines()[0]
            if rest:
                yield rest.splitlines()[0]
    except UnicodeDecodeError as error:
        raise ScenarioError(f"{path}: not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise ScenarioError(f"{path}: cannot be read ({error.strerror or error})") from None


def _scan_lines(path: Path, max_rows: int | None) -> tuple[int, None]:
    count = 0
    for line in _lines(path):
        if line.strip():
            if max_rows is not None and count == max_rows:
                raise _too_many(path, "more", max_rows)
            count += 1
    return count, None


def _line_records(path: Path, _: None) -> Iterator[Record]:
    index = 0
    for number, line in enumerate(_lines(path), start=1):
        if line.strip():
            yield Record(index, f"line {number}", f"{path.name}: line {number}", line)
            index += 1


def _validate_line(record: Record, lang: Lang | None) -> BatchItem:
    try:
        data = parse_document(record.content, "JSON", record.where)
    except ScenarioError as error:
        message = _strip(error.message, record.where).replace("at line 1, column", "at column")
        return BatchItem(record.index, record.place, record.where, None, error=message)
    return _from_data(record, data, lang)


def _line_name(record: Record) -> str | None:
    try:
        return _raw_name(parse_document(record.content, "JSON", record.where))
    except ScenarioError:
        return None


LINES = BatchReader(_scan_lines, _line_records, _validate_line, _line_name)


# --- a flat sheet: CSV or xlsx ------------------------------------------------------------


def _scan_flat(path: Path, max_rows: int | None) -> tuple[int, None]:
    regular_size(path, MAX_BATCH_BYTES)  # a FIFO or a device is never opened
    count = sum(1 for _ in iter_rows(path))
    if max_rows is not None and count > max_rows:
        raise _too_many(path, str(count), max_rows)
    return count, None


def _flat_records(path: Path, _: None) -> Iterator[Record]:
    for index, row in enumerate(iter_rows(path)):
        yield Record(index, f"row {row.number}", f"{path.name}: row {row.number}", row)


def _validate_row(record: Record, lang: Lang | None) -> BatchItem:
    row: FlatRow = record.content
    index, place, where = record.index, record.place, record.where
    try:
        scenario = row.scenario(where, lang)
    except ScenarioError as error:
        return BatchItem(index, place, where, _row_name(record), error=_strip(error.message, where))
    return BatchItem(index, place, where, scenario.name, scenario)


def _row_name(record: Record) -> str | None:
    name = record.content.name
    return shown(name) if name is not None else None


FLAT = BatchReader(_scan_flat, _flat_records, _validate_row, _row_name)


# --- a folder of scenario files -----------------------------------------------------------


def _scan_folder(folder: Path, max_rows: int | None) -> tuple[int, list[Path]]:
    """The scenario files of a folder in name order: also a pipe or a link to a device of
    those names (refused each as that entry's failure, never opened), not sub-folders."""
    suffixes = {*SUFFIXES, ".xlsx"}
    files = sorted(
        path
        for path in folder.iterdir()
        if path.suffix.lower() in suffixes
        and not path.name.startswith((".", "~$"))  # hidden files, Excel's lock files
        and not path.is_dir()
    )
    if max_rows is not None and len(files) > max_rows:
        raise _too_many(folder, str(len(files)), max_rows)
    return len(files), files


def _file_records(folder: Path, files: list[Path]) -> Iterator[Record]:
    for index, path in enumerate(files):
        place = shown(path.name)
        yield Record(index, place, f"{shown(folder.name)}/{place}", path)


def _validate_file(record: Record, lang: Lang | None) -> BatchItem:
    """One file of a folder batch; its name may hold bytes that are not UTF-8 or control
    characters: messages and the summary show them escaped."""
    path: Path = record.content
    index, place, where = record.index, record.place, record.where
    data: Any = None
    try:
        kind = SUFFIXES.get(path.suffix.lower())
        if kind is None:  # a filled workbook (the reader loads lxml: imported here)
            from ..excel.reader import MAX_WORKBOOK_BYTES

            regular_size(path, MAX_WORKBOOK_BYTES, error=WorkbookError)
            scenario = load_scenario(path, lang=lang)
        else:
            data = load_document(path, MAX_SCENARIO_BYTES, kind)
            scenario = scenario_from_data(data, source=where, lang=lang)
    except ScenarioError as error:
        message = _strip(error.message.replace(str(path), where), where)
        return BatchItem(index, place, where, _raw_name(data), error=message)
    return BatchItem(index, place, where, scenario.name, scenario)


#: The reader of a folder of ``.json``, ``.yaml``, ``.yml`` and ``.xlsx`` (filled
#: workbook) files; a file not read (the batch was interrupted) is named by its file.
FOLDER = BatchReader(_scan_folder, _file_records, _validate_file, lambda record: None)

#: Batch file suffix -> its reader: the one table of the batch's input formats.
READERS: dict[str, BatchReader] = {
    ".json": LIST,
    ".jsonl": LINES,
    ".csv": FLAT,
    ".xlsx": FLAT,
    ".yaml": LIST,
    ".yml": LIST,
}


@dataclass
class BatchInput:
    """A batch input checked and counted by :func:`open_batch`, to read once."""

    path: Path
    reader: BatchReader
    count: int  # scenarios in all
    state: Any  # what the reader's first pass kept (a parsed list, a folder's files)

    def records(self) -> Iterator[Record]:
        """The scenarios in input order, unvalidated, read as they are asked for."""
        return self.reader.records(self.path, self.state)

    def validate(self, record: Record, lang: Lang | None = None) -> BatchItem:
        """``record`` validated; a bad scenario becomes an item with an ``error``."""
        return self.reader.validate(record, lang)

    def unread(self, record: Record) -> BatchItem:
        """``record`` as an item not validated: its place and, when cheap, its name."""
        return BatchItem(record.index, record.place, record.where, self.reader.name(record))


def open_batch(source: str | Path, *, max_rows: int | None = MAX_ROWS) -> BatchInput:
    """Check a whole batch input and count its scenarios (see the module's docstring).

    Raises :class:`~crmroi_xl.errors.ScenarioError` when it cannot be read at
    all or holds more than ``max_rows`` scenarios (None: no limit).
    """
    path = Path(source)
    if path.is_dir():
        reader = FOLDER
    elif not path.exists():
        raise ScenarioError(f"{path}: no such file or folder")
    elif (found := READERS.get(path.suffix.lower())) is not None:
        reader = found
    else:
        raise ScenarioError(
            f"{path}: unsupported batch file {path.suffix!r}; use {', '.join(READERS)} "
            "or a folder of scenario files"
        )
    count, state = reader.scan(path, max_rows)
    return BatchInput(path, reader, count, state)


def read_batch(
    source: str | Path, *, lang: Lang | None = None, max_rows: int | None = MAX_ROWS
) -> list[BatchItem]:
    """Read and validate every scenario of a batch, in input order.

    ``source`` is a ``.json`` (or ``.yaml``) list of scenarios, a ``.jsonl``
    file (one JSON scenario a line), a flat ``.csv`` or ``.xlsx`` sheet (one
    scenario a row, :mod:`crmroi_xl.io.flat`), or a folder whose ``.json``,
    ``.yaml``, ``.yml`` and ``.xlsx`` files (filled workbooks) are scenarios,
    read in name order (sub-folders are not read).
    A file that cannot be read at all, or that holds more than ``max_rows``
    scenarios (None: no limit), raises :class:`~crmroi_xl.errors.ScenarioError`;
    a bad scenario becomes an item with an ``error``, worded in ``lang``, else
    in the scenario's language, else in English. (A batch itself reads its
    scenarios one at a time: :func:`open_batch`.)

    >>> import json, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "batch.json"
    >>> cost = {"label": "CRM", "category": "licences", "one_off": 1000}
    >>> _ = path.write_text(json.dumps([
    ...     {"assumptions": {"name": "Nord"}, "costs": [cost]},
    ...     {"assumptions": {"name": "Sud", "discount_rate": 12}, "costs": [cost]},
    ... ]))
    >>> [(item.place, item.name, item.error) for item in read_batch(path)]
    [('index 0', 'Nord', None), ('index 1', 'Sud', 'assumptions.discount_rate: must be <= 1, got 12 (12 % is 0.12)')]
    >>> read_batch(path, max_rows=1)
    Traceback (most recent call last):
    crmroi_xl.errors.ScenarioError: ...batch.json: 2 scenarios, more than the 1 a batch may hold; give a higher limit (--max-rows N, max_rows=N) or split the batch
    """
    batch = open_batch(source, max_rows=max_rows)
    return [batch.validate(record, lang) for record in batch.records()]
