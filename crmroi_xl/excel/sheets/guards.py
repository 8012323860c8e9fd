"""The checks that guard a workbook against a user's edits and against inputs crmroi refuses.

Finance staff insert rows, cut and paste lines, type over a formula, or type a
value the model does not accept. Each of these turns the master check to
"NOT OK", with what it found (formulas only Excel, LibreOffice and Gnumeric
compute alike: no ``ISFORMULA``, which is an ``_xlfn`` function in a file):

- ``inputs_in_place``: every named input still points to its cell (a deleted
  input row leaves ``#REF!``), the adoption row still spans ten years (a
  column inserted in it widens ``In_Adoption``) and no input column of a table
  was deleted (a reference to its header turns ``#REF!``);
- ``cost_rows`` ... ``channel_rows``: every line of a table has its formulas, once,
  within the table. A row inserted just under the last line (above the totals) is in
  no range: the cell under the last line has moved away from it. A row inserted
  inside a table and typed has no formulas: its line-check cell (a formula
  on every line, the per-row marker) is blank while its first cell is filled. A line
  cut and pasted keeps pointing at its old row's calculations below the table, which
  then compute it twice: the labels repeated there (the base amounts, the seats used)
  no longer match the table's, position by position. The status names the row;
- ``computed_intact``: a computed cell typed over (a year of a cost or benefit line):
  each year's total of the lines no longer equals the sum of their base amounts times
  their case factor, or the lines' totals no longer add up to their years;
- ``inputs_accepted``: an input the reader would refuse -- outside the model's bounds
  (:func:`crmroi_xl.scenario.fieldinfo.bounds`, the reader's source), a year after the
  horizon, a seats ramp longer than it -- with the reader's words
  (:mod:`crmroi_xl.scenario.messages`).

>>> from crmroi_xl.excel.layout import Layout
>>> formulas = guard_formulas(Layout("en"))
>>> formulas["kpi_rows"][0].split("+")[0]
'=SUMPRODUCT((\\'KPIs\\'!$A$5:$A$19<>"")*(\\'KPIs\\'!$K$5:$K$19=""))'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from ...scenario.drivers import BENEFIT_DRIVERS
from ...scenario.messages import WORDING, message
from ..blocks import ASSUMPTIONS, CUSTOMERS, KPI_LABELS, REFUSED_COLUMNS, SIMULATION_INPUTS
from ..expected import MESSAGES
from ..inputs import input_bounds
from ..layout import OPTION_INPUTS
from ..parts import YEARS, CellValue, Formula, Table, Text, pick
from ..sheet import Context
from .optionguards import option_refusals

if TYPE_CHECKING:
    from ..layout import InputCell, Layout

__all__ = [
    "GUARDS",
    "RESIZED",
    "Refused",
    "guard_formulas",
    "refused",
    "refused_formulas",
    "refused_texts",
]

#: The keys of the guards, as :data:`crmroi_xl.excel.blocks.CHECKS` lists them.
GUARDS = (
    "inputs_in_place",
    "cost_rows",
    "benefit_rows",
    "kpi_rows",
    "channel_rows",
    "computed_intact",
    "inputs_accepted",
)
_NUMBERS = ("amount", "number", "share", "integer")
_ROW: tuple[str, str] = ("ligne", "row")
#: The options block's numbers, as the checks name them.
_OPTION_NUMBERS: dict[str, tuple[str, str]] = {
    "cost_risk": ("options, risque coûts", "options, cost risk"),
    "benefit_risk": ("options, risque bénéfices", "options, benefit risk"),
    "adoption": ("options, adoption", "options, adoption"),
}


def _quoted(text: str) -> str:
    """A text as a formula's string literal."""
    return '"{}"'.format(text.replace('"', '""'))


def _span(layout: Layout, sheet: str, letter: str, first: int, last: int) -> str:
    return layout.ref(sheet, f"${letter}${first}:${letter}${last}")


#: Why the lines and their calculations below no longer match when no row is named.
RESIZED: tuple[str, str] = (
    " : lignes insérées ou supprimées dans le tableau ; ajoutez une ligne dans les lignes "
    "libres en fin de tableau, effacez (sans supprimer la ligne) une ligne à retirer",
    " : rows inserted or deleted inside the table; add a line in the spare rows at its end, "
    "clear (do not delete the row of) a line to remove",
)


def _rows(layout: Layout, table: Table) -> tuple[str, str]:
    """A table's lines with their formulas, once: (count, what the status adds: the row
    named, or that the table and its blocks below differ in size)."""
    first = table.columns[0].key
    labels = layout.ref(table.sheet, table.span(first))
    checks = layout.ref(table.sheet, table.span("check"))
    missing = f'({labels}<>"")*({checks}="")'
    # a row inserted just under the table (above its totals) is in no range: the cell
    # under the last line no longer follows it
    last = layout.ref(table.sheet, f"${table.letter(first)}${table.last_row}")
    under = layout.ref(table.sheet, f"${table.letter(first)}${table.last_row + 1}")
    count = [f"SUMPRODUCT({missing})", f"IFERROR(IF(ROW({under})-ROW({last})=1,0,1),1)"]
    rows = [
        f"IFERROR(SUMPRODUCT(MAX({missing}*ROW({labels}))),0)",
        f"IFERROR(IF(ROW({under})-ROW({last})=1,0,ROW({last})+1),0)",
    ]
    below: list[int] = []  # the first rows of the blocks that repeat the labels
    if table.years_after:
        below.append(layout.sensitivity.base_row(table.sheet, 0))
    if table.sheet == "costs":
        below.append(layout.seats_row(0))
    letter = table.letter(first)
    resized = []
    for row in below:
        repeated = _span(layout, table.sheet, letter, row, row + table.capacity - 1)
        count.append(f"IFERROR(SUMPRODUCT(({labels}<>{repeated})*1),1)")
        rows.append(f"IFERROR(SUMPRODUCT(MAX(({labels}<>{repeated})*ROW({labels}))),0)")
        resized.append(f"ROWS({labels})<>ROWS({repeated})")
    named = f"MAX({','.join(rows)})"
    word = _quoted(f" : {pick(_ROW, layout.lang)} ")
    otherwise = '""'
    if resized:
        otherwise = f'IF(OR({",".join(resized)}),{_quoted(pick(RESIZED, layout.lang))},"")'
    return "=" + "+".join(count), f"IF({named}>0,{word}&{named},{otherwise})"


def _intact(layout: Layout) -> str:
    """Year columns and line totals that no longer follow their formulas (a count)."""
    terms = []
    for table in (layout.costs, layout.benefits):
        case = layout.ref(table.sheet, table.span("case"))
        base_first = layout.sensitivity.base_row(table.sheet, 0)
        base_last = base_first + table.capacity - 1
        for t in YEARS:
            letter = table.letter(f"y{t}")
            years = layout.ref(table.sheet, table.span(f"y{t}"))
            base = _span(layout, table.sheet, letter, base_first, base_last)
            terms.append(
                f"IFERROR(IF(ABS(SUM({years})-SUMPRODUCT({base},{case}))>Tolerance,1,0),1)"
            )
        first, last = table.letter("y0"), table.letter(f"y{YEARS[-1]}")
        block = layout.ref(table.sheet, f"${first}${table.first_row}:${last}${table.last_row}")
        totals = layout.ref(table.sheet, table.span("total"))
        terms.append(f"IFERROR(IF(ABS(SUM({totals})-SUM({block}))>Tolerance,1,0),1)")
    return "=" + "+".join(terms)


def _words(kind: str, lang: str, **context: Any) -> str:
    """The reader's words for a bound, without the value found (", got ...")."""
    return message(kind, lang, **context).rsplit(", ", 1)[0]  # type: ignore[arg-type]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class Refused(NamedTuple):
    """A kind of input the reader refuses: what it says, the formula counting such
    inputs, and the formula of what it says when the words depend on the inputs."""

    what: str
    counting: str  # a formula's text, without its "="
    said: str | None = None


def refused(layout: Layout) -> list[Refused]:
    """Every kind of input the reader would refuse, in the reader's words: a text where
    a number is expected, a number outside the model's bounds, a year after the horizon,
    a seats ramp longer than it, a KPI-driven benefit without its KPI or with it twice."""
    lang = layout.lang
    found: list[Refused] = []

    def add(count: str, where: str, words: str) -> None:
        found.append(Refused(f"{where}: {words}", count))

    def outside(ref: str, low: float | None, high: float | None, where: str) -> None:
        """The numbers of ``ref`` below the model's ``low`` or above its ``high``."""
        if low is not None:
            below = f'COUNTIF({ref},"<{_number(low)}")'
            add(below, where, _words("greater_than_equal", lang, ge=low))
        if high is not None:
            above = f'COUNTIF({ref},">{_number(high)}")'
            add(above, where, _words("less_than_equal", lang, le=high))

    names = {f"B{layout.assumption_row(a.field)}": (a.name, a.title) for a in ASSUMPTIONS}
    names |= {
        f"B{layout.simulation_input_row(a.field)}": (a.name, a.title) for a in SIMULATION_INPUTS
    }
    customers = {
        f"B{layout.customer_row(field)}": (name, title) for field, name, title, _ in CUSTOMERS
    }
    tables = {table.sheet: table for table in layout.tables}
    done: set[tuple[str, str]] = set()
    for cell in layout.inputs:
        if cell.kind not in _NUMBERS or cell.where[0] == "adoption":
            continue
        low, high = input_bounds(cell)
        if cell.where[0] in ("assumptions", "targets", "customers"):
            name, title = (customers if cell.where[0] == "customers" else names)[cell.ref]
            where = f"{layout.sheet_name(cell.sheet)}, {pick(title, lang)}"
            _single(add, name, cell, low, high, where, lang)
            continue
        table = tables.get(cell.sheet)
        if table is None or (cell.sheet, _key(cell)) in done:
            continue
        done.add((cell.sheet, _key(cell)))
        span = layout.ref(cell.sheet, table.span(_key(cell)))
        title = next(c.title for c in table.columns if c.key == _key(cell))
        where = f"{layout.sheet_name(cell.sheet)}, {pick(title, lang)}"
        add(f"COUNTA({span})-COUNT({span})", where, _expected(cell, lang))  # text typed
        outside(span, low, high, where)
    low, high = input_bounds(next(c for c in layout.inputs if c.where[0] == "adoption"))
    adoption = pick(("adoption", "adoption"), lang)
    outside("In_Adoption", low, high, f"{layout.sheet_name('assumptions')}, {adoption}")
    if layout.capacity.options:  # a workbook of options: its block's numbers, its names
        _option_numbers(layout, add, outside)
        found += [Refused(*refusal) for refusal in option_refusals(layout)]
    # across fields, as the model checks them: years within the horizon
    timed = [(layout.costs, "start_year"), (layout.costs, "one_off_year")]
    timed.append((layout.benefits, "start_year"))
    spans = [layout.ref(t.sheet, t.span(key)) for t, key in timed]
    late = "+".join(f'COUNTIF({s},">"&In_Horizon)' for s in spans)
    year = f"MAX({','.join(spans)})"
    after = _template("after_horizon", lang, year=year, horizon="In_Horizon")
    found.append(Refused(_template_text("after_horizon", lang), late, after))
    seats = [(t, layout.ref("costs", layout.costs.span(f"seats_y{t}"))) for t in YEARS[1:]]
    longer = "+".join(f"IF(In_Horizon<{t},COUNT({s}),0)" for t, s in seats)
    count = f"MAX({','.join(f'IF(COUNT({s})>0,{t},0)' for t, s in seats)})"
    too_many = _template("too_many_years", lang, count=count, horizon="In_Horizon")
    found.append(Refused(_template_text("too_many_years", lang), longer, too_many))
    kinds = layout.ref("kpis", layout.kpis.span("kind"))
    for driver in BENEFIT_DRIVERS:  # a KPI-driven benefit needs its KPI once
        if driver.kpi is None:
            continue
        volume = driver.fields[0]
        lines = f"COUNT({layout.ref('benefits', layout.benefits.span(volume))})"
        given = f"COUNTIF({kinds},{KPI_LABELS[driver.kpi]})"
        title = next(c.title for c in layout.benefits.columns if c.key == volume)
        fields = {"driver": _quoted(driver.key), "label": _quoted(pick(title, lang))}
        fields |= {"kpi": _quoted(driver.kpi), "count": given}
        for kind, wrong in (("kpi_missing", f"{given}=0"), ("kpi_repeated", f"{given}>1")):
            found.append(
                Refused(
                    _template_text(kind, lang),
                    f"IF(AND({lines}>0,{wrong}),1,0)",
                    _template(kind, lang, **fields),
                )
            )
    return found


def _option_numbers(layout: Layout, add: Any, outside: Any) -> None:
    """The options block's numbers (each option's cost risk, benefit risk, adoption):
    numbers within the model's bounds, as the reader checks them."""
    cells = {c.where: c for c in layout.inputs}
    last = layout.capacity.options - 1
    first_year, last_year = layout.option_col("adoption_1"), layout.option_col("adoption_10")
    spans = {
        key: layout.option_span(key) for key, (_, kind) in OPTION_INPUTS.items() if kind == "share"
    }
    spans["adoption"] = (
        f"${first_year}${layout.option_row(0)}:${last_year}${layout.option_row(last)}"
    )
    for key, span in spans.items():
        cell = cells[("options", 0, key) if key != "adoption" else ("options", 0, key, 1)]
        low, high = input_bounds(cell)
        where = f"{layout.sheet_name('assumptions')}, {pick(_OPTION_NUMBERS[key], layout.lang)}"
        ref = layout.ref("assumptions", span)
        add(f"COUNTA({ref})-COUNT({ref})", where, _expected(cell, layout.lang))
        outside(ref, low, high, where)


def _template_text(kind: str, lang: str) -> str:
    """The reader's wording of ``kind`` with its fields as ``N``, for the sheet.

    >>> _template_text("after_horizon", "en")
    'year N is after the N-year horizon'
    """
    return re.sub(r"\{\w+\}", "N", pick(WORDING[kind], lang))  # type: ignore[arg-type]


def _template(kind: str, lang: str, **formulas: str) -> str:
    """The reader's wording of ``kind`` as a formula: each ``{field}`` a formula's value.

    >>> _template("after_horizon", "en", year="Y", horizon="H")
    '"year "&Y&" is after the "&H&"-year horizon"'
    """
    text = pick(WORDING[kind], lang)  # type: ignore[arg-type]
    parts = re.split(r"\{(\w+)\}", text)  # literal, field, literal, field ...
    out = [_quoted(part) if k % 2 == 0 else formulas[part] for k, part in enumerate(parts)]
    return "&".join(part for part in out if part != '""')


def _key(cell: InputCell) -> str:
    """The table column of a line's input cell (``seats_y3`` for a year of the ramp)."""
    if len(cell.where) > 3:
        return f"seats_y{cell.where[3]}"
    return str(cell.where[2])


def _single(
    add: Any, name: str, cell: InputCell, low: Any, high: Any, where: str, lang: str
) -> None:
    """The checks of one named number: a number, within its bounds, whole if need be."""
    add(f'IF(AND({name}<>"",NOT(ISNUMBER({name}))),1,0)', where, _expected(cell, lang))
    if low is not None:
        add(
            f"IF(AND(ISNUMBER({name}),{name}<{_number(low)}),1,0)",
            where,
            _words("greater_than_equal", lang, ge=low),
        )
    if high is not None:
        add(
            f"IF(AND(ISNUMBER({name}),{name}>{_number(high)}),1,0)",
            where,
            _words("less_than_equal", lang, le=high),
        )
    if cell.kind == "integer":
        whole = _expected(cell, lang)
        add(f"IF(AND(ISNUMBER({name}),{name}<>INT({name})),1,0)", where, whole)


def _expected(cell: InputCell, lang: str) -> str:
    """The reader's words for a cell that does not hold the number it expects."""
    return pick(MESSAGES[str(cell.kind)], lang)  # type: ignore[arg-type]


def guard_formulas(layout: Layout) -> dict[str, tuple[str, str | None]]:
    """Each guard's value formula (a count of problems: 0 passes) and what its status
    adds to "error" when it fails (a formula's text, or None)."""
    names = [a.name for a in ASSUMPTIONS] + [name for _, name, _, _ in CUSTOMERS]
    in_place = [f"IF(ISERROR({name}),1,0)" for name in names]
    years = len(YEARS) - 1
    in_place.append(f"IFERROR(IF(AND(ROWS(In_Adoption)=1,COLUMNS(In_Adoption)={years}),0,1),1)")
    for table in layout.tables:  # an input column deleted: its header's reference is #REF!
        headers = (
            layout.ref(table.sheet, f"${table.letter(c.key)}${table.header_row}")
            for c in table.inputs
        )
        in_place += [f"ISERROR({header})*1" for header in headers]
    found: dict[str, tuple[str, str | None]] = {"inputs_in_place": ("=" + "+".join(in_place), None)}
    for key, table in zip(GUARDS[1:5], layout.tables, strict=True):
        found[key] = _rows(layout, table)
    found["computed_intact"] = (_intact(layout), None)
    count, said = (layout.refused_cell(0, column) for column in ("count", "said"))
    last = layout.refused_cell(len(refused(layout)) - 1, "count")
    found["inputs_accepted"] = (f"=SUM({count}:{last})", f'" : "&{said}')
    return found


def refused_texts(layout: Layout) -> Iterator[Text]:
    """The block of inputs crmroi refuses, right of the checks: headers, what each says."""
    for column, title in REFUSED_COLUMNS.items():
        yield Text("checks", layout.refused_cell(-1, column), layout.text(title), "header")
    for k, item in enumerate(refused(layout)):
        yield Text("checks", layout.refused_cell(k, "what"), item.what)


def refused_formulas(layout: Layout) -> Iterator[Formula]:
    """Each kind's count, and what the status says: the kinds found, one after the other
    (each row adds its words to the row below's, so no formula grows with the list)."""
    items = refused(layout)
    for k, item in enumerate(items):
        count, said = layout.refused_cell(k, "count"), layout.refused_cell(k, "said")
        words = item.said or layout.refused_cell(k, "what")
        below = layout.refused_cell(k + 1, "said") if k + 1 < len(items) else '""'
        yield Formula("checks", count, "=" + item.counting, _zero, fmt="int")
        yield Formula("checks", said, f'=IF({count}>0,{words}&"; ","")&{below}', _blank, fmt="text")


def _zero(ctx: Context) -> CellValue:
    return 0  # the engine's scenario is one the reader accepts


def _blank(ctx: Context) -> CellValue:
    return ""
