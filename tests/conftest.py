"""Every test runs the real CLI against a real SQLite file in its own temporary folder."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from connector_cli.cli import app

TODAY = "2026-11-20"


@pytest.fixture(autouse=True)
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "connector.db"
    monkeypatch.setenv("CONNECTOR_DB", str(path))
    monkeypatch.setenv("CONNECTOR_TODAY", TODAY)
    monkeypatch.setenv("CONNECTOR_INTERACTIVE", "0")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    return path


class Result:
    def __init__(self, raw):
        self.exit_code = raw.exit_code
        self.stdout = raw.stdout
        self.stderr = raw.stderr
        self.exception = raw.exception

    def json(self):
        return json.loads(self.stdout)

    def __repr__(self) -> str:
        return f"<exit {self.exit_code} stdout={self.stdout!r} stderr={self.stderr!r}>"


def run(*args: str, input: str | None = None) -> Result:
    """Invoke `connector ARGS...` in-process; a traceback from our code fails the test."""
    raw = CliRunner().invoke(app, [str(a) for a in args], input=input)
    if raw.exception and not isinstance(raw.exception, SystemExit):
        raise raw.exception
    return Result(raw)


def ok(*args: str, input: str | None = None) -> Result:
    result = run(*args, input=input)
    assert result.exit_code == 0, result
    return result


def refused(*args: str, contains: str = "") -> Result:
    """Exit 1 or 2, a short message on stderr, no traceback."""
    result = run(*args)
    assert result.exit_code in (1, 2), result
    assert "Traceback" not in result.stderr + result.stdout
    assert contains.lower() in result.stderr.lower(), result
    return result


def rows(db: Path, sql: str, params=()) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, to prove a refused command wrote nothing."""
    if not db.exists():
        return {}
    conn = sqlite3.connect(db)
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        # sorted by repr: a column may mix NULLs and numbers (the search index's person_id)
        return {
            t: sorted(map(tuple, conn.execute(f'SELECT * FROM "{t}"')), key=repr) for t in tables
        }
    finally:
        conn.close()
