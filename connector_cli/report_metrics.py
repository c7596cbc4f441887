"""The rows of summary.csv (reporting.md), in order: name, description, kind and cohort.

`kind` tells disclosure control how to treat the value: `count` (hidden from 1 to k-1), `stat`
(a mean, median or SD: hidden when computed from 1 to k-1 values), `sum` and `pct` (only the
cohort rule). `cohort` names the count whose suppression hides this metric too.
"""

from __future__ import annotations

from dataclasses import dataclass

ONS4_ITEMS = ("life_satisfaction", "worthwhile", "happiness", "anxiety")
SWEMWBS_MEANINGFUL_CHANGE = 3  # metric points, Shah et al. 2018 strict threshold (2.77 SEM)
UCLA_LONELY_FROM = 6  # UCLA 3-item bands: 3-5 "not lonely", 6-9 "lonely" (a convention)


@dataclass(frozen=True)
class MetricDef:
    """A summary.csv row. kind: count (1..k-1 hidden), stat (mean/median/SD: hidden when
    computed from 1..k-1 values), sum or pct (only the cohort rule). cohort: the count metric
    whose suppression also hides this one."""

    name: str
    description: str
    kind: str = "count"
    cohort: str | None = None


def _m(name: str, description: str, kind: str = "count", cohort: str | None = None) -> MetricDef:
    return MetricDef(name, description, kind, cohort)


def _ons4_defs() -> list[MetricDef]:
    result = []
    for item in ONS4_ITEMS:
        label = item.replace("_", " ")
        better = "fell" if item == "anxiety" else "rose"
        paired = f"ons4_{item}_paired_n"
        result += [
            _m(
                paired,
                f"Closed in period with baseline and end ONS4 {label}",
                cohort="episodes_closed",
            ),
            _m(
                f"ons4_{item}_mean_change",
                f"Mean change in ONS4 {label} (end - baseline), paired",
                "stat",
                paired,
            ),
            _m(
                f"ons4_{item}_improved",
                f"Paired episodes whose ONS4 {label} {better}",
                cohort=paired,
            ),
        ]
    return result


# The rows of summary.csv, in order (reporting.md).
METRICS: tuple[MetricDef, ...] = (
    _m("referrals_received", "Referrals received in period"),
    _m("referrals_accepted", "Referrals in period now accepted", cohort="referrals_received"),
    _m("referrals_declined", "Referrals in period now declined", cohort="referrals_received"),
    _m("referrals_failed", "Referrals in period now failed", cohort="referrals_received"),
    _m("referrals_pending", "Referrals in period still pending", cohort="referrals_received"),
    _m("people_supported", "Distinct people with at least one support contact in period"),
    _m(
        "episodes_open_at_period_end",
        "Accepted episodes referred by the period end and not closed by it",
    ),
    _m("episodes_closed", "Accepted episodes closed in period"),
    _m("closed_planned", "Closed in period: planned ending", cohort="episodes_closed"),
    _m("closed_early", "Closed in period: early ending", cohort="episodes_closed"),
    _m("closed_other", "Closed in period: other reason", cohort="episodes_closed"),
    _m("contacts_total", "Support contacts in period"),
    _m("contacts_face_to_face", "Face-to-face contacts in period", cohort="contacts_total"),
    _m("contacts_telephone", "Telephone contacts in period", cohort="contacts_total"),
    _m("contacts_video", "Video contacts in period", cohort="contacts_total"),
    _m("contacts_message", "Message contacts in period", cohort="contacts_total"),
    _m(
        "contacts_by_volunteer",
        "Support contacts in period delivered by a volunteer",
        cohort="contacts_total",
    ),
    _m("contact_minutes_total", "Minutes of support contacts in period", "sum", "contacts_total"),
    _m("contacts_about_person", "Contacts about the person (not with them) in period"),
    _m("contact_attempts", "Attempted contacts in period"),
    _m(
        "closed_median_contacts",
        "Median support contacts per episode, closed in period",
        "stat",
        "episodes_closed",
    ),
    _m(
        "closed_median_minutes",
        "Median support minutes per episode, closed in period",
        "stat",
        "episodes_closed",
    ),
    _m(
        "closed_median_weeks",
        "Median weeks first to last support contact, closed in period",
        "stat",
        "episodes_closed",
    ),
    _m(
        "closed_one_contact_only",
        "Closed in period with exactly one support contact",
        cohort="episodes_closed",
    ),
    _m("closed_no_contact", "Closed in period with no support contact", cohort="episodes_closed"),
    _m(
        "closed_with_volunteer",
        "Closed in period with a volunteer-delivered contact",
        cohort="episodes_closed",
    ),
    _m("signposts_total", "Signposts in period"),
    _m("people_signposted", "Distinct people signposted in period"),
    _m("goals_set", "Goals set in period"),
    _m("closed_goals", "Goals (not dropped) of episodes closed in period"),
    _m("closed_goals_achieved", "Of those, latest progress achieved", cohort="closed_goals"),
    _m("ucla_baseline_n", "Closed in period with a baseline UCLA", cohort="episodes_closed"),
    _m("ucla_paired_n", "Closed in period with baseline and end UCLA", cohort="episodes_closed"),
    _m("ucla_improved", "Paired: end UCLA below baseline", cohort="ucla_paired_n"),
    _m("ucla_no_change", "Paired: end UCLA equal to baseline", cohort="ucla_paired_n"),
    _m("ucla_worse", "Paired: end UCLA above baseline", cohort="ucla_paired_n"),
    _m("ucla_mean_baseline", "Mean baseline UCLA, paired", "stat", "ucla_paired_n"),
    _m("ucla_mean_end", "Mean end UCLA, paired", "stat", "ucla_paired_n"),
    _m("ucla_mean_change", "Mean UCLA change (end - baseline), paired", "stat", "ucla_paired_n"),
    _m("ucla_sd_change", "Sample SD of UCLA change, paired", "stat", "ucla_paired_n"),
    _m("ucla_lonely_at_baseline", "Paired with baseline UCLA 6-9 (lonely)", cohort="ucla_paired_n"),
    _m("ucla_became_not_lonely", "Paired: baseline 6-9 and end 3-5", cohort="ucla_paired_n"),
    _m("ucla_became_lonely", "Paired: baseline 3-5 and end 6-9", cohort="ucla_paired_n"),
    _m(
        "swemwbs_paired_n",
        "Closed in period with baseline and end SWEMWBS",
        cohort="episodes_closed",
    ),
    _m(
        "swemwbs_mean_change",
        "Mean SWEMWBS metric change (end - baseline), paired",
        "stat",
        "swemwbs_paired_n",
    ),
    _m(
        "swemwbs_improved",
        "Paired with any increase in SWEMWBS metric score",
        cohort="swemwbs_paired_n",
    ),
    _m(
        "swemwbs_meaningful_improvement",
        "Paired with an increase of 3 or more metric points",
        cohort="swemwbs_paired_n",
    ),
    *_ons4_defs(),
    _m("followup_ucla_n", "Episodes with a follow-up UCLA in period"),
    _m(
        "followup_ucla_sustained",
        "Of those with an end UCLA: follow-up <= end",
        cohort="followup_ucla_n",
    ),
    _m(
        "followup_ucla_better_than_baseline",
        "Of those with a baseline UCLA: follow-up < baseline",
        cohort="followup_ucla_n",
    ),
    _m(
        "data_completeness_pct",
        "Required fields present, % (closed in period)",
        "pct",
        "episodes_closed",
    ),
    _m(
        "outcome_coverage_pct",
        "Closed in period (less died, moved, hospital) with baseline and end UCLA scores, %",
        "pct",
        "episodes_closed",
    ),
    # What else is recorded (added after the reporting.md rows, so their order holds).
    _m(
        "contacts_with_journey",
        "Support contacts in period with a journey together",
        cohort="contacts_total",
    ),
    _m(
        "people_referred_again",
        "People referred in period who had been referred before",
        cohort="referrals_received",
    ),
    _m(
        "closed_face_to_face_only",
        "Closed in period, support face-to-face only",
        cohort="episodes_closed",
    ),
    _m(
        "closed_remote_only",
        "Closed in period, support by telephone, video or message only",
        cohort="episodes_closed",
    ),
    _m(
        "closed_both_ways",
        "Closed in period, support both face-to-face and remote",
        cohort="episodes_closed",
    ),
    _m("followup_swemwbs_n", "Episodes with a follow-up SWEMWBS in period"),
    _m(
        "followup_swemwbs_mean_change",
        "Mean SWEMWBS change, baseline to follow-up (those with a baseline)",
        "stat",
        "followup_swemwbs_n",
    ),
)

METRIC_BY_NAME = {m.name: m for m in METRICS}
