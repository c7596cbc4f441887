"""Disclosure control: the rules one by one on small tables, then exactly which cells of the
hand-built caseload (tests/test_reports.py) are hidden at k = 5 and at k = 2.

What a *group* is for secondary suppression, file by file (see suppression.py):
- referral_sources.csv: the source rows of one source group (total: that group's count, which
  `connector report` shows), and the groups together (total: referrals_received);
- signposts.csv: the rows of one signpost group (total: the group count the report shows),
  and the groups together (total: signposts_total);
- closures.csv: the reasons of one closure group (total: closed_planned / _early / _other);
- demographics.csv: the rows of one dimension (total: referrals_received);
- trigger_groups.csv and gaps.csv: none (overlapping rows; no published total);
- summary.csv: referrals by status, closed by group, contacts by kind, UCLA improved/no change/
  worse (totals: referrals_received, episodes_closed, contacts_total, ucla_paired_n).
Means, medians, SDs and data_completeness_pct follow the cohort rule.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from connector_cli.suppression import Cell, Disclosure, Group, round_half_up
from tests.test_reports import EXPECTED_Q3, caseload, figures, seeded_file  # noqa: F401


def hidden_after(cells: dict[str, Cell], groups=(), k: int = 5) -> set[str]:
    keyed = {("t", name, "count"): cell for name, cell in cells.items()}
    key_groups = [
        Group(
            tuple(("t", p, "count") for p in g.parts), ("t", g.total, "count") if g.total else None
        )
        for g in groups
    ]
    disclosure = Disclosure(k=k, cells=keyed, groups=key_groups)
    return {name for _, name, _ in disclosure.apply()}


# --- The rules ---------------------------------------------------------------------------------


def test_counts_from_1_to_k_minus_1_are_hidden_and_zero_stays():
    cells = {
        name: Cell(value) for name, value in (("zero", 0), ("one", 1), ("four", 4), ("five", 5))
    }
    assert hidden_after(cells) == {"one", "four"}
    assert hidden_after(cells, k=3) == {"one"}


def test_threshold_zero_turns_control_off():
    cells = {"one": Cell(1), "mean": Cell(2.5, "stat", n=1)}
    assert hidden_after(cells, k=0) == set()
    assert hidden_after(cells, k=1) == set()  # nothing is from 1 to 0


def test_statistics_from_fewer_than_k_values_are_hidden():
    cells = {
        "mean_of_4": Cell(2.5, "stat", n=4),
        "mean_of_5": Cell(2.5, "stat", n=5),
        "mean_of_none": Cell(None, "stat", n=0),  # undefined, shown empty: nothing hidden
        "minutes": Cell(3, "sum"),  # a sum of minutes is not a count of people
    }
    assert hidden_after(cells) == {"mean_of_4"}


def test_a_figure_whose_cohort_is_hidden_is_hidden_even_when_zero():
    cells = {
        "paired": Cell(3),
        "improved": Cell(0, cohort=("t", "paired", "count")),
        "mean": Cell(1.0, "stat", n=3, cohort=("t", "paired", "count")),
        "completeness": Cell(90.0, "pct", n=3, cohort=("t", "paired", "count")),
        "other": Cell(0),
    }
    assert hidden_after(cells) == {"paired", "improved", "mean", "completeness"}


def test_one_hidden_cell_in_a_group_hides_the_smallest_other_non_zero_cell():
    cells = {"a": Cell(3), "b": Cell(0), "c": Cell(9), "d": Cell(7), "total": Cell(19)}
    group = Group(("a", "b", "c", "d"), "total")
    # a=3 hidden; b=0 is not a candidate; d=7 < c=9.
    assert hidden_after(cells, [group]) == {"a", "d"}


def test_ties_take_the_first_cell_in_file_order():
    cells = {"a": Cell(2), "b": Cell(8), "c": Cell(8), "total": Cell(18)}
    assert hidden_after(cells, [Group(("a", "b", "c"), "total")]) == {"a", "b"}


def test_two_hidden_cells_in_a_group_need_nothing_more():
    cells = {"a": Cell(2), "b": Cell(3), "c": Cell(8), "total": Cell(13)}
    assert hidden_after(cells, [Group(("a", "b", "c"), "total")]) == {"a", "b"}


def test_a_hidden_total_is_protected_like_a_part():
    # The total (3) is hidden; its only part is also 3 and hidden: nothing to add. But if the
    # parts were all shown, they would add up to the hidden total.
    cells = {"a": Cell(3), "total": Cell(3)}
    assert hidden_after(cells, [Group(("a",), "total")]) == {"a", "total"}
    cells = {"a": Cell(6), "b": Cell(9), "total": Cell(15), "top_other": Cell(2), "top": Cell(17)}
    groups = [Group(("a", "b"), "total"), Group(("total", "top_other"), "top")]
    # top_other=2 hidden -> the smallest other part of `top` (total 15) is hidden -> its parts
    # would reveal it -> the smaller part a=6 is hidden too.
    assert hidden_after(cells, groups) == {"top_other", "total", "a"}


def test_when_no_other_part_can_be_hidden_the_total_is():
    # `a` is hidden through its cohort; b is 0; showing the total would reveal a.
    cells = {
        "cohort": Cell(2),
        "a": Cell(6, cohort=("t", "cohort", "count")),
        "b": Cell(0),
        "total": Cell(6),
    }
    assert hidden_after(cells, [Group(("a", "b"), "total")]) == {"cohort", "a", "total"}


def test_rounding_is_half_away_from_zero_from_exact_values_only():
    assert round_half_up(Decimal("2.675"), 2) == 2.68  # exact: no float 2.67499... on the way
    assert round_half_up(Decimal("-1.125"), 2) == -1.13
    assert round_half_up(Decimal("93.65079"), 1) == 93.7
    with pytest.raises(TypeError):
        round_half_up(2.675, 2)  # a float has already lost the exact value


# --- Exactly the right cells on the hand-built caseload ----------------------------------------

# k = 5: every count from 1 to 4 is hidden; with these small numbers no secondary suppression
# is needed (each group already has two or more hidden cells, or none).
HIDDEN_SUMMARY_K5 = {
    "referrals_declined",  # 1
    "referrals_failed",  # 1
    "referrals_pending",  # 1
    "episodes_open_at_period_end",  # 2
    "closed_planned",  # 2
    "closed_early",  # 4
    "closed_other",  # 1
    "contacts_video",  # 2
    "contacts_message",  # 1
    "contacts_by_volunteer",  # 3
    "contacts_about_person",  # 1
    "contact_attempts",  # 1
    "closed_one_contact_only",  # 2
    "closed_no_contact",  # 1
    "closed_with_volunteer",  # 3
    "people_signposted",  # 4
    "closed_goals_achieved",  # 3
    "ucla_improved",  # 3
    "ucla_no_change",  # 1
    "ucla_worse",  # 1
    "ucla_lonely_at_baseline",  # 3
    "ucla_became_not_lonely",  # 2
    "ucla_became_lonely",  # 1
    "swemwbs_paired_n",  # 4, and so its whole cohort:
    "swemwbs_mean_change",  # mean of 4 values (1.86)
    "swemwbs_improved",  # 3
    "swemwbs_meaningful_improvement",  # 1
    *(
        f"ons4_{item}_{what}"  # paired 3 -> mean and improved follow
        for item in ("life_satisfaction", "worthwhile", "happiness", "anxiety")
        for what in ("paired_n", "mean_change", "improved")
    ),
    "followup_ucla_n",  # 2
    "followup_ucla_sustained",  # 1 (cohort hidden anyway)
    "followup_ucla_better_than_baseline",  # 1
    "people_referred_again",  # 1
    "closed_face_to_face_only",  # 1
    "closed_remote_only",  # 1
    "closed_both_ways",  # 4
}


def _hidden(result: dict) -> dict[str, set]:
    found = {"summary": {name for name, value in result["metrics"].items() if value == "*"}}
    for table, rows in result["breakdowns"].items():
        found[table] = {
            (tuple(v for c, v in row.items() if not isinstance(v, int) and v != "*"), column)
            for row in rows
            for column, value in row.items()
            if value == "*"
        }
    return found


def test_default_k5_hides_exactly_these_cells(caseload):  # noqa: F811
    result = figures("--quarter", "2026Q3", k="5")
    hidden = _hidden(result)
    assert len(HIDDEN_SUMMARY_K5) == 46
    assert hidden["summary"] == HIDDEN_SUMMARY_K5
    shown = {k: v for k, v in result["metrics"].items() if k not in HIDDEN_SUMMARY_K5}
    assert shown == {k: v for k, v in EXPECTED_Q3.items() if k not in HIDDEN_SUMMARY_K5}
    c = "count"
    # Sources 2,2,1,1,1,1: all hidden; groups nhs (2+1) and third-sector etc. all have 2+.
    assert hidden["referral_sources"] == {
        (("self", "self"), c),
        (("nhs", "nhs-gp"), c),
        (("nhs", "nhs-mental-health"), c),
        (("third-sector", "vcse-hobbies"), c),
        (("family-friends", "family-friends"), c),
        (("other", "other"), c),
    }
    assert hidden["source_groups"] == {
        ((g,), c) for g in ("self", "nhs", "third-sector", "family-friends", "other")
    }
    # Trigger rows: counts 1-4 hidden, and a row's improved/became-not-lonely when its
    # paired count is hidden (even 0: mobility, none, separated).
    assert hidden["trigger_groups"] == {
        (("bereaved",), "ucla_paired_n"),
        (("bereaved",), "ucla_improved"),
        (("bereaved",), "ucla_became_not_lonely"),
        *(
            (("separated",), col)
            for col in ("referrals", "ucla_paired_n", "ucla_improved", "ucla_became_not_lonely")
        ),
        (("no-children-at-home",), "referrals"),
        *(
            (("health",), col)
            for col in ("referrals", "ucla_paired_n", "ucla_improved", "ucla_became_not_lonely")
        ),
        *(
            (("mobility",), col)
            for col in ("ucla_paired_n", "ucla_improved", "ucla_became_not_lonely")
        ),
        (("none-recorded",), "referrals"),
        *(
            (("none",), col)
            for col in ("referrals", "ucla_paired_n", "ucla_improved", "ucla_became_not_lonely")
        ),
    }
    assert hidden["signposts"] == {
        (("third-sector", "lunch-club"), c),
        (("third-sector", "befriending"), c),
        (("local-authority", "library"), c),
        (("nhs", "mental-health"), c),
        (("own-organisation", ""), c),
    }
    assert hidden["closures"] == {
        ((g, r), c)
        for g, r in (
            ("planned", "planned"),
            ("early", "choice"),
            ("early", "lost-contact"),
            ("early", "moved"),
            ("other", "other"),
        )
    }
    assert len(hidden["demographics"]) == 7 + 5 + 7 + 6  # every non-zero row (all 1-3)
    assert len(hidden["gaps"]) == 2
    assert result["suppressed_cells"] == {
        "summary": 46,
        "referral_sources": 6,
        "trigger_groups": 20,
        "signposts": 5,
        "closures": 5,
        "demographics": 25,
        "gaps": 2,
        "source_groups": 5,
        "signpost_groups": 4,
        "ucla_bands": 4,
        "contact_locations": 0,  # 7 face-to-face, all at home
        # Goals set in Q3: friends 2 (Jon, Gail), daily-living, home, services 1 each.
        "goal_domains": 4,
        "signpost_outcomes": 0,  # 6 signposts, no outcome recorded: not-recorded 6
        "choice_reasons": 1,  # Bob: needs met
        # outcomes.csv: 86 rows; shown (n >= 5) only ucla_paired_pct (7 closed), the paired
        # baseline mean and rows 4-7 for `all` (5 paired) and the six goal rows (5 goals):
        # 12. Every subgroup has 3 or fewer paired; SWEMWBS 4, ONS4 3, follow-up 1, direct
        # question and signpost outcomes 0. 74 hidden rows x 4 cells (n, value, limits).
        "outcomes": 296,
    }


def test_k2_needs_secondary_suppression_in_these_cells(caseload):  # noqa: F811
    result = figures("--quarter", "2026Q3", k="2")
    hidden = _hidden(result)
    # Primary (count 1): declined, failed, pending, closed_other, contacts_message, about,
    # attempts, closed_no_contact, ucla_no_change, ucla_worse, ucla_became_lonely,
    # swemwbs_meaningful, followup sustained and better.
    # Secondary: closed_planned 2 (closed_other was the only hidden cell of planned 2 + early 4
    # + other 1 = episodes_closed 7; planned 2 < early 4); contacts_video 2 (message was the
    # only hidden kind of 7 + 5 + 2 + 1 = 15).
    assert hidden["summary"] == {
        "referrals_declined",
        "referrals_failed",
        "referrals_pending",
        "closed_planned",  # secondary
        "closed_other",
        "contacts_video",  # secondary
        "contacts_message",
        "contacts_about_person",
        "contact_attempts",
        "closed_no_contact",
        "ucla_no_change",
        "ucla_worse",
        "ucla_became_lonely",
        "swemwbs_meaningful_improvement",
        "followup_ucla_sustained",
        "followup_ucla_better_than_baseline",
        "people_referred_again",  # 1 (Gail)
        # Closed by way of support: face-to-face only 1, remote only 1, both 4, none 1 = 7:
        # three hidden already, no more needed.
        "closed_face_to_face_only",
        "closed_remote_only",
    }
    c = "count"
    # nhs group: nhs-gp 2 + nhs-mental-health 1(*) = nhs 3 (shown in the report): nhs-gp too.
    assert hidden["referral_sources"] == {
        (("nhs", "nhs-gp"), c),  # secondary
        (("nhs", "nhs-mental-health"), c),
        (("third-sector", "vcse-hobbies"), c),
        (("family-friends", "family-friends"), c),
        (("other", "other"), c),
    }
    # Groups: third-sector 1, family-friends 1, other 1 hidden; three hidden of 8: no more.
    assert hidden["source_groups"] == {
        ((g,), c) for g in ("third-sector", "family-friends", "other")
    }
    # third-sector signposts: lunch-club 2 + befriending 1(*) = 3 (shown): lunch-club too.
    assert hidden["signposts"] == {
        (("third-sector", "lunch-club"), c),  # secondary
        (("third-sector", "befriending"), c),
        (("local-authority", "library"), c),
        (("nhs", "mental-health"), c),
        (("own-organisation", ""), c),
    }
    # closures: the planned row (2) equals closed_planned, hidden in summary: hidden too.
    assert hidden["closures"] == {
        (("planned", "planned"), c),  # secondary
        (("early", "choice"), c),
        (("early", "moved"), c),
        (("other", "other"), c),
    }
    # End bands: end lonely = baseline lonely 3 - became not lonely 2 + became lonely 1(*),
    # so end lonely (2, first of the smallest) is hidden, then end not lonely (= 5 - it).
    assert hidden["ucla_bands"] == {(("end",), "lonely"), (("end",), "not_lonely")}
    assert hidden["trigger_groups"] == {
        *(
            (("separated",), col)
            for col in ("ucla_paired_n", "ucla_improved", "ucla_became_not_lonely")
        ),
        (("no-children-at-home",), "referrals"),
        *(
            (("health",), col)
            for col in ("referrals", "ucla_paired_n", "ucla_improved", "ucla_became_not_lonely")
        ),
        *(
            (("mobility",), col)
            for col in ("ucla_paired_n", "ucla_improved", "ucla_became_not_lonely")
        ),
        *((("none",), col) for col in ("ucla_paired_n", "ucla_improved", "ucla_became_not_lonely")),
    }
    # Demographics (each dimension adds up to 8): every 1 hidden; each dimension has several.
    assert len(hidden["demographics"]) == 6 + 3 + 6 + 4
    assert result["suppressed_cells"]["summary"] == 19


@pytest.mark.parametrize("k", ["2", "3", "5", "10"])
def test_no_group_is_left_with_exactly_one_hidden_cell(caseload, k):  # noqa: F811
    """Whatever k, no published sum can be used to recover a hidden cell."""
    result = figures("--quarter", "2026Q3", k=k)
    m, b = result["metrics"], result["breakdowns"]

    def check(parts: list, total):
        values = [*parts, total]
        assert sum(v == "*" for v in values) != 1, (parts, total)

    for total, parts in (
        (
            "referrals_received",
            ["referrals_accepted", "referrals_declined", "referrals_failed", "referrals_pending"],
        ),
        ("episodes_closed", ["closed_planned", "closed_early", "closed_other"]),
        (
            "contacts_total",
            ["contacts_face_to_face", "contacts_telephone", "contacts_video", "contacts_message"],
        ),
        ("ucla_paired_n", ["ucla_improved", "ucla_no_change", "ucla_worse"]),
    ):
        check([m[p] for p in parts], m[total])
    groups = {r["group"]: r["count"] for r in b["source_groups"]}
    for group, total in groups.items():
        check([r["count"] for r in b["referral_sources"] if r["group"] == group], total)
    check(list(groups.values()), m["referrals_received"])
    groups = {r["group"]: r["count"] for r in b["signpost_groups"]}
    for group, total in groups.items():
        check([r["count"] for r in b["signposts"] if r["group"] == group], total)
    check(list(groups.values()), m["signposts_total"])
    for group in ("planned", "early", "other"):
        check([r["count"] for r in b["closures"] if r["group"] == group], m[f"closed_{group}"])
    for dimension in ("age_band", "gender", "ethnicity", "living"):
        check(
            [r["count"] for r in b["demographics"] if r["dimension"] == dimension],
            m["referrals_received"],
        )
