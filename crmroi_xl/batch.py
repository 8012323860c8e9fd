"""Batch generation: many scenarios in, one workbook each and a portfolio summary out.

:func:`batch_export` reads a batch -- a JSON list, JSON Lines, a flat CSV or
xlsx sheet with one scenario per row (:mod:`crmroi_xl.flat`), or a folder of
scenario files -- and writes into ``out_dir``:

* one standalone workbook per valid scenario, exactly what
  :func:`~crmroi_xl.writer.export_workbook` writes, under a safe, unique file
  name derived from the scenario's name (:func:`file_names`);
* ``portfolio-summary.xlsx``: one row per scenario with its headline results
  as a sortable, filterable Excel table, and a chart of the NPV by scenario;
* ``portfolio-summary.csv``: the same rows for scripts.

A bad scenario never stops the others: it gets a row with status ``error``
and the reason, named by its place in the input (``row 12`` of a sheet,
``index 3`` of a JSON list, ``line 4`` of JSON Lines, or its file name).

Work runs in this process (``jobs=1``), in ``jobs`` worker processes, or on
any :class:`concurrent.futures.Executor` given as ``executor`` (dask's
``Client.get_executor()``, a Ray adapter ...). Workers receive plain data and
return the workbook's bytes and its results; this process names and writes
every file, so workers need no access to ``out_dir``. Each file is written to
a temporary file then renamed: an interrupted batch leaves no half-written
file, and running the same batch again writes the same bytes.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from .engine import compute
from .errors import CrmRoiError, InputError, ScenarioError
from .files import remove_stale_temporaries, same_file, write_atomic
from .flat import read_rows
from .flatwrite import csv_bytes
from .labels import Lang, label
from .layout import HEADLINE, HEADLINE_EXTRA
from .loader import SUFFIXES, load_scenario, scenario_from_data
from .model import Scenario
from .skeleton import workbook_bytes
from .writer import number_formats, save_workbook

__all__ = [
    "MAX_STEM",
    "METRICS",
    "SUMMARY_COLUMNS",
    "SUMMARY_NAME",
    "BatchEntry",
    "BatchItem",
    "BatchReport",
    "batch_export",
    "build_summary",
    "export_data",
    "file_names",
    "read_batch",
    "slugify",
    "write_summary",
]

#: File name (without suffix) of the portfolio summary, .xlsx and .csv.
SUMMARY_NAME = "portfolio-summary"

#: The results in the summary, with their number format: the workbooks' headline names.
METRICS: tuple[tuple[str, str], ...] = tuple(
    (key, fmt) for _, _, key, fmt in HEADLINE if key != "check"
)

#: Columns of the summary: key (the CSV header) -> (French, English) header of the workbook.
SUMMARY_COLUMNS: dict[str, tuple[str, str]] = {
    "source": ("Source", "Source"),
    "name": ("Scénario", "Scenario"),
    "status": ("Statut", "Status"),
    "file": ("Classeur", "Workbook"),
    **{key: HEADLINE_EXTRA.get(key) or (label(key, "fr"), label(key, "en")) for key, _ in METRICS},
    "currency": ("Devise", "Currency"),
    "error": ("Problème", "Problem"),
}

Status = Literal["ok", "error", "cancelled"]
_STATUS_LABELS: dict[str, tuple[str, str]] = {
    "ok": ("OK", "OK"),
    "error": ("ERREUR", "ERROR"),
    "cancelled": ("ANNULÉ", "CANCELLED"),
}
_BATCH_SUFFIXES = (".json", ".jsonl", ".csv", ".xlsx", ".yaml", ".yml")


# --- reading a batch -----------------------------------------------------------------


@dataclass(frozen=True)
class BatchItem:
    """One scenario of a batch as read: validated, or the reason it is not."""

    index: int  # position in the batch, from 0
    place: str  # where in the input: "row 12", "index 3", "line 4", "pme.yaml"
    where: str  # the prefix of its messages: "scenarios.csv: row 12"
    name: str | None  # the scenario's name, when one can be read even from a bad entry
    scenario: Scenario | None = None
    error: str | None = None  # one line per problem, without the ``where`` prefix


def _strip(message: str, where: str) -> str:
    prefix = f"{where}: "
    return "\n".join(line.removeprefix(prefix) for line in message.splitlines())


def _raw_name(data: Any) -> str | None:
    assumptions = data.get("assumptions") if isinstance(data, dict) else None
    name = assumptions.get("name") if isinstance(assumptions, dict) else None
    return name if isinstance(name, str) and name.strip() else None


def _from_data(index: int, place: str, where: str, data: Any) -> BatchItem:
    try:
        scenario = scenario_from_data(data, source=where)
    except ScenarioError as error:
        return BatchItem(index, place, where, _raw_name(data), error=_strip(error.message, where))
    return BatchItem(index, place, where, scenario.name, scenario)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise ScenarioError(f"{path}: not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise ScenarioError(f"{path}: cannot be read ({error.strerror})") from None


def _read_list(path: Path) -> list[BatchItem]:
    text = _read_text(path)
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as error:
        raise ScenarioError(
            f"{path}: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except yaml.YAMLError as error:
        raise ScenarioError(f"{path}: invalid YAML: {error}") from None
    if not isinstance(data, list):
        raise ScenarioError(
            f"{path}: a batch is a list of scenarios, got {type(data).__name__}; "
            "for one scenario use `crmroi export`"
        )
    return [_from_data(i, f"index {i}", f"{path.name}: index {i}", d) for i, d in enumerate(data)]


def _read_lines(path: Path) -> list[BatchItem]:
    items: list[BatchItem] = []
    for number, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        place = f"line {number}"
        where = f"{path.name}: {place}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            message = f"invalid JSON at column {error.colno}: {error.msg}"
            items.append(BatchItem(len(items), place, where, None, error=message))
            continue
        items.append(_from_data(len(items), place, where, data))
    return items


def _read_flat(path: Path) -> list[BatchItem]:
    items: list[BatchItem] = []
    for index, row in enumerate(read_rows(path)):
        place = f"row {row.number}"
        where = f"{path.name}: {place}"
        try:
            scenario = row.scenario(where)
        except ScenarioError as error:
            items.append(
                BatchItem(index, place, where, row.name, error=_strip(error.message, where))
            )
            continue
        items.append(BatchItem(index, place, where, scenario.name, scenario))
    return items


def _scenario_files(folder: Path) -> list[Path]:
    suffixes = {*SUFFIXES, ".xlsx"}
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file()
        and path.suffix.lower() in suffixes
        and not path.name.startswith((".", "~$"))  # hidden files, Excel's lock files
    )


def _read_folder(folder: Path) -> list[BatchItem]:
    items: list[BatchItem] = []
    for index, path in enumerate(_scenario_files(folder)):
        where = f"{folder.name}/{path.name}"
        try:
            scenario = load_scenario(path)
        except ScenarioError as error:
            message = _strip(error.message.replace(str(path), where), where)
            items.append(BatchItem(index, path.name, where, _file_name(path), error=message))
            continue
        items.append(BatchItem(index, path.name, where, scenario.name, scenario))
    return items


def _file_name(path: Path) -> str | None:
    """The name in a scenario file that does not validate (to keep file names stable)."""
    if path.suffix.lower() not in SUFFIXES:
        return None
    try:
        return _raw_name(yaml.safe_load(path.read_text(encoding="utf-8-sig")))
    except Exception:  # unreadable: it is reported by load_scenario already
        return None


def read_batch(source: str | Path) -> list[BatchItem]:
    """Read and validate every scenario of a batch, in input order.

    ``source`` is a ``.json`` (or ``.yaml``) list of scenarios, a ``.jsonl``
    file (one JSON scenario a line), a flat ``.csv`` or ``.xlsx`` sheet (one
    scenario a row, :mod:`crmroi_xl.flat`), or a folder whose ``.json``,
    ``.yaml``, ``.yml`` and ``.xlsx`` files (filled workbooks) are scenarios,
    read in name order (sub-folders are not read).
    A file that cannot be read at all raises
    :class:`~crmroi_xl.errors.ScenarioError`; a bad scenario becomes an item
    with an ``error``.

    >>> import json, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "batch.json"
    >>> cost = {"label": "CRM", "category": "licences", "one_off": 1000}
    >>> _ = path.write_text(json.dumps([
    ...     {"assumptions": {"name": "Nord"}, "costs": [cost]},
    ...     {"assumptions": {"name": "Sud", "discount_rate": 12}, "costs": [cost]},
    ... ]))
    >>> [(item.place, item.name, item.error) for item in read_batch(path)]
    [('index 0', 'Nord', None), ('index 1', 'Sud', 'assumptions.discount_rate: must be <= 1, got 12 (12 % is 0.12)')]
    """
    path = Path(source)
    if path.is_dir():
        return _read_folder(path)
    if not path.exists():
        raise ScenarioError(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    if suffix in (".json", ".yaml", ".yml"):
        return _read_list(path)
    if suffix == ".jsonl":
        return _read_lines(path)
    if suffix in (".csv", ".xlsx"):
        return _read_flat(path)
    raise ScenarioError(
        f"{path}: unsupported batch file {path.suffix!r}; use {', '.join(_BATCH_SUFFIXES)} "
        "or a folder of scenario files"
    )


# --- file names -------------------------------------------------------------------------

_LIGATURES = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "þ": "th"}
)
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)
MAX_STEM = 60


def slugify(name: str, *, max_length: int = MAX_STEM) -> str:
    """A file name stem safe on Windows, macOS and Linux, from a scenario name.

    Accents are dropped, letters lower-cased, every run of other characters
    (spaces, punctuation, path separators) becomes one ``-``; letters of other
    scripts are kept. Windows' reserved names get a suffix; the stem is at most
    ``max_length`` characters; an empty result is ``scenario``.

    >>> slugify("PME 20 postes"), slugify("Société Générale — Île-de-France")
    ('pme-20-postes', 'societe-generale-ile-de-france')
    >>> slugify("../../etc/passwd"), slugify("Straße & Œuvre"), slugify("CON"), slugify("?!")
    ('etc-passwd', 'strasse-oeuvre', 'con-scenario', 'scenario')
    >>> slugify("Продажи 2026")
    'продажи-2026'
    """
    folded = unicodedata.normalize("NFKD", name).lower().translate(_LIGATURES)
    text = unicodedata.normalize("NFKD", folded)
    kept = [c if c.isalnum() else " " for c in text if not unicodedata.combining(c)]
    words = "".join(kept).split()
    stem = ""
    for word in words:
        candidate = f"{stem}-{word}" if stem else word
        if len(candidate) > max_length:
            stem = stem or word[:max_length]
            break
        stem = candidate
    stem = unicodedata.normalize("NFC", stem) or "scenario"
    return f"{stem}-scenario" if stem in _WINDOWS_RESERVED else stem


def file_names(
    names: Sequence[str | None], *, reserved: Sequence[str] = (SUMMARY_NAME,)
) -> list[str | None]:
    """Unique ``.xlsx`` file names for scenario names, given in input order.

    The first of equal names gets the plain stem, the next ``-2``, ``-3``...;
    ``None`` (no readable name) gets no file. Names are compared after
    :func:`slugify` (so ``PME`` and ``pme`` differ only on case-sensitive
    systems, and get two names everywhere).

    >>> file_names(["PME", "pme", None, "Portfolio summary", "PME"])
    ['pme.xlsx', 'pme-2.xlsx', None, 'portfolio-summary-2.xlsx', 'pme-3.xlsx']
    """
    used = set(reserved)
    out: list[str | None] = []
    for name in names:
        if name is None:
            out.append(None)
            continue
        stem = slugify(name)
        unique, k = stem, 2
        while unique in used:
            unique, k = f"{stem}-{k}", k + 1
        used.add(unique)
        out.append(f"{unique}.xlsx")
    return out


# --- the work, in any process -----------------------------------------------------------


def export_data(data: Mapping[str, Any], lang: Lang | None = None) -> tuple[bytes, dict[str, Any]]:
    """Export one scenario given as plain data: the workbook's bytes and its results.

    This is what workers run: a top-level function of plain, picklable
    arguments and results, so any executor can send it to another process or
    machine. The results are the summary's metrics (None where undefined) and
    the currency.
    """
    scenario = Scenario.model_validate(data)
    results = compute(scenario)
    content = workbook_bytes(scenario, lang=lang, results=results)  # in memory, no lock
    values: dict[str, Any] = {key: getattr(results, key) for key, _ in METRICS}
    values["currency"] = scenario.assumptions.currency
    return content, values


class _InProcess(Executor):
    """Runs each call at submission, in this process (``jobs=1``)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:
            future.set_exception(error)
        return future


# --- the report ----------------------------------------------------------------------


@dataclass(frozen=True)
class BatchEntry:
    """What became of one scenario of a batch: a row of the summary."""

    index: int
    place: str
    where: str
    name: str | None
    status: Status
    file: str | None = None  # file name in out_dir, when written
    error: str | None = None  # one line per problem
    results: Mapping[str, Any] = field(default_factory=dict)  # METRICS and currency

    def messages(self) -> list[str]:
        """The problems, one line each, prefixed with where they are."""
        return [f"{self.where}: {line}" for line in (self.error or "").splitlines()]


@dataclass(frozen=True)
class BatchReport:
    """The outcome of :func:`batch_export`: every entry in input order, and the summaries."""

    entries: list[BatchEntry]
    out_dir: Path
    summary_xlsx: Path
    summary_csv: Path

    @property
    def ok(self) -> list[BatchEntry]:
        """Entries whose workbook was written."""
        return [e for e in self.entries if e.status == "ok"]

    @property
    def failed(self) -> list[BatchEntry]:
        """Entries that did not give a workbook (error or cancelled)."""
        return [e for e in self.entries if e.status != "ok"]

    def messages(self) -> list[str]:
        """Every problem, one line each, in input order."""
        return [line for entry in self.failed for line in entry.messages()]


def build_summary(entries: Sequence[BatchEntry], lang: Lang) -> Workbook:
    """The portfolio summary workbook: an Excel table and a chart of the NPV."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    fr = lang == "fr"
    ws.title = "Portefeuille" if fr else "Portfolio"
    keys = list(SUMMARY_COLUMNS)
    ws.append([SUMMARY_COLUMNS[key][0 if fr else 1] for key in keys])
    fmts = dict(METRICS)
    for r, entry in enumerate(entries, start=2):
        currency = str(entry.results.get("currency") or "EUR")
        formats = number_formats(lang, currency)
        for c, key in enumerate(keys, start=1):
            cell = ws.cell(r, c)
            if key in fmts:
                if entry.status == "ok":
                    value = entry.results.get(key)
                    cell.value = "#N/A" if value is None else value  # as the workbooks show it
                    cell.number_format = formats[fmts[key]]
                continue
            text = {
                "source": entry.place,
                "name": entry.name,
                "status": _STATUS_LABELS[entry.status][0 if fr else 1],
                "file": entry.file,
                "currency": entry.results.get("currency"),
                "error": entry.error,
            }[key]
            if text is not None:
                cell.value = text
                cell.data_type = "s"  # a name starting with "=" stays text
            if key == "file" and entry.file:
                cell.hyperlink = entry.file
                cell.style = "Hyperlink"
            if key == "error":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    last = get_column_letter(len(keys))
    table = Table(displayName="Portfolio", ref=f"A1:{last}{max(2, len(entries) + 1)}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = "C2"
    for c, key in enumerate(keys, start=1):
        width = {"source": 14, "name": 32, "file": 30, "error": 70, "status": 12}.get(key, 15)
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.row_dimensions[1].height = 30
    for cell in ws[1]:
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.font = Font(bold=True, color="FFFFFF")

    sheet = wb.create_sheet("Graphique VAN" if fr else "NPV chart")
    chart = BarChart()
    chart.type = "bar"
    chart.title = "VAN par scénario" if fr else "NPV by scenario"
    npv = keys.index("npv") + 1
    end = len(entries) + 1
    chart.add_data(Reference(ws, min_col=npv, min_row=1, max_row=end), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=keys.index("name") + 1, min_row=2, max_row=end))
    chart.legend = None
    chart.x_axis.scaling.orientation = "maxMin"  # the first scenario on top, as in the table
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.title = label("npv", lang)
    chart.width = 24
    chart.height = max(8.0, min(0.5 * len(entries), 120.0))
    sheet.add_chart(chart, "A1")
    wb.properties.creator = "crmroi-xl"
    wb.properties.title = ws.title
    return wb


def _summary_rows(entries: Sequence[BatchEntry]) -> Iterator[list[Any]]:
    for entry in entries:
        row: list[Any] = []
        for key in SUMMARY_COLUMNS:
            if key in dict(METRICS) or key == "currency":
                row.append(entry.results.get(key))
            elif key == "error":
                row.append("; ".join((entry.error or "").splitlines()) or None)
            else:
                row.append(
                    {
                        "source": entry.place,
                        "name": entry.name,
                        "status": entry.status,
                        "file": entry.file,
                    }[key]
                )
        yield row


def write_summary(entries: Sequence[BatchEntry], out_dir: Path, lang: Lang) -> tuple[Path, Path]:
    """Write the portfolio summary, ``.xlsx`` then ``.csv``, each atomically."""
    xlsx = save_workbook(build_summary(entries, lang), out_dir / f"{SUMMARY_NAME}.xlsx")
    rows = _summary_rows(entries)
    csv_path = write_atomic(
        out_dir / f"{SUMMARY_NAME}.csv", csv_bytes(list(SUMMARY_COLUMNS), rows, guard_formulas=True)
    )
    return xlsx, csv_path


# --- the batch --------------------------------------------------------------------------


def _failure(error: BaseException) -> str:
    if isinstance(error, CrmRoiError):
        return error.message
    return f"{type(error).__name__}: {error}"


def batch_export(
    source: str | Path,
    out_dir: str | Path,
    *,
    jobs: int = 1,
    executor: Executor | None = None,
    lang: Lang | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BatchReport:
    """Export every scenario of ``source`` to a workbook in ``out_dir``, with a summary.

    Parameters
    ----------
    source
        A ``.json`` list, ``.jsonl``, flat ``.csv`` or ``.xlsx`` sheet, or a
        folder of scenario files (see :func:`read_batch`).
    out_dir
        Folder of the workbooks and of ``portfolio-summary.xlsx`` / ``.csv``;
        created if missing. Files of the same names are replaced; other files
        are left alone.
    jobs
        Worker processes (1: work in this process), started the way Python
        starts them on the platform: on Windows and macOS a script needs the
        usual ``if __name__ == "__main__":`` guard around the call.
    executor
        Any :class:`concurrent.futures.Executor` to run the exports on instead
        (left running: it is yours). Give ``jobs`` or ``executor``, not both.
    lang
        Language of every workbook; by default each scenario's own. The
        summary is in ``lang``, else in the first valid scenario's language.
    progress
        Called with (scenarios done, total) after each scenario.

    Returns
    -------
    BatchReport
        Every entry in input order (status ``ok``, ``error`` or ``cancelled``)
        and the paths of the summary.

    A file that cannot be read at all (missing, unknown columns) raises
    :class:`~crmroi_xl.errors.ScenarioError` before anything is written. If the
    batch is interrupted (Ctrl-C), the summary is still written, with the
    scenarios not done marked ``cancelled``, and the interruption goes on.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "batch.jsonl").write_text(
    ...     '{"assumptions": {"name": "Région Nord"}, "costs": [{"label": "CRM", '
    ...     '"category": "licences", "one_off": 1000}]}\\n'
    ...     '{"assumptions": {"name": "Sud", "horizon_years": 12}}\\n')
    >>> report = batch_export(folder / "batch.jsonl", folder / "out")
    >>> [(e.place, e.status, e.file) for e in report.entries]
    [('line 1', 'ok', 'region-nord.xlsx'), ('line 2', 'error', None)]
    >>> report.messages()
    ['batch.jsonl: line 2: assumptions.horizon_years: must be <= 10, got 12']
    >>> sorted(p.name for p in (folder / "out").iterdir())
    ['portfolio-summary.csv', 'portfolio-summary.xlsx', 'region-nord.xlsx']
    """
    if jobs < 1:
        raise InputError(f"jobs: at least 1 worker, got {jobs}")
    if executor is not None and jobs != 1:
        raise InputError("give jobs or executor, not both")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise CrmRoiError(f"{out}: not a folder")
    if Path(source).is_dir() and out.exists() and out.resolve() == Path(source).resolve():
        raise CrmRoiError(
            f"{out}: the output folder must not be the input folder "
            "(its workbooks would be read as scenarios next time)"
        )
    items = read_batch(source)
    if not items:
        raise ScenarioError(f"{source}: no scenario found")
    given = Path(source) if Path(source).is_file() else None
    for summary in (out / f"{SUMMARY_NAME}.xlsx", out / f"{SUMMARY_NAME}.csv"):
        if given is not None and same_file(summary, given):
            raise CrmRoiError(
                f"{summary}: is the batch's input: the summary would replace it; "
                "choose another --out-dir"
            )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CrmRoiError(f"{out}: cannot create the folder ({error.strerror})") from None
    remove_stale_temporaries(out)  # left by a batch that was killed
    names = file_names([item.name for item in items])
    valid = [item for item in items if item.scenario is not None]
    first = next((item.scenario for item in valid if item.scenario is not None), None)
    summary_lang: Lang = lang or (first.assumptions.language if first is not None else "fr")

    entries: dict[int, BatchEntry] = {}
    for item in items:
        if item.scenario is None:
            entries[item.index] = BatchEntry(
                item.index, item.place, item.where, item.name, "error", error=item.error
            )
    total, done = len(items), len(entries)
    if progress is not None:
        progress(done, total)

    owned = (
        ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=(os.getpid(),))
        if executor is None and jobs > 1 and valid
        else None
    )
    runner = executor or owned or _InProcess()
    window = 1 if isinstance(runner, _InProcess) else max(64, 4 * jobs)
    queue = iter(valid)
    pending: dict[Future[tuple[bytes, dict[str, Any]]], BatchItem] = {}

    def submit() -> None:
        while len(pending) < window:
            item = next(queue, None)
            if item is None or item.scenario is None:
                return
            data = item.scenario.model_dump(mode="json")
            pending[runner.submit(export_data, data, lang)] = item

    try:
        submit()
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=lambda f: pending[f].index):
                item = pending.pop(future)
                entries[item.index] = _finish(item, future, out, names[item.index], given)
                done += 1
                if progress is not None:
                    progress(done, total)
            submit()
    except BaseException:
        for future in pending:
            future.cancel()
        for item in items:
            if item.index not in entries:
                entries[item.index] = BatchEntry(
                    item.index,
                    item.place,
                    item.where,
                    item.name,
                    "cancelled",
                    error="not done: the batch was interrupted",
                )
        write_summary([entries[i] for i in range(total)], out, summary_lang)
        raise
    finally:
        if owned is not None:
            owned.shutdown(wait=True, cancel_futures=True)
    ordered = [entries[i] for i in range(total)]
    xlsx, csv_path = write_summary(ordered, out, summary_lang)
    return BatchReport(ordered, out, xlsx, csv_path)


def _start_worker(parent: int) -> None:
    """Set up a worker process: Ctrl-C is the parent's to handle (it cancels the
    batch, then stops the workers), and a worker whose parent dies (``kill -9``)
    exits instead of waiting forever for work."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    direct = os.getppid() == parent  # under forkserver the parent is the server

    def alive() -> bool:
        if direct:
            return os.getppid() == parent
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            return False
        return True

    def watch() -> None:
        while alive():
            time.sleep(0.5)
        os._exit(1)

    if direct or os.name == "posix":  # Windows' os.kill would stop the parent
        threading.Thread(target=watch, name="crmroi-parent-watch", daemon=True).start()


def _finish(
    item: BatchItem,
    future: Future[tuple[bytes, dict[str, Any]]],
    out: Path,
    name: str | None,
    given: Path | None,
) -> BatchEntry:
    """Write one finished export; any failure becomes an error entry."""
    try:
        content, results = future.result()
        assert name is not None  # a valid scenario always has a name
        if given is not None and same_file(out / name, given):
            raise CrmRoiError(
                f"{out / name}: is the batch's input: the workbook of this scenario would "
                "replace it; rename the scenario or choose another --out-dir"
            )
        write_atomic(out / name, content)
    except Exception as error:
        return BatchEntry(
            item.index, item.place, item.where, item.name, "error", error=_failure(error)
        )
    return BatchEntry(item.index, item.place, item.where, item.name, "ok", name, results=results)
