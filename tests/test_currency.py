"""Currencies: one place knows their symbol, placement and name; workbooks and the
console say the scenario's currency, never euros when it is not."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from crmroi_xl import load_scenario
from crmroi_xl.cli.main import main
from crmroi_xl.excel.fast import export_workbook
from crmroi_xl.excel.layout import Layout
from crmroi_xl.scenario.currency import amount, name, unit_symbol
from crmroi_xl.scenario.model import Scenario

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("code", "fr", "en"),
    [
        ("EUR", f"1 234{NBSP}€", "€1,234"),
        ("USD", f"1 234{NBSP}${NBSP}US", "$1,234"),
        ("GBP", f"1 234{NBSP}£", "£1,234"),
        ("CHF", f"1 234{NBSP}CHF", f"CHF{NBSP}1,234"),
        ("SEK", f"1 234{NBSP}SEK", f"SEK{NBSP}1,234"),  # any other ISO code: itself
    ],
)
def test_amounts_as_finance_staff_write_them(code: str, fr: str, en: str) -> None:
    assert amount("1 234", code, "fr") == fr
    assert amount("1,234", code, "en") == en


def test_names_and_units() -> None:
    assert [name(c, "en") for c in ("EUR", "USD", "GBP", "CHF", "NOK")] == [
        "euros",
        "US dollars",
        "pounds sterling",
        "Swiss francs",
        "NOK",
    ]
    assert name("USD", "fr") == "dollars US"
    assert (unit_symbol("USD"), unit_symbol("NOK")) == ("$", None)


def in_currency(path: str, code: str, lang: str = "en") -> Scenario:
    scenario = load_scenario(path)
    assumptions = scenario.assumptions.model_copy(update={"currency": code, "language": lang})
    return scenario.model_copy(update={"assumptions": assumptions})


def _texts(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [
        str(cell.value)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.data_type == "s"
    ]


@pytest.mark.parametrize(
    ("lang", "words", "money"),
    [
        ("en", "Amounts in US dollars", '"$"#,##0;[Red]-"$"#,##0;"–"'),
        (
            "fr",
            "Montants en dollars US",
            f'#,##0"{NBSP}${NBSP}US";[Red]-#,##0"{NBSP}${NBSP}US";"–"',
        ),
    ],
)
def test_a_dollar_workbook_says_dollars_everywhere(
    lang: str, words: str, money: str, tmp_path: Path
) -> None:
    scenario = in_currency("examples/marketing-channels.json", "USD", lang)
    path = export_workbook(scenario, tmp_path / "usd.xlsx")
    texts = _texts(path)
    assert not [t for t in texts if "euro" in t.lower() or "€" in t]
    layout = Layout(lang, currency="USD")  # type: ignore[arg-type]
    wb = openpyxl.load_workbook(path)
    for sheet in ("costs", "benefits", "channels"):
        assert wb[layout.sheet_name(sheet)][layout.note_cell].value.startswith(words)
    assert any(words in t for t in texts if len(t) > 100)  # the guide's conventions
    assert "$" in layout.choices("List_Units")
    costs = wb[layout.sheet_name("costs")]
    assert costs[layout.costs.year_cell(0, 0)].number_format == money


def test_the_console_writes_dollars_with_their_symbol(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "usd.json"
    path.write_text(in_currency("examples/pme-20-postes.yaml", "USD").model_dump_json())
    assert main(["compute", str(path)]) == 0
    out = capsys.readouterr().out
    assert "$106,167" in out and "USD" not in out
