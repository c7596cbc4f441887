"""The store: opening the one SQLite file safely. All SQL lives in this package."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

BUSY_TIMEOUT_MS = 10_000


def default_path() -> Path:
    """The platform's user data directory, as cli.md asks (no extra dependency for this)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "connector" / "connector.db"


def resolve_path(option: str | None) -> Path:
    """--db wins, then $CONNECTOR_DB, then the default location."""
    if option is not None and not option.strip():
        from connector_cli.errors import UserError

        raise UserError("--db needs a file name, e.g. --db demo.db.")
    chosen = option or os.environ.get("CONNECTOR_DB")
    return Path(chosen).expanduser() if chosen else default_path()


def _create_private_file(path: Path) -> None:
    from connector_cli.errors import UserError

    folder = path.parent
    if not folder.exists():
        try:
            folder.mkdir(mode=0o700, parents=True)
        except OSError as error:
            raise UserError(f"Cannot create the folder {folder}: {error.strerror}.") from None
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as error:
        raise UserError(f"Cannot create the database {path}: {error.strerror}.") from None
    os.close(fd)
    os.chmod(path, 0o600)


def connect(path: Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (creating 0600 if needed), check the file is connector's own, migrate, then turn on
    foreign keys, WAL, synchronous=FULL and a busy timeout.

    Nothing is changed in a file until it is known to be ours: another program's database is
    refused before it is switched to WAL or given a table.
    """
    from connector_cli.errors import UserError
    from connector_cli.migrations import apply_migrations

    if not path.exists():
        if not create:
            raise UserError(f"No database at {path}.")
        _refuse_after_interrupted_restore(path)
        _create_private_file(path)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _refuse_foreign(conn, path)
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a committed write survives a power cut too (NORMAL may lose the last ones in
        # WAL mode). A caseload tool writes a few rows a minute; README "Durability" has the cost.
        conn.execute("PRAGMA synchronous = FULL")
        apply_migrations(conn)
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as error:
        raise UserError(
            f"Cannot open {_printable(path)} as a connector database: {error}."
        ) from None
    return conn


def _printable(path: Path) -> str:
    from connector_cli.files import shown_path

    return shown_path(path)


def _refuse_after_interrupted_restore(path: Path) -> None:
    """Never start an empty database beside a copy an interrupted restore set aside."""
    from connector_cli.errors import UserError

    try:
        aside = sorted(path.parent.glob(f"{glob_escape(path.name)}.before-restore-*"))
    except OSError:
        return
    aside = [p for p in aside if not p.name.endswith(("-wal", "-shm", "-journal"))]
    if aside:
        raise UserError(
            f"There is no database at {_printable(path)}, but a restore was interrupted and "
            f"left the previous one at {_printable(aside[-1])}. Rename that file to "
            f"{path.name} to carry on with it (or run `connector restore` with a backup); "
            "no new database was created."
        )


def glob_escape(name: str) -> str:
    import glob

    return glob.escape(name)


def is_ours(conn: sqlite3.Connection) -> bool | None:
    """True for connector's database, None for an empty file, False for anything else.

    Ours: marked with our application_id (from m009), or, before m009, recording connector's
    first migration in `_sqlite_migrations` beside our core tables. Reads only.
    """
    from connector_cli.migrations import APPLICATION_ID, MIGRATION_SET

    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if app_id == APPLICATION_ID:
        return True
    if app_id != 0:
        return False
    if not names:
        return None
    if not {"_sqlite_migrations", "people", "episodes", "audit_log"} <= names:
        return False
    first = conn.execute(
        "SELECT 1 FROM _sqlite_migrations WHERE migration_set = ? AND name = 'm001_core'",
        [MIGRATION_SET],
    ).fetchone()
    return first is not None


def _refuse_foreign(conn: sqlite3.Connection, path: Path) -> None:
    """Never add our tables to (or change the journal of) another program's database."""
    from connector_cli.errors import UserError

    if is_ours(conn) is False:
        conn.close()
        raise UserError(
            f"{_printable(path)} is another program's database, not connector's; "
            "give a new file name."
        )


@contextlib.contextmanager
def write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: all of a command's writes land together or not at all.

    BEGIN IMMEDIATE takes the write lock up front, so a second terminal waits (busy timeout)
    instead of failing half-way with a lock upgrade error.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def insert(conn: sqlite3.Connection, table: str, values: dict) -> int:
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    cursor = conn.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values())
    )
    return int(cursor.lastrowid)


def update(conn: sqlite3.Connection, table: str, row_id: int, values: dict) -> None:
    assignments = ", ".join(f"{column} = ?" for column in values)
    conn.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", [*values.values(), row_id])
