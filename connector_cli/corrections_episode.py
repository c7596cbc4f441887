"""Correcting an episode's own facts: its referral and decision dates, its closure (or undoing
it), and the latest what-matters conversation.

Every date stays in the order the work happened: nothing recorded in the episode may end up
dated before its referral, a decision may not come after the closure, and a person's episodes
may not overlap. A refusal names the record in the way. Each function writes inside the
caller's transaction and audits the change (ids and field names only).
"""

from __future__ import annotations

import sqlite3
from datetime import date

from connector_cli.errors import UserError
from connector_cli.store import corrections as sql
from connector_cli.store import update


def _audit(conn, action: str, episode: sqlite3.Row, **detail) -> None:
    sql.record(conn, action, episode=episode["id"], person=episode["person_id"], **detail)


# --- Closure -----------------------------------------------------------------------------------


def reopen(conn: sqlite3.Connection, episode: sqlite3.Row) -> int:
    """Undo a closure: the episode is open again; anything recorded stays attached. Returns how
    many keep-in-touch contacts now count as support."""
    if episode["closure_date"] is None:
        raise UserError(f"Episode {episode['id']} is not closed: there is nothing to reopen.")
    later = sql.later_episode(conn, episode)
    if later is not None:
        raise UserError(
            f"Episode {episode['id']} cannot be reopened: a later referral (episode "
            f"{later['id']}, {later['referral_date']}) follows it."
        )
    first_follow_up, _ = sql.date_range(conn, episode["id"], "follow-up questionnaire")
    if first_follow_up:
        raise UserError(
            f"Episode {episode['id']} has a follow-up questionnaire ({first_follow_up}), which "
            "only follows a closure: remove it first (`connector measure remove`)."
        )
    counted = sql.reopen(conn, episode["id"])
    _audit(conn, "episode reopened", episode)
    return counted


def edit_closure(conn: sqlite3.Connection, episode: sqlite3.Row, changes: dict) -> list[str]:
    """Correct a closure's date, reason, sub-reason or detail, with the rules of `close`."""
    from connector_cli.models import ClosureIn

    if episode["closure_date"] is None:
        raise UserError(f"Episode {episode['id']} is not closed: there is no closure to correct.")
    if not changes:
        raise UserError("Nothing to change: give --date, --reason, --sub-reason or --detail.")
    merged = {
        "date": episode["closure_date"],
        "reason": episode["closure_reason"],
        "sub_reason": episode["closure_sub_reason"],
        "detail": episode["closure_detail"],
    }
    if changes.get("reason", "choice") != "choice" and "sub_reason" not in changes:
        merged["sub_reason"] = None  # a sub-reason only belongs to 'choice'
    merged.update(changes)
    closure = ClosureIn(**merged)
    when = closure.date.isoformat()
    if when != episode["closure_date"]:
        _check_closure_date(conn, episode, when)
    if closure.reason == "died" and episode["closure_reason"] != "died":
        _check_no_end_measures(conn, episode)
    values = {
        "closure_date": when,
        "closure_reason": closure.reason,
        "closure_sub_reason": closure.sub_reason,
        "closure_detail": closure.detail,
    }
    changed = [k.removeprefix("closure_") for k, v in values.items() if episode[k] != v]
    update(conn, "episodes", episode["id"], values)
    if changed:
        _audit(conn, "closure edited", episode, fields=changed)
    return changed


def _check_no_end_measures(conn, episode: sqlite3.Row) -> None:
    taken = sql.end_measures(conn, episode["id"])
    if taken:
        raise UserError(
            f"Episode {episode['id']} has end or follow-up questionnaires (measure "
            f"{', '.join(map(str, taken))}), which a closure because the person died does not "
            "have: remove them first (`connector measure remove`)."
        )


def _check_closure_date(conn, episode: sqlite3.Row, when: str) -> None:
    if episode["status_date"] and when < episode["status_date"]:
        raise UserError(
            f"The closure date {when} is before the referral was accepted "
            f"({episode['status_date']})."
        )
    for what in ("support contact", "goal", "signpost", "goal review"):
        _, last = sql.date_range(conn, episode["id"], what)
        if last and when < last:
            raise UserError(f"The closure date {when} is before the last {what} ({last}).")
    for what in ("keep-in-touch contact", "follow-up questionnaire"):
        first, _ = sql.date_range(conn, episode["id"], what)
        if first and when >= first:
            raise UserError(
                f"The closure date {when} is not before the first {what} ({first}), which "
                "comes after the closure."
            )
    later = sql.later_episode(conn, episode)
    if later is not None and when > later["referral_date"]:
        raise UserError(
            f"The closure date {when} is after the next referral (episode {later['id']}, "
            f"{later['referral_date']})."
        )


# --- Referral and decision dates ---------------------------------------------------------------

# What a referral date must not come after (every record of the episode has its date).
_AFTER_REFERRAL = (
    "contact",
    "goal",
    "goal review",
    "signpost",
    "what-matters conversation",
    "questionnaire",
)


def edit_referral_dates(
    conn: sqlite3.Connection,
    episode: sqlite3.Row,
    *,
    referral_date: date | None,
    decision_date: date | None,
) -> list[str]:
    """Correct the date referred and/or the date accepted, declined or failed. The age at
    referral is recomputed from the date of birth."""
    from connector_cli.models import years_between

    referred = referral_date.isoformat() if referral_date else episode["referral_date"]
    decided = decision_date.isoformat() if decision_date else episode["status_date"]
    if decision_date and episode["status"] == "pending":
        raise UserError(
            "This referral is still pending: there is no decision date to correct "
            "(`connector referral accept` records one)."
        )
    _check_referral_date(conn, episode, referred, decided)
    values: dict = {"referral_date": referred, "status_date": decided}
    dob = conn.execute("SELECT dob FROM people WHERE id = ?", [episode["person_id"]]).fetchone()[0]
    if referral_date and dob:
        age = years_between(date.fromisoformat(dob), referral_date)
        if not 16 <= age <= 120:
            raise UserError(
                f"The referral date {referred} gives an age of {age} from the date of birth "
                f"({dob}), outside 16-120."
            )
        values["age_at_referral"] = age
    changed = [k for k in ("referral_date", "status_date") if episode[k] != values[k]]
    update(conn, "episodes", episode["id"], values)
    changed = ["decision_date" if k == "status_date" else k for k in changed]
    if changed:
        _audit(conn, "referral edited", episode, fields=changed)
    return changed


def _check_referral_date(conn, episode: sqlite3.Row, referred: str, decided: str | None) -> None:
    for what in _AFTER_REFERRAL:
        first, _ = sql.date_range(conn, episode["id"], what)
        if first and first < referred:
            raise UserError(f"The referral date {referred} is after the first {what} ({first}).")
    if decided is not None and decided < referred:
        raise UserError(f"The decision date {decided} is before the referral date ({referred}).")
    closed = episode["closure_date"]
    if decided is not None and closed and decided > closed:
        raise UserError(f"The decision date {decided} is after the closure ({closed}).")
    earlier = sql.earlier_episode(conn, episode)
    if earlier is not None:
        ended = earlier["closure_date"] or earlier["status_date"] or earlier["referral_date"]
        if referred < ended:
            raise UserError(
                f"The referral date {referred} is before the person's earlier episode "
                f"({earlier['id']}) ended ({ended})."
            )
    later = sql.later_episode(conn, episode)
    end = closed or (decided if episode["status"] in ("declined", "failed") else None)
    if later is not None and (end or referred) > later["referral_date"]:
        raise UserError(
            f"That would put episode {episode['id']} after the person's next referral "
            f"(episode {later['id']}, {later['referral_date']})."
        )


# --- What matters ------------------------------------------------------------------------------


def latest_conversation(conn: sqlite3.Connection, episode: sqlite3.Row) -> dict:
    found = sql.latest_conversation(conn, episode["id"])
    if found is None:
        raise UserError(
            "There is no what-matters conversation to correct yet: record one with "
            "`connector what-matters PERSON`."
        )
    return found


def edit_what_matters(
    conn: sqlite3.Connection,
    episode: sqlite3.Row,
    *,
    answers: dict[str, str],
    cleared: set[str],
    day: date | None,
) -> list[str]:
    """Correct the latest conversation: the answers given replace those answers, `cleared`
    keys are removed, `day` corrects its date. Earlier conversations are never touched."""
    latest = latest_conversation(conn, episode)
    merged = {k: v for k, v in latest["answers"].items() if k not in cleared}
    merged.update(answers)
    if not merged:
        raise UserError("That would leave the conversation with no answers; nothing was changed.")
    changed = sorted(
        k for k in set(merged) | set(latest["answers"]) if merged.get(k) != latest["answers"].get(k)
    )
    if day is not None and day.isoformat() != latest["date"]:
        if day.isoformat() < episode["referral_date"]:
            raise UserError(
                f"The date {day} is before the referral date ({episode['referral_date']})."
            )
        update(conn, "conversations", latest["id"], {"date": day.isoformat()})
        changed.append("date")
    if not changed:
        raise UserError("Nothing changed: those are already the conversation's answers.")
    sql.replace_answers(conn, latest["id"], merged)
    _audit(conn, "what-matters edited", episode, id=latest["id"], fields=changed)
    return changed
