"""Where the Comparison sheet of a workbook of options puts things (``Layout.comparison``).

One column per option slot (B onwards, the options block's order), the headline
rows of the comparison on top, what each option takes (its risks, its adoption,
where its IRR starts) below them, then the yearly blocks: one row a year (0 to 10),
one column an option, the discount factors and the baseline's net flow beside the
net flows; last, each option's IRR searches (:data:`SEARCHES`).

>>> places = ComparisonLayout(6)
>>> places.cell("npv", 0), places.year_cell("net", 0, 2), places.discount_cell(2)
('B9', 'B65', 'H65')
"""

from __future__ import annotations

from ..finance.roots import BRACKET_GRID, SEARCH_STEPS
from .parts import YEARS, column_letter

__all__ = ["METRICS", "SEARCHES", "SEARCH_BLOCKS", "SETTINGS", "YEARLY", "ComparisonLayout"]

#: The headline rows, top to bottom (the option names on the header row above them).
METRICS = (
    "baseline",
    "tco",
    "tco_pv",
    "total_benefits",
    "npv",
    "roi",
    "irr",
    "payback",
    "incremental_npv",
    "incremental_irr",
    "incremental_payback",
    "rank",
    "probability_best",
    "probability_beats_baseline",
)
#: What each option takes, under the headline rows: its risks, where its IRR and its
#: incremental IRR start (written at export), its adoption of years 1 to 10.
SETTINGS = (
    "cost_risk",
    "benefit_risk",
    "irr_start",
    "incremental_irr_start",
    *(f"adoption_{t}" for t in YEARS[1:]),
)
#: The yearly blocks, one row a year, one column an option.
YEARLY = (
    "costs",
    "benefits",
    "net",
    "cumulative",
    "points",
    "difference",
    "difference_cumulative",
    "difference_points",
    "chart",  # the cumulative net flow again, #N/A where the chart draws nothing
)

#: The workbook's own IRR searches (:mod:`.irrsearch`) under the yearly blocks: the
#: IRR's over the net flows, the incremental IRR's over the differences.
SEARCHES = {"irr": "net", "incremental_irr": "difference"}
#: A search's blocks, one column an option: the grid's signs and distances (a row a
#: rate, the rates in column A), then the halvings (a row a step, its number in A).
SEARCH_BLOCKS = ("sign", "distance", "low", "high", "middle", "step_sign")

_HEADER = 4  # the option names
_SETTINGS_TITLE = _HEADER + len(METRICS) + 2
_YEARLY_TITLE = _SETTINGS_TITLE + len(SETTINGS) + 2


class ComparisonLayout:
    """The Comparison sheet's places for ``options`` option slots."""

    def __init__(self, options: int) -> None:
        self.options = options

    header_row = _HEADER
    settings_title_row = _SETTINGS_TITLE
    baseline_index_cell = f"B{_HEADER - 1}"  # the baseline's place among the options (0: none)

    def col(self, k: int) -> str:
        """Option slot ``k``'s column."""
        return column_letter(2 + k)

    @property
    def discount_col(self) -> str:
        """The discount factors' column, right of the options."""
        return column_letter(2 + self.options)

    def row(self, key: str) -> int:
        """A headline row or a setting's row."""
        if key in METRICS:
            return _HEADER + 1 + METRICS.index(key)
        return _SETTINGS_TITLE + 1 + SETTINGS.index(key)

    def cell(self, key: str, k: int) -> str:
        return f"{self.col(k)}{self.row(key)}"

    def span(self, key: str) -> str:
        """A headline row or setting across the option slots (absolute)."""
        row = self.row(key)
        return f"${self.col(0)}${row}:${self.col(self.options - 1)}${row}"

    def block_title_row(self, block: str) -> int:
        """A yearly block's subtitle; its years on the rows under it."""
        return _YEARLY_TITLE + YEARLY.index(block) * (len(YEARS) + 2)

    def year_row(self, block: str, t: int) -> int:
        return self.block_title_row(block) + 1 + t

    def year_cell(self, block: str, k: int, t: int) -> str:
        return f"{self.col(k)}{self.year_row(block, t)}"

    def year_span(self, block: str, k: int, first: int = 0) -> str:
        """Option ``k``'s column of a yearly block, years ``first`` to 10 (absolute)."""
        col = self.col(k)
        return f"${col}${self.year_row(block, first)}:${col}${self.year_row(block, YEARS[-1])}"

    def across(self, block: str, t: int) -> str:
        """A yearly block's year ``t`` across the option slots (absolute)."""
        row = self.year_row(block, t)
        return f"${self.col(0)}${row}:${self.col(self.options - 1)}${row}"

    @property
    def chart_anchor(self) -> str:
        """The chart of the cumulative net flows: right of the discount factors."""
        return f"{column_letter(4 + self.options)}{_HEADER}"

    def search_title_row(self, search: str, block: str) -> int:
        """A search block's subtitle; its rows (rates or halvings) under it."""
        row = self.block_title_row(YEARLY[-1]) + len(YEARS) + 2
        sizes = [len(BRACKET_GRID)] * 2 + [SEARCH_STEPS] * 4
        for s in SEARCHES:
            for b, size in zip(SEARCH_BLOCKS, sizes, strict=True):
                if (s, b) == (search, block):
                    return row
                row += size + 2
        raise KeyError((search, block))

    def search_cell(self, search: str, block: str, k: int, i: int) -> str:
        """Row ``i`` of a search block: option ``k``'s cell (``k`` = -1: column A)."""
        col = "A" if k < 0 else self.col(k)
        return f"{col}{self.search_title_row(search, block) + 1 + i}"

    @property
    def last_row(self) -> int:
        """The sheet's last row (the last search block's)."""
        return self.search_title_row(list(SEARCHES)[-1], SEARCH_BLOCKS[-1]) + SEARCH_STEPS

    def baseline_cell(self, t: int) -> str:
        """The baseline's net flow of year ``t`` (0 without a baseline), right of the
        discount factors: what the template's ``CRM_INCREMENTAL_*`` compare with."""
        return f"{column_letter(3 + self.options)}{self.year_row('net', t)}"

    @property
    def baseline_span(self) -> str:
        first, last = self.baseline_cell(0), self.baseline_cell(YEARS[-1])
        return f"${first[0]}${first[1:]}:${last[0]}${last[1:]}"

    def discount_cell(self, t: int) -> str:
        return f"{self.discount_col}{self.year_row('net', t)}"

    @property
    def discount_span(self) -> str:
        col = self.discount_col
        return f"${col}${self.year_row('net', 0)}:${col}${self.year_row('net', YEARS[-1])}"
