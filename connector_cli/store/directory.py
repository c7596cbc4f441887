"""SQL for the community directory (directory_entries) and the gaps register (gaps)."""

from __future__ import annotations

import sqlite3
from datetime import date

from connector_cli.store import insert, now, update

OUTCOMES = ("attended", "still-attending", "did-not-attend", "stopped-attending", "not-known")
NOT_RECORDED = "not-recorded"


# --- Directory entries -------------------------------------------------------------------------


def insert_entry(conn: sqlite3.Connection, values: dict) -> int:
    return insert(conn, "directory_entries", {**values, "created_at": now()})


def update_entry(conn: sqlite3.Connection, entry_id: int, values: dict) -> None:
    update(conn, "directory_entries", entry_id, values)


def entry(conn: sqlite3.Connection, entry_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM directory_entries WHERE id = ?", [entry_id]).fetchone()


def entries(
    conn: sqlite3.Connection,
    *,
    include_retired: bool = False,
    group: str | None = None,
    sub: str | None = None,
) -> list[sqlite3.Row]:
    """Entries by name; optionally only one category group (and sub-category)."""
    where, params = ["1 = 1"], []
    if not include_retired:
        where.append("retired_date IS NULL")
    if group is not None:
        where.append("category_group = ?")
        params.append(group)
    if sub is not None:
        where.append("category_sub = ?")
        params.append(sub)
    return conn.execute(
        f"SELECT * FROM directory_entries WHERE {' AND '.join(where)} "
        "ORDER BY name COLLATE NOCASE, id",
        params,
    ).fetchall()


def all_entries_in_order(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every entry, retired too, in the order they were added (for export)."""
    return conn.execute("SELECT * FROM directory_entries ORDER BY id").fetchall()


def signpost_use(conn: sqlite3.Connection, entry_id: int) -> tuple[int, int, dict[str, int]]:
    """(signposts made to the entry, distinct people, count per outcome) — never who."""
    totals = conn.execute(
        """
        SELECT count(*) AS signposts, count(DISTINCT e.person_id) AS people
        FROM signposts s JOIN episodes e ON e.id = s.episode_id
        WHERE s.entry_id = ?
        """,
        [entry_id],
    ).fetchone()
    outcomes = dict.fromkeys((*OUTCOMES, NOT_RECORDED), 0)
    for row in conn.execute(
        "SELECT coalesce(outcome, ?) AS outcome, count(*) AS n FROM signposts "
        "WHERE entry_id = ? GROUP BY 1",
        [NOT_RECORDED, entry_id],
    ):
        outcomes[row["outcome"]] = row["n"]
    return totals["signposts"], totals["people"], outcomes


# --- Gaps --------------------------------------------------------------------------------------


def insert_gap(conn: sqlite3.Connection, values: dict) -> int:
    return insert(conn, "gaps", {**values, "created_at": now()})


def gaps(conn: sqlite3.Connection, start: date | None, end: date | None) -> list[sqlite3.Row]:
    """Gaps dated from start to end (both included; None means unbounded), oldest first."""
    return conn.execute(
        "SELECT * FROM gaps WHERE date >= coalesce(?, date) AND date <= coalesce(?, date) "
        "ORDER BY date, id",
        [start.isoformat() if start else None, end.isoformat() if end else None],
    ).fetchall()


def gap_counts(conn: sqlite3.Connection, start: date | str, end: date | str) -> list[dict]:
    """Unmet needs dated in the period (inclusive), counted by category, area and reason.

    For `gaps.csv` (`category,area,reason,count`): category is written `group/sub` (or just the
    group where it has no sub-codes); area is grouped case-insensitively (shown in one of
    its spellings) and is "not stated" when none was given. Only combinations that occurred are
    returned, sorted by category, area and reason. Never the need text or the person.
    """
    rows = conn.execute(
        """
        SELECT category_group || coalesce('/' || category_sub, '') AS category,
               coalesce(min(trim(area)), 'not stated') AS area,
               reason,
               count(*) AS count
        FROM gaps
        WHERE date BETWEEN ? AND ?
        GROUP BY category_group, category_sub, lower(trim(coalesce(area, ''))), reason
        ORDER BY category, lower(area), reason
        """,
        [str(start), str(end)],  # a date's str() is its ISO text; ISO text passes through
    )
    return [dict(row) for row in rows]


def gap(conn: sqlite3.Connection, gap_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM gaps WHERE id = ?", [gap_id]).fetchone()


def update_gap(conn: sqlite3.Connection, gap_id: int, values: dict) -> None:
    update(conn, "gaps", gap_id, values)


def delete_gap(conn: sqlite3.Connection, gap_id: int) -> None:
    conn.execute("DELETE FROM gaps WHERE id = ?", [gap_id])
