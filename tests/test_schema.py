"""`crmroi schema` is a JSON Schema an editor can use (issue 18, item 5).

It passes the JSON Schema metaschema, uses the standard keywords only, takes
every example, requires only what a file must give, and every bound the model
enforces on one field is in it: a value beyond the bound is refused by the
schema and by the model alike. The bounds are read from the schema itself, so
a new bounded field is covered without a new test; the explicit table below
pins the values a finance user meets (a negative amount, a share of 150 % ...).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from crmroi_xl.cli.main import main
from crmroi_xl.io.documents import load_document, parse_document
from crmroi_xl.scenario.model import USER_INPUT, Scenario
from crmroi_xl.scenario.numbers import NUMBER_TEXT, parse_number
from crmroi_xl.scenario.schema import scenario_json_schema
from crmroi_xl.scenario.values import MAX_AMOUNT

SCHEMA_FILE = Path("docs/scenario.schema.json")
REGENERATE = f"{SCHEMA_FILE} is out of date: regenerate it with `crmroi schema > {SCHEMA_FILE}`"
SCHEMA = scenario_json_schema()
VALIDATOR = Draft202012Validator(SCHEMA)

Where = tuple[str | int, ...]

#: A valid scenario with one object of every kind, each with only a few fields, at a
#: 10-year horizon (so a year at its bound is within the horizon). The KPI is in days:
#: a KPI in percent refuses values above 1, a rule across fields.
BASE: dict[str, Any] = {
    "assumptions": {"name": "Base", "horizon_years": 10, "adoption": [0.5]},
    "costs": [{"label": "Licences", "category": "licences", "amount_per_year": 1000}],
    "benefits": [{"label": "Time", "category": "time_saved", "amount_per_year": 5000}],
    "kpis": [{"kind": "sales_cycle", "before": 60, "after": 45}],
    "channels": [{"name": "Ads", "spend": 1000}],
    "customers": {"margin_per_customer": 100, "retention_rate": 0.8},
    "options": [
        {
            "name": "A",
            "description": "Vendor A",
            "costs": [{"label": "Licences A", "category": "licences", "amount_per_year": 900}],
            "benefits": [{"label": "Time A", "category": "time_saved", "amount_per_year": 50}],
            "adoption": [0.5],
            "cost_risk": 0.1,
            "benefit_risk": 0.1,
        },
        {"name": "Status quo"},
    ],
    "status_quo": "Status quo",
}


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _objects() -> Iterator[tuple[Where, dict[str, Any]]]:
    """Every object of :data:`BASE` with its schema (the scenario itself first)."""
    yield (), SCHEMA
    for name, node in SCHEMA["properties"].items():
        node = next((b for b in node.get("anyOf", [node]) if b.get("type") != "null"), node)
        if "items" in node:
            yield (name, 0), _resolve(node["items"])
        elif "properties" in _resolve(node):  # an object (status_quo is a name)
            yield (name,), _resolve(node)


def _branches(node: dict[str, Any]) -> list[dict[str, Any]]:
    """A field's schema without its ``null`` branch (an optional value)."""
    return [_resolve(b) for b in node.get("anyOf", [node]) if b.get("type") != "null"]


def _get(document: Any, path: Where) -> Any:
    for step in path:
        document = document[step]
    return document


def _with(path: Where, value: Any, *, drop: bool = False) -> dict[str, Any]:
    """:data:`BASE` with ``value`` at ``path`` (or without the key at ``path``)."""
    document = copy.deepcopy(BASE)
    parent = _get(document, path[:-1])
    if drop:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return document


def _schema_errors(document: Any) -> list[tuple[Where, str]]:
    """Where and why the schema refuses ``document``: each error, and for an ``anyOf``
    (an optional value: the value or null) why each of its branches refuses it."""
    errors = list(VALIDATOR.iter_errors(document))
    found = []
    while errors:
        error = errors.pop(0)
        found.append((tuple(error.absolute_path), str(error.validator)))
        errors.extend(error.context or [])
    return found


def _model_errors(document: Any) -> list[tuple[Where, str]]:
    try:
        Scenario.model_validate(document, context=USER_INPUT)
    except ValidationError as error:
        return [(tuple(e["loc"]), e["type"]) for e in error.errors()]
    return []


def _a_number(node: dict[str, Any]) -> float:
    """A number the field takes."""
    return node.get("minimum", min(node.get("maximum", 1), 1))


# --- the schema itself -------------------------------------------------------------------

#: Every keyword of draft 2020-12 (its validators) and its annotations.
KEYWORDS = set(Draft202012Validator.VALIDATORS) | {
    "$schema",
    "$defs",
    "title",
    "description",
    "default",
    "examples",
}


def _keywords(node: Any) -> Iterator[str]:
    if not isinstance(node, dict):
        return
    yield from node
    for key in ("properties", "$defs"):
        for child in node.get(key, {}).values():
            yield from _keywords(child)
    for key in ("anyOf", "allOf", "oneOf"):
        for child in node.get(key, []):
            yield from _keywords(child)
    yield from _keywords(node.get("items"))
    yield from _keywords(node.get("additionalProperties"))


def test_the_schema_passes_the_metaschema_of_its_draft() -> None:
    assert SCHEMA["$schema"] == Draft202012Validator.META_SCHEMA["$id"]
    Draft202012Validator.check_schema(SCHEMA)


def test_the_schema_uses_standard_keywords_only() -> None:
    used = set(_keywords(SCHEMA))
    assert used - KEYWORDS == set()  # pydantic's own "ge", "le" ... read by no validator
    assert {"minimum", "maximum", "minLength", "maxLength", "maxItems", "enum"} <= used


def test_docs_holds_what_crmroi_schema_prints(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed) == SCHEMA
    assert SCHEMA_FILE.read_text(encoding="utf-8") == printed, REGENERATE


def test_the_schema_describes_every_field() -> None:
    for path, node in _objects():
        for name, field in node["properties"].items():
            assert field.get("description") or path == (), f"{path}.{name} has no description"


# --- files ---------------------------------------------------------------------------------


def _example(path: Path) -> Any:
    return load_document(path, 1_000_000, "JSON" if path.suffix == ".json" else "YAML")


@pytest.mark.parametrize(
    "path", [*sorted(Path("examples").iterdir()), Path("crmroi_xl/scenario/demo.yaml")], ids=str
)
def test_every_example_is_valid(path: Path) -> None:
    document = _example(path)
    assert _schema_errors(document) == []
    assert _model_errors(document) == []


def test_the_readme_scenario_is_valid() -> None:
    readme = Path("README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", readme, flags=re.DOTALL)
    assert block is not None
    document = parse_document(block.group(1), "YAML", "README.md")
    assert _schema_errors(document) == [] and _model_errors(document) == []


@pytest.mark.parametrize("path", sorted(Path("examples").glob("*.yaml")), ids=lambda p: p.name)
def test_every_yaml_example_names_the_schema_for_editors(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match is not None, first
    assert (path.parent / match.group(1)).resolve() == SCHEMA_FILE.resolve()


def test_the_base_document_is_valid() -> None:
    assert _schema_errors(BASE) == [] and _model_errors(BASE) == []


# --- required ------------------------------------------------------------------------------


def test_only_what_a_file_must_give_is_required() -> None:
    """Each object cut to its required fields is valid (nature, driver, unit ... are
    filled by the model); without any one of them, both refuse it."""
    minimal = copy.deepcopy(BASE)
    required = 0
    for path, node in _objects():
        if path:  # every section stays, each object cut to what it requires
            target = _get(minimal, path)
            for name in set(target) - set(node.get("required", [])):
                del target[name]
        for name in node.get("required", []):
            required += 1
            document = _with((*path, name), None, drop=True)
            assert ((*path, name), "missing") in _model_errors(document)
            assert (path, "required") in _schema_errors(document)
    assert _schema_errors(minimal) == [] and _model_errors(minimal) == []
    assert minimal["costs"] == [{"label": "Licences", "category": "licences"}]
    assert required == 14  # the assumptions and their name; a line's label and category ...


# --- bounds read from the schema ------------------------------------------------------------


def _beyond(keyword: str, bound: Any, node: dict[str, Any]) -> Any:
    """A value just beyond ``bound`` of ``keyword`` (None when the keyword is no bound)."""
    item = node.get("items", {})
    match keyword:
        case "minimum":
            return bound - 1
        case "maximum":
            return bound + 1 if abs(bound) < 2**52 else bound * 2
        case "exclusiveMinimum" | "exclusiveMaximum":
            return bound
        case "minLength":
            return "x" * (bound - 1)
        case "maxLength":
            return "x" * (bound + 1)
        case "minItems":
            return [_an_item(item)] * (bound - 1)
        case "maxItems":
            return [_an_item(item)] * (bound + 1)
        case "pattern":
            return "dix"  # no number, no currency code
        case "enum":
            return "nope"
    return None


def _an_item(node: dict[str, Any]) -> Any:
    node = _resolve(node)
    for path, schema in _objects():
        if schema is node:
            return _get(BASE, path)
    return _a_number(node)


BOUNDED = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"} | {
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "pattern",
    "enum",
}


def _bounds() -> Iterator[tuple[Where, str, Any, Any]]:
    """(path in :data:`BASE`, keyword, bound, a value beyond it) for every bound on a
    single field of the schema: on the field, on any of its branches, on its items."""
    for path, node in _objects():
        for name, field in node["properties"].items():
            for branch in _branches(field):
                for keyword in sorted(BOUNDED & branch.keys()):
                    bound = branch[keyword]
                    yield (*path, name), keyword, bound, _beyond(keyword, bound, branch)
                items = _resolve(branch.get("items", {}))
                for keyword in sorted(BOUNDED & items.keys()):
                    bound = items[keyword]
                    yield (*path, name, 0), keyword, bound, _beyond(keyword, bound, items)


BOUNDS = list(_bounds())


def test_the_bounds_are_read_from_the_schema() -> None:
    found = {(path[-1] if isinstance(path[-1], str) else path[-2], k) for path, k, _, _ in BOUNDS}
    assert len(BOUNDS) > 100
    assert {
        ("one_off", "minimum"),
        ("one_off", "maximum"),
        ("discount_rate", "maximum"),
        ("adoption", "maxItems"),
        ("adoption", "maximum"),  # on its items
        ("label", "maxLength"),
        ("years", "maximum"),  # on its integer branch, beside null
        ("distribution", "enum"),
        ("category", "enum"),  # through its $ref
        ("costs", "maxItems"),
        ("before", "minimum"),
        ("low", "maximum"),
    } <= found


def _instance(path: Where, value: Any) -> dict[str, Any]:
    """:data:`BASE` with ``value`` at ``path``; an item of a list of numbers (the path
    ends with its index) stands alone in its list."""
    if isinstance(path[-1], int):
        return _with(path[:-1], [value])
    return _with(path, value)


@pytest.mark.parametrize(
    ("path", "keyword", "bound", "value"),
    BOUNDS,
    ids=[f"{'.'.join(map(str, p))}-{k}" for p, k, _, _ in BOUNDS],
)
def test_beyond_every_bound_both_refuse(path: Where, keyword: str, bound: Any, value: Any) -> None:
    document = _instance(path, value)
    schema_errors = _schema_errors(document)
    assert (path, keyword) in schema_errors
    assert path in [loc for loc, _ in _model_errors(document)]


INCLUSIVE = [
    b for b in BOUNDS if b[1] in {"minimum", "maximum"} or b[1].endswith(("Length", "Items"))
]


@pytest.mark.parametrize(
    ("path", "keyword", "bound", "value"),
    INCLUSIVE,
    ids=[f"{'.'.join(map(str, p))}-{k}" for p, k, _, _ in INCLUSIVE],
)
def test_at_every_bound_neither_complains_of_the_field(
    path: Where, keyword: str, bound: Any, value: Any
) -> None:
    """The bound itself is taken: the tests above refuse the value next to it, not the
    field (the model may still refuse the line as a whole: a seat count on a line
    driven by its amount)."""
    at = value[:bound] if keyword.endswith("Items") else bound
    if keyword == "minItems":  # at least two options: the base's own
        at = _get(BASE, path)[:bound]
    if keyword.endswith("Length"):
        at = "x" * bound
    document = _instance(path, at)
    if path == ("status_quo",):  # the baseline named so
        document["options"][-1]["name"] = at
    assert [e for e in _schema_errors(document) if e[0][: len(path)] == path] == []
    assert [loc for loc, _ in _model_errors(document) if loc[: len(path)] == path] == []


# --- the bounds a finance user meets, explicitly ----------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "keyword", "error"),
    [
        # an amount is never negative, and at most what a spreadsheet keeps to the unit
        (("costs", 0, "one_off"), -1, "minimum", "greater_than_equal"),
        (("channels", 0, "spend"), -0.01, "minimum", "greater_than_equal"),
        (("channels", 0, "spend"), 2 * MAX_AMOUNT, "maximum", "too_large"),
        # a seat count is an amount: never negative
        (("costs", 0, "seats"), -3, "minimum", "greater_than_equal"),
        (("costs", 0, "seats_by_year", 0), -1, "minimum", "greater_than_equal"),
        # a share is 0 to 1: 150 % is 1.5
        (("assumptions", "cost_risk"), 1.5, "maximum", "less_than_equal"),
        (("assumptions", "discount_rate"), 10, "maximum", "less_than_equal"),
        (("assumptions", "adoption", 0), 1.2, "maximum", "less_than_equal"),
        (("customers", "retention_rate"), -0.1, "minimum", "greater_than_equal"),
        # the horizon is 1 to 10 years, a year within it
        (("assumptions", "horizon_years"), 0, "minimum", "greater_than_equal"),
        (("assumptions", "horizon_years"), 11, "maximum", "less_than_equal"),
        (("costs", 0, "years"), -1, "minimum", "greater_than_equal"),
        (("costs", 0, "one_off_year"), 11, "maximum", "less_than_equal"),
        # low 0 to 1, high 1 to 10
        (("costs", 0, "low"), 1.1, "maximum", "less_than_equal"),
        (("benefits", 0, "low"), -0.1, "minimum", "greater_than_equal"),
        (("benefits", 0, "high"), 0.9, "minimum", "greater_than_equal"),
        (("costs", 0, "high"), 11, "maximum", "less_than_equal"),
        # labels: 1 to 200 characters
        (("costs", 0, "label"), "", "minLength", "string_too_short"),
        (("benefits", 0, "label"), "x" * 201, "maxLength", "string_too_long"),
        # lists: at most one adoption share a year of the longest horizon
        (("assumptions", "adoption"), [1] * 11, "maxItems", "too_long"),
        (("costs",), [BASE["costs"][0]] * 201, "maxItems", "too_long"),
        # choices
        (("assumptions", "distribution"), "normal", "enum", "literal_error"),
        (("costs", 0, "category"), "licenses", "enum", "enum"),
        (("assumptions", "currency"), "euro", "pattern", "currency_code"),
        # the simulation: 100 to 1 000 000 runs
        (("assumptions", "simulation_runs"), 99, "minimum", "greater_than_equal"),
        (("assumptions", "simulation_runs"), 1_000_001, "maximum", "less_than_equal"),
        # a KPI value of any sign, within what a spreadsheet keeps
        (("kpis", 0, "before"), -2 * MAX_AMOUNT, "minimum", "too_large"),
        # a number typed as text that is no number
        (("costs", 0, "one_off"), "douze mille", "pattern", "float_parsing"),
        (("costs", 0, "one_off"), "1,5", "pattern", "float_parsing"),
    ],
)
def test_the_bounds_a_finance_user_meets(path: Where, value: Any, keyword: str, error: str) -> None:
    document = _instance(path, value)
    assert (path, keyword) in _schema_errors(document)
    assert _model_errors(document) == [(path, error)]


# --- numbers typed as text -------------------------------------------------------------------


def _numbers() -> Iterator[tuple[Where, dict[str, Any]]]:
    for path, node in _objects():
        for name, field in node["properties"].items():
            for branch in _branches(field):
                if "pattern" in branch and branch["pattern"] == NUMBER_TEXT:
                    yield (*path, name), branch
                items = _resolve(branch.get("items", {}))
                if items.get("pattern") == NUMBER_TEXT:
                    yield (*path, name, 0), items


NUMBERS = list(_numbers())


def test_every_number_of_the_model_may_be_typed_as_text() -> None:
    """The schema says a number may be text where the model reads text as a number:
    every number of the scenario (read_number), and nothing else."""
    numbers = {p[-1] if isinstance(p[-1], str) else p[-2] for p, _ in NUMBERS}
    assert {"horizon_years", "one_off", "seats_by_year", "adoption", "before", "clv_years"} <= (
        numbers
    )
    for path, node in NUMBERS:
        assert node["type"] in (["number", "string"], ["integer", "string"]), path
    assert "label" not in numbers and "ramp_up" not in numbers


@pytest.mark.parametrize(("path", "node"), NUMBERS, ids=[".".join(map(str, p)) for p, _ in NUMBERS])
def test_a_number_typed_as_text_is_taken_by_both(path: Where, node: dict[str, Any]) -> None:
    number = _a_number(node)
    text = f"{number:,}".replace(",", "\u202f" if number > 1000 else " ")  # as typed
    document = _instance(path, f" {text} ")
    assert [e for e in _schema_errors(document) if e[0][: len(path)] == path] == []
    assert [loc for loc, _ in _model_errors(document) if loc[: len(path)] == path] == []


@pytest.mark.parametrize(
    "text",
    [
        *("12 000", "12\u00a0000", "12\u202f000", "10 %", "-0.5", "+3", "1e3", "1 E-2", ".5"),
        *("1,5", "dix", "", "%", "-", ".", "1.2.3", "0x10", "1\t000", "e5", "12 000 €"),
    ],
)
def test_the_text_of_a_number_is_what_parse_number_reads(text: str) -> None:
    assert bool(re.match(NUMBER_TEXT, text)) == (not isinstance(parse_number(text), str))
