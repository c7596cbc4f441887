"""A contact's own rules (connector_cli/contacts.py), word for word: `visit log` and `visit edit`
refuse the same way and write nothing; any contact the record accepts keeps every rule."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import ok, refused, rows, snapshot
from hypothesis import given, settings
from hypothesis import strategies as st

from connector_cli.contacts import MAX_CONTACT_MINUTES, ContactIn
from connector_cli.errors import UserError


@pytest.fixture
def ann(db_path):
    ok("new-referral", "--name", "Ann Lee", "--referral-date", "2026-09-01", "--status", "accepted")
    ok("visit", "log", "Ann", "--kind", "telephone", "--minutes", "20", "--date", "2026-10-02")
    return "Ann"


REFUSALS = [
    (["--kind", "telephone"], "A telephone contact needs its length: give --minutes N."),
    (["--kind", "video", "--minutes", "0"], "Minutes must be a whole number from 1 to 720, not 0."),
    (
        ["--kind", "face-to-face", "--minutes", "721"],
        "Minutes must be a whole number from 1 to 720, not 721.",
    ),
    (
        ["--kind", "message", "--location", "home"],
        "--location is only for face-to-face contacts.",
    ),
    (
        ["--kind", "attempt", "--volunteer", "Sam"],
        "--volunteer names who delivered it: add --by volunteer.",
    ),
    (
        ["--kind", "pigeon"],
        "Unknown contact kind 'pigeon'. Valid: face-to-face, telephone, video, message, about, "
        "attempt.",
    ),
    (["--kind", "about", "--by", "staff"], "Unknown --by 'staff'. Valid: connector, volunteer."),
    (["--kind", "about", "--date", "2026-11-21"], "The date 2026-11-21 is in the future."),
    # several wrong: the first value read in order (kind before --by), then the rules in order
    (["--kind", "pigeon", "--by", "staff"], "Unknown contact kind 'pigeon'."),
    (
        ["--kind", "telephone", "--minutes", "0", "--location", "home"],
        "Minutes must be a whole number from 1 to 720, not 0.",
    ),
]


@pytest.mark.parametrize("args,sentence", REFUSALS, ids=[s for _, s in REFUSALS])
def test_visit_log_refuses_in_one_sentence_and_writes_nothing(db_path, ann, args, sentence):
    before = snapshot(db_path)
    result = refused("visit", "log", ann, *args, "--no-input", contains=sentence)
    assert result.stderr.count("\n") == 1
    assert snapshot(db_path) == before


def test_visit_edit_refuses_with_the_same_sentences(db_path, ann):
    before = snapshot(db_path)
    refused("visit", "edit", "1", "--location", "home",
            contains="--location is only for face-to-face contacts.")  # fmt: skip
    refused("visit", "edit", "1", "--minutes", "721",
            contains="Minutes must be a whole number from 1 to 720, not 721.")  # fmt: skip
    refused("visit", "edit", "1", "--kind", "video", "--minutes", "0",
            contains="Minutes must be a whole number from 1 to 720, not 0.")  # fmt: skip
    refused("visit", "edit", "1", "--volunteer", "Sam",
            contains="--volunteer names who delivered it: add --by volunteer.")  # fmt: skip
    assert snapshot(db_path) == before


def test_visit_log_stores_the_values_as_read(db_path, ann):
    ok("volunteer", "add", "Sam Patel")
    ok("visit", "log", ann, "--kind", " Face-To-Face ", "--minutes", "45", "--location", "CAFE",
       "--by", "Volunteer", "--volunteer", "sam patel", "--journey", "--note", "  Tea  ",
       "--date", "2026-10-09", "--no-input")  # fmt: skip
    assert rows(
        db_path,
        "SELECT date, kind, minutes, delivered_by, volunteer, location, journey, note, "
        "after_closure FROM contacts WHERE id = 2",
    ) == [
        {
            "date": "2026-10-09",
            "kind": "face-to-face",
            "minutes": 45,
            "delivered_by": "volunteer",
            "volunteer": "Sam Patel",  # the register's spelling
            "location": "cafe",
            "journey": 1,
            "note": "Tea",
            "after_closure": 0,
        }
    ]


KINDS = ["face-to-face", "telephone", "video", "message", "about", "attempt", "Video", "x"]


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(KINDS),
    minutes=st.none() | st.integers(-5, MAX_CONTACT_MINUTES + 5),
    by=st.sampled_from(["connector", "volunteer", "Volunteer", "staff"]),
    volunteer=st.none() | st.sampled_from(["", "  ", "Sam", "Sam\x1b"]),
    location=st.none() | st.sampled_from(["home", "Cafe", "moon", ""]),
    journey=st.sampled_from([False, True, 0, 1]),
    note=st.none() | st.text(max_size=6),
)
def test_a_contact_the_record_accepts_keeps_every_rule(
    kind, minutes, by, volunteer, location, journey, note
):
    values = dict(kind=kind, minutes=minutes, delivered_by=by, volunteer=volunteer)
    values.update(location=location, journey=journey, note=note)
    try:
        contact = ContactIn(date=date(2026, 10, 1), **values)
    except UserError as refusal:
        assert str(refusal).endswith(".") and "\n" not in str(refusal)
        return
    assert contact.kind in {"face-to-face", "telephone", "video", "message", "about", "attempt"}
    assert contact.minutes is None or 1 <= contact.minutes <= MAX_CONTACT_MINUTES
    assert contact.minutes is not None or contact.kind in {"message", "about", "attempt"}
    assert contact.location is None or contact.kind == "face-to-face"
    assert contact.volunteer is None or contact.delivered_by == "volunteer"
    assert type(contact.journey) is bool and contact.journey == bool(journey)
    assert ContactIn(**contact.values()) == contact  # read again, nothing changes
