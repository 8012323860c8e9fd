"""Read a filled workbook back into a :class:`~crmroi_xl.model.Scenario`.

A template filled by hand or an exported workbook -- as we wrote it, or after
a save in Excel or LibreOffice -- is read through the same layout description
the writer uses (:mod:`crmroi_xl.layout`). Only the input cells are read:
computed cells and their cached values are never trusted, the engine
recomputes everything.

Every problem is reported with the file, the sheet and the cell, in the
workbook's language, and all of them at once::

    devis.xlsx: Coûts!D12: montant attendu en euros, trouvé 'abc'

Files are checked before parsing (size, zip structure, entry sizes and
compression ratios) and XML is parsed with defusedxml's protections, so a
hostile file is refused quickly with bounded memory.
"""

from __future__ import annotations

import types
import zipfile
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import openpyxl
from openpyxl.utils import range_boundaries
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from .errors import CrmRoiError, WorkbookError
from .excel.layout import ASSUMPTIONS, CUSTOMERS, LISTS, SHEETS, Layout
from .excel.parts import YEARS, Capacity, Table
from .labels import LABELS, Lang, label
from .messages import field_path
from .model import (
    Assumptions,
    BenefitLine,
    Channel,
    CostLine,
    CustomerEconomics,
    Kpi,
    Scenario,
)

__all__ = ["MAX_UNCOMPRESSED_BYTES", "MAX_WORKBOOK_BYTES", "read_workbook"]

#: A real workbook is well under a megabyte; these bounds refuse bombs early.
MAX_WORKBOOK_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
MAX_PART_BYTES = 16 * 1024 * 1024  # one XML part once unzipped
MAX_ENTRY_RATIO = 200  # uncompressed / compressed size of one zip entry
MAX_ENTRIES = 500
MAX_TABLE_LINES = 1_000  # lines a table of the workbook may declare
SCAN_CHUNK = 256 * 1024  # XML parts are scanned for DOCTYPE/ENTITY by chunks of this size
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003) files

MESSAGES: dict[str, tuple[str, str]] = {
    "amount": ("montant attendu en euros", "an amount in euros expected"),
    "number": ("nombre attendu", "a number expected"),
    "share": ("pourcentage attendu (10 % ou 0,1)", "a percentage expected (10% or 0.1)"),
    "integer": ("nombre entier attendu", "a whole number expected"),
    "text": ("texte attendu", "text expected"),
    "choice": ("valeur de la liste attendue", "a value from the list expected"),
    "yesno": ("Oui ou Non attendu", "Yes or No expected"),
    "found": ("trouvé", "found"),
    "orphan": (
        "valeur saisie sur une ligne sans libellé",
        "value typed on a line without a label",
    ),
    "formula": (
        "formule sans valeur calculée dans une cellule de saisie : saisissez la valeur",
        "formula without a computed value in an input cell: type the value",
    ),
    "required": ("obligatoire, vide", "required, empty"),
    "ge": ("doit être >= {}", "must be >= {}"),
    "le": ("doit être <= {}", "must be <= {}"),
    "gt": ("doit être > {}", "must be > {}"),
    "lt": ("doit être < {}", "must be < {}"),
}


def _say(key: str, lang: Lang) -> str:
    french, english = MESSAGES[key]
    return french if lang == "fr" else english


class _Problems:
    """Problems found so far, each tied to a cell; raised together."""

    def __init__(self, source: str, lang: Lang) -> None:
        self.source, self.lang = source, lang
        self.lines: list[str] = []
        self.cells: set[str] = set()

    def add(self, where: str, message: str) -> None:
        self.cells.add(where)
        self.lines.append(f"{self.source}: {where}: {message}")

    def wrong(self, where: str, kind: str, value: Any, extra: str = "") -> None:
        self.add(where, f"{_say(kind, self.lang)}{extra}, {_say('found', self.lang)} {value!r}")

    def raise_if_any(self) -> None:
        if self.lines:
            raise WorkbookError("\n".join(self.lines))


def _check_archive(path: Path) -> None:
    """Refuse what is not a sane xlsx before any XML is parsed."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise WorkbookError(f"{path}: no such file") from None
    if size > MAX_WORKBOOK_BYTES:
        raise WorkbookError(f"{path}: {size} bytes, more than the {MAX_WORKBOOK_BYTES} allowed")
    if not zipfile.is_zipfile(path):
        with path.open("rb") as file:
            magic = file.read(len(OLE2_MAGIC))
        if magic == OLE2_MAGIC:
            raise WorkbookError(
                f"{path}: an Excel 97-2003 (.xls) file: save it as .xlsx and try again"
            )
        raise WorkbookError(f"{path}: not an xlsx workbook (not a zip archive)")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ENTRIES:
                raise WorkbookError(f"{path}: {len(entries)} parts, too many for a workbook")
            total = 0
            for entry in entries:
                total += entry.file_size
                if entry.file_size > MAX_PART_BYTES:
                    raise WorkbookError(
                        f"{path}: part {entry.filename} is {entry.file_size} bytes once "
                        f"unzipped, more than the {MAX_PART_BYTES} allowed"
                    )
                ratio = entry.file_size / max(entry.compress_size, 1)
                if ratio > MAX_ENTRY_RATIO and entry.file_size > 1024 * 1024:
                    raise WorkbookError(
                        f"{path}: part {entry.filename} inflates {ratio:.0f} times (zip bomb?)"
                    )
            if total > MAX_UNCOMPRESSED_BYTES:
                raise WorkbookError(
                    f"{path}: {total} bytes once unzipped, more than the "
                    f"{MAX_UNCOMPRESSED_BYTES} allowed"
                )
            if "xl/workbook.xml" not in archive.namelist():
                raise WorkbookError(f"{path}: not an xlsx workbook (no xl/workbook.xml)")
            for entry in entries:
                if entry.filename.endswith((".xml", ".rels")):
                    _check_prolog(path, entry.filename, archive)
    except WorkbookError:
        raise
    except Exception as error:  # zipfile raises BadZipFile, NotImplementedError, zlib.error...
        raise WorkbookError(
            f"{path}: damaged or truncated workbook ({type(error).__name__}: {error})"
        ) from None


def _check_prolog(path: Path, name: str, archive: zipfile.ZipFile) -> None:
    """Refuse DTDs: no spreadsheet writes them; entity bombs and XXE need them.

    The whole part is scanned in chunks (bounded memory): comments or spaces
    may push a DOCTYPE far from the start.
    """
    tail = b""
    with archive.open(name) as part:
        while chunk := part.read(SCAN_CHUNK):
            window = tail + chunk
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                raise WorkbookError(f"{path}: part {name} declares a DOCTYPE or entities: refused")
            tail = chunk[-16:]


def _load(path: Path, data_only: bool, files: ExitStack) -> Any:
    """The workbook in read-only mode: sheets are streamed, never held whole.

    The file is opened here and closed by ``files``, whatever openpyxl does when
    it trips over a damaged part (it would leave its own handle open).
    """
    handle = files.enter_context(path.open("rb"))
    try:
        return openpyxl.load_workbook(handle, read_only=True, data_only=data_only)
    except WorkbookError:
        raise
    except Exception as error:  # openpyxl raises many kinds on damaged files
        name = type(error).__name__
        raise WorkbookError(f"{path}: cannot be read as a workbook ({name}: {error})") from None


def _language(path: Path, sheetnames: list[str]) -> Lang:
    for lang, index in (("fr", 0), ("en", 1)):
        if SHEETS["assumptions"][index] in sheetnames and SHEETS["costs"][index] in sheetnames:
            return "fr" if lang == "fr" else "en"
    raise WorkbookError(
        f"{path}: not a crmroi-xl workbook: no sheet 'Hypothèses'/'Assumptions' "
        f"with 'Coûts'/'Costs' (sheets: {', '.join(sheetnames)})"
    )


def _capacity(wb: Any, layout: Layout, path: Path) -> Capacity:
    """Table sizes from the workbook's defined names (an export may hold more lines)."""
    sizes = {}
    for key in ("costs", "benefits", "kpis", "channels"):
        table: Table = getattr(layout, key)
        default = table.capacity
        name = wb.defined_names.get(f"Tbl_{key.capitalize()}")
        if name is None:
            sizes[key] = default
            continue
        try:
            ((_, address),) = list(name.destinations)
            _, first, _, last = range_boundaries(address.replace("$", ""))
            if first is None or last is None:
                raise ValueError(address)
            sizes[key] = last - first + 1
        except (ValueError, TypeError):
            sizes[key] = default
        if not 1 <= sizes[key] <= MAX_TABLE_LINES:
            raise WorkbookError(
                f"{path}: {layout.sheet_name(key)}: a table of {sizes[key]} lines; at most "
                f"{MAX_TABLE_LINES} are read"
            )
    return Capacity(**sizes)


def _kind(model: type[BaseModel], field: str) -> str:
    """What a cell of ``field`` must hold, from the model's own type and bounds."""
    info: FieldInfo = model.model_fields[field]
    annotation = info.annotation
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        annotation = next(a for a in get_args(annotation) if a is not type(None))
        origin = get_origin(annotation)
    if origin is Annotated:
        annotation = get_args(annotation)[0]
        origin = get_origin(annotation)
    if annotation is bool:
        return "yesno"
    if annotation is int:
        return "integer"
    if annotation is str:
        return "text"
    if origin is Literal or (isinstance(annotation, type) and issubclass(annotation, str)):
        return "choice"
    bounds = {type(m).__name__: m for m in info.metadata}
    if "Le" in bounds and "Ge" in bounds and getattr(bounds["Ge"], "ge", None) == 0:
        return "share"
    if "Ge" in bounds and getattr(bounds["Ge"], "ge", None) == 0:
        return "amount"
    return "number"


class _Reader:
    def __init__(self, path: Path, wb: Any, layout: Layout, files: ExitStack) -> None:
        self.path, self.wb, self.layout, self.files = path, wb, layout, files
        self.lang = layout.lang
        self.problems = _Problems(str(path), layout.lang)
        self.cells: dict[tuple[Any, ...], str] = {}  # model location -> "Sheet!A1"
        self._grids: dict[tuple[str, bool], dict[str, Any]] = {}
        self._choices = self._choice_values()

    # --- cells ---------------------------------------------------------------------
    def where(self, sheet: str, ref: str) -> str:
        return f"{self.layout.sheet_name(sheet)}!{ref}"

    def _grid(self, sheet: str, computed: bool = False) -> dict[str, Any]:
        """The sheet's input area, streamed once: address -> cell (value, data type)."""
        key = (sheet, computed)
        if key not in self._grids:
            wb = self.wb if not computed else _load(self.path, True, self.files)
            rows, cols = _extent(self.layout, sheet)
            grid = {}
            try:
                ws = wb[self.layout.sheet_name(sheet)]
                for row in ws.iter_rows(min_row=1, max_row=rows, max_col=cols):
                    for cell in row:
                        if cell.value is not None:
                            grid[cell.coordinate] = (cell.value, cell.data_type)
            except WorkbookError:
                raise
            except Exception as error:  # a damaged sheet
                raise WorkbookError(
                    f"{self.path}: {self.layout.sheet_name(sheet)}: cannot be read "
                    f"({type(error).__name__}: {error})"
                ) from None
            finally:
                if computed:
                    wb.close()
            self._grids[key] = grid
        return self._grids[key]

    def raw(self, sheet: str, ref: str) -> Any:
        value, data_type = self._grid(sheet).get(ref, (None, None))
        if isinstance(value, str):
            if value.startswith("=") and data_type == "f":
                return self._computed(sheet, ref)
            if not value.strip():
                return None
        return value

    def _computed(self, sheet: str, ref: str) -> Any:
        """The value a spreadsheet saved for a formula typed in an input cell."""
        value, _ = self._grid(sheet, computed=True).get(ref, (None, None))
        if value is None:
            self.problems.add(self.where(sheet, ref), _say("formula", self.lang))
        return value

    def value(self, sheet: str, ref: str, kind: str, location: tuple[Any, ...]) -> Any:
        """The cell's value converted for the model, or None (blank or wrong)."""
        self.cells[location] = self.where(sheet, ref)
        raw = self.raw(sheet, ref)
        if raw is None:
            return None
        where = self.where(sheet, ref)
        if kind in ("amount", "number", "share", "integer"):
            if isinstance(raw, bool) or not isinstance(raw, (int, float)):
                self.problems.wrong(where, kind, raw)
                return None
            if kind == "integer":
                if raw != int(raw):
                    self.problems.wrong(where, kind, raw)
                    return None
                return int(raw)
            return raw
        if kind == "yesno":
            answer = self._yes_no(raw)
            if answer is None:
                self.problems.wrong(where, kind, raw)
            return answer
        if kind == "choice":
            return self._choice(raw, location, where)
        return raw if isinstance(raw, str) else str(raw)

    def _yes_no(self, raw: Any) -> bool | None:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().casefold()
        if text in {label("yes", "fr").casefold(), label("yes", "en").casefold()}:
            return True
        if text in {label("no", "fr").casefold(), label("no", "en").casefold()}:
            return False
        return None

    def _choice_values(self) -> dict[str, dict[str, str]]:
        """Per field: accepted text (a label in either language, or the code) -> code."""
        fields = {
            "category:costs": "List_CostCategories",
            "category:benefits": "List_BenefitCategories",
            "nature": "List_Natures",
            "kind": "List_KpiKinds",
            "unit": "List_Units",
            "language": "List_Languages",
        }
        out: dict[str, dict[str, str]] = {}
        for field, list_name in fields.items():
            accepted: dict[str, str] = {}
            for code in LISTS[list_name]:
                accepted[code.casefold()] = code
                for text in LABELS.get(code, (code, code)):
                    accepted.setdefault(text.casefold(), code)
            out[field] = accepted
        return out

    def _choice(self, raw: Any, location: tuple[Any, ...], where: str) -> str | None:
        field = str(location[-1])
        key = f"{field}:{location[0]}" if field == "category" else field
        accepted = self._choices.get(key)
        if accepted is None:  # e.g. the currency: free text checked by the model
            return str(raw)
        code = accepted.get(str(raw).strip().casefold())
        if code is None:
            shown = sorted({label(c, self.lang) for c in accepted.values()})
            self.problems.wrong(where, "choice", raw, f" ({', '.join(shown)})")
        return code

    # --- sections ----------------------------------------------------------------------
    def assumptions(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for a in ASSUMPTIONS:
            field, row = a.field, self.layout.assumption_row(a.field)
            kind = _kind(Assumptions, field)
            value = self.value("assumptions", f"B{row}", kind, ("assumptions", field))
            if value is not None:
                data[field] = value
        horizon = data.get("horizon_years", Assumptions.model_fields["horizon_years"].default)
        adoption = []
        for t in YEARS[1:]:
            ref = f"{self.layout.adoption_col(t)}{self.layout.adoption_row}"
            share = self.value("assumptions", ref, "share", ("assumptions", "adoption", t - 1))
            if isinstance(horizon, int) and t <= horizon:
                adoption.append(1.0 if share is None else share)  # blank = 100 %, as the sheet
        data["adoption"] = adoption
        return data

    def table(self, table: Table, model: type[BaseModel], section: str) -> list[dict[str, Any]]:
        lines: list[dict[str, Any]] = []
        key_column = table.columns[0]
        for i in range(table.capacity):
            line: dict[str, Any] = {}
            for column in table.inputs:
                kind = "choice" if column.kind == "choice" else _kind(model, column.key)
                location = (section, len(lines), column.key)
                value = self.value(table.sheet, table.cell(column.key, i), kind, location)
                if value is not None:
                    line[column.key] = value
            if key_column.key in line:
                lines.append(line)
            elif line:
                first = next(iter(line))
                ref = table.cell(first, i)
                self.problems.add(self.where(table.sheet, ref), _say("orphan", self.lang))
        return lines

    def customers(self) -> dict[str, Any] | None:
        data = {}
        for field, *_ in CUSTOMERS:
            ref = f"B{self.layout.customer_row(field)}"
            kind = _kind(CustomerEconomics, field)
            value = self.value("channels", ref, kind, ("customers", field))
            if value is not None:
                data[field] = value
        return data or None

    def scenario(self) -> Scenario:
        layout = self.layout
        data: dict[str, Any] = {
            "assumptions": self.assumptions(),
            "costs": self.table(layout.costs, CostLine, "costs"),
            "benefits": self.table(layout.benefits, BenefitLine, "benefits"),
            "kpis": self.table(layout.kpis, Kpi, "kpis"),
            "channels": self.table(layout.channels, Channel, "channels"),
        }
        customers = self.customers()
        if customers is not None:
            data["customers"] = customers
        try:
            scenario = Scenario.model_validate(data)
        except ValidationError as error:
            reported = set(self.problems.cells)
            for item in error.errors(include_url=False):
                cell = self._cell_of(item["loc"])
                if cell not in reported:  # a cell already reported was left out of data
                    self.problems.add(cell, self._message(item))
            self.problems.raise_if_any()
            raise  # pragma: no cover - every error was reported above
        self.problems.raise_if_any()
        return scenario

    def _cell_of(self, loc: tuple[int | str, ...]) -> str:
        """The cell a validation error is about; the line's first cell, or the field path."""
        for size in range(len(loc), 0, -1):
            found = self.cells.get(tuple(loc[:size]))
            if found:
                return found
            if size >= 2 and loc[0] != "assumptions":  # a whole line: its label cell
                found = self.cells.get((*loc[:2], self._first_field(str(loc[0]))))
                if found and size == 2:
                    return found
        return field_path(loc)

    def _first_field(self, section: str) -> str:
        return {"costs": "label", "benefits": "label", "kpis": "kind", "channels": "name"}.get(
            section, ""
        )

    def _message(self, item: Any) -> str:
        kind, ctx, value = item["type"], item.get("ctx") or {}, item.get("input")
        bound = {
            "greater_than_equal": "ge",
            "less_than_equal": "le",
            "greater_than": "gt",
            "less_than": "lt",
        }.get(kind)
        if bound:
            limit = ctx[bound]
            shown = int(limit) if isinstance(limit, float) and limit.is_integer() else limit
            return f"{_say(bound, self.lang).format(shown)}, {_say('found', self.lang)} {value!r}"
        if kind == "missing":
            return _say("required", self.lang)
        if kind == "value_error":
            return str(ctx.get("error", item["msg"]))
        return f"{item['msg']}, {_say('found', self.lang)} {value!r}"


def read_workbook(path: str | Path) -> Scenario:
    """Read a filled crmroi-xl workbook (template or export) back into a Scenario.

    Raises
    ------
    WorkbookError
        With one line per problem, naming the file, sheet and cell, when the
        file is not a sane xlsx, not a crmroi-xl workbook, or holds bad inputs.
    """
    path = Path(path)
    _check_archive(path)
    with ExitStack() as files:
        wb = _load(path, False, files)
        try:
            lang = _language(path, wb.sheetnames)
            layout = Layout(lang, _capacity(wb, Layout(lang), path))
            return _Reader(path, wb, layout, files).scenario()
        except CrmRoiError:
            raise
        except Exception as error:  # a damaged part openpyxl trips over: still one clear line
            raise WorkbookError(
                f"{path}: cannot be read as a workbook ({type(error).__name__}: {error})"
            ) from None


def _extent(layout: Layout, sheet: str) -> tuple[int, int]:
    """Rows and columns holding the inputs of ``sheet`` (all that is read of it)."""
    if sheet == "assumptions":
        return layout.adoption_row, len(YEARS)
    if sheet == "channels":
        table = layout.channels
        return layout.customers_first_row + len(CUSTOMERS), len(table.inputs)
    table = getattr(layout, sheet)
    return table.last_row, len(table.inputs)
