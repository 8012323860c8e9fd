"""The JSON Schema of a scenario file, in the keywords validators and editors read.

``crmroi schema`` prints it and ``docs/scenario.schema.json`` holds it. pydantic
writes the bounds of a type whose before-validator reads typed text (``12 000``,
``10 %``) as its own ``ge``/``le`` keys; :func:`scenario_json_schema` writes them
as standard ``minimum``/``maximum`` and lets every number be typed as text.
"""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from .model import Scenario
from .numbers import NUMBER_TEXT

__all__ = ["scenario_json_schema"]

#: pydantic's names of the bounds it writes into a JSON Schema as they are when it cannot
#: put them on the number itself (a bound after a validator, as in ``Amount`` and ``Share``;
#: a pydantic limitation, its own GitHub issue #11576), with the JSON Schema keyword of each and how two bounds of one
#: kind combine (the stricter). The bound is renamed here rather than put before the
#: validator in the type, which would change the model's errors (the text typed, ``"-5"``,
#: would no longer be the input they show).
_BOUNDS = {
    "ge": ("minimum", max),
    "gt": ("exclusiveMinimum", max),
    "le": ("maximum", min),
    "lt": ("exclusiveMaximum", min),
}


#: What pydantic's JSON Schema generator turns into a JSON Schema (its own alias is private).
_SchemaOrField = (
    CoreSchema
    | core_schema.ModelField
    | core_schema.DataclassField
    | core_schema.TypedDictField
    | core_schema.ComputedField
)


class _ScenarioJsonSchema(GenerateJsonSchema):
    """pydantic's JSON Schema in the keywords validators and editors read.

    * every bound is a standard keyword (``minimum`` ...), never pydantic's ``ge``;
    * a number may also be typed as text (``12 000``, ``10 %``: :data:`NUMBER_TEXT`),
      as :func:`~crmroi_xl.scenario.values.read_number` reads it: every number of the scenario
      goes through it, so every number is ``number`` (or ``integer``) or ``string``,
      its bounds checking numbers and its pattern checking text;
    * ``$schema`` names the draft, so an editor knows which one it reads.
    """

    def generate(self, schema: CoreSchema, mode: JsonSchemaMode = "validation") -> JsonSchemaValue:
        return {"$schema": self.schema_dialect, **super().generate(schema, mode)}

    def generate_inner(self, schema: _SchemaOrField) -> JsonSchemaValue:
        json_schema = super().generate_inner(schema)
        for name in _BOUNDS.keys() & json_schema.keys():
            keyword, stricter = _BOUNDS[name]
            value = json_schema.pop(name)
            json_schema[keyword] = stricter(value, json_schema.get(keyword, value))
        return json_schema

    def int_schema(self, schema: core_schema.IntSchema) -> JsonSchemaValue:
        return _or_text(super().int_schema(schema))

    def float_schema(self, schema: core_schema.FloatSchema) -> JsonSchemaValue:
        return _or_text(super().float_schema(schema))


def _or_text(json_schema: JsonSchemaValue) -> JsonSchemaValue:
    return {**json_schema, "type": [json_schema["type"], "string"], "pattern": NUMBER_TEXT}


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (JSON Schema draft 2020-12).

    ``crmroi schema`` prints it and ``docs/scenario.schema.json`` holds it, for
    editors: a YAML file starting with ``# yaml-language-server:
    $schema=<path or URL of the schema>`` is completed and checked as it is typed.
    It says every field, its description, default, bounds and choices; what it
    cannot say (rules across fields: a line's driver, a year within the horizon,
    a percentage typed as 22 for a KPI in percent ...) the model still checks.

    >>> schema = scenario_json_schema()
    >>> schema["$schema"], schema["required"], schema["$defs"]["CostLine"]["required"]
    ('https://json-schema.org/draft/2020-12/schema', ['assumptions'], ['label', 'category'])
    >>> share = schema["$defs"]["Assumptions"]["properties"]["cost_risk"]
    >>> share["type"], share["minimum"], share["maximum"], share["default"]
    (['number', 'string'], 0, 1, 0.0)
    """
    return Scenario.model_json_schema(schema_generator=_ScenarioJsonSchema)
