"""One batch at a time in an output folder (issue 20, item 5).

Two batches writing into one folder at once left a summary describing the other
run's workbooks. These tests run real batches in other processes: one holds the
folder (slowed down in its progress callback) while a second is refused.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from crmroi_xl.batch import run as batch_module
from crmroi_xl.batch.lock import LOCK_NAME, batch_lock
from crmroi_xl.batch.run import batch_export
from crmroi_xl.cli.main import main
from crmroi_xl.errors import CrmRoiError

#: A batch in another process, held after its first scenario until ``release`` exists.
HELD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from crmroi_xl.batch.run import batch_export

    source, out, started, release = map(Path, sys.argv[1:])

    def progress(done, total):
        started.touch()
        deadline = time.monotonic() + 60
        while not release.exists() and time.monotonic() < deadline:
            time.sleep(0.02)

    batch_export(source, out, progress=progress)
    """
)


def _batch(path: Path, *names: str) -> Path:
    scenarios = [
        {
            "assumptions": {"name": name, "language": "en"},
            "costs": [{"label": "CRM", "category": "licences", "one_off": 1000}],
            "benefits": [{"label": "Gain", "category": "cost_reduction", "amount_per_year": 900}],
        }
        for name in names
    ]
    path.write_text(json.dumps(scenarios), encoding="utf-8")
    return path


def _held(tmp_path: Path, out: Path) -> tuple[subprocess.Popen[bytes], Path]:
    """A batch of A1, A2 into ``out`` in another process, holding the folder; the file
    whose creation lets it go on."""
    source = _batch(tmp_path / "a.json", "A1", "A2")
    started, release = tmp_path / "started", tmp_path / "release"
    process = subprocess.Popen(
        [sys.executable, "-c", HELD, str(source), str(out), str(started), str(release)],
        cwd=Path.cwd(),
    )
    deadline = time.monotonic() + 60
    while not started.exists():
        assert process.poll() is None, "the first batch ended before holding the folder"
        assert time.monotonic() < deadline, "the first batch never started"
        time.sleep(0.02)
    return process, release


def _summary(out: Path) -> list[str]:
    rows = json.loads((out / "portfolio-summary.json").read_text(encoding="utf-8"))
    return [row["name"] for row in rows]


def test_a_second_batch_into_the_same_folder_is_refused_until_the_first_ends(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    first, release = _held(tmp_path, out)
    try:
        second = _batch(tmp_path / "b.json", "B1")
        before = sorted(p.name for p in out.iterdir())
        assert main(["batch", str(second), "--out-dir", str(out)]) == 1
        stdout, stderr = capsys.readouterr()
        assert stdout == ""
        assert stderr.splitlines() == [
            f"crmroi: error: {out}: another batch (process {first.pid}) is writing into this "
            "folder; wait for it to end or choose another --out-dir"
        ]
        assert sorted(p.name for p in out.iterdir()) == before  # nothing written by it
        assert (out / LOCK_NAME).read_text(encoding="ascii").strip() == str(first.pid)
    finally:
        release.touch()
        assert first.wait(timeout=60) == 0
    assert _summary(out) == ["A1", "A2"]  # the first batch's own summary
    assert not (out / LOCK_NAME).exists()
    assert main(["batch", str(second), "--out-dir", str(out)]) == 0  # the folder is free
    assert _summary(out) == ["B1"]


def test_a_killed_batch_does_not_block_the_next_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first, _ = _held(tmp_path, out)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=60)
    assert (out / LOCK_NAME).read_text(encoding="ascii").strip() == str(first.pid)  # left
    report = batch_export(_batch(tmp_path / "b.json", "B1"), out)
    assert [e.status for e in report.entries] == ["ok"] and _summary(out) == ["B1"]
    assert not (out / LOCK_NAME).exists()


@pytest.mark.parametrize("stop", [KeyboardInterrupt, RuntimeError])
def test_the_folder_is_released_on_an_error_and_on_ctrl_c(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop: type[BaseException]
) -> None:
    out, source = tmp_path / "out", _batch(tmp_path / "b.json", "B1")

    def broken(*args: Any, **kwargs: Any) -> None:
        raise stop

    with monkeypatch.context() as patched:
        patched.setattr(batch_module._Run, "go", broken)
        with pytest.raises(stop):
            batch_export(source, out)
    assert not (out / LOCK_NAME).exists()
    assert batch_export(source, out).entries[0].status == "ok"


def test_the_refusal_in_french_and_a_lock_file_that_is_a_link(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with batch_lock(out), pytest.raises(CrmRoiError) as refused:
        batch_export(_batch(tmp_path / "b.json", "B1"), out, lang="fr")
    assert refused.value.message == (
        f"{out}: un autre lot (processus {os.getpid()}) écrit dans ce dossier ; attendez "
        "qu'il se termine ou choisissez un autre --out-dir"
    )
    assert refused.value.reason == "batch_locked"
    precious = tmp_path / "precious.txt"
    precious.write_text("keep", encoding="utf-8")
    (out / LOCK_NAME).symlink_to(precious)
    with pytest.raises(CrmRoiError, match="cannot create the batch's lock file"):
        batch_export(_batch(tmp_path / "b.json", "B1"), out)
    assert precious.read_text(encoding="utf-8") == "keep"
