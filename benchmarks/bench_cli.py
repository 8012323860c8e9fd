"""The command's start-up: ``crmroi --help``, ``compute`` and ``schema`` as whole processes.

Each is measured beside the time a Python process takes to import the
command's dependencies (pydantic, PyYAML, typer, rich, numpy), in the same
run, interleaved, repeated; best and median, and the ratios to that floor
(target: within 1.5x). The floor imports them as the commands use them:
``import pydantic`` alone loads almost nothing (pydantic loads its modules
when a name is first used), so the floor takes ``BaseModel``, and rich's
``Console`` that prints every report. A command imports what it needs when it runs
(``crmroi --help`` loads no pydantic, ``compute`` no workbook writer).

Run: ``python benchmarks/bench_cli.py [repeats]``
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "pme-20-postes.yaml")
COMMANDS = {
    "dependencies: pydantic.BaseModel, yaml, typer, rich.console, numpy": [
        "-c",
        "from pydantic import BaseModel; import yaml, typer, rich.console, numpy",
    ],
    "crmroi --help": ["-m", "crmroi_xl.cli", "--help"],
    "crmroi compute pme-20-postes.yaml": ["-m", "crmroi_xl.cli", "compute", EXAMPLE],
    "crmroi compute --json": ["-m", "crmroi_xl.cli", "compute", EXAMPLE, "--json"],
    "crmroi schema": ["-m", "crmroi_xl.cli", "schema"],
    "python -c pass (interpreter alone)": ["-c", "pass"],
}


def run(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def main(repeats: int = 15) -> None:
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for args in COMMANDS.values():  # warm the file cache
        run(args)
    for _ in range(repeats):
        for name, args in COMMANDS.items():  # interleaved: load hits every command alike
            times[name].append(run(args))
    floor_best = min(times[next(iter(COMMANDS))])
    floor_median = statistics.median(times[next(iter(COMMANDS))])
    print(f"{'process':<58} {'best':>8} {'median':>8} {'best/floor':>10} {'median/floor':>12}")
    for name, values in times.items():
        best, median = min(values), statistics.median(values)
        print(
            f"{name:<58} {best * 1000:>6.0f}ms {median * 1000:>6.0f}ms "
            f"{best / floor_best:>10.2f} {median / floor_median:>12.2f}"
        )
    print(f"({repeats} runs each, interleaved; target: each crmroi command within 1.5x the floor)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
