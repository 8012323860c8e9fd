"""A live payback per run, measured before deciding (issue 21): what it would cost the demo.

Run from the repository root::

    python benchmarks/bench_live_payback.py

The demo's export is copied by openpyxl (no cached values, no charts: ``base``), then
given, on its Simulation sheet, the live design weighed for the payback (``proto``):
per run, 11 cumulative net flows (each the previous plus a ``SUMPRODUCT`` of the run's
multipliers and the slots' signed amounts of that year, stand-in values here) and two
cells, "paid back within the horizon" and "within the target" (``In_TargetPayback``
months). Printed: each file's size and LibreOffice's recalculation (one ``soffice``
call, start-up and a canary included; the canary alone last). The difference between
``base`` and ``proto`` is what the design adds; docs/simulation.md says why the
payback's probabilities are written at export instead. It asserts nothing.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEARS = 11


def add_payback(path: Path, out: Path) -> None:
    """The live payback design on the Simulation sheet of ``path``, saved to ``out``."""
    import openpyxl
    from openpyxl.utils import get_column_letter as letter

    from crmroi_xl.excel.workbook import export_layout
    from crmroi_xl.io.loader import DEMO_SCENARIO, load_scenario

    layout = export_layout(load_scenario(DEMO_SCENARIO))
    p = layout.simulation
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.sheet_name("simulation")]
    first = p.slots + 4  # the columns after the slots
    for t in range(YEARS):  # the slots' signed amounts of year t (rows 4..14)
        ws.cell(4 + t, first + 1, -5000.0)
        for j in range(p.slots):
            ws.cell(4 + t, first + 2 + j, 1000.0 * (t + 1) * (1 if j % 2 else -1))
    target = f"${p.payback_target_cell[0]}${p.payback_target_cell[1:]}"
    for r in range(1, p.runs + 1):
        row = p.run_row(r)
        for t in range(YEARS):
            amounts = f"${letter(first + 2)}${4 + t}:${letter(first + 1 + p.slots)}${4 + t}"
            before = f"+{letter(first + t - 1)}{row}" if t else ""
            flow = f"=${letter(first + 1)}${4 + t}+SUMPRODUCT({p.multipliers(r)},{amounts})"
            ws.cell(row, first + t, flow + before)
        cum = f"{letter(first)}{row}:{letter(first + YEARS - 1)}{row}"
        ws.cell(row, first + YEARS, f"=IF(MAX({cum})>=0,1,0)")
        k = f"INT({target}/12)"
        at = f"INDEX({cum},{k}+1)"
        then = f"INDEX({cum},MIN({k}+2,{YEARS}))"
        ws.cell(
            row,
            first + YEARS + 1,
            f"=IF(OR(MAX({letter(first)}{row}:{at})>=0,"
            f"{at}+({target}/12-{k})*({then}-{at})>=0),1,0)",
        )
    wb.save(out)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    import openpyxl

    from crmroi_xl import export_workbook
    from crmroi_xl.io.loader import DEMO_SCENARIO, load_scenario
    from tests.spreadsheet import recalculate

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        exported = export_workbook(load_scenario(DEMO_SCENARIO), folder / "export.xlsx")
        openpyxl.load_workbook(exported).save(folder / "base.xlsx")
        add_payback(exported, folder / "proto.xlsx")
        for name in ("export", "base", "proto"):
            path = folder / f"{name}.xlsx"
            seconds = []
            for k in range(2):
                sub = folder / f"{name}-{k}"
                sub.mkdir()
                start = time.perf_counter()
                recalculate([path], sub)
                seconds.append(time.perf_counter() - start)
            size = path.stat().st_size / 1024
            print(f"{name:8} {size:8.0f} KiB  LibreOffice {min(seconds):.2f} s")
        sub = folder / "canary"
        sub.mkdir()
        start = time.perf_counter()
        recalculate([], sub)
        print(f"{'canary':8} {'':12} LibreOffice {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
