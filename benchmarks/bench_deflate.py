"""Deflate levels for an exported workbook: processor time against size, in one run.

The parts of the demo's export (with its ranges, as a batch writes it) are
compressed as the zip writer does (raw deflate, :func:`zlib.compressobj` with
``wbits=-15``) at levels 1 to 9, interleaved and repeated; the figures are
the processor time of the whole workbook's parts (best and median) and the
zip's compressed size, with the ratios to level 6 (zlib's default, the one
Python's :mod:`zipfile` uses when no level is given).

Run: ``python benchmarks/bench_deflate.py [repeats]``
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

from crmroi_xl import export_workbook, load_scenario
from crmroi_xl.io.loader import DEMO_SCENARIO

LEVELS = range(1, 10)


def parts() -> list[bytes]:
    """Every part of the demo's export, uncompressed."""
    with tempfile.TemporaryDirectory() as folder:
        path = export_workbook(load_scenario(DEMO_SCENARIO), Path(folder) / "demo.xlsx")
        with zipfile.ZipFile(path) as archive:
            return [archive.read(name) for name in archive.namelist()]


def deflate(data: bytes, level: int) -> int:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return len(compressor.compress(data) + compressor.flush())


def main(repeats: int = 7) -> None:
    blobs = parts()
    raw = sum(map(len, blobs))
    times: dict[int, list[float]] = {level: [] for level in LEVELS}
    sizes = {level: sum(deflate(b, level) for b in blobs) for level in LEVELS}
    for _ in range(repeats):
        for level in LEVELS:
            start = time.process_time()
            for _ in range(10):
                for blob in blobs:
                    deflate(blob, level)
            times[level].append((time.process_time() - start) / 10 * 1000)
    base = statistics.median(times[6])
    print(f"demo export: {len(blobs)} parts, {raw / 1024:.0f} KiB of XML; zlib {zlib.ZLIB_VERSION}")
    print(
        f"{'level':>5} {'best ms':>8} {'median ms':>10} {'x level 6':>10} {'KiB':>7} {'size x 6':>9}"
    )
    for level in LEVELS:
        median = statistics.median(times[level])
        print(
            f"{level:5} {min(times[level]):8.2f} {median:10.2f} {median / base:10.2f} "
            f"{sizes[level] / 1024:7.1f} {sizes[level] / sizes[6]:9.3f}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
