"""Batch throughput, memory and the batch's own costs, side by side in one run.

Run from the repository root::

    python benchmarks/bench_batch.py [--sizes 100,1000,5000] [--repeat 3] [--quick]

Everything is measured in this one run, on COUNT copies of the demo scenario,
each under its own name, as a JSON Lines batch in a temporary folder:

- the reader against its floor (``read_workbook`` vs unzip + lxml parse of
  every worksheet, as ``bench_reader.py``);
- ``batch_export`` of 100, 1 000 and 5 000 scenarios with ``jobs=1`` and
  ``jobs=2``, each batch in a fresh process (as ``crmroi batch`` runs it): its
  wall-clock time (measured inside that process, interpreter start excluded)
  and the peak resident memory of the whole process tree (the batch and its
  workers, sampled every 10 ms from ``/proc``; Linux only);
- the portfolio summary: time per entry for 1 000 and 5 000 entries;
- ``file_names`` of 5 000 equal names against 5 000 different ones.

Each figure is the best and the median of ``--repeat`` runs (the 5 000 batches
run ``--repeat`` // 2 times, at least once; ``--quick``: one run each and no
5 000); then the ratios the issue asks for. Asserts nothing: the targets of
issue 13 are printed beside the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run without installing
sys.path.insert(0, str(Path(__file__).resolve().parent))

import crmroi_xl
from crmroi_xl.io.loader import DEMO_SCENARIO, load_scenario

ROOT = Path(__file__).resolve().parent.parent


def make_batch(folder: Path, count: int) -> Path:
    """COUNT demo scenarios with varied names (and seats, so no two are the same)."""
    demo = load_scenario(DEMO_SCENARIO).model_dump(mode="json")
    path = folder / f"batch-{count}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            data = json.loads(json.dumps(demo))
            data["assumptions"]["name"] = f"Agence n°{i + 1} — Île-de-France"
            data["costs"][0]["seats"] = 10 + i % 40
            out.write(json.dumps(data, ensure_ascii=False) + "\n")
    return path


_CHILD = """
import sys, time
sys.path.insert(0, sys.argv[4])
from crmroi_xl.batch.run import batch_export
start = time.perf_counter()
report = batch_export(sys.argv[1], sys.argv[2], jobs=int(sys.argv[3]))
print(time.perf_counter() - start, len(report.failed))
"""


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants now (0 once gone)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(x.split()[1]) for x in status.splitlines() if x.startswith("VmRSS"))
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total * 1024


def run_batch(source: Path, out_dir: Path, jobs: int) -> tuple[float, int]:
    """One batch in a fresh process: its seconds and the peak RSS of its process tree."""
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(source), str(out_dir), str(jobs), str(ROOT)],
        stdout=subprocess.PIPE,
        text=True,
    )
    peak = 0
    sample = Path("/proc").is_dir()
    while child.poll() is None:
        if sample:
            peak = max(peak, _tree_rss(child.pid))
        time.sleep(0.01)
    out = child.stdout.read() if child.stdout else ""
    if child.returncode != 0:
        raise SystemExit(f"batch failed: {out}")
    seconds, failed = out.split()
    if int(failed):
        raise SystemExit(f"{failed} scenarios failed")
    return float(seconds), peak


def best_median(values: list[float]) -> tuple[float, float]:
    return min(values), statistics.median(values)


def timings(func: Callable[[], object], runs: int) -> tuple[float, float]:
    """Best and median seconds of ``runs`` calls (one warm-up call first)."""
    func()
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        seconds.append(time.perf_counter() - start)
    return best_median(seconds)


def reader_vs_floor(folder: Path, runs: int) -> tuple[tuple[float, float], tuple[float, float]]:
    from bench_reader import floor

    from crmroi_xl import export_workbook, read_workbook

    path = export_workbook(load_scenario(DEMO_SCENARIO), folder / "demo.xlsx", lang="fr")
    return timings(lambda: read_workbook(path), runs), timings(lambda: floor(path), runs)


def summary_per_entry(count: int, runs: int) -> tuple[float, float]:
    from crmroi_xl.batch.summary import BatchEntry
    from crmroi_xl.batch.workbook import summary_bytes

    results = {key: 1234.5 for key in ("roi", "npv", "irr", "payback", "clv", "cac")}
    entries = [
        BatchEntry(
            i,
            f"line {i + 1}",
            "b",
            f"Agence n°{i + 1}",
            "ok",
            f"agence-{i + 1}.xlsx",
            results={**results, "currency": "EUR"},
        )
        for i in range(count)
    ]
    best, median = timings(lambda: summary_bytes(entries, "fr"), runs)
    return best / count, median / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    repeat = 1 if args.quick else args.repeat
    if args.quick:
        sizes = [s for s in sizes if s < 5000]
    print(
        f"crmroi-xl {crmroi_xl.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; best / median of {repeat} runs"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (read, floor_) = reader_vs_floor(folder, 100)
        print(
            f"\nreader: read_workbook {read[0] * 1e3:.2f} / {read[1] * 1e3:.2f} ms, "
            f"floor {floor_[0] * 1e3:.2f} / {floor_[1] * 1e3:.2f} ms: "
            f"{read[0] / floor_[0]:.2f} x (target within 3 x)"
        )

        print(f"\n{'batch':>14} {'best s':>8} {'median s':>9} {'/s best':>8} {'peak RSS MiB':>13}")
        batches: dict[tuple[int, int], tuple[float, float, float]] = {}
        for count in sizes:
            source = make_batch(folder, count)
            runs = max(1, repeat // 2) if count >= 5000 else repeat
            for jobs in (1, 2):
                seconds, peaks = [], []
                for _ in range(runs):
                    s, peak = run_batch(source, folder / f"out-{count}-{jobs}", jobs)
                    seconds.append(s)
                    peaks.append(peak)
                best, median = best_median(seconds)
                batches[count, jobs] = (best, median, max(peaks) / 2**20)
                print(
                    f"{count:>6} jobs={jobs} {best:8.2f} {median:9.2f} {count / best:8.1f} "
                    f"{max(peaks) / 2**20:13.1f}"
                )
        print("\nratios")
        for count in sizes:
            one, two = batches[count, 1], batches[count, 2]
            print(
                f"  {count:>5} scenarios, jobs=2 vs jobs=1: {one[0] / two[0]:.2f} x (best), "
                f"{one[1] / two[1]:.2f} x (median); target >= 1.7 x at 1 000"
            )
        for jobs in (1, 2):
            if (1000, jobs) in batches and (5000, jobs) in batches:
                ratio = batches[5000, jobs][2] / batches[1000, jobs][2]
                print(f"  peak RSS 5 000 / 1 000, jobs={jobs}: {ratio:.2f} x (target <= 1.3 x)")

        print("\nportfolio summary (fast writer), per entry")
        for count in (1000, 5000):
            best, median = summary_per_entry(count, repeat)
            print(f"  {count:>5} entries: {best * 1e6:7.1f} / {median * 1e6:7.1f} µs")

        from crmroi_xl.batch.names import file_names

        same = ["Agence Île-de-France"] * 5000
        distinct = [f"Agence {i} Île-de-France" for i in range(5000)]
        t_same = timings(lambda: file_names(same), max(3, repeat))
        t_distinct = timings(lambda: file_names(distinct), max(3, repeat))
        print(
            f"\nfile_names: 5 000 same {t_same[0] * 1e3:.1f} / {t_same[1] * 1e3:.1f} ms, "
            f"5 000 distinct {t_distinct[0] * 1e3:.1f} / {t_distinct[1] * 1e3:.1f} ms: "
            f"{t_same[0] / t_distinct[0]:.2f} x (target within 1.5 x)"
        )


if __name__ == "__main__":
    main()
