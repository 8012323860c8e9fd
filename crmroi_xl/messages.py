"""How a validation problem is worded: the field's path and what is wrong, one line each.

Every way a scenario comes in -- a JSON or YAML file, a flat row, a workbook's
cells -- reports pydantic's validation errors through this module, so a
problem reads the same wherever it was found::

    examples/pme.yaml: costs[0].seats: must be >= 0, got -1
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

__all__ = ["describe_error", "field_path", "format_errors"]


def field_path(loc: tuple[int | str, ...]) -> str:
    """Dotted path of a pydantic error location: ``costs[0].seats``.

    >>> field_path(("costs", 0, "seats"))
    'costs[0].seats'
    """
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(scenario)"


def format_errors(error: ValidationError, source: str) -> str:
    """One line per validation problem: ``source: field: what is wrong, got value``."""
    lines = []
    for item in error.errors(include_url=False):
        lines.append(f"{source}: {field_path(item['loc'])}: {describe_error(item)}")
    return "\n".join(lines)


def describe_error(item: Any) -> str:
    """What is wrong in one pydantic error item, in a few words, with the value found."""
    kind, ctx, value = item["type"], item.get("ctx") or {}, item.get("input")
    bounds = {
        "greater_than_equal": ("must be >= {}", "ge"),
        "greater_than": ("must be > {}", "gt"),
        "less_than_equal": ("must be <= {}", "le"),
        "less_than": ("must be < {}", "lt"),
    }
    if kind in bounds:
        template, key = bounds[kind]
        return f"{template.format(_number(ctx[key]))}, got {value!r}"
    if kind == "missing":
        return "required, missing"
    if kind == "extra_forbidden":
        return f"unknown field (value {value!r}); see `crmroi schema` for the fields"
    if kind == "value_error":
        return str(ctx.get("error", item["msg"]))
    return f"{item['msg'][0].lower()}{item['msg'][1:]}, got {value!r}"


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
