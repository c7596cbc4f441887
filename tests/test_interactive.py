"""The interactive forms, driven by feeding keys through prompt_toolkit's pipe input."""

from __future__ import annotations

import pytest
from conftest import ok, rows, run, snapshot
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

ENTER, DOWN, SPACE, CTRL_C = "\r", "\x1b[B", " ", "\x03"


def interactive(monkeypatch, *args: str, keys: list[str]):
    """Run `connector ARGS` as if at a terminal, typing `keys` one prompt after another."""
    monkeypatch.setenv("CONNECTOR_INTERACTIVE", "1")
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text("".join(keys))
        return run(*args)


def test_new_referral_form(db_path, monkeypatch):
    keys = [
        "Margaret Hughes",
        ENTER,  # name
        ENTER,  # referral date: blank for today
        "GP",
        ENTER,  # source: type to filter -> NHS - GP
        "Dr Patel",
        ENTER,  # referrer
        "Lonely since bereavement",
        ENTER,  # reason
        DOWN,
        SPACE,
        DOWN,
        DOWN,
        DOWN,
        SPACE,
        ENTER,  # triggers: bereaved + health
        DOWN,
        DOWN,
        ENTER,  # main reason: second listed (health), below "(choose one)"
        "78",
        ENTER,  # age
        DOWN,
        ENTER,  # gender: female (below "not asked yet")
        "White British",
        ENTER,  # ethnicity: filtered
        DOWN,
        ENTER,  # living: alone
        "Riverside",
        ENTER,
        ENTER,
        ENTER,  # area, phone blank, email blank
        "12 Mill Lane",
        ENTER,  # address
        "ls6 3x",
        ENTER,  # postcode: not a postcode, refused at its question...
        "\x7f" * 6,
        "ls6 3ab",
        ENTER,  # ...corrected
        "Riverside Surgery",
        ENTER,  # GP practice
        "Jane Hughes",
        ENTER,  # next of kin
        "daughter",
        ENTER,  # their relationship
        ENTER,  # their phone: blank
        DOWN,
        ENTER,  # preferred contact: phone call (below "not asked yet")
        "Hard of hearing",
        ENTER,  # access needs
        DOWN,
        ENTER,  # consent: yes
        DOWN,
        ENTER,  # risks: none known
        ENTER,  # status: pending
        ENTER,  # confirm save (default yes)
    ]
    result = interactive(monkeypatch, "new-referral", keys=keys)
    assert result.exit_code == 0, result
    [person] = rows(db_path, "SELECT * FROM people")
    assert person["name"] == "Margaret Hughes"
    assert (person["gender"], person["ethnicity"], person["living"]) == ("female", "A", "alone")
    assert (
        person["area"],
        person["phone"],
        person["consent_to_share"],
        person["no_known_risks"],
    ) == ("Riverside", None, 1, 1)
    home = {k: person[k] for k in ("address", "postcode", "gp_practice", "kin_name")}
    assert home == {
        "address": "12 Mill Lane",
        "postcode": "LS6 3AB",
        "gp_practice": "Riverside Surgery",
        "kin_name": "Jane Hughes",
    }
    assert (person["kin_relationship"], person["kin_phone"]) == ("daughter", None)
    assert (person["contact_method"], person["access_needs"]) == ("phone", "Hard of hearing")
    [episode] = rows(db_path, "SELECT * FROM episodes")
    assert episode["source"] == "nhs-gp"
    assert episode["referral_date"] == "2026-11-20"
    assert episode["age_at_referral"] == 78
    assert episode["primary_trigger"] == "health"
    triggers = rows(db_path, "SELECT trigger FROM episode_triggers ORDER BY trigger")
    assert [t["trigger"] for t in triggers] == ["bereaved", "health"]


def test_a_hurried_enter_records_not_asked(db_path, monkeypatch):
    keys = [
        "Kay",
        ENTER,
        ENTER,  # name, referral date today
        ENTER,  # source: "not asked yet" is first
        ENTER,
        ENTER,  # referrer, reason blank
        ENTER,  # life events: nothing ticked = not asked
        ENTER,  # age blank
        ENTER,
        ENTER,
        ENTER,  # gender, ethnicity, living: not asked
        ENTER,
        ENTER,
        ENTER,  # area, phone, email blank
        ENTER,
        ENTER,
        ENTER,
        ENTER,  # address, postcode, GP, next of kin blank (so no relationship or phone)
        ENTER,
        ENTER,  # contact method: not asked; access needs blank
        ENTER,
        ENTER,  # consent, risks: not asked
        ENTER,  # decision: pending
        ENTER,  # confirm
    ]
    result = interactive(monkeypatch, "new-referral", keys=keys)
    assert result.exit_code == 0, result
    [person] = rows(
        db_path, "SELECT gender, ethnicity, living, consent_to_share, no_known_risks FROM people"
    )
    assert person == {
        "gender": None,
        "ethnicity": None,
        "living": None,
        "consent_to_share": None,
        "no_known_risks": 0,
    }
    [episode] = rows(db_path, "SELECT source, triggers_answered, status FROM episodes")
    assert episode == {"source": None, "triggers_answered": 0, "status": "pending"}


def test_flags_given_nothing_is_asked(db_path, monkeypatch):
    # A flag always wins, and with the one needed value (the name) given there is no form.
    result = interactive(
        monkeypatch,
        "new-referral",
        "--name",
        "Kay",
        "--source",
        "self",
        "--status",
        "accepted",
        keys=[],
    )
    assert result.exit_code == 0, result
    [episode] = rows(db_path, "SELECT source, status FROM episodes")
    assert episode == {"source": "self", "status": "accepted"}


def test_a_known_name_asks_whether_it_is_the_same_person(db_path, monkeypatch):
    ok("new-referral", "--name", "Joan Price", "--area", "Docks", "--referral-date", "2026-01-05")
    ok("referral", "fail", "Joan", "--reason", "No answer", "--date", "2026-01-20")
    result = interactive(
        monkeypatch, "new-referral", "--name", "Joan Price", keys=[DOWN, ENTER]
    )  # yes: #1 (below "(choose one)")
    assert result.exit_code == 0, result
    assert len(rows(db_path, "SELECT * FROM people")) == 1
    assert rows(db_path, "SELECT previous_episode_id FROM episodes WHERE id = 2") == [
        {"previous_episode_id": 1}
    ]
    result = interactive(
        monkeypatch, "new-referral", "--name", "Joan Price", "--existing", "1", keys=[]
    )
    assert result.exit_code == 1 and "open referral" in result.stderr


def test_a_known_name_without_a_terminal_is_a_new_person_with_a_note(db_path):
    ok("new-referral", "--name", "Joan Price")
    result = ok("new-referral", "--name", "Joan Price")
    assert "also the name of #1" in result.stderr
    assert len(rows(db_path, "SELECT * FROM people")) == 2


def test_bad_date_is_caught_at_its_question(db_path, monkeypatch):
    keys = ["Kay", ENTER, "\x7f" * 5, "31/02/2026", ENTER, "\x7f" * 10, "01/11/2026", ENTER, CTRL_C]
    result = interactive(monkeypatch, "new-referral", keys=keys)
    # The impossible date was refused at the question; the corrected one accepted; then Ctrl-C.
    assert result.exit_code == 1
    assert "Cancelled: nothing was saved." in result.stderr
    assert "Traceback" not in result.stderr


def test_ctrl_c_mid_form_saves_nothing(db_path, monkeypatch):
    ok("new-referral", "--name", "Existing person")
    before = snapshot(db_path)
    result = interactive(monkeypatch, "new-referral", keys=["Kay", ENTER, ENTER, CTRL_C])
    assert result.exit_code == 1
    assert result.stderr.strip() == "Cancelled: nothing was saved."
    assert snapshot(db_path) == before


def test_declining_the_confirmation_saves_nothing(db_path, monkeypatch):
    keys = ["Kay", ENTER, "n"]  # name, then confirm: no
    result = interactive(
        monkeypatch,
        "new-referral",
        "--referral-date",
        "today",
        "--source",
        "self",
        "--referrer",
        "x",
        "--reason",
        "y",
        "--no-triggers",
        "--age",
        "40",
        "--gender",
        "female",
        "--ethnicity",
        "A",
        "--living",
        "alone",
        "--area",
        "z",
        "--phone",
        "1",
        "--email",
        "e",
        "--address",
        "a",
        "--postcode",
        "LS6 3AB",
        "--gp-practice",
        "g",
        "--next-of-kin",
        "k",
        "--next-of-kin-relationship",
        "r",
        "--next-of-kin-phone",
        "p",
        "--contact-method",
        "letter",
        "--access-needs",
        "n",
        "--consent-to-share",
        "--no-known-risks",
        "--status",
        "pending",
        keys=keys,
    )
    assert result.exit_code == 1
    assert not db_path.exists()  # refused before the database was even opened


@pytest.fixture
def accepted(db_path):
    ok(
        "new-referral",
        "--name",
        "Margaret",
        "--referral-date",
        "2026-11-01",
        "--status",
        "accepted",
    )


def test_what_matters_conversation(db_path, monkeypatch, accepted):
    keys = [
        "Seeing my grandson",
        ENTER,  # matters most
        "Go dancing again",
        ENTER,  # would like to
        "Ballroom, the WI",
        ENTER,  # used to enjoy
        ENTER,  # who matters: blank
        SPACE,
        DOWN,
        DOWN,
        DOWN,
        DOWN,
        SPACE,
        ENTER,  # barriers: transport, confidence
        "Buses stop at 6",
        ENTER,  # more about barriers
        "Baking",
        ENTER,  # strengths
        ENTER,  # save
    ]
    result = interactive(monkeypatch, "what-matters", "Margaret", keys=keys)
    assert result.exit_code == 0, result
    answers = dict(
        (r["key"], r["answer"])
        for r in rows(db_path, "SELECT key, answer FROM conversation_answers")
    )
    assert answers == {
        "matters-most": "Seeing my grandson",
        "would-like-to": "Go dancing again",
        "used-to-enjoy": "Ballroom, the WI",
        "barriers": "transport;confidence",
        "barriers-note": "Buses stop at 6",
        "strengths": "Baking",
    }


def test_what_matters_without_terminal_needs_answers(db_path, accepted):
    result = run("what-matters", "Margaret")
    assert result.exit_code == 1
    assert "--answer KEY=TEXT" in result.stderr


def test_visit_log_asks_kind_minutes_and_place(db_path, monkeypatch, accepted):
    # face-to-face, 45 minutes, community venue (each list starts on "(choose one)")
    keys = [DOWN, ENTER, "45", ENTER, DOWN, DOWN, ENTER, ENTER, "Walked to the park", ENTER]
    result = interactive(monkeypatch, "visit", "log", "Margaret", keys=keys)
    assert result.exit_code == 0, result
    [contact] = rows(db_path, "SELECT kind, minutes, location, date, note FROM contacts")
    assert contact == {
        "kind": "face-to-face",
        "minutes": 45,
        "location": "community-venue",
        "date": "2026-11-20",  # the date left blank: today
        "note": "Walked to the park",
    }


def test_goal_review_and_outcome_are_asked_for_at_a_terminal(db_path, monkeypatch, accepted):
    result = interactive(monkeypatch, "goal", "add", "Margaret", "Go to bingo", keys=[DOWN, ENTER])
    assert result.exit_code == 0, result  # domain: the first, "friends"
    result = interactive(monkeypatch, "goal", "review", "Margaret", "1", keys=[DOWN, DOWN, ENTER])
    assert result.exit_code == 0 and "made a lot of progress" in result.stdout
    ok("signpost", "add", "Margaret", "--to", "Bingo", "--category", "other")
    result = interactive(monkeypatch, "signpost", "outcome", "1", keys=[DOWN, ENTER])
    assert result.exit_code == 0 and "attended" in result.stdout
    assert rows(db_path, "SELECT domain FROM goals") == [{"domain": "friends"}]
    assert rows(db_path, "SELECT progress FROM goal_reviews") == [{"progress": "a-lot"}]
    assert rows(db_path, "SELECT outcome FROM signposts") == [{"outcome": "attended"}]


def test_without_a_terminal_the_missing_value_is_named(db_path, accepted):
    assert "--domain" in run("goal", "add", "Margaret", "Go to bingo").stderr
    ok("goal", "add", "Margaret", "Go to bingo", "--domain", "friends")
    assert "--progress" in run("goal", "review", "Margaret", "1").stderr
    ok("signpost", "add", "Margaret", "--to", "Bingo", "--category", "other")
    assert "OUTCOME" in run("signpost", "outcome", "1").stderr
