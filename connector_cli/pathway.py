"""The core pathway as plain functions: referral, status, conversation, goals, contacts,
signposts, closure. They take the connection and validated models, enforce the rules that need
the stored record, write inside the caller's transaction, and return ids. No printing, no
prompting."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import TYPE_CHECKING

from connector_cli.errors import UserError
from connector_cli.store import pathway as sql
from connector_cli.store import people

if TYPE_CHECKING:  # annotations only: `show` must not pay for importing pydantic
    from connector_cli.contacts import ContactIn
    from connector_cli.models import (
        ClosureIn,
        ConversationIn,
        GoalIn,
        GoalReviewIn,
        ReferralIn,
        SignpostIn,
        StatusChange,
    )

MAX_OPEN_GOALS = 3


def is_open(episode: sqlite3.Row) -> bool:
    return episode["status"] in ("pending", "accepted") and episode["closure_date"] is None


def episode_for(conn: sqlite3.Connection, person: str, episode_id: int | None = None):
    """(person row, episode row): the person's current episode, or the one --episode names."""
    person_row = people.resolve_person(conn, person)
    if episode_id is None:
        found = people.current_episode(conn, person_row["id"])
        if found is None:
            raise UserError(f"{person_row['name']} has no referral recorded.")
        return person_row, found
    found = people.episode(conn, episode_id)
    if found is None or found["person_id"] != person_row["id"]:
        raise UserError(f"Episode {episode_id} is not one of {person_row['name']}'s episodes.")
    return person_row, found


def new_referral(
    conn: sqlite3.Connection, referral: ReferralIn, *, existing: str | None = None
) -> dict:
    """Create the person (or find them again) and a new episode linked to their last one."""
    person_id = _known_person(conn, referral, existing)
    previous = people.current_episode(conn, person_id) if person_id else None
    if previous is not None:
        _check_re_referral(previous, referral.referral_date)
    if person_id is None:
        person_id = sql.insert_person(conn, _person_values(referral))
    episode_id = sql.insert_episode(
        conn, _episode_values(referral, person_id, previous), referral.triggers
    )
    return {
        "person_id": person_id,
        "episode_id": episode_id,
        "re_referral": previous is not None,
        "previous_episode_id": previous["id"] if previous is not None else None,
    }


def namesakes(conn: sqlite3.Connection, referral: ReferralIn) -> list[sqlite3.Row]:
    """Other people with the same name who are not certainly this person (no matching date of
    birth): a returning person may be about to get a second record."""
    if _known_person(conn, referral, None) is not None:
        return []
    return people.people_named(conn, referral.name)


def _known_person(conn, referral: ReferralIn, existing: str | None) -> int | None:
    if existing is not None:
        row = people.resolve_person(conn, existing)
        if _same_name(row["name"]) != _same_name(referral.name or ""):
            raise UserError(
                f"Person {row['id']} is {row['name']}, not {referral.name}: give the returning "
                "person's name as it is recorded (`connector show` it first), or leave out "
                "--existing for someone new."
            )
        return row["id"]
    if referral.dob is None:
        return None
    for row in people.people_named(conn, referral.name):
        if row["dob"] == referral.dob.isoformat():
            return row["id"]
    return None


def _same_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def _check_re_referral(previous: sqlite3.Row, referral_date: date) -> None:
    if is_open(previous):
        raise UserError(
            f"This person already has an open referral (episode {previous['id']}, "
            f"{previous['status']}); close or decline it before a new referral."
        )
    ended = previous["closure_date"] or previous["status_date"] or previous["referral_date"]
    if referral_date.isoformat() < ended:
        raise UserError(
            f"The new referral date {referral_date} is before their last episode ended ({ended})."
        )


def _person_values(referral: ReferralIn) -> dict:
    from connector_cli.models import HOME_DETAILS

    fields = ("name", "gender", "ethnicity", "living", "area", "phone", "email", "risks")
    fields += HOME_DETAILS
    values = {field: getattr(referral, field) for field in fields}
    values["dob"] = referral.dob.isoformat() if referral.dob else None
    values["consent_to_share"] = (
        None if referral.consent_to_share is None else int(referral.consent_to_share)
    )
    values["no_known_risks"] = int(referral.no_known_risks)
    return values


def _episode_values(referral: ReferralIn, person_id: int, previous) -> dict:
    decided = referral.status != "pending"
    return {
        "person_id": person_id,
        "previous_episode_id": previous["id"] if previous is not None else None,
        "referral_date": referral.referral_date.isoformat(),
        "source": referral.source,
        "referrer": referral.referrer,
        "reason": referral.reason,
        "age_at_referral": referral.age_at_referral,
        "age_not_stated": int(referral.age_not_stated),
        "triggers_answered": int(bool(referral.triggers) or referral.no_triggers),
        "no_triggers": int(referral.no_triggers),
        "primary_trigger": referral.primary_trigger,
        "status": referral.status,
        "status_date": referral.referral_date.isoformat() if decided else None,
        "status_reason": referral.status_reason,
        "decline_by": referral.decline_by,
    }


def change_status(conn: sqlite3.Connection, episode: sqlite3.Row, change: StatusChange) -> None:
    if episode["status"] != "pending":
        raise UserError(
            f"This referral is already {episode['status']}; only a pending referral can be "
            f"{change.status}."
        )
    _check_on_or_after_referral(episode, change.date)
    sql.set_status(conn, episode["id"], {**change.model_dump(), "date": change.date.isoformat()})


def _check_on_or_after_referral(episode: sqlite3.Row, day: date, what: str = "date") -> None:
    if day.isoformat() < episode["referral_date"]:
        raise UserError(
            f"The {what} {day} is before the referral date ({episode['referral_date']})."
        )


def _check_active(episode: sqlite3.Row, what: str) -> None:
    if episode["status"] in ("declined", "failed"):
        raise UserError(f"This referral was {episode['status']}: no {what} can be recorded on it.")


def _check_not_closed(episode: sqlite3.Row, what: str) -> None:
    if episode["closure_date"] is not None:
        raise UserError(
            f"This episode was closed on {episode['closure_date']}: no new {what} can be added."
        )


def record_conversation(conn, episode: sqlite3.Row, conversation: ConversationIn) -> int:
    _check_active(episode, "conversation")
    _check_on_or_after_referral(episode, conversation.date)
    if not conversation.answers:
        raise UserError("Nothing to save: give at least one --answer KEY=TEXT.")
    return sql.insert_conversation(
        conn, episode["id"], conversation.date.isoformat(), conversation.answers
    )


def open_goals(goals: list[sqlite3.Row]) -> list[sqlite3.Row]:
    """Goals still being worked on: not dropped and not yet achieved."""
    return [g for g in goals if g["dropped_date"] is None and g["progress"] != "achieved"]


def check_can_add_goal(episode: sqlite3.Row) -> None:
    """Refuse a goal on a declined, failed or closed episode (before any question)."""
    _check_active(episode, "goals")
    _check_not_closed(episode, "goals")


def add_goal(conn, episode: sqlite3.Row, goal: GoalIn) -> tuple[int, int]:
    check_can_add_goal(episode)
    _check_on_or_after_referral(episode, goal.date)
    still_open = open_goals(sql.goals(conn, episode["id"]))
    if len(still_open) >= MAX_OPEN_GOALS:
        listed = "; ".join(f"{g['number']} {g['text']}" for g in still_open)
        raise UserError(
            f"Already {MAX_OPEN_GOALS} open goals ({listed}). Review one as achieved or drop one first."
        )
    return sql.insert_goal(
        conn,
        episode["id"],
        {"text": goal.text, "domain": goal.domain, "set_date": goal.date.isoformat()},
    )


def _goal(conn, episode: sqlite3.Row, number: int) -> sqlite3.Row:
    for goal in sql.goals(conn, episode["id"]):
        if goal["number"] == number:
            return goal
    raise UserError(f"No goal number {number} in this episode. See `connector show`.")


def goal_to_review(conn, episode: sqlite3.Row, number: int) -> sqlite3.Row:
    """The goal a review is about (its words are shown before asking); refused if dropped."""
    goal = _goal(conn, episode, number)
    if goal["dropped_date"] is not None:
        raise UserError(
            f"Goal {number} was dropped on {goal['dropped_date']}; it cannot be reviewed."
        )
    return goal


def review_goal(conn, episode: sqlite3.Row, number: int, review: GoalReviewIn) -> int:
    goal = goal_to_review(conn, episode, number)
    if review.date.isoformat() < goal["set_date"]:
        raise UserError(
            f"The review date {review.date} is before the goal was set ({goal['set_date']})."
        )
    values = {"date": review.date.isoformat(), "progress": review.progress, "note": review.note}
    return sql.insert_goal_review(conn, goal["id"], values)


def drop_goal(conn, episode: sqlite3.Row, number: int, day: date) -> None:
    goal = _goal(conn, episode, number)
    if goal["dropped_date"] is not None:
        raise UserError(f"Goal {number} was already dropped on {goal['dropped_date']}.")
    if day.isoformat() < goal["set_date"]:
        raise UserError(f"The date {day} is before the goal was set ({goal['set_date']}).")
    sql.drop_goal(conn, goal["id"], day.isoformat())


def log_contact(conn, episode: sqlite3.Row, contact: ContactIn) -> int:
    """A contact. After closure it is only accepted as keep-in-touch (never counted)."""
    _check_active(episode, "contacts")
    _check_on_or_after_referral(episode, contact.date)
    closed = episode["closure_date"]
    after = closed is not None and contact.date.isoformat() > closed
    if after and not contact.after_closure:
        raise UserError(
            f"This episode closed on {closed}. To note keeping in touch since then, add "
            "--after-closure (it will not count in the episode's figures)."
        )
    if contact.after_closure and not after:
        raise UserError("--after-closure is only for contacts dated after the episode closed.")
    values = contact.values()
    values.update(
        date=contact.date.isoformat(), journey=int(contact.journey), after_closure=int(after)
    )
    if contact.volunteer:
        from connector_cli.volunteers import volunteer_for_contact

        volunteer = volunteer_for_contact(conn, contact.volunteer, contact.date)
        values.update(volunteer=volunteer["name"], volunteer_id=volunteer["id"])
    return sql.insert_contact(conn, episode["id"], values)


def add_signpost(conn, episode: sqlite3.Row, signpost: SignpostIn) -> int:
    _check_active(episode, "signposts")
    _check_not_closed(episode, "signposts")
    _check_on_or_after_referral(episode, signpost.date)
    values = signpost.model_dump()
    values.update(date=signpost.date.isoformat(), accompanied=int(signpost.accompanied))
    return sql.insert_signpost(conn, episode["id"], values)


def signpost_for(conn, signpost_id: int) -> tuple[sqlite3.Row, sqlite3.Row]:
    """(person row, signpost row): who and where, named before the outcome is asked."""
    row = sql.signpost(conn, signpost_id)
    if row is None:
        raise UserError(f"No signpost number {signpost_id}. See `connector show PERSON`.")
    episode = people.episode(conn, row["episode_id"])
    return people.resolve_person(conn, str(episode["person_id"])), row


def signpost_outcome(conn, signpost_id: int, outcome: str, day: date) -> sqlite3.Row:
    row = sql.signpost(conn, signpost_id)
    if row is None:
        raise UserError(f"No signpost number {signpost_id}. See `connector show PERSON`.")
    if day.isoformat() < row["date"]:
        raise UserError(f"The outcome date {day} is before the signpost was made ({row['date']}).")
    sql.set_signpost_outcome(conn, signpost_id, outcome, day.isoformat())
    return row


def check_can_close(episode: sqlite3.Row) -> None:
    """Refuse closing an episode that is not open and accepted (asked before any question)."""
    if episode["status"] != "accepted":
        raise UserError(
            f"Only an accepted referral can be closed; this one is {episode['status']}."
            + (
                " Use `connector referral decline` or `fail`."
                if episode["status"] == "pending"
                else ""
            )
        )
    _check_not_closed(episode, "closure")


def check_closure(conn, episode: sqlite3.Row, closure: ClosureIn) -> None:
    """Everything that would make `close_episode` refuse this closure; writes nothing."""
    check_can_close(episode)
    when = closure.date.isoformat()
    if episode["status_date"] and when < episode["status_date"]:
        raise UserError(
            f"The closure date {when} is before the referral was accepted ({episode['status_date']})."
        )
    last = sql.last_dated_event(conn, episode["id"])
    if last and when < last:
        raise UserError(
            f"The closure date {when} is before the last recorded contact or goal ({last})."
        )
    _check_end_measures_fit(conn, episode, closure.date)


def close_episode(conn, episode: sqlite3.Row, closure: ClosureIn) -> None:
    check_closure(conn, episode, closure)
    values = closure.model_dump()
    values["date"] = closure.date.isoformat()
    sql.close(conn, episode["id"], values)


def _check_end_measures_fit(conn, episode: sqlite3.Row, closure: date) -> None:
    """End measures taken at the final visit, before the closure, must fall in the same window
    as those taken after it, so both orders of recording give the same figures."""
    from datetime import timedelta

    from connector_cli.measures_due import END_DAYS_AFTER, END_DAYS_BEFORE
    from connector_cli.store.measures import stage_records

    for row in stage_records(conn, episode["id"], "end"):
        taken = date.fromisoformat(row["date"])
        if taken < closure - timedelta(days=END_DAYS_BEFORE):
            raise UserError(
                f"The end measure {row['id']} was taken on {row['date']}, more than "
                f"{END_DAYS_BEFORE} days before this closure date ({closure}): close by "
                f"{taken + timedelta(days=END_DAYS_BEFORE)}, or remove it first "
                f"(`connector measure remove {row['id']}`)."
            )
        if taken > closure + timedelta(days=END_DAYS_AFTER):
            raise UserError(
                f"The end measure {row['id']} was taken on {row['date']}, more than "
                f"{END_DAYS_AFTER} days after this closure date ({closure})."
            )
