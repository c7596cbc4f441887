"""The commissioner report's records: the true figures (`Figures`, built by reports.py) and
what may be shown of them (`Published`, built by suppression.py). Plain frozen dataclasses:
they hold figures our own code computed (nothing typed by a user), so there is nothing to
validate, and `report` and `export` do not pay for importing pydantic."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any


@dataclass(frozen=True)
class Figure:
    """A true value; `n` is the number of values a mean, median or SD was computed from.
    Means, medians, SDs and percentages are exact Decimals (stats.py), rounded only when
    published."""

    value: int | Decimal | None
    n: int | None = None


@dataclass(frozen=True)
class PeriodInfo:
    label: str
    start: str
    end: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Figures:
    """Everything the report and export show, before disclosure control."""

    period: PeriodInfo
    metrics: dict[str, Figure]
    breakdowns: dict[str, list[dict[str, int | str | None]]]
    # outcomes.Outcome rows (exact); None for a --from/--to period (standard periods only)
    outcomes: list[Any] | None = None


@dataclass(frozen=True)
class Completeness:
    episodes: int
    present: dict[str, int]  # field -> episodes with it present
    pct: Fraction | None  # exact; None when there are no episodes


@dataclass(frozen=True)
class Published:
    """What may be shown: hidden values are "*", undefined ones None; stats rounded."""

    period: PeriodInfo
    suppress_below: int
    metrics: dict[str, int | float | str | None]
    breakdowns: dict[str, list[dict[str, int | float | str | None]]]
    suppressed: dict[str, int]  # table -> hidden cells
    outcomes: list[dict] | None = None  # outcomes.csv rows as shown; None: not published
    outcome_warnings: list[str] = field(default_factory=list)
    standard: bool = True  # a quarter or a year; False for a --from/--to span
    left_out: list[str] = field(default_factory=list)  # not published for a --from/--to span
