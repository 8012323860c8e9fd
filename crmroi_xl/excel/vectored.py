"""Formula cells whose engine values come as one array: a :class:`Block`.

Some formulas repeat by the thousand (the Simulation sheet's runs: a run's NPV, ROI
and each line's multiplier, row after row). Their engine values come from one numpy
pass, so a sheet declares them as a :class:`Block` -- a function of the
:class:`~crmroi_xl.excel.sheet.Context` giving every cell's value at once, in the
order the sheet yields the cells -- and gives each cell :meth:`Block.cell`, a
callable value like any other (``expected_values`` and the reference writer call it
cell by cell). The fast exporter (:mod:`crmroi_xl.excel.fast`) sees the block and
renders all its cached values in one go (:func:`block_xml`), not cell by cell.

A block's array holds floats; NaN stands for the blank text ``""`` (an ROI without
costs) -- the value the formulas give there.

>>> import numpy as np
>>> block = Block("demo", lambda ctx: np.array([1.5, np.nan, 2.0]))
>>> class Ctx:
...     memo = {}
>>> [block.cell(i)(Ctx()) for i in range(3)]
[1.5, '', 2.0]
>>> block_xml(np.array([1.5, np.nan, 0.1]))
(['', ' t="str"', ''], ['1.5', '', '0.1'])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..finance.rows import Array

if TYPE_CHECKING:
    from .parts import CellValue

__all__ = ["Block", "Vectored", "block_xml"]


@dataclass(frozen=True, eq=False)
class Block:
    """Many formula cells' engine values at once: ``compute(ctx)`` gives them all (a
    flat float array, NaN for ``""``), computed once per context under ``key``."""

    key: str
    compute: Callable[[Any], Array]
    #: the cached values' type attributes and texts at once, when the block knows a
    #: faster way than :func:`block_xml` of its values (same strings)
    render: Callable[[Any], tuple[list[str], list[str]]] | None = None

    def xml(self, ctx: Any) -> tuple[list[str], list[str]]:
        """The type attributes and ``<v>`` texts of every cell (the fast exporter's)."""
        if self.render is not None:
            return self.render(ctx)
        return block_xml(self.values(ctx))

    def values(self, ctx: Any) -> Array:
        """Every cell's value (memoised in ``ctx.memo``)."""
        memo_key = "block:" + self.key
        found = ctx.memo.get(memo_key)
        if found is None:
            found = ctx.memo[memo_key] = np.asarray(self.compute(ctx), dtype=np.float64)
        result: Array = found
        return result

    def cell(self, index: int) -> Vectored:
        """The value of the block's cell ``index`` (from 0, in the sheet's order)."""
        return Vectored(self, index)


class Vectored:
    """One cell's value of a :class:`Block`: called with a context, as any value (a
    plain class with slots: a kind makes thousands)."""

    __slots__ = ("block", "index")

    def __init__(self, block: Block, index: int) -> None:
        self.block, self.index = block, index

    def __call__(self, ctx: Any) -> CellValue:
        value = float(self.block.values(ctx)[self.index])
        return "" if value != value else value


def block_xml(values: Array) -> tuple[list[str], list[str]]:
    """The type attributes and ``<v>`` texts of a block's cached values, as
    :func:`~crmroi_xl.excel.package.write_package` writes each of them (a float with
    ``repr``, ``""`` as a text): finite floats in one pass."""
    numbers: list[float] = values.tolist()
    if not numbers:
        return [], []
    if np.isfinite(values).all():
        return [""] * len(numbers), repr(numbers)[1:-1].split(", ")
    from .zipped import cached_type  # rare (a blank ROI)

    types, texts = [], []
    for number in numbers:
        kind, text = cached_type("" if number != number else number)
        types.append("" if kind is None else f' t="{kind}"')
        texts.append(text)
    return types, texts
