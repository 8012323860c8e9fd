"""Atomic writes: nothing half-written, permissions as the user's umask gives them,
system errors that name the file, and temporary files of killed processes removed."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crmroi_xl.errors import CrmRoiError
from crmroi_xl.excel.files import atomic_path, remove_stale_temporaries, same_file, write_atomic

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions and processes")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix_only
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_follows_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    target = tmp_path / "out.xlsx"
    code = (
        "import os, sys; os.umask(int(sys.argv[2])); "
        "from crmroi_xl.excel.files import write_atomic; write_atomic(sys.argv[1], b'x')"
    )
    subprocess.run([sys.executable, "-c", code, str(target), str(umask)], check=True)
    assert _mode(target) == mode


@posix_only
def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "private.xlsx"
    target.write_bytes(b"old")
    target.chmod(0o600)
    write_atomic(target, b"new")
    assert (target.read_bytes(), _mode(target)) == (b"new", 0o600)


def test_a_full_disk_names_the_file_and_leaves_it_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "kept.xlsx"
    target.write_bytes(b"before")

    def full(self: Path, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(CrmRoiError) as raised:
        write_atomic(target, b"after")
    assert raised.value.message == f"{target}: cannot be written ({os.strerror(errno.ENOSPC)})"
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["kept.xlsx"]
    assert target.read_bytes() == b"before"


def test_a_folder_as_target_is_named_not_the_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "out.xlsx").mkdir()
    with pytest.raises(CrmRoiError, match=r"out\.xlsx: is a folder; give a file name$"):
        write_atomic(tmp_path / "out.xlsx", b"x")
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_an_interruption_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with pytest.raises(KeyboardInterrupt), atomic_path(target) as temporary:
        temporary.write_bytes(b"half")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


@posix_only
def test_stale_temporary_files_of_dead_processes_are_removed(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    pid = int(dead.stdout)
    stale = tmp_path / f".pme.xlsx.{pid}.0123456789ab.tmp"
    alive = tmp_path / f".sud.xlsx.{os.getpid()}.0123456789ab.tmp"  # a write under way
    theirs = tmp_path / ".notes.tmp"  # not ours
    for path in (stale, alive, theirs):
        path.write_bytes(b"x")
    assert remove_stale_temporaries(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, theirs.name])


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="Linux /proc")
def test_a_temporary_file_of_an_exited_process_not_yet_reaped_is_stale(tmp_path: Path) -> None:
    """A batch's worker orphaned by ``kill -9`` is a zombie until its new parent reaps it,
    maybe never in a container: it writes no more, so its temporary file goes."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])  # not waited for: a zombie
    try:
        stat_file = Path(f"/proc/{child.pid}/stat")
        deadline = time.monotonic() + 30
        while stat_file.read_text().rsplit(")", 1)[1].split()[0] != "Z":
            assert time.monotonic() < deadline, "the child did not exit"
            time.sleep(0.01)
        left = tmp_path / f".out.xlsx.{child.pid}.0123456789ab.tmp"
        left.write_bytes(b"half")
        assert remove_stale_temporaries(tmp_path) == 1
        assert not left.exists()
    finally:
        child.wait()


def test_same_file(tmp_path: Path) -> None:
    one = tmp_path / "a.xlsx"
    one.write_bytes(b"x")
    assert same_file(one, tmp_path / "." / "a.xlsx")
    assert not same_file(one, tmp_path / "missing.xlsx")
    if hasattr(os, "link"):
        os.link(one, tmp_path / "b.xlsx")
        assert same_file(one, tmp_path / "b.xlsx")
