"""`caseload`, `show` and `check` ask one engine (due.py) what is due next, so they agree on
every episode of a generated demo: the same next step, and `show` calls a measure overdue
exactly where `check` reports it missing while it can still be asked. `check` by default looks
only at current work: everything it could still ask is in it, and it reports nothing `check
--all` does not."""

from __future__ import annotations

import re

from conftest import ok, rows, run

from connector_cli.measures_due import check_reports

MEASURE_RULES = {"baseline-ucla-missing", "end-measures-missing", "follow-up-overdue"}
SCORE_COMMANDS = {"ucla score": "ucla3", "swemwbs score": "swemwbs", "ons4 score": "ons4"}


def _checked(problems: list[dict]) -> set[tuple[int, str, str]]:
    """(episode, instrument, stage) that `check` says to ask now (not record as skipped)."""
    found = set()
    for p in problems:
        if p["rule"] not in MEASURE_RULES or "measure skip" in p["fix"]:
            continue
        asked = re.search(
            r"connector (ucla score|swemwbs score|ons4 score|survey take (\w+))", p["fix"]
        )
        instrument = SCORE_COMMANDS.get(asked.group(1)) or asked.group(2)
        stage = re.search(r"--stage (\S+)", p["fix"]).group(1)
        found.add((p["episode_id"], instrument, stage))
    return found


def _shown(db_path) -> tuple[set[tuple[int, str, str]], dict[int, dict | None]]:
    """What `show` calls overdue (and check reports), and its next step, for every episode."""
    from connector_cli import people
    from connector_cli.store import connect

    overdue, steps = set(), {}
    conn = connect(db_path)
    try:
        for episode in rows(db_path, "SELECT id, person_id FROM episodes"):
            story = people.person_story(conn, str(episode["person_id"]), episode["id"])["episode"]
            asked = {m["instrument"] for m in story["measures"] if m["stage"] == "baseline"}
            for d in story["measures_due"]:
                if d["status"] == "overdue" and check_reports(d["instrument"], d["stage"], asked):
                    overdue.add((episode["id"], d["instrument"], d["stage"]))
            steps[episode["id"]] = story["next_step"]
    finally:
        conn.close()
    return overdue, steps


def test_caseload_show_and_check_agree_over_a_demo(db_path):
    ok("demo", "--people", "200", "--quiet")
    caseload = ok("caseload", "--json").json()
    problems = run("check", "--json").json()["problems"]  # exit 1: it finds gaps
    everything = run("check", "--all", "--json").json()["problems"]
    overdue, steps = _shown(db_path)
    assert overdue == _checked(problems) == _checked(everything)
    assert len(overdue) > 5  # the demo has gaps to agree on
    # The default is the whole history's problems less those of finished work: the demo's
    # year has some (left to --all), and the default finds none of its own.
    assert [p for p in everything if p in problems] == problems
    assert len(everything) > len(problems)
    assert caseload["open"]
    for item in caseload["open"]:
        step = steps[item["episode_id"]]
        assert {**item["next_due"], "instruments": list(item["next_due"]["instruments"])} == {
            **step,
            "instruments": list(step["instruments"]),
        }, item["episode_id"]
    # Closed or decided episodes have no next step in `show` and are not on the caseload.
    on_caseload = {item["episode_id"] for item in caseload["open"]}
    assert {e for e, step in steps.items() if step is not None} == on_caseload


def test_past_the_last_week_closing_comes_before_a_late_review(db_path):
    ok("new-referral", "--name", "Alan Reid", "--referral-date", "2026-08-01", "--no-triggers")
    ok("referral", "accept", "Alan", "--date", "2026-08-02")
    ok("visit", "log", "Alan", "--kind", "telephone", "--minutes", "20", "--date", "2026-08-03")
    ok("ucla", "score", "1", "1", "1", "--person", "Alan", "--stage", "baseline",
       "--date", "2026-08-03")  # fmt: skip
    # Support started 2026-08-03; week 12 began 2026-10-19; today (2026-11-20) is week 16.
    # The review (weeks 5-7) was never taken: the next step is still closing, due by the end
    # of week 12 (2026-10-25), so 26 days late.
    [item] = ok("caseload", "--json").json()["open"]
    assert (item["next_due"]["what"], item["next_due"]["due_by"]) == ("closure", "2026-10-25")
    show = ok("show", "Alan").stdout
    assert "Next step: closure + end measures 26d late (by 2026-10-25)" in show
    assert "review" not in show.split("Next step:")[1]
