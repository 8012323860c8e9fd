"""The headline results: one record each, read by everything that shows them.

A record says everything about one result: its key (the name in the engine's
results and in ``compute --json``), its workbook defined name (``Out_ROI``),
its French and English title, its number format, its help text, its native
and UDF formulas on the summary sheet, and how its value comes from the
engine's :class:`~crmroi_xl.engine.results.Results`. The summary sheet's rows, the
``Out_*`` names, the console report, the guide, the portfolio summary of a
batch, the expected values the workbook tests compare with, and the table in
``docs/results.md`` all come from :data:`HEADLINES`.

Adding a headline result means its metric function (:mod:`crmroi_xl.finance.metrics`),
its Excel function (``udfs.py``) and one record here. Formulas refer to other
results by their defined names (``Out_Total_Costs``), never by address; the
yearly rows of the summary come from the layout.

>>> [h.name for h in HEADLINES][:2]
['Out_ROI', 'Out_ROI_PV']
>>> BY_KEY["roi"].title
('ROI', 'ROI')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ..errors import CrmRoiError
from ..finance import metrics
from .parts import YEARS

if TYPE_CHECKING:
    from ..engine.results import Results

__all__ = [
    "AFTER_TAX",
    "BY_KEY",
    "HEADLINES",
    "Headline",
    "Places",
    "irr_chain",
    "reference_markdown",
]

Bilingual = tuple[str, str]


class Places(Protocol):
    """What a headline's formula asks of the workbook's layout
    (:class:`~crmroi_xl.excel.layout.Layout` is one): the layout reads these records,
    so they name it by what they use, not by its class."""

    def summary_span(self, row_key: str, first: int = 0, last: int = YEARS[-1]) -> str: ...
    def summary_cell(self, row_key: str, t: int) -> str: ...
    def channel_total(self, key: str) -> str: ...
    def customer_result(self, key: str) -> str: ...
    def master_check(self) -> str: ...


@dataclass(frozen=True)
class Headline:
    """One headline result (see the module docstring)."""

    key: str
    name: str
    title: Bilingual
    fmt: str  # number-format key of the workbook (and the console report)
    help: Bilingual
    native: Callable[[Places], str]
    udf: Callable[[Places], str] | None = None  # the template's formula; native if None
    value: Callable[[Results], float | None] | None = None  # getattr(results, key) if None
    shown: bool = True  # in the console report and the portfolio summary

    def evaluate(self, results: Results) -> tuple[float | None, str | None]:
        """The result's value, or None and why it is not defined."""
        if self.value is None:
            found: float | None = getattr(results, self.key)
        else:
            try:
                found = self.value(results)
            except CrmRoiError as error:
                return None, error.message
        return found, None if found is not None else results.undefined.get(self.key)


def _payback(layout: Places, cumulative: str, points: str) -> str:
    """Payback on the summary rows: 0 if never negative, else the first crossing point."""
    s = layout.summary_span
    return (
        f"=IF(MIN({s(cumulative)})>=0,0,"
        f"IF(COUNT({s(points, first=1)})=0,NA(),MIN({s(points, first=1)})))"
    )


def _no_irr(layout: Places) -> str:
    net = layout.summary_span("net_flow")
    return f'OR(COUNTIF({net},">0")=0,COUNTIF({net},"<0")=0)'


def _irr_start() -> str:
    """Where the IRR starts in the case shown (``Calc_Case``): the export's start of that
    case (the engine's IRR of it), or the spreadsheet's own 10 % when blank."""
    starts = (
        f'IF({name}="",IrrDefaultGuess,{name})'
        for name in ("In_IrrGuessPessimistic", "In_IrrGuess", "In_IrrGuessOptimistic")
    )
    return f"CHOOSE(Calc_Case,{','.join(starts)})"


def irr_chain(flows: str, located: str = "Calc_IrrStart", stored: str | None = None) -> str:
    r"""The spreadsheet's IRR that survives edits: Newton's method (``IRR``) from 10 %,
    then from the point the workbook's own search ``located`` (:mod:`.irrsearch`; the
    Summary's is ``Calc_IrrStart``), then from the ``stored`` start written at export
    (the case shown's by default); the first result above -100 % (a start left over
    from an edit can fail or land on a "root" below -100 %); else the located point
    itself. The one IRR formula of the workbook: the Summary's and the Comparison's.

    >>> print(irr_chain("F").replace("),IF(", "),\nIF("))  # doctest: +ELLIPSIS
    IF(IFERROR(IRR(F,IrrDefaultGuess),-2)>-1,IRR(F,IrrDefaultGuess),
    IF(IFERROR(IRR(F,Calc_IrrStart),-2)>-1,IRR(F,Calc_IrrStart),
    IF(IFERROR(IRR(F,CHOOSE(Calc_Case,...)),-2)>-1,IRR(F,CHOOSE(Calc_Case,...)),
    IF(ISNUMBER(Calc_IrrStart),Calc_IrrStart,NA()))))
    """
    formula = f"IF(ISNUMBER({located}),{located},NA())"
    for start in reversed(("IrrDefaultGuess", located, stored or _irr_start())):
        irr = f"IRR({flows},{start})"
        formula = f"IF(IFERROR({irr},-2)>-1,{irr},{formula})"
    return formula


def _after_tax(results: Results, key: str) -> float | None:
    """An after-tax metric; None without a tax rate."""
    return None if results.after_tax is None else getattr(results.after_tax, key)


def _taxed(formula: str) -> str:
    """``formula`` (with its ``=``), or ``#N/A`` when no tax rate is set."""
    return f'=IF(In_TaxRate="",NA(),{formula.removeprefix("=")})'


def _irr_after_tax(layout: Places) -> str:
    """The after-tax IRR: Newton's method from 10 %, then from the pre-tax IRR."""
    flows = layout.summary_span("after_tax_flow")
    formula = "NA()"
    for start in ("Out_IRR", "IrrDefaultGuess"):
        irr = f"IRR({flows},{start})"
        formula = f"IF(IFERROR({irr},-2)>-1,{irr},{formula})"
    signs = f'OR(COUNTIF({flows},">0")=0,COUNTIF({flows},"<0")=0)'
    return _taxed(f"IF({signs},NA(),{formula})")


#: The after-tax headlines (a tax rate is set; ``#N/A`` otherwise): on the summary and
#: named, not in the console report's table nor the portfolio (the report adds its own
#: after-tax line), and ``compute --json`` has them under ``after_tax``.
AFTER_TAX: tuple[Headline, ...] = (
    Headline(
        "npv_after_tax",
        "Out_NPV_After_Tax",
        ("VAN après impôt", "After-tax NPV"),
        "eur",
        (
            "sur les flux après impôt ; #N/A sans taux d'impôt",
            "on after-tax flows; #N/A with no tax rate",
        ),
        lambda lo: _taxed(
            f"{lo.summary_cell('after_tax_flow', 0)}"
            f"+NPV(In_DiscountRate,{lo.summary_span('after_tax_flow', first=1)})"
        ),
        value=lambda results: _after_tax(results, "npv"),
        shown=False,
    ),
    Headline(
        "irr_after_tax",
        "Out_IRR_After_Tax",
        ("TRI après impôt", "After-tax IRR"),
        "pct1",
        ("taux qui annule la VAN après impôt", "rate at which the after-tax NPV is zero"),
        _irr_after_tax,
        value=lambda results: _after_tax(results, "irr"),
        shown=False,
    ),
    Headline(
        "payback_after_tax",
        "Out_Payback_After_Tax",
        ("Délai de récupération après impôt", "After-tax payback"),
        "years",
        (
            "années jusqu'au flux après impôt cumulé nul",
            "years until the cumulative after-tax flow reaches 0",
        ),
        lambda lo: _taxed(_payback(lo, "after_tax_cumulative", "after_tax_points")),
        value=lambda results: _after_tax(results, "payback"),
        shown=False,
    ),
)

HEADLINES: tuple[Headline, ...] = (
    Headline(
        "roi",
        "Out_ROI",
        ("ROI", "ROI"),
        "pct1",
        (
            "ROI retenu, non actualisé (méthode source)",
            "headline ROI, undiscounted (source method)",
        ),
        lambda _: (
            "=IF(Out_Total_Costs=0,NA(),(Out_Total_Benefits-Out_Total_Costs)/Out_Total_Costs)"
        ),
        lambda _: "=IF(Out_Total_Costs=0,NA(),CRM_ROI(Out_Total_Benefits,Out_Total_Costs))",
    ),
    Headline(
        "roi_pv",
        "Out_ROI_PV",
        ("ROI actualisé", "ROI on present values"),
        "pct1",
        ("le même, actualisé", "the same, discounted"),
        lambda _: "=IF(Out_PV_Costs=0,NA(),(Out_PV_Benefits-Out_PV_Costs)/Out_PV_Costs)",
        lambda _: "=IF(Out_PV_Costs=0,NA(),CRM_ROI(Out_PV_Benefits,Out_PV_Costs))",
    ),
    Headline(
        "bcr",
        "Out_BCR",
        ("Ratio bénéfices / coûts", "Benefit-cost ratio"),
        "ratio",
        (
            "bénéfices actualisés / coûts actualisés ; > 1 : rentable",
            "PV of benefits / PV of costs; above 1 pays",
        ),
        lambda _: "=IF(Out_PV_Costs=0,NA(),Out_PV_Benefits/Out_PV_Costs)",
        lambda _: "=IF(Out_PV_Costs=0,NA(),CRM_BCR(Out_PV_Benefits,Out_PV_Costs))",
        lambda results: metrics.bcr(results.pv_benefits, results.pv_costs),
    ),
    Headline(
        "npv",
        "Out_NPV",
        ("VAN", "NPV"),
        "eur",
        ("flux de l'année 0 + VAN des années 1 à N", "year-0 flow + NPV of years 1 to N"),
        lambda lo: (
            f"={lo.summary_cell('net_flow', 0)}"
            f"+NPV(In_DiscountRate,{lo.summary_span('net_flow', first=1)})"
        ),
        lambda lo: f"=CRM_NPV(In_DiscountRate,{lo.summary_span('net_flow')})",
    ),
    Headline(
        "irr",
        "Out_IRR",
        ("TRI", "IRR"),
        "pct1",
        ("taux qui annule la VAN", "rate at which the NPV is zero"),
        lambda lo: f"=IF({_no_irr(lo)},NA(),{irr_chain(lo.summary_span('net_flow'))})",
        lambda lo: f"=IF({_no_irr(lo)},NA(),CRM_IRR({lo.summary_span('net_flow')}))",
    ),
    Headline(
        "payback",
        "Out_Payback",
        ("Délai de récupération", "Payback"),
        "years",
        ("années jusqu'au flux cumulé nul", "years until the cumulative flow reaches 0"),
        lambda lo: _payback(lo, "cumulative_flow", "payback_points"),
        lambda lo: f"=CRM_PAYBACK({lo.summary_span('net_flow')})",
    ),
    Headline(
        "payback_months",
        "Out_Payback_Months",
        ("Délai de récupération (mois)", "Payback (months)"),
        "months",
        ("le même, en mois", "the same in months"),
        lambda _: "=Out_Payback*MonthsPerYear",
    ),
    Headline(
        "discounted_payback",
        "Out_Discounted_Payback",
        ("Délai de récupération actualisé", "Discounted payback"),
        "years",
        ("sur les flux actualisés", "on discounted flows"),
        lambda lo: _payback(lo, "cumulative_present_values", "discounted_payback_points"),
        lambda lo: f"=CRM_PAYBACK({lo.summary_span('net_flow')},In_DiscountRate)",
    ),
    *AFTER_TAX,
    Headline(
        "roas",
        "Out_ROAS",
        ("ROAS", "ROAS"),
        "ratio",
        ("revenu attribué / dépenses marketing", "attributed revenue / marketing spend"),
        # the channels' total row says "no marketing channel" without one: #N/A here
        lambda lo: f"=IF(ISNUMBER({lo.channel_total('roas')}),{lo.channel_total('roas')},NA())",
    ),
    Headline(
        "clv",
        "Out_CLV",
        ("Valeur vie client (CLV)", "Customer lifetime value (CLV)"),
        "eur",
        (
            "marge actualisée d'un client sur sa vie",
            "discounted margin of a customer over its life",
        ),
        lambda lo: "=" + lo.customer_result("clv"),
    ),
    Headline(
        "cac",
        "Out_CAC",
        ("Coût d'acquisition client (CAC)", "Customer acquisition cost (CAC)"),
        "eur",
        ("dépenses d'acquisition / nouveaux clients", "acquisition spend / new customers"),
        lambda lo: "=" + lo.customer_result("cac"),
    ),
    Headline(
        "clv_cac_ratio",
        "Out_CLV_CAC",
        ("Ratio CLV / CAC", "CLV:CAC ratio"),
        "ratio",
        ("3 ou plus est sain", "3 or more is healthy"),
        lambda lo: "=" + lo.customer_result("clv_cac"),
    ),
    Headline(
        "total_costs",
        "Out_Total_Costs",
        ("Total des coûts", "Total costs"),
        "eur",
        ("avec l'ajustement du risque", "risk-adjusted"),
        lambda lo: f"=SUM({lo.summary_span('costs')})",
    ),
    Headline(
        "total_benefits",
        "Out_Total_Benefits",
        ("Total des bénéfices comptés", "Total counted benefits"),
        "eur",
        ("hors intangibles non inclus", "excluding intangibles left out"),
        lambda lo: f"=SUM({lo.summary_span('benefits')})",
    ),
    Headline(
        "net_benefit",
        "Out_Net_Benefit",
        ("Bénéfice net", "Net benefit"),
        "eur",
        ("bénéfices − coûts", "benefits − costs"),
        lambda _: "=Out_Total_Benefits-Out_Total_Costs",
    ),
    Headline(
        "pv_costs",
        "Out_PV_Costs",
        ("Coûts actualisés", "Present value of costs"),
        "eur",
        ("au taux d'actualisation", "at the discount rate"),
        lambda lo: f"=SUMPRODUCT({lo.summary_span('costs')},{lo.summary_span('discount_factors')})",
    ),
    Headline(
        "pv_benefits",
        "Out_PV_Benefits",
        ("Bénéfices actualisés", "Present value of benefits"),
        "eur",
        ("au taux d'actualisation", "at the discount rate"),
        lambda lo: (
            f"=SUMPRODUCT({lo.summary_span('benefits')},{lo.summary_span('discount_factors')})"
        ),
    ),
    Headline(
        "check",
        "Out_Check",
        ("Contrôle général", "Master check"),
        "text",
        ("voir la feuille Contrôles", "see the Checks sheet"),
        lambda lo: f"=IF({lo.master_check()}=1,Lbl_OK,Lbl_Error)",
        value=lambda _: None,
        shown=False,
    ),
)

#: The records by key.
BY_KEY: dict[str, Headline] = {h.key: h for h in HEADLINES}


def reference_markdown() -> str:
    """The table of the headline results for ``docs/results.md`` (a test keeps it in sync)."""
    rows = ["| result | workbook name | French | what it is |", "|---|---|---|---|"]
    for h in HEADLINES:
        rows.append(f"| `{h.key}` ({h.title[1]}) | `{h.name}` | {h.title[0]} | {h.help[1]} |")
    return "\n".join(rows) + "\n"
