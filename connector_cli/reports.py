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

import math
import re
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

from connector_cli import codes
from connector_cli.dates import Period
from connector_cli.report_metrics import (
    METRICS,
    ONS4_ITEMS,
    SWEMWBS_MEANINGFUL_CHANGE,
    UCLA_LONELY_FROM,
)
from connector_cli.store import reports as store

if TYPE_CHECKING:
    from connector_cli.models_reports import Completeness, Figure, Figures

# The pydantic models (connector_cli.models_reports) are imported inside the functions that build
# them: `connector check` uses the completeness figure from here and must not pay for pydantic.

NOT_RECORDED = "not-recorded"


def _params(period: Period) -> dict:
    return {"s": period.start.isoformat(), "e": period.end.isoformat()}


def _counts(values: dict[str, int]) -> dict[str, Figure]:
    from connector_cli.models_reports import Figure

    return {name: Figure(value=int(v)) for name, v in values.items()}


def _stat(value: float | None, n: int) -> Figure:
    from connector_cli.models_reports import Figure

    return Figure(value=value if n else None, n=n)


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
    for column, n in (
        ("contacts", row["closed"]),
        ("minutes", row["closed"]),
        ("weeks", row["with_contact"]),
    ):
        result[f"closed_median_{column}"] = _stat(store.closed_median(conn, params, column), n)
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


def _sd(sum_d2: float | None, mean: float | None, n: int) -> Figure:
    """Sample SD (n - 1) of the changes from their sum of squares and mean; undefined below
    two values."""
    from connector_cli.models_reports import Figure

    if n < 2 or sum_d2 is None or mean is None:
        return Figure(value=None, n=n)
    variance = max(0.0, (sum_d2 - n * mean * mean) / (n - 1))  # max: float noise near 0
    return Figure(value=math.sqrt(variance), n=n)


def ucla_figures(conn: sqlite3.Connection, period: Period) -> dict[str, Figure]:
    lonely = UCLA_LONELY_FROM
    row = store.paired_change(
        conn,
        _params(period),
        store.UCLA,
        improved_when="fin < base",
        extra=f""", sum(fin = base) AS no_change, sum(fin > base) AS worse,
                   sum(base >= {lonely} AND fin IS NOT NULL) AS lonely_at_baseline,
                   sum(base >= {lonely} AND fin < {lonely}) AS became_not_lonely,
                   sum(base < {lonely} AND fin >= {lonely}) AS became_lonely""",
    )
    n = row["paired_n"]
    result = _counts({f"ucla_{key}": row[key] for key in ("baseline_n", "paired_n", "improved")})
    result |= _counts({"ucla_no_change": row["no_change"] or 0, "ucla_worse": row["worse"] or 0})
    result |= {
        "ucla_mean_baseline": _stat(row["mean_base"], n),
        "ucla_mean_end": _stat(row["mean_fin"], n),
        "ucla_mean_change": _stat(row["mean_change"], n),
        "ucla_sd_change": _sd(row["sum_d2"], row["mean_change"], n),
    }
    keys = ("lonely_at_baseline", "became_not_lonely", "became_lonely")
    return result | _counts({f"ucla_{key}": row[key] or 0 for key in keys})


def swemwbs_figures(conn: sqlite3.Connection, period: Period) -> dict[str, Figure]:
    from connector_cli.models_reports import Figure

    # Metric scores are 2-decimal reals: compare the rounded change, not float noise.
    row = store.paired_change(
        conn,
        _params(period),
        store.SWEMWBS,
        improved_when="round(fin - base, 2) > 0",
        extra=f", sum(round(fin - base, 2) >= {SWEMWBS_MEANINGFUL_CHANGE}) AS meaningful",
    )
    n = row["paired_n"]
    return {
        "swemwbs_paired_n": Figure(value=n),
        "swemwbs_mean_change": _stat(row["mean_change"], n),
        "swemwbs_improved": Figure(value=row["improved"]),
        "swemwbs_meaningful_improvement": Figure(value=row["meaningful"] or 0),
    }


def ons4_figures(conn: sqlite3.Connection, period: Period) -> dict[str, Figure]:
    from connector_cli.models_reports import Figure

    result: dict[str, Figure] = {}
    for item in ONS4_ITEMS:
        better = "fin < base" if item == "anxiety" else "fin > base"
        row = store.paired_change(
            conn, _params(period), store.ONS4, item=item, improved_when=better
        )
        n = row["paired_n"]
        result[f"ons4_{item}_paired_n"] = Figure(value=n)
        result[f"ons4_{item}_mean_change"] = _stat(row["mean_change"], n)
        result[f"ons4_{item}_improved"] = Figure(value=row["improved"])
    return result


def followup_figures(conn: sqlite3.Connection, period: Period) -> dict[str, Figure]:
    row = store.followup_counts(conn, _params(period))
    return _counts(
        {
            "followup_ucla_n": row["n"],
            "followup_ucla_sustained": row["sustained"],
            "followup_ucla_better_than_baseline": row["better_than_baseline"],
        }
    )


def completeness_counts(
    conn: sqlite3.Connection,
    *,
    episode_ids: Iterable[int] | None = None,
    period: Period | None = None,
) -> tuple[int, dict[str, int], float | None]:
    """Required-field completeness over the given episodes, or over the episodes closed in
    `period` (give exactly one), as (episodes, {field: episodes with it present}, pct), without
    pydantic (`connector check` uses it). Fields: gender, age, ethnicity, living arrangement,
    referral source, trigger answer, baseline UCLA, end UCLA, closure reason. A "not stated"
    value or a measure recorded as not collected counts as present; end UCLA is not expected
    (counts as present) after a death, a move or a hospital stay (codes.NO_END_MEASURES)."""
    if (episode_ids is None) == (period is None):
        raise TypeError("give episode_ids or period")
    if period is not None:
        row = store.completeness_counts_closed(conn, _params(period))
    else:
        row = store.completeness_counts_of(conn, [int(i) for i in episode_ids])
    present = {field: int(row[field]) for field in store.COMPLETENESS_FIELDS}
    n = int(row["episodes"])
    pct = 100 * sum(present.values()) / (n * len(present)) if n else None
    return n, present, pct


def completeness_detail(
    conn: sqlite3.Connection,
    *,
    episode_ids: Iterable[int] | None = None,
    period: Period | None = None,
) -> Completeness:
    """`completeness_counts` as a model."""
    from connector_cli.models_reports import Completeness

    n, present, pct = completeness_counts(conn, episode_ids=episode_ids, period=period)
    return Completeness(episodes=n, present=present, pct=pct)


def completeness(
    conn: sqlite3.Connection,
    *,
    episode_ids: Iterable[int] | None = None,
    period: Period | None = None,
) -> float | None:
    """`data_completeness_pct`: share (0-100, unrounded) of the nine required fields present
    over the episodes given, or over those closed in `period`; None when there are none."""
    return completeness_counts(conn, episode_ids=episode_ids, period=period)[2]


def completeness_figures(conn: sqlite3.Connection, period: Period) -> dict[str, Figure]:
    from connector_cli.models_reports import Figure

    detail = completeness_detail(conn, period=period)
    return {"data_completeness_pct": Figure(value=detail.pct, n=detail.episodes)}


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
    counts = store.closure_reason_counts(conn, _params(period))
    return [
        {"group": c.group, "reason": c.slug, "count": counts.get(c.slug, 0)}
        for c in codes.CLOSURE_REASONS
    ]


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
    """`category,area,reason,count`: unmet needs recorded in period (non-zero rows only; the
    area is shortened to a postcode district when a full postcode was typed)."""
    rows = _gap_rows(conn, period)
    merged: dict[tuple, int] = {}
    for category, area, reason, count in rows:
        key = (category, area_for_export(area), reason)
        merged[key] = merged.get(key, 0) + count
    return [{"category": c, "area": a, "reason": r, "count": n} for (c, a, r), n in merged.items()]


def _gap_rows(conn: sqlite3.Connection, period: Period) -> list[tuple]:
    from connector_cli.store.directory import gap_counts

    return [
        (r["category"], r["area"], r["reason"], r["count"])
        for r in gap_counts(conn, period.start.isoformat(), period.end.isoformat())
    ]


def area_for_export(area: str | None) -> str:
    """A locality as typed, but never a full postcode: 'LS6 3AB' becomes 'LS6'."""
    text = " ".join((area or "").split())
    full = re.fullmatch(r"([A-Za-z]{1,2}\d[A-Za-z\d]?)\s*(\d[A-Za-z]{2})", text)
    return full[1].upper() if full else text


BREAKDOWNS = {
    "referral_sources": referral_sources,
    "trigger_groups": trigger_groups,
    "signposts": signpost_categories,
    "closures": closure_reasons,
    "demographics": demographics,
    "gaps": gaps,
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
    from connector_cli.models_reports import Figures, PeriodInfo

    with store.snapshot(conn):
        metrics = metric_figures(conn, period)
        breakdowns = {name: fn(conn, period) for name, fn in BREAKDOWNS.items()}
    breakdowns["source_groups"] = group_totals(breakdowns["referral_sources"], codes.SOURCES)
    breakdowns["signpost_groups"] = group_totals(breakdowns["signposts"], codes.SIGNPOST_GROUPS)
    breakdowns["ucla_bands"] = ucla_bands(metrics)
    info = PeriodInfo(
        label=period.label, start=period.start.isoformat(), end=period.end.isoformat()
    )
    return Figures(period=info, metrics=metrics, breakdowns=breakdowns)
