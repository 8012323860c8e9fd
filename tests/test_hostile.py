"""Hostile workbooks are refused quickly, with bounded memory and a clear message.

Every file here is built by the test: entity bombs, external entities, zip
bombs (honest and lying about their size), huge sheets, files of other types.
The bounds are generous safety limits, not performance figures: what they
catch is a reader that inflates a bomb or parses a whole huge sheet.
"""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from crmroi_xl import ScenarioError, WorkbookError, export_workbook, load_scenario, read_workbook
from crmroi_xl.cli.main import main
from crmroi_xl.excel.archive import MAX_PART_BYTES, MAX_RATIO
from crmroi_xl.excel.layout import SHEETS, Layout
from crmroi_xl.io.flatfiles import read_rows
from crmroi_xl.io.flatwrite import write_scenarios

#: The zip parts of two input sheets the reader parses (sheets are numbered in order).
ASSUMPTIONS_PART, COSTS_PART = (
    f"xl/worksheets/sheet{list(SHEETS).index(key) + 1}.xml" for key in ("assumptions", "costs")
)
SECONDS = 10.0  # far above the ~0.1 s a refusal takes
MEGABYTES = 64  # far below what inflating any bomb here would take


@contextmanager
def bounded() -> Iterator[None]:
    """Fail if the block takes more than SECONDS or allocates more than MEGABYTES."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < SECONDS, f"took {elapsed:.1f} s"
    assert peak < MEGABYTES * 1024 * 1024, f"allocated {peak / 1e6:.0f} MB"


@pytest.fixture(scope="module")
def genuine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("genuine")
    return export_workbook(load_scenario("examples/pme-20-postes.yaml"), folder / "ok.xlsx")


def _rewrite(source: Path, target: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """Copy a workbook, passing every part through ``change``."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            new.writestr(name, change(name, old.read(name)))
    return target


def _refused(path: Path, message: str) -> None:
    with bounded(), pytest.raises(WorkbookError) as caught:
        read_workbook(path)
    assert str(path) in caught.value.message
    assert message in caught.value.message, caught.value.message


LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>"""


def _inject(prolog: bytes, part: str, padding: int = 0) -> Callable[[str, bytes], bytes]:
    def change(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
        body = body.replace(b"<sheetData>", b"<sheetData>", 1)
        if b"&lol9;" not in body and prolog is LAUGHS:
            body = body.replace(
                b"<sheetData>",
                b"<sheetData><row r='1'><c r='A1' t='inlineStr'><is><t>&lol9;</t></is></c></row>",
                1,
            )
        return prolog + b"<!--" + b" " * padding + b"-->" + body

    return change


@pytest.mark.parametrize("padding", [0, 600_000], ids=["at-start", "after-600kB-of-comment"])
@pytest.mark.parametrize(
    ("prolog", "part"),
    [
        (LAUGHS, ASSUMPTIONS_PART),
        (LAUGHS, "xl/workbook.xml"),
        (XXE, COSTS_PART),
        (XXE, "[Content_Types].xml"),
    ],
    ids=["billion-laughs-sheet", "billion-laughs-workbook", "xxe-sheet", "xxe-content-types"],
)
def test_entity_declarations_are_refused(
    genuine: Path, tmp_path: Path, prolog: bytes, part: str, padding: int
) -> None:
    path = _rewrite(genuine, tmp_path / "bomb.xlsx", _inject(prolog, part, padding))
    _refused(path, f"part {part} declares a DOCTYPE or entities: refused")


def _zip_bomb(path: Path, megabytes: int, part: str = COSTS_PART) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open(part, "w") as entry:
            block = b"<c/>" * 262_144  # 1 MiB that compresses to about 1 kB
            for _ in range(megabytes):
                entry.write(block)
    return path


@pytest.mark.parametrize(
    ("megabytes", "message"),
    [(200, "more than the 16777216 allowed"), (10, "inflates")],
    ids=["huge-part", "too-compressible-part"],
)
def test_a_zip_bomb_is_refused_before_inflating(
    tmp_path: Path, megabytes: int, message: str
) -> None:
    path = _zip_bomb(tmp_path / "bomb.xlsx", megabytes)
    assert path.stat().st_size < 2_000_000
    _refused(path, message)


def test_a_zip_bomb_that_lies_about_its_size(tmp_path: Path) -> None:
    """The directory claims 1 kB; inflating must stop there, not at 40 MB."""
    path = _zip_bomb(tmp_path / "liar.xlsx", 40)
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_length = struct.unpack_from(
                "<H", data, start + (26 if signature == b"PK\x03\x04" else 28)
            )[0]
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + name_length].endswith(COSTS_PART.encode()):
                struct.pack_into("<I", data, start + offset, 1024)
            start += 4
    path.write_bytes(bytes(data))
    with bounded(), pytest.raises(WorkbookError, match=r"liar\.xlsx: "):
        read_workbook(path)


def test_too_many_parts(tmp_path: Path) -> None:
    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(600):
            archive.writestr(f"xl/p{i}.xml", b"<a/>")
    _refused(path, "600 parts, too many for a workbook")


def test_a_huge_sheet_is_streamed_not_loaded(genuine: Path, tmp_path: Path) -> None:
    """150 000 extra rows on the costs sheet: only the table's rows are parsed."""
    costs_part = COSTS_PART
    assert Layout("fr").sheet_name("costs") == "Coûts"
    rows = b"".join(
        b'<row r="%d"><c r="A%d"><v>1</v></c><c r="B%d"><v>2</v></c></row>' % (r, r, r)
        for r in range(1_000, 151_000)
    )

    def change(name: str, data: bytes) -> bytes:
        if name != costs_part:
            return data
        return data.replace(b"</sheetData>", rows + b"</sheetData>", 1)

    path = _rewrite(genuine, tmp_path / "huge.xlsx", change)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(costs_part).file_size > 8_000_000
    with bounded():
        scenario = read_workbook(path)
    assert scenario == load_scenario("examples/pme-20-postes.yaml")


def test_a_part_too_large_to_be_a_workbook(genuine: Path, tmp_path: Path) -> None:
    def change(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return data
        return data.replace(
            b"</sheetData>", b"<row r='999'>" + b"<c/>" * 5_000_000 + b"</row></sheetData>"
        )

    path = _rewrite(genuine, tmp_path / "big-part.xlsx", change)
    _refused(path, "more than the 16777216 allowed")


def test_a_table_declaring_a_million_lines(genuine: Path, tmp_path: Path) -> None:
    def change(name: str, data: bytes) -> bytes:
        if name != "xl/workbook.xml":
            return data
        costs = Layout("en").names["Tbl_Costs"][1]  # $A$6:$..$30
        return data.replace(costs.encode(), costs.replace("$30", "$1000000").encode())

    path = _rewrite(genuine, tmp_path / "tall.xlsx", change)
    _refused(path, "a table of 999995 lines; at most 1000 are read")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "report.xlsx",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
            "not an xlsx workbook (not a zip archive)",
        ),
        (
            "old.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
            "an Excel 97-2003 (.xls) file",
        ),
        ("empty.xlsx", b"", "not an xlsx workbook (not a zip archive)"),
    ],
)
def test_other_file_types_behind_an_xlsx_name(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    _refused(path, message)


def test_an_opendocument_or_word_file_renamed_xlsx(tmp_path: Path) -> None:
    for name, part in (("sheet.xlsx", "content.xml"), ("letter.xlsx", "word/document.xml")):
        path = tmp_path / name
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(part, b"<document/>")
        _refused(path, "not an xlsx workbook (no xl/workbook.xml)")


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.99])
def test_truncated_workbooks(genuine: Path, tmp_path: Path, keep: float) -> None:
    data = genuine.read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: int(len(data) * keep)])
    with bounded(), pytest.raises(WorkbookError, match=r"cut\.xlsx: "):
        read_workbook(path)


def test_the_command_line_refuses_a_bomb_with_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _zip_bomb(tmp_path / "bomb.xlsx", 50)
    assert main(["read", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"crmroi: error: {path}: part ") and err.count("\n") == 1


# --- in a child process, with the bounds: 1 GiB of memory, no hang ------------

GIB = 1024**3
CHILD = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from crmroi_xl import CrmRoiError, read_workbook
from crmroi_xl.io.flatfiles import read_rows
start = time.perf_counter()
try:
    {call}(sys.argv[1])
    outcome = "read"
except CrmRoiError as error:
    outcome = error.message
seconds = time.perf_counter() - start
# This process's own peak (ru_maxrss would include the parent's, inherited across exec).
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({{"outcome": outcome, "seconds": seconds, "rss_mb": int(peak.split()[1]) / 1024}}))
"""


def _in_child(call: str, path: Path) -> str:
    """``call(path)`` (read_workbook or read_rows) in a child limited to 1 GiB of address
    space and 60 s; fails unless it ends within SECONDS and 300 MB of peak memory.
    Returns the error message, or "read"."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD.format(limit=GIB, call=call), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["seconds"] < SECONDS, report
    assert report["rss_mb"] < 300, report
    return str(report["outcome"])


def _stylesheet_bomb(genuine: Path, target: Path) -> Path:
    """The genuine workbook whose stylesheet holds 3.3 million cell formats after its
    own, with enough noise to stay under every archive limit."""
    noise = b"<!--" + os.urandom(100_000).hex().encode() + b"-->"

    def change(name: str, data: bytes) -> bytes:
        if name != "xl/styles.xml":
            return data
        return data.replace(b"</cellXfs>", noise + b"<xf/>" * 3_300_000 + b"</cellXfs>", 1)

    path = _rewrite(genuine, target, change)
    with zipfile.ZipFile(path) as archive:
        styles = archive.getinfo("xl/styles.xml")
    assert 16_000_000 < styles.file_size < MAX_PART_BYTES, styles.file_size
    assert styles.file_size / styles.compress_size < MAX_RATIO
    return path


def test_a_stylesheet_bomb_costs_nothing(genuine: Path, tmp_path: Path) -> None:
    """Before: 34 s and 1.8 GB, then accepted. The stylesheet is read only as far as the
    formats of the cells read."""
    path = _stylesheet_bomb(genuine, tmp_path / "styles.xlsx")
    assert _in_child("read_workbook", path) == "read"


def _flat(tmp_path: Path, change: Callable[[str, bytes], bytes]) -> Path:
    sheet = write_scenarios([load_scenario("examples/pme-20-postes.yaml")], tmp_path / "s.xlsx")
    return _rewrite(sheet, tmp_path / "flat.xlsx", change)


def test_a_flat_sheet_whose_dimension_lies(tmp_path: Path) -> None:
    """Before: over 6 GB (openpyxl pads every row to the dimension)."""

    def change(name: str, data: bytes) -> bytes:
        if not name.startswith("xl/worksheets/"):
            return data
        data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', data)
        last = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
        return data.replace(b"</sheetData>", last + b"</sheetData>")

    assert _in_child("read_rows", _flat(tmp_path, change)) == "read"
    rows = read_rows(tmp_path / "flat.xlsx")
    assert [row.number for row in rows] == [2, 1048576]
    with pytest.raises(ScenarioError, match=r"row 1048576: column XFD: a value \(1\) under no"):
        rows[1].scenario("row 1048576")


def test_a_flat_sheet_gets_the_archive_checks(genuine: Path, tmp_path: Path) -> None:
    """Before: no check at all; a 100 MB stylesheet took 4.7 GB."""

    def huge_styles(name: str, data: bytes) -> bytes:
        return data + b"<!---->" * 15_000_000 if name == "xl/styles.xml" else data

    assert "more than the 16777216 allowed" in _in_child("read_rows", _flat(tmp_path, huge_styles))
    bomb = _stylesheet_bomb(genuine, tmp_path / "styles.xlsx")
    flat = _flat(tmp_path, lambda name, data: data)
    with zipfile.ZipFile(bomb) as source:
        styles = source.read("xl/styles.xml")
    _rewrite(flat, tmp_path / "flat-bomb.xlsx", lambda n, d: styles if n == "xl/styles.xml" else d)
    assert _in_child("read_rows", tmp_path / "flat-bomb.xlsx") == "read"
    laughs = _rewrite(flat, tmp_path / "laughs.xlsx", _inject(LAUGHS, "xl/worksheets/sheet1.xml"))
    with pytest.raises(ScenarioError, match="declares a DOCTYPE or entities: refused"):
        read_rows(laughs)


@pytest.mark.parametrize(
    ("kind", "command"),
    [
        (kind, command)
        for kind in ("fifo", "dev-zero", "folder")
        for command in ("read", "compute", "batch")
        if (kind, command) != ("folder", "batch")  # a folder of scenarios is a batch input
    ],
)
def test_not_a_regular_file(tmp_path: Path, kind: str, command: str) -> None:
    """Before: a FIFO hung forever, /dev/zero read without end. One line, exit 1."""
    path = tmp_path / "x.xlsx"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        os.symlink("/dev/zero", path)
    else:
        path.mkdir()
    what = {"fifo": "a pipe (FIFO)", "dev-zero": "a device", "folder": "a folder"}[kind]
    args = [
        command,
        str(path),
        *(["--out-dir", str(tmp_path / "out")] if command == "batch" else []),
    ]
    code = "import sys; from crmroi_xl.cli.main import main; sys.exit(main())"
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=30
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"crmroi: error: {path}: {what}, not a file: refused\n"


def test_a_password_protected_workbook_is_named_as_such(tmp_path: Path) -> None:
    """Before: 'an Excel 97-2003 (.xls) file'. tests/data/encrypted.xlsx was encrypted
    by msoffcrypto-tool (password 'crmroi'), as Excel encrypts: an OLE2 file holding
    EncryptionInfo and EncryptedPackage streams."""
    path = Path("tests/data/encrypted.xlsx")
    _refused(path, "a password-protected workbook: remove the password")
    with pytest.raises(ScenarioError, match="a password-protected workbook"):
        read_rows(path)
