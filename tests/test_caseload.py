"""`connector caseload`: a hand-built caseload covering every warning and every due state.

Today is pinned to Friday 2026-11-20 (conftest). Week 1 of support is the 7 days from the first
support contact; the review window is weeks 5-7; the follow-up window is 10 to 14 whole weeks
after closure (defaults). Every expected date below is worked out by hand in its comment.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import ok, snapshot

TODAY = date(2026, 11, 20)


def refer(name: str, on: str, status: str | None = None) -> int:
    """A referral with every detail given (so only what a test adds is missing)."""
    args = ["new-referral", "--name", name, "--referral-date", on, "--source", "self"]
    args += ["--age", "70", "--gender", "female", "--ethnicity", "A", "--living", "alone"]
    args += ["--no-triggers", "--json"]
    person = ok(*args).json()["person_id"]
    if status == "accepted":
        ok("referral", "accept", str(person), "--date", on)
    return person


def visit(person: int, on: str) -> None:
    ok("visit", "log", str(person), "--kind", "telephone", "--minutes", "20", "--date", on)


def skip_all(person: int, stage: str, on: str) -> None:
    reason = "could-not-contact" if stage == "follow-up" else "declined"
    ok("measure", "skip", str(person), "all", "--stage", stage, "--reason", reason, "--date", on)


def started(name: str, accepted: str, contacts: list[str], done: tuple[str, ...] = ()) -> int:
    """Accepted on `accepted`, support contacts on `contacts`, measures stages in `done`
    recorded (as not collected) on the first contact's date."""
    person = refer(name, accepted, "accepted")
    for day in contacts:
        visit(person, day)
    for stage in done:
        skip_all(person, stage, contacts[0] if stage == "baseline" else max(contacts))
    return person


def closed(name: str, accepted: str, closure: str, reason: str = "planned") -> int:
    person = started(name, accepted, [accepted], ("baseline",))
    ok("close", str(person), "--reason", reason, "--date", closure)
    return person


@pytest.fixture
def caseload(db_path):
    """Fourteen open episodes and six closed ones, one per state."""
    people = {
        # pending 10 days (> 7): warning; decision due by 11-17, 3 days late
        "Pat Pending": refer("Pat Pending", "2026-11-10"),
        # pending 2 days: decision due by 11-25
        "Fay Fresh": refer("Fay Fresh", "2026-11-18"),
        # accepted 11-01, no contact for 19 days: warning; first contact due by 11-15, 5 late
        "Quinn Quiet": refer("Quinn Quiet", "2026-11-01", "accepted"),
        # accepted 11-15, 5 days: first contact due by 11-29
        "Nina New": refer("Nina New", "2026-11-15", "accepted"),
        # first contact 11-12, no baseline: baseline due by 11-12, 8 days late
        "Bea Baseline": started("Bea Baseline", "2026-11-10", ["2026-11-12"]),
        # first contact today: baseline due (not late)
        "Tom Today": started("Tom Today", "2026-11-20", ["2026-11-20"]),
        # start 11-06 (week 3), baseline done: review window 12-04 .. 12-24, in 14 days
        "Una Upcoming": started(
            "Una Upcoming", "2026-11-06", ["2026-11-06", "2026-11-13"], ("baseline",)
        ),
        # start 10-09 (week 7): review window 11-06 .. 11-26, due now
        "Rae Review": started(
            "Rae Review", "2026-10-09", ["2026-10-09", "2026-11-18"], ("baseline",)
        ),
        # start 09-25 (week 9): review window 10-23 .. 11-12, 8 days late
        "Otto Overdue": started(
            "Otto Overdue", "2026-09-25", ["2026-09-25", "2026-11-19"], ("baseline",)
        ),
        # start 09-25, review done: last week of support 12-11 .. 12-17, close in 21 days
        "Carl Close": started(
            "Carl Close", "2026-09-25", ["2026-09-25", "2026-11-17"], ("baseline", "review")
        ),
        # start 11-23 minus 12 weeks = 08-28 (week 13 today: 84 days): beyond 12 weeks;
        # last week 11-13 .. 11-19, closure 1 day late
        "Wes Weeks": started(
            "Wes Weeks", "2026-08-28", ["2026-08-28", "2026-11-16"], ("baseline", "review")
        ),
        # start 10-20, last contact 10-20 (31 days): warning; review window 11-17 .. 12-07
        "Lou Long": started("Lou Long", "2026-10-20", ["2026-10-20"], ("baseline",)),
        # closed 09-01: follow-up window 11-10 .. 12-14, due now
        "Dot Due": closed("Dot Due", "2026-07-01", "2026-09-01"),
        # closed 07-01: follow-up window 09-09 .. 10-13, 38 days late
        "Len Late": closed("Len Late", "2026-05-01", "2026-07-01"),
        # closed 07-01 but follow-up recorded: not listed
        "Dan Done": closed("Dan Done", "2026-05-01", "2026-07-01"),
        # closed 10-01: window opens 12-10, not listed yet
        "Sue Soon": closed("Sue Soon", "2026-08-01", "2026-10-01"),
        # closed because the person died: never asked
        "Ray Rip": closed("Ray Rip", "2026-05-01", "2026-07-01", "died"),
        # closed 03-01: more than 26 weeks ago, no longer a follow-up
        "Old Olive": closed("Old Olive", "2026-01-05", "2026-03-01"),
    }
    skip_all(people["Dan Done"], "follow-up", "2026-09-20")
    for kind in ("attempt", "about"):  # not support contacts: Nina is still waiting for one
        ok("visit", "log", str(people["Nina New"]), "--kind", kind, "--date", "2026-11-16")
    return people


def by_name(data: dict) -> dict:
    return {item["name"]: item for item in data["open"]}


def test_every_open_episode_with_its_warnings(caseload):
    data = ok("caseload", "--json").json()
    warnings = {name: [w["code"] for w in item["warnings"]] for name, item in by_name(data).items()}
    assert warnings == {
        "Pat Pending": ["pending"],
        "Fay Fresh": [],
        "Quinn Quiet": ["no-contact"],
        "Nina New": [],
        "Bea Baseline": [],
        "Tom Today": [],
        "Una Upcoming": [],
        "Rae Review": [],
        "Otto Overdue": [],
        "Carl Close": [],
        "Wes Weeks": ["over-weeks"],
        "Lou Long": ["no-contact"],
    }
    texts = {name: [w["text"] for w in item["warnings"]] for name, item in by_name(data).items()}
    assert texts["Pat Pending"] == ["pending 10 days"]
    assert texts["Quinn Quiet"] == ["no contact yet, 19 days"]
    assert texts["Lou Long"] == ["no contact 31 days"]
    assert texts["Wes Weeks"] == ["beyond 12 weeks"]


def test_every_due_state(caseload):
    items = by_name(ok("caseload", "--json").json())
    due = {
        name: (i["next_due"]["what"], i["next_due"]["status"], i["next_due"]["due_by"])
        for name, i in items.items()
    }
    assert due == {
        "Pat Pending": ("decision", "overdue", "2026-11-17"),
        "Fay Fresh": ("decision", "due", "2026-11-25"),
        "Quinn Quiet": ("first-contact", "overdue", "2026-11-15"),
        "Nina New": ("first-contact", "due", "2026-11-29"),
        "Bea Baseline": ("baseline", "overdue", "2026-11-12"),
        "Tom Today": ("baseline", "due", "2026-11-20"),
        "Una Upcoming": ("review", "upcoming", "2026-12-24"),
        "Rae Review": ("review", "due", "2026-11-26"),
        "Otto Overdue": ("review", "overdue", "2026-11-12"),
        "Carl Close": ("closure", "upcoming", "2026-12-17"),
        "Wes Weeks": ("closure", "overdue", "2026-11-19"),
        "Lou Long": ("review", "due", "2026-12-07"),
    }
    assert items["Una Upcoming"]["next_due"]["due_from"] == "2026-12-04"
    assert items["Bea Baseline"]["next_due"]["instruments"] == ["ucla3", "swemwbs", "ons4"]
    weeks = {name: i["week"] for name, i in items.items()}
    assert weeks["Wes Weeks"] == 13 and weeks["Otto Overdue"] == 9 and weeks["Pat Pending"] is None
    assert items["Carl Close"]["goals_set"] == 0 and items["Lou Long"]["days_since_contact"] == 31


def test_most_urgent_first(caseload):
    order = [item["name"] for item in ok("caseload", "--json").json()["open"]]
    assert order == [
        # one warning each; overdue next step first, longest overdue first
        "Quinn Quiet",  # first contact 5 days late
        "Pat Pending",  # decision 3 days late
        "Wes Weeks",  # closure 1 day late
        "Lou Long",  # nothing overdue, 31 days without contact
        # no warning: overdue, longest overdue first, then longest waiting
        "Bea Baseline",  # 8 days late, 8 days since contact
        "Otto Overdue",  # 8 days late, 1 day since contact
        # due now (not late): longest without contact first
        "Nina New",  # 5 days since acceptance
        "Fay Fresh",  # 2 days since referral (person 2)
        "Rae Review",  # 2 days (person 8)
        "Tom Today",  # 0 days
        # still to come: the soonest first, however long since the last contact
        "Una Upcoming",  # review from 12-04: in 14 days (7 days since contact)
        "Carl Close",  # last week of support from 12-11: in 21 days
    ]


def test_follow_ups_due_or_overdue_after_closure(caseload):
    follow_ups = ok("caseload", "--json").json()["follow_ups"]
    assert [
        (f["name"], f["closure_date"], f["due"]["status"], f["due"]["due_from"], f["due"]["due_by"])
        for f in follow_ups
    ] == [
        ("Len Late", "2026-07-01", "overdue", "2026-09-09", "2026-10-13"),
        ("Dot Due", "2026-09-01", "due", "2026-11-10", "2026-12-14"),
    ]


def test_screen_at_80_columns(caseload, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    lines = ok("caseload").stdout.splitlines()
    assert lines[0] == "Caseload on 2026-11-20: 12 open (2 pending), most urgent first."
    assert lines[1].split() == [
        "#", "Person", "Week", "Last", "Goals", "Plan", "Next", "due", "Warnings"
    ]  # fmt: skip
    # no contact for two weeks and nothing arranged: the plan column says so
    assert lines[2].split() == ["3", "Quinn", "Quiet", "3/12", "none", "-", "none", "1st",
                                "contact", "5d", "late", "no", "contact"]  # fmt: skip
    assert lines[3].split() == ["19d"]  # a warning wraps under its column
    assert "Wes Weeks" in lines[5] and "13/12" in lines[5] and "over 12 wks" in lines[5]
    # without warnings: late, then now, then in N days (soonest first)
    nexts = [line.split("  -  -  ")[1].strip() for line in lines[8:16]]
    assert nexts == ["baseline 8d late", "review 8d late", "1st contact now", "decide now",
                     "review now", "baseline now", "review in 14d", "close in 21d"]  # fmt: skip
    assert all(len(line) <= 80 for line in lines)
    follow = lines.index("Follow-up due after closure: 2")
    assert "Len Late" in lines[follow + 2] and "38d late" in lines[follow + 2]
    assert "Dot Due" in lines[follow + 3] and "due now" in lines[follow + 3]


def test_long_names_stay_readable_at_80_columns(db_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    refer("Bartholomew Featherstonehaugh-Cholmondeley", "2026-11-10")
    line, wrapped = ok("caseload").stdout.splitlines()[2:4]
    assert line.startswith("1  Bartholomew Feather") and "…" in line
    assert line.endswith("pending") and wrapped.strip() == "10d"
    assert len(line) <= 80 and len(wrapped) <= 80


def test_wide_terminal_shows_more(caseload, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")
    lines = ok("caseload").stdout.splitlines()
    assert "Referred" in lines[1] and "Last contact" in lines[1]
    quinn = lines[2]
    assert "2026-11-01" in quinn and "first contact 5d late (by 2026-11-15)" in quinn
    assert "no contact yet, 19 days" in quinn


def test_settings_change_the_view(caseload):
    ok("config", "set", "support_weeks", "16")
    ok("config", "set", "pending_warning_days", "14")
    items = by_name(ok("caseload", "--json").json())
    assert items["Wes Weeks"]["warnings"] == []
    assert items["Wes Weeks"]["next_due"]["due_by"] == "2026-12-17"  # 08-28 + 15 weeks + 6 days
    assert items["Pat Pending"]["warnings"] == []
    assert items["Pat Pending"]["next_due"]["due_by"] == "2026-11-24"


def test_warnings_count_in_the_singular(db_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")
    ok("config", "set", "no_contact_warning_days", "1")
    # The shortest support a review window fits in is 3 weeks (review week 2 +/- 1).
    ok("config", "set", "review_week", "2")
    ok("config", "set", "support_weeks", "3")
    person = started("Sam Single", "2026-10-29", ["2026-10-29", "2026-11-19"], ("baseline",))
    [item] = ok("caseload", "--json").json()["open"]
    assert item["person_id"] == person
    assert [w["text"] for w in item["warnings"]] == ["no contact 1 day", "beyond 3 weeks"]
    monkeypatch.setenv("COLUMNS", "80")
    lines = ok("caseload").stdout.splitlines()  # the narrow layout: warnings one to a line
    assert lines[2].endswith("no contact 1d") and lines[3].strip() == "over 3 wks"


def test_empty_caseload_and_nothing_written(db_path):
    ok("people")  # creates the database
    before = snapshot(db_path)
    assert ok("caseload").stdout.startswith("No open episodes.")
    assert ok("caseload", "--json").json()["open"] == []
    assert snapshot(db_path) == before


def test_due_dates_agree_with_the_measures_rules(caseload, db_path):
    """The set-based windows used for the whole caseload give exactly what
    measures_due.due_measures gives episode by episode, with default and changed settings."""
    from connector_cli import caseload as domain
    from connector_cli import measures_due
    from connector_cli.settings import all_settings
    from connector_cli.store import connect

    for changes in ({}, {"review_week": "4", "followup_week": "8", "support_weeks": "10"}):
        for key, value in changes.items():
            ok("config", "set", key, value)
        conn = connect(db_path)
        _compare_every_episode(conn, all_settings(conn), domain.due_by_stage, measures_due)
        conn.close()


def _compare_every_episode(conn, settings, due_by_stage, measures_due) -> None:
    for episode in conn.execute("SELECT * FROM episodes").fetchall():
        first = conn.execute(
            "SELECT min(date) FROM contacts WHERE episode_id = ? AND after_closure = 0 "
            "AND kind IN ('face-to-face', 'telephone', 'video', 'message')",
            [episode["id"]],
        ).fetchone()[0]
        taken = {
            (r["instrument"], r["stage"])
            for r in conn.execute("SELECT * FROM measures WHERE episode_id = ?", [episode["id"]])
        }
        for day in (TODAY, date(2026, 12, 20), date(2027, 3, 1)):
            ours = due_by_stage(settings, dict(episode), first, taken, day)
            flat = {
                (i, stage, d.status, d.due_from, d.due_by)
                for stage, d in ours.items()
                for i in d.instruments
            }
            theirs = {
                (d["instrument"], d["stage"], d["status"], d["due_from"], d["due_by"])
                for d in measures_due.due_measures(conn, episode, day)
            }
            assert flat == theirs, (episode["id"], day)


def test_an_optional_instrument_keeps_its_follow_up_due(db_path):
    """The follow-ups read only follow-up measures, plus any optional instrument's: one used at
    baseline is still expected at follow-up after the three default ones are in."""
    person = closed("Wendy Wemwbs", "2026-06-01", "2026-09-01")
    margaret = str(person)
    ok(
        "survey",
        "take",
        "wemwbs",
        *["4"] * 14,
        "--person",
        margaret,
        "--stage",
        "baseline",
        "--date",
        "2026-06-01",
    )
    both = closed("Fay Finished", "2026-06-01", "2026-09-01")
    for who in (margaret, str(both)):
        for instrument in ("ucla3", "swemwbs", "ons4"):
            ok(
                "measure",
                "skip",
                who,
                instrument,
                "--stage",
                "follow-up",
                "--reason",
                "declined",
                "--date",
                "2026-11-18",
            )
    follow_ups = ok("caseload", "--json").json()["follow_ups"]
    assert [(f["name"], f["due"]["instruments"]) for f in follow_ups] == [
        ("Wendy Wemwbs", ["wemwbs"])
    ]
