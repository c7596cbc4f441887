"""What is due when for one episode, read from the database and answered by due.py (the one
engine `caseload` also uses, from its set-based queries).

A stage is due in its window, overdue after it while it can still be collected, and left out
once it cannot (`connector check` reports those as missing); the README's "When each measure
is due" has the table.
"Overdue" here is about the window only; `show` words it for people and calls a measure
overdue only where `connector check` would report it (`check_reports`).
"""

from __future__ import annotations

import sqlite3
from datetime import date

from connector_cli import due
from connector_cli.due import (  # re-exported: callers import them from here
    END_DAYS_AFTER,
    END_DAYS_BEFORE,
    FOLLOWUP_LATEST_WEEKS,
    STAGE_ORDER,
    instruments_in,
)
from connector_cli.settings import all_settings
from connector_cli.store import measures as sql

__all__ = [
    "END_DAYS_AFTER",
    "END_DAYS_BEFORE",
    "FOLLOWUP_LATEST_WEEKS",
    "STAGE_ORDER",
    "check_reports",
    "due_measures",
    "followup_window",
    "instruments_in",
    "next_due",
    "review_window",
    "suggested_stage",
]


def followup_window(conn: sqlite3.Connection, closure: date) -> tuple[date, date]:
    """(first, last) day of the follow-up window: by default 10 to 14 whole weeks after closure."""
    return due.followup_window(all_settings(conn), closure)


def review_window(conn: sqlite3.Connection, start: date) -> tuple[date, date]:
    """(first, last) day of the review window: by default weeks 5 to 7 of support."""
    return due.review_window(all_settings(conn), start)


def _facts(conn, episode_row) -> tuple[dict, dict, str | None, set[tuple[str, str]]]:
    episode = dict(episode_row)
    recorded = sql.episode_measures(conn, episode["id"])
    taken = {(m["instrument"], m["stage"]) for m in recorded}
    return all_settings(conn), episode, sql.first_support_contact(conn, episode["id"]), taken


def due_measures(conn: sqlite3.Connection, episode_row: sqlite3.Row, today: date) -> list[dict]:
    """What is still to be asked in this episode, stage by stage and instrument by instrument
    (due.due_by_stage, flattened).

    Each item: {"instrument", "stage", "status": "due"|"overdue"|"upcoming", "due_from",
    "due_by"} with ISO dates; due_by is None when the moment is open-ended ("before the first
    support contact" with none yet, or "at closure" for an open episode). Only accepted
    episodes have anything due. A not-collected record satisfies its stage. Stages that can no
    longer be collected (baseline and review once closed, end four weeks after closure,
    follow-up six months after) are left out: `connector check` reports those as missing.
    """
    settings, episode, first_contact, taken = _facts(conn, episode_row)
    items = []
    for stage, found in due.due_by_stage(settings, episode, first_contact, taken, today).items():
        for instrument_id in found.instruments:
            items.append(
                {
                    "instrument": instrument_id,
                    "stage": stage,
                    "status": found.status,
                    "due_from": found.due_from,
                    "due_by": found.due_by,
                }
            )
    return items


def next_due(conn: sqlite3.Connection, episode_row: sqlite3.Row, today: date) -> due.Due | None:
    """The next step on this episode's pathway (as `caseload` shows it)."""
    settings, episode, first_contact, taken = _facts(conn, episode_row)
    return due.next_due(settings, episode, first_contact, taken, today)


def check_reports(instrument_id: str, stage: str, asked_at_baseline: set[str]) -> bool:
    """Whether `connector check` reports this measure as missing once it is overdue: UCLA at
    baseline, end and follow-up, and at the end every instrument recorded (or recorded as not
    collected) at baseline, so that each baseline has its pair. The rest of the default set is
    worth asking but its lack is not a gap: `show` calls it "not yet asked", never overdue.
    (The rule itself is checks.py's; tests/test_measures_due.py holds the two together.)"""
    if instrument_id == "ucla3":
        return stage in ("baseline", "end", "follow-up")
    return stage == "end" and instrument_id in asked_at_baseline


def suggested_stage(conn, episode_row: sqlite3.Row, instrument_id: str, today: date) -> str | None:
    """The stage most likely meant now: the first due or overdue one for this instrument."""
    for item in due_measures(conn, episode_row, today):
        if item["instrument"] == instrument_id and item["status"] != "upcoming":
            return item["stage"]
    return None
