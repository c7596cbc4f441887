"""The store: one private SQLite file, migrated, WAL, foreign keys, one transaction per command."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from conftest import ok, rows, run

from connector_cli.errors import UserError
from connector_cli.migrations import MIGRATIONS
from connector_cli.store import connect, default_path, resolve_path

FIXTURES = Path(__file__).parent / "fixtures"


def test_migrations_are_recorded_and_run_once(db_path):
    ok("new-referral", "--name", "Ann")
    applied = rows(db_path, "SELECT migration_set, name FROM _sqlite_migrations ORDER BY id")
    assert applied == [{"migration_set": "connector", "name": fn.__name__} for fn in MIGRATIONS]
    ok("people")
    assert len(rows(db_path, "SELECT * FROM _sqlite_migrations")) == len(MIGRATIONS)


def test_migration_names_are_numbered_in_order():
    names = [fn.__name__ for fn in MIGRATIONS]
    assert names == sorted(names) and len(set(names)) == len(names)
    # Numbers are reserved per developer, so there may be gaps (m005-m008 land from other
    # branches); a second migration of one number is mNNN_a_..., mNNN_b_...
    assert all(re.match(r"m\d{3}_", name) for name in names)
    assert len({re.match(r"m\d{3}_(?:[a-z]_)?", n).group() for n in names}) == len(names)


def test_pragmas(db_path):
    conn = connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    conn.close()


def test_foreign_keys_enforced(db_path):
    conn = connect(db_path)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO contacts (episode_id, date, kind, created_at) VALUES (99, '2026-01-01', 'message', 'x')"
        )
    conn.close()


def test_newer_database_is_refused(db_path):
    conn = connect(db_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('connector', 'm999_future', 'x')"
    )
    conn.close()
    with pytest.raises(UserError, match="newer version"):
        connect(db_path)


def test_not_a_database_is_refused_cleanly(db_path):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is a spreadsheet, not a database" * 100)
    result = run("people")
    assert result.exit_code == 1
    assert "Cannot open" in result.stderr


def test_location_rules(monkeypatch, tmp_path):
    monkeypatch.delenv("CONNECTOR_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_path() == tmp_path / "xdg" / "connector" / "connector.db"
    assert resolve_path(None) == default_path()
    monkeypatch.setenv("CONNECTOR_DB", str(tmp_path / "env.db"))
    assert resolve_path(None) == tmp_path / "env.db"
    assert resolve_path(str(tmp_path / "flag.db")) == tmp_path / "flag.db"


# The schema is pinned: a change must come as a new numbered migration, with schema.sql
# regenerated in the same commit (see tests/fixtures/dump_schema.py), so nobody edits a
# released migration by accident.
def test_schema_is_pinned():
    import importlib.util

    spec = importlib.util.spec_from_file_location("dump_schema", FIXTURES / "dump_schema.py")
    dump = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dump)
    assert dump.schema_text() == (FIXTURES / "schema.sql").read_text()


def test_migrations_so_far():
    assert [fn.__name__ for fn in MIGRATIONS] == [
        "m001_core",
        "m002_directory_verification",
        "m003_secrets",
        "m004_gap_indexes",
        "m005_corrections",
        "m009_numbers_never_reused",
        "m010_a_plans_notes_search",
        "m011_a_person_details",
        "m011_b_concerns",
        "m011_c_volunteers",
        "m012_a_name_index",
        "m012_b_check_scope_indexes",
        "m012_c_contacts_period_index",
    ]
