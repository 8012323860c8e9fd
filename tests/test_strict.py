"""Every workbook crmroi-xl writes is a strict file: schema-valid, well packaged, well formed.

Excel is stricter than LibreOffice: a part that breaks the schema, a relationship
to nowhere, a ``=`` in front of a validation's list or a chart axis crossing an
axis that does not exist make it "repair" the file (and drop what it repaired).
These checks need nothing but lxml and openpyxl, and run on both templates, on
the exports of every example and of the demo in French and English, on
scenarios with and without ranges and channels, and on the batch's portfolio
summary:

1. **Schemas.** Every XML part is validated against the ISO/IEC 29500
   transitional XSDs of its root element's namespace (vendored in
   ``tests/data/xsd``, resolved locally: nothing is fetched). A namespace
   without a schema fails the test; nothing is skipped.
2. **Packaging (OPC).** ``[Content_Types].xml`` first, no duplicate part
   names, a content type for every part (the right one for each known kind of
   part, by the relationship that reaches it), every internal relationship
   target present, every part reached from the package's relationships.
3. **Formulas.** Every cell formula, validation formula, conditional format
   formula, defined name and chart reference is written in the file grammar
   (ECMA-376 Part 1 §18.17: no leading ``=``), tokenizes with openpyxl's
   tokenizer with balanced parentheses, calls only Excel built-ins (and, in
   the templates only, the ``CRM_`` functions of ``udfs.py``), and refers only
   to defined names and sheets that exist.
4. **Charts.** Every axis id of a plot area is unique, every chart group's
   axes are in its plot area, and every axis crosses another axis of its plot
   area.

Two defects these checks found are fixed and have their own tests: validation
lists written ``=List_Cases`` and the Summary charts' value axes crossing axis
10, which did not exist.
"""

from __future__ import annotations

import copy
import io
import json
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import etree  # type: ignore[import-untyped]
from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError
from openpyxl.utils import FORMULAE
from xlwings import server

import udfs
from crmroi_xl import batch_export, export_workbook, load_scenario
from crmroi_xl.excel.simulated import simulated
from crmroi_xl.scenario.labels import Lang
from crmroi_xl.scenario.model import Scenario

from .examples import EXAMPLES as ALL_EXAMPLES

XSD = Path(__file__).parent / "data" / "xsd"
EXAMPLES = ALL_EXAMPLES  # a workbook each (a choice: one holding every option)
TEMPLATES = sorted(Path("workbook").glob("crmroi-*.xlsx"))  # the templates, the blank workbooks
LANGS: tuple[Lang, ...] = ("fr", "en")
UDF_NAMES = frozenset(f["name"] for f in server.custom_functions_meta(udfs)["functions"])

# --- namespaces, content types, relationship types ----------------------------------------

SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
DML = "http://schemas.openxmlformats.org/drawingml/2006/main"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CORE = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
EXTENDED = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
XML_NS = "http://www.w3.org/XML/1998/namespace"

#: The schema of each root namespace: the XSD that declares its elements (the
#: others it imports are resolved from the same folder).
SCHEMAS = {
    SML: "sml.xsd",
    CHART: "dml-chart.xsd",
    DRAWING: "dml-spreadsheetDrawing.xsd",
    DML: "dml-main.xsd",  # the theme
    CONTENT_TYPES: "opc-contentTypes.xsd",
    RELATIONSHIPS: "opc-relationships.xsd",
    CORE: "opc-coreProperties.xsd",
    EXTENDED: "shared-documentPropertiesExtended.xsd",
}
#: The only remote locations the vendored XSDs name (opc-coreProperties.xsd's Dublin Core
#: imports), mapped to their local copies. Any other remote location fails the schema's load.
REMOTE = {
    "http://dublincore.org/schemas/xmls/qdc/2003/04/02/dc.xsd": "dc.xsd",
    "http://dublincore.org/schemas/xmls/qdc/2003/04/02/dcterms.xsd": "dcterms.xsd",
}

_OD = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_CT = "application/vnd.openxmlformats-officedocument."
#: The content type and root element of the part each relationship type reaches.
KINDS = {
    f"{_OD}officeDocument": (f"{_CT}spreadsheetml.sheet.main+xml", f"{{{SML}}}workbook"),
    f"{_OD}worksheet": (f"{_CT}spreadsheetml.worksheet+xml", f"{{{SML}}}worksheet"),
    f"{_OD}styles": (f"{_CT}spreadsheetml.styles+xml", f"{{{SML}}}styleSheet"),
    f"{_OD}sharedStrings": (f"{_CT}spreadsheetml.sharedStrings+xml", f"{{{SML}}}sst"),
    f"{_OD}theme": (f"{_CT}theme+xml", f"{{{DML}}}theme"),
    f"{_OD}table": (f"{_CT}spreadsheetml.table+xml", f"{{{SML}}}table"),
    f"{_OD}drawing": (f"{_CT}drawing+xml", f"{{{DRAWING}}}wsDr"),
    f"{_OD}chart": (f"{_CT}drawingml.chart+xml", f"{{{CHART}}}chartSpace"),
    f"{_OD}extended-properties": (f"{_CT}extended-properties+xml", f"{{{EXTENDED}}}Properties"),
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties": (
        "application/vnd.openxmlformats-package.core-properties+xml",
        f"{{{CORE}}}coreProperties",
    ),
}
RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"
#: Relationships to outside the package (the summary's links to its workbooks).
EXTERNAL = {f"{_OD}hyperlink"}


# --- the workbooks -------------------------------------------------------------------------

#: A scenario without any range (no simulation) and without channels: the sparsest export.
PLAIN: dict[str, Any] = {
    "assumptions": {"name": "Plain", "horizon_years": 3, "discount_rate": 0.08},
    "costs": [{"label": "Licences", "category": "licences", "amount_per_year": 12_000}],
    "benefits": [{"label": "Sales", "category": "incremental_revenue", "amount_per_year": 30_000}],
}


def _channelled() -> dict[str, Any]:
    """Three channels, a customer base and ranges: the fullest export."""
    data = copy.deepcopy(PLAIN)
    data["assumptions"]["name"] = "Channels"
    data["costs"][0]["high"] = 1.3
    data["channels"] = [
        {"name": f"Channel {i}", "spend": 1_000 * i, "attributed_revenue": 4_000 * i,
         "new_customers": 10 * i, "gross_margin": 0.4}
        for i in (1, 2, 3)
    ]  # fmt: skip
    data["customers"] = {"margin_per_customer": 500, "retention_rate": 0.8}
    return data


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Every kind of workbook crmroi-xl writes, by name."""
    folder = tmp_path_factory.mktemp("strict")
    books = {path.name: path.read_bytes() for path in TEMPLATES}
    scenarios = {path.stem: load_scenario(path) for path in EXAMPLES}
    scenarios["plain"] = Scenario.model_validate(PLAIN)
    scenarios["channels"] = Scenario.model_validate(_channelled())
    for stem, scenario in scenarios.items():
        for lang in LANGS:
            path = export_workbook(scenario, folder / f"{stem}-{lang}.xlsx", lang=lang)
            books[path.name] = path.read_bytes()
    demo = export_workbook(
        load_scenario(Path("crmroi_xl/scenario/demo.yaml")), folder / "demo.xlsx"
    )
    books["demo.xlsx"] = demo.read_bytes()
    kinds = {(simulated(s), bool(s.channels)) for s in scenarios.values()}
    assert kinds == {(False, False), (True, False), (True, True)}, kinds  # every kind covered
    # the portfolio summary of a batch: links to its workbooks, a failed row
    source = folder / "batch"
    source.mkdir()
    for path in EXAMPLES:
        (source / path.name).write_bytes(path.read_bytes())
    broken = json.loads((source / "marketing-channels.json").read_text(encoding="utf-8"))
    broken["costs"][0]["seats"] = -3
    (source / "broken.json").write_text(json.dumps(broken), encoding="utf-8")
    for lang in LANGS:
        report = batch_export(source, folder / f"out-{lang}", lang=lang)
        assert report.failed and report.ok
        books[f"portfolio-summary-{lang}.xlsx"] = report.summary_xlsx.read_bytes()
    return books


NAMES = [
    *(p.name for p in TEMPLATES),
    *(f"{stem}-{lang}.xlsx" for stem in [*(p.stem for p in EXAMPLES), "plain", "channels"]
      for lang in LANGS),
    "demo.xlsx",
    "portfolio-summary-fr.xlsx",
    "portfolio-summary-en.xlsx",
]  # fmt: skip


@dataclass(frozen=True)
class Package:
    """A workbook's zip: its parts in order and their parsed XML."""

    name: str
    order: list[str]
    parts: dict[str, bytes]

    @classmethod
    def read(cls, name: str, data: bytes) -> Package:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            order = archive.namelist()
            return cls(name, order, {n: archive.read(n) for n in order})

    def xml(self, part: str) -> Any:
        return etree.fromstring(self.parts[part], _PARSER)

    @property
    def template(self) -> bool:
        return self.name.startswith("crmroi-template-")


#: Parts are parsed without network, entities or DTDs: as a strict reader would.
_PARSER = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)


@pytest.fixture(scope="module")
def packages(workbooks: dict[str, bytes]) -> dict[str, Package]:
    return {name: Package.read(name, data) for name, data in workbooks.items()}


def test_every_kind_of_workbook_is_checked(workbooks: dict[str, bytes]) -> None:
    assert sorted(workbooks) == sorted(NAMES)


# --- 1. schemas ----------------------------------------------------------------------------


class _LocalSchemas(etree.Resolver):  # type: ignore[misc]
    """Resolve every schema location to the vendored folder; refuse anything else."""

    def resolve(self, url: str, pubid: str | None, context: Any) -> Any:
        if url in REMOTE:
            return self.resolve_filename(str(XSD / REMOTE[url]), context)
        path = Path(url)
        if path.parent.resolve() == XSD.resolve() and path.is_file():
            return self.resolve_filename(str(path), context)
        raise LookupError(f"the schemas name {url!r}, which is not vendored in {XSD}")


@pytest.fixture(scope="module")
def schemas() -> dict[str, Any]:
    """One compiled schema per root namespace, each XSD set parsed once."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalSchemas())
    return {
        ns: etree.XMLSchema(etree.parse(str(XSD / name), parser)) for ns, name in SCHEMAS.items()
    }


def _xml_parts(package: Package) -> Iterator[str]:
    yield from (n for n in package.order if n.endswith((".xml", ".rels")))


def _tolerated(root: Any) -> Any:
    """``root`` without the one attribute the XSD refuses and Excel writes itself:
    ``xml:space="preserve"`` on a SpreadsheetML text (``<t>``, typed a bare string by the
    schema), which keeps a text's leading and trailing spaces (the indented labels of the
    summary). Any other value stays, and fails."""
    for t in root.iter(f"{{{SML}}}t"):
        if t.get(f"{{{XML_NS}}}space") == "preserve":
            del t.attrib[f"{{{XML_NS}}}space"]
    return root


def test_the_xsds_load_without_the_network(schemas: dict[str, Any]) -> None:
    assert set(schemas) == set(SCHEMAS)


def schema_problems(package: Package, schemas: dict[str, Any]) -> list[str]:
    """Every XML part against the schema of its root element's namespace."""
    problems = [
        f"{part}: not an XML part" for part in package.order if part not in _xml_parts(package)
    ]
    for part in _xml_parts(package):
        root = package.xml(part)
        namespace = etree.QName(root).namespace
        if namespace not in schemas:
            problems.append(f"{part}: no schema for the namespace {namespace!r}")
            continue
        schema = schemas[namespace]
        if not schema.validate(_tolerated(root)):
            problems += [f"{part}:{e.line}: {e.message}" for e in schema.error_log]
    return problems


@pytest.mark.parametrize("name", NAMES)
def test_every_part_is_valid_against_the_iso_29500_transitional_schemas(
    name: str, packages: dict[str, Package], schemas: dict[str, Any]
) -> None:
    problems = schema_problems(packages[name], schemas)
    assert not problems, "\n".join(problems)


# --- 2. packaging --------------------------------------------------------------------------


def _source(rels: str) -> str:
    """The part a relationships part belongs to ('' for the package)."""
    folder, name = posixpath.split(rels)
    assert posixpath.basename(folder) == "_rels" and name.endswith(".rels"), rels
    return posixpath.join(posixpath.dirname(folder), name.removesuffix(".rels")).lstrip("/")


def _target(source: str, target: str) -> str:
    """The part name a relationship of ``source`` points to (absolute or relative)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _relationships(package: Package) -> dict[str, list[tuple[str, str, str]]]:
    """Each source part's relationships: (id, type, target part or external target)."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    for part in package.order:
        if not part.endswith(".rels"):
            continue
        source = _source(part)
        found[source] = []
        for rel in package.xml(part).iter(f"{{{RELATIONSHIPS}}}Relationship"):
            external = rel.get("TargetMode") == "External"
            target = rel.get("Target") if external else _target(source, rel.get("Target"))
            found[source].append((rel.get("Id"), rel.get("Type"), target))
    return found


def _content_types(package: Package) -> tuple[dict[str, str], dict[str, str]]:
    """The package's defaults (by lower-case extension) and overrides (by part name)."""
    types = package.xml("[Content_Types].xml")
    defaults = {
        e.get("Extension").lower(): e.get("ContentType")
        for e in types.iter(f"{{{CONTENT_TYPES}}}Default")
    }
    overrides = {
        e.get("PartName").lstrip("/"): e.get("ContentType")
        for e in types.iter(f"{{{CONTENT_TYPES}}}Override")
    }
    return defaults, overrides


def packaging_problems(package: Package) -> list[str]:
    """What breaks the Open Packaging Conventions in ``package``."""
    problems: list[str] = []
    if package.order[0] != "[Content_Types].xml":
        problems.append(f"[Content_Types].xml is not the first zip entry: {package.order[:3]}")
    lower = [n.lower() for n in package.order]
    if len(set(lower)) != len(lower):
        problems.append(f"duplicate part names: {sorted(n for n in lower if lower.count(n) > 1)}")
    defaults, overrides = _content_types(package)

    def content_type(part: str) -> str | None:
        extension = posixpath.basename(part).rpartition(".")[2].lower()
        return overrides.get(part, defaults.get(extension))

    for part in package.order:
        if part != "[Content_Types].xml" and content_type(part) is None:
            problems.append(f"{part}: no content type")
        if part.endswith(".rels") and content_type(part) != RELS_TYPE:
            problems.append(f"{part}: content type {content_type(part)}")
    problems += [
        f"an override for a missing part: {p}" for p in overrides if p not in package.parts
    ]
    # every relationship reaches a part of the right kind, every part is reached
    relationships = _relationships(package)
    reached, todo = {"[Content_Types].xml"}, [""]
    while todo:
        source = todo.pop()
        if source:
            reached.add(source)
        ids = [rid for rid, _, _ in relationships.get(source, [])]
        if len(set(ids)) != len(ids):
            problems.append(f"{source or 'the package'}: duplicate relationship ids {ids}")
        for rid, kind, target in relationships.get(source, []):
            where = f"{source or 'the package'} {rid} -> {target}"
            if kind in EXTERNAL:
                continue
            if target not in package.parts:
                problems.append(f"{where}: no such part")
                continue
            if kind not in KINDS:
                problems.append(f"{where}: unknown relationship type {kind}")
            elif content_type(target) != KINDS[kind][0]:
                problems.append(
                    f"{where}: content type {content_type(target)}, not {KINDS[kind][0]}"
                )
            elif package.xml(target).tag != KINDS[kind][1]:
                problems.append(f"{where}: root element {package.xml(target).tag}")
            if target not in reached:
                todo.append(target)
    for part in package.order:
        if part.endswith(".rels"):
            if _source(part) and _source(part) not in package.parts:
                problems.append(f"{part}: the relationships of a missing part")
        elif part not in reached:
            problems.append(f"{part}: no relationship reaches it")
    return problems


@pytest.mark.parametrize("name", NAMES)
def test_the_package_follows_the_open_packaging_conventions(
    name: str, packages: dict[str, Package]
) -> None:
    problems = packaging_problems(packages[name])
    assert not problems, "\n".join(problems)


# --- 3. formulas ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A formula as the file holds it: where, what kind, its text."""

    where: str
    kind: str  # cell, validation, conditional format, defined name, chart
    text: str


def _formulas(package: Package) -> Iterator[Formula]:
    """Every formula of the package, in the file grammar."""
    for name in package.xml("xl/workbook.xml").iter(f"{{{SML}}}definedName"):
        yield Formula(f"defined name {name.get('name')}", "defined name", name.text or "")
    for part in package.order:
        if not part.endswith(".xml"):
            continue
        root = package.xml(part)
        if root.tag == f"{{{SML}}}worksheet":
            for cell in root.iter(f"{{{SML}}}c"):
                f = cell.find(f"{{{SML}}}f")
                if f is not None and not (f.get("t") == "shared" and f.get("ref") is None):
                    yield Formula(f"{part} {cell.get('r')}", "cell", f.text or "")
            for rule in root.iter(f"{{{SML}}}dataValidation"):
                for tag in ("formula1", "formula2"):
                    for f in rule.iter(f"{{{SML}}}{tag}"):
                        yield Formula(
                            f"{part} {rule.get('sqref')} {tag}", "validation", f.text or ""
                        )
            for rule in root.iter(f"{{{SML}}}cfRule"):
                for f in rule.iter(f"{{{SML}}}formula"):
                    where = f"{part} {rule.getparent().get('sqref')}"
                    yield Formula(where, "conditional format", f.text or "")
        elif root.tag == f"{{{CHART}}}chartSpace":
            for f in root.iter(f"{{{CHART}}}f"):
                yield Formula(part, "chart", f.text or "")


CELL = re.compile(r"\$?[A-Za-z]{1,3}\$?[0-9]+")
WHOLE = re.compile(r"\$?[A-Za-z]{1,3}|\$?[0-9]+")  # a column or a row, in a range only


def _sheets(package: Package) -> set[str]:
    return {s.get("name") for s in package.xml("xl/workbook.xml").iter(f"{{{SML}}}sheet")}


def _names(package: Package) -> set[str]:
    return {n.get("name") for n in package.xml("xl/workbook.xml").iter(f"{{{SML}}}definedName")}


def _reference_problems(operand: str, sheets: set[str], names: set[str]) -> list[str]:
    """What is wrong with a reference operand: a sheet or a name that does not exist."""
    problems = []
    reference = operand
    if "!" in operand:
        sheet, reference = operand.rsplit("!", 1)
        if sheet.startswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
        if sheet not in sheets:
            problems.append(f"sheet {sheet!r} does not exist")
    pieces = reference.split(":")
    for piece in pieces:
        if CELL.fullmatch(piece) or (len(pieces) > 1 and WHOLE.fullmatch(piece)):
            continue
        if piece not in names:
            problems.append(f"name {piece!r} is not defined")
    return problems


def _functions(template: bool) -> frozenset[str]:
    """The functions a workbook may call: Excel's (openpyxl's list holds those a file
    names bare; a newer one, written ``_xlfn.NAME``, would need adding here) and, in a
    template, the ``CRM_`` functions of ``udfs.py``."""
    return FORMULAE | UDF_NAMES if template else FORMULAE


def formula_problems(package: Package) -> list[tuple[str, str]]:
    """(rule, message) for every way a formula of ``package`` breaks the file grammar."""
    sheets, names, known = _sheets(package), _names(package), _functions(package.template)
    problems: list[tuple[str, str]] = []
    for formula in _formulas(package):
        say = f"{formula.kind} {formula.where}: {formula.text!r}"
        text = formula.text
        if not text.strip():
            problems.append(("empty", f"{say} is empty"))
            continue
        if text.startswith("="):
            rule = "leading = in a validation" if formula.kind == "validation" else "leading ="
            problems.append((rule, f"{say} starts with '=' (the file grammar has none)"))
            text = text[1:]
        try:
            tokens = Tokenizer(f"={text}").items
        except (TokenizerError, IndexError) as error:  # IndexError: a ')' too many
            problems.append(("grammar", f"{say} does not tokenize: {error!r}"))
            continue
        depth = 0
        for token in tokens:
            if token.type in (Token.FUNC, Token.PAREN):
                depth += 1 if token.subtype == Token.OPEN else -1
                if depth < 0:
                    problems.append(("grammar", f"{say}: a ')' closes nothing"))
            if token.type == Token.FUNC and token.subtype == Token.OPEN:
                function = token.value[:-1]
                if function.upper() not in known:
                    problems.append(("function", f"{say} calls {function}, not a known function"))
            if token.type == Token.OPERAND and token.subtype == Token.RANGE:
                problems += [("reference", f"{say}: {p}") for p in
                             _reference_problems(token.value, sheets, names)]  # fmt: skip
            if (
                token.type == Token.OPERAND
                and token.subtype == Token.ERROR
                and token.value == "#REF!"
            ):
                problems.append(("reference", f"{say}: a #REF! reference"))
        if depth > 0:
            problems.append(("grammar", f"{say}: {depth} '(' never closed"))
    return problems


@pytest.fixture(scope="module")
def findings(packages: dict[str, Package]) -> dict[str, list[tuple[str, str]]]:
    """Each workbook's formula problems, found once for the tests below."""
    return {name: formula_problems(package) for name, package in packages.items()}


@pytest.mark.parametrize("name", NAMES)
def test_every_formula_is_written_in_the_file_grammar(
    name: str, findings: dict[str, list[tuple[str, str]]]
) -> None:
    problems = [m for _, m in findings[name]]
    assert not problems, "\n".join(problems)


def test_no_validation_formula_starts_with_equals(
    findings: dict[str, list[tuple[str, str]]],
) -> None:
    problems = [
        f"{name}: {m}"
        for name, found in findings.items()
        for rule, m in found
        if rule == "leading = in a validation"
    ]
    assert not problems, "\n".join(problems)


# --- 4. charts -----------------------------------------------------------------------------

AXES = {f"{{{CHART}}}{a}" for a in ("valAx", "catAx", "dateAx", "serAx")}


def _plot_areas(package: Package) -> Iterator[tuple[str, Any]]:
    for part in package.order:
        if part.startswith("xl/charts/") and part.endswith(".xml"):
            for plot in package.xml(part).iter(f"{{{CHART}}}plotArea"):
                yield part, plot


def _axes(plot: Any) -> dict[str, Any]:
    return {ax.find(f"{{{CHART}}}axId").get("val"): ax for ax in plot if ax.tag in AXES}


def chart_group_problems(package: Package) -> list[str]:
    """Chart groups on axes that are not in their plot area, axis ids used twice."""
    problems = []
    for part, plot in _plot_areas(package):
        ids = [ax.find(f"{{{CHART}}}axId").get("val") for ax in plot if ax.tag in AXES]
        if len(set(ids)) != len(ids):
            problems.append(f"{part}: axis ids {ids} repeat")
        for group in plot:
            if group.tag.endswith("Chart"):
                used = [a.get("val") for a in group.findall(f"{{{CHART}}}axId")]
                missing = [a for a in used if a not in ids]
                problems += [f"{part}: {etree.QName(group).localname} on axis {a}, not in {ids}"
                             for a in missing]  # fmt: skip
    return problems


@pytest.mark.parametrize("name", NAMES)
def test_every_chart_group_plots_on_axes_of_its_plot_area(
    name: str, packages: dict[str, Package]
) -> None:
    problems = chart_group_problems(packages[name])
    assert not problems, "\n".join(problems)


def crossing_problems(package: Package) -> list[str]:
    """Axes that cross an axis that is not another axis of their plot area."""
    problems = []
    for part, plot in _plot_areas(package):
        axes = _axes(plot)
        for axis_id, axis in axes.items():
            crosses = axis.find(f"{{{CHART}}}crossAx").get("val")
            if crosses == axis_id or crosses not in axes:
                kind = etree.QName(axis).localname
                problems.append(f"{package.name} {part}: {kind} {axis_id} crosses axis {crosses}, "
                                f"the plot area's axes are {sorted(axes)}")  # fmt: skip
    return problems


def test_every_axis_crosses_an_axis_of_its_plot_area(packages: dict[str, Package]) -> None:
    problems = [p for package in packages.values() for p in crossing_problems(package)]
    assert not problems, "\n".join(problems)


# --- the checks themselves -----------------------------------------------------------------


def _changed(package: Package, **parts: bytes | None) -> Package:
    """``package`` with parts replaced, added (at the end) or removed (``None``)."""
    changed = {**package.parts, **parts}
    order = [*package.order, *(p for p in parts if p not in package.parts)]
    kept = {p: data for p in order if (data := changed[p]) is not None}
    return Package("changed.xlsx", list(kept), kept)


def _workbook(*cells: str, validation: str = "List_Cases") -> Package:
    """A workbook of one sheet, ``Summary``, whose column A holds ``cells``' formulas."""
    book = (
        f'<workbook xmlns="{SML}"><sheets><sheet name="Summary" sheetId="1"/></sheets>'
        '<definedNames><definedName name="Out_ROI">Summary!$B$4</definedName>'
        '<definedName name="List_Cases">Summary!$C$1:$C$3</definedName></definedNames></workbook>'
    )
    rows = "".join(f'<row r="{i}"><c r="A{i}"><f>{f}</f></c></row>' for i, f in enumerate(cells, 1))
    sheet = (
        f'<worksheet xmlns="{SML}"><sheetData>{rows}</sheetData><dataValidations count="1">'
        f'<dataValidation type="list" sqref="B1"><formula1>{validation}</formula1>'
        "</dataValidation></dataValidations></worksheet>"
    )
    parts = {"xl/workbook.xml": book.encode(), "xl/worksheets/sheet1.xml": sheet.encode()}
    return Package("book.xlsx", list(parts), parts)


@pytest.mark.parametrize(
    ("formula", "rules"),
    [
        ("SUM(1,2)*'Summary'!$A$1:$B$2+Out_ROI+SUM(A:A)+ROUND(2.5,0)", []),
        ("=SUM(1)", ["leading ="]),
        ("SUM(1", ["grammar"]),
        ("SUM(1))", ["grammar"]),
        ("(1+2", ["grammar"]),
        ("NOT_A_FUNCTION(1)", ["function"]),
        ("CRM_ROI(1,2)", ["function"]),  # not in an export: it needs Python
        ("Nowhere!A1", ["reference"]),
        ("'Sum''mary'!A1", ["reference"]),
        ("Out_NOPE*2", ["reference"]),
        ("#REF!+1", ["reference"]),
        (" ", ["empty"]),
    ],
)
def test_the_formula_check_finds_each_rule_broken(formula: str, rules: list[str]) -> None:
    assert [rule for rule, _ in formula_problems(_workbook(formula))] == rules


def test_the_formula_check_knows_validations_and_templates() -> None:
    found = formula_problems(_workbook(validation="=List_Cases"))
    assert [rule for rule, _ in found] == ["leading = in a validation"]
    assert [rule for rule, _ in formula_problems(_workbook(validation="List_Other"))] == [
        "reference"
    ]
    template = _workbook("CRM_ROI(1,2)")
    assert (
        formula_problems(Package("crmroi-template-xx.xlsx", template.order, template.parts)) == []
    )


def test_the_schema_check_finds_a_misplaced_element_and_an_unknown_namespace(
    packages: dict[str, Package], schemas: dict[str, Any]
) -> None:
    plain = packages["plain-en.xlsx"]
    sheet = plain.parts["xl/worksheets/sheet1.xml"]
    margins = re.search(rb"<pageMargins[^>]*/>", sheet)
    assert margins is not None
    moved = sheet.replace(margins.group(), b"").replace(
        b"<sheetData>", margins.group() + b"<sheetData>"
    )
    unknown = b'<x xmlns="urn:example"/>'
    problems = schema_problems(
        _changed(plain, **{"xl/worksheets/sheet1.xml": moved, "xl/extra.xml": unknown}), schemas
    )
    assert any("sheet1.xml" in p and "pageMargins" in p for p in problems), problems
    assert any("xl/extra.xml: no schema" in p for p in problems), problems
    summary = plain.parts["xl/worksheets/sheet2.xml"]  # its indented labels keep their spaces
    spaced = summary.replace(b'xml:space="preserve"', b'xml:space="default"', 1)
    assert spaced != summary and not schema_problems(plain, schemas)
    assert schema_problems(_changed(plain, **{"xl/worksheets/sheet2.xml": spaced}), schemas)


def test_the_packaging_check_finds_missing_orphan_and_mistyped_parts(
    packages: dict[str, Package],
) -> None:
    plain = packages["plain-en.xlsx"]
    types = plain.parts["[Content_Types].xml"].replace(
        b'"/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument'
        b'.spreadsheetml.worksheet+xml"',
        b'"/xl/worksheets/sheet2.xml" ContentType="application/xml"',
    )
    assert types != plain.parts["[Content_Types].xml"]
    changed = _changed(
        plain,
        **{"xl/styles.xml": None, "xl/orphan.xml": b"<a/>", "[Content_Types].xml": types},
    )
    changed = Package(changed.name, [*changed.order[1:], changed.order[0]], changed.parts)
    problems = "\n".join(packaging_problems(changed))
    for expected in (
        "not the first zip entry",
        "xl/workbook.xml rId",
        "-> xl/styles.xml: no such part",
        "an override for a missing part: xl/styles.xml",
        "xl/orphan.xml: no relationship reaches it",
        "-> xl/worksheets/sheet2.xml: content type application/xml",
    ):
        assert expected in problems, problems


def test_the_chart_checks_find_a_group_on_a_foreign_axis(packages: dict[str, Package]) -> None:
    plain = packages["plain-en.xlsx"]
    chart = plain.parts["xl/charts/chart1.xml"]
    group = re.search(rb'(<(?:line|bar)Chart>.*?<axId val=")(\d+)"', chart, re.S)
    assert group is not None
    broken = chart.replace(group.group(), group.group(1) + b'999"', 1)
    problems = chart_group_problems(_changed(plain, **{"xl/charts/chart1.xml": broken}))
    assert problems and "axis 999" in problems[0], problems
    dangling = re.sub(
        rb'(<valAx>.*?<crossAx val=")(\d+)"', rb'\g<1>10"', chart, count=1, flags=re.S
    )
    assert dangling != chart
    problems = crossing_problems(_changed(plain, **{"xl/charts/chart1.xml": dangling}))
    assert problems and "crosses axis 10" in problems[0], problems
