"""The report's fast score reads agree with plain reference queries, row for row.

`closed_pairs` reads every closed episode's baseline and end scores in one pass and keeps them
for the snapshot; `closed_pairs_one` probes one instrument per episode. Both must pick exactly
what the original window query picked (earliest baseline, latest end, ties by id, skips and
missing values passed over, nothing dated after the period). Demo caseloads of several seeds
are roughened with awkward measures (same-day duplicates, skips, scores and answers missing,
later dates) so every rule is exercised.
"""

from __future__ import annotations

import random
import sqlite3

import pytest
from conftest import ok

from connector_cli.store import reports as store

PERIODS = [
    ("2025-10-01", "2025-12-31"),
    ("2026-01-01", "2026-03-31"),
    ("2026-04-01", "2026-06-30"),
    ("2026-07-01", "2026-09-30"),
    ("2025-04-01", "2026-03-31"),
    ("2024-01-01", "2026-11-20"),
]


def _window_pick(instrument, stage, first, item=None, column="value"):
    """The reference: the original row_number() query, one row per episode with a value."""
    value = (
        f"(SELECT a.{column} FROM measure_answers a WHERE a.measure_id = m.id "
        f"AND a.item = '{item}')"
        if item
        else "m.score"
    )
    order = "m.date, m.id" if first else "m.date DESC, m.id DESC"
    return f"""SELECT episode_id, x FROM (
        SELECT m.episode_id, {value} AS x,
               row_number() OVER (PARTITION BY m.episode_id ORDER BY {order}) AS rn
        FROM measures m WHERE m.instrument = '{instrument}' AND m.stage = '{stage}'
          AND m.skipped_reason IS NULL AND {value} IS NOT NULL AND m.date <= :e)
        WHERE rn = 1"""


def _window_pairs(conn, params, instrument, item, column):
    """The reference pairs: the original window queries, joined per closed episode."""
    sql = f"""WITH base AS ({_window_pick(instrument, "baseline", True, item, column)}),
                   fin AS ({_window_pick(instrument, "end", False, item, column)})
              SELECT e.id, base.x AS base, fin.x AS fin FROM episodes e
              LEFT JOIN base ON base.episode_id = e.id LEFT JOIN fin ON fin.episode_id = e.id
              WHERE e.status = 'accepted' AND e.closure_date BETWEEN :s AND :e ORDER BY e.id"""
    return [dict(r) for r in conn.execute(sql, params)]


def _roughen(conn: sqlite3.Connection, rng: random.Random) -> None:
    """Add awkward administrations to closed episodes' existing baseline and end measures."""
    measures = conn.execute(
        """SELECT m.* FROM measures m JOIN episodes e ON e.id = m.episode_id
           WHERE e.closure_date IS NOT NULL AND m.stage IN ('baseline', 'end')"""
    ).fetchall()
    for m in rng.sample(measures, min(len(measures), 150)):
        kind = rng.choice(["same-day", "skipped", "no-score", "later", "earlier", "no-answers"])
        date = m["date"]
        if kind in ("later", "earlier"):
            year = int(date[:4]) + (1 if kind == "later" else -1)
            date = f"{year}{date[4:]}"
        score = None if kind in ("no-score", "skipped") else rng.choice([3, 5, 6, 9, 14.5, 21.54])
        cursor = conn.execute(
            """INSERT INTO measures (episode_id, instrument, version, stage, date,
                   skipped_reason, score, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, '2026-01-01T00:00:00')""",
            [
                m["episode_id"],
                m["instrument"],
                m["version"],
                m["stage"],
                date,
                "declined" if kind == "skipped" else None,
                score,
            ],
        )
        if kind == "no-answers":
            continue
        answers = conn.execute(
            "SELECT item, value, answer FROM measure_answers WHERE measure_id = ?", [m["id"]]
        ).fetchall()
        for answer in answers:
            if rng.random() < 0.3:
                continue  # an item not answered
            value = None if rng.random() < 0.2 else rng.randint(0, 10)
            conn.execute(
                "INSERT INTO measure_answers (measure_id, item, value, answer) VALUES (?, ?, ?, ?)",
                [cursor.lastrowid, answer["item"], value, answer["answer"]],
            )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_one_pass_scores_match_the_window_query(db_path, seed):
    ok("demo", "--people", "80", "--seed", str(seed), "--quiet")
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    with conn:
        conn.execute("BEGIN")
        _roughen(conn, random.Random(seed))
    keys = sorted(store._READ_TOGETHER, key=str) + [(store.SWEMWBS, "relaxed", "value")]
    compared = 0
    for start, end in PERIODS:
        params = {"s": start, "e": end}
        with store.snapshot(conn):
            fast = {key: store.closed_pairs(conn, params, *key) for key in keys}
        for key in keys:
            reference = _window_pairs(conn, params, *key)
            assert [dict(r) for r in fast[key]] == reference, (key, start, end)
            assert [dict(r) for r in store.closed_pairs_one(conn, params, *key)] == reference
            compared += sum(r["base"] is not None or r["fin"] is not None for r in reference)
    assert compared > 100  # the periods hold real scores, not only empty pairs
    conn.close()


def test_record_scores_match_the_window_query(db_path):
    """episodes.csv's score columns: each a probe per episode, as the window query picked."""
    ok("demo", "--people", "80", "--seed", "5", "--quiet")
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    with conn:
        conn.execute("BEGIN")
        _roughen(conn, random.Random(5))
    columns = [
        ("ucla_baseline", store.UCLA, "baseline", True, None),
        ("ucla_end", store.UCLA, "end", False, None),
        ("ucla_followup", store.UCLA, "follow-up", False, None),
        ("swemwbs_baseline", store.SWEMWBS, "baseline", True, None),
        ("swemwbs_end", store.SWEMWBS, "end", False, None),
    ] + [
        (f"ons4_{item}_{stage}", store.ONS4, stage, stage == "baseline", item)
        for item in store.ONS4_ITEMS
        for stage in ("baseline", "end")
    ]
    found = 0
    for start, end in PERIODS:
        params = {"s": start, "e": end}
        records = [dict(r) for r in store.episode_records(conn, params)]
        for name, instrument, stage, first, item in columns:
            sql = _window_pick(instrument, stage, first, item)
            expected = {r["episode_id"]: r["x"] for r in conn.execute(sql, params)}
            assert [r[name] for r in records] == [expected.get(r["id"]) for r in records], name
            found += sum(r[name] is not None for r in records)
    assert found > 100
    conn.close()


def test_a_snapshot_keeps_nothing_after_it_ends(db_path):
    ok("demo", "--people", "30", "--seed", "4", "--quiet")
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    params = {"s": "2024-01-01", "e": "2026-11-20"}
    with store.snapshot(conn):
        before = store.closed_pairs(conn, params, store.UCLA)
    episode = next(r["id"] for r in before if r["fin"] is not None)
    conn.execute(
        "UPDATE measures SET score = 3 WHERE episode_id = ? AND instrument = 'ucla3' "
        "AND stage = 'end'",
        [episode],
    )
    with store.snapshot(conn):
        after = {r["id"]: r["fin"] for r in store.closed_pairs(conn, params, store.UCLA)}
    assert after[episode] == 3
    assert store._MEMOS == {}
    conn.close()


# --- Figures now summed in Python from one shared read, against the SQL they replaced --------

SUPPORT = "c.after_closure = 0 AND c.kind IN ('face-to-face', 'telephone', 'video', 'message')"
STATUS_AT_END = "(CASE WHEN status_date > :e THEN 'pending' ELSE status END)"
CLOSED_SUPPORT = f"""
    SELECT e.id, count(c.id) AS contacts, coalesce(max(c.delivered_by = 'volunteer'), 0)
               AS volunteer, coalesce(sum(c.kind = 'face-to-face'), 0) AS face_to_face
    FROM episodes e LEFT JOIN contacts c ON c.episode_id = e.id AND {SUPPORT} AND c.date <= :e
    WHERE e.status = 'accepted' AND e.closure_date BETWEEN :s AND :e GROUP BY e.id"""
REFERENCE = {
    "contacts": """SELECT
        sum(kind IN ('face-to-face', 'telephone', 'video', 'message')) AS total,
        sum(kind = 'face-to-face') AS face_to_face, sum(kind = 'telephone') AS telephone,
        sum(kind = 'video') AS video, sum(kind = 'message') AS message,
        sum(kind IN ('face-to-face', 'telephone', 'video', 'message')
            AND delivered_by = 'volunteer') AS by_volunteer,
        sum(CASE WHEN kind IN ('face-to-face', 'telephone', 'video', 'message')
            THEN minutes END) AS minutes,
        sum(kind = 'about') AS about, sum(kind = 'attempt') AS attempt
        FROM contacts c WHERE c.date BETWEEN :s AND :e AND c.after_closure = 0""",
    "journeys": f"""SELECT count(*) FROM contacts c WHERE c.date BETWEEN :s AND :e
        AND {SUPPORT} AND c.journey = 1""",
    "closure": f"""WITH per AS ({CLOSED_SUPPORT})
        SELECT count(*) AS closed, sum(contacts = 1) AS one_contact,
               sum(contacts = 0) AS no_contact, sum(volunteer) AS with_volunteer,
               sum(contacts > 0) AS with_contact,
               sum(contacts > 0 AND face_to_face = contacts) AS face_to_face_only,
               sum(contacts > 0 AND face_to_face = 0) AS remote_only,
               sum(face_to_face > 0 AND face_to_face < contacts) AS both_ways FROM per""",
    "open": f"""SELECT count(*) FROM episodes WHERE {STATUS_AT_END} = 'accepted'
        AND referral_date <= :e AND (closure_date IS NULL OR closure_date > :e)""",
}


def _reference_locations(conn, params):
    rows = conn.execute(
        f"""SELECT c.location, count(*) FROM contacts c WHERE c.date BETWEEN :s AND :e
            AND {SUPPORT} AND c.kind = 'face-to-face' GROUP BY c.location""",
        params,
    )
    return {row[0]: row[1] for row in rows}


def _reference_demographics(conn, params):
    result = {}
    for dimension, expr in (
        ("age_band", store.AGE_BAND),
        ("gender", "p.gender"),
        ("ethnicity", "p.ethnicity"),
        ("living", "p.living"),
    ):
        rows = conn.execute(
            f"""SELECT {expr} AS v, count(*) FROM episodes e JOIN people p ON p.id = e.person_id
                WHERE e.referral_date BETWEEN :s AND :e GROUP BY v""",
            params,
        )
        result[dimension] = {row[0]: row[1] for row in rows}
    return result


def _reference_trigger_groups(conn, params):
    sql = f"""
        WITH {store._pairs(store.UCLA)},
        relevant AS ({store.REFERRED} UNION {store.CLOSED}),
        flags AS (
            SELECT t.episode_id, t.trigger AS grp FROM episode_triggers t
            WHERE t.episode_id IN (SELECT id FROM relevant)
            UNION ALL
            SELECT e.id, CASE WHEN e.triggers_answered = 1 OR e.no_triggers = 1
                              THEN 'none' ELSE 'none-recorded' END
            FROM episodes e WHERE e.id IN (SELECT id FROM relevant)
              AND NOT EXISTS (SELECT 1 FROM episode_triggers t WHERE t.episode_id = e.id))
        SELECT f.grp,
               sum(f.episode_id IN ({store.REFERRED})) AS referrals,
               sum(p.base IS NOT NULL AND p.fin IS NOT NULL) AS ucla_paired_n,
               sum(p.fin < p.base) AS ucla_improved,
               sum(p.base >= 6 AND p.fin <= 5) AS ucla_became_not_lonely
        FROM flags f LEFT JOIN pairs p ON p.id = f.episode_id
        GROUP BY f.grp"""
    return {
        row["grp"]: {k: row[k] or 0 for k in row.keys() if k != "grp"}
        for row in conn.execute(sql, params)
    }


def _zeroed(row) -> dict:
    return {key: row[key] or 0 for key in row.keys()}


@pytest.mark.parametrize("seed", [6, 7])
def test_shared_reads_give_the_figures_of_their_own_queries(db_path, seed):
    ok("demo", "--people", "80", "--seed", str(seed), "--quiet")
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    rng = random.Random(seed)
    with conn:  # keep-in-touch contacts, missing minutes and locations, volunteers, journeys
        conn.execute("BEGIN")
        for c in rng.sample(conn.execute("SELECT * FROM contacts").fetchall(), 60):
            conn.execute(
                "UPDATE contacts SET after_closure = ?, minutes = ?, location = ?, "
                "delivered_by = ?, journey = ? WHERE id = ?",
                [
                    rng.random() < 0.3,
                    rng.choice([None, 5, 45]),
                    rng.choice([None, c["location"]]),
                    rng.choice(["connector", "volunteer"]),
                    rng.random() < 0.3,
                    c["id"],
                ],
            )
    for start, end in PERIODS:
        params = {"s": start, "e": end}
        with store.snapshot(conn):
            contacts = store.contact_counts(conn, params)
            locations = store.location_counts(conn, params)
            closure = store.closure_counts(conn, params)
            recorded = store.recorded_counts(conn, params)
            triggers = store.trigger_group_counts(conn, params)
        assert contacts == _zeroed(conn.execute(REFERENCE["contacts"], params).fetchone())
        assert locations == _reference_locations(conn, params)
        reference = _zeroed(conn.execute(REFERENCE["closure"], params).fetchone())
        assert closure == {k: reference[k] for k in closure}
        assert {k: recorded[k] for k in ("face_to_face_only", "remote_only", "both_ways")} == {
            k: reference[k] for k in ("face_to_face_only", "remote_only", "both_ways")
        }
        assert recorded["journeys"] == conn.execute(REFERENCE["journeys"], params).fetchone()[0]
        assert (
            store.open_at_end(conn, params) == conn.execute(REFERENCE["open"], params).fetchone()[0]
        )
        assert store.demographic_counts(conn, params) == _reference_demographics(conn, params)
        assert triggers == _reference_trigger_groups(conn, params)
    assert contacts["total"] > 0 and closure["closed"] > 0
    conn.close()
