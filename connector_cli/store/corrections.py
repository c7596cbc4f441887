"""SQL for correcting and removing records, and for the corrections `show` lists.

A correction is audited like every other change to the data: the action, when, and the ids
involved (record, episode, person) - never what the record said before or after.
"""

from __future__ import annotations

import sqlite3

from connector_cli.store import audit

# Audit actions written by corrections (shown by `show` for the episode or person they name).
ACTIONS = (
    "person edited",
    "referral edited",
    "contact edited",
    "contact moved",
    "contact removed",
    "goal edited",
    "goal removed",
    "signpost edited",
    "signpost removed",
    "closure edited",
    "episode reopened",
    "what-matters edited",
)


def record(conn: sqlite3.Connection, action: str, **ids: object) -> None:
    """Audit one correction: ids and the names of the fields changed, nothing else."""
    assert action in ACTIONS, action
    audit.record(conn, action, **ids)


def _audit_id(key: str) -> str:
    """The indexed expression (m005) for an id in an audit entry's detail."""
    return f"(CASE WHEN json_valid(detail) THEN json_extract(detail, '$.{key}') END)"


def corrections_of(conn: sqlite3.Connection, person_id: int, episode_id: int) -> list[dict]:
    """Corrections that touched this person or episode, oldest first (content-free).

    Only entries made since the record was created count: an erased person's number, given
    again to someone new, must not bring the erased record's corrections with it."""
    actions = {f"a{i}": action for i, action in enumerate(ACTIONS)}
    since_episode = "(SELECT created_at FROM episodes WHERE id = :e)"
    since_person = "(SELECT created_at FROM people WHERE id = :p)"
    found = " UNION ".join(
        f"SELECT id FROM audit_log WHERE {_audit_id(key)} = :{param} AND at >= {since}"
        for key, param, since in (
            ("episode", "e", since_episode),
            ("to_episode", "e", since_episode),
            ("person", "p", since_person),
        )
    )
    rows = conn.execute(
        f"""SELECT at, action, detail FROM audit_log
            WHERE id IN ({found})
              AND action IN ({", ".join(":" + name for name in actions)})
            ORDER BY id""",
        {"e": episode_id, "p": person_id, **actions},
    ).fetchall()
    return [dict(row) for row in rows]


def contact(conn: sqlite3.Connection, contact_id: int) -> sqlite3.Row | None:
    if contact_id >= 2**63:
        return None
    return conn.execute("SELECT * FROM contacts WHERE id = ?", [contact_id]).fetchone()


def signpost(conn: sqlite3.Connection, signpost_id: int) -> sqlite3.Row | None:
    if signpost_id >= 2**63:
        return None
    return conn.execute("SELECT * FROM signposts WHERE id = ?", [signpost_id]).fetchone()


def delete(conn: sqlite3.Connection, table: str, row_id: int) -> None:
    """Delete one contact, goal or signpost (its reviews or outcomes go with it)."""
    assert table in ("contacts", "goals", "signposts"), table
    conn.execute(f"DELETE FROM {table} WHERE id = ?", [row_id])


def goal_review_dates(conn: sqlite3.Connection, goal_id: int) -> tuple[str | None, str | None]:
    """(first, last) review date of a goal."""
    row = conn.execute(
        "SELECT min(date), max(date) FROM goal_reviews WHERE goal_id = ?", [goal_id]
    ).fetchone()
    return row[0], row[1]


def first_outcome_date(conn: sqlite3.Connection, signpost_id: int) -> str | None:
    return conn.execute(
        "SELECT min(date) FROM signpost_outcomes WHERE signpost_id = ?", [signpost_id]
    ).fetchone()[0]


def signpost_outcomes(conn: sqlite3.Connection, episode_id: int) -> dict[int, list[dict]]:
    """Each signpost's outcomes in the order they happened, by signpost id."""
    found: dict[int, list[dict]] = {}
    for row in conn.execute(
        """SELECT o.signpost_id, o.date, o.outcome FROM signpost_outcomes o
           JOIN signposts s ON s.id = o.signpost_id
           WHERE s.episode_id = ? ORDER BY o.date, o.id""",
        [episode_id],
    ):
        found.setdefault(row["signpost_id"], []).append({"date": row[1], "outcome": row[2]})
    return found


# Dated records of an episode, for keeping a corrected referral, decision or closure date in
# order with them: (what, the SQL of their earliest and latest date).
_DATED = {
    "contact": "SELECT min(date), max(date) FROM contacts WHERE episode_id = :e",
    "support contact": "SELECT min(date), max(date) FROM contacts WHERE episode_id = :e "
    "AND after_closure = 0 AND kind IN ('face-to-face', 'telephone', 'video', 'message')",
    "goal": "SELECT min(set_date), max(set_date) FROM goals WHERE episode_id = :e",
    "goal review": "SELECT min(r.date), max(r.date) FROM goal_reviews r "
    "JOIN goals g ON g.id = r.goal_id WHERE g.episode_id = :e",
    "dropped goal": "SELECT min(dropped_date), max(dropped_date) FROM goals WHERE episode_id = :e",
    "signpost": "SELECT min(date), max(date) FROM signposts WHERE episode_id = :e",
    "what-matters conversation": "SELECT min(date), max(date) FROM conversations "
    "WHERE episode_id = :e",
    "questionnaire": "SELECT min(date), max(date) FROM measures WHERE episode_id = :e",
    "follow-up questionnaire": "SELECT min(date), max(date) FROM measures "
    "WHERE episode_id = :e AND stage = 'follow-up'",
    "keep-in-touch contact": "SELECT min(date), max(date) FROM contacts WHERE episode_id = :e "
    "AND after_closure = 1",
}


def date_range(
    conn: sqlite3.Connection, episode_id: int, what: str
) -> tuple[str | None, str | None]:
    """(earliest, latest) date of the episode's records of one kind (see _DATED)."""
    row = conn.execute(_DATED[what], {"e": episode_id}).fetchone()
    return row[0], row[1]


def end_measures(conn: sqlite3.Connection, episode_id: int) -> list[int]:
    """Ids of the episode's end and follow-up measures (taken or skipped)."""
    rows = conn.execute(
        "SELECT id FROM measures WHERE episode_id = ? AND stage IN ('end', 'follow-up') "
        "ORDER BY id",
        [episode_id],
    )
    return [row[0] for row in rows]


def reopen(conn: sqlite3.Connection, episode_id: int) -> int:
    """Clear the closure; keep-in-touch contacts become support again. Returns how many."""
    conn.execute(
        "UPDATE episodes SET closure_date = NULL, closure_reason = NULL, "
        "closure_sub_reason = NULL, closure_detail = NULL WHERE id = ?",
        [episode_id],
    )
    cursor = conn.execute(
        "UPDATE contacts SET after_closure = 0 WHERE episode_id = ? AND after_closure = 1",
        [episode_id],
    )
    return cursor.rowcount


def later_episode(conn: sqlite3.Connection, episode: sqlite3.Row) -> sqlite3.Row | None:
    """The person's next episode after this one, if any."""
    return conn.execute(
        """SELECT * FROM episodes WHERE person_id = ? AND id <> ?
           AND (referral_date > ? OR (referral_date = ? AND id > ?))
           ORDER BY referral_date, id LIMIT 1""",
        [
            episode["person_id"],
            episode["id"],
            episode["referral_date"],
            episode["referral_date"],
            episode["id"],
        ],
    ).fetchone()


def earlier_episode(conn: sqlite3.Connection, episode: sqlite3.Row) -> sqlite3.Row | None:
    return conn.execute(
        """SELECT * FROM episodes WHERE person_id = ? AND id <> ?
           AND (referral_date < ? OR (referral_date = ? AND id < ?))
           ORDER BY referral_date DESC, id DESC LIMIT 1""",
        [
            episode["person_id"],
            episode["id"],
            episode["referral_date"],
            episode["referral_date"],
            episode["id"],
        ],
    ).fetchone()


def latest_conversation(conn: sqlite3.Connection, episode_id: int) -> dict | None:
    from connector_cli.store.pathway import conversations

    found = conversations(conn, episode_id)
    return found[-1] if found else None


def replace_answers(conn: sqlite3.Connection, conversation_id: int, answers: dict) -> None:
    conn.execute("DELETE FROM conversation_answers WHERE conversation_id = ?", [conversation_id])
    conn.executemany(
        "INSERT INTO conversation_answers (conversation_id, key, answer) VALUES (?, ?, ?)",
        [(conversation_id, key, text) for key, text in answers.items()],
    )
