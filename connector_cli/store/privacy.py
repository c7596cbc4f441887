"""SQL for protecting people's data: copies of the file, one person's records, erasure."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from connector_cli.migrations import MIGRATION_SET, MIGRATIONS

# Records that hang off an episode, as (kind, SQL selecting their rows for one episode).
EPISODE_RECORDS: dict[str, str] = {
    "triggers": "SELECT * FROM episode_triggers WHERE episode_id = ? ORDER BY trigger",
    "conversations": "SELECT * FROM conversations WHERE episode_id = ? ORDER BY date, id",
    "goals": "SELECT * FROM goals WHERE episode_id = ? ORDER BY number",
    "contacts": "SELECT * FROM contacts WHERE episode_id = ? ORDER BY date, id",
    "signposts": "SELECT * FROM signposts WHERE episode_id = ? ORDER BY date, id",
    "measures": "SELECT * FROM measures WHERE episode_id = ? ORDER BY date, id",
    "notes": "SELECT * FROM notes WHERE episode_id = ? ORDER BY date, id",
    "plans": "SELECT * FROM plans WHERE episode_id = ? ORDER BY date, id",
}

# How many records of each kind hang off a set of episodes `e` (a CTE the caller supplies).
_EPISODE_COUNTS = """
  (SELECT count(*) FROM e) AS episodes,
  (SELECT count(*) FROM episode_triggers WHERE episode_id IN e) AS triggers,
  (SELECT count(*) FROM conversations WHERE episode_id IN e) AS conversations,
  (SELECT count(*) FROM conversation_answers WHERE conversation_id IN
     (SELECT id FROM conversations WHERE episode_id IN e)) AS conversation_answers,
  (SELECT count(*) FROM goals WHERE episode_id IN e) AS goals,
  (SELECT count(*) FROM goal_reviews WHERE goal_id IN
     (SELECT id FROM goals WHERE episode_id IN e)) AS goal_reviews,
  (SELECT count(*) FROM contacts WHERE episode_id IN e) AS contacts,
  (SELECT count(*) FROM signposts WHERE episode_id IN e) AS signposts,
  (SELECT count(*) FROM signpost_outcomes WHERE signpost_id IN
     (SELECT id FROM signposts WHERE episode_id IN e)) AS signpost_outcomes,
  (SELECT count(*) FROM measures WHERE episode_id IN e) AS measures,
  (SELECT count(*) FROM measure_answers WHERE measure_id IN
     (SELECT id FROM measures WHERE episode_id IN e)) AS measure_answers,
  (SELECT count(*) FROM notes WHERE episode_id IN e) AS notes,
  (SELECT count(*) FROM plans WHERE episode_id IN e) AS plans
"""


# --- Whole-file copies ---------------------------------------------------------------------------


def table_names(conn: sqlite3.Connection) -> list[str]:
    """Every table, SQLite's own aside."""
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [row[0] for row in rows]


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows in every table. Call inside a read transaction for figures from one moment."""
    return {
        name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        for name in table_names(conn)
    }


def create_private(path: Path) -> None:
    """Create an empty file readable by its owner only; refuse to touch an existing one."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def copy_database(source: sqlite3.Connection, target: Path) -> dict[str, int]:
    """Copy `source` into the new file `target` with SQLite's online backup; return row counts.

    The counts and the copy are taken in one read transaction, so they describe the same moment
    even while another window is writing. The copy is left as one self-contained file (rollback
    journal, not WAL), so it can be moved, mailed to an encrypted drive or restored on its own.
    """
    create_private(target)
    copy = sqlite3.connect(target, isolation_level=None)
    try:
        source.execute("BEGIN")
        try:
            counts = table_counts(source)
            source.backup(copy)
        finally:
            source.execute("COMMIT")
        copy.execute("PRAGMA journal_mode = DELETE")
    finally:
        copy.close()
    return counts


def people_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM people").fetchone()[0]


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}


def missing_schema(conn: sqlite3.Connection) -> list[str]:
    """Tables (or table.columns) of the current schema that `conn`'s database lacks.

    The current schema is built fresh in memory from the migrations, so the check does not
    depend on the database being replaced (there may be none).
    """
    from connector_cli.migrations import apply_migrations

    reference = sqlite3.connect(":memory:", isolation_level=None)
    try:
        apply_migrations(reference)
        expected = {name: _columns(reference, name) for name in table_names(reference)}
    finally:
        reference.close()
    have = set(table_names(conn))
    missing = []
    for table, columns in expected.items():
        if table not in have:
            missing.append(f"table {table}")
        else:
            missing += [f"{table}.{c}" for c in sorted(columns - _columns(conn, table))]
    return missing


def open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)


def integrity_problem(conn: sqlite3.Connection) -> str | None:
    """None when `PRAGMA integrity_check` passes, else its first complaint."""
    result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    return None if result == ["ok"] else result[0]


def connector_migrations(conn: sqlite3.Connection) -> list[str] | None:
    """The connector migrations recorded in a database file, or None if it has none."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone()
    if not exists:
        return None
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
        )
    ]
    return names or None


def known_migrations() -> set[str]:
    return {fn.__name__ for fn in MIGRATIONS}


def checkpoint(conn: sqlite3.Connection) -> bool:
    """Fold the WAL into the main file and empty it; False if another window held it open."""
    busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return busy == 0


# --- One person ----------------------------------------------------------------------------------


def person_row(conn: sqlite3.Connection, person_id: int) -> dict:
    return dict(conn.execute("SELECT * FROM people WHERE id = ?", [person_id]).fetchone())


def episode_rows(conn: sqlite3.Connection, person_id: int) -> list[dict]:
    rows = conn.execute(
        "SELECT * FROM episodes WHERE person_id = ? ORDER BY referral_date, id", [person_id]
    )
    return [dict(row) for row in rows]


def episode_records(conn: sqlite3.Connection, episode_id: int, kind: str) -> list[dict]:
    return [dict(row) for row in conn.execute(EPISODE_RECORDS[kind], [episode_id])]


def conversation_answers(conn: sqlite3.Connection, conversation_id: int) -> list[dict]:
    rows = conn.execute(
        "SELECT key, answer FROM conversation_answers WHERE conversation_id = ? ORDER BY key",
        [conversation_id],
    )
    return [dict(row) for row in rows]


def goal_reviews(conn: sqlite3.Connection, goal_id: int) -> list[dict]:
    rows = conn.execute("SELECT * FROM goal_reviews WHERE goal_id = ? ORDER BY date, id", [goal_id])
    return [dict(row) for row in rows]


def signpost_outcomes(conn: sqlite3.Connection, signpost_id: int) -> list[dict]:
    rows = conn.execute(
        "SELECT date, outcome FROM signpost_outcomes WHERE signpost_id = ? ORDER BY date, id",
        [signpost_id],
    )
    return [dict(row) for row in rows]


def measure_answers(conn: sqlite3.Connection, measure_id: int) -> list[dict]:
    rows = conn.execute(
        "SELECT item, value, answer FROM measure_answers WHERE measure_id = ? ORDER BY item",
        [measure_id],
    )
    return [dict(row) for row in rows]


def linked_gaps(conn: sqlite3.Connection, person_id: int) -> list[dict]:
    rows = conn.execute("SELECT * FROM gaps WHERE person_id = ? ORDER BY date, id", [person_id])
    return [dict(row) for row in rows]


def person_counts(conn: sqlite3.Connection, person_id: int) -> dict[str, int]:
    """Records of each kind held about one person (gap_links: gaps that name them)."""
    sql = (
        "WITH e AS (SELECT id FROM episodes WHERE person_id = :person) SELECT "
        "(SELECT count(*) FROM people WHERE id = :person) AS people, "
        + _EPISODE_COUNTS
        + ", (SELECT count(*) FROM gaps WHERE person_id = :person) AS gap_links"
    )
    return dict(conn.execute(sql, {"person": person_id}).fetchone())


def episode_counts(conn: sqlite3.Connection, episode_ids: list[int]) -> dict[str, int]:
    sql = "WITH e AS (SELECT value AS id FROM json_each(:episodes)) SELECT " + _EPISODE_COUNTS
    return dict(conn.execute(sql, {"episodes": json.dumps(episode_ids)}).fetchone())


# --- Erasure -------------------------------------------------------------------------------------


def delete_person(conn: sqlite3.Connection, person_id: int) -> None:
    """Delete a person; foreign keys cascade to every episode record and unlink their gaps."""
    conn.execute("DELETE FROM people WHERE id = ?", [person_id])


def delete_episodes(conn: sqlite3.Connection, episode_ids: list[int]) -> None:
    conn.executemany("DELETE FROM episodes WHERE id = ?", [[i] for i in episode_ids])


def people_without_episodes(conn: sqlite3.Connection, person_ids: set[int]) -> list[int]:
    return [
        pid
        for pid in sorted(person_ids)
        if not conn.execute("SELECT 1 FROM episodes WHERE person_id = ?", [pid]).fetchone()
    ]


def scrub_free_space(conn: sqlite3.Connection) -> str | None:
    """After an erasure: leave no trace of deleted rows in free pages or the WAL.

    secure_delete (on for the deletion) zeroes the deleted cells; VACUUM then rewrites every
    page of the file (in memory rather than through a temporary file) and the checkpoint folds
    the WAL into the main file and empties it. False if another window kept the WAL from being
    emptied: its old pages are then overwritten at a later checkpoint.

    Returns None when done, "busy" when another window kept it from finishing, else the error
    (e.g. a full disk). The erasure itself is already committed either way.
    """
    from connector_cli.store.search import optimize_index

    try:
        optimize_index(conn)  # the search index drops the deleted words, not just marks them
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("VACUUM")
        return None if checkpoint(conn) else "busy"
    except sqlite3.Error as error:
        text = str(error)
        return "busy" if "locked" in text or "busy" in text else text


def text_mentions(conn: sqlite3.Connection, text: str) -> dict[str, int]:
    """{"table.column": count} of text values still containing `text` (case-insensitive).

    Names shorter than four letters are not searched: they would match inside other words.
    """
    found: dict[str, int] = {}
    if len(text.strip()) < 4:
        return found
    for table in table_names(conn):
        if table.startswith("search_index"):
            continue  # the search index only repeats the text of the tables searched here
        for column in conn.execute(f'PRAGMA table_info("{table}")').fetchall():
            name = column[1]
            query = f'SELECT count(*) FROM "{table}" WHERE instr(lower("{name}"), lower(?)) > 0'
            count = conn.execute(query, [text]).fetchone()[0]
            if count:
                found[f"{table}.{name}"] = count
    return found


# --- Retention -----------------------------------------------------------------------------------


def closed_episodes_before(conn: sqlite3.Connection, cutoff: str) -> list[dict]:
    """Episodes closed (or declined/failed at referral) before the ISO date `cutoff`."""
    rows = conn.execute(
        """
        SELECT e.id AS episode_id, e.person_id, p.name, e.referral_date, e.status,
               e.closure_reason,
               coalesce(e.closure_date, e.status_date) AS closed_date,
               (SELECT count(*) FROM episodes o WHERE o.person_id = e.person_id) AS person_episodes
        FROM episodes e JOIN people p ON p.id = e.person_id
        WHERE coalesce(e.closure_date,
                       CASE WHEN e.status IN ('declined', 'failed') THEN e.status_date END) < ?
        ORDER BY closed_date, e.id
        """,
        [cutoff],
    )
    return [dict(row) for row in rows]


# --- Audit log -----------------------------------------------------------------------------------


def audit_entries(conn: sqlite3.Connection) -> list[dict]:
    rows = conn.execute("SELECT id, at, action, detail FROM audit_log ORDER BY id")
    return [dict(row) for row in rows]


def audit_entries_after(path: Path, after: str | None) -> list[tuple[str, str, str]]:
    """The (content-free) audit entries of another database file made after `after`."""
    try:
        # immutable: reading must not leave -wal/-shm files beside the copy set aside
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error:
        return []
    try:
        rows = conn.execute(
            "SELECT at, action, detail FROM audit_log WHERE ? IS NULL OR at >= ? ORDER BY id",
            [after, after],
        ).fetchall()
    except sqlite3.Error:
        rows = []  # a damaged or foreign file set aside: nothing to carry over
    finally:
        conn.close()
    return [tuple(row) for row in rows]


def latest_audit_time(conn: sqlite3.Connection) -> str | None:
    return conn.execute("SELECT max(at) FROM audit_log").fetchone()[0]


def add_audit_entries(conn: sqlite3.Connection, entries: list[tuple[str, str, str]]) -> list:
    """Add the entries this log does not hold yet (times are to the second, so an entry in the
    same second as the newest one here is compared whole); return those added."""
    held = set(map(tuple, conn.execute("SELECT at, action, detail FROM audit_log")))
    new = [entry for entry in entries if entry not in held]
    conn.executemany("INSERT INTO audit_log (at, action, detail) VALUES (?, ?, ?)", new)
    return new


# --- What a restore carries forward --------------------------------------------------------------


def pseudonym_secret(conn: sqlite3.Connection) -> bytes | None:
    from connector_cli.store.reports import PSEUDONYM_KEY

    try:
        row = conn.execute("SELECT value FROM secrets WHERE name = ?", [PSEUDONYM_KEY]).fetchone()
    except sqlite3.OperationalError:  # a database from before the secrets table
        return None
    return None if row is None else bytes(row[0])


def keep_pseudonym_secret(conn: sqlite3.Connection, key: bytes | None) -> str:
    """Give `conn`'s database the pseudonym key `key` (the current database's); say what
    happened: "same", "kept" (replaced or added) or "backup" (no key to keep)."""
    from connector_cli.store.reports import PSEUDONYM_KEY

    if key is None:
        return "backup"
    if pseudonym_secret(conn) == key:
        return "same"
    conn.execute(
        "INSERT INTO secrets (name, value) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        [PSEUDONYM_KEY, key],
    )
    return "kept"


def sequences(conn: sqlite3.Connection) -> dict[str, int]:
    """The highest number ever given out per AUTOINCREMENT table (or the highest in use)."""
    found: dict[str, int] = {}
    try:
        found = {row[0]: row[1] for row in conn.execute("SELECT name, seq FROM sqlite_sequence")}
    except sqlite3.OperationalError:
        pass
    for table in ("people", "episodes"):
        highest = conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
        found[table] = max(found.get(table, 0), highest)
    return found


def raise_sequences(conn: sqlite3.Connection, highest: dict[str, int]) -> None:
    """Make sure no number up to `highest[table]` is given out again in `conn`'s database."""
    for table, seq in highest.items():
        if table not in ("people", "episodes"):
            continue
        updated = conn.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", [seq, table]
        ).rowcount
        if not updated:
            conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [table, seq])
