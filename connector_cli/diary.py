"""The working day: arranged contacts (plans) and `today`'s agenda.

Plain functions returning dataclasses; no printing, no prompting. What is due comes from the
caseload (caseload.caseload, which follows measures_due): `today` never computes it again.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from connector_cli.errors import UserError
from connector_cli.store import diary as sql

if TYPE_CHECKING:
    from connector_cli.models_diary import PlanIn

# `visit log` settles the open plan nearest its date, from a week before to a day after:
# the visit arranged for Monday that happened on Thursday is still that visit.
SETTLES_DAYS_BEFORE = 7
SETTLES_DAYS_AFTER = 1
MAX_AGENDA_DAYS = 366


# --- Plans -------------------------------------------------------------------------------------


def add_plan(conn: sqlite3.Connection, episode: sqlite3.Row, plan: PlanIn) -> int:
    """Arrange a contact in an open episode (pending or accepted, not closed)."""
    if episode["status"] not in ("pending", "accepted") or episode["closure_date"]:
        state = "closed" if episode["closure_date"] else episode["status"]
        raise UserError(f"This referral is {state}: there is no support left to plan.")
    values = plan.model_dump()
    values["date"] = plan.date.isoformat()
    return sql.insert_plan(conn, episode["id"], values)


def remove_plan(conn: sqlite3.Connection, plan_id: int) -> sqlite3.Row:
    found = sql.plan(conn, plan_id)
    if found is None:
        raise UserError(f"No plan number {plan_id}. See `connector today` or `connector show`.")
    if found["contact_id"] is not None:
        raise UserError(
            f"Plan {plan_id} was done (contact {found['contact_id']}); to undo that, remove "
            "the contact with `connector visit remove`."
        )
    sql.delete_plan(conn, plan_id)
    return found


def settle_plan(
    conn: sqlite3.Connection,
    episode: sqlite3.Row,
    *,
    contact_id: int,
    contact_date: date,
    contact_kind: str,
    plan_id: int | None = None,
) -> sqlite3.Row | None:
    """Mark done the plan this contact carried out: the one `--plan` names, else the open plan
    of the episode nearest the contact's date (from a week before to a day after). An attempt
    or a call about the person carries out no plan unless named."""
    from connector_cli import codes

    if plan_id is not None:
        found = sql.plan(conn, plan_id)
        if found is None or found["episode_id"] != episode["id"]:
            raise UserError(f"Plan {plan_id} is not one of this episode's plans.")
        if found["contact_id"] is not None:
            raise UserError(f"Plan {plan_id} was already done (contact {found['contact_id']}).")
    else:
        if contact_kind not in codes.SUPPORT_KINDS:
            return None
        found = _nearest_open_plan(conn, episode["id"], contact_date)
        if found is None:
            return None
    sql.mark_plan_done(conn, found["id"], contact_id)
    return found


def _nearest_open_plan(conn, episode_id: int, day: date) -> sqlite3.Row | None:
    earliest = day - timedelta(days=SETTLES_DAYS_BEFORE)
    latest = day + timedelta(days=SETTLES_DAYS_AFTER)
    near = [
        p
        for p in sql.open_plans_of(conn, episode_id)
        if earliest <= date.fromisoformat(p["date"]) <= latest
    ]
    return min(near, key=lambda p: abs((date.fromisoformat(p["date"]) - day).days), default=None)


# --- today -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedItem:
    plan_id: int
    person_id: int
    name: str
    episode_id: int
    date: str
    time: str | None
    kind: str | None
    note: str | None
    days_late: int  # 0 unless the day has passed with the plan not done


@dataclass(frozen=True)
class DueItem:
    person_id: int
    name: str
    episode_id: int
    what: str  # first-contact, baseline, review, closure, follow-up
    label: str
    status: str  # due, overdue, upcoming
    due_from: str
    due_by: str | None
    days_late: int


@dataclass(frozen=True)
class Decision:
    person_id: int
    name: str
    episode_id: int
    referral_date: str
    days_waiting: int
    status: str  # due, overdue


@dataclass
class Agenda:
    today: str
    last_day: str
    days: int
    planned: list[PlannedItem] = field(default_factory=list)
    due: list[DueItem] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    concerns: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def agenda(conn: sqlite3.Connection, *, today: date, days: int = 1) -> Agenda:
    """What the day (or the next `days` days) holds: plans not yet done (overdue ones too),
    the caseload's next steps that are due, referrals waiting for a decision, open concerns."""
    from connector_cli import caseload

    if not 1 <= days <= MAX_AGENDA_DAYS:
        raise UserError(f"--days must be a whole number from 1 to {MAX_AGENDA_DAYS}.")
    last = today + timedelta(days=days - 1)
    view = caseload.caseload(conn, today=today)
    result = Agenda(today.isoformat(), last.isoformat(), days)
    result.planned = [_planned(row, today) for row in sql.open_plans_until(conn, last.isoformat())]
    for item in view.open:
        due = item.next_due
        if due.what == "decision":
            waiting = (today - date.fromisoformat(item.referral_date)).days
            result.decisions.append(
                Decision(
                    item.person_id,
                    item.name,
                    item.episode_id,
                    item.referral_date,
                    waiting,
                    due.status,
                )
            )
        elif due.status != "upcoming" or due.due_from <= result.last_day:
            result.due.append(_due(item, due, today))
    result.due += [_due(f, f.due, today) for f in view.follow_ups]
    result.due.sort(key=lambda d: (-d.days_late, d.due_by or d.due_from, d.person_id))
    result.decisions.sort(key=lambda d: (-d.days_waiting, d.person_id))
    result.concerns = sql.open_concerns(conn)
    return result


def _planned(row: sqlite3.Row, today: date) -> PlannedItem:
    late = max(0, (today - date.fromisoformat(row["date"])).days)
    return PlannedItem(
        row["id"],
        row["person_id"],
        row["name"],
        row["episode_id"],
        row["date"],
        row["time"],
        row["kind"],
        row["note"],
        late,
    )


def _due(item, due, today: date) -> DueItem:
    return DueItem(
        item.person_id,
        item.name,
        item.episode_id,
        due.what,
        due.label,
        due.status,
        due.due_from,
        due.due_by,
        due.days_late(today),
    )
