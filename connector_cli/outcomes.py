"""The outcome figures an evaluator would sign (reporting.md, Outcomes): `outcomes.csv` and the
report's outcome section. Each row has its n, its value and a 95% confidence interval, all
exact until published (stats.py); disclosure control for outcomes is applied here too.

Cohort: accepted episodes closed in the period, unless a row says otherwise. Groups: `all`,
`trigger:<slug>` and `trigger:none`, `age:under-60` / `age:60-plus`, `gender:female` / `male` /
`other`, `living:alone` / `not-alone`, `baseline:most-lonely` (baseline UCLA 8-9). Rows 4-7
(the paired UCLA figures) are given for every group, the others for `all` only.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from connector_cli import codes, stats
from connector_cli.dates import Period
from connector_cli.report_metrics import ONS4_ITEMS, SWEMWBS_MEANINGFUL_CHANGE, UCLA_LONELY_FROM
from connector_cli.store import reports as store

COLUMNS = ("measure", "group", "n", "value", "ci_low", "ci_high", "description")
SUPPRESSED = "*"
MOST_LONELY_FROM = 8
OLDER_FROM = 60
LEFT_OUT_OF_COVERAGE = ("died", "moved", "hospital")  # closures no one could have followed up
TAKEN_UP = ("attended", "still-attending")
KNOWN_SIGNPOST_OUTCOMES = ("attended", "still-attending", "did-not-attend")
PROGRESS_LEVELS = ("achieved", "a-lot", "some", "none", "not-reviewed")
NOT_STANDARD = (
    "Outcome figures are published only for a quarter or a year: a --from/--to period shows "
    "activity figures only, so that overlapping periods cannot be set against each other to "
    "reveal a few people's scores."
)


@dataclass(frozen=True)
class Outcome:
    """One row of outcomes.csv, exact. `count` is a percentage's numerator (screen only)."""

    measure: str
    group: str
    n: int
    value: Fraction | None
    ci: tuple[Decimal, Decimal] | None
    description: str
    count: int | None = None

    @property
    def places(self) -> int:
        return 1 if self.measure.endswith("_pct") else 2


@dataclass(frozen=True)
class Episode:
    """What the outcome rows need of one episode closed in the period."""

    id: int
    closure_reason: str | None
    groups: tuple[str, ...]
    ucla: tuple[Fraction | None, Fraction | None]
    direct: tuple[str | None, str | None]


def _mean_row(measure: str, group: str, values: list[Fraction], description: str) -> Outcome:
    return Outcome(
        measure, group, len(values), stats.mean(values), stats.mean_interval(values), description
    )


def _pct_row(measure: str, group: str, flags: list[bool], description: str) -> Outcome:
    part, whole = sum(flags), len(flags)
    return Outcome(
        measure,
        group,
        whole,
        stats.percent(part, whole),
        stats.wilson_interval(part, whole),
        description,
        count=part,
    )


# --- Who is in which group ---------------------------------------------------------------------


def groups_of(row: sqlite3.Row, baseline: Fraction | None) -> tuple[str, ...]:
    """The groups (besides `all`) an episode closed in the period belongs to."""
    found = []
    triggers = set((row["triggers"] or "").split(";")) - {""}
    found += [f"trigger:{c.slug}" for c in codes.TRIGGERS if c.slug in triggers]
    if not triggers and row["triggers_answered"]:
        found.append("trigger:none")
    if row["age"] is not None:
        found.append("age:60-plus" if row["age"] >= OLDER_FROM else "age:under-60")
    if row["gender"] in ("female", "male"):
        found.append(f"gender:{row['gender']}")
    elif row["gender"] and row["gender"] != "not-stated":
        found.append("gender:other")
    if row["living"] == "alone":
        found.append("living:alone")
    elif row["living"] and row["living"] != "not-stated":
        found.append("living:not-alone")
    if baseline is not None and baseline >= MOST_LONELY_FROM:
        found.append("baseline:most-lonely")
    return tuple(found)


def group_names() -> list[str]:
    """Every group in the order outcomes.csv lists them."""
    return [
        "all",
        *(f"trigger:{c.slug}" for c in codes.TRIGGERS),
        "trigger:none",
        "age:under-60",
        "age:60-plus",
        "gender:female",
        "gender:male",
        "gender:other",
        "living:alone",
        "living:not-alone",
        "baseline:most-lonely",
    ]


def _score(value) -> Fraction | None:
    return None if value is None else stats.exact(value)


def closed_episodes(conn: sqlite3.Connection, params: dict) -> list[Episode]:
    ucla = {r["id"]: (_score(r["base"]), _score(r["fin"])) for r in _pairs(conn, params, "ucla")}
    direct = {
        r["id"]: (r["base"], r["fin"])
        for r in store.closed_pairs(conn, params, store.UCLA, "lonely_direct", "answer")
    }
    return [
        Episode(
            row["id"],
            row["closure_reason"],
            groups_of(row, ucla[row["id"]][0]),
            ucla[row["id"]],
            direct[row["id"]],
        )
        for row in store.closed_characteristics(conn, params)
    ]


def _pairs(conn: sqlite3.Connection, params: dict, which: str) -> list[sqlite3.Row]:
    instrument = {"ucla": store.UCLA, "swemwbs": store.SWEMWBS}.get(which, store.ONS4)
    item = None if which in ("ucla", "swemwbs") else which
    return store.closed_pairs(conn, params, instrument, item)


def _paired(rows: list[sqlite3.Row]) -> list[tuple[Fraction, Fraction]]:
    return [
        (stats.exact(r["base"]), stats.exact(r["fin"]))
        for r in rows
        if r["base"] is not None and r["fin"] is not None
    ]


# --- The rows ----------------------------------------------------------------------------------


def ucla_rows(episodes: list[Episode]) -> list[Outcome]:
    """Rows 1-3 for all; rows 4-7 for every group."""
    paired = [e for e in episodes if None not in e.ucla]
    unpaired = [e.ucla[0] for e in episodes if e.ucla[0] is not None and e.ucla[1] is None]
    rows = [
        _pct_row(
            "ucla_paired_pct",
            "all",
            [None not in e.ucla for e in episodes],
            "Closed episodes with baseline and end UCLA, %",
        ),
        _mean_row(
            "ucla_unpaired_baseline_mean",
            "all",
            unpaired,
            "Mean baseline UCLA of those with no end score (who we lost)",
        ),
        _mean_row(
            "ucla_paired_baseline_mean",
            "all",
            [e.ucla[0] for e in paired],
            "Mean baseline UCLA of those with an end score",
        ),
    ]
    by_group = {
        name: [e for e in paired if name == "all" or name in e.groups] for name in group_names()
    }
    lonely = UCLA_LONELY_FROM
    per_group: list[tuple[str, str, Callable | None]] = [
        ("ucla_mean_change", "Mean UCLA change (end - baseline), paired", None),
        ("ucla_improved_pct", "Paired with end UCLA below baseline, %", lambda b, f: f < b),
        (
            "ucla_lonely_baseline_pct",
            "Paired lonely (6-9) at baseline, %",
            lambda b, f: b >= lonely,
        ),
        ("ucla_lonely_end_pct", "Paired lonely (6-9) at end, %", lambda b, f: f >= lonely),
    ]
    for measure, description, test in per_group:
        for name, members in by_group.items():
            scores = [e.ucla for e in members]
            if test is None:
                rows.append(_mean_row(measure, name, [f - b for b, f in scores], description))
            else:
                rows.append(_pct_row(measure, name, [test(b, f) for b, f in scores], description))
    return rows


def direct_rows(episodes: list[Episode]) -> list[Outcome]:
    """Row 8: the ONS direct question, "often or always", at baseline and at end."""
    rows = []
    for index, stage in enumerate(("baseline", "end")):
        answers = [e.direct[index] for e in episodes if e.direct[index] is not None]
        rows.append(
            _pct_row(
                f"direct_often_{stage}_pct",
                "all",
                [a == "often-always" for a in answers],
                f'Answered "how often do you feel lonely?" at {stage}: often or always, %',
            )
        )
    return rows


def wellbeing_rows(conn: sqlite3.Connection, params: dict) -> list[Outcome]:
    """Rows 9-12: SWEMWBS metric scores and ONS4 items, paired."""
    pairs = _paired(_pairs(conn, params, "swemwbs"))
    rows = [
        _mean_row(
            "swemwbs_mean_baseline", "all", [b for b, _ in pairs], "Mean baseline SWEMWBS, paired"
        ),
        _mean_row("swemwbs_mean_end", "all", [f for _, f in pairs], "Mean end SWEMWBS, paired"),
        _mean_row(
            "swemwbs_mean_change",
            "all",
            [f - b for b, f in pairs],
            "Mean SWEMWBS metric change (end - baseline), paired",
        ),
        _pct_row(
            "swemwbs_meaningful_pct",
            "all",
            [f - b >= SWEMWBS_MEANINGFUL_CHANGE for b, f in pairs],
            "Paired SWEMWBS rising 3 or more metric points, %",
        ),
    ]
    for item in ONS4_ITEMS:
        changes = [f - b for b, f in _paired(_pairs(conn, params, item))]
        label = item.replace("_", " ")
        rows.append(
            _mean_row(
                f"ons4_{item}_mean_change",
                "all",
                changes,
                f"Mean change in ONS4 {label} (end - baseline), paired",
            )
        )
    return rows


def followup_rows(conn: sqlite3.Connection, params: dict) -> list[Outcome]:
    """Rows 13-14: follow-up UCLA dated in the period whose episode has an end UCLA."""
    found = [r for r in store.followup_rows(conn, params) if r["fin"] is not None]
    pairs = [(stats.exact(r["fin"]), stats.exact(r["fu"])) for r in found]
    return [
        _mean_row(
            "followup_from_end_mean_change",
            "all",
            [fu - fin for fin, fu in pairs],
            "Mean UCLA change from end to follow-up (follow-ups in period)",
        ),
        _pct_row(
            "followup_sustained_pct",
            "all",
            [fu <= fin for fin, fu in pairs],
            "Follow-up UCLA no worse than at end, %",
        ),
    ]


def goal_and_signpost_rows(conn: sqlite3.Connection, params: dict) -> list[Outcome]:
    """Rows 15-17: goals of closed episodes (dropped ones left out), signpost take-up."""
    levels = [r["progress"] or "not-reviewed" for r in store.closed_goal_progress(conn, params)]
    rows = [
        _pct_row(
            "goals_achieved_pct",
            "all",
            [level == "achieved" for level in levels],
            "Goals of closed episodes whose latest progress is achieved, %",
        )
    ]
    for level in PROGRESS_LEVELS:
        rows.append(
            _pct_row(
                f"goal_progress_{level}_pct",
                "all",
                [found == level for found in levels],
                f"Goals of closed episodes at latest progress '{level}', %",
            )
        )
    known = [
        o for o in store.closed_signpost_outcomes(conn, params) if o in KNOWN_SIGNPOST_OUTCOMES
    ]
    rows.append(
        _pct_row(
            "signpost_take_up_pct",
            "all",
            [o in TAKEN_UP for o in known],
            "Signposts of closed episodes with a known outcome: attended or still attending, %",
        )
    )
    return rows


def outcome_rows(conn: sqlite3.Connection, period: Period) -> list[Outcome]:
    """Every row of outcomes.csv, in order, exact (the caller holds the read snapshot)."""
    params = {"s": period.start.isoformat(), "e": period.end.isoformat()}
    episodes = closed_episodes(conn, params)
    return (
        ucla_rows(episodes)
        + direct_rows(episodes)
        + wellbeing_rows(conn, params)
        + followup_rows(conn, params)
        + goal_and_signpost_rows(conn, params)
    )


def coverage(conn: sqlite3.Connection, period: Period) -> tuple[int, int]:
    """`outcome_coverage_pct`'s parts: (closed episodes left after leaving out closures because
    the person died, moved away or went into hospital; of those, with a baseline and an end
    UCLA score actually recorded — a skip is not a score)."""
    params = {"s": period.start.isoformat(), "e": period.end.isoformat()}
    found = store.coverage_counts(conn, params, LEFT_OUT_OF_COVERAGE)
    return int(found["eligible"]), int(found["paired"])


def coverage_among(conn: sqlite3.Connection, episodes: str) -> tuple[int, int]:
    """`coverage` over the closed episodes among `episodes` (a FROM clause naming them `e`:
    `check` gives its copy of the episodes it looked at)."""
    found = store.coverage_counts(conn, {}, LEFT_OUT_OF_COVERAGE, episodes)
    return int(found["eligible"]), int(found["paired"])


# --- Publishing --------------------------------------------------------------------------------


def _number(value: Decimal | Fraction | None, places: int) -> float | None:
    return None if value is None else float(stats.rounded(value, places))


def publish_outcomes(
    rows: list[Outcome], k: int, *, also_hidden: set[tuple[str, str]] = frozenset()
) -> list[dict]:
    """Rows as they may be shown: when k > 0 and n < k, n, value and limits are `*`. Means and
    their limits have 2 decimals, percentages and theirs 1 (half away from zero); a value is
    blank when n = 0, a mean's limits when n < 2."""
    shown = []
    for row in rows:
        hidden = k > 0 and (row.n < k or (row.measure, row.group) in also_hidden)
        low, high = row.ci if row.ci else (None, None)
        shown.append(
            {
                "measure": row.measure,
                "group": row.group,
                "n": SUPPRESSED if hidden else row.n,
                "value": SUPPRESSED if hidden else _number(row.value, row.places),
                "ci_low": SUPPRESSED if hidden else _number(low, row.places),
                "ci_high": SUPPRESSED if hidden else _number(high, row.places),
                "description": row.description,
                "count": SUPPRESSED if hidden else row.count,
            }
        )
    return shown


def csv_rows(rows: list[dict]) -> list[list[str]]:
    """outcomes.csv's cells: fixed decimals (2 for means, 1 for percentages), blank for none."""
    result = []
    for row in rows:
        places = 1 if row["measure"].endswith("_pct") else 2
        cells = [row["measure"], row["group"], str(row["n"])]
        for key in ("value", "ci_low", "ci_high"):
            value = row[key]
            cells.append(
                "" if value is None else value if value == SUPPRESSED else f"{value:.{places}f}"
            )
        result.append([*cells, row["description"]])
    return result


def warnings(rows: list[dict]) -> list[str]:
    """Plain warnings a reader needs before trusting the outcome figures (shown rows only)."""
    found = {(r["measure"], r["group"]): r for r in rows}
    result = []
    cover = found.get(("ucla_paired_pct", "all"))
    if cover and isinstance(cover["value"], float) and cover["value"] < 50:
        result.append(
            f"Only {cover['value']:.1f}% of closed episodes have both a baseline and an end "
            "UCLA score: the outcome figures describe fewer than half the people supported."
        )
    lost = found.get(("ucla_unpaired_baseline_mean", "all"))
    kept = found.get(("ucla_paired_baseline_mean", "all"))
    if (
        lost
        and kept
        and isinstance(lost["value"], float)
        and isinstance(kept["value"], float)
        and lost["value"] > kept["value"]
    ):
        result.append(
            f"People with no end score started lonelier (mean baseline UCLA {lost['value']:.2f})"
            f" than those with one ({kept['value']:.2f}): the change shown may look better "
            "than it was for everyone."
        )
    return result
