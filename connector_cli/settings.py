"""Scheme settings (support length, thresholds): defaults here, overrides in the settings table."""

from __future__ import annotations

import sqlite3

# key: (default, description). Values are integers (weeks, days or months).
DEFAULTS: dict[str, tuple[int, str]] = {
    "support_weeks": (12, "Length of agreed support, in weeks"),
    "review_week": (6, "Week of support when the review (goals and measures) is due"),
}


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
