"""The public API: a sorted __all__ of names that exist, and the version in one place."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import crmroi_xl

PACKAGE = Path("crmroi_xl")
#: Every module of the package, and udfs.py.
MODULES = [
    *sorted(
        ".".join(
            path.with_suffix("").parts[:-1]
            if path.name == "__init__.py"
            else path.with_suffix("").parts
        )
        for path in PACKAGE.rglob("*.py")
    ),
    "udfs",
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
        "simulate",
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
    """metrics.py, kpis.py and the vectorised variants.py load neither openpyxl, pydantic
    nor xlwings, checked in a fresh interpreter (not by reading the source, which a
    package import would bypass)."""
    code = (
        "import sys, crmroi_xl.finance.metrics, crmroi_xl.finance.kpis, crmroi_xl.finance.rows; "
        "print(sorted(m for m in ('openpyxl', 'pydantic', 'xlwings') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"


def _imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every ``from .module import name`` in a package file (outside
    ``if TYPE_CHECKING:`` blocks)."""
    parts = path.with_suffix("").parts
    package = list(parts[:-1])  # a module's package; an __init__'s is its own folder
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)]
            source = ".".join([*base, node.module] if node.module else base)
            found += [(source, alias.name) for alias in node.names]
    return found


def test_every_name_used_across_modules_is_in_its_all() -> None:
    """A name another module imports is public: in its module's ``__all__``."""
    missing = []
    for path in PACKAGE.rglob("*.py"):
        for source, name in _imports(path):
            try:
                module = importlib.import_module(source)
            except ModuleNotFoundError:
                continue
            if (PACKAGE.parent / f"{source}.{name}".replace(".", "/")).with_suffix(".py").exists():
                continue  # a submodule
            if name not in getattr(module, "__all__", ()):
                missing.append(f"{path}: {name} from {source}")
    assert missing == []


def test_no_private_name_across_modules() -> None:
    """A module never takes another's private name (import cycles: the import-linter
    contracts, ``tests/test_architecture.py``)."""
    private = [
        f"{path}: takes the private {name} from {source}"
        for path in PACKAGE.rglob("*.py")
        for source, name in _imports(path)
        if name.startswith("_") and not name.startswith("__")
    ]
    assert private == []


@pytest.mark.parametrize(
    "module", ["crmroi_xl", "crmroi_xl.finance.metrics", "crmroi_xl.finance.kpis", "udfs"]
)
def test_light_imports(module: str) -> None:
    """The metric functions and the Excel functions load neither openpyxl, lxml nor
    multiprocessing (checked in a fresh interpreter: ``sys.modules`` tells)."""
    heavy = ["openpyxl", "lxml", "multiprocessing", "concurrent.futures.process"]
    code = f"import sys, {module}; print([m for m in {heavy!r} if m in sys.modules])"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"
