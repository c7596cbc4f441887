"""connector demo: a varied, deterministic caseload that obeys every rule."""

from __future__ import annotations

from conftest import ok, refused, rows, snapshot

from connector_cli import codes


def test_demo_is_varied(db_path):
    ok("demo", "--people", "120", "--seed", "7", "--quiet")
    assert len(rows(db_path, "SELECT * FROM people")) == 120
    statuses = {r["status"] for r in rows(db_path, "SELECT DISTINCT status FROM episodes")}
    assert statuses == {"pending", "accepted", "declined", "failed"}
    kinds = {r["kind"] for r in rows(db_path, "SELECT DISTINCT kind FROM contacts")}
    assert kinds == {"face-to-face", "telephone", "video", "message", "about", "attempt"}
    progress = {r["progress"] for r in rows(db_path, "SELECT DISTINCT progress FROM goal_reviews")}
    assert progress == {c.slug for c in codes.GOAL_PROGRESS}
    reasons = {
        r["closure_reason"]
        for r in rows(
            db_path, "SELECT DISTINCT closure_reason FROM episodes WHERE closure_reason IS NOT NULL"
        )
    }
    assert reasons == {c.slug for c in codes.CLOSURE_REASONS}
    re_referred = rows(
        db_path, "SELECT count(*) AS n FROM episodes WHERE previous_episode_id IS NOT NULL"
    )
    assert re_referred[0]["n"] >= 1
    stages = {
        r["stage"]
        for r in rows(db_path, "SELECT DISTINCT stage FROM measures WHERE skipped_reason IS NULL")
    }
    assert stages == {"baseline", "review", "end", "follow-up"}
    instruments = {
        r["instrument"] for r in rows(db_path, "SELECT DISTINCT instrument FROM measures")
    }
    assert instruments == {"ucla3", "swemwbs", "ons4"}
    assert (
        rows(db_path, "SELECT count(*) AS n FROM signposts WHERE outcome IS NOT NULL")[0]["n"] > 0
    )
    assert rows(db_path, "SELECT count(*) AS n FROM conversations")[0]["n"] > 0
    assert rows(db_path, "SELECT count(*) AS n FROM directory_entries")[0]["n"] > 0
    assert rows(db_path, "SELECT count(*) AS n FROM gaps")[0]["n"] > 0


def test_demo_is_deterministic(db_path, tmp_path):
    other = tmp_path / "again.db"
    ok("demo", "--people", "30", "--seed", "3", "--quiet")
    ok("--db", str(other), "demo", "--people", "30", "--seed", "3", "--quiet")
    query = "SELECT name, dob, gender FROM people ORDER BY id"
    assert rows(db_path, query) == rows(other, query)
    query = "SELECT episode_id, date, kind, minutes FROM contacts ORDER BY id"
    assert rows(db_path, query) == rows(other, query)


def test_demo_refuses_a_database_with_records(db_path):
    ok("new-referral", "--name", "A real person")
    before = snapshot(db_path)
    refused("demo", "--quiet", contains="already holds records")
    assert snapshot(db_path) == before


def test_demo_people_bounds(db_path):
    refused("demo", "--people", "0", "--quiet", contains="--people")
