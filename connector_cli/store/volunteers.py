"""SQL for the volunteer register and the contacts volunteers delivered."""

from __future__ import annotations

import sqlite3

from connector_cli.store import insert, now, update

SUPPORT_KINDS_SQL = "('face-to-face', 'telephone', 'video', 'message')"


def insert_volunteer(conn: sqlite3.Connection, values: dict) -> int:
    return insert(conn, "volunteers", {**values, "created_at": now()})


def retire(conn: sqlite3.Connection, volunteer_id: int, day: str) -> None:
    update(conn, "volunteers", volunteer_id, {"retired_date": day})


def volunteers(conn: sqlite3.Connection) -> list[dict]:
    return [dict(r) for r in conn.execute("SELECT * FROM volunteers ORDER BY name, id")]


def activity(conn: sqlite3.Connection, params: dict) -> dict[int, dict]:
    """Per volunteer: support contacts, minutes and distinct people supported in [s, e]."""
    rows = conn.execute(
        f"""
        SELECT c.volunteer_id, count(*) AS contacts, coalesce(sum(c.minutes), 0) AS minutes,
               count(DISTINCT e.person_id) AS people
        FROM contacts c JOIN episodes e ON e.id = c.episode_id
        WHERE c.volunteer_id IS NOT NULL AND c.date BETWEEN :s AND :e
          AND c.kind IN {SUPPORT_KINDS_SQL} AND c.after_closure = 0
        GROUP BY c.volunteer_id
        """,
        params,
    )
    return {row["volunteer_id"]: dict(row) for row in rows}
