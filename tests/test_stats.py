"""stats.py: exact means, medians, SDs and percentages, rounded half away from zero; t quantiles
and Wilson intervals against published values."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connector_cli import stats

# t(0.975, df), two-sided 95%, from published t tables (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2)
PUBLISHED_T = {
    1: "12.706",
    2: "4.303",
    3: "3.182",
    4: "2.776",
    5: "2.571",
    6: "2.447",
    7: "2.365",
    8: "2.306",
    9: "2.262",
    10: "2.228",
    11: "2.201",
    12: "2.179",
    13: "2.160",
    14: "2.145",
    15: "2.131",
    16: "2.120",
    17: "2.110",
    18: "2.101",
    19: "2.093",
    20: "2.086",
    25: "2.060",
    30: "2.042",
    40: "2.021",
    50: "2.009",
    60: "2.000",
    100: "1.984",
}


@pytest.mark.parametrize("df, expected", PUBLISHED_T.items())
def test_t_quantiles_match_published_tables(df, expected):
    assert round(stats.t_quantile(0.975, df), 3) == float(expected)


@pytest.mark.parametrize(
    "df, expected", [(1, "12.7062"), (2, "4.3027"), (10, "2.2281"), (30, "2.0423")]
)
def test_t_quantiles_to_four_decimals(df, expected):
    assert f"{stats.t_quantile(0.975, df):.4f}" == expected


def test_t_quantile_agrees_with_scipy_to_1e_10_for_every_df():
    t = pytest.importorskip("scipy.stats").t
    for df in [*range(1, 301), 1000, 100_000]:
        assert stats.t_quantile(0.975, df) == pytest.approx(t.ppf(0.975, df), rel=1e-10)


def test_t_quantile_approaches_the_normal_point():
    assert stats.t_quantile(0.975, 10**7) == pytest.approx(1.959964, abs=1e-6)
    with pytest.raises(ValueError):
        stats.t_quantile(0.975, 0)


# --- Exact values landing on a half ------------------------------------------------------------


def test_rounding_is_half_away_from_zero_on_exact_halves():
    assert stats.rounded(Fraction(1235, 1000), 2) == Decimal("1.24")
    assert stats.rounded(Fraction(-1235, 1000), 2) == Decimal("-1.24")
    assert stats.rounded(Fraction(1225, 1000), 2) == Decimal("1.23")  # not to even
    assert stats.rounded(Fraction(625, 100), 1) == Decimal("6.3")
    assert stats.rounded(Fraction(-1, 1000), 2) == Decimal("0.00")  # never "-0.00"
    assert stats.rounded(Decimal("2.675"), 2) == Decimal("2.68")
    with pytest.raises(TypeError):
        stats.rounded(1.235, 2)


def test_the_mean_of_9_88_over_8_is_1_24_not_1_23():
    # Issue 19: SWEMWBS changes 0 (x7) and 16.88 - 7.00 = 9.88; 9.88 / 8 = 1.235 exactly.
    # Averaged in binary floating point it is 1.2349999... and was published as 1.23.
    changes = [16.88 - 7.00] + [0.0] * 7
    assert sum(changes) / 8 < 1.235  # the float route
    assert stats.mean(["9.88"] + [0] * 7) == Fraction(1235, 1000)
    assert stats.rounded(stats.mean([stats.exact(16.88) - stats.exact(7.0)] + [0] * 7), 2) == (
        Decimal("1.24")
    )


def test_a_median_on_a_half():
    # Even count: the mean of the middle two, (1.23 + 1.24) / 2 = 1.235 -> 1.24.
    assert stats.median(["1.24", "1.23", "9", "0"]) == Fraction(1235, 1000)
    assert stats.rounded(stats.median([1.23, 1.24]), 2) == Decimal("1.24")
    assert stats.median([3]) == 3 and stats.median([]) is None


def test_an_sd_on_a_half():
    # SWEMWBS changes 0, 0, 0, 2.51 (raw 8 = 9.51 against 7.00): mean 0.6275; the sum of
    # squared deviations is 2.51² x 3/4 = 4.725075; / 3 = 1.575025 = 1.255² -> SD 1.255 -> 1.26.
    # (A UCLA SD, from whole-number changes, cannot land on a half at 2 places with fewer than
    # 64 pairs: its variance has denominator n(n - 1), which would need 2^6 in it.)
    assert stats.sd(["0", "0", "0", "2.51"]) == Decimal("1.255")
    assert stats.rounded(stats.sd([0.0, 0.0, 0.0, 2.51]), 2) == Decimal("1.26")
    assert stats.sd([5]) is None  # a sample SD needs two values


def test_a_percentage_on_a_half():
    assert stats.percent(1, 16) == Fraction(625, 100)  # 6.25% -> 6.3
    assert stats.rounded(stats.percent(1, 16), 1) == Decimal("6.3")
    assert stats.rounded(stats.percent(135, 144), 1) == Decimal("93.8")  # 93.75
    assert stats.percent(0, 0) is None


def test_exact_refuses_a_float_with_more_than_two_decimals():
    assert stats.exact(16.88) == Fraction(1688, 100)
    with pytest.raises(ValueError):
        stats.exact(0.125)


@given(st.lists(st.integers(-3500, 3500), min_size=1, max_size=40))
def test_mean_of_hundredths_is_exact_and_rounds_like_decimal(hundredths):
    values = [Decimal(h).scaleb(-2) for h in hundredths]
    exact_mean = sum(values) / len(values)  # Decimal, 28 digits: exact enough to compare
    expected = exact_mean.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    if abs(exact_mean * 1000 % 10) != 5:  # 28-digit division cannot show an exact tie
        assert stats.rounded(stats.mean(values), 2) == expected
    total = sum(Fraction(h, 100) for h in hundredths)
    assert stats.mean(values) == total / len(hundredths)


# --- Intervals ---------------------------------------------------------------------------------


def test_wilson_interval_matches_published_examples():
    # Newcombe (1998), Table I: 81/263 -> 0.2553 to 0.3662; 15/148 -> 0.0624 to 0.1605;
    # 0/20 -> 0 to 0.1611; 1/29 -> 0.0061 to 0.1718. (0.1605 is 0.16049: 16.0%.)
    for part, whole, low, high in (
        (81, 263, "25.5", "36.6"),
        (15, 148, "6.2", "16.0"),
        (0, 20, "0.0", "16.1"),
        (1, 29, "0.6", "17.2"),
    ):
        lower, upper = stats.wilson_interval(part, whole)
        assert (stats.rounded(lower, 1), stats.rounded(upper, 1)) == (Decimal(low), Decimal(high))
    assert stats.wilson_interval(0, 0) is None


def test_wilson_interval_agrees_with_scipy():
    binomtest = pytest.importorskip("scipy.stats").binomtest
    for whole in (1, 2, 3, 7, 20, 263):
        for part in range(whole + 1):
            expected = binomtest(part, whole).proportion_ci(method="wilson")
            low, high = stats.wilson_interval(part, whole)
            assert float(low) == pytest.approx(100 * expected.low, abs=1e-4)
            assert float(high) == pytest.approx(100 * expected.high, abs=1e-4)


def test_mean_interval_uses_the_t_quantile():
    # 1, 2, 3, 4: mean 2.5, SD sqrt(5/3) = 1.29099; SE 0.645497; t(0.975, 3) = 3.182446;
    # half-width 2.054269 -> 0.445731 to 4.554269 -> 0.45 to 4.55.
    low, high = stats.mean_interval([1, 2, 3, 4])
    assert (stats.rounded(low, 2), stats.rounded(high, 2)) == (Decimal("0.45"), Decimal("4.55"))
    assert stats.mean_interval([7]) is None


# Scores as stored: whole UCLA/ONS4 points, SWEMWBS metric scores to 2 decimals, their changes.
SCORES = st.one_of(
    st.integers(min_value=-30, max_value=70),
    st.integers(min_value=700, max_value=3500).map(lambda h: h / 100),
    st.fractions(max_denominator=200),
)


@given(st.lists(SCORES, max_size=60))
def test_integer_arithmetic_gives_the_textbook_fractions(values):
    """mean, median and variance scale to integers for speed; the result is the same exact
    fraction as the textbook formulas over fractions."""
    exact = [stats.exact(v) for v in values]
    n = len(exact)
    assert stats.mean(values) == (sum(exact, Fraction(0)) / n if n else None)
    ordered = sorted(exact)
    if n:
        middle = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
        assert stats.median(values) == middle
        assert type(stats.median(values)) is Fraction
    else:
        assert stats.median(values) is None
    if n >= 2:
        centre = sum(exact, Fraction(0)) / n
        expected = sum(((v - centre) ** 2 for v in exact), Fraction(0)) / (n - 1)
        assert stats.variance(values) == expected
    else:
        assert stats.variance(values) is None
