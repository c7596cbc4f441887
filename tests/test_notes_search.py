"""Case notes (note add/edit/remove, shown with contacts) and `connector search` (FTS5).

Today is pinned to Friday 2026-11-20 (conftest).
"""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest
from conftest import ok, refused, rows, run, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def refer(name: str, on: str = "2026-11-01", **details: str) -> int:
    args = ["new-referral", "--name", name, "--referral-date", on, "--no-triggers"]
    for flag, value in details.items():
        args += [f"--{flag}", value]
    person = ok(*args, "--json").json()["person_id"]
    ok("referral", "accept", str(person), "--date", on)
    return person


def notes(db_path) -> list[dict]:
    return rows(db_path, "SELECT id, episode_id, date, text FROM notes ORDER BY id")


# --- note add / edit / remove ------------------------------------------------------------------


def test_note_add_edit_remove(db_path):
    refer("Doreen Ashworth")
    out = ok("note", "add", "Doreen", "Keen on the walking group.", "--date", "12/11/2026")
    assert out.stdout == "Saved note 1 about Doreen Ashworth (2026-11-12).\n"
    assert ok("note", "add", "1", "Second line\nof a note", "--json").json() == {"note_id": 2}
    assert notes(db_path) == [
        {"id": 1, "episode_id": 1, "date": "2026-11-12", "text": "Keen on the walking group."},
        {"id": 2, "episode_id": 1, "date": "2026-11-20", "text": "Second line\nof a note"},
    ]
    ok("note", "edit", "1", "Keen on the knitting group.")
    ok("note", "edit", "2", "--date", "2026-11-19")  # only the date
    assert [(n["date"], n["text"]) for n in notes(db_path)] == [
        ("2026-11-12", "Keen on the knitting group."),
        ("2026-11-19", "Second line\nof a note"),
    ]
    assert rows(db_path, "SELECT edited_at IS NOT NULL AS edited FROM notes WHERE id = 1") == [
        {"edited": 1}
    ]
    before = snapshot(db_path)
    refused("note", "remove", "1", contains="give --yes to confirm")
    assert snapshot(db_path) == before
    assert ok("note", "remove", "1", "--yes").stdout == (
        "Removed note 1 about Doreen Ashworth (2026-11-12).\n"
    )
    assert [n["id"] for n in notes(db_path)] == [2]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["note", "add", "Doreen", "   "], "A note needs some text"),
        (["note", "add", "Doreen"], "Missing the note's text: give it as TEXT"),
        (["note", "add", "Nobody", "text"], "No person matches 'Nobody'"),
        (["note", "add", "Doreen", "text", "--date", "2026-11-21"], "is in the future"),
        (["note", "add", "Doreen", "text", "--date", "2026-10-01"], "before the referral date"),
        (["note", "add", "Doreen", "bell \x07"], "control characters"),
        (["note", "edit", "7", "text"], "No note number 7"),
        (["note", "edit", "1", "  "], "A note needs some text"),
        (["note", "remove", "7", "--yes"], "No note number 7"),
    ],
)
def test_note_bad_input_writes_nothing(db_path, args, message):
    refer("Doreen Ashworth")
    ok("note", "add", "Doreen", "First note")
    before = snapshot(db_path)
    refused(*args, contains=message)
    assert snapshot(db_path) == before


def _editor(tmp_path, text: str) -> str:
    """An $EDITOR that writes `text` into the file it is given."""
    script = tmp_path / "editor.sh"
    script.write_text(f"#!/bin/sh\nprintf '%s' '{text}' > \"$1\"\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_note_add_opens_the_editor_at_a_terminal(db_path, tmp_path, monkeypatch):
    refer("Doreen Ashworth")
    monkeypatch.setenv("CONNECTOR_INTERACTIVE", "1")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "Written in my editor"))
    ok("note", "add", "Doreen")
    assert [n["text"] for n in notes(db_path)] == ["Written in my editor"]
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "Edited in my editor"))
    ok("note", "edit", "1")
    assert [n["text"] for n in notes(db_path)] == ["Edited in my editor"]
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "   "))  # saved empty: refused
    before = snapshot(db_path)
    refused("note", "add", "Doreen", contains="The note was left empty: nothing was saved.")
    assert snapshot(db_path) == before


def test_show_lists_notes_with_contacts_in_date_order(db_path):
    refer("Doreen Ashworth")
    ok("visit", "log", "Doreen", "--kind", "telephone", "--minutes", "10", "--date", "2026-11-05")
    ok("note", "add", "Doreen", "Phoned her daughter too", "--date", "2026-11-05")
    ok("note", "add", "Doreen", "Early note", "--date", "2026-11-02")
    ok("visit", "log", "Doreen", "--kind", "message", "--date", "2026-11-09")
    ok("visit", "plan", "Doreen", "--date", "2026-11-24", "--note", "Walk [to] the park")
    shown = ok("show", "Doreen").stdout
    table = shown[shown.index("Contacts and notes") :]
    order = [line.split()[:3] for line in table.splitlines()[2:6]]
    assert order == [
        ["n2", "2026-11-02", "note"],
        ["1", "2026-11-05", "telephone"],
        ["n1", "2026-11-05", "note"],
        ["2", "2026-11-09", "message"],
    ]
    assert "Arranged: 2026-11-24 (Walk [to] the park) [plan 1]" in shown
    story = ok("show", "Doreen", "--json").json()["episode"]
    assert [n["text"] for n in story["notes"]] == ["Early note", "Phoned her daughter too"]
    assert [p["date"] for p in story["plans"]] == ["2026-11-24"]


# --- search ------------------------------------------------------------------------------------


@pytest.fixture
def people(db_path):
    refer("Doreen Ashworth", area="Hulme M15", phone="0161 496 0001")
    refer("Sam Okafor", area="Moss Side", phone="07700-900461")
    refer("Andrea Dorey", area="Chorlton")
    ok("note", "add", "Sam", "Talked about the walking group at St Mary's; he is keen.")
    ok("visit", "log", "Doreen", "--kind", "telephone", "--minutes", "5", "--note",
       "Her neighbour takes her to the Walkers' café")  # fmt: skip
    ok("goal", "add", "Andrea", "Walk to the shops again", "--domain", "daily-living")
    ok("what-matters", "Doreen", "--answer", "matters-most=Gardening with my grandson")
    ok("gap", "add", "--category", "third-sector/other", "--need", "A daytime walking group in Hulme",
       "--reason", "none-exists", "--person", "Doreen")  # fmt: skip
    ok("directory", "add", "--name", "Hulme Striders", "--category", "third-sector/other",
       "--offers", "Gentle walking group, Tuesdays")  # fmt: skip


def test_search_finds_text_everywhere_ranked_with_the_person(people):
    found = ok("search", "walk", "--json").json()
    where = [(h["name"], h["where"].split()[0]) for h in found["hits"]]
    assert found["total"] == 5 and sorted(where, key=str) == sorted([
        ("Sam Okafor", "note"), ("Doreen Ashworth", "contact"), ("Andrea Dorey", "goal"),
        ("Doreen Ashworth", "gap"), (None, "directory"),
    ], key=str)  # fmt: skip
    assert ok("search", "grandson", "--json").json()["hits"] == [
        {"person_id": 1, "name": "Doreen Ashworth", "where": "what matters",
         "date": "2026-11-20", "text": "Gardening with my grandson"}
    ]  # fmt: skip
    assert ok("search", "walking group", "--json").json()["total"] == 3  # both words


def test_search_finds_people_by_name_phone_and_area(people):
    names = [h["name"] for h in ok("search", "dor", "--json").json()["hits"]]
    assert names == ["Doreen Ashworth", "Andrea Dorey"]  # start of a name first
    hit = ok("search", "07700900461", "--json").json()["hits"]
    assert [(h["name"], h["where"]) for h in hit] == [("Sam Okafor", "phone")]
    assert [h["name"] for h in ok("search", "496 0001", "--json").json()["hits"]] == [
        "Doreen Ashworth"
    ]
    hits = ok("search", "m15", "--json").json()["hits"]
    assert [(h["name"], h["where"]) for h in hits] == [("Doreen Ashworth", "area")]


def test_search_screen_and_nothing_found(people, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    lines = ok("search", "walk").stdout.splitlines()
    assert lines[0] == "5 found for 'walk'"
    assert lines[1].split() == ["#", "Person", "Found", "in", "Date", "Text"]
    assert all(len(line) <= 80 for line in lines)
    assert ok("search", "zebra").stdout == "Nothing found for 'zebra'.\n"
    assert "showing the best 2" in ok("search", "walk", "--limit", "2").stdout
    refused("search", "!!!", contains="Nothing to search for")
    refused("search", "walk", "--limit", "0", contains="--limit must be")


def test_search_index_follows_edits_and_removals(people):
    ok("note", "edit", "1", "Prefers the swimming club now")
    assert ok("search", "swimming", "--json").json()["total"] == 1
    assert "note" not in [h["where"] for h in ok("search", "walk", "--json").json()["hits"]]
    ok("note", "remove", "1", "--yes")
    assert ok("search", "swimming", "--json").json()["total"] == 0


HOSTILE = st.one_of(
    st.text(max_size=40),
    st.lists(
        st.sampled_from(['"', "'", "*", "(", ")", ":", "^", "-", "+", "NEAR", "AND", "OR", "NOT",
                         "walk", "NEAR(", "col:", "{", "}", "\\", "%", "_", "\x00", "é", "ß"]),
        max_size=8,
    ).map(" ".join),
)  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=HOSTILE)
def test_hostile_queries_give_results_or_a_plain_sentence(people, query):
    result = run("search", query, "--json")
    assert "Traceback" not in result.stderr
    if result.exit_code == 0:
        assert isinstance(result.json()["hits"], list)
    elif result.exit_code == 2:  # text starting with "-" reads as an option: a usage error
        assert query.lstrip().startswith("-") and "Usage:" in result.stderr
    else:
        assert result.exit_code == 1 and result.stderr.count("\n") == 1
        assert result.stderr.strip().endswith(".")


def test_search_is_in_the_same_file(db_path, people):
    """The index lives in the database file itself (no side files to forget or leak)."""
    conn = sqlite3.connect(db_path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert {"search_index", "search_index_data", "search_index_content"} <= names
    assert set(os.listdir(db_path.parent)) <= {"connector.db", "connector.db-shm",
                                               "connector.db-wal"}  # fmt: skip


def test_note_remove_asks_first_at_a_terminal(db_path, monkeypatch):
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    refer("Doreen Ashworth")
    ok("note", "add", "Doreen", "A note")
    monkeypatch.setenv("CONNECTOR_INTERACTIVE", "1")
    for answer, kept, said in (
        ("n", 1, "Cancelled: nothing was changed."),
        ("y", 0, "Removed note 1 about Doreen Ashworth"),
    ):
        with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
            pipe.send_text(answer + "\r")
            result = run("note", "remove", "1")
        assert len(notes(db_path)) == kept
        assert result.exit_code == (1 if kept else 0)
        assert said in result.stdout + result.stderr


def test_a_very_common_word_is_ranked_among_its_newest_entries(people, monkeypatch):
    from connector_cli.store import search as store

    monkeypatch.setattr(store, "RANK_AT_MOST", 2)  # 2,000 in use: a demo's "family" has 51,000
    found = ok("search", "walk", "--json").json()
    assert found["total"] == 5  # every match is counted
    # the two highest index numbers: directory entry 1 (1 * 8 + 7) and gap 1 (1 * 8 + 6)
    assert sorted(h["where"].split()[0] for h in found["hits"]) == ["directory", "gap"]


def test_an_upgraded_database_has_its_old_text_in_the_index(db_path):
    """Opening a first-release database (tests/fixtures/v1.sqlite) indexes what it holds."""
    import shutil
    from pathlib import Path

    db_path.parent.mkdir()
    shutil.copy(Path(__file__).parent / "fixtures" / "v1.sqlite", db_path)
    found = ok("search", "choir", "--json").json()
    where = sorted(h["where"].split()[0] for h in found["hits"])
    assert where == ["contact", "directory", "goal", "what"]  # and a choir's entry
    assert ok("search", "door-to-door", "--json").json()["hits"][0]["where"] == "gap 1"


def test_a_query_with_escape_codes_is_echoed_harmlessly(people):
    out = ok("search", "walk\x1b[2J").stdout
    assert "\x1b" not in out and out == "Nothing found for 'walk?[2J'.\n"
