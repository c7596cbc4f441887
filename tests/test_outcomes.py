"""outcomes.csv and the report's outcome section, worked out by hand on a small casework, plus
the exact-rounding reproduction of issue 19 (SWEMWBS 9.88 / 8 = 1.235 -> 1.24).

THE CASEWORK: 16 people referred in July 2026 (2026Q3), accepted and closed in the quarter.
All have gender, age (or "not stated"), ethnicity, living arrangement, source and a trigger
answer recorded. UCLA baseline b and end e (scores; items in the code):

  paired (7)   age  gender      living          trigger     b  e  change
  Amy          70   female      alone           bereaved    9  5  -4
  Bea          65   female      alone           bereaved    8  6  -2
  Cal          40   male        partner         health      6  6   0
  Dev          75   male        alone           none        5  3  -2
  Eli          30   non-binary  family-friends  health      7  7   0
  Fay          82   female      sheltered       mobility    4  6  +2
  Gus          n/s  not-stated  not-stated      bereaved    9  4  -5
  no end score (9): Hana, Ida, Jay, Kit, Lev, Mae, Ned, Oz (planned) and Pip (moved away),
  age 50, male, partner, no triggers; baselines 9 9 8 8 8 7 7 6 6 (mean 68/9 = 7.56).

SWEMWBS: Amy .. Hana baseline all 1s (raw 7 = 7.00); Amy .. Gus end all 1s; Hana end
3 3 3 2 2 2 2 (raw 17 = 16.88). Changes 0 x 7 and 9.88.
Direct question (with the UCLA): baseline Amy, Bea, Hana often/always, Cal some of the time;
end Amy hardly ever, Bea occasionally.
ONS4: Amy baseline 4 5 3 7, end 7 7 6 3.
Follow-ups (Q3): Amy 09-25 (3 2 2) = 7 (end 5); Bea 09-25 (2 2 2) = 6 (end 6).
Goals: Amy 1 achieved, 2 some, 3 never reviewed; Bea 1 a-lot, 2 dropped.
Signposts: Amy attended, Bea did not attend, Cal not known, Dev no outcome yet.
"""

from __future__ import annotations

import csv

import pytest

from tests.conftest import ok, rows
from tests.test_reports import caseload, seeded_file  # noqa: F401

PAIRED = {
    # name: (age, gender, living, trigger, baseline answers, end answers)
    "Amy": ("70", "female", "alone", "bereaved", "3 3 3", "2 2 1"),
    "Bea": ("65", "female", "alone", "bereaved", "3 3 2", "2 2 2"),
    "Cal": ("40", "male", "partner", "health", "2 2 2", "2 2 2"),
    "Dev": ("75", "male", "alone", None, "2 2 1", "1 1 1"),
    "Eli": ("30", "non-binary", "family-friends", "health", "3 2 2", "3 2 2"),
    "Fay": ("82", "female", "sheltered", "mobility", "2 1 1", "2 2 2"),
    "Gus": ("not-stated", "not-stated", "not-stated", "bereaved", "3 3 3", "2 1 1"),
}
UNPAIRED = {
    "Hana": "3 3 3",
    "Ida": "3 3 3",
    "Jay": "3 3 2",
    "Kit": "3 3 2",
    "Lev": "3 3 2",
    "Mae": "3 2 2",
    "Ned": "3 2 2",
    "Oz": "2 2 2",
    "Pip": "2 2 2",
}
DIRECT = {("Amy", "baseline"): "often-always", ("Bea", "baseline"): "often-always"}
DIRECT |= {("Hana", "baseline"): "often-always", ("Cal", "baseline"): "some-of-the-time"}
DIRECT |= {("Amy", "end"): "hardly-ever", ("Bea", "end"): "occasionally"}


def _refer(name: str, day: str, age: str, gender: str, living: str, trigger: str | None):
    triggers = ["--trigger", trigger] if trigger else ["--no-triggers"]
    ok("new-referral", "--name", f"{name} Outcome", "--referral-date", day, "--status",
       "accepted", "--age", age, "--gender", gender, "--ethnicity", "A", "--living", living,
       "--source", "self", "--referrer", "Self", "--reason", "Lonely", *triggers,
       "--no-input")  # fmt: skip


def _ucla(name: str, stage: str, day: str, answers: str) -> None:
    lonely = DIRECT.get((name, stage))
    extra = ["--lonely", lonely] if lonely else []
    ok("ucla", "score", *answers.split(), "--person", name, "--stage", stage, "--date", day,
       *extra, "--no-input")  # fmt: skip


def _score(instrument: str, name: str, stage: str, day: str, answers: str) -> None:
    ok(instrument, "score", *answers.split(), "--person", name, "--stage", stage, "--date", day,
       "--no-input")  # fmt: skip


def _close(name: str, day: str, reason: str = "planned") -> None:
    ok("close", name, "--reason", reason, "--date", day, "--no-input")


def _signpost(name: str, day: str, outcome: str | None) -> None:
    made = ok("signpost", "add", name, "--to", "Lunch club", "--category",
              "third-sector/lunch-club", "--date", day, "--no-input", "--json")  # fmt: skip
    if outcome:
        ok("signpost", "outcome", str(made.json()["signpost_id"]), outcome, "--date", day)


def seed() -> None:
    for i, (name, (age, gender, living, trigger, base, _)) in enumerate(PAIRED.items()):
        _refer(name, f"2026-07-{i + 1:02d}", age, gender, living, trigger)
        _ucla(name, "baseline", f"2026-07-{i + 1:02d}", base)
    for i, (name, base) in enumerate(UNPAIRED.items()):
        _refer(name, f"2026-07-{i + 10:02d}", "50", "male", "partner", None)
        _ucla(name, "baseline", f"2026-07-{i + 10:02d}", base)
    for name in [*PAIRED, "Hana"]:
        _score("swemwbs", name, "baseline", "2026-07-08" if name in ("Amy", "Bea") else
               "2026-07-20", "1 1 1 1 1 1 1")  # fmt: skip
    _score("ons4", "Amy", "baseline", "2026-07-08", "4 5 3 7")
    for text in ("Walk", "Ring sister", "Bus"):
        ok("goal", "add", "Amy", text, "--domain", "friends", "--date", "2026-07-08")
    ok("goal", "review", "Amy", "1", "--progress", "achieved", "--date", "2026-07-10")
    ok("goal", "review", "Amy", "2", "--progress", "some", "--date", "2026-07-10")
    ok("goal", "add", "Bea", "Choir", "--domain", "friends", "--date", "2026-07-08")
    ok("goal", "add", "Bea", "Swim", "--domain", "daily-living", "--date", "2026-07-08")
    ok("goal", "review", "Bea", "1", "--progress", "a-lot", "--date", "2026-07-10")
    ok("goal", "drop", "Bea", "2", "--date", "2026-07-10")
    _signpost("Amy", "2026-07-08", "attended")
    _signpost("Bea", "2026-07-08", "did-not-attend")
    _signpost("Cal", "2026-07-20", "not-known")
    _signpost("Dev", "2026-07-20", None)
    for name, (*_, end) in PAIRED.items():
        day = "2026-07-15" if name in ("Amy", "Bea") else "2026-07-27"
        _close(name, day)
        _ucla(name, "end", day, end)
        _score("swemwbs", name, "end", day, "1 1 1 1 1 1 1")
    _score("ons4", "Amy", "end", "2026-07-15", "7 7 6 3")
    for name in UNPAIRED:
        _close(name, "2026-07-27", "moved" if name == "Pip" else "planned")
    _score("swemwbs", "Hana", "end", "2026-07-27", "3 3 3 2 2 2 2")
    # Follow-ups 10 weeks after closure at the earliest: Amy and Bea closed 07-15.
    _ucla("Amy", "follow-up", "2026-09-25", "3 2 2")
    _ucla("Bea", "follow-up", "2026-09-25", "2 2 2")


@pytest.fixture
def casework(db_path):
    seed()
    return db_path


def report(*args: str) -> dict:
    return ok("report", "--quarter", "2026Q3", *args, "--json").json()


def test_the_casework_is_as_described(casework):
    found = rows(
        casework, "SELECT status, closure_reason, count(*) AS n FROM episodes GROUP BY 1, 2"
    )
    assert found == [
        {"status": "accepted", "closure_reason": "moved", "n": 1},
        {"status": "accepted", "closure_reason": "planned", "n": 15},
    ]


# Rows 4-7 by group over the paired: n, mean change (end - baseline), % improved (end < base),
# % lonely (6-9) at baseline, % lonely at end. None: no value (n = 0).
BY_GROUP = {
    # all: changes -4 -2 0 -2 0 +2 -5 = -11 -> -11/7 = -1.571 -> -1.57; improved Amy Bea Dev Gus
    # 4/7 = 57.1; lonely at baseline 9 8 6 7 9 (Amy Bea Cal Eli Gus) 5/7 = 71.4; at end Bea 6,
    # Cal 6, Eli 7, Fay 6: 4/7 = 57.1.
    "all": (7, -1.57, 57.1, 71.4, 57.1),
    "trigger:young-parent": (0, None, None, None, None),
    # Amy -4, Bea -2, Gus -5: -11/3 = -3.67; all improved, all lonely at start; at end Bea: 1/3.
    "trigger:bereaved": (3, -3.67, 100.0, 100.0, 33.3),
    "trigger:separated": (0, None, None, None, None),
    "trigger:no-children-at-home": (0, None, None, None, None),
    "trigger:health": (2, 0.0, 0.0, 100.0, 100.0),  # Cal 6->6, Eli 7->7
    "trigger:mobility": (1, 2.0, 0.0, 0.0, 100.0),  # Fay 4->6: n = 1, no interval
    "trigger:none": (1, -2.0, 100.0, 0.0, 0.0),  # Dev 5->3 (the unpaired are not in groups)
    "age:under-60": (2, 0.0, 0.0, 100.0, 100.0),  # Cal 40, Eli 30
    # Amy 70 -4, Bea 65 -2, Dev 75 -2, Fay 82 +2: -6/4 = -1.5; improved 3/4; lonely at start
    # Amy, Bea 2/4; at end Bea, Fay 2/4. Gus (age not stated) is in no age group.
    "age:60-plus": (4, -1.5, 75.0, 50.0, 50.0),
    "gender:female": (3, -1.33, 66.7, 66.7, 66.7),  # Amy -4, Bea -2, Fay +2: -4/3
    "gender:male": (2, -1.0, 50.0, 50.0, 50.0),  # Cal 0, Dev -2
    "gender:other": (1, 0.0, 0.0, 100.0, 100.0),  # Eli (non-binary); Gus not stated: none
    "living:alone": (3, -2.67, 100.0, 66.7, 33.3),  # Amy -4, Bea -2, Dev -2: -8/3
    "living:not-alone": (3, 0.67, 0.0, 66.7, 100.0),  # Cal 0, Eli 0, Fay +2 (sheltered): 2/3
    "baseline:most-lonely": (3, -3.67, 100.0, 100.0, 33.3),  # baseline 8-9: Amy, Bea, Gus
}
ROWS_4_TO_7 = ("ucla_mean_change", "ucla_improved_pct", "ucla_lonely_baseline_pct",
               "ucla_lonely_end_pct")  # fmt: skip

# Rows for `all` only: (n, value, ci_low, ci_high).
ALL_ONLY = {
    # 7 of 16 closed paired: 43.75 -> 43.8 (a half, rounded away from zero).
    "ucla_paired_pct": (16, 43.8, 23.1, 66.8),
    # Unpaired baselines 9 9 8 8 8 7 7 6 6 = 68/9 = 7.556; Σx² = 524, S = 524 - 68²/9 =
    # 10.222, / 8 = 1.2778, SD 1.1304, SE 0.3768, t(0.975, 8) = 2.306004, half 0.8689:
    # 6.69 to 8.42.
    "ucla_unpaired_baseline_mean": (9, 7.56, 6.69, 8.42),
    # Paired baselines 9 8 6 5 7 4 9 = 48/7 = 6.857 -> 6.86.
    "ucla_paired_baseline_mean": (7, 6.86, 5.05, 8.66),
    # Direct question at baseline: Amy, Bea, Hana often/always, Cal some of the time: 3/4.
    "direct_often_baseline_pct": (4, 75.0, 30.1, 95.4),
    "direct_often_end_pct": (2, 0.0, 0.0, 65.8),  # Amy hardly ever, Bea occasionally
    # SWEMWBS paired: Amy .. Gus and Hana = 8. Baselines all 7.00 (SD 0: the interval is 7..7).
    "swemwbs_mean_baseline": (8, 7.0, 7.0, 7.0),
    # Ends 7.00 x 7 + 16.88 = 65.88 / 8 = 8.235 -> 8.24 (a half). SD = 9.88/sqrt(8) = 3.4931,
    # SE = 9.88/8 = 1.235, t(0.975, 7) = 2.364624, half-width 2.9203: 5.31 to 11.16.
    "swemwbs_mean_end": (8, 8.24, 5.31, 11.16),
    # Changes 0 x 7 and 9.88: 9.88 / 8 = 1.235 -> 1.24 (issue 19: was 1.23 through floats).
    "swemwbs_mean_change": (8, 1.24, -1.69, 4.16),
    "swemwbs_meaningful_pct": (8, 12.5, 2.2, 47.1),  # Hana +9.88 >= 3: 1/8
    # Amy only (n = 1: no interval): (7-4, 7-5, 6-3, 3-7).
    "ons4_life_satisfaction_mean_change": (1, 3.0, None, None),
    "ons4_worthwhile_mean_change": (1, 2.0, None, None),
    "ons4_happiness_mean_change": (1, 3.0, None, None),
    "ons4_anxiety_mean_change": (1, -4.0, None, None),
    # Follow-ups in Q3 with an end score: Amy 7 - 5 = +2, Bea 6 - 6 = 0: mean 1, SD sqrt(2),
    # SE 1, t(0.975, 1) = 12.7062: 1 -+ 12.7062 -> -11.71 to 13.71.
    "followup_from_end_mean_change": (2, 1.0, -11.71, 13.71),
    "followup_sustained_pct": (2, 50.0, 9.5, 90.5),  # Bea 6 <= 6; Amy 7 > 5
    # Goals of closed episodes, dropped left out: Amy 1 achieved, 2 some, 3 not reviewed; Bea 1
    # a-lot (Bea 2 dropped): 4 goals, 1 each; none at "none".
    "goals_achieved_pct": (4, 25.0, 4.6, 69.9),
    "goal_progress_achieved_pct": (4, 25.0, 4.6, 69.9),
    "goal_progress_a-lot_pct": (4, 25.0, 4.6, 69.9),
    "goal_progress_some_pct": (4, 25.0, 4.6, 69.9),
    "goal_progress_none_pct": (4, 0.0, 0.0, 49.0),
    "goal_progress_not-reviewed_pct": (4, 25.0, 4.6, 69.9),
    # Signposts with a known outcome: Amy attended, Bea did not (Cal not known, Dev none): 1/2.
    "signpost_take_up_pct": (2, 50.0, 9.5, 90.5),
}


def _by(result: dict) -> dict:
    return {(r["measure"], r["group"]): r for r in result["outcomes"]}


def test_every_outcome_row_worked_out_by_hand(casework):
    result = report("--suppress-below", "0")
    found = _by(result)
    assert len(result["outcomes"]) == len(ALL_ONLY) + 4 * len(BY_GROUP)  # 22 + 64 = 86
    for measure, (n, value, low, high) in ALL_ONLY.items():
        row = found[(measure, "all")]
        assert (row["n"], row["value"], row["ci_low"], row["ci_high"]) == (n, value, low, high), (
            measure
        )
    for group, (n, *values) in BY_GROUP.items():
        for measure, value in zip(ROWS_4_TO_7, values, strict=True):
            row = found[(measure, group)]
            assert (row["n"], row["value"]) == (n, value), (measure, group)
            if n == 0:  # no values: value and interval blank
                assert (row["ci_low"], row["ci_high"]) == (None, None)
    # Mean intervals by hand: all: Σx² = 53, S = 53 - 121/7 = 250/7, var 250/42 = 5.952, SD
    # 2.4398 (= ucla_sd_change 2.44), SE 0.9221, t(0.975, 6) = 2.446912, half 2.2564:
    # -1.571 -+ 2.256 -> -3.83 to 0.68.
    assert [found[("ucla_mean_change", "all")][k] for k in ("ci_low", "ci_high")] == [-3.83, 0.68]
    # bereaved: -4 -2 -5, S = 45 - 121/3 = 14/3, var 7/3, SD 1.5275, SE 0.8819, t(0.975, 2) =
    # 4.302653, half 3.7946: -3.667 -+ 3.795 -> -7.46 to 0.13.
    bereaved = found[("ucla_mean_change", "trigger:bereaved")]
    assert (bereaved["ci_low"], bereaved["ci_high"]) == (-7.46, 0.13)
    health = found[("ucla_mean_change", "trigger:health")]  # 0, 0: SD 0, interval 0 to 0
    assert (health["ci_low"], health["ci_high"]) == (0.0, 0.0)
    one = found[("ucla_mean_change", "trigger:mobility")]  # n = 1: a value, no interval
    assert (one["n"], one["value"], one["ci_low"], one["ci_high"]) == (1, 2.0, None, None)
    # Wilson, z = 1.959964, 4/7: centre (4/7 + z²/14)/(1 + z²/7) = 0.5472, half 0.2961 ->
    # 25.0 to 84.2.
    improved = found[("ucla_improved_pct", "all")]
    assert (improved["ci_low"], improved["ci_high"]) == (25.0, 84.2)


def test_summary_figures_round_from_exact_values(casework):
    m = report("--suppress-below", "0")["metrics"]
    # Issue 19: 8 SWEMWBS pairs, baseline 7.00 each, ends 7.00 x 7 and 16.88: 9.88/8 = 1.235.
    assert (m["swemwbs_paired_n"], m["swemwbs_mean_change"]) == (8, 1.24)
    # 16 closed x 9 fields = 144; missing: 8 end UCLA (Hana .. Ola; Pip moved away, so no end
    # score is expected of her: issue 11) -> 136/144 = 94.44 -> 94.4. (A completeness that
    # lands on a half is tested in test_stats.)
    assert m["data_completeness_pct"] == 94.4
    # Coverage leaves Pip (moved away) out: 7 paired of 15 = 46.67 -> 46.7.
    assert m["outcome_coverage_pct"] == 46.7
    assert (m["ucla_mean_change"], m["ucla_sd_change"]) == (-1.57, 2.44)
    done = ok("export", "--quarter", "2026Q3", "--out", str(casework.parent / "x"),
              "--suppress-below", "0")  # fmt: skip
    assert "outcomes.csv" in done.stdout
    with (casework.parent / "x" / "summary.csv").open(encoding="utf-8") as handle:
        summary = {r["metric"]: r["value"] for r in csv.DictReader(handle)}
    assert (summary["swemwbs_mean_change"], summary["data_completeness_pct"]) == ("1.24", "94.4")
    with (casework.parent / "x" / "outcomes.csv").open(encoding="utf-8") as handle:
        outcomes = {(r["measure"], r["group"]): r for r in csv.DictReader(handle)}
    assert outcomes[("swemwbs_mean_end", "all")] == {
        "measure": "swemwbs_mean_end", "group": "all", "n": "8", "value": "8.24",
        "ci_low": "5.31", "ci_high": "11.16", "description": "Mean end SWEMWBS, paired",
    }  # fmt: skip
    empty = outcomes[("ucla_mean_change", "trigger:young-parent")]
    assert (empty["n"], empty["value"], empty["ci_low"]) == ("0", "", "")
    assert outcomes[("ucla_paired_pct", "all")]["value"] == "43.8"
    assert outcomes[("ucla_mean_change", "all")]["value"] == "-1.57"


@pytest.mark.parametrize("k", [3, 5])
def test_an_outcome_row_is_hidden_below_k_with_its_n(casework, k):
    found = _by(report("--suppress-below", str(k)))
    # n = 3 (bereaved) is shown at k = 3 and hidden at k = 5; n = 2 (health) hidden at both.
    bereaved = found[("ucla_mean_change", "trigger:bereaved")]
    health = found[("ucla_improved_pct", "trigger:health")]
    if k == 3:
        assert (bereaved["n"], bereaved["value"], bereaved["ci_low"]) == (3, -3.67, -7.46)
    else:
        assert [bereaved[c] for c in ("n", "value", "ci_low", "ci_high")] == ["*"] * 4
    assert [health[c] for c in ("n", "value", "ci_low", "ci_high")] == ["*"] * 4
    # n = 0 is below k as well: nothing to show, hidden like the rest.
    assert found[("ucla_mean_change", "trigger:separated")]["n"] == "*"
    assert found[("ucla_mean_change", "all")]["value"] == -1.57  # n = 7
    assert found[("ucla_paired_pct", "all")]["value"] == 43.8  # n = 16


def test_outcome_warnings_and_coverage_come_first_on_screen(casework, monkeypatch):
    result = report()
    assert result["outcome_warnings"] == [
        "Only 43.8% of closed episodes have both a baseline and an end UCLA score: the outcome "
        "figures describe fewer than half the people supported.",
        "People with no end score started lonelier (mean baseline UCLA 7.56) than those with "
        "one (6.86): the change shown may look better than it was for everyone.",
    ]
    monkeypatch.setenv("COLUMNS", "80")
    text = ok("report", "--quarter", "2026Q3").stdout
    section = text[text.index("Outcomes: closed in the period") :]
    lines = section.splitlines()
    assert lines[1] == "  7 of 16 closed episodes have baseline and end UCLA (43.8%)."
    assert lines[2].startswith("  Warning: Only 43.8% of closed episodes")
    assert max(len(line) for line in text.splitlines()) <= 80
    words = [line.split() for line in lines]
    assert "UCLA mean change 7 -1.57 -3.83 to 0.68".split() in words
    assert "SWEMWBS mean change 8 1.24 -1.69 to 4.16".split() in words
    assert "trigger:bereaved * * * * * *".split() in words  # n = 3 < 5


def test_no_warning_when_coverage_is_half_or_more_and_the_lost_were_not_lonelier(caseload):  # noqa: F811
    # The report tests' caseload, 2026Q3: 5 of 7 paired (71.4%); the one unpaired baseline
    # (Cara 9) is lonelier than the paired mean 6.4 -> only that warning, and only when its
    # row (n = 1) is shown.
    assert report("--suppress-below", "0")["outcome_warnings"] == [
        "People with no end score started lonelier (mean baseline UCLA 9.00) than those with "
        "one (6.40): the change shown may look better than it was for everyone."
    ]
    assert report()["outcome_warnings"] == []  # k = 5 hides Cara's row: nothing to compare


def test_outcomes_only_for_standard_periods(casework, tmp_path):
    spans = ok("report", "--from", "2026-07-01", "--to", "2026-09-30", "--json").json()
    assert spans["outcomes"] is None and spans["outcome_warnings"] == []
    text = ok("report", "--from", "2026-07-01", "--to", "2026-09-30").stdout
    assert "published only for a quarter or a year" in text
    done = ok("export", "--from", "2026-07-01", "--to", "2026-09-30", "--out", str(tmp_path / "s"))
    assert not (tmp_path / "s" / "outcomes.csv").exists()
    assert "outcomes.csv is left out" in done.stdout
    assert report()["outcomes"] is not None


# --- What else is recorded: journeys, re-referrals, ways of support, locations, goal domains,
# signpost outcomes, "person's choice" sub-reasons and follow-up wellbeing ---------------------


def test_recorded_figures_worked_out_by_hand(db_path, tmp_path):
    def person(name: str, *extra: str, day: str = "2026-07-01") -> None:
        ok("new-referral", "--name", name, "--referral-date", day, "--status",
           "accepted", "--dob", "1950-01-01", "--no-triggers", "--no-input", *extra)  # fmt: skip

    def visit(name: str, kind: str, *extra: str) -> None:
        ok("visit", "log", name, "--date", "2026-07-02", "--kind", kind, "--minutes", "30",
           "--no-input", *extra)  # fmt: skip

    person("Ann Way")  # face-to-face at home with a journey, then a phone call: both ways
    visit("Ann", "face-to-face", "--location", "home", "--journey")
    visit("Ann", "telephone")
    person("Ben Way")  # telephone only
    visit("Ben", "telephone")
    person("Col Way")  # face-to-face in a cafe only
    visit("Col", "face-to-face", "--location", "cafe")
    person("Dot Way")  # no contact at all
    ok("goal", "add", "Ann", "See friends", "--domain", "friends", "--date", "2026-07-02")
    ok("goal", "add", "Ben", "Sort forms", "--domain", "paperwork", "--date", "2026-07-02")
    made = ok("signpost", "add", "Ann", "--to", "Club", "--category", "third-sector/hobbies",
              "--date", "2026-07-02", "--no-input", "--json").json()  # fmt: skip
    ok("signpost", "outcome", str(made["signpost_id"]), "attended", "--date", "2026-07-09")
    ok("signpost", "add", "Ben", "--to", "Advice", "--category", "third-sector/advice",
       "--date", "2026-07-02", "--no-input")  # fmt: skip
    ok("swemwbs", "score", *"3 3 3 3 3 3 3".split(), "--person", "Col", "--stage", "baseline",
       "--date", "2026-07-02", "--no-input")  # fmt: skip
    ok("close", "Ann", "--reason", "choice", "--sub-reason", "needs-met", "--date", "2026-07-10")
    ok("close", "Ben", "--reason", "choice", "--sub-reason", "not-wanted", "--date", "2026-07-10")
    ok("close", "Col", "--reason", "planned", "--date", "2026-07-10", "--no-input")
    ok("close", "Dot", "--reason", "lost-contact", "--date", "2026-07-10", "--no-input")
    # Col's follow-up, 10+ weeks after closure: all 4s = raw 28 = 25.03; baseline raw 21 =
    # 19.25; change +5.78.
    ok("swemwbs", "score", *"4 4 4 4 4 4 4".split(), "--person", "Col", "--stage",
       "follow-up", "--date", "2026-09-20", "--no-input")  # fmt: skip
    person(
        "Ann Way", "--source", "self", day="2026-08-01"
    )  # Ann referred again (same name and birthday)
    result = ok("report", "--quarter", "2026Q3", "--suppress-below", "0", "--json").json()
    m = result["metrics"]
    assert list(m)[-9:-2] == [  # then the two safeguarding counts (issue 16)
        "contacts_with_journey", "people_referred_again", "closed_face_to_face_only",
        "closed_remote_only", "closed_both_ways", "followup_swemwbs_n",
        "followup_swemwbs_mean_change",
    ]  # fmt: skip
    assert [m[k] for k in list(m)[-9:-2]] == [1, 1, 1, 1, 1, 1, 5.78]
    assert m["closed_no_contact"] == 1  # Dot: with the three above, the 4 closed
    b = result["breakdowns"]
    nonzero = {t: {tuple(r.values())[0]: r["count"] for r in b[t] if r["count"]} for t in
               ("contact_locations", "goal_domains", "signpost_outcomes", "choice_reasons")}  # fmt: skip
    assert nonzero == {
        "contact_locations": {"home": 1, "cafe": 1},
        "goal_domains": {"friends": 1, "paperwork": 1},
        "signpost_outcomes": {"attended": 1, "not-recorded": 1},  # Ben's: nothing recorded yet
        "choice_reasons": {"needs-met": 1, "not-wanted": 1},
    }
    ok("export", "--quarter", "2026Q3", "--out", str(tmp_path / "x"))
    with (tmp_path / "x" / "contact_locations.csv").open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == ["location", "count", "label"]
    # k = 5: how support was given is an activity figure (reporting.md): exact, never hidden.
    safe = ok("report", "--quarter", "2026Q3", "--json").json()["metrics"]
    assert [safe[f"closed_{w}"] for w in ("face_to_face_only", "remote_only", "both_ways")] == [
        1
    ] * 3
