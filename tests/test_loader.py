"""Scenario files: JSON and YAML load; every problem is one line naming file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmroi_xl import ScenarioError, load_scenario

MINIMAL = "assumptions:\n  name: Acme\n"


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
    path = _write(tmp_path, "s.json", '\ufeff{"assumptions": {"name": "Société Générale"}}')
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
        ("s.yaml", "- just\n- a list\n", r"s\.yaml: a scenario is a mapping .* got list"),
        ("s.yaml", "", r"s\.yaml: a scenario is a mapping .* got NoneType"),
        ("s.json", b"\xff\xfe\x00bad", r"s\.json: not UTF-8 text"),
        ("s.yaml", "costs: []\n", r"s\.yaml: assumptions: required, missing"),
        (
            "s.yaml",
            MINIMAL + "  horizon_years: 12\n",
            r"s\.yaml: assumptions\.horizon_years: must be <= 10, got 12",
        ),
        (
            "s.yaml",
            MINIMAL + "costs:\n  - {label: L, category: licences, seats: -2}\n",
            r"s\.yaml: costs\[0\]\.seats: must be >= 0, got -2",
        ),
        (
            "s.yaml",
            MINIMAL + "  discount_rate: dix pour cent\n",
            r"s\.yaml: assumptions\.discount_rate: input should be a valid number.*'dix pour cent'",
        ),
        (
            "s.yaml",
            MINIMAL + "  colour: red\n",
            r"s\.yaml: assumptions\.colour: unknown field \(value 'red'\); see `crmroi schema`",
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
    assert lines[0].endswith("assumptions.name: string should have at least 1 character, got ''")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"nope\.yaml: no such file"):
        load_scenario(tmp_path / "nope.yaml")


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.yaml", MINIMAL + "#" * (5 * 1024 * 1024))
    with pytest.raises(ScenarioError, match="more than the 5242880 a scenario file may have"):
        load_scenario(path)
