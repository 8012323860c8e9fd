"""What a scenario field holds, read once from the model: its kind and its bounds.

The workbook's data validation, the reader's checks of a cell and the flat
format's parsing of a column all need to know whether a field is a text, a
choice, a yes/no, a whole number, a share (0 to 1), an amount (>= 0) or another
number, and its bounds. They ask here; the model's own types and ``Field``
constraints are the only source.

>>> from crmroi_xl.scenario.model import Assumptions, CostLine
>>> kind(Assumptions, "discount_rate"), bounds(Assumptions, "discount_rate")
('share', (0, 1))
>>> kind(CostLine, "seats"), kind(CostLine, "category"), kind(CostLine, "years")
('amount', 'choice', 'integer')
>>> bounds(CostLine, "annual_increase")
(-0.5, 1)
"""

from __future__ import annotations

import types
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

__all__ = ["Kind", "bounds", "kind"]

Kind = Literal["text", "choice", "yesno", "integer", "share", "amount", "number"]


def _annotation(model: type[BaseModel], field: str) -> Any:
    """The field's type without ``| None``, ``Annotated`` or ``list[...]``."""
    annotation = model.model_fields[field].annotation
    while True:
        origin = get_origin(annotation)
        if origin in (Union, types.UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        elif origin is Annotated or origin is list:
            annotation = get_args(annotation)[0]
        else:
            return annotation


def _metadata(model: type[BaseModel], field: str) -> list[Any]:
    """Every constraint on the field or, for a list, on its items."""
    info = model.model_fields[field]
    found = list(info.metadata)
    stack = [info.annotation]
    while stack:
        annotation = stack.pop()
        origin = get_origin(annotation)
        if origin is Annotated:
            inner, *extra = get_args(annotation)
            for item in extra:
                found.extend(getattr(item, "metadata", None) or [item])
            stack.append(inner)
        elif origin in (Union, types.UnionType, list):
            stack.extend(get_args(annotation))
    return found


@cache
def bounds(model: type[BaseModel], field: str) -> tuple[float | None, float | None]:
    """The field's lower and upper bounds (``ge``/``le``), None where there is none."""
    low = high = None
    for item in _metadata(model, field):
        low = getattr(item, "ge", low) if getattr(item, "ge", None) is not None else low
        high = getattr(item, "le", high) if getattr(item, "le", None) is not None else high
    return low, high


@cache
def kind(model: type[BaseModel], field: str) -> Kind:
    """What a value of ``field`` is (see the module docstring)."""
    annotation = _annotation(model, field)
    if annotation is bool:
        return "yesno"
    if annotation is int:
        return "integer"
    if annotation is str:
        return "text"
    if get_origin(annotation) is Literal or (
        isinstance(annotation, type) and issubclass(annotation, str)
    ):
        return "choice"
    low, high = bounds(model, field)
    if low == 0 and high == 1:
        return "share"
    if low == 0:
        return "amount"
    return "number"
