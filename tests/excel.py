"""Calling the Excel functions of udfs.py the way Excel does: xlwings' Office.js call path."""

from __future__ import annotations

import asyncio
from typing import Any

import xlwings
from xlwings import server

import udfs


def call(name: str, *args: Any) -> Any:
    """Call an Excel function as Excel does; return the single result cell."""
    data = {
        "func_name": name,
        "args": list(args),
        "version": xlwings.__version__,
        "client": "Office.js",
        "runtime": "1.4",
        "caller_address": "Sheet1!A1",
        "culture_info_name": "en-US",
        "date_format": "m/d/yyyy",
    }
    result = asyncio.run(server.custom_functions_call(data, udfs))
    assert isinstance(result, list) and len(result) == 1 and len(result[0]) == 1, result
    return result[0][0]
