"""What is due when: due_measures at the edges of every window.

Support starts on Monday 2026-01-12 (the first face-to-face visit), so with the default
settings (review week 6 ± 1, support 12 weeks, follow-up week 12 ± 2 after closure):
- week 1 is 2026-01-12 .. 2026-01-18; week 5 starts 2026-02-09 (start + 28 days) and week 7
  ends 2026-03-01 (start + 48 days);
- the last planned week (week 12) starts 2026-03-30 (start + 77 days).
Episodes that close do so on Monday 2026-04-06, so 10 weeks after closure is 2026-06-15,
14 weeks 2026-07-13, and 15 weeks 2026-07-20.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import ok, refused

from connector_cli.measures import due_measures, suggested_stage
from connector_cli.store import connect

START = date(2026, 1, 12)
CLOSED = date(2026, 4, 6)
DEFAULT = ("ucla3", "swemwbs", "ons4")


@pytest.fixture
def joan(db_path, monkeypatch):
    monkeypatch.setenv("CONNECTOR_TODAY", "2026-11-20")
    ok("new-referral", "--name", "Joan Price", "--referral-date", "2026-01-05", "--no-triggers")
    ok("referral", "accept", "Joan", "--date", "2026-01-06")
    return "Joan"


def visit(person: str, day: date) -> None:
    ok("visit", "log", person, "--kind", "face-to-face", "--minutes", "45",
       "--location", "home", "--date", day.isoformat())  # fmt: skip


def due(db_path, today: date) -> dict[tuple[str, str], dict]:
    conn = connect(db_path)
    try:
        episode = conn.execute("SELECT * FROM episodes ORDER BY id DESC LIMIT 1").fetchone()
        items = due_measures(conn, episode, today)
    finally:
        conn.close()
    assert all(set(i) == {"instrument", "stage", "status", "due_from", "due_by"} for i in items)
    return {(i["instrument"], i["stage"]): i for i in items}


def statuses(db_path, today: date, stage: str) -> set[str]:
    """The statuses of the default instruments at one stage (absent when not listed)."""
    found = due(db_path, today)
    return {found[(i, stage)]["status"] if (i, stage) in found else "absent" for i in DEFAULT}


def record_all(person: str, stage: str, day: date) -> None:
    flags = ("--person", person, "--stage", stage, "--date", day.isoformat())
    ok("ucla", "score", "2", "2", "2", *flags)
    ok("swemwbs", "score", *["3"] * 7, *flags)
    ok("ons4", "score", "5", "5", "5", "5", *flags)


# --- Who has anything due ---------------------------------------------------------------------


def test_pending_declined_and_failed_have_nothing_due(db_path):
    ok("new-referral", "--name", "Amy Pond", "--referral-date", "2026-01-05", "--no-triggers")
    assert due(db_path, date(2026, 1, 20)) == {}
    ok("referral", "decline", "Amy", "--reason", "Did not want it", "--date", "2026-01-06")
    assert due(db_path, date(2026, 1, 20)) == {}


# --- Baseline: once accepted, before or at the first support contact ------------------------


def test_baseline_due_once_accepted_with_no_contact_yet(db_path, joan):
    found = due(db_path, date(2026, 1, 8))
    assert found[("ucla3", "baseline")] == {
        "instrument": "ucla3",
        "stage": "baseline",
        "status": "due",
        "due_from": "2026-01-06",
        "due_by": None,
    }
    assert statuses(db_path, date(2026, 1, 8), "baseline") == {"due"}


def test_baseline_overdue_after_the_first_support_contact(db_path, joan):
    visit(joan, START)
    assert statuses(db_path, START, "baseline") == {"due"}  # at the first contact
    assert due(db_path, START)[("ons4", "baseline")]["due_by"] == "2026-01-12"
    assert statuses(db_path, START + timedelta(days=1), "baseline") == {"overdue"}


def test_contacts_that_are_not_support_do_not_start_the_clock(db_path, joan):
    ok("visit", "log", joan, "--kind", "attempt", "--date", "2026-01-08")
    ok("visit", "log", joan, "--kind", "about", "--date", "2026-01-09")
    assert statuses(db_path, date(2026, 1, 20), "baseline") == {"due"}


def test_baseline_recorded_or_skipped_is_no_longer_due(db_path, joan):
    visit(joan, START)
    ok(
        "ucla",
        "score",
        "1",
        "2",
        "3",
        "--person",
        joan,
        "--stage",
        "baseline",
        "--date",
        "2026-01-12",
    )
    ok("measure", "skip", joan, "swemwbs", "--stage", "baseline", "--reason", "declined",
       "--date", "2026-01-12")  # fmt: skip
    found = due(db_path, date(2026, 1, 20))
    assert ("ucla3", "baseline") not in found and ("swemwbs", "baseline") not in found
    assert found[("ons4", "baseline")]["status"] == "overdue"


# --- Review: weeks 5 to 7 of support --------------------------------------------------------


@pytest.mark.parametrize(
    "days, status",
    [
        (27, "upcoming"),  # last day of week 4
        (28, "due"),  # first day of week 5
        (35, "due"),  # first day of week 6
        (41, "due"),  # last day of week 6
        (42, "due"),  # first day of week 7
        (48, "due"),  # last day of week 7
        (49, "overdue"),  # first day of week 8
    ],
)
def test_review_window_edges(db_path, joan, days, status):
    visit(joan, START)
    today = START + timedelta(days=days)
    assert statuses(db_path, today, "review") == {status}
    item = due(db_path, today)[("swemwbs", "review")]
    assert (item["due_from"], item["due_by"]) == ("2026-02-09", "2026-03-01")


def test_review_window_without_a_contact_counts_from_acceptance(db_path, joan):
    # Accepted 2026-01-06: week 5 starts 2026-02-03.
    assert due(db_path, date(2026, 2, 2))[("ucla3", "review")]["status"] == "upcoming"
    assert due(db_path, date(2026, 2, 3))[("ucla3", "review")]["status"] == "due"


def test_review_week_is_a_setting(db_path, joan):
    visit(joan, START)
    conn = connect(db_path)
    conn.execute("INSERT INTO settings (key, value) VALUES ('review_week', '8')")
    conn.close()
    item = due(db_path, START + timedelta(days=48))[("ucla3", "review")]
    # Week 8 ± 1: weeks 7 to 9 = start + 42 .. start + 62 days.
    assert (item["status"], item["due_from"], item["due_by"]) == ("due", "2026-02-23", "2026-03-15")


def test_review_recorded_is_no_longer_due(db_path, joan):
    visit(joan, START)
    record_all(joan, "review", START + timedelta(days=36))
    assert statuses(db_path, START + timedelta(days=60), "review") == {"absent"}


# --- End: at closure --------------------------------------------------------------------------


def test_end_upcoming_then_due_in_the_last_planned_week(db_path, joan):
    visit(joan, START)
    assert statuses(db_path, START + timedelta(days=76), "end") == {"upcoming"}
    found = due(db_path, START + timedelta(days=77))
    assert found[("ucla3", "end")] == {
        "instrument": "ucla3",
        "stage": "end",
        "status": "due",
        "due_from": "2026-03-30",
        "due_by": None,  # at closure, whenever that is
    }
    assert statuses(db_path, START + timedelta(days=77), "follow-up") == {"absent"}


@pytest.mark.parametrize(
    "days_after, status",
    [(0, "due"), (1, "overdue"), (28, "overdue"), (29, "absent")],
)
def test_end_after_closure(db_path, joan, days_after, status):
    visit(joan, START)
    ok("close", joan, "--reason", "planned", "--date", CLOSED.isoformat())
    assert statuses(db_path, CLOSED + timedelta(days=days_after), "end") == {status}
    if status != "absent":
        item = due(db_path, CLOSED + timedelta(days=days_after))[("ons4", "end")]
        assert (item["due_from"], item["due_by"]) == ("2026-03-30", "2026-04-06")


def test_closed_episode_no_longer_asks_for_baseline_or_review(db_path, joan):
    visit(joan, START)
    ok("close", joan, "--reason", "planned", "--date", CLOSED.isoformat())
    stages = {stage for _, stage in due(db_path, CLOSED)}
    assert stages == {"end", "follow-up"}


# --- Follow-up: 10 to 14 weeks after closure ------------------------------------------------


@pytest.mark.parametrize(
    "days_after, status",
    [
        (63, "upcoming"),  # 9 weeks
        (69, "upcoming"),  # 9 weeks 6 days
        (70, "due"),  # 10 weeks
        (84, "due"),  # 12 weeks
        (98, "due"),  # 14 weeks
        (104, "due"),  # 14 weeks 6 days: still "14 weeks after"
        (105, "overdue"),  # 15 weeks
        (182, "overdue"),  # 26 weeks: the last day a follow-up can be recorded
        (183, "absent"),
    ],
)
def test_follow_up_window_edges(db_path, joan, days_after, status):
    visit(joan, START)
    ok("close", joan, "--reason", "planned", "--date", CLOSED.isoformat())
    record_all(joan, "end", CLOSED)
    today = CLOSED + timedelta(days=days_after)
    assert statuses(db_path, today, "follow-up") == {status}
    if status != "absent":
        item = due(db_path, today)[("ucla3", "follow-up")]
        assert (item["due_from"], item["due_by"]) == ("2026-06-15", "2026-07-19")


def test_follow_up_recording_follows_the_window(db_path, joan):
    visit(joan, START)
    ok("close", joan, "--reason", "planned", "--date", CLOSED.isoformat())
    flags = ("ucla", "score", "1", "1", "1", "--person", joan, "--stage", "follow-up")
    refused(*flags, "--date", "2026-06-14", contains="must be dated from 2026-06-15 to 2026-10-05")
    refused(*flags, "--date", "2026-10-06", contains="not 2026-10-06")
    ok(*flags, "--date", "2026-06-15")
    assert ("ucla3", "follow-up") not in due(db_path, date(2026, 7, 1))


def test_follow_up_skipped_counts_as_answered_for(db_path, joan):
    visit(joan, START)
    ok("close", joan, "--reason", "lost-contact", "--date", CLOSED.isoformat())
    ok("measure", "skip", joan, "all", "--stage", "end", "--reason", "could-not-contact",
       "--date", CLOSED.isoformat())  # fmt: skip
    ok("measure", "skip", joan, "all", "--stage", "follow-up", "--reason", "could-not-contact",
       "--date", "2026-06-20")  # fmt: skip
    assert due(db_path, date(2026, 6, 21)) == {}


def test_follow_up_window_is_a_setting(db_path, joan):
    visit(joan, START)
    ok("close", joan, "--reason", "planned", "--date", CLOSED.isoformat())
    conn = connect(db_path)
    conn.execute("INSERT INTO settings (key, value) VALUES ('followup_window_weeks', '1')")
    conn.close()
    item = due(db_path, CLOSED + timedelta(days=77))[("ucla3", "follow-up")]
    assert (item["status"], item["due_from"], item["due_by"]) == ("due", "2026-06-22", "2026-07-12")


def test_nothing_due_after_a_death(db_path, joan):
    visit(joan, START)
    ok("close", joan, "--reason", "died", "--date", CLOSED.isoformat())
    assert due(db_path, CLOSED) == {}
    assert due(db_path, CLOSED + timedelta(weeks=12)) == {}


# --- Which instruments ------------------------------------------------------------------------


def test_an_optional_instrument_used_at_baseline_is_due_again(db_path, joan):
    visit(joan, START)
    ok("survey", "take", "wemwbs", *["3"] * 14, "--person", joan, "--stage", "baseline",
       "--date", "2026-01-12")  # fmt: skip
    found = due(db_path, START + timedelta(days=30))
    assert found[("wemwbs", "review")]["status"] == "due"
    assert ("djg6", "review") not in found
    assert [key for key in found if key[1] == "review"] == [
        ("ucla3", "review"), ("swemwbs", "review"), ("ons4", "review"), ("wemwbs", "review"),
    ]  # fmt: skip


def test_suggested_stage(db_path, joan):
    visit(joan, START)
    conn = connect(db_path)
    try:
        episode = conn.execute("SELECT * FROM episodes").fetchone()
        assert suggested_stage(conn, episode, "ucla3", START) == "baseline"
        assert suggested_stage(conn, episode, "ucla3", START + timedelta(days=30)) == "baseline"
    finally:
        conn.close()
    record_all(joan, "baseline", START)
    conn = connect(db_path)
    try:
        episode = conn.execute("SELECT * FROM episodes").fetchone()
        assert suggested_stage(conn, episode, "ucla3", START + timedelta(days=10)) is None
        assert suggested_stage(conn, episode, "ucla3", START + timedelta(days=30)) == "review"
    finally:
        conn.close()


# --- `show` and `check` agree on what is overdue ----------------------------------------------

SHORT = {"UCLA loneliness": "UCLA", "SWEMWBS": "SWEMWBS", "ONS4 personal wellbeing": "ONS4"}
MEASURE_RULES = ("baseline-ucla-missing", "end-measures-missing", "follow-up-overdue")


def due_next(person: str) -> dict[tuple[str, str], str]:
    """{(stage, instrument): 'overdue' | the words shown} from `show`'s Due next lines, taken
    back to one line each (they are wrapped to the terminal)."""
    text = ok("show", person).stdout
    found = {}
    for line in " ".join(text.split()).split("Due next: ")[1:]:
        stage, rest = line.split(" ", 1)
        names, when = rest.split(" - ", 1)
        for name in names.split(", "):
            found[(stage, name)] = "overdue" if when.startswith("overdue") else when
    return found


def check_finds(person_id: int) -> set[tuple[str, str]]:
    """(stage, instrument) of every measure `check` reports missing for this person."""
    from conftest import run

    found = set()
    for problem in run("check", "--json").json()["problems"]:
        if problem["person_id"] == person_id and problem["rule"] in MEASURE_RULES:
            stage, rest = problem["problem"].split(" ", 1)
            name = rest.rsplit(" (", 1)[0].removesuffix(" missing").removesuffix(" overdue")
            found.add((stage.lower(), SHORT[name]))
    return found


def test_show_calls_overdue_only_what_check_reports(db_path, monkeypatch):
    monkeypatch.setenv("CONNECTOR_TODAY", "2026-11-20")

    def person(name: str, referred: str, seen: str) -> None:
        ok("new-referral", "--name", name, "--referral-date", referred, "--status", "accepted",
           "--no-triggers", "--no-input")  # fmt: skip
        visit(name, date.fromisoformat(seen))

    def score(name: str, stage: str, day: str, *which: str) -> None:
        flags = ("--person", name, "--stage", stage, "--date", day)
        answers = {"ucla": ["2"] * 3, "swemwbs": ["3"] * 7, "ons4": ["5"] * 4}
        for instrument in which:
            ok(instrument, "score", *answers[instrument], *flags)

    person("Ann Baseline", "2026-11-01", "2026-11-03")  # nothing asked after the first contact
    person("Bea End", "2026-09-01", "2026-09-03")  # closed 10 days ago; ONS4 never asked
    score("Bea End", "baseline", "2026-09-03", "ucla", "swemwbs")
    ok("close", "Bea", "--reason", "planned", "--date", "2026-11-10", "--no-input")
    person("Cy Follow", "2026-05-01", "2026-05-03")  # follow-up window ended 2026-10-13
    score("Cy Follow", "baseline", "2026-05-03", "ucla", "swemwbs", "ons4")
    ok("close", "Cy", "--reason", "planned", "--date", "2026-07-01", "--no-input")
    score("Cy Follow", "end", "2026-07-01", "ucla", "swemwbs", "ons4")

    expected = {
        "Ann": {("baseline", "UCLA")},
        "Bea": {("end", "UCLA"), ("end", "SWEMWBS")},
        "Cy": {("follow-up", "UCLA")},
    }
    for person_id, (name, overdue) in enumerate(expected.items(), start=1):
        shown = due_next(name)
        assert {key for key, when in shown.items() if when == "overdue"} == overdue, name
        assert check_finds(person_id) == overdue, name
    # The rest of the default set is still shown, as not yet asked, with why it is not a gap.
    assert due_next("Ann")[("baseline", "ONS4")] == (
        "not yet asked (first support contact 2026-11-03; only UCLA is required)"
    )
    assert due_next("Bea")[("end", "ONS4")] == (
        "not yet asked (closed on 2026-11-10; not required, as not asked at baseline; can be "
        "recorded until 2026-12-08)"
    )
    assert due_next("Cy")[("follow-up", "SWEMWBS")] == (
        "not yet asked (the window ended 2026-10-13; only UCLA is required)"
    )
