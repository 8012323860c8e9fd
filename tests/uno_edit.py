"""Edit workbooks in LibreOffice the way a user does, through its scripting interface (UNO).

This script runs under a Python that can ``import uno`` (Debian's ``python3-uno``
is built for ``/usr/bin/python3``, not for a virtual environment); the tests talk
to it through :mod:`tests.uno_session`. It starts ONE headless ``soffice`` with a
profile of its own (set to recalculate every formula on load), then serves
requests, one JSON object a line on stdin, one JSON answer a line on stdout::

    {"source": "in.xlsx", "target": "out.xlsx", "edits": [{"op": "delete_rows", ...}],
     "names": ["Out_NPV"]}
    -> {"ok": true, "invalid": {"Costs": ["P6"]}, "names": {"Out_NPV": 821116.4}}
    or {"ok": false, "error": "edit 0 (delete_rows on 'Costs'): ..."}

Each request opens ``source``, recalculates, applies the edits in order,
recalculates again and saves ``target`` as xlsx ("Calc MS Excel 2007 XML"): its
cached values are LibreOffice's. The answer lists, sheet by sheet, the cells whose
value their data validation refuses (Tools > Detective > Mark Invalid Data: a value
set through UNO, as one pasted, is not stopped by the validation), and what the cell
of each defined name in ``names`` shows: a number, a text, an error (``"#N/A"``), or
``"#NAME?"`` for a name the workbook no longer has or that no longer refers to a cell. It knows nothing of the workbooks it edits.
Cells, rows and columns are addressed as a user sees them: a sheet name, ``B7``,
row 7 (1-based), column ``C``. The edits (``op`` and its fields):

- ``insert_rows`` / ``delete_rows``: ``sheet``, ``row``, ``count`` (default 1): whole
  rows, as the row header's menu does (inserted rows go above ``row``);
- ``insert_columns`` / ``delete_columns``: ``sheet``, ``column``, ``count``;
- ``sort``: ``sheet``, ``range`` (``A6:AB20``), ``key`` (a column letter inside the
  range), ``descending`` (default false), ``header`` (default false): Data > Sort;
- ``move``: ``sheet``, ``source`` (a range), ``target`` (its new top-left cell),
  ``target_sheet`` (default the same): cut and paste, over what was there;
- ``move_rows``: ``sheet``, ``first``, ``last``, ``before``: cut whole rows and
  "insert cut cells" above row ``before`` (the other rows close the gap);
- ``copy``: as ``move``, the source kept (copy and paste);
- ``set``: ``sheet``, ``cell``, and ``value`` (a number, or a text typed as is) or
  ``formula`` (``=...``, English function names, ``;`` between arguments);
- ``clear``: ``sheet``, ``range`` (or ``cell``): the Delete key (values, texts and
  formulas; formats and validations stay);
- ``unprotect`` / ``protect``: ``sheet``, ``password`` (default none): Review >
  (Un)protect Sheet (a protected sheet refuses structural edits, as in Excel).

The script ends (and ``soffice`` with it) at end of input or on ``{"quit": true}``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
XLSX_FILTER = "Calc MS Excel 2007 XML"
CONNECT_TIMEOUT = 60.0  # seconds for soffice to accept connections
#: ``com.sun.star.sheet.CellFlags``: VALUE | DATETIME | STRING | FORMULA (the Delete key).
CLEAR_CONTENTS = 1 | 2 | 4 | 16


def cell_order(address: str) -> tuple[int, int]:
    """Sort key of a cell address: its row, then its column.

    >>> sorted(["B10", "C2", "B2"], key=cell_order)
    ['B2', 'C2', 'B10']
    """
    found = re.fullmatch(r"([A-Za-z]+)(\d+)", address)
    if found is None:
        raise ValueError(f"not a cell: {address!r}")
    return int(found[2]), column_index(found[1])


def column_index(letters: str) -> int:
    """0-based index of a column: ``A`` -> 0, ``AB`` -> 27.

    >>> column_index("A"), column_index("z"), column_index("AB")
    (0, 25, 27)
    """
    if not re.fullmatch(r"[A-Za-z]{1,3}", letters):
        raise ValueError(f"not a column: {letters!r}")
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - ord("A") + 1
    return index - 1


class Office:
    """One headless soffice, its own profile, connected over a named pipe."""

    def __init__(self, soffice: str, profile: Path) -> None:
        import uno

        (profile / "user").mkdir(parents=True, exist_ok=True)
        (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, "utf-8")
        pipe = f"crmroi-uno-{os.getpid()}-{time.monotonic_ns()}"
        self.process = subprocess.Popen(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--invisible",
                "--nologo",
                "--norestore",
                "--nodefault",
                "--nolockcheck",
                f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        deadline = time.monotonic() + CONNECT_TIMEOUT
        while True:
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"soffice ended with code {self.process.returncode}"
                    ) from None
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("soffice did not accept a connection in time") from None
                time.sleep(0.1)
        self.desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context
        )

    def stop(self) -> None:
        """Close soffice: politely, then by force."""
        with contextlib.suppress(Exception):  # already gone
            self.desktop.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def edit(
        self, source: Path, target: Path, edits: list[dict[str, Any]], names: list[str]
    ) -> dict[str, Any]:
        """Open ``source``, apply ``edits``, recalculate, save ``target`` as xlsx; give
        each sheet's cells whose value its data validation refuses, and what ``names``
        show."""
        doc = self.desktop.loadComponentFromURL(
            source.resolve().as_uri(), "_blank", 0, properties(Hidden=True, ReadOnly=False)
        )
        if doc is None:
            raise RuntimeError(f"{source.name}: LibreOffice could not open it")
        try:  # the profile recalculates every formula on load
            for i, edit in enumerate(edits):
                try:
                    apply(doc, edit)
                except Exception as error:
                    raise RuntimeError(
                        f"edit {i} ({edit.get('op')} on {edit.get('sheet')!r}): {error}"
                    ) from error
            doc.calculateAll()
            doc.storeToURL(
                target.resolve().as_uri(), properties(FilterName=XLSX_FILTER, Overwrite=True)
            )
            return {"invalid": invalid_cells(doc), "names": {n: shown(doc, n) for n in names}}
        finally:
            doc.close(True)


def properties(**values: Any) -> tuple[Any, ...]:
    """``com.sun.star.beans.PropertyValue`` records from keyword arguments."""
    from com.sun.star.beans import PropertyValue

    out = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name, prop.Value = name, value
        out.append(prop)
    return tuple(out)


def invalid_cells(doc: Any) -> dict[str, list[str]]:
    """Each sheet's cells whose value its data validation refuses, as Tools > Detective >
    Mark Invalid Data circles them (after the save: the circles are not saved)."""
    found = {}
    for sheet in doc.getSheets():
        page = sheet.getDrawPage()
        before = page.getCount()
        sheet.showInvalid()
        circles = [page.getByIndex(i) for i in range(before, page.getCount())]
        cells = [
            circle.getPropertyValue("Anchor").getPropertyValue("AbsoluteName") for circle in circles
        ]  # "$Costs.$P$6"
        cells = [str(name).rsplit(".", 1)[-1].replace("$", "") for name in cells]
        if cells:
            found[sheet.getName()] = sorted(set(cells), key=cell_order)
    return found


def shown(doc: Any, name: str) -> Any:
    """What the cell of a workbook-level defined name shows (a number, a text, an error)."""
    ranges = doc.NamedRanges
    if not ranges.hasByName(name):
        return "#NAME?"
    try:
        cell = ranges.getByName(name).getReferredCells().getCellByPosition(0, 0)
    except Exception:  # a name whose cells were deleted (#REF!)
        return "#NAME?"
    if cell.getError():
        return str(cell.getString()) or "#ERROR"
    kind = cell.getType().value  # EMPTY, VALUE, TEXT or FORMULA
    if kind == "FORMULA":
        kind = {1: "VALUE", 2: "TEXT"}.get(cell.FormulaResultType2, "TEXT")
    if kind == "EMPTY":
        return None
    return cell.getValue() if kind == "VALUE" else str(cell.getString())


def sheet_of(doc: Any, name: str) -> Any:
    sheets = doc.getSheets()
    if not sheets.hasByName(name):
        raise KeyError(f"no sheet {name!r} (sheets: {', '.join(sheets.getElementNames())})")
    return sheets.getByName(name)


def apply(doc: Any, edit: dict[str, Any]) -> None:
    """Apply one edit (see the module's docstring) to an open document."""
    op = edit["op"]
    sheet = sheet_of(doc, edit["sheet"])
    count = int(edit.get("count", 1))
    if op in ("insert_rows", "delete_rows"):
        rows = sheet.getRows()
        index = int(edit["row"]) - 1
        (rows.insertByIndex if op == "insert_rows" else rows.removeByIndex)(index, count)
    elif op in ("insert_columns", "delete_columns"):
        columns = sheet.getColumns()
        index = column_index(edit["column"])
        (columns.insertByIndex if op == "insert_columns" else columns.removeByIndex)(index, count)
    elif op == "sort":
        sort(sheet, edit)
    elif op in ("move", "copy"):
        source = sheet.getCellRangeByName(edit["source"]).getRangeAddress()
        target_sheet = sheet_of(doc, edit.get("target_sheet", edit["sheet"]))
        target = target_sheet.getCellRangeByName(edit["target"]).getCellAddress()
        (sheet.moveRange if op == "move" else sheet.copyRange)(target, source)
    elif op == "move_rows":
        move_rows(sheet, int(edit["first"]), int(edit["last"]), int(edit["before"]))
    elif op == "set":
        cell = sheet.getCellRangeByName(edit["cell"])
        if "formula" in edit:
            cell.setFormula(edit["formula"])
        elif isinstance(edit["value"], bool) or not isinstance(edit["value"], (int, float)):
            cell.setString(str(edit["value"]))
        else:
            cell.setValue(float(edit["value"]))
    elif op == "clear":
        sheet.getCellRangeByName(edit.get("range", edit.get("cell"))).clearContents(CLEAR_CONTENTS)
    elif op == "unprotect":
        sheet.unprotect(edit.get("password", ""))
    elif op == "protect":
        sheet.protect(edit.get("password", ""))
    else:
        raise ValueError(f"unknown edit {op!r}")


def sort(sheet: Any, edit: dict[str, Any]) -> None:
    """Data > Sort of a range by one of its columns (its rows move, formulas with them)."""
    import uno
    from com.sun.star.table import TableSortField

    cells = sheet.getCellRangeByName(edit["range"])
    first = cells.getRangeAddress().StartColumn
    field = TableSortField()
    field.Field = column_index(edit["key"]) - first
    field.IsAscending = not edit.get("descending", False)
    field.IsCaseSensitive = False
    if not 0 <= field.Field <= cells.getRangeAddress().EndColumn - first:
        raise ValueError(f"sort key {edit['key']} outside {edit['range']}")
    descriptor = list(cells.createSortDescriptor())
    for prop in descriptor:
        if prop.Name == "SortFields":
            prop.Value = uno.Any("[]com.sun.star.table.TableSortField", (field,))
        elif prop.Name == "ContainsHeader":
            prop.Value = bool(edit.get("header", False))
        elif prop.Name == "IsSortColumns":
            prop.Value = False
    uno.invoke(cells, "sort", (tuple(descriptor),))


def move_rows(sheet: Any, first: int, last: int, before: int) -> None:
    """Cut rows ``first``..``last`` and insert them above row ``before`` (Excel's
    "Insert Cut Cells"): rows between close up, references follow the moved cells."""
    count = last - first + 1
    if first <= before <= last + 1:
        return  # already there
    rows = sheet.getRows()
    rows.insertByIndex(before - 1, count)
    if before <= first:  # the inserted rows pushed the source down
        first, last = first + count, last + count
    source = sheet.getCellRangeByName(f"A{first}:AMJ{last}").getRangeAddress()
    target = sheet.getCellRangeByName(f"A{before}").getCellAddress()
    sheet.moveRange(target, source)
    rows.removeByIndex(first - 1, count)


def serve(soffice: str) -> int:
    """Answer requests on stdin until its end or ``{"quit": true}``."""
    with tempfile.TemporaryDirectory(prefix="crmroi-uno-") as folder:
        office: Office | None = None
        try:
            office = Office(soffice, Path(folder) / "profile")
            answer({"ok": True, "ready": True})
            for line in sys.stdin:
                if not line.strip():
                    continue
                request = json.loads(line)
                if request.get("quit"):
                    break
                try:
                    if office is None:  # the last request killed it: start a new one
                        office = Office(soffice, Path(folder) / f"profile-{time.monotonic_ns()}")
                    found = office.edit(
                        Path(request["source"]),
                        Path(request["target"]),
                        request["edits"],
                        request.get("names", []),
                    )
                    answer({"ok": True, **found})
                except Exception as error:
                    if office is not None and office.process.poll() is not None:
                        office = None
                    answer({"ok": False, "error": f"{type(error).__name__}: {error}"})
        except Exception as error:
            answer({"ok": False, "error": f"{type(error).__name__}: {error}"})
            return 1
        finally:
            if office is not None:
                office.stop()
    return 0


def answer(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--soffice", default="soffice", help="LibreOffice's soffice")
    sys.exit(serve(parser.parse_args().soffice))
