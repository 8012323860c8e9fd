"""Parsing the demo scenario's YAML: PyYAML's pure-Python safe loader beside libyaml's
C one and crmroi's loader (the C parser plus the duplicate-key rule), in one run.

Run: ``python benchmarks/bench_yaml.py [repeats]``; prints best and median per parse
and the ratios to the C loader (the floor).
"""

from __future__ import annotations

import statistics
import sys
import timeit
from pathlib import Path

import yaml

from crmroi_xl.io.documents import SAFE_LOADER, parse_document

DEMO = (Path(__file__).resolve().parent.parent / "crmroi_xl" / "scenario" / "demo.yaml").read_text(
    encoding="utf-8"
)
NUMBER = 50


def main(repeats: int = 7) -> None:
    cases = {
        "floor: yaml.CSafeLoader": lambda: yaml.load(DEMO, Loader=yaml.CSafeLoader),
        "yaml.SafeLoader (pure Python)": lambda: yaml.load(DEMO, Loader=yaml.SafeLoader),
        f"crmroi parse_document ({SAFE_LOADER.__name__})": lambda: parse_document(
            DEMO, "YAML", "demo.yaml"
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeats):  # interleaved, so a noisy moment hits every case alike
        for name, parse in cases.items():
            times[name].append(timeit.timeit(parse, number=NUMBER) / NUMBER * 1000)
    floor = statistics.median(times["floor: yaml.CSafeLoader"])
    print(f"{'demo.yaml, one parse':48} {'best ms':>8} {'median ms':>10} {'x floor':>8}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:48} {min(values):8.3f} {median:10.3f} {median / floor:8.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
