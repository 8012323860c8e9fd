"""Fuzzing the entry points: whatever comes in, the answer is a result or one of our errors.

Bounded so CI stays fast; any other exception (a traceback for the user) fails.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmroi_xl import (
    CrmRoiError,
    Scenario,
    ScenarioError,
    WorkbookError,
    compute,
    export_workbook,
    load_scenario,
    read_workbook,
)
from tests.strategies import scenarios

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


def _mutate(data: Any, draw: st.DrawFn) -> Any:
    """Replace one leaf (or branch) of a valid scenario by random JSON."""
    if isinstance(data, dict) and data:
        key = draw(st.sampled_from(sorted(data)))
        if draw(st.booleans()):
            return {**data, key: draw(json_values)}
        return {**data, key: _mutate(data[key], draw)}
    if isinstance(data, list) and data:
        i = draw(st.integers(0, len(data) - 1))
        return [*data[:i], _mutate(data[i], draw), *data[i + 1 :]]
    return draw(json_values)


@FUZZ
@given(data=st.data(), suffix=st.sampled_from([".json", ".yaml"]))
def test_scenario_files_load_or_fail_cleanly(
    data: st.DataObject, suffix: str, tmp_path: Path
) -> None:
    document = data.draw(st.one_of(json_values, scenarios().map(lambda s: _mutate(s, data.draw))))
    path = tmp_path / f"fuzz{suffix}"
    text = json.dumps(document) if suffix == ".json" else yaml.safe_dump(document)
    path.write_text(text, encoding="utf-8")
    try:
        scenario = load_scenario(path)
    except ScenarioError as error:
        assert error.message.startswith(str(path)), error.message
        return
    try:
        compute(scenario)  # a valid scenario always computes
    except CrmRoiError as error:  # pragma: no cover - would be a bug
        pytest.fail(f"valid scenario did not compute: {error}")


@FUZZ
@given(text=st.text(max_size=300), suffix=st.sampled_from([".json", ".yaml", ".yml"]))
def test_arbitrary_text_as_a_scenario_file(text: str, suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"text{suffix}"
    path.write_text(text, encoding="utf-8")
    try:
        assert isinstance(load_scenario(path), Scenario)
    except ScenarioError as error:
        assert error.message.startswith(str(path))


@pytest.fixture(scope="module")
def genuine(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("fuzz")
    scenario = load_scenario("examples/marketing-channels.json")
    return export_workbook(scenario, folder / "genuine.xlsx").read_bytes()


def _read(path: Path) -> None:
    try:
        read_workbook(path)
    except WorkbookError as error:
        assert error.message.startswith(str(path)), error.message


@FUZZ
@given(data=st.data())
def test_corrupted_workbook_bytes(genuine: bytes, data: st.DataObject, tmp_path: Path) -> None:
    damaged = bytearray(genuine)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(damaged) - 1))
        damaged[position] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        damaged = damaged[: data.draw(st.integers(0, len(damaged)))]
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(damaged))
    _read(path)


@FUZZ
@given(data=st.data())
def test_mutated_xml_parts(genuine: bytes, data: st.DataObject, tmp_path: Path) -> None:
    """Valid zips whose XML has been tampered with: garbage, cut, swapped values."""
    with zipfile.ZipFile(io.BytesIO(genuine)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    name = data.draw(st.sampled_from(sorted(n for n in parts if n.endswith(".xml"))))
    xml = parts[name]
    where = data.draw(st.integers(0, len(xml)))
    how = data.draw(st.sampled_from(["insert", "cut", "number-to-text", "text-to-number"]))
    if how == "insert":
        junk = data.draw(st.text(max_size=40)).encode("utf-8", "surrogatepass")
        xml = xml[:where] + junk + xml[where:]
    elif how == "cut":
        xml = xml[:where]
    elif how == "number-to-text":
        xml = xml.replace(b"<v>", b"<v>abc", data.draw(st.integers(1, 5)))
    else:
        xml = xml.replace(b"<t>", b"<t>-1e308", data.draw(st.integers(1, 5)))
    parts[name] = xml
    path = tmp_path / "tampered.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    _read(path)
