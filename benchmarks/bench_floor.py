"""Issue 25's figures, each beside its floor, in one run (processor time).

Run from the repository root::

    python benchmarks/bench_floor.py [--repeat 5] [--count 1000] [BEFORE_CHECKOUT]

The machine is shared, so every figure is processor time (user + system, the
process's own or its children's), best and median of ``--repeat`` runs:

- **batch**: ``batch_export`` of ``--count`` demo-like scenarios (the demo, each
  under its own name and seats, its ranges kept), one job, in this process: processor
  time per workbook (target: at most 8 ms);
- **export with ranges / without**: ``workbook_bytes`` of the demo (its ranges: the
  Simulation sheet and the Monte Carlo block) against the same demo with every range
  removed (target: at most 1.3 x);
- **crmroi export FILE** as a whole process, second run (its bytecode and its disk
  cache warm), against the bare imports of numpy, pydantic, yaml, typer and rich
  (target: at most 1.5 x);
- **crmroi compute FILE --json** as a whole process against the same floor (target: at
  most 1.3 x).

With ``BEFORE_CHECKOUT`` (another checkout of the project, e.g. ``git archive`` of an
older commit), the in-process figures are measured with that checkout's code too,
in a subprocess, and printed beside. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE = "import numpy, pydantic, yaml, typer, rich"


def best_median(values: list[float]) -> tuple[float, float]:
    return min(values), statistics.median(values)


def demo_data(ranges: bool = True) -> dict:
    from crmroi_xl.io.loader import DEMO_SCENARIO, load_scenario

    data = load_scenario(DEMO_SCENARIO).model_dump(mode="json")
    if not ranges:
        for line in data["costs"] + data["benefits"]:
            line["low"], line["high"] = 1.0, 1.0
    return data


def export_seconds(repeat: int) -> dict[str, list[float]]:
    """Processor seconds of ``workbook_bytes`` of the demo with and without its ranges
    (kinds built first: warm, as in a batch)."""
    from crmroi_xl.excel.fast import workbook_bytes
    from crmroi_xl.scenario.model import Scenario

    out: dict[str, list[float]] = {}
    for name, ranges in (("with ranges", True), ("without ranges", False)):
        scenario = Scenario.model_validate(demo_data(ranges))
        workbook_bytes(scenario)
        seconds = []
        for _ in range(repeat * 4):
            start = time.process_time()
            workbook_bytes(scenario)
            seconds.append(time.process_time() - start)
        out[name] = seconds
    return out


def batch_seconds(count: int, repeat: int) -> list[float]:
    """Processor seconds per workbook of a one-job batch of ``count`` demo-like scenarios."""
    from crmroi_xl.batch.run import batch_export

    demo = demo_data()
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "batch.jsonl"
        with source.open("w", encoding="utf-8") as handle:
            for i in range(count):
                data = json.loads(json.dumps(demo))
                data["assumptions"]["name"] = f"Agence n°{i + 1}"
                data["costs"][0]["seats"] = 10 + i % 40
                handle.write(json.dumps(data, ensure_ascii=False) + "\n")
        for k in range(max(1, repeat // 2)):
            start = time.process_time()
            batch_export(source, Path(tmp) / f"out{k}", jobs=1)
            out.append((time.process_time() - start) / count)
    return out


def child_seconds(args: list[str], env: dict[str, str], cwd: Path = ROOT) -> float:
    """Processor seconds of one ``python ARGS`` process (its children's rusage); run
    in ``cwd`` (``-m`` puts it first on the path: the checkout whose code runs)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, *args], check=True, capture_output=True, env=env, cwd=cwd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def process_seconds(repeat: int, checkout: Path | None = None) -> dict[str, list[float]]:
    """The whole processes, interleaved: the floor, ``export``, ``compute --json``
    (with ``checkout``: that checkout's package, run from there)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cwd = ROOT if checkout is None else checkout
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo.json"
        if checkout is None:
            demo.write_text(json.dumps(demo_data()), encoding="utf-8")
        else:  # the demo as that checkout's model writes it (an older one refuses new keys)
            code = (
                "import json; from crmroi_xl.io.loader import DEMO_SCENARIO, load_scenario; "
                "print(json.dumps(load_scenario(DEMO_SCENARIO).model_dump(mode='json')))"
            )
            done = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=cwd
            )
            demo.write_text(done.stdout, encoding="utf-8")
        out = str(Path(tmp) / "demo.xlsx")
        commands = {
            "bare imports (numpy, pydantic, yaml, typer, rich)": ["-c", BARE],
            "crmroi export FILE": ["-m", "crmroi_xl.cli.main", "export", str(demo), "-o", out],
            "crmroi compute FILE --json": [
                "-m",
                "crmroi_xl.cli.main",
                "compute",
                str(demo),
                "--json",
            ],
        }
        for args in commands.values():  # the first run: bytecode, the disk cache
            child_seconds(args, env, cwd)
        seconds: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(repeat):
            for name, args in commands.items():
                seconds[name].append(child_seconds(args, env, cwd))
    return seconds


def elsewhere(checkout: Path, repeat: int, count: int) -> dict[str, list[float]]:
    """The in-process figures with another checkout's code, in a subprocess."""
    code = (
        f"import sys, json; sys.path.insert(0, {str(checkout)!r}); "
        f"sys.path.insert(1, {str(ROOT / 'benchmarks')!r}); "
        "import bench_floor as b; "
        f"out = b.export_seconds({repeat}); out['batch'] = b.batch_seconds({count}, {repeat}); "
        "print(json.dumps(out))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=checkout
    )
    result: dict[str, list[float]] = json.loads(done.stdout.splitlines()[-1])
    return result


def line(name: str, values: list[float], floor: list[float] | None = None, target: str = "") -> str:
    best, median = best_median(values)
    text = f"{name:52} {best * 1e3:8.1f} ms {median * 1e3:8.1f} ms"
    if floor is not None:
        text += f"   {best / min(floor):5.2f} x the floor {target}"
    elif target:
        text += f"   {target}"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", nargs="?", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    print(f"{'processor time':52} {'best':>11} {'median':>11}")
    rows = export_seconds(args.repeat)
    rows["batch"] = batch_seconds(args.count, args.repeat)
    before = elsewhere(args.before.resolve(), args.repeat, args.count) if args.before else {}
    for label, data in [("", rows), ("before: ", before)]:
        if not data:
            continue
        print(line(f"{label}batch, 1 job, per workbook", data["batch"], target="(target 8 ms)"))
        print(line(f"{label}export of the demo without ranges (floor)", data["without ranges"]))
        print(
            line(
                f"{label}export of the demo with ranges",
                data["with ranges"],
                data["without ranges"],
                "(target 1.3)",
            )
        )
        if label:
            ratio = min(rows["with ranges"]) / min(data["with ranges"])
            print(f"{'after / before, export with ranges':52} {ratio:8.2f} x")
    for label, checkout in [("", None), ("before: ", args.before)]:
        if label and checkout is None:
            continue
        processes = process_seconds(args.repeat, checkout and checkout.resolve())
        names = list(processes)
        floor = processes[names[0]]
        print(line(label + names[0], floor))
        print(line(label + names[1], processes[names[1]], floor, "(target 1.5)"))
        print(line(label + names[2], processes[names[2]], floor, "(target 1.3)"))


if __name__ == "__main__":
    main()
