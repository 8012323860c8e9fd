"""Reading workbooks back: exact round trips, edits agreeing with LibreOffice, clear errors."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from crmroi_xl import WorkbookError, compute, export_workbook, load_scenario, read_workbook
from crmroi_xl.cli.main import main
from crmroi_xl.excel.headline import HEADLINES
from crmroi_xl.excel.layout import SHEETS, Layout
from crmroi_xl.excel.package import save_workbook
from crmroi_xl.excel.workbook import write_template
from crmroi_xl.scenario.model import Scenario
from tests.spreadsheet import load_values, recalculate, recalculate_gnumeric, same
from tests.strategies import NOT_IN_WORKBOOK, scenarios

EXAMPLES = sorted(Path("examples").iterdir())


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_export_then_read_gives_the_same_scenario(example: Path, lang: str, tmp_path: Path) -> None:
    scenario = load_scenario(example)
    path = export_workbook(scenario, tmp_path / "x.xlsx", lang=lang)  # type: ignore[arg-type]
    assert read_workbook(path) == in_language(scenario, lang)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=scenarios(leave=NOT_IN_WORKBOOK), lang=st.sampled_from(["fr", "en"]))
def test_round_trip_of_generated_scenarios(
    data: dict[str, Any], lang: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    scenario = Scenario.model_validate(data)
    path = export_workbook(scenario, tmp_path_factory.mktemp("rt") / "x.xlsx", lang=lang)  # type: ignore[arg-type]
    assert read_workbook(path) == in_language(scenario, lang)


#: Pieces of labels that look like (or break) the ``_xHHHH_`` escapes of the file format.
ESCAPE_PIECES = ["_x", "_", "x", "005F", "005f", "0041", "00e9", "000D", "D800", "A", "é", "Ta"]
ESCAPY_LABELS = st.lists(st.sampled_from(ESCAPE_PIECES), min_size=1, max_size=14).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=ESCAPY_LABELS,
    cost=ESCAPY_LABELS,
    benefit=ESCAPY_LABELS,
    lang=st.sampled_from(["fr", "en"]),
)
@example(name="Tax005F_2024", cost="_x0041_", benefit="_x005F_x0041_", lang="en")
def test_labels_with_escape_lookalikes_read_back_exactly(
    name: str, cost: str, benefit: str, lang: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """ "Tax005F_2024" read back as "Ta2024": every label survives export -> read, as in
    Excel (a literal ``_x0041_`` is stored ``_x005F_x0041_``, ECMA-376 ST_Xstring)."""
    scenario = Scenario.model_validate(
        {
            "assumptions": {"name": name, "language": lang},
            "costs": [{"label": cost, "category": "licences", "one_off": 1000}],
            "benefits": [{"label": benefit, "category": "cost_reduction", "amount_per_year": 900}],
        }
    )
    path = export_workbook(scenario, tmp_path_factory.mktemp("x") / "x.xlsx", lang=lang)  # type: ignore[arg-type]
    back = read_workbook(path)
    assert (back.name, back.costs[0].label, back.benefits[0].label) == (name, cost, benefit)
    assert back == in_language(scenario, lang)


def test_labels_with_escape_lookalikes_survive_a_libreoffice_save(tmp_path: Path) -> None:
    """LibreOffice reads the escapes as the standard says and saves shared strings: the
    labels come back as typed ("Tax005F_2024" read back as "Ta2024"; ``_x0041_`` written
    unescaped became "A" for a reader following the standard). LibreOffice itself writes
    a literal ``_x005F_x0041_`` unescaped, so that one is left to the hypothesis test."""
    labels = ["Tax005F_2024", "_x0041_", "a_x000D_b", "_x005F_", "x005F_ _x00e9_"]
    scenario = Scenario.model_validate(
        {
            "assumptions": {"name": "Tax005F_2024", "language": "en"},
            "costs": [{"label": x, "category": "licences", "one_off": 100} for x in labels],
        }
    )
    path = export_workbook(scenario, tmp_path / "x.xlsx", lang="en")
    back = read_workbook(recalculate([path], tmp_path)[path])
    assert [c.label for c in back.costs] == labels and back.name == "Tax005F_2024"


def in_language(scenario: Scenario, lang: str) -> Scenario:
    """``scenario`` as a workbook in ``lang`` holds it: the workbook's language."""
    assumptions = scenario.assumptions.model_copy(update={"language": lang})
    return scenario.model_copy(update={"assumptions": assumptions})


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each example exported, in French or English."""
    folder = tmp_path_factory.mktemp("exported")
    return {
        example.name: export_workbook(
            load_scenario(example), folder / f"{example.stem}.xlsx", lang=lang
        )
        for example, lang in zip(EXAMPLES, ["fr", "en"] * len(EXAMPLES), strict=False)
    }


@pytest.fixture(scope="module")
def user_edits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """marketing-channels.json edited in the workbook as a user would."""
    scenario = load_scenario("examples/marketing-channels.json")
    path = export_workbook(scenario, tmp_path_factory.mktemp("edits") / "edited.xlsx", lang="en")
    layout = Layout("en")
    wb = openpyxl.load_workbook(path)
    assumptions, costs = wb[layout.sheet_name("assumptions")], wb[layout.sheet_name("costs")]
    channels = wb[layout.sheet_name("channels")]
    assumptions["B6"] = 6  # a longer horizon
    assumptions["B7"] = 0.085  # another discount rate
    assumptions["B11"] = 0.15  # costs risk
    costs[layout.costs.cell("seats", 0)] = 18
    costs[layout.costs.cell("one_off", 1)] = 25_000
    row = layout.costs.first_row + len(scenario.costs)  # a new cost line typed by the user
    for key, value in {
        "label": "Consultant",
        "category": "Support",
        "amount_per_year": 7_500,
    }.items():
        costs[f"{layout.costs.letter(key)}{row}"] = value
    channels[layout.channels.cell("spend", 2)] = 0  # LinkedIn stopped: ROAS #N/A there
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def arithmetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plain arithmetic formula typed in an input cell, with no value saved for it."""
    return _edited(tmp_path_factory.mktemp("arithmetic"), "fr", {("costs", "D7"): "=4000*2+500"})


@pytest.fixture(scope="module")
def saved_by_libreoffice(
    exported: dict[str, Path],
    user_edits: Path,
    arithmetic: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[Path, Path]:
    """The workbooks above, recalculated and saved again by one LibreOffice call."""
    paths = [*exported.values(), user_edits, arithmetic]
    return recalculate(paths, tmp_path_factory.mktemp("libreoffice"))


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_a_workbook_saved_by_libreoffice_reads_back_the_same(
    example: Path, exported: dict[str, Path], saved_by_libreoffice: dict[Path, Path]
) -> None:
    index = EXAMPLES.index(example)
    expected = in_language(load_scenario(example), ["fr", "en"][index % 2])
    warnings: list[str] = []  # every computed cell kept its formula through the save
    assert (
        read_workbook(saved_by_libreoffice[exported[example.name]], warnings=warnings) == expected
    )
    assert warnings == []


@pytest.mark.slow
@settings(
    max_examples=1,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batch=st.lists(scenarios(leave=NOT_IN_WORKBOOK), min_size=4, max_size=4))
def test_generated_scenarios_survive_a_libreoffice_save(
    batch: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("lo-rt")
    originals = [Scenario.model_validate(d) for d in batch]
    paths = [export_workbook(s, folder / f"s{i}.xlsx") for i, s in enumerate(originals)]
    recalculated = recalculate(paths, folder)
    for scenario, path in zip(originals, paths, strict=True):
        assert read_workbook(recalculated[path]) == scenario


def _headline(path: Path) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path, data_only=True)
    out = {}
    for h in HEADLINES:
        ((sheet, address),) = wb.defined_names[h.name].destinations
        out[h.key] = wb[sheet][address.replace("$", "")].value
    return out


@pytest.mark.slow
def test_a_user_edits_inputs_and_the_engine_agrees_with_libreoffice(
    user_edits: Path, saved_by_libreoffice: dict[Path, Path]
) -> None:
    path = user_edits
    edited = read_workbook(path)
    assert edited.assumptions.horizon_years == 6 and edited.costs[0].seats == 18
    assert edited.costs[-1].label == "Consultant" and edited.costs[-1].category == "support"
    results = compute(edited)
    by_libreoffice = _headline(saved_by_libreoffice[path])
    for h in HEADLINES:
        key = h.key
        engine = h.evaluate(results)[0]
        expected = "#N/A" if engine is None else engine
        if key == "check":
            expected = "OK"
        assert same(by_libreoffice[key], expected), (key, by_libreoffice[key], expected)
    assert results.channels[2].roas is None


@pytest.mark.slow
def test_a_plain_arithmetic_formula_in_an_input_cell_is_computed(
    arithmetic: Path, saved_by_libreoffice: dict[Path, Path]
) -> None:
    assert read_workbook(arithmetic).costs[1].one_off == 8_500  # computed by the reader
    saved = saved_by_libreoffice[arithmetic]  # LibreOffice saves 8500 for it: they agree
    assert read_workbook(saved).costs[1].one_off == 8_500


def _with_formulas(
    tmp_path: Path, lang: str, formulas: dict[tuple[str, str], tuple[str, Any]]
) -> Path:
    """An export whose cells hold formulas, each saved with the value given (None: none)."""
    path = export_workbook(
        load_scenario("examples/pme-20-postes.yaml"), tmp_path / "f.xlsx", lang=lang
    )  # type: ignore[arg-type]
    layout = Layout(lang)  # type: ignore[arg-type]
    wb = openpyxl.load_workbook(path)
    cached = {}
    for (sheet, ref), (formula, value) in formulas.items():
        wb[layout.sheet_name(sheet)][ref] = formula
        if value is not None:
            cached[(layout.sheet_name(sheet), ref)] = value
    return save_workbook(wb, path, cached)


@pytest.mark.parametrize(
    ("lang", "formula", "saved", "message"),
    [
        (
            "fr",
            "=1+1",
            999_999,
            "Coûts!D7: la formule =1+1 vaut 2 mais le fichier enregistre 999999 : recalculez et "
            "enregistrez le classeur, ou saisissez la valeur",
        ),
        (
            "en",
            '=WEBSERVICE("http://example.com/price")',
            8_000,
            'Costs!D7: formula =WEBSERVICE("http://example.com/price") in an input cell: only '
            "numbers, + - * / ^ % and parentheses are computed; type the value",
        ),
        (
            "en",
            "=[1]Rates!B2",
            8_000,
            "Costs!D7: formula =[1]Rates!B2 in an input cell: only numbers",
        ),
        ("fr", "=SUM(D6:D6)", None, "Coûts!D7: formule =SUM(D6:D6) dans une cellule de saisie"),
        ("en", "=In_Horizon*1000", 3_000, "Costs!D7: formula =In_Horizon*1000 in an input cell"),
        ("en", "=1/0", "#DIV/0!", "Costs!D7: formula =1/0 gives #DIV/0!"),
    ],
    ids=["disagrees", "webservice", "external-link", "function", "name", "div0"],
)
def test_other_formulas_in_input_cells_are_refused(
    tmp_path: Path, lang: str, formula: str, saved: Any, message: str
) -> None:
    path = _with_formulas(tmp_path, lang, {("costs", "D7"): (formula, saved)})
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path)
    assert caught.value.message.startswith(f"{path}: {message}")
    assert len(caught.value.message.splitlines()) == 1


def test_a_formula_filled_down_is_read_in_every_cell(tmp_path: Path) -> None:
    """Excel stores a filled-down formula once (a shared formula): each cell it fills
    is a formula too, computed or refused by the same rule."""
    path = export_workbook(load_scenario("examples/pme-20-postes.yaml"), tmp_path / "s.xlsx")
    costs_part = f"xl/worksheets/sheet{list(SHEETS).index('costs') + 1}.xml"

    def fill(xml: bytes, formula: bytes) -> bytes:
        xml = re.sub(
            rb'(<c r="D7" s="[0-9]+") t="n"><v>[^<]*</v></c>',
            rb'\1><f t="shared" ref="D7:D8" si="0">' + formula + rb"</f><v>6</v></c>",
            xml,
        )
        return re.sub(
            rb'(<c r="D8" s="[0-9]+") t="n"><v>[^<]*</v></c>',
            rb'\1><f t="shared" si="0"/><v>6</v></c>',
            xml,
        )

    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    for formula, name in ((b"2*3", "ok.xlsx"), (b"B6*3", "refused.xlsx")):
        with zipfile.ZipFile(tmp_path / name, "w") as archive:
            for part, data in parts.items():
                archive.writestr(part, fill(data, formula) if part == costs_part else data)
    scenario = read_workbook(tmp_path / "ok.xlsx")
    assert (scenario.costs[1].one_off, scenario.costs[2].one_off) == (6, 6)
    with pytest.raises(WorkbookError) as caught:
        read_workbook(tmp_path / "refused.xlsx")
    assert [line.split(": ", 2)[1:] for line in caught.value.message.splitlines()] == [
        [
            "Coûts!D7",
            "formule =B6*3 dans une cellule de saisie : seuls les nombres, + - * / ^ "
            "% et les parenthèses sont calculés ; saisissez la valeur",
        ],
        [
            "Coûts!D8",
            "formule =B6*3 (saisie en D7) dans une cellule de saisie : seuls les "
            "nombres, + - * / ^ % et les parenthèses sont calculés ; saisissez la valeur",
        ],
    ]


def test_the_read_path_does_not_use_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = export_workbook(load_scenario("examples/marketing-channels.json"), tmp_path / "m.xlsx")

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl.load_workbook called")

    monkeypatch.setattr("openpyxl.load_workbook", refused)
    monkeypatch.setattr("openpyxl.reader.excel.load_workbook", refused)
    assert read_workbook(path) == load_scenario("examples/marketing-channels.json")


INCLUDE = Layout("fr").benefits.cell("include_in_roi", 0)  # a yes/no cell


def _edited(tmp_path: Path, lang: str, edits: dict[tuple[str, str], Any]) -> Path:
    path = export_workbook(
        load_scenario("examples/pme-20-postes.yaml"), tmp_path / "bad.xlsx", lang=lang
    )  # type: ignore[arg-type]
    layout = Layout(lang)  # type: ignore[arg-type]
    wb = openpyxl.load_workbook(path)
    for (sheet, ref), value in edits.items():
        wb[layout.sheet_name(sheet)][ref] = value
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("lang", "edits", "message"),
    [
        ("fr", {("costs", "D7"): "abc"}, "Coûts!D7: montant attendu, trouvé 'abc'"),
        ("en", {("costs", "D7"): "abc"}, "Costs!D7: an amount expected, got 'abc'"),
        ("fr", {("costs", "F6"): -3}, "Coûts!F6: doit être >= 0, trouvé -3"),
        ("en", {("assumptions", "B6"): 12}, "Assumptions!B6: must be <= 10, got 12"),
        ("en", {("assumptions", "B6"): 2.5}, "Assumptions!B6: a whole number expected, got 2.5"),
        ("fr", {("assumptions", "B4"): None}, "Hypothèses!B4: obligatoire, vide"),
        ("fr", {("costs", "B8"): "Licornes"}, "Coûts!B8: valeur de la liste attendue ("),
        ("en", {("costs", "E25"): 500}, "Costs!E25: value typed on a line without a label"),
        (
            "fr",
            {("benefits", INCLUDE): "Peut-être"},
            f"Bénéfices!{INCLUDE}: Oui ou Non attendu, trouvé 'Peut-être'",
        ),
        ("en", {("kpis", "D5"): True}, "KPIs!D5: a number expected, got True"),
        ("en", {("assumptions", "B7"): "10 %"}, "Assumptions!B7: a percentage expected"),
        ("en", {("channels", "B21"): 2}, "Channels!B21: must be <= 1, got 2"),
        (
            "en",
            {("costs", "D7"): datetime(2024, 1, 1)},
            "Costs!D7: an amount expected, got a date (2024-01-01)",
        ),
        (
            "fr",
            {("assumptions", "B7"): datetime(2025, 3, 1, 12, 30)},
            "Hypothèses!B7: pourcentage attendu (10 % ou 0,1), trouvé une date (2025-03-01 12:30)",
        ),
        ("en", {("costs", "A7"): date(2024, 1, 1)}, "Costs!A7: text expected, got a date"),
        (
            "fr",
            {("costs", "D7"): "#N/A"},
            "Coûts!D7: montant attendu, trouvé l'erreur #N/A",
        ),
        ("en", {("costs", "A6"): "x" * 100_000}, "Costs!A6: at most 200 characters, got a text of"),
    ],
)
def test_bad_inputs_name_the_sheet_and_cell_in_the_workbook_language(
    tmp_path: Path, lang: str, edits: dict[tuple[str, str], Any], message: str
) -> None:
    path = _edited(tmp_path, lang, edits)
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path)
    assert caught.value.message == "\n".join(caught.value.message.splitlines())
    assert f"{path}: {message}" in caught.value.message
    assert all(len(line) < 400 for line in caught.value.message.splitlines())  # echoes capped


@pytest.mark.parametrize(
    ("lang", "unit", "said"),
    [
        (
            "en",
            "count",
            "lead_conversion_rate is a percentage: its unit is percent (%), or leave it blank",
        ),
        (
            "fr",
            "points",
            "lead_conversion_rate est un pourcentage : son unité est le pourcentage (%), ou "
            "laissez-la vide",
        ),
    ],
)
def test_a_rate_typed_in_another_unit_is_refused_naming_its_cells(
    tmp_path: Path, lang: str, unit: str, said: str
) -> None:
    """Line 5 of the KPIs is the lead conversion rate: 5 -> 6.5 "counted" made a benefit
    100 times too large; the unit cell and the values are named."""
    edits = {("kpis", "C5"): unit, ("kpis", "D5"): 5, ("kpis", "E5"): 6.5}
    path = _edited(tmp_path, lang, edits)
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path)
    sheet = Layout(lang).sheet_name("kpis")  # type: ignore[arg-type]
    hint = "5 % is 0.05, got 5" if lang == "en" else "5 % s'écrit 0,05, trouvé 5"
    lines = caught.value.message.splitlines()
    assert lines[0] == f"{path}: {sheet}!C5: {said}"
    assert lines[1].startswith(f"{path}: {sheet}!D5: ") and lines[1].endswith(hint)
    assert lines[2].startswith(f"{path}: {sheet}!E5: ")


def test_the_workbook_flags_a_rate_in_another_unit_or_typed_as_a_whole_number(
    tmp_path: Path,
) -> None:
    """The KPI line's check (and so the master check) is 1 where the reader refuses: a
    rate in another unit (line 5), a rate typed 80 for 80 % (line 6); LibreOffice and
    Gnumeric agree. A KPI in days (line 8) may exceed 1."""
    edits = {("kpis", "C5"): "count", ("kpis", "D5"): 0.05, ("kpis", "E6"): 80}
    path = _edited(tmp_path, "en", edits)
    layout = Layout("en")
    table, sheet = layout.kpis, layout.sheet_name("kpis")
    flags = [f"{table.check_letter}{table.row(i)}" for i in range(5)]
    for engine in (recalculate, recalculate_gnumeric):
        wb = load_values(engine([path], tmp_path)[path])
        assert [wb[sheet][ref].value for ref in flags] == [1, 1, 0, 0, 0], engine
        assert _headline_of(wb, "check") != "OK"
    rules = {
        str(dv.sqref): dv.formula1
        for dv in openpyxl.load_workbook(path)[sheet].data_validations.dataValidation
        if dv.type == "custom"
    }
    assert set(rules) == {table.span(key).replace("$", "") for key in ("before", "after")}


def _headline_of(wb: openpyxl.Workbook, key: str) -> Any:
    (h,) = (h for h in HEADLINES if h.key == key)
    ((sheet, address),) = wb.defined_names[h.name].destinations
    return wb[sheet][address.replace("$", "")].value


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = _edited(
        tmp_path, "en", {("costs", "D7"): "x", ("costs", "F6"): -1, ("assumptions", "B6"): 0}
    )
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path)
    lines = caught.value.message.splitlines()
    assert [line.split(": ")[1] for line in lines] == ["Costs!D7", "Assumptions!B6", "Costs!F6"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some text", "not an xlsx workbook (not a zip archive)"),
        (b"PK\x03\x04" + b"\x00" * 50, "not an xlsx workbook (not a zip archive)"),
    ],
)
def test_files_that_are_not_workbooks(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(content)
    with pytest.raises(WorkbookError, match=re.escape(message)):
        read_workbook(path)


def test_a_truncated_workbook(tmp_path: Path) -> None:
    whole = export_workbook(load_scenario("examples/pme-20-postes.yaml"), tmp_path / "w.xlsx")
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(WorkbookError, match=r"cut\.xlsx: "):
        read_workbook(cut)


def test_a_workbook_of_someone_else(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Budget"
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(WorkbookError, match=r"not a crmroi-xl workbook.*sheets: Budget"):
        read_workbook(tmp_path / "other.xlsx")


def test_the_empty_template_reads_as_a_scenario_without_a_name(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx", lang="en")
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path)
    assert caught.value.message.splitlines() == [f"{path}: Assumptions!B4: required, empty"]


def test_a_named_template_without_any_line_is_refused_as_an_empty_case(tmp_path: Path) -> None:
    """As ``export`` refuses it: ``read`` used to print a report of zeros and exit 0."""
    path = write_template(tmp_path / "t.xlsx", lang="fr")
    wb = openpyxl.load_workbook(path)
    wb[Layout("fr").sheet_name("assumptions")]["B4"] = "Vide"
    wb.save(path)
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path)
    assert caught.value.message.splitlines() == [
        f"{path}: Coûts!A6: cas vide : aucun coût et aucun bénéfice ; ajoutez au moins une "
        "ligne à costs ou à benefits"
    ]
    assert main(["read", str(path)]) == 1


def test_a_filled_template_reads_back(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx", lang="fr")
    layout = Layout("fr")
    wb = openpyxl.load_workbook(path)
    wb[layout.sheet_name("assumptions")]["B4"] = "Mon projet CRM"
    costs = wb[layout.sheet_name("costs")]
    for key, value in {
        "label": "Licences",
        "category": "Licences et abonnements",
        "seats": 10,
        "price_per_seat_month": 40,
    }.items():
        costs[layout.costs.cell(key, 0)] = value
    benefits = wb[layout.sheet_name("benefits")]
    for key, value in {
        "label": "Gains",
        "category": "Gain de temps",
        "amount_per_year": 9_000,
    }.items():
        benefits[layout.benefits.cell(key, 0)] = value
    wb.save(path)
    scenario = read_workbook(path)
    assert scenario.name == "Mon projet CRM" and scenario.assumptions.adoption == [1.0] * 3
    assert (scenario.costs[0].driver, scenario.costs[0].nature) == ("seats", "direct")
    assert compute(scenario).costs == [0, 4_800, 4_800, 4_800]


def test_crmroi_read_json_and_compute_and_export_accept_a_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = export_workbook(load_scenario("examples/marketing-channels.json"), tmp_path / "m.xlsx")
    assert main(["read", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scenario"]["assumptions"]["name"] == "E-commerce multicanal"
    assert data["results"]["roas"] == pytest.approx(806_000 / 210_000)
    assert main(["compute", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["npv"] == data["results"]["npv"]
    assert main(["export", str(path), "-o", str(tmp_path / "again.xlsx")]) == 0
    assert read_workbook(tmp_path / "again.xlsx") == read_workbook(path)


def test_crmroi_read_reports_bad_cells_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _edited(tmp_path, "fr", {("costs", "D7"): "abc"})
    assert main(["read", str(path)]) == 1
    err = capsys.readouterr().err
    assert err == f"crmroi: error: {path}: Coûts!D7: montant attendu, trouvé 'abc'\n"


def test_a_workbook_left_on_another_case_reads_the_base_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The case selector is a spreadsheet setting: a workbook left on Pessimistic shows
    other figures than crmroi computes (the base case). The reader says so, naming the
    cell, and ``crmroi compute``/``read`` print it on stderr and in ``warnings``."""
    scenario = load_scenario("examples/pme-20-postes.yaml")
    for lang, case, expected in (
        (
            "fr",
            "case_pessimistic",
            "Sensibilité!B5 : le classeur affiche le cas « Pessimiste » ; crmroi calcule le "
            "cas de base (choisissez « Base » pour voir les mêmes chiffres)",
        ),
        (
            "en",
            "case_optimistic",
            "Sensitivity!B5: the workbook shows the 'Optimistic' case; crmroi computes the "
            "base case (select 'Base' there to see the same figures)",
        ),
    ):
        layout = Layout(lang)  # type: ignore[arg-type]
        path = export_workbook(scenario, tmp_path / f"{lang}.xlsx", lang=lang)  # type: ignore[arg-type]
        warnings: list[str] = []
        assert read_workbook(path, warnings=warnings) == scenario.model_copy(
            update={"assumptions": scenario.assumptions.model_copy(update={"language": lang})}
        )
        assert warnings == []  # an export opens on Base
        wb = openpyxl.load_workbook(path)
        wb[layout.sheet_name("sensitivity")][layout.sensitivity.case_cell] = layout.word(case)
        wb.save(path)
        read_workbook(path, warnings=warnings)
        assert warnings == [f"{path}: {expected}"]
        assert main(["compute", str(path), "--json"]) == 0
        out, err = capsys.readouterr()
        assert json.loads(out)["warnings"] == warnings
        assert err == f"crmroi: warning: {warnings[0]}\n"
        assert main(["read", str(path)]) == 0
        assert capsys.readouterr().err == f"crmroi: warning: {warnings[0]}\n"


def test_a_computed_cell_typed_over_or_cleared_is_a_warning(tmp_path: Path) -> None:
    """A year typed over on a cost line, a benefit's total cleared: the workbook computes
    with them, crmroi from the inputs. The reader names the cells, one line a sheet; the
    scenario read is unchanged (the inputs are what they were)."""
    scenario = load_scenario("examples/pme-20-postes.yaml")
    for lang, expected in (
        (
            "fr",
            [
                "Coûts!AH6, AI7 : cellule calculée remplacée par une valeur ou effacée ; le "
                "classeur calcule avec elle, crmroi à partir des entrées (recopiez la formule "
                "de la ligne voisine)",
                "Bénéfices!X6 : cellule calculée remplacée par une valeur ou effacée ; le "
                "classeur calcule avec elle, crmroi à partir des entrées (recopiez la formule "
                "de la ligne voisine)",
            ],
        ),
        (
            "en",
            [
                "Costs!AH6, AI7: a computed cell typed over or cleared; the workbook computes "
                "with it, crmroi from the inputs (copy the formula back from a neighbouring "
                "line)",
                "Benefits!X6: a computed cell typed over or cleared; the workbook computes "
                "with it, crmroi from the inputs (copy the formula back from a neighbouring "
                "line)",
            ],
        ),
    ):
        layout = Layout(lang)  # type: ignore[arg-type]
        path = export_workbook(scenario, tmp_path / f"{lang}.xlsx", lang=lang)  # type: ignore[arg-type]
        wb = openpyxl.load_workbook(path)
        costs, benefits = wb[layout.sheet_name("costs")], wb[layout.sheet_name("benefits")]
        costs[layout.costs.year_cell(2, 0)] = 12_345  # AH6, year 2 of the first cost
        costs[layout.costs.year_cell(3, 1)] = None  # AI7 cleared
        benefits[layout.benefits.cell("total", 0)] = None  # X6, the first benefit's total
        wb.save(path)
        warnings: list[str] = []
        assert read_workbook(path, warnings=warnings).costs == scenario.costs
        assert warnings == [f"{path}: {line}" for line in expected]
