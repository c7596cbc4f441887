"""Questionnaires through the real CLI: scoring, recording, refusals, skips, `show`."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys

import pytest
from conftest import ok, refused, rows, run, snapshot

# measures.md §2, copied by hand: raw score -> metric score.
SWEMWBS_TABLE = {
    7: 7.00, 8: 9.51, 9: 11.25, 10: 12.40, 11: 13.33, 12: 14.08, 13: 14.75, 14: 15.32,
    15: 15.84, 16: 16.36, 17: 16.88, 18: 17.43, 19: 17.98, 20: 18.59, 21: 19.25, 22: 19.98,
    23: 20.73, 24: 21.54, 25: 22.35, 26: 23.21, 27: 24.11, 28: 25.03, 29: 26.02, 30: 27.03,
    31: 28.13, 32: 29.31, 33: 30.70, 34: 32.55, 35: 35.00,
}  # fmt: skip
ONS4_KEYS = ("life_satisfaction", "worthwhile", "happiness", "anxiety")
POSITIVE_BANDS = ["low"] * 5 + ["medium"] * 2 + ["high"] * 2 + ["very high"] * 2
ANXIETY_BANDS = ["very low"] * 2 + ["low"] * 2 + ["medium"] * 2 + ["high"] * 5


def paragraphs(text: str) -> list[str]:
    """The output's lines as written, before they were wrapped to the terminal: a continuation
    line (indented) is joined back to the line it continues."""
    joined: list[str] = []
    for line in text.splitlines():
        if line.startswith(" ") and joined:
            joined[-1] += " " + line.strip()
        else:
            joined.append(line)
    return joined


def one_sentence(result) -> None:
    message = result.stderr.strip()
    assert result.exit_code == 1, result
    assert "\n" not in message and message.endswith("."), message


@pytest.fixture
def margaret(db_path):
    ok(
        "new-referral", "--name", "Margaret Hughes", "--referral-date", "2026-09-01",
        "--source", "nhs-gp", "--age", "78", "--gender", "female", "--no-triggers",
    )  # fmt: skip
    ok("referral", "accept", "Margaret", "--date", "2026-09-02")
    ok("visit", "log", "Margaret", "--kind", "face-to-face", "--minutes", "60",
       "--location", "home", "--date", "2026-09-03")  # fmt: skip
    return "Margaret"


def measures(db_path) -> list[dict]:
    return rows(db_path, "SELECT * FROM measures ORDER BY id")


def answers(db_path, measure_id: int) -> dict:
    found = rows(db_path, "SELECT * FROM measure_answers WHERE measure_id = ?", [measure_id])
    return {a["item"]: (a["value"], a["answer"]) for a in found}


# --- Score only: every combination through the CLI ------------------------------------------


@pytest.mark.parametrize("combo", list(itertools.product((1, 2, 3), repeat=3)))
def test_ucla_all_27_combinations(db_path, combo):
    total = sum(combo)
    data = ok("ucla", "score", *combo, "--json").json()
    assert data == {
        "instrument": "ucla3",
        "answers": list(combo),
        "score": total,
        "band": "lonely" if total >= 6 else "not lonely",
        "most_lonely": total >= 8,
        "saved": False,
    }
    assert not db_path.exists()  # scoring alone never opens the database


@pytest.mark.parametrize(
    "combo, text",
    [
        ((1, 1, 1), "UCLA loneliness score 3 (range 3-9, higher is lonelier): not lonely (score 3–5)."),
        ((1, 2, 2), "UCLA loneliness score 5 (range 3-9, higher is lonelier): not lonely (score 3–5)."),
        ((2, 2, 2), "UCLA loneliness score 6 (range 3-9, higher is lonelier): lonely (score 6–9)."),
        ((3, 3, 2), "UCLA loneliness score 8 (range 3-9, higher is lonelier): lonely (score 6–9); most lonely (score 8–9)."),
        ((3, 3, 3), "UCLA loneliness score 9 (range 3-9, higher is lonelier): lonely (score 6–9); most lonely (score 8–9)."),
    ],
)  # fmt: skip
def test_ucla_vectors_read_honestly(combo, text):
    out = paragraphs(ok("ucla", "score", *combo).stdout)
    assert out[0] == text
    assert "statistical convention" in out[1] and "not a diagnosis" in out[1]
    assert out[-1] == "Not saved (no --person given)."


def test_ucla_direct_question(db_path):
    data = ok("ucla", "score", "2", "2", "3", "--lonely", "Often-Always", "--json").json()
    assert data["lonely_direct"] == "often-always" and data["score"] == 7
    text = ok("ucla", "score", "1", "1", "1", "--lonely", "never").stdout
    assert "How often they feel lonely: Never." in text
    result = refused(
        "ucla", "score", "1", "1", "1", "--lonely", "sometimes", contains="must be one of"
    )
    one_sentence(result)


def _answers_with_sum(raw: int) -> list[int]:
    answers, left = [], raw
    for place in range(7):
        value = min(5, left - (6 - place))
        answers.append(value)
        left -= value
    return answers


@pytest.mark.parametrize("raw", range(7, 36))
def test_swemwbs_all_29_raw_scores(db_path, raw):
    given = _answers_with_sum(raw)
    assert sum(given) == raw and all(1 <= a <= 5 for a in given)
    data = ok("swemwbs", "score", *given, "--json").json()
    assert data == {
        "instrument": "swemwbs",
        "answers": given,
        "raw": raw,
        "metric": SWEMWBS_TABLE[raw],
        "saved": False,
    }


@pytest.mark.parametrize(
    "given, raw, metric",
    [((1,) * 7, 7, "7.00"), ((3,) * 7, 21, "19.25"), ((4, 4, 4, 4, 4, 4, 5), 29, "26.02"),
     ((5,) * 7, 35, "35.00")],
)  # fmt: skip
def test_swemwbs_vectors_beside_the_england_mean(given, raw, metric):
    out = ok("swemwbs", "score", *given).stdout
    assert f"SWEMWBS metric score {metric} (raw score {raw}; range 7-35, higher is better)." in out
    assert "23.7 (men) and 23.2 (women)" in out and "no cut point" in out
    assert " low" not in out.lower()
    assert "©" not in out  # the notice goes with the items, not with a bare score


@pytest.mark.parametrize("value", range(11))
def test_ons4_every_value_every_item(value):
    data = ok("ons4", "score", value, value, value, value, "--json").json()
    positive = {"score": value, "band": POSITIVE_BANDS[value]}
    assert data == {
        "instrument": "ons4",
        "items": {
            "life_satisfaction": positive,
            "worthwhile": positive,
            "happiness": positive,
            "anxiety": {"score": value, "band": ANXIETY_BANDS[value]},
        },
        "saved": False,
    }


def test_ons4_reference_vectors_and_no_total():
    data = ok("ons4", "score", "4", "5", "9", "1", "--json").json()["items"]
    assert [data[k]["band"] for k in ONS4_KEYS] == ["low", "medium", "very high", "very low"]
    out = ok("ons4", "score", "4", "9", "7", "3").stdout
    assert "never added together" in out
    assert "Anxiety             3  low        (UK mean 2.9, lower is better)" in out
    assert "23" not in out  # 4 + 9 + 7 + 3: no total anywhere


REFUSED_SCORES = [
    (("ucla", "score", "1", "1"), "needs 3 answers"),
    (("ucla", "score", "1", "1", "1", "1"), "needs 3 answers"),
    (("ucla", "score", "1", "1", "4"), "must be 1-3; got 4"),
    (("ucla", "score", "0", "1", "1"), "must be 1-3; got 0"),
    (("ucla", "score", "-1", "1", "1"), "must be 1-3; got -1"),
    (("ucla", "score", "1", "two", "1"), "must be whole numbers"),
    (("ucla", "score", "1", "1.5", "1"), "must be whole numbers"),
    (("swemwbs", "score", "3", "3", "3", "3", "3", "3"), "needs 7 answers"),
    (("swemwbs", "score", "3", "3", "3", "3", "3", "3", "0"), "must be 1-5; got 0"),
    (("swemwbs", "score", "6", "3", "3", "3", "3", "3", "3"), "must be 1-5; got 6"),
    (("ons4", "score", "11", "5", "5", "5"), "must be 0-10; got 11"),
    (("ons4", "score", "5", "5", "5", "-1"), "must be 0-10; got -1"),
    (("ons4", "score", "5", "5", "5"), "needs 4 answers"),
    (("survey", "take", "djg6", "1", "2", "3", "4", "1", "1"), "must be 1-3; got 4"),
    (("survey", "take", "wemwbs", "3"), "needs 14 answers"),
    (("survey", "take", "phq9", "1"), "Unknown instrument"),
]


@pytest.mark.parametrize("args, message", REFUSED_SCORES)
def test_bad_answers_refused_in_one_sentence(db_path, args, message):
    one_sentence(refused(*args, contains=message))
    assert not db_path.exists()


@pytest.mark.parametrize("args, message", REFUSED_SCORES[:-1])
def test_bad_answers_refused_when_recording_and_nothing_stored(db_path, margaret, args, message):
    before = snapshot(db_path)
    result = refused(*args, "--person", margaret, "--stage", "baseline", contains=message)
    one_sentence(result)
    assert snapshot(db_path) == before


def test_bad_answers_name_the_item_as_people_know_it(db_path):
    one_sentence(refused("ons4", "score", "5", "5", "11", "5",
                         contains="ONS4 personal wellbeing answer 3 (happiness) must be 0-10; got 11."))  # fmt: skip
    one_sentence(refused("ucla", "score", "1", "4", "1",
                         contains="UCLA loneliness answer 2 (left out) must be 1-3; got 4."))  # fmt: skip
    result = refused("swemwbs", "score", "3", "3", "3", "0", "3", "3", "3",
                     contains="SWEMWBS answer 4 (dealing with problems) must be 1-5; got 0.")  # fmt: skip
    assert "_" not in result.stderr  # no stored keys such as 'dealing_with_problems'


def test_no_answers_without_a_terminal_names_them():
    result = refused("ucla", "score", contains="give the 3 UCLA loneliness answers (1-3 each)")
    one_sentence(result)
    refused("swemwbs", "score", contains="give the 7 SWEMWBS answers (1-5 each)")
    refused("ons4", "score", contains="give the 4 ONS4 personal wellbeing answers (0-10 each)")


def test_unknown_option_is_a_usage_error():
    result = run("ucla", "score", "1", "1", "1", "--jsn")
    assert result.exit_code == 2 and "No such option: --jsn" in result.stderr


def test_score_only_is_lean(tmp_path):
    """The bare score imports neither questionary nor sqlite-utils nor Rich, and opens no file.
    (Typer 0.29 itself imports pydantic for any subcommand's --help option, so that one is
    out of our hands.)"""
    code = (
        "import sys\n"
        "sys.argv = ['connector', 'ucla', 'score', '1', '1', '1']\n"
        "from connector_cli.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('questionary', 'sqlite_utils', 'rich', 'dateutil', 'prompt_toolkit')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n"
    )
    env = {**os.environ, "CONNECTOR_DB": str(tmp_path / "never.db")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.stdout.splitlines()[-1] == "[]", done.stdout + done.stderr
    assert not (tmp_path / "never.db").exists()


# --- Recording -------------------------------------------------------------------------------


def test_record_ucla_stores_every_answer(db_path, margaret):
    data = ok(
        "ucla", "score", "3", "3", "2", "--lonely", "often-always", "--person", margaret,
        "--stage", "baseline", "--date", "2026-09-03", "--json",
    ).json()  # fmt: skip
    assert data["saved"] is True and data["score"] == 8
    [m] = measures(db_path)
    assert {k: m[k] for k in ("episode_id", "instrument", "version", "stage", "date")} == {
        "episode_id": 1,
        "instrument": "ucla3",
        "version": "ons-2018",
        "stage": "baseline",
        "date": "2026-09-03",
    }
    assert (m["score"], m["raw"], m["administered_by"], m["skipped_reason"]) == (
        8,
        None,
        "connector",
        None,
    )
    assert answers(db_path, m["id"]) == {
        "companionship": (3, "Often"),
        "left_out": (3, "Often"),
        "isolated": (2, "Some of the time"),
        "lonely_direct": (None, "often-always"),
    }


def test_record_swemwbs_metric_and_raw(db_path, margaret):
    out = ok(
        "swemwbs", "score", "2", "3", "2", "3", "2", "3", "2", "--person", "1",
        "--stage", "baseline", "--date", "03/09/2026", "--by", "volunteer",
    ).stdout  # fmt: skip
    assert "Saved: Margaret Hughes's baseline SWEMWBS, 2026-09-03 (measure 1)." in out
    [m] = measures(db_path)
    assert (m["score"], m["raw"], m["administered_by"]) == (16.88, 17, "volunteer")
    assert answers(db_path, m["id"]) == {
        "optimistic": (2, "Rarely"),
        "useful": (3, "Some of the time"),
        "relaxed": (2, "Rarely"),
        "dealing_with_problems": (3, "Some of the time"),
        "thinking_clearly": (2, "Rarely"),
        "close_to_others": (3, "Some of the time"),
        "own_mind": (2, "Rarely"),
    }


def test_record_ons4_items_only(db_path, margaret):
    ok("ons4", "score", "4", "5", "6", "7", "--person", margaret, "--stage", "baseline")
    [m] = measures(db_path)
    assert (m["score"], m["raw"], m["date"]) == (None, None, "2026-11-20")
    assert answers(db_path, m["id"]) == {
        "life_satisfaction": (4, "4"),
        "worthwhile": (5, "5"),
        "happiness": (6, "6"),
        "anxiety": (7, "7"),
    }


def test_record_optional_instrument_through_survey_take(db_path, margaret):
    data = ok(
        "survey", "take", "djg6", "1", "2", "3", "1", "2", "3", "--person", margaret,
        "--stage", "baseline", "--json",
    ).json()  # fmt: skip
    assert data == {
        "instrument": "djg6",
        "answers": [1, 2, 3, 1, 2, 3],
        "score": 4,
        "subscores": {"emotional": 2, "social": 2},
        "saved": True,
    }
    [m] = measures(db_path)
    assert (m["instrument"], m["version"], m["score"]) == ("djg6", "1.0", 4)
    assert answers(db_path, m["id"])["emptiness"] == (1, "Yes")


def test_stored_scores_can_be_recomputed(db_path, margaret):
    from connector_cli.measures import rescore
    from connector_cli.store import connect

    ok(
        "ucla",
        "score",
        "2",
        "3",
        "1",
        "--lonely",
        "never",
        "--person",
        margaret,
        "--stage",
        "baseline",
    )
    ok(
        "swemwbs",
        "score",
        "5",
        "4",
        "3",
        "2",
        "1",
        "2",
        "3",
        "--person",
        margaret,
        "--stage",
        "baseline",
    )
    ok("ons4", "score", "1", "2", "3", "4", "--person", margaret, "--stage", "baseline")
    ok("survey", "take", "wemwbs", *["4"] * 14, "--person", margaret, "--stage", "baseline")
    conn = connect(db_path)
    try:
        for m in measures(db_path):
            again = rescore(conn, m["id"])
            assert (again.score, again.raw) == (m["score"], m["raw"])
        assert rescore(conn, 1).extra == {"lonely_direct": "never"}
        assert rescore(conn, 3).item_bands["anxiety"] == "medium"
    finally:
        conn.close()


RECORD_REFUSALS = [
    (("--stage", "baseline", "--date", "2026-08-31"), "before the referral date (2026-09-01)"),
    (("--stage", "baseline", "--date", "2026-11-21"), "is in the future"),
    (("--stage", "follow-up"), "not closed"),
    (("--stage", "week-6"), "Unknown stage 'week-6'"),
    (("--stage", "baseline", "--by", "nurse"), "Unknown administered-by 'nurse'"),
    (("--stage", "baseline", "--episode", "7"), "Episode 7 is not one of"),
]


@pytest.mark.parametrize("flags, message", RECORD_REFUSALS)
def test_recording_refusals_store_nothing(db_path, margaret, flags, message):
    before = snapshot(db_path)
    one_sentence(
        refused("ucla", "score", "1", "2", "3", "--person", margaret, *flags, contains=message)
    )
    assert snapshot(db_path) == before


def test_unknown_person_and_missing_stage(db_path, margaret):
    before = snapshot(db_path)
    refused("ucla", "score", "1", "2", "3", "--person", "Nobody", "--stage", "baseline",
            contains="No person matches 'Nobody'")  # fmt: skip
    refused(
        "ucla", "score", "1", "2", "3", "--person", margaret, contains="Missing stage: give --stage"
    )
    refused("ucla", "score", "1", "2", "3", "--stage", "baseline", contains="add --person")
    refused("ucla", "score", "1", "2", "3", "--date", "2026-09-03", contains="add --person")
    assert snapshot(db_path) == before


@pytest.mark.parametrize("status", ["decline", "fail"])
def test_no_measures_on_declined_or_failed_referrals(db_path, status):
    ok("new-referral", "--name", "Bob Stone", "--referral-date", "2026-10-01", "--no-triggers")
    ok("referral", status, "Bob", "--reason", "Did not want support", "--date", "2026-10-02")
    before = snapshot(db_path)
    for args in (
        ("ucla", "score", "1", "1", "1", "--person", "Bob", "--stage", "baseline"),
        ("measure", "skip", "Bob", "ucla", "--stage", "baseline", "--reason", "declined"),
    ):
        one_sentence(refused(*args, contains="no measures can be recorded on it"))
    assert snapshot(db_path) == before


def test_review_needs_an_accepted_referral(db_path):
    ok("new-referral", "--name", "Bob Stone", "--referral-date", "2026-10-01", "--no-triggers")
    ok("ucla", "score", "1", "1", "1", "--person", "Bob", "--stage", "baseline")  # allowed
    refused("ucla", "score", "1", "1", "1", "--person", "Bob", "--stage", "review",
            contains="needs an accepted referral; this one is pending")  # fmt: skip


def test_one_score_per_stage_and_remove_to_correct(db_path, margaret):
    ok(
        "ucla",
        "score",
        "3",
        "3",
        "3",
        "--person",
        margaret,
        "--stage",
        "baseline",
        "--date",
        "2026-09-03",
    )
    before = snapshot(db_path)
    result = refused("ucla", "score", "2", "2", "2", "--person", margaret, "--stage", "baseline",
                     contains="already recorded on 2026-09-03 (measure 1)")  # fmt: skip
    assert "connector measure remove 1" in result.stderr
    refused("measure", "remove", "1", contains="add --yes")
    refused("measure", "remove", "9", "--yes", contains="No measure number 9")
    assert snapshot(db_path) == before
    ok("measure", "remove", "1", "--yes")
    assert measures(db_path) == [] and rows(db_path, "SELECT * FROM measure_answers") == []
    ok("ucla", "score", "2", "2", "2", "--person", margaret, "--stage", "baseline")
    audit = rows(db_path, "SELECT action, detail FROM audit_log")
    assert audit == [
        {"action": "measure-remove", "detail": '{"instrument": "ucla3", "stage": "baseline"}'}
    ]


def test_end_and_follow_up_dates_around_closure(db_path, margaret):
    ok("close", margaret, "--reason", "planned", "--date", "2026-09-10")
    ucla = ("ucla", "score", "1", "1", "1", "--person", margaret)
    refused(*ucla, "--stage", "end", "--date", "2026-09-02",
            contains="must be dated from 2026-09-03 to 2026-10-08")  # fmt: skip
    refused(*ucla, "--stage", "end", "--date", "2026-10-09", contains="not 2026-10-09")
    refused(*ucla, "--stage", "baseline", "--date", "2026-09-11",
            contains="on or before the closure (2026-09-10)")  # fmt: skip
    refused(*ucla, "--stage", "follow-up", "--date", "2026-11-18",
            contains="must be dated from 2026-11-19")  # fmt: skip
    ok(*ucla, "--stage", "end", "--date", "2026-09-03")
    ok(*ucla, "--stage", "follow-up", "--date", "2026-11-19")  # 10 weeks after closure
    ok(*ucla, "--stage", "baseline", "--date", "2026-09-10")
    assert [m["stage"] for m in measures(db_path)] == ["end", "follow-up", "baseline"]


def test_nothing_after_a_death(db_path, margaret):
    ok("close", margaret, "--reason", "died", "--date", "2026-09-10")
    refused("ucla", "score", "1", "1", "1", "--person", margaret, "--stage", "end",
            "--date", "2026-09-10", contains="the person died")  # fmt: skip


# --- Not collected -----------------------------------------------------------------------


def test_skip_satisfies_the_stage_and_a_score_can_follow(db_path, margaret):
    made = ok("measure", "skip", margaret, "swemwbs", "--stage", "baseline",
              "--reason", "declined", "--date", "2026-09-03", "--json").json()  # fmt: skip
    assert made == {"measure_ids": [1]}
    [m] = measures(db_path)
    assert (m["instrument"], m["stage"], m["skipped_reason"], m["score"]) == (
        "swemwbs",
        "baseline",
        "declined",
        None,
    )
    assert m["version"] == "1.0" and answers(db_path, 1) == {}
    refused("measure", "skip", margaret, "swemwbs", "--stage", "baseline", "--reason", "declined",
            contains="already recorded as not collected on 2026-09-03 (declined)")  # fmt: skip
    ok("swemwbs", "score", *["3"] * 7, "--person", margaret, "--stage", "baseline")  # changed mind
    refused("measure", "skip", margaret, "swemwbs", "--stage", "baseline", "--reason", "declined",
            contains="already recorded on")  # fmt: skip


def test_skip_all_and_refusals(db_path, margaret):
    ok("ucla", "score", "1", "1", "1", "--person", margaret, "--stage", "baseline")
    before = snapshot(db_path)
    refused("measure", "skip", margaret, "ucla", "--stage", "baseline", "--reason", "busy",
            contains="Unknown reason for not collecting 'busy'")  # fmt: skip
    refused("measure", "skip", margaret, "phq9", "--stage", "baseline", "--reason", "declined",
            contains="Unknown instrument")  # fmt: skip
    refused("measure", "skip", margaret, "all", "--stage", "baseline", contains="Missing reason")
    assert snapshot(db_path) == before
    out = ok("measure", "skip", margaret, "all", "--stage", "baseline",
             "--reason", "not-appropriate").stdout  # fmt: skip
    assert "not collected (not-appropriate): Margaret Hughes's baseline SWEMWBS, ONS4" in out
    stored = [(m["instrument"], m["skipped_reason"]) for m in measures(db_path)]
    assert stored == [("ucla3", None), ("swemwbs", "not-appropriate"), ("ons4", "not-appropriate")]
    refused("measure", "skip", margaret, "all", "--stage", "baseline", "--reason", "declined",
            contains="Every baseline measure is already recorded")  # fmt: skip


# --- Instruments and listing ---------------------------------------------------------------


def test_survey_list_and_show():
    listed = ok("survey", "list", "--json").json()["instruments"]
    assert [(i["id"], i["items"], i["default"]) for i in listed] == [
        ("ucla3", 3, True), ("swemwbs", 7, True), ("ons4", 4, True),
        ("wemwbs", 14, False), ("djg6", 6, False),
    ]  # fmt: skip
    form = ok("survey", "show", "swemwbs").stdout
    assert (
        "Short Warwick Edinburgh Mental Wellbeing Scale (SWEMWBS) © NHS Health Scotland, "
        "University of Warwick and University of Edinburgh, 2008, all rights reserved."
        in paragraphs(form)
    )
    assert "1. I've been feeling optimistic about the future" in form
    assert "None of the time = 1 · Rarely = 2 · Some of the time = 3 · Often = 4" in " ".join(
        form.split()
    )
    assert "©" in ok("survey", "show", "wemwbs").stdout
    ucla = ok("survey", "show", "ucla").stdout
    assert "Also asked: How often do you feel lonely?" in ucla and "©" not in ucla
    ons4 = ok("survey", "show", "ons4").stdout
    assert "0 - not at all anxious" in ons4


def test_measure_list_wraps_under_its_result_column(db_path, margaret, monkeypatch):
    ok("ons4", "score", "4", "5", "6", "7", "--person", margaret, "--stage", "baseline",
       "--by", "volunteer")  # fmt: skip
    ok("ucla", "score", "1", "1", "1", "--lonely", "some-of-the-time", "--person", margaret,
       "--stage", "baseline")  # fmt: skip
    monkeypatch.setenv("COLUMNS", "60")
    lines = ok("measure", "list", margaret).stdout.splitlines()
    assert lines[0] == "   #  Date        Measure  Stage      Result [who asked]"
    column = lines[0].index("Result")
    assert lines[1:6] == [
        "   1  2026-11-20  ONS4     baseline   life satisfaction 4,",
        " " * column + "worthwhile 5,",
        " " * column + "happiness 6,",
        " " * column + "anxiety 7",  # an answer never wraps away from its item
        " " * column + "[by volunteer]",  # nor "by" from who
    ]
    assert lines[6:9] == [
        "   2  2026-11-20  UCLA     baseline   3; feels lonely: some",
        " " * column + "of the time",
        " " * column + "[by connector]",
    ]
    assert all(len(line) < 60 for line in lines)


def test_measure_list(db_path, margaret):
    assert "No measures recorded" in ok("measure", "list", margaret).stdout
    ok("ons4", "score", "4", "5", "6", "7", "--person", margaret, "--stage", "baseline")
    ok("measure", "skip", margaret, "ucla", "--stage", "baseline", "--reason", "declined")
    out = ok("measure", "list", margaret).stdout
    # named as people know them; the keys stay in --json
    assert "ONS4     baseline   life satisfaction 4, worthwhile 5, happiness 6, anxiety 7" in out
    assert "UCLA     baseline   not collected (declined)" in out
    assert "life_satisfaction" not in out and "ucla3" not in out
    data = ok("measure", "list", margaret, "--json").json()
    assert data["measures"][0]["items"] == {
        "life_satisfaction": 4, "worthwhile": 5, "happiness": 6, "anxiety": 7,
    }  # fmt: skip


# --- At 80 columns: wrapped between words, continuation lines indented ------------------------


def flat(text: str) -> str:
    return " ".join(text.split())


def test_human_text_is_wrapped_to_an_80_column_terminal(db_path, margaret, monkeypatch):
    _full_story(margaret)
    monkeypatch.setenv("COLUMNS", "80")
    ucla = ok("ucla", "score", "3", "3", "3", "--lonely", "often-always").stdout
    swemwbs = ok("swemwbs", "score", *"4444445").stdout
    shown = {
        "ucla": ucla,
        "swemwbs": swemwbs,
        "ons4": ok("ons4", "score", "4", "9", "7", "3").stdout,
        "measure list": ok("measure", "list", margaret).stdout,
        "survey list": ok("survey", "list").stdout,
        "show": ok("show", margaret).stdout,
        **{f"survey show {i}": ok("survey", "show", i).stdout for i in
           ("ucla3", "swemwbs", "ons4", "wemwbs", "djg6")},
    }  # fmt: skip
    for what, text in shown.items():
        too_long = [line for line in text.splitlines() if len(line) > 80]
        assert too_long == [], what
    # nothing lost or split: the words read as before, and a continuation line is indented
    assert (
        "UCLA loneliness score 9 (range 3-9, higher is lonelier): lonely (score 6–9); "
        "most lonely (score 8–9). Bands are a statistical convention used by UK connector "
        "programme evaluations, not a diagnosis." in flat(ucla)
    )
    assert ucla.splitlines()[1] == "  most lonely (score 8–9)."
    assert "Health Survey for England 2010–13 (Ng Fat et al. 2017)." in flat(swemwbs)
    assert swemwbs.splitlines()[2].startswith("  ")
    form = shown["survey show ons4"].splitlines()
    assert form[form.index("   your life are worthwhile?") - 1] == (
        "2. Worthwhile: Overall, to what extent do you feel that the things you do in"
    )
    # the measures part of `show`: continuation lines sit under the line they continue
    story = shown["show"].splitlines()
    due = story.index("Due next: follow-up UCLA, SWEMWBS, ONS4 - from 2027-01-25 to 2027-02-28")
    assert story[due - 1].startswith("    Anxiety (lower is better) 7 → 5 → 3")
    # --json is not wrapped
    assert json.loads(ok("swemwbs", "score", *"4444445", "--json").stdout)["metric"] == 26.02


def test_score_help_is_wrapped_as_paragraphs(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    for args in (("ucla", "score"), ("swemwbs", "score"), ("ons4", "score"), ("survey", "take")):
        text = ok(*args, "--help").stdout
        assert "Left out, they are asked one by one." in flat(text), args
        # The description is filled line by line: no line is cut short where the source
        # happened to break (it was "they are" / "asked one by one.").
        described = [line.strip() for line in text[: text.index("╭")].splitlines()]
        for line, after in zip(described, described[1:], strict=False):
            if line and after:
                assert len(line) + 1 + len(after.split()[0]) > 76, (line, after)


def test_measure_remove_names_the_instrument(db_path, margaret):
    ok("ons4", "score", "4", "5", "6", "7", "--person", margaret, "--stage", "baseline")
    out = ok("measure", "remove", "1", "--yes").stdout
    assert out == "Removed measure 1 (ONS4 personal wellbeing baseline, 2026-11-20).\n"


# --- show: trajectories, honest labels, due next --------------------------------------------


def _full_story(margaret):
    person = ("--person", margaret)
    ok(
        "ucla",
        "score",
        "3",
        "3",
        "2",
        "--lonely",
        "often-always",
        *person,
        "--stage",
        "baseline",
        "--date",
        "2026-09-03",
    )
    ok(
        "swemwbs",
        "score",
        "2",
        "3",
        "2",
        "3",
        "2",
        "3",
        "2",
        *person,
        "--stage",
        "baseline",
        "--date",
        "2026-09-03",
    )
    ok("ons4", "score", "4", "5", "4", "7", *person, "--stage", "baseline", "--date", "2026-09-03")
    ok("ucla", "score", "2", "2", "2", *person, "--stage", "review", "--date", "2026-10-12")
    ok(
        "measure",
        "skip",
        margaret,
        "swemwbs",
        "--stage",
        "review",
        "--reason",
        "declined",
        "--date",
        "2026-10-12",
    )
    ok("ons4", "score", "6", "6", "6", "5", *person, "--stage", "review", "--date", "2026-10-12")
    ok("close", margaret, "--reason", "planned", "--date", "2026-11-16")
    ok(
        "ucla",
        "score",
        "1",
        "2",
        "2",
        "--lonely",
        "occasionally",
        *person,
        "--stage",
        "end",
        "--date",
        "2026-11-16",
    )
    ok(
        "swemwbs",
        "score",
        "4",
        "4",
        "3",
        "4",
        "3",
        "4",
        "4",
        *person,
        "--stage",
        "end",
        "--date",
        "2026-11-16",
    )
    ok("ons4", "score", "7", "8", "7", "3", *person, "--stage", "end", "--date", "2026-11-16")  # fmt: skip


def test_show_trajectory_with_honest_labels(db_path, margaret):
    _full_story(margaret)
    out = ok("show", margaret).stdout
    lines = [line.rstrip() for line in out.splitlines()]
    start = lines.index("Measures")
    block = lines[start:]
    assert block[1] == "  UCLA  8 → 6 → 5  (baseline → review → end)"
    assert block[2] == "    lonely → lonely → not lonely; change -3, lower is better"
    assert (
        block[3] == "    Bands are a statistical convention, not a diagnosis: lonely = score 6–9."
    )
    assert block[4] == "    Feels lonely: baseline often/always → end occasionally"
    assert (
        block[5] == "  SWEMWBS  16.88 → not collected (declined) → 23.21  (baseline → review → end)"
    )
    assert (
        block[6]
        == "    change +6.33, higher is better; England mean 23.7 men, 23.2 women; no cut point"
    )
    assert block[7].startswith("  ONS4  (baseline → review → end; items are")
    assert block[8] == "    Life satisfaction         4 → 6 → 7  low → medium → high  (UK mean 7.7)"
    assert (
        block[11] == "    Anxiety (lower is better) 7 → 5 → 3  high → medium → low  (UK mean 2.9)"
    )
    swemwbs = "\n".join(block[5:7]).lower()
    assert "low" not in swemwbs.replace("lower", "")
    assert block[12] == "Due next: follow-up UCLA, SWEMWBS, ONS4 - from 2027-01-25 to 2027-02-28"


def test_show_json_carries_due_and_trajectory(db_path, margaret):
    ok(
        "ucla",
        "score",
        "3",
        "3",
        "2",
        "--person",
        margaret,
        "--stage",
        "baseline",
        "--date",
        "2026-09-03",
    )
    episode = ok("show", margaret, "--json").json()["episode"]
    due = {(d["instrument"], d["stage"]): d["status"] for d in episode["measures_due"]}
    # Support started 2026-09-03; today 2026-11-20 is in week 12, the last: end measures and
    # closing are due, a review never taken is no longer chased.
    assert due == {
        ("swemwbs", "baseline"): "overdue", ("ons4", "baseline"): "overdue",
        ("ucla3", "end"): "due", ("swemwbs", "end"): "due", ("ons4", "end"): "due",
    }  # fmt: skip
    assert episode["next_step"]["what"] == "closure"
    [line] = episode["measures_trajectory"]
    assert line["points"] == [
        {"stage": "baseline", "date": "2026-09-03", "measure_id": 1, "score": 8, "band": "lonely"}
    ]
    assert episode["measures"][0]["items"] == {"companionship": 3, "left_out": 3, "isolated": 2}
    out = paragraphs(ok("show", margaret).stdout)
    # Only what `connector check` reports is called overdue (baseline UCLA was taken; check
    # asks for nothing else at baseline, nor for reviews); the rest is not yet asked.
    assert (
        "Due next: baseline SWEMWBS, ONS4 - not yet asked (first support contact 2026-09-03; "
        "only UCLA is required)" in out
    )
    assert "Next step: closure + end measures by 2026-11-25" in out
    assert not [line for line in out if "review" in line]
    assert not [line for line in out if "overdue" in line]
    measure_rules = {"baseline-ucla-missing", "end-measures-missing", "follow-up-overdue"}
    assert not [p for p in run("check", "--json").json()["problems"] if p["rule"] in measure_rules]


def test_show_before_any_measure(db_path):
    ok("new-referral", "--name", "Bob Stone", "--referral-date", "2026-11-01", "--no-triggers")
    out = ok("show", "Bob").stdout
    assert "Measures: none recorded yet" in out
    assert "Due next: baseline measures, once the referral is accepted." in out
    ok("referral", "accept", "Bob", "--date", "2026-11-02")
    out = ok("show", "Bob").stdout
    assert (
        "Due next: baseline UCLA, SWEMWBS, ONS4 - now, before or at the first support contact"
        in out
    )


def test_json_is_one_object(db_path, margaret):
    for args in (
        ("ucla", "score", "1", "2", "3", "--json"),
        ("survey", "list", "--json"),
        ("measure", "list", margaret, "--json"),
    ):
        json.loads(ok(*args).stdout)


def test_ons4_stage_not_collected_is_a_dash_never_a_number(db_path, margaret):
    ok("ons4", "score", "3", "4", "5", "8", "--person", margaret, "--stage", "baseline")
    ok("measure", "skip", margaret, "ons4", "--stage", "review", "--reason", "not-appropriate")
    out = ok("show", margaret).stdout
    assert "  ONS4  (baseline → review not collected (not-appropriate); items are" in out
    assert "    Anxiety (lower is better) 8 → -  high  (UK mean 2.9)" in out
