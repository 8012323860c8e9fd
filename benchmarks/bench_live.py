"""The live Monte Carlo's cost (issue 21), side by side: export time, file size, recalculation.

Run from the repository root::

    python benchmarks/bench_live.py [BEFORE_CHECKOUT]

On the demo scenario (``crmroi_xl/scenario/demo.yaml``), in this one run:

- the exporter (``workbook_bytes``, warm caches), best and median of 20 calls, and the
  file's size, with the Simulation sheet (this checkout) and, when a second checkout
  is given (e.g. ``git worktree add /tmp/before main``), with that checkout's code
  (imported in a subprocess) -- the issue's limits: at most 1.3 x the time, 1 MB;
- the exporter of this checkout with the Simulation sheet switched off (the kind
  without runs), to show what the sheet itself costs;
- LibreOffice's recalculation of each workbook (one ``soffice`` call each, start-up
  included, a canary beside it as the tests do; ``tests/spreadsheet.py``) -- the
  issue's limit: under 3 s for the demo's sheet.

It prints figures and ratios and asserts nothing.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(out: Path) -> dict[str, float]:
    """Export the demo to ``out``: best and median seconds of 20 warm calls, bytes."""
    from crmroi_xl.excel.fast import workbook_bytes
    from crmroi_xl.io.loader import DEMO_SCENARIO, load_scenario

    scenario = load_scenario(DEMO_SCENARIO)
    data = workbook_bytes(scenario)
    seconds = []
    for _ in range(20):
        start = time.perf_counter()
        workbook_bytes(scenario)
        seconds.append(time.perf_counter() - start)
    out.write_bytes(data)
    return {"best": min(seconds), "median": statistics.median(seconds), "bytes": len(data)}


def measure_elsewhere(checkout: Path, out: Path) -> dict[str, float]:
    """:func:`measure` with another checkout's package, in a subprocess."""
    code = (
        f"import sys, json; sys.path.insert(0, {str(checkout)!r}); "
        f"sys.path.insert(1, {str(ROOT / 'benchmarks')!r}); "
        "from bench_live import measure; from pathlib import Path; "
        f"print(json.dumps(measure(Path({str(out)!r}))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=checkout
    )
    result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return result


def without_the_sheet(out: Path) -> dict[str, float]:
    """:func:`measure` with the Simulation sheet switched off (a kind without runs)."""
    import crmroi_xl.excel.workbook as workbook

    kept = workbook.uncertain_lines
    workbook.uncertain_lines = lambda scenario: 0  # type: ignore[assignment]
    try:
        return measure(out)
    finally:
        workbook.uncertain_lines = kept


def recalc_seconds(path: Path, folder: Path) -> float:
    sys.path.insert(0, str(ROOT))
    from tests.spreadsheet import recalculate

    start = time.perf_counter()
    recalculate([path], folder)
    return time.perf_counter() - start


def main() -> None:
    sys.path.insert(0, str(ROOT))
    before = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = {"after (Simulation sheet)": (measure(folder / "after.xlsx"), folder / "after.xlsx")}
        off = folder / "off.xlsx"
        rows["after, the sheet switched off"] = (without_the_sheet(off), off)
        if before is not None:
            path = folder / "before.xlsx"
            rows["before (" + before.name + ")"] = (measure_elsewhere(before, path), path)
        print(f"{'demo export':34} {'best':>9} {'median':>9} {'size':>9} {'LibreOffice':>12}")
        recalc = {}
        for name, (m, path) in rows.items():
            (folder / name[:5]).mkdir(exist_ok=True)
            recalc[name] = recalc_seconds(path, folder / name[:5].replace(" ", "_"))
            print(
                f"{name:34} {m['best'] * 1e3:7.1f}ms {m['median'] * 1e3:7.1f}ms "
                f"{m['bytes'] / 1024:7.0f}KiB {recalc[name]:10.2f} s"
            )
        if before is not None:
            (after, _), (old, _) = rows["after (Simulation sheet)"], list(rows.values())[-1]
            print(
                f"\nratio after / before: time {after['best'] / old['best']:.2f} "
                f"(limit 1.3), size {after['bytes'] / 1e6:.2f} MB (limit 1 MB), "
                f"LibreOffice +{recalc['after (Simulation sheet)'] - list(recalc.values())[-1]:.2f}"
                " s (limit: the demo under 3 s)"
            )


if __name__ == "__main__":
    main()
