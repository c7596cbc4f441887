"""Regression tests for issue 14: nothing a user types, kills or corrupts loses a record."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ok, refused, rows, snapshot

ROOT = Path(__file__).resolve().parent.parent
MAIN = "import sys; from connector_cli.cli import main; sys.argv[0] = 'connector'; main()"


def _seed(db_path: Path) -> None:
    ok("new-referral", "--name", "Ann Smith", "--referral-date", "2026-10-01")
    ok("directory", "add", "--name", "Lunch club", "--category", "third-sector/lunch-club")


# --- 1. Writers never overwrite the database, a backup, or through a link -------------------------


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_directory_export_never_writes_over_the_database(db_path, suffix):
    _seed(db_path)
    before = snapshot(db_path)
    target = Path(f"{db_path}{suffix}")
    result = refused("directory", "export", "--out", target, "--force")
    assert "database" in result.stderr
    assert snapshot(db_path) == before


def test_directory_export_refuses_an_existing_file_unless_forced(db_path, tmp_path):
    _seed(db_path)
    out = tmp_path / "dir.csv"
    out.write_text("keep me\n")
    refused("directory", "export", "--out", out, contains="--force")
    assert out.read_text() == "keep me\n"
    ok("directory", "export", "--out", out, "--force")
    assert "Lunch club" in out.read_text()
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_writers_never_follow_a_symlink(db_path, tmp_path):
    _seed(db_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    link = tmp_path / "link.csv"
    link.symlink_to(victim)
    refused("directory", "export", "--out", link, "--force", contains="symbolic link")
    (tmp_path / "p.json").symlink_to(victim)
    refused("person", "export", "1", "--out", tmp_path / "p", "--force", contains="symbolic")
    refused("backup", link, "--force", contains="symbolic link")
    assert victim.read_text() == "precious\n"


def test_no_writer_overwrites_a_backup(db_path, tmp_path):
    _seed(db_path)
    first = tmp_path / "b.db"
    ok("backup", first)
    saved = first.read_bytes()
    refused("backup", first, "--force", contains="database or a backup")
    refused("directory", "export", "--out", first, "--force", contains="database or a backup")
    assert first.read_bytes() == saved


def test_export_folder_refuses_links_to_the_database(db_path, tmp_path):
    _seed(db_path)
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "summary.csv").symlink_to(db_path)
    before = db_path.read_bytes()
    refused("export", "--quarter", "2026Q4", "--out", folder, "--force", contains="symbolic")
    assert db_path.read_bytes() == before


def test_person_export_refuses_existing_unless_forced(db_path, tmp_path):
    _seed(db_path)
    stem = tmp_path / "sar"
    (tmp_path / "sar.md").write_text("old\n")
    refused("person", "export", "1", "--out", stem, contains="--force")
    assert not (tmp_path / "sar.json").exists()
    ok("person", "export", "1", "--out", stem, "--force")
    assert "Ann Smith" in (tmp_path / "sar.md").read_text()


# --- 2. restore: an atomic swap, kill -9 safe; leftovers reported ---------------------------------


def _names(path: Path) -> list[str]:
    return [r["name"] for r in rows(path, "SELECT name FROM people ORDER BY id")]


def _connector(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", MAIN, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("point", ["aside", "swap", "swapped"])
def test_restore_killed_at_the_swap_leaves_a_whole_database(db_path, tmp_path, point):
    ok("new-referral", "--name", "Margaret Zebedee")
    backup = tmp_path / "b.db"
    ok("backup", backup)
    ok("new-referral", "--name", "Arthur Pennington")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CONNECTOR_TEST_PAUSE": point}
    child = subprocess.Popen(
        [sys.executable, "-c", MAIN, "restore", str(backup), "--yes"],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert child.stderr.readline().strip() == f"paused at {point}"
    child.send_signal(signal.SIGKILL)
    child.wait()
    env.pop("CONNECTOR_TEST_PAUSE")
    after = _connector("people", "--all", "--json", env=env)
    assert after.returncode == 0, after.stderr
    names = sorted(p["name"] for p in json.loads(after.stdout)["people"])
    assert names in (["Margaret Zebedee"], ["Arthur Pennington", "Margaret Zebedee"])
    if point == "swapped":
        assert names == ["Margaret Zebedee"]
    if point != "swapped":  # the partial copy was found and removed
        assert "interrupted restore" in after.stderr, list(db_path.parent.iterdir())
    assert not [p for p in db_path.parent.iterdir() if ".restoring-" in p.name]
    assert "Traceback" not in after.stderr


def test_no_empty_database_beside_an_interrupted_old_style_restore(db_path):
    ok("new-referral", "--name", "Margaret Zebedee")
    aside = db_path.with_name(db_path.name + ".before-restore-2026-11-20T101500")
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{db_path}{suffix}").exists():
            os.replace(f"{db_path}{suffix}", f"{aside}{suffix}")
    result = refused("people", contains="interrupted")
    assert aside.name in result.stderr and "Rename" in result.stderr
    assert not db_path.exists()  # no fresh empty database beside the old one


def test_restore_keeps_numbers_and_the_pseudonym_key(db_path, tmp_path):
    ok("new-referral", "--name", "Margaret Zebedee")
    backup = tmp_path / "b.db"
    ok("backup", backup)  # made before any export: no pseudonym key in it
    ok("new-referral", "--name", "Arthur Pennington")  # person 2, after the backup
    ok("export", "--quarter", "2026Q4", "--out", tmp_path / "e1", "--records")
    [key] = rows(db_path, "SELECT value FROM secrets")
    result = ok("restore", backup, "--yes")
    assert "key was kept" in result.stdout
    assert rows(db_path, "SELECT value FROM secrets") == [key]
    ok("new-referral", "--name", "Nadia Okafor")
    # Arthur's number 2 (in the export above) is never given to Nadia
    assert rows(db_path, "SELECT id, name FROM people ORDER BY id") == [
        {"id": 1, "name": "Margaret Zebedee"},
        {"id": 3, "name": "Nadia Okafor"},
    ]
    again = ok("restore", backup, "--yes")
    assert "key was kept" in again.stdout and rows(db_path, "SELECT value FROM secrets") == [key]


# --- 3. numbers are never reused ------------------------------------------------------------------


def test_person_and_episode_numbers_are_never_reused_after_erasure(db_path):
    ok("new-referral", "--name", "Margaret Zebedee")
    ok("new-referral", "--name", "Arthur Pennington")
    ok("person", "forget", "2", "--yes")
    ok("new-referral", "--name", "Nadia Okafor")
    assert rows(db_path, "SELECT id FROM people ORDER BY id") == [{"id": 1}, {"id": 3}]
    assert rows(db_path, "SELECT id FROM episodes ORDER BY id") == [{"id": 1}, {"id": 3}]


def test_m009_rebuilds_tables_with_columns_other_migrations_added(tmp_path):
    """The rebuild is generic: columns and indexes added to people/episodes by migrations
    ordered before m009 (other branches) are carried over with their data."""
    from connector_cli import migrations
    from connector_cli.migrations import MIGRATION_SET

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    from sqlite_utils import Database

    db = Database(conn)
    for fn in migrations.MIGRATIONS[:-1]:
        fn(db)
    conn.execute("ALTER TABLE people ADD COLUMN postcode TEXT")
    conn.execute("CREATE INDEX idx_people_postcode ON people(postcode)")
    conn.execute("CREATE TRIGGER t_people AFTER UPDATE ON people BEGIN SELECT 1; END")
    conn.execute(
        "INSERT INTO people (id, name, created_at, postcode) VALUES (7, 'Ann', 'x', 'LS6 1AA')"
    )
    conn.execute(
        "INSERT INTO episodes (id, person_id, referral_date, created_at) "
        "VALUES (5, 7, '2026-01-01', 'x')"
    )
    conn.execute("INSERT INTO conversations (episode_id, date, created_at) VALUES (5, 'd', 'x')")
    conn.execute(
        "CREATE TABLE _sqlite_migrations (id INTEGER PRIMARY KEY, migration_set TEXT, "
        "name TEXT, applied_at TEXT)"
    )
    for fn in migrations.MIGRATIONS[:-1]:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, 'x')",
            [MIGRATION_SET, fn.__name__],
        )
    conn.close()
    from connector_cli.store import connect

    conn = connect(path)
    assert (
        "AUTOINCREMENT"
        in conn.execute("SELECT sql FROM sqlite_master WHERE name = 'people'").fetchone()[0]
    )
    assert dict(conn.execute("SELECT id, postcode FROM people").fetchone()) == {
        "id": 7,
        "postcode": "LS6 1AA",
    }
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE tbl_name='people'")}
    assert {"idx_people_postcode", "t_people"} <= names
    conn.execute("DELETE FROM people WHERE id = 7")  # foreign keys still cascade
    assert conn.execute("SELECT count(*) FROM conversations").fetchone()[0] == 0
    conn.close()


# --- 6. another program's database is never touched -------------------------------------------------


def test_a_foreign_database_with_a_migrations_table_is_refused_untouched(db_path):
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE _sqlite_migrations (migration_set TEXT, name TEXT)")
    conn.execute("INSERT INTO _sqlite_migrations VALUES ('blog', 'm001_posts')")
    conn.execute("CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT)")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    refused("people", contains="another program")
    assert db_path.read_bytes() == before  # not switched to WAL, no table added
    assert not Path(f"{db_path}-wal").exists()
