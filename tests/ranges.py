"""What an exported workbook carries of a scenario today: everything but the line ranges.

The workbook part of issue 12 (``low``/``high`` input cells beside each line,
read back by the reader) is built after the workbook code is restructured;
until then an export drops the ranges and reads back with ``low = high = 1``.
The round-trip tests compare against this view; delete it when the reader
reads the ranges.
"""

from __future__ import annotations

from crmroi_xl.model import Scenario

__all__ = ["without_ranges"]


def without_ranges(scenario: Scenario) -> Scenario:
    """``scenario`` with every cost and benefit line at ``low = high = 1``."""
    data = scenario.model_dump()
    for line in [*data["costs"], *data["benefits"]]:
        line["low"] = line["high"] = 1.0
    return Scenario.model_validate(data)
