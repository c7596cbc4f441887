"""reopen, closure edit, referral edit --referral-date/--decision-date, what-matters (a second
conversation, --edit): each through the CLI with stored rows, audit, `show` and figures."""

from __future__ import annotations

import json

import pytest
from conftest import ok, refused, rows, run, snapshot
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

ENTER, CTRL_A, CTRL_K = "\r", "\x01", "\x0b"


def figures(quarter: str = "2026Q4") -> dict:
    return run("report", "--quarter", quarter, "--suppress-below", "0", "--json").json()["metrics"]


def audit(db_path) -> list[dict]:
    return [
        {"action": r["action"], **json.loads(r["detail"])}
        for r in rows(db_path, "SELECT action, detail FROM audit_log ORDER BY id")
    ]


def episode(db_path, columns: str = "*") -> dict:
    [row] = rows(db_path, f"SELECT {columns} FROM episodes WHERE id = 1")
    return row


def interactive(monkeypatch, *args: str, keys: str):
    monkeypatch.setenv("CONNECTOR_INTERACTIVE", "1")
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(keys)
        return run(*args)


@pytest.fixture
def ann(db_path):
    """Ann (person 1, born 1950-10-05): referred 2026-09-28, accepted 2026-09-30, supported in
    October, her what-matters talk, a goal and a signpost; Bob (person 2) is open too."""
    ok("new-referral", "--name", "Ann Lee", "--dob", "1950-10-05", "--referral-date",
       "2026-09-28")  # fmt: skip
    ok("referral", "accept", "Ann", "--date", "2026-09-30")
    ok("visit", "log", "Ann", "--kind", "face-to-face", "--minutes", "60", "--location", "home",
       "--date", "2026-10-05")  # fmt: skip
    ok("what-matters", "Ann", "--answer", "matters-most=The choir", "--date", "2026-10-05")
    ok("goal", "add", "Ann", "Back to the choir", "--domain", "friends", "--date", "2026-10-05")
    ok("signpost", "add", "Ann", "--to", "Choir", "--category", "third-sector/hobbies",
       "--date", "2026-10-12")  # fmt: skip
    ok("visit", "log", "Ann", "--kind", "telephone", "--minutes", "10", "--date", "2026-11-02")
    ok("new-referral", "--name", "Bob Ray", "--referral-date", "2026-10-01", "--status", "accepted")
    return "Ann"


@pytest.fixture
def closed(ann):
    ok("close", "Ann", "--reason", "planned", "--date", "2026-11-06")
    ok("ucla", "score", "1", "1", "2", "--person", "Ann", "--stage", "end", "--date", "2026-11-06")
    return ann


# --- reopen ------------------------------------------------------------------------------------


def test_reopen_undoes_a_closure_and_keeps_the_end_measure(db_path, closed):
    ok("visit", "log", "Ann", "--kind", "telephone", "--minutes", "5", "--date", "2026-11-10",
       "--after-closure")  # fmt: skip
    before = figures()
    assert (before["episodes_closed"], before["closed_planned"]) == (1, 1)
    assert before["contacts_total"] == 2  # the keep-in-touch call is not counted

    result = ok("reopen", "Ann")

    assert result.stdout == (
        "Reopened Ann Lee's episode 1 (it was closed on 2026-11-06). "
        "1 keep-in-touch contact now count as support.\n"
    )
    assert episode(db_path, "closure_date, closure_reason, closure_sub_reason, closure_detail") == {
        "closure_date": None, "closure_reason": None, "closure_sub_reason": None,
        "closure_detail": None,
    }  # fmt: skip
    assert rows(db_path, "SELECT episode_id, stage FROM measures") == [
        {"episode_id": 1, "stage": "end"}
    ]
    assert rows(db_path, "SELECT after_closure FROM contacts WHERE date = '2026-11-10'") == [
        {"after_closure": 0}
    ]
    assert audit(db_path) == [{"action": "episode reopened", "episode": 1, "person": 1}]
    after = figures()
    assert (after["episodes_closed"], after["closed_planned"]) == (0, 0)
    assert after["episodes_open_at_period_end"] == before["episodes_open_at_period_end"] + 1
    assert after["contacts_total"] == 3
    text = ok("show", "Ann").stdout
    assert "closed 2026-11-06" not in text and "episode reopened" in text
    assert [p["person_id"] for p in ok("caseload", "--json").json()["open"]] == [2, 1]
    assert ok("people", "--json").json()["people"][1]["closure_date"] is None


def test_reopen_refusals_write_nothing(db_path, closed):
    ok("new-referral", "--name", "Ann Lee", "--existing", "Ann", "--referral-date",
       "2026-11-15")  # a later referral of Ann: she came back, so this closure stands  # fmt: skip
    before = snapshot(db_path)
    refused("reopen", "1", "--episode", "1", contains="later referral (episode 3")
    refused("reopen", "Bob", contains="not closed")
    refused("reopen", "Zed", contains="No person matches")
    assert snapshot(db_path) == before


# --- closure edit ------------------------------------------------------------------------------


def test_closure_edit_corrects_date_reason_and_sub_reason(db_path, closed):
    q4 = figures()
    result = ok("closure", "edit", "Ann", "--reason", "choice", "--sub-reason", "needs-met",
                "--date", "2026-11-09")  # fmt: skip
    assert result.stdout == (
        "Corrected the closure of Ann Lee's episode 1: date, reason, sub reason.\n"
    )
    assert episode(db_path, "closure_date, closure_reason, closure_sub_reason") == {
        "closure_date": "2026-11-09", "closure_reason": "choice",
        "closure_sub_reason": "needs-met",
    }  # fmt: skip
    assert audit(db_path) == [{"action": "closure edited", "episode": 1, "person": 1,
                               "fields": ["date", "reason", "sub_reason"]}]  # fmt: skip
    after = figures()
    assert (after["closed_planned"], after["closed_early"]) == (0, 1)
    assert after["episodes_closed"] == q4["episodes_closed"] == 1
    text = ok("show", "Ann").stdout
    assert "closed 2026-11-09" in text and "closure corrected: date, reason, sub reason" in text
    ok("closure", "edit", "Ann", "--reason", "moved")  # the sub-reason goes with 'choice'
    assert episode(db_path, "closure_reason, closure_sub_reason") == {
        "closure_reason": "moved", "closure_sub_reason": None,
    }  # fmt: skip


def test_closure_edit_refusals_write_nothing(db_path, closed):
    before = snapshot(db_path)
    refused("closure", "edit", "Ann", contains="Nothing to change")
    refused("closure", "edit", "Ann", "--date", "2026-11-01", contains="before the last support")
    refused("closure", "edit", "Ann", "--date", "2026-09-29", contains="before the referral was")
    refused("closure", "edit", "Ann", "--date", "2026-12-01", contains="in the future")
    refused("closure", "edit", "Ann", "--reason", "bored", contains="Unknown closure reason")
    refused("closure", "edit", "Ann", "--sub-reason", "needs-met", contains="only for --reason")
    refused("closure", "edit", "Ann", "--reason", "other", contains="give --detail")
    refused("closure", "edit", "Bob", "--reason", "planned", contains="not closed")
    refused("closure", "edit", "Ann", "--reason", "died", contains="remove them first")
    assert snapshot(db_path) == before


def test_closure_edit_keeps_keep_in_touch_after_the_closure(db_path, closed):
    ok("visit", "log", "Ann", "--kind", "message", "--date", "2026-11-10", "--after-closure")
    before = snapshot(db_path)
    refused("closure", "edit", "Ann", "--date", "2026-11-12", contains="keep-in-touch contact")
    assert snapshot(db_path) == before


# --- referral and decision dates ---------------------------------------------------------------


def test_referral_date_edit_moves_the_referral_between_quarters(db_path, ann):
    q3, q4 = figures("2026Q3"), figures()
    assert (q3["referrals_received"], q4["referrals_received"]) == (1, 1)  # Ann; Bob

    result = ok("referral", "edit", "Ann", "--referral-date", "2026-10-01", "--decision-date",
                "2026-10-02")  # fmt: skip

    assert result.stdout == (
        "Updated Ann Lee's referral (episode 1): referral date, decision date.\n"
    )
    assert episode(db_path, "referral_date, status_date, age_at_referral") == {
        "referral_date": "2026-10-01",
        "status_date": "2026-10-02",
        "age_at_referral": 75,
    }  # fmt: skip  born 1950-10-05: 75 on 2026-10-01, and was 75 on 2026-09-28 too
    assert audit(db_path) == [{"action": "referral edited", "episode": 1, "person": 1,
                               "fields": ["referral_date", "decision_date"]}]  # fmt: skip
    assert figures("2026Q3")["referrals_received"] == q3["referrals_received"] - 1
    assert figures()["referrals_received"] == q4["referrals_received"] + 1
    assert figures()["referrals_accepted"] == q4["referrals_accepted"] + 1
    text = ok("show", "Ann").stdout
    assert "referred 2026-10-01" in text and "accepted 2026-10-02" in text
    assert "referral corrected: referral date, decision date" in text


def test_referral_date_edit_recomputes_the_age(db_path, ann):
    ok("referral", "edit", "Ann", "--referral-date", "2026-10-05", "--decision-date", "2026-10-05")
    assert ok("referral", "edit", "Ann", "--source", "self").exit_code == 0
    assert episode(db_path, "age_at_referral, source") == {"age_at_referral": 76, "source": "self"}


def test_referral_date_edits_that_break_the_order_are_refused(db_path, ann):
    ok("close", "Ann", "--reason", "planned", "--date", "2026-11-06")
    before = snapshot(db_path)
    for day, reason in (
        ("2026-10-06", "after the first contact (2026-10-05)"),
        ("2026-12-01", "in the future"),
        ("2026-10-01", "The decision date 2026-09-30 is before the referral date"),
    ):
        refused("referral", "edit", "Ann", "--referral-date", day, contains=reason)
    refused(
        "referral", "edit", "Ann", "--decision-date", "2026-11-07", contains="after the closure"
    )
    refused(
        "referral", "edit", "Ann", "--decision-date", "2026-09-27", contains="before the referral"
    )
    refused("referral", "edit", "Ann", "--decision-date", "someday", contains="")
    assert snapshot(db_path) == before


def test_each_kind_of_record_holds_the_referral_date_back(db_path, ann):
    ok("visit", "remove", "1", "--yes")  # the first contact now comes later than the rest
    for kind, first in (("goal", "2026-10-05"), ("what-matters conversation", "2026-10-05")):
        refused("referral", "edit", "Ann", "--referral-date", "2026-10-08",
                contains=f"after the first {kind} ({first})")  # fmt: skip
        if kind == "goal":
            ok("goal", "remove", "Ann", "1", "--yes")
    ok("ucla", "score", "2", "2", "2", "--person", "Ann", "--stage", "baseline", "--date",
       "2026-10-01")  # fmt: skip
    refused("referral", "edit", "Ann", "--referral-date", "2026-10-02",
            contains="after the first questionnaire (2026-10-01)")  # fmt: skip


def test_decision_date_needs_a_decision_and_episodes_do_not_overlap(db_path, ann):
    ok("new-referral", "--name", "Cy Pending", "--referral-date", "2026-10-01")
    refused("referral", "edit", "Cy", "--decision-date", "2026-10-02", contains="still pending")
    ok("close", "Ann", "--reason", "planned", "--date", "2026-11-06")
    ok("new-referral", "--name", "Ann Lee", "--existing", "1", "--referral-date", "2026-11-10")
    before = snapshot(db_path)
    refused("referral", "edit", "Ann", "--referral-date", "2026-11-05",
            contains="before the person's earlier episode (1) ended (2026-11-06)")  # fmt: skip
    refused("closure", "edit", "Ann", "--episode", "1", "--date", "2026-11-12",
            contains="after the next referral")  # fmt: skip
    assert snapshot(db_path) == before


# --- what matters ------------------------------------------------------------------------------


def test_a_second_conversation_is_added_and_both_are_shown(db_path, ann):
    ok("what-matters", "Ann", "--answer", "matters-most=The choir and my garden",
       "--date", "2026-11-02")  # fmt: skip
    assert rows(db_path, "SELECT id, date FROM conversations ORDER BY id") == [
        {"id": 1, "date": "2026-10-05"},
        {"id": 2, "date": "2026-11-02"},
    ]
    text = ok("show", "Ann").stdout
    assert "What matters (talked 2026-10-05, 1 of 2)\n  Matters most: The choir\n" in text
    assert "(talked 2026-11-02, 2 of 2)\n  Matters most: The choir and my garden" in text
    talks = ok("show", "Ann", "--json").json()["episode"]["conversations"]
    assert [t["date"] for t in talks] == ["2026-10-05", "2026-11-02"]


def test_what_matters_edit_corrects_only_the_latest(db_path, ann):
    ok("what-matters", "Ann", "--answer", "matters-most=Garden", "--answer", "strengths=Baking",
       "--date", "2026-11-02")  # fmt: skip
    result = ok("what-matters", "Ann", "--edit", "--answer", "matters-most=My garden",
                "--answer", "strengths=", "--answer", "barriers=transport")  # fmt: skip
    assert result.stdout == (
        "Corrected what matters to Ann Lee (latest conversation): barriers, matters-most, "
        "strengths.\n"
    )
    answers = rows(db_path, "SELECT conversation_id, key, answer FROM conversation_answers "
                   "ORDER BY conversation_id, key")  # fmt: skip
    assert answers == [
        {"conversation_id": 1, "key": "matters-most", "answer": "The choir"},
        {"conversation_id": 2, "key": "barriers", "answer": "transport"},
        {"conversation_id": 2, "key": "matters-most", "answer": "My garden"},
    ]
    [entry] = audit(db_path)
    assert entry == {"action": "what-matters edited", "episode": 1, "person": 1, "id": 2,
                     "fields": ["barriers", "matters-most", "strengths"]}  # fmt: skip
    assert "garden" not in json.dumps(entry).lower()
    assert "what-matters conversation corrected" in ok("show", "Ann").stdout
    ok("what-matters", "Ann", "--edit", "--date", "2026-11-03")
    assert rows(db_path, "SELECT date FROM conversations WHERE id = 2") == [{"date": "2026-11-03"}]


def test_what_matters_edit_refusals_write_nothing(db_path, ann):
    before = snapshot(db_path)
    refused("what-matters", "Ann", "--edit", contains="give --answer")
    refused("what-matters", "Ann", "--edit", "--answer", "matters-most=The choir",
            contains="Nothing changed")  # fmt: skip
    refused("what-matters", "Ann", "--edit", "--answer", "matters-most=",
            contains="no answers")  # fmt: skip
    refused("what-matters", "Ann", "--edit", "--answer", "hobby=x", contains="KEY one of")
    refused("what-matters", "Ann", "--edit", "--date", "2026-09-01", contains="before the referral")
    refused("what-matters", "Bob", "--edit", "--answer", "strengths=x", contains="no what-matters")
    assert snapshot(db_path) == before


def test_what_matters_edit_at_a_terminal_shows_the_current_answers(db_path, ann, monkeypatch):
    # Enter keeps an answer: only the first is retyped (Ctrl-A, Ctrl-K clear the line).
    keys = CTRL_A + CTRL_K + "The church choir" + ENTER + ENTER * 3 + ENTER + ENTER * 2
    result = interactive(monkeypatch, "what-matters", "Ann", "--edit", keys=keys + "y")
    assert result.exit_code == 0, result
    assert rows(db_path, "SELECT key, answer FROM conversation_answers") == [
        {"key": "matters-most", "answer": "The church choir"}
    ]


def test_what_matters_edit_at_a_terminal_saves_nothing_on_a_hurried_enter(
    db_path, ann, monkeypatch
):
    before = snapshot(db_path)
    keys = CTRL_A + CTRL_K + "Something else" + ENTER + ENTER * 6 + ENTER  # save? default No
    result = interactive(monkeypatch, "what-matters", "Ann", "--edit", keys=keys)
    assert result.exit_code == 1
    assert "nothing was saved" in result.stderr
    assert snapshot(db_path) == before
