"""Pydantic models of the commissioner report: the true figures (`Figures`, built by
reports.py) and what may be shown of them (`Published`, built by suppression.py). Imported
lazily (pydantic is heavy): only `report` and `export` need them."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Figure(Model):
    """A true value; `n` is the number of values a mean, median or SD was computed from.
    Means, medians, SDs and percentages are exact Decimals (stats.py), rounded only when
    published."""

    value: int | Decimal | None
    n: int | None = None


class PeriodInfo(Model):
    label: str
    start: str
    end: str


class Figures(Model):
    """Everything the report and export show, before disclosure control."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    period: PeriodInfo
    metrics: dict[str, Figure]
    breakdowns: dict[str, list[dict[str, int | str | None]]]
    # outcomes.Outcome rows (exact); None for a --from/--to period (standard periods only)
    outcomes: list[Any] | None = None


class Completeness(Model):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    episodes: int
    present: dict[str, int]  # field -> episodes with it present
    pct: Fraction | None  # exact; None when there are no episodes


class Published(Model):
    """What may be shown: hidden values are "*", undefined ones None; stats rounded."""

    period: PeriodInfo
    suppress_below: int
    metrics: dict[str, int | float | str | None]
    breakdowns: dict[str, list[dict[str, int | float | str | None]]]
    suppressed: dict[str, int]  # table -> hidden cells
    outcomes: list[dict] | None = None  # outcomes.csv rows as shown; None: not published
    outcome_warnings: list[str] = []
