"""Where everyone stands: the caseload view, the data-quality check and the scheme's settings.

Plain functions returning dataclasses (no pydantic: `caseload` runs every morning and must start
in a blink); no printing, no prompting. All SQL is in store/caseload.py and is set-based, so
these stay fast on a database of 20,000 people.

What is due when is due.py's answer (the engine `show`, `check` and `close` ask too), fed from
values fetched for every episode at once; tests/test_due_agreement.py holds caseload, show and
check together over a generated demo.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from connector_cli import due
from connector_cli.settings import DATE_SETTINGS, DEFAULTS, TEXT_SETTINGS, all_settings
from connector_cli.store import caseload as sql
from connector_cli.store.concerns import open_concerns
from connector_cli.wording import plural

__all__ = ["Due", "due_by_stage", "followup_window", "plural", "review_window", "stage_windows"]

# --- What is due: due.py is the one engine; these names stay importable from here ----------

Due = due.Due
STAGE_LABELS = due.STAGE_LABELS
review_window = due.review_window
followup_window = due.followup_window
stage_windows = due.stage_windows
due_by_stage = due.due_by_stage


# --- The caseload ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseloadWarning:
    code: str  # no-contact, pending, over-weeks
    text: str


UNPLANNED_DAYS = 14  # caseload flags a person with no contact this long and nothing arranged


@dataclass(frozen=True)
class OpenEpisode:
    person_id: int
    name: str
    episode_id: int
    status: str
    referral_date: str
    week: int | None
    last_contact: str | None
    days_since_contact: int | None
    goals_set: int
    goals_achieved: int
    next_due: Due
    warnings: tuple[CaseloadWarning, ...]
    days_waiting: int  # since the last support contact, else since acceptance (or referral)
    next_plan: str | None = None  # the earliest contact arranged and not yet done
    unplanned: bool = False  # nothing arranged, and no contact for UNPLANNED_DAYS or more


@dataclass(frozen=True)
class FollowUp:
    person_id: int
    name: str
    episode_id: int
    closure_date: str
    due: Due


@dataclass(frozen=True)
class Caseload:
    today: str
    support_weeks: int
    open: list[OpenEpisode]
    follow_ups: list[FollowUp]
    open_concerns: list[dict] = field(default_factory=list)  # safeguarding, oldest first

    def to_dict(self) -> dict:
        return asdict(self)


def _days(today: date, iso: str) -> int:
    return (today - date.fromisoformat(iso)).days


def _week(row: dict, today: date) -> int | None:
    """Week of support (as people.support_week): from the first support contact, else from
    the acceptance; none for a pending referral."""
    start = row["first_contact"] or (row["status_date"] if row["status"] == "accepted" else None)
    return None if start is None else max(1, _days(today, start) // 7 + 1)


def _warnings(
    row: dict, week: int | None, quiet: int, s: dict[str, int]
) -> tuple[CaseloadWarning, ...]:
    found = []
    if row["status"] == "pending":
        if quiet > s["pending_warning_days"]:
            found.append(CaseloadWarning("pending", f"pending {plural(quiet, 'day')}"))
        return tuple(found)
    if quiet >= s["no_contact_warning_days"]:
        days = plural(quiet, "day")
        text = f"no contact {days}" if row["last_contact"] else f"no contact yet, {days}"
        found.append(CaseloadWarning("no-contact", text))
    if week is not None and week > s["support_weeks"]:
        found.append(CaseloadWarning("over-weeks", f"beyond {plural(s['support_weeks'], 'week')}"))
    return tuple(found)


def _open_episode(row: dict, taken: set, s: dict[str, int], today: date) -> OpenEpisode:
    week = _week(row, today)
    since = row["last_contact"] or (
        row["status_date"] if row["status"] == "accepted" else row["referral_date"]
    )
    quiet = _days(today, since)
    return OpenEpisode(
        person_id=row["person_id"],
        name=row["name"],
        episode_id=row["episode_id"],
        status=row["status"],
        referral_date=row["referral_date"],
        week=week,
        last_contact=row["last_contact"],
        days_since_contact=_days(today, row["last_contact"]) if row["last_contact"] else None,
        goals_set=row["goals_set"],
        goals_achieved=row["goals_achieved"],
        next_due=due.next_due(s, row, row["first_contact"], taken, today),
        warnings=_warnings(row, week, quiet, s),
        days_waiting=quiet,
        next_plan=row["next_plan"],
        unplanned=row["next_plan"] is None and quiet >= UNPLANNED_DAYS,
    )


WHEN_RANK = {"overdue": 0, "due": 1, "upcoming": 2}


def urgency(item: OpenEpisode, today: date) -> tuple:
    """Most urgent first: most warnings, then an overdue next step (the longest overdue
    first), then a step due now, then steps still to come (the soonest first); ties go to
    the longest without a contact."""
    due = item.next_due
    late = due.days_late(today)
    starts_in = (date.fromisoformat(due.due_from) - today).days if due.status == "upcoming" else 0
    return (
        -len(item.warnings),
        WHEN_RANK[due.status],
        -late,
        starts_in,
        -item.days_waiting,
        item.person_id,
    )


def _follow_ups(conn: sqlite3.Connection, s: dict[str, int], today: date) -> list[FollowUp]:
    """Closed episodes whose follow-up measures are due or overdue (not yet upcoming)."""
    earliest = today - timedelta(weeks=due.FOLLOWUP_LATEST_WEEKS)
    latest = today - (followup_window(s, today)[0] - today)  # closed long enough to be due
    rows = sql.closed_for_follow_up(conn, earliest.isoformat(), latest.isoformat())
    from connector_cli.surveys import DEFAULT_INSTRUMENTS

    taken = sql.measure_stages(
        conn,
        sql.CLOSED_FOR_FOLLOW_UP_IDS,
        {"earliest": earliest.isoformat(), "latest": latest.isoformat()},
        stage="follow-up",
        defaults=DEFAULT_INSTRUMENTS,
    )
    found = []
    for row in map(dict, rows):
        dues = due.due_by_stage(s, row, None, taken.get(row["episode_id"], set()), today)
        if "follow-up" in dues and dues["follow-up"].status != "upcoming":
            found.append(
                FollowUp(
                    row["person_id"],
                    row["name"],
                    row["episode_id"],
                    row["closure_date"],
                    dues["follow-up"],
                )
            )
    found.sort(key=lambda f: (f.due.status != "overdue", f.due.due_by or "", f.person_id))
    return found


def caseload(conn: sqlite3.Connection, *, today: date) -> Caseload:
    """Every open episode, most urgent first, and the closed ones whose follow-up is due."""
    with sql.read_snapshot(conn):
        s = all_settings(conn)
        rows = [dict(row) for row in sql.open_episodes(conn)]
        taken = sql.measure_stages(conn, sql.OPEN_IDS, {})
        follow_ups = _follow_ups(conn, s, today)
        concerns = [
            {k: c[k] for k in ("id", "person_id", "person_name", "category", "date")}
            for c in open_concerns(conn)
        ]
    items = [_open_episode(row, taken.get(row["episode_id"], set()), s, today) for row in rows]
    flagged = {c["person_id"] for c in concerns}
    items = [_with_concern(item) if item.person_id in flagged else item for item in items]
    items.sort(key=lambda item: urgency(item, today))
    return Caseload(today.isoformat(), s["support_weeks"], items, follow_ups, concerns)


def _with_concern(item: OpenEpisode) -> OpenEpisode:
    """An open safeguarding concern is the first warning, and counts towards urgency."""
    from dataclasses import replace

    warning = CaseloadWarning("concern", "open safeguarding concern")
    return replace(item, warnings=(warning, *item.warnings))


# --- The check ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    problems: list  # of checks.Problem
    completeness_pct: float | None  # rounded to 1 decimal from the exact share
    closed_episodes: int
    coverage_pct: float | None = None  # outcome_coverage_pct over every closed episode

    @property
    def complete(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {
            "problems": [p.to_dict() for p in self.problems],
            "data_completeness_pct": self.completeness_pct,
            "outcome_coverage_pct": self.coverage_pct,
            "closed_episodes": self.closed_episodes,
        }


def check(conn: sqlite3.Connection, *, today: date, figure: bool = False) -> CheckResult:
    """Every gap in the records, with the command that fixes each; never writes. The
    completeness figure comes with any problem (or when `figure` asks for it): reports.py
    defines it, and is only loaded when needed (its pydantic-free form: `check` does not
    import pydantic)."""
    from connector_cli import checks

    with sql.read_snapshot(conn):
        ctx = checks.Context(today, all_settings(conn), sql.later_episodes(conn))
        problems = checks.run_checks(conn, ctx)
        if not problems and not figure:
            return CheckResult(problems, None, 0)
        from connector_cli import dates, outcomes, reports, stats

        everything = dates.Period(date(1, 1, 1), today, "all closed episodes")
        episodes, _, pct = reports.completeness_counts(conn, period=everything)
        eligible, paired = outcomes.coverage(conn, everything)
    shown = None if pct is None else float(stats.rounded(pct, 1))
    covered = stats.percent(paired, eligible)
    coverage = None if covered is None else float(stats.rounded(covered, 1))
    return CheckResult(problems, shown, episodes, coverage)


# --- Settings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    key: str
    value: int
    default: int
    description: str


def list_settings(conn: sqlite3.Connection) -> list[Setting]:
    from connector_cli.settings import TEXT_SETTINGS, get_text_setting

    values = all_settings(conn)
    numbers = [
        Setting(key, values[key], default, text) for key, (default, text) in DEFAULTS.items()
    ]
    words = [Setting(k, get_text_setting(conn, k), None, text) for k, text in TEXT_SETTINGS.items()]
    return numbers + words


def _setting(conn: sqlite3.Connection, key: str) -> Setting:
    return next(s for s in list_settings(conn) if s.key == key)


def change_setting(conn: sqlite3.Connection, *, key: str, value: str) -> Setting:
    """Set a threshold (whole number, 1 or more); written in the caller's transaction."""
    from connector_cli.errors import UserError
    from connector_cli.settings import set_setting
    from connector_cli.store.audit import record

    key = _known_key(key)
    text = value.strip()
    if key in TEXT_SETTINGS:
        return _change_text_setting(conn, key, value)
    if key in DATE_SETTINGS:
        text = _date_setting(key, text)
    elif not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_SETTING:
        raise UserError(
            f"Invalid value '{value}' for {key}: give a whole number from 1 to {MAX_SETTING}."
        )
    set_setting(conn, key, int(text))
    _check_consistent(all_settings(conn))  # refused: the transaction rolls the change back
    record(conn, "config-set", key=key, value=int(text))
    return _setting(conn, key)


def _change_text_setting(conn: sqlite3.Connection, key: str, value: str) -> Setting:
    """The scheme's name or contact details: one clear line of text (or several for contact)."""
    from connector_cli.errors import UserError
    from connector_cli.settings import (
        MAX_TEXT_SETTING,
        ONE_LINE_SETTINGS,
        _clean,
        set_text_setting,
    )
    from connector_cli.store.audit import record

    text = _clean_text(value)
    if not text:
        raise UserError(f"{key} cannot be blank; `connector config reset {key}` removes it.")
    if len(text) > MAX_TEXT_SETTING:
        raise UserError(f"{key} is too long: at most {MAX_TEXT_SETTING} characters.")
    if key in ONE_LINE_SETTINGS:  # they reach CSV files: one line, no formula
        text = _clean(text, key.replace("-", " "))
    set_text_setting(conn, key, text)
    record(conn, "config-set", key=key)
    return _setting(conn, key)


def _clean_text(value: str) -> str:
    """The one rule for typed text (clean.py): no control characters, no bidi overrides."""
    from connector_cli import clean

    return clean.check(value.strip())


def _check_consistent(values: dict[str, int]) -> None:
    """Settings that contradict each other would make every due date nonsense."""
    from connector_cli.errors import UserError

    weeks, review, spread = (
        values["support_weeks"],
        values["review_week"],
        values["review_window_weeks"],
    )
    if review - spread < 1 or review + spread > weeks:
        raise UserError(
            f"The review window (week {review} ± {spread}) must fall within the "
            f"{weeks} weeks of support; change review_week, review_window_weeks or support_weeks."
        )
    follow, follow_spread = values["followup_week"], values["followup_window_weeks"]
    if follow - follow_spread < 1:
        raise UserError(
            f"The follow-up window (week {follow} ± {follow_spread} after closure) must start "
            "after closure; change followup_week or followup_window_weeks."
        )


def reset_setting(conn: sqlite3.Connection, *, key: str) -> Setting:
    from connector_cli import settings
    from connector_cli.store.audit import record

    key = _known_key(key)
    settings.reset_setting(conn, key)
    record(conn, "config-reset", key=key)
    return _setting(conn, key)


MAX_SETTING = 1000


def _date_setting(key: str, text: str) -> str:
    """A date setting as its stored number (YYYYMMDD), from a date as people type it."""
    from connector_cli import dates
    from connector_cli.errors import UserError

    day = dates.parse_date(text, what=key.replace("_", " "))
    if day > dates.today():
        raise UserError(f"The {key.replace('_', ' ')} cannot be in the future.")
    return day.strftime("%Y%m%d")


def _known_key(key: str) -> str:
    """Accept the key as printed or with dashes (support-weeks) for people used to flags."""
    from connector_cli.errors import UserError

    wanted = key.strip().casefold().replace("-", "_")
    if wanted.replace("_", "-") in TEXT_SETTINGS:
        return wanted.replace("_", "-")
    if wanted not in DEFAULTS:
        valid = ", ".join([*DEFAULTS, *TEXT_SETTINGS])
        raise UserError(f"Unknown setting '{key}'. Valid: {valid}.")
    return wanted
