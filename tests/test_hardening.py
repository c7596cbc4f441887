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
from conftest import ok, refused, rows, run, snapshot

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
    assert rows(db_path, "PRAGMA integrity_check") == [{"integrity_check": "ok"}]


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


# --- 4. markup printed as typed; gap edit and gap remove ----------------------------------------


def _gap(area: str = "Riverside [/] Northside") -> None:
    ok(
        "gap",
        "add",
        "--category",
        "third-sector/lunch-club",
        "--need",
        "A [bold red]lunch[/] club",
        "--reason",
        "none-exists",
        "--area",
        area,
        "--date",
        "2026-10-02",
    )


def test_markup_in_user_text_is_printed_as_typed(db_path):
    ok("new-referral", "--name", "Ann [bold red]Smith[/]", "--referral-date", "2026-10-01")
    _gap()
    listed = ok("gap", "list").stdout
    assert "[/]" in listed and "[bold" in listed
    ok("report", "--quarter", "2026Q4")
    ok("export", "--quarter", "2026Q4", "--out", db_path.parent / "e")
    assert "[bold red]Smith[/]" in ok("people").stdout.replace("\n", "")
    assert "[bold red]Smith[/]" in ok("show", "1").stdout


def test_markup_in_the_db_option_is_printed_as_typed(tmp_path):
    result = ok("--db", tmp_path / "[bold]x[/].db", "people")
    assert "[bold]x[/].db" in result.stdout.replace("\n", "")


def test_gap_edit_changes_only_what_is_given_and_is_audited(db_path):
    _gap()
    result = ok("gap", "edit", "1", "--area", "Northside", "--reason", "cost")
    assert "area" in result.stdout and "reason" in result.stdout
    [gap] = rows(db_path, "SELECT area, reason, need FROM gaps")
    assert gap == {"area": "Northside", "reason": "cost", "need": "A [bold red]lunch[/] club"}
    assert rows(db_path, "SELECT action FROM audit_log WHERE action LIKE 'gap-%'")[-1] == {
        "action": "gap-edit"
    }
    before = snapshot(db_path)
    refused("gap", "edit", "1", "--area", "LS6 1AA", contains="postcode")
    refused("gap", "edit", "1", "--date", "1900-01-01")
    refused("gap", "edit", "1", "--area", "North\x1bside", contains="control")
    refused("gap", "edit", "9", "--area", "x", contains="No gap 9")
    refused("gap", "edit", "1", contains="Give what to change")
    assert snapshot(db_path) == before


def test_gap_remove_needs_yes_without_a_terminal(db_path):
    _gap()
    before = snapshot(db_path)
    refused("gap", "remove", "1", contains="--yes")
    assert snapshot(db_path) == before
    ok("gap", "remove", "1", "--yes")
    assert rows(db_path, "SELECT * FROM gaps") == []
    assert rows(db_path, "SELECT action FROM audit_log")[-1] == {"action": "gap-remove"}


def test_gap_remove_asks_at_a_terminal(db_path, monkeypatch):
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    _gap()
    monkeypatch.setenv("CONNECTOR_INTERACTIVE", "1")
    for answer, left in (("n", 1), ("y", 0)):
        with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
            pipe.send_text(answer)
            result = run("gap", "remove", "1")
        assert result.exit_code == (1 if answer == "n" else 0), result
        assert len(rows(db_path, "SELECT * FROM gaps")) == left


# --- 5. hostile arguments: one sentence, exit 1, nothing written ----------------------------------


def _one_sentence(result) -> None:
    assert result.exit_code == 1, result
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.count("\n") == 1, result.stderr


def test_hostile_arguments_are_refused_in_one_sentence(db_path, tmp_path):
    _seed(db_path)
    before = snapshot(db_path)
    cases = [
        ["new-referral", "--name", "Caf\udce9"],  # non-UTF-8 bytes, as Python passes them on
        ["visit", "log", "Caf\udce9", "--kind", "telephone"],
        ["show", "A" * 60_000],
        ["show", "%_" * 30_000],
        ["show", "9" * 5000],
        ["directory", "export", "--out", tmp_path / ("n" * 300 + ".csv")],
        ["person", "export", "1", "--out", tmp_path / ("n" * 300)],
        ["backup", tmp_path / ("n" * 300 + ".db")],
    ]
    for args in cases:
        _one_sentence(run(*args))
    # a number option is checked by the command-line parser: a usage error (exit 2)
    huge = refused("visit", "log", "1", "--kind", "telephone", "--minutes", "9" * 5000)
    assert huge.exit_code == 2
    assert snapshot(db_path) == before


def test_an_unreadable_folder_is_one_sentence(db_path, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads every folder")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        _one_sentence(run("--db", locked / "x.db", "people"))
        _one_sentence(run("directory", "export", "--out", locked / "x.csv"))
    finally:
        locked.chmod(0o700)


def test_a_database_missing_a_table_or_column_is_one_sentence(db_path):
    _seed(db_path)
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TABLE gaps")
    conn.execute("ALTER TABLE people DROP COLUMN area")
    conn.commit()
    conn.close()
    before = snapshot(db_path)
    for args in (["gap", "list"], ["people"], ["report", "--quarter", "2026Q4"]):
        result = run(*args)
        _one_sentence(result)
        assert "missing part of connector's structure" in result.stderr
    assert snapshot(db_path) == before


# --- 7. control characters and bidi overrides ---------------------------------------------------


@pytest.mark.parametrize("bad", ["Club\x1b[31m", "Club\u202eevil", "Club\x00"])
def test_control_and_bidi_characters_are_refused(db_path, bad):
    _seed(db_path)
    before = snapshot(db_path)
    why = "cannot contain"
    refused("directory", "add", "--name", bad, "--category", "nhs/community", contains=why)
    refused("directory", "edit", "1", "--offers", bad, contains=why)
    refused("new-referral", "--name", bad, contains=why)
    gap = ["gap", "add", "--category", "nhs/community", "--reason", "full"]
    refused(*gap, "--need", bad, contains=why)
    refused(*gap, "--need", "x", "--area", bad, contains=why)
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    "cell", ['=HYPERLINK("http://x")', "@SUM(A1)", "+cmd|' /C calc'!A0", "Club\x1b[31m"]
)
def test_directory_import_refuses_formulas_and_escapes(db_path, tmp_path, cell):
    _seed(db_path)
    before = snapshot(db_path)
    csv = tmp_path / "in.csv"
    csv.write_text(f"name,category,contact\n{cell},nhs/community,+44 161 496 0101\n")
    refused("directory", "import", csv, contains="Row 2")
    assert snapshot(db_path) == before
    csv.write_text("name,category,contact\nClub,nhs/community,+44 161 496 0101\n")
    ok("directory", "import", csv)  # a phone number is not a formula


def test_directory_import_never_echoes_a_foreign_first_line(db_path, tmp_path):
    secret = tmp_path / "notes.txt"
    secret.write_text("Margaret Zebedee owes 400 pounds,private\nmore\n")
    result = refused("directory", "import", secret)
    assert "Margaret" not in result.stderr


# --- 8. erasure leftovers ---------------------------------------------------------------------------


def test_backup_keep_prunes_databases_set_aside_by_restore(db_path, tmp_path):
    ok("new-referral", "--name", "Margaret Zebedee")
    backup = Path(ok("backup", "--json").json()["path"])
    ok("restore", backup, "--yes")
    ok("restore", backup, "--yes")  # two copies set aside now
    aside = sorted(p for p in db_path.parent.iterdir() if ".before-restore-" in p.name)
    assert len(aside) == 2
    result = ok("backup", "--keep", "1")
    left = sorted(p for p in db_path.parent.iterdir() if ".before-restore-" in p.name)
    assert left == aside[1:]  # the newest kept, as the erasure message promises
    assert aside[0].name in result.stdout


def test_a_failed_rewrite_after_erasure_is_reported_as_what_it_was(db_path, capsys):
    from connector_cli import render_privacy
    from connector_cli.privacy import Erasure
    from connector_cli.store import connect
    from connector_cli.store.privacy import scrub_free_space

    ok("new-referral", "--name", "Margaret Zebedee")
    conn = connect(db_path)
    conn.execute("BEGIN")  # VACUUM cannot run inside a transaction: not "another window"
    problem = scrub_free_space(conn)
    conn.execute("ROLLBACK")
    conn.close()
    assert problem and problem != "busy"
    render_privacy.erasure_done(Erasure({"people": 1}, "database or disk is full"), name="M")
    shown = capsys.readouterr().out
    assert "disk is full" in shown and "another connector window" not in shown.lower()


def test_no_user_chosen_file_names_in_the_audit_log(db_path, tmp_path):
    ok("new-referral", "--name", "Margaret Zebedee")
    ok("backup", tmp_path / "margaret-zebedee.db")
    ok("directory", "export", "--out", tmp_path / "margaret-zebedee.csv")
    ok("restore", tmp_path / "margaret-zebedee.db", "--yes")
    log = " ".join(r["detail"] for r in rows(db_path, "SELECT detail FROM audit_log"))
    assert "zebedee" not in log.lower()


# --- 9. plausible input -----------------------------------------------------------------------------


def test_existing_must_be_the_person_named(db_path):
    ok("new-referral", "--name", "Margaret Zebedee", "--referral-date", "2026-09-01")
    ok("referral", "decline", "1", "--reason", "not-eligible", "--date", "2026-09-02")
    before = snapshot(db_path)
    refused("new-referral", "--name", "Arthur Pennington", "--existing", "1", contains="Margaret")
    assert snapshot(db_path) == before
    ok("new-referral", "--name", "margaret  zebedee", "--existing", "1")
    assert rows(db_path, "SELECT count(*) AS n FROM people") == [{"n": 1}]


@pytest.mark.parametrize(
    "held",
    [
        ["directory", "add", "--name", "Club", "--category", "nhs/community"],
        ["config", "set", "support_weeks", "16"],
        ["gap", "add", "--category", "nhs/community", "--need", "x", "--reason", "full"],
    ],
)
def test_demo_refuses_a_database_with_real_records(db_path, held):
    ok(*held)
    before = snapshot(db_path)
    refused("demo", "--people", "3", contains="already holds")
    assert snapshot(db_path) == before


def test_implausible_dates_are_refused_and_the_earliest_date_is_a_setting(db_path):
    _seed(db_path)
    before = snapshot(db_path)
    refused("new-referral", "--name", "X", "--referral-date", "1900-01-01", contains="2000-01-01")
    refused(
        "gap",
        "add",
        "--category",
        "nhs/community",
        "--need",
        "x",
        "--reason",
        "full",
        "--date",
        "1999-12-31",
    )
    refused("directory", "verify", "1", "--date", "1999-06-01", contains="earliest-date")
    refused(
        "directory", "add", "--name", "Y", "--category", "nhs/community", "--verified", "1990-01-01"
    )
    assert snapshot(db_path) == before
    # a date of birth is not an event: 1941 is fine
    ok("new-referral", "--name", "Doreen", "--dob", "1941-02-14")
    ok("config", "set", "earliest-date", "1995-01-01")
    ok("directory", "verify", "1", "--date", "1999-06-01")
    refused("directory", "verify", "1", "--date", "1994-06-01", contains="1995-01-01")
    refused("config", "set", "earliest-date", "2030-01-01", contains="future")


# --- Comments point at things that exist -----------------------------------------------------------


def test_every_doc_a_comment_names_exists():
    import re

    named = set()
    for folder in ("connector_cli", "bench", "tests"):
        for source in (ROOT / folder).rglob("*.py"):
            named |= set(re.findall(r"\bdocs/[\w./-]+\.md\b", source.read_text()))
    assert [doc for doc in sorted(named) if not (ROOT / doc).exists()] == []


def test_domain_modules_never_import_renderers():
    import re

    for source in (ROOT / "connector_cli").glob("*.py"):
        if source.stem.startswith(("render", "prompts")) or source.stem in ("cli", "session"):
            continue
        text = source.read_text()
        found = re.findall(r"from connector_cli(?:\.| import )(render\w*)\b", text)
        if source.stem in ("measures", "measures_ask", "checks", "caseload"):
            continue  # cycles owned by another branch this session
        assert found == [], f"{source.name} imports {found}"


def test_restore_refuses_a_foreign_file_with_a_migrations_table(db_path, tmp_path):
    ok("new-referral", "--name", "Margaret Zebedee")
    foreign = tmp_path / "blog.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE _sqlite_migrations (migration_set TEXT, name TEXT)")
    conn.execute("INSERT INTO _sqlite_migrations VALUES ('connector', 'm001_core')")
    conn.execute("CREATE TABLE posts (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    before = snapshot(db_path)
    refused("restore", foreign, "--yes", contains="not a connector database")
    assert snapshot(db_path) == before


def test_no_escape_code_in_a_file_name_reaches_the_terminal(db_path, tmp_path):
    _seed(db_path)
    bad = "\x1b[31m"
    outputs = [
        ok("backup", tmp_path / f"{bad}x.db").stdout,
        ok("person", "export", "1", "--out", tmp_path / f"{bad}y").stdout,
        ok("export", "--quarter", "2026Q4", "--out", tmp_path / f"{bad}z").stdout,
        ok("directory", "export", "--out", tmp_path / f"{bad}q.csv").stdout,
        run("directory", "search", bad).stdout,
    ]
    for shown in outputs:
        assert "\x1b" not in shown and "?[31m" in shown, shown
