"""Nothing false from a hurried key: bare Enters through every guided form save nothing, the
person is resolved before any question, and a Ctrl-C inside `close` after a questionnaire
was answered offers to keep it (nothing half-answered is ever saved)."""

from __future__ import annotations

import pytest
from conftest import ok, refused, rows, snapshot
from test_measures_interactive import CTRL_C, ENTER, SAVE, answer, pick


@pytest.fixture
def margaret(db_path):
    ok("new-referral", "--name", "Margaret Hughes", "--referral-date", "2026-08-24",
       "--source", "nhs-gp", "--age", "78", "--gender", "female", "--no-triggers")  # fmt: skip
    ok("referral", "accept", "Margaret", "--date", "2026-08-25")
    ok("visit", "log", "Margaret", "--kind", "face-to-face", "--minutes", "60",
       "--location", "home", "--date", "2026-08-27")  # fmt: skip
    ok("goal", "add", "Margaret", "Go back to the lunch club", "--domain", "friends",
       "--date", "2026-08-27")  # fmt: skip
    ok("signpost", "add", "Margaret", "--to", "St Mary's lunch club", "--category", "other",
       "--date", "2026-08-27")  # fmt: skip
    ok("new-referral", "--name", "Peter Pending", "--referral-date", "2026-11-01",
       "--no-triggers")  # fmt: skip
    return "Margaret"


GUIDED_FORMS = [
    ("new-referral",),
    ("visit", "log", "Margaret"),
    ("goal", "add", "Margaret"),
    ("goal", "review", "Margaret", "1"),
    ("signpost", "outcome", "1"),
    ("close", "Margaret"),
    ("measure", "skip", "Margaret", "ucla3"),
    ("ucla", "score", "--person", "Margaret"),
    ("swemwbs", "score", "--person", "Margaret", "--stage", "baseline"),
    ("referral", "decline", "Peter"),
    ("what-matters", "Margaret"),
]


@pytest.mark.parametrize("form", GUIDED_FORMS, ids=" ".join)
def test_bare_enters_through_a_guided_form_save_nothing(db_path, margaret, form):
    before = snapshot(db_path)
    result = answer(ENTER * 40, *form)
    assert result.exit_code == 1, result
    assert "Traceback" not in result.stderr
    assert snapshot(db_path) == before


def test_no_preselected_answer_and_save_is_asked_with_no_as_default(db_path, margaret):
    before = snapshot(db_path)
    # Three answers chosen, the direct question skipped, then Enter at "Save these answers?"
    result = answer(pick(0) * 3 + pick(5) + ENTER, "ucla", "score", "--person", "Margaret",
                    "--stage", "baseline")  # fmt: skip
    assert result.exit_code == 1 and "Not saved" in result.stderr
    assert "UCLA loneliness score 3" in result.stderr  # the score is shown before the question
    assert snapshot(db_path) == before
    saved = answer(pick(0) * 3 + pick(5) + SAVE, "ucla", "score", "--person", "Margaret",
                   "--stage", "baseline")  # fmt: skip
    assert saved.exit_code == 0, saved
    assert rows(db_path, "SELECT stage, score FROM measures") == [{"stage": "baseline", "score": 3}]


def test_ctrl_c_in_close_after_one_questionnaire_offers_to_keep_it(db_path, margaret):
    keys = pick(0) + pick(0) * 3 + pick(5) + SAVE + CTRL_C  # UCLA answered; then Ctrl-C
    before = snapshot(db_path)
    declined = answer(
        keys + ENTER, "close", "Margaret", "--reason", "planned", "--date", "2026-11-13"
    )  # fmt: skip  (Enter: do not keep)
    assert declined.exit_code == 1 and "Cancelled: nothing was saved." in declined.stderr
    assert snapshot(db_path) == before
    kept = answer(keys + "y", "close", "Margaret", "--reason", "planned", "--date", "2026-11-13")
    assert kept.exit_code == 1 and "Not closed. Kept 1 end measure" in kept.stderr
    assert rows(db_path, "SELECT instrument, stage, date, score FROM measures") == [
        {"instrument": "ucla3", "stage": "end", "date": "2026-11-13", "score": 3}
    ]
    assert rows(db_path, "SELECT closure_date FROM episodes WHERE id = 1") == [
        {"closure_date": None}
    ]
    # Closing afterwards asks only for the end measures still missing.
    done = answer(pick(1) + pick(1), "close", "Margaret", "--reason", "planned",
                  "--date", "2026-11-13")  # fmt: skip
    assert done.exit_code == 0, done
    assert "UCLA" not in done.stderr.split("not yet taken:")[1].split(".")[0]


def test_close_asks_the_sub_reason_and_the_date(db_path, margaret):
    # choice (2nd), needs-met (1st), then the date typed
    keys = pick(1) + pick(0) + "2026-11-13" + ENTER + pick(4) * 3
    result = answer(keys, "close", "Margaret")
    assert result.exit_code == 0, result
    assert rows(
        db_path,
        "SELECT closure_date, closure_reason, closure_sub_reason FROM episodes WHERE id = 1",
    ) == [  # fmt: skip
        {
            "closure_date": "2026-11-13",
            "closure_reason": "choice",
            "closure_sub_reason": "needs-met",
        }
    ]


def test_a_closed_episode_is_refused_before_any_question(db_path, margaret):
    ok("close", "Margaret", "--reason", "planned", "--date", "2026-11-13", "--no-input")
    for form in (("close", "Margaret"), ("goal", "add", "Margaret")):
        result = answer("", *form)
        assert result.exit_code == 1 and "closed on 2026-11-13" in result.stderr, form
        assert "Cancelled" not in result.stderr


def _screen(keys: str, *args: str) -> str:
    """What a terminal shows while `connector ARGS` runs with `keys` typed."""
    import io
    import os

    from conftest import run
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.data_structures import Size
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.vt100 import Vt100_Output

    screen = io.StringIO()
    output = Vt100_Output(screen, lambda: Size(rows=30, columns=200), enable_cpr=False)
    os.environ["CONNECTOR_INTERACTIVE"] = "1"
    try:
        with create_pipe_input() as pipe, create_app_session(input=pipe, output=output):
            pipe.send_text(keys)
            pipe.close()
            assert run(*args).exit_code == 0
    finally:
        os.environ["CONNECTOR_INTERACTIVE"] = "0"
    return screen.getvalue()


def test_goal_review_and_signpost_outcome_name_what_they_ask_about(db_path, margaret):
    shown = _screen(pick(0), "goal", "review", "Margaret", "1")
    assert 'Progress on Margaret Hughes\'s goal 1, "Go back to the lunch club"' in shown
    shown = _screen(pick(0), "signpost", "outcome", "1")
    assert "Margaret Hughes's signpost to St Mary's lunch club (2026-08-27)" in shown


def test_an_ambiguous_name_offers_a_picker_at_a_terminal(db_path):
    ok("new-referral", "--name", "Joan Price", "--area", "Docks", "--dob", "02/05/1948")
    ok("new-referral", "--name", "Joan Prior", "--area", "Hill")
    result = answer(pick(1), "show", "joan", "--json")
    assert result.exit_code == 0, result
    assert result.json()["person"]["name"] == "Joan Prior"
    listed = refused("show", "joan")  # no terminal: the matches are listed
    assert (
        "'joan' matches 2 people: 1 Joan Price (born 1948-05-02, Docks); "
        "2 Joan Prior (no date of birth, Hill). Use the number." in listed.stderr
    )
    no_input = answer("", "goal", "add", "joan", "--no-input")
    assert no_input.exit_code == 1 and "matches 2 people" in no_input.stderr


def test_no_input_names_the_flag(db_path, margaret):
    for form, flag in (
        (("goal", "add", "Margaret"), "TEXT"),
        (("referral", "decline", "Peter"), "--reason"),
        (("close", "Margaret"), "--reason"),
        (("measure", "skip", "Margaret", "ucla3"), "--stage"),
    ):
        result = answer("", *form, "--no-input")
        assert result.exit_code == 1 and flag in result.stderr, (form, result.stderr)
