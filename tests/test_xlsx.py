"""The safe xlsx reader: every kind of cell, only the area asked for, nothing else parsed.

Workbooks here are written by hand, part by part, so each test controls the
exact XML a spreadsheet (or an attacker) would write.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils import column_index_from_string

from crmroi_xl import WorkbookError, export_workbook, load_scenario
from crmroi_xl.excel.layout import Layout
from crmroi_xl.excel.xlsx import MAX_STYLE_ELEMENTS, Cell, open_xlsx, parse_area
from crmroi_xl.excel.xstring import escape, unescape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
BROKEN = b"<row r='999'><c r='A999'><v>1</v></c></row><not xml"  # a parser fails here
#: Parts over 256 kB are streamed (smaller ones, kept by the checks, are parsed whole).
PADDING = b"<!--" + b" " * 300_000 + b"-->"


def make_xlsx(
    path: Path,
    sheets: dict[str, bytes],
    *,
    strings: bytes | None = None,
    styles: bytes | None = None,
    workbook: bytes = b"",
) -> Path:
    """An xlsx whose sheets hold ``sheets`` (sheetData contents), written part by part."""
    entries = "".join(
        f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheets, 1)
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{DOC}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    rels += f'<Relationship Id="rS" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    rels += f'<Relationship Id="rT" Type="{DOC}/styles" Target="/xl/styles.xml"/>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}">'.encode()
            + workbook
            + f"<sheets>{entries}</sheets></workbook>".encode(),
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{RELS}">{rels}</Relationships>'
        )
        for i, body in enumerate(sheets.values(), 1):
            archive.writestr(
                f"xl/worksheets/sheet{i}.xml",
                f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
                + body
                + b"</sheetData></worksheet>",
            )
        if strings is not None:
            archive.writestr(
                "xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">'.encode() + strings + b"</sst>"
            )
        if styles is not None:
            archive.writestr(
                "xl/styles.xml", f'<styleSheet xmlns="{MAIN}">'.encode() + styles + b"</styleSheet>"
            )
    return path


#: cellXfs 0: General, 1: a built-in date (14), 2: a custom date, 3: a custom number with text.
STYLES = (
    b'<numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy\\ hh:mm"/>'
    b'<numFmt numFmtId="165" formatCode="#,##0&quot; days&quot;"/></numFmts>'
    b'<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/></cellXfs>'
)


def test_every_kind_of_cell(tmp_path: Path) -> None:
    row = (
        b'<row r="1"><c r="A1"><v>12</v></c><c r="B1"><v>0.5</v></c><c r="C1" t="s"><v>1</v></c>'
        b'<c r="D1" t="inlineStr"><is><t>in</t></is></c><c r="E1" t="b"><v>1</v></c>'
        b'<c r="F1" t="e"><v>#N/A</v></c><c r="G1" s="1"><v>45292</v></c>'
        b'<c r="H1" s="3"><v>7</v></c><c r="I1" t="d"><v>2024-01-01T00:00:00</v></c></row>'
        b'<row r="2"><c r="A2"><f>12*50</f><v>600</v></c><c r="B2"><f>1+1</f></c>'
        b'<c r="C2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="D2" t="s"><v>0</v></c></row>'
    )
    strings = (
        b"<si><r><t>ri</t></r><r><t>ch</t></r><rPh><t>PHONETIC</t></rPh></si>"
        b"<si><t>shared _x005F_x0041_</t></si>"
    )
    path = make_xlsx(tmp_path / "k.xlsx", {"S": row}, strings=strings, styles=STYLES)
    with open_xlsx(path) as book:
        cells = book.cells("S", rows=2, columns=9)
    assert cells == {
        "A1": Cell(12, "number"),
        "B1": Cell(0.5, "number"),
        "C1": Cell("shared _x0041_", "shared string"),  # ST_Xstring: the underscore escaped
        "D1": Cell("in", "inline string"),
        "E1": Cell(True, "boolean"),
        "F1": Cell("#N/A", "error"),
        "G1": Cell(45292, "date"),
        "H1": Cell(7, "number"),  # a number format with text is not a date
        "I1": Cell(45292.0, "date"),
        "A2": Cell(600, "number", "=12*50"),
        "B2": Cell(None, "empty", "=1+1"),  # never calculated
        "C2": Cell("ab", "formula string", '="a"&"b"'),
        "D2": Cell("rich", "shared string"),  # runs joined, phonetic guide left out
    }


@pytest.mark.parametrize(
    ("stored", "text"),
    [
        ("Tax005F_2024", "Tax005F_2024"),  # no escape: read as typed (it read "Ta2024")
        ("x005F_", "x005F_"),
        ("_x005F_x0041_", "_x0041_"),  # Excel's way of storing the text _x0041_
        ("_x005f_x00e9_ and _x0041_", "_x00e9_ and A"),  # hex digits in either case
        ("a_x000D__x000A_b", "a\r\nb"),  # control characters as Excel escapes them
        ("_x0001_", "\x01"),
        ("_x005F_x005F_x005F_x0041_", "_x005F_x0041_"),  # the literal _x005F_x0041_
        ("_x005F_", "_x005F_"),  # escapes an underscore only before xHHHH_
        ("_x005F_abc _x00_ _xZZZZ_ x0041_", "_x005F_abc _x00_ _xZZZZ_ x0041_"),
    ],
)
def test_escaped_characters_are_undone_as_the_standard_says(
    tmp_path: Path, stored: str, text: str
) -> None:
    """ECMA-376 Part 1, 22.9.2.19 ST_Xstring: ``_xHHHH_`` is the character U+HHHH, and
    ``_x005F_`` escapes the underscore that starts one. Every ``x005F_`` used to vanish.
    Shared strings, inline strings and a formula's text result alike."""
    row = (
        b'<row r="1"><c r="A1" t="s"><v>0</v></c>'
        b'<c r="B1" t="inlineStr"><is><t>' + stored.encode() + b"</t></is></c>"
        b'<c r="C1" t="str"><f>"x"</f><v>' + stored.encode() + b"</v></c></row>"
    )
    strings = b"<si><t>" + stored.encode() + b"</t></si>"
    path = make_xlsx(tmp_path / "x.xlsx", {"S": row}, strings=strings)
    with open_xlsx(path) as book:
        cells = book.cells("S", rows=1, columns=3)
    assert [cells[ref].value for ref in ("A1", "B1", "C1")] == [text] * 3


@given(
    st.lists(st.sampled_from(["_x", "_", "x", "005F", "005f", "0041", "000D", "Z", "é"])).map(
        "".join
    )
)
def test_escaping_then_unescaping_gives_the_text_back(text: str) -> None:
    assert unescape(escape(text)) == text
    assert "_x" not in text or escape(text) == text or "_x005F_" in escape(text)


def test_shared_and_array_formulas_are_formulas_in_every_cell_they_fill(tmp_path: Path) -> None:
    rows = (
        b'<row r="1"><c r="A1"><f t="shared" ref="A1:A3" si="0">2*3</f><v>6</v></c>'
        b'<c r="B1"><f t="array" ref="B1:C2">WEBSERVICE("http://x")</f><v>5</v></c>'
        b'<c r="C1"><v>5</v></c></row>'
        b'<row r="2"><c r="A2"><f t="shared" si="0"/><v>6</v></c><c r="C2"><v>5</v></c></row>'
        b'<row r="3"><c r="A3"><f t="shared" si="0"/><v>6</v></c><c r="C3"><v>5</v></c></row>'
    )
    with open_xlsx(make_xlsx(tmp_path / "f.xlsx", {"S": rows})) as book:
        cells = book.cells("S", rows=3, columns=3)
    assert cells["A1"] == Cell(6, "number", "=2*3")
    assert cells["A3"] == Cell(6, "number", "=2*3", origin="A1")
    assert cells["C2"] == Cell(5, "number", '=WEBSERVICE("http://x")', origin="B1")
    assert cells["C3"] == Cell(5, "number")  # outside the array


def test_addresses_may_be_left_out(tmp_path: Path) -> None:
    rows = (
        b"<row><c><v>1</v></c><c><v>2</v></c></row><row><c r='C2'><v>3</v></c><c><v>4</v></c></row>"
    )
    with open_xlsx(make_xlsx(tmp_path / "a.xlsx", {"S": rows})) as book:
        assert book.cells("S", rows=2, columns=4) == {
            "A1": Cell(1, "number"),
            "B1": Cell(2, "number"),
            "C2": Cell(3, "number"),
            "D2": Cell(4, "number"),
        }


def test_a_sheet_is_read_no_further_than_asked(tmp_path: Path) -> None:
    """Damaged XML after the rows asked for is never parsed; rows() does reach it."""
    first = b"<row r='1'><c r='A1'><v>1</v></c><c r='Z1'><v>9</v></c></row>"
    rows = first + b"<row r='50'><c r='A50'><v>2</v></c></row>" + PADDING + BROKEN
    path = make_xlsx(tmp_path / "b.xlsx", {"S": rows})
    with open_xlsx(path) as book:
        assert book.cells("S", rows=10, columns=3) == {"A1": Cell(1, "number")}
        with pytest.raises(WorkbookError, match=r"b\.xlsx: part xl/worksheets/sheet1\.xml damaged"):
            list(book.rows("S"))


def test_the_dimension_is_not_trusted_and_rows_are_sparse(tmp_path: Path) -> None:
    rows = b"<row r='1'><c r='A1'><v>1</v></c></row><row r='1048576'><c r='XFD1048576'><v>2</v></c></row>"
    path = make_xlsx(tmp_path / "d.xlsx", {"S": rows})
    with zipfile.ZipFile(path, "a") as archive:  # a second, lying copy is not read either
        archive.writestr("xl/worksheets/dimension.xml", b'<dimension ref="A1:XFD1048576"/>')
    with open_xlsx(path) as book:
        assert book.cells("S", rows=5, columns=5) == {"A1": Cell(1, "number")}
        assert list(book.rows("S")) == [
            (1, [(1, Cell(1, "number"))]),
            (1048576, [(16384, Cell(2, "number"))]),
        ]


def test_parts_not_needed_are_never_parsed(tmp_path: Path) -> None:
    """Broken shared strings past the ones used, a broken stylesheet, a broken sheet
    not asked for: reading the cells that need none of them works."""
    strings = b"<si><t>kept</t></si><si><t>never read</t></si>" + PADDING + b"<broken"
    sheets = {
        "S": b"<row r='1'><c r='A1' t='s'><v>0</v></c><c r='B1'><v>3</v></c></row>",
        "T": BROKEN,
    }
    path = make_xlsx(tmp_path / "p.xlsx", sheets, strings=strings, styles=b"<broken")
    with open_xlsx(path) as book:
        assert book.cells("S", rows=1, columns=2) == {
            "A1": Cell("kept", "shared string"),
            "B1": Cell(3, "number"),  # no style: the stylesheet is not opened
        }


def test_the_stylesheet_is_read_only_as_far_as_the_formats_used(tmp_path: Path) -> None:
    more = b"<xf numFmtId='0'/>" * 10
    styles = STYLES.replace(b"</cellXfs>", more + PADDING + b"</cellXfs><broken")
    row = b"<row r='1'><c r='A1' s='2'><v>45292.5</v></c><c r='B1' s='12'><v>1</v></c></row>"
    path = make_xlsx(tmp_path / "s.xlsx", {"S": row}, styles=styles)
    with open_xlsx(path) as book:
        assert book.cells("S", rows=1, columns=2) == {
            "A1": Cell(45292.5, "date"),
            "B1": Cell(1, "number"),
        }


def test_a_style_past_a_sane_stylesheet_is_refused(tmp_path: Path) -> None:
    noise = os.urandom(3 * MAX_STYLE_ELEMENTS).hex().encode()  # under the zip-bomb ratio
    fonts = b"".join(b"<i n='%s'/>" % noise[i : i + 6] for i in range(0, len(noise), 6))
    styles = b"<fonts>" + fonts + b"</fonts>" + STYLES
    row = b"<row r='1'><c r='A1' s='1'><v>1</v></c></row>"
    path = make_xlsx(tmp_path / "s.xlsx", {"S": row}, styles=styles)
    with open_xlsx(path) as book, pytest.raises(WorkbookError) as raised:
        book.cells("S", rows=1, columns=1)
    assert raised.value.message == (
        f"{path}: part xl/styles.xml holds more than {MAX_STYLE_ELEMENTS} elements before the "
        "cell formats needed: not a stylesheet a spreadsheet writes"
    )


def test_sheets_and_defined_names_of_an_export(tmp_path: Path) -> None:
    path = export_workbook(
        load_scenario("examples/pme-20-postes.yaml"), tmp_path / "x.xlsx", lang="en"
    )
    with open_xlsx(path) as book:
        names = [s.name for s in book.worksheets]
        assert names[:4] == ["Guide", "Summary", "Sensitivity", "Assumptions"]
        costs = Layout("en").costs  # its lines span columns A to year 10
        last = column_index_from_string(costs.letter("y10"))
        assert parse_area(book.names["Tbl_Costs"]) == ("Costs", 1, costs.first_row, last, 30)
        assert book.date1904 is False


def test_a_workbook_saved_by_openpyxl_reads_the_same(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Data"
    ws.append(["label", 1.5, True, "=1+2"])
    ws["A3"] = "text"
    wb.save(tmp_path / "o.xlsx")
    with open_xlsx(tmp_path / "o.xlsx") as book:
        assert book.cells("Data", rows=3, columns=4) == {
            "A1": Cell("label", "inline string"),
            "B1": Cell(1.5, "number"),
            "C1": Cell(True, "boolean"),
            "D1": Cell(None, "empty", "=1+2"),
            "A3": Cell("text", "inline string"),
        }


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: os.mkfifo(p), "a pipe (FIFO), not a file: refused"),
        (lambda p: os.symlink("/dev/zero", p), "a device, not a file: refused"),
        (lambda p: os.mkdir(p), "a folder, not a file: refused"),
        (lambda p: None, "no such file"),
    ],
    ids=["fifo", "dev-zero", "folder", "missing"],
)
def test_only_regular_files_are_opened(tmp_path: Path, make: object, message: str) -> None:
    path = tmp_path / "x.xlsx"
    make(path)  # type: ignore[operator]
    with pytest.raises(WorkbookError) as raised, open_xlsx(path):
        pass  # pragma: no cover
    assert raised.value.message == f"{path}: {message}"
