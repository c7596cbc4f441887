"""SQL for the working day: arranged contacts (plans), case notes, and the concerns hook."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

from connector_cli.store import insert, now

_PLAN_COLUMNS = """pl.id, pl.episode_id, pl.date, pl.time, pl.kind, pl.note, pl.contact_id,
    e.person_id, p.name"""
_PLAN_FROM = "plans pl JOIN episodes e ON e.id = pl.episode_id JOIN people p ON p.id = e.person_id"


# --- Plans -------------------------------------------------------------------------------------


def insert_plan(conn: sqlite3.Connection, episode_id: int, values: dict) -> int:
    return insert(conn, "plans", {"episode_id": episode_id, **values, "created_at": now()})


def plan(conn: sqlite3.Connection, plan_id: int) -> sqlite3.Row | None:
    if not 0 < plan_id < 2**63:
        return None
    return conn.execute(
        f"SELECT {_PLAN_COLUMNS} FROM {_PLAN_FROM} WHERE pl.id = ?", [plan_id]
    ).fetchone()


def open_plans_of(conn: sqlite3.Connection, episode_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        f"SELECT {_PLAN_COLUMNS} FROM {_PLAN_FROM} WHERE pl.episode_id = ? "
        "AND pl.contact_id IS NULL ORDER BY pl.date, pl.time, pl.id",
        [episode_id],
    ).fetchall()


def open_plans_until(conn: sqlite3.Connection, last_day: str) -> list[sqlite3.Row]:
    """Every plan not yet done dated on or before `last_day` (overdue ones included)."""
    return conn.execute(
        f"SELECT {_PLAN_COLUMNS} FROM {_PLAN_FROM} WHERE pl.contact_id IS NULL "
        "AND pl.date <= ? ORDER BY pl.date, pl.time IS NULL, pl.time, pl.id",
        [last_day],
    ).fetchall()


def mark_plan_done(conn: sqlite3.Connection, plan_id: int, contact_id: int) -> None:
    conn.execute("UPDATE plans SET contact_id = ? WHERE id = ?", [contact_id, plan_id])


def delete_plan(conn: sqlite3.Connection, plan_id: int) -> None:
    conn.execute("DELETE FROM plans WHERE id = ?", [plan_id])


def plans_of(conn: sqlite3.Connection, episode_id: int) -> list[dict]:
    rows = conn.execute(
        "SELECT id, date, time, kind, note, contact_id FROM plans WHERE episode_id = ? "
        "ORDER BY date, time, id",
        [episode_id],
    )
    return [dict(row) for row in rows]


# --- Notes -------------------------------------------------------------------------------------


def insert_note(conn: sqlite3.Connection, episode_id: int, day: str, text: str) -> int:
    return insert(
        conn, "notes", {"episode_id": episode_id, "date": day, "text": text, "created_at": now()}
    )


def note(conn: sqlite3.Connection, note_id: int) -> sqlite3.Row | None:
    if not 0 < note_id < 2**63:
        return None
    return conn.execute(
        "SELECT n.*, e.person_id, p.name, e.referral_date FROM notes n "
        "JOIN episodes e ON e.id = n.episode_id JOIN people p ON p.id = e.person_id "
        "WHERE n.id = ?",
        [note_id],
    ).fetchone()


def update_note(conn: sqlite3.Connection, note_id: int, values: dict) -> None:
    assignments = ", ".join(f"{column} = ?" for column in values)
    conn.execute(
        f"UPDATE notes SET {assignments}, edited_at = ? WHERE id = ?",
        [*values.values(), now(), note_id],
    )


def delete_note(conn: sqlite3.Connection, note_id: int) -> None:
    conn.execute("DELETE FROM notes WHERE id = ?", [note_id])


def notes_of(conn: sqlite3.Connection, episode_id: int) -> list[dict]:
    rows = conn.execute(
        "SELECT id, date, text, edited_at FROM notes WHERE episode_id = ? ORDER BY date, id",
        [episode_id],
    )
    return [dict(row) for row in rows]


# --- Concerns (another part of the tool adds them) ---------------------------------------------


def open_concerns(conn: sqlite3.Connection) -> list[dict]:
    """Open safeguarding concerns for `today`: [{id, person_id, name, date, category}], or []
    while the database has no `concerns` table. The one place `today` asks about concerns:
    the columns are read as the concerns table names them (person or episode link, a
    closed date or a status)."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(concerns)")}
    if not columns:
        return []
    person = (
        "c.person_id"
        if "person_id" in columns
        else (
            "(SELECT e.person_id FROM episodes e WHERE e.id = c.episode_id)"
            if "episode_id" in columns
            else "NULL"
        )
    )
    day = next(
        (c for c in ("date", "raised_date", "opened_date", "created_at") if c in columns), None
    )
    category = "c.category" if "category" in columns else "NULL"
    if "closed_date" in columns:
        still_open = "c.closed_date IS NULL"
    elif "status" in columns:
        still_open = "c.status IS NOT 'closed'"
    else:
        still_open = "1"
    rows = conn.execute(
        f"""SELECT id, person_id, (SELECT name FROM people WHERE id = person_id) AS name,
                   date, category FROM (
                SELECT c.id, {person} AS person_id,
                       {f"c.{day}" if day else "NULL"} AS date, {category} AS category
                FROM concerns c WHERE {still_open})
            ORDER BY date, id"""
    )
    return [dict(row) for row in rows]


# --- A rehearsal ---------------------------------------------------------------------------------


@contextlib.contextmanager
def rehearsal(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction that is always rolled back: --dry-run runs every rule for real
    (a re-referral, a duplicate) and then keeps nothing."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    finally:
        conn.execute("ROLLBACK")
