"""The command's start-up: ``crmroi --help``, ``compute`` and ``schema`` as whole processes.

Each is measured beside a floor, in the same run, interleaved, repeated; best
and median, and the ratios to that floor (target: within 1.5x). The floor is
the command's dependencies (pydantic, PyYAML, typer, rich, numpy) as a command
uses them: a one-command typer program taking a file argument, which builds a
one-field pydantic model and prints it with rich. That is what any command
built on them pays before doing its own work -- pydantic loads its modules
(and its plugin loader, ``importlib.metadata``) only when a model is first
built, and typer its pydantic-based parameter conversion only when a command
runs. The bare imports are shown too, for reference. A command imports what it
needs when it runs (``crmroi --help`` loads no pydantic, ``compute`` no
workbook writer).

Every process may write and reuse its bytecode (``__pycache__``), as an
installed package does (pip compiles it at install): a ``PYTHONDONTWRITEBYTECODE``
set in the caller's environment would otherwise make each run compile the
whole package again while the dependencies' bytecode is installed, timing
the compiler rather than the command.

Run: ``python benchmarks/bench_cli.py [repeats]``
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "pme-20-postes.yaml")
#: The floor: the dependencies, imported and used as a one-command program uses them.
FLOOR = """
import numpy, typer, yaml
from pydantic import BaseModel
from rich.console import Console

class Model(BaseModel):
    path: str

def main(path: str) -> None:
    Console().print(Model(path=path).path)

typer.run(main)
"""
COMMANDS = {
    "floor: a typer command using pydantic, yaml, rich, numpy": ["-c", FLOOR, EXAMPLE],
    "crmroi --help": ["-m", "crmroi_xl.cli.main", "--help"],
    "crmroi compute pme-20-postes.yaml": ["-m", "crmroi_xl.cli.main", "compute", EXAMPLE],
    "crmroi compute --json": ["-m", "crmroi_xl.cli.main", "compute", EXAMPLE, "--json"],
    "crmroi schema": ["-m", "crmroi_xl.cli.main", "schema"],
    "bare imports: pydantic.BaseModel, yaml, typer, rich.console, numpy": [
        "-c",
        "from pydantic import BaseModel; import yaml, typer, rich.console, numpy",
    ],
    "python -c pass (interpreter alone)": ["-c", "pass"],
}


#: The environment of the processes timed: bytecode written once, then reused.
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, *args], check=True, capture_output=True, cwd=ROOT, env=ENVIRONMENT
    )
    return time.perf_counter() - start


def main(repeats: int = 15) -> None:
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for args in COMMANDS.values():  # warm the file cache, write the bytecode
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
