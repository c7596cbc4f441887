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


def m005_corrections(db) -> None:
    """Corrections: contacts, goals and signposts can now be removed, so their numbers (which
    people type: `visit remove 12`) must never be given to a later record; AUTOINCREMENT sees
    to that, and needs each table rebuilt (the rows are copied as they are). And every outcome
    of a signpost is kept with its date (the latest is the one figures use, and stays in
    signposts.outcome/outcome_date); each outcome already recorded becomes its first. `show`
    lists the corrections made to a record from the audit log, found through indexes on the
    ids in each entry's detail, so it stays fast however long the log grows.

    Runs before foreign keys are switched on (store.connect), so dropping the old tables does
    not cascade to goal reviews.
    """
    if db.execute("PRAGMA foreign_keys").fetchone()[0]:
        raise RuntimeError("m005 must run with foreign keys off")
    _run(
        db,
        """
CREATE TABLE new_contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO new_contacts SELECT id, episode_id, date, kind, minutes, delivered_by, volunteer,
    location, journey, note, after_closure, created_at FROM contacts;
DROP TABLE contacts;
ALTER TABLE new_contacts RENAME TO contacts;
CREATE INDEX idx_contacts_episode ON contacts(episode_id, date);
CREATE INDEX idx_contacts_date ON contacts(date);
CREATE INDEX idx_contacts_no_minutes ON contacts(kind) WHERE minutes IS NULL;
CREATE INDEX idx_contacts_no_location ON contacts(kind) WHERE location IS NULL;
CREATE TABLE new_goals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    text TEXT NOT NULL,
    domain TEXT NOT NULL,
    set_date TEXT NOT NULL,
    dropped_date TEXT,
    UNIQUE (episode_id, number)
);
INSERT INTO new_goals SELECT id, episode_id, number, text, domain, set_date, dropped_date
    FROM goals;
DROP TABLE goals;
ALTER TABLE new_goals RENAME TO goals;
CREATE INDEX idx_goals_set_date ON goals(set_date);
CREATE TABLE new_signposts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO new_signposts SELECT id, episode_id, date, to_text, category_group, category_sub,
    entry_id, accompanied, outcome, outcome_date, created_at FROM signposts;
DROP TABLE signposts;
ALTER TABLE new_signposts RENAME TO signposts;
CREATE INDEX idx_signposts_episode ON signposts(episode_id);
CREATE INDEX idx_signposts_date ON signposts(date);
CREATE INDEX idx_signposts_entry ON signposts(entry_id);
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


MIGRATIONS = [
    m001_core,
    m002_directory_verification,
    m003_secrets,
    m004_gap_indexes,
    m005_corrections,
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
