"""SQL for the commissioner report and export: every figure is aggregated here, in SQL.

Each query is bounded by the period (date indexes) or by the small "closed in period" cohort,
so time and memory do not grow with years of history. Parameters are always `:s` and `:e`
(period start and end, ISO text, both included). Contacts flagged `after_closure` (keep-in-touch
after the episode closed) are left out of every query.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

from connector_cli.codes import NO_END_MEASURES, SUPPORT_KINDS
from connector_cli.store.pathway import SUPPORT_KINDS_SQL

UCLA = "ucla3"
SWEMWBS = "swemwbs"
ONS4 = "ons4"

REFERRED = "SELECT id FROM episodes WHERE referral_date BETWEEN :s AND :e"
# A period's figures are as at its last day: a decision, closure, measure, review or drop dated
# after :e never changes them (reporting.md, Period).
STATUS_AT_END = "(CASE WHEN status_date > :e THEN 'pending' ELSE status END)"
CLOSED = "SELECT id FROM episodes WHERE status = 'accepted' AND closure_date BETWEEN :s AND :e"
SUPPORT = f"c.after_closure = 0 AND c.kind IN {SUPPORT_KINDS_SQL}"


_MEMOS: dict[int, dict] = {}  # id(conn) -> figures read once per snapshot (see snapshot)


@contextlib.contextmanager
def snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """One read transaction, so every figure of a report comes from the same moment.

    Inside a write transaction already (export), the write transaction is the snapshot. While
    the outermost snapshot is open, what several figures read alike (`closed_pairs`) is read
    once and kept; it is dropped when the snapshot ends, so nothing outlives the moment.
    """
    outermost = id(conn) not in _MEMOS
    if outermost:
        _MEMOS[id(conn)] = {}
    try:
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN")
        try:
            yield
        finally:
            conn.execute("COMMIT")
    finally:
        if outermost:
            del _MEMOS[id(conn)]


def _memo(conn: sqlite3.Connection, what: str, params: dict, compute):
    """compute(), kept for the rest of the open snapshot (computed afresh outside one). One
    period per `what`: a year's report then computes each quarter in turn, and holds only the
    period at hand."""
    memo = _MEMOS.get(id(conn))
    if memo is None:
        return compute()
    period = (params["s"], params["e"])
    found = memo.get(what)
    if found is None or found[0] != period:
        found = memo[what] = (period, compute())
    return found[1]


def _one(conn: sqlite3.Connection, sql: str, params: dict) -> dict:
    row = conn.execute(sql, params).fetchone()
    return {key: (row[key] if row[key] is not None else 0) for key in row.keys()}


# --- Referrals and status ----------------------------------------------------------------------


def referral_counts(conn: sqlite3.Connection, params: dict) -> dict:
    return _one(
        conn,
        f"""SELECT count(*) AS received,
                  sum({STATUS_AT_END} = 'accepted') AS accepted,
                  sum({STATUS_AT_END} = 'declined') AS declined,
                  sum({STATUS_AT_END} = 'failed') AS failed,
                  sum({STATUS_AT_END} = 'pending') AS pending
           FROM episodes WHERE referral_date BETWEEN :s AND :e""",
        params,
    )


def open_at_end(conn: sqlite3.Connection, params: dict) -> int:
    """Accepted by the period's end and not closed by then. Accepted at the end implies accepted
    now (a later decision shows as pending), so idx_episodes_status(status, closure_date) reads
    the open episodes and those closed after the end, not every episode referred before it."""
    at_end = f"status = 'accepted' AND {STATUS_AT_END} = 'accepted' AND referral_date <= :e"
    return conn.execute(
        f"""SELECT (SELECT count(*) FROM episodes WHERE closure_date IS NULL AND {at_end})
                 + (SELECT count(*) FROM episodes WHERE closure_date > :e AND {at_end})""",
        params,
    ).fetchone()[0]


def source_counts(conn: sqlite3.Connection, params: dict) -> dict[str | None, int]:
    rows = conn.execute(
        "SELECT source, count(*) FROM episodes WHERE referral_date BETWEEN :s AND :e "
        "GROUP BY source",
        params,
    )
    return {row[0]: row[1] for row in rows}


# --- Contacts ----------------------------------------------------------------------------------


def _contact_groups(conn: sqlite3.Connection, params: dict) -> list[tuple]:
    """Contacts dated in the period (keep-in-touch after closure left out), counted by kind,
    who gave them, location and journey, with their minutes: one pass over the period's
    contacts that the contact, journey and location figures all share (per snapshot)."""

    def read() -> list[tuple]:
        rows = conn.execute(
            """SELECT kind, delivered_by, location, journey, count(*), sum(minutes)
               FROM contacts c WHERE c.date BETWEEN :s AND :e AND c.after_closure = 0
               GROUP BY kind, delivered_by, location, journey""",
            params,
        )
        return [tuple(row) for row in rows]

    return _memo(conn, "contacts", params, read)


def contact_counts(conn: sqlite3.Connection, params: dict) -> dict:
    kinds = ("face_to_face", "telephone", "video", "message", "about", "attempt")
    found = dict.fromkeys(("total", *kinds, "by_volunteer", "minutes"), 0)
    for kind, delivered_by, _location, _journey, n, minutes in _contact_groups(conn, params):
        if kind in SUPPORT_KINDS:
            found["total"] += n
            found["by_volunteer"] += n if delivered_by == "volunteer" else 0
            found["minutes"] += minutes or 0
        if kind.replace("-", "_") in kinds:
            found[kind.replace("-", "_")] += n
    return found


def people_supported(conn: sqlite3.Connection, params: dict) -> int:
    return conn.execute(
        f"""SELECT count(DISTINCT e.person_id) FROM contacts c
            JOIN episodes e ON e.id = c.episode_id
            WHERE c.date BETWEEN :s AND :e AND {SUPPORT}""",
        params,
    ).fetchone()[0]


# --- Closed in period --------------------------------------------------------------------------

# One row per episode closed in the period with its whole-episode support figures (days: first
# to last support contact, NULL without one).
_CLOSED_SUPPORT = f"""
    SELECT e.id, e.closure_reason, count(c.id) AS contacts,
           coalesce(sum(c.minutes), 0) AS minutes,
           CAST(julianday(max(c.date)) - julianday(min(c.date)) AS INTEGER) AS days,
           coalesce(max(c.delivered_by = 'volunteer'), 0) AS volunteer,
           coalesce(sum(c.kind = 'face-to-face'), 0) AS face_to_face
    FROM episodes e LEFT JOIN contacts c ON c.episode_id = e.id AND {SUPPORT} AND c.date <= :e
    WHERE e.status = 'accepted' AND e.closure_date BETWEEN :s AND :e
    GROUP BY e.id"""


def closure_counts(conn: sqlite3.Connection, params: dict) -> dict:
    per = closed_support(conn, params)
    return {
        "closed": len(per),
        "one_contact": sum(r["contacts"] == 1 for r in per),
        "no_contact": sum(r["contacts"] == 0 for r in per),
        "with_volunteer": sum(r["volunteer"] for r in per),
        "with_contact": sum(r["contacts"] > 0 for r in per),
    }


def closed_support(conn: sqlite3.Connection, params: dict) -> list[sqlite3.Row]:
    """Per episode closed in the period: support contacts, minutes, days from first to last
    support contact (None without one), face-to-face contacts, volunteer (0/1). Read once per
    snapshot: the closure, median and support-mode figures all use it."""
    return _memo(
        conn, "closed_support", params, lambda: conn.execute(_CLOSED_SUPPORT, params).fetchall()
    )


def closure_reason_counts(conn: sqlite3.Connection, params: dict) -> dict[str | None, int]:
    rows = conn.execute(
        "SELECT closure_reason, count(*) FROM episodes WHERE status = 'accepted' "
        "AND closure_date BETWEEN :s AND :e GROUP BY closure_reason",
        params,
    )
    return {row[0]: row[1] for row in rows}


# --- Signposts and goals -----------------------------------------------------------------------


def signpost_counts(conn: sqlite3.Connection, params: dict) -> dict:
    return _one(
        conn,
        """SELECT count(*) AS total, count(DISTINCT e.person_id) AS people
           FROM signposts s JOIN episodes e ON e.id = s.episode_id
           WHERE s.date BETWEEN :s AND :e""",
        params,
    )


def signpost_category_counts(conn: sqlite3.Connection, params: dict) -> dict[tuple, int]:
    rows = conn.execute(
        "SELECT category_group, category_sub, count(*) FROM signposts "
        "WHERE date BETWEEN :s AND :e GROUP BY category_group, category_sub",
        params,
    )
    return {(row[0], row[1]): row[2] for row in rows}


_LATEST_PROGRESS = """(SELECT r.progress FROM goal_reviews r WHERE r.goal_id = g.id
                       AND r.date <= :e ORDER BY r.date DESC, r.id DESC LIMIT 1)"""
_GOAL_AT_END = "g.set_date <= :e AND (g.dropped_date IS NULL OR g.dropped_date > :e)"


def goal_counts(conn: sqlite3.Connection, params: dict) -> dict:
    return _one(
        conn,
        f"""SELECT (SELECT count(*) FROM goals WHERE set_date BETWEEN :s AND :e) AS set_,
                   count(g.id) AS closed, sum({_LATEST_PROGRESS} = 'achieved') AS achieved
            FROM goals g WHERE {_GOAL_AT_END} AND g.episode_id IN ({CLOSED})""",
        params,
    )


# --- Measures ----------------------------------------------------------------------------------


def _stage_value(
    instrument: str,
    stage: str,
    first: bool,
    episode: str,
    item: str | None,
    column: str = "value",
) -> str:
    """A scalar subquery: for the episode whose id is the SQL expression `episode`, the score of
    its earliest (first=True) or latest administration of `instrument` at `stage` dated by :e;
    ties broken by id. Skipped administrations (not collected) and administrations without a
    score are not scores and are passed over. For ONS4, `item` picks that item's value from the
    administration's answers (`column="answer"`: its text answer, e.g. the direct loneliness
    question asked with the UCLA).

    A probe of idx_measures_episode(episode_id, instrument, stage) per episode, so its cost is
    the cohort's, not the history's (a join of per-cohort window CTEs read every pair of rows).
    """
    order = "m.date, m.id" if first else "m.date DESC, m.id DESC"
    if item:
        value = f"a.{column}"
        answers = f"JOIN measure_answers a ON a.measure_id = m.id AND a.item = '{item}'"
    else:
        value, answers = "m.score", ""
    return f"""(SELECT {value} FROM measures m {answers}
            WHERE m.episode_id = {episode} AND m.instrument = '{instrument}'
              AND m.stage = '{stage}' AND m.skipped_reason IS NULL AND {value} IS NOT NULL
              AND m.date <= :e
            ORDER BY {order} LIMIT 1)"""


def _pairs(instrument: str, item: str | None = None, column: str = "value") -> str:
    """CTE text: `pairs(id, base, fin)` over episodes closed in the period."""
    return f"""
        pairs AS (SELECT e.id,
                         {_stage_value(instrument, "baseline", True, "e.id", item, column)} AS base,
                         {_stage_value(instrument, "end", False, "e.id", item, column)} AS fin
                  FROM episodes e
                  WHERE e.status = 'accepted' AND e.closure_date BETWEEN :s AND :e)"""


def coverage_counts(
    conn: sqlite3.Connection,
    params: dict,
    left_out: tuple[str, ...],
    among: str | None = None,
) -> dict:
    """Episodes closed in the period (or the closed ones among `among`, a FROM clause naming
    episodes `e`), less those closed for a reason in `left_out` (`eligible`), and of those how
    many have both a baseline and an end UCLA score (`paired`). Probes measures(episode_id,
    instrument, stage) per episode: `check --all` runs it over every closed episode."""
    scored = """EXISTS (SELECT 1 FROM measures m WHERE m.episode_id = e.id
                 AND m.instrument = '{0}' AND m.stage = '{1}'
                 AND m.skipped_reason IS NULL AND m.score IS NOT NULL)"""
    marks = ", ".join(f":r{i}" for i in range(len(left_out)))
    episodes, closed = (
        ("episodes e", "e.closure_date BETWEEN :s AND :e")
        if among is None
        else (among, "e.closure_date IS NOT NULL")
    )
    return _one(
        conn,
        f"""SELECT count(*) AS eligible,
                   sum({scored.format(UCLA, "baseline")} AND {scored.format(UCLA, "end")})
                       AS paired
            FROM {episodes} WHERE e.status = 'accepted' AND {closed}
              AND coalesce(e.closure_reason, '') NOT IN ({marks})""",
        params | {f"r{i}": reason for i, reason in enumerate(left_out)},
    )


ONS4_ITEMS = ("life_satisfaction", "worthwhile", "happiness", "anxiety")
# The (instrument, item, column) pairs the report and outcomes read, all in one pass.
_READ_TOGETHER = {(UCLA, None, "value"), (SWEMWBS, None, "value"), (ONS4, None, "value")}
_READ_TOGETHER |= {(ONS4, item, "value") for item in ONS4_ITEMS}
_READ_TOGETHER.add((UCLA, "lonely_direct", "answer"))


def closed_pairs(
    conn: sqlite3.Connection,
    params: dict,
    instrument: str,
    item: str | None = None,
    column: str = "value",
) -> list[dict]:
    """`(id, base, fin)` for every episode closed in the period, by id (None where missing);
    with `column="answer"` the item's text answer instead of its value."""
    assert column in ("value", "answer")
    key = (instrument, item, column if item else "value")
    if key not in _READ_TOGETHER:
        return closed_pairs_one(conn, params, instrument, item, column)
    ids, columns = _memo(conn, "closed", params, lambda: _closed(conn, params))
    base, fin = columns[key]
    return [{"id": i, "base": b, "fin": f} for i, b, f in zip(ids, base, fin, strict=True)]


def _closed(conn: sqlite3.Connection, params: dict) -> tuple[list[int], dict]:
    """The ids of the episodes closed in the period, and for each key of `_READ_TOGETHER` their
    baseline and end values (lists aligned with the ids, None where missing), read in one pass
    over their measures. Same rule as `_stage_value`: the earliest baseline, the latest end,
    by date then id, dated by :e, not skipped, with a value."""
    items = ", ".join(f"'{item}'" for _, item, _ in _READ_TOGETHER if item)
    rows = conn.execute(
        f"""SELECT e.id, m.instrument, m.stage, m.score, a.item, a.value, a.answer
            FROM episodes e
            LEFT JOIN measures m ON m.episode_id = e.id AND m.stage IN ('baseline', 'end')
                 AND m.skipped_reason IS NULL AND m.date <= :e
            LEFT JOIN measure_answers a ON a.measure_id = m.id AND a.item IN ({items})
            WHERE e.status = 'accepted' AND e.closure_date BETWEEN :s AND :e
            ORDER BY e.id, m.date, m.id""",
        params,
    )
    ids: list[int] = []
    columns: dict[tuple, tuple[list, list]] = {key: ([], []) for key in _READ_TOGETHER}
    for episode, instrument, stage, score, item, value, answer in rows:
        if not ids or ids[-1] != episode:
            ids.append(episode)
            for base, fin in columns.values():
                base.append(None)
                fin.append(None)
        if instrument is None:
            continue
        found = [((instrument, None, "value"), score)]
        if item is not None:
            found += [((instrument, item, "value"), value), ((instrument, item, "answer"), answer)]
        for key, x in found:
            if x is None or key not in columns:
                continue
            base, fin = columns[key]
            # Rows come earliest first: the first baseline is kept, the last end wins.
            if stage == "end":
                fin[-1] = x
            elif base[-1] is None:
                base[-1] = x
    return ids, columns


def closed_pairs_one(
    conn: sqlite3.Connection,
    params: dict,
    instrument: str,
    item: str | None = None,
    column: str = "value",
) -> list[sqlite3.Row]:
    """`closed_pairs` for one instrument (or item) by its own query: the reference the one-pass
    read is tested against, and the way to read anything else."""
    assert column in ("value", "answer")
    sql = f"WITH {_pairs(instrument, item, column)} SELECT * FROM pairs ORDER BY id"
    return conn.execute(sql, params).fetchall()


def followup_rows(conn: sqlite3.Connection, params: dict) -> list[sqlite3.Row]:
    """`(episode_id, fu, base, fin)`: per episode with a follow-up UCLA dated in the period, its
    latest follow-up score in the period and its baseline and end scores (None if missing)."""
    latest_in_period = f"""
        SELECT episode_id, x FROM (
            SELECT episode_id, score AS x, row_number() OVER (
                PARTITION BY episode_id ORDER BY date DESC, id DESC) AS rn
            FROM measures WHERE instrument = '{UCLA}' AND stage = 'follow-up'
              AND skipped_reason IS NULL AND score IS NOT NULL AND date BETWEEN :s AND :e)
        WHERE rn = 1"""
    sql = f"""WITH fu AS ({latest_in_period})
            SELECT fu.episode_id, fu.x AS fu,
                   {_stage_value(UCLA, "baseline", True, "fu.episode_id", None)} AS base,
                   {_stage_value(UCLA, "end", False, "fu.episode_id", None)} AS fin
            FROM fu"""
    # The summary's follow-up counts and the outcome rows both read it: once per snapshot.
    return _memo(conn, "followup", params, lambda: conn.execute(sql, params).fetchall())


# --- Trigger groups ----------------------------------------------------------------------------


def trigger_group_counts(conn: sqlite3.Connection, params: dict) -> dict[str, dict]:
    """Per trigger group (plus `none` and `none-recorded`): referrals in period, and UCLA
    paired/improved/became-not-lonely over episodes closed in period (the snapshot's pairs)."""
    sql = f"""
        WITH relevant AS ({REFERRED} UNION {CLOSED}),
        flags AS (
            SELECT t.episode_id, t.trigger AS grp FROM episode_triggers t
            WHERE t.episode_id IN (SELECT id FROM relevant)
            UNION ALL
            SELECT e.id, CASE WHEN e.triggers_answered = 1 OR e.no_triggers = 1
                              THEN 'none' ELSE 'none-recorded' END
            FROM episodes e WHERE e.id IN (SELECT id FROM relevant)
              AND NOT EXISTS (SELECT 1 FROM episode_triggers t WHERE t.episode_id = e.id))
        SELECT f.grp, f.episode_id, f.episode_id IN ({REFERRED}) AS referred FROM flags f"""
    pairs = {r["id"]: (r["base"], r["fin"]) for r in closed_pairs(conn, params, UCLA)}
    keys = ("referrals", "ucla_paired_n", "ucla_improved", "ucla_became_not_lonely")
    result: dict[str, dict] = {}
    for group, episode, referred in conn.execute(sql, params):
        counts = result.setdefault(group, dict.fromkeys(keys, 0))
        counts["referrals"] += referred
        base, fin = pairs.get(episode, (None, None))
        if base is not None and fin is not None:
            counts["ucla_paired_n"] += 1
            counts["ucla_improved"] += fin < base
            counts["ucla_became_not_lonely"] += base >= 6 and fin <= 5
    return result


# --- Demographics ------------------------------------------------------------------------------

# Age in whole years at referral: the stored age, else computed from the date of birth.
AGE_AT_REFERRAL = """coalesce(e.age_at_referral, CASE WHEN p.dob IS NOT NULL THEN
    CAST(strftime('%Y', e.referral_date) AS INTEGER) - CAST(strftime('%Y', p.dob) AS INTEGER)
    - (strftime('%m-%d', e.referral_date) < strftime('%m-%d', p.dob)) END)"""

AGE_BAND = f"""CASE
    WHEN {AGE_AT_REFERRAL} IS NULL AND e.age_not_stated = 1 THEN 'not stated'
    WHEN {AGE_AT_REFERRAL} IS NULL THEN 'not-recorded'
    WHEN {AGE_AT_REFERRAL} < 30 THEN '<30'
    WHEN {AGE_AT_REFERRAL} >= 100 THEN '100+'
    ELSE ({AGE_AT_REFERRAL} / 10 * 10) || '-' || ({AGE_AT_REFERRAL} / 10 * 10 + 9) END"""


def demographic_counts(conn: sqlite3.Connection, params: dict) -> dict[str, dict]:
    """{dimension: {value or None: count}} over referrals in the period."""
    dimensions = ("age_band", "gender", "ethnicity", "living")
    result: dict[str, dict] = {dimension: {} for dimension in dimensions}
    rows = conn.execute(
        f"""SELECT {AGE_BAND}, p.gender, p.ethnicity, p.living, count(*)
            FROM episodes e JOIN people p ON p.id = e.person_id
            WHERE e.referral_date BETWEEN :s AND :e GROUP BY 1, 2, 3, 4""",
        params,
    )
    for *values, n in rows:  # one pass, each dimension's counts summed from the combinations
        for dimension, value in zip(dimensions, values, strict=True):
            result[dimension][value] = result[dimension].get(value, 0) + n
    return result


# --- Data completeness -------------------------------------------------------------------------

COMPLETENESS_FIELDS = (
    "gender",
    "age",
    "ethnicity",
    "living",
    "source",
    "triggers",
    "ucla_baseline",
    "ucla_end",
    "closure_reason",
)

# After a death, a move or a hospital stay end measures are not expected: not counted missing.
_NO_END_MEASURES = ", ".join(f"'{slug}'" for slug in NO_END_MEASURES)


def _completeness(episodes: str = "episodes e", dated: bool = True) -> str:
    """The present-field counts over `episodes` (a FROM clause naming them `e`); when `dated`,
    only measures dated up to :e (a period's end) count."""
    on_time = "AND m.date <= coalesce(:e, m.date)" if dated else ""
    return f"""
    SELECT count(*) AS episodes,
        sum(p.gender IS NOT NULL) AS gender,
        sum(e.age_at_referral IS NOT NULL OR p.dob IS NOT NULL OR e.age_not_stated = 1) AS age,
        sum(p.ethnicity IS NOT NULL) AS ethnicity,
        sum(p.living IS NOT NULL) AS living,
        sum(e.source IS NOT NULL) AS source,
        sum(e.triggers_answered = 1 OR e.no_triggers = 1
            OR EXISTS (SELECT 1 FROM episode_triggers t WHERE t.episode_id = e.id)) AS triggers,
        sum(EXISTS (SELECT 1 FROM measures m WHERE m.episode_id = e.id
                    AND m.instrument = '{UCLA}' AND m.stage = 'baseline' {on_time})) AS ucla_baseline,
        sum(e.closure_reason IN ({_NO_END_MEASURES})
            OR EXISTS (SELECT 1 FROM measures m WHERE m.episode_id = e.id
                    AND m.instrument = '{UCLA}' AND m.stage = 'end' {on_time})) AS ucla_end,
        sum(e.closure_reason IS NOT NULL) AS closure_reason
    FROM {episodes} JOIN people p ON p.id = e.person_id"""


_COMPLETENESS = _completeness()


def completeness_counts_closed(conn: sqlite3.Connection, params: dict) -> dict:
    """Present-field counts over episodes closed in the period."""
    return _one(conn, f"{_COMPLETENESS} WHERE e.id IN ({CLOSED})", params)


def completeness_counts_among(conn: sqlite3.Connection, episodes: str) -> dict:
    """Present-field counts over the closed episodes among `episodes` (a FROM clause naming
    them `e`: `check` gives its TEMP copy of the episodes it looked at), whatever the dates of
    their measures."""
    return _one(
        conn,
        f"""{_completeness(episodes, dated=False)}
            WHERE e.status = 'accepted' AND e.closure_date IS NOT NULL""",
        {},
    )


def completeness_counts_of(conn: sqlite3.Connection, episode_ids: list[int]) -> dict:
    """Present-field counts over the given episodes (a JSON array parameter: any length)."""
    import json

    return _one(
        conn,
        f"{_COMPLETENESS} WHERE e.id IN (SELECT value FROM json_each(:ids))",
        {"ids": json.dumps(episode_ids), "e": None},
    )


# --- Record-level export -----------------------------------------------------------------------

_ACTIVE = """
    SELECT id FROM episodes WHERE referral_date BETWEEN :s AND :e
    UNION SELECT id FROM episodes WHERE status = 'accepted' AND closure_date BETWEEN :s AND :e
    UNION SELECT episode_id FROM contacts WHERE date BETWEEN :s AND :e AND after_closure = 0
    UNION SELECT episode_id FROM measures WHERE date BETWEEN :s AND :e"""


def _record_measures() -> str:
    """The select-list columns of each episode's first/last scores, probed per episode `e.id`."""
    parts = [
        ("ucla_baseline", UCLA, "baseline", True, None),
        ("ucla_end", UCLA, "end", False, None),
        ("ucla_followup", UCLA, "follow-up", False, None),
        ("swemwbs_baseline", SWEMWBS, "baseline", True, None),
        ("swemwbs_end", SWEMWBS, "end", False, None),
    ]
    for item in ONS4_ITEMS:
        parts.append((f"ons4_{item}_baseline", ONS4, "baseline", True, item))
        parts.append((f"ons4_{item}_end", ONS4, "end", False, item))
    return ",\n".join(
        f"{_stage_value(inst, stage, first, 'e.id', item)} AS {name}"
        for name, inst, stage, first, item in parts
    )


def episode_records(conn: sqlite3.Connection, params: dict) -> sqlite3.Cursor:
    """A cursor over one row per episode active in the period (referral, contact, closure or
    measure dated in it). Only coded fields and counts: no names, contact details, dates of
    birth, referrer details or free text. Rows are read one at a time by the caller. The active
    episodes drive the query (CROSS JOIN), so it never walks every episode in referral order."""
    columns = _record_measures()
    sql = f"""
        WITH active AS ({_ACTIVE}),
        support AS (SELECT c.episode_id, count(*) AS n, coalesce(sum(c.minutes), 0) AS minutes
                    FROM contacts c WHERE c.episode_id IN (SELECT id FROM active) AND {SUPPORT}
                      AND c.date <= :e
                    GROUP BY c.episode_id),
        sp AS (SELECT episode_id, count(*) AS n FROM signposts
               WHERE episode_id IN (SELECT id FROM active) AND date <= :e GROUP BY episode_id),
        gl AS (SELECT g.episode_id, count(*) AS n, sum({_LATEST_PROGRESS} = 'achieved') AS achieved
               FROM goals g WHERE {_GOAL_AT_END}
                 AND g.episode_id IN (SELECT id FROM active) GROUP BY g.episode_id),
        tr AS (SELECT episode_id, group_concat(trigger, ';') AS list FROM episode_triggers
               WHERE episode_id IN (SELECT id FROM active) GROUP BY episode_id)
        SELECT e.id, e.referral_date, e.source, tr.list AS triggers,
               e.triggers_answered, e.no_triggers, {AGE_BAND} AS age_band,
               p.gender, p.ethnicity, p.living, {STATUS_AT_END.replace("status", "e.status")} AS status,
               CASE WHEN e.closure_date <= :e THEN e.closure_date END AS closure_date,
               CASE WHEN e.closure_date <= :e THEN coalesce(e.closure_reason, 'not-recorded')
               END AS closure_reason,
               coalesce(support.n, 0) AS support_contacts,
               coalesce(support.minutes, 0) AS support_minutes,
               coalesce(sp.n, 0) AS signposts, coalesce(gl.n, 0) AS goals,
               coalesce(gl.achieved, 0) AS goals_achieved, {columns}
        FROM active CROSS JOIN episodes e ON e.id = active.id
        JOIN people p ON p.id = e.person_id
        LEFT JOIN support ON support.episode_id = e.id
        LEFT JOIN sp ON sp.episode_id = e.id
        LEFT JOIN gl ON gl.episode_id = e.id
        LEFT JOIN tr ON tr.episode_id = e.id
        ORDER BY e.referral_date, e.id"""
    return conn.execute(sql, params)


# --- The pseudonym key -------------------------------------------------------------------------

PSEUDONYM_KEY = "episode_ref"


def pseudonym_key(conn: sqlite3.Connection) -> bytes:
    """The database's secret for episode pseudonyms, created on first use (inside the caller's
    write transaction) and never changed, so pseudonyms are stable across exports."""
    import secrets  # loads OpenSSL (about 5 ms): only `export --records` needs it

    conn.execute(
        "INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)",
        [PSEUDONYM_KEY, secrets.token_bytes(32)],
    )
    return bytes(
        conn.execute("SELECT value FROM secrets WHERE name = ?", [PSEUDONYM_KEY]).fetchone()[0]
    )


# --- Outcomes (outcomes.csv) -------------------------------------------------------------------


def closed_characteristics(conn: sqlite3.Connection, params: dict) -> list[sqlite3.Row]:
    """Per episode closed in the period: closure reason, age at referral (None if unknown),
    gender, living arrangement, trigger groups (';'-joined) and whether triggers were asked."""
    return conn.execute(
        f"""SELECT e.id, e.closure_reason, {AGE_AT_REFERRAL} AS age, p.gender, p.living,
                   (SELECT group_concat(t.trigger, ';') FROM episode_triggers t
                    WHERE t.episode_id = e.id) AS triggers,
                   (e.triggers_answered = 1 OR e.no_triggers = 1) AS triggers_answered
            FROM episodes e JOIN people p ON p.id = e.person_id
            WHERE e.id IN ({CLOSED}) ORDER BY e.id""",
        params,
    ).fetchall()


def closed_goal_progress(conn: sqlite3.Connection, params: dict) -> list[sqlite3.Row]:
    """`(domain, progress)` per goal (not dropped) of episodes closed in the period; progress is
    the latest review's, None when never reviewed."""
    return conn.execute(
        f"""SELECT g.domain, {_LATEST_PROGRESS} AS progress FROM goals g
            WHERE g.dropped_date IS NULL AND g.episode_id IN ({CLOSED})""",
        params,
    ).fetchall()


def closed_signpost_outcomes(conn: sqlite3.Connection, params: dict) -> list[str | None]:
    """The recorded outcome (None if none) of each signpost of episodes closed in the period."""
    return [
        row[0]
        for row in conn.execute(
            f"SELECT outcome FROM signposts WHERE episode_id IN ({CLOSED})", params
        )
    ]


# --- What else is recorded ---------------------------------------------------------------------


def recorded_counts(conn: sqlite3.Connection, params: dict) -> dict:
    """Journeys, people referred again, and closed episodes by how support was given."""
    journeys = sum(
        n
        for kind, _by, _location, journey, n, _minutes in _contact_groups(conn, params)
        if kind in SUPPORT_KINDS and journey == 1
    )
    row = _one(
        conn,
        """SELECT
              (SELECT count(DISTINCT e.person_id) FROM episodes e
               WHERE e.referral_date BETWEEN :s AND :e AND EXISTS (
                   SELECT 1 FROM episodes o WHERE o.person_id = e.person_id AND o.id <> e.id
                   AND (o.referral_date < e.referral_date
                        OR (o.referral_date = e.referral_date AND o.id < e.id)))
              ) AS referred_again""",
        params,
    )
    per = closed_support(conn, params)
    modes = {
        "face_to_face_only": sum(
            r["contacts"] > 0 and r["face_to_face"] == r["contacts"] for r in per
        ),
        "remote_only": sum(r["contacts"] > 0 and r["face_to_face"] == 0 for r in per),
        "both_ways": sum(0 < r["face_to_face"] < r["contacts"] for r in per),
    }
    return {"journeys": journeys} | row | modes


def location_counts(conn: sqlite3.Connection, params: dict) -> dict[str | None, int]:
    """Face-to-face support contacts in the period by location (None: not recorded)."""
    found: dict[str | None, int] = {}
    for kind, _by, location, _journey, n, _minutes in _contact_groups(conn, params):
        if kind == "face-to-face":
            found[location] = found.get(location, 0) + n
    return found


def goal_domain_counts(conn: sqlite3.Connection, params: dict) -> dict[str, int]:
    rows = conn.execute(
        "SELECT domain, count(*) FROM goals WHERE set_date BETWEEN :s AND :e GROUP BY domain",
        params,
    )
    return {row[0]: row[1] for row in rows}


def signpost_outcome_counts(conn: sqlite3.Connection, params: dict) -> dict[str | None, int]:
    """Signposts dated in the period by their recorded outcome (None: none recorded yet)."""
    rows = conn.execute(
        "SELECT outcome, count(*) FROM signposts WHERE date BETWEEN :s AND :e GROUP BY outcome",
        params,
    )
    return {row[0]: row[1] for row in rows}


def choice_sub_reason_counts(conn: sqlite3.Connection, params: dict) -> dict[str | None, int]:
    """Closed in the period because the person chose to end support, by sub-reason."""
    rows = conn.execute(
        f"""SELECT closure_sub_reason, count(*) FROM episodes WHERE id IN ({CLOSED})
            AND closure_reason = 'choice' GROUP BY closure_sub_reason""",
        params,
    )
    return {row[0]: row[1] for row in rows}


def followup_wellbeing_rows(conn: sqlite3.Connection, params: dict) -> list[sqlite3.Row]:
    """`(episode_id, fu, base)`: per episode with a follow-up SWEMWBS dated in the period, its
    latest such metric score and its baseline score (None if none)."""
    return conn.execute(
        f"""WITH fu AS (
                SELECT episode_id, x FROM (
                    SELECT episode_id, score AS x, row_number() OVER (
                        PARTITION BY episode_id ORDER BY date DESC, id DESC) AS rn
                    FROM measures WHERE instrument = '{SWEMWBS}' AND stage = 'follow-up'
                      AND skipped_reason IS NULL AND score IS NOT NULL
                      AND date BETWEEN :s AND :e)
                WHERE rn = 1)
            SELECT fu.episode_id, fu.x AS fu,
                   {_stage_value(SWEMWBS, "baseline", True, "fu.episode_id", None)} AS base
            FROM fu""",
        params,
    ).fetchall()
