"""What a command needs from its invocation: the database, whether it may prompt, output mode."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import click

_connections: dict[Path, sqlite3.Connection] = {}


def db_path() -> Path:
    from connector_cli.store import resolve_path

    ctx = click.get_current_context(silent=True)
    option = ctx.find_root().obj.get("db") if ctx and ctx.find_root().obj else None
    return resolve_path(option)


def open_db() -> sqlite3.Connection:
    """The command's connection, opened (and migrated) on first use."""
    from connector_cli.store import connect

    path = db_path()
    if path not in _connections:
        _connections[path] = connect(path)
    return _connections[path]


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
