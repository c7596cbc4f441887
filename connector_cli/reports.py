"""The commissioner report: every metric, cohort and breakdown of reporting.md, computed exactly.

One function per metric family, each returning `Figure`s (the true value and, for means,
medians and SDs, how many values it was computed from). Nothing here hides anything: disclosure
control is applied afterwards, in `suppression.py`, to the `Figures` built by `build_figures`.

Cohorts (all dates inclusive):
- referrals in period: episodes whose referral date is in the period;
- contacts in period: contacts dated in it (support = face-to-face, telephone, video, message);
- closed in period: accepted episodes whose closure date is in it — outcomes use this cohort;
- follow-ups in period: episodes with a follow-up UCLA dated in it (the latest one in it).
Contacts recorded as keep-in-touch after closure (`after_closure`) never count anywhere.
An episode's baseline is its earliest scored baseline administration, its end the latest scored
end one (ties by id); skipped administrations are never scores. Change is end − baseline.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from connector_cli import codes, stats
from connector_cli.dates import Period
from connector_cli.models_reports import Completeness, Figure, Figures, PeriodInfo, Published
from connector_cli.report_metrics import (
    METRICS,
    ONS4_ITEMS,
    SWEMWBS_MEANINGFUL_CHANGE,
    UCLA_LONELY_FROM,
)
from connector_cli.store import reports as store

NOT_RECORDED = "not-recorded"


def _params(period: Period) -> dict:
    return {"s": period.start.isoformat(), "e": period.end.isoformat()}


def _counts(values: dict[str, int]) -> dict[str, Figure]:
    return {name: Figure(value=int(v)) for name, v in values.items()}


def _stat(value: Fraction | Decimal | None, n: int) -> Figure:
    """A mean, median or SD from n values, held exactly (Decimal) until it is published."""
    if value is None or not n:
        return Figure(value=None, n=n)
    return Figure(value=stats.to_decimal(value), n=n)


# --- Metric families ---------------------------------------------------------------------------


def referral_figures(conn: sqlite3.Connection, period: Period) -> dict[str, Figure]:
    row = store.referral_counts(conn, _params(period))
    return _counts(
        {
            f"referrals_{key}": row[key]
            for key in ("received", "accepted", "declined", "failed", "pending")
        }
    )


def caseload_figures(conn: sqlite3.Connection, period: Period) -> dict[str, Figure]:
    params = _params(period)
    return _counts(
        {
            "people_supported": store.people_supported(conn, params),
            "episodes_open_at_period_end": store.open_at_end(conn, params),
        }
    )


def closure_group_counts(conn: sqlite3.Connection, period: Period) -> dict[str, int]:
    """Episodes closed in the period by closure group (planned, early, other)."""
    group_of = {c.slug: c.group for c in codes.CLOSURE_REASONS}
    groups = {"planned": 0, "early": 0, "other": 0}
    for reason, count in store.closure_reason_counts(conn, _params(period)).items():
        groups[group_of.get(reason, "other")] += count
    return groups


def closure_figures(conn: sqlite3.Connection, period: Period) -> dict[str, Figure]:
    params = _params(period)
    row = store.closure_counts(conn, params)
    groups = closure_group_counts(conn, period)
    result = _counts(
        {
            "episodes_closed": row["closed"],
            **{f"closed_{group}": count for group, count in groups.items()},
            "closed_one_contact_only": row["one_contact"],
            "closed_no_contact": row["no_contact"],
            "closed_with_volunteer": row["with_volunteer"],
        }
    )
    per = store.closed_support(conn, params)
    weeks = [Fraction(r["days"], 7) for r in per if r["days"] is not None]
    for column, values in (
        ("contacts", [r["contacts"] for r in per]),
        ("minutes", [r["minutes"] for r in per]),
        ("weeks", weeks),
    ):
        result[f"closed_median_{column}"] = _stat(stats.median(values), len(values))
    return result


def contact_figures(conn: sqlite3.Connection, period: Period) -> dict[str, Figure]:
    row = store.contact_counts(conn, _params(period))
    return _counts(
        {
            "contacts_total": row["total"],
            "contacts_face_to_face": row["face_to_face"],
            "contacts_telephone": row["telephone"],
            "contacts_video": row["video"],
            "contacts_message": row["message"],
            "contacts_by_volunteer": row["by_volunteer"],
            "contact_minutes_total": row["minutes"],
            "contacts_about_person": row["about"],
            "contact_attempts": row["attempt"],
        }
    )


def signpost_figures(conn: sqlite3.Connection, period: Period) -> dict[str, Figure]:
    row = store.signpost_counts(conn, _params(period))
    return _counts({"signposts_total": row["total"], "people_signposted": row["people"]})


def goal_figures(conn: sqlite3.Connection, period: Period) -> dict[str, Figure]:
    row = store.goal_counts(conn, _params(period))
    return _counts(
        {
            "goals_set": row["set_"],
            "closed_goals": row["closed"],
            "closed_goals_achieved": row["achieved"],
        }
    )


def _paired(rows) -> list[tuple[Fraction, Fraction]]:
    """(baseline, end) exact scores of the episodes that have both."""
    return [
        (stats.exact(r["base"]), stats.exact(r["fin"]))
        for r in rows
        if r["base"] is not None and r["fin"] is not None
    ]


def _change_stats(pairs: list[tuple[Fraction, Fraction]]) -> tuple[Figure, Figure]:
    """Mean and sample SD of (end - baseline)."""
    changes = [fin - base for base, fin in pairs]
    return _stat(stats.mean(changes), len(changes)), _stat(stats.sd(changes), len(changes))


def ucla_figures(conn: sqlite3.Connection, period: Period) -> dict[str, Figure]:
    lonely = UCLA_LONELY_FROM
    rows = store.closed_pairs(conn, _params(period), store.UCLA)
    pairs = _paired(rows)
    n = len(pairs)
    mean_change, sd_change = _change_stats(pairs)
    result = _counts(
        {
            "ucla_baseline_n": sum(r["base"] is not None for r in rows),
            "ucla_paired_n": n,
            "ucla_improved": sum(fin < base for base, fin in pairs),
            "ucla_no_change": sum(fin == base for base, fin in pairs),
            "ucla_worse": sum(fin > base for base, fin in pairs),
        }
    )
    result |= {
        "ucla_mean_baseline": _stat(stats.mean(base for base, _ in pairs), n),
        "ucla_mean_end": _stat(stats.mean(fin for _, fin in pairs), n),
        "ucla_mean_change": mean_change,
        "ucla_sd_change": sd_change,
    }
    return result | _counts(
        {
            "ucla_lonely_at_baseline": sum(base >= lonely for base, _ in pairs),
            "ucla_became_not_lonely": sum(base >= lonely > fin for base, fin in pairs),
            "ucla_became_lonely": sum(base < lonely <= fin for base, fin in pairs),
        }
    )


def swemwbs_figures(conn: sqlite3.Connection, period: Period) -> dict[str, Figure]:
    pairs = _paired(store.closed_pairs(conn, _params(period), store.SWEMWBS))
    mean_change, _ = _change_stats(pairs)
    return _counts({"swemwbs_paired_n": len(pairs)}) | {
        "swemwbs_mean_change": mean_change,
        **_counts(
            {
                "swemwbs_improved": sum(fin > base for base, fin in pairs),
                "swemwbs_meaningful_improvement": sum(
                    fin - base >= SWEMWBS_MEANINGFUL_CHANGE for base, fin in pairs
                ),
            }
        ),
    }


def ons4_figures(conn: sqlite3.Connection, period: Period) -> dict[str, Figure]:
    result: dict[str, Figure] = {}
    for item in ONS4_ITEMS:
        pairs = _paired(store.closed_pairs(conn, _params(period), store.ONS4, item))
        better = [fin < base if item == "anxiety" else fin > base for base, fin in pairs]
        result |= _counts({f"ons4_{item}_paired_n": len(pairs)})
        result[f"ons4_{item}_mean_change"] = _change_stats(pairs)[0]
        result |= _counts({f"ons4_{item}_improved": sum(better)})
    return result


def followup_figures(conn: sqlite3.Connection, period: Period) -> dict[str, Figure]:
    rows = store.followup_rows(conn, _params(period))
    return _counts(
        {
            "followup_ucla_n": len(rows),
            "followup_ucla_sustained": sum(
                r["fin"] is not None and r["fu"] <= r["fin"] for r in rows
            ),
            "followup_ucla_better_than_baseline": sum(
                r["base"] is not None and r["fu"] < r["base"] for r in rows
            ),
        }
    )


def completeness_counts(
    conn: sqlite3.Connection,
    *,
    episode_ids: Iterable[int] | None = None,
    period: Period | None = None,
    among: str | None = None,
) -> tuple[int, dict[str, int], Fraction | None]:
    """Required-field completeness over the given episodes, or over the episodes closed in
    `period` (give exactly one), as (episodes, {field: episodes with it present}, pct), without
    pydantic (`connector check` uses it); pct is exact (a Fraction). Fields: gender, age, ethnicity, living arrangement,
    referral source, trigger answer, baseline UCLA, end UCLA, closure reason. A "not stated"
    value or a measure recorded as not collected counts as present; end UCLA is not expected
    (counts as present) after a death, a move or a hospital stay (codes.NO_END_MEASURES)."""
    if [episode_ids, period, among].count(None) != 2:
        raise TypeError("give episode_ids, period or among")
    if among is not None:  # the closed episodes among those `check` looked at
        row = store.completeness_counts_among(conn, among)
    elif period is not None:
        row = store.completeness_counts_closed(conn, _params(period))
    else:
        row = store.completeness_counts_of(conn, [int(i) for i in episode_ids])
    present = {field: int(row[field]) for field in store.COMPLETENESS_FIELDS}
    n = int(row["episodes"])
    pct = stats.percent(sum(present.values()), n * len(present))
    return n, present, pct


def completeness_detail(
    conn: sqlite3.Connection,
    *,
    episode_ids: Iterable[int] | None = None,
    period: Period | None = None,
) -> Completeness:
    """`completeness_counts` as a model."""
    n, present, pct = completeness_counts(conn, episode_ids=episode_ids, period=period)
    return Completeness(episodes=n, present=present, pct=pct)


def completeness(
    conn: sqlite3.Connection,
    *,
    episode_ids: Iterable[int] | None = None,
    period: Period | None = None,
) -> Fraction | None:
    """`data_completeness_pct`: share (0-100, exact) of the nine required fields present
    over the episodes given, or over those closed in `period`; None when there are none."""
    return completeness_counts(conn, episode_ids=episode_ids, period=period)[2]


def completeness_figures(conn: sqlite3.Connection, period: Period) -> dict[str, Figure]:
    detail = completeness_detail(conn, period=period)
    pct = None if detail.pct is None else stats.to_decimal(detail.pct)
    return {"data_completeness_pct": Figure(value=pct, n=detail.episodes)}


def coverage_figures(conn: sqlite3.Connection, period: Period) -> dict[str, Figure]:
    """`outcome_coverage_pct`: closed in period, less deaths, moves and hospital stays, with a
    baseline and an end UCLA score actually recorded (a skip is not a score)."""
    from connector_cli.outcomes import coverage

    eligible, paired = coverage(conn, period)
    pct = stats.percent(paired, eligible)
    value = None if pct is None else stats.to_decimal(pct)
    return {"outcome_coverage_pct": Figure(value=value, n=eligible)}


def recorded_figures(conn: sqlite3.Connection, period: Period) -> dict[str, Figure]:
    """What else the connector records: journeys, people referred again, how the support of
    the episodes closed in the period was given, and follow-up wellbeing (SWEMWBS)."""
    row = store.recorded_counts(conn, _params(period))
    followups = store.followup_wellbeing_rows(conn, _params(period))
    changes = [
        stats.exact(r["fu"]) - stats.exact(r["base"]) for r in followups if r["base"] is not None
    ]
    return _counts(
        {
            "contacts_with_journey": row["journeys"],
            "people_referred_again": row["referred_again"],
            "closed_face_to_face_only": row["face_to_face_only"],
            "closed_remote_only": row["remote_only"],
            "closed_both_ways": row["both_ways"],
            "followup_swemwbs_n": len(followups),
        }
    ) | {"followup_swemwbs_mean_change": _stat(stats.mean(changes), len(changes))}


def concern_figures(conn: sqlite3.Connection, period: Period) -> dict[str, Figure]:
    from connector_cli.store.concerns import concern_counts

    row = concern_counts(conn, _params(period))
    return _counts(
        {"concerns_raised": row["raised"], "concerns_open_at_period_end": row["open_at_end"]}
    )


FAMILIES = (
    referral_figures,
    caseload_figures,
    closure_figures,
    contact_figures,
    signpost_figures,
    goal_figures,
    ucla_figures,
    swemwbs_figures,
    ons4_figures,
    followup_figures,
    completeness_figures,
    coverage_figures,
    recorded_figures,
    concern_figures,
)


def metric_figures(conn: sqlite3.Connection, period: Period) -> dict[str, Figure]:
    """Every summary metric, in summary.csv order."""
    found: dict[str, Figure] = {}
    for family in FAMILIES:
        found |= family(conn, period)
    return {m.name: found[m.name] for m in METRICS}


# --- Breakdowns --------------------------------------------------------------------------------


def referral_sources(conn: sqlite3.Connection, period: Period) -> list[dict]:
    """`group,source,count` for every source code, plus `unknown,not-recorded` (no source)."""
    counts = store.source_counts(conn, _params(period))
    rows = [
        {"group": c.group, "source": c.slug, "count": counts.get(c.slug, 0)} for c in codes.SOURCES
    ]
    recorded = sum(row["count"] for row in rows)
    rows.append(
        {"group": "unknown", "source": NOT_RECORDED, "count": sum(counts.values()) - recorded}
    )
    return rows


def trigger_groups(conn: sqlite3.Connection, period: Period) -> list[dict]:
    """Per trigger group, `none-recorded` and `none`: referrals in period flagged with it, and
    UCLA paired / improved / became-not-lonely over episodes closed in period flagged with it."""
    found = store.trigger_group_counts(conn, _params(period))
    zero = {"referrals": 0, "ucla_paired_n": 0, "ucla_improved": 0, "ucla_became_not_lonely": 0}
    names = [c.slug for c in codes.TRIGGERS] + ["none-recorded", "none"]
    return [
        {"group": name, **{k: int(v) for k, v in found.get(name, zero).items()}} for name in names
    ]


def signpost_categories(conn: sqlite3.Connection, period: Period) -> list[dict]:
    """`group,category,count` for every signpost category (category empty for the groups that
    have no sub-categories: own-organisation, other)."""
    counts = store.signpost_category_counts(conn, _params(period))
    rows = []
    for group in codes.SIGNPOST_GROUPS:
        subs = codes.signpost_subs(group.slug) or (None,)
        for sub in subs:
            slug = sub.slug if sub else None
            rows.append(
                {
                    "group": group.slug,
                    "category": slug or "",
                    "count": counts.get((group.slug, slug), 0),
                }
            )
    return rows


def closure_reasons(conn: sqlite3.Connection, period: Period) -> list[dict]:
    """`group,reason,count` for every closure reason, plus `other,not-recorded` (closed with no
    reason, possible in older data), so each group adds up to its summary total."""
    counts = store.closure_reason_counts(conn, _params(period))
    rows = [
        {"group": c.group, "reason": c.slug, "count": counts.get(c.slug, 0)}
        for c in codes.CLOSURE_REASONS
    ]
    missing = sum(counts.values()) - sum(row["count"] for row in rows)
    return rows + [{"group": "other", "reason": NOT_RECORDED, "count": missing}]


DEMOGRAPHIC_CODES = {
    "age_band": codes.AGE_BANDS,
    "gender": codes.GENDERS,
    "ethnicity": codes.ETHNICITIES,
    "living": codes.LIVING,
}


def demographics(conn: sqlite3.Connection, period: Period) -> list[dict]:
    """`dimension,category,count` over referrals in period. Every dimension has each of its
    codes (age band `not stated`, and gender, ethnicity and living `not-stated`/`Z`, mean the
    person did not say) plus `not-recorded` (never asked)."""
    found = store.demographic_counts(conn, _params(period))
    rows = []
    for dimension, code_list in DEMOGRAPHIC_CODES.items():
        counts = found[dimension]
        known = [
            {"dimension": dimension, "category": c.slug, "count": counts.get(c.slug, 0)}
            for c in code_list
        ]
        rows += known
        missing = sum(counts.values()) - sum(row["count"] for row in known)
        rows.append({"dimension": dimension, "category": NOT_RECORDED, "count": missing})
    return rows


def gaps(conn: sqlite3.Connection, period: Period) -> list[dict]:
    """`category,area,reason,count`: unmet needs recorded in period (non-zero rows only). The
    area is one of the scheme's configured areas; anything else (none given, or free text
    typed before areas were configured) is `not-recorded`, so no free text reaches a file."""
    from connector_cli.settings import areas

    known = {area.casefold(): area for area in areas(conn)}
    merged: dict[tuple, int] = {}
    for category, area, reason, count in _gap_rows(conn, period):
        key = (category, known.get(" ".join((area or "").split()).casefold(), NOT_RECORDED), reason)
        merged[key] = merged.get(key, 0) + count
    return [
        {"category": c, "area": a, "reason": r, "count": n}
        for (c, a, r), n in sorted(merged.items())
    ]


def _gap_rows(conn: sqlite3.Connection, period: Period) -> list[tuple]:
    from connector_cli.store.directory import gap_counts

    return [
        (r["category"], r["area"], r["reason"], r["count"])
        for r in gap_counts(conn, period.start.isoformat(), period.end.isoformat())
    ]


def _coded_counts(counts: dict, code_list, key: str, missing: str | None = NOT_RECORDED):
    """`key,count` rows for every code, plus a `not-recorded` row for values not given."""
    rows = [{key: c.slug, "count": counts.get(c.slug, 0)} for c in code_list]
    if missing:
        rows.append({key: missing, "count": sum(counts.values()) - sum(r["count"] for r in rows)})
    return rows


def contact_locations(conn: sqlite3.Connection, period: Period) -> list[dict]:
    """`location,count`: face-to-face support contacts in period, by where they took place."""
    counts = store.location_counts(conn, _params(period))
    return _coded_counts(counts, codes.LOCATIONS, "location")


def goal_domains(conn: sqlite3.Connection, period: Period) -> list[dict]:
    """`domain,count`: goals set in period, by domain."""
    counts = store.goal_domain_counts(conn, _params(period))
    return _coded_counts(counts, codes.GOAL_DOMAINS, "domain", missing=None)


def signpost_outcomes(conn: sqlite3.Connection, period: Period) -> list[dict]:
    """`outcome,count`: signposts made in period by what came of them so far."""
    counts = store.signpost_outcome_counts(conn, _params(period))
    return _coded_counts(counts, codes.SIGNPOST_OUTCOMES, "outcome")


def choice_reasons(conn: sqlite3.Connection, period: Period) -> list[dict]:
    """`sub_reason,count`: closed in period because the person chose to end support."""
    counts = store.choice_sub_reason_counts(conn, _params(period))
    return _coded_counts(counts, codes.CHOICE_SUB_REASONS, "sub_reason")


BREAKDOWNS = {
    "referral_sources": referral_sources,
    "trigger_groups": trigger_groups,
    "signposts": signpost_categories,
    "closures": closure_reasons,
    "demographics": demographics,
    "gaps": gaps,
    "contact_locations": contact_locations,
    "goal_domains": goal_domains,
    "signpost_outcomes": signpost_outcomes,
    "choice_reasons": choice_reasons,
}


def group_totals(rows: list[dict], groups: tuple[codes.Code, ...] | list[str]) -> list[dict]:
    """`group,count` totals of a breakdown's rows, one per group in code-list order."""
    names = list(dict.fromkeys(g if isinstance(g, str) else g.group or g.slug for g in groups))
    return [{"group": n, "count": sum(r["count"] for r in rows if r["group"] == n)} for n in names]


def ucla_bands(metrics: dict[str, Figure]) -> list[dict]:
    """Paired episodes lonely (6-9) / not lonely (3-5) at baseline and at end (report only)."""
    paired = metrics["ucla_paired_n"].value
    base = metrics["ucla_lonely_at_baseline"].value
    end = base - metrics["ucla_became_not_lonely"].value + metrics["ucla_became_lonely"].value
    return [
        {"stage": "baseline", "lonely": base, "not_lonely": paired - base},
        {"stage": "end", "lonely": end, "not_lonely": paired - end},
    ]


def build_figures(conn: sqlite3.Connection, *, period: Period) -> Figures:
    """All metrics and breakdowns for the period, read in one snapshot. Besides the export's
    breakdown files it holds what only the report shows: referral source group and signpost
    group totals, and the UCLA bands at baseline and end."""
    with store.snapshot(conn):
        metrics = metric_figures(conn, period)
        breakdowns = {name: fn(conn, period) for name, fn in BREAKDOWNS.items()}
        outcomes = None
        if period.standard:  # outcome figures: standard periods only (reporting.md)
            from connector_cli.outcomes import outcome_rows

            outcomes = outcome_rows(conn, period)
    breakdowns["source_groups"] = group_totals(breakdowns["referral_sources"], codes.SOURCES)
    breakdowns["signpost_groups"] = group_totals(breakdowns["signposts"], codes.SIGNPOST_GROUPS)
    breakdowns["ucla_bands"] = ucla_bands(metrics)
    info = PeriodInfo(
        label=period.label, start=period.start.isoformat(), end=period.end.isoformat()
    )
    return Figures(period=info, metrics=metrics, breakdowns=breakdowns, outcomes=outcomes)


def published_figures(conn: sqlite3.Connection, *, period: Period, k: int) -> Published:
    """The figures of the period as they may be shown (suppression.py). A year is protected
    together with its four quarters, each computed as its own report would be."""
    from connector_cli.dates import quarters_of
    from connector_cli.suppression import publish

    with store.snapshot(conn):
        figures = build_figures(conn, period=period)
        quarters = [build_figures(conn, period=q) for q in quarters_of(period)] if k > 0 else []
    return publish(figures, k, standard=period.standard, quarters=quarters)
