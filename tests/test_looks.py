"""What a reader of a workbook sees, checked on the pages LibreOffice prints: page
count and width, charts after a horizon changed in the workbook, the currency."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from crmroi_xl import compute, load_scenario
from crmroi_xl.excel.fast import export_workbook
from crmroi_xl.excel.layout import NOTE_ROW, SHEETS, Layout
from crmroi_xl.excel.workbook import write_template
from crmroi_xl.scenario.labels import Lang
from crmroi_xl.scenario.model import Scenario
from tests.spreadsheet import page_scales, pdf_pages, print_pdf, scale_reference

PME = "examples/pme-20-postes.yaml"  # a 3-year case starting in 2026
CHANNELS = "examples/marketing-channels.json"
B2B = "examples/b2b-150-seats.yaml"  # a 5-year case
FOOTER = re.compile(r"^\s*(\S.*?)\s{2,}Page (\d+) (?:of|sur) (\d+)\s*$", re.MULTILINE)


def with_assumptions(path: str, **changes: object) -> Scenario:
    scenario = load_scenario(path)
    assumptions = scenario.assumptions.model_copy(update=changes)
    return scenario.model_copy(update={"assumptions": assumptions})


def with_horizon_typed(path: Path, lang: Lang, horizon: int) -> Path:
    """A copy of an export whose horizon a user changed in the Assumptions sheet (the
    zip edited in place: openpyxl would drop the charts)."""
    return with_number_typed(path, lang, "horizon_years", horizon)


def with_number_typed(path: Path, lang: Lang, field: str, value: float) -> Path:
    """A copy of an export whose number assumption ``field`` a user retyped."""
    layout = Layout(lang)
    ref = f"B{layout.assumption_row(field)}"
    part = f"xl/worksheets/sheet{list(SHEETS).index('assumptions') + 1}.xml"
    suffix = "horizon" if field == "horizon_years" else field
    out = path.with_name(f"{path.stem}-{suffix}-{value}.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == part:
                pattern = rb'(<c r="%s"[^>]*><v>)[0-9.]+(</v>)' % ref.encode()
                data, count = re.subn(pattern, rb"\g<1>%s\g<2>" % str(value).encode(), data)
                assert count == 1
            target.writestr(item, data)
    return out


def with_name_typed(path: Path, lang: Lang, name: str) -> Path:
    """A copy of an export whose scenario name a user retyped (the zip edited in place)."""
    ref = f"B{Layout(lang).assumption_row('name')}"
    part = f"xl/worksheets/sheet{list(SHEETS).index('assumptions') + 1}.xml"
    out = path.with_name(f"{path.stem}-renamed.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == part:
                pattern = rb'(<c r="%s"[^>]*><is><t>)[^<]*(</t>)' % ref.encode()
                data, count = re.subn(pattern, rb"\g<1>%s\g<2>" % name.encode(), data)
                assert count == 1
            target.writestr(item, data)
    return out


def without_first_margin(path: Path) -> Path:
    """A copy of the channels' export whose first channel's margin a user cleared
    (blank = 100 %); openpyxl rewrites it, charts aside."""
    wb = openpyxl.load_workbook(path)
    layout = Layout("en")
    wb[layout.sheet_name("channels")][layout.channels.cell("gross_margin", 0)] = None
    out = path.with_name("no-margin.xlsx")
    wb.save(out)
    return out


Printed = tuple[dict[str, list[str]], dict[str, list[float]]]


@pytest.fixture(scope="module")
def printed(rendered: Printed) -> dict[str, list[str]]:
    """The text of each printed page (see ``rendered``)."""
    return rendered[0]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    """Pages printed by LibreOffice: the SME case in French and English, in US dollars,
    and its English export with the horizon then typed as 5 years, or renamed."""
    folder = tmp_path_factory.mktemp("printed")
    scenario = load_scenario(PME)
    paths = {
        "fr": export_workbook(scenario, folder / "pme-fr.xlsx", lang="fr"),
        "en": export_workbook(scenario, folder / "pme-en.xlsx", lang="en"),
        "usd": export_workbook(
            with_assumptions(PME, currency="USD"), folder / "usd.xlsx", lang="en"
        ),
    }
    paths["horizon 5"] = with_horizon_typed(paths["en"], "en", 5)
    paths["channels"] = export_workbook(
        load_scenario(CHANNELS), folder / "channels.xlsx", lang="en"
    )
    paths["no margin"] = without_first_margin(paths["channels"])
    paths["renamed"] = with_name_typed(paths["en"], "en", "Vendor B")
    paths["cost risk"] = with_number_typed(paths["en"], "en", "cost_risk", 0.1)
    paths["b2b"] = export_workbook(load_scenario(B2B), folder / "b2b.xlsx", lang="fr")
    paths["b2b horizon 7"] = with_horizon_typed(paths["b2b"], "fr", 7)
    paths["template"] = write_template(folder / "template.xlsx", lang="fr")
    reference = scale_reference(folder)
    pdfs = print_pdf([*paths.values(), reference], folder)
    pages = {key: pdf_pages(pdfs[path]) for key, path in paths.items()}
    return pages, {key: page_scales(pdfs[path], pdfs[reference]) for key, path in paths.items()}


def _sheets_by_page(pages: list[str]) -> list[str]:
    """The sheet each page prints (its footer: the sheet's name, then Page i of N)."""
    names = []
    for i, page in enumerate(pages, 1):
        found = FOOTER.findall(page)
        assert len(found) == 1, page[-300:]
        name, number, count = found[0]
        assert (int(number), int(count)) == (i, len(pages))
        names.append(name)
    return names


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_sheet_prints_in_order_the_lists_not(
    printed: dict[str, list[str]], lang: Lang
) -> None:
    """Every sheet but the Lists in workbook order; the Costs table across four pages
    (inputs on three, then totals and years 0 to 10), each page with the labels."""
    layout = Layout(lang)
    names = _sheets_by_page(printed[lang])
    printable = [layout.sheet_name(key) for key in layout.sheet_keys if key != "lists"]
    assert list(dict.fromkeys(names)) == printable
    costs = [
        page
        for name, page in zip(names, printed[lang], strict=True)
        if name == layout.sheet_name("costs")
    ]
    assert len(costs) == 4  # the inputs (seats year by year, the books) on three pages
    total = "Total des coûts" if lang == "fr" else "Total costs"
    assert all(total in page for page in costs)  # the label column on every page
    assert re.search(r"(Year|Année) 10\b", costs[-1])


@pytest.mark.slow
def test_every_printed_page_is_legible(rendered: Printed) -> None:
    """Issue 24 item 3: Costs, Benefits, Sensitivity and the portfolio printed at 35-40 %
    (4 pt text). Every page of every workbook now prints at 60 % or more, measured on the
    PDF LibreOffice prints (Carlito, Calibri's metric twin)."""
    pages, scales = rendered
    for key, found in scales.items():
        names = _sheets_by_page(pages[key])
        small = [
            (name, round(scale, 2)) for name, scale in zip(names, found, strict=True) if scale < 0.6
        ]
        assert small == [], key
    assert min(min(found) for found in scales.values()) < 0.7  # the measure is no constant


def _total_costs_by_year(pages: list[str]) -> list[str]:
    """The French Costs sheet's total line on its years' page: total, present value,
    then years 0 to 10 ("–" for nothing)."""
    costs = [
        page
        for name, page in zip(_sheets_by_page(pages), pages, strict=True)
        if name == Layout("fr").sheet_name("costs")
    ]
    assert all(re.search(rf"Année {t}\b", costs[-1]) for t in range(11))
    line = next(line for line in costs[-1].splitlines() if line.startswith("Total des coûts"))
    return re.findall(r"[0-9][0-9,]* €|–", line)


@pytest.mark.slow
def test_a_horizon_lengthened_in_the_workbook_prints_in_full(
    printed: dict[str, list[str]],
) -> None:
    """A 5-year case, its horizon then typed as 7 in the workbook: the Costs pages show
    years 6 and 7 (they printed years 0 to 5 while their totals included 6 and 7)."""
    five, seven = (_total_costs_by_year(printed[key]) for key in ("b2b", "b2b horizon 7"))
    assert len(five) == len(seven) == 13
    assert five[8:] == ["–"] * 5 and five[2:8] == seven[2:8]
    assert "–" not in seven[8:10] and seven[10:] == ["–"] * 3
    data = load_scenario(B2B).model_dump(mode="json")
    data["assumptions"]["horizon_years"] = 7
    year_7 = compute(Scenario.model_validate(data)).costs[7]  # the engine's
    assert seven[9] == f"{year_7:,.0f} €"


@pytest.mark.slow
def test_charts_show_years_zero_to_a_horizon_changed_in_the_workbook(
    printed: dict[str, list[str]],
) -> None:
    """Horizon 3 exported, 5 typed: the yearly table shows 2026 to 2031 and each of the two
    summary charts labels its axis 2026 to 2031, no later year."""
    layout = Layout("en")
    summary = dict(zip(_sheets_by_page(printed["horizon 5"]), printed["horizon 5"], strict=True))[
        layout.sheet_name("summary")
    ]
    words = summary.split()
    assert [words.count(str(year)) for year in range(2026, 2032)] == [3] * 6  # table + 2 charts
    assert [words.count(str(year)) for year in range(2032, 2037)] == [0] * 5
    # the 3-year export itself: the same charts end in 2029
    summary = _page(printed, "en", "summary")
    assert [summary.split().count(str(year)) for year in (2029, 2030)] == [3, 0]


@pytest.mark.slow
def test_dollars_print_as_dollars(printed: dict[str, list[str]]) -> None:
    text = "\n".join(printed["usd"])
    assert "$106,167" in text  # the NPV
    assert not re.search(r"USD\s?[0-9]|euro|€", text)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_note_under_each_title_has_its_row_to_itself(lang: Lang, tmp_path: Path) -> None:
    """Nothing on a sheet's note row but the note, so no cell clips it ("Timeline
    (years)" used to), and no chart starts above the row under it."""
    path = export_workbook(load_scenario(PME), tmp_path / "x.xlsx", lang=lang)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if ws.sheet_state == "hidden":  # the lists: a header row, no title
            continue
        beside = [c.coordinate for c in ws[NOTE_ROW][1:] if c.value is not None]
        assert beside == [], ws.title
        for chart in ws._charts:
            assert chart.anchor._from.row >= NOTE_ROW, ws.title


def _page(printed: dict[str, list[str]], key: str, sheet: str, lang: Lang = "en") -> str:
    pages = printed[key]
    return dict(zip(_sheets_by_page(pages), pages, strict=True))[Layout(lang).sheet_name(sheet)]


@pytest.mark.slow
def test_the_summary_shows_its_horizon_only_under_a_header(printed: dict[str, list[str]]) -> None:
    summary = _page(printed, "en", "summary")
    assert re.search(r"Result\s+Value\s+What it is", summary)  # the headline block's header
    assert "Within the horizon" not in summary  # a technical row
    # the cumulative net flow: year 3 and the net benefit, not repeated over years 4 to 10
    assert summary.count("€135,409") == 3  # net benefit, final cumulative flow, net flow total
    assert "headline ROI, undiscounted" in summary and "ROI on present values" in summary


@pytest.mark.slow
@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "every year × (1 + cost risk)"), ("fr", "chaque année × (1 + risque sur les coûts)")],
)
def test_the_costs_sheet_says_its_amounts_include_the_cost_risk(
    printed: dict[str, list[str]], lang: Lang, words: str
) -> None:
    """A one-off of 120 000 shows 132 000 in year 0 at a 10 % cost risk: the note says why,
    as the benefits' note says × (1 − benefit risk)."""
    note = " ".join(_page(printed, lang, "costs", lang).split())
    assert words in note


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_percent_kpi_changes_in_points(printed: dict[str, list[str]], lang: Lang) -> None:
    """Retention from 82 % to 86 %: +4.0 pts (LibreOffice's locale gives the decimal mark)."""
    kpis = _page(printed, lang, "kpis", lang)
    retention = next(line for line in kpis.splitlines() if "tention" in line)
    assert re.search(r"\+4[.,]0\s?pts", retention), retention


def _total_line(printed: dict[str, list[str]], key: str) -> str:
    channels = _page(printed, key, "channels")
    return next(line for line in channels.splitlines() if line.strip().startswith("All channels"))


@pytest.mark.slow
def test_the_channels_total_row_has_its_roi_and_cac(printed: dict[str, list[str]]) -> None:
    """Five channels, all at a 45 % margin: 210 000 spent, 806 000 of revenue, 5 850 new
    customers (worked by hand: ROI (362 700 − 210 000) / 210 000 = 72.7 %, CAC 35.90)."""
    line = _total_line(printed, "channels")
    assert "72.7%" in line.split() and "€36" in line.split()
    # the first channel's margin cleared: 100 % on its 412 000, so 412 000 + 45 % of the
    # other 394 000 = 589 300 of margin, ROI (589 300 − 210 000) / 210 000 = 180.6 %
    assert "180.6%" in _total_line(printed, "no margin").split()


@pytest.mark.slow
def test_revenue_at_full_margin_is_a_point_to_review(printed: dict[str, list[str]]) -> None:
    """The SME's extra sales count at 100 % margin: flagged, the master check still OK."""
    checks = _page(printed, "en", "checks")
    flag = next(line for line in checks.splitlines() if "Revenue counted at 100 % margin" in line)
    assert flag.split()[-3:] == ["1", "0", "REVIEW"]
    assert "Master check" in checks and "ERROR" not in checks
    assert "OK" in _page(printed, "en", "summary").split()
    checks = _page(printed, "channels", "checks")  # the channels case gives its margins
    flag = next(line for line in checks.splitlines() if "Revenue counted at 100 % margin" in line)
    assert flag.split()[-3:] == ["0", "1", "OK"]


@pytest.mark.slow
def test_the_irr_start_is_an_advanced_setting_not_an_input(printed: dict[str, list[str]]) -> None:
    assumptions = _page(printed, "en", "assumptions")
    assert "Advanced, optional: starting point of the IRR calculation" in assumptions


def test_one_off_lines_leave_their_amount_per_year_blank(tmp_path: Path) -> None:
    path = export_workbook(load_scenario(PME), tmp_path / "x.xlsx", lang="en")
    costs = openpyxl.load_workbook(path)[Layout("en").sheet_name("costs")]
    table = Layout("en").costs
    one_off = [i for i in range(6) if costs[table.cell("one_off", i)].value]
    assert one_off == [1, 2, 3]
    assert [costs[table.cell("amount_per_year", i)].value for i in one_off] == [None] * 3
    assert costs[table.cell("amount_per_year", 5)].value == 7000  # a yearly amount stays
    irr = openpyxl.load_workbook(path)[Layout("en").sheet_name("assumptions")]
    cell = irr[f"B{Layout('en').irr_guess_row}"]
    assert cell.style == "advanced" and cell.fill.fgColor.rgb != "00FFF2CC"


@pytest.mark.parametrize(
    ("lang", "titles"), [("fr", ["Total", "Valeur actuelle"]), ("en", ["Total", "Present value"])]
)
def test_each_lines_total_and_present_value_have_a_header(
    lang: Lang, titles: list[str], tmp_path: Path
) -> None:
    """Costs and Benefits title their Total and Present value columns (the printout
    showed bare figures there), in the header style of the computed columns."""
    layout = Layout(lang)
    path = export_workbook(
        load_scenario("examples/pme-20-postes.yaml"), tmp_path / "t.xlsx", lang=lang
    )
    wb = openpyxl.load_workbook(path)
    for table in (layout.costs, layout.benefits):
        ws = wb[layout.sheet_name(table.sheet)]
        cells = [ws[f"{table.letter(key)}{table.header_row}"] for key in ("total", "present_value")]
        assert [c.value for c in cells] == titles
        assert {c.style for c in cells} == {"header_calc"}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("en", "CRM ROI summary — PME 20 postes — case: Base"),
        ("fr", "Synthèse du ROI du CRM — PME 20 postes — cas : Base"),
    ],
)
def test_every_printed_page_names_the_scenario(
    printed: dict[str, list[str]], lang: Lang, title: str
) -> None:
    """Issue 24 item 1: vendor A's and vendor B's printouts looked identical. Each page's
    header names the scenario; the Summary's title names it and the case shown."""
    heads = [" ".join(page.strip().splitlines()[:2]) for page in printed[lang]]
    assert [head for head in heads if "PME 20 postes" not in head] == []  # (beside a chart)
    summary = _page(printed, lang, "summary", lang)
    assert title in " ".join(summary.replace("\u00a0", " ").split())


@pytest.mark.slow
def test_the_summary_title_follows_a_name_typed_in_the_workbook(
    printed: dict[str, list[str]],
) -> None:
    summary = " ".join(_page(printed, "renamed", "summary").split())
    assert "CRM ROI summary — Vendor B — case: Base" in summary


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_header_names_the_scenario_the_template_or_the_blank_workbook(
    lang: Lang, tmp_path: Path
) -> None:
    """The header is static text: the scenario's name at export (an ``&`` written twice),
    the template's or the blank workbook's name without a scenario."""
    scenario = with_assumptions(PME, name="Vendor A & B")
    wb = openpyxl.load_workbook(export_workbook(scenario, tmp_path / "x.xlsx", lang=lang))
    assert {ws.oddHeader.center.text for ws in wb.worksheets} == {"Vendor A && B"}
    template = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", lang=lang))
    words = {"fr": "Modèle crmroi-xl", "en": "crmroi-xl template"}[lang]
    assert {words in str(ws.oddHeader.center.text) for ws in template.worksheets} == {True}


def _help_line(summary: str) -> str:
    """The Total costs row as printed: from its title to the next result's (a chart's axis
    labels beside the table may push its help onto the next line of the text)."""
    start = summary.index("Total costs")
    return summary[start : summary.index("Total counted benefits", start)]


@pytest.mark.slow
def test_total_costs_say_risk_adjusted_only_with_a_cost_risk(
    printed: dict[str, list[str]],
) -> None:
    """Issue 24 item 4: "risk-adjusted" showed with no risk set. The SME case has no cost
    risk; typed as 10 % in the workbook, the help says risk-adjusted (a formula)."""
    line = _help_line(_page(printed, "en", "summary"))
    assert "no cost risk set" in line and "risk-adjusted" not in line
    line = _help_line(_page(printed, "cost risk", "summary"))
    assert "risk-adjusted" in line and "no cost risk" not in line


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "words"), [("en", "No marketing channel"), ("fr", "Aucun canal")])
def test_a_case_without_channels_says_so_once(
    printed: dict[str, list[str]], lang: Lang, words: str
) -> None:
    """The SME case has no channel: its total row printed three #N/A."""
    channels = _page(printed, lang, "channels", lang)
    total = next(line for line in channels.splitlines() if words in line)
    assert "#N/A" not in total and "All channels" not in total
    assert channels.count(words) == 1
    summary = _page(printed, lang, "summary", lang)  # Out_ROAS stays #N/A
    assert "#N/A" in next(line for line in summary.splitlines() if "ROAS" in line)


def test_the_seats_of_a_line_with_seats_by_year_are_blank_and_refused(tmp_path: Path) -> None:
    """The Seats cell showed 0 and a number typed there was ignored: blank now, and its
    validation refuses a number while the line's seats are typed year by year."""
    scenario = Scenario.model_validate(
        {
            "assumptions": {"name": "ramp", "horizon_years": 3},
            "costs": [
                {
                    "label": "Licences",
                    "category": "licences",
                    "driver": "seats",
                    "seats_by_year": [10, 20],
                    "price_per_seat_month": 50,
                },
            ],
        }
    )
    layout = Layout("en")
    path = export_workbook(scenario, tmp_path / "ramp.xlsx", lang="en")
    ws = openpyxl.load_workbook(path)[layout.sheet_name("costs")]
    seats = layout.costs.cell("seats", 0)
    assert ws[seats].value is None
    (rule,) = [dv for dv in ws.data_validations.dataValidation if seats in dv.sqref]
    assert rule.type == "custom" and str(rule.sqref) == layout.costs.span("seats").replace("$", "")
    ramp = f"{layout.costs.cell('seats_y1', 0)}:{layout.costs.cell('seats_y10', 0)}"  # its row
    assert rule.formula1 == f"AND(ISNUMBER({seats}),{seats}>=0,COUNT({ramp})=0)"
    assert "year by year" in str(rule.error)


@pytest.mark.slow
def test_only_the_lines_in_use_and_three_blank_ones_print(printed: dict[str, list[str]]) -> None:
    """Issue 24 item 3: Costs printed its 6 lines, then 19 empty rows. Now 3 blank rows
    part the last line from the total (the rest folded), on each of its pages."""
    layout = Layout("en")
    pages = printed["en"]
    costs = [
        page
        for name, page in zip(_sheets_by_page(pages), pages, strict=True)
        if name == layout.sheet_name("costs")
    ]
    for page in costs:
        lines = page.splitlines()
        last = max(i for i, line in enumerate(lines) if "Perte de productivit" in line)
        total = next(i for i, line in enumerate(lines) if line.startswith("Total costs"))
        assert 2 <= total - last <= 6, page


def test_unused_lines_are_folded_not_lost(tmp_path: Path) -> None:
    """The rows past the lines in use and 3 blank ones are hidden in an outline group (a
    "+" opens it); the template folds nothing."""
    layout = Layout("en")
    scenario = load_scenario(PME)
    wb = openpyxl.load_workbook(export_workbook(scenario, tmp_path / "x.xlsx", lang="en"))
    for table in layout.tables:
        ws = wb[layout.sheet_name(table.sheet)]
        hidden = [i for i in range(table.capacity) if ws.row_dimensions[table.row(i)].hidden]
        used = len(getattr(scenario, table.sheet))
        assert hidden == list(range(used + 3, table.capacity)), table.sheet
        assert {ws.row_dimensions[table.row(i)].outline_level for i in hidden} <= {1}
        assert ws.sheet_format.outlineLevelRow == 1
    template = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", lang="en"))
    costs = template[layout.sheet_name("costs")]
    assert not any(costs.row_dimensions[layout.costs.row(i)].hidden for i in range(25))
