"""The workbook's IRR after a user's edits: the engine's IRR of the edited file, every time.

A workbook stores the engine's IRR of the exported case as a starting point for
the spreadsheet's ``IRR`` (Newton's method). Edits made the way a user makes
them -- an implementation cost ten times higher, a benefit cut to a twentieth,
another discount rate -- leave that start stale; the workbook must still show
the IRR the engine computes from the same file (its own search locates the
root, see ``crmroi_xl/excel/sheets/checks.py``). Where the flows have several
IRRs, the Checks sheet says so and the IRR shown is one of them.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from crmroi_xl import compute, export_workbook, load_scenario, read_workbook
from crmroi_xl.excel.content import expected_values
from crmroi_xl.excel.layout import Layout
from crmroi_xl.excel.workbook import export_layout
from crmroi_xl.finance.roots import grid_search, npv_at
from crmroi_xl.scenario.labels import label
from tests.spreadsheet import after_edits, load_values, recalculate, recalculate_gnumeric, same

from .examples import CASE_EXAMPLES

pytestmark = pytest.mark.slow  # every test here recalculates with LibreOffice

EXAMPLES = CASE_EXAMPLES  # a workbook each (no options)
#: The amount inputs a user scales (each line's driver uses some of them).
AMOUNTS = (
    "one_off",
    "amount_per_year",
    "price_per_seat_month",
    "hours_per_year",
    "hourly_rate",
    "extra_sales_per_month",
    "average_deal_value",
    "hours_saved_per_year",
    "opportunities_per_year",
    "leads_per_year",
    "customers",
    "margin_per_customer",
)
#: A user's factors: a line dropped, cut, doubled, or an order of magnitude off.
FACTORS = (0.0, 0.05, 0.2, 0.5, 2.0, 5.0, 10.0, 50.0)

edits = st.tuples(
    st.sampled_from(["costs", "benefits"]),
    st.integers(0, 40),  # a line, modulo the scenario's lines
    st.integers(0, 40),  # an amount of it, modulo those it has
    st.sampled_from(FACTORS),
)
workbooks = st.tuples(
    st.sampled_from(EXAMPLES),
    st.sampled_from(["fr", "en"]),
    st.lists(edits, min_size=1, max_size=4),
    st.none() | st.sampled_from([0.0, 0.03, 0.12, 0.25, 0.6]),  # the discount rate
)


def _edit(
    folder: Path, i: int, example: Path, lang: str, changes: list[Any], rate: float | None
) -> Path:
    """Export ``example``, then scale amounts and set the rate in the file, as a user
    would in a spreadsheet (the IRR starts stay as exported)."""
    scenario = load_scenario(example)
    layout = export_layout(scenario, lang)  # type: ignore[arg-type]
    path = export_workbook(scenario, folder / f"{i:02d}-{example.stem}.xlsx", lang=lang)
    wb = openpyxl.load_workbook(path)
    for sheet, line, which, factor in changes:
        table = layout.table(sheet)
        lines = getattr(scenario, sheet)
        ws = wb[layout.sheet_name(sheet)]
        row = line % len(lines)
        present = [
            key
            for key in AMOUNTS
            if key in table.letters
            and isinstance(ws[table.cell(key, row)].value, (int, float))
            and ws[table.cell(key, row)].value > 0
        ]
        if not present:
            continue
        cell = ws[table.cell(present[which % len(present)], row)]
        scaled = cell.value * factor
        cell.value = round(scaled) if isinstance(cell.value, int) else round(scaled, 2)
    if rate is not None:
        wb[layout.sheet_name("assumptions")][f"B{layout.assumption_row('discount_rate')}"] = rate
    wb.save(path)
    return path


def _shown(path: Path, name: str) -> Any:
    wb = load_values(path)
    ((sheet, address),) = wb.defined_names[name].destinations
    return wb[sheet][address.replace("$", "")].value


def _every_cell(edited: Path, recalculated: Path, engine: str, roots: int) -> None:
    """Every formula cell of the edited workbook, as ``engine`` recalculated it, is the
    engine's value for the scenario read back from it -- the IRR search included (the
    IRR itself aside where the flows have several)."""
    scenario = read_workbook(edited)
    layout = export_layout(scenario, scenario.assumptions.language)
    expected = after_edits(layout, expected_values(layout, scenario, compute(scenario)))
    if roots > 1:
        expected.pop(("summary", layout.headline_cell("irr")))
    computed = load_values(recalculated)
    wrong = [
        (sheet, ref, value, computed[layout.sheet_name(sheet)][ref].value)
        for (sheet, ref), value in expected.items()
        if not same(computed[layout.sheet_name(sheet)][ref].value, value)
    ]
    assert wrong == [], (edited.name, engine, wrong[:5])


def _check_irr(edited: Path, recalculated: Path, engine: str) -> str:
    """The spreadsheet's IRR of ``recalculated`` is the engine's of ``edited``, and so is
    every other formula cell; returns what the case was (for the tally)."""
    results = compute(read_workbook(edited))
    shown = _shown(recalculated, "Out_IRR")
    roots = grid_search(np.array(results.net_flow)).roots
    assert _shown(recalculated, "Calc_IrrRoots") == roots, (edited.name, engine)
    _every_cell(edited, recalculated, engine, roots)
    if results.irr is None:
        assert shown == "#N/A", (edited.name, engine, shown)
        return "none"
    assert isinstance(shown, float), (edited.name, engine, shown, results.irr)
    if roots > 1:  # several IRRs, flagged: the one shown is a root all the same
        flows = np.array(results.net_flow)
        scale = float(np.abs(flows / (1 + shown) ** np.arange(len(flows))).sum())
        assert shown > -1 and abs(npv_at(shown, flows)) <= 1e-7 * scale, (edited.name, shown)
        return "several"
    assert math.isclose(shown, results.irr, rel_tol=1e-9, abs_tol=1e-9), (
        edited.name,
        engine,
        shown,
        results.irr,
    )
    return "negative" if results.irr < 0 else "positive"


@settings(
    max_examples=1,  # one soffice call of sixteen workbooks; each run draws new edits
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: soffice is slow
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batch=st.lists(workbooks, min_size=16, max_size=16))
def test_the_irr_after_random_edits_is_the_engines(
    batch: list[Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("edited")
    paths = [_edit(folder, i, *workbook) for i, workbook in enumerate(batch)]
    recalculated = recalculate(paths, folder)
    for path in paths:
        _check_irr(path, recalculated[path], "LibreOffice")


#: Edits that left LibreOffice's IRR at #N/A or below -100 % when it started from the
#: exported IRR (the defect of issue "Excel-grade workbooks", item 4).
STALE_STARTS = [
    ("b2b-150-seats.yaml", "fr", [("costs", 1, 0, 50.0), ("benefits", 0, 0, 0.05)], None),
    ("pme-20-postes.yaml", "en", [("costs", 1, 0, 50.0)], None),
    ("pme-20-postes.yaml", "fr", [("benefits", 0, 0, 0.05), ("benefits", 1, 0, 0.05)], 0.25),
    ("mid-size-risk-adjusted.yaml", "en", [("costs", 0, 0, 10.0)], None),
    ("marketing-channels.json", "fr", [("benefits", 0, 0, 0.2), ("costs", 0, 0, 10.0)], 0.03),
    ("b2b-150-seats.yaml", "en", [("costs", 0, 0, 50.0), ("costs", 2, 0, 10.0)], 0.6),
]


@pytest.fixture(scope="module")
def stale_starts(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("stale")
    return [
        _edit(folder, i, Path("examples") / name, lang, changes, rate)
        for i, (name, lang, changes, rate) in enumerate(STALE_STARTS)
    ]


@pytest.fixture(scope="module")
def two_irrs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second big outlay late in the horizon: the NPV changes sign twice."""
    scenario = load_scenario("examples/pme-20-postes.yaml")
    data = scenario.model_dump(mode="json", exclude_unset=True)
    data["costs"].append(
        {"label": "Remplacement", "category": "other", "one_off": 100_000, "one_off_year": 3}
    )
    edited = type(scenario).model_validate(data)
    flows = np.array(compute(edited).net_flow)
    assert grid_search(flows).roots == 2, flows
    return export_workbook(edited, tmp_path_factory.mktemp("two") / "two.xlsx", lang="en")


@pytest.fixture(scope="module")
def by_libreoffice(
    stale_starts: list[Path], two_irrs: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[Path, Path]:
    """The workbooks above, recalculated by one LibreOffice call."""
    return recalculate([*stale_starts, two_irrs], tmp_path_factory.mktemp("libreoffice"))


def test_stale_starts_in_both_other_engines(
    stale_starts: list[Path], by_libreoffice: dict[Path, Path], tmp_path: Path
) -> None:
    """Edits of every kind (a negative IRR, one near -100 %, a rate changed), each
    recalculated by LibreOffice and Gnumeric: both show the engine's IRR."""
    by_gnumeric = recalculate_gnumeric(stale_starts, tmp_path)
    kinds = set()
    for path in stale_starts:
        kinds.add(_check_irr(path, by_libreoffice[path], "LibreOffice"))
        _check_irr(path, by_gnumeric[path], "Gnumeric")
    assert "negative" in kinds  # the edits reach the IRRs a stale start missed


def test_the_checks_sheet_says_when_the_flows_have_several_irrs(
    two_irrs: Path, by_libreoffice: dict[Path, Path]
) -> None:
    """Where the NPV changes sign twice, the Checks sheet's point to review says so,
    natively."""
    recalculated = by_libreoffice[two_irrs]
    layout = Layout("en")
    wb = load_values(recalculated)
    checks = wb[layout.sheet_name("checks")]
    assert checks[layout.warning_cell("irr_roots", "value")].value == 2
    assert checks[layout.warning_cell("irr_roots", "status")].value == label("review", "en")
    assert _check_irr(two_irrs, recalculated, "LibreOffice") == "several"
