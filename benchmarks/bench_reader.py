"""Reading a workbook back, side by side with its floor.

Run from the repository root::

    python benchmarks/bench_reader.py [RUNS]

Everything is measured in this one run, on the same exported workbook (the
demo scenario, in French), best and median of RUNS calls (default 200):

- ``read_workbook``: the whole read, from the path to a validated Scenario
  (archive checks included);
- the floor: unzip the file and parse every worksheet with lxml
  (``etree.fromstring``), which is what any reader of all the cells pays;
- openpyxl: ``load_workbook(read_only=True)`` then the values of the same
  input areas, which is the I/O of the reader before this one (it then also
  converted and validated the cells, so it was slower still);
- the parts of ``read_workbook``: opening and checking the archive, reading
  the input cells, building the scenario.

It prints figures and ratios and asserts nothing; the target of issue 13 is
``read_workbook`` within 3 x the floor.
"""

from __future__ import annotations

import platform
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the uninstalled package

import openpyxl
from bench_export import timings  # best and median of N runs, as every benchmark here
from lxml import etree  # type: ignore[import-untyped]

from crmroi_xl import export_workbook, load_scenario, read_workbook
from crmroi_xl.excel.reader import input_cells, sheet_names
from crmroi_xl.excel.xlsx import open_xlsx, parse_area
from crmroi_xl.io.loader import DEMO_SCENARIO


def floor(path: Path) -> None:
    """Unzip and lxml-parse every worksheet of ``path``."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                etree.fromstring(archive.read(name))


def _areas() -> dict[str, tuple[int, int]]:
    """Sheet name -> (last row, last column) of its inputs, French workbook."""
    names = sheet_names("fr")
    out: dict[str, tuple[int, int]] = {}
    for cell in input_cells("fr"):
        area = parse_area(f"x!{cell.ref}")
        assert area is not None
        rows, columns = out.get(names[cell.sheet], (0, 0))
        out[names[cell.sheet]] = (max(rows, area[2]), max(columns, area[1]))
    return out


def with_openpyxl(path: Path, areas: dict[str, tuple[int, int]]) -> None:
    """The previous reader's I/O: openpyxl read-only, values of the input areas."""
    with path.open("rb") as handle:
        wb = openpyxl.load_workbook(handle, read_only=True)
        for name, (rows, columns) in areas.items():
            for row in wb[name].iter_rows(min_row=1, max_row=rows, max_col=columns):
                for cell in row:
                    _ = cell.value
        wb.close()


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    folder = Path(tempfile.mkdtemp())
    path = export_workbook(load_scenario(DEMO_SCENARIO), folder / "demo.xlsx", lang="fr")
    areas = _areas()
    assert read_workbook(path) == load_scenario(DEMO_SCENARIO)

    def checks_only() -> None:
        with open_xlsx(path):
            pass

    def cells_only() -> None:
        with open_xlsx(path) as book:
            for name, (rows, columns) in areas.items():
                book.cells(name, rows=rows, columns=columns)

    rows = [
        ("read_workbook (path -> Scenario)", timings(lambda: read_workbook(path), runs)),
        ("floor: unzip + lxml parse of every worksheet", timings(lambda: floor(path), runs)),
        ("openpyxl read-only + the input areas", timings(lambda: with_openpyxl(path, areas), runs)),
        ("  part: open and check the archive", timings(checks_only, runs)),
        ("  part: + read the input cells", timings(cells_only, runs)),
    ]
    print(f"Python {platform.python_version()}, {platform.machine()}; {runs} runs each")
    print(f"workbook: {path.stat().st_size} bytes, {len(areas)} input sheets read of 9\n")
    print(f"{'':48} {'best':>9} {'median':>9}")
    for label, (best, median) in rows:
        print(f"{label:48} {best * 1e3:7.2f} ms {median * 1e3:7.2f} ms")
    (read_best, read_median), (floor_best, floor_median) = rows[0][1], rows[1][1]
    (old_best, old_median) = rows[2][1]
    print(
        f"\nread_workbook / floor: {read_best / floor_best:.1f} x (best), "
        f"{read_median / floor_median:.1f} x (median); target: within 3 x"
    )
    print(
        f"openpyxl path / read_workbook: {old_best / read_best:.1f} x (best), "
        f"{old_median / read_median:.1f} x (median)"
    )


if __name__ == "__main__":
    main()
