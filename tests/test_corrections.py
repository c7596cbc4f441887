"""person edit, referral edit, visit edit: mending saved records, as `connector check` advises."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import ok, refused, rows, run, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


@pytest.fixture
def ann(db_path):
    ok("new-referral", "--name", "Ann Lee", "--referral-date", "2026-09-01", "--status", "accepted")
    ok("visit", "log", "Ann", "--kind", "telephone", "--minutes", "20", "--date", "2026-09-03")
    return "Ann"


def problems(rule: str) -> list[dict]:
    result = run("check", "--json")
    return [p for p in result.json()["problems"] if p["rule"] == rule]


def test_person_edit_fills_the_gaps_check_reports(db_path, ann):
    fixes = {p["fix"] for p in run("check", "--json").json()["problems"]}
    assert any(f.startswith("connector person edit 1 --gender ") for f in fixes)
    ok("person", "edit", ann, "--gender", "not-stated", "--ethnicity", "z", "--living", "alone")
    ok("person", "edit", ann, "--age", "not-stated")
    [person] = rows(db_path, "SELECT gender, ethnicity, living FROM people")
    assert person == {"gender": "not-stated", "ethnicity": "Z", "living": "alone"}
    [episode] = rows(db_path, "SELECT age_at_referral, age_not_stated FROM episodes")
    assert episode == {"age_at_referral": None, "age_not_stated": 1}
    remaining = {p["rule"] for p in run("check", "--json").json()["problems"]}
    assert not remaining & {"gender-missing", "age-missing", "ethnicity-missing", "living-missing"}


def test_person_edit_dob_recomputes_age_and_clears_text(db_path, ann):
    ok("person", "edit", ann, "--dob", "02/05/1948", "--phone", "07700 900123")
    assert rows(db_path, "SELECT age_at_referral FROM episodes") == [{"age_at_referral": 78}]
    ok("person", "edit", ann, "--phone", "")
    assert rows(db_path, "SELECT phone, dob FROM people") == [{"phone": None, "dob": "1948-05-02"}]
    refused("person", "edit", ann, "--age", "80", contains="comes from the date of birth")


def test_person_edit_refusals_write_nothing(db_path, ann):
    before = snapshot(db_path)
    refused("person", "edit", ann, contains="Nothing to change")
    refused("person", "edit", ann, "--gender", "f", contains="Unknown gender")
    refused("person", "edit", ann, "--name", " ", contains="cannot be blank")
    refused("person", "edit", ann, "--dob", "2020-01-01", contains="outside 16-120")
    refused("person", "edit", ann, "--dob", "2027-01-01", contains="in the future")
    refused("person", "edit", "Zed", "--gender", "male", contains="No person matches")
    assert snapshot(db_path) == before


def test_referral_edit_triggers_source_and_closure_detail(db_path, ann):
    assert problems("triggers-not-asked")
    ok(
        "referral",
        "edit",
        ann,
        "--trigger",
        "health",
        "--trigger",
        "mobility",
        "--primary-trigger",
        "mobility",
        "--source",
        "self",
    )
    [episode] = rows(
        db_path, "SELECT source, triggers_answered, no_triggers, primary_trigger FROM episodes"
    )
    assert episode == {
        "source": "self",
        "triggers_answered": 1,
        "no_triggers": 0,
        "primary_trigger": "mobility",
    }
    assert not problems("triggers-not-asked")
    ok("referral", "edit", ann, "--no-triggers")
    assert rows(db_path, "SELECT * FROM episode_triggers") == []
    refused("referral", "edit", ann, "--primary-trigger", "health", contains="must be one of")
    refused("referral", "edit", ann, "--closure-detail", "x", contains="not closed")
    ok("close", ann, "--reason", "other", "--detail", "Moved to her son's", "--date", "2026-10-01")
    ok("referral", "edit", ann, "--closure-detail", "Moved in with her son in Leeds")
    assert rows(db_path, "SELECT closure_detail FROM episodes") == [
        {"closure_detail": "Moved in with her son in Leeds"}
    ]


def test_visit_edit_mends_contacts_made_outside_the_rules(db_path, ann):
    # Records like these cannot be made through `visit log` (it refuses them); an older
    # version or an import could have left them, so they are inserted directly.
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO contacts (episode_id, date, kind, created_at) VALUES (1, '2026-09-10', 'face-to-face', 'x')"
    )
    conn.execute(
        "UPDATE episodes SET closure_date = '2026-09-20', closure_reason = 'planned' WHERE id = 1"
    )
    conn.execute(
        "INSERT INTO contacts (episode_id, date, kind, minutes, created_at) VALUES (1, '2026-10-01', 'telephone', 5, 'x')"
    )
    conn.commit()
    conn.close()
    fixes = {p["fix"] for p in run("check", "--json").json()["problems"]}
    for start in (
        "connector visit edit 2 --minutes ",
        "connector visit edit 2 --location ",
        "connector visit edit 3 --after-closure",
    ):
        assert any(f.startswith(start) for f in fixes), start
    ok("visit", "edit", "2", "--minutes", "60", "--location", "home")
    ok("visit", "edit", "3", "--after-closure")
    stored = rows(
        db_path,
        "SELECT id, minutes, location, after_closure FROM contacts WHERE id > 1 ORDER BY id",
    )
    assert stored == [
        {"id": 2, "minutes": 60, "location": "home", "after_closure": 0},
        {"id": 3, "minutes": 5, "location": None, "after_closure": 1},
    ]
    remaining = {p["rule"] for p in run("check", "--json").json()["problems"]}
    assert not remaining & {
        "contact-minutes-missing",
        "contact-location-missing",
        "contact-after-closure",
    }


def test_visit_edit_refusals(db_path, ann):
    before = snapshot(db_path)
    refused("visit", "edit", "1", contains="Nothing to change")
    refused("visit", "edit", "1", "--minutes", "0", contains="Minutes must be")
    refused("visit", "edit", "1", "--location", "home", contains="only for face-to-face")
    refused("visit", "edit", "1", "--after-closure", contains="only for contacts dated after")
    refused("visit", "edit", "99", "--minutes", "5", contains="No contact number 99")
    assert snapshot(db_path) == before


def test_person_and_referral_edits_are_audited_without_content(db_path, ann):
    ok("person", "edit", ann, "--phone", "07700 900123", "--gender", "female")
    ok("referral", "edit", ann, "--referrer", "Dr Okafor", "--source", "self")
    entries = rows(db_path, "SELECT action, detail FROM audit_log ORDER BY id")
    assert [(e["action"], json.loads(e["detail"])) for e in entries] == [
        ("person edited", {"person": 1, "fields": ["gender", "phone"]}),
        ("referral edited", {"episode": 1, "person": 1, "fields": ["referrer", "source"]}),
    ]
    assert "07700" not in str(entries) and "Okafor" not in str(entries)
    text = ok("show", ann).stdout
    assert "person's details corrected: gender, phone" in text
    assert "referral corrected: referrer, source" in text


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=st.text(max_size=60))
def test_any_goal_text_is_kept_exactly_or_refused_cleanly(db_path, words):
    if not db_path.exists():
        ok(
            "new-referral",
            "--name",
            "Ann Lee",
            "--referral-date",
            "2026-09-01",
            "--status",
            "accepted",
        )
        ok("goal", "add", "Ann", "Walk to the shop", "--domain", "daily-living")
    before = snapshot(db_path)
    result = run("goal", "edit", "Ann", "1", "--text", words)
    if result.exit_code == 0:
        assert rows(db_path, "SELECT text FROM goals") == [{"text": words.strip()}]
        if result.stdout != "Corrected goal 1 for Ann Lee: nothing changed.\n":
            [last] = rows(db_path, "SELECT detail FROM audit_log ORDER BY id DESC LIMIT 1")
            assert json.loads(last["detail"]) == {
                "id": 1,
                "number": 1,
                "episode": 1,
                "fields": ["text"],
            }  # never the words themselves
    else:
        assert result.exit_code in (1, 2) and "Traceback" not in result.stderr
        assert snapshot(db_path) == before
