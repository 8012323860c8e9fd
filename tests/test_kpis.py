"""Tests of :mod:`crmroi_xl.finance.kpis`.

Expected values are hand-worked (the arithmetic is in the comment or id) or
come from the seed articles (``seeds/``, French): seed 002 defines the rates
("Nombre de leads convertis / Nombre total de leads", ...) and gives the
before/after changes, seed 000 the "60 ventes par an" at 1 000 EUR.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from crmroi_xl.errors import CrmRoiError, DivisionByZeroError, InputError
from crmroi_xl.finance.kpis import (
    average_deal_value,
    average_resolution_time,
    change,
    churn_rate,
    clv_cac_ratio,
    csat,
    customer_lifetime,
    lead_conversion_rate,
    nps,
    pipeline_velocity,
    response_rate,
    retention_rate,
    sales_cycle_length,
    win_rate,
)

KPI_CASES: list[Any] = [
    # (call, expected)
    # seed 002: converted leads / leads; hand: 45 / 600
    pytest.param(lambda: lead_conversion_rate(45, 600), 0.075, id="conversion-45-of-600"),
    # hand: three months summed, (10 + 15 + 20) / (3 x 200)
    pytest.param(
        lambda: lead_conversion_rate([10, 15, 20], [200, 200, 200]), 0.075, id="conversion-months"
    ),
    # seed 002: opportunities won / opportunities; hand: 30 / 120
    pytest.param(lambda: win_rate(30, 120), 0.25, id="win-30-of-120"),
    pytest.param(lambda: win_rate([12, 18], [50, 70]), 0.25, id="win-two-teams"),
    # hand: 1 000 at the start, 150 won, 950 at the end: (950 - 150) / 1 000
    pytest.param(lambda: retention_rate(950, 150, 1_000), 0.8, id="retention-80"),
    # hand: nobody kept: all 1 000 replaced by 1 000 new customers
    pytest.param(lambda: retention_rate(1_000, 1_000, 1_000), 0.0, id="retention-0"),
    # hand: 200 lost out of 1 000
    pytest.param(lambda: churn_rate(200, 1_000), 0.2, id="churn-20"),
    # hand: 1 / 0.2 = 5 periods; 1 / 0.25 = 4
    pytest.param(lambda: customer_lifetime(0.2), 5.0, id="lifetime-5"),
    pytest.param(lambda: customer_lifetime(0.25), 4.0, id="lifetime-4"),
    # hand: 4 000 / 300 = 40 / 3; 900 / 300 = 3, the usual "healthy" threshold
    pytest.param(lambda: clv_cac_ratio(4_000, 300), 40 / 3, id="clv-cac-13.3"),
    pytest.param(lambda: clv_cac_ratio(900, 300), 3.0, id="clv-cac-3"),
    # hand: 1 840 / 2 000
    pytest.param(lambda: response_rate(1_840, 2_000), 0.92, id="response-92"),
    # hand: 3 600 hours over 1 500 requests = 2.4 h
    pytest.param(lambda: average_resolution_time(3_600, 1_500), 2.4, id="resolution-2.4h"),
    # hand: 2 700 days over 60 deals = 45 days
    pytest.param(lambda: sales_cycle_length(2_700, 60), 45.0, id="cycle-45-days"),
    # seed 000: 60 extra sales a year bring 60 000 EUR -> 1 000 EUR a deal
    pytest.param(lambda: average_deal_value(60_000, 60), 1_000.0, id="seed-000-deal-1000"),
    # seed 000 by the month: 12 x 5 000 EUR over 12 x 5 sales
    pytest.param(
        lambda: average_deal_value([5_000] * 12, [5] * 12), 1_000.0, id="seed-000-monthly"
    ),
    # hand: 120 x 0.25 x 1 000 / 45 = 30 000 / 45 EUR a day
    pytest.param(lambda: pipeline_velocity(120, 0.25, 1_000, 45), 2_000 / 3, id="velocity"),
    # hand: 100 x (520 - 130) / 1 000 = 39 points
    pytest.param(lambda: nps(520, 130, 1_000), 39.0, id="nps-39"),
    pytest.param(lambda: nps(0, 100, 100), -100.0, id="nps-all-detractors"),
    pytest.param(lambda: nps(100, 0, 100), 100.0, id="nps-all-promoters"),
    # hand: 410 / 500
    pytest.param(lambda: csat(410, 500), 0.82, id="csat-82"),
    # hand: 200 -> 250 leads a month is +25 %
    pytest.param(lambda: change(200, 250), 0.25, id="change-plus-25"),
    # hand: NPS -10 -> 5 is +150 % (divided by |baseline|)
    pytest.param(lambda: change(-10, 5), 1.5, id="change-negative-baseline"),
    # seed 002: "augmentation de 15% de son taux de réussite": 20 % -> 23 %
    pytest.param(lambda: change(0.20, 0.23), 0.15, id="seed-002-win-rate-plus-15"),
    # seed 002: admin time cut by 30 %: 10 h -> 7 h a week
    pytest.param(lambda: change(10, 7), -0.3, id="seed-002-admin-minus-30"),
    # seed 002: "réduire le cycle de vente de 15%": 60 -> 51 days
    pytest.param(lambda: change(60, 51), -0.15, id="seed-002-cycle-minus-15"),
]


@pytest.mark.parametrize(("call", "expected"), KPI_CASES)
def test_kpi_table(call: Callable[[], float], expected: float) -> None:
    assert call() == pytest.approx(expected, rel=1e-12, abs=1e-15)


ERROR_CASES: list[Any] = [
    # (call, exception class, Excel error, word the message must contain)
    pytest.param(
        lambda: lead_conversion_rate(1, 0), DivisionByZeroError, "#DIV/0!", "leads", id="conv-0"
    ),
    pytest.param(
        lambda: lead_conversion_rate("45", 600),
        InputError,
        "#VALUE!",
        "converted_leads",
        id="conv-text",
    ),
    pytest.param(
        lambda: win_rate(1, [0, 0]), DivisionByZeroError, "#DIV/0!", "opportunities", id="win-0"
    ),
    pytest.param(lambda: win_rate(math.nan, 1), InputError, "#VALUE!", "won", id="win-nan"),
    pytest.param(
        lambda: retention_rate(1, 0, 0),
        DivisionByZeroError,
        "#DIV/0!",
        "customers_start",
        id="retention-0",
    ),
    pytest.param(
        lambda: retention_rate(1, None, 1), InputError, "#VALUE!", "new_customers", id="ret-none"
    ),
    pytest.param(
        lambda: churn_rate(1, 0), DivisionByZeroError, "#DIV/0!", "customers_start", id="churn-0"
    ),
    pytest.param(
        lambda: churn_rate("x", 1), InputError, "#VALUE!", "lost_customers", id="churn-text"
    ),
    pytest.param(
        lambda: customer_lifetime(0), DivisionByZeroError, "#DIV/0!", "churn", id="lifetime-0"
    ),
    pytest.param(
        lambda: customer_lifetime(-0.1), InputError, "#NUM!", "churn", id="lifetime-negative"
    ),
    pytest.param(
        lambda: customer_lifetime("20%"), InputError, "#VALUE!", "churn", id="lifetime-text"
    ),
    pytest.param(lambda: clv_cac_ratio(1, 0), DivisionByZeroError, "#DIV/0!", "cac", id="ratio-0"),
    pytest.param(lambda: clv_cac_ratio([1], 1), InputError, "#VALUE!", "clv", id="ratio-list"),
    pytest.param(
        lambda: response_rate(1, 0), DivisionByZeroError, "#DIV/0!", "requests", id="response-0"
    ),
    pytest.param(
        lambda: average_resolution_time(1, 0),
        DivisionByZeroError,
        "#DIV/0!",
        "resolved_requests",
        id="resolution-0",
    ),
    pytest.param(
        lambda: sales_cycle_length(1, 0),
        DivisionByZeroError,
        "#DIV/0!",
        "deals_closed",
        id="cycle-0",
    ),
    pytest.param(
        lambda: average_deal_value(1, 0), DivisionByZeroError, "#DIV/0!", "deals_won", id="deal-0"
    ),
    pytest.param(
        lambda: pipeline_velocity(1, 1, 1, 0),
        DivisionByZeroError,
        "#DIV/0!",
        "sales_cycle_length",
        id="velocity-0",
    ),
    pytest.param(
        lambda: pipeline_velocity("x", 1, 1, 1),
        InputError,
        "#VALUE!",
        "opportunities",
        id="velocity-text",
    ),
    pytest.param(
        lambda: pipeline_velocity(1, True, 1, 1), InputError, "#VALUE!", "win_rate", id="vel-bool"
    ),
    pytest.param(lambda: nps(1, 1, 0), DivisionByZeroError, "#DIV/0!", "respondents", id="nps-0"),
    pytest.param(lambda: nps(1, "x", 2), InputError, "#VALUE!", "detractors", id="nps-text"),
    pytest.param(lambda: csat(1, 0), DivisionByZeroError, "#DIV/0!", "responses", id="csat-0"),
    pytest.param(lambda: change(0, 5), DivisionByZeroError, "#DIV/0!", "before", id="change-0"),
    pytest.param(lambda: change(1, math.inf), InputError, "#VALUE!", "after", id="change-inf"),
]


@pytest.mark.parametrize(("call", "error", "excel_error", "word"), ERROR_CASES)
def test_kpi_errors(
    call: Callable[[], object], error: type[CrmRoiError], excel_error: str, word: str
) -> None:
    with pytest.raises(error) as info:
        call()
    assert info.value.excel_error == excel_error
    assert word in str(info.value)


# --------------------------------------------------------------------------- #
# Properties
# --------------------------------------------------------------------------- #

COUNTS = st.integers(min_value=0, max_value=10**6)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=10**6), COUNTS, COUNTS)
def test_retention_plus_churn_is_one(start: int, new: int, end: int) -> None:
    lost = start + new - end
    assume(lost >= 0)
    total = retention_rate(end, new, start) + churn_rate(lost, start)
    assert total == pytest.approx(1.0, rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=1e-6, max_value=1.0))
def test_customer_lifetime_times_churn_is_one(churn: float) -> None:
    assert customer_lifetime(churn) * churn == pytest.approx(1.0, rel=1e-15)


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: x != 0))
def test_change_of_x_to_x_is_zero(x: float) -> None:
    assert change(x, x) == 0.0


@settings(max_examples=200, deadline=None)
@given(
    st.floats(min_value=-1e9, max_value=1e9).filter(lambda x: abs(x) > 1e-9),
    st.floats(min_value=-1e9, max_value=1e9),
)
def test_change_has_the_sign_of_the_difference(before: float, after: float) -> None:
    result = change(before, after)
    assert (result > 0) == (after > before)
    assert (result < 0) == (after < before)


@settings(max_examples=200, deadline=None)
@given(COUNTS, COUNTS, st.integers(min_value=1, max_value=10**6))
def test_shares_stay_between_0_and_1(part: int, other: int, whole: int) -> None:
    assume(part <= whole)
    for share in (
        lead_conversion_rate(part, whole),
        win_rate(part, whole),
        response_rate(part, whole),
        csat(part, whole),
        churn_rate(part, whole),
    ):
        assert 0.0 <= share <= 1.0
    assume(part + other <= whole)
    assert -100.0 <= nps(part, other, whole) <= 100.0
