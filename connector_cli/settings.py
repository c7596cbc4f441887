"""Scheme settings (support length, thresholds): defaults here, overrides in the settings table."""

from __future__ import annotations

import sqlite3

# key: (default, description). Values are integers (weeks, days or months).
DEFAULTS: dict[str, tuple[int, str]] = {
    "support_weeks": (12, "Length of agreed support, in weeks"),
    "review_week": (6, "Week of support when the review (goals and measures) is due"),
    "review_window_weeks": (
        1,
        "Review measures are due this many weeks either side of review_week",
    ),
    "followup_week": (12, "Weeks after closure when the follow-up measures are due"),
    "followup_window_weeks": (
        2,
        "Follow-up measures are due this many weeks either side of followup_week",
    ),
    "stale_months": (6, "Months after which a directory entry needs verifying again"),
    "no_contact_warning_days": (
        14,
        "Caseload warns after this many days without a support contact",
    ),
    "pending_warning_days": (7, "Caseload warns when a referral has been pending longer than this"),
    "no_contact_check_days": (
        30,
        "Check flags an accepted referral with no support contact after this",
    ),
    "goals_by_week": (4, "Check flags an open episode with no goals after this week of support"),
    "goals_reviewed_by_week": (7, "Check flags goals not reviewed after this week of support"),
    "signpost_outcome_weeks": (
        4,
        "Check flags a signpost without an outcome after this many weeks",
    ),
    # A date as a number, YYYYMMDD: `config set earliest-date 2010-04-01` writes 20100401.
    "earliest_date": (
        20000101,
        "Referral, gap and other event dates before this (YYYYMMDD) are refused as typos",
    ),
}
DATE_SETTINGS = ("earliest_date",)


def get_setting(conn: sqlite3.Connection, key: str) -> int:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return int(row[0]) if row else DEFAULTS[key][0]


def all_settings(conn: sqlite3.Connection) -> dict[str, int]:
    stored = {row[0]: int(row[1]) for row in conn.execute("SELECT key, value FROM settings")}
    return {key: stored.get(key, default) for key, (default, _) in DEFAULTS.items()}


def set_setting(conn: sqlite3.Connection, key: str, value: int) -> None:
    from connector_cli.errors import UserError

    if key not in DEFAULTS:
        raise UserError(f"Unknown setting '{key}'. Valid: {', '.join(DEFAULTS)}.")
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, str(value)],
    )


def reset_setting(conn: sqlite3.Connection, key: str) -> None:
    """Go back to the default (the override row is removed)."""
    from connector_cli.errors import UserError

    if key not in DEFAULTS:
        raise UserError(f"Unknown setting '{key}'. Valid: {', '.join(DEFAULTS)}.")
    conn.execute("DELETE FROM settings WHERE key = ?", [key])
