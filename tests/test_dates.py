import subprocess
import sys
from datetime import date

import pytest

from connector_cli import dates
from connector_cli.dates import (
    Period,
    parse_date,
    parse_past_date,
    parse_quarter,
    period_from_dates,
    week_of_support,
    weeks_between,
)
from connector_cli.errors import UserError

TODAY = date(2026, 6, 15)
HELP = "use YYYY-MM-DD, DD/MM/YYYY, today or yesterday."


# --- parse_date --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-04-03", date(2026, 4, 3)),
        ("2026-4-3", date(2026, 4, 3)),
        ("2026/04/03", date(2026, 4, 3)),
        ("03/04/2026", date(2026, 4, 3)),
        ("3/4/2026", date(2026, 4, 3)),
        ("13/04/2026", date(2026, 4, 13)),
        ("29/02/2028", date(2028, 2, 29)),
        ("  03/04/2026 ", date(2026, 4, 3)),
        ("3 Apr 2026", date(2026, 4, 3)),
        ("3 April 2026", date(2026, 4, 3)),
        ("April 3rd, 2026", date(2026, 4, 3)),
        ("Fri 3 Apr 2026", date(2026, 4, 3)),
        ("03-04-2026", date(2026, 4, 3)),
        ("03.04.2026", date(2026, 4, 3)),
    ],
)
def test_parse_date_forms(text, expected):
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", TODAY),
        ("TODAY", TODAY),
        (" Today ", TODAY),
        ("yesterday", date(2026, 6, 14)),
        ("Yesterday", date(2026, 6, 14)),
    ],
)
def test_parse_date_words(text, expected):
    assert parse_date(text, today=TODAY) == expected


def test_yesterday_crosses_month_and_year():
    assert parse_date("yesterday", today=date(2026, 1, 1)) == date(2025, 12, 31)
    assert parse_date("yesterday", today=date(2028, 3, 1)) == date(2028, 2, 29)


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2026",
        "29/02/2026",
        "2026-13-01",
        "2026-02-30",
        "00/01/2026",
        "32/01/2026",
        "tomorow",
        "tomorrow",
        "",
        "   ",
        "April",
        "Apr 2026",
        "3 April",
        "5",
        "2026",
        "20260403",
        "3/4/26",
        "3 Apr 26",
        "03-04-26",
        "2026-04",
        "2026-04/03",
        "31-02-2026",
        "0000-01-01",
    ],
)
def test_parse_date_refuses(text):
    with pytest.raises(UserError) as err:
        parse_date(text, today=TODAY)
    assert str(err.value) == f"Invalid date '{text.strip()}': {HELP}"


def test_parse_date_what_in_message():
    with pytest.raises(UserError) as err:
        parse_date("31/02/2026", what="contact date")
    assert str(err.value) == f"Invalid contact date '31/02/2026': {HELP}"


def test_parse_date_allows_future():
    assert parse_date("01/12/2026", today=TODAY) == date(2026, 12, 1)


# --- parse_past_date ---------------------------------------------------------------------------


def test_past_date_refuses_future():
    with pytest.raises(UserError) as err:
        parse_past_date("2026-12-01", today=TODAY, what="contact date")
    assert str(err.value) == "The contact date 2026-12-01 is in the future."
    with pytest.raises(UserError, match=r"^The date 2026-06-16 is in the future\.$"):
        parse_past_date("16/06/2026", today=TODAY)


def test_past_date_accepts_today_and_before():
    assert parse_past_date("15/06/2026", today=TODAY) == TODAY
    assert parse_past_date("today", today=TODAY) == TODAY
    assert parse_past_date("2020-01-01", today=TODAY) == date(2020, 1, 1)


def test_past_date_invalid_still_says_invalid():
    with pytest.raises(UserError, match="^Invalid referral date 'x'"):
        parse_past_date("x", today=TODAY, what="referral date")


# --- today() and CONNECTOR_TODAY ---------------------------------------------------------------


def test_today_pinned_by_environment(monkeypatch):
    monkeypatch.setenv("CONNECTOR_TODAY", "2026-03-31")
    assert dates.today() == date(2026, 3, 31)
    assert parse_date("today") == date(2026, 3, 31)
    assert parse_date("yesterday") == date(2026, 3, 30)
    assert parse_past_date("2026-03-31") == date(2026, 3, 31)
    with pytest.raises(UserError, match="in the future"):
        parse_past_date("2026-04-01")


def test_today_defaults_to_system_date(monkeypatch):
    monkeypatch.delenv("CONNECTOR_TODAY", raising=False)
    assert dates.today() == date.today()
    monkeypatch.setenv("CONNECTOR_TODAY", "")
    assert dates.today() == date.today()


def test_today_bad_environment_value(monkeypatch):
    monkeypatch.setenv("CONNECTOR_TODAY", "31/03/2026")
    with pytest.raises(UserError, match="CONNECTOR_TODAY must be YYYY-MM-DD"):
        dates.today()


def test_explicit_today_beats_environment(monkeypatch):
    monkeypatch.setenv("CONNECTOR_TODAY", "2026-03-31")
    assert parse_date("today", today=TODAY) == TODAY


def test_modules_do_not_import_dateutil_at_start_up():
    code = (
        "import sys, connector_cli.dates, connector_cli.codes;"
        "print(any(m.startswith('dateutil') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- Quarters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026Q1", date(2026, 1, 1), date(2026, 3, 31), "2026Q1"),
        ("2026Q2", date(2026, 4, 1), date(2026, 6, 30), "2026Q2"),
        ("2026Q3", date(2026, 7, 1), date(2026, 9, 30), "2026Q3"),
        ("2026Q4", date(2026, 10, 1), date(2026, 12, 31), "2026Q4"),
        ("2026q3", date(2026, 7, 1), date(2026, 9, 30), "2026Q3"),
        (" 2026Q3 ", date(2026, 7, 1), date(2026, 9, 30), "2026Q3"),
        ("2026 Q3", date(2026, 7, 1), date(2026, 9, 30), "2026Q3"),
        ("2028Q1", date(2028, 1, 1), date(2028, 3, 31), "2028Q1"),
    ],
)
def test_calendar_quarters(text, start, end, label):
    assert parse_quarter(text) == Period(start, end, label)


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026-27Q1", date(2026, 4, 1), date(2026, 6, 30), "2026-27Q1"),
        ("2026-27Q2", date(2026, 7, 1), date(2026, 9, 30), "2026-27Q2"),
        ("2026-27Q3", date(2026, 10, 1), date(2026, 12, 31), "2026-27Q3"),
        ("2026-27Q4", date(2027, 1, 1), date(2027, 3, 31), "2026-27Q4"),
        ("2026/27Q1", date(2026, 4, 1), date(2026, 6, 30), "2026-27Q1"),
        ("2026-27q4", date(2027, 1, 1), date(2027, 3, 31), "2026-27Q4"),
        ("2026-2027Q2", date(2026, 7, 1), date(2026, 9, 30), "2026-27Q2"),
        ("2027-28Q4", date(2028, 1, 1), date(2028, 3, 31), "2027-28Q4"),
        ("2099-00Q4", date(2100, 1, 1), date(2100, 3, 31), "2099-00Q4"),
    ],
)
def test_financial_quarters(text, start, end, label):
    assert parse_quarter(text) == Period(start, end, label)


def test_leap_year_february_inside_quarters():
    leap = parse_quarter("2027-28Q4")
    assert leap.contains(date(2028, 2, 29))
    assert leap.days == 91
    assert parse_quarter("2026-27Q4").days == 90
    assert parse_quarter("2028Q1").days == 91
    assert parse_quarter("2100Q1").days == 90  # 2100 is not a leap year


def test_quarters_tile_the_year():
    for kind in ("2026Q{}", "2026-27Q{}"):
        periods = [parse_quarter(kind.format(q)) for q in range(1, 5)]
        for before, after in zip(periods, periods[1:], strict=False):
            assert (after.start - before.end).days == 1
        assert sum(p.days for p in periods) == 365


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2026Q5", "the quarter must be 1 to 4"),
        ("2026Q0", "the quarter must be 1 to 4"),
        ("2026-27Q5", "the quarter must be 1 to 4"),
        ("2026-28Q1", "the second year must follow the first, e.g. 2026-27Q1"),
        ("2026-26Q1", "the second year must follow the first"),
        ("2026-2028Q1", "the second year must follow the first"),
        ("Q3", "use 2026Q3 for a calendar quarter or 2026-27Q1"),
        ("2026", "use 2026Q3"),
        ("26Q3", "use 2026Q3"),
        ("2026Q", "use 2026Q3"),
        ("2026Q12", "use 2026Q3"),
        ("2026-7Q1", "use 2026Q3"),
        ("Q3 2026", "use 2026Q3"),
        ("", "use 2026Q3"),
        ("9999-00Q4", "use 2026Q3"),
    ],
)
def test_malformed_quarters(text, fragment):
    with pytest.raises(UserError) as err:
        parse_quarter(text)
    message = str(err.value)
    assert fragment in message
    assert message.startswith("Invalid ")
    assert "\n" not in message


# --- Periods from dates ------------------------------------------------------------------------


def test_period_from_dates():
    period = period_from_dates(date(2026, 1, 1), date(2026, 3, 31))
    assert period == Period(
        date(2026, 1, 1), date(2026, 3, 31), "2026-01-01_to_2026-03-31", standard=False
    )
    assert not period.standard and parse_quarter("2026Q1").standard
    assert period.contains(date(2026, 1, 1))
    assert period.contains(date(2026, 3, 31))
    assert not period.contains(date(2026, 4, 1))
    assert not period.contains(date(2025, 12, 31))


def test_period_of_one_day():
    assert period_from_dates(TODAY, TODAY).days == 1


def test_period_start_after_end_refused():
    with pytest.raises(UserError) as err:
        period_from_dates(date(2026, 4, 1), date(2026, 3, 31))
    assert str(err.value) == "The period start 2026-04-01 is after its end 2026-03-31."


# --- Weeks -------------------------------------------------------------------------------------


def test_weeks_between():
    assert weeks_between(date(2026, 1, 1), date(2026, 1, 1)) == 0
    assert weeks_between(date(2026, 1, 1), date(2026, 1, 15)) == 2
    assert weeks_between(date(2026, 1, 1), date(2026, 1, 4)) == pytest.approx(3 / 7)
    assert weeks_between(date(2026, 1, 15), date(2026, 1, 1)) == -2


@pytest.mark.parametrize(
    ("days_after", "week"),
    [(0, 1), (6, 1), (7, 2), (13, 2), (14, 3), (41, 6), (42, 7), (84, 13)],
)
def test_week_of_support(days_after, week):
    start = date(2026, 1, 5)
    on = date.fromordinal(start.toordinal() + days_after)
    assert week_of_support(start, on) == week


def test_years_before_1900_are_refused_as_typos():
    with pytest.raises(UserError, match="before 1900"):
        parse_date("0001-01-01")
    with pytest.raises(UserError, match="before 1900"):
        parse_date("01/01/1850")
    assert parse_date("01/01/1900") == date(1900, 1, 1)


def test_only_ascii_digits_make_a_date():
    with pytest.raises(UserError, match="Invalid date"):
        parse_date("٢٠٢٦-١١-٠١")
