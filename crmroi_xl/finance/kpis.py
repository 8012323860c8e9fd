"""CRM key performance indicators, measured before and after the CRM.

Pure functions, as in :mod:`crmroi_xl.finance.metrics`: counts and amounts are summed
when given as iterables (several months, several teams), rates are fractions
(``0.25`` is 25 %), and a zero denominator raises
:class:`~crmroi_xl.errors.DivisionByZeroError` (Excel: ``#DIV/0!``).
"""

from __future__ import annotations

from ..errors import InputError
from .metrics import Values, as_number, ratio, sum_of

__all__ = [
    "average_deal_value",
    "average_resolution_time",
    "change",
    "churn_rate",
    "clv_cac_ratio",
    "csat",
    "customer_lifetime",
    "lead_conversion_rate",
    "nps",
    "pipeline_velocity",
    "response_rate",
    "retention_rate",
    "sales_cycle_length",
    "win_rate",
]


def lead_conversion_rate(converted_leads: Values, leads: Values) -> float:
    r"""Share of leads that became customers.

    .. math:: \frac{\sum converted}{\sum leads}

    Native Excel formula: ``=SUM(converted)/SUM(leads)``.

    >>> lead_conversion_rate(45, 600)
    0.075
    """
    return ratio(sum_of(converted_leads, "converted_leads"), sum_of(leads, "leads"), "sum of leads")


def win_rate(won: Values, opportunities: Values) -> float:
    r"""Share of opportunities won.

    .. math:: \frac{\sum won}{\sum opportunities}

    >>> win_rate(30, 120)
    0.25
    """
    return ratio(sum_of(won, "won"), sum_of(opportunities, "opportunities"), "sum of opportunities")


def retention_rate(customers_end: Values, new_customers: Values, customers_start: Values) -> float:
    r"""Share of the customers at the start of the period still there at its end.

    .. math:: \frac{E - N}{S}

    with :math:`E` the customers at the end, :math:`N` the new customers won
    during the period and :math:`S` the customers at the start.

    Native Excel formula: ``=(end-new)/start``.

    >>> retention_rate(950, 150, 1_000)
    0.8
    """
    return ratio(
        sum_of(customers_end, "customers_end") - sum_of(new_customers, "new_customers"),
        sum_of(customers_start, "customers_start"),
        "sum of customers_start",
    )


def churn_rate(lost_customers: Values, customers_start: Values) -> float:
    r"""Share of the customers at the start of the period lost during it.

    .. math:: \frac{\sum lost}{S} = 1 - retention

    >>> churn_rate(200, 1_000)
    0.2
    """
    return ratio(
        sum_of(lost_customers, "lost_customers"),
        sum_of(customers_start, "customers_start"),
        "sum of customers_start",
    )


def customer_lifetime(churn: float) -> float:
    r"""Average customer lifetime in periods: the inverse of the churn rate.

    .. math:: \frac{1}{churn}

    Native Excel formula: ``=1/churn``.

    >>> customer_lifetime(0.2)
    5.0
    """
    rate = as_number(churn, "churn_rate")
    if rate < 0:
        raise InputError(f"churn_rate must not be negative, got {rate!r}", excel_error="#NUM!")
    return ratio(1.0, rate, "churn_rate")


def clv_cac_ratio(clv: float, cac: float) -> float:
    r"""Customer lifetime value per euro of acquisition cost (3 or more is healthy).

    .. math:: \frac{CLV}{CAC}

    >>> clv_cac_ratio(4_000, 300)
    13.333333333333334
    """
    return ratio(as_number(clv, "clv"), as_number(cac, "cac"), "cac", "zero_cac")


def response_rate(answered_requests: Values, requests: Values) -> float:
    r"""Share of customer requests that got an answer.

    .. math:: \frac{\sum answered}{\sum requests}

    >>> response_rate(1_840, 2_000)
    0.92
    """
    return ratio(
        sum_of(answered_requests, "answered_requests"),
        sum_of(requests, "requests"),
        "sum of requests",
    )


def average_resolution_time(total_resolution_time: Values, resolved_requests: Values) -> float:
    r"""Average time to resolve a request, in the unit of the times given (hours).

    .. math:: \frac{\sum resolution\ time}{\sum resolved}

    >>> average_resolution_time(3_600, 1_500)
    2.4
    """
    return ratio(
        sum_of(total_resolution_time, "total_resolution_time"),
        sum_of(resolved_requests, "resolved_requests"),
        "sum of resolved_requests",
    )


def sales_cycle_length(total_cycle_days: Values, deals_closed: Values) -> float:
    r"""Average days from first contact to signature.

    .. math:: \frac{\sum days}{\sum deals}

    >>> sales_cycle_length(2_700, 60)
    45.0
    """
    return ratio(
        sum_of(total_cycle_days, "total_cycle_days"),
        sum_of(deals_closed, "deals_closed"),
        "sum of deals_closed",
    )


def average_deal_value(revenue: Values, deals_won: Values) -> float:
    r"""Average revenue per deal won, in euros.

    .. math:: \frac{\sum revenue}{\sum deals}

    >>> average_deal_value(60_000, 60)
    1000.0
    """
    return ratio(sum_of(revenue, "revenue"), sum_of(deals_won, "deals_won"), "sum of deals_won")


def pipeline_velocity(
    opportunities: float, win_rate: float, average_deal_value: float, sales_cycle_length: float
) -> float:
    r"""Revenue the pipeline produces per day (per unit of the cycle length).

    .. math:: \frac{opportunities \times win\ rate \times deal\ value}{cycle\ length}

    Native Excel formula: ``=opportunities*win_rate*deal_value/cycle``.

    120 open opportunities, 25 % won, 1 000 EUR a deal, a 45-day cycle:

    >>> round(pipeline_velocity(120, 0.25, 1_000, 45), 2)
    666.67
    """
    numerator = (
        as_number(opportunities, "opportunities")
        * as_number(win_rate, "win_rate")
        * as_number(average_deal_value, "average_deal_value")
    )
    return ratio(
        numerator, as_number(sales_cycle_length, "sales_cycle_length"), "sales_cycle_length"
    )


def nps(promoters: Values, detractors: Values, respondents: Values) -> float:
    r"""Net Promoter Score, in points from -100 to 100.

    .. math:: 100 \times \frac{promoters - detractors}{respondents}

    >>> nps(520, 130, 1_000)
    39.0
    """
    return 100.0 * ratio(
        sum_of(promoters, "promoters") - sum_of(detractors, "detractors"),
        sum_of(respondents, "respondents"),
        "sum of respondents",
    )


def csat(satisfied: Values, responses: Values) -> float:
    r"""Customer satisfaction score: share of satisfied answers.

    .. math:: \frac{\sum satisfied}{\sum responses}

    >>> csat(410, 500)
    0.82
    """
    return ratio(sum_of(satisfied, "satisfied"), sum_of(responses, "responses"), "sum of responses")


def change(before: float, after: float) -> float:
    r"""Relative change of a KPI from its baseline (before the CRM) to after.

    .. math:: \frac{after - before}{|before|}

    Dividing by the absolute baseline keeps the sign meaningful for a
    negative baseline (an NPS going from -10 to 5 is an improvement: +150 %).
    Native Excel formula: ``=(after-before)/ABS(before)``.

    >>> change(200, 250)  # 200 leads a month before, 250 after
    0.25
    >>> change(-10, 5)
    1.5
    """
    base = as_number(before, "before")
    return ratio(as_number(after, "after") - base, abs(base), "before (the baseline)")
