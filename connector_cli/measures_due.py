"""What is due when: the measurement windows of an episode, stage by stage.

A stage is due in its window, overdue after it while it can still be collected, and left out
once it cannot (`connector check` reports those as missing). README, "When each measure is due", has the table.
"Overdue" here is about the window only; `show` words it for people and calls a measure
overdue only where `connector check` would report it (`check_reports`).
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

from connector_cli import surveys
from connector_cli.settings import get_setting
from connector_cli.store import measures as sql

STAGE_ORDER = ("baseline", "review", "end", "follow-up")
END_DAYS_BEFORE = 7  # end measures can be taken in the last week of support...
END_DAYS_AFTER = 28  # ...or caught up within four weeks of closing
FOLLOWUP_LATEST_WEEKS = 26  # later than six months after closure is not a follow-up


def followup_window(conn: sqlite3.Connection, closure: date) -> tuple[date, date]:
    """(first, last) day of the follow-up window: by default 10 to 14 whole weeks after closure."""
    week, spread = get_setting(conn, "followup_week"), get_setting(conn, "followup_window_weeks")
    first = closure + timedelta(weeks=week - spread)
    return first, closure + timedelta(weeks=week + spread + 1, days=-1)


def review_window(conn: sqlite3.Connection, start: date) -> tuple[date, date]:
    """(first, last) day of the review window: by default weeks 5 to 7 of support, where
    week 1 is the 7 days starting on the first support contact."""
    week, spread = get_setting(conn, "review_week"), get_setting(conn, "review_window_weeks")
    first = start + timedelta(weeks=week - spread - 1)
    return first, start + timedelta(weeks=week + spread, days=-1)


def instruments_in(used: set[str]) -> list[str]:
    """The default set, plus any optional instrument this episode has used."""
    return [*surveys.DEFAULT_INSTRUMENTS] + [
        i for i in surveys.INSTRUMENT_IDS if i in used and i not in surveys.DEFAULT_INSTRUMENTS
    ]


def _status(today: date, first: date, last: date | None) -> str:
    if today < first:
        return "upcoming"
    return "due" if last is None or today <= last else "overdue"


def _open_windows(conn, episode: dict, today: date) -> dict:
    first_contact = sql.first_support_contact(conn, episode["id"])
    accepted = date.fromisoformat(episode["status_date"] or episode["referral_date"])
    contact = date.fromisoformat(first_contact) if first_contact else None
    start = contact or accepted  # support starts at the first support contact (as `show` says)
    planned_end = start + timedelta(weeks=get_setting(conn, "support_weeks") - 1)
    return {
        "baseline": (min(accepted, start), contact),
        "review": review_window(conn, start),
        "end": (planned_end, None),
    }


def _closed_windows(conn, episode: dict, today: date) -> dict:
    closure = date.fromisoformat(episode["closure_date"])
    if episode["closure_reason"] == "died":
        return {}
    windows = {}
    if today <= closure + timedelta(days=END_DAYS_AFTER):
        windows["end"] = (closure - timedelta(days=END_DAYS_BEFORE), closure)
    if today <= closure + timedelta(weeks=FOLLOWUP_LATEST_WEEKS):
        windows["follow-up"] = followup_window(conn, closure)
    return windows


def due_measures(conn: sqlite3.Connection, episode_row: sqlite3.Row, today: date) -> list[dict]:
    """What is still to be asked in this episode, stage by stage and instrument by instrument.

    Each item: {"instrument", "stage", "status": "due"|"overdue"|"upcoming", "due_from",
    "due_by"} with ISO dates; due_by is None when the moment is open-ended ("before the first
    support contact" with none yet, or "at closure" for an open episode). Only accepted
    episodes have anything due. A not-collected record satisfies its stage. Stages that can no
    longer be collected (baseline and review once closed, end four weeks after closure,
    follow-up six months after) are left out: `connector check` reports those as missing.
    """
    episode = dict(episode_row)
    if episode["status"] != "accepted":
        return []
    recorded = sql.episode_measures(conn, episode["id"])
    taken = {(m["instrument"], m["stage"]) for m in recorded}
    windows = (
        _closed_windows(conn, episode, today)
        if episode["closure_date"]
        else _open_windows(conn, episode, today)
    )
    items = []
    for stage in STAGE_ORDER:
        if stage not in windows:
            continue
        first, last = windows[stage]
        status = _status(today, first, last)
        for instrument_id in instruments_in({m["instrument"] for m in recorded}):
            if (instrument_id, stage) not in taken:
                items.append(
                    {
                        "instrument": instrument_id,
                        "stage": stage,
                        "status": status,
                        "due_from": first.isoformat(),
                        "due_by": last.isoformat() if last else None,
                    }
                )
    return items


def check_reports(instrument_id: str, stage: str, asked_at_baseline: set[str]) -> bool:
    """Whether `connector check` reports this measure as missing once it is overdue: UCLA at
    baseline, end and follow-up, and at the end every instrument recorded (or recorded as not
    collected) at baseline, so that each baseline has its pair. The rest of the default set is
    worth asking but its lack is not a gap: `show` calls it "not yet asked", never overdue.
    (The rule itself is checks.py's; tests/test_measures_due.py holds the two together.)"""
    if instrument_id == "ucla3":
        return stage in ("baseline", "end", "follow-up")
    return stage == "end" and instrument_id in asked_at_baseline


def suggested_stage(conn, episode_row: sqlite3.Row, instrument_id: str, today: date) -> str | None:
    """The stage most likely meant now: the first due or overdue one for this instrument."""
    for item in due_measures(conn, episode_row, today):
        if item["instrument"] == instrument_id and item["status"] != "upcoming":
            return item["stage"]
    return None
