"""Writing the flat format: CSV and xlsx files of scenarios, and the column reference.

:mod:`crmroi_xl.io.flat` reads rows; this module writes them -- a file of
scenarios to batch (:func:`write_scenarios`), a sheet to fill
(:func:`write_rows` with no rows), the UTF-8 CSV every report uses
(:func:`csv_bytes`) -- and documents the columns (:func:`reference_markdown`,
the table of docs/batch.md). Every file is written atomically
(:func:`~crmroi_xl.excel.files.write_atomic`).

>>> import tempfile, pathlib
>>> from crmroi_xl.io.flat import flat_columns
>>> out = pathlib.Path(tempfile.mkdtemp()) / "to-fill.csv"
>>> write_rows([], out, columns=flat_columns(costs=1, benefits=0, kpis=0, channels=0)).name
'to-fill.csv'
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import InternalError, ScenarioError
from ..excel.files import write_atomic
from ..scenario.model import Scenario
from .flat import (
    SECTIONS,
    FieldSpec,
    Kind,
    Section,
    check_columns,
    flat_columns,
    parse_column,
)
from .flatoptions import LINE_KEYS, OPTION_COLUMN, flat_lines

__all__ = [
    "FORMULA_STARTS",
    "csv_bytes",
    "reference_markdown",
    "row_from_scenario",
    "write_rows",
    "write_scenarios",
]


def _csv_text(value: Any, decimal_comma: bool = False, decimals: int | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and decimals is not None and math.isfinite(value):
        text = f"{value:.{decimals}f}"
        if text.lstrip("-").strip("0.") == "":  # -0.00 is 0.00
            text = text.lstrip("-")
    elif isinstance(value, float):
        text = repr(value)
    else:
        return str(value)
    return text.replace(".", ",") if decimal_comma else text


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_bytes(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    guard_formulas: bool = False,
    french: bool = False,
    decimals: Sequence[int | None] | None = None,
) -> bytes:
    """UTF-8 CSV with a byte-order mark (Excel needs it to read UTF-8), comma-separated;
    ``french``: separated by semicolons, numbers with a decimal comma, as French Excel
    reads and writes CSV. ``decimals``: for each column, the decimals its numbers are
    rounded to (None: every digit, as a flat scenario file keeps them).

    With ``guard_formulas``, text that a spreadsheet would run as a formula
    (starting with ``=``, ``+``, ``-``, ``@``) gets a leading apostrophe, the
    usual CSV-injection guard -- for reports; a flat scenario file keeps its text
    as typed so it reads back exactly.

    >>> data = csv_bytes(["name", "npv"], [["=HYPERLINK(x)", -3.5]], guard_formulas=True)
    >>> data.decode("utf-8-sig").splitlines()
    ['name,npv', "'=HYPERLINK(x),-3.5"]
    >>> csv_bytes(["name", "npv"], [["a;b", -3.5]], french=True).decode("utf-8-sig").splitlines()
    ['name;npv', '"a;b";-3,5']
    >>> data = csv_bytes(["npv", "roi"], [[838499.9999999999, -1e-9]], decimals=[2, 6])
    >>> data.decode("utf-8-sig").splitlines()[1]
    '838500.00,0.000000'
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";" if french else ",", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        places = decimals or [None] * len(row)
        cells = [_csv_text(v, french, d) for v, d in zip(row, places, strict=True)]
        if guard_formulas:
            cells = [
                f"'{text}" if isinstance(v, str) and text.startswith(FORMULA_STARTS) else text
                for v, text in zip(row, cells, strict=True)
            ]
        writer.writerow(cells)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _line_counts(rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    counts = {section.key: 0 for section in SECTIONS if section.lines}
    for row in rows:
        for name in row:
            column = parse_column(name)
            if column is not None and column.section.lines:
                key = column.section.key
                counts[key] = max(counts[key], column.number)
    return counts


def write_rows(
    rows: Sequence[Mapping[str, Any]], path: str | Path, *, columns: Sequence[str] | None = None
) -> Path:
    """Write flat rows to ``.csv`` or ``.xlsx`` (atomically; same rows, same bytes).

    ``columns`` defaults to every column up to the most lines any row uses, so
    the file is also a sheet to fill. Text cells of a workbook stay text (a
    label starting with ``=`` is not a formula).
    """
    from ..excel.package import save_workbook  # openpyxl is heavy: imported when needed

    path = Path(path)
    header = list(columns) if columns is not None else flat_columns(**_line_counts(rows))
    check_columns(header, str(path))
    for row in rows:
        missing = [name for name in row if name not in header]
        if missing:
            raise ScenarioError(f"{path}: the columns do not include {', '.join(missing)}")
    table = [[row.get(name) for name in header] for row in rows]
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_atomic(path, csv_bytes(header, table))
    if suffix != ".xlsx":
        raise ScenarioError(f"{path}: a flat file is .csv or .xlsx, got {path.suffix!r}")
    import openpyxl  # heavy: only for an .xlsx
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    ws = wb.active
    if ws is None:
        raise InternalError("a new openpyxl workbook has no sheet")
    ws.title = "scenarios"
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for values in table:
        ws.append(values)
    for row_cells in ws.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for i, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(12, min(40, len(name) + 2))
    ws.freeze_panes = "B2"
    return save_workbook(wb, path)


def row_from_scenario(scenario: Scenario) -> dict[str, Any]:
    """The flat row of a scenario: every assumption, and each line's non-default values.

    Reading the row back gives the same scenario (``start_year`` and the
    adoption ramp-up are always written, so the row does not depend on the
    day it is read).

    >>> from crmroi_xl.io.flat import scenario_from_row
    >>> from crmroi_xl.io.loader import DEMO_SCENARIO, load_scenario
    >>> demo = load_scenario(DEMO_SCENARIO)
    >>> row = row_from_scenario(demo)
    >>> row["name"], row["adoption_2"], row["cost_1_seats"], row["customers_retention_rate"]
    ('PME 20 postes', 0.9, 20.0, 0.86)
    >>> scenario_from_row(row) == demo
    True
    """
    row: dict[str, Any] = {}
    for section in SECTIONS:
        value = getattr(scenario, section.key)
        if value is None:
            continue
        if section.lines:
            if section.key in LINE_KEYS:  # each line with the option it belongs to, if any
                lines = flat_lines(scenario, section.key)
            else:
                lines = [(line, None) for line in value]
            for number, (line, option) in enumerate(lines, start=1):
                dump = line.model_dump(mode="json", exclude_defaults=True)
                if option is not None:
                    dump[OPTION_COLUMN] = option
                for spec in section.fields:
                    if spec.repeat:
                        for i, element in enumerate(dump.get(spec.name) or [], start=1):
                            row[section.column(spec, number, i)] = element
                    elif dump.get(spec.name) is not None:
                        row[section.column(spec, number)] = dump[spec.name]
            continue
        dump = value.model_dump(mode="json")
        for spec in section.fields:
            item = (
                (dump.get(spec.parent) or {}).get(spec.key) if spec.parent else dump.get(spec.name)
            )
            if spec.repeat:
                for i, element in enumerate(item or [], start=1):
                    row[section.column(spec, 0, i)] = element
            elif item is not None:
                row[section.column(spec, 0)] = item
    return row


def write_scenarios(scenarios: Iterable[Scenario], path: str | Path) -> Path:
    """Write scenarios one per row to a flat ``.csv`` or ``.xlsx`` file.

    >>> import tempfile, pathlib
    >>> from crmroi_xl.io.flatfiles import read_rows
    >>> from crmroi_xl.io.loader import DEMO_SCENARIO, load_scenario
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "scenarios.csv"
    >>> demo = load_scenario(DEMO_SCENARIO)
    >>> rows = read_rows(write_scenarios([demo, demo], out))
    >>> [row.number for row in rows], rows[1].scenario("scenarios.csv: row 3") == demo
    ([2, 3], True)
    """
    return write_rows([row_from_scenario(s) for s in scenarios], path)


# --- documentation ------------------------------------------------------------------


def _values(spec: FieldSpec) -> str:
    meta = {type(m).__name__: m for m in spec.metadata}
    low = getattr(meta.get("Ge"), "ge", None)
    high = getattr(meta.get("Le"), "le", None)
    if spec.kind == "choice":
        return "one of " + ", ".join(f"`{c}`" for c in spec.choices)
    if spec.kind == "yes/no":
        return "yes/no"
    if spec.kind == "text":
        pattern = next((m.pattern for m in spec.metadata if getattr(m, "pattern", None)), None)
        return f"text matching `{pattern}`" if pattern else "text"
    kind = spec.kind
    if low is not None and high is not None:
        return f"{kind}, {_num(low)} to {_num(high)}"
    if low is not None:
        return f"{kind} ≥ {_num(low)}"
    return kind


def _num(value: Any) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


_SAMPLES: dict[Kind, Any] = {"text": "x", "number": 0, "integer": 1, "yes/no": True}


def _derived(section: Section) -> set[str]:
    """Required fields the model fills from the others when left out (e.g. a cost's nature)."""
    required = {
        spec.name: spec.choices[0] if spec.choices else _SAMPLES[spec.kind]
        for spec in section.fields
        if spec.info.is_required()
    }
    out = set()
    for name in required:
        try:
            section.model.model_validate({k: v for k, v in required.items() if k != name})
        except ValidationError:
            continue
        out.add(name)
    return out


def _default(spec: FieldSpec, derived: set[str]) -> str:
    info = spec.info
    if spec.name in derived:
        return "from the other columns"
    if info.default_factory is not None:
        return "see meaning"
    if info.is_required():
        return "**required**"
    default = info.default.value if isinstance(info.default, Enum) else info.default
    if default is None:
        return "blank"
    if isinstance(default, bool):
        return "yes" if default else "no"
    if isinstance(default, int | float):
        return _num(default)
    return f"`{default}`"


def reference_markdown() -> str:
    """The column reference of the flat format as a Markdown table (docs/batch.md holds it)."""
    out = ["| column | values | default | meaning |", "|---|---|---|---|"]
    for section in SECTIONS:
        derived = _derived(section)
        for spec in section.fields:
            if section.lines and spec.repeat:
                name = f"`{section.prefix}_N_{spec.name}_1` … `_{spec.repeat}`"
            elif section.lines:
                name = f"`{section.prefix}_N_{spec.name}`"
            elif spec.repeat:
                first = section.column(spec, 0, 1)
                name = f"`{first}` … `{section.column(spec, 0, spec.repeat)}`"
            else:
                name = f"`{section.column(spec)}`"
            meaning = (spec.info.description or "").replace("|", "\\|")
            out.append(f"| {name} | {_values(spec)} | {_default(spec, derived)} | {meaning} |")
    lines = ", ".join(f"`{s.prefix}_N_…` N = 1 … {s.lines}" for s in SECTIONS if s.lines)
    return "\n".join(out) + f"\n\nNumbered lines: {lines}.\n"
