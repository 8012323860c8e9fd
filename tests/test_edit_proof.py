"""Issue 20: what a user does to a workbook in LibreOffice never makes a number silently wrong.

Each edit is made in LibreOffice through its scripting interface (``tests/uno_session.py``),
recalculated and saved there; then the workbook's own figures (LibreOffice's values) and
``crmroi``'s reading of the saved file either agree with each other and with what the
user meant (a scenario computed by the engine), or the workbook's master check fails
and the reader refuses or warns, naming what changed. The table of the issue, row by
row, then the workbook's own mistakes (a row inserted and typed, a line cut and pasted,
a sort) and the inputs the reader refuses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crmroi_xl import compute, export_workbook, load_scenario, read_workbook
from crmroi_xl.errors import WorkbookError
from crmroi_xl.excel.layout import CHECKS, Layout
from crmroi_xl.scenario.model import Scenario
from tests.spreadsheet import load_values
from tests.uno_session import Edit, UnoSession

pytestmark = pytest.mark.slow  # LibreOffice

B2B = Path("examples/b2b-150-seats.yaml")  # a seats ramp on its first cost line
LAYOUT = Layout("en")
COSTS, BENEFITS = LAYOUT.costs, LAYOUT.benefits


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(B2B)


@pytest.fixture(scope="module")
def source(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_workbook(scenario, tmp_path_factory.mktemp("edits") / "b2b.xlsx", lang="en")


class Seen:
    """A workbook LibreOffice edited: its NPV, its master check, the failed checks'
    statuses, what ``crmroi`` reads (a scenario or the refusal) and its warnings."""

    def __init__(self, path: Path, invalid: dict[str, list[str]]) -> None:
        wb = load_values(path)
        (sheet, ref), *_ = wb.defined_names["Out_NPV"].destinations
        self.npv = wb[sheet][ref.replace("$", "")].value
        checks = wb["Checks"]
        self.master = checks[f"{LAYOUT.check_col('status')}{LAYOUT.master_check_row}"].value
        self.failed = {
            key: str(checks[LAYOUT.check_cell(key, "status")].value)
            for key, _ in CHECKS
            if checks[LAYOUT.check_cell(key, "passed")].value != 1
        }
        self.invalid = invalid
        self.warnings: list[str] = []
        self.read: Scenario | None = None
        self.refused = ""
        try:
            self.read = read_workbook(path, warnings=self.warnings)
        except WorkbookError as error:
            self.refused = str(error)


def _edit(uno: UnoSession, source: Path, tmp_path: Path, edits: list[Edit]) -> Seen:
    sheets = sorted({str(e["sheet"]) for e in edits})
    unprotected = [{"op": "unprotect", "sheet": sheet} for sheet in sheets]
    edited = uno.edit(source, [*unprotected, *edits], tmp_path / "edited.xlsx")
    return Seen(edited.path, edited.invalid)


def _agree(seen: Seen, intended: Scenario) -> None:
    """Workbook, reader and intent give the same NPV; the master check passes."""
    assert seen.read is not None, seen.refused
    expected = compute(intended).npv
    assert compute(seen.read).npv == pytest.approx(expected, rel=1e-9)
    assert seen.npv == pytest.approx(expected, rel=1e-9)


def _without(scenario: Scenario, **changes: Any) -> Scenario:
    data = scenario.model_dump()
    data.update(changes)
    return Scenario.model_validate(data)


# --- the table ---------------------------------------------------------------------


def test_a_cost_line_with_a_seats_ramp_deleted(
    uno: UnoSession, source: Path, tmp_path: Path, scenario: Scenario
) -> None:
    """Was: the next line took the deleted line's ramp (the ramp sat in a block below)."""
    assert scenario.costs[0].seats_by_year  # the first line has a ramp
    seen = _edit(uno, source, tmp_path, [{"op": "delete_rows", "sheet": "Costs", "row": 6}])
    data = scenario.model_dump()
    _agree(seen, _without(scenario, costs=data["costs"][1:]))


def test_an_empty_row_under_the_costs_deleted(
    uno: UnoSession, source: Path, tmp_path: Path, scenario: Scenario
) -> None:
    """Was: every ramp moved up a line (the reader read the block at a fixed row)."""
    row = LAYOUT.total_label_row(COSTS, 3)  # between the totals and the seats used
    seen = _edit(uno, source, tmp_path, [{"op": "delete_rows", "sheet": "Costs", "row": row}])
    _agree(seen, scenario)
    assert seen.master == "OK", seen.failed


def test_a_notes_column_inserted_after_high_in_costs(
    uno: UnoSession, source: Path, tmp_path: Path, scenario: Scenario
) -> None:
    """Was: the ramps read a year late. The notes column is followed by its headers."""
    column = COSTS.letter("seats_y1")  # just after High
    edits: list[Edit] = [
        {"op": "insert_columns", "sheet": "Costs", "column": column},
        {"op": "set", "sheet": "Costs", "cell": f"{column}{COSTS.header_row}", "value": "Notes"},
        {"op": "set", "sheet": "Costs", "cell": f"{column}6", "value": "ask procurement"},
    ]
    seen = _edit(uno, source, tmp_path, edits)
    _agree(seen, scenario)
    assert seen.read is not None and seen.read.costs == scenario.costs
    assert seen.master == "OK", seen.failed


def test_a_column_inserted_at_c_in_assumptions(
    uno: UnoSession, source: Path, tmp_path: Path
) -> None:
    """Was: adoption read as 0.6 / 1.0 / 0.9 while the workbook computed yet another NPV.
    The adoption row now spans 11 columns: the reader refuses, the master check fails."""
    edits: list[Edit] = [{"op": "insert_columns", "sheet": "Assumptions", "column": "C"}]
    seen = _edit(uno, source, tmp_path, edits)
    assert "Assumptions: the defined name In_Adoption now points to" in seen.refused
    assert seen.master != "OK" and "inputs_in_place" in seen.failed


def test_a_row_inserted_between_the_adoption_headers_and_values(
    uno: UnoSession, source: Path, tmp_path: Path, scenario: Scenario
) -> None:
    """Was: adoption read as 100 %. The reader follows In_Adoption."""
    row = LAYOUT.adoption_row
    seen = _edit(uno, source, tmp_path, [{"op": "insert_rows", "sheet": "Assumptions", "row": row}])
    _agree(seen, scenario)
    assert seen.master == "OK", seen.failed


def test_a_column_inserted_between_low_and_high_in_benefits(
    uno: UnoSession, source: Path, tmp_path: Path, scenario: Scenario
) -> None:
    """Was: every High read as 100 %."""
    column = BENEFITS.letter("high")
    edits: list[Edit] = [{"op": "insert_columns", "sheet": "Benefits", "column": column}]
    seen = _edit(uno, source, tmp_path, edits)
    _agree(seen, scenario)
    assert seen.read is not None and seen.read.benefits == scenario.benefits
    assert seen.master == "OK", seen.failed


def test_the_acquisition_spend_row_deleted_in_channels(
    uno: UnoSession, source: Path, tmp_path: Path
) -> None:
    """Was: 300 new customers read as 300 of spend (CAC 1.5)."""
    row = LAYOUT.customer_row("acquisition_spend")
    seen = _edit(uno, source, tmp_path, [{"op": "delete_rows", "sheet": "Channels", "row": row}])
    assert "Channels: the defined name In_AcqSpend no longer points to a range" in seen.refused
    assert seen.master != "OK"


# --- the workbook's own mistakes --------------------------------------------------------------


def test_a_row_inserted_inside_the_costs_and_typed(
    uno: UnoSession, source: Path, tmp_path: Path
) -> None:
    """Was: the workbook left the new line out, master check OK, the reader counted it."""
    edits: list[Edit] = [
        {"op": "insert_rows", "sheet": "Costs", "row": 7},
        {"op": "set", "sheet": "Costs", "cell": "A7", "value": "Extra support"},
        {"op": "set", "sheet": "Costs", "cell": "B7", "value": "Support"},
        {"op": "set", "sheet": "Costs", "cell": COSTS.cell("amount_per_year", 1), "value": 10000},
    ]
    seen = _edit(uno, source, tmp_path, edits)
    assert seen.master != "OK"
    assert seen.failed["cost_rows"] == "ERROR : row 7"
    assert any("a computed cell typed over or cleared" in w for w in seen.warnings)


def test_a_cost_line_cut_and_pasted_into_a_spare_row(
    uno: UnoSession, source: Path, tmp_path: Path
) -> None:
    """Was: the line counted twice in the base amounts below the table (the Sensitivity
    sheet's base case), master check OK."""
    last = COSTS.check_letter
    edits: list[Edit] = [{"op": "move", "sheet": "Costs", "source": f"A6:{last}6", "target": "A20"}]
    seen = _edit(uno, source, tmp_path, edits)
    assert seen.master != "OK"
    assert seen.failed["cost_rows"] == "ERROR : row 6"


def test_the_cost_lines_sorted(
    uno: UnoSession, source: Path, tmp_path: Path, scenario: Scenario
) -> None:
    """Was: the seats by year stayed on their rows while the lines moved (both wrong).
    They are on the line's own row now and move with it."""
    last = COSTS.row(len(scenario.costs) - 1)
    edits: list[Edit] = [
        {
            "op": "sort",
            "sheet": "Costs",
            "range": f"A{COSTS.first_row}:{COSTS.check_letter}{last}",
            "key": "A",
            "descending": True,
        }
    ]
    seen = _edit(uno, source, tmp_path, edits)
    ordered = sorted(scenario.costs, key=lambda line: line.label, reverse=True)
    assert seen.read is not None and seen.read.costs == ordered
    _agree(seen, scenario)
    assert seen.master == "OK", seen.failed


def test_a_computed_year_typed_over(uno: UnoSession, source: Path, tmp_path: Path) -> None:
    """The workbook computes with the typed value, crmroi from the inputs: both say so."""
    cell = COSTS.year_cell(2, 0)
    seen = _edit(uno, source, tmp_path, [{"op": "set", "sheet": "Costs", "cell": cell, "value": 1}])
    assert "computed_intact" in seen.failed and seen.master != "OK"
    assert any(f"Costs!{cell}: a computed cell typed over" in w for w in seen.warnings)


# --- inputs the reader refuses: the workbook refuses them too ---------------------------------


def test_a_horizon_shorter_than_the_lines(uno: UnoSession, source: Path, tmp_path: Path) -> None:
    """Was: the workbook computed and said OK; the reader refused."""
    cell = f"B{LAYOUT.assumption_row('horizon_years')}"
    seen = _edit(
        uno, source, tmp_path, [{"op": "set", "sheet": "Assumptions", "cell": cell, "value": 1}]
    )
    assert "year 3 is after the 1-year horizon" in seen.refused
    assert "2 values for a 1-year horizon" in seen.refused
    assert seen.master != "OK"
    said = seen.failed["inputs_accepted"]
    assert "year 3 is after the 1-year horizon" in said and "2 values for a 1-year horizon" in said


def test_a_low_above_100_percent(uno: UnoSession, source: Path, tmp_path: Path) -> None:
    """Was: the workbook computed and said OK; the reader refused."""
    cell = COSTS.cell("low", 0)
    seen = _edit(
        uno, source, tmp_path, [{"op": "set", "sheet": "Costs", "cell": cell, "value": 1.2}]
    )
    assert f"Costs!{cell}: must be <= 1, got 1.2" in seen.refused
    assert cell in seen.invalid["Costs"]  # the data validation refuses it
    assert seen.master != "OK"
    assert "must be <= 1" in seen.failed["inputs_accepted"]


def test_a_high_above_1000_percent(uno: UnoSession, source: Path, tmp_path: Path) -> None:
    cell = BENEFITS.cell("high", 0)
    seen = _edit(
        uno, source, tmp_path, [{"op": "set", "sheet": "Benefits", "cell": cell, "value": 12}]
    )
    assert f"Benefits!{cell}: must be <= 10, got 12" in seen.refused
    assert cell in seen.invalid["Benefits"]
    assert "must be <= 10" in seen.failed["inputs_accepted"]


# --- more edits ------------------------------------------------------------------------------


def test_a_benefit_line_deleted(
    uno: UnoSession, source: Path, tmp_path: Path, scenario: Scenario
) -> None:
    """The workbook's headline figures and the reader agree with the intent; its
    Sensitivity sheet loses the line's base amounts (#REF!): the master check fails and
    says to clear a line rather than delete its row."""
    seen = _edit(uno, source, tmp_path, [{"op": "delete_rows", "sheet": "Benefits", "row": 7}])
    data = scenario.model_dump()
    _agree(seen, _without(scenario, benefits=[data["benefits"][0], *data["benefits"][2:]]))
    assert seen.failed["benefit_rows"].startswith("ERROR : rows inserted or deleted inside")


def test_the_benefit_lines_and_the_kpis_sorted(
    uno: UnoSession, source: Path, tmp_path: Path, scenario: Scenario
) -> None:
    benefits = (
        f"A{BENEFITS.first_row}:{BENEFITS.check_letter}{BENEFITS.row(len(scenario.benefits) - 1)}"
    )
    kpis = LAYOUT.kpis
    kpi_range = f"A{kpis.first_row}:{kpis.check_letter}{kpis.row(len(scenario.kpis) - 1)}"
    edits: list[Edit] = [
        {"op": "sort", "sheet": "Benefits", "range": benefits, "key": "A", "descending": True},
        {"op": "sort", "sheet": "KPIs", "range": kpi_range, "key": "A", "descending": True},
    ]
    seen = _edit(uno, source, tmp_path, edits)
    _agree(seen, scenario)
    assert seen.master == "OK", seen.failed


def test_a_cost_line_copied_into_a_spare_row(
    uno: UnoSession, source: Path, tmp_path: Path, scenario: Scenario
) -> None:
    """A whole line copied (formulas with it) is a second line, in both."""
    last = COSTS.check_letter
    target = COSTS.row(len(scenario.costs) + 2)
    edits: list[Edit] = [
        {"op": "copy", "sheet": "Costs", "source": f"A6:{last}6", "target": f"A{target}"}
    ]
    seen = _edit(uno, source, tmp_path, edits)
    data = scenario.model_dump()
    _agree(seen, _without(scenario, costs=[*data["costs"], data["costs"][0]]))
    assert seen.master == "OK", seen.failed


def test_a_column_inserted_in_the_kpis(
    uno: UnoSession, source: Path, tmp_path: Path, scenario: Scenario
) -> None:
    seen = _edit(uno, source, tmp_path, [{"op": "insert_columns", "sheet": "KPIs", "column": "C"}])
    _agree(seen, scenario)
    assert seen.read is not None and seen.read.kpis == scenario.kpis
    assert seen.master == "OK", seen.failed


def test_an_input_column_deleted(uno: UnoSession, source: Path, tmp_path: Path) -> None:
    column = COSTS.letter("high")
    seen = _edit(
        uno, source, tmp_path, [{"op": "delete_columns", "sheet": "Costs", "column": column}]
    )
    assert "Costs: no column 'High (% of the amount, blank\u00a0=\u00a0100%)'" in seen.refused
    assert seen.master != "OK"


def test_a_cost_line_moved_by_cutting_its_row(
    uno: UnoSession, source: Path, tmp_path: Path
) -> None:
    """Rows cut and inserted elsewhere: the line's base amounts stay at its old place;
    the workbook names the row."""
    edits: list[Edit] = [{"op": "move_rows", "sheet": "Costs", "first": 6, "last": 6, "before": 9}]
    seen = _edit(uno, source, tmp_path, edits)
    assert seen.failed["cost_rows"] == "ERROR : row 8"


def test_a_text_typed_in_an_amount(uno: UnoSession, source: Path, tmp_path: Path) -> None:
    cell = COSTS.cell("one_off", 0)
    seen = _edit(
        uno, source, tmp_path, [{"op": "set", "sheet": "Costs", "cell": cell, "value": "abc"}]
    )
    assert f"Costs!{cell}: an amount expected, got 'abc'" in seen.refused
    assert "Costs, One-off: an amount expected" in seen.failed["inputs_accepted"]
