"""What-matters, goals, contacts, signposts, closure, people and show through the real CLI."""

from __future__ import annotations

import pytest
from conftest import ok, refused, rows, snapshot


@pytest.fixture
def margaret(db_path):
    ok(
        "new-referral",
        "--name",
        "Margaret Hughes",
        "--referral-date",
        "2026-09-01",
        "--source",
        "nhs-gp",
        "--age",
        "78",
        "--gender",
        "female",
        "--living",
        "alone",
        "--trigger",
        "bereaved",
    )
    ok("referral", "accept", "Margaret", "--date", "2026-09-02")
    return "Margaret"


def test_what_matters_keeps_own_words(db_path, margaret):
    ok(
        "what-matters",
        margaret,
        "--date",
        "2026-09-05",
        "--answer",
        "matters-most=Getting back to church on Sundays",
        "--answer",
        "barriers=transport, confidence",
        "--answer",
        "strengths=Baking; knows everyone on the street",
    )
    answers = rows(db_path, "SELECT key, answer FROM conversation_answers ORDER BY key")
    assert answers == [
        {"key": "barriers", "answer": "transport;confidence"},
        {"key": "matters-most", "answer": "Getting back to church on Sundays"},
        {"key": "strengths", "answer": "Baking; knows everyone on the street"},
    ]
    assert rows(db_path, "SELECT date FROM conversations") == [{"date": "2026-09-05"}]
    shown = ok("show", margaret).stdout
    assert "Getting back to church on Sundays" in shown
    assert "Transport, Confidence" in shown


def test_goals_add_review_drop_and_limit_of_three(db_path, margaret):
    for number, text in enumerate(["Join the walking group", "Call my sister", "Catch the bus"], 1):
        made = ok(
            "goal", "add", margaret, text, "--domain", "friends", "--date", "2026-09-05", "--json"
        )
        assert made.json()["number"] == number
    result = refused(
        "goal", "add", margaret, "Fourth", "--domain", "home", contains="Already 3 open goals"
    )
    assert "1 Join the walking group" in result.stderr and "3 Catch the bus" in result.stderr
    ok(
        "goal",
        "review",
        margaret,
        "1",
        "--progress",
        "achieved",
        "--date",
        "2026-10-10",
        "--note",
        "Goes weekly",
    )
    ok("goal", "drop", margaret, "2", "--date", "2026-10-10")
    made = ok("goal", "add", margaret, "Tidy the garden", "--domain", "home", "--json").json()
    assert made["number"] == 4  # achieved and dropped goals free their places
    reviews = rows(db_path, "SELECT goal_id, date, progress, note FROM goal_reviews")
    assert reviews == [
        {"goal_id": 1, "date": "2026-10-10", "progress": "achieved", "note": "Goes weekly"}
    ]
    assert rows(db_path, "SELECT dropped_date FROM goals WHERE number = 2") == [
        {"dropped_date": "2026-10-10"}
    ]
    shown = ok("show", margaret).stdout
    assert "achieved (2026-10-10)" in shown and "dropped 2026-10-10" in shown


def test_goal_review_refusals(db_path, margaret):
    ok("goal", "add", margaret, "Call my sister", "--domain", "friends", "--date", "2026-09-10")
    ok("goal", "drop", margaret, "1", "--date", "2026-09-12")
    before = snapshot(db_path)
    refused("goal", "review", margaret, "1", "--progress", "some", contains="dropped")
    refused("goal", "review", margaret, "7", "--progress", "some", contains="No goal number 7")
    refused("goal", "review", margaret, "1", "--progress", "lots", contains="Unknown progress")
    refused("goal", "drop", margaret, "1", contains="already dropped")
    assert snapshot(db_path) == before


def test_contacts_of_every_kind(db_path, margaret):
    ok(
        "visit",
        "log",
        margaret,
        "--kind",
        "face-to-face",
        "--minutes",
        "90",
        "--location",
        "home",
        "--date",
        "2026-09-03",
        "--note",
        "First visit",
    )
    ok("volunteer", "add", "Sam")
    ok(
        "visit",
        "log",
        margaret,
        "--kind",
        "face-to-face",
        "--minutes",
        "120",
        "--location",
        "cafe",
        "--by",
        "volunteer",
        "--volunteer",
        "Sam",
        "--journey",
        "--date",
        "2026-09-10",
    )
    ok("visit", "log", margaret, "--kind", "telephone", "--minutes", "15", "--date", "2026-09-12")
    ok("visit", "log", margaret, "--kind", "video", "--minutes", "30", "--date", "2026-09-13")
    ok("visit", "log", margaret, "--kind", "message", "--date", "2026-09-14")
    ok(
        "visit",
        "log",
        margaret,
        "--kind",
        "about",
        "--note",
        "Called the GP",
        "--date",
        "2026-09-14",
    )
    made = ok(
        "visit", "log", margaret, "--kind", "attempt", "--date", "2026-09-15", "--json"
    ).json()
    assert made == {"contact_id": 7}
    stored = rows(
        db_path,
        "SELECT kind, minutes, delivered_by, volunteer, location, journey FROM contacts ORDER BY id",
    )
    assert stored[1] == {
        "kind": "face-to-face",
        "minutes": 120,
        "delivered_by": "volunteer",
        "volunteer": "Sam",
        "location": "cafe",
        "journey": 1,
    }
    assert [c["kind"] for c in stored] == [
        "face-to-face",
        "face-to-face",
        "telephone",
        "video",
        "message",
        "about",
        "attempt",
    ]
    shown = ok("show", margaret).stdout
    # support = face-to-face, telephone, video, message; about/attempt are not support
    assert "5 support contacts, 255 min" in shown


def test_signposts_and_outcome(db_path, margaret):
    made = ok(
        "signpost",
        "add",
        margaret,
        "--to",
        "St Mary's lunch club",
        "--category",
        "third-sector/lunch-club",
        "--accompanied",
        "--date",
        "2026-09-20",
        "--json",
    ).json()
    assert made == {"signpost_id": 1}
    ok("signpost", "add", margaret, "--to", "Our befriending", "--category", "own-organisation")
    ok("signpost", "outcome", "1", "attended", "--date", "2026-10-01")
    stored = rows(
        db_path,
        "SELECT to_text, category_group, category_sub, accompanied, outcome, outcome_date FROM signposts ORDER BY id",
    )
    assert stored == [
        {
            "to_text": "St Mary's lunch club",
            "category_group": "third-sector",
            "category_sub": "lunch-club",
            "accompanied": 1,
            "outcome": "attended",
            "outcome_date": "2026-10-01",
        },
        {
            "to_text": "Our befriending",
            "category_group": "own-organisation",
            "category_sub": None,
            "accompanied": 0,
            "outcome": None,
            "outcome_date": None,
        },
    ]


def test_close_and_contact_after_closure(db_path, margaret):
    ok("visit", "log", margaret, "--kind", "telephone", "--minutes", "20", "--date", "2026-11-01")
    refused(
        "close", margaret, "--reason", "planned", "--date", "2026-10-30", contains="before the last"
    )
    refused("close", margaret, "--reason", "other", contains="--detail")
    ok("close", margaret, "--reason", "choice", "--sub-reason", "needs-met", "--date", "2026-11-10")
    [episode] = rows(
        db_path, "SELECT closure_date, closure_reason, closure_sub_reason FROM episodes"
    )
    assert episode == {
        "closure_date": "2026-11-10",
        "closure_reason": "choice",
        "closure_sub_reason": "needs-met",
    }
    before = snapshot(db_path)
    refused(
        "visit",
        "log",
        margaret,
        "--kind",
        "telephone",
        "--minutes",
        "5",
        contains="--after-closure",
    )
    refused("goal", "add", margaret, "New goal", "--domain", "home", contains="closed")
    refused("signpost", "add", margaret, "--to", "X", "--category", "other", contains="closed")
    refused("close", margaret, "--reason", "planned", contains="closed")
    assert snapshot(db_path) == before
    ok("visit", "log", margaret, "--kind", "telephone", "--minutes", "5", "--after-closure")
    kept = rows(db_path, "SELECT date, after_closure FROM contacts ORDER BY id")
    assert kept == [
        {"date": "2026-11-01", "after_closure": 0},
        {"date": "2026-11-20", "after_closure": 1},
    ]
    shown = ok("show", margaret).stdout
    assert "1 support contact, 20 min" in shown  # keep-in-touch does not inflate the figures
    assert "after closure" in shown


def test_nothing_recorded_on_declined_or_failed(db_path):
    ok("new-referral", "--name", "Dan", "--referral-date", "2026-11-01")
    ok("referral", "decline", "Dan", "--reason", "Needs specialist care", "--by", "criteria")
    before = snapshot(db_path)
    refused("visit", "log", "Dan", "--kind", "telephone", "--minutes", "5", contains="declined")
    refused("goal", "add", "Dan", "Something", "--domain", "home", contains="declined")
    refused("signpost", "add", "Dan", "--to", "X", "--category", "other", contains="declined")
    refused("what-matters", "Dan", "--answer", "matters-most=x", contains="declined")
    refused("close", "Dan", "--reason", "planned", contains="declined")
    assert snapshot(db_path) == before


def test_people_lists_open_and_all(db_path, margaret):
    ok("new-referral", "--name", "Dan Jones")
    ok("referral", "fail", "Dan", "--reason", "No answer")
    listed = ok("people", "--json").json()["people"]
    assert [p["name"] for p in listed] == ["Margaret Hughes"]
    everyone = ok("people", "--all", "--json").json()["people"]
    assert sorted(p["name"] for p in everyone) == ["Dan Jones", "Margaret Hughes"]
    table = ok("people", "--all").stdout
    assert "Dan Jones" in table and "failed" in table


def test_show_json_and_week_of_support(db_path, margaret):
    ok(
        "visit",
        "log",
        margaret,
        "--kind",
        "face-to-face",
        "--minutes",
        "60",
        "--location",
        "home",
        "--date",
        "2026-09-03",
    )
    story = ok("show", margaret, "--json").json()
    assert story["person"]["name"] == "Margaret Hughes"
    episode = story["episode"]
    assert episode["support_start"] == "2026-09-03"
    # 2026-09-03 to 2026-11-20 is 78 days: week 12 (days 77-83)
    assert episode["week"] == 12
    assert episode["support_contacts"] == 1 and episode["support_minutes"] == 60
    assert episode["triggers"] == ["bereaved"]


def test_show_flags_beyond_planned_support(db_path):
    ok("new-referral", "--name", "Eve", "--referral-date", "2026-08-01", "--status", "accepted")
    ok("visit", "log", "Eve", "--kind", "telephone", "--minutes", "10", "--date", "2026-08-10")
    shown = ok("show", "Eve").stdout
    # 2026-08-10 to 2026-11-20 is 102 days: week 15 of 12
    assert "Week 15 of 12" in shown and "beyond planned support" in shown


def test_person_by_number_and_ambiguous_fragment(db_path):
    ok("new-referral", "--name", "Ann Lee")
    ok("new-referral", "--name", "Anne Marsh")
    assert "Ann Lee" in ok("show", "1").stdout
    assert "Ann Lee" in ok("show", "ann lee").stdout  # exact name wins over a fragment
    result = refused("show", "ann", contains="matches 2 people")
    assert "1 Ann Lee" in result.stderr and "2 Anne Marsh" in result.stderr
    refused("show", "99", contains="No person number 99")
    refused("show", "zed", contains="No person matches 'zed'")


def test_episode_option_chooses_an_earlier_episode(db_path):
    ok("new-referral", "--name", "Joan", "--dob", "1950-01-01", "--referral-date", "2026-01-05")
    ok("referral", "fail", "Joan", "--reason", "No answer", "--date", "2026-01-20")
    ok("new-referral", "--name", "Joan", "--dob", "1950-01-01", "--referral-date", "2026-06-01")
    assert ok("show", "Joan", "--json").json()["episode"]["id"] == 2
    assert ok("show", "Joan", "--episode", "1", "--json").json()["episode"]["status"] == "failed"
    refused("show", "Joan", "--episode", "9", contains="not one of")
