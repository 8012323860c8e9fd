"""The package's shape: layers held by import-linter, drawn by the architecture page.

``pyproject.toml`` declares the contracts (``[tool.importlinter]``): the layers from
``crmroi_xl.cli`` down to ``crmroi_xl.finance``, ``crmroi_xl.finance`` needing
nothing but numpy and the standard library, no import cycle between the modules of
a package (type-only imports included). ``lint-imports`` checks them (CI runs it
too); these tests also hold the page that draws them, and the package's size.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

PACKAGE = Path("crmroi_xl")
CONTRACTS = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "importlinter"
]["contracts"]


def _contract(kind: str) -> dict[str, object]:
    (found,) = [c for c in CONTRACTS if c["type"] == kind]
    return found


def test_the_import_contracts_hold() -> None:
    linter = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(linter)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout


def test_the_layers_are_every_subpackage_in_the_pages_order() -> None:
    layers = _contract("layers")["layers"]
    subpackages = {f"crmroi_xl.{p.name}" for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert set(layers) == subpackages  # type: ignore[arg-type]
    page = Path("docs/architecture.md").read_text(encoding="utf-8")
    drawn = page.split("```text\n", 1)[1].split("```", 1)[0]
    assert [line.split()[0] for line in drawn.splitlines()] == layers


def test_finance_imports_numpy_and_the_standard_library_only() -> None:
    """Exhaustive where the contract lists what is forbidden: every import of every
    finance module, at any depth, is numpy, the standard library or the package."""
    foreign = []
    for path in (PACKAGE / "finance").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                roots = [str(node.module).split(".")[0]]
            else:
                continue
            allowed = {"numpy", "crmroi_xl", "__future__"}
            foreign += [f"{path}: {r}" for r in roots if r not in allowed | sys.stdlib_module_names]
    assert foreign == []


def test_the_package_has_at_most_ten_entries_and_no_module_over_700_lines() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "crmroi_xl"], capture_output=True, text=True, check=True
    ).stdout.split()
    top = {Path(name).parts[1] for name in tracked}
    assert len(top) <= 10, sorted(top)
    long = {
        str(path): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 700
    }
    assert long == {}
