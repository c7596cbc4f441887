"""Typing fast at a kitchen table: every mistake gets one clear sentence, a non-zero exit, no
traceback, and leaves the database exactly as it was."""

from __future__ import annotations

import pytest
from conftest import ok, run, snapshot


@pytest.fixture(autouse=True)
def caseload(db_path):
    ok("new-referral", "--name", "Ann Lee", "--referral-date", "2026-10-01", "--status", "accepted")
    ok("new-referral", "--name", "Anne Marsh", "--referral-date", "2026-10-01")
    ok("new-referral", "--name", "Dan Jones", "--referral-date", "2026-10-01")
    ok("referral", "decline", "Dan", "--reason", "Not lonely", "--date", "2026-10-02")
    ok("visit", "log", "Ann Lee", "--kind", "telephone", "--minutes", "20", "--date", "2026-10-20")
    for n in (1, 2, 3):
        ok("goal", "add", "Ann Lee", f"Goal {n}", "--domain", "friends", "--date", "2026-10-05")


CASES = {
    "huge person number": (["show", "99999999999999999999"], "No person number"),
    "huge episode number": (
        ["show", "Ann Lee", "--episode", "99999999999999999999"],
        "far too large",
    ),
    "unicode digits as age": (["new-referral", "--name", "Zoe", "--age", "²"], "Invalid age"),
    "arabic-indic date": (
        ["visit", "log", "Ann Lee", "--kind", "message", "--date", "٢٠٢٦-١١-٠١"],
        "Invalid date",
    ),
    "year 1": (["new-referral", "--name", "Zoe", "--referral-date", "0001-01-01"], "before 1900"),
    "escape codes in a name": (["new-referral", "--name", "Tab\x1b[31mRED"], "control characters"),
    "newline in a name": (["new-referral", "--name", "Two\nLines"], "one line"),
    "decline reason on accepted": (
        ["new-referral", "--name", "Zoe", "--status", "accepted", "--decline-reason", "x"],
        "only for --status declined",
    ),
    "primary trigger and none": (
        ["referral", "edit", "Ann Lee", "--primary-trigger", "health", "--no-triggers"],
        "not both",
    ),
    "dob and age in person edit": (
        ["person", "edit", "Ann Lee", "--dob", "1950-01-01", "--age", "70"],
        "not both",
    ),
    "empty --db": (["--db", "", "people"], "--db needs a file name"),
    "bad date format": (
        [
            "visit",
            "log",
            "Ann Lee",
            "--kind",
            "telephone",
            "--minutes",
            "5",
            "--date",
            "2026-13-01",
        ],
        "Invalid date",
    ),
    "impossible date": (
        [
            "visit",
            "log",
            "Ann Lee",
            "--kind",
            "telephone",
            "--minutes",
            "5",
            "--date",
            "31/02/2026",
        ],
        "Invalid date",
    ),
    "typo in today": (
        ["visit", "log", "Ann Lee", "--kind", "telephone", "--minutes", "5", "--date", "tody"],
        "Invalid date",
    ),
    "future date": (
        [
            "visit",
            "log",
            "Ann Lee",
            "--kind",
            "telephone",
            "--minutes",
            "5",
            "--date",
            "2026-12-25",
        ],
        "in the future",
    ),
    "future referral": (
        ["new-referral", "--name", "Zoe", "--referral-date", "2027-01-01"],
        "in the future",
    ),
    "before referral": (
        [
            "visit",
            "log",
            "Ann Lee",
            "--kind",
            "telephone",
            "--minutes",
            "5",
            "--date",
            "2026-09-01",
        ],
        "before the referral date",
    ),
    "unknown source": (
        ["new-referral", "--name", "Zoe", "--source", "nhs-gpp"],
        "Did you mean 'nhs-gp'",
    ),
    "unknown trigger": (
        ["new-referral", "--name", "Zoe", "--trigger", "widowed"],
        "Unknown trigger group",
    ),
    "unknown gender": (["new-referral", "--name", "Zoe", "--gender", "f"], "Unknown gender"),
    "unknown ethnicity": (
        ["new-referral", "--name", "Zoe", "--ethnicity", "Q"],
        "Unknown ethnicity",
    ),
    "triggers and none": (
        ["new-referral", "--name", "Zoe", "--trigger", "health", "--no-triggers"],
        "not both",
    ),
    "primary not a trigger": (
        ["new-referral", "--name", "Zoe", "--trigger", "health", "--primary-trigger", "bereaved"],
        "primary trigger",
    ),
    "dob and age": (
        ["new-referral", "--name", "Zoe", "--dob", "1950-01-01", "--age", "70"],
        "not both",
    ),
    "age not a number": (["new-referral", "--name", "Zoe", "--age", "seventy"], "Invalid age"),
    "child's age": (["new-referral", "--name", "Zoe", "--age", "9"], "adult"),
    "declined without reason": (
        ["new-referral", "--name", "Zoe", "--status", "declined"],
        "needs a reason",
    ),
    "empty name": (["new-referral", "--name", "  "], "name"),
    "no name without terminal": (["new-referral", "--source", "self"], "--name"),
    "unknown person": (["show", "Zed"], "No person matches"),
    "unknown number": (
        ["visit", "log", "42", "--kind", "telephone", "--minutes", "5"],
        "No person number 42",
    ),
    "ambiguous person": (
        ["visit", "log", "ann", "--kind", "telephone", "--minutes", "5"],
        "matches 2 people",
    ),
    "fourth goal": (
        ["goal", "add", "Ann Lee", "Goal 4", "--domain", "home"],
        "Already 3 open goals",
    ),
    "unknown domain": (
        ["goal", "add", "Anne Marsh", "Goal", "--domain", "friendship"],
        "Unknown goal domain",
    ),
    "missing minutes": (
        ["visit", "log", "Ann Lee", "--kind", "face-to-face", "--location", "home"],
        "--minutes",
    ),
    "negative minutes": (
        ["visit", "log", "Ann Lee", "--kind", "telephone", "--minutes", "-5"],
        "Minutes must be",
    ),
    "zero minutes": (
        ["visit", "log", "Ann Lee", "--kind", "telephone", "--minutes", "0"],
        "Minutes must be",
    ),
    "minutes not a number": (
        ["visit", "log", "Ann Lee", "--kind", "telephone", "--minutes", "ten"],
        "Invalid value for '--minutes'",
    ),
    "location on a call": (
        ["visit", "log", "Ann Lee", "--kind", "telephone", "--minutes", "5", "--location", "home"],
        "only for face-to-face",
    ),
    "unknown kind": (
        ["visit", "log", "Ann Lee", "--kind", "visit", "--minutes", "5"],
        "Unknown contact kind",
    ),
    "kind missing without terminal": (["visit", "log", "Ann Lee"], "--kind"),
    "volunteer without by": (
        ["visit", "log", "Ann Lee", "--kind", "telephone", "--minutes", "5", "--volunteer", "Sam"],
        "--by volunteer",
    ),
    "contact on declined": (
        ["visit", "log", "Dan", "--kind", "telephone", "--minutes", "5"],
        "declined",
    ),
    "closure before last contact": (
        ["close", "Ann Lee", "--reason", "planned", "--date", "2026-10-10"],
        "before the last",
    ),
    "close a pending referral": (
        ["close", "Anne Marsh", "--reason", "planned"],
        "Only an accepted",
    ),
    "unknown closure reason": (
        ["close", "Ann Lee", "--reason", "finished"],
        "Unknown closure reason",
    ),
    "sub-reason without choice": (
        ["close", "Ann Lee", "--reason", "planned", "--sub-reason", "needs-met"],
        "only for --reason choice",
    ),
    "bare signpost group": (
        ["signpost", "add", "Ann Lee", "--to", "X", "--category", "third-sector"],
        "needs a sub-category",
    ),
    "unknown signpost": (["signpost", "outcome", "99", "attended"], "No signpost number 99"),
    "unknown signpost outcome": (["signpost", "outcome", "1", "went"], "Unknown signpost outcome"),
    "bad what-matters key": (
        ["what-matters", "Ann Lee", "--answer", "hobbies=knitting"],
        "KEY=TEXT",
    ),
    "answer given twice": (
        ["what-matters", "Ann Lee", "--answer", "matters-most=a", "--answer", "matters-most=b"],
        "given twice",
    ),
    "unknown barrier": (
        ["what-matters", "Ann Lee", "--answer", "barriers=money"],
        "Unknown barrier",
    ),
    "missing option value": (["goal", "add", "Ann Lee", "X", "--domain"], "requires an argument"),
    "unknown command": (["vist", "log"], "No such command"),
}


@pytest.mark.parametrize("args, message", CASES.values(), ids=CASES.keys())
def test_refused_cleanly_and_nothing_written(db_path, args, message):
    before = snapshot(db_path)
    result = run(*args)
    assert result.exit_code in (1, 2), result
    assert "Traceback" not in result.stdout + result.stderr
    assert message.lower() in result.stderr.lower(), result
    if result.exit_code == 1:
        # A refusal is one or two plain lines, not a report.
        assert len(result.stderr.strip().splitlines()) <= 2, result
    assert snapshot(db_path) == before


def test_at_least_twenty_kinds_of_bad_input():
    assert len(CASES) >= 20


def test_markup_in_text_is_printed_as_typed(db_path):
    ok("new-referral", "--name", "Mary Jones [nee Smith] [/]", "--area", "[bold]Docks[/bold]")
    ok("goal", "add", "Mary", "Try [red]bingo[/red]", "--domain", "friends")
    assert "Mary Jones [nee Smith] [/]" in ok("people").stdout
    shown = ok("show", "Mary").stdout
    assert "Mary Jones [nee Smith] [/]" in shown and "[bold]Docks[/bold]" in shown
    assert "Try [red]bingo[/red]" in shown


def test_names_match_case_insensitively_in_any_alphabet(db_path):
    ok("new-referral", "--name", "Zoë Ørsted")
    assert "Zoë Ørsted" in ok("show", "ZOË").stdout
    assert "Zoë Ørsted" in ok("show", "ørsted").stdout


def test_another_programs_database_is_left_alone(tmp_path):
    import sqlite3

    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.close()
    result = run("--db", str(other), "people")
    assert result.exit_code == 1 and "another program's database" in result.stderr
    conn = sqlite3.connect(other)
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    conn.close()
    assert names == ["recipes"]


def test_demo_never_writes_into_the_default_records(tmp_path, monkeypatch):
    monkeypatch.delenv("CONNECTOR_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    result = run("demo", "--quiet")
    assert result.exit_code == 1 and "--db demo.db" in result.stderr
    assert not (tmp_path / "xdg" / "connector" / "connector.db").exists()


def test_importing_a_folder_is_refused(db_path, tmp_path):
    result = run("directory", "import", str(tmp_path))
    assert result.exit_code == 1 and "is a folder" in result.stderr
