"""What a sheet module declares (:class:`Sheet`) and what its formulas' engine values
are computed from (:class:`Context`): both name the workbook's
:class:`~crmroi_xl.excel.layout.Layout`, so they sit above it (the pieces the layout
is made of are in :mod:`crmroi_xl.excel.parts`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..scenario.labels import Lang
from .layout import Layout
from .parts import Formula, Text

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ..engine.optionbook import OptionBook
    from ..engine.results import Results
    from ..engine.sensitivity import Case
    from ..scenario.model import Scenario

__all__ = ["Context", "Sheet"]


class Context:
    """What the engine gives the formula cells of one scenario's workbook.

    ``results`` are those of the case the workbook shows (``case``, its
    ``In_Case``: the base case unless a test switches it), ``base`` those of the
    base case, which the base amounts and the Sensitivity sheet read whatever
    the case shown. A workbook of options has its ``book``
    (:mod:`crmroi_xl.engine.optionbook`): ``scenario`` is then its table of every
    option's lines, with the assumptions of the option shown.
    """

    def __init__(
        self,
        layout: Layout,
        scenario: Scenario,
        results: Results,
        base: Results | None = None,
        case: Case = "base",
        book: OptionBook | None = None,
    ) -> None:
        self.layout, self.scenario, self.results = layout, scenario, results
        self.book = book  # a workbook of options: every option's lines, one shown
        self.base = results if base is None else base
        self.case: Case = case
        self.lang: Lang = layout.lang
        self.horizon = scenario.assumptions.horizon_years
        self.memo: dict[str, Any] = {}  # what many cells' values share, derived once

    def year(self, values: list[float], t: int, after: float = 0.0) -> float:
        """Value of year ``t``; past the horizon the workbook computes ``after``."""
        return values[t] if t <= self.horizon else after


def _nothing(*args: object) -> tuple[()]:
    return ()


@dataclass(frozen=True)
class Sheet:
    """What one sheet holds: its constant cells, its computed cells, its looks.

    Each module of :mod:`crmroi_xl.excel.sheets` declares one; the registry
    there lists them in workbook order. ``looks`` runs once the cells are
    written (widths grow to the texts the sheet holds).
    """

    key: str
    tab: str  # tab colour: inputs amber, the summary green, checks red, the rest grey
    texts: Callable[[Layout], Iterable[Text]]
    formulas: Callable[[Layout], Iterable[Formula]] = _nothing
    looks: Callable[[Layout, Worksheet, dict[str, str]], object] = _nothing
    one_page: bool = False  # prints on one page (else one page wide)
