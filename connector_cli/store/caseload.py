"""SQL for the caseload view and the data-quality check.

Set-based on purpose: each question is one query over all episodes, using aggregates and EXISTS
on indexed columns (contacts(episode_id, date), goals(episode_id, number), goal_reviews(goal_id,
date), measures(episode_id, instrument, stage), signposts(episode_id)) and never one query per
person, so `caseload` and `check` stay fast on a database of 20,000 people. Every query only
reads. Parameters: `:today` (ISO date) plus the ones each function names.
"""

from __future__ import annotations

import sqlite3

from connector_cli.store.pathway import SUPPORT_KINDS_SQL

SUPPORT = f"c.kind IN {SUPPORT_KINDS_SQL} AND c.after_closure = 0"
OPEN = "e.status IN ('pending', 'accepted') AND e.closure_date IS NULL"
CURRENT_EPISODE = """(SELECT x.id FROM episodes x WHERE x.person_id = p.id
                      ORDER BY x.referral_date DESC, x.id DESC LIMIT 1)"""

# Whole days from the start of support to today (or to the closure): support starts at the first
# support contact, else at acceptance, the rule of people.support_start written in SQL so weeks
# can be compared inside a query. Week of support = days_in // 7 + 1.
DAYS_IN = f"""CAST(julianday(coalesce(e.closure_date, :today)) - julianday(coalesce(
    (SELECT min(c.date) FROM contacts c WHERE c.episode_id = e.id AND {SUPPORT}),
    e.status_date)) AS INTEGER)"""
PERSON_COLUMNS = "e.person_id, p.name, e.id AS episode_id"

# Rules about closed episodes read the episodes table straight through: closed episodes are most
# of a scheme's history, and a full scan costs a third of a walk through the status or closure
# index that then looks each row up (EXPLAIN QUERY PLAN: SCAN e).
_ALL_EPISODES = "episodes e NOT INDEXED"


def read_snapshot(conn: sqlite3.Connection):
    """One read transaction, so every query of a command sees the same moment.

    No memory-mapped reads: at 100,000 people mmap made `caseload` no quicker and counted
    every page it touched into the process (276 MB peak against 46 MB without)."""
    from connector_cli.store.reports import snapshot

    return snapshot(conn)


# --- The caseload ------------------------------------------------------------------------------


def open_episodes(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every open episode with what the caseload view shows about it."""
    return conn.execute(
        f"""
        SELECT {PERSON_COLUMNS}, e.status, e.referral_date, e.status_date, e.closure_date,
            e.closure_reason,
            (SELECT min(c.date) FROM contacts c WHERE c.episode_id = e.id AND {SUPPORT})
                AS first_contact,
            (SELECT max(c.date) FROM contacts c WHERE c.episode_id = e.id AND {SUPPORT})
                AS last_contact,
            (SELECT count(*) FROM goals g WHERE g.episode_id = e.id AND g.dropped_date IS NULL)
                AS goals_set,
            (SELECT count(*) FROM goals g WHERE g.episode_id = e.id AND g.dropped_date IS NULL
                AND (SELECT r.progress FROM goal_reviews r WHERE r.goal_id = g.id
                     ORDER BY r.date DESC, r.id DESC LIMIT 1) = 'achieved') AS goals_achieved,
            (SELECT count(*) FROM goals g WHERE g.episode_id = e.id AND g.dropped_date IS NULL
                AND NOT EXISTS (SELECT 1 FROM goal_reviews r WHERE r.goal_id = g.id))
                AS goals_unreviewed,
            (SELECT min(pl.date) FROM plans pl WHERE pl.episode_id = e.id
                AND pl.contact_id IS NULL) AS next_plan
        FROM episodes e JOIN people p ON p.id = e.person_id
        WHERE {OPEN}
        ORDER BY e.id"""
    ).fetchall()


def measure_stages(
    conn: sqlite3.Connection,
    episodes_sql: str,
    params: dict,
    stage: str | None = None,
    defaults: tuple[str, ...] = (),
) -> dict:
    """{episode_id: {(instrument, stage), ...}} for the episodes `episodes_sql` selects.

    A measure recorded as not collected (skipped_reason) counts: it answers for the stage.
    With `stage`, only that stage's pairs, plus any pair of an instrument outside `defaults`
    (an optional instrument an episode has used is expected at every stage, so due.py must
    still see it): the follow-ups read a few rows an episode instead of its whole history.
    """
    found: dict[int, set[tuple[str, str]]] = {}
    only = ""
    if stage is not None:
        marks = ", ".join(f":default{i}" for i in range(len(defaults))) or "NULL"
        only = f"AND (m.stage = :only_stage OR m.instrument NOT IN ({marks}))"
        params = params | {"only_stage": stage} | {f"default{i}": d for i, d in enumerate(defaults)}
    rows = conn.execute(
        f"""SELECT DISTINCT m.episode_id, m.instrument, m.stage FROM measures m
            WHERE m.episode_id IN ({episodes_sql}) {only}""",
        params,
    )
    for episode_id, instrument, stage in rows:
        found.setdefault(episode_id, set()).add((instrument, stage))
    return found


OPEN_IDS = f"SELECT e.id FROM episodes e WHERE {OPEN}"

# Closed episodes whose follow-up window may be open: closed from :earliest to :latest.
_FOLLOW_UP_WHERE = """e.status = 'accepted' AND e.closure_date BETWEEN :earliest AND :latest
    AND e.closure_reason IS NOT 'died'"""
CLOSED_FOR_FOLLOW_UP_IDS = f"SELECT e.id FROM episodes e WHERE {_FOLLOW_UP_WHERE}"


def closed_for_follow_up(conn: sqlite3.Connection, earliest: str, latest: str) -> list[sqlite3.Row]:
    return conn.execute(
        f"""SELECT {PERSON_COLUMNS}, e.status, e.referral_date, e.status_date, e.closure_date,
                   e.closure_reason
            FROM episodes e JOIN people p ON p.id = e.person_id
            WHERE {_FOLLOW_UP_WHERE} ORDER BY e.id""",
        {"earliest": earliest, "latest": latest},
    ).fetchall()


# --- Check: the person's details ---------------------------------------------------------------

_PERSON_DETAILS = ("gender", "ethnicity", "living")


def people_missing(conn: sqlite3.Connection, column: str) -> list[sqlite3.Row]:
    """People with no answer at all for a detail ("not stated" is an answer)."""
    assert column in _PERSON_DETAILS
    return conn.execute(
        f"""SELECT p.id AS person_id, p.name, {CURRENT_EPISODE} AS episode_id
            FROM people p WHERE p.{column} IS NULL ORDER BY p.id"""
    ).fetchall()


def episodes_missing_age(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute(
        f"""SELECT {PERSON_COLUMNS} FROM episodes e JOIN people p ON p.id = e.person_id
            WHERE p.dob IS NULL AND e.age_at_referral IS NULL AND e.age_not_stated = 0
            ORDER BY e.id"""
    ).fetchall()


def episodes_without_trigger_answer(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute(
        f"""SELECT {PERSON_COLUMNS} FROM episodes e JOIN people p ON p.id = e.person_id
            WHERE e.triggers_answered = 0 AND e.no_triggers = 0
              AND NOT EXISTS (SELECT 1 FROM episode_triggers t WHERE t.episode_id = e.id)
            ORDER BY e.id"""
    ).fetchall()


# --- Check: support ----------------------------------------------------------------------------


def accepted_without_contact(conn: sqlite3.Connection, accepted_by: str) -> list[sqlite3.Row]:
    """Open accepted episodes, accepted on or before `accepted_by`, with no support contact."""
    return conn.execute(
        f"""SELECT {PERSON_COLUMNS}, e.status_date FROM episodes e
            JOIN people p ON p.id = e.person_id
            WHERE e.status = 'accepted' AND e.closure_date IS NULL
              AND e.status_date <= :accepted_by
              AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.episode_id = e.id AND {SUPPORT})
            ORDER BY e.id""",
        {"accepted_by": accepted_by},
    ).fetchall()


def _contacts_where(conn: sqlite3.Connection, where: str) -> list[sqlite3.Row]:
    return conn.execute(
        f"""SELECT {PERSON_COLUMNS}, c.id AS contact_id, c.date, c.kind, e.closure_date
            FROM contacts c JOIN episodes e ON e.id = c.episode_id
            JOIN people p ON p.id = e.person_id
            WHERE {where} ORDER BY c.id"""
    ).fetchall()


def contacts_without_minutes(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return _contacts_where(
        conn,
        "c.kind IN ('face-to-face', 'telephone', 'video') AND c.minutes IS NULL "
        "AND c.after_closure = 0",
    )


def contacts_without_location(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return _contacts_where(
        conn, "c.kind = 'face-to-face' AND c.location IS NULL AND c.after_closure = 0"
    )


def contacts_after_closure(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Contacts dated after the closure that are not marked keep-in-touch (after_closure=1).

    Driven from the closed episodes, each looking up only its contacts dated after the closure
    in contacts(episode_id, date), rather than reading every contact of the history.
    """
    return conn.execute(
        f"""SELECT {PERSON_COLUMNS}, c.id AS contact_id, c.date, c.kind, e.closure_date
            FROM {_ALL_EPISODES}
            CROSS JOIN contacts c ON c.episode_id = e.id AND c.date > e.closure_date
            CROSS JOIN people p ON p.id = e.person_id
            WHERE e.closure_date IS NOT NULL AND c.after_closure = 0
            ORDER BY c.id"""
    ).fetchall()


# --- Check: goals and signposts ----------------------------------------------------------------


def open_without_goals(conn: sqlite3.Connection, today: str, after_week: int) -> list[sqlite3.Row]:
    """Open accepted episodes past week `after_week` of support with no goal (dropped ones
    do not count)."""
    return conn.execute(
        f"""SELECT * FROM (
                SELECT {PERSON_COLUMNS}, {DAYS_IN} AS days_in
                FROM episodes e JOIN people p ON p.id = e.person_id
                WHERE e.status = 'accepted' AND e.closure_date IS NULL
                  AND NOT EXISTS (SELECT 1 FROM goals g WHERE g.episode_id = e.id
                                  AND g.dropped_date IS NULL)
            ) WHERE days_in >= :days ORDER BY episode_id""",
        {"today": today, "days": 7 * after_week},
    ).fetchall()


def goals_never_reviewed(
    conn: sqlite3.Connection, today: str, after_week: int
) -> list[sqlite3.Row]:
    """Goals (not dropped) never reviewed, in accepted episodes that went past week
    `after_week` of support (counting to the closure for closed ones).

    Driven from the goals without a review (CROSS JOIN keeps that order), so the week is only
    worked out for the few episodes that have one.
    """
    return conn.execute(
        f"""SELECT * FROM (
                SELECT {PERSON_COLUMNS}, g.number, e.closure_date, {DAYS_IN} AS days_in
                FROM goals g CROSS JOIN episodes e ON e.id = g.episode_id
                JOIN people p ON p.id = e.person_id
                WHERE g.dropped_date IS NULL AND e.status = 'accepted'
                  AND NOT EXISTS (SELECT 1 FROM goal_reviews r WHERE r.goal_id = g.id)
            ) WHERE days_in >= :days ORDER BY episode_id, number""",
        {"today": today, "days": 7 * after_week},
    ).fetchall()


def signposts_without_outcome(conn: sqlite3.Connection, made_by: str) -> list[sqlite3.Row]:
    return conn.execute(
        f"""SELECT {PERSON_COLUMNS}, s.id AS signpost_id, s.date, s.to_text
            FROM signposts s JOIN episodes e ON e.id = s.episode_id
            JOIN people p ON p.id = e.person_id
            WHERE s.outcome IS NULL AND s.date <= :made_by ORDER BY s.id""",
        {"made_by": made_by},
    ).fetchall()


# --- Check: closure ----------------------------------------------------------------------------


def other_closures_without_detail(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute(
        f"""SELECT {PERSON_COLUMNS}, e.closure_date FROM episodes e
            JOIN people p ON p.id = e.person_id
            WHERE e.closure_reason = 'other'
              AND (e.closure_detail IS NULL OR trim(e.closure_detail) = '')
            ORDER BY e.id"""
    ).fetchall()


# --- Check: measures (UCLA is the loneliness measure every report needs) ------------------------

UCLA = "ucla3"


def _no_measure(instrument: str, stage: str) -> str:
    return f"""NOT EXISTS (SELECT 1 FROM measures n WHERE n.episode_id = e.id
               AND n.instrument = {instrument} AND n.stage = '{stage}')"""


def baseline_ucla_missing(conn: sqlite3.Connection, today: str) -> list[sqlite3.Row]:
    """Accepted episodes whose first support contact is before today, with no baseline UCLA
    (scored or recorded as not collected)."""
    return conn.execute(
        f"""SELECT * FROM (
                SELECT {PERSON_COLUMNS}, e.closure_date,
                    (SELECT min(c.date) FROM contacts c WHERE c.episode_id = e.id AND {SUPPORT})
                        AS first_contact
                FROM episodes e JOIN people p ON p.id = e.person_id
                WHERE e.status = 'accepted' AND {_no_measure(f"'{UCLA}'", "baseline")}
            ) WHERE first_contact < :today ORDER BY episode_id""",
        {"today": today},
    ).fetchall()


def baseline_ucla_skipped(conn: sqlite3.Connection, reasons: tuple[str, ...]) -> list[sqlite3.Row]:
    """Accepted episodes whose baseline UCLA was recorded only as not collected, for one of
    `reasons`, with the skip's measure id, date and reason."""
    marks = ", ".join("?" for _ in reasons)
    return conn.execute(
        f"""SELECT {PERSON_COLUMNS}, e.closure_date, m.id AS measure_id, m.date,
                   m.skipped_reason
            FROM measures m JOIN episodes e ON e.id = m.episode_id
            JOIN people p ON p.id = e.person_id
            WHERE m.instrument = '{UCLA}' AND m.stage = 'baseline'
              AND m.skipped_reason IN ({marks}) AND e.status = 'accepted'
              AND NOT EXISTS (SELECT 1 FROM measures s WHERE s.episode_id = e.id
                              AND s.instrument = '{UCLA}' AND s.stage = 'baseline'
                              AND s.skipped_reason IS NULL)
            ORDER BY e.id, m.id""",
        reasons,
    ).fetchall()


def end_measures_missing(conn: sqlite3.Connection, closed_before: str) -> list[sqlite3.Row]:
    """(episode, instrument) pairs with no end record, for episodes closed before
    `closed_before` (not after a death, a move or a hospital stay: codes.NO_END_MEASURES):
    every instrument recorded at baseline (so each
    baseline gets its pair; asking again is right even if it was declined then), and UCLA
    always. Each closed episode looks up its own baseline records and probes for the matching
    end record in measures(episode_id, instrument, stage); people are joined for the gaps
    only."""
    from connector_cli.codes import NO_END_MEASURES

    not_expected = ", ".join(f"'{slug}'" for slug in NO_END_MEASURES)
    closed = (
        "e.status = 'accepted' AND e.closure_date < :closed_before "
        f"AND coalesce(e.closure_reason, '') NOT IN ({not_expected})"
    )
    return conn.execute(
        f"""SELECT x.person_id, p.name, x.episode_id, x.closure_date, x.instrument FROM (
                SELECT DISTINCT e.person_id, e.id AS episode_id, e.closure_date, m.instrument
                FROM {_ALL_EPISODES}
                CROSS JOIN measures m ON m.episode_id = e.id AND m.stage = 'baseline'
                WHERE {closed} AND m.instrument <> '{UCLA}'
                  AND {_no_measure("m.instrument", "end")}
                UNION ALL
                SELECT e.person_id, e.id, e.closure_date, '{UCLA}' FROM {_ALL_EPISODES}
                WHERE {closed} AND {_no_measure(f"'{UCLA}'", "end")}
            ) x CROSS JOIN people p ON p.id = x.person_id
            ORDER BY x.episode_id, x.instrument <> '{UCLA}', x.instrument""",
        {"closed_before": closed_before},
    ).fetchall()


def follow_up_ucla_missing(conn: sqlite3.Connection, closed_before: str) -> list[sqlite3.Row]:
    """Episodes closed before `closed_before` (not after a death) with no follow-up UCLA."""
    return conn.execute(
        f"""SELECT {PERSON_COLUMNS}, e.closure_date FROM {_ALL_EPISODES}
            JOIN people p ON p.id = e.person_id
            WHERE e.status = 'accepted' AND e.closure_date < :closed_before
              AND e.closure_reason IS NOT 'died' AND {_no_measure(f"'{UCLA}'", "follow-up")}
            ORDER BY e.id""",
        {"closed_before": closed_before},
    ).fetchall()


def later_episodes(conn: sqlite3.Connection) -> dict[int, int]:
    """{person_id: current episode id} for the people with more than one episode (the only
    ones for whom a fix may need --episode)."""
    rows = conn.execute(
        """SELECT person_id, id FROM episodes WHERE person_id IN
               (SELECT person_id FROM episodes GROUP BY person_id HAVING count(*) > 1)
           ORDER BY referral_date, id"""
    )
    return {person_id: episode_id for person_id, episode_id in rows}
