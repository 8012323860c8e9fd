"""The pieces a workbook is described with: cells, columns, tables, and the engine values.

A workbook is described, never drawn by hand: constant cells are :class:`Text`,
computed cells :class:`Formula` (two formulas -- ``native`` for the standalone
export, ``udf`` for the template -- and the engine's value of the cell), and
the input tables are :class:`Table` of :class:`Column`. The places are given by
:class:`~crmroi_xl.excel.layout.Layout`; each sheet module
(:mod:`crmroi_xl.excel.sheets`) says what its cells hold.

>>> table = Table("kpis", 4, 15, (Column("kind", ("Indicateur", "KPI"), "text"),
...                               Column("before", ("Avant", "Before"), "num2")))
>>> table.cell("before", 0), table.span("kind"), table.total_row
('B5', '$A$5:$A$19', 20)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from ..scenario.labels import Lang

__all__ = [
    "NA",
    "YEARS",
    "Bilingual",
    "Capacity",
    "CellValue",
    "Column",
    "Formula",
    "Mode",
    "Table",
    "Text",
    "column_letter",
    "pick",
]

YEARS = tuple(range(11))  # year columns: 0 (today) to 10 (the longest horizon)
Mode = Literal["native", "udf"]
Bilingual = tuple[str, str]  # (French, English)
CellValue = float | str
NA = "#N/A"  # a result the scenario cannot define, as the formulas give it


def pick(pair: Bilingual, lang: Lang) -> str:
    """The text of ``pair`` in ``lang``.

    >>> pick(("Coûts", "Costs"), "en")
    'Costs'
    """
    return pair[0] if lang == "fr" else pair[1]


def column_letter(index: int) -> str:
    """Spreadsheet column letters of a 1-based column index.

    >>> column_letter(1), column_letter(26), column_letter(27)
    ('A', 'Z', 'AA')
    """
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class Formula:
    """A computed cell: its two formulas and the engine's value of it."""

    sheet: str
    ref: str
    native: str
    value: Callable[..., CellValue]  # called with a Context
    style: str = "calc"
    fmt: str = "eur"
    udf: str | None = None  # defaults to the native formula

    def text(self, mode: Mode) -> str:
        return self.udf if mode == "udf" and self.udf is not None else self.native


@dataclass(frozen=True)
class Text:
    """A constant cell: a label, a heading, a year index."""

    sheet: str
    ref: str
    value: str | float
    style: str = "label"
    fmt: str | None = None


@dataclass(frozen=True)
class Column:
    """A table column: an input (a model field) or a computed column."""

    key: str
    title: Bilingual
    fmt: str  # number-format key (see excel.styles.number_formats)
    width: float = 14
    kind: str = "amount"  # input kind: text, choice, amount, share, change, integer, yesno, number
    choices: str | None = None  # defined name of the validation list
    computed: bool = False


@dataclass(frozen=True)
class Table:
    """A table of lines (costs, benefits, KPIs, channels) at a fixed place of a sheet.

    Tables with ``years_after`` have, after that column, their ``year_totals``
    (a line's total and present value), the year columns ``y0`` .. ``y10``, then
    the line-check column.
    """

    sheet: str
    header_row: int
    capacity: int
    columns: tuple[Column, ...]
    years_after: str | None = None  # key of the column the year columns follow
    year_totals: tuple[Column, ...] = ()  # computed over the years, just before them

    @cached_property
    def letters(self) -> dict[str, str]:
        """Column key -> letter (the year totals, the years as ``y0`` ..., then ``check``)."""
        letters = {c.key: column_letter(i + 1) for i, c in enumerate(self.columns)}
        if self.years_after is not None:
            start = list(letters).index(self.years_after) + 2
            for k, column in enumerate(self.year_totals):
                letters[column.key] = column_letter(start + k)
            start += len(self.year_totals)
            for t in YEARS:
                letters[f"y{t}"] = column_letter(start + t)
            letters["check"] = column_letter(start + len(YEARS))
        else:
            letters["check"] = column_letter(len(self.columns) + 1)
        return letters

    @property
    def first_row(self) -> int:
        return self.header_row + 1

    @property
    def last_row(self) -> int:
        return self.header_row + self.capacity

    @property
    def total_row(self) -> int:
        return self.last_row + 1

    @property
    def timeline_row(self) -> int:
        """Row of the year index 0 .. 10 above the year columns."""
        return self.header_row - 2

    @property
    def calendar_row(self) -> int:
        """Row of the calendar years above the year columns."""
        return self.header_row - 1

    def letter(self, key: str) -> str:
        """Column letter of a column key (``y0`` .. ``y10`` for the years)."""
        return self.letters[key]

    def row(self, index: int) -> int:
        return self.first_row + index

    def cell(self, key: str, index: int) -> str:
        """Address of line ``index`` (0-based) in column ``key``."""
        return f"{self.letter(key)}{self.row(index)}"

    def year_cell(self, t: int, index: int) -> str:
        return self.cell(f"y{t}", index)

    def span(self, key: str) -> str:
        """Absolute address of the whole column ``key`` over the table's lines."""
        col = self.letter(key)
        return f"${col}${self.first_row}:${col}${self.last_row}"

    def year_row(self, row: int) -> str:
        """Absolute address of the year columns of ``row`` (a total row)."""
        first, last = self.letter("y0"), self.letter(f"y{YEARS[-1]}")
        return f"${first}${row}:${last}${row}"

    @property
    def inputs(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.computed)

    @property
    def check_letter(self) -> str:
        return self.letters["check"]


@dataclass(frozen=True)
class Capacity:
    """Lines each table holds (a scenario with more lines gets a bigger table)."""

    costs: int = 25
    benefits: int = 20
    kpis: int = 15
    channels: int = 12
    runs: int = 0  # the live simulation's runs (0: none), see crmroi_xl.excel.simulation_layout
    slots: int = 0  # its uncertain lines' columns
    draws: int = 0  # its distribution's code (1 pert, 2 triangular, 3 uniform): the formula
    options: int = 0  # the options a choice's workbook holds (0: a single business case)

    @classmethod
    def for_counts(cls, costs: int, benefits: int, kpis: int, channels: int) -> Capacity:
        default = cls()
        return cls(
            max(default.costs, costs),
            max(default.benefits, benefits),
            max(default.kpis, kpis),
            max(default.channels, channels),
        )
