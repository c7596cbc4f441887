"""SQL for the pathway records of one episode: triggers, conversations, goals, contacts,
signposts, status and closure."""

from __future__ import annotations

import sqlite3

from connector_cli.store import insert, now

SUPPORT_KINDS_SQL = "('face-to-face', 'telephone', 'video', 'message')"


def insert_person(conn: sqlite3.Connection, values: dict) -> int:
    return insert(conn, "people", {**values, "created_at": now()})


def insert_episode(conn: sqlite3.Connection, values: dict, triggers: tuple[str, ...]) -> int:
    episode_id = insert(conn, "episodes", {**values, "created_at": now()})
    conn.executemany(
        "INSERT INTO episode_triggers (episode_id, trigger) VALUES (?, ?)",
        [(episode_id, trigger) for trigger in triggers],
    )
    return episode_id


def set_status(conn: sqlite3.Connection, episode_id: int, values: dict) -> None:
    conn.execute(
        "UPDATE episodes SET status = ?, status_date = ?, status_reason = ?, decline_by = ? "
        "WHERE id = ?",
        [
            values["status"],
            values["date"],
            values.get("reason"),
            values.get("decline_by"),
            episode_id,
        ],
    )


def close(conn: sqlite3.Connection, episode_id: int, values: dict) -> None:
    conn.execute(
        "UPDATE episodes SET closure_date = ?, closure_reason = ?, closure_sub_reason = ?, "
        "closure_detail = ? WHERE id = ?",
        [values["date"], values["reason"], values["sub_reason"], values["detail"], episode_id],
    )


def insert_conversation(conn: sqlite3.Connection, episode_id: int, day: str, answers: dict) -> int:
    conversation_id = insert(
        conn, "conversations", {"episode_id": episode_id, "date": day, "created_at": now()}
    )
    conn.executemany(
        "INSERT INTO conversation_answers (conversation_id, key, answer) VALUES (?, ?, ?)",
        [(conversation_id, key, text) for key, text in answers.items()],
    )
    return conversation_id


def conversations(conn: sqlite3.Connection, episode_id: int) -> list[dict]:
    result = []
    for row in conn.execute(
        "SELECT * FROM conversations WHERE episode_id = ? ORDER BY date, id", [episode_id]
    ).fetchall():
        answers = conn.execute(
            "SELECT key, answer FROM conversation_answers WHERE conversation_id = ?", [row["id"]]
        )
        result.append({"id": row["id"], "date": row["date"], "answers": dict(answers.fetchall())})
    return result


GOALS_SQL = """
    SELECT g.*,
           (SELECT r.progress FROM goal_reviews r WHERE r.goal_id = g.id
            ORDER BY r.date DESC, r.id DESC LIMIT 1) AS progress,
           (SELECT r.date FROM goal_reviews r WHERE r.goal_id = g.id
            ORDER BY r.date DESC, r.id DESC LIMIT 1) AS reviewed
    FROM goals g WHERE g.episode_id = ?
"""


def goals(conn: sqlite3.Connection, episode_id: int) -> list[sqlite3.Row]:
    return conn.execute(GOALS_SQL + " ORDER BY g.number", [episode_id]).fetchall()


def insert_goal(conn: sqlite3.Connection, episode_id: int, values: dict) -> tuple[int, int]:
    number = conn.execute(
        "SELECT coalesce(max(number), 0) + 1 FROM goals WHERE episode_id = ?", [episode_id]
    ).fetchone()[0]
    goal_id = insert(conn, "goals", {"episode_id": episode_id, "number": number, **values})
    return goal_id, number


def insert_goal_review(conn: sqlite3.Connection, goal_id: int, values: dict) -> int:
    return insert(conn, "goal_reviews", {"goal_id": goal_id, **values})


def drop_goal(conn: sqlite3.Connection, goal_id: int, day: str) -> None:
    conn.execute("UPDATE goals SET dropped_date = ? WHERE id = ?", [day, goal_id])


def insert_contact(conn: sqlite3.Connection, episode_id: int, values: dict) -> int:
    return insert(conn, "contacts", {"episode_id": episode_id, **values, "created_at": now()})


def contacts(conn: sqlite3.Connection, episode_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM contacts WHERE episode_id = ? ORDER BY date, id", [episode_id]
    ).fetchall()


def last_support_contact(conn: sqlite3.Connection, episode_id: int) -> str | None:
    return conn.execute(
        f"SELECT max(date) FROM contacts WHERE episode_id = ? AND kind IN {SUPPORT_KINDS_SQL} "
        "AND after_closure = 0",
        [episode_id],
    ).fetchone()[0]


def last_dated_event(conn: sqlite3.Connection, episode_id: int) -> str | None:
    """The latest date of anything recorded in the episode that a closure must not precede."""
    return conn.execute(
        f"""SELECT max(d) FROM (
            SELECT max(date) AS d FROM contacts WHERE episode_id = :e AND after_closure = 0
                AND kind IN {SUPPORT_KINDS_SQL}
            UNION ALL SELECT max(set_date) FROM goals WHERE episode_id = :e
            UNION ALL SELECT max(date) FROM signposts WHERE episode_id = :e
        )""",
        {"e": episode_id},
    ).fetchone()[0]


def insert_signpost(conn: sqlite3.Connection, episode_id: int, values: dict) -> int:
    return insert(conn, "signposts", {"episode_id": episode_id, **values, "created_at": now()})


def signpost(conn: sqlite3.Connection, signpost_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM signposts WHERE id = ?", [signpost_id]).fetchone()


def signposts(conn: sqlite3.Connection, episode_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM signposts WHERE episode_id = ? ORDER BY date, id", [episode_id]
    ).fetchall()


def set_signpost_outcome(
    conn: sqlite3.Connection, signpost_id: int, outcome: str, day: str
) -> None:
    """Keep every outcome with its date; the signpost's own outcome (the one figures use) is
    the latest, by date and then by when it was recorded."""
    insert(
        conn,
        "signpost_outcomes",
        {"signpost_id": signpost_id, "date": day, "outcome": outcome, "created_at": now()},
    )
    conn.execute(
        """UPDATE signposts SET (outcome, outcome_date) = (
               SELECT outcome, date FROM signpost_outcomes WHERE signpost_id = :s
               ORDER BY date DESC, id DESC LIMIT 1)
           WHERE id = :s""",
        {"s": signpost_id},
    )
