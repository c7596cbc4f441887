"""What a home visit needs (issue 16): address, postcode, GP, next of kin, how to contact them
and access needs. Recorded by new-referral and person edit, shown by show, never exported in
aggregate (tests/test_export.py scans every file for them)."""

from __future__ import annotations

import pytest
from conftest import ok, refused, rows, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HOME = [
    "--address", "12 Mill Lane, Riverside",
    "--postcode", "ls6 3ab",
    "--gp-practice", "Riverside Surgery",
    "--next-of-kin", "Jane Hughes",
    "--next-of-kin-relationship", "daughter",
    "--next-of-kin-phone", "07700 900456",
    "--contact-method", "Phone",
    "--access-needs", "Hard of hearing: knock loudly [twice]",
]  # fmt: skip
COLUMNS = (
    "address, postcode, gp_practice, kin_name, kin_relationship, kin_phone, contact_method, "
    "access_needs"
)


def person(db_path) -> dict:
    [found] = rows(db_path, f"SELECT {COLUMNS} FROM people")
    return found


def test_new_referral_records_every_home_detail(db_path):
    ok("new-referral", "--name", "Margaret Hughes", *HOME, "--no-input")
    assert person(db_path) == {
        "address": "12 Mill Lane, Riverside",
        "postcode": "LS6 3AB",  # written the usual way
        "gp_practice": "Riverside Surgery",
        "kin_name": "Jane Hughes",
        "kin_relationship": "daughter",
        "kin_phone": "07700 900456",
        "contact_method": "phone",
        "access_needs": "Hard of hearing: knock loudly [twice]",
    }


def test_show_lists_them_under_the_person_and_in_json(db_path):
    ok("new-referral", "--name", "Margaret Hughes", *HOME, "--no-input")
    shown = ok("show", "Margaret").stdout
    flat = " ".join(shown.split())
    assert "Home: 12 Mill Lane, Riverside, LS6 3AB" in flat
    assert "GP: Riverside Surgery" in flat
    assert "Next of kin: Jane Hughes (daughter) 07700 900456" in flat
    assert "Prefers: phone call" in flat
    assert "Access needs: Hard of hearing: knock loudly [twice]" in flat  # not eaten as markup
    as_json = ok("show", "Margaret", "--json").json()["person"]
    assert as_json["postcode"] == "LS6 3AB" and as_json["kin_relationship"] == "daughter"


def test_show_without_home_details_prints_no_empty_line(db_path):
    ok("new-referral", "--name", "Bob Smith", "--no-input")
    assert "Home:" not in ok("show", "Bob").stdout and "GP:" not in ok("show", "Bob").stdout


def test_person_edit_adds_changes_and_clears_them(db_path):
    ok("new-referral", "--name", "Margaret Hughes", "--no-input")
    result = ok("person", "edit", "Margaret", "--postcode", "M15 5QQ", "--contact-method", "text")
    assert "contact method, postcode" in result.stdout
    assert (person(db_path)["postcode"], person(db_path)["contact_method"]) == ("M15 5QQ", "text")
    ok("person", "edit", "Margaret", "--next-of-kin", "Tom", "--next-of-kin-phone", "0161 496 0101")
    assert (person(db_path)["kin_name"], person(db_path)["kin_phone"]) == ("Tom", "0161 496 0101")
    ok("person", "edit", "Margaret", "--postcode", "", "--access-needs", "Uses a wheelchair")
    assert person(db_path)["postcode"] is None  # "" clears a text field
    assert person(db_path)["access_needs"] == "Uses a wheelchair"


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--postcode", "LS6", "not a UK postcode"),
        ("--postcode", "12345", "not a UK postcode"),
        ("--contact-method", "pigeon", "Unknown contact method 'pigeon'"),
        ("--next-of-kin", "Jane\nHughes", "on one line"),
        ("--access-needs", "ring \x1b[31m twice", "control characters"),
    ],
)
def test_bad_home_details_are_refused_and_nothing_written(db_path, flag, value, message):
    ok("new-referral", "--name", "Margaret Hughes", "--no-input")
    before = snapshot(db_path)
    refused("new-referral", "--name", "Other Person", flag, value, "--no-input", contains=message)
    refused("person", "edit", "Margaret", flag, value, contains=message)
    assert snapshot(db_path) == before


def test_a_near_miss_contact_method_is_named(db_path):
    refused("new-referral", "--name", "X Y", "--contact-method", "emial", contains="'email'")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(min_size=1, max_size=40))
def test_any_postcode_text_is_stored_normalised_or_refused_cleanly(db_path, text):
    from conftest import run

    result = run("new-referral", "--name", "Hyp Othesis", "--postcode", text, "--no-input")
    assert "Traceback" not in result.stderr + result.stdout
    if result.exit_code == 0:
        stored = rows(db_path, "SELECT postcode FROM people ORDER BY id DESC LIMIT 1")[0]
        assert stored["postcode"] is None or stored["postcode"].replace(" ", "").isalnum()
    else:
        assert result.exit_code == 1 and result.stderr.count("\n") == 1
