"""Time crmroi_xl's IRR and NPV beside numpy-financial on a 1 000-period series.

Run from the repository root::

    python benchmarks/bench_metrics.py

Prints the best of N timeit repeats per call and the ratio; asserts nothing.
The series is a CRM paid 1 000 000 EUR today that returns 1 500 EUR a period
for 999 periods (an IRR of about 0.09 % a period), the kind of monthly series a
long scenario produces.
"""

from __future__ import annotations

import platform
import sys
import timeit
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy_financial as npf

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run without installing

import crmroi_xl
from crmroi_xl.finance.metrics import irr, npv

SERIES = [-1e6] + [1_500.0] * 999
RATE = 0.001


def best_of(func: Callable[[], object], repeat: int, number: int) -> float:
    """Seconds per call: the best of ``repeat`` runs of ``number`` calls."""
    return min(timeit.repeat(func, repeat=repeat, number=number)) / number


def show(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:8.3f} s "
    if seconds >= 1e-3:
        return f"{seconds * 1e3:8.3f} ms"
    return f"{seconds * 1e6:8.1f} µs"


def compare(label: str, ours: Callable[[], float], theirs: Callable[[], float], slow: bool) -> None:
    # numpy-financial's IRR takes about a second: fewer runs for it
    t_ours = best_of(ours, repeat=7, number=200)
    t_theirs = best_of(theirs, repeat=3, number=1) if slow else best_of(theirs, 7, 200)
    print(f"{label}")
    print(f"  crmroi_xl        {show(t_ours)} per call   -> {ours()!r}")
    print(f"  numpy-financial  {show(t_theirs)} per call   -> {theirs()!r}")
    ratio = t_theirs / t_ours
    verdict = f"{ratio:,.1f}x faster" if ratio >= 1 else f"{1 / ratio:,.1f}x slower"
    print(f"  ratio            numpy-financial / crmroi_xl = {ratio:,.2f} (crmroi_xl {verdict})")
    print()


def main() -> None:
    print(
        f"crmroi_xl {crmroi_xl.__version__}, numpy-financial {npf.__version__}, "
        f"numpy {np.__version__}, Python {platform.python_version()} on {platform.machine()}"
    )
    print(f"series: -1e6 then 999 x 1 500 ({len(SERIES)} periods); best of N timeit repeats")
    print()
    compare("irr", lambda: irr(SERIES), lambda: float(npf.irr(SERIES)), slow=True)
    compare(
        f"npv at {RATE:.1%}",
        lambda: npv(RATE, SERIES),
        lambda: float(npf.npv(RATE, SERIES)),
        slow=False,
    )
    array = np.asarray(SERIES)
    compare(
        f"npv at {RATE:.1%}, numpy array input",
        lambda: npv(RATE, array),
        lambda: float(npf.npv(RATE, array)),
        slow=False,
    )


if __name__ == "__main__":
    main()
