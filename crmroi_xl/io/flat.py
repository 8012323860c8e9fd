"""The flat format: one scenario per row of a CSV file or a worksheet.

People who keep their scenarios in a spreadsheet write one scenario per row,
under column names derived from the scenario model (never typed twice):

* the assumptions by their own names: ``name``, ``currency``,
  ``horizon_years``, ``discount_rate``, ``start_year``, ``language``,
  ``benefit_risk``, ``cost_risk``, and the adoption ramp-up as
  ``adoption_1`` ... ``adoption_10``;
* the customer economics with the prefix ``customers_``:
  ``customers_margin_per_customer``, ``customers_retention_rate`` ...;
* numbered lines, ``cost_N_FIELD``, ``benefit_N_FIELD``, ``kpi_N_FIELD`` and
  ``channel_N_FIELD`` (N from 1): ``cost_1_label``, ``cost_1_category``,
  ``cost_1_seats``, ``benefit_2_amount_per_year``, ``kpi_1_before`` ...

A blank cell is an absent value (the model's default applies); a line is
present when any of its cells is filled, and lines keep their order (gaps in
the numbering are allowed). Numbers may be typed with a decimal comma (except
in comma-separated files, where ``1,5`` is ambiguous and refused; there ``1.234``,
a thousand in German Excel, is refused too), with spaces
between thousands and a trailing ``%`` (``10 %`` is 0.1); yes/no columns take
``yes``/``no``, ``oui``/``non``, ``true``/``false``, ``vrai``/``faux`` or
``1``/``0``. Text is kept exactly as typed.

Errors name the row and the column, one line per problem, in the row's
``language`` when it gives one, else in English::

    scenarios.csv: row 12: cost_2_seats: must be >= 0, got -3

>>> row = {"name": "PME", "cost_1_label": "CRM", "cost_1_category": "licences",
...        "cost_1_seats": "20", "cost_1_price_per_seat_month": "50"}
>>> data_from_row(row)["costs"]
[{'label': 'CRM', 'category': 'licences', 'seats': 20, 'price_per_seat_month': 50}]
>>> scenario_from_row({**row, "cost_1_seats": "-3"}, source="scenarios.csv: row 12")
Traceback (most recent call last):
crmroi_xl.errors.ScenarioError: scenarios.csv: row 12: cost_1_seats: must be >= 0, got -3

Writing flat files (and a scenario as a row) and the column reference are in
:mod:`crmroi_xl.io.flatwrite`.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from ..errors import ScenarioError
from ..excel.choices import choice_code, yes_no
from ..scenario.labels import Lang
from ..scenario.messages import MAX_ECHO, describe_error, error_items, message, shown
from ..scenario.model import USER_INPUT, Scenario
from ..scenario.numbers import Ambiguous, parse_number
from .flatoptions import LINE_KEYS, OPTION_COLUMN, OPTION_INFO, split_options

__all__ = [
    "COLUMNS",
    "FIELDS",
    "MAX_COLUMNS",
    "MAX_FLAT_BYTES",
    "NOT_FLAT",
    "SECTIONS",
    "Column",
    "FieldSpec",
    "FlatRow",
    "Kind",
    "Section",
    "Unreadable",
    "check_columns",
    "data_from_row",
    "flat_columns",
    "parse_column",
    "scenario_from_row",
]

#: A flat file larger than this is refused before reading (10 000 rows take about 20 MB).
MAX_FLAT_BYTES = 100 * 1024 * 1024

#: Columns a row of a CSV file may have: as many as a worksheet (A to XFD).
MAX_COLUMNS = 16_384

Kind = Literal["text", "choice", "number", "integer", "yes/no"]


@dataclass(frozen=True)
class FieldSpec:
    """One field of a section as the flat format sees it."""

    name: str
    kind: Kind
    #: 0 for one value; N for a list written as ``NAME_1`` .. ``NAME_N``.
    repeat: int
    choices: tuple[str, ...]
    info: FieldInfo
    #: The constraints (Ge, Le, MaxLen ...) of the value, or of each item of a list.
    metadata: tuple[Any, ...]
    #: A field of a record nested in the section (``targets`` of the assumptions): its
    #: column is ``PARENT_FIELD`` (``targets_npv``), its value ``data[PARENT][FIELD]``.
    parent: str = ""

    @property
    def key(self) -> str:
        """The field's name in its own record (``npv`` of ``targets_npv``)."""
        return self.name.removeprefix(f"{self.parent}_") if self.parent else self.name


@dataclass(frozen=True)
class Section:
    """A part of the scenario: one record (assumptions, customers) or numbered lines."""

    key: str  # the Scenario field: "assumptions", "costs", ...
    prefix: str  # "" (assumptions), "customers_", or "cost", "benefit" ... for lines
    lines: int  # 0 for one record, else the most lines the model allows
    fields: tuple[FieldSpec, ...]
    model: type[BaseModel]  # the section's model: Assumptions, CostLine ...

    def column(self, spec: FieldSpec, number: int = 0, item: int = 0) -> str:
        """Column name of a field (of line ``number``, list item ``item``, from 1)."""
        base = f"{self.prefix}_{number}_{spec.name}" if self.lines else self.prefix + spec.name
        return f"{base}_{item}" if spec.repeat else base


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The annotation without ``| None`` and ``Annotated``; whether None is allowed."""
    optional = False
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        (annotation,) = args
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation, optional


def _max_length(info: FieldInfo) -> int:
    lengths = [m.max_length for m in info.metadata if hasattr(m, "max_length")]
    if not lengths:
        raise TypeError(f"{info}: a list field needs a maximum length for the flat format")
    return int(lengths[0])


def _annotated_metadata(annotation: Any) -> tuple[Any, ...]:
    """The constraints carried by ``Annotated[...]`` (inside ``| None`` too)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return sum((_annotated_metadata(a) for a in typing.get_args(annotation)), ())
    out: tuple[Any, ...] = ()
    if typing.get_origin(annotation) is typing.Annotated:
        for extra in typing.get_args(annotation)[1:]:
            out += tuple(extra.metadata) if isinstance(extra, FieldInfo) else (extra,)
    return out


def _field_spec(name: str, info: FieldInfo) -> FieldSpec:
    annotation, _ = _unwrap(info.annotation)
    repeat = 0
    metadata = (*info.metadata, *_annotated_metadata(info.annotation))
    if typing.get_origin(annotation) is list:
        repeat = _max_length(info)
        item = typing.get_args(annotation)[0]
        metadata = _annotated_metadata(item)
        annotation, _ = _unwrap(item)
    choices: tuple[str, ...] = ()
    kind: Kind
    if annotation is bool:
        kind = "yes/no"
    elif annotation is int:
        kind = "integer"
    elif annotation is float:
        kind = "number"
    elif isinstance(annotation, type) and issubclass(annotation, Enum):
        kind, choices = "choice", tuple(str(member.value) for member in annotation)
    elif typing.get_origin(annotation) is Literal:
        kind, choices = "choice", tuple(str(a) for a in typing.get_args(annotation))
    elif annotation is str:
        kind = "text"
    else:
        raise TypeError(f"{name}: no flat form for the type {annotation!r}")
    return FieldSpec(name, kind, repeat, choices, info, metadata)


def _nested_specs(name: str, info: FieldInfo) -> tuple[FieldSpec, ...]:
    """A field's specs: itself, or each field of the record it holds (``targets``:
    ``targets_payback_months``, ``targets_npv``, ``targets_roi``)."""
    annotation, _ = _unwrap(info.annotation)
    if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        return (_field_spec(name, info),)
    return tuple(
        replace(_field_spec(f"{name}_{n}", i), parent=name)
        for n, i in annotation.model_fields.items()
    )


#: Scenario fields with no flat form yet: the options (one business case a row).
NOT_FLAT = frozenset({"options", "status_quo"})


def _sections() -> tuple[Section, ...]:
    """The sections of :class:`Scenario`: one-record sections first, then the lines."""
    records, lines = [], []
    for key, info in Scenario.model_fields.items():
        if key in NOT_FLAT:
            continue
        annotation, optional = _unwrap(info.annotation)
        count = 0
        if typing.get_origin(annotation) is list:
            count = _max_length(info)
            (annotation,) = typing.get_args(annotation)
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            raise TypeError(f"{key}: no flat form for the section type {annotation!r}")
        specs = tuple(
            spec for n, i in annotation.model_fields.items() for spec in _nested_specs(n, i)
        )
        if key in LINE_KEYS:  # the option a line belongs to (crmroi_xl.io.flatoptions)
            specs += (_field_spec(OPTION_COLUMN, OPTION_INFO),)
        if count:
            lines.append(Section(key, key.removesuffix("s"), count, specs, annotation))
        else:
            records.append(Section(key, f"{key}_" if optional else "", 0, specs, annotation))
    return (*records, *lines)


#: The sections of the flat format, in column order.
SECTIONS: tuple[Section, ...] = _sections()
_BY_KEY = {section.key: section for section in SECTIONS}
_LINE_PREFIXES = {section.prefix: section for section in SECTIONS if section.lines}
_LINE_COLUMN = re.compile(r"^([a-z]+)_([1-9][0-9]*)_([a-z_0-9]+?)$")


@dataclass(frozen=True)
class Column:
    """The field a column name stands for."""

    section: Section
    spec: FieldSpec
    number: int  # line number from 1 (0 for a one-record section)
    item: int  # list item from 1 (0 for a single value)


def _record_columns() -> dict[str, Column]:
    out = {}
    for section in SECTIONS:
        if section.lines:
            continue
        for spec in section.fields:
            for item in range(1, spec.repeat + 1) if spec.repeat else [0]:
                out[section.column(spec, 0, item)] = Column(section, spec, 0, item)
    return out


_RECORD_COLUMNS = _record_columns()

#: Every column of one-record sections, in order (assumptions, adoption_1..10, customers_*).
COLUMNS: tuple[str, ...] = tuple(_RECORD_COLUMNS)

#: Field names of each section (``"costs"`` -> ``("label", "category", ...)``).
FIELDS: dict[str, tuple[str, ...]] = {
    section.key: tuple(spec.name for spec in section.fields) for section in SECTIONS
}


def flat_columns(
    *, costs: int = 1, benefits: int = 1, kpis: int = 1, channels: int = 1
) -> list[str]:
    """Every column name for the given numbers of lines, in the documented order.

    >>> columns = flat_columns(costs=2, benefits=0, kpis=0, channels=0)
    >>> columns[:3], columns[-1]
    (['name', 'currency', 'horizon_years'], 'cost_2_option')
    >>> "customers_margin_per_customer" in columns, "adoption_10" in columns
    (True, True)
    """
    counts = {"costs": costs, "benefits": benefits, "kpis": kpis, "channels": channels}
    out = list(COLUMNS)
    for section in SECTIONS:
        if not section.lines:
            continue
        count = counts[section.key]
        if not 0 <= count <= section.lines:
            raise ValueError(f"{section.key}: from 0 to {section.lines} lines, got {count}")
        for number in range(1, count + 1):
            for spec in section.fields:
                items = range(1, spec.repeat + 1) if spec.repeat else [0]
                out.extend(section.column(spec, number, item) for item in items)
    return out


def parse_column(name: str) -> Column | None:
    """The field a column name stands for; None when unknown."""
    column = _RECORD_COLUMNS.get(name)
    if column is not None:
        return column
    match = _LINE_COLUMN.match(name)
    if match is None:
        return None
    section = _LINE_PREFIXES.get(match.group(1))
    if section is None:
        return None
    number, rest = int(match.group(2)), match.group(3)
    if number > section.lines:
        return None
    spec = next((s for s in section.fields if s.name == rest and not s.repeat), None)
    if spec is not None:
        return Column(section, spec, number, 0)
    field, _, item = rest.rpartition("_")  # a list of the line: cost_1_seats_by_year_2
    spec = next((s for s in section.fields if s.name == field and s.repeat), None)
    if spec is None or not item.isdigit() or not 1 <= int(item) <= spec.repeat:
        return None
    return Column(section, spec, number, int(item))


def _suggestion(name: str) -> str:
    match = re.match(r"^([a-z]+)_([0-9]+)_", name)
    candidates = list(COLUMNS)
    section = _LINE_PREFIXES.get(match.group(1)) if match else None
    if match and section is not None:
        number = int(match.group(2))
        if not 1 <= number <= section.lines:
            return f" (lines are numbered 1 to {section.lines})"
        candidates += [section.column(spec, number) for spec in section.fields]
    else:
        candidates += [s.column(spec, 1) for s in _LINE_PREFIXES.values() for spec in s.fields]
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    return f" (did you mean {close[0]}?)" if close else ""


def check_columns(names: Iterable[str], source: str) -> None:
    """Refuse unknown and repeated column names, named in one error (the first ten)."""
    seen: set[str] = set()
    unknown, repeated = [], []
    for name in names:
        if parse_column(name) is None:
            hint = _suggestion(name) if len(name) <= MAX_ECHO else ""
            unknown.append(f"{shown(name, limit=MAX_ECHO)}{hint}")
        elif name in seen:
            repeated.append(name)
        seen.add(name)
    problems = []
    if unknown:
        problems.append(
            f"{source}: unknown column{'s' if len(unknown) > 1 else ''}: {_some(unknown)}; "
            "the columns are listed in docs/batch.md"
        )
    if repeated:
        problems.append(f"{source}: column given twice: {_some(repeated)}")
    if problems:
        raise ScenarioError("\n".join(problems))


def _some(names: list[str], shown_at_most: int = 10) -> str:
    more = len(names) - shown_at_most
    return ", ".join(names[:shown_at_most]) + (f" and {more} more" if more > 0 else "")


# --- cell values ----------------------------------------------------------------

_BLANK = object()


def _cell(value: Any, spec: FieldSpec, decimal_comma: bool) -> Any:
    """A cell's value for the model (``_BLANK`` when blank); left as is when unreadable."""
    if value is None:
        return _BLANK
    if spec.kind == "text":
        if isinstance(value, str):
            return value if value else _BLANK
        if isinstance(value, float) and value.is_integer():
            return str(int(value))  # a number typed in a text column of a worksheet
        return str(value)
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return _BLANK
    if spec.kind in ("number", "integer"):
        return parse_number(text, decimal_comma=decimal_comma)
    if spec.kind == "yes/no":  # as the workbook reads its drop-down (oui, yes, true ...)
        return text if (answer := yes_no(text)) is None else answer
    if spec.kind == "choice":  # a code, or a label of the workbook's drop-down
        return choice_code(spec.choices, text) or text
    return text


@dataclass(frozen=True)
class Unreadable:
    """A cell whose value cannot be read (e.g. a formula never calculated)."""

    reason: str


# --- row <-> scenario -------------------------------------------------------------


def _assemble(
    row: Mapping[str, Any], decimal_comma: bool, lang: Lang | None = None
) -> tuple[dict[str, Any], _Numbers, list[str]]:
    """The nested data, each section's line numbers in order (and those of the options'
    lines), and the cells' problems."""
    language: Lang = lang or ("fr" if row.get("language") == "fr" else "en")  # as _language
    records: dict[str, dict[str, Any]] = {}
    lists: dict[tuple[str, int, str], dict[int, Any]] = {}  # (section, line, field) -> items
    lines: dict[str, dict[int, dict[str, Any]]] = {}
    problems = []
    for name, raw in row.items():
        column = parse_column(name)
        if column is None:  # callers check the names first; a mapping may hold anything
            raise ScenarioError(f"unknown column: {name}{_suggestion(name)}")
        if isinstance(raw, Unreadable):
            problems.append(f"{name}: {raw.reason}")
            continue
        value = _cell(raw, column.spec, decimal_comma)
        if value is _BLANK:
            continue
        if isinstance(value, Ambiguous):  # 1.234 where the comma is the decimal mark
            problems.append(f"{name}: {message('ambiguous_number', language, value)}")
            continue
        section, spec = column.section, column.spec
        if spec.repeat:
            lists.setdefault((section.key, column.number, spec.name), {})[column.item] = value
        elif section.lines:
            lines.setdefault(section.key, {}).setdefault(column.number, {})[spec.name] = value
        elif spec.parent:
            records.setdefault(section.key, {}).setdefault(spec.parent, {})[spec.key] = value
        else:
            records.setdefault(section.key, {})[spec.name] = value
    for (key, number, name), items in sorted(lists.items()):
        count = max(items)
        gaps = [i for i in range(1, count) if i not in items]
        section = _BY_KEY[key]
        if gaps:
            spec = next(s for s in section.fields if s.name == name)
            problems.append(
                f"{section.column(spec, number, gaps[0])}: blank, but "
                f"{section.column(spec, number, count)} is given; fill the values in order"
            )
        if number:  # a list of a numbered line
            target = lines.setdefault(key, {}).setdefault(number, {})
        else:
            target = records.setdefault(key, {})
        target[name] = [items[i] for i in sorted(items)]
    data: dict[str, Any] = {"assumptions": records.pop("assumptions", {})}
    data.update(records)
    numbers: dict[str, list[int]] = {}
    for section in SECTIONS:
        if section.key in lines:
            numbered = lines[section.key]
            numbers[section.key] = sorted(numbered)
            data[section.key] = [numbered[n] for n in numbers[section.key]]
    return data, _Numbers(numbers, split_options(data, numbers)), problems


def data_from_row(row: Mapping[str, Any], *, decimal_comma: bool = True) -> dict[str, Any]:
    """The nested scenario data of a flat row, as :func:`~crmroi_xl.io.loader.scenario_from_data`
    validates it. Blank cells (None, "") are left out; numbers in text are converted.

    >>> data_from_row({"name": "A", "adoption_1": "50 %", "adoption_2": 1, "customers_retention_rate": ""})
    {'assumptions': {'name': 'A', 'adoption': [0.5, 1]}}
    """
    data, _, problems = _assemble(row, decimal_comma)
    if problems:
        raise ScenarioError("\n".join(problems))
    return data


@dataclass(frozen=True)
class _Numbers:
    """The flat numbers of a row's lines: each section's shared lines in order, and each
    option's line by its place (``("options", 0, "costs", 1)``)."""

    lines: dict[str, list[int]]
    options: dict[tuple[str, int, str, int], int]


def _column_of(loc: tuple[int | str, ...], found: _Numbers) -> str:
    """The flat column a validation error location points to."""
    numbers = found.lines
    if loc and loc[0] == "options":  # an option's line: its own columns
        if len(loc) > 3 and isinstance(loc[1], int) and isinstance(loc[3], int):
            number = found.options[("options", loc[1], str(loc[2]), loc[3])]
            numbers = {str(loc[2]): [number]}
            loc = (str(loc[2]), 0, *loc[4:])
        else:  # the options as a whole, or one's name: the option columns
            mine = [(p[2], n) for p, n in found.options.items() if len(loc) > 1 and p[1] == loc[1]]
            if not mine:
                return "cost_N_option"
            key, number = min(mine)  # its first cost line, else its first benefit line
            return f"{_BY_KEY[key].prefix}_{number}_{OPTION_COLUMN}"
    section = _BY_KEY.get(str(loc[0])) if loc else None
    if section is None:
        return "(row)"
    rest = loc[1:]
    if section.lines:
        if not rest or not isinstance(rest[0], int):
            return f"{section.prefix}_N"
        number = numbers[section.key][rest[0]]
        rest = rest[1:]
        if not rest:
            return f"{section.prefix}_{number}"
    else:
        number = 0
        if not rest:
            return section.key if not section.prefix else section.prefix.rstrip("_")
    spec = next((s for s in section.fields if s.name == rest[0]), None)
    if spec is None and len(rest) > 1:  # a field of a nested record: targets_npv
        spec = next((s for s in section.fields if (s.parent, s.key) == rest[:2]), None)
    if spec is None:
        return str(rest[0])
    if spec.repeat:
        if len(rest) > 1 and isinstance(rest[1], int):
            return section.column(spec, number, rest[1] + 1)
        return spec.name
    return section.column(spec, number)


def _validate(
    row: Mapping[str, Any],
    source: str,
    decimal_comma: bool,
    problems: Sequence[str] = (),
    lang: Lang | None = None,
) -> Scenario:
    data, numbers, cell_problems = _assemble(row, decimal_comma, lang)
    found = [*problems, *cell_problems]
    if not found:
        try:
            return Scenario.model_validate(data, context=USER_INPUT)
        except ValidationError as error:
            language: Lang = lang or _language(data)
            found = [
                f"{_column_of(item['loc'], numbers)}: {describe_error(item, language)}"
                if item["loc"]
                else describe_error(item, language)
                for item in error_items(error)
            ]
    raise ScenarioError("\n".join(f"{source}: {line}" for line in found))


def _language(data: Mapping[str, Any]) -> Lang:
    language = data.get("assumptions", {}).get("language")
    return "fr" if language == "fr" else "en"


def scenario_from_row(
    row: Mapping[str, Any],
    *,
    source: str = "row",
    decimal_comma: bool = True,
    lang: Lang | None = None,
) -> Scenario:
    """Validate a flat row into a Scenario; errors name ``source`` and the column.

    Problems are worded in ``lang``, else in the row's ``language``, else in English.

    >>> scenario_from_row({"name": "A", "horizon_years": "12"}, source="s.csv: row 3")
    Traceback (most recent call last):
    crmroi_xl.errors.ScenarioError: s.csv: row 3: horizon_years: must be <= 10, got 12
    >>> scenario_from_row({"name": "A", "language": "fr"}, source="s.csv: row 4")
    Traceback (most recent call last):
    crmroi_xl.errors.ScenarioError: s.csv: row 4: cas vide : aucun coût et aucun bénéfice ; ajoutez au moins une ligne à costs ou à benefits
    """
    check_columns(row, source)
    return _validate(row, source, decimal_comma, lang=lang)


# --- files ------------------------------------------------------------------------


@dataclass(frozen=True)
class FlatRow:
    """One non-blank row of a flat file: its spreadsheet row number and its cells."""

    number: int
    cells: dict[str, Any]
    decimal_comma: bool = True
    problems: tuple[str, ...] = ()

    @property
    def name(self) -> str | None:
        """The scenario name typed on the row, if any (even when the row is invalid)."""
        name = _cell(self.cells.get("name"), _RECORD_COLUMNS["name"].spec, False)
        return name if isinstance(name, str) else None

    def scenario(self, source: str, lang: Lang | None = None) -> Scenario:
        """Validate the row; errors are prefixed with ``source`` (e.g. ``"s.csv: row 4"``)
        and worded in ``lang``, else in the row's ``language``, else in English."""
        return _validate(self.cells, source, self.decimal_comma, self.problems, lang)
