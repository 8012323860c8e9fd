"""The workbook's own search for an IRR, one builder for every IRR it shows.

The spreadsheet's ``IRR`` is Newton's method from a starting point, and a start left
over from an edit can fail (``#N/A``) or land on a "root" below -100 %. So the
workbook locates the IRR itself, as the engine does
(:func:`crmroi_xl.finance.roots.grid_search`): the NPV's sign (``first + NPV(rate,
rest)`` >= 0, 1/0) at each rate of :data:`~crmroi_xl.finance.roots.BRACKET_GRID`, the
distance to the 10 % guess of each bracket where that sign changes, the nearest
bracket, then :data:`~crmroi_xl.finance.roots.SEARCH_STEPS` halvings of it; the last
middle is the located point. The Checks sheet holds the search of the Summary's
flows; the Comparison sheet one per option for its IRR and its incremental IRR.
Where its cells lie is the caller's (:class:`SearchPlaces`).

>>> places = SearchPlaces(
...     "checks",
...     grid=lambda column, k: f"{'ABC'['rate sign distance'.split().index(column)]}{k + 1}",
...     step=lambda column, k: f"{'EFGHI'[STEP_COLUMNS.index(column)]}{k + 1}",
...     span=lambda column, count: f"$A$1:$A${count}",
... )
>>> cells = list(search_formulas(places, "F0", "F1:F10", lambda ctx: None))
>>> cells[0].ref, cells[0].native
('B1', '=IF(F0+NPV(A1,F1:F10)>=0,1,0)')
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..finance.roots import BRACKET_GRID, SEARCH_STEPS, GridSearch
from .parts import CellValue, Formula

__all__ = ["STEP_COLUMNS", "SearchPlaces", "search_formulas"]

#: A halving's columns: its number (a constant), the bracket, its middle, the sign there.
STEP_COLUMNS = ("step", "low", "high", "middle", "sign")


@dataclass(frozen=True)
class SearchPlaces:
    """Where one search lies: ``grid(column, k)`` the ``k``-th rate's ``rate``, ``sign``
    or ``distance`` cell; ``step(column, k)`` the ``k``-th halving's cell (one of
    :data:`STEP_COLUMNS`); ``span(column, count)`` a grid column's first ``count``
    cells (absolute)."""

    sheet: str
    grid: Callable[[str, int], str]
    step: Callable[[str, int], str]
    span: Callable[[str, int], str]

    @property
    def located(self) -> str:
        """The located point: the last halving's middle (blank when the sign never changes)."""
        cell = self.step("middle", SEARCH_STEPS - 1)
        column = cell.rstrip("0123456789")
        return f"${column}${cell[len(column) :]}"


def _grid_value(search: GridSearch | None, column: str, k: int) -> CellValue:
    if search is None:
        return ""
    if column == "sign":
        return 1 if search.signs[k] else 0
    distance = search.distances[k]
    return "" if distance is None else distance


def _step_value(search: GridSearch | None, column: str, k: int) -> CellValue:
    if search is None or not search.steps:
        return ""
    low, high, middle, sign = search.steps[k]
    return {"low": low, "high": high, "middle": middle, "sign": 1 if sign else 0}[column]


def search_formulas(
    places: SearchPlaces,
    first: str,
    rest: str,
    search: Callable[..., GridSearch | None],
    wrap: Callable[[str], str] = lambda text: text,
) -> Iterator[Formula]:
    """The search's cells over the flows ``first`` (year 0) and ``rest`` (years 1 on);
    ``search(ctx)`` the engine's search (None: the cells are blank), ``wrap`` what each
    formula is wrapped in (an empty option slot's blank)."""
    count = len(BRACKET_GRID)

    def npv_sign(rate: str) -> str:
        return f"IF({first}+NPV({rate},{rest})>=0,1,0)"

    def formula(ref: str, text: str, value: Callable[..., CellValue], fmt: str) -> Formula:
        return Formula(places.sheet, ref, f"={wrap(text)}", value, fmt=fmt)

    for k in range(count):
        rate, sign = places.grid("rate", k), places.grid("sign", k)
        yield formula(
            sign, npv_sign(rate), lambda ctx, k=k: _grid_value(search(ctx), "sign", k), "int"
        )
        if k + 1 < count:
            after, next_sign = (places.grid(c, k + 1) for c in ("rate", "sign"))
            yield formula(
                places.grid("distance", k),
                f"IF({sign}<>{next_sign},MIN(ABS({rate}-IrrDefaultGuess),"
                f'ABS({after}-IrrDefaultGuess)),"")',
                lambda ctx, k=k: _grid_value(search(ctx), "distance", k),
                "factor",
            )
    distances = places.span("distance", count - 1)
    rates, signs = places.span("rate", count), places.span("sign", count)
    chosen = f"MATCH(MIN({distances}),{distances},0)"
    for k in range(SEARCH_STEPS):
        cell = {c: places.step(c, k) for c in STEP_COLUMNS}
        if k == 0:
            low = f'IF(COUNT({distances})=0,"",INDEX({rates},{chosen}))'
            high = f'IF(COUNT({distances})=0,"",INDEX({rates},{chosen}+1))'
        else:
            before = {c: places.step(c, k - 1) for c in STEP_COLUMNS}
            same = f"{before['sign']}=INDEX({signs},{chosen})"
            low = f'IF({before["low"]}="","",IF({same},{before["middle"]},{before["low"]}))'
            high = f'IF({before["low"]}="","",IF({same},{before["high"]},{before["middle"]}))'
        texts = {
            "low": low,
            "high": high,
            "middle": f'IF({cell["low"]}="","",({cell["low"]}+{cell["high"]})/2)',
            "sign": f'IF({cell["low"]}="","",{npv_sign(cell["middle"])})',
        }
        for column, text in texts.items():
            yield formula(
                cell[column],
                text,
                lambda ctx, column=column, k=k: _step_value(search(ctx), column, k),
                "int" if column == "sign" else "factor",
            )
