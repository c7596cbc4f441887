"""The read side of the pathway: who is on the caseload, and one person's story at a glance.

Returns plain JSON-able dicts (no pydantic) because `show` and `people` run dozens of times a
day and must start in a blink; the shapes are documented by `connector show --json`.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from connector_cli import codes, dates
from connector_cli.settings import get_setting
from connector_cli.store import diary as diary_sql
from connector_cli.store import pathway as sql
from connector_cli.store import people as people_sql


def list_people(conn: sqlite3.Connection, *, include_closed: bool = False) -> list[dict]:
    return [dict(row) for row in people_sql.list_people(conn, include_closed=include_closed)]


def support_start(episode: dict, contacts: list[dict]) -> str | None:
    """Support starts at the first support contact (dates derived from the actual work),
    falling back to the date the referral was accepted."""
    support = [
        c["date"] for c in contacts if c["kind"] in codes.SUPPORT_KINDS and not c["after_closure"]
    ]
    if support:
        return min(support)
    return episode["status_date"] if episode["status"] == "accepted" else None


def support_week(episode: dict, contacts: list[dict], today: date) -> int | None:
    start = support_start(episode, contacts)
    if start is None:
        return None
    until = (
        min(today, date.fromisoformat(episode["closure_date"]))
        if episode["closure_date"]
        else today
    )
    return max(1, dates.week_of_support(date.fromisoformat(start), until))


def episode_story(conn: sqlite3.Connection, episode_row: sqlite3.Row, today: date) -> dict:
    episode = dict(episode_row)
    episode_id = episode["id"]
    contacts = [dict(c) for c in sql.contacts(conn, episode_id)]
    support = [c for c in contacts if c["kind"] in codes.SUPPORT_KINDS and not c["after_closure"]]
    episode.update(
        triggers=people_sql.episode_triggers(conn, episode_id),
        support_weeks=get_setting(conn, "support_weeks"),
        week=support_week(episode, contacts, today),
        support_start=support_start(episode, contacts),
        support_contacts=len(support),
        support_minutes=sum(c["minutes"] or 0 for c in support),
        contacts=contacts,
        goals=[dict(g) for g in sql.goals(conn, episode_id)],
        signposts=_signposts(conn, episode_id),
        conversations=sql.conversations(conn, episode_id),
        corrections=corrections(conn, episode["person_id"], episode_id),
        notes=diary_sql.notes_of(conn, episode_id),
        plans=diary_sql.plans_of(conn, episode_id),
    )
    _add_measures(conn, episode, episode_row, today)
    return episode


def _signposts(conn: sqlite3.Connection, episode_id: int) -> list[dict]:
    """Each signpost with every outcome recorded for it, oldest first (the last one counts)."""
    from connector_cli.store.corrections import signpost_outcomes

    history = signpost_outcomes(conn, episode_id)
    return [
        {**dict(s), "outcomes": history.get(s["id"], [])} for s in sql.signposts(conn, episode_id)
    ]


def corrections(conn: sqlite3.Connection, person_id: int, episode_id: int) -> list[dict]:
    """What was corrected or removed in this person's record or episode, and when (local
    date): from the audit log, so ids and field names only."""
    import json

    from connector_cli.store.corrections import corrections_of

    found = []
    for entry in corrections_of(conn, person_id, episode_id):
        detail = json.loads(entry["detail"])
        found.append(
            {
                "date": _local_date(entry["at"]),
                "action": entry["action"],
                "id": detail.get("number", detail.get("id")),
                "fields": detail.get("fields", []),
                "moved_in": detail.get("to_episode") == episode_id,
            }
        )
    return found


def _local_date(at: str) -> str:
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at[:10]
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().date().isoformat()


def _add_measures(conn: sqlite3.Connection, episode: dict, episode_row, today: date) -> None:
    """Every administration, a trajectory per instrument, and what is due next."""
    from dataclasses import asdict

    from connector_cli import measures
    from connector_cli.measures_due import next_due

    episode["measures"] = measures.episode_measures(conn, episode["id"])
    episode["measures_trajectory"] = measures.trajectories(episode["measures"])
    episode["measures_due"] = measures.due_measures(conn, episode_row, today)
    step = next_due(conn, episode_row, today)  # the engine `caseload` and `check` use
    episode["next_step"] = None if step is None else asdict(step)


def person_story(conn: sqlite3.Connection, person: str, episode_id: int | None = None) -> dict:
    """Everything `show` needs: the person, their current (or chosen) episode in full, and a
    line for each earlier episode."""
    from connector_cli.pathway import episode_for

    person_row, episode_row = episode_for(conn, person, episode_id)
    today = dates.today()
    others = [
        {k: e[k] for k in ("id", "referral_date", "status", "closure_date", "closure_reason")}
        for e in people_sql.episodes_of(conn, person_row["id"])
        if e["id"] != episode_row["id"]
    ]
    from connector_cli.store.concerns import person_concerns

    return {
        "person": dict(person_row),
        "open_concerns": [
            c for c in person_concerns(conn, person_row["id"]) if not c["closed_date"]
        ],
        "episode": episode_story(conn, episode_row, today),
        "other_episodes": others,
        "today": today.isoformat(),
    }
