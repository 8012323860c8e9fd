"""Hostile scenario files and batches (issue 14, items 5, 6 and 11): refused at once,
in one line, with bounded memory and time.

Each attack runs the command in a child process limited to 1 GiB and 60 s
(:mod:`tests.limits`): before the fixes a YAML "billion laughs" took 3 GB in
30 s, a link to ``/dev/zero`` read without end and a FIFO hung forever.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from .limits import crmroi

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, /dev/zero, rlimits")

SCENARIO = (
    "assumptions:\n  name: {name}\n"
    "costs:\n  - {{label: CRM, category: licences, one_off: 1000}}\n"
    "benefits:\n  - {{label: Gains, category: cost_reduction, amount_per_year: 2000}}\n"
)

#: ~400 bytes that expand to 9^9 (387 million) strings once aliases are followed.
LAUGHS = "assumptions:\n  name: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"a{i}: &{chr(97 + i)} [{', '.join(['*' + chr(96 + i)] * 9)}]\n" for i in range(1, 9)
)


def _one_line(err: str, start: str) -> None:
    assert err.count("\n") == 1, err[:2000]
    assert err.startswith(start), err[:2000]
    assert "internal error" not in err


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(LAUGHS, encoding="utf-8")
    assert len(LAUGHS) < 500
    done = crmroi("compute", str(path))
    assert done.code == 1
    _one_line(done.err, f"crmroi: error: {path}: invalid YAML: its aliases repeat ")
    assert "more than the 100000 allowed" in done.err


def test_a_yaml_alias_bomb_in_a_batch_list(tmp_path: Path) -> None:
    path = tmp_path / "batch.yaml"
    path.write_text("- " + LAUGHS.replace("\n", "\n  "), encoding="utf-8")
    done = crmroi("batch", str(path), "--out-dir", str(tmp_path / "out"))
    assert done.code == 1
    _one_line(done.err, f"crmroi: error: {path}: invalid YAML: its aliases repeat ")
    assert not (tmp_path / "out").exists()


def test_a_yaml_alias_bomb_in_a_folder_fails_its_file_only(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-bomb.yaml").write_text(LAUGHS, encoding="utf-8")
    (folder / "b-good.yaml").write_text(SCENARIO.format(name="Bon"), encoding="utf-8")
    done = crmroi("batch", str(folder), "--out-dir", str(tmp_path / "out"))
    assert done.code == 1
    _one_line(done.err, "crmroi: error: in/a-bomb.yaml: invalid YAML: its aliases repeat ")
    assert (tmp_path / "out" / "bon.xlsx").exists()


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _zero(path: Path) -> Path:
    path.symlink_to("/dev/zero")
    return path


@pytest.mark.parametrize(("make", "kind"), [(_fifo, "a pipe (FIFO)"), (_zero, "a device")])
@pytest.mark.parametrize(
    ("command", "name"),
    [
        ("compute", "s.yaml"),
        ("compute", "s.json"),
        ("batch", "b.json"),
        ("batch", "b.jsonl"),
        ("batch", "b.csv"),
        ("batch", "b.yaml"),
    ],
)
def test_a_file_that_is_not_a_regular_file_is_never_opened(
    tmp_path: Path, make: object, kind: str, command: str, name: str
) -> None:
    """A FIFO hung forever; a link to /dev/zero read 3-4 GB."""
    path = make(tmp_path / name)  # type: ignore[operator]
    args = [command, str(path)]
    if command == "batch":
        args += ["--out-dir", str(tmp_path / "out")]
    done = crmroi(*args, seconds=30)
    assert done.code == 1, done
    _one_line(done.err, f"crmroi: error: {path}: {kind}, not a file: refused")


def test_pipes_and_devices_in_a_folder_are_their_entries_failures(tmp_path: Path) -> None:
    """In folder mode each is reported as that file's failure; the others are written."""
    folder = tmp_path / "in"
    folder.mkdir()
    _fifo(folder / "a.yaml")
    _zero(folder / "b.json")
    (folder / "c.yaml").write_text(SCENARIO.format(name="Bon"), encoding="utf-8")
    done = crmroi("batch", str(folder), "--out-dir", str(tmp_path / "out"), seconds=30)
    assert done.code == 1, done
    assert done.err.splitlines() == [
        "crmroi: error: in/a.yaml: a pipe (FIFO), not a file: refused",
        "crmroi: error: in/b.json: a device, not a file: refused",
    ]
    assert (tmp_path / "out" / "bon.xlsx").exists()


def test_an_oversized_file_in_a_folder_is_not_parsed(tmp_path: Path) -> None:
    """A 10 MB YAML was refused for its size, then parsed anyway for its name (93 s, 3.4 GB)."""
    folder = tmp_path / "in"
    folder.mkdir()
    items = "".join(f"  - {{a: {i}, b: [{i}, {i}], c: x{i}}}\n" for i in range(230_000))
    big = SCENARIO.format(name="Gros") + "extra:\n" + items
    (folder / "big.yaml").write_text(big, encoding="utf-8")
    assert (folder / "big.yaml").stat().st_size > 10_000_000
    (folder / "ok.yaml").write_text(SCENARIO.format(name="Bon"), encoding="utf-8")
    done = crmroi("batch", str(folder), "--out-dir", str(tmp_path / "out"), seconds=30)
    assert done.code == 1, done
    size = (folder / "big.yaml").stat().st_size
    assert done.err == (
        f"crmroi: error: in/big.yaml: {size} bytes, more than the 5242880 allowed\n"
    )
    assert (tmp_path / "out" / "bon.xlsx").exists()
