"""SQL for questionnaire administrations (measures) and their item answers."""

from __future__ import annotations

import sqlite3

from connector_cli.store import insert, now
from connector_cli.store.pathway import SUPPORT_KINDS_SQL


def insert_measure(
    conn: sqlite3.Connection,
    episode_id: int,
    values: dict,
    answers: list[tuple[str, int | None, str | None]],
) -> int:
    """One administration (or a not-collected record) with every item answer."""
    measure_id = insert(conn, "measures", {"episode_id": episode_id, **values, "created_at": now()})
    conn.executemany(
        "INSERT INTO measure_answers (measure_id, item, value, answer) VALUES (?, ?, ?, ?)",
        [(measure_id, item, value, answer) for item, value, answer in answers],
    )
    return measure_id


def measure(conn: sqlite3.Connection, measure_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM measures WHERE id = ?", [measure_id]).fetchone()


def episode_measures(conn: sqlite3.Connection, episode_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM measures WHERE episode_id = ? ORDER BY date, id", [episode_id]
    ).fetchall()


def answers_for_episode(conn: sqlite3.Connection, episode_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT a.* FROM measure_answers a JOIN measures m ON m.id = a.measure_id "
        "WHERE m.episode_id = ? ORDER BY a.measure_id",
        [episode_id],
    ).fetchall()


def measure_answers(conn: sqlite3.Connection, measure_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM measure_answers WHERE measure_id = ?", [measure_id]
    ).fetchall()


def taken(
    conn: sqlite3.Connection, episode_id: int, instrument: str, stage: str
) -> list[sqlite3.Row]:
    """Earlier records of this instrument at this stage (scored or not collected)."""
    return conn.execute(
        "SELECT * FROM measures WHERE episode_id = ? AND instrument = ? AND stage = ? "
        "ORDER BY date, id",
        [episode_id, instrument, stage],
    ).fetchall()


def stage_records(conn: sqlite3.Connection, episode_id: int, stage: str) -> list[sqlite3.Row]:
    """Every record of the episode at one stage (scored or not collected), oldest first."""
    return conn.execute(
        "SELECT * FROM measures WHERE episode_id = ? AND stage = ? ORDER BY date, id",
        [episode_id, stage],
    ).fetchall()


def first_support_contact(conn: sqlite3.Connection, episode_id: int) -> str | None:
    return conn.execute(
        f"SELECT min(date) FROM contacts WHERE episode_id = ? AND kind IN {SUPPORT_KINDS_SQL} "
        "AND after_closure = 0",
        [episode_id],
    ).fetchone()[0]


def delete_measure(conn: sqlite3.Connection, measure_id: int) -> None:
    conn.execute("DELETE FROM measure_answers WHERE measure_id = ?", [measure_id])
    conn.execute("DELETE FROM measures WHERE id = ?", [measure_id])
