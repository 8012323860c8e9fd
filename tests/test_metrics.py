"""Tests of :mod:`crmroi_xl.finance.metrics`.

Every expected value names where it comes from: numpy-financial, Microsoft's
published examples of Excel's NPV, XNPV, IRR and XIRR, the seed articles
(``seeds/``, French) or a hand calculation. An independent solver (bisection
on a plain Python NPV, written below) checks IRRs that numpy-financial cannot
reach. Hypothesis checks the invariants.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from crmroi_xl.errors import (
    CalcError,
    CrmRoiError,
    DivisionByZeroError,
    InputError,
    NoSolutionError,
)
from crmroi_xl.finance.metrics import (
    as_number,
    as_numbers,
    bcr,
    cac,
    clv,
    irr,
    npv,
    payback,
    roas,
    roi,
    to_serial,
)

# --------------------------------------------------------------------------- #
# Independent helpers: plain Python, no code shared with crmroi_xl.finance.metrics.
# --------------------------------------------------------------------------- #


def npv_by_hand(rate: float, flows: Sequence[float], times: Sequence[float] | None = None) -> float:
    """sum(cf_t / (1 + rate) ** t), the textbook formula, term by term."""
    ts = range(len(flows)) if times is None else times
    return math.fsum(cf / (1.0 + rate) ** t for cf, t in zip(flows, ts, strict=True))


def bisect_irr(flows: Sequence[float], lo: float, hi: float) -> float:
    """Root of npv_by_hand in [lo, hi] by bisection (the NPV must change sign there)."""
    f_lo = npv_by_hand(lo, flows)
    assert f_lo * npv_by_hand(hi, flows) < 0, "the bracket must contain a sign change"
    for _ in range(300):
        mid = (lo + hi) / 2
        f_mid = npv_by_hand(mid, flows)
        if (f_mid < 0) == (f_lo < 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return (lo + hi) / 2


def plain_newton(flows: Sequence[float], guess: float = 0.1) -> float | None:
    """Newton's method within the limits Excel's IRR page states (from the
    guess, at most 20 tries, to 0.00001 %); None when it fails (leaves the
    domain or does not converge). The page does not name its method: this is a
    model of Excel, used to show which cases are hard for it, not an oracle."""
    rate = guess
    for _ in range(20):
        try:
            value = npv_by_hand(rate, flows)
            slope = math.fsum(-t * cf / (1.0 + rate) ** (t + 1) for t, cf in enumerate(flows))
        except OverflowError:
            return None
        if slope == 0:
            return None
        new_rate = rate - value / slope
        if not new_rate > -1:
            return None
        if abs(new_rate - rate) <= 1e-7 * max(1.0, abs(rate)):
            return new_rate
        rate = new_rate
    return None


def scale(flows: Sequence[float]) -> float:
    return math.fsum(abs(cf) for cf in flows)


def discounted_size(rate: float, flows: Sequence[float]) -> float:
    """The flows' scale at ``rate``: sum |cf_t| / (1 + rate) ** t.

    The yardstick for "NPV = 0 up to rounding": near -100 % the discounted
    terms dwarf the raw flows, and so does the NPV's rounding error.
    """
    return npv_by_hand(rate, [abs(cf) for cf in flows])


# --------------------------------------------------------------------------- #
# ROI, ROAS, CAC
# --------------------------------------------------------------------------- #

# Seed 000: "cinq ventes supplémentaires par mois" at 1 000 EUR = 60 000 EUR a year.
SEED_000_MONTHLY_BENEFITS = [5 * 1_000] * 12


@pytest.mark.parametrize(
    ("benefits", "costs", "expected"),
    [
        # seed 002: 200 000 EUR of benefits, 50 000 EUR of costs -> ROI 300 %
        pytest.param(200_000, 50_000, 3.0, id="seed-002-roi-300-percent"),
        # seed 000: 12 months of 5 sales x 1 000 EUR = 60 000 EUR; against
        # 60 000 EUR of costs it breaks even, against 15 000 EUR it is 300 %
        pytest.param(SEED_000_MONTHLY_BENEFITS, 60_000, 0.0, id="seed-000-60k-break-even"),
        pytest.param(SEED_000_MONTHLY_BENEFITS, 15_000, 3.0, id="seed-000-60k-on-15k"),
        # hand: (120 000 - 54 000) / 54 000 = 11/9
        pytest.param([60_000, 60_000], [30_000, 12_000, 12_000], 11 / 9, id="hand-11-ninths"),
        # hand: (30 000 - 50 000) / 50 000 = -40 %
        pytest.param(30_000, 50_000, -0.4, id="hand-loss-minus-40-percent"),
        # hand: nested ranges and numpy arrays are summed like Excel ranges
        pytest.param(np.array([[100_000], [100_000]]), [[25_000], [25_000]], 3.0, id="hand-2d"),
    ],
)
def test_roi_table(benefits: Any, costs: Any, expected: float) -> None:
    assert roi(benefits, costs) == pytest.approx(expected, rel=1e-15, abs=1e-15)


def test_seed_000_five_sales_a_month_is_60k_a_year() -> None:
    # seed 000: "le CRM pourrait donc vous apporter 60 000 € supplémentaires sur une année"
    assert math.fsum(as_numbers(SEED_000_MONTHLY_BENEFITS, "benefits")) == 60_000


@pytest.mark.parametrize(
    ("revenue", "ad_spend", "expected"),
    [
        pytest.param(20_000, 5_000, 4.0, id="hand-20k-on-5k"),
        # seed 000 revenue (60 000 EUR a year) on 12 months of 1 250 EUR of ads
        pytest.param(SEED_000_MONTHLY_BENEFITS, [1_250] * 12, 4.0, id="seed-000-monthly"),
        pytest.param(0, 5_000, 0.0, id="hand-no-revenue"),
    ],
)
def test_roas_table(revenue: Any, ad_spend: Any, expected: float) -> None:
    assert roas(revenue, ad_spend) == expected


@pytest.mark.parametrize(
    ("spend", "customers", "expected"),
    [
        pytest.param(12_000, 40, 300.0, id="hand-12k-40-customers"),
        pytest.param([4_000, 4_000, 4_000], [10, 12, 18], 300.0, id="hand-quarterly-ranges"),
        pytest.param(1_000, 3, 1_000 / 3, id="hand-thirds"),
    ],
)
def test_cac_table(spend: Any, customers: Any, expected: float) -> None:
    assert cac(spend, customers) == expected


# --------------------------------------------------------------------------- #
# NPV and IRR against numpy-financial on realistic CRM flows
# --------------------------------------------------------------------------- #

CRM_FLOWS = {
    # 50 000 EUR up front, 25 000 EUR a year for three years (small business)
    "smb-3y": [-50_000, 25_000, 25_000, 25_000],
    # mid-market: implementation + licences, benefits ramping up over 5 years
    "mid-market-5y": [-150_000, 20_000, 60_000, 90_000, 100_000, 100_000],
    # SaaS CRM by the month: 24 000 EUR set-up, 1 500 EUR net a month for 2 years
    "saas-monthly-24m": [-24_000] + [1_500] * 24,
    # enterprise: a paid upgrade in year 3 (three sign changes, one real IRR)
    "enterprise-upgrade": [-400_000, 150_000, 180_000, -50_000, 220_000, 240_000],
    # a project that never pays back: negative IRR
    "losing": [-200_000, 30_000, 40_000, 40_000],
    # benefits only from year 3 (adoption delay)
    "delayed-adoption": [-80_000, 0, 0, 60_000, 60_000],
}


@pytest.mark.parametrize("rate", [0.0, 0.008, 0.05, 0.1, 0.25, -0.2])
@pytest.mark.parametrize("name", sorted(CRM_FLOWS))
def test_npv_matches_numpy_financial(name: str, rate: float) -> None:
    # numpy-financial's npv also starts at period 0 (undiscounted first flow)
    flows = CRM_FLOWS[name]
    assert npv(rate, flows) == pytest.approx(npf.npv(rate, flows), rel=1e-12, abs=1e-6)


@pytest.mark.parametrize("name", sorted(CRM_FLOWS))
def test_irr_matches_numpy_financial(name: str) -> None:
    flows = CRM_FLOWS[name]
    expected = float(npf.irr(flows))  # numpy-financial: roots of the polynomial
    assert irr(flows) == pytest.approx(expected, rel=1e-10, abs=1e-12)


def test_enterprise_upgrade_has_a_single_real_irr() -> None:
    # Premise of the table above: with 1 / (1 + r) = x, the NPV is a polynomial
    # in x with exactly one positive real root (numpy.roots), so the IRR is unique.
    coefficients = CRM_FLOWS["enterprise-upgrade"][::-1]
    roots = np.roots(coefficients)
    positive = [z.real for z in roots if abs(z.imag) < 1e-12 and z.real > 0]
    assert len(positive) == 1
    assert irr(CRM_FLOWS["enterprise-upgrade"]) == pytest.approx(1 / positive[0] - 1, rel=1e-10)


# --------------------------------------------------------------------------- #
# Microsoft's published examples (Excel support pages)
# --------------------------------------------------------------------------- #

# XNPV / XIRR example data (both pages use the same table).
MS_X_FLOWS = [-10_000, 2_750, 4_250, 3_250, 2_750]
MS_X_DATES = [
    dt.date(2008, 1, 1),
    dt.date(2008, 3, 1),
    dt.date(2008, 10, 30),
    dt.date(2009, 2, 15),
    dt.date(2009, 4, 1),
]
# IRR example data: initial cost, then five years of net income.
MS_IRR_FLOWS = [-70_000, 12_000, 15_000, 18_000, 21_000, 26_000]


def test_excel_npv_example_1() -> None:
    # Excel NPV page, example 1: 10 %, -10 000 paid one year from today, then
    # 3 000, 4 200, 6 800 -> 1 188.44. Excel's NPV discounts its first value,
    # so with our period-0 convention a 0 comes first. (The search tool did not
    # find that page; the figure is checked here by the hand formula.)
    by_hand = -10_000 / 1.1 + 3_000 / 1.1**2 + 4_200 / 1.1**3 + 6_800 / 1.1**4
    assert by_hand == pytest.approx(1_188.44, abs=0.005)
    assert npv(0.1, [0, -10_000, 3_000, 4_200, 6_800]) == pytest.approx(by_hand, rel=1e-13)


@pytest.mark.parametrize(
    ("flows", "published"),
    [
        # Excel NPV page, example 2: 8 %, 40 000 invested today, five years of
        # income -> 1 922.06; with a 9 000 loss in year 6 -> -3 749.47.
        # (Page not found by the search tool; numpy-financial gives 1922.0616
        # and -3749.4651, checked below.)
        pytest.param([-40_000, 8_000, 9_200, 10_000, 12_000, 14_500], 1_922.06, id="5-years"),
        pytest.param(
            [-40_000, 8_000, 9_200, 10_000, 12_000, 14_500, -9_000], -3_749.47, id="6th-year-loss"
        ),
    ],
)
def test_excel_npv_example_2(flows: list[float], published: float) -> None:
    # Excel writes it =NPV(rate, later flows) + first flow: our convention exactly.
    assert npf.npv(0.08, flows) == pytest.approx(published, abs=0.005)
    assert npv(0.08, flows) == pytest.approx(published, abs=0.005)
    assert npv(0.08, flows) == pytest.approx(flows[0] + npv(0.08, [0, *flows[1:]]), rel=1e-13)


def test_excel_xnpv_example() -> None:
    # learn.microsoft.com, WorksheetFunction.Xnpv: "discounted at 9 percent
    # (2086.6476 or 2086.65)"; same data on the Excel XNPV support page.
    assert npv(0.09, MS_X_FLOWS, MS_X_DATES) == pytest.approx(2_086.6476, abs=5e-5)
    # hand formula: day counts 0, 60, 303, 411, 456 over 365-day years
    days = [0, 60, 303, 411, 456]
    by_hand = npv_by_hand(0.09, MS_X_FLOWS, [d / 365 for d in days])
    assert npv(0.09, MS_X_FLOWS, MS_X_DATES) == pytest.approx(by_hand, rel=1e-13)


def test_excel_xirr_example() -> None:
    # support.microsoft.com XIRR page: "0.373362535 or 37.34%"
    rate = irr(MS_X_FLOWS, MS_X_DATES)
    assert rate == pytest.approx(0.373362535, abs=5e-9)
    assert round(rate * 100, 2) == 37.34
    assert abs(npv(rate, MS_X_FLOWS, MS_X_DATES)) <= 1e-9 * scale(MS_X_FLOWS)


@pytest.mark.parametrize(
    ("flows", "guess", "published"),
    [
        # support.microsoft.com IRR page: "=IRR(A2:A6)" after four years -2.1 %
        pytest.param(MS_IRR_FLOWS[:5], 0.1, -0.021, id="4-years-minus-2.1"),
        # "=IRR(A2:A7)" after five years 8.7 %
        pytest.param(MS_IRR_FLOWS, 0.1, 0.087, id="5-years-8.7"),
        # "=IRR(A2:A4,-10%)" after two years, with a guess of -10 %: -44.4 %
        pytest.param(MS_IRR_FLOWS[:3], -0.1, -0.444, id="2-years-guess-minus-44.4"),
    ],
)
def test_excel_irr_examples(flows: list[float], guess: float, published: float) -> None:
    rate = irr(flows, guess=guess)
    assert round(rate, 3) == published
    assert rate == pytest.approx(float(npf.irr(flows)), rel=1e-10)  # numpy-financial


def test_excel_irr_example_needs_no_guess_here() -> None:
    # The IRR page: "to calculate the internal rate of return after two years,
    # you need to include a guess". Newton from 10 % jumps below -100 %; ours
    # falls back on a bracketed search and finds the same root without one.
    two_years = MS_IRR_FLOWS[:3]
    assert plain_newton(two_years) is None
    assert irr(two_years) == pytest.approx(irr(two_years, guess=-0.1), rel=1e-12)


def test_excel_serial_of_2008_01_01() -> None:
    # XIRR page: "January 1, 2008 is serial number 39448"
    assert to_serial(dt.date(2008, 1, 1)) == 39_448
    assert to_serial(dt.datetime(2008, 1, 1, 18, 0)) == 39_448.75


# --------------------------------------------------------------------------- #
# Dates: date, datetime and Excel serial numbers agree
# --------------------------------------------------------------------------- #

# 39 448 (XIRR page: 2008-01-01) + 0, 60, 303, 411, 456 days: the table's dates
MS_X_SERIALS = [39_448, 39_508, 39_751, 39_859, 39_904]

DATE_FORMS = {
    "date": MS_X_DATES,
    "datetime-midnight": [dt.datetime(d.year, d.month, d.day) for d in MS_X_DATES],
    "serial-int": MS_X_SERIALS,
    "serial-float": [float(s) for s in MS_X_SERIALS],
    "numpy-serials": np.array(MS_X_SERIALS),
    "mixed": [MS_X_DATES[0], dt.datetime(2008, 3, 1), 39_751, 39_859.0, MS_X_DATES[4]],
    # XNPV/XIRR ignore the time of day (Excel truncates dates to whole days)
    "datetime-with-time": [
        dt.datetime(d.year, d.month, d.day, hour)
        for d, hour in zip(MS_X_DATES, [23, 1, 12, 0, 18], strict=True)
    ],
    "serial-with-fraction": [
        s + f for s, f in zip(MS_X_SERIALS, [0.99, 0.01, 0.5, 0.0, 0.75], strict=True)
    ],
}


@pytest.mark.parametrize("form", sorted(DATE_FORMS))
def test_date_forms_give_the_same_xnpv_and_xirr(form: str) -> None:
    dates = DATE_FORMS[form]
    assert npv(0.09, MS_X_FLOWS, dates) == npv(0.09, MS_X_FLOWS, MS_X_DATES)
    assert irr(MS_X_FLOWS, dates) == irr(MS_X_FLOWS, MS_X_DATES)


def test_to_serial_forms() -> None:
    # 1900 date system: serial 45658 is 2025-01-01 (Excel's =DATE(2025,1,1))
    assert to_serial(dt.date(2025, 1, 1)) == 45_658
    assert to_serial(dt.datetime(2025, 1, 1, 12)) == 45_658.5
    assert to_serial(45_658) == 45_658.0
    with pytest.raises(InputError) as info:
        to_serial("2025-01-01")  # type: ignore[arg-type]
    assert info.value.excel_error == "#VALUE!"
    assert "dates" in str(info.value)


def test_dates_after_the_first_may_come_in_any_order() -> None:
    # Excel XNPV page: "All other dates must be later than this date, but they
    # may occur in any order."
    order = [0, 3, 1, 4, 2]
    flows = [MS_X_FLOWS[i] for i in order]
    dates = [MS_X_DATES[i] for i in order]
    assert npv(0.09, flows, dates) == pytest.approx(2_086.6476, abs=5e-5)
    assert irr(flows, dates) == pytest.approx(0.373362535, abs=5e-9)


def test_yearly_dates_without_leap_day_equal_periodic_npv() -> None:
    # hand: 2021-01-01 .. 2024-01-01 are 365 days apart, so t = 0, 1, 2, 3 exactly
    dates = [dt.date(2021 + k, 1, 1) for k in range(4)]
    flows = CRM_FLOWS["smb-3y"]
    assert npv(0.1, flows, dates) == pytest.approx(npv(0.1, flows), rel=1e-14)


def test_leap_year_counts_366_days_over_365() -> None:
    # hand: 2024-01-01 -> 2025-01-01 is 366 days: t = 366/365, not 1
    flows = [-1_000, 1_100]
    dates = [dt.date(2024, 1, 1), dt.date(2025, 1, 1)]
    assert npv(0.1, flows, dates) == pytest.approx(-1_000 + 1_100 / 1.1 ** (366 / 365), rel=1e-14)
    # XIRR: 1.1 ** (365/366) - 1
    assert irr(flows, dates) == pytest.approx(1.1 ** (365 / 366) - 1, rel=1e-12)


# --------------------------------------------------------------------------- #
# Payback
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("flows", "rate", "expected"),
    [
        # DESIGN.md: -100, 30, 40, 50 -> 2.6
        pytest.param([-100, 30, 40, 50], None, 2.6, id="design-2.6"),
        # hand: recovered exactly at the end of period 1
        pytest.param([-100, 100], None, 1.0, id="hand-exactly-1"),
        # hand: 24 000 EUR set-up, 1 500 EUR a month -> 16 months
        pytest.param(CRM_FLOWS["saas-monthly-24m"], None, 16.0, id="hand-16-months"),
        # hand: a zero year changes nothing, -100 + 0 + 0 + 200: 2 + 100/200
        pytest.param([-100, 0, 0, 200], None, 2.5, id="hand-gap-years"),
        # hand: no set-up fee, a first year that costs more than it brings:
        # cumulative 0, -100, -40, +20 -> 2 + 40/60
        pytest.param([0, -100, 60, 60], None, 2 + 40 / 60, id="hand-no-setup-fee"),
        # hand: positive first, then below zero: cumulative 5, -5, 15 -> 1 + 5/20
        # (the first negative-to-non-negative crossing, as the Excel row does)
        pytest.param([5, -10, 20], None, 1.25, id="hand-dip-then-recover"),
        # hand: the cumulative is never negative: nothing to pay back
        pytest.param([0, 10, 20], None, 0.0, id="hand-never-negative"),
        pytest.param([0], None, 0.0, id="hand-single-zero"),
        # hand: first crossing counts, even if a later year dips again:
        # cumulative -100, 50, -50, 50 -> 0 + 100/150
        pytest.param([-100, 150, -100, 100], None, 100 / 150, id="hand-first-crossing"),
        # hand, discounted at 10 %: cumulative -72.73, -39.67, -2.10 then
        # +60/1.1**4 = 40.98, so 3 + 2.1037/40.98
        pytest.param(
            [-100, 30, 40, 50, 60],
            0.1,
            3 + (100 - 30 / 1.1 - 40 / 1.1**2 - 50 / 1.1**3) / (60 / 1.1**4),
            id="hand-discounted-10-percent",
        ),
        # hand: a rate of 0 is the simple payback
        pytest.param([-100, 30, 40, 50], 0.0, 2.6, id="hand-rate-0"),
    ],
)
def test_payback_table(flows: list[float], rate: float | None, expected: float) -> None:
    assert payback(flows, rate) == pytest.approx(expected, rel=1e-12)


def test_payback_with_a_huge_rate_never_reaches_zero() -> None:
    # hand: at 10^200 % every later flow is worth 0 today
    with pytest.raises(NoSolutionError) as info:
        payback([-100, 30, 40, 50], rate=1e200)
    assert info.value.excel_error == "#N/A"


# --------------------------------------------------------------------------- #
# CLV
# --------------------------------------------------------------------------- #


def clv_by_hand(margin: float, retention: float, discount: float, periods: int) -> float:
    """DESIGN.md: sum over t = 1..T of m * r^(t-1) / (1 + d)^t, term by term."""
    return math.fsum(
        margin * retention ** (t - 1) / (1 + discount) ** t for t in range(1, periods + 1)
    )


@pytest.mark.parametrize(
    ("margin", "retention", "discount", "periods", "expected"),
    [
        # hand: 1 200 / (1 + 0.1 - 0.8) = 4 000
        pytest.param(1_200, 0.8, 0.1, None, 4_000.0, id="hand-infinite-4000"),
        # hand: 1 200/1.1 + 960/1.21 + 768/1.331 = 2 461.31
        pytest.param(1_200, 0.8, 0.1, 3, clv_by_hand(1_200, 0.8, 0.1, 3), id="hand-3-periods"),
        pytest.param(1_200, 0.8, 0.1, 10, clv_by_hand(1_200, 0.8, 0.1, 10), id="hand-10-periods"),
        # hand: no discounting, 50 % kept: 100 * (1 + 0.5 + 0.25)
        pytest.param(100, 0.5, 0.0, 3, 175.0, id="hand-halving"),
        # hand: retention 1, no discount: 10 periods of 100
        pytest.param(100, 1.0, 0.0, 10, 1_000.0, id="hand-r-equals-1-plus-d"),
        # hand: retention 1 with periods and a negative rate: r = 1 + d never
        # happens here, the closed form with r/(1+d) = 1/0.9 applies
        pytest.param(100, 1.0, -0.1, 3, clv_by_hand(100, 1.0, -0.1, 3), id="hand-negative-d"),
        pytest.param(100, 0.5, 0.0, 0, 0.0, id="hand-0-periods"),
        # hand: no retention: one period of margin, discounted once
        pytest.param(1_100, 0.0, 0.1, None, 1_000.0, id="hand-no-retention"),
        # hand: margins are summed like a range
        pytest.param([700, 500], 0.8, 0.1, None, 4_000.0, id="hand-summed-margin"),
    ],
)
def test_clv_table(
    margin: Any, retention: float, discount: float, periods: int | None, expected: float
) -> None:
    assert clv(margin, retention, discount, periods) == pytest.approx(expected, rel=1e-12)


def test_clv_docstring_figure() -> None:
    # hand: 1 090.909 + 793.388 + 577.010 = 2 461.31
    assert round(clv(1_200, 0.8, 0.1, periods=3), 2) == 2_461.31


# --------------------------------------------------------------------------- #
# Errors: class, Excel code, and a message naming the argument
# --------------------------------------------------------------------------- #

ERROR_CASES: list[Any] = [
    # (call, exception class, Excel error, word the message must contain)
    pytest.param(lambda: roi(100, [50, -50]), DivisionByZeroError, "#DIV/0!", "costs", id="roi-0"),
    pytest.param(lambda: bcr(100, [0]), DivisionByZeroError, "#DIV/0!", "costs", id="bcr-0"),
    pytest.param(lambda: bcr(1, "abc"), InputError, "#VALUE!", "costs", id="bcr-text"),
    pytest.param(lambda: roi("abc", 1), InputError, "#VALUE!", "benefits", id="roi-text"),
    pytest.param(lambda: roi([1, None], 1), InputError, "#VALUE!", "benefits", id="roi-none"),
    pytest.param(lambda: roi(1, [True]), InputError, "#VALUE!", "costs", id="roi-bool"),
    pytest.param(lambda: roas(1, 0), DivisionByZeroError, "#DIV/0!", "ad_spend", id="roas-0"),
    # an empty range sums to 0, as in Excel
    pytest.param(lambda: roas(1, []), DivisionByZeroError, "#DIV/0!", "ad_spend", id="roas-[]"),
    pytest.param(lambda: cac(1, [0]), DivisionByZeroError, "#DIV/0!", "new_customers", id="cac-0"),
    pytest.param(lambda: cac("x", 1), InputError, "#VALUE!", "acquisition_spend", id="cac-text"),
    # NPV
    pytest.param(lambda: npv(0.1, []), InputError, "#VALUE!", "cash_flows", id="npv-empty"),
    pytest.param(lambda: npv(0.1, [1, "x"]), InputError, "#VALUE!", "cash_flows", id="npv-text"),
    pytest.param(lambda: npv(0.1, "12"), InputError, "#VALUE!", "cash_flows", id="npv-str"),
    pytest.param(
        lambda: npv(0.1, [1, math.nan]), InputError, "#VALUE!", "cash_flows", id="npv-nan"
    ),
    pytest.param(
        lambda: npv(0.1, [1, math.inf]), InputError, "#VALUE!", "cash_flows", id="npv-inf"
    ),
    pytest.param(lambda: npv(math.nan, [1]), InputError, "#VALUE!", "rate", id="npv-rate-nan"),
    pytest.param(lambda: npv("10%", [1]), InputError, "#VALUE!", "rate", id="npv-rate-text"),
    pytest.param(lambda: npv(-1, [1, 2]), InputError, "#NUM!", "rate", id="npv-rate--100%"),
    pytest.param(lambda: npv(-1.5, [1, 2]), InputError, "#NUM!", "rate", id="npv-rate-below"),
    pytest.param(
        lambda: npv(0.1, [1, 2, 3], MS_X_DATES[:2]), InputError, "#NUM!", "dates", id="npv-dates-n"
    ),
    pytest.param(
        lambda: npv(0.1, [1, 2], [45_658, 45_657]), InputError, "#NUM!", "dates", id="npv-before"
    ),
    pytest.param(
        lambda: npv(0.1, [1, 2], [45_658, "2025-02-01"]),
        InputError,
        "#VALUE!",
        "dates",
        id="npv-date-text",
    ),
    # overflow: -99 % over 999 periods is 100 ** 999
    pytest.param(
        lambda: npv(-0.99, [-1e6] + [1_500] * 999), CalcError, "#NUM!", "rate", id="npv-overflow"
    ),
    # IRR
    pytest.param(lambda: irr([]), InputError, "#VALUE!", "cash_flows", id="irr-empty"),
    pytest.param(
        lambda: irr([100, 200, 300]), NoSolutionError, "#NUM!", "cash_flows", id="irr-all-positive"
    ),
    pytest.param(
        lambda: irr([-100, -200]), NoSolutionError, "#NUM!", "cash_flows", id="irr-all-negative"
    ),
    pytest.param(lambda: irr([0, 0]), NoSolutionError, "#NUM!", "cash_flows", id="irr-zeros"),
    # hand: 1 - x + x^2 > 0 for every x, so no rate gives a zero NPV
    pytest.param(lambda: irr([1, -1, 1]), NoSolutionError, "#NUM!", "cash_flows", id="irr-no-root"),
    pytest.param(lambda: irr([-1, "2"]), InputError, "#VALUE!", "cash_flows", id="irr-text"),
    pytest.param(
        lambda: irr([-1, 2], guess=-1), InputError, "#NUM!", "guess", id="irr-guess--100%"
    ),
    pytest.param(lambda: irr([-1, 2], [45_658]), InputError, "#NUM!", "dates", id="irr-dates-n"),
    pytest.param(
        lambda: irr([-1, 2], [45_658, 45_000]), InputError, "#NUM!", "dates", id="irr-before"
    ),
    # payback
    pytest.param(lambda: payback([]), InputError, "#VALUE!", "cash_flows", id="payback-empty"),
    pytest.param(
        lambda: payback([-100, 30, 40]), NoSolutionError, "#N/A", "cash_flows", id="payback-never"
    ),
    # costs only, no set-up fee: the cumulative 0, -10, -20 never comes back
    pytest.param(
        lambda: payback([0, -10, -10]), NoSolutionError, "#N/A", "cash_flows", id="payback-costs"
    ),
    # positive first, then below zero for good: 10, -10
    pytest.param(
        lambda: payback([10, -20]), NoSolutionError, "#N/A", "cash_flows", id="payback-dip"
    ),
    # DESIGN.md's flows never pay back once discounted at 10 % (cumulative -2.10)
    pytest.param(
        lambda: payback([-100, 30, 40, 50], 0.1),
        NoSolutionError,
        "#N/A",
        "cash_flows",
        id="payback-discounted-never",
    ),
    pytest.param(
        lambda: payback([-100, 30], rate=-1), InputError, "#NUM!", "rate", id="payback-rate"
    ),
    pytest.param(
        lambda: payback([-100] + [1] * 100, rate=-0.999999),
        CalcError,
        "#NUM!",
        "rate",
        id="payback-overflow",
    ),
    pytest.param(
        lambda: payback([-100, math.nan]), InputError, "#VALUE!", "cash_flows", id="payback-nan"
    ),
    # CLV
    pytest.param(
        lambda: clv(100, 1.0, 0.0), DivisionByZeroError, "#DIV/0!", "retention_rate", id="clv-0"
    ),
    pytest.param(
        lambda: clv(100, 1.0, -0.1),
        NoSolutionError,
        "#NUM!",
        "retention_rate",
        id="clv-divergent",
    ),
    pytest.param(
        lambda: clv(100, 1.5), InputError, "#NUM!", "retention_rate", id="clv-retention>1"
    ),
    pytest.param(
        lambda: clv(100, -0.1), InputError, "#NUM!", "retention_rate", id="clv-retention<0"
    ),
    pytest.param(
        lambda: clv(100, 0.8, -1), InputError, "#NUM!", "discount_rate", id="clv-discount"
    ),
    pytest.param(
        lambda: clv(100, 0.8, 0.1, 2.5), InputError, "#NUM!", "periods", id="clv-periods-frac"
    ),
    pytest.param(
        lambda: clv(100, 0.8, 0.1, -1), InputError, "#NUM!", "periods", id="clv-periods-neg"
    ),
    pytest.param(lambda: clv("x", 0.8), InputError, "#VALUE!", "margin", id="clv-margin-text"),
    # r / (1 + d) = 2 over 2 000 periods: 2 ** 2000 overflows
    pytest.param(
        lambda: clv(100, 1.0, -0.5, 2_000), CalcError, "#NUM!", "periods", id="clv-overflow"
    ),
    # sums beyond the largest float
    pytest.param(
        lambda: roi([1e308, 1e308], 1), CalcError, "#NUM!", "benefits", id="roi-sum-overflow"
    ),
    pytest.param(lambda: roi(1e308, 1e-10), CalcError, "#NUM!", "costs", id="roi-overflow"),
]


@pytest.mark.parametrize(("call", "error", "excel_error", "word"), ERROR_CASES)
def test_errors(
    call: Callable[[], object], error: type[CrmRoiError], excel_error: str, word: str
) -> None:
    with pytest.raises(error) as info:
        call()
    assert info.value.excel_error == excel_error
    assert word in str(info.value)
    assert isinstance(info.value, CrmRoiError)


def test_error_family_is_also_the_builtin_one() -> None:
    # Callers catching ValueError / ZeroDivisionError still catch ours.
    with pytest.raises(ZeroDivisionError):
        roi(1, 0)
    with pytest.raises(ValueError, match="cash_flows"):
        npv(0.1, ["x"])


def test_as_number_rejects_what_excel_would_not_sum() -> None:
    assert as_number(np.float64(2.5), "x") == 2.5
    assert as_number(np.int64(3), "x") == 3.0
    for bad in (True, None, "1", math.nan, -math.inf, 1j):
        with pytest.raises(InputError, match=r"^x: "):
            as_number(bad, "x")


# --------------------------------------------------------------------------- #
# IRR where Excel's Newton from 10 % fails or needs a guess
# --------------------------------------------------------------------------- #

LONG_SERIES = [-1e6] + [1_500] * 999  # the benchmark series


@pytest.mark.parametrize(
    ("flows", "bracket", "newton_fails"),
    [
        # very high IRR, 99 999 900 %: bisection on [10^5, 10^7]
        pytest.param([-1, 1e6], (1e5, 1e7), True, id="very-high-1e6"),
        # high IRR, 9 900 %: plain Newton does converge, in about 12 steps
        pytest.param([-1, 100], (50.0, 150.0), False, id="high-99"),
        # very negative IRR, -99 %: Newton from 10 % jumps below -100 %
        pytest.param([-100, 1], (-0.999, -0.9), True, id="minus-99-percent"),
        # -99.9999 %
        pytest.param([-100, 1e-4], (-0.9999999, -0.9999), True, id="minus-99.9999-percent"),
        # 1 000 periods, IRR about 0.09 % per period
        pytest.param(LONG_SERIES, (0.0, 0.01), True, id="long-1000"),
        # a single inflow 51 periods later
        pytest.param([-100] + [0] * 50 + [1_000], (0.0, 0.1), False, id="late-inflow"),
        # several sign changes, one real root: 50 (x - 2)(x^2 + 1), x = 1/(1+r) = 2
        pytest.param([-100, 50, -100, 50], (-0.6, -0.4), True, id="signs-one-root-minus-50"),
        # Microsoft's IRR example over two years (-44.4 % with a -10 % guess)
        pytest.param(MS_IRR_FLOWS[:3], (-0.5, -0.4), True, id="ms-two-years"),
    ],
)
def test_irr_hard_cases(
    flows: list[float], bracket: tuple[float, float], newton_fails: bool
) -> None:
    assert (plain_newton(flows) is None) is newton_fails  # how hard the case is for Excel
    expected = bisect_irr(flows, *bracket)  # independent: unique root in the bracket
    rate = irr(flows)
    assert rate == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert abs(npv(rate, flows)) <= 1e-9 * discounted_size(rate, flows)


@pytest.mark.parametrize(
    ("flows", "bracket"),
    [
        # Found by hypothesis: roots between -99.7 % and -99.999999 %, where
        # 1 + r keeps few significant digits and the NPV is very steep.
        pytest.param([-1_000, -606, 2], (-0.999, -0.99), id="minus-99.67"),
        pytest.param([-1_000, 0, -441, 1], (-0.999, -0.99), id="minus-99.77"),
        # below the old grid's floor of -99.99 %: x^2 - 10 000x - 1 000 = 0
        pytest.param([-1_000, -10_000, 1], (-0.99999, -0.9999), id="minus-99.990001"),
        pytest.param([2_199_247.0, -0.03125], (-1 + 1e-9, -1 + 1e-6), id="minus-99.9999986"),
        pytest.param([0, 0, 0, 0, 169_682_777, -1], (-1 + 1e-9, -1 + 1e-6), id="minus-99.9999994"),
    ],
)
def test_irr_next_to_minus_100_percent(flows: list[float], bracket: tuple[float, float]) -> None:
    assert plain_newton(flows) is None
    rate = irr(flows)
    # independent: bisection agrees to the last bits of the float
    assert rate == pytest.approx(bisect_irr(flows, *bracket), rel=0, abs=4 * math.ulp(1.0))
    # and the hand-computed NPV changes sign within a few floats of the result
    step = 4 * math.ulp(rate)
    assert npv_by_hand(rate - step, flows) * npv_by_hand(rate + step, flows) <= 0


def test_irr_long_series_matches_numpy_financial() -> None:
    # 120 monthly periods (numpy-financial's polynomial solver is slow beyond that)
    flows = [-100_000] + [1_500] * 119 + [20_000]
    assert irr(flows) == pytest.approx(float(npf.irr(flows)), rel=1e-9)


@pytest.mark.parametrize(
    ("guess", "expected"),
    [
        # hand: with x = 1/(1+r), -100 + 230x - 132x^2 = -(11x - 10)(12x - 10):
        # roots x = 10/11 and 5/6, that is r = 10 % and r = 20 %
        pytest.param(0.1, 0.1, id="guess-10-gives-10"),
        pytest.param(0.0, 0.1, id="guess-0-gives-10"),
        pytest.param(0.25, 0.2, id="guess-25-gives-20"),
        pytest.param(0.5, 0.2, id="guess-50-gives-20"),
    ],
)
def test_irr_two_roots_follow_the_guess(guess: float, expected: float) -> None:
    flows = [-100, 230, -132]
    assert npv_by_hand(0.1, flows) == pytest.approx(0, abs=1e-12)  # both roots, by hand
    assert npv_by_hand(0.2, flows) == pytest.approx(0, abs=1e-12)
    assert irr(flows, guess=guess) == pytest.approx(expected, rel=1e-12)


def test_irr_three_roots_returns_a_root_and_follows_the_guess() -> None:
    flows = [-1_000, 3_000, -2_500, 600]
    # numpy.roots on the polynomial in x = 1/(1+r): three real roots
    roots = sorted(1 / z.real - 1 for z in np.roots(flows[::-1]) if abs(z.imag) < 1e-12)
    assert len(roots) == 3
    rate = irr(flows)
    assert min(abs(rate - root) for root in roots) < 1e-10
    assert abs(npv(rate, flows)) <= 1e-9 * discounted_size(rate, flows)
    for root in roots:  # a guess next to a root returns that root
        assert irr(flows, guess=root + 0.01) == pytest.approx(root, rel=1e-9)


def test_irr_of_zero_at_period_0_is_allowed() -> None:
    # hand: 0, -100, 110 -> 10 % (the 0 only shifts the timeline)
    assert irr([0, -100, 110]) == pytest.approx(0.1, rel=1e-12)


# --------------------------------------------------------------------------- #
# Properties (hypothesis)
# --------------------------------------------------------------------------- #

EUROS = st.integers(min_value=-500_000, max_value=500_000)
INVESTMENT = st.integers(min_value=-1_000_000, max_value=-1_000)

# Flows whose first value is negative and whose last non-zero value is positive:
# the NPV changes sign between -100 % and +inf, so an IRR exists.
invest_then_earn = st.builds(
    lambda first, middle, last: [first, *middle, last],
    INVESTMENT,
    st.lists(EUROS, max_size=28),
    st.integers(min_value=1, max_value=500_000),
)


def sign_changes(flows: Sequence[float]) -> int:
    signs = [cf > 0 for cf in flows if cf != 0]
    return sum(a != b for a, b in itertools.pairwise(signs))


@settings(max_examples=150, deadline=None)
@given(invest_then_earn)
def test_npv_at_irr_is_zero(flows: list[int]) -> None:
    rate = irr(flows)
    assert abs(npv(rate, flows)) <= 1e-9 * discounted_size(rate, flows)
    if sign_changes(flows) == 1:  # Descartes: a single IRR; bisection must agree
        expected = bisect_irr(flows, -1 + 1e-9, 1e9)
        assert math.isclose(rate, expected, rel_tol=1e-7, abs_tol=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.lists(EUROS, min_size=1, max_size=30))
def test_irr_exists_or_says_num(flows: list[int]) -> None:
    try:
        rate = irr(flows)
    except NoSolutionError as error:
        assert error.excel_error == "#NUM!"
        # no sign change at all, or a root the NPV only touches or none exists:
        # at least no grid rate between -99 % and 10 000 % shows a sign change
        grid = [-0.99, -0.9, -0.5, -0.2, 0.0, 0.1, 0.3, 1.0, 3.0, 10.0, 100.0]
        values = [npv_by_hand(r, flows) for r in grid]
        assert not any(a * b < 0 for a, b in itertools.pairwise(values))
    else:
        assert abs(npv(rate, flows)) <= 1e-9 * discounted_size(rate, flows)


@settings(max_examples=100, deadline=None)
@given(invest_then_earn)
def test_irr_ignores_the_sign_convention(flows: list[int]) -> None:
    # the lender's view (all signs reversed) has the same IRR
    assert irr([-cf for cf in flows]) == pytest.approx(irr(flows), rel=1e-9, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(invest_then_earn)
def test_irr_of_time_reversed_flows(flows: list[int]) -> None:
    # sum cf_t x^t = 0 with x = 1/(1+r) reversed in time gives 1/x: r' = -r/(1+r)
    assume(sign_changes(flows) == 1)
    rate = irr(flows)
    assume(rate < 1e6)  # 1 + r' would be below float resolution
    assert irr(flows[::-1]) == pytest.approx(-rate / (1 + rate), rel=1e-7, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(min_value=-1e7, max_value=1e7), min_size=1, max_size=40),
    st.floats(min_value=-0.5, max_value=2.0),
)
def test_npv_matches_numpy_financial_property(flows: list[float], rate: float) -> None:
    expected = float(npf.npv(rate, flows))
    # rounding grows with the discounted terms, not with their (cancelling) sum
    magnitude = npv_by_hand(rate, [abs(cf) for cf in flows])
    assert npv(rate, flows) == pytest.approx(expected, rel=1e-9, abs=1e-12 * magnitude)


@settings(max_examples=200, deadline=None)
@given(st.lists(EUROS, min_size=1, max_size=30))
def test_payback_exists_exactly_when_the_cumulative_flow_reaches_zero(flows: list[int]) -> None:
    # Whole euros: the cumulative sums are exact, so "reaches 0" is decidable.
    cumulative = [sum(flows[: k + 1]) for k in range(len(flows))]
    if min(cumulative) >= 0:  # never below zero: nothing to pay back
        assert payback(flows) == 0.0
        return
    # the first period that brings the cumulative from below zero to 0 or above
    back = [k for k in range(1, len(flows)) if cumulative[k - 1] < 0 <= cumulative[k]]
    if not back:
        with pytest.raises(NoSolutionError) as info:
            payback(flows)
        assert info.value.excel_error == "#N/A"
        return
    k = back[0]
    result = payback(flows)
    assert 0 <= result <= len(flows) - 1
    assert k - 1 < result <= k
    # the straight line from (k-1, C[k-1]) to (k, C[k]) crosses 0 at the result
    crossing = Fraction(k - 1) + Fraction(-cumulative[k - 1], flows[k])
    assert result == pytest.approx(float(crossing), rel=1e-15)


@settings(max_examples=200, deadline=None)
@given(INVESTMENT, st.lists(EUROS, max_size=20), st.floats(min_value=1e-4, max_value=0.5))
def test_discounted_payback_is_never_earlier(first: int, later: list[int], rate: float) -> None:
    # An investment first, so the cumulative is negative from period 0: then
    # (Abel summation) the discounted cumulative is below zero whenever the
    # simple one has been below zero throughout. (A positive first flow can
    # make the discounted payback earlier: [5, -10, 20] gives 1.25 simple,
    # 1.247 at 10 %, since the dip is discounted but the head start is not.)
    flows = [first, *later]
    try:
        discounted = payback(flows, rate)
    except NoSolutionError:
        return
    simple = payback(flows)  # must exist: discounting only delays the crossing
    assert discounted >= simple - 1e-9


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=12),
    st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=12),
)
def test_roi_has_the_sign_of_net_benefit(benefits: list[int], costs: list[int]) -> None:
    assume(sum(costs) > 0)
    net = sum(benefits) - sum(costs)  # exact: whole euros
    result = roi(benefits, costs)
    assert (result > 0) == (net > 0)
    assert (result == 0) == (net == 0)
    assert result == pytest.approx(net / sum(costs), rel=1e-15)
    assert bcr(benefits, costs) == pytest.approx(result + 1, rel=1e-12, abs=1e-12)  # BCR = ROI + 1


@settings(max_examples=100, deadline=None)
@given(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31)).filter(
        lambda d: not (d.month == 2 and d.day == 29)
    ),
    st.lists(EUROS, min_size=1, max_size=25),
    st.floats(min_value=-0.5, max_value=1.0),
)
def test_yearly_dated_npv_is_periodic_npv_up_to_leap_days(
    start: dt.date, flows: list[int], rate: float
) -> None:
    dates = [start.replace(year=start.year + k) for k in range(len(flows))]
    dated = npv(rate, flows, dates)
    periodic = npv(rate, flows)
    # Each year of 366 days counts 366/365: t_k = k + (leap days so far)/365.
    # By the mean value theorem each term moves by at most
    # |cf_k| * |ln(1+r)| * (t_k - k) * max((1+r)^-k, (1+r)^-t_k).
    bound = 0.0
    for k, (cf, day) in enumerate(zip(flows, dates, strict=True)):
        extra = ((day - start).days - 365 * k) / 365
        assert 0 <= extra <= (k // 4 + 1) / 365  # at most one leap day in four years
        factor = max((1 + rate) ** -k, (1 + rate) ** -(k + extra))
        bound += abs(cf) * abs(math.log1p(rate)) * extra * factor
    assert abs(dated - periodic) <= bound + 1e-9 * scale(flows) * max(1.0, (1 + rate) ** -25)


@settings(max_examples=100, deadline=None)
@given(
    st.floats(min_value=1.0, max_value=1e5),
    st.floats(min_value=0.0, max_value=0.97),
    st.floats(min_value=0.0, max_value=0.5),
    st.integers(min_value=0, max_value=60),
)
def test_clv_with_periods_tends_to_the_infinite_horizon(
    margin: float, retention: float, discount: float, periods: int
) -> None:
    infinite = clv(margin, retention, discount)
    finite = clv(margin, retention, discount, periods)
    assert finite == pytest.approx(clv_by_hand(margin, retention, discount, periods), rel=1e-9)
    assert 0 <= finite <= infinite * (1 + 1e-12)
    assert clv(margin, retention, discount, periods + 1) >= finite
    # the missing tail is exactly the infinite CLV times (r / (1 + d)) ** T
    tail = infinite * (retention / (1 + discount)) ** periods
    assert infinite - finite == pytest.approx(tail, rel=1e-6, abs=1e-9 * infinite)
    assert clv(margin, retention, discount, 2_000) == pytest.approx(infinite, rel=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.lists(EUROS, min_size=1, max_size=30))
def test_npv_at_zero_rate_is_the_plain_sum(flows: list[int]) -> None:
    assert npv(0, flows) == sum(flows)
