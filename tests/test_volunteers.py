"""The volunteer register (issue 16): add, list, retire; visit log links each volunteer-
delivered contact to it; free-text names from older databases are moved into it intact."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import ok, refused, rows, snapshot
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

FIXTURE = Path(__file__).parent / "fixtures" / "v1.sqlite"
ENTER = "\r"


@pytest.fixture
def margaret(db_path) -> None:
    ok("new-referral", "--name", "Margaret Hughes", "--referral-date", "2026-07-01",
       "--status", "accepted", "--no-input")  # fmt: skip


def log(*extra: str, date: str = "2026-11-10", minutes: str = "30") -> None:
    ok("visit", "log", "Margaret", "--kind", "telephone", "--minutes", minutes, "--date", date,
       "--by", "volunteer", *extra)  # fmt: skip


def test_add_and_refuse_a_second_with_the_same_name(db_path):
    made = ok("volunteer", "add", "Pat Smith", "--phone", "07700 900777", "--checked",
              "05/01/2026", "--json").json()  # fmt: skip
    assert made == {"volunteer_id": 1}
    [row] = rows(db_path, "SELECT name, phone, checked_date, retired_date FROM volunteers")
    assert row == {"name": "Pat Smith", "phone": "07700 900777", "checked_date": "2026-01-05",
                   "retired_date": None}  # fmt: skip
    before = snapshot(db_path)
    refused("volunteer", "add", "  pat   SMITH ", contains="Pat Smith is already in the register")
    refused("volunteer", "add", "Sam", "--checked", "2027-01-01", contains="future")
    refused("volunteer", "add", "  ", contains="needs a name")
    refused("volunteer", "add", "Sam\nJones", contains="one line")
    assert snapshot(db_path) == before


def test_visit_log_links_the_contact_to_the_register(db_path, margaret):
    ok("volunteer", "add", "Pat Smith")
    log("--volunteer", "pat  smith")
    [contact] = rows(db_path, "SELECT volunteer, volunteer_id, delivered_by FROM contacts")
    assert contact == {"volunteer": "Pat Smith", "volunteer_id": 1, "delivered_by": "volunteer"}


def test_an_unknown_volunteer_is_refused_with_the_nearest_name(db_path, margaret):
    ok("volunteer", "add", "Pat Smith")
    before = snapshot(db_path)
    result = refused("visit", "log", "Margaret", "--kind", "telephone", "--minutes", "5",
                     "--by", "volunteer", "--volunteer", "Pat Smyth")  # fmt: skip
    assert result.stderr == (
        "No volunteer named 'Pat Smyth' in the register. Did you mean 'Pat Smith'? "
        "Add them with `connector volunteer add NAME`.\n"
    )
    refused("visit", "log", "Margaret", "--kind", "telephone", "--minutes", "5", "--by",
            "volunteer", "--volunteer", "Pat", contains="Did you mean 'Pat Smith'?")  # fmt: skip
    refused("visit", "log", "Margaret", "--kind", "telephone", "--minutes", "5", "--by",
            "volunteer", "--volunteer", "Zebedee", contains="No volunteer named 'Zebedee'")  # fmt: skip
    assert snapshot(db_path) == before


def interactive(monkeypatch, *args: str, keys: list[str]):
    from conftest import run

    monkeypatch.setenv("CONNECTOR_INTERACTIVE", "1")
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text("".join(keys))
        return run(*args)


VISIT = [
    "visit",
    "log",
    "Margaret",
    "--kind",
    "telephone",
    "--minutes",
    "5",
    "--by",
    "volunteer",
    "--date",
    "today",
    "--note",
    "Rang her",
]  # fmt: skip  (nothing else to ask)


def test_at_a_terminal_the_nearest_name_is_offered(db_path, margaret, monkeypatch):
    ok("volunteer", "add", "Pat Smith")
    result = interactive(monkeypatch, *VISIT, "--volunteer", "Pat Smyth", keys=["y", ENTER])
    assert result.exit_code == 0, result
    assert rows(db_path, "SELECT volunteer, volunteer_id FROM contacts") == [
        {"volunteer": "Pat Smith", "volunteer_id": 1}
    ]


def test_at_a_terminal_a_new_volunteer_can_be_added_with_the_contact(
    db_path, margaret, monkeypatch
):
    result = interactive(monkeypatch, *VISIT, "--volunteer", "Geoff Lamb", keys=["y", ENTER])
    assert result.exit_code == 0, result
    assert rows(db_path, "SELECT id, name FROM volunteers") == [{"id": 1, "name": "Geoff Lamb"}]
    assert rows(db_path, "SELECT volunteer_id FROM contacts") == [{"volunteer_id": 1}]


def test_at_a_terminal_saying_no_saves_nothing(db_path, margaret, monkeypatch):
    before = snapshot(db_path)
    result = interactive(monkeypatch, *VISIT, "--volunteer", "Geoff Lamb", keys=["n", ENTER])
    assert result.exit_code == 1 and "No volunteer named 'Geoff Lamb'" in result.stderr
    assert snapshot(db_path) == before


def test_retire_keeps_past_contacts_and_refuses_later_ones(db_path, margaret):
    ok("volunteer", "add", "Pat Smith")
    log("--volunteer", "Pat Smith", date="2026-11-01")
    result = ok("volunteer", "retire", "pat smith", "--date", "2026-11-05")
    assert result.stdout == "Pat Smith retired on 2026-11-05; past contacts are kept.\n"
    log("--volunteer", "Pat Smith", date="2026-11-04")  # logged late, delivered before retiring
    refused(*VISIT, "--volunteer", "Pat Smith", "--date", "2026-11-06", contains="retired")
    refused("volunteer", "retire", "Pat Smith", contains="already retired on 2026-11-05")
    refused("volunteer", "retire", "Nobody", contains="No volunteer named 'Nobody'")
    assert len(rows(db_path, "SELECT * FROM contacts WHERE volunteer_id = 1")) == 2


def test_list_counts_contacts_minutes_and_people_in_the_period(db_path, margaret):
    ok("new-referral", "--name", "Bob Baker", "--referral-date", "2026-07-01", "--status",
       "accepted", "--no-input")  # fmt: skip
    ok("volunteer", "add", "Pat Smith", "--checked", "2026-01-05")
    ok("volunteer", "add", "Sam Okoye")
    log("--volunteer", "Pat Smith", date="2026-09-30", minutes="45")  # Q3: outside Q4
    log("--volunteer", "Pat Smith", date="2026-10-01", minutes="30")
    log("--volunteer", "Pat Smith", date="2026-11-02", minutes="20")
    ok("visit", "log", "Bob", "--kind", "face-to-face", "--minutes", "60", "--location", "home",
       "--date", "2026-11-03", "--by", "volunteer", "--volunteer", "Pat Smith")  # fmt: skip
    ok(
        "visit",
        "log",
        "Bob",
        "--kind",
        "about",
        "--date",
        "2026-11-04",
        "--by",
        "volunteer",
        "--volunteer",
        "Pat Smith",
    )  # fmt: skip  (not support: not counted)
    found = ok("volunteer", "list", "--quarter", "2026Q4", "--json").json()
    assert found["period"] == {"label": "2026Q4", "from": "2026-10-01", "to": "2026-12-31"}
    by_name = {v["name"]: v for v in found["volunteers"]}
    # Q4: 10-01 (30), 11-02 (20) for Margaret, 11-03 (60) for Bob = 3 contacts, 110 min, 2 people
    assert {k: by_name["Pat Smith"][k] for k in ("contacts", "minutes", "people")} == {
        "contacts": 3, "minutes": 110, "people": 2,
    }  # fmt: skip
    assert {k: by_name["Sam Okoye"][k] for k in ("contacts", "minutes", "people")} == {
        "contacts": 0, "minutes": 0, "people": 0,
    }  # fmt: skip
    span = ok("volunteer", "list", "--from", "2026-09-01", "--to", "2026-10-31", "--json").json()
    pat = next(v for v in span["volunteers"] if v["name"] == "Pat Smith")
    assert (pat["contacts"], pat["minutes"], pat["people"]) == (2, 75, 1)
    assert ok("volunteer", "list", "--json").json()["period"]["label"] == "2026Q4"  # this one
    text = ok("volunteer", "list").stdout
    assert "Pat Smith" in text and "2026-01-05" in text and "not recorded" in text
    refused("volunteer", "list", "--quarter", "2026Q9", contains="quarter")
    refused("volunteer", "list", "--from", "2026-01-01", contains="--to")


def test_list_of_an_empty_register(db_path):
    assert "No volunteers in the register" in ok("volunteer", "list").stdout


# --- migration: free-text names from older databases ------------------------------------------


def test_free_text_volunteer_names_move_into_the_register_without_loss(db_path):
    """A database at the previous schema (the v1 fixture, plus more typed names) upgrades with
    every contact and every name kept: names that differ only in case or spacing become one
    register entry, and each contact keeps its text exactly as typed."""
    db_path.parent.mkdir()
    shutil.copy(FIXTURE, db_path)
    conn = sqlite3.connect(db_path)
    typed = ["Pat", "pat ", "  Sam  Okoye", "sam okoye", "Zoë", "ZOË", "Sam Okoye-Lee"]
    conn.executemany(
        "INSERT INTO contacts (episode_id, date, kind, minutes, delivered_by, volunteer, "
        "created_at) VALUES (1, '2025-10-01', 'telephone', 10, 'volunteer', ?, 'x')",
        [[name] for name in typed],
    )
    conn.execute(
        "INSERT INTO contacts (episode_id, date, kind, minutes, delivered_by, created_at) "
        "VALUES (1, '2025-10-02', 'telephone', 10, 'volunteer', 'x')"  # by a volunteer, unnamed
    )
    conn.commit()
    before = conn.execute("SELECT * FROM contacts ORDER BY id").fetchall()
    conn.close()

    ok("people", "--all")  # opening it applies the newer migrations

    conn = sqlite3.connect(db_path)
    old_columns = "id, episode_id, date, kind, minutes, delivered_by, volunteer, location, " \
        "journey, note, after_closure, created_at"  # fmt: skip
    assert conn.execute(f"SELECT {old_columns} FROM contacts ORDER BY id").fetchall() == before
    register = dict(conn.execute("SELECT name, id FROM volunteers").fetchall())
    assert sorted(register) == ["Pat", "Sam Okoye", "Sam Okoye-Lee", "Zoë"]
    links = conn.execute(
        "SELECT volunteer, volunteer_id FROM contacts WHERE volunteer IS NOT NULL ORDER BY id"
    ).fetchall()
    conn.close()
    assert links == [
        ("Pat", register["Pat"]),  # from the v1 fixture itself
        ("Pat", register["Pat"]),
        ("pat ", register["Pat"]),
        ("  Sam  Okoye", register["Sam Okoye"]),
        ("sam okoye", register["Sam Okoye"]),
        ("Zoë", register["Zoë"]),
        ("ZOË", register["Zoë"]),
        ("Sam Okoye-Lee", register["Sam Okoye-Lee"]),
    ]
    assert rows(db_path, "SELECT count(*) AS n FROM contacts WHERE volunteer_id IS NULL "
                "AND volunteer IS NULL AND delivered_by = 'volunteer'") == [{"n": 1}]  # fmt: skip
    assert rows(db_path, "PRAGMA foreign_key_check") == []
    listed = ok("volunteer", "list", "--from", "2025-01-01", "--to", "2025-12-31", "--json").json()
    pat = next(v for v in listed["volunteers"] if v["name"] == "Pat")
    assert pat["contacts"] == 3  # fixture's 2025-09-24 visit + the two typed 'Pat's


def test_a_corrected_contact_is_linked_to_the_register_too(db_path, margaret):
    ok("volunteer", "add", "Pat Smith")
    ok("visit", "log", "Margaret", "--kind", "telephone", "--minutes", "5", "--date", "2026-11-10")
    ok("visit", "edit", "1", "--by", "volunteer", "--volunteer", "pat smith")
    assert rows(db_path, "SELECT delivered_by, volunteer, volunteer_id FROM contacts") == [
        {"delivered_by": "volunteer", "volunteer": "Pat Smith", "volunteer_id": 1}
    ]
    before = snapshot(db_path)
    refused("visit", "edit", "1", "--volunteer", "Pat Smyth", contains="Did you mean 'Pat Smith'")
    assert snapshot(db_path) == before
    ok("visit", "edit", "1", "--by", "connector")
    assert rows(db_path, "SELECT volunteer, volunteer_id FROM contacts") == [
        {"volunteer": None, "volunteer_id": None}
    ]


def test_tab_completes_volunteers_concerns_and_the_new_codes(db_path, margaret):
    from test_completion import complete

    ok("volunteer", "add", "Pat Smith", "--checked", "2026-01-05")
    ok("volunteer", "add", "Paula Reid")
    ok("volunteer", "retire", "Paula Reid")
    ok("concern", "add", "Margaret", "--category", "neglect", "--note", "Cold house")
    assert complete("visit", "log", "Margaret", "--volunteer", "pa", shell="fish") == [
        "Pat Smith\tchecked 2026-01-05"  # a retired volunteer is not offered
    ]
    assert complete("concern", "close", "", shell="fish") == [
        "1\tMargaret Hughes: 2026-11-20 neglect (open)"
    ]
    assert "self-neglect" in complete("concern", "add", "Margaret", "--category", "se")
    assert complete("person", "edit", "Margaret", "--contact-method", "le") == ["letter"]
    assert complete("letter", "Margaret", "--about", "c") == ["closed"]
    assert "scheme-name" in complete("config", "set", "sch")
