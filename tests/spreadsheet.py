"""LibreOffice headless and Gnumeric as the independent spreadsheet engines of the tests.

``recalculate`` (and ``render_pdf``, to print them) converts many workbooks in
ONE ``soffice`` call (about 0.3 s a file that way against 1.4 s alone), in a
profile of its own set to recalculate
every formula on load -- LibreOffice's default keeps the cached values of an
xlsx, which would make the comparison vacuous. A canary workbook whose cached
values are wrong goes along with every batch and must come back corrected.

``recalculate_gnumeric`` does the same with Gnumeric's ``ssconvert --recalc`` (one
process a file, about 0.3 s each): a third engine, which follows ISO 29500 more
literally than Excel and LibreOffice (``INDEX`` on a one-row range, ``N()`` of a
blank), so a formula all of them compute alike is portable.
"""

from __future__ import annotations

import html
import itertools
import math
import os
import re
import shutil
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from crmroi_xl.excel.package import save_workbook

RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
_profiles = itertools.count()


def soffice() -> str:
    """Path of LibreOffice's soffice; a failure in CI, a skip elsewhere."""
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "LibreOffice (soffice) is required in CI: apt-get install libreoffice-calc-nogui"
            )
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def _canary(folder: Path) -> Path:
    """A workbook whose cached value (99) is not what its formula computes (3)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["A3"] = 1, 2, "=A1+A2"
    return save_workbook(wb, folder / "zz-canary.xlsx", {(ws.title, "A3"): 99.0})


def _convert(paths: list[Path], folder: Path, kind: str) -> tuple[dict[Path, Path], Path]:
    """Convert ``paths`` and a canary with LibreOffice, recalculating every formula on
    load, into ``kind`` (``xlsx``, ``pdf``); map each to its converted copy, and give
    the canary's."""
    executable = soffice()
    profile = folder / f"lo-profile-{next(_profiles)}"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    source = folder / f"to-{kind}"
    out = folder / ("recalculated" if kind == "xlsx" else kind)
    source.mkdir(exist_ok=True)
    out.mkdir(exist_ok=True)
    staged = {}
    for i, path in enumerate(paths):
        target = source / f"{i:04d}-{path.name}"
        shutil.copyfile(path, target)
        staged[path] = target
    canary = _canary(source)
    done = subprocess.run(
        [
            executable,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            kind,
            "--outdir",
            str(out),
            *map(str, staged.values()),
            str(canary),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    converted = {path: out / target.with_suffix(f".{kind}").name for path, target in staged.items()}
    return converted, out / canary.with_suffix(f".{kind}").name


def recalculate(paths: list[Path], folder: Path) -> dict[Path, Path]:
    """Recalculate ``paths`` with LibreOffice; map each to its recalculated copy."""
    converted, canary = _convert(paths, folder, "xlsx")
    recalculated = openpyxl.load_workbook(canary, data_only=True)
    assert recalculated.active["A3"].value == 3, "LibreOffice did not recalculate"
    return converted


def gnumeric() -> str:
    """Path of Gnumeric's ssconvert; a failure in CI, a skip elsewhere."""
    found = shutil.which("ssconvert")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Gnumeric (ssconvert) is required in CI: apt-get install gnumeric")
        pytest.skip("Gnumeric (ssconvert) is not installed")
    return found


def recalculate_gnumeric(paths: list[Path], folder: Path) -> dict[Path, Path]:
    """Recalculate ``paths`` with Gnumeric; map each to its recalculated copy. Whatever
    Gnumeric cannot read in a file (an invalid formula, say) fails the test."""
    executable = gnumeric()
    out = folder / "gnumeric"
    out.mkdir(exist_ok=True)
    canary = _canary(folder)
    converted = {}
    for i, path in enumerate([*paths, canary]):
        target = out / f"{i:04d}-{path.name}"
        done = subprocess.run(
            [executable, "--recalc", str(path), str(target)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        refused = [line for line in done.stderr.splitlines() if "Invalid" in line]
        assert refused == [], f"{path.name}: {refused}"
        converted[path] = target
    assert load_values(converted.pop(canary)).active["A3"].value == 3, (
        "Gnumeric did not recalculate"
    )
    return converted


def load_values(path: Path, *, data_only: bool = True) -> openpyxl.Workbook:
    """A workbook's cached values (openpyxl's ``data_only``; its formulas with
    ``data_only=False``); a file Gnumeric wrote has no default cell style, which openpyxl
    would warn about."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Workbook contains no default style")
        return openpyxl.load_workbook(path, data_only=data_only)


def render_pdf(paths: list[Path], folder: Path) -> dict[Path, list[str]]:
    """Print ``paths`` to PDF with LibreOffice (every formula recalculated first); map each
    to the text of its pages (``pdftotext -layout``, one string a page)."""
    return {path: pdf_pages(pdf) for path, pdf in print_pdf(paths, folder).items()}


def print_pdf(paths: list[Path], folder: Path) -> dict[Path, Path]:
    """Print ``paths`` to PDF with LibreOffice (every formula recalculated first); map each
    to its PDF."""
    converted, canary = _convert(paths, folder, "pdf")
    assert "99" not in pdf_pages(canary)[0], "LibreOffice did not recalculate"
    return converted


def scale_reference(folder: Path) -> Path:
    """A workbook printed at 100 %, its footer in 8 pt as the exports' (the measure of
    :func:`page_scales`)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "100 %"
    ws.page_setup.scale = 100
    footer = ws.oddFooter
    footer.left.text, footer.left.size = "&A", 8
    footer.right.text, footer.right.size = "Page &P of &N", 8
    return save_workbook(wb, folder / "scale-reference.xlsx")


def page_scales(pdf: Path, reference: Path) -> list[float]:
    """The scale each page of ``pdf`` prints at, from its footer: LibreOffice scales a
    footer with the page, so the height of its word "Page" (8 pt) against its height in
    ``reference``, printed at 100 % (:func:`scale_reference`)."""
    (at_100,) = _page_word_heights(reference)
    return [height / at_100 for height in _page_word_heights(pdf)]


def _page_word_heights(pdf: Path) -> list[float]:
    """The height of the footer's word "Page" (the lowest one) on each page of ``pdf``."""
    done = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    heights = []
    for page in done.stdout.split("<page ")[1:]:
        words = re.findall(r'yMin="([0-9.]+)" xMax="[0-9.]+" yMax="([0-9.]+)">(?:Page)<', page)
        low, high = max((float(a), float(b)) for a, b in words)
        heights.append(high - low)
    return heights


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of a PDF (poppler's ``pdftotext``), its footer line as
    :func:`pdf_footers` reads it."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    done = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    pages = done.stdout.split("\f")[:-1]
    for i, footer in enumerate(pdf_footers(pdf)):
        lines = pages[i].split("\n")
        at = [k for k, line in enumerate(lines) if "Page" in line]
        if footer and at:
            lines[at[-1]] = footer
            pages[i] = "\n".join(lines)
    return pages


_WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)"[^>]*>([^<]*)</word>')


def pdf_footers(pdf: Path) -> list[str]:
    """Each page's footer line from the words' boxes: the words on the baseline of the
    page's lowest "Page", left to right, four spaces where a gap is wide. A chart's
    rotated labels, clipped and unseen at a page's edge, can fall on the footer's line
    of ``pdftotext -layout`` ("Page €4 sur 19"); they are not on its baseline."""
    done = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    footers = []
    for page in done.stdout.split("<page ")[1:]:
        words = [
            (float(x0), float(y0), float(x1), html.unescape(text))
            for x0, y0, x1, text in _WORD.findall(page)
        ]
        marks = [w for w in words if w[3] == "Page"]
        if not marks:
            footers.append("")
            continue
        base = max(w[1] for w in marks)
        line = sorted((w for w in words if abs(w[1] - base) < 0.01), key=lambda w: w[0])
        at = max(w[0] for w in marks if abs(w[1] - base) < 0.01)
        # a chart's clipped label can even share the baseline: the name is its words with
        # letters, before "Page"; then the first "i of N" (or "i sur N") after it
        name = [w[3] for w in line if w[0] < at and any(c.isalpha() for c in w[3])]
        after = " ".join(w[3] for w in line if w[0] > at)
        found = re.search(r"(?<!\S)(\d+) (of|sur) (\d+)(?!\S)", after)
        text = " ".join(name) + "    Page " + (" ".join(found.groups()) if found else after)
        footers.append(text)
    return footers


def formula_cells(path: Path) -> Iterator[tuple[str, str, str]]:
    """(sheet, address, formula) of every formula cell of a workbook."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    yield ws.title, cell.coordinate, str(cell.value)


def same(a: object, b: object) -> bool:
    """Spreadsheet equality: numbers to 1e-9 relative (1e-6 absolute), blank = ''."""
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    return a == b


def mismatches(original: Path, recalculated: Path, engine: str = "LibreOffice") -> list[str]:
    """Formula cells whose cached value differs from the spreadsheet's recalculation."""
    cached = load_values(original)
    computed = load_values(recalculated)
    out = []
    for sheet, ref, formula in formula_cells(original):
        mine, theirs = cached[sheet][ref].value, computed[sheet][ref].value
        if not same(mine, theirs):
            out.append(f"{sheet}!{ref}: engine {mine!r}, {engine} {theirs!r} ({formula})")
    return out


def after_edits(layout: Any, expected: dict[tuple[str, str], Any]) -> dict[tuple[str, str], Any]:
    """The engine's values of a workbook's formula cells that an edited workbook must
    still show: all but the Simulation sheet's flag, which says the inputs changed since
    the export (the engine's value is a fresh export's: blank), and the Sensitivity
    sheet's P10 / P50 / P90 marks, read on its Monte Carlo block as exported."""
    from crmroi_xl.excel.sensitivity_layout import HISTOGRAM_BINS

    p = layout.sensitivity
    stale = {("simulation", layout.simulation.flag_cell)}
    stale |= {("sensitivity", f"{p.curve_columns['marker_x']}{p.mark_row(k)}") for k in range(3)}
    stale |= {("sensitivity", f"{p.marked_col}{p.histogram_row(b)}") for b in range(HISTOGRAM_BINS)}
    return {key: value for key, value in expected.items() if key not in stale}
