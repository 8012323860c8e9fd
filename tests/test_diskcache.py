"""The disk cache of built kinds of workbook (crmroi_xl/engine/diskcache.py).

An export read from the cache is the export built from scratch, byte for byte; an
entry that is corrupt, truncated or of another version is ignored and rebuilt; two
processes writing one entry at once leave a whole one; ``CRMROI_CACHE_DIR=off`` and
``crmroi cache clear`` do what they say.
"""

from __future__ import annotations

import copy
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from crmroi_xl.engine import diskcache
from crmroi_xl.excel import fast
from crmroi_xl.io.loader import DEMO_SCENARIO, load_scenario

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own; memory caches cleared before and after."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(diskcache.ENV, str(folder))
    fast.clear_caches()
    yield folder
    fast.clear_caches()


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*/*.kind"))


def _demo_kind() -> fast.Kind:
    return fast.workbook_kind(load_scenario(DEMO_SCENARIO))


def test_an_export_from_the_cache_is_the_export_built_from_scratch(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = load_scenario(DEMO_SCENARIO)
    monkeypatch.setenv(diskcache.ENV, "off")
    built = fast.workbook_bytes(scenario)
    assert not cache.exists()  # off: nothing written
    monkeypatch.setenv(diskcache.ENV, str(cache))
    fast.clear_caches()
    assert fast.workbook_bytes(scenario) == built  # built, then stored
    assert len(_entries(cache)) == 1
    fast.clear_caches()
    calls: list[object] = []
    monkeypatch.setattr(fast, "_build_package", lambda *kind: calls.append(kind))
    assert fast.workbook_bytes(scenario) == built  # read back from the disk
    assert calls == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:20] + b"\x00" * 64 + data[84:],  # corrupt
        lambda data: b"not a cache file at all",
    ],
)
def test_a_damaged_entry_is_ignored_and_rebuilt(cache: Path, damage: object) -> None:
    kind = _demo_kind()
    built = fast.workbook_bytes(load_scenario(DEMO_SCENARIO))
    (entry,) = _entries(cache)
    entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    assert diskcache.load(kind) is None
    fast.clear_caches()
    assert fast.workbook_bytes(load_scenario(DEMO_SCENARIO)) == built
    assert diskcache.load(kind) is not None  # replaced by a whole entry


def test_an_entry_of_another_version_is_ignored(cache: Path) -> None:
    kind = _demo_kind()
    fast.workbook_bytes(load_scenario(DEMO_SCENARIO))
    (entry,) = _entries(cache)
    data = entry.read_bytes()
    magic = data[: data.index(b"\n") + 1]
    stored_kind, _, value = pickle.loads(data[len(magic) :])
    entry.write_bytes(magic + pickle.dumps((stored_kind, "another-version", value)))
    assert diskcache.load(kind) is None
    entry.write_bytes(magic + pickle.dumps((("en", *kind[1:]), diskcache.stamp(), value)))
    assert diskcache.load(kind) is None  # another kind's under this name


def test_the_stamp_follows_the_code(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another Python, another openpyxl, numpy or scipy (their ``__init__.py``
    rewritten) or a module of the package edited is another stamp, so another folder:
    the entries of the old one are never read."""
    import importlib.util

    before = diskcache.stamp()
    fake = tmp_path / "openpyxl" / "__init__.py"
    fake.parent.mkdir()
    fake.write_text("__version__ = 'other'\n")
    real = importlib.util.find_spec

    def find_spec(name: str, *args: object) -> object:
        spec = real(name)
        if name == "openpyxl" and spec is not None:
            spec = copy.copy(spec)  # not the imported module's own
            spec.origin = str(fake)
        return spec

    for change in (
        lambda: monkeypatch.setattr(sys, "version", sys.version + " (another build)"),
        lambda: monkeypatch.setattr(importlib.util, "find_spec", find_spec),
    ):
        diskcache.stamp.cache_clear()
        change()
        try:
            assert diskcache.stamp() != before
        finally:
            monkeypatch.undo()
            diskcache.stamp.cache_clear()
    assert diskcache.stamp() == before


_WRITER = """
import sys
from crmroi_xl.engine import diskcache
from crmroi_xl.excel import fast
from crmroi_xl.io.loader import DEMO_SCENARIO, load_scenario
kind = fast.workbook_kind(load_scenario(DEMO_SCENARIO))
package = fast._build_package(*kind)
sys.stdin.readline()  # both built: store at once
for _ in range(20):
    diskcache.store(kind, package)
"""


def test_two_processes_writing_one_entry_leave_a_whole_one(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {**os.environ, diskcache.ENV: str(cache)}
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER], stdin=subprocess.PIPE, env=env, cwd=ROOT)
        for _ in range(2)
    ]
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write(b"go\n")
        writer.stdin.close()
    assert [writer.wait(timeout=300) for writer in writers] == [0, 0]
    (entry,) = _entries(cache)
    assert not list(entry.parent.glob("*.tmp"))
    found = diskcache.load(_demo_kind())
    assert found is not None
    scenario = load_scenario(DEMO_SCENARIO)
    fast.clear_caches()
    from_disk = fast.workbook_bytes(scenario)
    monkeypatch.setenv(diskcache.ENV, "off")
    fast.clear_caches()
    assert fast.workbook_bytes(scenario) == from_disk


def test_cache_clear_empties_the_folder(cache: Path) -> None:
    fast.workbook_bytes(load_scenario(DEMO_SCENARIO))
    assert len(_entries(cache)) == 1
    done = subprocess.run(
        [sys.executable, "-m", "crmroi_xl.cli.main", "cache", "clear"],
        capture_output=True,
        text=True,
        env={**os.environ, diskcache.ENV: str(cache)},
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1 file(s) removed")
    assert _entries(cache) == []


def test_a_simulation_reads_its_inverse_tables_back_from_the_disk(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second process draws the same multipliers without computing an inverse (no
    scipy import): the tables of its shapes come from the cache."""
    from crmroi_xl.engine import lattice
    from crmroi_xl.engine.montecarlo import simulate

    scenario = load_scenario(DEMO_SCENARIO)
    lattice.clear_tables()
    first = simulate(scenario, runs=1_000)
    lattice.clear_tables()  # as a new process

    def refuse(*args: object) -> None:
        raise AssertionError("computed again")

    monkeypatch.setattr(lattice, "inverse", refuse)
    again = simulate(scenario, runs=1_000)
    assert again.npv_runs.tolist() == first.npv_runs.tolist()
    monkeypatch.undo()
    lattice.clear_tables()


_LIGHT = """
import sys
from crmroi_xl.batch.run import batch_export
from crmroi_xl.excel.fast import export_workbook
from crmroi_xl.io.loader import DEMO_SCENARIO, load_scenario
export_workbook(load_scenario(DEMO_SCENARIO), sys.argv[1] + "/demo.xlsx")
heavy = sorted(m for m in ("openpyxl", "lxml") if m in sys.modules)
print(heavy)
"""


def test_an_export_from_a_warm_cache_imports_no_openpyxl(cache: Path, tmp_path: Path) -> None:
    """The second process reads the kind from the disk: neither openpyxl nor lxml is
    imported (the first one built it, so needed them), and both wrote the same bytes."""
    env = {**os.environ, diskcache.ENV: str(cache)}
    imported = []
    for name in ("cold", "warm"):
        (tmp_path / name).mkdir()
        done = subprocess.run(
            [sys.executable, "-c", _LIGHT, str(tmp_path / name)],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
        )
        assert done.returncode == 0, done.stderr
        imported.append(done.stdout.strip())
    assert imported == ["['lxml', 'openpyxl']", "[]"]
    cold, warm = ((tmp_path / n / "demo.xlsx").read_bytes() for n in ("cold", "warm"))
    assert cold == warm
