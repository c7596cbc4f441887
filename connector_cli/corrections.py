"""Correcting what was recorded: a person's details, a referral's details (contacts, goals and
signposts: corrections_records; dates, closure, what matters: corrections_episode).

`connector check` names these commands as the fix for gaps that can only be mended by
changing a saved record. Each writes inside the caller's transaction and refuses anything the
original command would have refused.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from connector_cli.errors import UserError
from connector_cli.models import EpisodeEdit, PersonEdit, years_between
from connector_cli.store import people as people_sql
from connector_cli.store import update
from connector_cli.store.corrections import record as audit


def edit_person(conn: sqlite3.Connection, person: sqlite3.Row, edit: PersonEdit) -> list[str]:
    changes = edit.model_dump(exclude_unset=True)
    if not changes:
        raise UserError("Nothing to change: give at least one detail, e.g. --gender not-stated.")
    if "dob" in changes and changes["dob"] is not None:
        _check_dob_fits_episodes(conn, person["id"], changes["dob"])
    values = dict(changes)
    if "dob" in values:
        values["dob"] = values["dob"].isoformat() if values["dob"] else None
    for flag in ("consent_to_share", "no_known_risks"):
        if values.get(flag) is not None:
            values[flag] = int(values[flag])
    if values.get("risks"):
        values["no_known_risks"] = 0
    if values.get("no_known_risks"):
        values["risks"] = None
    update(conn, "people", person["id"], values)
    audit(conn, "person edited", person=person["id"], fields=sorted(changes))
    if changes.get("dob") is not None:
        for episode in people_sql.episodes_of(conn, person["id"]):
            age = years_between(changes["dob"], date.fromisoformat(episode["referral_date"]))
            update(conn, "episodes", episode["id"], {"age_at_referral": age, "age_not_stated": 0})
    return sorted(changes)


def _check_dob_fits_episodes(conn, person_id: int, dob: date) -> None:
    for episode in people_sql.episodes_of(conn, person_id):
        age = years_between(dob, date.fromisoformat(episode["referral_date"]))
        if not 16 <= age <= 120:
            raise UserError(
                f"Date of birth {dob} gives an age of {age} at the referral on "
                f"{episode['referral_date']}, outside 16-120."
            )


def edit_episode(conn: sqlite3.Connection, episode: sqlite3.Row, edit: EpisodeEdit) -> list[str]:
    changes = edit.model_dump(exclude_unset=True)
    if not changes:
        raise UserError("Nothing to change: give at least one detail, e.g. --source self.")
    values: dict = {k: changes[k] for k in ("source", "referrer", "reason") if k in changes}
    values.update(_trigger_values(conn, episode, edit, changes))
    values.update(_age_values(conn, episode, edit, changes))
    if "closure_detail" in changes:
        if episode["closure_date"] is None:
            raise UserError("This episode is not closed: there is no closure to explain.")
        values["closure_detail"] = edit.closure_detail
    if values:
        update(conn, "episodes", episode["id"], values)
    audit(
        conn,
        "referral edited",
        episode=episode["id"],
        person=episode["person_id"],
        fields=sorted(changes),
    )
    return sorted(changes)


def _trigger_values(conn, episode, edit: EpisodeEdit, changes: dict) -> dict:
    if edit.no_triggers:
        conn.execute("DELETE FROM episode_triggers WHERE episode_id = ?", [episode["id"]])
        return {"triggers_answered": 1, "no_triggers": 1, "primary_trigger": None}
    triggers = people_sql.episode_triggers(conn, episode["id"])
    values: dict = {}
    if edit.triggers:
        triggers = list(edit.triggers)
        conn.execute("DELETE FROM episode_triggers WHERE episode_id = ?", [episode["id"]])
        conn.executemany(
            "INSERT INTO episode_triggers (episode_id, trigger) VALUES (?, ?)",
            [(episode["id"], t) for t in triggers],
        )
        values = {"triggers_answered": 1, "no_triggers": 0}
        if episode["primary_trigger"] not in triggers:
            values["primary_trigger"] = triggers[0] if len(triggers) == 1 else None
    if "primary_trigger" in changes:
        if edit.primary_trigger not in triggers:
            raise UserError(
                f"The primary trigger '{edit.primary_trigger}' must be one of the episode's "
                f"trigger groups ({', '.join(triggers) or 'none recorded'})."
            )
        values["primary_trigger"] = edit.primary_trigger
    return values


def _age_values(conn, episode, edit: EpisodeEdit, changes: dict) -> dict:
    if "age" not in changes and not edit.age_not_stated:
        return {}
    person = conn.execute("SELECT dob FROM people WHERE id = ?", [episode["person_id"]]).fetchone()
    if person["dob"]:
        raise UserError("The age comes from the date of birth: change --dob with `person edit`.")
    if edit.age_not_stated:
        return {"age_at_referral": None, "age_not_stated": 1}
    return {"age_at_referral": edit.age, "age_not_stated": 0}
