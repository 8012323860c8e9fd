"""The console report: readable at 80 columns (so in any pipe) whatever the horizon,
the currency's symbol, points for percentages, and the defaults that flatter the ROI."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from crmroi_xl import compute, load_scenario
from crmroi_xl.cli.main import main
from crmroi_xl.cli.report import money, render
from crmroi_xl.scenario.labels import Lang
from crmroi_xl.scenario.model import Scenario

LABEL_FRAGMENT = re.compile(r"^[│┃]\s+(?!20\d\d|Total\b)\S")  # a body line not a year's


def printed(scenario: Scenario, lang: Lang, width: int = 80) -> str:
    out = io.StringIO()
    Console(width=width, file=out).print(render(compute(scenario), lang))
    return out.getvalue()


def ten_years(**assumptions: Any) -> Scenario:
    return Scenario.model_validate(
        {
            "assumptions": {"name": "Ten", "horizon_years": 10, "start_year": 2026} | assumptions,
            "costs": [
                {
                    "label": "Licences",
                    "category": "licences",
                    "seats": 150,
                    "price_per_seat_month": 95,
                },
                {"label": "Set-up", "category": "implementation", "one_off": 450_000},
            ],
            "benefits": [
                {
                    "label": "Extra sales",
                    "category": "incremental_revenue",
                    "extra_sales_per_month": 40,
                    "average_deal_value": 2500,
                    "gross_margin": 0.4,
                },
                {"label": "Goodwill", "category": "intangible", "amount_per_year": 20_000},
            ],
        }
    )


def _yearly_body(text: str) -> list[str]:
    """The body lines of the tables whose rows are years (from the header rule to the
    bottom rule)."""
    body: list[str] = []
    table: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("┡"):
            table = []
        elif line.startswith("└") and table is not None:
            if table and re.match(r"^│ 20\d\d", table[0]):
                body += table
            table = None
        elif table is not None:
            table.append(line)
    return body


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("horizon", [1, 5, 10])
def test_every_horizon_reads_at_80_columns(lang: Lang, horizon: int) -> None:
    scenario = ten_years(horizon_years=horizon, language=lang)
    text = printed(scenario, lang)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text  # nothing cut
    results = compute(scenario)
    yearly = _yearly_body(text)
    years = [line for line in yearly if re.match(r"^│ 20\d\d", line)]
    assert len(years) == 2 * (horizon + 1)  # the flows, then their present values
    assert not [line for line in yearly if LABEL_FRAGMENT.match(line)]  # no fake row
    for t, year in enumerate(results.calendar_years):
        row = next(line for line in years if line.startswith(f"│ {year}"))
        cost = f"{results.costs[t]:,.0f}"
        assert (cost if lang == "en" else cost.replace(",", "\u202f")) in row


def test_the_demo_has_no_label_broken_into_a_row(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """'Bénéfices intangibles hors / ROI' used to wrap so 'ROI' read as a row of its own
    (the demo prints in a pipe: 80 columns)."""
    assert main(["demo", "-o", str(tmp_path / "demo.xlsx")]) == 0
    out = capsys.readouterr().out
    stripped = [re.sub(r"[│┃┏┓┗┛━┡┩╇┳┻─┬┴┼└┘┌┐├┤]", " ", line).strip() for line in out.splitlines()]
    assert "ROI" not in stripped
    assert not [line for line in _yearly_body(out) if LABEL_FRAGMENT.match(line)]


def test_channels_at_80_columns_wrap_names_inside_ruled_rows() -> None:
    text = printed(load_scenario("examples/marketing-channels.json"), "fr")
    assert max(len(line) for line in text.splitlines()) <= 80 and "…" not in text
    channels = text.split("Canaux marketing")[1]
    assert "├" in channels  # a rule between rows: a wrapped name stays in its row
    assert "412\u202f000" in channels and "540,0\u202f%" in channels


@pytest.mark.parametrize(
    ("code", "lang", "shown"),
    [
        ("USD", "en", "$595,793"),
        ("USD", "fr", "595\u202f793\u202f$\u202fUS"),
        ("GBP", "en", "£595,793"),
        ("CHF", "fr", "595\u202f793\u202fCHF"),
    ],
)
def test_money_in_its_currency(code: str, lang: Lang, shown: str) -> None:
    assert money(595_793, lang, code) == shown


@pytest.mark.parametrize(("lang", "shown"), [("en", "+1.5 pts ▲"), ("fr", "+1,5 pts ▲")])
def test_a_percentage_kpi_changes_by_points(lang: Lang, shown: str) -> None:
    text = printed(load_scenario("examples/pme-20-postes.yaml"), lang)
    assert shown in text  # lead conversion from 5.0 % to 6.5 %


@pytest.mark.parametrize(
    ("lang", "flag"),
    [("en", "Revenue counted at 100 % margin"), ("fr", "Revenus comptés à 100 % de marge")],
)
def test_revenue_at_the_default_full_margin_is_flagged(lang: Lang, flag: str) -> None:
    """The SME's five extra sales a month count at 100 % margin (no gross margin given)."""
    text = printed(load_scenario("examples/pme-20-postes.yaml"), lang)
    assert flag in text and "Cinq ventes supplémentaires par mois" in text
    assert flag not in printed(ten_years(), lang)  # a margin given: nothing to flag


def test_the_tornado_shows_the_assumptions_in_the_reports_language() -> None:
    """The assumptions' bars (issue 21) read in the report's language, rates in percent;
    shown even when no line has a range (then without the cases)."""
    scenario = load_scenario("examples/pme-20-postes.yaml")  # a French scenario
    text = printed(scenario, "en")
    assert "Discount rate" in text and "Taux d'actualisation" not in text
    assert re.search(r"Discount rate\s+│\s+7\.0%–13\.0%", text)
    data = scenario.model_dump()
    for line in [*data["costs"], *data["benefits"]]:
        line["low"] = line["high"] = 1.0
    flat = printed(Scenario.model_validate(data), "fr")
    assert "Aucune ligne n'a de plage" in flat and "Taux d'actualisation" in flat
