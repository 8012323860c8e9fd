"""Edits made in LibreOffice through its scripting interface (UNO), from the tests.

Debian's ``python3-uno`` is importable only by the system's Python, not by the
virtual environment that runs the tests, so the edits are made by a helper
script, ``tests/uno_edit.py`` (which edits it knows, and how they are written),
run by a Python that can ``import uno``: ``$CRMROI_UNO_PYTHON``, else
``/usr/bin/python3``. One helper, and one ``soffice`` under it, serve a whole test
session (LibreOffice takes over a second to start); :class:`UnoSession` talks JSON
to it, one line a request, with a timeout, and stops it (its process group) at
the end. No such Python: the tests skip, or fail when ``CI=true``, as the other
LibreOffice tests do (``tests/spreadsheet.py``). (This module is not called
``uno.py``: the helper would import it instead of LibreOffice's ``uno``.)
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import openpyxl
import pytest

from crmroi_xl.excel.package import save_workbook
from tests.spreadsheet import load_values, soffice

HELPER = Path(__file__).with_name("uno_edit.py")
START_TIMEOUT = 90.0  # seconds: soffice's start
EDIT_TIMEOUT = 180.0  # seconds: one workbook opened, edited, recalculated and saved

#: An edit as ``tests/uno_edit.py`` takes it: ``{"op": "delete_rows", "sheet": ...}``.
Edit = dict[str, Any]


def uno_python() -> str:
    """A Python that can ``import uno``; a failure in CI, a skip elsewhere."""
    python = os.environ.get("CRMROI_UNO_PYTHON", "/usr/bin/python3")
    try:
        found = subprocess.run(
            [python, "-I", "-c", "import uno"], capture_output=True, timeout=60, check=False
        )
        ok = found.returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    if not ok:
        message = (
            f"{python} cannot import uno (LibreOffice's scripting interface): "
            "apt-get install python3-uno, or set CRMROI_UNO_PYTHON"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return python


class Edited(NamedTuple):
    """A workbook LibreOffice edited, recalculated and saved."""

    path: Path
    invalid: dict[str, list[str]]  # sheet -> cells whose data validation refuses the value
    names: dict[str, Any]  # defined name -> what its cell shows (a number, text, "#N/A")


class UnoError(RuntimeError):
    """The helper refused an edit, or LibreOffice failed or timed out."""


class UnoSession:
    """One helper and its soffice; :meth:`edit` a workbook, :meth:`close` at the end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.log = folder / "uno-helper.log"
        self._start()
        self._check_recalculates()

    def _start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [uno_python(), "-I", str(HELPER), "--soffice", soffice()],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                start_new_session=True,  # soffice joins its group: one kill stops both
            )
        ready = self._receive(START_TIMEOUT)
        if not ready.get("ready"):
            self.close()
            raise UnoError(f"LibreOffice did not start: {ready.get('error')}")

    def _receive(self, timeout: float) -> dict[str, Any]:
        """The helper's next answer, within ``timeout`` seconds (else it is stopped)."""
        assert self.process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                self.close()
                raise UnoError(f"LibreOffice gave no answer in {timeout:.0f} s (see {self.log})")
        line = self.process.stdout.readline()
        if not line:
            self.close()
            raise UnoError(f"the UNO helper ended (see {self.log})")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def edit(
        self, source: Path, edits: list[Edit], target: Path, names: Sequence[str] = ()
    ) -> Edited:
        """Open ``source`` in LibreOffice, make ``edits``, recalculate, save ``target``;
        with what the cells of the defined ``names`` show."""
        if self.process.poll() is not None:
            self._start()
        assert self.process.stdin is not None
        request = {
            "source": str(source),
            "target": str(target),
            "edits": edits,
            "names": list(names),
        }
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = self._receive(EDIT_TIMEOUT)
        if not answer.get("ok"):
            raise UnoError(f"{source.name}: {answer.get('error')}")
        return Edited(target, answer["invalid"], answer["names"])

    def _check_recalculates(self) -> None:
        """A canary whose cached value (99) is not its formula's (3) must come back right."""
        wb = openpyxl.Workbook()
        ws = wb.active
        ws["A1"], ws["A2"], ws["A3"] = 1, 2, "=A1+A2"
        canary = save_workbook(wb, self.folder / "canary.xlsx", {(ws.title, "A3"): 99.0})
        edited = self.edit(
            canary, [{"op": "set", "sheet": ws.title, "cell": "A1", "value": 5}], canary
        )
        assert load_values(edited.path).active["A3"].value == 7, "LibreOffice did not recalculate"

    def close(self) -> None:
        """Stop the helper and its soffice: ask, then kill the process group."""
        if self.process.poll() is None:
            try:
                assert self.process.stdin is not None
                self.process.stdin.write(json.dumps({"quit": True}) + "\n")
                self.process.stdin.close()
                self.process.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                pass
        with contextlib.suppress(ProcessLookupError):  # whatever of the group is left
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
