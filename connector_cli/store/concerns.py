"""SQL for safeguarding concerns. Only counts of them ever reach a report."""

from __future__ import annotations

import sqlite3

from connector_cli.store import insert, now, update

_LISTED = """
    SELECT c.*, p.name AS person_name FROM concerns c JOIN people p ON p.id = c.person_id
"""


def insert_concern(conn: sqlite3.Connection, values: dict) -> int:
    return insert(conn, "concerns", {**values, "created_at": now()})


def update_concern(conn: sqlite3.Connection, concern_id: int, values: dict) -> None:
    update(conn, "concerns", concern_id, {**values, "updated_at": now()})


def concern(conn: sqlite3.Connection, concern_id: int) -> dict | None:
    row = conn.execute(_LISTED + " WHERE c.id = ?", [concern_id]).fetchone()
    return dict(row) if row else None


def person_concerns(conn: sqlite3.Connection, person_id: int) -> list[dict]:
    rows = conn.execute(_LISTED + " WHERE c.person_id = ? ORDER BY c.date, c.id", [person_id])
    return [dict(row) for row in rows]


def list_concerns(conn: sqlite3.Connection, *, open_only: bool) -> list[dict]:
    where = " WHERE c.closed_date IS NULL" if open_only else ""
    rows = conn.execute(_LISTED + where + " ORDER BY c.closed_date IS NOT NULL, c.date, c.id")
    return [dict(row) for row in rows]


def open_concerns(conn: sqlite3.Connection) -> list[dict]:
    """Every concern not yet closed, oldest first, with the person's name (for caseload,
    show and today)."""
    return list_concerns(conn, open_only=True)


def concern_counts(conn: sqlite3.Connection, params: dict) -> dict[str, int]:
    """Raised in the period [s, e], and open at its end (raised by then, not closed by then)."""
    row = conn.execute(
        """
        SELECT
          (SELECT count(*) FROM concerns WHERE date BETWEEN :s AND :e) AS raised,
          (SELECT count(*) FROM concerns
             WHERE date <= :e AND (closed_date IS NULL OR closed_date > :e)) AS open_at_end
        """,
        params,
    ).fetchone()
    return {"raised": row["raised"], "open_at_end": row["open_at_end"]}
