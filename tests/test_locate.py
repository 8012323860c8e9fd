"""The reader finds each input through the workbook's names and headers (issue 20 item 1).

The edits here are made with openpyxl (quick); the same edits made in LibreOffice, which
moves names and formulas as a user's edits do, are in ``tests/test_edit_proof.py``.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName

from crmroi_xl import export_workbook, load_scenario, read_workbook
from crmroi_xl.errors import WorkbookError
from crmroi_xl.excel.layout import Layout
from crmroi_xl.excel.locate import header_key

B2B = Path("examples/b2b-150-seats.yaml")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("locate")
    scenario = load_scenario(B2B)
    return {
        lang: export_workbook(scenario, folder / f"{lang}.xlsx", lang=lang)  # type: ignore[arg-type]
        for lang in ("fr", "en")
    }


def test_a_named_input_is_read_where_its_name_points(
    exported: dict[str, Path], tmp_path: Path
) -> None:
    """The horizon moved two rows down (its name with it): read there, not at B6."""
    layout = Layout("en")
    wb = openpyxl.load_workbook(exported["en"])
    ws = wb[layout.sheet_name("assumptions")]
    old = f"B{layout.assumption_row('horizon_years')}"
    ws["D30"] = ws[old].value - 1  # the horizon now in D30
    ws[old] = 9  # what a fixed address would read
    wb.defined_names["In_Horizon"] = DefinedName("In_Horizon", attr_text="'Assumptions'!$D$30")
    wb.save(tmp_path / "moved.xlsx")
    assert read_workbook(tmp_path / "moved.xlsx").assumptions.horizon_years == 4


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            "Benefits: no column 'High (% of the amount, blank\u00a0=\u00a0100%)' in the "
            "table's header row 5 (deleted or renamed?)",
        ),
        (
            "fr",
            "Bénéfices: colonne « Haut (% du montant, vide\u00a0=\u00a0100\u00a0%) » "
            "introuvable sur la ligne d'en-tête 5 du tableau (supprimée ou renommée ?)",
        ),
    ],
)
def test_a_renamed_header_is_refused_naming_the_sheet(
    exported: dict[str, Path], tmp_path: Path, lang: str, expected: str
) -> None:
    layout = Layout(lang)  # type: ignore[arg-type]
    wb = openpyxl.load_workbook(exported[lang])
    table = layout.benefits
    wb[layout.sheet_name("benefits")][f"{table.letter('high')}{table.header_row}"] = "Maxi"
    wb.save(tmp_path / "renamed.xlsx")
    with pytest.raises(WorkbookError) as raised:
        read_workbook(tmp_path / "renamed.xlsx")
    assert str(raised.value) == f"{tmp_path / 'renamed.xlsx'}: {expected}"


def test_a_header_in_the_other_language_or_retyped_is_found(
    exported: dict[str, Path], tmp_path: Path
) -> None:
    """A header retyped with plain spaces, other case, or in English in a French workbook."""
    layout = Layout("fr")
    wb = openpyxl.load_workbook(exported["fr"])
    table = layout.benefits
    ws = wb[layout.sheet_name("benefits")]
    ws[f"{table.letter('high')}{table.header_row}"] = "high (% OF THE AMOUNT, blank = 100%)"
    ws[f"{table.letter('low')}{table.header_row}"] = "bas (% du montant, vide = 100 %)"
    wb.save(tmp_path / "retyped.xlsx")
    assert read_workbook(tmp_path / "retyped.xlsx") == read_workbook(exported["fr"])


def test_a_header_twice_is_refused(exported: dict[str, Path], tmp_path: Path) -> None:
    layout = Layout("en")
    wb = openpyxl.load_workbook(exported["en"])
    table = layout.costs
    ws = wb[layout.sheet_name("costs")]
    ws[f"{table.letter('nature_eff')}{table.header_row}"] = ws[
        f"{table.letter('one_off')}{table.header_row}"
    ].value
    wb.save(tmp_path / "twice.xlsx")
    twice = f"{table.letter('one_off')}, {table.letter('nature_eff')}"
    with pytest.raises(
        WorkbookError,
        match=rf"Costs: column 'One-off' twice in the table's header row 5 \({twice}\)",
    ):
        read_workbook(tmp_path / "twice.xlsx")


def test_a_missing_or_broken_name_is_refused(exported: dict[str, Path], tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(exported["en"])
    del wb.defined_names["In_DiscountRate"]
    wb.defined_names["In_Margin"] = DefinedName("In_Margin", attr_text="#REF!")
    wb.save(tmp_path / "names.xlsx")
    with pytest.raises(WorkbookError) as raised:
        read_workbook(tmp_path / "names.xlsx")
    assert str(raised.value).splitlines() == [
        f"{tmp_path / 'names.xlsx'}: Assumptions: the defined name In_DiscountRate is missing "
        "(deleted or renamed?); it marks Yearly discount rate",
        f"{tmp_path / 'names.xlsx'}: Channels: the defined name In_Margin no longer points to "
        "a range (#REF!): its cells were deleted",
    ]


def test_header_key() -> None:
    assert header_key("Bas (% du montant,\u00a0vide = 100\u00a0%)") == header_key(
        "bas (% DU MONTANT, vide = 100 %)"
    )
