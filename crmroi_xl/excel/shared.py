"""Shared formulas: a long run of cells down a column whose formulas differ only by
their row is written once (OOXML's ``<f t="shared">``), not once per cell.

The Simulation sheet's runs are some 14 000 formula cells, each row's formulas those
of the row above moved down one row: written out, they are two thirds of the sheet's
XML, and deflating them a third of a batch workbook's time. Written as shared formulas
-- the formula and the range on a run's first cell (``<f t="shared" ref="D44:D1043"
si="0">...</f>``), ``<f t="shared" si="0"/>`` on the others, as Excel saves such runs
-- the sheet's XML halves. Excel, LibreOffice, Gnumeric, openpyxl and the reader
(:mod:`crmroi_xl.excel.xlsx`) all read the formula of each cell back moved to its row.

Only runs of at least :data:`MIN_RUN` cells are shared, so the tables (a few dozen
lines) keep a formula per cell. A formula is the one above moved down a row when
replacing each relative row number by its distance to the cell's row gives the same
text (:func:`shape`).

>>> shape("IF(D$31=0,1,$A60*D38+SUM(D60:O60))", 60)
'IF(D$31=0,1,$AR[0]*DR[-22]+SUM(DR[0]:OR[0]))'
>>> xml = "".join(f'<c r="B{r}"><f>A{r}*2</f><v>{r}</v></c>' for r in (1, 2, 3))
>>> share(xml, 3)
'<c r="B1"><f t="shared" ref="B1:B3" si="0">A1*2</f><v>1</v></c><c r="B2"><f t="shared" si="0"/><v>2</v></c><c r="B3"><f t="shared" si="0"/><v>3</v></c>'
"""

from __future__ import annotations

import re

__all__ = ["MIN_RUN", "shape", "share"]

#: The shortest run of cells written as one shared formula.
MIN_RUN = 100

_CELL = re.compile(r'<c r="([A-Z]+)([0-9]+)"[^>]*><f>([^<]*)</f>')
# a cell reference (not a function name such as LOG10, not inside a name): its row
_REF = re.compile(r"(?<![A-Za-z0-9_.])(\$?[A-Z]{1,3})(\$?)([0-9]+)(?![0-9A-Za-z_(])")


def shape(formula: str, row: int) -> str:
    """``formula`` with each relative row number replaced by ``R[offset]`` from ``row``."""
    return _REF.sub(
        lambda m: m[0] if m[2] else f"{m[1]}R[{int(m[3]) - row}]",
        formula,
    )


def share(xml: str, min_run: int = MIN_RUN) -> str:
    """A worksheet's XML with every run of at least ``min_run`` cells down a column whose
    formulas have one :func:`shape` written as a shared formula (a sheet without such
    a run comes back as it is)."""
    if '<f t="shared"' in xml:  # already has some: leave it as it is
        return xml
    runs: dict[str, list[list[tuple[int, re.Match[str]]]]] = {}
    for m in _CELL.finditer(xml):
        column, row = m[1], int(m[2])
        column_runs = runs.setdefault(column, [])
        if column_runs:
            last = column_runs[-1]
            first_row, first = last[0]
            if row == last[-1][0] + 1 and shape(m[3], row) == shape(first[3], first_row):
                last.append((row, m))
                continue
        column_runs.append([(row, m)])
    shared = sorted(
        (run for column_runs in runs.values() for run in column_runs if len(run) >= min_run),
        key=lambda run: run[0][1].start(),
    )
    if not shared:
        return xml
    edits: list[tuple[int, int, str]] = []
    for si, run in enumerate(shared):
        (first_row, first), (last_row, _) = run[0], run[-1]
        ref = f"{first[1]}{first_row}:{first[1]}{last_row}"
        edits.append(
            (first.start(3) - 3, first.end(), f'<f t="shared" ref="{ref}" si="{si}">{first[3]}</f>')
        )
        for _, m in run[1:]:
            edits.append((m.start(3) - 3, m.end(), f'<f t="shared" si="{si}"/>'))
    edits.sort()
    out, at = [], 0
    for start, end, text in edits:
        out += [xml[at:start], text]
        at = end
    out.append(xml[at:])
    return "".join(out)
