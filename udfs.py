"""The Excel functions of crmroi-xl: ``CRM_ROI``, ``CRM_NPV``, ``CRM_IRR`` ... (xlwings).

Naming scheme
-------------
Every Excel name is ``CRM_`` followed by the metric (``CRM_ROI``,
``CRM_PAYBACK``, ``CRM_CONVERSION_RATE`` ...). xlwings takes the Excel name
from the Python name, upper-cased, so the Python functions here are
``crm_roi``, ``crm_payback`` ... and no ``name=`` or namespace is set. One
name has to work in the three ways the functions reach Excel, because the
template workbook's formulas must compute in all of them:

* classic xlwings (Windows desktop Excel, local Python) writes a VBA
  function per UDF, and VBA names cannot contain dots, so a ``CRM.ROI``
  namespace is impossible there;
* xlwings Lite and xlwings Server (Office.js custom functions) would allow a
  namespace, but ``CRM.ROI`` there and ``CRM_ROI`` in classic mode would
  give the template two spellings.

The prefix keeps every name clear of Excel's built-ins (``NPV``, ``IRR`` and
``ROI``-like names are taken or may be); a test checks all of them against
``openpyxl.utils.FORMULAE``. Excel names are case-insensitive; classic
xlwings shows them in lower case, as written here. xlwings Server prepends
its ``XLWINGS_FUNCTIONS_NAMESPACE`` (``XLWINGS`` by default): set it empty so
the names are the same as everywhere else.

How the functions are built
---------------------------
Each function is a thin wrapper: every argument arrives through xlwings'
``"raw"`` converter (a 10 000-row range costs about a millisecond instead of
half a second, and error cells are not silently turned into blanks), is
cleaned by :mod:`crmroi_xl.finance.cells` (blanks, text, error values, dates), and
the metric comes from :mod:`crmroi_xl.finance.metrics` or :mod:`crmroi_xl.finance.kpis`.
:func:`~crmroi_xl.finance.cells.excel_result` turns every failure into an Excel error
value. The docstring is the one sentence Excel's function wizard shows and
every argument has a ``doc=`` help text with its unit. Rates are fractions
(``10%`` in a cell is 0.1); money is in the workbook's currency (euros in the
examples).

Without xlwings' server mode (``XLWINGS_ON_SERVER``) on Linux or macOS the
``xw.func`` / ``xw.arg`` decorators do nothing and these are plain Python
functions:

>>> crm_roi(200_000, 50_000)
3.0
>>> crm_roi([[60_000], [""], [60_000]], [[30_000, 12_000, 12_000]])
1.2222222222222223
>>> crm_roi(200_000, 0)
'#DIV/0!'

See ``docs/excel-functions.md`` for the reference a finance user reads.
"""

from __future__ import annotations

import xlwings as xw

from crmroi_xl.finance import books, compare, kpis, metrics
from crmroi_xl.finance.cells import (
    Raw,
    dated_series,
    excel_result,
    is_blank,
    number,
    optional_number,
    series,
    total,
)

__all__ = [
    "crm_after_tax",
    "crm_bcr",
    "crm_cac",
    "crm_change",
    "crm_churn_rate",
    "crm_clv",
    "crm_clv_cac",
    "crm_conversion_rate",
    "crm_csat",
    "crm_deal_value",
    "crm_depreciation",
    "crm_incremental_irr",
    "crm_incremental_npv",
    "crm_irr",
    "crm_lifetime",
    "crm_nps",
    "crm_npv",
    "crm_payback",
    "crm_pipeline_velocity",
    "crm_resolution_time",
    "crm_response_rate",
    "crm_retention_rate",
    "crm_roas",
    "crm_roi",
    "crm_sales_cycle",
    "crm_win_rate",
]

_SUMMED = "a number or a range, summed; blank cells are skipped"
_FLOWS = (
    "Net cash flows in euros, one per period, period 0 (today) first, investments "
    "negative; a range larger than the data is fine, blanks inside count as 0"
)
_DATES = (
    "Optional: one date per cash flow (dates or Excel serial numbers); given, the "
    "result follows XNPV/XIRR over 365-day years"
)


# --- Financial metrics ----------------------------------------------------------------


@xw.func
@xw.arg("benefits", "raw", doc=f"Benefits of the CRM in euros: {_SUMMED}.")
@xw.arg("costs", "raw", doc=f"Costs of the CRM in euros: {_SUMMED}; must not sum to 0.")
@excel_result
def crm_roi(benefits: Raw, costs: Raw) -> float:
    """Return on investment: (benefits - costs) / costs, as a fraction (3 is 300 %)."""
    return metrics.roi(total(benefits, "benefits"), total(costs, "costs"))


@xw.func
@xw.arg("benefits", "raw", doc=f"Benefits in euros, present values for the usual ratio: {_SUMMED}.")
@xw.arg("costs", "raw", doc=f"Costs in euros, counted as the benefits: {_SUMMED}; not 0 in sum.")
@excel_result
def crm_bcr(benefits: Raw, costs: Raw) -> float:
    """Benefit-cost ratio: benefits / costs (above 1 the CRM pays; BCR = ROI + 1)."""
    return metrics.bcr(total(benefits, "benefits"), total(costs, "costs"))


@xw.func
@xw.arg("revenue", "raw", doc=f"Revenue attributed to the campaigns in euros: {_SUMMED}.")
@xw.arg("ad_spend", "raw", doc=f"Advertising spend in euros: {_SUMMED}; must not sum to 0.")
@excel_result
def crm_roas(revenue: Raw, ad_spend: Raw) -> float:
    """Return on advertising spend: revenue per euro of ad spend (4 is 400 %)."""
    return metrics.roas(total(revenue, "revenue"), total(ad_spend, "ad_spend"))


@xw.func
@xw.arg("rate", "raw", doc="Discount rate per period as a fraction (10% or 0.1), above -100%.")
@xw.arg(
    "cash_flows",
    "raw",
    doc=f"{_FLOWS} (Excel's NPV skips blanks, which moves later flows a period earlier).",
)
@xw.arg("dates", "raw", doc=f"{_DATES}.")
@excel_result
def crm_npv(rate: Raw, cash_flows: Raw, dates: Raw = None) -> float:
    """Net present value in euros; the first flow is period 0, undiscounted, unlike Excel's NPV."""
    discount = number(rate, "rate")
    if is_blank(dates):
        return metrics.npv(discount, series(cash_flows))
    flows, serials = dated_series(cash_flows, dates)
    return metrics.npv(discount, flows, serials)


@xw.func
@xw.arg("cash_flows", "raw", doc=f"{_FLOWS}; at least one positive and one negative flow.")
@xw.arg("dates", "raw", doc=f"{_DATES}.")
@xw.arg(
    "guess", "raw", doc="Optional: rate where the search starts, as a fraction (10% if left out)."
)
@excel_result
def crm_irr(cash_flows: Raw, dates: Raw = None, guess: Raw = None) -> float:
    """Internal rate of return per period (per year with dates): the rate where the NPV is 0."""
    if is_blank(dates):
        flows, serials = series(cash_flows), None
    else:
        flows, serials = dated_series(cash_flows, dates)
    return metrics.irr(flows, serials, guess=optional_number(guess, "guess", 0.1))


_OPTION = (
    "Net cash flows of option {} in euros, one per period, period 0 (today) first; "
    "blanks inside count as 0, and a shorter range counts 0 past its end"
)


@xw.func
@xw.arg("rate", "raw", doc="Discount rate per period as a fraction (10% or 0.1), above -100%.")
@xw.arg("flows_a", "raw", doc=_OPTION.format("A, the baseline (the status quo, or vendor A)") + ".")
@xw.arg("flows_b", "raw", doc=_OPTION.format("B, the one compared with A") + ".")
@excel_result
def crm_incremental_npv(rate: Raw, flows_a: Raw, flows_b: Raw) -> float:
    """Incremental NPV of choosing B over A in euros: the NPV of B's flows less A's (> 0: B is worth more)."""
    return compare.incremental_npv(
        number(rate, "rate"), series(flows_a, "flows_a"), series(flows_b, "flows_b")
    )


@xw.func
@xw.arg("flows_a", "raw", doc=_OPTION.format("A, the baseline (the status quo, or vendor A)") + ".")
@xw.arg("flows_b", "raw", doc=_OPTION.format("B, the one compared with A") + ".")
@xw.arg(
    "guess", "raw", doc="Optional: rate where the search starts, as a fraction (10% if left out)."
)
@excel_result
def crm_incremental_irr(flows_a: Raw, flows_b: Raw, guess: Raw = None) -> float:
    """Incremental IRR of choosing B over A: the rate at which both options are worth the same."""
    return compare.incremental_irr(
        series(flows_a, "flows_a"),
        series(flows_b, "flows_b"),
        guess=optional_number(guess, "guess", 0.1),
    )


@xw.func
@xw.arg("cash_flows", "raw", doc=f"{_FLOWS}.")
@xw.arg(
    "rate",
    "raw",
    doc="Optional: discount rate per period as a fraction; given, the payback is discounted.",
)
@excel_result
def crm_payback(cash_flows: Raw, rate: Raw = None) -> float:
    """Payback period: periods until the cumulative cash flow reaches 0 (#N/A if it never does)."""
    return metrics.payback(series(cash_flows), optional_number(rate, "rate"))


@xw.func
@xw.arg("amount", "raw", doc="Amount capitalised in euros (a CRM implementation paid once).")
@xw.arg("years", "raw", doc="Depreciation period in years, a whole number from 1.")
@xw.arg(
    "year",
    "raw",
    doc="Year counted from the payment: 1 = the year after it, the first depreciated.",
)
@excel_result
def crm_depreciation(amount: Raw, years: Raw, year: Raw) -> float:
    """Straight-line depreciation of an amount in one year (0 before and after its period)."""
    return books.depreciation(
        number(amount, "amount"), number(years, "years"), number(year, "year")
    )


@xw.func
@xw.arg(
    "flows",
    "raw",
    doc=f"Pre-tax operating flow in euros (benefits - expensed costs): {_SUMMED}.",
)
@xw.arg("tax_rate", "raw", doc="Corporate tax rate as a fraction (25% or 0.25), 0 to 1.")
@xw.arg(
    "depreciation",
    "raw",
    doc=f"Optional: depreciation of the same period in euros, deducted from the taxable "
    f"result: {_SUMMED}.",
)
@excel_result
def crm_after_tax(flows: Raw, tax_rate: Raw, depreciation: Raw = None) -> float:
    """After-tax flow: flows - tax rate x (flows - depreciation), a tax saving when negative."""
    spread = 0.0 if is_blank(depreciation) else total(depreciation, "depreciation")
    return books.after_tax(total(flows, "flows"), number(tax_rate, "tax_rate"), spread)


@xw.func
@xw.arg("margin", "raw", doc=f"Gross margin per customer per period in euros: {_SUMMED}.")
@xw.arg(
    "retention_rate",
    "raw",
    doc="Share of customers kept from one period to the next, as a fraction (80% or 0.8).",
)
@xw.arg(
    "discount_rate",
    "raw",
    doc="Optional: discount rate per period as a fraction (0 if left out).",
)
@xw.arg(
    "periods",
    "raw",
    doc=(
        "Optional: number of periods counted, a whole number "
        "(the customer's whole life if left out)."
    ),
)
@excel_result
def crm_clv(
    margin: Raw, retention_rate: Raw, discount_rate: Raw = None, periods: Raw = None
) -> float:
    """Customer lifetime value in euros: discounted margin of a customer over its life."""
    return metrics.clv(
        total(margin, "margin"),
        number(retention_rate, "retention_rate"),
        optional_number(discount_rate, "discount_rate", 0.0),
        optional_number(periods, "periods"),  # type: ignore[arg-type]  # clv checks: whole
    )


@xw.func
@xw.arg(
    "acquisition_spend",
    "raw",
    doc=f"Sales and marketing spend to win customers, in euros: {_SUMMED}.",
)
@xw.arg("new_customers", "raw", doc=f"New customers won over the same period: {_SUMMED}.")
@excel_result
def crm_cac(acquisition_spend: Raw, new_customers: Raw) -> float:
    """Customer acquisition cost: spend in euros per new customer."""
    return metrics.cac(
        total(acquisition_spend, "acquisition_spend"), total(new_customers, "new_customers")
    )


# --- CRM KPIs -------------------------------------------------------------------------


@xw.func
@xw.arg("converted_leads", "raw", doc=f"Leads that became customers, a count: {_SUMMED}.")
@xw.arg("leads", "raw", doc=f"Leads received, a count: {_SUMMED}; must not sum to 0.")
@excel_result
def crm_conversion_rate(converted_leads: Raw, leads: Raw) -> float:
    """Lead conversion rate: share of leads that became customers, as a fraction."""
    return kpis.lead_conversion_rate(
        total(converted_leads, "converted_leads"), total(leads, "leads")
    )


@xw.func
@xw.arg("won", "raw", doc=f"Opportunities won, a count: {_SUMMED}.")
@xw.arg("opportunities", "raw", doc=f"Opportunities worked, a count: {_SUMMED}.")
@excel_result
def crm_win_rate(won: Raw, opportunities: Raw) -> float:
    """Win rate: share of opportunities won, as a fraction."""
    return kpis.win_rate(total(won, "won"), total(opportunities, "opportunities"))


@xw.func
@xw.arg("customers_end", "raw", doc=f"Customers at the end of the period, a count: {_SUMMED}.")
@xw.arg("new_customers", "raw", doc=f"New customers won during the period, a count: {_SUMMED}.")
@xw.arg(
    "customers_start",
    "raw",
    doc=f"Customers at the start of the period, a count: {_SUMMED}.",
)
@excel_result
def crm_retention_rate(customers_end: Raw, new_customers: Raw, customers_start: Raw) -> float:
    """Retention rate: (customers at the end - new customers) / customers at the start."""
    return kpis.retention_rate(
        total(customers_end, "customers_end"),
        total(new_customers, "new_customers"),
        total(customers_start, "customers_start"),
    )


@xw.func
@xw.arg("lost_customers", "raw", doc=f"Customers lost during the period, a count: {_SUMMED}.")
@xw.arg(
    "customers_start",
    "raw",
    doc=f"Customers at the start of the period, a count: {_SUMMED}.",
)
@excel_result
def crm_churn_rate(lost_customers: Raw, customers_start: Raw) -> float:
    """Churn rate: share of the customers at the start of the period lost during it."""
    return kpis.churn_rate(
        total(lost_customers, "lost_customers"), total(customers_start, "customers_start")
    )


@xw.func
@xw.arg("churn", "raw", doc="Churn rate per period as a fraction (20% or 0.2); not 0.")
@excel_result
def crm_lifetime(churn: Raw) -> float:
    """Average customer lifetime in periods: 1 / churn rate."""
    return kpis.customer_lifetime(number(churn, "churn"))


@xw.func
@xw.arg("clv", "raw", doc="Customer lifetime value in euros (for example from CRM_CLV).")
@xw.arg("cac", "raw", doc="Customer acquisition cost in euros (for example from CRM_CAC); not 0.")
@excel_result
def crm_clv_cac(clv: Raw, cac: Raw) -> float:
    """CLV / CAC ratio: lifetime value per euro of acquisition cost (3 or more is healthy)."""
    return kpis.clv_cac_ratio(number(clv, "clv"), number(cac, "cac"))


@xw.func
@xw.arg("answered_requests", "raw", doc=f"Customer requests answered, a count: {_SUMMED}.")
@xw.arg("requests", "raw", doc=f"Customer requests received, a count: {_SUMMED}.")
@excel_result
def crm_response_rate(answered_requests: Raw, requests: Raw) -> float:
    """Response rate: share of customer requests that got an answer, as a fraction."""
    return kpis.response_rate(
        total(answered_requests, "answered_requests"), total(requests, "requests")
    )


@xw.func
@xw.arg(
    "total_resolution_time",
    "raw",
    doc=f"Time spent resolving requests, in hours (or any time unit): {_SUMMED}.",
)
@xw.arg("resolved_requests", "raw", doc=f"Requests resolved, a count: {_SUMMED}.")
@excel_result
def crm_resolution_time(total_resolution_time: Raw, resolved_requests: Raw) -> float:
    """Average resolution time per request, in the time unit of the total (hours)."""
    return kpis.average_resolution_time(
        total(total_resolution_time, "total_resolution_time"),
        total(resolved_requests, "resolved_requests"),
    )


@xw.func
@xw.arg(
    "total_cycle_days",
    "raw",
    doc=f"Days from first contact to signature, added over the deals: {_SUMMED}.",
)
@xw.arg("deals_closed", "raw", doc=f"Deals closed, a count: {_SUMMED}.")
@excel_result
def crm_sales_cycle(total_cycle_days: Raw, deals_closed: Raw) -> float:
    """Average sales cycle length in days, from first contact to signature."""
    return kpis.sales_cycle_length(
        total(total_cycle_days, "total_cycle_days"), total(deals_closed, "deals_closed")
    )


@xw.func
@xw.arg("revenue", "raw", doc=f"Revenue of the deals won, in euros: {_SUMMED}.")
@xw.arg("deals_won", "raw", doc=f"Deals won, a count: {_SUMMED}.")
@excel_result
def crm_deal_value(revenue: Raw, deals_won: Raw) -> float:
    """Average deal value: revenue in euros per deal won."""
    return kpis.average_deal_value(total(revenue, "revenue"), total(deals_won, "deals_won"))


@xw.func
@xw.arg("opportunities", "raw", doc="Open opportunities in the pipeline, a count.")
@xw.arg("win_rate", "raw", doc="Share of opportunities won, as a fraction (25% or 0.25).")
@xw.arg("average_deal_value", "raw", doc="Average revenue per deal won, in euros.")
@xw.arg("sales_cycle_length", "raw", doc="Average sales cycle in days; not 0.")
@excel_result
def crm_pipeline_velocity(
    opportunities: Raw, win_rate: Raw, average_deal_value: Raw, sales_cycle_length: Raw
) -> float:
    """Pipeline velocity: revenue in euros the pipeline produces per day."""
    return kpis.pipeline_velocity(
        number(opportunities, "opportunities"),
        number(win_rate, "win_rate"),
        number(average_deal_value, "average_deal_value"),
        number(sales_cycle_length, "sales_cycle_length"),
    )


@xw.func
@xw.arg("promoters", "raw", doc=f"Respondents scoring 9 or 10, a count: {_SUMMED}.")
@xw.arg("detractors", "raw", doc=f"Respondents scoring 0 to 6, a count: {_SUMMED}.")
@xw.arg("respondents", "raw", doc=f"All respondents, a count: {_SUMMED}; must not sum to 0.")
@excel_result
def crm_nps(promoters: Raw, detractors: Raw, respondents: Raw) -> float:
    """Net Promoter Score, -100 to 100 points: 100 * (promoters - detractors) / respondents."""
    return kpis.nps(
        total(promoters, "promoters"),
        total(detractors, "detractors"),
        total(respondents, "respondents"),
    )


@xw.func
@xw.arg("satisfied", "raw", doc=f"Satisfied answers (4 or 5 out of 5), a count: {_SUMMED}.")
@xw.arg("responses", "raw", doc=f"All answers, a count: {_SUMMED}; must not sum to 0.")
@excel_result
def crm_csat(satisfied: Raw, responses: Raw) -> float:
    """Customer satisfaction score: share of satisfied answers, as a fraction."""
    return kpis.csat(total(satisfied, "satisfied"), total(responses, "responses"))


@xw.func
@xw.arg("before", "raw", doc="The KPI's baseline, before the CRM (its own unit); not 0.")
@xw.arg("after", "raw", doc="The same KPI after the CRM, in the same unit.")
@excel_result
def crm_change(before: Raw, after: Raw) -> float:
    """Relative change of a KPI from before the CRM to after: (after - before) / |before|."""
    return kpis.change(number(before, "before"), number(after, "after"))
