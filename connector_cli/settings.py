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


# The scheme's own words, printed on letters: key -> description. Text, unset by default.
TEXT_SETTINGS: dict[str, str] = {
    "scheme-name": "The scheme's name, printed on letters and in every export's manifest",
    "scheme-code": "A short code for the scheme, in every export (to pool several schemes)",
    "scheme-contact": "How to reach the scheme (phone, email, address), printed on letters",
}
ONE_LINE_SETTINGS = ("scheme-name", "scheme-code")  # they reach CSV files and manifests
MAX_TEXT_SETTING = 300


def get_text_setting(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_text_setting(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


def get_setting(conn: sqlite3.Connection, key: str) -> int:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return int(row[0]) if row else DEFAULTS[key][0]


def all_settings(conn: sqlite3.Connection) -> dict[str, int]:
    stored = {
        row[0]: int(row[1])
        for row in conn.execute("SELECT key, value FROM settings")
        if row[0] in DEFAULTS  # text settings (scheme-name...) live in the same table
    }
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

    if key not in DEFAULTS and key not in TEXT_SETTINGS:
        raise UserError(f"Unknown setting '{key}'. Valid: {', '.join(DEFAULTS)}.")
    conn.execute("DELETE FROM settings WHERE key = ?", [key])


# --- The scheme's areas ------------------------------------------------------------------------
# Kept in the settings table: one `area:<folded name>` row per area (its value the name as
# typed). The scheme's name, code and contact are text settings (above).

_AREA = "area:"
MAX_TEXT = 80


def _clean(text: str, what: str) -> str:
    from connector_cli.errors import UserError

    cleaned = " ".join(text.split())
    if not cleaned:
        raise UserError(f"The {what} cannot be empty.")
    if len(cleaned) > MAX_TEXT or not cleaned.isprintable():
        raise UserError(f"The {what} must be plain text of at most {MAX_TEXT} characters.")
    if cleaned[0] in "=+-@":
        raise UserError(f"The {what} cannot start with {cleaned[0]} (a spreadsheet would run it).")
    return cleaned


def scheme(conn: sqlite3.Connection) -> dict[str, str | None]:
    """{"name": ..., "code": ...}; None where not configured."""
    return {
        "name": get_text_setting(conn, "scheme-name"),
        "code": get_text_setting(conn, "scheme-code"),
    }


def areas(conn: sqlite3.Connection) -> list[str]:
    """The scheme's configured areas, in alphabetical order."""
    rows = conn.execute("SELECT value FROM settings WHERE key LIKE 'area:%'").fetchall()
    return sorted((row[0] for row in rows), key=str.casefold)


def add_area(conn: sqlite3.Connection, name: str) -> str:
    from connector_cli.errors import UserError

    cleaned = _clean(name, "area")
    if cleaned.casefold() == "not-recorded":
        raise UserError("'not-recorded' is kept for gaps recorded without a known area.")
    key = _AREA + cleaned.casefold()
    if conn.execute("SELECT 1 FROM settings WHERE key = ?", [key]).fetchone():
        raise UserError(f"The area '{cleaned}' is already configured.")
    conn.execute("INSERT INTO settings (key, value) VALUES (?, ?)", [key, cleaned])
    return cleaned


def remove_area(conn: sqlite3.Connection, name: str) -> str:
    known = match_area(conn, name)
    conn.execute("DELETE FROM settings WHERE key = ?", [_AREA + known.casefold()])
    return known


def match_area(conn: sqlite3.Connection, text: str) -> str:
    """The configured area `text` names (case and spacing ignored), or a refusal that suggests
    the nearest one."""
    import difflib

    from connector_cli.errors import UserError

    known = areas(conn)
    wanted = " ".join(text.split()).casefold()
    for area in known:
        if area.casefold() == wanted:
            return area
    if not known:
        raise UserError(
            "No areas are configured: add your scheme's areas first, e.g. "
            '`connector config areas add "North"`.'
        )
    folded = {area.casefold(): area for area in known}
    near = difflib.get_close_matches(wanted, list(folded), n=1, cutoff=0.0)
    hint = f" Did you mean '{folded[near[0]]}'?" if near else ""
    raise UserError(
        f"'{' '.join(text.split())}' is not one of the scheme's areas ({', '.join(known)}).{hint}"
    )
