"""Numbered, append-only schema migrations.

A released migration is never edited: a change to the schema is a new function appended to
MIGRATIONS. They are applied through sqlite-utils' Migrations helper, which records each one in
the `_sqlite_migrations` table; `pending_names` lets the store skip importing sqlite-utils when
nothing is pending (the common case, and start-up time matters).
"""

from __future__ import annotations

import sqlite3

MIGRATION_SET = "connector"


def _run(db, statements: str) -> None:
    for statement in statements.split(";\n"):
        if statement.strip():
            db.execute(statement)


def m001_core(db) -> None:
    _run(
        db,
        """
CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (trim(name) <> ''),
    dob TEXT,
    gender TEXT,
    ethnicity TEXT,
    living TEXT,
    area TEXT,
    phone TEXT,
    email TEXT,
    consent_to_share INTEGER CHECK (consent_to_share IN (0, 1)),
    risks TEXT,
    no_known_risks INTEGER NOT NULL DEFAULT 0 CHECK (no_known_risks IN (0, 1)),
    created_at TEXT NOT NULL
);
CREATE TABLE episodes (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    previous_episode_id INTEGER REFERENCES episodes(id) ON DELETE SET NULL,
    referral_date TEXT NOT NULL,
    source TEXT,
    referrer TEXT,
    reason TEXT,
    age_at_referral INTEGER CHECK (age_at_referral IS NULL OR age_at_referral BETWEEN 0 AND 130),
    age_not_stated INTEGER NOT NULL DEFAULT 0,
    triggers_answered INTEGER NOT NULL DEFAULT 0,
    no_triggers INTEGER NOT NULL DEFAULT 0,
    primary_trigger TEXT,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'accepted', 'declined', 'failed')),
    status_date TEXT,
    status_reason TEXT,
    decline_by TEXT,
    closure_date TEXT,
    closure_reason TEXT,
    closure_sub_reason TEXT,
    closure_detail TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_episodes_person ON episodes(person_id);
CREATE INDEX idx_episodes_referral_date ON episodes(referral_date);
CREATE INDEX idx_episodes_closure_date ON episodes(closure_date);
CREATE INDEX idx_episodes_status ON episodes(status, closure_date);
CREATE TABLE episode_triggers (
    episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
    trigger TEXT NOT NULL,
    PRIMARY KEY (episode_id, trigger)
) WITHOUT ROWID;
CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_conversations_episode ON conversations(episode_id);
CREATE TABLE conversation_answers (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    answer TEXT NOT NULL,
    PRIMARY KEY (conversation_id, key)
) WITHOUT ROWID;
CREATE TABLE goals (
    id INTEGER PRIMARY KEY,
    episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    text TEXT NOT NULL,
    domain TEXT NOT NULL,
    set_date TEXT NOT NULL,
    dropped_date TEXT,
    UNIQUE (episode_id, number)
);
CREATE INDEX idx_goals_set_date ON goals(set_date);
CREATE TABLE goal_reviews (
    id INTEGER PRIMARY KEY,
    goal_id INTEGER NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    progress TEXT NOT NULL CHECK (progress IN ('achieved', 'a-lot', 'some', 'none')),
    note TEXT
);
CREATE INDEX idx_goal_reviews_goal ON goal_reviews(goal_id, date);
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    kind TEXT NOT NULL,
    minutes INTEGER CHECK (minutes IS NULL OR minutes > 0),
    delivered_by TEXT NOT NULL DEFAULT 'connector' CHECK (delivered_by IN ('connector', 'volunteer')),
    volunteer TEXT,
    location TEXT,
    journey INTEGER NOT NULL DEFAULT 0,
    note TEXT,
    after_closure INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_contacts_episode ON contacts(episode_id, date);
CREATE INDEX idx_contacts_date ON contacts(date);
CREATE TABLE directory_entries (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    category_group TEXT NOT NULL,
    category_sub TEXT,
    offers TEXT,
    suits TEXT,
    area TEXT,
    when_text TEXT,
    cost TEXT,
    access TEXT,
    contact TEXT,
    verified_date TEXT,
    verified_by TEXT,
    retired_date TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE signposts (
    id INTEGER PRIMARY KEY,
    episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    to_text TEXT NOT NULL,
    category_group TEXT NOT NULL,
    category_sub TEXT,
    entry_id INTEGER REFERENCES directory_entries(id),
    accompanied INTEGER NOT NULL DEFAULT 0,
    outcome TEXT,
    outcome_date TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_signposts_episode ON signposts(episode_id);
CREATE INDEX idx_signposts_date ON signposts(date);
CREATE INDEX idx_signposts_entry ON signposts(entry_id);
CREATE TABLE measures (
    id INTEGER PRIMARY KEY,
    episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
    instrument TEXT NOT NULL,
    version TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('baseline', 'review', 'end', 'follow-up')),
    date TEXT NOT NULL,
    administered_by TEXT,
    skipped_reason TEXT,
    score REAL,
    raw INTEGER,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_measures_episode ON measures(episode_id, instrument, stage);
CREATE INDEX idx_measures_date ON measures(date, stage);
CREATE TABLE measure_answers (
    measure_id INTEGER NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    value INTEGER,
    answer TEXT,
    PRIMARY KEY (measure_id, item)
) WITHOUT ROWID;
CREATE TABLE gaps (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL,
    category_group TEXT NOT NULL,
    category_sub TEXT,
    need TEXT NOT NULL,
    reason TEXT NOT NULL,
    area TEXT,
    person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_gaps_date ON gaps(date);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
)
""",
    )


def m002_directory_verification(db) -> None:
    """How an entry was last verified (phoned, visited, website), and its venue."""
    _run(
        db,
        """
ALTER TABLE directory_entries ADD COLUMN verified_how TEXT;
ALTER TABLE directory_entries ADD COLUMN venue TEXT
""",
    )


def m003_secrets(db) -> None:
    """Per-database secrets, e.g. the key of the export's episode pseudonyms (reports).

    Not in `settings`: settings values are integers. Rows are created on first use.
    """
    _run(
        db,
        """
CREATE TABLE secrets (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL
)
""",
    )


def m004_gap_indexes(db) -> None:
    """Partial indexes over contacts without minutes or a location, by kind, so `connector
    check` finds face-to-face visits missing them without reading every contact."""
    _run(
        db,
        """
CREATE INDEX idx_contacts_no_minutes ON contacts(kind) WHERE minutes IS NULL;
CREATE INDEX idx_contacts_no_location ON contacts(kind) WHERE location IS NULL
""",
    )


# "CONN": marks the file as connector's own, so another program's SQLite file is never taken
# for ours (store.connect reads it before touching anything).
APPLICATION_ID = 0x434F4E4E
NEVER_REUSED = ("people", "episodes")


def _autoincrement_sql(create_sql: str, table: str, new_name: str) -> str:
    """`CREATE TABLE table (... id INTEGER PRIMARY KEY ...)` as `new_name` with AUTOINCREMENT."""
    import re

    header = re.compile(
        rf'^\s*CREATE\s+TABLE\s+(?:"{table}"|\[{table}\]|`{table}`|{table})\s*\(', re.I
    )
    if not header.match(create_sql):
        raise RuntimeError(f"Unexpected CREATE statement for {table}")
    sql = header.sub(f'CREATE TABLE "{new_name}" (', create_sql, count=1)
    if re.search(r"\bAUTOINCREMENT\b", sql, re.I):
        return sql
    key = re.compile(r'(\(\s*"?id"?\s+INTEGER\s+PRIMARY\s+KEY)\b', re.I)
    if not key.search(sql):
        raise RuntimeError(f"{table} has no leading id INTEGER PRIMARY KEY")
    return key.sub(r"\1 AUTOINCREMENT", sql, count=1)


def _rebuild_with_autoincrement(conn: sqlite3.Connection, table: str) -> None:
    """SQLite's table-rebuild procedure, generic over whatever columns other migrations added:
    the CREATE statement from sqlite_master with AUTOINCREMENT, every column copied by name,
    the table's indexes and triggers recreated. Foreign keys are off during migrations
    (store.connect turns them on afterwards), so dropping the old table cascades nothing."""
    (create_sql,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
    ).fetchone()
    extras = [
        row[0]
        for row in conn.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') "
            "AND sql IS NOT NULL ORDER BY type, name",
            [table],
        )
    ]
    columns = ", ".join(f'"{row[1]}"' for row in conn.execute(f'PRAGMA table_info("{table}")'))
    new_name = f"_new_{table}"
    conn.execute(_autoincrement_sql(create_sql, table, new_name))
    conn.execute(f'INSERT INTO "{new_name}" ({columns}) SELECT {columns} FROM "{table}"')
    conn.execute(f'DROP TABLE "{table}"')
    conn.execute(f'ALTER TABLE "{new_name}" RENAME TO "{table}"')
    for sql in extras:
        conn.execute(sql)


def m005_corrections(db) -> None:
    """Corrections. Contacts, goals and signposts can now be removed, so their numbers (which
    people type: `visit remove 12`) are never given to a later record (AUTOINCREMENT, each
    table rebuilt with its rows, indexes and any later columns as they are). Every outcome of
    a signpost is kept with its date (the latest is the one figures use, and stays in
    signposts.outcome/outcome_date); each outcome already recorded becomes its first. `show`
    lists a record's corrections from the audit log, found through indexes on the ids in each
    entry's detail, so it stays fast however long the log grows.
    """
    conn = db.conn
    if conn.execute("PRAGMA foreign_keys").fetchone()[0]:
        raise RuntimeError("m005 must run with foreign keys off")
    for table in ("contacts", "goals", "signposts"):
        _rebuild_with_autoincrement(conn, table)
    _run(
        db,
        """
CREATE TABLE signpost_outcomes (
    id INTEGER PRIMARY KEY,
    signpost_id INTEGER NOT NULL REFERENCES signposts(id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    outcome TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_signpost_outcomes_signpost ON signpost_outcomes(signpost_id, date);
CREATE INDEX idx_audit_episode ON audit_log(
    (CASE WHEN json_valid(detail) THEN json_extract(detail, '$.episode') END));
CREATE INDEX idx_audit_to_episode ON audit_log(
    (CASE WHEN json_valid(detail) THEN json_extract(detail, '$.to_episode') END));
CREATE INDEX idx_audit_person ON audit_log(
    (CASE WHEN json_valid(detail) THEN json_extract(detail, '$.person') END));
INSERT INTO signpost_outcomes (signpost_id, date, outcome, created_at)
    SELECT id, coalesce(outcome_date, date), outcome, created_at FROM signposts
    WHERE outcome IS NOT NULL ORDER BY id
""",
    )
    problems = conn.execute("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise RuntimeError(f"m005: foreign key check failed in {problems[0][0]}")


def m009_numbers_never_reused(db) -> None:
    """Person and episode numbers are never given out again after an erasure (AUTOINCREMENT),
    so pseudonyms in two exports can never name two different people; and the file is marked
    as connector's own (application_id)."""
    conn = db.conn
    if conn.execute("PRAGMA foreign_keys").fetchone()[0]:
        raise RuntimeError("m009 must run with foreign keys off")
    for table in NEVER_REUSED:
        _rebuild_with_autoincrement(conn, table)
    problems = conn.execute("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise RuntimeError(f"m009: foreign key check failed in {problems[0][0]}")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")


# Rows of the search index are numbered source id * 8 + the kind's number, so a trigger finds a
# source row's entry by rowid (FTS5 cannot index its other columns).
SEARCH_KINDS = {
    "note": 1,
    "contact": 2,
    "goal": 3,
    "goal-review": 4,
    "what-matters": 5,
    "gap": 6,
    "directory": 7,
}


def _joined(*columns: str) -> str:
    """SQL joining a row's text columns with spaces, skipping NULLs (no concat_ws before
    SQLite 3.44)."""
    return "trim(" + " || ' ' || ".join(f"coalesce({{row}}.{c}, '')" for c in columns) + ")"


def _search_trigger_sql() -> list[str]:
    """Triggers keeping `search_index` in step with every table whose text it holds, whichever
    code writes them (foreign-key cascades fire them too, so an erasure empties the index)."""
    person_of_episode = "(SELECT person_id FROM episodes WHERE id = {row}.episode_id)"
    person_of_goal = (
        "(SELECT e.person_id FROM goals g JOIN episodes e ON e.id = g.episode_id "
        "WHERE g.id = {row}.goal_id)"
    )
    directory_text = _joined(
        "name", "offers", "suits", "area", "when_text", "venue", "category_group", "category_sub"
    )
    simple = {  # table: (kind, text expression, person expression, key column)
        "notes": ("note", "{row}.text", person_of_episode, "id"),
        "contacts": ("contact", "{row}.note", person_of_episode, "id"),
        "goals": ("goal", "{row}.text", person_of_episode, "id"),
        "goal_reviews": ("goal-review", "{row}.note", person_of_goal, "id"),
        "gaps": ("gap", _joined("need", "area"), "{row}.person_id", "id"),
        "directory_entries": ("directory", directory_text, "NULL", "id"),
    }
    out = []
    for table, (kind, text, person, key) in simple.items():
        number = SEARCH_KINDS[kind]
        add = (
            "INSERT INTO search_index (rowid, person_id, kind, text) SELECT "
            f"new.{key} * 8 + {number}, {person.format(row='new')}, '{kind}', "
            f"{text.format(row='new')} WHERE coalesce({text.format(row='new')}, '') <> ''"
        )
        drop = f"DELETE FROM search_index WHERE rowid = old.{key} * 8 + {number}"
        out += [
            f"CREATE TRIGGER search_{table}_insert AFTER INSERT ON {table} BEGIN {add}; END",
            f"CREATE TRIGGER search_{table}_update AFTER UPDATE ON {table} "
            f"BEGIN {drop}; {add}; END",
            f"CREATE TRIGGER search_{table}_delete AFTER DELETE ON {table} BEGIN {drop}; END",
        ]
    # What-matters answers: one entry per conversation, all its answers together.
    number = SEARCH_KINDS["what-matters"]
    refresh = (
        "DELETE FROM search_index WHERE rowid = {row}.conversation_id * 8 + {n}; "
        "INSERT INTO search_index (rowid, person_id, kind, text) "
        "SELECT c.id * 8 + {n}, e.person_id, 'what-matters', "
        "(SELECT group_concat(a.answer, ' ') FROM conversation_answers a "
        "WHERE a.conversation_id = c.id) "
        "FROM conversations c JOIN episodes e ON e.id = c.episode_id "
        "WHERE c.id = {row}.conversation_id AND EXISTS "
        "(SELECT 1 FROM conversation_answers a WHERE a.conversation_id = c.id)"
    )
    for event, row in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
        out.append(
            f"CREATE TRIGGER search_answers_{event.lower()} AFTER {event} ON conversation_answers "
            f"BEGIN {refresh.format(row=row, n=number)}; END"
        )
    out.append(
        "CREATE TRIGGER search_conversations_delete AFTER DELETE ON conversations BEGIN "
        f"DELETE FROM search_index WHERE rowid = old.id * 8 + {number}; END"
    )
    return out


def m010_a_plans_notes_search(db) -> None:
    """Arranged contacts (plans), case notes, and the full-text search index over every piece
    of free text (notes, contact notes, goals, what-matters answers, gaps, the directory)."""
    _run(
        db,
        """
CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    time TEXT,
    kind TEXT,
    note TEXT,
    contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_plans_episode ON plans(episode_id, date);
CREATE INDEX idx_plans_open ON plans(date) WHERE contact_id IS NULL;
CREATE INDEX idx_plans_contact ON plans(contact_id) WHERE contact_id IS NOT NULL;
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    text TEXT NOT NULL CHECK (trim(text) <> ''),
    created_at TEXT NOT NULL,
    edited_at TEXT
);
CREATE INDEX idx_notes_episode ON notes(episode_id, date);
CREATE VIRTUAL TABLE search_index USING fts5(
    person_id UNINDEXED, kind UNINDEXED, text,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
)
""",
    )
    for statement in _search_trigger_sql():
        db.execute(statement)
    _fill_search_index(db)


def _fill_search_index(db) -> None:
    """Index the text already held: each row updated onto itself fires its trigger."""
    for table in ("notes", "contacts", "goals", "goal_reviews", "gaps", "directory_entries"):
        db.execute(f"UPDATE {table} SET id = id")
    db.execute("UPDATE conversation_answers SET key = key")


def m011_a_person_details(db) -> None:
    """What a home visit needs: address, GP practice, next of kin or emergency contact, how the
    person prefers to be contacted and any access or communication needs. Personal details:
    shown, exported to the person and erased with them; never in an aggregate file."""
    _run(
        db,
        """
ALTER TABLE people ADD COLUMN address TEXT;
ALTER TABLE people ADD COLUMN postcode TEXT;
ALTER TABLE people ADD COLUMN gp_practice TEXT;
ALTER TABLE people ADD COLUMN kin_name TEXT;
ALTER TABLE people ADD COLUMN kin_relationship TEXT;
ALTER TABLE people ADD COLUMN kin_phone TEXT;
ALTER TABLE people ADD COLUMN contact_method TEXT;
ALTER TABLE people ADD COLUMN access_needs TEXT
""",
    )


def m011_b_concerns(db) -> None:
    """Safeguarding concerns about a person (Care Act 2014 categories), open until closed with
    an outcome. Erased with the person (cascade); only counts ever leave the file."""
    _run(
        db,
        """
CREATE TABLE concerns (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    episode_id INTEGER REFERENCES episodes(id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    category TEXT NOT NULL,
    note TEXT NOT NULL,
    reported_to TEXT,
    reference TEXT,
    closed_date TEXT,
    outcome TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT
);
CREATE INDEX idx_concerns_person ON concerns(person_id);
CREATE INDEX idx_concerns_episode ON concerns(episode_id);
CREATE INDEX idx_concerns_date ON concerns(date, closed_date)
""",
    )


def m011_c_volunteers(db) -> None:
    """The volunteer register, and each volunteer-delivered contact linked to it.

    Existing free-text names on contacts become register entries: names that differ only in
    case or surrounding spaces are one volunteer (the first spelling is kept as the name). The
    text on each contact is left exactly as it was, so nothing typed is lost.
    """
    _run(
        db,
        """
CREATE TABLE volunteers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (trim(name) <> ''),
    phone TEXT,
    checked_date TEXT,
    retired_date TEXT,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX idx_volunteers_name ON volunteers(lower(name));
ALTER TABLE contacts ADD COLUMN volunteer_id INTEGER REFERENCES volunteers(id);
CREATE INDEX idx_contacts_volunteer ON contacts(volunteer_id)
""",
    )
    from datetime import UTC, datetime

    at = datetime.now(UTC).isoformat(timespec="seconds")
    ids: dict[str, int] = {}
    rows = db.execute(
        "SELECT id, volunteer FROM contacts WHERE volunteer IS NOT NULL AND trim(volunteer) <> '' "
        "ORDER BY id"
    ).fetchall()
    for contact_id, typed in rows:
        name = " ".join(typed.split())
        key = name.casefold()
        if key not in ids:
            found = db.execute(
                "SELECT id FROM volunteers WHERE lower(name) = lower(?)", [name]
            ).fetchone()
            ids[key] = (
                found[0]
                if found
                else db.execute(
                    "INSERT INTO volunteers (name, created_at) VALUES (?, ?)", [name, at]
                ).lastrowid
            )
        db.execute("UPDATE contacts SET volunteer_id = ? WHERE id = ?", [ids[key], contact_id])


def m012_a_name_index(db) -> None:
    """People by their name as new-referral matches it (case and surrounding spaces aside),
    then date of birth: finding a returning person no longer reads every person on record."""
    _run(db, "CREATE INDEX idx_people_name ON people(lower(trim(name)), dob)")


def m012_b_check_scope_indexes(db) -> None:
    """`check` finds current work by date: everything dated since the start of the previous
    quarter. Each date index answers "which episodes have a row dated since then" from the
    index alone (the date, then the episode), without reading the rows of the quarter: the
    date-only indexes they replace served the same queries and more (contacts' with IF EXISTS:
    a later migration may widen that index for the quarterly figures, and must find it). The
    people with a detail missing are a small partial index, so `check` need not read every
    person it looks at."""
    _run(
        db,
        """
DROP INDEX IF EXISTS idx_contacts_date;
CREATE INDEX IF NOT EXISTS idx_contacts_date ON contacts(date, episode_id);
DROP INDEX idx_measures_date;
CREATE INDEX idx_measures_date ON measures(date, stage, episode_id);
DROP INDEX idx_signposts_date;
CREATE INDEX idx_signposts_date ON signposts(date, episode_id);
DROP INDEX idx_goals_set_date;
CREATE INDEX idx_goals_set_date ON goals(set_date, episode_id);
CREATE INDEX idx_goals_dropped_date ON goals(dropped_date, episode_id)
    WHERE dropped_date IS NOT NULL;
CREATE INDEX idx_episodes_status_date ON episodes(status_date);
CREATE INDEX idx_people_detail_missing ON people(gender, ethnicity, living)
    WHERE gender IS NULL OR ethnicity IS NULL OR living IS NULL""",
    )


def m012_c_contacts_period_index(db) -> None:
    """Contacts by date with what the period's figures read of them (kind, who gave them,
    location, journey, minutes, episode), so `report` and `export` count a quarter's contacts
    from the index alone instead of visiting each contact's row (spread over the whole
    history). It replaces idx_contacts_date (date, episode_id since m012_b), whose columns
    lead it, so `check` finds the episodes with a contact since a day from it alike."""
    _run(
        db,
        """
CREATE INDEX idx_contacts_period ON contacts(date, after_closure, kind, episode_id,
    delivered_by, journey, location, minutes);
DROP INDEX IF EXISTS idx_contacts_date
""",
    )


MIGRATIONS = [
    m001_core,
    m002_directory_verification,
    m003_secrets,
    m004_gap_indexes,
    m005_corrections,
    m009_numbers_never_reused,
    m010_a_plans_notes_search,
    m011_a_person_details,
    m011_b_concerns,
    m011_c_volunteers,
    m012_a_name_index,
    m012_b_check_scope_indexes,
    m012_c_contacts_period_index,
]


def pending_names(conn: sqlite3.Connection) -> list[str]:
    """Names of migrations not yet applied, read with plain sqlite3 (no sqlite-utils import)."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone()
    applied: set[str] = set()
    if exists:
        rows = conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
        )
        applied = {row[0] for row in rows}
    known = [fn.__name__ for fn in MIGRATIONS]
    unknown = applied - set(known)
    if unknown:
        from connector_cli.errors import UserError

        raise UserError(
            "This database was written by a newer version of connector "
            f"(unknown migration {sorted(unknown)[0]}); upgrade connector to open it."
        )
    return [name for name in known if name not in applied]


def apply_migrations(conn: sqlite3.Connection) -> list[str]:
    """Apply pending migrations in one write transaction; return the names applied.

    The write lock is taken before looking again at what is pending, so two processes opening
    a new database at the same moment cannot both run the same migration.
    """
    if not pending_names(conn):
        return []
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for fn in MIGRATIONS:
        migrations()(fn)
    conn.execute("BEGIN IMMEDIATE")
    try:
        pending = pending_names(conn)
        migrations.apply(Database(conn))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return pending
