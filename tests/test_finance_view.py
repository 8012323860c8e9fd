"""The finance view (issue 23): after tax, on the books, from the go-live month, churn
that compounds. Expected figures are worked out by hand here, year by year."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pydantic import ValidationError

from crmroi_xl import compute, export_workbook, load_scenario, read_workbook
from crmroi_xl.cli.main import main
from crmroi_xl.excel.layout import Layout
from crmroi_xl.scenario.messages import message
from crmroi_xl.scenario.model import Scenario

EXAMPLE = Path("examples/after-tax-go-live.yaml")


def _npv(rate: float, flows: list[float]) -> float:
    return sum(cf / (1 + rate) ** t for t, cf in enumerate(flows))


def test_the_example_by_hand_year_by_year() -> None:
    """60 seats, go-live in month 5 (year 1 counts 8/12), tax 25 %, a 36 000 set-up
    capitalised over 3 years, churn 12 % -> 10 % on 400 customers at 6 000 of margin."""
    r = compute(load_scenario(EXAMPLE))
    share = (13 - 5) / 12  # 8 months of year 1 after go-live
    licences = [0, 60 * 40 * 12 * share, 28_800, 28_800]  # 19 200 in year 1
    support = [0, 6_000 * share, 6_000, 6_000]  # 4 000 in year 1
    one_offs = [36_000 + 9_000, 0, 0, 0]  # the set-up (capitalised) and the training
    staff = [0, 200 * 50, 0, 0]  # internal staff: not from go-live, year 1 only
    costs = [sum(x) for x in zip(licences, support, one_offs, staff, strict=True)]
    assert costs == pytest.approx([45_000, 33_200, 34_800, 34_800])
    time_saved = [0, 1_200 * 40 * share, 48_000, 48_000]  # 32 000 in year 1
    # churn: 400 x 2 points x 6 000 = 48 000 a year's saved customers; kept customers
    # compound at the new churn (10 %): 1, 1.9, 2.71 years' worth
    churn = [0, 48_000 * 1 * share, 48_000 * 1.9, 48_000 * 2.71]  # 32 000, 91 200, 130 080
    benefits = [a + b for a, b in zip(time_saved, churn, strict=True)]
    assert benefits == pytest.approx([0, 64_000, 139_200, 178_080])
    assert r.costs == pytest.approx(costs) and r.benefits == pytest.approx(benefits)
    net = [-45_000, 30_800, 104_400, 143_280]
    assert r.net_flow == pytest.approx(net)

    # the books: the set-up is cash in year 0, an expense of 12 000 in years 1 to 3
    ebitda = [0 - (45_000 - 36_000), 30_800, 104_400, 143_280]  # -9 000 in year 0
    depreciation = [0, 12_000, 12_000, 12_000]
    ebit = [-9_000, 18_800, 92_400, 131_280]
    tax = [-2_250, 4_700, 23_100, 32_820]  # 25 %; year 0 a tax saving
    net_income = [-6_750, 14_100, 69_300, 98_460]
    assert r.pnl is not None and r.after_tax is not None
    assert r.pnl.ebitda_impact == pytest.approx(ebitda)
    assert r.pnl.depreciation == pytest.approx(depreciation)
    assert r.pnl.ebit_impact == pytest.approx(ebit)
    assert r.pnl.tax == pytest.approx(tax)
    assert r.pnl.net_income_impact == pytest.approx(net_income)

    after = [-42_750, 26_100, 81_300, 110_460]  # net flow - tax
    assert r.after_tax.tax == pytest.approx(tax)
    assert r.after_tax.net_flow == pytest.approx(after)
    assert r.after_tax.cumulative_flow == pytest.approx([-42_750, -16_650, 64_650, 175_110])
    pv = [-42_750, 26_100 / 1.1, 81_300 / 1.21, 110_460 / 1.331]
    assert r.after_tax.present_values == pytest.approx(pv)
    # -42 750 + 23 727.27 + 67 190.08 + 82 990.23
    assert r.after_tax.npv == pytest.approx(131_157.588, abs=0.001)
    assert r.after_tax.roi == pytest.approx((381_280 - 58_370 - 147_800) / 147_800)
    assert r.after_tax.payback == pytest.approx(1 + 16_650 / 81_300)  # within year 2
    assert r.after_tax.payback_months == pytest.approx(12 * (1 + 16_650 / 81_300))
    irr = r.after_tax.irr
    assert irr is not None and abs(_npv(irr, after)) < 1e-6
    assert _npv(irr - 0.001, after) > 0 > _npv(irr + 0.001, after)  # the one root, here

    # the headline keys stay pre-tax; payback from go-live: 4 months after year 1 starts
    assert r.npv == pytest.approx(_npv(0.10, net))
    assert r.payback_months == pytest.approx(12 * (1 + 14_200 / 104_400))  # 13.63 months
    assert r.payback_from_go_live_months == pytest.approx(12 * (1 + 14_200 / 104_400) - 4)


def test_a_depreciation_tax_shield() -> None:
    """A 100 000 asset depreciated straight line over 5 years at a 30 % tax rate: a tax
    shield of 0.30 x 20 000 = 6 000 a year, worth 6 000 x 3.7908 (the 5-year annuity
    factor at 10 % of any present value table) = 22 744.72 today; the project has no
    other flow, so its after-tax NPV is -100 000 + 22 744.72."""
    s = Scenario.model_validate(
        {
            "assumptions": {"name": "Shield", "horizon_years": 5, "tax_rate": 0.3},
            "costs": [
                {
                    "label": "Asset",
                    "category": "infrastructure",
                    "one_off": 100_000,
                    "capitalised": True,
                    "depreciation_years": 5,
                }
            ],
        }
    )
    r = compute(s)
    assert r.after_tax is not None and r.pnl is not None
    assert r.pnl.depreciation == [0, 20_000, 20_000, 20_000, 20_000, 20_000]
    assert r.after_tax.tax == pytest.approx([0, -6_000, -6_000, -6_000, -6_000, -6_000])
    assert r.after_tax.npv == pytest.approx(-100_000 + 6_000 * 3.7908, abs=1.0)
    assert r.after_tax.npv == pytest.approx(-100_000 + 22_744.72, abs=0.01)


@pytest.mark.parametrize(
    ("years", "published"),
    [(10, 1.927e6), (5, 2.335e6), (None, 3.002e6)],
    ids=["10 years", "5 years", "expensed at once"],
)
def test_the_textbook_depreciation_tax_shield(years: int | None, published: float) -> None:
    """Berk & DeMarzo, *Corporate Finance*, ch. 8 (Fundamentals of Capital Budgeting),
    end-of-chapter problem on the present value of a depreciation tax shield, in the
    version with 7.9 million of equipment, a 38 % tax rate and a 9 % cost of capital;
    published answers (e.g. wizedu.com/questions/1131404): straight line over ten years
    from year 1, 1.927 million; over five years, 2.335 million; deducted at once, no
    discounting, 3.002 million. The project has no other flow, so its after-tax NPV is
    the equipment's price less its shield's present value."""
    cost: dict[str, Any] = {"label": "Equipment", "category": "infrastructure"}
    cost |= {"one_off": 7.9e6}
    if years is not None:
        cost |= {"capitalised": True, "depreciation_years": years}
    s = Scenario.model_validate(
        {
            "assumptions": {
                "name": "Shield",
                "horizon_years": 10,
                "discount_rate": 0.09,
                "tax_rate": 0.38,
            },
            "costs": [cost],
        }
    )
    r = compute(s)
    assert r.after_tax is not None
    assert r.after_tax.npv + 7.9e6 == pytest.approx(published, abs=500)  # to the thousand


def test_depreciation_past_the_horizon_is_not_counted() -> None:
    s = Scenario.model_validate(
        {
            "assumptions": {"name": "Short", "horizon_years": 2, "tax_rate": 0.25},
            "costs": [
                {
                    "label": "Set-up",
                    "category": "implementation",
                    "one_off": 40_000,
                    "one_off_year": 1,
                    "capitalised": True,
                    "depreciation_years": 4,
                }
            ],
        }
    )
    pnl = compute(s).pnl
    assert pnl is not None and pnl.depreciation == [0, 0, 10_000]  # from the year after


def _with(data: dict[str, Any], **assumptions: Any) -> Scenario:
    a = {**data["assumptions"], **assumptions}
    return Scenario.model_validate({**data, "assumptions": a})


@pytest.mark.parametrize(
    "path", ["examples/pme-20-postes.yaml", "examples/b2b-150-seats.yaml", str(EXAMPLE)]
)
def test_go_live_in_month_1_is_today(path: str) -> None:
    data = load_scenario(path).model_dump(mode="json")
    data["assumptions"].pop("go_live_month")
    without = compute(Scenario.model_validate(data))
    assert compute(_with(data, go_live_month=1)).model_dump() == without.model_dump()
    assert without.payback_from_go_live_months == without.payback_months  # 0 months in


def test_go_live_in_month_7_halves_year_1_recurring_amounts() -> None:
    data = load_scenario(EXAMPLE).model_dump(mode="json")
    first, seventh = compute(_with(data, go_live_month=1)), compute(_with(data, go_live_month=7))
    for before, after, line in zip(
        first.cost_lines, seventh.cost_lines, load_scenario(EXAMPLE).costs, strict=True
    ):
        halved = 0.5 if line.category in ("licences", "support") else 1.0
        assert after.values[1] == pytest.approx(before.values[1] * halved), line.label
        assert after.values[0] == before.values[0] and after.values[2:] == before.values[2:]
    for before, after in zip(first.benefit_lines, seventh.benefit_lines, strict=True):
        assert after.values[1] == pytest.approx(before.values[1] / 2)
        assert after.values[2:] == before.values[2:]


def test_payback_from_go_live_by_hand() -> None:
    """Set-up 30 000 in year 0; 24 000 of benefits a year from go-live in month 4 (year
    1: 9/12 = 18 000). Cumulative: -30 000, -12 000, +12 000: payback 1.5 years = 18
    months from the start of year 1, 18 - 3 = 15 months from go-live."""
    s = Scenario.model_validate(
        {
            "assumptions": {"name": "Go-live", "horizon_years": 2, "go_live_month": 4},
            "costs": [{"label": "Set-up", "category": "implementation", "one_off": 30_000}],
            "benefits": [
                {"label": "Gains", "category": "cost_reduction", "amount_per_year": 24_000}
            ],
        }
    )
    r = compute(s)
    assert r.benefits == [0, 18_000, 24_000]
    assert r.payback_months == pytest.approx(18)
    assert r.payback_from_go_live_months == pytest.approx(15)


def _churn(mode: str | None, horizon: int = 5) -> Scenario:
    line: dict[str, Any] = {
        "label": "Churn",
        "category": "retention",
        "customers": 1_000,
        "margin_per_customer": 500,
    }
    if mode is not None:
        line["churn_mode"] = mode
    return Scenario.model_validate(
        {
            "assumptions": {"name": "Churn", "horizon_years": horizon, "discount_rate": 0},
            "benefits": [line],
            "kpis": [{"kind": "churn_rate", "before": 0.15, "after": 0.12}],
        }
    )


def test_cumulative_churn_is_a_year_by_year_customer_count() -> None:
    """1 000 customers, churn 15 % -> 12 %: each year the CRM keeps 30 customers who
    would have left; those kept earlier are still customers, and leave at 12 % a year."""
    kept, expected = 0.0, [0.0]
    for _year in range(1, 6):
        survivors = kept * (1 - 0.12)  # last years' kept customers, after this year's churn
        kept = survivors + 1_000 * (0.15 - 0.12)  # plus this year's
        expected.append(kept * 500)
    r = compute(_churn(None))
    assert r.benefits == pytest.approx(expected, rel=1e-12)
    assert expected[1:3] == pytest.approx([15_000, 15_000 + 15_000 * 0.88])
    assert compute(_churn("cumulative")).benefits == r.benefits
    assert compute(_churn("yearly")).benefits == pytest.approx([0] + [15_000] * 5)


def test_churn_mode_on_another_driver_is_refused() -> None:
    with pytest.raises(ValidationError, match="churn_mode applies to the driver"):
        Scenario.model_validate(
            {
                "assumptions": {"name": "x"},
                "benefits": [
                    {
                        "label": "Gains",
                        "category": "cost_reduction",
                        "amount_per_year": 1,
                        "churn_mode": "yearly",
                    }
                ],
            }
        )


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        (
            {"amount_per_year": 5_000, "capitalised": True, "depreciation_years": 3},
            "capitalised_recurring",
        ),
        ({"one_off": 5_000, "capitalised": True}, "depreciation_missing"),
        ({"one_off": 5_000, "depreciation_years": 3}, "depreciation_unused"),
        ({"one_off": 5_000, "capitalised": True, "depreciation_years": 11}, "less_than_equal"),
    ],
)
def test_capitalising_a_recurring_line_is_refused_in_both_languages(
    line: dict[str, Any], kind: str
) -> None:
    data = {
        "assumptions": {"name": "x"},
        "costs": [{"label": "CRM", "category": "licences", **line}],
    }
    with pytest.raises(ValidationError) as caught:
        Scenario.model_validate(data)
    assert [e["type"] for e in caught.value.errors()] == [kind]
    if kind != "less_than_equal":  # pydantic's own, worded like every bound
        french, english = message(kind, "fr"), message(kind, "en")
        assert french != english and "\n" not in french + english


def test_the_cli_says_it_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "assumptions: {name: x}\ncosts:\n  - {label: CRM, category: licences, "
        "amount_per_year: 5000, capitalised: true, depreciation_years: 3}\n",
        encoding="utf-8",
    )
    assert main(["compute", str(path)]) != 0
    err = capsys.readouterr().err
    assert "only a one-off amount can be capitalised" in err and len(err.splitlines()) == 1


def test_json_keys_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compute", "examples/pme-20-postes.yaml", "--json"]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert not {"after_tax", "pnl", "payback_from_go_live_months", "go_live_month"} & set(plain)
    assert main(["compute", str(EXAMPLE), "--json"]) == 0
    taxed = json.loads(capsys.readouterr().out)
    assert set(taxed) - set(plain) == {"after_tax", "pnl", "payback_from_go_live_months"}
    assert set(taxed["pnl"]) == {
        "ebitda_impact",
        "depreciation",
        "ebit_impact",
        "tax",
        "net_income_impact",
    }
    assert taxed["after_tax"]["npv"] == pytest.approx(131_157.588, abs=0.001)
    assert list(taxed)[:7] == ["roi", "roas", "npv", "irr", "payback", "clv", "cac"]


def test_the_report_shows_the_after_tax_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compute", str(EXAMPLE), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "After-tax NPV" in out and "€131,158" in out and "Payback from go-live" in out
    assert main(["compute", "examples/pme-20-postes.yaml", "--lang", "en"]) == 0
    assert "After-tax" not in capsys.readouterr().out


def test_the_workbook_round_trip_carries_every_new_field(tmp_path: Path) -> None:
    scenario = load_scenario(EXAMPLE)
    for lang in ("fr", "en"):
        path = export_workbook(scenario, tmp_path / f"{lang}.xlsx", lang=lang)  # type: ignore[arg-type]
        language = scenario.assumptions.model_copy(update={"language": lang})
        assert read_workbook(path) == scenario.model_copy(update={"assumptions": language})
    yearly = scenario.model_copy(
        update={
            "benefits": [
                b.model_copy(update={"churn_mode": "yearly"}) for b in scenario.benefits[1:]
            ]
        }
    )
    path = export_workbook(yearly, tmp_path / "yearly.xlsx")
    assert read_workbook(path).benefits[0].churn_mode == "yearly"


def _edit(path: Path, lang: str, edits: dict[tuple[str, str], Any]) -> None:
    layout = Layout(lang)  # type: ignore[arg-type]
    wb = openpyxl.load_workbook(path)
    for (sheet, ref), value in edits.items():
        wb[layout.sheet_name(sheet)][ref] = value
    wb.save(path)


def _named(path: Path, name: str) -> Any:
    wb = openpyxl.load_workbook(path, data_only=True)
    ((sheet, address),) = wb.defined_names[name].destinations
    return wb[sheet][address.replace("$", "")].value


@pytest.mark.slow
def test_editing_the_tax_rate_and_a_depreciation_period_in_the_workbook(tmp_path: Path) -> None:
    """A user types another tax rate and depreciation period: LibreOffice's after-tax
    NPV is the engine's on the workbook read back."""
    from tests.spreadsheet import recalculate

    layout = Layout("fr")
    scenario = load_scenario(EXAMPLE)
    paths = []
    for name, edits in (
        ("rate", {("assumptions", f"B{layout.assumption_row('tax_rate')}"): 0.33}),
        ("years", {("costs", layout.costs.cell("depreciation_years", 1)): 5}),
        ("blank", {("assumptions", f"B{layout.assumption_row('tax_rate')}"): None}),
        ("go_live", {("assumptions", f"B{layout.assumption_row('go_live_month')}"): 10}),
    ):
        path = export_workbook(scenario, tmp_path / f"{name}.xlsx", lang="fr")
        _edit(path, "fr", edits)
        paths.append(path)
    done = recalculate(paths, tmp_path / "lo")
    for path in paths:
        read = compute(read_workbook(path))
        spreadsheet = _named(done[path], "Out_NPV_After_Tax")
        if read.after_tax is None:
            assert spreadsheet == "#N/A", path.name
        else:
            assert spreadsheet == pytest.approx(read.after_tax.npv, rel=1e-9), path.name
            assert _named(done[path], "Out_Payback_After_Tax") == pytest.approx(
                read.after_tax.payback, rel=1e-9
            )
        assert _named(done[path], "Out_NPV") == pytest.approx(read.npv, rel=1e-9)
    assert compute(read_workbook(paths[1])).pnl.depreciation[1] == pytest.approx(36_000 / 5)  # type: ignore[union-attr]


def test_examples_json_has_every_after_tax_key() -> None:
    r = compute(load_scenario(EXAMPLE))
    assert r.after_tax is not None
    assert not any(math.isnan(v) for v in r.after_tax.net_flow)
