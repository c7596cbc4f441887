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
        ENTER,  # referral date: default today
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
        ENTER,  # main reason: second listed (health)
        "78",
        ENTER,  # age
        ENTER,  # gender: first (female)
        "White British",
        ENTER,  # ethnicity: filtered
        ENTER,  # living: first (alone)
        "Riverside",
        ENTER,
        ENTER,
        ENTER,  # area, phone blank, email blank
        ENTER,  # consent: yes
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
    [episode] = rows(db_path, "SELECT * FROM episodes")
    assert episode["source"] == "nhs-gp"
    assert episode["referral_date"] == "2026-11-20"
    assert episode["age_at_referral"] == 78
    assert episode["primary_trigger"] == "health"
    triggers = rows(db_path, "SELECT trigger FROM episode_triggers ORDER BY trigger")
    assert [t["trigger"] for t in triggers] == ["bereaved", "health"]


def test_flags_are_not_asked_again(db_path, monkeypatch):
    keys = [
        ENTER,  # referral date: today
        SPACE,
        ENTER,  # triggers: only the first listed (young parent) -> becomes the primary
        ENTER,  # age: blank, skip
        ENTER,  # ethnicity: first (White British)
        ENTER,  # living: first
        ENTER,
        ENTER,  # phone, email blank
        DOWN,
        DOWN,
        ENTER,  # consent: skip
        DOWN,
        DOWN,
        ENTER,  # risks: skip
        ENTER,  # confirm
    ]
    result = interactive(
        monkeypatch,
        "new-referral",
        "--name",
        "Kay",
        "--source",
        "self",
        "--referrer",
        "Herself",
        "--reason",
        "New to the area",
        "--gender",
        "female",
        "--area",
        "Docks",
        "--status",
        "accepted",
        keys=keys,
    )
    assert result.exit_code == 0, result
    [episode] = rows(db_path, "SELECT primary_trigger, age_at_referral, status FROM episodes")
    assert episode == {
        "primary_trigger": "young-parent",
        "age_at_referral": None,
        "status": "accepted",
    }
    [person] = rows(db_path, "SELECT consent_to_share, no_known_risks, risks FROM people")
    assert person == {"consent_to_share": None, "no_known_risks": 0, "risks": None}


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
    keys = ["n"]  # confirm: no
    result = interactive(
        monkeypatch,
        "new-referral",
        "--name",
        "Kay",
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
    keys = [ENTER, "45", ENTER, DOWN, ENTER]  # face-to-face, 45 minutes, community venue
    result = interactive(monkeypatch, "visit", "log", "Margaret", keys=keys)
    assert result.exit_code == 0, result
    [contact] = rows(db_path, "SELECT kind, minutes, location FROM contacts")
    assert contact == {"kind": "face-to-face", "minutes": 45, "location": "community-venue"}
