"""Load scenario files (JSON or YAML) into a validated :class:`~crmroi_xl.model.Scenario`.

Every failure raises :class:`~crmroi_xl.errors.ScenarioError` with one line per
problem naming the file, the field and what is wrong::

    examples/pme.yaml: costs[0].seats: must be >= 0, got -1
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import ScenarioError
from .messages import format_errors
from .model import Scenario

__all__ = [
    "DEMO_SCENARIO",
    "MAX_SCENARIO_BYTES",
    "SUFFIXES",
    "load_scenario",
    "scenario_from_data",
]

#: The demo scenario shipped with the package (the 20-seat SME of examples/).
DEMO_SCENARIO = Path(__file__).with_name("demo.yaml")

#: Scenario files larger than this are refused before parsing (a real one is a few kB).
MAX_SCENARIO_BYTES = 5 * 1024 * 1024

SUFFIXES = {".json": "JSON", ".yaml": "YAML", ".yml": "YAML"}


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (``.json``, ``.yaml``, ``.yml``) or a filled workbook."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from .reader import read_workbook  # the reader needs this module: import late

        return read_workbook(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise ScenarioError(
            f"{path}: unsupported file type {path.suffix!r}; use .json, .yaml, .yml or .xlsx"
        )
    try:
        size = path.stat().st_size
        if size > MAX_SCENARIO_BYTES:
            raise ScenarioError(
                f"{path}: {size} bytes, more than the {MAX_SCENARIO_BYTES} a scenario file may have"
            )
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise ScenarioError(f"{path}: not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise ScenarioError(f"{path}: cannot be read ({error.strerror})") from None
    return scenario_from_data(_parse(text, kind, path), source=str(path))


def _parse(text: str, kind: str, path: Path) -> Any:
    try:
        if kind == "JSON":
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as error:
        raise ScenarioError(
            f"{path}: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ScenarioError(f"{path}: invalid YAML{where}: {problem}") from None


def scenario_from_data(data: Any, *, source: str = "scenario") -> Scenario:
    """Validate parsed data (a dict) into a Scenario; errors name ``source`` and the field.

    >>> scenario_from_data({"assumptions": {"name": "X", "horizon_years": 12}}, source="x.json")
    Traceback (most recent call last):
    crmroi_xl.errors.ScenarioError: x.json: assumptions.horizon_years: must be <= 10, got 12
    """
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{source}: a scenario is a mapping with an 'assumptions' section, "
            f"got {type(data).__name__}"
        )
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(format_errors(error, source)) from None
