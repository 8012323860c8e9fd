"""Exported workbooks: every formula checked by LibreOffice against the engine."""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl.utils import FORMULAE

from crmroi_xl import compute, load_scenario
from crmroi_xl.engine.results import Results
from crmroi_xl.excel.content import expected_values
from crmroi_xl.excel.fast import export_workbook
from crmroi_xl.excel.headline import HEADLINES
from crmroi_xl.excel.layout import Layout
from crmroi_xl.excel.workbook import export_layout
from crmroi_xl.scenario.model import Scenario
from tests.spreadsheet import formula_cells, mismatches, recalculate, same
from tests.strategies import scenarios

from .examples import CASE_EXAMPLES

EXAMPLES = CASE_EXAMPLES  # a workbook each (no options)
FUNCTION = re.compile(r"([A-Z][A-Z0-9_.]*)\(")


@pytest.fixture(scope="module")
def exported(examples_exported: dict[tuple[str, str], Path]) -> dict[tuple[str, str], Path]:
    """Each example in French and English (exported once a session)."""
    return examples_exported


@pytest.fixture(scope="module")
def own_start(exported: dict[tuple[str, str], Path]) -> dict[tuple[str, str], Path]:
    """Each export with its IRR starting point blanked (see ``_without_irr_guess``)."""
    return {key: _without_irr_guess(path) for key, path in exported.items()}


@pytest.fixture(scope="module")
def recalculated(
    exported: dict[tuple[str, str], Path],
    own_start: dict[tuple[str, str], Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[Path, Path]:
    """The exports and their copies without an IRR start, in one LibreOffice call."""
    paths = [*exported.values(), *own_start.values()]
    return recalculate(paths, tmp_path_factory.mktemp("libreoffice"))


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_formula_cell_matches_libreoffice(
    exported: dict[tuple[str, str], Path],
    recalculated: dict[Path, Path],
    example: Path,
    lang: str,
) -> None:
    path = exported[(example.name, lang)]
    assert sum(1 for _ in formula_cells(path)) > 900
    assert mismatches(path, recalculated[path]) == []


def _headline_by_name(path: Path) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path, data_only=True)
    values = {}
    for h in HEADLINES:
        ((sheet, address),) = wb.defined_names[h.name].destinations
        values[h.name] = wb[sheet][address.replace("$", "")].value
    return values


def _expected_headline(results: Results, lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for h in HEADLINES:
        value = h.evaluate(results)[0]
        out[h.name] = "#N/A" if value is None else value
    out["Out_Check"] = "OK"
    return out


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_headline_names_hold_the_engine_results_before_and_after_recalculation(
    exported: dict[tuple[str, str], Path],
    recalculated: dict[Path, Path],
    example: Path,
    lang: str,
) -> None:
    path = exported[(example.name, lang)]
    expected = _expected_headline(compute(load_scenario(example)), lang)
    for values in (_headline_by_name(path), _headline_by_name(recalculated[path])):
        for name, value in expected.items():
            assert same(values[name], value), (name, values[name], value)


def test_undefined_results_are_na_in_the_workbook(exported: dict[tuple[str, str], Path]) -> None:
    values = _headline_by_name(exported[("pme-20-postes.yaml", "fr")])
    assert values["Out_ROAS"] == "#N/A"  # no marketing channel
    assert isinstance(values["Out_ROI"], float)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_cached_values_are_the_engine_values(
    exported: dict[tuple[str, str], Path], example: Path
) -> None:
    scenario = load_scenario(example)
    path = exported[(example.name, "en")]
    layout = export_layout(scenario, "en")  # its capacities, and its live simulation's
    expected = expected_values(layout, scenario, compute(scenario))
    cached = openpyxl.load_workbook(path, data_only=True)
    cells = list(formula_cells(path))
    assert len(cells) == len(expected)
    for sheet, ref, _ in cells:
        key = next(k for k, name in _sheet_names(layout).items() if name == sheet)
        assert same(cached[sheet][ref].value, expected[(key, ref)]), (sheet, ref)


def _sheet_names(layout: Layout) -> dict[str, str]:
    from crmroi_xl.excel.layout import SHEETS

    return {key: layout.sheet_name(key) for key in SHEETS}


@pytest.mark.slow
@settings(
    max_examples=1,  # one soffice call of ten workbooks; each run draws new scenarios
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: soffice is slow
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batch=st.lists(scenarios(), min_size=5, max_size=5))
def test_generated_scenarios_match_libreoffice(
    batch: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("generated")
    paths = [
        export_workbook(Scenario.model_validate(data), folder / f"s{i}.xlsx")
        for i, data in enumerate(batch)
    ]
    blanked = [_without_irr_guess(path) for path in paths]
    recalculated = recalculate(paths + blanked, folder)
    for path in paths:
        assert mismatches(path, recalculated[path]) == []
    for data, path in zip(batch, blanked, strict=True):
        _check_irr_from_excels_own_start(Scenario.model_validate(data), recalculated[path])


def _without_irr_guess(path: Path) -> Path:
    """A copy of an export whose IRR starting point is blank: the spreadsheet's IRR then
    starts from its own 10 %, independently of the engine's IRR."""
    wb = openpyxl.load_workbook(path)
    layout = Layout("fr" if wb.sheetnames[1] == "Synthèse" else "en")
    wb[layout.sheet_name("assumptions")][f"B{layout.irr_guess_row}"] = None
    out = path.with_name(f"{path.stem}-own-start.xlsx")
    wb.save(out)
    return out


def _check_irr_from_excels_own_start(scenario: Scenario, recalculated: Path) -> bool:
    """LibreOffice's IRR from its own start equals the engine's wherever it converges
    (Newton from 10 % gives up on extreme IRRs; the starting point is there for them).
    Returns whether it converged."""
    irr = compute(scenario).irr
    value = _headline_by_name(recalculated)["Out_IRR"]
    if irr is None:
        assert value == "#N/A"
        return False
    if not isinstance(value, float):
        return False
    assert math.isclose(value, irr, rel_tol=1e-9, abs_tol=1e-9), (value, irr)
    return True


@pytest.mark.slow
def test_irr_from_the_spreadsheets_own_start_is_the_engines(
    own_start: dict[tuple[str, str], Path], recalculated: dict[Path, Path]
) -> None:
    converged = [
        _check_irr_from_excels_own_start(
            load_scenario(Path("examples") / name), recalculated[own_start[(name, lang)]]
        )
        for name, lang in own_start
    ]
    assert sum(converged) >= 4  # the examples' IRRs are within reach of a 10 % start


def _functions(formula: str) -> set[str]:
    return set(FUNCTION.findall(formula))


def test_native_formulas_use_only_functions_every_spreadsheet_computes(
    exported: dict[tuple[str, str], Path],
) -> None:
    path = exported[("marketing-channels.json", "fr")]
    used = set().union(*(_functions(f) for _, _, f in formula_cells(path)))
    assert used <= FORMULAE, used - FORMULAE
    assert not any(name.startswith("CRM_") for name in used)
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            assert b"_xlfn." not in archive.read(name), name


@pytest.mark.slow
def test_workbooks_reopen_and_libreoffice_converts_them(
    exported: dict[tuple[str, str], Path], recalculated: dict[Path, Path]
) -> None:
    for path in exported.values():
        wb = openpyxl.load_workbook(path)
        assert wb.sheetnames[:2] in (["Guide", "Synthèse"], ["Guide", "Summary"])
        assert recalculated[path].stat().st_size > 10_000


def test_same_scenario_gives_the_same_bytes(tmp_path: Path) -> None:
    scenario = load_scenario("examples/mid-size-risk-adjusted.yaml")
    first = export_workbook(scenario, tmp_path / "a.xlsx").read_bytes()
    identical = export_workbook(scenario, tmp_path / "b.xlsx").read_bytes() == first
    assert identical


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    scenario = Scenario.model_validate(
        {
            "assumptions": {"name": '=HYPERLINK("http://x")'},
            "costs": [{"label": "+33 1 23", "category": "other", "one_off": 1}],
            "benefits": [
                {
                    "label": "@SUM(A1)",
                    "category": "other" if False else "productivity",
                    "amount_per_year": 5,
                }
            ],
            "channels": [{"name": "-Ads", "spend": 10}],
        }
    )
    path = export_workbook(scenario, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    layout = Layout("fr")
    cells = [
        (layout.sheet_name("assumptions"), "B4", '=HYPERLINK("http://x")'),
        (layout.sheet_name("costs"), layout.costs.cell("label", 0), "+33 1 23"),
        (layout.sheet_name("benefits"), layout.benefits.cell("label", 0), "@SUM(A1)"),
        (layout.sheet_name("channels"), layout.channels.cell("name", 0), "-Ads"),
    ]
    for sheet, ref, text in cells:
        assert wb[sheet][ref].data_type == "s" and wb[sheet][ref].value == text


def test_a_failed_export_leaves_the_existing_file_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"previous work")

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("zipfile.ZipFile.writestr", broken)  # fails in either export path
    with pytest.raises(OSError, match="disk full"):
        export_workbook(load_scenario("examples/pme-20-postes.yaml"), target)
    assert target.read_bytes() == b"previous work"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]


def test_a_scenario_with_more_lines_than_the_template_gets_a_bigger_table(tmp_path: Path) -> None:
    data = {
        "assumptions": {"name": "Big", "horizon_years": 2},
        "costs": [{"label": f"c{i}", "category": "other", "one_off": i} for i in range(40)],
    }
    scenario = Scenario.model_validate(data)
    path = export_workbook(scenario, tmp_path / "big.xlsx")
    values = _headline_by_name(path)
    assert values["Out_Total_Costs"] == sum(range(40))
