"""Gnumeric, a third recalculating engine: every formula cell of an export equals the engine.

Gnumeric follows ISO 29500 more literally than Excel and LibreOffice: ``INDEX`` of a
one-row range with one index reads it as the row (``#REF!``), ``N()`` of a blank
cell is ``#NUM!``, ``ISNUMBER`` of a range inside ``SUMPRODUCT`` is not taken element
by element, and a list validation written with a leading ``=`` is an invalid
expression it drops. The exports avoid all four (``crmroi_xl/excel/formulas.py``),
so the three engines compute every cell alike; these tests recalculate with
``ssconvert --recalc`` and compare each formula cell with the engine's value, as
``tests/test_writer.py`` does with LibreOffice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from crmroi_xl import compute, export_workbook
from crmroi_xl.excel.content import expected_values
from crmroi_xl.excel.workbook import export_layout
from crmroi_xl.scenario.model import Scenario
from tests.spreadsheet import formula_cells, load_values, mismatches, recalculate_gnumeric, same
from tests.strategies import scenarios

from .examples import CASE_EXAMPLES

pytestmark = pytest.mark.slow  # every test here recalculates with Gnumeric

EXAMPLES = CASE_EXAMPLES  # a workbook each (no options)


@pytest.fixture(scope="module")
def exported(examples_exported: dict[tuple[str, str], Path]) -> dict[tuple[str, str], Path]:
    """Each example in French and English (exported once a session)."""
    return examples_exported


@pytest.fixture(scope="module")
def recalculated(
    exported: dict[tuple[str, str], Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[Path, Path]:
    return recalculate_gnumeric(list(exported.values()), tmp_path_factory.mktemp("gnumeric"))


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_formula_cell_matches_gnumeric(
    exported: dict[tuple[str, str], Path],
    recalculated: dict[Path, Path],
    example: Path,
    lang: str,
) -> None:
    path = exported[(example.name, lang)]
    assert sum(1 for _ in formula_cells(path)) > 900
    assert mismatches(path, recalculated[path], "Gnumeric") == []


def test_gnumeric_keeps_every_drop_down(
    exported: dict[tuple[str, str], Path], recalculated: dict[Path, Path]
) -> None:
    """The nine list validations survive Gnumeric's reading (a leading ``=`` made it
    drop them all as invalid expressions)."""
    path = exported[("pme-20-postes.yaml", "en")]
    lists = {
        dv.formula1
        for ws in load_values(recalculated[path], data_only=False).worksheets
        for dv in ws.data_validations.dataValidation
        if dv.type == "list"
    }
    assert {"List_Cases", "List_CostCategories", "List_YesNo", "List_Units"} <= lists


def _switched(path: Path, scenario: Scenario, case: str) -> Path:
    layout = export_layout(scenario)
    wb = openpyxl.load_workbook(path)
    wb[layout.sheet_name("sensitivity")][layout.sensitivity.case_cell] = layout.word(f"case_{case}")
    out = path.with_name(f"{path.stem}-{case}.xlsx")
    wb.save(out)
    return out


@settings(
    max_examples=1,  # nine workbooks a run; each run draws new scenarios
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: slow
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batch=st.lists(scenarios(), min_size=3, max_size=3))
def test_generated_scenarios_in_every_case_match_gnumeric(
    batch: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Generated scenarios, as exported and switched to the pessimistic and the optimistic
    case: every formula cell is the engine's value of that case."""
    folder = tmp_path_factory.mktemp("generated")
    cases: dict[Path, tuple[Scenario, str]] = {}
    for n, data in enumerate(batch):
        scenario = Scenario.model_validate(data)
        path = export_workbook(scenario, folder / f"g{n}.xlsx")
        cases[path] = (scenario, "base")
        for case in ("pessimistic", "optimistic"):
            cases[_switched(path, scenario, case)] = (scenario, case)
    recalculated = recalculate_gnumeric(list(cases), folder)
    for path, (scenario, case) in cases.items():
        layout = export_layout(scenario)
        expected = expected_values(layout, scenario, compute(scenario), case=case)  # type: ignore[arg-type]
        computed = load_values(recalculated[path])
        wrong = [
            (sheet, ref, value, computed[layout.sheet_name(sheet)][ref].value)
            for (sheet, ref), value in expected.items()
            if not same(computed[layout.sheet_name(sheet)][ref].value, value)
        ]
        assert wrong == [], (path.name, case)
