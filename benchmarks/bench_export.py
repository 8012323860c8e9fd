"""Export speed side by side: the exporter, openpyxl, the zip floor, batch, engine, UDFs, IRR.

Run from the repository root::

    python benchmarks/bench_export.py [BATCH_COUNT]

Everything is measured in this one run, on the demo scenario
(``crmroi_xl/scenario/demo.yaml``: 3 years, 6 costs, 4 benefits, no channel):

- the exporter (``export_workbook``: cached skeleton, cells filled in as
  strings) per workbook, to disk and in memory, best and median of N runs;
- before: the whole workbook built and saved by openpyxl
  (``export_workbook_openpyxl``), and openpyxl merely saving the same workbook,
  built once (``save_workbook``, and plain ``wb.save``);
- the Monte Carlo block an export computes (``simulate``), and the export of
  the same scenario without ranges (no simulation) beside its own floor;
- the floor: the exporter's own XML parts deflated into a zip again, in
  memory and to disk;
- batch throughput with 1 and 2 jobs (``batch_export``, BATCH_COUNT demo
  scenarios with varied names and seats, each batch started cold like a fresh
  ``crmroi batch``);
- the engine (``compute``) per scenario;
- the Excel functions ``CRM_ROI``, ``CRM_NPV``, ``CRM_IRR`` over 10 000-row
  ranges through xlwings' own Office.js call path;
- ``irr`` on a 1 000-period series beside numpy-financial.

It prints figures and ratios and asserts nothing; the issue's targets are
printed beside the ratios.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # udfs.py, uninstalled package

import numpy_financial as npf
import openpyxl
from bench_batch import make_batch  # the same scenarios as the batch benchmark

import crmroi_xl
from crmroi_xl import compute, load_scenario, simulate
from crmroi_xl.excel.fast import clear_caches, export_workbook, workbook_bytes
from crmroi_xl.excel.layout import Layout
from crmroi_xl.excel.package import save_workbook
from crmroi_xl.excel.workbook import build_workbook, export_workbook_openpyxl
from crmroi_xl.finance.metrics import irr
from crmroi_xl.io.loader import DEMO_SCENARIO
from crmroi_xl.scenario.model import Scenario


def timings(func: Callable[[], object], runs: int) -> tuple[float, float]:
    """Best and median seconds of ``runs`` calls (one warm-up call first)."""
    func()
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        seconds.append(time.perf_counter() - start)
    return min(seconds), statistics.median(seconds)


def show(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:8.3f} s "
    if seconds >= 1e-3:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds * 1e6:8.1f} µs"


def line(label: str, best: float, median: float | None = None) -> None:
    tail = f"  {show(median)}" if median is not None else ""
    print(f"  {label:<52} {show(best)}{tail}")


def ratio(label: str, value: float, target: str = "") -> None:
    shown = f"{value:8.2f}" if value >= 0.01 else f"{value:8.1e}"
    print(f"  {label:<52} {shown}x  {target}".rstrip())


def rezip(parts: list[tuple[str, bytes]], target: Any) -> None:
    """The floor: the parts deflated into a zip, nothing else."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            archive.writestr(name, data)


# --- one workbook -------------------------------------------------------------------------


def _without_ranges(scenario: Scenario) -> Scenario:
    """The scenario with every line's range [1, 1]: no uncertainty, so no simulation."""
    data = scenario.model_dump()
    for line in (*data["costs"], *data["benefits"]):
        line["low"] = line["high"] = 1.0
    return Scenario.model_validate(data)


def export_section(scenario: Scenario, folder: Path, runs: int) -> dict[str, float]:
    out = folder / "demo.xlsx"
    print(f"One workbook: demo scenario, best and median of {runs} runs")
    print(f"  {'':<52} {'best':>11}  {'median':>11}")
    clear_caches()
    start = time.perf_counter()
    export_workbook(scenario, out)
    first = time.perf_counter() - start
    fast = timings(lambda: export_workbook(scenario, out), runs)
    in_memory = timings(lambda: workbook_bytes(scenario), runs)
    line("exporter: export_workbook (to disk)", *fast)
    line("exporter: workbook_bytes (in memory)", *in_memory)
    line("first export of a process (skeleton built once)", first)

    slow = timings(lambda: export_workbook_openpyxl(scenario, folder / "slow.xlsx"), runs // 4)
    layout = Layout(scenario.assumptions.language)
    built = timings(lambda: build_workbook(layout, scenario), runs // 4)
    wb, cached = build_workbook(layout, scenario)
    saved = timings(lambda: save_workbook(wb, folder / "saved.xlsx", cached), runs // 4)
    plain = timings(lambda: wb.save(folder / "plain.xlsx"), runs // 4)
    line("before: export_workbook_openpyxl (build + save)", *slow)
    line("openpyxl build_workbook only", *built)
    line("openpyxl save only: save_workbook (cached values)", *saved)
    line("openpyxl save only: wb.save", *plain)

    with zipfile.ZipFile(out) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    floor_memory = timings(lambda: rezip(parts, io.BytesIO()), runs)
    floor_disk = timings(lambda: rezip(parts, folder / "floor.xlsx"), runs)
    size = sum(len(data) for _, data in parts)
    line(f"floor: re-zip its {len(parts)} parts ({size // 1024} KiB), in memory", *floor_memory)
    line("floor: re-zip its parts, to disk", *floor_disk)
    # the Monte Carlo block is computed at export: apart, and the writing without it
    simulation = timings(lambda: simulate(scenario), runs)
    line("of which the Monte Carlo block: simulate (10 000 runs)", *simulation)
    fixed = _without_ranges(scenario)
    bare = timings(lambda: export_workbook(fixed, folder / "bare.xlsx"), runs)
    with zipfile.ZipFile(folder / "bare.xlsx") as archive:
        bare_parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    bare_floor = timings(lambda: rezip(bare_parts, folder / "floor.xlsx"), runs)
    line("exporter, same scenario without ranges (no simulation)", *bare)
    line("floor: re-zip its parts, to disk", *bare_floor)
    print()
    ratio("exporter / floor (to disk, best)", fast[0] / floor_disk[0], "target <= 4")
    ratio(
        "exporter without the simulation / floor (best)",
        bare[0] / bare_floor[0],
        "target <= 2 (issue 13)",
    )
    ratio("exporter / floor (in memory, best)", in_memory[0] / floor_memory[0])
    ratio("exporter / openpyxl save_workbook (best)", fast[0] / saved[0], "target <= 0.5")
    ratio("exporter / openpyxl wb.save (best)", fast[0] / plain[0])
    ratio("before / exporter (speed-up, best)", slow[0] / fast[0])
    print()
    return {"exporter": fast[0]}


# --- batch --------------------------------------------------------------------------------


def _export_one(args: tuple[dict[str, Any], str]) -> int:
    data, path = args
    return export_workbook(Scenario.model_validate(data), path).stat().st_size


def batch_section(folder: Path, count: int) -> None:
    source = make_batch(folder, count)
    try:
        from crmroi_xl.batch.run import batch_export
    except ImportError as error:  # another engineer's module, maybe not there yet
        print(
            f"Batch: crmroi_xl.batch.run not importable ({error}); ProcessPoolExecutor.map instead"
        )
        lines = [json.loads(text) for text in source.read_text(encoding="utf-8").splitlines()]

        def run(jobs: int) -> None:
            out = folder / f"pool-{jobs}"
            out.mkdir(exist_ok=True)
            work = [(data, str(out / f"{i}.xlsx")) for i, data in enumerate(lines)]
            if jobs == 1:
                list(map(_export_one, work))
            else:
                with ProcessPoolExecutor(jobs) as pool:
                    list(pool.map(_export_one, work, chunksize=8))

    else:
        print(f"Batch: batch_export of {count} demo scenarios (JSON Lines), summary included")

        def run(jobs: int) -> None:
            report = batch_export(source, folder / f"out-{jobs}", jobs=jobs)
            if report.failed:
                raise SystemExit(f"unexpected failures: {report.messages()[:3]}")

    rates = {}
    for jobs in (1, 2):
        best = float("inf")
        for _ in range(2):
            clear_caches()  # each batch starts cold, as a fresh `crmroi batch` does
            start = time.perf_counter()
            run(jobs)
            best = min(best, time.perf_counter() - start)
        rates[jobs] = count / best
        per = show(best / count)
        print(f"  jobs={jobs}: {best:6.2f} s, {rates[jobs]:6.1f} workbooks/s, {per} per workbook")
    ratio(
        "jobs=2 / jobs=1 throughput", rates[2] / rates[1], f"target >= 1.8 ({os.cpu_count()} CPUs)"
    )
    print()


# --- engine, Excel functions, IRR ---------------------------------------------------------


def engine_section(scenario: Scenario) -> None:
    best, median = timings(lambda: compute(scenario), 2000)
    print("Engine")
    line("compute(demo scenario, 3 years)", best, median)
    print(f"  {'':<52} target < 1 ms")
    print()


def udf_section(rows: int = 10_000) -> None:
    os.environ.setdefault("XLWINGS_ON_SERVER", "true")  # before xlwings is imported
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings
    from xlwings import server

    import udfs

    def call(name: str, *args: Any) -> Any:
        data = {
            "func_name": name,
            "args": list(args),
            "version": xlwings.__version__,
            "client": "Office.js",
            "runtime": "1.4",
            "caller_address": "Sheet1!A1",
            "culture_info_name": "en-US",
            "date_format": "m/d/yyyy",
        }
        return asyncio.run(server.custom_functions_call(data, udfs))[0][0]

    flows = [[-1_000_000.0]] + [[150.0 + i % 7] for i in range(rows - 1)]
    benefits = [[1_000.0 + i % 13] for i in range(rows)]
    costs = [[400.0 + i % 11] for i in range(rows)]
    print(f"Excel functions through xlwings' Office.js call path, {rows:,}-row ranges")
    for name, args in (
        ("crm_roi", (benefits, costs)),
        ("crm_npv", ([[0.001]], flows)),
        ("crm_irr", (flows,)),
    ):
        best, median = timings(lambda n=name, a=args: call(n, *a), 15)  # type: ignore[misc]
        line(f"{name.upper()} -> {call(name, *args)!r:.24}", best, median)
    print(f"  {'':<52} target < 100 ms each")
    print()


def irr_section() -> None:
    series = [-1e6] + [1_500.0] * 999
    ours = timings(lambda: irr(series), 200)
    theirs = timings(lambda: float(npf.irr(series)), 3)
    print("irr on a 1 000-period series (-1e6 then 999 x 1 500)")
    line(f"crmroi_xl.irr -> {irr(series):.10f}", *ours)
    line(f"numpy_financial.irr -> {float(npf.irr(series)):.10f}", *theirs)
    ratio("crmroi irr / numpy-financial irr (time, best)", ours[0] / theirs[0])
    ratio("numpy-financial / crmroi (speed-up, best)", theirs[0] / ours[0], "target >= 1000")
    print()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    print(
        f"crmroi-xl {crmroi_xl.__version__}, openpyxl {openpyxl.__version__}, "
        f"numpy-financial {npf.__version__}, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs"
    )
    print()
    scenario = load_scenario(DEMO_SCENARIO)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        export_section(scenario, folder, runs=200)
        batch_section(folder, count)
    engine_section(scenario)
    udf_section()
    irr_section()


if __name__ == "__main__":
    main()
