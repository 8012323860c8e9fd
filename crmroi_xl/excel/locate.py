"""Where a workbook's inputs are *now*: found through its own names and headers.

A user inserts a row, deletes a column, adds a notes column, moves a block:
Excel and LibreOffice move the workbook's defined names and the tables' ranges
with the cells. The reader therefore never assumes an address. For each input
the layout declares, :func:`locate` finds where it is in the file:

- a single input (an assumption, a customer-economics figure): its ``In_*``
  name, which must still point to one cell of its sheet;
- the adoption row: ``In_Adoption``, still one row of ten years;
- a table of lines: its ``Tbl_*`` range gives the lines' rows; each column is
  found by its header text (French or English, spaces and case ignored) in the
  row above, so an inserted column (a notes column) is followed.

What it cannot follow it refuses, one line per change, naming the sheet and
what changed (a name missing or broken, a header missing or twice, the adoption
row resized); it never reads a value from a place it has not verified::

    devis.xlsx: Bénéfices: colonne « Haut (% du montant, vide = 100 %) » introuvable
    sur la ligne d'en-tête 4 (supprimée ou renommée ?)

>>> header_key("  Seats YEAR 2 (blank = year\\u00a0before) ")
'seats year 2 (blank = year before)'
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from ..errors import WorkbookError
from ..scenario.labels import Lang
from ..scenario.options import MAX_OPTIONS
from .blocks import ASSUMPTIONS, CUSTOMERS, SIMULATION_INPUTS
from .layout import OPTION_INPUTS, Layout
from .parts import YEARS, Capacity, Table, column_letter, pick
from .xlsx import Cell, Xlsx, parse_area

__all__ = [
    "LOCATE_MESSAGES",
    "Located",
    "header_key",
    "header_rows",
    "locate",
    "outside",
    "refuse",
    "table_headers",
]

#: The reader's words when the workbook's structure changed ({sheet}, {name}, {found}...).
LOCATE_MESSAGES: dict[str, tuple[str, str]] = {
    "missing_name": (
        "le nom défini {name} n'existe plus (supprimé ou renommé ?) ; il désigne {what}",
        "the defined name {name} is missing (deleted or renamed?); it marks {what}",
    ),
    "broken_name": (
        "le nom défini {name} ne désigne plus une plage ({found}) : ses cellules ont été "
        "supprimées",
        "the defined name {name} no longer points to a range ({found}): its cells were deleted",
    ),
    "moved_name": (
        "le nom défini {name} désigne maintenant {found}, attendu {expected} de cette feuille",
        "the defined name {name} now points to {found}; expected {expected} on this sheet",
    ),
    "missing_header": (
        "colonne « {title} » introuvable sur la ligne d'en-tête {row} du tableau "
        "(supprimée ou renommée ?)",
        "no column '{title}' in the table's header row {row} (deleted or renamed?)",
    ),
    "under_table": (
        "ligne {row}, juste sous la dernière ligne du tableau, hors de sa plage ({cells}) : "
        "une ligne insérée au-dessus des totaux n'est comptée nulle part ; saisissez-la "
        "dans les lignes libres du tableau",
        "row {row}, just under the table's last line, is outside its range ({cells}): a row "
        "inserted above the totals is counted nowhere; type the line in the table's spare rows",
    ),
    "twice_header": (
        "colonne « {title} » deux fois sur la ligne d'en-tête {row} ({found}) : laquelle lire ?",
        "column '{title}' twice in the table's header row {row} ({found}): which one to read?",
    ),
}


def _say(key: str, lang: Lang, **fields: object) -> str:
    return pick(LOCATE_MESSAGES[key], lang).format(**fields)


def header_key(text: object) -> str:
    """A header as it is compared: spaces (non-breaking ones too) collapsed, any case."""
    return " ".join(str(text).replace("\u00a0", " ").split()).casefold()


@cache
def table_headers(lang: Lang, sheet: str, options: bool = False) -> dict[str, tuple[str, bool]]:
    """Column key -> (its header text in ``lang``, required) of the table on ``sheet``:
    the inputs are required; the computed columns, years and line check are located
    when found.

    >>> headers = table_headers("en", "costs")
    >>> headers["label"], headers["y2"], headers["check"]
    (('Label', True), ('Year 2', False), ('Line to check (1)', False))

    A workbook of ``options`` has the lines' Option column (and whether each counts).
    """
    layout = Layout(lang, Capacity(options=MAX_OPTIONS if options else 0))
    table = layout.table(sheet)
    found = {c.key: (layout.text(c.title), not c.computed) for c in table.columns}
    if table.years_after:
        found.update({c.key: (layout.text(c.title), False) for c in table.year_totals})
        year = layout.text(("Année", "Year"))
        found.update({f"y{t}": (f"{year} {t}", False) for t in YEARS})
    found["check"] = (layout.text(("Ligne à revoir (1)", "Line to check (1)")), False)
    return found


@cache
def _keys(lang: Lang, sheet: str, options: bool = False) -> tuple[dict[str, str], dict[str, str]]:
    """Header (as :func:`header_key` compares it) -> column key, in ``lang`` then in the
    other language."""
    other: Lang = "en" if lang == "fr" else "fr"
    return tuple(  # type: ignore[return-value]
        {header_key(title): key for key, (title, _) in table_headers(lg, sheet, options).items()}
        for lg in (lang, other)
    )


class Located(NamedTuple):
    """Where the layout's cells are in the file: (sheet key, address in the layout) ->
    address in the file; and the problems, one line each (empty: all found)."""

    refs: dict[tuple[str, str], str]
    problems: list[str]
    under: dict[str, list[str]]  # sheet key -> the input cells of the row under its table


class _Locator:
    def __init__(self, book: Xlsx, layout: Layout, computed: bool) -> None:
        self.book, self.layout, self.lang = book, layout, layout.lang
        self.computed = computed  # locate the computed columns too (for the warnings)
        self.refs: dict[tuple[str, str], str] = {}
        self.problems: list[str] = []
        self.under: dict[str, list[str]] = {}

    def problem(self, sheet: str, key: str, **fields: object) -> None:
        name = self.layout.sheet_name(sheet)
        self.problems.append(f"{name}: {_say(key, self.lang, **fields)}")

    def area(self, name: str, what: str) -> tuple[str, int, int, int, int] | None:
        """The area a name points to now, on its expected sheet; None (reported) when it
        is missing, broken or elsewhere."""
        sheet, expected = self.layout.names[name]
        text = self.book.names.get(name)
        if text is None:
            self.problem(sheet, "missing_name", name=name, what=what)
            return None
        area = parse_area(text)
        if area is None:
            self.problem(sheet, "broken_name", name=name, found=text[:60])
            return None
        if area[0] != self.layout.sheet_name(sheet):
            shown = f"{text[:60]}"
            self.problem(sheet, "moved_name", name=name, found=shown, expected=expected)
            return None
        return area

    def single(self, name: str, sheet: str, ref: str, what: str) -> None:
        """A named single input: where it is now (a one-cell area)."""
        area = self.area(name, what)
        if area is None:
            return
        _, col1, row1, col2, row2 = area
        if (col1, row1) != (col2, row2):
            found = self.book.names[name][:60]
            self.problem(sheet, "moved_name", name=name, found=found, expected=ref)
            return
        self.refs[(sheet, ref)] = f"{column_letter(col1)}{row1}"

    def adoption(self) -> None:
        layout = self.layout
        area = self.area("In_Adoption", pick(("l'adoption", "the adoption"), self.lang))
        if area is None:
            return
        _, col1, row1, col2, row2 = area
        years = len(YEARS) - 1
        if row1 != row2 or col2 - col1 + 1 != years:
            expected = layout.names["In_Adoption"][1]
            self.problem(
                "assumptions",
                "moved_name",
                name="In_Adoption",
                found=self.book.names["In_Adoption"][:60],
                expected=f"{expected} ({years} {pick(('années', 'years'), self.lang)})",
            )
            return
        for t in YEARS[1:]:
            ref = f"{layout.adoption_col(t)}{layout.adoption_row}"
            self.refs[("assumptions", ref)] = f"{column_letter(col1 + t - 1)}{row1}"

    def options(self) -> None:
        """The options block of a workbook of options: where its range starts now (its
        fields in their columns, an option a row)."""
        layout = self.layout
        area = self.area("Tbl_Options", pick(("les options", "the options"), self.lang))
        if area is None:
            return
        _, col1, row1, _, _ = area
        keys = [*OPTION_INPUTS, *(f"adoption_{t}" for t in YEARS[1:])]
        for k in range(layout.capacity.options):
            for offset, key in enumerate(keys):
                ref = f"{layout.option_col(key)}{layout.option_row(k)}"
                self.refs[("assumptions", ref)] = f"{column_letter(col1 + offset)}{row1 + k}"

    def table(self, table: Table, cells: dict[str, Cell]) -> None:
        """A table's cells: its lines from its range, its columns by their headers."""
        name = f"Tbl_{table.sheet.capitalize()}"
        area = self.area(name, pick(("le tableau", "the table"), self.lang))
        if area is None:
            return
        _, col1, row1, col2, _ = area
        row = row1 - 1  # the header row, just above the lines
        at: dict[str, list[int]] = {}
        digits = str(row)
        for ref, cell in cells.items():
            spelled = ref.rstrip("0123456789")
            if ref[len(spelled) :] == digits and isinstance(cell.value, str):
                at.setdefault(header_key(cell.value), []).append(_index(spelled))
        options = bool(self.layout.capacity.options)
        own, other = _keys(self.lang, table.sheet, options)
        where: dict[str, list[int]] = {}
        for text, columns in at.items():
            key = own.get(text) or other.get(text)
            if key is not None:
                where.setdefault(key, []).extend(c for c in columns if col1 <= c <= col2 + 1)
        letters: dict[str, str] = {}
        headers = table_headers(self.lang, table.sheet, options)
        for key, (title, required) in headers.items():
            columns = where.get(key, [])
            if len(columns) == 1 and (required or self.computed):
                letters[key] = column_letter(columns[0])
            elif len(columns) > 1 and required:
                found = ", ".join(column_letter(c) for c in columns)
                self.problem(table.sheet, "twice_header", title=title, row=row, found=found)
            elif required:
                self.problem(table.sheet, "missing_header", title=title, row=row)
        under = area[4] + 1  # the row under the last line: its totals, or blank
        self.under[table.sheet] = [
            f"{letter}{under}"
            for key, letter in letters.items()
            if headers[key][1] and key != table.columns[0].key
        ]
        for key, letter in letters.items():
            for i in range(table.capacity):
                self.refs[(table.sheet, table.cell(key, i))] = f"{letter}{row1 + i}"


def _index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def header_rows(book: Xlsx, layout: Layout) -> dict[str, tuple[int, int]]:
    """Sheet key -> (header row, columns to read) of each table of lines, from its range
    now: its header row, as far as the column after the range (the line check). A table
    whose name is missing, broken or elsewhere is left out (:func:`locate` reports it)."""
    out: dict[str, tuple[int, int]] = {}
    for table in layout.tables:
        area = parse_area(book.names.get(f"Tbl_{table.sheet.capitalize()}", ""))
        if area is not None and area[0] == layout.sheet_name(table.sheet) and area[2] > 1:
            out[table.sheet] = (area[2] - 1, area[3] + 1)
    return out


def locate(
    book: Xlsx, layout: Layout, headers: dict[str, dict[str, Cell]], *, computed: bool = False
) -> Located:
    """Where every named input and every input column of the tables of lines is in
    ``book`` (``headers``: each table sheet's cells down to its header row, as
    :func:`header_rows` says), and with ``computed`` the computed columns found too.
    Raises nothing: the problems are returned."""
    locator = _Locator(book, layout, computed)
    lang = layout.lang
    for a in ASSUMPTIONS:
        ref = f"B{layout.assumption_row(a.field)}"
        locator.single(a.name, "assumptions", ref, pick(a.title, lang))
    locator.adoption()
    for a in SIMULATION_INPUTS:
        ref = f"B{layout.simulation_input_row(a.field)}"
        locator.single(a.name, "assumptions", ref, pick(a.title, lang))
    if layout.capacity.options:
        locator.options()
    for field, name, title, _ in CUSTOMERS:
        locator.single(name, "channels", f"B{layout.customer_row(field)}", pick(title, lang))
    for table in layout.tables:
        locator.table(table, headers.get(table.sheet, {}))
    return Located(locator.refs, locator.problems, locator.under)


def outside(
    layout: Layout, grid: dict[str, dict[str, Cell]], under: dict[str, list[str]]
) -> list[str]:
    """A line typed in a row inserted just under a table (above its totals): values typed
    (not formulas: a total row has formulas) in its input columns. One line a table."""
    problems = []
    for sheet, refs in under.items():
        typed = [
            ref
            for ref in refs
            if (cell := grid.get(sheet, {}).get(ref)) is not None
            and cell.formula is None
            and cell.value not in (None, "")
        ]
        if typed:
            row = typed[0].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            said = _say("under_table", layout.lang, row=row, cells=", ".join(typed[:5]))
            problems.append(f"{layout.sheet_name(sheet)}: {said}")
    return problems


def refuse(path: object, problems: list[str]) -> None:
    """Raise the problems found, one line each, naming the file."""
    if problems:
        raise WorkbookError("\n".join(f"{path}: {line}" for line in problems))
