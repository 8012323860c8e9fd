"""Batch generation: many scenarios in, one workbook each and a portfolio summary out.

:func:`batch_export` reads a batch -- a JSON list, JSON Lines, a flat CSV or
xlsx sheet with one scenario per row (:mod:`crmroi_xl.io.flat`), or a folder of
scenario files (:mod:`crmroi_xl.batch.inputs`) -- and writes into ``out_dir``:

* one standalone workbook per valid scenario, exactly what
  :func:`~crmroi_xl.writer.export_workbook` writes, under a safe, unique file
  name derived from the scenario's name (:mod:`crmroi_xl.batch.names`);
* ``portfolio-summary.xlsx``, ``.csv`` and ``.json``: one row per scenario
  (:mod:`crmroi_xl.batch.summary`, :mod:`crmroi_xl.batch.workbook`).

A bad scenario never stops the others: it gets a row with status ``error``
and the reason, named by its place in the input (``row 12`` of a sheet,
``index 3`` of a JSON list, ``line 4`` of JSON Lines, or its file name).

How the work flows, so that it scales with the processors and memory stays
flat whatever the number of scenarios:

* this process reads the scenarios one at a time and validates each once;
  at most a window of them are in flight (read, not yet written);
* they go to the workers in chunks (a few scenarios a task, fewer round
  trips), with their file names, decided here in input order;
* with ``jobs``, the worker processes write their workbooks themselves,
  atomically (:func:`~crmroi_xl.excel.files.write_atomic`) and send back only the
  results; the workbook skeletons they fill are built before they start
  (:func:`~crmroi_xl.excel.fast.prepare`: inherited when processes fork,
  built in each worker as it starts otherwise);
* with an ``executor`` of your own (dask, Ray ...) the workers may be on other
  machines: they send the workbook's bytes back and this process writes them;
* results come back in any order and are put in input order for the summary.

Each file is written to a temporary file then renamed: an interrupted batch
leaves no half-written file, and running the same batch again writes the same
bytes, whatever the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from ..engine.compute import compute
from ..engine.options import best_option_scenario, compare
from ..errors import CrmRoiError, InputError, InternalError, ScenarioError
from ..excel.fast import Kind, prepare, workbook_bytes, workbook_kind
from ..excel.files import remove_stale_temporaries, same_file, write_atomic
from ..excel.headline import HEADLINES
from ..scenario.labels import Lang
from ..scenario.messages import shown
from ..scenario.model import Scenario
from .inputs import (
    MAX_BATCH_BYTES,
    MAX_ROWS,
    BatchInput,
    BatchItem,
    Record,
    open_batch,
    read_batch,
)
from .lock import batch_lock
from .names import MAX_STEM, MAX_STEM_BYTES, SUMMARY_NAME, FileNames, file_names, slugify
from .optionrows import option_rows
from .summary import (
    BASIS,
    METRICS,
    SUMMARY_COLUMNS,
    BatchEntry,
    BatchReport,
    summary_csv,
    summary_json,
)

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
    "export_chunk",
    "export_data",
    "file_names",
    "interrupt_between_tasks",
    "read_batch",
    "slugify",
    "worker_count",
    "write_summary",
]

#: One scenario to export: its index in the batch, the scenario, its file name.
Task = tuple[int, Scenario, str]
#: What became of it: index, problem (None: done), results, the workbook's bytes when
#: the caller writes it.
Outcome = tuple[int, str | None, dict[str, Any], bytes | None]

#: Scenarios a task holds at most, when worker processes do the work.
MAX_CHUNK = 8


# --- the work, in any process -----------------------------------------------------------


def _failure(error: BaseException) -> str:
    if isinstance(error, CrmRoiError):
        return error.message
    return shown(f"{type(error).__name__}: {error}", limit=500)


def _export(scenario: Scenario, lang: Lang | None) -> tuple[bytes, dict[str, Any]]:
    comparison = compare(scenario) if scenario.options else None
    if comparison is not None:  # one workbook holds every option, the best one shown;
        # the entry's results are the best option's, the summary's rows each option's
        content = workbook_bytes(scenario, lang=lang, shown=comparison.best, comparison=comparison)
        scenario = best_option_scenario(scenario, comparison)
        results = compute(scenario)
    else:
        results = compute(scenario)
        content = workbook_bytes(scenario, lang=lang, results=results)  # in memory, no lock
    values: dict[str, Any] = {key: getattr(scenario.assumptions, key) for key, _ in BASIS}
    values.update({h.key: h.evaluate(results)[0] for h in HEADLINES if h.shown})
    values["currency"] = scenario.assumptions.currency
    if comparison is not None:  # a row per option in the summary
        values["options"] = option_rows(comparison)
    return content, values


def _write(path: Path, content: bytes, protected: str | None) -> None:
    """Write a workbook atomically, never over the batch's input."""
    if protected is not None and same_file(path, protected):
        raise CrmRoiError(
            f"{path}: is the batch's input: the workbook of this scenario would "
            "replace it; rename the scenario or choose another --out-dir"
        )
    write_atomic(path, content)


def export_chunk(
    tasks: Sequence[Task],
    lang: Lang | None = None,
    out_dir: str | None = None,
    protected: str | None = None,
) -> list[Outcome]:
    """Export validated scenarios: what workers run, one chunk of a batch a call.

    With ``out_dir``, each workbook is written there under its file name,
    atomically and never over the file ``protected`` (the batch's input), and
    no bytes come back; without, the bytes come back for the caller to write
    (workers on other machines). A scenario that fails is that scenario's
    outcome, never the chunk's. Arguments and results are picklable: any
    executor can send them to another process or machine.
    """
    outcomes: list[Outcome] = []
    for index, scenario, name in tasks:
        try:
            content: bytes | None
            content, results = _export(scenario, lang)
            if out_dir is not None:
                _write(Path(out_dir) / name, content, protected)
                content = None
        except Exception as error:
            outcomes.append((index, _failure(error), {}, None))
            continue
        outcomes.append((index, None, results, content))
    return outcomes


def export_data(data: Mapping[str, Any], lang: Lang | None = None) -> tuple[bytes, dict[str, Any]]:
    """Export one scenario given as plain data: the workbook's bytes and its results
    (the summary's metrics, None where undefined, and the currency)."""
    return _export(Scenario.model_validate(data), lang)


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


def _summaries(out: Path) -> tuple[Path, Path, Path]:
    """The summary's files in ``out``: xlsx, csv, json."""
    return out / f"{SUMMARY_NAME}.xlsx", out / f"{SUMMARY_NAME}.csv", out / f"{SUMMARY_NAME}.json"


def _pool(workers: int, kinds: list[Kind]) -> ProcessPoolExecutor:
    """Worker processes, the skeletons of ``kinds`` built first: here when they fork
    (they inherit them), else in each worker as it starts."""
    if multiprocessing.get_start_method() == "fork":
        prepare(kinds)
    return ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(os.getpid(), kinds))


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
        folder of scenario files (see :func:`~crmroi_xl.batch.inputs.read_batch`).
    out_dir
        Folder of the workbooks and of ``portfolio-summary.xlsx`` / ``.csv`` /
        ``.json``; created if missing. Files of the same names are replaced;
        other files are left alone.
    jobs
        Worker processes (1: work in this process), started the way Python
        starts them on the platform: on Windows and macOS a script needs the
        usual ``if __name__ == "__main__":`` guard around the call. Never more
        are started than the processors available or the scenarios to export
        (:func:`worker_count`).
    executor
        Any :class:`concurrent.futures.Executor` to run the exports on instead
        (left running: it is yours); it is given :func:`export_chunk`. Give
        ``jobs`` or ``executor``, not both.
    lang
        Language of every workbook; by default each scenario's own. The
        summary is in ``lang``, else in the first valid scenario's language.
    progress
        Called with (scenarios done, total) as scenarios are done.
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
    is written. One batch at a time writes into ``out_dir``
    (:func:`~crmroi_xl.batch.lock.batch_lock`): while another holds it, a
    :class:`~crmroi_xl.errors.CrmRoiError` (reason ``batch_locked``) naming the
    folder and that batch's process id is raised, nothing written. If the batch is interrupted (Ctrl-C), the summary is still
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
    ['portfolio-summary.csv', 'portfolio-summary.json', 'portfolio-summary.xlsx', 'region-nord.xlsx']
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
    batch = open_batch(source, max_rows=max_rows)
    if batch.count == 0:
        raise ScenarioError(f"{source}: no scenario found")
    given = Path(source) if Path(source).is_file() else None
    for summary in _summaries(out):
        if given is not None and same_file(summary, given):
            raise CrmRoiError(
                f"{summary}: is the batch's input: the summary would replace it; "
                "choose another --out-dir"
            )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CrmRoiError(f"{out}: cannot create the folder ({error.strerror})") from None
    with batch_lock(out, lang):  # one batch at a time in a folder, or one is refused
        return _locked(batch, out, given, lang, progress, executor, jobs)


def _locked(
    batch: BatchInput,
    out: Path,
    given: Path | None,
    lang: Lang | None,
    progress: Callable[[int, int], None] | None,
    executor: Executor | None,
    jobs: int,
) -> BatchReport:
    """The batch, its output folder locked."""
    remove_stale_temporaries(out)  # left by a batch that was killed
    run = _Run(batch.count, out, given, lang, progress)
    workers = worker_count(jobs, batch.count) if executor is None else 1
    records = batch.records()
    try:
        with interrupt_between_tasks() as interrupted:
            run.go(batch, records, executor, workers, interrupted)
    except BaseException:
        run.cancel(batch, records)
        with suppress(CrmRoiError):  # the interruption is what the caller must hear of
            write_summary(run.ordered(), out, run.summary_lang)
        raise
    ordered = run.ordered()
    problems: tuple[str, ...] = ()
    try:
        write_summary(ordered, out, run.summary_lang)
    except CrmRoiError as error:  # a full disk: the entries still reach the caller
        problems = tuple(error.message.splitlines())
    xlsx, csv_path, json_path = _summaries(out)
    return BatchReport(ordered, out, xlsx, csv_path, problems, json_path)


class _Run:
    """One batch under way: entries by input index, the chunks in flight."""

    def __init__(
        self,
        total: int,
        out: Path,
        given: Path | None,
        lang: Lang | None,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        self.total, self.out, self.lang, self.progress = total, out, lang, progress
        self.protected = str(given) if given is not None else None
        self.entries: dict[int, BatchEntry] = {}
        self.items: dict[int, BatchItem] = {}  # read, valid, not done yet
        self.pending: dict[Future[list[Outcome]], list[Task]] = {}
        self.names = FileNames()
        self.summary_lang: Lang = lang or "fr"
        self.first_valid = True
        self.runner: Executor | None = None
        self.owned: ProcessPoolExecutor | None = None

    def _done(self, entry: BatchEntry) -> None:
        self.entries[entry.index] = entry
        if self.progress is not None:
            self.progress(len(self.entries), self.total)

    def go(
        self,
        batch: BatchInput,
        records: Iterator[Record],
        executor: Executor | None,
        workers: int,
        interrupted: threading.Event,
    ) -> None:
        """Read, submit and collect until every scenario is done or Ctrl-C is pressed."""
        if self.progress is not None:
            self.progress(0, self.total)
        parallel = executor is not None or workers > 1
        size = max(1, min(MAX_CHUNK, self.total // (8 * workers))) if parallel else 1
        window = (2 * workers if executor is None else 8) if parallel else 1
        chunk: list[Task] = []
        exhausted = False
        try:
            while not interrupted.is_set():
                while not exhausted and len(self.pending) < window and not interrupted.is_set():
                    record = next(records, None)
                    if record is None:
                        exhausted = True
                    else:
                        task = self._read(batch.validate(record, self.lang))
                        if task is not None:
                            chunk.append(task)
                    if chunk and (exhausted or len(chunk) >= size):
                        self._submit(chunk, executor, workers)
                        chunk = []
                if not self.pending:
                    break
                finished, _ = wait(self.pending, timeout=0.25, return_when=FIRST_COMPLETED)
                for future in finished:
                    self._collect(future)
            if interrupted.is_set():
                raise KeyboardInterrupt
        finally:
            if self.owned is not None:
                if interrupted.is_set() or not exhausted:
                    for future in self.pending:
                        future.cancel()
                self.owned.shutdown(wait=True, cancel_futures=True)
            for future in list(self.pending):  # finished while the pool shut down
                if future.done() and not future.cancelled():
                    self._collect(future)

    def _read(self, item: BatchItem) -> Task | None:
        """Name an item, in input order; a bad one is done at once."""
        file = self.names.add(item.name)
        if item.scenario is None:
            self._done(
                BatchEntry(item.index, item.place, item.where, item.name, "error", error=item.error)
            )
            return None
        if self.first_valid:
            self.first_valid = False
            self.summary_lang = self.lang or item.scenario.assumptions.language
        if file is None:
            raise InternalError(f"{item.where}: a valid scenario has no file name")
        self.items[item.index] = item
        return item.index, item.scenario, file

    def _submit(self, chunk: list[Task], executor: Executor | None, workers: int) -> None:
        if self.runner is None:
            if executor is not None:
                self.runner = executor
            elif workers > 1:
                kinds = list(dict.fromkeys(workbook_kind(s, self.lang) for _, s, _ in chunk))
                self.runner = self.owned = _pool(workers, kinds)
            else:
                self.runner = _InProcess()
        out_dir = None if executor is not None else str(self.out)
        future = self.runner.submit(export_chunk, chunk, self.lang, out_dir, self.protected)
        self.pending[future] = chunk

    def _collect(self, future: Future[list[Outcome]]) -> None:
        chunk = self.pending.pop(future)
        try:
            outcomes = future.result()
        except Exception as error:  # a worker died: the chunk's scenarios fail
            outcomes = [(index, _failure(error), {}, None) for index, _, _ in chunk]
        for (index, problem, results, content), (_, _, name) in zip(outcomes, chunk, strict=True):
            item = self.items.pop(index)
            if problem is None and content is not None:
                try:
                    _write(self.out / name, content, self.protected)
                except CrmRoiError as error:
                    problem = error.message
            if problem is None:
                entry = BatchEntry(
                    index, item.place, item.where, item.name, "ok", name, results=results
                )
            else:
                entry = BatchEntry(index, item.place, item.where, item.name, "error", error=problem)
            self._done(entry)

    def cancel(self, batch: BatchInput, records: Iterator[Record]) -> None:
        """Mark every scenario not done as cancelled (those not read yet as read now,
        unvalidated)."""
        for future in list(self.pending):
            future.cancel()
        self.pending.clear()
        unread: list[BatchItem] = list(self.items.values())
        with suppress(CrmRoiError, OSError):
            unread += [batch.unread(record) for record in records]
        for item in unread:
            if item.index not in self.entries:
                self.entries[item.index] = BatchEntry(
                    item.index,
                    item.place,
                    item.where,
                    item.name,
                    "cancelled",
                    error="not done: the batch was interrupted",
                )

    def ordered(self) -> list[BatchEntry]:
        """Every entry known, in input order."""
        return [self.entries[i] for i in sorted(self.entries)]


def _summary_workbook(entries: Sequence[BatchEntry], lang: Lang, path: Path) -> Path:
    """:func:`~crmroi_xl.batch.workbook.save_summary_workbook`, imported here: openpyxl
    builds its frame, and the workbooks of a batch do not need it."""
    from .workbook import save_summary_workbook

    return save_summary_workbook(entries, lang, path)


def write_summary(
    entries: Sequence[BatchEntry], out_dir: Path, lang: Lang
) -> tuple[Path, Path, Path]:
    """Write the portfolio summary -- ``.csv``, ``.json``, then ``.xlsx`` -- each atomically.

    Each is attempted even when another fails (the small ones first: on a disk
    nearly full they are the most likely to fit). One that cannot be written
    is removed if an older one of that name is there, so no stale summary
    passes for this run's; then :class:`~crmroi_xl.errors.CrmRoiError` says
    which could not be written and why. Returns the paths (xlsx, csv, json).
    """
    xlsx, csv_path, json_path = _summaries(out_dir)
    problems = []
    writers: list[tuple[Path, Callable[[], object]]] = [
        (csv_path, lambda: write_atomic(csv_path, summary_csv(entries, lang))),
        (json_path, lambda: write_atomic(json_path, summary_json(entries))),
        (xlsx, lambda: _summary_workbook(entries, lang, xlsx)),
    ]
    for path, write in writers:
        try:
            write()
        except (CrmRoiError, OSError, ValueError) as error:
            problems.append(error.message if isinstance(error, CrmRoiError) else str(error))
            with suppress(OSError):
                path.unlink(missing_ok=True)  # an older summary would pass for this run's
    if problems:
        raise CrmRoiError("\n".join(problems))
    return xlsx, csv_path, json_path


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


def _start_worker(parent: int, kinds: list[Kind]) -> None:
    """Set up a worker process: Ctrl-C is the parent's to handle (it cancels the
    batch, then stops the workers), a worker whose parent dies (``kill -9``)
    exits instead of waiting forever for work, and the skeletons of ``kinds``
    are built (inherited already when the process was forked)."""
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
    prepare(kinds)
