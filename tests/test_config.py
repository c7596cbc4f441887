"""`connector config`: the scheme's settings (support length, review week, thresholds)."""

from __future__ import annotations

import json

import pytest
from conftest import ok, refused, rows, run, snapshot

from connector_cli.settings import DEFAULTS


def test_lists_every_setting_with_its_default(db_path):
    listed = ok("config", "--json").json()["settings"]
    numbers = {key: default for key, (default, _) in DEFAULTS.items()}
    assert listed == {**numbers, "scheme-name": None, "scheme-code": None, "scheme-contact": None}
    assert listed["support_weeks"] == 12 and listed["review_week"] == 6
    assert listed["no_contact_warning_days"] == 14 and listed["pending_warning_days"] == 7
    assert listed["no_contact_check_days"] == 30 and listed["goals_by_week"] == 4
    assert listed["goals_reviewed_by_week"] == 7 and listed["signpost_outcome_weeks"] == 4
    text = ok("config").stdout
    assert "support_weeks" in text and "Length of agreed support, in weeks" in text


def test_set_then_reset(db_path):
    assert ok("config", "set", "support_weeks", "16").stdout == "support_weeks = 16.\n"
    assert rows(db_path, "SELECT key, value FROM settings") == [
        {"key": "support_weeks", "value": "16"}
    ]
    assert ok("config", "--json").json()["settings"]["support_weeks"] == 16
    assert "16 (default 12)" in ok("config").stdout
    assert ok("config", "reset", "support_weeks").stdout == "support_weeks = 12 (the default).\n"
    assert rows(db_path, "SELECT * FROM settings") == []
    actions = rows(db_path, "SELECT action, detail FROM audit_log ORDER BY id")
    assert [(a["action"], json.loads(a["detail"])) for a in actions] == [
        ("config-set", {"key": "support_weeks", "value": 16}),
        ("config-reset", {"key": "support_weeks"}),
    ]


def test_key_may_be_written_with_dashes_and_json_reply(db_path):
    made = ok("config", "set", "Review-Week", "5", "--json").json()
    assert made == {"key": "review_week", "value": 5, "default": 6}


def test_unknown_key_is_refused_and_nothing_written(db_path):
    ok("config")
    before = snapshot(db_path)
    result = refused("config", "set", "weeks", "3", contains="Unknown setting 'weeks'")
    assert "support_weeks" in result.stderr
    refused("config", "reset", "weeks", contains="Unknown setting 'weeks'")
    assert snapshot(db_path) == before


@pytest.mark.parametrize("value", ["0", "abc", "1.5", "1001", " "])
def test_value_must_be_a_whole_number_from_1(db_path, value):
    ok("config")
    before = snapshot(db_path)
    refused(
        "config",
        "set",
        "support_weeks",
        value,
        contains="give a whole number from 1 to 1000",
    )
    assert snapshot(db_path) == before


def test_missing_value_is_a_usage_error(db_path):
    result = run("config", "set", "support_weeks")
    assert result.exit_code == 2 and "VALUE" in result.stderr


def test_settings_that_contradict_each_other_are_refused(db_path):
    ok("config", "set", "support_weeks", "16")
    before = snapshot(db_path)
    refused("config", "set", "review_week", "1000", contains="review window")
    refused("config", "set", "support_weeks", "5", contains="review window")  # review is weeks 5-7
    refused("config", "set", "followup_window_weeks", "12", contains="follow-up window")
    assert snapshot(db_path) == before
    assert rows(db_path, "SELECT value FROM settings WHERE key = 'support_weeks'") == [
        {"value": "16"}
    ]


def test_the_schemes_name_and_contact_are_text(db_path):
    ok("config", "set", "scheme-name", "Riverside Connectors")
    ok("config", "set", "scheme_contact", "0113 496 0000 · hello@riverside.example")
    listed = ok("config", "--json").json()["settings"]
    assert listed["scheme-name"] == "Riverside Connectors"
    assert listed["scheme-contact"] == "0113 496 0000 · hello@riverside.example"
    assert listed["support_weeks"] == 12  # numbers unaffected by text in the same table
    assert "Riverside Connectors" in ok("config").stdout
    before = snapshot(db_path)
    refused("config", "set", "scheme-name", "  ", contains="cannot be blank")
    refused("config", "set", "scheme-name", "A\x1b[31mB", contains="control characters")
    refused("config", "set", "scheme-name", "x" * 301, contains="too long")
    assert snapshot(db_path) == before
    ok("config", "reset", "scheme-name")
    assert ok("config", "--json").json()["settings"]["scheme-name"] is None
    assert rows(db_path, "SELECT key FROM settings ORDER BY key") == [{"key": "scheme-contact"}]
