"""The value types of the scenario, and how a typed value is read.

The scenario model (:mod:`crmroi_xl.scenario.model`) builds its fields from these:

* :data:`Amount` -- an amount, a count, never negative and at most
  :data:`MAX_AMOUNT` (what a spreadsheet keeps to the unit), so every result
  stays a finite number a workbook can store; :data:`Measure` -- a KPI's
  value, of any sign, as large at most;
* :data:`Share` and :data:`Rate` -- fractions (0.1 is 10 %), marked
  :data:`PERCENTAGE` so a problem gets the hint "10 % is 0.1";
* :data:`Label` -- text with at least one visible character and nothing a
  workbook cannot store.

A number typed as text is read as the flat format reads it (``12 000``,
``10 %``: :func:`~crmroi_xl.scenario.numbers.parse_number`), and a yes/no is never a
number (:func:`read_number`). Every problem is a pydantic error of its own type
(``too_large``, ``bool_not_number``, ``label_blank`` ...), worded in French and
English by :mod:`crmroi_xl.scenario.messages`.

>>> read_number("12 000"), read_number("10 %")
(12000, 0.1)
>>> printable("PME 20 postes")
'PME 20 postes'
"""

from __future__ import annotations

import functools
import types
import typing
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from .numbers import parse_number

__all__ = [
    "MAX_AMOUNT",
    "PERCENTAGE",
    "Amount",
    "Label",
    "Measure",
    "Rate",
    "Share",
    "currency_code",
    "is_numeric",
    "printable",
    "read_number",
    "within",
]

#: The largest amount, count or KPI value a scenario takes: a spreadsheet keeps 15
#: significant digits, so 10^15 is the most it holds to the unit, and every result
#: computed from such inputs stays a finite number a workbook can store.
MAX_AMOUNT = 1e15


#: Letters that take room but show nothing (Hangul fillers, the braille blank).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me", "Cn"})


def _visible(character: str) -> bool:
    return character not in _BLANK_LETTERS and unicodedata.category(character) not in _INVISIBLE


def printable(text: str) -> str:
    """A label holds at least one visible character and only what a workbook can store.

    Spaces, zero-width characters and other invisible ones alone are refused
    like an empty label.
    """
    bad = next((c for c in text if c in _XML_ILLEGAL or "\ud800" <= c <= "\udfff"), None)
    if bad is not None:
        character = f"U+{ord(bad):04X}"
        raise PydanticCustomError(
            "label_character",
            "character {character} cannot be stored in a workbook",
            {"character": character},
        )
    if not any(_visible(c) for c in text):
        raise PydanticCustomError("label_blank", "a label needs at least one visible character")
    return text


_XML_ILLEGAL = frozenset(
    [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\ufffe", "\uffff"]
)
Label = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(printable)]


@functools.cache
def is_numeric(model: type[BaseModel], name: str) -> bool:
    """Whether a field holds a number or a list of numbers (never a yes/no)."""
    annotation = model.model_fields[name].annotation
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return False
            annotation = options[0]
        elif origin in (list, typing.Annotated):
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation in (int, float)


def read_number(value: Any) -> Any:
    """A number typed as text, read as the flat format reads it; a yes/no refused."""
    if isinstance(value, bool):
        raise PydanticCustomError(
            "bool_not_number", "a number is needed, not yes/no, got {value}", {"value": value}
        )
    if isinstance(value, str):
        return parse_number(value)
    return value


def within(value: float) -> float:
    """An amount, a count or a KPI value a spreadsheet holds (:data:`MAX_AMOUNT`)."""
    if abs(value) > MAX_AMOUNT:
        raise PydanticCustomError(
            "too_large",
            "at most {bound} in size, got {value}",
            {"bound": MAX_AMOUNT, "value": value},
        )
    return value


# :func:`within`'s bounds are told to the JSON Schema (``crmroi schema``) by
# ``json_schema_extra``: ``within`` checks them with its own error (``too_large``),
# which a ``Field(le=...)`` would replace.
Amount = Annotated[
    float,
    BeforeValidator(read_number),
    Field(ge=0, allow_inf_nan=False),
    AfterValidator(within),
    Field(json_schema_extra={"maximum": MAX_AMOUNT}),
]

#: A KPI's value (before or after the CRM): any sign, within :data:`MAX_AMOUNT` in size.
Measure = Annotated[
    float,
    AfterValidator(within),
    Field(json_schema_extra={"minimum": -MAX_AMOUNT, "maximum": MAX_AMOUNT}),
]


class _Percentage:
    """Marks a number that is a fraction a person may type as a whole percentage."""

    def __repr__(self) -> str:
        return "PERCENTAGE"


#: In a field's metadata: its value is a fraction (0.1 for 10 %), so a problem with it
#: gets the hint "10 % is 0.1" (:mod:`crmroi_xl.scenario.messages`).
PERCENTAGE = _Percentage()

Share = Annotated[
    float, BeforeValidator(read_number), Field(ge=0, le=1, allow_inf_nan=False), PERCENTAGE
]
Rate = Annotated[float, PERCENTAGE]


def currency_code(value: Any) -> Any:
    """An ISO 4217 code: three capital letters (said in words, not as a pattern)."""
    if isinstance(value, str) and not (len(value) == 3 and value.isascii() and value.isupper()):
        raise PydanticCustomError(
            "currency_code",
            "a three-letter ISO 4217 currency code is needed, got {value}",
            {"value": value},
        )
    return value
