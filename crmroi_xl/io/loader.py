"""Load scenario files (JSON or YAML) into a validated :class:`~crmroi_xl.scenario.model.Scenario`.

Every failure raises :class:`~crmroi_xl.errors.ScenarioError` with one line per
problem naming the file, the field and what is wrong::

    examples/pme.yaml: costs[0].seats: must be >= 0, got -1
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import ScenarioError
from ..scenario.labels import Lang
from ..scenario.messages import echo, format_errors
from ..scenario.model import USER_INPUT, Scenario
from .documents import Kind, load_document

__all__ = [
    "DEMO_SCENARIO",
    "MAX_SCENARIO_BYTES",
    "SUFFIXES",
    "load_scenario",
    "scenario_from_data",
    "scenario_language",
]

#: The demo scenario shipped with the package (the 20-seat SME of examples/).
DEMO_SCENARIO = Path(__file__).parents[1] / "scenario" / "demo.yaml"  # package data

#: Scenario files larger than this are refused before parsing (a real one is a few kB).
MAX_SCENARIO_BYTES = 5 * 1024 * 1024

#: Scenario file suffixes and the kind of document each holds.
SUFFIXES: dict[str, Kind] = {".json": "JSON", ".yaml": "YAML", ".yml": "YAML"}


def load_scenario(
    path: str | Path, *, lang: Lang | None = None, warnings: list[str] | None = None
) -> Scenario:
    """Read and validate a scenario file (``.json``, ``.yaml``, ``.yml``) or a filled workbook.

    Problems are worded in ``lang``, else in the scenario's own ``language``
    when it gives one, else in English (see :func:`scenario_from_data`).
    ``warnings``, when given, receives what a workbook shows that the engine will
    not compute (see :func:`~crmroi_xl.excel.reader.read_workbook`).
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from ..excel.reader import read_workbook  # imported when needed: it loads lxml

        return read_workbook(path, warnings=warnings)  # an empty case too is refused
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise ScenarioError(
            f"{path}: unsupported file type {path.suffix!r}; use .json, .yaml, .yml or .xlsx"
        )
    data = load_document(path, MAX_SCENARIO_BYTES, kind)
    return scenario_from_data(data, source=str(path), lang=lang)


def scenario_language(data: Any) -> Lang | None:
    """The language a scenario's data declares (``assumptions.language``), if any.

    >>> scenario_language({"assumptions": {"language": "fr"}}), scenario_language([])
    ('fr', None)
    """
    assumptions = data.get("assumptions") if isinstance(data, dict) else None
    language = assumptions.get("language") if isinstance(assumptions, dict) else None
    return language if language in ("fr", "en") else None


def scenario_from_data(
    data: Any, *, source: str = "scenario", lang: Lang | None = None
) -> Scenario:
    """Validate parsed data (a dict) into a Scenario; errors name ``source`` and the field.

    Problems are worded in ``lang``; by default in the language the data
    declares (``assumptions.language``), else in English, the language of the
    field names.

    >>> scenario_from_data({"assumptions": {"name": "X", "horizon_years": 12}}, source="x.json")
    Traceback (most recent call last):
    crmroi_xl.errors.ScenarioError: x.json: assumptions.horizon_years: must be <= 10, got 12
    """
    language: Lang = lang or scenario_language(data) or "en"
    if not isinstance(data, dict):
        found = _EMPTY[language] if data is None else echo(data, language)
        raise ScenarioError(f"{source}: {_NOT_A_SCENARIO[language].format(found=found)}")
    try:
        return Scenario.model_validate(data, context=USER_INPUT)
    except ValidationError as error:
        raise ScenarioError(format_errors(error, source, language)) from None


_NOT_A_SCENARIO: dict[str, str] = {
    "fr": "un scénario est une section de champs avec une partie 'assumptions', trouvé {found}",
    "en": "a scenario is a mapping with an 'assumptions' section, got {found}",
}
_EMPTY: dict[str, str] = {"fr": "un fichier vide", "en": "an empty file"}
