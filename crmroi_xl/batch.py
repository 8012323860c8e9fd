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

import os
import signal
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .documents import load_document, parse_document, read_text
from .engine import compute
from .errors import CrmRoiError, InputError, ScenarioError, WorkbookError
from .excel.fast import workbook_bytes
from .files import regular_size, remove_stale_temporaries, same_file, write_atomic
from .flat import read_rows
from .headline import HEADLINES
from .labels import Lang
from .loader import MAX_SCENARIO_BYTES, SUFFIXES, load_scenario, scenario_from_data
from .messages import echo, shown
from .model import Scenario
from .portfolio import (
    METRICS,
    SUMMARY_COLUMNS,
    SUMMARY_NAME,
    BatchEntry,
    BatchReport,
    build_summary,
    write_summary,
)
from .reader import MAX_WORKBOOK_BYTES

__all__ = [
    "MAX_BATCH_BYTES",
    "MAX_ROWS",
    "MAX_STEM",
    "MAX_STEM_BYTES",
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
    "interrupt_between_tasks",
    "read_batch",
    "slugify",
    "worker_count",
    "write_summary",
]

#: A batch file larger than this is refused before reading.
MAX_BATCH_BYTES = 100 * 1024 * 1024

#: Scenarios a batch may hold unless told otherwise (``max_rows=``, ``--max-rows``):
#: 10 000 workbooks take about 450 MB.
MAX_ROWS = 10_000

_BATCH_SUFFIXES = (".json", ".jsonl", ".csv", ".xlsx", ".yaml", ".yml")

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
    """The name in data that does not validate, printable (to keep file names stable)."""
    assumptions = data.get("assumptions") if isinstance(data, dict) else None
    name = assumptions.get("name") if isinstance(assumptions, dict) else None
    return shown(name) if isinstance(name, str) and name.strip() else None


def _from_data(index: int, place: str, where: str, data: Any, lang: Lang | None) -> BatchItem:
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


def _read_list(path: Path, lang: Lang | None, max_rows: int | None) -> list[BatchItem]:
    data = load_document(path, MAX_BATCH_BYTES, SUFFIXES[path.suffix.lower()])
    if not isinstance(data, list):
        raise ScenarioError(
            f"{path}: a batch is a list of scenarios, got {echo(data)}; "
            "for one scenario use `crmroi export`"
        )
    if max_rows is not None and len(data) > max_rows:
        raise _too_many(path, str(len(data)), max_rows)
    return [
        _from_data(i, f"index {i}", f"{path.name}: index {i}", d, lang) for i, d in enumerate(data)
    ]


def _read_lines(path: Path, lang: Lang | None, max_rows: int | None) -> list[BatchItem]:
    items: list[BatchItem] = []
    for number, line in enumerate(read_text(path, MAX_BATCH_BYTES).splitlines(), start=1):
        if not line.strip():
            continue
        if max_rows is not None and len(items) == max_rows:
            raise _too_many(path, "more", max_rows)
        place = f"line {number}"
        where = f"{path.name}: {place}"
        try:
            data = parse_document(line, "JSON", where)
        except ScenarioError as error:
            message = _strip(error.message, where).replace("at line 1, column", "at column")
            items.append(BatchItem(len(items), place, where, None, error=message))
            continue
        items.append(_from_data(len(items), place, where, data, lang))
    return items


def _read_flat(path: Path, lang: Lang | None, max_rows: int | None) -> list[BatchItem]:
    regular_size(path, MAX_BATCH_BYTES)  # a FIFO or a device is never opened
    rows = read_rows(path)
    if max_rows is not None and len(rows) > max_rows:
        raise _too_many(path, str(len(rows)), max_rows)
    items: list[BatchItem] = []
    for index, row in enumerate(rows):
        place = f"row {row.number}"
        where = f"{path.name}: {place}"
        name = shown(row.name) if row.name is not None else None
        try:
            scenario = row.scenario(where, lang)
        except ScenarioError as error:
            items.append(BatchItem(index, place, where, name, error=_strip(error.message, where)))
            continue
        items.append(BatchItem(index, place, where, scenario.name, scenario))
    return items


def _scenario_files(folder: Path) -> list[Path]:
    """The scenario files of a folder in name order: also a pipe or a link to a device of
    those names (refused each as that entry's failure, never opened), not sub-folders."""
    suffixes = {*SUFFIXES, ".xlsx"}
    return sorted(
        path
        for path in folder.iterdir()
        if path.suffix.lower() in suffixes
        and not path.name.startswith((".", "~$"))  # hidden files, Excel's lock files
        and not path.is_dir()
    )


def _read_folder(folder: Path, lang: Lang | None, max_rows: int | None) -> list[BatchItem]:
    files = _scenario_files(folder)
    if max_rows is not None and len(files) > max_rows:
        raise _too_many(folder, str(len(files)), max_rows)
    return [_read_file(index, folder, path, lang) for index, path in enumerate(files)]


def _read_file(index: int, folder: Path, path: Path, lang: Lang | None) -> BatchItem:
    """One file of a folder batch; its name may hold bytes that are not UTF-8 or control
    characters: messages and the summary show them escaped."""
    place = shown(path.name)
    where = f"{shown(folder.name)}/{place}"
    data: Any = None
    try:
        kind = SUFFIXES.get(path.suffix.lower())
        if kind is None:  # a filled workbook
            regular_size(path, MAX_WORKBOOK_BYTES, error=WorkbookError)
            scenario = load_scenario(path, lang=lang)
        else:
            data = load_document(path, MAX_SCENARIO_BYTES, kind)
            scenario = scenario_from_data(data, source=where, lang=lang)
    except ScenarioError as error:
        message = _strip(error.message.replace(str(path), where), where)
        return BatchItem(index, place, where, _raw_name(data), error=message)
    return BatchItem(index, place, where, scenario.name, scenario)


def read_batch(
    source: str | Path, *, lang: Lang | None = None, max_rows: int | None = MAX_ROWS
) -> list[BatchItem]:
    """Read and validate every scenario of a batch, in input order.

    ``source`` is a ``.json`` (or ``.yaml``) list of scenarios, a ``.jsonl``
    file (one JSON scenario a line), a flat ``.csv`` or ``.xlsx`` sheet (one
    scenario a row, :mod:`crmroi_xl.flat`), or a folder whose ``.json``,
    ``.yaml``, ``.yml`` and ``.xlsx`` files (filled workbooks) are scenarios,
    read in name order (sub-folders are not read).
    A file that cannot be read at all, or that holds more than ``max_rows``
    scenarios (None: no limit), raises :class:`~crmroi_xl.errors.ScenarioError`;
    a bad scenario becomes an item with an ``error``, worded in ``lang``, else
    in the scenario's language, else in English.

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
    path = Path(source)
    if path.is_dir():
        return _read_folder(path, lang, max_rows)
    if not path.exists():
        raise ScenarioError(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    if suffix in SUFFIXES:
        return _read_list(path, lang, max_rows)
    if suffix == ".jsonl":
        return _read_lines(path, lang, max_rows)
    if suffix in (".csv", ".xlsx"):
        return _read_flat(path, lang, max_rows)
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

#: Bytes of a file name stem in UTF-8: a file name holds 255 bytes on every usual
#: file system, and the temporary file written first adds its own ``.NAME.PID.RANDOM.tmp``.
MAX_STEM_BYTES = 120


def _fits(stem: str, max_length: int) -> bool:
    nfc = unicodedata.normalize("NFC", stem)
    return len(nfc) <= max_length and len(nfc.encode("utf-8")) <= MAX_STEM_BYTES


def slugify(name: str, *, max_length: int = MAX_STEM) -> str:
    """A file name stem safe on Windows, macOS and Linux, from a scenario name.

    Accents are dropped, letters lower-cased, every run of other characters
    (spaces, punctuation, path separators) becomes one ``-``; letters of other
    scripts are kept. Windows' reserved names get a suffix; the stem is at most
    ``max_length`` characters and :data:`MAX_STEM_BYTES` bytes in UTF-8 (60
    Chinese letters of 4 bytes would make a name too long for the disk); an
    empty result is ``scenario``.

    >>> slugify("PME 20 postes"), slugify("Société Générale — Île-de-France")
    ('pme-20-postes', 'societe-generale-ile-de-france')
    >>> slugify("../../etc/passwd"), slugify("Straße & Œuvre"), slugify("CON"), slugify("?!")
    ('etc-passwd', 'strasse-oeuvre', 'con-scenario', 'scenario')
    >>> slugify("Продажи 2026"), len(slugify("\U00020000" * 60))
    ('продажи-2026', 30)
    """
    folded = unicodedata.normalize("NFKD", name).lower().translate(_LIGATURES)
    text = unicodedata.normalize("NFKD", folded)
    kept = [c if c.isalnum() else " " for c in text if not unicodedata.combining(c)]
    words = "".join(kept).split()
    stem = ""
    for word in words:
        candidate = f"{stem}-{word}" if stem else word
        if not _fits(candidate, max_length):
            while not stem and word and not _fits(word, max_length):
                word = word[:-1]
            stem = stem or word
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
    values: dict[str, Any] = {h.key: h.evaluate(results)[0] for h in HEADLINES if h.shown}
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


# --- the batch --------------------------------------------------------------------------


def _failure(error: BaseException) -> str:
    if isinstance(error, CrmRoiError):
        return error.message
    return shown(f"{type(error).__name__}: {error}", limit=500)


def worker_count(jobs: int, scenarios: int) -> int:
    """Worker processes a batch starts for ``jobs`` asked and ``scenarios`` to export:
    never more than the processors this process may use, nor than the scenarios.

    >>> worker_count(1000, 3) <= 3, worker_count(4, 0)
    (True, 1)
    """
    try:
        processors = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        processors = os.cpu_count() or 1
    return max(1, min(jobs, processors, scenarios))


def batch_export(
    source: str | Path,
    out_dir: str | Path,
    *,
    jobs: int = 1,
    executor: Executor | None = None,
    lang: Lang | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_rows: int | None = MAX_ROWS,
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
        usual ``if __name__ == "__main__":`` guard around the call. Never more
        are started than the processors available or the scenarios to export
        (:func:`worker_count`).
    executor
        Any :class:`concurrent.futures.Executor` to run the exports on instead
        (left running: it is yours). Give ``jobs`` or ``executor``, not both.
    lang
        Language of every workbook; by default each scenario's own. The
        summary is in ``lang``, else in the first valid scenario's language.
    progress
        Called with (scenarios done, total) after each scenario.
    max_rows
        The most scenarios the batch may hold (:data:`MAX_ROWS` by default;
        None for no limit): a bigger one is refused before anything is written.

    Returns
    -------
    BatchReport
        Every entry in input order (status ``ok``, ``error`` or ``cancelled``)
        and the paths of the summary; ``summary_errors`` says why the summary
        could not be written (a full disk), the entries are there all the same.

    A file that cannot be read at all (missing, unknown columns, too many
    scenarios) raises :class:`~crmroi_xl.errors.ScenarioError` before anything
    is written. If the batch is interrupted (Ctrl-C), the summary is still
    written, with the scenarios not done marked ``cancelled``, and the
    interruption goes on.

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
    items = read_batch(source, lang=lang, max_rows=max_rows)
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

    workers = worker_count(jobs, len(valid))
    owned = (
        ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(os.getpid(),))
        if executor is None and workers > 1
        else None
    )
    runner = executor or owned or _InProcess()
    window = 1 if isinstance(runner, _InProcess) else max(64, 4 * workers)
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
        with interrupt_between_tasks() as interrupted:
            submit()
            while pending and not interrupted.is_set():
                finished, _ = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
                for future in sorted(finished, key=lambda f: pending[f].index):
                    item = pending.pop(future)
                    entries[item.index] = _finish(item, future, out, names[item.index], given)
                    done += 1
                    if progress is not None:
                        progress(done, total)
                submit()
            if interrupted.is_set():
                raise KeyboardInterrupt
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
        with suppress(CrmRoiError):  # the interruption is what the caller must hear of
            write_summary([entries[i] for i in range(total)], out, summary_lang)
        raise
    finally:
        if owned is not None:
            owned.shutdown(wait=True, cancel_futures=True)
    ordered = [entries[i] for i in range(total)]
    problems: tuple[str, ...] = ()
    try:
        write_summary(ordered, out, summary_lang)
    except CrmRoiError as error:  # a full disk: the entries still reach the caller
        problems = tuple(error.message.splitlines())
    csv_path, xlsx = out / f"{SUMMARY_NAME}.csv", out / f"{SUMMARY_NAME}.xlsx"
    return BatchReport(ordered, out, xlsx, csv_path, summary_errors=problems)


@contextmanager
def interrupt_between_tasks() -> Iterator[threading.Event]:
    """Ctrl-C sets the flag this yields, for the batch loop to stop at its next turn.

    Python raises KeyboardInterrupt wherever the main thread happens to be; inside
    :func:`concurrent.futures.wait` or a future's lock that leaves a lock held, and
    the workers' shutdown then waits forever. A second Ctrl-C interrupts at once.
    Outside the main thread, or where SIGINT is not Python's default (ignored in a
    background job, or handled by the caller), nothing changes.
    """
    flag = threading.Event()
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield flag
        return

    def handler(signum: int, frame: object) -> None:
        if flag.is_set():
            raise KeyboardInterrupt
        flag.set()

    signal.signal(signal.SIGINT, handler)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


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
