"""Where everything is in a workbook: the one place cell addresses are written.

The sheets in their order, the input tables and their columns, the rows of the
assumptions, the customer economics, the summary's headline results and yearly
rows, the checks, the lists and constants, and every workbook-level defined
name. Everything else -- the sheet modules writing texts and formulas, the
writers, the reader, the charts -- asks a :class:`Layout` by name, so a new
row or column moves every reference to it.

The year columns are always years 0 to 10 (the longest horizon); years past
the scenario's horizon compute to 0, so a user can change the horizon in the
workbook itself.

>>> layout = Layout("fr")
>>> layout.sheet_name("costs"), layout.costs.cell("seats", 0), layout.costs.year_cell(2, 0)
('Coûts', 'G6', 'AO6')
>>> layout.names["Out_ROI"], layout.headline_cell("roi", "help")
(('summary', '$B$4'), 'C4')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from ..finance.roots import SEARCH_STEPS
from ..scenario import currency as currencies
from ..scenario.fieldinfo import Kind, kind
from ..scenario.labels import Lang, label
from ..scenario.model import (
    Assumptions,
    CustomerEconomics,
    KpiKind,
    Targets,
)
from .blocks import (
    ASSUMPTION_CHOICES,
    ASSUMPTIONS,
    CHECK_COLUMNS,
    CHECK_HEADER_ROW,
    CHECKS,
    CONSTANT_COLUMNS,
    CONSTANTS,
    CUSTOMER_RESULTS,
    CUSTOMERS,
    FIRST_ASSUMPTION_ROW,
    FIRST_HEADLINE_ROW,
    HEADLINE_COLUMNS,
    IRR_GRID_COLUMNS,
    IRR_STEP_COLUMNS,
    KPI_DEFAULT_COLUMNS,
    KPI_LABELS,
    LIST_COLUMNS,
    LISTS,
    OPTION_CHECK,
    REFUSED_LETTERS,
    SIMULATION_INPUTS,
    SUMMARY_FIRST_YEAR_COLUMN,
    SUMMARY_ROWS,
    WARNINGS,
    Assumption,
)
from .columns import (
    LINE_MODELS,
    YEAR_TOTALS,
    benefit_columns,
    channel_columns,
    cost_columns,
    kpi_columns,
    with_options,
    yearly_field,
)
from .comparison_layout import ComparisonLayout
from .headline import HEADLINES
from .parts import YEARS, Bilingual, Capacity, Table, column_letter, pick
from .sensitivity_layout import SensitivityLayout
from .simulation_layout import SimulationLayout

__all__ = [
    "ASSUMPTIONS",
    "ASSUMPTION_CHOICES",
    "CHECKS",
    "CHECK_COLUMNS",
    "CONSTANTS",
    "CONSTANT_COLUMNS",
    "CUSTOMERS",
    "CUSTOMER_RESULTS",
    "IRR_GRID_COLUMNS",
    "IRR_STEP_COLUMNS",
    "KPI_DEFAULT_COLUMNS",
    "KPI_LABELS",
    "LISTS",
    "LIST_COLUMNS",
    "OPTION_CALCS",
    "OPTION_FIELDS",
    "OPTION_INPUTS",
    "SHEETS",
    "SIMULATION_INPUTS",
    "SUMMARY_ROWS",
    "WARNINGS",
    "Assumption",
    "InputCell",
    "Layout",
    "quote_sheet",
]

#: Sheet keys in workbook order, with their French and English names.
SHEETS: dict[str, Bilingual] = {
    "guide": ("Guide", "Guide"),
    "summary": ("Synthèse", "Summary"),
    "sensitivity": ("Sensibilité", "Sensitivity"),
    "assumptions": ("Hypothèses", "Assumptions"),
    "costs": ("Coûts", "Costs"),
    "benefits": ("Bénéfices", "Benefits"),
    "kpis": ("KPI", "KPIs"),
    "channels": ("Canaux", "Channels"),
    "checks": ("Contrôles", "Checks"),
    "simulation": ("Simulation", "Simulation"),
    "lists": ("Listes", "Lists"),
    "comparison": ("Comparaison", "Comparison"),  # a workbook of options, after the summary
}
TITLE_ROW, NOTE_ROW = 1, 2  # every sheet's title and note, in column A
#: The columns of an option's fields in the options block (its adoption: F .. O).
OPTION_FIELDS = dict(
    zip(("name", "description", "baseline", "cost_risk", "benefit_risk"), "ABCDE", strict=True)
)
#: What the options block computes of the option shown, one a row.
OPTION_CALCS = ("row", "baseline", "cost_risk", "benefit_risk")


def quote_sheet(name: str) -> str:
    """A sheet name as a formula writes it: always quoted (quotes doubled).

    >>> quote_sheet("Coûts"), quote_sheet("KPI's")
    ("'Coûts'", "'KPI''s'")
    """
    return "'{}'".format(name.replace("'", "''"))


#: An option's inputs in the options block (its adoption follows): format and kind.
OPTION_INPUTS: dict[str, tuple[str, Kind]] = {
    "name": ("text", "text"),
    "description": ("text", "text"),
    "baseline": ("text", "yesno"),
    "cost_risk": ("pct", "share"),
    "benefit_risk": ("pct", "share"),
}


class InputCell(NamedTuple):
    """A cell the user fills in, and the scenario value it holds."""

    sheet: str
    ref: str
    fmt: str  # number-format key
    kind: Kind | None  # what the model expects (None: not read back: the IRR start, the
    # case shown, the Monte Carlo results)
    where: tuple[Any, ...]  # ("assumptions", field), ("adoption", t), ("costs", i, field) ...
    style: str = "input"  # "advanced": an optional setting, not one of the yellow inputs


@dataclass
class Layout:
    """The places of one workbook language and table size; its words, in its currency."""

    lang: Lang = "fr"
    capacity: Capacity = field(default_factory=Capacity)
    currency: str = "EUR"  # ISO code of every amount

    # --- sheets -----------------------------------------------------------------------
    @property
    def sheet_keys(self) -> tuple[str, ...]:
        """The sheets of this workbook, in order: a workbook of options has its
        Comparison sheet after the summary."""
        keys = [key for key in SHEETS if key != "comparison"]
        if self.capacity.options:
            keys.insert(keys.index("summary") + 1, "comparison")
        return tuple(keys)

    def sheet_name(self, key: str) -> str:
        return pick(SHEETS[key], self.lang)

    def ref(self, sheet: str, address: str) -> str:
        """A reference to ``address`` on ``sheet`` from another sheet."""
        return f"{quote_sheet(self.sheet_name(sheet))}!{address}"

    title_cell, note_cell = f"A{TITLE_ROW}", f"A{NOTE_ROW}"
    guide_col = "A"  # the guide: one paragraph a row
    assumption_label_col = "A"  # the assumptions' titles; their values in column B

    # --- the assumptions sheet ----------------------------------------------------------
    def assumption_row(self, field: str) -> int:
        return FIRST_ASSUMPTION_ROW + [a.field for a in ASSUMPTIONS].index(field)

    @property
    def irr_guess_row(self) -> int:
        return FIRST_ASSUMPTION_ROW + len(ASSUMPTIONS)

    @property
    def adoption_row(self) -> int:
        """The adoption inputs, years 1..10 in columns B..K (headers on the row above)."""
        return self.irr_guess_row + 2

    @property
    def adoption_calc_row(self) -> int:
        """The effective adoption share (blank = 100 %)."""
        return self.adoption_row + 1

    def adoption_col(self, t: int) -> str:
        return column_letter(1 + t)

    @property
    def simulation_inputs_title_row(self) -> int:
        """The simulation's inputs' subtitle, below the adoption ramp-up."""
        return self.adoption_calc_row + 2

    def simulation_input_row(self, field: str) -> int:
        """A simulation input's row (``workbook_runs``, ``targets.npv`` ...), value in B."""
        fields = [a.field for a in SIMULATION_INPUTS]
        return self.simulation_inputs_title_row + 1 + fields.index(field)

    # --- tables -------------------------------------------------------------------------
    @cached_property
    def costs(self) -> Table:
        columns = cost_columns()
        if self.capacity.options:
            columns = with_options(columns)
        return Table("costs", 5, self.capacity.costs, columns, "case", YEAR_TOTALS)

    @cached_property
    def benefits(self) -> Table:
        columns = benefit_columns()
        if self.capacity.options:
            columns = with_options(columns)
        return Table("benefits", 5, self.capacity.benefits, columns, "case", YEAR_TOTALS)

    # --- the options a choice compares, under the adoption (a workbook of options) -----
    @property
    def options_header_row(self) -> int:
        """The options' column headers (their subtitle on the row above), then a row an
        option: its name, description, baseline, cost risk, benefit risk, adoption; under
        the simulation's inputs."""
        return self.simulation_input_row(SIMULATION_INPUTS[-1].field) + 3

    def option_row(self, k: int) -> int:
        return self.options_header_row + 1 + k

    def option_col(self, key: str) -> str:
        """``name``, ``description``, ``baseline``, ``cost_risk``, ``benefit_risk``, or
        ``adoption_T`` (years 1 .. 10): the column of an option's field."""
        if key.startswith("adoption_"):
            return column_letter(5 + int(key.removeprefix("adoption_")))
        return OPTION_FIELDS[key]

    def option_span(self, key: str) -> str:
        col = self.option_col(key)
        return f"${col}${self.option_row(0)}:${col}${self.option_row(self.capacity.options - 1)}"

    def option_calc_row(self, key: str) -> int:
        """The option shown: its ``row`` among the options, ``baseline`` (1/0), its
        effective ``cost_risk`` and ``benefit_risk``, in column B."""
        return self.option_row(self.capacity.options) + 1 + OPTION_CALCS.index(key)

    def risk(self, side: str) -> str:
        """The name of the cost or benefit risk the lines use: the option shown's in a
        workbook of options, else the assumption."""
        if self.capacity.options:
            return "Calc_CostRisk" if side == "cost" else "Calc_BenefitRisk"
        return "In_CostRisk" if side == "cost" else "In_BenefitRisk"

    #: The option shown (``In_Option``), under the case shown on the Sensitivity sheet.
    option_selector_row = 6

    @cached_property
    def kpis(self) -> Table:
        return Table("kpis", 4, self.capacity.kpis, kpi_columns())

    @cached_property
    def channels(self) -> Table:
        return Table("channels", 4, self.capacity.channels, channel_columns())

    @property
    def tables(self) -> tuple[Table, Table, Table, Table]:
        """The four tables of lines, in workbook order."""
        return (self.costs, self.benefits, self.kpis, self.channels)

    def table(self, sheet: str) -> Table:
        return {t.sheet: t for t in self.tables}[sheet]

    def total_label_row(self, table: Table, i: int) -> int:
        """The ``i``-th row under a table (its total, then the "of which" rows)."""
        return table.total_row + i

    # --- the seats each year uses, below the costs' totals ------------------------------
    @property
    def seats_used_title_row(self) -> int:
        """The seats each cost line uses each year (rows in the lines' order; the year
        columns are the costs table's): typed on the line's row (``seats_y1`` ..), the
        last one carried over."""
        return self.total_label_row(self.costs, 4)

    def seats_row(self, i: int) -> int:
        """Cost line ``i``'s row in the block of the seats used."""
        return self.seats_used_title_row + 1 + i

    def seats_cell(self, i: int, t: int) -> str:
        return f"{self.costs.letter(f'y{t}')}{self.seats_row(i)}"

    # --- the KPIs benefit drivers read --------------------------------------------------
    def kpi_change(self, kind: str) -> str:
        """The change (after - before) of the KPI of ``kind``, from another sheet: found
        by its label in the KPI table; #N/A when the table has none."""
        table = self.kpis
        match = f"MATCH({KPI_LABELS[kind]},{self.ref('kpis', table.span('kind'))},0)"
        after, before = (self.ref("kpis", table.span(key)) for key in ("after", "before"))
        return f"(INDEX({after},{match})-INDEX({before},{match}))"

    def channel_total(self, key: str) -> str:
        """The channels' total of column ``key``, from another sheet."""
        table = self.channels
        return self.ref("channels", f"{table.letter(key)}{table.total_row}")

    # --- customer economics, below the channels ------------------------------------------
    @property
    def customers_first_row(self) -> int:
        return self.channels.total_row + 3

    def customer_row(self, field: str) -> int:
        return self.customers_first_row + [f for f, *_ in CUSTOMERS].index(field)

    def customer_result_row(self, key: str) -> int:
        """The computed customer economics (``spend``, ``new``, ``clv``, ``cac``, ``clv_cac``)."""
        return self.customers_first_row + len(CUSTOMERS) + 1 + CUSTOMER_RESULTS.index(key)

    def customer_result_cell(self, key: str) -> str:
        return f"B{self.customer_result_row(key)}"

    def customer_result(self, key: str) -> str:
        return self.ref("channels", self.customer_result_cell(key))

    # --- the summary ------------------------------------------------------------------
    def headline_row(self, key: str) -> int:
        return FIRST_HEADLINE_ROW + [h.key for h in HEADLINES].index(key)

    def headline_col(self, column: str = "value") -> str:
        """The column of the headline results' ``label``, ``value`` or ``help``."""
        return HEADLINE_COLUMNS[column]

    def headline_cell(self, key: str, column: str = "value") -> str:
        """A headline result's ``label``, ``value`` or ``help`` cell."""
        return f"{HEADLINE_COLUMNS[column]}{self.headline_row(key)}"

    headline_header_row = FIRST_HEADLINE_ROW - 1  # result, value, what it is

    @property
    def summary_t_row(self) -> int:
        """The yearly block's year-index row (its subtitle is on the row above)."""
        return FIRST_HEADLINE_ROW + len(HEADLINES) + 2

    def summary_row(self, key: str) -> int:
        return self.summary_t_row + list(SUMMARY_ROWS).index(key)

    def summary_col(self, t: int) -> str:
        return column_letter(SUMMARY_FIRST_YEAR_COLUMN + t)

    def summary_total_col(self, key: str) -> str:
        """The yearly block's ``total`` or ``present_value`` column, after the years."""
        return self.summary_col(len(YEARS) + ("total", "present_value").index(key))

    def summary_cell(self, row_key: str, t: int) -> str:
        return f"{self.summary_col(t)}{self.summary_row(row_key)}"

    def summary_span(self, row_key: str, first: int = 0, last: int = YEARS[-1]) -> str:
        row = self.summary_row(row_key)
        return f"${self.summary_col(first)}${row}:${self.summary_col(last)}${row}"

    #: Where the summary charts sit: beside the headline results (columns F to M).
    summary_chart_anchors = ("F3", "J3")

    @property
    def channel_chart_anchor(self) -> str:
        """Where the ROAS chart sits: right of the channels table, one column apart."""
        table = self.channels
        return f"{column_letter(len(table.columns) + 3)}{table.header_row}"

    @cached_property
    def sensitivity(self) -> SensitivityLayout:
        """The base amounts under the Costs and Benefits tables and the Sensitivity sheet."""
        return SensitivityLayout(self)

    @cached_property
    def comparison(self) -> ComparisonLayout:
        """The Comparison sheet of a workbook of options."""
        return ComparisonLayout(self.capacity.options)

    def raw_title_row(self, sheet: str) -> int:
        """A workbook of options: under the base amounts of the Costs or Benefits table,
        each line's amounts before its option (and, for a benefit, before the adoption
        and the risk; for a cost, before the risk): what the Comparison sheet sums."""
        return self.sensitivity.base_row(sheet, self.table(sheet).capacity - 1) + 2

    def raw_row(self, sheet: str, i: int) -> int:
        return self.raw_title_row(sheet) + 1 + i

    @cached_property
    def simulation(self) -> SimulationLayout:
        """The Simulation sheet: the live Monte Carlo (the capacity's runs and slots)."""
        c = self.capacity
        return SimulationLayout(c.runs, c.slots, c.costs, c.draws)

    # --- the checks ---------------------------------------------------------------------
    @property
    def checks(self) -> tuple[tuple[str, Bilingual], ...]:
        """The checks of this workbook: one of options also checks the option shown."""
        return (*CHECKS, OPTION_CHECK) if self.capacity.options else CHECKS

    def check_row(self, key: str) -> int:
        return CHECK_HEADER_ROW + 1 + [k for k, _ in self.checks].index(key)

    def check_col(self, column: str) -> str:
        """The checks sheet's ``title``, ``value``, ``passed`` or ``status`` column."""
        return CHECK_COLUMNS[column][0]

    def check_cell(self, key: str, column: str) -> str:
        return f"{CHECK_COLUMNS[column][0]}{self.check_row(key)}"

    @property
    def check_header_row(self) -> int:
        return CHECK_HEADER_ROW

    @property
    def master_check_row(self) -> int:
        return CHECK_HEADER_ROW + len(self.checks) + 2

    @property
    def warnings_title_row(self) -> int:
        """The subtitle of the points to review, under the master check."""
        return self.master_check_row + 2

    def warning_cell(self, key: str, column: str) -> str:
        """A point to review's ``title``, ``value``, ``passed`` or ``status`` cell."""
        row = self.warnings_title_row + 1 + [k for k, _ in WARNINGS].index(key)
        return f"{CHECK_COLUMNS[column][0]}{row}"

    @property
    def irr_search_title_row(self) -> int:
        """The IRR search's subtitle; its headers on the next row, then a row a rate."""
        return self.warnings_title_row + len(WARNINGS) + 2

    def irr_grid_cell(self, column: str, k: int) -> str:
        """The ``k``-th rate of the IRR grid's ``rate``, ``sign`` or ``distance``."""
        return f"{IRR_GRID_COLUMNS[column]}{self.irr_search_title_row + 2 + k}"

    def irr_step_cell(self, column: str, k: int) -> str:
        """The ``k``-th halving's ``step``, ``low``, ``high``, ``middle`` or ``sign``."""
        return f"{IRR_STEP_COLUMNS[column]}{self.irr_search_title_row + 2 + k}"

    def irr_grid_span(self, column: str, count: int) -> str:
        first, last = self.irr_grid_cell(column, 0), self.irr_grid_cell(column, count - 1)
        return f"${first[0]}${first[1:]}:${last[0]}${last[1:]}"

    def refused_cell(self, k: int, column: str) -> str:
        """The ``k``-th kind of input crmroi refuses: its ``what``, ``count`` or ``said``
        cell, right of the checks (``k`` = -1: the header)."""
        return f"{REFUSED_LETTERS[column]}{CHECK_HEADER_ROW + 1 + k}"

    def master_check(self) -> str:
        """The master check's passed (1/0) cell, from another sheet."""
        return self.ref("checks", f"${self.check_col('passed')}${self.master_check_row}")

    # --- the lists ----------------------------------------------------------------------
    lists_header_row = 1  # the lists sheet: a header, then the values from row 2

    def list_cell(self, list_name: str, i: int) -> str:
        return f"{LIST_COLUMNS[list_name][0]}{2 + i}"

    def constant_cell(self, name: str, column: str = "value") -> str:
        return f"{CONSTANT_COLUMNS[column][0]}{2 + [n for n, _ in CONSTANTS].index(name)}"

    def kpi_default_cell(self, kind: KpiKind, column: str) -> str:
        return f"{KPI_DEFAULT_COLUMNS[column][0]}{2 + list(KpiKind).index(kind)}"

    # --- names and inputs -----------------------------------------------------------------
    @cached_property
    def names(self) -> dict[str, tuple[str, str]]:
        """Workbook-level defined names: name -> (sheet key, absolute address)."""
        names: dict[str, tuple[str, str]] = {}
        for a in ASSUMPTIONS:
            names[a.name] = ("assumptions", f"$B${self.assumption_row(a.field)}")
        names["In_IrrGuess"] = ("assumptions", f"$B${self.irr_guess_row}")
        for a in SIMULATION_INPUTS:
            names[a.name] = ("assumptions", f"$B${self.simulation_input_row(a.field)}")
        roots = self.warning_cell("irr_roots", "value")
        names["Calc_IrrRoots"] = ("checks", f"${roots[0]}${roots[1:]}")
        start = self.irr_step_cell("middle", SEARCH_STEPS - 1)
        names["Calc_IrrStart"] = ("checks", f"${start[0]}${start[1:]}")
        first, last = self.adoption_col(1), self.adoption_col(YEARS[-1])
        for name, row in (
            ("In_Adoption", self.adoption_row),
            ("Calc_Adoption", self.adoption_calc_row),
        ):
            names[name] = ("assumptions", f"${first}${row}:${last}${row}")
        for field_, name, *_ in CUSTOMERS:
            names[name] = ("channels", f"$B${self.customer_row(field_)}")
        for h in HEADLINES:
            names[h.name] = ("summary", f"$B${self.headline_row(h.key)}")
        for list_name, (col, _) in LIST_COLUMNS.items():
            names[list_name] = ("lists", f"${col}$2:${col}${1 + len(LISTS[list_name])}")
        kinds, unit_col = LIST_COLUMNS["List_KpiKinds"][0], KPI_DEFAULT_COLUMNS["higher"][0]
        names["Tbl_KpiDefaults"] = ("lists", f"${kinds}$2:${unit_col}${1 + len(KpiKind)}")
        value_col = CONSTANT_COLUMNS["value"][0]
        for i, (name, _) in enumerate(CONSTANTS):
            names[name] = ("lists", f"${value_col}${2 + i}")
        if self.capacity.options:
            names.update(self._option_names())
        names.update(self.sensitivity.names)
        names.update(self.simulation.names)
        for table in self.tables:
            last_col = column_letter(len(table.columns))
            if table.years_after:
                last_col = table.letter(f"y{YEARS[-1]}")
            names[f"Tbl_{table.sheet.capitalize()}"] = (
                table.sheet,
                f"$A${table.first_row}:${last_col}${table.last_row}",
            )
        return names

    def _option_names(self) -> dict[str, tuple[str, str]]:
        first, last = self.option_row(0), self.option_row(self.capacity.options - 1)
        names = {
            "List_Options": ("assumptions", self.option_span("name")),
            "Tbl_Options": ("assumptions", f"$A${first}:${self.option_col('adoption_10')}${last}"),
            "In_Option": ("sensitivity", f"$B${self.option_selector_row}"),
        }
        for key in OPTION_CALCS:
            name = "Calc_Option" + key.title().replace("_", "")
            if key in ("cost_risk", "benefit_risk"):
                name = "Calc_" + key.title().replace("_", "")
            names[name] = ("assumptions", f"$B${self.option_calc_row(key)}")
        return names

    def _option_inputs(self) -> list[InputCell]:
        """The options block's cells, then the option shown (not read back)."""
        cells = []
        for k in range(self.capacity.options):
            row = self.option_row(k)
            for key, (fmt, kind_) in OPTION_INPUTS.items():
                ref = f"{self.option_col(key)}{row}"
                cells.append(InputCell("assumptions", ref, fmt, kind_, ("options", k, key)))
            for t in YEARS[1:]:
                ref = f"{self.option_col(f'adoption_{t}')}{row}"
                where = ("options", k, "adoption", t)
                cells.append(InputCell("assumptions", ref, "pct", "share", where))
        ref = f"B{self.option_selector_row}"
        cells.append(InputCell("sensitivity", ref, "text", None, ("option",)))
        return cells

    @cached_property
    def inputs(self) -> tuple[InputCell, ...]:
        """Every input cell, in the order the writers fill them."""
        guess = f"B{self.irr_guess_row}"  # the IRR's start: an advanced setting
        cells = [InputCell("assumptions", guess, "pct", None, ("irr_guess",), "advanced")]
        for a in ASSUMPTIONS:
            cells.append(
                InputCell(
                    "assumptions",
                    f"B{self.assumption_row(a.field)}",
                    a.fmt,
                    kind(Assumptions, a.field),
                    ("assumptions", a.field),
                )
            )
        for t in YEARS[1:]:
            ref = f"{self.adoption_col(t)}{self.adoption_row}"
            cells.append(InputCell("assumptions", ref, "pct", "share", ("adoption", t)))
        for a in SIMULATION_INPUTS:
            ref = f"B{self.simulation_input_row(a.field)}"
            record, _, name = a.field.rpartition(".")  # "targets.npv", or "workbook_runs"
            model = Targets if record else Assumptions
            place = (record or "assumptions", name)
            cells.append(InputCell("assumptions", ref, a.fmt, kind(model, name), place))
        for table in self.tables:
            model = LINE_MODELS[table.sheet]
            for i in range(table.capacity):
                for c in table.inputs:
                    yearly = yearly_field(c.key)  # seats_y3: ("costs", i, "seats_by_year", 3)
                    key = c.key if yearly is None else yearly[0]
                    where = (table.sheet, i, c.key) if yearly is None else (table.sheet, i, *yearly)
                    kind_ = "choice" if key == "option" else kind(model, key)
                    cells.append(InputCell(table.sheet, table.cell(c.key, i), c.fmt, kind_, where))
        if self.capacity.options:
            cells += self._option_inputs()
        for field_, _, _, fmt in CUSTOMERS:
            ref = f"B{self.customer_row(field_)}"
            cells.append(
                InputCell(
                    "channels", ref, fmt, kind(CustomerEconomics, field_), ("customers", field_)
                )
            )
        # the case shown (spreadsheet-only, like the IRR start), then the Monte Carlo
        # results the export writes as values (not read back, not inputs to type)
        places = self.sensitivity
        cells.append(InputCell("sensitivity", places.case_cell, "text", None, ("case",)))
        cells += [
            InputCell(
                "sensitivity", places.irr_start_cell(c), "pct", None, ("irr_guess", c), "advanced"
            )
            for c in ("pessimistic", "optimistic")
        ]
        cells += [
            InputCell("sensitivity", s.ref, s.fmt, None, s.where, "calc") for s in places.slots()
        ]
        cells += [
            InputCell("simulation", v.ref, v.fmt, None, v.where, "calc")
            for v in self.simulation.value_slots()
        ]
        if self.capacity.options:  # where the IRRs start; the Monte Carlo's shares
            side = self.comparison
            for key in ("irr_start", "incremental_irr_start"):
                cells += [
                    InputCell("comparison", side.cell(key, k), "pct", None, (key, k), "advanced")
                    for k in range(self.capacity.options)
                ]
            for key in ("probability_best", "probability_beats_baseline"):
                cells += [
                    InputCell("comparison", side.cell(key, k), "pct1", None, (key, k), "calc")
                    for k in range(self.capacity.options)
                ]
        return tuple(cells)

    # --- what a user reads ------------------------------------------------------------
    def choices(self, list_name: str) -> list[str]:
        """The values of a validation list in this language."""
        return [self.word(key) for key in LISTS[list_name]]

    def word(self, key: str) -> str:
        """The label of ``key`` in this language; the unit ``currency`` is the
        workbook currency's symbol (``€``, ``$``, ``CHF``) when it has one.

        >>> [Layout("fr", currency=code).word("currency") for code in ("USD", "SEK")]
        ['$', 'devise']
        """
        symbol = currencies.unit_symbol(self.currency) if key == "currency" else None
        return symbol or label(key, self.lang)

    def money_text(self, pair: Bilingual) -> str:
        """``pair`` in this language, its ``{money}`` naming the currency ("US dollars")."""
        return self.text(pair).replace("{money}", currencies.name(self.currency, self.lang))

    def yes_no(self, value: bool) -> str:
        return label("yes" if value else "no", self.lang)

    def text(self, pair: Bilingual) -> str:
        return pick(pair, self.lang)
