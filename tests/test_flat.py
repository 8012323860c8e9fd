"""The flat format: columns from the model, row <-> scenario round trips, cell reading, errors."""

from __future__ import annotations

import re
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from pydantic import BaseModel

from crmroi_xl.errors import CrmRoiError, ScenarioError
from crmroi_xl.excel.package import save_workbook
from crmroi_xl.io.flat import (
    COLUMNS,
    data_from_row,
    flat_columns,
    scenario_from_row,
)
from crmroi_xl.io.flatfiles import read_rows
from crmroi_xl.io.flatwrite import (
    reference_markdown,
    row_from_scenario,
    write_rows,
    write_scenarios,
)
from crmroi_xl.io.loader import DEMO_SCENARIO, load_scenario
from crmroi_xl.scenario.model import (
    Assumptions,
    BenefitLine,
    Channel,
    CostLine,
    CustomerEconomics,
    Kpi,
    Scenario,
)

from .strategies import scenarios

DEMO = load_scenario(DEMO_SCENARIO)
LINE = {"benefit_9_label": "Gains", "benefit_9_category": "cost_reduction"}
MINIMAL = {"name": "PME", "start_year": "2026", **LINE}
ROUND_TRIP = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _csv(tmp_path: Path, text: str, name: str = "scenarios.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the columns ---------------------------------------------------------------------


def test_the_columns_are_the_documented_ones() -> None:
    columns = flat_columns(costs=2, benefits=1, kpis=1, channels=1)
    assert columns[:8] == [
        "name",
        "currency",
        "horizon_years",
        "discount_rate",
        "start_year",
        "language",
        "benefit_risk",
        "cost_risk",
    ]
    assert columns[8:18] == [f"adoption_{i}" for i in range(1, 11)]
    assert columns[18:22] == [
        "distribution",
        "simulation_runs",
        "simulation_seed",
        "workbook_runs",
    ]
    assert columns[22:25] == ["targets_payback_months", "targets_npv", "targets_roi"]
    assert columns[25:27] == ["tax_rate", "go_live_month"]
    assert columns[27:33] == [  # the tornado's ranges of the assumptions (issue 21)
        "discount_rate_low",
        "discount_rate_high",
        "adoption_low",
        "adoption_high",
        "benefit_risk_low",
        "benefit_risk_high",
    ]
    assert columns[33] == "customers_margin_per_customer"
    cost_1 = [c for c in columns if c.startswith("cost_1_")]
    assert cost_1 == [
        "cost_1_label",
        "cost_1_category",
        "cost_1_nature",
        "cost_1_one_off",
        "cost_1_one_off_year",
        "cost_1_driver",
        "cost_1_amount_per_year",
        "cost_1_seats",
        "cost_1_price_per_seat_month",
        *(f"cost_1_seats_by_year_{t}" for t in range(1, 11)),
        "cost_1_hours_per_year",
        "cost_1_hourly_rate",
        "cost_1_annual_increase",
        "cost_1_increase_from_year",
        "cost_1_capitalised",
        "cost_1_depreciation_years",
        "cost_1_from_go_live",
        "cost_1_start_year",  # what every line has, cost or benefit, ends the line
        "cost_1_years",
        "cost_1_low",
        "cost_1_high",
        "cost_1_option",  # the option the line belongs to (crmroi_xl.io.flatoptions)
    ]
    assert columns.index("cost_2_label") == columns.index("cost_1_option") + 1
    assert len(columns) == len(set(columns))


@pytest.mark.parametrize(
    ("model", "pattern"),
    [
        (CostLine, "cost_{n}_{field}"),
        (BenefitLine, "benefit_{n}_{field}"),
        (Kpi, "kpi_{n}_{field}"),
        (Channel, "channel_{n}_{field}"),
        (CustomerEconomics, "customers_{field}"),
        (Assumptions, "{field}"),
    ],
)
def test_every_model_field_has_a_column_and_a_line_in_the_docs(
    model: type[BaseModel], pattern: str
) -> None:
    columns = set(flat_columns(costs=3, benefits=3, kpis=3, channels=3))
    docs = Path("docs/batch.md").read_text(encoding="utf-8")
    for field in model.model_fields:
        if field == "adoption":
            assert {f"adoption_{i}" for i in range(1, 11)} <= columns
            assert "`adoption_1` … `adoption_10`" in docs
            continue
        if field == "seats_by_year":  # a list of each line: one column a year
            assert {f"cost_{n}_seats_by_year_{t}" for n in (1, 3) for t in (1, 10)} <= columns
            assert "`cost_N_seats_by_year_1` … `_10`" in docs
            continue
        if field == "targets":  # a nested record: one column a field of it
            for key in ("payback_months", "npv", "roi"):
                assert f"targets_{key}" in columns and f"`targets_{key}`" in docs
            continue
        for n in (1, 3):
            assert pattern.format(n=n, field=field) in columns
        assert f"`{pattern.format(n='N', field=field)}`" in docs


def test_the_column_reference_in_the_docs_is_the_generated_one() -> None:
    docs = Path("docs/batch.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- columns:start -->\n(.*?)<!-- columns:end -->", docs, re.DOTALL)
    assert block is not None, "docs/batch.md lost its column reference markers"
    assert block.group(1).strip() == reference_markdown().strip(), (
        "regenerate: python -c 'from crmroi_xl.io.flatwrite import reference_markdown as r; print(r())'"
    )


def test_the_reference_says_which_columns_are_required_or_derived() -> None:
    rows = {line.split(" | ")[0]: line for line in reference_markdown().splitlines()}
    assert "**required**" in rows["| `name`"]
    assert "**required**" in rows["| `cost_N_label`"]
    assert "from the other columns" in rows["| `cost_N_nature`"]
    assert "from the other columns" in rows["| `kpi_N_unit`"]
    assert "one of `direct`, `indirect`" in rows["| `cost_N_nature`"]
    assert "number, 0 to 1" in rows["| `discount_rate`"]
    assert "number ≥ 0" in rows["| `customers_acquisition_spend`"]


# --- round trips ---------------------------------------------------------------------


@given(scenarios())
@ROUND_TRIP
def test_row_round_trip(data: dict[str, Any]) -> None:
    scenario = Scenario.model_validate(data)
    assert scenario_from_row(row_from_scenario(scenario)) == scenario


@given(scenarios())
@ROUND_TRIP
def test_csv_round_trip(data: dict[str, Any]) -> None:
    scenario = Scenario.model_validate(data)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_scenarios([scenario, scenario], Path(tmp) / "s.csv")
        rows = read_rows(path)
    assert [row.number for row in rows] == [2, 3]
    assert rows[1].scenario("s.csv: row 3") == scenario


@given(scenarios())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_xlsx_round_trip(data: dict[str, Any]) -> None:
    scenario = Scenario.model_validate(data)
    with tempfile.TemporaryDirectory() as tmp:
        rows = read_rows(write_scenarios([scenario], Path(tmp) / "s.xlsx"))
    assert rows[0].scenario("s.xlsx: row 2") == scenario


def test_the_demo_row_writes_what_a_user_would_type() -> None:
    row = row_from_scenario(DEMO)
    assert row["name"] == "PME 20 postes" and row["start_year"] == 2026
    assert [row[f"adoption_{i}"] for i in (1, 2, 3)] == [0.6, 0.9, 1.0]
    assert "adoption_4" not in row
    assert row["cost_1_seats"] == 20 and row["cost_1_price_per_seat_month"] == 50
    assert "cost_1_amount_per_year" not in row  # defaults (0) are left blank
    assert row["cost_4_nature"] == "indirect" and row["benefit_4_include_in_roi"] is False
    assert row["kpi_3_kind"] == "resolution_time" and row["kpi_3_after"] == 18
    assert "channel_1_name" not in row


# --- reading cells --------------------------------------------------------------------


def test_an_error_names_the_file_row_and_column(tmp_path: Path) -> None:
    demo = row_from_scenario(DEMO)
    rows = [dict(demo, name=f"Agence {i}") for i in range(12)]
    rows[10]["cost_2_seats"] = -3  # the 11th scenario: row 12 under the header
    rows[10]["cost_2_one_off"] = None
    rows[10]["cost_2_price_per_seat_month"] = 10
    path = write_rows(rows, tmp_path / "scenarios.csv")
    read = read_rows(path)
    assert read[10].number == 12
    with pytest.raises(ScenarioError) as raised:
        read[10].scenario(f"{path.name}: row 12")
    assert raised.value.message == "scenarios.csv: row 12: cost_2_seats: doit être >= 0, trouvé -3"
    with pytest.raises(ScenarioError) as raised:  # the demo is French; asked in English:
        read[10].scenario(f"{path.name}: row 12", "en")
    assert raised.value.message == "scenarios.csv: row 12: cost_2_seats: must be >= 0, got -3"
    assert read[9].scenario("row 11").name == "Agence 9"


def test_every_problem_of_a_row_is_one_line() -> None:
    row = {
        **MINIMAL,
        "horizon_years": "12",
        "cost_1_label": "CRM",
        "cost_1_category": "licence",
        "benefit_2_label": "Ventes",
        "benefit_2_category": "incremental_revenue",
        "benefit_2_amount_per_year": 1000,
        "benefit_2_seats_typo": 1,
    }
    with pytest.raises(
        ScenarioError, match=r"row 5: unknown column: benefit_2_seats_typo; the columns"
    ):
        scenario_from_row(row, source="s.csv: row 5")
    del row["benefit_2_seats_typo"]
    row["benefit_2_gross_margin"] = "120 %"
    with pytest.raises(ScenarioError) as raised:
        scenario_from_row(row, source="s.csv: row 5")
    lines = raised.value.message.splitlines()
    assert lines[0] == "s.csv: row 5: horizon_years: must be <= 10, got 12"
    assert lines[1].startswith("s.csv: row 5: cost_1_category: must be one of licences, ")
    assert lines[1].endswith("got 'licence'; did you mean licences?")
    # the second benefit line is the first of the list: its column keeps its number
    assert lines[2] == "s.csv: row 5: benefit_2_gross_margin: must be <= 1, got 1.2"
    assert len(lines) == 3


def test_a_rule_across_columns_names_the_line() -> None:
    row = {
        **MINIMAL,
        "cost_1_label": "CRM",
        "cost_1_category": "licences",
        "cost_1_amount_per_year": "1000",
        "cost_1_seats": "20",
    }
    with pytest.raises(ScenarioError) as raised:
        scenario_from_row(row, source="row 2")
    assert raised.value.message.startswith(
        "row 2: cost_1: the driver is 'amount' but seats (driver 'seats') is given"
    )


def test_customers_columns_are_all_or_nothing() -> None:
    assert scenario_from_row(dict(MINIMAL, customers_clv_years="")).customers is None
    with pytest.raises(ScenarioError) as raised:
        scenario_from_row(dict(MINIMAL, customers_margin_per_customer="1200"), source="row 2")
    assert raised.value.message == "row 2: customers_retention_rate: required, missing"


def test_unknown_and_repeated_columns_fail_the_whole_file(tmp_path: Path) -> None:
    path = _csv(tmp_path, "name,cost_1_seat,colour,Name,cost_201_label\nA,1,red,B,x\n")
    with pytest.raises(ScenarioError) as raised:
        read_rows(path)
    assert raised.value.message.splitlines() == [
        f"{path}: unknown columns: cost_1_seat (did you mean cost_1_seats?), colour, "
        "cost_201_label (lines are numbered 1 to 200); the columns are listed in docs/batch.md",
        f"{path}: column given twice: name",
    ]


@pytest.mark.parametrize(
    ("cell", "comma", "expected"),
    [
        ("0.1", False, 0.1),
        ("10 %", False, 0.1),
        ("12,5%", True, 0.125),
        ("0,08", True, 0.08),
        ("1 000,50", True, 1000.5),
        ("1\u202f000", False, 1000),
        ("  7  ", False, 7),
        ("1e3", False, 1000.0),
    ],
)
def test_numbers_as_people_type_them(cell: str, comma: bool, expected: float) -> None:
    data = data_from_row({"name": "A", "customers_margin_per_customer": cell}, decimal_comma=comma)
    value = data["customers"]["margin_per_customer"]
    assert value == expected and type(value) is type(expected)


def test_a_decimal_comma_in_a_comma_separated_file_is_refused(tmp_path: Path) -> None:
    path = _csv(tmp_path, 'name,start_year,discount_rate\nA,2026,"0,1"\n')
    with pytest.raises(ScenarioError) as raised:
        read_rows(path)[0].scenario("s.csv: row 2")
    assert raised.value.message == "s.csv: row 2: discount_rate: must be a number, got '0,1'"


def test_semicolon_files_take_decimal_commas_and_yes_no_in_french(tmp_path: Path) -> None:
    text = (
        "name;start_year;discount_rate;benefit_1_label;benefit_1_category;"
        "benefit_1_amount_per_year;benefit_1_include_in_roi\n"
        "Agence;2026;8 %;Image;intangible;1 500,5;Oui\n"
    )
    scenario = read_rows(_csv(tmp_path, text))[0].scenario("row 2")
    assert scenario.assumptions.discount_rate == 0.08
    assert scenario.benefits[0].amount_per_year == 1500.5
    assert scenario.benefits[0].include_in_roi is True


@pytest.mark.parametrize("cell", ["1.234", "12.345", "-1.234", "1.234 %", "999.000"])
def test_a_thousands_dot_in_a_decimal_comma_file_is_ambiguous_and_refused(
    tmp_path: Path, cell: str
) -> None:
    """German, Italian, Spanish and Dutch Excel write one thousand two hundred and
    thirty-four as ``1.234`` in a ``;`` file; it was read as 1.234."""
    text = (
        "name;language;benefit_1_label;benefit_1_category;benefit_1_amount_per_year\n"
        "A;;Gain;cost_reduction;500\n"
        f"B;;Gain;cost_reduction;{cell}\n"
        f"C;fr;Gain;cost_reduction;{cell}\n"
    )
    path = _csv(tmp_path, text)
    rows = read_rows(path)
    assert rows[0].scenario(f"{path}: row 2").benefits[0].amount_per_year == 500
    whole, decimal = cell.replace(".", ""), cell.replace(".", ",")
    with pytest.raises(ScenarioError) as raised:
        rows[1].scenario(f"{path}: row 3")
    assert raised.value.message == (
        f"{path}: row 3: benefit_1_amount_per_year: '{cell}' is ambiguous with decimal "
        "commas (a dot separates thousands in German, Italian, Spanish or Dutch Excel): "
        f"write {whole} for a whole number, {decimal} for decimals"
    )
    with pytest.raises(ScenarioError) as raised:
        rows[2].scenario(f"{path}: row 4")
    assert raised.value.message == (
        f"{path}: row 4: benefit_1_amount_per_year: '{cell}' est ambigu avec une virgule "
        "décimale (le point sépare les milliers dans Excel en allemand, italien, espagnol "
        f"ou néerlandais) : écrivez {whole} pour un nombre entier, {decimal} pour des "
        "décimales"
    )


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("1234,5", 1234.5), ("1 234,5", 1234.5), ("0,125", 0.125), ("1.5", 1.5), ("0.234", 0.234)],
)
def test_unambiguous_numbers_of_a_decimal_comma_file_are_read(cell: str, expected: float) -> None:
    """A decimal comma, spaces between thousands, and a dot that cannot group thousands
    (``1.5``, ``0.234``) stay accepted; a comma-separated file keeps ``1.234``."""
    row = {"name": "A", "customers_margin_per_customer": cell}
    assert data_from_row(row)["customers"]["margin_per_customer"] == expected
    row = {"name": "A", "customers_margin_per_customer": "1.234"}
    assert data_from_row(row, decimal_comma=False)["customers"]["margin_per_customer"] == 1.234


def test_blank_cells_are_absent_and_text_is_kept_as_typed(tmp_path: Path) -> None:
    text = (
        "name,start_year,horizon_years,cost_1_label,cost_1_category,cost_1_one_off,cost_1_years\n"
        '"  Agence  Nord ",2026,  ,=1+1,licences,500,\n'
        ",,,,,,\n"
        "\n"
        "Sud,2027,,CRM,support,,2\n"
    )
    rows = read_rows(_csv(tmp_path, text))
    assert [row.number for row in rows] == [2, 5]  # blank rows skipped, numbers kept
    first = rows[0].scenario("row 2")
    assert first.name == "  Agence  Nord "
    assert first.assumptions.horizon_years == 3  # blank: the default
    assert first.costs[0].label == "=1+1" and first.costs[0].years is None
    assert rows[1].scenario("row 5").costs[0].years == 2


def test_lines_may_skip_numbers_and_adoption_may_not() -> None:
    scenario = scenario_from_row(
        {**MINIMAL, "kpi_3_kind": "nps", "kpi_3_before": "20", "kpi_3_after": "35"}
    )
    assert [(k.kind, k.after) for k in scenario.kpis] == [("nps", 35.0)]
    with pytest.raises(ScenarioError) as raised:
        scenario_from_row({**MINIMAL, "adoption_1": "0.5", "adoption_3": "1"}, source="row 9")
    assert raised.value.message == (
        "row 9: adoption_2: blank, but adoption_3 is given; fill the values in order"
    )
    with pytest.raises(ScenarioError, match="row 9: adoption: 4 values for a 3-year horizon"):
        scenario_from_row({**MINIMAL, **{f"adoption_{i}": 1 for i in range(1, 5)}}, source="row 9")


def _workbook(tmp_path: Path, rows: list[list[Any]], cached: dict[str, Any] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    values = {(ws.title, ref): v for ref, v in (cached or {}).items()}
    return save_workbook(wb, tmp_path / "scenarios.xlsx", values)


def test_a_worksheet_gives_typed_values_and_computes_arithmetic_formulas(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path,
        [
            ["Name", "start_year", "discount_rate", "cost_1_label", "cost_1_category"],
            ["Nord", 2026, "=0.05*2", 2024, "licences"],
            ["Sud", 2026, "=0.05*3", "CRM", "licences"],
            ["Est", 2026, "=B2/20000", "CRM", "licences"],
        ],
        cached={"C2": 0.1, "C4": 0.1013},  # C3 was never calculated
    )
    rows = read_rows(path)
    nord = rows[0].scenario("row 2")
    assert nord.assumptions.discount_rate == 0.1
    assert nord.costs[0].label == "2024"  # a number in a text column is text
    assert rows[1].scenario("row 3").assumptions.discount_rate == 0.15  # computed here
    with pytest.raises(ScenarioError) as raised:
        rows[2].scenario("scenarios.xlsx: row 4")
    assert raised.value.message == (
        "scenarios.xlsx: row 4: discount_rate: formula =B2/20000 in an input cell: only "
        "numbers, + - * / ^ % and parentheses are computed; type the value"
    )


def test_a_value_under_no_column_name_is_an_error_for_its_row(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path,
        [
            ["name", None, "start_year", "cost_1_label", "cost_1_category"],
            ["A", "oops", 2026, "CRM", "licences"],
            ["B", None, 2026, "CRM", "licences"],
        ],
    )
    rows = read_rows(path)
    with pytest.raises(ScenarioError) as raised:
        rows[0].scenario("row 2")
    assert raised.value.message == "row 2: column B: a value ('oops') under no column name"
    assert rows[1].scenario("row 3").name == "B"


def test_text_that_looks_like_a_formula_stays_text_in_a_written_sheet(tmp_path: Path) -> None:
    scenario = DEMO.model_copy(
        update={"assumptions": DEMO.assumptions.model_copy(update={"name": "=HYPERLINK(1)"})}
    )
    path = write_scenarios([scenario], tmp_path / "s.xlsx")
    cell = openpyxl.load_workbook(path)["scenarios"]["A2"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")
    assert read_rows(path)[0].scenario("row 2") == scenario


def test_written_files_are_reproducible(tmp_path: Path) -> None:
    for suffix in (".csv", ".xlsx"):
        a = write_scenarios([DEMO], tmp_path / f"a{suffix}").read_bytes()
        b = write_scenarios([DEMO], tmp_path / f"b{suffix}").read_bytes()
        assert a == b
    assert (tmp_path / "a.csv").read_bytes().startswith("\ufeffname,".encode())


def test_an_empty_sheet_to_fill(tmp_path: Path) -> None:
    path = write_rows([], tmp_path / "to-fill.xlsx", columns=flat_columns(costs=5))
    header = [c.value for c in openpyxl.load_workbook(path).active[1]]  # type: ignore[index]
    assert header[: len(COLUMNS)] == list(COLUMNS) and "cost_5_years" in header
    assert read_rows(path) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("nom,start_year\n".encode("cp1252") + "Société,2026\n".encode("cp1252"), "not UTF-8"),
        (b"", "empty file"),
        (b",,\nA,B,C\n", "row 1 must hold the column names"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(content)
    with pytest.raises(ScenarioError, match=message):
        read_rows(path)


def test_other_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"a flat file is \.csv or \.xlsx, got '\.txt'"):
        read_rows(tmp_path / "s.txt")
    with pytest.raises(ScenarioError, match="no such file"):
        read_rows(tmp_path / "missing.csv")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")  # the words read_workbook uses
    with pytest.raises(ScenarioError, match=r"not an xlsx workbook \(not a zip archive\)"):
        read_rows(tmp_path / "broken.xlsx")


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_scenarios([DEMO], tmp_path / "s.csv")
    before = path.read_bytes()

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("crmroi_xl.excel.files.os.replace", disk_full)
    with pytest.raises(
        CrmRoiError, match=r"s\.csv: cannot be written \(No space left on device\)$"
    ):
        write_scenarios([DEMO, DEMO], path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.csv"]


# --- issue 14, item 11: CSV files that broke the reader --------------------------------


def test_a_csv_cell_over_128_kib_is_one_line_naming_the_row(tmp_path: Path) -> None:
    """The csv module's field limit ended in an internal error."""
    path = _csv(tmp_path, "name,cost_1_label\nA,CRM\nB," + "x" * 200_000 + "\n")
    with pytest.raises(ScenarioError) as raised:
        read_rows(path)
    assert raised.value.message == f"{path}: row 3: a cell of more than 128 KiB"


def test_a_csv_row_wider_than_a_worksheet_is_one_line(tmp_path: Path) -> None:
    """Over 18 278 columns ended in an internal error (no column letter for them)."""
    path = _csv(tmp_path, "name,cost_1_label\nA" + "," * 19_999 + "x\n")
    with pytest.raises(ScenarioError) as raised:
        read_rows(path)
    assert (
        raised.value.message == f"{path}: row 2: 20000 columns, more than the 16384 of a worksheet"
    )


def test_many_unknown_columns_are_counted_not_all_listed(tmp_path: Path) -> None:
    names = ",".join(f"colour{i}" for i in range(5000)) + ",\x1b[31m" + "y" * 100_000
    path = _csv(tmp_path, f"name,{names}\nA\n")
    with pytest.raises(ScenarioError) as raised:
        read_rows(path)
    message = raised.value.message
    assert message.startswith(f"{path}: unknown columns: colour0, colour1, ")
    assert message.endswith(" and 4991 more; the columns are listed in docs/batch.md")
    assert len(message) < 500 and "\x1b" not in message


def test_a_workbook_without_a_worksheet_is_one_clear_line(tmp_path: Path) -> None:
    """Before: an internal error (IndexError) from openpyxl's empty list of worksheets."""
    path = write_scenarios([DEMO], tmp_path / "s.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(tmp_path / "none.xlsx", "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/workbook.xml":
                data = re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", data)
            target.writestr(name, data)
    with pytest.raises(ScenarioError) as raised:
        read_rows(tmp_path / "none.xlsx")
    assert raised.value.message == (
        f"{tmp_path / 'none.xlsx'}: no worksheet in the workbook; put the scenarios on its "
        "first worksheet, with the column names in row 1"
    )


def test_a_date_or_an_error_in_a_cell_is_named(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path,
        [["name", "start_year", "discount_rate"], ["A", datetime(2026, 1, 1), "#DIV/0!"]],
    )
    with pytest.raises(ScenarioError) as raised:
        read_rows(path)[0].scenario("row 2")
    assert raised.value.message.splitlines() == [
        "row 2: start_year: found a date (2026-01-01); type the value as a number or text",
        "row 2: discount_rate: found the error #DIV/0!",
    ]


def test_the_xlsx_read_path_does_not_use_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_scenarios([DEMO], tmp_path / "s.xlsx")

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl.load_workbook called")

    monkeypatch.setattr("openpyxl.load_workbook", refused)
    assert read_rows(path)[0].scenario("row 2") == DEMO


# --- issue 24 item 6: the workbook's drop-down labels are flat input -----------------------

#: Each drop-down list of the workbook and the flat column that takes its values; the
#: case switch (List_Cases) is the workbook's own, not a scenario input.
_LIST_COLUMNS = {
    "List_CostCategories": ("cost_1_category", lambda s: s.costs[0].category),
    "List_IndirectCategories": ("cost_1_category", lambda s: s.costs[0].category),
    "List_Natures": ("cost_1_nature", lambda s: s.costs[0].nature),
    "List_BenefitCategories": ("benefit_1_category", lambda s: s.benefits[0].category),
    "List_YesNo": ("benefit_1_ramp_up", lambda s: "yes" if s.benefits[0].ramp_up else "no"),
    "List_KpiKinds": ("kpi_1_kind", lambda s: s.kpis[0].kind),
    "List_Units": ("kpi_1_unit", lambda s: s.kpis[0].unit),
    "List_Languages": ("language", lambda s: s.assumptions.language),
    "List_ChurnModes": ("benefit_2_churn_mode", lambda s: s.benefits[1].churn_mode),
}
#: A churn line and its KPI, for the list of churn modes.
_CHURN_ROW = {
    "benefit_2_label": "Clients gardés",
    "benefit_2_category": "retention",
    "benefit_2_customers": "100",
    "benefit_2_margin_per_customer": "10",
    "kpi_2_kind": "churn_rate",
    "kpi_2_before": "0.1",
    "kpi_2_after": "0.08",
}
_LIST_ROW = {
    "name": "Listes",
    "cost_1_label": "CRM",
    "cost_1_category": "licences",
    "cost_1_one_off": "1000",
    "benefit_1_label": "Gains",
    "benefit_1_category": "cost_reduction",
    "benefit_1_amount_per_year": "900",
    "kpi_1_kind": "custom",
    "kpi_1_label": "Indicateur",
    "kpi_1_unit": "points",
    "kpi_1_higher_is_better": "yes",
    "kpi_1_before": "0.1",
    "kpi_1_after": "0.2",
}


def test_every_drop_down_list_is_named_here() -> None:
    from crmroi_xl.excel.layout import LISTS

    assert set(LISTS) - set(_LIST_COLUMNS) == {"List_Cases"}


@pytest.mark.parametrize("list_name", sorted(_LIST_COLUMNS))
def test_every_label_of_a_drop_down_reads_in_flat_input(list_name: str) -> None:
    """A batch CSV using the French workbook's own label ``Formation`` was refused with
    ``vouliez-vous dire customisation ?``: every label of every list, in both languages,
    upper or lower case, now reads as the workbook reader reads it."""
    from crmroi_xl.excel.layout import LISTS
    from crmroi_xl.scenario.labels import label

    column, read = _LIST_COLUMNS[list_name]
    for code in LISTS[list_name]:
        for lang in ("fr", "en"):
            for text in (label(code, lang), label(code, lang).upper(), f" {label(code, lang)} "):
                blank = list_name == "List_KpiKinds" and code != "custom"  # its usual unit
                churn = _CHURN_ROW if list_name == "List_ChurnModes" else {}
                scenario = scenario_from_row(
                    {**_LIST_ROW, **churn, **({"kpi_1_unit": ""} if blank else {}), column: text}
                )
                value = read(scenario)
                assert getattr(value, "value", value) == code, (list_name, lang, text)


def test_a_french_batch_csv_with_the_workbooks_labels(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "name;language;cost_1_label;cost_1_category;cost_1_nature;cost_1_one_off;"
        "benefit_1_label;benefit_1_category;benefit_1_amount_per_year;benefit_1_ramp_up\n"
        "PME;fr;Formation des équipes;Formation;Indirect;5000;Gains;Gain de temps;9000;Non\n",
    )
    (row,) = read_rows(path)
    scenario = row.scenario("scenarios.csv: row 2")
    assert (scenario.costs[0].category, scenario.costs[0].nature) == ("training", "indirect")
    assert scenario.benefits[0].category == "time_saved" and not scenario.benefits[0].ramp_up


def test_a_label_of_no_list_still_gets_its_hint() -> None:
    with pytest.raises(ScenarioError, match="did you mean training"):
        scenario_from_row({**_LIST_ROW, "cost_1_category": "trainin"})
