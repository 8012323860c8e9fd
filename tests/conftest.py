"""Shared test set-up.

xlwings chooses its UDF machinery at import time: with ``XLWINGS_ON_SERVER``
set it uses the Office.js call path (xlwings Lite and Server), which runs on
Linux and is how the Excel functions are tested. The noncommercial licence key
is for tests only (see the README on licences).
"""

from __future__ import annotations

import os

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
