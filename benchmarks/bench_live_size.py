"""What the live simulation costs as it grows (issue 21): runs x uncertain lines against the
export's size and time and LibreOffice's recalculation.

Run from the repository root::

    python benchmarks/bench_live_size.py [RUNS:LINES ...]

Each case is the demo scenario with its lines repeated until it has ``LINES`` uncertain
lines (costs and benefits with a range: ``tests.test_live_targets.many_lines``), exported with ``workbook_runs = RUNS``; the
Simulation sheet lays out ``min(RUNS, cap)`` runs (``crmroi_xl.excel.live.laid_out_runs``:
runs x slots within ``LIVE_CELLS``). Printed: the runs laid out, the slots, the export's
size and time (one cold call), LibreOffice's recalculation (one ``soffice`` call, start-up
and a canary included, as ``tests/spreadsheet.py`` does). It asserts nothing.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ("1000:9", "5000:9", "5000:40", "5000:400")


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from crmroi_xl import export_workbook
    from crmroi_xl.excel.workbook import export_layout
    from tests.spreadsheet import recalculate
    from tests.test_live_targets import many_lines

    cases = sys.argv[1:] or list(CASES)
    print(
        f"{'runs:lines':>11} {'laid out':>9} {'slots':>6} {'size':>9} {'export':>8} {'LibreOffice':>12}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            runs, lines = (int(x) for x in case.split(":"))
            scenario = many_lines(runs, lines)
            layout = export_layout(scenario)
            path = Path(tmp) / f"{runs}-{lines}.xlsx"
            start = time.perf_counter()
            export_workbook(scenario, path)
            export = time.perf_counter() - start
            folder = Path(tmp) / f"lo-{runs}-{lines}"
            folder.mkdir()
            start = time.perf_counter()
            recalculate([path], folder)
            recalc = time.perf_counter() - start
            print(
                f"{case:>11} {layout.simulation.runs:9} {layout.simulation.slots:6} "
                f"{path.stat().st_size / 1e6:7.2f}MB {export:7.2f}s {recalc:10.2f} s"
            )


if __name__ == "__main__":
    main()
