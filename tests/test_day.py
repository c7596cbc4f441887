"""Plans (visit plan/unplan, visit log marking them done), `today`, and caseload's plan column.

Today is pinned to Friday 2026-11-20 (conftest).
"""

from __future__ import annotations

import pytest
from conftest import ok, refused, rows, snapshot

from connector_cli.errors import UserError


def refer(name: str, on: str, *, accept: bool = True) -> int:
    args = ["new-referral", "--name", name, "--referral-date", on, "--source", "self"]
    args += ["--age", "70", "--gender", "female", "--ethnicity", "A", "--living", "alone"]
    person = ok(*args, "--no-triggers", "--json").json()["person_id"]
    if accept:
        ok("referral", "accept", str(person), "--date", on)
    return person


def plans(db_path) -> list[dict]:
    return rows(db_path, "SELECT id, episode_id, date, time, kind, note, contact_id FROM plans")


# --- visit plan / unplan -----------------------------------------------------------------------


def test_plan_records_the_next_contact(db_path):
    refer("Doreen Ashworth", "2026-11-01")
    out = ok("visit", "plan", "Doreen", "--date", "24/11/2026", "--time", "9.05",
             "--kind", "Face-to-face", "--note", "Coffee at the library")  # fmt: skip
    assert out.stdout == (
        "Planned a face-to-face contact with Doreen Ashworth on 2026-11-24 at 09:05 (plan 1).\n"
    )
    assert plans(db_path) == [
        {"id": 1, "episode_id": 1, "date": "2026-11-24", "time": "09:05", "kind": "face-to-face",
         "note": "Coffee at the library", "contact_id": None}
    ]  # fmt: skip
    assert ok("visit", "plan", "1", "--date", "today", "--json").json() == {"plan_id": 2}
    assert ok("visit", "plan", "1", "--date", "tomorrow", "--json").json() == {"plan_id": 3}
    assert [p["date"] for p in plans(db_path)] == ["2026-11-24", "2026-11-20", "2026-11-21"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Doreen", "--date", "2026-11-19"], "The plan date 2026-11-19 is in the past"),
        (["Doreen", "--date", "yesterday"], "in the past"),
        (["Doreen", "--date", "31/02/2027"], "Invalid plan date '31/02/2027'"),
        (["Doreen", "--date", "2028-01-01"], "more than a year ahead"),
        (["Doreen", "--date", "today", "--time", "25:00"], "Invalid time '25:00'"),
        (["Doreen", "--date", "today", "--kind", "attempt"], "Unknown planned contact kind"),
        (["Nobody", "--date", "today"], "No person matches 'Nobody'"),
        (["99", "--date", "today"], "No person number 99"),
        (["Doreen", "--date", "today", "--note", "bad \x1b[31m"], "control characters"),
    ],
)
def test_plan_refuses_bad_input_and_writes_nothing(db_path, args, message):
    refer("Doreen Ashworth", "2026-11-01")
    before = snapshot(db_path)
    refused("visit", "plan", *args, contains=message)
    assert snapshot(db_path) == before


def test_plan_needs_a_date_and_an_open_referral(db_path):
    refer("Doreen Ashworth", "2026-11-01")
    refused("visit", "plan", "Doreen", contains="--date")  # usage error, exit 2
    refer("Sam Okafor", "2026-11-10", accept=False)
    ok("referral", "decline", "Sam", "--reason", "moved away")
    refused("visit", "plan", "Sam", "--date", "today", contains="This referral is declined")
    assert plans(db_path) == []


def test_visit_log_marks_the_nearest_plan_done(db_path):
    refer("Doreen Ashworth", "2026-11-01")
    ok("visit", "plan", "Doreen", "--date", "today")  # plan 1
    ok("visit", "plan", "Doreen", "--date", "2026-11-27")  # plan 2: a week ahead, untouched
    out = ok(
        "visit", "log", "Doreen", "--kind", "telephone", "--minutes", "20", "--date", "2026-11-19"
    )  # fmt: skip  a day early: still the contact arranged for today
    assert out.stdout.endswith("(contact 1). Plan 1 (2026-11-20) done.\n")
    assert [(p["id"], p["contact_id"]) for p in plans(db_path)] == [(1, 1), (2, None)]
    # an attempt to reach someone carries out no plan
    out = ok("visit", "log", "Doreen", "--kind", "attempt", "--no-input")
    assert "Plan" not in out.stdout
    assert [(p["id"], p["contact_id"]) for p in plans(db_path)] == [(1, 1), (2, None)]


def test_visit_log_with_plan_names_it(db_path):
    refer("Doreen Ashworth", "2026-11-01")
    refer("Sam Okafor", "2026-11-01")
    ok("visit", "plan", "Doreen", "--date", "2026-11-27")  # plan 1: far from the contact
    ok("visit", "plan", "Sam", "--date", "today")  # plan 2: Sam's
    before = snapshot(db_path)
    refused("visit", "log", "Doreen", "--kind", "attempt", "--plan", "2",
            contains="Plan 2 is not one of this episode's plans")  # fmt: skip
    refused("visit", "log", "Doreen", "--kind", "attempt", "--plan", "9", contains="Plan 9")
    assert snapshot(db_path) == before  # the contact is not saved either
    ok("visit", "log", "Doreen", "--kind", "attempt", "--plan", "1")
    assert [(p["id"], p["contact_id"]) for p in plans(db_path)] == [(1, 1), (2, None)]
    refused("visit", "log", "Doreen", "--kind", "attempt", "--plan", "1",
            contains="Plan 1 was already done (contact 1)")  # fmt: skip


def test_unplan_cancels_a_plan_not_yet_done(db_path):
    refer("Doreen Ashworth", "2026-11-01")
    ok("visit", "plan", "Doreen", "--date", "today")
    ok("visit", "plan", "Doreen", "--date", "2026-12-01")
    assert ok("visit", "unplan", "2").stdout == "Cancelled plan 2 (Doreen Ashworth, 2026-12-01).\n"
    assert [p["id"] for p in plans(db_path)] == [1]
    refused("visit", "unplan", "2", contains="No plan number 2")
    refused("visit", "unplan", "0", contains="No plan number 0")
    refused("visit", "unplan", "99999999999999999999", contains="")
    ok("visit", "log", "Doreen", "--kind", "message")
    before = snapshot(db_path)
    refused("visit", "unplan", "1", contains="Plan 1 was done (contact 1)")
    assert snapshot(db_path) == before


# --- today -------------------------------------------------------------------------------------


@pytest.fixture
def day(db_path):
    """A morning's caseload: one plan today, one overdue, one next week; a pending referral;
    an accepted person never contacted; one whose review is due."""
    people = {
        "Doreen": refer("Doreen Ashworth", "2026-11-01"),
        "Sam": refer("Sam Okafor", "2026-11-02"),
        "Pat": refer("Pat Pending", "2026-11-10", accept=False),
        "Una": refer("Una Unseen", "2026-11-02"),
    }
    ok("visit", "log", "Doreen", "--kind", "telephone", "--minutes", "20", "--date", "2026-11-06")
    ok("visit", "plan", "Doreen", "--date", "today", "--time", "10:30", "--kind", "face-to-face",
       "--note", "Library café, ask about the walking group")  # fmt: skip
    ok("visit", "log", "Sam", "--kind", "telephone", "--minutes", "20", "--date", "2026-11-19")
    ok("visit", "plan", "Sam", "--date", "today")
    ok("visit", "plan", "Una", "--date", "2026-11-25", "--kind", "telephone")
    conn = __import__("sqlite3").connect(db_path)  # a plan left from last week: overdue now
    conn.execute("UPDATE plans SET date = '2026-11-16' WHERE id = 2")
    conn.commit()
    conn.close()
    return people


def test_today_lists_plans_due_steps_and_decisions(day):
    data = ok("today", "--json").json()
    assert data["today"] == "2026-11-20" and data["last_day"] == "2026-11-20"
    assert [(p["name"], p["date"], p["time"], p["days_late"]) for p in data["planned"]] == [
        ("Sam Okafor", "2026-11-16", None, 4),
        ("Doreen Ashworth", "2026-11-20", "10:30", 0),
    ]
    # what is due is the caseload's own next step (decisions listed apart)
    caseload = {i["name"]: i["next_due"] for i in ok("caseload", "--json").json()["open"]}
    due = {d["name"]: (d["what"], d["status"], d["due_from"]) for d in data["due"]}
    assert due == {
        name: (step["what"], step["status"], step["due_from"])
        for name, step in caseload.items()
        if step["what"] != "decision" and step["status"] != "upcoming"
    }
    assert due["Una Unseen"] == ("first-contact", "overdue", "2026-11-02")
    assert [(d["name"], d["days_waiting"]) for d in data["decisions"]] == [("Pat Pending", 10)]
    assert data["concerns"] == []


def test_today_days_looks_ahead(day):
    data = ok("today", "--days", "7", "--json").json()
    assert data["last_day"] == "2026-11-26"
    assert [p["name"] for p in data["planned"]] == ["Sam Okafor", "Doreen Ashworth", "Una Unseen"]
    refused("today", "--days", "0", contains="--days must be a whole number from 1 to 366")
    refused("today", "--days", "many", contains="")


def test_today_at_80_columns(day, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = ok("today").stdout
    lines = out.splitlines()
    assert lines[0] == "Today: Friday 20 November 2026"
    assert all(len(line) <= 80 for line in lines)
    start = lines.index("Planned contacts (2)")
    assert lines[start + 1].split() == ["#", "Person", "When", "Kind", "Plan", "Note"]
    assert lines[start + 2].split()[:5] == ["2", "Sam", "Okafor", "4d", "late"]
    assert "today 10:30" in lines[start + 3] and "Library café" in lines[start + 3]
    assert "Referrals to decide (1)" in lines and "Open concerns: none open." in lines
    assert out.index("Planned contacts") < out.index("Due (") < out.index("Referrals to decide")


def test_today_with_nothing_on(db_path):
    out = ok("today").stdout
    assert "Planned contacts: nothing arranged (`connector visit plan`)." in out
    assert "Due: nothing due." in out and "Referrals to decide: none waiting." in out


def test_today_shows_open_concerns(day, db_path):
    ok("concern", "add", "1", "--category", "self-neglect", "--note", "Cold house",
       "--date", "2026-11-19")  # fmt: skip
    ok("concern", "add", "2", "--category", "financial", "--note", "Scam calls",
       "--date", "2026-11-03")  # fmt: skip
    ok("concern", "close", "2", "--outcome", "Bank told", "--date", "2026-11-05")
    data = ok("today", "--json").json()
    assert data["concerns"] == [
        {"id": 1, "person_id": 1, "name": "Doreen Ashworth", "date": "2026-11-19",
         "category": "self-neglect"}
    ]  # fmt: skip
    assert "Open concerns (1)" in ok("today").stdout


# --- caseload ----------------------------------------------------------------------------------


def test_caseload_shows_the_next_plan_and_flags_no_plan_after_two_weeks(day, monkeypatch):
    items = {i["name"]: i for i in ok("caseload", "--json").json()["open"]}
    assert items["Doreen Ashworth"]["next_plan"] == "2026-11-20"
    assert items["Sam Okafor"]["next_plan"] == "2026-11-16"  # overdue, still arranged
    assert items["Una Unseen"]["next_plan"] == "2026-11-25"
    assert not any(i["unplanned"] for i in items.values())
    ok("visit", "unplan", "3")  # Una: accepted 18 days ago, never contacted, nothing arranged
    ok("visit", "unplan", "1")  # Doreen: last contact 14 days ago, nothing arranged
    items = {i["name"]: i for i in ok("caseload", "--json").json()["open"]}
    assert {n for n, i in items.items() if i["unplanned"]} == {"Una Unseen", "Doreen Ashworth"}
    monkeypatch.setenv("COLUMNS", "80")
    lines = ok("caseload").stdout.splitlines()
    assert "Plan" in lines[1].split()
    una = next(line for line in lines if "Una Unseen" in line)
    sam = next(line for line in lines if "Sam Okafor" in line)
    assert "  none  " in una and "  16/11  " in sam


def test_models_refuse_a_past_plan_directly():
    from datetime import date

    from connector_cli.models_diary import PlanIn

    with pytest.raises(UserError, match="in the past"):
        PlanIn(date=date(2026, 11, 19))
    assert PlanIn(date="20/11/2026", time="7:5".replace("5", "05")).time == "07:05"
