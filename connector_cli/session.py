"""What a command needs from its invocation: the database, whether it may prompt, output mode."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

_connections: dict[Path, sqlite3.Connection] = {}
_db_option: list[str | None] = [None]


def set_db_option(value: str | None) -> None:
    """Remember the global --db option for this invocation."""
    _db_option[0] = value


def db_path() -> Path:
    from connector_cli.store import resolve_path

    return resolve_path(_db_option[0])


def open_db() -> sqlite3.Connection:
    """The command's connection, opened (and migrated) on first use."""
    from connector_cli.store import connect

    path = db_path()
    if path not in _connections:
        _clean_after_killed_restores(path)
        _connections[path] = connect(path)
    return _connections[path]


def note_if_empty(conn: sqlite3.Connection) -> None:
    """On stderr, when the database holds no people: which file was read, so that zeros from
    the wrong file never reach a commissioner by mistake."""
    from connector_cli.store.people import has_people

    if not has_people(conn):
        print(f"Read {db_path()}: it holds no records (no people).", file=sys.stderr)


def _clean_after_killed_restores(path: Path) -> None:
    """A restore killed part-way leaves a full copy of a backup beside the database: remove it
    (the backup itself is untouched) and say so."""
    from connector_cli.restoring import remove_restore_leftovers

    removed = remove_restore_leftovers(path)
    if removed:
        print(
            f"Note: removed {len(removed)} partial file(s) left by an interrupted restore; "
            "the database and your backups are untouched.",
            file=sys.stderr,
        )


def close_all() -> None:
    for conn in _connections.values():
        conn.close()
    _connections.clear()


def interactive(no_input: bool = False) -> bool:
    """Prompt only when a person is at a terminal (CONNECTOR_INTERACTIVE=1 forces it for tests)."""
    if no_input:
        return False
    forced = os.environ.get("CONNECTOR_INTERACTIVE")
    if forced is not None:
        return forced == "1"
    return sys.stdin.isatty() and sys.stdout.isatty()
