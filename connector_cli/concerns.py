"""Safeguarding concerns: raise, add to, close and list them. Plain functions that write inside
the caller's transaction; no printing, no prompting.

A note is never overwritten: `concern update --note` adds a dated line under the first note,
so the record of what was seen or said stays as it was written.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import TYPE_CHECKING

from connector_cli.errors import UserError
from connector_cli.store import concerns as sql

if TYPE_CHECKING:
    from connector_cli.models import ConcernChange, ConcernClose, ConcernIn


def add_concern(conn: sqlite3.Connection, *, person: str, concern: ConcernIn) -> dict:
    from connector_cli.pathway import episode_for

    person_row, episode_row = episode_for(conn, person)
    if concern.date.isoformat() < episode_row["referral_date"]:
        raise UserError(
            f"The concern date {concern.date} is before {person_row['name']}'s referral "
            f"({episode_row['referral_date']})."
        )
    concern_id = sql.insert_concern(
        conn,
        {
            "person_id": person_row["id"],
            "episode_id": episode_row["id"],
            "date": concern.date.isoformat(),
            "category": concern.category,
            "note": concern.note,
            "reported_to": concern.reported_to,
            "reference": concern.reference,
        },
    )
    return sql.concern(conn, concern_id)


def _existing(conn: sqlite3.Connection, concern_id: int) -> dict:
    found = sql.concern(conn, concern_id)
    if found is None:
        raise UserError(f"No concern number {concern_id}. See `connector concern list`.")
    return found


def update_concern(
    conn: sqlite3.Connection, *, concern_id: int, change: ConcernChange, today: date
) -> tuple[dict, list[str]]:
    """Add to the note, or record who it was reported to and their reference."""
    row = _existing(conn, concern_id)
    given = change.model_dump(exclude_unset=True)
    if not given:
        raise UserError("Nothing to change: give --note, --reported-to or --reference.")
    values = {k: v for k, v in given.items() if k != "note"}
    if "note" in given:
        if not change.note:
            raise UserError("A note cannot be blank; the first note is kept as written.")
        values["note"] = f"{row['note']}\n{today.isoformat()}: {change.note}"
    reported_to = values.get("reported_to", row["reported_to"])
    if values.get("reference", row["reference"]) and not reported_to:
        raise UserError("A --reference needs --reported-to (who gave the reference).")
    sql.update_concern(conn, concern_id, values)
    return sql.concern(conn, concern_id), sorted(given)


def close_concern(conn: sqlite3.Connection, *, concern_id: int, closing: ConcernClose) -> dict:
    row = _existing(conn, concern_id)
    if row["closed_date"]:
        raise UserError(f"Concern {concern_id} was already closed on {row['closed_date']}.")
    if closing.date.isoformat() < row["date"]:
        raise UserError(
            f"The closing date {closing.date} is before the concern was raised ({row['date']})."
        )
    sql.update_concern(
        conn, concern_id, {"closed_date": closing.date.isoformat(), "outcome": closing.outcome}
    )
    return sql.concern(conn, concern_id)


def list_concerns(conn: sqlite3.Connection, *, open_only: bool) -> list[dict]:
    return sql.list_concerns(conn, open_only=open_only)


def open_concerns(conn: sqlite3.Connection) -> list[dict]:
    """Concerns not yet closed, oldest first (caseload, show and today flag them)."""
    return sql.open_concerns(conn)
