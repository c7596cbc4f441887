"""Correcting and removing one record: a contact, a goal, a signpost.

Each function works inside the caller's write transaction, re-checks the rules the record was
first saved under (so a correction can never save what the original command would refuse),
audits the change (ids and field names only) and returns what `show` and the message need.
No printing, no prompting.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from connector_cli.errors import UserError
from connector_cli.store import corrections as sql
from connector_cli.store import pathway as pathway_sql
from connector_cli.store import people as people_sql
from connector_cli.store import update

CONTACT_FIELDS = (
    "date",
    "kind",
    "minutes",
    "delivered_by",
    "volunteer",
    "location",
    "journey",
    "note",
)


# --- Contacts ----------------------------------------------------------------------------------


def find_contact(conn: sqlite3.Connection, contact_id: int) -> sqlite3.Row:
    row = sql.contact(conn, contact_id)
    if row is None:
        raise UserError(
            f"No contact number {contact_id}. `connector show PERSON` lists them (No. column)."
        )
    return row


def edit_contact(
    conn: sqlite3.Connection,
    contact_id: int,
    changes: dict,
    *,
    to_episode: sqlite3.Row | None = None,
) -> tuple[sqlite3.Row, list[str]]:
    """Change a contact's details and/or move it to another episode (another person's, or the
    same person's other one). Returns the contact as it was and the names of what changed."""
    from connector_cli.contacts import ContactIn

    row = find_contact(conn, contact_id)
    moving = to_episode is not None and to_episode["id"] != row["episode_id"]
    if not changes and not moving:
        raise UserError(
            "Nothing to change: give --date, --kind, --minutes, --location, --note, --by, "
            "--volunteer, --after-closure or --person."
        )
    merged = {k: row[k] for k in CONTACT_FIELDS}
    if changes.get("kind", "face-to-face") != "face-to-face" and "location" not in changes:
        merged["location"] = None  # a place only belongs to a face-to-face visit
    if changes.get("delivered_by") == "connector" and "volunteer" not in changes:
        merged["volunteer"] = None
    merged.update({k: v for k, v in changes.items() if k != "after_closure"})
    contact = ContactIn(**merged)  # the same rules as `visit log`
    episode = to_episode if moving else people_sql.episode(conn, row["episode_id"])
    after = _after_closure(episode, contact.date, changes, row, moving)
    values = contact.values(without=("after_closure",))
    values.update(date=contact.date.isoformat(), journey=int(contact.journey), after_closure=after)
    if "volunteer" in changes or contact.volunteer is None:  # the register (visit log's rule)
        values.update(_volunteer_link(conn, contact.volunteer, contact.date))
    if moving:
        values["episode_id"] = to_episode["id"]
    changed = [k for k, v in values.items() if k != "episode_id" and row[k] != v]
    update(conn, "contacts", contact_id, values)
    if changed:
        sql.record(conn, "contact edited", id=contact_id, episode=row["episode_id"], fields=changed)
    if moving:
        sql.record(
            conn,
            "contact moved",
            id=contact_id,
            episode=row["episode_id"],
            to_episode=to_episode["id"],
        )
    return row, changed + (["episode"] if moving else [])


def _volunteer_link(conn: sqlite3.Connection, name: str | None, on: date) -> dict:
    """The register's spelling and number for a named volunteer; refused when unknown."""
    if not name:
        return {"volunteer": None, "volunteer_id": None}
    from connector_cli.volunteers import volunteer_for_contact

    found = volunteer_for_contact(conn, name, on)
    return {"volunteer": found["name"], "volunteer_id": found["id"]}


def _after_closure(episode, day: date, changes: dict, row, moving: bool) -> int:
    """Whether the contact, dated `day` in `episode`, is keeping in touch after closure."""
    if episode["status"] in ("declined", "failed"):
        raise UserError(f"Episode {episode['id']} was {episode['status']}: it has no contacts.")
    if day.isoformat() < episode["referral_date"]:
        raise UserError(
            f"The contact date {day} is before the referral date ({episode['referral_date']})."
        )
    closed = episode["closure_date"]
    after = closed is not None and day.isoformat() > closed
    marked = changes.get("after_closure") or (row["after_closure"] and not moving)
    if after and not marked:
        raise UserError(
            f"Episode {episode['id']} closed on {closed}. If this was keeping in touch since "
            "then, add --after-closure (it will not count in the episode's figures)."
        )
    if changes.get("after_closure") and not after:
        raise UserError("--after-closure is only for contacts dated after the episode closed.")
    return int(after)


def remove_contact(conn: sqlite3.Connection, contact_id: int) -> sqlite3.Row:
    row = find_contact(conn, contact_id)
    sql.delete(conn, "contacts", contact_id)
    sql.record(conn, "contact removed", id=contact_id, episode=row["episode_id"])
    return row


def contact_owner(conn: sqlite3.Connection, row: sqlite3.Row) -> sqlite3.Row:
    """The person a contact (or any episode record) belongs to."""
    episode = people_sql.episode(conn, row["episode_id"])
    return conn.execute("SELECT * FROM people WHERE id = ?", [episode["person_id"]]).fetchone()


# --- Goals -------------------------------------------------------------------------------------


def find_goal(conn: sqlite3.Connection, episode: sqlite3.Row, number: int) -> sqlite3.Row:
    for goal in pathway_sql.goals(conn, episode["id"]):
        if goal["number"] == number:
            return goal
    raise UserError(f"No goal number {number} in episode {episode['id']}. See `connector show`.")


def edit_goal(
    conn: sqlite3.Connection, episode: sqlite3.Row, number: int, changes: dict
) -> tuple[sqlite3.Row, list[str]]:
    """Correct a goal's words, domain or the date it was set."""
    from connector_cli.models import GoalEdit

    goal = find_goal(conn, episode, number)
    edit = GoalEdit(**changes)
    given = edit.model_dump(exclude_unset=True)
    if not given:
        raise UserError("Nothing to change: give --text, --domain or --date.")
    values = {}
    if "text" in given:
        values["text"] = edit.text
    if "domain" in given:
        values["domain"] = edit.domain
    if "date" in given:
        values["set_date"] = _goal_date(conn, episode, goal, edit.date)
    changed = [k for k, v in values.items() if goal[k] != v]
    update(conn, "goals", goal["id"], values)
    if changed:
        sql.record(
            conn,
            "goal edited",
            id=goal["id"],
            number=number,
            episode=episode["id"],
            fields=changed,
        )
    return goal, changed


def _goal_date(conn, episode, goal, day: date) -> str:
    when = day.isoformat()
    if when < episode["referral_date"]:
        raise UserError(
            f"The date {when} is before the referral date ({episode['referral_date']})."
        )
    if episode["closure_date"] and when > episode["closure_date"]:
        raise UserError(f"The date {when} is after the episode closed ({episode['closure_date']}).")
    first_review, _ = sql.goal_review_dates(conn, goal["id"])
    if first_review and when > first_review:
        raise UserError(f"The date {when} is after the goal's first review ({first_review}).")
    if goal["dropped_date"] and when > goal["dropped_date"]:
        raise UserError(f"The date {when} is after the goal was dropped ({goal['dropped_date']}).")
    return when


def remove_goal(conn: sqlite3.Connection, episode: sqlite3.Row, number: int) -> sqlite3.Row:
    goal = find_goal(conn, episode, number)
    sql.delete(conn, "goals", goal["id"])
    sql.record(conn, "goal removed", id=goal["id"], number=number, episode=episode["id"])
    return goal


# --- Signposts ---------------------------------------------------------------------------------


def find_signpost(conn: sqlite3.Connection, signpost_id: int) -> sqlite3.Row:
    row = sql.signpost(conn, signpost_id)
    if row is None:
        raise UserError(f"No signpost number {signpost_id}. See `connector show PERSON`.")
    return row


def edit_signpost(
    conn: sqlite3.Connection, signpost_id: int, changes: dict
) -> tuple[sqlite3.Row, list[str]]:
    """Correct where a signpost was to (a directory entry, or --to and --category), its date,
    and whether someone went along."""
    from connector_cli.models import SignpostIn

    row = find_signpost(conn, signpost_id)
    if not changes:
        raise UserError(
            "Nothing to change: give --to, --category, --entry, --date or --accompanied."
        )
    merged = {k: row[k] for k in ("date", "to_text", "category_group", "category_sub")}
    merged |= {"entry_id": row["entry_id"], "accompanied": bool(row["accompanied"])}
    if "entry_id" in changes:
        merged["to_text"], merged["category_group"], merged["category_sub"] = _entry(
            conn, changes["entry_id"]
        )
    elif "to_text" in changes:
        merged["entry_id"] = None  # a different place is no longer that directory entry
    if "category" in changes:
        merged.pop("category_group"), merged.pop("category_sub")
    merged.update(changes)
    signpost = SignpostIn(**merged)
    episode = people_sql.episode(conn, row["episode_id"])
    values = signpost.model_dump()
    values.update(
        date=_signpost_date(conn, episode, row, signpost.date),
        accompanied=int(signpost.accompanied),
    )
    changed = list(
        dict.fromkeys(_SIGNPOST_WORDS.get(k, k) for k, v in values.items() if row[k] != v)
    )
    update(conn, "signposts", signpost_id, values)
    if changed:
        sql.record(
            conn, "signpost edited", id=signpost_id, episode=row["episode_id"], fields=changed
        )
    return row, changed


_SIGNPOST_WORDS = {"to_text": "to", "category_group": "category", "category_sub": "category"}


def _entry(conn, entry_id: int) -> tuple[str, str, str | None]:
    from connector_cli.store.directory import entry

    found = entry(conn, entry_id) if entry_id < 2**63 else None
    if found is None:
        raise UserError(f"No directory entry {entry_id}. See `connector directory list`.")
    return found["name"], found["category_group"], found["category_sub"]


def _signpost_date(conn, episode, row, day: date) -> str:
    when = day.isoformat()
    if when < episode["referral_date"]:
        raise UserError(
            f"The date {when} is before the referral date ({episode['referral_date']})."
        )
    if episode["closure_date"] and when > episode["closure_date"]:
        raise UserError(f"The date {when} is after the episode closed ({episode['closure_date']}).")
    first = sql.first_outcome_date(conn, row["id"])
    if first and when > first:
        raise UserError(f"The date {when} is after the signpost's first outcome ({first}).")
    return when


def remove_signpost(conn: sqlite3.Connection, signpost_id: int) -> sqlite3.Row:
    row = find_signpost(conn, signpost_id)
    sql.delete(conn, "signposts", signpost_id)
    sql.record(conn, "signpost removed", id=signpost_id, episode=row["episode_id"])
    return row
