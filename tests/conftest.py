"""Shared test set-up.

xlwings chooses its UDF machinery at import time: with ``XLWINGS_ON_SERVER``
set it uses the Office.js call path (xlwings Lite and Server), which runs on
Linux and is how the Excel functions are tested. The noncommercial licence key
is for tests only (see the README on licences).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
# The built kinds of workbook go to a cache of this session's own (the processes the
# tests start inherit it): never the user's cache, never another session's.
os.environ["CRMROI_CACHE_DIR"] = tempfile.mkdtemp(prefix="crmroi-test-cache-")

from crmroi_xl import export_workbook, load_scenario
from tests.uno_session import UnoSession

from .examples import CASE_EXAMPLES

atexit.register(shutil.rmtree, os.environ["CRMROI_CACHE_DIR"], ignore_errors=True)


@pytest.fixture(scope="session")
def examples_exported(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Each example of ``examples/`` exported in French and in English, once a session:
    (file name, language) -> the workbook. Tests that edit one work on a copy."""
    folder = tmp_path_factory.mktemp("examples-exported")
    return {
        (example.name, lang): export_workbook(
            load_scenario(example), folder / f"{example.stem}-{lang}.xlsx", lang=lang
        )
        for example in CASE_EXAMPLES  # a workbook each (no options)
        for lang in ("fr", "en")
    }


@pytest.fixture(scope="session")
def uno(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UnoSession]:
    """LibreOffice driven through UNO (``tests/uno_session.py``), started once a session
    and stopped at its end: ``uno.edit(source, edits, target)`` makes a user's edits."""
    session = UnoSession(tmp_path_factory.mktemp("uno"))
    yield session
    session.close()
