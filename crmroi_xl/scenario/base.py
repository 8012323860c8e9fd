"""What every part of a scenario shares: the base model, the horizon's bound, the
validation context of user input, and the helpers of defaults filled before validation.

>>> fill({"unit": None}, "unit", "percent")
{'unit': 'percent'}
>>> MAX_HORIZON
10
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from .values import is_numeric, read_number

__all__ = ["MAX_HORIZON", "USER_INPUT", "Model", "fill", "filled"]

MAX_HORIZON = 10


#: Validation context of a scenario typed by a user -- a file, a flat row, a workbook's
#: inputs: ``Scenario.model_validate(data, context=USER_INPUT)`` also refuses an empty
#: business case (no cost and no benefit), which code building a scenario for its
#: own purposes (a workbook's skeleton) may validate.
USER_INPUT: dict[str, Any] = {"user_input": True}


class Model(BaseModel):
    """Every part of a scenario: unknown fields refused, numbers read as people type them."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, use_enum_values=False)

    @field_validator("*", mode="before")
    @classmethod
    def _typed_number(cls, value: Any, info: ValidationInfo) -> Any:
        """Numbers are read the way the flat format reads them (``12 000``, ``10 %``,
        :func:`~crmroi_xl.scenario.numbers.parse_number`); a yes/no is never a number."""
        if info.field_name is None or isinstance(value, list):
            return value  # list items are read by their own type (Share), naming the item
        return read_number(value) if is_numeric(cls, info.field_name) else value


def fill(data: Any, key: str, value: Any) -> Any:
    """Set ``data[key]`` when missing or None (before validation)."""
    if isinstance(data, dict) and data.get(key) is None:
        data = {**data, key: value}
    return data


def filled(*names: str) -> ConfigDict:
    """The config of a model whose before-validator fills ``names`` (:func:`fill`): the
    model requires them, a file may leave them out, so the JSON Schema does not require
    them (the validation is unchanged)."""

    def optional(schema: dict[str, Any]) -> None:
        schema["required"] = [name for name in schema["required"] if name not in names]

    return ConfigDict(json_schema_extra=optional)
