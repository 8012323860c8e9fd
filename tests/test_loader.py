"""Scenario files: JSON and YAML load; every problem is one line naming file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmroi_xl import ScenarioError, export_workbook, load_scenario
from crmroi_xl.scenario.model import Scenario

LINE = "costs:\n  - {label: CRM, category: licences, one_off: 1000}\n"
MINIMAL = LINE + "assumptions:\n  name: Acme\n"


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["s.yaml", "s.yml", "S.YAML"])
def test_yaml_loads(tmp_path: Path, name: str) -> None:
    assert load_scenario(_write(tmp_path, name, MINIMAL)).name == "Acme"


def test_json_loads_with_a_byte_order_mark(tmp_path: Path) -> None:
    text = '\ufeff{"assumptions": {"name": "Société Générale"}, "benefits": [{"label": "B", '
    text += '"category": "cost_reduction", "amount_per_year": 5}]}'
    path = _write(tmp_path, "s.json", text)
    assert load_scenario(path).name == "Société Générale"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "s.txt",
            MINIMAL,
            r"s\.txt: unsupported file type .\.txt.; use \.json, \.yaml, \.yml or \.xlsx",
        ),
        ("s.json", '{"assumptions": ', r"s\.json: invalid JSON at line 1, column 17"),
        ("s.yaml", "assumptions: [a\n  b: c", r"s\.yaml: invalid YAML at line \d+, column \d+"),
        (
            "s.yaml",
            "- just\n- a list\n",
            r"s\.yaml: a scenario is a mapping .* got \['just', 'a list'\]",
        ),
        ("s.yaml", "", r"s\.yaml: a scenario is a mapping .* got an empty file$"),
        ("s.yaml", "# nothing\n", r"s\.yaml: a scenario is a mapping .* got an empty file$"),
        ("s.json", b"\xff\xfe\x00bad", r"s\.json: not UTF-8 text"),
        ("s.yaml", "costs: []\n", r"s\.yaml: assumptions: required, missing"),
        (
            "s.yaml",
            MINIMAL + "  horizon_years: 12\n",
            r"s\.yaml: assumptions\.horizon_years: must be <= 10, got 12",
        ),
        (
            "s.yaml",
            "assumptions:\n  name: Acme\ncosts:\n  - {label: L, category: licences, seats: -2}\n",
            r"s\.yaml: costs\[0\]\.seats: must be >= 0, got -2",
        ),
        (
            "s.yaml",
            MINIMAL + "  discount_rate: dix pour cent\n",
            r"s\.yaml: assumptions\.discount_rate: must be a number, got 'dix pour cent'$",
        ),
        (
            "s.yaml",
            MINIMAL + "  colour: red\n",
            r"s\.yaml: assumptions\.colour: unknown field \(value 'red'\); see `crmroi schema`",
        ),
        (
            "s.yaml",
            MINIMAL + "  horizon_year: 5\n",
            r"s\.yaml: assumptions\.horizon_year: unknown field \(value 5\); "
            r"did you mean horizon_years\?$",
        ),
    ],
)
def test_problems_name_the_file_and_field(
    tmp_path: Path, name: str, content: str | bytes, message: str
) -> None:
    path = _write(tmp_path, name, content)
    with pytest.raises(ScenarioError, match=message) as caught:
        load_scenario(path)
    assert caught.value.message.startswith(str(path))


def test_every_problem_gets_its_own_line(tmp_path: Path) -> None:
    text = "assumptions: {name: '', horizon_years: 0}\n"
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_write(tmp_path, "s.yaml", text))
    lines = caught.value.message.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("assumptions.name: needs at least 1 character(s), got ''")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"nope\.yaml: no such file"):
        load_scenario(tmp_path / "nope.yaml")


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.yaml", MINIMAL + "#" * (5 * 1024 * 1024))
    with pytest.raises(ScenarioError, match="5242880 allowed"):
        load_scenario(path)


# --- issues 9, 10 and 14: one reader of JSON and YAML, messages in words -------------


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "s.yaml",
            MINIMAL + "  name: Bis\n",
            "s.yaml: invalid YAML at line 5, column 3: duplicate key 'name' (first at line 4)",
        ),
        (
            "s.json",
            '{"assumptions": {"name": "A",\n "horizon_years": 3,\n "name": "B"}}',
            "s.json: invalid JSON at line 3, column 2: duplicate key 'name'",
        ),
    ],
)
def test_a_key_given_twice_is_refused_naming_the_key_and_line(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    """The last of two equal keys used to win silently."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_write(tmp_path, name, text))
    assert caught.value.message == f"{tmp_path / message}"


def test_yaml_merge_keys_may_be_overridden(tmp_path: Path) -> None:
    """``<<: *defaults`` then a key of its own is not a duplicate."""
    text = (
        "assumptions: {name: A}\ncosts:\n"
        "  - &line {label: CRM, category: licences, one_off: 1}\n"
        "  - {<<: *line, one_off: 5}\n"
    )
    path = _write(tmp_path, "s.yaml", text)
    assert [line.one_off for line in load_scenario(path).costs] == [1, 5]


def test_numbers_typed_as_people_type_them_in_yaml_and_json(tmp_path: Path) -> None:
    """``10%`` and ``"12 000"`` were refused in YAML, accepted in the CSV format."""
    text = (
        "assumptions: {name: A, discount_rate: 8 %}\n"
        "costs:\n  - {label: CRM, category: licences, one_off: 12 000, amount_per_year: '1 500'}\n"
    )
    scenario = load_scenario(_write(tmp_path, "s.yaml", text))
    assert scenario.assumptions.discount_rate == 0.08
    assert (scenario.costs[0].one_off, scenario.costs[0].amount_per_year) == (12000, 1500)


def test_a_boolean_horizon_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_write(tmp_path, "s.yaml", MINIMAL + "  horizon_years: true\n"))
    assert caught.value.message.endswith(
        "s.yaml: assumptions.horizon_years: must be a number, not yes/no, got true"
    )


@pytest.mark.parametrize(
    ("field", "value", "english", "french"),
    [
        (
            "discount_rate",
            "10",
            "assumptions.discount_rate: must be <= 1, got 10 (10 % is 0.1)",
            "assumptions.discount_rate: doit être <= 1, trouvé 10 (10 % s'écrit 0,1)",
        ),
        (
            "language",
            "de",
            "assumptions.language: must be one of fr, en, got 'de'",
            None,
        ),
        (
            "currency",
            "eur",
            "assumptions.currency: must be a three-letter ISO 4217 currency code in capitals "
            "(EUR, USD, GBP, CHF...), got 'eur'",
            "assumptions.currency: doit être un code devise ISO 4217 de trois lettres majuscules "
            "(EUR, USD, GBP, CHF...), trouvé 'eur'",
        ),
    ],
)
def test_problems_are_said_in_words_in_the_scenario_language(
    tmp_path: Path, field: str, value: str, english: str, french: str | None
) -> None:
    """No "string should match pattern '^[A-Z]{3}$'", no "Value error, ...": words,
    in English, or in French when the scenario says ``language: fr``."""
    path = _write(tmp_path, "s.yaml", MINIMAL + f"  {field}: {value}\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.message == f"{path}: {english}"
    if french is not None:
        path = _write(tmp_path, "f.yaml", MINIMAL + f"  language: fr\n  {field}: {value}\n")
        with pytest.raises(ScenarioError) as caught:
            load_scenario(path)
        assert caught.value.message == f"{path}: {french}"
        with pytest.raises(ScenarioError) as caught:
            load_scenario(path, lang="en")
        assert caught.value.message == f"{path}: {english}"


def test_a_percent_kpi_typed_as_a_whole_number_gets_the_hint(tmp_path: Path) -> None:
    text = MINIMAL + "  language: fr\nkpis:\n  - {kind: win_rate, before: 22, after: 0.26}\n"
    path = _write(tmp_path, "s.yaml", text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.message == (
        f"{path}: kpis[0].before: un pourcentage s'écrit en fraction : 22 % s'écrit 0,22, trouvé 22"
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, lang="en")
    assert caught.value.message.endswith("percentages are fractions: 22 % is 0.22, got 22")


def test_a_rate_in_another_unit_is_refused_with_the_hint_in_both_languages(
    tmp_path: Path,
) -> None:
    """``win_rate`` 22 -> 26 in ``unit: count`` skipped the check: a benefit 100 times too big."""
    kpi = "kpis:\n  - {kind: win_rate, unit: count, before: 22, after: 0.26}\n"
    path = _write(tmp_path, "s.yaml", MINIMAL + "  language: fr\n" + kpi)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.message.splitlines() == [
        f"{path}: kpis[0].unit: win_rate est un pourcentage : son unité est le pourcentage (%),"
        " ou laissez-la vide",
        f"{path}: kpis[0].before: un pourcentage s'écrit en fraction : 22 % s'écrit 0,22, trouvé 22",
    ]
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, lang="en")
    assert caught.value.message.splitlines() == [
        f"{path}: kpis[0].unit: win_rate is a percentage: its unit is percent (%), or leave it "
        "blank",
        f"{path}: kpis[0].before: percentages are fractions: 22 % is 0.22, got 22",
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "vide.yaml",
            "cas vide : aucun coût et aucun bénéfice ; ajoutez au moins une ligne à costs ou à "
            "benefits",
        ),
        (
            "empty.xlsx",
            "Costs!A6: an empty business case: no cost and no benefit; add at least one line "
            "to costs or benefits",
        ),
    ],
)
def test_an_empty_business_case_is_refused(tmp_path: Path, name: str, message: str) -> None:
    """No cost and no benefit used to exit 0 with a payback of "0,00 ans"; a workbook
    is refused in its own language."""
    if name.endswith(".yaml"):
        path = _write(tmp_path, name, "assumptions:\n  name: Vide\n  language: fr\n")
    else:
        empty = Scenario.model_validate({"assumptions": {"name": "Vide", "language": "en"}})
        path = export_workbook(empty, tmp_path / name)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.message == f"{path}: {message}"


def test_echoed_values_are_capped(tmp_path: Path) -> None:
    """A 100 kB label gave a 100 kB message, 10 000 costs 580 kB."""
    label = "x" * 100_000
    text = MINIMAL.replace("label: CRM", f"label: {label}")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_write(tmp_path, "s.yaml", text))
    assert caught.value.message.endswith(
        "costs[0].label: at most 200 characters, got a text of 100000 characters"
    )
    line = '{"label": "L", "category": "licences", "one_off": -1}'
    many = '{"assumptions": {"name": "A"}, "costs": [' + ", ".join([line] * 10_000) + "]}"
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_write(tmp_path, "s.json", many))
    assert caught.value.message.endswith("costs: at most 200 items, got 10000")
    assert len(caught.value.message) < 500


def test_many_problems_are_counted_not_all_listed(tmp_path: Path) -> None:
    line = '{"label": "L", "category": "licences", "one_off": -1}'
    text = '{"assumptions": {"name": "A"}, "costs": [' + ", ".join([line] * 50) + "]}"
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_write(tmp_path, "s.json", text))
    lines = caught.value.message.splitlines()
    assert len(lines) == 21 and lines[-1].endswith("s.json: ... and 30 more problems")


@pytest.mark.parametrize(("name", "opening"), [("deep.json", "["), ("deep.yaml", "[")])
def test_a_deeply_nested_document_is_one_line(tmp_path: Path, name: str, opening: str) -> None:
    """A 100 000-level JSON gave ``internal error: RecursionError``."""
    path = _write(tmp_path, name, opening * 100_000)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert (
        caught.value.message
        == f"{path}: invalid {'JSON' if name.endswith('json') else 'YAML'}: nested too deeply (more than 32 levels)"
    )
    shallow = '{"assumptions": {"name": ' + "[" * 40 + "]" * 40 + "}}"
    with pytest.raises(ScenarioError, match="nested too deeply"):
        load_scenario(_write(tmp_path, "shallow.json", shallow))


def test_a_huge_number_is_one_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "s.json", '{"assumptions": {"name": "A", "horizon_years": ' + "9" * 5000 + "}}"
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.message == f"{path}: invalid JSON: a number of thousands of digits"


def test_yaml_is_parsed_by_libyaml_when_pyyaml_has_it() -> None:
    """libyaml's C parser reads a scenario ten times faster than the pure-Python one
    (issue 25); the safe constructor and the duplicate-key rule are the same."""
    import yaml

    from crmroi_xl.io.documents import SAFE_LOADER, parse_document

    if yaml.__with_libyaml__:
        assert SAFE_LOADER is yaml.CSafeLoader
    assert issubclass(SAFE_LOADER, yaml.SafeLoader) or SAFE_LOADER is yaml.CSafeLoader
    with pytest.raises(ScenarioError, match="duplicate key 'a' \\(first at line 1\\)"):
        parse_document("a: 1\na: 2\n", "YAML", "s.yaml")
    with pytest.raises(ScenarioError, match="could not determine a constructor"):
        parse_document("a: !!python/object:os.system x\n", "YAML", "s.yaml")
