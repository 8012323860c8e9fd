"""One simulated run beside one ``compute``, measured side by side in one run.

Run from the repository root::

    python benchmarks/bench_simulate.py [REPEATS]

For each example scenario (their lines carry low/high ranges), REPEATS rounds
(default 15), each timing in turn:

- ``compute(scenario)``: the engine once (per call, over a batch of calls),
  which includes the sensitivity (cases, tornado, break-even);
- the same without its sensitivity (``engine.analyse`` replaced by its
  result): the yardstick the issue's "about 130 µs a compute" refers to;
- the evaluator, per run: ``LineTable.evaluate`` on 10 000 rows of drawn
  multipliers -- yearly costs, benefits, net flow, NPV, ROI, payback and IRR
  (what a simulated run is, IRR included though ``simulate`` does not need it);
- ``simulate(scenario, runs=10_000)`` end to end, per run: the draws, one
  ``compute``, the evaluation without IRR and the statistics.

It prints the best and the median of the rounds and the ratios compute / one
run, with and without the sensitivity (the issue's target: at least 100x); it
asserts nothing. The rounds are interleaved, so a machine busy with other work
slows them all alike.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run without installing

import crmroi_xl
from crmroi_xl import compute, load_scenario, simulate
from crmroi_xl.engine import compute as engine
from crmroi_xl.engine.montecarlo import draw_multipliers
from crmroi_xl.engine.sensitivity import LineTable

RUNS = 10_000
EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").iterdir())


def seconds(func: Callable[[], object], number: int) -> float:
    """Seconds per call over ``number`` calls."""
    start = time.perf_counter()
    for _ in range(number):
        func()
    return (time.perf_counter() - start) / number


def show(value: float) -> str:
    if value >= 1e-3:
        return f"{value * 1e3:8.3f} ms"
    return f"{value * 1e6:8.2f} µs"


def bench(path: Path, repeats: int) -> None:
    scenario = load_scenario(path)
    results = compute(scenario)
    table = LineTable.of(
        scenario,
        [line.values for line in results.cost_lines],
        [line.values for line in results.benefit_lines],
    )
    rng = np.random.Generator(np.random.PCG64(0))
    multipliers = draw_multipliers(table, scenario.assumptions.distribution, RUNS, rng)
    uncertain = int(table.uncertain.sum())
    print(
        f"{scenario.name}: {len(scenario.costs)} costs, {len(scenario.benefits)} benefits "
        f"({uncertain} lines with a range), {scenario.assumptions.horizon_years} years"
    )
    timings: dict[str, list[float]] = {"compute": [], "bare": [], "evaluate": [], "simulate": []}
    analyse, sensitivity = engine.analyse, results.sensitivity
    for _ in range(repeats):
        timings["compute"].append(seconds(lambda: compute(scenario), number=50))
        engine.analyse = lambda table: sensitivity  # type: ignore[assignment]
        try:
            timings["bare"].append(seconds(lambda: compute(scenario), number=50))
        finally:
            engine.analyse = analyse
        timings["evaluate"].append(seconds(lambda: table.evaluate(multipliers), number=1) / RUNS)
        timings["simulate"].append(
            seconds(lambda: simulate(scenario, runs=RUNS, seed=0), number=1) / RUNS
        )
    best = {key: min(values) for key, values in timings.items()}
    median = {key: statistics.median(values) for key, values in timings.items()}
    rows = [
        ("compute, one call", "compute"),
        ("compute without its sensitivity", "bare"),
        ("one run: evaluator with IRR", "evaluate"),
        ("one run: simulate() end to end", "simulate"),
    ]
    print(f"  {'':33} {'best':>11} {'median':>11}   compute/run (best, median; w/o sens.)")
    for text, key in rows:
        ratio = ""
        if key in ("evaluate", "simulate"):
            ratio = "  ".join(
                f"{best[ref] / best[key]:5.0f}x {median[ref] / median[key]:5.0f}x"
                for ref in ("compute", "bare")
            )
        print(f"  {text:33} {show(best[key])} {show(median[key])}   {ratio}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description="One simulated run beside one compute.")
    parser.add_argument("repeats", nargs="?", type=int, default=15, help="interleaved rounds")
    repeats = parser.parse_args().repeats
    versions = f"crmroi_xl {crmroi_xl.__version__}, numpy {np.__version__}"
    machine = f"Python {platform.python_version()} on {platform.machine()}"
    print(f"{versions}, {machine}; {repeats} interleaved rounds of {RUNS} runs; target >= 100x")
    print()
    for path in EXAMPLES:
        bench(path, repeats)


if __name__ == "__main__":
    main()
