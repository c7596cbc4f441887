"""Disclosure control (suppression.py): three kinds of figure on the hand-built caseload of
tests/test_reports.py, the threshold's limits, zeros, years linked to their quarters, and the
--from/--to spans that publish activity only. tests/test_disclosure_solver.py proves that no
hidden cell can be worked out from every standard period together."""

from __future__ import annotations

import json

import pytest

from connector_cli.report_metrics import METRICS, outcome_n
from tests.conftest import ok, refused
from tests.test_reports import EXPECTED_Q3, caseload, figures, seeded_file  # noqa: F401

ACTIVITY = [m.name for m in METRICS if outcome_n(m.name) is None]
# Outcome groups of 2026Q3 whose n is below k = 5 (tests/test_reports.py works each n out by
# hand): hidden whole. UCLA paired is 5: shown whole.
HIDDEN_SUMMARY_K5 = {  # n < 5, but a follow-up group of none is no news (its cohort is itself)
    m.name
    for m in METRICS
    if outcome_n(m.name)
    and EXPECTED_Q3[outcome_n(m.name)] < 5
    and (EXPECTED_Q3[outcome_n(m.name)] or not outcome_n(m.name).startswith("followup_"))
}


def _families_ok(result: dict) -> None:
    """No characteristic family is left with exactly one hidden cell."""
    b = result["breakdowns"]
    families = {}
    for row in b["demographics"]:
        families.setdefault(("demographics", row["dimension"]), []).append(row["count"])
    for row in b["closures"]:
        families.setdefault(("closures", row["group"]), []).append(row["count"])
    families[("sources",)] = [row["count"] for row in b["referral_sources"]]
    families[("triggers",)] = [row["referrals"] for row in b["trigger_groups"]]
    for name, values in families.items():
        assert values.count("*") != 1, name


def test_activity_figures_are_exact_and_small_outcome_groups_hidden_whole(caseload):  # noqa: F811
    result = figures("--quarter", "2026Q3", k="5")
    m = result["metrics"]
    assert {name: m[name] for name in ACTIVITY} == {name: EXPECTED_Q3[name] for name in ACTIVITY}
    hidden = {name for name, value in m.items() if value == "*"}
    assert hidden == HIDDEN_SUMMARY_K5
    # UCLA paired 5: the whole group is shown, counts inside it included (no_change 1).
    assert (m["ucla_paired_n"], m["ucla_mean_change"]) == (5, -1.2)
    assert m["ucla_no_change"] == EXPECTED_Q3["ucla_no_change"]
    assert result["suppressed_cells"]["summary"] == len(hidden)
    _families_ok(result)


@pytest.mark.parametrize("k", ["2", "3", "5", "10"])
def test_characteristic_counts_1_to_k_minus_1_hidden_zero_stays(caseload, k):  # noqa: F811
    shown = figures("--quarter", "2026Q3", k=k)["breakdowns"]
    truth = figures("--quarter", "2026Q3")["breakdowns"]
    for table in ("referral_sources", "demographics", "closures"):
        for published, true in zip(shown[table], truth[table], strict=True):
            if true.get("reason") == "planned":  # a family of one cell: equals closed_planned
                assert published["count"] == true["count"]
            elif 0 < true["count"] < int(k):
                assert published["count"] == "*", (table, true)
            elif published["count"] != "*":
                assert published["count"] == true["count"]
    _families_ok(figures("--quarter", "2026Q3", k=k))


def test_a_zero_that_would_give_away_a_hidden_count_is_hidden_too(caseload):  # noqa: F811
    """Issue 19.2: 2026Q3 closed 2 planned, 4 early (choice 1, lost-contact 2, moved 1) and
    1 other ('other'). `other` alone is hidden in its group: its partner is the zero
    `not-recorded` row, or closed_other (exact) minus the shown zero would give it."""
    rows = {
        r["reason"]: r["count"]
        for r in figures("--quarter", "2026Q3", k="5")["breakdowns"]["closures"]
    }
    assert rows["other"] == "*" and rows["not-recorded"] == "*"
    assert rows["planned"] == 2  # a group of one reason equals closed_planned: never hidden
    assert rows["hospital"] == 0 and rows["died"] == 0  # the early group has 3 hidden already


def test_suppress_below_1_is_refused_and_0_is_unprotected_with_a_warning(caseload, tmp_path):  # noqa: F811
    for command in ("report", "export"):
        refused(
            command, "--quarter", "2026Q3", "--suppress-below", "1", contains="1 would hide nothing"
        )
        refused(command, "--quarter", "2026Q3", "--suppress-below", "21", contains="from 2 to 20")
        refused(command, "--quarter", "2026Q3", "--suppress-below", "-1", contains="from 2 to 20")
    result = ok("export", "--quarter", "2026Q3", "--suppress-below", "0", "--out", tmp_path / "x")
    assert "disclosure control is off" in result.stderr
    manifest = json.loads((tmp_path / "x" / "manifest.json").read_text())
    assert manifest["protection"] == "unprotected" and manifest["suppress_below"] == 0
    report = ok("report", "--quarter", "2026Q3", "--suppress-below", "0", "--json")
    assert report.json()["protection"] == "unprotected"
    assert "disclosure control is off" in report.stderr
    for k in ("2", "20"):
        assert figures("--quarter", "2026Q3", k=k)["protection"] == "on"


def test_one_day_from_to_spans_publish_no_characteristic_or_outcome_figure(caseload, tmp_path):  # noqa: F811
    """The attack of issue 12: two exports a day apart gave one referral's details by
    subtraction. A --from/--to span now publishes activity figures only, and says so."""
    for day in ("2026-07-14", "2026-07-15"):
        folder = tmp_path / day
        result = ok("export", "--from", "2026-07-01", "--to", day, "--out", folder)
        assert "published for quarters and years only" in " ".join(result.stdout.split())
        assert sorted(p.name for p in folder.iterdir()) == [  # activity files only
            "contact_locations.csv",
            "goal_domains.csv",
            "manifest.json",
            "signpost_outcomes.csv",
            "signposts.csv",
            "summary.csv",
        ]
        metrics = [line.split(",")[0] for line in (folder / "summary.csv").read_text().splitlines()]
        assert metrics[1:] == ACTIVITY
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["period"]["standard"] is False
        assert "demographics" in manifest["left_out"]["figures"]
        assert "ucla_paired_n" in manifest["left_out"]["figures"]
        report = ok("report", "--from", "2026-07-01", "--to", day, "--json").json()
        assert set(report["metrics"]) == set(ACTIVITY)
        assert set(report["breakdowns"]) == {
            "signposts",
            "signpost_groups",
            "contact_locations",
            "goal_domains",
            "signpost_outcomes",
        }
        assert report["outcomes"] is None
    text = ok("report", "--from", "2026-07-01", "--to", "2026-07-15").stdout
    assert "Activity figures only" in text and "Loneliness" not in text


def test_a_year_hides_what_any_of_its_quarters_hides(caseload):  # noqa: F811
    year = figures("--year", "2026", k="5")
    quarters = [figures("--quarter", f"2026Q{q}", k="5") for q in (1, 2, 3, 4)]
    for table in ("referral_sources", "demographics", "closures"):
        for i, row in enumerate(year["breakdowns"][table]):
            in_quarters = [q["breakdowns"][table][i]["count"] for q in quarters]
            assert (row["count"] == "*") == ("*" in in_quarters), (table, row)
    for name in ("swemwbs_paired_n", "ucla_paired_n"):
        in_quarters = [q["metrics"][name] for q in quarters]
        if "*" in in_quarters:
            assert year["metrics"][name] == "*"
    # The financial year 2026-27 holds 2026Q2-Q4 and 2027Q1: hidden where those are.
    fy = figures("--year", "2026-27", k="5")
    for i, row in enumerate(fy["breakdowns"]["demographics"]):
        in_quarters = [q["breakdowns"]["demographics"][i]["count"] for q in quarters[1:]]
        assert (row["count"] == "*") == ("*" in in_quarters), row


@pytest.mark.parametrize("text", ["2026-28", "26", "2026Q1", "20266", "2026/2028"])
def test_malformed_years_are_refused(caseload, text):  # noqa: F811
    refused("report", "--year", text, contains="year")


def test_year_and_quarter_together_are_refused(caseload):  # noqa: F811
    refused("report", "--year", "2026", "--quarter", "2026Q1", contains="Give one period")
