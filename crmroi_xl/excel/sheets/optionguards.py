"""The checks that guard a workbook of options against a finance user's edits.

A workbook of options (issue 22) counts a line in the option its Option cell names,
by that name. Renaming an option in the options block, or clearing its row, leaves
its lines naming an option that no longer exists: the workbook would count them in
no option, the Comparison would leave them out, while the reader refuses them. Each
such edit turns the master check "NOT OK", in the reader's words, naming the row
(:func:`crmroi_xl.excel.sheets.guards.refused` adds these to the inputs crmroi
refuses):

- a cost or benefit line naming no option of the block (its row, and the name);
- two options with one name (the workbook would show only the first);
- more than one option marked as the baseline (the reader would have to pick one).

(An option's cost risk, benefit risk and adoption are checked against the model's
bounds with the other numbers, in :func:`~crmroi_xl.excel.sheets.guards.refused`.)

The names are compared as the workbook's own formulas compare them (``=``, which
ignores case), option slot by slot (``INDEX(List_Options, k)``: the slots the
Comparison shows and the reader reads), so no wildcard of ``COUNTIF`` applies.

>>> from crmroi_xl.excel.layout import Layout
>>> from crmroi_xl.excel.parts import Capacity
>>> found = option_refusals(Layout("en", Capacity(options=6)))
>>> [what.split(":")[0] for what, _, _ in found][:3]
['Costs, Option (blank\\xa0=\\xa0shared)', 'Benefits, Option (blank\\xa0=\\xa0shared)', 'Assumptions, Option']
>>> found[2][1].count("INDEX(List_Options"), len(found), option_refusals(Layout("en"))
(45, 4, [])
"""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING

from ...scenario.messages import WORDING
from ..parts import pick
from ..readoptions import TWO_BASELINES, UNKNOWN_OPTION

if TYPE_CHECKING:
    from ..layout import Layout

__all__ = ["option_refusals"]

_ROW: tuple[str, str] = ("ligne", "row")
#: A kind refused: (what the Checks sheet lists, the count's formula, what the status
#: says when the words depend on the inputs: a formula, or None).
Refusal = tuple[str, str, str | None]


def _quoted(text: str) -> str:
    return '"{}"'.format(text.replace('"', '""'))


def _slot(k: int) -> str:
    """The name in option slot ``k`` (1-based), as the Comparison reads it."""
    return f"INDEX(List_Options,{k})"


def _unknown(layout: Layout, section: str) -> Refusal:
    """The lines of ``section`` whose Option names no option: their count, and the
    first's row and name in the reader's words."""
    table = getattr(layout, section)
    span = layout.ref(section, table.span("option"))
    known = "+".join(f"({span}={_slot(k)})" for k in range(1, layout.capacity.options + 1))
    bad = f'({span}<>"")*(({known})=0)'
    row = f"IFERROR(SUMPRODUCT(MAX({bad}*ROW({span}))),0)"
    first = layout.ref(section, f"${table.letter('option')}${table.first_row}")
    name = f"INDEX({span},{row}-ROW({first})+1)"
    words = pick(UNKNOWN_OPTION, layout.lang).split(" (")[0]  # without the names listed
    before, after = words.split("{name!r}")
    said = f"{_quoted(before + chr(39))}&{name}&{_quoted(chr(39) + after)}"
    said += f'&" ({pick(_ROW, layout.lang)} "&{row}&")"'
    title = next(c.title for c in table.columns if c.key == "option")
    what = f"{layout.sheet_name(section)}, {pick(title, layout.lang)}: " + before + "'N'" + after
    return what, f"SUMPRODUCT({bad})", f"{_quoted(layout.sheet_name(section) + ': ')}&{said}"


def option_refusals(layout: Layout) -> list[Refusal]:
    """Every kind of edit of a workbook of options the reader would refuse (none in a
    workbook of a single business case)."""
    n = layout.capacity.options
    if not n:
        return []
    lang = layout.lang
    found = [_unknown(layout, "costs"), _unknown(layout, "benefits")]
    where = f"{layout.sheet_name('assumptions')}, {pick(('Option', 'Option'), lang)}"
    twice = "+".join(
        f'IF(AND({_slot(i)}<>"",{_slot(i)}={_slot(j)}),1,0)'
        for i, j in combinations(range(1, n + 1), 2)
    )
    repeated = pick(WORDING["option_repeated"], lang).replace("{name}", "N")
    found.append((f"{where}: {repeated}", twice, None))
    baseline = layout.ref("assumptions", layout.option_span("baseline"))
    marked = f"IF(COUNTIF({baseline},Lbl_Yes)>1,1,0)"
    found.append((f"{where}: {pick(TWO_BASELINES, lang)}", marked, None))
    return found
