"""backup, restore, person export/forget, retention and audit, through the real CLI and file."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import stat
from pathlib import Path

from conftest import ok, refused, rows, run, snapshot
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

NOW = "2026-01-01T09:00:00+00:00"
BACKUP_NAME = re.compile(r"connector-\d{4}-\d{2}-\d{2}T\d{6}(-\d+)?\.db")

# Every table that holds records about a person, directly or through their episodes.
PERSON_TABLES = {
    "episodes", "episode_triggers", "conversations", "conversation_answers", "goals",
    "goal_reviews", "contacts", "signposts", "signpost_outcomes", "measures", "measure_answers",
    "gaps", "notes", "plans",
}  # fmt: skip


def connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def add_person(db: Path, name: str, episodes: list[dict] | None = None, **person) -> int:
    """A person with one of everything in each episode (SQL: covers every table at once).

    `episodes` gives each episode's fields (referral_date, status, status_date, closure_date...).
    """
    if not db.exists():
        ok("audit")  # creates and migrates the database
    conn = connect(db)
    with conn:
        pid = conn.execute(
            "INSERT INTO people (name, dob, gender, living, area, phone, email, consent_to_share,"
            " risks, created_at) VALUES (?, ?, 'female', 'alone', 'Hulme', ?, ?, 1, ?, ?)",
            [name, person.get("dob", "1948-03-02"), person.get("phone", "0161 496 0001"),
             person.get("email"), person.get("risks"), NOW],
        ).lastrowid  # fmt: skip
        for e in episodes or [{"referral_date": "2026-09-01", "status": "accepted"}]:
            add_episode(conn, pid, name, **e)
    conn.close()
    return pid


def add_episode(conn: sqlite3.Connection, pid: int, name: str, **e) -> int:
    eid = conn.execute(
        "INSERT INTO episodes (person_id, referral_date, source, referrer, reason, age_at_referral,"
        " triggers_answered, primary_trigger, status, status_date, closure_date, closure_reason,"
        " created_at) VALUES (?, ?, 'nhs-gp', 'Dr Okafor, Hulme surgery', ?, 78, 1, 'bereaved',"
        " ?, ?, ?, ?, ?)",
        [pid, e["referral_date"], f"{name} has been low since her husband died",
         e.get("status", "accepted"), e.get("status_date", e["referral_date"]),
         e.get("closure_date"), "planned" if e.get("closure_date") else None, NOW],
    ).lastrowid  # fmt: skip
    day = e["referral_date"]
    conn.execute("INSERT INTO episode_triggers VALUES (?, 'bereaved')", [eid])
    cid = conn.execute(
        "INSERT INTO conversations (episode_id, date, created_at) VALUES (?, ?, ?)", [eid, day, NOW]
    ).lastrowid
    conn.execute(
        "INSERT INTO conversation_answers VALUES (?, 'matters-most', ?)",
        [cid, f"Seeing my grandson; {name} misses the choir"],
    )
    gid = conn.execute(
        "INSERT INTO goals (episode_id, number, text, domain, set_date) "
        "VALUES (?, 1, 'Go back to the choir', 'social-networks', ?)",
        [eid, day],
    ).lastrowid
    conn.execute(
        "INSERT INTO goal_reviews (goal_id, date, progress, note) VALUES (?, ?, 'some', ?)",
        [gid, day, "Went once with her neighbour"],
    )
    conn.execute(
        "INSERT INTO contacts (episode_id, date, kind, minutes, location, note, created_at) "
        "VALUES (?, ?, 'face-to-face', 60, 'home', ?, ?)",
        [eid, day, f"Visited {name} at home; talked about the choir", NOW],
    )
    sid = conn.execute(
        "INSERT INTO signposts (episode_id, date, to_text, category_group, category_sub, "
        "outcome, outcome_date, created_at) VALUES (?, ?, 'St Mary''s Singers', 'third-sector', "
        "'age', 'attended', ?, ?)",
        [eid, day, day, NOW],
    ).lastrowid
    conn.execute(
        "INSERT INTO signpost_outcomes (signpost_id, date, outcome, created_at) "
        "VALUES (?, ?, 'attended', ?)",
        [sid, day, NOW],
    )
    mid = conn.execute(
        "INSERT INTO measures (episode_id, instrument, version, stage, date, score, created_at) "
        "VALUES (?, 'ucla3', '1', 'baseline', ?, 7, ?)",
        [eid, day, NOW],
    ).lastrowid
    conn.executemany(
        "INSERT INTO measure_answers (measure_id, item, value, answer) VALUES (?, ?, ?, ?)",
        [(mid, "companionship", 3, None), (mid, "left_out", 2, None),
         (mid, "isolated", 2, None), (mid, "lonely_direct", None, "often-always")],
    )  # fmt: skip
    conn.execute(
        "INSERT INTO notes (episode_id, date, text, created_at) VALUES (?, ?, ?, ?)",
        [eid, day, f"{name} was a xylophonist in a dance band before the war", NOW],
    )
    conn.execute(
        "INSERT INTO plans (episode_id, date, kind, note, created_at) "
        "VALUES (?, ?, 'telephone', 'Ask about the choir', ?)",
        [eid, day, NOW],
    )
    conn.execute(
        "INSERT INTO gaps (date, category_group, need, reason, person_id, created_at) "
        "VALUES (?, 'third-sector', 'A daytime choir with step-free access', 'access', ?, ?)",
        [day, pid, NOW],
    )
    return eid


def audit_rows(db: Path) -> list[dict]:
    return [
        {**r, "detail": json.loads(r["detail"])}
        for r in rows(db, "SELECT * FROM audit_log ORDER BY id")
    ]


def table_counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def interactive(monkeypatch, *args: str, keys: str):
    monkeypatch.setenv("CONNECTOR_INTERACTIVE", "1")
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(keys)
        return run(*args)


# --- backup ----------------------------------------------------------------------------------


def test_backup_makes_a_verified_private_copy_beside_the_database(db_path):
    add_person(db_path, "Margaret Zebedee")
    before = table_counts(db_path)

    result = ok("backup")

    [copy] = list((db_path.parent / "backups").iterdir())
    assert BACKUP_NAME.fullmatch(copy.name)
    assert str(copy) in result.stdout
    assert "1 person, 1 episode, 1 contact" in result.stdout
    assert mode(copy) == 0o600 and mode(copy.parent) == 0o700
    assert rows(copy, "PRAGMA integrity_check") == [{"integrity_check": "ok"}]
    assert table_counts(copy) == before
    assert rows(copy, "PRAGMA journal_mode") == [{"journal_mode": "delete"}]  # one whole file
    [entry] = audit_rows(db_path)
    assert entry["action"] == "backup"
    assert entry["detail"] == {
        "file": copy.name,
        "records": sum(before.values()),
        "pruned": 0,
        "people": 1,
        "episodes": 1,
        "contacts": 1,
    }


def test_backup_copies_one_moment_while_another_window_is_writing(db_path, tmp_path):
    from connector_cli.store import connect as open_store
    from connector_cli.store.privacy import copy_database

    add_person(db_path, "Margaret Zebedee")
    other = connect(db_path)
    other.execute("BEGIN IMMEDIATE")  # another window, half-way through saving
    other.execute("INSERT INTO people (name, created_at) VALUES ('Not Yet Saved', ?)", [NOW])
    conn = open_store(db_path)

    counts = copy_database(conn, tmp_path / "copy.db")

    other.execute("ROLLBACK")
    other.close()
    conn.close()
    assert counts["people"] == 1
    assert [r["name"] for r in rows(tmp_path / "copy.db", "SELECT name FROM people")] == [
        "Margaret Zebedee"
    ]


def test_backup_json_and_a_reader_in_another_window(db_path):
    add_person(db_path, "Margaret Zebedee")
    reader = connect(db_path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM people").fetchone()  # holds a read snapshot open

    data = ok("backup", "--json").json()

    reader.execute("COMMIT")
    reader.close()
    copy = Path(data["path"])
    assert data["tables"]["people"] == 1 and data["records"] == sum(data["tables"].values())
    assert data["bytes"] == copy.stat().st_size and data["pruned"] == []


def test_backup_path_may_be_a_folder_or_a_new_file(db_path, tmp_path):
    add_person(db_path, "Margaret Zebedee")
    usb = tmp_path / "usb"
    usb.mkdir()
    into_folder = Path(ok("backup", usb, "--json").json()["path"])
    assert into_folder.parent == usb and BACKUP_NAME.fullmatch(into_folder.name)

    named = usb / "before-upgrade.db"
    ok("backup", named)
    assert rows(named, "SELECT count(*) AS n FROM people") == [{"n": 1}]

    refused("backup", named, contains="already exists")
    refused("backup", tmp_path / "nowhere" / "x.db", contains="No folder")


def test_backup_keep_prunes_only_our_older_backups(db_path):
    add_person(db_path, "Margaret Zebedee")
    folder = db_path.parent / "backups"
    folder.mkdir(mode=0o700)
    old = ["connector-2024-01-05T090000.db", "connector-2025-06-01T120000.db"]
    others = ["notes.txt", "connector-latest.db", "connector-2025-06-01T120000.db.txt"]
    for name in old + others:
        (folder / name).write_text("x")

    data = ok("backup", "--keep", "2", "--json").json()

    newest = Path(data["path"]).name
    assert data["pruned"] == [str(folder / old[0])]
    assert sorted(p.name for p in folder.iterdir()) == sorted([old[1], newest, *others])
    assert audit_rows(db_path)[-1]["detail"]["pruned"] == 1

    latest = Path(ok("backup", "--keep", "1", "--json").json()["path"])
    ours = [p for p in folder.iterdir() if BACKUP_NAME.fullmatch(p.name)]
    assert ours == [latest]  # two made in one second: the -2 one is the newer
    refused("backup", "--keep", "0", contains="greater than or equal to 1")


def test_backup_without_a_database_is_refused(db_path):
    refused("backup", contains="nothing to back up")
    assert not db_path.exists()


def test_backup_of_a_read_only_database_still_succeeds_without_its_audit_entry(db_path, tmp_path):
    from connector_cli import privacy
    from connector_cli.store import privacy as store

    add_person(db_path, "Margaret Zebedee")
    before = snapshot(db_path)
    conn = store.open_read_only(db_path)  # what a read-only file gives connector
    try:
        done = privacy.backup(conn, db_file=db_path, path=str(tmp_path / "copy.db"), keep=None)
    finally:
        conn.close()

    assert "readonly" in done.audit_problem
    assert done.path == tmp_path / "copy.db" and done.tables["people"] == 1
    assert table_counts(done.path) == table_counts(db_path)  # the backup itself is complete
    assert snapshot(db_path) == before


def test_backup_command_on_an_unwritable_file_warns_and_exits_0(db_path, tmp_path):
    import subprocess

    add_person(db_path, "Margaret Zebedee")
    ok("audit")
    if subprocess.run(["chattr", "+i", db_path], capture_output=True).returncode != 0:
        import pytest

        pytest.skip("cannot make the file immutable here")
    try:
        result = run("backup", tmp_path / "copy.db")
    finally:
        subprocess.run(["chattr", "-i", db_path], check=True)

    assert result.exit_code == 0, result
    assert f"to {tmp_path / 'copy.db'}" in result.stdout
    assert "audit entry could not be written" in result.stderr
    assert "Traceback" not in result.stderr
    assert [r["name"] for r in rows(tmp_path / "copy.db", "SELECT name FROM people")] == [
        "Margaret Zebedee"
    ]
    assert audit_rows(db_path) == []


# --- restore ---------------------------------------------------------------------------------


def test_restore_brings_back_the_backup_and_keeps_the_current_database(db_path):
    add_person(db_path, "Margaret Zebedee")
    backup = Path(ok("backup", "--json").json()["path"])
    add_person(db_path, "Arthur Pennington")

    result = ok("restore", backup, "--yes")

    assert "Restored" in result.stdout and "kept at" in result.stdout
    assert [r["name"] for r in rows(db_path, "SELECT name FROM people")] == ["Margaret Zebedee"]
    assert mode(db_path) == 0o600
    [aside] = [p for p in db_path.parent.iterdir() if ".before-restore-" in p.name]
    assert str(aside) in result.stdout
    names = [r["name"] for r in rows(aside, "SELECT name FROM people ORDER BY id")]
    assert names == ["Margaret Zebedee", "Arthur Pennington"]  # nothing lost: it is all there
    entry = audit_rows(db_path)[-1]
    assert entry["action"] == "restore"
    # no user-chosen file name in the audit log (it could name a person)
    assert "file" not in entry["detail"] and entry["detail"]["kept_aside"] is True
    assert backup.exists()  # the backup itself is left as it was
    ok("people", "--all")  # and connector carries on using the restored file


def _corrupt_people_page(path: Path) -> None:
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    [root] = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'people'").fetchone()
    conn.close()
    with open(path, "r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\xff" * 64)


def test_restore_refuses_a_corrupted_copy_and_changes_nothing(db_path):
    add_person(db_path, "Margaret Zebedee")
    backup = Path(ok("backup", "--json").json()["path"])
    add_person(db_path, "Arthur Pennington")
    _corrupt_people_page(backup)
    before = snapshot(db_path)

    refused("restore", backup, "--yes", contains="damaged")

    assert snapshot(db_path) == before
    assert not [p for p in db_path.parent.iterdir() if "restor" in p.name]


def test_restore_refuses_truncated_foreign_and_non_database_files(db_path, tmp_path):
    add_person(db_path, "Margaret Zebedee")
    backup = Path(ok("backup", "--json").json()["path"])
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    foreign = tmp_path / "other-app.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE notes (text)")
    text = tmp_path / "shopping.txt"
    text.write_text("milk\n" * 500)
    before = snapshot(db_path)

    refused("restore", truncated, "--yes", contains="damaged")
    refused("restore", foreign, "--yes", contains="not a connector database")
    refused("restore", text, "--yes", contains="not a database")
    refused("restore", tmp_path / "missing.db", "--yes", contains="No file")
    refused("restore", db_path, "--yes", contains="database in use")

    assert snapshot(db_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["data", "truncated.db", "other-app.db", "shopping.txt"]
    )  # a look at a file leaves no -wal/-shm litter


def _only_migrations_table(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE _sqlite_migrations (migration_set TEXT, name TEXT, applied_at)")
        conn.execute("INSERT INTO _sqlite_migrations VALUES ('connector', 'm001_core', 'x')")
    conn.close()


def test_restore_refuses_an_incomplete_database_before_touching_the_live_one(db_path, tmp_path):
    add_person(db_path, "Margaret Zebedee")
    partial = tmp_path / "partial.db"
    _only_migrations_table(partial)
    backup = Path(ok("backup", "--json").json()["path"])
    with sqlite3.connect(backup) as conn:  # upgrades fine but a whole table is missing
        conn.execute("DROP TABLE gaps")
    conn.close()
    before = snapshot(db_path)

    refused("restore", partial, "--yes", contains="incomplete")
    refused("restore", backup, "--yes", contains="missing table gaps")

    assert snapshot(db_path) == before
    assert not [p for p in db_path.parent.iterdir() if "restor" in p.name]
    assert "Margaret Zebedee" in ok("people", "--all").stdout  # the live database still works


def test_restore_warns_when_the_backup_holds_far_fewer_people(db_path):
    ok("audit")
    empty = Path(ok("backup", "--json").json()["path"])
    for name in ("Margaret Zebedee", "Arthur Pennington", "Cath Lowe"):
        add_person(db_path, name)
    some = Path(ok("backup", "--json").json()["path"])
    add_person(db_path, "Dev Patel")

    assert "Warning" not in ok("restore", some, "--yes").stderr  # 3 of 4: not far fewer
    result = ok("restore", empty, "--yes")

    assert "The backup holds 0 people; the current database holds 3." in result.stderr
    assert rows(db_path, "SELECT * FROM people") == []


def test_restore_asks_first(db_path, monkeypatch):
    add_person(db_path, "Margaret Zebedee")
    backup = Path(ok("backup", "--json").json()["path"])
    add_person(db_path, "Arthur Pennington")
    before = snapshot(db_path)

    refused("restore", backup, contains="--yes")
    result = interactive(monkeypatch, "restore", str(backup), keys="n")
    assert result.exit_code == 1 and "Cancelled" in result.stderr
    assert snapshot(db_path) == before

    result = interactive(monkeypatch, "restore", str(backup), keys="y")
    assert result.exit_code == 0, result
    assert len(rows(db_path, "SELECT * FROM people")) == 1


def test_restore_onto_a_new_laptop(db_path, tmp_path):
    add_person(db_path, "Margaret Zebedee")
    backup = Path(ok("backup", "--json").json()["path"])
    fresh = tmp_path / "new-laptop" / "connector.db"

    result = ok("--db", fresh, "restore", backup, "--yes")

    assert "kept at" not in result.stdout
    assert [r["name"] for r in rows(fresh, "SELECT name FROM people")] == ["Margaret Zebedee"]
    assert mode(fresh) == 0o600


# --- person export (subject access) ----------------------------------------------------------


def test_person_export_writes_everything_as_json_and_markdown(db_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pid = add_person(
        db_path,
        "Margaret Zebedee",
        episodes=[
            {"referral_date": "2025-01-10", "closure_date": "2025-04-01"},
            {"referral_date": "2026-09-01"},
        ],
        email="mz@example.org",
    )
    add_person(db_path, "Arthur Pennington")

    result = ok("person", "export", "zebedee")

    json_file = tmp_path / f"person-{pid}-subject-access.json"
    md_file = tmp_path / f"person-{pid}-subject-access.md"
    assert str(md_file.name) in result.stdout and "Margaret Zebedee" in result.stdout
    assert mode(json_file) == 0o600 and mode(md_file) == 0o600
    held = json.loads(json_file.read_text())
    assert held["exported_on"] == "2026-11-20"
    assert held["person"]["name"] == "Margaret Zebedee"
    assert held["person"]["email"] == "mz@example.org"
    assert [e["referral_date"] for e in held["episodes"]] == ["2025-01-10", "2026-09-01"]
    first = held["episodes"][0]
    assert first["closure_date"] == "2025-04-01" and first["triggers"] == ["bereaved"]
    assert first["referrer"] == "Dr Okafor, Hulme surgery"
    assert first["conversations"][0]["answers"] == [
        {"key": "matters-most", "answer": "Seeing my grandson; Margaret Zebedee misses the choir"}
    ]
    assert first["goals"][0]["text"] == "Go back to the choir"
    assert first["goals"][0]["reviews"][0]["note"] == "Went once with her neighbour"
    assert first["contacts"][0]["minutes"] == 60
    assert first["signposts"][0]["to_text"] == "St Mary's Singers"
    measure = first["measures"][0]
    assert measure["score"] == 7
    assert {a["item"]: a["value"] for a in measure["answers"]}["companionship"] == 3
    assert len(held["gaps"]) == 2
    assert held["counts"] == {
        "people": 1, "episodes": 2, "triggers": 2, "conversations": 2, "conversation_answers": 2,
        "goals": 2, "goal_reviews": 2, "contacts": 2, "signposts": 2,
        "signpost_outcomes": 2, "measures": 2, "measure_answers": 8, "notes": 2, "plans": 2,
        "gap_links": 2,
    }  # fmt: skip
    assert "Arthur" not in json_file.read_text() + md_file.read_text()

    md = md_file.read_text()
    for expected in (
        "# Information held about Margaret Zebedee",
        "- Date of birth: 1948-03-02",
        "## Referral 1: 2025-01-10 (ended 2025-04-01)",
        "- Referred by: NHS - GP, Dr Okafor, Hulme surgery",
        "- What matters most to you at the moment? Seeing my grandson",
        "1. Go back to the choir",
        "reviewed 2025-01-10: Made some progress: Went once with her neighbour",
        "- 2025-01-10: Face-to-face, 60 minutes, Home, by your connector. Note: Visited",
        "- 2025-01-10: St Mary's Singers (third-sector/age), outcome: Attended",
        "Loneliness: UCLA 3-item scale (ONS wording) (baseline), score 7\n"
        "  - How often do you feel that you lack companionship? — Often (3)\n"
        "  - How often do you feel left out? — Some of the time (2)\n"
        "  - How often do you feel isolated from others? — Some of the time (2)\n"
        "  - How often do you feel lonely? — Often/always",
        "## Gaps in local services noted with you",
    ):
        assert expected in md, expected

    assert "©" not in md  # no copyrighted form's items were listed

    [entry] = audit_rows(db_path)
    assert entry["action"] == "subject-access-export"
    assert entry["detail"] == held["counts"]
    assert "Zebedee" not in json.dumps(entry)


SWEMWBS_NOTICE = (
    "Short Warwick Edinburgh Mental Wellbeing Scale (SWEMWBS) © NHS Health Scotland, "
    "University of Warwick and University of Edinburgh, 2008, all rights reserved."
)


def test_person_export_lists_swemwbs_items_with_the_notice(db_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ok("new-referral", "--name", "Margaret Zebedee", "--referral-date", "2026-09-01",
       "--status", "accepted", "--no-triggers", "--no-input")  # fmt: skip
    for stage, day in (("baseline", "2026-09-03"), ("review", "2026-10-12")):
        ok("swemwbs", "score", "1", "2", "3", "4", "5", "4", "3", "--person", "1",
           "--stage", stage, "--date", day)  # fmt: skip
    ok("ons4", "score", "7", "0", "10", "3", "--person", "1", "--stage", "baseline",
       "--date", "2026-09-03")  # fmt: skip
    ok("person", "export", "1")
    md = (tmp_path / "person-1-subject-access.md").read_text()
    # each item's wording, then the answer in the form's words and the value it scores
    assert "  - I've been feeling optimistic about the future — None of the time (1)\n" in md
    assert "  - I've been feeling useful — Rarely (2)\n" in md
    assert "  - I've been able to make up my own mind about things — Some of the time (3)" in md
    assert "  - Overall, how satisfied are you with your life nowadays? — 7 out of 10\n" in md
    assert "in your life are worthwhile? — 0 - not at all\n" in md
    # the licence: wherever SWEMWBS items are shown, its notice goes with them (once is enough)
    questionnaires = md[md.index("### Questionnaires") :]
    assert md.count("©") == 1 and f"\n\n{SWEMWBS_NOTICE}\n" in questionnaires
    assert questionnaires.index("own mind") < questionnaires.index("©")


def test_person_export_out_file_rule(db_path, tmp_path):
    add_person(db_path, "Margaret Zebedee")
    (tmp_path / "sar").mkdir()

    ok("person", "export", "1", "--out", tmp_path / "sar" / "request.json")
    assert sorted(p.name for p in (tmp_path / "sar").iterdir()) == ["request.json", "request.md"]

    ok("person", "export", "1", "--out", tmp_path / "sar")  # a folder gets the default names
    assert (tmp_path / "sar" / "person-1-subject-access.md").exists()

    refused("person", "export", "1", "--out", tmp_path / "sar" / "request", contains="exists")
    refused("person", "export", "1", "--out", tmp_path / "no" / "x", contains="No folder")
    assert len(audit_rows(db_path)) == 2  # refused exports are not recorded


def test_person_commands_refuse_unknown_or_ambiguous_people(db_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    add_person(db_path, "Margaret Zebedee")
    add_person(db_path, "Margaret Hughes")
    before = snapshot(db_path)

    refused("person", "export", "Margaret", contains="matches 2 people")
    refused("person", "forget", "Margaret", "--yes", contains="matches 2 people")
    refused("person", "forget", "99", "--yes", contains="No person number 99")

    assert snapshot(db_path) == before
    assert list(tmp_path.glob("person-*")) == []


# --- person forget (erasure) -----------------------------------------------------------------


def raw_bytes(db: Path) -> bytes:
    """The database file and its write-ahead log, as they sit on the disk."""
    return b"".join(
        Path(f"{db}{suffix}").read_bytes()
        for suffix in ("", "-wal")
        if Path(f"{db}{suffix}").exists()
    )


def test_forget_erases_the_person_and_leaves_no_trace_in_the_file(db_path):
    keep = add_person(db_path, "Arthur Pennington")
    pid = add_person(
        db_path,
        "Margaret Zebedee",
        episodes=[{"referral_date": "2025-01-10", "closure_date": "2025-04-01"},
                  {"referral_date": "2026-09-01"}],
        phone="07700 900461",
    )  # fmt: skip
    conn = connect(db_path)  # a note long enough to spill onto an overflow page
    conn.execute(
        "UPDATE contacts SET note = ? WHERE episode_id IN (SELECT id FROM episodes "
        "WHERE person_id = ?)",
        ["Margaret Zebedee told me about her late husband. " * 200, pid],
    )
    conn.close()
    traces = [b"Zebedee", b"07700 900461", b"late husband"]
    assert all(t in raw_bytes(db_path) for t in traces)  # the check can see them
    # the search index holds her words too: its text, and the terms in its b-tree segments
    assert ok("search", "xylophonist", "--json").json()["total"] == 3  # a note each episode
    index_blobs = b"".join(r["block"] for r in rows(db_path, "SELECT block FROM search_index_data"))
    assert b"ebedee" in index_blobs  # a term, perhaps sharing its first letter with the last

    result = ok("person", "forget", "Zebedee", "--yes")

    assert "Erased Margaret Zebedee: 1 person, 2 episodes" in result.stdout
    for trace in traces:
        assert trace not in raw_bytes(db_path), trace
    conn = sqlite3.connect(db_path)  # and after another checkpoint of the WAL
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for trace in traces:
        assert trace not in raw_bytes(db_path), trace
    for trace in (b"ebedee", b"zebedee"):
        assert trace not in raw_bytes(db_path).lower(), trace  # the index's lower-case terms
    assert ok("search", "xylophonist", "--json").json()["total"] == 1  # Arthur's note only
    assert ok("search", "Zebedee", "--json").json()["total"] == 0

    counts = table_counts(db_path)
    assert counts["people"] == 1 and counts["episodes"] == 1
    assert {t: counts[t] for t in PERSON_TABLES} == {
        "episodes": 1,
        "episode_triggers": 1,
        "conversations": 1,
        "conversation_answers": 1,
        "goals": 1,
        "goal_reviews": 1,
        "contacts": 1,
        "signposts": 1,
        "signpost_outcomes": 1,
        "measures": 1,
        "measure_answers": 4,
        "notes": 1,
        "plans": 1,
        "gaps": 3,
    }  # fmt: skip  Arthur's records, plus Margaret's two gaps kept as unmet need, unlinked
    assert [r["person_id"] for r in rows(db_path, "SELECT person_id FROM gaps ORDER BY id")] == [
        keep,
        None,
        None,
    ]
    assert rows(db_path, "PRAGMA integrity_check") == [{"integrity_check": "ok"}]
    [entry] = audit_rows(db_path)
    assert entry["action"] == "erasure"
    assert entry["detail"] == {
        "people": 1,
        "episodes": 2,
        "triggers": 2,
        "conversations": 2,
        "conversation_answers": 2,
        "goals": 2,
        "goal_reviews": 2,
        "contacts": 2,
        "signposts": 2,
        "signpost_outcomes": 2,
        "measures": 2,
        "measure_answers": 8,
        "notes": 2,
        "plans": 2,
        "gap_links": 2,
    }  # fmt: skip  counts only: no name, number or date of birth


def test_forget_warns_when_the_name_is_still_in_other_records(db_path):
    add_person(db_path, "Margaret Zebedee")
    other = add_person(db_path, "Arthur Pennington")
    conn = connect(db_path)
    conn.execute(
        "UPDATE contacts SET note = 'Met Margaret Zebedee at the choir' WHERE episode_id IN "
        "(SELECT id FROM episodes WHERE person_id = ?)",
        [other],
    )
    conn.close()

    result = ok("person", "forget", "Zebedee", "--yes")

    assert "still appears in other records (contacts.note (1))" in result.stdout


def test_forget_asks_first(db_path, monkeypatch):
    add_person(db_path, "Margaret Zebedee")
    before = snapshot(db_path)

    refused("person", "forget", "Zebedee", contains="give --yes")
    result = interactive(monkeypatch, "person", "forget", "Zebedee", keys="n")
    assert result.exit_code == 1 and "Cancelled" in result.stderr
    assert snapshot(db_path) == before

    result = interactive(monkeypatch, "person", "forget", "Zebedee", keys="y")
    assert result.exit_code == 0, result
    assert rows(db_path, "SELECT * FROM people") == []


# --- retention -------------------------------------------------------------------------------


def _retention_caseload(db: Path) -> dict[str, int]:
    """Today is 2026-11-20, so six years back is 2020-11-20."""
    return {
        "ended-2019": add_person(db, "Ada Long", [
            {"referral_date": "2019-01-07", "closure_date": "2019-05-01"}]),
        "back-again": add_person(db, "Bert [b] Return", [
            {"referral_date": "2018-02-01", "closure_date": "2018-06-30"},
            {"referral_date": "2026-10-01"}]),
        "declined-2019": add_person(db, "Cath Declined", [
            {"referral_date": "2019-01-02", "status": "declined", "status_date": "2019-01-10"}]),
        "ended-2021": add_person(db, "Dev Recent", [
            {"referral_date": "2021-01-04", "closure_date": "2021-06-01"}]),
        "exactly-six": add_person(db, "Eve Boundary", [
            {"referral_date": "2020-06-01", "closure_date": "2020-11-20"}]),
        "open-since-2018": add_person(db, "Finn Open", [
            {"referral_date": "2018-03-01", "status": "accepted", "status_date": "2018-03-05"}]),
    }  # fmt: skip


def test_retention_lists_episodes_that_ended_long_enough_ago(db_path):
    people = _retention_caseload(db_path)

    result = ok("retention", "--older-than", "6")

    for name in ("Ada Long", "Bert [b] Return", "Cath Declined"):  # typed text is not markup
        assert name in result.stdout
    for name in ("Dev Recent", "Eve Boundary", "Finn Open"):
        assert name not in result.stdout
    assert "3 episodes of 3 people ended more than 6 years ago (before 2020-11-20)" in result.stdout
    data = ok("retention", "--older-than", "6", "--json").json()
    assert data["cutoff"] == "2020-11-20"
    listed = {(e["person_id"], e["closed_date"], e["person_erased"]) for e in data["episodes"]}
    assert listed == {
        (people["ended-2019"], "2019-05-01", True),
        (people["back-again"], "2018-06-30", False),
        (people["declined-2019"], "2019-01-10", True),
    }
    assert "Long" not in json.dumps(data)
    assert audit_rows(db_path) == []  # listing is not an action on the data
    assert (
        "No episodes closed more than 10 years ago" in ok("retention", "--older-than", "10").stdout
    )


def test_retention_erase_removes_them_securely(db_path):
    people = _retention_caseload(db_path)

    result = ok("retention", "--older-than", "6", "--erase", "--yes")

    assert "Erased 2 people, 3 episodes" in result.stdout
    left = {r["name"] for r in rows(db_path, "SELECT name FROM people")}
    assert left == {"Bert [b] Return", "Dev Recent", "Eve Boundary", "Finn Open"}
    bert = rows(db_path, "SELECT * FROM episodes WHERE person_id = ?", [people["back-again"]])
    assert [e["referral_date"] for e in bert] == ["2026-10-01"]
    assert b"Ada Long" not in raw_bytes(db_path) and b"Cath Declined" not in raw_bytes(db_path)
    [entry] = audit_rows(db_path)
    assert entry["action"] == "retention-erasure"
    assert entry["detail"] == {
        "older_than_years": 6, "people": 2, "episodes": 3, "triggers": 3, "conversations": 3,
        "conversation_answers": 3, "goals": 3, "goal_reviews": 3, "contacts": 3, "signposts": 3,
        "signpost_outcomes": 3, "measures": 3, "measure_answers": 12, "notes": 3, "plans": 3,
        "gap_links": 2,
    }  # fmt: skip
    assert "Nothing" not in ok("retention", "--older-than", "6", "--erase", "--yes").stdout
    assert len(audit_rows(db_path)) == 1  # nothing left to erase, nothing recorded


def test_retention_needs_a_period_and_confirmation(db_path):
    _retention_caseload(db_path)
    before = snapshot(db_path)

    refused("retention", contains="--older-than")
    refused("retention", "--older-than", "0", contains="greater than or equal to 1")
    refused("retention", "--older-than", "six", contains="valid integer")
    refused("retention", "--older-than", "6", "--erase", contains="give --yes")
    refused("retention", "--older-than", "3000", contains="from 1 to 100")
    refused("retention", "--older-than", "101", "--erase", "--yes", contains="from 1 to 100")
    ok("retention", "--older-than", "100")

    assert snapshot(db_path) == before


# --- audit -----------------------------------------------------------------------------------


def test_audit_shows_what_was_done_without_personal_data(db_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert "audit log is empty" in ok("audit").stdout
    add_person(db_path, "Margaret Zebedee")
    add_person(db_path, "Arthur Pennington")
    ok("backup")
    ok("person", "export", "Zebedee")
    ok("person", "forget", "Zebedee", "--yes")

    table = ok("audit").stdout
    data = ok("audit", "--json").json()

    assert [e["action"] for e in data["entries"]] == ["backup", "subject-access-export", "erasure"]
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", e["at"]) for e in data["entries"]
    )
    assert data["entries"][2]["detail"]["contacts"] == 1
    for line in ("backup", "subject-access-export", "erasure", "1 person, 1 episode"):
        assert line in table
    assert "Zebedee" not in table + json.dumps(data)


# --- coverage guard --------------------------------------------------------------------------


def test_every_table_linked_to_a_person_is_exported_and_erased(db_path):
    """A new table holding person data must be added to privacy's export and erasure."""
    ok("audit")
    conn = sqlite3.connect(db_path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    links = {t: {fk[2] for fk in conn.execute(f'PRAGMA foreign_key_list("{t}")')} for t in tables}
    conn.close()
    linked, grew = {"people"}, True
    while grew:
        found = {t for t, parents in links.items() if parents & linked} - linked
        linked |= found
        grew = bool(found)
    assert linked - {"people"} == PERSON_TABLES


# --- migrations carry every old record forward -----------------------------------------------

FIXTURE = Path(__file__).parent / "fixtures" / "v1.sqlite"


def _all_rows(db: Path, columns_of: dict[str, list[str]]) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        return {
            table: sorted(conn.execute(f'SELECT {", ".join(columns)} FROM "{table}"'), key=repr)
            for table, columns in columns_of.items()
        }
    finally:
        conn.close()


def test_a_database_from_the_first_release_upgrades_with_every_row(db_path):
    """tests/fixtures/make_v1_db.py made the fixture; see its rules before regenerating it."""
    from connector_cli.migrations import MIGRATIONS

    db_path.parent.mkdir()
    shutil.copy(FIXTURE, db_path)
    conn = sqlite3.connect(db_path)
    old_columns = {
        table: [c[1] for c in conn.execute(f'PRAGMA table_info("{table}")')]
        for (table,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name <> '_sqlite_migrations'"
        )
    }
    conn.close()
    old_rows = _all_rows(db_path, old_columns)
    assert all(old_rows.values())  # the fixture has rows in every table

    shown = ok("show", "Doreen", "--json").json()  # opening it applies the newer migrations

    assert _all_rows(db_path, old_columns) == old_rows
    applied = [r["name"] for r in rows(db_path, "SELECT name FROM _sqlite_migrations")]
    assert applied == [fn.__name__ for fn in MIGRATIONS]
    assert rows(db_path, "PRAGMA integrity_check") == [{"integrity_check": "ok"}]
    assert rows(db_path, "PRAGMA foreign_key_check") == []
    assert {t: len(r) for t, r in old_rows.items()} == {
        "people": 3, "episodes": 4, "episode_triggers": 4, "conversations": 3,
        "conversation_answers": 6, "goals": 5, "goal_reviews": 4, "contacts": 8,
        "directory_entries": 2, "signposts": 3, "measures": 5, "measure_answers": 18,
        "gaps": 2, "settings": 1, "audit_log": 1,
    }  # fmt: skip
    assert "Doreen Ashworth" in json.dumps(shown)
    [swemwbs] = rows(db_path, "SELECT score, raw FROM measures WHERE instrument = 'swemwbs'")
    assert swemwbs == {"score": 17.43, "raw": 18}
    assert rows(db_path, "SELECT previous_episode_id FROM episodes WHERE id = 2") == [
        {"previous_episode_id": 1}
    ]
    # every outcome already recorded becomes the first entry of its signpost's history
    assert rows(db_path, "SELECT signpost_id, date, outcome FROM signpost_outcomes") == [
        {"signpost_id": s["id"], "date": s["outcome_date"] or s["date"], "outcome": s["outcome"]}
        for s in rows(db_path, "SELECT * FROM signposts WHERE outcome IS NOT NULL ORDER BY id")
    ]
    assert rows(db_path, "SELECT count(*) AS n FROM signpost_outcomes") != [{"n": 0}]
    ok("backup")  # and the privacy commands work on the upgraded file
    ok("person", "export", "Doreen", "--out", db_path.parent / "sar")
    assert json.loads((db_path.parent / "sar.json").read_text())["counts"]["measure_answers"] == 18


def test_restore_keeps_the_audit_log_and_warns_of_erasures_since(db_path):
    add_person(db_path, "Margaret Zebedee")
    backup = Path(ok("backup", "--json").json()["path"])
    ok("person", "forget", "Margaret", "--yes")
    result = ok("restore", backup, "--yes")
    actions = [entry["action"] for entry in audit_rows(db_path)]
    assert actions[-3:] == ["backup", "erasure", "restore"]  # what happened since stays on record
    assert "1 erasure(s) were made after this backup" in result.stderr
    assert [r["name"] for r in rows(db_path, "SELECT name FROM people")] == ["Margaret Zebedee"]
