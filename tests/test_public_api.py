"""The public API: a sorted __all__ of names that exist, and the version in one place."""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

import pytest

import crmroi_xl

MODULES = [
    "crmroi_xl",
    "crmroi_xl.metrics",
    "crmroi_xl.kpis",
    "crmroi_xl.errors",
    "crmroi_xl.model",
    "crmroi_xl.engine",
    "crmroi_xl.loader",
    "crmroi_xl.labels",
    "crmroi_xl.batch",
    "crmroi_xl.flat",
    "crmroi_xl.flatwrite",
    "crmroi_xl.documents",
    "crmroi_xl.messages",
    "crmroi_xl.numbers",
    "crmroi_xl.portfolio",
    "crmroi_xl.reader",
    "crmroi_xl.writer",
    "crmroi_xl.skeleton",
]


def _isort_style(name: str) -> tuple[int, str]:
    """Constants, then classes, then functions (ruff's RUF022 order)."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


@pytest.mark.parametrize("name", MODULES)
def test_all_is_sorted_and_every_name_exists(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__all__ == sorted(module.__all__, key=_isort_style)
    for public in module.__all__:
        assert hasattr(module, public), f"{name}.{public}"


def test_the_design_contract_names_are_public() -> None:
    for name in [
        "Scenario",
        "compute",
        "load_scenario",
        "roi",
        "roas",
        "npv",
        "irr",
        "payback",
        "clv",
        "cac",
    ]:
        assert name in crmroi_xl.__all__


def test_every_error_is_a_crmroi_error_with_an_excel_code() -> None:
    for name in [
        "InputError",
        "CalcError",
        "DivisionByZeroError",
        "NoSolutionError",
        "ScenarioError",
    ]:
        error = getattr(crmroi_xl, name)("message")
        assert isinstance(error, crmroi_xl.CrmRoiError)
        assert error.excel_error.startswith("#")


def test_version_is_read_from_the_package() -> None:
    project = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" in project["dynamic"] and "version" not in project
    assert crmroi_xl.__version__.count(".") == 2


def test_metrics_module_is_pure() -> None:
    """metrics.py and kpis.py import neither openpyxl, pydantic nor xlwings."""
    for path in ["crmroi_xl/metrics.py", "crmroi_xl/kpis.py"]:
        source = Path(path).read_text(encoding="utf-8")
        for heavy in ["openpyxl", "pydantic", "xlwings"]:
            assert f"import {heavy}" not in source and f"from {heavy}" not in source
