"""The disk cache of built kinds of workbook (crmroi_xl/excel/kindcache.py).

An export read from the cache is the export built from scratch, byte for byte; an
entry that is corrupt, truncated or of another version is ignored and rebuilt; two
processes writing one entry at once leave a whole one; ``CRMROI_CACHE_DIR=off`` and
``crmroi cache clear`` do what they say.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from crmroi_xl.excel import fast, kindcache
from crmroi_xl.io.loader import DEMO_SCENARIO, load_scenario

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own; memory caches cleared before and after."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(kindcache.ENV, str(folder))
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
    monkeypatch.setenv(kindcache.ENV, "off")
    built = fast.workbook_bytes(scenario)
    assert not cache.exists()  # off: nothing written
    monkeypatch.setenv(kindcache.ENV, str(cache))
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
    assert kindcache.load(kind) is None
    fast.clear_caches()
    assert fast.workbook_bytes(load_scenario(DEMO_SCENARIO)) == built
    assert kindcache.load(kind) is not None  # replaced by a whole entry


def test_an_entry_of_another_version_is_ignored(cache: Path) -> None:
    kind = _demo_kind()
    fast.workbook_bytes(load_scenario(DEMO_SCENARIO))
    (entry,) = _entries(cache)
    data = entry.read_bytes()
    magic = data[: data.index(b"\n") + 1]
    stored_kind, _, value = pickle.loads(data[len(magic) :])
    entry.write_bytes(magic + pickle.dumps((stored_kind, "another-version", value)))
    assert kindcache.load(kind) is None
    entry.write_bytes(magic + pickle.dumps((("en", *kind[1:]), kindcache.stamp(), value)))
    assert kindcache.load(kind) is None  # another kind's under this name


def test_the_stamp_follows_the_code(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another version of openpyxl (or of crmroi, or a module edited) is another stamp,
    so another folder: the entries of the old one are never read."""
    import importlib.metadata

    before = kindcache.stamp()
    kindcache.stamp.cache_clear()
    real = importlib.metadata.version
    monkeypatch.setattr(
        importlib.metadata,
        "version",
        lambda name: "0.0-other" if name == "openpyxl" else real(name),
    )
    try:
        assert kindcache.stamp() != before
    finally:
        monkeypatch.undo()
        kindcache.stamp.cache_clear()
    assert kindcache.stamp() == before


_WRITER = """
import sys
from crmroi_xl.excel import fast, kindcache
from crmroi_xl.io.loader import DEMO_SCENARIO, load_scenario
kind = fast.workbook_kind(load_scenario(DEMO_SCENARIO))
package = fast._build_package(*kind)
sys.stdin.readline()  # both built: store at once
for _ in range(20):
    kindcache.store(kind, package)
"""


def test_two_processes_writing_one_entry_leave_a_whole_one(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {**os.environ, kindcache.ENV: str(cache)}
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
    found = kindcache.load(_demo_kind())
    assert found is not None
    scenario = load_scenario(DEMO_SCENARIO)
    fast.clear_caches()
    from_disk = fast.workbook_bytes(scenario)
    monkeypatch.setenv(kindcache.ENV, "off")
    fast.clear_caches()
    assert fast.workbook_bytes(scenario) == from_disk


def test_cache_clear_empties_the_folder(cache: Path) -> None:
    fast.workbook_bytes(load_scenario(DEMO_SCENARIO))
    assert len(_entries(cache)) == 1
    done = subprocess.run(
        [sys.executable, "-m", "crmroi_xl.cli.main", "cache", "clear"],
        capture_output=True,
        text=True,
        env={**os.environ, kindcache.ENV: str(cache)},
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1 file(s) removed")
    assert _entries(cache) == []
