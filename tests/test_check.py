"""`connector check`: every rule on a hand-built record, with the exact person, problem and fix.

Today is pinned to Friday 2026-11-20 (conftest). Each test starts from records that are
complete and breaks exactly one thing. Records the CLI refuses to create (a visit without
minutes or location, a contact dated after closure but not marked keep-in-touch, an 'other'
closure without detail) are made with direct SQL, as if imported or written by an older
version; the test says so where it does.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from datetime import date, timedelta

import pytest
from conftest import ok, refused, rows, run, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

DETAILS = {
    "--source": "self",
    "--age": "70",
    "--gender": "female",
    "--ethnicity": "A",
    "--living": "alone",
}


SCOPE_LINE = (
    "Checked open episodes, follow-ups still to take and all work since 1 July 2026 "
    "(2026Q3 and 2026Q4); `connector check --all` checks every year."
)


def assert_complete_in_scope(episodes_checked: int) -> None:
    """Plain `check` finds nothing in its scope: silent on stdout, the scope line on stderr,
    and the JSON's empty problem list with no figures."""
    result = run("check")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", SCOPE_LINE + "\n")
    assert run("check", "--json").json() == {
        "problems": [],
        "data_completeness_pct": None,
        "outcome_coverage_pct": None,
        "closed_episodes": 0,
        "scope": {"all": False, "since": "2026-07-01", "episodes": episodes_checked},
    }


def refer(name: str, on: str, *, status: str | None = None, leave_out: str = "", **extra) -> int:
    """A referral with every detail given except the flag named in `leave_out`."""
    args = ["new-referral", "--name", name, "--referral-date", on, "--json"]
    for flag, value in DETAILS.items():
        if flag != leave_out:
            args += [flag, value]
    if leave_out != "--no-triggers":
        args.append("--no-triggers")
    for flag, value in extra.items():
        args += [f"--{flag.replace('_', '-')}", value]
    person = ok(*args).json()["person_id"]
    if status == "accepted":
        ok("referral", "accept", str(person), "--date", on)
    return person


def visit(person: int, on: str, *more: str) -> None:
    ok("visit", "log", str(person), "--kind", "telephone", "--minutes", "20", "--date", on, *more)


def skip(person: int, instrument: str, stage: str, on: str, *more: str,
         reason: str = "declined") -> None:  # fmt: skip
    if stage == "baseline" and instrument == "ucla3" and reason == "declined":
        reason = "not-appropriate"  # a declined baseline is itself a problem (see below)
    ok("measure", "skip", str(person), instrument, "--stage", stage, "--reason", reason,
       "--date", on, *more)  # fmt: skip


def supported(name: str, start: str, *, baseline: bool = True) -> int:
    """Accepted and first seen on `start`, baseline UCLA recorded (as not appropriate) that
    day."""
    person = refer(name, start, status="accepted")
    visit(person, start)
    if baseline:
        skip(person, "ucla3", "baseline", start)
    return person


def closed(name: str, start: str, closure: str, *, end: bool = True, **close) -> int:
    """Supported from `start`, a goal reviewed, closed on `closure` (end UCLA recorded unless
    `end` is false or the person died)."""
    person = supported(name, start)
    ok("goal", "add", str(person), "See my sister", "--domain", "friends", "--date", start)
    ok("goal", "review", str(person), "1", "--progress", "achieved", "--date", start)
    ok("close", str(person), "--date", closure, *_flags(close or {"reason": "planned"}))
    if end and close.get("reason") != "died":
        skip(person, "ucla3", "end", closure)
    return person


def _flags(values: dict) -> list[str]:
    return [part for key, value in values.items() for part in (f"--{key}", value)]


def problems(*flags: str) -> list[dict]:
    result = run("check", "--json", *flags)
    assert result.exit_code in (0, 1), result
    found = result.json()["problems"]
    assert result.exit_code == (1 if found else 0)
    return found


def only(rule: str, *flags: str) -> list[tuple]:
    found = problems(*flags)
    assert {p["rule"] for p in found} == {rule}, found
    return [(p["person_id"], p["episode_id"], p["problem"], p["fix"]) for p in found]


def hints(rule: str) -> list[str | None]:
    """The hint of each problem of `rule`: the values a placeholder in its fix can take."""
    return [p["hint"] for p in problems() if p["rule"] == rule]


def execute(db_path, sql: str, params=()) -> None:
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(sql, params)
    conn.close()


# --- Complete records: silence -----------------------------------------------------------------


def test_complete_records_print_nothing_and_exit_0(db_path):
    supported("Ann Able", "2026-11-16")
    refer("Ned Notstated", "2026-11-19", source="unknown", age="not-stated", gender="not-stated",
          ethnicity="Z", living="not-stated", leave_out="--source")  # fmt: skip
    assert_complete_in_scope(2)


def test_empty_database_is_complete(db_path):
    result = run("check")
    assert (result.exit_code, result.stdout) == (0, "")


# --- The person's details ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "flag, rule, problem, fix, hint",
    [
        ("--gender", "gender-missing", "Gender not recorded (not even 'not stated').",
         "connector person edit 1 --gender GENDER",
         "GENDER: female, male, non-binary, other or not-stated."),
        ("--age", "age-missing", "Age not recorded (no date of birth, no age, not even 'not stated').",
         "connector person edit 1 --age N", "N: age in years at the referral, or not-stated."),
        ("--ethnicity", "ethnicity-missing", "Ethnicity not recorded (not even 'Z not stated').",
         "connector person edit 1 --ethnicity CODE",
         "CODE: the NHS ethnic category letter, A to S (Z = not stated)."),
        ("--living", "living-missing", "Living arrangement not recorded (not even 'not stated').",
         "connector person edit 1 --living ARRANGEMENT",
         "ARRANGEMENT: alone, partner, family-friends, sheltered, care-home, other or not-stated."),
        ("--no-triggers", "triggers-not-asked",
         "Life events (trigger groups) never asked (not even 'none of these').",
         "connector referral edit 1 --trigger GROUP",
         "GROUP: young-parent, bereaved, separated, no-children-at-home, health or mobility; "
         "repeat --trigger for several, or use --no-triggers if none apply."),
    ],
)  # fmt: skip
def test_each_unanswered_detail(db_path, flag, rule, problem, fix, hint):
    refer("Gail Gap", "2026-11-18", leave_out=flag)
    assert only(rule) == [(1, 1, problem, fix)]
    assert hints(rule) == [hint]


@pytest.mark.parametrize(
    "fix, answer",
    [
        (["person", "edit", "1", "--gender"], "non-binary"),
        (["person", "edit", "1", "--age"], "not-stated"),
        (["person", "edit", "1", "--ethnicity"], "Z"),
        (["person", "edit", "1", "--living"], "care-home"),
        (["referral", "edit", "1", "--trigger"], "no-children-at-home"),
    ],
)
def test_every_value_a_hint_offers_is_accepted(db_path, fix, answer):
    """The hints name real values: the fix with one of them filled in clears the problem."""
    flag = fix[-1]
    refer("Gail Gap", "2026-11-18", leave_out=flag if flag != "--trigger" else "--no-triggers")
    assert answer in hints(problems()[0]["rule"])[0]
    ok(*fix, answer)
    assert problems() == []


def test_a_fix_with_the_placeholder_left_in_is_refused(db_path):
    """Pasted without choosing a value, a fix is refused and writes nothing."""
    refer("Gail Gap", "2026-11-18", leave_out="--gender")
    [found] = problems()
    before = snapshot(db_path)
    refused(*found["fix"].split()[1:], contains="Valid: female, male")
    assert snapshot(db_path) == before


def test_a_trigger_group_is_an_answer(db_path):
    refer("Tess Trigger", "2026-11-18", leave_out="--no-triggers", trigger="bereaved")
    assert problems() == []


# --- Support -----------------------------------------------------------------------------------


def test_accepted_30_days_without_support_contact(db_path):
    late = refer("Al Alone", "2026-10-21", status="accepted")  # 30 days ago
    refer("Bo Brisk", "2026-10-22", status="accepted")  # 29 days: not yet
    for person in (1, 2):  # goals are due by week 4 counted from acceptance: set them
        ok(
            "goal",
            "add",
            str(person),
            "Get out more",
            "--domain",
            "friends",
            "--date",
            "2026-10-22",
        )
    assert only("no-support-contact") == [
        (late, 1, "Accepted on 2026-10-21 (30 days ago) with no support contact yet.",
         "connector visit log 1 --kind KIND --minutes N"),
    ]  # fmt: skip
    assert hints("no-support-contact") == [
        "KIND: face-to-face, telephone, video or message; N: whole minutes."
    ]


def test_baseline_ucla_missing_after_the_first_support_contact(db_path):
    supported("Bea Before", "2026-11-16", baseline=False)
    supported("Tom Today", "2026-11-20", baseline=False)  # seen today: not yet missing
    skipped = supported("Sid Skipped", "2026-11-16", baseline=False)
    skip(skipped, "ucla3", "baseline", "2026-11-16")  # "not appropriate" answers for the stage
    assert only("baseline-ucla-missing") == [
        (1, 1, "Baseline UCLA loneliness missing (first support contact 2026-11-16).",
         "connector ucla score --person 1 --stage baseline"),
    ]  # fmt: skip
    assert hints("baseline-ucla-missing") == [None]  # the command asks the questions
    [found] = problems()
    refused(*found["fix"].split()[1:], contains="no terminal to ask")  # tests have none
    ok(*found["fix"].split()[1:], "2", "2", "1")  # the answers, as typed at the prompts
    assert problems() == []


def test_baseline_missing_on_a_closed_episode_is_recorded_as_not_collected(db_path):
    person = refer("Cy Closed", "2026-09-01", status="accepted")
    visit(person, "2026-09-01")
    ok("goal", "add", "1", "Walk to the shop", "--domain", "daily-living", "--date", "2026-09-01")
    ok("goal", "review", "1", "1", "--progress", "some", "--date", "2026-09-01")
    ok("close", "1", "--reason", "moved", "--date", "2026-09-05")
    skip(person, "ucla3", "end", "2026-09-05")
    skip(person, "ucla3", "follow-up", "2026-11-20")
    assert only("baseline-ucla-missing") == [
        (1, 1, "Baseline UCLA loneliness missing (first support contact 2026-09-01).",
         "connector measure skip 1 ucla3 --stage baseline --reason REASON --date 2026-09-05"),
    ]  # fmt: skip
    assert hints("baseline-ucla-missing") == [
        "REASON: declined, not-appropriate or could-not-contact."
    ]


def test_a_baseline_declined_or_could_not_contact_is_questioned_with_its_reason(db_path):
    # Open: ask again (a score may follow a skip). Closed: the outcome is unknown; the record
    # goes only if the reason was wrong. "not-appropriate" is a reason a commissioner accepts.
    still_open = refer("Opal Open", "2026-11-02", status="accepted")
    visit(still_open, "2026-11-02")
    skip(still_open, "ucla3", "baseline", "2026-11-02", reason="could-not-contact")
    gone = closed("Gil Gone", "2026-09-01", "2026-10-30")
    execute(db_path, "UPDATE measures SET skipped_reason = 'declined' WHERE episode_id = ? "
            "AND stage = 'baseline'", [gone])  # fmt: skip
    fine = refer("Nia Fine", "2026-11-02", status="accepted")
    visit(fine, "2026-11-02")
    skip(fine, "ucla3", "baseline", "2026-11-02", reason="not-appropriate")
    measure = rows(db_path, "SELECT id FROM measures WHERE episode_id = ? AND stage = "
                   "'baseline'", [gone])[0]["id"]  # fmt: skip
    assert only("baseline-ucla-not-collected") == [
        (still_open, still_open, "Baseline UCLA not collected (could not contact, 2026-11-02): "
         "ask again, a score can still follow.",
         f"connector ucla score --person {still_open} --stage baseline"),
        (gone, gone, "Baseline UCLA not collected (declined, 2026-09-01); closed 2026-10-30 "
         "with no baseline score: its outcome is unknown.",
         f"connector measure remove {measure} --yes"),
    ]  # fmt: skip
    ok("ucla", "score", "2", "2", "2", "--person", str(still_open), "--stage", "baseline",
       "--date", "2026-11-20")  # fmt: skip
    assert [p["person_id"] for p in problems()] == [gone]


def test_end_measures_missing_after_closure(db_path):
    # closed 11-10 (10 days ago): can still be asked, for UCLA and the SWEMWBS taken at baseline
    recent = closed("Rita Recent", "2026-10-01", "2026-11-10", end=False)
    ok("swemwbs", "score", "3", "3", "3", "3", "3", "3", "3", "--person", str(recent),
       "--stage", "baseline", "--date", "2026-10-01")  # fmt: skip
    # closed 10-01 (50 days ago): more than 4 weeks, so record why it was not collected
    closed("Oscar Older", "2026-08-01", "2026-10-01", end=False)
    closed("Tina Today", "2026-10-01", "2026-11-20", end=False)  # closed today: not yet
    closed("Dee Died", "2026-10-01", "2026-11-02", end=False, reason="died")
    closed("Fred Fine", "2026-10-01", "2026-11-10")
    assert only("end-measures-missing") == [
        (1, 1, "End UCLA loneliness missing (closed 2026-11-10).",
         "connector ucla score --person 1 --stage end"),
        (1, 1, "End SWEMWBS missing (closed 2026-11-10).",
         "connector swemwbs score --person 1 --stage end"),
        (2, 2, "End UCLA loneliness missing (closed 2026-10-01).",
         "connector measure skip 2 ucla3 --stage end --reason REASON --date 2026-10-01"),
    ]  # fmt: skip


def test_follow_up_overdue(db_path):
    # closed 07-01: window 09-09 .. 10-13, overdue; still recordable until 12-30 (26 weeks)
    closed("Len Late", "2026-06-01", "2026-07-01")
    # closed 03-01: overdue since 06-13 and too late to ask (after 08-30): record why not
    closed("Old Olive", "2026-02-01", "2026-03-01")
    closed("Win Window", "2026-07-10", "2026-08-10")  # window ends 11-22: not overdue yet
    closed("Dee Died", "2026-06-01", "2026-07-01", reason="died")
    done = closed("Dan Done", "2026-06-01", "2026-07-01")
    skip(done, "ucla3", "follow-up", "2026-09-20")
    len_late = (1, 1, "Follow-up UCLA loneliness overdue (closed 2026-07-01, due by 2026-10-13).",
                "connector ucla score --person 1 --stage follow-up")  # fmt: skip
    assert only("follow-up-overdue", "--all") == [
        len_late,
        (2, 2, "Follow-up UCLA loneliness overdue (closed 2026-03-01, due by 2026-06-13).",
         "connector measure skip 2 ucla3 --stage follow-up --reason REASON --date 2026-08-30"),
    ]  # fmt: skip
    # Olive's episode ended before 2026Q3 with nothing since, and her follow-up can no longer
    # be taken: not current work, so only --all finds it.
    assert only("follow-up-overdue") == [len_late]


# --- Contacts the CLI refuses (made by SQL, as if imported or from an older version) -----------


def test_contacts_without_minutes(db_path):
    supported("Mo Minutes", "2026-11-16")
    for kind in ("face-to-face", "telephone", "video", "message"):
        execute(db_path, "INSERT INTO contacts (episode_id, date, kind, location, created_at) "
                "VALUES (1, '2026-11-17', ?, 'home', 'x')", [kind])  # fmt: skip
    assert only("contact-minutes-missing") == [
        (1, 1, "Face-to-face contact 2 on 2026-11-17 has no minutes.",
         "connector visit edit 2 --minutes N"),
        (1, 1, "Telephone contact 3 on 2026-11-17 has no minutes.",
         "connector visit edit 3 --minutes N"),
        (1, 1, "Video contact 4 on 2026-11-17 has no minutes.", "connector visit edit 4 --minutes N"),
    ]  # fmt: skip


def test_face_to_face_without_location(db_path):
    supported("Lu Location", "2026-11-16")
    execute(db_path, "INSERT INTO contacts (episode_id, date, kind, minutes, created_at) "
            "VALUES (1, '2026-11-17', 'face-to-face', 45, 'x')")  # fmt: skip
    assert only("contact-location-missing") == [
        (1, 1, "Face-to-face contact 2 on 2026-11-17 has no location.",
         "connector visit edit 2 --location PLACE"),
    ]  # fmt: skip
    [hint] = hints("contact-location-missing")
    assert hint.startswith("PLACE: home, community-venue, ") and hint.endswith(" or other.")


def test_contacts_dated_after_closure(db_path):
    closed("Kit Keep", "2026-11-02", "2026-11-10")
    visit(1, "2026-11-12", "--after-closure")  # keep-in-touch: fine
    execute(db_path, "INSERT INTO contacts (episode_id, date, kind, minutes, created_at) "
            "VALUES (1, '2026-11-13', 'telephone', 5, 'x')")  # fmt: skip
    assert only("contact-after-closure") == [
        (1, 1, "Telephone contact 3 on 2026-11-13 is dated after the episode closed (2026-11-10).",
         "connector visit edit 3 --after-closure"),
    ]  # fmt: skip


# --- Goals and signposts -----------------------------------------------------------------------


def test_goals_not_reviewed_by_week_7(db_path):
    person = supported("Gus Goals", "2026-09-25")  # 56 days: week 9
    for text in ("Join the choir", "Ring my son", "Bake again"):
        ok("goal", "add", str(person), text, "--domain", "friends", "--date", "2026-09-26")
    ok("goal", "review", str(person), "2", "--progress", "some", "--date", "2026-11-01")
    ok("goal", "drop", str(person), "3", "--date", "2026-11-01")
    early = supported("Eve Early", "2026-10-03")  # 48 days: week 7, not past it
    ok("goal", "add", str(early), "Swim", "--domain", "friends", "--date", "2026-10-03")
    assert only("goal-not-reviewed") == [
        (1, 1, "Goal 1 not reviewed by week 7 (now week 9).",
         "connector goal review 1 1 --progress LEVEL"),
    ]  # fmt: skip
    assert hints("goal-not-reviewed") == ["LEVEL: achieved, a-lot, some or none."]


def test_goals_not_reviewed_in_a_closed_episode(db_path):
    person = supported("Cleo Closed", "2026-08-01")
    ok("goal", "add", str(person), "Go to bingo", "--domain", "friends", "--date", "2026-08-01")
    ok("close", str(person), "--reason", "planned", "--date", "2026-09-20")  # 50 days: week 8
    skip(person, "ucla3", "end", "2026-09-20")
    assert only("goal-not-reviewed") == [
        (1, 1, "Goal 1 not reviewed by week 7 (reached week 8).",
         "connector goal review 1 1 --progress LEVEL"),
    ]  # fmt: skip


def test_no_goals_by_week_4(db_path):
    supported("Nat Nogoals", "2026-10-16")  # 35 days: week 6
    dropped = supported("Dru Dropped", "2026-10-16")
    ok("goal", "add", str(dropped), "Garden", "--domain", "home", "--date", "2026-10-16")
    ok("goal", "drop", str(dropped), "1", "--date", "2026-10-20")
    supported("Wyn Week4", "2026-10-24")  # 27 days: week 4, not past it
    assert only("no-goals") == [
        (1, 1, "No goals set by week 4 (now week 6).",
         'connector goal add 1 "GOAL IN THEIR WORDS" --domain DOMAIN'),
        (2, 2, "No goals set by week 4 (now week 6).",
         'connector goal add 2 "GOAL IN THEIR WORDS" --domain DOMAIN'),
    ]  # fmt: skip
    assert hints("no-goals")[0] == (
        "DOMAIN: friends, social-networks, daily-living, paperwork, services, home, safety, "
        "caring or other."
    )


def test_signposts_without_outcome_after_4_weeks(db_path):
    person = supported("Sal Signpost", "2026-10-20")
    ok("goal", "add", str(person), "Lunch club", "--domain", "friends", "--date", "2026-10-20")
    for on in ("2026-10-23", "2026-10-24", "2026-10-20"):
        ok("signpost", "add", str(person), "--to", f"Lunch club {on}", "--category",
           "third-sector/lunch-club", "--date", on)  # fmt: skip
    ok("signpost", "outcome", "3", "attended")
    assert only("signpost-outcome-missing") == [
        (1, 1, "Signpost 1 (Lunch club 2026-10-23, 2026-10-23) has no outcome after 4 weeks.",
         "connector signpost outcome 1 OUTCOME"),
    ]  # fmt: skip
    assert hints("signpost-outcome-missing") == [
        "OUTCOME: attended, still-attending, did-not-attend, stopped-attending or not-known."
    ]


# --- Closure -----------------------------------------------------------------------------------


def test_other_closure_without_detail(db_path):
    closed("Otis Other", "2026-11-02", "2026-11-10", reason="other", detail="Went abroad")
    assert problems() == []
    # An older version allowed 'other' without detail; the CLI now refuses it.
    execute(db_path, "UPDATE episodes SET closure_detail = NULL WHERE id = 1")
    assert only("closure-detail-missing") == [
        (1, 1, "Closed on 2026-11-10 as 'other' with no explanation.",
         'connector referral edit 1 --closure-detail "TEXT"'),
    ]  # fmt: skip


# --- What it looks at: current work by default, every year with --all --------------------------
# Today is 2026-11-20 (2026Q4): current work is every open episode, everything dated since
# 2026-07-01 (the first day of 2026Q3), and every episode closed since 2026-05-22 (26 weeks ago:
# its follow-up can still be taken).

ALL_LINE = re.compile(r"Checked the whole history \((\d+) episodes?\) in \d+\.\d s\.\n")


def test_a_gap_in_an_episode_closed_two_years_ago_is_left_to_check_all(db_path):
    # No end UCLA, no follow-up, no ethnicity: all of it can only be recorded as not collected
    # now, and nothing has happened since.
    closed("Olga Old", "2024-09-02", "2024-11-01", end=False)
    execute(db_path, "UPDATE people SET ethnicity = NULL WHERE id = 1")  # as if imported
    before = snapshot(db_path)
    assert_complete_in_scope(0)
    everything = run("check", "--all")
    assert everything.exit_code == 1
    assert ALL_LINE.fullmatch(everything.stderr)[1] == "1"
    found = run("check", "--all", "--json").json()
    assert [(p["person_id"], p["rule"]) for p in found["problems"]] == [
        (1, "ethnicity-missing"),
        (1, "end-measures-missing"),
        (1, "follow-up-overdue"),
    ]
    assert found["problems"][1]["fix"] == (
        "connector measure skip 1 ucla3 --stage end --reason REASON --date 2024-11-01"
    )
    # The figures speak for every closed episode with --all: Olga's 7 of 9 fields present.
    assert {k: v for k, v in found.items() if k != "problems"} == {
        "data_completeness_pct": 77.8,
        "outcome_coverage_pct": 0.0,
        "closed_episodes": 1,
        "scope": {"all": True, "since": None, "episodes": 1},
    }
    assert snapshot(db_path) == before


def test_a_returning_person_brings_their_details_back_into_the_check(db_path):
    closed("Olga Old", "2024-09-02", "2024-11-01")
    skip(1, "ucla3", "follow-up", "2025-01-20")
    execute(db_path, "UPDATE people SET ethnicity = NULL WHERE id = 1")  # as if imported
    assert problems() == []
    ok("new-referral", "--existing", "1", "--name", "Olga Old", "--referral-date", "2026-11-19",
       "--source", "self", "--age", "73", "--no-triggers")  # fmt: skip
    # Person-level gaps belong to everyone with current work; the fix names no episode.
    assert only("ethnicity-missing") == [
        (1, 2, "Ethnicity not recorded (not even 'Z not stated').",
         "connector person edit 1 --ethnicity CODE"),
    ]  # fmt: skip


def test_a_gap_in_an_open_episode_referred_years_ago_is_current_work(db_path):
    refer("Rhod Long", "2023-03-01", status="accepted", leave_out="--gender")
    found = problems()
    assert [(p["person_id"], p["rule"]) for p in found] == [
        (1, "gender-missing"),
        (1, "no-support-contact"),
        (1, "no-goals"),
    ]
    assert (
        found[1]["problem"] == "Accepted on 2023-03-01 (1360 days ago) with no support contact yet."
    )
    assert problems("--all") == found


def test_a_closed_episode_whose_follow_up_can_still_be_taken_is_current_work(db_path):
    # Closed 2026-05-22, 26 weeks ago today: before 2026Q3, nothing since, but its follow-up
    # (overdue since 2026-09-03) can be taken until today. A day earlier, only a record of why
    # it was not collected is left: history.
    closed("Fay Follow", "2026-04-01", "2026-05-22")
    closed("Gil Gone", "2026-04-01", "2026-05-21")
    can_take = (1, 1, "Follow-up UCLA loneliness overdue (closed 2026-05-22, due by 2026-09-03).",
                "connector ucla score --person 1 --stage follow-up")  # fmt: skip
    assert only("follow-up-overdue") == [can_take]
    assert only("follow-up-overdue", "--all") == [
        can_take,
        (2, 2, "Follow-up UCLA loneliness overdue (closed 2026-05-21, due by 2026-09-02).",
         "connector measure skip 2 ucla3 --stage follow-up --reason REASON --date 2026-11-19"),
    ]  # fmt: skip
    assert run("check", "--json").json()["scope"]["episodes"] == 1


def test_the_first_day_of_the_previous_quarter_is_current_work_the_day_before_is_not(db_path):
    # Referrals declined the day they came in, age never asked: one on 2026-07-01, one on
    # 2026-06-30.
    for name, day in (("Dora First", "2026-07-01"), ("Evan Before", "2026-06-30")):
        person = refer(name, day, leave_out="--age")
        ok("referral", "decline", str(person), "--reason", "Out of area", "--by", "criteria",
           "--date", day)  # fmt: skip
    # Finished long ago without an end UCLA; a keep-in-touch call on 2026-07-01, or on
    # 2026-06-30, is the only thing since.
    for name, day in (("Kim Kept", "2026-07-01"), ("Lee Left", "2026-06-30")):
        person = closed(name, "2025-01-06", "2025-03-03", end=False)
        skip(person, "ucla3", "follow-up", "2025-05-19")
        visit(person, day, "--after-closure")
    assert [(p["person_id"], p["rule"]) for p in problems()] == [
        (1, "age-missing"),
        (3, "end-measures-missing"),
    ]
    assert [(p["person_id"], p["rule"]) for p in problems("--all")] == [
        (1, "age-missing"),
        (2, "age-missing"),
        (3, "end-measures-missing"),
        (4, "end-measures-missing"),
    ]


CLOSED_SINCE = date(2026, 5, 22)  # 26 weeks before today: a follow-up can still be taken
NUMBERS = itertools.count(1)


@given(
    st.one_of(
        st.dates(date(2024, 1, 1), date(2026, 11, 19)),
        st.dates(CLOSED_SINCE - timedelta(days=3), CLOSED_SINCE + timedelta(days=3)),
    )
)
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_closed_episode_is_current_work_exactly_while_its_follow_up_can_be_taken(
    db_path, closure
):
    """Supported for four weeks and closed on `closure` without an end UCLA (the people of
    earlier examples stay in the file): by default its gaps are reported exactly when it closed
    26 weeks ago or later; --all always reports them."""
    start = (closure - timedelta(days=28)).isoformat()
    name = f"Cal Closed {next(NUMBERS)}"  # a name of their own, even for a repeated date
    person = closed(name, start, closure.isoformat(), end=False)
    mine = {p["rule"] for p in problems() if p["person_id"] == person}
    assert bool(mine) == (closure >= CLOSED_SINCE), mine
    assert {p["rule"] for p in problems("--all") if p["person_id"] == person} >= {
        "end-measures-missing"
    }


@pytest.mark.parametrize(
    "today, since, said",
    [
        ("2026-12-31", "2026-07-01", "1 July 2026 (2026Q3 and 2026Q4)"),
        ("2027-01-01", "2026-10-01", "1 October 2026 (2026Q4 and 2027Q1)"),
    ],
)
def test_the_previous_quarter_turns_with_the_calendar(db_path, monkeypatch, today, since, said):
    refer("Ann Able", "2026-11-16")
    monkeypatch.setenv("CONNECTOR_TODAY", today)
    result = run("check")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (
        f"Checked open episodes, follow-ups still to take and all work since {said}; "
        "`connector check --all` checks every year.\n"
    )
    assert run("check", "--json").json()["scope"] == {"all": False, "since": since, "episodes": 1}


# --- Across episodes, output, exit codes, completeness, no writes ------------------------------


def test_fix_names_the_episode_when_it_is_not_the_current_one(db_path):
    closed("Rob Return", "2026-08-01", "2026-09-01", end=False)
    skip(1, "ucla3", "follow-up", "2026-11-15")
    ok("new-referral", "--existing", "1", "--name", "Rob Return", "--referral-date", "2026-11-19",
       "--source", "self", "--age", "71", "--no-triggers")  # fmt: skip
    assert only("end-measures-missing") == [
        (1, 1, "End UCLA loneliness missing (closed 2026-09-01).",
         "connector measure skip 1 ucla3 --stage end --reason REASON --date 2026-09-01 --episode 1"),
    ]  # fmt: skip


def test_text_output_lists_problems_under_each_person(db_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    refer("Gail Gap", "2026-11-18", leave_out="--gender")
    closed("Kit Keep", "2026-10-01", "2026-11-10", end=False)
    result = run("check")
    assert (result.exit_code, result.stderr) == (1, SCOPE_LINE + "\n")
    assert result.stdout.splitlines() == [
        "Gail Gap (#1)",
        "  Gender not recorded (not even 'not stated').",
        "    fix: connector person edit 1 --gender GENDER",
        "         GENDER: female, male, non-binary, other or not-stated.",
        "",
        "Kit Keep (#2)",
        "  End UCLA loneliness missing (closed 2026-11-10).",
        "    fix: connector ucla score --person 2 --stage end",
        "",
        "2 problems for 2 people:",
        "       1  gender-missing",
        "       1  end-measures-missing",
        # one closed episode checked (Kit): 8 of 9 fields present (no end UCLA) = 88.9%
        "Data completeness over 1 closed episode checked: 88.9%.",
        # Kit's baseline UCLA is a skip and there is no end score: no outcome known.
        "Outcome coverage: 0.0% of the closed episodes checked have baseline and end UCLA scores.",
    ]


def test_a_long_hint_wraps_under_the_fix_at_80_columns(db_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    refer("Tess Trigger", "2026-11-18", leave_out="--no-triggers")
    lines = run("check").stdout.splitlines()
    assert lines[:6] == [
        "Tess Trigger (#1)",
        "  Life events (trigger groups) never asked (not even 'none of these').",
        "    fix: connector referral edit 1 --trigger GROUP",
        "         GROUP: young-parent, bereaved, separated, no-children-at-home, health",
        "         or mobility; repeat --trigger for several, or use --no-triggers if none",
        "         apply.",
    ]
    assert lines[7] == "1 problem for 1 person:"


def test_json_lists_problems_and_the_completeness_figure(db_path):
    closed("Ann Able", "2026-09-01", "2026-10-01")  # follow-up not due before 12-10
    # Ben: closed, no gender, no source (left out), no end UCLA: 6 of 9 fields present
    ok("new-referral", "--name", "Ben Bare", "--referral-date", "2026-09-01", "--age", "80",
       "--ethnicity", "A", "--living", "alone", "--no-triggers")  # fmt: skip
    ok("referral", "accept", "2", "--date", "2026-09-01")
    visit(2, "2026-09-01")
    skip(2, "ucla3", "baseline", "2026-09-01")
    ok("goal", "add", "2", "Walk", "--domain", "friends", "--date", "2026-09-01")
    ok("goal", "review", "2", "1", "--progress", "none", "--date", "2026-09-01")
    ok("close", "2", "--reason", "lost-contact", "--date", "2026-10-01")
    result = run("check", "--json")
    assert result.exit_code == 1
    assert result.json() == {
        "problems": [
            {"person_id": 2, "episode_id": 2, "rule": "gender-missing",
             "problem": "Gender not recorded (not even 'not stated').",
             "fix": "connector person edit 2 --gender GENDER",
             "hint": "GENDER: female, male, non-binary, other or not-stated."},
            {"person_id": 2, "episode_id": 2, "rule": "end-measures-missing",
             "problem": "End UCLA loneliness missing (closed 2026-10-01).",
             "fix": "connector measure skip 2 ucla3 --stage end --reason REASON --date 2026-10-01",
             "hint": "REASON: declined, not-appropriate or could-not-contact."},
        ],
        # (9 + 6) of 18 fields = 83.33...%
        "data_completeness_pct": 83.3,
        # Ann's and Ben's baselines are skips ("not collected" counts for completeness): no
        # scores, so no outcome is known for either.
        "outcome_coverage_pct": 0.0,
        "closed_episodes": 2,
        "scope": {"all": False, "since": "2026-07-01", "episodes": 2},
    }  # fmt: skip


def test_thousands_of_problems_are_written_a_batch_at_a_time_and_come_out_whole(db_path):
    """More problems than the renderer writes at once (render_caseload.BATCH): the text and the
    JSON come out exactly as if written in one piece."""
    refer("Ann Able", "2026-11-16")  # complete
    # 5,100 declined referrals of this week, each person's gender never asked (made by SQL:
    # thousands of referrals through the CLI would take minutes).
    execute(db_path, """WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
                                                WHERE i < 5100)
        INSERT INTO people (name, ethnicity, living, created_at)
        SELECT 'Pat ' || i, 'A', 'alone', 'x' FROM n""")  # fmt: skip
    execute(db_path, """INSERT INTO episodes (person_id, referral_date, source, age_at_referral,
            no_triggers, status, status_date, created_at)
        SELECT id, '2026-11-18', 'self', 70, 1, 'declined', '2026-11-18', 'x' FROM people
        WHERE id > 1""")  # fmt: skip
    fix = "connector person edit {} --gender GENDER"
    problem = "Gender not recorded (not even 'not stated')."
    found = run("check", "--json").json()
    assert found["problems"] == [
        {"person_id": person, "episode_id": person, "rule": "gender-missing", "problem": problem,
         "fix": fix.format(person), "hint": "GENDER: female, male, non-binary, other or not-stated."}
        for person in range(2, 5102)
    ]  # fmt: skip
    assert found["scope"] == {"all": False, "since": "2026-07-01", "episodes": 5101}
    people = [
        f"Pat {person - 1} (#{person})\n  {problem}\n    fix: {fix.format(person)}\n"
        "         GENDER: female, male, non-binary, other or not-stated.\n"
        for person in range(2, 5102)
    ]
    summary = (
        "5100 problems for 5100 people:\n"
        "    5100  gender-missing\n"
        "Data completeness: no closed episodes among those checked.\n"
    )
    assert run("check").stdout == "\n".join(people) + "\n" + summary


def test_check_never_changes_the_database(db_path):
    refer("Gail Gap", "2026-11-18", leave_out="--gender")
    closed("Len Late", "2026-06-01", "2026-07-01", end=False)
    before = snapshot(db_path)
    assert run("check").exit_code == 1
    assert run("check", "--json").exit_code == 1
    assert snapshot(db_path) == before


def test_thresholds_are_settings(db_path):
    person = supported("Sal Signpost", "2026-10-20")
    ok("goal", "add", str(person), "Lunch club", "--domain", "friends", "--date", "2026-10-20")
    ok("signpost", "add", str(person), "--to", "Lunch club", "--category",
       "third-sector/lunch-club", "--date", "2026-10-30")  # fmt: skip
    assert problems() == []  # 21 days: within 4 weeks
    ok("config", "set", "signpost_outcome_weeks", "3")
    assert [p["rule"] for p in problems()] == ["signpost-outcome-missing"]
    ok("config", "set", "goals_by_week", "1")
    ok("goal", "drop", str(person), "1", "--date", "2026-10-21")
    assert [p["rule"] for p in problems()] == ["no-goals", "signpost-outcome-missing"]
    assert rows(db_path, "SELECT key, value FROM settings ORDER BY key") == [
        {"key": "goals_by_week", "value": "1"},
        {"key": "signpost_outcome_weeks", "value": "3"},
    ]


# --- Speed-minded formulations give the same answers ------------------------------------------


def test_end_measures_pair_each_baseline_once_with_ucla_first(db_path):
    """One problem per questionnaire asked at baseline without its end (however many baseline
    records it has), UCLA first and then by name; an end without a baseline asks for nothing."""
    both = closed("Bea Baseline", "2026-10-01", "2026-11-10", end=False)
    for instrument in ("swemwbs", "ons4"):
        skip(both, instrument, "baseline", "2026-10-01")
    # a second baseline record of the same questionnaire, as if imported
    execute(db_path, "INSERT INTO measures (episode_id, instrument, version, stage, date, "
            "skipped_reason, created_at) VALUES (1, 'swemwbs', '1', 'baseline', '2026-10-02', "
            "'declined', 'x')")  # fmt: skip
    fine = closed("Eli Endonly", "2026-10-01", "2026-11-10")
    skip(fine, "swemwbs", "end", "2026-11-10")  # an end with no baseline: nothing to pair
    paired = closed("Pam Paired", "2026-10-01", "2026-11-10")
    skip(paired, "ons4", "baseline", "2026-10-01")
    skip(paired, "ons4", "end", "2026-11-10")
    found = [
        (p["person_id"], p["problem"]) for p in problems() if p["rule"] == "end-measures-missing"
    ]
    assert found == [
        (1, "End UCLA loneliness missing (closed 2026-11-10)."),
        (1, "End ONS4 personal wellbeing missing (closed 2026-11-10)."),
        (1, "End SWEMWBS missing (closed 2026-11-10)."),
    ]


def test_contacts_after_closure_listed_by_contact_number(db_path):
    """Contacts on the closure day are fine; later ones are listed by contact number, not by
    date."""
    closed("Kit Keep", "2026-11-02", "2026-11-10")
    for day in ("2026-11-10", "2026-11-15", "2026-11-12"):
        execute(db_path, "INSERT INTO contacts (episode_id, date, kind, minutes, created_at) "
                "VALUES (1, ?, 'telephone', 5, 'x')", [day])  # fmt: skip
    assert only("contact-after-closure") == [
        (1, 1, "Telephone contact 3 on 2026-11-15 is dated after the episode closed (2026-11-10).",
         "connector visit edit 3 --after-closure"),
        (1, 1, "Telephone contact 4 on 2026-11-12 is dated after the episode closed (2026-11-10).",
         "connector visit edit 4 --after-closure"),
    ]  # fmt: skip


def test_colour_only_when_rich_would_use_it(db_path, monkeypatch):
    """check decides on colour without loading Rich when it surely is off (NO_COLOR, or not a
    terminal); forced colour still gets Rich's answer."""
    refer("Gail Gap", "2026-11-18", leave_out="--gender")
    plain = run("check").stdout
    assert "\x1b[" not in plain
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "xterm")
    assert run("check").stdout == plain  # not a terminal
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = run("check").stdout
    assert coloured.splitlines()[:3] == [
        "\x1b[1mGail Gap (#1)\x1b[0m",
        "  Gender not recorded (not even 'not stated').",
        "\x1b[36m    fix: connector person edit 1 --gender GENDER\x1b[0m",
    ]
    monkeypatch.setenv("NO_COLOR", "1")
    assert run("check").stdout == plain


PROBE = """
import sys
sys.argv = ["connector", *sys.argv[1:]]
from connector_cli.cli import main
try:
    main()
except SystemExit:
    pass
print("pydantic" in sys.modules)
"""


def test_check_with_its_completeness_figure_does_not_import_pydantic(db_path):
    """A speed guard: importing pydantic costs about 0.1 s; the completeness figure comes from
    reports.completeness_counts, which needs no model."""
    import subprocess
    import sys

    closed("Kit Keep", "2026-10-01", "2026-11-10", end=False)
    for args in (["check"], ["check", "--json"]):
        done = subprocess.run([sys.executable, "-c", PROBE, "--db", str(db_path), *args],
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        assert "Data completeness" in done.stdout or "data_completeness_pct" in done.stdout
        assert done.stdout.splitlines()[-1] == "False", done.stdout + done.stderr


def test_outcome_coverage_counts_scores_not_skips_and_leaves_out_moves(db_path):
    scored = refer("Sue Scored", "2026-09-01", status="accepted")
    visit(scored, "2026-09-01")
    ok("ucla", "score", "2", "2", "2", "--person", str(scored), "--stage", "baseline", "--date",
       "2026-09-01")  # fmt: skip
    ok("close", str(scored), "--reason", "planned", "--date", "2026-10-01", "--no-input")
    ok("ucla", "score", "1", "1", "1", "--person", str(scored), "--stage", "end", "--date",
       "2026-10-01")  # fmt: skip
    closed("Sid Skipped", "2026-09-01", "2026-10-01")  # baseline and end both skips
    closed("Mo Moved", "2026-09-01", "2026-10-01", reason="moved")  # left out of coverage
    result = run("check", "--json").json()
    # Completeness counts the skips as present; coverage does not: Sue of Sue and Sid = 50%.
    assert (result["outcome_coverage_pct"], result["closed_episodes"]) == (50.0, 3)
