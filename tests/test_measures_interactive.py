"""The question-by-question flow, driven by keys through prompt_toolkit's pipe input.

The pipe is closed after the keys are sent, so a question nobody expected ends the command
("Cancelled: nothing was saved.") instead of hanging the test.
"""

from __future__ import annotations

import os

import pytest
from conftest import ok, rows, run, snapshot
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

DOWN, ENTER, CTRL_C = "\x1b[B", "\r", "\x03"


def pick(position: int) -> str:
    """Choose the option at this 0-based position of a select list: the pointer starts on the
    "(choose one)" line above the first option (nothing is preselected)."""
    return DOWN * (position + 1) + ENTER


SAVE, DONT_SAVE = "y", "n"  # "Save these answers?" (questionary takes the key without Enter)


def answer(keys: str, *args: str):
    """Run one command as if at a terminal, typing `keys`; setting-up commands are not."""
    os.environ["CONNECTOR_INTERACTIVE"] = "1"  # conftest's monkeypatch restores it afterwards
    try:
        with create_pipe_input() as inp, create_app_session(input=inp, output=DummyOutput()):
            inp.send_text(keys)
            inp.close()
            return run(*args)
    finally:
        os.environ["CONNECTOR_INTERACTIVE"] = "0"


@pytest.fixture
def margaret(db_path):
    ok("new-referral", "--name", "Margaret Hughes", "--referral-date", "2026-09-01",
       "--source", "nhs-gp", "--age", "78", "--gender", "female", "--no-triggers")  # fmt: skip
    ok("referral", "accept", "Margaret", "--date", "2026-09-02")
    ok("visit", "log", "Margaret", "--kind", "face-to-face", "--minutes", "60",
       "--location", "home", "--date", "2026-09-03")  # fmt: skip
    return "Margaret"


# --- Score commands ---------------------------------------------------------------------------


def test_ucla_asked_one_by_one(db_path):
    # Often, often, some of the time; then "How often do you feel lonely?" -> Often/always.
    result = answer(pick(2) + pick(2) + pick(1) + pick(0), "ucla", "score", "--json")
    assert result.exit_code == 0, result
    assert result.json() == {
        "instrument": "ucla3",
        "answers": [3, 3, 2],
        "score": 8,
        "band": "lonely",
        "most_lonely": True,
        "saved": False,
        "lonely_direct": "often-always",
    }
    assert "The next four questions are about relationships with others." in result.stderr
    assert "©" not in result.stderr
    assert not db_path.exists()


def test_direct_question_can_be_skipped_or_given_as_a_flag():
    skipped = answer(pick(0) * 3 + pick(5), "ucla", "score", "--json")
    assert skipped.exit_code == 0, skipped
    assert "lonely_direct" not in skipped.json() and skipped.json()["score"] == 3
    flagged = answer(pick(0) * 3, "ucla", "score", "--lonely", "never", "--json")
    assert flagged.exit_code == 0, flagged  # not asked again: the pipe holds only 3 answers
    assert flagged.json()["lonely_direct"] == "never"


def test_swemwbs_shows_the_notice_with_its_questions():
    result = answer(pick(3) * 6 + pick(4), "swemwbs", "score", "--json")
    assert result.exit_code == 0, result
    assert result.json()["raw"] == 29 and result.json()["metric"] == 26.02
    assert (
        "Short Warwick Edinburgh Mental Wellbeing Scale (SWEMWBS) © NHS Health Scotland, "
        "University of Warwick and University of Edinburgh, 2008, all rights reserved."
        in " ".join(result.stderr.split())  # wrapped to the terminal's width
    )


def test_ons4_answers_typed_to_filter_the_list():
    # 11 options: typing filters them ("10" leaves only "10 - completely anxious").
    result = answer("7\r" + "10\r" + "0\r" + "3\r", "ons4", "score", "--json")
    assert result.exit_code == 0, result
    items = result.json()["items"]
    assert [
        items[k]["score"] for k in ("life_satisfaction", "worthwhile", "happiness", "anxiety")
    ] == [7, 10, 0, 3]
    assert items["anxiety"]["band"] == "low"


def test_survey_take_asks_an_optional_instrument():
    result = answer(pick(0) * 3 + pick(2) * 3, "survey", "take", "djg6", "--json")
    assert result.exit_code == 0, result
    assert result.json()["subscores"] == {"emotional": 3, "social": 3}


def test_recording_asks_the_stage_with_the_due_one_first(db_path, margaret):
    result = answer(ENTER + pick(1) * 3 + pick(4) + SAVE, "ucla", "score", "--person", margaret)
    assert result.exit_code == 0, result
    assert (
        "Saved: Margaret Hughes's baseline UCLA loneliness, 2026-11-20 (measure 1)."
        in result.stdout
    )
    [m] = rows(db_path, "SELECT stage, score FROM measures")
    assert m == {"stage": "baseline", "score": 6}
    stored = rows(
        db_path, "SELECT item, value, answer FROM measure_answers WHERE item = 'lonely_direct'"
    )
    assert stored == [{"item": "lonely_direct", "value": None, "answer": "never"}]


def test_a_stage_that_makes_no_sense_is_refused_before_any_question(db_path, margaret):
    before = snapshot(db_path)
    result = answer("", "swemwbs", "score", "--person", margaret, "--stage", "follow-up")
    assert result.exit_code == 1 and "not closed" in result.stderr
    assert "Cancelled" not in result.stderr and "Below are some statements" not in result.stderr
    assert snapshot(db_path) == before


def test_ctrl_c_half_way_saves_nothing(db_path, margaret):
    before = snapshot(db_path)
    result = answer(pick(1) + pick(1) + CTRL_C, "swemwbs", "score", "--person", margaret,
                    "--stage", "baseline")  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.strip().endswith("Cancelled: nothing was saved.")
    assert snapshot(db_path) == before


def test_no_input_flag_means_no_questions(db_path):
    result = answer("", "ucla", "score", "--no-input")
    assert result.exit_code == 1 and "give the 3 UCLA loneliness answers" in result.stderr


def test_measure_skip_asks_stage_and_reason(db_path, margaret):
    result = answer(ENTER + pick(2), "measure", "skip", margaret, "ons4")
    assert result.exit_code == 0, result
    stored = rows(db_path, "SELECT instrument, stage, skipped_reason FROM measures")
    assert stored == [
        {"instrument": "ons4", "stage": "baseline", "skipped_reason": "could-not-contact"}
    ]


def test_measure_remove_asks_to_confirm(db_path, margaret):
    ok("ucla", "score", "1", "1", "1", "--person", margaret, "--stage", "baseline")
    kept = answer("n", "measure", "remove", "1")
    assert kept.exit_code == 1 and "Nothing removed." in kept.stderr
    assert len(rows(db_path, "SELECT id FROM measures")) == 1
    gone = answer("y", "measure", "remove", "1")
    assert gone.exit_code == 0, gone
    assert rows(db_path, "SELECT id FROM measures") == []


# --- close asks for the end measures --------------------------------------------------------


def episode(db_path) -> dict:
    return rows(db_path, "SELECT closure_date, closure_reason FROM episodes")[0]


def test_close_asks_each_end_measure(db_path, margaret):
    keys = (
        pick(0) + pick(0) + pick(1) + pick(1) + pick(2) + SAVE  # UCLA: ask; 1, 2, 2; occasionally
        + pick(1)  # SWEMWBS: not collected, declined
        + pick(4)  # ONS4: later
    )  # fmt: skip
    result = answer(keys, "close", margaret, "--reason", "planned", "--date", "2026-11-16")
    assert result.exit_code == 0, result
    assert "Closed Margaret Hughes's episode 1 on 2026-11-16 (planned)." in result.stdout
    assert episode(db_path) == {"closure_date": "2026-11-16", "closure_reason": "planned"}
    stored = rows(db_path, "SELECT instrument, stage, date, score, skipped_reason FROM measures")
    assert stored == [
        {"instrument": "ucla3", "stage": "end", "date": "2026-11-16", "score": 5, "skipped_reason": None},
        {"instrument": "swemwbs", "stage": "end", "date": "2026-11-16", "score": None, "skipped_reason": "declined"},
    ]  # fmt: skip
    assert len(rows(db_path, "SELECT * FROM measure_answers WHERE measure_id = 1")) == 4
    shown = " ".join(ok("show", margaret).stdout.split())  # as written, before wrapping
    # ONS4 was not asked at baseline, so `check` does not ask for it at the end: not overdue
    assert (
        "Due next: end ONS4 - not yet asked (closed on 2026-11-16; not required, as not asked "
        "at baseline; can be recorded until 2026-12-14)" in shown
    )
    assert "overdue" not in shown


def test_close_without_a_terminal_asks_nothing(db_path, margaret):
    result = answer(
        "", "close", margaret, "--reason", "planned", "--date", "2026-11-16", "--no-input"
    )
    assert result.exit_code == 0, result
    assert rows(db_path, "SELECT * FROM measures") == []
    due = ok("show", margaret, "--json").json()["episode"]["measures_due"]
    assert {(d["stage"], d["status"]) for d in due} == {
        ("end", "overdue"),
        ("follow-up", "upcoming"),
    }


def test_close_asks_every_instrument_and_an_unanswered_question_cancels(db_path):
    ok("new-referral", "--name", "Bob Stone", "--referral-date", "2026-10-01", "--status", "accepted",
       "--no-triggers", "--no-input")  # fmt: skip
    # UCLA and SWEMWBS are answered "declined"; ONS4 is asked too but the pipe is empty by
    # then, so the whole close is cancelled and nothing is saved.
    result = answer(
        pick(1) + pick(1), "close", "Bob", "--reason", "planned", "--date", "2026-11-01"
    )
    assert result.exit_code == 1 and "Cancelled: nothing was saved." in result.stderr
    assert rows(db_path, "SELECT closure_date FROM episodes") == [{"closure_date": None}]
    assert rows(db_path, "SELECT * FROM measures") == []


def test_close_cancelled_during_the_questions_saves_nothing(db_path, margaret):
    before = snapshot(db_path)
    result = answer(
        pick(0) + pick(0) + CTRL_C, "close", margaret, "--reason", "planned", "--date", "2026-11-16"
    )
    assert result.exit_code == 1 and "Cancelled: nothing was saved." in result.stderr
    assert snapshot(db_path) == before


def test_close_after_lost_contact_preselects_no_reason(db_path, margaret):
    """Nothing is preselected, not even the likely "could not contact": bare Enters save
    nothing; the reason is chosen for each measure."""
    before = snapshot(db_path)
    hurried = answer(
        ENTER * 6, "close", margaret, "--reason", "lost-contact", "--date", "2026-11-16"
    )
    assert hurried.exit_code == 1 and "Cancelled: nothing was saved." in hurried.stderr
    assert snapshot(db_path) == before
    result = answer(
        pick(3) * 3, "close", margaret, "--reason", "lost-contact", "--date", "2026-11-16"
    )
    assert result.exit_code == 0, result
    stored = rows(db_path, "SELECT instrument, skipped_reason FROM measures ORDER BY id")
    assert stored == [
        {"instrument": "ucla3", "skipped_reason": "could-not-contact"},
        {"instrument": "swemwbs", "skipped_reason": "could-not-contact"},
        {"instrument": "ons4", "skipped_reason": "could-not-contact"},
    ]


def test_close_after_a_death_asks_nothing(db_path, margaret):
    result = answer("", "close", margaret, "--reason", "died", "--date", "2026-11-16")
    assert result.exit_code == 0, result
    assert episode(db_path)["closure_reason"] == "died"
    assert rows(db_path, "SELECT * FROM measures") == []


def test_close_with_a_date_it_will_refuse_asks_nothing(db_path, margaret):
    before = snapshot(db_path)
    result = answer("", "close", margaret, "--reason", "planned", "--date", "2026-09-01")
    assert result.exit_code == 1 and "before the referral was accepted" in result.stderr
    assert snapshot(db_path) == before


def test_long_questions_are_wrapped_beside_the_hint(monkeypatch):
    """questionary prints "? " + the question + its hint; at 80 columns the terminal would
    break a long question mid-word ("ONS4 p|ersonal wellbeing"), so it is wrapped first."""
    from connector_cli import surveys
    from connector_cli.measures_ask import HINTS, question

    monkeypatch.setenv("COLUMNS", "80")
    anxiety = surveys.get_instrument("ons4").items[3]
    asked = question(f"4/4 {anxiety.text}", len(anxiety.options))
    lines = asked.split("\n")
    assert " ".join(asked.split()) == f"4/4 {anxiety.text}"  # every word whole, none lost
    assert len(lines) > 1 and all(line.startswith("  ") for line in lines[1:])
    assert all(len("? " + line) <= 79 for line in lines)
    assert len("? " + lines[-1] + " " + HINTS[True]) <= 79  # the hint fits after the last line
    assert question("End measure, ONS4 personal wellbeing:", 5) == (
        "End measure, ONS4 personal wellbeing:"
    )
