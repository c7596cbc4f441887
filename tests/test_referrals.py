"""new-referral and referral accept|decline|fail, through the real CLI and database."""

from __future__ import annotations

from conftest import ok, refused, rows, snapshot


def test_new_referral_stores_person_and_episode(db_path):
    result = ok(
        "new-referral",
        "--name",
        "Margaret Hughes",
        "--referral-date",
        "03/04/2026",
        "--source",
        "nhs-gp",
        "--referrer",
        "Dr Patel, Riverside Surgery",
        "--reason",
        "Lonely since husband died",
        "--trigger",
        "bereaved",
        "--trigger",
        "mobility",
        "--primary-trigger",
        "bereaved",
        "--dob",
        "1948-05-02",
        "--gender",
        "female",
        "--ethnicity",
        "a",
        "--living",
        "alone",
        "--area",
        "Riverside",
        "--phone",
        "07700 900123",
        "--email",
        "mh@example.org",
        "--consent-to-share",
        "--no-known-risks",
        "--json",
    )
    assert result.json() == {"person_id": 1, "episode_id": 1}
    [person] = rows(db_path, "SELECT * FROM people")
    assert person["name"] == "Margaret Hughes"
    assert person["dob"] == "1948-05-02"
    assert (person["gender"], person["ethnicity"], person["living"]) == ("female", "A", "alone")
    assert (person["consent_to_share"], person["no_known_risks"], person["risks"]) == (1, 1, None)
    [episode] = rows(db_path, "SELECT * FROM episodes")
    assert episode["referral_date"] == "2026-04-03"  # day first: 3 April
    assert episode["age_at_referral"] == 77  # 2 May 1948 -> 77 on 3 April 2026
    assert episode["source"] == "nhs-gp"
    assert episode["status"] == "pending" and episode["status_date"] is None
    assert (episode["triggers_answered"], episode["no_triggers"]) == (1, 0)
    assert episode["primary_trigger"] == "bereaved"
    triggers = rows(db_path, "SELECT trigger FROM episode_triggers ORDER BY trigger")
    assert [t["trigger"] for t in triggers] == ["bereaved", "mobility"]


def test_minimal_referral_leaves_unasked_fields_empty(db_path):
    out = ok("new-referral", "--name", "Bob Smith").stdout
    assert "Saved referral for Bob Smith: person 1, episode 1" in out
    [episode] = rows(db_path, "SELECT * FROM episodes")
    assert episode["referral_date"] == "2026-11-20"  # CONNECTOR_TODAY
    assert episode["triggers_answered"] == 0  # not asked, distinct from "none"
    assert episode["source"] is None


def test_no_triggers_is_an_answer(db_path):
    ok("new-referral", "--name", "Ann", "--no-triggers", "--age", "not-stated")
    [episode] = rows(db_path, "SELECT * FROM episodes")
    assert (episode["triggers_answered"], episode["no_triggers"]) == (1, 1)
    assert (episode["age_at_referral"], episode["age_not_stated"]) == (None, 1)


def test_age_without_dob(db_path):
    ok("new-referral", "--name", "Ann", "--age", "82")
    assert rows(db_path, "SELECT age_at_referral FROM episodes")[0]["age_at_referral"] == 82


def test_re_referral_same_name_and_dob_is_a_new_linked_episode(db_path):
    ok(
        "new-referral",
        "--name",
        "Joan Price",
        "--dob",
        "1950-01-01",
        "--referral-date",
        "2026-01-05",
    )
    ok("referral", "accept", "Joan", "--date", "2026-01-06")
    ok("visit", "log", "Joan", "--kind", "telephone", "--minutes", "20", "--date", "2026-01-10")
    ok("close", "Joan", "--reason", "planned", "--date", "2026-04-01")
    again = ok(
        "new-referral",
        "--name",
        "joan price",
        "--dob",
        "01/01/1950",
        "--referral-date",
        "2026-09-01",
        "--json",
    ).json()
    assert again == {"person_id": 1, "episode_id": 2}
    assert len(rows(db_path, "SELECT * FROM people")) == 1
    episodes = rows(db_path, "SELECT id, previous_episode_id FROM episodes ORDER BY id")
    assert episodes == [
        {"id": 1, "previous_episode_id": None},
        {"id": 2, "previous_episode_id": 1},
    ]


def test_re_referral_with_existing_flag(db_path):
    ok("new-referral", "--name", "Joan Price", "--referral-date", "2026-01-05")
    ok("referral", "fail", "1", "--reason", "No answer", "--date", "2026-01-20")
    made = ok("new-referral", "--name", "Joan Price", "--existing", "1", "--json").json()
    assert made == {"person_id": 1, "episode_id": 2}


def test_re_referral_refused_while_episode_open(db_path):
    ok("new-referral", "--name", "Joan Price", "--dob", "1950-01-01")
    before = snapshot(db_path)
    refused("new-referral", "--name", "Joan Price", "--dob", "1950-01-01", contains="open referral")
    assert snapshot(db_path) == before


def test_same_name_different_dob_is_a_different_person(db_path):
    ok("new-referral", "--name", "John Smith", "--dob", "1950-01-01")
    ok("new-referral", "--name", "John Smith", "--dob", "1961-06-30")
    assert len(rows(db_path, "SELECT * FROM people")) == 2


def test_accept_decline_fail(db_path):
    for name in ("Ann", "Bea", "Cat"):
        ok("new-referral", "--name", name, "--referral-date", "2026-11-01")
    ok("referral", "accept", "Ann", "--date", "2026-11-02")
    ok(
        "referral",
        "decline",
        "Bea",
        "--reason",
        "Not lonely",
        "--by",
        "person",
        "--date",
        "yesterday",
    )
    ok("referral", "fail", "Cat", "--reason", "Wrong number")
    got = rows(
        db_path, "SELECT status, status_date, status_reason, decline_by FROM episodes ORDER BY id"
    )
    assert got == [
        {
            "status": "accepted",
            "status_date": "2026-11-02",
            "status_reason": None,
            "decline_by": None,
        },
        {
            "status": "declined",
            "status_date": "2026-11-19",
            "status_reason": "Not lonely",
            "decline_by": "person",
        },
        {
            "status": "failed",
            "status_date": "2026-11-20",
            "status_reason": "Wrong number",
            "decline_by": None,
        },
    ]


def test_referral_created_already_accepted(db_path):
    ok("new-referral", "--name", "Ann", "--status", "accepted", "--referral-date", "2026-11-01")
    [episode] = rows(db_path, "SELECT status, status_date FROM episodes")
    assert episode == {"status": "accepted", "status_date": "2026-11-01"}


def test_accept_twice_refused(db_path):
    ok("new-referral", "--name", "Ann")
    ok("referral", "accept", "Ann")
    before = snapshot(db_path)
    refused("referral", "accept", "Ann", contains="already accepted")
    assert snapshot(db_path) == before


def test_database_is_private(db_path):
    ok("new-referral", "--name", "Ann")
    assert db_path.stat().st_mode & 0o777 == 0o600
    assert db_path.parent.stat().st_mode & 0o777 == 0o700


def test_db_option_wins_over_environment(db_path, tmp_path):
    other = tmp_path / "other.db"
    ok("--db", str(other), "new-referral", "--name", "Ann")
    assert rows(other, "SELECT name FROM people") == [{"name": "Ann"}]
    assert not db_path.exists()
