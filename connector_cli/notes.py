"""Case notes: the connector's own record of a person, dated, beside the contacts.

Plain functions: (conn, validated values) → ids and rows; no printing, no prompting.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from connector_cli.errors import UserError
from connector_cli.store import diary as sql

if TYPE_CHECKING:
    from connector_cli.models_diary import NoteIn


def add_note(conn: sqlite3.Connection, episode: sqlite3.Row, note: NoteIn) -> int:
    _check_date(note.date.isoformat(), episode["referral_date"])
    return sql.insert_note(conn, episode["id"], note.date.isoformat(), note.text)


def find_note(conn: sqlite3.Connection, note_id: int) -> sqlite3.Row:
    found = sql.note(conn, note_id)
    if found is None:
        raise UserError(
            f"No note number {note_id}. `connector show PERSON` lists them (n1, n2...)."
        )
    return found


def edit_note(conn: sqlite3.Connection, note_id: int, note: NoteIn) -> sqlite3.Row:
    found = find_note(conn, note_id)
    _check_date(note.date.isoformat(), found["referral_date"])
    sql.update_note(conn, note_id, {"date": note.date.isoformat(), "text": note.text})
    return found


def remove_note(conn: sqlite3.Connection, note_id: int) -> sqlite3.Row:
    found = find_note(conn, note_id)
    sql.delete_note(conn, note_id)
    return found


def _check_date(day: str, referral_date: str) -> None:
    if day < referral_date:
        raise UserError(f"The note date {day} is before the referral date ({referral_date}).")
