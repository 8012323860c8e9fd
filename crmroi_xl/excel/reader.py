"""Read a filled workbook back into a :class:`~crmroi_xl.scenario.model.Scenario`.

A template filled by hand or an exported workbook -- as we wrote it, or after
a save in Excel or LibreOffice -- is read cell by cell from the input cells
the layout lists (:func:`input_cells`, the one question this module asks the
layout). Only the input cells are read, straight from the zip through the
safe reader :mod:`crmroi_xl.excel.xlsx`: the file is checked first (size, parts,
compression, no DOCTYPE), the output sheets and the stylesheet's looks are
never parsed, each input sheet is read no further than its inputs. Computed
cells and their saved values are never trusted: the engine recomputes
everything.

Every problem is reported with the file, the sheet and the cell, in the
workbook's language, and all of them at once::

    devis.xlsx: Coûts!D12: montant attendu, trouvé 'abc'

A formula typed in an input cell is taken only when it is plain arithmetic
(:mod:`crmroi_xl.excel.arithmetic`): ``=12*50`` reads 600; ``=SUM(D6:D9)`` or a link
to another workbook is refused, naming the cell and asking for the value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from functools import cache
from itertools import groupby
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import CrmRoiError, InternalError, WorkbookError
from ..scenario.labels import Lang, label
from ..scenario.messages import describe_error, error_items, field_path
from ..scenario.model import USER_INPUT, Assumptions, Scenario
from ..scenario.options import MAX_OPTIONS
from .archive import MAX_FILE_BYTES, MAX_UNZIPPED_BYTES
from .arithmetic import FormulaRefused, describe, input_value
from .choices import choice_code, yes_no
from .expected import MESSAGES
from .layout import LISTS, SHEETS, InputCell, Layout
from .locate import header_rows, locate, outside, refuse
from .parts import Capacity, column_letter
from .readoptions import gather_options
from .xlsx import (
    Cell,
    Xlsx,
    date_text,
    open_xlsx,
    parse_area,
)

__all__ = [
    "MAX_TABLE_LINES",
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_WORKBOOK_BYTES",
    "MESSAGES",
    "SHOWN_CASE",
    "TYPED_OVER",
    "computed_cells",
    "input_cells",
    "read_workbook",
]

MAX_WORKBOOK_BYTES = MAX_FILE_BYTES
MAX_UNCOMPRESSED_BYTES = MAX_UNZIPPED_BYTES
MAX_TABLE_LINES = 1_000  # lines a table of the workbook may declare
SHOWN = 60  # characters of a typed value echoed in a message

_NUMBERS = ("amount", "number", "share", "integer")
#: The tables of lines, each with the defined name spanning its lines (an export
#: may hold more lines than the template's defaults).
TABLES = {key: f"Tbl_{key.capitalize()}" for key in ("costs", "benefits", "kpis", "channels")}
#: The validation list of each choice field (the others, e.g. the currency, are free text).
_CHOICES = {
    ("costs", "category"): "List_CostCategories",
    ("benefits", "category"): "List_BenefitCategories",
    ("costs", "nature"): "List_Natures",
    ("benefits", "churn_mode"): "List_ChurnModes",
    ("kpis", "kind"): "List_KpiKinds",
    ("kpis", "unit"): "List_Units",
    ("assumptions", "language"): "List_Languages",
}


def _say(key: str, lang: Lang) -> str:
    french, english = MESSAGES[key]
    return french if lang == "fr" else english


def _shown(value: Any) -> str:
    """A typed value as a message echoes it: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 2] + "…" + text[0]


class _Problems:
    """Problems found so far, each tied to a cell; raised together."""

    def __init__(self, source: str, lang: Lang) -> None:
        self.source, self.lang = source, lang
        self.lines: list[str] = []
        self.cells: set[str] = set()

    def add(self, where: str, message: str) -> None:
        self.cells.add(where)
        self.lines.append(f"{self.source}: {where}: {message}")

    def wrong(self, where: str, kind: str, found: str, extra: str = "") -> None:
        self.add(where, f"{_say(kind, self.lang)}{extra}, {_say('found', self.lang)} {found}")

    def raise_if_any(self) -> None:
        if self.lines:
            raise WorkbookError("\n".join(self.lines))


@cache
def input_cells(lang: Lang, sizes: tuple[int, ...] = (), options: int = 0) -> tuple[InputCell, ...]:
    """The reader's one question to the layout: every input cell of a workbook in
    ``lang`` whose tables hold ``sizes`` lines (costs, benefits, KPIs, channels; the
    template's by default) -- its sheet key, address, kind and model location
    (``where``), line by line; a workbook of ``options`` has their block and the lines'
    Option column. The spreadsheet-only IRR start is left out.

    >>> [(c.sheet, c.ref, c.kind, c.where) for c in input_cells("fr")][:2]
    [('assumptions', 'B4', 'text', ('assumptions', 'name')), ('assumptions', 'B5', 'text', ('assumptions', 'currency'))]
    """
    layout = Layout(lang, replace(Capacity(*sizes), options=options))
    return tuple(cell for cell in layout.inputs if cell.kind is not None)


@cache
def sheet_names(lang: Lang) -> dict[str, str]:
    """Sheet key -> its name in ``lang``."""
    layout = Layout(lang)
    return {key: layout.sheet_name(key) for key in SHEETS}


def _language(book: Xlsx) -> Lang:
    present = {sheet.name for sheet in book.sheets}
    for lang in ("fr", "en"):
        names = sheet_names(lang)
        if names["assumptions"] in present and names["costs"] in present:
            return "fr" if lang == "fr" else "en"
    fr, en = sheet_names("fr"), sheet_names("en")
    listed = ", ".join(sheet.name[:SHOWN] for sheet in book.sheets[:20])
    raise WorkbookError(
        f"{book.path}: not a crmroi-xl workbook: no sheet '{fr['assumptions']}'/"
        f"'{en['assumptions']}' with '{fr['costs']}'/'{en['costs']}' (sheets: {listed})"
    )


def _sizes(book: Xlsx, lang: Lang) -> tuple[int, ...]:
    """Table sizes from the workbook's defined names (an export may hold more lines)."""
    default = Capacity()
    sizes = []
    for key, name in TABLES.items():
        area = parse_area(book.names.get(name, ""))
        size = getattr(default, key) if area is None else area[4] - area[2] + 1
        if not 1 <= size <= MAX_TABLE_LINES:
            raise WorkbookError(
                f"{book.path}: {sheet_names(lang)[key]}: a table of {size} lines; at most "
                f"{MAX_TABLE_LINES} are read"
            )
        sizes.append(size)
    return tuple(sizes)


@cache
def computed_cells(
    lang: Lang, sizes: tuple[int, ...] = (), options: int = 0
) -> tuple[tuple[str, str], ...]:
    """Every computed cell of the tables of lines (sheet key, address): each line's
    columns that are not inputs -- its effective nature, base amount, case factor,
    total, present value, years, line check -- which a user should never type over.

    >>> computed_cells("en")[:3]
    (('costs', 'AD6'), ('costs', 'AE6'), ('costs', 'AF6'))
    """
    layout = Layout(lang, replace(Capacity(*sizes), options=options))
    found = []
    for table in layout.tables:
        inputs = {column.key for column in table.inputs}
        keys = [key for key in table.letters if key not in inputs]
        found += [(table.sheet, table.cell(key, i)) for i in range(table.capacity) for key in keys]
    return tuple(found)


#: A computed cell typed over or cleared: the workbook then computes with it, the engine
#: from the inputs. {cells}: the cells (a few, then a count).
TYPED_OVER: tuple[str, str] = (
    "{cells} : cellule calculée remplacée par une valeur ou effacée ; le classeur "
    "calcule avec elle, crmroi à partir des entrées (recopiez la formule de la ligne voisine)",
    "{cells}: a computed cell typed over or cleared; the workbook computes with it, crmroi "
    "from the inputs (copy the formula back from a neighbouring line)",
)
_LISTED = 5  # typed-over cells named in a warning, then a count


def _typed_over(
    grid: dict[str, dict[str, Cell]], lang: Lang, computed: Iterable[tuple[str, str]]
) -> list[str]:
    """One warning per sheet whose computed cells lost their formula."""
    lost: dict[str, list[str]] = {}
    for sheet, ref in computed:
        cell = grid.get(sheet, {}).get(ref)
        if cell is None or cell.formula is None:
            lost.setdefault(sheet, []).append(ref)
    names, out = sheet_names(lang), []
    for sheet, refs in lost.items():
        cells = ", ".join(refs[:_LISTED])
        if len(refs) > _LISTED:
            more = len(refs) - _LISTED
            cells += f" (+{more} {'autres' if lang == 'fr' else 'more'})"
        out.append(TYPED_OVER[0 if lang == "fr" else 1].format(cells=f"{names[sheet]}!{cells}"))
    return out


def _grid(
    book: Xlsx, lang: Lang, cells: Iterable[InputCell], more: Iterable[tuple[str, str]] = ()
) -> dict[str, dict[str, Cell]]:
    """Sheet key -> the cells of the sheet's input area (and of the ``more`` cells, as
    (sheet key, address)), by address."""
    extent: dict[str, tuple[int, int]] = {}
    for sheet, ref in [*((cell.sheet, cell.ref) for cell in cells), *more]:
        row, column = _position(ref)
        rows, columns = extent.get(sheet, (0, 0))
        extent[sheet] = (max(rows, row), max(columns, column))
    names = sheet_names(lang)
    return {
        key: book.cells(names[key], rows=rows, columns=columns)
        for key, (rows, columns) in extent.items()
    }


def _moved(cells: Iterable[InputCell], refs: dict[tuple[str, str], str]) -> tuple[InputCell, ...]:
    """The input cells at the addresses where the workbook has them now."""
    try:
        return tuple(cell._replace(ref=refs[(cell.sheet, cell.ref)]) for cell in cells)
    except KeyError as missing:  # every input is named or in a table's located column
        raise InternalError(f"input cell {missing} was not located") from None


@cache
def _position(address: str) -> tuple[int, int]:
    area = parse_area(f"x!{address}")
    if area is None:
        raise InternalError(f"the layout's input cell {address!r} is not a cell address")
    return area[2], area[1]


class _Reader:
    def __init__(self, path: Path, lang: Lang, grid: dict[str, dict[str, Cell]], date1904: bool):
        self.path, self.lang, self.grid, self.date1904 = path, lang, grid, date1904
        self.names = sheet_names(lang)
        self.problems = _Problems(str(path), lang)
        self.cells: dict[tuple[Any, ...], str] = {}  # model location -> "Sheet!A1"
        self.first: dict[str, str] = {}  # table -> the field that makes a line exist
        self.specs: tuple[InputCell, ...] = ()  # the input cells read, in layout order

    def where(self, spec: InputCell) -> str:
        return f"{self.names[spec.sheet]}!{spec.ref}"

    # --- one cell ------------------------------------------------------------------
    def raw(self, spec: InputCell) -> Any:
        """What the cell holds for the model (a number, a text, a bool), or None when it
        is blank or wrong (the problem is then reported)."""
        cell = self.grid[spec.sheet].get(spec.ref)
        if cell is None:
            return None
        value = cell.value
        if cell.formula is not None:
            saved = None if cell.type == "empty" else value
            try:
                return input_value(cell.formula, saved)
            except FormulaRefused as refused:
                self.problems.add(self.where(spec), describe(refused, self.lang, cell.origin))
                return None
        if cell.type == "date":
            found = f"{_say('date', self.lang)} ({date_text(float(value), self.date1904)})"  # type: ignore[arg-type]
            self.problems.wrong(self.where(spec), str(spec.kind), found)
            return None
        if cell.type == "error":
            self.problems.wrong(
                self.where(spec), str(spec.kind), f"{_say('error', self.lang)} {value}"
            )
            return None
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def value(self, spec: InputCell, location: tuple[Any, ...]) -> Any:
        """The cell's value converted for the model, or None (blank or wrong)."""
        self.cells[location] = self.where(spec)
        raw = self.raw(spec)
        if raw is None:
            return None
        kind = spec.kind
        if kind in _NUMBERS:
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                self.problems.wrong(self.where(spec), kind, _shown(raw))
                return None
            if kind == "integer":
                if raw != int(raw):
                    self.problems.wrong(self.where(spec), kind, _shown(raw))
                    return None
                return int(raw)
            return raw
        if kind == "yesno":
            answer = raw if isinstance(raw, bool) else yes_no(str(raw))
            if answer is None:
                self.problems.wrong(self.where(spec), kind, _shown(raw))
            return answer
        list_name = _CHOICES.get((str(spec.where[0]), str(spec.where[-1])))
        if kind == "choice" and list_name:
            codes = LISTS[list_name]
            code = choice_code(codes, str(raw))
            if code is None:
                shown = sorted({label(c, self.lang) for c in codes})
                extra = f" ({', '.join(shown)})"
                self.problems.wrong(self.where(spec), "choice", _shown(raw), extra)
            return code
        if isinstance(raw, float) and raw.is_integer():
            return str(int(raw))  # a number typed in a text cell
        return raw if isinstance(raw, str) else str(raw)

    # --- the scenario -----------------------------------------------------------------
    def data(self, cells: Iterable[InputCell]) -> dict[str, Any]:
        """The scenario's data, from the input cells in the layout's order (line by line)."""
        data: dict[str, Any] = {"assumptions": {}}
        customers: dict[str, Any] = {}
        adoption: list[Any] = []
        options: dict[tuple[Any, ...], Any] = {}  # a workbook of options: its block
        for (section, line), group in groupby(cells, key=_line_of):
            specs = list(group)
            if line is not None:
                self.line(section, specs, data.setdefault(section, []))
                continue
            for spec in specs:
                if section == "options":  # ("options", k, field[, year]): gathered below
                    options[spec.where] = self.value(spec, spec.where)
                    continue
                if section == "adoption":  # ("adoption", t): the model's adoption[t - 1]
                    where = ("assumptions", "adoption", int(spec.where[1]) - 1)
                    adoption.append(self.value(spec, where))
                    continue
                if section == "targets":  # ("targets", key): assumptions.targets.key
                    value = self.value(spec, ("assumptions", *spec.where))
                    if value is not None:
                        targets = data["assumptions"].setdefault("targets", {})
                        targets[str(spec.where[1])] = value
                    continue
                value = self.value(spec, spec.where)
                if value is not None:
                    target = customers if section == "customers" else data["assumptions"]
                    target[str(spec.where[1])] = value
        default = Assumptions.model_fields["horizon_years"].default
        horizon = data["assumptions"].get("horizon_years", default)
        if isinstance(horizon, int):  # blank = 100 %, as the sheet computes it
            data["assumptions"]["adoption"] = [
                1.0 if share is None else share for share in adoption[:horizon]
            ]
        if customers:
            data["customers"] = customers
        moved_sections = ("costs", "benefits")
        if options:  # the options, and the lines that name one moved there
            moved: dict[tuple[Any, ...], tuple[Any, ...]] = {}
            for location, said in gather_options(data, options, self.lang, moved):
                self.problems.add(self.cells[location], said)
            lines = {key: cell for key, cell in self.cells.items() if key[0] in moved_sections}
            for key in lines:  # a line's cells where the scenario has the line now
                del self.cells[key]
            for key, cell in lines.items():
                place = moved.get(key[:2])
                if place is not None:
                    self.cells[(*place, *key[2:])] = cell
        return data

    def line(self, section: str, specs: list[InputCell], kept: list[dict[str, Any]]) -> None:
        """One line of a table: kept when its first cell (label, KPI, channel) is
        filled; a value on a line without it is a problem."""
        line: dict[str, Any] = {}
        yearly: dict[str, dict[int, Any]] = {}  # a list of the line, one cell a year
        self.first[section] = str(specs[0].where[2])
        for spec in specs:
            field = str(spec.where[2])
            if len(spec.where) > 3:
                t = int(spec.where[3])
                value = self.value(spec, (section, len(kept), field, t - 1))
                if value is not None:
                    yearly.setdefault(field, {})[t] = value
                continue
            value = self.value(spec, (section, len(kept), field))
            if value is not None:
                line[field] = value
        for field, given in yearly.items():  # seats_by_year: the seats the ramp starts from
            line[field] = _carried(given, line.pop("seats", 0))
        if self.first[section] in line:
            kept.append(line)
        elif line:
            first = next(iter(line))
            spec = next(s for s in specs if s.where[2] == first)
            self.problems.add(self.where(spec), _say("orphan", self.lang))

    def scenario(self, cells: tuple[InputCell, ...]) -> Scenario:
        self.specs = cells
        data = self.data(cells)
        try:
            scenario = Scenario.model_validate(data, context=USER_INPUT)
        except ValidationError as error:
            reported = set(self.problems.cells)
            for item in error_items(error):
                cell = self._cell_of(item["loc"])
                if cell not in reported:  # a cell already reported was left out of data
                    empty = item["type"] == "missing"  # a blank cell
                    said = _say("required", self.lang) if empty else describe_error(item, self.lang)
                    self.problems.add(cell, said)
            self.problems.raise_if_any()
            raise  # pragma: no cover - every error was reported above
        self.problems.raise_if_any()
        return scenario

    def _cell_of(self, loc: tuple[int | str, ...]) -> str:
        """The cell a validation error is about; the line's first cell, or the field path
        (the whole case, e.g. empty: the first cost line's label cell, where to type)."""
        if not loc:
            return self.where(next(c for c in self.specs if c.where[0] == "costs"))
        for size in range(len(loc), 0, -1):
            found = self.cells.get(tuple(loc[:size]))
            if found:
                return found
            if size >= 2 and loc[0] != "assumptions":  # a whole line: its label cell
                found = self.cells.get((*loc[:2], self.first.get(str(loc[0]), "")))
                if found and size == 2:
                    return found
        return field_path(loc)


def _carried(given: dict[int, Any], before: Any) -> list[Any]:
    """Year-by-year values as the sheet uses them, to the last one given: a blank year
    takes the year before's (the first ones, ``before``).

    >>> _carried({2: 150, 4: 180}, 100)
    [100, 150, 150, 180]
    """
    out, last = [], before
    for t in range(1, max(given) + 1):
        last = given.get(t, last)
        out.append(last)
    return out


def _line_of(spec: InputCell) -> tuple[str, int | None]:
    """(table, line on the sheet) of a table's cell; (section, None) for the others."""
    section = str(spec.where[0])
    return (section, int(spec.where[1])) if section in TABLES else (section, None)


#: What a workbook may show that the engine does not compute: the case selector away
#: from Base (the engine reads the base amounts). {where}: the cell; {case}: its value.
SHOWN_CASE: tuple[str, str] = (
    "{where} : le classeur affiche le cas « {case} » ; crmroi calcule le cas de base "
    "(choisissez « Base » pour voir les mêmes chiffres)",
    "{where}: the workbook shows the {case!r} case; crmroi computes the base case "
    "(select 'Base' there to see the same figures)",
)


#: The warning when ``In_Option`` shows no option of the block ({where}, {value}, {names}).
OPTION_SHOWN: tuple[tuple[str, str], tuple[str, str]] = (
    (
        "{where} : aucune option affichée (vide) : le classeur ne montre que les lignes "
        "partagées ; crmroi calcule chaque option (choisissez-en une : {names})",
        "{where}: no option shown (blank): the workbook shows the shared lines only; "
        "crmroi computes every option (choose one: {names})",
    ),
    (
        "{where} : « {value} » n'est pas une option du bloc des options : le classeur "
        "affiche #N/A ; crmroi calcule chaque option (choisissez-en une : {names})",
        "{where}: {value!r} is not an option of the options block: the workbook shows "
        "#N/A; crmroi computes every option (choose one: {names})",
    ),
)


def _selector(book: Xlsx, lang: Lang, name: str, ref: str) -> tuple[str, Any] | None:
    """The Sensitivity sheet's selector ``name`` (where its defined name says it is now,
    else at ``ref``): its place (``Sheet!A1``) and value; None without that sheet."""
    sheet = sheet_names(lang)["sensitivity"]
    if sheet not in {s.name for s in book.sheets}:
        return None
    area = parse_area(book.names.get(name, ""))
    if area is not None and area[0] == sheet:
        ref = f"{column_letter(area[1])}{area[2]}"
    row, column = _position(ref)
    cell = book.cells(sheet, rows=row, columns=column).get(ref)
    return f"{sheet}!{ref}", None if cell is None else cell.value


def _case_shown(book: Xlsx, lang: Lang) -> str | None:
    """The warning when the workbook's case selector (``In_Case``) is not on Base."""
    layout = Layout(lang)
    found = _selector(book, lang, "In_Case", layout.sensitivity.case_cell)
    if found is None:
        return None
    where, value = found
    if not isinstance(value, str) or value.strip() in ("", layout.word("case_base")):
        return None
    shown = value if len(value) <= SHOWN else value[: SHOWN - 1] + "…"
    text = SHOWN_CASE[0 if lang == "fr" else 1]
    return text.format(where=where, case=shown)


def _option_shown(book: Xlsx, layout: Layout, scenario: Scenario) -> str | None:
    """The warning when a workbook of options shows none of its options (``In_Option``
    blank while options are named, or naming none of them): its figures are not an
    option's (the Checks sheet says so too)."""
    if not layout.capacity.options or not scenario.options:
        return None
    found = _selector(book, layout.lang, "In_Option", f"B{layout.option_selector_row}")
    if found is None:
        return None
    where, value = found
    names = [o.name for o in scenario.options]
    typed = "" if value is None else " ".join(str(value).split())
    if typed.casefold() in {" ".join(n.split()).casefold() for n in names}:
        return None
    shown = typed if len(typed) <= SHOWN else typed[: SHOWN - 1] + "…"
    text = OPTION_SHOWN[1 if typed else 0][0 if layout.lang == "fr" else 1]
    return text.format(where=where, value=shown, names=", ".join(names))


def read_workbook(path: str | Path, *, warnings: list[str] | None = None) -> Scenario:
    """Read a filled crmroi-xl workbook (template or export) back into a Scenario.

    ``warnings``, when given, receives one line per place where the workbook will
    show other figures than the engine computes from the scenario read, each naming
    the file and the cells: the case selector left on Pessimistic or Optimistic, the
    option selector of a workbook of options blank or naming no option, a
    computed cell of a table of lines typed over or cleared (one line a sheet).

    Raises
    ------
    WorkbookError
        With one line per problem, naming the file, sheet and cell, when the
        file is not a sane xlsx, not a crmroi-xl workbook, or holds bad inputs.
    """
    path = Path(path)
    try:
        with open_xlsx(path) as book:
            lang = _language(book)
            sizes = _sizes(book, lang)
            options = MAX_OPTIONS if "Tbl_Options" in book.names else 0  # a choice
            layout = Layout(lang, replace(Capacity(*sizes), options=options))
            names = sheet_names(lang)
            headers = {  # each table's header row, where its range says it is now
                key: book.cells(names[key], rows=row, columns=columns)
                for key, (row, columns) in header_rows(book, layout).items()
            }
            # what the warnings need is read only when they are asked for (not in a batch)
            found = locate(book, layout, headers, computed=warnings is not None)
            refuse(path, found.problems)  # a structure it cannot follow: nothing is read
            cells = _moved(input_cells(lang, sizes, options), found.refs)
            computed: tuple[tuple[str, str], ...] = ()
            if warnings is not None:
                computed = tuple(
                    (sheet, found.refs[(sheet, ref)])
                    for sheet, ref in computed_cells(lang, sizes, options)
                    if (sheet, ref) in found.refs
                )
            under = [(sheet, ref) for sheet, refs in found.under.items() for ref in refs]
            grid = _grid(book, lang, cells, [*computed, *under])
            refuse(path, outside(layout, grid, found.under))  # a line under a table
            case = _case_shown(book, lang) if warnings is not None else None
            scenario = _Reader(path, lang, grid, book.date1904).scenario(cells)
            option = _option_shown(book, layout, scenario) if warnings is not None else None
        if warnings is not None:
            shown = [line for line in (case, option) if line is not None]
            warnings += [f"{path}: {line}" for line in [*shown, *_typed_over(grid, lang, computed)]]
        return scenario
    except CrmRoiError:
        raise
    except Exception as error:  # a damaged part the checks let through: still one clear line
        raise WorkbookError(
            f"{path}: cannot be read as a workbook ({type(error).__name__}: {str(error)[:200]})"
        ) from None
