"""visit edit|remove, goal edit|remove, signpost edit|remove: each correction through the CLI,
with its stored rows, its audit line, `show`, and the quarter's figures before and after."""

from __future__ import annotations

import json
import time

import pytest
from conftest import ok, refused, rows, run, snapshot
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

ENTER = "\r"


def figures(quarter: str = "2026Q4") -> dict:
    """The report's metrics, unsuppressed so small test numbers can be compared."""
    return run("report", "--quarter", quarter, "--suppress-below", "0", "--json").json()["metrics"]


def audit(db_path) -> list[dict]:
    return [
        {"action": r["action"], **json.loads(r["detail"])}
        for r in rows(db_path, "SELECT action, detail FROM audit_log ORDER BY id")
    ]


def show(person: str) -> str:
    return ok("show", person).stdout


def interactive(monkeypatch, *args: str, keys: str):
    monkeypatch.setenv("CONNECTOR_INTERACTIVE", "1")
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(keys)
        return run(*args)


@pytest.fixture
def ann(db_path):
    """Ann (person 1): three phone calls and a visit in 2026Q4, call 2 logged twice (3)."""
    ok("new-referral", "--name", "Ann Lee", "--referral-date", "2026-09-01", "--status", "accepted")
    ok("new-referral", "--name", "Bob Ray", "--referral-date", "2026-09-10", "--status", "accepted")
    for day, minutes in (("2026-10-02", "20"), ("2026-10-09", "15"), ("2026-10-09", "15")):
        ok("visit", "log", "Ann", "--kind", "telephone", "--minutes", minutes, "--date", day)
    ok("visit", "log", "Ann", "--kind", "face-to-face", "--minutes", "60", "--location", "home",
       "--date", "2026-10-16", "--note", "Talked about the choir")  # fmt: skip
    return "Ann"


# --- visit remove ------------------------------------------------------------------------------


def test_a_duplicate_visit_removed_leaves_every_figure(db_path, ann):
    before = figures()
    assert (before["contacts_total"], before["contact_minutes_total"]) == (4, 110)  # 20+15+15+60

    result = ok("visit", "remove", "3", "--yes")

    assert result.stdout == "Removed contact 3 (telephone on 2026-10-09, 15 min, Ann Lee).\n"
    assert [r["id"] for r in rows(db_path, "SELECT id FROM contacts ORDER BY id")] == [1, 2, 4]
    assert audit(db_path) == [{"action": "contact removed", "id": 3, "episode": 1}]
    after = figures()
    assert after["contacts_total"] == before["contacts_total"] - 1
    assert after["contact_minutes_total"] == before["contact_minutes_total"] - 15
    assert after["contacts_telephone"] == before["contacts_telephone"] - 1
    assert {k: v for k, v in after.items() if not k.startswith("contact")} == {
        k: v for k, v in before.items() if not k.startswith("contact")
    }
    assert "contact 3 removed" in show(ann)
    story = ok("show", ann, "--json").json()["episode"]
    assert (story["support_contacts"], story["support_minutes"]) == (3, 95)
    assert story["corrections"][0]["action"] == "contact removed"
    [open_ann] = [p for p in ok("caseload", "--json").json()["open"] if p["person_id"] == 1]
    assert open_ann["last_contact"] == "2026-10-16"


def test_a_removed_number_is_never_given_to_a_later_record(db_path, ann):
    """A script that runs `visit remove 4 --yes` twice must not remove a second visit."""
    ok("visit", "remove", "4", "--yes")
    again = ok("visit", "log", "Ann", "--kind", "message", "--json").json()["contact_id"]
    assert again == 5
    refused("visit", "remove", "4", "--yes", contains="No contact number 4")
    ok("signpost", "add", "Ann", "--to", "Choir", "--category", "third-sector/hobbies")
    ok("signpost", "remove", "1", "--yes")
    ok("signpost", "add", "Ann", "--to", "Choir", "--category", "third-sector/hobbies")
    assert rows(db_path, "SELECT id FROM signposts") == [{"id": 2}]


def test_removing_the_last_contact_is_seen_by_caseload_and_check(db_path, ann):
    ok("visit", "remove", "4", "--yes")
    [open_ann] = [p for p in ok("caseload", "--json").json()["open"] if p["person_id"] == 1]
    assert open_ann["last_contact"] == "2026-10-09"
    fixes = " ".join(p["fix"] or "" for p in run("check", "--json").json()["problems"])
    assert "visit edit 4" not in fixes


def test_remove_without_a_terminal_needs_yes(db_path, ann):
    before = snapshot(db_path)
    result = refused("visit", "remove", "3", contains="give --yes")
    assert "contact 3 (telephone on 2026-10-09, 15 min, Ann Lee)" in result.stderr
    refused("goal", "remove", "Ann", "1", contains="No goal number 1")
    refused("visit", "remove", "99", "--yes", contains="No contact number 99")
    refused("visit", "remove", str(2**70), "--yes", contains="")
    assert snapshot(db_path) == before


def test_remove_at_a_terminal_asks_and_a_no_keeps_it(db_path, ann, monkeypatch):
    before = snapshot(db_path)
    result = interactive(monkeypatch, "visit", "remove", "3", keys="n")
    assert result.exit_code == 1
    assert "Cancelled: nothing was removed." in result.stderr
    assert snapshot(db_path) == before
    result = interactive(monkeypatch, "visit", "remove", "3", keys=ENTER)  # default: No
    assert result.exit_code == 1
    assert snapshot(db_path) == before
    result = interactive(monkeypatch, "visit", "remove", "3", keys="\x03")  # Ctrl-C
    assert (result.exit_code, result.stderr) == (1, "Cancelled: nothing was saved.\n")
    assert snapshot(db_path) == before
    result = interactive(monkeypatch, "visit", "remove", "3", keys="y")
    assert result.exit_code == 0, result
    assert result.stdout.endswith("Removed contact 3 (telephone on 2026-10-09, 15 min, Ann Lee).\n")
    assert rows(db_path, "SELECT count(*) AS n FROM contacts") == [{"n": 3}]


def test_no_input_refuses_even_at_a_terminal(db_path, ann, monkeypatch):
    monkeypatch.setenv("CONNECTOR_INTERACTIVE", "1")
    before = snapshot(db_path)
    refused("signpost", "remove", "1", "--no-input", contains="No signpost number 1")
    refused("visit", "remove", "3", "--no-input", contains="give --yes")
    assert snapshot(db_path) == before


# --- visit edit --------------------------------------------------------------------------------


def test_a_contact_moved_to_the_right_person_moves_people_supported(db_path, ann):
    before = figures()
    assert before["people_supported"] == 1  # Bob has no contact yet

    result = ok("visit", "edit", "4", "--person", "Bob")

    assert "It is now Bob Ray's (episode 2)." in result.stdout
    [moved] = rows(db_path, "SELECT episode_id, date, minutes, note FROM contacts WHERE id = 4")
    assert moved == {"episode_id": 2, "date": "2026-10-16", "minutes": 60,
                     "note": "Talked about the choir"}  # fmt: skip
    assert audit(db_path) == [{"action": "contact moved", "id": 4, "episode": 1, "to_episode": 2}]
    after = figures()
    assert after["people_supported"] == 2
    assert (after["contacts_total"], after["contact_minutes_total"]) == (4, 110)
    assert "contact 4 moved to another episode" in show("Ann")
    bob = show("Bob")
    assert "contact 4 moved here from another episode" in bob
    assert "Talked about the choir" in bob


def test_visit_edit_date_moves_a_contact_between_quarters(db_path, ann):
    q3, q4 = figures("2026Q3"), figures()
    ok("visit", "edit", "1", "--date", "2026-09-28")
    assert figures("2026Q3")["contacts_total"] == q3["contacts_total"] + 1
    assert figures("2026Q3")["contact_minutes_total"] == q3["contact_minutes_total"] + 20
    assert figures()["contacts_total"] == q4["contacts_total"] - 1
    assert audit(db_path) == [
        {"action": "contact edited", "id": 1, "episode": 1, "fields": ["date"]}
    ]
    assert "contact 1 corrected: date" in show("Ann")


def test_visit_edit_changes_kind_minutes_volunteer_and_note(db_path, ann):
    ok("visit", "edit", "4", "--location", "")
    assert rows(db_path, "SELECT location FROM contacts WHERE id = 4") == [{"location": None}]
    ok("visit", "edit", "4", "--location", "cafe")
    ok("volunteer", "add", "Sam")  # a volunteer is named from the register (issue 16)
    ok("visit", "edit", "4", "--kind", "video", "--minutes", "45", "--by", "volunteer",
       "--volunteer", "Sam", "--note", "")  # fmt: skip
    [row] = rows(
        db_path,
        "SELECT kind, minutes, location, delivered_by, volunteer, note FROM contacts WHERE id = 4",
    )
    # a place belongs to a face-to-face visit only, so it went with the change of kind
    assert row == {"kind": "video", "minutes": 45, "location": None, "delivered_by": "volunteer",
                   "volunteer": "Sam", "note": None}  # fmt: skip
    entry = audit(db_path)[-1]
    assert entry["fields"] == [
        "kind", "minutes", "delivered_by", "volunteer", "location", "note", "volunteer_id"
    ]  # fmt: skip
    assert "Sam" not in json.dumps(entry) and "choir" not in json.dumps(entry)
    assert figures()["contacts_by_volunteer"] == 1
    ok("visit", "edit", "4", "--by", "connector")
    assert rows(db_path, "SELECT volunteer FROM contacts WHERE id = 4") == [{"volunteer": None}]


def test_visit_edit_moves_to_another_episode_of_the_same_person(db_path, ann):
    ok("close", "Bob", "--reason", "planned", "--date", "2026-10-20")
    ok("new-referral", "--name", "Bob Ray", "--existing", "2", "--referral-date", "2026-11-01",
       "--status", "accepted")  # fmt: skip
    ok("visit", "log", "Bob", "--kind", "telephone", "--minutes", "5", "--date", "2026-10-12",
       "--episode", "2")  # fmt: skip
    ok("visit", "edit", "5", "--episode", "3", "--date", "2026-11-02")
    assert rows(db_path, "SELECT episode_id, date FROM contacts WHERE id = 5") == [
        {"episode_id": 3, "date": "2026-11-02"}
    ]


def test_visit_edit_refusals_write_nothing(db_path, ann):
    ok("new-referral", "--name", "Cy Declined", "--referral-date", "2026-09-01",
       "--status", "declined", "--decline-reason", "Moved")  # fmt: skip
    ok("close", "Bob", "--reason", "planned", "--date", "2026-10-01")
    before = snapshot(db_path)
    refused("visit", "edit", "1", "--date", "2026-12-01", contains="in the future")
    refused("visit", "edit", "1", "--date", "2026-08-01", contains="before the referral date")
    refused("visit", "edit", "1", "--date", "31/02/2026", contains="")
    refused("visit", "edit", "1", "--kind", "carrier-pigeon", contains="Unknown contact kind")
    refused("visit", "edit", "1", "--person", "Zed", contains="No person matches")
    refused("visit", "edit", "1", "--person", "Cy", contains="declined")
    refused("visit", "edit", "1", "--person", "Bob", contains="add --after-closure")
    refused("visit", "edit", "1", "--episode", "7", contains="not one of Ann Lee's episodes")
    refused("visit", "edit", "1", "--volunteer", "Sam", contains="add --by volunteer")
    refused("visit", "edit", "1", "--kind", "video", "--minutes", "0", contains="Minutes must")
    refused("visit", "edit", "99", "--date", "2026-10-01", contains="No contact number 99")
    assert snapshot(db_path) == before


# --- goal edit | remove ------------------------------------------------------------------------


@pytest.fixture
def goals(ann):
    ok("goal", "add", "Ann", "Go bak to choir", "--domain", "friends", "--date", "2026-10-02")
    ok("goal", "add", "Ann", "Typed twice", "--domain", "friends", "--date", "2026-10-02")
    ok("goal", "review", "Ann", "1", "--progress", "some", "--date", "2026-10-16")
    return ann


def test_goal_edit_corrects_words_domain_and_date(db_path, goals):
    result = ok("goal", "edit", "Ann", "1", "--text", "Go back to the choir", "--domain",
                "social-networks", "--date", "2026-10-09")  # fmt: skip
    assert result.stdout == "Corrected goal 1 for Ann Lee: text, domain, set date.\n"
    [goal] = rows(db_path, "SELECT text, domain, set_date FROM goals WHERE number = 1")
    assert goal == {"text": "Go back to the choir", "domain": "social-networks",
                    "set_date": "2026-10-09"}  # fmt: skip
    [entry] = audit(db_path)
    assert entry == {"action": "goal edited", "id": 1, "number": 1, "episode": 1,
                     "fields": ["text", "domain", "set_date"]}  # fmt: skip
    text = show("Ann")
    assert "1. Go back to the choir" in text and "goal 1 corrected: text, domain, set date" in text


def test_goal_remove_drops_it_from_goals_set(db_path, goals):
    assert figures()["goals_set"] == 2
    ok("goal", "remove", "Ann", "2", "--yes")
    assert [g["number"] for g in rows(db_path, "SELECT number FROM goals")] == [1]
    assert figures()["goals_set"] == 1
    assert audit(db_path) == [{"action": "goal removed", "id": 2, "number": 2, "episode": 1}]
    assert "goal 2 removed" in show("Ann")


def test_goal_remove_takes_its_reviews(db_path, goals):
    ok("goal", "remove", "Ann", "1", "--yes")
    assert rows(db_path, "SELECT count(*) AS n FROM goal_reviews") == [{"n": 0}]


def test_goal_corrections_refused_write_nothing(db_path, goals):
    before = snapshot(db_path)
    refused("goal", "edit", "Ann", "1", contains="Nothing to change")
    refused("goal", "edit", "Ann", "1", "--text", " ", contains="cannot be blank")
    refused("goal", "edit", "Ann", "1", "--domain", "sport", contains="Unknown goal domain")
    refused("goal", "edit", "Ann", "1", "--date", "2026-08-01", contains="before the referral")
    refused("goal", "edit", "Ann", "1", "--date", "2026-10-20", contains="first review")
    refused("goal", "edit", "Ann", "1", "--date", "2027-01-01", contains="in the future")
    refused("goal", "edit", "Ann", "9", "--text", "x", contains="No goal number 9")
    refused("goal", "remove", "Ann", "9", "--yes", contains="No goal number 9")
    refused("goal", "remove", "Ann", "2", contains="give --yes")
    assert snapshot(db_path) == before


# --- signpost edit | remove, and outcomes ------------------------------------------------------


@pytest.fixture
def signposted(ann):
    ok("signpost", "add", "Ann", "--to", "Lunch clb", "--category", "third-sector/lunch-club",
       "--date", "2026-10-02")  # fmt: skip
    ok("signpost", "add", "Ann", "--to", "Lunch clb", "--category", "third-sector/lunch-club",
       "--date", "2026-10-02")  # fmt: skip
    return ann


def test_signpost_edit_corrects_place_category_date_and_going_along(db_path, signposted):
    result = ok("signpost", "edit", "1", "--to", "Lunch club", "--category",
                "third-sector/hobbies", "--date", "2026-10-03", "--accompanied")  # fmt: skip
    assert result.stdout == "Corrected signpost 1: date, to, category, accompanied.\n"
    [row] = rows(db_path, "SELECT date, to_text, category_group, category_sub, accompanied "
                 "FROM signposts WHERE id = 1")  # fmt: skip
    assert row == {"date": "2026-10-03", "to_text": "Lunch club", "category_group": "third-sector",
                   "category_sub": "hobbies", "accompanied": 1}  # fmt: skip
    assert audit(db_path) == [{"action": "signpost edited", "id": 1, "episode": 1,
                               "fields": ["date", "to", "category", "accompanied"]}]  # fmt: skip
    text = show("Ann")
    assert "Lunch club (third-sector/hobbies, went along)" in text
    assert "signpost 1 corrected: date, to, category, accompanied" in text
    ok("signpost", "edit", "1", "--not-accompanied")
    assert rows(db_path, "SELECT accompanied FROM signposts WHERE id = 1") == [{"accompanied": 0}]


def test_signpost_edit_to_a_directory_entry(db_path, signposted):
    entry = ok("directory", "add", "--name", "Hulme Lunch Club", "--category",
               "third-sector/lunch-club", "--json").json()["entry_id"]  # fmt: skip
    ok("signpost", "edit", "1", "--entry", str(entry))
    assert rows(db_path, "SELECT to_text, entry_id FROM signposts WHERE id = 1") == [
        {"to_text": "Hulme Lunch Club", "entry_id": entry}
    ]
    ok("signpost", "edit", "1", "--to", "Somewhere else")  # no longer that entry
    assert rows(db_path, "SELECT entry_id FROM signposts WHERE id = 1") == [{"entry_id": None}]


def test_signpost_remove_drops_it_from_the_figures(db_path, signposted):
    ok("signpost", "outcome", "2", "attended", "--date", "2026-10-09")
    assert figures()["signposts_total"] == 2
    ok("signpost", "remove", "2", "--yes")
    assert figures()["signposts_total"] == 1
    assert rows(db_path, "SELECT count(*) AS n FROM signpost_outcomes") == [{"n": 0}]
    assert audit(db_path) == [{"action": "signpost removed", "id": 2, "episode": 1}]
    assert "signpost 2 removed" in show("Ann")


def test_signpost_outcomes_keep_their_history_and_the_latest_counts(db_path, signposted):
    ok("signpost", "outcome", "1", "attended", "--date", "2026-10-09")
    ok("signpost", "outcome", "1", "stopped-attending", "--date", "2026-11-06")
    ok("signpost", "outcome", "1", "not-known", "--date", "2026-10-20")  # late entry, older date
    assert rows(db_path, "SELECT date, outcome FROM signpost_outcomes ORDER BY id") == [
        {"date": "2026-10-09", "outcome": "attended"},
        {"date": "2026-11-06", "outcome": "stopped-attending"},
        {"date": "2026-10-20", "outcome": "not-known"},
    ]
    assert rows(db_path, "SELECT outcome, outcome_date FROM signposts WHERE id = 1") == [
        {"outcome": "stopped-attending", "outcome_date": "2026-11-06"}
    ]
    assert ("attended (2026-10-09), then not known (2026-10-20), then stopped attending "
            "(2026-11-06)") in show("Ann").replace("\n      ", " ")  # fmt: skip
    shown = ok("show", "Ann", "--json").json()["episode"]["signposts"][0]["outcomes"]
    assert [o["outcome"] for o in shown] == ["attended", "not-known", "stopped-attending"]
    assert audit(db_path) == []  # recording an outcome is not a correction


def test_signpost_corrections_refused_write_nothing(db_path, signposted):
    ok("signpost", "outcome", "1", "attended", "--date", "2026-10-09")
    before = snapshot(db_path)
    refused("signpost", "edit", "1", contains="Nothing to change")
    refused("signpost", "edit", "1", "--date", "2026-10-10", contains="first outcome")
    refused("signpost", "edit", "1", "--date", "2026-08-01", contains="before the referral")
    refused("signpost", "edit", "1", "--category", "nowhere", contains="")
    refused("signpost", "edit", "1", "--to", " ", contains="needs the organisation")
    refused("signpost", "edit", "1", "--entry", "5", "--to", "x", contains="not both")
    refused("signpost", "edit", "1", "--entry", "5", contains="No directory entry 5")
    refused("signpost", "edit", "9", "--to", "x", contains="No signpost number 9")
    refused("signpost", "remove", "9", "--yes", contains="No signpost number 9")
    refused("signpost", "outcome", "1", "stopped", contains="Unknown signpost outcome")
    assert snapshot(db_path) == before


def test_an_erased_persons_corrections_never_follow_their_number(db_path, ann):
    ok("visit", "remove", "4", "--yes")
    ok("person", "forget", "Bob", "--yes")
    ok("person", "forget", "Ann", "--yes")
    time.sleep(1.1)  # audit times are to the second: the new record must come after
    ok("new-referral", "--name", "Cat New", "--referral-date", "2026-11-01")
    story = ok("show", "Cat", "--json").json()
    if story["episode"]["id"] == 1:  # numbers reused (before people/episodes AUTOINCREMENT)
        assert story["episode"]["corrections"] == []
    assert "Corrections" not in ok("show", "Cat").stdout


def test_check_agrees_once_a_flagged_contact_is_removed(db_path, ann):
    import sqlite3

    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO contacts (episode_id, date, kind, created_at) "
        "VALUES (1, '2026-10-20', 'face-to-face', 'x')"
    )
    conn.commit()
    conn.close()
    rules = {p["rule"] for p in run("check", "--json").json()["problems"]}
    assert "contact-minutes-missing" in rules
    ok("visit", "remove", "5", "--yes")
    rules = {p["rule"] for p in run("check", "--json").json()["problems"]}
    assert "contact-minutes-missing" not in rules


@pytest.mark.parametrize(
    ("args", "named", "table"),
    [
        (
            ("goal", "remove", "Ann", "2"),
            'goal 2 of Ann Lee ("Typed twice", set 2026-10-02)',
            "goals",
        ),
        (("signpost", "remove", "1"), "signpost 1 (Lunch clb on 2026-10-02, Ann Lee)", "signposts"),
    ],
)
def test_goal_and_signpost_removal_ask_at_a_terminal(
    db_path, goals, args, named, table, monkeypatch
):
    ok("signpost", "add", "Ann", "--to", "Lunch clb", "--category", "third-sector/lunch-club",
       "--date", "2026-10-02")  # fmt: skip
    before = snapshot(db_path)
    assert interactive(monkeypatch, *args, keys="n").exit_code == 1
    assert snapshot(db_path) == before
    result = interactive(monkeypatch, *args, keys="y")
    assert result.exit_code == 0, result
    assert result.stdout.endswith(f"Removed {named}.\n")
    count = rows(db_path, f"SELECT count(*) AS n FROM {table}")[0]["n"]
    assert count == len(before[table]) - 1
