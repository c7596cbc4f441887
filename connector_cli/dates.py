"""Dates as people type them, and reporting periods.

Stdlib only at module level: dateutil is imported inside the one function that needs it.
All code asks `dates.today()` for the current date so tests and the demo can pin it with the
CONNECTOR_TODAY environment variable.
"""

from __future__ import annotations

import calendar
import os
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from connector_cli.errors import UserError

_ISO = re.compile(r"(\d{4})([-/])(\d{1,2})\2(\d{1,2})", re.ASCII)
_UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
_YEAR_FIRST = re.compile(r"\d{4}\D", re.ASCII)
EARLIEST_YEAR = 1900  # nothing a connector records is older: an earlier year is a typo


def today() -> date:
    """Today's date, or the date pinned by CONNECTOR_TODAY (YYYY-MM-DD)."""
    return _system_today()


def _system_today() -> date:
    pinned = os.environ.get("CONNECTOR_TODAY", "").strip()
    if not pinned:
        return date.today()
    try:
        return date.fromisoformat(pinned)
    except ValueError:
        raise UserError(f"CONNECTOR_TODAY must be YYYY-MM-DD, not '{pinned}'.") from None


# --- Dates -------------------------------------------------------------------------------------


def _invalid(text: str, what: str) -> UserError:
    return UserError(f"Invalid {what} '{text}': use YYYY-MM-DD, DD/MM/YYYY, today or yesterday.")


def _strict(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) for the ISO and UK day-first forms, or None for other text."""
    if m := _ISO.fullmatch(text):
        return int(m[1]), int(m[3]), int(m[4])
    if m := _UK.fullmatch(text):
        return int(m[3]), int(m[2]), int(m[1])
    return None


def _with_dateutil(text: str) -> date | None:
    """Forms like '3 Apr 2026', only when day, month and a four-digit year are all written."""
    if text.isdigit() or _YEAR_FIRST.match(text):
        return None  # a lone number, or a year-first form other than the ISO one
    from dateutil.parser import parse  # lazy: keeps start-up fast

    try:
        one = parse(text, dayfirst=True, default=datetime(2000, 1, 1))
        two = parse(text, dayfirst=True, default=datetime(2004, 2, 2))
    except (ValueError, OverflowError):
        return None
    if one.date() != two.date():
        return None  # dateutil filled in a missing day, month or year
    if not re.search(rf"(?<!\d){one.year:04d}(?!\d)", text):
        return None  # a two-digit year: which century is a guess
    return one.date()


def parse_date(text: str, *, today: date | None = None, what: str = "date") -> date:
    """Parse YYYY-MM-DD, DD/MM/YYYY (day first), today, yesterday or e.g. '3 Apr 2026'."""
    cleaned = text.strip()
    word = cleaned.casefold()
    if word in ("today", "yesterday"):
        ref = today if today is not None else _system_today()
        return ref if word == "today" else ref - timedelta(days=1)
    parts = _strict(cleaned)
    if parts is not None:
        try:
            found = date(*parts)
        except ValueError:
            raise _invalid(cleaned, what) from None
    else:
        found = _with_dateutil(cleaned) if cleaned and cleaned.isascii() else None
    if found is None:
        raise _invalid(cleaned, what)
    if found.year < EARLIEST_YEAR:
        raise UserError(f"The {what} {found.isoformat()} is before {EARLIEST_YEAR}: a typo?")
    return found


def parse_past_date(text: str, *, today: date | None = None, what: str = "date") -> date:
    """As parse_date, but refuse a date after today: events cannot be in the future."""
    ref = today if today is not None else _system_today()
    day = parse_date(text, today=ref, what=what)
    if day > ref:
        raise UserError(f"The {what} {day.isoformat()} is in the future.")
    return day


def earliest() -> date:
    """The earliest date an event (a referral, a gap, a check) may have: the `earliest_date`
    setting, 2000-01-01 unless changed. Read from the database the command uses."""
    from connector_cli import session
    from connector_cli.settings import get_setting

    number = get_setting(session.open_db(), "earliest_date")
    try:
        return date(number // 10000, number // 100 % 100, number % 100)
    except ValueError:
        return date(2000, 1, 1)


def parse_event_date(text: str, *, today: date | None = None, what: str = "date") -> date:
    """As parse_past_date, and refuse a date before `earliest()`: nothing a connector records
    happened then, so it is a typo (a date of birth is not an event: use parse_past_date)."""
    day = parse_past_date(text, today=today, what=what)
    first = earliest()
    if day < first:
        raise UserError(
            f"The {what} {day.isoformat()} is before {first.isoformat()}, the earliest date "
            "connector accepts: a typo? (`connector config set earliest-date DATE` changes it.)"
        )
    return day


# --- Periods -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str
    # A standard period (a quarter or a year) may publish characteristic and outcome figures;
    # an arbitrary --from/--to span publishes activity figures only (reporting.md, Period).
    standard: bool = True

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


_CALENDAR_Q = re.compile(r"(\d{4})Q(\d)", re.ASCII)
_FINANCIAL_Q = re.compile(r"(\d{4})[-/](\d{2}|\d{4})Q(\d)", re.ASCII)
_QUARTER_HELP = "use 2026Q3 for a calendar quarter or 2026-27Q1 for a financial-year quarter"


def _quarter_span(year: int, first_month: int) -> tuple[date, date]:
    last_month = first_month + 2
    last_day = calendar.monthrange(year, last_month)[1]
    return date(year, first_month, 1), date(year, last_month, last_day)


def _check_quarter(text: str, quarter: int) -> None:
    if not 1 <= quarter <= 4:
        raise UserError(f"Invalid quarter '{text}': the quarter must be 1 to 4; {_QUARTER_HELP}.")


def _calendar_quarter(text: str, year: int, quarter: int) -> Period:
    _check_quarter(text, quarter)
    start, end = _quarter_span(year, 3 * quarter - 2)
    return Period(start, end, f"{year}Q{quarter}")


def _financial_quarter(text: str, year: int, second: str, quarter: int) -> Period:
    expected = f"{(year + 1) % 100:02d}" if len(second) == 2 else str(year + 1)
    if second != expected:
        raise UserError(
            f"Invalid financial year in '{text}': the second year must follow the first, "
            f"e.g. {year}-{(year + 1) % 100:02d}Q1."
        )
    _check_quarter(text, quarter)
    span_year = year + 1 if quarter == 4 else year
    first_month = 1 if quarter == 4 else 3 * quarter + 1
    start, end = _quarter_span(span_year, first_month)
    return Period(start, end, f"{year}-{(year + 1) % 100:02d}Q{quarter}")


def parse_quarter(text: str) -> Period:
    """A calendar quarter (2026Q3) or a UK financial-year quarter (2026-27Q1 or 2026/27Q1).

    Spaces are ignored, so '2026 Q3' is 2026Q3; 'q' may be lower-case.
    """
    shown = text.strip()
    compact = re.sub(r"\s+", "", shown).upper()
    try:
        if m := _CALENDAR_Q.fullmatch(compact):
            return _calendar_quarter(shown, int(m[1]), int(m[2]))
        if m := _FINANCIAL_Q.fullmatch(compact):
            return _financial_quarter(shown, int(m[1]), m[2], int(m[3]))
    except ValueError:  # a year beyond what dates can hold
        pass
    raise UserError(f"Invalid quarter '{shown}': {_QUARTER_HELP}.")


_CALENDAR_YEAR = re.compile(r"(\d{4})", re.ASCII)
_FINANCIAL_YEAR = re.compile(r"(\d{4})[-/](\d{2}|\d{4})", re.ASCII)
_YEAR_HELP = "use 2026 for a calendar year or 2026-27 for a financial year (April to March)"


def parse_year(text: str) -> Period:
    """A calendar year (2026) or a UK financial year (2026-27 or 2026/27: 1 Apr to 31 Mar)."""
    shown = text.strip()
    compact = re.sub(r"\s+", "", shown)
    try:
        if m := _CALENDAR_YEAR.fullmatch(compact):
            year = int(m[1])
            return Period(date(year, 1, 1), date(year, 12, 31), str(year))
        if m := _FINANCIAL_YEAR.fullmatch(compact):
            year, second = int(m[1]), m[2]
            expected = f"{(year + 1) % 100:02d}" if len(second) == 2 else str(year + 1)
            if second != expected:
                raise UserError(
                    f"Invalid financial year '{shown}': the second year must follow the first, "
                    f"e.g. {year}-{(year + 1) % 100:02d}."
                )
            label = f"{year}-{(year + 1) % 100:02d}"
            return Period(date(year, 4, 1), date(year + 1, 3, 31), label)
    except ValueError:  # a year beyond what dates can hold
        pass
    raise UserError(f"Invalid year '{shown}': {_YEAR_HELP}.")


def quarters_of(period: Period) -> list[Period]:
    """The four quarters of a standard year (calendar quarters, which are also the financial
    quarters with other names); [] for a quarter or a --from/--to span."""
    if not period.standard or period.days < 365:
        return []
    result, start = [], period.start
    for _ in range(4):
        first, last = _quarter_span(start.year, start.month)
        result.append(Period(first, last, f"{first.year}Q{(first.month + 2) // 3}"))
        start = last + timedelta(days=1)
    return result


def calendar_quarter_of(day: date) -> Period:
    """The calendar quarter holding `day`, e.g. 2026Q4 for 2026-11-20."""
    first, last = _quarter_span(day.year, 3 * ((day.month - 1) // 3) + 1)
    return Period(first, last, f"{first.year}Q{(first.month + 2) // 3}")


def previous_calendar_quarter(day: date) -> Period:
    """The calendar quarter before the one holding `day` (2026Q3 for 2026-11-20)."""
    return calendar_quarter_of(calendar_quarter_of(day).start - timedelta(days=1))


def period_from_dates(start: date, end: date) -> Period:
    """A period from two dates, both included."""
    if start > end:
        raise UserError(f"The period start {start.isoformat()} is after its end {end.isoformat()}.")
    return Period(start, end, f"{start.isoformat()}_to_{end.isoformat()}", standard=False)


# --- Weeks -------------------------------------------------------------------------------------


def weeks_between(a: date, b: date) -> float:
    """Weeks from a to b (negative when b is before a)."""
    return (b - a).days / 7


def week_of_support(start: date, on: date) -> int:
    """Week number of `on` in support that began on `start`: days 0-6 are week 1."""
    return (on - start).days // 7 + 1
