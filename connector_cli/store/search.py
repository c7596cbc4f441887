"""SQL for `connector search`: people by their details, and the full-text index (FTS5) that
triggers keep in step with every table of free text (migrations.m010_a_plans_notes_search)."""

from __future__ import annotations

import sqlite3

from connector_cli.migrations import SEARCH_KINDS

MARK_START, MARK_END = "\x02", "\x03"  # around matched words in snippets (never in stored text)

# Where each kind of entry comes from: its row (rowid // 8) gives a date and a label.
_SOURCES = {
    "note": "SELECT date FROM notes WHERE id = ?",
    "contact": "SELECT date FROM contacts WHERE id = ?",
    "goal": "SELECT set_date AS date FROM goals WHERE id = ?",
    "goal-review": "SELECT date FROM goal_reviews WHERE id = ?",
    "what-matters": "SELECT date FROM conversations WHERE id = ?",
    "gap": "SELECT date FROM gaps WHERE id = ?",
    "directory": "SELECT coalesce(verified_date, substr(created_at, 1, 10)) AS date, name "
    "FROM directory_entries WHERE id = ?",
}
_KIND_OF_NUMBER = {number: kind for kind, number in SEARCH_KINDS.items()}


def people_columns(conn: sqlite3.Connection) -> set[str]:
    return {row[1] for row in conn.execute("PRAGMA table_info(people)")}


def _people_where(conn, like: str | None, digits: str | None) -> tuple[str, dict]:
    places = [c for c in ("area", "postcode") if c in people_columns(conn)]
    tests = []
    if like is not None:
        tests += [f"{c} LIKE :like ESCAPE '\\'" for c in ("name", *places)]
    if digits is not None:
        tests.append(
            "replace(replace(replace(replace(phone, ' ', ''), '-', ''), '(', ''), ')', '') "
            "LIKE '%' || :digits || '%'"
        )
    return " OR ".join(tests) or "0", {"like": f"%{like}%", "digits": digits, "start": f"{like}%"}


def people_with(
    conn: sqlite3.Connection, *, like: str | None, digits: str | None, limit: int
) -> list[dict]:
    """People whose name, area (or postcode, where recorded) contains `like` (ASCII, LIKE-
    escaped), or whose phone contains `digits` once spaces and dashes are left out: the whole
    name first, then names starting with it, then a word of the name, then the rest."""
    where, params = _people_where(conn, like, digits)
    places = [c for c in ("area", "postcode") if c in people_columns(conn)]
    select = ", ".join(["id", "name", "phone", *places])
    rows = conn.execute(
        f"""SELECT {select} FROM people WHERE {where}
            ORDER BY CASE WHEN name LIKE :start ESCAPE '\\' THEN
                          (CASE WHEN lower(name) = lower(:exact) THEN 0 ELSE 1 END)
                     WHEN name LIKE '% ' || :start ESCAPE '\\' THEN 2 ELSE 3 END, name, id
            LIMIT :limit""",
        {**params, "exact": like, "limit": limit},
    )
    return [dict(row) for row in rows]


def all_people_names(conn: sqlite3.Connection) -> list[dict]:
    """For a name fragment beyond ASCII (SQLite's LIKE folds ASCII letters only)."""
    places = [c for c in ("area", "postcode") if c in people_columns(conn)]
    select = ", ".join(["id", "name", "phone", *places])
    return [dict(row) for row in conn.execute(f"SELECT {select} FROM people")]


RANK_AT_MOST = 2000  # bm25 costs a lookup per match: beyond this, rank the newest ones only


def text_matches(conn: sqlite3.Connection, query: str, limit: int) -> tuple[int, list[dict]]:
    """(how many entries match, the best `limit` of them by rank) for an FTS5 query built by
    search.fts_query; each with the person (None for the directory) and a snippet.

    A word found in tens of thousands of entries ("family") is ranked among the newest
    RANK_AT_MOST of them (rowids grow with each source table's ids), which keeps a search
    well under a second at 20,000 people; counting every match is cheap."""
    total = conn.execute(
        "SELECT count(*) FROM search_index WHERE search_index MATCH ?", [query]
    ).fetchone()[0]
    if not total or not limit:
        return total, []
    floor = 0
    if total > RANK_AT_MOST:
        floor = conn.execute(
            "SELECT rowid FROM search_index WHERE search_index MATCH ? "
            "ORDER BY rowid DESC LIMIT 1 OFFSET ?",
            [query, RANK_AT_MOST - 1],
        ).fetchone()[0]
    rows = conn.execute(
        f"""SELECT s.rowid AS rowid, s.person_id, s.kind, p.name,
                   snippet(search_index, 2, '{MARK_START}', '{MARK_END}', '…', 16) AS snippet
            FROM search_index s LEFT JOIN people p ON p.id = s.person_id
            WHERE search_index MATCH ? AND s.rowid >= ? ORDER BY rank LIMIT ?""",
        [query, floor, limit],
    ).fetchall()
    found = []
    for row in rows:
        source_id, kind = divmod(row["rowid"], 8)
        source = conn.execute(_SOURCES[_KIND_OF_NUMBER[kind]], [source_id]).fetchone()
        found.append(
            {
                **dict(row),
                "source_id": source_id,
                "date": source["date"] if source else None,
                "entry": source["name"] if source and "name" in source.keys() else None,
            }
        )
    return total, found


def count_people_with(conn: sqlite3.Connection, *, like: str | None, digits: str | None) -> int:
    where, params = _people_where(conn, like, digits)
    return conn.execute(f"SELECT count(*) FROM people WHERE {where}", params).fetchone()[0]


def optimize_index(conn: sqlite3.Connection) -> None:
    """Merge the index into one segment, dropping every deleted entry: FTS5 otherwise keeps a
    deleted row's words in older segments (marked deleted) until a later merge."""
    conn.execute("INSERT INTO search_index (search_index) VALUES ('optimize')")
