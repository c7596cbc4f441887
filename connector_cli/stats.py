"""Every mean, SD, median, percentage and 95% interval the reports publish, computed exactly.

Scores are held as exact fractions (a SWEMWBS metric score 16.88 is 1688/100, never the binary
float 16.879999…), summed exactly, and divided once; the result is a `Decimal`, rounded half away
from zero only when it is published (means and their limits to 2 places, percentages and theirs
to 1). An SD or an interval involves a square root: it is taken in `Decimal` to 40 significant
digits, far beyond any rounding that could land on a half by accident.

The t quantile t(0.975, df) comes from the t distribution itself (its CDF through the
regularised incomplete beta function, inverted by bisection) and is checked against published
tables in the tests; the Wilson interval uses z = 1.959964. Stdlib only (math, fractions,
decimal): no start-up cost beyond what `report` and `export` import anyway.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

Z_975 = Decimal("1.959964")  # standard normal 97.5% point, as reporting.md fixes it
PRECISION = 40  # significant digits for square roots and divisions

Number = int | str | Decimal | Fraction


def exact(value: Number | float) -> Fraction:
    """An exact fraction from an int, a decimal string or Decimal, or a float holding a value
    recorded to at most 2 decimals (a stored SWEMWBS metric score): 16.88 -> 1688/100."""
    if type(value) is Fraction:
        return value  # immutable: no copy needed (a report passes thousands)
    if isinstance(value, bool):
        raise TypeError("a truth value is not a number")
    if isinstance(value, float):
        return _from_float(value)
    if isinstance(value, str):
        return Fraction(Decimal(value))
    return Fraction(value)


@functools.lru_cache(maxsize=4096)
def _from_float(value: float) -> Fraction:
    """Scores take few distinct values: each is converted once."""
    hundredths = round(value * 100)
    if abs(value * 100 - hundredths) > 1e-6:
        raise ValueError(f"{value!r} has more than 2 decimals")
    return Fraction(hundredths, 100)


def _scaled(values: Iterable[Number | float]) -> tuple[list[int], int]:
    """The values as integers over one common denominator: (numerators, denominator). Sums,
    squares and order of integers are exact and far cheaper than of fractions."""
    exact_values = [exact(v) for v in values]
    common = math.lcm(*{v.denominator for v in exact_values}) if exact_values else 1
    return [v.numerator * (common // v.denominator) for v in exact_values], common


def to_decimal(value: Fraction | Decimal | int) -> Decimal:
    """A fraction as a Decimal to PRECISION significant digits (exact when it terminates)."""
    if isinstance(value, Decimal):
        return value
    value = Fraction(value)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return Decimal(value.numerator) / Decimal(value.denominator)


def rounded(value: Fraction | Decimal | int, places: int) -> Decimal:
    """Round half away from zero to `places` decimals (1.235 -> 1.24, -1.235 -> -1.24).

    A float is refused: it would already have lost the exact value."""
    if isinstance(value, float):
        raise TypeError("round exact values (Fraction, Decimal), not floats")
    if isinstance(value, Fraction):
        # Exact rounding of a fraction: scale, round the rational, no intermediate digits.
        scaled = value * 10**places
        whole = (abs(scaled.numerator) * 2 + scaled.denominator) // (2 * scaled.denominator)
        result = Decimal(whole if scaled >= 0 else -whole).scaleb(-places)
        return result + 0  # normalise -0.00 to 0.00
    return (Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)) + 0


def mean(values: Iterable[Number | float]) -> Fraction | None:
    """The exact mean, or None for no values."""
    scaled, common = _scaled(values)
    if not scaled:
        return None
    return Fraction(sum(scaled), common * len(scaled))


def median(values: Iterable[Number | float]) -> Fraction | None:
    """The exact median (the mean of the middle two for an even count), or None."""
    scaled, common = _scaled(values)
    if not scaled:
        return None
    ordered = sorted(scaled)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle], common)
    return Fraction(ordered[middle - 1] + ordered[middle], 2 * common)


def variance(values: Iterable[Number | float]) -> Fraction | None:
    """The exact sample variance (n - 1), or None below two values."""
    scaled, common = _scaled(values)
    n = len(scaled)
    if n < 2:
        return None
    # sum((v - mean)^2) = (n * sum(a^2) - sum(a)^2) / (n * common^2), with v = a / common
    total = sum(scaled)
    squares = sum(a * a for a in scaled)
    return Fraction(n * squares - total * total, n * common * common * (n - 1))


def sqrt(value: Fraction) -> Decimal:
    """Square root to PRECISION digits (exact when the root terminates: sqrt(1.525225) = 1.235)."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return to_decimal(value).sqrt()


def sd(values: Iterable[Number | float]) -> Decimal | None:
    """The sample standard deviation (n - 1), or None below two values."""
    var = variance(values)
    return None if var is None else sqrt(var)


def percent(part: int, whole: int) -> Fraction | None:
    """part/whole as an exact percentage, or None when whole is 0."""
    return Fraction(100 * part, whole) if whole else None


# --- The t distribution ------------------------------------------------------------------------


def _beta_fraction(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta function (modified Lentz)."""
    tiny, eps = 1e-300, 1e-16
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 1000):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < eps:
            break
    return h


def incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    front = math.exp(log_front + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, 1.0 - x) / b


def t_upper_tail(t: float, df: int) -> float:
    """P(T > t) for t >= 0, Student's t with df degrees of freedom."""
    return 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t))


def _t_density(t: float, df: int) -> float:
    log_c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    return math.exp(log_c - (df + 1) / 2 * math.log1p(t * t / df))


@functools.lru_cache(maxsize=256)
def t_quantile(p: float, df: int) -> float:
    """The p quantile (p > 0.5) of Student's t with df >= 1 degrees of freedom: Newton's method
    on the exact upper tail, kept inside a bracket by bisection (about 1e-12 relative)."""
    if df < 1 or not 0.5 < p < 1.0:
        raise ValueError("t_quantile needs df >= 1 and 0.5 < p < 1")
    tail = 1.0 - p
    low, high = 0.0, 1.0
    while t_upper_tail(high, df) > tail:
        low, high = high, high * 2
    t = (low + high) / 2
    for _ in range(100):
        excess = t_upper_tail(t, df) - tail  # > 0: t is too small
        if excess > 0:
            low = t
        else:
            high = t
        step = excess / _t_density(t, df)
        guess = t + step
        if not low < guess < high:
            guess = (low + high) / 2
        if abs(guess - t) <= 1e-14 * guess:
            return guess
        t = guess
    return t


# --- Intervals ---------------------------------------------------------------------------------


def mean_interval(values: list[Number | float]) -> tuple[Decimal, Decimal] | None:
    """95% CI of the mean: mean ± t(0.975, n-1) × SD/√n; None below two values."""
    n = len(values)
    if n < 2:
        return None
    centre, spread = mean(values), sd(values)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        half = Decimal(repr(t_quantile(0.975, n - 1))) * spread / Decimal(n).sqrt()
        middle = to_decimal(centre)
        return middle - half, middle + half


def wilson_interval(part: int, whole: int) -> tuple[Decimal, Decimal] | None:
    """95% Wilson score interval for part/whole, as percentages; None when whole is 0."""
    if not whole:
        return None
    with localcontext() as ctx:
        ctx.prec = PRECISION
        n, z2 = Decimal(whole), Z_975 * Z_975
        p = Decimal(part) / n
        denominator = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / denominator
        half = Z_975 / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).sqrt()
        low, high = max(Decimal(0), centre - half), min(Decimal(1), centre + half)
        return 100 * low, 100 * high
