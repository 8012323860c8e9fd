"""Batch throughput: workbooks written per second with 1 and 2 worker processes.

Run from the repository root::

    python benchmarks/bench_batch.py [COUNT]

Writes COUNT (default 100) copies of the demo scenario, each under its own
name, as a JSON Lines batch in a temporary folder, runs ``batch_export`` with
``jobs=1`` then ``jobs=2`` (best of two runs each, the summary included) and
prints workbooks per second and the ratio. Asserts nothing.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run without installing

import crmroi_xl
from crmroi_xl.batch import batch_export
from crmroi_xl.loader import DEMO_SCENARIO, load_scenario


def make_batch(folder: Path, count: int) -> Path:
    """COUNT demo scenarios with varied names (and seats, so no two are the same)."""
    demo = load_scenario(DEMO_SCENARIO).model_dump(mode="json")
    path = folder / "batch.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            data = json.loads(json.dumps(demo))
            data["assumptions"]["name"] = f"Agence n°{i + 1} — Île-de-France"
            data["costs"][0]["seats"] = 10 + i % 40
            out.write(json.dumps(data, ensure_ascii=False) + "\n")
    return path


def run(source: Path, out_dir: Path, jobs: int, repeat: int = 2) -> float:
    """Best wall-clock seconds of ``repeat`` batches."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        report = batch_export(source, out_dir, jobs=jobs)
        best = min(best, time.perf_counter() - start)
        if report.failed:
            raise SystemExit(f"unexpected failures: {report.messages()[:3]}")
    return best


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    print(
        f"crmroi-xl {crmroi_xl.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {count} workbooks per batch"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = make_batch(folder, count)
        rates = {}
        for jobs in (1, 2):
            seconds = run(source, folder / f"out-{jobs}", jobs)
            rates[jobs] = count / seconds
            print(f"jobs={jobs}: {seconds:6.2f} s  {rates[jobs]:6.1f} workbooks/s")
        print(f"ratio jobs=2 / jobs=1: {rates[2] / rates[1]:.2f}x")


if __name__ == "__main__":
    main()
