"""The zip of a workbook, with fixed times, and the text of a formula's cached value.

What the reference writer (:mod:`crmroi_xl.excel.package`) and the fast exporter
(:mod:`crmroi_xl.excel.fast`) share, without openpyxl: a process that exports from
a kind read off the disk cache imports no openpyxl.

Every part is zipped with the same timestamp: the same workbook, the same bytes.

>>> cached_type(0.1), cached_type("#N/A"), cached_type("OK"), cached_type(True)
((None, '0.1'), ('e', '#N/A'), ('str', 'OK'), ('b', '1'))
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from ..errors import EXCEL_ERRORS
from .parts import CellValue
from .xstring import escape

__all__ = ["DEFLATE_LEVEL", "FIXED_TIME", "FixedTimeZip", "cached_type"]

#: Document and zip timestamp of every workbook written (same input, same bytes).
FIXED_TIME = dt.datetime(2020, 1, 1)


#: The deflate level of every workbook written: 1, measured against zlib's default 6 on
#: the demo's export (``benchmarks/bench_deflate.py``, zlib 1.2.13): 2.4 ms of
#: processor time instead of 6.4 for a file 16 % larger (101 KiB instead of 86), the
#: biggest single saving of a batch's workbook. The bytes stay the same run after run.
DEFLATE_LEVEL = 1


class FixedTimeZip(ZipFile):
    """A zip archive whose entries all carry the same timestamp (reproducible bytes),
    deflated at :data:`DEFLATE_LEVEL`."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            info = ZipInfo(zinfo_or_arcname, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zinfo_or_arcname = info
        kwargs.setdefault("compresslevel", DEFLATE_LEVEL)
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        # openpyxl streams worksheets through temporary files: no file time either
        self.writestr(str(arcname or filename), Path(filename).read_bytes())


def cached_type(value: CellValue | bool) -> tuple[str | None, str]:
    """The type attribute (None for a number) and the text of a formula's cached value."""
    if isinstance(value, bool):
        return "b", str(int(value))
    if isinstance(value, float):
        return None, repr(value)
    if isinstance(value, int):
        return None, str(value)
    if value in EXCEL_ERRORS:
        return "e", value
    return "str", escape(value)
